package policytest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

// The default policy passes its complete test file, which exercises every
// rule.
func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	r := policytest.Test(t, "", filepath.Join("..", "default.tests.yaml"))
	policytest.AssertCoverage(t, r.Coverage, 100)
}

// The default policy's tests catch a change of any number, window,
// bracket, tie-break or action of the policy: each change below, which
// leaves a valid policy, fails the case named.
func TestDefaultTestsCatchChanges(t *testing.T) {
	t.Parallel()
	suite, err := policytest.LoadFile(filepath.Join("..", "default.tests.yaml"))
	require.NoError(t, err)
	tests := []struct {
		change, from, to string
		fails            string
	}{
		{"monthly minimum score", "rank: {top: 1, min_score: 90}", "rank: {top: 1, min_score: 91}",
			"monthly excellent advisor with a score of exactly 90"},
		{"monthly bonus", "- {kind: bonus, amount: 3000}", "- {kind: bonus, amount: 2000}",
			"monthly excellent advisor is rank 1 with 90 or more"},
		{"monthly tie by complaints", "- {fact: incidents.complaint, order: asc}\n        - {fact: nominations",
			"- {fact: incidents.complaint, order: desc}\n        - {fact: nominations", "a tie at rank 1 goes to fewer complaints"},
		{"monthly tie by nominations", "- {fact: nominations, order: desc}", "- {fact: nominations, order: asc}",
			"a tie at rank 1 and on complaints goes to more nominations"},
		{"annual award", "- {kind: bonus, amount: 20000}", "- {kind: bonus, amount: 2000}",
			"annual excellent advisor is rank 1 of the year"},
		{"annual tie", "rank: {top: 1}\n    then:\n      - {kind: certificate}\n      - {kind: bonus, amount: 20000}\n      - {kind: promotion_eligibility}\n    award:\n      winners: 1\n      tie_break:\n        - {fact: incidents.complaint, order: asc}",
			"rank: {top: 1}\n    then:\n      - {kind: certificate}\n      - {kind: bonus, amount: 20000}\n      - {kind: promotion_eligibility}\n    award:\n      winners: 1\n      tie_break:\n        - {fact: incidents.complaint, order: desc}",
			"an annual tie at rank 1 goes to fewer complaints in the year"},
		{"special contribution", `fact: {name: nominations, op: ">=", value: 1}`, `fact: {name: nominations, op: ">=", value: 2}`,
			"a nomination for a special contribution earns its rewards"},
		{"commendation", "- {kind: commendation}", "- {kind: certificate}", "an excellent appraisal is commended, a good one is not"},
		{"fail", "- {kind: interview}", "- {kind: warning}", "a failed appraisal leads to an interview and an improvement plan"},
		{"two fails", "consecutive: {fact: appraisal.failed, periods: 2}", "consecutive: {fact: appraisal.failed, periods: 3}",
			"two consecutive fails make the contract terminable, with approval"},
		{"retake", "- {kind: retake}", "- {kind: retraining}", "a failed course is retaken"},
		{"retraining", "- fact: {name: training.retraining, op: \">=\", value: 1}", "- fact: {name: training.retraining, op: \">=\", value: 2}",
			"a course to take again is retrained"},
		{"third lateness", "- [{kind: fine, amount: 500}]", "- [{kind: fine, amount: 600}]", "the third lateness in 30 days is fined 500"},
		{"last step", "- [{kind: fine, amount: 1000}]", "- [{kind: fine, amount: 800}]", "every attendance offence past the last step is fined 1,000"},
		{"attendance window", "within_days: 30", "within_days: 29", "the attendance window is exactly 30 days, the offence's day included"},
		{"attendance window longer", "within_days: 30", "within_days: 31", "a lateness 31 days back is outside the window"},
		{"conduct window", "within_days: 365", "within_days: 364", "the conduct window is exactly 365 days"},
		{"demotion", "- [{kind: demerit}]\n      - [{kind: demotion}]", "- [{kind: demerit}]\n      - [{kind: demerit}]",
			"a second conduct offence within a year is a demotion, with approval"},
		{"complaint", "- fact: {name: incidents.complaint, op: \">=\", value: 1}", "- fact: {name: incidents.complaint, op: \">=\", value: 2}",
			"a complaint without a loss is a warning"},
		{"minor percent", "{above: 0, at_most: 10000, percent: 10}", "{above: 0, at_most: 10000, percent: 11}",
			"a loss of exactly 10,000 is minor"},
		{"moderate edge", "above: 10000, at_most: 50000}\n", "above: 10000, at_most: 49999}\n", "a loss of exactly 50,000 is moderate"},
		{"major edge", "above: 50000, at_most: 200000}", "above: 50000, at_most: 199999}", "a loss of exactly 200,000 is major"},
		{"severe", "- {kind: dismissal}\n\n  - id: confidentiality_breach", "- {kind: demotion}\n\n  - id: confidentiality_breach",
			"a loss above 200,000 is severe, dismissal with approval"},
		{"leak", "- {kind: dismissal}\n      - {kind: legal_action}", "- {kind: dismissal}", "a leak is dismissal and legal action, with approval"},
	}
	for _, tt := range tests {
		t.Run(tt.change, func(t *testing.T) {
			t.Parallel()
			text := string(policy.DefaultFile())
			require.Equal(t, 1, strings.Count(text, tt.from), "the change finds its place in default.yaml once")
			p, err := policy.Load("changed.yaml", []byte(strings.Replace(text, tt.from, tt.to, 1)))
			require.NoError(t, err, "the changed policy is valid")
			r := suite.Run(p, policytest.Options{})
			var failed []string
			for _, c := range r.Failed() {
				failed = append(failed, c.Name)
			}
			assert.Contains(t, failed, tt.fails)
		})
	}
}
