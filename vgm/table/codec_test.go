package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm"
)

// codecBound is a pointer to a column bound.
func codecBound(v float64) *float64 { return &v }

func TestRowEncoder(t *testing.T) {
	m := &Model{
		FormatVersion: FormatVersion, ModelType: ModelTypeIndependent,
		Columns: []Column{
			{Name: "amount", Kind: Float, NullFraction: 0.1, Min: codecBound(0), Max: codecBound(60), Format: Format{Decimals: 2},
				VGM:   &vgm.Mixture{Weights: []float64{0.5, 0.5}, Means: []float64{10, 50}, Stds: []float64{2, 5}},
				Atoms: []Atom{{Value: 0, Frequency: 0.2}}},
			{Name: "city", Kind: Categorical, Categories: []Category{{Value: "Oslo", Frequency: 0.6}, {Value: "Lima, Peru", Frequency: 0.4}}},
			{Name: "ok", Kind: Boolean, Format: Format{True: "True", False: "False"},
				Categories: []Category{{Value: "True", Frequency: 0.5}, {Value: "False", Frequency: 0.5}}},
			{Name: "id", Kind: ID, Format: Format{Template: "ID-###"}},
		},
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	enc, err := NewRowEncoder(m, []string{"id", "ok", "city", "amount"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]EncodedValue, 4)
	tests := []struct {
		fields []string // id, ok, city, amount
		want   []EncodedValue
	}{
		{[]string{"ID-001", "true", "Lima, Peru", "0"}, []EncodedValue{{Mode: -1}, {Mode: 1}, {Mode: 0}, {Text: "ID-001"}}},
		{[]string{"", "", "Paris", ""}, []EncodedValue{{Null: true}, {Mode: -1}, {Null: true, Mode: -1}, {Null: true}}},
		{[]string{"ID-002", "False", "Oslo", "10.5"}, []EncodedValue{{Alpha: 0.5 / 8, Mode: 0}, {Mode: 0}, {Mode: 1}, {Text: "ID-002"}}},
	}
	dec, err := NewRowDecoder(m, []string{"amount.alpha", "amount.mode", "city", "ok", "id"})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		if err := enc.Encode("x/file.csv", int64(i), tt.fields, out); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(out, tt.want) {
			t.Errorf("row %d: %+v, want %+v", i, out, tt.want)
		}
		line, err := dec.AppendCSV(nil, out)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v -> %+v -> %s", tt.fields, out, line)
	}
	// The decoded text of the rows above.
	for i, want := range []string{"0.00,\"Lima, Peru\",True,ID-001\n", ",,,\n", "10.50,Oslo,False,ID-002\n"} {
		if err := enc.Encode("x/file.csv", int64(i), tests[i].fields, out); err != nil {
			t.Fatal(err)
		}
		got, err := dec.AppendCSV(nil, out)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("row %d decodes to %q, want %q", i, got, want)
		}
	}
	// The stream depends on the file's base name, not its directory.
	if RowStream("gs://b/dir/file.csv", 5) != RowStream("/tmp/file.csv", 5) || RowStream("file.csv", 5) == RowStream("file.csv", 6) {
		t.Error("RowStream should depend on the base name and the offset only")
	}

	if err := enc.Encode("f", 0, []string{"ID-1", "true", "Oslo", "abc"}, out); err == nil || !strings.Contains(err.Error(), `"amount"`) {
		t.Errorf("bad number: error %v, want one naming the column", err)
	}
	if _, err := NewRowEncoder(m, []string{"id", "ok", "city"}, 1); err == nil || !strings.Contains(err.Error(), `no column "amount"`) {
		t.Errorf("missing column: error %v", err)
	}
	if _, err := NewRowEncoder(m, []string{"id", "ok", "city", "amount", "extra"}, 1); err == nil || !strings.Contains(err.Error(), `"extra"`) {
		t.Errorf("extra column: error %v", err)
	}
	// A decoder without the ID column writes it null; bad modes are errors.
	dec2, err := NewRowDecoder(m, []string{"amount.alpha", "amount.mode", "city", "ok"})
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]EncodedValue, 4)
	if err := dec2.Parse([]string{"0.25", "1", "0", "1"}, vals); err != nil {
		t.Fatal(err)
	}
	if got, err := dec2.AppendCSV(nil, vals); err != nil || string(got) != "55.00,Oslo,False,\n" {
		t.Errorf("decoded %q, %v; want 55.00,Oslo,False,", got, err)
	}
	// Clamping keeps values within the model's bounds.
	if err := dec2.Parse([]string{"1", "1", "", ""}, vals); err != nil {
		t.Fatal(err)
	}
	if got, err := dec2.AppendCSV(nil, vals); err != nil || string(got) != "70.00,,,\n" {
		t.Errorf("decoded %q, %v; want 70.00,,,", got, err)
	}
	dec2.Clamp = true
	if got, err := dec2.AppendCSV(nil, vals); err != nil || string(got) != "60.00,,,\n" {
		t.Errorf("clamped: decoded %q, %v; want 60.00,,,", got, err)
	}
	dec2.Clamp = false
	for _, bad := range [][]string{{"0.1", "2", "0", "0"}, {"0", "-2", "0", "0"}, {"0", "0", "2", "0"}} {
		if err := dec2.Parse(bad, vals); err != nil {
			t.Fatal(err)
		}
		if _, err := dec2.AppendCSV(nil, vals); err == nil {
			t.Errorf("%v: decoded without error", bad)
		}
	}
}
