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

// Bins of a released histogram.
const (
	// maxFineBins bounds the released histogram's bins; riceBins times
	// the cube root of the rows bounds them too (the Rice rule, with more
	// bins: fewer keep sparse tails out of the noise).
	maxFineBins = 128
	riceBins    = 3
	// Trimming of the histogram's ends, in noise scales (1/ε): the run of
	// bins above trimFloor whose sum is largest, less end bins under
	// peelFloor, or under loneFloor when their inner neighbour is under
	// one noise scale, less the longest end run whose sum is under trimZ
	// standard deviations of noise.
	trimFloor = 1.0
	peelFloor = 2.0
	loneFloor = 5.0
	trimZ     = 3.0
)

// Bins releases noisy counts of x (Laplace, sensitivity 1) in bins over
// r's range, values outside counted in the end bins: about rows·ε/4 bins
// (at least 8, at most maxFineBins and riceBins·∛rows). The bins are equal
// in r.T(x), with zero on an edge when the range holds it; integers have
// equal bins of whole numbers. After the fact, the ends are trimmed (see
// trimFloor) and negative counts become zero. rows estimates len(x) (a
// released count).
func (n *Noise) Bins(x []float64, r RangeResult, epsilon, rows float64, integer bool) NumberHistogram {
	rows = max(rows, 0)
	bins := min(max(int(math.Round(rows*epsilon/4)), 8), maxFineBins, max(8, int(riceBins*math.Cbrt(rows))))
	lo, hi := r.Lo, r.Hi
	f, edge := r.T, r.X
	if integer {
		f, edge = nil, func(t float64) float64 { return t }
	} else {
		lo, hi = r.T(lo), r.T(hi)
	}
	width := (hi - lo) / float64(bins)
	if integer {
		lo = math.Floor(lo) - 0.5
		width = max(1, math.Ceil((hi-lo)/float64(bins)))
	} else if lo < 0 && hi > 0 {
		lo = math.Floor(lo/width) * width
	}
	bins = max(1, int(math.Ceil((hi-lo)/width)))
	counts := n.binCounts(x, lo, width, bins, epsilon, f)
	first, last := trim(counts, epsilon)
	h := NumberHistogram{}
	for i := first; i <= last+1; i++ {
		h.Edges = append(h.Edges, edge(lo+float64(i)*width))
	}
	for _, c := range counts[first : last+1] {
		h.Counts = append(h.Counts, max(c, 0))
	}
	return h
}

// trim returns the run of noisy counts (noise scale 1/epsilon) that holds
// the values: see trimFloor.
func trim(counts []float64, epsilon float64) (first, last int) {
	first, last = mostAbove(counts, trimFloor/epsilon)
	peel, lone := peelFloor/epsilon, loneFloor/epsilon
	drop := func(end, inner int) bool {
		return counts[end] < peel || (counts[end] < lone && counts[inner] < 1/epsilon)
	}
	for first < last && (drop(first, first+1) || drop(last, last-1)) {
		if drop(first, first+1) {
			first++
		} else {
			last--
		}
	}
	noise := func(from, step int) int {
		k, sum, m := 0, 0.0, 0
		for i := from; i >= first && i <= last; i += step {
			m++
			sum += counts[i]
			if sum < trimZ*math.Sqrt(2*float64(m))/epsilon {
				k = m
			}
		}
		return k
	}
	if k := noise(first, 1); first+k <= last {
		first += k
	}
	if k := noise(last, -1); last-k >= first {
		last -= k
	}
	return first, last
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

// sumOf is the sum of counts.
func sumOf(counts []float64) float64 {
	s := 0.0
	for _, c := range counts {
		s += c
	}
	return s
}

// Total is the histogram's released row count.
func (h NumberHistogram) Total() float64 { return sumOf(h.Counts) }

// Add adds c rows at v to the bin that holds v, if any.
func (h NumberHistogram) Add(v, c float64) {
	for i := range h.Counts {
		if v >= h.Edges[i] && v < h.Edges[i+1] {
			h.Counts[i] += c
			return
		}
	}
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
