package table

import (
	"math"
	"testing"
)

func TestInfer(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		kind   Kind
		format Format
	}{
		{"empty", nil, Categorical, Format{}},
		{"floats", []string{"0.0", "10.9", "0.8", "20.35"}, Float, Format{Decimals: 2}},
		{"integers", texts(100, func(i int) string { return itoa(i * 7) }), Integer, Format{}},
		{"few numbers", texts(100, func(i int) string { return itoa(i % 3) }), Categorical, Format{}},
		{"exponent", []string{"1e-9", "2.5e-9", "3e-8", "1.25e-7", "7e-9"}, Float, Format{Decimals: 2, Exponent: true}},
		{"leading zero codes", []string{"02134", "10001", "94105", "60601", "30301"}, Integer, Format{Width: 5}},
		{"booleans", []string{"true", "false", "true"}, Boolean, Format{True: "true", False: "false"}},
		{"Booleans", []string{"True", "False"}, Boolean, Format{True: "True", False: "False"}},
		{"dates", []string{"2012-01-01", "2015-12-31"}, Datetime, Format{Layout: "2006-01-02"}},
		{"datetimes", []string{"2012-01-01 10:00:00", "2015-12-31 23:59:59"}, Datetime, Format{Layout: "2006-01-02 15:04:05"}},
		{"us dates", []string{"Jan 02 2006", "Feb 28 2007"}, Datetime, Format{Layout: "Jan 02 2006"}},
		{"rfc3339", []string{"2012-01-01T10:00:00Z", "2015-12-31T23:59:59Z"}, Datetime, Format{Layout: "2006-01-02T15:04:05Z07:00"}},
		{"ids", texts(50, func(i int) string { return "ORD-" + pad(i, 5) }), ID, Format{Template: "ORD-#####"}},
		{"words", []string{"rain", "sun", "rain", "fog"}, Categorical, Format{}},
		{"text", texts(50, func(i int) string { return "Left at door " + itoa(i) + ", rang twice." }), Categorical, Format{}},
		{"yes no", []string{"yes", "no", "no"}, Boolean, Format{True: "yes", False: "no"}},
		{"negative floats", []string{"-1.5", "2.25", "-0.75", "3.5"}, Float, Format{Decimals: 2}},
		{"mixed", []string{"1.5", "2.5", "n/a", "3"}, Categorical, Format{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Infer(tt.values)
			if got.Kind != tt.kind {
				t.Fatalf("kind %v, want %v", got.Kind, tt.kind)
			}
			if got.Format != tt.format {
				t.Fatalf("format %+v, want %+v", got.Format, tt.format)
			}
		})
	}
}

func itoa(i int) string { return pad(i, 0) }

func pad(i, width int) string {
	s := ""
	for i > 0 || s == "" {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func TestAppendFloat(t *testing.T) {
	tests := []struct {
		v    float64
		f    Format
		want string
	}{
		{0, Format{Decimals: 1}, "0.0"},
		{-0.04, Format{Decimals: 1}, "0.0"},
		{-1.25, Format{Decimals: 2}, "-1.25"},
		{12.8, Format{Decimals: 1}, "12.8"},
		{3, Format{}, "3"},
		{1e20, Format{Decimals: 2}, "100000000000000000000.00"},
		{2.5e-9, Format{Decimals: 1, Exponent: true}, "2.5e-09"},
	}
	for _, tt := range tests {
		if got := string(appendFloat(nil, tt.v, tt.f)); got != tt.want {
			t.Errorf("appendFloat(%v, %+v) = %q, want %q", tt.v, tt.f, got, tt.want)
		}
	}
}

func TestAppendTimeMatchesTimeFormat(t *testing.T) {
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", "2006/01/02T15:04", "Jan 02 2006"} {
		for _, sec := range []float64{0, 1, 86399, 951782400, 1e9 + 12345, -86400 * 365.25 * 80, 4102444800} {
			f := Format{Layout: layout}
			want := string(appendTimeSlow(nil, sec, f))
			if got := string(appendTime(nil, sec, f)); got != want {
				t.Errorf("layout %q, %v: got %q, want %q", layout, sec, got, want)
			}
		}
	}
}

func TestIDsAvoidRealRange(t *testing.T) {
	values := make([]string, 100)
	for i := range values {
		values[i] = "ORD-" + pad(i+1, 5)
	}
	f := idTemplate(values)
	slots, _ := parseTemplate(f.Template)
	col := &Column{Name: "id", Kind: ID, Format: f}
	fitID(col, values, &ColumnStats{MinText: values[0], MaxText: values[99]})
	m := &Model{FormatVersion: FormatVersion, ModelType: ModelTypeIndependent, Columns: []Column{*col}}
	g, err := NewGenerator(m)
	if err != nil {
		t.Fatal(err)
	}
	real := map[string]bool{}
	for _, v := range values {
		real[v] = true
	}
	seen := map[string]bool{}
	for i := int64(0); i < 5000; i++ {
		id := string(g.AppendID(nil, 0, i))
		if real[id] || seen[id] {
			t.Fatalf("row %d: id %q copies a real id or repeats", i, id)
		}
		if _, ok := idValue(slots, id); !ok {
			t.Fatalf("id %q does not fit template %q", id, f.Template)
		}
		seen[id] = true
	}
}

func TestRound(t *testing.T) {
	for _, x := range []float64{0, 0.5, 1.49999, 2.5, -0.5, -2.5, -3.7, 1e15 + 0.5, -1e16, 4.4999999999} {
		if got, want := round(x), math.Round(x); got != want {
			t.Errorf("round(%v) = %v, want %v", x, got, want)
		}
	}
}

func TestDayCacheMatchesTimeFormat(t *testing.T) {
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", "2006/01/02T15:04", "01/02/2006 15:04:05"} {
		lo, hi := 978307200.0, 1e9+86400*400
		c := newDayCache(layout, lo, hi)
		if c == nil {
			t.Fatalf("%q: no cache", layout)
		}
		for sec := lo; sec <= hi; sec += 86400*3 + 3671 {
			want := string(appendTimeSlow(nil, sec, Format{Layout: layout}))
			if got := string(c.append(nil, int64(sec))); got != want {
				t.Fatalf("%q at %v: %q, want %q", layout, sec, got, want)
			}
		}
	}
	if newDayCache("Jan 02 2006", 0, 1e6) != nil || newDayCache("15:04 2006-01-02", 0, 1e6) != nil {
		t.Fatal("cache for a layout it cannot serve")
	}
}
