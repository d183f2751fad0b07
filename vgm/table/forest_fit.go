package table

import (
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// Settings of the forest fit.
const (
	forestTrees = 10
	// forestSynthetic is the number of rows drawn from the independent
	// marginals per sampled row, for each tree. A node stops splitting
	// when no drawn row is left in it; with as many drawn rows as sampled
	// ones, that came while leaves still mixed months of different
	// temperatures. On 80% of seattle-weather (GBM detection AUC, worst
	// month → temperature eta² gap): 0.56 and 0.10 with 1, 0.53 and 0.07
	// with 4, 0.51 and 0.05 with 8 (the weekday left out).
	forestSynthetic = 8
	// forestRounds is the number of adversarial rounds after the first
	// forest (trained against independent marginals). Each round lowered
	// seattle-weather's month → temp_max eta² (0.74 with none, 0.51 after
	// one, 0.58 after two), so there are none.
	forestRounds = 0
	// forestRows bounds the sampled rows the forest is trained on.
	forestRows = 50000
	// forestTrainBytes bounds the training rows of the trees grown at
	// once (before the rows that redraw adds).
	forestTrainBytes = 512 << 20
	// uCodes is the number of equal-probability slices a numeric
	// feature's split points fall between; code uCodes is null. With
	// 256, on 80% of zipcodes, GBM detection AUC went from 0.731 to 0.720
	// (a slice of a zip code column spans a dozen three-digit prefixes),
	// but seattle-weather's rainy days drawn with --where weather=rain got
	// a precipitation KS complement of 0.883 against the real rainy days
	// (0.926 with 64).
	uCodes = 64
)

// minLeafFor is the fewest sampled rows in a leaf, for n rows: a floor
// that keeps every component a summary of several rows, growing with n
// so that a forest holds at most about forestTrees·1000 leaves.
//
// The floor is 6 rows from 1,000 sampled rows up and 10 below. Leaves
// that small hold seasons apart: on 80% of seattle-weather (1,168 rows,
// 20,000 rows generated, seeds 1 to 3), the month → temperature eta² gap
// was 0.058 to 0.066 with 10, 0.052 to 0.064 with 8 and 0.045 to 0.047
// with 6 (GBM detection AUC 0.54–0.60, 0.54–0.57 and 0.50–0.55; DCR
// ratio 1.11–1.14, 1.08–1.11 and 1.05–1.09). On smaller tables leaves of
// 6 sit too close to their rows: stocks (448 rows) DCR ratio 0.90 and
// penguins (273) 0.94 with 6; with 5 and no spread floor, stocks had
// 0.82 (see docs/model.md).
//
// Smaller leaves fool a classifier better on large tables, at a cost in
// generation speed: on 80% of zipcodes, n/1000 (33 rows) gives GBM
// detection AUC 0.720, score 0.710, DCR ratio 1.15; n/1500 0.662, 0.695,
// 1.06; n/2000 0.620, 0.720, 1.03; but on flights-3m's 50,000 rows, 50M
// rows are generated at 0.79 of the network's rows/s with n/1000 (7,585
// leaves), 0.69 with n/1500 (11,543) and 0.64 with n/2000 (15,274),
// medians of 3 alternating runs.
func minLeafFor(n int) int {
	if n < 1000 {
		return 10
	}
	return max(6, n/1000)
}

// spreadFloor is the smallest standard deviation of a component's normal
// score, for leaves of at least minLeaf of n sampled rows: that of the
// scores of minLeaf rows in a row at the median (uniform over minLeaf/n
// of u, and z = Φ⁻¹(u) climbs √(2π) times as fast there), so that no
// component is narrower than its fewest rows could be, and none sits on
// one row. It was a constant 0.05, the spread of about 60 such rows of
// 33,639: a leaf of zip codes in one three-digit prefix then drew codes
// from some twenty prefixes, whose states and coordinates did not match
// the leaf's.
func spreadFloor(minLeaf, n int) float64 {
	return math.Sqrt(2*math.Pi/12) * float64(minLeaf) / float64(max(n, 1))
}

// feature is one split variable of the forest: codes per sampled row.
type feature struct {
	col     int
	part    string // a calendar part; "" for the column itself
	ordinal bool   // codes are ordered (numeric slices, null last)
	card    int
	codes   []uint16
}

// forestData is the sample as the forest sees it.
type forestData struct {
	n      int
	feats  []feature
	z      [][]float64 // per column: normal scores of numeric columns (NaN null)
	x      [][]float64 // per column with atoms: its values (NaN null)
	margs  []*marginal
	states [][]int32 // per column: states of discrete columns
	parts  []int     // per Forest.Calendar part: its feature
	floor  float64   // the smallest spread of a leaf's normal scores
}

// fitForest learns the forest mixture from the sample.
func fitForest(m *Model, rows []SampledRow, seed uint64) error {
	r := rng.New(seed, 1<<61)
	rows = rows[:min(len(rows), forestRows)]
	above := forestAbove(m)
	d, cal, err := forestFeatures(m, rows, above, &r)
	if err != nil {
		return err
	}
	minLeaf := minLeafFor(d.n)
	d.floor = spreadFloor(minLeaf, d.n)
	trees := trainForest(d, minLeaf, &r)
	m.Forest = &Forest{Trees: forestTrees, Rounds: forestRounds, MinLeaf: minLeaf, Calendar: cal, Above: above}
	total := float64(d.n * len(trees))
	for _, t := range trees {
		for _, leaf := range t.leaves(d) {
			c := d.component(m, t, leaf)
			c.Weight = float64(len(leaf.rows)) / total
			c.shorten()
			m.Forest.Components = append(m.Forest.Components, c)
		}
	}
	m.Forest.rakeDiscrete(m)
	return d.chooseCalibrated(m)
}

// shorten rounds a component's numbers to the digits that matter (seven
// significant ones for normal scores, eight for probabilities and the
// weight, which keeps their sums within 1e-7 of 1): the model file of a
// forest with thousands of components is a third as long, and a model file
// is read, shipped to workers and decoded on every generate.
func (c *Component) shorten() {
	c.Weight = roundSig(c.Weight, 8)
	for j := range c.Columns {
		l := &c.Columns[j]
		l.Null = roundSig(l.Null, 8)
		l.Mean, l.SD, l.Lo, l.Hi = roundSig(l.Mean, 7), roundSig(l.SD, 7), roundSig(l.Lo, 7), roundSig(l.Hi, 7)
		if l.Dist != nil {
			l.Dist.shorten()
		}
		if l.Atoms != nil {
			l.Atoms.shorten()
		}
	}
	for k := range c.Calendar {
		c.Calendar[k].shorten()
	}
}

func (d *Dist) shorten() {
	for i, p := range d.Probs {
		d.Probs[i] = roundSig(p, 8)
	}
}

// roundSig rounds x to digits significant decimal digits.
func roundSig(x float64, digits int) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	if err != nil {
		return x
	}
	return v
}

// forestFeatures turns the sample into features, the columns of above
// by their positions above others.
func forestFeatures(m *Model, rows []SampledRow, above []Above, r *rng.Rand) (*forestData, []CalendarPart, error) {
	n := len(rows)
	d := &forestData{n: n, z: make([][]float64, len(m.Columns)), states: make([][]int32, len(m.Columns))}
	var cal []CalendarPart
	margs := marginals(m)
	d.margs, d.x = margs, make([][]float64, len(m.Columns))
	xs := make([][]float64, len(m.Columns)) // every numeric column's values
	for j := range m.Columns {
		c := &m.Columns[j]
		switch {
		case c.inCopula():
			secs, u, err := margs[j].probabilities(c, j, rows, r, nil)
			if err != nil {
				return nil, nil, err
			}
			z := make([]float64, n)
			codes := make([]uint16, n)
			for i, ui := range u {
				z[i], codes[i] = math.NaN(), uCodes
				if !math.IsNaN(ui) {
					z[i], codes[i] = normalScore(ui), uint16(min(uCodes-1, int(ui*uCodes)))
				}
			}
			d.z[j], xs[j] = z, secs
			if len(c.Atoms) > 0 {
				d.x[j] = secs
			}
			d.feats = append(d.feats, feature{col: j, ordinal: true, card: uCodes + 1, codes: codes})
			if c.Kind != Datetime {
				continue
			}
			for _, part := range calendarPartsOf(secs, c.Format.ZoneOffset) {
				states := partStates[part]
				codes := make([]uint16, n)
				for i, x := range secs {
					codes[i] = uint16(states) // null
					if !math.IsNaN(x) {
						codes[i] = uint16(calendarPart(part, int64(math.Floor(x))+int64(c.Format.ZoneOffset)))
					}
				}
				d.parts = append(d.parts, len(d.feats))
				d.feats = append(d.feats, feature{col: j, part: part, card: states + 1, codes: codes})
				cal = append(cal, CalendarPart{Column: j, Part: part})
			}
		case (c.Kind == Categorical || c.Kind == Boolean) && c.NullFraction < 1:
			st := discreteStates(c, rows, j)
			total, _ := c.States()
			codes := make([]uint16, n)
			for i, s := range st {
				codes[i] = uint16(s)
			}
			d.states[j] = st
			d.feats = append(d.feats, feature{col: j, card: total, codes: codes})
		}
	}
	cal = d.dropIdleParts(cal)
	d.setAbove(above, xs)
	return d, cal, nil
}

// calendarPartsOf chooses the calendar parts worth trying for a datetime
// column's sampled seconds (NaN for null): the month when they span half
// a year, the weekday when they are dense days over two weeks, the hour
// when times of day vary (dropIdleParts then keeps those another column
// depends on).
func calendarPartsOf(secs []float64, offset int) []string {
	lo, hi := math.Inf(1), math.Inf(-1)
	days, hours := map[int64]bool{}, map[int64]bool{}
	for _, x := range secs {
		if math.IsNaN(x) {
			continue
		}
		lo, hi = min(lo, x), max(hi, x)
		day, sec := floorDiv(int64(math.Floor(x))+int64(offset), secondsPerDay)
		days[day] = true
		hours[sec/3600] = true
	}
	if !(hi > lo) {
		return nil
	}
	span := (hi - lo) / secondsPerDay
	var parts []string
	if span >= 180 {
		parts = append(parts, PartMonth)
	}
	if span >= 14 && float64(len(days)) >= 0.2*span {
		parts = append(parts, PartWeekday)
	}
	if len(hours) >= 2 {
		parts = append(parts, PartHour)
	}
	return parts
}

// trainForest trains forestTrees trees, each against its own draw of
// forestSynthetic rows per sampled row from the independent marginals.
// The trees differ by their draws: every tree tries every feature at each
// node, so trees grown against one draw were all but the same tree (a
// forest of seattle-weather had 136 distinct leaves among its 1,130).
//
// Each tree has its own random stream, seeded from r in tree order, so
// the trees are grown on all cores (as many at once as forestTrainBytes
// of training rows allow) and are the same for any number of cores.
func trainForest(d *forestData, minLeaf int, r *rng.Rand) []*tree {
	trees := make([]*tree, forestTrees)
	seeds := make([]uint64, forestTrees)
	for t := range seeds {
		seeds[t] = r.Uint64()
	}
	perTree := (1 + forestSynthetic) * d.n * len(d.feats) * 2
	workers := min(runtime.GOMAXPROCS(0), forestTrees, max(1, forestTrainBytes/max(perTree, 1)))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				tr := rng.New(seeds[t], uint64(t))
				rows := newTrainRows(d, forestSynthetic*d.n)
				for f := range d.feats {
					for i := range forestSynthetic * d.n {
						rows.codes[(d.n+i)*rows.stride+f] = d.feats[f].codes[tr.Intn(d.n)]
					}
				}
				trees[t] = growTree(d, rows, minLeaf, &tr)
			}
		}()
	}
	for t := range trees {
		next <- t
	}
	close(next)
	wg.Wait()
	return trees
}

// component summarises a leaf's sampled rows as a product distribution.
func (d *forestData) component(m *Model, t *tree, leaf leafRows) Component {
	c := Component{Columns: make([]Leaf, len(m.Columns))}
	box := t.box(leaf.node, d)
	for j := range m.Columns {
		l := &c.Columns[j]
		switch {
		case d.x[j] != nil:
			d.atomLeaf(l, &m.Columns[j], j, leaf, box)
		case d.z[j] != nil:
			var sum, sum2, present float64
			for _, i := range leaf.rows {
				if z := d.z[j][i]; !math.IsNaN(z) {
					sum += z
					sum2 += z * z
					present++
				}
			}
			l.Null = 1 - present/float64(len(leaf.rows))
			f := slices.IndexFunc(d.feats, func(f feature) bool { return f.col == j && f.part == "" })
			lo, hi := box[f][0], min(box[f][1], uCodes-1)
			l.setScores(codeScore(int(lo)), codeScore(int(hi)+1), sum, sum2, present, d.floor)
		case d.states[j] != nil:
			total, _ := m.Columns[j].States()
			l.Dist = frequencies(leaf.rows, func(i int32) int { return int(d.states[j][i]) }, total, nil)
		}
	}
	for _, f := range d.parts {
		feat := &d.feats[f]
		states := feat.card - 1
		dist := frequencies(leaf.rows, func(i int32) int { return int(feat.codes[i]) }, states, feat.codes)
		c.Calendar = append(c.Calendar, *dist)
	}
	return c
}

// atomLeaf summarises column j, which has atoms, over a leaf's rows: the
// share of each atom among its values and of the rest (state
// len(c.Atoms)), and the rest's normal score under the distribution
// without the atoms, so that generation draws an atom as itself and the
// other values through the marginal's rest, rather than spreading an
// atom's share of u into its neighbours.
func (d *forestData) atomLeaf(l *Leaf, c *Column, j int, leaf leafRows, box [][2]uint16) {
	mg := d.margs[j]
	counts := make([]float64, len(c.Atoms)+1)
	var sum, sum2, cont, present float64
	for _, i := range leaf.rows {
		x := d.x[j][i]
		if math.IsNaN(x) {
			continue
		}
		present++
		if k := slices.IndexFunc(c.Atoms, func(a Atom) bool { return a.Value == x }); k >= 0 {
			counts[k]++
			continue
		}
		counts[len(c.Atoms)]++
		z := normalScore(mg.mix.CDF(x))
		sum += z
		sum2 += z * z
		cont++
	}
	l.Null = 1 - present/float64(len(leaf.rows))
	if present == 0 { // only nulls: the column's own shares
		rest := 1.0
		for k, a := range c.Atoms {
			counts[k] = a.Frequency
			rest -= a.Frequency
		}
		counts[len(c.Atoms)] = max(rest, 0)
		present = 1
		if rest <= 0 {
			present -= rest
		}
	}
	l.Atoms = &Dist{}
	for k, n := range counts {
		if n > 0 {
			l.Atoms.States = append(l.Atoms.States, k)
			l.Atoms.Probs = append(l.Atoms.Probs, n/present)
		}
	}
	f := slices.IndexFunc(d.feats, func(f feature) bool { return f.col == j && f.part == "" })
	lo, hi := box[f][0], min(box[f][1], uCodes-1)
	l.setScores(restScore(mg, int(lo)), restScore(mg, int(hi)+1), sum, sum2, cont, d.floor)
}

// setScores sets a leaf's normal scores: the box [lo, hi) (any score when
// it is empty: the box held nulls or atoms only), and the mean and spread
// of the n scores whose sum and sum of squares are given, the mean kept in
// the box and the spread at least floor (the box's middle and 1 when n is
// 0).
func (l *Leaf) setScores(lo, hi, sum, sum2, n, floor float64) {
	l.Lo, l.Hi = lo, hi
	if l.Lo >= l.Hi {
		l.Lo, l.Hi = -forestZBound, forestZBound
	}
	l.Mean, l.SD = (l.Lo+l.Hi)/2, 1
	if n > 0 {
		mean := sum / n
		sd := 0.0
		if n > 1 {
			sd = math.Sqrt(max(0, (sum2-n*mean*mean)/(n-1)))
		}
		l.Mean, l.SD = clamp(mean, l.Lo, l.Hi), max(sd, floor)
	}
}

// restScore is codeScore in the distribution without the atoms.
func restScore(mg *marginal, code int) float64 {
	switch {
	case code <= 0:
		return -forestZBound
	case code >= uCodes:
		return forestZBound
	}
	return clamp(normalScore(mg.restProb(float64(code)/uCodes)), -forestZBound, forestZBound)
}

// frequencies is the distribution of state(i) over rows, among states
// below total (a calendar part's null code is skipped). With no such row
// it is the distribution over all rows of all (nil: uniform).
func frequencies(rows []int32, state func(int32) int, total int, all []uint16) *Dist {
	counts := make([]float64, total)
	seen := 0.0
	for _, i := range rows {
		if s := state(i); s < total {
			counts[s]++
			seen++
		}
	}
	if seen == 0 {
		for _, s := range all {
			if int(s) < total {
				counts[s]++
				seen++
			}
		}
	}
	if seen == 0 {
		for s := range counts {
			counts[s] = 1
		}
		seen = float64(total)
	}
	d := &Dist{}
	for s, c := range counts {
		if c > 0 {
			d.States = append(d.States, s)
			d.Probs = append(d.Probs, c/seen)
		}
	}
	return d
}

// codeScore is the normal score at the lower edge of a numeric code.
func codeScore(code int) float64 {
	switch {
	case code <= 0:
		return -forestZBound
	case code >= uCodes:
		return forestZBound
	}
	return clamp(normalScore(float64(code)/uCodes), -forestZBound, forestZBound)
}

// discreteStates is a discrete column's network state per sampled row
// (see Column.States): a category, "other", or null.
func discreteStates(c *Column, rows []SampledRow, j int) []int32 {
	total, values := c.States()
	index := make(map[string]int32, len(c.Categories))
	for i, cat := range c.Categories {
		index[cat.Value] = int32(i)
	}
	st := make([]int32, len(rows))
	for i, row := range rows {
		v := row.Fields[j]
		switch idx, ok := index[v]; {
		case v == "":
			st[i] = int32(total - 1)
		case !ok || int(idx) >= values:
			st[i] = int32(values) // "other"
		default:
			st[i] = idx
		}
	}
	return st
}
