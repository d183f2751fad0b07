package quality

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchTable returns n rows of five columns: two correlated numbers, a
// datetime, a 20-way category and a boolean, with a few nulls.
func benchTable(n int, seed uint64) Table {
	rng := rand.New(rand.NewPCG(seed, 1))
	cats := make([]string, 20)
	for i := range cats {
		cats[i] = "category-" + strconv.Itoa(i)
	}
	x, y, ts := make([]float64, n), make([]float64, n), make([]float64, n)
	cat, flag := make([]string, n), make([]string, n)
	catNull := make([]bool, n)
	for i := range n {
		x[i] = rng.NormFloat64()
		y[i] = 0.8*x[i] + 0.6*rng.NormFloat64()
		ts[i] = 1.6e9 + math.Floor(3e7*rng.Float64())
		k := int(math.Abs(x[i])*6) + rng.IntN(4)
		cat[i] = cats[min(k, len(cats)-1)]
		catNull[i] = rng.IntN(50) == 0
		flag[i] = strconv.FormatBool(y[i] > 0.2)
		if rng.IntN(100) == 0 {
			x[i] = math.NaN()
		}
	}
	return mixedTable(x, y, ts, cat, catNull, flag)
}

// BenchmarkEvaluate1M evaluates a 1M-row synthetic table against a 1M-row
// real table with the default options. Run it with
//
//	go test -run '^$' -bench Evaluate1M -benchtime 1x ./vgm/quality/
func BenchmarkEvaluate1M(b *testing.B) {
	const n = 1_000_000
	real, syn := benchTable(n, 1), benchTable(n, 2)
	b.ResetTimer()
	for b.Loop() {
		rep, err := Evaluate(real, syn, Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		if math.IsNaN(rep.Score) {
			b.Fatal("NaN score")
		}
	}
}

// BenchmarkLogic measures LogicOf on 20k real and 20k synthetic rows (the
// default detection sample) and on 1M rows each, where detection samples
// 20k of each and the rules and seasonality read 200k and all rows. Run it
// with
//
//	go test -run '^$' -bench Logic -benchtime 1x ./vgm/quality/
func BenchmarkLogic(b *testing.B) {
	for _, n := range []int{20_000, 1_000_000} {
		real, syn := benchTable(n, 1), benchTable(n, 2)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				lg, err := LogicOf(real, syn, LogicOptions{Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				if lg.Detection.RowsEach != DefaultDetectionRows {
					b.Fatalf("detection on %d rows each", lg.Detection.RowsEach)
				}
			}
		})
	}
}
