package vgm

import "math"

// This file holds the variational posterior of a one-dimensional
// Dirichlet-process Gaussian mixture and its closed-form updates, as in
// scikit-learn's BayesianGaussianMixture with covariance_type='full' and
// weight_concentration_prior_type='dirichlet_process' (Bishop 2006,
// section 10.2; Blei and Jordan 2006). The covariance scale is kept
// normalised by the degrees of freedom, as scikit-learn does, so cov is the
// plug-in variance of each component.

// eps10 is scikit-learn's 10 * finfo(float64).eps added to every
// component's responsibility mass to avoid division by zero.
const eps10 = 10 * 2.220446049250313e-16

// prior holds the fixed hyper-parameters (scikit-learn's defaults for
// standardised data).
type prior struct {
	alpha float64 // weight concentration (Dirichlet process)
	mean  float64 // mean prior: the data mean
	beta  float64 // mean precision prior: 1
	nu    float64 // degrees of freedom prior: n_features = 1
	cov   float64 // covariance prior: the sample variance (divisor n-1)
	reg   float64 // reg_covar added to every component variance
}

// suffStats are responsibility-weighted sums per component, taken around a
// per-component shift to avoid cancellation: n = Σ r, s1 = Σ r (z-shift),
// s2 = Σ r (z-shift)².
type suffStats struct {
	n, s1, s2, shift [MaxModes]float64
}

// posterior holds the variational parameters of the k components: the
// Beta stick-breaking parameters a, b, the Gaussian-Wishart parameters
// beta (mean precision scale), mean, nu (degrees of freedom) and cov
// (normalised inverse Wishart scale).
type posterior struct {
	k                         int
	a, b, beta, mean, nu, cov [MaxModes]float64
}

// mstep sets p from the sufficient statistics (scikit-learn's _m_step).
func (p *posterior) mstep(st *suffStats, pr *prior) {
	var nk [MaxModes]float64
	for j := 0; j < p.k; j++ {
		nk[j] = st.n[j] + eps10
	}
	tail := 0.0 // Σ_{i>j} nk[i]
	for j := p.k - 1; j >= 0; j-- {
		n := nk[j]
		xk := (st.n[j]*st.shift[j] + st.s1[j]) / n
		delta := st.shift[j] - xk
		sk := (st.s2[j]+2*delta*st.s1[j]+st.n[j]*delta*delta)/n + pr.reg
		p.a[j] = 1 + n
		p.b[j] = pr.alpha + tail
		tail += n
		p.beta[j] = pr.beta + n
		p.mean[j] = (pr.beta*pr.mean + n*xk) / p.beta[j]
		p.nu[j] = pr.nu + n
		dm := xk - pr.mean
		p.cov[j] = (pr.cov + n*sk + n*pr.beta/p.beta[j]*dm*dm) / p.nu[j]
	}
}

// estepParams are the per-component constants of the E-step: the expected
// log joint density of value z and component j is c[j] - hp[j] (z-mean[j])².
type estepParams struct {
	k           int
	mean, hp, c [MaxModes]float64
}

// estepParams sets e to the E-step constants (scikit-learn's
// _estimate_log_weights plus _estimate_log_prob), once per component.
func (p *posterior) estepParams(e *estepParams) {
	e.k = p.k
	stick := 0.0 // Σ_{i<j} E[log(1 - v_i)]
	for j := 0; j < p.k; j++ {
		dab := digamma(p.a[j] + p.b[j])
		logW := digamma(p.a[j]) - dab + stick
		stick += digamma(p.b[j]) - dab
		e.mean[j] = p.mean[j]
		e.hp[j] = 0.5 / p.cov[j]
		e.c[j] = logW - halfLog2Pi - 0.5*math.Log(p.cov[j]) - 0.5*math.Log(p.nu[j]) +
			0.5*(math.Ln2+digamma(0.5*p.nu[j])-1/p.beta[j])
	}
}

// lowerBound returns scikit-learn's variational lower bound (up to its
// dropped constants) given Σ r log r over the data from the E-step that
// preceded the M-step which produced p.
func (p *posterior) lowerBound(rLogR float64) float64 {
	logWishart, logNormWeight, logBeta := 0.0, 0.0, 0.0
	for j := 0; j < p.k; j++ {
		logDetChol := -0.5*math.Log(p.cov[j]) - 0.5*math.Log(p.nu[j])
		logWishart -= p.nu[j]*logDetChol + 0.5*p.nu[j]*math.Ln2 + lgamma(0.5*p.nu[j])
		logNormWeight -= betaln(p.a[j], p.b[j])
		logBeta += math.Log(p.beta[j])
	}
	return -rLogR - logWishart - logNormWeight - 0.5*logBeta
}

// weights returns the expected stick-breaking weights, normalised
// (scikit-learn's weights_).
func (p *posterior) weights() []float64 {
	w := make([]float64, p.k)
	rest, sum := 1.0, 0.0
	for j := 0; j < p.k; j++ {
		s := p.a[j] + p.b[j]
		w[j] = p.a[j] / s * rest
		rest *= p.b[j] / s
		sum += w[j]
	}
	for j := range w {
		w[j] /= sum
	}
	return w
}
