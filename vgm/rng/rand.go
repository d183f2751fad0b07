package rng

import "math/bits"

// Rand is a xoshiro256** generator. The zero value is not a valid
// generator; obtain one from New. Rand is a small value type: copying it
// duplicates the stream, which is occasionally useful (replaying) and
// otherwise a bug. A Rand must not be used by several goroutines at once.
type Rand struct {
	s [4]uint64
}

// New returns a generator for the given seed and stream. Distinct streams
// of one seed are statistically independent: the pair is mixed through
// splitmix64 before it seeds the xoshiro256** state, so callers can derive
// one generator per (seed, block) without coordinating.
func New(seed, stream uint64) Rand {
	key := Hash(Hash(seed) ^ stream)
	var r Rand
	for i := range r.s {
		r.s[i] = splitmix64(&key)
	}
	// Four consecutive outputs of a bijection of distinct inputs cannot
	// all be zero, so the state is always valid.
	return r
}

// Uint64 returns a uniformly distributed 64-bit value.
func (r *Rand) Uint64() (x uint64) {
	x, r.s[0], r.s[1], r.s[2], r.s[3] = step(r.s[0], r.s[1], r.s[2], r.s[3])
	return x
}

// Scatter draws len(at) values, as many calls of Uint64 would, and stores
// the i-th at dst[at[i]]: for a caller that reads them in another order
// than it draws them. The state stays in registers meanwhile.
func (r *Rand) Scatter(dst []uint64, at []int32) {
	s0, s1, s2, s3 := r.s[0], r.s[1], r.s[2], r.s[3]
	for _, j := range at {
		dst[j], s0, s1, s2, s3 = step(s0, s1, s2, s3)
	}
	r.s = [4]uint64{s0, s1, s2, s3}
}

// step is one xoshiro256** step: the output of state s0..s3 and the next
// state.
func step(s0, s1, s2, s3 uint64) (x, n0, n1, n2, n3 uint64) {
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	return bits.RotateLeft64(s1*5, 7) * 9, s0 ^ s3, s1 ^ s2, s2 ^ t, bits.RotateLeft64(s3, 45)
}

// Float64 returns a uniformly distributed value in [0, 1) with 53 random
// bits (all multiples of 2^-53 are equally likely).
func (r *Rand) Float64() float64 {
	return float64(r.Uint64()>>11) * 0x1p-53
}

// Intn returns a uniformly distributed integer in [0, n) without modulo
// bias, using Lemire's multiply-and-reject method. It panics if n <= 0.
func (r *Rand) Intn(n int) int {
	if n <= 0 {
		panic("rng: Intn called with n <= 0")
	}
	return int(r.uint64n(uint64(n)))
}

// uint64n returns a uniform value in [0, n) for n > 0 (Lemire 2019).
func (r *Rand) uint64n(n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}
