package transforms

import (
	"context"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func(BlockRange), error](&planBlocksFn{})
	register.DoFn4x1[context.Context, BlockRange, []byte, func(Row), error](&generateRowsFn{})
	register.Emitter1[BlockRange]()
	register.Emitter1[Row]()
}

// Row is one generated row, for a sink of the user's own.
type Row struct {
	// Index is the row's place in the output, 0 to rows-1: the row that
	// the file-writing path writes at this index.
	Index int64
	// Values are the row's values as text in the model's learned formats,
	// in the model's column order (table.Model.Columns); a null is "".
	Values []string
	// Null marks the null values.
	Null []bool
}

// BlockRange is a run of generation blocks [Start, End) (table.BlockSize
// rows each) of an output of Rows rows.
type BlockRange struct {
	Start, End int64
	Rows       int64
}

// rowsPerRange is about how many rows one element of Generate's fan-out
// covers.
const rowsPerRange = 16 * table.BlockSize

// Generate generates rows rows from the model and seed and returns them as a PCollection of
// Row, for sinks of the user's own: textio, a database, a queue. For
// BigQuery, map each Row to a struct of the table's schema (parsing
// Values by the model's column kinds) and write it with bigqueryio.Write.
//
// The rows are those the file-writing path (GenerateShards) writes for the
// same model, seed and row count, row i for row i, on any runner. Rows do
// cross the runner here, one element each, which costs far more than
// writing files where they are generated: for large outputs to CSV or
// Parquet, GenerateShards is the fast path.
func Generate(s beam.Scope, model Model, rows int64, seed uint64) beam.PCollection {
	s = s.Scope("vgmsynth.Generate")
	ranges := beam.ParDo(s, &planBlocksFn{Rows: rows}, beam.Impulse(s))
	ranges = beam.Reshuffle(s, ranges)
	return beam.ParDo(s, &generateRowsFn{Seed: seed}, ranges, beam.SideInput{Input: model.pcollection(s)})
}

// planBlocksFn cuts an output of Rows rows into ranges of blocks.
type planBlocksFn struct {
	Rows int64
}

func (fn *planBlocksFn) ProcessElement(_ context.Context, _ []byte, emit func(BlockRange)) error {
	blocks := (fn.Rows + table.BlockSize - 1) / table.BlockSize
	per := int64(rowsPerRange / table.BlockSize)
	for b := int64(0); b < blocks; b += per {
		emit(BlockRange{Start: b, End: min(blocks, b+per), Rows: fn.Rows})
	}
	return nil
}

// generateRowsFn generates the rows of a range of blocks.
type generateRowsFn struct {
	Seed uint64

	once sync.Once
	gen  *table.Generator
	err  error
}

func (fn *generateRowsFn) ProcessElement(_ context.Context, r BlockRange, model []byte, emit func(Row)) error {
	fn.once.Do(func() { fn.gen, fn.err = generators.get(model) })
	if fn.err != nil {
		return fn.err
	}
	g := fn.gen
	b := g.NewBlock()
	var text []byte
	for block := r.Start; block < r.End; block++ {
		start := block * table.BlockSize
		n := int(min(table.BlockSize, r.Rows-start))
		g.Fill(b, fn.Seed, block, n)
		for i := 0; i < n; i++ {
			row := Row{Index: start + int64(i), Values: make([]string, len(b.Cols)), Null: make([]bool, len(b.Cols))}
			for j := range b.Cols {
				row.Null[j] = b.Cols[j].Null[i]
				text = g.AppendText(text[:0], b, j, i)
				row.Values[j] = string(text)
			}
			emit(row)
		}
	}
	return nil
}
