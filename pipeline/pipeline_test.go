package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"

	_ "github.com/vgmsynth/vgmsynth/runners" // runners and filesystems
)

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

const example = "../examples/seattle-weather.csv"

// testRunner runs jobs on the test's runner (prism unless --runner says
// otherwise).
func testRunner(_ context.Context, p *beam.Pipeline) error { return ptest.Run(p) }

// mustRun runs a job that must build and succeed.
func mustRun(t *testing.T, job *Job, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Run(context.Background(), testRunner); err != nil {
		t.Fatal(err)
	}
}

// fitModel fits the example table once per test binary.
var fitted []byte

func fitModel(t *testing.T) []byte {
	t.Helper()
	if fitted != nil {
		return fitted
	}
	path := filepath.Join(t.TempDir(), "model.json")
	job, err := Fit(context.Background(), Input{Glob: example, SampleSize: 1000, Roots: 2, FitConfig: transforms.FitConfig{Seed: 1}}, path)
	mustRun(t, job, err)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := table.DecodeModel(data)
	if err != nil {
		t.Fatal(err)
	}
	if mod.RowsSeen != 1461 || mod.SampleSize != 1000 {
		t.Fatalf("rows_seen %d, sample_size %d; want 1461, 1000", mod.RowsSeen, mod.SampleSize)
	}
	fitted = data
	return data
}

// generate runs a generate job and returns the shard files, sorted.
func generate(t *testing.T, model []byte, out Output) []string {
	t.Helper()
	job, err := Generate(context.Background(), model, out)
	mustRun(t, job, err)
	files, _ := filepath.Glob(out.Prefix + "-*-of-*")
	sort.Strings(files)
	return files
}

// body concatenates the shards' data rows, without their headers.
func body(t *testing.T, files []string) (string, int) {
	t.Helper()
	var b strings.Builder
	rows := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(data), "\n")
		for _, l := range lines[1:] {
			if l != "" {
				b.WriteString(l)
				rows++
			}
		}
	}
	return b.String(), rows
}

func TestGenerateExactRowCounts(t *testing.T) {
	model := fitModel(t)
	dir := t.TempDir()
	for _, rows := range []int64{0, 1, 7, 1000} {
		for _, shards := range []int{1, 3, 16} {
			prefix := filepath.Join(dir, "out", strings.ReplaceAll(t.Name(), "/", "_")+"-"+itoa(rows)+"-"+itoa(int64(shards)))
			files := generate(t, model, Output{OutputConfig: transforms.OutputConfig{Prefix: prefix, Format: "csv", Rows: rows, Shards: shards, Seed: 3, Roots: 2}})
			if len(files) != shards {
				t.Fatalf("rows %d shards %d: %d files, want %d", rows, shards, len(files), shards)
			}
			if _, n := body(t, files); int64(n) != rows {
				t.Errorf("rows %d shards %d: got %d rows", rows, shards, n)
			}
			if _, err := os.Stat(sink.ManifestName(prefix)); err != nil {
				t.Errorf("no manifest: %v", err)
			}
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestGenerateDeterministic(t *testing.T) {
	model := fitModel(t)
	dir := t.TempDir()
	const rows = 40000 // spans three generation blocks
	a := generate(t, model, Output{OutputConfig: transforms.OutputConfig{Prefix: filepath.Join(dir, "a"), Format: "csv", Rows: rows, Shards: 1, Seed: 9, Roots: 2}})
	b := generate(t, model, Output{OutputConfig: transforms.OutputConfig{Prefix: filepath.Join(dir, "b"), Format: "csv", Rows: rows, Shards: 1, Seed: 9, Roots: 2}})
	c := generate(t, model, Output{OutputConfig: transforms.OutputConfig{Prefix: filepath.Join(dir, "c"), Format: "csv", Rows: rows, Shards: 16, Seed: 9, Roots: 2}})
	da, _ := os.ReadFile(a[0])
	db, _ := os.ReadFile(b[0])
	if !bytes.Equal(da, db) {
		t.Fatal("two runs with the same seed differ")
	}
	ba, n := body(t, a)
	bc, _ := body(t, c)
	if n != rows {
		t.Fatalf("got %d rows", n)
	}
	if ba != bc {
		t.Fatal("1 shard and 16 shards give different rows")
	}
	d := generate(t, model, Output{OutputConfig: transforms.OutputConfig{Prefix: filepath.Join(dir, "d"), Format: "csv", Rows: rows, Shards: 1, Seed: 10, Roots: 2}})
	if bd, _ := body(t, d); bd == ba {
		t.Fatal("another seed gives the same rows")
	}
}

func TestRunParquet(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "w")
	in := Input{Glob: example, SampleSize: 500, Roots: 2, FitConfig: transforms.FitConfig{Seed: 1}}
	job, err := FitGenerate(context.Background(), in, "", Output{OutputConfig: transforms.OutputConfig{Prefix: prefix, Format: "parquet", Rows: 5000, Shards: 3, Seed: 1, Roots: 2}})
	mustRun(t, job, err)
	files, _ := filepath.Glob(prefix + "-*-of-00003.parquet")
	if len(files) != 3 {
		t.Fatalf("files: %v", files)
	}
	total := 0
	for _, f := range files {
		header, err := tableio.Header(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(header, ",") != "date,precipitation,temp_max,temp_min,wind,weather" {
			t.Fatalf("parquet columns %v", header)
		}
		sp := tableio.Split{Path: f, Parquet: true, Start: 0, End: 1 << 30}
		if err := tableio.Read(context.Background(), sp, header, func(_, _ int64, _ []string) error { total++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if total != 5000 {
		t.Fatalf("read %d rows back, want 5000", total)
	}
}

func TestRefusesExistingOutput(t *testing.T) {
	model := fitModel(t)
	prefix := filepath.Join(t.TempDir(), "x")
	generate(t, model, Output{OutputConfig: transforms.OutputConfig{Prefix: prefix, Format: "csv", Rows: 10, Shards: 2, Seed: 1, Roots: 2}})
	_, err := Generate(context.Background(), model, Output{OutputConfig: transforms.OutputConfig{Prefix: prefix, Format: "csv", Rows: 10, Shards: 2, Roots: 2}})
	var exists *sink.ExistsError
	if !errors.As(err, &exists) {
		t.Fatalf("got %v, want a refusal to replace the output", err)
	}
	// With --overwrite, a different shard count replaces the old files.
	files := generate(t, model, Output{Overwrite: true, OutputConfig: transforms.OutputConfig{Prefix: prefix, Format: "csv", Rows: 10, Shards: 1, Seed: 1, Roots: 2}})
	if len(files) != 1 {
		t.Fatalf("after overwrite: %v", files)
	}
}

// TestFailedRunLeavesNoFinalFiles fails the first attempt at shard 1 part
// way through (prism does not retry bundles, so the job fails): no file may
// stand under a final name where the job writes, and Abandon leaves the
// directory empty. The same job without the failure writes its shards
// there, which the same pattern finds.
func TestFailedRunLeavesNoFinalFiles(t *testing.T) {
	testutil.FailingPipeline(t)
	model := fitModel(t)
	ctx := context.Background()
	dir := t.TempDir()
	out := Output{OutputConfig: transforms.OutputConfig{Prefix: filepath.Join(dir, "rows"), Format: "csv", Rows: 20000, Shards: 2, Roots: 2, RunID: "failed"}}
	finals := func() []string {
		t.Helper()
		files, err := filepath.Glob(out.Prefix + "-*-of-*")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(sink.ManifestName(out.Prefix)); err == nil {
			files = append(files, sink.ManifestName(out.Prefix))
		}
		return files
	}
	key, release := transforms.Hooks{FailFirstAttempt: func(shard int) bool { return shard == 1 }}.Register()
	defer release()
	failing := out
	failing.Hooks = key
	job, err := Generate(ctx, model, failing)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Run(ctx, testRunner); err == nil {
		t.Fatal("run succeeded, want the injected failure")
	}
	if left := finals(); len(left) > 0 {
		t.Fatalf("final files left behind: %v", left)
	}
	if finished, err := Abandon(ctx, failing.Prefix, failing.RunID); finished || err != nil {
		t.Fatalf("Abandon: finished %v, err %v; want false, nil", finished, err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Fatalf("after Abandon, %d entries left in %s (%s ...)", len(left), dir, left[0].Name())
	}
	out.RunID = "clean"
	if files := generate(t, model, out); len(files) != 2 || len(finals()) != 3 {
		t.Fatalf("a clean run wrote %v, want two shards and a manifest", finals())
	}
}
