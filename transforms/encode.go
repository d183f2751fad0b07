package transforms

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/transforms/sink"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
)

// EncodeConfig says what Encode reads and where it writes.
type EncodeConfig struct {
	// Splits are the pieces of the input (tableio.Plan); each is encoded
	// by one worker into one output file.
	Splits []tableio.Split
	// Header is the input's columns (tableio.Header).
	Header []string
	// Prefix is the output prefix: split i of n is written to
	// Prefix-0000i-of-0000n.parquet.
	Prefix string
	// Compression is the Parquet codec: snappy (default), none, zstd or
	// gzip.
	Compression string
	// Seed chooses the modes drawn.
	Seed uint64
	// RunID names the run's temporary files (sink.TempDir).
	RunID string
	// Roots is the number of independent read roots, as in SampleConfig.
	Roots int
	// Hooks is the key of this run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// DecodeConfig says what Decode reads and where it writes.
type DecodeConfig struct {
	// Splits are the pieces of the encoded input (tableio.Plan); each is
	// decoded by one worker into one output file.
	Splits []tableio.Split
	// Header is the encoded input's columns (tableio.Header).
	Header []string
	// Prefix is the output prefix: split i of n is written to
	// Prefix-0000i-of-0000n.csv (.csv.gz, .csv.zst).
	Prefix string
	// Compression is the CSV compression: none (default), gzip or zstd.
	Compression string
	// Clamp keeps decoded numbers within the model's bounds (see
	// table.RowDecoder.Clamp).
	Clamp bool
	// RunID names the run's temporary files (sink.TempDir).
	RunID string
	// Roots is the number of independent read roots, as in SampleConfig.
	Roots int
	// Hooks is the key of this run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// Encode encodes a table with the model, a row at a time
// (table.RowEncoder). Encoding is the data preparation of
// CTGAN-style synthesizers, done at scale with the model's mixtures
// (mode-specific normalisation):
//
//   - A numeric column (float, integer, datetime) NAME becomes two
//     columns: NAME.alpha, (x − μ_k)/(4σ_k) clipped to [−0.99, 0.99], and
//     NAME.mode, the mode k drawn from x's posterior responsibilities. A
//     value equal to one of the column's atoms (see table.Atom) is not
//     passed through the mixture: it is encoded as mode −1−i for atom i,
//     with alpha 0, and decodes to the atom exactly.
//   - A categorical or boolean column NAME becomes NAME, the value's index
//     in the model's Categories, or −1 for a value the model does not
//     know (it decodes to null).
//   - An ID column NAME is passed through as text: the model never copies
//     real IDs, so it has nothing to encode them with.
//   - A null stays null (both NAME.alpha and NAME.mode for numbers).
//
// The mode is random: each row has its own random stream (table.RowStream),
// chosen by the seed, the base name of its file and its position in that
// file (byte offset for CSV, row index for Parquet), so the output is the
// same on any runner, however the input is split.
//
// Each split of the input is read, encoded and written as one Parquet
// file where it is read, under a temporary name; rows never travel as
// Beam elements. A final step renames the files and writes the manifest
// PREFIX-MANIFEST.json, whose path the returned PCollection holds. Encode
// does not check for an earlier output under the prefix (see
// sink.Prepare); it replaces one.
func Encode(s beam.Scope, model Model, cfg EncodeConfig) beam.PCollection {
	s = s.Scope("vgmsynth.Encode")
	out := sink.Output{Prefix: cfg.Prefix, Format: tableio.FormatParquet, Compression: cfg.Compression, Shards: len(cfg.Splits), Seed: cfg.Seed, RunID: cfg.RunID}
	job := shardJob{Kind: jobEncode, Out: out, Header: cfg.Header, Hooks: cfg.Hooks}
	return writeFiles(s, model, job, splitTasks(cfg.Splits), cfg.Roots)
}

// Decode inverts Encode: it reads an encoded table (Parquet as Encode
// writes it, or CSV with the same columns) and writes the model's columns
// as CSV in the model's formats, one file per split, finalised as Encode's
// output is.
func Decode(s beam.Scope, model Model, cfg DecodeConfig) beam.PCollection {
	s = s.Scope("vgmsynth.Decode")
	out := sink.Output{Prefix: cfg.Prefix, Format: tableio.FormatCSV, Compression: cfg.Compression, Shards: len(cfg.Splits), RunID: cfg.RunID}
	job := shardJob{Kind: jobDecode, Out: out, Header: cfg.Header, Clamp: cfg.Clamp, Hooks: cfg.Hooks}
	return writeFiles(s, model, job, splitTasks(cfg.Splits), cfg.Roots)
}
