package main

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/storage"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/parquet-go/parquet-go"
	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"google.golang.org/api/iterator"
)

// startGCSEmulator starts an in-process GCS emulator serving plain HTTP on
// a loopback port, with one bucket, and points every storage client of the
// process at it (STORAGE_EMULATOR_HOST, which Beam's gcs filesystem and
// vgmsynth's ranged reader honour). It returns a client for the test's own
// checks.
func startGCSEmulator(t *testing.T, bucket string) *storage.Client {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", PublicHost: "127.0.0.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	host := strings.TrimPrefix(srv.URL(), "http://")
	if !strings.HasPrefix(host, "127.0.0.1:") {
		t.Fatalf("emulator at %s, want a loopback address", srv.URL())
	}
	t.Setenv("STORAGE_EMULATOR_HOST", host)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket})
	return srv.Client()
}

func putObject(t *testing.T, c *storage.Client, bucket, name string, data []byte) {
	t.Helper()
	w := c.Bucket(bucket).Object(name).NewWriter(context.Background())
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func getObject(t *testing.T, c *storage.Client, path string) []byte {
	t.Helper()
	bucket, name, _ := strings.Cut(strings.TrimPrefix(path, "gs://"), "/")
	r, err := c.Bucket(bucket).Object(name).NewReader(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func listObjects(t *testing.T, c *storage.Client, bucket string) []string {
	t.Helper()
	var names []string
	it := c.Bucket(bucket).Objects(context.Background(), nil)
	for {
		a, err := it.Next()
		if err == iterator.Done {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, "gs://"+bucket+"/"+a.Name)
	}
	slices.Sort(names)
	return names
}

// checkGCSOutput checks an output on the emulator against its manifest:
// row and shard counts, each object's size and CRC32C, and each shard's
// rows as read back (CSV lines, Parquet row counts).
func checkGCSOutput(t *testing.T, c *storage.Client, prefix, format string, rows int64, shards int) sink.Manifest {
	t.Helper()
	var m sink.Manifest
	if err := json.Unmarshal(getObject(t, c, sink.ManifestName(prefix)), &m); err != nil {
		t.Fatal(err)
	}
	if m.Rows != rows || len(m.Shards) != shards || m.Format != format {
		t.Fatalf("%s manifest: %d %s rows in %d shards, want %d %s in %d", prefix, m.Rows, m.Format, len(m.Shards), rows, format, shards)
	}
	var total int64
	for i, s := range m.Shards {
		if want := shardPath(prefix, i, shards, format); s.Path != want {
			t.Errorf("shard %d is %s, want %s", i, s.Path, want)
		}
		data := getObject(t, c, s.Path)
		if int64(len(data)) != s.Bytes || crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)) != s.CRC32C {
			t.Errorf("%s: %d bytes, CRC32C %d; manifest says %d, %d", s.Path, len(data), crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)), s.Bytes, s.CRC32C)
		}
		var n int64
		if format == "parquet" {
			f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("%s: %v", s.Path, err)
			}
			n = f.NumRows()
		} else {
			n = int64(bytes.Count(data, []byte("\n"))) - 1
		}
		if n != s.Rows {
			t.Errorf("%s holds %d rows, manifest says %d", s.Path, n, s.Rows)
		}
		total += n
	}
	if total != rows {
		t.Errorf("%s: %d rows in all, want %d", prefix, total, rows)
	}
	return m
}

// TestGCSRoundTrip runs every command with gs:// paths on an in-process GCS
// emulator: inputs (CSV and Parquet), the model, CSV and Parquet shards;
// finalisation by copy and delete on object storage, the refusal to
// replace an output without --overwrite, and the replacement with it.
func TestGCSRoundTrip(t *testing.T) {
	c := startGCSEmulator(t, "vgm")
	dir := t.TempDir()
	csvData, err := os.ReadFile(exampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	putObject(t, c, "vgm", "in/weather.csv", csvData)
	mustRun := func(args ...string) {
		t.Helper()
		if code, msg := vgmsynth(t, append(args, "--quiet")...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, msg)
		}
	}

	// fit: CSV input and the model on gs://.
	mustRun("fit", "--input", "gs://vgm/in/*.csv", "--model", "gs://vgm/models/weather.json")
	model := getObject(t, c, "gs://vgm/models/weather.json")
	if _, err := pipeline.ReadModel(context.Background(), "gs://vgm/models/weather.json"); err != nil {
		t.Fatalf("model on gs://: %v", err)
	}
	// The same fit from a local copy of the table sees the same table. (The
	// models differ in their fitted numbers: the sample's priorities hash
	// the input's path, so any other path, local or not, reorders it.)
	localModel := filepath.Join(dir, "weather.json")
	mustRun("fit", "--input", exampleCSV, "--model", localModel)
	lm, err := os.ReadFile(localModel)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := modelShape(t, lm), modelShape(t, model); a != b {
		t.Errorf("model fitted from gs:// is %s; from the local file %s", b, a)
	}

	// generate: CSV and Parquet shards on gs://, from the model on gs://.
	mustRun("generate", "--model", "gs://vgm/models/weather.json", "--rows", "5000", "--shards", "3", "--output", "gs://vgm/out/csv/w")
	csvMan := checkGCSOutput(t, c, "gs://vgm/out/csv/w", "csv", 5000, 3)
	mustRun("generate", "--model", "gs://vgm/models/weather.json", "--rows", "30000", "--shards", "2", "--format", "parquet", "--output", "gs://vgm/out/pq/w")
	checkGCSOutput(t, c, "gs://vgm/out/pq/w", "parquet", 30000, 2)

	// The same command writing locally writes the same bytes.
	local := filepath.Join(dir, "w")
	mustRun("generate", "--model", "gs://vgm/models/weather.json", "--rows", "5000", "--shards", "3", "--output", local)
	for i, s := range csvMan.Shards {
		want, err := os.ReadFile(shardPath(local, i, 3, "csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(getObject(t, c, s.Path), want) {
			t.Errorf("%s differs from the local output", s.Path)
		}
	}

	// run: a Parquet input on gs:// (made by generate) to gs://.
	putObject(t, c, "vgm", "in/synth.parquet", getObject(t, c, "gs://vgm/out/pq/w-00000-of-00002.parquet"))
	mustRun("run", "--input", "gs://vgm/in/synth.parquet", "--rows", "2000", "--output", "gs://vgm/out/run/w", "--model", "gs://vgm/out/run/model.json", "--format", "parquet")
	checkGCSOutput(t, c, "gs://vgm/out/run/w", "parquet", 2000, 1)
	if _, err := pipeline.ReadModel(context.Background(), "gs://vgm/out/run/model.json"); err != nil {
		t.Fatalf("model written by run: %v", err)
	}

	// An existing output is refused without --overwrite ...
	code, msg := vgmsynth(t, "generate", "--model", "gs://vgm/models/weather.json", "--rows", "100", "--output", "gs://vgm/out/csv/w")
	if code != 1 || !strings.Contains(msg, "already exists") || !strings.Contains(msg, "--overwrite") {
		t.Fatalf("existing gs:// output: exit %d, %q; want 1 and a refusal naming --overwrite", code, msg)
	}
	// ... and replaced with it, stale shards of the old output removed.
	mustRun("generate", "--model", "gs://vgm/models/weather.json", "--rows", "100", "--shards", "1", "--output", "gs://vgm/out/csv/w", "--overwrite")
	checkGCSOutput(t, c, "gs://vgm/out/csv/w", "csv", 100, 1)

	want := []string{
		"gs://vgm/in/synth.parquet",
		"gs://vgm/in/weather.csv",
		"gs://vgm/models/weather.json",
		"gs://vgm/out/csv/w-00000-of-00001.csv",
		"gs://vgm/out/csv/w-MANIFEST.json",
		"gs://vgm/out/pq/w-00000-of-00002.parquet",
		"gs://vgm/out/pq/w-00001-of-00002.parquet",
		"gs://vgm/out/pq/w-MANIFEST.json",
		"gs://vgm/out/run/model.json",
		"gs://vgm/out/run/w-00000-of-00001.parquet",
		"gs://vgm/out/run/w-MANIFEST.json",
	}
	if got := listObjects(t, c, "vgm"); !slices.Equal(got, want) {
		t.Errorf("objects in the bucket (no temporary ones may remain):\n got %q\nwant %q", got, want)
	}

	// Errors name the gs:// path.
	code, msg = vgmsynth(t, "run", "--input", "gs://vgm/in/nope.csv", "--rows", "10", "--output", "gs://vgm/out/x")
	if code != 1 || !strings.Contains(msg, "gs://vgm/in/nope.csv") {
		t.Errorf("missing gs:// input: exit %d, %q", code, msg)
	}
}

// modelShape summarises what a model says about its table: rows seen,
// sample size, and each column's name, kind and null fraction.
func modelShape(t *testing.T, data []byte) string {
	t.Helper()
	var m struct {
		RowsSeen   int64 `json:"rows_seen"`
		SampleSize int64 `json:"sample_size"`
		Columns    []struct {
			Name         string  `json:"name"`
			Kind         string  `json:"kind"`
			NullFraction float64 `json:"null_fraction"`
		} `json:"columns"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	return string(b)
}
