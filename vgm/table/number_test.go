package table

import "testing"

func TestNumberShapes(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		kind   Kind
		x      float64 // a value to format
		want   string
	}{
		{"thousands", []string{"12,345.67", "1,234.50", "999.00", "1,000,000.25"}, Float, -1234567.891, "-1,234,567.89"},
		{"currency", []string{"$1,234.50", "$12.00", "$-3.10"}, Float, -5, "$-5.00"},
		{"currency minus first", []string{"$1,234.50", "$12.00", "-$3.10"}, Float, -5, "-$5.00"},
		{"euro suffix", []string{"12,50 €", "1.234,00 €", "3,10 €"}, Float, 1234.5, "1.234,50 €"},
		{"percent", []string{"12.5%", "3.0%", "100.0%"}, Float, 42.25, "42.3%"},
		{"decimal comma", []string{"3,5", "12,25", "0,1"}, Float, 7.5, "7,50"},
		{"zip", []string{"02134", "10001", "00501", "94103"}, Integer, 501, "00501"},
		{"plain long", []string{"0.769230769231", "0.5", "0.1"}, Float, 0.25, "0.250000000000"},
		{"mixed exponent", []string{"0.769230769231", "1.5e-05", "0.25"}, Float, 0.00001234, "1.2e-05"},
		{"mixed exponent plain", []string{"0.769230769231", "1.5e-05", "0.25"}, Float, 0.5, "0.500000000000"},
		{"integer grouped", []string{"1,234", "12", "123,456", "7"}, Integer, 9876543, "9,876,543"},
		{"unit", []string{"12 kg", "7 kg", "150 kg"}, Integer, 99, "99 kg"},
		{"apostrophe", []string{"1'234.5", "12.0"}, Float, 1234567, "1'234'567.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := inferNumber(tt.values, 0)
			if !ok {
				t.Fatalf("inferNumber(%q) failed", tt.values)
			}
			for _, v := range tt.values {
				x, err := parseNumber(f, v)
				if err != nil {
					t.Fatalf("parse %q: %v", v, err)
				}
				back, err := parseNumber(f, string(appendNumber(nil, x, f, tt.kind == Integer)))
				if err != nil || back != x {
					t.Errorf("%q formats to a value that parses back as %v, %v", v, back, err)
				}
			}
			if got := string(appendNumber(nil, tt.x, f, tt.kind == Integer)); got != tt.want {
				t.Errorf("format %v: got %q, want %q (format %+v)", tt.x, got, tt.want, f)
			}
		})
	}
}

func TestNotNumbers(t *testing.T) {
	for _, vals := range [][]string{
		{"ORD-00001", "ORD-00002"}, {"10:49:41"}, {"2015/01/01"}, {"1.5", "1,5"}, {"007", "42"},
		{"192.168.1.1"}, {"N/A"}, {"e5"}, {"1,2,3"},
	} {
		if f, ok := inferNumber(vals, 0); ok {
			t.Errorf("inferNumber(%q) = %+v, want no number", vals, f)
		}
	}
}

func TestAppendNumberAllocs(t *testing.T) {
	f, _ := inferNumber([]string{"$1,234.50"}, 0)
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = appendNumber(buf[:0], 1234.5, f, false) }); n != 0 {
		t.Errorf("appendNumber allocates %v times", n)
	}
}

func TestIDsUnique(t *testing.T) {
	tests := []struct {
		name     string
		template string
		lo, hi   uint64
		n        int
		first    []string
	}{
		{"orders", "ORD-#####", 1, 99998, 300000, []string{"ORD-99999", "ORD-00000", "ORD-100000", "ORD-100001"}},
		{"small", `\A#`, 0, 9, 2000, []string{"A10", "A11"}},
		{"letters", `i\d-aa`, 0, 0, 3000, []string{"id-aa", "id-ab"}},
		{"hex suffix", "x#x", 5, 200, 10000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newIDGen(Format{Template: tt.template, ExcludeLow: tt.lo, ExcludeHigh: tt.hi})
			slots, _ := parseTemplate(tt.template)
			seen := map[string]bool{}
			for i := 0; i < tt.n; i++ {
				id := string(g.append(nil, uint64(i)))
				if i < len(tt.first) && id != tt.first[i] {
					t.Errorf("row %d: %q, want %q", i, id, tt.first[i])
				}
				if seen[id] {
					t.Fatalf("row %d repeats %q", i, id)
				}
				seen[id] = true
				if x, ok := idValue(slots, id); ok && (tt.lo != 0 || tt.hi != 0) && x >= tt.lo && x <= tt.hi {
					t.Fatalf("row %d: %q is in the real range", i, id)
				}
			}
		})
	}
}
