package quality

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// WriteText writes the Logic figures to w: the detection AUCs and scores,
// the rules with their synthetic violation rates (worst first), the
// seasonality (largest gap first) and the ML efficacy.
func (l *Logic) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	p("Logic of the table\n")
	if d := l.Detection; d != nil {
		p("Detection\t(%d rows each, %d-fold ROC AUC: 0.5 = indistinguishable; score 1 − (2·max(AUC, 0.5) − 1))\n",
			d.RowsEach, DetectionFolds)
		p("  logistic\tAUC %s\tscore %s\n", Decimal(d.LogisticAUC), Decimal(d.LogisticScore))
		p("  boosted trees\tAUC %s\tscore %s\n", Decimal(d.TreeAUC), Decimal(d.TreeScore))
	}
	broken := 0
	for _, r := range l.Rules {
		if r.Violations > 0 {
			broken++
		}
	}
	p("Rules held by every real row\t%d, broken by some synthetic row: %d\n", len(l.Rules), broken)
	for _, r := range worstRules(l.Rules) {
		p("  %s\t%s\tof %d synthetic rows\n", r.Rule, Percent(r.Violations), r.Checked)
	}
	p("Seasonality\t%d columns with real eta² ≥ %g\n", len(l.Seasonality), SeasonalityThreshold)
	for _, s := range worstSeasonality(l.Seasonality) {
		p("  %s by %s: %s\treal %s\tsynthetic %s\tgap %s\n", s.Datetime, s.By, s.Column,
			Decimal(s.RealEta2), Decimal(s.SyntheticEta2), Decimal(s.Gap))
	}
	if e := l.Efficacy; e != nil {
		p("ML efficacy\t%s of %s on %d holdout rows: trained on real %s, on synthetic %s\n",
			e.Metric, e.Target, e.HoldoutRows, Decimal(e.Real), Decimal(e.Synthetic))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("quality: writing report: %w", err)
	}
	return nil
}

// worstRules returns the rules by decreasing violation rate.
func worstRules(rs []RuleCheck) []RuleCheck {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b RuleCheck) int { return cmpFloat(b.Violations, a.Violations) })
	return out
}

// worstSeasonality returns the entries by decreasing gap.
func worstSeasonality(ss []Seasonality) []Seasonality {
	out := slices.Clone(ss)
	slices.SortStableFunc(out, func(a, b Seasonality) int { return cmpFloat(b.Gap, a.Gap) })
	return out
}

// MarshalJSON encodes the detection figures; NaN figures become null.
func (d Detection) MarshalJSON() ([]byte, error) { return marshalFinite(d) }

// UnmarshalJSON decodes detection figures; null figures become NaN.
func (d *Detection) UnmarshalJSON(b []byte) error { return unmarshalFinite(b, d) }

// MarshalJSON encodes the seasonality figures; NaN figures become null.
func (s Seasonality) MarshalJSON() ([]byte, error) { return marshalFinite(s) }

// UnmarshalJSON decodes seasonality figures; null figures become NaN.
func (s *Seasonality) UnmarshalJSON(b []byte) error { return unmarshalFinite(b, s) }

// MarshalJSON encodes the efficacy figures; NaN figures become null.
func (e Efficacy) MarshalJSON() ([]byte, error) { return marshalFinite(e) }

// UnmarshalJSON decodes efficacy figures; null figures become NaN.
func (e *Efficacy) UnmarshalJSON(b []byte) error { return unmarshalFinite(b, e) }
