package quality

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Defaults for LogicOptions.
const (
	// DefaultDetectionRows is the default LogicOptions.DetectionRows.
	DefaultDetectionRows = 20_000
	// DefaultEfficacyRows is the default LogicOptions.EfficacyRows.
	DefaultEfficacyRows = 50_000
	// DetectionFolds is the number of cross-validation folds of Detection.
	DetectionFolds = 5
	// SeasonalityThreshold is the real eta² from which a column's
	// seasonality is listed.
	SeasonalityThreshold = 0.1
)

// More random streams drawn from Options.Seed (see streamRealSample).
const (
	streamDetectionReal = iota + 100
	streamDetectionSynthetic
	streamDetectionFolds
	streamEfficacy
	streamRulesReal
	streamRulesSynthetic
)

// LogicOptions tunes Logic. The zero value is ready to use.
type LogicOptions struct {
	// DetectionRows caps the rows of each table the classifiers of the
	// detection test see: both tables are sampled down, seeded, to the
	// same size min(real rows, synthetic rows, DetectionRows), so that the
	// test stays quick on large inputs. 0 means DefaultDetectionRows; a
	// negative value skips detection.
	DetectionRows int
	// Target and Holdout ask for the ML efficacy test: predict column
	// Target of the Holdout rows (real rows the synthesizer never saw,
	// with the columns of the real table) from the other columns. Both or
	// neither must be set.
	Target  string
	Holdout *Table
	// EfficacyRows caps the training rows of each efficacy model (a
	// larger table is sampled down, seeded). 0 means DefaultEfficacyRows.
	EfficacyRows int
	// RuleRows caps the rows of each table the rules are mined on (real)
	// and checked on (synthetic): a larger table is sampled down, seeded,
	// so a rule mined on a sample may not hold on every real row. 0 means
	// DefaultRuleRows.
	RuleRows int
	// Seed seeds every sample and fold; equal seeds give equal reports.
	Seed uint64
}

// Logic is what a pairwise score cannot see: whether the synthetic rows
// keep the logic of the real table. Its figures follow the definitions of
// the realism check that accompanies the project's test data, so that both
// report the same kinds of figures; see Detection, RuleCheck, Seasonality and
// Efficacy.
type Logic struct {
	// Detection is the classifier two-sample test; nil when skipped.
	Detection *Detection `json:"detection,omitempty"`
	// Rules lists the rules every sampled real row holds (order A <= B,
	// functional dependencies A -> B, sums C = A + B; see package rules)
	// with their synthetic violation rates.
	Rules []RuleCheck `json:"rules"`
	// Seasonality lists, for each pair of a Datetime column and a Numeric
	// column whose real eta² reaches SeasonalityThreshold, the eta² of the
	// real and synthetic tables.
	Seasonality []Seasonality `json:"seasonality"`
	// Efficacy is the ML efficacy test; nil unless asked for.
	Efficacy *Efficacy `json:"efficacy,omitempty"`
}

// Detection is a classifier two-sample test (C2ST): a classifier learns to
// tell real rows (label 0) from synthetic rows (label 1), RowsEach of each,
// and is scored by the ROC AUC on held-out rows, averaged over
// DetectionFolds stratified cross-validation folds. 0.5 means the rows
// cannot be told apart, 1 that they always can. Each AUC comes with
// SDMetrics' detection score 1 − (2·max(AUC, 0.5) − 1): 1 is best.
//
// The logistic classifier follows SDMetrics' LogisticDetection: an
// L2-regularised logistic regression on standardised numbers (Datetime as
// epoch seconds, nulls as the median plus a null flag) and one-hot
// categories (the MaxLevels most frequent real values, the rest as one
// "other"). The tree classifier is gradient-boosted histogram trees (as
// scikit-learn's HistGradientBoostingClassifier, 200 iterations at most)
// on the same features plus the month, weekday and minute of the day of
// every Datetime column: it sees non-monotone and multi-column structure.
type Detection struct {
	RowsEach      int     `json:"rows_each"`
	LogisticAUC   float64 `json:"logistic_auc"`
	LogisticScore float64 `json:"logistic_score"`
	TreeAUC       float64 `json:"tree_auc"`
	TreeScore     float64 `json:"tree_score"`
}

// Seasonality is the share of a Numeric column's variance explained by the
// calendar position of a Datetime column, eta² = Σ_g n_g·(x̄_g − x̄)² /
// Σ_i (x_i − x̄)², in the real and in the synthetic table. The groups g are
// the month (UTC), or the hour of the day when the real Datetime values
// carry a time of day and span less than 62 days. An eta² is NaN with
// fewer than 20 rows or a constant column; Gap is |real − synthetic|, or
// the real eta² when the synthetic one is NaN (the effect is lost).
type Seasonality struct {
	Datetime      string  `json:"datetime"`
	By            string  `json:"by"`
	Column        string  `json:"column"`
	RealEta2      float64 `json:"real_eta2"`
	SyntheticEta2 float64 `json:"synthetic_eta2"`
	Gap           float64 `json:"gap"`
}

// Efficacy is the ML efficacy test: the same gradient-boosted trees (see
// Detection) trained once on the real table and once on the synthetic
// table predict Target on the holdout rows. Metric is "roc_auc" (macro
// one-vs-rest over the classes seen in training) for a Categorical or
// Boolean target, "r2" (the coefficient of determination) for a Numeric or
// Datetime one. Rows whose target is null are left out.
type Efficacy struct {
	Target       string  `json:"target"`
	Metric       string  `json:"metric"`
	Real         float64 `json:"real"`
	Synthetic    float64 `json:"synthetic"`
	HoldoutRows  int     `json:"holdout_rows"`
	TrainRowsCap int     `json:"train_rows_cap"`
}

// LogicOf measures the Logic of synthetic against real. The tables are
// checked and aligned as in Evaluate.
func LogicOf(real, synthetic Table, opt LogicOptions) (*Logic, error) {
	synthetic, err := checkPair(real, synthetic)
	if err != nil {
		return nil, err
	}
	if opt.DetectionRows == 0 {
		opt.DetectionRows = DefaultDetectionRows
	}
	if opt.EfficacyRows <= 0 {
		opt.EfficacyRows = DefaultEfficacyRows
	}
	if opt.RuleRows <= 0 {
		opt.RuleRows = DefaultRuleRows
	}
	out := &Logic{}
	if opt.Target != "" || opt.Holdout != nil {
		if out.Efficacy, err = efficacy(&real, &synthetic, opt); err != nil {
			return nil, fmt.Errorf("quality: ML efficacy: %w", err)
		}
	}
	out.Rules = checkRules(&real, &synthetic, opt.RuleRows, opt.Seed)
	out.Seasonality = seasonality(&real, &synthetic)
	if opt.DetectionRows > 0 {
		out.Detection = detect(&real, &synthetic, opt.DetectionRows, opt.Seed)
	}
	return out, nil
}

// detect runs the detection test on up to rows rows of each table.
func detect(real, syn *Table, rows int, seed uint64) *Detection {
	n := min(real.Len(), syn.Len(), rows)
	rs := real.sample(n, rand.New(rand.NewPCG(seed, streamDetectionReal)))
	ss := syn.sample(n, rand.New(rand.NewPCG(seed, streamDetectionSynthetic)))
	y := make([]uint8, 2*n)
	yf := make([]float64, 2*n)
	for i := n; i < 2*n; i++ {
		y[i], yf[i] = 1, 1
	}
	lin := newDesign([]*Table{&rs, &ss}, false, "")
	trees := newBinned(newDesign([]*Table{&rs, &ss}, true, ""))
	var linAUC, treeAUC float64
	folds := stratifiedFolds(y, DetectionFolds, rand.New(rand.NewPCG(seed, streamDetectionFolds)))
	for k, test := range folds {
		var train []int
		for j, f := range folds {
			if j != k {
				train = append(train, f...)
			}
		}
		labels := make([]bool, len(test))
		for j, r := range test {
			labels[j] = y[r] == 1
		}
		linAUC += rocAUC(fitLogistic(lin, train, y).predict(lin, test), labels)
		treeAUC += rocAUC(fitBoost(trees, train, yf, binaryLoss, 2, seed+uint64(k)).predict(trees, test), labels)
	}
	linAUC /= float64(len(folds))
	treeAUC /= float64(len(folds))
	return &Detection{RowsEach: n,
		LogisticAUC: linAUC, LogisticScore: detectionScore(linAUC),
		TreeAUC: treeAUC, TreeScore: detectionScore(treeAUC)}
}

// detectionScore is SDMetrics' 1 − (2·max(AUC, 0.5) − 1).
func detectionScore(auc float64) float64 { return 1 - (2*max(auc, 0.5) - 1) }

// stratifiedFolds deals the indices of y into k folds at random, each
// label spread evenly over the folds.
func stratifiedFolds(y []uint8, k int, rng *rand.Rand) [][]int {
	folds := make([][]int, k)
	for _, label := range []uint8{0, 1} {
		var idx []int
		for i, v := range y {
			if v == label {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for j, i := range idx {
			folds[j%k] = append(folds[j%k], i)
		}
	}
	return folds
}

// rocAUC returns the area under the ROC curve of scores for the labels
// (true = positive): the Mann–Whitney probability that a positive scores
// above a negative, ties counting one half. NaN without both labels.
func rocAUC(scores []float64, labels []bool) float64 {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(scores[a], scores[b]) })
	var rankSum float64
	var pos int
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && scores[order[j]] == scores[order[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of ranks i+1..j
		for _, o := range order[i:j] {
			if labels[o] {
				rankSum += mid
				pos++
			}
		}
		i = j
	}
	neg := len(scores) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
