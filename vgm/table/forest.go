package table

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// The forest model ("forest", the default; see docs/model.md) is a
// mixture of product distributions over the whole row, whose components
// are the leaves of an adversarial random forest (Watson et al.,
// "Adversarial random forests for density estimation and generative
// modeling", AISTATS 2023).
//
// Every column is a feature: a numeric column through its normal score
// z = Φ⁻¹(F(x)) under its own marginal (atoms, VGM, tails), a discrete one
// through its states, and a datetime column also through its calendar
// parts (month, weekday, hour of day), so that leaves can hold seasonal
// and daily cycles. A forest is trained to tell the sampled rows from rows
// drawn column by column from independent marginals (the paper then
// retrains against rows drawn from the forest's own leaves; measured here,
// that weakened seasonal dependence, so forestRounds is 0). Each leaf
// becomes a component, weighted by the share of the sample it
// covers (over all trees), with a distribution per column of the rows it
// holds: in z a normal truncated to the leaf's box, with the rows' mean
// and a standard deviation no smaller than minLeaf consecutive rows' (see
// spreadFloor); for discrete
// columns and calendar parts the rows' frequencies.
//
// Within a leaf the forest could no longer tell real rows from rows drawn
// column by column, so the columns are nearly independent there: the
// mixture keeps dependence of any shape and order, and generation is "pick
// a component, draw each column": z maps to u = Φ(z), calibrated so that
// the mixture's u is uniform (forest_calibrate.go), and then to a value
// through the column's quantile function, so atoms, tails, bounds and
// formats are kept. A datetime's drawn calendar parts then replace those
// of its drawn value. A number column that order rules keep above others
// is modelled by its position above them (see Above), so that its drawn
// values keep the rules. No leaf holds fewer than the minimum leaf size
// of sampled rows, and no value of a real row is stored.

// ModelTypeForest is the adversarial random forest mixture.
const ModelTypeForest = "forest"

// Limits of the forest model.
const (
	// MaxComponents bounds a forest's components.
	MaxComponents = 65536
	// forestZBound is where normal scores are cut: boxes are within
	// [-forestZBound, forestZBound].
	forestZBound = 8.0
)

// Calendar parts of a datetime column.
const (
	PartMonth   = "month"
	PartWeekday = "weekday"
	PartHour    = "hour"
)

// partStates is the number of values of each calendar part.
var partStates = map[string]int{PartMonth: 12, PartWeekday: 7, PartHour: 24}

// Forest is the fitted mixture.
type Forest struct {
	// Trees is the number of trees whose leaves are the components.
	Trees int `json:"trees"`
	// Rounds is the number of adversarial training rounds.
	Rounds int `json:"rounds"`
	// MinLeaf is the fewest sampled rows a leaf holds.
	MinLeaf int `json:"min_leaf"`
	// Calendar lists the calendar parts modelled, in the order each
	// component holds their distributions.
	Calendar []CalendarPart `json:"calendar,omitempty"`
	// Above lists the columns whose normal scores are of their position
	// above other columns (see Above); a file without it has none.
	Above []Above `json:"above,omitempty"`
	// Calibrated lists the numeric columns whose drawn u generation
	// calibrates to uniform (forest_calibrate.go): those where the fit
	// found that closer to the sample; a file without it has none.
	Calibrated []int `json:"calibrated,omitempty"`
	// Components are the leaves.
	Components []Component `json:"components"`
}

// CalendarPart is one calendar part of a datetime column.
type CalendarPart struct {
	Column int    `json:"column"`
	Part   string `json:"part"`
}

// Component is one leaf: a product of per-column distributions.
type Component struct {
	Weight float64 `json:"weight"`
	// Columns has one entry per model column.
	Columns []Leaf `json:"columns"`
	// Calendar has one distribution per Forest.Calendar part.
	Calendar []Dist `json:"calendar,omitempty"`
}

// Leaf is one column's distribution within a component.
type Leaf struct {
	// Null is the probability of a null (numeric columns; a discrete
	// column's null is one of its states).
	Null float64 `json:"null,omitempty"`
	// Mean, SD, Lo and Hi give a numeric column's normal score: normal
	// with Mean and SD, truncated to [Lo, Hi].
	Mean float64 `json:"mean,omitempty"`
	SD   float64 `json:"sd,omitempty"`
	Lo   float64 `json:"lo,omitempty"`
	Hi   float64 `json:"hi,omitempty"`
	// Dist is a discrete column's distribution over its states (see
	// Column.States).
	Dist *Dist `json:"dist,omitempty"`
	// Atoms is, for a numeric column with atoms, the share of each atom
	// (state k is Column.Atoms[k]) among the values that are not null,
	// and of the other values (state len(Column.Atoms)); Mean, SD, Lo
	// and Hi then give the normal score of those other values in the
	// distribution without the atoms. Without it (model files from
	// before), the normal score covers the atoms too.
	Atoms *Dist `json:"atoms,omitempty"`
}

// Dist is a sparse distribution over states.
type Dist struct {
	States []int     `json:"states"`
	Probs  []float64 `json:"probs"`
}

// validateForest checks the forest of a model file.
func (m *Model) validateForest() error {
	f := m.Forest
	if f == nil {
		return errors.New("model: a forest model needs \"forest\"")
	}
	if m.Network != nil || m.Copula != nil {
		return errors.New("model: a forest model has no network or copula")
	}
	if f.Trees < 1 || f.Trees > 1024 || f.Rounds < 0 || f.Rounds > 64 || f.MinLeaf < 1 {
		return fmt.Errorf("model: forest trees %d, rounds %d, min_leaf %d: want 1 to 1024 trees, 0 to 64 rounds, min_leaf >= 1", f.Trees, f.Rounds, f.MinLeaf)
	}
	if len(f.Components) == 0 || len(f.Components) > MaxComponents {
		return fmt.Errorf("model: forest has %d components, want 1 to %d", len(f.Components), MaxComponents)
	}
	for _, j := range f.Calibrated {
		if j < 0 || j >= len(m.Columns) || !m.Columns[j].inCopula() {
			return fmt.Errorf("forest: calibrated column %d is not a numeric column", j)
		}
	}
	if err := m.validateAbove(f.Above); err != nil {
		return err
	}
	seen := map[CalendarPart]bool{}
	for i, p := range f.Calendar {
		if p.Column < 0 || p.Column >= len(m.Columns) || m.Columns[p.Column].Kind != Datetime || partStates[p.Part] == 0 || seen[p] {
			return fmt.Errorf("model: forest calendar part %d: want a datetime column's month, weekday or hour, once", i)
		}
		seen[p] = true
	}
	sum := 0.0
	for i := range f.Components {
		c := &f.Components[i]
		if !(c.Weight > 0) || !finite(c.Weight) {
			return fmt.Errorf("model: forest component %d has weight %v", i, c.Weight)
		}
		sum += c.Weight
		if len(c.Columns) != len(m.Columns) || len(c.Calendar) != len(f.Calendar) {
			return fmt.Errorf("model: forest component %d has %d columns and %d calendar parts, want %d and %d", i, len(c.Columns), len(c.Calendar), len(m.Columns), len(f.Calendar))
		}
		for j := range c.Columns {
			if err := m.Columns[j].validateLeaf(&c.Columns[j]); err != nil {
				return fmt.Errorf("model: forest component %d, column %q: %w", i, m.Columns[j].Name, err)
			}
			if (c.Columns[j].Atoms == nil) != (f.Components[0].Columns[j].Atoms == nil) {
				return fmt.Errorf("model: forest component %d, column %q: atoms in some components and not in others", i, m.Columns[j].Name)
			}
		}
		for k, p := range f.Calendar {
			if err := c.Calendar[k].validate(partStates[p.Part]); err != nil {
				return fmt.Errorf("model: forest component %d, %s of column %q: %w", i, p.Part, m.Columns[p.Column].Name, err)
			}
		}
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("model: forest component weights sum to %v, not 1", sum)
	}
	return nil
}

// validateLeaf checks a column's distribution within a component.
func (c *Column) validateLeaf(l *Leaf) error {
	if !(l.Null >= 0 && l.Null <= 1) {
		return fmt.Errorf("null %v is not in [0, 1]", l.Null)
	}
	switch {
	case c.inCopula():
		if l.Dist != nil {
			return errors.New("a numeric column has no dist")
		}
		if !finite(l.Mean) || !(l.SD > 0) || !finite(l.SD) || !(l.Lo >= -forestZBound) || !(l.Hi <= forestZBound) || !(l.Lo < l.Hi) {
			return fmt.Errorf("want finite mean, sd > 0 and %v <= lo < hi <= %v", -forestZBound, forestZBound)
		}
		if l.Atoms != nil {
			if len(c.Atoms) == 0 {
				return errors.New("atoms in a column without atoms")
			}
			if err := l.Atoms.validate(len(c.Atoms) + 1); err != nil {
				return fmt.Errorf("atoms: %w", err)
			}
		}
	case (c.Kind == Categorical || c.Kind == Boolean) && c.NullFraction < 1:
		if l.Atoms != nil {
			return errors.New("a discrete column has no atoms")
		}
		if l.Dist == nil {
			return errors.New("a discrete column needs a dist")
		}
		total, _ := c.States()
		return l.Dist.validate(total)
	default:
		if l.Dist != nil || l.SD != 0 || l.Atoms != nil {
			return errors.New("a column outside the forest has no distribution")
		}
	}
	return nil
}

func (d *Dist) validate(states int) error {
	if len(d.States) == 0 || len(d.States) != len(d.Probs) || len(d.States) > states {
		return fmt.Errorf("dist has %d states and %d probabilities, want 1 to %d of each", len(d.States), len(d.Probs), states)
	}
	for i, s := range d.States {
		if s < 0 || s >= states || (i > 0 && s <= d.States[i-1]) {
			return fmt.Errorf("dist state %d is out of range [0, %d) or not ascending", s, states)
		}
	}
	if err := checkProbabilities(d.Probs); err != nil {
		return fmt.Errorf("dist: %w", err)
	}
	return nil
}

// Summary describes the forest in a few lines, for inspect.
func (f *Forest) Summary(m *Model) string {
	var b strings.Builder
	fmt.Fprintf(&b, "forest     %d components: the leaves of %d trees after %d adversarial rounds, at least %d sampled rows each\n", len(f.Components), f.Trees, f.Rounds, f.MinLeaf)
	if len(f.Calendar) > 0 {
		var parts []string
		for _, p := range f.Calendar {
			parts = append(parts, m.Columns[p.Column].Name+"."+p.Part)
		}
		fmt.Fprintf(&b, "calendar   %s\n", strings.Join(parts, ", "))
	}
	top := 0.0
	for _, c := range f.Components {
		top = max(top, c.Weight)
	}
	fmt.Fprintf(&b, "weights    largest %.4f, mean %.4f\n", top, 1/float64(len(f.Components)))
	return b.String()
}

// encodeForest is Encode for a forest model: indented JSON, except that
// each component is written compactly on a line of its own, which makes
// the file about a third as long (it is read, shipped to workers and
// decoded on every generate) and still readable line by line.
func (m *Model) encodeForest() ([]byte, error) {
	f := *m.Forest
	f.Components = nil
	bare := *m
	bare.Forest = &f
	b, err := json.MarshalIndent(&bare, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	const key = `"components": null`
	at := bytes.LastIndex(b, []byte(key))
	if at < 0 {
		return nil, errors.New("encode model: the forest has no components key")
	}
	indent := at - (bytes.LastIndexByte(b[:at], '\n') + 1)
	pad := "\n" + strings.Repeat(" ", indent+2)
	out := bytes.NewBuffer(make([]byte, 0, len(b)+len(m.Forest.Components)*1024))
	out.Write(b[:at])
	out.WriteString(`"components": [`)
	for k := range m.Forest.Components {
		c, err := json.Marshal(&m.Forest.Components[k])
		if err != nil {
			return nil, fmt.Errorf("encode model: forest component %d: %w", k, err)
		}
		if k > 0 {
			out.WriteByte(',')
		}
		out.WriteString(pad)
		out.Write(c)
	}
	out.WriteString(pad[:len(pad)-2] + "]")
	out.Write(b[at+len(key):])
	out.WriteByte('\n')
	return out.Bytes(), nil
}
