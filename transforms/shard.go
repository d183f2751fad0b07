package transforms

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, Task, func(sink.Shard), error](&shardFn{})
	register.DoFn4x1[context.Context, Task, []byte, func(sink.Shard), error](&shardSideFn{})
}

// The jobs of the shard worker.
const (
	jobGenerate = "generate" // rows [Start, End) of the output
	jobEncode   = "encode"   // Split, as Parquet (table.RowEncoder)
	jobDecode   = "decode"   // Split, as CSV (table.RowDecoder)
)

// shardJob is what the workers of GenerateShards, Encode and Decode need
// to know.
type shardJob struct {
	Kind string
	// Out is the output; Out.Seed seeds generation or the modes drawn.
	Out sink.Output
	// Header is the input's columns (encode, decode).
	Header []string
	// Clamp is DecodeConfig's.
	Clamp bool
	// Hooks is the key of the run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// shardFn writes one task's file with the model embedded.
type shardFn struct {
	Job   shardJob
	Model []byte

	w shardWorker
}

func (fn *shardFn) ProcessElement(ctx context.Context, t Task, emit func(sink.Shard)) error {
	return fn.w.write(ctx, fn.Job, fn.Model, t, emit)
}

// shardSideFn writes one task's file with the model as a side input.
type shardSideFn struct {
	Job shardJob

	w shardWorker
}

func (fn *shardSideFn) ProcessElement(ctx context.Context, t Task, model []byte, emit func(sink.Shard)) error {
	return fn.w.write(ctx, fn.Job, model, t, emit)
}

// shardWorker writes files where their rows are made: rows never travel
// as Beam elements. It prepares what a DoFn instance needs once: the
// model, the generator or the encoder, and the encoded columns.
type shardWorker struct {
	once sync.Once
	m    *table.Model
	gen  *table.Generator
	enc  *table.RowEncoder
	cols []table.EncodedColumn
	err  error
}

func (w *shardWorker) prepare(job shardJob, model []byte) error {
	w.once.Do(func() {
		if job.Kind == jobGenerate {
			if w.gen, w.err = generators.get(model); w.err == nil {
				w.m = w.gen.Model
			}
			return
		}
		if w.m, w.err = table.DecodeModel(model); w.err != nil {
			return
		}
		if w.cols, w.err = table.EncodedColumns(w.m); w.err != nil {
			return
		}
		if job.Kind == jobEncode {
			w.enc, w.err = table.NewRowEncoder(w.m, job.Header, job.Out.Seed)
		}
	})
	return w.err
}

// write writes task t's file under its temporary name and emits its
// sink.Shard.
func (w *shardWorker) write(ctx context.Context, job shardJob, model []byte, t Task, emit func(sink.Shard)) error {
	if err := w.prepare(job, model); err != nil {
		return err
	}
	f, err := sink.Create(ctx, job.Out, t.Index)
	if err != nil {
		return err
	}
	h := hooks(job.Hooks)
	var out io.Writer = f
	if h.FailFirstAttempt != nil && h.FailFirstAttempt(t.Index) && firstAttempt(job.Out.Final(t.Index)) {
		out = &failingWriter{w: f, after: 1000}
	}
	var rows int64
	switch job.Kind {
	case jobGenerate:
		rows = t.End - t.Start
		if err = tableio.WriteShard(out, w.gen, job.Out.Seed, t.Start, t.End, job.Out.Format, job.Out.Compression, h.Rows); err != nil {
			err = fmt.Errorf("write %s: %w", f.Name(), err)
		}
	case jobEncode:
		rows, err = w.encode(ctx, job, t.Split, out)
	default:
		rows, err = w.decode(ctx, job, t.Split, out)
	}
	if err != nil {
		f.Abort()
		return err
	}
	res, err := f.Close(rows)
	if err != nil {
		return err
	}
	if job.Kind != jobGenerate {
		beam.NewCounter("vgmsynth", "rows_read").Inc(ctx, rows)
	}
	beam.NewCounter("vgmsynth", "rows_written").Inc(ctx, rows)
	beam.NewCounter("vgmsynth", "bytes_written").Inc(ctx, res.Bytes)
	emit(res)
	return nil
}

// progressEvery is how many rows encoding and decoding read between calls
// of the Rows hook.
const progressEvery = 65536

// encode writes the rows of sp encoded, as Parquet, and returns their
// count.
func (w *shardWorker) encode(ctx context.Context, job shardJob, sp tableio.Split, out io.Writer) (int64, error) {
	progress := rowCount(job.Hooks)
	bw := bufio.NewWriterSize(out, 4<<20)
	pw, err := tableio.NewEncodedWriter(bw, w.cols, job.Out.Compression)
	if err != nil {
		return 0, err
	}
	vals := make([]table.EncodedValue, len(w.m.Columns))
	var n int64
	err = tableio.Read(ctx, sp, job.Header, func(offset, _ int64, fields []string) error {
		if err := w.enc.Encode(sp.Path, offset, fields, vals); err != nil {
			return err
		}
		if n++; n%progressEvery == 0 {
			progress(progressEvery)
		}
		return pw.Add(vals)
	})
	if err == nil {
		err = pw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	return n, err
}

// decode writes the encoded rows of sp decoded, as CSV, and returns their
// count.
func (w *shardWorker) decode(ctx context.Context, job shardJob, sp tableio.Split, out io.Writer) (int64, error) {
	progress := rowCount(job.Hooks)
	// A decoder per split: it holds scratch space.
	dec, err := table.NewRowDecoder(w.m, job.Header)
	if err != nil {
		return 0, err
	}
	dec.Clamp = job.Clamp
	z, finish, err := tableio.CompressCSV(out, job.Out.Compression)
	if err != nil {
		return 0, err
	}
	vals := make([]table.EncodedValue, len(w.m.Columns))
	buf := dec.AppendCSVHeader(make([]byte, 0, 1<<20))
	var n int64
	err = tableio.Read(ctx, sp, job.Header, func(_, _ int64, fields []string) error {
		if err := dec.Parse(fields, vals); err != nil {
			return err
		}
		var err error
		if buf, err = dec.AppendCSV(buf, vals); err != nil {
			return err
		}
		if n++; n%progressEvery == 0 {
			progress(progressEvery)
		}
		if len(buf) >= 1<<20 {
			_, err = z.Write(buf)
			buf = buf[:0]
		}
		return err
	})
	if err == nil {
		_, err = z.Write(buf)
	}
	if err == nil {
		err = finish()
	}
	return n, err
}

// attempts counts this process's attempts per file, for
// Hooks.FailFirstAttempt.
var attempts = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

func firstAttempt(name string) bool {
	attempts.Lock()
	defer attempts.Unlock()
	attempts.n[name]++
	return attempts.n[name] == 1
}

// errInjected is the failure Hooks.FailFirstAttempt injects.
var errInjected = errors.New("injected failure (Hooks.FailFirstAttempt)")

// failingWriter fails once after bytes have been written to it, as a
// worker lost mid-write would, leaving a partial temporary file.
type failingWriter struct {
	w     io.Writer
	n     int64
	after int64
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.n+int64(len(p)) > f.after {
		n, _ := f.w.Write(p[:f.after-f.n])
		f.n += int64(n)
		return n, errInjected
	}
	n, err := f.w.Write(p)
	f.n += int64(n)
	return n, err
}
