package vgm

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// digamma is the logarithmic derivative of the gamma function.
func digamma(x float64) float64 { return mathext.Digamma(x) }

// lgamma is log|Γ(x)|.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// betaln is log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a+b) for a, b > 0.
func betaln(a, b float64) float64 {
	return lgamma(a) + lgamma(b) - lgamma(a+b)
}
