package quality

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
)

// Report is the result of Evaluate. Scores lie in [0, 1], higher is better.
//
// A figure that cannot be computed is NaN in Go and null in JSON: for
// instance ColumnPairTrends when no pair has a real trend, or the score of a
// column that is entirely null.
type Report struct {
	// Score is the overall quality score: the mean of ColumnShapes and
	// ColumnPairTrends, or ColumnShapes alone when HasColumnPairTrends is
	// false.
	Score float64 `json:"score"`
	// ColumnShapes is the mean of the column scores.
	ColumnShapes float64 `json:"column_shapes"`
	// ColumnPairTrends is the mean score of the pairs whose real data shows
	// a trend (PairScore.Trend); NaN when there is none.
	ColumnPairTrends float64 `json:"column_pair_trends"`
	// HasColumnPairTrends reports whether at least one pair has a real trend
	// and a score, that is whether ColumnPairTrends is defined and part of
	// Score. When false, Score is the Column Shapes score alone.
	HasColumnPairTrends bool `json:"has_column_pair_trends"`
	// TrendPairs is the number of pairs averaged into ColumnPairTrends.
	TrendPairs int `json:"trend_pairs"`
	// ScoreAllPairs is the pre-0.27 overall score: the mean of ColumnShapes
	// and ColumnPairTrendsAllPairs (ColumnShapes alone without pairs).
	ScoreAllPairs float64 `json:"score_all_pairs"`
	// ColumnPairTrendsAllPairs is the mean score over every pair.
	ColumnPairTrendsAllPairs float64 `json:"column_pair_trends_all_pairs"`

	// RealRows and SyntheticRows are the sizes of the input tables.
	RealRows      int `json:"real_rows"`
	SyntheticRows int `json:"synthetic_rows"`
	// RealRowsScored and SyntheticRowsScored are the numbers of rows the
	// shape and trend metrics were computed on, after sampling.
	RealRowsScored      int `json:"real_rows_scored"`
	SyntheticRowsScored int `json:"synthetic_rows_scored"`

	// Columns holds one score per column, in the real table's order.
	Columns []ColumnScore `json:"columns"`
	// Pairs holds one score per pair of columns, in the real table's order.
	Pairs []PairScore `json:"pairs"`
	// Privacy holds the copy and distance figures.
	Privacy Privacy `json:"privacy"`
	// Logic holds the detection, rule, seasonality and efficacy figures
	// (see LogicOf); nil unless Options.Logic asked for them.
	Logic *Logic `json:"logic,omitempty"`
}

// ColumnScore is the Column Shapes score of one column.
type ColumnScore struct {
	// Name is the column's name.
	Name string `json:"name"`
	// Metric is MetricKSComplement or MetricTVComplement.
	Metric string `json:"metric"`
	// Score is the metric's value; NaN when a table has no non-null value
	// in the column.
	Score float64 `json:"score"`
}

// PairScore is the Column Pair Trends score of one pair of columns.
type PairScore struct {
	// A and B name the columns, A first in the real table.
	A string `json:"a"`
	B string `json:"b"`
	// Metric is MetricCorrelationSimilarity or MetricContingencySimilarity.
	Metric string `json:"metric"`
	// Score is the metric's value; NaN when a correlation is undefined.
	Score float64 `json:"score"`
	// RealTrend is the strength of the pair's trend in the real data:
	// |Pearson r| for CorrelationSimilarity, Cramér's V for
	// ContingencySimilarity.
	RealTrend float64 `json:"real_trend"`
	// SyntheticTrend is the same figure for the synthetic data.
	SyntheticTrend float64 `json:"synthetic_trend"`
	// Trend reports whether RealTrend exceeds its threshold
	// (CorrelationThreshold or AssociationThreshold), so that the pair is
	// part of ColumnPairTrends.
	Trend bool `json:"trend"`
}

// Privacy holds vgmsynth's privacy figures.
//
// ExactCopies are counted over the complete tables. The distances to the
// closest record (DCR) are measured on samples: the real table is split at
// random into a reference half and a holdout half; up to Options.PrivacyRows
// synthetic rows and as many holdout rows are compared with up to
// Options.PrivacyRows reference rows. The distance between two rows is the
// mean over the columns of: |a − b| / range of the real column, capped at 1,
// for Numeric and Datetime values; 0 or 1 for equal or different Categorical
// and Boolean values; 0 when both are null and 1 when one is.
//
// The DCR figures detect copying only as far as the reference sample covers
// the real table: a synthetic row copied from a real row outside the sample
// is as far from it as a fresh row. With up to 2·PrivacyRows real rows the
// sample is the whole reference half and wholesale copying pulls DCRRatio
// towards 0; on much larger tables the DCR figures compare the synthetic rows
// with the real distribution, and ExactCopies, counted on the full tables, is
// the copy check.
type Privacy struct {
	// ExactCopies is the number of synthetic rows equal, in every column, to
	// some real row (numbers compared as float64, null equal to null).
	ExactCopies int `json:"exact_copies"`
	// ExactCopyRate is ExactCopies over the number of synthetic rows.
	ExactCopyRate float64 `json:"exact_copy_rate"`
	// DCRSynthetic is the median distance from a sampled synthetic row to
	// its closest reference row.
	DCRSynthetic float64 `json:"dcr_synthetic"`
	// DCRHoldout is the median distance from a sampled holdout row to its
	// closest reference row; NaN when the real table has a single row.
	DCRHoldout float64 `json:"dcr_holdout"`
	// DCRRatio is DCRSynthetic / DCRHoldout: about 1 when synthetic rows are
	// no closer to real rows than fresh real rows are, well below 1 when the
	// synthetic data copies its training rows. It is 1 when both medians
	// are 0 and NaN when only DCRHoldout is.
	DCRRatio float64 `json:"dcr_ratio"`
	// DCRReferenceRows, DCRSyntheticRows and DCRHoldoutRows are the sample
	// sizes the distances were measured on.
	DCRReferenceRows int `json:"dcr_reference_rows"`
	DCRSyntheticRows int `json:"dcr_synthetic_rows"`
	DCRHoldoutRows   int `json:"dcr_holdout_rows"`
}

// MarshalJSON encodes the report with snake_case keys; figures that are NaN
// become null.
func (r Report) MarshalJSON() ([]byte, error) { return marshalFinite(r) }

// UnmarshalJSON decodes a report written by MarshalJSON; null figures
// become NaN.
func (r *Report) UnmarshalJSON(b []byte) error {
	if err := unmarshalFinite(b, r); err != nil {
		return fmt.Errorf("quality: decoding report: %w", err)
	}
	return nil
}

// MarshalJSON encodes the column score; a NaN score becomes null.
func (c ColumnScore) MarshalJSON() ([]byte, error) { return marshalFinite(c) }

// UnmarshalJSON decodes a column score; a null score becomes NaN.
func (c *ColumnScore) UnmarshalJSON(b []byte) error { return unmarshalFinite(b, c) }

// MarshalJSON encodes the pair score; NaN figures become null.
func (p PairScore) MarshalJSON() ([]byte, error) { return marshalFinite(p) }

// UnmarshalJSON decodes a pair score; null figures become NaN.
func (p *PairScore) UnmarshalJSON(b []byte) error { return unmarshalFinite(b, p) }

// MarshalJSON encodes the privacy figures; NaN figures become null.
func (p Privacy) MarshalJSON() ([]byte, error) { return marshalFinite(p) }

// UnmarshalJSON decodes privacy figures; null figures become NaN.
func (p *Privacy) UnmarshalJSON(b []byte) error { return unmarshalFinite(b, p) }

// Percent formats a score as a percentage with two decimals ("87.50%"), or
// "n/a" when it is not finite, as the text report writes it.
func Percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(100*v, 'f', 2, 64) + "%"
}

// Decimal formats a figure with four decimals ("0.8750"), or "n/a" when it
// is not finite, as the text report writes it.
func Decimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// WriteText writes a readable summary of the report to w: the overall score
// and its properties, the pre-0.27 all-pairs variant, one line per column and
// per pair, and the privacy figures.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	p("Synthetic data quality (SDMetrics 0.29 definitions)\n")
	p("Rows\treal %d (scored %d), synthetic %d (scored %d)\n",
		r.RealRows, r.RealRowsScored, r.SyntheticRows, r.SyntheticRowsScored)
	p("\n")
	p("Overall score\t%s\n", Percent(r.Score))
	p("  Column Shapes\t%s\t(%d columns)\n", Percent(r.ColumnShapes), len(r.Columns))
	if r.HasColumnPairTrends {
		p("  Column Pair Trends\t%s\t(%d of %d pairs with a real trend)\n",
			Percent(r.ColumnPairTrends), r.TrendPairs, len(r.Pairs))
	} else {
		p("  Column Pair Trends\tn/a\t(no pair of %d has a real trend; overall = Column Shapes)\n", len(r.Pairs))
	}
	p("Overall score, all pairs\t%s\t(pre-0.27 definition)\n", Percent(r.ScoreAllPairs))
	p("  Column Pair Trends, all pairs\t%s\t(%d pairs)\n", Percent(r.ColumnPairTrendsAllPairs), len(r.Pairs))

	p("\nColumn Shapes\n")
	p("COLUMN\tMETRIC\tSCORE\n")
	for _, c := range r.Columns {
		p("%s\t%s\t%s\n", c.Name, c.Metric, Percent(c.Score))
	}

	if len(r.Pairs) > 0 {
		p("\nColumn Pair Trends\n")
		p("COLUMN A\tCOLUMN B\tMETRIC\tSCORE\tREAL TREND\tSYNTHETIC TREND\tCOUNTED\n")
		for _, q := range r.Pairs {
			counted := "no"
			if q.Trend {
				counted = "yes"
			}
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", q.A, q.B, q.Metric, Percent(q.Score),
				Decimal(q.RealTrend), Decimal(q.SyntheticTrend), counted)
		}
	}

	v := r.Privacy
	p("\nPrivacy\n")
	p("Exact copies\t%d of %d synthetic rows (%s)\n", v.ExactCopies, r.SyntheticRows, Percent(v.ExactCopyRate))
	p("DCR synthetic, median\t%s\t(%d synthetic rows vs %d reference rows)\n",
		Decimal(v.DCRSynthetic), v.DCRSyntheticRows, v.DCRReferenceRows)
	p("DCR holdout, median\t%s\t(%d holdout rows vs %d reference rows)\n",
		Decimal(v.DCRHoldout), v.DCRHoldoutRows, v.DCRReferenceRows)
	p("DCR ratio\t%s\t(about 1: no closer than fresh real rows; well below 1: copying)\n", Decimal(v.DCRRatio))

	if err := tw.Flush(); err != nil {
		return fmt.Errorf("quality: writing report: %w", err)
	}
	if r.Logic != nil {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return fmt.Errorf("quality: writing report: %w", err)
		}
		return r.Logic.WriteText(w)
	}
	return nil
}
