package policy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// taipei is the dealer's time zone, fixed so that tests need no zone
// database.
var taipei = time.FixedZone("Asia/Taipei", 8*60*60)

var nov = policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// at is a local time in Taipei: "2026-11-03 09:10".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, taipei)
	if err != nil {
		panic(err)
	}
	return t
}

// appr is an appraisal: it passes from 60, is excellent from 90, and a
// fail is the first of its run.
func appr(score string, rank, ranked int) *policy.AppraisalFacts {
	a := &policy.AppraisalFacts{Score: dec(score), Grade: "pass", Passed: true, Rank: rank, Ranked: ranked}
	switch {
	case a.Score.LessThan(dec("60")):
		a.Grade, a.Passed, a.ConsecutiveFails = "fail", false, 1
	case a.Score.GreaterThanOrEqual(dec("90")):
		a.Grade, a.Excellent = "excellent", true
	}
	return a
}

// inc is an incident at a local time, with an optional amount.
func inc(id string, kind policy.IncidentKind, when string, amount ...string) policy.Incident {
	i := policy.Incident{ID: id, Kind: kind, At: at(when)}
	if len(amount) > 0 {
		i.Amount = dec(amount[0])
	}
	return i
}

// evaluate evaluates p for period in Taipei and requires no error.
func evaluate(t testing.TB, p *policy.Policy, period policy.Period, facts ...policy.Facts) []policy.Proposal {
	t.Helper()
	props, err := p.Evaluate(policy.Input{Period: period, Location: taipei, Facts: facts})
	require.NoError(t, err)
	return props
}

// summary writes each proposal as "employee rule[/incident]: kind amount,
// ...", with a "!" when it needs approval.
func summary(props []policy.Proposal) []string {
	out := []string{}
	for _, p := range props {
		var acts []string
		for _, a := range p.Actions {
			s := string(a.Kind)
			if !a.Amount.IsZero() {
				s += " " + a.Amount.String()
			}
			acts = append(acts, s)
		}
		id := p.RuleID
		if p.Incident != "" {
			id += "/" + p.Incident
		}
		mark := ""
		if p.NeedsApproval {
			mark = "!"
		}
		out = append(out, fmt.Sprintf("%s %s%s: %s", p.Employee, id, mark, strings.Join(acts, ", ")))
	}
	return out
}
