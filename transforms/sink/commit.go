package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

func init() {
	register.DoFn4x1[context.Context, []byte, func(*Shard) bool, func(string), error](&finalizeFn{})
	register.Iter1[Shard]()
	register.Emitter1[Shard]()
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

// Finalize waits for every shard of out (the PCollection of the Shards
// the workers wrote), renames the temporary files to their final names,
// removes the temporary directory and writes the manifest. It is
// idempotent: run again after a failure, it completes what is left.
// It returns a PCollection with the manifest's path.
//
// Before it changes any final name it writes a journal,
// PREFIX-MANIFEST.json.pending, with the manifest to be and the renames;
// the journal goes once the manifest is in place. A process killed while
// the journal exists leaves an output that is complete but for renames:
// Recover, which every job writing files runs first on its prefix,
// completes it. See docs/reliability.md for the guarantee.
func Finalize(s beam.Scope, shards beam.PCollection, out Output) beam.PCollection {
	s = s.Scope("vgmsynth.Finalize")
	return beam.ParDo(s, &finalizeFn{Out: out}, beam.Impulse(s), beam.SideInput{Input: shards})
}

type finalizeFn struct {
	Out Output
}

func (fn *finalizeFn) ProcessElement(ctx context.Context, _ []byte, shards func(*Shard) bool, emit func(string)) error {
	byIndex := map[int]Shard{}
	var r Shard
	for shards(&r) {
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
	man, temps := ManifestOf(fn.Out, byIndex)
	man.Created = time.Now().UTC()
	if err := commit(ctx, fs, fn.Out.Prefix, fn.Out.RunID, man, temps); err != nil {
		return err
	}
	emit(ManifestName(fn.Out.Prefix))
	return nil
}

// ManifestOf is the manifest of out's shards (by index) and their
// temporary names, in shard order.
func ManifestOf(out Output, shards map[int]Shard) (Manifest, []string) {
	man := Manifest{Format: out.Format, Seed: out.Seed}
	var temps []string
	for i := 0; i < out.Shards; i++ {
		r := shards[i]
		temps = append(temps, r.Temp)
		man.Rows += r.Rows
		man.Shards = append(man.Shards, ManifestShard{Path: r.Final, Rows: r.Rows, Bytes: r.Bytes, CRC32C: r.CRC32C})
	}
	return man, temps
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
	if old, err := readJournal(ctx, PendingName(prefix)); err == nil && old.RunID == runID {
		j.Manifest.Created = old.Manifest.Created // a retry writes the same manifest
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := TempDir(prefix, runID) + "/PENDING.json"
	if err := tableio.WriteFile(ctx, tmp, b); err != nil {
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
	old, err := readManifest(ctx, ManifestName(prefix))
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
	if old, err := readManifest(ctx, manPath); err == nil && !slices.Equal(old.Shards, j.Manifest.Shards) {
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
	if err := removeStale(ctx, fs, prefix, keep); err != nil {
		return err
	}
	b, err := json.MarshalIndent(j.Manifest, "", "  ")
	if err != nil {
		return err
	}
	dir := TempDir(prefix, j.RunID)
	tmp := dir + "/MANIFEST.json"
	if err := tableio.WriteFile(ctx, tmp, append(b, '\n')); err != nil {
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

func readManifest(ctx context.Context, p string) (Manifest, error) { return readJSON[Manifest](ctx, p) }

func readJournal(ctx context.Context, p string) (journal, error) { return readJSON[journal](ctx, p) }

// readJSON reads the JSON file p (a manifest or a journal).
func readJSON[T any](ctx context.Context, p string) (T, error) {
	var v T
	b, err := tableio.ReadFile(ctx, p, 256<<20)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("%s: %w", p, err)
	}
	return v, nil
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
