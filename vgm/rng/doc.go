// Package rng provides deterministic, fast pseudo-random numbers for the
// synthesizer.
//
// The generator is xoshiro256** (Blackman and Vigna) seeded through
// splitmix64, so that a (seed, stream) pair always yields the same sequence
// on every platform and every Go release. Normal variates come from a
// 256-layer ziggurat whose tables are computed at package initialisation
// with FMA-free arithmetic and this package's own exp and log, which keeps
// the stream byte-stable across architectures. Alias implements Vose's
// alias method for O(1) sampling from a discrete distribution. Hash, the
// splitmix64 output function, is vgmsynth's one 64-bit hash.
//
// The sequences produced here are pinned by golden tests; any change to
// them is a breaking change for every stored seed.
package rng
