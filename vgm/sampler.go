package vgm

import (
	"fmt"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// Sampler draws values from a Mixture: an alias table picks the mode and
// the ziggurat supplies the Gaussian. It is immutable and safe for
// concurrent use with one Rand per goroutine.
type Sampler struct {
	alias       *rng.Alias
	means, stds []float64
}

// NewSampler returns a sampler for m, which must be valid (see Validate);
// it panics when m's weights cannot form an alias table.
func (m *Mixture) NewSampler() *Sampler {
	a, err := rng.NewAlias(m.Weights)
	if err != nil {
		panic(fmt.Sprintf("vgm: NewSampler on an invalid mixture: %v", err))
	}
	return &Sampler{
		alias: a,
		means: append([]float64(nil), m.Means...),
		stds:  append([]float64(nil), m.Stds...),
	}
}

// SampleMode draws a mode index with probability equal to its weight,
// consuming one Uint64 from r.
func (s *Sampler) SampleMode(r *rng.Rand) int { return s.alias.Sample(r) }

// Sample draws a value from the mixture.
func (s *Sampler) Sample(r *rng.Rand) float64 {
	k := s.alias.Sample(r)
	return s.means[k] + s.stds[k]*r.NormFloat64()
}
