package sink

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

// The commit must survive retries and kills: finalisation run again
// changes nothing, and an interrupted one completes, through its journal,
// when retried or recovered. The shards here are small text files written
// through File, as a worker writes them.

// shardRows is the rows each test shard holds.
const shardRows = 3

// writeAll writes every shard of cfg through File and returns their
// descriptions by index.
func writeAll(t *testing.T, cfg Output) []Shard {
	t.Helper()
	var out []Shard
	for i := 0; i < cfg.Shards; i++ {
		f, err := Create(context.Background(), cfg, i)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "a,b\n%s", strings.Repeat(fmt.Sprintf("%d,%s\n", i, cfg.RunID), shardRows))
		r, err := f.Close(shardRows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// finalize runs the finalisation DoFn on results, as a runner would.
func finalize(t *testing.T, cfg Output, results []Shard) error {
	t.Helper()
	i := 0
	next := func(r *Shard) bool {
		if i == len(results) {
			return false
		}
		*r = results[i]
		i++
		return true
	}
	fn := &finalizeFn{Out: cfg}
	return fn.ProcessElement(context.Background(), nil, next, func(string) {})
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func TestFinalizeIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	cfg := Output{Prefix: filepath.Join(dir, "out"), Format: "csv", Shards: 4, Seed: 3, RunID: "r1"}
	results := writeAll(t, cfg)
	if err := finalize(t, cfg, results); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, dir)
	if len(first) != 5 {
		t.Fatalf("want 4 shards and a manifest, got %v", keys(first))
	}
	// The runner retries the finalisation (its success was lost).
	if err := finalize(t, cfg, results); err != nil {
		t.Fatalf("second finalisation: %v", err)
	}
	if second := snapshot(t, dir); !equalMaps(first, second) {
		t.Fatalf("a second finalisation changed the output:\n%v\n%v", keys(first), keys(second))
	}
}

func TestFinalizeInterruptedThenRetried(t *testing.T) {
	dir := t.TempDir()
	cfg := Output{Prefix: filepath.Join(dir, "out"), Format: "csv", Shards: 4, Seed: 3, RunID: "r1"}
	results := writeAll(t, cfg)
	// An older output with another shard count, to be replaced.
	old := cfg
	old.Shards, old.RunID = 2, "r0"
	if err := finalize(t, old, writeAll(t, old)); err != nil {
		t.Fatal(err)
	}
	// The first attempt stops after its journal is written and the first
	// shard renamed (a cancelled context stops it between steps).
	fs := localFS(t, cfg.Prefix)
	man, temps := manifestOf(cfg, results)
	if err := move(context.Background(), fs, temps[0], man.Shards[0].Path); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := commit(ctx, fs, cfg.Prefix, cfg.RunID, man, temps); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled finalisation: %v", err)
	}
	if _, err := os.Stat(PendingName(cfg.Prefix)); err != nil {
		t.Fatalf("no journal after an interrupted finalisation: %v", err)
	}
	if _, err := os.Stat(ManifestName(cfg.Prefix)); err == nil {
		t.Fatal("the old manifest survived the start of a finalisation")
	}
	// The retry completes it, with the journal's manifest.
	if err := finalize(t, cfg, results); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got, err := readManifest(context.Background(), ManifestName(cfg.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shards) != 4 || got.Rows != 4*shardRows {
		t.Fatalf("manifest after the retry: %+v", got)
	}
	files, _ := ExistingOutput(context.Background(), cfg.Prefix)
	if len(files) != 5 {
		t.Fatalf("after the retry: %v (the old 2-shard output's files must be gone)", files)
	}
	if left, _ := filepath.Glob(cfg.Prefix + ".*"); len(left) > 0 {
		t.Fatalf("left after the retry: %v", left)
	}
	// Recover on a finished output changes nothing.
	before := snapshot(t, dir)
	if note, err := Recover(context.Background(), cfg.Prefix); err != nil || note != "" {
		t.Fatalf("Recover on a finished output: %q, %v", note, err)
	}
	if !equalMaps(before, snapshot(t, dir)) {
		t.Fatal("Recover changed a finished output")
	}
}

// manifestOf is the manifest of results, and their temporary names.
func manifestOf(cfg Output, results []Shard) (Manifest, []string) {
	byIndex := map[int]Shard{}
	for _, r := range results {
		byIndex[r.Index] = r
	}
	return ManifestOf(cfg, byIndex)
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, filepath.Base(k))
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func localFS(t *testing.T, p string) filesystem.Interface {
	t.Helper()
	fs, err := filesystem.New(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs
}

// TestRecoverOtherSpelling interrupts a finalisation under one spelling of
// the prefix and recovers it under another: the journal's files are found
// by name, relative to the prefix given.
func TestRecoverOtherSpelling(t *testing.T) {
	dir := t.TempDir()
	cfg := Output{Prefix: filepath.Join(dir, "sub") + "/./out", Format: "csv", Shards: 3, Seed: 4, RunID: "abc"}
	results := writeAll(t, cfg)
	man, temps := manifestOf(cfg, results)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := commit(ctx, localFS(t, cfg.Prefix), cfg.Prefix, cfg.RunID, man, temps); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled finalisation: %v", err)
	}
	other := filepath.Join(dir, "sub", "out")
	note, err := Recover(context.Background(), other)
	if err != nil || note == "" {
		t.Fatalf("Recover: %q, %v", note, err)
	}
	files, _ := ExistingOutput(context.Background(), other)
	if len(files) != 4 {
		t.Fatalf("after recovery: %v", files)
	}
	if left, _ := filepath.Glob(other + ".*"); len(left) > 0 {
		t.Fatalf("left after recovery: %v", left)
	}
}
