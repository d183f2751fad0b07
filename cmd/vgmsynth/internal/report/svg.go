package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

// correlationMatrix returns Pearson's r between the given continuous
// columns of t, each pair over the rows where both are non-null; NaN where
// it is undefined.
func correlationMatrix(t quality.Table, cols []int) [][]float64 {
	m := make([][]float64, len(cols))
	for a := range m {
		m[a] = make([]float64, len(cols))
	}
	for a := range cols {
		for b := a; b < len(cols); b++ {
			r := quality.Pearson(t.Columns[cols[a]].Num, t.Columns[cols[b]].Num)
			m[a][b], m[b][a] = r, r
		}
	}
	return m
}

// divergingColor maps v in [-1, 1] to a blue–white–red scale; NaN is grey.
func divergingColor(v float64) string {
	if math.IsNaN(v) {
		return "#d9d9d9"
	}
	v = max(-1, min(1, v))
	blue, red := [3]float64{0x21, 0x66, 0xac}, [3]float64{0xb2, 0x18, 0x2b}
	end := red
	if v < 0 {
		end, v = blue, -v
	}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(255 + (end[i]-255)*v))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// heatmapSVG draws a correlation matrix as an inline SVG grid of coloured
// cells, labelled with the values when the cells are big enough.
func heatmapSVG(title string, names []string, m [][]float64) template.HTML {
	n := len(names)
	cell := 44
	if n > 8 {
		cell = max(12, 360/n)
	}
	label := 7 * 14 // room for the row labels (up to 14 characters)
	top := 28 + label
	size := n * cell
	width := max(label+size+8, label+9*utf8.RuneCountInString(title))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="heatmap" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		width, top+size+8, width, top+size+8, html.EscapeString(title+" correlations"))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="hm-title">%s</text>`, label, html.EscapeString(title))
	for i, name := range names {
		short := html.EscapeString(shorten(name, 14))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle" class="hm-label">%s</text>`,
			label-4, top+i*cell+cell/2, short)
		x, y := label+i*cell+cell/2, top-4
		fmt.Fprintf(&b, `<text x="%d" y="%d" transform="rotate(-60 %d %d)" class="hm-label">%s</text>`, x, y, x, y, short)
	}
	for i := range n {
		for j := range n {
			v := m[i][j]
			x, y := label+j*cell, top+i*cell
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s × %s: %s</title></rect>`,
				x, y, cell, cell, divergingColor(v), html.EscapeString(names[i]), html.EscapeString(names[j]), quality.Decimal(v))
			if cell >= 30 {
				txt := "n/a"
				if !math.IsNaN(v) {
					txt = strconv.FormatFloat(v, 'f', 2, 64)
				}
				fill := "#000"
				if math.Abs(v) > 0.6 {
					fill = "#fff"
				}
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle" class="hm-value" fill="%s">%s</text>`,
					x+cell/2, y+cell/2, fill, txt)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// dcrSVG draws the two median distances to the closest record as
// horizontal bars on a common scale.
func dcrSVG(v quality.Privacy) template.HTML {
	if !isFinite(v.DCRSynthetic) && !isFinite(v.DCRHoldout) {
		return ""
	}
	top := 0.0
	for _, x := range []float64{v.DCRSynthetic, v.DCRHoldout} {
		if isFinite(x) {
			top = max(top, x)
		}
	}
	if top == 0 {
		top = 1
	}
	const width, label = 320, 150
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="dcr" width="%d" height="64" viewBox="0 0 %d 64" role="img" aria-label="median distances to the closest record">`,
		label+width+70, label+width+70)
	for i, row := range []struct {
		name string
		v    float64
		fill string
	}{{"synthetic → real", v.DCRSynthetic, "#fd8d3c"}, {"holdout → real", v.DCRHoldout, "#1f77b4"}} {
		y := 6 + i*28
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`, label-6, y+10, row.name)
		w := 0.0
		if isFinite(row.v) {
			w = row.v / top * width
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="20" fill="%s"/>`, label, y, w, row.fill)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" dominant-baseline="middle">%s</text>`, float64(label)+w+6, y+10, quality.Decimal(row.v))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
