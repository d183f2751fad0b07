package table

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Condition is one requirement on a generated value: Column Op Value, with
// Value written as the column prints it ("rain", "20", "2014-06-01").
// Numeric and datetime columns take the operators = != < <= > >=,
// categorical and boolean columns = and !=. A null value meets no
// condition, as in SQL.
type Condition struct {
	Column string `json:"column"`
	Op     string `json:"op"`
	Value  string `json:"value"`
}

// String writes the condition as ParseCondition reads it.
func (c Condition) String() string { return c.Column + c.Op + c.Value }

// Conditional asks for Rows generated rows that meet every condition of
// Where. A model's Conditionals take the output's rows in turn: the first
// Rows rows meet the first one's conditions, the next the second's, and
// so on; the last one also takes every row after the counts, so that one
// Conditional with no count conditions the whole output.
type Conditional struct {
	Where []Condition `json:"where"`
	Rows  int64       `json:"rows,omitempty"`
}

// String writes the conditions joined by " and ".
func (c Conditional) String() string {
	parts := make([]string, len(c.Where))
	for i, w := range c.Where {
		parts[i] = w.String()
	}
	return strings.Join(parts, " and ")
}

// MinConditionProbability is the least probability under the model that
// a Conditional may have, as estimated from ConditionPilotRows rows: below
// it, generation would draw more than ten thousand rows for each row kept,
// and NewGenerator refuses it.
const MinConditionProbability = 1e-4

// ConditionPilotRows is how many rows NewGenerator draws to estimate how
// often each Conditional is met.
const ConditionPilotRows = 1 << 16

// ConditionError is a condition that a model does not understand (Index is
// the condition's place in its Conditional's Where), or a Conditional
// whose probability under the model is too small (Index is -1).
type ConditionError struct {
	Group, Index int
	// Text is the condition or the Conditional as written.
	Text string
	Err  error
}

func (e *ConditionError) Error() string { return fmt.Sprintf("condition %s: %v", e.Text, e.Err) }

func (e *ConditionError) Unwrap() error { return e.Err }

// conditionOps are the operators, longest first so that "<=" is not read
// as "<".
var conditionOps = []string{"<=", ">=", "!=", "=", "<", ">"}

// ParseCondition reads a condition written as column, operator, value:
// "weather=rain", "temp_max>=20", "date<2014-01-01". The column name is
// everything before the first of the characters = ! < >.
func ParseCondition(s string) (Condition, error) {
	i := strings.IndexAny(s, "=!<>")
	if i < 0 {
		return Condition{}, fmt.Errorf("%q is not a condition: want column, operator (= != < <= > >=) and value, such as weather=rain or temp_max>=20", s)
	}
	col := strings.TrimSpace(s[:i])
	if col == "" {
		return Condition{}, fmt.Errorf("%q names no column before its operator", s)
	}
	for _, op := range conditionOps {
		if strings.HasPrefix(s[i:], op) {
			v := strings.TrimSpace(s[i+len(op):])
			if strings.ContainsAny(v[:min(len(v), 1)], "=<>") {
				break
			}
			return Condition{Column: col, Op: op, Value: v}, nil
		}
	}
	return Condition{}, fmt.Errorf("%q has an unknown operator: want = != < <= > or >=", s)
}

// condTest is a compiled Condition.
type condTest struct {
	col int
	op  string
	num float64 // numeric kinds: the value
	cat int32   // discrete kinds: the category index
}

// compileConditions checks the model's Conditionals against its columns
// and compiles them.
func (m *Model) compileConditions() ([][]condTest, error) {
	groups := make([][]condTest, len(m.Conditions))
	for k, cd := range m.Conditions {
		if cd.Rows < 0 {
			return nil, &ConditionError{Group: k, Index: -1, Text: cd.String(), Err: fmt.Errorf("a negative row count, %d", cd.Rows)}
		}
		if len(cd.Where) == 0 {
			return nil, &ConditionError{Group: k, Index: -1, Err: errors.New("no condition")}
		}
		for i, c := range cd.Where {
			t, err := m.compileCondition(c)
			if err != nil {
				return nil, &ConditionError{Group: k, Index: i, Text: c.String(), Err: err}
			}
			groups[k] = append(groups[k], t)
		}
	}
	return groups, nil
}

func (m *Model) compileCondition(c Condition) (condTest, error) {
	j := m.columnIndex(c.Column)
	if j < 0 {
		names := make([]string, len(m.Columns))
		for i := range m.Columns {
			names[i] = m.Columns[i].Name
		}
		return condTest{}, fmt.Errorf("no column %q (columns: %s)", c.Column, strings.Join(names, ", "))
	}
	col := &m.Columns[j]
	t := condTest{col: j, op: c.Op}
	switch {
	case !slices.Contains(conditionOps, c.Op):
		return t, fmt.Errorf("unknown operator %q (want = != < <= > or >=)", c.Op)
	case col.Kind == ID:
		return t, fmt.Errorf("column %q holds generated ids, which conditions cannot select", c.Column)
	case col.Kind.Numeric():
		x, err := conditionNumber(col, c.Value)
		if err != nil {
			return t, fmt.Errorf("column %q is %s: %w", c.Column, col.Kind, err)
		}
		if gc := (genColumn{Column: col}); (c.Op == "=" || c.Op == "!=") && col.Kind != Datetime && gc.snap(x) != x {
			return t, fmt.Errorf("column %q prints %d decimals: it never holds %s", c.Column, col.Format.Decimals, c.Value)
		}
		t.num = x
	default:
		if c.Op != "=" && c.Op != "!=" {
			return t, fmt.Errorf("column %q is %s: only = and != apply", c.Column, col.Kind)
		}
		t.cat = -1
		var values []string
		for k, cat := range col.Categories {
			if cat.Value == NovelCategory {
				continue
			}
			if cat.Value == c.Value || (t.cat < 0 && col.Kind == Boolean && strings.EqualFold(cat.Value, c.Value)) {
				t.cat = int32(k)
			}
			if len(values) < 12 {
				values = append(values, strconv.Quote(cat.Value))
			}
		}
		if t.cat < 0 {
			return t, fmt.Errorf("column %q has no value %q (values the model generates: %s)", c.Column, c.Value, strings.Join(values, ", "))
		}
	}
	return t, nil
}

// conditionNumber reads a condition's value for a numeric column: in the
// column's own format, or as a plain number or an ISO 8601 date or time.
func conditionNumber(c *Column, v string) (float64, error) {
	x, err := ParseValue(c.Kind, c.Format, v)
	if err == nil {
		return x, nil
	}
	if c.Kind != Datetime {
		if y, perr := strconv.ParseFloat(v, 64); perr == nil && finite(y) {
			return y, nil
		}
		return 0, fmt.Errorf("%q is not a number", v)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, terr := time.Parse(layout, v); terr == nil {
			return float64(t.Unix()) + float64(t.Nanosecond())/1e9, nil
		}
	}
	return 0, fmt.Errorf("%q is not a date or time in the column's layout %q", v, c.Format.Layout)
}

// meets reports whether row i of b meets every test.
func (g *Generator) meets(b *Block, i int, tests []condTest) bool {
	for _, t := range tests {
		cv, c := &b.Cols[t.col], &g.cols[t.col]
		if cv.Null[i] {
			return false
		}
		if !c.Kind.Numeric() {
			if (cv.Cat[i] == t.cat) != (t.op == "=") {
				return false
			}
			continue
		}
		x := cv.Num[i]
		if c.Kind == Float {
			x = c.snap(x) // as it prints
		}
		var ok bool
		switch t.op {
		case "=":
			ok = x == t.num
		case "!=":
			ok = x != t.num
		case "<":
			ok = x < t.num
		case "<=":
			ok = x <= t.num
		case ">":
			ok = x > t.num
		default:
			ok = x >= t.num
		}
		if !ok {
			return false
		}
	}
	return true
}

// SetConditions returns a model file's bytes with conditions recorded
// (none: without), so that every generator made from them generates rows
// that meet them (see Model.Conditions). It checks them as NewGenerator
// does: a condition the model does not understand, or one too improbable
// to generate from, is a *ConditionError.
func SetConditions(data []byte, conds []Conditional) ([]byte, error) {
	m, err := DecodeModel(data)
	if err != nil {
		return nil, err
	}
	m.Conditions = conds
	if _, err := NewGenerator(m); err != nil {
		return nil, err
	}
	return m.Encode()
}
