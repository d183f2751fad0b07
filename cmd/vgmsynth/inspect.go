package main

import (
	"context"
	"flag"

	"github.com/vgmsynth/vgmsynth/cmd/vgmsynth/internal/report"
	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	commands["inspect"] = command{
		synopsis: "--model model.json [--plot DIR]",
		required: []string{"model"},
		help: "Prints a readable summary of a model file: its type and sample, each\n" +
			"column's kind, nulls, bounds, format, mixture modes (weights, means, stds),\n" +
			"atoms, tails and most frequent categories, the network's nodes with their\n" +
			"parents and the copula's correlation matrix. With --plot, also draws one PNG\n" +
			"per column into DIR: the mixture density with each weighted mode dashed and\n" +
			"the atoms as spikes, or the categories' shares. It runs in this process, not\n" +
			"on a Beam runner.",
		flags: func(fs *flag.FlagSet) func(context.Context) error {
			model := stringFlag(fs, "model", "", "model file to read (local or gs://)")
			plotDir := stringFlag(fs, "plot", "", "also write one PNG per column into this directory (local or gs://)")
			common := commonFlags(fs)
			return func(ctx context.Context) error {
				data, err := pipeline.ReadModel(ctx, *model)
				if err != nil {
					return err
				}
				m, err := table.DecodeModel(data)
				if err != nil {
					return err
				}
				if err := report.DescribeModel(stdout, m); err != nil {
					return err
				}
				if *plotDir != "" {
					paths, err := report.PlotModel(ctx, *plotDir, m)
					if err != nil {
						return err
					}
					common.logf("wrote %d plots to %s\n", len(paths), *plotDir)
				}
				return nil
			}
		},
	}
}
