package vgm

import (
	"math"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

func TestQuantileInvertsCDF(t *testing.T) {
	for name, m := range testMixtures {
		for _, p := range []float64{1e-12, 1e-6, 0.001, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 0.999, 1 - 1e-9} {
			x := m.Quantile(p)
			if got := m.CDF(x); math.Abs(got-p) > 1e-12 {
				t.Errorf("%s: CDF(Quantile(%v)) = %v", name, p, got)
			}
		}
	}
}

func TestQuantileEdges(t *testing.T) {
	m := knownMixture
	tests := []struct {
		p, want float64
	}{
		{0, math.Inf(-1)},
		{-1, math.Inf(-1)},
		{1, math.Inf(1)},
		{2, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := m.Quantile(tt.p); got != tt.want {
			t.Errorf("Quantile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := m.Quantile(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Quantile(NaN) = %v, want NaN", got)
	}
}

// TestQuantileOfCDF checks Quantile(CDF(x)) ≈ x where the density is not
// negligible (elsewhere the CDF is flat and x is not identifiable).
func TestQuantileOfCDF(t *testing.T) {
	for name, m := range testMixtures {
		for k, mu := range m.Means {
			if m.Weights[k] == 0 {
				continue
			}
			for _, dz := range []float64{-3, -1, -0.1, 0, 0.5, 2, 3} {
				x := mu + dz*m.Stds[k]
				got := m.Quantile(m.CDF(x))
				// dp = 1e-16 in probability moves x by dp/density.
				tol := 4e-16/math.Exp(m.LogPDF(x)) + 1e-12*math.Abs(x)
				if math.Abs(got-x) > tol {
					t.Errorf("%s: Quantile(CDF(%v)) = %v (tolerance %g)", name, x, got, tol)
				}
			}
		}
	}
}

func TestQuantileTable(t *testing.T) {
	for name, m := range testMixtures {
		for _, size := range []int{2, 64, 1024} {
			q := m.NewQuantileTable(size)
			r := rng.New(uint64(size), 0)
			prev := math.Inf(-1)
			worst := 0.0
			check := func(p float64) {
				x := q.Quantile(p)
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%s/%d: Quantile(%v) = %v", name, size, p, x)
				}
				worst = math.Max(worst, math.Abs(m.CDF(x)-p))
			}
			// An increasing sweep also checks monotonicity.
			for i := 0; i <= 20000; i++ {
				p := float64(i) / 20000
				x := q.Quantile(p)
				if x < prev {
					t.Fatalf("%s/%d: Quantile(%v) = %v < Quantile of a smaller p = %v", name, size, p, x, prev)
				}
				prev = x
				check(p)
			}
			for i := 0; i < 20000; i++ {
				check(r.Float64())
			}
			for _, p := range []float64{0, 1e-300, 1e-7, 5e-7, 1e-6, 1 - 1e-6, 1 - 5e-7, 1} {
				check(p)
			}
			if worst >= 1e-6 {
				t.Errorf("%s/%d: max |CDF(Q(p)) - p| = %g, want < 1e-6 (%d knots)", name, size, worst, q.Len())
			}
		}
	}
}

func TestQuantileTableNaN(t *testing.T) {
	q := knownMixture.NewQuantileTable(16)
	if got := q.Quantile(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Quantile(NaN) = %v, want NaN", got)
	}
}
