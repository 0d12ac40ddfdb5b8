package policytest_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

func TestProposalLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p    policy.Proposal
		want string
	}{
		{policy.Proposal{Employee: "chen", RuleID: "attendance", Offence: 3, Incident: "l3", Currency: "TWD",
			Actions: []policy.Action{{Kind: policy.Fine, Amount: decimal.RequireFromString("500")}}},
			"chen attendance #3: fine TWD 500"},
		{policy.Proposal{Employee: "lin", RuleID: "loss_major", Currency: "TWD", NeedsApproval: true,
			Actions: []policy.Action{{Kind: policy.CompensationAction, Amount: decimal.RequireFromString("15000.00")}, {Kind: policy.Demotion}}},
			"lin loss_major: compensation TWD 15000, demotion [needs approval]"},
		{policy.Proposal{Employee: "wang", RuleID: "excellent_appraisal", Currency: "USD",
			Actions: []policy.Action{{Kind: policy.Commendation}}},
			"wang excellent_appraisal: commendation"},
	} {
		assert.Equal(t, tt.want, policytest.ProposalLine(tt.p))
	}
}

func TestExpectedLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		x    policytest.Expected
		want string
	}{
		{policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3,
			Actions: []policytest.ExpectedAction{{Kind: policy.Fine, Amount: amount("500.00")}}},
			"chen attendance #3: fine TWD 500"},
		{policytest.Expected{Rule: "dismissal"}, "* dismissal: ..."},
		{policytest.Expected{Employee: "chen"}, "chen *: ..."},
		{policytest.Expected{Employee: "lin", Rule: "loss_major", Incident: "x1", NeedsApproval: yes(), Reason: "30%", ReasonZH: "賠償",
			Actions: []policytest.ExpectedAction{{Kind: policy.CompensationAction}, {Kind: policy.Demotion}}},
			`lin loss_major (incident x1): compensation, demotion [needs approval] reason "30%" reason_zh "賠償"`},
		{policytest.Expected{Employee: "lin", Rule: "attendance", NeedsApproval: no()}, "lin attendance: ... [no approval]"},
	} {
		assert.Equal(t, tt.want, policytest.ExpectedLine(tt.x, "TWD"))
	}
}

// A proposal's reason shows under a wrong proposal and under the
// proposals a missing expectation most likely meant: the same employee,
// rule and offence.
func TestDiffShowsTheReasonsThatExplain(t *testing.T) {
	t.Parallel()
	res := runOne(t, policytest.Expect{Includes: []policytest.Expected{
		{Employee: "chen", Rule: "attendance", Offence: 2, Actions: []policytest.ExpectedAction{{Kind: policy.Fine}}},
	}})
	assert.Equal(t, `-want +got:
  chen attendance #1 (incident l1): warning
- chen attendance #2: fine  (expect.includes[0])
  chen attendance #2 (incident l2): warning
      2nd lateness within 30 days (2026-11-03, 2026-11-10): warning under rule attendance (R7.2a)
  chen attendance #3 (incident l3): fine TWD 500
  chen loss_moderate: compensation TWD 2500, demerit`, res.Diff)
}
