package quality

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func numCol(name string, v ...float64) Column { return Column{Name: name, Kind: Numeric, Num: v} }

// catCol builds a Categorical column; "" is null.
func catCol(name string, v ...string) Column {
	c := Column{Name: name, Kind: Categorical, Cat: v, Null: make([]bool, len(v))}
	for i, x := range v {
		c.Null[i] = x == ""
	}
	return c
}

func table(cols ...Column) Table { return Table{Columns: cols} }

func TestEvaluateErrors(t *testing.T) {
	good := table(numCol("x", 1, 2), catCol("c", "a", "b"))
	tests := []struct {
		name      string
		real, syn Table
		is        error
		mention   string
	}{
		{"real without columns", Table{}, good, ErrEmptyTable, "real"},
		{"synthetic without columns", good, Table{}, ErrEmptyTable, "synthetic"},
		{"real without rows", table(numCol("x"), catCol("c")), good, ErrEmptyTable, "real"},
		{"synthetic without rows", good, table(numCol("x"), catCol("c")), ErrEmptyTable, "synthetic"},
		{"column missing from synthetic", good, table(numCol("x", 1)), ErrColumnMismatch, `"c"`},
		{"extra synthetic column", good, table(numCol("x", 1), catCol("c", "a"), numCol("extra", 1)), ErrColumnMismatch, `"extra"`},
		{"renamed column", good, table(numCol("x", 1), catCol("C", "a")), ErrColumnMismatch, `"c"`},
		{"kind differs", good, table(numCol("x", 1), numCol("c", 1)), ErrColumnMismatch, `"c"`},
		{"unequal lengths", table(numCol("x", 1, 2), catCol("c", "a")), good, ErrInvalidColumn, `"c"`},
		{"null flags too short", good, table(numCol("x", 1), Column{Name: "c", Kind: Categorical, Cat: []string{"a"}, Null: []bool{}}),
			ErrInvalidColumn, `"c"`},
		{"duplicate name", table(numCol("x", 1), numCol("x", 2)), good, ErrInvalidColumn, `"x"`},
		{"no name", table(numCol("", 1)), good, ErrInvalidColumn, "column 0"},
		{"unknown kind", good, table(numCol("x", 1), Column{Name: "c", Kind: Kind(9), Cat: []string{"a"}}), ErrInvalidColumn, `"c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Evaluate(tt.real, tt.syn, Options{})
			if err == nil {
				t.Fatalf("Evaluate succeeded with report %+v", rep)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %s", err, tt.mention)
			}
		})
	}
}

// correlated returns a table of n rows whose columns depend on each other
// (y ≈ 2x, a datetime increasing with x, a category and a boolean decided by
// x) plus an independent column z, with some nulls in every kind of column
// when withNulls is set.
func correlated(n int, seed uint64, withNulls bool) Table {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n)
	y := make([]float64, n)
	ts := make([]float64, n)
	cat := make([]string, n)
	catNull := make([]bool, n)
	flag := make([]string, n)
	z := make([]float64, n)
	for i := range n {
		z[i] = rng.ExpFloat64()
		x[i] = rng.NormFloat64()
		y[i] = 2*x[i] + 0.3*rng.NormFloat64()
		ts[i] = 1.7e9 + 86400*(x[i]+0.5*rng.NormFloat64())
		switch {
		case x[i] < -0.5:
			cat[i] = "low"
		case x[i] < 0.5:
			cat[i] = "mid"
		default:
			cat[i] = "high"
		}
		if rng.Float64() < 0.1 {
			cat[i] = []string{"low", "mid", "high"}[rng.IntN(3)]
		}
		flag[i] = "false"
		if y[i] > 0 {
			flag[i] = "true"
		}
		if withNulls && i%17 == 3 {
			x[i] = math.NaN()
			catNull[i] = true
			cat[i] = ""
		}
		if withNulls && i%23 == 5 {
			ts[i] = math.NaN()
		}
	}
	return mixedTable(x, y, ts, cat, catNull, flag, Column{Name: "z", Kind: Numeric, Num: z})
}

// mixedTable is the layout of the test tables: numbers x and y, datetime
// ts, category cat (null where catNull) and boolean flag, then more.
func mixedTable(x, y, ts []float64, cat []string, catNull []bool, flag []string, more ...Column) Table {
	return Table{Columns: append([]Column{
		{Name: "x", Kind: Numeric, Num: x},
		{Name: "y", Kind: Numeric, Num: y},
		{Name: "ts", Kind: Datetime, Num: ts},
		{Name: "cat", Kind: Categorical, Cat: cat, Null: catNull},
		{Name: "flag", Kind: Boolean, Cat: flag},
	}, more...)}
}

// shuffled returns t with every column permuted independently, which keeps
// each column's distribution and breaks every pair's dependence.
func shuffled(t Table, seed uint64) Table {
	rng := rand.New(rand.NewPCG(seed, 11))
	out := Table{Columns: make([]Column, len(t.Columns))}
	for ci, c := range t.Columns {
		perm := rng.Perm(t.Len())
		out.Columns[ci] = c
		out.Columns[ci].Num, out.Columns[ci].Cat, out.Columns[ci].Null = nil, nil, nil
		for _, p := range perm {
			if c.Kind.continuous() {
				out.Columns[ci].Num = append(out.Columns[ci].Num, c.Num[p])
				continue
			}
			out.Columns[ci].Cat = append(out.Columns[ci].Cat, c.Cat[p])
			if c.Null != nil {
				out.Columns[ci].Null = append(out.Columns[ci].Null, c.Null[p])
			}
		}
	}
	return out
}

func TestEvaluateIdentical(t *testing.T) {
	for _, withNulls := range []bool{false, true} {
		real := correlated(2000, 1, withNulls)
		rep, err := Evaluate(real, real, Options{Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if !near(rep.Score, 1) || !near(rep.ColumnShapes, 1) || !near(rep.ColumnPairTrends, 1) || !near(rep.ScoreAllPairs, 1) {
			t.Errorf("nulls %v: scores %v, %v, %v, %v; want 1", withNulls,
				rep.Score, rep.ColumnShapes, rep.ColumnPairTrends, rep.ScoreAllPairs)
		}
		if len(rep.Columns) != 6 || len(rep.Pairs) != 15 {
			t.Errorf("nulls %v: %d columns and %d pairs, want 6 and 15", withNulls, len(rep.Columns), len(rep.Pairs))
		}
		for _, p := range rep.Pairs {
			if !near(p.Score, 1) || !near(p.RealTrend, p.SyntheticTrend) {
				t.Errorf("nulls %v: pair %+v: want score 1 and equal trends", withNulls, p)
			}
		}
		if rep.Privacy.ExactCopies != 2000 || rep.Privacy.ExactCopyRate != 1 {
			t.Errorf("nulls %v: %d exact copies (rate %v), want 2000 (1)", withNulls,
				rep.Privacy.ExactCopies, rep.Privacy.ExactCopyRate)
		}
	}
}

func TestEvaluateShuffledLosesPairTrends(t *testing.T) {
	real := correlated(3000, 1, true)
	syn := shuffled(real, 2)
	rep, err := Evaluate(real, syn, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !near(rep.ColumnShapes, 1) {
		t.Errorf("ColumnShapes = %v, want 1: shuffling keeps every column's distribution", rep.ColumnShapes)
	}
	if !rep.HasColumnPairTrends || rep.TrendPairs < 5 || rep.TrendPairs == len(rep.Pairs) {
		t.Fatalf("HasColumnPairTrends %v with %d trend pairs; the real columns are strongly related",
			rep.HasColumnPairTrends, rep.TrendPairs)
	}
	if rep.ColumnPairTrends > 0.8 {
		t.Errorf("ColumnPairTrends = %v for independent columns, want < 0.8", rep.ColumnPairTrends)
	}
	if rep.ColumnPairTrends >= rep.ColumnPairTrendsAllPairs {
		t.Errorf("ColumnPairTrends %v >= all-pairs %v; pairs without a trend should pull the all-pairs variant up",
			rep.ColumnPairTrends, rep.ColumnPairTrendsAllPairs)
	}
	if rep.Score >= 0.9 || rep.Score != (rep.ColumnShapes+rep.ColumnPairTrends)/2 {
		t.Errorf("Score = %v, want the mean of %v and %v", rep.Score, rep.ColumnShapes, rep.ColumnPairTrends)
	}
	if rep.Privacy.ExactCopyRate > 0.01 {
		t.Errorf("ExactCopyRate = %v for shuffled columns", rep.Privacy.ExactCopyRate)
	}
}

// rhoPair returns x and y with Pearson correlation exactly rho over four
// rows: x = u, y = rho·u + √(1 − rho²)·v for orthonormal, centred u and v.
func rhoPair(rho float64) (x, y []float64) {
	u := []float64{0.5, 0.5, -0.5, -0.5}
	v := []float64{0.5, -0.5, 0.5, -0.5}
	s := math.Sqrt(1 - rho*rho)
	y = make([]float64, 4)
	for i := range y {
		y[i] = rho*u[i] + s*v[i]
	}
	return u, y
}

// assoc returns two category columns whose 2×2 table is [[d, o], [o, d]].
func assoc(d, o int) (a, b []string) {
	add := func(x, y string, n int) {
		for range n {
			a, b = append(a, x), append(b, y)
		}
	}
	add("p", "s", d)
	add("p", "t", o)
	add("q", "s", o)
	add("q", "t", d)
	return a, b
}

func TestTrendFilter(t *testing.T) {
	// Synthetic y is v: uncorrelated with x.
	synX, synY := rhoPair(0)
	type pair struct{ real, syn Table }
	numeric := func(rho float64) pair {
		x, y := rhoPair(rho)
		return pair{table(numCol("x", x...), numCol("y", y...)), table(numCol("x", synX...), numCol("y", synY...))}
	}
	categorical := func(d, o int) pair {
		a, b := assoc(d, o)
		sa, sb := assoc(20, 20) // independent: V = 0
		return pair{table(catCol("a", a...), catCol("b", b...)), table(catCol("a", sa...), catCol("b", sb...))}
	}
	tests := []struct {
		name      string
		data      pair
		trend     float64 // RealTrend
		counted   bool
		pairScore float64
	}{
		{"r = 0.6 counted", numeric(0.6), 0.6, true, 1 - 0.6/2},
		{"r = -0.6 counted", numeric(-0.6), 0.6, true, 1 - 0.6/2},
		{"r = 0.4 not counted", numeric(0.4), 0.4, false, 1 - 0.4/2},
		{"r = 0.5 not counted", numeric(0.5), 0.5, false, 1 - 0.5/2},
		// [[30 10] [10 30]]: V = 0.5; cells .375/.125 vs .25: Σ|Δ| = .5.
		{"V = 0.5 counted", categorical(30, 10), 0.5, true, 0.75},
		// [[25 15] [15 25]]: χ²/n = 4·25/20/80, V = 0.25.
		{"V = 0.25 not counted", categorical(25, 15), 0.25, false, 1 - 0.5*4*(25.0/80-0.25)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Evaluate(tt.data.real, tt.data.syn, Options{})
			if err != nil {
				t.Fatal(err)
			}
			p := rep.Pairs[0]
			if math.Abs(p.RealTrend-tt.trend) > 1e-9 || p.Trend != tt.counted || math.Abs(p.Score-tt.pairScore) > 1e-9 {
				t.Errorf("pair = %+v, want real trend %v, counted %v, score %v", p, tt.trend, tt.counted, tt.pairScore)
			}
			if rep.HasColumnPairTrends != tt.counted {
				t.Errorf("HasColumnPairTrends = %v, want %v", rep.HasColumnPairTrends, tt.counted)
			}
			wantAll := (rep.ColumnShapes + p.Score) / 2
			if math.Abs(rep.ScoreAllPairs-wantAll) > 1e-12 || rep.ColumnPairTrendsAllPairs != p.Score {
				t.Errorf("ScoreAllPairs = %v, want %v", rep.ScoreAllPairs, wantAll)
			}
			if tt.counted {
				if rep.ColumnPairTrends != p.Score || rep.TrendPairs != 1 || math.Abs(rep.Score-wantAll) > 1e-12 {
					t.Errorf("Score = %v, ColumnPairTrends = %v (%d pairs); want %v, %v (1)",
						rep.Score, rep.ColumnPairTrends, rep.TrendPairs, wantAll, p.Score)
				}
			} else if !math.IsNaN(rep.ColumnPairTrends) || rep.TrendPairs != 0 || rep.Score != rep.ColumnShapes {
				t.Errorf("Score = %v, ColumnPairTrends = %v (%d pairs); want Column Shapes %v and NaN (0)",
					rep.Score, rep.ColumnPairTrends, rep.TrendPairs, rep.ColumnShapes)
			}
		})
	}
}

func TestOverallScore(t *testing.T) {
	x6, y6 := rhoPair(0.6)
	x0, y0 := rhoPair(0)
	tests := []struct {
		name                  string
		real, syn             Table
		score, shapes, trends float64
		allPairs              float64
	}{
		// One column: no pairs at all.
		{"single column", table(catCol("c", "a", "a", "b", "c")), table(catCol("c", "a", "b", "b", "d")),
			0.5, 0.5, nan, 0.5},
		// Shapes: x identical (1); y: {−.7, −.1, .1, .7} against
		// {−.5, −.5, .5, .5}, D = 1/4 (e.g. at −.5: 1/4 vs 1/2), so 0.75;
		// mean 0.875. The pair: real r .6, synthetic r 0, score 0.7.
		{"qualifying pair", table(numCol("x", x6...), numCol("y", y6...)), table(numCol("x", x0...), numCol("y", y0...)),
			(0.875 + 0.7) / 2, 0.875, 0.7, (0.875 + 0.7) / 2},
		// The same shapes and pair score, but the real correlation is 0: no
		// trend, so the overall score is the Column Shapes score.
		{"no qualifying pair", table(numCol("x", x0...), numCol("y", y0...)), table(numCol("x", x0...), numCol("y", y6...)),
			0.875, 0.875, nan, (0.875 + 0.7) / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Evaluate(tt.real, tt.syn, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !near(rep.Score, tt.score) || !near(rep.ColumnShapes, tt.shapes) ||
				!near(rep.ColumnPairTrends, tt.trends) || !near(rep.ScoreAllPairs, tt.allPairs) {
				t.Errorf("score %v shapes %v trends %v all pairs %v; want %v %v %v %v",
					rep.Score, rep.ColumnShapes, rep.ColumnPairTrends, rep.ScoreAllPairs,
					tt.score, tt.shapes, tt.trends, tt.allPairs)
			}
			if rep.HasColumnPairTrends == math.IsNaN(tt.trends) {
				t.Errorf("HasColumnPairTrends = %v with ColumnPairTrends %v", rep.HasColumnPairTrends, rep.ColumnPairTrends)
			}
		})
	}
}

func TestEvaluateNulls(t *testing.T) {
	// Nulls are dropped from shapes and correlations but are a category of
	// their own in contingency tables.
	real := table(
		numCol("x", 1, 2, nan, 3),
		numCol("y", 2, 4, 5, 6),
		catCol("c", "a", "", "a", ""),
		catCol("d", "x", "x", "y", "y"),
	)
	syn := table(
		numCol("x", 1, nan, 2, 3, 7),
		numCol("y", 1, 9, 3, 2, nan),
		catCol("c", "a", "a", "a", "", ""),
		catCol("d", "x", "x", "y", "y", "y"),
	)
	rep, err := Evaluate(real, syn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		// Non-null x: {1,2,3} vs {1,2,3,7}: D = 1/4.
		"x": 0.75,
		// y: {2,4,5,6} vs {1,2,3,9}: at 3, F 1/4 vs 3/4.
		"y": 0.5,
		// c: a only on both sides.
		"c": 1,
		// d: x .5 y .5 vs x .4 y .6.
		"d": 0.9,
	}
	for _, c := range rep.Columns {
		if !near(c.Score, want[c.Name]) {
			t.Errorf("column %s: score %v, want %v", c.Name, c.Score, want[c.Name])
		}
	}
	pairs := map[[2]string]float64{
		// Complete rows: real (1,2) (2,4) (3,6): r 1; synthetic (1,1) (2,3) (3,2): r .5.
		{"x", "y"}: 0.75,
		// c, d: real (a,x) (∅,x) (a,y) (∅,y) .25 each; synthetic (a,x) .4,
		// (a,y) .2, (∅,y) .4: Σ|Δ| = .15 + .25 + .05 + .15.
		{"c", "d"}: 1 - 0.6/2,
	}
	for _, p := range rep.Pairs {
		if w, ok := pairs[[2]string{p.A, p.B}]; ok && !near(p.Score, w) {
			t.Errorf("pair %s, %s: score %v, want %v", p.A, p.B, p.Score, w)
		}
	}
}

func TestEvaluateSamplingAndDeterminism(t *testing.T) {
	real := correlated(5000, 1, true)
	syn := correlated(4000, 2, true)
	opt := Options{MaxRows: 1500, Seed: 42, PrivacyRows: 300}
	a, err := Evaluate(real, syn, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.RealRows != 5000 || a.SyntheticRows != 4000 || a.RealRowsScored != 1500 || a.SyntheticRowsScored != 1500 {
		t.Errorf("rows %d/%d scored %d/%d; want 5000/4000 scored 1500/1500",
			a.RealRows, a.SyntheticRows, a.RealRowsScored, a.SyntheticRowsScored)
	}
	if a.Privacy.DCRReferenceRows != 300 || a.Privacy.DCRSyntheticRows != 300 || a.Privacy.DCRHoldoutRows != 300 {
		t.Errorf("DCR rows %d/%d/%d, want 300 each", a.Privacy.DCRReferenceRows,
			a.Privacy.DCRSyntheticRows, a.Privacy.DCRHoldoutRows)
	}
	// Same seed, synthetic columns in another order: the same report.
	rev := Table{Columns: make([]Column, len(syn.Columns))}
	for i, c := range syn.Columns {
		rev.Columns[len(syn.Columns)-1-i] = c
	}
	b, err := Evaluate(real, rev, opt)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("reports differ for the same seed:\n%s\n%s", ja, jb)
	}
	all, err := Evaluate(real, syn, Options{MaxRows: -1, PrivacyRows: -1})
	if err != nil {
		t.Fatal(err)
	}
	if all.RealRowsScored != 5000 || all.SyntheticRowsScored != 4000 {
		t.Errorf("MaxRows −1 scored %d/%d rows, want all", all.RealRowsScored, all.SyntheticRowsScored)
	}
	if !math.IsNaN(all.Privacy.DCRSynthetic) || all.Privacy.DCRSyntheticRows != 0 {
		t.Errorf("PrivacyRows −1 still measured DCR: %+v", all.Privacy)
	}
	// Two samples of one distribution score high but not perfectly.
	if all.Score < 0.85 || all.Score >= 1 {
		t.Errorf("Score = %v for two samples of one distribution", all.Score)
	}
}
