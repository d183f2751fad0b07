package vgm

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// knownMixture is the acceptance test's mixture
// 0.5·N(-5, 1²) + 0.3·N(0, 0.5²) + 0.2·N(8, 2²) (standard deviations).
var knownMixture = &Mixture{
	Weights: []float64{0.5, 0.3, 0.2},
	Means:   []float64{-5, 0, 8},
	Stds:    []float64{1, 0.5, 2},
}

// drawFrom returns n draws of m from the given stream.
func drawFrom(m *Mixture, n int, seed uint64) []float64 {
	r := rng.New(seed, 0)
	s := m.NewSampler()
	x := make([]float64, n)
	for i := range x {
		x[i] = s.Sample(&r)
	}
	return x
}

// mergedWeights assigns every fitted mode to the nearest true mean and
// sums the weights per true mode.
func mergedWeights(fit, truth *Mixture) []float64 {
	w := make([]float64, truth.Len())
	for k, mu := range fit.Means {
		best := 0
		for j, tm := range truth.Means {
			if math.Abs(mu-tm) < math.Abs(mu-truth.Means[best]) {
				best = j
			}
		}
		w[best] += fit.Weights[k]
	}
	return w
}

// TestFitKnownMixture is the acceptance test: 1M draws (200k with
// -short), merged weights within 0.01 of the truth and held-out log
// likelihood within 0.005 nats/value of the true density's.
func TestFitKnownMixture(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 200_000
	}
	x := drawFrom(knownMixture, n, 1)
	held := drawFrom(knownMixture, 200_000, 2)
	m, info, err := FitWithInfo(x, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(m.Means) {
		t.Errorf("means not sorted: %v", m.Means)
	}
	for j, w := range mergedWeights(m, knownMixture) {
		if math.Abs(w-knownMixture.Weights[j]) > 0.01 {
			t.Errorf("mode %d merged weight %.4f, want %.2f ± 0.01", j, w, knownMixture.Weights[j])
		}
	}
	got, want := HeldOutLogLikelihood(m, held), HeldOutLogLikelihood(knownMixture, held)
	t.Logf("n=%d: %d modes, %d iterations; held-out %.5f vs true %.5f", n, m.Len(), info.Iterations, got, want)
	if math.Abs(got-want) > 0.005 {
		t.Errorf("held-out log likelihood %.5f, true density's %.5f: differ by more than 0.005", got, want)
	}
}

func TestFitErrors(t *testing.T) {
	bad := func(mut func(*Config)) Config {
		c := DefaultConfig()
		mut(&c)
		return c
	}
	tests := []struct {
		name    string
		x       []float64
		cfg     Config
		wantErr string
	}{
		{"empty", nil, DefaultConfig(), "no values"},
		{"NaN", []float64{1, 2, 3, math.NaN()}, DefaultConfig(), "value 3 is NaN"},
		{"+Inf", []float64{math.Inf(1), 2}, DefaultConfig(), "value 0 is +Inf"},
		{"-Inf", []float64{1, 2, 3, 4, 5, math.Inf(-1)}, DefaultConfig(), "value 5 is -Inf"},
		{"zero config", []float64{1, 2}, Config{}, "MaxComponents"},
		{"too many components", []float64{1, 2}, bad(func(c *Config) { c.MaxComponents = 11 }), "MaxComponents"},
		{"concentration", []float64{1, 2}, bad(func(c *Config) { c.WeightConcentrationPrior = 0 }), "WeightConcentrationPrior"},
		{"tol", []float64{1, 2}, bad(func(c *Config) { c.Tol = math.NaN() }), "Tol"},
		{"reltol", []float64{1, 2}, bad(func(c *Config) { c.RelTol = -1 }), "RelTol"},
		{"reg", []float64{1, 2}, bad(func(c *Config) { c.RegCovar = -1 }), "RegCovar"},
		{"iter", []float64{1, 2}, bad(func(c *Config) { c.MaxIter = 0 }), "MaxIter"},
		{"threshold", []float64{1, 2}, bad(func(c *Config) { c.WeightThreshold = 1 }), "WeightThreshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Fit(tt.x, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Fit error = %v, want one containing %q", err, tt.wantErr)
			}
			if m != nil {
				t.Errorf("Fit returned a mixture with an error")
			}
		})
	}
}

// repeat returns v repeated n times.
func repeat(v float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func TestFitDegenerate(t *testing.T) {
	zeroInflated := repeat(0, 7000)
	r := rng.New(3, 3)
	for i := 0; i < 3000; i++ {
		zeroInflated = append(zeroInflated, math.Exp(1+r.NormFloat64()))
	}
	tests := []struct {
		name  string
		x     []float64
		check func(t *testing.T, m *Mixture)
	}{
		{"single value", []float64{42}, wantConstant(42, 42e-9)},
		{"constant", repeat(-3.5, 1000), wantConstant(-3.5, 3.5e-9)},
		{"constant zero", repeat(0, 10), wantConstant(0, 1e-300)},
		{"constant huge", repeat(1e300, 3), wantConstant(1e300, 1e291)},
		{"constant tiny", repeat(-2e-300, 3), wantConstant(-2e-300, 1e-300)},
		{"two values", []float64{1, 2}, func(t *testing.T, m *Mixture) {
			// Two values cannot overcome the priors: one mode covers both.
			for _, v := range []float64{1, 2} {
				if lp := m.LogPDF(v); lp < -3 {
					t.Errorf("LogPDF(%v) = %v, want the value covered", v, lp)
				}
			}
		}},
		{"three distinct values", append(append(repeat(1, 500), repeat(5, 300)...), repeat(9, 200)...), func(t *testing.T, m *Mixture) {
			// The means shrink towards the data mean by 1/(1+n_k) (the
			// mean precision prior is 1), hence the tolerance.
			wantNear(t, m, []float64{1, 5, 9}, []float64{0.5, 0.3, 0.2}, 0.03)
		}},
		{"zero inflated", zeroInflated, func(t *testing.T, m *Mixture) {
			if math.Abs(m.Means[0]) > 1e-3 {
				t.Errorf("lowest mode at %v, want the spike at 0", m.Means[0])
			}
			if !(m.Stds[0] > 0 && m.Stds[0] < 0.05) {
				t.Errorf("spike std %v, want small but positive", m.Stds[0])
			}
			if math.Abs(m.Weights[0]-0.7) > 0.01 {
				t.Errorf("spike weight %v, want 0.7", m.Weights[0])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Fit(tt.x, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("invalid mixture %+v: %v", m, err)
			}
			tt.check(t, m)
		})
	}
}

// wantConstant checks for the one-mode mixture of a constant column.
func wantConstant(mean, std float64) func(*testing.T, *Mixture) {
	return func(t *testing.T, m *Mixture) {
		t.Helper()
		if m.Len() != 1 || m.Weights[0] != 1 || m.Means[0] != mean || !relClose(m.Stds[0], std, 1e-12, 0) {
			t.Errorf("got %+v, want one mode at %v with std %v", *m, mean, std)
		}
	}
}

// wantNear checks that the modes sit on the given values within tol, with
// the given weights within 1e-3.
func wantNear(t *testing.T, m *Mixture, means, weights []float64, tol float64) {
	t.Helper()
	if m.Len() != len(means) {
		t.Fatalf("got %d modes %+v, want %d", m.Len(), *m, len(means))
	}
	for k := range means {
		if math.Abs(m.Means[k]-means[k]) > tol || math.Abs(m.Weights[k]-weights[k]) > 1e-3 {
			t.Errorf("mode %d: weight %v mean %v, want %v at %v", k, m.Weights[k], m.Means[k], weights[k], means[k])
		}
	}
}

// TestFitScaleInvariance fits the same shape at magnitudes 1, 1e12 and
// 1e-9, and shifted by 1e6: weights must agree and means/stds follow.
func TestFitScaleInvariance(t *testing.T) {
	base := drawFrom(knownMixture, 20000, 5)
	ref, err := Fit(base, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ scale, shift float64 }{{1e12, 0}, {1e-9, 0}, {2.5, 1e6}} {
		scale := tt.scale
		x := make([]float64, len(base))
		for i, v := range base {
			x[i] = v*scale + tt.shift
		}
		m, err := Fit(x, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if m.Len() != ref.Len() {
			t.Fatalf("scale %g: %d modes, want %d", scale, m.Len(), ref.Len())
		}
		for k := range m.Weights {
			wantMean := ref.Means[k]*scale + tt.shift
			if math.Abs(m.Weights[k]-ref.Weights[k]) > 1e-6 ||
				!relClose(m.Means[k], wantMean, 1e-6, scale) ||
				!relClose(m.Stds[k], ref.Stds[k]*scale, 1e-6, 0) {
				t.Errorf("scale %g shift %g mode %d: (%v, %v, %v), want (%v, %v, %v)", scale, tt.shift, k,
					m.Weights[k], m.Means[k], m.Stds[k], ref.Weights[k], wantMean, ref.Stds[k]*scale)
			}
		}
	}
}

// TestFitDeterministic checks that a fit depends only on data, config and
// seed: not on GOMAXPROCS (the E-step's block sums have a fixed order).
func TestFitDeterministic(t *testing.T) {
	x := drawFrom(knownMixture, 3*blockSize+123, 9)
	cfg := DefaultConfig()
	cfg.Seed = 77
	fit := func(procs int) *Mixture {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, err := Fit(x, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b, c := fit(1), fit(2), fit(4)
	for _, m := range []*Mixture{b, c} {
		if !slices.Equal(a.Weights, m.Weights) || !slices.Equal(a.Means, m.Means) || !slices.Equal(a.Stds, m.Stds) {
			t.Fatalf("fits differ across GOMAXPROCS:\n%+v\n%+v", *a, *m)
		}
	}
	cfg.Seed = 78
	d, err := Fit(x, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.Means, d.Means) {
		t.Logf("seeds 77 and 78 gave identical fits (possible, but unusual)")
	}
}

// TestFitInputUntouched checks that Fit does not modify its input.
func TestFitInputUntouched(t *testing.T) {
	x := []float64{3, 1, 2, 2, 5, 4}
	orig := slices.Clone(x)
	if _, err := Fit(x, DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x, orig) {
		t.Errorf("Fit modified its input: %v, want %v", x, orig)
	}
}
