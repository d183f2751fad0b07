package vgm

import (
	"math"
	"testing"
)

// TestUpdatesMatchSklearn starts from the same one-hot responsibilities as
// the "updates" trace of testdata/sklearn_golden.py and requires the same
// iterates as scikit-learn's own E and M steps: this pins the update
// equations (priors, stick-breaking expectations, Wishart terms), not only
// the quality of the final fit.
func TestUpdatesMatchSklearn(t *testing.T) {
	const tol = 1e-9 // relative, or absolute for weights
	for _, g := range readGoldenUpdates(t) {
		t.Run(g.Dataset+"/"+g.Column, func(t *testing.T) {
			train, _ := splitHeldOut(readFixtureCSV(t, fixtureFor(g.Dataset))[g.Column])
			mean, std, ok := moments(train)
			if !ok {
				t.Fatal("constant column")
			}
			col := newColumn(train, mean, std)
			for _, want := range g.Iterates {
				cfg := DefaultConfig()
				// scikit-learn adds reg_covar in the column's units.
				cfg.RegCovar = 1e-6 / (std * std)
				cfg.Tol, cfg.RelTol, cfg.MaxIter = 0, 0, want.Iterations
				f := newFitter(col, cfg)
				lo, hi := arraySplitCells(len(col.z), g.Perm)
				f.initFromCells(lo, hi)
				if info := f.iterate(); info.Iterations != want.Iterations {
					t.Fatalf("ran %d iterations, want %d", info.Iterations, want.Iterations)
				}
				w := f.post.weights()
				for j := range w {
					gotMean := mean + std*f.post.mean[j]
					gotStd := std * math.Sqrt(f.post.cov[j])
					if math.Abs(w[j]-want.Weights[j]) > tol ||
						!relClose(gotMean, want.Means[j], tol, std) ||
						!relClose(gotStd, want.Stds[j], tol, 0) {
						t.Errorf("after %d iterations, component %d: weight %.12g mean %.12g std %.12g; sklearn %.12g %.12g %.12g",
							want.Iterations, j, w[j], gotMean, gotStd, want.Weights[j], want.Means[j], want.Stds[j])
					}
				}
			}
		})
	}
}

// arraySplitCells cuts n sorted distinct values into len(perm) contiguous
// chunks as numpy.array_split does and assigns chunk c to component
// perm[c].
func arraySplitCells(n int, perm []int) (lo, hi []int) {
	k := len(perm)
	lo, hi = make([]int, k), make([]int, k)
	start := 0
	for c := 0; c < k; c++ {
		size := n / k
		if c < n%k {
			size++
		}
		lo[perm[c]], hi[perm[c]] = start, start+size
		start += size
	}
	return lo, hi
}

// relClose reports whether got is within tol of want relative to
// max(|want|, scale).
func relClose(got, want, tol, scale float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), scale)
}
