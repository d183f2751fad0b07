package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFitEpsilon fits a private model through the command line: the model
// file records the guarantee, inspect prints it, and bad privacy flags are
// usage errors.
func TestFitEpsilon(t *testing.T) {
	dir := t.TempDir()
	model := fitExample(t, dir, "--epsilon", "1", "--noise-seed", "7")
	data, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"epsilon": 1,`) {
		t.Errorf("model file does not record \"epsilon\": 1")
	}
	if !strings.Contains(string(data), `"model_type": "network"`) {
		t.Errorf("--epsilon without --model-type did not fit a network")
	}
	copula := filepath.Join(dir, "copula.json")
	if code, msg := vgmsynth(t, "fit", "--input", exampleCSV, "--model", copula, "--quiet", "--epsilon", "1", "--noise-seed", "7", "--model-type", "copula"); code != 0 {
		t.Fatalf("fit --model-type copula --epsilon 1: exit %d: %s", code, msg)
	}
	if data, err := os.ReadFile(copula); err != nil || !strings.Contains(string(data), `"model_type": "copula"`) {
		t.Errorf("--model-type copula --epsilon 1 did not fit a copula (%v)", err)
	}
	code, out, msg := runCLI(t, "inspect", "--model", model)
	if code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, msg)
	}
	for _, want := range []string{"(epsilon 1, delta 1e-06)-differentially private per row", "privacy budget: ", "row count (Laplace, sensitivity 1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect does not say %q", want)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--epsilon", "-1"}, 2, "epsilon -1"},
		{[]string{"--epsilon", "1", "--delta", "0"}, 2, "delta 0"},
		{[]string{"--noise-seed", "3"}, 2, "--noise-seed goes with --epsilon"},
		{[]string{"--epsilon", "1", "--noise-seed", "x"}, 2, "--noise-seed"},
		{[]string{"--epsilon", "1", "--model-type", "forest"}, 2, "not forest"},
	} {
		args := append([]string{"fit", "--input", exampleCSV, "--model", filepath.Join(dir, "bad.json"), "--quiet"}, tc.args...)
		code, msg := vgmsynth(t, args...)
		if code != tc.code || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tc.args, code, msg, tc.code, tc.want)
		}
	}
}

// TestPrivacyOptions fits a table with rare values and checks what the
// model file keeps: rare categories are not stored by name unless
// --min-category-count 0, and --no-exact-bounds stores no real extreme.
func TestPrivacyOptions(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,name,city,rating,amount\n")
	cities := []string{"Paris", "Paris", "Paris", "Lyon", "Lyon", "Nice"}
	realMin, realMax := 1e9, -1e9
	for i := 0; i < 600; i++ {
		city := cities[i%len(cities)]
		if i == 17 || i == 301 {
			city = "Albi" // seen twice: rare
		}
		rating := 1 + i%5
		if i == 42 {
			rating = 9 // seen once: joins the nearest kept value, 5
		}
		amount := fmt.Sprintf("%.2f", 10+float64((i*7919)%1000)/7)
		x, _ := strconv.ParseFloat(amount, 64)
		realMin, realMax = min(realMin, x), max(realMax, x)
		fmt.Fprintf(&b, "U%05d,person%d,%s,%d,%s\n", 1000+i, i*31, city, rating, amount)
	}
	in := writeFile(t, dir, "people.csv", b.String())
	fit := func(extra ...string) map[string]map[string]any {
		model := filepath.Join(dir, fmt.Sprintf("m%d.json", len(extra)))
		args := append([]string{"fit", "--input", in, "--model", model, "--quiet"}, extra...)
		if code, msg := vgmsynth(t, args...); code != 0 {
			t.Fatalf("fit %v: exit %d: %s", extra, code, msg)
		}
		data, err := os.ReadFile(model)
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Columns []map[string]any }
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]any{}
		for _, c := range m.Columns {
			out[c["name"].(string)] = c
		}
		return out
	}
	names := func(c map[string]any) map[string]float64 {
		out := map[string]float64{}
		cats, _ := c["categories"].([]any)
		for _, x := range cats {
			x := x.(map[string]any)
			out[x["value"].(string)] = x["frequency"].(float64)
		}
		return out
	}

	def := fit()
	if got := names(def["name"]); len(got) != 1 || got["\x00new"] != 1 {
		t.Errorf("unique names: categories %v, want only new text", got)
	}
	city := names(def["city"])
	if _, ok := city["Albi"]; ok || city["\x00new"] == 0 || len(city) != 4 {
		t.Errorf("city: %v, want Paris, Lyon, Nice and new text", city)
	}
	rating := names(def["rating"])
	if _, ok := rating["9"]; ok || len(rating) != 5 {
		t.Errorf("rating: %v, want 1 to 5 without 9", rating)
	}
	if def["amount"]["min"].(float64) != realMin || def["amount"]["max"].(float64) != realMax || def["amount"]["tails"] == nil {
		t.Errorf("by default min and max are exact and tails kept: %v", def["amount"])
	}

	keep := fit("--min-category-count", "0")
	if got := names(keep["name"]); len(got) != 600 {
		t.Errorf("--min-category-count 0 keeps %d names, want 600", len(got))
	}
	if _, ok := names(keep["rating"])["9"]; !ok {
		t.Error("--min-category-count 0 drops rating 9")
	}

	noExact := fit("--no-exact-bounds")
	a := noExact["amount"]
	lo, hi := a["min"].(float64), a["max"].(float64)
	if lo == realMin || hi == realMax || a["tails"] != nil || lo > hi {
		t.Errorf("--no-exact-bounds: min %v max %v tails %v; real min %v max %v", lo, hi, a["tails"], realMin, realMax)
	}
	f := noExact["id"]["format"].(map[string]any)
	if f["exclude_low"] == 1000.0 || f["exclude_high"] == 1599.0 {
		t.Errorf("--no-exact-bounds keeps the exact ID range: %v", f)
	}
}
