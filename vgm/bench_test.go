package vgm

import (
	"fmt"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// benchFit fits n draws of the known mixture and reports ns per value, ns
// per E/M iteration and ns per value per iteration.
func benchFit(b *testing.B, n int) {
	x := drawFrom(knownMixture, n, 1)
	var info FitInfo
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if _, info, err = FitWithInfo(x, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	perFit := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perFit/float64(n), "ns/value")
	b.ReportMetric(perFit/float64(info.Iterations), "ns/iter")
	b.ReportMetric(perFit/float64(info.Iterations)/float64(n), "ns/value/iter")
	b.ReportMetric(float64(info.Iterations), "iters")
}

func BenchmarkFit10k(b *testing.B)  { benchFit(b, 10_000) }
func BenchmarkFit100k(b *testing.B) { benchFit(b, 100_000) }
func BenchmarkFit1M(b *testing.B)   { benchFit(b, 1_000_000) }

// BenchmarkFitDistinct fits columns with few distinct values (integer
// rounding of the known mixture), where deduplication pays off.
func BenchmarkFitRounded1M(b *testing.B) {
	x := drawFrom(knownMixture, 1_000_000, 1)
	for i, v := range x {
		x[i] = float64(int(v * 10))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit(x, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/value")
}

// benchMixtures are the mixtures of the per-value benchmarks: three modes
// and the ten-mode worst case.
var benchMixtures = []struct {
	name string
	m    *Mixture
}{
	{"modes=3", knownMixture},
	{"modes=10", testMixtures["ten modes"]},
}

func BenchmarkSample(b *testing.B) {
	for _, bm := range benchMixtures {
		b.Run(bm.name, func(b *testing.B) {
			s := bm.m.NewSampler()
			r := rng.New(1, 1)
			sum := 0.0
			for i := 0; i < b.N; i++ {
				sum += s.Sample(&r)
			}
			benchSink = sum
		})
	}
}

func BenchmarkSampleMode(b *testing.B) {
	s := testMixtures["ten modes"].NewSampler()
	r := rng.New(1, 1)
	sum := 0
	for i := 0; i < b.N; i++ {
		sum += s.SampleMode(&r)
	}
	benchSink = float64(sum)
}

// benchQuantile times quantile on uniform draws. The exact quantile and
// the table go through the same call, so that their times compare.
func benchQuantile(b *testing.B, quantile func(u float64) float64) {
	r := rng.New(1, 1)
	sum := 0.0
	for i := 0; i < b.N; i++ {
		sum += quantile(r.Float64())
	}
	benchSink = sum
}

func BenchmarkQuantileTable(b *testing.B) {
	for _, bm := range benchMixtures {
		b.Run(bm.name, func(b *testing.B) {
			benchQuantile(b, bm.m.NewQuantileTable(1024).Quantile)
		})
	}
}

func BenchmarkNewQuantileTable(b *testing.B) {
	for _, size := range []int{256, 1024} {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			knots := 0
			for i := 0; i < b.N; i++ {
				knots = testMixtures["ten modes"].NewQuantileTable(size).Len()
			}
			b.ReportMetric(float64(knots), "knots")
		})
	}
}

func BenchmarkQuantileExact(b *testing.B) {
	benchQuantile(b, testMixtures["ten modes"].Quantile)
}

func BenchmarkEncode(b *testing.B) {
	for _, bm := range benchMixtures {
		b.Run(bm.name, func(b *testing.B) {
			x := drawFrom(bm.m, 4096, 3)
			r := rng.New(1, 1)
			sum := 0.0
			for i := 0; i < b.N; i++ {
				a, k := bm.m.Encode(x[i&4095], &r)
				sum += a + float64(k)
			}
			benchSink = sum
		})
	}
}

// tenModeDraws returns the ten-mode worst case and 4096 draws from it,
// which a per-value benchmark cycles through (x[i&4095]).
func tenModeDraws() (*Mixture, []float64) {
	m := testMixtures["ten modes"]
	return m, drawFrom(m, 4096, 3)
}

func BenchmarkEncodeArgmax(b *testing.B) {
	m, x := tenModeDraws()
	sum := 0.0
	for i := 0; i < b.N; i++ {
		a, k := m.EncodeArgmax(x[i&4095])
		sum += a + float64(k)
	}
	benchSink = sum
}

func BenchmarkDecode(b *testing.B) {
	m := testMixtures["ten modes"]
	sum := 0.0
	for i := 0; i < b.N; i++ {
		sum += m.Decode(0.3, i%10)
	}
	benchSink = sum
}

func BenchmarkLogPDF(b *testing.B) {
	m, x := tenModeDraws()
	sum := 0.0
	for i := 0; i < b.N; i++ {
		sum += m.LogPDF(x[i&4095])
	}
	benchSink = sum
}
