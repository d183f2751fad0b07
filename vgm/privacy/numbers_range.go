package privacy

import (
	"math"
)

// Steps of Range.
const (
	// coarseBins cut asinh(x) over [−coarseLimit, coarseLimit] (|x| up
	// to about 2^90) into bins of 1: near zero a bin is about 1 wide,
	// further out each spans a factor of e.
	coarseBins  = 128
	coarseLimit = 64.0
	// scaleShare is the part of Range's epsilon spent on the scale step.
	scaleShare = 0.5
	// coreShare is the share of the values a core holds. A core must hold
	// it even less coreZ standard deviations of its noise (zoomZ in a zoom
	// step, shortZ for a zoom core of one or two bins, which one bin of
	// noise can fake); a scale step with no such core takes the maximum
	// subarray above fallbackFloor noise scales.
	coreShare     = 0.5
	coreZ         = 2.0
	zoomZ         = 1.5
	shortZ        = 3.0
	fallbackFloor = 1.5
	// A one-bin scale core is widened by coreWiden times its width in the
	// range's scale on each side, a longer one (values over orders of
	// magnitude) by spanWiden.
	coreWiden = 1.5
	spanWiden = 0.5
	// A zoom step follows a one-bin scale core only when neither next bin
	// holds spillFloor noise scales or spillShare of the core.
	spillFloor = 5.0
	spillShare = 0.25
	// zoomBins cut the range into equal bins at each zoom step, at most
	// maxZooms times; a zoom core is widened by zoomWiden times its width
	// (at least a bin) on each side, or by coreWiden when it spans a
	// quarter of the bins or more (the range is resolved).
	zoomBins  = 16
	maxZooms  = 2
	zoomWiden = 1.0
)

// RangeOptions tell Range what is known without the values.
type RangeOptions struct {
	// Rows is a released count of the rows (the cells' and x's).
	Rows float64
	// MinWidth is the narrowest bin worth a zoom step (1 for integers).
	MinWidth float64
	// Lo and Hi, when Lo < Hi, bound the range (a public domain, such as
	// the years a date layout can write).
	Lo, Hi float64
}

// RangeResult is what Range released.
type RangeResult struct {
	Lo, Hi float64
	// Scale sets the grid of the zoom steps and of Bins (see T): the
	// width of the scale step's core bin nearest zero.
	Scale float64
	// Spent is the epsilon spent.
	Spent float64
	// Cells are the noisy counts of the cells, released with
	// CellEpsilon.
	Cells       []float64
	CellEpsilon float64
}

// T maps x to the range's scale: asinh(x/Scale), linear within Scale of
// zero, logarithmic beyond.
func (r RangeResult) T(x float64) float64 { return math.Asinh(x / r.Scale) }

// X maps t back: Scale·sinh(t).
func (r RangeResult) X(t float64) float64 { return r.Scale * math.Sinh(t) }

// Range releases a range that holds most of x, with no bounds known in
// advance, in steps that each count every value once in a grid (Laplace,
// sensitivity 1: values outside a step's grid count in its end bins). In
// each step the core is the shortest run of bins whose noisy counts
// surely hold half of the values (o.Rows less the released cells; see
// coreShare).
//
//  1. Scale: noisy counts of asinh(x) in 128 bins of 1 over [−64, 64], a
//     grid fixed in advance (near zero a bin is about 1 wide, further out
//     each spans a factor of e). The cells, counts of rows that are not
//     in x (each row counts in one cell or in x), are released in this
//     step at no further cost: they are cells of the same histogram. The
//     core sets the scale (RangeResult.T) and is widened in it.
//  2. Zoom, when the scale's core is one bin and the values do not spill
//     into the next bins (values far from zero and close together, such
//     as dates), at most maxZooms times: the same on zoomBins equal bins
//     of the range in its scale. Zooming stops at a step with no sure
//     core, once the core spans a quarter of the bins (the range is
//     resolved), or once a bin would be narrower than o.MinWidth.
//
// It spends at most epsilon; Spent says how much, and the caller spends
// the rest (adaptive composition: how many zoom steps run depends only on
// released counts). The range's ends lie on grids set by released counts:
// they are no values of x.
func (n *Noise) Range(x, cells []float64, epsilon float64, o RangeOptions) RangeResult {
	eps1 := epsilon * scaleShare
	r := RangeResult{Spent: eps1, Cells: make([]float64, len(cells)), CellEpsilon: eps1}
	rows := o.Rows
	for i, c := range cells {
		r.Cells[i] = n.Count(c, eps1)
		rows -= max(r.Cells[i], 0)
	}
	half := max(rows, 1) * coreShare
	counts := n.binCounts(x, -coarseLimit, 1, coarseBins, eps1, math.Asinh)
	first, last, ok := sureCore(counts, half, eps1, coreZ)
	if !ok {
		first, last = mostAbove(counts, fallbackFloor/eps1)
	}
	edge := func(i int) float64 { return math.Sinh(float64(i) - coarseLimit) }
	inner := first // the core's bin nearest zero
	if edge(first) < 0 {
		inner = min(last, int(coarseLimit))
	}
	r.Scale = edge(inner+1) - edge(inner)
	ta, tb := r.T(edge(first)), r.T(edge(last+1))
	pad := spanWiden * (tb - ta)
	if first == last {
		pad = coreWiden * (tb - ta)
	}
	r.Lo, r.Hi = r.X(ta-pad), r.X(tb+pad)
	r.bound(o)
	spill := max(spillFloor/eps1, spillShare*counts[first])
	if first < last || first > 0 && counts[first-1] >= spill || last < len(counts)-1 && counts[last+1] >= spill {
		return r // values over orders of magnitude, or spread: no zoom
	}
	epsZ := (epsilon - eps1) / maxZooms
	for range maxZooms {
		tlo, thi := r.T(r.Lo), r.T(r.Hi)
		width := (thi - tlo) / zoomBins
		if r.X(tlo+width)-r.Lo < o.MinWidth {
			break
		}
		counts := n.binCounts(x, tlo, width, zoomBins, epsZ, r.T)
		r.Spent += epsZ
		first, last, ok := sureCore(counts, half, epsZ, zoomZ)
		if ok && last-first < 2 {
			first, last, ok = sureCore(counts, half, epsZ, shortZ)
		}
		if !ok {
			break // no narrower range surely holds half the values
		}
		l := float64(last - first + 1)
		resolved := l >= zoomBins/4
		pad := max(1, math.Ceil(zoomWiden*l))
		if resolved {
			pad = math.Ceil(coreWiden * l)
		}
		r.Lo = max(r.X(tlo+(float64(first)-pad)*width), r.X(tlo))
		r.Hi = min(r.X(tlo+(float64(last+1)+pad)*width), r.X(thi))
		r.bound(o)
		if resolved {
			break
		}
	}
	return r
}

// bound keeps the range within o's public bounds.
func (r *RangeResult) bound(o RangeOptions) {
	if !(o.Lo < o.Hi) {
		return
	}
	r.Lo, r.Hi = min(max(r.Lo, o.Lo), o.Hi), min(max(r.Hi, o.Lo), o.Hi)
	if !(r.Lo < r.Hi) {
		r.Lo, r.Hi = o.Lo, o.Hi
	}
}

// sureCore returns the shortest run of counts (noise scale 1/epsilon)
// whose sum less z standard deviations of its noise (z·√(2·len)/epsilon)
// reaches target, the largest such sum among the shortest, and whether
// there is one.
func sureCore(counts []float64, target, epsilon, z float64) (first, last int, ok bool) {
	best := 0.0
	for l := 1; l <= len(counts) && !ok; l++ {
		margin := z * math.Sqrt(2*float64(l)) / epsilon
		s := sumOf(counts[:l-1])
		for i := 0; i+l <= len(counts); i++ {
			s += counts[i+l-1]
			if i > 0 {
				s -= counts[i-1]
			}
			if s-margin >= target && (!ok || s > best) {
				ok, best, first, last = true, s, i, i+l-1
			}
		}
	}
	return first, last, ok
}
