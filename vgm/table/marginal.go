package table

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// Atom is a value that a numeric column takes so often (a zero-inflated
// amount, a default) that it is modelled as a point mass beside the mixture.
type Atom struct {
	Value     float64 `json:"value"`
	Frequency float64 `json:"frequency"` // among non-null values
}

// Tails keeps a numeric column's extremes, which a mixture fitted to the
// bulk of the data smooths away: the quantiles of the sampled values that
// are not atoms (the values the mixture is fitted to) at evenly spaced
// probabilities in [0, P] (Low) and [1−P, 1] (High), from their minimum to
// their maximum. Generated values in the tails interpolate between them,
// so the mixture never spills past the bulk's range into the gap before a
// sentinel such as -1 or 9999-12-31.
type Tails struct {
	P    float64   `json:"p"`
	Low  []float64 `json:"low"`
	High []float64 `json:"high"`
}

// tailKnots is the number of quantiles kept per tail.
const tailKnots = 16

// fitTails returns the tails of x, or nil when the sample is too small
// for them to mean anything.
func fitTails(x []float64) *Tails {
	n := len(x)
	if n < 100 {
		return nil
	}
	sorted := slices.Clone(x)
	slices.Sort(sorted)
	p := min(max(20/float64(n), 1e-4), 0.02)
	t := &Tails{P: p}
	for i := 0; i < tailKnots; i++ {
		f := float64(i) / (tailKnots - 1)
		t.Low = append(t.Low, sampleQuantile(sorted, f*p))
		t.High = append(t.High, sampleQuantile(sorted, 1-p+f*p))
	}
	return t
}

// sampleQuantile interpolates between order statistics.
func sampleQuantile(sorted []float64, u float64) float64 {
	h := u * float64(len(sorted)-1)
	i := int(h)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// at interpolates a tail table at fraction f in [0, 1].
func tailAt(knots []float64, f float64) float64 {
	h := clamp(f, 0, 1) * float64(len(knots)-1)
	i := min(int(h), len(knots)-2)
	return knots[i] + (h-float64(i))*(knots[i+1]-knots[i])
}

// Atoms are values with at least AtomMinFrequency of a column's non-null
// values, at most MaxAtoms of them.
const (
	AtomMinFrequency = 0.05
	MaxAtoms         = 8
)

// findAtoms returns the frequent values of x, sorted by value, and the
// values left for the mixture.
func findAtoms(x []float64) ([]Atom, []float64) {
	counts := map[float64]int{}
	for _, v := range x {
		counts[v]++
	}
	var atoms []Atom
	n := float64(len(x))
	for v, c := range counts {
		if f := float64(c) / n; f >= AtomMinFrequency {
			atoms = append(atoms, Atom{Value: v, Frequency: f})
		}
	}
	atoms = topAtoms(atoms)
	isAtom := map[float64]bool{}
	for _, a := range atoms {
		isAtom[a.Value] = true
	}
	rest := make([]float64, 0, len(x))
	for _, v := range x {
		if !isAtom[v] {
			rest = append(rest, v)
		}
	}
	return atoms, rest
}

// topAtoms keeps the MaxAtoms most frequent atoms (ties by value) and
// sorts them by value.
func topAtoms(atoms []Atom) []Atom {
	slices.SortFunc(atoms, func(a, b Atom) int {
		if c := cmp.Compare(b.Frequency, a.Frequency); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	atoms = atoms[:min(len(atoms), MaxAtoms)]
	slices.SortFunc(atoms, func(a, b Atom) int { return cmp.Compare(a.Value, b.Value) })
	return atoms
}

// marginal is a numeric column's distribution: atoms and a mixture, with a
// fast quantile function. In probability space the atoms sit where their
// values fall in the mixture's CDF:
//
//	F(x) = Σ_{atoms a ≤ x} w_a + (1 − W)·F_mix(x),  W = Σ w_a.
type marginal struct {
	tails *Tails
	mix   *vgm.Mixture
	grid  []float64 // the mixture's quantiles at i/gridSize, i = 0..gridSize
	atoms []Atom
	w     float64   // W
	lo    []float64 // lo[i] = F(a_i⁻): where atom i starts in probability
	cum   []float64 // cum[i] = Σ_{j≤i} w_j
	// xLo and xHi are the smallest and largest value that is not an atom,
	// where a column has atoms and tails: the mixture's draws are kept
	// within them, out of the gap before a sentinel. ±Inf otherwise.
	xLo, xHi float64
}

func newMarginal(mix *vgm.Mixture, atoms []Atom, tails *Tails) *marginal {
	m := &marginal{mix: mix, atoms: atoms, tails: tails, xLo: math.Inf(-1), xHi: math.Inf(1)}
	if len(atoms) > 0 && tails != nil {
		m.xLo, m.xHi = tails.Low[0], tails.High[len(tails.High)-1]
	}
	qt := mix.NewQuantileTable(1024)
	m.grid = make([]float64, gridSize+1)
	for i := range m.grid {
		m.grid[i] = qt.Quantile(float64(i) / gridSize)
	}
	acc := 0.0
	for _, a := range atoms {
		m.w += a.Frequency
	}
	for _, a := range atoms {
		m.lo = append(m.lo, acc+(1-m.w)*mix.CDF(a.Value))
		acc += a.Frequency
		m.cum = append(m.cum, acc)
	}
	return m
}

// marginals builds the marginal of every column in the copula (nil for the
// others), on all cores: building a marginal's quantile table dominates
// the setup of a wide model. Each marginal depends on its column only, so
// the result is the same for any number of cores.
func marginals(m *Model) []*marginal {
	out := make([]*marginal, len(m.Columns))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(m.Columns)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				c := &m.Columns[j]
				out[j] = newMarginal(c.VGM, c.Atoms, c.Tails)
			}
		}()
	}
	for j := range m.Columns {
		if m.Columns[j].inCopula() {
			next <- j
		}
	}
	close(next)
	wg.Wait()
	return out
}

// quantile maps u in [0, 1) to a value: in the tails by the kept
// quantiles, elsewhere by the atoms and the mixture.
func (m *marginal) quantile(u float64) float64 {
	if len(m.atoms) == 0 {
		return m.rest(u)
	}
	return m.body(u)
}

// rest maps p in [0, 1) to a value of the distribution without its atoms:
// in the tails by the kept quantiles, elsewhere by the mixture's.
func (m *marginal) rest(p float64) float64 {
	if t := m.tails; t != nil {
		if p < t.P {
			return tailAt(t.Low, p/t.P)
		}
		if p > 1-t.P {
			return tailAt(t.High, (p-(1-t.P))/t.P)
		}
	}
	return clamp(m.mixQuantile(p), m.xLo, m.xHi)
}

// clamp limits x to [lo, hi] with plain comparisons, which cost several
// times less than the min and max built-ins on floats.
func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// gridSize is the number of intervals of a marginal's uniform quantile
// grid: linear interpolation on it costs a few nanoseconds.
const gridSize = 4096

// mixQuantile interpolates the mixture's quantile function at p.
func (m *marginal) mixQuantile(p float64) float64 {
	h := clamp(p, 0, 1) * gridSize
	i := min(int(h), gridSize-1)
	return m.grid[i] + (h-float64(i))*(m.grid[i+1]-m.grid[i])
}

func (m *marginal) body(u float64) float64 {
	if len(m.atoms) == 0 {
		return m.mixQuantile(u)
	}
	prev := 0.0
	for i, a := range m.atoms {
		if u < m.lo[i] {
			return m.rest((u - prev) / (1 - m.w))
		}
		if u < m.lo[i]+a.Frequency {
			return a.Value
		}
		prev = m.cum[i]
	}
	if m.w >= 1 {
		return m.atoms[len(m.atoms)-1].Value
	}
	return m.rest((u - prev) / (1 - m.w))
}

// restProb maps u = F(x) to the probability of x in the distribution
// without the atoms (the mixture's, which rest reads); u within an atom's
// share maps to where the atom stands.
func (m *marginal) restProb(u float64) float64 {
	if m.w >= 1 {
		return 0
	}
	below := 0.0
	for i, a := range m.atoms {
		if u < m.lo[i] {
			break
		}
		if u < m.lo[i]+a.Frequency {
			u = m.lo[i]
			break
		}
		below = m.cum[i]
	}
	return clamp((u-below)/(1-m.w), 0, 1)
}

// probability maps a value to u = F(x); an atom maps to a point of its
// interval chosen by v, uniform in [0, 1), so that normal scores of tied
// values spread over the atom's share.
func (m *marginal) probability(x, v float64) float64 {
	below := 0.0
	for i, a := range m.atoms {
		if x == a.Value {
			return m.lo[i] + v*a.Frequency
		}
		if a.Value < x {
			below = m.cum[i]
		}
	}
	return below + (1-m.w)*m.mix.CDF(x)
}

// probabilities parses column j of the sampled rows, which c describes,
// and returns each row's value x and its probability u = F(x) under the
// marginal, drawing one uniform from r per value to place it within an
// atom. Both are NaN for a null, for which null(i), if not nil, is called
// instead, in row order, so that the draws it makes interleave with those.
func (mg *marginal) probabilities(c *Column, j int, rows []SampledRow, r *rng.Rand, null func(i int)) (x, u []float64, err error) {
	x, u = make([]float64, len(rows)), make([]float64, len(rows))
	for i, row := range rows {
		v := row.Fields[j]
		if v == "" {
			x[i], u[i] = math.NaN(), math.NaN()
			if null != nil {
				null(i)
			}
			continue
		}
		if x[i], err = ParseValue(c.Kind, c.Format, v); err != nil {
			return nil, nil, fmt.Errorf("column %q: value %q: %w", c.Name, v, err)
		}
		u[i] = mg.probability(x[i], r.Float64())
	}
	return x, u, nil
}
