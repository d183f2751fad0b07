package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/runners"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

func init() {
	commands["encode"] = command{
		synopsis: "--model model.json --input GLOB --output PREFIX [flags]",
		help: "Encodes a table with a model's mixtures for CTGAN-style training (mode-specific\n" +
			"normalisation), as Parquet files PREFIX-00000-of-0000K.parquet, one per input\n" +
			"split, and PREFIX-MANIFEST.json. A numeric column NAME becomes NAME.alpha\n" +
			"(float64, (x - mean)/(4 std) of the mode, clipped to [-0.99, 0.99]) and NAME.mode\n" +
			"(int32, drawn from the value's posterior mode probabilities; -1-i for the\n" +
			"column's atom i); a categorical or boolean column becomes NAME (int32 index\n" +
			"into the model's categories, -1 for a value the model does not know); an id\n" +
			"column is copied; nulls stay null. The same seed gives the same modes on any\n" +
			"runner. \"vgmsynth decode\" inverts it.",
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			model := stringFlag(fs, "model", "", "model file to encode with (local or gs://)")
			input := stringFlag(fs, "input", "", "input table: CSV (.csv, .csv.gz) or Parquet file(s), a path or glob, local or gs://; the model's columns")
			output := stringFlag(fs, "output", "", "output prefix: files are PREFIX-00000-of-0000K.parquet (local or gs://)")
			compression := stringFlag(fs, "compression", "", "Parquet codec: snappy (default), none, zstd or gzip")
			job := codecFlags(fs)
			return func(ctx context.Context) error {
				c, err := job(ctx, *model, *input, *output, *compression, tableio.FormatParquet)
				if err != nil {
					return err
				}
				return runCodec(ctx, c, "encoded", pipeline.BuildEncode)
			}
		},
	}
	commands["decode"] = command{
		synopsis: "--model model.json --input GLOB --output PREFIX [flags]",
		help: "Decodes a table encoded by \"vgmsynth encode\" (or a CTGAN-style model's output\n" +
			"with the same columns, Parquet or CSV) back to the model's columns, written as\n" +
			"CSV files PREFIX-00000-of-0000K.csv, one per input split, in the model's formats\n" +
			"and PREFIX-MANIFEST.json. A value is mean + 4 std * alpha of its mode (alpha\n" +
			"clipped to [-1, 1]) or its atom, rounded to the column's resolution (and with\n" +
			"--clamp kept within the model's bounds); category index -1 decodes to null.",
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			model := stringFlag(fs, "model", "", "model file the table was encoded with (local or gs://)")
			input := stringFlag(fs, "input", "", "encoded table: Parquet or CSV file(s), a path or glob, local or gs://")
			output := stringFlag(fs, "output", "", "output prefix: files are PREFIX-00000-of-0000K.csv (local or gs://)")
			compression := stringFlag(fs, "compression", "", "CSV compression: none (default), zstd or gzip")
			ownFlags["clamp"] = true
			clamp := fs.Bool("clamp", false, "keep decoded numbers within the model's min and max, as generated values are (for a model's output; a round trip needs it off)")
			job := codecFlags(fs)
			return func(ctx context.Context) error {
				c, err := job(ctx, *model, *input, *output, *compression, tableio.FormatCSV)
				if err != nil {
					return err
				}
				c.Clamp = *clamp
				return runCodec(ctx, c, "decoded", pipeline.BuildDecode)
			}
		},
	}
}

// codecJob is an encode or decode job, as its flags say.
type codecJob struct {
	pipeline.Codec
	common *common
}

// codecFlags adds the flags encode and decode share and returns the
// function that checks them all and reads the model.
func codecFlags(fs *flag.FlagSet) func(ctx context.Context, model, input, output, compression, format string) (codecJob, error) {
	ownFlags["overwrite"] = true
	overwrite := fs.Bool("overwrite", false, "replace an existing output under the same prefix")
	common := commonFlags(fs)
	return func(ctx context.Context, model, input, output, compression, format string) (codecJob, error) {
		switch {
		case model == "":
			return codecJob{}, usageError{errors.New("--model is required")}
		case input == "":
			return codecJob{}, usageError{errors.New("--input is required")}
		case output == "":
			return codecJob{}, usageError{errors.New("--output is required")}
		}
		if err := tableio.CheckCompression(format, compression); err != nil {
			return codecJob{}, usageError{fmt.Errorf("--compression: %w", err)}
		}
		data, err := pipeline.ReadModel(ctx, model)
		if err != nil {
			return codecJob{}, err
		}
		return codecJob{common: common, Codec: pipeline.Codec{
			Model: data, Glob: input, Prefix: output, Compression: compression,
			Seed: *common.seed, Overwrite: *overwrite, Roots: runners.Roots(), Hooks: common.hooks(),
			// Recovery notes are warnings: printed even with --quiet.
			RunID: pipeline.NewRunID(), Notify: func(msg string) { fmt.Fprintf(errOut, "vgmsynth: %s\n", msg) },
		}}, nil
	}
}

// runCodec builds c's pipeline with build, runs it and reports what the
// output's manifest says.
func runCodec(ctx context.Context, c codecJob, verb string, build func(context.Context, beam.Scope, pipeline.Codec) error) error {
	p, s := beam.NewPipelineWithRoot()
	if err := build(ctx, s, c.Codec); err != nil {
		return flagContext(err)
	}
	if err := finish(ctx, c.Prefix, c.RunID, c.common, execute(ctx, p, c.common, verb, 0)); err != nil {
		return err
	}
	man, err := sink.ReadManifest(ctx, c.Prefix)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	c.common.logf("%s %d rows into %d %s files under %s (manifest %s)\n", verb, man.Rows, len(man.Shards), man.Format, c.Prefix, sink.ManifestName(c.Prefix))
	return nil
}

// settingFlags names the flag of each pipeline setting.
var settingFlags = map[string]string{
	"Glob": "input", "Prefix": "output", "Model": "model",
	"SampleSize": "sample-size", "MinCategoryCount": "min-category-count", "ModelType": "model-type",
	"Rows": "rows", "Format": "format", "Compression": "compression", "Shards": "shards",
}

// flagContext puts a pipeline error in the command line's terms: a bad
// setting names its flag, and a refusal to replace an output says how to.
func flagContext(err error) error {
	var se *pipeline.SettingError
	if errors.As(err, &se) {
		if f, ok := settingFlags[se.Setting]; ok {
			return fmt.Errorf("--%s: %w", f, se.Err)
		}
	}
	var ee *sink.ExistsError
	if errors.As(err, &ee) {
		return fmt.Errorf("%w: pass --overwrite to replace it", err)
	}
	return err
}
