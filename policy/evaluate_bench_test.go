package policy_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

const benchEmployees = 10000

// benchMonth is a November of n employees: every one appraised, ranked in
// departments of 12, with about four incidents each over October and
// November (some with amounts), a training result, and a nomination for
// one in ten.
func benchMonth(n int) []policy.Facts {
	kinds := policy.IncidentKinds()
	outcomes := policy.Outcomes()
	start := time.Date(2026, time.October, 1, 8, 0, 0, 0, taipei)
	facts := make([]policy.Facts, n)
	for e := range n {
		score := decimal.New(int64(400+e*37%600), -1) // 40.0 to 99.9
		a := &policy.AppraisalFacts{Score: score, Grade: "pass", Passed: score.GreaterThanOrEqual(decimal.NewFromInt(60)),
			Rank: 1 + e%12, Ranked: 12}
		if !a.Passed {
			a.Grade, a.ConsecutiveFails = "fail", 1+e%2
		} else {
			a.Excellent = score.GreaterThanOrEqual(decimal.NewFromInt(90))
		}
		f := policy.Facts{Employee: org.EmployeeID(fmt.Sprintf("adv%05d", e)), Appraisal: a,
			Training: []policy.TrainingResult{{Course: "service basics", Outcome: outcomes[e%len(outcomes)]}}}
		for j := range 1 + e%7 {
			inc := policy.Incident{ID: fmt.Sprintf("inc-%d", j), Kind: kinds[(e+j*3)%len(kinds)],
				At: start.Add(time.Duration((e*13+j*211)%(61*24)) * time.Hour)}
			if inc.Kind == policy.Loss || inc.Kind == policy.Complaint {
				inc.Amount = decimal.NewFromInt(int64(e * 977 % 120000))
			}
			f.Incidents = append(f.Incidents, inc)
		}
		if e%10 == 0 {
			f.Nominations = []policy.Nomination{{ID: "n1", Reason: "helped a customer after hours", By: "sup"}}
		}
		facts[e] = f
	}
	return facts
}

// BenchmarkEvaluateDefault evaluates the default policy for 10,000
// employees for one month and reports the time per employee.
func BenchmarkEvaluateDefault(b *testing.B) {
	p := policy.Default("TWD")
	in := policy.Input{Period: nov, Location: taipei, Facts: benchMonth(benchEmployees)}
	props, err := p.Evaluate(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Evaluate(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchEmployees, "ns/employee")
	b.ReportMetric(float64(len(props))/benchEmployees, "proposals/employee")
}
