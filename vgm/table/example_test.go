package table_test

import (
	"fmt"
	"log"
	"strconv"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Fit a model from a summary built by hand, then generate a block of rows
// and print a few of them.
// pricesModel fits a model of 500 rows: a price around 20 or 60 that is
// zero one time in ten, and the city it was paid in.
func pricesModel() *table.Model {
	sum := table.NewSummary([]string{"price", "city"}, 1000, 1)
	r := rng.New(1, 0)
	for i := 0; i < 500; i++ {
		city, mean := "Lima", 20.0
		if r.Float64() < 0.4 {
			city, mean = "Oslo", 60
		}
		price := strconv.FormatFloat(mean+4*r.NormFloat64(), 'f', 2, 64)
		if r.Float64() < 0.1 {
			price = "0.00"
		}
		// The source and offset place the row in the input; they drive the
		// sampling priorities.
		if err := sum.Add("prices.csv", int64(i), int64(i+2), []string{price, city}); err != nil {
			log.Fatal(err)
		}
	}
	m, err := table.Fit(sum, table.FitOptions{VGM: vgm.DefaultConfig()})
	if err != nil {
		log.Fatal(err)
	}
	return m
}

func Example() {
	m := pricesModel()
	for _, c := range m.Columns {
		switch {
		case c.Kind.Numeric():
			fmt.Printf("%s: %s, %d decimals, %d atom(s) at %v\n", c.Name, c.Kind, c.Format.Decimals, len(c.Atoms), c.Atoms[0].Value)
		default:
			fmt.Printf("%s: %s, %d categories\n", c.Name, c.Kind, len(c.Categories))
		}
	}

	// Generate the first block of rows for seed 7. The same model, seed and
	// block always give the same rows.
	g, err := table.NewGenerator(m)
	if err != nil {
		log.Fatal(err)
	}
	b := g.NewBlock()
	g.Fill(b, 7, 0, table.BlockSize)
	zeros := 0
	for i := 0; i < b.N; i++ {
		if b.Cols[0].Num[i] == 0 {
			zeros++
		}
	}
	fmt.Printf("%d rows, %.0f%% zero prices\n", b.N, 100*float64(zeros)/float64(b.N))
	for i := 0; i < 3; i++ {
		price := g.AppendText(nil, b, 0, i)
		city := g.AppendText(nil, b, 1, i)
		fmt.Printf("%s,%s\n", price, city)
	}
	// The model (the forest, the default) keeps the columns' dependence:
	// the mean non-zero price per city, 20 and 60 in the real rows.
	sums, counts := map[string]float64{}, map[string]int{}
	for i := 0; i < b.N; i++ {
		if x := b.Cols[0].Num[i]; x != 0 && !b.Cols[0].Null[i] {
			city := m.Columns[1].Categories[b.Cols[1].Cat[i]].Value
			sums[city] += x
			counts[city]++
		}
	}
	fmt.Printf("Lima %.0f, Oslo %.0f\n", sums["Lima"]/float64(counts["Lima"]), sums["Oslo"]/float64(counts["Oslo"]))
	// Output:
	// price: float, 2 decimals, 1 atom(s) at 0
	// city: categorical, 2 categories
	// 16384 rows, 11% zero prices
	// 0.00,Lima
	// 19.93,Lima
	// 58.96,Oslo
	// Lima 20, Oslo 60
}

// Generate only rows that meet conditions: 3 rows of Oslo, then rows of
// Lima with a price (not zero), following the model's distribution given
// each condition.
func ExampleConditional() {
	m := pricesModel()
	oslo, err := table.ParseCondition("city=Oslo")
	if err != nil {
		log.Fatal(err)
	}
	m.Conditions = []table.Conditional{
		{Where: []table.Condition{oslo}, Rows: 3},
		{Where: []table.Condition{{Column: "city", Op: "=", Value: "Lima"}, {Column: "price", Op: ">", Value: "0"}}},
	}
	g, err := table.NewGenerator(m) // refuses conditions it cannot meet
	if err != nil {
		log.Fatal(err)
	}
	b := g.NewBlock()
	g.Fill(b, 7, 0, 6)
	for i := 0; i < b.N; i++ {
		fmt.Printf("%s,%s\n", g.AppendText(nil, b, 0, i), g.AppendText(nil, b, 1, i))
	}
	// Output:
	// 63.95,Oslo
	// 57.43,Oslo
	// 59.56,Oslo
	// 22.64,Lima
	// 14.53,Lima
	// 20.56,Lima
}
