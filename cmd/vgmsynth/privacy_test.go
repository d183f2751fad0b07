package main

import (
	"os"
	"path/filepath"
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
	if code, msg := vgmsynth(t, "fit", "--input", evaluateExample, "--model", copula, "--quiet", "--epsilon", "1", "--noise-seed", "7", "--model-type", "copula"); code != 0 {
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
		args := append([]string{"fit", "--input", evaluateExample, "--model", filepath.Join(dir, "bad.json"), "--quiet"}, tc.args...)
		code, msg := vgmsynth(t, args...)
		if code != tc.code || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tc.args, code, msg, tc.code, tc.want)
		}
	}
}
