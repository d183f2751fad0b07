package privacy

import (
	"math"
)

// NumberHistogram is a released histogram of numbers: Counts[i] rows in
// [Edges[i], Edges[i+1]).
type NumberHistogram struct {
	Edges  []float64
	Counts []float64
}

// Grids of Numbers.
const (
	// coarseBins cut asinh(x) over [−coarseLimit, coarseLimit] (|x| up
	// to about 2^90) into bins of 1: near zero a bin is about 1 wide,
	// further out each spans a factor of e.
	coarseBins  = 128
	coarseLimit = 64.0
	// midBins cut the coarse range into equal bins.
	midBins = 16
	// maxFineBins bounds the released histogram's bins.
	maxFineBins = 128
)

// Range releases a range that holds most of x, with no bounds known in
// advance, in two steps that each count every value once (sensitivity 1
// each: values outside a step's range count in its end bins) and together
// spend epsilon:
//
//  1. Scale (3ε/5): noisy counts of asinh(x) in 128 bins of 1 over
//     [−64, 64], a grid fixed in advance (near zero a bin is about 1
//     wide, further out each spans a factor of e). The range is the run of
//     bins whose noisy counts exceed twice the noise scale by the most in
//     sum (a maximum subarray), widened by half its length (at
//     least a bin) on each side.
//  2. Range (2ε/5): the same on 16 equal bins of that range, above
//     the noise scale.
//
// The range's ends lie on grids set by released counts: they are no
// values of x.
func (n *Noise) Range(x []float64, epsilon float64) (lo, hi float64) {
	a, b := n.span(x, -coarseLimit, 2*coarseLimit/coarseBins, coarseBins, epsilon*3/5, 2, math.Asinh)
	lo, hi = math.Sinh(a), math.Sinh(b)
	return n.span(x, lo, (hi-lo)/midBins, midBins, epsilon*2/5, 1, nil)
}

// Bins releases noisy counts of x (Laplace, sensitivity 1) in about
// rows·ε/4 equal bins of [lo, hi] (8 to 128; bins of whole numbers for
// integers), values outside counted in the end bins. After the fact, the
// ends are trimmed to the maximum subarray above half the noise scale, and
// negative counts become zero. rows estimates len(x) (a released count).
func (n *Noise) Bins(x []float64, lo, hi, epsilon, rows float64, integer bool) NumberHistogram {
	bins := min(max(int(math.Round(max(rows, 0)*epsilon/4)), 8), maxFineBins)
	width := (hi - lo) / float64(bins)
	if integer {
		lo = math.Floor(lo) - 0.5
		width = max(1, math.Ceil((hi-lo)/float64(bins)))
		bins = max(1, int(math.Ceil((hi-lo)/width)))
	}
	counts := n.binCounts(x, lo, width, bins, epsilon, nil)
	first, last := mostAbove(counts, 0.5/epsilon)
	h := NumberHistogram{}
	for i := first; i <= last+1; i++ {
		h.Edges = append(h.Edges, lo+float64(i)*width)
	}
	for _, c := range counts[first : last+1] {
		h.Counts = append(h.Counts, max(c, 0))
	}
	return h
}

// span releases noisy counts of f(x) (x when f is nil) in bins of width
// from lo, and returns the range of their maximum subarray above floor
// times the noise scale, widened by half its length (at least a bin) on
// each side, within the bins.
func (n *Noise) span(x []float64, lo, width float64, bins int, epsilon, floor float64, f func(float64) float64) (float64, float64) {
	counts := n.binCounts(x, lo, width, bins, epsilon, f)
	first, last := mostAbove(counts, floor/epsilon)
	pad := max(1, (last-first+1)/2)
	first, last = max(0, first-pad), min(bins-1, last+pad)
	return lo + float64(first)*width, lo + float64(last+1)*width
}

// mostAbove returns the run of counts whose sum of counts − floor is
// largest (Kadane's maximum subarray); the largest count alone when none
// is above floor.
func mostAbove(counts []float64, floor float64) (first, last int) {
	best, run, from := math.Inf(-1), 0.0, 0
	for i, c := range counts {
		if run <= 0 {
			run, from = 0, i
		}
		run += c - floor
		if run > best {
			best, first, last = run, from, i
		}
	}
	return first, last
}

// binCounts counts f(x) (x when f is nil) in bins of width from lo
// (values outside in the end bins) and adds Laplace(1/ε) noise to each.
func (n *Noise) binCounts(x []float64, lo, width float64, bins int, epsilon float64, f func(float64) float64) []float64 {
	counts := make([]float64, bins)
	for _, v := range x {
		if f != nil {
			v = f(v)
		}
		i := int(math.Floor((v - lo) / width))
		counts[min(max(i, 0), bins-1)]++
	}
	for i := range counts {
		counts[i] = n.Count(counts[i], epsilon)
	}
	return counts
}

// Total is the histogram's released row count.
func (h NumberHistogram) Total() float64 {
	t := 0.0
	for _, c := range h.Counts {
		t += c
	}
	return t
}

// Points spreads the histogram's counts over its bins as evenly spaced
// values, at most limit of them in all (fewer for a smaller total), so
// that a distribution can be fitted to the histogram.
func (h NumberHistogram) Points(limit int) []float64 {
	total := h.Total()
	if total <= 0 {
		return nil
	}
	scale := min(1, float64(limit)/total)
	var out []float64
	carry := 0.0
	for i, c := range h.Counts {
		carry += c * scale
		k := int(carry)
		carry -= float64(k)
		lo, w := h.Edges[i], h.Edges[i+1]-h.Edges[i]
		for j := 0; j < k; j++ {
			out = append(out, lo+(float64(j)+0.5)/float64(k)*w)
		}
	}
	return out
}
