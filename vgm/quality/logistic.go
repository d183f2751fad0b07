package quality

import (
	"math"
	"slices"
)

// logistic is an L2-regularised logistic regression on a design, the model
// of scikit-learn's LogisticRegression with its defaults (C = 1, the
// intercept not penalised), which SDMetrics' LogisticDetection uses. It
// minimises
//
//	(1/n)·Σ_i log(1 + exp(−y_i·f(x_i))) + ‖w‖²/(2·C·n),   y_i ∈ {−1, +1},
//
// with L-BFGS (minimizeLBFGS), where f(x) = b + Σ_f w_f·x_f + Σ_g w_{g,level_g(x)} sums one
// weight per numeric feature and one per factor level (the one-hot weights).
type logistic struct {
	// w holds the numeric weights, then each factor's level weights, then
	// the intercept.
	w []float64
	// offsets[g] is the index in w of factor g's first level weight.
	offsets []int
}

// Settings of fitLogistic, scikit-learn's defaults for LogisticRegression
// (SDMetrics raises max_iter to 300 where it could not converge).
const (
	logisticC       = 1.0
	logisticMaxIter = 300
	logisticGradTol = 1e-4
)

// fitLogistic fits the model on the rows of d listed in idx with labels y
// (0 or 1, indexed by row of d).
func fitLogistic(d *design, idx []int, y []uint8) *logistic {
	m := &logistic{offsets: make([]int, len(d.factors))}
	nw := len(d.numNames)
	for g, f := range d.factors {
		m.offsets[g] = nw
		nw += f.card
	}
	nw++ // intercept
	n := float64(len(idx))
	var lastX []float64
	var lastF float64
	lastG := make([]float64, nw)
	eval := func(x []float64) {
		if lastX != nil && slices.Equal(x, lastX) {
			return
		}
		lastX = append(lastX[:0], x...)
		clear(lastG)
		var loss float64
		for _, i := range idx {
			z := m.score(d, i, x)
			s := 1.0
			if y[i] == 0 {
				s = -1
			}
			// log(1 + exp(−s·z)) and its derivative −s·σ(−s·z), stably.
			t := -s * z
			if t > 0 {
				loss += t + math.Log1p(math.Exp(-t))
			} else {
				loss += math.Log1p(math.Exp(t))
			}
			dz := -s / (1 + math.Exp(-t)) / n
			m.addGradient(d, i, lastG, dz)
		}
		lastF = loss / n
		for j := range nw - 1 {
			lastF += x[j] * x[j] / (2 * logisticC * n)
			lastG[j] += x[j] / (logisticC * n)
		}
	}
	w := minimizeLBFGS(func(x []float64) (float64, []float64) { eval(x); return lastF, lastG },
		make([]float64, nw), logisticMaxIter, logisticGradTol)
	m.w = w
	return m
}

// minimizeLBFGS minimises f from x0 by limited-memory BFGS (Nocedal and
// Wright, Numerical Optimization, algorithm 7.4: the two-loop recursion over
// the last lbfgsMemory steps) with a backtracking Armijo line search. It
// stops after maxIter iterations, when the largest gradient component is
// below gradTol, or when the line search finds no decrease. f returns the
// value and the gradient, which the caller may reuse between calls.
func minimizeLBFGS(f func([]float64) (float64, []float64), x0 []float64, maxIter int, gradTol float64) []float64 {
	const lbfgsMemory = 10
	n := len(x0)
	x := slices.Clone(x0)
	fx, g0 := f(x)
	g := slices.Clone(g0)
	var ss, ys [][]float64
	var rhos []float64
	dir := make([]float64, n)
	alpha := make([]float64, lbfgsMemory)
	xNew := make([]float64, n)
	for range maxIter {
		if infNorm(g) < gradTol {
			break
		}
		// dir = −H·g by the two-loop recursion.
		copy(dir, g)
		for k := len(ss) - 1; k >= 0; k-- {
			alpha[k] = rhos[k] * dot(ss[k], dir)
			axpy(-alpha[k], ys[k], dir)
		}
		if k := len(ss) - 1; k >= 0 {
			scale(dot(ss[k], ys[k])/dot(ys[k], ys[k]), dir)
		}
		for k := range ss {
			beta := rhos[k] * dot(ys[k], dir)
			axpy(alpha[k]-beta, ss[k], dir)
		}
		scale(-1, dir)
		slope := dot(g, dir)
		if slope >= 0 { // not a descent direction: restart from the gradient
			ss, ys, rhos = ss[:0], ys[:0], rhos[:0]
			copy(dir, g)
			scale(-1, dir)
			slope = dot(g, dir)
		}
		step := 1.0
		if len(ss) == 0 {
			step = 1 / max(1, infNorm(g))
		}
		var fNew float64
		var gNew []float64
		for tries := 0; ; tries++ {
			for i := range x {
				xNew[i] = x[i] + step*dir[i]
			}
			fNew, gNew = f(xNew)
			if fNew <= fx+1e-4*step*slope {
				break
			}
			if tries == 40 {
				return x
			}
			step /= 2
		}
		s, y := make([]float64, n), make([]float64, n)
		for i := range x {
			s[i], y[i] = xNew[i]-x[i], gNew[i]-g[i]
		}
		if sy := dot(s, y); sy > 1e-12 {
			if len(ss) == lbfgsMemory {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
		}
		copy(x, xNew)
		copy(g, gNew)
		fx = fNew
	}
	return x
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpy sets y += a·x.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

func infNorm(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

// score returns f(x) of row i of d under the weights w.
func (m *logistic) score(d *design, i int, w []float64) float64 {
	nn, nf := len(d.numNames), len(d.factors)
	z := w[len(w)-1]
	for f, v := range d.num[i*nn : (i+1)*nn] {
		z += w[f] * v
	}
	for g, l := range d.levels[i*nf : (i+1)*nf] {
		z += w[m.offsets[g]+int(l)]
	}
	return z
}

// addGradient adds dz·∂f(x_i)/∂w to grad.
func (m *logistic) addGradient(d *design, i int, grad []float64, dz float64) {
	nn, nf := len(d.numNames), len(d.factors)
	for f, v := range d.num[i*nn : (i+1)*nn] {
		grad[f] += dz * v
	}
	for g, l := range d.levels[i*nf : (i+1)*nf] {
		grad[m.offsets[g]+int(l)] += dz
	}
	grad[len(grad)-1] += dz
}

// predict returns the decision values f(x) of the rows of d listed in idx;
// they rank rows as the probabilities do.
func (m *logistic) predict(d *design, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = m.score(d, i, m.w)
	}
	return out
}
