package evaluate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

const evalExample = "../examples/seattle-weather.csv"

// shuffledColumns returns the example's rows with every column shuffled
// independently: the same marginal distributions, no correlations.
func shuffledColumns(t *testing.T, seed uint64) [][]string {
	t.Helper()
	recs := testutil.ReadCSV(t, evalExample)
	header, rows := recs[0], recs[1:]
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([][]string, len(rows))
	for i := range out {
		out[i] = make([]string, len(header))
	}
	for j := range header {
		perm := rng.Perm(len(rows))
		for i, p := range perm {
			out[i][j] = rows[p][j]
		}
	}
	return append([][]string{header}, out...)
}

// dropColumn returns recs without the named column.
func dropColumn(recs [][]string, name string) [][]string {
	j := slices.Index(recs[0], name)
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = slices.Delete(slices.Clone(r), j, j+1)
	}
	return out
}

func TestEvaluateFilesAgainstItself(t *testing.T) {
	rep, err := EvaluateFiles(context.Background(), evalExample, evalExample, EvaluateOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rep.Score-1) > 1e-12 || math.Abs(rep.ScoreAllPairs-1) > 1e-12 {
		t.Errorf("score %v, all pairs %v; want 1", rep.Score, rep.ScoreAllPairs)
	}
	if rep.Privacy.ExactCopyRate != 1 || rep.Privacy.ExactCopies != 1461 {
		t.Errorf("exact copies %d (rate %v); want 1461 (rate 1)", rep.Privacy.ExactCopies, rep.Privacy.ExactCopyRate)
	}
	if rep.RealRows != 1461 || rep.SyntheticRows != 1461 {
		t.Errorf("rows %d, %d; want 1461", rep.RealRows, rep.SyntheticRows)
	}
	wantMetric := map[string]string{
		"date": quality.MetricKSComplement, "precipitation": quality.MetricKSComplement,
		"temp_max": quality.MetricKSComplement, "temp_min": quality.MetricKSComplement,
		"wind": quality.MetricKSComplement, "weather": quality.MetricTVComplement,
	}
	for _, c := range rep.Columns {
		if c.Metric != wantMetric[c.Name] {
			t.Errorf("column %s: metric %s, want %s", c.Name, c.Metric, wantMetric[c.Name])
		}
	}
}

func TestEvaluateFilesShuffled(t *testing.T) {
	dir := t.TempDir()
	recs := shuffledColumns(t, 7)
	// Two shards, as vgmsynth writes them; the glob reads both.
	half := len(recs) / 2
	testutil.WriteCSV(t, dir, "syn-00000-of-00002.csv", recs[:half])
	testutil.WriteCSV(t, dir, "syn-00001-of-00002.csv", append([][]string{recs[0]}, recs[half:]...))

	rep, err := EvaluateFiles(context.Background(), evalExample, filepath.Join(dir, "syn-*.csv"), EvaluateOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SyntheticRows != 1461 {
		t.Errorf("synthetic rows %d, want 1461", rep.SyntheticRows)
	}
	// Shuffling keeps every marginal: the shapes are exact.
	if math.Abs(rep.ColumnShapes-1) > 1e-12 {
		t.Errorf("column shapes %v, want 1", rep.ColumnShapes)
	}
	// It breaks temp_max ~ temp_min (r = 0.88 in the real data).
	if !rep.HasColumnPairTrends || rep.ColumnPairTrends > 0.8 {
		t.Errorf("column pair trends %v (has %v), want a defined score below 0.8", rep.ColumnPairTrends, rep.HasColumnPairTrends)
	}
	if rep.Score >= 1 || rep.Score < 0.5 {
		t.Errorf("score %v, want in [0.5, 1)", rep.Score)
	}
	if rep.Privacy.ExactCopyRate > 0.05 {
		t.Errorf("exact copy rate %v of a shuffled table, want about 0", rep.Privacy.ExactCopyRate)
	}
}

// weatherRow is the example's row as a Parquet record.
type weatherRow struct {
	Date          string  `parquet:"date"`
	Precipitation float64 `parquet:"precipitation"`
	TempMax       float64 `parquet:"temp_max"`
	TempMin       float64 `parquet:"temp_min"`
	Wind          float64 `parquet:"wind"`
	Weather       string  `parquet:"weather"`
}

func TestEvaluateFilesParquet(t *testing.T) {
	recs := testutil.ReadCSV(t, evalExample)
	rows := make([]weatherRow, len(recs)-1)
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, r := range recs[1:] {
		rows[i] = weatherRow{r[0], num(r[1]), num(r[2]), num(r[3]), num(r[4]), r[5]}
	}
	path := filepath.Join(t.TempDir(), "weather.parquet")
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	rep, err := EvaluateFiles(context.Background(), evalExample, path, EvaluateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rep.Score-1) > 1e-12 || rep.Privacy.ExactCopyRate != 1 {
		t.Errorf("score %v, exact copy rate %v; want 1 and 1", rep.Score, rep.Privacy.ExactCopyRate)
	}
}

func TestEvaluateFilesErrors(t *testing.T) {
	dir := t.TempDir()
	recs := testutil.ReadCSV(t, evalExample)
	withExtra := make([][]string, len(recs))
	for i, r := range recs {
		v := "x"
		if i == 0 {
			v = "humidity"
		}
		withExtra[i] = append(slices.Clone(r), v)
	}
	badNumber := slices.Clone(recs[:10])
	badNumber[4] = slices.Clone(badNumber[4])
	badNumber[4][2] = "warm"
	badBool := [][]string{{"flag"}, {"true"}, {"perhaps"}}
	realBool := testutil.WriteCSV(t, dir, "bool-real.csv", [][]string{{"flag"}, {"True"}, {"False"}})

	tests := []struct {
		name        string
		real, synth string
		want        []string // substrings of the error
	}{
		{
			name:  "missing column",
			real:  evalExample,
			synth: testutil.WriteCSV(t, dir, "nowind.csv", dropColumn(recs, "wind")),
			want:  []string{`column "wind"`, "not in the synthetic table", "nowind.csv"},
		},
		{
			name:  "extra column",
			real:  evalExample,
			synth: testutil.WriteCSV(t, dir, "extra.csv", withExtra),
			want:  []string{`column "humidity"`, "not in the real table", "extra.csv"},
		},
		{
			name:  "missing synthetic glob",
			real:  evalExample,
			synth: filepath.Join(dir, "nothing-*.csv"),
			want:  []string{"synthetic table", filepath.Join(dir, "nothing-*.csv")},
		},
		{
			name:  "missing real file",
			real:  filepath.Join(dir, "absent.csv"),
			synth: evalExample,
			want:  []string{"real table", "absent.csv"},
		},
		{
			name:  "text in a numeric column",
			real:  evalExample,
			synth: testutil.WriteCSV(t, dir, "badnum.csv", badNumber),
			want:  []string{"badnum.csv:5", `column "temp_max"`, `"warm"`},
		},
		{
			name:  "not a boolean",
			real:  realBool,
			synth: testutil.WriteCSV(t, dir, "badbool.csv", badBool),
			want:  []string{"badbool.csv:3", `column "flag"`, `"perhaps"`},
		},
		{
			name:  "no rows",
			real:  evalExample,
			synth: testutil.WriteCSV(t, dir, "empty.csv", recs[:1]),
			want:  []string{"synthetic table", "empty.csv", "no rows"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EvaluateFiles(context.Background(), tt.real, tt.synth, EvaluateOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestEvaluateKinds(t *testing.T) {
	dir := t.TempDir()
	header := []string{"id", "flag", "when", "amount", "count", "city"}
	row := func(i int, flag, when string) []string {
		amount := ""
		if i%5 != 0 {
			amount = strconv.FormatFloat(float64(i)*1.25, 'f', 2, 64)
		}
		return []string{"ORD-" + strconv.Itoa(10000+i), flag, when, amount,
			strconv.Itoa(i * 37 % 101), []string{"Oslo", "Lima", "Pune"}[i%3]}
	}
	real, synth := [][]string{header}, [][]string{header}
	for i := range 40 {
		real = append(real, row(i, []string{"True", "False"}[i%2], "2024-03-"+twoDigits(1+i%28)+" 10:00:00"))
		// The synthetic booleans are spelled differently and one date is
		// in another recognised layout: both still compare.
		when := "2024-03-" + twoDigits(1+(i+3)%28) + " 10:00:00"
		if i == 7 {
			when = "2024-03-11T10:00:00"
		}
		synth = append(synth, row(i+120, []string{"true", "FALSE"}[i%2], when))
	}
	l1, err := LoadTable(context.Background(), testutil.WriteCSV(t, dir, "real.csv", real), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := LoadTable(context.Background(), testutil.WriteCSV(t, dir, "synth.csv", synth), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		scoreIDs bool
		want     map[string]quality.Kind
		skipped  []string
	}{
		{
			name: "identifiers left out",
			want: map[string]quality.Kind{
				"flag": quality.Boolean, "when": quality.Datetime,
				"amount": quality.Numeric, "count": quality.Numeric, "city": quality.Categorical,
			},
			skipped: []string{"id"},
		},
		{
			name:     "identifiers scored",
			scoreIDs: true,
			want: map[string]quality.Kind{
				"id": quality.Categorical, "flag": quality.Boolean, "when": quality.Datetime,
				"amount": quality.Numeric, "count": quality.Numeric, "city": quality.Categorical,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := EvaluateLoaded(l1, l2, EvaluateOptions{ScoreIDs: tt.scoreIDs})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ev.Real.Skipped, tt.skipped) || !slices.Equal(ev.Synthetic.Skipped, tt.skipped) {
				t.Errorf("skipped %v and %v, want %v", ev.Real.Skipped, ev.Synthetic.Skipped, tt.skipped)
			}
			got := map[string]quality.Kind{}
			for _, c := range ev.Real.Table.Columns {
				got[c.Name] = c.Kind
			}
			for _, c := range ev.Synthetic.Table.Columns {
				if got[c.Name] != c.Kind {
					t.Errorf("column %s: synthetic kind %v, real %v", c.Name, c.Kind, got[c.Name])
				}
			}
			if len(got) != len(tt.want) || len(ev.Report.Columns) != len(tt.want) {
				t.Errorf("%d columns scored (%v), want %d", len(ev.Report.Columns), got, len(tt.want))
			}
			for name, k := range tt.want {
				if got[name] != k {
					t.Errorf("column %s: kind %v, want %v", name, got[name], k)
				}
			}
			byName := map[string]quality.ColumnScore{}
			synCols := map[string]*quality.Column{}
			for _, c := range ev.Report.Columns {
				byName[c.Name] = c
			}
			for i := range ev.Synthetic.Table.Columns {
				c := &ev.Synthetic.Table.Columns[i]
				synCols[c.Name] = c
			}
			if s := byName["flag"].Score; s != 1 {
				t.Errorf("flag score %v, want 1 (spellings differ only in case)", s)
			}
			if s := byName["city"].Score; s != 1 {
				t.Errorf("city score %v, want 1", s)
			}
			amount := synCols["amount"].Num
			if !math.IsNaN(amount[0]) || math.IsNaN(amount[1]) {
				t.Errorf("amount nulls: %v, %v; want NaN for the empty value only", amount[0], amount[1])
			}
			if when := synCols["when"].Num[7]; when != 1710151200 { // 2024-03-11T10:00:00Z
				t.Errorf("date in another layout parsed as %v, want 1710151200", when)
			}
			if got := slices.Contains(ev.Real.Skipped, "id"); got != (len(tt.skipped) > 0) {
				t.Errorf("id not scored: %v, want %v", got, len(tt.skipped) > 0)
			}
		})
	}

	// A table of identifiers only has nothing to score.
	ids := [][]string{{"id"}}
	for i := range 30 {
		ids = append(ids, []string{"K" + strconv.Itoa(1000+i)})
	}
	path := testutil.WriteCSV(t, dir, "ids.csv", ids)
	_, err = EvaluateFiles(context.Background(), path, path, EvaluateOptions{})
	if err == nil || !strings.Contains(err.Error(), "no column to score") {
		t.Errorf("identifiers only: error %v, want one saying there is no column to score", err)
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func TestEvaluateLoadTableSample(t *testing.T) {
	ctx := context.Background()
	all, err := LoadTable(ctx, evalExample, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if all.Len() != 1461 || all.TotalRows != 1461 || all.Sampled() {
		t.Fatalf("loaded %d of %d rows (sampled %v), want all 1461", all.Len(), all.TotalRows, all.Sampled())
	}
	if got := all.Where(0); got != evalExample+":2" {
		t.Errorf("Where(0) = %q, want %q", got, evalExample+":2")
	}
	tests := []struct {
		name    string
		maxRows int
		seed    uint64
	}{
		{"small", 10, 1},
		{"half", 700, 1},
		{"other seed", 700, 2},
		{"all", 1461, 1},
	}
	samples := map[string][]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := LoadTable(ctx, evalExample, tt.maxRows, tt.seed)
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != tt.maxRows || l.TotalRows != 1461 {
				t.Fatalf("loaded %d of %d rows, want %d of 1461", l.Len(), l.TotalRows, tt.maxRows)
			}
			dates := l.Column(0)
			if !slices.IsSorted(dates) { // file order, and the file is by date
				t.Errorf("rows are not in file order")
			}
			if len(slices.Compact(slices.Clone(dates))) != len(dates) {
				t.Errorf("a row was loaded twice")
			}
			again, err := LoadTable(ctx, evalExample, tt.maxRows, tt.seed)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(again.Column(0), dates) {
				t.Errorf("the same seed gave another sample")
			}
			samples[tt.name] = dates
		})
	}
	if slices.Equal(samples["half"], samples["other seed"]) {
		t.Errorf("seeds 1 and 2 gave the same sample")
	}
	// A uniform sample of half the days spreads over the four years.
	years := map[string]int{}
	for _, d := range samples["half"] {
		years[d[:4]]++
	}
	for y, n := range years {
		if n < 130 || n > 220 {
			t.Errorf("year %s: %d of 700 sampled days, want about 175", y, n)
		}
	}
}

func TestEvaluateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := EvaluateFiles(ctx, evalExample, evalExample, EvaluateOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
