package rng

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Alias samples indices of a discrete distribution in O(1) time with
// Walker's alias method, built with Vose's numerically stable algorithm.
// An Alias is immutable after construction and safe for concurrent use
// (each goroutine supplying its own Rand).
type Alias struct {
	// thresh[i] is the probability of keeping column i, scaled to 2^64.
	thresh []uint64
	// alias[i] is the index returned when column i is not kept.
	alias []int32
}

// maxAliasLen bounds the table size so that indices fit in int32.
const maxAliasLen = math.MaxInt32

// NewAlias builds an alias table for the given non-negative weights, which
// need not sum to one. It refuses an empty slice, negative, NaN or infinite
// weights, and weights that are all zero.
func NewAlias(weights []float64) (*Alias, error) {
	n := len(weights)
	if n == 0 {
		return nil, errors.New("rng: alias table needs at least one weight")
	}
	if n > maxAliasLen {
		return nil, fmt.Errorf("rng: alias table of %d weights is too large", n)
	}
	maxW := 0.0
	for i, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return nil, fmt.Errorf("rng: alias weight %d is %v, want finite and >= 0", i, w)
		}
		maxW = math.Max(maxW, w)
	}
	if maxW == 0 {
		return nil, errors.New("rng: alias weights are all zero")
	}
	// Scale by the largest weight first so that the sum cannot overflow.
	sum := 0.0
	for _, w := range weights {
		sum += w / maxW
	}
	prob := make([]float64, n)
	scale := float64(n) / sum
	for i, w := range weights {
		prob[i] = w / maxW * scale
	}

	a := &Alias{thresh: make([]uint64, n), alias: make([]int32, n)}
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, p := range prob {
		if p < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.setColumn(int(s), prob[s], l)
		prob[l] = (prob[l] + prob[s]) - 1
		if prob[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// Whatever remains has probability 1 up to rounding.
	for _, i := range large {
		a.setColumn(int(i), 1, i)
	}
	for _, i := range small {
		a.setColumn(int(i), 1, i)
	}
	return a, nil
}

// setColumn records that column i keeps itself with probability p and
// otherwise yields alias.
func (a *Alias) setColumn(i int, p float64, alias int32) {
	if p >= 1 {
		a.thresh[i] = math.MaxUint64
		a.alias[i] = int32(i)
		return
	}
	a.thresh[i] = uint64(p * 0x1p64)
	a.alias[i] = alias
}

// Len returns the number of outcomes.
func (a *Alias) Len() int { return len(a.thresh) }

// Column returns column i of the table: the coin's threshold, scaled to
// 2^64, below which Pick keeps i, and the index it yields otherwise; so
// that callers may lay many small tables out together and pick from them
// with the same outcomes.
func (a *Alias) Column(i int) (thresh uint64, alias int32) { return a.thresh[i], a.alias[i] }

// Sample returns an index in [0, Len()) drawn with probability proportional
// to its weight. It consumes exactly one Uint64: the high part of the
// 128-bit product of the draw and Len() selects the column, and the low
// part, uniform on [0, 2^64) to within Len()/2^64, is the biased coin.
func (a *Alias) Sample(r *Rand) int {
	i, coin := bits.Mul64(r.Uint64(), uint64(len(a.thresh)))
	j := int(a.alias[i])
	if coin < a.thresh[i] {
		j = int(i) // compiled to a conditional move: the coin is unpredictable
	}
	return j
}

// Pick is Sample with the draw given: the outcome for one Uint64 x, so
// that callers may draw their numbers in one order and use them in
// another.
func (a *Alias) Pick(x uint64) int {
	i, coin := bits.Mul64(x, uint64(len(a.thresh)))
	j := int(a.alias[i])
	if coin < a.thresh[i] {
		j = int(i)
	}
	return j
}
