package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// updateGolden rewrites testdata/golden.txt from this build's outputs.
//
// The digests pin the bytes that fit, generate, encode and decode write for
// fixed inputs, seeds and row counts, so that a change meant to keep
// behaviour (a refactor, a faster writer) proves it does. A change meant to
// alter the output (a new default model, a fitting fix, a new file format
// detail) legitimately changes them: regenerate with
//
//	go test ./cmd/vgmsynth -run TestGoldenDigests -update-golden
//
// and say in the commit why the bytes changed.
//
// The flag is -update-golden, not -update: Beam's Dataflow runner already
// registers -update on the process's flag set.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.txt")

const goldenFile = "testdata/golden.txt"

// TestGoldenDigests fits each model type on the example table, generates
// CSV and Parquet at several shard counts, and encodes and decodes the
// table, comparing the sha256 of every output with testdata/golden.txt.
// CSV rows are also checked to be the same whatever the shard count.
func TestGoldenDigests(t *testing.T) {
	if testing.Short() {
		t.Skip("golden outputs take a few seconds")
	}
	update := *updateGolden // read now: each run resets the process's flags
	dir := t.TempDir()
	got := map[string]string{}
	ok := func(args ...string) {
		t.Helper()
		if code, msg := vgmsynth(t, append(args, "--quiet")...); code != 0 {
			t.Fatalf("vgmsynth %s: exit %d: %s", strings.Join(args, " "), code, msg)
		}
	}
	const rows = "5000"
	for _, mt := range []string{"forest", "network", "copula", "independent"} {
		model := filepath.Join(dir, mt+".json")
		ok("fit", "--input", exampleCSV, "--model", model, "--model-type", mt, "--sample-size", "1000", "--seed", "7")
		got["fit/"+mt] = fileDigest(t, model)
		var csvBodies []string
		for _, shards := range []string{"1", "3"} {
			for _, format := range []string{"csv", "parquet"} {
				key := fmt.Sprintf("generate/%s/%s/shards=%s", mt, format, shards)
				prefix := filepath.Join(dir, strings.ReplaceAll(key, "/", "_"))
				ok("generate", "--model", model, "--rows", rows, "--shards", shards, "--seed", "11", "--format", format, "--output", prefix)
				files := shardFiles(t, prefix)
				got[key] = filesDigest(t, files)
				if format == "csv" {
					csvBodies = append(csvBodies, csvBody(t, files))
				}
			}
		}
		if csvBodies[0] != csvBodies[1] {
			t.Errorf("%s: CSV rows differ between 1 and 3 shards", mt)
		}
	}
	model := filepath.Join(dir, "network.json")
	for _, c := range []struct{ format, codec string }{{"csv", "gzip"}, {"csv", "zstd"}, {"parquet", "zstd"}} {
		key := fmt.Sprintf("generate/network/%s-%s/shards=3", c.format, c.codec)
		prefix := filepath.Join(dir, strings.ReplaceAll(key, "/", "_"))
		ok("generate", "--model", model, "--rows", rows, "--shards", "3", "--seed", "11", "--format", c.format, "--compression", c.codec, "--output", prefix)
		got[key] = filesDigest(t, shardFiles(t, prefix))
	}
	enc := filepath.Join(dir, "encoded")
	ok("encode", "--model", model, "--input", exampleCSV, "--output", enc, "--seed", "5")
	got["encode/network"] = filesDigest(t, shardFiles(t, enc))
	dec := filepath.Join(dir, "decoded")
	ok("decode", "--model", model, "--input", enc+"-*-of-*.parquet", "--output", dec)
	got["decode/network"] = filesDigest(t, shardFiles(t, dec))

	if update {
		var b strings.Builder
		b.WriteString("# sha256 of vgmsynth's outputs; regenerate: go test ./cmd/vgmsynth -run TestGoldenDigests -update-golden\n")
		for _, k := range sortedKeys(got) {
			fmt.Fprintf(&b, "%s %s\n", k, got[k])
		}
		if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readGolden(t)
	for _, k := range sortedKeys(got) {
		if want[k] != got[k] {
			t.Errorf("%s: sha256 %s, want %s (a deliberate change? see -update-golden)", k, got[k], want[k])
		}
	}
	for k := range want {
		if _, seen := got[k]; !seen {
			t.Errorf("%s: in %s but not produced", k, goldenFile)
		}
	}
}

// shardFiles lists an output's shards, sorted (not its manifest, which
// records the time it was written).
func shardFiles(t *testing.T, prefix string) []string {
	t.Helper()
	files, err := filepath.Glob(prefix + "-*-of-*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shards under %s (%v)", prefix, err)
	}
	sort.Strings(files)
	return files
}

func fileDigest(t *testing.T, path string) string {
	t.Helper()
	return filesDigest(t, []string{path})
}

// filesDigest hashes the files' base names and contents, in order.
func filesDigest(t *testing.T, files []string) string {
	t.Helper()
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// csvBody concatenates the shards' data rows, without their headers.
func csvBody(t *testing.T, files []string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(string(data), "\n")
		b.WriteString(rest)
	}
	return b.String()
}

func readGolden(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatalf("%v (create it with -update-golden)", err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		want[k] = v
	}
	return want
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
