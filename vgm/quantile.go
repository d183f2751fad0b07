package vgm

import (
	"math"
	"slices"
)

// quantileMaxIter bounds the safeguarded Newton iterations of Quantile.
const quantileMaxIter = 200

// Quantile returns x with CDF(x) = p, found by Newton's method safeguarded
// by bisection to full precision. It returns -Inf for p <= 0, +Inf for
// p >= 1 and NaN for NaN. It costs tens of CDF evaluations; use a
// QuantileTable on hot paths.
func (m *Mixture) Quantile(p float64) float64 {
	switch {
	case math.IsNaN(p):
		return math.NaN()
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	lo, hi := m.bracket()
	for i := 0; i < 64 && m.CDF(lo) > p; i++ {
		lo = widen(lo, hi-lo, -1)
	}
	for i := 0; i < 64 && m.CDF(hi) < p; i++ {
		hi = widen(hi, hi-lo, 1)
	}
	return m.quantileIn(p, lo, hi, min(max(m.meanValue(), lo), hi))
}

// quantileIn solves CDF(x) = p for x in [lo, hi], where CDF(lo) <= p <=
// CDF(hi), by Newton's method from start, safeguarded by bisection.
func (m *Mixture) quantileIn(p, lo, hi, start float64) float64 {
	// Newton steps converge when they move x by less than tol.
	tol := 1e-15 * slices.Min(m.Stds)
	x := start
	for it := 0; it < quantileMaxIter; it++ {
		f := m.CDF(x) - p
		if f == 0 {
			return x
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break // the bracket is down to adjacent floats
		}
		next := x - f/m.pdf(x)
		if !(next > lo && next < hi) {
			next = mid
		} else if math.Abs(next-x) <= max(tol, 1e-15*math.Abs(x)) {
			return next
		}
		x = next
	}
	// Return the bracket end whose CDF is closest to p.
	if math.Abs(m.CDF(lo)-p) <= math.Abs(m.CDF(hi)-p) {
		return lo
	}
	return hi
}

// bracket returns an interval [μ_k - 40σ_k, μ_k + 40σ_k] hull that holds
// all but a negligible part of the mass, clamped to finite values.
func (m *Mixture) bracket() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for k, mu := range m.Means {
		lo = min(lo, mu-40*m.Stds[k])
		hi = max(hi, mu+40*m.Stds[k])
	}
	return max(lo, -math.MaxFloat64), min(hi, math.MaxFloat64)
}

// widen moves v by width (at least 1e-3 of |v|) in direction dir (±1),
// clamped to finite values.
func widen(v, width, dir float64) float64 {
	w := math.Max(width, math.Abs(v)*1e-3)
	return min(max(v+dir*w, -math.MaxFloat64), math.MaxFloat64)
}

// meanValue returns the mixture mean.
func (m *Mixture) meanValue() float64 {
	s := 0.0
	for k, w := range m.Weights {
		s += w * m.Means[k]
	}
	return s / m.weightSum()
}

// QuantileTable is a precomputed, monotone piecewise-linear approximation
// of a Mixture's quantile function with |CDF(Q(p)) - p| < 1e-6 for every
// p in [0, 1] (for modes wider than a few ulps of their mean, below which
// no float64 x can do better). It is immutable and safe for concurrent
// use.
type QuantileTable struct {
	ps, xs    []float64 // knots: xs[i] = Quantile(ps[i]), both ascending
	slope     []float64 // slope[i] = (xs[i+1]-xs[i]) / (ps[i+1]-ps[i])
	start     []int32   // start[b] = last knot with ps <= the start of bucket b
	pLo, pHi  float64   // p is clamped to [pLo, pHi]
	invBucket float64   // buckets per unit of p
}

const (
	// tableTailP is where the table clamps p: CDF(Q(p)) - p is at most
	// tableTailP in the clamped tails.
	tableTailP = 5e-7
	// tableTol is the interpolation error the refinement aims for, with a
	// margin below the promised 1e-6.
	tableTol = 2.5e-7
	// tableMaxDepth bounds the bisection of one initial interval.
	tableMaxDepth = 40
)

// NewQuantileTable builds a table with size initial knots evenly spaced in
// p (at least 2; 1024 is a good default), then bisects every interval on
// which linear interpolation is off by more than 2.5e-7 in probability at
// its quarter points. m must be valid.
func (m *Mixture) NewQuantileTable(size int) *QuantileTable {
	size = max(size, 2)
	q := &QuantileTable{pLo: tableTailP, pHi: 1 - tableTailP}
	step := (q.pHi - q.pLo) / float64(size-1)
	knot := func(i int) float64 {
		if i == size-1 {
			return q.pHi
		}
		return q.pLo + float64(i)*step
	}
	p0 := knot(0)
	x0 := m.Quantile(p0)
	q.ps, q.xs = append(q.ps, p0), append(q.xs, x0)
	for i := 1; i < size; i++ {
		p1 := knot(i)
		x1 := m.Quantile(p1)
		m.refine(q, p0, x0, p1, x1, 0)
		q.ps, q.xs = append(q.ps, p1), append(q.xs, x1)
		p0, x0 = p1, x1
	}
	q.ps, q.xs = slices.Clip(q.ps), slices.Clip(q.xs)
	q.slope = make([]float64, len(q.ps)-1)
	for i := range q.slope {
		if dp := q.ps[i+1] - q.ps[i]; dp > 0 {
			q.slope[i] = (q.xs[i+1] - q.xs[i]) / dp
		}
	}

	// Bucket index, uniform in p over [pLo, pHi], with about two buckets
	// per knot so that a lookup rarely scans.
	nb := max(size, 2*len(q.ps))
	q.invBucket = float64(nb) / (q.pHi - q.pLo)
	q.start = make([]int32, nb)
	j := 0
	for b := range q.start {
		pb := q.pLo + float64(b)/q.invBucket
		for j+1 < len(q.ps)-1 && q.ps[j+1] <= pb {
			j++
		}
		q.start[b] = int32(j)
	}
	return q
}

// refine appends to q the knots strictly between (p0, x0) and (p1, x1)
// that linear interpolation needs.
func (m *Mixture) refine(q *QuantileTable, p0, x0, p1, x1 float64, depth int) {
	if depth >= tableMaxDepth || !(x1 > x0) {
		return
	}
	worst := 0.0
	for _, f := range [...]float64{0.25, 0.5, 0.75} {
		p := p0 + f*(p1-p0)
		x := x0 + f*(x1-x0)
		worst = max(worst, math.Abs(m.CDF(x)-p))
	}
	if worst <= tableTol {
		return
	}
	pm := p0 + (p1-p0)/2
	// The quantile of pm lies between the knots' (the CDF is monotone);
	// interpolation is a good first guess.
	xm := m.quantileIn(pm, x0, x1, x0+(x1-x0)/2)
	m.refine(q, p0, x0, pm, xm, depth+1)
	q.ps, q.xs = append(q.ps, pm), append(q.xs, xm)
	m.refine(q, pm, xm, p1, x1, depth+1)
}

// Quantile returns the interpolated quantile of p. p is clamped to
// [5e-7, 1 - 5e-7], so the result is always finite; NaN yields NaN.
func (q *QuantileTable) Quantile(p float64) float64 {
	if math.IsNaN(p) {
		return math.NaN()
	}
	p = min(max(p, q.pLo), q.pHi)
	b := min(int((p-q.pLo)*q.invBucket), len(q.start)-1)
	j := int(q.start[b])
	for j+2 < len(q.ps) && q.ps[j+1] < p {
		j++
	}
	// The clamp keeps rounding from breaking monotonicity at knots.
	return min(q.xs[j]+(p-q.ps[j])*q.slope[j], q.xs[j+1])
}

// Len returns the number of knots.
func (q *QuantileTable) Len() int { return len(q.ps) }
