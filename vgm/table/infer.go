package table

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxCategoricalNumbers is the most distinct values a numeric column may have
// and still be treated as categorical (a code, a rating, a count of few
// values), provided they are few relative to the sample.
const MaxCategoricalNumbers = 10

// dateLayouts are the datetime layouts recognised, most specific first.
// Fractional seconds parse under any layout with seconds; inference adds
// them to the output layout where the values have them.
var dateLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02",
	"01/02/2006 15:04:05",
	"01/02/2006",
	"Jan 02 2006",
	"Jan 2 2006",
	"Jan 2, 2006",
	"02 Jan 2006",
	"2 Jan 2006",
}

// Inferred is what inference learns about one column from its values.
type Inferred struct {
	Kind   Kind
	Format Format
}

// Infer decides a column's kind and output format from its non-null sample
// values. An empty slice (an all-null column) is categorical with no
// categories: it generates nulls only.
func Infer(values []string) Inferred {
	if len(values) == 0 {
		return Inferred{Kind: Categorical}
	}
	if f, ok := inferBoolean(values); ok {
		return Inferred{Kind: Boolean, Format: f}
	}
	if f, ok := inferNumber(values); ok {
		kind := Float
		if f.Decimals == 0 && !f.Exponent && allIntegers(values) {
			kind = Integer
		}
		if fewDistinct(values) {
			kind = Categorical
		}
		return Inferred{Kind: kind, Format: f}
	}
	if f, ok := inferDatetime(values); ok {
		return Inferred{Kind: Datetime, Format: f}
	}
	if f, ok := inferID(values); ok {
		return Inferred{Kind: ID, Format: f}
	}
	return Inferred{Kind: Categorical}
}

// FormatFor returns the output format of values forced to kind k by a
// user's schema, and whether the values fit that kind at all. No values
// (an all-null column) fit any kind.
func FormatFor(k Kind, values []string) (Format, bool) {
	if len(values) == 0 {
		return Format{}, true
	}
	switch k {
	case Boolean:
		return inferBoolean(values)
	case Float:
		return inferNumber(values)
	case Integer:
		f, ok := inferNumber(values)
		return f, ok && allIntegers(values)
	case Datetime:
		return inferDatetime(values)
	case ID:
		f, ok := inferID(values)
		if !ok {
			f = idTemplate(values)
			ok = f.Template != ""
		}
		return f, ok
	}
	return Format{}, true
}

func inferBoolean(values []string) (Format, bool) {
	var f Format
	for _, v := range values {
		switch strings.ToLower(v) {
		case "true":
			if f.True != "" && f.True != v {
				return Format{}, false
			}
			f.True = v
		case "false":
			if f.False != "" && f.False != v {
				return Format{}, false
			}
			f.False = v
		default:
			return Format{}, false
		}
	}
	return f, true
}

// inferNumber accepts values that all parse as finite numbers and learns
// how many decimals to print.
func inferNumber(values []string) (Format, bool) {
	var f Format
	for _, v := range values {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || leadingZero(v) {
			return Format{}, false
		}
		if strings.ContainsAny(v, "eE") {
			f.Exponent = true
		}
		mant := v
		if i := strings.IndexAny(v, "eE"); i >= 0 {
			mant = v[:i]
		}
		if i := strings.IndexByte(mant, '.'); i >= 0 {
			f.Decimals = max(f.Decimals, len(mant)-i-1)
		}
	}
	f.Decimals = min(f.Decimals, 17)
	return f, true
}

// leadingZero reports a number written with a leading zero ("02134"): a
// code whose text matters, not a quantity.
func leadingZero(v string) bool {
	v = strings.TrimLeft(v, "+-")
	return len(v) > 1 && v[0] == '0' && v[1] >= '0' && v[1] <= '9'
}

func allIntegers(values []string) bool {
	for _, v := range values {
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return false
		}
	}
	return true
}

// fewDistinct reports whether a numeric column has so few distinct values
// that they are better reproduced as categories.
func fewDistinct(values []string) bool {
	seen := map[string]struct{}{}
	for _, v := range values {
		seen[v] = struct{}{}
		if len(seen) > MaxCategoricalNumbers {
			return false
		}
	}
	return len(values) >= 4*len(seen)
}

// inferDatetime finds one layout that parses every value.
func inferDatetime(values []string) (Format, bool) {
	if len(values) == 0 {
		return Format{}, false
	}
	for _, layout := range dateLayouts {
		if _, err := time.Parse(layout, values[0]); err != nil {
			continue
		}
		ok := true
		offsets := map[int]int{}
		for _, v := range values {
			t, err := time.Parse(layout, v)
			if err != nil {
				ok = false
				break
			}
			_, off := t.Zone()
			offsets[off]++
		}
		if !ok {
			continue
		}
		f := Format{Layout: layout}
		best := -1
		for off, n := range offsets {
			if n > best || (n == best && off < f.ZoneOffset) {
				f.ZoneOffset, best = off, n
			}
		}
		if d := fractionDigits(values); d > 0 && strings.Contains(layout, "05") {
			f.Decimals = d
			f.Layout = strings.Replace(layout, "05", "05."+strings.Repeat("0", d), 1)
		}
		return f, true
	}
	return Format{}, false
}

// fractionDigits is the most digits after the seconds' decimal point.
func fractionDigits(values []string) int {
	d := 0
	for _, v := range values {
		if i := strings.LastIndexByte(v, '.'); i >= 0 && i+1 < len(v) {
			n := 0
			for _, c := range v[i+1:] {
				if c < '0' || c > '9' {
					break
				}
				n++
			}
			d = max(d, n)
		}
	}
	return min(d, 9)
}

// inferID accepts text columns whose values are all distinct and share one
// shape (the same length, and at each position one kind of character).
func inferID(values []string) (Format, bool) {
	if len(values) < 20 {
		return Format{}, false
	}
	seen := make(map[string]struct{}, len(values))
	for _, v := range values {
		if _, dup := seen[v]; dup {
			return Format{}, false
		}
		seen[v] = struct{}{}
	}
	f := idTemplate(values)
	return f, f.Template != ""
}

// ParseValue converts a non-null text value of a numeric kind to the number
// the mixture models: the value itself, or seconds since the epoch for
// datetimes.
func ParseValue(k Kind, f Format, v string) (float64, error) {
	switch k {
	case Datetime:
		// Parsing accepts fractional seconds after the seconds whatever the
		// layout says, and needs them where the layout spells them out: a
		// column whose values only sometimes have them parses with the
		// layout written without.
		layout := f.Layout
		if f.Decimals > 0 {
			layout = strings.Replace(layout, "05."+strings.Repeat("0", f.Decimals), "05", 1)
		}
		t, err := time.Parse(layout, v)
		if err != nil {
			return 0, err
		}
		return float64(t.UnixNano()) / 1e9, nil
	default:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, err
		}
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return 0, &strconv.NumError{Func: "ParseFloat", Num: v, Err: strconv.ErrRange}
		}
		return x, nil
	}
}
