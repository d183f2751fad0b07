// Package pipeline wires vgmsynth's transforms into its three jobs: fit a
// model from a table, generate rows from a model, and both in one pipeline.
package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// DefaultSampleSize is how many input rows the model is fitted on.
const DefaultSampleSize = 200000

// Input says what to learn from.
type Input struct {
	// Glob names the input files: CSV (optionally .gz) or Parquet.
	Glob string
	// SampleSize is the number of rows fitted on.
	SampleSize int
	// Seed seeds sampling and fitting.
	Seed uint64
	// Kinds overrides inferred column kinds (column name to kind name).
	Kinds map[string]string
	// Roots is the number of independent read roots (runners.Roots).
	Roots int
	// Hooks is the key of the job's transforms.Hooks, or empty.
	Hooks string
	// ModelType is "network" (default), "forest", "copula" or "independent".
	ModelType string
	// MinCategoryCount: values seen fewer times are not kept by name
	// (table.FitOptions; 0 keeps all, the command line's default is
	// table.DefaultMinCategoryCount).
	MinCategoryCount int
	// NoExactBounds stores no exact extreme value (table.FitOptions).
	NoExactBounds bool
	// Delimiter is CSV input's field delimiter; 0 detects it. The model
	// records it, and CSV output is written with it.
	Delimiter byte
	// Rules: a schema file's constraints and mined rules switched off
	// (table.FitOptions).
	Rules table.RuleOptions
	// DecimalMark is "." or ",", or "" to detect it (table.FitOptions).
	DecimalMark string
}

// Output says what to generate and where.
type Output struct {
	Prefix      string
	Format      string
	Compression string
	Rows        int64
	// Shards is the file count; 0 chooses one from Rows and Roots.
	Shards int
	Seed   uint64
	// Overwrite allows replacing an earlier output under Prefix.
	Overwrite bool
	// Roots is the number of independent generation roots (runners.Roots).
	Roots int
	// Hooks is the key of the job's transforms.Hooks, or empty.
	Hooks string
	// Conditions, when set, restrict the rows generated: Rows rows that
	// meet them, taken in turn (table.Conditional).
	Conditions []table.Conditional
	// RunID names the run's temporary files (NewRunID); empty, one is
	// made up. Abandon needs it.
	RunID string
	// Notify, when set, is told what recovery of an interrupted earlier
	// run under Prefix did (see transforms.Recover).
	Notify func(msg string)
}

// NewRunID returns a random name for a run's temporary files.
func NewRunID() string {
	id := make([]byte, 6)
	rand.Read(id)
	return hex.EncodeToString(id)
}

// Abandon cleans up after a generating run that failed or was
// interrupted (see transforms.Abandon): finished reports that every shard
// had been written and the output was completed instead.
func Abandon(ctx context.Context, out Output) (finished bool, err error) {
	if out.Prefix == "" || out.RunID == "" {
		return false, nil
	}
	return transforms.Abandon(ctx, out.Prefix, out.RunID)
}

// BuildFit adds reading, sampling and fitting to s and returns the
// PCollection holding the model file's bytes. It checks the input before
// any work starts.
func BuildFit(ctx context.Context, s beam.Scope, in Input) (beam.PCollection, error) {
	m, _, err := BuildFitSample(ctx, s, in)
	return m, err
}

// BuildFitSample is BuildFit that also returns the PCollection of the
// input's summary (one table.Summary, with the sample), for
// BuildCopyCheck.
func BuildFitSample(ctx context.Context, s beam.Scope, in Input) (model, summary beam.PCollection, err error) {
	none := beam.PCollection{}
	if in.SampleSize <= 0 {
		return none, none, fmt.Errorf("--sample-size must be positive, not %d", in.SampleSize)
	}
	if in.MinCategoryCount < 0 {
		return none, none, fmt.Errorf("--min-category-count must be 0 or more, not %d", in.MinCategoryCount)
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
		return none, none, fmt.Errorf("unknown --model-type %q (want %s, %s, %s or %s)", in.ModelType, table.ModelTypeForest, table.ModelTypeNetwork, table.ModelTypeCopula, table.ModelTypeIndependent)
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
	model = transforms.Fit(s, summary, transforms.FitConfig{
		Kinds: in.Kinds, Seed: in.Seed, ModelType: in.ModelType,
		MinCategoryCount: in.MinCategoryCount, NoExactBounds: in.NoExactBounds, Rules: in.Rules, DecimalMark: in.DecimalMark,
		Delimiter: delim,
	})
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

// BuildGenerate adds generation from model (a PCollection of one model file)
// to s. It checks the output settings before any work starts.
func BuildGenerate(ctx context.Context, s beam.Scope, model beam.PCollection, out Output) error {
	cfg, err := outputConfig(ctx, out)
	if err != nil {
		return err
	}
	transforms.Finalize(s, transforms.GenerateShards(s, conditioned(s, model, out), cfg), cfg)
	return nil
}

// conditioned is model with out's conditions set.
func conditioned(s beam.Scope, model beam.PCollection, out Output) beam.PCollection {
	if len(out.Conditions) == 0 {
		return model
	}
	return transforms.Condition(s, model, out.Conditions)
}

// BuildCopyCheck adds run's privacy check: the first
// transforms.CopyCheckRows rows that out generates are compared with the
// rows of the input's sample (summary, from BuildFitSample); the count of
// exact copies goes to the counter vgmsynth/exact_copies and to the
// Copies hook under out.Hooks.
func BuildCopyCheck(s beam.Scope, summary, model beam.PCollection, out Output) {
	transforms.CheckCopies(s, summary, conditioned(s, model, out), out.Rows, out.Seed, out.Hooks)
}

// BuildGenerateFrom adds generation from a model file's bytes to s. A
// condition the model cannot generate from is a *table.ConditionError.
func BuildGenerateFrom(ctx context.Context, s beam.Scope, model []byte, out Output) error {
	if len(out.Conditions) > 0 {
		var err error
		if model, err = table.SetConditions(model, out.Conditions); err != nil {
			return err
		}
	}
	cfg, err := outputConfig(ctx, out)
	if err != nil {
		return err
	}
	transforms.Finalize(s, transforms.GenerateShardsFrom(s, model, cfg), cfg)
	return nil
}

// AutoShards chooses a shard count: one file for small outputs, otherwise at
// least one per root and files of at most about 50 million rows.
func AutoShards(rows int64, roots int) int {
	if rows < 1_000_000 {
		return 1
	}
	n := max(roots, int((rows+49_999_999)/50_000_000))
	return (n + roots - 1) / roots * roots
}

func outputConfig(ctx context.Context, out Output) (transforms.OutputConfig, error) {
	var zero transforms.OutputConfig
	if out.Prefix == "" {
		return zero, errors.New("--output is required")
	}
	if out.Rows < 0 {
		return zero, fmt.Errorf("--rows must be 0 or more, not %d", out.Rows)
	}
	if out.Format != tableio.FormatCSV && out.Format != tableio.FormatParquet {
		return zero, fmt.Errorf("unknown --format %q (want csv or parquet)", out.Format)
	}
	if err := tableio.CheckCompression(out.Format, out.Compression); err != nil {
		return zero, fmt.Errorf("--compression: %w", err)
	}
	roots := max(1, out.Roots)
	shards := out.Shards
	if shards < 0 {
		return zero, fmt.Errorf("--shards must be positive, not %d", shards)
	}
	if shards == 0 {
		shards = AutoShards(out.Rows, roots)
	}
	if shards > 99999 {
		return zero, fmt.Errorf("--shards %d is more than 99999", shards)
	}
	// A run killed under this prefix may have left a finalisation half
	// done, or temporary files: put them in order first.
	note, err := transforms.Recover(ctx, out.Prefix)
	if err != nil {
		return zero, err
	}
	if note != "" && out.Notify != nil {
		out.Notify(note)
	}
	if !out.Overwrite {
		existing, err := transforms.ExistingOutput(ctx, out.Prefix)
		if err != nil {
			return zero, err
		}
		if len(existing) > 0 {
			return zero, fmt.Errorf("output %s already exists (%s, ...): pass --overwrite to replace it", out.Prefix, existing[0])
		}
	}
	runID := out.RunID
	if runID == "" {
		runID = NewRunID()
	}
	// Best effort: where it fails, so will the workers' writes, with the
	// error in context.
	transforms.Claim(out.Prefix, runID)
	return transforms.OutputConfig{
		Prefix: out.Prefix, Format: out.Format, Compression: out.Compression,
		Rows: out.Rows, Shards: shards, Seed: out.Seed,
		RunID: runID, Roots: roots, Hooks: out.Hooks,
	}, nil
}

// ReadModel reads and validates a model file (local or gs://) and returns
// its bytes.
func ReadModel(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, table.MaxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	if len(data) > table.MaxModelBytes {
		return nil, fmt.Errorf("model %s: larger than %d MiB", path, table.MaxModelBytes>>20)
	}
	if _, err := table.DecodeModel(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}
