package report

import (
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/quality"
)

// reportLogic is the "Logic of the table" section of the HTML report, its
// figures formatted.
type reportLogic struct {
	Detection   *reportDetection
	Rules       []reportRule
	Broken      int
	Seasonality []reportSeason
	Efficacy    *reportEfficacy
}

type reportDetection struct {
	RowsEach, Folds int
	LogisticAUC     string
	LogisticScore   string
	LogisticClass   string
	TreeAUC         string
	TreeScore       string
	TreeClass       string
}

type reportRule struct {
	Rule, Violations, Class string
	Checked                 int
}

type reportSeason struct {
	Datetime, By, Column string
	Real, Synthetic, Gap string
	Class                string
}

type reportEfficacy struct {
	Target, Metric  string
	Real, Synthetic string
	HoldoutRows     int
}

// buildReportLogic formats l for the report; nil when l is.
func buildReportLogic(l *quality.Logic) *reportLogic {
	if l == nil {
		return nil
	}
	out := &reportLogic{}
	if d := l.Detection; d != nil {
		out.Detection = &reportDetection{
			RowsEach: d.RowsEach, Folds: quality.DetectionFolds,
			LogisticAUC: quality.Decimal(d.LogisticAUC), LogisticScore: quality.Decimal(d.LogisticScore), LogisticClass: scoreClass(d.LogisticScore),
			TreeAUC: quality.Decimal(d.TreeAUC), TreeScore: quality.Decimal(d.TreeScore), TreeClass: scoreClass(d.TreeScore),
		}
	}
	rules := slices.Clone(l.Rules)
	slices.SortStableFunc(rules, func(a, b quality.RuleCheck) int {
		return cmpDesc(a.Violations, b.Violations)
	})
	for _, r := range rules {
		if r.Violations > 0 {
			out.Broken++
		}
		out.Rules = append(out.Rules, reportRule{Rule: r.Rule, Violations: quality.Percent(r.Violations),
			Class: scoreClass(1 - 100*r.Violations), Checked: r.Checked})
	}
	seasons := slices.Clone(l.Seasonality)
	slices.SortStableFunc(seasons, func(a, b quality.Seasonality) int { return cmpDesc(a.Gap, b.Gap) })
	for _, s := range seasons {
		out.Seasonality = append(out.Seasonality, reportSeason{Datetime: s.Datetime, By: s.By, Column: s.Column,
			Real: quality.Decimal(s.RealEta2), Synthetic: quality.Decimal(s.SyntheticEta2), Gap: quality.Decimal(s.Gap),
			Class: scoreClass(1 - 2*s.Gap)})
	}
	if e := l.Efficacy; e != nil {
		out.Efficacy = &reportEfficacy{Target: e.Target, Metric: e.Metric,
			Real: quality.Decimal(e.Real), Synthetic: quality.Decimal(e.Synthetic), HoldoutRows: e.HoldoutRows}
	}
	return out
}

// cmpDesc orders larger figures first.
func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
