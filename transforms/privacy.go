package transforms

import (
	"context"
	"hash/maphash"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, []byte, table.Summary, error](&checkCopiesFn{})
}

// CopyCheckRows is how many of the first generated rows CheckCopies
// compares with the sample.
const CopyCheckRows = 100000

// CheckCopies compares the first CopyCheckRows generated rows (rows and
// seed as the output's) with the rows of the input's sample, the summary
// that Sample made: a row counts as a copy when every column is equal
// (numbers and datetimes by value, text exactly, null to null). The rows
// are generated again, in memory, which gives the very rows written. The
// result goes to the counters vgmsynth/exact_copies and
// vgmsynth/copy_check_rows, to the log as a warning when there are
// copies, and to the Copies hook registered under hooksKey (Hooks.Register;
// empty for none).
func CheckCopies(s beam.Scope, summary, model beam.PCollection, rows int64, seed uint64, hooksKey string) {
	s = s.Scope("CheckCopies")
	beam.ParDo0(s, &checkCopiesFn{Rows: rows, Seed: seed, Hooks: hooksKey}, model, beam.SideInput{Input: summary})
}

type checkCopiesFn struct {
	Rows  int64
	Seed  uint64
	Hooks string
}

func (fn *checkCopiesFn) ProcessElement(ctx context.Context, model []byte, sum table.Summary) error {
	m, err := table.DecodeModel(model)
	if err != nil {
		return err
	}
	g, err := table.NewGenerator(m)
	if err != nil {
		return err
	}
	if len(sum.Columns) != len(m.Columns) {
		return nil
	}
	seed := maphash.MakeSeed()
	var h rowHasher
	real := make(map[[2]uint64]struct{}, len(sum.Sample))
	for _, r := range sum.Sample {
		real[h.row(seed, m, func(j int) string { return r.Fields[j] })] = struct{}{}
	}
	n := min(fn.Rows, CopyCheckRows)
	var copies int64
	b := g.NewBlock()
	var text []byte
	for start := int64(0); start < n; start += table.BlockSize {
		k := int(min(n-start, table.BlockSize))
		g.Fill(b, fn.Seed, start/table.BlockSize, k)
		for i := 0; i < k; i++ {
			key := h.row(seed, m, func(j int) string {
				text = g.AppendText(text[:0], b, j, i)
				return string(text)
			})
			if _, ok := real[key]; ok {
				copies++
			}
		}
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

// rowHasher hashes a row's values, normalised per column kind, into 128
// bits: equal rows hash alike, and distinct rows collide with negligible
// chance.
type rowHasher struct {
	a, b maphash.Hash
}

func (h *rowHasher) row(seed maphash.Seed, m *table.Model, value func(j int) string) [2]uint64 {
	h.a.SetSeed(seed)
	h.b.SetSeed(seed)
	h.b.WriteByte(0x5a) // a second, independent hash
	for j := range m.Columns {
		c := &m.Columns[j]
		v := value(j)
		tag := byte('s')
		if v == "" {
			tag = 'n'
		} else if c.Kind.Numeric() {
			if x, err := table.ParseValue(c.Kind, c.Format, v); err == nil {
				if x == 0 {
					x = 0 // -0 and +0 are equal
				}
				v, tag = string(appendFloatBits(nil, x)), 'f'
			}
		}
		for _, w := range []*maphash.Hash{&h.a, &h.b} {
			w.WriteByte(tag)
			var n [4]byte
			l := len(v)
			n[0], n[1], n[2], n[3] = byte(l), byte(l>>8), byte(l>>16), byte(l>>24)
			w.Write(n[:])
			w.WriteString(v)
		}
	}
	return [2]uint64{h.a.Sum64(), h.b.Sum64()}
}

func appendFloatBits(dst []byte, x float64) []byte {
	u := math.Float64bits(x)
	for i := 0; i < 8; i++ {
		dst = append(dst, byte(u>>(8*i)))
	}
	return dst
}
