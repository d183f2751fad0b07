// Package runners owns the choice of Beam runner and its flags: prism
// embedded in the binary by default, and the portable (universal), Flink,
// Spark and Dataflow runners for clusters. The runner flags are Beam's own
// (--runner, --endpoint, --environment_type, --project, ...), registered on
// the process's flag set by the runner packages imported here.
package runners

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	// Filesystems for inputs and outputs.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	// Runners, registered by import.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
)

// Known lists the runners vgmsynth supports.
var Known = []string{"prism", "direct", "universal", "flink", "spark", "dataflow"}

// Name returns the selected runner, prism when none is given.
func Name() string {
	r := strings.ToLower(*beamrunners.Runner)
	if r == "" {
		return "prism"
	}
	return r
}

// Local reports whether the runner executes in this process.
func Local() bool { return Name() == "prism" || Name() == "direct" }

// Roots is how many independent pipeline roots generation and reading are
// split into: one per core on local runners, which run independent roots
// concurrently every time, and one on distributed runners, which spread a
// reshuffled stage over their workers themselves.
func Roots() int {
	if Local() {
		return runtime.NumCPU()
	}
	return 1
}

// Validate checks the runner flags before any work starts.
func Validate() error {
	name := Name()
	if !slices.Contains(Known, name) {
		return fmt.Errorf("unknown runner %q (want one of %s)", name, strings.Join(Known, ", "))
	}
	need := map[string][]string{
		"universal": {"endpoint"},
		"flink":     {"endpoint"},
		"spark":     {"endpoint"},
		"dataflow":  {"project", "region", "temp_location"},
	}[name]
	var missing []string
	for _, f := range need {
		if fl := flag.Lookup(f); fl == nil || fl.Value.String() == "" {
			missing = append(missing, "--"+f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("runner %s needs %s", name, strings.Join(missing, " and "))
	}
	return nil
}

// Init initialises Beam after flags are parsed. verbose keeps the runner's
// own informational logs, which are hidden by default.
func Init(verbose bool) {
	if !verbose {
		beamlog.LogLevel = "warn"
		beamlog.SetLogger(quietLogger{})
	}
	beam.Init()
	if !verbose {
		// Prism logs through slog; its errors reach the user through Run.
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
}

// Run executes a pipeline on the selected runner.
func Run(ctx context.Context, p *beam.Pipeline) error {
	if err := beamx.Run(ctx, p); err != nil {
		return errors.New(CleanError(err.Error()))
	}
	return nil
}
