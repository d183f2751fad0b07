package tableio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"cloud.google.com/go/storage"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/util/gcsx"
)

// gcsObject reads one gs:// object by byte range, so that a reader starts
// anywhere in a large file without fetching what comes before, and a
// Parquet file is read footer first, then row group by row group, never
// whole. Reads are pinned to the object generation seen at open, so an
// object replaced while it is read fails the read instead of mixing two
// versions.
type gcsObject struct {
	ctx    context.Context
	path   string
	client *storage.Client
	obj    *storage.ObjectHandle
	size   int64
}

// errTranscoded reports an object stored gzip-encoded: GCS serves it
// decompressed (decompressive transcoding), which ranges cannot address.
var errTranscoded = errors.New("object is stored with Content-Encoding gzip")

// openGCS opens a gs:// object for ranged reads. It creates its client as
// Beam's gcs filesystem does (default credentials, else unauthenticated),
// so it honours STORAGE_EMULATOR_HOST the same way.
func openGCS(ctx context.Context, p string) (*gcsObject, error) {
	bucket, object, err := gcsx.ParseObject(p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	client, err := gcsx.NewClient(ctx, storage.ScopeReadOnly)
	if err != nil {
		if client, err = gcsx.NewUnauthenticatedClient(ctx); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	}
	obj := client.Bucket(bucket).Object(object)
	attrs, err := obj.Attrs(ctx)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if strings.EqualFold(attrs.ContentEncoding, "gzip") {
		client.Close()
		return nil, errTranscoded
	}
	return &gcsObject{ctx: ctx, path: p, client: client, obj: obj.Generation(attrs.Generation), size: attrs.Size}, nil
}

// ReadAt reads len(b) bytes at off with one ranged request. It is safe for
// concurrent use, as io.ReaderAt requires: parquet-go reads columns in
// parallel.
func (g *gcsObject) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("read %s: negative offset %d", g.path, off)
	}
	if off >= g.size {
		return 0, io.EOF
	}
	n := int64(len(b))
	if rest := g.size - off; n > rest {
		n = rest
	}
	if n == 0 {
		return 0, nil
	}
	r, err := g.obj.NewRangeReader(g.ctx, off, n)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", g.path, err)
	}
	defer r.Close()
	got, err := io.ReadFull(r, b[:n])
	if err != nil {
		return got, fmt.Errorf("read %s at byte %d: %w", g.path, off, err)
	}
	if got < len(b) {
		return got, io.EOF
	}
	return got, nil
}

// Size is the object's length in bytes.
func (g *gcsObject) Size() int64 { return g.size }

// Close releases the client.
func (g *gcsObject) Close() error { return g.client.Close() }

// readFrom streams the object from byte offset start to its end.
func (g *gcsObject) readFrom(start int64) (io.ReadCloser, error) {
	if start >= g.size {
		return closeAlso{io.NopCloser(strings.NewReader("")), g}, nil
	}
	r, err := g.obj.NewRangeReader(g.ctx, start, -1)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", g.path, err)
	}
	return closeAlso{r, g}, nil
}

// closeAlso closes a reader and then c.
type closeAlso struct {
	io.ReadCloser
	c io.Closer
}

func (c closeAlso) Close() error {
	err := c.ReadCloser.Close()
	c.c.Close()
	return err
}

func isGCS(p string) bool { return strings.HasPrefix(p, "gs://") }

// List expands a glob on fs like fs.List, working around Beam's gcs
// filesystem (v2.77), which lists objects by the name before the first '*'
// and so finds nothing when a '?' or '[' comes first:
// gs://b/out-?????-of-?????.csv. Such a pattern is listed by its literal
// prefix and matched here with Beam's rules ('*' and '?' match within a
// path segment, '**' across them, '[!...]' negates).
func List(ctx context.Context, fs filesystem.Interface, glob string) ([]string, error) {
	i := strings.IndexAny(glob, "*?[")
	if isLocal(glob) || i < 0 || glob[i] == '*' {
		return fs.List(ctx, glob)
	}
	re, err := globRegexp(glob)
	if err != nil {
		return nil, err
	}
	candidates, err := fs.List(ctx, glob[:i]+"**")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range candidates {
		if re.MatchString(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// globRegexp compiles a glob with the rules of Beam's gcs filesystem.
func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			switch {
			case strings.HasPrefix(glob[i:], "**/"):
				b.WriteString("(?:.*/)?")
				i += 2
			case strings.HasPrefix(glob[i:], "**"):
				b.WriteString(".*")
				i++
			default:
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(glob[i+1:], ']')
			if j < 0 {
				return nil, fmt.Errorf("bad pattern %s: unclosed '['", glob)
			}
			class := glob[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("bad pattern %s: %w", glob, err)
	}
	return re, nil
}
