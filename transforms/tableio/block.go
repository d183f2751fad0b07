package tableio

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"
	"unsafe"

	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Block is a run of consecutive rows of one split, held column by column
// (table.Rows): the readers fill it from their byte buffers without a
// string per field, and a table.Summary takes it a column at a time.
type Block struct {
	table.Rows
}

// Column holds one column's values of a block end to end.
type Column = table.TextColumn

// Where names row i in an error message: file:line, or the byte offset
// where the line is unknown.
func (b *Block) Where(i int) string { return where(b.Source, b.Lines[i], b.Offsets[i]) }

func where(p string, line, off int64) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", p, line)
	}
	return fmt.Sprintf("%s: row at byte %d", p, off)
}

func (b *Block) reset(sp Split, ncols int) {
	b.Source, b.Name = sp.Path, sp.key()
	b.Offsets, b.Lines = b.Offsets[:0], b.Lines[:0]
	if len(b.Cols) != ncols {
		b.Cols = make([]Column, ncols)
	}
	for j := range b.Cols {
		c := &b.Cols[j]
		c.Data, c.Ends, c.Dict, c.Index = c.Data[:0], c.Ends[:0], nil, c.Index[:0]
	}
}

func addValue(c *Column, v []byte) {
	c.Data = append(c.Data, v...)
	c.Ends = append(c.Ends, int32(len(c.Data)))
}

// BlockRows is about how many rows the readers put in one Block.
const BlockRows = 4096

// maxBlockBytes bounds the text a Block holds (so that int32 ends cannot
// overflow and memory stays flat with wide rows).
const maxBlockBytes = 64 << 20

// BlockFunc receives the blocks of a split in order. The block and its
// memory are reused once it returns.
type BlockFunc func(b *Block) error

// ReadBlocks streams the rows of a split to fn in blocks. header is the
// table's header; every file must have the same.
func ReadBlocks(ctx context.Context, sp Split, header []string, fn BlockFunc) error {
	if sp.Parquet {
		return readParquetBlocks(ctx, sp, header, fn)
	}
	return readCSVBlocks(ctx, sp, header, fn)
}

// Read streams the rows of a split to fn one by one, each as fresh strings.
// ReadBlocks is the faster interface.
func Read(ctx context.Context, sp Split, header []string, fn RowFunc) error {
	return ReadBlocks(ctx, sp, header, func(b *Block) error {
		for i := range b.Len() {
			fields := make([]string, len(b.Cols))
			for j := range b.Cols {
				fields[j] = string(b.Cols[j].Value(i))
			}
			if err := fn(b.Offsets[i], b.Lines[i], fields); err != nil {
				return fmt.Errorf("%s: %w", b.Where(i), err)
			}
		}
		return nil
	})
}

// RowFunc receives one input row: offset identifies it within its file
// (stable however the file is split), line is its line number or 0 when
// unknown, fields its values (the empty string for null).
type RowFunc func(offset, line int64, fields []string) error

// key is the name that identifies a split's file in sampling priorities.
func (sp Split) key() string {
	if sp.Name != "" {
		return sp.Name
	}
	return path.Base(sp.Path)
}

// commonRoot returns the longest directory that holds every file.
func commonRoot(files []string) string {
	if len(files) == 0 {
		return ""
	}
	root := path.Dir(files[0])
	for _, f := range files[1:] {
		for root != "." && root != "/" && !strings.HasPrefix(f, root+"/") {
			next := path.Dir(root)
			if next == root {
				break
			}
			root = next
		}
	}
	return root
}

// relName is f's path below root.
func relName(root, f string) string {
	if rest, ok := strings.CutPrefix(f, root+"/"); ok && root != "." && root != "" {
		return rest
	}
	if root == "/" {
		return strings.TrimPrefix(f, "/")
	}
	return f
}

// checkBlockText refuses text no table should hold, as checkField does, for
// rows [from, b.Len()) of a block: a quick scan of each column's bytes for
// NUL and non-ASCII bytes first, so that ASCII columns (numbers, codes)
// need no UTF-8 validation.
func checkBlockText(b *Block, from int, header []string) error {
	for j := range b.Cols {
		c := &b.Cols[j]
		start := int32(0)
		if from > 0 {
			start = c.Ends[from-1]
		}
		data := c.Data[start:]
		if plainASCII(data) {
			continue
		}
		for i := from; i < b.Len(); i++ {
			if err := checkBytes(c.Value(i)); err != nil {
				return fmt.Errorf("%s: column %q: %w", b.Where(i), header[j], err)
			}
		}
	}
	return nil
}

// plainASCII reports whether data holds only ASCII bytes other than NUL.
func plainASCII(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	i := 0
	for ; i+8 <= len(data); i += 8 {
		w := uint64(data[i]) | uint64(data[i+1])<<8 | uint64(data[i+2])<<16 | uint64(data[i+3])<<24 |
			uint64(data[i+4])<<32 | uint64(data[i+5])<<40 | uint64(data[i+6])<<48 | uint64(data[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(data); i++ {
		if data[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkBytes is checkField on bytes, viewed as a string without a copy
// (checkField only reads it).
func checkBytes(v []byte) error {
	return checkField(unsafe.String(unsafe.SliceData(v), len(v)))
}
