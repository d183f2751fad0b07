package transforms

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, table.Summary, func([]byte), error](&fitFn{})
	register.Emitter1[[]byte]()
}

// FitConfig configures the model fit.
type FitConfig struct {
	// Kinds maps column names to kind names ("float", "categorical", ...)
	// that override inference.
	Kinds map[string]string
	// Seed seeds the mixtures' k-means initialisation.
	Seed uint64
	// ModelType is "forest" (default), "network", "copula" or "independent".
	ModelType string
	// MinCategoryCount: values seen fewer times are not kept by name
	// (table.FitOptions; 0 keeps all, the command line's default is
	// table.DefaultMinCategoryCount).
	MinCategoryCount int
	// NoExactBounds stores no exact extreme value (table.FitOptions).
	NoExactBounds bool
	// Delimiter is the CSV input's field delimiter (0 for Parquet), which
	// the model records for CSV output.
	Delimiter byte
	// Rules are table.FitOptions' (a schema file's constraints).
	Rules table.RuleOptions
	// DecimalMark is "." or ",", or "" to detect it per column.
	DecimalMark string
	// Privacy, when set, makes the fit differentially private
	// (table.PrivacyOptions).
	Privacy *table.PrivacyOptions
}

// Fit turns the PCollection of one summary made by Sample into a
// PCollection of one model file (the model's JSON bytes).
func Fit(s beam.Scope, summary beam.PCollection, cfg FitConfig) beam.PCollection {
	s = s.Scope("vgmsynth.Fit")
	return beam.ParDo(s, &fitFn{Kinds: cfg.Kinds, Seed: cfg.Seed, ModelType: cfg.ModelType, MinCategoryCount: cfg.MinCategoryCount, NoExactBounds: cfg.NoExactBounds, Rules: cfg.Rules, DecimalMark: cfg.DecimalMark, Delimiter: string(rune(cfg.Delimiter)), Privacy: cfg.Privacy}, summary)
}

type fitFn struct {
	Kinds            map[string]string
	Seed             uint64
	ModelType        string
	MinCategoryCount int
	NoExactBounds    bool
	Rules            table.RuleOptions
	DecimalMark      string
	Delimiter        string
	Privacy          *table.PrivacyOptions
}

func (fn *fitFn) ProcessElement(ctx context.Context, sum table.Summary, emit func([]byte)) error {
	opt := table.FitOptions{VGM: vgm.DefaultConfig(), Kinds: map[string]table.Kind{}, ModelType: fn.ModelType, MinCategoryCount: fn.MinCategoryCount, NoExactBounds: fn.NoExactBounds, Rules: fn.Rules, Privacy: fn.Privacy}
	opt.VGM.Seed = fn.Seed
	if fn.DecimalMark != "" {
		opt.DecimalMark = fn.DecimalMark[0]
	}
	for name, k := range fn.Kinds {
		kind, err := table.ParseKind(k)
		if err != nil {
			return fmt.Errorf("schema: column %q: %w", name, err)
		}
		opt.Kinds[name] = kind
	}
	m, err := table.Fit(&sum, opt)
	if err != nil {
		return err
	}
	if fn.Delimiter != "," && fn.Delimiter != "\x00" {
		m.Delimiter = fn.Delimiter
	}
	b, err := m.Encode()
	if err != nil {
		return err
	}
	emit(b)
	return nil
}

func init() {
	register.DoFn2x1[context.Context, []byte, error](&writeModelFn{})
}

// WriteModel writes the model file (a PCollection of one model's bytes) to
// path, through a temporary name so that a failed run never leaves a
// partial model. Prism busy-loops while a stage runs that has no consumed
// output (docs/runners.md): the writer is a short stage of its own.
func WriteModel(s beam.Scope, model beam.PCollection, path string) {
	s = s.Scope("vgmsynth.WriteModel")
	// The reshuffle puts the writer in a stage of its own, so that the
	// stage that fits has a consumed output and does not spin either.
	beam.ParDo0(s, &writeModelFn{Path: path}, beam.Reshuffle(s, model))
}

type writeModelFn struct {
	Path string
}

func (fn *writeModelFn) ProcessElement(ctx context.Context, model []byte) error {
	return sink.WriteFile(ctx, fn.Path, model)
}
