package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/vgmsynth/vgmsynth/internal/testutil"
)

// exampleCSV is the example table that the tests fit, generate from and
// evaluate.
const exampleCSV = "../../examples/seattle-weather.csv"

func TestMain(m *testing.M) {
	code := ptest.MainRetWithDefault(m, "prism")
	stopEngines()
	os.Exit(code)
}

// vgmsynth runs the command in-process and returns its exit status and
// what it printed on stderr.
func vgmsynth(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, _, msg := runCLI(t, args...)
	return code, msg
}

// runCLI runs the command in-process and returns its exit status and what
// it printed on stdout and stderr.
func runCLI(t *testing.T, args ...string) (code int, out, msg string) {
	t.Helper()
	saved := stdout
	var o, e bytes.Buffer
	stdout = &o
	defer func() { stdout = saved }()
	code = run(args, &e)
	return code, o.String(), e.String()
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInput(t *testing.T) {
	testutil.FailingPipeline(t)
	dir := t.TempDir()
	flights, err := os.ReadFile(exampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		want  []string // key words of the message
	}{
		{"missing file", filepath.Join(dir, "nope.csv"), []string{"nope.csv", "no such file"}},
		{"empty file", writeFile(t, dir, "empty.csv", ""), []string{"empty.csv", "empty"}},
		{"header only", writeFile(t, dir, "header.csv", "a,b\n"), []string{"header.csv", "no data rows"}},
		{"ragged row", writeFile(t, dir, "ragged.csv", "a,b\n1,2\n3,4\n5\n"), []string{"ragged.csv:4", "1 fields", "header has 2"}},
		{"unterminated quote", writeFile(t, dir, "quote.csv", "a,b\n1,\"2\n"), []string{"quote.csv:2", "quote"}},
		{"corrupt parquet", writeFile(t, dir, "bad.parquet", string(flights[:500])), []string{"bad.parquet", "Parquet"}},
		{"directory", dir, []string{dir, "directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "out", strings.ReplaceAll(tt.name, " ", "_"))
			code, msg := vgmsynth(t, "run", "--input", tt.input, "--rows", "10", "--output", out)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr: %s", code, msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "DataSource[") {
				t.Errorf("message shows runner internals: %s", msg)
			}
			if left, _ := filepath.Glob(out + "*"); len(left) > 0 {
				t.Errorf("files left under final names: %v", left)
			}
		})
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"generate", "--model", "m.json", "--rows", "-5", "--output", "x"}, "--rows"},
		{[]string{"generate", "--model", "m.json", "--rows", "ten", "--output", "x"}, "--rows"},
		{[]string{"generate", "--model", "m.json", "--rows", "10", "--output", "x", "--shards", "0"}, "--shards"},
		{[]string{"generate", "--model", "m.json", "--rows", "10", "--output", "x", "--format", "xml"}, "--format"},
		{[]string{"generate", "--rows", "10", "--output", "x"}, "--model"},
		{[]string{"run", "--input", "x.csv", "--rows", "10", "--output", "x", "--runner", "nosuch"}, "runner"},
		{[]string{"nosuch"}, "unknown command"},
	}
	for _, tt := range tests {
		code, msg := vgmsynth(t, tt.args...)
		if code != 2 || !strings.Contains(msg, tt.want) {
			t.Errorf("%v: exit %d, message %q; want 2 and %q", tt.args, code, msg, tt.want)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"fit", "generate", "run"} {
		code, msg := vgmsynth(t, cmd, "--help")
		if code != 0 || !strings.Contains(msg, "Usage: vgmsynth "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, msg)
		}
	}
}

func TestRunExample(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "w")
	model := filepath.Join(dir, "m.json")
	code, msg := vgmsynth(t, "run", "--input", exampleCSV, "--rows", "2000", "--output", out, "--model", model, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	code, msg = vgmsynth(t, "generate", "--model", model, "--rows", "1k", "--output", out+"2", "--format", "parquet", "--shards", "2", "--quiet")
	if code != 0 {
		t.Fatalf("generate: exit %d: %s", code, msg)
	}
	if files, _ := filepath.Glob(out + "2-*-of-00002.parquet"); len(files) != 2 {
		t.Fatalf("parquet shards: %v", files)
	}
}

func TestLogFormatJSON(t *testing.T) {
	code, msg := vgmsynth(t, "run", "--input", "nope.csv", "--rows", "10", "--output", t.TempDir()+"/x", "--log-format", "json")
	if code != 1 || !strings.HasPrefix(msg, "{") || !strings.Contains(msg, `"level":"error"`) || !strings.Contains(msg, "nope.csv") {
		t.Fatalf("exit %d, %q", code, msg)
	}
	if code, _ := vgmsynth(t, "run", "--log-format", "xml"); code != 2 {
		t.Fatalf("--log-format xml: exit %d, want 2", code)
	}
}
