package table

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// exampleSummary summarises the first rows of the example table in a
// reservoir of k rows.
func exampleSummary(tb testing.TB, rows, k int) *Summary {
	tb.Helper()
	f, err := os.Open("../../examples/seattle-weather.csv")
	if err != nil {
		tb.Skip("example table missing:", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	s := NewSummary(recs[0], k, 1)
	for i, r := range recs[1:min(len(recs), rows+1)] {
		if err := s.Add("seattle-weather.csv", int64(i), int64(i+2), r); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func privateOptions(modelType string, eps float64) FitOptions {
	cfg := vgm.DefaultConfig()
	cfg.MaxIter = 50
	return FitOptions{VGM: cfg, ModelType: modelType, Privacy: &PrivacyOptions{Epsilon: eps, Delta: 1e-6, NoiseSeed: 1, FixedNoise: true}}
}

// TestPrivateFit checks what a private fit keeps and records: the budget
// (spent in full, in the model file as "epsilon"), noisy counts, no rare
// category, no mined rule, no tails, and the same model from the same
// noise seed.
func TestPrivateFit(t *testing.T) {
	s := exampleSummary(t, 10000, 10000)
	for _, mt := range []string{ModelTypeNetwork, ModelTypeCopula, ModelTypeIndependent} {
		m, err := Fit(s, privateOptions(mt, 1))
		if err != nil {
			t.Fatalf("%s: %v", mt, err)
		}
		b, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(`"epsilon": 1,`)) || !bytes.Contains(b, []byte(`"delta": 0.000001`)) {
			t.Errorf("%s: model file does not record epsilon 1 and delta 1e-6", mt)
		}
		spent := 0.0
		for _, mc := range m.Privacy.Mechanisms {
			spent += mc.Epsilon
		}
		if spent < 0.999 || spent > 1+1e-9 {
			t.Errorf("%s: mechanisms spend epsilon %v of 1", mt, spent)
		}
		if m.RowsSeen == 1461 && m.SampleSize == 1461 {
			t.Errorf("%s: the row count is exact", mt)
		}
		if len(m.Rules) > 0 {
			t.Errorf("%s: mined rules %v under --epsilon", mt, m.Rules)
		}
		for _, c := range m.Columns {
			if c.Tails != nil {
				t.Errorf("%s: column %q keeps tails", mt, c.Name)
			}
			for _, cat := range c.Categories {
				if cat.Value == "snow" { // 26 of 1,461 rows: below the threshold
					t.Errorf("%s: the rare category snow is kept", mt)
				}
			}
		}
		again, err := Fit(s, privateOptions(mt, 1))
		if err != nil {
			t.Fatal(err)
		}
		if b2, _ := again.Encode(); !bytes.Equal(b, b2) {
			t.Errorf("%s: the same noise seed gave a different model", mt)
		}
		if _, err := DecodeModel(b); err != nil {
			t.Errorf("%s: model file does not read back: %v", mt, err)
		}
	}
}

// TestPrivateFitRefuses checks what a private fit does not do.
func TestPrivateFitRefuses(t *testing.T) {
	s := exampleSummary(t, 10000, 10000)
	if _, err := Fit(s, privateOptions(ModelTypeForest, 1)); err == nil || !strings.Contains(err.Error(), "forest") {
		t.Errorf("forest: %v, want a refusal", err)
	}
	opt := privateOptions(ModelTypeNetwork, 1)
	opt.Rules.Constraints = []rules.Rule{{Type: rules.Combinations, Columns: []string{"weather", "wind"}}}
	if _, err := Fit(s, opt); err == nil || !strings.Contains(err.Error(), "fixed combinations") {
		t.Errorf("fixed combinations: %v, want a refusal", err)
	}
	opt.Rules.Constraints = []rules.Rule{{Type: rules.Order, Columns: []string{"temp_min", "temp_max"}}}
	m, err := Fit(s, opt)
	if err != nil || len(m.Rules) != 1 || !m.Rules[0].Declared {
		t.Errorf("a declared inequality under --epsilon: %v, %v", m.Rules, err)
	}
}

// TestPrivateNumbers checks a private fit's numeric columns on the example
// table at ε = 1: precipitation's zeros (57% of the rows) are an atom
// although the threshold of the atom search (about 1,500 rows for its
// share) is out of reach, because zero is a public cell of the histogram;
// the bounds hold the bulk of the values (from the 10% to the 90%
// quantile) and lie within half the values' range of theirs; each column spends its share of ε
// exactly, in at most three mechanisms; a model fitted without
// --model-type under --epsilon is a network.
func TestPrivateNumbers(t *testing.T) {
	s := exampleSummary(t, 10000, 10000)
	// The least value, the 10% and 90% quantiles and the greatest.
	real := map[string][4]float64{"precipitation": {0, 0, 9.9, 55.9}, "temp_max": {-1.6, 7.2, 26.7, 35.6}, "temp_min": {-7.1, 1.7, 14.4, 18.3}, "wind": {0.4, 1.7, 5.2, 9.5}}
	for seed := uint64(1); seed <= 5; seed++ {
		opt := privateOptions("", 1)
		opt.Privacy.NoiseSeed = seed
		m, err := Fit(s, opt)
		if err != nil {
			t.Fatal(err)
		}
		if m.ModelType != ModelTypeNetwork {
			t.Errorf("seed %d: model type %q under --epsilon, want network", seed, m.ModelType)
		}
		for _, c := range m.Columns {
			r, ok := real[c.Name]
			if !ok {
				continue
			}
			w := r[3] - r[0]
			if *c.Min < r[0]-w/2 || *c.Min > r[1] || *c.Max < r[2] || *c.Max > r[3]+w/2 {
				t.Errorf("seed %d: %s bounds %.3g..%.3g, want near %v", seed, c.Name, *c.Min, *c.Max, r)
			}
			if c.Name == "precipitation" && (len(c.Atoms) != 1 || c.Atoms[0].Value != 0 || math.Abs(c.Atoms[0].Frequency-0.574) > 0.08) {
				t.Errorf("seed %d: precipitation atoms %v, want 0 at about 0.57", seed, c.Atoms)
			}
		}
		spent := map[string]float64{}
		for _, mc := range m.Privacy.Mechanisms {
			if name, _, ok := strings.Cut(strings.TrimPrefix(mc.Name, `column "`), `"`); ok && strings.HasPrefix(mc.Name, "column ") {
				spent[name] += mc.Epsilon
			}
		}
		// 5 numeric columns of 1 part, weather of privateDiscreteShare.
		part := privateColumnsShare / (5 + privateDiscreteShare)
		for name, eps := range spent {
			want := part
			if name == "weather" {
				want *= privateDiscreteShare
			}
			if math.Abs(eps-want) > 1e-9 {
				t.Errorf("seed %d: column %q spends epsilon %v, want %v", seed, name, eps, want)
			}
		}
	}
}

// TestNumberCells checks that every row of a numeric column counts once:
// in the null, zero or a candidate's cell, or among the binned values.
func TestNumberCells(t *testing.T) {
	x := []float64{0, 1, 2.5, 0, 2.5, 7, -3, 2.5}
	cells, rest := numberCells(x, 4, []float64{2.5})
	if want := []float64{4, 2, 3}; !slices.Equal(cells, want) {
		t.Errorf("cells %v, want %v (nulls, zeros, 2.5)", cells, want)
	}
	if want := []float64{1, 7, -3}; !slices.Equal(rest, want) {
		t.Errorf("rest %v, want %v", rest, want)
	}
	if n := sumOf(cells) + float64(len(rest)); n != 12 {
		t.Errorf("%v rows counted, want 12", n)
	}
}
