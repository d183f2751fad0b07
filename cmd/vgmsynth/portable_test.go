package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
)

// syncBuffer collects a child process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// goTool finds the go command that runs the tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); runtime.GOROOT() != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// goBuild builds a main package into out, or skips the test when it cannot
// (offline without the module cache, or go.sum lacks its dependencies).
func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goTool(), "build", "-o", out, pkg)
	if msg, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build %s: %v\n%s", pkg, err, msg)
	}
}

// startPrismJobServer builds Beam's standalone prism job server from the
// module cache, starts it on a free loopback port and returns its endpoint.
// The server is killed when the test ends (and shuts itself down after a
// minute without jobs, should the test process die first).
func startPrismJobServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "prism")
	goBuild(t, bin, "github.com/apache/beam/sdks/v2/go/cmd/prism")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var logs syncBuffer
	srv := exec.Command(bin, fmt.Sprintf("--job_port=%d", port), "--serve_http=false", "--log_level=warn", "--idle_shutdown_timeout=1m")
	srv.Stdout, srv.Stderr = &logs, &logs
	srv.Dir = t.TempDir() // workers it starts write pipeline_options.json there
	// Its own process group, so that the workers it starts (PROCESS
	// environment) go with it; and Wait does not wait for them to close
	// the output they inherited.
	srv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	srv.WaitDelay = 2 * time.Second
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("prism job server log:\n%s", logs.String())
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("prism job server exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prism job server not listening on %s after 30 s:\n%s", addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Sprintf("localhost:%d", port)
}

// shardPath is the name of shard i of n of an uncompressed output.
func shardPath(prefix string, i, n int, format string) string {
	return fmt.Sprintf("%s-%05d-of-%05d.%s", prefix, i, n, format)
}

// readManifest reads and checks a local output's manifest: the row count,
// the shard count and each shard's size.
func readManifest(t *testing.T, prefix string, rows int64, shards int) sink.Manifest {
	t.Helper()
	data, err := os.ReadFile(sink.ManifestName(prefix))
	if err != nil {
		t.Fatal(err)
	}
	var m sink.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Rows != rows || len(m.Shards) != shards {
		t.Fatalf("manifest: %d rows in %d shards, want %d in %d", m.Rows, len(m.Shards), rows, shards)
	}
	var sum int64
	for i, s := range m.Shards {
		if want := shardPath(prefix, i, shards, m.Format); s.Path != want {
			t.Errorf("shard %d is %s, want %s", i, s.Path, want)
		}
		st, err := os.Stat(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() != s.Bytes {
			t.Errorf("%s: %d bytes, manifest says %d", s.Path, st.Size(), s.Bytes)
		}
		sum += s.Rows
	}
	if sum != rows {
		t.Errorf("shards hold %d rows, want %d", sum, rows)
	}
	return m
}

// csvRows counts the data rows of a CSV output's shards (each has a header).
func csvRows(t *testing.T, m sink.Manifest) int64 {
	t.Helper()
	var n int64
	for _, s := range m.Shards {
		data, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		lines := int64(bytes.Count(data, []byte("\n"))) - 1
		if lines != s.Rows {
			t.Errorf("%s: %d data lines, manifest says %d", s.Path, lines, s.Rows)
		}
		n += lines
	}
	return n
}

// workerBinaries builds vgmsynth and Beam's Go boot program once per test
// binary, for the PROCESS environment: the job server starts the boot
// program, which fetches the staged vgmsynth binary and starts it with
// --worker=true.
var workerBinaries = sync.OnceValues(func() ([2]string, error) {
	state, err := testState()
	if err != nil {
		return [2]string{}, err
	}
	bin, boot := filepath.Join(state, "worker", "vgmsynth"), filepath.Join(state, "worker", "boot")
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	for _, b := range [][2]string{{bin, "."}, {boot, "github.com/apache/beam/sdks/v2/go/container"}} {
		if msg, err := exec.CommandContext(ctx, goTool(), "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			return [2]string{}, fmt.Errorf("build %s: %v\n%s", b[1], err, msg)
		}
	}
	return [2]string{bin, boot}, nil
})

// processWorker returns the worker binaries, or skips the test when they
// cannot be built (offline without the module cache); the copies of the
// worker that Beam's boot program leaves in /tmp/binNNN/worker are removed
// when the test ends.
func processWorker(t *testing.T) (bin, boot string) {
	t.Helper()
	w, err := workerBinaries()
	if err != nil {
		t.Skipf("cannot build the PROCESS worker: %v", err)
	}
	bin, boot = w[0], w[1]
	before, _ := filepath.Glob("/tmp/bin*")
	t.Cleanup(func() {
		st, err := os.Stat(bin)
		if err != nil {
			return
		}
		after, _ := filepath.Glob("/tmp/bin*")
		for _, d := range after {
			if w, err := os.Stat(filepath.Join(d, "worker")); err == nil && w.Size() == st.Size() && !slices.Contains(before, d) {
				os.RemoveAll(d)
			}
		}
	})
	return bin, boot
}

// TestPortableJobServer submits vgmsynth to a real portable job server
// (Beam's prism, built from the module cache and run as its own process),
// the path Flink and Spark job servers take: --runner=universal (and the
// flink and spark runners, which are the same client) with
// --endpoint=localhost:PORT --environment_type=LOOPBACK. The output must
// equal the embedded runner's byte for byte.
func TestPortableJobServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts Beam's prism job server")
	}
	endpoint := startPrismJobServer(t)
	dir := t.TempDir()
	input := exampleCSV
	local := filepath.Join(dir, "local")
	if code, msg := vgmsynth(t, "run", "--input", input, "--rows", "5000", "--shards", "3", "--output", local, "--quiet"); code != 0 {
		t.Fatalf("embedded prism: exit %d: %s", code, msg)
	}
	localManifest := readManifest(t, local, 5000, 3)
	for _, runner := range []string{"universal", "flink", "spark"} {
		t.Run(runner, func(t *testing.T) {
			out := filepath.Join(dir, runner)
			start := time.Now()
			code, msg := vgmsynth(t, "run", "--runner="+runner, "--endpoint="+endpoint, "--environment_type=LOOPBACK",
				"--input", input, "--rows", "5000", "--shards", "3", "--output", out, "--model", out+"-model.json", "--quiet")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, msg)
			}
			t.Logf("%s on the job server: %v", runner, time.Since(start).Round(time.Millisecond))
			m := readManifest(t, out, 5000, 3)
			if n := csvRows(t, m); n != 5000 {
				t.Errorf("%d rows, want 5000", n)
			}
			for i, s := range m.Shards {
				got, _ := os.ReadFile(s.Path)
				want, _ := os.ReadFile(localManifest.Shards[i].Path)
				if !bytes.Equal(got, want) {
					t.Errorf("shard %d differs from the embedded runner's", i)
				}
			}
			if _, err := os.Stat(out + "-model.json"); err != nil {
				t.Errorf("model: %v", err)
			}
			if left, _ := filepath.Glob(out + ".vgmsynth-tmp-*"); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	t.Run("generate parquet", func(t *testing.T) {
		out := filepath.Join(dir, "pq")
		code, msg := vgmsynth(t, "generate", "--runner=universal", "--endpoint="+endpoint, "--environment_type=LOOPBACK",
			"--model", filepath.Join(dir, "universal-model.json"), "--rows", "20000", "--shards", "4", "--format", "parquet", "--output", out, "--quiet")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
		readManifest(t, out, 20000, 4)
	})
	t.Run("process environment", func(t *testing.T) {
		// The path of containerised workers on Dataflow, Flink and Spark:
		// the job server stages the vgmsynth binary as the worker binary,
		// and Beam's boot program starts it with --worker=true.
		tmp := t.TempDir()
		bin, boot := processWorker(t)
		// Prism (2.77) passes --id='ID' quotes and all, and no
		// --semi_persist_dir; the boot program wants the bare ID.
		script := filepath.Join(tmp, "boot.sh")
		if err := os.WriteFile(script, []byte("#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in\n"+
			"  --id=*) id=$(printf '%s' \"${a#--id=}\" | tr -d \"'\") ;;\n  --provision_endpoint=*) prov=\"$a\" ;;\nesac; done\n"+
			"exec "+boot+" --semi_persist_dir="+tmp+" --id=\"$id\" \"$prov\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(input) // the worker runs in another directory
		if err != nil {
			t.Fatal(err)
		}
		// The sample's priorities hash the input's path: the baseline reads
		// the same absolute path.
		base := filepath.Join(dir, "process-local")
		if code, msg := vgmsynth(t, "run", "--input", abs, "--rows", "5000", "--shards", "3", "--output", base, "--quiet"); code != 0 {
			t.Fatalf("embedded prism: exit %d: %s", code, msg)
		}
		baseManifest := readManifest(t, base, 5000, 3)
		out := filepath.Join(dir, "process")
		code, msg := vgmsynth(t, "run", "--runner=universal", "--endpoint="+endpoint, "--environment_type=PROCESS",
			`--environment_config={"command": "`+script+`"}`, "--worker_binary="+bin,
			"--input", abs, "--rows", "5000", "--shards", "3", "--output", out, "--quiet")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
		m := readManifest(t, out, 5000, 3)
		for i, s := range m.Shards {
			got, _ := os.ReadFile(s.Path)
			want, _ := os.ReadFile(baseManifest.Shards[i].Path)
			if !bytes.Equal(got, want) {
				t.Errorf("shard %d differs from the embedded runner's", i)
			}
		}
	})
	t.Run("failure is reported", func(t *testing.T) {
		testutil.FailingPipeline(t)
		// A shard cannot be written under a regular file: the DoFn's
		// error must come back from the job server, cleaned.
		blocker := filepath.Join(dir, "blocker")
		if err := os.WriteFile(blocker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		code, msg := vgmsynth(t, "generate", "--runner=universal", "--endpoint="+endpoint, "--environment_type=LOOPBACK",
			"--model", filepath.Join(dir, "universal-model.json"), "--rows", "10", "--output", filepath.Join(blocker, "out"), "--quiet")
		if code != 1 {
			t.Fatalf("exit %d, want 1; stderr: %s", code, msg)
		}
		if !strings.Contains(msg, "blocker") || strings.Contains(msg, "goroutine ") {
			t.Errorf("message %q should name the path and hide runner internals", msg)
		}
	})
}
