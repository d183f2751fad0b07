package table

import (
	"slices"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// TestForestCalibration checks that the calibrated u of every numeric
// column of the example table that may be calibrated (the fit chooses
// among them, see chooseCalibrated) is uniform: drawn as generation draws
// it (a component by weight, then p through the component's u), its
// Kolmogorov-Smirnov distance to the uniform falls below 0.01, and below
// that of the uncalibrated u.
func TestForestCalibration(t *testing.T) {
	m := fitExample(t, ModelTypeForest, 1461)
	m.Forest.Calibrated = nil
	for j := range m.Columns {
		above := slices.ContainsFunc(m.Forest.Above, func(a Above) bool { return a.Column == j })
		if m.Columns[j].inCopula() && !above {
			m.Forest.Calibrated = append(m.Forest.Calibrated, j)
		}
	}
	g, err := NewGenerator(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Forest.Calibrated) == 0 {
		t.Fatal("no column to calibrate")
	}
	const n = 100000
	for _, fn := range g.forest.num {
		name := g.cols[fn.col].Name
		if fn.calib == nil {
			continue
		}
		r := rng.New(3, uint64(fn.col))
		raw, cal := make([]float64, 0, n), make([]float64, 0, n)
		for len(raw) < n {
			k := g.forest.pick.Sample(&r)
			cell := &fn.cells[k]
			if r.Float64() < cell.null || r.Float64() < cell.amass {
				continue
			}
			u := fn.uAt(k, r.Float64())
			raw, cal = append(raw, u), append(cal, fn.calib.at(u))
		}
		before, after := ksUniform(raw), ksUniform(cal)
		t.Logf("%s: KS to uniform %.4f uncalibrated, %.4f calibrated", name, before, after)
		if after > 0.01 || after > before {
			t.Errorf("%s: KS to uniform %.4f calibrated, %.4f not", name, after, before)
		}
	}
}

// ksUniform is the Kolmogorov-Smirnov distance of the sample u to the
// uniform distribution on [0, 1].
func ksUniform(u []float64) float64 {
	slices.Sort(u)
	return ksTo(u, func(x float64) float64 { return x })
}

// uAt is component k's u at the uniform p, as generation draws it (the
// first sweep of forestNum.fill): read from the component's table of u,
// or computed in its end intervals.
func (fn *forestNum) uAt(k int, p float64) float64 {
	hp := p * uKnots
	if q := int(hp); q >= 1 && q < uKnots-1 {
		t := fn.u[k*(uKnots+1) : (k+1)*(uKnots+1)]
		a := float64(t[q])
		return a + (hp-float64(q))*(float64(t[q+1])-a)
	}
	return fn.cells[k].u(p)
}
