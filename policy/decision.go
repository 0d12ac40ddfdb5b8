package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
)

// EvaluationResult is what one evaluation of a period recorded.
type EvaluationResult struct {
	Period        Period `json:"period"`
	PolicyID      string `json:"policy_id"`
	PolicyVersion int    `json:"policy_version"`
	// New counts the proposals recorded for the first time; Updated the
	// proposed (or withdrawn) decisions whose proposal changed, by the
	// facts or by the policy's version; Withdrawn the proposed decisions
	// the policy no longer proposes; Unchanged the others, approved and
	// rejected ones among them, which no evaluation changes.
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Withdrawn int `json:"withdrawn"`
	// Decisions are every decision of the period after the evaluation,
	// ordered by Key.
	Decisions []Decision `json:"decisions"`
}

// evaluateAttempts bounds the re-reads of an evaluation that lost a race
// to another command writing the same decisions.
const evaluateAttempts = 3

// Evaluate evaluates the dealer's active policy for a period and records
// its proposals as decisions (R6.4, R7), idempotently. Only the service
// advisor department's supervisor or an admin (the host at month end), never
// a supervisor of another department (R2.2).
//
// It gathers the facts: the incidents the Store keeps, those of the period
// and, for rolling windows, those as far before it as the policy's longest
// window; the nominations of the period (of a year: of the year and its
// months); the appraisal and training facts of the Config's FactSource;
// and every active advisor of the roster, evaluated together. Then it
// records, in one Commit:
//
//   - a proposal with a new key: a proposed decision;
//   - a proposed (or withdrawn) decision whose proposal changed, by the
//     facts or the policy's version: its proposal replaced, proposed again;
//   - a proposed decision the policy no longer proposes: withdrawn;
//   - an approved or rejected decision: never changed.
//
// Each change is audited. Evaluating the same inputs again writes nothing
// and appends no event. A commit that loses a race with another command
// (two evaluations at once, an approval) reads again and retries, a few
// times; after that it returns an error matching ErrConflict.
func (s *Service) Evaluate(ctx context.Context, dealer org.DealerID, actor org.Actor, period Period) (_ EvaluationResult, err error) {
	ctx, ob := s.obs.Begin(ctx, "evaluate", dealer, actor)
	defer ob.End(&err)
	const op = "policy: evaluate"
	if !period.Valid() {
		return EvaluationResult{}, &org.ValidationError{Op: op, Fields: []org.FieldError{{Path: "period", Code: org.CodeRange,
			Message: "must be a month or a year"}}}
	}
	if _, err := s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor); err != nil {
		return EvaluationResult{}, err
	}
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return EvaluationResult{}, fmt.Errorf("%s %s: %w", op, period, err)
	}
	loc, err := d.Location()
	if err != nil {
		return EvaluationResult{}, fmt.Errorf("%s %s: %w", op, period, err)
	}
	for attempt := 1; ; attempt++ {
		res, err := s.evaluate(ctx, dealer, actor, period, loc)
		if !errors.Is(err, ErrConflict) || attempt == evaluateAttempts || ctx.Err() != nil {
			if err != nil {
				return EvaluationResult{}, fmt.Errorf("%s %s: %w", op, period, err)
			}
			return res, nil
		}
		ob.Retry()
	}
}

// evaluate is one attempt of Evaluate: read, evaluate, reconcile, commit.
func (s *Service) evaluate(ctx context.Context, dealer org.DealerID, actor org.Actor, period Period, loc *time.Location) (EvaluationResult, error) {
	sp, err := s.store.ActivePolicy(ctx, dealer)
	if err != nil {
		return EvaluationResult{}, fmt.Errorf("active policy: %w", err)
	}
	p := &sp.Policy
	facts, err := s.gather(ctx, dealer, p, period, loc)
	if err != nil {
		return EvaluationResult{}, err
	}
	props, err := p.Evaluate(Input{Period: period, Location: loc, Facts: facts})
	if err != nil {
		return EvaluationResult{}, err
	}
	old, err := s.store.Decisions(ctx, dealer, period, "")
	if err != nil {
		return EvaluationResult{}, fmt.Errorf("decisions: %w", err)
	}
	now := org.Now(s.clock)
	res := EvaluationResult{Period: period, PolicyID: p.ID, PolicyVersion: p.Version}
	var c Change
	byKey := make(map[string]Decision, len(old))
	for _, d := range old {
		byKey[d.Key] = d
	}
	proposed := make(map[string]bool, len(props))
	for _, pr := range props {
		proposed[pr.Key] = true
		d, ok := byKey[pr.Key]
		switch {
		case !ok:
			d = Decision{DealerID: dealer, Key: pr.Key, Proposal: pr, State: Proposed, ProposedAt: now, Version: 1}
			c.Decisions = append(c.Decisions, d)
			c.Events = append(c.Events, s.event(dealer, actor, now, "policy.decision_proposed", "decision/"+pr.Key, "",
				map[string]any{"after": d}))
			res.New++
		case (d.State == Proposed || d.State == Withdrawn) && !sameProposal(d.Proposal, pr, d.State):
			before := d
			d = d.Clone()
			d.Proposal, d.State, d.ProposedAt = pr, Proposed, now
			d.DecidedBy, d.DecidedAt, d.Reason = org.Actor{}, time.Time{}, ""
			d.Version++
			c.Decisions = append(c.Decisions, d)
			c.Events = append(c.Events, s.event(dealer, actor, now, "policy.decision_reproposed", "decision/"+pr.Key, "",
				map[string]any{"before": before, "after": d}))
			res.Updated++
		default:
			res.Unchanged++
		}
		byKey[pr.Key] = d
	}
	for _, d := range old {
		if proposed[d.Key] {
			continue
		}
		if d.State != Proposed {
			res.Unchanged++
			continue
		}
		before := d
		d = d.Clone()
		d.State, d.DecidedBy, d.DecidedAt = Withdrawn, actor, now
		d.Reason = fmt.Sprintf("no longer proposed by policy %s version %d", p.ID, p.Version)
		d.Version++
		c.Decisions = append(c.Decisions, d)
		c.Events = append(c.Events, s.event(dealer, actor, now, "policy.decision_withdrawn", "decision/"+d.Key, d.Reason,
			map[string]any{"before": before, "after": d}))
		byKey[d.Key] = d
		res.Withdrawn++
	}
	if !c.Empty() {
		if err := s.store.Commit(ctx, dealer, c); err != nil {
			return EvaluationResult{}, err
		}
	}
	res.Decisions = make([]Decision, 0, len(byKey))
	for _, d := range byKey {
		res.Decisions = append(res.Decisions, d)
	}
	slices.SortFunc(res.Decisions, func(a, b Decision) int { return strings.Compare(a.Key, b.Key) })
	return res, nil
}

// sameProposal reports whether a stored decision in state st already
// records proposal pr: a withdrawn one never does, for pr proposes it
// again. Proposals compare by their JSON, in which decimals are written by
// value (3000 and 3000.00 alike), with empty lists and null alike, as a
// store may read either back.
func sameProposal(stored, pr Proposal, st DecisionState) bool {
	if st != Proposed {
		return false
	}
	a, errA := canonicalJSON(stored)
	b, errB := canonicalJSON(pr)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// canonicalJSON is v's JSON with every null, empty list and empty object
// left out, and object keys sorted.
func canonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		return nil, err
	}
	return json.Marshal(dropEmpty(x))
}

func dropEmpty(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			if e = dropEmpty(e); e == nil {
				delete(v, k)
			} else {
				v[k] = e
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		for i := range v {
			v[i] = dropEmpty(v[i])
		}
		if len(v) == 0 {
			return nil
		}
	}
	return x
}

// DecideInput approves or rejects a proposed decision.
type DecideInput struct {
	Key string `json:"key" validate:"required,max=1000"`
	// Reason is audited; it is required to reject, and to approve a
	// decision that needs approval (a severe action: R7.2).
	Reason string `json:"reason" validate:"max=2000"`
	// ExpectedVersion, when set, is the version of the decision the
	// supervisor read: an evaluation may have changed its proposal since,
	// and approving what was not read is ErrConflict.
	ExpectedVersion int64 `json:"expected_version" validate:"min=0"`
}

// Approve approves a proposed decision. Only the supervisor of the employee
// concerned or an admin ([org.Service.AuthorizeOver], R2.2), and no one
// about themselves (R1.3): a decision about a supervisor needs the
// supervisor they report to, or an admin. Approving a decision that needs approval
// (NeedsApproval: demotion, termination, dismissal, legal action) takes a
// reason. Nothing is executed: the host acts on the approved decision.
// Audited with the decision before and after.
func (s *Service) Approve(ctx context.Context, dealer org.DealerID, actor org.Actor, in DecideInput) (_ Decision, err error) {
	ctx, ob := s.obs.Begin(ctx, "approve", dealer, actor)
	defer ob.End(&err)
	return s.decide(ctx, dealer, actor, in, Approved)
}

// Reject rejects a proposed decision, with a reason. Only the supervisor
// of the employee concerned or an admin (R2.2), and no one about themselves
// (R1.3). Audited with the decision before and after.
func (s *Service) Reject(ctx context.Context, dealer org.DealerID, actor org.Actor, in DecideInput) (_ Decision, err error) {
	ctx, ob := s.obs.Begin(ctx, "reject", dealer, actor)
	defer ob.End(&err)
	return s.decide(ctx, dealer, actor, in, Rejected)
}

func (s *Service) decide(ctx context.Context, dealer org.DealerID, actor org.Actor, in DecideInput, to DecisionState) (Decision, error) {
	op := "approve"
	if to == Rejected {
		op = "reject"
	}
	ve := shape(op, in)
	if err := ve.Err(); err != nil {
		return Decision{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return Decision{}, err
	}
	d, err := s.store.Decision(ctx, dealer, in.Key)
	if err != nil {
		return Decision{}, fmt.Errorf("policy: %s %s: %w", op, in.Key, err)
	}
	if in.ExpectedVersion != 0 && in.ExpectedVersion != d.Version {
		return Decision{}, fmt.Errorf("policy: %s %s: read version %d, stored %d: %w", op, in.Key, in.ExpectedVersion, d.Version, org.ErrStale)
	}
	if actor.Role != org.RoleAdmin && actor.ID == d.Proposal.Employee {
		return Decision{}, fmt.Errorf("policy: %s %s: %s decides nothing about themselves (R1.3): %w", op, in.Key, actor, ErrForbidden)
	}
	// R2.2: the one supervision scope; a supervisor of another department
	// decides nothing about this employee.
	if _, err := s.roster.AuthorizeOver(ctx, dealer, actor, d.Proposal.Employee); err != nil {
		return Decision{}, fmt.Errorf("policy: %s %s: %w", op, in.Key, err)
	}
	if d.State != Proposed {
		return Decision{}, org.Refuse("policy", "decision", in.Key, string(d.State), op, actor, org.RuleState,
			fmt.Sprintf("decision %s is %s; only a proposed decision is %s", in.Key, d.State, op))
	}
	switch {
	case strings.TrimSpace(in.Reason) != "":
	case to == Rejected:
		ve.Add("reason", org.CodeRequired, "a rejection states its reason (audited)")
	case d.Proposal.NeedsApproval:
		ve.Add("reason", org.CodeRequired, "approving a severe action states its reason (R7.2, audited)")
	}
	if err := ve.Err(); err != nil {
		return Decision{}, err
	}
	before := d
	d = d.Clone()
	now := org.Now(s.clock)
	d.State, d.DecidedBy, d.DecidedAt, d.Reason = to, actor, now, in.Reason
	d.Version++
	ev := s.event(dealer, actor, now, "policy.decision_"+string(to), "decision/"+d.Key, in.Reason,
		map[string]any{"before": before, "after": d})
	if err := s.store.Commit(ctx, dealer, Change{Decisions: []Decision{d}, Events: []org.Event{ev}}); err != nil {
		return Decision{}, fmt.Errorf("policy: %s %s: %w", op, in.Key, err)
	}
	return d, nil
}
