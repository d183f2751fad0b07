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

// Condition returns model with conditions set (table.SetConditions):
// GenerateShards, Generate and CheckCopies then generate only rows that
// meet them, as many for each Conditional as it asks. A model given as
// bytes is checked now: a condition that it does not understand, or one
// too improbable to generate from, is a *table.ConditionError. A model in
// a PCollection gets its conditions in the pipeline, which such a
// condition fails. No conditions return model unchanged.
func Condition(s beam.Scope, model Model, conditions []table.Conditional) (Model, error) {
	if len(conditions) == 0 {
		return model, nil
	}
	if !model.col.IsValid() {
		data, err := table.SetConditions(model.data, conditions)
		return ModelBytes(data), err
	}
	s = s.Scope("vgmsynth.Condition")
	return ModelPCollection(beam.ParDo(s, &conditionFn{Conditions: conditions}, model.col)), nil
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
