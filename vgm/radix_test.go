package vgm

import (
	"math"
	"slices"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

func TestSortFloats(t *testing.T) {
	r := rng.New(10, 10)
	gen := map[string]func(i int) float64{
		"normal":    func(int) float64 { return r.NormFloat64() },
		"integers":  func(int) float64 { return float64(r.Intn(100) - 50) },
		"magnitude": func(int) float64 { return r.NormFloat64() * math.Pow(10, float64(r.Intn(600)-300)) },
		"signed zeros": func(i int) float64 {
			if i%2 == 0 {
				return math.Copysign(0, -1)
			}
			return 0
		},
		"constant": func(int) float64 { return 7 },
		"sorted":   func(i int) float64 { return float64(i) },
		"reversed": func(i int) float64 { return -float64(i) },
	}
	for name, g := range gen {
		for _, n := range []int{0, 1, 100, radixMin, 50000} {
			x := make([]float64, n)
			for i := range x {
				x[i] = g(i)
			}
			want := slices.Clone(x)
			slices.Sort(want)
			sortFloats(x)
			for i := range x {
				if x[i] != want[i] {
					t.Fatalf("%s/%d: position %d = %v, want %v", name, n, i, x[i], want[i])
				}
			}
		}
	}
}

// BenchmarkSort1M sorts a million draws with the radix sort and, for
// comparison, with slices.Sort.
func BenchmarkSort1M(b *testing.B) {
	x := drawFrom(knownMixture, 1_000_000, 1)
	y := make([]float64, len(x))
	for _, bm := range []struct {
		name string
		sort func([]float64)
	}{{"radix", sortFloats}, {"slices.Sort", slices.Sort[[]float64]}} {
		b.Run(bm.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				copy(y, x)
				bm.sort(y)
			}
		})
	}
}
