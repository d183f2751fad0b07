// Package evaluate loads a real and a synthetic table (CSV or Parquet,
// local or gs://) into memory, sampled down when large, types their
// columns and scores the synthetic one against the real one with
// vgm/quality.
package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/quality"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// DefaultEvaluateMaxRows is the default EvaluateOptions.MaxRows: the most
// rows of each table loaded into memory for an evaluation.
const DefaultEvaluateMaxRows = 1_000_000

// EvaluateOptions tunes EvaluateFiles and EvaluateLoaded. The zero value is
// ready to use.
type EvaluateOptions struct {
	// MaxRows caps the rows loaded from each table: a larger table is
	// sampled down to MaxRows rows, uniformly and seeded (see LoadTable).
	// The quality metrics subsample further (quality.DefaultMaxRows). 0
	// means DefaultEvaluateMaxRows; a negative value loads every row.
	MaxRows int
	// Seed seeds the load samples and the quality score's own samples;
	// equal seeds give equal reports.
	Seed uint64
	// ScoreIDs scores identifier columns (kind table.ID: distinct values of
	// one shape, such as "ORD-00042") as categorical columns. By default
	// they are left out, as SDMetrics leaves out columns of sdtype id:
	// vgmsynth never copies a real identifier, so such a column would score
	// 0, and every pair with it would count as a perfect real association
	// that the synthetic data lacks.
	ScoreIDs bool
	// Logic adds the logic-of-the-table figures to the report (detection,
	// rules, seasonality; see quality.LogicOf), on up to
	// quality.DefaultDetectionRows rows of each table for detection.
	Logic bool
	// Target and Holdout ask for the ML efficacy test as well (with Logic):
	// predict column Target of the real rows in Holdout (a path or glob,
	// typed as the real table) from their other columns, trained on the
	// real and on the synthetic table.
	Target, Holdout string
}

// maxRows returns the load cap in force: 0 for no cap.
func (o EvaluateOptions) maxRows() int {
	switch {
	case o.MaxRows == 0:
		return DefaultEvaluateMaxRows
	case o.MaxRows < 0:
		return 0
	}
	return o.MaxRows
}

// where it came from.
type EvaluatedTable struct {
	// Glob is the pattern the table was read from.
	Glob string
	// Files are the files the glob matched.
	Files []string
	// TotalRows is the number of rows in the files; Table holds all of
	// them or a uniform sample (EvaluateOptions.MaxRows).
	TotalRows int64
	// Table is the table converted for quality.Evaluate, its columns in the
	// real table's order.
	Table quality.Table
	// Skipped names the columns left out of Table because the real values
	// are identifiers (see EvaluateOptions.ScoreIDs), on both sides.
	Skipped []string
}

// Evaluation is the result of EvaluateLoaded: the report and the two tables
// it scored, which WriteHTMLReport draws.
type Evaluation struct {
	// Report is the quality report.
	Report *quality.Report
	// Real and Synthetic are the tables scored.
	Real, Synthetic EvaluatedTable
}

// EvaluateFiles loads the real and the synthetic table (see LoadTable) and
// scores the synthetic one against the real one with quality.Evaluate. See
// EvaluateLoaded for how the columns are typed.
func EvaluateFiles(ctx context.Context, realGlob, synthGlob string, opt EvaluateOptions) (*quality.Report, error) {
	ev, err := Evaluate(ctx, realGlob, synthGlob, opt)
	if err != nil {
		return nil, err
	}
	return ev.Report, nil
}

// Evaluate is EvaluateFiles returning the scored tables as well, for
// WriteHTMLReport. It checks that the columns match before loading
// anything, and loads, converts and drops the text of one table before
// loading the other, so that at most one table's text is in memory at once.
func Evaluate(ctx context.Context, realGlob, synthGlob string, opt EvaluateOptions) (*Evaluation, error) {
	var heads [2]tableHead
	for i, glob := range []string{realGlob, synthGlob} {
		var err error
		if heads[i], err = readHead(ctx, glob); err != nil {
			return nil, fmt.Errorf("%s table: %w", sideNames[i], err)
		}
	}
	if err := sameColumns(heads[0], heads[1]); err != nil {
		return nil, err
	}
	real, err := LoadTable(ctx, realGlob, opt.maxRows(), opt.Seed)
	if err != nil {
		return nil, fmt.Errorf("real table: %w", err)
	}
	kinds := make(map[string]table.Inferred, len(real.Header))
	rt, err := convertLoaded(sideNames[0], real, real.Header, kinds, opt, true)
	if err != nil {
		return nil, err
	}
	syn, err := LoadTable(ctx, synthGlob, opt.maxRows(), opt.Seed)
	if err != nil {
		return nil, fmt.Errorf("synthetic table: %w", err)
	}
	// A file may have changed since its header was read.
	if err := sameColumns(tableHead{real.Header, real.Files[0]}, tableHead{syn.Header, syn.Files[0]}); err != nil {
		return nil, err
	}
	st, err := convertLoaded(sideNames[1], syn, rt.columnNames(), kinds, opt, true)
	if err != nil {
		return nil, err
	}
	st.Skipped = rt.Skipped
	var hold *quality.Table
	if opt.Logic && opt.Holdout != "" {
		h, err := LoadTable(ctx, opt.Holdout, opt.maxRows(), opt.Seed)
		if err != nil {
			return nil, fmt.Errorf("holdout table: %w", err)
		}
		if err := sameColumns(tableHead{real.Header, real.Files[0]}, tableHead{h.Header, h.Files[0]}); err != nil {
			return nil, err
		}
		ht, err := convertLoaded("holdout", h, rt.columnNames(), kinds, opt, true)
		if err != nil {
			return nil, err
		}
		hold = &ht.Table
	}
	return score(rt, st, hold, opt)
}

// sideNames name the two tables in errors.
var sideNames = [2]string{"real", "synthetic"}

// EvaluateLoaded scores syn against real.
//
// Both tables must have the same column names, in any order. Each column's
// kind is inferred from the real table's values with table.Infer, and both
// tables are converted with it: Float and Integer columns are
// quality.Numeric, Datetime columns quality.Datetime (seconds since the
// epoch, parsed with the real column's layout, or with another recognised
// layout where a synthetic value is written differently), Boolean columns
// quality.Boolean (compared case-insensitively) and Categorical columns
// quality.Categorical. ID columns are left out (EvaluatedTable.Skipped), or
// scored as quality.Categorical with opt.ScoreIDs. The empty string is null.
//
// A synthetic value that does not parse as its column's kind (text in a
// numeric column, "NaN" or "Inf", a date in no recognised layout, a boolean
// other than true or false) is an error naming the file, the line and the
// column: it is never silently counted as null, since a generator that
// writes such values has a bug worth seeing.
//
// opt.MaxRows is not used here: it applies when loading. real and syn are
// not modified.
func EvaluateLoaded(real, syn *Loaded, opt EvaluateOptions) (*Evaluation, error) {
	if err := sameColumns(tableHead{real.Header, real.Files[0]}, tableHead{syn.Header, syn.Files[0]}); err != nil {
		return nil, err
	}
	kinds := make(map[string]table.Inferred, len(real.Header))
	rt, err := convertLoaded(sideNames[0], real, real.Header, kinds, opt, false)
	if err != nil {
		return nil, err
	}
	st, err := convertLoaded(sideNames[1], syn, rt.columnNames(), kinds, opt, false)
	if err != nil {
		return nil, err
	}
	st.Skipped = rt.Skipped
	return score(rt, st, nil, opt)
}

// score runs quality.Evaluate on two converted tables, with the holdout
// rows of the efficacy test when not nil.
func score(real, syn EvaluatedTable, hold *quality.Table, opt EvaluateOptions) (*Evaluation, error) {
	qo := quality.Options{Seed: opt.Seed}
	if opt.Logic {
		qo.Logic = &quality.LogicOptions{Target: opt.Target, Holdout: hold}
	}
	rep, err := quality.Evaluate(real.Table, syn.Table, qo)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Report: rep, Real: real, Synthetic: syn}, nil
}

// columnNames returns the names of the table's columns, in order.
func (t EvaluatedTable) columnNames() []string {
	out := make([]string, len(t.Table.Columns))
	for i, c := range t.Table.Columns {
		out[i] = c.Name
	}
	return out
}

// tableHead is a table's column names and the file they were read from.
type tableHead struct {
	header []string
	file   string
}

// readHead reads the header of the first file glob matches.
func readHead(ctx context.Context, glob string) (tableHead, error) {
	files, err := tableio.Files(ctx, glob)
	if err != nil {
		return tableHead{}, err
	}
	header, err := tableio.Header(ctx, files[0])
	if err != nil {
		return tableHead{}, err
	}
	return tableHead{header, files[0]}, nil
}

// sameColumns checks that both tables have the same column names.
func sameColumns(real, syn tableHead) error {
	for _, name := range real.header {
		if !slices.Contains(syn.header, name) {
			return fmt.Errorf("column %q is in the real table (%s) but not in the synthetic table (%s, columns: %s)",
				name, real.file, syn.file, strings.Join(syn.header, ", "))
		}
	}
	for _, name := range syn.header {
		if !slices.Contains(real.header, name) {
			return fmt.Errorf("column %q is in the synthetic table (%s) but not in the real table (%s, columns: %s)",
				name, syn.file, real.file, strings.Join(real.header, ", "))
		}
	}
	return nil
}

// convertLoaded converts l's columns, in the order names gives, for
// quality.Evaluate. A column's kind is looked up in kinds by name, or
// inferred from its non-null values and stored there: the real table fills
// kinds, the synthetic one uses them. Columns of kind ID are left out
// unless opt.ScoreIDs is set. which names the table in errors. release
// drops l's text once converted, so that it can be freed before the
// caller's next step.
func convertLoaded(which string, l *Loaded, names []string, kinds map[string]table.Inferred, opt EvaluateOptions, release bool) (EvaluatedTable, error) {
	if l.Len() == 0 {
		return EvaluatedTable{}, fmt.Errorf("%s table %s has no rows", which, l.Glob)
	}
	var t quality.Table
	var skipped []string
	for _, name := range names {
		k := l.column(name)
		if k < 0 {
			return EvaluatedTable{}, fmt.Errorf("%s table %s has no column %q", which, l.Glob, name)
		}
		values := l.Column(k)
		inf, ok := kinds[name]
		if !ok {
			inf = table.Infer(nonNull(values))
			kinds[name] = inf
		}
		if inf.Kind == table.ID && !opt.ScoreIDs {
			skipped = append(skipped, name)
			continue
		}
		col, err := convertColumn(l, k, values, inf)
		if err != nil {
			return EvaluatedTable{}, fmt.Errorf("%s table: %w", which, err)
		}
		t.Columns = append(t.Columns, col)
	}
	if len(t.Columns) == 0 {
		return EvaluatedTable{}, fmt.Errorf("%s table %s: no column to score: every column (%s) holds identifiers",
			which, l.Glob, strings.Join(skipped, ", "))
	}
	if release {
		l.rows = nil
	}
	return EvaluatedTable{Glob: l.Glob, Files: l.Files, TotalRows: l.TotalRows, Table: t, Skipped: skipped}, nil
}

// nonNull returns the non-empty values of a column.
func nonNull(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// qualityKind maps a table kind to the quality kind it is scored as.
func qualityKind(k table.Kind) quality.Kind {
	switch k {
	case table.Float, table.Integer:
		return quality.Numeric
	case table.Datetime:
		return quality.Datetime
	case table.Boolean:
		return quality.Boolean
	}
	return quality.Categorical
}

// maxIntern is the most distinct values per categorical column that
// convertColumn shares one copy of; rarer values are copied each time.
const maxIntern = 1 << 16

// errNotBoolean reports a value of a Boolean column that is neither true
// nor false.
var errNotBoolean = errors.New("not true or false")

// convertColumn converts the values of column j of l to a quality column
// of the kind inf says, naming the row and column of a value that does not
// fit.
func convertColumn(l *Loaded, j int, values []string, inf table.Inferred) (quality.Column, error) {
	c := quality.Column{Name: l.Header[j], Kind: qualityKind(inf.Kind)}
	fail := func(i int, err error) error {
		return fmt.Errorf("%s: column %q: value %q is not a %s like the real table's values: %w",
			l.Where(i), l.Header[j], values[i], inf.Kind, err)
	}
	switch c.Kind {
	case quality.Numeric, quality.Datetime:
		c.Num = make([]float64, len(values))
		for i, v := range values {
			if v == "" {
				c.Num[i] = math.NaN()
				continue
			}
			x, err := table.ParseValue(inf.Kind, inf.Format, v)
			if err != nil && inf.Kind == table.Datetime {
				// Another recognised layout: the same instant written
				// differently is the same value.
				if f, ok := table.FormatFor(table.Datetime, []string{v}); ok {
					x, err = table.ParseValue(inf.Kind, f, v)
				}
			}
			if err != nil {
				return c, fail(i, err)
			}
			c.Num[i] = x
		}
	default:
		c.Cat = make([]string, len(values))
		var null []bool
		// Copy the values out of the row text, once per distinct value, so
		// that the column does not keep whole rows alive.
		intern := make(map[string]string)
		for i, v := range values {
			if v == "" {
				if null == nil {
					null = make([]bool, len(values))
				}
				null[i] = true
				continue
			}
			if c.Kind == quality.Boolean {
				switch {
				case strings.EqualFold(v, "true"):
					v = "true"
				case strings.EqualFold(v, "false"):
					v = "false"
				default:
					return c, fail(i, errNotBoolean)
				}
			}
			if u, ok := intern[v]; ok {
				v = u
			} else {
				v = strings.Clone(v)
				if len(intern) < maxIntern {
					intern[v] = v
				}
			}
			c.Cat[i] = v
		}
		c.Null = null
	}
	return c, nil
}
