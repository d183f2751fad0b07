package report

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

// Report plot settings.
const (
	// reportBins is the number of histogram bins of a numeric column.
	reportBins = 40
	// reportCategories is the most categories a bar chart shows; the rest
	// are summed into one "other" bar.
	reportCategories = 20
	// reportDPI is the resolution plots are rendered at; they are shown at
	// half their pixel size, so that they stay sharp on dense screens.
	reportDPI = 192
)

// Plot colours: real data blue, synthetic data orange.
var (
	realColor     = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	realFill      = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0x80}
	syntheticLine = color.NRGBA{R: 0xe6, G: 0x55, B: 0x0d, A: 0xff}
	syntheticFill = color.NRGBA{R: 0xfd, G: 0x8d, B: 0x3c, A: 0xd0}
)

// columnPlot draws the real and synthetic distributions of one column as
// a PNG, with a one-line text summary.
func columnPlot(rc, sc *quality.Column) ([]byte, string, error) {
	var p *plot.Plot
	var summary string
	var err error
	h := 3.0 * vg.Inch
	if rc.Kind == quality.Numeric || rc.Kind == quality.Datetime {
		p, summary, err = histogramPlot(rc, sc)
	} else {
		var many bool
		p, summary, many, err = categoryPlot(rc, sc)
		if many {
			h = 3.6 * vg.Inch
		}
	}
	if err != nil {
		return nil, "", err
	}
	png, err := renderPNG(p, 5.2*vg.Inch, h)
	return png, summary, err
}

// newPlot returns a plot styled for the report; vertical draws the
// vertical grid lines too.
func newPlot(vertical bool) *plot.Plot {
	p := plot.New()
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = 0.35 * vg.Inch
	p.Y.Label.Text = "share of rows"
	p.Y.Tick.Marker = percentTicks{}
	grid := plotter.NewGrid()
	if !vertical {
		grid.Vertical.Color = nil
	}
	p.Add(grid)
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font, &p.Legend.TextStyle.Font,
		&p.X.Label.TextStyle.Font, &p.X.Tick.Label.Font,
		&p.Y.Label.TextStyle.Font, &p.Y.Tick.Label.Font,
	} {
		f.Variant = "Sans"
	}
	return p
}

// renderPNG renders p as a PNG image.
func renderPNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(reportDPI))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render plot: %w", err)
	}
	return buf.Bytes(), nil
}

// percentTicks labels a share axis in percent.
type percentTicks struct{}

// Ticks returns plot.DefaultTicks labelled as percentages.
func (percentTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(100*ticks[i].Value, 'g', 4, 64) + "%"
		}
	}
	return ticks
}

// finite returns the finite values of x.
func finite(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if isFinite(v) {
			out = append(out, v)
		}
	}
	return out
}

// histogramPlot draws real and synthetic histograms over common bins: the
// real one as filled bars, the synthetic one as a step line.
func histogramPlot(rc, sc *quality.Column) (*plot.Plot, string, error) {
	r, s := finite(rc.Num), finite(sc.Num)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range [][]float64{r, s} {
		if len(x) > 0 {
			lo, hi = min(lo, slices.Min(x)), max(hi, slices.Max(x))
		}
	}
	if math.IsInf(lo, 0) { // no values on either side
		lo, hi = 0, 1
	}
	// Whole numbers over a short range get one bin per value.
	bins, width := reportBins, 0.0
	if integral(r) && integral(s) && hi-lo+1 <= 2*reportBins {
		bins, width = int(hi-lo)+1, 1
		lo -= 0.5
		hi = lo + float64(bins)
	} else {
		if hi == lo {
			pad := math.Max(math.Abs(lo)*0.05, 0.5)
			lo, hi = lo-pad, hi+pad
		}
		width = (hi - lo) / float64(bins)
	}
	share := func(x []float64) []float64 {
		out := make([]float64, bins)
		if len(x) == 0 {
			return out
		}
		for _, v := range x {
			k := min(int((v-lo)/width), bins-1)
			out[max(k, 0)]++
		}
		for k := range out {
			out[k] /= float64(len(x))
		}
		return out
	}
	rs, ss := share(r), share(s)

	p := newPlot(true)
	hist := &plotter.Histogram{Width: width, FillColor: realFill}
	hist.LineStyle.Width = 0
	for k := range bins {
		a := lo + float64(k)*width
		hist.Bins = append(hist.Bins, plotter.HistogramBin{Min: a, Max: a + width, Weight: rs[k]})
	}
	steps := make(plotter.XYs, 0, bins+1)
	for k := range bins {
		steps = append(steps, plotter.XY{X: lo + float64(k)*width, Y: ss[k]})
	}
	steps = append(steps, plotter.XY{X: hi, Y: ss[bins-1]})
	line, err := plotter.NewLine(steps)
	if err != nil {
		return nil, "", err
	}
	line.StepStyle = plotter.PostStep
	line.LineStyle = draw.LineStyle{Color: syntheticLine, Width: vg.Points(1.6)}
	p.Add(hist, line)
	p.Legend.Add("real", hist)
	p.Legend.Add("synthetic", line)
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, legendRoom(rs, ss)

	if rc.Kind == quality.Datetime {
		p.X.Tick.Marker = calendarTicks{}
		p.X.Label.Text = "date (UTC)"
	}
	summary := fmt.Sprintf("mean %s vs %s · std %s vs %s",
		valueText(mean(r), rc.Kind), valueText(mean(s), rc.Kind),
		spreadText(stddev(r), rc.Kind), spreadText(stddev(s), rc.Kind))
	return p, summary, nil
}

// legendRoom returns the top of a share axis: the largest share plus room
// for the legend above the data.
func legendRoom(a, b []float64) float64 {
	top := 0.0
	for _, x := range [][]float64{a, b} {
		for _, v := range x {
			top = max(top, v)
		}
	}
	if top == 0 {
		return 1
	}
	return top * 1.22
}

// calendarTicks marks a datetime axis (seconds since the epoch) at the
// starts of years or months where the range spans several of them, and
// falls back to plot.TimeTicks for shorter ranges.
type calendarTicks struct{}

// Ticks returns the ticks between lo and hi.
func (calendarTicks) Ticks(lo, hi float64) []plot.Tick {
	const day = 86400
	from := time.Unix(int64(math.Floor(lo)), 0).UTC()
	span := hi - lo
	var ticks []plot.Tick
	add := func(t time.Time, layout string) {
		if v := float64(t.Unix()); v >= lo && v <= hi {
			ticks = append(ticks, plot.Tick{Value: v, Label: t.Format(layout)})
		}
	}
	switch {
	case span > 3*365*day:
		step := max(1, int(math.Ceil(span/(365.25*day)/8)))
		y := from.Year()
		y += (step - y%step) % step
		for t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); float64(t.Unix()) <= hi; t = t.AddDate(step, 0, 0) {
			add(t, "2006")
		}
	case span > 60*day:
		months := span / (30.44 * day)
		step := 1
		for _, s := range []int{1, 2, 3, 6, 12} {
			if step = s; months/float64(s) <= 8 {
				break
			}
		}
		m := int(from.Month()) - 1
		m += (step - m%step) % step
		for t := time.Date(from.Year(), time.Month(m+1), 1, 0, 0, 0, 0, time.UTC); float64(t.Unix()) <= hi; t = t.AddDate(0, step, 0) {
			add(t, "2006-01")
		}
	}
	if len(ticks) < 2 {
		layout := "2006-01-02"
		if span < 3*day {
			layout = "01-02 15:04"
		}
		return plot.TimeTicks{Format: layout}.Ticks(lo, hi)
	}
	return ticks
}

// integral reports whether every value is a whole number.
func integral(x []float64) bool {
	for _, v := range x {
		if v != math.Trunc(v) {
			return false
		}
	}
	return true
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func stddev(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	m := mean(x)
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}

// valueText formats a value of a column of kind k for the summary line.
func valueText(v float64, k quality.Kind) string {
	if !isFinite(v) {
		return "n/a"
	}
	if k == quality.Datetime {
		return time.Unix(0, int64(v*1e9)).UTC().Format("2006-01-02 15:04")
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}

// spreadText formats a standard deviation; datetimes' in days.
func spreadText(v float64, k quality.Kind) string {
	if !isFinite(v) {
		return "n/a"
	}
	if k == quality.Datetime {
		return strconv.FormatFloat(v/86400, 'g', 4, 64) + " days"
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}

// categoryPlot draws grouped bars of the real and synthetic shares of the
// most frequent categories, with the rest summed into "other" and nulls as
// "(null)". many reports that the labels are rotated and need room.
func categoryPlot(rc, sc *quality.Column) (p *plot.Plot, summary string, many bool, err error) {
	type count struct {
		name string
		r, s float64
	}
	counts := map[string]*count{}
	var rNull, sNull float64
	tally := func(c *quality.Column, real bool) {
		for i, v := range c.Cat {
			if c.Null != nil && c.Null[i] {
				if real {
					rNull++
				} else {
					sNull++
				}
				continue
			}
			e := counts[v]
			if e == nil {
				e = &count{name: v}
				counts[v] = e
			}
			if real {
				e.r++
			} else {
				e.s++
			}
		}
	}
	tally(rc, true)
	tally(sc, false)
	all := make([]*count, 0, len(counts))
	for _, e := range counts {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b *count) int {
		if c := cmp.Compare(b.r, a.r); c != 0 {
			return c
		}
		if c := cmp.Compare(b.s, a.s); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	nr, ns := float64(max(rc.Len(), 1)), float64(max(sc.Len(), 1))
	var labels []string
	var rv, sv plotter.Values
	for i, e := range all {
		if i == reportCategories {
			var or, os float64
			for _, x := range all[i:] {
				or += x.r
				os += x.s
			}
			labels = append(labels, fmt.Sprintf("other (%d)", len(all)-i))
			rv, sv = append(rv, or/nr), append(sv, os/ns)
			break
		}
		labels = append(labels, e.name)
		rv, sv = append(rv, e.r/nr), append(sv, e.s/ns)
	}
	if rNull > 0 || sNull > 0 {
		labels = append(labels, "(null)")
		rv, sv = append(rv, rNull/nr), append(sv, sNull/ns)
	}
	if len(labels) == 0 {
		labels, rv, sv = []string{"(none)"}, plotter.Values{0}, plotter.Values{0}
	}

	p = newPlot(false)
	plotWidth := 4.4 * vg.Inch
	bw := min(plotWidth/vg.Length(2.6*float64(len(labels))), 0.3*vg.Inch)
	rb, err := plotter.NewBarChart(rv, bw)
	if err != nil {
		return nil, "", false, err
	}
	rb.Color, rb.LineStyle.Width, rb.Offset = realColor, 0, -bw/2
	sb, err := plotter.NewBarChart(sv, bw)
	if err != nil {
		return nil, "", false, err
	}
	sb.Color, sb.LineStyle.Width, sb.Offset = syntheticFill, 0, bw/2
	p.Add(rb, sb)
	p.Legend.Add("real", rb)
	p.Legend.Add("synthetic", sb)
	many = nominalX(p, labels)
	p.Y.Min, p.Y.Max = 0, legendRoom(rv, sv)
	summary = fmt.Sprintf("%d categories in the real table, %d in the synthetic table", distinct(rc), distinct(sc))
	return p, summary, many, nil
}

// distinct counts the distinct non-null values of a categorical column.
func distinct(c *quality.Column) int {
	seen := map[string]struct{}{}
	for i, v := range c.Cat {
		if c.Null == nil || !c.Null[i] {
			seen[v] = struct{}{}
		}
	}
	return len(seen)
}

// nominalX labels p's x axis with category names, shortened, and turned
// on their side when there are more than six; many reports that they are,
// so that the caller can give the plot more height.
func nominalX(p *plot.Plot, labels []string) (many bool) {
	many = len(labels) > 6
	for i, l := range labels {
		if many {
			labels[i] = shorten(l, 12)
		} else {
			labels[i] = shorten(l, 18)
		}
	}
	p.NominalX(labels...)
	if many {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	return many
}
