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
