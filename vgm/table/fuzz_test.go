package table

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vgmsynth/vgmsynth/vgm"
)

// The fuzz targets below run as ordinary tests on their seeds (go test), and
// search for inputs that break them under go test -fuzz:
//
//	go test -run XXX -fuzz FuzzDecodeModel -fuzztime 60s ./vgm/table
//	go test -run XXX -fuzz FuzzInfer -fuzztime 60s ./vgm/table
//
// Seeds: the hand-edited and hostile model files of testdata/bad/models
// (repository root), models fitted here on the example table, and the
// corpus go test -fuzz keeps under testdata/fuzz.

// fitExample fits a model of modelType on the first rows of the example
// table.
func fitExample(tb testing.TB, modelType string, rows int) *Model {
	tb.Helper()
	s := exampleSummary(tb, rows, 1000)
	cfg := vgm.DefaultConfig()
	cfg.MaxIter = 50
	m, err := Fit(s, FitOptions{VGM: cfg, ModelType: modelType})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func FuzzDecodeModel(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/bad/models/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, mt := range []string{ModelTypeForest, ModelTypeNetwork, ModelTypeIndependent} {
		b, err := fitExample(f, mt, 300).Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format_version":1,"model_type":"independent","columns":[{"name":"a","kind":"categorical","null_fraction":1,"format":{}}]}`))
	f.Add([]byte(`{"format_version":1,"model_type":"independent","columns":[{"name":"a","kind":"id","null_fraction":0,"format":{"template":"A-##","exclude_low":3,"exclude_high":97}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeModel(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		g, err := NewGenerator(m)
		if err != nil {
			t.Fatalf("a model that passed validation is refused by NewGenerator: %v", err)
		}
		b := g.NewBlock()
		const n = 64
		for blk := int64(0); blk < 2; blk++ {
			g.Fill(b, 7, blk, n)
			var line []byte
			for i := 0; i < n; i++ {
				for c := range m.Columns {
					line = g.AppendText(line[:0], b, c, i)
				}
			}
		}
	})
}

func FuzzInfer(f *testing.F) {
	seeds := []string{
		"1.5\n2.5\n3",
		"NaN\n1\n2",
		"Inf\n-Inf\n1e400",
		"0x10\n1_000\n+5",
		"2012-01-01\n2015-12-31",
		"2012-01-01 10:00:00\n2015-12-31 23:59:59.25",
		"2012-01-01T10:00:00Z\n2015-12-31T23:59:59+02:00",
		"Jan 2 2006\nFeb 28 2007",
		"true\nfalse\nTRUE",
		"ORD-00042\nORD-00043\nORD-10000",
		"a\\#\nb\\#",
		"02134\n10001",
		"\u00e9t\u00e9\nhiver",
		"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var values []string
		for _, v := range strings.Split(data, "\n") {
			if v != "" {
				values = append(values, v)
			}
		}
		if len(values) > 200 {
			values = values[:200]
		}
		inf := Infer(values)
		if inf.Kind.Numeric() {
			// Fit parses every value with the inferred format: inference must
			// only promise what parsing keeps.
			for _, v := range values {
				if _, err := ParseValue(inf.Kind, inf.Format, v); err != nil {
					t.Fatalf("Infer says %s (%+v) but ParseValue(%q) fails: %v", inf.Kind, inf.Format, v, err)
				}
			}
		}
		if inf.Kind == ID {
			if _, err := parseTemplate(inf.Format.Template); err != nil {
				t.Fatalf("inferred template %q does not parse: %v", inf.Format.Template, err)
			}
		}
		for k := range kindNames {
			f, ok := FormatFor(k, values)
			if !ok {
				continue
			}
			for _, v := range values {
				if k.Numeric() {
					if _, err := ParseValue(k, f, v); err != nil {
						t.Fatalf("FormatFor(%s) accepts %q but ParseValue fails: %v", k, v, err)
					}
				}
			}
			if k == ID {
				slots, err := parseTemplate(f.Template)
				if err != nil {
					t.Fatalf("FormatFor(id) template %q does not parse: %v", f.Template, err)
				}
				if sp := idSpace(slots); sp > 1 {
					out := appendID(nil, slots, sp-1)
					if len(slots) > 0 && !utf8.Valid(out) && utf8.ValidString(strings.Join(values, "")) {
						t.Fatalf("id template %q writes invalid UTF-8 %q", f.Template, out)
					}
				}
			}
		}
		for _, v := range values {
			for _, k := range []Kind{Float, Integer, Datetime} {
				ParseValue(k, Format{Layout: "2006-01-02"}, v)
			}
		}
	})
}
