package table

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user and system time: on a loaded machine it
// measures a one-goroutine benchmark better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFillModel measures the generator of each model type, a block
// at a time (bytes are rows). VGMSYNTH_BENCH_NETWORK and
// VGMSYNTH_BENCH_FOREST name model files to use instead of fitting the
// example table (bench/scale.sh leaves flights models in its work folder).
// cpu-ns/op is the process's CPU time per block: run with -cpu 1 on a
// busy machine.
func BenchmarkFillModel(b *testing.B) {
	for _, tc := range []struct{ name, env, modelType string }{
		{"network", "VGMSYNTH_BENCH_NETWORK", ModelTypeNetwork},
		{"forest", "VGMSYNTH_BENCH_FOREST", ModelTypeForest},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var m *Model
			if p := os.Getenv(tc.env); p != "" {
				data, err := os.ReadFile(p)
				if err != nil {
					b.Fatal(err)
				}
				if m, err = DecodeModel(data); err != nil {
					b.Fatal(err)
				}
			} else {
				m = fitExample(b, tc.modelType, 1461)
			}
			g, err := NewGenerator(m)
			if err != nil {
				b.Fatal(err)
			}
			blk := g.NewBlock()
			b.SetBytes(BlockSize)
			b.ResetTimer()
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				g.Fill(blk, 1, int64(i), BlockSize)
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
