package table

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm"
)

// shapeCase is one column of a file under testdata/shapes: its kind and the
// regular expression every value, real or generated, matches.
type shapeCase struct {
	column   string
	kind     Kind
	shape    string
	sentinel string // a value holding at least 5% of the column, or ""
}

var shapeFiles = []struct {
	file  string
	comma rune
	dec   byte
	cols  []shapeCase
}{
	{"orders.csv", ',', 0, []shapeCase{
		{"order_id", ID, `^ORD-\d{5,}$`, ""},
		{"order_time", Datetime, `^\d\d:\d\d:\d\d$`, ""},
		{"order_date", Datetime, `^\d{4}-\d\d-\d\d$`, ""},
		{"amount", Float, `^\d{1,3}(,\d{3})*\.\d\d$`, ""},
		{"price", Float, `^\$\d{1,3}(,\d{3})*\.\d\d$`, ""},
		{"share", Float, `^\d{1,3}\.\d%$`, ""},
		{"qty_ref", Integer, `^(-1|\d{1,3})$`, "-1"},
		{"ship_code", Integer, `^\d{5}$`, ""},
		{"shipped", Boolean, `^[YN]$`, ""},
		{"paid", Boolean, `^(yes|no)$`, ""},
		{"gift", Boolean, `^[TF]$`, ""},
		{"valid_to", Datetime, `^\d{4}-\d\d-\d\d$`, "9999-12-31"},
		{"created_at", Datetime, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`, ""},
		{"customer", Categorical, `^\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}*(['-]\p{Lu}\p{Ll}+)?$`, ""},
		{"address", Categorical, `^[1-9]\d{0,3}( \p{Lu}\p{Ll}+)+$`, ""},
		{"email", Categorical, `^\p{Ll}+\.\p{Ll}+\d{1,2}@[a-z]+\.[a-z]+$`, ""},
		{"comment", Categorical, `^\p{Lu}\p{Ll}*( \p{Ll}+)*\.$`, ""},
	}},
	{"european.csv", ';', 0, []shapeCase{
		{"betrag", Float, `^\d{1,3}(\.\d{3})*,\d\d$`, ""},
		{"anteil", Float, `^\d{1,2},\d$`, ""},
		{"zeit", Datetime, `^\d\d:\d\d$`, ""},
	}},
	{"hourly.csv", ',', 0, []shapeCase{
		{"reading_at", Datetime, `^\d{4}/\d\d/\d\d \d\d:00:00$`, ""},
		{"slot", Datetime, `^\d\d:(00|15|30|45):00$`, ""},
		{"local_day", Datetime, `^\d{4}-\d\d-\d\dT00:00:00\+05:30$`, ""},
	}},
	{"science.csv", ',', 0, []shapeCase{
		{"ratio", Float, `^(0\.\d{1,12}|\d\.\d+e-\d\d)$`, ""},
		{"tiny", Float, `^\d\.\d{3}e-\d\d$`, ""},
		{"old_date", Datetime, `^1[67]\d\d-\d\d-\d\d$`, ""},
		{"ms_time", Datetime, `^\d\d:\d\d:\d\d\.\d{3}$`, ""},
	}},
}

// TestShapesRoundTrip fits each file under testdata/shapes, generates rows
// and checks that every column keeps its kind and shape: infer, fit,
// generate and infer again give the same kind and spelling, at least 99.9%
// of generated values match the column's expression, and a sentinel value
// keeps its share within 5 points.
func TestShapesRoundTrip(t *testing.T) {
	for _, sf := range shapeFiles {
		t.Run(sf.file, func(t *testing.T) {
			header, rows := readShapes(t, sf.file, sf.comma)
			sum := NewSummary(header, 10000, 1)
			for i, r := range rows {
				if err := sum.Add(sf.file, int64(i), int64(i+2), r); err != nil {
					t.Fatal(err)
				}
			}
			m, err := Fit(sum, FitOptions{VGM: vgm.DefaultConfig(), MinCategoryCount: DefaultMinCategoryCount, DecimalMark: sf.dec})
			if err != nil {
				t.Fatal(err)
			}
			g, err := NewGenerator(m)
			if err != nil {
				t.Fatal(err)
			}
			const blocks = 2
			gen := make([][]string, len(header))
			b := g.NewBlock()
			for blk := int64(0); blk < blocks; blk++ {
				g.Fill(b, 3, blk, BlockSize)
				for j := range header {
					for i := 0; i < b.N; i++ {
						if !b.Cols[j].Null[i] {
							gen[j] = append(gen[j], string(g.AppendText(nil, b, j, i)))
						}
					}
				}
			}
			for _, sc := range sf.cols {
				j := indexOf(header, sc.column)
				col := &m.Columns[j]
				if col.Kind != sc.kind {
					t.Errorf("%s: inferred %v, want %v", sc.column, col.Kind, sc.kind)
					continue
				}
				re := regexp.MustCompile(sc.shape)
				for _, r := range rows {
					if !re.MatchString(r[j]) {
						t.Fatalf("%s: real value %q does not match %s (the test's expression is wrong)", sc.column, r[j], sc.shape)
					}
				}
				bad := 0
				var example string
				for _, v := range gen[j] {
					if !re.MatchString(v) {
						bad++
						example = v
					}
				}
				if len(gen[j]) == 0 || float64(bad) > 0.001*float64(len(gen[j])) {
					t.Errorf("%s: %d of %d generated values miss the shape %s, such as %q", sc.column, bad, len(gen[j]), sc.shape, example)
				}
				again := Infer(gen[j])
				if again.Kind != col.Kind || !sameSpelling(again.Format, col.Format) {
					t.Errorf("%s: generated values infer as %v %+v, the real ones as %v %+v", sc.column, again.Kind, again.Format, col.Kind, col.Format)
				}
				if sc.sentinel != "" {
					real, synth := share(column(rows, j), sc.sentinel), share(gen[j], sc.sentinel)
					if real < 0.05 || synth < real-0.05 || synth > real+0.05 {
						t.Errorf("%s: sentinel %q holds %.3f of generated values, %.3f of real ones", sc.column, sc.sentinel, synth, real)
					}
				}
				if col.Kind == Categorical {
					for _, v := range gen[j] {
						if v == NovelCategory || v == "other" {
							t.Fatalf("%s: placeholder %q in the output", sc.column, v)
						}
					}
				}
			}
		})
	}
}

// sameSpelling compares what a format says about how values look, beyond
// their precision.
func sameSpelling(a, b Format) bool {
	return a.Layout == b.Layout && a.Prefix == b.Prefix && a.Suffix == b.Suffix && a.Thousands == b.Thousands &&
		a.DecimalMark == b.DecimalMark && a.Width == b.Width && a.True == b.True && a.False == b.False &&
		a.Exponent == b.Exponent && a.ZoneOffset == b.ZoneOffset && a.ZoneName == b.ZoneName && a.Step == b.Step
}

func readShapes(t testing.TB, file string, comma rune) ([]string, [][]string) {
	f, err := os.Open(filepath.Join("..", "..", "testdata", "shapes", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	panic("no column " + s)
}

func column(rows [][]string, j int) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[j]
	}
	return out
}

func share(values []string, v string) float64 {
	n := 0
	for _, x := range values {
		if strings.EqualFold(x, v) {
			n++
		}
	}
	return float64(n) / float64(len(values))
}
