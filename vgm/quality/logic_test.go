package quality

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestROCAUC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   float64
	}{
		{"perfect", []float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{"reversed", []float64{4, 3, 2, 1}, []bool{false, false, true, true}, 0},
		{"all tied", []float64{1, 1, 1, 1}, []bool{false, true, false, true}, 0.5},
		{"one swap", []float64{1, 2, 3, 4}, []bool{false, true, false, true}, 0.75},
		{"tie across labels", []float64{1, 2, 2, 3}, []bool{false, false, true, true}, 0.875},
		{"one label only", []float64{1, 2}, []bool{true, true}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rocAUC(tt.scores, tt.labels)
			if !(got == tt.want || math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("rocAUC = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEta2(t *testing.T) {
	g := make([]int, 48)
	flat, grouped, mixed := make([]float64, 48), make([]float64, 48), make([]float64, 48)
	for i := range g {
		g[i] = 1 + i%12
		flat[i] = float64(i / 12)              // same mean in every month
		grouped[i] = float64(g[i])             // the month is all there is
		mixed[i] = float64(g[i] + 24*(i/12%2)) // month plus noise
	}
	tests := []struct {
		name string
		x    []float64
		want float64
	}{
		{"no effect", flat, 0},
		{"all effect", grouped, 1},
		{"partial", mixed, 143.0 / (143.0 + 12*144)},
		{"too few rows", grouped[:19], math.NaN()},
		{"constant", make([]float64, 48), math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := eta2(tt.x, g[:len(tt.x)])
			if !(math.Abs(got-tt.want) < 1e-12 || math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("eta2 = %v, want %v", got, tt.want)
			}
		})
	}
}

// seasonalTable returns n daily rows: a date (epoch seconds from 2020),
// a temperature whose mean follows the month when seasonal (and does not
// otherwise), a ring-shaped pair (x, y) on the unit circle when ring (a
// blob of the same spread otherwise), and a category c with c = "hot" when
// the temperature is above 15.
func seasonalTable(n int, seasonal, ring bool, rng *rand.Rand) Table {
	date, temp, x, y := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	c := make([]string, n)
	for i := range n {
		day := rng.IntN(4 * 365)
		date[i] = 1577836800 + float64(day)*86400
		m := float64(epochTime(date[i]).Month())
		if !seasonal {
			m = float64(1 + rng.IntN(12))
		}
		temp[i] = 15 - 10*math.Cos(2*math.Pi*(m-1)/12) + rng.NormFloat64()
		a := rng.Float64() * 2 * math.Pi
		if ring {
			x[i], y[i] = math.Cos(a)+0.05*rng.NormFloat64(), math.Sin(a)+0.05*rng.NormFloat64()
		} else {
			x[i], y[i] = 0.7*rng.NormFloat64(), 0.7*rng.NormFloat64()
		}
		c[i] = "cold"
		if temp[i] > 15 {
			c[i] = "hot"
		}
	}
	return table(Column{Name: "date", Kind: Datetime, Num: date}, numCol("temp", temp...),
		numCol("x", x...), numCol("y", y...), catCol("c", c...))
}

func TestLogicOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	real := seasonalTable(400, true, true, rng)
	tests := []struct {
		name string
		syn  Table
		// bounds on the detection AUCs
		logisticMax, treeMin, treeMax float64
		// seasonality gap of temp by month
		gapMin, gapMax float64
	}{
		{"same distribution", seasonalTable(400, true, true, rng), 0.56, 0, 0.58, 0, 0.03},
		{"seasonality lost", seasonalTable(400, false, true, rng), 0.56, 0.7, 1, 0.6, 1},
		// The ring is invisible to a linear model and plain to the trees.
		{"ring filled in", seasonalTable(400, true, false, rng), 0.56, 0.8, 1, 0, 0.03},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg, err := LogicOf(real, tt.syn, LogicOptions{Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			d := lg.Detection
			if d.RowsEach != 400 {
				t.Errorf("RowsEach = %d, want 400", d.RowsEach)
			}
			if d.LogisticAUC > tt.logisticMax {
				t.Errorf("logistic AUC %.3f > %.3f", d.LogisticAUC, tt.logisticMax)
			}
			if d.TreeAUC < tt.treeMin || d.TreeAUC > tt.treeMax {
				t.Errorf("tree AUC %.3f outside [%.2f, %.2f]", d.TreeAUC, tt.treeMin, tt.treeMax)
			}
			if want := detectionScore(d.TreeAUC); d.TreeScore != want {
				t.Errorf("tree score %v, want %v", d.TreeScore, want)
			}
			if len(lg.Seasonality) != 1 {
				t.Fatalf("seasonality %+v, want one entry (temp by month)", lg.Seasonality)
			}
			s := lg.Seasonality[0]
			if s.Column != "temp" || s.By != "month" || s.RealEta2 < 0.8 {
				t.Errorf("seasonality %+v, want temp by month with real eta2 > 0.8", s)
			}
			if s.Gap < tt.gapMin || s.Gap > tt.gapMax {
				t.Errorf("gap %.3f outside [%.2f, %.2f]", s.Gap, tt.gapMin, tt.gapMax)
			}
		})
	}
}

func TestLogicOfSubsamplesDetection(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	real, syn := seasonalTable(150, true, true, rng), seasonalTable(250, true, true, rng)
	for _, tt := range []struct{ rows, want int }{{0, 150}, {100, 100}} {
		lg, err := LogicOf(real, syn, LogicOptions{DetectionRows: tt.rows})
		if err != nil {
			t.Fatal(err)
		}
		if lg.Detection.RowsEach != tt.want {
			t.Errorf("DetectionRows %d: RowsEach = %d, want %d", tt.rows, lg.Detection.RowsEach, tt.want)
		}
	}
	lg, err := LogicOf(real, syn, LogicOptions{DetectionRows: -1})
	if err != nil || lg.Detection != nil {
		t.Errorf("DetectionRows -1: detection %+v, error %v; want none", lg.Detection, err)
	}
}

func TestEfficacy(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	real, hold := seasonalTable(600, true, true, rng), seasonalTable(300, true, true, rng)
	good := seasonalTable(1200, true, true, rng)
	// Broken: the category no longer follows the temperature.
	broken := seasonalTable(1200, true, true, rng)
	rng.Shuffle(1200, func(i, j int) {
		c := broken.Columns[4].Cat
		c[i], c[j] = c[j], c[i]
	})
	tests := []struct {
		name, target, metric string
		syn                  Table
		realMin, synMin      float64
		synMax               float64
	}{
		{"class kept", "c", "roc_auc", good, 0.97, 0.97, 1},
		{"class lost", "c", "roc_auc", broken, 0.97, 0, 0.6},
		{"number", "temp", "r2", good, 0.8, 0.8, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg, err := LogicOf(real, tt.syn, LogicOptions{DetectionRows: -1, Target: tt.target, Holdout: &hold})
			if err != nil {
				t.Fatal(err)
			}
			e := lg.Efficacy
			if e.Metric != tt.metric || e.HoldoutRows != 300 {
				t.Errorf("efficacy %+v, want metric %s on 300 rows", e, tt.metric)
			}
			if e.Real < tt.realMin || e.Synthetic < tt.synMin || e.Synthetic > tt.synMax {
				t.Errorf("efficacy real %.3f synthetic %.3f, want real ≥ %.2f, synthetic in [%.2f, %.2f]",
					e.Real, e.Synthetic, tt.realMin, tt.synMin, tt.synMax)
			}
		})
	}
	if _, err := LogicOf(real, good, LogicOptions{Target: "nope", Holdout: &hold}); !errors.Is(err, ErrNoTarget) {
		t.Errorf("unknown target: error %v, want ErrNoTarget", err)
	}
	if _, err := LogicOf(real, good, LogicOptions{Target: "c"}); !errors.Is(err, ErrNoTarget) {
		t.Errorf("target without holdout: error %v, want ErrNoTarget", err)
	}
}

func TestBoostMulticlass(t *testing.T) {
	// Three classes by the interval of x: the trees must find both cuts.
	rng := rand.New(rand.NewPCG(8, 9))
	n := 900
	x := make([]float64, n)
	c := make([]string, n)
	for i := range x {
		x[i] = rng.Float64() * 3
		c[i] = []string{"a", "b", "c"}[int(x[i])]
	}
	tab := table(numCol("x", x...), catCol("c", c...))
	got := trainAndTest(&tab, &tab, 1, 0)
	if got < 0.99 {
		t.Errorf("multiclass AUC %.3f on separable classes, want ≥ 0.99", got)
	}
}

func TestLogicRules(t *testing.T) {
	// lo <= hi and code -> label hold in every real row; the synthetic rows
	// break the order in 1 row of 10 and the dependency in 1 of 5.
	mk := func(n, orderEvery, fdEvery int) Table {
		lo, hi := make([]float64, n), make([]float64, n)
		code, label := make([]string, n), make([]string, n)
		for i := range n {
			lo[i], hi[i] = float64(i%37), float64(i%37+1+i%5)
			if orderEvery > 0 && i%orderEvery == 0 {
				hi[i] = lo[i] - 1
			}
			k := i % 4
			code[i], label[i] = strconv.Itoa(k), []string{"none", "one", "two", "three"}[k]
			if fdEvery > 0 && i%fdEvery == 0 {
				label[i] = "none"
				if k == 0 {
					label[i] = "one"
				}
			}
		}
		return table(numCol("lo", lo...), numCol("hi", hi...), catCol("code", code...), catCol("label", label...))
	}
	lg, err := LogicOf(mk(400, 0, 0), mk(1000, 10, 5), LogicOptions{DetectionRows: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range lg.Rules {
		got[r.Rule] = r.Violations
	}
	for rule, want := range map[string]float64{"lo <= hi": 0.1, "code -> label": 0.2, "label -> code": 0.2} {
		if v, ok := got[rule]; !ok || math.Abs(v-want) > 1e-9 {
			t.Errorf("rule %s: violations %v (found %v), want %v; rules %+v", rule, v, ok, want, lg.Rules)
		}
	}
}

func TestEvaluateWithLogic(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	real, syn, hold := seasonalTable(300, true, true, rng), seasonalTable(300, false, true, rng), seasonalTable(100, true, true, rng)
	rep, err := Evaluate(real, syn, Options{Logic: &LogicOptions{Target: "c", Holdout: &hold}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Logic == nil || rep.Logic.Detection == nil || rep.Logic.Efficacy == nil || len(rep.Logic.Seasonality) != 1 {
		t.Fatalf("logic %+v, want detection, efficacy and one seasonality", rep.Logic)
	}
	plain, err := Evaluate(real, syn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Logic != nil || plain.Score != rep.Score {
		t.Errorf("without Logic: logic %+v, score %v; want none and the same score %v", plain.Logic, plain.Score, rep.Score)
	}
	// NaN figures survive a JSON round trip as null.
	rep.Logic.Seasonality[0].SyntheticEta2 = math.NaN()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Logic.Seasonality[0].SyntheticEta2) || back.Logic.Detection.TreeAUC != rep.Logic.Detection.TreeAUC ||
		back.Logic.Efficacy.Synthetic != rep.Logic.Efficacy.Synthetic {
		t.Errorf("round trip: %+v, want %+v", back.Logic, rep.Logic)
	}
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Logic of the table", "boosted trees", "date by month: temp", "ML efficacy", "roc_auc of c"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}
