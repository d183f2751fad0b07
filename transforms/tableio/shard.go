package tableio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Compressions of CSV output. Each block of rows is compressed as its own
// frame (zstd) or member (gzip) inside the worker that generates it; the
// concatenation is a valid stream that any zstd or gzip reader decodes.
const (
	CompressionNone = "none"
	CompressionZstd = "zstd"
	CompressionGzip = "gzip"
)

// ShardExtension is the file name extension of a shard: ".csv",
// ".csv.zst", ".csv.gz" or ".parquet" (Parquet compresses inside the file).
func ShardExtension(format, compression string) string {
	if format == FormatParquet {
		return ".parquet"
	}
	switch compression {
	case CompressionZstd:
		return ".csv.zst"
	case CompressionGzip:
		return ".csv.gz"
	}
	return ".csv"
}

// CheckCompression validates a format's compression name.
func CheckCompression(format, compression string) error {
	if format == FormatParquet {
		_, err := ParquetCodec(compression)
		return err
	}
	switch compression {
	case "", CompressionNone, CompressionZstd, CompressionGzip:
		return nil
	}
	return fmt.Errorf("unknown compression %q for csv (want none, zstd or gzip)", compression)
}

// Progress is told how many rows were written, after each block.
type Progress func(rows int64)

// WriteShard generates rows [start, end) of the output with g and seed and
// writes them to w as one file: a CSV file with its header, or a Parquet
// file. Rows depend only on the model, the seed and their index, so any
// split of the output into shards gives the same rows.
//
// The rows are cut into units — a block of rows for CSV, a row group for
// Parquet — that one goroutine per core generates and encodes (and, for
// CSV, compresses), while the caller's goroutine writes the finished units
// in order: a single shard keeps every core busy whatever the runner's
// scheduling. CSV text reaches w one block at a time (hundreds of
// kilobytes), so w needs no buffering of its own.
func WriteShard(w io.Writer, g *table.Generator, seed uint64, start, end int64, format, compression string, progress Progress) error {
	if err := CheckCompression(format, compression); err != nil {
		return err
	}
	unit := int64(table.BlockSize)
	var pw *ParquetWriter
	var pbuf *bufio.Writer
	if format == FormatParquet {
		// parquet-go writes page by page: gather them into large writes.
		pbuf = bufio.NewWriterSize(w, 4<<20)
		var err error
		if pw, err = NewParquetWriter(pbuf, g, compression); err != nil {
			return err
		}
		unit = ParquetRowGroupRows
	} else {
		// The header, alone in its own chunk (compressed frame).
		cw, err := newCSVChunkWriter(g, compression)
		if err != nil {
			return err
		}
		chunk, err := cw.chunk(NewCSVEncoder(g).AppendHeader(nil))
		if err != nil {
			return err
		}
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}

	type work struct {
		lo, hi int64 // rows
		done   chan struct{}
		rg     *RowGroup
		chunk  []byte
		err    error
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *work)
	queue := make(chan *work, 2*workers) // in output order
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cw *csvChunkWriter
			if pw == nil {
				cw, _ = newCSVChunkWriter(g, compression)
			}
			b := g.NewBlock()
			for j := range jobs {
				if pw != nil {
					j.rg = pw.NewRowGroup()
				}
				for pos := j.lo; pos < j.hi && j.err == nil; {
					block := pos / table.BlockSize
					blockStart := block * table.BlockSize
					n := int(min(table.BlockSize, j.hi-blockStart))
					g.Fill(b, seed, block, n)
					from := int(pos - blockStart)
					if pw != nil {
						j.err = j.rg.Write(b, from, n)
					} else {
						j.chunk, j.err = cw.encode(b, from, n)
					}
					pos = blockStart + int64(n)
				}
				close(j.done)
			}
		}()
	}
	// Feed units in order; the queue bounds the units in flight.
	stop := make(chan struct{})
	go func() {
		defer close(queue)
		defer close(jobs)
		for pos := start; pos < end; {
			select {
			case <-stop:
				return
			default:
			}
			hi := min(end, (pos/unit+1)*unit)
			j := &work{lo: pos, hi: hi, done: make(chan struct{})}
			queue <- j
			jobs <- j
			pos = hi
		}
	}()
	var firstErr error
	for j := range queue {
		<-j.done
		if firstErr != nil {
			continue // drain
		}
		switch {
		case j.err != nil:
			firstErr = j.err
		case pw != nil:
			firstErr = j.rg.Commit()
		default:
			_, firstErr = w.Write(j.chunk)
		}
		if firstErr != nil {
			close(stop)
		} else if progress != nil {
			progress(j.hi - j.lo)
		}
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if pw != nil {
		if err := pw.Close(); err != nil {
			return err
		}
		return pbuf.Flush()
	}
	return nil
}

// csvChunkWriter encodes blocks as CSV chunks, compressed on their own
// when asked. Each worker has its own.
type csvChunkWriter struct {
	enc     *CSVEncoder
	zstd    *zstd.Encoder
	gzip    *gzip.Writer
	gzipBuf bytes.Buffer
}

func newCSVChunkWriter(g *table.Generator, compression string) (*csvChunkWriter, error) {
	c := &csvChunkWriter{enc: NewCSVEncoder(g)}
	switch compression {
	case CompressionZstd:
		z, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		c.zstd = z
	case CompressionGzip:
		z, err := gzip.NewWriterLevel(&c.gzipBuf, gzip.BestSpeed)
		if err != nil {
			return nil, err
		}
		c.gzip = z
	}
	return c, nil
}

// encode returns rows [from, to) of b as one chunk, in a new buffer that
// the caller owns.
func (c *csvChunkWriter) encode(b *table.Block, from, to int) ([]byte, error) {
	return c.chunk(c.enc.AppendRows(make([]byte, 0, 64*(to-from)), b, from, to))
}

// chunk compresses text as one frame or member, if asked.
func (c *csvChunkWriter) chunk(text []byte) ([]byte, error) {
	switch {
	case c.zstd != nil:
		return c.zstd.EncodeAll(text, make([]byte, 0, len(text)/3)), nil
	case c.gzip != nil:
		c.gzipBuf.Reset()
		c.gzip.Reset(&c.gzipBuf)
		if _, err := c.gzip.Write(text); err != nil {
			return nil, err
		}
		if err := c.gzip.Close(); err != nil {
			return nil, err
		}
		return bytes.Clone(c.gzipBuf.Bytes()), nil
	}
	return text, nil
}
