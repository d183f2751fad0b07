// Package quality scores synthetic data against the real data it imitates.
//
// The score follows the single-table Quality Report of SDMetrics 0.29 (the
// definitions are reimplemented from the SDMetrics documentation; no SDMetrics
// code is used):
//
//   - Column Shapes: one score per column. Numeric and Datetime columns use
//     KSComplement, 1 − D where D is the two-sample Kolmogorov–Smirnov
//     statistic of the non-null values. Categorical and Boolean columns use
//     TVComplement, 1 − ½·Σ|R_ω − S_ω| over the categories ω, with the
//     frequencies taken over the non-null values (the TVComplement page says
//     "This metric ignores any missing values"). The property score is the
//     mean over the columns.
//
//   - Column Pair Trends: one score per pair of columns. Two Numeric/Datetime
//     columns use CorrelationSimilarity, 1 − |r_real − r_syn|/2 with Pearson's
//     r over the rows where both values are non-null (the CorrelationSimilarity
//     page: "This metric ignores missing values"). Every other pair uses
//     ContingencySimilarity, 1 − ½·Σ|R_ab − S_ab| over the cells of the
//     normalised contingency table, where a missing value is one more category
//     (ContingencySimilarity page: "the metric will treat them as an
//     additional, single category"), and a Numeric/Datetime column is first
//     discretised into NumBins equal-width bins.
//
//   - Trend filter (SDMetrics 0.27, sdv-dev/SDMetrics#815, #816, #817): the
//     Column Pair Trends property averages only the pairs whose real data
//     shows a trend: |r_real| > CorrelationThreshold (0.5) for two continuous
//     columns, Cramér's V of the real contingency table > AssociationThreshold
//     (0.3) otherwise. The pre-0.27 variant, averaging every pair, is reported
//     as well.
//
//   - Overall score: the mean of the property scores. When no pair has a real
//     trend the Column Pair Trends property is undefined and the overall score
//     is the Column Shapes score alone.
//
// A score that cannot be computed (a column with no non-null values, a
// constant column in a correlation) is NaN and left out of the averages,
// as SDMetrics does. NaN and ±Inf in Numeric and Datetime columns are null.
//
// Where this package knowingly differs from SDMetrics:
//
//   - Binning. The Quality Report's ColumnPairTrends property computes the
//     bin edges with numpy.histogram_bin_edges separately on the real and on
//     the synthetic column and then applies numpy.digitize; this package bins
//     separately as well (so a synthetic column whose range drifted is not
//     penalised twice), but with the textbook histogram convention: the
//     maximum falls in the last of the NumBins bins and null is its own
//     category. numpy.digitize puts the maximum value into an eleventh bin that
//     it shares with NaN. The standalone ContingencySimilarity metric (since
//     SDMetrics 0.18, sdv-dev/SDMetrics#700) instead takes the edges from the
//     real data only; the report does not use that path.
//   - Subsampling. SDMetrics computes ContingencySimilarity on at most 50 000
//     rows of each table (DEFAULT_NUM_ROWS_SUBSAMPLE) and everything else on
//     all rows; this package scores every metric on the same seeded sample
//     of at most Options.MaxRows rows per table.
//   - KSComplement. SDMetrics rounds values to 14 decimals before the KS test;
//     this package compares the float64 values as they are.
//   - Cramér's V. SDMetrics uses scipy.stats.contingency.association (no bias
//     correction); so does this package. scipy rejects a table with a single
//     row or column; here such a table has V = 0 (no trend).
//
// LogicOf (Options.Logic in Evaluate) adds what a pairwise score cannot
// see, with the definitions of the realism check that accompanies the
// project's test data: a classifier two-sample test (a logistic regression
// as in SDMetrics' LogisticDetection, and gradient-boosted histogram trees in
// the manner of scikit-learn's HistGradientBoostingClassifier, both written
// here from their published descriptions) on a bounded sample of each
// table; the order rules, functional dependencies and sums every real row
// holds (package rules) with their synthetic violation rates; the eta² of
// numeric columns by month or hour; and ML efficacy on real held-out rows.
//
// The privacy figures are vgmsynth's own, not SDMetrics metrics: the share of
// synthetic rows that copy a real row exactly, and the median distance to the
// closest record (DCR) of synthetic rows versus held-out real rows. See
// Privacy.
package quality
