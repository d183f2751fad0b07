package tableio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The CSV reader splits records and fields on its byte buffer (RFC 4180:
// quoted fields with doubled quotes, quoted newlines, CRLF line ends, blank
// lines skipped) and copies the fields into a Block, without a string per
// field. Records it does not take on itself -- a malformed quote, a quoted
// CR, a record longer than its buffer -- hand the rest of the split to
// encoding/csv, whose messages (file:line:column) name the fault.

var (
	errNUL  = errors.New("field holds a NUL byte (is this a binary file?)")
	errUTF8 = errors.New("field is not valid UTF-8 (convert the file to UTF-8)")
)

const (
	csvBufBytes = 1 << 20  // the scanner's buffer to start with
	csvMaxBytes = 16 << 20 // records longer than this go to encoding/csv
)

// csvScanner yields the records of a CSV stream.
type csvScanner struct {
	r     io.Reader
	delim byte
	buf   []byte // buf[lo:hi] is read and not yet parsed
	lo    int
	hi    int
	base  int64 // file offset of buf[0]
	eof   bool
	line  int64 // line number of buf[lo]; 0 when unknown

	fields [][]byte // the current record's fields
	unq    []byte   // unescaped quoted fields
	raw    []byte   // the current record's text (for messages)

	slow     *csv.Reader // set once encoding/csv has taken over
	slowBase int64       // file offset where slow's input starts
	slowLine int64       // lines before slow's input, -1 if unknown
}

func newCSVScanner(r io.Reader, delim byte, start, line int64) *csvScanner {
	return &csvScanner{r: r, delim: delim, buf: make([]byte, csvBufBytes), base: start, line: line}
}

// errMore says a record runs past the buffer's end.
var errMore = errors.New("need more input")

// errHandOver says the fast path does not take a record on.
var errHandOver = errors.New("hand over to encoding/csv")

// next reads the next record into s.fields; off and line say where it
// starts. It returns io.EOF after the last record.
func (s *csvScanner) next() (off, line int64, err error) {
	if s.slow != nil {
		return s.nextSlow()
	}
	for {
		if s.lo >= s.hi && s.eof {
			return 0, 0, io.EOF
		}
		off, line = s.base+int64(s.lo), s.line
		n, lines, err := s.parse(s.buf[s.lo:s.hi])
		switch err {
		case nil:
			s.raw = s.buf[s.lo : s.lo+n]
			s.lo += n
			if s.line > 0 {
				s.line += lines
			}
			if len(s.fields) == 0 {
				continue // a blank line
			}
			return off, line, nil
		case errMore:
			if ferr := s.fill(); ferr == errHandOver {
				s.handOver()
				return s.nextSlow()
			} else if ferr != nil {
				return 0, 0, ferr
			}
		default:
			s.handOver()
			return s.nextSlow()
		}
	}
}

// fill moves the unparsed bytes to the buffer's start and reads more,
// growing the buffer when one record fills it.
func (s *csvScanner) fill() error {
	if s.lo > 0 {
		copy(s.buf, s.buf[s.lo:s.hi])
		s.base += int64(s.lo)
		s.hi -= s.lo
		s.lo = 0
	}
	if s.hi == len(s.buf) {
		if len(s.buf) >= csvMaxBytes {
			return errHandOver
		}
		s.buf = slices.Grow(s.buf[:s.hi], len(s.buf))[:2*len(s.buf)]
	}
	for !s.eof {
		n, err := s.r.Read(s.buf[s.hi:])
		s.hi += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			return err
		}
		if n > 0 {
			break
		}
	}
	return nil
}

// handOver gives the rest of the stream, from the current record on, to
// encoding/csv.
func (s *csvScanner) handOver() {
	rest := io.MultiReader(bytes.NewReader(slices.Clone(s.buf[s.lo:s.hi])), s.r)
	s.slow = csv.NewReader(bufio.NewReaderSize(rest, 1<<20))
	s.slow.FieldsPerRecord = -1
	s.slow.Comma = rune(s.delim)
	s.slowBase = s.base + int64(s.lo)
	s.slowLine = s.line - 1
	if s.line == 0 {
		s.slowLine = -1
	}
}

func (s *csvScanner) nextSlow() (off, line int64, err error) {
	off = s.slowBase + s.slow.InputOffset()
	rec, err := s.slow.Read()
	if err != nil {
		return 0, 0, err
	}
	if s.slowLine >= 0 && len(rec) > 0 {
		l, _ := s.slow.FieldPos(0)
		line = int64(l) + s.slowLine
	}
	s.fields, s.unq = s.fields[:0], s.unq[:0]
	for _, v := range rec {
		s.fields = append(s.fields, []byte(v))
	}
	s.raw = []byte(strings.Join(rec, string(s.delim)))
	return off, line, nil
}

// parse splits the record at the start of b into s.fields and returns its
// length in bytes (with its line end) and the lines it spans. A blank line
// gives no fields. errMore: b ends inside the record; errHandOver: the
// record is for encoding/csv.
func (s *csvScanner) parse(b []byte) (n int, lines int64, err error) {
	s.fields, s.unq = s.fields[:0], s.unq[:0]
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 && !s.eof {
		return 0, 0, errMore
	}
	end, next := nl, nl+1
	if nl < 0 {
		end, next = len(b), len(b)
	}
	line := b[:end]
	if q := bytes.IndexByte(line, '"'); q >= 0 {
		return s.parseQuoted(b)
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) == 0 {
		return next, 1, nil
	}
	d := s.delim
	start := 0
	for i, c := range line {
		if c == d {
			s.fields = append(s.fields, line[start:i])
			start = i + 1
		}
	}
	s.fields = append(s.fields, line[start:])
	return next, 1, nil
}

// parseQuoted is parse for a record with a quote in its first line.
func (s *csvScanner) parseQuoted(b []byte) (n int, lines int64, err error) {
	d := s.delim
	i := 0
	lines = 1
	for {
		if i < len(b) && b[i] == '"' {
			i++
			start := i
			escaped := false
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					if s.eof {
						return 0, 0, errHandOver // not closed
					}
					return 0, 0, errMore
				}
				seg := b[i : i+j]
				if bytes.IndexByte(seg, '\r') >= 0 {
					return 0, 0, errHandOver
				}
				lines += int64(bytes.Count(seg, []byte{'\n'}))
				i += j + 1
				if i == len(b) && !s.eof {
					return 0, 0, errMore
				}
				if i < len(b) && b[i] == '"' {
					escaped = true
					i++
					continue
				}
				break
			}
			v := b[start : i-1]
			if escaped {
				from := len(s.unq)
				for k := 0; k < len(v); k++ {
					s.unq = append(s.unq, v[k])
					if v[k] == '"' {
						k++ // the doubled quote
					}
				}
				v = s.unq[from:]
			}
			s.fields = append(s.fields, v)
			switch {
			case i == len(b):
				return i, lines, nil // s.eof
			case b[i] == d:
				i++
				continue
			case b[i] == '\n':
				return i + 1, lines, nil
			case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
				return i + 2, lines, nil
			case b[i] == '\r' && i+1 == len(b) && !s.eof:
				return 0, 0, errMore
			default:
				return 0, 0, errHandOver // text after a closing quote
			}
		}
		// An unquoted field: up to the delimiter or the line's end.
		start := i
		for i < len(b) && b[i] != d && b[i] != '\n' {
			if b[i] == '"' {
				return 0, 0, errHandOver // a bare quote
			}
			i++
		}
		if i == len(b) && !s.eof {
			return 0, 0, errMore
		}
		v := b[start:i]
		if i == len(b) || b[i] == '\n' {
			if len(v) > 0 && v[len(v)-1] == '\r' {
				v = v[:len(v)-1]
			}
			s.fields = append(s.fields, v)
			if i < len(b) {
				i++
			}
			return i, lines, nil
		}
		s.fields = append(s.fields, v)
		i++ // the delimiter
	}
}

// readCSVBlocks reads a CSV split: from the first line that starts at or
// after sp.Start to the last record that starts before sp.End.
func readCSVBlocks(ctx context.Context, sp Split, header []string, fn BlockFunc) error {
	begin := sp.Start
	if begin > 0 {
		begin-- // start on the byte before, to see whether sp.Start begins a line
	}
	rc, err := openCSV(ctx, sp.Path, begin)
	if err != nil {
		return err
	}
	defer rc.Close()
	delim := sp.delimiter()
	var sc *csvScanner
	if sp.Start > 0 {
		br := bufio.NewReaderSize(rc, 1<<16)
		pos := begin
		skipped, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			pos += int64(len(skipped))
			skipped, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", sp.Path, err)
		}
		pos += int64(len(skipped))
		sc = newCSVScanner(br, delim, pos, 0)
	} else {
		sc = newCSVScanner(rc, delim, 0, 1)
		if _, _, err := sc.next(); err != nil {
			if err == io.EOF {
				return fmt.Errorf("%s: the file is empty (want a header row and data rows)", sp.Path)
			}
			return csvError(sp.Path, 0, err)
		}
		got := make([]string, len(sc.fields))
		for i, f := range sc.fields {
			got[i] = string(f)
		}
		if len(got) > 0 {
			got[0] = strings.TrimPrefix(got[0], "\ufeff")
		}
		if !slices.Equal(got, header) {
			return fmt.Errorf("%s:1: header %q differs from the first file's %q", sp.Path, got, header)
		}
	}
	var b Block
	b.reset(sp, len(header))
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		if err := checkBlockText(&b, 0, header); err != nil {
			return err
		}
		if err := fn(&b); err != nil {
			return err
		}
		b.reset(sp, len(header))
		return ctx.Err()
	}
	bytesInBlock := 0
	for {
		off, line, err := sc.next()
		if err == io.EOF || (err == nil && sp.End >= 0 && off >= sp.End) {
			return flush()
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			lineBase := sc.slowLine
			if sc.slow == nil {
				lineBase = sc.line - 1
			}
			return csvError(sp.Path, lineBase, err)
		}
		if len(sc.fields) != len(header) {
			if len(sc.fields) == 1 && len(sc.fields[0]) == 0 {
				continue // a line holding only "" in a table of many columns
			}
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return fmt.Errorf("%s: has %d fields, the header has %d%s", where(sp.Path, line, off), len(sc.fields), len(header), delimiterHint(delim, header, sc.raw))
		}
		for j, v := range sc.fields {
			if len(v) > MaxFieldBytes {
				if ferr := flush(); ferr != nil {
					return ferr
				}
				return fmt.Errorf("%s: column %q: field is %d bytes long, more than the %d allowed", where(sp.Path, line, off), header[j], len(v), MaxFieldBytes)
			}
			addValue(&b.Cols[j], v)
			bytesInBlock += len(v)
		}
		b.Offsets = append(b.Offsets, off)
		b.Lines = append(b.Lines, line)
		if b.Len() >= BlockRows || bytesInBlock >= maxBlockBytes {
			if err := flush(); err != nil {
				return err
			}
			bytesInBlock = 0
		}
	}
}
