package main

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/vgmsynth/vgmsynth/cmd/vgmsynth/internal/report"
	"github.com/vgmsynth/vgmsynth/runners"
)

// progressEvery is how often progress is printed.
const progressEvery = 5 * time.Second

// startProgress prints, every few seconds until stop is called, how many
// rows the job's workers have read or written (rows, which the job's
// transforms.Hooks count), how fast, and for
// generation the time left. It works where the workers run in this process
// (the local runners); elsewhere the runner's counters (vgmsynth/rows_read,
// rows_written, bytes_written) show the same.
func startProgress(ctx context.Context, w io.Writer, verb string, total int64, rows *atomic.Int64) (stop func()) {
	if !runners.Local() {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				n := rows.Load()
				el := time.Since(start)
				rate := float64(n) / el.Seconds()
				line := fmt.Sprintf("%s %s rows in %s, %s rows/s", verb, report.Count(float64(n)), el.Round(time.Second), report.Count(rate))
				if total > 0 && rate > 0 {
					left := time.Duration(float64(total-n) / rate * float64(time.Second))
					line += fmt.Sprintf(", %.1f%%, about %s left", 100*float64(n)/float64(total), left.Round(time.Second))
				}
				fmt.Fprintln(w, line)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
