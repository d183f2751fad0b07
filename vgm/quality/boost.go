package quality

import (
	"math"
	"math/rand/v2"
	"slices"
)

// boostLoss is the loss a booster minimises.
type boostLoss int

const (
	// binaryLoss is the log loss of a 0/1 label: one raw score per row,
	// p = σ(raw).
	binaryLoss boostLoss = iota
	// multiLoss is the cross-entropy of a class label in [0, K): K raw
	// scores per row, p = softmax(raw).
	multiLoss
	// squaredLoss is half the squared error of a number: one raw score per
	// row, the prediction itself.
	squaredLoss
)

// Settings of fitBoost, scikit-learn's HistGradientBoosting defaults with
// max_iter = 200 (as realism checks commonly use). Early stopping is on for
// more than earlyStopRows training rows ("auto"): 10% of them are held out,
// stratified for classes, and boosting stops when the held-out loss has not
// improved by more than boostTol over the last boostPatience iterations.
const (
	boostMaxIter   = 200
	earlyStopRows  = 10_000
	boostValFrac   = 0.1
	boostPatience  = 10
	boostTol       = 1e-7
	probabilityEps = 1e-15
)

// booster is a fitted gradient-boosted ensemble of histogram trees, in the
// manner of scikit-learn's HistGradientBoostingClassifier/Regressor (Ke et
// al., LightGBM, NeurIPS 2017): each iteration fits, per output, one tree to
// the gradients and hessians of the loss at the current raw scores, grown
// best-first on binned features, and adds its shrunk leaf values.
type booster struct {
	loss  boostLoss
	k     int       // raw scores per row
	init  []float64 // raw scores before any tree
	trees [][]*tree // trees[iteration][output]
}

// fitBoost fits a booster on the rows idx of b with targets y (indexed by
// row of b: 0/1 for binaryLoss, a class in [0, classes) for multiLoss, a
// number for squaredLoss).
func fitBoost(b *binned, idx []int, y []float64, loss boostLoss, classes int, seed uint64) *booster {
	m := &booster{loss: loss, k: 1}
	if loss == multiLoss {
		m.k = classes
	}
	train, val := idx, []int(nil)
	if len(idx) > earlyStopRows {
		train, val = holdOut(idx, y, loss != squaredLoss, boostValFrac, rand.New(rand.NewPCG(seed, 0x5eed)))
	}
	m.init = initialScores(train, y, loss, m.k)

	raw := make([]float64, b.rows*m.k) // training and validation rows' scores
	for _, set := range [][]int{train, val} {
		for _, r := range set {
			copy(raw[r*m.k:(r+1)*m.k], m.init)
		}
	}
	gr := &grower{b: b, p: defaultTreeParams, g: make([]float64, b.rows), h: make([]float64, b.rows)}
	rows := make([]int, len(train))
	var history []float64
	if val != nil {
		history = append(history, m.lossOf(raw, val, y))
	}
	for range boostMaxIter {
		trees := make([]*tree, m.k)
		p, probs := make([]float64, 2*m.k), make([]float64, m.k)
		// Gradients at the scores before this iteration, for every output.
		grads := make([][2][]float64, m.k)
		for c := range m.k {
			grads[c] = [2][]float64{make([]float64, len(train)), make([]float64, len(train))}
		}
		for j, r := range train {
			m.gradient(raw[r*m.k:(r+1)*m.k], y[r], p, probs)
			for c := range m.k {
				grads[c][0][j], grads[c][1][j] = p[2*c], p[2*c+1]
			}
		}
		for c := range m.k {
			for j, r := range train {
				gr.g[r], gr.h[r] = grads[c][0][j], grads[c][1][j]
			}
			copy(rows, train)
			trees[c] = gr.grow(rows, raw, m.k, c)
			for _, r := range val {
				raw[r*m.k+c] += trees[c].predict(b, r)
			}
		}
		m.trees = append(m.trees, trees)
		if val == nil {
			continue
		}
		l := m.lossOf(raw, val, y)
		history = append(history, l)
		if n := len(history); n > boostPatience {
			ref := history[n-boostPatience-1] - boostTol
			improved := false
			for _, h := range history[n-boostPatience:] {
				if h < ref {
					improved = true
				}
			}
			if !improved {
				break
			}
		}
	}
	return m
}

// gradient sets gh to the gradient and hessian of the loss of one row
// with target y at its raw scores, per output: gh[2c], gh[2c+1]; probs is
// scratch of k values.
func (m *booster) gradient(raw []float64, y float64, gh, probs []float64) {
	switch m.loss {
	case binaryLoss:
		q := sigmoid(raw[0])
		gh[0], gh[1] = q-y, max(q*(1-q), probabilityEps)
	case multiLoss:
		softmax(raw, probs)
		for c, q := range probs {
			t := 0.0
			if int(y) == c {
				t = 1
			}
			gh[2*c], gh[2*c+1] = q-t, max(q*(1-q), probabilityEps)
		}
	case squaredLoss:
		gh[0], gh[1] = raw[0]-y, 1
	}
}

// lossOf returns the mean loss of rows at their raw scores.
func (m *booster) lossOf(raw []float64, rows []int, y []float64) float64 {
	var s float64
	p := make([]float64, m.k)
	for _, r := range rows {
		sc := raw[r*m.k : (r+1)*m.k]
		switch m.loss {
		case binaryLoss:
			q := sigmoid(sc[0])
			if y[r] != 1 {
				q = 1 - q
			}
			s -= math.Log(max(q, probabilityEps))
		case multiLoss:
			softmax(sc, p)
			s -= math.Log(max(p[int(y[r])], probabilityEps))
		case squaredLoss:
			d := sc[0] - y[r]
			s += d * d / 2
		}
	}
	return s / float64(len(rows))
}

// predict returns the raw scores of the rows idx of b, row-major with k
// scores per row.
func (m *booster) predict(b *binned, idx []int) []float64 {
	out := make([]float64, len(idx)*m.k)
	for j, r := range idx {
		sc := out[j*m.k : (j+1)*m.k]
		copy(sc, m.init)
		for _, trees := range m.trees {
			for c, t := range trees {
				sc[c] += t.predict(b, r)
			}
		}
	}
	return out
}

// initialScores returns the raw scores that minimise the loss with no
// tree: the log-odds of the positive share, the log class priors, or the
// mean.
func initialScores(rows []int, y []float64, loss boostLoss, k int) []float64 {
	init := make([]float64, k)
	switch loss {
	case binaryLoss:
		var pos float64
		for _, r := range rows {
			pos += y[r]
		}
		p := min(max(pos/float64(len(rows)), probabilityEps), 1-probabilityEps)
		init[0] = math.Log(p / (1 - p))
	case multiLoss:
		counts := make([]float64, k)
		for _, r := range rows {
			counts[int(y[r])]++
		}
		for c := range k {
			init[c] = math.Log(max(counts[c]/float64(len(rows)), probabilityEps))
		}
	case squaredLoss:
		for _, r := range rows {
			init[0] += y[r]
		}
		init[0] /= float64(len(rows))
	}
	return init
}

// holdOut splits idx at random into a training part and a validation part
// of about frac of the rows, per class when stratify.
func holdOut(idx []int, y []float64, stratify bool, frac float64, rng *rand.Rand) (train, val []int) {
	groups := map[float64][]int{}
	for _, r := range idx {
		key := 0.0
		if stratify {
			key = y[r]
		}
		groups[key] = append(groups[key], r)
	}
	keys := make([]float64, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		g := groups[k]
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		nv := int(math.Round(frac * float64(len(g))))
		val = append(val, g[:nv]...)
		train = append(train, g[nv:]...)
	}
	return train, val
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softmax sets p to the softmax of z.
func softmax(z, p []float64) {
	hi := math.Inf(-1)
	for _, v := range z {
		hi = max(hi, v)
	}
	var s float64
	for c, v := range z {
		p[c] = math.Exp(v - hi)
		s += p[c]
	}
	for c := range p {
		p[c] /= s
	}
}
