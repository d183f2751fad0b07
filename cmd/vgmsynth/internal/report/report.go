// Package report draws what the command line shows of models and
// evaluations: a readable model description with plots (inspect) and a
// self-contained HTML page of an evaluation (evaluate --report). Its
// scales of units also write the counts of the progress lines (Count).
package report

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/vgmsynth/vgmsynth/evaluate"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

// WriteHTMLReport writes rep as one self-contained HTML page to w: the
// overall score with its two properties and the pre-0.27 all-pairs variant,
// a table and a plot per column (real vs synthetic histograms for numeric
// and datetime columns, bar charts of the most frequent categories
// otherwise), real and synthetic Pearson correlation heatmaps of the
// numeric and datetime columns, the pair scores and the privacy figures.
// Plots are embedded as base64 PNG images and the heatmaps as inline SVG;
// the page loads nothing from elsewhere.
//
// real and synth are the tables rep was computed from (Evaluation.Real and
// Evaluation.Synthetic): the plots are drawn from all of their rows.
func WriteHTMLReport(w io.Writer, rep *quality.Report, real, synth *evaluate.EvaluatedTable) error {
	if rep == nil || real == nil || synth == nil {
		return fmt.Errorf("html report: missing report or table")
	}
	page, err := buildReportPage(rep, real, synth)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := reportTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// WriteHTMLReportFile writes the HTML report of ev (WriteHTMLReport) to
// path, local or gs://.
func WriteHTMLReportFile(ctx context.Context, path string, ev *evaluate.Evaluation) error {
	var buf bytes.Buffer
	if err := WriteHTMLReport(&buf, ev.Report, &ev.Real, &ev.Synthetic); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := tableio.WriteFile(ctx, path, buf.Bytes()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// reportPage is what the template shows.
type reportPage struct {
	Generated                   string
	Real, Synthetic             reportSide
	Score, ScoreAllPairs        string
	ScoreBar                    template.CSS
	ScoreClass                  string
	ColumnShapes                string
	ColumnPairTrends            string
	ColumnPairTrendsAllPairs    string
	HasTrends                   bool
	TrendPairs, Pairs           int
	RealScored, SyntheticScored int
	Columns                     []reportColumn
	Skipped                     []string
	PairRows                    []reportPair
	Heatmaps                    []template.HTML
	HeatmapColumns              int
	Privacy                     reportPrivacy
	Logic                       *reportLogic
}

type reportSide struct {
	Glob      string
	Files     int
	TotalRows int64
	Loaded    int
}

type reportColumn struct {
	Name, Kind, Metric, Score string
	Bar                       template.CSS
	Class                     string
	RealNull, SyntheticNull   string
	Plot                      template.URL
	Summary                   string
}

type reportPair struct {
	A, B, Metric, Score   string
	RealTrend, SynthTrend string
	Counted               bool
	Class                 string
}

type reportPrivacy struct {
	ExactCopies, SyntheticRows int
	ExactCopyRate              string
	DCRSynthetic, DCRHoldout   string
	DCRRatio                   string
	ReferenceRows              int
	SyntheticSample            int
	HoldoutSample              int
	Figure                     template.HTML
}

func buildReportPage(rep *quality.Report, real, synth *evaluate.EvaluatedTable) (*reportPage, error) {
	rt, st := real.Table, synth.Table
	if len(rt.Columns) != len(st.Columns) {
		return nil, fmt.Errorf("real table has %d columns, synthetic %d", len(rt.Columns), len(st.Columns))
	}
	p := &reportPage{
		Generated:                time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Real:                     reportSide{real.Glob, len(real.Files), real.TotalRows, rt.Len()},
		Synthetic:                reportSide{synth.Glob, len(synth.Files), synth.TotalRows, st.Len()},
		Score:                    quality.Percent(rep.Score),
		ScoreBar:                 barWidth(rep.Score),
		ScoreClass:               scoreClass(rep.Score),
		ScoreAllPairs:            quality.Percent(rep.ScoreAllPairs),
		ColumnShapes:             quality.Percent(rep.ColumnShapes),
		ColumnPairTrends:         quality.Percent(rep.ColumnPairTrends),
		ColumnPairTrendsAllPairs: quality.Percent(rep.ColumnPairTrendsAllPairs),
		HasTrends:                rep.HasColumnPairTrends,
		TrendPairs:               rep.TrendPairs,
		Pairs:                    len(rep.Pairs),
		RealScored:               rep.RealRowsScored,
		SyntheticScored:          rep.SyntheticRowsScored,
		Skipped:                  real.Skipped,
	}
	scores := make(map[string]quality.ColumnScore, len(rep.Columns))
	for _, c := range rep.Columns {
		scores[c.Name] = c
	}
	for i := range rt.Columns {
		rc := &rt.Columns[i]
		sc := findColumn(st, rc.Name)
		if sc == nil || sc.Kind != rc.Kind {
			return nil, fmt.Errorf("column %q: the synthetic table has no %v column of that name", rc.Name, rc.Kind)
		}
		png, summary, err := columnPlot(rc, sc)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", rc.Name, err)
		}
		cs := scores[rc.Name]
		p.Columns = append(p.Columns, reportColumn{
			Name:          rc.Name,
			Kind:          rc.Kind.String(),
			Metric:        cs.Metric,
			Score:         quality.Percent(cs.Score),
			Bar:           barWidth(cs.Score),
			Class:         scoreClass(cs.Score),
			RealNull:      quality.Percent(nullShare(rc)),
			SyntheticNull: quality.Percent(nullShare(sc)),
			Plot:          template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
			Summary:       summary,
		})
	}
	for _, q := range rep.Pairs {
		p.PairRows = append(p.PairRows, reportPair{
			A: q.A, B: q.B, Metric: q.Metric, Score: quality.Percent(q.Score),
			RealTrend: quality.Decimal(q.RealTrend), SynthTrend: quality.Decimal(q.SyntheticTrend),
			Counted: q.Trend, Class: scoreClass(q.Score),
		})
	}

	var cont []int
	for i, c := range rt.Columns {
		if c.Kind == quality.Numeric || c.Kind == quality.Datetime {
			cont = append(cont, i)
		}
	}
	p.HeatmapColumns = len(cont)
	if len(cont) >= 2 {
		names := make([]string, len(cont))
		for k, i := range cont {
			names[k] = rt.Columns[i].Name
		}
		rr := correlationMatrix(rt, cont)
		sr := correlationMatrix(st, cont)
		diff := make([][]float64, len(cont))
		for a := range diff {
			diff[a] = make([]float64, len(cont))
			for b := range diff[a] {
				diff[a][b] = sr[a][b] - rr[a][b]
			}
		}
		p.Heatmaps = []template.HTML{
			heatmapSVG("Real", names, rr),
			heatmapSVG("Synthetic", names, sr),
			heatmapSVG("Synthetic − real", names, diff),
		}
	}

	v := rep.Privacy
	p.Privacy = reportPrivacy{
		ExactCopies: v.ExactCopies, SyntheticRows: rep.SyntheticRows,
		ExactCopyRate: quality.Percent(v.ExactCopyRate),
		DCRSynthetic:  quality.Decimal(v.DCRSynthetic), DCRHoldout: quality.Decimal(v.DCRHoldout), DCRRatio: quality.Decimal(v.DCRRatio),
		ReferenceRows: v.DCRReferenceRows, SyntheticSample: v.DCRSyntheticRows, HoldoutSample: v.DCRHoldoutRows,
		Figure: dcrSVG(v),
	}
	p.Logic = buildReportLogic(rep.Logic)
	return p, nil
}

func findColumn(t quality.Table, name string) *quality.Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// barWidth is the CSS width of a score bar.
func barWidth(v float64) template.CSS {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	v = min(max(v, 0), 1)
	return template.CSS("width:" + strconv.FormatFloat(100*v, 'f', 1, 64) + "%")
}

// scoreClass grades a score for colouring: good, fair, poor or na.
func scoreClass(v float64) string {
	switch {
	case math.IsNaN(v):
		return "na"
	case v >= 0.9:
		return "good"
	case v >= 0.75:
		return "fair"
	}
	return "poor"
}

// nullShare is the fraction of a column's values that are null.
func nullShare(c *quality.Column) float64 {
	n := c.Len()
	if n == 0 {
		return math.NaN()
	}
	nulls := 0
	if c.Kind == quality.Numeric || c.Kind == quality.Datetime {
		for _, v := range c.Num {
			if !isFinite(v) {
				nulls++
			}
		}
	} else {
		for _, b := range c.Null {
			if b {
				nulls++
			}
		}
	}
	return float64(nulls) / float64(n)
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// reportHTML is the page's template.
//
//go:embed report.html
var reportHTML string

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))
