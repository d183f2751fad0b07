package sink

import (
	"context"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

func TestFileCountsAndChecksums(t *testing.T) {
	out := Output{Prefix: filepath.Join(t.TempDir(), "out"), Format: "csv", Compression: "zstd", Shards: 2, RunID: "r"}
	f, err := Create(context.Background(), out, 1)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a,b\n1,2\n")
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	got, err := f.Close(1)
	if err != nil {
		t.Fatal(err)
	}
	want := Shard{Index: 1, Total: 2, Temp: out.Temp(1), Final: out.Prefix + "-00001-of-00002.csv.zst",
		Rows: 1, Bytes: int64(len(data)), CRC32C: crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if b, err := os.ReadFile(got.Temp); err != nil || string(b) != string(data) {
		t.Fatalf("temporary file: %q, %v", b, err)
	}
}

func TestFileStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, err := Create(ctx, Output{Prefix: filepath.Join(t.TempDir(), "out"), Format: "csv", Shards: 1, RunID: "r"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	cancel()
	if _, err := f.Write([]byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("write after cancel: %v", err)
	}
}

func TestPrepare(t *testing.T) {
	ctx := context.Background()
	out := Output{Prefix: filepath.Join(t.TempDir(), "out"), Format: "csv", Shards: 1, RunID: "r1"}
	if note, err := Prepare(ctx, out.Prefix, out.RunID, false); err != nil || note != "" {
		t.Fatalf("a fresh prefix: %q, %v", note, err)
	}
	if err := finalize(t, out, writeAll(t, out)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		overwrite bool
		exists    bool
	}{{false, true}, {true, false}}
	for _, tt := range tests {
		_, err := Prepare(ctx, out.Prefix, "r2", tt.overwrite)
		var ee *ExistsError
		if errors.As(err, &ee) != tt.exists || (!tt.exists && err != nil) {
			t.Errorf("overwrite %v: %v", tt.overwrite, err)
		}
		if tt.exists && ee.File != out.Final(0) {
			t.Errorf("overwrite %v: names %s, want %s", tt.overwrite, ee.File, out.Final(0))
		}
	}
	// The claim names this process.
	if _, err := os.Stat(filepath.Join(TempDir(out.Prefix, "r2"), ownerFile)); err != nil {
		t.Errorf("no claim: %v", err)
	}
}
