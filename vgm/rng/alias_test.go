package rng

import (
	"math"
	"strings"
	"testing"
)

func TestNewAliasErrors(t *testing.T) {
	tests := []struct {
		name    string
		weights []float64
		wantErr string
	}{
		{"empty", nil, "at least one"},
		{"negative", []float64{1, -1}, "weight 1"},
		{"NaN", []float64{math.NaN()}, "weight 0"},
		{"Inf", []float64{1, 2, math.Inf(1)}, "weight 2"},
		{"all zero", []float64{0, 0, 0}, "all zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewAlias(tt.weights)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewAlias(%v) error = %v, want one containing %q", tt.weights, err, tt.wantErr)
			}
		})
	}
}

func TestAliasFrequencies(t *testing.T) {
	tests := []struct {
		name    string
		weights []float64
	}{
		{"single", []float64{3}},
		{"uniform", []float64{1, 1, 1, 1, 1}},
		{"skewed", []float64{0.5, 0.3, 0.2}},
		{"with zeros", []float64{0, 1, 0, 2, 0}},
		{"tiny and huge", []float64{1e-300, 1e300, 5e299}},
		{"many", manyWeights(97)},
		{"spike", []float64{0.995, 0.001, 0.001, 0.001, 0.001, 0.001}},
	}
	const n = 500000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAlias(tt.weights)
			if err != nil {
				t.Fatal(err)
			}
			if a.Len() != len(tt.weights) {
				t.Fatalf("Len() = %d, want %d", a.Len(), len(tt.weights))
			}
			sum := 0.0
			for _, w := range tt.weights {
				sum += w / 1e300
			}
			r := New(8, 8)
			obs := make([]float64, len(tt.weights))
			for i := 0; i < n; i++ {
				obs[a.Sample(&r)]++
			}
			var o, e []float64
			for i, w := range tt.weights {
				want := n * (w / 1e300) / sum
				if want == 0 {
					if obs[i] != 0 {
						t.Errorf("outcome %d has weight 0 but was drawn %v times", i, obs[i])
					}
					continue
				}
				o = append(o, obs[i])
				e = append(e, want)
			}
			if len(o) > 1 {
				if z := chiSquareZ(o, e); z > 5 {
					t.Errorf("chi-square z-score %.2f\nobs %v\nexp %v", z, o, e)
				}
			}
		})
	}
}

// manyWeights returns n distinct positive weights.
func manyWeights(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(i%13) + 0.5
	}
	return w
}

func BenchmarkAliasSample(b *testing.B) {
	a, err := NewAlias([]float64{0.5, 0.2, 0.1, 0.05, 0.05, 0.04, 0.03, 0.02, 0.005, 0.005})
	if err != nil {
		b.Fatal(err)
	}
	r := New(1, 1)
	s := 0
	for i := 0; i < b.N; i++ {
		s += a.Sample(&r)
	}
	sink = float64(s)
}
