package rules

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/vgmsynth/vgmsynth/internal/testutil"
)

var nan = math.NaN()

func numbers(name string, k Kind, x ...float64) Column {
	return Column{Name: name, Kind: k, Num: x}
}

func texts(name string, v ...string) Column {
	return Column{Name: name, Kind: Discrete, Text: v}
}

// seq returns n values f(0), f(1), ...
func seq(n int, f func(i int) float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = f(i)
	}
	return x
}

func names(rs []Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func TestMineOrder(t *testing.T) {
	n := 40
	lo := seq(n, func(i int) float64 { return float64(i % 10) })
	hi := seq(n, func(i int) float64 { return float64(i%10) + float64(i%3) })
	far := seq(n, func(i int) float64 { return 100 + float64(i) }) // above both: implied by ranges
	withNull := slices.Clone(hi)
	withNull[3] = nan
	tests := []struct {
		name string
		cols []Column
		want []string
	}{
		{"holds", []Column{numbers("lo", Number, lo...), numbers("hi", Number, hi...)}, []string{"lo <= hi"}},
		{"nulls skipped", []Column{numbers("lo", Number, lo...), numbers("hi", Number, withNull...)}, []string{"lo <= hi"}},
		{"implied by ranges", []Column{numbers("lo", Number, lo...), numbers("far", Number, far...)}, nil},
		{"all equal", []Column{numbers("a", Number, lo...), numbers("b", Number, lo...)}, nil},
		{"kinds differ", []Column{numbers("lo", Number, lo...), numbers("hi", Time, hi...)}, nil},
		{"too few rows", []Column{numbers("lo", Number, lo[:19]...), numbers("hi", Number, hi[:19]...)}, nil},
		{"time", []Column{numbers("start", Time, lo...), numbers("end", Time, hi...)}, []string{"start <= end"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := names(Mine(tc.cols, Options{}))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Mine = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMineFD(t *testing.T) {
	zip := []string{"1", "2", "3", "4", "1", "2", "3", "4", "5", "5"}
	city := []string{"a", "b", "b", "c", "a", "b", "b", "c", "d", "d"}
	state := []string{"X", "Y", "Y", "Y", "X", "Y", "Y", "Y", "X", "X"}
	konst := slices.Repeat([]string{"k"}, 10)
	key := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "8"}
	tests := []struct {
		name string
		cols []Column
		want []string
	}{
		{"chain", []Column{texts("zip", zip...), texts("city", city...), texts("state", state...)},
			[]string{"zip -> city", "zip -> state", "city -> state"}},
		{"constant target skipped", []Column{texts("city", city...), texts("k", konst...)}, nil},
		{"near key skipped", []Column{texts("key", key...), texts("city", city...)}, []string{"city -> key"}[:0]},
		{"free text skipped", []Column{texts("city", city...), {Name: "note", Kind: Text, Text: state}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := names(Mine(tc.cols, Options{}))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Mine = %q, want %q", got, tc.want)
			}
		})
	}
	r := Mine([]Column{texts("city", city...), texts("state", state...)}, Options{})[0]
	if !slices.Equal(r.Keys, []string{"a", "b", "c", "d"}) || !slices.Equal(r.Values, []string{"X", "Y", "Y", "X"}) {
		t.Errorf("mapping %q -> %q", r.Keys, r.Values)
	}
	if v, ok := r.Lookup("c"); !ok || v != "Y" {
		t.Errorf("Lookup(c) = %q, %v", v, ok)
	}
	if _, ok := r.Lookup("z"); ok {
		t.Error("Lookup(z) found a value")
	}
}

func TestMineSum(t *testing.T) {
	n := 30
	a := seq(n, func(i int) float64 { return float64(i) * 0.1 })
	b := seq(n, func(i int) float64 { return float64(i%7) * 0.7 })
	c := seq(n, func(i int) float64 { return a[i] + b[i] })
	zero := make([]float64, n)
	got := names(Mine([]Column{numbers("a", Number, a...), numbers("b", Number, b...), numbers("total", Number, c...)}, Options{}))
	if !slices.Contains(got, "total = a + b") {
		t.Errorf("Mine = %q, want total = a + b among them", got)
	}
	got = names(Mine([]Column{numbers("a", Number, a...), numbers("z", Number, zero...), numbers("c", Number, a...)}, Options{}))
	if slices.ContainsFunc(got, func(s string) bool { return s == "c = a + z" }) {
		t.Errorf("Mine = %q: a sum with an all-zero part", got)
	}
}

func TestViolations(t *testing.T) {
	cols := []Column{
		numbers("lo", Number, 1, 5, nan, 2),
		numbers("hi", Number, 2, 4, 3, 2),
		numbers("total", Number, 3, 9, 3, 5),
		texts("city", "a", "b", "z", ""),
		texts("state", "X", "X", "Y", "X"),
		texts("h1", "1", "0", "1", "0"),
		texts("h2", "0", "true", "1", "0"),
	}
	fd := Rule{Type: FD, Columns: []string{"city", "state"}, Keys: []string{"", "a", "b"}, Values: []string{"X", "X", "Y"}}
	tests := []struct {
		rule            Rule
		broken, checked int
	}{
		{Rule{Type: Order, Columns: []string{"lo", "hi"}}, 1, 3},
		{Rule{Type: Sum, Columns: []string{"total", "lo", "hi"}}, 1, 3},
		{fd, 1, 3},
		{Rule{Type: Positive, Columns: []string{"lo"}}, 0, 3},
		{Rule{Type: OneHot, Columns: []string{"h1", "h2"}}, 2, 4},
		{Rule{Type: Combinations, Columns: []string{"city", "state"}, Tuples: []string{"a", "X", "b", "X"}}, 2, 4},
		{Rule{Type: Order, Columns: []string{"lo", "missing"}}, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.rule.String(), func(t *testing.T) {
			b, c := tc.rule.Violations(cols)
			if b != tc.broken || c != tc.checked {
				t.Errorf("Violations = %d of %d, want %d of %d", b, c, tc.broken, tc.checked)
			}
		})
	}
	if r := (&Rule{Type: Order, Columns: []string{"lo", "missing"}}).Rate(cols); r != 1 {
		t.Errorf("Rate of an uncheckable rule = %v, want 1", r)
	}
}

func TestValidate(t *testing.T) {
	has := func(s string) bool { return s == "a" || s == "b" || s == "c" }
	tests := []struct {
		rule Rule
		ok   bool
	}{
		{Rule{Type: Order, Columns: []string{"a", "b"}}, true},
		{Rule{Type: Order, Columns: []string{"a"}}, false},
		{Rule{Type: Order, Columns: []string{"a", "x"}}, false},
		{Rule{Type: Order, Columns: []string{"a", "a"}}, false},
		{Rule{Type: "between", Columns: []string{"a", "b"}}, false},
		{Rule{Type: FD, Columns: []string{"a", "b"}}, false},
		{Rule{Type: FD, Columns: []string{"a", "b"}, Keys: []string{"2", "1"}, Values: []string{"x", "y"}}, false},
		{Rule{Type: FD, Columns: []string{"a", "b"}, Keys: []string{"1", "2"}, Values: []string{"x"}}, false},
		{Rule{Type: FD, Columns: []string{"a", "b"}, Keys: []string{"1", "2"}, Values: []string{"x", "y"}}, true},
		{Rule{Type: Combinations, Columns: []string{"a", "b"}, Tuples: []string{"1", "2", "3"}}, false},
		{Rule{Type: OneHot, Columns: []string{"a", "b", "c"}}, true},
		{Rule{Type: Positive, Columns: []string{"c"}}, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.rule), func(t *testing.T) {
			if err := tc.rule.Validate(has); (err == nil) != tc.ok {
				t.Errorf("Validate = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestMineBounds(t *testing.T) {
	n := 50
	var cols []Column
	for k := 0; k < 10; k++ {
		cols = append(cols, numbers(fmt.Sprint("c", k), Number, seq(n, func(i int) float64 { return float64(i + k) })...))
	}
	if got := Mine(cols, Options{MaxRules: 5}); len(got) != 5 {
		t.Errorf("MaxRules 5: %d rules", len(got))
	}
	if got := Mine(cols, Options{MaxColumns: 2}); len(got) != 1 {
		t.Errorf("MaxColumns 2: %q", names(got))
	}
}

func TestParseConstraints(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{`[{"inequality": ["temp_min", "temp_max"]}]`, []string{"temp_min <= temp_max"}, ""},
		{`[{"range": ["low", "mid", "high"]}, {"positive": "amount"}]`, []string{"low <= mid", "mid <= high", "amount > 0"}, ""},
		{`[{"one_hot": ["a", "b"]}, {"fixed_combinations": ["city", "state"]}]`, []string{"one_hot(a, b)", "combinations(city, state)"}, ""},
		{`[{"inequality": ["a", "b", "c"]}]`, nil, "range"},
		{`[{"between": ["a", "b"]}]`, nil, "unknown constraint"},
		{`[{"positive": "a", "one_hot": ["b", "c"]}]`, nil, "one key"},
		{`[{"one_hot": ["a"]}]`, nil, "at least 2"},
		{`{"inequality": ["a", "b"]}`, nil, "want a list"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			rs, err := ParseConstraints([]byte(tc.in))
			if testutil.CheckError(t, err, tc.err) {
				return
			}
			if got := names(rs); !slices.Equal(got, tc.want) {
				t.Errorf("rules %q, want %q", got, tc.want)
			}
			for _, r := range rs {
				if !r.Declared {
					t.Errorf("%s is not marked declared", r.String())
				}
			}
		})
	}
}
