package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, []byte, table.Summary, error](&checkCopiesFn{})
}

// CheckCopies compares the first table.CopyCheckRows generated rows (rows
// and seed as the output's) with the rows of the input's sample, the
// summary that Sample made (table.CountCopies). The rows are generated
// again, in memory, which gives the very rows written. The result goes to
// the counters vgmsynth/exact_copies and vgmsynth/copy_check_rows, to the
// log as a warning when there are copies, and to the Copies hook
// registered under hooksKey (Hooks.Register; empty for none).
func CheckCopies(s beam.Scope, summary beam.PCollection, model Model, rows int64, seed uint64, hooksKey string) {
	s = s.Scope("vgmsynth.CheckCopies")
	beam.ParDo0(s, &checkCopiesFn{Rows: rows, Seed: seed, Hooks: hooksKey}, model.pcollection(s), beam.SideInput{Input: summary})
}

type checkCopiesFn struct {
	Rows  int64
	Seed  uint64
	Hooks string
}

func (fn *checkCopiesFn) ProcessElement(ctx context.Context, model []byte, sum table.Summary) error {
	g, err := generators.get(model)
	if err != nil {
		return err
	}
	if len(sum.Columns) != len(g.Model.Columns) {
		return nil
	}
	copies, n, err := table.CountCopies(g, sum.Sample, fn.Rows, fn.Seed)
	if err != nil {
		return err
	}
	beam.NewCounter("vgmsynth", "exact_copies").Inc(ctx, copies)
	beam.NewCounter("vgmsynth", "copy_check_rows").Inc(ctx, n)
	if copies > 0 {
		log.Warnf(ctx, "vgmsynth: %d of the first %d generated rows are exact copies of rows of the input's sample", copies, n)
	}
	if report := hooks(fn.Hooks).Copies; report != nil {
		report(copies, n, int64(len(sum.Sample)))
	}
	return nil
}
