package table

import (
	"container/heap"
	"fmt"
	"math"
	"strconv"
	"strings"
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
	// Sample holds at most K rows, as a max-heap on Priority.
	Sample []SampledRow
	// Sources names the files sampled rows come from.
	Sources []string
	// Stats has one entry per column.
	Stats []ColumnStats

	lastSource string // cache of the last source's hash
	lastHash   uint64
}

// SampledRow is one row of the reservoir, with where it came from so that
// errors found while fitting can name the file and line.
type SampledRow struct {
	Priority uint64
	Source   int32 // index into Summary.Sources
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
}

// NewSummary returns an empty summary for the given columns.
func NewSummary(columns []string, k int, seed uint64) *Summary {
	s := &Summary{Columns: columns, K: k, Seed: seed, Stats: make([]ColumnStats, len(columns))}
	for i := range s.Stats {
		s.Stats[i].Counts = map[string]int64{}
	}
	return s
}

// Priority is the reservoir priority of the row at offset within source:
// a 64-bit hash of (seed, the source's base name, offset). The base name,
// not the whole path, so that the same file fits to the same model wherever
// it is stored (a local copy, gs://).
func Priority(seed uint64, source string, offset int64) uint64 {
	return priority(seed, sourceHash(source), offset)
}

func priority(seed, source uint64, offset int64) uint64 {
	return mix64(mix64(seed^source) ^ uint64(offset))
}

// sourceHash is FNV-1a over a source's base name.
func sourceHash(source string) uint64 {
	if i := strings.LastIndexByte(source, '/'); i >= 0 {
		source = source[i+1:]
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(source); i++ {
		h ^= uint64(source[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is the splitmix64 finaliser: a bijective, well-mixing hash.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Add records one row. offset identifies the row within source (a byte
// offset or a row index) and drives its sampling priority; line is the
// row's line number for error messages (0 when unknown). The caller must
// not modify fields afterwards.
func (s *Summary) Add(source string, offset, line int64, fields []string) error {
	if len(fields) != len(s.Columns) {
		return fmt.Errorf("has %d fields, want %d", len(fields), len(s.Columns))
	}
	s.Rows++
	for i, v := range fields {
		s.Stats[i].add(v)
	}
	if source != s.lastSource || s.lastHash == 0 {
		s.lastSource, s.lastHash = source, sourceHash(source)
	}
	p := priority(s.Seed, s.lastHash, offset)
	if len(s.Sample) == s.K && (s.K == 0 || p >= s.Sample[0].Priority) {
		return nil // would be evicted at once
	}
	s.offer(SampledRow{Priority: p, Source: s.sourceIndex(source), Line: line, Fields: fields})
	return nil
}

// sourceIndex returns the index of a source name in s.Sources, adding it
// when new.
func (s *Summary) sourceIndex(name string) int32 {
	for i := len(s.Sources) - 1; i >= 0; i-- {
		if s.Sources[i] == name {
			return int32(i)
		}
	}
	s.Sources = append(s.Sources, name)
	return int32(len(s.Sources) - 1)
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
	} else if !math.IsInf(f, 0) && !math.IsNaN(f) {
		if c.Numbers == 0 || f < c.Min {
			c.Min = f
		}
		if c.Numbers == 0 || f > c.Max {
			c.Max = f
		}
		c.Numbers++
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

// offer keeps r if it is among the K smallest priorities seen.
func (s *Summary) offer(r SampledRow) {
	if s.K <= 0 {
		return
	}
	h := (*rowHeap)(&s.Sample)
	if len(s.Sample) < s.K {
		heap.Push(h, r)
		return
	}
	if r.Priority < s.Sample[0].Priority {
		s.Sample[0] = r
		heap.Fix(h, 0)
	}
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
		r.Source = s.sourceIndex(o.Origin(r))
		s.offer(r)
	}
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

// rowHeap is a max-heap on priority: the root is the row to evict first.
type rowHeap []SampledRow

func (h rowHeap) Len() int           { return len(h) }
func (h rowHeap) Less(i, j int) bool { return h[i].Priority > h[j].Priority }
func (h rowHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)        { *h = append(*h, x.(SampledRow)) }
func (h *rowHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}
