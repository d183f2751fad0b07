package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func(Task), error](&listTasksFn{})
	register.Emitter1[Task]()
}

// Model is the model a transform generates, encodes or decodes with:
// either a PCollection of one model file (as Fit returns it), which the
// workers get as a side input, or the model file's bytes, known as the
// pipeline is built, which are embedded in the workers. Prism re-examines
// a stage with a side input in a busy loop while its bundles run, which
// costs a core: embed a model that is known.
type Model struct {
	col  beam.PCollection
	data []byte
}

// ModelPCollection is the model in col, a PCollection of one model file.
func ModelPCollection(col beam.PCollection) Model { return Model{col: col} }

// ModelBytes is the model file data, embedded in the workers.
func ModelBytes(data []byte) Model { return Model{data: data} }

// pcollection is the model as a PCollection of one model file.
func (m Model) pcollection(s beam.Scope) beam.PCollection {
	if m.col.IsValid() {
		return m.col
	}
	return beam.Create(s, m.data)
}

// writeShards applies the shard worker of job to tasks, with the model
// embedded or as a side input, and returns the sink.Shards written.
func (m Model) writeShards(s beam.Scope, job shardJob, tasks beam.PCollection) beam.PCollection {
	if m.col.IsValid() {
		return beam.ParDo(s, &shardSideFn{Job: job}, tasks, beam.SideInput{Input: m.col})
	}
	return beam.ParDo(s, &shardFn{Job: job, Model: m.data}, tasks)
}

// Task is one piece of a job's work, done by one worker: file Index of
// Total, made from rows [Start, End) of the output (generation) or from
// Split of the input (sampling, encoding, decoding).
type Task struct {
	Index, Total int
	Start, End   int64
	Split        tableio.Split
}

// splitTasks is one task per split.
func splitTasks(splits []tableio.Split) []Task {
	tasks := make([]Task, len(splits))
	for i, sp := range splits {
		tasks[i] = Task{Index: i, Total: len(splits), Split: sp}
	}
	return tasks
}

// spread deals tasks round-robin to roots independent Impulse roots (no
// more roots than tasks), which local runners execute concurrently, and
// applies work to each root's tasks; with one root the tasks are
// reshuffled, so that a distributed runner spreads them over its workers.
// It returns work's outputs, flattened.
func spread(s beam.Scope, tasks []Task, roots int, work func(tasks beam.PCollection) beam.PCollection) beam.PCollection {
	parts := distribute(tasks, roots)
	var outs []beam.PCollection
	for _, part := range parts {
		col := beam.ParDo(s, &listTasksFn{Tasks: part}, beam.Impulse(s))
		if len(parts) == 1 {
			col = beam.Reshuffle(s, col)
		}
		outs = append(outs, work(col))
	}
	if len(outs) == 1 {
		return outs[0]
	}
	return beam.Flatten(s, outs...)
}

// distribute deals items round-robin into n lists (at least one, and no
// more lists than items unless there are none).
func distribute[T any](items []T, n int) [][]T {
	n = max(1, min(n, len(items)))
	out := make([][]T, n)
	for i, it := range items {
		out[i%n] = append(out[i%n], it)
	}
	return out
}

// listTasksFn emits the tasks of one root.
type listTasksFn struct {
	Tasks []Task
}

func (fn *listTasksFn) ProcessElement(_ context.Context, _ []byte, emit func(Task)) error {
	for _, t := range fn.Tasks {
		emit(t)
	}
	return nil
}
