package transforms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

func init() {
	register.DoFn4x1[context.Context, []byte, func(*ShardResult) bool, func(string), error](&finalizeFn{})
	register.Iter1[ShardResult]()
	register.Emitter1[string]()
}

// Manifest lists a finished output. It is written last: its presence means
// every shard it names is complete.
type Manifest struct {
	Format  string          `json:"format"`
	Rows    int64           `json:"rows"`
	Seed    uint64          `json:"seed"`
	Created time.Time       `json:"created"`
	Shards  []ManifestShard `json:"shards"`
}

// ManifestShard is one output file of a manifest.
type ManifestShard struct {
	Path   string `json:"path"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	CRC32C uint32 `json:"crc32c"`
}

// ManifestName is the path of an output's manifest.
func ManifestName(prefix string) string { return prefix + "-MANIFEST.json" }

// Finalize waits for every shard, renames the temporary files to their final
// names, removes the temporary directory and writes the manifest. It is
// idempotent: run again after a failure, it completes what is left.
// It returns a PCollection with the manifest's path.
//
// Before it changes any final name it writes a journal,
// PREFIX-MANIFEST.json.pending, with the manifest to be and the renames;
// the journal goes once the manifest is in place. A process killed while
// the journal exists leaves an output that is complete but for renames:
// Recover, which every generating command runs first on its prefix,
// completes it. See docs/reliability.md for the guarantee.
func Finalize(s beam.Scope, results beam.PCollection, cfg OutputConfig) beam.PCollection {
	s = s.Scope("Finalize")
	return beam.ParDo(s, &finalizeFn{Out: cfg}, beam.Impulse(s), beam.SideInput{Input: results})
}

type finalizeFn struct {
	Out OutputConfig
}

func (fn *finalizeFn) ProcessElement(ctx context.Context, _ []byte, results func(*ShardResult) bool, emit func(string)) error {
	byIndex := map[int]ShardResult{}
	var r ShardResult
	for results(&r) {
		byIndex[r.Index] = r
	}
	if len(byIndex) != fn.Out.Shards {
		return fmt.Errorf("finalize %s: %d of %d shards were written", fn.Out.Prefix, len(byIndex), fn.Out.Shards)
	}
	fs, err := filesystem.New(ctx, fn.Out.Prefix)
	if err != nil {
		return err
	}
	defer fs.Close()
	man := Manifest{Format: fn.Out.Format, Rows: fn.Out.Rows, Seed: fn.Out.Seed, Created: time.Now().UTC()}
	var temps []string
	for i := 0; i < fn.Out.Shards; i++ {
		r := byIndex[i]
		temps = append(temps, r.Temp)
		man.Shards = append(man.Shards, ManifestShard{Path: r.Final, Rows: r.Rows, Bytes: r.Bytes, CRC32C: r.CRC32C})
	}
	if err := commit(ctx, fs, fn.Out.Prefix, fn.Out.RunID, man, temps); err != nil {
		return err
	}
	emit(ManifestName(fn.Out.Prefix))
	return nil
}

// PendingName is the path of the journal of an output's finalisation.
func PendingName(prefix string) string { return ManifestName(prefix) + ".pending" }

// journal is what finalisation is about to do: rename each of Temps to
// the path of the manifest's shard of the same index, then write Manifest.
type journal struct {
	RunID    string   `json:"run_id"`
	Manifest Manifest `json:"manifest"`
	Temps    []string `json:"temps"`
}

// commit moves a run's shards into place and writes its manifest, through
// the journal. Run again, by a retry, it completes what is left; run after
// it completed, it changes nothing.
func commit(ctx context.Context, fs filesystem.Interface, prefix, runID string, man Manifest, temps []string) error {
	if done, err := committed(ctx, fs, prefix, man); err != nil {
		return err
	} else if done {
		return removeTempDir(ctx, fs, TempDir(prefix, runID))
	}
	j := journal{RunID: runID, Manifest: man, Temps: temps}
	if old, err := readJournal(ctx, fs, PendingName(prefix)); err == nil && old.RunID == runID {
		j.Manifest.Created = old.Manifest.Created // a retry writes the same manifest
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := TempDir(prefix, runID) + "/PENDING.json"
	if err := writeFile(ctx, fs, tmp, b); err != nil {
		return err
	}
	if err := rename(ctx, fs, tmp, PendingName(prefix)); err != nil {
		return err
	}
	return apply(ctx, fs, prefix, j)
}

// committed reports whether the output under prefix is already man: its
// manifest lists the same shards (a retry of a finalisation that
// completed).
func committed(ctx context.Context, fs filesystem.Interface, prefix string, man Manifest) (bool, error) {
	if _, err := fs.Size(ctx, PendingName(prefix)); err == nil {
		return false, nil
	}
	old, err := readManifest(ctx, fs, ManifestName(prefix))
	if err != nil {
		return false, nil
	}
	return old.Format == man.Format && old.Rows == man.Rows && old.Seed == man.Seed && slices.Equal(old.Shards, man.Shards), nil
}

// apply carries out a journal: the steps are idempotent, so that a
// finalisation interrupted at any point completes when applied again.
func apply(ctx context.Context, fs filesystem.Interface, prefix string, j journal) error {
	temps, finals, err := j.paths(prefix)
	if err != nil {
		return err
	}
	keep := slices.Clone(j.Manifest.Shards)
	for i := range keep {
		keep[i].Path = finals[i]
	}
	manPath := ManifestName(prefix)
	// An older output under the same prefix loses its manifest first, so
	// that no manifest ever describes a mix of old and new files.
	if old, err := readManifest(ctx, fs, manPath); err == nil && !slices.Equal(old.Shards, j.Manifest.Shards) {
		if err := removeIfExists(ctx, fs, manPath); err != nil {
			return err
		}
	}
	for i, sh := range j.Manifest.Shards {
		testStep()
		if err := stopped(ctx); err != nil {
			return err
		}
		if err := move(ctx, fs, temps[i], finals[i]); err != nil {
			return err
		}
		if n, err := fs.Size(ctx, finals[i]); err != nil || n != sh.Bytes {
			return fmt.Errorf("finalize: %s has %d bytes, not the %d written (%v)", finals[i], n, sh.Bytes, err)
		}
	}
	testStep()
	if err := removeStale(ctx, fs, OutputConfig{Prefix: prefix}, keep); err != nil {
		return err
	}
	b, err := json.MarshalIndent(j.Manifest, "", "  ")
	if err != nil {
		return err
	}
	dir := TempDir(prefix, j.RunID)
	tmp := dir + "/MANIFEST.json"
	if err := writeFile(ctx, fs, tmp, append(b, '\n')); err != nil {
		return err
	}
	testStep()
	if err := rename(ctx, fs, tmp, manPath); err != nil {
		return err
	}
	testStep()
	if err := removeIfExists(ctx, fs, PendingName(prefix)); err != nil {
		return err
	}
	return removeTempDir(ctx, fs, dir)
}

// paths resolves a journal's files against the prefix it is applied to,
// by base name, so that a journal recovered from another working directory
// (or through another spelling of the prefix) names the right files, and
// refuses names that are not this prefix's shards.
func (j journal) paths(prefix string) (temps, finals []string, err error) {
	bad := fmt.Errorf("finalize %s: the journal %s is not one this version wrote", prefix, PendingName(prefix))
	if len(j.Temps) != len(j.Manifest.Shards) || j.RunID == "" || strings.ContainsAny(j.RunID, "/\\.") {
		return nil, nil, bad
	}
	dir, base := splitPath(prefix)
	for i, sh := range j.Manifest.Shards {
		_, f := splitPath(sh.Path)
		_, t := splitPath(j.Temps[i])
		if !strings.HasPrefix(f, base+"-") || !strings.Contains(f, "-of-") || t != f {
			return nil, nil, bad
		}
		finals = append(finals, dir+f)
		temps = append(temps, TempDir(prefix, j.RunID)+"/"+f)
	}
	return temps, finals, nil
}

// splitPath splits a path (local or URL) after its last slash.
func splitPath(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	return p[:i+1], p[i+1:]
}

// testStep is a test hook: it waits VGMSYNTH_TEST_FINALIZE_DELAY (a Go
// duration) before each step of a finalisation, so that a test can kill
// the process in the middle of one. It does nothing when the variable is
// unset.
func testStep() {
	if d := finalizeDelay(); d > 0 {
		time.Sleep(d)
	}
}

// stopped is the context's error: a finalisation stops between steps once
// its run is cancelled, leaving the rest to Abandon or Recover.
func stopped(ctx context.Context) error { return ctx.Err() }

var finalizeDelay = sync.OnceValue(func() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("VGMSYNTH_TEST_FINALIZE_DELAY"))
	return d
})

func readManifest(ctx context.Context, fs filesystem.Interface, p string) (Manifest, error) {
	var m Manifest
	b, err := readFile(ctx, fs, p)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", p, err)
	}
	return m, nil
}

func readJournal(ctx context.Context, fs filesystem.Interface, p string) (journal, error) {
	var j journal
	b, err := readFile(ctx, fs, p)
	if err != nil {
		return j, err
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return j, fmt.Errorf("%s: %w", p, err)
	}
	return j, nil
}

func readFile(ctx context.Context, fs filesystem.Interface, p string) ([]byte, error) {
	if _, err := fs.Size(ctx, p); err != nil {
		return nil, err
	}
	rc, err := fs.OpenRead(ctx, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := rc.Read(buf)
		b.Write(buf[:n])
		if b.Len() > 256<<20 {
			return nil, fmt.Errorf("%s is too large", p)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return []byte(b.String()), nil
			}
			return nil, err
		}
	}
}

// rename moves src over dst, which may exist.
func rename(ctx context.Context, fs filesystem.Interface, src, dst string) error {
	if _, err := fs.Size(ctx, src); err != nil {
		return fmt.Errorf("finalize: %s is missing: %w", src, err)
	}
	return move(ctx, fs, src, dst)
}

// removeTempDir removes a run's temporary directory and what is left in it.
func removeTempDir(ctx context.Context, fs filesystem.Interface, dir string) error {
	if !strings.Contains(dir, "://") || strings.HasPrefix(dir, "file://") {
		return os.RemoveAll(strings.TrimPrefix(dir, "file://"))
	}
	left, err := fs.List(ctx, dir+"/*")
	if err != nil {
		return nil // nothing to list, nothing to remove
	}
	for _, p := range left {
		if err := removeIfExists(ctx, fs, p); err != nil {
			return err
		}
	}
	return nil
}

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
		j, err := readJournal(ctx, fs, pend)
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
	if j, err := readJournal(ctx, fs, PendingName(prefix)); err == nil && j.RunID == runID {
		// Left as it is where this fails: Recover completes it later.
		if err := apply(ctx, fs, prefix, j); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, removeTempDir(ctx, fs, TempDir(prefix, runID))
}

// move renames src to dst, by copy and delete where the filesystem cannot
// rename. A missing src with an existing dst means an earlier attempt
// already moved it.
func move(ctx context.Context, fs filesystem.Interface, src, dst string) error {
	if _, err := fs.Size(ctx, src); err != nil {
		if _, derr := fs.Size(ctx, dst); derr == nil {
			return nil
		}
		return fmt.Errorf("finalize: temporary file %s is missing: %w", src, err)
	}
	if rn, ok := fs.(filesystem.Renamer); ok {
		if err := rn.Rename(ctx, src, dst); err != nil {
			if moved(ctx, fs, src, dst) {
				return nil // by a concurrent attempt
			}
			return fmt.Errorf("finalize: rename %s to %s: %w", src, dst, err)
		}
		return nil
	}
	cp, ok1 := fs.(filesystem.Copier)
	rm, ok2 := fs.(filesystem.Remover)
	if !ok1 || !ok2 {
		return fmt.Errorf("finalize: the filesystem of %s can neither rename nor copy and remove", dst)
	}
	if err := cp.Copy(ctx, src, dst); err != nil {
		if moved(ctx, fs, src, dst) {
			return nil
		}
		return fmt.Errorf("finalize: copy %s to %s: %w", src, dst, err)
	}
	if err := rm.Remove(ctx, src); err != nil && !moved(ctx, fs, src, dst) {
		return fmt.Errorf("finalize: remove %s: %w", src, err)
	}
	return nil
}

// moved reports whether src is gone and dst is there.
func moved(ctx context.Context, fs filesystem.Interface, src, dst string) bool {
	if _, err := fs.Size(ctx, src); err == nil {
		return false
	}
	_, err := fs.Size(ctx, dst)
	return err == nil
}

func removeIfExists(ctx context.Context, fs filesystem.Interface, p string) error {
	if _, err := fs.Size(ctx, p); err != nil {
		return nil
	}
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("cannot remove %s: the filesystem does not support it", p)
	}
	if err := rm.Remove(ctx, p); err != nil {
		if _, serr := fs.Size(ctx, p); serr != nil {
			return nil // removed meanwhile
		}
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return nil
}

// removeStale deletes shards of an earlier output under the same prefix
// that the new one does not replace (it had another shard count or format).
func removeStale(ctx context.Context, fs filesystem.Interface, out OutputConfig, keep []ManifestShard) error {
	old, err := ExistingOutput(ctx, out.Prefix)
	if err != nil {
		return err
	}
	for _, p := range old {
		if p == ManifestName(out.Prefix) || slices.ContainsFunc(keep, func(m ManifestShard) bool { return m.Path == p }) {
			continue
		}
		if err := removeIfExists(ctx, fs, p); err != nil {
			return err
		}
	}
	return nil
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

func writeFile(ctx context.Context, fs filesystem.Interface, p string, data []byte) error {
	w, err := fs.OpenWrite(ctx, p)
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
