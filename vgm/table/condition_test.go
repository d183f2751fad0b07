package table

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseCondition(t *testing.T) {
	tests := []struct {
		in   string
		want Condition
		err  string
	}{
		{"weather=rain", Condition{"weather", "=", "rain"}, ""},
		{"temp_max>=20", Condition{"temp_max", ">=", "20"}, ""},
		{" temp_max <= 20.5 ", Condition{"temp_max", "<=", "20.5"}, ""},
		{"date<2014-01-01", Condition{"date", "<", "2014-01-01"}, ""},
		{"wind>3", Condition{"wind", ">", "3"}, ""},
		{"weather!=sun", Condition{"weather", "!=", "sun"}, ""},
		{"note=", Condition{"note", "=", ""}, ""},
		{"weather", Condition{}, "is not a condition"},
		{"=rain", Condition{}, "names no column"},
		{"temp_max=>20", Condition{}, "unknown operator"},
		{"temp_max==20", Condition{}, "unknown operator"},
		{"weather!rain", Condition{}, "unknown operator"},
	}
	for _, tc := range tests {
		got, err := ParseCondition(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseCondition(%q) = %v, %v; want an error saying %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseCondition(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if again, _ := ParseCondition(got.String()); again != got {
			t.Errorf("ParseCondition(%q.String()) = %v", tc.in, again)
		}
	}
}

func where(t *testing.T, texts ...string) []Condition {
	t.Helper()
	var cs []Condition
	for _, s := range texts {
		c, err := ParseCondition(s)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

func TestConditionErrors(t *testing.T) {
	m := fitExample(t, ModelTypeNetwork, 1461)
	tests := []struct {
		name         string
		conds        []Conditional
		group, index int
		err          string
	}{
		{"unknown column", []Conditional{{Where: where(t, "weather=rain", "cloud=low")}}, 0, 1, `no column "cloud" (columns: date, precipitation`},
		{"order on a category", []Conditional{{Where: where(t, "weather>rain")}}, 0, 0, "only = and != apply"},
		{"unknown category", []Conditional{{Where: where(t, "weather=hail")}}, 0, 0, `no value "hail" (values the model generates: "rain", "sun"`},
		{"not a number", []Conditional{{Where: where(t, "temp_max>=warm")}}, 0, 0, `"warm" is not a number`},
		{"not a date", []Conditional{{Where: where(t, "date<=June")}}, 0, 0, `"June" is not a date or time in the column's layout "2006-01-02"`},
		{"more decimals than printed", []Conditional{{Where: where(t, "temp_max=20.25")}}, 0, 0, "prints 1 decimals: it never holds 20.25"},
		{"unknown operator", []Conditional{{Where: []Condition{{"weather", "~", "rain"}}}}, 0, 0, `unknown operator "~"`},
		{"negative count", []Conditional{{Where: where(t, "weather=rain"), Rows: -1}}, 0, -1, "negative row count"},
		{"never met", []Conditional{{Where: where(t, "weather=sun"), Rows: 5}, {Where: where(t, "temp_max>40")}}, 1, -1, "0 of 65536 rows drawn from the model meet it"},
		{"too rare together", []Conditional{{Where: where(t, "weather=drizzle", "precipitation>=20")}}, 0, -1, "2 of 65536 rows drawn from the model meet it: its probability is below 0.0001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := *m
			c.Conditions = tc.conds
			_, err := NewGenerator(&c)
			var ce *ConditionError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want a ConditionError saying %q", err, tc.err)
			}
			if ce.Group != tc.group || ce.Index != tc.index {
				t.Errorf("error at group %d index %d, want %d, %d", ce.Group, ce.Index, tc.group, tc.index)
			}
		})
	}
}

// conditionalRows generates rows [0, n) of m with conds (nil: none), block
// by block.
func conditionalRows(t *testing.T, m *Model, conds []Conditional, seed uint64, n int64) (*Generator, []*Block) {
	t.Helper()
	c := *m
	c.Conditions = conds
	g, err := NewGenerator(&c)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []*Block
	for start := int64(0); start < n; start += BlockSize {
		b := g.NewBlock()
		g.Fill(b, seed, start/BlockSize, int(min(BlockSize, n-start)))
		blocks = append(blocks, b)
	}
	return g, blocks
}

// printed is row i of column name as it prints.
func printed(g *Generator, b *Block, name string, i int) string {
	return string(g.AppendText(nil, b, g.Model.columnIndex(name), i))
}

func TestConditionalRowsMeetConditions(t *testing.T) {
	tests := []struct {
		model string
		where []string
		check func(weather string, tmax, date float64) bool
	}{
		{ModelTypeNetwork, []string{"weather=rain"}, func(w string, _, _ float64) bool { return w == "rain" }},
		{ModelTypeNetwork, []string{"temp_max>=20"}, func(_ string, x, _ float64) bool { return x >= 20 }},
		{ModelTypeNetwork, []string{"weather=sun", "temp_max<10", "date>=2014-01-01"}, func(w string, x, d float64) bool { return w == "sun" && x < 10 && d >= 1388534400 }},
		{ModelTypeNetwork, []string{"weather!=sun", "temp_max=15.6"}, func(w string, x, _ float64) bool { return w != "sun" && x == 15.6 }},
		{ModelTypeForest, []string{"weather=rain", "temp_max>20"}, func(w string, x, _ float64) bool { return w == "rain" && x > 20 }},
		{ModelTypeCopula, []string{"weather=fog"}, func(w string, _, _ float64) bool { return w == "fog" }},
		{ModelTypeIndependent, []string{"temp_max<=5"}, func(_ string, x, _ float64) bool { return x <= 5 }},
	}
	models := map[string]*Model{}
	for _, tc := range tests {
		t.Run(tc.model+" "+strings.Join(tc.where, " "), func(t *testing.T) {
			if models[tc.model] == nil {
				models[tc.model] = fitExample(t, tc.model, 1461)
			}
			g, blocks := conditionalRows(t, models[tc.model], []Conditional{{Where: where(t, tc.where...)}}, 5, 3000)
			for _, b := range blocks {
				for i := 0; i < b.N; i++ {
					tmax, err := ParseValue(Float, Format{Decimals: 1}, printed(g, b, "temp_max", i))
					if err != nil {
						t.Fatal(err)
					}
					date, err := ParseValue(Datetime, Format{Layout: "2006-01-02"}, printed(g, b, "date", i))
					if err != nil {
						t.Fatal(err)
					}
					if w := printed(g, b, "weather", i); !tc.check(w, tmax, date) {
						t.Fatalf("row %d: weather %s, temp_max %g, date %s: does not meet %v", b.Start+int64(i), w, tmax, printed(g, b, "date", i), tc.where)
					}
				}
			}
		})
	}
}

// TestConditionalDistribution checks that conditioned rows follow the
// model's conditional distribution: the same as the unconditioned rows
// that happen to meet the condition. Conditions on the network's node
// (weather) draw its parents by their probability given the condition.
func TestConditionalDistribution(t *testing.T) {
	m := fitExample(t, ModelTypeNetwork, 1461)
	_, plain := conditionalRows(t, m, nil, 1, 8*BlockSize)
	mean := func(blocks []*Block, col int, keep func(b *Block, i int) bool) float64 {
		s, n := 0.0, 0
		for _, b := range blocks {
			for i := 0; i < b.N; i++ {
				if keep(b, i) {
					s += b.Cols[col].Num[i]
					n++
				}
			}
		}
		return s / float64(n)
	}
	for _, weather := range []string{"rain", "fog", "snow"} {
		_, cond := conditionalRows(t, m, []Conditional{{Where: where(t, "weather="+weather)}}, 2, 2*BlockSize)
		k := int32(slices.IndexFunc(m.Columns[5].Categories, func(c Category) bool { return c.Value == weather }))
		for col := 1; col <= 4; col++ {
			want := mean(plain, col, func(b *Block, i int) bool { return b.Cols[5].Cat[i] == k })
			got := mean(cond, col, func(*Block, int) bool { return true })
			if math.Abs(got-want) > 0.05*math.Abs(want)+0.15 {
				t.Errorf("weather=%s: %s: mean %.3f on rows generated as such, %.3f on such rows among all", weather, m.Columns[col].Name, got, want)
			}
		}
	}
}

func TestConditionalCountsAndDeterminism(t *testing.T) {
	m := fitExample(t, ModelTypeNetwork, 1461)
	tests := []struct {
		name   string
		counts []int64 // rain, then sun
	}{
		{"within a block", []int64{300, 700}},
		{"straddling a block", []int64{20000, 30000}},
		{"whole blocks", []int64{BlockSize, BlockSize}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conds := []Conditional{{Where: where(t, "weather=rain"), Rows: tc.counts[0]}, {Where: where(t, "weather=sun"), Rows: tc.counts[1]}}
			total := tc.counts[0] + tc.counts[1]
			g, blocks := conditionalRows(t, m, conds, 3, total)
			counts := map[string]int64{}
			for _, b := range blocks {
				for i := 0; i < b.N; i++ {
					w := printed(g, b, "weather", i)
					counts[w]++
					if want := map[bool]string{true: "rain", false: "sun"}[b.Start+int64(i) < tc.counts[0]]; w != want {
						t.Fatalf("row %d: %s, want %s", b.Start+int64(i), w, want)
					}
				}
			}
			if counts["rain"] != tc.counts[0] || counts["sun"] != tc.counts[1] {
				t.Errorf("counts %v, want rain %d, sun %d", counts, tc.counts[0], tc.counts[1])
			}
			// Any cut of a block (a shard's first or last rows) is a prefix
			// of the full block, including across a change of condition.
			block := tc.counts[0] / BlockSize
			full := blocks[block]
			bd := int(tc.counts[0] - full.Start) // where the condition changes
			for _, n := range []int{1, max(1, bd-1), bd + 1, min(full.N, bd+500), full.N} {
				b := g.NewBlock()
				g.Fill(b, 3, block, n)
				for j := range m.Columns {
					for i := 0; i < n; i++ {
						if a, c := g.AppendText(nil, b, j, i), g.AppendText(nil, full, j, i); string(a) != string(c) {
							t.Fatalf("n=%d column %d row %d: %s, %s in the full block", n, j, i, a, c)
						}
					}
				}
			}
		})
	}
}

func TestSetConditions(t *testing.T) {
	data, err := fitExample(t, ModelTypeNetwork, 500).Encode()
	if err != nil {
		t.Fatal(err)
	}
	out, err := SetConditions(data, []Conditional{{Where: where(t, "weather=rain")}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeModel(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Conditions) != 1 || m.Conditions[0].String() != "weather=rain" {
		t.Errorf("conditions %v, want weather=rain", m.Conditions)
	}
	if _, err := SetConditions(data, []Conditional{{Where: where(t, "weather=hail")}}); err == nil {
		t.Error("an unknown category was accepted")
	}
}
