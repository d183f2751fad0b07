package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fitExample fits a model on the example table with the fit command and
// returns its path.
func fitExample(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	model := filepath.Join(dir, "model.json")
	args := append([]string{"fit", "--input", exampleCSV, "--model", model, "--quiet"}, extra...)
	if code, msg := vgmsynth(t, args...); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, msg)
	}
	return model
}

func TestInspectCommand(t *testing.T) {
	dir := t.TempDir()
	model := fitExample(t, dir, "--model-type", "network")
	plots := filepath.Join(dir, "plots")
	code, out, msg := runCLI(t, "inspect", "--model", model, "--plot", plots, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	t.Logf("\n%s", out)
	for _, want := range []string{
		"model      network (format version 2)",
		"rows seen  1461",
		"date: datetime",
		`layout "2006-01-02"`,
		"bounds      2012-01-01 .. 2015-12-31",
		"precipitation: float",
		"bounds      0.0 .. 55.9",
		"atoms       57.4% of values: 0.0 (57.4%)",
		"weight   mean",
		" days", // datetime stds as durations
		"weather: categorical",
		"categories  5",
		"rain     43.9%",
		"weather <- ",
		"bin(precipitation)",
		"copula     Gaussian, over 5 numeric columns",
		"  temp_max ",
		"0.880",
		"rules      1, kept in every generated row",
		"temp_min <= temp_max",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	for _, name := range []string{"date", "precipitation", "temp_max", "temp_min", "wind", "weather"} {
		f, err := os.Open(filepath.Join(plots, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width < 400 || cfg.Height < 200 {
			t.Errorf("%s.png: %v, %dx%d", name, err, cfg.Width, cfg.Height)
		}
	}

	// Independent models have no network; bad usage exits 2; a bad file 1.
	indep := filepath.Join(dir, "indep.json")
	if code, msg := vgmsynth(t, "fit", "--input", exampleCSV, "--model", indep, "--model-type", "independent", "--quiet"); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, msg)
	}
	if code, out, msg := runCLI(t, "inspect", "--model", indep); code != 0 || !strings.Contains(out, "columns are independent") || strings.Contains(out, "network") {
		t.Errorf("independent model: exit %d, stdout %q, stderr %q", code, out, msg)
	}
	if code, _, msg := runCLI(t, "inspect"); code != 2 || !strings.Contains(msg, "--model is required") {
		t.Errorf("no --model: exit %d, %q", code, msg)
	}
	if code, _, msg := runCLI(t, "inspect", "--model", exampleCSV); code != 1 || !strings.Contains(msg, "not a valid vgmsynth model") {
		t.Errorf("not a model: exit %d, %q", code, msg)
	}
}

// TestInspectForest checks the summary of the forest, the default model.
func TestInspectForest(t *testing.T) {
	model := fitExample(t, t.TempDir())
	code, out, msg := runCLI(t, "inspect", "--model", model, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	for _, want := range []string{
		"model      forest (format version 2)",
		"components: the leaves of 10 trees",
		"calendar   date.month\n", // the weekday tells nothing about the weather
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
