// Package table is vgmsynth's model of a whole table: it infers each
// column's kind from a sample of raw text values, fits one model per column
// (a variational Gaussian mixture for numbers and datetimes, frequencies for
// categories), stores the result as a versioned JSON model file and
// generates new rows from it in fixed-size, deterministically seeded blocks.
// With a fitted model it also encodes and decodes whole rows (RowEncoder,
// RowDecoder: mode-specific normalisation) and counts generated rows that
// copy sampled real ones (CountCopies).
//
// The package is pure Go: it knows nothing about Beam, files or formats
// beyond the text layout of single values and of a CSV line.
package table

import (
	"encoding/json"
	"fmt"
)

// Kind is what a column holds, as far as the model is concerned.
type Kind int

// The column kinds.
const (
	// Float is a continuous real number, modelled by a VGM.
	Float Kind = iota + 1
	// Integer is a whole number with many distinct values, modelled by a
	// VGM and rounded when generated.
	Integer
	// Categorical is a discrete value with frequencies: strings and
	// numbers with few distinct values.
	Categorical
	// Boolean is true or false, in the input's spelling.
	Boolean
	// Datetime is a point in time, modelled as seconds since the Unix
	// epoch by a VGM and printed in the input's layout.
	Datetime
	// ID is a unique identifier: generated unique, in the input's shape,
	// never copied from the input.
	ID
)

var kindNames = map[Kind]string{
	Float:       "float",
	Integer:     "integer",
	Categorical: "categorical",
	Boolean:     "boolean",
	Datetime:    "datetime",
	ID:          "id",
}

// String returns the kind's name as used in model and schema files.
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// ParseKind returns the kind with the given name.
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames {
		if name == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown column kind %q (want float, integer, categorical, boolean, datetime or id)", s)
}

// Numeric reports whether the kind is modelled by a mixture.
func (k Kind) Numeric() bool { return k == Float || k == Integer || k == Datetime }

// MarshalJSON writes the kind as its name.
func (k Kind) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// UnmarshalJSON reads a kind name.
func (k *Kind) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("column kind: %w", err)
	}
	v, err := ParseKind(s)
	if err != nil {
		return err
	}
	*k = v
	return nil
}
