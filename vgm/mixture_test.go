package vgm

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	many := &Mixture{}
	for i := 0; i < 10000; i++ {
		many.Weights = append(many.Weights, 1e-4)
		many.Means = append(many.Means, float64(i))
		many.Stds = append(many.Stds, 1)
	}
	tests := []struct {
		name    string
		m       *Mixture
		wantErr string // empty: valid
	}{
		{"valid", &Mixture{Weights: []float64{0.25, 0.75}, Means: []float64{-1, 1}, Stds: []float64{0.5, 2}}, ""},
		{"valid rounding", &Mixture{Weights: []float64{1.0 / 3, 1.0 / 3, 1.0/3 + 5e-10}, Means: []float64{0, 1, 2}, Stds: []float64{1, 1, 1}}, ""},
		{"zero weight", &Mixture{Weights: []float64{0, 1}, Means: []float64{0, 1}, Stds: []float64{1, 1}}, ""},
		{"nil", nil, "nil mixture"},
		{"no modes", &Mixture{}, "0 modes"},
		{"10000 modes", many, "10000 modes"},
		{"unequal lengths", &Mixture{Weights: []float64{1}, Means: []float64{0, 1}, Stds: []float64{1}}, "equal lengths"},
		{"negative std", &Mixture{Weights: []float64{1}, Means: []float64{0}, Stds: []float64{-1}}, "std"},
		{"zero std", &Mixture{Weights: []float64{1}, Means: []float64{0}, Stds: []float64{0}}, "std"},
		{"Inf std", &Mixture{Weights: []float64{1}, Means: []float64{0}, Stds: []float64{math.Inf(1)}}, "std"},
		{"NaN std", &Mixture{Weights: []float64{1}, Means: []float64{0}, Stds: []float64{math.NaN()}}, "std"},
		{"NaN mean", &Mixture{Weights: []float64{1}, Means: []float64{math.NaN()}, Stds: []float64{1}}, "mean"},
		{"Inf mean", &Mixture{Weights: []float64{1}, Means: []float64{math.Inf(-1)}, Stds: []float64{1}}, "mean"},
		{"NaN weight", &Mixture{Weights: []float64{math.NaN(), 1}, Means: []float64{0, 1}, Stds: []float64{1, 1}}, "weight"},
		{"negative weight", &Mixture{Weights: []float64{-0.5, 1.5}, Means: []float64{0, 1}, Stds: []float64{1, 1}}, "weight"},
		{"sum too small", &Mixture{Weights: []float64{0.5, 0.4}, Means: []float64{0, 1}, Stds: []float64{1, 1}}, "sum to"},
		{"sum too large", &Mixture{Weights: []float64{0.5, 0.5 + 1e-8}, Means: []float64{0, 1}, Stds: []float64{1, 1}}, "sum to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestMixtureJSON(t *testing.T) {
	m := &Mixture{Weights: []float64{0.2, 0.8}, Means: []float64{-1e12, 3.25}, Stds: []float64{1e-9, 0.1}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"weights":[0.2,0.8],"means":[-1000000000000,3.25],"stds":[1e-9,0.1]}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var back Mixture
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Weights, m.Weights) || !slices.Equal(back.Means, m.Means) || !slices.Equal(back.Stds, m.Stds) {
		t.Errorf("round trip = %+v, want %+v", back, *m)
	}
	if back.Len() != 2 {
		t.Errorf("Len() = %d, want 2", back.Len())
	}
}
