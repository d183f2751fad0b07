package transforms

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
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
	manPath := ManifestName(fn.Out.Prefix)
	// An older output under the same prefix loses its manifest first, so
	// that no manifest ever describes a mix of old and new files.
	if err := removeIfExists(ctx, fs, manPath); err != nil {
		return err
	}
	for i := 0; i < fn.Out.Shards; i++ {
		r := byIndex[i]
		if err := move(ctx, fs, r.Temp, r.Final); err != nil {
			return err
		}
		man.Shards = append(man.Shards, ManifestShard{Path: r.Final, Rows: r.Rows, Bytes: r.Bytes, CRC32C: r.CRC32C})
	}
	if err := removeStale(ctx, fs, fn.Out, man.Shards); err != nil {
		return err
	}
	b, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	tmp := TempDir(fn.Out.Prefix, fn.Out.RunID) + "/MANIFEST.json"
	if err := writeFile(ctx, fs, tmp, append(b, '\n')); err != nil {
		return err
	}
	if err := move(ctx, fs, tmp, manPath); err != nil {
		return err
	}
	if dir := TempDir(fn.Out.Prefix, fn.Out.RunID); !strings.Contains(dir, "://") {
		os.Remove(dir) // empty by now; object stores have no directories
	}
	emit(manPath)
	return nil
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
		return fmt.Errorf("finalize: copy %s to %s: %w", src, dst, err)
	}
	return rm.Remove(ctx, src)
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
