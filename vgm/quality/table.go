package quality

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Kind is the statistical type of a column, which decides the metrics
// applied to it.
type Kind int

// The column kinds.
const (
	// Numeric is a real number, held in Column.Num.
	Numeric Kind = iota
	// Datetime is a point in time as seconds since the Unix epoch, held in
	// Column.Num and scored like Numeric.
	Datetime
	// Categorical is a discrete value, held in Column.Cat.
	Categorical
	// Boolean is a true/false value in any spelling, held in Column.Cat and
	// scored like Categorical.
	Boolean
)

// String returns the kind's lower-case name.
func (k Kind) String() string {
	switch k {
	case Numeric:
		return "numeric"
	case Datetime:
		return "datetime"
	case Categorical:
		return "categorical"
	case Boolean:
		return "boolean"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// continuous reports whether the kind is held in Column.Num.
func (k Kind) continuous() bool { return k == Numeric || k == Datetime }

func (k Kind) valid() bool { return k >= Numeric && k <= Boolean }

// Column is one column of a Table.
type Column struct {
	// Name identifies the column; real and synthetic columns are matched by
	// name.
	Name string
	// Kind decides which of Num and Cat holds the values.
	Kind Kind
	// Num holds Numeric and Datetime values (Datetime as seconds since the
	// Unix epoch). NaN and ±Inf are null.
	Num []float64
	// Cat holds Categorical and Boolean values.
	Cat []string
	// Null marks the null values of a Categorical or Boolean column; nil
	// means the column has no nulls.
	Null []bool
}

// Len returns the number of values in the column: len(Num) for Numeric and
// Datetime columns, len(Cat) otherwise.
func (c *Column) Len() int {
	if c.Kind.continuous() {
		return len(c.Num)
	}
	return len(c.Cat)
}

// catNull reports whether value i of a Categorical or Boolean column is null.
func (c *Column) catNull(i int) bool { return c.Null != nil && c.Null[i] }

// numNull reports whether v is a null Numeric or Datetime value.
func numNull(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// Table is a set of equally long columns.
type Table struct {
	// Columns are the table's columns; all must have the same length.
	Columns []Column
}

// Len returns the number of rows, taken from the first column; 0 when the
// table has no columns.
func (t Table) Len() int {
	if len(t.Columns) == 0 {
		return 0
	}
	return t.Columns[0].Len()
}

// Errors returned by Evaluate, wrapped with the table and column concerned.
var (
	// ErrEmptyTable reports a table with no columns or no rows.
	ErrEmptyTable = errors.New("empty table")
	// ErrColumnMismatch reports real and synthetic tables whose columns
	// differ in name or kind.
	ErrColumnMismatch = errors.New("column mismatch")
	// ErrInvalidColumn reports a column that is malformed on its own: no
	// name, a duplicate name, an unknown kind or a wrong length.
	ErrInvalidColumn = errors.New("invalid column")
)

// validate checks that t is a well-formed, non-empty table; which names the
// table ("real" or "synthetic") in errors.
func (t Table) validate(which string) error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("%s table has no columns: %w", which, ErrEmptyTable)
	}
	n := t.Len()
	seen := make(map[string]bool, len(t.Columns))
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Name == "" {
			return fmt.Errorf("%s table: column %d has no name: %w", which, i, ErrInvalidColumn)
		}
		if seen[c.Name] {
			return fmt.Errorf("%s table: column %q appears twice: %w", which, c.Name, ErrInvalidColumn)
		}
		seen[c.Name] = true
		if !c.Kind.valid() {
			return fmt.Errorf("%s table: column %q has unknown kind %v: %w", which, c.Name, c.Kind, ErrInvalidColumn)
		}
		if c.Len() != n {
			return fmt.Errorf("%s table: column %q has %d values, column %q has %d: %w",
				which, c.Name, c.Len(), t.Columns[0].Name, n, ErrInvalidColumn)
		}
		if !c.Kind.continuous() && c.Null != nil && len(c.Null) != len(c.Cat) {
			return fmt.Errorf("%s table: column %q has %d values but %d null flags: %w",
				which, c.Name, len(c.Cat), len(c.Null), ErrInvalidColumn)
		}
	}
	if n == 0 {
		return fmt.Errorf("%s table has no rows: %w", which, ErrEmptyTable)
	}
	return nil
}

// checkPair validates real and synthetic and returns synthetic aligned to
// real (see align), with errors prefixed for the package's callers.
func checkPair(real, synthetic Table) (Table, error) {
	if err := real.validate("real"); err != nil {
		return Table{}, fmt.Errorf("quality: %w", err)
	}
	if err := synthetic.validate("synthetic"); err != nil {
		return Table{}, fmt.Errorf("quality: %w", err)
	}
	synthetic, err := align(real, synthetic)
	if err != nil {
		return Table{}, fmt.Errorf("quality: %w", err)
	}
	return synthetic, nil
}

// align returns syn with its columns in the order of real's, after checking
// that both tables have the same column names and kinds.
func align(real, syn Table) (Table, error) {
	byName := make(map[string]int, len(syn.Columns))
	for i, c := range syn.Columns {
		byName[c.Name] = i
	}
	out := Table{Columns: make([]Column, len(real.Columns))}
	for i, rc := range real.Columns {
		j, ok := byName[rc.Name]
		if !ok {
			return Table{}, fmt.Errorf("column %q is in the real table but not in the synthetic table: %w",
				rc.Name, ErrColumnMismatch)
		}
		sc := syn.Columns[j]
		if sc.Kind != rc.Kind {
			return Table{}, fmt.Errorf("column %q is %v in the real table but %v in the synthetic table: %w",
				rc.Name, rc.Kind, sc.Kind, ErrColumnMismatch)
		}
		out.Columns[i] = sc
		delete(byName, rc.Name)
	}
	for _, c := range syn.Columns {
		if _, extra := byName[c.Name]; extra {
			return Table{}, fmt.Errorf("column %q is in the synthetic table but not in the real table: %w",
				c.Name, ErrColumnMismatch)
		}
	}
	return out, nil
}

// sampleIndices returns k distinct indices drawn uniformly from [0, n), in
// the order drawn. It returns nil when k >= n, meaning every index.
func sampleIndices(n, k int, rng *rand.Rand) []int {
	if k >= n {
		return nil
	}
	// Partial Fisher–Yates over an identity permutation.
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	out := make([]int, k)
	for i := range k {
		j := i + rng.IntN(n-i)
		perm[i], perm[j] = perm[j], perm[i]
		out[i] = int(perm[i])
	}
	return out
}

// sample returns at most max rows of t drawn without replacement, in their
// original order; t itself when it is no longer than max or max <= 0.
func (t Table) sample(max int, rng *rand.Rand) Table {
	if max <= 0 {
		return t
	}
	idx := sampleIndices(t.Len(), max, rng)
	if idx == nil {
		return t
	}
	slices.Sort(idx) // keep row order; gathers sequentially
	return t.take(idx)
}

// take returns the rows of t at the given indices.
func (t Table) take(idx []int) Table {
	out := Table{Columns: make([]Column, len(t.Columns))}
	for ci := range t.Columns {
		c := &t.Columns[ci]
		nc := Column{Name: c.Name, Kind: c.Kind}
		if c.Kind.continuous() {
			nc.Num = make([]float64, len(idx))
			for i, r := range idx {
				nc.Num[i] = c.Num[r]
			}
		} else {
			nc.Cat = make([]string, len(idx))
			for i, r := range idx {
				nc.Cat[i] = c.Cat[r]
			}
			if c.Null != nil {
				nc.Null = make([]bool, len(idx))
				for i, r := range idx {
					nc.Null[i] = c.Null[r]
				}
			}
		}
		out.Columns[ci] = nc
	}
	return out
}
