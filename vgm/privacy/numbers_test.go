package privacy

import (
	"math"
	"slices"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// draw returns n values of f(r).
func draw(n int, seed uint64, f func(r *rng.Rand) float64) []float64 {
	r := rng.New(seed, 9)
	x := make([]float64, n)
	for i := range x {
		x[i] = f(&r)
	}
	return x
}

// TestRangeShapes checks Range on small, noisy cases like a private fit's
// columns (1,461 rows, ε ≈ 0.05 for the range): values far from zero and
// close together (four years of dates in seconds) are zoomed in on; values
// over orders of magnitude and values around zero are not. Every noise
// seed must give a range that holds the bulk (the 10% to 80% quantiles: a
// heavy tail past the range counts in the histogram's end bin) and is not
// much wider than the values.
func TestRangeShapes(t *testing.T) {
	const rows, eps = 1461, 0.05
	for _, tc := range []struct {
		name     string
		x        []float64
		zoom     bool
		maxWidth float64 // the widest range, in widths of the values' 1%..99% range
	}{
		{"dates", draw(rows, 1, func(r *rng.Rand) float64 { return 1.3253e9 + r.Float64()*1.263e8 }), true, 8},
		{"amounts", draw(rows, 2, func(r *rng.Rand) float64 { return math.Exp(1 + 1.2*r.NormFloat64()) }), false, 40},
		{"temperatures", draw(rows, 3, func(r *rng.Rand) float64 { return 8 + 5*r.NormFloat64() }), false, 12},
	} {
		s := slices.Clone(tc.x)
		slices.Sort(s)
		q1, q99 := s[rows/100], s[rows*99/100]
		zooms := 0
		for seed := uint64(1); seed <= 20; seed++ {
			r := NewNoise(seed).Range(tc.x, nil, eps, RangeOptions{Rows: rows})
			if r.Spent > eps*(1+1e-9) {
				t.Errorf("%s, seed %d: spent %v of %v", tc.name, seed, r.Spent, eps)
			}
			if r.Spent > eps*scaleShare*(1+1e-9) {
				zooms++
			}
			if q10, q80 := s[rows/10], s[rows*8/10]; !(r.Lo <= q10 && r.Hi >= q80) {
				t.Errorf("%s, seed %d: range %.4g..%.4g misses the bulk %.4g..%.4g", tc.name, seed, r.Lo, r.Hi, q10, q80)
			}
			if w := (r.Hi - r.Lo) / (q99 - q1); w > tc.maxWidth {
				t.Errorf("%s, seed %d: range %.4g..%.4g is %.1f times as wide as the values' %.4g..%.4g", tc.name, seed, r.Lo, r.Hi, w, q1, q99)
			}
		}
		if tc.zoom && zooms < 18 || !tc.zoom && zooms > 0 {
			t.Errorf("%s: zoomed in %d fits of 20", tc.name, zooms)
		}
	}
}

// TestRangeCells checks that the cells released with Range's first step
// have the noise of a count of sensitivity 1 at CellEpsilon: standard
// deviation √2/ε.
func TestRangeCells(t *testing.T) {
	x := draw(100, 1, func(r *rng.Rand) float64 { return r.Float64() })
	const eps, draws = 0.5, 20000
	n := NewNoise(4)
	var sum, sq float64
	for range draws {
		r := n.Range(x, []float64{50}, eps, RangeOptions{Rows: 150})
		d := r.Cells[0] - 50
		sum += d
		sq += d * d
		if r.CellEpsilon != eps*scaleShare {
			t.Fatalf("cells released with epsilon %v, want %v", r.CellEpsilon, eps*scaleShare)
		}
	}
	mean := sum / draws
	sd := math.Sqrt(sq/draws - mean*mean)
	if want := math.Sqrt2 / (eps * scaleShare); math.Abs(sd-want) > 0.03*want || math.Abs(mean) > 0.03*want {
		t.Errorf("cell noise mean %.3f, sd %.3f; want 0 and %.3f", mean, sd, want)
	}
}

// TestSureCore checks that a core must hold its share beyond the noise:
// one bin of noise as high as the values' bump does not win.
func TestSureCore(t *testing.T) {
	counts := make([]float64, 32)
	for i := 10; i < 14; i++ {
		counts[i] = 150 // 600 values over four bins
	}
	counts[25] = 250 // a spike of noise, 8 noise scales
	first, last, ok := sureCore(counts, 300, 1.0/30, 2)
	if !ok || first < 10 || last > 13 {
		t.Errorf("core %d..%d (%v), want within the bump 10..13", first, last, ok)
	}
	if _, _, ok := sureCore(counts, 700, 1.0/30, 2); ok {
		t.Error("found a core holding more than there is")
	}
}

// TestBinsTrim checks the trimming of a released histogram: the bins
// past the values go, but for the bins of a sparse tail that noise would
// not reach, and the edges are grid points, not values.
func TestBinsTrim(t *testing.T) {
	x := draw(5000, 5, func(r *rng.Rand) float64 { return 10 + 2*r.NormFloat64() })
	r := RangeResult{Lo: -40, Hi: 120, Scale: 50}
	for seed := uint64(1); seed <= 20; seed++ {
		h := NewNoise(seed).Bins(x, r, 0.2, 5000, false)
		lo, hi := h.Edges[0], h.Edges[len(h.Edges)-1]
		if !(lo > -3 && lo < 6 && hi > 14 && hi < 23) {
			t.Errorf("seed %d: histogram trimmed to %.3g..%.3g, want about 10 ± 3 sd and a bin", seed, lo, hi)
		}
		for _, e := range h.Edges {
			if slices.Contains(x, e) {
				t.Errorf("seed %d: edge %v is a value", seed, e)
			}
		}
		if tot := h.Total(); math.Abs(tot-5000) > 250 {
			t.Errorf("seed %d: total %v, want about 5000", seed, tot)
		}
	}
}
