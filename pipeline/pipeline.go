// Package pipeline wires vgmsynth's transforms into its jobs: fit a model
// from a table, generate rows from a model, both in one pipeline (run),
// and encode or decode a table with a model. Fit, Generate, FitGenerate,
// Encode and Decode build a job and check its settings before any work
// starts (a bad setting is a *SettingError naming the field, for the
// caller to put in its own terms); Job.Run executes it on a runner
// (runners.Run).
package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/privacy"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// DefaultSampleSize is how many input rows the model is fitted on.
const DefaultSampleSize = 200000

// Input says what to learn from, and transforms.FitConfig's fields say
// how to fit. There Seed also seeds sampling, and Delimiter is CSV
// input's field delimiter, or 0 to detect it; the model records it, and
// CSV output is written with it.
type Input struct {
	// Glob names the input files: CSV (optionally .gz) or Parquet.
	Glob string
	// SampleSize is the number of rows fitted on.
	SampleSize int
	// Roots is the number of independent read roots (runners.Roots).
	Roots int
	// Hooks is the key of the job's transforms.Hooks, or empty.
	Hooks string
	transforms.FitConfig
}

// Job is one of vgmsynth's jobs, built and with its settings checked, ready
// to run.
type Job struct {
	p *beam.Pipeline
}

// Runner executes a Beam pipeline: runners.Run on the runner that Beam's
// flags choose, or a test's own.
type Runner func(ctx context.Context, p *beam.Pipeline) error

// Run executes the job with run.
func (j *Job) Run(ctx context.Context, run Runner) error {
	return run(ctx, j.p)
}

// newJob builds a job: build adds its transforms to the pipeline's root
// scope, checking their settings first.
func newJob(build func(s beam.Scope) error) (*Job, error) {
	p, s := beam.NewPipelineWithRoot()
	if err := build(s); err != nil {
		return nil, err
	}
	return &Job{p: p}, nil
}

// Fit builds the fit job: it reads and samples in, fits the model and
// writes the model file to modelPath (local or gs://).
func Fit(ctx context.Context, in Input, modelPath string) (*Job, error) {
	if modelPath == "" {
		return nil, settingError("Model", "is required")
	}
	return newJob(func(s beam.Scope) error {
		model, _, err := buildFit(ctx, s, in)
		if err != nil {
			return err
		}
		transforms.WriteModel(s, model, modelPath)
		return nil
	})
}

// FitGenerate builds the run job: Fit and Generate in one pipeline, where
// the model reaches the generator as a side input. With modelPath set, the
// model file is written there too. Unless the fit is private, the first
// table.CopyCheckRows generated rows are compared with the rows of the
// input's sample; the count of exact copies goes to the counter
// vgmsynth/exact_copies and to the Copies hook under out.Hooks. (A private
// fit releases no such figure about the real rows.)
func FitGenerate(ctx context.Context, in Input, modelPath string, out Output) (*Job, error) {
	return newJob(func(s beam.Scope) error {
		fitted, summary, err := buildFit(ctx, s, in)
		if err != nil {
			return err
		}
		if modelPath != "" {
			transforms.WriteModel(s, fitted, modelPath)
		}
		model, err := buildGenerate(ctx, s, transforms.ModelPCollection(fitted), out)
		if err != nil {
			return err
		}
		if in.Privacy == nil {
			transforms.CheckCopies(s, summary, model, out.Rows, out.Seed, out.Hooks)
		}
		return nil
	})
}

// buildFit adds reading, sampling and fitting to s and returns the
// PCollections of the model file's bytes and of the input's summary (one
// table.Summary, with the sample). It checks the input before any work
// starts.
func buildFit(ctx context.Context, s beam.Scope, in Input) (model, summary beam.PCollection, err error) {
	none := beam.PCollection{}
	if in.SampleSize <= 0 {
		return none, none, settingError("SampleSize", "must be positive, not %d", in.SampleSize)
	}
	if in.MinCategoryCount < 0 {
		return none, none, settingError("MinCategoryCount", "must be 0 or more, not %d", in.MinCategoryCount)
	}
	files, err := tableio.Files(ctx, in.Glob)
	if err != nil {
		return none, none, err
	}
	header, delim, err := tableio.ReadHeader(ctx, files[0], in.Delimiter)
	if err != nil {
		return none, none, err
	}
	switch in.ModelType {
	case "", table.ModelTypeForest, table.ModelTypeNetwork, table.ModelTypeCopula, table.ModelTypeIndependent:
	default:
		return none, none, settingError("ModelType", "unknown model type %q (want %s, %s, %s or %s)", in.ModelType, table.ModelTypeForest, table.ModelTypeNetwork, table.ModelTypeCopula, table.ModelTypeIndependent)
	}
	if in.Privacy != nil {
		if in.ModelType == table.ModelTypeForest {
			return none, none, settingError("Privacy", "a private fit supports model types network, copula and independent, not forest (docs/privacy.md)")
		}
		if err := privacy.CheckBudget(in.Privacy.Epsilon, in.Privacy.Delta); err != nil {
			return none, none, &SettingError{Setting: "Privacy", Err: err}
		}
	}
	for name, k := range in.Kinds {
		if _, err := table.ParseKind(k); err != nil {
			return none, none, fmt.Errorf("schema: column %q: %w", name, err)
		}
		if !contains(header, name) {
			return none, none, fmt.Errorf("schema names column %q, which %s does not have (columns: %s)", name, files[0], strings.Join(header, ", "))
		}
	}
	for _, r := range in.Rules.Constraints {
		for _, name := range r.Columns {
			if !contains(header, name) {
				return none, none, fmt.Errorf("schema constraint %s names column %q, which %s does not have (columns: %s)", r.String(), name, files[0], strings.Join(header, ", "))
			}
		}
	}
	if len(files) == 1 {
		ok, err := tableio.HasRows(ctx, files[0])
		if err != nil {
			return none, none, err
		}
		if !ok {
			return none, none, fmt.Errorf("%s: has a header but no data rows", files[0])
		}
	}
	splits, err := tableio.Plan(ctx, files, tableio.DefaultSplitBytes)
	if err != nil {
		return none, none, err
	}
	for i := range splits {
		if in.Delimiter != 0 && !splits[i].Parquet {
			splits[i].Delimiter = in.Delimiter
		}
	}
	summary = transforms.Sample(s, transforms.SampleConfig{
		Splits: splits, Header: header, K: in.SampleSize, Seed: in.Seed, Roots: in.Roots, Hooks: in.Hooks,
	})
	fit := in.FitConfig
	fit.Delimiter = delim
	model = transforms.Fit(s, summary, fit)
	return model, summary, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ReadModel reads and validates a model file (local or gs://) and returns
// its bytes. The decoded model is remembered (transforms.Remember), so
// that generating from those bytes in this process does not decode them
// again.
func ReadModel(ctx context.Context, path string) ([]byte, error) {
	data, err := tableio.ReadFile(ctx, "model", path, table.MaxModelBytes)
	if err != nil {
		return nil, err
	}
	m, err := table.DecodeModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	transforms.Remember(data, m)
	return data, nil
}

// SettingError is a job setting with a bad value.
type SettingError struct {
	// Setting names the field of Input, Output or Codec ("Compression").
	Setting string
	// Err says what is wrong with its value.
	Err error
}

func (e *SettingError) Error() string { return e.Setting + ": " + e.Err.Error() }

func (e *SettingError) Unwrap() error { return e.Err }

func settingError(setting, format string, args ...any) error {
	return &SettingError{Setting: setting, Err: fmt.Errorf(format, args...)}
}
