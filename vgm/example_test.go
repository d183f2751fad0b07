package vgm_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

func Example() {
	// A bimodal column: 60% around 10, 40% around 50.
	r := rng.New(42, 0)
	x := make([]float64, 10000)
	for i := range x {
		if r.Float64() < 0.6 {
			x[i] = 10 + r.NormFloat64()
		} else {
			x[i] = 50 + 5*r.NormFloat64()
		}
	}
	m, err := vgm.Fit(x, vgm.DefaultConfig())
	if err != nil {
		log.Fatal(err)
	}
	// Encode a value as (alpha, mode) and decode it back.
	alpha, mode := m.EncodeArgmax(12)
	fmt.Printf("12 -> mode near %.0f, decoded %.6g\n", m.Means[mode], m.Decode(alpha, mode))

	// Mixtures travel as JSON; validate what you load.
	b, _ := json.Marshal(m)
	var back vgm.Mixture
	if err := json.Unmarshal(b, &back); err != nil {
		log.Fatal(err)
	}
	fmt.Println("valid:", back.Validate() == nil)

	// Generate: by sampling or through the quantile table.
	s := back.NewSampler()
	q := back.NewQuantileTable(1024)
	fmt.Printf("median %.1f\n", q.Quantile(0.5))
	_ = s.Sample(&r)
	// Output:
	// 12 -> mode near 10, decoded 12
	// valid: true
	// median 11.1
}

// Encode draws the mode from the value's posterior probabilities, with a
// seeded random stream, as CTGAN's data preparation does; Decode inverts
// it whenever alpha was not clipped.
func ExampleMixture_Encode() {
	m := &vgm.Mixture{Weights: []float64{0.5, 0.5}, Means: []float64{0, 10}, Stds: []float64{2, 2}}
	if err := m.Validate(); err != nil {
		log.Fatal(err)
	}
	r := rng.New(1, 0)
	counts := make([]int, m.Len())
	for i := 0; i < 10000; i++ {
		// 5 lies halfway: either mode is as likely.
		alpha, mode := m.Encode(5, &r)
		if x := m.Decode(alpha, mode); x < 5-1e-12 || x > 5+1e-12 {
			log.Fatal("round trip failed")
		}
		counts[mode]++
	}
	fmt.Printf("5: mode 0 %.1f%%, mode 1 %.1f%%\n", float64(counts[0])/100, float64(counts[1])/100)
	alpha, mode := m.Encode(1, &r)
	fmt.Printf("1: mode %d, alpha %.3f, decoded %.6g\n", mode, alpha, m.Decode(alpha, mode))
	alpha, mode = m.Encode(-20, &r)
	fmt.Printf("-20: mode %d, alpha %.2f (clipped), decoded %.6g\n", mode, alpha, m.Decode(alpha, mode))
	// Output:
	// 5: mode 0 50.5%, mode 1 49.5%
	// 1: mode 0, alpha 0.125, decoded 1
	// -20: mode 0, alpha -0.99 (clipped), decoded -7.92
}
