package table

import (
	"math"
	"slices"
	"strconv"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// ruleGen keeps a model's rules in each generated block by a bounded
// repair of the rows that break them, in this order:
//
//   - fd A -> B: B is set to the value the sample shows for A, where A's
//     value is one of the rule's keys;
//   - combinations: a tuple that is not allowed is replaced by an allowed
//     one with the same first value (any allowed one when there is none),
//     drawn uniformly;
//   - one_hot: of several columns on, one drawn uniformly stays on; with
//     none on, one is drawn by how often each is on;
//   - positive A: A <= 0 becomes -A, or the smallest positive value A
//     prints;
//   - sum C = A + B: C is recomputed from A and B as they print;
//   - order A <= B: pairs out of order are swapped (which keeps each
//     row's pair of values), in passes until none is left, at most one
//     pass per rule; then, in the rules' topological order, a B still
//     below its A (as the two print) is raised to the least value of B
//     that prints at or above A.
//
// Repairs touch only broken rows and draw from their own stream, row after
// row, so a block is still a function of the model, seed and block index,
// and a shorter block a prefix of the full one.
type ruleGen struct {
	fds    []fdGen
	combos []comboGen
	hots   []hotGen
	pos    []int
	sums   [][3]int
	orders [][2]int // in topological order
}

type fdTarget struct {
	set  bool
	null bool
	cat  int32
	num  float64
}

type fdGen struct {
	a, b   int
	byCat  []fdTarget // categorical A: by category index
	byNum  map[float64]fdTarget
	ifNull fdTarget
}

type comboGen struct {
	cols    []int
	tuples  [][]int32
	allowed map[string]bool
	byFirst map[int32][]int
}

type hotGen struct {
	cols    []int
	on, off []float64
	alias   *rng.Alias
}

// newRuleGen compiles the model's rules (nil when it has none).
func newRuleGen(g *Generator) *ruleGen {
	m := g.Model
	if len(m.Rules) == 0 {
		return nil
	}
	rg := &ruleGen{}
	idx := func(name string) int { return m.columnIndex(name) }
	var fdRules []rules.Rule
	for _, r := range m.Rules {
		switch r.Type {
		case rules.FD:
			fdRules = append(fdRules, r)
		case rules.Combinations:
			rg.combos = append(rg.combos, newComboGen(g, r, idx))
		case rules.OneHot:
			h := hotGen{}
			w := make([]float64, len(r.Columns))
			for k, n := range r.Columns {
				j := idx(n)
				c := &m.Columns[j]
				on, off, _ := hotValues(c)
				h.cols, h.on, h.off = append(h.cols, j), append(h.on, on), append(h.off, off)
				w[k] = 1e-9
				if c.Kind.Numeric() {
					w[k] += 1 // the mixture's share of ones is not at hand
				} else {
					w[k] += c.Categories[int(on)].Frequency
				}
			}
			h.alias, _ = rng.NewAlias(w)
			rg.hots = append(rg.hots, h)
		case rules.Positive:
			rg.pos = append(rg.pos, idx(r.Columns[0]))
		case rules.Sum:
			rg.sums = append(rg.sums, [3]int{idx(r.Columns[0]), idx(r.Columns[1]), idx(r.Columns[2])})
		}
	}
	topo, _ := orderTopo(m.Rules)
	for _, i := range topo {
		rg.orders = append(rg.orders, [2]int{idx(m.Rules[i].Columns[0]), idx(m.Rules[i].Columns[1])})
	}
	// Dependencies whose A another one sets come after it.
	slices.SortStableFunc(fdRules, func(x, y rules.Rule) int { return fdDepth(fdRules, x) - fdDepth(fdRules, y) })
	for _, r := range fdRules {
		rg.fds = append(rg.fds, newFDGen(g, r, idx))
	}
	return rg
}

// fdDepth is the length of the longest chain of dependencies ending in r's
// A, cut at the number of rules (so that a cycle ends it).
func fdDepth(rs []rules.Rule, r rules.Rule) int {
	d, col := 0, r.Columns[0]
	for d < len(rs) {
		i := slices.IndexFunc(rs, func(q rules.Rule) bool { return q.Columns[1] == col })
		if i < 0 {
			break
		}
		d, col = d+1, rs[i].Columns[0]
	}
	return d
}

func newFDGen(g *Generator, r rules.Rule, idx func(string) int) fdGen {
	f := fdGen{a: idx(r.Columns[0]), b: idx(r.Columns[1])}
	a, b := &g.cols[f.a], &g.cols[f.b]
	if !a.Kind.Numeric() {
		f.byCat = make([]fdTarget, len(a.Categories))
	} else {
		f.byNum = map[float64]fdTarget{}
	}
	for i, k := range r.Keys {
		t := fdTarget{set: true}
		v := r.Values[i]
		switch {
		case v == "":
			t.null = true
		case b.Kind.Numeric():
			t.num, _ = ParseValue(b.Kind, b.Format, v)
		default:
			t.cat = int32(slices.IndexFunc(b.Categories, func(c Category) bool { return c.Value == v }))
		}
		switch {
		case k == "":
			f.ifNull = t
		case a.Kind.Numeric():
			x, _ := ParseValue(a.Kind, a.Format, k)
			f.byNum[a.snap(x)] = t
		default:
			f.byCat[slices.IndexFunc(a.Categories, func(c Category) bool { return c.Value == k })] = t
		}
	}
	return f
}

func newComboGen(g *Generator, r rules.Rule, idx func(string) int) comboGen {
	c := comboGen{allowed: map[string]bool{}, byFirst: map[int32][]int{}}
	for _, n := range r.Columns {
		c.cols = append(c.cols, idx(n))
	}
	k := len(c.cols)
	for t := 0; t+k <= len(r.Tuples); t += k {
		tuple := make([]int32, k)
		for q, j := range c.cols {
			v := r.Tuples[t+q]
			tuple[q] = int32(slices.IndexFunc(g.cols[j].Categories, func(cat Category) bool { return cat.Value == v }))
		}
		c.allowed[string(appendKey(nil, tuple))] = true
		c.byFirst[tuple[0]] = append(c.byFirst[tuple[0]], len(c.tuples))
		c.tuples = append(c.tuples, tuple)
	}
	return c
}

// appendKey appends a tuple's bytes, a map key.
func appendKey(b []byte, t []int32) []byte {
	for _, v := range t {
		b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return b
}

// snap returns x as it reads back once printed in the column's format.
func (c *genColumn) snap(x float64) float64 {
	switch c.Kind {
	case Integer:
		return round(x)
	case Float:
		if !c.Format.Exponent && math.Abs(x)*pow10[c.Format.Decimals] < 1<<53 {
			p := pow10[c.Format.Decimals]
			return math.Copysign(math.Round(math.Abs(x)*p), x) / p
		}
		y, err := strconv.ParseFloat(string(appendFloat(nil, x, c.Format)), 64)
		if err == nil {
			return y
		}
	case Datetime:
		y, err := ParseValue(Datetime, c.Format, string(appendTime(nil, x, c.Format)))
		if err == nil {
			return y
		}
	}
	return x
}

// unit is the spacing of the column's printed numbers.
func (c *genColumn) unit() float64 {
	if c.Kind == Float && !c.Format.Exponent {
		return 1 / pow10[c.Format.Decimals]
	}
	if c.Kind == Integer {
		return 1
	}
	return math.Inf(1)
}

// raise returns the least value of the column at or above x as printed:
// on its lattice where it has one and one lies there.
func (c *genColumn) raise(x float64) float64 {
	if c.lat != nil {
		if y, ok := c.lat.above(x); ok {
			return y
		}
	}
	step := 1.0
	if c.Kind == Float {
		step = 1 / pow10[c.Format.Decimals]
	}
	y := x
	if c.Kind == Float && !c.Format.Exponent {
		y = math.Ceil(x/step) * step
	}
	for range 64 {
		if s := c.snap(y); s >= x {
			return s
		}
		y += step
		step *= 2
	}
	return y
}

// enforce repairs rows [0, n) of b.
func (rg *ruleGen) enforce(g *Generator, b *Block, seed uint64, block int64, n int) {
	r := rng.New(seed, stream(block, 0xfffd))
	for i := range rg.fds {
		rg.fds[i].apply(g, b, n)
	}
	for i := range rg.combos {
		rg.combos[i].apply(b, n, &r)
	}
	for i := range rg.hots {
		rg.hots[i].apply(b, n, &r)
	}
	for _, j := range rg.pos {
		c, cv := &g.cols[j], &b.Cols[j]
		for i, x := range cv.Num[:n] {
			if x <= 0 && !cv.Null[i] {
				y := c.snap(-x)
				if c.lat != nil {
					y = c.lat.up(y)
				}
				if y <= 0 {
					y = c.raise(math.SmallestNonzeroFloat64)
				}
				cv.Num[i] = y
			}
		}
	}
	for _, s := range rg.sums {
		cc, ca, cb := &g.cols[s[0]], &g.cols[s[1]], &g.cols[s[2]]
		vc, va, vb := &b.Cols[s[0]], &b.Cols[s[1]], &b.Cols[s[2]]
		for i := 0; i < n; i++ {
			if !vc.Null[i] && !va.Null[i] && !vb.Null[i] {
				// The parts as they print, so that order rules
				// compare what the sum was made of.
				va.Num[i], vb.Num[i] = ca.snap(va.Num[i]), cb.snap(vb.Num[i])
				vc.Num[i] = cc.snap(va.Num[i] + vb.Num[i])
			}
		}
	}
	rg.order(g, b, n)
}

func (f *fdGen) apply(g *Generator, b *Block, n int) {
	va, vb := &b.Cols[f.a], &b.Cols[f.b]
	for i := 0; i < n; i++ {
		var t fdTarget
		switch {
		case va.Null[i]:
			t = f.ifNull
		case f.byCat != nil:
			t = f.byCat[va.Cat[i]]
		default:
			t = f.byNum[g.cols[f.a].snap(va.Num[i])]
		}
		if !t.set {
			continue
		}
		vb.Null[i] = t.null
		if vb.Cat != nil {
			vb.Cat[i] = t.cat
		} else {
			vb.Num[i] = t.num
		}
	}
}

func (c *comboGen) apply(b *Block, n int, r *rng.Rand) {
	tuple := make([]int32, len(c.cols))
	var key []byte
	for i := 0; i < n; i++ {
		null := false
		for q, j := range c.cols {
			tuple[q] = b.Cols[j].Cat[i]
			null = null || b.Cols[j].Null[i]
		}
		key = appendKey(key[:0], tuple)
		if !null && c.allowed[string(key)] { // no allocation: a lookup by bytes
			continue
		}
		var pick []int32
		if cand := c.byFirst[tuple[0]]; len(cand) > 0 && !b.Cols[c.cols[0]].Null[i] {
			pick = c.tuples[cand[r.Intn(len(cand))]]
		} else {
			pick = c.tuples[r.Intn(len(c.tuples))]
		}
		for q, j := range c.cols {
			b.Cols[j].Cat[i], b.Cols[j].Null[i] = pick[q], false
		}
	}
}

func (h *hotGen) apply(b *Block, n int, r *rng.Rand) {
	get := func(q, i int) float64 {
		cv := &b.Cols[h.cols[q]]
		switch {
		case cv.Null[i]:
			return math.NaN()
		case cv.Cat != nil:
			return float64(cv.Cat[i])
		}
		return cv.Num[i]
	}
	set := func(q, i int, v float64) {
		cv := &b.Cols[h.cols[q]]
		cv.Null[i] = false
		if cv.Cat != nil {
			cv.Cat[i] = int32(v)
		} else {
			cv.Num[i] = v
		}
	}
	for i := 0; i < n; i++ {
		hot, ok := 0, true
		for q := range h.cols {
			switch v := get(q, i); v {
			case h.on[q]:
				hot++
			case h.off[q]:
			default:
				ok = false
			}
		}
		if ok && hot == 1 {
			continue
		}
		keep := -1
		if hot > 0 {
			k := r.Intn(hot)
			for q := range h.cols {
				if get(q, i) == h.on[q] {
					if k == 0 {
						keep = q
						break
					}
					k--
				}
			}
		} else {
			keep = h.alias.Sample(r)
		}
		for q := range h.cols {
			if q == keep {
				set(q, i, h.on[q])
			} else {
				set(q, i, h.off[q])
			}
		}
	}
}

// order keeps the order rules: swaps, then raises (see ruleGen).
func (rg *ruleGen) order(g *Generator, b *Block, n int) {
	for range rg.orders {
		swapped := false
		for _, o := range rg.orders {
			va, vb := &b.Cols[o[0]], &b.Cols[o[1]]
			for i := 0; i < n; i++ {
				if va.Num[i] > vb.Num[i] && !va.Null[i] && !vb.Null[i] {
					va.Num[i], vb.Num[i] = vb.Num[i], va.Num[i]
					// Each value back on its own column's lattice,
					// outward, so the pair stays in order.
					if ca := &g.cols[o[0]]; ca.lat != nil {
						va.Num[i] = ca.lat.down(va.Num[i])
					}
					if cb := &g.cols[o[1]]; cb.lat != nil {
						vb.Num[i] = cb.lat.up(vb.Num[i])
					}
					swapped = true
				}
			}
		}
		if !swapped {
			break
		}
	}
	for _, o := range rg.orders {
		ca, cb := &g.cols[o[0]], &g.cols[o[1]]
		va, vb := &b.Cols[o[0]], &b.Cols[o[1]]
		// Columns printed alike keep the order the swaps left; others
		// may print a pair out of order within their rounding.
		same := ca.Kind == cb.Kind && ca.Format == cb.Format
		slack := math.Inf(1)
		if ca.Kind != Datetime && cb.Kind != Datetime {
			slack = ca.unit() + cb.unit()
		}
		for i := 0; i < n; i++ {
			if va.Null[i] || vb.Null[i] {
				continue
			}
			x, y := va.Num[i], vb.Num[i]
			if x <= y && (same || y-x > slack) {
				continue
			}
			x, y = ca.snap(x), cb.snap(y)
			va.Num[i], vb.Num[i] = x, y
			if x > y {
				vb.Num[i] = cb.raise(x)
			}
		}
	}
}
