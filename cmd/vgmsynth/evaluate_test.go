package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

func TestEvaluateCommand(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "sub", "report.html")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings of stdout
		stderr     []string // substrings of stderr
		wantReport bool
	}{
		{
			name:   "help",
			args:   []string{"evaluate", "--help"},
			code:   0,
			stderr: []string{"vgmsynth evaluate --real GLOB --synthetic GLOB", "--max-rows", "--report"},
		},
		{
			name:   "text",
			args:   []string{"evaluate", "--real", exampleCSV, "--synthetic", exampleCSV, "--quiet"},
			code:   0,
			stdout: []string{"Overall score", "100.00%", "Exact copies", "Logic of the table", "temp_min <= temp_max"},
		},
		{
			name: "ML efficacy",
			args: []string{"evaluate", "--real", exampleCSV, "--synthetic", exampleCSV, "--json",
				"--target", "weather", "--holdout", exampleCSV, "--max-rows", "600", "--quiet"},
			code:   0,
			stdout: []string{`"logic"`, `"tree_auc"`, `"metric": "roc_auc"`, `"holdout_rows": 600`},
		},
		{
			name:   "target without holdout",
			args:   []string{"evaluate", "--real", exampleCSV, "--synthetic", exampleCSV, "--target", "weather"},
			code:   2,
			stderr: []string{"--target and --holdout go together"},
		},
		{
			name:   "unknown target",
			args:   []string{"evaluate", "--real", exampleCSV, "--synthetic", exampleCSV, "--target", "nope", "--holdout", exampleCSV},
			code:   1,
			stderr: []string{`"nope"`},
		},
		{
			name:       "json and report",
			args:       []string{"evaluate", "--real", exampleCSV, "--synthetic", exampleCSV, "--json", "--report", report, "--max-rows", "500", "--seed", "4", "--quiet"},
			code:       0,
			stdout:     []string{`"score": 1`, `"real_rows": 500`},
			wantReport: true,
		},
		{
			name:   "missing synthetic",
			args:   []string{"evaluate", "--real", exampleCSV},
			code:   2,
			stderr: []string{"--synthetic is required"},
		},
		{
			name:   "bad max rows",
			args:   []string{"evaluate", "--real", exampleCSV, "--synthetic", exampleCSV, "--max-rows", "-1"},
			code:   2,
			stderr: []string{"--max-rows must be positive"},
		},
		{
			name:   "no such synthetic file",
			args:   []string{"evaluate", "--real", exampleCSV, "--synthetic", filepath.Join(dir, "none-*.csv")},
			code:   1,
			stderr: []string{"none-*.csv"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit status %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout does not contain %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(strings.Join(tt.args, " "), "--json") {
				var rep quality.Report
				if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
					t.Errorf("stdout is not a JSON report: %v", err)
				}
			}
			if tt.wantReport {
				page, err := os.ReadFile(report)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>")) || !bytes.Contains(page, []byte("<img ")) {
					t.Errorf("report %s is not an HTML page with images", report)
				}
			}
		})
	}
}

func TestEvaluateListedInOverview(t *testing.T) {
	if !strings.Contains(overview, "vgmsynth evaluate") {
		t.Errorf("the overview does not list the evaluate command")
	}
}
