// Command ceiling measures what the machine can do without Beam: it
// generates rows from a vgmsynth model with the same generator and encoders
// as `vgmsynth generate`, in plain goroutines (one per core by default)
// that each write their shards, and prints rows/s. bench/scale.sh runs it
// beside `vgmsynth generate` and reports the ratio.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func main() {
	model := flag.String("model", "", "model file")
	rows := flag.Int64("rows", 10_000_000, "rows to generate")
	output := flag.String("output", "", "output prefix")
	shards := flag.Int("shards", 0, "files (default: one per worker)")
	workers := flag.Int("workers", runtime.NumCPU(), "goroutines")
	format := flag.String("format", "csv", "csv or parquet")
	compression := flag.String("compression", "", "as vgmsynth's --compression")
	seed := flag.Uint64("seed", 0, "seed")
	flag.Parse()
	if err := run(*model, *rows, *output, *shards, *workers, *format, *compression, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
}

func run(model string, rows int64, output string, shards, workers int, format, compression string, seed uint64) error {
	data, err := os.ReadFile(model)
	if err != nil {
		return err
	}
	m, err := table.DecodeModel(data)
	if err != nil {
		return err
	}
	g, err := table.NewGenerator(m)
	if err != nil {
		return err
	}
	if shards <= 0 {
		shards = workers
	}
	start := time.Now()
	errs := make(chan error, shards)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < shards; i += workers {
				lo, hi := rows*int64(i)/int64(shards), rows*int64(i+1)/int64(shards)
				name := fmt.Sprintf("%s-%05d-of-%05d%s", output, i, shards, tableio.ShardExtension(format, compression))
				errs <- writeFile(name, g, seed, lo, hi, format, compression)
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	el := time.Since(start)
	fmt.Printf("rows %d wall %.3f s rows/s %.0f\n", rows, el.Seconds(), float64(rows)/el.Seconds())
	return nil
}

func writeFile(name string, g *table.Generator, seed uint64, lo, hi int64, format, compression string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := tableio.WriteShard(f, g, seed, lo, hi, format, compression, nil); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
