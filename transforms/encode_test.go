package transforms

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/table"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

const seattle = "../examples/seattle-weather.csv"

// fitSeattle fits the example table in memory, without Beam.
func fitSeattle(t *testing.T) (*table.Model, []byte) {
	t.Helper()
	ctx := context.Background()
	header, err := tableio.Header(ctx, seattle)
	if err != nil {
		t.Fatal(err)
	}
	sum := table.NewSummary(header, 2000, 1)
	sp := tableio.Split{Path: seattle, End: -1}
	if err := tableio.Read(ctx, sp, header, func(off, line int64, f []string) error {
		return sum.Add(seattle, off, line, f)
	}); err != nil {
		t.Fatal(err)
	}
	m, err := table.Fit(sum, table.FitOptions{VGM: vgm.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return m, b
}

// readTable reads every row of the files under a manifest, in shard order.
func readTable(t *testing.T, manifest string) (header []string, rows [][]string) {
	t.Helper()
	ctx := context.Background()
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var man sink.Manifest
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	for _, sh := range man.Shards {
		h, err := tableio.Header(ctx, sh.Path)
		if err != nil {
			t.Fatal(err)
		}
		header = h
		splits, err := tableio.Plan(ctx, []string{sh.Path}, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, sp := range splits {
			if err := tableio.Read(ctx, sp, h, func(_, _ int64, f []string) error {
				rows = append(rows, f)
				n++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if int64(n) != sh.Rows {
			t.Errorf("%s: %d rows, the manifest says %d", sh.Path, n, sh.Rows)
		}
	}
	if int64(len(rows)) != man.Rows {
		t.Errorf("%d rows, the manifest says %d", len(rows), man.Rows)
	}
	return header, rows
}

// runEncode encodes the example with the given split size and roots and
// returns the manifest's path.
func runEncode(t *testing.T, model []byte, prefix string, splitBytes int64, roots int, seed uint64) string {
	t.Helper()
	ctx := context.Background()
	header, err := tableio.Header(ctx, seattle)
	if err != nil {
		t.Fatal(err)
	}
	splits, err := tableio.Plan(ctx, []string{seattle}, splitBytes)
	if err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	Encode(s, ModelBytes(model), EncodeConfig{Splits: splits, Header: header, Prefix: prefix, Seed: seed, RunID: "test", Roots: roots})
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	return sink.ManifestName(prefix)
}

func TestEncodeRoundTrip(t *testing.T) {
	m, model := fitSeattle(t)
	dir := t.TempDir()
	ctx := context.Background()

	encManifest := runEncode(t, model, filepath.Join(dir, "enc"), 10000, 2, 7)
	encHeader, encRows := readTable(t, encManifest)
	cols, err := table.EncodedColumns(m)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if !slices.Equal(encHeader, names) {
		t.Fatalf("encoded header %v, want %v", encHeader, names)
	}
	if want := []string{"date.alpha", "date.mode", "precipitation.alpha", "precipitation.mode"}; !slices.Equal(encHeader[:4], want) {
		t.Errorf("encoded header starts %v, want %v", encHeader[:4], want)
	}

	// Decode it, with the model as a side input this time.
	files, err := tableio.Files(ctx, filepath.Join(dir, "enc-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5 || filepath.Base(files[0]) != "enc-00000-of-00005.parquet" {
		t.Fatalf("encoded files %v, want 5 (one per split)", files)
	}
	all, err := tableio.Plan(ctx, files, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	Decode(s, ModelPCollection(beam.Create(s, model)), DecodeConfig{Splits: all, Header: encHeader, Prefix: filepath.Join(dir, "dec"), RunID: "test", Roots: 1})
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	decHeader, decRows := readTable(t, sink.ManifestName(filepath.Join(dir, "dec")))

	f, err := os.Open(seattle)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	orig, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(decHeader, orig[0]) {
		t.Fatalf("decoded header %v, want %v", decHeader, orig[0])
	}
	orig = orig[1:]
	if len(decRows) != len(orig) || len(encRows) != len(orig) {
		t.Fatalf("%d encoded and %d decoded rows, want %d", len(encRows), len(decRows), len(orig))
	}
	pos := map[string]int{}
	for i, h := range encHeader {
		pos[h] = i
	}
	clipped, atoms, exact := 0, 0, 0
	for i, row := range orig {
		for j, c := range m.Columns {
			got, want := decRows[i][j], row[j]
			if !c.Kind.Numeric() {
				if got != want {
					t.Fatalf("row %d column %s: decoded %q, want %q", i+1, c.Name, got, want)
				}
				continue
			}
			alpha, mode := encRows[i][pos[c.Name+".alpha"]], encRows[i][pos[c.Name+".mode"]]
			if strings.HasPrefix(mode, "-") {
				atoms++
				if alpha != "0" {
					t.Errorf("row %d column %s: atom with alpha %s, want 0", i+1, c.Name, alpha)
				}
			}
			if alpha == "0.99" || alpha == "-0.99" {
				clipped++
				continue
			}
			x, err := table.ParseValue(c.Kind, c.Format, want)
			if err != nil {
				t.Fatal(err)
			}
			y, err := table.ParseValue(c.Kind, c.Format, got)
			if err != nil {
				t.Fatalf("row %d column %s: decoded %q: %v", i+1, c.Name, got, err)
			}
			if math.Abs(x-y) > 1e-9*math.Abs(x) {
				t.Fatalf("row %d column %s: decoded %q (%v), want %q (alpha %s, mode %s)", i+1, c.Name, got, y, want, alpha, mode)
			}
			if got == want {
				exact++
			}
		}
	}
	t.Logf("%d rows: %d numeric values exact as text, %d atoms, %d alphas clipped", len(orig), exact, atoms, clipped)
	if atoms == 0 {
		t.Error("no atom was encoded; precipitation's zeros should be")
	}
	if clipped > len(orig)/100 {
		t.Errorf("%d alphas clipped, want few", clipped)
	}
}

// TestEncodeSplitInvariance checks that the modes drawn do not depend on
// how the input is split or how many roots read it, and do depend on the
// seed.
func TestEncodeSplitInvariance(t *testing.T) {
	_, model := fitSeattle(t)
	dir := t.TempDir()
	_, a := readTable(t, runEncode(t, model, filepath.Join(dir, "a"), 0, 1, 3))
	_, b := readTable(t, runEncode(t, model, filepath.Join(dir, "b"), 7000, 3, 3))
	_, c := readTable(t, runEncode(t, model, filepath.Join(dir, "c"), 0, 1, 4))
	if len(a) != 1461 || len(b) != len(a) {
		t.Fatalf("%d and %d rows, want 1461", len(a), len(b))
	}
	differ := 0
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatalf("row %d: %v with one split, %v with several", i+1, a[i], b[i])
		}
		if !slices.Equal(a[i], c[i]) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("seeds 3 and 4 drew the same modes for every row")
	}
}

// TestEncodeFlightsRoundTrip encodes and decodes the 3-million-row flights
// table and checks the round trip on every row. It reads the table from
// ../shared/data beside the repository (where CI links it) and skips only
// when the table is absent there; -short skips it too (it takes tens of
// seconds).
func TestEncodeFlightsRoundTrip(t *testing.T) {
	const flights = "../../shared/data/flights-3m.parquet"
	if _, err := os.Stat(flights); err != nil {
		t.Skipf("%s is absent (the shared data sets live in ../shared/data beside the repository): %v", flights, err)
	}
	if testing.Short() {
		t.Skip("-short: the flights round trip takes tens of seconds")
	}
	ctx := context.Background()
	header, err := tableio.Header(ctx, flights)
	if err != nil {
		t.Fatal(err)
	}
	splits, err := tableio.Plan(ctx, []string{flights}, 0)
	if err != nil {
		t.Fatal(err)
	}
	sum := table.NewSummary(header, 200000, 0)
	var orig [][]string
	for _, sp := range splits {
		if err := tableio.Read(ctx, sp, header, func(off, line int64, f []string) error {
			orig = append(orig, f)
			return sum.Add(sp.Path, off, line, f)
		}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := table.Fit(sum, table.FitOptions{VGM: vgm.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	model, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	Encode(s, ModelBytes(model), EncodeConfig{Splits: splits, Header: header, Prefix: filepath.Join(dir, "enc"), RunID: "t", Roots: 2})
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	files, err := tableio.Files(ctx, filepath.Join(dir, "enc-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	encHeader, err := tableio.Header(ctx, files[0])
	if err != nil {
		t.Fatal(err)
	}
	encSplits, err := tableio.Plan(ctx, files, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, s = beam.NewPipelineWithRoot()
	Decode(s, ModelBytes(model), DecodeConfig{Splits: encSplits, Header: encHeader, Prefix: filepath.Join(dir, "dec"), RunID: "t", Roots: 2})
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	decHeader, dec := readTable(t, sink.ManifestName(filepath.Join(dir, "dec")))
	_, enc := readTable(t, sink.ManifestName(filepath.Join(dir, "enc")))
	if !slices.Equal(decHeader, header) || len(dec) != len(orig) || len(enc) != len(orig) {
		t.Fatalf("decoded %v with %d rows, want %v with %d", decHeader, len(dec), header, len(orig))
	}
	pos := map[string]int{}
	for i, h := range encHeader {
		pos[h] = i
	}
	var clipped, exact, numeric int
	for i := range orig {
		for j, c := range m.Columns {
			want, got := orig[i][j], dec[i][j]
			if !c.Kind.Numeric() {
				if got != want {
					t.Fatalf("row %d column %s: decoded %q, want %q", i, c.Name, got, want)
				}
				continue
			}
			numeric++
			if a := enc[i][pos[c.Name+".alpha"]]; a == "0.99" || a == "-0.99" {
				clipped++
				continue
			}
			x, _ := table.ParseValue(c.Kind, c.Format, want)
			y, err := table.ParseValue(c.Kind, c.Format, got)
			if err != nil || math.Abs(x-y) > 1e-9*math.Abs(x) {
				t.Fatalf("row %d column %s: decoded %q, want %q (%v)", i, c.Name, got, want, err)
			}
			if got == want {
				exact++
			}
		}
	}
	t.Logf("%d rows, %d numeric values: %d clipped, %d of the rest exact as text", len(orig), numeric, clipped, exact)
}
