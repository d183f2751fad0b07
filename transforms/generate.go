package transforms

import (
	"bufio"
	"context"
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
func ShardName(prefix string, i, n int, format string) string {
	return fmt.Sprintf("%s-%05d-of-%05d%s", prefix, i, n, tableio.Extension(format))
}

// TempDir is where a run's temporary shards live until finalisation.
func TempDir(prefix, runID string) string {
	return prefix + ".vgmsynth-tmp-" + runID
}

// GenerateShards generates cfg.Rows rows from the model (a PCollection of
// one model file, used as a side input) and writes them as cfg.Shards files
// under temporary names, where they are generated: rows never travel as
// Beam elements. It returns the PCollection of ShardResults for Finalize.
//
// Shards are dealt to cfg.Roots independent Impulse roots, which local
// runners execute concurrently; with one root the shard list is reshuffled
// so that a distributed runner spreads it over its workers.
func GenerateShards(s beam.Scope, model beam.PCollection, cfg OutputConfig) beam.PCollection {
	s = s.Scope("GenerateShards")
	var results []beam.PCollection
	roots := max(1, min(cfg.Roots, cfg.Shards))
	for r := 0; r < roots; r++ {
		specs := beam.ParDo(s, &planShardsFn{Rows: cfg.Rows, Shards: cfg.Shards, Root: r, Roots: roots}, beam.Impulse(s))
		if roots == 1 {
			specs = beam.Reshuffle(s, specs)
		}
		results = append(results, beam.ParDo(s, &writeShardFn{Out: cfg}, specs, beam.SideInput{Input: model}))
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

// writeShardFn generates one shard and writes it to its temporary name.
type writeShardFn struct {
	Out OutputConfig

	once sync.Once
	gen  *table.Generator
	err  error
}

func (fn *writeShardFn) generator(model []byte) (*table.Generator, error) {
	fn.once.Do(func() {
		m, err := table.DecodeModel(model)
		if err != nil {
			fn.err = err
			return
		}
		fn.gen, fn.err = table.NewGenerator(m)
	})
	return fn.gen, fn.err
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, sp ShardSpec, model []byte, emit func(ShardResult)) error {
	g, err := fn.generator(model)
	if err != nil {
		return err
	}
	res := ShardResult{
		Index: sp.Index, Total: sp.Total,
		Temp:  TempDir(fn.Out.Prefix, fn.Out.RunID) + "/" + shardBase(fn.Out.Prefix, sp, fn.Out.Format),
		Final: ShardName(fn.Out.Prefix, sp.Index, sp.Total, fn.Out.Format),
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
	cw := &countingWriter{w: f, crc: crc32.New(crc32.MakeTable(crc32.Castagnoli))}
	bw := bufio.NewWriterSize(cw, 4<<20)
	if err := writeRows(bw, g, sp, fn.Out); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", res.Temp, err)
	}
	if err := bw.Flush(); err != nil {
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

func shardBase(prefix string, sp ShardSpec, format string) string {
	name := ShardName(prefix, sp.Index, sp.Total, format)
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

// writeRows generates the shard's rows block by block and encodes them.
func writeRows(w io.Writer, g *table.Generator, sp ShardSpec, out OutputConfig) error {
	b := g.NewBlock()
	var pw *tableio.ParquetWriter
	var enc *tableio.CSVEncoder
	var buf []byte
	if out.Format == tableio.FormatParquet {
		var err error
		if pw, err = tableio.NewParquetWriter(w, g, out.Compression); err != nil {
			return err
		}
	} else {
		enc = tableio.NewCSVEncoder(g)
		buf = enc.AppendHeader(buf)
	}
	for start := sp.Start; start < sp.End; {
		block := start / table.BlockSize
		blockStart := block * table.BlockSize
		n := int(min(table.BlockSize, sp.End-blockStart))
		g.Fill(b, out.Seed, block, n)
		from := int(start - blockStart)
		if pw != nil {
			if err := pw.WriteRows(b, from, n); err != nil {
				return err
			}
		} else {
			buf = enc.AppendRows(buf, b, from, n)
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		start = blockStart + int64(n)
	}
	if pw != nil {
		return pw.Close()
	}
	if len(buf) > 0 {
		_, err := w.Write(buf)
		return err
	}
	return nil
}

// countingWriter counts and checksums what passes through it.
type countingWriter struct {
	w   io.Writer
	n   int64
	crc interface {
		io.Writer
		Sum32() uint32
	}
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc.Write(p[:n])
	return n, err
}
