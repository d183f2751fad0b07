package vgm

import (
	"math"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

func TestSamplerMoments(t *testing.T) {
	for name, m := range testMixtures {
		s := m.NewSampler()
		r := rng.New(6, 6)
		const n = 200000
		var s1, s2 float64
		modes := make([]float64, m.Len())
		for i := 0; i < n; i++ {
			x := s.Sample(&r)
			s1 += x
			s2 += x * x
			modes[s.SampleMode(&r)]++
		}
		mean, variance := 0.0, 0.0
		for k, w := range m.Weights {
			mean += w * m.Means[k]
		}
		for k, w := range m.Weights {
			d := m.Means[k] - mean
			variance += w * (m.Stds[k]*m.Stds[k] + d*d)
		}
		sd := math.Sqrt(variance)
		gotMean := s1 / n
		gotVar := s2/n - gotMean*gotMean
		if math.Abs(gotMean-mean) > 5*sd/math.Sqrt(n) {
			t.Errorf("%s: sample mean %v, want %v", name, gotMean, mean)
		}
		if math.Abs(gotVar/variance-1) > 0.05 {
			t.Errorf("%s: sample variance %v, want %v", name, gotVar, variance)
		}
		for k, c := range modes {
			w := m.Weights[k]
			if math.Abs(c/n-w) > 5*math.Sqrt(w*(1-w)/n)+1e-12 {
				t.Errorf("%s: mode %d drawn %v times, weight %v", name, k, c, w)
			}
		}
	}
}

func TestNewSamplerPanicsOnInvalid(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewSampler on all-zero weights did not panic")
		}
	}()
	(&Mixture{Weights: []float64{0}, Means: []float64{0}, Stds: []float64{1}}).NewSampler()
}
