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
	"net"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"

	// The reflection-free DoFn callers, as beamx imports them.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/exec/optimized"

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

// Known lists the runners vgmsynth supports, by their canonical names.
var Known = []string{"prism", "direct", "universal", "flink", "spark", "dataflow"}

// aliases maps the names Beam registers (lower-cased) to canonical names:
// the Dataflow Flex Template launcher, for one, passes --runner=DataflowRunner.
var aliases = map[string]string{
	"prism": "prism", "prismrunner": "prism",
	"direct": "direct", "directrunner": "direct",
	"universal": "universal", "portable": "universal", "portablerunner": "universal",
	"flink": "flink", "flinkrunner": "flink",
	"spark": "spark", "sparkrunner": "spark",
	"dataflow": "dataflow", "dataflowrunner": "dataflow",
}

// Name returns the selected runner's canonical name (one of Known), prism
// when none is given. Names are case-insensitive and Beam's aliases
// (DataflowRunner, PortableRunner, ...) are accepted. An unknown name is
// returned lower-cased; Validate rejects it.
func Name() string {
	r := strings.ToLower(strings.TrimSpace(*beamrunners.Runner))
	if r == "" {
		return "prism"
	}
	if c, ok := aliases[r]; ok {
		return c
	}
	return r
}

// Local reports whether the pipeline executes in this process: on the
// direct runner, or on prism embedded in the binary (no --endpoint). A
// submission to a job server, even a prism one on this machine, is remote.
func Local() bool {
	switch Name() {
	case "direct":
		return true
	case "prism":
		return flagValue("endpoint") == ""
	}
	return false
}

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

// environment types Beam's portable runners accept (--environment_type).
var environmentTypes = []string{"loopback", "docker", "process", "external"}

// Validate checks the runner flags before any work starts: the runner is
// known and has the flags it needs. For Dataflow it fills
// --staging_location from --temp_location when only the latter is given.
func Validate() error {
	name := Name()
	if _, ok := aliases[name]; !ok {
		return fmt.Errorf("unknown runner %q (want one of %s)", *beamrunners.Runner, strings.Join(Known, ", "))
	}
	env := strings.ToLower(flagValue("environment_type"))
	if env != "" && !contains(environmentTypes, env) {
		return fmt.Errorf("unknown --environment_type %q (want LOOPBACK, DOCKER, PROCESS or EXTERNAL)", flagValue("environment_type"))
	}
	switch name {
	case "universal", "flink", "spark":
		ep := flagValue("endpoint")
		if ep == "" {
			return fmt.Errorf("runner %s needs --endpoint=HOST:PORT, the address of its job server%s", name, jobServerHint(name))
		}
		if err := checkEndpoint(ep); err != nil {
			return err
		}
	case "prism":
		if ep := flagValue("endpoint"); ep != "" {
			if err := checkEndpoint(ep); err != nil {
				return err
			}
		}
	case "direct":
		if flagValue("endpoint") != "" {
			return errors.New("runner direct runs in this process and takes no --endpoint (use --runner=universal to submit to a job server)")
		}
	case "dataflow":
		return validateDataflow(env)
	}
	if (env == "process" || env == "external") && flagValue("environment_config") == "" {
		return fmt.Errorf("--environment_type=%s needs --environment_config (%s)", strings.ToUpper(env), map[string]string{
			"process":  `{"command": "/path/to/boot"}`,
			"external": "the HOST:PORT of a worker pool",
		}[env])
	}
	return nil
}

func validateDataflow(env string) error {
	var missing []string
	if flagValue("project") == "" {
		missing = append(missing, "--project")
	}
	if flagValue("region") == "" && os.Getenv("CLOUDSDK_COMPUTE_REGION") == "" {
		missing = append(missing, "--region")
	}
	staging, temp := flagValue("staging_location"), flagValue("temp_location")
	if staging == "" && temp == "" {
		missing = append(missing, "--staging_location (or --temp_location)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("runner dataflow needs %s", strings.Join(missing, " and "))
	}
	for _, f := range []string{"staging_location", "temp_location"} {
		if v := flagValue(f); v != "" && !strings.HasPrefix(v, "gs://") {
			return fmt.Errorf("runner dataflow: --%s %q must be a gs:// path", f, v)
		}
	}
	if env != "" {
		return errors.New("runner dataflow takes no --environment_type (its workers run the SDK container; see --sdk_container_image)")
	}
	if staging == "" {
		// Beam's Dataflow runner requires a staging location; derive one.
		if err := flag.Set("staging_location", strings.TrimSuffix(temp, "/")+"/staging"); err != nil {
			return err
		}
	}
	return nil
}

func jobServerHint(name string) string {
	switch name {
	case "flink":
		return " (Beam's Flink job server listens on 8099 by default)"
	case "spark":
		return " (Beam's Spark job server listens on 8099 by default)"
	}
	return ""
}

func checkEndpoint(ep string) error {
	if _, port, err := net.SplitHostPort(ep); err != nil || port == "" {
		return fmt.Errorf("--endpoint %q: want HOST:PORT, such as localhost:8099", ep)
	}
	return nil
}

// CheckPath checks that a path the pipeline's workers read or write is one
// they can reach. Dataflow's workers never share this machine's disk, so a
// local path there is refused before any work starts. (Flink and Spark
// workers may share a mounted filesystem, and LOOPBACK workers run in this
// process, so their paths are left alone.) flagName names the flag in the
// message.
func CheckPath(flagName, p string) error {
	if p == "" || Name() != "dataflow" || strings.Contains(p, "://") {
		return nil
	}
	return fmt.Errorf("--%s %s is a local path, which Dataflow's workers cannot see: use a gs:// path", flagName, p)
}

// quiet silences Beam's own logs once per process (Init).
var quiet sync.Once

// Init initialises Beam after flags are parsed. verbose keeps the runner's
// own informational logs, which are hidden by default.
func Init(verbose bool) {
	if !verbose {
		// Once per process: Beam's log level and logger are package
		// state that the workers of an earlier pipeline in the same
		// process (tests run many) may still be reading.
		quiet.Do(func() {
			beamlog.LogLevel = "warn"
			beamlog.SetLogger(quietLogger{})
		})
	}
	beam.Init()
	if !verbose {
		// Prism logs through slog; its errors reach the user through Run.
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
}

// Run executes a pipeline on the selected runner.
func Run(ctx context.Context, p *beam.Pipeline) error {
	name := Name()
	if !Local() && flagValue("worker_binary") == "" && !strings.EqualFold(flagValue("environment_type"), "loopback") {
		// Workers run this very binary. Beam would otherwise try to
		// cross-compile the program's source with the go tool, which a
		// deployed binary (a Flex Template launcher, say) does not have.
		if self, err := os.Executable(); err == nil && runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
			*jobopts.WorkerBinary = self
		}
	}
	if _, err := beam.Run(ctx, name, p); err != nil {
		return errors.New(CleanError(err.Error()))
	}
	return nil
}

// IsWorker reports whether the process was started as a Beam SDK worker:
// the SDK container's boot program runs the binary (staged as the worker
// binary) with --worker=true and the harness flags, and no command, where
// a person always names a command first.
func IsWorker(args []string) bool {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") {
		return false
	}
	for _, a := range args {
		switch a {
		case "-worker", "--worker", "-worker=true", "--worker=true", "-worker=1", "--worker=1":
			return true
		}
	}
	return false
}

// RunWorker runs the SDK harness for a worker process (see IsWorker). It
// does not return when the harness exits normally.
func RunWorker(args []string) error {
	if err := flag.CommandLine.Parse(args); err != nil {
		return err
	}
	beam.Init() // in worker mode, runs the harness and exits
	return errors.New("beam.Init returned in worker mode")
}

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
