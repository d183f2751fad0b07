package tableio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"
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
