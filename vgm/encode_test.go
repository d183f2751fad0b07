package vgm

import (
	"math"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r := rng.New(4, 4)
	for name, m := range testMixtures {
		s := m.NewSampler()
		for i := 0; i < 2000; i++ {
			x := s.Sample(&r)
			for _, enc := range []func(float64) (float64, int){
				func(x float64) (float64, int) { return m.Encode(x, &r) },
				m.EncodeArgmax,
			} {
				alpha, mode := enc(x)
				if mode < 0 || mode >= m.Len() || !(math.Abs(alpha) <= alphaClip) {
					t.Fatalf("%s: encode(%v) = (%v, %d)", name, x, alpha, mode)
				}
				if math.Abs(alpha) == alphaClip {
					continue
				}
				if got := m.Decode(alpha, mode); !relClose(got, x, 1e-9, m.Stds[mode]) {
					t.Errorf("%s: Decode(Encode(%v)) = %v", name, x, got)
				}
			}
		}
	}
}

func TestEncodeModeFrequencies(t *testing.T) {
	m := testMixtures["overlapping"]
	const n = 200000
	for _, x := range []float64{-1, 0.15, 2} {
		want := m.Responsibilities(x, nil)
		r := rng.New(5, 5)
		counts := make([]float64, m.Len())
		for i := 0; i < n; i++ {
			_, mode := m.Encode(x, &r)
			counts[mode]++
		}
		chi, df := 0.0, -1.0
		for k := range counts {
			e := want[k] * n
			if e == 0 {
				if counts[k] != 0 {
					t.Errorf("x=%v: mode %d of zero responsibility drawn", x, k)
				}
				continue
			}
			d := counts[k] - e
			chi += d * d / e
			df++
		}
		if z := (chi - df) / math.Sqrt(2*df); z > 5 {
			t.Errorf("x=%v: mode frequencies %v, responsibilities %v (chi-square z %.1f)", x, counts, want, z)
		}
	}
}

func TestEncodeArgmax(t *testing.T) {
	tests := []struct {
		x         float64
		wantMode  int
		wantAlpha float64
	}{
		{-5, 0, 0},
		{-4, 0, 0.25},
		{0.5, 1, 0.25},
		{8, 2, 0},
		{16, 2, 0.99},      // clipped
		{-1e300, 2, -0.99}, // the widest mode dominates the far tails
	}
	for _, tt := range tests {
		alpha, mode := knownMixture.EncodeArgmax(tt.x)
		if mode != tt.wantMode || math.Abs(alpha-tt.wantAlpha) > 1e-15 {
			t.Errorf("EncodeArgmax(%v) = (%v, %d), want (%v, %d)", tt.x, alpha, mode, tt.wantAlpha, tt.wantMode)
		}
	}
}

func TestDecodeClips(t *testing.T) {
	tests := []struct {
		alpha float64
		mode  int
		want  float64
	}{
		{0, 0, -5},
		{0.5, 1, 1},
		{1, 2, 16},
		{7, 2, 16},
		{-7, 0, -9},
		{math.Inf(1), 1, 2},
	}
	for _, tt := range tests {
		if got := knownMixture.Decode(tt.alpha, tt.mode); got != tt.want {
			t.Errorf("Decode(%v, %d) = %v, want %v", tt.alpha, tt.mode, got, tt.want)
		}
	}
}
