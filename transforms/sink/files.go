package sink

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

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
func removeStale(ctx context.Context, fs filesystem.Interface, prefix string, keep []ManifestShard) error {
	old, err := ExistingOutput(ctx, prefix)
	if err != nil {
		return err
	}
	for _, p := range old {
		if p == ManifestName(prefix) || slices.ContainsFunc(keep, func(m ManifestShard) bool { return m.Path == p }) {
			continue
		}
		if err := removeIfExists(ctx, fs, p); err != nil {
			return err
		}
	}
	return nil
}
