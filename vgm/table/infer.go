package table

import (
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
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
	"01/02/2006 15:04:05",
	"01/02/2006 15:04",
	"01/02/2006",
	time.RFC1123Z,
	time.RFC1123,
	"15:04:05",
	"15:04",
	"3:04:05 PM",
	"3:04 PM",
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

// InferOptions tell inference what it cannot know from the values alone.
type InferOptions struct {
	// DecimalMark is the numbers' decimal mark, '.' or ','; 0 detects it
	// from the values ("3,5" has a decimal comma, "1,234" a thousands one).
	DecimalMark byte
}

// Infer decides a column's kind and output format from its non-null sample
// values, detecting the decimal mark. An empty slice (an all-null column) is
// categorical with no categories: it generates nulls only.
func Infer(values []string) Inferred { return InferWith(values, InferOptions{}) }

// InferWith is Infer with options.
func InferWith(values []string, opt InferOptions) Inferred {
	if len(values) == 0 {
		return Inferred{Kind: Categorical}
	}
	if f, ok := inferBoolean(values, false); ok {
		return Inferred{Kind: Boolean, Format: f}
	}
	if f, ok := inferNumber(values, opt.DecimalMark); ok {
		kind := Float
		if f.Decimals == 0 && !f.Exponent && !f.MixedExponent && allIntegers(values, f) {
			kind = Integer
		}
		if fewDistinct(values) {
			kind = Categorical
		}
		if hasLetter(f.Prefix) && kind != Categorical {
			// "ORD00042": distinct values are an id's, not amounts.
			if idf, ok := inferID(values); ok {
				return Inferred{Kind: ID, Format: idf}
			}
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
	return formatFor(k, values, InferOptions{})
}

func formatFor(k Kind, values []string, opt InferOptions) (Format, bool) {
	if len(values) == 0 {
		return Format{}, true
	}
	switch k {
	case Boolean:
		return inferBoolean(values, true)
	case Float:
		return inferNumber(values, opt.DecimalMark)
	case Integer:
		f, ok := inferNumber(values, opt.DecimalMark)
		return f, ok && allIntegers(values, f)
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

// flagSpellings are the true/false pairs of boolean columns, matched
// case-insensitively; "1"/"0" only where a schema says boolean.
var flagSpellings = [][2]string{{"true", "false"}, {"yes", "no"}, {"y", "n"}, {"t", "f"}}

// inferBoolean accepts values spelling one true/false pair, each side
// always the same way ("Y"/"N", "yes"/"no", "T"/"F", "True"/"False").
// digits also accepts "1"/"0".
func inferBoolean(values []string, digits bool) (Format, bool) {
	pairs := flagSpellings
	if digits {
		pairs = append(pairs[:len(pairs):len(pairs)], [2]string{"1", "0"})
	}
	for _, pair := range pairs {
		var f Format
		ok := true
		for _, v := range values {
			switch {
			case strings.EqualFold(v, pair[0]) && (f.True == "" || f.True == v):
				f.True = v
			case strings.EqualFold(v, pair[1]) && (f.False == "" || f.False == v):
				f.False = v
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok {
			if f.True == "" {
				f.True = matchCase(pair[0], f.False)
			}
			if f.False == "" {
				f.False = matchCase(pair[1], f.True)
			}
			return f, true
		}
	}
	return Format{}, false
}

// matchCase spells word in the case of like: "Y" makes "N", "yes" "no".
func matchCase(word, like string) string {
	switch {
	case like == strings.ToUpper(like):
		return strings.ToUpper(word)
	case like[:1] == strings.ToUpper(like[:1]):
		return strings.ToUpper(word[:1]) + word[1:]
	}
	return word
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
		type zoneKey struct {
			name string
			off  int
		}
		ok := true
		zones := map[zoneKey]int{}
		for _, v := range values {
			t, err := time.Parse(layout, v)
			if err != nil {
				ok = false
				break
			}
			name, off := t.Zone()
			if !strings.Contains(layout, "MST") {
				name = ""
			}
			zones[zoneKey{name, off}]++
		}
		if !ok {
			continue
		}
		f := Format{Layout: layout}
		best := -1
		for z, n := range zones {
			if n > best || (n == best && (z.off < f.ZoneOffset || z.off == f.ZoneOffset && z.name < f.ZoneName)) {
				f.ZoneOffset, f.ZoneName, best = z.off, z.name, n
			}
		}
		if d := fractionDigits(values); d > 0 && strings.Contains(layout, "05") {
			f.Decimals = d
			f.Layout = strings.Replace(layout, "05", "05."+strings.Repeat("0", d), 1)
		}
		f.Step = datetimeStep(f, values)
		return f, true
	}
	return Format{}, false
}

// datetimeSteps are the resolutions a datetime column may keep, coarsest
// first, in seconds.
var datetimeSteps = []int64{86400, 3600, 1800, 900, 600, 300, 60}

// minStepValues is how many values it takes to trust a resolution: the
// chance that so many values of a finer column all fall on whole minutes
// is below 60⁻¹⁰.
const minStepValues = 10

// datetimeStep returns the coarsest of datetimeSteps on which every value
// falls in local time, finer than the layout's own resolution, or 0.
func datetimeStep(f Format, values []string) int {
	if f.Decimals > 0 || f.DateOnly() || len(values) < minStepValues {
		return 0
	}
	unit := int64(1) // what the layout spells: seconds or minutes
	if !strings.Contains(f.Layout, "05") {
		unit = 60
	}
	// The coarsest step dividing every local time is the coarsest step
	// dividing their greatest common divisor.
	g := int64(0)
	for _, v := range values {
		t, err := time.Parse(f.Layout, v)
		if err != nil {
			return 0
		}
		_, off := t.Zone()
		g = gcd(g, t.Unix()+int64(off))
		if g != 0 && g <= unit {
			return 0
		}
	}
	for _, step := range datetimeSteps {
		if step > unit && !(f.TimeOnly() && step >= 86400) && g%step == 0 {
			return int(step)
		}
	}
	return 0
}

// gcd is the greatest common divisor of |a| and |b|; gcd(0, b) = |b|.
func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// yearZero is the Unix time of 0000-01-01, the date time.Parse gives a
// time of day.
const yearZero = -62167219200

// timeOnly reports a layout of a time of day alone ("15:04:05"): every
// date layout spells a day, month or year with a 2 (2006, 02, 2, Jan 2).
func timeOnly(layout string) bool { return !strings.Contains(layout, "2") }

// dateOnly reports a layout of a date alone ("2006-01-02"): every time of
// day layout spells minutes, 04.
func dateOnly(layout string) bool { return !strings.Contains(layout, "04") }

// TimeOnly reports a datetime format of a time of day alone: its values
// are seconds since midnight.
func (f Format) TimeOnly() bool { return f.Layout != "" && timeOnly(f.Layout) }

// DateOnly reports a datetime format of a date alone: its values are whole
// days, in seconds since the epoch.
func (f Format) DateOnly() bool { return f.Layout != "" && dateOnly(f.Layout) }

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
		// Seconds and nanoseconds apart: UnixNano overflows outside the
		// years 1678 to 2262.
		sec := t.Unix()
		if timeOnly(f.Layout) {
			sec -= yearZero // a time of day: seconds since midnight
		}
		return float64(sec) + float64(t.Nanosecond())/1e9, nil
	default:
		return parseNumber(f, v)
	}
}
