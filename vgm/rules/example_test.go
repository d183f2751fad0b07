package rules_test

import (
	"fmt"

	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

func Example() {
	n := 30
	lo, hi := make([]float64, n), make([]float64, n)
	city, state := make([]string, n), make([]string, n)
	for i := range n {
		lo[i], hi[i] = float64(i%7), float64(i%7+i%3)
		city[i] = []string{"Seattle", "Tacoma", "Portland"}[i%3]
		state[i] = []string{"WA", "WA", "OR"}[i%3]
	}
	real := []rules.Column{
		{Name: "temp_min", Kind: rules.Number, Num: lo},
		{Name: "temp_max", Kind: rules.Number, Num: hi},
		{Name: "city", Kind: rules.Discrete, Text: city},
		{Name: "state", Kind: rules.Discrete, Text: state},
	}
	found := rules.Mine(real, rules.Options{})
	synthetic := []rules.Column{
		{Name: "temp_min", Kind: rules.Number, Num: []float64{1, 5, 2, 0}},
		{Name: "temp_max", Kind: rules.Number, Num: []float64{2, 4, 2, 1}},
		{Name: "city", Kind: rules.Discrete, Text: []string{"Seattle", "Tacoma", "Portland", "Boise"}},
		{Name: "state", Kind: rules.Discrete, Text: []string{"WA", "OR", "OR", "ID"}},
	}
	for _, r := range found {
		broken, checked := r.Violations(synthetic)
		fmt.Printf("%-20s broken in %d of %d rows\n", r.String(), broken, checked)
	}
	// Output:
	// temp_min <= temp_max broken in 1 of 4 rows
	// city -> state        broken in 1 of 3 rows
}
