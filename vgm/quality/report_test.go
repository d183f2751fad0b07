package quality

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestJSONTags checks that the report types, which encode through their
// mirrors, have a snake_case JSON tag on every field, and that a mirror
// keeps its type's fields and tags in order.
func TestJSONTags(t *testing.T) {
	for _, v := range []any{Report{}, ColumnScore{}, PairScore{}, Privacy{}, Detection{}, Seasonality{}, Efficacy{}} {
		o := reflect.TypeOf(v)
		m := mirrorOf(o)
		for i := range o.NumField() {
			fo, fm := o.Field(i), m.Field(i)
			if fo.Name != fm.Name || fo.Tag != fm.Tag {
				t.Errorf("%v field %d is %s %q, its mirror's %s %q", o, i, fo.Name, fo.Tag, fm.Name, fm.Tag)
			}
			if tag := fo.Tag.Get("json"); strings.ToLower(tag) != tag || tag == "" {
				t.Errorf("%v.%s: JSON tag %q is not snake_case", o, fo.Name, tag)
			}
		}
	}
}

func TestReportJSON(t *testing.T) {
	x0, y0 := rhoPair(0)
	rep, err := Evaluate(table(numCol("x", x0...), numCol("y", y0...), catCol("c", "", "", "", "")),
		table(numCol("x", x0...), numCol("y", y0...), catCol("c", "a", "", "b", "")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(rep.ColumnPairTrends) || !math.IsNaN(rep.Columns[2].Score) {
		t.Fatalf("test needs NaN figures; got %v and %v", rep.ColumnPairTrends, rep.Columns[2].Score)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"score", "column_shapes", "column_pair_trends", "has_column_pair_trends",
		"score_all_pairs", "column_pair_trends_all_pairs", "columns", "pairs", "privacy"} {
		if _, ok := generic[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, b)
		}
	}
	if generic["column_pair_trends"] != nil {
		t.Errorf("column_pair_trends = %v, want null", generic["column_pair_trends"])
	}
	if generic["privacy"].(map[string]any)["exact_copy_rate"] != 0.5 {
		t.Errorf("privacy = %v", generic["privacy"])
	}

	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	b2, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Errorf("round trip changed the report:\n%s\n%s", b, b2)
	}
	if !math.IsNaN(back.ColumnPairTrends) || !math.IsNaN(back.Columns[2].Score) {
		t.Errorf("null did not decode to NaN: %v, %v", back.ColumnPairTrends, back.Columns[2].Score)
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteText(t *testing.T) {
	real := correlated(1000, 1, true)
	rep, err := Evaluate(real, shuffled(real, 2), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Overall score", "Column Shapes", "Column Pair Trends", "all pairs", "pre-0.27",
		"KSComplement", "TVComplement", "CorrelationSimilarity", "ContingencySimilarity",
		"Exact copies", "DCR synthetic", "DCR holdout", "DCR ratio",
		Percent(rep.Score), Percent(rep.ScoreAllPairs),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	t.Logf("\n%s", out)

	// Without a qualifying pair the text says the score is Column Shapes.
	x0, y0 := rhoPair(0)
	flat, err := Evaluate(table(numCol("x", x0...), numCol("y", y0...)), table(numCol("x", x0...), numCol("y", y0...)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := flat.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "overall = Column Shapes") {
		t.Errorf("text does not say the score is Column Shapes alone:\n%s", buf.String())
	}

	if err := rep.WriteText(failingWriter{}); !errors.Is(err, errWrite) {
		t.Errorf("WriteText to a failing writer returned %v, want %v", err, errWrite)
	}
}
