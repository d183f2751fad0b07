package quality

import (
	"math"
	"slices"
)

// Metric names as they appear in a Report.
const (
	MetricKSComplement          = "KSComplement"
	MetricTVComplement          = "TVComplement"
	MetricCorrelationSimilarity = "CorrelationSimilarity"
	MetricContingencySimilarity = "ContingencySimilarity"
)

// Thresholds and binning of the Column Pair Trends property (SDMetrics 0.27
// defaults).
const (
	// CorrelationThreshold is the |Pearson r| of the real data above which a
	// pair of continuous columns has a trend.
	CorrelationThreshold = 0.5
	// AssociationThreshold is the Cramér's V of the real data above which
	// any other pair of columns has a trend.
	AssociationThreshold = 0.3
	// NumBins is the number of equal-width bins a Numeric or Datetime column
	// is cut into when paired with a Categorical or Boolean column.
	NumBins = 10
)

// nullCode is the category code of a null value in an encoded column; the
// non-null categories are 1, 2, ….
const nullCode = 0

// ksComplement returns 1 − D, D being the two-sample Kolmogorov–Smirnov
// statistic of the non-null values of real and syn, or NaN when either has
// no non-null value. It does not modify its arguments.
func ksComplement(real, syn []float64) float64 {
	a, b := sortedNonNull(real), sortedNonNull(syn)
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	return 1 - ksStatistic(a, b)
}

func sortedNonNull(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !numNull(v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// ksStatistic returns sup_x |F_a(x) − F_b(x)| for the empirical distribution
// functions of the sorted, non-empty samples a and b.
func ksStatistic(a, b []float64) float64 {
	na, nb := float64(len(a)), float64(len(b))
	var i, j int
	var d float64
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = max(d, math.Abs(float64(i)/na-float64(j)/nb))
	}
	// Once one sample is exhausted its CDF is 1 and the other's only grows
	// towards 1, so the supremum has been seen.
	return d
}

// tvComplement returns 1 − ½·Σ|p_real − p_syn| over the non-null categories
// of two encoded columns whose codes lie in [0, card), or NaN when either
// has no non-null value.
func tvComplement(real, syn []int32, card int) float64 {
	cr := make([]int, card)
	cs := make([]int, card)
	for _, c := range real {
		cr[c]++
	}
	for _, c := range syn {
		cs[c]++
	}
	nr := len(real) - cr[nullCode]
	ns := len(syn) - cs[nullCode]
	if nr == 0 || ns == 0 {
		return math.NaN()
	}
	var tv float64
	for c := nullCode + 1; c < card; c++ {
		tv += math.Abs(float64(cr[c])/float64(nr) - float64(cs[c])/float64(ns))
	}
	return 1 - tv/2
}

// Pearson returns Pearson's correlation of x and y over the rows where both
// are non-null (finite), or NaN when there are fewer than two such rows or
// either column is constant on them:
//
//	r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²), clamped to [−1, 1].
func Pearson(x, y []float64) float64 {
	var n int
	var sx, sy float64
	for i := range x {
		if numNull(x[i]) || numNull(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
	}
	if n < 2 {
		return math.NaN()
	}
	mx, my := sx/float64(n), sy/float64(n)
	var sxx, syy, sxy float64
	for i := range x {
		if numNull(x[i]) || numNull(y[i]) {
			continue
		}
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	r := sxy / math.Sqrt(sxx*syy)
	return max(-1, min(1, r))
}

// correlationSimilarity returns 1 − |r_real − r_syn|/2 for the column pairs
// (ra, rb) and (sa, sb), together with both correlations. The score is NaN
// when either correlation is undefined.
func correlationSimilarity(ra, rb, sa, sb []float64) (score, rReal, rSyn float64) {
	rReal, rSyn = Pearson(ra, rb), Pearson(sa, sb)
	if math.IsNaN(rReal) || math.IsNaN(rSyn) {
		return math.NaN(), rReal, rSyn
	}
	return 1 - math.Abs(rReal-rSyn)/2, rReal, rSyn
}

// binColumn discretises x into nbins equal-width bins spanning its own
// non-null range. Bins are coded 1..nbins (the maximum falls in bin nbins),
// null values nullCode; a constant column falls entirely in bin 1.
func binColumn(x []float64, nbins int) []int32 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if !numNull(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	// Halve everything when the range overflows float64.
	scale := 1.0
	if math.IsInf(hi-lo, 0) {
		scale = 0.5
	}
	width := (hi*scale - lo*scale) / float64(nbins)
	out := make([]int32, len(x))
	for i, v := range x {
		switch {
		case numNull(v):
			out[i] = nullCode
		case !(width > 0):
			out[i] = 1
		default:
			b := int((v*scale - lo*scale) / width)
			out[i] = 1 + int32(min(b, nbins-1))
		}
	}
	return out
}

// cellCounts holds the non-empty cells of a contingency table, keyed by
// a·cardB + b and sorted by key.
type cellCounts struct {
	keys   []int64
	counts []int32
	n      int
}

// denseCellLimit is the largest contingency table, in cells, counted in a
// dense array rather than by sorting the row keys.
const denseCellLimit = 1 << 16

// contingencyCells counts the joint occurrences of the codes a (in
// [0, cardA)) and b (in [0, cardB)).
func contingencyCells(a, b []int32, cardA, cardB int) cellCounts {
	cc := cellCounts{n: len(a)}
	cells := int64(cardA) * int64(cardB)
	if cells <= denseCellLimit {
		dense := make([]int32, cells)
		for i := range a {
			dense[int(a[i])*cardB+int(b[i])]++
		}
		for k, c := range dense {
			if c != 0 {
				cc.keys = append(cc.keys, int64(k))
				cc.counts = append(cc.counts, c)
			}
		}
		return cc
	}
	keys := make([]int64, len(a))
	for i := range a {
		keys[i] = int64(a[i])*int64(cardB) + int64(b[i])
	}
	slices.Sort(keys)
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		cc.keys = append(cc.keys, keys[i])
		cc.counts = append(cc.counts, int32(j-i))
		i = j
	}
	return cc
}

// contingencySimilarity returns 1 − ½·Σ|R_ab − S_ab| over the union of the
// cells of two contingency tables with the same coding.
func contingencySimilarity(real, syn cellCounts) float64 {
	if real.n == 0 || syn.n == 0 {
		return math.NaN()
	}
	nr, ns := float64(real.n), float64(syn.n)
	var tv float64
	var i, j int
	for i < len(real.keys) || j < len(syn.keys) {
		switch {
		case j == len(syn.keys) || (i < len(real.keys) && real.keys[i] < syn.keys[j]):
			tv += float64(real.counts[i]) / nr
			i++
		case i == len(real.keys) || syn.keys[j] < real.keys[i]:
			tv += float64(syn.counts[j]) / ns
			j++
		default:
			tv += math.Abs(float64(real.counts[i])/nr - float64(syn.counts[j])/ns)
			i++
			j++
		}
	}
	return max(0, 1-tv/2)
}

// cramersV returns Cramér's V, √(χ²/(n·(min(r, c) − 1))), of a contingency
// table with the given coding, r and c counting the non-empty rows and
// columns. A table with a single non-empty row or column has V = 0.
func cramersV(cc cellCounts, cardA, cardB int) float64 {
	if cc.n == 0 {
		return math.NaN()
	}
	rows := make([]int64, cardA)
	cols := make([]int64, cardB)
	for i, k := range cc.keys {
		rows[k/int64(cardB)] += int64(cc.counts[i])
		cols[k%int64(cardB)] += int64(cc.counts[i])
	}
	var r, c int
	for _, v := range rows {
		if v != 0 {
			r++
		}
	}
	for _, v := range cols {
		if v != 0 {
			c++
		}
	}
	if min(r, c) < 2 {
		return 0
	}
	// χ²/n = Σ O²/(R·C) − 1 over the non-empty cells.
	var s float64
	for i, k := range cc.keys {
		o := float64(cc.counts[i])
		s += o * o / (float64(rows[k/int64(cardB)]) * float64(cols[k%int64(cardB)]))
	}
	phi2 := max(0, s-1)
	return min(1, math.Sqrt(phi2/float64(min(r, c)-1)))
}
