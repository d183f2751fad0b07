package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/internal/testutil"
)

func TestEncodeDecodeCommands(t *testing.T) {
	dir := t.TempDir()
	model := fitExample(t, dir)
	enc := filepath.Join(dir, "enc", "weather")
	if code, msg := vgmsynth(t, "encode", "--model", model, "--input", exampleCSV, "--output", enc, "--seed", "5", "--quiet"); code != 0 {
		t.Fatalf("encode: exit %d: %s", code, msg)
	}
	if _, err := os.Stat(enc + "-00000-of-00001.parquet"); err != nil {
		t.Fatal(err)
	}
	dec := filepath.Join(dir, "dec", "weather")
	if code, msg := vgmsynth(t, "decode", "--model", model, "--input", enc+"-*.parquet", "--output", dec, "--quiet"); code != 0 {
		t.Fatalf("decode: exit %d: %s", code, msg)
	}
	if man := readManifest(t, dec, 1461, 1); man.Format != "csv" {
		t.Errorf("manifest %+v, want a csv file", man)
	}
	want, got := testutil.ReadCSV(t, exampleCSV), testutil.ReadCSV(t, dec+"-00000-of-00001.csv")
	if len(got) != len(want) {
		t.Fatalf("%d lines decoded, want %d", len(got), len(want))
	}
	// The example has no value far enough in a tail for its alpha to be
	// clipped: every value comes back as written.
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("line %d: decoded %v, want %v", i+1, got[i], want[i])
		}
	}

	// An existing output needs --overwrite; bad usage exits 2.
	if code, msg := vgmsynth(t, "encode", "--model", model, "--input", exampleCSV, "--output", enc, "--quiet"); code != 1 || !strings.Contains(msg, "--overwrite") {
		t.Errorf("existing output: exit %d, %q", code, msg)
	}
	if code, msg := vgmsynth(t, "encode", "--model", model, "--input", exampleCSV, "--output", enc, "--overwrite", "--quiet"); code != 0 {
		t.Errorf("--overwrite: exit %d, %q", code, msg)
	}
	if code, msg := vgmsynth(t, "encode", "--input", exampleCSV, "--output", enc); code != 2 || !strings.Contains(msg, "--model is required") {
		t.Errorf("no --model: exit %d, %q", code, msg)
	}
	if code, msg := vgmsynth(t, "decode", "--model", model, "--input", exampleCSV, "--output", filepath.Join(dir, "x"), "--quiet"); code != 1 || !strings.Contains(msg, `no column "date.alpha"`) {
		t.Errorf("decoding a table that is not encoded: exit %d, %q", code, msg)
	}
	if code, msg := vgmsynth(t, "encode", "--model", model, "--input", exampleCSV, "--output", filepath.Join(dir, "y"), "--compression", "lz4"); code != 2 || !strings.Contains(msg, "--compression") {
		t.Errorf("bad compression: exit %d, %q", code, msg)
	}
}
