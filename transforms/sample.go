// Package transforms holds vgmsynth's Beam composite transforms, each a
// function of beam.Scope: Sample reads and samples a table, Fit fits the
// model, GenerateShards, Encode and Decode write files where their rows
// are made (one shard worker; package sink commits the files), Generate
// returns generated rows as a PCollection for sinks of the user's own, and
// CheckCopies looks for generated rows that copy real ones. The statistics
// live in package vgm and its sub-packages (the row codec and the copy
// counter in vgm/table); this package only moves data between them.
package transforms

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*table.Summary)(nil)).Elem())
	beam.RegisterCoder(reflect.TypeOf((*table.Summary)(nil)).Elem(), encodeSummary, decodeSummary)
	register.DoFn3x1[context.Context, Task, func(table.Summary), error](&summariseFn{})
	register.Emitter1[table.Summary]()
	register.Combiner3[table.Summary, table.Summary, table.Summary](&mergeSummariesFn{})
}

// encodeSummary and decodeSummary carry summaries between workers: gob
// for the statistics (it keeps every field, maps included), then the
// sampled rows in a compact form that decodes into one string for all
// their fields (no string per field for the collector to trace).
func encodeSummary(s table.Summary) ([]byte, error) {
	rows := s.Sample
	s.Sample = nil
	var head bytes.Buffer
	if err := gob.NewEncoder(&head).Encode(&s); err != nil {
		return nil, fmt.Errorf("encode summary: %w", err)
	}
	out := binary.AppendUvarint(nil, uint64(head.Len()))
	out = append(out, head.Bytes()...)
	out = binary.AppendUvarint(out, uint64(len(rows)))
	for _, r := range rows {
		out = binary.LittleEndian.AppendUint64(out, r.Priority)
		out = binary.AppendVarint(out, int64(r.Source))
		out = binary.AppendVarint(out, r.Offset)
		out = binary.AppendVarint(out, r.Line)
		out = binary.AppendUvarint(out, uint64(len(r.Fields)))
		for _, f := range r.Fields {
			out = binary.AppendUvarint(out, uint64(len(f)))
			out = append(out, f...)
		}
	}
	return out, nil
}

// readVarint decodes a varint at b[*pos:] with decode and moves *pos past
// it; a corrupt one sets *pos to -1, and from there it reads nothing.
func readVarint[T uint64 | int64](b []byte, pos *int, decode func([]byte) (T, int)) T {
	if *pos < 0 {
		return 0
	}
	v, k := decode(b[*pos:])
	if k <= 0 {
		*pos = -1
		return 0
	}
	*pos += k
	return v
}

func decodeSummary(b []byte) (table.Summary, error) {
	var s table.Summary
	bad := func() (table.Summary, error) { return s, errors.New("decode summary: corrupt") }
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return bad()
	}
	if err := gob.NewDecoder(bytes.NewReader(b[k : k+int(n)])).Decode(&s); err != nil {
		return s, fmt.Errorf("decode summary: %w", err)
	}
	rest := b[k+int(n):]
	all := string(rest) // one string that every field points into
	pos := 0
	// The readers read nothing once pos is -1 (corrupt): the caller checks pos.
	uvarint := func() uint64 { return readVarint(rest, &pos, binary.Uvarint) }
	varint := func() int64 { return readVarint(rest, &pos, binary.Varint) }
	nrows := uvarint()
	if pos < 0 || nrows > uint64(len(rest)) {
		return bad()
	}
	s.Sample = make([]table.SampledRow, nrows)
	fields := make([]string, 0, int(nrows)*len(s.Columns))
	for i := range s.Sample {
		r := &s.Sample[i]
		if pos < 0 || pos+8 > len(rest) {
			return bad()
		}
		r.Priority = binary.LittleEndian.Uint64(rest[pos:])
		pos += 8
		r.Source, r.Offset, r.Line = int32(varint()), varint(), varint()
		nf := uvarint()
		if pos < 0 || nf > uint64(len(rest)) {
			return bad()
		}
		from := len(fields)
		for range nf {
			l := uvarint()
			if pos < 0 || l > uint64(len(rest)-pos) {
				return bad()
			}
			fields = append(fields, all[pos:pos+int(l)])
			pos += int(l)
		}
		r.Fields = fields[from:len(fields):len(fields)]
	}
	return s, nil
}

// SampleConfig says what to read and how large a sample to keep.
type SampleConfig struct {
	// Splits are the pieces of the input (see tableio.Plan).
	Splits []tableio.Split
	// Header is the input's column names.
	Header []string
	// K is the sample size; Seed salts the sampling priorities.
	K    int
	Seed uint64
	// Roots is the number of independent read roots; see Roots.
	Roots int
	// Hooks is the key of this run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// Sample reads the input and returns a PCollection with one table.Summary:
// a uniform sample of K rows and exact column statistics. Each split is
// read and summarised by one worker; the partial summaries are merged by a
// combine, exactly, so the result does not depend on how the work was
// distributed.
func Sample(s beam.Scope, cfg SampleConfig) beam.PCollection {
	s = s.Scope("vgmsynth.Sample")
	all := spread(s, splitTasks(cfg.Splits), cfg.Roots, func(tasks beam.PCollection) beam.PCollection {
		return beam.ParDo(s, &summariseFn{Header: cfg.Header, K: cfg.K, Seed: cfg.Seed, Hooks: cfg.Hooks}, tasks)
	})
	return beam.Combine(s, &mergeSummariesFn{Header: cfg.Header, K: cfg.K, Seed: cfg.Seed}, all)
}

// summariseFn reads the splits of a bundle into one partial summary,
// emitted when the bundle finishes: a worker ships one sample however many
// splits it read, which keeps the data crossing the combine small. The
// splits are read in FinishBundle by one goroutine per core, each into its
// own summary, merged at the end (merging is exact), so that reading keeps
// every core busy whatever the runner's scheduling of bundles.
type summariseFn struct {
	Header []string
	K      int
	Seed   uint64
	Hooks  string

	splits []tableio.Split
}

func (fn *summariseFn) StartBundle(_ context.Context, _ func(table.Summary)) {
	fn.splits = nil
}

func (fn *summariseFn) ProcessElement(_ context.Context, t Task, _ func(table.Summary)) error {
	fn.splits = append(fn.splits, t.Split)
	return nil
}

func (fn *summariseFn) FinishBundle(ctx context.Context, emit func(table.Summary)) error {
	if len(fn.splits) == 0 {
		return nil
	}
	rows := beam.NewCounter("vgmsynth", "rows_read")
	progress := rowCount(fn.Hooks)
	work := make(chan tableio.Split)
	workers := min(runtime.GOMAXPROCS(0), len(fn.splits))
	sums := make([]*table.Summary, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		sums[w] = table.NewSummary(fn.Header, fn.K, fn.Seed)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sp := range work {
				if errs[w] != nil {
					continue // drain
				}
				var n int64
				errs[w] = tableio.ReadBlocks(ctx, sp, fn.Header, func(b *tableio.Block) error {
					n += int64(b.Len())
					progress(int64(b.Len()))
					return sums[w].AddRows(&b.Rows)
				})
				rows.Inc(ctx, n)
			}
		}()
	}
	for _, sp := range fn.splits {
		work <- sp
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, other := range sums[1:] {
		if err := sums[0].Merge(other); err != nil {
			return err
		}
	}
	sums[0].Trim()
	emit(*sums[0])
	fn.splits = nil
	return nil
}

// mergeSummariesFn merges partial summaries into one.
type mergeSummariesFn struct {
	Header []string
	K      int
	Seed   uint64
}

func (fn *mergeSummariesFn) CreateAccumulator() table.Summary {
	return *table.NewSummary(fn.Header, fn.K, fn.Seed)
}

func (fn *mergeSummariesFn) AddInput(acc, in table.Summary) table.Summary {
	return fn.MergeAccumulators(acc, in)
}

func (fn *mergeSummariesFn) MergeAccumulators(a, b table.Summary) table.Summary {
	if err := a.Merge(&b); err != nil {
		panic(err) // same header on both sides by construction
	}
	return a
}

func (fn *mergeSummariesFn) ExtractOutput(a table.Summary) table.Summary {
	a.Trim()
	return a
}
