package table

import (
	"fmt"
	"math"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// A number column B that an order rule keeps at or above other columns
// (A <= B) is modelled by the forest through its position above them
// rather than through its own value: with G the CDF of the values B's
// draws go through (its quantile function, tabulated) and L the greatest
// G(a) over the lower columns' values a that are not null (0 when all
// are), B's normal score in the forest is that of
//
//	v = (G(b) − L) / (1 − L),
//
// the share of B's distribution above its lower bounds that lies below b.
// Generation draws v from the row's component like any normal score,
// after the lower columns' values, and maps it back: b = G⁻¹(L + v·(1 −
// L)), which is at or above every lower value. So the rule holds by
// construction (the repair that follows sees only rounding and lattice
// snaps), and B's distribution is what the leaves learnt of the real
// pairs, rather than what a repair of independent draws makes of it:
// swapping the pairs out of order moved both means.
//
// Only integer and float columns without atoms are modelled so (an atom
// is drawn as itself, whatever the bound), above integer and float
// columns; datetime pairs are left to the repair, since a datetime's
// calendar parts move it after it is drawn.

// Above names a column modelled through its position above others.
type Above struct {
	Column int   `json:"column"`
	Over   []int `json:"over"`
}

// cdfKnots is the number of intervals of a column's tabulated quantile
// function, which cdfTable inverts.
const cdfKnots = 4096

// cdfTable is G: the inverse of a column's quantile function Q, from its
// values at cdfKnots+1 evenly spaced probabilities. G(x) is the first
// knot from which Q stays at or above x, so that a value drawn at or above
// G of a lower one is at or above it: Q is not monotone everywhere (where
// a tail's kept quantiles meet the mixture's, the two may disagree), so
// the table holds at each knot the least value Q takes from there on, and
// between knots a tail's quantiles need not lie on a line, so G does not
// interpolate (it is up to 1/cdfKnots above the exact inverse).
type cdfTable struct {
	q []float64
}

func newCDFTable(mg *marginal) *cdfTable {
	t := &cdfTable{q: make([]float64, cdfKnots+1)}
	for i := range t.q {
		t.q[i] = mg.quantile(min(float64(i)/cdfKnots, 1-0x1p-53))
	}
	for i := cdfKnots - 1; i >= 0; i-- {
		t.q[i] = min(t.q[i], t.q[i+1])
	}
	return t
}

// at is G(x): the first knot whose value is x or more, as a probability;
// 1 above the column's range.
func (t *cdfTable) at(x float64) float64 {
	q := t.q
	if !(x > q[0]) {
		return 0
	}
	if x > q[cdfKnots] {
		return 1
	}
	// q[lo] < x <= q[hi], by bisection.
	lo, hi := 0, cdfKnots
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if q[mid] < x {
			lo = mid
		} else {
			hi = mid
		}
	}
	return float64(hi) / cdfKnots
}

// forestAbove lists the columns the forest models above others, from the
// model's order rules (see Above), in column order.
func forestAbove(m *Model) []Above {
	var out []Above
	for _, r := range m.Rules {
		if r.Type != rules.Order {
			continue
		}
		a, b := m.columnIndex(r.Columns[0]), m.columnIndex(r.Columns[1])
		if !m.canBeAbove(b) || !m.Columns[a].inCopula() || m.Columns[a].Kind == Datetime {
			continue
		}
		k := slices.IndexFunc(out, func(x Above) bool { return x.Column == b })
		if k < 0 {
			out = append(out, Above{Column: b})
			k = len(out) - 1
		}
		if !slices.Contains(out[k].Over, a) {
			out[k].Over = append(out[k].Over, a)
		}
	}
	slices.SortFunc(out, func(x, y Above) int { return x.Column - y.Column })
	for k := range out {
		slices.Sort(out[k].Over)
	}
	return out
}

// canBeAbove reports whether column j can be modelled above others.
func (m *Model) canBeAbove(j int) bool {
	c := &m.Columns[j]
	return (c.Kind == Integer || c.Kind == Float) && c.inCopula() && len(c.Atoms) == 0
}

// validateAbove checks a forest's Above: columns that can be modelled so,
// each once, over other columns of the forest, without a cycle.
func (m *Model) validateAbove(above []Above) error {
	seen := map[int]bool{}
	for _, a := range above {
		if a.Column < 0 || a.Column >= len(m.Columns) || !m.canBeAbove(a.Column) || seen[a.Column] {
			return fmt.Errorf("model: forest above: column %d is not an integer or float column without atoms, or comes twice", a.Column)
		}
		seen[a.Column] = true
		if len(a.Over) == 0 {
			return fmt.Errorf("model: forest above: column %q is above no column", m.Columns[a.Column].Name)
		}
		for i, o := range a.Over {
			if o < 0 || o >= len(m.Columns) || o == a.Column || !m.Columns[o].inCopula() || m.Columns[o].Kind == Datetime || (i > 0 && o <= a.Over[i-1]) {
				return fmt.Errorf("model: forest above: column %q is above column %d, which is not another numeric column of the forest (ascending, once)", m.Columns[a.Column].Name, o)
			}
		}
	}
	if aboveOrder(above, len(m.Columns)) == nil {
		return fmt.Errorf("model: forest above: the columns are above each other in a cycle")
	}
	return nil
}

// aboveOrder returns every column's depth in the relation (0 for a column
// above none; otherwise one more than its deepest lower column), or nil
// for a cycle: columns generated by ascending depth come after their
// lower columns.
func aboveOrder(above []Above, cols int) []int {
	depth := make([]int, cols)
	for range cols + 1 {
		changed := false
		for _, a := range above {
			d := 0
			for _, o := range a.Over {
				d = max(d, depth[o]+1)
			}
			if d != depth[a.Column] {
				depth[a.Column], changed = d, true
			}
		}
		if !changed {
			return depth
		}
		if slices.Max(depth) > cols {
			break
		}
	}
	return nil
}

// setAbove replaces the normal scores and codes of the columns above
// others by those of their positions above them (see Above). x holds
// every numeric column's parsed values (NaN null).
func (d *forestData) setAbove(above []Above, x [][]float64) {
	for _, a := range above {
		g := newCDFTable(d.margs[a.Column])
		z := d.z[a.Column]
		f := slices.IndexFunc(d.feats, func(f feature) bool { return f.col == a.Column && f.part == "" })
		codes := d.feats[f].codes
		for i, b := range x[a.Column] {
			if math.IsNaN(b) {
				continue
			}
			low := 0.0
			for _, o := range a.Over {
				if v := x[o][i]; !math.IsNaN(v) {
					low = max(low, g.at(v))
				}
			}
			v := 0.5
			if low < 1 {
				v = clamp((g.at(b)-low)/(1-low), 0, 1)
			}
			z[i], codes[i] = normalScore(v), uint16(min(uCodes-1, int(v*uCodes)))
		}
	}
}

// aboveGen is a column's lower columns and its G, for generation.
type aboveGen struct {
	over []int
	g    *cdfTable
}

// lift maps a drawn position v of row i to the probability of its value:
// L + v·(1 − L), L the greatest G of the row's lower values.
func (a *aboveGen) lift(b *Block, i int32, v float64) float64 {
	low := 0.0
	for _, o := range a.over {
		if cv := &b.Cols[o]; !cv.Null[i] {
			low = max(low, a.g.at(cv.Num[i]))
		}
	}
	return low + v*(1-low)
}

// setAbove prepares the columns above others and orders the numeric
// columns so that each comes after its lower columns (each column draws
// from its own stream, so the order changes no draw).
func (fg *forestGen) setAbove(m *Model, cols []genColumn) {
	above := m.Forest.Above
	if len(above) == 0 {
		return
	}
	for _, a := range above {
		q := slices.IndexFunc(fg.num, func(fn forestNum) bool { return fn.col == a.Column })
		fg.num[q].above = &aboveGen{over: a.Over, g: newCDFTable(cols[a.Column].marg)}
	}
	depth := aboveOrder(above, len(m.Columns))
	slices.SortStableFunc(fg.num, func(x, y forestNum) int { return depth[x.col] - depth[y.col] })
}
