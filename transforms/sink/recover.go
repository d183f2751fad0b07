package sink

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

// ownerFile, in a local run's temporary directory, names the process that
// writes it ("PID HOST"), so that a later run removes the directories of
// runs that died and leaves those of runs still going.
const ownerFile = "OWNER"

// Claim marks a local run's temporary directory as this process's, before
// the pipeline starts. Remote prefixes are left alone.
func Claim(prefix, runID string) error {
	dir := TempDir(prefix, runID)
	if strings.Contains(dir, "://") && !strings.HasPrefix(dir, "file://") {
		return nil
	}
	dir = strings.TrimPrefix(dir, "file://")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output %s: %w", prefix, err)
	}
	host, _ := os.Hostname()
	return os.WriteFile(filepath.Join(dir, ownerFile), []byte(fmt.Sprintf("%d %s\n", os.Getpid(), host)), 0o644)
}

// alive reports whether the owner of a local temporary directory may still
// be running: its process exists on this host, or it ran elsewhere.
func alive(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return false
	}
	if host, _ := os.Hostname(); f[1] != host {
		return true
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return false
	}
	return syscall.Kill(pid, 0) == nil || errors.Is(syscall.Kill(pid, 0), syscall.EPERM)
}

// Recover puts the output under prefix in order before a run writes it: it
// completes a finalisation that a killed run left half done (its journal
// exists), or, where the journal's temporary files are gone, removes the
// partial output; and it removes the temporary directories of local runs
// that died. It returns what it did, for the user, or "".
func Recover(ctx context.Context, prefix string) (string, error) {
	fs, err := filesystem.New(ctx, prefix)
	if err != nil {
		return "", err
	}
	defer fs.Close()
	var note string
	pend := PendingName(prefix)
	if _, err := fs.Size(ctx, pend); err == nil {
		j, err := readJournal(ctx, pend)
		if err == nil {
			err = apply(ctx, fs, prefix, j)
		}
		if err == nil {
			note = fmt.Sprintf("completed the finalisation of an interrupted earlier run of %s", prefix)
		} else {
			if rerr := rollBack(ctx, fs, prefix, j); rerr != nil {
				return "", fmt.Errorf("output %s: cannot complete or undo an interrupted earlier run (%v): %w", prefix, err, rerr)
			}
			note = fmt.Sprintf("removed the partial output of an interrupted earlier run of %s (%v)", prefix, err)
		}
	}
	if strings.Contains(prefix, "://") && !strings.HasPrefix(prefix, "file://") {
		return note, nil
	}
	dirs, _ := filepath.Glob(strings.TrimPrefix(prefix, "file://") + ".vgmsynth-tmp-*")
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() || alive(d) {
			continue
		}
		if err := os.RemoveAll(d); err != nil {
			return note, fmt.Errorf("remove %s: %w", d, err)
		}
	}
	return note, nil
}

// rollBack removes what an unfinishable finalisation left under final
// names: the shards it lists and, when no manifest is left, any other
// shard of the prefix (which no manifest describes), then its journal.
func rollBack(ctx context.Context, fs filesystem.Interface, prefix string, j journal) error {
	_, finals, err := j.paths(prefix)
	if err != nil {
		finals = nil // not ours: remove only the journal and shards no manifest describes
	}
	for _, p := range finals {
		if err := removeIfExists(ctx, fs, p); err != nil {
			return err
		}
	}
	if _, err := fs.Size(ctx, ManifestName(prefix)); err != nil {
		left, err := ExistingOutput(ctx, prefix)
		if err != nil {
			return err
		}
		for _, p := range left {
			if err := removeIfExists(ctx, fs, p); err != nil {
				return err
			}
		}
	}
	if finals != nil {
		if err := removeTempDir(ctx, fs, TempDir(prefix, j.RunID)); err != nil {
			return err
		}
	}
	return removeIfExists(ctx, fs, PendingName(prefix))
}

// Abandon cleans up after a run that failed or was interrupted: when its
// journal exists every shard was written, and the finalisation is
// completed (finished is true); otherwise its temporary files are removed.
func Abandon(ctx context.Context, prefix, runID string) (finished bool, err error) {
	fs, err := filesystem.New(ctx, prefix)
	if err != nil {
		return false, err
	}
	defer fs.Close()
	if j, err := readJournal(ctx, PendingName(prefix)); err == nil && j.RunID == runID {
		// Left as it is where this fails: Recover completes it later.
		if err := apply(ctx, fs, prefix, j); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, removeTempDir(ctx, fs, TempDir(prefix, runID))
}

// ExistingOutput lists the files of an earlier output under prefix: its
// shards (of any count and format) and its manifest.
func ExistingOutput(ctx context.Context, prefix string) ([]string, error) {
	fs, err := filesystem.New(ctx, prefix)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	var out []string
	for _, pat := range []string{prefix + "-?????-of-?????.csv*", prefix + "-?????-of-?????.parquet", ManifestName(prefix)} {
		got, err := tableio.List(ctx, fs, pat) // Beam's gcs List misses '?' patterns
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", pat, err)
		}
		out = append(out, got...)
	}
	return out, nil
}

// ExistsError is Prepare's refusal to replace an earlier output.
type ExistsError struct {
	// Prefix is the output's; File is one of the earlier output's files.
	Prefix, File string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("output %s already exists (%s, ...)", e.Prefix, e.File)
}

// Prepare readies prefix for a run named runID, before its pipeline
// starts: it recovers what a killed earlier run left (Recover; note says
// what it did, or is ""), refuses to replace an earlier output unless
// overwrite (an *ExistsError), and claims the run's temporary directory
// (Claim), best effort: where that fails, so will the workers' writes,
// with the error in context.
func Prepare(ctx context.Context, prefix, runID string, overwrite bool) (note string, err error) {
	if note, err = Recover(ctx, prefix); err != nil {
		return "", err
	}
	if !overwrite {
		existing, err := ExistingOutput(ctx, prefix)
		if err != nil {
			return note, err
		}
		if len(existing) > 0 {
			return note, &ExistsError{Prefix: prefix, File: existing[0]}
		}
	}
	Claim(prefix, runID)
	return note, nil
}

// ReadManifest reads the manifest of the output under prefix.
func ReadManifest(ctx context.Context, prefix string) (Manifest, error) {
	return readManifest(ctx, ManifestName(prefix))
}

// WriteFile writes a small file (a model) to path through a temporary
// name, so that a failed run never leaves a partial file under path.
func WriteFile(ctx context.Context, path string, data []byte) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	tmp := path + ".vgmsynth-tmp"
	if err := tableio.WriteFile(ctx, tmp, data); err != nil {
		return err
	}
	return move(ctx, fs, tmp, path)
}
