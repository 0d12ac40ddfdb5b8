package monthend

import (
	"context"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// RulePromotionFromDecision is the blocker of a promotion proposed from a
// policy decision that is not an approved promotion eligibility (R5.5,
// R6.4: "excellent: promotion" is the policy's proposal, approved by
// management, before a promotion is proposed from it).
const RulePromotionFromDecision = "R5.5_promotion_from_an_approved_eligibility"

// PromotionInput is the input of [Service.ProposePromotion].
type PromotionInput struct {
	// ID, when empty, is made by org's IDSource.
	ID org.MoveID `json:"id"`
	// Decision is the key of the policy decision the promotion follows
	// from: approved, with a promotion_eligibility action.
	Decision string `json:"decision"`
	// To is the position the promotion gives (org.MoveInput.To).
	To     org.Position `json:"to"`
	Reason string       `json:"reason"`
}

// decisionSource is the career move's Source for decision key: what a
// move proposed from a decision names, and how a second one is found.
func decisionSource(key string) string { return "policy decision " + key }

// ProposePromotion proposes the promotion a policy decision made an
// employee eligible for (R5.5, R6.4): the decision must be approved and
// carry a promotion_eligibility action. The employee is the decision's,
// never an input, and the move names the decision as its source
// ("policy decision <key>"); a decision leads to one promotion at most (a
// move from it that was rejected leaves it free again). The proposal is
// then org's ([org.Service.ProposeMove]: who may propose, R2.1 kept), and
// an admin decides it as any other move. It needs Config.Org.
func (s *Service) ProposePromotion(ctx context.Context, dealer org.DealerID, actor org.Actor, in PromotionInput) (_ org.CareerMove, err error) {
	ctx, ob := s.obs.Begin(ctx, "propose_promotion", dealer, actor)
	defer ob.End(&err)
	if s.org == nil {
		return org.CareerMove{}, fmt.Errorf("monthend: propose promotion: monthend.Config.Org is not set: %w", org.ErrInvalid)
	}
	ve := &org.ValidationError{Op: "monthend: propose promotion"}
	if in.Decision == "" {
		ve.Add("decision", org.CodeRequired, "names the approved policy decision the promotion follows from")
	}
	if err := ve.Err(); err != nil {
		return org.CareerMove{}, err
	}
	d, err := s.pol.Decision(ctx, dealer, actor, in.Decision)
	if err != nil {
		return org.CareerMove{}, fmt.Errorf("monthend: propose promotion: %w", err)
	}
	ref := &org.RefusalError{Op: "monthend", Record: "decision", ID: d.Key, State: string(d.State), Command: "propose_promotion", Actor: actor}
	if d.State != policy.Approved {
		ref.Add(RulePromotionFromDecision, fmt.Sprintf("decision %s is %s: a promotion follows from an approved one", d.Key, d.State))
	}
	if !slices.ContainsFunc(d.Proposal.Actions, func(a policy.Action) bool { return a.Kind == policy.PromotionEligibility }) {
		ref.Add(RulePromotionFromDecision, fmt.Sprintf("decision %s makes no one eligible for promotion", d.Key))
	}
	if len(ref.Blockers) > 0 {
		return org.CareerMove{}, ref
	}
	moves, err := s.org.Moves(ctx, dealer, actor, d.Employee())
	if err != nil {
		return org.CareerMove{}, fmt.Errorf("monthend: propose promotion: %w", err)
	}
	for _, m := range moves {
		if m.Source == decisionSource(d.Key) && m.State != org.MoveRejected {
			ve.Add("decision", org.CodeDuplicate, fmt.Sprintf("promotion %s follows from this decision already (%s)", m.ID, m.State))
			return org.CareerMove{}, ve
		}
	}
	return s.org.ProposeMove(ctx, dealer, actor, org.MoveInput{ID: in.ID, Employee: d.Employee(), Kind: org.MovePromotion,
		To: in.To, Reason: in.Reason, Source: decisionSource(d.Key)})
}

// eligible reports whether d makes its employee eligible for promotion
// and was not turned down.
func eligible(d policy.Decision) bool {
	return (d.State == policy.Approved || d.State == policy.Proposed) &&
		slices.ContainsFunc(d.Proposal.Actions, func(a policy.Action) bool { return a.Kind == policy.PromotionEligibility })
}
