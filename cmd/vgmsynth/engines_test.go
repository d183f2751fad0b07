package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/internal/testutil"
)

// engine is a real Flink or Spark job server started by scripts/engine.sh,
// once per test binary: the first test that needs it starts it, and
// TestMain stops it (the script also stops it should this process die).
type engine struct {
	name     string
	once     sync.Once
	endpoint string
	skip     string // why the engine tests cannot run here
	err      error
	log      string // the script's output
	started  bool
}

var (
	engines = map[string]*engine{"flink": {name: "flink"}, "spark": {name: "spark"}}
	// testState holds the engines' pid files and logs and the worker
	// binaries; TestMain removes it.
	testState = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "vgmsynth-engines-") })
)

// engineScript is scripts/engine.sh, relative to this package.
const engineScript = "../../scripts/engine.sh"

// start starts the engine, or skips the test when Java or Maven is missing.
func (e *engine) start(t *testing.T) string {
	t.Helper()
	e.once.Do(func() {
		for _, tool := range []string{"java", "mvn", "bash"} {
			if _, err := exec.LookPath(tool); err != nil {
				e.skip = fmt.Sprintf("%s is not installed: the %s engine tests need Java 17 and Maven (.ci/run installs the job server)", tool, e.name)
				return
			}
		}
		state, err := testState()
		if err != nil {
			e.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", engineScript, e.name, "start")
		cmd.Env = append(os.Environ(), "VGMSYNTH_ENGINE_STATE="+state, fmt.Sprintf("VGMSYNTH_ENGINE_WATCH_PID=%d", os.Getpid()))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		out, err := cmd.Output()
		e.started = true
		e.log = stderr.String()
		if err != nil {
			e.err = fmt.Errorf("engine.sh %s start: %v\n%s", e.name, err, e.log)
			return
		}
		lines := strings.Fields(string(out))
		if len(lines) == 0 {
			e.err = fmt.Errorf("engine.sh %s start printed no endpoint\n%s", e.name, e.log)
			return
		}
		e.endpoint = lines[len(lines)-1]
		t.Logf("%s job server at %s, up in %v: %s", e.name, e.endpoint, time.Since(start).Round(time.Second), strings.TrimSpace(e.log))
	})
	if e.skip != "" {
		t.Skip(e.skip)
	}
	if e.err != nil {
		t.Fatal(e.err)
	}
	return e.endpoint
}

// stopEngines stops the engines that tests started and removes testState.
func stopEngines() {
	state, err := testState()
	if err != nil {
		return
	}
	for _, e := range engines {
		if e.started {
			cmd := exec.Command("bash", engineScript, e.name, "stop")
			cmd.Env = append(os.Environ(), "VGMSYNTH_ENGINE_STATE="+state)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "engine.sh %s stop: %v\n%s", e.name, err, out)
			}
		}
	}
	os.RemoveAll(state)
}

// sameShards fails the test unless the two outputs' shards hold the same bytes.
func sameShards(t *testing.T, got, want []string) {
	t.Helper()
	for i := range want {
		g, err := os.ReadFile(got[i])
		if err != nil {
			t.Fatal(err)
		}
		w, err := os.ReadFile(want[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g, w) {
			t.Errorf("shard %d (%s) differs from prism's", i, got[i])
		}
	}
}

// shardPaths are a manifest's shard paths.
func shardPaths(t *testing.T, prefix string, rows int64, shards int) []string {
	t.Helper()
	var paths []string
	for _, s := range readManifest(t, prefix, rows, shards).Shards {
		paths = append(paths, s.Path)
	}
	return paths
}

// TestEngines submits fit, generate and run to real Flink and Spark engines
// (Beam's job servers with Flink's embedded local cluster and Spark's local
// master, started by scripts/engine.sh) and checks that each writes what
// the embedded prism runner writes, byte for byte: the model, every shard
// and the manifest. One run on Flink uses the PROCESS environment with
// Beam's boot program, as containerised workers do; one job on each fails
// and must leave no final file.
func TestEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Flink and Spark job servers")
	}
	dir := t.TempDir()
	// An absolute path: the sample's priorities hash the input's path, and
	// PROCESS workers run in another directory.
	input, err := filepath.Abs(exampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	const runRows, runShards, genRows, genShards = 5000, 3, 20000, 4
	prismModel := filepath.Join(dir, "prism-model.json")
	prismRun, prismGen := filepath.Join(dir, "prism-run"), filepath.Join(dir, "prism-gen")
	for _, args := range [][]string{
		{"run", "--input", input, "--rows", fmt.Sprint(runRows), "--shards", fmt.Sprint(runShards), "--output", prismRun, "--model", prismModel},
		{"generate", "--model", prismModel, "--rows", fmt.Sprint(genRows), "--shards", fmt.Sprint(genShards), "--format", "parquet", "--output", prismGen},
	} {
		if code, msg := vgmsynth(t, append(args, "--quiet")...); code != 0 {
			t.Fatalf("embedded prism %s: exit %d: %s", args[0], code, msg)
		}
	}
	wantRun := shardPaths(t, prismRun, runRows, runShards)
	wantGen := shardPaths(t, prismGen, genRows, genShards)
	wantModel, err := os.ReadFile(prismModel)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"flink", "spark"} {
		t.Run(name, func(t *testing.T) {
			endpoint := engines[name].start(t)
			submit := []string{"--runner=" + name, "--endpoint=" + endpoint, "--environment_type=LOOPBACK", "--quiet"}
			job := func(t *testing.T, args ...string) {
				t.Helper()
				start := time.Now()
				if code, msg := vgmsynth(t, append(args, submit...)...); code != 0 {
					t.Fatalf("%s on %s: exit %d: %s", args[0], name, code, msg)
				}
				t.Logf("%s on %s: %v", args[0], name, time.Since(start).Round(time.Millisecond))
			}
			out := filepath.Join(dir, name)
			t.Run("fit", func(t *testing.T) {
				model := out + "-fit.json"
				job(t, "fit", "--input", input, "--model", model)
				if got, err := os.ReadFile(model); err != nil || !bytes.Equal(got, wantModel) {
					t.Errorf("model %s differs from prism's (%v)", model, err)
				}
			})
			t.Run("generate", func(t *testing.T) {
				job(t, "generate", "--model", prismModel, "--rows", fmt.Sprint(genRows), "--shards", fmt.Sprint(genShards),
					"--format", "parquet", "--output", out+"-gen")
				sameShards(t, shardPaths(t, out+"-gen", genRows, genShards), wantGen)
			})
			t.Run("run", func(t *testing.T) {
				job(t, "run", "--input", input, "--rows", fmt.Sprint(runRows), "--shards", fmt.Sprint(runShards),
					"--output", out+"-run", "--model", out+"-run-model.json")
				got := shardPaths(t, out+"-run", runRows, runShards)
				if n := csvRows(t, readManifest(t, out+"-run", runRows, runShards)); n != runRows {
					t.Errorf("%d rows, want %d", n, runRows)
				}
				sameShards(t, got, wantRun)
				if left, _ := filepath.Glob(out + "-run.vgmsynth-tmp-*"); len(left) > 0 {
					t.Errorf("temporary files left: %v", left)
				}
			})
			t.Run("process environment", func(t *testing.T) {
				if name != "flink" {
					// One PROCESS run keeps the test's cost down; Spark's
					// job server starts the worker the same way
					// (docs/runners.md).
					t.Skip("the PROCESS environment is tested on Flink")
				}
				// Beam's boot program itself, unwrapped: the Java job
				// servers pass it the bare worker ID.
				bin, boot := processWorker(t)
				start := time.Now()
				code, msg := vgmsynth(t, "run", "--runner="+name, "--endpoint="+endpoint, "--environment_type=PROCESS",
					`--environment_config={"command": "`+boot+`"}`, "--worker_binary="+bin, "--quiet",
					"--input", input, "--rows", fmt.Sprint(runRows), "--shards", fmt.Sprint(runShards), "--output", out+"-process")
				if code != 0 {
					t.Fatalf("exit %d: %s", code, msg)
				}
				t.Logf("run on %s, PROCESS environment: %v", name, time.Since(start).Round(time.Millisecond))
				sameShards(t, shardPaths(t, out+"-process", runRows, runShards), wantRun)
			})
			t.Run("failure leaves no final file", func(t *testing.T) {
				testutil.FailingPipeline(t)
				// A shard cannot be written under a regular file: the
				// worker's error must come back through the job server.
				blocker := out + "-blocker"
				if err := os.WriteFile(blocker, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				prefix := filepath.Join(blocker, "out")
				code, msg := vgmsynth(t, append([]string{"generate", "--model", prismModel, "--rows", "10", "--output", prefix}, submit...)...)
				if code != 1 {
					t.Fatalf("exit %d, want 1; stderr: %s", code, msg)
				}
				if !strings.Contains(msg, "blocker") || strings.Contains(msg, "goroutine ") || strings.Contains(msg, "org.apache.") {
					t.Errorf("message %q should name the path and hide runner internals", msg)
				}
				if left, _ := filepath.Glob(out + "-blocker*"); !slices.Equal(left, []string{blocker}) {
					t.Errorf("files left: %v", left)
				}
			})
		})
	}
}
