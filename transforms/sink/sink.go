// Package sink commits a job's output files: each worker writes its shard
// under a temporary name, counting its bytes and their CRC-32C, and one
// final step moves every shard to its final name and writes the manifest,
// through a journal, so that an output under a prefix is complete or
// absent whatever fails or is killed (docs/reliability.md). It holds the
// whole protocol: temporary and final names, the shard file, Finalize and
// its journaled commit, Recover, Abandon, Claim and the check for an
// earlier output.
package sink

import (
	"context"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"path"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

// Output says where a job's files go and what they hold.
type Output struct {
	// Prefix is the output path prefix: shard i of n is written to
	// Prefix-0000i-of-0000n.ext (ShardName).
	Prefix string
	// Format is "csv" or "parquet"; Compression a codec name for it.
	Format      string
	Compression string
	// Shards is the number of files.
	Shards int
	// Seed is recorded in the manifest.
	Seed uint64
	// RunID names this run's temporary files (TempDir).
	RunID string
}

// ShardName is the final name of shard i of n.
func ShardName(prefix string, i, n int, format, compression string) string {
	return fmt.Sprintf("%s-%05d-of-%05d%s", prefix, i, n, tableio.ShardExtension(format, compression))
}

// TempDir is where a run's temporary shards live until finalisation.
func TempDir(prefix, runID string) string {
	return prefix + ".vgmsynth-tmp-" + runID
}

// Final is the final name of shard i of the output.
func (o Output) Final(i int) string {
	return ShardName(o.Prefix, i, o.Shards, o.Format, o.Compression)
}

// Temp is the temporary name of shard i of the output.
func (o Output) Temp(i int) string {
	return TempDir(o.Prefix, o.RunID) + "/" + path.Base(o.Final(i))
}

// Shard describes a shard written under its temporary name, for Finalize.
type Shard struct {
	Index, Total int
	Temp, Final  string
	Rows, Bytes  int64
	CRC32C       uint32
}

// File is a shard being written under its temporary name. It counts and
// checksums what it is given, and stops with the context's error once the
// run is cancelled (an interrupted local run), so that no worker keeps
// writing after the command has cleaned up.
type File struct {
	ctx   context.Context
	fs    filesystem.Interface
	w     io.WriteCloser
	shard Shard
	crc   hash.Hash32
}

// Create opens shard i of out under its temporary name.
func Create(ctx context.Context, out Output, i int) (*File, error) {
	f := &File{ctx: ctx, crc: crc32.New(crc32.MakeTable(crc32.Castagnoli)),
		shard: Shard{Index: i, Total: out.Shards, Temp: out.Temp(i), Final: out.Final(i)}}
	var err error
	if f.fs, err = filesystem.New(ctx, f.shard.Temp); err != nil {
		return nil, err
	}
	if f.w, err = f.fs.OpenWrite(ctx, f.shard.Temp); err != nil {
		f.fs.Close()
		return nil, fmt.Errorf("write %s: %w", f.shard.Temp, err)
	}
	return f, nil
}

// Name is the file's temporary name.
func (f *File) Name() string { return f.shard.Temp }

func (f *File) Write(p []byte) (int, error) {
	if err := f.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := f.w.Write(p)
	f.shard.Bytes += int64(n)
	f.crc.Write(p[:n])
	return n, err
}

// Close closes the file, which holds rows rows, and returns its
// description for Finalize.
func (f *File) Close(rows int64) (Shard, error) {
	defer f.fs.Close()
	if err := f.w.Close(); err != nil {
		return Shard{}, fmt.Errorf("write %s: %w", f.shard.Temp, err)
	}
	f.shard.Rows, f.shard.CRC32C = rows, f.crc.Sum32()
	return f.shard, nil
}

// Abort closes a file whose writing failed; it stays, partial, under its
// temporary name until the run is finalised or abandoned.
func (f *File) Abort() {
	f.w.Close()
	f.fs.Close()
}
