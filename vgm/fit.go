package vgm

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// FitInfo describes how a fit went.
type FitInfo struct {
	// Iterations is the number of E/M iterations run (0 for a constant
	// column).
	Iterations int
	// Converged reports whether Tol or RelTol stopped the iterations
	// before MaxIter.
	Converged bool
	// LowerBound is the final variational lower bound on the standardised
	// data, comparable to scikit-learn's lower_bound_ only up to the
	// Jacobian of the standardisation.
	LowerBound float64
	// Distinct is the number of distinct values the fit ran on.
	Distinct int
}

// Fit fits a variational Gaussian mixture to x; see FitWithInfo.
func Fit(x []float64, cfg Config) (*Mixture, error) {
	m, _, err := FitWithInfo(x, cfg)
	return m, err
}

// FitWithInfo fits a variational Gaussian mixture to x with the model and
// updates of scikit-learn's BayesianGaussianMixture (see the package
// documentation) and returns it in x's units, sorted by mean, with
// components of weight <= cfg.WeightThreshold dropped.
//
// The values are standardised first (mean 0, variance 1), so the fit does
// not depend on the column's scale; cfg.RegCovar is therefore relative to
// the column's variance. A column whose values are all equal (including a
// single value) yields one mode at that value whose standard deviation is
// 1e-9 of its magnitude, or 1e-300 for zero. x must be non-empty and
// finite; Fit does not subsample.
func FitWithInfo(x []float64, cfg Config) (*Mixture, FitInfo, error) {
	if err := cfg.validate(); err != nil {
		return nil, FitInfo{}, fmt.Errorf("vgm: invalid config: %w", err)
	}
	if err := checkFinite(x); err != nil {
		return nil, FitInfo{}, fmt.Errorf("vgm: fit: %w", err)
	}
	mean, std, ok := moments(x)
	if !ok {
		return constantMixture(mean), FitInfo{Converged: true, Distinct: 1}, nil
	}
	col := newColumn(x, mean, std)
	f := newFitter(col, cfg)
	info := f.run()
	return f.mixture(), info, nil
}

// constantMixture is the one-mode mixture of a constant column.
func constantMixture(v float64) *Mixture {
	return &Mixture{Weights: []float64{1}, Means: []float64{v}, Stds: []float64{constantStd(v)}}
}

// constantStd is the width given to a constant column's single mode.
func constantStd(v float64) float64 {
	return math.Max(math.Abs(v)*1e-9, 1e-300)
}

// fitter runs one fit on a standardised column.
type fitter struct {
	col  *column
	cfg  Config
	pr   prior
	post posterior
}

// newFitter sets scikit-learn's default priors for col.
func newFitter(col *column, cfg Config) *fitter {
	// Priors as scikit-learn's defaults, on standardised data.
	var s0, s1 float64
	for i, v := range col.z {
		s0 += col.w[i]
		s1 += col.w[i] * v
	}
	m0 := s1 / s0
	ss := 0.0
	for i, v := range col.z {
		d := v - m0
		ss += col.w[i] * d * d
	}
	return &fitter{
		col: col,
		cfg: cfg,
		pr: prior{
			alpha: cfg.WeightConcentrationPrior,
			mean:  m0,
			beta:  1,
			nu:    1,
			cov:   ss / (s0 - 1), // np.cov: divisor n-1
			reg:   cfg.RegCovar,
		},
		post: posterior{k: cfg.MaxComponents},
	}
}

// initialize runs k-means and sets the posterior from its one-hot
// responsibilities (scikit-learn's _initialize with init_params='kmeans').
func (f *fitter) initialize() {
	km := newKMeans1D(f.col.z, f.col.w)
	r := rng.New(f.cfg.Seed, kmeansStream)
	f.initFromCells(km.lloyd(km.seed(f.cfg.MaxComponents, &r)))
}

// initFromCells sets the posterior from one-hot responsibilities: the
// distinct values z[lo[j]:hi[j]] belong to component j, for j < len(lo);
// other components start empty.
func (f *fitter) initFromCells(lo, hi []int) {
	c := f.col
	var st suffStats
	for j := range lo {
		// Statistics around the cell mean, summed directly for accuracy.
		s0, s1 := 0.0, 0.0
		for i := lo[j]; i < hi[j]; i++ {
			s0 += c.w[i]
			s1 += c.w[i] * c.z[i]
		}
		if s0 == 0 {
			continue
		}
		shift := s1 / s0
		var d1, d2 float64
		for i := lo[j]; i < hi[j]; i++ {
			d := c.z[i] - shift
			d1 += c.w[i] * d
			d2 += c.w[i] * d * d
		}
		st.n[j], st.s1[j], st.s2[j], st.shift[j] = s0, d1, d2, shift
	}
	f.post.mstep(&st, &f.pr)
}

// run initialises and iterates to convergence.
func (f *fitter) run() FitInfo {
	f.initialize()
	return f.iterate()
}

// iterate runs E/M iterations from the current posterior until Tol,
// RelTol or MaxIter stops them.
func (f *fitter) iterate() FitInfo {
	er := newEstepRunner(f.col.z, f.col.w)
	info := FitInfo{Distinct: len(f.col.z), LowerBound: math.Inf(-1)}
	var (
		st suffStats
		ep estepParams
	)
	for it := 1; it <= f.cfg.MaxIter; it++ {
		f.post.estepParams(&ep)
		rLogR := er.run(&ep, &st)
		f.post.mstep(&st, &f.pr)
		lb := f.post.lowerBound(rLogR)
		change := math.Abs(lb - info.LowerBound)
		info.Iterations, info.LowerBound = it, lb
		if change < f.cfg.Tol || change < f.cfg.RelTol*math.Abs(lb) {
			info.Converged = true
			break
		}
	}
	return info
}

// mixture converts the posterior into a Mixture in the column's units.
func (f *fitter) mixture() *Mixture {
	w := f.post.weights()
	keep := make([]int, 0, len(w))
	for j, v := range w {
		if v > f.cfg.WeightThreshold {
			keep = append(keep, j)
		}
	}
	if len(keep) == 0 {
		// Only possible with a threshold near 1: keep the heaviest.
		keep = append(keep, argmax(w))
	}
	sort.SliceStable(keep, func(a, b int) bool {
		ma, mb := f.post.mean[keep[a]], f.post.mean[keep[b]]
		if ma != mb {
			return ma < mb
		}
		return f.post.cov[keep[a]] < f.post.cov[keep[b]]
	})
	m := &Mixture{
		Weights: make([]float64, len(keep)),
		Means:   make([]float64, len(keep)),
		Stds:    make([]float64, len(keep)),
	}
	total := 0.0
	for _, j := range keep {
		total += w[j]
	}
	mu, sigma := f.col.mean, f.col.std
	for i, j := range keep {
		m.Weights[i] = w[j] / total
		m.Means[i] = mu + sigma*f.post.mean[j]
		m.Stds[i] = math.Max(sigma*math.Sqrt(f.post.cov[j]), 1e-300)
	}
	return m
}

// argmax returns the index of the largest element of v.
func argmax(v []float64) int {
	return slices.Index(v, slices.Max(v))
}
