package transforms

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

// Runners retry failed bundles (Dataflow does, prism does not: a failed
// bundle fails its job). A retried shard must come out byte for byte the
// same, whatever the failed attempt left, and finalisation run again must
// change nothing. These tests inject the failure with Hooks.FailFirstAttempt.

const retryModel = "../testdata/bad/models/valid_network.json"

func readModelFile(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(retryModel)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// failShard makes the first attempt at shard index fail in runs of cfg,
// for one test.
func failShard(t *testing.T, cfg *OutputConfig, index int) {
	t.Helper()
	key, release := Hooks{FailFirstAttempt: func(shard int) bool { return shard == index }}.Register()
	cfg.Hooks = key
	t.Cleanup(release)
}

// writeAll writes every shard of cfg through one shardWriter, as one worker
// would, and returns the results by index.
func writeAll(t *testing.T, cfg OutputConfig, model []byte) []ShardResult {
	t.Helper()
	var w shardWriter
	var out []ShardResult
	for _, sp := range ShardRanges(cfg.Rows, cfg.Shards) {
		if err := w.write(context.Background(), cfg, model, sp, func(r ShardResult) { out = append(out, r) }); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestRetriedShardIsIdentical(t *testing.T) {
	model := readModelFile(t)
	for _, format := range []string{"csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			clean := OutputConfig{Prefix: filepath.Join(dir, "clean"), Format: format, Rows: 40000, Shards: 3, Seed: 9, RunID: "a"}
			want := writeAll(t, clean, model)

			cfg := clean
			cfg.Prefix, cfg.RunID = filepath.Join(dir, "retried"), "b"
			failShard(t, &cfg, 1)
			sp := ShardRanges(cfg.Rows, cfg.Shards)[1]
			var w shardWriter
			var got []ShardResult
			emit := func(r ShardResult) { got = append(got, r) }
			err := w.write(context.Background(), cfg, model, sp, emit)
			if !errors.Is(err, errInjected) {
				t.Fatalf("first attempt: %v, want the injected failure", err)
			}
			temp := TempDir(cfg.Prefix, cfg.RunID) + "/" + filepath.Base(ShardName(cfg.Prefix, 1, 3, format, ""))
			if st, err := os.Stat(temp); err != nil || st.Size() == 0 || st.Size() >= want[1].Bytes {
				t.Fatalf("the failed attempt should leave a partial temporary file: %v %v", st, err)
			}
			// The retry, on the same worker and on a fresh one.
			for _, w := range []*shardWriter{&w, new(shardWriter)} {
				got = nil
				if err := w.write(context.Background(), cfg, model, sp, emit); err != nil {
					t.Fatalf("retry: %v", err)
				}
				if len(got) != 1 || got[0].Bytes != want[1].Bytes || got[0].CRC32C != want[1].CRC32C || got[0].Rows != want[1].Rows {
					t.Fatalf("retried shard %+v, want %+v", got, want[1])
				}
				a, _ := os.ReadFile(want[1].Temp)
				b, _ := os.ReadFile(got[0].Temp)
				if !bytes.Equal(a, b) {
					t.Fatal("retried shard's bytes differ")
				}
			}
		})
	}
}

// finalize runs the finalisation DoFn on results, as a runner would.
func finalize(t *testing.T, cfg OutputConfig, results []ShardResult) error {
	t.Helper()
	i := 0
	next := func(r *ShardResult) bool {
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
	model := readModelFile(t)
	dir := t.TempDir()
	cfg := OutputConfig{Prefix: filepath.Join(dir, "out"), Format: "csv", Rows: 30000, Shards: 4, Seed: 3, RunID: "r1"}
	results := writeAll(t, cfg, model)
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
	model := readModelFile(t)
	dir := t.TempDir()
	cfg := OutputConfig{Prefix: filepath.Join(dir, "out"), Format: "csv", Rows: 30000, Shards: 4, Seed: 3, RunID: "r1"}
	results := writeAll(t, cfg, model)
	// An older output with another shard count, to be replaced.
	old := cfg
	old.Shards, old.RunID = 2, "r0"
	if err := finalize(t, old, writeAll(t, old, model)); err != nil {
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
	got, err := readManifest(context.Background(), fs, ManifestName(cfg.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shards) != 4 || got.Rows != 30000 {
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

// TestPipelineShardFailsOnce runs generation on prism with shard 1 failing
// on its first attempt. Prism does not retry bundles, so the job fails,
// with the injected error and no file under a final name; the rerun (a
// retry, at the scale of the job) writes exactly the bytes of a run that
// never failed.
func TestPipelineShardFailsOnce(t *testing.T) {
	model := readModelFile(t)
	dir := t.TempDir()
	run := func(cfg OutputConfig) error {
		p, s := beam.NewPipelineWithRoot()
		Finalize(s, GenerateShardsFrom(s, model, cfg), cfg)
		return ptest.Run(p)
	}
	clean := OutputConfig{Prefix: filepath.Join(dir, "clean", "out"), Format: "csv", Rows: 50000, Shards: 3, Seed: 5, RunID: "c", Roots: 2}
	if err := run(clean); err != nil {
		t.Fatal(err)
	}
	cfg := clean
	cfg.Prefix, cfg.RunID = filepath.Join(dir, "failed", "out"), "f1"
	failShard(t, &cfg, 1)
	err := run(cfg)
	if err == nil {
		t.Log("the runner retried the failed bundle")
	} else {
		if files, _ := ExistingOutput(context.Background(), cfg.Prefix); len(files) > 0 {
			t.Fatalf("a failed job left final-named files: %v", files)
		}
		if _, err := Abandon(context.Background(), cfg.Prefix, cfg.RunID); err != nil {
			t.Fatal(err)
		}
		cfg.RunID = "f2"
		if err := run(cfg); err != nil {
			t.Fatalf("rerun: %v", err)
		}
	}
	for i := 0; i < 3; i++ {
		a, err1 := os.ReadFile(ShardName(clean.Prefix, i, 3, "csv", ""))
		b, err2 := os.ReadFile(ShardName(cfg.Prefix, i, 3, "csv", ""))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Fatalf("shard %d differs from a run that never failed (%v, %v)", i, err1, err2)
		}
	}
	if left, _ := filepath.Glob(cfg.Prefix + ".vgmsynth-tmp-*"); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func manifestOf(cfg OutputConfig, results []ShardResult) (Manifest, []string) {
	man := Manifest{Format: cfg.Format, Rows: cfg.Rows, Seed: cfg.Seed}
	var temps []string
	byIndex := map[int]ShardResult{}
	for _, r := range results {
		byIndex[r.Index] = r
	}
	for i := 0; i < cfg.Shards; i++ {
		r := byIndex[i]
		temps = append(temps, r.Temp)
		man.Shards = append(man.Shards, ManifestShard{Path: r.Final, Rows: r.Rows, Bytes: r.Bytes, CRC32C: r.CRC32C})
	}
	return man, temps
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
	model := readModelFile(t)
	dir := t.TempDir()
	cfg := OutputConfig{Prefix: filepath.Join(dir, "sub") + "/./out", Format: "csv", Rows: 20000, Shards: 3, Seed: 4, RunID: "abc"}
	results := writeAll(t, cfg, model)
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
