package privacy

import (
	"math"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// TestLaplaceScale checks that noisy counts have the documented spread:
// standard deviation √2·Δ/ε with Δ = 1, and mean the true count.
func TestLaplaceScale(t *testing.T) {
	for _, eps := range []float64{0.1, 0.5, 1, 5} {
		n := NewNoise(7)
		const draws = 200000
		var sum, sq float64
		for range draws {
			d := n.Count(100, eps) - 100
			sum += d
			sq += d * d
		}
		mean := sum / draws
		sd := math.Sqrt(sq/draws - mean*mean)
		want := math.Sqrt2 / eps
		if math.Abs(sd-want) > 0.02*want || math.Abs(mean) > 0.02*want {
			t.Errorf("epsilon %v: noise mean %.4f, sd %.4f; want 0 and %.4f", eps, mean, sd, want)
		}
	}
}

// TestHistogramThreshold checks the thresholded histogram: a value held by
// few rows is dropped, one held by many is kept with a noisy count, public
// cells are always released, and a value held by one row passes with
// probability at most δ.
func TestHistogramThreshold(t *testing.T) {
	const eps, delta = 1, 1e-6
	tau := Threshold(eps, delta)
	if want := 1 + math.Log(1/(2*delta)); math.Abs(tau-want) > 1e-12 {
		t.Fatalf("threshold %v, want %v", tau, want)
	}
	n := NewNoise(1)
	got := n.Histogram(map[string]int64{"rare": 3, "common": 500, "": 0}, []string{"", "yes"}, eps, delta)
	if _, ok := got["rare"]; ok {
		t.Errorf("a value of 3 rows passed the threshold %.1f", tau)
	}
	if c, ok := got["common"]; !ok || math.Abs(c-500) > 30 {
		t.Errorf("common: %v, %v; want about 500", c, ok)
	}
	for _, k := range []string{"", "yes"} {
		if _, ok := got[k]; !ok {
			t.Errorf("public cell %q not released", k)
		}
	}
	passed := 0
	const trials = 200000
	for range trials {
		if len(n.Histogram(map[string]int64{"one": 1}, nil, eps, 1e-3)) > 0 {
			passed++
		}
	}
	if p := float64(passed) / trials; p > 1.2e-3 {
		t.Errorf("a one-row value passed %.5f of the time, want at most delta 1e-3", p)
	}
}

// TestExponential checks the exponential mechanism's odds: two scores
// apart by d are chosen in the ratio exp(ε·d/(2Δ)).
func TestExponential(t *testing.T) {
	n := NewNoise(3)
	const trials = 100000
	first := 0
	for range trials {
		if n.Exponential([]float64{2, 0}, 1, 1) == 0 {
			first++
		}
	}
	want := math.E / (math.E + 1) // exp(1·2/2) : 1
	if got := float64(first) / trials; math.Abs(got-want) > 0.01 {
		t.Errorf("chose the better score %.4f of the time, want %.4f", got, want)
	}
}

// TestRangeAndBins checks that the released range and histogram of a
// normal sample hold most of it, with no value of the sample as an edge.
func TestRangeAndBins(t *testing.T) {
	r := rng.New(1, 1)
	x := make([]float64, 20000)
	for i := range x {
		x[i] = 1000 + 50*r.NormFloat64()
	}
	n := NewNoise(2)
	rr := n.Range(x, nil, 1, RangeOptions{Rows: float64(len(x))})
	lo, hi := rr.Lo, rr.Hi
	if !(lo < 900 && lo > 200 && hi > 1100 && hi < 3000) {
		t.Errorf("range %v..%v, want one holding 900..1100 within 200..3000", lo, hi)
	}
	h := n.Bins(x, rr, 1, float64(len(x)), false)
	if tot := h.Total(); math.Abs(tot-float64(len(x))) > 300 {
		t.Errorf("histogram total %v, want about %d", tot, len(x))
	}
	if first, last := h.Edges[0], h.Edges[len(h.Edges)-1]; !(first < 880 && first > 600 && last > 1120 && last < 1400) {
		t.Errorf("histogram trimmed to %v..%v, want about 850..1150 and a bin", first, last)
	}
	pts := h.Points(5000)
	if len(pts) < 4900 || len(pts) > 5000 {
		t.Errorf("%d points, want about 5000", len(pts))
	}
	mean := 0.0
	for _, p := range pts {
		mean += p / float64(len(pts))
	}
	if math.Abs(mean-1000) > 10 {
		t.Errorf("points' mean %v, want about 1000", mean)
	}
}

// TestAccountant checks basic composition and the refusal to overspend.
func TestAccountant(t *testing.T) {
	a, err := NewAccountant(1, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Spend("a", 0.6, 5e-7); err != nil {
		t.Fatal(err)
	}
	if err := a.Spend("b", 0.4, 5e-7); err != nil {
		t.Fatal(err)
	}
	if err := a.Spend("c", 0.01, 0); err == nil {
		t.Error("spent past epsilon without an error")
	}
	b := a.Budget()
	if b.Epsilon != 1 || b.Delta != 1e-6 || len(b.Mechanisms) != 2 || b.Validate() != nil {
		t.Errorf("budget %+v", b)
	}
	for _, bad := range [][2]float64{{0, 1e-6}, {1, 0}, {math.Inf(1), 1e-6}, {1, 1}} {
		if _, err := NewAccountant(bad[0], bad[1]); err == nil {
			t.Errorf("accepted epsilon %v, delta %v", bad[0], bad[1])
		}
	}
}
