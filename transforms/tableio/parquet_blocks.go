package tableio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// readParquetBlocks reads the row groups [sp.Start, sp.End) of a Parquet
// file column by column: each column chunk's pages are decoded as typed
// slices (dictionary pages as indexes into the dictionary, rendered once)
// and written as text the way a CSV export of the table would, into blocks
// of BlockRows rows. A row's offset is its index in the file.
func readParquetBlocks(ctx context.Context, sp Split, header []string, fn BlockFunc) error {
	pf, c, err := openParquet(ctx, sp.Path)
	if err != nil {
		return err
	}
	defer c.Close()
	leaves := pf.Schema().Fields()
	if len(leaves) != len(header) {
		return fmt.Errorf("%s: has %d columns, the first file has %d", sp.Path, len(leaves), len(header))
	}
	texts := make([]textOf, len(leaves))
	for i, f := range leaves {
		if f.Name() != header[i] {
			return fmt.Errorf("%s: column %d is %q, the first file's is %q", sp.Path, i+1, f.Name(), header[i])
		}
		texts[i] = newTextOf(f)
	}
	groups := pf.RowGroups()
	var offset int64
	for g := 0; g < int(sp.Start) && g < len(groups); g++ {
		offset += groups[g].NumRows()
	}
	var b Block
	for g := int(sp.Start); g < int(sp.End) && g < len(groups); g++ {
		chunks := groups[g].ColumnChunks()
		cursors := make([]*columnCursor, len(chunks))
		for j, ch := range chunks {
			cursors[j] = &columnCursor{pages: ch.Pages(), text: texts[j]}
		}
		err := func() error {
			defer func() {
				for _, cur := range cursors {
					cur.close()
				}
			}()
			left := groups[g].NumRows()
			for left > 0 {
				n := int(min(left, BlockRows))
				b.reset(sp, len(header))
				for i := range n {
					b.Offsets = append(b.Offsets, offset+int64(i))
					b.Lines = append(b.Lines, 0)
				}
				for j, cur := range cursors {
					if err := cur.appendTo(&b.Cols[j], n); err != nil {
						return fmt.Errorf("%s: row group %d: column %q: %w", sp.Path, g, header[j], err)
					}
				}
				if err := fn(&b); err != nil {
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				offset += int64(n)
				left -= int64(n)
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// columnCursor walks one column chunk's values page by page.
type columnCursor struct {
	pages parquet.Pages
	text  textOf
	page  parquet.Page
	defs  []byte // definition levels of an optional column's page, else nil
	row   int    // next row within the page
	value int    // next non-null value within the page
	rows  int

	dict      parquet.Dictionary // the dictionary dictText renders
	dictText  Column
	idx       []int32
	i32       []int32
	i64       []int64
	f32       []float32
	f64       []float64
	bytes     []byte
	offs      []uint32
	boolVals  []parquet.Value
	isBoolean bool

	numeric    bool        // the page's values are numbers (load)
	numbers    *numberDict // their own dictionary, made as needed
	numbersOff bool        // too many distinct numbers for it
}

func (c *columnCursor) close() {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	c.pages.Close()
}

// appendTo appends the next n values to col: as indexes into a
// dictionary while they come from one (the column chunk's dictionary
// pages, or the cursor's own dictionary of a numeric column's distinct
// values), so that the summary works once per distinct value; as text
// otherwise, and when the pages of one block switch between the two.
func (c *columnCursor) appendTo(col *Column, n int) error {
	for n > 0 {
		if c.page == nil || c.row == c.rows {
			if err := c.nextPage(); err != nil {
				return err
			}
			continue
		}
		m := min(n, c.rows-c.row)
		dict := c.pageDict()
		if len(col.Ends) == 0 && len(col.Index) == 0 {
			col.Dict = dict
		} else if col.Dict != dict {
			materialize(col)
		}
		var err error
		switch {
		case col.Dict == nil:
			c.appendText(col, m)
		case c.idx != nil:
			err = c.appendIndexes(col, m)
		default:
			c.appendNumberIndexes(col, m)
		}
		if err != nil {
			return err
		}
		n -= m
	}
	return nil
}

// pageDict is the dictionary the current page's values index, or nil.
func (c *columnCursor) pageDict() *Column {
	if c.idx != nil {
		return &c.dictText
	}
	if c.numeric && !c.numbersOff {
		if c.numbers == nil {
			c.numbers = &numberDict{}
		}
		return &c.numbers.text
	}
	return nil
}

// materialize turns a dictionary-coded column into text.
func materialize(col *Column) {
	if col.Dict == nil {
		return
	}
	for i := range col.Index {
		addValue(col, col.Value(i))
	}
	col.Dict, col.Index = nil, col.Index[:0]
}

// appendText appends the text of the page's next m values.
func (c *columnCursor) appendText(col *Column, m int) {
	for ; m > 0; m-- {
		if c.defs != nil && c.defs[c.row] == 0 {
			col.Ends = append(col.Ends, int32(len(col.Data)))
		} else {
			col.Data = c.appendValue(col.Data, c.value)
			col.Ends = append(col.Ends, int32(len(col.Data)))
			c.value++
		}
		c.row++
	}
}

// appendIndexes appends the dictionary indexes of a dictionary page's
// next m values.
func (c *columnCursor) appendIndexes(col *Column, m int) error {
	size := uint32(len(c.dictText.Ends))
	for ; m > 0; m-- {
		if c.defs != nil && c.defs[c.row] == 0 {
			col.Index = append(col.Index, -1)
		} else {
			if c.value >= len(c.idx) {
				return errors.New("fewer values than the page's rows")
			}
			k := c.idx[c.value]
			if uint32(k) >= size {
				return fmt.Errorf("dictionary index %d out of range (%d entries)", k, size)
			}
			col.Index = append(col.Index, k)
			c.value++
		}
		c.row++
	}
	return nil
}

// maxNumberDict is how many distinct values a numeric column's own
// dictionary takes per row group; a column with more is written as text
// for the rest of the row group.
const maxNumberDict = 4096

// numberDict is a dictionary of a numeric column's distinct values (their
// bits), built while reading: an open-addressing table of entry+1 (0:
// empty slot) and each entry's text.
type numberDict struct {
	slots [2 * maxNumberDict]int32
	keys  []uint64
	text  Column
}

// appendNumberIndexes appends the indexes of the page's next m values in
// the cursor's own dictionary, adding new values; when the dictionary is
// full, the column turns to text.
func (c *columnCursor) appendNumberIndexes(col *Column, m int) {
	d := c.numbers
	for ; m > 0; m-- {
		if c.defs != nil && c.defs[c.row] == 0 {
			col.Index = append(col.Index, -1)
			c.row++
			continue
		}
		key := c.bits(c.value)
		h := (key * 0x9E3779B97F4A7C15) >> (64 - 13) // log2(len(slots))
		k := int32(-1)
		for {
			e := d.slots[h]
			if e == 0 {
				break
			}
			if d.keys[e-1] == key {
				k = e - 1
				break
			}
			h = (h + 1) & (2*maxNumberDict - 1)
		}
		if k < 0 {
			if len(d.keys) == maxNumberDict {
				c.numbersOff = true
				materialize(col)
				c.appendText(col, m)
				return
			}
			k = int32(len(d.keys))
			d.keys = append(d.keys, key)
			d.slots[h] = k + 1
			d.text.Data = c.appendValue(d.text.Data, c.value)
			d.text.Ends = append(d.text.Ends, int32(len(d.text.Data)))
		}
		col.Index = append(col.Index, k)
		c.value++
		c.row++
	}
}

// bits returns numeric value i of the page as a dictionary key.
func (c *columnCursor) bits(i int) uint64 {
	switch {
	case c.i64 != nil:
		return uint64(c.i64[i])
	case c.i32 != nil:
		return uint64(c.i32[i])
	case c.f64 != nil:
		return math.Float64bits(c.f64[i])
	default:
		return uint64(math.Float32bits(c.f32[i]))
	}
}

func (c *columnCursor) nextPage() error {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	p, err := c.pages.ReadPage()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("fewer values than the row group's rows")
		}
		return err
	}
	c.page, c.row, c.value, c.rows = p, 0, 0, int(p.NumRows())
	c.defs = nil
	if p.NumNulls() > 0 || len(p.DefinitionLevels()) > 0 {
		c.defs = p.DefinitionLevels()
	}
	if c.defs != nil && len(c.defs) != c.rows {
		return fmt.Errorf("page has %d definition levels for %d rows", len(c.defs), c.rows)
	}
	if d := p.Dictionary(); d != nil {
		if d != c.dict {
			c.dict = d
			c.dictText = Column{}
			dc := &columnCursor{text: c.text}
			dc.load(d.Page())
			for i := range int(d.Page().NumValues()) {
				addValue(&c.dictText, dc.appendValue(nil, i))
			}
		}
		d := p.Data()
		c.idx = d.Int32()
		return nil
	}
	c.idx = nil
	c.load(p)
	return nil
}

// load takes a (non-dictionary) page's values as typed slices.
func (c *columnCursor) load(p parquet.Page) {
	c.isBoolean, c.numeric = false, false
	d := p.Data()
	switch p.Type().Kind() {
	case parquet.Int32:
		c.i32, c.numeric = d.Int32(), true
	case parquet.Int64:
		c.i64, c.numeric = d.Int64(), true
	case parquet.Float:
		c.f32, c.numeric = d.Float(), true
	case parquet.Double:
		c.f64, c.numeric = d.Double(), true
	case parquet.FixedLenByteArray:
		var size int
		c.bytes, size = d.FixedLenByteArray()
		c.offs = c.offs[:0]
		for o := 0; size > 0 && o <= len(c.bytes); o += size {
			c.offs = append(c.offs, uint32(o))
		}
	case parquet.ByteArray:
		c.bytes, c.offs = d.ByteArray()
	default: // booleans (bit-packed), INT96: as parquet.Values
		c.isBoolean = true
		c.boolVals = make([]parquet.Value, p.NumValues())
		n, _ := p.Values().ReadValues(c.boolVals)
		c.boolVals = c.boolVals[:n]
	}
}

// appendValue appends the text of non-null value i of the page.
func (c *columnCursor) appendValue(dst []byte, i int) []byte {
	if c.idx != nil {
		return append(dst, c.dictText.Value(int(c.idx[i]))...)
	}
	if c.isBoolean {
		v := c.boolVals[i]
		if v.Kind() == parquet.Boolean {
			return strconv.AppendBool(dst, v.Boolean())
		}
		return append(dst, v.String()...)
	}
	t := &c.text
	switch {
	case c.i64 != nil:
		return t.appendInt(dst, c.i64[i])
	case c.i32 != nil:
		return t.appendInt(dst, int64(c.i32[i]))
	case c.f64 != nil:
		return appendFloatText(dst, c.f64[i], 64)
	case c.f32 != nil:
		return appendFloatText(dst, float64(c.f32[i]), 32)
	default:
		return append(dst, c.bytes[c.offs[i]:c.offs[i+1]]...)
	}
}

// textOf says how a column's integers are written: as timestamps, dates,
// decimals or plain integers.
type textOf struct {
	timestamp bool
	unit      time.Duration // of a timestamp
	date      bool
	decimal   bool
	scale     int
	days      *dayCache // of a timestamp or date: the text of recent days
}

func newTextOf(f parquet.Field) textOf {
	var t textOf
	if lt := f.Type().LogicalType(); lt != nil {
		switch v := lt.Value.(type) {
		case *format.TimestampType:
			t.timestamp, t.unit = true, time.Nanosecond
			switch v.Unit.Value.(type) {
			case *format.MilliSeconds:
				t.unit = time.Millisecond
			case *format.MicroSeconds:
				t.unit = time.Microsecond
			}
		case *format.DateType:
			t.date = true
		case *format.DecimalType:
			t.decimal, t.scale = true, int(v.Scale)
		}
	}
	if t.timestamp || t.date {
		t.days = newDayCache()
	}
	return t
}

func (t *textOf) appendInt(dst []byte, v int64) []byte {
	switch {
	case t.timestamp:
		var sec, nsec int64
		switch t.unit {
		case time.Millisecond:
			sec, nsec = floorDiv(v, 1e3)
			nsec *= 1e6
		case time.Microsecond:
			sec, nsec = floorDiv(v, 1e6)
			nsec *= 1e3
		default:
			sec, nsec = floorDiv(v, 1e9)
		}
		if out, ok := t.days.appendTimestampText(dst, sec, nsec); ok {
			return out
		}
		return t.appendIntSlow(dst, v)
	case t.date:
		if out, ok := t.days.appendDate(dst, v); ok {
			return out
		}
		return t.appendIntSlow(dst, v)
	case t.decimal:
		return strconv.AppendFloat(dst, float64(v)/math.Pow10(t.scale), 'f', t.scale, 64)
	}
	return strconv.AppendInt(dst, v, 10)
}

// appendIntSlow is appendInt for timestamps and dates through
// time.Time.AppendFormat: what appendInt does for years outside 0..9999,
// and the reference its fast path is tested against.
func (t *textOf) appendIntSlow(dst []byte, v int64) []byte {
	switch {
	case t.timestamp:
		var tm time.Time
		switch t.unit {
		case time.Millisecond:
			tm = time.UnixMilli(v)
		case time.Microsecond:
			tm = time.UnixMicro(v)
		default:
			tm = time.Unix(0, v)
		}
		tm = tm.UTC()
		if tm.Nanosecond() == 0 {
			return tm.AppendFormat(dst, "2006-01-02 15:04:05")
		}
		return tm.AppendFormat(dst, "2006-01-02 15:04:05.999999999")
	case t.date:
		return time.Unix(v*86400, 0).UTC().AppendFormat(dst, "2006-01-02")
	}
	return t.appendInt(dst, v)
}

// appendFloatText writes a float in plain notation where that is short, in
// e-notation for very large or small magnitudes.
func appendFloatText(dst []byte, x float64, bits int) []byte {
	if a := math.Abs(x); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.AppendFloat(dst, x, 'f', -1, bits)
	}
	return strconv.AppendFloat(dst, x, 'g', -1, bits)
}
