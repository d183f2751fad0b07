//go:build ignore

// Command mkflights writes flights.csv.gz, the flights fixture of the
// golden tests: the delay and distance columns of every 48th row of
// /work/shared/data/flights-3m.parquet (rows with a null in either column
// are skipped), in file order. Run from the repository root:
//
//	go run ./vgm/testdata/mkflights.go [-every 48] [-o vgm/testdata/flights.csv.gz] [-src path/to/flights-3m.parquet]
//
// With -every 3 it writes the 1M-row sample used to time scikit-learn
// against Fit (not committed).
package main

import (
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

type row struct {
	Delay    *int64 `parquet:"delay,optional"`
	Distance *int64 `parquet:"distance,optional"`
}

func main() {
	src := flag.String("src", "/work/shared/data/flights-3m.parquet", "flights parquet file")
	dst := flag.String("o", "vgm/testdata/flights.csv.gz", "output gzipped CSV")
	every := flag.Int("every", 48, "keep every n-th row")
	flag.Parse()
	if err := run(*src, *dst, *every); err != nil {
		log.Fatal(err)
	}
}

func run(src, dst string, every int) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	r := parquet.NewGenericReader[row](f)
	defer r.Close()

	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(zw, "delay,distance\n"); err != nil {
		return err
	}
	buf := make([]row, 4096)
	var line []byte
	index, kept := 0, 0
	for {
		n, err := r.Read(buf)
		for _, rw := range buf[:n] {
			if index%every == 0 && rw.Delay != nil && rw.Distance != nil {
				line = strconv.AppendInt(line[:0], *rw.Delay, 10)
				line = append(line, ',')
				line = strconv.AppendInt(line, *rw.Distance, 10)
				line = append(line, '\n')
				if _, werr := zw.Write(line); werr != nil {
					return werr
				}
				kept++
			}
			index++
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Printf("read %d rows, wrote %d to %s\n", index, kept, dst)
	return nil
}
