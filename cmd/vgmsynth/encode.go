package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/runners"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

func init() {
	commands["encode"] = codecCommand(
		"Encodes a table with a model's mixtures for CTGAN-style training (mode-specific\n"+
			"normalisation), as Parquet files PREFIX-00000-of-0000K.parquet, one per input\n"+
			"split, and PREFIX-MANIFEST.json. A numeric column NAME becomes NAME.alpha\n"+
			"(float64, (x - mean)/(4 std) of the mode, clipped to [-0.99, 0.99]) and NAME.mode\n"+
			"(int32, drawn from the value's posterior mode probabilities; -1-i for the\n"+
			"column's atom i); a categorical or boolean column becomes NAME (int32 index\n"+
			"into the model's categories, -1 for a value the model does not know); an id\n"+
			"column is copied; nulls stay null. The same seed gives the same modes on any\n"+
			"runner. \"vgmsynth decode\" inverts it.",
		tableio.FormatParquet, "encoded", pipeline.Encode, codecUsage{
			model:       "model file to encode with (local or gs://)",
			input:       "input table: CSV (.csv, .csv.gz) or Parquet file(s), a path or glob, local or gs://; the model's columns",
			output:      "output prefix: files are PREFIX-00000-of-0000K.parquet (local or gs://)",
			compression: "Parquet codec: snappy (default), none, zstd or gzip",
		})
	commands["decode"] = codecCommand(
		"Decodes a table encoded by \"vgmsynth encode\" (or a CTGAN-style model's output\n"+
			"with the same columns, Parquet or CSV) back to the model's columns, written as\n"+
			"CSV files PREFIX-00000-of-0000K.csv, one per input split, in the model's formats\n"+
			"and PREFIX-MANIFEST.json. A value is mean + 4 std * alpha of its mode (alpha\n"+
			"clipped to [-1, 1]) or its atom, rounded to the column's resolution (and with\n"+
			"--clamp kept within the model's bounds); category index -1 decodes to null.",
		tableio.FormatCSV, "decoded", pipeline.Decode, codecUsage{
			model:       "model file the table was encoded with (local or gs://)",
			input:       "encoded table: Parquet or CSV file(s), a path or glob, local or gs://",
			output:      "output prefix: files are PREFIX-00000-of-0000K.csv (local or gs://)",
			compression: "CSV compression: none (default), zstd or gzip",
		})
}

// codecCommand is the command encode or decode, with its help: their
// synopsis and required flags are the same, their flags codecFlags'.
func codecCommand(help, format, verb string, build func(context.Context, pipeline.Codec) (*pipeline.Job, error), u codecUsage) command {
	return command{
		synopsis: "--model model.json --input GLOB --output PREFIX [flags]",
		required: []string{"model", "input", "output"},
		help:     help,
		flags:    codecFlags(format, verb, build, u),
	}
}

// codecUsage is what the flags of encode or decode say.
type codecUsage struct {
	model, input, output, compression string
}

// codecFlags adds the flags of encode or decode (writing format; decode
// has --clamp) and returns its job: check the flags, read the model,
// build the pipeline with build and run it.
func codecFlags(format, verb string, build func(context.Context, pipeline.Codec) (*pipeline.Job, error), u codecUsage) func(*flag.FlagSet) func(context.Context) error {
	return func(fs *flag.FlagSet) func(context.Context) error {
		model := stringFlag(fs, "model", "", u.model)
		input := stringFlag(fs, "input", "", u.input)
		output := stringFlag(fs, "output", "", u.output)
		compression := stringFlag(fs, "compression", "", u.compression)
		clamp := new(bool)
		if format == tableio.FormatCSV {
			ownFlags["clamp"] = true
			clamp = fs.Bool("clamp", false, "keep decoded numbers within the model's min and max, as generated values are (for a model's output; a round trip needs it off)")
		}
		ownFlags["overwrite"] = true
		overwrite := fs.Bool("overwrite", false, "replace an existing output under the same prefix")
		common := commonFlags(fs)
		return func(ctx context.Context) error {
			if err := tableio.CheckCompression(format, *compression); err != nil {
				return usageError{fmt.Errorf("--compression: %w", err)}
			}
			data, err := pipeline.ReadModel(ctx, *model)
			if err != nil {
				return err
			}
			c := pipeline.Codec{
				Model: data, Glob: *input, Prefix: *output, Compression: *compression,
				Seed: *common.seed, Clamp: *clamp, Overwrite: *overwrite, Roots: runners.Roots(), Hooks: common.hooks(),
				// Recovery notes are warnings: printed even with --quiet.
				RunID: pipeline.NewRunID(), Notify: func(msg string) { fmt.Fprintf(errOut, "vgmsynth: %s\n", msg) },
			}
			return runCodec(ctx, c, common, verb, build)
		}
	}
}

// runCodec builds c's pipeline with build, runs it and reports what the
// output's manifest says.
func runCodec(ctx context.Context, c pipeline.Codec, com *common, verb string, build func(context.Context, pipeline.Codec) (*pipeline.Job, error)) error {
	job, err := build(ctx, c)
	if err != nil {
		return flagContext(err)
	}
	if err := finish(ctx, c.Prefix, c.RunID, com, execute(ctx, job, com, verb, 0)); err != nil {
		return err
	}
	man, err := sink.ReadManifest(ctx, c.Prefix)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	com.logf("%s %d rows into %d %s files under %s (manifest %s)\n", verb, man.Rows, len(man.Shards), man.Format, c.Prefix, sink.ManifestName(c.Prefix))
	return nil
}

// settingFlags names the flag of each pipeline setting.
var settingFlags = map[string]string{
	"Glob": "input", "Prefix": "output", "Model": "model",
	"SampleSize": "sample-size", "MinCategoryCount": "min-category-count", "ModelType": "model-type",
	"Rows": "rows", "Format": "format", "Compression": "compression", "Shards": "shards",
	"Privacy": "epsilon",
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
