package quality

import (
	"math"
	"math/rand/v2"
)

// Defaults for Options.
const (
	// DefaultMaxRows is the default Options.MaxRows.
	DefaultMaxRows = 100_000
	// DefaultPrivacyRows is the default Options.PrivacyRows.
	DefaultPrivacyRows = 4_000
)

// Random streams drawn from Options.Seed, one per use, so that changing one
// sample size leaves the other samples alone.
const (
	streamRealSample = iota + 1
	streamSyntheticSample
	streamPrivacy
)

// Options tunes Evaluate. The zero value is ready to use.
type Options struct {
	// MaxRows caps the rows of each table the shape and trend metrics are
	// computed on: a larger table is sampled down to MaxRows rows, seeded,
	// without replacement. 0 means DefaultMaxRows; a negative value means
	// every row.
	MaxRows int
	// Seed seeds every sample Evaluate draws; equal seeds give equal
	// reports.
	Seed uint64
	// PrivacyRows caps each of the three samples the distances to the
	// closest record are measured on (see Privacy). 0 means
	// DefaultPrivacyRows; a negative value skips the distances, leaving them
	// NaN.
	PrivacyRows int
	// Logic, when set, adds the Logic figures (LogicOf) to the report,
	// with these options; its Seed is replaced by Seed.
	Logic *LogicOptions
}

// withDefaults returns o with zero fields replaced by their defaults.
func (o Options) withDefaults() Options {
	if o.MaxRows == 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.PrivacyRows == 0 {
		o.PrivacyRows = DefaultPrivacyRows
	}
	return o
}

// Evaluate scores synthetic against real. Both tables must have the same
// column names and kinds, in any order, and at least one row; the report
// lists columns and pairs in the real table's order.
func Evaluate(real, synthetic Table, opt Options) (*Report, error) {
	opt = opt.withDefaults()
	synthetic, err := checkPair(real, synthetic)
	if err != nil {
		return nil, err
	}

	rs := real.sample(opt.MaxRows, rand.New(rand.NewPCG(opt.Seed, streamRealSample)))
	ss := synthetic.sample(opt.MaxRows, rand.New(rand.NewPCG(opt.Seed, streamSyntheticSample)))
	rep := &Report{
		RealRows:            real.Len(),
		SyntheticRows:       synthetic.Len(),
		RealRowsScored:      rs.Len(),
		SyntheticRowsScored: ss.Len(),
	}

	cols := encodeColumns(&rs, &ss)
	rep.Columns = columnShapes(cols)
	rep.Pairs = pairTrends(cols)
	summarise(rep)

	rep.Privacy.ExactCopies = exactCopies(&real, &synthetic)
	rep.Privacy.ExactCopyRate = float64(rep.Privacy.ExactCopies) / float64(synthetic.Len())
	if opt.PrivacyRows > 0 {
		dcr(&rep.Privacy, &real, &synthetic, opt.PrivacyRows,
			rand.New(rand.NewPCG(opt.Seed, streamPrivacy)))
	} else {
		rep.Privacy.DCRSynthetic, rep.Privacy.DCRHoldout, rep.Privacy.DCRRatio = math.NaN(), math.NaN(), math.NaN()
	}
	if opt.Logic != nil {
		lo := *opt.Logic
		lo.Seed = opt.Seed
		if rep.Logic, err = LogicOf(real, synthetic, lo); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// encoded is one column of the real and synthetic samples, ready for the
// metrics.
type encoded struct {
	name string
	kind Kind
	// rNum and sNum are the values of a Numeric or Datetime column.
	rNum, sNum []float64
	// rCode and sCode are category codes in [0, card), nullCode for null:
	// for Categorical and Boolean columns from a dictionary shared by both
	// tables, for Numeric and Datetime columns the NumBins bins computed on
	// each table separately.
	rCode, sCode []int32
	card         int
}

func encodeColumns(real, syn *Table) []encoded {
	out := make([]encoded, len(real.Columns))
	for ci := range real.Columns {
		rc, sc := &real.Columns[ci], &syn.Columns[ci]
		e := encoded{name: rc.Name, kind: rc.Kind}
		if rc.Kind.continuous() {
			e.rNum, e.sNum = rc.Num, sc.Num
			e.rCode, e.sCode = binColumn(rc.Num, NumBins), binColumn(sc.Num, NumBins)
			e.card = NumBins + 1
		} else {
			dict := make(map[string]int32)
			e.rCode = encodeCategories(rc, dict)
			e.sCode = encodeCategories(sc, dict)
			e.card = len(dict) + 1
		}
		out[ci] = e
	}
	return out
}

// encodeCategories codes the values of c with dict, adding new categories
// as they appear; codes start at 1, nullCode marks null values.
func encodeCategories(c *Column, dict map[string]int32) []int32 {
	out := make([]int32, len(c.Cat))
	for i, v := range c.Cat {
		if c.catNull(i) {
			out[i] = nullCode
			continue
		}
		code, ok := dict[v]
		if !ok {
			code = int32(len(dict) + 1)
			dict[v] = code
		}
		out[i] = code
	}
	return out
}

func columnShapes(cols []encoded) []ColumnScore {
	out := make([]ColumnScore, len(cols))
	for i, c := range cols {
		if c.kind.continuous() {
			out[i] = ColumnScore{Name: c.name, Metric: MetricKSComplement, Score: ksComplement(c.rNum, c.sNum)}
		} else {
			out[i] = ColumnScore{Name: c.name, Metric: MetricTVComplement, Score: tvComplement(c.rCode, c.sCode, c.card)}
		}
	}
	return out
}

func pairTrends(cols []encoded) []PairScore {
	var out []PairScore
	for i := range cols {
		for j := i + 1; j < len(cols); j++ {
			out = append(out, pairTrend(&cols[i], &cols[j]))
		}
	}
	return out
}

func pairTrend(a, b *encoded) PairScore {
	p := PairScore{A: a.name, B: b.name}
	if a.kind.continuous() && b.kind.continuous() {
		var rr, rs float64
		p.Metric = MetricCorrelationSimilarity
		p.Score, rr, rs = correlationSimilarity(a.rNum, b.rNum, a.sNum, b.sNum)
		p.RealTrend, p.SyntheticTrend = math.Abs(rr), math.Abs(rs)
		p.Trend = p.RealTrend > CorrelationThreshold
		return p
	}
	real := contingencyCells(a.rCode, b.rCode, a.card, b.card)
	syn := contingencyCells(a.sCode, b.sCode, a.card, b.card)
	p.Metric = MetricContingencySimilarity
	p.Score = contingencySimilarity(real, syn)
	p.RealTrend = cramersV(real, a.card, b.card)
	p.SyntheticTrend = cramersV(syn, a.card, b.card)
	p.Trend = p.RealTrend > AssociationThreshold
	return p
}

// nanMean returns the mean of the non-NaN values of x and how many there
// are; NaN when there are none.
func nanMean(x []float64) (float64, int) {
	var s float64
	var n int
	for _, v := range x {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return s / float64(n), n
}

// summarise computes the property and overall scores of rep from its
// column and pair scores.
func summarise(rep *Report) {
	shapes := make([]float64, len(rep.Columns))
	for i, c := range rep.Columns {
		shapes[i] = c.Score
	}
	rep.ColumnShapes, _ = nanMean(shapes)

	var all, trend []float64
	for _, p := range rep.Pairs {
		all = append(all, p.Score)
		if p.Trend {
			trend = append(trend, p.Score)
		}
	}
	var nAll int
	rep.ColumnPairTrendsAllPairs, nAll = nanMean(all)
	rep.ColumnPairTrends, rep.TrendPairs = nanMean(trend)
	rep.HasColumnPairTrends = rep.TrendPairs > 0

	rep.Score = rep.ColumnShapes
	if rep.HasColumnPairTrends {
		rep.Score = (rep.ColumnShapes + rep.ColumnPairTrends) / 2
	}
	rep.ScoreAllPairs = rep.ColumnShapes
	if nAll > 0 {
		rep.ScoreAllPairs = (rep.ColumnShapes + rep.ColumnPairTrendsAllPairs) / 2
	}
}
