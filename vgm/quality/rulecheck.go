package quality

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/vgmsynth/vgmsynth/vgm/rules"
)

// DefaultRuleRows is the default LogicOptions.RuleRows.
const DefaultRuleRows = 200_000

// RuleCheck is one rule that every (sampled) real row holds, found by
// rules.Mine, with the share of synthetic rows that break it among those on
// which it can be checked (see rules.Rule.Rate: 1 when none can).
type RuleCheck struct {
	Rule       string  `json:"rule"`
	Type       string  `json:"type"`
	Violations float64 `json:"violations"`
	Checked    int     `json:"checked"`
}

// checkRules mines the rules of up to rows rows of real and measures them
// on up to rows rows of syn.
func checkRules(real, syn *Table, rows int, seed uint64) []RuleCheck {
	rs := real.sample(rows, rand.New(rand.NewPCG(seed, streamRulesReal)))
	ss := syn.sample(rows, rand.New(rand.NewPCG(seed, streamRulesSynthetic)))
	rc := ruleColumns(&rs, nil)
	sc := ruleColumns(&ss, rc)
	out := []RuleCheck{}
	for _, r := range rules.Mine(rc, rules.Options{}) {
		broken, checked := r.Violations(sc)
		rate := 1.0
		if checked > 0 {
			rate = float64(broken) / float64(checked)
		}
		out = append(out, RuleCheck{Rule: r.String(), Type: string(r.Type), Violations: rate, Checked: checked})
	}
	return out
}

// ruleColumns converts t for package rules: Numeric and Datetime columns
// as Number and Time, Categorical and Boolean ones as Discrete, or as Text
// (in no rule) when more than 50 distinct values make up more than half the
// rows, the realism check's free-text rule. Every value is also written as
// text, so that columns with few distinct values take part in functional
// dependencies. like, when given, fixes the kinds (those of the real table).
func ruleColumns(t *Table, like []rules.Column) []rules.Column {
	out := make([]rules.Column, len(t.Columns))
	for ci := range t.Columns {
		c := &t.Columns[ci]
		rc := rules.Column{Name: c.Name, Text: make([]string, c.Len())}
		if c.Kind.continuous() {
			rc.Kind = rules.Number
			if c.Kind == Datetime {
				rc.Kind = rules.Time
			}
			rc.Num = make([]float64, len(c.Num))
			for i, v := range c.Num {
				if numNull(v) {
					rc.Num[i] = math.NaN()
					continue
				}
				rc.Num[i] = v
				rc.Text[i] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		} else {
			distinct := make(map[string]struct{})
			for i, v := range c.Cat {
				if !c.catNull(i) {
					rc.Text[i] = v
					distinct[v] = struct{}{}
				}
			}
			rc.Kind = rules.Discrete
			if n := len(distinct); n > 50 && 2*n > c.Len() {
				rc.Kind = rules.Text
			}
		}
		if like != nil {
			rc.Kind = like[ci].Kind
		}
		out[ci] = rc
	}
	return out
}
