package tableio

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type pqRecord struct {
	City  *string   `parquet:"city,optional,dict"`
	Delay int64     `parquet:"delay"`
	Wide  *int64    `parquet:"wide,optional"`
	When  time.Time `parquet:"when,timestamp(microsecond)"`
	Ratio float64   `parquet:"ratio"`
	Day   int32     `parquet:"day,date"`
}

// TestParquetBlocksText writes a Parquet file whose columns read as
// dictionary pages (with nulls), as the reader's own dictionary of few
// distinct numbers, and as text (a column with more distinct numbers than
// that dictionary takes, which switches within a block), over small pages
// and several row groups, and checks every value's text against what the
// values are.
func TestParquetBlocksText(t *testing.T) {
	const rows = 30000
	var recs []pqRecord
	var want [][]string
	base := time.Date(1969, 12, 25, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		r := pqRecord{Delay: int64(i%37 - 5), Ratio: float64(i%11) / 4, Day: int32(i%900 - 300)}
		r.When = base.Add(time.Duration(i) * 7919 * time.Second).Add(time.Duration(i%3) * 250 * time.Millisecond)
		row := make([]string, 6)
		if i%7 != 0 {
			s := fmt.Sprintf("c%d", i%13)
			r.City, row[0] = &s, s
		}
		row[1] = strconv.Itoa(int(r.Delay))
		if i%5 != 0 {
			w := int64(i * 3)
			if i > 9000 {
				w = int64(i % 50) // few distinct again
			}
			r.Wide, row[2] = &w, strconv.FormatInt(w, 10)
		}
		row[3] = r.When.UTC().Format("2006-01-02 15:04:05.999999999")
		row[4] = string(appendFloatText(nil, r.Ratio, 64))
		row[5] = time.Unix(int64(r.Day)*86400, 0).UTC().Format("2006-01-02")
		recs = append(recs, r)
		want = append(want, row)
	}
	p := filepath.Join(t.TempDir(), "t.parquet")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[pqRecord](f, parquet.PageBufferSize(2000), parquet.MaxRowsPerRowGroup(11000))
	if _, err := w.Write(recs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx := context.Background()
	splits, err := Plan(ctx, []string{p}, 0)
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"city", "delay", "wide", "when", "ratio", "day"}
	got := 0
	coded := map[string]bool{}
	for _, sp := range splits {
		err := ReadBlocks(ctx, sp, header, func(b *Block) error {
			for j := range b.Cols {
				if b.Cols[j].Dict != nil {
					coded[header[j]] = true
				}
			}
			for i := range b.Len() {
				off := b.Offsets[i]
				for j := range b.Cols {
					if v := string(b.Cols[j].Value(i)); v != want[off][j] {
						return fmt.Errorf("row %d, column %s: %q, want %q", off, header[j], v, want[off][j])
					}
				}
				got++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got != rows {
		t.Fatalf("read %d rows, want %d", got, rows)
	}
	for _, c := range []string{"city", "delay", "wide", "ratio", "day"} {
		if !coded[c] {
			t.Errorf("column %s never dictionary-coded", c)
		}
	}
}
