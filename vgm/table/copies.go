package table

import (
	"hash/maphash"
	"math"
)

// CopyCheckRows is how many of the first generated rows CountCopies
// compares with the sample.
const CopyCheckRows = 100000

// CountCopies compares the first min(rows, CopyCheckRows) rows that g
// generates from seed with the sampled real rows: a row counts as a copy
// when every column is equal (numbers and datetimes by value, text
// exactly, null to null). It returns the copies and the rows checked. The
// sampled rows must have the model's columns, in its order.
func CountCopies(g *Generator, sample []SampledRow, rows int64, seed uint64) (copies, checked int64, err error) {
	m := g.Model
	hs := maphash.MakeSeed()
	var h rowHasher
	real := make(map[[2]uint64]struct{}, len(sample))
	for _, r := range sample {
		real[h.row(hs, m, func(j int) string { return r.Fields[j] })] = struct{}{}
	}
	n := min(rows, CopyCheckRows)
	b := g.NewBlock()
	var text []byte
	for start := int64(0); start < n; start += BlockSize {
		k := int(min(n-start, BlockSize))
		g.Fill(b, seed, start/BlockSize, k)
		for i := 0; i < k; i++ {
			key := h.row(hs, m, func(j int) string {
				text = g.AppendText(text[:0], b, j, i)
				return string(text)
			})
			if _, ok := real[key]; ok {
				copies++
			}
		}
	}
	return copies, n, nil
}

// rowHasher hashes a row's values, normalised per column kind, into 128
// bits: equal rows hash alike, and distinct rows collide with negligible
// chance.
type rowHasher struct {
	a, b maphash.Hash
}

func (h *rowHasher) row(seed maphash.Seed, m *Model, value func(j int) string) [2]uint64 {
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
			if x, err := ParseValue(c.Kind, c.Format, v); err == nil {
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
