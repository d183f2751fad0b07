package table

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/privacy"
)

// Shares of a numeric column's ε in a private fit, and its post-processing.
const (
	// privateAtomShare is spent searching the column's values for atoms,
	// when the search can find one: when the threshold is below
	// privateAtomReach of the released row count.
	privateAtomShare = 0.2
	privateAtomReach = 0.5
	// privateRangeShare of what is left may go to finding the range
	// (privacy.Range); the rest, and what Range does not spend, goes to
	// the histogram.
	privateRangeShare = 0.7
	// privateAtomNoise is how many noise scales an atom's count must
	// reach, besides AtomMinFrequency of the values.
	privateAtomNoise = 3
	// privateBoundBins is how many histogram bins the column's bounds may
	// lie beyond the histogram's outer edges.
	privateBoundBins = 2
	// privateMinTime and privateMaxTime bound a datetime column's range:
	// the years 1 to 9999 that a date layout writes (public).
	privateMinTime = -62135596800
	privateMaxTime = 253402300799
)

// numeric fits a numeric column privately, in up to three mechanisms:
//
//   - atoms, only when the threshold is within reach: the counts of the
//     column's values but zero, thresholded (privacy.Histogram); the
//     values that pass with at least AtomMinFrequency of the rows are
//     candidate atoms;
//   - the range of the values but zero and the candidates (privacy.Range),
//     whose first step also counts the cells: the nulls, the zeros (zero
//     is a public value) and each candidate (every row counts in one cell
//     or in the range's grid: one histogram of sensitivity 1);
//   - one histogram in which every row counts once: the cells again, and
//     the other values in bins over the range (privacy.Bins).
//
// Post-processing: each cell's two releases are averaged by their
// precision (ε²); zero and the candidates are atoms where their counts
// make up AtomMinFrequency of the values and privateAtomNoise noise scales,
// otherwise they join their bins; the mixture is fitted to values spread
// evenly over the bins; the bounds are the mixture's quantiles at 1/(2n)
// and 1 − 1/(2n) for the n values in the bins (about where the least and
// the greatest of n draws fall), within privateBoundBins bins beyond the
// histogram's outer edges.
func (f *privateFit) numeric(col *Column, values []string, at []int, epsilon, delta float64) error {
	x, err := parseNumbers(col, values, at, f.s, f.rows)
	if err != nil {
		return err
	}
	var cands []float64
	if epsA := epsilon * privateAtomShare; privacy.Threshold(epsA, delta) < privateAtomReach*f.n {
		if cands, err = f.atomCandidates(col, x, epsA, delta); err != nil {
			return err
		}
		epsilon -= epsA
	}
	cells, rest := numberCells(x, len(f.rows)-len(x), cands)
	ro := privacy.RangeOptions{Rows: f.n}
	switch col.Kind {
	case Integer:
		ro.MinWidth = 1
	case Datetime:
		ro.Lo, ro.Hi = privateMinTime, privateMaxTime
	}
	r := f.noise.Range(rest, cells, epsilon*privateRangeShare, ro)
	if err := f.acct.Spend(fmt.Sprintf("column %q: range of values, with counts of nulls, zeros and %d candidate atoms (Laplace, steps of sensitivity 1)", col.Name, len(cands)), r.Spent, 0); err != nil {
		return err
	}
	epsB := epsilon - r.Spent
	e1, e2 := r.CellEpsilon*r.CellEpsilon, epsB*epsB
	restRows := f.n
	for i := range cells {
		cells[i] = (e1*r.Cells[i] + e2*f.noise.Count(cells[i], epsB)) / (e1 + e2)
		if i == 0 {
			cells[i] = f.nullFraction(cells[i], math.Sqrt(e1+e2)) * f.n
		} else {
			cells[i] = max(cells[i], 0)
		}
		restRows -= cells[i]
	}
	h := f.noise.Bins(rest, r, epsB, max(restRows, 0), col.Kind == Integer)
	if err := f.acct.Spend(fmt.Sprintf("column %q: histogram of nulls, zeros, %d candidate atoms and values in %d bins (Laplace, sensitivity 1: each row in one cell)", col.Name, len(cands), len(h.Counts)), epsB, 0); err != nil {
		return err
	}
	nulls, cells := cells[0], cells[1:]
	present := h.Total() + sumOf(cells)
	var atoms []Atom
	for i, c := range cells {
		v := 0.0
		if i > 0 {
			v = cands[i-1]
		}
		if c >= AtomMinFrequency*present && c >= privateAtomNoise/epsB {
			atoms = append(atoms, Atom{Value: v, Frequency: c})
		} else {
			h.Add(v, c)
		}
	}
	atoms = topAtoms(atoms)
	atomMass := 0.0
	for _, a := range atoms {
		atomMass += a.Frequency
	}
	mass := h.Total()
	if atomMass+mass <= 0 {
		col.NullFraction, col.Kind, col.Format = 1, Categorical, Format{}
		return nil
	}
	col.NullFraction = nulls / (nulls + atomMass + mass)
	for i := range atoms {
		atoms[i].Frequency /= atomMass + mass
	}
	points := h.Points(privatePoints)
	if len(points) == 0 {
		for _, a := range atoms {
			points = append(points, a.Value) // atoms only: never drawn from
		}
	}
	mix, err := vgm.Fit(points, f.opt.VGM)
	if err != nil {
		return fmt.Errorf("column %q: %w", col.Name, err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	if len(h.Counts) > 0 && mass > 0 {
		lo, hi = privateBounds(mix, h, mass)
	}
	for _, a := range atoms {
		lo, hi = min(lo, a.Value), max(hi, a.Value)
	}
	col.VGM, col.Atoms, col.Tails, col.Min, col.Max = mix, atoms, nil, &lo, &hi
	return nil
}

// numberCells splits a column into its cells, the counts of nulls (the
// rows without a value), of zeros and of each candidate atom, and the
// rest of its values: every row counts once, in a cell or in rest.
func numberCells(x []float64, nulls int, cands []float64) (cells, rest []float64) {
	cellOf := map[float64]int{0: 1}
	for i, v := range cands {
		cellOf[v] = i + 2
	}
	cells = make([]float64, len(cands)+2)
	cells[0] = float64(nulls)
	rest = make([]float64, 0, len(x))
	for _, v := range x {
		if i, ok := cellOf[v]; ok {
			cells[i]++
		} else {
			rest = append(rest, v)
		}
	}
	return cells, rest
}

// sumOf is the sum of counts.
func sumOf(counts []float64) float64 {
	s := 0.0
	for _, c := range counts {
		s += c
	}
	return s
}

// atomCandidates releases the counts of the column's values but zero
// (privacy.Histogram: a value is released only when its noisy count
// passes the threshold) and returns those with at least AtomMinFrequency
// of the released row count, at most MaxAtoms, by noisy count.
func (f *privateFit) atomCandidates(col *Column, x []float64, epsilon, delta float64) ([]float64, error) {
	key := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	counts := map[string]int64{}
	for _, v := range x {
		if v != 0 {
			counts[key(v)]++
		}
	}
	noisy := f.noise.Histogram(counts, nil, epsilon, delta)
	if err := f.acct.Spend(fmt.Sprintf("column %q: value counts for atoms (Laplace with threshold %.1f, sensitivity 1)", col.Name, privacy.Threshold(epsilon, delta)), epsilon, delta); err != nil {
		return nil, err
	}
	var atoms []Atom
	for k, c := range noisy {
		if c >= AtomMinFrequency*f.n {
			v, _ := strconv.ParseFloat(k, 64)
			atoms = append(atoms, Atom{Value: v, Frequency: c})
		}
	}
	var out []float64
	for _, a := range topAtoms(atoms) {
		out = append(out, a.Value)
	}
	slices.Sort(out)
	return out, nil
}

// privateBounds returns a column's bounds from its private histogram h of
// n values and the mixture fitted to it: the mixture's quantiles at
// 1/(2n) and 1 − 1/(2n), no further than privateBoundBins bins beyond the
// histogram's outer edges and no nearer than those edges.
func privateBounds(mix *vgm.Mixture, h privacy.NumberHistogram, n float64) (lo, hi float64) {
	a, b := h.Edges[0], h.Edges[len(h.Edges)-1]
	wa := privateBoundBins * (h.Edges[1] - a)
	wb := privateBoundBins * (b - h.Edges[len(h.Edges)-2])
	p := 0.5 / max(n, 1)
	return min(max(mix.Quantile(p), a-wa), a), max(min(mix.Quantile(1-p), b+wb), b)
}
