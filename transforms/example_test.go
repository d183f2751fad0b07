package transforms_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// A pipeline that samples a table, fits a model, writes the model file and
// generates 1,000 rows from it as two CSV files. In a program of your own,
// call beam.Init() first thing in main.
func Example() {
	dir := scratchDir()
	defer os.RemoveAll(dir)
	header, splits := planRead("../examples/seattle-weather.csv")

	p, s := beam.NewPipelineWithRoot()
	summary := transforms.Sample(s, transforms.SampleConfig{Splits: splits, Header: header, K: 1000, Seed: 1, Roots: 1})
	model := transforms.Fit(s, summary, transforms.FitConfig{Seed: 1})
	transforms.WriteModel(s, model, filepath.Join(dir, "model.json"))
	out := transforms.OutputConfig{
		Prefix: filepath.Join(dir, "weather"), Format: tableio.FormatCSV,
		Rows: 1000, Shards: 2, Seed: 1, RunID: "example", Roots: 1,
	}
	transforms.GenerateShards(s, transforms.ModelPCollection(model), out)
	if err := beamx.Run(context.Background(), p); err != nil {
		log.Fatal(err)
	}

	data, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		log.Fatal(err)
	}
	m, err := table.DecodeModel(data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("model: %d rows seen, fitted on %d\n", m.RowsSeen, m.SampleSize)
	man, err := sink.ReadManifest(context.Background(), out.Prefix)
	if err != nil {
		log.Fatal(err)
	}
	for _, sh := range man.Shards {
		fmt.Printf("%s: %d rows\n", filepath.Base(sh.Path), sh.Rows)
	}
	fmt.Printf("generated %d rows\n", man.Rows)
	// Output:
	// model: 1461 rows seen, fitted on 1000
	// weather-00000-of-00002.csv: 500 rows
	// weather-00001-of-00002.csv: 500 rows
	// generated 1000 rows
}

// Encoding a table for a CTGAN-style model: each numeric column becomes an
// alpha and a mode, each categorical column a category index, written as
// Parquet files one per split. Decode inverts it.
func ExampleEncode() {
	ctx := context.Background()
	dir := scratchDir()
	defer os.RemoveAll(dir)
	header, splits := planRead("../examples/seattle-weather.csv")
	// A model fitted in this process, without Beam: summarise every row,
	// then fit.
	sum := table.NewSummary(header, 2000, 1)
	for _, sp := range splits {
		err := tableio.Read(ctx, sp, header, func(offset, line int64, fields []string) error {
			return sum.Add(sp.Path, offset, line, fields)
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	m, err := table.Fit(sum, table.FitOptions{VGM: vgm.DefaultConfig()})
	if err != nil {
		log.Fatal(err)
	}
	model, err := m.Encode()
	if err != nil {
		log.Fatal(err)
	}

	p, s := beam.NewPipelineWithRoot()
	prefix := filepath.Join(dir, "encoded")
	transforms.Encode(s, transforms.ModelBytes(model), transforms.EncodeConfig{
		Splits: splits, Header: header, Prefix: prefix, Seed: 1, RunID: "example", Roots: 1,
	})
	if err := beamx.Run(context.Background(), p); err != nil {
		log.Fatal(err)
	}

	encoded, err := tableio.Header(ctx, prefix+"-00000-of-00001.parquet")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(encoded)
	// Output:
	// [date.alpha date.mode precipitation.alpha precipitation.mode temp_max.alpha temp_max.mode temp_min.alpha temp_min.mode wind.alpha wind.mode weather]
}

// scratchDir makes a temporary directory for an example's files.
func scratchDir() string {
	dir, err := os.MkdirTemp("", "vgmsynth-example")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

// sampleAndFit adds to s the stages of Example that sample the table glob
// and fit a model to the sample, and returns the model.
func sampleAndFit(s beam.Scope, glob string) beam.PCollection {
	header, splits := planRead(glob)
	summary := transforms.Sample(s, transforms.SampleConfig{Splits: splits, Header: header, K: 1000, Seed: 1, Roots: 1})
	return transforms.Fit(s, summary, transforms.FitConfig{Seed: 1})
}

// planRead plans the reading of the table glob as a pipeline is built:
// its header and the splits that workers read independently.
func planRead(glob string) ([]string, []tableio.Split) {
	ctx := context.Background()
	files, err := tableio.Files(ctx, glob)
	if err != nil {
		log.Fatal(err)
	}
	header, err := tableio.Header(ctx, files[0])
	if err != nil {
		log.Fatal(err)
	}
	splits, err := tableio.Plan(ctx, files, tableio.DefaultSplitBytes)
	if err != nil {
		log.Fatal(err)
	}
	return header, splits
}
