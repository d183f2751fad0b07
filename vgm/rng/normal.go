package rng

import "math"

// Ziggurat parameters for 256 layers (Marsaglia and Tsang, 2000): zigR is
// the start of the tail and zigV the common area of every layer, for the
// unnormalised density f(x) = exp(-x*x/2).
const (
	zigLayers = 256
	zigR      = 3.6541528853610088
	zigV      = 4.92867323399e-3
)

// zigX[i] is the right edge of layer i and zigF[i] = f(zigX[i]). Layer
// i >= 1 is the rectangle [0, zigX[i]] x [zigF[i], zigF[i+1]]; layer 0 is
// the base strip [0, zigR] x [0, f(zigR)] plus the tail, represented as a
// rectangle of the same area with width zigX[0] = zigV / f(zigR).
var zigX, zigF [zigLayers + 1]float64

func init() {
	fr := detExp(-0.5 * zigR * zigR)
	zigX[0] = zigV / fr
	zigX[1] = zigR
	zigF[0] = detExp(float64(-0.5*zigX[0]) * zigX[0])
	zigF[1] = fr
	for i := 1; i < zigLayers-1; i++ {
		// f(x[i+1]) = f(x[i]) + V/x[i], solved for x[i+1].
		fy := zigF[i] + zigV/zigX[i]
		zigX[i+1] = math.Sqrt(-2 * detLog(fy))
		zigF[i+1] = fy
	}
	zigX[zigLayers] = 0
	zigF[zigLayers] = 1
}

// NormFloat64 returns a standard normal variate (mean 0, variance 1).
// One Uint64 is consumed in about 99% of calls: its low 8 bits pick the
// layer, bit 8 the sign and the top 53 bits the abscissa.
func (r *Rand) NormFloat64() float64 {
	for {
		b := r.Uint64()
		i := b & (zigLayers - 1)
		u := float64(b>>11) * 0x1p-53
		x := float64(u * zigX[i])
		if x < zigX[i+1] {
			return applySign(x, b)
		}
		if i == 0 {
			return applySign(r.normTail(), b)
		}
		// Wedge: accept if a uniform height in the layer lies under f(x).
		y := zigF[i] + float64(r.Float64()*(zigF[i+1]-zigF[i]))
		if y < detExp(float64(-0.5*x)*x) {
			return applySign(x, b)
		}
	}
}

// normTail samples from the normal tail beyond zigR (Marsaglia 1964).
func (r *Rand) normTail() float64 {
	for {
		x := -detLog(1-r.Float64()) / zigR
		y := -detLog(1 - r.Float64())
		if y+y >= float64(x*x) {
			return zigR + x
		}
	}
}

// applySign negates x when bit 8 of b is set. It is branch-free because
// the sign is unpredictable.
func applySign(x float64, b uint64) float64 {
	return math.Float64frombits(math.Float64bits(x) ^ (b&zigLayers)<<55)
}
