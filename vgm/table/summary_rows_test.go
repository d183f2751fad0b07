package table

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestAddRowsDictionaryLikeText feeds the same blocks to one summary as
// text and to another dictionary-coded (with unused entries, an empty
// entry, nulls both ways, an entry that is no number after numbers, and
// enough distinct values to overflow the exact counts) and to a third row
// by row through Add: the statistics and the sample must be the same.
func TestAddRowsDictionaryLikeText(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []struct {
		name  string
		entry func(k int) string
		dict  int
	}{
		{"numbers", func(k int) string { return fmt.Sprint(k*7 - 40) }, 50},
		{"numbers then text", func(k int) string {
			if k == 33 {
				return "n/a"
			}
			return fmt.Sprintf("%d.5", k)
		}, 40},
		{"text with empty entry", func(k int) string {
			if k == 3 {
				return ""
			}
			return fmt.Sprintf("city-%c%d", 'A'+k%26, k)
		}, 60},
		{"overflow", func(k int) string { return fmt.Sprint(k) }, 3000},
		{"inf and nan", func(k int) string { return []string{"1", "inf", "NaN", "-2.5", "3e400"}[k%5] }, 5},
		{"random bytes", func(k int) string {
			r := rand.New(rand.NewPCG(uint64(k), 9))
			b := make([]byte, 1+r.IntN(12))
			for i := range b {
				b[i] = "\x00ab\xff9"[r.IntN(5)]
			}
			return string(b)
		}, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols := []string{"x"}
			text := NewSummary(cols, 50, 3)
			coded := NewSummary(cols, 50, 3)
			byRow := NewSummary(cols, 50, 3)
			dict := &TextColumn{}
			for k := range tc.dict {
				dict.Data = append(dict.Data, tc.entry(k)...)
				dict.Ends = append(dict.Ends, int32(len(dict.Data)))
			}
			var offset int64
			for blk := range 12 {
				n := 1 + rng.IntN(700)
				tb := Rows{Source: "f", Name: "f", Cols: make([]TextColumn, 1)}
				db := Rows{Source: "f", Name: "f", Cols: []TextColumn{{Dict: dict}}}
				for range n {
					k := int32(rng.IntN(tc.dict))
					if rng.IntN(10) == 0 {
						k = -1
					}
					if blk < 3 && tc.name == "numbers then text" && k == 33 {
						k = 1 // the text entry first appears later
					}
					v := ""
					if k >= 0 {
						v = string(dict.Value(int(k)))
					}
					tb.Cols[0].Data = append(tb.Cols[0].Data, v...)
					tb.Cols[0].Ends = append(tb.Cols[0].Ends, int32(len(tb.Cols[0].Data)))
					db.Cols[0].Index = append(db.Cols[0].Index, k)
					for _, b := range []*Rows{&tb, &db} {
						b.Offsets = append(b.Offsets, offset)
						b.Lines = append(b.Lines, offset+2)
					}
					if err := byRow.Add("f", offset, offset+2, []string{v}); err != nil {
						t.Fatal(err)
					}
					offset++
				}
				if err := text.AddRows(&tb); err != nil {
					t.Fatal(err)
				}
				if err := coded.AddRows(&db); err != nil {
					t.Fatal(err)
				}
			}
			for _, s := range []*Summary{text, coded, byRow} {
				s.Trim()
				s.Sample = s.Ranked()
			}
			if !reflect.DeepEqual(stripped(coded.Stats[0]), stripped(text.Stats[0])) {
				t.Errorf("dictionary-coded stats %+v, as text %+v", stripped(coded.Stats[0]), stripped(text.Stats[0]))
			}
			if !reflect.DeepEqual(stripped(byRow.Stats[0]), stripped(text.Stats[0])) {
				t.Errorf("row-by-row stats %+v, as text %+v", stripped(byRow.Stats[0]), stripped(text.Stats[0]))
			}
			if !reflect.DeepEqual(coded.Sample, text.Sample) || !reflect.DeepEqual(byRow.Sample, text.Sample) {
				t.Error("another sample")
			}
		})
	}
}

func stripped(c ColumnStats) ColumnStats {
	c.counter, c.dict = nil, nil
	return c
}

func TestPrefixKeyOrder(t *testing.T) {
	vals := []string{"", "\x00", "a", "a\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgi", "b", "\xff"}
	for _, a := range vals {
		for _, b := range vals {
			ka, kb := prefixKey([]byte(a)), prefixKey([]byte(b))
			if ka < kb && !(a < b) {
				t.Errorf("prefixKey(%q) < prefixKey(%q) but %q >= %q", a, b, a, b)
			}
		}
	}
}
