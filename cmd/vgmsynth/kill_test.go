package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/transforms/sink"
)

// TestKill starts generate, kills it with SIGKILL at a random moment, and
// checks what is left under the output prefix. Right after the kill the
// prefix holds one of:
//
//   - a complete output: a manifest whose every shard exists with the listed
//     size and CRC-32C, and no other shard (the run finished, or an older
//     output that the run had not yet begun to replace);
//   - no final-named file at all (the run died before finalising);
//   - a finalisation journal, PREFIX-MANIFEST.json.pending: the run died
//     while renaming shards into place, every shard being written. The next
//     generate on the prefix completes it (and tells so) before anything
//     else, after which the output is complete.
//
// Temporary files of the killed run may be left; the next run on the
// prefix removes them. Then a normal run on the prefix succeeds, with
// --overwrite exactly when a complete output exists.
func TestKill(t *testing.T) {
	bin, dir := buildBinary(t, "builds the binary and runs it some 50 times")
	model := filepath.Join(dir, "model.json")
	if out, err := exec.Command(bin, "fit", "--input", exampleCSV, "--model", model, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("fit: %v\n%s", err, out)
	}
	// Each step of a finalisation waits this long, so that kills land in
	// the middle of one as well as before and after.
	const stepDelay = 15 * time.Millisecond
	env := append(os.Environ(), "VGMSYNTH_TEST_FINALIZE_DELAY="+stepDelay.String())
	gen := func(prefix, rows string, extra ...string) *exec.Cmd {
		args := append([]string{"generate", "--model", model, "--rows", rows, "--output", prefix, "--shards", "8", "--quiet"}, extra...)
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		return cmd
	}

	// Calibrate: how long a whole run takes here.
	start := time.Now()
	cal := filepath.Join(dir, "calibrate", "o")
	if out, err := gen(cal, "2M").CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	full := time.Since(start)
	os.RemoveAll(filepath.Dir(cal))
	t.Logf("a run of 2M rows takes %v", full)

	rng := rand.New(rand.NewPCG(2024, 11))
	const trials = 24
	states := map[string]int{}
	prefix := ""
	for trial := 0; trial < trials; trial++ {
		// Odd trials replace the output the trial before left, with
		// --overwrite; even ones write a new prefix.
		overwrite := trial%2 == 1
		if !overwrite {
			prefix = filepath.Join(dir, fmt.Sprintf("t%02d", trial), "out")
			if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		var extra []string
		if overwrite {
			extra = []string{"--overwrite"}
		}
		cmd := gen(prefix, "2M", extra...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		started := time.Now()
		// Where to kill: anywhere in the run, or while shards are
		// written, or while they are renamed into place.
		var when string
		switch trial % 3 {
		case 0:
			when = "anywhere"
			time.Sleep(time.Duration(rng.Int64N(int64(full * 11 / 10))))
		case 1:
			when = "writing"
			waitFor(func() bool { m, _ := filepath.Glob(prefix + ".vgmsynth-tmp-*/*.csv"); return len(m) > 0 }, full)
			time.Sleep(time.Duration(rng.Int64N(int64(full / 3))))
		case 2:
			when = "finalising"
			waitFor(func() bool { _, err := os.Stat(sink.PendingName(prefix)); return err == nil }, 2*full)
			time.Sleep(time.Duration(rng.Int64N(int64(12 * stepDelay))))
		}
		cmd.Process.Kill()
		werr := cmd.Wait()
		state := outputState(t, prefix)
		states[when+"/"+state]++
		t.Logf("trial %2d: killed %s after %v (%v): %s", trial, when, time.Since(started).Round(time.Millisecond), werr, state)

		// The next run on the prefix: recovery first.
		if state == "journal" {
			out, err := gen(prefix, "1000").CombinedOutput()
			if err == nil || !strings.Contains(string(out), "completed the finalisation of an interrupted earlier run") || !strings.Contains(string(out), "--overwrite") {
				t.Fatalf("trial %d: after a kill while finalising, a run without --overwrite: %v\n%s", trial, err, out)
			}
			if s := outputState(t, prefix); s != "complete" {
				t.Fatalf("trial %d: recovery left the output %s", trial, s)
			}
			state = "complete"
		}
		// Without --overwrite: refused exactly when a complete output exists.
		out, err := gen(prefix, "1000").CombinedOutput()
		switch {
		case state == "complete" && (err == nil || !strings.Contains(string(out), "already exists")):
			t.Fatalf("trial %d: a run without --overwrite over a complete output: %v\n%s", trial, err, out)
		case state == "none" && err != nil:
			t.Fatalf("trial %d: a run on a prefix with no output failed: %v\n%s", trial, err, out)
		case state == "complete":
			if out, err := gen(prefix, "1000", "--overwrite").CombinedOutput(); err != nil {
				t.Fatalf("trial %d: a run with --overwrite failed: %v\n%s", trial, err, out)
			}
		}
		if s := outputState(t, prefix); s != "complete" {
			t.Fatalf("trial %d: after a normal run the output is %s", trial, s)
		}
		if left, _ := filepath.Glob(prefix + ".vgmsynth-tmp-*"); len(left) > 0 {
			t.Fatalf("trial %d: temporary files left after the next run: %v", trial, left)
		}
	}
	t.Logf("outcomes (where killed / state left): %v", states)
	if states["finalising/journal"] == 0 {
		t.Errorf("no trial killed a run in the middle of its finalisation: %v", states)
	}
}

// waitFor polls cond every millisecond for at most limit.
func waitFor(cond func() bool, limit time.Duration) {
	for end := time.Now().Add(limit); time.Now().Before(end) && !cond(); {
		time.Sleep(time.Millisecond)
	}
}

// outputState checks the invariant on what a killed run left under prefix
// and names the state: "complete", "none" or "journal".
func outputState(t *testing.T, prefix string) string {
	t.Helper()
	shards, _ := filepath.Glob(prefix + "-?????-of-?????.*")
	if _, err := os.Stat(sink.PendingName(prefix)); err == nil {
		return "journal"
	}
	data, err := os.ReadFile(sink.ManifestName(prefix))
	if err != nil {
		if len(shards) > 0 {
			t.Fatalf("final-named shards without a manifest or journal: %v", shards)
		}
		return "none"
	}
	var man sink.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatalf("manifest: %v\n%s", err, data)
	}
	listed := map[string]bool{}
	var rows int64
	for _, sh := range man.Shards {
		listed[sh.Path] = true
		rows += sh.Rows
		f, err := os.Open(sh.Path)
		if err != nil {
			t.Fatalf("manifest lists %s: %v", sh.Path, err)
		}
		h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil || n != sh.Bytes || h.Sum32() != sh.CRC32C {
			t.Fatalf("%s: %d bytes, crc32c %08x; the manifest says %d, %08x (%v)", sh.Path, n, h.Sum32(), sh.Bytes, sh.CRC32C, err)
		}
	}
	if rows != man.Rows {
		t.Fatalf("manifest shards hold %d rows, the manifest says %d", rows, man.Rows)
	}
	for _, s := range shards {
		if !listed[s] {
			t.Fatalf("shard %s is not in the manifest", s)
		}
	}
	return "complete"
}

// buildBinary builds vgmsynth into a new temporary directory and returns
// the binary's path and the directory; in -short mode, or without a go
// tool, it skips the test (what saying why).
func buildBinary(t *testing.T, what string) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip(what)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool to build the binary")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "vgmsynth")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin, dir
}

// TestInterrupt sends SIGINT to generate: while shards are written the run
// stops with exit status 1 and removes its temporary files; once every
// shard is written and finalisation has begun, it completes the output.
func TestInterrupt(t *testing.T) {
	bin, dir := buildBinary(t, "builds the binary")
	model := "../../testdata/bad/models/valid_network.json"
	for _, tc := range []struct {
		name string
		wait func(prefix string) bool
		code int
		want string
	}{
		{"writing", func(prefix string) bool { m, _ := filepath.Glob(prefix + ".vgmsynth-tmp-*/*.csv"); return len(m) > 0 }, 1, "interrupted; no output was finalised"},
		{"finalising", func(prefix string) bool { _, err := os.Stat(sink.PendingName(prefix)); return err == nil }, 0, "interrupted after every shard was written: completed the output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix := filepath.Join(dir, tc.name, "out")
			cmd := exec.Command(bin, "generate", "--model", model, "--rows", "20M", "--shards", "4", "--output", prefix, "--quiet")
			cmd.Env = append(os.Environ(), "VGMSYNTH_TEST_FINALIZE_DELAY=50ms")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(func() bool { return tc.wait(prefix) }, time.Minute)
			time.Sleep(20 * time.Millisecond)
			cmd.Process.Signal(os.Interrupt)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("still running 30 s after SIGINT")
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.want)
			}
			assertClean(t, stderr.String())
			if left, _ := filepath.Glob(prefix + ".vgmsynth-tmp-*"); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			state := outputState(t, prefix)
			if (tc.code == 0) != (state == "complete") || (tc.code != 0 && state != "none") {
				t.Errorf("output %s after exit %d", state, tc.code)
			}
		})
	}
}
