package table

import (
	"math"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm"
)

// TestForestAbove checks that the forest models the columns order rules
// keep above others by their position above them: the model file names
// them, they survive encode and decode, and the generated values hold
// the rules before any repair (the rules taken out of the model).
func TestForestAbove(t *testing.T) {
	m, err := Fit(weatherSummary(t, 2000), FitOptions{VGM: vgm.DefaultConfig(), ModelType: ModelTypeForest})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, part, rest, total := m.columnIndex("lo"), m.columnIndex("hi"), m.columnIndex("part"), m.columnIndex("rest"), m.columnIndex("total")
	want := []Above{{Column: hi, Over: []int{lo}}, {Column: total, Over: []int{part, rest}}}
	if got := m.Forest.Above; len(got) != len(want) || got[0].Column != hi || got[1].Column != total || len(got[1].Over) != 2 {
		t.Fatalf("above = %+v, want %+v", got, want)
	}
	back := reencode(t, m)
	back.Rules = nil
	g, err := NewGenerator(back)
	if err != nil {
		t.Fatal(err)
	}
	b := g.NewBlock()
	for k := int64(0); k < 2; k++ {
		g.Fill(b, 4, k, BlockSize)
		for _, a := range want {
			for _, o := range a.Over {
				for i := 0; i < b.N; i++ {
					if x, y := b.Cols[o].Num[i], b.Cols[a.Column].Num[i]; x > y {
						t.Fatalf("block %d row %d: %s %v > %s %v", k, i, m.Columns[o].Name, x, m.Columns[a.Column].Name, y)
					}
				}
			}
		}
	}
}

func TestForestAboveValidation(t *testing.T) {
	m, err := Fit(weatherSummary(t, 500), FitOptions{VGM: vgm.DefaultConfig(), ModelType: ModelTypeForest})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, city, amount := m.columnIndex("lo"), m.columnIndex("hi"), m.columnIndex("city"), m.columnIndex("amount")
	for _, tc := range []struct {
		name  string
		above []Above
		want  string
	}{
		{"discrete column", []Above{{Column: city, Over: []int{lo}}}, "not an integer or float"},
		{"twice", []Above{{Column: hi, Over: []int{lo}}, {Column: hi, Over: []int{amount}}}, "comes twice"},
		{"over itself", []Above{{Column: hi, Over: []int{hi}}}, "not another numeric column"},
		{"over nothing", []Above{{Column: hi}}, "above no column"},
		{"over a discrete column", []Above{{Column: hi, Over: []int{city}}}, "not another numeric column"},
		{"cycle", []Above{{Column: hi, Over: []int{lo}}, {Column: lo, Over: []int{hi}}}, "cycle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := reencode(t, m)
			c.Forest.Above = tc.above
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestCDFTable checks G against the quantile function it inverts: Q(u) >=
// x wherever u >= G(x), also where Q is not monotone, and G(Q(u)) is
// within a knot of u where it is.
func TestCDFTable(t *testing.T) {
	m := fitExample(t, ModelTypeForest, 1000)
	margs := marginals(m)
	for j, mg := range margs {
		if mg == nil || len(m.Columns[j].Atoms) > 0 {
			continue
		}
		g := newCDFTable(mg)
		for u := 0.001; u < 1; u += 0.0123 {
			x := mg.quantile(u)
			if back := g.at(x); back > u+1.0/cdfKnots && u > 0.05 && u < 0.95 {
				t.Errorf("column %q: G(Q(%v)) = %v", m.Columns[j].Name, u, back)
			}
			for _, v := range []float64{g.at(x), g.at(x) + 1e-6, (g.at(x) + 1) / 2} {
				if y := mg.quantile(min(v, 1-0x1p-53)); y < x-1e-9*(1+math.Abs(x)) {
					t.Errorf("column %q: Q(%v) = %v, below x = %v with G(x) = %v", m.Columns[j].Name, v, y, x, g.at(x))
				}
			}
		}
	}
}
