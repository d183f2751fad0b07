package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Output says what to generate and where: transforms.OutputConfig's
// fields, where Shards 0 chooses a count from Rows and Roots (AutoShards)
// and an empty RunID is made up (NewRunID; Abandon needs it), and two of
// the job's own.
type Output struct {
	transforms.OutputConfig
	// Overwrite allows replacing an earlier output under Prefix.
	Overwrite bool
	// Conditions, when set, restrict the rows generated: Rows rows that
	// meet them, taken in turn (table.Conditional).
	Conditions []table.Conditional
	// Notify, when set, is told what recovery of an interrupted earlier
	// run under Prefix did (see sink.Recover).
	Notify func(msg string)
}

// NewRunID returns a random name for a run's temporary files.
func NewRunID() string {
	id := make([]byte, 6)
	rand.Read(id)
	return hex.EncodeToString(id)
}

// Abandon cleans up after a job writing files under prefix, run as runID,
// that failed or was interrupted (see sink.Abandon): finished reports
// that every file had been written and the output was completed instead.
func Abandon(ctx context.Context, prefix, runID string) (finished bool, err error) {
	if prefix == "" || runID == "" {
		return false, nil
	}
	return sink.Abandon(ctx, prefix, runID)
}

// Generate builds the generate job: out's rows from a model file's bytes
// (ReadModel). It checks the output settings and out's conditions before
// any work starts: a condition the model cannot meet is a
// *table.ConditionError.
func Generate(ctx context.Context, model []byte, out Output) (*Job, error) {
	return newJob(func(s beam.Scope) error {
		_, err := buildGenerate(ctx, s, transforms.ModelBytes(model), out)
		return err
	})
}

// buildGenerate adds generation from model to s, after checking out, and
// returns the model that generates: restricted to out's conditions, if
// any (transforms.Condition).
func buildGenerate(ctx context.Context, s beam.Scope, model transforms.Model, out Output) (transforms.Model, error) {
	model, err := transforms.Condition(s, model, out.Conditions)
	if err != nil {
		return model, err
	}
	cfg, err := outputConfig(ctx, out)
	if err != nil {
		return model, err
	}
	transforms.GenerateShards(s, model, cfg)
	return model, nil
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
		return zero, settingError("Prefix", "is required")
	}
	if out.Rows < 0 {
		return zero, settingError("Rows", "must be 0 or more, not %d", out.Rows)
	}
	if out.Format != tableio.FormatCSV && out.Format != tableio.FormatParquet {
		return zero, settingError("Format", "unknown format %q (want csv or parquet)", out.Format)
	}
	if err := tableio.CheckCompression(out.Format, out.Compression); err != nil {
		return zero, &SettingError{Setting: "Compression", Err: err}
	}
	roots := max(1, out.Roots)
	shards := out.Shards
	if shards < 0 {
		return zero, settingError("Shards", "must be positive, not %d", shards)
	}
	if shards == 0 {
		shards = AutoShards(out.Rows, roots)
	}
	if shards > 99999 {
		return zero, settingError("Shards", "%d is more than 99999", shards)
	}
	runID, err := prepare(ctx, out.Prefix, out.RunID, out.Overwrite, out.Notify)
	if err != nil {
		return zero, err
	}
	cfg := out.OutputConfig
	cfg.Shards, cfg.RunID, cfg.Roots = shards, runID, roots
	return cfg, nil
}

// prepare readies prefix for a run (sink.Prepare) and returns the run's
// ID: runID, or a new one.
func prepare(ctx context.Context, prefix, runID string, overwrite bool, notify func(string)) (string, error) {
	if runID == "" {
		runID = NewRunID()
	}
	// A run killed under this prefix may have left a finalisation half
	// done, or temporary files: they are put in order first.
	note, err := sink.Prepare(ctx, prefix, runID, overwrite)
	if note != "" && notify != nil {
		notify(note)
	}
	return runID, err
}
