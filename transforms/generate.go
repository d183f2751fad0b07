package transforms

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
)

// OutputConfig says what to generate and where to write it.
type OutputConfig struct {
	// Prefix is the output path prefix: shard i of K is written to
	// Prefix-0000i-of-0000K.ext.
	Prefix string
	// Format is "csv" or "parquet"; Compression a codec name for it.
	Format      string
	Compression string
	// Rows is the total row count; Shards the number of files.
	Rows   int64
	Shards int
	// Seed seeds generation: the same model, seed and rows give the same
	// bytes.
	Seed uint64
	// RunID names this run's temporary files (sink.TempDir).
	RunID string
	// Roots is the number of independent generation roots (runners.Roots).
	Roots int
	// Hooks is the key of this run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// output is where cfg's files go.
func (cfg OutputConfig) output() sink.Output {
	return sink.Output{Prefix: cfg.Prefix, Format: cfg.Format, Compression: cfg.Compression, Shards: cfg.Shards, Seed: cfg.Seed, RunID: cfg.RunID}
}

// GenerateShards generates cfg.Rows rows from the model and writes them as
// cfg.Shards files, each under a temporary name where it is generated:
// rows never travel as Beam elements. A final step (sink.Finalize) renames
// the files and writes the manifest PREFIX-MANIFEST.json, whose path the
// returned PCollection holds. GenerateShards does not check for an
// earlier output under the prefix (see sink.Prepare); it replaces one.
//
// Shards are dealt to cfg.Roots independent Impulse roots, which local
// runners execute concurrently; with one root the shard list is reshuffled
// so that a distributed runner spreads it over its workers.
func GenerateShards(s beam.Scope, model Model, cfg OutputConfig) beam.PCollection {
	s = s.Scope("vgmsynth.GenerateShards")
	job := shardJob{Kind: jobGenerate, Out: cfg.output(), Hooks: cfg.Hooks}
	return writeFiles(s, model, job, ShardRanges(cfg.Rows, cfg.Shards), cfg.Roots)
}

// writeFiles spreads tasks over roots, writes each task's file with the
// shard worker and finalises the output.
func writeFiles(s beam.Scope, model Model, job shardJob, tasks []Task, roots int) beam.PCollection {
	shards := spread(s, tasks, roots, func(tasks beam.PCollection) beam.PCollection {
		return model.writeShards(s, job, tasks)
	})
	return sink.Finalize(s, shards, job.Out)
}

// ShardRanges splits rows into n contiguous ranges of near-equal size.
func ShardRanges(rows int64, n int) []Task {
	tasks := make([]Task, n)
	for i := range tasks {
		tasks[i] = Task{Index: i, Total: n, Start: rows * int64(i) / int64(n), End: rows * int64(i+1) / int64(n)}
	}
	return tasks
}
