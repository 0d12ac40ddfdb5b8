// Command policy shows a dealer's customised reward and penalty policy
// (R6.4, R7) with its unit tests: it loads policy.yaml, runs the cases of
// policy.tests.yaml against it with policytest and prints the report, then
// evaluates a small November of three advisors and prints each proposal
// with its reason in English and Traditional Chinese.
//
//	go run ./examples/policy
package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

var (
	//go:embed policy.yaml
	policyFile []byte
	//go:embed policy.tests.yaml
	testsFile []byte
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	p, err := policy.Load("policy.yaml", policyFile)
	if err != nil {
		return fmt.Errorf("%s", policytest.Problems(err))
	}
	fmt.Fprintf(w, "policy %s version %d in %s: %d rules, %d ladders\n", p.ID, p.Version, p.Currency, len(p.Rules), len(p.Ladders))

	// 1. The team's unit tests, as `servicelane policy test` runs them.
	suite, err := policytest.Load("policy.tests.yaml", testsFile)
	if err != nil {
		return fmt.Errorf("%s", policytest.Problems(err))
	}
	report := suite.Run(p, policytest.Options{})
	printReport(w, report)
	if !report.Passed() {
		return fmt.Errorf("policy: %d of %d cases failed", len(report.Failed()), len(report.Cases))
	}

	// 2. A month of the service advisor department.
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		return err
	}
	period := policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})
	props, err := p.Evaluate(policy.Input{Period: period, Location: taipei, Facts: november(taipei)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s in %s: %d proposals\n", period, taipei, len(props))
	for _, pr := range props {
		fmt.Fprintf(w, "%s\n", policytest.ProposalLine(pr))
		fmt.Fprintf(w, "  en: %s\n", pr.Explanation.Text(org.English))
		fmt.Fprintf(w, "  zh: %s\n", pr.Explanation.Text(org.TraditionalChinese))
	}
	return nil
}

// printReport prints the tests' report as the command does: each case, and
// the rule coverage.
func printReport(w io.Writer, r policytest.Report) {
	fmt.Fprintf(w, "\ntests of %s version %d:\n", r.PolicyID, r.PolicyVersion)
	for _, c := range r.Cases {
		if c.Passed {
			fmt.Fprintf(w, "  ok    %s\n", c.Name)
			continue
		}
		fmt.Fprintf(w, "  FAIL  %s\n%s\n", c.Name, c.Diff)
	}
	fmt.Fprintf(w, "%d of %d cases passed, coverage %s\n", len(r.Cases)-len(r.Failed()), len(r.Cases), r.Coverage)
}

// november is what the other packages know about three advisors'
// November: chen tops the appraisal and was nominated; lin was late twice
// after a lateness in October and caused a loss; wang failed a second
// appraisal in a row and a course.
func november(loc *time.Location) []policy.Facts {
	at := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2026, month, day, hour, minute, 0, 0, loc)
	}
	return []policy.Facts{
		{Employee: "chen",
			Appraisal: &policy.AppraisalFacts{Score: decimal.RequireFromString("93.5"), Grade: "excellent", Passed: true,
				Excellent: true, Rank: 1, Ranked: 3},
			Nominations: []policy.Nomination{{ID: "nom-7", Reason: "kept a fleet customer of 40 cars", By: "wang"}}},
		{Employee: "lin",
			Appraisal: &policy.AppraisalFacts{Score: decimal.RequireFromString("74"), Grade: "pass", Passed: true, Rank: 2, Ranked: 3},
			Incidents: []policy.Incident{
				{ID: "inc-12", Kind: policy.Late, At: at(time.October, 15, 9, 20)},
				{ID: "inc-31", Kind: policy.Late, At: at(time.November, 3, 9, 12)},
				{ID: "inc-44", Kind: policy.Late, At: at(time.November, 20, 9, 35)},
				{ID: "inc-47", Kind: policy.Loss, At: at(time.November, 24, 15, 0), Amount: decimal.RequireFromString("8000"),
					Note: "scratched a customer's door"},
			}},
		{Employee: "wang",
			Appraisal: &policy.AppraisalFacts{Score: decimal.RequireFromString("52"), Grade: "fail", Rank: 3, Ranked: 3,
				ConsecutiveFails: 2},
			Training: []policy.TrainingResult{{Course: "brake systems", Outcome: policy.Failed}}},
	}
}
