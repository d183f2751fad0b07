package table

import (
	"fmt"
	"math"

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
	parts []forestDisc // calendar parts
	tails []*rng.Alias // per column: resamples a capped column's "other" state
}

// forestNum is a numeric column: per component, its normal score is
// truncated by inverse CDF, z = mean + sd·Φ⁻¹(pa + U·pw), within [zlo, zhi].
type forestNum struct {
	col   int
	cells []numCell
}

type numCell struct {
	null, mean, sd, pa, pw, zlo, zhi float64
}

// forestDisc is a discrete column or a calendar part: per component, an
// alias table over the states it holds.
type forestDisc struct {
	col           int
	part          string // a calendar part; "" for a discrete column
	cells         []discCell
	values, total int
	nullable      bool
}

type discCell struct {
	alias  *rng.Alias
	states []int32
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
			fn := forestNum{col: j, cells: make([]numCell, nc)}
			for k := range f.Components {
				l := &f.Components[k].Columns[j]
				pa := 0.5 * math.Erfc(-(l.Lo-l.Mean)/l.SD/math.Sqrt2)
				pb := 0.5 * math.Erfc(-(l.Hi-l.Mean)/l.SD/math.Sqrt2)
				fn.cells[k] = numCell{null: l.Null, mean: l.Mean, sd: l.SD, pa: pa, pw: pb - pa, zlo: l.Lo, zhi: l.Hi}
			}
			g.num = append(g.num, fn)
		case (c.Kind == Categorical || c.Kind == Boolean) && c.NullFraction < 1:
			fd := forestDisc{col: j, cells: make([]discCell, nc), nullable: c.NullFraction > 0}
			fd.total, fd.values = c.States()
			for k := range f.Components {
				if fd.cells[k], err = newDiscCell(f.Components[k].Columns[j].Dist); err != nil {
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
	for q, p := range f.Calendar {
		fd := forestDisc{col: p.Column, part: p.Part, cells: make([]discCell, nc)}
		for k := range f.Components {
			if fd.cells[k], err = newDiscCell(&f.Components[k].Calendar[q]); err != nil {
				return nil, fmt.Errorf("forest component %d, %s: %w", k, p.Part, err)
			}
		}
		g.parts = append(g.parts, fd)
	}
	return g, nil
}

// newDiscCell is an alias table over the states a distribution holds.
func newDiscCell(d *Dist) (discCell, error) {
	a, err := rng.NewAlias(d.Probs)
	if err != nil {
		return discCell{}, err
	}
	c := discCell{alias: a, states: make([]int32, len(d.States))}
	for i, s := range d.States {
		c.states[i] = int32(s)
	}
	return c, nil
}

// fillForest generates a block. The component of every row comes from
// one random stream; then each column, and last each calendar part, draws
// two numbers per row from a stream of its own, in row order, so a shorter
// block is a prefix of the full one. The rows are then visited grouped by
// component, so that each component's distributions are read once per
// block rather than once per row.
func (g *Generator) fillForest(b *Block, seed uint64, block int64, n int) {
	fg := g.forest
	if cap(b.comps) < n {
		b.comps = make([]int32, BlockSize)
		b.order = make([]int32, BlockSize)
		b.draws = make([]uint64, 2*BlockSize)
	}
	if len(b.starts) < fg.comps+1 {
		b.starts = make([]int32, fg.comps+1)
	}
	comps, order, draws := b.comps[:n], b.order[:n], b.draws[:2*n]
	r := rng.New(seed, stream(block, 0xfffd))
	for i := range comps {
		comps[i] = int32(fg.pick.Sample(&r))
	}
	// Counting sort of the rows by component.
	starts := b.starts[:fg.comps+1]
	clear(starts)
	for _, k := range comps {
		starts[k+1]++
	}
	for k := 1; k < len(starts); k++ {
		starts[k] += starts[k-1]
	}
	for i, k := range comps {
		order[starts[k]] = int32(i)
		starts[k]++
	}
	fill := func(s uint64) {
		r := rng.New(seed, stream(block, int(s)))
		for i := range draws {
			draws[i] = r.Uint64()
		}
	}
	for q := range fg.num {
		fn := &fg.num[q]
		c := &g.cols[fn.col]
		cv := &b.Cols[fn.col]
		fill(uint64(fn.col))
		for _, i := range order {
			cell := &fn.cells[comps[i]]
			if cell.null > 0 && unit(draws[2*i]) < cell.null {
				cv.Null[i] = true
				continue
			}
			z := cell.mean
			if cell.pw > 1e-12 {
				z = clamp(cell.mean+cell.sd*normalQuantile(cell.pa+unit(draws[2*i+1])*cell.pw), cell.zlo, cell.zhi)
			}
			cv.Num[i] = c.value(c.marg.quantile(phi(z)))
			cv.Null[i] = false
		}
	}
	for q := range fg.disc {
		fd := &fg.disc[q]
		cv := &b.Cols[fd.col]
		fill(uint64(fd.col))
		for _, i := range order {
			cell := &fd.cells[comps[i]]
			st := int(cell.states[cell.alias.Pick(draws[2*i])])
			if fd.nullable && st == fd.total-1 {
				cv.Null[i] = true
				continue
			}
			cv.Null[i] = false
			if st >= fd.values {
				st = fd.values + fg.tails[fd.col].Pick(draws[2*i+1])
			}
			cv.Cat[i] = int32(st)
		}
	}
	for q := range fg.parts {
		fd := &fg.parts[q]
		c := &g.cols[fd.col]
		cv := &b.Cols[fd.col]
		off := int64(c.Format.ZoneOffset)
		fill(uint64(0xff00 + q))
		for _, i := range order {
			if cv.Null[i] {
				continue
			}
			cell := &fd.cells[comps[i]]
			v := int(cell.states[cell.alias.Pick(draws[2*i])])
			x := cv.Num[i]
			whole := math.Floor(x)
			local := setCalendar(fd.part, int64(whole)+off, v)
			cv.Num[i] = clamp(float64(local-off)+(x-whole), c.lo, c.hi)
		}
	}
	g.fillOutside(b, seed, block, n)
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
