package quality

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExactCopies(t *testing.T) {
	real := table(
		numCol("x", 1, 2, nan, 0, 5),
		catCol("c", "a", "b", "c", "", "e"),
	)
	tests := []struct {
		name string
		syn  Table
		want int
	}{
		{"identical", real, 5},
		{"half copied", table(numCol("x", 1, 2, 3, 4), catCol("c", "a", "b", "x", "y")), 2},
		{"one column differs", table(numCol("x", 1, 2), catCol("c", "b", "a")), 0},
		{"null equals null", table(numCol("x", nan, 0), catCol("c", "c", "")), 2},
		{"negative zero equals zero", table(numCol("x", math.Copysign(0, -1)), catCol("c", "")), 1},
		{"empty string is not null", table(numCol("x", 0), Column{Name: "c", Kind: Categorical, Cat: []string{""}}), 0},
		{"nearly equal is not equal", table(numCol("x", math.Nextafter(1, 2)), catCol("c", "a")), 0},
		{"duplicates all count", table(numCol("x", 5, 5, 5), catCol("c", "e", "e", "e")), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			syn, err := align(real, tt.syn)
			if err != nil {
				t.Fatal(err)
			}
			if got := exactCopies(&real, &syn); got != tt.want {
				t.Errorf("exactCopies = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	// Columns: a continuous value already divided by its range, a category
	// code, a continuous column compared exactly (zero range).
	exact := []bool{false, true, true}
	refs := []float64{
		0.0, 1, 7,
		0.5, 2, 7,
	}
	tests := []struct {
		name  string
		query []float64
		want  float64
	}{
		{"equal to a reference", []float64{0.5, 2, 7}, 0},
		{"numeric difference", []float64{0.1, 1, 7}, 0.1 / 3},
		{"capped at 1", []float64{3, 1, 7}, 1.0 / 3},
		{"category mismatch", []float64{0.5, 3, 7}, 1.0 / 3},
		{"exact column mismatch", []float64{0, 1, 8}, 1.0 / 3},
		// Against row 1: |0.6 − 0| capped no, 0.6 + 0 + 0; row 2: 0.1 + 1 + 0.
		{"closest of two", []float64{0.6, 1, 7}, 0.6 / 3},
		{"null against value", []float64{nan, 1, 7}, 1.0 / 3},
		{"everything null", []float64{nan, nan, nan}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nearest(tt.query, refs, exact)
			if len(got) != 1 || math.Abs(got[0]-tt.want) > 1e-12 {
				t.Errorf("nearest(%v) = %v, want [%v]", tt.query, got, tt.want)
			}
		})
	}
	// Null matches null.
	if got := nearest([]float64{nan, 1, 7}, []float64{nan, 1, 7}, exact); got[0] != 0 {
		t.Errorf("null against null: distance %v, want 0", got[0])
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		x    []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{5}, 5},
		{nil, nan},
	}
	for _, tt := range tests {
		if got := median(tt.x); !near(got, tt.want) {
			t.Errorf("median(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

func TestDCR(t *testing.T) {
	// 2000 real rows and PrivacyRows 1000: the reference sample is the
	// whole reference half, so copied rows are found.
	real := correlated(2000, 1, true)
	fresh := correlated(2000, 99, true)
	tests := []struct {
		name        string
		syn         Table
		lo, hi      float64 // bounds on DCRRatio
		exactCopies float64
	}{
		// Half the synthetic rows are reference rows: the median distance
		// drops to about 0.
		{"copy of the real table", real, 0, 0.3, 1},
		// Fresh rows from the same distribution are as far as holdout rows.
		{"fresh sample", fresh, 0.8, 1.25, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Evaluate(real, tt.syn, Options{Seed: 5, PrivacyRows: 1000})
			if err != nil {
				t.Fatal(err)
			}
			p := rep.Privacy
			if !(p.DCRRatio >= tt.lo && p.DCRRatio <= tt.hi) {
				t.Errorf("DCRRatio = %v (synthetic %v, holdout %v), want in [%v, %v]",
					p.DCRRatio, p.DCRSynthetic, p.DCRHoldout, tt.lo, tt.hi)
			}
			if p.ExactCopyRate != tt.exactCopies {
				t.Errorf("ExactCopyRate = %v, want %v", p.ExactCopyRate, tt.exactCopies)
			}
			if p.DCRReferenceRows != 1000 || p.DCRHoldoutRows != 1000 || p.DCRSyntheticRows != 1000 {
				t.Errorf("DCR sample sizes %d/%d/%d, want 1000 each", p.DCRReferenceRows, p.DCRHoldoutRows, p.DCRSyntheticRows)
			}
		})
	}
}

func TestDCRSmallTables(t *testing.T) {
	tests := []struct {
		name                 string
		real, syn            Table
		synthetic, hold, rat float64
	}{
		// One real row: no holdout half, no reference either.
		{"single real row", table(numCol("x", 1)), table(numCol("x", 1)), nan, nan, nan},
		// Two rows: one reference, one holdout; x range 10. The synthetic
		// row equals both (categories only), so both medians are 0.
		{"all distances zero", table(catCol("c", "a", "a")), table(catCol("c", "a")), 0, 0, 1},
		{"holdout zero, synthetic not", table(catCol("c", "a", "a")), table(catCol("c", "b")), 1, 0, nan},
		{"numeric", table(numCol("x", 0, 10)), table(numCol("x", 5)), 0.5, 1, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Privacy
			dcr(&p, &tt.real, &tt.syn, 100, rand.New(rand.NewPCG(1, 2)))
			if !near(p.DCRSynthetic, tt.synthetic) || !near(p.DCRHoldout, tt.hold) || !near(p.DCRRatio, tt.rat) {
				t.Errorf("DCR synthetic %v holdout %v ratio %v; want %v %v %v",
					p.DCRSynthetic, p.DCRHoldout, p.DCRRatio, tt.synthetic, tt.hold, tt.rat)
			}
		})
	}
}
