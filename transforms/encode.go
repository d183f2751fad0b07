package transforms

import (
	"bufio"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func(CodecSplit), error](&listCodecSplitsFn{})
	register.DoFn3x1[context.Context, CodecSplit, func(ShardResult), error](&encodeSplitFn{})
	register.DoFn4x1[context.Context, CodecSplit, []byte, func(ShardResult), error](&encodeSplitSideFn{})
	register.DoFn3x1[context.Context, CodecSplit, func(ShardResult), error](&decodeSplitFn{})
	register.DoFn4x1[context.Context, CodecSplit, []byte, func(ShardResult), error](&decodeSplitSideFn{})
	register.DoFn4x1[context.Context, []byte, func(*ShardResult) bool, func(string), error](&finalizeCodecFn{})
	register.Emitter1[CodecSplit]()
}

// EncodedPart says what an encoded column holds.
type EncodedPart int

// The parts of an encoded table.
const (
	// PartAlpha is a numeric column's alpha (float64).
	PartAlpha EncodedPart = iota + 1
	// PartMode is a numeric column's mode (int32): 0..k−1 for the
	// mixture's modes, −1−i for atom i.
	PartMode
	// PartIndex is a categorical or boolean column's category index
	// (int32), −1 for a value not in the model.
	PartIndex
	// PartText is an ID column's value, passed through (string).
	PartText
)

// EncodedColumn is one column of an encoded table.
type EncodedColumn struct {
	// Name is NAME.alpha or NAME.mode for a numeric column NAME, NAME
	// otherwise.
	Name string
	// Column indexes Model.Columns.
	Column int
	Part   EncodedPart
}

// EncodedColumns lists the columns of a model's encoded table, in order:
// for each model column, NAME.alpha and NAME.mode (numeric kinds) or NAME
// (categorical, boolean and ID kinds).
func EncodedColumns(m *table.Model) ([]EncodedColumn, error) {
	var cols []EncodedColumn
	seen := map[string]bool{}
	for j, c := range m.Columns {
		var add []EncodedColumn
		switch {
		case c.Kind.Numeric():
			add = []EncodedColumn{{c.Name + ".alpha", j, PartAlpha}, {c.Name + ".mode", j, PartMode}}
		case c.Kind == table.ID:
			add = []EncodedColumn{{c.Name, j, PartText}}
		default:
			add = []EncodedColumn{{c.Name, j, PartIndex}}
		}
		for _, e := range add {
			if seen[e.Name] {
				return nil, fmt.Errorf("encoded column %q would appear twice (rename column %q)", e.Name, c.Name)
			}
			seen[e.Name] = true
		}
		cols = append(cols, add...)
	}
	return cols, nil
}

// EncodedValue is one model column's value in an encoded row.
type EncodedValue struct {
	// Null marks a null value; the other fields are then zero, but Mode,
	// which is −1 for a categorical column.
	Null bool
	// Alpha is a numeric column's alpha.
	Alpha float64
	// Mode is a numeric column's mode (−1−i for atom i), or a categorical
	// or boolean column's category index (−1 for an unknown value).
	Mode int32
	// Text is an ID column's value.
	Text string
}

// RowEncoder encodes input rows with a model. It is safe for concurrent
// use.
type RowEncoder struct {
	m    *table.Model
	pos  []int              // input field of each model column
	cats []map[string]int32 // per categorical or boolean column
	seed uint64
}

// NewRowEncoder prepares the encoding of rows whose columns are header
// (the input's columns: the model's, in any order). seed chooses the
// modes drawn.
func NewRowEncoder(m *table.Model, header []string, seed uint64) (*RowEncoder, error) {
	e := &RowEncoder{m: m, seed: seed, cats: make([]map[string]int32, len(m.Columns))}
	var err error
	if e.pos, err = codecColumnPositions(m, header); err != nil {
		return nil, err
	}
	for j, c := range m.Columns {
		if c.Kind == table.Categorical || c.Kind == table.Boolean {
			idx := make(map[string]int32, len(c.Categories))
			for i, cat := range c.Categories {
				idx[cat.Value] = int32(i)
			}
			e.cats[j] = idx
		}
	}
	return e, nil
}

// codecColumnPositions finds each model column in header, which must hold
// exactly the model's columns.
func codecColumnPositions(m *table.Model, header []string) ([]int, error) {
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	pos := make([]int, len(m.Columns))
	for j, c := range m.Columns {
		i, ok := at[c.Name]
		if !ok {
			return nil, fmt.Errorf("the input has no column %q, which the model has (input columns: %s)", c.Name, strings.Join(header, ", "))
		}
		pos[j] = i
		delete(at, c.Name)
	}
	for _, h := range header {
		if _, extra := at[h]; extra {
			return nil, fmt.Errorf("the input has column %q, which the model does not (model columns: %s)", h, strings.Join(codecModelNames(m), ", "))
		}
	}
	return pos, nil
}

func codecModelNames(m *table.Model) []string {
	names := make([]string, len(m.Columns))
	for j, c := range m.Columns {
		names[j] = c.Name
	}
	return names
}

// RowStream is the random stream of the row at offset in the file named
// source: it depends on the file's base name only, so that a table encodes
// the same wherever it is stored.
func RowStream(source string, offset int64) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	base := path.Base(source)
	for i := 0; i < len(base); i++ {
		h ^= uint64(base[i])
		h *= 1099511628211
	}
	return codecMix64(h ^ codecMix64(uint64(offset)))
}

// codecMix64 is the splitmix64 finaliser.
func codecMix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Encode encodes the input row fields (in the header's order, "" for
// null), found at offset in the file source, into out (one value per model
// column). Numeric values that do not parse are an error.
func (e *RowEncoder) Encode(source string, offset int64, fields []string, out []EncodedValue) error {
	if len(fields) != len(e.pos) {
		return fmt.Errorf("has %d fields, want %d", len(fields), len(e.pos))
	}
	if len(out) < len(e.pos) {
		return fmt.Errorf("room for %d values, want %d", len(out), len(e.pos))
	}
	var r rng.Rand
	seeded := false
	for j := range e.m.Columns {
		c := &e.m.Columns[j]
		v := fields[e.pos[j]]
		o := &out[j]
		*o = EncodedValue{}
		if v == "" {
			o.Null = true
			if !c.Kind.Numeric() && c.Kind != table.ID {
				o.Mode = -1
			}
			continue
		}
		switch {
		case c.Kind.Numeric():
			if c.VGM == nil { // an all-null column
				o.Null = true
				continue
			}
			x, err := table.ParseValue(c.Kind, c.Format, v)
			if err != nil {
				return fmt.Errorf("column %q: value %q: %w", c.Name, v, err)
			}
			if a := atomIndex(c.Atoms, x); a >= 0 {
				o.Mode = int32(-1 - a)
				continue
			}
			if !seeded {
				r, seeded = rng.New(e.seed, RowStream(source, offset)), true
			}
			alpha, mode := c.VGM.Encode(x, &r)
			o.Alpha, o.Mode = alpha, int32(mode)
		case c.Kind == table.ID:
			o.Text = v
		default:
			idx, ok := e.cats[j][v]
			if !ok && c.Kind == table.Boolean {
				idx, ok = booleanIndex(c, v)
			}
			if !ok {
				idx = -1
			}
			o.Mode = idx
		}
	}
	return nil
}

// atomIndex is the index of the atom equal to x, or −1.
func atomIndex(atoms []table.Atom, x float64) int {
	for i, a := range atoms {
		if a.Value == x {
			return i
		}
	}
	return -1
}

// booleanIndex finds a boolean written in another case than the model's
// spelling ("true" for "True").
func booleanIndex(c *table.Column, v string) (int32, bool) {
	var want string
	switch strings.ToLower(v) {
	case "true":
		want = c.Format.True
	case "false":
		want = c.Format.False
	default:
		return -1, false
	}
	for i, cat := range c.Categories {
		if cat.Value == want {
			return int32(i), true
		}
	}
	return -1, false
}

// RowDecoder turns encoded rows back into the model's values, written as
// CSV in the model's formats. It is safe for concurrent use only through
// distinct decoders.
type RowDecoder struct {
	// Clamp keeps decoded numbers within the model's bounds (Column.Min
	// and Max), as generated values are. It is off by default: the bounds
	// of datetimes come from the sample, and a round trip must return
	// values outside them unchanged.
	Clamp bool

	m      *table.Model
	g      *table.Generator
	b      *table.Block // one row of scratch, for the generator's formatting
	fields [][2]int     // per model column: positions of alpha and mode, index or text (−1: absent)
	single bool
}

// NewRowDecoder prepares the decoding of an encoded table whose columns
// are header (EncodedColumns of the model, in any order). An ID column may
// be missing: it decodes to null.
func NewRowDecoder(m *table.Model, header []string) (*RowDecoder, error) {
	g, err := table.NewGenerator(m)
	if err != nil {
		return nil, err
	}
	cols, err := EncodedColumns(m)
	if err != nil {
		return nil, err
	}
	d := &RowDecoder{m: m, g: g, b: g.NewBlock(), fields: make([][2]int, len(m.Columns)), single: len(m.Columns) == 1}
	for j := range d.fields {
		d.fields[j] = [2]int{-1, -1}
	}
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	for _, ec := range cols {
		i, ok := at[ec.Name]
		if !ok {
			if ec.Part == PartText {
				continue
			}
			return nil, fmt.Errorf("the encoded input has no column %q (input columns: %s)", ec.Name, strings.Join(header, ", "))
		}
		delete(at, ec.Name)
		if ec.Part == PartMode {
			d.fields[ec.Column][1] = i
		} else {
			d.fields[ec.Column][0] = i
		}
	}
	for _, h := range header {
		if _, extra := at[h]; extra {
			return nil, fmt.Errorf("the encoded input has column %q, which the model's encoding does not", h)
		}
	}
	return d, nil
}

// Parse reads one encoded row given as text (in the header's order, "" for
// null, as tableio.Read delivers it) into out, one value per model column.
func (d *RowDecoder) Parse(fields []string, out []EncodedValue) error {
	for j := range d.m.Columns {
		c := &d.m.Columns[j]
		f := d.fields[j]
		o := &out[j]
		*o = EncodedValue{}
		switch {
		case c.Kind.Numeric():
			m := fields[f[1]]
			if m == "" {
				o.Null = true
				continue
			}
			mode, err := strconv.ParseInt(m, 10, 32)
			if err != nil {
				return fmt.Errorf("column %q: mode %q is not an integer", c.Name+".mode", m)
			}
			o.Mode = int32(mode)
			if mode >= 0 {
				a := fields[f[0]]
				if a == "" {
					return fmt.Errorf("column %q: null, but the mode is %d", c.Name+".alpha", mode)
				}
				if o.Alpha, err = strconv.ParseFloat(a, 64); err != nil {
					return fmt.Errorf("column %q: %q is not a number", c.Name+".alpha", a)
				}
			}
		case c.Kind == table.ID:
			if f[0] < 0 || fields[f[0]] == "" {
				o.Null = true
			} else {
				o.Text = fields[f[0]]
			}
		default:
			v := fields[f[0]]
			if v == "" {
				o.Null, o.Mode = true, -1
				continue
			}
			idx, err := strconv.ParseInt(v, 10, 32)
			if err != nil {
				return fmt.Errorf("column %q: index %q is not an integer", c.Name, v)
			}
			o.Mode = int32(idx)
		}
	}
	return nil
}

// Value decodes one numeric value of model column j: the mixture's
// μ_mode + 4σ_mode·alpha (alpha clipped to [−1, 1]) or the atom, rounded
// to the column's resolution (integers to whole numbers, datetimes to
// their seconds' decimals; floats are rounded to their decimals when
// written) and, with Clamp, kept within the column's bounds.
func (d *RowDecoder) Value(j int, v EncodedValue) (float64, error) {
	c := &d.m.Columns[j]
	if !c.Kind.Numeric() || c.VGM == nil {
		return 0, fmt.Errorf("column %q is not numeric", c.Name)
	}
	var x float64
	switch {
	case v.Mode < 0:
		a := int(-1 - v.Mode)
		if a >= len(c.Atoms) {
			return 0, fmt.Errorf("column %q: mode %d names atom %d, but the column has %d atoms", c.Name, v.Mode, a, len(c.Atoms))
		}
		x = c.Atoms[a].Value
	case int(v.Mode) >= c.VGM.Len():
		return 0, fmt.Errorf("column %q: mode %d, but the mixture has %d modes", c.Name, v.Mode, c.VGM.Len())
	case math.IsNaN(v.Alpha):
		return 0, fmt.Errorf("column %q: alpha is NaN", c.Name)
	default:
		x = c.VGM.Decode(v.Alpha, int(v.Mode))
	}
	switch c.Kind {
	case table.Integer:
		x = math.Round(x)
	case table.Datetime:
		p := math.Pow10(c.Format.Decimals)
		x = math.Round(x*p) / p
	}
	if d.Clamp {
		x = min(max(x, *c.Min), *c.Max)
	}
	return x, nil
}

// AppendCSVHeader appends the decoded table's header line: the model's
// column names.
func (d *RowDecoder) AppendCSVHeader(dst []byte) []byte {
	for j, c := range d.m.Columns {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVField(dst, c.Name)
	}
	return append(dst, '\n')
}

// AppendCSV appends one decoded row as a CSV line, each value in its
// column's format. A category index of −1 decodes to null; other indexes
// and modes out of range are an error.
func (d *RowDecoder) AppendCSV(dst []byte, vals []EncodedValue) ([]byte, error) {
	for j := range d.m.Columns {
		c := &d.m.Columns[j]
		if j > 0 {
			dst = append(dst, ',')
		}
		v := vals[j]
		if v.Null || (!c.Kind.Numeric() && c.Kind != table.ID && v.Mode == -1) {
			if d.single {
				dst = append(dst, '"', '"') // not a blank line
			}
			continue
		}
		switch {
		case c.Kind.Numeric():
			x, err := d.Value(j, v)
			if err != nil {
				return nil, err
			}
			cv := &d.b.Cols[j]
			cv.Num[0], cv.Null[0] = x, false
			start := len(dst)
			dst = d.g.AppendText(dst, d.b, j, 0)
			if needsCSVQuote(string(dst[start:])) {
				text := string(dst[start:])
				dst = appendCSVField(dst[:start], text)
			}
		case c.Kind == table.ID:
			dst = appendCSVField(dst, v.Text)
		default:
			if v.Mode < 0 || int(v.Mode) >= len(c.Categories) {
				return nil, fmt.Errorf("column %q: index %d, but the model has %d categories", c.Name, v.Mode, len(c.Categories))
			}
			dst = appendCSVField(dst, c.Categories[v.Mode].Value)
		}
	}
	return append(dst, '\n'), nil
}

func needsCSVQuote(v string) bool {
	return strings.ContainsAny(v, ",\"\r\n") || strings.TrimSpace(v) != v
}

// appendCSVField writes one field, quoted where RFC 4180 requires it or
// where spaces around it would otherwise be lost.
func appendCSVField(dst []byte, v string) []byte {
	if !needsCSVQuote(v) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(v, `"`, `""`)...)
	return append(dst, '"')
}

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
	// RunID names the run's temporary files (TempDir).
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
	// RowDecoder.Clamp).
	Clamp bool
	// RunID names the run's temporary files (TempDir).
	RunID string
	// Roots is the number of independent read roots, as in SampleConfig.
	Roots int
	// Hooks is the key of this run's Hooks (Hooks.Register), or empty.
	Hooks string
}

// codecSpec is what the workers of Encode and Decode need to know.
type codecSpec struct {
	Header      []string
	Prefix      string
	Format      string
	Compression string
	Seed        uint64
	Clamp       bool
	RunID       string
	Hooks       string
}

// CodecSplit is one split of Encode's or Decode's input and the output
// file it becomes.
type CodecSplit struct {
	Index, Total int
	Split        tableio.Split
}

// Encode encodes a table with a model given as a PCollection of one model
// file, used as a side input. Encoding is the data preparation of
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
// The mode is random: each row has its own random stream (RowStream),
// chosen by the seed, the base name of its file and its position in that
// file (byte offset for CSV, row index for Parquet), so the output is the
// same on any runner, however the input is split.
//
// Each split of the input is read, encoded and
// written as one Parquet file where it is read, under a temporary name;
// rows never travel as Beam elements. A final step renames the files and
// writes the manifest PREFIX-MANIFEST.json, whose path the returned
// PCollection holds. Encode does not check for an earlier output under the
// prefix (see ExistingOutput); it replaces one.
//
// When the model is known as the pipeline is built, EncodeFrom embeds it
// in the workers instead (see GenerateShardsFrom).
func Encode(s beam.Scope, model beam.PCollection, cfg EncodeConfig) beam.PCollection {
	return encode(s, model, nil, cfg)
}

// EncodeFrom is Encode with the model file's bytes given directly.
func EncodeFrom(s beam.Scope, model []byte, cfg EncodeConfig) beam.PCollection {
	return encode(s, beam.PCollection{}, model, cfg)
}

func encode(s beam.Scope, model beam.PCollection, modelBytes []byte, cfg EncodeConfig) beam.PCollection {
	s = s.Scope("Encode")
	spec := codecSpec{Header: cfg.Header, Prefix: cfg.Prefix, Format: tableio.FormatParquet, Compression: cfg.Compression, Seed: cfg.Seed, RunID: cfg.RunID, Hooks: cfg.Hooks}
	return runCodec(s, cfg.Splits, cfg.Roots, spec, func(s beam.Scope, splits beam.PCollection) beam.PCollection {
		if model.IsValid() {
			return beam.ParDo(s, &encodeSplitSideFn{Spec: spec}, splits, beam.SideInput{Input: model})
		}
		return beam.ParDo(s, &encodeSplitFn{Spec: spec, Model: modelBytes}, splits)
	})
}

// Decode inverts Encode: it reads an encoded table (Parquet as Encode
// writes it, or CSV with the same columns) and writes the model's columns
// as CSV in the model's formats, one file per split, finalised as Encode's
// output is. The model is a PCollection of one model file, used as a side
// input; DecodeFrom embeds it instead.
func Decode(s beam.Scope, model beam.PCollection, cfg DecodeConfig) beam.PCollection {
	return decode(s, model, nil, cfg)
}

// DecodeFrom is Decode with the model file's bytes given directly.
func DecodeFrom(s beam.Scope, model []byte, cfg DecodeConfig) beam.PCollection {
	return decode(s, beam.PCollection{}, model, cfg)
}

func decode(s beam.Scope, model beam.PCollection, modelBytes []byte, cfg DecodeConfig) beam.PCollection {
	s = s.Scope("Decode")
	spec := codecSpec{Header: cfg.Header, Prefix: cfg.Prefix, Format: tableio.FormatCSV, Compression: cfg.Compression, Clamp: cfg.Clamp, RunID: cfg.RunID, Hooks: cfg.Hooks}
	return runCodec(s, cfg.Splits, cfg.Roots, spec, func(s beam.Scope, splits beam.PCollection) beam.PCollection {
		if model.IsValid() {
			return beam.ParDo(s, &decodeSplitSideFn{Spec: spec}, splits, beam.SideInput{Input: model})
		}
		return beam.ParDo(s, &decodeSplitFn{Spec: spec, Model: modelBytes}, splits)
	})
}

// runCodec deals the splits to independent roots, applies work to each
// root's splits and finalises the files written.
func runCodec(s beam.Scope, splits []tableio.Split, roots int, spec codecSpec, work func(beam.Scope, beam.PCollection) beam.PCollection) beam.PCollection {
	all := make([]CodecSplit, len(splits))
	for i, sp := range splits {
		all[i] = CodecSplit{Index: i, Total: len(splits), Split: sp}
	}
	var results []beam.PCollection
	for _, part := range distribute(all, roots) {
		col := beam.ParDo(s, &listCodecSplitsFn{Splits: part}, beam.Impulse(s))
		if roots <= 1 {
			col = beam.Reshuffle(s, col)
		}
		results = append(results, work(s, col))
	}
	res := results[0]
	if len(results) > 1 {
		res = beam.Flatten(s, results...)
	}
	fin := s.Scope("Finalize")
	return beam.ParDo(fin, &finalizeCodecFn{Spec: spec, Shards: len(splits)}, beam.Impulse(fin), beam.SideInput{Input: res})
}

type listCodecSplitsFn struct {
	Splits []CodecSplit
}

func (fn *listCodecSplitsFn) ProcessElement(_ context.Context, _ []byte, emit func(CodecSplit)) error {
	for _, sp := range fn.Splits {
		emit(sp)
	}
	return nil
}

// encodeSplitFn encodes one split with the model embedded.
type encodeSplitFn struct {
	Spec  codecSpec
	Model []byte

	w codecWorker
}

func (fn *encodeSplitFn) ProcessElement(ctx context.Context, sp CodecSplit, emit func(ShardResult)) error {
	return fn.w.encode(ctx, fn.Spec, fn.Model, sp, emit)
}

// encodeSplitSideFn encodes one split with the model as a side input.
type encodeSplitSideFn struct {
	Spec codecSpec

	w codecWorker
}

func (fn *encodeSplitSideFn) ProcessElement(ctx context.Context, sp CodecSplit, model []byte, emit func(ShardResult)) error {
	return fn.w.encode(ctx, fn.Spec, model, sp, emit)
}

// decodeSplitFn decodes one split with the model embedded.
type decodeSplitFn struct {
	Spec  codecSpec
	Model []byte

	w codecWorker
}

func (fn *decodeSplitFn) ProcessElement(ctx context.Context, sp CodecSplit, emit func(ShardResult)) error {
	return fn.w.decode(ctx, fn.Spec, fn.Model, sp, emit)
}

// decodeSplitSideFn decodes one split with the model as a side input.
type decodeSplitSideFn struct {
	Spec codecSpec

	w codecWorker
}

func (fn *decodeSplitSideFn) ProcessElement(ctx context.Context, sp CodecSplit, model []byte, emit func(ShardResult)) error {
	return fn.w.decode(ctx, fn.Spec, model, sp, emit)
}

// codecWorker holds what a DoFn instance prepares once: the model, the
// encoder and the encoded schema.
type codecWorker struct {
	once sync.Once
	m    *table.Model
	enc  *RowEncoder
	cols []EncodedColumn
	err  error
}

func (w *codecWorker) prepare(spec codecSpec, model []byte, encoding bool) error {
	w.once.Do(func() {
		if w.m, w.err = table.DecodeModel(model); w.err != nil {
			return
		}
		if w.cols, w.err = EncodedColumns(w.m); w.err != nil {
			return
		}
		if encoding {
			w.enc, w.err = NewRowEncoder(w.m, spec.Header, spec.Seed)
		}
	})
	return w.err
}

// openCodecOutput opens a split's temporary file.
func openCodecOutput(ctx context.Context, spec codecSpec, sp CodecSplit) (ShardResult, io.WriteCloser, *countingWriter, func(), error) {
	res := ShardResult{
		Index: sp.Index, Total: sp.Total,
		Final: ShardName(spec.Prefix, sp.Index, sp.Total, spec.Format, spec.Compression),
	}
	res.Temp = TempDir(spec.Prefix, spec.RunID) + "/" + path.Base(res.Final)
	fs, err := filesystem.New(ctx, res.Temp)
	if err != nil {
		return res, nil, nil, nil, err
	}
	f, err := fs.OpenWrite(ctx, res.Temp)
	if err != nil {
		fs.Close()
		return res, nil, nil, nil, fmt.Errorf("write %s: %w", res.Temp, err)
	}
	cw := &countingWriter{w: f, crc: crc32.New(crc32.MakeTable(crc32.Castagnoli))}
	return res, f, cw, func() { fs.Close() }, nil
}

func (w *codecWorker) encode(ctx context.Context, spec codecSpec, model []byte, sp CodecSplit, emit func(ShardResult)) error {
	progress := rowCount(spec.Hooks)
	if err := w.prepare(spec, model, true); err != nil {
		return err
	}
	res, f, cw, done, err := openCodecOutput(ctx, spec, sp)
	if err != nil {
		return err
	}
	defer done()
	bw := bufio.NewWriterSize(cw, 4<<20)
	pw, err := newEncodedWriter(bw, w.cols, spec.Compression)
	if err != nil {
		f.Close()
		return err
	}
	vals := make([]EncodedValue, len(w.m.Columns))
	var n int64
	err = tableio.Read(ctx, sp.Split, spec.Header, func(offset, _ int64, fields []string) error {
		if err := w.enc.Encode(sp.Split.Path, offset, fields, vals); err != nil {
			return err
		}
		n++
		if n%65536 == 0 {
			progress(65536)
		}
		return pw.add(vals)
	})
	if err == nil {
		err = pw.close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", res.Temp, cerr)
	}
	if err != nil {
		return err
	}
	return finishCodecShard(ctx, res, n, cw, emit)
}

func (w *codecWorker) decode(ctx context.Context, spec codecSpec, model []byte, sp CodecSplit, emit func(ShardResult)) error {
	progress := rowCount(spec.Hooks)
	if err := w.prepare(spec, model, false); err != nil {
		return err
	}
	// A decoder per split: it holds scratch space.
	dec, err := NewRowDecoder(w.m, spec.Header)
	if err != nil {
		return err
	}
	dec.Clamp = spec.Clamp
	res, f, cw, done, err := openCodecOutput(ctx, spec, sp)
	if err != nil {
		return err
	}
	defer done()
	out, finish, err := csvOutput(cw, spec.Compression)
	if err != nil {
		f.Close()
		return err
	}
	vals := make([]EncodedValue, len(w.m.Columns))
	buf := dec.AppendCSVHeader(make([]byte, 0, 1<<20))
	var n int64
	err = tableio.Read(ctx, sp.Split, spec.Header, func(_, _ int64, fields []string) error {
		if err := dec.Parse(fields, vals); err != nil {
			return err
		}
		var err error
		if buf, err = dec.AppendCSV(buf, vals); err != nil {
			return err
		}
		n++
		if n%65536 == 0 {
			progress(65536)
		}
		if len(buf) >= 1<<20 {
			_, err = out.Write(buf)
			buf = buf[:0]
		}
		return err
	})
	if err == nil {
		_, err = out.Write(buf)
	}
	if err == nil {
		err = finish()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", res.Temp, cerr)
	}
	if err != nil {
		return err
	}
	return finishCodecShard(ctx, res, n, cw, emit)
}

// csvOutput wraps w in the CSV compression; finish flushes it.
func csvOutput(w io.Writer, compression string) (io.Writer, func() error, error) {
	switch compression {
	case "", tableio.CompressionNone:
		return w, func() error { return nil }, nil
	case tableio.CompressionGzip:
		z, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	case tableio.CompressionZstd:
		z, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	}
	return nil, nil, fmt.Errorf("unknown compression %q for csv (want none, zstd or gzip)", compression)
}

func finishCodecShard(ctx context.Context, res ShardResult, rows int64, cw *countingWriter, emit func(ShardResult)) error {
	res.Rows, res.Bytes, res.CRC32C = rows, cw.n, cw.crc.Sum32()
	beam.NewCounter("vgmsynth", "rows_read").Inc(ctx, rows)
	beam.NewCounter("vgmsynth", "rows_written").Inc(ctx, rows)
	beam.NewCounter("vgmsynth", "bytes_written").Inc(ctx, res.Bytes)
	emit(res)
	return nil
}

// encodedWriter writes encoded rows as a Parquet file.
type encodedWriter struct {
	w    *parquet.Writer
	cols []EncodedColumn
	rows []parquet.Row
	n    int
}

// encodedBatch is the rows written at a time.
const encodedBatch = 1024

func newEncodedWriter(out io.Writer, cols []EncodedColumn, compression string) (*encodedWriter, error) {
	c, err := tableio.ParquetCodec(compression)
	if err != nil {
		return nil, err
	}
	codec := parquet.Compression(c)
	group := tableio.NewOrderedGroup()
	for _, c := range cols {
		var node parquet.Node
		switch c.Part {
		case PartAlpha:
			node = parquet.Leaf(parquet.DoubleType)
		case PartMode, PartIndex:
			node = parquet.Int(32)
		default:
			node = parquet.String()
		}
		group.Add(c.Name, parquet.Optional(node))
	}
	ew := &encodedWriter{
		w: parquet.NewWriter(out, parquet.NewSchema("vgmsynth_encoded", group), codec,
			parquet.MaxRowsPerRowGroup(tableio.ParquetRowGroupRows),
			parquet.CreatedBy("vgmsynth", "1", "")),
		cols: cols,
		rows: make([]parquet.Row, encodedBatch),
	}
	for i := range ew.rows {
		ew.rows[i] = make(parquet.Row, len(cols))
	}
	return ew, nil
}

// add appends one row of values (one per model column).
func (ew *encodedWriter) add(vals []EncodedValue) error {
	row := ew.rows[ew.n]
	for i, c := range ew.cols {
		v := vals[c.Column]
		var pv parquet.Value
		switch {
		case v.Null:
			pv = parquet.NullValue().Level(0, 0, i)
		case c.Part == PartAlpha:
			pv = parquet.DoubleValue(v.Alpha).Level(0, 1, i)
		case c.Part == PartMode, c.Part == PartIndex:
			pv = parquet.Int32Value(v.Mode).Level(0, 1, i)
		default:
			pv = parquet.ByteArrayValue([]byte(v.Text)).Level(0, 1, i)
		}
		row[i] = pv
	}
	ew.n++
	if ew.n == len(ew.rows) {
		return ew.flush()
	}
	return nil
}

func (ew *encodedWriter) flush() error {
	if ew.n == 0 {
		return nil
	}
	if _, err := ew.w.WriteRows(ew.rows[:ew.n]); err != nil {
		return fmt.Errorf("write parquet rows: %w", err)
	}
	ew.n = 0
	return nil
}

func (ew *encodedWriter) close() error {
	if err := ew.flush(); err != nil {
		return err
	}
	if err := ew.w.Close(); err != nil {
		return fmt.Errorf("close parquet file: %w", err)
	}
	return nil
}

// finalizeCodecFn renames the files of Encode or Decode to their final
// names and writes the manifest, with the rows the files hold, as Finalize
// does for generated files.
type finalizeCodecFn struct {
	Spec   codecSpec
	Shards int
}

func (fn *finalizeCodecFn) ProcessElement(ctx context.Context, _ []byte, results func(*ShardResult) bool, emit func(string)) error {
	byIndex := map[int]ShardResult{}
	var r ShardResult
	for results(&r) {
		byIndex[r.Index] = r
	}
	prefix := fn.Spec.Prefix
	if len(byIndex) != fn.Shards {
		return fmt.Errorf("finalize %s: %d of %d files were written", prefix, len(byIndex), fn.Shards)
	}
	fs, err := filesystem.New(ctx, prefix)
	if err != nil {
		return err
	}
	defer fs.Close()
	man := Manifest{Format: fn.Spec.Format, Seed: fn.Spec.Seed, Created: time.Now().UTC()}
	var temps []string
	for i := 0; i < fn.Shards; i++ {
		r := byIndex[i]
		temps = append(temps, r.Temp)
		man.Rows += r.Rows
		man.Shards = append(man.Shards, ManifestShard{Path: r.Final, Rows: r.Rows, Bytes: r.Bytes, CRC32C: r.CRC32C})
	}
	// The same journaled commit as Finalize's: see there.
	if err := commit(ctx, fs, prefix, fn.Spec.RunID, man, temps); err != nil {
		return err
	}
	emit(ManifestName(prefix))
	return nil
}
