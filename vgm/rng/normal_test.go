package rng

import (
	"math"
	"testing"
)

func TestZigguratTables(t *testing.T) {
	for i := 1; i <= zigLayers; i++ {
		if !(zigX[i] < zigX[i-1]) {
			t.Fatalf("zigX not decreasing at %d: %v >= %v", i, zigX[i], zigX[i-1])
		}
	}
	// Every layer must have area zigV; the top layer absorbs the rounding
	// of the published constants.
	for i := 1; i < zigLayers; i++ {
		area := zigX[i] * (zigF[i+1] - zigF[i])
		if math.Abs(area-zigV) > 1e-9*zigV {
			t.Errorf("layer %d area = %v, want %v", i, area, zigV)
		}
	}
	// The base layer covers the strip under f(r) plus the tail.
	tail := math.Sqrt(math.Pi/2) * math.Erfc(zigR/math.Sqrt2)
	if base := zigR*zigF[1] + tail; math.Abs(base-zigV) > 1e-9 {
		t.Errorf("base layer area = %v, want %v", base, zigV)
	}
}

func TestDetMath(t *testing.T) {
	r := New(5, 5)
	for i := 0; i < 100000; i++ {
		x := (r.Float64() - 0.5) * 80
		if got, want := detExp(x), math.Exp(x); math.Abs(got-want) > 4.5e-16*want {
			t.Fatalf("detExp(%v) = %v, want %v", x, got, want)
		}
		y := math.Exp((r.Float64() - 0.5) * 100)
		if got, want := detLog(y), math.Log(y); math.Abs(got-want) > 4.5e-16*math.Max(1, math.Abs(want)) {
			t.Fatalf("detLog(%v) = %v, want %v", y, got, want)
		}
	}
}

func TestNormalMoments(t *testing.T) {
	r := New(99, 1)
	const n = 1000000
	var s1, s2, s3, s4 float64
	for i := 0; i < n; i++ {
		x := r.NormFloat64()
		x2 := x * x
		s1 += x
		s2 += x2
		s3 += x2 * x
		s4 += x2 * x2
	}
	tests := []struct {
		name      string
		got, want float64
		se        float64 // standard error of the sample moment
	}{
		{"mean", s1 / n, 0, 1 / math.Sqrt(n)},
		{"E[x^2]", s2 / n, 1, math.Sqrt(2.0 / n)},
		{"E[x^3]", s3 / n, 0, math.Sqrt(15.0 / n)},
		{"E[x^4]", s4 / n, 3, math.Sqrt(96.0 / n)},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 5*tt.se {
			t.Errorf("%s = %v, want %v ± %v", tt.name, tt.got, tt.want, 5*tt.se)
		}
	}
}

// TestNormalHistogram compares bin frequencies, including both tails beyond
// the ziggurat's tail start, with the exact normal probabilities.
func TestNormalHistogram(t *testing.T) {
	edges := []float64{math.Inf(-1), -4, -zigR, -3, -2.5, -2, -1.5, -1, -0.5, -0.25, 0,
		0.25, 0.5, 1, 1.5, 2, 2.5, 3, zigR, 4, math.Inf(1)}
	const n = 2000000
	r := New(123, 0)
	obs := make([]float64, len(edges)-1)
	for i := 0; i < n; i++ {
		x := r.NormFloat64()
		for j := 1; j < len(edges); j++ {
			if x < edges[j] {
				obs[j-1]++
				break
			}
		}
	}
	exp := make([]float64, len(obs))
	for j := range exp {
		exp[j] = n * (phi(edges[j+1]) - phi(edges[j]))
	}
	if z := chiSquareZ(obs, exp); z > 5 {
		t.Errorf("normal histogram chi-square z-score %.2f\nobs %v\nexp %v", z, obs, exp)
	}
}

// phi is the standard normal CDF.
func phi(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

func BenchmarkNormFloat64(b *testing.B) {
	r := New(1, 1)
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += r.NormFloat64()
	}
	sink = s
}
