package tableio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// openParquet opens a Parquet file for random access: local files directly,
// gs:// objects by ranged reads (the footer, then only the column chunks
// read), other remote files by reading them into memory.
func openParquet(ctx context.Context, p string) (*parquet.File, io.Closer, error) {
	var ra io.ReaderAt
	var size int64
	var closer io.Closer = io.NopCloser(nil)
	opts := []parquet.FileOption{parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true)}
	var g *gcsObject
	if isGCS(p) {
		var err error
		if g, err = openGCS(ctx, p); err != nil && !errors.Is(err, errTranscoded) {
			return nil, nil, err
		}
	}
	if isLocal(p) {
		f, err := os.Open(strings.TrimPrefix(p, "file://"))
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		ra, size, closer = f, st.Size(), f
	} else if g != nil {
		// Each column chunk is read through a buffer of this size, one
		// ranged request per refill, instead of parquet-go's 4 KiB default.
		ra, size, closer = g, g.Size(), g
		opts = append(opts, parquet.ReadBufferSize(256<<10), parquet.OptimisticRead(true))
	} else {
		data, err := readAllBytes(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	pf, err := parquet.OpenFile(ra, size, opts...)
	if err != nil {
		closer.Close()
		return nil, nil, fmt.Errorf("%s: not a readable Parquet file: %w", p, err)
	}
	for _, col := range pf.Schema().Columns() {
		if len(col) != 1 {
			closer.Close()
			return nil, nil, fmt.Errorf("%s: nested column %s is not supported (flatten the table first)", p, strings.Join(col, "."))
		}
	}
	return pf, closer, nil
}

func parquetRowGroups(ctx context.Context, p string) (int, error) {
	pf, c, err := openParquet(ctx, p)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return len(pf.RowGroups()), nil
}

func parquetColumns(ctx context.Context, p string) ([]string, error) {
	pf, c, err := openParquet(ctx, p)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var cols []string
	for _, col := range pf.Schema().Columns() {
		cols = append(cols, col[0])
	}
	return cols, nil
}

// readParquet streams the rows of row groups [sp.Start, sp.End) as text.
// offset is the row's index in the file.
func readParquet(ctx context.Context, sp Split, header []string, fn RowFunc) error {
	pf, c, err := openParquet(ctx, sp.Path)
	if err != nil {
		return err
	}
	defer c.Close()
	leaves := pf.Schema().Fields()
	if len(leaves) != len(header) {
		return fmt.Errorf("%s: has %d columns, the first file has %d", sp.Path, len(leaves), len(header))
	}
	for i, f := range leaves {
		if f.Name() != header[i] {
			return fmt.Errorf("%s: column %d is %q, the first file's is %q", sp.Path, i+1, f.Name(), header[i])
		}
	}
	texts := make([]func(parquet.Value) string, len(leaves))
	for i, f := range leaves {
		texts[i] = valueText(f)
	}
	groups := pf.RowGroups()
	var offset int64
	for g := 0; g < int(sp.Start) && g < len(groups); g++ {
		offset += groups[g].NumRows()
	}
	buf := make([]parquet.Row, 1024)
	for g := int(sp.Start); g < int(sp.End) && g < len(groups); g++ {
		rows := groups[g].Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				fields := make([]string, len(header))
				for _, v := range row {
					if ci := v.Column(); ci >= 0 && ci < len(fields) && !v.IsNull() {
						fields[ci] = texts[ci](v)
					}
				}
				if err := fn(offset, 0, fields); err != nil {
					rows.Close()
					return fmt.Errorf("%s: row %d: %w", sp.Path, offset+1, err)
				}
				offset++
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rows.Close()
				return fmt.Errorf("%s: row group %d: %w", sp.Path, g, err)
			}
		}
		rows.Close()
	}
	return nil
}

// valueText returns the function that writes a column's values as text the
// way a CSV export of the table would.
func valueText(f parquet.Field) func(parquet.Value) string {
	var lv format.LogicalTypeValue
	if lt := f.Type().LogicalType(); lt != nil {
		lv = lt.Value
	}
	switch t := lv.(type) {
	case *format.TimestampType:
		unit := t.Unit.Value
		return func(v parquet.Value) string {
			var tm time.Time
			switch unit.(type) {
			case *format.MilliSeconds:
				tm = time.UnixMilli(v.Int64())
			case *format.MicroSeconds:
				tm = time.UnixMicro(v.Int64())
			default:
				tm = time.Unix(0, v.Int64())
			}
			tm = tm.UTC()
			if tm.Nanosecond() == 0 {
				return tm.Format("2006-01-02 15:04:05")
			}
			return tm.Format("2006-01-02 15:04:05.999999999")
		}
	case *format.DateType:
		return func(v parquet.Value) string {
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01-02")
		}
	case *format.DecimalType:
		scale := int(t.Scale)
		return func(v parquet.Value) string {
			var unscaled float64
			switch v.Kind() {
			case parquet.Int32:
				unscaled = float64(v.Int32())
			case parquet.Int64:
				unscaled = float64(v.Int64())
			default:
				return v.String()
			}
			return strconv.FormatFloat(unscaled/math.Pow10(scale), 'f', scale, 64)
		}
	}
	switch f.Type().Kind() {
	case parquet.Boolean:
		return func(v parquet.Value) string { return strconv.FormatBool(v.Boolean()) }
	case parquet.Int32:
		return func(v parquet.Value) string { return strconv.FormatInt(int64(v.Int32()), 10) }
	case parquet.Int64:
		return func(v parquet.Value) string { return strconv.FormatInt(v.Int64(), 10) }
	case parquet.Float:
		return func(v parquet.Value) string { return floatText(float64(v.Float()), 32) }
	case parquet.Double:
		return func(v parquet.Value) string { return floatText(v.Double(), 64) }
	default:
		return func(v parquet.Value) string { return string(v.ByteArray()) }
	}
}

// floatText writes a float in plain notation where that is short, in
// e-notation for very large or small magnitudes.
func floatText(x float64, bits int) string {
	if a := math.Abs(x); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.FormatFloat(x, 'f', -1, bits)
	}
	return strconv.FormatFloat(x, 'g', -1, bits)
}
