package table

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// RowDecoder turns encoded rows back into the model's values, written as
// CSV in the model's formats. It is safe for concurrent use only through
// distinct decoders.
type RowDecoder struct {
	// Clamp keeps decoded numbers within the model's bounds (Column.Min
	// and Max), as generated values are. It is off by default: the bounds
	// of datetimes come from the sample, and a round trip must return
	// values outside them unchanged.
	Clamp bool

	m      *Model
	g      *Generator
	b      *Block   // one row of scratch, for the generator's formatting
	fields [][2]int // per model column: positions of alpha and mode, index or text (−1: absent)
	single bool
}

// NewRowDecoder prepares the decoding of an encoded table whose columns
// are header (EncodedColumns of the model, in any order). An ID column may
// be missing: it decodes to null.
func NewRowDecoder(m *Model, header []string) (*RowDecoder, error) {
	g, err := NewGenerator(m)
	if err != nil {
		return nil, err
	}
	cols, err := EncodedColumns(m)
	if err != nil {
		return nil, err
	}
	d := &RowDecoder{m: m, g: g, b: g.NewBlock(), fields: make([][2]int, len(m.Columns)), single: len(m.Columns) == 1}
	for j := range d.fields {
		d.fields[j] = [2]int{-1, -1}
	}
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	for _, ec := range cols {
		i, ok := at[ec.Name]
		if !ok {
			if ec.Part == PartText {
				continue
			}
			return nil, fmt.Errorf("the encoded input has no column %q (input columns: %s)", ec.Name, strings.Join(header, ", "))
		}
		delete(at, ec.Name)
		if ec.Part == PartMode {
			d.fields[ec.Column][1] = i
		} else {
			d.fields[ec.Column][0] = i
		}
	}
	for _, h := range header {
		if _, extra := at[h]; extra {
			return nil, fmt.Errorf("the encoded input has column %q, which the model's encoding does not", h)
		}
	}
	return d, nil
}

// Parse reads one encoded row given as text (in the header's order, "" for
// null, as a table reader delivers it) into out, one value per model column.
func (d *RowDecoder) Parse(fields []string, out []EncodedValue) error {
	for j := range d.m.Columns {
		c := &d.m.Columns[j]
		f := d.fields[j]
		o := &out[j]
		*o = EncodedValue{}
		switch {
		case c.Kind.Numeric():
			m := fields[f[1]]
			if m == "" {
				o.Null = true
				continue
			}
			mode, err := strconv.ParseInt(m, 10, 32)
			if err != nil {
				return fmt.Errorf("column %q: mode %q is not an integer", c.Name+".mode", m)
			}
			o.Mode = int32(mode)
			if mode >= 0 {
				a := fields[f[0]]
				if a == "" {
					return fmt.Errorf("column %q: null, but the mode is %d", c.Name+".alpha", mode)
				}
				if o.Alpha, err = strconv.ParseFloat(a, 64); err != nil {
					return fmt.Errorf("column %q: %q is not a number", c.Name+".alpha", a)
				}
			}
		case c.Kind == ID:
			if f[0] < 0 || fields[f[0]] == "" {
				o.Null = true
			} else {
				o.Text = fields[f[0]]
			}
		default:
			v := fields[f[0]]
			if v == "" {
				o.Null, o.Mode = true, -1
				continue
			}
			idx, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return fmt.Errorf("column %q: index %q is not an integer", c.Name, v)
			}
			o.Mode = int32(idx)
		}
	}
	return nil
}

// Value decodes one numeric value of model column j: the mixture's
// μ_mode + 4σ_mode·alpha (alpha clipped to [−1, 1]) or the atom, rounded
// to the column's resolution (integers to whole numbers, datetimes to
// their seconds' decimals; floats are rounded to their decimals when
// written) and, with Clamp, kept within the column's bounds.
func (d *RowDecoder) Value(j int, v EncodedValue) (float64, error) {
	c := &d.m.Columns[j]
	if !c.Kind.Numeric() || c.VGM == nil {
		return 0, fmt.Errorf("column %q is not numeric", c.Name)
	}
	var x float64
	switch {
	case v.Mode < 0:
		a := int(-1 - v.Mode)
		if a >= len(c.Atoms) {
			return 0, fmt.Errorf("column %q: mode %d names atom %d, but the column has %d atoms", c.Name, v.Mode, a, len(c.Atoms))
		}
		x = c.Atoms[a].Value
	case int(v.Mode) >= c.VGM.Len():
		return 0, fmt.Errorf("column %q: mode %d, but the mixture has %d modes", c.Name, v.Mode, c.VGM.Len())
	case math.IsNaN(v.Alpha):
		return 0, fmt.Errorf("column %q: alpha is NaN", c.Name)
	default:
		x = c.VGM.Decode(v.Alpha, int(v.Mode))
	}
	switch c.Kind {
	case Integer:
		x = math.Round(x)
	case Datetime:
		p := math.Pow10(c.Format.Decimals)
		x = math.Round(x*p) / p
	}
	if d.Clamp {
		x = min(max(x, *c.Min), *c.Max)
	}
	return x, nil
}

// AppendCSVHeader appends the decoded table's header line: the model's
// column names.
func (d *RowDecoder) AppendCSVHeader(dst []byte) []byte {
	for j, c := range d.m.Columns {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVField(dst, c.Name)
	}
	return append(dst, '\n')
}

// AppendCSV appends one decoded row as a CSV line, each value in its
// column's format. A category index of −1 decodes to null; other indexes
// and modes out of range are an error.
func (d *RowDecoder) AppendCSV(dst []byte, vals []EncodedValue) ([]byte, error) {
	for j := range d.m.Columns {
		c := &d.m.Columns[j]
		if j > 0 {
			dst = append(dst, ',')
		}
		v := vals[j]
		if v.Null || (!c.Kind.Numeric() && c.Kind != ID && v.Mode == -1) {
			if d.single {
				dst = append(dst, '"', '"') // not a blank line
			}
			continue
		}
		switch {
		case c.Kind.Numeric():
			x, err := d.Value(j, v)
			if err != nil {
				return nil, err
			}
			cv := &d.b.Cols[j]
			cv.Num[0], cv.Null[0] = x, false
			start := len(dst)
			dst = d.g.AppendText(dst, d.b, j, 0)
			if needsCSVQuote(string(dst[start:])) {
				text := string(dst[start:])
				dst = appendCSVField(dst[:start], text)
			}
		case c.Kind == ID:
			dst = appendCSVField(dst, v.Text)
		default:
			if v.Mode < 0 || int(v.Mode) >= len(c.Categories) {
				return nil, fmt.Errorf("column %q: index %d, but the model has %d categories", c.Name, v.Mode, len(c.Categories))
			}
			dst = appendCSVField(dst, c.Categories[v.Mode].Value)
		}
	}
	return append(dst, '\n'), nil
}

func needsCSVQuote(v string) bool {
	return strings.ContainsAny(v, ",\"\r\n") || strings.TrimSpace(v) != v
}

// appendCSVField writes one field, quoted where RFC 4180 requires it or
// where spaces around it would otherwise be lost.
func appendCSVField(dst []byte, v string) []byte {
	if !needsCSVQuote(v) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(v, `"`, `""`)...)
	return append(dst, '"')
}
