package rng

// golden is 2^64 divided by the golden ratio, the splitmix64 increment.
const golden = 0x9e3779b97f4a7c15

// mix64 is the splitmix64 output function, a bijection on uint64 with good
// avalanche behaviour.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Hash is splitmix64's output for the state z: a bijection on uint64 in
// which every input bit affects every output bit. It is vgmsynth's one
// 64-bit hash (seeding, sampling priorities, row hashes); its values are
// pinned like the streams.
func Hash(z uint64) uint64 { return mix64(z + golden) }

// splitmix64 advances the splitmix64 state *x and returns its next output.
func splitmix64(x *uint64) uint64 {
	*x += golden
	return mix64(*x)
}
