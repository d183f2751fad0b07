package table

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Lattice is the set of values a numeric column takes, where they are few,
// irregular and each repeated: Fahrenheit readings converted to °C with
// one decimal (12.2, 12.8, 13.3, 13.9, never 12.5), prices in steps, codes.
// Rounding to the column's decimals alone would write values the real
// column never holds, which a classifier spots at once. Generated values
// of such a column are drawn on its lattice (see latticeGen.nearest).
//
// Values are the distinct values counted at least MinCategoryCount times
// over every row, ascending.
type Lattice struct {
	Values []float64 `json:"values"`
}

// The lattice rule (fitLattice): a float or integer column gets a lattice
// when its exact counts are known (at most MaxExactCategories distinct
// values over every row), the values counted at least max(minCount, 2)
// times hold at least LatticeMinMass of its non-null values, there are at
// least two of them, and they fill at most LatticeMaxFill of the grid
// that the column's rounding writes between the least and the greatest of
// them (integers on every whole number, one-decimal floats on every tenth
// already come out right).
const (
	LatticeMinMass = 0.9
	LatticeMaxFill = 0.5
)

// fitLattice returns the lattice of numeric column col from its exact
// counts, or nil when the rule above does not hold. Datetimes get none:
// their resolution is Format.Step, and the forest's calendar parts move
// them after they are drawn.
func fitLattice(col *Column, st *ColumnStats, minCount int) *Lattice {
	if col.Kind != Float && col.Kind != Integer || st.Overflow || len(st.Counts) == 0 {
		return nil
	}
	counts := make(map[float64]int64, len(st.Counts))
	var total int64
	for v, n := range st.Counts {
		x, err := ParseValue(col.Kind, col.Format, v)
		if err != nil || !finite(x) {
			return nil // a value the sample did not show, no number
		}
		counts[x] += n // "1.5" and "1.50" are one value
		total += n
	}
	k := int64(max(minCount, 2))
	var values []float64
	var kept int64
	for x, n := range counts {
		if n >= k {
			values = append(values, x)
			kept += n
		}
	}
	if len(values) < 2 || float64(kept) < LatticeMinMass*float64(total) {
		return nil
	}
	slices.Sort(values)
	if unit := resolution(col); unit > 0 {
		span := (values[len(values)-1] - values[0]) / unit
		if span < 1e9 && float64(len(values)) > LatticeMaxFill*(math.Round(span)+1) {
			return nil // a regular grid that rounding reproduces
		}
	}
	return &Lattice{Values: values}
}

// resolution is the spacing of the values a column's rounding writes: 1
// for integers, 10^-decimals for floats written plainly, 0 for floats in
// e-notation (no grid).
func resolution(col *Column) float64 {
	switch {
	case col.Kind == Integer:
		return 1
	case col.Kind == Float && !col.Format.Exponent && !col.Format.MixedExponent:
		return math.Pow10(-col.Format.Decimals)
	}
	return 0
}

// clip keeps the lattice's values within [lo, hi] (FitOptions.NoExactBounds),
// or drops it when fewer than two are left.
func (l *Lattice) clip(lo, hi float64) *Lattice {
	out := &Lattice{}
	for _, x := range l.Values {
		if x >= lo && x <= hi {
			out.Values = append(out.Values, x)
		}
	}
	if len(out.Values) < 2 {
		return nil
	}
	return out
}

func (l *Lattice) validate(c *Column) error {
	if c.Kind != Float && c.Kind != Integer {
		return fmt.Errorf("a %s column has no lattice", c.Kind)
	}
	if len(l.Values) < 2 || len(l.Values) > MaxCategories {
		return fmt.Errorf("lattice: want 2 to %d values", MaxCategories)
	}
	for i, x := range l.Values {
		if !finite(x) || i > 0 && x <= l.Values[i-1] {
			return errors.New("lattice: values must be finite and ascending")
		}
		if c.Min != nil && c.Max != nil && (x < *c.Min || x > *c.Max) {
			return fmt.Errorf("lattice: value %v is outside [min, max]", x)
		}
	}
	return nil
}

// latticeGen is a lattice prepared for generation: its values with the
// column's bounds, so that generated values still reach the real extremes
// (rare values, not on the lattice), which the pairwise score's bins are
// cut from; and a bucket index, so that a lookup is one multiplication
// and a step or two of a scan rather than a binary search.
type latticeGen struct {
	values []float64
	// snap[i] says whether values in (values[i-1], values[i]) snap: not
	// in a gap wider than latticeGapFactor times the median gap, where
	// only rare values lie (the sparse tail of an amount), which stay as
	// drawn.
	snap []bool
	// byValue[b] is the first i with values[i] >= lo + b/scale.
	byValue   []int32
	lo, scale float64
}

// latticeGapFactor bounds the gaps that values snap across, in median
// gaps.
const latticeGapFactor = 4

// latticeBuckets is the number of index buckets per lattice value.
const latticeBuckets = 4

func newLatticeGen(l *Lattice, lo, hi float64) *latticeGen {
	if l == nil {
		return nil
	}
	v := l.Values
	gaps := make([]float64, len(v)-1)
	for i := range gaps {
		gaps[i] = v[i+1] - v[i]
	}
	slices.Sort(gaps)
	wide := latticeGapFactor * gaps[len(gaps)/2]
	if lo < v[0] {
		v = append([]float64{lo}, v...)
	}
	if hi > v[len(v)-1] {
		v = append(slices.Clip(v), hi)
	}
	n := len(v)
	g := &latticeGen{values: v, snap: make([]bool, n)}
	for i := 1; i < n; i++ {
		g.snap[i] = v[i]-v[i-1] <= wide
	}
	nb := latticeBuckets * n
	g.lo, g.scale = v[0], float64(nb)/(v[n-1]-v[0])
	g.byValue = make([]int32, nb+1)
	i := 0
	for b := range g.byValue {
		for i < n-1 && v[i] < g.lo+float64(b)/g.scale {
			i++
		}
		g.byValue[b] = int32(i)
	}
	return g
}

// index returns the least i with values[i] >= x, len(values) for none.
func (g *latticeGen) index(x float64) int {
	v := g.values
	if !(x > v[0]) { // and NaN
		return 0
	}
	h := (x - g.lo) * g.scale
	if h >= float64(len(g.byValue)-1) {
		if x > v[len(v)-1] {
			return len(v)
		}
		return len(v) - 1
	}
	i := int(g.byValue[int(h)])
	// byValue[int(h)] is at or before the answer, and the next bucket's
	// start at or after it: a short scan.
	for i < len(v) && v[i] < x {
		i++
	}
	return i
}

// nearest returns the lattice value nearest x (the lower one of a tie),
// or x itself in a wide gap.
func (g *latticeGen) nearest(x float64) float64 {
	v := g.values
	i := g.index(x) // v[i-1] < x <= v[i]
	switch {
	case i == 0:
		return v[0]
	case i == len(v):
		return v[len(v)-1]
	case !g.snap[i]:
		return x
	case x-v[i-1] <= v[i]-x:
		return v[i-1]
	}
	return v[i]
}

// down returns the greatest lattice value at or below x, x itself where
// there is none; up the least at or above x.
func (g *latticeGen) down(x float64) float64 {
	i := g.index(x)
	if i < len(g.values) && g.values[i] == x {
		return x
	}
	if i == 0 {
		return x
	}
	return g.values[i-1]
}

func (g *latticeGen) up(x float64) float64 {
	y, _ := g.above(x)
	return y
}

// above returns the least lattice value at or above x, or x and false
// where there is none.
func (g *latticeGen) above(x float64) (float64, bool) {
	i := g.index(x)
	if i == len(g.values) {
		return x, false
	}
	return g.values[i], true
}
