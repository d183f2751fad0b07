package tableio

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReadCSV writes arbitrary bytes to a CSV file and reads it as the
// pipeline does: Header, HasRows, then Read, whole and in two byte-range
// splits. Errors are expected; panics, hangs and rows that break the
// reader's promises (one field per column, valid UTF-8, no NUL, no field
// over MaxFieldBytes) are not.
//
//	go test -run XXX -fuzz FuzzReadCSV -fuzztime 60s ./transforms/tableio
//
// Seeds: the CSV files of testdata/bad (repository root) and the example
// table's first lines.
func FuzzReadCSV(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/bad/*.csv")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if b, err := os.ReadFile("../../examples/seattle-weather.csv"); err == nil {
		f.Add(b[:min(len(b), 2000)])
	}
	f.Add([]byte("a,b\n\"x\ny\",2\n3,4\n"))
	f.Add([]byte("\ufeffa,b\r\n1,2\r\n\r\n3,4"))
	f.Add([]byte("a\n\"\"\"\n"))
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "fuzzcsv"); err == nil { // in memory: faster
		dir = shm
		f.Cleanup(func() { os.RemoveAll(shm) })
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		header, err := Header(ctx, p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(header) == 0 {
			t.Fatal("Header returned no columns and no error")
		}
		HasRows(ctx, p)
		check := func(_, line int64, fields []string) error {
			if len(fields) != len(header) {
				t.Fatalf("row at line %d has %d fields, header %d", line, len(fields), len(header))
			}
			for _, v := range fields {
				if len(v) > MaxFieldBytes || strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
					t.Fatalf("field %q passed the checks", v)
				}
			}
			return nil
		}
		if err := Read(ctx, Split{Path: p, Start: 0, End: -1}, header, check); err != nil && !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not name the file", err)
		}
		mid := int64(len(data) / 2)
		for _, sp := range []Split{{Path: p, Start: 0, End: mid}, {Path: p, Start: mid, End: int64(len(data))}} {
			Read(ctx, sp, header, check)
		}
	})
}
