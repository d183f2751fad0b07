package table

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/privacy"
	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// A private fit (FitOptions.Privacy) is (ε, δ)-differentially private
// with respect to the rows fitted on, the sample: two samples that differ
// by one row added or removed give models whose distributions differ by at
// most a factor e^ε, up to δ. Every use of the rows goes through a
// mechanism of package privacy, and the accountant records each in the
// model's Privacy field. The budget is split up front (basic
// composition):
//
//   - the row count: privateRowsShare of ε (Laplace);
//   - the columns: privateColumnsShare of ε (all of what is left for an
//     independent model), in parts per column (1 for a numeric column,
//     privateDiscreteShare for a categorical or boolean one,
//     privateIDShare for an ID), and all of δ, in equal parts per column
//     that thresholds values;
//   - the rest, for a network or copula model, to the joint model (see
//     fitPrivateJoint).
//
// What is not learned privately is not learned: no rules are mined (a
// schema's declared constraints are kept, but fixed_combinations, whose
// allowed tuples come from the data, is refused), no text model, no
// tails, no real ID range; forests are refused. The column kinds and
// formats are inferred from the values as in an ordinary fit and are
// treated as public schema.

// PrivacyOptions make a fit differentially private.
type PrivacyOptions struct {
	// Epsilon and Delta are the guarantee (ε > 0, 0 < δ < 1).
	Epsilon, Delta float64
	// NoiseSeed seeds the noise when FixedNoise is set, for reproducible
	// fits; otherwise a secret seed is drawn (privacy.SecretSeed). Anyone
	// who knows the seed can remove the noise.
	NoiseSeed  uint64
	FixedNoise bool
}

// DefaultDelta is the command line's δ.
const DefaultDelta = 1e-6

// Shares of ε.
const (
	privateRowsShare    = 0.02
	privateColumnsShare = 0.6
	// privateIDShare and privateDiscreteShare are the parts of the
	// columns' share of an ID column (which only releases a null count) and
	// of a categorical or boolean column, against 1 for a numeric column.
	// A category of the data is kept only when its count passes a
	// threshold of about ln(1/(2δ))/ε rows: on seattle-weather at ε = 1
	// (1,461 rows, 5 numeric columns) it is 76 rows with 2.5 parts, 150
	// with one, which dropped every category but two.
	privateIDShare       = 0.25
	privateDiscreteShare = 2.5
	// privateNullFloor: a released null count under this many noise
	// scales is taken for zero, so that the noise seldom makes nulls up
	// (three scales made up nulls in a column of one fit in seven).
	privateNullFloor = 5
	// maxPrivateCategories bounds the categories a private fit keeps (the
	// most frequent by noisy count).
	maxPrivateCategories = 2 * CategoryCap
	// privatePoints bounds the values drawn from a released histogram to
	// fit a column's mixture.
	privatePoints = 20000
)

// privateFit is the state of one private fit.
type privateFit struct {
	s     *Summary
	rows  []SampledRow
	opt   FitOptions
	noise *privacy.Noise
	acct  *privacy.Accountant
	n     float64 // the released row count, at least 1
}

// fitPrivate fits a differentially private model (see PrivacyOptions).
func fitPrivate(s *Summary, rows []SampledRow, opt FitOptions) (*Model, error) {
	p := opt.Privacy
	if opt.ModelType == ModelTypeForest {
		return nil, errors.New("a private fit (--epsilon) supports model types network, copula and independent, not forest: its leaves would need a private tree learner")
	}
	for _, r := range opt.Rules.Constraints {
		if r.Type == rules.Combinations {
			return nil, fmt.Errorf("schema constraint %s: fixed combinations are learned from the rows, which a private fit (--epsilon) does not release; leave it out", r.String())
		}
	}
	acct, err := privacy.NewAccountant(p.Epsilon, p.Delta)
	if err != nil {
		return nil, err
	}
	seed := p.NoiseSeed
	if !p.FixedNoise {
		if seed, err = privacy.SecretSeed(); err != nil {
			return nil, err
		}
	}
	f := &privateFit{s: s, rows: rows, opt: opt, noise: privacy.NewNoise(seed), acct: acct}
	eps := p.Epsilon
	epsRows := privateRowsShare * eps
	f.n = max(1, math.Round(f.noise.Count(float64(len(rows)), epsRows)))
	if err := acct.Spend("row count (Laplace, sensitivity 1)", epsRows, 0); err != nil {
		return nil, err
	}
	m := &Model{
		FormatVersion: FormatVersion,
		ModelType:     opt.ModelType,
		RowsSeen:      int64(f.n),
		SampleSize:    int(f.n),
		Seed:          s.Seed,
	}
	colsShare := privateColumnsShare
	if opt.ModelType == ModelTypeIndependent {
		colsShare = 1 - privateRowsShare
	}
	// Kinds first: they are the schema, and set each column's part.
	cols := make([]*Column, len(s.Columns))
	values := make([][]string, len(s.Columns))
	ats := make([][]int, len(s.Columns))
	part := func(c *Column) float64 {
		switch {
		case c.Kind == ID:
			return privateIDShare
		case c.Kind.Numeric() && c.NullFraction < 1:
			return 1
		}
		return privateDiscreteShare
	}
	parts, thresholded := 0.0, 0
	for j, name := range s.Columns {
		if cols[j], values[j], ats[j], err = columnKind(name, j, s, rows, opt); err != nil {
			return nil, err
		}
		parts += part(cols[j])
		if cols[j].Kind != ID {
			thresholded++
		}
	}
	for j := range cols {
		col := cols[j]
		epsCol, deltaCol := colsShare*eps*part(col)/parts, p.Delta/float64(max(thresholded, 1))
		var replace map[string]string
		switch {
		case col.Kind.Numeric() && col.NullFraction < 1:
			err = f.numeric(col, values[j], ats[j], epsCol, deltaCol)
		case col.Kind == ID:
			err = f.id(col, values[j], epsCol)
		default:
			replace, err = f.discrete(col, values[j], epsCol, deltaCol)
		}
		if err != nil {
			return nil, err
		}
		m.Columns = append(m.Columns, *col)
		if len(replace) > 0 {
			if f.rows, err = replaceValues(f.rows, j, replace); err != nil {
				return nil, err
			}
		}
	}
	if m.ModelType != ModelTypeIndependent {
		epsJoint, _ := acct.Left()
		if err := f.joint(m, epsJoint); err != nil {
			return nil, err
		}
	}
	// Declared constraints only: they come from the schema, not the rows.
	if m.Rules, err = fitRules(m, rows, RuleOptions{Constraints: opt.Rules.Constraints, NoMined: true}, 0); err != nil {
		return nil, err
	}
	m.Privacy = acct.Budget()
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("fitted model is invalid (a bug): %w", err)
	}
	return m, nil
}

// replaceValues returns rows with column j's values replaced as replace
// says (a copy: the summary shares the fields).
func replaceValues(rows []SampledRow, j int, replace map[string]string) ([]SampledRow, error) {
	out := cloneFields(rows)
	for i := range out {
		if to, ok := replace[out[i].Fields[j]]; ok {
			out[i].Fields[j] = to
		}
	}
	return out, nil
}

// nullFraction turns a released null count into a share of the released
// row count; a count under privateNullFloor noise scales is zero.
func (f *privateFit) nullFraction(c, epsilon float64) float64 {
	if c < privateNullFloor/epsilon {
		return 0
	}
	return min(c/f.n, 1)
}

// id releases an ID column's null count; the model keeps the values'
// template (the schema) and no range of real IDs, so generated IDs may
// equal real ones by chance, knowing nothing of them.
func (f *privateFit) id(col *Column, values []string, epsilon float64) error {
	nulls := float64(len(f.rows) - len(values))
	col.NullFraction = f.nullFraction(f.noise.Count(nulls, epsilon), epsilon)
	return f.acct.Spend(fmt.Sprintf("column %q: null count (Laplace, sensitivity 1)", col.Name), epsilon, 0)
}

// discrete releases a categorical or boolean column's value counts with
// the null count (privacy.Histogram: values of the data are kept only when
// their noisy count reaches the threshold; a boolean's two spellings and
// the null are public). replace maps the values not kept, and the null
// when the model has none, to a kept value drawn by frequency, so that the
// network sees only states the model has.
func (f *privateFit) discrete(col *Column, values []string, epsilon, delta float64) (map[string]string, error) {
	counts := map[string]int64{"": int64(len(f.rows) - len(values))}
	for _, v := range values {
		counts[v]++
	}
	public := []string{""}
	if col.Kind == Boolean {
		public = append(public, col.Format.True, col.Format.False)
	}
	noisy := f.noise.Histogram(counts, public, epsilon, delta)
	if err := f.acct.Spend(fmt.Sprintf("column %q: value and null counts (Laplace with threshold %.1f, sensitivity 1)", col.Name, privacy.Threshold(epsilon, delta)), epsilon, delta); err != nil {
		return nil, err
	}
	var cats []Category
	for v, c := range noisy {
		if v != "" && c > 0 {
			cats = append(cats, Category{Value: v, Frequency: c})
		}
	}
	slices.SortFunc(cats, byFrequency)
	if len(cats) > maxPrivateCategories {
		cats = cats[:maxPrivateCategories]
	}
	total := sum(cats)
	if len(cats) == 0 {
		col.NullFraction, col.Categories = 1, nil
		return nil, nil
	}
	nulls := f.nullFraction(noisy[""], epsilon)
	col.NullFraction = nulls * f.n / (nulls*f.n + total)
	kept := map[string]bool{}
	weights := make([]float64, len(cats))
	for i := range cats {
		kept[cats[i].Value] = true
		weights[i] = cats[i].Frequency
		cats[i].Frequency /= total
	}
	col.Categories = cats
	// Stand-ins for what the model does not keep, drawn once per value in
	// sorted order (post-processing: the choice looks at no row).
	var dropped []string
	for v := range counts {
		if !kept[v] && (v != "" || col.NullFraction == 0) {
			dropped = append(dropped, v)
		}
	}
	slices.Sort(dropped)
	replace := make(map[string]string, len(dropped))
	r := f.noise.Rand()
	for _, v := range dropped {
		u, i := r.Float64()*total, 0
		for ; i < len(weights)-1 && u >= weights[i]; i++ {
			u -= weights[i]
		}
		replace[v] = cats[i].Value
	}
	return replace, nil
}
