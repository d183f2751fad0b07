package quality

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// ErrNoTarget reports an ML efficacy test whose target column is missing
// or unusable.
var ErrNoTarget = errors.New("no usable target")

// efficacy runs the ML efficacy test of opt.Target on opt.Holdout.
func efficacy(real, syn *Table, opt LogicOptions) (*Efficacy, error) {
	if opt.Target == "" || opt.Holdout == nil {
		return nil, fmt.Errorf("both a target column and holdout rows are needed: %w", ErrNoTarget)
	}
	if err := opt.Holdout.validate("holdout"); err != nil {
		return nil, err
	}
	hold, err := align(*real, *opt.Holdout)
	if err != nil {
		return nil, fmt.Errorf("holdout: %w", err)
	}
	ti := slices.IndexFunc(real.Columns, func(c Column) bool { return c.Name == opt.Target })
	if ti < 0 {
		return nil, fmt.Errorf("column %q is not in the table: %w", opt.Target, ErrNoTarget)
	}
	hold = withTarget(&hold, ti)
	if hold.Len() == 0 {
		return nil, fmt.Errorf("no holdout row has a %q value: %w", opt.Target, ErrNoTarget)
	}
	e := &Efficacy{Target: opt.Target, HoldoutRows: hold.Len(), TrainRowsCap: opt.EfficacyRows, Metric: "r2"}
	if !real.Columns[ti].Kind.continuous() {
		e.Metric = "roc_auc"
	}
	for k, train := range []*Table{real, syn} {
		t := withTarget(train, ti)
		if t.Len() == 0 {
			return nil, fmt.Errorf("no training row has a %q value: %w", opt.Target, ErrNoTarget)
		}
		t = t.sample(opt.EfficacyRows, rand.New(rand.NewPCG(opt.Seed, streamEfficacy+uint64(k))))
		v := trainAndTest(&t, &hold, ti, opt.Seed)
		if k == 0 {
			e.Real = v
		} else {
			e.Synthetic = v
		}
	}
	return e, nil
}

// withTarget returns the rows of t whose column ti is not null.
func withTarget(t *Table, ti int) Table {
	c := &t.Columns[ti]
	var keep []int
	for i := range c.Len() {
		if c.Kind.continuous() && !numNull(c.Num[i]) || !c.Kind.continuous() && !c.catNull(i) {
			keep = append(keep, i)
		}
	}
	if len(keep) == c.Len() {
		return *t
	}
	return t.take(keep)
}

// trainAndTest fits the trees on train and returns their ROC AUC or R² on
// test, for target column ti.
func trainAndTest(train, test *Table, ti int, seed uint64) float64 {
	tc, hc := &train.Columns[ti], &test.Columns[ti]
	b := newBinned(newDesign([]*Table{train, test}, true, tc.Name))
	n, m := train.Len(), test.Len()
	trainIdx, testIdx := make([]int, n), make([]int, m)
	for i := range trainIdx {
		trainIdx[i] = i
	}
	for i := range testIdx {
		testIdx[i] = n + i
	}
	y := make([]float64, n+m)
	if tc.Kind.continuous() {
		copy(y, tc.Num)
		copy(y[n:], hc.Num)
		pred := fitBoost(b, trainIdx, y, squaredLoss, 1, seed).predict(b, testIdx)
		return rSquared(y[n:], pred)
	}
	// Classes: the training values, sorted; holdout rows of another class
	// are left out, as they cannot be scored.
	classes := slices.Compact(slices.Sorted(slices.Values(tc.Cat)))
	code := make(map[string]int, len(classes))
	for k, c := range classes {
		code[c] = k
	}
	for i, v := range tc.Cat {
		y[i] = float64(code[v])
	}
	var known []int
	var label []int
	for i, v := range hc.Cat {
		if k, ok := code[v]; ok {
			known = append(known, n+i)
			label = append(label, k)
		}
	}
	if len(classes) < 2 || len(known) == 0 {
		return math.NaN()
	}
	if len(classes) == 2 {
		pred := fitBoost(b, trainIdx, y, binaryLoss, 2, seed).predict(b, known)
		pos := make([]bool, len(known))
		for j, k := range label {
			pos[j] = k == 1
		}
		return rocAUC(pred, pos)
	}
	k := len(classes)
	raw := fitBoost(b, trainIdx, y, multiLoss, k, seed).predict(b, known)
	p := make([]float64, len(raw))
	for j := range known {
		softmax(raw[j*k:(j+1)*k], p[j*k:(j+1)*k])
	}
	// Macro one-vs-rest: the mean over the classes of the AUC of class c
	// against the rest, ranked by its probability.
	var sum float64
	var used int
	scores, pos := make([]float64, len(known)), make([]bool, len(known))
	for c := range k {
		for j := range known {
			scores[j], pos[j] = p[j*k+c], label[j] == c
		}
		if a := rocAUC(scores, pos); !math.IsNaN(a) {
			sum += a
			used++
		}
	}
	if used == 0 {
		return math.NaN()
	}
	return sum / float64(used)
}

// rSquared returns the coefficient of determination of pred for y.
func rSquared(y, pred []float64) float64 {
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	var res, tot float64
	for i, v := range y {
		res += (v - pred[i]) * (v - pred[i])
		tot += (v - mean) * (v - mean)
	}
	if tot == 0 {
		return math.NaN()
	}
	return 1 - res/tot
}
