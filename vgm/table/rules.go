package table

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// MaxRules bounds the rules a model file may hold.
const MaxRules = 1000

// RuleOptions say which rules a model keeps beside its distributions (see
// package rules): those the fit finds in the sample, and those a schema
// file declares. Generated rows never break any of them.
type RuleOptions struct {
	// Constraints are declared rules: order (inequality and range),
	// positive, one_hot and combinations (whose allowed tuples the fit
	// fills from the sample).
	Constraints []rules.Rule
	// NoMined keeps none of the rules the fit finds.
	NoMined bool
	// Drop names mined rules not to keep, as Rule.String writes them
	// ("temp_min <= temp_max", "zip -> city").
	Drop []string
	// NoLattice fits no column's lattice (see Lattice): the schema file's
	// "lattice": false, which travels with the rule options.
	NoLattice bool
}

// ruleColumns turns the sampled rows into typed columns for package rules:
// numbers and datetimes parsed as the model reads them, every value's text.
func ruleColumns(m *Model, rows []SampledRow) []rules.Column {
	cols := make([]rules.Column, len(m.Columns))
	for j := range m.Columns {
		c := &m.Columns[j]
		rc := rules.Column{Name: c.Name, Kind: rules.Discrete, Text: make([]string, len(rows))}
		switch {
		case c.Kind == ID:
			rc.Kind = rules.Text
		case c.Kind.Numeric():
			rc.Kind = rules.Number
			if c.Kind == Datetime {
				rc.Kind = rules.Time
			}
			rc.Num = make([]float64, len(rows))
		}
		for i, r := range rows {
			v := r.Fields[j]
			rc.Text[i] = v
			if rc.Num == nil {
				continue
			}
			rc.Num[i] = math.NaN()
			if v != "" {
				if x, err := ParseValue(c.Kind, c.Format, v); err == nil {
					rc.Num[i] = x
				}
			}
		}
		cols[j] = rc
	}
	return cols
}

// fitRules finds the rules the sampled rows hold, keeps those the model can
// enforce and opt does not drop, and adds the declared ones.
func fitRules(m *Model, rows []SampledRow, opt RuleOptions, minCount int) ([]rules.Rule, error) {
	cols := ruleColumns(m, rows)
	var out []rules.Rule
	add := func(r rules.Rule) error {
		if err := r.Validate(m.hasColumn); err != nil {
			return err
		}
		if err := m.checkRule(&r, append(slices.Clone(out), r)); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}
	for _, r := range opt.Constraints {
		r.Declared = true
		if r.Type == rules.Combinations {
			r.Tuples = combinations(m, cols, r.Columns)
		}
		if err := add(r); err != nil {
			return nil, fmt.Errorf("schema constraint %s: %w", r.String(), err)
		}
	}
	if opt.NoMined {
		return out, nil
	}
	for _, r := range rules.Mine(cols, rules.Options{MaxRules: MaxRules}) {
		declared := slices.ContainsFunc(out, func(q rules.Rule) bool { return q.String() == r.String() })
		if declared || slices.Contains(opt.Drop, r.String()) || len(out) == MaxRules {
			continue
		}
		if r.Type == rules.FD {
			r = m.keptMapping(r, cols, minCount)
			if len(r.Keys) == 0 {
				continue
			}
		}
		_ = add(r) // a mined rule the generator cannot keep is left out
	}
	return out, nil
}

// keptMapping keeps the pairs of an fd rule whose values the model keeps:
// categories by name, and numbers seen at least minCount times in the
// sample (as FitOptions.MinCategoryCount keeps categories), since the
// mapping stores them by value.
func (m *Model) keptMapping(r rules.Rule, cols []rules.Column, minCount int) rules.Rule {
	a, b := m.column(r.Columns[0]), m.column(r.Columns[1])
	numeric := a.Kind.Numeric() || b.Kind.Numeric()
	counts := map[string]int{} // of A's values; B's value is seen as often
	if numeric {
		for _, v := range cols[m.columnIndex(a.Name)].Text {
			counts[v]++
		}
	}
	out := r
	out.Keys, out.Values = nil, nil
	for i, k := range r.Keys {
		if a.knows(k) && b.knows(r.Values[i]) && (!numeric || counts[k] >= minCount) {
			out.Keys = append(out.Keys, k)
			out.Values = append(out.Values, r.Values[i])
		}
	}
	return out
}

// knows reports whether the column can generate the value v ("" is null).
func (c *Column) knows(v string) bool {
	switch {
	case v == "":
		return c.NullFraction > 0
	case c.NullFraction == 1:
		return false
	case c.Kind.Numeric():
		_, err := ParseValue(c.Kind, c.Format, v)
		return err == nil
	case c.Kind == Categorical || c.Kind == Boolean:
		return slices.ContainsFunc(c.Categories, func(cat Category) bool { return cat.Value == v })
	}
	return false
}

// combinations lists the distinct tuples of the named columns in the
// sample, in order of first appearance, leaving out those with a value the
// model does not keep.
func combinations(m *Model, cols []rules.Column, names []string) []string {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = m.columnIndex(n)
	}
	seen := map[string]bool{}
	var out []string
	tuple := make([]string, len(names))
	for r := range cols[0].Text {
		ok := true
		for i, j := range idx {
			tuple[i] = cols[j].Text[r]
			ok = ok && m.Columns[j].knows(tuple[i])
		}
		key := strings.Join(tuple, "\x00")
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, tuple...)
	}
	return out
}

func (m *Model) hasColumn(name string) bool { return m.columnIndex(name) >= 0 }

func (m *Model) columnIndex(name string) int {
	return slices.IndexFunc(m.Columns, func(c Column) bool { return c.Name == name })
}

func (m *Model) column(name string) *Column { return &m.Columns[m.columnIndex(name)] }

// validateRules checks the model's rules: each well formed, over columns
// that can keep it, order rules without a cycle.
func (m *Model) validateRules() error {
	if len(m.Rules) > MaxRules {
		return fmt.Errorf("model: %d rules, at most %d allowed", len(m.Rules), MaxRules)
	}
	for i := range m.Rules {
		r := &m.Rules[i]
		if err := r.Validate(m.hasColumn); err != nil {
			return fmt.Errorf("model: %w", err)
		}
		if err := m.checkRule(r, m.Rules[:i+1]); err != nil {
			return fmt.Errorf("model: rule %s: %w", r, err)
		}
	}
	return nil
}

// checkRule checks that the generator can keep rule r, the last of upTo.
func (m *Model) checkRule(r *rules.Rule, upTo []rules.Rule) error {
	cols := make([]*Column, len(r.Columns))
	for i, n := range r.Columns {
		cols[i] = m.column(n)
	}
	switch r.Type {
	case rules.Order:
		a, b := cols[0], cols[1]
		if !a.Kind.Numeric() || !b.Kind.Numeric() || (a.Kind == Datetime) != (b.Kind == Datetime) {
			return errors.New("an order rule needs two numeric columns or two datetime columns")
		}
		if orderCycle(upTo) {
			return errors.New("the order rules form a cycle")
		}
	case rules.Sum, rules.Positive:
		for _, c := range cols {
			if c.Kind != Float && c.Kind != Integer {
				return fmt.Errorf("column %q is %s, not a number", c.Name, c.Kind)
			}
		}
	case rules.FD:
		for i, k := range r.Keys {
			if !cols[0].knows(k) || !cols[1].knows(r.Values[i]) {
				return fmt.Errorf("maps %q to %q, a value the model does not generate", k, r.Values[i])
			}
		}
	case rules.OneHot:
		for _, c := range cols {
			if _, _, ok := hotValues(c); !ok {
				return fmt.Errorf("column %q has no values 1 and 0 (or true and false)", c.Name)
			}
		}
	case rules.Combinations:
		for _, c := range cols {
			if c.Kind != Categorical && c.Kind != Boolean {
				return fmt.Errorf("column %q is %s, not categorical", c.Name, c.Kind)
			}
		}
		if len(r.Tuples) == 0 {
			return errors.New("no combination of kept values in the sample")
		}
		for t, v := range r.Tuples {
			if !cols[t%len(cols)].knows(v) {
				return fmt.Errorf("value %q is not one the model generates", v)
			}
		}
	}
	return nil
}

// orderCycle reports whether the order rules among rs form a cycle.
func orderCycle(rs []rules.Rule) bool {
	_, ok := orderTopo(rs)
	return !ok
}

// orderTopo returns the order rules' indices in rs sorted so that every
// rule comes after those whose upper column is its lower one, and false
// when they form a cycle.
func orderTopo(rs []rules.Rule) ([]int, bool) {
	indeg := map[string]int{}
	for _, r := range rs {
		if r.Type == rules.Order {
			indeg[r.Columns[1]]++
		}
	}
	var out []int
	done := make([]bool, len(rs))
	for progress := true; progress; {
		progress = false
		for i, r := range rs {
			if r.Type != rules.Order || done[i] || indeg[r.Columns[0]] > 0 {
				continue
			}
			done[i], progress = true, true
			indeg[r.Columns[1]]--
			out = append(out, i)
		}
	}
	for i, r := range rs {
		if r.Type == rules.Order && !done[i] {
			return nil, false
		}
	}
	return out, true
}

// hotValues returns the category indices (or numbers, for numeric columns)
// of a one_hot column's on and off values.
func hotValues(c *Column) (on, off float64, ok bool) {
	if c.Kind.Numeric() {
		return 1, 0, c.Kind != Datetime
	}
	on, off = -1, -1
	for i, cat := range c.Categories {
		x, _ := strconv.ParseFloat(cat.Value, 64)
		switch {
		case rules.Hot(x, cat.Value):
			on = float64(i)
		case cat.Value == "0" || strings.EqualFold(cat.Value, "false"):
			off = float64(i)
		}
	}
	return on, off, on >= 0 && off >= 0
}

// RulesText writes the model's rules one a line, as inspect prints them:
// the rule, whether the fit found it or a schema declared it, and for a
// functional dependency how many values it maps.
func (m *Model) RulesText() string {
	if len(m.Rules) == 0 {
		return "rules      none\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rules      %d, kept in every generated row\n", len(m.Rules))
	for _, r := range m.Rules {
		how := "found in the sample"
		if r.Declared {
			how = "declared"
		}
		switch r.Type {
		case rules.FD:
			how += fmt.Sprintf(", %d values mapped", len(r.Keys))
		case rules.Combinations:
			how += fmt.Sprintf(", %d combinations", len(r.Tuples)/len(r.Columns))
		}
		fmt.Fprintf(&b, "  %-40s %s\n", r.String(), how)
	}
	return b.String()
}
