package tableio

import (
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Formats and compressions the writers support.
const (
	FormatCSV     = "csv"
	FormatParquet = "parquet"
)

// Extension is the file name extension of a format.
func Extension(format string) string {
	if format == FormatParquet {
		return ".parquet"
	}
	return ".csv"
}

// CSVEncoder turns generated blocks into RFC 4180 CSV text, without
// allocating per row: category values are quoted once, up front.
type CSVEncoder struct {
	g      *table.Generator
	cats   [][][]byte // per column, per category: the field as written
	quote  []bool     // per column: values may need quoting
	single bool       // one-column table: nulls are written as "" so that rows are not blank lines
}

// NewCSVEncoder prepares an encoder for a generator's columns.
func NewCSVEncoder(g *table.Generator) *CSVEncoder {
	e := &CSVEncoder{g: g, single: len(g.Model.Columns) == 1}
	for _, c := range g.Model.Columns {
		var cats [][]byte
		for _, cat := range c.Categories {
			cats = append(cats, appendField(nil, cat.Value))
		}
		e.cats = append(e.cats, cats)
		e.quote = append(e.quote, needsQuote(c.Format.Layout) || needsQuote(c.Format.Template))
	}
	return e
}

func needsQuote(s string) bool { return strings.ContainsAny(s, ",\"\r\n") }

// appendField writes one field, quoted where RFC 4180 requires.
func appendField(dst []byte, v string) []byte {
	if !needsQuote(v) && strings.TrimSpace(v) == v {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(v, `"`, `""`)...)
	return append(dst, '"')
}

// AppendHeader appends the header line.
func (e *CSVEncoder) AppendHeader(dst []byte) []byte {
	for i, c := range e.g.Model.Columns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendField(dst, c.Name)
	}
	return append(dst, '\n')
}

// AppendRows appends rows [from, to) of b.
func (e *CSVEncoder) AppendRows(dst []byte, b *table.Block, from, to int) []byte {
	for r := from; r < to; r++ {
		for j := range b.Cols {
			if j > 0 {
				dst = append(dst, ',')
			}
			cv := &b.Cols[j]
			switch {
			case cv.Null[r]:
				if e.single {
					dst = append(dst, '"', '"')
				}
			case cv.Cat != nil:
				dst = append(dst, e.cats[j][cv.Cat[r]]...)
			case e.quote[j]:
				dst = appendField(dst, string(e.g.AppendText(nil, b, j, r)))
			default:
				dst = e.g.AppendText(dst, b, j, r)
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}

// ParquetWriter writes generated blocks as a Parquet file with typed,
// nullable columns in the model's column order.
type ParquetWriter struct {
	g    *table.Generator
	w    *parquet.Writer
	rows []parquet.Row
	cats [][]parquet.Value
	id   []byte
}

// ParquetRowGroupRows bounds a row group, so that a writer's memory stays
// small however many rows a file holds.
const ParquetRowGroupRows = 1 << 20

// NewParquetWriter starts a Parquet file on out with the given compression
// codec (none, snappy, zstd or gzip).
func NewParquetWriter(out io.Writer, g *table.Generator, compression string) (*ParquetWriter, error) {
	codec, err := parquetCodec(compression)
	if err != nil {
		return nil, err
	}
	group := orderedGroup{Group: parquet.Group{}}
	for _, c := range g.Model.Columns {
		group.Group[c.Name] = parquet.Optional(parquetNode(c.Kind))
		group.order = append(group.order, c.Name)
	}
	schema := parquet.NewSchema("vgmsynth", group)
	pw := &ParquetWriter{
		g: g,
		w: parquet.NewWriter(out, schema,
			parquet.Compression(codec),
			parquet.MaxRowsPerRowGroup(ParquetRowGroupRows),
			parquet.CreatedBy("vgmsynth", "1", ""),
		),
	}
	for j, c := range g.Model.Columns {
		var vals []parquet.Value
		for _, cat := range c.Categories {
			var v parquet.Value
			if c.Kind == table.Boolean {
				v = parquet.BooleanValue(cat.Value == c.Format.True)
			} else {
				v = parquet.ByteArrayValue([]byte(cat.Value))
			}
			vals = append(vals, v.Level(0, 1, j))
		}
		pw.cats = append(pw.cats, vals)
	}
	return pw, nil
}

func parquetNode(k table.Kind) parquet.Node {
	switch k {
	case table.Float:
		return parquet.Leaf(parquet.DoubleType)
	case table.Integer:
		return parquet.Int(64)
	case table.Datetime:
		return parquet.Timestamp(parquet.Microsecond)
	case table.Boolean:
		return parquet.Leaf(parquet.BooleanType)
	case table.Categorical:
		return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	default:
		return parquet.String()
	}
}

func parquetCodec(name string) (compress.Codec, error) {
	switch name {
	case "", "snappy":
		return &parquet.Snappy, nil
	case "none":
		return &parquet.Uncompressed, nil
	case "zstd":
		return &parquet.Zstd, nil
	case "gzip":
		return &parquet.Gzip, nil
	}
	return nil, fmt.Errorf("unknown compression %q (want none, snappy, zstd or gzip)", name)
}

// WriteRows writes rows [from, to) of b.
func (pw *ParquetWriter) WriteRows(b *table.Block, from, to int) error {
	n := to - from
	if cap(pw.rows) < n {
		pw.rows = make([]parquet.Row, n)
		for i := range pw.rows {
			pw.rows[i] = make(parquet.Row, len(b.Cols))
		}
	}
	rows := pw.rows[:n]
	for i := range rows {
		r := from + i
		row := rows[i][:len(b.Cols)]
		for j := range b.Cols {
			cv := &b.Cols[j]
			var v parquet.Value
			switch c := &pw.g.Model.Columns[j]; {
			case cv.Null[r]:
				v = parquet.NullValue().Level(0, 0, j)
			case cv.Cat != nil:
				v = pw.cats[j][cv.Cat[r]]
			case c.Kind == table.Float:
				v = parquet.DoubleValue(cv.Num[r]).Level(0, 1, j)
			case c.Kind == table.Integer:
				v = parquet.Int64Value(int64(cv.Num[r])).Level(0, 1, j)
			case c.Kind == table.Datetime:
				v = parquet.Int64Value(int64(cv.Num[r]*1e6)).Level(0, 1, j)
			default: // ID
				v = parquet.ByteArrayValue(pw.g.AppendID(nil, j, b.Start+int64(r))).Level(0, 1, j)
			}
			row[j] = v
		}
		rows[i] = row
	}
	if _, err := pw.w.WriteRows(rows); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	return nil
}

// Close flushes the last row group and writes the footer.
func (pw *ParquetWriter) Close() error {
	if err := pw.w.Close(); err != nil {
		return fmt.Errorf("close parquet file: %w", err)
	}
	return nil
}

// orderedGroup is a Parquet group whose fields keep the given order rather
// than parquet-go's alphabetical one.
type orderedGroup struct {
	parquet.Group
	order []string
}

// Fields returns the group's fields in order.
func (g orderedGroup) Fields() []parquet.Field {
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	out := make([]parquet.Field, 0, len(g.order))
	for _, name := range g.order {
		out = append(out, byName[name])
	}
	return out
}
