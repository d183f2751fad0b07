package table

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/privacy"
	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// FormatVersion is the version of the model file this package writes. A
// reader refuses files of a newer version.
const FormatVersion = 2

// MaxModelBytes bounds the size of a model file a reader accepts, so that a
// hostile file cannot exhaust memory.
const MaxModelBytes = 64 << 20

// Limits on what a model file may hold.
const (
	MaxColumns    = 10000
	MaxCategories = 100000
	// MaxListLength bounds every JSON array of a model file: no valid model
	// has a longer one (categories are the longest lists).
	MaxListLength = MaxCategories
	// MaxModelElements bounds the array elements of a whole model file,
	// far above what a 64 MiB file written by Encode holds, so that a
	// compact hostile file cannot decode into gigabytes.
	MaxModelElements = 8 << 20
	// maxModelDepth bounds the nesting of a model file's JSON.
	maxModelDepth = 32
)

// Model is a fitted table model: everything needed to generate rows, and
// nothing of the real rows themselves beyond the per-column summaries
// listed here (bounds, category frequencies, mixture parameters).
type Model struct {
	FormatVersion int    `json:"format_version"`
	ModelType     string `json:"model_type"`
	// RowsSeen counts the input rows; SampleSize the rows fitted on.
	RowsSeen   int64    `json:"rows_seen"`
	SampleSize int      `json:"sample_size"`
	Seed       uint64   `json:"seed"`
	Columns    []Column `json:"columns"`
	// Delimiter is the CSV input's field delimiter where it is not a
	// comma (";", "|" or a tab); CSV output is written with it.
	Delimiter string `json:"delimiter,omitempty"`
	// Network and Copula tie the columns together (model type "network").
	Network *Network `json:"network,omitempty"`
	Copula  *Copula  `json:"copula,omitempty"`
	// Rules hold in every generated row (see RuleOptions).
	Rules []rules.Rule `json:"rules,omitempty"`
	// Forest is the mixture of model type "forest" (format version 2).
	Forest *Forest `json:"forest,omitempty"`
	// Privacy is the differential-privacy guarantee of a private fit
	// (FitOptions.Privacy) and the mechanisms that spent it; nil for an
	// ordinary fit.
	Privacy *privacy.Budget `json:"privacy,omitempty"`
	// Conditions restrict the generated rows (conditional generation):
	// they are no part of a fitted model, but set on its bytes for one
	// run by SetConditions.
	Conditions []Conditional `json:"conditions,omitempty"`
}

// Column is the model of one column.
type Column struct {
	Name         string  `json:"name"`
	Kind         Kind    `json:"kind"`
	NullFraction float64 `json:"null_fraction"`
	// Min and Max bound generated values of numeric kinds (datetimes in
	// seconds since the epoch).
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Format Format   `json:"format"`
	// VGM is the value distribution of numeric kinds, beside Atoms.
	VGM *vgm.Mixture `json:"vgm,omitempty"`
	// Atoms are point masses of numeric kinds: values so frequent that
	// they are drawn as such (a zero-inflated amount's zero).
	Atoms []Atom `json:"atoms,omitempty"`
	// Tails are the extremes of numeric kinds.
	Tails *Tails `json:"tails,omitempty"`
	// Lattice is the set of values a float or integer column takes,
	// where they are few, irregular and repeated (see Lattice); nil
	// otherwise, and always in a private model.
	Lattice *Lattice `json:"lattice,omitempty"`
	// Categories are the values of categorical and boolean columns with
	// their frequencies among non-null values.
	Categories []Category `json:"categories,omitempty"`
	// Text writes new values where a categorical column draws
	// NovelCategory, the stand-in of its rare values.
	Text *TextModel `json:"text,omitempty"`
}

// Category is one value of a discrete column and its frequency.
type Category struct {
	Value     string  `json:"value"`
	Frequency float64 `json:"frequency"`
}

// ModelTypeIndependent generates every column from its own marginal.
const ModelTypeIndependent = "independent"

// Validate checks a model for consistency, so that a corrupt or hand-edited
// file is refused before any work starts.
func (m *Model) Validate() error {
	if m.FormatVersion < 1 {
		return fmt.Errorf("model: format_version %d is missing or invalid", m.FormatVersion)
	}
	if m.FormatVersion > FormatVersion {
		return fmt.Errorf("model: format_version %d is newer than this vgmsynth understands (%d): upgrade vgmsynth", m.FormatVersion, FormatVersion)
	}
	if !knownModelType(m.ModelType) {
		return fmt.Errorf("model: unknown model_type %q (want %s)", m.ModelType, modelTypeList)
	}
	if len(m.Columns) == 0 {
		return errors.New("model: no columns")
	}
	if len(m.Columns) > MaxColumns {
		return fmt.Errorf("model: %d columns, at most %d allowed", len(m.Columns), MaxColumns)
	}
	names := map[string]bool{}
	for i := range m.Columns {
		c := &m.Columns[i]
		if names[c.Name] {
			return fmt.Errorf("model: column %q appears twice", c.Name)
		}
		names[c.Name] = true
		if err := c.validate(); err != nil {
			return fmt.Errorf("model: column %q: %w", c.Name, err)
		}
	}
	if err := m.validateRules(); err != nil {
		return err
	}
	if _, err := m.compileConditions(); err != nil {
		return err
	}
	if m.Privacy != nil {
		if err := m.Privacy.Validate(); err != nil {
			return fmt.Errorf("model: %w", err)
		}
		for i := range m.Columns {
			if m.Columns[i].Lattice != nil {
				return fmt.Errorf("model: column %q: a private model stores no lattice (its values are exact values of the data)", m.Columns[i].Name)
			}
		}
	}
	switch m.ModelType {
	case ModelTypeIndependent:
		if m.Network != nil || m.Copula != nil || m.Forest != nil {
			return errors.New("model: an independent model has no network, copula or forest")
		}
		return nil
	case ModelTypeForest:
		return m.validateForest()
	}
	if m.Forest != nil {
		return errors.New("model: a network or copula model has no forest")
	}
	return m.validateJoint()
}

func (c *Column) validate() error {
	if _, ok := kindNames[c.Kind]; !ok {
		return fmt.Errorf("unknown kind %d", c.Kind)
	}
	if !(c.NullFraction >= 0 && c.NullFraction <= 1) {
		return fmt.Errorf("null_fraction %v is not in [0, 1]", c.NullFraction)
	}
	if c.Format.Step < 0 || c.Format.Step > 86400 {
		return fmt.Errorf("step %d is not in [0, 86400]", c.Format.Step)
	}
	if c.Format.Decimals < 0 || c.Format.Decimals > 17 {
		return fmt.Errorf("format.decimals %d is not in [0, 17]", c.Format.Decimals)
	}
	if c.Lattice != nil && (c.Kind != Float && c.Kind != Integer || c.NullFraction == 1) {
		return fmt.Errorf("a %s column has no lattice: only float and integer columns with values have one", c.Kind)
	}
	switch {
	case c.Kind.Numeric():
		if c.NullFraction == 1 {
			return nil
		}
		if c.VGM == nil {
			return errors.New("numeric column has no vgm")
		}
		if err := c.VGM.Validate(); err != nil {
			return err
		}
		if len(c.Atoms) > MaxAtoms {
			return fmt.Errorf("%d atoms, at most %d allowed", len(c.Atoms), MaxAtoms)
		}
		w := 0.0
		for i, a := range c.Atoms {
			if !finite(a.Value) || !(a.Frequency > 0) || (i > 0 && a.Value <= c.Atoms[i-1].Value) {
				return fmt.Errorf("atom %d: want finite values in ascending order with positive frequencies", i)
			}
			w += a.Frequency
		}
		if w > 1+1e-9 {
			return fmt.Errorf("atom frequencies sum to %v, more than 1", w)
		}
		if t := c.Tails; t != nil {
			if !(t.P > 0 && t.P <= 0.5) || len(t.Low) < 2 || len(t.Low) != len(t.High) || len(t.Low) > 1024 {
				return errors.New("tails: want p in (0, 0.5] and two equal tables of 2 to 1024 quantiles")
			}
			for i, v := range append(slices.Clone(t.Low), t.High...) {
				if !finite(v) || (i > 0 && i != len(t.Low) && v < append(slices.Clone(t.Low), t.High...)[i-1]) {
					return errors.New("tails: quantiles must be finite and ascending")
				}
			}
		}
		if c.Min == nil || c.Max == nil || !finite(*c.Min) || !finite(*c.Max) || *c.Min > *c.Max {
			return errors.New("min and max must be finite numbers with min <= max")
		}
		if c.Kind == Datetime && c.Format.Layout == "" {
			return errors.New("datetime column has no format.layout")
		}
		if c.Lattice != nil {
			if err := c.Lattice.validate(c); err != nil {
				return err
			}
		}
	case c.Kind == Categorical || c.Kind == Boolean:
		if len(c.Categories) > MaxCategories {
			return fmt.Errorf("%d categories, at most %d allowed", len(c.Categories), MaxCategories)
		}
		if len(c.Categories) == 0 && c.NullFraction < 1 {
			return errors.New("no categories, yet not all null")
		}
		sum := 0.0
		for _, cat := range c.Categories {
			if !(cat.Frequency >= 0) || !finite(cat.Frequency) {
				return fmt.Errorf("category %q has frequency %v", cat.Value, cat.Frequency)
			}
			sum += cat.Frequency
		}
		if len(c.Categories) > 0 && math.Abs(sum-1) > 1e-6 {
			return fmt.Errorf("category frequencies sum to %v, not 1", sum)
		}
		novel := slices.ContainsFunc(c.Categories, func(cat Category) bool { return cat.Value == NovelCategory })
		if novel != (c.Text != nil) {
			return errors.New("a text model goes with the category of new values, and only with it")
		}
		if c.Text != nil {
			if err := c.Text.validate(); err != nil {
				return err
			}
		}
	case c.Kind == ID:
		slots, err := parseTemplate(c.Format.Template)
		if err != nil {
			return err
		}
		if len(slots) == 0 || idSpace(slots) == 1 {
			return errors.New("id column has no template")
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// ReadModel reads and validates a model file.
func ReadModel(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if len(data) > MaxModelBytes {
		return nil, fmt.Errorf("model: file is larger than %d MiB", MaxModelBytes>>20)
	}
	return DecodeModel(data)
}

// DecodeModel parses and validates a model file's bytes. The sizes of the
// file's lists are checked before it is decoded, so that a hostile file
// is refused before it takes memory.
func DecodeModel(data []byte) (*Model, error) {
	if len(data) > MaxModelBytes {
		return nil, fmt.Errorf("model: file is larger than %d MiB", MaxModelBytes>>20)
	}
	if err := checkShape(data); err != nil {
		return nil, err
	}
	var m Model
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		var probe struct {
			FormatVersion int `json:"format_version"`
		}
		if json.Unmarshal(data, &probe) == nil && probe.FormatVersion > FormatVersion {
			return nil, fmt.Errorf("model: format_version %d is newer than this vgmsynth understands (%d): upgrade vgmsynth", probe.FormatVersion, FormatVersion)
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return nil, errors.New("model: not a valid vgmsynth model file: unexpected end of the file (is it truncated?)")
		case errors.As(err, &syn):
			return nil, fmt.Errorf("model: not a valid vgmsynth model file: %s: %w", position(data, syn.Offset), err)
		case errors.As(err, &typ):
			return nil, fmt.Errorf("model: not a valid vgmsynth model file: %s: %w", position(data, typ.Offset), err)
		}
		return nil, fmt.Errorf("model: not a valid vgmsynth model file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("model: not a valid vgmsynth model file: more data after the model's JSON object")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// position words a byte offset of data as a line and column.
func position(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// checkShape scans a model file's JSON without decoding it and refuses
// lists longer than MaxListLength, more than MaxModelElements elements in
// all, or nesting deeper than maxModelDepth. It does not check the syntax:
// the decoder does.
func checkShape(data []byte) error {
	var depth int
	var isArray [maxModelDepth]bool
	var count [maxModelDepth]int
	total := 0
	inString, escaped := false, false
	for i, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth > 0 && isArray[depth-1] && count[depth-1] == 0 {
				count[depth-1] = 1
			}
			if depth == maxModelDepth {
				return fmt.Errorf("model: not a valid vgmsynth model file: nested more than %d deep at %s", maxModelDepth, position(data, int64(i)))
			}
			isArray[depth], count[depth] = c == '[', 0
			depth++
			continue
		case ']', '}':
			if depth > 0 {
				depth--
				if isArray[depth] {
					total += count[depth]
				}
			}
			continue
		case ',':
			if depth > 0 && isArray[depth-1] {
				count[depth-1]++
				if count[depth-1] > MaxListLength {
					return fmt.Errorf("model: a list at %s has more than %d elements, more than any valid model file holds", position(data, int64(i)), MaxListLength)
				}
				if total+count[depth-1] > MaxModelElements {
					return fmt.Errorf("model: the file holds more than %d list elements, more than any valid model file", MaxModelElements)
				}
			}
			continue
		case ' ', '\t', '\n', '\r':
			continue
		}
		if depth > 0 && isArray[depth-1] && count[depth-1] == 0 {
			count[depth-1] = 1 // the first element
		}
	}
	return nil
}

// Encode returns the model as indented JSON; a forest's components,
// thousands of them, one to a line (see encodeForest).
func (m *Model) Encode() ([]byte, error) {
	if m.Forest != nil && len(m.Forest.Components) > 0 {
		return m.encodeForest()
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return append(b, '\n'), nil
}

// SetDelimiter returns a model file's bytes with the CSV delimiter d
// recorded (',' records none).
func SetDelimiter(data []byte, d byte) ([]byte, error) {
	m, err := DecodeModel(data)
	if err != nil {
		return nil, err
	}
	m.Delimiter = ""
	if d != ',' {
		m.Delimiter = string(rune(d))
	}
	return m.Encode()
}
