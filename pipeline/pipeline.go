// Package pipeline wires vgmsynth's transforms into its jobs: fit a model
// from a table, generate rows from a model, both in one pipeline (run),
// and encode or decode a table with a model. Each Build function checks
// its settings before any work starts; a bad setting is a *SettingError
// naming the field, for the caller to put in its own terms.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/privacy"
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
	// Privacy, when set, makes the fit (ε, δ)-differentially private
	// (table.PrivacyOptions, docs/privacy.md).
	Privacy *table.PrivacyOptions
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
	model = transforms.Fit(s, summary, transforms.FitConfig{
		Kinds: in.Kinds, Seed: in.Seed, ModelType: in.ModelType,
		MinCategoryCount: in.MinCategoryCount, NoExactBounds: in.NoExactBounds, Rules: in.Rules, DecimalMark: in.DecimalMark,
		Delimiter: delim, Privacy: in.Privacy,
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
