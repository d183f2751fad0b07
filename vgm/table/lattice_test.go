package table

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// fahrenheit returns n readings of whole degrees Fahrenheit from 30 to 90,
// written in °C with one decimal: an irregular lattice (12.2, 12.8, 13.3).
func fahrenheit(n int) []string {
	out := make([]string, n)
	for i := range out {
		f := 30 + (i*7919)%61
		out[i] = strconv.FormatFloat(math.Round((float64(f)-32)/1.8*10)/10, 'f', 1, 64)
	}
	return out
}

// TestLatticeRule checks which columns get a lattice and which do not.
func TestLatticeRule(t *testing.T) {
	tests := []struct {
		name     string
		values   []string
		opt      func(*FitOptions)
		want     int // lattice values, 0 for none
		wantKind Kind
	}{
		{name: "fahrenheit in celsius", values: fahrenheit(2000), want: 61, wantKind: Float},
		{name: "integers on every whole number", values: texts(2000, func(i int) string { return strconv.Itoa(i % 200) }), wantKind: Integer},
		{name: "tenths on every tenth", values: texts(2000, func(i int) string { return fmt.Sprintf("%.1f", float64(i%200)/10) }), wantKind: Float},
		{name: "multiples of 25", values: texts(2000, func(i int) string { return strconv.Itoa(2500 + 25*(i%100)) }), want: 100, wantKind: Integer},
		{name: "continuous", values: texts(2000, func(i int) string { return fmt.Sprintf("%.3f", math.Sin(float64(i))*100) }), wantKind: Float},
		{name: "half of the mass rare", values: texts(2000, func(i int) string {
			if i%2 == 0 {
				return fmt.Sprintf("%.2f", float64(i%40))
			}
			return fmt.Sprintf("%.2f", 1000+float64(i)/100)
		}), wantKind: Float},
		{name: "more distinct values than counted exactly", values: texts(12000, func(i int) string { return strconv.Itoa(10 * (i % 1200)) }), wantKind: Integer},
		{name: "values seen 3 times, min count 5", values: texts(300, func(i int) string { return strconv.Itoa(10 * (i % 100)) }), wantKind: Integer},
		{name: "values seen 3 times, min count 0", values: texts(300, func(i int) string { return strconv.Itoa(10 * (i % 100)) }),
			opt: func(o *FitOptions) { o.MinCategoryCount = 0 }, want: 100, wantKind: Integer},
		{name: "schema switch off", values: fahrenheit(2000), opt: func(o *FitOptions) { o.Rules.NoLattice = true }, wantKind: Float},
		{name: "one spelling per value", values: texts(2000, func(i int) string {
			return []string{"1.5", "1.50", "2.25", "7.75", "7.750", "9.0"}[i%6]
		}), wantKind: Categorical},
		{name: "1.5 and 1.50 are one value", values: texts(2000, func(i int) string {
			return []string{"1.5", "1.50", "2.25", "7.75", "7.750", "9.0", "3.33", "4.44", "5.55", "6.66", "8.88", "0.01"}[i%12]
		}), want: 10, wantKind: Float},
		{name: "dates", values: texts(2000, func(i int) string { return fmt.Sprintf("%d-%02d-01", 2000+i%20, 1+i%12) }), wantKind: Datetime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := make([][]string, len(tt.values))
			for i, v := range tt.values {
				rows[i] = []string{v}
			}
			opt := FitOptions{VGM: vgm.DefaultConfig(), ModelType: ModelTypeIndependent, MinCategoryCount: DefaultMinCategoryCount}
			if tt.opt != nil {
				tt.opt(&opt)
			}
			m, err := Fit(summaryOf(t, []string{"x"}, rows), opt)
			if err != nil {
				t.Fatal(err)
			}
			c := m.Columns[0]
			if c.Kind != tt.wantKind {
				t.Fatalf("kind %s, want %s", c.Kind, tt.wantKind)
			}
			got := 0
			if c.Lattice != nil {
				got = len(c.Lattice.Values)
			}
			if got != tt.want {
				t.Fatalf("lattice of %d values, want %d", got, tt.want)
			}
		})
	}
}

// TestLatticeNoExactBounds keeps the lattice within the inexact bounds.
func TestLatticeNoExactBounds(t *testing.T) {
	var rows [][]string
	for _, v := range fahrenheit(3000) {
		rows = append(rows, []string{v})
	}
	m, err := Fit(summaryOf(t, []string{"x"}, rows), FitOptions{VGM: vgm.DefaultConfig(), ModelType: ModelTypeIndependent,
		MinCategoryCount: DefaultMinCategoryCount, NoExactBounds: true})
	if err != nil {
		t.Fatal(err)
	}
	c := m.Columns[0]
	if c.Lattice == nil {
		t.Fatal("no lattice")
	}
	if l := c.Lattice.Values; l[0] < *c.Min || l[len(l)-1] > *c.Max {
		t.Errorf("lattice [%v, %v] outside the bounds [%v, %v]", l[0], l[len(l)-1], *c.Min, *c.Max)
	}
}

// TestLatticeSnapping checks the lookups generation makes: the lattice
// with the column's bounds, values in a wide gap (past 4 median gaps)
// left as drawn.
func TestLatticeSnapping(t *testing.T) {
	// Gaps 1, 1, 1.5, 1, 8 (wide): median 1.
	g := newLatticeGen(&Lattice{Values: []float64{-1, 0, 1, 2.5, 3.5, 11.5}}, -3, 12)
	tests := []struct {
		x, nearest, down, up float64
	}{
		{-3, -3, -3, -3},
		{-2.5, -3, -3, -1}, // the gap to the lower bound is 2: snaps
		{-2, -3, -3, -1},
		{-1, -1, -1, -1},
		{-0.5, -1, -1, 0}, // a tie goes to the lower value
		{0.6, 1, 0, 1},
		{1.7, 1, 1, 2.5},
		{2, 2.5, 1, 2.5},
		{6, 6, 3.5, 11.5}, // in the wide gap
		{11.8, 12, 11.5, 12},
		{13, 12, 12, 13},
	}
	for _, tt := range tests {
		if got := g.nearest(tt.x); got != tt.nearest {
			t.Errorf("nearest(%v) = %v, want %v", tt.x, got, tt.nearest)
		}
		if got := g.down(tt.x); got != tt.down {
			t.Errorf("down(%v) = %v, want %v", tt.x, got, tt.down)
		}
		if got := g.up(tt.x); got != tt.up {
			t.Errorf("up(%v) = %v, want %v", tt.x, got, tt.up)
		}
	}
}

// TestLatticeIndexes checks the bucket lookups against a binary search and
// a linear scan, on irregular lattices.
func TestLatticeIndexes(t *testing.T) {
	r := rng.New(1, 2)
	for trial := 0; trial < 200; trial++ {
		n := 2 + r.Intn(60)
		l := &Lattice{}
		x := r.Float64() * 10
		for i := 0; i < n; i++ {
			x += math.Pow(r.Float64(), 3) * 5
			l.Values = append(l.Values, x)
		}
		g := newLatticeGen(l, l.Values[0], l.Values[n-1])
		probe := append(slices.Clone(l.Values), l.Values[0]-1, l.Values[n-1]+1)
		for range 50 {
			probe = append(probe, l.Values[0]-1+r.Float64()*(l.Values[n-1]-l.Values[0]+2))
		}
		for _, x := range probe {
			if got, want := g.index(x), sort.SearchFloat64s(l.Values, x); got != want {
				t.Fatalf("index(%v) = %d, want %d (values %v)", x, got, want, l.Values)
			}
		}
	}
}

// TestLatticeRoundTrip writes and reads a model with lattices, reads a
// model file without them, and refuses broken ones.
func TestLatticeRoundTrip(t *testing.T) {
	m := fitExample(t, ModelTypeNetwork, 1461)
	j := columnIndex(m, "temp_max")
	if m.Columns[j].Lattice == nil {
		t.Fatal("temp_max has no lattice")
	}
	back := reencode(t, m)
	if !slices.Equal(back.Columns[j].Lattice.Values, m.Columns[j].Lattice.Values) {
		t.Error("the lattice changed in a round trip")
	}
	// A file written before lattices: no field, still read.
	old := *m
	old.Columns = slices.Clone(m.Columns)
	for i := range old.Columns {
		old.Columns[i].Lattice = nil
	}
	ob, _ := old.Encode()
	if strings.Contains(string(ob), `"lattice"`) {
		t.Fatal("a model without lattices writes the field")
	}
	if _, err := DecodeModel(ob); err != nil {
		t.Fatalf("a model without lattices: %v", err)
	}
	bad := []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"unsorted", func(m *Model) { l := m.Columns[j].Lattice; l.Values[0], l.Values[1] = l.Values[1], l.Values[0] }, "ascending"},
		{"outside bounds", func(m *Model) { l := m.Columns[j].Lattice; l.Values[len(l.Values)-1] = *m.Columns[j].Max + 1 }, "outside"},
		{"one value", func(m *Model) { m.Columns[j].Lattice = &Lattice{Values: []float64{1}} }, "2 to"},
		{"categorical", func(m *Model) {
			m.Columns[columnIndex(m, "weather")].Lattice = &Lattice{Values: []float64{1, 2}}
		}, "no lattice"},
		{"datetime", func(m *Model) {
			m.Columns[columnIndex(m, "date")].Lattice = &Lattice{Values: []float64{1, 2}}
		}, "no lattice"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c := reencode(t, m)
			tt.edit(c)
			cb, _ := c.Encode()
			if _, err := DecodeModel(cb); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
	// A private model stores none, and refuses one.
	p, err := Fit(exampleSummary(t, 1461, 1000), privateOptions(ModelTypeNetwork, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Columns {
		if c.Lattice != nil {
			t.Errorf("private model: column %q has a lattice", c.Name)
		}
	}
	pc := &p.Columns[columnIndex(p, "temp_max")]
	pc.Lattice = &Lattice{Values: []float64{*pc.Min, *pc.Max}}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "private") {
		t.Errorf("a private model with a lattice: got %v", err)
	}
}

// TestLatticeGenerated generates seattle-weather with every model type and
// the mined rules: all but the few temperatures drawn in the sparse tails
// (wide gaps) are ones the real column holds (where a classifier would
// otherwise tell 12.5 from 12.2 and 12.8; without lattices 98% are not),
// and temp_min <= temp_max still holds in every row.
func TestLatticeGenerated(t *testing.T) {
	s := exampleSummary(t, 1461, 1000)
	real := map[string]map[float64]bool{"temp_max": {}, "temp_min": {}}
	for _, r := range s.Ranked() {
		for name, set := range real {
			x, _ := strconv.ParseFloat(r.Fields[slices.Index(s.Columns, name)], 64)
			set[x] = true
		}
	}
	for _, mt := range []string{ModelTypeForest, ModelTypeNetwork, ModelTypeCopula, ModelTypeIndependent} {
		t.Run(mt, func(t *testing.T) {
			cfg := vgm.DefaultConfig()
			cfg.MaxIter = 50
			m, err := Fit(s, FitOptions{VGM: cfg, ModelType: mt, MinCategoryCount: DefaultMinCategoryCount})
			if err != nil {
				t.Fatal(err)
			}
			_, blocks := conditionalRows(t, m, nil, 1, BlockSize)
			b := blocks[0]
			lo, hi := columnIndex(m, "temp_min"), columnIndex(m, "temp_max")
			off := map[string]int{}
			broken := 0
			for i := 0; i < b.N; i++ {
				for name, j := range map[string]int{"temp_min": lo, "temp_max": hi} {
					if !real[name][b.Cols[j].Num[i]] {
						off[name]++
					}
				}
				if b.Cols[lo].Num[i] > b.Cols[hi].Num[i] {
					broken++
				}
			}
			for name, n := range off {
				if n > b.N/50 {
					t.Errorf("%s: %d of %d values are none of the real column's", name, n, b.N)
				}
			}
			if broken > 0 {
				t.Errorf("temp_min <= temp_max broken in %d rows", broken)
			}
		})
	}
}

// BenchmarkFillLattice measures what drawing on lattices costs: the same
// seattle-weather model (temp_max, temp_min and precipitation on lattices)
// generating blocks with and without its lattices, per model type.
func BenchmarkFillLattice(b *testing.B) {
	for _, mt := range []string{ModelTypeForest, ModelTypeNetwork} {
		m := fitExample(b, mt, 1461)
		bare := *m
		bare.Columns = slices.Clone(m.Columns)
		for i := range bare.Columns {
			bare.Columns[i].Lattice = nil
		}
		for _, tc := range []struct {
			name string
			m    *Model
		}{{"lattice", m}, {"none", &bare}} {
			b.Run(mt+"/"+tc.name, func(b *testing.B) { benchFill(b, tc.m) })
		}
	}
}
