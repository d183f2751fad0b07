package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/runners"
	"github.com/vgmsynth/vgmsynth/transforms"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
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
			ownFlags["overwrite"] = true
			overwrite := fs.Bool("overwrite", false, "replace an existing output under the same prefix")
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				c, err := codecSetup(ctx, *model, *input, *output, *overwrite)
				if err != nil {
					return err
				}
				if err := tableio.CheckCompression(tableio.FormatParquet, *compression); err != nil {
					return usageError{fmt.Errorf("--compression: %w", err)}
				}
				if _, err := transforms.NewRowEncoder(c.model, c.header, 0); err != nil {
					return fmt.Errorf("%s: %w", c.files[0], err)
				}
				p, s := beam.NewPipelineWithRoot()
				transforms.EncodeFrom(s, c.data, transforms.EncodeConfig{
					Splits: c.splits, Header: c.header, Prefix: *output, Compression: *compression,
					Seed: *common.seed, RunID: c.runID, Roots: runners.Roots(), Hooks: common.hooks(),
				})
				if err := codecFinish(c, *output, common, execute(ctx, p, common, "encoded", 0)); err != nil {
					return err
				}
				return reportCodec(ctx, common, "encoded", *output)
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
			ownFlags["overwrite"] = true
			overwrite := fs.Bool("overwrite", false, "replace an existing output under the same prefix")
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				c, err := codecSetup(ctx, *model, *input, *output, *overwrite)
				if err != nil {
					return err
				}
				if err := tableio.CheckCompression(tableio.FormatCSV, *compression); err != nil {
					return usageError{fmt.Errorf("--compression: %w", err)}
				}
				if _, err := transforms.NewRowDecoder(c.model, c.header); err != nil {
					return fmt.Errorf("%s: %w", c.files[0], err)
				}
				p, s := beam.NewPipelineWithRoot()
				transforms.DecodeFrom(s, c.data, transforms.DecodeConfig{
					Splits: c.splits, Header: c.header, Prefix: *output, Compression: *compression,
					Clamp: *clamp, RunID: c.runID, Roots: runners.Roots(), Hooks: common.hooks(),
				})
				if err := codecFinish(c, *output, common, execute(ctx, p, common, "decoded", 0)); err != nil {
					return err
				}
				return reportCodec(ctx, common, "decoded", *output)
			}
		},
	}
}

// codecJob is what encode and decode check before any work starts.
type codecJob struct {
	data   []byte
	model  *table.Model
	files  []string
	header []string
	splits []tableio.Split
	runID  string
}

func codecSetup(ctx context.Context, model, input, output string, overwrite bool) (*codecJob, error) {
	switch {
	case model == "":
		return nil, usageError{errors.New("--model is required")}
	case input == "":
		return nil, usageError{errors.New("--input is required")}
	case output == "":
		return nil, usageError{errors.New("--output is required")}
	}
	c := &codecJob{}
	var err error
	if c.data, err = pipeline.ReadModel(ctx, model); err != nil {
		return nil, err
	}
	if c.model, err = table.DecodeModel(c.data); err != nil {
		return nil, err
	}
	if c.files, err = tableio.Files(ctx, input); err != nil {
		return nil, err
	}
	if c.header, err = tableio.Header(ctx, c.files[0]); err != nil {
		return nil, err
	}
	if c.splits, err = tableio.Plan(ctx, c.files, tableio.DefaultSplitBytes); err != nil {
		return nil, err
	}
	if len(c.splits) > 99999 {
		return nil, fmt.Errorf("the input has %d splits, more than the 99999 output files allowed", len(c.splits))
	}
	// A run killed under this prefix may have left a finalisation half
	// done, or temporary files: put them in order first.
	note, err := transforms.Recover(ctx, output)
	if err != nil {
		return nil, err
	}
	if note != "" {
		fmt.Fprintf(os.Stderr, "vgmsynth: %s\n", note) // a warning: printed even with --quiet
	}
	if !overwrite {
		existing, err := transforms.ExistingOutput(ctx, output)
		if err != nil {
			return nil, err
		}
		if len(existing) > 0 {
			return nil, fmt.Errorf("output %s already exists (%s, ...): pass --overwrite to replace it", output, existing[0])
		}
	}
	c.runID = pipeline.NewRunID()
	if err := transforms.Claim(output, c.runID); err != nil {
		return nil, err
	}
	return c, nil
}

// codecFinish cleans up after an encode or decode job that failed or was
// interrupted: it removes the run's temporary files, unless every file had
// been written, in which case it completes the output and the command
// succeeds.
func codecFinish(c *codecJob, output string, com *common, err error) error {
	if err == nil {
		return nil
	}
	finished, aerr := transforms.Abandon(context.Background(), output, c.runID)
	if finished {
		com.logf("vgmsynth: the run stopped (%v) after every file was written: completed the output\n", err)
		return nil
	}
	if aerr != nil {
		return fmt.Errorf("%w (cleaning up: %v)", err, aerr)
	}
	return err
}

// reportCodec prints what the manifest of an encode or decode output says.
func reportCodec(ctx context.Context, c *common, verb, prefix string) error {
	path := transforms.ManifestName(prefix)
	fsys, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fsys.Close()
	rc, err := fsys.OpenRead(ctx, path)
	if err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	var man transforms.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	c.logf("%s %d rows into %d %s files under %s (manifest %s)\n", verb, man.Rows, len(man.Shards), man.Format, prefix, path)
	return nil
}
