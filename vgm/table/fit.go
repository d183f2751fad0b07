package table

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm"
)

// CategoryCap is how many of a column's most frequent values the model keeps
// by name; as many more are drawn from the rest of the sample to stand for
// the tail, sharing its frequency.
const CategoryCap = 1000

// FitOptions control the fit.
type FitOptions struct {
	// Kinds overrides the inferred kind of the named columns.
	Kinds map[string]Kind
	// VGM configures the per-column mixtures.
	VGM vgm.Config
	// ModelType is ModelTypeNetwork (the default when empty) or
	// ModelTypeIndependent.
	ModelType string
}

// FieldError is a problem with one value of the input, located by file,
// line and column.
type FieldError struct {
	Source string
	Line   int64
	Column string
	Err    error
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: column %q: %v", e.Source, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s: column %q: %v", e.Source, e.Column, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// Fit learns a model from a summary of the input.
func Fit(s *Summary, opt FitOptions) (*Model, error) {
	if s.Rows == 0 {
		return nil, errors.New("the input has no data rows")
	}
	for name := range opt.Kinds {
		if !slices.Contains(s.Columns, name) {
			return nil, fmt.Errorf("schema names column %q, which the input does not have (columns: %v)", name, s.Columns)
		}
	}
	rows := slices.Clone(s.Sample)
	slices.SortFunc(rows, func(a, b SampledRow) int {
		if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
			return c
		}
		if c := cmp.Compare(s.Origin(a), s.Origin(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	if opt.ModelType == "" {
		opt.ModelType = ModelTypeNetwork
	}
	if opt.ModelType != ModelTypeNetwork && opt.ModelType != ModelTypeIndependent {
		return nil, fmt.Errorf("unknown model type %q (want %s or %s)", opt.ModelType, ModelTypeNetwork, ModelTypeIndependent)
	}
	m := &Model{
		FormatVersion: FormatVersion,
		ModelType:     opt.ModelType,
		RowsSeen:      s.Rows,
		SampleSize:    len(rows),
		Seed:          s.Seed,
	}
	for j, name := range s.Columns {
		col, err := fitColumn(name, j, s, rows, opt)
		if err != nil {
			return nil, err
		}
		m.Columns = append(m.Columns, *col)
	}
	if m.ModelType == ModelTypeNetwork {
		if err := fitJoint(m, rows, s.Seed); err != nil {
			return nil, err
		}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("fitted model is invalid (a bug): %w", err)
	}
	return m, nil
}

func fitColumn(name string, j int, s *Summary, rows []SampledRow, opt FitOptions) (*Column, error) {
	st, total := &s.Stats[j], s.Rows
	var values []string
	var at []int // row index of each value, for error messages
	for i, r := range rows {
		if v := r.Fields[j]; v != "" {
			values = append(values, v)
			at = append(at, i)
		}
	}
	col := &Column{Name: name, NullFraction: float64(st.Nulls) / float64(total)}
	if kind, forced := opt.Kinds[name]; forced {
		f, ok := FormatFor(kind, values)
		if !ok {
			// Find the first value that does not fit, to name it.
			for i, v := range values {
				if _, fits := FormatFor(kind, []string{v}); !fits {
					r := rows[at[i]]
					return nil, &FieldError{s.Origin(r), r.Line, name, fmt.Errorf("value %q is not a valid %s (the schema says %s)", v, kind, kind)}
				}
			}
			return nil, fmt.Errorf("column %q: values do not fit kind %s together", name, kind)
		}
		col.Kind, col.Format = kind, f
	} else {
		inf := Infer(values)
		col.Kind, col.Format = inf.Kind, inf.Format
	}
	if len(values) == 0 {
		col.NullFraction = 1
		if col.Kind.Numeric() || col.Kind == ID {
			col.Kind, col.Format = Categorical, Format{}
		}
		return col, nil
	}
	switch {
	case col.Kind.Numeric():
		x := make([]float64, len(values))
		for i, v := range values {
			f, err := ParseValue(col.Kind, col.Format, v)
			if err != nil {
				r := rows[at[i]]
				return nil, &FieldError{s.Origin(r), r.Line, name, fmt.Errorf("value %q: %w", v, err)}
			}
			x[i] = f
		}
		atoms, rest := findAtoms(x)
		if len(rest) == 0 {
			rest = x // atoms only: the mixture is fitted but never drawn from
		}
		mix, err := vgm.Fit(rest, opt.VGM)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", name, err)
		}
		col.VGM, col.Atoms, col.Tails = mix, atoms, fitTails(x)
		lo, hi := slices.Min(x), slices.Max(x)
		if col.Kind != Datetime && st.Numbers > 0 && !st.Text {
			lo, hi = st.Min, st.Max // exact, over every row
		}
		col.Min, col.Max = &lo, &hi
	case col.Kind == ID:
		fitID(col, values, st)
	default:
		col.Categories = categories(values, st)
	}
	return col, nil
}

// categories turns counts into frequencies: exact counts over every row when
// the column has few enough distinct values, the sample's otherwise; capped
// at CategoryCap names plus a tail drawn from the sample.
func categories(values []string, st *ColumnStats) []Category {
	counts := st.Counts
	if st.Overflow || len(counts) == 0 {
		counts = map[string]int64{}
		for _, v := range values {
			counts[v]++
		}
	}
	cats := make([]Category, 0, len(counts))
	total := 0.0
	for v, n := range counts {
		cats = append(cats, Category{Value: v, Frequency: float64(n)})
		total += float64(n)
	}
	slices.SortFunc(cats, func(a, b Category) int {
		if c := cmp.Compare(b.Frequency, a.Frequency); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	if len(cats) > CategoryCap {
		head := cats[:CategoryCap]
		tailMass := 0.0
		for _, c := range cats[CategoryCap:] {
			tailMass += c.Frequency
		}
		// Stand-ins for the tail: tail values in the order the (uniformly
		// sampled) rows list them, each value once.
		inHead := make(map[string]bool, len(head))
		for _, c := range head {
			inHead[c.Value] = true
		}
		var tail []Category
		seen := map[string]bool{}
		for _, v := range values {
			if len(tail) == CategoryCap {
				break
			}
			if !inHead[v] && !seen[v] {
				seen[v] = true
				tail = append(tail, Category{Value: v})
			}
		}
		for i := range tail {
			tail[i].Frequency = tailMass / float64(len(tail))
		}
		cats = append(head[:CategoryCap:CategoryCap], tail...)
	}
	for i := range cats {
		cats[i].Frequency /= total
	}
	return cats
}

// fitID learns the range of real IDs, so that generated ones avoid it.
func fitID(col *Column, values []string, st *ColumnStats) {
	slots, err := parseTemplate(col.Format.Template)
	if err != nil || idSpace(slots) >= 1<<62 {
		return
	}
	lo, hi := uint64(1<<63), uint64(0)
	for _, v := range append([]string{st.MinText, st.MaxText}, values...) {
		if x, ok := idValue(slots, v); ok {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if lo <= hi {
		col.Format.ExcludeLow, col.Format.ExcludeHigh = lo, hi
	}
}
