package vgm

import (
	"math"
	"testing"
)

func TestFastExp(t *testing.T) {
	tests := []struct{ lo, hi float64 }{
		{-1e-3, 0},
		{-1, 0},
		{-40, 0},
		{-700, -40},
	}
	for _, tt := range tests {
		worst := 0.0
		for i := 0; i <= 200000; i++ {
			x := tt.lo + (tt.hi-tt.lo)*float64(i)/200000
			want := math.Exp(x)
			worst = math.Max(worst, math.Abs(fastExp(x)-want)/want)
		}
		if worst > 5e-16 {
			t.Errorf("fastExp on [%v, %v]: worst relative error %g", tt.lo, tt.hi, worst)
		}
	}
	if got := fastExp(0); got != 1 {
		t.Errorf("fastExp(0) = %v, want exactly 1", got)
	}
}

func TestFastLog(t *testing.T) {
	tests := []struct{ lo, hi float64 }{
		{1, 1 + 1e-9},
		{1, 2},
		{1, 10},
		{1e-300, 1e-290},
		{0.5, 1e6},
	}
	for _, tt := range tests {
		worst := 0.0
		for i := 0; i <= 200000; i++ {
			x := tt.lo + (tt.hi-tt.lo)*float64(i)/200000
			want := math.Log(x)
			worst = math.Max(worst, math.Abs(fastLog(x)-want)/math.Max(1, math.Abs(want)))
		}
		if worst > 5e-16 {
			t.Errorf("fastLog on [%v, %v]: worst error %g", tt.lo, tt.hi, worst)
		}
	}
}

func BenchmarkFastExp(b *testing.B) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += fastExp(-float64(i&1023) * 0.03)
	}
	benchSink = s
}

func BenchmarkFastLog(b *testing.B) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += fastLog(1 + float64(i&1023)*0.01)
	}
	benchSink = s
}

// benchSink keeps benchmark results alive.
var benchSink float64
