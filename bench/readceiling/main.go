// Command readceiling measures what the machine can read without Beam: it
// reads CSV files in byte ranges on plain goroutines (one per core by
// default), splits every line into fields and parses every field that
// looks like a number (strconv.ParseFloat), and prints rows/s.
// bench/read.sh runs it beside `vgmsynth fit` and reports the ratio.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

func main() {
	workers := flag.Int("workers", runtime.NumCPU(), "goroutines")
	splitBytes := flag.Int64("split", 64<<20, "bytes per range")
	delim := flag.String("delimiter", ",", "field delimiter")
	flag.Parse()
	if flag.NArg() == 0 || len(*delim) != 1 {
		fmt.Fprintln(os.Stderr, "usage: readceiling [--workers N] [--delimiter C] FILE.csv...")
		os.Exit(2)
	}
	start := time.Now()
	rows, sum, err := run(flag.Args(), *workers, *splitBytes, (*delim)[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "readceiling:", err)
		os.Exit(1)
	}
	el := time.Since(start)
	fmt.Printf("rows %d wall %.3f s rows/s %.0f (checksum %g)\n", rows, el.Seconds(), float64(rows)/el.Seconds(), sum)
}

type span struct {
	path       string
	start, end int64
}

func run(files []string, workers int, splitBytes int64, delim byte) (int64, float64, error) {
	var spans []span
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return 0, 0, err
		}
		for s := int64(0); s < st.Size(); s += splitBytes {
			spans = append(spans, span{f, s, min(s+splitBytes, st.Size())})
		}
	}
	var next, rows atomic.Int64
	sums := make([]float64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(spans)) || errs[w] != nil {
					return
				}
				n, s, err := readSpan(spans[i], delim)
				rows.Add(n)
				sums[w] += s
				errs[w] = err
			}
		}()
	}
	wg.Wait()
	total := 0.0
	for w := range workers {
		if errs[w] != nil {
			return 0, 0, errs[w]
		}
		total += sums[w]
	}
	return rows.Load(), total, nil
}

// readSpan reads the lines that start in [sp.start, sp.end), the header
// excluded, and returns their count and the sum of their numbers.
func readSpan(sp span, delim byte) (int64, float64, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	begin := max(sp.start-1, 0)
	if _, err := f.Seek(begin, io.SeekStart); err != nil {
		return 0, 0, err
	}
	buf := make([]byte, 1<<20)
	lo, hi, pos := 0, 0, begin // buf[lo:hi] unparsed; pos = file offset of buf[lo]
	eof, first := false, true
	var rows int64
	var sum float64
	for {
		nl := bytes.IndexByte(buf[lo:hi], '\n')
		if nl < 0 {
			if eof {
				return rows, sum, nil
			}
			copy(buf, buf[lo:hi])
			hi -= lo
			lo = 0
			if hi == len(buf) {
				buf = append(buf, make([]byte, len(buf))...)
			}
			n, err := f.Read(buf[hi:])
			hi += n
			if err == io.EOF {
				eof = true
				if hi > lo && buf[hi-1] != '\n' {
					buf = append(buf[:hi], '\n')
					hi++
				}
			} else if err != nil {
				return 0, 0, err
			}
			continue
		}
		line := buf[lo : lo+nl]
		at := pos
		lo += nl + 1
		pos += int64(nl + 1)
		if first { // the header, or the line that starts before the range
			first = false
			continue
		}
		if at >= sp.end {
			return rows, sum, nil
		}
		rows++
		s := 0
		for i := 0; i <= len(line); i++ {
			if i < len(line) && line[i] != delim {
				continue
			}
			if field := line[s:i]; len(field) > 0 && (field[0] == '-' || field[0] >= '0' && field[0] <= '9') {
				if x, err := strconv.ParseFloat(unsafe.String(&field[0], len(field)), 64); err == nil {
					sum += x
				}
			}
			s = i + 1
		}
	}
}
