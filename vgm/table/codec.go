package table

import (
	"fmt"
	"path"
	"strings"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// The row codec: mode-specific normalisation of whole rows (the data
// preparation of CTGAN-style synthesizers) with a model's mixtures, and
// its inverse.

// EncodedPart says what an encoded column holds.
type EncodedPart int

// The parts of an encoded table.
const (
	// PartAlpha is a numeric column's alpha (float64).
	PartAlpha EncodedPart = iota + 1
	// PartMode is a numeric column's mode (int32): 0..k−1 for the
	// mixture's modes, −1−i for atom i.
	PartMode
	// PartIndex is a categorical or boolean column's category index
	// (int32), −1 for a value not in the model.
	PartIndex
	// PartText is an ID column's value, passed through (string).
	PartText
)

// EncodedColumn is one column of an encoded table.
type EncodedColumn struct {
	// Name is NAME.alpha or NAME.mode for a numeric column NAME, NAME
	// otherwise.
	Name string
	// Column indexes Model.Columns.
	Column int
	Part   EncodedPart
}

// EncodedColumns lists the columns of a model's encoded table, in order:
// for each model column, NAME.alpha and NAME.mode (numeric kinds) or NAME
// (categorical, boolean and ID kinds).
func EncodedColumns(m *Model) ([]EncodedColumn, error) {
	var cols []EncodedColumn
	seen := map[string]bool{}
	for j, c := range m.Columns {
		var add []EncodedColumn
		switch {
		case c.Kind.Numeric():
			add = []EncodedColumn{{c.Name + ".alpha", j, PartAlpha}, {c.Name + ".mode", j, PartMode}}
		case c.Kind == ID:
			add = []EncodedColumn{{c.Name, j, PartText}}
		default:
			add = []EncodedColumn{{c.Name, j, PartIndex}}
		}
		for _, e := range add {
			if seen[e.Name] {
				return nil, fmt.Errorf("encoded column %q would appear twice (rename column %q)", e.Name, c.Name)
			}
			seen[e.Name] = true
		}
		cols = append(cols, add...)
	}
	return cols, nil
}

// EncodedValue is one model column's value in an encoded row.
type EncodedValue struct {
	// Null marks a null value; the other fields are then zero, but Mode,
	// which is −1 for a categorical column.
	Null bool
	// Alpha is a numeric column's alpha.
	Alpha float64
	// Mode is a numeric column's mode (−1−i for atom i), or a categorical
	// or boolean column's category index (−1 for an unknown value).
	Mode int32
	// Text is an ID column's value.
	Text string
}

// RowEncoder encodes input rows with a model. It is safe for concurrent
// use.
type RowEncoder struct {
	m    *Model
	pos  []int              // input field of each model column
	cats []map[string]int32 // per categorical or boolean column
	seed uint64
}

// NewRowEncoder prepares the encoding of rows whose columns are header
// (the input's columns: the model's, in any order). seed chooses the
// modes drawn.
func NewRowEncoder(m *Model, header []string, seed uint64) (*RowEncoder, error) {
	e := &RowEncoder{m: m, seed: seed, cats: make([]map[string]int32, len(m.Columns))}
	var err error
	if e.pos, err = codecColumnPositions(m, header); err != nil {
		return nil, err
	}
	for j, c := range m.Columns {
		if c.Kind == Categorical || c.Kind == Boolean {
			idx := make(map[string]int32, len(c.Categories))
			for i, cat := range c.Categories {
				idx[cat.Value] = int32(i)
			}
			e.cats[j] = idx
		}
	}
	return e, nil
}

// codecColumnPositions finds each model column in header, which must hold
// exactly the model's columns.
func codecColumnPositions(m *Model, header []string) ([]int, error) {
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	pos := make([]int, len(m.Columns))
	for j, c := range m.Columns {
		i, ok := at[c.Name]
		if !ok {
			return nil, fmt.Errorf("the input has no column %q, which the model has (input columns: %s)", c.Name, strings.Join(header, ", "))
		}
		pos[j] = i
		delete(at, c.Name)
	}
	for _, h := range header {
		if _, extra := at[h]; extra {
			return nil, fmt.Errorf("the input has column %q, which the model does not (model columns: %s)", h, strings.Join(codecModelNames(m), ", "))
		}
	}
	return pos, nil
}

func codecModelNames(m *Model) []string {
	names := make([]string, len(m.Columns))
	for j, c := range m.Columns {
		names[j] = c.Name
	}
	return names
}

// RowStream is the random stream of the row at offset in the file named
// source: it depends on the file's base name only, so that a table encodes
// the same wherever it is stored.
func RowStream(source string, offset int64) uint64 {
	return rng.Hash(sourceHash(path.Base(source)) ^ rng.Hash(uint64(offset)))
}

// Encode encodes the input row fields (in the header's order, "" for
// null), found at offset in the file source, into out (one value per model
// column). Numeric values that do not parse are an error.
func (e *RowEncoder) Encode(source string, offset int64, fields []string, out []EncodedValue) error {
	if len(fields) != len(e.pos) {
		return fmt.Errorf("has %d fields, want %d", len(fields), len(e.pos))
	}
	if len(out) < len(e.pos) {
		return fmt.Errorf("room for %d values, want %d", len(out), len(e.pos))
	}
	var r rng.Rand
	seeded := false
	for j := range e.m.Columns {
		c := &e.m.Columns[j]
		v := fields[e.pos[j]]
		o := &out[j]
		*o = EncodedValue{}
		if v == "" {
			o.Null = true
			if !c.Kind.Numeric() && c.Kind != ID {
				o.Mode = -1
			}
			continue
		}
		switch {
		case c.Kind.Numeric():
			if c.VGM == nil { // an all-null column
				o.Null = true
				continue
			}
			x, err := ParseValue(c.Kind, c.Format, v)
			if err != nil {
				return fmt.Errorf("column %q: value %q: %w", c.Name, v, err)
			}
			if a := atomIndex(c.Atoms, x); a >= 0 {
				o.Mode = int32(-1 - a)
				continue
			}
			if !seeded {
				r, seeded = rng.New(e.seed, RowStream(source, offset)), true
			}
			alpha, mode := c.VGM.Encode(x, &r)
			o.Alpha, o.Mode = alpha, int32(mode)
		case c.Kind == ID:
			o.Text = v
		default:
			idx, ok := e.cats[j][v]
			if !ok && c.Kind == Boolean {
				idx, ok = booleanIndex(c, v)
			}
			if !ok {
				idx = -1
			}
			o.Mode = idx
		}
	}
	return nil
}

// atomIndex is the index of the atom equal to x, or −1.
func atomIndex(atoms []Atom, x float64) int {
	for i, a := range atoms {
		if a.Value == x {
			return i
		}
	}
	return -1
}

// booleanIndex finds a boolean written in another case than the model's
// spelling ("true" for "True").
func booleanIndex(c *Column, v string) (int32, bool) {
	var want string
	switch strings.ToLower(v) {
	case "true":
		want = c.Format.True
	case "false":
		want = c.Format.False
	default:
		return -1, false
	}
	for i, cat := range c.Categories {
		if cat.Value == want {
			return int32(i), true
		}
	}
	return -1, false
}
