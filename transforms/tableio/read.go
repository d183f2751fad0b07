// Package tableio reads tables from CSV and Parquet files in splits that
// workers can process independently, writes generated blocks of rows as
// CSV or Parquet, encoded rows as Parquet and decoded rows as (compressed)
// CSV, and reads and writes small files. It is plain Go on Beam's filesystem abstraction (local
// paths, gs://, ...); the Beam transforms in package transforms call it.
package tableio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// MaxFieldBytes is the longest field accepted in a CSV input.
const MaxFieldBytes = 1 << 20

// DefaultSplitBytes is the size of the pieces large uncompressed CSV files
// are read in, each by its own worker.
const DefaultSplitBytes = 64 << 20

// Split is a piece of one input file that one worker reads: a byte range of
// a CSV file, or a range of row groups of a Parquet file.
type Split struct {
	Path       string
	Parquet    bool
	Start, End int64
	// Name is Path relative to the common root of the input's files: it
	// keys the rows' sampling priorities, so that the same files fit to
	// the same model wherever the dataset is stored. Empty: the base name.
	Name string
	// Delimiter separates a CSV file's fields; 0 means ','.
	Delimiter byte
}

func (sp Split) delimiter() byte {
	if sp.Delimiter == 0 {
		return ','
	}
	return sp.Delimiter
}

// IsParquet reports whether a path names a Parquet file, by its extension.
func IsParquet(p string) bool {
	return strings.HasSuffix(strings.ToLower(p), ".parquet") || strings.HasSuffix(strings.ToLower(p), ".parq")
}

// Files expands a glob (or a plain path) into the files it matches, sorted.
func Files(ctx context.Context, glob string) ([]string, error) {
	if glob == "" {
		return nil, errors.New("no input given")
	}
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", glob, err)
	}
	defer fs.Close()
	files, err := List(ctx, fs, glob)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", glob, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("input %s: no such file (the pattern matches nothing)", glob)
	}
	var out []string
	for _, f := range files {
		if isLocal(f) {
			if err := checkLocalFile(f); err != nil {
				return nil, err
			}
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return out, nil
}

// checkLocalFile refuses, before any work starts, a local input that is
// not a readable regular file: a directory, a dangling link, a named pipe
// or device (whose reads could block for ever), or a file this process may
// not read.
func checkLocalFile(f string) error {
	name := strings.TrimPrefix(f, "file://")
	st, err := os.Stat(name)
	if err != nil {
		if lt, lerr := os.Lstat(name); lerr == nil && lt.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(name)
			return fmt.Errorf("input %s: is a symbolic link to %s, which cannot be read: %w", f, target, errors.Unwrap(err))
		}
		return fmt.Errorf("input %s: %w", f, err)
	}
	if st.IsDir() {
		return fmt.Errorf("input %s: is a directory (give a file or a glob such as %s)", f, path.Join(f, "*.csv"))
	}
	if !st.Mode().IsRegular() {
		what := "a special file"
		switch t := st.Mode().Type(); {
		case t&os.ModeNamedPipe != 0:
			what = "a named pipe"
		case t&os.ModeSocket != 0:
			what = "a socket"
		case t&os.ModeDevice != 0:
			what = "a device"
		}
		return fmt.Errorf("input %s: is %s, not a regular file: give a file", f, what)
	}
	r, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("input %s: cannot be read: %w", f, errors.Unwrap(err))
	}
	return r.Close()
}

func isLocal(p string) bool { return !strings.Contains(p, "://") || strings.HasPrefix(p, "file://") }

// Plan splits the input files into pieces of about splitBytes, names each
// file by its path below the files' common root (Split.Name) and detects
// each CSV file's delimiter.
func Plan(ctx context.Context, files []string, splitBytes int64) ([]Split, error) {
	if splitBytes <= 0 {
		splitBytes = DefaultSplitBytes
	}
	root := commonRoot(files)
	var splits []Split
	for _, f := range files {
		first := len(splits)
		if err := planFile(ctx, f, splitBytes, &splits); err != nil {
			return nil, err
		}
		var delim byte
		if !IsParquet(f) {
			d, err := sniffDelimiter(ctx, f)
			if err != nil {
				return nil, err
			}
			delim = d
		}
		for i := first; i < len(splits); i++ {
			splits[i].Name, splits[i].Delimiter = relName(root, f), delim
		}
	}
	return splits, nil
}

// planFile appends the splits of one file to splits.
func planFile(ctx context.Context, f string, splitBytes int64, splits *[]Split) error {
	if IsParquet(f) {
		groups, err := parquetRowGroups(ctx, f)
		if err != nil {
			return err
		}
		for g := 0; g < groups; g++ {
			*splits = append(*splits, Split{Path: f, Parquet: true, Start: int64(g), End: int64(g + 1)})
		}
		if groups == 0 {
			*splits = append(*splits, Split{Path: f, Parquet: true})
		}
		return nil
	}
	size, err := fileSize(ctx, f)
	if err != nil {
		return err
	}
	whole := compressed(f) || size <= splitBytes
	if !whole {
		// A quoted field spanning lines cannot be found from a byte range.
		if whole, err = hasQuotedNewline(ctx, f); err != nil {
			return err
		}
	}
	if whole {
		*splits = append(*splits, Split{Path: f, Start: 0, End: -1})
		return nil
	}
	for s := int64(0); s < size; s += splitBytes {
		*splits = append(*splits, Split{Path: f, Start: s, End: min(s+splitBytes, size)})
	}
	return nil
}

func compressed(p string) bool { return strings.HasSuffix(strings.ToLower(p), ".gz") }

func fileSize(ctx context.Context, p string) (int64, error) {
	fs, err := filesystem.New(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", p, err)
	}
	defer fs.Close()
	n, err := fs.Size(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", p, err)
	}
	return n, nil
}

// hasQuotedNewline reports whether the first few MiB of a CSV file have a
// quoted field spanning lines; such files are not split by byte range.
func hasQuotedNewline(ctx context.Context, p string) (bool, error) {
	rc, err := openRead(ctx, p, 0)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	buf, err := io.ReadAll(io.LimitReader(rc, 4<<20))
	if err != nil {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	inQuote := false
	for _, c := range buf {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n' && inQuote:
			return true, nil
		}
	}
	return false, nil
}

// openRead opens a file for reading from byte offset start.
func openRead(ctx context.Context, p string, start int64) (io.ReadCloser, error) {
	if isLocal(p) {
		f, err := os.Open(strings.TrimPrefix(p, "file://"))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if _, err := f.Seek(start, io.SeekStart); err != nil {
			f.Close()
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		return f, nil
	}
	if isGCS(p) {
		g, err := openGCS(ctx, p)
		if err == nil {
			rc, err := g.readFrom(start) // a ranged read: no bytes before start are fetched
			if err != nil {
				g.Close()
			}
			return rc, err
		}
		if !errors.Is(err, errTranscoded) {
			return nil, err
		}
		// A gzip-encoded object is served decompressed: read it as a stream.
	}
	fs, err := filesystem.New(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	rc, err := fs.OpenRead(ctx, p)
	if err != nil {
		fs.Close()
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if _, err := io.CopyN(io.Discard, rc, start); err != nil {
		rc.Close()
		fs.Close()
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return closeBoth{rc, fs}, nil
}

type closeBoth struct {
	io.ReadCloser
	fs filesystem.Interface
}

func (c closeBoth) Close() error {
	err := c.ReadCloser.Close()
	c.fs.Close()
	return err
}

// Header reads a file's column names and checks them: present, non-empty
// and distinct. A CSV file's delimiter is detected (DetectDelimiter).
func Header(ctx context.Context, p string) ([]string, error) {
	cols, _, err := ReadHeader(ctx, p, 0)
	return cols, err
}

// ReadHeader is Header with a CSV file's delimiter given (0: detect it);
// it returns the delimiter used.
func ReadHeader(ctx context.Context, p string, delim byte) ([]string, byte, error) {
	var cols []string
	if IsParquet(p) {
		var err error
		if cols, err = parquetColumns(ctx, p); err != nil {
			return nil, 0, err
		}
	} else {
		if delim == 0 {
			var err error
			if delim, err = sniffDelimiter(ctx, p); err != nil {
				return nil, 0, err
			}
		}
		rc, err := openCSV(ctx, p, 0)
		if err != nil {
			return nil, 0, err
		}
		defer rc.Close()
		r := newCSVReader(rc, delim)
		cols, err = r.Read()
		if err == io.EOF {
			return nil, 0, fmt.Errorf("%s: the file is empty (want a header row and data rows)", p)
		}
		if err != nil {
			return nil, 0, csvError(p, 0, err)
		}
		if len(cols) > 0 {
			cols[0] = strings.TrimPrefix(cols[0], "\ufeff")
		}
		for i, c := range cols {
			if err := checkField(c); err != nil {
				return nil, 0, fmt.Errorf("%s:1: header column %d: %w", p, i+1, err)
			}
		}
	}
	if len(cols) > table.MaxColumns {
		return nil, 0, fmt.Errorf("%s:1: the header has %d columns, more than the %d a model may hold (select the columns you need first)", p, len(cols), table.MaxColumns)
	}
	seen := map[string]int{}
	for i, c := range cols {
		if strings.TrimSpace(c) == "" {
			return nil, 0, fmt.Errorf("%s:1: column %d has an empty name", p, i+1)
		}
		if j, dup := seen[c]; dup {
			return nil, 0, fmt.Errorf("%s:1: column name %q appears twice (columns %d and %d)", p, c, j+1, i+1)
		}
		seen[c] = i
	}
	return cols, delim, nil
}

func openCSV(ctx context.Context, p string, start int64) (io.ReadCloser, error) {
	rc, err := openRead(ctx, p, start)
	if err != nil {
		return nil, err
	}
	if !compressed(p) {
		return rc, nil
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(rc, 1<<20))
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, rc}, nil
}

func newCSVReader(r io.Reader, delim byte) *csv.Reader {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<20))
	cr.FieldsPerRecord = -1
	cr.Comma = rune(delim)
	return cr
}

// checkField refuses text no table should hold.
func checkField(v string) error {
	if len(v) > MaxFieldBytes {
		return fmt.Errorf("field is %d bytes long, more than the %d allowed", len(v), MaxFieldBytes)
	}
	if strings.IndexByte(v, 0) >= 0 {
		return errNUL
	}
	if !utf8.ValidString(v) {
		return errUTF8
	}
	return nil
}

// csvError words a CSV parse error with the file, and the line where it is
// known (lineBase is the number of lines before the reader's start, or -1
// when unknown).
func csvError(p string, lineBase int64, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if lineBase < 0 {
			return fmt.Errorf("%s: %v", p, pe.Err)
		}
		if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line {
			return fmt.Errorf("%s:%d: a quoted field starting on this line is not closed properly (%v, found at line %d, column %d)", p, lineBase+int64(pe.StartLine), pe.Err, lineBase+int64(pe.Line), pe.Column)
		}
		return fmt.Errorf("%s:%d:%d: %v", p, lineBase+int64(pe.Line), pe.Column, pe.Err)
	}
	return fmt.Errorf("read %s: %w", p, err)
}

// HasRows reports whether a file holds at least one data row.
func HasRows(ctx context.Context, p string) (bool, error) {
	if IsParquet(p) {
		pf, c, err := openParquet(ctx, p)
		if err != nil {
			return false, err
		}
		defer c.Close()
		return pf.NumRows() > 0, nil
	}
	delim, err := sniffDelimiter(ctx, p)
	if err != nil {
		return false, err
	}
	rc, err := openCSV(ctx, p, 0)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	r := newCSVReader(rc, delim)
	for i := 0; i < 2; i++ {
		if _, err := r.Read(); err == io.EOF {
			return false, nil
		} else if err != nil {
			return false, csvError(p, 0, err)
		}
	}
	return true, nil
}

// readAllBytes reads a whole (remote) file into memory.
func readAllBytes(ctx context.Context, p string) ([]byte, error) {
	rc, err := openRead(ctx, p, 0)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, rc); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return buf.Bytes(), nil
}
