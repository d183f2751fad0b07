// Package rules finds the logic every row of a table obeys and measures how
// often the rows of another table break it. A rule is one of
//
//	order         A <= B        numbers or datetimes, where both are present
//	fd            A -> B        every row with the same A has the same B
//	sum           C = A + B     numbers, where all three are present
//	positive      A > 0         where A is present
//	one_hot       one_hot(A, B, ...)   exactly one of the columns is 1
//	combinations  (A, B, ...)   the tuple is one of a listed set
//
// Mine finds order, fd and sum rules in a sample of typed columns, with the
// definitions of the project's independent realism check: an order rule
// needs at least MinRows rows with both values, not all equal, and ranges
// that overlap (max A > min B), so that the ranges alone do not imply it;
// a functional dependency needs a discrete A with at least two values seen
// twice or more and at most half of its values seen once (no near-key), and
// a B that is not constant, both with at most MaxDistinct values; a sum
// holds within a relative 1e-9 and neither part is always zero. The other
// rule types are declared by a user (see Parse).
//
// Violations and Rate measure a rule on any table of columns; the package
// is pure Go and knows nothing of files or of how rows are generated.
package rules

import (
	"fmt"
	"math"
	"strings"
)

// Kind is what a column holds, as far as rules are concerned.
type Kind int

// The column kinds.
const (
	// Discrete values take part in functional dependencies through their
	// text.
	Discrete Kind = iota + 1
	// Number values take part in order and sum rules through Num, and in
	// functional dependencies through their text when they have few
	// distinct values.
	Number
	// Time values (seconds since the epoch in Num) take part in order
	// rules with other Time columns, and in functional dependencies like
	// Number.
	Time
	// Text is free text: it takes part in no mined rule.
	Text
)

// Column is one typed column of a table.
type Column struct {
	Name string
	Kind Kind
	// Num holds the values of Number and Time columns, NaN where null.
	Num []float64
	// Text holds every value as text, "" where null. Number and Time
	// columns may leave it nil: then they take part in no functional
	// dependency.
	Text []string
}

// Len returns the number of rows of the column.
func (c *Column) Len() int { return max(len(c.Num), len(c.Text)) }

// Type names a type of rule.
type Type string

// The rule types.
const (
	Order        Type = "order"
	FD           Type = "fd"
	Sum          Type = "sum"
	Positive     Type = "positive"
	OneHot       Type = "one_hot"
	Combinations Type = "combinations"
)

// Rule is one rule over named columns.
type Rule struct {
	Type Type `json:"type"`
	// Columns are A and B of order and fd rules, C, A and B of a sum
	// C = A + B, the one column of positive and the columns of one_hot and
	// combinations.
	Columns []string `json:"columns"`
	// Keys and Values map each value of A seen in the sample to its B
	// (fd), as text ("" for null), sorted by key.
	Keys   []string `json:"keys,omitempty"`
	Values []string `json:"values,omitempty"`
	// Tuples lists the allowed combinations, row after row, each
	// len(Columns) values long.
	Tuples []string `json:"tuples,omitempty"`
	// Declared marks a rule a user declared rather than one mined.
	Declared bool `json:"declared,omitempty"`
}

// String writes the rule as inspect and evaluate print it, and as a schema
// file names it to switch it off.
func (r *Rule) String() string {
	c := r.Columns
	switch {
	case r.Type == Order && len(c) == 2:
		return c[0] + " <= " + c[1]
	case r.Type == FD && len(c) == 2:
		return c[0] + " -> " + c[1]
	case r.Type == Sum && len(c) == 3:
		return c[0] + " = " + c[1] + " + " + c[2]
	case r.Type == Positive && len(c) == 1:
		return c[0] + " > 0"
	case r.Type == OneHot:
		return "one_hot(" + strings.Join(c, ", ") + ")"
	case r.Type == Combinations:
		return "combinations(" + strings.Join(c, ", ") + ")"
	}
	return fmt.Sprintf("%s(%s)", r.Type, strings.Join(c, ", "))
}

// Validate checks a rule's shape against the columns a table has.
func (r *Rule) Validate(has func(name string) bool) error {
	want := map[Type]int{Order: 2, FD: 2, Sum: 3, Positive: 1}
	n, fixed := want[r.Type]
	switch {
	case fixed && len(r.Columns) != n:
		return fmt.Errorf("rule %s: want %d columns, have %d", r.Type, n, len(r.Columns))
	case !fixed && r.Type != OneHot && r.Type != Combinations:
		return fmt.Errorf("unknown rule type %q (want order, fd, sum, positive, one_hot or combinations)", r.Type)
	case !fixed && len(r.Columns) < 2:
		return fmt.Errorf("rule %s: want at least 2 columns, have %d", r.Type, len(r.Columns))
	}
	seen := map[string]bool{}
	for _, c := range r.Columns {
		if !has(c) {
			return fmt.Errorf("rule %s: no column %q", r, c)
		}
		if seen[c] {
			return fmt.Errorf("rule %s: column %q appears twice", r, c)
		}
		seen[c] = true
	}
	if len(r.Keys) != len(r.Values) {
		return fmt.Errorf("rule %s: %d keys but %d values", r, len(r.Keys), len(r.Values))
	}
	for i := 1; i < len(r.Keys); i++ {
		if r.Keys[i] <= r.Keys[i-1] {
			return fmt.Errorf("rule %s: keys are not sorted and distinct", r)
		}
	}
	if r.Type == FD && len(r.Keys) == 0 {
		return fmt.Errorf("rule %s: no keys", r)
	}
	if r.Type == Combinations && (len(r.Tuples) == 0 || len(r.Tuples)%len(r.Columns) != 0) {
		return fmt.Errorf("rule %s: tuples must be a non-empty multiple of %d values", r, len(r.Columns))
	}
	return nil
}

// Lookup returns the B of an fd rule's A value, and whether A was seen.
func (r *Rule) Lookup(a string) (string, bool) {
	lo, hi := 0, len(r.Keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.Keys[m] < a {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(r.Keys) && r.Keys[lo] == a {
		return r.Values[lo], true
	}
	return "", false
}

// Violations counts the rows of cols on which the rule can be checked and
// those of them that break it: for order rows with both values, for sum
// rows with all three, for fd rows whose A is a key of the rule, for
// positive rows with a value, for one_hot and combinations every row. A
// column the rule names that cols lack leaves nothing to check.
func (r *Rule) Violations(cols []Column) (broken, checked int) {
	cs := make([]*Column, len(r.Columns))
	for i, name := range r.Columns {
		cs[i] = find(cols, name)
		if cs[i] == nil {
			return 0, 0
		}
	}
	n := cs[0].Len()
	for i := 0; i < n; i++ {
		ok, bad := r.check(cs, i)
		if ok {
			checked++
			if bad {
				broken++
			}
		}
	}
	return broken, checked
}

// Rate is the share of checkable rows that break the rule; 1 when no row
// can be checked, as the realism check counts it.
func (r *Rule) Rate(cols []Column) float64 {
	broken, checked := r.Violations(cols)
	if checked == 0 {
		return 1
	}
	return float64(broken) / float64(checked)
}

// check says whether row i can be checked and whether it breaks the rule.
func (r *Rule) check(cs []*Column, i int) (checkable, broken bool) {
	num := func(c *Column) float64 {
		if i < len(c.Num) {
			return c.Num[i]
		}
		return math.NaN()
	}
	text := func(c *Column) string {
		if i < len(c.Text) {
			return c.Text[i]
		}
		return ""
	}
	switch r.Type {
	case Order:
		a, b := num(cs[0]), num(cs[1])
		if math.IsNaN(a) || math.IsNaN(b) {
			return false, false
		}
		return true, a > b
	case Sum:
		c, a, b := num(cs[0]), num(cs[1]), num(cs[2])
		if math.IsNaN(a) || math.IsNaN(b) || math.IsNaN(c) {
			return false, false
		}
		return true, math.Abs(c-a-b) > 1e-6*(1+math.Abs(c))
	case FD:
		want, ok := r.Lookup(text(cs[0]))
		return ok, ok && text(cs[1]) != want
	case Positive:
		a := num(cs[0])
		return !math.IsNaN(a), a <= 0
	case OneHot:
		hot := 0
		for _, c := range cs {
			if Hot(num(c), text(c)) {
				hot++
			}
		}
		return true, hot != 1
	case Combinations:
		k := len(cs)
		for t := 0; t+k <= len(r.Tuples); t += k {
			match := true
			for j, c := range cs {
				if text(c) != r.Tuples[t+j] {
					match = false
					break
				}
			}
			if match {
				return true, false
			}
		}
		return true, true
	}
	return false, false
}

// Hot reports whether a one_hot column's value is on: the number 1, or the
// text 1 or true (in any case).
func Hot(num float64, text string) bool {
	if num == 1 {
		return true
	}
	return text == "1" || strings.EqualFold(text, "true")
}

func find(cols []Column, name string) *Column {
	for i := range cols {
		if cols[i].Name == name {
			return &cols[i]
		}
	}
	return nil
}
