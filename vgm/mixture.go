package vgm

import (
	"errors"
	"fmt"
	"math"
)

// Mixture is a one-dimensional Gaussian mixture in a column's units, with
// modes sorted by mean. Weights sum to one.
type Mixture struct {
	Weights []float64 `json:"weights"`
	Means   []float64 `json:"means"`
	Stds    []float64 `json:"stds"`
}

// weightSumTol is the tolerance of Validate on the sum of the weights.
const weightSumTol = 1e-9

// Len returns the number of modes.
func (m *Mixture) Len() int { return len(m.Weights) }

// Validate reports whether m is usable: 1..MaxModes modes, equal lengths,
// finite values, weights >= 0 summing to 1 within 1e-9, and stds > 0.
// Call it on every Mixture that did not come from Fit, such as one decoded
// from JSON.
func (m *Mixture) Validate() error {
	if m == nil {
		return errors.New("vgm: nil mixture")
	}
	k := len(m.Weights)
	if k < 1 || k > MaxModes {
		return fmt.Errorf("vgm: mixture has %d modes, want 1..%d", k, MaxModes)
	}
	if len(m.Means) != k || len(m.Stds) != k {
		return fmt.Errorf("vgm: mixture has %d weights, %d means and %d stds, want equal lengths",
			k, len(m.Means), len(m.Stds))
	}
	sum := 0.0
	for i := 0; i < k; i++ {
		w, mu, s := m.Weights[i], m.Means[i], m.Stds[i]
		switch {
		case !(w >= 0) || math.IsInf(w, 0):
			return fmt.Errorf("vgm: mode %d weight is %v, want finite >= 0", i, w)
		case math.IsNaN(mu) || math.IsInf(mu, 0):
			return fmt.Errorf("vgm: mode %d mean is %v, want finite", i, mu)
		case !(s > 0) || math.IsInf(s, 0):
			return fmt.Errorf("vgm: mode %d std is %v, want finite > 0", i, s)
		}
		sum += w
	}
	if math.Abs(sum-1) > weightSumTol {
		return fmt.Errorf("vgm: mixture weights sum to %v, want 1", sum)
	}
	return nil
}
