package table

import (
	"bytes"
	"encoding/csv"
	"os"
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
