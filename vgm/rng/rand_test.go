package rng

import (
	"math"
	"testing"
)

func TestStreamsDiffer(t *testing.T) {
	pairs := [][2]uint64{{1, 0}, {1, 1}, {2, 0}, {0, 1}, {0, 0}}
	seen := map[uint64][2]uint64{}
	for _, p := range pairs {
		r := New(p[0], p[1])
		v := r.Uint64()
		if q, ok := seen[v]; ok {
			t.Errorf("New(%d, %d) and New(%d, %d) start identically", p[0], p[1], q[0], q[1])
		}
		seen[v] = p
	}
}

func TestFloat64Range(t *testing.T) {
	r := New(1, 2)
	sum := 0.0
	const n = 200000
	for i := 0; i < n; i++ {
		f := r.Float64()
		if f < 0 || f >= 1 {
			t.Fatalf("Float64 = %v, outside [0, 1)", f)
		}
		if f != math.Ldexp(math.Floor(math.Ldexp(f, 53)), -53) {
			t.Fatalf("Float64 = %v is not a multiple of 2^-53", f)
		}
		sum += f
	}
	if mean := sum / n; math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) {
		t.Errorf("Float64 mean = %v, want 0.5", mean)
	}
}

func TestUint64BitBalance(t *testing.T) {
	r := New(3, 4)
	const n = 100000
	var counts [64]int
	for i := 0; i < n; i++ {
		v := r.Uint64()
		for b := range counts {
			counts[b] += int(v >> b & 1)
		}
	}
	sd := math.Sqrt(n / 4.0)
	for b, c := range counts {
		if math.Abs(float64(c)-n/2) > 5*sd {
			t.Errorf("bit %d set %d times in %d draws", b, c, n)
		}
	}
}

func TestIntnUniform(t *testing.T) {
	tests := []struct {
		n     int
		draws int
	}{
		{1, 1000},
		{2, 100000},
		{7, 140000},
		{10, 200000},
		{1000, 500000},
	}
	for _, tt := range tests {
		r := New(11, uint64(tt.n))
		counts := make([]float64, tt.n)
		for i := 0; i < tt.draws; i++ {
			v := r.Intn(tt.n)
			if v < 0 || v >= tt.n {
				t.Fatalf("Intn(%d) = %d", tt.n, v)
			}
			counts[v]++
		}
		if tt.n == 1 {
			continue
		}
		want := make([]float64, tt.n)
		for i := range want {
			want[i] = float64(tt.draws) / float64(tt.n)
		}
		if z := chiSquareZ(counts, want); z > 5 {
			t.Errorf("Intn(%d): chi-square z-score %.2f", tt.n, z)
		}
	}
}

func TestIntnPanics(t *testing.T) {
	for _, n := range []int{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Intn(%d) did not panic", n)
				}
			}()
			r := New(0, 0)
			r.Intn(n)
		}()
	}
}

// chiSquareZ returns the chi-square statistic of observed against expected
// counts, standardised with the normal approximation (df = len-1).
func chiSquareZ(obs, exp []float64) float64 {
	chi := 0.0
	for i := range obs {
		d := obs[i] - exp[i]
		chi += d * d / exp[i]
	}
	df := float64(len(obs) - 1)
	return (chi - df) / math.Sqrt(2*df)
}

func BenchmarkUint64(b *testing.B) {
	r := New(1, 1)
	var s uint64
	for i := 0; i < b.N; i++ {
		s += r.Uint64()
	}
	sink = float64(s)
}

func BenchmarkFloat64(b *testing.B) {
	r := New(1, 1)
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += r.Float64()
	}
	sink = s
}

func BenchmarkIntn(b *testing.B) {
	r := New(1, 1)
	s := 0
	for i := 0; i < b.N; i++ {
		s += r.Intn(1000)
	}
	sink = float64(s)
}

// sink keeps benchmark results alive.
var sink float64
