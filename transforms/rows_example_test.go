package transforms_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/vgmsynth/vgmsynth/transforms"
)

func init() {
	register.Function1x1(rowLine)
}

// rowLine formats a generated row as a line of comma-separated values
// (values with commas or quotes would need CSV quoting).
func rowLine(r transforms.Row) string {
	return fmt.Sprintf("%d,%s", r.Index, strings.Join(r.Values, ","))
}

// Generated rows as a PCollection, written by a sink of your own: here
// Beam's textio. Any sink works the same way (bigqueryio, kafkaio, a
// database through databaseio).
func ExampleGenerate() {
	dir := scratchDir()
	defer os.RemoveAll(dir)

	p, s := beam.NewPipelineWithRoot()
	model := sampleAndFit(s, "../examples/seattle-weather.csv") // as in Example
	rows := transforms.Generate(s, transforms.ModelPCollection(model), 500, 1)
	textio.Write(s, filepath.Join(dir, "rows.txt"), beam.ParDo(s, rowLine, rows))
	if err := beamx.Run(context.Background(), p); err != nil {
		log.Fatal(err)
	}

	data, err := os.ReadFile(filepath.Join(dir, "rows.txt"))
	if err != nil {
		log.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	fmt.Printf("%d rows of %d values\n", len(lines), strings.Count(lines[0], ","))
	// Output:
	// 500 rows of 6 values
}
