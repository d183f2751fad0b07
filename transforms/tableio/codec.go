package tableio

import (
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// EncodedWriter writes rows encoded by table.RowEncoder as a Parquet file
// whose columns are table.EncodedColumns.
type EncodedWriter struct {
	w    *parquet.Writer
	cols []table.EncodedColumn
	rows []parquet.Row
	n    int
}

// encodedBatch is the rows written at a time.
const encodedBatch = 1024

func NewEncodedWriter(out io.Writer, cols []table.EncodedColumn, compression string) (*EncodedWriter, error) {
	c, err := ParquetCodec(compression)
	if err != nil {
		return nil, err
	}
	codec := parquet.Compression(c)
	group := NewOrderedGroup()
	for _, c := range cols {
		var node parquet.Node
		switch c.Part {
		case table.PartAlpha:
			node = parquet.Leaf(parquet.DoubleType)
		case table.PartMode, table.PartIndex:
			node = parquet.Int(32)
		default:
			node = parquet.String()
		}
		group.Add(c.Name, parquet.Optional(node))
	}
	ew := &EncodedWriter{
		w: parquet.NewWriter(out, parquet.NewSchema("vgmsynth_encoded", group), codec,
			parquet.MaxRowsPerRowGroup(ParquetRowGroupRows),
			parquet.CreatedBy("vgmsynth", "1", "")),
		cols: cols,
		rows: make([]parquet.Row, encodedBatch),
	}
	for i := range ew.rows {
		ew.rows[i] = make(parquet.Row, len(cols))
	}
	return ew, nil
}

// Add appends one row of values (one per model column).
func (ew *EncodedWriter) Add(vals []table.EncodedValue) error {
	row := ew.rows[ew.n]
	for i, c := range ew.cols {
		v := vals[c.Column]
		var pv parquet.Value
		switch {
		case v.Null:
			pv = parquet.NullValue().Level(0, 0, i)
		case c.Part == table.PartAlpha:
			pv = parquet.DoubleValue(v.Alpha).Level(0, 1, i)
		case c.Part == table.PartMode, c.Part == table.PartIndex:
			pv = parquet.Int32Value(v.Mode).Level(0, 1, i)
		default:
			pv = parquet.ByteArrayValue([]byte(v.Text)).Level(0, 1, i)
		}
		row[i] = pv
	}
	ew.n++
	if ew.n == len(ew.rows) {
		return ew.flush()
	}
	return nil
}

func (ew *EncodedWriter) flush() error {
	if ew.n == 0 {
		return nil
	}
	if _, err := ew.w.WriteRows(ew.rows[:ew.n]); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	ew.n = 0
	return nil
}

// Close writes the rows left and the file's footer.
func (ew *EncodedWriter) Close() error {
	if err := ew.flush(); err != nil {
		return err
	}
	if err := ew.w.Close(); err != nil {
		return fmt.Errorf("close parquet file: %w", err)
	}
	return nil
}

// CompressCSV wraps w in a CSV compression (a stream, not per block as
// WriteShard compresses); finish flushes it.
func CompressCSV(w io.Writer, compression string) (io.Writer, func() error, error) {
	switch compression {
	case "", CompressionNone:
		return w, func() error { return nil }, nil
	case CompressionGzip:
		z, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	case CompressionZstd:
		z, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	}
	return nil, nil, fmt.Errorf("unknown compression %q for csv (want none, zstd or gzip)", compression)
}
