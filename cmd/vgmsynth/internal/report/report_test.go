package report

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/evaluate"
	"github.com/vgmsynth/vgmsynth/internal/testutil"
	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

const example = "../../../../examples/seattle-weather.csv"

func TestWriteHTMLReport(t *testing.T) {
	// The synthetic table: the example's rows in reverse order.
	recs := testutil.ReadCSV(t, example)
	slices.Reverse(recs[1:])
	synth := testutil.WriteCSV(t, t.TempDir(), "syn.csv", recs)
	ev, err := evaluate.Evaluate(context.Background(), example, synth,
		evaluate.EvaluateOptions{Logic: true, Target: "weather", Holdout: example})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTMLReport(&buf, ev.Report, &ev.Real, &ev.Synthetic); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if imgs := strings.Count(page, "<img "); imgs != len(ev.Report.Columns) {
		t.Errorf("%d images, want one per column (%d)", imgs, len(ev.Report.Columns))
	}
	// Real, synthetic and difference heatmaps, and the DCR figure.
	if svgs := strings.Count(page, "<svg"); svgs != 4 {
		t.Errorf("%d inline SVGs, want 4", svgs)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "data:image/png;base64,") {
			t.Errorf("reference to %q, want inline data only", shorten(m[1], 60))
		}
	}
	for _, bad := range []string{"http://", "https://", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{quality.Percent(ev.Report.Score), "temp_max", "Column Pair Trends", "Exact copies", "DCR ratio",
		"Logic of the table", `id="detection"`, "temp_min &lt;= temp_max", `id="seasonality"`, `id="efficacy"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not mention %q", want)
		}
	}
	if err := WriteHTMLReport(&buf, nil, &ev.Real, &ev.Synthetic); err == nil {
		t.Errorf("no error for a nil report")
	}
}
