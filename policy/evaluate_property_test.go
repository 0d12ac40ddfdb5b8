package policy_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// The property tests evaluate the default policy on random months and
// check what every evaluation keeps (R1.3: the same inputs give the same
// result). They honour rapid's flags:
// go test ./policy -run Property -rapid.checks=20000

// propFacts draws the facts of n employees: appraisals (or none), training
// results, incidents from September to December around a November, with
// amounts, and nominations.
func propFacts(t *rapid.T, n int) []policy.Facts {
	kinds := policy.IncidentKinds()
	outcomes := policy.Outcomes()
	start := time.Date(2026, time.September, 1, 0, 0, 0, 0, taipei)
	facts := make([]policy.Facts, n)
	for i := range n {
		f := policy.Facts{Employee: org.EmployeeID(fmt.Sprintf("e%02d", i))}
		if rapid.IntRange(0, 5).Draw(t, "appraised") > 0 {
			score := decimal.New(rapid.Int64Range(0, 200).Draw(t, "half_points"), 0).Div(decimal.NewFromInt(2))
			a := &policy.AppraisalFacts{Score: score, Grade: "pass", Passed: score.GreaterThanOrEqual(decimal.NewFromInt(60)),
				Rank: rapid.IntRange(1, n).Draw(t, "rank"), Ranked: n}
			if a.Passed {
				a.Excellent = score.GreaterThanOrEqual(decimal.NewFromInt(90))
			} else {
				a.Grade, a.ConsecutiveFails = "fail", rapid.IntRange(1, 3).Draw(t, "consecutive_fails")
			}
			f.Appraisal = a
		}
		for j := range rapid.IntRange(0, 3).Draw(t, "training") {
			f.Training = append(f.Training, policy.TrainingResult{Course: fmt.Sprintf("course %d", j),
				Outcome: rapid.SampledFrom(outcomes).Draw(t, "outcome")})
		}
		for j := range rapid.IntRange(0, 12).Draw(t, "incidents") {
			inc := policy.Incident{ID: fmt.Sprintf("i%02d", j), Kind: rapid.SampledFrom(kinds).Draw(t, "kind"),
				// Hours over four months; some incidents share an instant.
				At: start.Add(time.Duration(rapid.IntRange(0, 4*31*24).Draw(t, "hour")) * time.Hour)}
			if rapid.Bool().Draw(t, "has_amount") {
				inc.Amount = decimal.NewFromInt(rapid.Int64Range(0, 300000).Draw(t, "amount"))
			}
			f.Incidents = append(f.Incidents, inc)
		}
		for j := range rapid.IntRange(0, 2).Draw(t, "nominations") {
			f.Nominations = append(f.Nominations, policy.Nomination{ID: fmt.Sprintf("n%d", j), Reason: fmt.Sprintf("reason %d", j)})
		}
		facts[i] = f
	}
	return facts
}

// propShuffle returns the facts with the employees, and the incidents,
// training results and nominations of each, in another order.
func propShuffle(t *rapid.T, facts []policy.Facts) []policy.Facts {
	out := rapid.Permutation(facts).Draw(t, "employees")
	for i := range out {
		out[i].Incidents = rapid.Permutation(out[i].Incidents).Draw(t, "incidents")
		out[i].Training = rapid.Permutation(out[i].Training).Draw(t, "training")
		out[i].Nominations = rapid.Permutation(out[i].Nominations).Draw(t, "nominations")
	}
	return out
}

func propEvaluate(t *rapid.T, p *policy.Policy, period policy.Period, facts []policy.Facts) []policy.Proposal {
	props, err := p.Evaluate(policy.Input{Period: period, Location: taipei, Facts: facts})
	require.NoError(t, err)
	return props
}

// propJSON is the proposals as JSON, so that two evaluations compare
// entirely, every explanation and fact read.
func propJSON(t *rapid.T, props []policy.Proposal) string {
	data, err := json.Marshal(props)
	require.NoError(t, err)
	return string(data)
}

// The same inputs, in any order, give the same proposals: the order of
// the employees and of their incidents, training results and nominations
// never matters, for a month and for a year.
func TestEvaluate_PropertyOrderIndependent(t *testing.T) {
	p := policy.Default("TWD")
	rapid.Check(t, func(t *rapid.T) {
		facts := propFacts(t, rapid.IntRange(1, 8).Draw(t, "employees"))
		period := rapid.SampledFrom([]policy.Period{nov, policy.YearPeriod(2026)}).Draw(t, "period")
		want := propJSON(t, propEvaluate(t, p, period, facts))
		require.Equal(t, want, propJSON(t, propEvaluate(t, p, period, facts)), "evaluated twice")
		require.Equal(t, want, propJSON(t, propEvaluate(t, p, period, propShuffle(t, facts))), "shuffled")
	})
}

// Every evaluation keeps its contract: keys unique and stable in form,
// proposals sorted by employee, then rule, then offence; approval needed
// exactly for a severe action; one ladder proposal per offence inside the
// period; every explanation rendered in both languages.
func TestEvaluate_PropertyContract(t *testing.T) {
	p := policy.Default("TWD")
	ruleIndex := map[string]int{}
	for i, r := range p.Rules {
		ruleIndex[r.ID] = i
	}
	ladderKinds := map[string][]policy.IncidentKind{}
	for _, l := range p.Ladders {
		ladderKinds[l.ID] = l.Incidents
	}
	rapid.Check(t, func(t *rapid.T) {
		facts := propFacts(t, rapid.IntRange(1, 8).Draw(t, "employees"))
		props := propEvaluate(t, p, nov, facts)
		keys := map[string]bool{}
		offences := map[string]int{} // rule/employee -> proposals
		for i, pr := range props {
			require.False(t, keys[pr.Key], "key %s twice", pr.Key)
			keys[pr.Key] = true
			require.True(t, strings.HasPrefix(pr.Key, "default/"+pr.RuleID+"/"+string(pr.Employee)+"/2026-11"), pr.Key)
			if i > 0 {
				prev := props[i-1]
				require.True(t, prev.Employee < pr.Employee || prev.Employee == pr.Employee && ruleIndex[prev.RuleID] <= ruleIndex[pr.RuleID],
					"%s before %s", prev.Key, pr.Key)
			}
			severe := slices.ContainsFunc(pr.Actions, func(a policy.Action) bool { return a.Kind.Severe() })
			require.Equal(t, severe, pr.NeedsApproval, pr.Key)
			for _, lang := range org.Langs() {
				text := pr.Explanation.Text(lang)
				require.NotContains(t, text, "{", "%s: %s", pr.Key, text)
			}
			if pr.Incident != "" {
				offences[pr.RuleID+"/"+string(pr.Employee)]++
			}
		}
		for _, f := range facts {
			for _, rule := range []string{"attendance", "conduct"} {
				want := 0
				for _, inc := range f.Incidents {
					if slices.Contains(ladderKinds[rule], inc.Kind) && nov.Contains(inc.At, taipei) {
						want++
					}
				}
				require.Equal(t, want, offences[rule+"/"+string(f.Employee)], "%s offences of %s", rule, f.Employee)
			}
		}
	})
}
