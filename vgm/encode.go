package vgm

import "github.com/vgmsynth/vgmsynth/vgm/rng"

// alphaClip bounds the encoded alpha, as CTGAN does.
const alphaClip = 0.99

// Encode maps a finite x to a mode drawn from its responsibilities (one
// Float64 from r) and alpha = (x - μ_mode) / (4 σ_mode), clipped to
// [-0.99, 0.99].
func (m *Mixture) Encode(x float64, r *rng.Rand) (alpha float64, mode int) {
	var arr [MaxModes]float64
	p := scratch(&arr, m.Len())
	m.responsibilities(x, p)
	u := r.Float64()
	mode = len(p) - 1
	acc := 0.0
	for k, v := range p {
		acc += v
		if u < acc {
			mode = k
			break
		}
	}
	// Rounding can leave acc slightly below 1; never pick a mode of zero
	// responsibility because of it.
	for mode > 0 && p[mode] == 0 {
		mode--
	}
	return m.alpha(x, mode), mode
}

// EncodeArgmax is Encode with the most likely mode instead of a random one
// (ties go to the lower index).
func (m *Mixture) EncodeArgmax(x float64) (alpha float64, mode int) {
	var arr [MaxModes]float64
	p := scratch(&arr, m.Len())
	m.responsibilities(x, p)
	for k, v := range p {
		if v > p[mode] {
			mode = k
		}
	}
	return m.alpha(x, mode), mode
}

// alpha returns x's clipped normalised offset from mode k.
func (m *Mixture) alpha(x float64, k int) float64 {
	// Halve first so that x-μ cannot overflow.
	a := (x/2 - m.Means[k]/2) / (2 * m.Stds[k])
	return min(max(a, -alphaClip), alphaClip)
}

// Decode inverts Encode: it returns μ_mode + 4 σ_mode alpha, with alpha
// clipped to [-1, 1] first. mode must be in [0, Len()).
func (m *Mixture) Decode(alpha float64, mode int) float64 {
	a := min(max(alpha, -1), 1)
	return m.Means[mode] + 4*m.Stds[mode]*a
}
