package tableio

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/parquet-go/parquet-go"
)

// fakeGCS serves an in-memory GCS on loopback, plain HTTP, and points the
// storage client (Beam's gcs filesystem and the ranged reader alike) at it
// through STORAGE_EMULATOR_HOST. served counts the bytes of object data
// sent.
type fakeGCS struct {
	*fakestorage.Server
	served atomic.Int64
}

func startFakeGCS(t *testing.T, bucket string) *fakeGCS {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		NoListener: true, PublicHost: "127.0.0.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeGCS{Server: srv}
	h := srv.HTTPHandler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(countingResponse{w, &f.served}, r)
	}))
	t.Cleanup(func() { hs.Close(); srv.Stop() })
	t.Setenv("STORAGE_EMULATOR_HOST", hs.Listener.Addr().String())
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket})
	return f
}

type countingResponse struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c countingResponse) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n.Add(int64(n))
	return n, err
}

func (f *fakeGCS) put(t *testing.T, bucket, name string, data []byte) {
	t.Helper()
	f.CreateObject(fakestorage.Object{
		ObjectAttrs: fakestorage.ObjectAttrs{BucketName: bucket, Name: name},
		Content:     data,
	})
}

type weatherRow struct {
	Date          string  `parquet:"date"`
	Precipitation float64 `parquet:"precipitation"`
	TempMax       float64 `parquet:"temp_max"`
	Wind          float64 `parquet:"wind,optional"`
	Weather       string  `parquet:"weather"`
}

// writeTestParquet writes n rows in row groups of group rows.
func writeTestParquet(t *testing.T, n, group int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[weatherRow](&buf, parquet.MaxRowsPerRowGroup(int64(group)), parquet.Compression(&parquet.Uncompressed))
	rows := make([]weatherRow, n)
	x := uint64(42)
	for i := range rows {
		x = x*6364136223846793005 + 1442695040888963407
		rows[i] = weatherRow{
			Date:          fmt.Sprintf("2012-01-%02d", 1+i%28),
			Precipitation: float64(x>>40) / 1e4,
			TempMax:       float64(int64(x>>20)%400) / 10,
			Wind:          float64(x%97) / 7,
			Weather:       []string{"sun", "rain", "fog", "drizzle", "snow"}[x%5],
		}
	}
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type readRow struct {
	offset, line int64
	fields       []string
}

func readAll(t *testing.T, ctx context.Context, files []string, splitBytes int64) ([]Split, []readRow) {
	t.Helper()
	header, err := Header(ctx, files[0])
	if err != nil {
		t.Fatal(err)
	}
	splits, err := Plan(ctx, files, splitBytes)
	if err != nil {
		t.Fatal(err)
	}
	var rows []readRow
	for _, sp := range splits {
		err := Read(ctx, sp, header, func(offset, line int64, fields []string) error {
			rows = append(rows, readRow{offset, line, slices.Clone(fields)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return splits, rows
}

// TestGCSReadsLikeLocal reads the same CSV and Parquet files from a local
// directory and from gs:// and wants the same header, splits and rows, and
// checks that a Parquet row group is read without fetching the whole file.
func TestGCSReadsLikeLocal(t *testing.T) {
	ctx := context.Background()
	f := startFakeGCS(t, "bkt")
	dir := t.TempDir()
	csvData, err := os.ReadFile("../../examples/seattle-weather.csv")
	if err != nil {
		t.Fatal(err)
	}
	pq := writeTestParquet(t, 60000, 10000)
	for name, data := range map[string][]byte{"w.csv": csvData, "w.parquet": pq} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		f.put(t, "bkt", "data/"+name, data)
	}
	for _, ext := range []string{"csv", "parquet"} {
		t.Run(ext, func(t *testing.T) {
			local, err := Files(ctx, filepath.Join(dir, "*."+ext))
			if err != nil {
				t.Fatal(err)
			}
			remote, err := Files(ctx, "gs://bkt/data/*."+ext)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"gs://bkt/data/w." + ext}; !slices.Equal(remote, want) {
				t.Fatalf("Files = %v, want %v", remote, want)
			}
			for _, p := range []string{local[0], remote[0]} {
				if ok, err := HasRows(ctx, p); err != nil || !ok {
					t.Fatalf("HasRows(%s) = %v, %v", p, ok, err)
				}
			}
			// Small byte-range splits make the CSV reader start mid-file.
			ls, lrows := readAll(t, ctx, local, 7000)
			rs, rrows := readAll(t, ctx, remote, 7000)
			if len(ls) != len(rs) || len(ls) < 5 {
				t.Fatalf("%d local splits, %d remote; want the same, at least 5", len(ls), len(rs))
			}
			for i := range ls {
				if ls[i].Start != rs[i].Start || ls[i].End != rs[i].End || ls[i].Parquet != rs[i].Parquet {
					t.Errorf("split %d: local %+v, remote %+v", i, ls[i], rs[i])
				}
			}
			want := map[string]int{"csv": 1461, "parquet": 60000}[ext]
			if len(lrows) != want || len(rrows) != want {
				t.Fatalf("read %d local rows and %d remote, want %d", len(lrows), len(rrows), want)
			}
			for i := range lrows {
				l, r := lrows[i], rrows[i]
				if l.offset != r.offset || l.line != r.line || !slices.Equal(l.fields, r.fields) {
					t.Fatalf("row %d: local %v, remote %v", i, l, r)
				}
			}
		})
	}
	t.Run("parquet row group is a ranged read", func(t *testing.T) {
		header, err := Header(ctx, "gs://bkt/data/w.parquet")
		if err != nil {
			t.Fatal(err)
		}
		f.served.Store(0)
		n := 0
		err = Read(ctx, Split{Path: "gs://bkt/data/w.parquet", Parquet: true, Start: 3, End: 4}, header, func(offset, _ int64, _ []string) error {
			if n == 0 && offset != 30000 {
				t.Errorf("first row of group 3 has offset %d, want 30000", offset)
			}
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 10000 {
			t.Fatalf("read %d rows, want 10000", n)
		}
		if got, size := f.served.Load(), int64(len(pq)); got > size/3 {
			t.Errorf("reading 1 of 6 row groups fetched %d bytes of a %d-byte file", got, size)
		} else {
			t.Logf("reading 1 of 6 row groups fetched %d bytes of a %d-byte file", got, size)
		}
	})
	t.Run("List with ? and [ patterns", func(t *testing.T) {
		for _, name := range []string{"out/w-00000-of-00002.csv", "out/w-00001-of-00002.csv", "out/w-MANIFEST.json", "out/sub/w-00000-of-00002.csv", "out/v-00000-of-00002.csv"} {
			f.put(t, "bkt", name, []byte("a\n1\n"))
		}
		fs, err := filesystem.New(ctx, "gs://bkt/")
		if err != nil {
			t.Fatal(err)
		}
		defer fs.Close()
		for pat, want := range map[string][]string{
			"gs://bkt/out/w-?????-of-?????.csv":    {"gs://bkt/out/w-00000-of-00002.csv", "gs://bkt/out/w-00001-of-00002.csv"},
			"gs://bkt/out/[vw]-00000-of-00002.csv": {"gs://bkt/out/v-00000-of-00002.csv", "gs://bkt/out/w-00000-of-00002.csv"},
			"gs://bkt/out/[!w]-00000-of-00002.csv": {"gs://bkt/out/v-00000-of-00002.csv"},
			"gs://bkt/out/w-*.csv":                 {"gs://bkt/out/w-00000-of-00002.csv", "gs://bkt/out/w-00001-of-00002.csv"},
			"gs://bkt/out/w-MANIFEST.json":         {"gs://bkt/out/w-MANIFEST.json"},
		} {
			got, err := List(ctx, fs, pat)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("List(%s) = %q, want %q", pat, got, want)
			}
		}
		if got, _ := fs.List(ctx, "gs://bkt/out/w-?????-of-?????.csv"); len(got) != 0 {
			t.Logf("Beam's gcs List now finds ? patterns (%d files): the workaround in List may go", len(got))
		}
	})
	t.Run("missing object", func(t *testing.T) {
		_, err := Header(ctx, "gs://bkt/data/nope.parquet")
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte("nope.parquet")) {
			t.Fatalf("err = %v, want one naming the file", err)
		}
	})
}
