package table

import (
	"math"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// rowGroups is a block's rows grouped by component: order lists the rows
// of component 0, then of component 1, and so on; ends[k] is where those
// of component k end in order, and pos[i] is row i's place in order.
type rowGroups struct {
	pos, order, ends []int32
}

// group draws the component of each of n rows from r and sorts the rows by
// component (a counting sort), in the block's scratch.
func (fg *forestGen) group(b *Block, r *rng.Rand, n int) rowGroups {
	if cap(b.pos) < n {
		b.pos = make([]int32, BlockSize)
		b.order = make([]int32, BlockSize)
	}
	if len(b.ends) < fg.comps {
		b.ends = make([]int32, fg.comps)
	}
	fr := rowGroups{pos: b.pos[:n], order: b.order[:n], ends: b.ends[:fg.comps]}
	for i := range fr.pos {
		fr.pos[i] = int32(fg.pick.Sample(r))
	}
	clear(fr.ends)
	for _, k := range fr.pos {
		fr.ends[k]++
	}
	at := int32(0)
	for k, c := range fr.ends {
		fr.ends[k] = at // where component k starts, until its rows are placed
		at += c
	}
	for i, k := range fr.pos {
		j := fr.ends[k]
		fr.order[j], fr.pos[i] = int32(i), j
		fr.ends[k]++
	}
	return fr
}

// fillForest generates a block. The component of every row comes from
// one random stream; then each column, and each calendar part, draws one
// number per row from a stream of its own, in row order, so a shorter
// block is a prefix of the full one. A numeric column's number decides a
// null and, rescaled, places the value; a discrete column's picks the
// state, and its hash the value of a capped column's "other" state.
//
// The rows are visited grouped by component, so that each column's tables
// are read in one sweep per block rather than at random: each number is
// stored at its row's place in that order as it is drawn, a component's
// cells are read once for all its rows, and each value is stored at its
// row. A datetime's calendar parts are set as its value is drawn.
func (g *Generator) fillForest(b *Block, seed uint64, block int64, n int) {
	fg := g.forest
	r := rng.New(seed, stream(block, 0xfffd))
	fr := fg.group(b, &r, n)
	if len(b.draws) < fg.draws*BlockSize {
		b.draws = make([]uint64, fg.draws*BlockSize)
		b.vals = make([]float64, BlockSize)
	}
	draws := b.draws
	fill := func(draws []uint64, s int) {
		r := rng.New(seed, stream(block, s))
		r.Scatter(draws, fr.pos)
	}
	// parts draws the calendar parts of fc, after the column's own
	// numbers in draws.
	var cd [3][]uint64
	parts := func(fc *forestCal) {
		for p, q := range fc.qs {
			cd[p] = draws[(p+1)*n : (p+2)*n]
			fill(cd[p], 0xff00+q)
		}
	}
	for q := range fg.num {
		fn := &fg.num[q]
		fill(draws[:n], fn.col)
		if fn.cal != nil {
			parts(fn.cal)
		}
		fn.fill(&g.cols[fn.col], &b.Cols[fn.col], fr, draws[:n], b.vals[:n], &cd)
	}
	for q := range fg.disc {
		fd := &fg.disc[q]
		fill(draws[:n], fd.col)
		fd.fill(&b.Cols[fd.col], fg.tails[fd.col], fr, draws[:n])
	}
	for q := range fg.cals {
		if fc := &fg.cals[q]; !fc.fused {
			parts(fc)
			fc.fill(&g.cols[fc.col], &b.Cols[fc.col], fr, &cd)
		}
	}
	g.fillOutside(b, seed, block, n)
}

// fill sets the numeric column's values, c and cv, from the rows' numbers
// d in the order of fr, and sets the calendar parts drawn in cd. It goes
// three times through the rows: by component, each row's u (into vals,
// in the order of fr) or its null or atom (at once); then, in one sweep
// that reads nothing else, the values of the u; and by component again
// to set the calendar parts. vals holds noValue for a row already set
// (no u or value is negative infinity).
func (fn *forestNum) fill(c *genColumn, cv *ColumnValues, fr rowGroups, d []uint64, vals []float64, cd *[3][]uint64) {
	num, null := cv.Num, cv.Null
	noValue := math.Inf(-1)
	from := int32(0)
	for k, to := range fr.ends {
		if from == to {
			continue
		}
		cell := &fn.cells[k]
		t := fn.u[k*(uKnots+1) : (k+1)*(uKnots+1)]
		atoms := fn.atoms[cell.aoff : cell.aoff+cell.an]
		for j := from; j < to; j++ {
			p := unit(d[j])
			if p < cell.null {
				null[fr.order[j]], vals[j] = true, noValue
				continue
			}
			if cell.null > 0 {
				p = (p - cell.null) * cell.rest
			}
			if fn.withAtoms {
				if p < cell.amass {
					v := atoms[len(atoms)-1].value
					for _, e := range atoms {
						if p < e.cum {
							v = e.value
							break
						}
					}
					i := fr.order[j]
					num[i], null[i], vals[j] = c.value(v), false, noValue
					continue
				}
				p = min((p-cell.amass)*cell.arest, 1-0x1p-53)
			}
			hp := p * uKnots
			if q := int(hp); q >= 1 && q < uKnots-1 {
				a := float64(t[q])
				vals[j] = a + (hp-float64(q))*(float64(t[q+1])-a)
			} else {
				vals[j] = cell.u(p)
			}
		}
		from = to
	}
	fused := fn.cal != nil
	for j, u := range vals {
		if u == noValue {
			continue
		}
		var x float64
		if fn.withAtoms {
			x = c.value(c.marg.rest(u))
		} else {
			x = c.value(c.marg.quantile(u))
		}
		if fused {
			vals[j] = x
			continue
		}
		i := fr.order[j]
		num[i], null[i] = x, false
	}
	if !fused {
		return
	}
	fc := fn.cal
	from = 0
	for k, to := range fr.ends {
		h := &fc.hdr[k]
		for j := from; j < to; j++ {
			if x := vals[j]; x != noValue {
				i := fr.order[j]
				num[i], null[i] = fc.move(c, h, cd, j, x), false
			}
		}
		from = to
	}
}

// fill sets the discrete column's states, cv, from the rows' numbers d in
// the order of fr; tails resamples a capped column's "other" state.
func (fd *forestDisc) fill(cv *ColumnValues, tails *rng.Alias, fr rowGroups, d []uint64) {
	cat, null := cv.Cat, cv.Null
	last, values := int32(fd.total-1), int32(fd.values)
	from := int32(0)
	for k, to := range fr.ends {
		if from == to {
			continue
		}
		h := fd.cells.hdr[k]
		ent := fd.cells.ent[h.off : h.off+h.n]
		for j := from; j < to; j++ {
			x := d[j]
			st := pickState(ent, x)
			i := fr.order[j]
			if fd.nullable && st == last {
				null[i] = true
				continue
			}
			null[i] = false
			if st >= values {
				st = values + int32(tails.Pick(rng.Hash(x)))
			}
			cat[i] = st
		}
		from = to
	}
}

// fill sets the calendar parts drawn in cd, in the order of fr, on the
// values of a column not drawn in forestGen.num.
func (fc *forestCal) fill(c *genColumn, cv *ColumnValues, fr rowGroups, cd *[3][]uint64) {
	num, null := cv.Num, cv.Null
	from := int32(0)
	for k, to := range fr.ends {
		h := &fc.hdr[k]
		for j := from; j < to; j++ {
			if i := fr.order[j]; !null[i] {
				num[i] = fc.move(c, h, cd, j, num[i])
			}
		}
		from = to
	}
}

// move is x, a value of column c, with the calendar parts set that the
// numbers cd[p][j] draw from the tables h of a component.
func (fc *forestCal) move(c *genColumn, h *calHdr, cd *[3][]uint64, j int32, x float64) float64 {
	off := int64(c.Format.ZoneOffset)
	whole := math.Floor(x)
	days, sec := floorDiv(int64(whole)+off, secondsPerDay)
	e := h.off
	vals, byKind := [3]int{}, [3]int{-1, -1, -1}
	for p, kind := range fc.kinds {
		end := e + uint32(h.n[p])
		v := fc.pick(fc.ent[e:end], cd[p][j])
		vals[p], byKind[kind] = v, v
		e = end
	}
	ok := false
	if fc.ordered {
		days, sec, ok = fc.days.setParts(days, sec, byKind[kindMonth], byKind[kindWeekday], byKind[kindHour])
	}
	if !ok {
		for p, kind := range fc.kinds {
			days, sec = fc.days.set(kind, days, sec, vals[p])
		}
	}
	return clamp(float64(days*secondsPerDay+sec-off)+(x-whole), c.lo, c.hi)
}
