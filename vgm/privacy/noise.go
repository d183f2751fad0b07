package privacy

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// Noise draws the random noise of the mechanisms. Anyone who knows its
// seed can redraw the noise and subtract it from the released counts, so a
// real deployment draws the seed with SecretSeed and never stores it; a
// fixed seed makes a fit reproducible, for tests and measurements.
type Noise struct {
	r rng.Rand
}

// NewNoise returns a noise source seeded with seed.
func NewNoise(seed uint64) *Noise {
	return &Noise{r: rng.New(seed, 0x70726976)}
}

// SecretSeed draws a seed from the operating system's cryptographic
// random source.
func SecretSeed() (uint64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("privacy: draw a secret noise seed: %w", err)
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// Laplace draws from the Laplace distribution of scale b (density
// exp(−|x|/b)/(2b), standard deviation √2·b).
func (n *Noise) Laplace(b float64) float64 {
	u := n.r.Float64() - 0.5 // in [−0.5, 0.5)
	if u < 0 {
		return b * math.Log1p(2*u) // log(1 − 2|u|), 1−2|u| in (0, 1]
	}
	return -b * math.Log1p(-2*u)
}

// Count releases a count of sensitivity 1 with epsilon: count + Laplace(1/ε).
func (n *Noise) Count(count, epsilon float64) float64 {
	return count + n.Laplace(1/epsilon)
}

// Threshold is the least noisy count at which a cell of an unknown domain
// is released by the (ε, δ) Laplace-with-threshold mechanism: a cell that
// holds one row reaches it with probability exp(−(τ−1)ε)/2 = δ.
func Threshold(epsilon, delta float64) float64 {
	return 1 + math.Log(1/(2*delta))/epsilon
}

// Histogram releases counts of values from an unknown domain, where each
// row counts once in one cell, under (epsilon, delta): cells of public
// (a domain known without the data, such as a null or a boolean's two
// spellings) are always released; every other value is released only when
// its noisy count reaches Threshold. Values are noised in sorted order, so
// that a seed gives the same result whatever the map's order. Released
// counts may be negative (public cells only).
func (n *Noise) Histogram(counts map[string]int64, public []string, epsilon, delta float64) map[string]float64 {
	keys := make([]string, 0, len(counts)+len(public))
	for k := range counts {
		keys = append(keys, k)
	}
	for _, k := range public {
		if _, ok := counts[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	tau := Threshold(epsilon, delta)
	out := map[string]float64{}
	for _, k := range keys {
		c := n.Count(float64(counts[k]), epsilon)
		if c >= tau || slices.Contains(public, k) {
			out[k] = c
		}
	}
	return out
}

// Exponential chooses an index of scores with the exponential mechanism:
// index i with probability proportional to exp(ε·score_i/(2Δ)), where Δ
// bounds how much one row changes any score. It draws by adding Gumbel
// noise to each scaled score and taking the largest (the Gumbel-max
// trick), which has exactly that distribution.
func (n *Noise) Exponential(scores []float64, epsilon, sensitivity float64) int {
	best, bestV := 0, math.Inf(-1)
	for i, s := range scores {
		u := n.r.Float64()
		for u == 0 {
			u = n.r.Float64()
		}
		v := epsilon*s/(2*sensitivity) - math.Log(-math.Log(u))
		if v > bestV {
			best, bestV = i, v
		}
	}
	return best
}

// Rand returns a stream for choices that are not noise (shuffles of
// candidates), drawn from the same seed.
func (n *Noise) Rand() *rng.Rand { return &n.r }
