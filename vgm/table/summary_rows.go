package table

import (
	"fmt"
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
type TextColumn struct {
	Data []byte
	Ends []int32
}

// Value returns value i. It shares the column's memory.
func (c *TextColumn) Value(i int) []byte {
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
		r.Fields = rowFields(b, i)
		r.Source = s.sourceIndex(b.Source, b.Name)
		s.offer(r)
	}
	return nil
}

// rowFields copies row i of b into one string and returns its fields as
// parts of it.
func rowFields(b *Rows, i int) []string {
	size := 0
	for j := range b.Cols {
		size += len(b.Cols[j].Value(i))
	}
	buf := make([]byte, 0, size)
	for j := range b.Cols {
		buf = append(buf, b.Cols[j].Value(i)...)
	}
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	fields := make([]string, len(b.Cols))
	at := 0
	for j := range b.Cols {
		l := len(b.Cols[j].Value(i))
		fields[j] = all[at : at+l]
		at += l
	}
	return fields
}

// valueCounter counts a column's distinct values in a block without a
// string per value: slots found by a map lookup on the bytes (which does
// not allocate), flushed into ColumnStats.Counts at the block's end.
type valueCounter struct {
	index   map[string]int32
	keys    []string
	pending []int64
	touched []int32
}

// addColumn is add for the first n values of a column.
func (c *ColumnStats) addColumn(col *TextColumn, n int) {
	if !c.Overflow && c.counter == nil {
		c.counter = &valueCounter{index: map[string]int32{}}
	}
	vc := c.counter
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
		sv := unsafe.String(&v[0], len(v))
		if c.MinText == "" || sv < c.MinText {
			c.MinText = string(v)
		}
		if sv > c.MaxText {
			c.MaxText = string(v)
		}
		if c.Overflow {
			continue
		}
		k, ok := vc.index[sv]
		if !ok {
			key := string(v)
			k = int32(len(vc.keys))
			vc.index[key] = k
			vc.keys = append(vc.keys, key)
			vc.pending = append(vc.pending, 0)
		}
		if vc.pending[k] == 0 {
			vc.touched = append(vc.touched, k)
		}
		vc.pending[k]++
	}
	if c.Overflow {
		return
	}
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
