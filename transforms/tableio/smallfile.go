package tableio

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// ReadFile reads a whole small file (a model, a config, a manifest) of at
// most limit bytes through Beam's filesystems, local or gs://. Its errors
// begin "WHAT PATH:" (what is "model", "config", "read", ...).
func ReadFile(ctx context.Context, what, path string, limit int64) ([]byte, error) {
	fsys, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	defer fsys.Close()
	rc, err := fsys.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s %s: larger than %s", what, path, sizeString(limit))
	}
	return data, nil
}

// sizeString writes n bytes in MiB when that is a whole number, else in KiB.
func sizeString(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// WriteFile writes a whole small file through Beam's filesystems, local or
// gs://.
func WriteFile(ctx context.Context, path string, data []byte) error {
	fsys, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer fsys.Close()
	wc, err := fsys.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := wc.Write(data); err != nil {
		wc.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
