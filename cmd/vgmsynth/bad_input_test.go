package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
)

// The bad-input corpus lives in testdata/bad at the repository root; the
// cases too large to commit are generated here. Every case states what
// vgmsynth does with it: fail with exit status 1 and a message naming the
// file, line and column where they apply, or a documented handling (see
// docs/reliability.md). No case may panic or leave a file under a final
// name.

const corpus = "../../testdata/bad/"

// badCase is one input and what vgmsynth must do with it.
type badCase struct {
	name  string
	input string   // path or glob
	code  int      // exit status
	want  []string // key words of the message (exit != 0)
	check func(t *testing.T, out string)
}

// assertClean checks that a message shows no crash or runner internals.
func assertClean(t *testing.T, msg string) {
	t.Helper()
	for _, bad := range []string{"panic", "goroutine ", "DataSource[", ".go:", "runtime error"} {
		if strings.Contains(msg, bad) {
			t.Errorf("message shows %q (a crash or runner internals):\n%s", bad, msg)
		}
	}
}

// readOutput reads the single CSV shard of an output.
func readOutput(t *testing.T, prefix string) [][]string {
	t.Helper()
	return testutil.ReadCSV(t, sink.ShardName(prefix, 0, 1, "csv", ""))
}

// column returns column name of a CSV output's rows.
func column(t *testing.T, recs [][]string, name string) []string {
	t.Helper()
	j := -1
	for i, c := range recs[0] {
		if c == name {
			j = i
		}
	}
	if j < 0 {
		t.Fatalf("output has no column %q: %v", name, recs[0])
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[j])
	}
	return out
}

func allEqual(t *testing.T, what string, values []string, want string) {
	t.Helper()
	for i, v := range values {
		if v != want {
			t.Fatalf("%s: row %d is %q, want %q", what, i+1, v, want)
		}
	}
}

func TestBadInputCorpus(t *testing.T) {
	dir := t.TempDir()
	gen := func(name string, write func(w *strings.Builder)) string {
		var b strings.Builder
		write(&b)
		return writeFile(t, dir, name, b.String())
	}
	huge := gen("huge_field.csv", func(w *strings.Builder) {
		w.WriteString("id,note\n1,short\n2,")
		w.WriteString(strings.Repeat("x", 10<<20))
		w.WriteString("\n3,short\n")
	})
	// Numeric in the first 10,000 rows, text later: a few text values are
	// an error naming the first; many make the column a text column.
	lateFew := gen("late_text_few.csv", func(w *strings.Builder) {
		w.WriteString("id,reading\n")
		for i := 1; i <= 10000; i++ {
			fmt.Fprintf(w, "%d,%.3f\n", i, float64(i%997)*1.37)
		}
		w.WriteString("10001,unknown\n10002,3.5\n")
	})
	lateMany := gen("late_text_many.csv", func(w *strings.Builder) {
		w.WriteString("id,reading\n")
		for i := 1; i <= 10000; i++ {
			fmt.Fprintf(w, "%d,%d\n", i, i%7)
		}
		for i := 10001; i <= 14000; i++ {
			fmt.Fprintf(w, "%d,%s\n", i, []string{"low", "high", "n/a"}[i%3])
		}
	})
	// A million columns: refused at the header, before any row is read.
	tooWide := gen("million_columns.csv", func(w *strings.Builder) {
		for i := range 1000000 {
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, "c%d", i)
		}
		w.WriteString("\n")
		w.WriteString(strings.Repeat("1,", 999999) + "1\n")
	})
	fifo := filepath.Join(dir, "fifo.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.csv")
	if err := os.Symlink(filepath.Join(dir, "gone", "x.csv"), dangling); err != nil {
		t.Fatal(err)
	}

	cases := []badCase{
		{"empty file", corpus + "empty.csv", 1, []string{"empty.csv", "empty"}, nil},
		{"header only", corpus + "header_only.csv", 1, []string{"header_only.csv", "no data rows"}, nil},
		{"duplicate column", corpus + "duplicate_column.csv", 1, []string{"duplicate_column.csv:1", `"amount"`, "twice"}, nil},
		{"empty column name", corpus + "empty_column_name.csv", 1, []string{"empty_column_name.csv:1", "column 2", "empty name"}, nil},
		{"ragged row", corpus + "ragged.csv", 1, []string{"ragged.csv:3", "2 fields", "header has 3"}, nil},
		{"unterminated quote", corpus + "unterminated_quote.csv", 1, []string{"unterminated_quote.csv:3", "quoted field", "not closed"}, nil},
		{"NUL byte", corpus + "nul_byte.csv", 1, []string{"nul_byte.csv:3", `column "city"`, "NUL"}, nil},
		{"invalid UTF-8", corpus + "invalid_utf8.csv", 1, []string{"invalid_utf8.csv:4", `column "city"`, "UTF-8"}, nil},
		{"10 MB field", huge, 1, []string{"huge_field.csv:3", `column "note"`, "10485760 bytes"}, nil},
		{"NaN in numbers", corpus + "nan.csv", 1, []string{"nan.csv:58", `column "amount"`, `"NaN"`, "not a finite number"}, nil},
		{"Inf in numbers", corpus + "inf.csv", 1, []string{"inf.csv:121", `column "amount"`, `"-Inf"`, "not a finite number"}, nil},
		{"1e400 in numbers", corpus + "overflow.csv", 1, []string{"overflow.csv:10", `column "amount"`, `"1e400"`, "not a finite number"}, nil},
		{"numbers then a little text", lateFew, 1, []string{"late_text_few.csv:10002", `column "reading"`, `"unknown"`, "not a number", "--schema"}, nil},
		{"numbers then much text", lateMany, 0, nil, func(t *testing.T, out string) {
			// A mixed column is categorical: numbers and words both appear.
			seen := map[string]bool{}
			for _, v := range column(t, readOutput(t, out), "reading") {
				seen[v] = true
			}
			word, number := seen["low"] || seen["high"] || seen["n/a"], false
			for v := range seen {
				number = number || (v >= "0" && v <= "6")
			}
			if !word || !number {
				t.Errorf("mixed column: generated values %v lack a word or a number", seen)
			}
		}},
		{"all-null column", corpus + "all_null.csv", 0, nil, func(t *testing.T, out string) {
			allEqual(t, "all-null column", column(t, readOutput(t, out), "note"), "")
		}},
		{"constant column", corpus + "constant.csv", 0, nil, func(t *testing.T, out string) {
			recs := readOutput(t, out)
			allEqual(t, "constant number", column(t, recs, "amount"), "42.0")
			allEqual(t, "constant text", column(t, recs, "unit"), "EUR")
		}},
		{"single data row", corpus + "single_row.csv", 0, nil, func(t *testing.T, out string) {
			recs := readOutput(t, out)
			if len(recs) != 11 {
				t.Fatalf("%d rows, want 10 and the header", len(recs)-1)
			}
			allEqual(t, "single row amount", column(t, recs, "amount"), "2.5")
			allEqual(t, "single row date", column(t, recs, "when"), "2024-03-01")
			// One row is below --min-category-count: its text is not copied,
			// new text takes its place.
			for _, v := range column(t, recs, "city") {
				if v == "Paris" || v == "other" {
					t.Fatalf("single row city: %q, want new text", v)
				}
			}
		}},
		{"corrupt Parquet footer", corpus + "corrupt_footer.parquet", 1, []string{"corrupt_footer.parquet", "not a readable Parquet file"}, nil},
		{"a million columns", tooWide, 1, []string{"million_columns.csv:1", "1000000 columns", "more than the 10000"}, nil},
		{"glob matching nothing", filepath.Join(dir, "nothing-*.csv"), 1, []string{"nothing-*.csv", "matches nothing"}, nil},
		{"directory", dir, 1, []string{dir, "is a directory"}, nil},
		{"named pipe", fifo, 1, []string{"fifo.csv", "named pipe", "not a regular file"}, nil},
		{"dangling symlink", dangling, 1, []string{"dangling.csv", "symbolic link", "no such file"}, nil},
	}
	if os.Geteuid() != 0 {
		unreadable := filepath.Join(dir, "unreadable.csv")
		if err := os.WriteFile(unreadable, []byte("a,b\n1,2\n"), 0o000); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, badCase{"unreadable file", unreadable, 1, []string{"unreadable.csv", "permission denied"}, nil})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code != 0 {
				testutil.FailingPipeline(t) // most fail in the pipeline
			}
			out := filepath.Join(dir, "out", strings.ReplaceAll(tc.name, " ", "_"), "o")
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			code, msg := vgmsynth(t, "run", "--input", tc.input, "--rows", "10", "--output", out, "--quiet")
			assertClean(t, msg)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*"))
			if code != 0 {
				if len(left) > 0 {
					t.Errorf("a failed run left files: %v", left)
				}
				return
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

func TestBadFlagsMore(t *testing.T) {
	dir := t.TempDir()
	schema := writeFile(t, dir, "schema.json", `{"nosuch": "float"}`)
	badKind := writeFile(t, dir, "kind.json", `{"amount": "money"}`)
	notJSON := writeFile(t, dir, "notjson.json", `amount: float`)
	in := corpus + "constant.csv"
	out := filepath.Join(dir, "o")
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"run", "--input", in, "--output", out, "--rows", "-5"}, 2, []string{"--rows", `"-5"`, "not a row count"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10x"}, 2, []string{"--rows", "not a row count"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "99999999999999999999"}, 2, []string{"--rows", "too large"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--shards", "0"}, 2, []string{"--shards", "at least 1"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--shards", "-3"}, 2, []string{"--shards"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--shards", "two"}, 2, []string{"--shards", "invalid value"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--format", "xlsx"}, 2, []string{"--format", `"xlsx"`, "csv or parquet"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--compression", "lz4"}, 1, []string{"--compression", "lz4"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--sample-size", "0"}, 2, []string{"--sample-size", "positive"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--min-category-count", "-1"}, 2, []string{"--min-category-count"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--model-type", "gan"}, 1, []string{"--model-type", `"gan"`}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--schema", schema}, 1, []string{"schema", `"nosuch"`, "columns: id, amount, unit"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--schema", badKind}, 1, []string{"schema", `"amount"`, `"money"`}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--schema", notJSON}, 1, []string{"schema", "notjson.json", "JSON object"}},
		{[]string{"run", "--input", in, "--output", out, "--rows", "10", "--schema", filepath.Join(dir, "none.json")}, 1, []string{"schema", "none.json", "no such file"}},
		{[]string{"run", "--input", in, "--rows", "10"}, 2, []string{"--output", "required"}},
		{[]string{"run", "--input", in, "--output", out}, 2, []string{"--rows", "required"}},
		{[]string{"fit", "--input", in}, 2, []string{"--model", "required"}},
		{[]string{"generate", "--model", "m.json", "--rows", "10", "--output", out, "extra"}, 2, []string{"unexpected argument", `"extra"`}},
	}
	for _, tt := range tests {
		code, msg := vgmsynth(t, tt.args...)
		assertClean(t, msg)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d; stderr: %s", tt.args[1:], code, tt.code, msg)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%v: message %q lacks %q", tt.args[1:], msg, w)
			}
		}
	}
	if left, _ := filepath.Glob(out + "*"); len(left) > 0 {
		t.Errorf("bad flags left files: %v", left)
	}
}

// TestBadModels feeds generate corrupt, hand-edited and hostile model
// files: each is refused with a clear message before any work starts.
func TestBadModels(t *testing.T) {
	dir := t.TempDir()
	base, err := os.ReadFile(corpus + "models/valid_network.json")
	if err != nil {
		t.Fatal(err)
	}
	var valid map[string]any
	if err := json.Unmarshal(base, &valid); err != nil {
		t.Fatal(err)
	}
	// edit returns the valid model changed by f, written to a file.
	edit := func(name string, f func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal(base, &m)
		f(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return writeFile(t, dir, name, string(b))
	}
	col := func(m map[string]any, name string) map[string]any {
		for _, c := range m["columns"].([]any) {
			if c := c.(map[string]any); c["name"] == name {
				return c
			}
		}
		t.Fatalf("no column %q", name)
		return nil
	}
	manyModes := edit("many_modes.json", func(m map[string]any) {
		var w, mu, sd []any
		for i := 0; i < 10000; i++ {
			w, mu, sd = append(w, 1e-4), append(mu, float64(i)), append(sd, 1.0)
		}
		col(m, "amount")["vgm"] = map[string]any{"weights": w, "means": mu, "stds": sd}
	})
	manyCategories := edit("million_categories.json", func(m map[string]any) {
		cats := make([]any, 1_000_000)
		for i := range cats {
			cats[i] = map[string]any{"value": fmt.Sprint(i), "frequency": 1e-6}
		}
		col(m, "city")["categories"] = cats
	})
	// A conditional table "claiming" millions of rows: JSON has no length
	// prefixes, so the claim is millions of short rows.
	var hugeCPT string
	{
		var b strings.Builder
		b.WriteString(`{"format_version":1,"model_type":"network","columns":[{"name":"c","kind":"categorical","null_fraction":0,"format":{},"categories":[{"value":"a","frequency":1}]}],"copula":{"columns":[],"correlation":[]},"network":{"bins":2,"nodes":[{"column":0,"cpt":[`)
		for i := 0; i < 4_000_000; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("[1]")
		}
		b.WriteString(`]}]}}`)
		hugeCPT = writeFile(t, dir, "huge_cpt.json", b.String())
	}
	tooLarge := filepath.Join(dir, "too_large.json")
	if err := os.WriteFile(tooLarge, append(base, make([]byte, 65<<20)...), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := writeFile(t, dir, "deep.json", strings.Repeat("[", 100000)+strings.Repeat("]", 100000))

	m := func(name string) string { return corpus + "models/" + name }
	cases := []struct {
		name, path string
		want       []string
	}{
		{"missing", filepath.Join(dir, "nope.json"), []string{"nope.json", "no such file"}},
		{"corrupt", m("corrupt.json"), []string{"corrupt.json", "not a valid vgmsynth model file"}},
		{"truncated", m("truncated.json"), []string{"truncated.json", "not a valid vgmsynth model file", "unexpected end"}},
		{"NaN literal", m("nan.json"), []string{"nan.json", "not a valid vgmsynth model file", "line "}},
		{"1e400", m("overflow.json"), []string{"overflow.json", "1e400"}},
		{"negative std", m("negative_std.json"), []string{"negative_std.json", `column "amount"`, "std is -1.5"}},
		{"weights not summing to 1", m("weights_sum.json"), []string{"weights_sum.json", `column "amount"`, "weights sum to 1.25"}},
		{"categories not summing to 1", m("category_sum.json"), []string{"category_sum.json", `column "city"`, "sum to 1.5"}},
		{"min above max", m("min_above_max.json"), []string{"min_above_max.json", `column "amount"`, "min <= max"}},
		{"null fraction 1.5", m("null_fraction.json"), []string{"null_fraction.json", "null_fraction 1.5"}},
		{"unknown kind", m("unknown_kind.json"), []string{"unknown_kind.json", `unknown column kind "text"`}},
		{"unknown field", m("unknown_field.json"), []string{"unknown_field.json", `unknown field "colums"`}},
		{"newer format_version", m("newer_version.json"), []string{"newer_version.json", "format_version 3 is newer", "upgrade"}},
		{"CPT row not summing to 1", m("cpt_sum.json"), []string{"cpt_sum.json", "network node 0", "sum to 2"}},
		{"asymmetric copula", m("copula_asymmetric.json"), []string{"copula_asymmetric.json", "copula correlation"}},
		{"network cycle", m("network_cycle.json"), []string{"network_cycle.json", "network node 1", "does not come before it"}},
		{"10,000 modes", manyModes, []string{"many_modes.json", `column "amount"`, "10000 modes"}},
		{"10^6 categories", manyCategories, []string{"million_categories.json", "more than 100000 elements"}},
		{"CPT of millions of rows", hugeCPT, []string{"huge_cpt.json", "more than 100000 elements"}},
		{"larger than 64 MiB", tooLarge, []string{"too_large.json", "larger than 64 MiB"}},
		{"deeply nested", deep, []string{"deep.json", "not a valid vgmsynth model file"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out", "o")
			code, msg := vgmsynth(t, "generate", "--model", tc.path, "--rows", "10", "--output", out, "--quiet")
			assertClean(t, msg)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "out", "*")); len(left) > 0 {
				t.Errorf("a refused model left files: %v", left)
			}
		})
	}
}
