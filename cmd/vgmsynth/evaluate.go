package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/vgmsynth/vgmsynth/cmd/vgmsynth/internal/report"
	"github.com/vgmsynth/vgmsynth/evaluate"
)

func init() {
	commands["evaluate"] = command{
		synopsis: "--real GLOB --synthetic GLOB [flags]",
		required: []string{"real", "synthetic"},
		help: "Scores synthetic data against the real table it imitates with the\n" +
			"SDMetrics Quality Report (Column Shapes, Column Pair Trends) and vgmsynth's\n" +
			"privacy figures, and prints the report, with the logic of the table: a\n" +
			"classifier two-sample test (logistic and boosted trees, on up to 20,000\n" +
			"rows of each table), the rules every real row holds and how often the\n" +
			"synthetic rows break them, month or hour seasonality, and with --target and\n" +
			"--holdout the ML efficacy (train on synthetic, test on real held-out rows,\n" +
			"against train on real). Column kinds are inferred from the\n" +
			"real table; both tables must have the same columns. Identifier columns\n" +
			"(distinct values of one shape) are not scored, as in SDMetrics. It runs\n" +
			"in this process, not on a Beam runner.",
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			real := stringFlag(fs, "real", "", "real table: CSV (.csv, .csv.gz) or Parquet file(s), a path or glob, local or gs://")
			synth := stringFlag(fs, "synthetic", "", "synthetic table: a path or glob, as --real")
			ownFlags["json"] = true
			asJSON := fs.Bool("json", false, "print the report as JSON instead of text")
			reportPath := stringFlag(fs, "report", "", "also write a self-contained HTML report with plots to this file (local or gs://)")
			target := stringFlag(fs, "target", "", "ML efficacy: the column to predict (needs --holdout)")
			holdout := stringFlag(fs, "holdout", "", "ML efficacy: real rows the synthesizer never saw, with the real table's columns (needs --target)")
			ownFlags["max-rows"] = true
			maxRows := fs.Int("max-rows", evaluate.DefaultEvaluateMaxRows, "most rows of each table loaded into memory; larger tables are sampled uniformly")
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				if (*target == "") != (*holdout == "") {
					return usageError{errors.New("--target and --holdout go together")}
				}
				if *maxRows <= 0 {
					return usageError{fmt.Errorf("--max-rows must be positive, not %d", *maxRows)}
				}
				ev, err := evaluate.Evaluate(ctx, *real, *synth, evaluate.EvaluateOptions{
					MaxRows: *maxRows, Seed: *common.seed, Logic: true, Target: *target, Holdout: *holdout})
				if err != nil {
					return err
				}
				for _, side := range []struct {
					name string
					t    *evaluate.EvaluatedTable
				}{{"real", &ev.Real}, {"synthetic", &ev.Synthetic}} {
					if n := side.t.Table.Len(); int64(n) < side.t.TotalRows {
						common.logf("%s table: loaded a uniform sample of %d of its %d rows\n", side.name, n, side.t.TotalRows)
					}
				}
				if len(ev.Real.Skipped) > 0 {
					common.logf("not scored: %s (identifier columns: distinct values of one shape, which vgmsynth never copies)\n",
						strings.Join(ev.Real.Skipped, ", "))
				}
				if *asJSON {
					out, err := json.MarshalIndent(ev.Report, "", "  ")
					if err != nil {
						return err
					}
					if _, err := fmt.Fprintf(stdout, "%s\n", out); err != nil {
						return err
					}
				} else if err := ev.Report.WriteText(stdout); err != nil {
					return err
				}
				if *reportPath != "" {
					if err := report.WriteHTMLReportFile(ctx, *reportPath, ev); err != nil {
						return err
					}
					common.logf("wrote report %s\n", *reportPath)
				}
				return nil
			}
		},
	}
}
