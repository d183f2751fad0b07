package tableio

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/format"
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
	delim  byte       // the field delimiter: the model's (Model.Delimiter), or ','
}

// NewCSVEncoder prepares an encoder for a generator's columns.
func NewCSVEncoder(g *table.Generator) *CSVEncoder {
	e := &CSVEncoder{g: g, single: len(g.Model.Columns) == 1, delim: ','}
	if d := g.Model.Delimiter; len(d) == 1 && bytes.IndexByte(Delimiters, d[0]) >= 0 {
		e.delim = d[0]
	}
	for j, c := range g.Model.Columns {
		var cats [][]byte
		for k, cat := range c.Categories {
			if g.IsNovel(j, int32(k)) {
				cats = append(cats, nil) // written afresh per row
				continue
			}
			cats = append(cats, e.appendField(nil, cat.Value))
		}
		e.cats = append(e.cats, cats)
		f := c.Format
		e.quote = append(e.quote, e.needsQuote(f.Layout+f.Template+f.Prefix+f.Suffix+f.Thousands+f.DecimalMark+f.ZoneName))
	}
	return e
}

func (e *CSVEncoder) needsQuote(s string) bool {
	return strings.ContainsAny(s, "\"\r\n") || strings.IndexByte(s, e.delim) >= 0
}

// appendField writes one field, quoted where RFC 4180 requires.
func (e *CSVEncoder) appendField(dst []byte, v string) []byte {
	if !e.needsQuote(v) && strings.TrimSpace(v) == v {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(v, `"`, `""`)...)
	return append(dst, '"')
}

// quoteFrom quotes the field dst[start:] in place, where RFC 4180 requires,
// without allocating.
func (e *CSVEncoder) quoteFrom(dst []byte, start int) []byte {
	f := dst[start:]
	if !bytes.ContainsAny(f, "\"\r\n") && bytes.IndexByte(f, e.delim) < 0 && (len(f) == 0 || f[0] != ' ' && f[len(f)-1] != ' ' && f[0] != '\t' && f[len(f)-1] != '\t') {
		return dst
	}
	n, q := len(f), bytes.Count(f, []byte{'"'})
	for range q + 2 {
		dst = append(dst, 0)
	}
	w := len(dst) - 1
	dst[w] = '"'
	for i := start + n - 1; i >= start; i-- {
		w--
		dst[w] = dst[i]
		if dst[i] == '"' {
			w--
			dst[w] = '"'
		}
	}
	dst[w-1] = '"'
	return dst
}

// AppendHeader appends the header line.
func (e *CSVEncoder) AppendHeader(dst []byte) []byte {
	for i, c := range e.g.Model.Columns {
		if i > 0 {
			dst = append(dst, e.delim)
		}
		dst = e.appendField(dst, c.Name)
	}
	return append(dst, '\n')
}

// AppendRows appends rows [from, to) of b.
func (e *CSVEncoder) AppendRows(dst []byte, b *table.Block, from, to int) []byte {
	for r := from; r < to; r++ {
		for j := range b.Cols {
			if j > 0 {
				dst = append(dst, e.delim)
			}
			cv := &b.Cols[j]
			switch {
			case cv.Null[r]:
				if e.single {
					dst = append(dst, '"', '"')
				}
			case cv.Cat != nil && e.cats[j][cv.Cat[r]] != nil:
				dst = append(dst, e.cats[j][cv.Cat[r]]...)
			case e.quote[j] || cv.Cat != nil:
				start := len(dst)
				dst = e.quoteFrom(e.g.AppendText(dst, b, j, r), start)
			default:
				dst = e.g.AppendText(dst, b, j, r)
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}

// ParquetWriter writes generated blocks as a Parquet file with typed,
// nullable columns in the model's column order. Row groups are built
// concurrently (RowGroup, by any goroutine) and committed in order.
type ParquetWriter struct {
	g    *table.Generator
	w    *parquet.Writer
	cats [][]parquet.Value
}

// ParquetRowGroupRows is the number of rows of a row group: large enough for
// efficient reads, small enough that a few row groups in flight per writer
// keep memory small.
const ParquetRowGroupRows = 32 * table.BlockSize

// NewParquetWriter starts a Parquet file on out with the given compression
// codec (none, snappy, zstd or gzip).
func NewParquetWriter(out io.Writer, g *table.Generator, compression string) (*ParquetWriter, error) {
	codec, err := ParquetCodec(compression)
	if err != nil {
		return nil, err
	}
	group := NewOrderedGroup()
	var textCols []string
	for _, c := range g.Model.Columns {
		group.Add(c.Name, parquet.Optional(parquetNode(c)))
		if c.Kind == table.Categorical || c.Kind == table.ID {
			textCols = append(textCols, c.Name)
		}
	}
	schema := parquet.NewSchema("vgmsynth", group)
	opts := []parquet.WriterOption{
		schema,
		parquet.Compression(codec),
		parquet.CreatedBy("vgmsynth", "1", ""),
	}
	for _, name := range textCols {
		// Byte-wise bounds of every text page cost more than they help.
		opts = append(opts, parquet.SkipPageBounds(name))
	}
	pw := &ParquetWriter{g: g, w: parquet.NewWriter(out, opts...)}
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

// parquetNode is a column's Parquet type: DOUBLE, INT64, DATE for dates
// alone, TIME for times of day alone, TIMESTAMP for the other datetimes,
// BOOLEAN, or a string.
func parquetNode(c table.Column) parquet.Node {
	switch c.Kind {
	case table.Float:
		return parquet.Leaf(parquet.DoubleType)
	case table.Integer:
		return parquet.Int(64)
	case table.Datetime:
		switch {
		case c.Format.DateOnly():
			return parquet.Date()
		case c.Format.TimeOnly():
			return parquet.Time(parquet.Microsecond)
		}
		return parquet.Timestamp(parquet.Microsecond)
	case table.Boolean:
		return parquet.Leaf(parquet.BooleanType)
	case table.Categorical:
		return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	default:
		return parquet.String()
	}
}

// ParquetCodec returns the Parquet compression codec of a name: none,
// snappy (the default), zstd or gzip.
func ParquetCodec(name string) (compress.Codec, error) {
	switch name {
	case "", "snappy":
		return fastSnappy{}, nil
	case "none":
		return &parquet.Uncompressed, nil
	case "zstd":
		return &parquet.Zstd, nil
	case "gzip":
		return &parquet.Gzip, nil
	}
	return nil, fmt.Errorf("unknown compression %q (want none, snappy, zstd or gzip)", name)
}

// fastSnappy is Parquet's SNAPPY codec with klauspost/compress's fastest
// snappy-compatible encoder (parquet-go's default uses the slower "better"
// mode, which cost a quarter of the writing time for a few percent of size).
type fastSnappy struct{}

func (fastSnappy) String() string { return "SNAPPY" }

func (fastSnappy) CompressionCodec() format.CompressionCodec { return format.Snappy }

func (fastSnappy) Encode(dst, src []byte) ([]byte, error) {
	if n := s2.MaxEncodedLen(len(src)); cap(dst) < n {
		dst = make([]byte, n)
	}
	return s2.EncodeSnappy(dst[:cap(dst)], src), nil
}

func (fastSnappy) Decode(dst, src []byte) ([]byte, error) {
	n, err := s2.DecodedLen(src)
	if err != nil {
		return nil, err
	}
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	return s2.Decode(dst[:n], src)
}

// RowGroup is a row group being built; one goroutine may fill it while
// others fill theirs.
type RowGroup struct {
	pw   *ParquetWriter
	rg   *parquet.ConcurrentRowGroupWriter
	vals []parquet.Value
	id   []byte
}

// NewRowGroup begins a row group.
func (pw *ParquetWriter) NewRowGroup() *RowGroup {
	return &RowGroup{pw: pw, rg: pw.w.BeginRowGroup()}
}

// Write appends rows [from, to) of b, column by column.
func (r *RowGroup) Write(b *table.Block, from, to int) error {
	n := to - from
	if cap(r.vals) < n {
		r.vals = make([]parquet.Value, n)
	}
	vals := r.vals[:n]
	cws := r.rg.ColumnWriters()
	for j := range b.Cols {
		cv := &b.Cols[j]
		c := &r.pw.g.Model.Columns[j]
		null := parquet.NullValue().Level(0, 0, j)
		nulls := cv.Null[from:to]
		// One loop per kind, so that the kind is decided once per column.
		switch c.Kind {
		case table.Float:
			for i, x := range cv.Num[from:to] {
				vals[i] = parquet.DoubleValue(x).Level(0, 1, j)
			}
		case table.Integer:
			for i, x := range cv.Num[from:to] {
				vals[i] = parquet.Int64Value(int64(x)).Level(0, 1, j)
			}
		case table.Datetime:
			if c.Format.DateOnly() {
				for i, x := range cv.Num[from:to] {
					vals[i] = parquet.Int32Value(int32(math.Floor(x/86400))).Level(0, 1, j)
				}
				break
			}
			for i, x := range cv.Num[from:to] {
				vals[i] = parquet.Int64Value(int64(math.Round(x*1e6))).Level(0, 1, j)
			}
		case table.ID:
			for i := range vals {
				vals[i] = parquet.ByteArrayValue(r.pw.g.AppendID(nil, j, b.Start+int64(from+i))).Level(0, 1, j)
			}
		default:
			cats := r.pw.cats[j]
			for i, k := range cv.Cat[from:to] {
				switch {
				case nulls[i]:
				case c.Text != nil && r.pw.g.IsNovel(j, k):
					vals[i] = parquet.ByteArrayValue(r.pw.g.AppendText(nil, b, j, from+i)).Level(0, 1, j)
				default:
					vals[i] = cats[k]
				}
			}
		}
		for i, isNull := range nulls {
			if isNull {
				vals[i] = null
			}
		}
		if _, err := cws[j].WriteRowValues(vals); err != nil {
			return fmt.Errorf("write parquet column %q: %w", c.Name, err)
		}
	}
	return nil
}

// Commit appends the row group to the file; row groups must be committed
// in order, by one goroutine.
func (r *RowGroup) Commit() error {
	if _, err := r.rg.Commit(); err != nil {
		return fmt.Errorf("write parquet row group: %w", err)
	}
	return nil
}

// Close writes the footer.
func (pw *ParquetWriter) Close() error {
	if err := pw.w.Close(); err != nil {
		return fmt.Errorf("close parquet file: %w", err)
	}
	return nil
}

// OrderedGroup is a Parquet group whose fields keep the order they were
// added in, rather than parquet-go's alphabetical one.
type OrderedGroup struct {
	parquet.Group
	order []string
}

// NewOrderedGroup returns an empty group.
func NewOrderedGroup() *OrderedGroup { return &OrderedGroup{Group: parquet.Group{}} }

// Add appends a field.
func (g *OrderedGroup) Add(name string, node parquet.Node) {
	g.Group[name] = node
	g.order = append(g.order, name)
}

// Fields returns the group's fields in order.
func (g *OrderedGroup) Fields() []parquet.Field {
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
