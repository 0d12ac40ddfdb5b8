package policytest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/policy"
)

// Coverage is the rule coverage of a run: which of the policy's rules the
// cases exercised. A rule is covered when it proposed in at least one case
// that ran, or when a case that ran expects it (in decisions or includes),
// passing or not; a rule that only excludes name is not: a case that
// shows a rule does not fire says little about what it does when it does.
type Coverage struct {
	// Rules are every rule of the policy, in the policy's order.
	Rules []RuleCoverage `json:"rules"`
	// Covered of Total rules are covered.
	Covered int `json:"covered"`
	Total   int `json:"total"`
	// Percent is Covered/Total as a percentage, truncated to one decimal
	// place (never rounded up to 100): 13 of 15 is 86.6. A policy without
	// rules is 100% covered.
	Percent decimal.Decimal `json:"percent"`
	// Uncovered are the ids of the rules not covered, in the policy's
	// order.
	Uncovered []string `json:"uncovered"`
}

// RuleCoverage is how the cases that ran exercised one rule.
type RuleCoverage struct {
	Rule   string            `json:"rule"`
	Period policy.PeriodKind `json:"period"`
	// Fired is the number of cases in which it proposed.
	Fired int `json:"fired"`
	// Expected is the number of cases whose decisions or includes name
	// it; Excluded, whose excludes do.
	Expected int `json:"expected"`
	Excluded int `json:"excluded"`
}

// Covered reports whether the rule proposed in a case or a case expects it.
func (r RuleCoverage) Covered() bool { return r.Fired > 0 || r.Expected > 0 }

// coverage counts, for each rule of p, the cases that exercised it.
func coverageOf(p *policy.Policy, results []CaseResult, cases []*Case) Coverage {
	c := Coverage{Uncovered: []string{}}
	if p == nil {
		return c.finish()
	}
	index := map[string]int{}
	for i, r := range p.Rules {
		index[r.ID] = i
		c.Rules = append(c.Rules, RuleCoverage{Rule: r.ID, Period: r.Period})
	}
	for i, res := range results {
		fired, expected, excluded := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, g := range res.Got {
			fired[g.Proposal.RuleID] = true
		}
		e := cases[i].Expect
		for _, list := range [][]Expected{e.Decisions, e.Includes} {
			for _, x := range list {
				expected[x.Rule] = true
			}
		}
		for _, x := range e.Excludes {
			excluded[x.Rule] = true
		}
		for j := range c.Rules {
			id := c.Rules[j].Rule
			c.Rules[j].Fired += oneIf(fired[id])
			c.Rules[j].Expected += oneIf(expected[id])
			c.Rules[j].Excluded += oneIf(excluded[id])
		}
	}
	return c.finish()
}

func oneIf(b bool) int {
	if b {
		return 1
	}
	return 0
}

// finish fills the totals from Rules.
func (c Coverage) finish() Coverage {
	c.Total, c.Covered, c.Uncovered = len(c.Rules), 0, []string{}
	for _, r := range c.Rules {
		if r.Covered() {
			c.Covered++
		} else {
			c.Uncovered = append(c.Uncovered, r.Rule)
		}
	}
	c.Percent = decimal.NewFromInt(100)
	if c.Total > 0 {
		c.Percent, _ = decimal.NewFromInt(int64(c.Covered)*100).QuoRem(decimal.NewFromInt(int64(c.Total)), 1)
	}
	return c
}

// AtLeast reports whether the coverage is at least pct percent, compared
// exactly: 13 of 15 rules (86.66...%) is at least 86.6 and not at least
// 86.7.
func (c Coverage) AtLeast(pct decimal.Decimal) bool {
	if c.Total == 0 {
		return true
	}
	return decimal.NewFromInt(int64(c.Covered)*100).Cmp(pct.Mul(decimal.NewFromInt(int64(c.Total)))) >= 0
}

// String says the coverage as the command prints it: "86.6% of 15 rules
// (uncovered: loss_severe, conduct)" or "100% of 16 rules".
func (c Coverage) String() string {
	s := fmt.Sprintf("%s%% of %d rules", c.Percent, c.Total)
	if len(c.Uncovered) > 0 {
		s += " (uncovered: " + strings.Join(c.Uncovered, ", ") + ")"
	}
	return s
}

// AssertCoverage fails t, naming every rule no case exercised, when the
// coverage is below minPercent percent, and reports whether it is not.
//
//	r := policytest.Test(t, "", "testdata/policy.tests.yaml")
//	policytest.AssertCoverage(t, r.Coverage, 100)
func AssertCoverage(t testing.TB, c Coverage, minPercent int) bool {
	t.Helper()
	if c.AtLeast(decimal.NewFromInt(int64(minPercent))) {
		return true
	}
	t.Errorf("policytest: rule coverage %s%% (%d of %d rules) is below %d%%; no case exercised %s",
		c.Percent, c.Covered, c.Total, minPercent, strings.Join(c.Uncovered, ", "))
	return false
}
