package vgm

import (
	"math"
	"slices"
)

const (
	radixBits = 11
	radixSize = 1 << radixBits
	// radixMin is the length below which sortFloats uses slices.Sort.
	radixMin = 1 << 12
)

// sortFloats sorts finite values in ascending order; -0 and +0 compare
// equal and may come in either order. Long slices use an LSD radix sort on order-preserving integer keys, several
// times faster than a comparison sort on a million values.
func sortFloats(x []float64) {
	n := len(x)
	if n < radixMin {
		slices.Sort(x)
		return
	}
	keys := make([]uint64, n)
	tmp := make([]uint64, n)
	const passes = (64 + radixBits - 1) / radixBits
	var counts [passes][radixSize]int
	for i, v := range x {
		k := floatKey(v)
		keys[i] = k
		for p := range passes {
			counts[p][k>>(p*radixBits)&(radixSize-1)]++
		}
	}
	for p := range passes {
		c := &counts[p]
		if c[keys[0]>>(p*radixBits)&(radixSize-1)] == n {
			continue // every key has the same digit: nothing to do
		}
		sum := 0
		for d, cnt := range c {
			c[d] = sum
			sum += cnt
		}
		shift := p * radixBits
		for _, k := range keys {
			d := k >> shift & (radixSize - 1)
			tmp[c[d]] = k
			c[d]++
		}
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		x[i] = keyFloat(k)
	}
}

// floatKey maps a float64 to a uint64 with the same order.
func floatKey(v float64) uint64 {
	b := math.Float64bits(v)
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// keyFloat inverts floatKey.
func keyFloat(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k ^ 1<<63)
	}
	return math.Float64frombits(^k)
}
