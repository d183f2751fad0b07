package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestConditions generates from a conditions file and from --where, with
// generate and run, checks every row and the counts, the same rows on 1
// and 3 shards, and the errors for conditions the model cannot meet.
func TestConditions(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if code, msg := vgmsynth(t, "fit", "--input", exampleCSV, "--model", model, "--quiet"); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, msg)
	}
	conds := filepath.Join(dir, "conds.csv")
	if err := os.WriteFile(conds, []byte("weather,temp_max,rows\nrain,,20000\nsun,>=25,1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, shards := range []string{"1", "3"} {
		out := filepath.Join(dir, "c"+shards)
		if code, msg := vgmsynth(t, "generate", "--model", model, "--conditions", conds, "--shards", shards, "--output", out, "--quiet"); code != 0 {
			t.Fatalf("generate: exit %d: %s", code, msg)
		}
		bodies = append(bodies, csvBody(t, shardFiles(t, out)))
	}
	if bodies[0] != bodies[1] {
		t.Error("rows differ between 1 and 3 shards")
	}
	counts := map[string]int{}
	for i, line := range strings.Split(strings.TrimSuffix(bodies[0], "\n"), "\n") {
		f := strings.Split(line, ",") // date,precipitation,temp_max,temp_min,wind,weather
		counts[f[5]]++
		tmax, err := strconv.ParseFloat(f[2], 64)
		if want := map[bool]string{true: "rain", false: "sun"}[i < 20000]; err != nil || f[5] != want || (want == "sun" && tmax < 25) {
			t.Fatalf("row %d: %s, want weather %s (and temp_max >= 25 for sun)", i, line, want)
		}
	}
	if counts["rain"] != 20000 || counts["sun"] != 1000 {
		t.Errorf("counts %v, want 20000 rain and 1000 sun", counts)
	}

	out := filepath.Join(dir, "r")
	if code, msg := vgmsynth(t, "run", "--input", exampleCSV, "--rows", "5000", "--where", "weather=snow", "--output", out, "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, msg)
	}
	for _, line := range strings.Split(strings.TrimSuffix(csvBody(t, shardFiles(t, out)), "\n"), "\n") {
		if !strings.HasSuffix(line, ",snow") {
			t.Fatalf("run --where weather=snow wrote %s", line)
		}
	}

	bad := []struct {
		args []string
		want string
	}{
		{[]string{"generate", "--model", model, "--rows", "10", "--where", "cloud=low"}, `--where 'cloud=low': no column "cloud"`},
		{[]string{"generate", "--model", model, "--rows", "10", "--where", "weather=rain", "--where", "temp_max=>3"}, `--where 'temp_max=>3': "temp_max=>3" has an unknown operator`},
		{[]string{"generate", "--model", model, "--rows", "10", "--where", "weather<rain"}, `--where 'weather<rain': column "weather" is categorical: only = and != apply`},
		{[]string{"generate", "--model", model, "--rows", "10", "--where", "weather=drizzle", "--where", "precipitation>=100"}, "--where 'weather=drizzle' --where 'precipitation>=100': "},
		{[]string{"generate", "--model", model, "--rows", "10", "--conditions", conds}, "--rows 10 disagrees with the 21000 rows that --conditions asks for"},
		{[]string{"run", "--input", exampleCSV, "--rows", "10", "--where", "cloud=low"}, `--where 'cloud=low': ../../examples/seattle-weather.csv has no column "cloud"`},
	}
	for _, tc := range bad {
		code, msg := vgmsynth(t, append(tc.args, "--output", filepath.Join(dir, "bad"))...)
		if code != 2 || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: exit %d, %q; want exit 2 and %q", strings.Join(tc.args, " "), code, msg, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad-00000-of-00001.csv")); err == nil {
		t.Error("a refused condition left output")
	}
}
