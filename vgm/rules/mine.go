package rules

import (
	"math"
	"slices"
)

// Options bound the search of Mine. The zero value takes the defaults.
type Options struct {
	// MinRows is the fewest rows with both values an order rule, or with
	// all three a sum, needs (default 20).
	MinRows int
	// MaxDistinct is the most distinct values a column of a functional
	// dependency may have (default 2000).
	MaxDistinct int
	// MaxColumns is the most columns searched for order rules and
	// functional dependencies, in table order (default 200); MaxSumColumns
	// the most numeric columns searched for sums (default 40).
	MaxColumns    int
	MaxSumColumns int
	// MaxRules bounds the rules returned (default 1000): order rules
	// first, then functional dependencies, then sums.
	MaxRules int
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MinRows, 20)
	def(&o.MaxDistinct, 2000)
	def(&o.MaxColumns, 200)
	def(&o.MaxSumColumns, 40)
	def(&o.MaxRules, 1000)
	return o
}

// Mine returns the order rules, functional dependencies and sums that every
// row of cols holds (see the package comment for what qualifies), in table
// order of their columns. All columns must have the same length.
func Mine(cols []Column, opt Options) []Rule {
	opt = opt.withDefaults()
	if len(cols) > opt.MaxColumns {
		cols = cols[:opt.MaxColumns]
	}
	var out []Rule
	out = append(out, mineOrder(cols, opt)...)
	out = append(out, mineFD(cols, opt)...)
	out = append(out, mineSum(cols, opt)...)
	if len(out) > opt.MaxRules {
		out = out[:opt.MaxRules]
	}
	return out
}

// bounds returns the least and greatest non-null value of x.
func bounds(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}

func mineOrder(cols []Column, opt Options) []Rule {
	type span struct{ lo, hi float64 }
	spans := make([]span, len(cols))
	for i, c := range cols {
		spans[i].lo, spans[i].hi = bounds(c.Num)
	}
	var out []Rule
	for i, a := range cols {
		for j, b := range cols {
			if i == j || a.Kind != b.Kind || (a.Kind != Number && a.Kind != Time) {
				continue
			}
			if spans[i].hi <= spans[j].lo { // implied by the ranges
				continue
			}
			if holdsOrder(a.Num, b.Num, opt.MinRows) {
				out = append(out, Rule{Type: Order, Columns: []string{a.Name, b.Name}})
			}
		}
	}
	return out
}

// holdsOrder reports whether a <= b wherever both are present, on at least
// minRows rows, and not a == b on all of them.
func holdsOrder(a, b []float64, minRows int) bool {
	n, differ := 0, false
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		if x > y {
			return false
		}
		n++
		differ = differ || x != y
	}
	return n >= minRows && differ
}

// codes numbers a column's text values 0, 1, ... in order of appearance
// (null being a value), or returns nil when it has more than maxDistinct
// non-null values.
type coded struct {
	code   []int32
	values []string
	counts []int
}

func encode(text []string, maxDistinct int) *coded {
	c := &coded{code: make([]int32, len(text))}
	index := map[string]int32{}
	nonNull := 0
	for i, v := range text {
		k, ok := index[v]
		if !ok {
			if v != "" {
				nonNull++
				if nonNull > maxDistinct {
					return nil
				}
			}
			k = int32(len(c.values))
			index[v] = k
			c.values = append(c.values, v)
			c.counts = append(c.counts, 0)
		}
		c.code[i] = k
		c.counts[k]++
	}
	return c
}

// determinant reports whether a column may be the A of a dependency: at
// least two values seen twice or more, and at most half of its distinct
// values seen once.
func (c *coded) determinant() bool {
	twice, once := 0, 0
	for _, n := range c.counts {
		if n >= 2 {
			twice++
		} else {
			once++
		}
	}
	return twice >= 2 && 2*once <= len(c.counts)
}

func mineFD(cols []Column, opt Options) []Rule {
	enc := make([]*coded, len(cols))
	for i, c := range cols {
		if c.Kind != Text && len(c.Text) > 0 {
			enc[i] = encode(c.Text, opt.MaxDistinct)
		}
	}
	var out []Rule
	var image []int32
	for i, a := range enc {
		if a == nil || !a.determinant() {
			continue
		}
		for j, b := range enc {
			if i == j || b == nil || len(b.values) < 2 {
				continue
			}
			image = slices.Grow(image[:0], len(a.values))[:len(a.values)]
			for k := range image {
				image[k] = -1
			}
			holds := true
			for r, ka := range a.code {
				kb := b.code[r]
				if image[ka] < 0 {
					image[ka] = kb
				} else if image[ka] != kb {
					holds = false
					break
				}
			}
			if !holds {
				continue
			}
			rule := Rule{Type: FD, Columns: []string{cols[i].Name, cols[j].Name}}
			order := make([]int, len(a.values))
			for k := range order {
				order[k] = k
			}
			slices.SortFunc(order, func(x, y int) int {
				switch {
				case a.values[x] < a.values[y]:
					return -1
				case a.values[x] > a.values[y]:
					return 1
				}
				return 0
			})
			for _, k := range order {
				rule.Keys = append(rule.Keys, a.values[k])
				rule.Values = append(rule.Values, b.values[image[k]])
			}
			out = append(out, rule)
		}
	}
	return out
}

func mineSum(cols []Column, opt Options) []Rule {
	var num []int
	for i, c := range cols {
		if c.Kind == Number && len(num) < opt.MaxSumColumns {
			num = append(num, i)
		}
	}
	var out []Rule
	for x, i := range num {
		a := cols[i].Num
		for _, j := range num[x+1:] {
			b := cols[j].Num
			for _, k := range num {
				if k == i || k == j {
					continue
				}
				if holdsSum(cols[k].Num, a, b, opt.MinRows) {
					out = append(out, Rule{Type: Sum, Columns: []string{cols[k].Name, cols[i].Name, cols[j].Name}})
				}
			}
		}
	}
	return out
}

// holdsSum reports whether c = a + b within a relative 1e-9 wherever all
// three are present, on at least minRows rows, with neither a nor b zero on
// all of them.
func holdsSum(c, a, b []float64, minRows int) bool {
	n, aNonZero, bNonZero := 0, false, false
	for i := range min(len(a), len(b), len(c)) {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) || math.IsNaN(c[i]) {
			continue
		}
		if math.Abs(c[i]-(a[i]+b[i])) > 1e-9*(1+math.Abs(c[i])) {
			return false
		}
		n++
		aNonZero = aNonZero || a[i] != 0
		bNonZero = bNonZero || b[i] != 0
	}
	return n >= minRows && aNonZero && bNonZero
}
