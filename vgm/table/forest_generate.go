package table

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// forestGen is a forest model prepared for generation, column by column:
// each column's distributions in every component lie together, so that
// generating a block one column at a time touches little memory.
type forestGen struct {
	pick  *rng.Alias // components by weight
	comps int
	num   []forestNum
	disc  []forestDisc
	cals  []forestCal
	draws int          // random numbers per row held at once: 1 and the most parts of a column
	tails []*rng.Alias // per column: resamples a capped column's "other" state
}

// forestNum is a numeric column: per component, its normal score is
// truncated by inverse CDF, z = mean + sd·Φ⁻¹(pa + p·pw), within
// [zlo, zhi], for p uniform in [0, 1), and the column's quantile function
// is read at u = Φ(z). u as a function of p is tabulated per component
// at uKnots+1 evenly spaced p (u, uKnots+1 per component), and
// interpolated, except in the first and last intervals, where a leaf's
// open side bends it most, which are computed.
type forestNum struct {
	col   int
	cells []numCell
	u     []float32
	// With the leaves' atoms (Leaf.Atoms): atoms holds each component's
	// atoms (numCell.aoff on, numCell.an of them) by cumulative share,
	// the rest is read through the marginal's rest, and a datetime's rows
	// that drew an atom keep it (no calendar parts set).
	withAtoms bool
	atoms     []atomCell
	// cal is the column's calendar parts, set in the column's pass;
	// nil for none.
	cal *forestCal
	// above, for a column above others (Forest.Above), maps the drawn
	// position to a probability.
	above *aboveGen
	// calib maps the drawn u to a uniform one (forest_calibrate.go);
	// nil for none.
	calib calibration
}

type atomCell struct{ cum, value float64 }

// uKnots is the number of intervals of a component's table of u.
const uKnots = 32

type numCell struct {
	null, rest, mean, sd, pa, pw, zlo, zhi float64 // rest = 1/(1-null)
	amass, arest                           float64 // the atoms' share, 1/(1-amass)
	aoff, an                               uint32
}

// u is Φ(z) for the uniform p.
func (c *numCell) u(p float64) float64 {
	if c.pw <= 1e-12 {
		return phi(c.mean)
	}
	return phi(clamp(c.mean+c.sd*normalQuantile(c.pa+p*c.pw), c.zlo, c.zhi))
}

// forestDisc is a discrete column: per component, an alias table over
// the states it holds.
type forestDisc struct {
	col           int
	cells         aliasSet
	values, total int
	nullable      bool
}

// forestCal is the calendar parts of a datetime column (at most one
// each of month, weekday and hour), set in turn on each drawn value. A
// component's alias tables of all its parts lie together (hdr[k].off on),
// in entries of eight bytes, so that a row's parts read one or two cache
// lines.
type forestCal struct {
	col   int
	days  *dayTable
	kinds []int // per part
	qs    []int // per part: its index in Forest.Calendar, which names its stream
	hdr   []calHdr
	ent   []calEnt
	// ordered: the parts come in the order month, weekday, hour and the
	// column has a day table, so dayTable.setParts sets them at once.
	ordered bool
	// fused: the column is drawn in forestGen.num, whose pass sets the
	// parts; otherwise a pass of their own does.
	fused bool
}

type calHdr struct {
	off uint32
	n   [3]uint8 // per part: its table's length
}

// calEnt is aliasEnt with a 32-bit coin and the states of a calendar part.
type calEnt struct {
	thresh      uint32
	keep, other uint8
}

// add appends component k's tables, one per part.
func (fc *forestCal) add(dists []*Dist) error {
	h := calHdr{off: uint32(len(fc.ent))}
	for p, d := range dists {
		a, err := rng.NewAlias(d.Probs)
		if err != nil {
			return err
		}
		h.n[p] = uint8(a.Len())
		for i := 0; i < a.Len(); i++ {
			t, o := a.Column(i)
			fc.ent = append(fc.ent, calEnt{thresh: uint32(t >> 32), keep: uint8(d.States[i]), other: uint8(d.States[o])})
		}
	}
	fc.hdr = append(fc.hdr, h)
	return nil
}

// aliasSet is an alias table per component, all laid out in one slice:
// a pick reads the component's header and one entry, which holds the
// states themselves, rather than following a table's pointers.
type aliasSet struct {
	hdr []aliasHdr
	ent []aliasEnt
}

type aliasHdr struct{ off, n uint32 }

// aliasEnt is a column of an alias table: the state kept when the coin
// falls below thresh, the other state otherwise (as rng.Alias.Pick).
type aliasEnt struct {
	thresh      uint64
	keep, other int32
}

// add appends the table of the next component: over the states a
// distribution holds.
func (s *aliasSet) add(d *Dist) error {
	a, err := rng.NewAlias(d.Probs)
	if err != nil {
		return err
	}
	if len(s.ent)+a.Len() > math.MaxUint32 {
		return fmt.Errorf("forest: %d alias entries are too many", len(s.ent)+a.Len())
	}
	s.hdr = append(s.hdr, aliasHdr{off: uint32(len(s.ent)), n: uint32(a.Len())})
	for i := 0; i < a.Len(); i++ {
		t, o := a.Column(i)
		s.ent = append(s.ent, aliasEnt{thresh: t, keep: int32(d.States[i]), other: int32(d.States[o])})
	}
	return nil
}

// pickState is the state of an alias table, ent, for the draw x. Both
// states are read before the coin decides, so that the choice compiles to
// a conditional move: the coin is unpredictable.
func pickState(ent []aliasEnt, x uint64) int32 {
	i, coin := bits.Mul64(x, uint64(len(ent)))
	e := ent[i]
	st := e.other
	if coin < e.thresh {
		st = e.keep
	}
	return st
}

// pick is the state of a calendar part's alias table, ent, for the draw
// x, as pickState.
func (fc *forestCal) pick(ent []calEnt, x uint64) int {
	i, coin := bits.Mul64(x, uint64(len(ent)))
	e := &ent[i]
	keep, other := int(e.keep), int(e.other)
	if uint32(coin>>32) < e.thresh {
		other = keep
	}
	return other
}

func newForestGen(m *Model) (*forestGen, error) {
	f := m.Forest
	g := &forestGen{tails: make([]*rng.Alias, len(m.Columns))}
	w := make([]float64, len(f.Components))
	for k, c := range f.Components {
		w[k] = c.Weight
	}
	var err error
	if g.pick, err = rng.NewAlias(w); err != nil {
		return nil, fmt.Errorf("forest: %w", err)
	}
	nc := len(f.Components)
	g.comps = nc
	for j := range m.Columns {
		c := &m.Columns[j]
		switch {
		case c.inCopula():
			fn := forestNum{col: j, cells: make([]numCell, nc), u: make([]float32, nc*(uKnots+1))}
			for k := range f.Components {
				l := &f.Components[k].Columns[j]
				pa := 0.5 * math.Erfc(-(l.Lo-l.Mean)/l.SD/math.Sqrt2)
				pb := 0.5 * math.Erfc(-(l.Hi-l.Mean)/l.SD/math.Sqrt2)
				rest := 0.0
				if l.Null < 1 {
					rest = 1 / (1 - l.Null)
				}
				fn.cells[k] = numCell{null: l.Null, rest: rest, mean: l.Mean, sd: l.SD, pa: pa, pw: pb - pa, zlo: l.Lo, zhi: l.Hi}
				if l.Atoms != nil {
					fn.withAtoms = true
					cell := &fn.cells[k]
					cell.aoff = uint32(len(fn.atoms))
					for x, st := range l.Atoms.States {
						if st < len(c.Atoms) {
							cell.amass += l.Atoms.Probs[x]
							fn.atoms = append(fn.atoms, atomCell{cum: cell.amass, value: c.Atoms[st].Value})
						}
					}
					cell.an = uint32(len(fn.atoms)) - cell.aoff
					if cell.amass < 1 {
						cell.arest = 1 / (1 - cell.amass)
					}
				}
				for q := 0; q <= uKnots; q++ {
					fn.u[k*(uKnots+1)+q] = float32(fn.cells[k].u(float64(q) / uKnots))
				}
			}
			g.num = append(g.num, fn)
		case (c.Kind == Categorical || c.Kind == Boolean) && c.NullFraction < 1:
			fd := forestDisc{col: j, nullable: c.NullFraction > 0}
			fd.total, fd.values = c.States()
			for k := range f.Components {
				if err = fd.cells.add(f.Components[k].Columns[j].Dist); err != nil {
					return nil, fmt.Errorf("forest component %d, column %q: %w", k, c.Name, err)
				}
			}
			g.disc = append(g.disc, fd)
			if fd.values < len(c.Categories) {
				w := make([]float64, 0, len(c.Categories)-fd.values)
				for _, cat := range c.Categories[fd.values:] {
					w = append(w, cat.Frequency)
				}
				if g.tails[j], err = rng.NewAlias(w); err != nil {
					return nil, fmt.Errorf("column %q: %w", c.Name, err)
				}
			}
		}
	}
	at := map[int]int{} // column -> its index in g.cals
	for q, p := range f.Calendar {
		x, ok := at[p.Column]
		if !ok {
			c := &m.Columns[p.Column]
			off := float64(c.Format.ZoneOffset)
			x = len(g.cals)
			at[p.Column] = x
			g.cals = append(g.cals, forestCal{col: p.Column, days: newDayTable(*c.Min+off, *c.Max+off)})
		}
		fc := &g.cals[x]
		if len(fc.kinds) == 3 {
			return nil, fmt.Errorf("forest: column %q has more than 3 calendar parts", m.Columns[p.Column].Name)
		}
		fc.kinds = append(fc.kinds, partKind(p.Part))
		fc.qs = append(fc.qs, q)
	}
	for x := range g.cals {
		fc := &g.cals[x]
		dists := make([]*Dist, len(fc.qs))
		for k := range f.Components {
			for p, q := range fc.qs {
				dists[p] = &f.Components[k].Calendar[q]
			}
			if err := fc.add(dists); err != nil {
				return nil, fmt.Errorf("forest component %d, calendar of column %q: %w", k, m.Columns[fc.col].Name, err)
			}
		}
	}
	for x := range g.cals {
		fc := &g.cals[x]
		fc.ordered = fc.days != nil
		for p := 1; p < len(fc.kinds); p++ {
			fc.ordered = fc.ordered && fc.kinds[p-1] < fc.kinds[p]
		}
	}
	for q := range g.num {
		for x := range g.cals {
			if g.cals[x].col == g.num[q].col {
				g.num[q].cal, g.cals[x].fused = &g.cals[x], true
			}
		}
	}
	g.draws = 1
	for _, fc := range g.cals {
		g.draws = max(g.draws, 1+len(fc.kinds))
	}
	return g, nil
}

// unit maps a random 64-bit draw to [0, 1), as rng.Rand.Float64 does.
func unit(x uint64) float64 { return float64(x>>11) * 0x1p-53 }

// normalQuantile is Φ⁻¹(p) for p in (0, 1), by Acklam's rational
// approximation (relative error below 1.2e-9), with the platform-identical
// logarithm so that output does not depend on the machine.
func normalQuantile(p float64) float64 {
	const (
		a1, a2, a3, a4, a5, a6 = -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
		b1, b2, b3, b4, b5     = -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01
		c1, c2, c3, c4, c5, c6 = -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
		d1, d2, d3, d4         = 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
		pLow                   = 0.02425
	)
	p = clamp(p, 1e-300, 1-1e-16)
	switch {
	case p < pLow:
		q := math.Sqrt(-2 * rng.Log(p))
		return (((((c1*q+c2)*q+c3)*q+c4)*q+c5)*q + c6) / ((((d1*q+d2)*q+d3)*q+d4)*q + 1)
	case p > 1-pLow:
		q := math.Sqrt(-2 * rng.Log(1-p))
		return -(((((c1*q+c2)*q+c3)*q+c4)*q+c5)*q + c6) / ((((d1*q+d2)*q+d3)*q+d4)*q + 1)
	}
	q := p - 0.5
	s := q * q
	return (((((a1*s+a2)*s+a3)*s+a4)*s+a5)*s + a6) * q / (((((b1*s+b2)*s+b3)*s+b4)*s+b5)*s + 1)
}
