package transforms_test

import (
	"context"
	"encoding/json"
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
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "vgmsynth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Plan the reading as the pipeline is built: the files, their header
	// and the splits that workers read independently.
	files, err := tableio.Files(ctx, "../examples/seattle-weather.csv")
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

	p, s := beam.NewPipelineWithRoot()
	summary := transforms.Sample(s, transforms.SampleConfig{Splits: splits, Header: header, K: 1000, Seed: 1, Roots: 1})
	model := transforms.Fit(s, summary, transforms.FitConfig{Seed: 1})
	transforms.WriteModel(s, model, filepath.Join(dir, "model.json"))
	out := transforms.OutputConfig{
		Prefix: filepath.Join(dir, "weather"), Format: tableio.FormatCSV,
		Rows: 1000, Shards: 2, Seed: 1, RunID: "example", Roots: 1,
	}
	transforms.GenerateShards(s, transforms.ModelPCollection(model), out)
	if err := beamx.Run(ctx, p); err != nil {
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
	data, err = os.ReadFile(sink.ManifestName(out.Prefix))
	if err != nil {
		log.Fatal(err)
	}
	var man sink.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
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
	dir, err := os.MkdirTemp("", "vgmsynth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	const input = "../examples/seattle-weather.csv"
	header, err := tableio.Header(ctx, input)
	if err != nil {
		log.Fatal(err)
	}
	splits, err := tableio.Plan(ctx, []string{input}, tableio.DefaultSplitBytes)
	if err != nil {
		log.Fatal(err)
	}
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
	if err := beamx.Run(ctx, p); err != nil {
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
