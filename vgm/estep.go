package vgm

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

const (
	// blockSize is the number of distinct values per E-step block. Blocks
	// are summed in index order, so results do not depend on scheduling.
	blockSize = 1 << 14
	// maxWorkers bounds the goroutines of one E-step.
	maxWorkers = 2
	// expCut skips components whose log joint density is more than expCut
	// below the best one: their responsibility is below e^-40 ≈ 4e-18,
	// under the rounding error of the largest term.
	expCut = 40
)

// blockAcc accumulates one block's E-step results.
type blockAcc struct {
	n, s1, s2 [MaxModes]float64
	rLogR     float64 // Σ w r log r
}

// estepRunner evaluates E-steps over a column, reusing its block buffers.
type estepRunner struct {
	z, w    []float64
	blocks  []blockAcc
	workers int
}

// newEstepRunner prepares E-steps over sorted distinct values z with
// multiplicities w.
func newEstepRunner(z, w []float64) *estepRunner {
	nb := (len(z) + blockSize - 1) / blockSize
	return &estepRunner{
		z:       z,
		w:       w,
		blocks:  make([]blockAcc, nb),
		workers: min(runtime.GOMAXPROCS(0), maxWorkers, nb),
	}
}

// run computes the responsibilities under e and returns their sufficient
// statistics (shifted by the component means) and Σ w r log r.
func (er *estepRunner) run(e *estepParams, st *suffStats) (rLogR float64) {
	var next atomic.Int64
	work := func() {
		for {
			b := int(next.Add(1) - 1)
			if b >= len(er.blocks) {
				return
			}
			lo := b * blockSize
			hi := min(lo+blockSize, len(er.z))
			estepBlock(er.z[lo:hi], er.w[lo:hi], e, &er.blocks[b])
		}
	}
	var wg sync.WaitGroup
	for i := 1; i < er.workers; i++ {
		wg.Go(work)
	}
	work()
	wg.Wait()

	*st = suffStats{}
	copy(st.shift[:], e.mean[:e.k])
	for b := range er.blocks {
		acc := &er.blocks[b]
		for j := 0; j < e.k; j++ {
			st.n[j] += acc.n[j]
			st.s1[j] += acc.s1[j]
			st.s2[j] += acc.s2[j]
		}
		rLogR += acc.rLogR
	}
	return rLogR
}

// subBlock is the number of consecutive sorted values that share one
// active-component list in estepBlock.
const subBlock = 256

// estepBlock computes the E-step over one block of sorted distinct values.
// It splits the block into sub-blocks and, for each, bounds every
// component's log joint density over the sub-block's value range; a
// component whose upper bound is more than expCut below the best lower
// bound has responsibility below e^-expCut everywhere in the sub-block and
// is skipped there. Sorting makes sub-block ranges narrow, so components
// far from the sub-block (about half of them on typical multi-modal data)
// cost nothing.
func estepBlock(z, w []float64, e *estepParams, acc *blockAcc) {
	*acc = blockAcc{}
	var act activeSet
	for lo := 0; lo < len(z); lo += subBlock {
		hi := min(lo+subBlock, len(z))
		act.choose(e, z[lo], z[hi-1])
		act.accumulate(z[lo:hi], w[lo:hi], acc)
	}
}

// activeSet holds the components that may matter over a range of values,
// in compact arrays, with their accumulators.
type activeSet struct {
	na          int
	idx         [MaxModes]int
	mean, hp, c [MaxModes]float64
}

// choose selects the components of e that can reach within expCut of the
// best one somewhere in [lo, hi].
func (a *activeSet) choose(e *estepParams, lo, hi float64) {
	var upper [MaxModes]float64
	bestLower := math.Inf(-1)
	for j := 0; j < e.k; j++ {
		m, h, c := e.mean[j], e.hp[j], e.c[j]
		near := min(max(m, lo), hi) - m
		far := max(math.Abs(lo-m), math.Abs(hi-m))
		upper[j] = c - h*near*near
		bestLower = max(bestLower, c-h*far*far)
	}
	a.na = 0
	for j := 0; j < e.k; j++ {
		if upper[j] >= bestLower-expCut {
			a.idx[a.na] = j
			a.mean[a.na], a.hp[a.na], a.c[a.na] = e.mean[j], e.hp[j], e.c[j]
			a.na++
		}
	}
}

// accumulate is the fused E-step kernel over values sharing the active
// set: for each distinct value it computes the log joint densities,
// normalises them with log-sum-exp, and accumulates the weighted
// responsibilities, their first and second moments around the component
// means, and the entropy term Σ w r log r into acc.
//
// The entropy is split as Σ r (lp - best) - Σ w log(sum) so that no log is
// taken per value: for values of multiplicity one the sums are multiplied
// together (renormalised every 16 factors, each factor being in [1, k]).
// The exponential is fastExp (a 256-entry table and a degree-4
// polynomial, relative error below 1e-16 plus rounding), which the
// compiler inlines: it stays within the inlining budget.
func (a *activeSet) accumulate(z, w []float64, acc *blockAcc) {
	mean := a.mean[:a.na]
	hp := a.hp[:len(mean)]
	c := a.c[:len(mean)]
	var lpA, dA, eA, nA, s1A, s2A, rtA [MaxModes]float64
	lp, d, ex := lpA[:len(mean)], dA[:len(mean)], eA[:len(mean)]
	n, s1, s2 := nA[:len(mean)], s1A[:len(mean)], s2A[:len(mean)]
	rt := rtA[:len(mean)] // Σ r (lp - best), per component to keep dependency chains short
	w = w[:len(z)]
	var (
		logSums float64 // Σ w log(sum)
		prod    = 1.0   // running product of sums of multiplicity-1 values
		prodExp int64   // binary exponent taken out of prod
		prodLen int     // factors in prod since the last renormalisation
	)
	for i, x := range z {
		best := math.Inf(-1)
		for j, m := range mean {
			dj := x - m
			l := c[j] - hp[j]*dj*dj
			d[j], lp[j] = dj, l
			if l > best { // not max(): its NaN handling costs a lot here
				best = l
			}
		}
		sum := 0.0
		for j, l := range lp {
			t := l - best
			v := 0.0
			if t > -expCut {
				v = fastExp(t)
			}
			ex[j], lp[j] = v, t
			sum += v
		}
		wi := w[i]
		if wi == 1 {
			prod *= sum
			if prodLen++; prodLen == 16 {
				b := math.Float64bits(prod)
				prodExp += int64(b>>52&0x7ff) - 1023
				prod = math.Float64frombits(b&(1<<52-1) | 1023<<52)
				prodLen = 0
			}
		} else {
			logSums += wi * fastLog(sum)
		}
		scale := wi / sum
		for j, v := range ex {
			r := v * scale
			rd := r * d[j]
			n[j] += r
			s1[j] += rd
			s2[j] += rd * d[j]
			rt[j] += r * lp[j]
		}
	}
	logSums += float64(prodExp)*math.Ln2 + fastLog(prod)
	rT := 0.0
	for _, v := range rt {
		rT += v
	}
	acc.rLogR += rT - logSums
	for j, o := range a.idx[:len(mean)] {
		acc.n[o] += n[j]
		acc.s1[o] += s1[j]
		acc.s2[o] += s2[j]
	}
}
