package table

import (
	"fmt"
	"strings"
)

// Format is how a column's values are written, learned from the input so
// that synthetic values look like real ones.
type Format struct {
	// Decimals is the number of digits after the decimal point of a float,
	// or of the seconds of a datetime.
	Decimals int `json:"decimals,omitempty"`
	// Exponent means floats are written in e-notation.
	Exponent bool `json:"exponent,omitempty"`
	// MixedExponent means the input writes most numbers plainly and very
	// small or large ones in e-notation, as shortest-form printers do:
	// values below 1e-4 or from 1e16 up in magnitude are written with
	// ExponentDecimals digits after the mantissa's point, others plainly.
	MixedExponent    bool `json:"mixed_exponent,omitempty"`
	ExponentDecimals int  `json:"exponent_decimals,omitempty"`
	// Prefix and Suffix surround a number ("$", "%", " kg"); a minus sign
	// goes before the prefix unless SignAfterPrefix ("$-5").
	Prefix          string `json:"prefix,omitempty"`
	Suffix          string `json:"suffix,omitempty"`
	SignAfterPrefix bool   `json:"sign_after_prefix,omitempty"`
	// Thousands separates groups of three digits ("," in 1,234); empty for
	// none. DecimalMark is the decimal mark, empty for ".".
	Thousands   string `json:"thousands,omitempty"`
	DecimalMark string `json:"decimal_mark,omitempty"`
	// Width zero-pads a number's integer digits ("02134" has width 5).
	Width int `json:"width,omitempty"`
	// Layout is a datetime's Go time layout.
	Layout string `json:"layout,omitempty"`
	// Step is the resolution, in seconds, of a datetime whose values all
	// fall on whole minutes, hours or days of their local time though the
	// layout spells finer parts (hourly readings written "01:00:00"):
	// generated values fall on the same grid. Zero for none.
	Step int `json:"step,omitempty"`
	// ZoneOffset is the UTC offset, in seconds, datetimes are printed in;
	// ZoneName the zone's abbreviation, for layouts that print one.
	ZoneOffset int    `json:"zone_offset,omitempty"`
	ZoneName   string `json:"zone_name,omitempty"`
	// True and False are a boolean's spellings.
	True  string `json:"true,omitempty"`
	False string `json:"false,omitempty"`
	// Template is an ID's shape, one symbol per character: '#' a digit,
	// 'x' a lowercase hex digit, 'X' an uppercase hex digit, 'a' a
	// lowercase letter, 'A' an uppercase letter, '*' a letter or digit;
	// any other character is a literal, and '\' makes the next one literal.
	Template string `json:"template,omitempty"`
	// ExcludeLow and ExcludeHigh bound the range of template positions
	// (as mixed-radix numbers) the real IDs span; generated IDs avoid it
	// so that they never copy a real one. Both are zero when the template's
	// space is too large to need it.
	ExcludeLow  uint64 `json:"exclude_low,omitempty"`
	ExcludeHigh uint64 `json:"exclude_high,omitempty"`
}

// idClasses are the character classes of ID templates, narrowest first.
var idClasses = []struct {
	symbol byte
	chars  string
}{
	{'#', "0123456789"},
	{'x', "0123456789abcdef"},
	{'X', "0123456789ABCDEF"},
	{'a', "abcdefghijklmnopqrstuvwxyz"},
	{'A', "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
	{'*', "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
}

func classChars(symbol byte) string {
	for _, c := range idClasses {
		if c.symbol == symbol {
			return c.chars
		}
	}
	return ""
}

// idTemplate learns one template that every value fits, or returns an empty
// Format when the values differ in length or use other characters. A run of
// digits with any varying position is a number: all of its positions vary,
// so that "ORD-00042" gives "ORD-#####", not "ORD-000##".
func idTemplate(values []string) Format {
	n := len(values[0])
	for _, v := range values {
		if len(v) != n {
			return Format{}
		}
	}
	symbols := make([]byte, n) // 0 for a literal position
	digits := make([]bool, n)
	for i := 0; i < n; i++ {
		c0 := values[0][i]
		same, allDigits := true, true
		for _, v := range values {
			same = same && v[i] == c0
			allDigits = allDigits && v[i] >= '0' && v[i] <= '9'
		}
		digits[i] = allDigits
		if same {
			continue
		}
		for _, cl := range idClasses {
			ok := true
			for _, v := range values {
				if strings.IndexByte(cl.chars, v[i]) < 0 {
					ok = false
					break
				}
			}
			if ok {
				symbols[i] = cl.symbol
				break
			}
		}
		if symbols[i] == 0 {
			return Format{}
		}
	}
	for i := 0; i < n; {
		j := i
		for j < n && digits[j] {
			j++
		}
		if j == i {
			i++
			continue
		}
		varies := false
		for k := i; k < j; k++ {
			varies = varies || symbols[k] != 0
		}
		for k := i; k < j && varies; k++ {
			symbols[k] = '#'
		}
		i = j
	}
	var b strings.Builder
	variable := false
	for i := 0; i < n; i++ {
		if symbols[i] != 0 {
			b.WriteByte(symbols[i])
			variable = true
			continue
		}
		if c := values[0][i]; strings.IndexByte("#xXaA*\\", c) >= 0 {
			b.WriteByte('\\')
			b.WriteByte(c)
		} else {
			b.WriteByte(c)
		}
	}
	if !variable {
		return Format{}
	}
	return Format{Template: b.String()}
}

// idSlot is one position of a parsed template.
type idSlot struct {
	literal byte
	chars   string // empty for a literal
}

func parseTemplate(t string) ([]idSlot, error) {
	var slots []idSlot
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '\\' {
			if i+1 == len(t) {
				return nil, fmt.Errorf("id template %q ends in an escape", t)
			}
			i++
			slots = append(slots, idSlot{literal: t[i]})
			continue
		}
		if chars := classChars(c); chars != "" {
			slots = append(slots, idSlot{chars: chars})
		} else {
			slots = append(slots, idSlot{literal: c})
		}
	}
	return slots, nil
}

// idSpace is the number of distinct IDs a template can spell, saturating at
// 1<<62.
func idSpace(slots []idSlot) uint64 {
	const limit = 1 << 62
	s := uint64(1)
	for _, sl := range slots {
		if sl.chars == "" {
			continue
		}
		if s > limit/uint64(len(sl.chars)) {
			return limit
		}
		s *= uint64(len(sl.chars))
	}
	return s
}

// idValue is the mixed-radix number an ID spells under the template, with
// ok false when it does not fit.
func idValue(slots []idSlot, v string) (uint64, bool) {
	if len(v) != len(slots) {
		return 0, false
	}
	var x uint64
	for i, sl := range slots {
		if sl.chars == "" {
			continue
		}
		d := strings.IndexByte(sl.chars, v[i])
		if d < 0 {
			return 0, false
		}
		x = x*uint64(len(sl.chars)) + uint64(d)
	}
	return x, true
}

// appendID writes the ID whose mixed-radix value is x.
func appendID(dst []byte, slots []idSlot, x uint64) []byte {
	start := len(dst)
	for range slots {
		dst = append(dst, 0)
	}
	out := dst[start:]
	for i := len(slots) - 1; i >= 0; i-- {
		sl := slots[i]
		if sl.chars == "" {
			out[i] = sl.literal
			continue
		}
		r := uint64(len(sl.chars))
		out[i] = sl.chars[x%r]
		x /= r
	}
	return dst
}
