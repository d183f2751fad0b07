package quality

import (
	"math"
	"slices"
	"testing"
)

const eps = 1e-12

func near(a, b float64) bool {
	if a == b {
		return true
	}
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= eps
}

var nan = math.NaN()

func TestKSComplement(t *testing.T) {
	tests := []struct {
		name      string
		real, syn []float64
		want      float64 // 1 − D
	}{
		{"identical", []float64{1, 2, 3}, []float64{3, 1, 2}, 1},
		{"shifted by two", []float64{1, 2, 3, 4}, []float64{3, 4, 5, 6}, 0.5},
		// F_a − F_b at 2, 3, 4, 5: 0.4, 0.6−1/6, 0.8−2/6, 1−3/6.
		{"unequal sizes", []float64{1, 2, 3, 4, 5}, []float64{3, 4, 5, 6, 7, 8}, 0.5},
		// At 0: 2/3 vs 0.
		{"ties", []float64{0, 0, 1}, []float64{1, 1, 1}, 1 - 2.0/3},
		// At 1: 1/2 vs 1/4; at 2: 1 vs 1.
		{"ties in both", []float64{1, 1, 2, 2}, []float64{1, 2, 2, 2}, 0.75},
		{"disjoint", []float64{1, 2}, []float64{5, 6, 7}, 0},
		{"nulls dropped", []float64{1, nan, 2, math.Inf(1), 3}, []float64{nan, 3, 2, 1, nan}, 1},
		{"all null", []float64{nan, nan}, []float64{1}, nan},
		{"empty synthetic", []float64{1}, nil, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			real, syn := slices.Clone(tt.real), slices.Clone(tt.syn)
			got := ksComplement(real, syn)
			if !near(got, tt.want) {
				t.Errorf("ksComplement(%v, %v) = %v, want %v", tt.real, tt.syn, got, tt.want)
			}
			if !slices.EqualFunc(real, tt.real, near) {
				t.Errorf("ksComplement modified its input: %v", real)
			}
		})
	}
}

// codes encodes string columns with a shared dictionary, "" as null.
func codes(real, syn []string) (r, s []int32, card int) {
	dict := map[string]int32{}
	enc := func(v []string) []int32 {
		c := Column{Kind: Categorical, Cat: v, Null: make([]bool, len(v))}
		for i, x := range v {
			c.Null[i] = x == ""
		}
		return encodeCategories(&c, dict)
	}
	r, s = enc(real), enc(syn)
	return r, s, len(dict) + 1
}

func TestTVComplement(t *testing.T) {
	tests := []struct {
		name      string
		real, syn []string
		want      float64
	}{
		{"identical", []string{"a", "b", "b"}, []string{"b", "a", "b"}, 1},
		// Real a .5 b .25 c .25, synthetic a .25 b .5 d .25: Σ|Δ| = 1.
		{"known frequencies", []string{"a", "a", "b", "c"}, []string{"a", "b", "b", "d"}, 0.5},
		{"disjoint", []string{"a", "a"}, []string{"b"}, 0},
		// Real a 2/3 b 1/3, synthetic a 1/2 b 1/2: Σ|Δ| = 1/3.
		{"unequal sizes", []string{"a", "a", "b"}, []string{"a", "b"}, 1 - 1.0/6},
		{"nulls dropped", []string{"a", "", "b"}, []string{"a", "b", "", ""}, 1},
		{"all null", []string{"", ""}, []string{"a"}, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, s, card := codes(tt.real, tt.syn)
			if got := tvComplement(r, s, card); !near(got, tt.want) {
				t.Errorf("tvComplement(%q, %q) = %v, want %v", tt.real, tt.syn, got, tt.want)
			}
		})
	}
}

func TestCorrelationSimilarity(t *testing.T) {
	tests := []struct {
		name           string
		ra, rb, sa, sb []float64
		want, rr, rs   float64
	}{
		{"equal", []float64{1, 2, 3}, []float64{2, 4, 6}, []float64{1, 2, 3}, []float64{5, 7, 9}, 1, 1, 1},
		{"opposite", []float64{1, 2, 3, 4, 5}, []float64{2, 4, 6, 8, 10}, []float64{1, 2, 3, 4, 5}, []float64{10, 8, 6, 4, 2}, 0, 1, -1},
		// x = 1,2,3 and y = 1,3,2: cov 1, var 2 and 2, r = 0.5.
		{"half", []float64{1, 2, 3}, []float64{2, 4, 6}, []float64{1, 2, 3}, []float64{1, 3, 2}, 0.75, 1, 0.5},
		// The rows with a null are dropped, leaving the "half" case.
		{"nulls dropped", []float64{1, 2, nan, 3}, []float64{2, 4, 5, 6},
			[]float64{1, nan, 2, 3, 7}, []float64{1, 9, 3, 2, nan}, 0.75, 1, 0.5},
		{"constant", []float64{1, 2, 3}, []float64{2, 4, 6}, []float64{1, 2, 3}, []float64{4, 4, 4}, nan, 1, nan},
		{"one complete row", []float64{1, 2}, []float64{1, 2}, []float64{1, nan}, []float64{1, 2}, nan, 1, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rr, rs := correlationSimilarity(tt.ra, tt.rb, tt.sa, tt.sb)
			if !near(got, tt.want) || !near(rr, tt.rr) || !near(rs, tt.rs) {
				t.Errorf("correlationSimilarity = %v (r %v, %v), want %v (r %v, %v)", got, rr, rs, tt.want, tt.rr, tt.rs)
			}
		})
	}
}

func TestContingencySimilarity(t *testing.T) {
	tests := []struct {
		name              string
		ra, rb, sa, sb    []string
		want, vReal, vSyn float64
	}{
		// Real: (a,x) .5 (b,y) .5. Synthetic: every cell .25. Σ|Δ| = 1.
		{"2x2", []string{"a", "a", "b", "b"}, []string{"x", "x", "y", "y"},
			[]string{"a", "a", "b", "b"}, []string{"x", "y", "x", "y"},
			0.5, 1, 0},
		// The same three cells in another row order. Cramér's V: rows 1, 2,
		// columns 2, 1; Σ O²/(R·C) = 1/2 + 1/4 + 1/2, φ² = 1/4.
		{"identical", []string{"a", "b", "b"}, []string{"x", "y", "x"},
			[]string{"b", "a", "b"}, []string{"x", "x", "y"},
			1, 0.5, 0.5},
		// Null is a category: real (a,x) (∅,x) (a,y) (∅,y) .25 each,
		// synthetic (a,x) .5 (a,y) .25 (∅,y) .25. Σ|Δ| = .5. Synthetic V:
		// Σ O²/(R·C) = 4/6 + 1/6 + 1/2, φ² = 1/3.
		{"null category", []string{"a", "", "a", ""}, []string{"x", "x", "y", "y"},
			[]string{"a", "a", "a", ""}, []string{"x", "x", "y", "y"},
			0.75, 0, 1 / math.Sqrt(3)},
		{"single category has no association", []string{"a", "a", "a"}, []string{"x", "y", "z"},
			[]string{"a", "a", "a"}, []string{"x", "y", "z"},
			1, 0, 0},
		{"disjoint", []string{"a", "b"}, []string{"x", "x"},
			[]string{"c", "c"}, []string{"y", "y"},
			0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ra, sa, ca := codes(tt.ra, tt.sa)
			rb, sb, cb := codes(tt.rb, tt.sb)
			real := contingencyCells(ra, rb, ca, cb)
			syn := contingencyCells(sa, sb, ca, cb)
			if got := contingencySimilarity(real, syn); !near(got, tt.want) {
				t.Errorf("contingencySimilarity = %v, want %v", got, tt.want)
			}
			if vr, vs := cramersV(real, ca, cb), cramersV(syn, ca, cb); !near(vr, tt.vReal) || !near(vs, tt.vSyn) {
				t.Errorf("Cramér's V = %v, %v; want %v, %v", vr, vs, tt.vReal, tt.vSyn)
			}
		})
	}
}

func TestCramersV(t *testing.T) {
	// 2×2 table [[30 10] [10 30]], n = 80: χ² = 4·(10²/20) = 20, V = √(20/80) = 0.5.
	var a, b []int32
	add := func(x, y int32, n int) {
		for range n {
			a, b = append(a, x), append(b, y)
		}
	}
	add(1, 1, 30)
	add(1, 2, 10)
	add(2, 1, 10)
	add(2, 2, 30)
	cc := contingencyCells(a, b, 3, 3)
	if got := cramersV(cc, 3, 3); !near(got, 0.5) {
		t.Errorf("cramersV = %v, want 0.5", got)
	}
}

func TestContingencySparse(t *testing.T) {
	// Cardinalities past denseCellLimit take the sorting path.
	const n = 5000
	a, b := make([]int32, n), make([]int32, n)
	sa, sb := make([]int32, n), make([]int32, n)
	for i := range n {
		a[i], b[i] = int32(i%300), int32((i*7)%300)
		sa[i], sb[i] = int32((i*3)%300), int32((i*11)%300)
	}
	card := 300
	if int64(card)*int64(card) <= denseCellLimit {
		t.Fatalf("test needs more than %d cells", denseCellLimit)
	}
	sparse := contingencySimilarity(contingencyCells(a, b, card, card), contingencyCells(sa, sb, card, card))
	want := func() float64 {
		cr, cs := map[[2]int32]float64{}, map[[2]int32]float64{}
		for i := range n {
			cr[[2]int32{a[i], b[i]}] += 1.0 / n
			cs[[2]int32{sa[i], sb[i]}] += 1.0 / n
		}
		var tv float64
		for k, v := range cr {
			tv += math.Abs(v - cs[k])
		}
		for k, v := range cs {
			if _, ok := cr[k]; !ok {
				tv += v
			}
		}
		return 1 - tv/2
	}()
	if math.Abs(sparse-want) > 1e-9 {
		t.Errorf("sparse contingencySimilarity = %v, brute force %v", sparse, want)
	}
}

func TestBinColumn(t *testing.T) {
	tests := []struct {
		name string
		x    []float64
		want []int32
	}{
		{"equal width", []float64{0, 1, 5, 9.99, 10}, []int32{1, 2, 6, 10, 10}},
		{"offset range", []float64{10, 12, 20}, []int32{1, 3, 10}},
		{"nulls", []float64{nan, 0, math.Inf(-1), 10}, []int32{0, 1, 0, 10}},
		{"constant", []float64{3, 3}, []int32{1, 1}},
		{"all null", []float64{nan}, []int32{0}},
		{"huge range", []float64{-math.MaxFloat64, 0, math.MaxFloat64}, []int32{1, 6, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := binColumn(tt.x, NumBins); !slices.Equal(got, tt.want) {
				t.Errorf("binColumn(%v) = %v, want %v", tt.x, got, tt.want)
			}
		})
	}
}
