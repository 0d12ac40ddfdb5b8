package policy

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// BenchMonth is a November of n employees for the benchmarks: every one
// appraised, ranked in departments of 12, with about four incidents each
// over October and November (some with amounts), a training result, and a
// nomination for one in ten. It is exported to the external tests only (a
// _test.go file), never part of the package.
func BenchMonth(n int) []Facts {
	taipei := time.FixedZone("Asia/Taipei", 8*60*60)
	start := time.Date(2026, time.October, 1, 8, 0, 0, 0, taipei)
	facts := make([]Facts, n)
	for e := range n {
		score := decimal.New(int64(400+e*37%600), -1) // 40.0 to 99.9
		a := &AppraisalFacts{Score: score, Grade: "pass", Passed: score.GreaterThanOrEqual(decimal.NewFromInt(60)),
			Rank: 1 + e%12, Ranked: 12}
		if !a.Passed {
			a.Grade, a.ConsecutiveFails = "fail", 1+e%2
		} else {
			a.Excellent = score.GreaterThanOrEqual(decimal.NewFromInt(90))
		}
		f := Facts{Employee: org.EmployeeID(fmt.Sprintf("adv%05d", e)), Appraisal: a,
			Training: []TrainingResult{{Course: "service basics", Outcome: outcomes[e%len(outcomes)]}}}
		for j := range 1 + e%7 {
			inc := Incident{ID: fmt.Sprintf("inc-%d", j), Kind: incidentKinds[(e+j*3)%len(incidentKinds)],
				At: start.Add(time.Duration((e*13+j*211)%(61*24)) * time.Hour)}
			if inc.Kind == Loss || inc.Kind == Complaint {
				inc.Amount = decimal.NewFromInt(int64(e * 977 % 120000))
			}
			f.Incidents = append(f.Incidents, inc)
		}
		if e%10 == 0 {
			f.Nominations = []Nomination{{ID: "n1", Reason: "helped a customer after hours", By: "sup"}}
		}
		facts[e] = f
	}
	return facts
}
