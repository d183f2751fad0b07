package vgm

import (
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// anyMixture is a random valid mixture for testing/quick: 1..10 modes with
// weights (some zero), means and stds spread over many orders of
// magnitude.
type anyMixture struct{ *Mixture }

// Generate implements quick.Generator.
func (anyMixture) Generate(r *rand.Rand, _ int) reflect.Value {
	k := 1 + r.Intn(MaxModes)
	scale := math.Pow(10, float64(r.Intn(25)-12))
	m := &Mixture{}
	sum := 0.0
	for i := 0; i < k; i++ {
		w := r.Float64()
		if i > 0 && r.Intn(5) == 0 {
			w = 0
		}
		m.Weights = append(m.Weights, w)
		m.Means = append(m.Means, scale*r.NormFloat64()*10)
		m.Stds = append(m.Stds, scale*math.Pow(10, 2*r.Float64()-3))
		sum += w
	}
	if sum == 0 {
		m.Weights[0], sum = 1, 1
	}
	for i := range m.Weights {
		m.Weights[i] /= sum
	}
	return reflect.ValueOf(anyMixture{m})
}

// probe returns finite points around and far from m's modes.
func probe(m *Mixture, u float64) []float64 {
	xs := []float64{0, -math.MaxFloat64, math.MaxFloat64, 1e-300}
	for k, mu := range m.Means {
		for _, dz := range []float64{-1e6, -5, -1, 0, u, 3, 1e300} {
			xs = append(xs, mu+dz*m.Stds[k])
		}
	}
	return xs
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// quickConfig is seeded so that failures reproduce.
var quickConfig = &quick.Config{MaxCount: 300, Rand: rand.New(rand.NewSource(1))}

func TestPropertyCDFMonotone(t *testing.T) {
	f := func(am anyMixture, a, b float64) bool {
		m := am.Mixture
		if err := m.Validate(); err != nil {
			t.Fatalf("generator made an invalid mixture: %v", err)
		}
		xs := probe(m, a)
		lo, hi := m.bracket()
		for i := 0; i <= 100; i++ {
			xs = append(xs, lo+(hi-lo)*float64(i)/100)
		}
		for _, x := range xs {
			for _, dx := range []float64{0, math.Abs(b) * m.Stds[0], m.Stds[0]} {
				c1, c2 := m.CDF(x), m.CDF(x+dx)
				if !(c1 >= 0 && c2 <= 1 && c1 <= c2) {
					t.Logf("CDF(%v) = %v, CDF(%v) = %v", x, c1, x+dx, c2)
					return false
				}
			}
		}
		return true
	}
	if err := quick.Check(f, quickConfig); err != nil {
		t.Error(err)
	}
}

func TestPropertyNoNaN(t *testing.T) {
	f := func(am anyMixture, u float64, seed uint64) bool {
		m := am.Mixture
		r := rng.New(seed, 0)
		var buf []float64
		for _, x := range probe(m, u) {
			if !finite(x) {
				continue
			}
			if lp := m.LogPDF(x); math.IsNaN(lp) || math.IsInf(lp, 1) {
				t.Logf("LogPDF(%v) = %v", x, lp)
				return false
			}
			buf = m.Responsibilities(x, buf)
			for _, v := range buf {
				if !(v >= 0 && v <= 1) {
					t.Logf("Responsibilities(%v) = %v", x, buf)
					return false
				}
			}
			for _, enc := range []func() (float64, int){
				func() (float64, int) { return m.Encode(x, &r) },
				func() (float64, int) { return m.EncodeArgmax(x) },
			} {
				alpha, mode := enc()
				if !(math.Abs(alpha) <= alphaClip) || mode < 0 || mode >= m.Len() || !(m.Weights[mode] > 0) {
					t.Logf("encode(%v) = (%v, %d)", x, alpha, mode)
					return false
				}
				if math.IsNaN(m.Decode(alpha, mode)) {
					return false
				}
			}
		}
		s := m.NewSampler()
		for i := 0; i < 100; i++ {
			if v := s.Sample(&r); !finite(v) {
				t.Logf("Sample = %v", v)
				return false
			}
		}
		return true
	}
	if err := quick.Check(f, quickConfig); err != nil {
		t.Error(err)
	}
}

func TestPropertyQuantile(t *testing.T) {
	f := func(am anyMixture, u float64) bool {
		m := am.Mixture
		p := math.Abs(math.Mod(u, 1))
		if p < 1e-9 || p > 1-1e-9 {
			p = 0.5
		}
		x := m.Quantile(p)
		if !finite(x) || math.Abs(m.CDF(x)-p) > quantileTol(m, x) {
			t.Logf("Quantile(%v) = %v, CDF %v", p, x, m.CDF(x))
			return false
		}
		return true
	}
	if err := quick.Check(f, quickConfig); err != nil {
		t.Error(err)
	}
}

// quantileTol is the accuracy Quantile can reach at x: 1e-9, plus the
// probability between neighbouring floats where the density is so high
// that one ulp of x moves the CDF by more.
func quantileTol(m *Mixture, x float64) float64 {
	ulp := math.Nextafter(x, math.Inf(1)) - x
	return 1e-9 + 2*math.Exp(m.LogPDF(x))*ulp
}

// mixtureFromFuzz builds a two-mode mixture from fuzz inputs, or nil when
// they do not make a valid one.
func mixtureFromFuzz(w, m1, s1, m2, s2 float64) *Mixture {
	if !(w >= 0 && w <= 1) {
		return nil
	}
	m := &Mixture{Weights: []float64{w, 1 - w}, Means: []float64{m1, m2}, Stds: []float64{s1, s2}}
	if m.Validate() != nil {
		return nil
	}
	return m
}

func FuzzEncodeDecode(f *testing.F) {
	f.Add(0.3, -5.0, 1.0, 8.0, 2.0, 0.0, uint64(1))
	f.Add(0.5, 0.0, 1e-9, 1e12, 1e9, 1e12, uint64(2))
	f.Add(1.0, 0.0, 1e-300, 1.0, 1.0, -1e308, uint64(3))
	f.Add(0.0, -1e300, 1e300, 1e300, 1e-300, 1e300, uint64(4))
	f.Fuzz(func(t *testing.T, w, m1, s1, m2, s2, x float64, seed uint64) {
		m := mixtureFromFuzz(w, m1, s1, m2, s2)
		if m == nil || !finite(x) {
			return
		}
		r := rng.New(seed, 0)
		for _, enc := range []func() (float64, int){
			func() (float64, int) { return m.Encode(x, &r) },
			func() (float64, int) { return m.EncodeArgmax(x) },
		} {
			alpha, mode := enc()
			if !(math.Abs(alpha) <= alphaClip) || mode < 0 || mode > 1 {
				t.Fatalf("encode(%v) = (%v, %d)", x, alpha, mode)
			}
			got := m.Decode(alpha, mode)
			if math.IsNaN(got) {
				t.Fatalf("Decode(%v, %d) = NaN", alpha, mode)
			}
			if math.Abs(alpha) < alphaClip && finite(got) && !relClose(got, x, 1e-9, m.Stds[mode]) {
				t.Fatalf("Decode(Encode(%v)) = %v via mode %d alpha %v", x, got, mode, alpha)
			}
		}
		if lp := m.LogPDF(x); math.IsNaN(lp) {
			t.Fatalf("LogPDF(%v) = NaN", x)
		}
		if c := m.CDF(x); !(c >= 0 && c <= 1) {
			t.Fatalf("CDF(%v) = %v", x, c)
		}
	})
}

func FuzzCDFQuantile(f *testing.F) {
	f.Add(0.3, -5.0, 1.0, 8.0, 2.0, 0.25)
	f.Add(0.999, 0.0, 1e-6, 1e6, 1.0, 0.999)
	f.Add(0.5, 1e12, 1.0, -1e12, 1e10, 1e-8)
	f.Fuzz(func(t *testing.T, w, m1, s1, m2, s2, p float64) {
		m := mixtureFromFuzz(w, m1, s1, m2, s2)
		if m == nil || !(p > 1e-9 && p < 1-1e-9) {
			return
		}
		// Only well-conditioned mixtures: stds above the resolution of
		// their means.
		for k := range m.Means {
			if m.Stds[k] < 1e-10*math.Abs(m.Means[k]) || m.Stds[k] > 1e100 || math.Abs(m.Means[k]) > 1e100 {
				return
			}
		}
		x := m.Quantile(p)
		if !finite(x) {
			t.Fatalf("Quantile(%v) = %v", p, x)
		}
		if c := m.CDF(x); math.Abs(c-p) > quantileTol(m, x) {
			t.Fatalf("CDF(Quantile(%v)) = %v", p, c)
		}
		// The CDF is monotone around x.
		if m.CDF(x-math.Abs(x)*1e-6-m.Stds[0]) > m.CDF(x) || m.CDF(x) > m.CDF(x+m.Stds[1]) {
			t.Fatalf("CDF not monotone around %v", x)
		}
	})
}

// FuzzValidate decodes arbitrary JSON; whatever Validate accepts must be
// usable without NaN or panics.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`{"weights":[1],"means":[0],"stds":[1]}`))
	f.Add([]byte(`{"weights":[0.5,0.5],"means":[0,1e308],"stds":[1e-320,1e308]}`))
	f.Add([]byte(`{"weights":[0.5,0.6],"means":[0,1],"stds":[1,1]}`))
	f.Add([]byte(`{"weights":[1],"means":[0],"stds":[-1]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Mixture
		if json.Unmarshal(b, &m) != nil || m.Validate() != nil {
			return
		}
		r := rng.New(1, 1)
		s := m.NewSampler()
		s.Sample(&r)
		for _, x := range probe(&m, 0.3) {
			if !finite(x) {
				continue
			}
			if math.IsNaN(m.LogPDF(x)) || math.IsNaN(m.CDF(x)) {
				t.Fatalf("NaN at %v for %+v", x, m)
			}
			if a, k := m.Encode(x, &r); math.IsNaN(a) || k < 0 || k >= m.Len() {
				t.Fatalf("Encode(%v) = (%v, %d) for %+v", x, a, k, m)
			}
		}
	})
}

// FuzzFit fits small arbitrary columns: Fit must succeed on finite input
// and return a valid mixture.
func FuzzFit(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1.0)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, 1e-300)
	f.Add([]byte{255, 0, 255, 0, 7, 7, 7, 7, 1, 2, 3}, 1e300)
	f.Fuzz(func(t *testing.T, b []byte, scale float64) {
		if !finite(scale) || len(b) > 200 {
			return
		}
		x := make([]float64, len(b))
		for i, v := range b {
			x[i] = float64(v) * scale
			if !finite(x[i]) {
				return
			}
		}
		m, err := Fit(x, DefaultConfig())
		if len(x) == 0 {
			if err == nil {
				t.Fatal("Fit of nothing succeeded")
			}
			return
		}
		if err != nil {
			t.Fatalf("Fit(%v): %v", x, err)
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Fit(%v) = %+v: %v", x, *m, err)
		}
	})
}
