package vgm

import (
	"fmt"
	"math"
)

// MaxModes is the largest number of mixture components a Mixture may have.
const MaxModes = 10

// Config holds the fitting parameters. Start from DefaultConfig; the zero
// value is not valid.
type Config struct {
	// MaxComponents is the truncation level of the stick-breaking prior,
	// in [1, MaxModes] (scikit-learn's n_components).
	MaxComponents int
	// WeightConcentrationPrior is the Dirichlet-process concentration
	// (scikit-learn's weight_concentration_prior), > 0.
	WeightConcentrationPrior float64
	// Tol stops the iterations when the variational lower bound, summed
	// over all values as scikit-learn does, changes by less than Tol.
	Tol float64
	// RelTol additionally stops the iterations when the lower bound
	// changes by less than RelTol times its magnitude. scikit-learn's
	// absolute Tol on a sum over n values becomes ever stricter as n
	// grows, so that large columns run all MaxIter iterations; the bound's
	// magnitude grows with n too, so RelTol acts as a per-value tolerance.
	// Zero disables it.
	RelTol float64
	// RegCovar is added to each component's variance in the M-step, as
	// scikit-learn's reg_covar. Fit works on standardised values, so it is
	// relative to the column's variance; it keeps spikes (repeated values)
	// at a positive width.
	RegCovar float64
	// MaxIter is the maximum number of E/M iterations, >= 1.
	MaxIter int
	// WeightThreshold drops fitted components whose weight is at most this
	// value; the remaining weights are renormalised. In [0, 1).
	WeightThreshold float64
	// Seed drives the k-means++ initialisation.
	Seed uint64
}

// DefaultRelTol is DefaultConfig's RelTol: a change of the lower bound
// below 1e-5 of its magnitude ends the fit. It is conservative: on the
// golden columns of the tests it stops at most one fit early (83 instead
// of 96 iterations for a zero-inflated column, with the same held-out
// likelihood), and slowly converging fits still run all MaxIter
// iterations.
const DefaultRelTol = 1e-5

// DefaultConfig returns the settings CTGAN uses with scikit-learn:
// BayesianGaussianMixture(n_components=10,
// weight_concentration_prior_type='dirichlet_process',
// weight_concentration_prior=0.001, tol=1e-3, reg_covar=1e-6, max_iter=100,
// init_params='kmeans'), with components of weight <= 0.005 dropped, plus
// the relative early stop DefaultRelTol.
func DefaultConfig() Config {
	return Config{
		MaxComponents:            10,
		WeightConcentrationPrior: 0.001,
		Tol:                      1e-3,
		RelTol:                   DefaultRelTol,
		RegCovar:                 1e-6,
		MaxIter:                  100,
		WeightThreshold:          0.005,
	}
}

// validate reports the first invalid field of c.
func (c Config) validate() error {
	switch {
	case c.MaxComponents < 1 || c.MaxComponents > MaxModes:
		return fmt.Errorf("MaxComponents = %d, want 1..%d", c.MaxComponents, MaxModes)
	case !(c.WeightConcentrationPrior > 0) || math.IsInf(c.WeightConcentrationPrior, 0):
		return fmt.Errorf("WeightConcentrationPrior = %v, want finite > 0", c.WeightConcentrationPrior)
	case !(c.Tol >= 0):
		return fmt.Errorf("Tol = %v, want >= 0", c.Tol)
	case !(c.RelTol >= 0):
		return fmt.Errorf("RelTol = %v, want >= 0", c.RelTol)
	case !(c.RegCovar >= 0) || math.IsInf(c.RegCovar, 0):
		return fmt.Errorf("RegCovar = %v, want finite >= 0", c.RegCovar)
	case c.MaxIter < 1:
		return fmt.Errorf("MaxIter = %d, want >= 1", c.MaxIter)
	case !(c.WeightThreshold >= 0 && c.WeightThreshold < 1):
		return fmt.Errorf("WeightThreshold = %v, want in [0, 1)", c.WeightThreshold)
	}
	return nil
}
