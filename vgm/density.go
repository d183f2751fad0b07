package vgm

import "math"

// halfLog2Pi is log(2π)/2.
const halfLog2Pi = 0.9189385332046727

// joint sets e[k] proportional to the joint density w_k N(x | μ_k, σ_k) of
// x and mode k, scaled by exp(zmin²/2) where zmin is x's smallest
// standardised distance to a mode of positive weight, so that the terms
// cannot all underflow.
// It returns Σ e and log of the scale factor it removed, such that
// log Σ_k w_k N(x | μ_k, σ_k) = log(sum) + logScale. ok is false when the
// fast path cannot represent the terms (extreme x or stds); callers then
// use jointLog.
func (m *Mixture) joint(x float64, e []float64) (sum, logScale float64, ok bool) {
	zmin2 := math.Inf(1)
	for k, mu := range m.Means {
		z := (x - mu) / m.Stds[k]
		e[k] = z * z
		if m.Weights[k] > 0 {
			zmin2 = min(zmin2, e[k])
		}
	}
	if math.IsInf(zmin2, 1) {
		return 0, 0, false
	}
	for k, z2 := range e[:len(m.Means)] {
		t := -0.5 * (z2 - zmin2)
		v := 0.0
		if t > -700 {
			v = m.Weights[k] / m.Stds[k] * fastExp(t)
		}
		e[k] = v
		sum += v
	}
	// The anchor term alone is w/σ; demand a comfortably normal sum so
	// that its reciprocal is finite and accurate.
	if !(sum > 1e-280 && sum < 1e280) {
		return 0, 0, false
	}
	return sum, -0.5*zmin2 - halfLog2Pi, true
}

// jointLog sets e[k] = log(w_k N(x | μ_k, σ_k)) computed entirely in log
// space, and returns the largest. It is the slow path of joint.
func (m *Mixture) jointLog(x float64, e []float64) (best float64) {
	best = math.Inf(-1)
	for k, mu := range m.Means {
		s := m.Stds[k]
		// |x-μ|/σ in log space, halving first so that x-μ cannot overflow.
		logZ := math.Log(math.Abs(x/2-mu/2)) + math.Ln2 - math.Log(s)
		z2 := math.Exp(2 * logZ)
		e[k] = math.Log(m.Weights[k]) - math.Log(s) - halfLog2Pi - 0.5*z2
		best = max(best, e[k])
	}
	return best
}

// nearestMode returns the mode of positive weight with the smallest
// standardised distance to x, used when every joint density underflows.
func (m *Mixture) nearestMode(x float64) int {
	bestK, bestD := -1, 0.0
	for k, mu := range m.Means {
		if !(m.Weights[k] > 0) {
			continue
		}
		d := math.Log(math.Abs(x/2-mu/2)) - math.Log(m.Stds[k])
		if bestK < 0 || d < bestD {
			bestK, bestD = k, d
		}
	}
	return max(bestK, 0)
}

// scratch returns a slice of length k, on the caller's stack array when
// it fits.
func scratch(arr *[MaxModes]float64, k int) []float64 {
	if k <= MaxModes {
		return arr[:k]
	}
	return make([]float64, k)
}

// weightSum returns Σ w_k (1 within 1e-9 for a valid mixture).
func (m *Mixture) weightSum() float64 {
	s := 0.0
	for _, w := range m.Weights {
		s += w
	}
	return s
}

// LogPDF returns the log density of the mixture at x. It is -Inf where the
// density underflows (x extremely far from every mode).
func (m *Mixture) LogPDF(x float64) float64 {
	var arr [MaxModes]float64
	e := scratch(&arr, m.Len())
	if sum, logScale, ok := m.joint(x, e); ok {
		return math.Log(sum) + logScale - math.Log(m.weightSum())
	}
	best := m.jointLog(x, e)
	if math.IsInf(best, -1) || math.IsNaN(best) {
		return math.Inf(-1)
	}
	s := 0.0
	for _, v := range e {
		s += math.Exp(v - best)
	}
	return best + math.Log(s) - math.Log(m.weightSum())
}

// CDF returns the mixture's cumulative distribution function at x, in
// [0, 1].
func (m *Mixture) CDF(x float64) float64 {
	c := 0.0
	for k, mu := range m.Means {
		z := (x - mu) / m.Stds[k]
		if math.IsNaN(z) { // x-μ overflowed to ±Inf with σ = Inf: impossible for valid mixtures
			continue
		}
		c += m.Weights[k] * 0.5 * math.Erfc(-z/math.Sqrt2)
	}
	return min(max(c/m.weightSum(), 0), 1)
}

// pdf returns the density at x.
func (m *Mixture) pdf(x float64) float64 {
	return math.Exp(m.LogPDF(x))
}

// Responsibilities stores in dst the posterior probability of each mode
// given x and returns dst[:Len()], allocating when dst is too short. When
// x is so far from every mode that all densities underflow, the whole mass
// goes to the nearest mode in standard deviations.
func (m *Mixture) Responsibilities(x float64, dst []float64) []float64 {
	k := m.Len()
	if cap(dst) < k {
		dst = make([]float64, k)
	}
	dst = dst[:k]
	m.responsibilities(x, dst)
	return dst
}

// responsibilities fills r (length Len()) with the posterior mode
// probabilities of x.
func (m *Mixture) responsibilities(x float64, r []float64) {
	if sum, _, ok := m.joint(x, r); ok {
		inv := 1 / sum
		for k := range r {
			r[k] *= inv
		}
		return
	}
	best := m.jointLog(x, r)
	if math.IsInf(best, -1) || math.IsNaN(best) {
		nearest := m.nearestMode(x)
		for k := range r {
			r[k] = 0
		}
		r[nearest] = 1
		return
	}
	s := 0.0
	for k, v := range r {
		r[k] = math.Exp(v - best)
		s += r[k]
	}
	for k := range r {
		r[k] /= s
	}
}

// HeldOutLogLikelihood returns the mean log density of m over x, in nats
// per value, or NaN when x is empty.
func HeldOutLogLikelihood(m *Mixture, x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range x {
		s += m.LogPDF(v)
	}
	return s / float64(len(x))
}
