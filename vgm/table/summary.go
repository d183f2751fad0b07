package table

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// MaxExactCategories is how many distinct values per column a Summary counts
// exactly; a column with more is marked overflowed and its categories are
// estimated from the sample instead.
const MaxExactCategories = 1000

// Summary is everything the fit needs from one pass over the input: a
// uniform sample of rows (a bottom-k reservoir: each row gets a priority
// from a hash of the seed, its source and its position, and the k rows with
// the smallest priorities survive) and exact, cheap per-column statistics
// over every row. Summaries merge exactly, so the result is the same however
// the rows were split into bundles, workers or runners.
//
// All fields are exported so that the Summary survives any encoding a
// runner applies to it.
type Summary struct {
	// Columns names the input's columns, in order.
	Columns []string
	// K is the reservoir's capacity.
	K int
	// Seed salts the priorities.
	Seed uint64
	// Rows counts every row seen.
	Rows int64
	// Sample holds the K rows ranked first (see Priority) once Trim has
	// run; up to 2K candidates before.
	Sample []SampledRow
	// Sources names the files sampled rows come from; Names[i] is
	// Sources[i] relative to the input's common root, which keys the
	// priorities.
	Sources []string
	Names   []string
	// Stats has one entry per column.
	Stats []ColumnStats

	lastSource string // cache of the last source's hash
	lastHash   uint64
	cut        *SampledRow // the last row kept by Trim
	arena      *rowArena   // AddRows' sampled rows' memory
}

// SampledRow is one row of the reservoir, with where it came from so that
// errors found while fitting can name the file and line.
type SampledRow struct {
	Priority uint64
	Source   int32 // index into Summary.Sources
	Offset   int64 // the row's offset within its source
	Line     int64
	Fields   []string
}

// ColumnStats are exact statistics of one column over every row.
type ColumnStats struct {
	// Nulls counts empty values.
	Nulls int64
	// Numbers counts values that parse as finite floating-point numbers,
	// until a value that is no number at all sets Text; Min and Max are
	// their extremes.
	Numbers  int64
	Text     bool
	Min, Max float64
	// MinText and MaxText are the byte-wise smallest and largest non-null
	// values.
	MinText, MaxText string
	// Counts holds the frequency of each distinct non-null value, until
	// there are more than MaxExactCategories of them; then it is dropped
	// and Overflow is set.
	Counts   map[string]int64
	Overflow bool

	counter *valueCounter // AddRows' scratch
	dict    *dictCounter
}

// NewSummary returns an empty summary for the given columns.
func NewSummary(columns []string, k int, seed uint64) *Summary {
	s := &Summary{Columns: columns, K: k, Seed: seed, Stats: make([]ColumnStats, len(columns))}
	for i := range s.Stats {
		s.Stats[i].Counts = map[string]int64{}
	}
	return s
}

// Priority is the reservoir priority of the row at offset within the file
// named name: a 64-bit hash of (seed, name, offset). name is the file's
// path relative to the input's common root, so that the same dataset fits
// to the same model wherever it is stored (a local copy, gs://) while
// files of the same base name in different folders (dt=.../part-0.csv)
// get unrelated priorities. Rows are ranked on (priority, name, offset), a
// total order, so the sample does not depend on the order rows arrive in.
func Priority(seed uint64, name string, offset int64) uint64 {
	return priority(seed, sourceHash(name), offset)
}

func priority(seed, source uint64, offset int64) uint64 {
	return rng.Hash(rng.Hash(seed^source) ^ uint64(offset))
}

// sourceHash is FNV-1a over a source's name.
func sourceHash(source string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(source); i++ {
		h ^= uint64(source[i])
		h *= 1099511628211
	}
	return h
}

// Add records one row of the file source, keyed by its base name (AddRows
// takes the name to key on). offset identifies the row within source (a
// byte offset or a row index) and drives its sampling priority; line is
// the row's line number for error messages (0 when unknown). The caller
// must not modify fields afterwards.
func (s *Summary) Add(source string, offset, line int64, fields []string) error {
	if len(fields) != len(s.Columns) {
		return fmt.Errorf("has %d fields, want %d", len(fields), len(s.Columns))
	}
	s.Rows++
	for i, v := range fields {
		s.Stats[i].add(v)
	}
	name := source
	if i := strings.LastIndexByte(source, '/'); i >= 0 {
		name = source[i+1:]
	}
	r := SampledRow{Priority: s.priorityOf(name, offset), Offset: offset, Line: line, Fields: fields}
	if s.evicts(r, name) {
		return nil
	}
	r.Source = s.sourceIndex(source, name)
	s.offer(r)
	return nil
}

// priorityOf is Priority with the last name's hash cached.
func (s *Summary) priorityOf(name string, offset int64) uint64 {
	if name != s.lastSource || s.lastHash == 0 {
		s.lastSource, s.lastHash = name, sourceHash(name)
	}
	return priority(s.Seed, s.lastHash, offset)
}

// sourceIndex returns the index of a source in s.Sources, adding it when
// new.
func (s *Summary) sourceIndex(source, name string) int32 {
	for i := len(s.Sources) - 1; i >= 0; i-- {
		if s.Sources[i] == source && s.name(int32(i)) == name {
			return int32(i)
		}
	}
	for len(s.Names) < len(s.Sources) {
		s.Names = append(s.Names, s.Sources[len(s.Names)])
	}
	s.Sources = append(s.Sources, source)
	s.Names = append(s.Names, name)
	return int32(len(s.Sources) - 1)
}

// name is the priority key of source i.
func (s *Summary) name(i int32) string {
	if int(i) < len(s.Names) {
		return s.Names[i]
	}
	if int(i) < len(s.Sources) {
		return s.Sources[i]
	}
	return ""
}

// rank orders rows on (priority, name, offset): a total order.
func rank(a SampledRow, aName string, b SampledRow, bName string) int {
	if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
		return c
	}
	if c := strings.Compare(aName, bName); c != 0 {
		return c
	}
	return cmp.Compare(a.Offset, b.Offset)
}

// evicts reports whether the reservoir would drop r (of the file keyed
// name) at once: it ranks after the last row kept by the latest Trim.
func (s *Summary) evicts(r SampledRow, name string) bool {
	if s.K <= 0 {
		return true
	}
	if s.cut == nil {
		return false
	}
	if r.Priority != s.cut.Priority {
		return r.Priority > s.cut.Priority
	}
	return rank(r, name, *s.cut, s.name(s.cut.Source)) > 0
}

// Origin names the file a sampled row came from.
func (s *Summary) Origin(r SampledRow) string {
	if int(r.Source) < len(s.Sources) {
		return s.Sources[r.Source]
	}
	return "?"
}

func (c *ColumnStats) add(v string) {
	if v == "" {
		c.Nulls++
		return
	}
	if c.Text {
		// A column with text is not numeric: stop parsing.
	} else if f, err := strconv.ParseFloat(v, 64); err != nil {
		c.Text = true
	} else {
		c.addNumber(f)
	}
	if c.MinText == "" || v < c.MinText {
		c.MinText = v
	}
	if v > c.MaxText {
		c.MaxText = v
	}
	if !c.Overflow {
		c.Counts[v]++
		if len(c.Counts) > MaxExactCategories {
			c.Overflow, c.Counts = true, nil
		}
	}
}

// offer adds r (its Source set) to the reservoir; the caller has checked
// evicts. The reservoir holds up to 2K candidates between trims, so that
// a row costs an append, not a heap update.
func (s *Summary) offer(r SampledRow) {
	s.Sample = append(s.Sample, r)
	if len(s.Sample) >= 2*s.K {
		s.Trim()
	}
}

// Trim keeps the K first-ranked rows of the reservoir (in no order) and
// remembers the last of them: rows ranked after it are refused at once.
// Add, AddRows and Merge call it as needed; call it before reading Sample.
func (s *Summary) Trim() {
	if len(s.Sample) > s.K {
		// The K-th smallest priority, by selection on a copy.
		ps := make([]uint64, len(s.Sample))
		for i, r := range s.Sample {
			ps[i] = r.Priority
		}
		kth := selectKth(ps, s.K-1)
		kept := s.Sample[:0]
		var ties []SampledRow
		for _, r := range s.Sample {
			switch {
			case r.Priority < kth:
				kept = append(kept, r)
			case r.Priority == kth:
				ties = append(ties, r)
			}
		}
		slices.SortFunc(ties, func(a, b SampledRow) int { return rank(a, s.name(a.Source), b, s.name(b.Source)) })
		kept = append(kept, ties[:s.K-len(kept)]...)
		clear(s.Sample[len(kept):])
		s.Sample = kept
		s.compact()
	}
	if len(s.Sample) == s.K && s.K > 0 {
		last := 0
		for i := range s.Sample {
			if s.above(i, last) {
				last = i
			}
		}
		s.cut = &s.Sample[last]
	}
}

// above reports whether row i of the reservoir ranks after row j.
func (s *Summary) above(i, j int) bool {
	a, b := &s.Sample[i], &s.Sample[j]
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	return rank(*a, s.name(a.Source), *b, s.name(b.Source)) > 0
}

// Ranked returns the sample's rows in rank order (a new slice).
func (s *Summary) Ranked() []SampledRow {
	s.Trim()
	rows := slices.Clone(s.Sample)
	slices.SortFunc(rows, func(a, b SampledRow) int { return rank(a, s.name(a.Source), b, s.name(b.Source)) })
	return rows
}

// selectKth returns the k-th smallest (from 0) of ps, reordering ps
// (Hoare's selection with a middle pivot).
func selectKth(ps []uint64, k int) uint64 {
	lo, hi := 0, len(ps)-1
	for lo < hi {
		p := ps[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for ps[i] < p {
				i++
			}
			for ps[j] > p {
				j--
			}
			if i <= j {
				ps[i], ps[j] = ps[j], ps[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return ps[k]
		}
	}
	return ps[k]
}

// Merge folds o into s. Both must describe the same columns.
func (s *Summary) Merge(o *Summary) error {
	if len(o.Columns) != len(s.Columns) {
		return fmt.Errorf("merge summaries: %d columns vs %d", len(o.Columns), len(s.Columns))
	}
	s.Rows += o.Rows
	for i := range s.Stats {
		s.Stats[i].merge(&o.Stats[i])
	}
	for _, r := range o.Sample {
		name := o.name(r.Source)
		if s.evicts(r, name) {
			continue
		}
		r.Source = s.sourceIndex(o.Origin(r), name)
		s.offer(r)
	}
	s.Trim()
	return nil
}

func (c *ColumnStats) merge(o *ColumnStats) {
	c.Nulls += o.Nulls
	c.Text = c.Text || o.Text
	if o.Numbers > 0 {
		if c.Numbers == 0 || o.Min < c.Min {
			c.Min = o.Min
		}
		if c.Numbers == 0 || o.Max > c.Max {
			c.Max = o.Max
		}
		c.Numbers += o.Numbers
	}
	if o.MinText != "" && (c.MinText == "" || o.MinText < c.MinText) {
		c.MinText = o.MinText
	}
	if o.MaxText > c.MaxText {
		c.MaxText = o.MaxText
	}
	if c.Overflow || o.Overflow {
		c.Overflow, c.Counts = true, nil
		return
	}
	if c.Counts == nil {
		c.Counts = map[string]int64{}
	}
	for v, n := range o.Counts {
		c.Counts[v] += n
	}
	if len(c.Counts) > MaxExactCategories {
		c.Overflow, c.Counts = true, nil
	}
}

// addNumber counts a parsed value of the column into its numeric bounds;
// infinities and NaN count as neither number nor text.
func (c *ColumnStats) addNumber(f float64) { c.addNumbers(f, 1) }

// addNumbers is addNumber for m values f.
func (c *ColumnStats) addNumbers(f float64, m int64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return
	}
	if c.Numbers == 0 || f < c.Min {
		c.Min = f
	}
	if c.Numbers == 0 || f > c.Max {
		c.Max = f
	}
	c.Numbers += m
}
