package tableio

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"a,b,c\n1,2,3\n4,5,6\n", ','},
		{"count\tkind\n1\tx\n2\ty\n", '\t'},
		{"amount;unit\n1,5;EUR\n2,25;USD\n", ';'},
		{"a|b\n1|2\n", '|'},
		{"\"x;y\",b\n1,2\n", ','},           // a delimiter inside quotes does not count
		{"only\n1\n2\n", ','},               // one column
		{"a;b\n1;2\n3,4;5\n", ';'},          // decimal commas
		{"a,b\n1,2\n3\n", ','},              // ragged: the default, and an error later
		{"name\tcity,state\nx\ty,z\n", ','}, // both fit as well: the earlier wins
	}
	for _, tc := range tests {
		if got := DetectDelimiter([]byte(tc.in)); got != tc.want {
			t.Errorf("DetectDelimiter(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDelimiterMessages reads files whose delimiter is not the one used
// and checks that the error names the likely delimiter and the flag.
func TestDelimiterMessages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "semi.csv")
	os.WriteFile(p, []byte("amount;unit\n1,5;EUR\n2,25;USD\n"), 0o644)
	sp := Split{Path: p, End: -1, Delimiter: ','}
	err := Read(ctx, sp, []string{"amount;unit"}, func(_, _ int64, _ []string) error { return nil })
	want := "semi.csv:2: has 2 fields, the header has 1: is the delimiter ';'? pass --delimiter ';'"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	// Detected, the same file reads.
	h, d, err := ReadHeader(ctx, p, 0)
	if err != nil || d != ';' || len(h) != 2 {
		t.Fatalf("ReadHeader: %v %q %v", h, d, err)
	}
	splits, err := Plan(ctx, []string{p}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	if err := Read(ctx, splits[0], h, func(_, _ int64, f []string) error { rows = append(rows, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "1,5" || rows[1][1] != "USD" {
		t.Errorf("rows %q", rows)
	}
}

// FuzzDetectDelimiter checks that the detector never fails on any input,
// always answers one of Delimiters, and finds the delimiter of any
// regular table whose fields hold no delimiter, quote or line end.
func FuzzDetectDelimiter(f *testing.F) {
	f.Add([]byte("a;b\n1,5;x\n"), uint8(1), uint8(3))
	f.Add([]byte("x\ty\n"), uint8(2), uint8(2))
	f.Add([]byte("\"\n,;|\t"), uint8(0), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, pick, cols uint8) {
		if d := DetectDelimiter(data); bytes.IndexByte(Delimiters, d) < 0 {
			t.Fatalf("DetectDelimiter(%q) = %q", data, d)
		}
		// A table built from data's letters with a chosen delimiter.
		d := Delimiters[int(pick)%len(Delimiters)]
		n := 2 + int(cols)%6
		var cells []string
		for _, c := range data {
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == ' ' {
				cells = append(cells, string(c)+"x")
			}
		}
		if len(cells) < n {
			return
		}
		var b strings.Builder
		for r := 0; r+n <= len(cells) && r < 20*n; r += n {
			b.WriteString(strings.Join(cells[r:r+n], string(d)))
			b.WriteByte('\n')
		}
		if got := DetectDelimiter([]byte(b.String())); got != d {
			t.Fatalf("table %q: detected %q, want %q", b.String(), got, d)
		}
	})
}

// TestUnreadDelimiter checks that a file delimited by a character vgmsynth
// does not read is refused with a message naming it, while one-column
// files whose values hold such characters read.
func TestUnreadDelimiter(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // a part of the error; empty: reads as one column
	}{
		{"colon", "count:kind\n1:a\n2:b\n", `':' splits each of the first 3 lines into 2 fields: is ':' the delimiter?`},
		{"hash", "a#b#c\n1#2#3\n", `'#' splits each of the first 2 lines into 3 fields`},
		{"unit separator", "a\x1fb\n1\x1f2\n", `'\x1f' splits`},
		{"times", "time\n10:49:41\n11:00:02\n", ""},
		{"one value", "note\nhello: world\n", ""},
		{"dotted header", "price.usd\n1.5\n2.25\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "t.csv")
			os.WriteFile(p, []byte(tc.text), 0o644)
			h, _, err := ReadHeader(context.Background(), p, 0)
			if tc.want == "" {
				if err != nil || len(h) != 1 {
					t.Fatalf("ReadHeader = %q, %v; want one column", h, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "t.csv:1: ") || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--delimiter") {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
