package pipeline

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// Codec says what to encode or decode with a model, and where to write
// it: one file per split of the input.
type Codec struct {
	// Model is the model file's bytes (ReadModel).
	Model []byte
	// Glob names the input files: the table to encode (the model's
	// columns) or the encoded table to decode, CSV or Parquet.
	Glob string
	// Prefix is the output prefix; Compression the output's codec (see
	// transforms.EncodeConfig and DecodeConfig).
	Prefix      string
	Compression string
	// Seed chooses the modes drawn (encode).
	Seed uint64
	// Clamp keeps decoded numbers within the model's bounds (decode).
	Clamp bool
	// Overwrite allows replacing an earlier output under Prefix.
	Overwrite bool
	// Roots is the number of independent read roots (runners.Roots).
	Roots int
	// Hooks is the key of the job's transforms.Hooks, or empty.
	Hooks string
	// RunID names the run's temporary files (NewRunID); empty, one is
	// made up. Abandon needs it.
	RunID string
	// Notify, when set, is told what recovery of an interrupted earlier
	// run under Prefix did (see sink.Recover).
	Notify func(msg string)
}

// Encode builds the encode job: c's input encoded (transforms.Encode) and
// written as Parquet. It checks the input and the output before any work
// starts.
func Encode(ctx context.Context, c Codec) (*Job, error) {
	return newJob(func(s beam.Scope) error { return buildCodec(ctx, s, c, true) })
}

// Decode builds the decode job: c's encoded input decoded
// (transforms.Decode) and written as CSV. It checks the input and the
// output before any work starts.
func Decode(ctx context.Context, c Codec) (*Job, error) {
	return newJob(func(s beam.Scope) error { return buildCodec(ctx, s, c, false) })
}

func buildCodec(ctx context.Context, s beam.Scope, c Codec, encode bool) error {
	format, fits := tableio.FormatCSV, func(m *table.Model, header []string) error {
		_, err := table.NewRowDecoder(m, header)
		return err
	}
	if encode {
		format, fits = tableio.FormatParquet, func(m *table.Model, header []string) error {
			_, err := table.NewRowEncoder(m, header, 0)
			return err
		}
	}
	in, err := codecInput(ctx, c, format, fits)
	if err != nil {
		return err
	}
	model := transforms.ModelBytes(c.Model)
	if encode {
		transforms.Encode(s, model, transforms.EncodeConfig{
			Splits: in.splits, Header: in.header, Prefix: c.Prefix, Compression: c.Compression,
			Seed: c.Seed, RunID: in.runID, Roots: c.Roots, Hooks: c.Hooks,
		})
	} else {
		transforms.Decode(s, model, transforms.DecodeConfig{
			Splits: in.splits, Header: in.header, Prefix: c.Prefix, Compression: c.Compression,
			Clamp: c.Clamp, RunID: in.runID, Roots: c.Roots, Hooks: c.Hooks,
		})
	}
	return nil
}

// codecRun is what encode and decode learn as they check their settings.
type codecRun struct {
	header []string
	splits []tableio.Split
	runID  string
}

// codecInput checks c (writing format), plans its input, checks the
// input's columns with fits and prepares the output.
func codecInput(ctx context.Context, c Codec, format string, fits func(*table.Model, []string) error) (codecRun, error) {
	var r codecRun
	switch {
	case c.Glob == "":
		return r, settingError("Glob", "is required")
	case c.Prefix == "":
		return r, settingError("Prefix", "is required")
	}
	if err := tableio.CheckCompression(format, c.Compression); err != nil {
		return r, &SettingError{Setting: "Compression", Err: err}
	}
	m, err := table.DecodeModel(c.Model)
	if err != nil {
		return r, settingError("Model", "%w", err)
	}
	files, err := tableio.Files(ctx, c.Glob)
	if err != nil {
		return r, err
	}
	if r.header, err = tableio.Header(ctx, files[0]); err != nil {
		return r, err
	}
	if r.splits, err = tableio.Plan(ctx, files, tableio.DefaultSplitBytes); err != nil {
		return r, err
	}
	if len(r.splits) > 99999 {
		return r, fmt.Errorf("the input has %d splits, more than the 99999 output files allowed", len(r.splits))
	}
	if err := fits(m, r.header); err != nil {
		return r, fmt.Errorf("%s: %w", files[0], err)
	}
	r.runID, err = prepare(ctx, c.Prefix, c.RunID, c.Overwrite, c.Notify)
	return r, err
}
