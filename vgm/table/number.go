package table

import (
	"math"
	"strconv"
	"strings"
)

// A number's spelling beyond its digits, learned per column so that
// generated values read like real ones:
//
//	$1,234.50   Prefix "$", Thousands ","
//	12.5%       Suffix "%"
//	3,5         DecimalMark "," (a ';'-separated file, or --decimal ,)
//	1.234,56    DecimalMark ",", Thousands "."
//	02134       Width 5: zero-padded to five digits
//	-1.5e-07    Exponent; plain and exponent values mixed: MixedExponent
//
// Every value of a column must share the prefix, the suffix, the separators
// and (where one is zero-padded) the width, or the column is no number.

// maxAffix bounds a number's prefix and suffix in bytes ("USD ", " €").
const maxAffix = 4

// numParts is one value's number, cut into its spelling's parts.
type numParts struct {
	neg             bool
	signAfterPrefix bool // "$-5" rather than "-$5"
	prefix, suffix  string
	intDigits       string // without separators
	sep             byte   // thousands separator used, 0 for none
	frac            string // digits after the decimal mark
	mark            bool   // a decimal mark is written
	exp             string // "e-07", "" for none
}

// splitNumber cuts v into its parts with decimal mark dec ('.' or ','), or
// reports that v is no number of that spelling.
func splitNumber(v string, dec byte) (p numParts, ok bool) {
	i := 0
	sign := func() {
		if i < len(v) && (v[i] == '-' || v[i] == '+') {
			p.neg = v[i] == '-'
			i++
		}
	}
	sign()
	signed := i > 0
	start := i
	for i < len(v) && !isDigit(v[i]) && v[i] != '-' && v[i] != '+' && !(v[i] == dec && i+1 < len(v) && isDigit(v[i+1])) {
		i++
	}
	p.prefix = v[start:i]
	if len(p.prefix) > maxAffix || p.prefix == "e" || p.prefix == "E" {
		return p, false
	}
	if !signed {
		sign()
		p.signAfterPrefix = p.prefix != "" && i > start+len(p.prefix)
		if p.signAfterPrefix && hasLetter(p.prefix) {
			return p, false // "ORD-00042": an id's dash, not a sign
		}
	}
	// Integer digits, with thousands separators between groups of three.
	d0 := i
	var digits strings.Builder
	groupLen, groups := 0, 0
	for i < len(v) {
		c := v[i]
		if isDigit(c) {
			groupLen++
			i++
			continue
		}
		if c != dec && isSeparator(c) && i+1 < len(v) && isDigit(v[i+1]) && groupLen > 0 && (p.sep == 0 || p.sep == c) {
			if groups == 0 && groupLen > 3 || groups > 0 && groupLen != 3 {
				return p, false
			}
			p.sep = c
			groups++
			groupLen = 0
			i++
			continue
		}
		break
	}
	if groups > 0 && groupLen != 3 {
		return p, false
	}
	if p.sep != 0 {
		for _, c := range []byte(v[d0:i]) {
			if isDigit(c) {
				digits.WriteByte(c)
			}
		}
		p.intDigits = digits.String()
	} else {
		p.intDigits = v[d0:i]
	}
	if i < len(v) && v[i] == dec {
		p.mark = true
		i++
		f0 := i
		for i < len(v) && isDigit(v[i]) {
			i++
		}
		p.frac = v[f0:i]
	}
	if p.intDigits == "" && p.frac == "" {
		return p, false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') && p.sep == 0 {
		e0 := i
		i++
		if i < len(v) && (v[i] == '-' || v[i] == '+') {
			i++
		}
		x0 := i
		for i < len(v) && isDigit(v[i]) {
			i++
		}
		if i == x0 || i-x0 > 3 {
			return p, false
		}
		p.exp = v[e0:i]
	}
	p.suffix = v[i:]
	if len(p.suffix) > maxAffix || strings.IndexFunc(p.suffix, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 {
		return p, false
	}
	if strings.ContainsAny(p.prefix+p.suffix, "\"=") || strings.HasPrefix(p.suffix, ".") || strings.HasPrefix(p.suffix, ",") {
		return p, false
	}
	return p, true
}

// hasLetter reports an ASCII letter in s.
func hasLetter(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 128 && (r|0x20 >= 'a' && r|0x20 <= 'z') }) >= 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isSeparator reports the thousands separators recognised.
func isSeparator(c byte) bool { return c == ',' || c == '.' || c == ' ' || c == '\'' || c == '_' }

// float returns the number p spells.
func (p numParts) float() (float64, error) {
	var buf [64]byte
	b := buf[:0]
	if p.neg {
		b = append(b, '-')
	}
	b = append(b, p.intDigits...)
	if p.intDigits == "" {
		b = append(b, '0')
	}
	if p.frac != "" {
		b = append(b, '.')
		b = append(b, p.frac...)
	}
	b = append(b, p.exp...)
	x, err := strconv.ParseFloat(string(b), 64)
	if err == nil && !finite(x) {
		err = strconv.ErrRange
	}
	return x, err
}

// detectDecimalMark guesses a column's decimal mark: ',' where a value
// has a comma after its last dot ("1.234,5"), a comma not followed by
// exactly three digits ("3,5"), or more than one dot ("1.234.567"); '.'
// otherwise. "1,234" alone reads as a thousand and a bit, as in English.
func detectDecimalMark(values []string) byte {
	for _, v := range values {
		c, d := strings.LastIndexByte(v, ','), strings.LastIndexByte(v, '.')
		switch {
		case c >= 0 && d >= 0:
			if c > d {
				return ','
			}
			return '.'
		case c >= 0:
			n := 0
			for n+c+1 < len(v) && isDigit(v[c+1+n]) {
				n++
			}
			if n != 3 && n > 0 && c > 0 && isDigit(v[c-1]) {
				return ','
			}
		case d >= 0 && strings.Count(v, ".") > 1:
			return ','
		}
	}
	return '.'
}

// inferNumber accepts values that all spell finite numbers the same way
// and learns that spelling; dec is the decimal mark, 0 to detect it.
func inferNumber(values []string, dec byte) (Format, bool) {
	if dec == 0 {
		dec = detectDecimalMark(values)
	}
	var f Format
	if dec != '.' {
		f.DecimalMark = string(dec)
	}
	plain, exps := 0, 0
	width, padded, widthOK := -1, false, true
	for i, v := range values {
		p, ok := splitNumber(v, dec)
		if !ok {
			return Format{}, false
		}
		if _, err := p.float(); err != nil {
			return Format{}, false
		}
		if i == 0 {
			f.Prefix, f.Suffix, f.SignAfterPrefix = p.prefix, p.suffix, p.signAfterPrefix
		} else if p.prefix != f.Prefix || p.suffix != f.Suffix {
			return Format{}, false
		}
		if p.neg && p.prefix != "" {
			f.SignAfterPrefix = p.signAfterPrefix
		}
		if p.sep != 0 {
			if f.Thousands != "" && f.Thousands[0] != p.sep {
				return Format{}, false
			}
			f.Thousands = string(p.sep)
		}
		if p.exp != "" {
			exps++
			f.ExponentDecimals = max(f.ExponentDecimals, len(p.frac))
		} else {
			plain++
			f.Decimals = max(f.Decimals, len(p.frac))
		}
		n := len(p.intDigits)
		padded = padded || n > 1 && p.intDigits[0] == '0'
		if width < 0 {
			width = n
		} else if width != n {
			widthOK = false
		}
	}
	if padded {
		if !widthOK {
			return Format{}, false // "007" beside "42": a code, not a number
		}
		f.Width = width
	}
	switch {
	case exps > 0 && plain == 0:
		f.Exponent, f.Decimals, f.ExponentDecimals = true, f.ExponentDecimals, 0
	case exps > 0:
		f.MixedExponent = true
	}
	f.Decimals = min(f.Decimals, 17)
	f.ExponentDecimals = min(f.ExponentDecimals, 17)
	if f.Thousands == string(dec) {
		return Format{}, false
	}
	return f, true
}

// shaped reports a number spelling beyond plain digits, a point and
// decimals or an exponent: the fast formatting path handles the rest.
func (f *Format) shaped() bool {
	return f.Prefix != "" || f.Suffix != "" || f.Thousands != "" || f.DecimalMark != "" || f.Width > 0 || f.MixedExponent
}

// allIntegers reports whether every value spells a whole number in f.
func allIntegers(values []string, f Format) bool {
	dec := byte('.')
	if f.DecimalMark != "" {
		dec = f.DecimalMark[0]
	}
	for _, v := range values {
		p, ok := splitNumber(v, dec)
		if !ok || p.mark || p.exp != "" || len(p.intDigits) > 18 {
			return false
		}
	}
	return true
}

// parseNumber returns the number v spells in the column's format.
func parseNumber(f Format, v string) (float64, error) {
	if !f.shaped() {
		x, err := strconv.ParseFloat(v, 64)
		if err == nil && !finite(x) {
			err = &strconv.NumError{Func: "ParseFloat", Num: v, Err: strconv.ErrRange}
		}
		return x, err
	}
	dec := byte('.')
	if f.DecimalMark != "" {
		dec = f.DecimalMark[0]
	}
	p, ok := splitNumber(v, dec)
	if !ok || p.prefix != f.Prefix || p.suffix != f.Suffix {
		return 0, &strconv.NumError{Func: "parse", Num: v, Err: strconv.ErrSyntax}
	}
	return p.float()
}

// appendNumber writes v in the column's spelling, without allocating.
// integer means v is whole and is written without decimals.
func appendNumber(dst []byte, v float64, f Format, integer bool) []byte {
	var buf [40]byte
	a := math.Abs(v)
	exp := f.Exponent || f.MixedExponent && a != 0 && (a < 1e-4 || a >= 1e16)
	var num []byte
	switch {
	case exp:
		d := f.Decimals
		if f.MixedExponent {
			d = f.ExponentDecimals
		}
		num = strconv.AppendFloat(buf[:0], a, 'e', d, 64)
	case integer:
		num = strconv.AppendFloat(buf[:0], math.Round(a), 'f', 0, 64)
	default:
		num = appendFloat(buf[:0], a, Format{Decimals: f.Decimals})
	}
	neg := v < 0 && !allZero(num)
	if neg && !f.SignAfterPrefix {
		dst = append(dst, '-')
	}
	dst = append(dst, f.Prefix...)
	if neg && f.SignAfterPrefix {
		dst = append(dst, '-')
	}
	end := len(num)
	for i, c := range num {
		if c == '.' || c == 'e' {
			end = i
			break
		}
	}
	for n := end; n < f.Width; n++ {
		dst = append(dst, '0')
	}
	for i := 0; i < end; i++ {
		if f.Thousands != "" && i > 0 && (end-i)%3 == 0 {
			dst = append(dst, f.Thousands...)
		}
		dst = append(dst, num[i])
	}
	if end < len(num) && num[end] == '.' {
		if f.DecimalMark != "" {
			dst = append(dst, f.DecimalMark...)
		} else {
			dst = append(dst, '.')
		}
		end++
	}
	dst = append(dst, num[end:]...)
	return append(dst, f.Suffix...)
}

// allZero reports a number text with no nonzero digit ("0.00"), which is
// written without a minus sign.
func allZero(num []byte) bool {
	for _, c := range num {
		if c == 'e' {
			break
		}
		if c >= '1' && c <= '9' {
			return false
		}
	}
	return true
}
