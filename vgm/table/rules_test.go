package table

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// weatherSummary is a table whose rows all hold lo <= hi (with lo printed
// to one decimal and hi to two), total = part + rest, city -> state, a
// positive amount and a one-hot pair.
func weatherSummary(t testing.TB, n int) *Summary {
	t.Helper()
	cols := []string{"lo", "hi", "city", "state", "part", "rest", "total", "amount", "is_a", "is_b"}
	s := NewSummary(cols, n, 1)
	r := rng.New(3, 0)
	cities := []string{"Seattle", "Tacoma", "Portland", "Salem", "Boise"}
	states := []string{"WA", "WA", "OR", "OR", "ID"}
	for i := 0; i < n; i++ {
		lo := 10 + 5*r.NormFloat64()
		hi := lo + math.Abs(3*r.NormFloat64()) // close: a copula breaks it now and then
		k := r.Intn(len(cities))
		part, rest := float64(r.Intn(1000))/100, float64(r.Intn(500))/10
		a := r.Intn(2)
		row := []string{
			strconv.FormatFloat(math.Floor(lo*10)/10, 'f', 1, 64),
			strconv.FormatFloat(math.Ceil(hi*100)/100, 'f', 2, 64),
			cities[k], states[k],
			strconv.FormatFloat(part, 'f', 2, 64), strconv.FormatFloat(rest, 'f', 1, 64),
			strconv.FormatFloat(part+rest, 'f', 2, 64),
			strconv.FormatFloat(0.01+math.Abs(20*r.NormFloat64()), 'f', 2, 64),
			strconv.Itoa(a), strconv.Itoa(1 - a),
		}
		if err := s.Add("w.csv", int64(i), int64(i+2), row); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// generatedColumns generates n rows and reads them back as the realism
// check does: from their text, parsed with the model's formats.
func generatedColumns(t testing.TB, m *Model, seed uint64, n int) []rules.Column {
	t.Helper()
	g, err := NewGenerator(m)
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]rules.Column, len(m.Columns))
	for j, c := range m.Columns {
		cols[j] = rules.Column{Name: c.Name, Kind: rules.Discrete}
		if c.Kind.Numeric() {
			cols[j].Kind = rules.Number
		}
	}
	b := g.NewBlock()
	for block := int64(0); block*BlockSize < int64(n); block++ {
		rows := min(BlockSize, n-int(block)*BlockSize)
		g.Fill(b, seed, block, rows)
		for j, c := range m.Columns {
			for i := 0; i < rows; i++ {
				v := string(g.AppendText(nil, b, j, i))
				cols[j].Text = append(cols[j].Text, v)
				x := math.NaN()
				if c.Kind.Numeric() && v != "" {
					x, _ = ParseValue(c.Kind, c.Format, v)
				}
				cols[j].Num = append(cols[j].Num, x)
			}
		}
	}
	return cols
}

var declared = RuleOptions{Constraints: []rules.Rule{
	{Type: rules.Positive, Columns: []string{"amount"}},
	{Type: rules.OneHot, Columns: []string{"is_a", "is_b"}},
	{Type: rules.Combinations, Columns: []string{"city", "state"}},
}}

func TestRulesMinedAndKept(t *testing.T) {
	s := weatherSummary(t, 2000)
	for _, mt := range []string{ModelTypeNetwork, ModelTypeIndependent} {
		t.Run(mt, func(t *testing.T) {
			m, err := Fit(s, FitOptions{VGM: vgm.DefaultConfig(), ModelType: mt, Rules: declared})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range m.Rules {
				got = append(got, r.String())
			}
			for _, want := range []string{"lo <= hi", "city -> state", "total = part + rest", "amount > 0", "one_hot(is_a, is_b)", "combinations(city, state)"} {
				if !slices.Contains(got, want) {
					t.Errorf("rules %q lack %q", got, want)
				}
			}
			cols := generatedColumns(t, m, 7, 3*BlockSize+100)
			for _, r := range m.Rules {
				if broken, checked := r.Violations(cols); broken > 0 || checked == 0 {
					t.Errorf("%s: broken in %d of %d generated rows", r.String(), broken, checked)
				}
			}
			// Without the rules, the same model breaks some of them: the
			// repair is what keeps them.
			bare := *m
			bare.Rules = nil
			cols = generatedColumns(t, &bare, 7, BlockSize)
			if b, _ := (&rules.Rule{Type: rules.Sum, Columns: []string{"total", "part", "rest"}}).Violations(cols); b == 0 {
				t.Error("the sum holds without its rule: the test proves nothing")
			}
		})
	}
}

// TestRulesKeepMarginals checks that keeping the rules moves no numeric
// column's mean: the forest models a column an order rule keeps above
// another by its position above it, so that its rows hold the rule as
// drawn; the network's rows are repaired.
func TestRulesKeepMarginals(t *testing.T) {
	s := weatherSummary(t, 2000)
	for _, mt := range []string{ModelTypeNetwork, ModelTypeForest} {
		t.Run(mt, func(t *testing.T) {
			m, err := Fit(s, FitOptions{VGM: vgm.DefaultConfig(), ModelType: mt})
			if err != nil {
				t.Fatal(err)
			}
			bare := *m
			bare.Rules = nil
			with, without := generatedColumns(t, m, 5, 2*BlockSize), generatedColumns(t, &bare, 5, 2*BlockSize)
			for j, c := range m.Columns {
				if !c.Kind.Numeric() {
					continue
				}
				mean := func(x []float64) float64 {
					s := 0.0
					for _, v := range x {
						s += v
					}
					return s / float64(len(x))
				}
				a, b := mean(with[j].Num), mean(without[j].Num)
				if math.Abs(a-b) > 0.05*(1+math.Abs(b)) {
					t.Errorf("%s: mean %.3f with rules, %.3f without", c.Name, a, b)
				}
			}
		})
	}
}

func TestRulesDeterministicPrefix(t *testing.T) {
	m, err := Fit(weatherSummary(t, 1000), FitOptions{VGM: vgm.DefaultConfig(), Rules: declared})
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGenerator(m)
	if err != nil {
		t.Fatal(err)
	}
	full, part := g.NewBlock(), g.NewBlock()
	g.Fill(full, 9, 3, BlockSize)
	g.Fill(part, 9, 3, 777)
	for j := range m.Columns {
		for i := 0; i < 777; i++ {
			if a, b := g.AppendText(nil, full, j, i), g.AppendText(nil, part, j, i); string(a) != string(b) {
				t.Fatalf("column %d row %d: %s in the full block, %s in the prefix", j, i, a, b)
			}
		}
	}
}

func TestRulesOptions(t *testing.T) {
	s := weatherSummary(t, 500)
	tests := []struct {
		name    string
		opt     RuleOptions
		want    []string
		without []string
		err     string
	}{
		{"off", RuleOptions{NoMined: true}, nil, []string{"lo <= hi"}, ""},
		{"drop one", RuleOptions{Drop: []string{"lo <= hi"}}, []string{"city -> state"}, []string{"lo <= hi"}, ""},
		{"range", RuleOptions{NoMined: true, Constraints: []rules.Rule{{Type: rules.Order, Columns: []string{"part", "rest"}}}}, []string{"part <= rest"}, nil, ""},
		{"not a number", RuleOptions{Constraints: []rules.Rule{{Type: rules.Order, Columns: []string{"lo", "city"}}}}, nil, nil, "two numeric columns"},
		{"cycle", RuleOptions{Constraints: []rules.Rule{{Type: rules.Order, Columns: []string{"hi", "lo"}}, {Type: rules.Order, Columns: []string{"lo", "hi"}}}}, nil, nil, "cycle"},
		{"unknown column", RuleOptions{Constraints: []rules.Rule{{Type: rules.Positive, Columns: []string{"price"}}}}, nil, nil, `no column "price"`},
		{"one_hot of text", RuleOptions{Constraints: []rules.Rule{{Type: rules.OneHot, Columns: []string{"city", "state"}}}}, nil, nil, "no values 1 and 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Fit(s, FitOptions{VGM: vgm.DefaultConfig(), Rules: tc.opt})
			if testutil.CheckError(t, err, tc.err) {
				return
			}
			text := m.RulesText()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("rules\n%s lack %q", text, w)
				}
			}
			for _, w := range tc.without {
				if strings.Contains(text, w) {
					t.Errorf("rules\n%s hold %q", text, w)
				}
			}
		})
	}
}

func TestValidateRules(t *testing.T) {
	m, err := Fit(weatherSummary(t, 500), FitOptions{VGM: vgm.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	fd := rules.Rule{Type: rules.FD, Columns: []string{"city", "state"}, Keys: []string{"Seattle"}, Values: []string{"NV"}}
	tests := []struct {
		name string
		rs   []rules.Rule
		err  string
	}{
		{"fd to a value never generated", []rules.Rule{fd}, `"NV"`},
		{"unknown type", []rules.Rule{{Type: "between", Columns: []string{"lo", "hi"}}}, "unknown rule type"},
		{"too many", slices.Repeat([]rules.Rule{{Type: rules.Positive, Columns: []string{"amount"}}}, MaxRules+1), "at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := *m
			bad.Rules = tc.rs
			data, err := bad.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := DecodeModel(data); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("DecodeModel: %v, want an error saying %s", err, tc.err)
			}
		})
	}
	data, _ := m.Encode()
	back, err := DecodeModel(data)
	if err != nil || fmt.Sprint(back.Rules) != fmt.Sprint(m.Rules) {
		t.Errorf("round trip: %v, rules %v, want %v", err, back.Rules, m.Rules)
	}
}

// benchFill times the generation of whole blocks from m.
func benchFill(b *testing.B, m *Model) {
	g, err := NewGenerator(m)
	if err != nil {
		b.Fatal(err)
	}
	blk := g.NewBlock()
	b.SetBytes(BlockSize)
	for i := 0; i < b.N; i++ {
		g.Fill(blk, 1, int64(i), BlockSize)
	}
}

// BenchmarkFillRules measures the cost of keeping the rules: the same
// model generating blocks with and without them.
func BenchmarkFillRules(b *testing.B) {
	m, err := Fit(weatherSummary(b, 2000), FitOptions{VGM: vgm.DefaultConfig()})
	if err != nil {
		b.Fatal(err)
	}
	bare := *m
	bare.Rules = nil
	for _, tc := range []struct {
		name string
		m    *Model
	}{{"rules", m}, {"none", &bare}} {
		b.Run(tc.name, func(b *testing.B) { benchFill(b, tc.m) })
	}
}
