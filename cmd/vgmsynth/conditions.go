package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vgmsynth/vgmsynth/pipeline"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// conditionFlags registers --where and --conditions, the flags of
// conditional generation, and returns a function that reads them: the
// Conditionals, and the rows a conditions file asks for (0 without one).
func conditionFlags(fs *flag.FlagSet) func() ([]table.Conditional, int64, error) {
	ownFlags["where"] = true
	var where listFlag
	fs.Var(&where, "where", `generate only rows that meet a condition: column, operator (= != < <= > >=) and value as the column prints it, such as 'weather=rain' or 'temp_max>=20'; repeat it for several (all hold)`)
	file := stringFlag(fs, "conditions", "", `CSV file of conditions and row counts: a header of columns plus "rows", then one line per condition, such as "rain,300"; the output holds exactly those rows, in order (--rows may be left out)`)
	return func() ([]table.Conditional, int64, error) {
		var all []table.Condition
		for _, w := range where {
			c, err := table.ParseCondition(w)
			if err != nil {
				return nil, 0, usageError{fmt.Errorf("--where %s: %w", quoteArg(w), err)}
			}
			all = append(all, c)
		}
		if *file == "" {
			if len(all) == 0 {
				return nil, 0, nil
			}
			return []table.Conditional{{Where: all}}, 0, nil
		}
		conds, err := readConditions(*file)
		if err != nil {
			return nil, 0, usageError{err}
		}
		var total int64
		for i := range conds {
			conds[i].Where = append(conds[i].Where, all...)
			total += conds[i].Rows
		}
		return conds, total, nil
	}
}

// rowCount reads --rows (rows) beside the rows that a conditions file
// asks for (condRows, 0 without one): either may be left out, and they
// must agree.
func rowCount(rows string, condRows int64) (int64, error) {
	if rows == "" {
		if condRows == 0 {
			return 0, usageError{errors.New("--rows is required")}
		}
		return condRows, nil
	}
	n, err := parseCount(rows)
	if err != nil {
		return 0, usageError{fmt.Errorf("--rows: %w", err)}
	}
	if condRows != 0 && n != condRows {
		return 0, usageError{fmt.Errorf("--rows %s disagrees with the %d rows that --conditions asks for", rows, condRows)}
	}
	return n, nil
}

// readConditions reads a conditions file: a CSV header naming columns and
// "rows", then one line per Conditional. A cell is the value its column
// must equal, a value after an operator (">=20", "!=sun"), or empty for no
// condition on that column.
func readConditions(path string) ([]table.Conditional, error) {
	data, err := readSmallFile("conditions", path, 16<<20)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("--conditions %s: want a CSV header of columns and \"rows\": %w", path, err)
	}
	rowsAt := -1
	for j, h := range header {
		if h == "rows" {
			rowsAt = j
		}
	}
	if rowsAt < 0 || len(header) < 2 {
		return nil, fmt.Errorf(`--conditions %s: the header %q needs a "rows" column beside the columns conditioned on`, path, strings.Join(header, ","))
	}
	var conds []table.Conditional
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("--conditions %s: %w", path, err)
		}
		var cd table.Conditional
		if cd.Rows, err = parseCount(rec[rowsAt]); err != nil || cd.Rows == 0 {
			return nil, fmt.Errorf("--conditions %s:%d: column rows: %q is not a row count of 1 or more", path, line, rec[rowsAt])
		}
		for j, cell := range rec {
			if j == rowsAt || cell == "" {
				continue
			}
			c := table.Condition{Column: header[j], Op: "=", Value: cell}
			if strings.ContainsAny(cell[:1], "=!<>") {
				if c, err = table.ParseCondition(header[j] + cell); err != nil {
					return nil, fmt.Errorf("--conditions %s:%d: column %s: %w", path, line, header[j], err)
				}
			}
			cd.Where = append(cd.Where, c)
		}
		conds = append(conds, cd)
	}
	if len(conds) == 0 {
		return nil, fmt.Errorf("--conditions %s: no conditions under the header", path)
	}
	return conds, nil
}

// explainCondition words a *table.ConditionError by the flag that gave the
// condition, as bad usage; other errors pass unchanged.
func explainCondition(fs *flag.FlagSet, err error) error {
	var ce *table.ConditionError
	if !errors.As(err, &ce) {
		return err
	}
	if file := fs.Lookup("conditions").Value.String(); file != "" {
		return usageError{fmt.Errorf("--conditions %s, condition %d (%s): %w", file, ce.Group+1, ce.Text, ce.Err)}
	}
	where := *fs.Lookup("where").Value.(*listFlag)
	if ce.Index >= 0 && ce.Index < len(where) {
		return usageError{fmt.Errorf("--where %s: %w", quoteArg(where[ce.Index]), ce.Err)}
	}
	quoted := make([]string, len(where))
	for i, w := range where {
		quoted[i] = quoteArg(w)
	}
	return usageError{fmt.Errorf("--where %s: %w", strings.Join(quoted, " --where "), ce.Err)}
}

// quoteArg writes a command-line argument as a shell would need it.
func quoteArg(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// checkConditionColumns refuses, before a run starts, conditions on
// columns that the input does not have.
func checkConditionColumns(ctx context.Context, fs *flag.FlagSet, in pipeline.Input, conds []table.Conditional) error {
	if len(conds) == 0 {
		return nil
	}
	files, err := tableio.Files(ctx, in.Glob)
	if err != nil {
		return err
	}
	header, _, err := tableio.ReadHeader(ctx, files[0], in.Delimiter)
	if err != nil {
		return err
	}
	for k, cd := range conds {
		for i, c := range cd.Where {
			if !slices.Contains(header, c.Column) {
				return explainCondition(fs, &table.ConditionError{Group: k, Index: i, Text: c.String(),
					Err: fmt.Errorf("%s has no column %q (columns: %s)", files[0], c.Column, strings.Join(header, ", "))})
			}
		}
	}
	return nil
}
