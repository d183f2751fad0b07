// Command vgmsynth learns the shape of a table and generates synthetic rows
// like it, at any scale, on Apache Beam.
//
//	vgmsynth fit      --input GLOB --model model.json
//	vgmsynth generate --model model.json --rows N --output PREFIX
//	vgmsynth run      --input GLOB --rows N --output PREFIX
//
// Beam's runner flags (--runner, --endpoint, --environment_type, --project,
// ...) pass through; the default runner is prism, embedded in the binary.
// Exit status: 0 success, 1 failure, 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/runners"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Version is the release, set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// usageError marks bad command-line usage (exit status 2).
type usageError struct{ error }

// defaultMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT says
// otherwise: it makes the collector work harder before the process nears
// the 1 GB it is meant to stay under.
const defaultMemoryLimit = 640 << 20

func main() {
	if runners.IsWorker(os.Args[1:]) {
		// Started by the SDK container's boot program as a Beam worker.
		if err := runners.RunWorker(os.Args[1:]); err != nil {
			fmt.Fprintf(os.Stderr, "vgmsynth worker: %v\n", err)
			os.Exit(1)
		}
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stderr))
}

const overview = `vgmsynth learns a table's shape and generates synthetic rows like it.

Usage:
  vgmsynth fit      --input GLOB --model model.json [--sample-size 200000] [--seed 0] [--epsilon E [--delta D]]
  vgmsynth generate --model model.json --rows N --output PREFIX [--format csv|parquet] [--shards K] [--seed 0]
  vgmsynth run      --input GLOB --rows N --output PREFIX [--model model.json] [...]
  vgmsynth evaluate --real GLOB --synthetic GLOB [--json] [--report report.html]
  vgmsynth inspect  --model model.json [--plot DIR]
  vgmsynth encode   --model model.json --input GLOB --output PREFIX [--seed 0]
  vgmsynth decode   --model model.json --input GLOB --output PREFIX
  vgmsynth version

Run "vgmsynth COMMAND --help" for a command's flags. Beam's runner flags
(--runner, --endpoint, --environment_type, --project, --region, ...) pass
through; the default runner is prism, embedded in this binary.

Example:
  vgmsynth run --input examples/seattle-weather.csv --rows 100000 --output out/weather
`

func run(args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, overview)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintf(stderr, "vgmsynth %s\n", Version)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vgmsynth: unknown command %q\n\n%s", args[0], overview)
		return 2
	}
	fs := flag.NewFlagSet("vgmsynth "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	// Beam's runner flags are registered on the process's flag set; share
	// their values so that Beam sees what the user passed.
	// Each run starts from their defaults.
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "test.") {
			return // go test's own flags, when run from tests
		}
		if f.Value.String() != f.DefValue && !strings.HasPrefix(f.DefValue, "[") {
			f.Value.Set(f.DefValue)
		}
		fs.Var(f.Value, f.Name, f.Usage)
	})
	job := cmd.flags(fs)
	configPath := configFlags(fs)
	ownFlags["log-format"] = true
	logFormat := fs.String("log-format", "text", "messages on stderr: text, or json (one object per line)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vgmsynth %s %s\n\n%s\n\nFlags:\n", args[0], cmd.synopsis, cmd.help)
		printOwnFlags(stderr, fs)
		fmt.Fprint(stderr, "\nBeam runner flags pass through: --runner (prism, direct, universal, flink, spark, dataflow), --endpoint, --environment_type, --project, --region, --temp_location, ...\n")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch *logFormat {
	case "text":
	case "json":
		stderr = &jsonLines{w: stderr, prefix: "vgmsynth " + args[0] + ":"}
	default:
		fmt.Fprintf(stderr, "vgmsynth %s: unknown --log-format %q (want text or json)\n", args[0], *logFormat)
		return 2
	}
	errOut = stderr
	defer func() { errOut = os.Stderr }()
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vgmsynth %s: unexpected argument %q\n", args[0], fs.Arg(0))
		return 2
	}
	if err := applyConfig(fs, *configPath); err != nil {
		fmt.Fprintf(stderr, "vgmsynth %s: %v\n", args[0], err)
		return 2
	}
	if err := runners.Validate(); err != nil {
		fmt.Fprintf(stderr, "vgmsynth %s: %v\n", args[0], err)
		return 2
	}
	if err := checkPaths(fs); err != nil {
		fmt.Fprintf(stderr, "vgmsynth %s: %v\n", args[0], err)
		return 2
	}
	for _, name := range cmd.required {
		if fs.Lookup(name).Value.String() == "" {
			fmt.Fprintf(stderr, "vgmsynth %s: --%s is required\n", args[0], name)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second interrupt kills at once
	}()
	if err := job(ctx); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "vgmsynth %s: %v\n", args[0], err)
			return 2
		}
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "vgmsynth %s: interrupted; no output was finalised, temporary files removed\n", args[0])
			return 1
		}
		fmt.Fprintf(stderr, "vgmsynth %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// ownFlags are the flags vgmsynth defines, as opposed to Beam's.
var ownFlags = map[string]bool{}

func printOwnFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if !ownFlags[f.Name] {
			return
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  --%-16s %s%s\n", f.Name, f.Usage, def)
	})
}

type command struct {
	synopsis, help string
	// required names the flags that must be given (on the command line
	// or in the config file), in the order they are checked.
	required []string
	flags    func(fs *flag.FlagSet) func(context.Context) error
}

var commands = map[string]command{
	"fit": {
		synopsis: "--input GLOB --model model.json [flags]",
		help:     "Reads the input, samples it and writes the fitted model file.",
		required: []string{"model"},
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			in := inputFlags(fs)
			model := stringFlag(fs, "model", "", "model file to write (local or gs://)")
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				input, err := in(common)
				if err != nil {
					return err
				}
				job, err := pipeline.Fit(ctx, input, *model)
				if err != nil {
					return flagContext(err)
				}
				if err := execute(ctx, job, common, "read", 0); err != nil {
					return err
				}
				common.logf("wrote model %s\n", *model)
				return nil
			}
		},
	},
	"generate": {
		synopsis: "--model model.json --rows N --output PREFIX [flags]",
		help:     "Generates N rows from a model file as sharded CSV or Parquet files.",
		required: []string{"model"},
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			model := stringFlag(fs, "model", "", "model file to read (local or gs://)")
			out := outputFlags(fs)
			delimiter := stringFlag(fs, "output-delimiter", "", "CSV output's field delimiter: , ; | or tab (default: the input's, as the model records it)")
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				o, err := out(fs, common)
				if err != nil {
					return err
				}
				data, err := pipeline.ReadModel(ctx, *model)
				if err != nil {
					return err
				}
				if *delimiter != "" {
					d, err := tableio.ParseDelimiter(*delimiter)
					if err != nil {
						return usageError{fmt.Errorf("--output-delimiter: %w", err)}
					}
					if data, err = table.SetDelimiter(data, d); err != nil {
						return err
					}
				}
				job, err := pipeline.Generate(ctx, data, o)
				if err != nil {
					return explainCondition(fs, flagContext(err))
				}
				return finishOutput(ctx, o, common, execute(ctx, job, common, "wrote", o.Rows), nil)
			}
		},
	},
	"run": {
		synopsis: "--input GLOB --rows N --output PREFIX [flags]",
		help:     "Fits a model and generates N rows from it in one pipeline: the model\nreaches the generator as a side input.",
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			in := inputFlags(fs)
			model := stringFlag(fs, "model", "", "also write the fitted model file here (optional)")
			out := outputFlags(fs)
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				o, err := out(fs, common)
				if err != nil {
					return err
				}
				input, err := in(common)
				if err != nil {
					return err
				}
				if err := checkConditionColumns(ctx, fs, input, o.Conditions); err != nil {
					return err
				}
				job, err := pipeline.FitGenerate(ctx, input, *model, o)
				if err != nil {
					return flagContext(err)
				}
				return finishOutput(ctx, o, common, execute(ctx, job, common, "processed", 0), reportCopies)
			}
		},
	},
}

func stringFlag(fs *flag.FlagSet, name, def, usage string) *string {
	ownFlags[name] = true
	return fs.String(name, def, usage)
}

// common holds flags every command has.
type common struct {
	seed    *uint64
	verbose *bool
	quiet   *bool
	stderr  io.Writer

	// What this process's workers report through the job's hooks.
	rows    atomic.Int64 // rows read or written
	mu      sync.Mutex
	copies  copyCheck
	key     string // the hooks' key, once registered
	release func()
}

// copyCheck is the result of run's exact-copy check (transforms.Hooks).
type copyCheck struct {
	copies, checked, sample int64
	done                    bool
}

// hooks registers, once, the hooks through which this process's workers
// report progress and the copy check, and returns their key for the job's
// configs; execute releases them when the job ends.
func (c *common) hooks() string {
	if c.key == "" {
		c.key, c.release = transforms.Hooks{
			Rows: func(n int64) { c.rows.Add(n) },
			Copies: func(copies, checked, sample int64) {
				c.mu.Lock()
				c.copies = copyCheck{copies, checked, sample, true}
				c.mu.Unlock()
			},
		}.Register()
	}
	return c.key
}

func (c *common) logf(format string, args ...any) {
	if !*c.quiet {
		fmt.Fprintf(errOut, format, args...)
	}
}

func commonFlags(fs *flag.FlagSet) *common {
	for _, n := range []string{"seed", "verbose", "quiet"} {
		ownFlags[n] = true
	}
	return &common{
		seed:    fs.Uint64("seed", 0, "random seed: the same seed gives the same sample, model and rows"),
		verbose: fs.Bool("verbose", false, "show the runner's own log"),
		quiet:   fs.Bool("quiet", false, "print nothing but errors"),
	}
}

func inputFlags(fs *flag.FlagSet) func(*common) (pipeline.Input, error) {
	input := stringFlag(fs, "input", "", "input table: CSV (.csv, .csv.gz) or Parquet file(s), a path or glob, local or gs://")
	ownFlags["sample-size"] = true
	size := fs.Int("sample-size", pipeline.DefaultSampleSize, "rows sampled from the input to fit on")
	modelType := stringFlag(fs, "model-type", "forest", "model: forest (a mixture of per-column distributions from the leaves of an adversarial random forest, with calendar parts of datetimes: keeps seasonality and the shape of the joint distribution; about 1.2 times the network's CPU per generated row), network (Gaussian copula over the numeric columns + Bayesian network over the discrete ones), copula (the copula alone) or independent (per-column marginals); under --epsilon the default is network, and forest is refused")
	schema := stringFlag(fs, "schema", "", `JSON file overriding column kinds and declaring constraints: {"column": "float|integer|categorical|boolean|datetime|id", ..., "constraints": [{"inequality": ["low", "high"]}, ...], "mined_rules": false, "drop_rules": ["a -> b"]} (docs/formats.md)`)
	ownFlags["min-category-count"], ownFlags["no-exact-bounds"] = true, true
	minCount := fs.Int("min-category-count", table.DefaultMinCategoryCount, `privacy: values seen fewer times are not stored in the model (rare text is replaced by new text in its shape); 0 keeps all`)
	noExact := fs.Bool("no-exact-bounds", false, "privacy: store no exact minimum, maximum or extreme quantile of the data (bounds from the fitted distribution)")
	ownFlags["decimal"] = true
	decimal := fs.String("decimal", "", `the numbers' decimal mark, "." or "," (default: detected per column: "3,5" has a decimal comma, "1,234" a thousands separator)`)
	delimiter := stringFlag(fs, "delimiter", "", "CSV field delimiter: , ; | or tab (default: detected from the header and first rows)")
	ownFlags["epsilon"], ownFlags["delta"] = true, true
	epsilon := fs.Float64("epsilon", 0, "privacy: fit an (epsilon, delta)-differentially private model, one row per person (docs/privacy.md), of --model-type network (the default under --epsilon), copula or independent; 0 fits an ordinary model")
	delta := fs.Float64("delta", table.DefaultDelta, "privacy: the delta of --epsilon")
	noiseSeed := stringFlag(fs, "noise-seed", "", "privacy: seed of --epsilon's noise, for reproducible fits; anyone who knows it can remove the noise (default: a secret seed from the system's random source)")
	return func(c *common) (pipeline.Input, error) {
		if *decimal != "" && *decimal != "." && *decimal != "," {
			return pipeline.Input{}, usageError{fmt.Errorf(`--decimal must be "." or ",", not %q`, *decimal)}
		}
		if *input == "" {
			return pipeline.Input{}, usageError{errors.New("--input is required")}
		}
		if *size <= 0 {
			return pipeline.Input{}, usageError{fmt.Errorf("--sample-size must be positive, not %d", *size)}
		}
		if *minCount < 0 {
			return pipeline.Input{}, usageError{fmt.Errorf("--min-category-count must be 0 or more, not %d", *minCount)}
		}
		in := pipeline.Input{Glob: *input, SampleSize: *size, Roots: runners.Roots(), Hooks: c.hooks(), FitConfig: transforms.FitConfig{Seed: *c.seed, ModelType: *modelType, MinCategoryCount: *minCount, NoExactBounds: *noExact, DecimalMark: *decimal}}
		if *epsilon != 0 || *noiseSeed != "" {
			p, err := privacyOptions(*epsilon, *delta, *noiseSeed)
			if err != nil {
				return in, usageError{err}
			}
			given := false
			fs.Visit(func(f *flag.Flag) { given = given || f.Name == "model-type" })
			if !given {
				in.ModelType = table.ModelTypeNetwork // whatever the default: forest has no private learner
			}
			if in.ModelType == table.ModelTypeForest {
				return in, usageError{errors.New("--epsilon supports --model-type network, copula or independent, not forest (docs/privacy.md)")}
			}
			in.Privacy = p
		}
		if *delimiter != "" {
			d, err := tableio.ParseDelimiter(*delimiter)
			if err != nil {
				return in, usageError{fmt.Errorf("--delimiter: %w", err)}
			}
			in.Delimiter = d
		}
		if *schema != "" {
			kinds, ro, err := readSchema(*schema)
			if err != nil {
				return in, err
			}
			in.Kinds, in.Rules = kinds, ro
		}
		return in, nil
	}
}

func outputFlags(fs *flag.FlagSet) func(*flag.FlagSet, *common) (pipeline.Output, error) {
	for _, n := range []string{"rows", "shards", "format", "compression", "overwrite"} {
		ownFlags[n] = true
	}
	output := stringFlag(fs, "output", "", "output prefix: files are PREFIX-00000-of-0000K.csv|.parquet (local or gs://)")
	rows := fs.String("rows", "", "number of rows to generate (with --conditions: their sum, the default)")
	shards := fs.Int("shards", 0, "number of output files (default: chosen from --rows and the cores)")
	format := fs.String("format", "csv", "output format: csv or parquet")
	compression := fs.String("compression", "", "csv: none (default), zstd or gzip, per block inside the workers; parquet: snappy (default), none, zstd or gzip")
	overwrite := fs.Bool("overwrite", false, "replace an existing output under the same prefix")
	conditions := conditionFlags(fs)
	return func(fs *flag.FlagSet, c *common) (pipeline.Output, error) {
		var o pipeline.Output
		if *output == "" {
			return o, usageError{errors.New("--output is required")}
		}
		conds, condRows, err := conditions()
		if err != nil {
			return o, err
		}
		n, err := rowCount(*rows, condRows)
		if err != nil {
			return o, err
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["shards"] && *shards <= 0 {
			return o, usageError{fmt.Errorf("--shards must be at least 1, not %d", *shards)}
		}
		if *format != "csv" && *format != "parquet" {
			return o, usageError{fmt.Errorf("unknown --format %q (want csv or parquet)", *format)}
		}
		return pipeline.Output{
			OutputConfig: transforms.OutputConfig{Prefix: *output, Format: *format, Compression: *compression, Rows: n,
				Shards: *shards, Seed: *c.seed, Roots: runners.Roots(), Hooks: c.hooks(), RunID: pipeline.NewRunID()},
			Conditions: conds,
			// Recovery notes are warnings: printed even with --quiet.
			Overwrite: *overwrite, Notify: func(msg string) { fmt.Fprintf(errOut, "vgmsynth: %s\n", msg) },
		}, nil
	}
}

// reportCopies prints the result of run's exact-copy check when the job
// ran in this process (elsewhere: the counter vgmsynth/exact_copies);
// copies are a warning, printed even with --quiet.
func reportCopies(c *common) {
	c.mu.Lock()
	r := c.copies
	c.mu.Unlock()
	switch {
	case !r.done || r.checked == 0:
	case r.copies > 0:
		fmt.Fprintf(errOut, "vgmsynth: warning: %d of the first %d generated rows are exact copies of real rows (of the %d sampled); see docs/reliability.md\n", r.copies, r.checked, r.sample)
	default:
		c.logf("checked the first %d generated rows against the %d sampled real rows: no exact copies\n", r.checked, r.sample)
	}
}

// finish cleans up after a job writing files under prefix, run as runID,
// that failed or was interrupted: it removes the run's temporary files,
// unless every shard had been written, in which case it completes the
// output and the command succeeds.
func finish(ctx context.Context, prefix, runID string, c *common, err error) error {
	if err == nil {
		return nil
	}
	finished, aerr := pipeline.Abandon(context.Background(), prefix, runID)
	if finished {
		why := "interrupted"
		if ctx.Err() == nil {
			why = fmt.Sprintf("stopped (%v)", err)
		}
		fmt.Fprintf(errOut, "vgmsynth: %s after every shard was written: completed the output\n", why)
		return nil
	}
	if aerr != nil {
		return fmt.Errorf("%w (cleaning up: %v)", err, aerr)
	}
	return err
}

// finishOutput is finish for a job that wrote o; when it succeeded, report
// (when set) runs and the command says where the rows went.
func finishOutput(ctx context.Context, o pipeline.Output, c *common, err error, report func(*common)) error {
	if err := finish(ctx, o.Prefix, o.RunID, c, err); err != nil {
		return err
	}
	if report != nil {
		report(c)
	}
	c.logf("wrote %d rows to %s (manifest %s)\n", o.Rows, o.Prefix, sink.ManifestName(o.Prefix))
	return nil
}

// parseCount reads a row count: digits, optionally with _ separators or a
// k/M/B suffix (10M = 10,000,000).
func parseCount(s string) (int64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1_000, t[:n-1]
		case 'm', 'M':
			mult, t = 1_000_000, t[:n-1]
		case 'b', 'B', 'g', 'G':
			mult, t = 1_000_000_000, t[:n-1]
		}
	}
	var v int64
	if t == "" {
		return 0, fmt.Errorf("%q is not a row count", s)
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a row count (want a whole number such as 1000000 or 1M)", s)
		}
		if v > (1<<62)/10 {
			return 0, fmt.Errorf("%q is too large", s)
		}
		v = v*10 + int64(c-'0')
	}
	if v > (1<<62)/mult {
		return 0, fmt.Errorf("%q is too large (at most %d rows)", s, int64(1<<62))
	}
	return v * mult, nil
}

// execute runs the job on the selected runner, printing progress unless
// --quiet; total is the number of rows expected, or 0.
func execute(ctx context.Context, job *pipeline.Job, c *common, verb string, total int64) error {
	runners.Init(*c.verbose)
	if c.release != nil {
		defer c.release()
	}
	if !*c.quiet {
		defer startProgress(ctx, errOut, verb, total, &c.rows)()
	}
	return job.Run(ctx, runners.Run)
}
