package vgm

import (
	"math"
	"testing"
)

// testMixtures are valid mixtures of various shapes used across tests.
var testMixtures = map[string]*Mixture{
	"known":  knownMixture,
	"single": {Weights: []float64{1}, Means: []float64{3}, Stds: []float64{2}},
	"spike and slab": {
		Weights: []float64{0.6, 0.4},
		Means:   []float64{0, 10},
		Stds:    []float64{1e-3, 5},
	},
	"huge": {Weights: []float64{0.5, 0.5}, Means: []float64{1e12, 1.2e12}, Stds: []float64{1e9, 5e10}},
	"tiny": {Weights: []float64{0.3, 0.7}, Means: []float64{-1e-9, 2e-9}, Stds: []float64{1e-10, 1e-10}},
	"overlapping": {
		Weights: []float64{0.1, 0.2, 0.3, 0.4},
		Means:   []float64{0, 0.1, 0.2, 0.3},
		Stds:    []float64{1, 0.5, 0.25, 2},
	},
	"zero weight": {Weights: []float64{0, 1}, Means: []float64{-100, 100}, Stds: []float64{1, 1}},
	"ten modes": {
		Weights: []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
		Means:   []float64{-9, -7, -5, -3, -1, 1, 3, 5, 7, 9},
		Stds:    []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1},
	},
}

// directLogPDF evaluates the mixture density term by term.
func directLogPDF(m *Mixture, x float64) float64 {
	s := 0.0
	for k, mu := range m.Means {
		z := (x - mu) / m.Stds[k]
		s += m.Weights[k] / (m.Stds[k] * math.Sqrt(2*math.Pi)) * math.Exp(-0.5*z*z)
	}
	return math.Log(s)
}

func TestLogPDF(t *testing.T) {
	for name, m := range testMixtures {
		lo, hi := m.bracket()
		for i := 0; i <= 200; i++ {
			x := lo + (hi-lo)*float64(i)/200
			got, want := m.LogPDF(x), directLogPDF(m, x)
			if want < -700 { // the direct sum is subnormal or zero there
				if !(got < -700) {
					t.Errorf("%s: LogPDF(%v) = %v, want below -700", name, x, got)
				}
				continue
			}
			if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: LogPDF(%v) = %v, want %v", name, x, got, want)
			}
		}
	}
}

func TestResponsibilities(t *testing.T) {
	for name, m := range testMixtures {
		var buf []float64
		lo, hi := m.bracket()
		for i := -10; i <= 210; i++ {
			x := lo + (hi-lo)*float64(i)/200
			buf = m.Responsibilities(x, buf)
			sum := 0.0
			for _, r := range buf {
				if !(r >= 0 && r <= 1) {
					t.Fatalf("%s: responsibility %v at %v", name, r, x)
				}
				sum += r
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("%s: responsibilities at %v sum to %v", name, x, sum)
			}
		}
	}
	// Far away from everything the nearest mode in standard deviations
	// takes all the mass.
	m := &Mixture{Weights: []float64{0.5, 0.5}, Means: []float64{0, 10}, Stds: []float64{1, 100}}
	r := m.Responsibilities(-1e200, nil)
	if r[1] != 1 {
		t.Errorf("Responsibilities(-1e200) = %v, want all mass on the wide mode", r)
	}
}

func TestCDF(t *testing.T) {
	for name, m := range testMixtures {
		if got := m.CDF(-math.MaxFloat64); got != 0 {
			t.Errorf("%s: CDF(-max) = %v, want 0", name, got)
		}
		if got := m.CDF(math.MaxFloat64); got != 1 {
			t.Errorf("%s: CDF(max) = %v, want 1", name, got)
		}
		// The CDF's slope matches the density.
		for _, k := range []int{0, m.Len() - 1} {
			x, h := m.Means[k], m.Stds[k]*1e-4
			slope := (m.CDF(x+h) - m.CDF(x-h)) / (2 * h)
			if d := math.Exp(m.LogPDF(x)); math.Abs(slope-d) > 1e-5*d {
				t.Errorf("%s: CDF slope at %v = %v, density %v", name, x, slope, d)
			}
		}
	}
}

func TestHeldOutLogLikelihood(t *testing.T) {
	if got := HeldOutLogLikelihood(knownMixture, nil); !math.IsNaN(got) {
		t.Errorf("empty input: %v, want NaN", got)
	}
	x := []float64{-5, 0, 8}
	want := (knownMixture.LogPDF(-5) + knownMixture.LogPDF(0) + knownMixture.LogPDF(8)) / 3
	if got := HeldOutLogLikelihood(knownMixture, x); math.Abs(got-want) > 1e-15 {
		t.Errorf("HeldOutLogLikelihood = %v, want %v", got, want)
	}
}

// TestLogPDFTails checks the far tails, where densities underflow, against
// the closed form of a single Gaussian.
func TestLogPDFTails(t *testing.T) {
	m := &Mixture{Weights: []float64{1}, Means: []float64{3}, Stds: []float64{2}}
	for _, x := range []float64{-1e3, 1e5, -1e150, 1e300, -math.MaxFloat64} {
		z := (x/2 - 1.5) / 2 * 2 // (x-3)/2 without overflow
		want := -0.5*z*z - math.Log(2) - halfLog2Pi
		got := m.LogPDF(x)
		if math.IsInf(want, -1) {
			if !math.IsInf(got, -1) {
				t.Errorf("LogPDF(%v) = %v, want -Inf", x, got)
			}
			continue
		}
		if math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("LogPDF(%v) = %v, want %v", x, got, want)
		}
	}
}
