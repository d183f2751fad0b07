package transforms

import (
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// TestDecodeSummaryCorrupt checks that a summary's encoding, cut short or
// with bytes overwritten anywhere, decodes to an error or a summary, never
// a panic, and that the whole encoding decodes to the rows it holds.
func TestDecodeSummaryCorrupt(t *testing.T) {
	s := table.NewSummary([]string{"city", "amount"}, 10, 1)
	for i, r := range [][]string{{"Lima", "12.5"}, {"Oslo", ""}, {"Lima", "7"}} {
		if err := s.Add("t.csv", int64(i), int64(i+2), r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := encodeSummary(*s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeSummary(b)
	if err != nil || len(got.Sample) != 3 {
		t.Fatalf("decode: %d rows, %v; want 3", len(got.Sample), err)
	}
	for i := range b {
		decodeSummary(b[:i])
		for _, x := range []byte{0x00, 0x7f, 0x80, 0xff} {
			c := append([]byte(nil), b...)
			c[i] = x
			decodeSummary(c)
		}
	}
}
