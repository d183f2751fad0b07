package transforms

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
)

// Runners retry failed bundles (Dataflow does, prism does not: a failed
// bundle fails its job). A retried shard must come out byte for byte the
// same, whatever the failed attempt left (finalisation run again must
// change nothing: see package sink's tests). These tests inject the
// failure with Hooks.FailFirstAttempt.

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

// generateJob is the shard worker's job for cfg.
func generateJob(cfg OutputConfig) shardJob {
	return shardJob{Kind: jobGenerate, Out: cfg.output(), Hooks: cfg.Hooks}
}

// writeAll writes every shard of cfg through one shardWorker, as one worker
// would, and returns the results by index.
func writeAll(t *testing.T, cfg OutputConfig, model []byte) []sink.Shard {
	t.Helper()
	var w shardWorker
	var out []sink.Shard
	for _, sp := range ShardRanges(cfg.Rows, cfg.Shards) {
		if err := w.write(context.Background(), generateJob(cfg), model, sp, func(r sink.Shard) { out = append(out, r) }); err != nil {
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
			var w shardWorker
			var got []sink.Shard
			emit := func(r sink.Shard) { got = append(got, r) }
			err := w.write(context.Background(), generateJob(cfg), model, sp, emit)
			if !errors.Is(err, errInjected) {
				t.Fatalf("first attempt: %v, want the injected failure", err)
			}
			temp := cfg.output().Temp(1)
			if st, err := os.Stat(temp); err != nil || st.Size() == 0 || st.Size() >= want[1].Bytes {
				t.Fatalf("the failed attempt should leave a partial temporary file: %v %v", st, err)
			}
			// The retry, on the same worker and on a fresh one.
			for _, w := range []*shardWorker{&w, new(shardWorker)} {
				got = nil
				if err := w.write(context.Background(), generateJob(cfg), model, sp, emit); err != nil {
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

// TestPipelineShardFailsOnce runs generation on prism with shard 1 failing
// on its first attempt. Prism does not retry bundles, so the job fails,
// with the injected error and no file under a final name; the rerun (a
// retry, at the scale of the job) writes exactly the bytes of a run that
// never failed.
func TestPipelineShardFailsOnce(t *testing.T) {
	testutil.FailingPipeline(t)
	model := readModelFile(t)
	dir := t.TempDir()
	run := func(cfg OutputConfig) error {
		p, s := beam.NewPipelineWithRoot()
		GenerateShards(s, ModelBytes(model), cfg)
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
		if files, _ := sink.ExistingOutput(context.Background(), cfg.Prefix); len(files) > 0 {
			t.Fatalf("a failed job left final-named files: %v", files)
		}
		if _, err := sink.Abandon(context.Background(), cfg.Prefix, cfg.RunID); err != nil {
			t.Fatal(err)
		}
		cfg.RunID = "f2"
		if err := run(cfg); err != nil {
			t.Fatalf("rerun: %v", err)
		}
	}
	for i := 0; i < 3; i++ {
		a, err1 := os.ReadFile(clean.output().Final(i))
		b, err2 := os.ReadFile(cfg.output().Final(i))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Fatalf("shard %d differs from a run that never failed (%v, %v)", i, err1, err2)
		}
	}
	if left, _ := filepath.Glob(cfg.Prefix + ".vgmsynth-tmp-*"); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
