package quality

import (
	"encoding/json"
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

type detectionJSON struct {
	RowsEach      int       `json:"rows_each"`
	LogisticAUC   jsonFloat `json:"logistic_auc"`
	LogisticScore jsonFloat `json:"logistic_score"`
	TreeAUC       jsonFloat `json:"tree_auc"`
	TreeScore     jsonFloat `json:"tree_score"`
}

// MarshalJSON encodes the detection figures; NaN figures become null.
func (d Detection) MarshalJSON() ([]byte, error) {
	return json.Marshal(detectionJSON{d.RowsEach, jsonFloat(d.LogisticAUC), jsonFloat(d.LogisticScore),
		jsonFloat(d.TreeAUC), jsonFloat(d.TreeScore)})
}

// UnmarshalJSON decodes detection figures; null figures become NaN.
func (d *Detection) UnmarshalJSON(b []byte) error {
	var j detectionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*d = Detection{j.RowsEach, float64(j.LogisticAUC), float64(j.LogisticScore), float64(j.TreeAUC), float64(j.TreeScore)}
	return nil
}

type seasonalityJSON struct {
	Datetime      string    `json:"datetime"`
	By            string    `json:"by"`
	Column        string    `json:"column"`
	RealEta2      jsonFloat `json:"real_eta2"`
	SyntheticEta2 jsonFloat `json:"synthetic_eta2"`
	Gap           jsonFloat `json:"gap"`
}

// MarshalJSON encodes the seasonality figures; NaN figures become null.
func (s Seasonality) MarshalJSON() ([]byte, error) {
	return json.Marshal(seasonalityJSON{s.Datetime, s.By, s.Column,
		jsonFloat(s.RealEta2), jsonFloat(s.SyntheticEta2), jsonFloat(s.Gap)})
}

// UnmarshalJSON decodes seasonality figures; null figures become NaN.
func (s *Seasonality) UnmarshalJSON(b []byte) error {
	var j seasonalityJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Seasonality{j.Datetime, j.By, j.Column, float64(j.RealEta2), float64(j.SyntheticEta2), float64(j.Gap)}
	return nil
}

type efficacyJSON struct {
	Target       string    `json:"target"`
	Metric       string    `json:"metric"`
	Real         jsonFloat `json:"real"`
	Synthetic    jsonFloat `json:"synthetic"`
	HoldoutRows  int       `json:"holdout_rows"`
	TrainRowsCap int       `json:"train_rows_cap"`
}

// MarshalJSON encodes the efficacy figures; NaN figures become null.
func (e Efficacy) MarshalJSON() ([]byte, error) {
	return json.Marshal(efficacyJSON{e.Target, e.Metric, jsonFloat(e.Real), jsonFloat(e.Synthetic),
		e.HoldoutRows, e.TrainRowsCap})
}

// UnmarshalJSON decodes efficacy figures; null figures become NaN.
func (e *Efficacy) UnmarshalJSON(b []byte) error {
	var j efficacyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Efficacy{j.Target, j.Metric, float64(j.Real), float64(j.Synthetic), j.HoldoutRows, j.TrainRowsCap}
	return nil
}
