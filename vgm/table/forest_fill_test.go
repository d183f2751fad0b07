package table

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// fillByRow is what Fill generates from a forest model, drawn row after
// row in row order with no grouping by component, scratch or sweeps:
// every value from the same random streams, calibrated or lifted above its lower
// columns (Forest.Above), calendar parts set one at a time by
// dayTable.set, then the model's rules.
func fillByRow(g *Generator, b *Block, seed uint64, block int64, n int) {
	fg := g.forest
	b.Start, b.N = block*BlockSize, n
	r := rng.New(seed, stream(block, 0xfffd))
	comps := make([]int, n)
	for i := range comps {
		comps[i] = fg.pick.Sample(&r)
	}
	atom := map[int][]bool{}
	for _, fn := range fg.num {
		c, cv := &g.cols[fn.col], &b.Cols[fn.col]
		atom[fn.col] = make([]bool, n)
		r := rng.New(seed, stream(block, fn.col))
		for i := 0; i < n; i++ {
			k := comps[i]
			cell := &fn.cells[k]
			p := r.Float64()
			cv.Null[i] = p < cell.null
			if cv.Null[i] {
				continue
			}
			if cell.null > 0 {
				p = (p - cell.null) * cell.rest
			}
			if fn.withAtoms {
				if p < cell.amass {
					a := fn.atoms[cell.aoff : cell.aoff+cell.an]
					v := a[len(a)-1].value
					for _, e := range a {
						if p < e.cum {
							v = e.value
							break
						}
					}
					cv.Num[i], atom[fn.col][i] = c.value(v), true
					continue
				}
				p = min((p-cell.amass)*cell.arest, 1-0x1p-53)
			}
			u := fn.uAt(k, p)
			if fn.calib != nil {
				u = fn.calib.at(u)
			}
			if fn.above != nil {
				u = fn.above.lift(b, int32(i), u)
			}
			if fn.withAtoms {
				cv.Num[i] = c.value(c.marg.rest(u))
			} else {
				cv.Num[i] = c.value(c.marg.quantile(u))
			}
		}
	}
	for _, fd := range fg.disc {
		cv := &b.Cols[fd.col]
		r := rng.New(seed, stream(block, fd.col))
		for i := 0; i < n; i++ {
			x := r.Uint64()
			a := &fd.cells.hdr[comps[i]]
			st := pickState(fd.cells.ent[a.off:a.off+a.n], x)
			cv.Null[i] = fd.nullable && int(st) == fd.total-1
			if cv.Null[i] {
				continue
			}
			if st >= int32(fd.values) {
				st = int32(fd.values) + int32(fg.tails[fd.col].Pick(rng.Hash(x)))
			}
			cv.Cat[i] = st
		}
	}
	for _, fc := range fg.cals {
		c, cv := &g.cols[fc.col], &b.Cols[fc.col]
		rs := make([]rng.Rand, len(fc.qs))
		for p, q := range fc.qs {
			rs[p] = rng.New(seed, stream(block, 0xff00+q))
		}
		off := int64(c.Format.ZoneOffset)
		for i := 0; i < n; i++ {
			h := &fc.hdr[comps[i]]
			v := make([]int, len(fc.kinds))
			e := h.off
			for p := range fc.kinds {
				v[p] = fc.pick(fc.ent[e:e+uint32(h.n[p])], rs[p].Uint64())
				e += uint32(h.n[p])
			}
			if cv.Null[i] || (atom[fc.col] != nil && atom[fc.col][i]) {
				continue
			}
			x := cv.Num[i]
			days, sec := floorDiv(int64(math.Floor(x))+off, secondsPerDay)
			for p, kind := range fc.kinds {
				days, sec = fc.days.set(kind, days, sec, v[p])
			}
			cv.Num[i] = clamp(float64(days*secondsPerDay+sec-off)+(x-math.Floor(x)), c.lo, c.hi)
		}
	}
	g.fillOutside(b, seed, block, n)
	if g.rules != nil {
		g.rules.enforce(g, b, seed, block, n)
	}
}

// TestForestFillByRow checks that generating a block grouped by
// component gives the rows that drawing them one by one gives, for
// forests with calendar parts, atoms and nulls, in full and short blocks.
func TestForestFillByRow(t *testing.T) {
	orders := fitOrdersForest(t)
	for _, tc := range []struct {
		name string
		m    *Model
	}{
		{"seattle-weather", fitExample(t, ModelTypeForest, 1461)},
		{"orders", orders},
		{"nulls", fitRows(t, []string{"at", "amount", "kind"}, nullRows(3000), ModelTypeForest)},
	} {
		g, err := NewGenerator(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		got, want := g.NewBlock(), g.NewBlock()
		var nulls, atoms, parts int
		for _, fn := range g.forest.num {
			if fn.withAtoms {
				atoms++
			}
		}
		for _, fc := range g.forest.cals {
			parts += len(fc.kinds)
		}
		for _, n := range []int{BlockSize, 1000} {
			for block := int64(0); block < 3; block++ {
				g.Fill(got, 9, block, n)
				fillByRow(g, want, 9, block, n)
				for j := range g.cols {
					for i := 0; i < n; i++ {
						gv, wv := valueAt(got, j, i), valueAt(want, j, i)
						if gv != wv {
							t.Fatalf("%s, %d rows, block %d: column %q, row %d: %v, want %v", tc.name, n, block, g.cols[j].Name, i, gv, wv)
						}
						if wv.null {
							nulls++
						}
					}
				}
			}
		}
		if parts == 0 || (tc.name == "nulls" && nulls == 0) || (tc.name == "orders" && atoms == 0) {
			t.Errorf("%s: %d calendar parts, %d nulls, %d columns with atoms: the test no longer covers them", tc.name, parts, nulls, atoms)
		}
	}
}

// nullRows is n rows of a datetime over a year, hours varying, an amount
// that is null in about a fifth of them, 0 in a third, and a kind that
// is empty in about a tenth.
func nullRows(n int) [][]string {
	r := rng.New(5, 0)
	kinds := []string{"a", "b", "c"}
	rows := make([][]string, n)
	for i := range rows {
		at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Intn(366*24*60)) * time.Minute)
		amount := strconv.FormatFloat(math.Round(r.Float64()*1000)/10, 'f', 1, 64)
		switch x := r.Float64(); {
		case x < 0.2:
			amount = ""
		case x < 0.55:
			amount = "0"
		}
		kind := kinds[(int(at.Month())+r.Intn(2))%3]
		if r.Intn(10) == 0 {
			kind = ""
		}
		rows[i] = []string{at.Format("2006-01-02 15:04"), amount, kind}
	}
	return rows
}

type cellValue struct {
	null bool
	num  uint64 // float64 bits
	cat  int32
}

// valueAt is a block's value of column j, row i (nothing but the null
// where it is null).
func valueAt(b *Block, j, i int) cellValue {
	cv := &b.Cols[j]
	if cv.Null[i] {
		return cellValue{null: true}
	}
	v := cellValue{}
	if cv.Num != nil {
		v.num = math.Float64bits(cv.Num[i])
	}
	if cv.Cat != nil {
		v.cat = cv.Cat[i]
	}
	return v
}
