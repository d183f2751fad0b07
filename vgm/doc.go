// Package vgm fits one-dimensional variational Gaussian mixtures and uses
// them to encode, decode and sample column values.
//
// # Model
//
// Fit implements the model and the coordinate-ascent updates of
// scikit-learn's BayesianGaussianMixture with a truncated Dirichlet-process
// (stick-breaking) weight prior, full covariances and k-means
// initialisation, specialised to one dimension: the priors are
// scikit-learn's defaults (mean prior the data mean, mean precision prior
// 1, degrees of freedom 1, covariance prior the sample variance with
// divisor n-1), the M-step adds reg_covar and 10·eps as scikit-learn does,
// and the variational lower bound, summed over the values, decides
// convergence. DefaultConfig reproduces the settings CTGAN uses. The tests
// check the iterates against scikit-learn's own E and M steps from a common
// initialisation (agreement to 1e-9 after 100 iterations) and the held-out
// likelihood of complete fits against scikit-learn's.
//
// Differences from scikit-learn, all deliberate:
//
//   - Values are standardised first (mean 0, variance 1) and the result is
//     mapped back, so fits do not depend on the column's scale or offset;
//     RegCovar is therefore relative to the column's variance.
//   - k-means++ and Lloyd's algorithm run on this package's random stream
//     (rng), so the initial clusters differ from scikit-learn's for the same
//     seed; Lloyd iterates until the assignment stops changing.
//   - Config.RelTol adds a relative early stop to scikit-learn's absolute
//     tolerance.
//   - Components of weight <= Config.WeightThreshold are dropped and the
//     rest renormalised, as CTGAN does; modes are sorted by mean.
//   - Constant columns yield one narrow mode instead of an error.
//
// # Speed
//
// Values are sorted and deduplicated once (columns with repeated values
// fit in time proportional to their distinct values), k-means works on
// prefix sums, and each iteration is one fused pass over the distinct
// values: a sub-block of sorted values only visits the components that can
// matter there, exponentials use a table-driven exp accurate to a few ulps,
// and up to two goroutines process fixed blocks whose partial sums are
// added in block order, so results are identical for any GOMAXPROCS.
//
// # Encoding
//
// The fitted Mixture is expressed in the column's own units and sorted by
// mean. It serialises to JSON; callers that load one must call Validate.
// Encode and Decode implement the mode-specific normalisation of
// CTGAN-style synthesizers: a value becomes a mode index and a scalar
// alpha = (x - mean) / (4 std). Sampler and QuantileTable serve generation.
package vgm
