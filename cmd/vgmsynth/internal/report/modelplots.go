package report

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

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
		if err := tableio.WriteFile(ctx, path, png); err != nil {
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
	cats := byFrequency(c)
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
	many := nominalX(p, labels)
	p.X.Min, p.X.Max = -0.7, float64(len(labels))-0.3
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	p.Y.Min, p.Y.Max = 0, max(top*1.1, 0.01)
	return p, many, nil
}
