package monthend_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// careersPolicy makes the month's top advisor eligible for promotion.
const careersPolicy = `
id: careers
version: 1
currency: TWD
places: 0
rules:
  - id: top_of_the_month
    cites: [R5.5]
    title: {en: Top of the month, zh: 月度第一}
    period: month
    when:
      rank: {top: 1}
    then:
      - {kind: promotion_eligibility}
`

// R5.5: the policy's approved "promotion eligibility" is what a promotion
// is proposed from; the SDK takes the employee from the decision, names
// the decision as the move's source, and proposes once per decision.
func TestProposePromotion_R5_5_from_an_approved_eligibility(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.open(t), "d1", monthend.Surveys{}, withoutPolicy{})
			p, err := policy.Load("careers.yaml", []byte(careersPolicy))
			require.NoError(t, err)
			_, err = w.pol.SavePolicy(w.ctx, "d1", lin, p, true)
			require.NoError(t, err)
			w.month()
			rep, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
			require.NoError(t, err)

			c := row(t, rep, "wang") // rank 1 of November
			assert.Contains(t, codes(c.Notes), "promotion_eligible", "the report lists who the policy made eligible")
			require.Len(t, c.Decisions, 1)
			key := c.Decisions[0].Key
			for _, other := range rep.Advisors {
				if other.Employee != "wang" {
					assert.NotContains(t, codes(other.Notes), "promotion_eligible", other.Employee)
				}
			}
			to := org.Position{Role: org.RoleSupervisor, Department: org.DeptWorkshop}
			in := monthend.PromotionInput{ID: "mv1", Decision: key, To: to, Reason: "rank 1 of November"}

			_, err = w.me.ProposePromotion(w.ctx, "d1", lin, in)
			ref, ok := errors.AsType[*org.RefusalError](err)
			require.True(t, ok, "a proposed decision is no approval: %v", err)
			assert.Equal(t, monthend.RulePromotionFromDecision, ref.Blockers[0].Rule)

			_, err = w.pol.Approve(w.ctx, "d1", lin, policy.DecideInput{Key: key})
			require.NoError(t, err)
			m, err := w.me.ProposePromotion(w.ctx, "d1", lin, in)
			require.NoError(t, err)
			assert.Equal(t, org.EmployeeID("wang"), m.Employee, "the decision's employee")
			assert.Equal(t, org.MovePromotion, m.Kind)
			assert.Equal(t, "policy decision "+key, m.Source)
			assert.Equal(t, org.MoveProposed, m.State)

			in.ID = "mv2"
			_, err = w.me.ProposePromotion(w.ctx, "d1", lin, in)
			fe, ok := org.FieldErrorOf(err, "decision")
			require.True(t, ok, "one promotion per decision: %v", err)
			assert.Equal(t, org.CodeDuplicate, fe.Code)

			_, err = w.me.ProposePromotion(w.ctx, "d1", chen, monthend.PromotionInput{Decision: key, To: to, Reason: "x"})
			require.ErrorIs(t, err, org.ErrForbidden, "an advisor reads no one else's decision and proposes no move")
			_, err = w.me.ProposePromotion(w.ctx, "d1", lin, monthend.PromotionInput{Decision: "no/such/key", To: to, Reason: "x"})
			require.ErrorIs(t, err, org.ErrNotFound)
		})
	}
}
