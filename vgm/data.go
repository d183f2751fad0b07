package vgm

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// column is a standardised, sorted and deduplicated copy of the input.
type column struct {
	mean, std float64   // of the input, std with divisor n
	n         float64   // number of input values
	z         []float64 // distinct standardised values, ascending
	w         []float64 // multiplicity of each z
}

// checkFinite returns an error naming the first value that is NaN or
// infinite.
func checkFinite(x []float64) error {
	if len(x) == 0 {
		return errors.New("no values")
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("value %d is %v, want finite", i, v)
		}
	}
	return nil
}

// moments returns the mean and the standard deviation (divisor n) of x,
// computed in two passes for accuracy. It reports ok = false when the
// values are all equal or their spread is not representable.
func moments(x []float64) (mean, std float64, ok bool) {
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	if lo == hi {
		return lo, 0, false
	}
	// Scale by the largest magnitude so that sums of squares cannot
	// overflow for values near the float64 limit.
	scale := math.Max(math.Abs(lo), math.Abs(hi))
	n := float64(len(x))
	sum := 0.0
	for _, v := range x {
		sum += v / scale
	}
	m := sum / n
	ss, comp := 0.0, 0.0
	for _, v := range x {
		d := v/scale - m
		ss += d * d
		comp += d
	}
	variance := (ss - comp*comp/n) / n
	mean, std = m*scale, math.Sqrt(variance)*scale
	if !(std > 0) || math.IsInf(std, 0) || math.IsInf(1/std, 0) {
		return mean, std, false
	}
	return mean, std, true
}

// newColumn standardises, sorts and deduplicates x, which must be finite
// with a positive standard deviation.
func newColumn(x []float64, mean, std float64) *column {
	s := slices.Clone(x)
	sortFloats(s)
	c := &column{mean: mean, std: std, n: float64(len(x))}
	c.z = s[:0] // reuse the sorted copy in place
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && s[j] == s[i] {
			j++
		}
		c.z = append(c.z, (s[i]-mean)/std)
		c.w = append(c.w, float64(j-i))
		i = j
	}
	c.z = slices.Clip(c.z)
	return c
}
