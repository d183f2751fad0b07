package transforms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// TestSampleSameOnAnyLayout writes one dataset in the Hive layout (files of
// the same base name in dt=... folders), copies it under another root, and
// samples it with different split sizes, split orders and numbers of
// partial summaries merged in different orders: the sample must be the
// same rows every time. It also checks that same-named files in different
// folders get unrelated priorities (the old base-name key made them equal).
func TestSampleSameOnAnyLayout(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	write := func(root string) []string {
		var files []string
		for d := range 3 {
			dir := filepath.Join(root, "data", fmt.Sprintf("dt=2024-01-0%d", d+1))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString("id,x,city\n")
			for i := range 700 {
				fmt.Fprintf(&b, "%d-%d,%d.5,c%d\n", d, i, i%37, i%5)
			}
			p := filepath.Join(dir, "part-00000.csv")
			if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
		return files
	}
	header := []string{"id", "x", "city"}
	sample := func(files []string, splitBytes int64, parts int, rng *rand.Rand) []string {
		splits, err := tableio.Plan(ctx, files, splitBytes)
		if err != nil {
			t.Fatal(err)
		}
		rng.Shuffle(len(splits), func(i, j int) { splits[i], splits[j] = splits[j], splits[i] })
		sums := make([]*table.Summary, parts)
		for i := range sums {
			sums[i] = table.NewSummary(header, 300, 7)
		}
		for i, sp := range splits {
			err := tableio.ReadBlocks(ctx, sp, header, func(b *tableio.Block) error { return sums[i%parts].AddRows(&b.Rows) })
			if err != nil {
				t.Fatal(err)
			}
		}
		rng.Shuffle(parts, func(i, j int) { sums[i], sums[j] = sums[j], sums[i] })
		for _, o := range sums[1:] {
			if err := sums[0].Merge(o); err != nil {
				t.Fatal(err)
			}
		}
		sums[0].Trim()
		var ids []string
		for _, r := range sums[0].Sample {
			ids = append(ids, r.Fields[0])
		}
		slices.Sort(ids)
		return ids
	}
	a := write(filepath.Join(base, "a"))
	b := write(filepath.Join(base, "elsewhere", "b"))
	rng := rand.New(rand.NewPCG(1, 2))
	want := sample(a, 0, 1, rng)
	if len(want) != 300 {
		t.Fatalf("sample of %d rows, want 300", len(want))
	}
	for _, tc := range []struct {
		files      []string
		splitBytes int64
		parts      int
	}{
		{a, 1000, 3}, {a, 333, 7}, {b, 0, 2}, {b, 2048, 5},
		{[]string{a[2], a[0], a[1]}, 500, 4},
	} {
		if got := sample(tc.files, tc.splitBytes, tc.parts, rng); !slices.Equal(got, want) {
			t.Errorf("%s... split %d bytes into %d parts: another sample", tc.files[0], tc.splitBytes, tc.parts)
		}
	}
	// Same base name, different folders: not the same priorities.
	if table.Priority(7, "dt=2024-01-01/part-00000.csv", 100) == table.Priority(7, "dt=2024-01-02/part-00000.csv", 100) {
		t.Error("files of the same base name in different folders share priorities")
	}
	// The rows of each folder are represented alike (no correlation).
	counts := map[byte]int{}
	for _, id := range want {
		counts[id[0]]++
	}
	for d, n := range counts {
		if n < 60 || n > 140 {
			t.Errorf("folder %c: %d of 300 sampled rows, want about 100", d, n)
		}
	}
}
