package tableio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// Delimiters are the field delimiters DetectDelimiter chooses from, in
// order of preference.
var Delimiters = []byte{',', ';', '\t', '|'}

// sniffBytes is how much of a file DetectDelimiter looks at.
const sniffBytes = 64 << 10

// sniffLines is how many lines (the header and the first rows) it weighs.
const sniffLines = 50

// DetectDelimiter guesses a CSV text's field delimiter from its first
// lines: the candidate (Delimiters) that splits the header into more than
// one field and every following complete line into as many, the one with
// the most fields winning, earlier candidates breaking ties. Delimiters
// inside quotes do not count. Where none fits, ','.
func DetectDelimiter(head []byte) byte {
	lines := sniffSplit(head)
	best, bestFields := byte(','), 1
	for _, d := range Delimiters {
		want := -1
		ok := len(lines) > 0
		for _, l := range lines {
			n := countFields(l, d)
			if want < 0 {
				want = n
			} else if n != want {
				ok = false
				break
			}
		}
		if ok && want > bestFields {
			best, bestFields = d, want
		}
	}
	return best
}

// sniffSplit returns the complete lines of head (records, with quoted line
// ends kept inside), at most sniffLines, blank ones left out.
func sniffSplit(head []byte) [][]byte {
	var lines [][]byte
	inQuote, start := false, 0
	for i, c := range head {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n' && !inQuote:
			l := bytes.TrimSuffix(head[start:i], []byte{'\r'})
			if len(l) > 0 {
				lines = append(lines, l)
			}
			start = i + 1
			if len(lines) == sniffLines {
				return lines
			}
		}
	}
	if len(lines) == 0 && start < len(head) && !inQuote {
		lines = append(lines, head[start:]) // a header without a line end
	}
	return lines
}

// countFields counts the fields of one record split on d, outside quotes.
func countFields(line []byte, d byte) int {
	n, inQuote := 1, false
	for _, c := range line {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == d && !inQuote:
			n++
		}
	}
	return n
}

// ParseDelimiter reads a --delimiter value: one of , ; | or a tab, spelt
// as the character or by name (comma, semicolon, tab, pipe, \t).
func ParseDelimiter(s string) (byte, error) {
	switch strings.ToLower(s) {
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "\t", `\t`, "tab", "tsv":
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	}
	return 0, fmt.Errorf("unknown delimiter %q (want ',', ';', '|' or tab)", s)
}

// DelimiterName spells a delimiter the way --delimiter takes it.
func DelimiterName(d byte) string {
	if d == '\t' {
		return "tab"
	}
	return string(d)
}

// sniffDelimiter reads the start of a CSV file and guesses its delimiter.
func sniffDelimiter(ctx context.Context, p string) (byte, error) {
	rc, err := openCSV(ctx, p, 0)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	head, err := io.ReadAll(io.LimitReader(rc, sniffBytes))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", p, err)
	}
	d := DetectDelimiter(head)
	lines := sniffSplit(head)
	if len(lines) > 0 && countFields(lines[0], d) == 1 {
		if o, n := otherDelimiter(lines); o != 0 {
			return 0, fmt.Errorf("%s:1: the header reads as one column, yet %q splits each of the first %d lines into %d fields: is %q the delimiter? vgmsynth reads fields delimited by ',' ';' tab or '|' (--delimiter); convert the file to one of those", p, o, len(lines), n, o)
		}
	}
	return d, nil
}

// otherDelimiters are field delimiters seen in the wild that vgmsynth does
// not read; characters that also sit inside values of one column ('.',
// '-', '/', a space) are left out, so that a one-column table is never
// refused for them.
var otherDelimiters = []byte{':', '#', '~', '^', '!', '*', '=', '&', '@', 0x01, 0x1e, 0x1f}

// otherDelimiter looks for one of otherDelimiters that splits every line
// (at least two) into as many fields, more than one: the mark of a file
// delimited by something vgmsynth does not read. It returns the character
// splitting into the most fields, or 0.
func otherDelimiter(lines [][]byte) (byte, int) {
	if len(lines) < 2 {
		return 0, 0
	}
	best, bestFields := byte(0), 1
	for _, c := range otherDelimiters {
		want := countFields(lines[0], c)
		for _, l := range lines[1:] {
			if countFields(l, c) != want {
				want = 0
				break
			}
		}
		if want > bestFields {
			best, bestFields = c, want
		}
	}
	return best, bestFields
}

// delimiterHint words, for a record whose field count differs from the
// header's, which other delimiter would make them agree.
func delimiterHint(delim byte, header []string, record []byte) string {
	rawHeader := strings.Join(header, string(delim))
	for _, d := range Delimiters {
		if d == delim {
			continue
		}
		h := countFields([]byte(rawHeader), d)
		if h > 1 && h == countFields(record, d) {
			return fmt.Sprintf(": is the delimiter '%s'? pass --delimiter '%s'", DelimiterName(d), DelimiterName(d))
		}
	}
	return fmt.Sprintf(" (the delimiter is '%s'; if that is wrong, pass --delimiter)", DelimiterName(delim))
}
