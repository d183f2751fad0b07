package table

import (
	"math"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// forestScratch is a block's scratch for the forest model. Its rows are
// grouped by component: order lists the rows of component 0, then of
// component 1, and so on; ends[k] is where those of component k end in
// order, and pos[i] is row i's place in order. The other slices are by
// place in order: a column's random numbers (draws, then one slice per
// calendar part), and what its pass makes of them (vals and kinds for a
// numeric column, states for a discrete one).
type forestScratch struct {
	pos, order, ends []int32
	draws            []uint64
	vals             []float64
	kinds            []uint8
	states           []int32
}

// Kinds of a numeric column's rows in forestScratch.kinds.
const (
	rowU    = iota // vals holds its u, then its value
	rowNull        // null
	rowSet         // vals holds its value, which draws nothing more (an atom)
)

// scratch is the block's forest scratch, made on first use.
func (fg *forestGen) scratch(b *Block) *forestScratch {
	s := b.forest
	if s == nil || len(s.ends) < fg.comps || len(s.draws) < fg.draws*BlockSize {
		s = &forestScratch{
			pos: make([]int32, BlockSize), order: make([]int32, BlockSize), ends: make([]int32, fg.comps),
			draws: make([]uint64, fg.draws*BlockSize),
			vals:  make([]float64, BlockSize), kinds: make([]uint8, BlockSize), states: make([]int32, BlockSize),
		}
		b.forest = s
	}
	return s
}

// group draws the component of each of n rows from r and sorts the rows by
// component (a counting sort) into s.
func (s *forestScratch) group(fg *forestGen, r *rng.Rand, n int) {
	pos, order, ends := s.pos[:n], s.order[:n], s.ends[:fg.comps]
	for i := range pos {
		pos[i] = int32(fg.pick.Sample(r))
	}
	clear(ends)
	for _, k := range pos {
		ends[k]++
	}
	at := int32(0)
	for k, c := range ends {
		ends[k] = at // where component k starts, until its rows are placed
		at += c
	}
	for i, k := range pos {
		j := ends[k]
		order[j], pos[i] = int32(i), j
		ends[k]++
	}
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
// tables are read once for all its rows, and the values, made in that
// order, are at last read into the rows. A datetime's calendar parts are
// set in its column's pass.
func (g *Generator) fillForest(b *Block, seed uint64, block int64, n int) {
	fg := g.forest
	s := fg.scratch(b)
	r := rng.New(seed, stream(block, 0xfffd))
	s.group(fg, &r, n)
	pos := s.pos[:n]
	fill := func(draws []uint64, col int) {
		r := rng.New(seed, stream(block, col))
		r.Scatter(draws, pos)
	}
	// parts draws the calendar parts of fc, after the column's own
	// numbers in s.draws.
	var cd [3][]uint64
	parts := func(fc *forestCal) {
		for p, q := range fc.qs {
			cd[p] = s.draws[(p+1)*n : (p+2)*n]
			fill(cd[p], 0xff00+q)
		}
	}
	d := s.draws[:n]
	for q := range fg.num {
		fn := &fg.num[q]
		c, cv := &g.cols[fn.col], &b.Cols[fn.col]
		fill(d, fn.col)
		if fn.cal != nil {
			parts(fn.cal)
		}
		fn.fill(c, b, s, n)
		if fn.cal != nil {
			fn.cal.fill(c, s, n, &cd)
		}
		vals, kinds := s.vals[:n], s.kinds[:n]
		num, null := cv.Num[:n], cv.Null[:n]
		for i, j := range pos {
			num[i], null[i] = vals[j], kinds[j] == rowNull
		}
	}
	for q := range fg.disc {
		fd := &fg.disc[q]
		cv := &b.Cols[fd.col]
		fill(d, fd.col)
		fd.fill(fg.tails[fd.col], s, n)
		states := s.states[:n]
		cat, null := cv.Cat[:n], cv.Null[:n]
		for i, j := range pos {
			st := states[j]
			cat[i], null[i] = max(st, 0), st < 0
		}
	}
	for q := range fg.cals {
		if fc := &fg.cals[q]; !fc.fused {
			parts(fc)
			fc.fillRows(&g.cols[fc.col], &b.Cols[fc.col], s, &cd)
		}
	}
	g.fillOutside(b, seed, block, n)
}

// fill makes the numeric column c's values (s.vals, s.kinds) of n rows
// from their numbers (s.draws), in two sweeps: by component, each row's u,
// or its null or atom; then the values of the u, each calibrated
// (fn.calib) or lifted above the row's values of the columns it is kept
// above (fn.above), which their passes, earlier, have written into b.
func (fn *forestNum) fill(c *genColumn, b *Block, s *forestScratch, n int) {
	d, vals, kinds := s.draws[:n], s.vals[:n], s.kinds[:n]
	from := int32(0)
	for k, to := range s.ends[:len(fn.cells)] {
		if from == to {
			continue
		}
		cell := &fn.cells[k]
		t := fn.u[k*(uKnots+1) : (k+1)*(uKnots+1)]
		atoms := fn.atoms[cell.aoff : cell.aoff+cell.an]
		for j := from; j < to; j++ {
			p := unit(d[j])
			if p < cell.null {
				vals[j], kinds[j] = 0, rowNull
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
					vals[j], kinds[j] = c.value(v), rowSet
					continue
				}
				p = min((p-cell.amass)*cell.arest, 1-0x1p-53)
			}
			kinds[j] = rowU
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
	for j, u := range vals {
		if kinds[j] != rowU {
			continue
		}
		if fn.calib != nil {
			u = fn.calib.at(u)
		}
		if fn.above != nil {
			u = fn.above.lift(b, s.order[j], u)
		}
		if fn.withAtoms {
			vals[j] = c.value(c.marg.rest(u))
		} else {
			vals[j] = c.value(c.marg.quantile(u))
		}
	}
}

// fill sets the calendar parts drawn in cd on the values of column c
// that s.vals holds of n rows (those of kind rowU).
func (fc *forestCal) fill(c *genColumn, s *forestScratch, n int, cd *[3][]uint64) {
	vals, kinds := s.vals[:n], s.kinds[:n]
	from := int32(0)
	for k, to := range s.ends[:len(fc.hdr)] {
		h := &fc.hdr[k]
		for j := from; j < to; j++ {
			if kinds[j] == rowU {
				vals[j] = fc.move(c, h, cd, j, vals[j])
			}
		}
		from = to
	}
}

// fillRows is fill for a column not drawn in forestGen.num: on the values
// of its rows that are not null.
func (fc *forestCal) fillRows(c *genColumn, cv *ColumnValues, s *forestScratch, cd *[3][]uint64) {
	num, null := cv.Num, cv.Null
	from := int32(0)
	for k, to := range s.ends[:len(fc.hdr)] {
		h := &fc.hdr[k]
		for j := from; j < to; j++ {
			if i := s.order[j]; !null[i] {
				num[i] = fc.move(c, h, cd, j, num[i])
			}
		}
		from = to
	}
}

// fill makes the discrete column's states (s.states, -1 for a null) of n
// rows from their numbers (s.draws); tails resamples a capped column's
// "other" state.
func (fd *forestDisc) fill(tails *rng.Alias, s *forestScratch, n int) {
	d, states := s.draws[:n], s.states[:n]
	last, values := int32(fd.total-1), int32(fd.values)
	from := int32(0)
	for k, to := range s.ends[:len(fd.cells.hdr)] {
		if from == to {
			continue
		}
		h := fd.cells.hdr[k]
		ent := fd.cells.ent[h.off : h.off+h.n]
		for j := from; j < to; j++ {
			x := d[j]
			st := pickState(ent, x)
			switch {
			case fd.nullable && st == last:
				st = -1
			case st >= values:
				st = values + int32(tails.Pick(rng.Hash(x)))
			}
			states[j] = st
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
