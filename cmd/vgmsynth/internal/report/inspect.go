package report

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vgmsynth/vgmsynth/vgm/privacy"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// inspectCategories is how many of a column's most frequent categories
// DescribeModel lists.
const inspectCategories = 10

// DescribeModel writes a readable summary of a model: its type and sample,
// each column's kind, nulls, bounds, format, mixture modes, atoms, tails and
// categories, and for network models the Bayesian network's nodes with
// their parents and the copula's correlation matrix.
func DescribeModel(w io.Writer, m *table.Model) error {
	var b strings.Builder
	fmt.Fprintf(&b, "model      %s (format version %d)\n", m.ModelType, m.FormatVersion)
	fmt.Fprintf(&b, "rows seen  %d\n", m.RowsSeen)
	fmt.Fprintf(&b, "sample     %d rows fitted on, seed %d\n", m.SampleSize, m.Seed)
	fmt.Fprintf(&b, "columns    %d\n", len(m.Columns))
	if p := m.Privacy; p != nil {
		fmt.Fprintf(&b, "privacy    (epsilon %s, delta %s)-differentially private per %s; row counts are noisy\n", strconv.FormatFloat(p.Epsilon, 'g', -1, 64), strconv.FormatFloat(p.Delta, 'g', -1, 64), p.Unit)
	}
	for j := range m.Columns {
		b.WriteByte('\n')
		inspectColumn(&b, &m.Columns[j])
	}
	b.WriteByte('\n')
	switch {
	case m.Forest != nil:
		b.WriteString(m.Forest.Summary(m))
	case m.ModelType == table.ModelTypeIndependent || m.Network == nil || m.Copula == nil:
		b.WriteString("columns are independent: each is drawn from its own marginal\n")
	default:
		inspectNetwork(&b, m)
		b.WriteByte('\n')
		inspectCopula(&b, m)
	}
	b.WriteByte('\n')
	b.WriteString(m.RulesText())
	if p := m.Privacy; p != nil {
		inspectPrivacy(&b, p)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// inspectPrivacy lists what each mechanism of a private fit spent.
func inspectPrivacy(b *strings.Builder, p *privacy.Budget) {
	eps, delta := 0.0, 0.0
	for _, mc := range p.Mechanisms {
		eps += mc.Epsilon
		delta += mc.Delta
	}
	fmt.Fprintf(b, "\nprivacy budget: %d mechanisms spent epsilon %.4g of %g and delta %.3g of %g (basic composition)\n", len(p.Mechanisms), eps, p.Epsilon, delta, p.Delta)
	for _, mc := range p.Mechanisms {
		d := ""
		if mc.Delta > 0 {
			d = fmt.Sprintf(", delta %.3g", mc.Delta)
		}
		fmt.Fprintf(b, "  epsilon %.4f%s  %s\n", mc.Epsilon, d, mc.Name)
	}
}

func inspectColumn(b *strings.Builder, c *table.Column) {
	fmt.Fprintf(b, "%s: %s\n", c.Name, c.Kind)
	row := func(label, format string, args ...any) {
		fmt.Fprintf(b, "  %-11s %s\n", label, fmt.Sprintf(format, args...))
	}
	row("nulls", "%s", inspectPercent(c.NullFraction))
	if c.NullFraction == 1 {
		row("values", "none: the column is all null")
		return
	}
	if f := inspectFormat(c); f != "" {
		row("format", "%s", f)
	}
	switch {
	case c.Kind.Numeric():
		if c.Min != nil && c.Max != nil {
			row("bounds", "%s .. %s", inspectLiteral(c, *c.Min), inspectLiteral(c, *c.Max))
		}
		atomMass := 0.0
		for _, a := range c.Atoms {
			atomMass += a.Frequency
		}
		if len(c.Atoms) > 0 {
			var parts []string
			for _, a := range c.Atoms {
				parts = append(parts, fmt.Sprintf("%s (%s)", inspectLiteral(c, a.Value), inspectPercent(a.Frequency)))
			}
			row("atoms", "%s of values: %s", inspectPercent(atomMass), strings.Join(parts, ", "))
		}
		if mix := c.VGM; mix != nil {
			note := ""
			if len(c.Atoms) > 0 {
				note = fmt.Sprintf(", %s of values", inspectPercent(1-atomMass))
			}
			row("mixture", "%d modes%s", mix.Len(), note)
			fmt.Fprintf(b, "  %-11s %-8s %-21s %s\n", "", "weight", "mean", "std")
			for k := 0; k < mix.Len(); k++ {
				fmt.Fprintf(b, "  %-11s %-8s %-21s %s\n", "", inspectPercent(mix.Weights[k]), inspectValue(c, mix.Means[k]), inspectSpread(c, mix.Stds[k]))
			}
		}
		if t := c.Tails; t != nil {
			row("tails", "lowest %s: %s .. %s; highest %s: %s .. %s",
				inspectPercent(t.P), inspectLiteral(c, t.Low[0]), inspectLiteral(c, t.Low[len(t.Low)-1]),
				inspectPercent(t.P), inspectLiteral(c, t.High[0]), inspectLiteral(c, t.High[len(t.High)-1]))
		}
		if l := c.Lattice; l != nil {
			row("lattice", "%d values, %s .. %s: generated values snap to the nearest", len(l.Values),
				inspectLiteral(c, l.Values[0]), inspectLiteral(c, l.Values[len(l.Values)-1]))
		}
	case c.Kind == table.Categorical || c.Kind == table.Boolean:
		cats := byFrequency(c)
		row("categories", "%d", len(cats))
		label := func(v string) string {
			if v == table.NovelCategory {
				return "(new text in the shape of rare values)"
			}
			return shorten(v, 40)
		}
		width := 0
		for _, cat := range cats[:min(len(cats), inspectCategories)] {
			width = max(width, utf8.RuneCountInString(label(cat.Value)))
		}
		for _, cat := range cats[:min(len(cats), inspectCategories)] {
			v := label(cat.Value)
			fmt.Fprintf(b, "  %-11s %s%s  %s\n", "", v, strings.Repeat(" ", width-utf8.RuneCountInString(v)), inspectPercent(cat.Frequency))
		}
		if rest := len(cats) - inspectCategories; rest > 0 {
			mass := 0.0
			for _, cat := range cats[inspectCategories:] {
				mass += cat.Frequency
			}
			fmt.Fprintf(b, "  %-11s ... and %d more (%s of values)\n", "", rest, inspectPercent(mass))
		}
	case c.Kind == table.ID:
		row("values", "generated unique in the template's shape, never copied")
	}
}

// inspectFormat says how a column's values are written.
func inspectFormat(c *table.Column) string {
	f := c.Format
	switch c.Kind {
	case table.Float:
		s := fmt.Sprintf("%d decimals", f.Decimals)
		if f.Decimals == 1 {
			s = "1 decimal"
		}
		switch {
		case f.Exponent:
			s = "e-notation, " + s
		case f.MixedExponent:
			s += fmt.Sprintf(", e-notation with %d decimals below 1e-4 and from 1e16", f.ExponentDecimals)
		}
		return s + numberSpelling(f)
	case table.Integer:
		return "whole numbers" + numberSpelling(f)
	case table.Datetime:
		s := fmt.Sprintf("layout %q", f.Layout)
		if f.ZoneOffset != 0 {
			s += ", zone " + time.Unix(0, 0).In(time.FixedZone("", f.ZoneOffset)).Format("-07:00")
		}
		switch {
		case f.Step == 86400:
			s += ", on whole days"
		case f.Step == 3600:
			s += ", on whole hours"
		case f.Step > 0 && f.Step%60 == 0:
			s += fmt.Sprintf(", on multiples of %d minutes", f.Step/60)
		case f.Step > 0:
			s += fmt.Sprintf(", on multiples of %d seconds", f.Step)
		}
		return s
	case table.Boolean:
		return fmt.Sprintf("true %q, false %q", f.True, f.False)
	case table.ID:
		s := fmt.Sprintf("template %q", f.Template)
		if f.ExcludeLow != 0 || f.ExcludeHigh != 0 {
			s += fmt.Sprintf(", avoiding positions %d..%d (the real IDs' range)", f.ExcludeLow, f.ExcludeHigh)
		}
		return s
	}
	return ""
}

// numberSpelling says what surrounds and separates a number's digits.
func numberSpelling(f table.Format) string {
	var s string
	if f.Prefix != "" {
		s += fmt.Sprintf(", prefix %q", f.Prefix)
	}
	if f.Suffix != "" {
		s += fmt.Sprintf(", suffix %q", f.Suffix)
	}
	if f.Thousands != "" {
		s += fmt.Sprintf(", thousands %q", f.Thousands)
	}
	if f.DecimalMark != "" {
		s += fmt.Sprintf(", decimal mark %q", f.DecimalMark)
	}
	if f.Width > 0 {
		s += fmt.Sprintf(", %d digits with leading zeros", f.Width)
	}
	return s
}

// inspectValue writes a value of a numeric column: a datetime in the
// column's layout and zone, a number with a few significant digits (or the
// column's decimals, if more).
func inspectValue(c *table.Column, x float64) string {
	switch c.Kind {
	case table.Datetime:
		s := math.Floor(x)
		t := time.Unix(int64(s), int64(math.Round((x-s)*1e9))).In(time.FixedZone("", c.Format.ZoneOffset))
		return t.Format(c.Format.Layout)
	case table.Integer:
		if math.Abs(x) < 1e15 && x == math.Round(x) {
			return strconv.FormatInt(int64(x), 10)
		}
	}
	return inspectNumber(x, c.Format.Decimals)
}

// inspectLiteral writes a value of a numeric column as the column's
// format writes it (datetimes in their layout).
func inspectLiteral(c *table.Column, x float64) string {
	switch {
	case c.Kind == table.Float && c.Format.Exponent:
		return strconv.FormatFloat(x, 'e', c.Format.Decimals, 64)
	case c.Kind == table.Float:
		return strconv.FormatFloat(x, 'f', c.Format.Decimals, 64)
	}
	return inspectValue(c, x)
}

// inspectNumber writes x with five significant digits, and at least
// decimals digits after the point, in plain notation where that is short.
func inspectNumber(x float64, decimals int) string {
	a := math.Abs(x)
	if a != 0 && (a < 1e-4 || a >= 1e12) {
		return strconv.FormatFloat(x, 'g', 5, 64)
	}
	d := decimals
	if a != 0 {
		d = max(d, 4-int(math.Floor(math.Log10(a))))
	}
	return strconv.FormatFloat(x, 'f', min(d, 12), 64)
}

// inspectSpread writes a standard deviation: for datetimes as a duration.
func inspectSpread(c *table.Column, s float64) string {
	if c.Kind != table.Datetime {
		return inspectNumber(s, 0)
	}
	return inUnits(s, durationUnits)
}

// unit is one step of a scale: a value of at least size is written with
// format, in units of size.
type unit struct {
	size   float64
	format string
}

// The scales, largest unit first; the last takes what is left.
var (
	durationUnits = []unit{{86400, "%.1f days"}, {3600, "%.1f hours"}, {60, "%.1f minutes"}, {1, "%.3g seconds"}}
	countUnits    = []unit{{1e9, "%.2fB"}, {1e6, "%.1fM"}, {1e3, "%.1fk"}, {1, "%.0f"}}
)

// inUnits writes v in the largest of units that it reaches.
func inUnits(v float64, units []unit) string {
	u := units[len(units)-1]
	for _, big := range units {
		if v >= big.size {
			u = big
			break
		}
	}
	return fmt.Sprintf(u.format, v/u.size)
}

// Count writes a count with a k, M or B suffix ("1.5M").
func Count(v float64) string { return inUnits(v, countUnits) }

func inspectPercent(f float64) string {
	switch {
	case f == 0:
		return "0%"
	case f < 0.001:
		return fmt.Sprintf("%.3f%%", 100*f)
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// inspectNodeName names a network node: its column, or null(column) for a null
// indicator.
func inspectNodeName(m *table.Model, nd *table.NetworkNode) string {
	name := m.Columns[nd.Column].Name
	if nd.NullIndicator {
		return "null(" + name + ")"
	}
	return name
}

func inspectNetwork(b *strings.Builder, m *table.Model) {
	n := m.Network
	nodes := "nodes"
	if len(n.Nodes) == 1 {
		nodes = "node"
	}
	fmt.Fprintf(b, "network    %d %s, in sampling order; bin(x) is which of %d equal-probability slices x falls in\n", len(n.Nodes), nodes, n.Bins)
	for i := range n.Nodes {
		nd := &n.Nodes[i]
		var parents []string
		for _, col := range nd.BinParents {
			parents = append(parents, "bin("+m.Columns[col].Name+")")
		}
		for _, p := range nd.NodeParents {
			parents = append(parents, inspectNodeName(m, &n.Nodes[p]))
		}
		states := 0
		if len(nd.CPT) > 0 {
			states = len(nd.CPT[0])
		}
		line := inspectNodeName(m, nd)
		if len(parents) > 0 {
			line += " <- " + strings.Join(parents, ", ")
		} else {
			line += " (no parents)"
		}
		fmt.Fprintf(b, "  %s   [%d states, %d parent configurations]\n", line, states, len(nd.CPT))
	}
	if len(n.Nodes) == 0 {
		b.WriteString("  (no discrete columns)\n")
	}
}

func inspectCopula(b *strings.Builder, m *table.Model) {
	cp := m.Copula
	fmt.Fprintf(b, "copula     Gaussian, over %d numeric columns: correlations of normal scores\n", len(cp.Columns))
	if len(cp.Columns) == 0 {
		return
	}
	names := make([]string, len(cp.Columns))
	label := 0
	for a, col := range cp.Columns {
		names[a] = shorten(m.Columns[col].Name, 14)
		label = max(label, utf8.RuneCountInString(names[a]))
	}
	pad := func(s string, w int) string {
		return strings.Repeat(" ", max(0, w-utf8.RuneCountInString(s))) + s
	}
	widths := make([]int, len(names))
	fmt.Fprintf(b, "  %s", strings.Repeat(" ", label))
	for a, name := range names {
		widths[a] = max(6, utf8.RuneCountInString(name))
		fmt.Fprintf(b, "  %s", pad(name, widths[a]))
	}
	b.WriteByte('\n')
	for a, row := range cp.Correlation {
		fmt.Fprintf(b, "  %s%s", names[a], strings.Repeat(" ", label-utf8.RuneCountInString(names[a])))
		for q, r := range row {
			fmt.Fprintf(b, "  %s", pad(strconv.FormatFloat(r, 'f', 3, 64), widths[q]))
		}
		b.WriteByte('\n')
	}
}

// byFrequency returns c's categories most frequent first, ties in their
// stored order: as inspect lists them and PlotModel draws them.
func byFrequency(c *table.Column) []table.Category {
	cats := slices.Clone(c.Categories)
	slices.SortStableFunc(cats, func(x, y table.Category) int { return cmp.Compare(y.Frequency, x.Frequency) })
	return cats
}
