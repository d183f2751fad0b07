package tableio

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSplitsReadEveryRowOnce reads a CSV file in byte-range splits of many
// sizes and checks that every row is read exactly once, whatever the split
// points (including ones that fall on line starts).
func TestSplitsReadEveryRowOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,value\n")
	const rows = 2000
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "%d,name%d,%d.5\n", i, i%7, i*3)
	}
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	header, err := Header(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(b.Len())
	for _, splitBytes := range []int64{13, 21, 22, 100, 1000, 4096, size} {
		seen := make([]int, rows)
		offsets := map[int64]bool{}
		for s := int64(0); s < size; s += splitBytes {
			sp := Split{Path: path, Start: s, End: min(s+splitBytes, size)}
			err := Read(ctx, sp, header, func(offset, line int64, fields []string) error {
				var id int
				fmt.Sscan(fields[0], &id)
				seen[id]++
				if offsets[offset] {
					t.Errorf("split %d: offset %d twice", splitBytes, offset)
				}
				offsets[offset] = true
				if s == 0 && line != int64(id)+2 {
					t.Errorf("first split: row %d on line %d, want %d", id, line, id+2)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("split size %d at %d: %v", splitBytes, s, err)
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("split size %d: row %d read %d times", splitBytes, id, n)
			}
		}
	}
}

func TestPlanSplitsLargeFilesOnly(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.csv")
	os.WriteFile(small, []byte("a\n1\n2\n"), 0o644)
	quoted := filepath.Join(dir, "quoted.csv")
	os.WriteFile(quoted, []byte("a\n\"x\ny\"\n"+strings.Repeat("1\n", 100)), 0o644)
	plain := filepath.Join(dir, "plain.csv")
	os.WriteFile(plain, []byte("a\n"+strings.Repeat("1\n", 100)), 0o644)
	splits, err := Plan(context.Background(), []string{small, quoted, plain}, 50)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, sp := range splits {
		count[filepath.Base(sp.Path)]++
	}
	if count["small.csv"] != 1 || count["quoted.csv"] != 1 || count["plain.csv"] != 5 {
		t.Fatalf("splits per file: %v", count)
	}
}
