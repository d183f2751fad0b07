package transforms

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func(ShardSpec), error](&planShardsFn{})
	register.DoFn4x1[context.Context, ShardSpec, []byte, func(ShardResult), error](&writeShardFn{})
	register.DoFn3x1[context.Context, ShardSpec, func(ShardResult), error](&writeShardEmbeddedFn{})
	register.Emitter1[ShardSpec]()
	register.Emitter1[ShardResult]()
}

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
	// RunID names this run's temporary files.
	RunID string
	// Roots is the number of independent generation roots; see Roots.
	Roots int
	// Hooks is the key of this run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// ShardSpec is one output file to generate: rows [Start, End).
type ShardSpec struct {
	Index, Total int
	Start, End   int64
}

// ShardResult describes a shard written under its temporary name.
type ShardResult struct {
	Index, Total int
	Temp, Final  string
	Rows, Bytes  int64
	CRC32C       uint32
}

// ShardName is the final name of shard i of n.
func ShardName(prefix string, i, n int, format, compression string) string {
	return fmt.Sprintf("%s-%05d-of-%05d%s", prefix, i, n, tableio.ShardExtension(format, compression))
}

// attempts counts this process's attempts per shard, for
// Hooks.FailFirstAttempt.
var attempts = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

func firstAttempt(temp string) bool {
	attempts.Lock()
	defer attempts.Unlock()
	attempts.n[temp]++
	return attempts.n[temp] == 1
}

// errInjected is the failure Hooks.FailFirstAttempt injects.
var errInjected = errors.New("injected failure (Hooks.FailFirstAttempt)")

// TempDir is where a run's temporary shards live until finalisation.
func TempDir(prefix, runID string) string {
	return prefix + ".vgmsynth-tmp-" + runID
}

// GenerateShards generates cfg.Rows rows from the model (a PCollection of
// one model file, used as a side input) and writes them as cfg.Shards files
// under temporary names, where they are generated: rows never travel as
// Beam elements. It returns the PCollection of ShardResults for Finalize.
//
// When the model is known as the pipeline is built, GenerateShardsFrom
// embeds it in the workers instead: prism re-examines a stage with a side
// input in a busy loop while its bundles run, which costs a core.
//
// Shards are dealt to cfg.Roots independent Impulse roots, which local
// runners execute concurrently; with one root the shard list is reshuffled
// so that a distributed runner spreads it over its workers.
func GenerateShards(s beam.Scope, model beam.PCollection, cfg OutputConfig) beam.PCollection {
	return generateShards(s, model, nil, cfg)
}

// GenerateShardsFrom is GenerateShards with the model file's bytes given
// directly.
func GenerateShardsFrom(s beam.Scope, model []byte, cfg OutputConfig) beam.PCollection {
	return generateShards(s, beam.PCollection{}, model, cfg)
}

func generateShards(s beam.Scope, model beam.PCollection, modelBytes []byte, cfg OutputConfig) beam.PCollection {
	s = s.Scope("GenerateShards")
	var results []beam.PCollection
	roots := max(1, min(cfg.Roots, cfg.Shards))
	for r := 0; r < roots; r++ {
		specs := beam.ParDo(s, &planShardsFn{Rows: cfg.Rows, Shards: cfg.Shards, Root: r, Roots: roots}, beam.Impulse(s))
		if roots == 1 {
			specs = beam.Reshuffle(s, specs)
		}
		if model.IsValid() {
			results = append(results, beam.ParDo(s, &writeShardFn{Out: cfg}, specs, beam.SideInput{Input: model}))
		} else {
			results = append(results, beam.ParDo(s, &writeShardEmbeddedFn{Out: cfg, Model: modelBytes}, specs))
		}
	}
	if len(results) == 1 {
		return results[0]
	}
	return beam.Flatten(s, results...)
}

// ShardRanges splits rows into n contiguous ranges of near-equal size.
func ShardRanges(rows int64, n int) []ShardSpec {
	specs := make([]ShardSpec, n)
	for i := range specs {
		specs[i] = ShardSpec{Index: i, Total: n, Start: rows * int64(i) / int64(n), End: rows * int64(i+1) / int64(n)}
	}
	return specs
}

// planShardsFn emits the shards of one root.
type planShardsFn struct {
	Rows        int64
	Shards      int
	Root, Roots int
}

func (fn *planShardsFn) ProcessElement(_ context.Context, _ []byte, emit func(ShardSpec)) error {
	for _, sp := range ShardRanges(fn.Rows, fn.Shards) {
		if sp.Index%fn.Roots == fn.Root {
			emit(sp)
		}
	}
	return nil
}

// writeShardFn generates one shard and writes it to its temporary name; the
// model comes as a side input.
type writeShardFn struct {
	Out OutputConfig

	w shardWriter
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, sp ShardSpec, model []byte, emit func(ShardResult)) error {
	return fn.w.write(ctx, fn.Out, model, sp, emit)
}

// writeShardEmbeddedFn is writeShardFn with the model in the DoFn.
type writeShardEmbeddedFn struct {
	Out   OutputConfig
	Model []byte

	w shardWriter
}

func (fn *writeShardEmbeddedFn) ProcessElement(ctx context.Context, sp ShardSpec, emit func(ShardResult)) error {
	return fn.w.write(ctx, fn.Out, fn.Model, sp, emit)
}

// shardWriter writes shards, preparing the generator once per DoFn
// instance.
type shardWriter struct {
	once sync.Once
	gen  *table.Generator
	err  error
}

func (w *shardWriter) generator(model []byte) (*table.Generator, error) {
	w.once.Do(func() {
		m, err := table.DecodeModel(model)
		if err != nil {
			w.err = err
			return
		}
		w.gen, w.err = table.NewGenerator(m)
	})
	return w.gen, w.err
}

func (w *shardWriter) write(ctx context.Context, out OutputConfig, model []byte, sp ShardSpec, emit func(ShardResult)) error {
	g, err := w.generator(model)
	if err != nil {
		return err
	}
	res := ShardResult{
		Index: sp.Index, Total: sp.Total,
		Temp:  TempDir(out.Prefix, out.RunID) + "/" + shardBase(out.Prefix, sp, out.Format, out.Compression),
		Final: ShardName(out.Prefix, sp.Index, sp.Total, out.Format, out.Compression),
		Rows:  sp.End - sp.Start,
	}
	fs, err := filesystem.New(ctx, res.Temp)
	if err != nil {
		return err
	}
	defer fs.Close()
	f, err := fs.OpenWrite(ctx, res.Temp)
	if err != nil {
		return fmt.Errorf("write %s: %w", res.Temp, err)
	}
	cw := &countingWriter{w: f, crc: crc32.New(crc32.MakeTable(crc32.Castagnoli)), ctx: ctx}
	h := hooks(out.Hooks)
	if h.FailFirstAttempt != nil && h.FailFirstAttempt(sp.Index) && firstAttempt(res.Final) {
		cw.failAfter = 1000
	}
	if err := tableio.WriteShard(cw, g, out.Seed, sp.Start, sp.End, out.Format, out.Compression, h.Rows); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", res.Temp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", res.Temp, err)
	}
	res.Bytes, res.CRC32C = cw.n, cw.crc.Sum32()
	beam.NewCounter("vgmsynth", "rows_written").Inc(ctx, res.Rows)
	beam.NewCounter("vgmsynth", "bytes_written").Inc(ctx, res.Bytes)
	emit(res)
	return nil
}

func shardBase(prefix string, sp ShardSpec, format, compression string) string {
	name := ShardName(prefix, sp.Index, sp.Total, format, compression)
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

// countingWriter counts and checksums what passes through it. It stops
// with the context's error once the run is cancelled (an interrupted
// local run), so that no worker keeps writing after the command has
// cleaned up.
type countingWriter struct {
	w   io.Writer
	n   int64
	crc interface {
		io.Writer
		Sum32() uint32
	}
	ctx       context.Context
	failAfter int64 // Hooks.FailFirstAttempt: fail once this many bytes are written
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.ctx != nil {
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
	}
	if c.failAfter > 0 && c.n+int64(len(p)) > c.failAfter {
		n, _ := c.w.Write(p[:c.failAfter-c.n])
		c.n += int64(n)
		return n, errInjected
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc.Write(p[:n])
	return n, err
}
