package table

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

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
	// ModelType is ModelTypeForest (the default when empty),
	// ModelTypeNetwork, ModelTypeCopula or ModelTypeIndependent.
	ModelType string
	// MinCategoryCount keeps rare values out of the model: a category of
	// a categorical column, or an atom of a numeric one, counted fewer
	// times than this (over every row where the counts are exact, in the
	// sample otherwise) is not stored by name. A text column's rare values
	// become one NovelCategory, drawn as new values from a TextModel; a
	// numeric-valued categorical column's rare values join their nearest
	// stored value. 0 keeps every value; the
	// command line's default is DefaultMinCategoryCount.
	MinCategoryCount int
	// NoExactBounds stores no exact extreme of the data: the bounds of
	// numeric columns are the fitted distribution's 0.1% and 99.9%
	// quantiles (kept inside the observed range rounded outward to a coarse
	// grid), the tails of extreme quantiles are dropped, and the range of
	// real IDs that generated IDs avoid is widened.
	NoExactBounds bool
	// Rules say which rules the model keeps: found in the sample, declared.
	Rules RuleOptions
	// DecimalMark is the input numbers' decimal mark, '.' or ','; 0
	// detects it per column (see InferOptions).
	DecimalMark byte
	// Privacy, when set, makes the fit (ε, δ)-differentially private
	// (see fitPrivate); MinCategoryCount and NoExactBounds are then moot.
	Privacy *PrivacyOptions
}

// DefaultMinCategoryCount is the command line's FitOptions.MinCategoryCount.
const DefaultMinCategoryCount = 5

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
	rows := s.Ranked()
	if opt.ModelType == "" && opt.Privacy != nil {
		opt.ModelType = ModelTypeNetwork // whatever the default: forest has no private learner
	}
	if opt.ModelType == "" {
		opt.ModelType = ModelTypeForest
	}
	if !knownModelType(opt.ModelType) {
		return nil, fmt.Errorf("unknown model type %q (want %s)", opt.ModelType, modelTypeList)
	}
	if opt.Privacy != nil {
		return fitPrivate(s, rows, opt)
	}
	m := &Model{
		FormatVersion: FormatVersion,
		ModelType:     opt.ModelType,
		RowsSeen:      s.Rows,
		SampleSize:    len(rows),
		Seed:          s.Seed,
	}
	raw, replaced := rows, false
	for j, name := range s.Columns {
		col, replace, err := fitColumn(name, j, s, rows, opt)
		if err != nil {
			return nil, err
		}
		m.Columns = append(m.Columns, *col)
		if len(replace) > 0 {
			// The network learns from the values as the model keeps them:
			// rare values as what stands for them.
			for i := range rows {
				if to, ok := replace[rows[i].Fields[j]]; ok {
					if !replaced {
						rows = cloneFields(rows)
						replaced = true
					}
					rows[i].Fields[j] = to
				}
			}
		}
	}
	// The rules come first: the forest models the columns that order
	// rules keep above others by their position above them.
	rs, err := fitRules(m, raw, opt.Rules, opt.MinCategoryCount)
	if err != nil {
		return nil, err
	}
	m.Rules = rs
	switch m.ModelType {
	case ModelTypeIndependent:
	case ModelTypeForest:
		if err := fitForest(m, rows, s.Seed); err != nil {
			return nil, err
		}
	default:
		if err := fitJoint(m, rows, s.Seed); err != nil {
			return nil, err
		}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("fitted model is invalid (a bug): %w", err)
	}
	return m, nil
}

// cloneFields copies rows with their fields, which the summary shares.
func cloneFields(rows []SampledRow) []SampledRow {
	out := make([]SampledRow, len(rows))
	for i, r := range rows {
		r.Fields = slices.Clone(r.Fields)
		out[i] = r
	}
	return out
}

// fitColumn fits column j. replace maps the rare values the model does not
// keep to what stands for them ("" for null).
func fitColumn(name string, j int, s *Summary, rows []SampledRow, opt FitOptions) (col *Column, replace map[string]string, err error) {
	st := &s.Stats[j]
	col, values, at, err := columnKind(name, j, s, rows, opt)
	if err != nil || len(values) == 0 {
		return col, nil, err
	}
	col.NullFraction = float64(st.Nulls) / float64(s.Rows)
	switch {
	case col.Kind.Numeric():
		x, err := parseNumbers(col, values, at, s, rows)
		if err != nil {
			return nil, nil, err
		}
		atoms, rest := findAtoms(x)
		if opt.MinCategoryCount > 0 {
			atoms, rest = dropRareAtoms(atoms, x, rest, opt.MinCategoryCount)
		}
		if len(rest) == 0 {
			rest = x // atoms only: the mixture is fitted but never drawn from
		}
		mix, err := vgm.Fit(rest, opt.VGM)
		if err != nil {
			return nil, nil, fmt.Errorf("column %q: %w", name, err)
		}
		col.VGM, col.Atoms, col.Tails = mix, atoms, fitTails(rest)
		lo, hi := slices.Min(x), slices.Max(x)
		if col.Kind != Datetime && st.Numbers > 0 && !st.Text && !col.Format.shaped() {
			lo, hi = st.Min, st.Max // exact, over every row
		}
		if opt.NoExactBounds {
			lo, hi = inexactBounds(newMarginal(mix, atoms, nil), lo, hi)
			col.Tails = nil
		}
		col.Min, col.Max = &lo, &hi
		if !opt.Rules.NoLattice {
			col.Lattice = fitLattice(col, st, opt.MinCategoryCount)
			if col.Lattice != nil && opt.NoExactBounds {
				col.Lattice = col.Lattice.clip(lo, hi)
			}
		}
	case col.Kind == ID:
		fitID(col, values, st)
		if opt.NoExactBounds {
			widenID(col)
		}
	default:
		minCount := opt.MinCategoryCount
		if col.Kind == Boolean {
			minCount = 0 // true and false identify no one
		}
		col.Categories, replace = categories(values, st, minCount)
		col.Text = fitText(novelValues(values, replace), minCount)
		if len(col.Categories) == 0 {
			col.NullFraction = 1 // every value was rare
		}
	}
	return col, replace, nil
}

// columnKind returns column j with its kind and format, inferred from the
// sampled values or forced by opt.Kinds, and the non-null values with the
// index of each one's row. A column with no values is an all-null
// categorical column.
func columnKind(name string, j int, s *Summary, rows []SampledRow, opt FitOptions) (col *Column, values []string, at []int, err error) {
	for i, r := range rows {
		if v := r.Fields[j]; v != "" {
			values = append(values, v)
			at = append(at, i)
		}
	}
	col = &Column{Name: name}
	if kind, forced := opt.Kinds[name]; forced {
		f, ok := formatFor(kind, values, InferOptions{DecimalMark: opt.DecimalMark})
		if !ok {
			if kind == ID {
				return nil, nil, nil, fmt.Errorf("column %q: the schema says id, but its values do not share one shape (the same length, and at each position one kind of character), so no IDs like them can be generated", name)
			}
			// Find the first value that does not fit, to name it.
			for i, v := range values {
				if _, fits := formatFor(kind, []string{v}, InferOptions{DecimalMark: opt.DecimalMark}); !fits {
					r := rows[at[i]]
					return nil, nil, nil, &FieldError{s.Origin(r), r.Line, name, fmt.Errorf("value %q is not a valid %s (the schema says %s)", v, kind, kind)}
				}
			}
			return nil, nil, nil, fmt.Errorf("column %q: values do not fit kind %s together", name, kind)
		}
		col.Kind, col.Format = kind, f
	} else {
		inf := InferWith(values, InferOptions{DecimalMark: opt.DecimalMark})
		if inf.Kind == Categorical || inf.Kind == ID {
			if err := checkNumbers(name, s, rows, values, at); err != nil {
				return nil, nil, nil, err
			}
		}
		col.Kind, col.Format = inf.Kind, inf.Format
	}
	if len(values) == 0 {
		col.NullFraction = 1
		if col.Kind.Numeric() || col.Kind == ID {
			col.Kind, col.Format = Categorical, Format{}
		}
	}
	return col, values, at, nil
}

// parseNumbers parses a numeric column's values; at[i] is the row of
// values[i], to name it in an error.
func parseNumbers(col *Column, values []string, at []int, s *Summary, rows []SampledRow) ([]float64, error) {
	x := make([]float64, len(values))
	for i, v := range values {
		f, err := ParseValue(col.Kind, col.Format, v)
		if err != nil {
			r := rows[at[i]]
			return nil, &FieldError{s.Origin(r), r.Line, col.Name, fmt.Errorf("value %q: %w", v, err)}
		}
		x[i] = f
	}
	return x, nil
}

// novelValues returns the values (with repetition) that stand for new
// ones: those replaced by NovelCategory. Where the counts are exact over
// every row, rare values may all lie outside the sample: the text model
// then learns from each rare value once, in sorted order.
func novelValues(values []string, replace map[string]string) []string {
	var out []string
	for _, v := range values {
		if replace[v] == NovelCategory {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		for v, r := range replace {
			if r == NovelCategory {
				out = append(out, v)
			}
		}
		slices.Sort(out)
	}
	return out
}

// checkNumbers refuses a column of numbers spoilt by a few values that are
// not: a non-finite number (NaN, Inf, 1e400) among finite ones, or text
// making up at most 1% of the values. Either would turn the column into
// categories of number strings; the error names the first such value, by
// file and line, so that it can be fixed, emptied (null) or the column's
// kind set by a schema.
func checkNumbers(name string, s *Summary, rows []SampledRow, values []string, at []int) error {
	var nums []string
	bad, nonFinite := -1, 0
	badCount := 0
	for i, v := range values {
		x, err := strconv.ParseFloat(v, 64)
		if err == nil && finite(x) {
			nums = append(nums, v)
			continue
		}
		badCount++
		if err == nil || errors.Is(err, strconv.ErrRange) {
			nonFinite++
		}
		if nonFinite < badCount && badCount*100 > len(values) {
			return nil // text among numbers, more than a little: a text column
		}
		if bad < 0 || before(s, rows[at[i]], rows[at[bad]]) {
			bad = i
		}
	}
	if badCount == 0 || len(nums) == 0 {
		return nil
	}
	if nonFinite < badCount && badCount*100 > len(values) {
		return nil // text among numbers, more than a little: a text column
	}
	if k := Infer(nums).Kind; k != Float && k != Integer {
		return nil // few distinct numbers: categories anyway
	}
	r, v := rows[at[bad]], values[bad]
	if _, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return &FieldError{s.Origin(r), r.Line, name, fmt.Errorf("value %q is not a finite number, among %d sampled values that are: leave a missing value empty, or set the column's kind with --schema", v, len(nums))}
	}
	return &FieldError{s.Origin(r), r.Line, name, fmt.Errorf("value %q is not a number, yet %d of the %d sampled values of the column are: fix it or leave it empty (null), or set the column's kind with --schema (e.g. {%q: \"categorical\"})", v, len(nums), len(values), name)}
}

// before orders sampled rows by file and line.
func before(s *Summary, a, b SampledRow) bool {
	if c := cmp.Compare(s.Origin(a), s.Origin(b)); c != 0 {
		return c < 0
	}
	return a.Line < b.Line
}

// dropRareAtoms returns the atoms of x that stand for at least minCount
// values, and the values left for the mixture.
func dropRareAtoms(atoms []Atom, x, rest []float64, minCount int) ([]Atom, []float64) {
	kept := atoms[:0:0]
	for _, a := range atoms {
		if math.Round(a.Frequency*float64(len(x))) >= float64(minCount) {
			kept = append(kept, a)
		}
	}
	if len(kept) == len(atoms) {
		return atoms, rest
	}
	rest = rest[:0:0]
	for _, v := range x {
		if !slices.ContainsFunc(kept, func(a Atom) bool { return a.Value == v }) {
			rest = append(rest, v)
		}
	}
	return kept, rest
}

// inexactBounds returns bounds for generated values that are no exact
// value of the data: the marginal's 0.1% and 99.9% quantiles, kept inside
// the observed range [lo, hi] rounded outward to a grid of about a tenth of
// its order of magnitude (strictly outward, unless the extreme is zero).
func inexactBounds(mg *marginal, lo, hi float64) (float64, float64) {
	qlo, qhi := mg.quantile(0.001), mg.quantile(0.999)
	scale := hi - lo
	if scale <= 0 {
		scale = math.Max(math.Abs(lo), math.Abs(hi))
	}
	step := 1.0
	if scale > 0 && finite(scale) {
		step = math.Pow(10, math.Floor(math.Log10(scale))-1)
	}
	glo, ghi := math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	// A grid point that is the real extreme moves one step out, but for
	// zero, the natural bound of counts and amounts.
	if glo == lo && lo != 0 {
		glo -= step
	}
	if ghi == hi && hi != 0 {
		ghi += step
	}
	if !finite(glo) || !finite(ghi) {
		glo, ghi = lo, hi
	}
	qlo, qhi = max(qlo, glo), min(qhi, ghi)
	if !(qlo <= qhi) {
		qlo, qhi = glo, ghi
	}
	return qlo, qhi
}

// categories turns counts into frequencies: exact counts over every row when
// the column has few enough distinct values, the sample's otherwise; capped
// at CategoryCap names plus a tail drawn from the sample. Values counted
// fewer than minCount times are not kept (see FitOptions.MinCategoryCount);
// replace maps each to what stands for it, "" when nothing does (then no
// category is left and the column generates nulls).
func categories(values []string, st *ColumnStats, minCount int) (cats []Category, replace map[string]string) {
	counts := st.Counts
	if st.Overflow || len(counts) == 0 {
		counts = map[string]int64{}
		for _, v := range values {
			counts[v]++
		}
	}
	cats = make([]Category, 0, len(counts))
	var rare []Category
	total := 0.0
	for v, n := range counts {
		if n < int64(minCount) {
			rare = append(rare, Category{Value: v, Frequency: float64(n)})
		} else {
			cats = append(cats, Category{Value: v, Frequency: float64(n)})
		}
		total += float64(n)
	}
	slices.SortFunc(cats, byFrequency)
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
			if !inHead[v] && !seen[v] && counts[v] >= int64(minCount) {
				seen[v] = true
				tail = append(tail, Category{Value: v})
			}
		}
		for i := range tail {
			tail[i].Frequency = tailMass / float64(len(tail))
		}
		cats = append(head[:CategoryCap:CategoryCap], tail...)
	}
	if len(rare) > 0 {
		cats, replace = absorbRare(cats, rare)
	}
	for i := range cats {
		cats[i].Frequency /= total
	}
	return cats, replace
}

// byFrequency orders categories most frequent first, ties by value.
func byFrequency(a, b Category) int {
	if c := cmp.Compare(b.Frequency, a.Frequency); c != 0 {
		return c
	}
	return cmp.Compare(a.Value, b.Value)
}

// absorbRare gives the mass of rare values to what stands for them: in a
// column of numbers the nearest kept value (none left: null), in a column
// of text one NovelCategory.
func absorbRare(cats, rare []Category) ([]Category, map[string]string) {
	replace := make(map[string]string, len(rare))
	numbers := true
	num := func(v string) float64 {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !finite(x) {
			numbers = false
		}
		return x
	}
	for _, c := range append(slices.Clone(cats), rare...) {
		num(c.Value)
	}
	switch {
	case numbers && len(cats) == 0:
		for _, r := range rare {
			replace[r.Value] = ""
		}
		return nil, replace
	case numbers:
		for _, r := range rare {
			x, best := num(r.Value), 0
			for i, c := range cats {
				if math.Abs(num(c.Value)-x) < math.Abs(num(cats[best].Value)-x) {
					best = i
				}
			}
			cats[best].Frequency += r.Frequency
			replace[r.Value] = cats[best].Value
		}
	default:
		cats = append(cats, Category{Value: NovelCategory})
		i := len(cats) - 1
		for _, r := range rare {
			cats[i].Frequency += r.Frequency
			replace[r.Value] = NovelCategory
		}
	}
	if len(cats) <= CategoryCap {
		slices.SortFunc(cats, byFrequency)
	}
	return cats, replace
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

// widenID rounds the range of real IDs outward (FitOptions.NoExactBounds).
func widenID(col *Column) {
	slots, err := parseTemplate(col.Format.Template)
	if err != nil || (col.Format.ExcludeLow == 0 && col.Format.ExcludeHigh == 0) {
		return
	}
	col.Format.ExcludeLow, col.Format.ExcludeHigh = widenRange(col.Format.ExcludeLow, col.Format.ExcludeHigh, idSpace(slots))
}

// widenRange rounds [lo, hi] outward to multiples of a power of two of at
// least 1024 and a sixteenth of its width, so that its ends are no real
// IDs, unless that would leave no room in space for generated IDs.
func widenRange(lo, hi, space uint64) (uint64, uint64) {
	step := uint64(1024)
	for step < 1<<61 && step*16 < hi-lo+1 {
		step <<= 1
	}
	nlo, nhi := lo/step*step, (hi/step+1)*step-1
	if nhi >= space-1 || nhi < hi {
		nhi = space - 2
	}
	if nhi < hi || nhi-nlo+1 >= space {
		return lo, hi
	}
	return nlo, nhi
}
