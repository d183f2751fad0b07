package quality

import (
	"hash/maphash"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// Hash constants for the exact-copy check.
const (
	nullHash = 0x9e3779b97f4a7c15
	rowSeed  = 0x243f6a8885a308d3
)

// rowHash hashes row i of t so that rows equal under rowsEqual hash alike.
func rowHash(t *Table, i int, seed maphash.Seed) uint64 {
	h := uint64(rowSeed)
	for ci := range t.Columns {
		c := &t.Columns[ci]
		var v uint64
		if c.Kind.continuous() {
			x := c.Num[i]
			switch {
			case math.IsNaN(x):
				v = nullHash
			case x == 0:
				v = 0 // +0 and −0 are equal
			default:
				v = math.Float64bits(x)
			}
		} else if c.catNull(i) {
			v = nullHash
		} else {
			v = maphash.String(seed, c.Cat[i])
		}
		h = rng.Hash(bits.RotateLeft64(h, 23) ^ v)
	}
	return h
}

// rowsEqual reports whether row i of a equals row j of b in every column:
// numbers compared as float64 (NaN equal to NaN), strings exactly, null equal
// to null only. The tables have the same column layout.
func rowsEqual(a *Table, i int, b *Table, j int) bool {
	for ci := range a.Columns {
		ca, cb := &a.Columns[ci], &b.Columns[ci]
		if ca.Kind.continuous() {
			x, y := ca.Num[i], cb.Num[j]
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				return false
			}
			continue
		}
		na, nb := ca.catNull(i), cb.catNull(j)
		if na != nb || (!na && ca.Cat[i] != cb.Cat[j]) {
			return false
		}
	}
	return true
}

// exactCopies counts the rows of syn equal to some row of real. The tables
// have the same column layout.
func exactCopies(real, syn *Table) int {
	seed := maphash.MakeSeed()
	type entry struct {
		h   uint64
		row int
	}
	idx := make([]entry, real.Len())
	for i := range idx {
		idx[i] = entry{rowHash(real, i, seed), i}
	}
	slices.SortFunc(idx, func(a, b entry) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return 0
	})
	var n int
	for j := range syn.Len() {
		h := rowHash(syn, j, seed)
		k, _ := slices.BinarySearchFunc(idx, h, func(e entry, h uint64) int {
			switch {
			case e.h < h:
				return -1
			case e.h > h:
				return 1
			}
			return 0
		})
		for ; k < len(idx) && idx[k].h == h; k++ {
			if rowsEqual(real, idx[k].row, syn, j) {
				n++
				break
			}
		}
	}
	return n
}

// dcrEncoder turns rows into flat float64 vectors for the distance
// computation: continuous values divided by the real column's range,
// categories as their dictionary codes, null as NaN.
type dcrEncoder struct {
	scale []float64          // per column: 1/range, or 0 to compare exactly
	dict  []map[string]int32 // per categorical column
}

func newDCREncoder(real *Table) *dcrEncoder {
	e := &dcrEncoder{
		scale: make([]float64, len(real.Columns)),
		dict:  make([]map[string]int32, len(real.Columns)),
	}
	for ci := range real.Columns {
		c := &real.Columns[ci]
		if !c.Kind.continuous() {
			e.dict[ci] = make(map[string]int32)
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range c.Num {
			if !numNull(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if r := hi - lo; r > 0 && !math.IsInf(r, 0) {
			e.scale[ci] = 1 / r
		}
	}
	return e
}

// encode appends the encoded rows idx of t to dst, ncols values per row.
func (e *dcrEncoder) encode(dst []float64, t *Table, idx []int) []float64 {
	for _, i := range idx {
		for ci := range t.Columns {
			c := &t.Columns[ci]
			var v float64
			switch {
			case c.Kind.continuous():
				x := c.Num[i]
				switch {
				case numNull(x):
					v = math.NaN()
				case e.scale[ci] > 0:
					v = x * e.scale[ci]
				default:
					v = x
				}
			case c.catNull(i):
				v = math.NaN()
			default:
				code, ok := e.dict[ci][c.Cat[i]]
				if !ok {
					code = int32(len(e.dict[ci]))
					e.dict[ci][c.Cat[i]] = code
				}
				v = float64(code)
			}
			dst = append(dst, v)
		}
	}
	return dst
}

// nearest returns, for each encoded query row, the distance to the closest
// encoded reference row. exact[ci] marks the columns compared for equality
// (0 or 1) rather than by capped absolute difference.
func nearest(queries, refs []float64, exact []bool) []float64 {
	nc := len(exact)
	out := make([]float64, 0, len(queries)/nc)
	for q := 0; q < len(queries); q += nc {
		qrow := queries[q : q+nc]
		best := float64(nc) + 1
		for r := 0; r < len(refs) && best > 0; r += nc {
			rrow := refs[r : r+nc]
			var s float64
			for ci, a := range qrow {
				b := rrow[ci]
				var d float64
				switch {
				case a != a || b != b: // a null on either side
					if (a != a) != (b != b) {
						d = 1
					}
				case exact[ci]:
					if a != b {
						d = 1
					}
				default:
					d = min(1, math.Abs(a-b))
				}
				s += d
				if s >= best {
					break
				}
			}
			best = min(best, s)
		}
		out = append(out, best/float64(nc))
	}
	return out
}

// median returns the median of x, reordering it; NaN when x is empty.
func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	slices.Sort(x)
	m := len(x) / 2
	if len(x)%2 == 1 {
		return x[m]
	}
	return (x[m-1] + x[m]) / 2
}

// dcr fills the DCR fields of p, sampling rows with rng. The tables have the
// same column layout; rows caps each of the three samples.
func dcr(p *Privacy, real, syn *Table, rows int, rng *rand.Rand) {
	p.DCRSynthetic, p.DCRHoldout, p.DCRRatio = math.NaN(), math.NaN(), math.NaN()
	n := real.Len()
	half := n / 2
	refN, holdN := min(half, rows), min(n-half, rows)
	if refN == 0 {
		return
	}
	// The first refN indices of a random permutation come from its first
	// half, the next holdN from its second: a seeded split into reference
	// and holdout halves, each then sampled.
	realIdx := sampleIndices(n, refN+holdN, rng)
	if realIdx == nil {
		realIdx = rng.Perm(n)
	}
	refIdx, holdIdx := realIdx[:refN], realIdx[refN:refN+holdN]
	synIdx := sampleIndices(syn.Len(), rows, rng)
	if synIdx == nil {
		synIdx = make([]int, syn.Len())
		for i := range synIdx {
			synIdx[i] = i
		}
	}

	enc := newDCREncoder(real)
	nc := len(real.Columns)
	exact := make([]bool, nc)
	for ci := range real.Columns {
		exact[ci] = !real.Columns[ci].Kind.continuous() || enc.scale[ci] == 0
	}
	refs := enc.encode(make([]float64, 0, refN*nc), real, refIdx)
	synQ := enc.encode(make([]float64, 0, len(synIdx)*nc), syn, synIdx)
	holdQ := enc.encode(make([]float64, 0, holdN*nc), real, holdIdx)

	p.DCRReferenceRows, p.DCRSyntheticRows, p.DCRHoldoutRows = refN, len(synIdx), holdN
	p.DCRSynthetic = median(nearest(synQ, refs, exact))
	p.DCRHoldout = median(nearest(holdQ, refs, exact))
	switch {
	case p.DCRHoldout > 0:
		p.DCRRatio = p.DCRSynthetic / p.DCRHoldout
	case p.DCRHoldout == 0 && p.DCRSynthetic == 0:
		p.DCRRatio = 1
	}
}
