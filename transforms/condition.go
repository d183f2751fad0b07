package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func([]byte), error](&conditionFn{})
}

// Condition returns model (a PCollection of one model file, as Fit returns
// it) with conditions set (table.SetConditions): GenerateShards and
// Generate then generate only rows that meet them, as many for each
// Conditional as it asks. A condition that the model does not understand,
// or one too improbable to generate from, fails the pipeline with a
// *table.ConditionError's message.
func Condition(s beam.Scope, model beam.PCollection, conditions []table.Conditional) beam.PCollection {
	s = s.Scope("vgmsynth.Condition")
	return beam.ParDo(s, &conditionFn{Conditions: conditions}, model)
}

// conditionFn sets conditions on a model file.
type conditionFn struct {
	Conditions []table.Conditional
}

func (fn *conditionFn) ProcessElement(_ context.Context, model []byte, emit func([]byte)) error {
	out, err := table.SetConditions(model, fn.Conditions)
	if err != nil {
		return err
	}
	emit(out)
	return nil
}
