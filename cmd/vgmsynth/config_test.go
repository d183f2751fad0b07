package main

import (
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// parseWithConfig parses args for a command as run does and applies the
// config file, returning the flag set or the error.
func parseWithConfig(t *testing.T, command string, args ...string) (*flag.FlagSet, error) {
	t.Helper()
	fs := flag.NewFlagSet("vgmsynth "+command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	commands[command].flags(fs)
	cfg := configFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return fs, applyConfig(fs, *cfg)
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	jsonCfg := writeFile(t, dir, "job.json", `{
		"input": "in/*.csv", "rows": "1M", "output": "out/t", "seed": 18446744073709551615,
		"shards": 4, "overwrite": true, "sample_size": 5000, "format": "parquet"
	}`)
	yamlCfg := writeFile(t, dir, "job.yaml", `# nightly job
input: in/*.csv
rows: 1_000_000
output: out/t
seed: 18446744073709551615
shards: 4
overwrite: true
sample-size: 5000
format: parquet
`)
	want := map[string]string{
		"input": "in/*.csv", "output": "out/t", "seed": "18446744073709551615",
		"shards": "4", "overwrite": "true", "sample-size": "5000", "format": "parquet",
	}
	for _, cfg := range []string{jsonCfg, yamlCfg} {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			fs, err := parseWithConfig(t, "run", "--config", cfg)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range want {
				if got := fs.Lookup(k).Value.String(); got != v {
					t.Errorf("--%s = %q, want %q", k, got, v)
				}
			}
			if rows := fs.Lookup("rows").Value.String(); rows != "1M" && rows != "1_000_000" {
				t.Errorf("--rows = %q", rows)
			}
			// The command line wins, whichever spelling either side uses.
			fs, err = parseWithConfig(t, "run", "--config", cfg, "--shards=2", "--sample_size=7", "--overwrite=false")
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range map[string]string{"shards": "2", "sample-size": "7", "overwrite": "false", "output": "out/t"} {
				if got := fs.Lookup(k).Value.String(); got != v {
					t.Errorf("with flags: --%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"unknown key", "a.json", `{"rows": "10", "ouput": "x"}`, []string{"a.json", `unknown flag "ouput"`, `did you mean "output"`}},
		{"unknown yaml key", "a.yaml", "rows: 10\nnosuchflag: 1\n", []string{"a.yaml", `unknown flag "nosuchflag"`}},
		{"bad value", "b.yaml", "shards: many\n", []string{"b.yaml", "shards", "invalid value"}},
		{"bad bool", "c.json", `{"overwrite": "perhaps"}`, []string{"c.json", "overwrite"}},
		{"nested", "d.json", `{"input": {"path": "x"}}`, []string{"d.json", "input", "want a string, number or boolean"}},
		{"null", "e.json", `{"input": null}`, []string{"e.json", "input", "null"}},
		{"empty yaml value", "f.yaml", "input:\n", []string{"f.yaml", "input", "no value"}},
		{"not an object", "g.json", `["rows", 10]`, []string{"g.json", "JSON object"}},
		{"not a mapping", "h.yaml", "- rows\n- 10\n", []string{"h.yaml", "mapping"}},
		{"config in config", "i.json", `{"config": "other.json"}`, []string{"i.json", "config"}},
		{"same flag twice", "j.yaml", "sample_size: 1\nsample-size: 2\n", []string{"j.yaml", "sample_size", "sample-size"}},
		{"broken json", "k.json", `{"rows": 10`, []string{"k.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, dir, tt.file, tt.content)
			_, err := parseWithConfig(t, "run", "--config", p)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	_, err := parseWithConfig(t, "run", "--config", filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

// TestConfigFileRun runs commands from config files end to end: Beam's
// runner flags come from the file too, and errors exit 2 before any work.
func TestConfigFileRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "w")
	cfg := writeFile(t, dir, "job.yaml", "input: "+exampleCSV+"\n"+
		"rows: 2k\noutput: "+out+"\nshards: 2\nrunner: direct\nquiet: true\n")
	if code, msg := vgmsynth(t, "run", "--config", cfg, "--rows", "300"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	m := readManifest(t, out, 300, 2)
	if n := csvRows(t, m); n != 300 {
		t.Errorf("%d rows, want 300 (the command line's --rows)", n)
	}
	// The output exists now: the file's settings still refuse to replace it.
	code, msg := vgmsynth(t, "run", "--config", cfg)
	if code != 1 || !strings.Contains(msg, "--overwrite") {
		t.Errorf("second run: exit %d, %q; want a refusal", code, msg)
	}
	bad := writeFile(t, dir, "bad.json", `{"input": "x.csv", "rows": 10, "output": "o", "runner": "flink"}`)
	code, msg = vgmsynth(t, "run", "--config", bad)
	if code != 2 || !strings.Contains(msg, "--endpoint") {
		t.Errorf("flink without endpoint from a config: exit %d, %q; want 2", code, msg)
	}
	unknown := writeFile(t, dir, "unknown.json", `{"input": "x.csv", "rowz": 10}`)
	code, msg = vgmsynth(t, "run", "--config", unknown)
	if code != 2 || !strings.Contains(msg, `"rowz"`) {
		t.Errorf("unknown key: exit %d, %q; want 2 naming the key", code, msg)
	}
}
