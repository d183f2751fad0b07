package table

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unsafe"
)

// Rows is a block of consecutive input rows of one file, held column by
// column: what package tableio's readers fill, so that a Summary takes
// the input a column at a time without a string per field.
type Rows struct {
	// Source is the file; Name keys its rows' priorities (see Priority).
	Source, Name string
	// Offsets[i] identifies row i within the file (see Summary.Add);
	// Lines[i] is its line number, 0 when unknown.
	Offsets, Lines []int64
	// Cols has one TextColumn per column.
	Cols []TextColumn
}

// Len is the number of rows.
func (b *Rows) Len() int { return len(b.Offsets) }

// TextColumn holds one column's values of a block end to end in Data:
// value i is Data[Ends[i-1]:Ends[i]] (Data[:Ends[0]] for i == 0); the
// empty value stands for null.
//
// A reader whose input is dictionary-coded (Parquet) may instead set Dict:
// then value i is Dict.Value(Index[i]), null where Index[i] < 0, and Data
// and Ends are not used. The statistics of such a column are computed
// once per dictionary entry the block uses, weighted by its count.
type TextColumn struct {
	Data []byte
	Ends []int32

	Dict  *TextColumn
	Index []int32
}

// Value returns value i. It shares the column's (or its dictionary's)
// memory.
func (c *TextColumn) Value(i int) []byte {
	if c.Dict != nil {
		k := c.Index[i]
		if k < 0 {
			return nil
		}
		return c.Dict.Value(int(k))
	}
	start := int32(0)
	if i > 0 {
		start = c.Ends[i-1]
	}
	return c.Data[start:c.Ends[i]]
}

// AddRows records a block of rows: each column's statistics over the
// whole block, then the rows whose priority enters the sample (only those
// are copied into strings: one per row, which its fields share).
func (s *Summary) AddRows(b *Rows) error {
	if len(b.Cols) != len(s.Columns) {
		return fmt.Errorf("has %d columns, want %d", len(b.Cols), len(s.Columns))
	}
	n := b.Len()
	s.Rows += int64(n)
	for j := range b.Cols {
		s.Stats[j].addColumn(&b.Cols[j], n)
	}
	for i := range n {
		r := SampledRow{Priority: s.priorityOf(b.Name, b.Offsets[i]), Offset: b.Offsets[i], Line: b.Lines[i]}
		if s.evicts(r, b.Name) {
			continue
		}
		r.Fields = s.rowFields(b, i)
		r.Source = s.sourceIndex(b.Source, b.Name)
		s.offer(r)
	}
	return nil
}

// rowArena holds the text and fields of the rows AddRows samples in
// chunks, not two allocations per row (fewer objects for the collector to
// allocate and trace); Trim moves the rows it keeps into a fresh arena, so
// that chunks whose rows were all dropped are freed.
type rowArena struct {
	text   []byte
	fields []string
}

const (
	arenaTextChunk   = 256 << 10
	arenaFieldsChunk = 8192
)

// add copies the values into the arena and returns them as fields.
func (a *rowArena) add(vals [][]byte) []string {
	size := 0
	for _, v := range vals {
		size += len(v)
	}
	if cap(a.text)-len(a.text) < size {
		a.text = make([]byte, 0, max(size, arenaTextChunk))
	}
	if cap(a.fields)-len(a.fields) < len(vals) {
		a.fields = make([]string, 0, max(len(vals), arenaFieldsChunk))
	}
	start := len(a.text)
	for _, v := range vals {
		a.text = append(a.text, v...)
	}
	buf := a.text[start:len(a.text):len(a.text)]
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	at := len(a.fields)
	off := 0
	for _, v := range vals {
		a.fields = append(a.fields, all[off:off+len(v)])
		off += len(v)
	}
	return a.fields[at:len(a.fields):len(a.fields)]
}

// rowFields copies row i of b into the arena.
func (s *Summary) rowFields(b *Rows, i int) []string {
	if s.arena == nil {
		s.arena = &rowArena{}
	}
	var small [16][]byte
	vals := small[:0]
	if len(b.Cols) > len(small) {
		vals = make([][]byte, 0, len(b.Cols))
	}
	for j := range b.Cols {
		vals = append(vals, b.Cols[j].Value(i))
	}
	return s.arena.add(vals)
}

// compact moves the sample's fields into a fresh arena.
func (s *Summary) compact() {
	if s.arena == nil {
		return
	}
	a := &rowArena{}
	var vals [][]byte
	for i := range s.Sample {
		vals = vals[:0]
		for _, f := range s.Sample[i].Fields {
			vals = append(vals, unsafe.Slice(unsafe.StringData(f), len(f)))
		}
		s.Sample[i].Fields = a.add(vals)
	}
	s.arena = a
}

// valueCounter counts a column's distinct values in a block without a
// string per value: slots found through an open-addressing table on the
// bytes (a multiplicative hash, cheaper than a map lookup's), flushed into
// ColumnStats.Counts at the block's end.
type valueCounter struct {
	table   []int32 // slot+1 per position, 0 where empty; a power of two long
	shift   uint    // 64 - log2(len(table))
	keys    []string
	pending []int64
	touched []int32
}

// hashBytes mixes v's bytes 8 at a time.
func hashBytes(v []byte) uint64 {
	h := uint64(len(v)) * 0x9E3779B97F4A7C15
	for len(v) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(v)) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
		v = v[8:]
	}
	var w uint64
	for i, b := range v {
		w |= uint64(b) << (8 * i)
	}
	h = (h ^ w) * 0x94d049bb133111eb
	return h ^ h>>29
}

// slot returns v's slot, adding it when new.
func (vc *valueCounter) slot(v []byte) int32 {
	if 2*(len(vc.keys)+1) > len(vc.table) {
		vc.grow()
	}
	mask := uint64(len(vc.table) - 1)
	i := (hashBytes(v) * 0x9E3779B97F4A7C15) >> vc.shift
	for {
		e := vc.table[i]
		if e == 0 {
			break
		}
		if k := vc.keys[e-1]; len(k) == len(v) && k == unsafe.String(unsafe.SliceData(v), len(v)) {
			return e - 1
		}
		i = (i + 1) & mask
	}
	k := int32(len(vc.keys))
	vc.table[i] = k + 1
	vc.keys = append(vc.keys, string(v))
	vc.pending = append(vc.pending, 0)
	return k
}

// grow doubles the table (at least 1024 positions) and reinserts the keys.
func (vc *valueCounter) grow() {
	size := max(1024, 2*len(vc.table))
	vc.table = make([]int32, size)
	vc.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for k, key := range vc.keys {
		i := (hashBytes(unsafe.Slice(unsafe.StringData(key), len(key))) * 0x9E3779B97F4A7C15) >> vc.shift
		for vc.table[i] != 0 {
			i = (i + 1) & mask
		}
		vc.table[i] = int32(k) + 1
	}
}

// count adds m occurrences of the non-empty value v to the block's
// pending counts.
func (vc *valueCounter) count(v []byte, m int64) {
	k := vc.slot(v)
	if vc.pending[k] == 0 {
		vc.touched = append(vc.touched, k)
	}
	vc.pending[k] += m
}

// dictCounter is addColumn's scratch for a dictionary-coded column: the
// count of each dictionary entry in the block and the entries used.
type dictCounter struct {
	counts  []int64
	touched []int32
	numbers []float64
}

// textBounds tracks MinText and MaxText through a block with each bound's
// first 8 bytes as a big-endian number (prefixKey): most values differ
// from the bounds there, which decides the comparison without a call.
type textBounds struct {
	minKey, maxKey uint64
}

// prefixKey is v's first 8 bytes as a big-endian number, zero-padded:
// prefixKey(a) < prefixKey(b) implies a < b.
func prefixKey(v []byte) uint64 {
	if len(v) >= 8 {
		return binary.BigEndian.Uint64(v)
	}
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(v) {
			k |= uint64(v[i])
		}
	}
	return k
}

func (c *ColumnStats) bounds() textBounds {
	return textBounds{
		minKey: prefixKey(unsafe.Slice(unsafe.StringData(c.MinText), len(c.MinText))),
		maxKey: prefixKey(unsafe.Slice(unsafe.StringData(c.MaxText), len(c.MaxText))),
	}
}

// addText updates MinText and MaxText with the non-empty value v: the
// first bytes decide most comparisons, then the 8-byte prefix keys, and
// only values that tie on those are compared in full.
func (c *ColumnStats) addText(tb *textBounds, v []byte) {
	if c.MinText == "" {
		c.MinText, tb.minKey = string(v), prefixKey(v)
	} else if v[0] < c.MinText[0] {
		c.MinText, tb.minKey = string(v), prefixKey(v)
	} else if v[0] == c.MinText[0] {
		if k := prefixKey(v); k < tb.minKey || (k == tb.minKey && unsafe.String(&v[0], len(v)) < c.MinText) {
			c.MinText, tb.minKey = string(v), k
		}
	}
	if c.MaxText == "" || v[0] > c.MaxText[0] {
		c.MaxText, tb.maxKey = string(v), prefixKey(v)
	} else if v[0] == c.MaxText[0] {
		if k := prefixKey(v); k > tb.maxKey || (k == tb.maxKey && unsafe.String(&v[0], len(v)) > c.MaxText) {
			c.MaxText, tb.maxKey = string(v), k
		}
	}
}

// addColumn is add for the first n values of a column.
func (c *ColumnStats) addColumn(col *TextColumn, n int) {
	if !c.Overflow && c.counter == nil {
		c.counter = &valueCounter{}
	}
	if col.Dict != nil {
		c.addDictColumn(col, n)
		return
	}
	vc := c.counter
	tb := c.bounds()
	start := int32(0)
	for i := range n {
		end := col.Ends[i]
		v := col.Data[start:end]
		start = end
		if len(v) == 0 {
			c.Nulls++
			continue
		}
		if !c.Text {
			if f, ok := parseDecimal(v); !ok {
				c.Text = true
			} else {
				c.addNumber(f)
			}
		}
		c.addText(&tb, v)
		if !c.Overflow {
			vc.count(v, 1)
		}
	}
	c.flushCounts()
}

// addDictColumn is addColumn for a dictionary-coded column: the same
// statistics, from each used entry's count.
func (c *ColumnStats) addDictColumn(col *TextColumn, n int) {
	if c.dict == nil {
		c.dict = &dictCounter{}
	}
	dc, dict := c.dict, col.Dict
	if len(dc.counts) < len(dict.Ends) {
		dc.counts = make([]int64, len(dict.Ends))
	}
	dc.touched = dc.touched[:0]
	if len(dict.Ends) <= 2*n {
		// A small dictionary: count, then list the used entries.
		counts := dc.counts[:len(dict.Ends)]
		for _, k := range col.Index[:n] {
			if k < 0 {
				c.Nulls++
				continue
			}
			counts[k]++
		}
		for k, m := range counts {
			if m != 0 {
				dc.touched = append(dc.touched, int32(k))
			}
		}
	} else {
		for _, k := range col.Index[:n] {
			if k < 0 {
				c.Nulls++
				continue
			}
			if dc.counts[k] == 0 {
				dc.touched = append(dc.touched, k)
			}
			dc.counts[k]++
		}
	}
	if !c.Text {
		// Numbers counts the values before the first one that is no
		// number: when every used entry is one, that is all of them.
		dc.numbers = dc.numbers[:0]
		text := false
		for _, k := range dc.touched {
			f, ok := 0.0, true
			if v := dict.Value(int(k)); len(v) > 0 {
				f, ok = parseDecimal(v)
			}
			if !ok {
				text = true
				break
			}
			dc.numbers = append(dc.numbers, f)
		}
		if !text {
			for i, k := range dc.touched {
				if len(dict.Value(int(k))) > 0 {
					c.addNumbers(dc.numbers[i], dc.counts[k])
				}
			}
		} else {
			// In row order, as addColumn does.
			for _, k := range col.Index[:n] {
				if k < 0 {
					continue
				}
				v := dict.Value(int(k))
				if len(v) == 0 {
					continue
				}
				f, ok := parseDecimal(v)
				if !ok {
					c.Text = true
					break
				}
				c.addNumber(f)
			}
		}
	}
	tb := c.bounds()
	for _, k := range dc.touched {
		m := dc.counts[k]
		dc.counts[k] = 0
		v := dict.Value(int(k))
		if len(v) == 0 {
			c.Nulls += m
			continue
		}
		c.addText(&tb, v)
		if !c.Overflow {
			c.counter.count(v, m)
		}
	}
	dc.touched = dc.touched[:0]
	c.flushCounts()
}

// flushCounts adds the block's pending counts to Counts.
func (c *ColumnStats) flushCounts() {
	if c.Overflow {
		return
	}
	vc := c.counter
	for _, k := range vc.touched {
		c.Counts[vc.keys[k]] += vc.pending[k]
		vc.pending[k] = 0
	}
	vc.touched = vc.touched[:0]
	if len(c.Counts) > MaxExactCategories {
		c.Overflow, c.Counts, c.counter = true, nil, nil
	}
}

// parseDecimal is strconv.ParseFloat on bytes, with a fast path for plain
// decimals of at most 15 digits: their value is exact in a float64, and
// one division by an exact power of ten rounds it as ParseFloat does.
func parseDecimal(v []byte) (float64, bool) {
	i, neg := 0, false
	if v[0] == '-' || v[0] == '+' {
		neg, i = v[0] == '-', 1
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			digits = 99 // not plain: the slow path decides
		}
		if digits > 15 {
			break
		}
	}
	if digits == 0 || digits > 15 {
		f, err := strconv.ParseFloat(unsafe.String(&v[0], len(v)), 64)
		return f, err == nil
	}
	f := float64(mant) / pow10[frac] // text.go's exact powers of ten
	if neg {
		f = -f
	}
	return f, true
}
