package report

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/privacy"
	"github.com/vgmsynth/vgmsynth/vgm/table"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
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
	case c.Kind == table.Categorical || c.Kind == table.Boolean:
		cats := slices.Clone(c.Categories)
		slices.SortStableFunc(cats, func(x, y table.Category) int { return cmp.Compare(y.Frequency, x.Frequency) })
		row("categories", "%d", len(cats))
		width := 0
		for _, cat := range cats[:min(len(cats), inspectCategories)] {
			width = max(width, utf8.RuneCountInString(inspectShorten(cat.Value, 40)))
		}
		for _, cat := range cats[:min(len(cats), inspectCategories)] {
			v := inspectShorten(cat.Value, 40)
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
		if f.Exponent {
			s = "e-notation, " + s
		}
		return s
	case table.Integer:
		return "whole numbers"
	case table.Datetime:
		s := fmt.Sprintf("layout %q", f.Layout)
		if f.ZoneOffset != 0 {
			s += ", zone " + time.Unix(0, 0).In(time.FixedZone("", f.ZoneOffset)).Format("-07:00")
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
	switch {
	case s >= 86400:
		return fmt.Sprintf("%.1f days", s/86400)
	case s >= 3600:
		return fmt.Sprintf("%.1f hours", s/3600)
	case s >= 60:
		return fmt.Sprintf("%.1f minutes", s/60)
	}
	return fmt.Sprintf("%.3g seconds", s)
}

func inspectPercent(f float64) string {
	switch {
	case f == 0:
		return "0%"
	case f < 0.001:
		return fmt.Sprintf("%.3f%%", 100*f)
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

// inspectShorten cuts s to at most n runes, marking the cut.
func inspectShorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
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
		names[a] = inspectShorten(m.Columns[col].Name, 14)
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

// Colours of the model plots.
var (
	inspectTotal     = color.NRGBA{R: 0x31, G: 0x82, B: 0xbd, A: 0xff}
	inspectComponent = color.NRGBA{R: 0x6b, G: 0xae, B: 0xd6, A: 0xff}
	inspectAtom      = color.NRGBA{R: 0xe6, G: 0x55, B: 0x0d, A: 0xff}
	inspectBar       = color.NRGBA{R: 0x6b, G: 0xae, B: 0xd6, A: 0xff}
)

// inspectBars is how many categories a bar chart shows before "other".
const inspectBars = 20

// PlotModel draws one PNG per column into dir (local or gs://): for
// numeric columns the mixture's density, each weighted mode dashed and the
// atoms as spikes; for categorical and boolean columns the shares of the
// categories. ID and all-null columns have no plot. It returns the paths
// written.
func PlotModel(ctx context.Context, dir string, m *table.Model) ([]string, error) {
	var written []string
	used := map[string]bool{}
	for j := range m.Columns {
		c := &m.Columns[j]
		var p *plot.Plot
		var err error
		h := 3.2 * vg.Inch
		switch {
		case c.NullFraction == 1:
			continue
		case c.Kind.Numeric() && c.VGM != nil:
			p, err = modelDensityPlot(c)
		case c.Kind == table.Categorical || c.Kind == table.Boolean:
			var many bool
			p, many, err = modelFrequencyPlot(c)
			if many {
				h = 3.8 * vg.Inch
			}
		default:
			continue
		}
		if err != nil {
			return written, fmt.Errorf("plot column %q: %w", c.Name, err)
		}
		png, err := renderPNG(p, 5.6*vg.Inch, h)
		if err != nil {
			return written, fmt.Errorf("plot column %q: %w", c.Name, err)
		}
		name := inspectFileName(c.Name)
		for i := 2; used[name]; i++ {
			name = inspectFileName(c.Name + "-" + strconv.Itoa(i))
		}
		used[name] = true
		path := strings.TrimSuffix(dir, "/") + "/" + name
		if err := inspectWrite(ctx, path, png); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// inspectFileName turns a column name into a file name: NAME.png, with
// characters other than letters, digits, '.', '-' and '_' replaced.
func inspectFileName(col string) string {
	var b strings.Builder
	for _, r := range col {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		s = "column"
	}
	return s + ".png"
}

func inspectWrite(ctx context.Context, path string, data []byte) error {
	return tableio.WriteFile(ctx, path, data)
}

// inspectNewPlot is the report's plot style with a title and plain ticks
// (model plots show densities and frequencies, not shares of rows).
func inspectNewPlot(title string) *plot.Plot {
	p := newPlot(false)
	p.Title.Text = title
	p.Title.TextStyle.Font.Variant = "Sans"
	p.Y.Label.Text = ""
	p.Y.Tick.Marker = plot.DefaultTicks{}
	return p
}

// modelDensityPlot draws a numeric column's model over its bounds: the
// continuous part's density (the mixture scaled by the share of values
// that are not atoms), each weighted mode dashed, and each atom as a spike
// labelled with its share. Datetime densities are per day.
func modelDensityPlot(c *table.Column) (*plot.Plot, error) {
	mix := c.VGM
	lo, hi := *c.Min, *c.Max
	if hi <= lo {
		s := 0.0
		for _, v := range mix.Stds {
			s = max(s, v)
		}
		lo, hi = lo-3*s, hi+3*s
	}
	pad := 0.02 * (hi - lo)
	lo, hi = lo-pad, hi+pad
	atomMass := 0.0
	for _, a := range c.Atoms {
		atomMass += a.Frequency
	}
	cont := 1 - atomMass
	unit := 1.0
	if c.Kind == table.Datetime {
		unit = 86400
	}
	const points = 600
	normal := func(x, mu, sd float64) float64 {
		z := (x - mu) / sd
		return math.Exp(-z*z/2) / (sd * math.Sqrt(2*math.Pi))
	}
	total := make(plotter.XYs, points)
	comps := make([]plotter.XYs, mix.Len())
	for k := range comps {
		comps[k] = make(plotter.XYs, points)
	}
	top := 0.0
	for i := range total {
		x := lo + (hi-lo)*float64(i)/(points-1)
		sum := 0.0
		for k := range comps {
			d := cont * mix.Weights[k] * normal(x, mix.Means[k], mix.Stds[k]) * unit
			comps[k][i] = plotter.XY{X: x, Y: d}
			sum += d
		}
		total[i] = plotter.XY{X: x, Y: sum}
		top = max(top, sum)
	}
	title := fmt.Sprintf("%s (%s): %d modes", c.Name, c.Kind, mix.Len())
	if n := len(c.Atoms); n > 0 {
		title += fmt.Sprintf(", %d atom", n)
		if n > 1 {
			title += "s"
		}
	}
	p := inspectNewPlot(title)
	p.Y.Label.Text = "density"
	if c.Kind == table.Datetime {
		p.Y.Label.Text = "density per day"
		p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
	}
	if top == 0 {
		top = 1
	}
	if cont > 0 {
		for k, xy := range comps {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.LineStyle = draw.LineStyle{Color: inspectComponent, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
			p.Add(l)
			if k == 0 {
				p.Legend.Add("weighted modes", l)
			}
		}
		l, err := plotter.NewLine(total)
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: inspectTotal, Width: vg.Points(2)}
		p.Add(l)
		p.Legend.Add("mixture density", l)
	}
	var labels plotter.XYLabels
	for i, a := range c.Atoms {
		spike, err := plotter.NewLine(plotter.XYs{{X: a.Value, Y: 0}, {X: a.Value, Y: top * 1.05}})
		if err != nil {
			return nil, err
		}
		spike.LineStyle = draw.LineStyle{Color: inspectAtom, Width: vg.Points(2.5)}
		p.Add(spike)
		if i == 0 {
			p.Legend.Add("atoms (share of values)", spike)
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: a.Value, Y: top * 1.06})
		labels.Labels = append(labels.Labels, " "+inspectLiteral(c, a.Value)+": "+inspectPercent(a.Frequency))
	}
	if len(labels.XYs) > 0 {
		l, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Color = inspectAtom
			l.TextStyle[i].Font.Variant = "Sans"
		}
		p.Add(l)
	}
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, top*1.25
	return p, nil
}

// modelFrequencyPlot draws the shares of rows of a discrete column's most
// frequent categories, the rest as "other" and nulls as "(null)". many
// reports that the labels are rotated.
func modelFrequencyPlot(c *table.Column) (*plot.Plot, bool, error) {
	cats := slices.Clone(c.Categories)
	slices.SortStableFunc(cats, func(x, y table.Category) int { return cmp.Compare(y.Frequency, x.Frequency) })
	present := 1 - c.NullFraction
	var labels []string
	var vals plotter.Values
	for i, cat := range cats {
		if i == inspectBars && len(cats) > inspectBars+1 {
			rest := 0.0
			for _, x := range cats[i:] {
				rest += x.Frequency
			}
			labels = append(labels, fmt.Sprintf("other (%d)", len(cats)-i))
			vals = append(vals, rest*present)
			break
		}
		labels = append(labels, cat.Value)
		vals = append(vals, cat.Frequency*present)
	}
	if c.NullFraction > 0 {
		labels = append(labels, "(null)")
		vals = append(vals, c.NullFraction)
	}
	p := inspectNewPlot(fmt.Sprintf("%s (%s): %d categories", c.Name, c.Kind, len(cats)))
	p.Y.Label.Text = "share of rows"
	bw := min(4.6*vg.Inch/vg.Length(1.6*float64(len(labels))), 0.45*vg.Inch)
	bars, err := plotter.NewBarChart(vals, bw)
	if err != nil {
		return nil, false, err
	}
	bars.Color, bars.LineStyle.Width = inspectBar, 0
	p.Add(bars)
	many := len(labels) > 6
	for i, l := range labels {
		if many {
			labels[i] = inspectShorten(l, 12)
		} else {
			labels[i] = inspectShorten(l, 18)
		}
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.7, float64(len(labels))-0.3
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	p.Y.Min, p.Y.Max = 0, max(top*1.1, 0.01)
	if many {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	return p, many, nil
}
