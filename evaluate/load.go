package evaluate

import (
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	// LoadTable runs outside any pipeline: register local paths itself.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Loaded is a table read into memory as text. Column returns one
// column's values; the empty string is null.
type Loaded struct {
	// Glob is the pattern the table was read from.
	Glob string
	// Files are the files the glob matched, sorted.
	Files []string
	// Header names the columns.
	Header []string
	// TotalRows is the number of rows in the files; Len rows of them were
	// kept, a uniform sample when TotalRows is larger.
	TotalRows int64

	// rows holds each kept row's fields packed into one string (see
	// packFields), in file order: one allocation per row rather than a
	// string header per value, so that a million rows of a wide table fit
	// in memory.
	rows []string
	// source, offset and line say where each kept row came from:
	// Files[source[i]], at offset[i] (a byte offset in a CSV file, a row
	// index in a Parquet file), on line[i] (0 when unknown).
	source []int32
	offset []int64
	line   []int64
}

// Len returns the number of rows kept in memory.
func (l *Loaded) Len() int { return len(l.source) }

// Column returns the values of column j (0 <= j < len(Header)), one per
// kept row, in file order; "" is null. Each call decodes the column afresh.
func (l *Loaded) Column(j int) []string {
	out := make([]string, len(l.rows))
	for i, text := range l.rows {
		out[i] = packedField(text, j)
	}
	return out
}

// Sampled reports whether the table had more rows than were kept.
func (l *Loaded) Sampled() bool { return l.TotalRows > int64(l.Len()) }

// Where names the origin of kept row i for error messages: "file:line", or
// the file and the row's byte offset or row index when the line is unknown.
func (l *Loaded) Where(i int) string {
	f := l.Files[l.source[i]]
	switch {
	case l.line[i] > 0:
		return fmt.Sprintf("%s:%d", f, l.line[i])
	case tableio.IsParquet(f):
		return fmt.Sprintf("%s: row %d", f, l.offset[i]+1)
	}
	return fmt.Sprintf("%s: row at byte %d", f, l.offset[i])
}

// column returns the index of the named column, or -1.
func (l *Loaded) column(name string) int { return slices.Index(l.Header, name) }

// loadedRow is one row held while loading.
type loadedRow struct {
	priority uint64
	source   int32
	offset   int64
	line     int64
	// text holds the row's fields, each as its length (a uvarint) and its
	// bytes: one allocation per row instead of one string header per field.
	text string
}

// packFields encodes fields as loadedRow.text, reusing buf.
func packFields(buf []byte, fields []string) ([]byte, string) {
	buf = buf[:0]
	for _, f := range fields {
		buf = binary.AppendUvarint(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return buf, string(buf)
}

// packedField returns field j of text written by packFields, as a
// substring of text.
func packedField(text string, j int) string {
	pos := 0
	for k := 0; ; k++ {
		var n uint64
		for shift := 0; ; shift += 7 {
			b := text[pos]
			pos++
			n |= uint64(b&0x7f) << shift
			if b < 0x80 {
				break
			}
		}
		if k == j {
			return text[pos : pos+int(n)]
		}
		pos += int(n)
	}
}

// before orders rows by file and position.
func (r *loadedRow) before(o *loadedRow) bool {
	if r.source != o.source {
		return r.source < o.source
	}
	return r.offset < o.offset
}

// rowHeap is a max-heap on priority (ties broken by position, so that the
// sample never depends on the order rows arrive in): the root is the row to
// evict first.
type rowHeap []loadedRow

func (h rowHeap) Len() int { return len(h) }
func (h rowHeap) Less(i, j int) bool {
	if h[i].priority != h[j].priority {
		return h[i].priority > h[j].priority
	}
	return h[j].before(&h[i])
}
func (h rowHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)   { *h = append(*h, x.(loadedRow)) }
func (h *rowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// LoadTable reads every file matching glob (CSV, optionally gzipped, or
// Parquet; local or any filesystem Beam knows) into memory as text. When
// the files hold more than maxRows rows it keeps a uniform sample of
// maxRows of them: each row's priority is table.Priority(seed, file,
// offset) and the maxRows rows with the smallest priorities stay (a
// bottom-k sample, so memory is bounded by maxRows rows whatever the input
// size). maxRows <= 0 keeps every row. The rows kept are in file order.
func LoadTable(ctx context.Context, glob string, maxRows int, seed uint64) (*Loaded, error) {
	files, err := tableio.Files(ctx, glob)
	if err != nil {
		return nil, err
	}
	header, err := tableio.Header(ctx, files[0])
	if err != nil {
		return nil, err
	}
	// Read checks the header of every CSV file and the columns of every
	// Parquet file, but only against files of its own format.
	for _, f := range files[1:] {
		if tableio.IsParquet(f) == tableio.IsParquet(files[0]) {
			continue
		}
		h, err := tableio.Header(ctx, f)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(h, header) {
			return nil, fmt.Errorf("read %s: columns %q differ from %s's %q", f, h, files[0], header)
		}
	}
	splits, err := tableio.Plan(ctx, files, tableio.DefaultSplitBytes)
	if err != nil {
		return nil, err
	}
	sourceOf := make(map[string]int32, len(files))
	for i, f := range files {
		sourceOf[f] = int32(i)
	}

	var rows rowHeap
	var total int64
	var buf []byte
	for _, sp := range splits {
		src := sourceOf[sp.Path]
		err := tableio.Read(ctx, sp, header, func(offset, line int64, fields []string) error {
			if total&0xfff == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			total++
			r := loadedRow{source: src, offset: offset, line: line}
			if maxRows > 0 {
				r.priority = table.Priority(seed, sp.Path, offset)
				if len(rows) == maxRows && !evicts(&r, &rows[0]) {
					return nil
				}
			}
			buf, r.text = packFields(buf, fields)
			switch {
			case maxRows <= 0 || len(rows) < maxRows:
				rows = append(rows, r)
				if len(rows) == maxRows {
					heap.Init(&rows)
				}
			default:
				rows[0] = r
				heap.Fix(&rows, 0)
			}
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
	}
	slices.SortFunc(rows, func(a, b loadedRow) int {
		if c := cmp.Compare(a.source, b.source); c != 0 {
			return c
		}
		return cmp.Compare(a.offset, b.offset)
	})

	l := &Loaded{
		Glob:      glob,
		Files:     files,
		Header:    header,
		TotalRows: total,
		rows:      make([]string, len(rows)),
		source:    make([]int32, len(rows)),
		offset:    make([]int64, len(rows)),
		line:      make([]int64, len(rows)),
	}
	for i := range rows {
		r := &rows[i]
		l.rows[i], l.source[i], l.offset[i], l.line[i] = r.text, r.source, r.offset, r.line
	}
	return l, nil
}

// evicts reports whether row r should replace root, the row with the
// largest priority among those kept.
func evicts(r, root *loadedRow) bool {
	if r.priority != root.priority {
		return r.priority < root.priority
	}
	return r.before(root)
}

// EvaluatedTable is one side of an evaluation: the table as scored and
