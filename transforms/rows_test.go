package transforms

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

func init() {
	register.Function1x1(csvLineOf)
}

// csvLineOf joins a row's values as the CSV writer does for values that
// need no quoting.
func csvLineOf(r Row) string { return strings.Join(r.Values, ",") }

// Generate gives the rows the file-writing path writes, whatever the
// split into shards.
func TestGenerateRowsMatchShards(t *testing.T) {
	model := readModelFile(t)
	dir := t.TempDir()
	const rows = 40000
	cfg := OutputConfig{Prefix: filepath.Join(dir, "out"), Format: "csv", Rows: rows, Shards: 3, Seed: 9, RunID: "a"}
	var want []any
	for _, r := range writeAll(t, cfg, model) {
		data, err := os.ReadFile(r.Temp)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for _, l := range lines[1:] {
			if strings.Contains(l, `"`) {
				t.Skip("the model's values need CSV quoting")
			}
			want = append(want, l)
		}
	}
	if len(want) != rows {
		t.Fatalf("%d rows written, want %d", len(want), rows)
	}
	p, s := beam.NewPipelineWithRoot()
	got := beam.ParDo(s, csvLineOf, Generate(s, ModelBytes(model), rows, 9))
	passert.Equals(s, got, want...)
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}
