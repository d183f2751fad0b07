package quality

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// MaxLevels is the number of most frequent real categories of a column that
// the classifiers see one by one; rarer categories share one "other" level,
// null is a level of its own.
const MaxLevels = 50

// design is the feature matrix the classifiers of Detection and Efficacy
// read, built from one or more tables with the same columns:
//
//   - each Numeric and Datetime column (Datetime as epoch seconds) is
//     standardised, (x − median)/sd over all rows, nulls replaced by the
//     median, with a 0/1 null flag feature when the column has a null;
//   - with calendar parts, each Datetime column adds its month (1–12),
//     weekday (0 = Monday) and minute of the day, in UTC (0 when null);
//   - each Categorical and Boolean column is a factor whose levels are its
//     MaxLevels most frequent values in the first table, "null" and "other".
//
// A factor is the one-hot encoding of SDMetrics' LogisticDetection held
// compactly: the logistic model gives each level a weight, the trees split
// one level against the rest, as they would on the one-hot columns.
type design struct {
	rows int
	// num holds the numeric features, row-major: num[i*len(numNames)+f].
	num      []float64
	numNames []string
	// levels holds the factor codes, row-major: levels[i*len(factors)+f],
	// in [0, factors[f].card).
	levels  []int32
	factors []factor
}

// factor is one categorical feature of a design.
type factor struct {
	name string
	card int
}

// newDesign builds the design of the rows of tables, one after the other.
// All tables have the columns of tables[0] in the same order; the factor
// levels come from the first table's frequencies. skip names a column left
// out (the target of Efficacy), "" for none.
func newDesign(tables []*Table, calendar bool, skip string) *design {
	d := &design{}
	for _, t := range tables {
		d.rows += t.Len()
	}
	var numCols [][]float64
	var levelCols [][]int32
	for ci := range tables[0].Columns {
		c0 := &tables[0].Columns[ci]
		if c0.Name == skip {
			continue
		}
		if c0.Kind.continuous() {
			x := make([]float64, 0, d.rows)
			for _, t := range tables {
				x = append(x, t.Columns[ci].Num...)
			}
			std, flag := standardise(x)
			numCols = append(numCols, std)
			d.numNames = append(d.numNames, c0.Name)
			if flag != nil {
				numCols = append(numCols, flag)
				d.numNames = append(d.numNames, c0.Name+"#null")
			}
			if calendar && c0.Kind == Datetime {
				month, wday, minute := calendarParts(x)
				numCols = append(numCols, month, wday, minute)
				d.numNames = append(d.numNames, c0.Name+"#month", c0.Name+"#wday", c0.Name+"#minute")
			}
			continue
		}
		codes, card := factorCodes(tables, ci)
		levelCols = append(levelCols, codes)
		d.factors = append(d.factors, factor{name: c0.Name, card: card})
	}
	d.num = rowMajor(numCols, d.rows)
	d.levels = rowMajor(levelCols, d.rows)
	return d
}

// rowMajor interleaves equally long columns into one row-major slice.
func rowMajor[T any](cols [][]T, rows int) []T {
	out := make([]T, rows*len(cols))
	for f, col := range cols {
		for i, v := range col {
			out[i*len(cols)+f] = v
		}
	}
	return out
}

// standardise returns (x − median)/sd with nulls at 0 (the median), and a
// null flag column, nil when x has no null. sd is the sample standard
// deviation of the non-null values, 1 when it is 0 or undefined.
func standardise(x []float64) (std, flag []float64) {
	var vals []float64
	for _, v := range x {
		if !numNull(v) {
			vals = append(vals, v)
		}
	}
	med := median(vals) // reorders vals only
	if math.IsNaN(med) {
		med = 0
	}
	var mean, ss float64
	for _, v := range vals {
		mean += v
	}
	if len(vals) > 0 {
		mean /= float64(len(vals))
	}
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	sd := 1.0
	if len(vals) > 1 && ss > 0 {
		sd = math.Sqrt(ss / float64(len(vals)-1))
	}
	std = make([]float64, len(x))
	if len(vals) < len(x) {
		flag = make([]float64, len(x))
	}
	for i, v := range x {
		if numNull(v) {
			flag[i] = 1
			continue
		}
		std[i] = (v - med) / sd
	}
	return std, flag
}

// calendarParts returns the month (1–12), weekday (0 = Monday) and minute of
// the day of epoch seconds, in UTC; 0 where the value is null.
func calendarParts(x []float64) (month, wday, minute []float64) {
	month, wday, minute = make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	for i, v := range x {
		if numNull(v) {
			continue
		}
		t := epochTime(v)
		month[i] = float64(t.Month())
		wday[i] = float64((int(t.Weekday()) + 6) % 7)
		minute[i] = float64(t.Hour()*60 + t.Minute())
	}
	return month, wday, minute
}

// epochTime returns the UTC time of v seconds since the Unix epoch.
func epochTime(v float64) time.Time {
	sec := math.Floor(v)
	return time.Unix(int64(sec), int64((v-sec)*1e9)).UTC()
}

// Reserved factor levels.
const (
	levelNull  = 0
	levelOther = 1
)

// factorCodes codes column ci of the tables: levelNull, levelOther, or
// 2 + the rank of one of the MaxLevels most frequent non-null values of the
// first table. It returns the codes of all rows and the number of levels.
func factorCodes(tables []*Table, ci int) ([]int32, int) {
	first := &tables[0].Columns[ci]
	counts := make(map[string]int)
	for i, v := range first.Cat {
		if !first.catNull(i) {
			counts[v]++
		}
	}
	type vc struct {
		v string
		n int
	}
	byCount := make([]vc, 0, len(counts))
	for v, n := range counts {
		byCount = append(byCount, vc{v, n})
	}
	slices.SortFunc(byCount, func(a, b vc) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.v, b.v))
	})
	code := make(map[string]int32, MaxLevels)
	for i, e := range byCount[:min(len(byCount), MaxLevels)] {
		code[e.v] = int32(2 + i)
	}
	var out []int32
	for _, t := range tables {
		c := &t.Columns[ci]
		for i, v := range c.Cat {
			switch k, ok := code[v]; {
			case c.catNull(i):
				out = append(out, levelNull)
			case ok:
				out = append(out, k)
			default:
				out = append(out, levelOther)
			}
		}
	}
	return out, 2 + len(code)
}
