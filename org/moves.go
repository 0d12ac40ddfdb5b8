package org

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Career development (R5.5: promotion and transfer) as decisions applied
// to the roster: the employee's supervisor (or an admin) proposes a
// [CareerMove]; management (an admin, the host system) approves or rejects
// it with a reason; an approval changes the employee's role, department or
// reporting line in the same commit, under every rule of the roster
// (R2.1).

// MoveID names a career move within a dealer.
type MoveID string

// MoveKind is what a career move is.
type MoveKind string

// The kinds of R5.5.
const (
	// MovePromotion changes the employee's role (an advisor becomes a
	// supervisor) or their reporting line.
	MovePromotion MoveKind = "promotion"
	// MoveTransfer changes the employee's department or reporting line.
	MoveTransfer MoveKind = "transfer"
)

// MoveState is where a career move stands.
type MoveState string

// The states of a career move: proposed, then approved or rejected, once.
const (
	MoveProposed MoveState = "proposed"
	MoveApproved MoveState = "approved"
	MoveRejected MoveState = "rejected"
)

// Position is an employee's place on the roster: their role, department
// and reporting line (an empty SupervisorID reports to the department's
// supervisor, as [Employee.SupervisorID]).
type Position struct {
	Role         Role       `json:"role" validate:"omitempty,max=64"`
	Department   Department `json:"department" validate:"omitempty,max=64"`
	SupervisorID EmployeeID `json:"supervisor_id,omitempty" validate:"omitempty,max=64,ident"`
}

// PositionOf is e's position on the roster.
func PositionOf(e Employee) Position {
	return Position{Role: e.Role, Department: e.Department, SupervisorID: e.SupervisorID}
}

// CareerMove is one promotion or transfer of an employee (R5.5), from its
// proposal to management's decision. From is the employee's position when
// the move was proposed, as the roster had it; To is the position an
// approval gives them.
type CareerMove struct {
	DealerID DealerID   `json:"dealer_id"`
	ID       MoveID     `json:"id"`
	Employee EmployeeID `json:"employee"`
	Kind     MoveKind   `json:"kind"`
	From     Position   `json:"from"`
	To       Position   `json:"to"`
	// Reason is why the proposer proposes it.
	Reason string `json:"reason"`
	// Source is free text naming what prompted the move, such as "policy
	// decision default/promotion_eligibility/chen/2026-11".
	Source     string    `json:"source,omitempty"`
	State      MoveState `json:"state"`
	ProposedBy Actor     `json:"proposed_by"`
	ProposedAt time.Time `json:"proposed_at"`
	// DecidedBy, DecidedAt and Decision (the decision's reason) are set
	// once management decides.
	DecidedBy Actor     `json:"decided_by,omitzero"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Decision  string    `json:"decision,omitempty"`
	// Version is 1 when created and advances by one on every write.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Clone returns a copy of m that shares no memory with it.
func (m CareerMove) Clone() CareerMove { return m }

// MoveInput is the input of [Service.ProposeMove].
type MoveInput struct {
	// ID, when empty, is made by the service's IDSource.
	ID       MoveID     `json:"id" validate:"omitempty,max=64,ident"`
	Employee EmployeeID `json:"employee" validate:"required,max=64,ident"`
	Kind     MoveKind   `json:"kind" validate:"required,oneof=promotion transfer"`
	// To is the position the move gives: an empty Role or Department stays
	// as the employee has it; SupervisorID is the new reporting line as it
	// is (empty: the department's supervisor), and when set must name an
	// active supervisor. At least one of them must differ from the
	// employee's position now. A promotion changes the role or the
	// reporting line; a transfer the department or the reporting line.
	To     Position `json:"to"`
	Reason string   `json:"reason" validate:"notblank,max=500"`
	// Source is what prompted the move (free text, at most 200).
	Source string `json:"source" validate:"max=200"`
}

// MoveRef names a career move; ExpectedVersion, when not zero, must be its
// current version, or the command fails with ErrStale.
type MoveRef struct {
	ID              MoveID `json:"id" validate:"required,max=64"`
	ExpectedVersion int64  `json:"expected_version" validate:"gte=0"`
}

// MoveDecision is the input of [Service.DecideMove].
type MoveDecision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason" validate:"notblank,max=500"`
}

// Blockers of career moves (R5.5), the Rule of a [Blocker].
const (
	// RuleOneProposedMove: an employee has at most one proposed move.
	RuleOneProposedMove = "R5.5_one_proposed_move"
	// RuleMoveInactive: an inactive employee is neither promoted nor
	// transferred.
	RuleMoveInactive = "R5.5_employee_inactive"
	// RulePositionChanged: the employee's position is no longer the move's
	// From; the move is proposed again from where they are.
	RulePositionChanged = "R5.5_position_changed_since_proposed"
)

const (
	moveRecord            = "career_move"
	moveSubjectPrefix     = "career_move/"
	employeeSubjectPrefix = "employee/"
)

// ProposeMove proposes a promotion or a transfer of an employee (R5.5).
// Only the employee's supervisor in the one supervision scope (R2.2,
// [Service.AuthorizeOver]; never about themselves, R1.3) or an admin may.
// From is read from the roster, never from the caller. An inactive employee
// is refused, as is a second proposed move of one employee (one at a time).
// Nothing changes on the roster until management approves
// ([Service.DecideMove]).
func (s *Service) ProposeMove(ctx context.Context, dealer DealerID, actor Actor, in MoveInput) (_ CareerMove, err error) {
	ctx, ob := s.obs.Begin(ctx, "propose_move", dealer, actor)
	defer ob.End(&err)
	const op = "org: propose move"
	ve := &ValidationError{Op: op, Fields: fieldErrors(v.Struct(in, ""))}
	checkText(ve, "reason", in.Reason)
	checkText(ve, "source", in.Source)
	if ve.Has("employee") {
		return CareerMove{}, ve // nothing to load; every other problem is listed too
	}
	if _, err := s.AuthorizeOver(ctx, dealer, actor, in.Employee); err != nil {
		if !errors.Is(err, ErrNotFound) {
			return CareerMove{}, fmt.Errorf("%s: %w", op, err)
		}
		ve.Add("employee", CodeNotFound, "no employee with this ID on the roster")
		return CareerMove{}, ve
	}
	d, err := s.store.Dealer(ctx, dealer)
	if err != nil {
		return CareerMove{}, fmt.Errorf("%s: dealer %s: %w", op, dealer, err)
	}
	roster, err := s.Directory().Roster(ctx, dealer)
	if err != nil {
		return CareerMove{}, err
	}
	r := newRosterIndex(roster)
	e := r.byID[in.Employee]
	from := PositionOf(e)
	to := in.To
	if to.Role == "" {
		to.Role = from.Role
	}
	if to.Department == "" {
		to.Department = from.Department
	}
	s.checkTarget(ve, r, e, to, in.Kind)
	if in.ID == "" {
		in.ID = MoveID(s.ids.NewID())
	} else if _, err := s.store.Move(ctx, dealer, in.ID); err == nil {
		ve.Add("id", CodeDuplicate, "a career move with this ID exists")
	} else if !errors.Is(err, ErrNotFound) {
		return CareerMove{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	if err := ve.Err(); err != nil {
		return CareerMove{}, err
	}
	history, err := s.store.Moves(ctx, dealer, in.Employee)
	if err != nil {
		return CareerMove{}, fmt.Errorf("%s: moves of %s: %w", op, in.Employee, err)
	}
	ref := &RefusalError{Op: "org", Record: moveRecord, ID: string(in.ID), State: "new", Command: "propose_move", Actor: actor}
	if !e.Active {
		ref.Add(RuleMoveInactive, fmt.Sprintf("employee %s is not active: an inactive employee is neither promoted nor transferred", e.ID))
	}
	for _, m := range history {
		if m.State == MoveProposed {
			ref.Add(RuleOneProposedMove, fmt.Sprintf("employee %s has a proposed move already (%s); decide it first", e.ID, m.ID))
		}
	}
	if len(ref.Blockers) > 0 {
		return CareerMove{}, ref
	}
	now := Now(s.clock)
	m := CareerMove{
		DealerID: dealer, ID: in.ID, Employee: e.ID, Kind: in.Kind, From: from, To: to,
		Reason: strings.TrimSpace(in.Reason), Source: strings.TrimSpace(in.Source), State: MoveProposed,
		ProposedBy: actor, ProposedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	d.Version++ // guards "one proposed move at a time" against a concurrent proposal
	ev := s.event(dealer, actor, "career_move.proposed", moveSubjectPrefix+string(m.ID), m.Reason, nil, m)
	if err := s.store.Commit(ctx, dealer, Change{Dealer: &d, Moves: []CareerMove{m}, Events: []Event{ev}}); err != nil {
		return CareerMove{}, fmt.Errorf("%s %s: %w", op, m.ID, err)
	}
	return m, nil
}

// checkTarget checks the position a move gives e: a known role and
// department, an active supervisor, a change, and one that fits kind.
func (s *Service) checkTarget(ve *ValidationError, r rosterIndex, e Employee, to Position, kind MoveKind) {
	if to.Role == RoleAdmin || !slices.Contains(s.roles, to.Role) {
		if !ve.Has("to.role") {
			ve.Add("to.role", CodeUnknown, fmt.Sprintf("must be one of %v", s.roles))
		}
	}
	if !slices.Contains(s.depts, to.Department) && !ve.Has("to.department") {
		ve.Add("to.department", CodeUnknown, fmt.Sprintf("must be one of %v", s.depts))
	}
	if to.SupervisorID != "" && !ve.Has("to.supervisor_id") {
		sup, ok := r.byID[to.SupervisorID]
		switch {
		case to.SupervisorID == e.ID:
			ve.Add("to.supervisor_id", CodeSelfReference, "an employee cannot supervise themselves")
		case !ok:
			ve.Add("to.supervisor_id", CodeNotFound, "no employee with this ID on the roster")
		case !sup.Active:
			ve.Add("to.supervisor_id", CodeInactive, "the supervisor is not active")
		case sup.Role != RoleSupervisor:
			ve.Add("to.supervisor_id", CodeInvalid, fmt.Sprintf("%s is a %s, not a supervisor", sup.ID, sup.Role))
		}
	}
	from := PositionOf(e)
	roleChanged, deptChanged, lineChanged := to.Role != from.Role, to.Department != from.Department, to.SupervisorID != from.SupervisorID
	switch {
	case !roleChanged && !deptChanged && !lineChanged:
		ve.Add("to", CodeInvalid, "the move changes nothing: give a role, department or supervisor other than the employee's now")
	case ve.Has("kind"):
	case kind == MovePromotion && !roleChanged && !lineChanged:
		ve.Add("kind", CodeInvalid, "a promotion changes the employee's role or reporting line")
	case kind == MoveTransfer && !deptChanged && !lineChanged:
		ve.Add("kind", CodeInvalid, "a transfer changes the employee's department or reporting line")
	}
}

// checkText adds a problem for text that is not UTF-8.
func checkText(ve *ValidationError, path, s string) {
	if !utf8.ValidString(s) && !ve.Has(path) {
		ve.Add(path, CodeFormat, "must be UTF-8")
	}
}

// DecideMove approves or rejects a proposed career move (R5.5). Only an
// admin (the host system, standing for management) decides, with a reason,
// and never the employee concerned (R1.3). An approval applies the move to
// the roster in the same commit: the employee takes the move's To position,
// checked as [Service.ChangeEmployee] checks a change (one active
// supervisor per department, R2.1; a real, active, non-circular reporting
// line). A move whose employee's position changed since the proposal is
// refused (R5.5_position_changed_since_proposed): propose it again.
func (s *Service) DecideMove(ctx context.Context, dealer DealerID, actor Actor, ref MoveRef, in MoveDecision) (_ CareerMove, err error) {
	ctx, ob := s.obs.Begin(ctx, "decide_move", dealer, actor)
	defer ob.End(&err)
	const op = "org: decide move"
	ve := &ValidationError{Op: op, Fields: append(fieldErrors(v.Struct(ref, "")), fieldErrors(v.Struct(in, ""))...)}
	checkText(ve, "reason", in.Reason)
	if err := ve.Err(); err != nil {
		return CareerMove{}, err
	}
	if _, err := s.Authorize(ctx, dealer, actor, RoleAdmin); err != nil {
		return CareerMove{}, fmt.Errorf("%s %s: management decides career moves (R5.5): %w", op, ref.ID, err)
	}
	before, err := s.store.Move(ctx, dealer, ref.ID)
	if err != nil {
		return CareerMove{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	if ref.ExpectedVersion != 0 && ref.ExpectedVersion != before.Version {
		return CareerMove{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, ref.ID, ref.ExpectedVersion, before.Version, ErrStale)
	}
	if actor.ID == before.Employee {
		return CareerMove{}, fmt.Errorf("%s %s: %s decides nothing about themselves (R1.3): %w", op, ref.ID, actor, ErrForbidden)
	}
	if before.State != MoveProposed {
		return CareerMove{}, Refuse("org", moveRecord, string(ref.ID), string(before.State), "decide_move", actor, RuleState,
			fmt.Sprintf("career move %s is %s; only a proposed move is decided", ref.ID, before.State))
	}
	now := Now(s.clock)
	m := before.Clone()
	m.DecidedBy, m.DecidedAt, m.Decision = actor, now, strings.TrimSpace(in.Reason)
	m.Version++
	m.UpdatedAt = now
	if !in.Approve {
		m.State = MoveRejected
		ev := s.event(dealer, actor, "career_move.rejected", moveSubjectPrefix+string(m.ID), m.Decision, &before, m)
		if err := s.store.Commit(ctx, dealer, Change{Moves: []CareerMove{m}, Events: []Event{ev}}); err != nil {
			return CareerMove{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
		}
		return m, nil
	}
	m.State = MoveApproved
	d, err := s.store.Dealer(ctx, dealer)
	if err != nil {
		return CareerMove{}, fmt.Errorf("%s: dealer %s: %w", op, dealer, err)
	}
	roster, err := s.Directory().Roster(ctx, dealer)
	if err != nil {
		return CareerMove{}, err
	}
	r := newRosterIndex(roster)
	e, ok := r.byID[m.Employee]
	if !ok {
		return CareerMove{}, fmt.Errorf("%s %s: employee %s: %w", op, ref.ID, m.Employee, ErrNotFound)
	}
	refusal := &RefusalError{Op: "org", Record: moveRecord, ID: string(m.ID), State: string(before.State), Command: "decide_move", Actor: actor}
	if !e.Active {
		refusal.Add(RuleMoveInactive, fmt.Sprintf("employee %s is not active any more", e.ID))
	}
	if now := PositionOf(e); now != m.From {
		refusal.Add(RulePositionChanged, fmt.Sprintf("employee %s is now %s; the move was proposed from %s: propose it again",
			e.ID, positionText(now), positionText(m.From)))
	}
	if len(refusal.Blockers) > 0 {
		return CareerMove{}, refusal
	}
	after := e.Clone()
	after.Role, after.Department, after.SupervisorID = m.To.Role, m.To.Department, m.To.SupervisorID
	s.checkRosterChange(ve, r, e, after)
	if err := ve.Err(); err != nil {
		return CareerMove{}, err
	}
	after.Version++
	after.UpdatedAt = now
	d.Version++ // R2.1: guards the roster-wide rules against concurrent changes
	evs := []Event{
		s.event(dealer, actor, "career_move.approved", moveSubjectPrefix+string(m.ID), m.Decision, &before, m),
		s.event(dealer, actor, "employee.changed", employeeSubjectPrefix+string(after.ID), m.Decision, &e, after),
	}
	c := Change{Dealer: &d, Employees: []Employee{after}, Moves: []CareerMove{m}, Events: evs}
	if err := s.store.Commit(ctx, dealer, c); err != nil {
		return CareerMove{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	return m, nil
}

func positionText(p Position) string {
	s := string(p.Role) + " of " + string(p.Department)
	if p.SupervisorID != "" {
		s += " reporting to " + string(p.SupervisorID)
	}
	return s
}

// Move returns one career move, to the employee it concerns, their
// supervisor ([Sees]) and admins; anyone else on the roster gets
// ErrForbidden, as does a stranger.
func (s *Service) Move(ctx context.Context, dealer DealerID, actor Actor, id MoveID) (CareerMove, error) {
	if err := s.rosterReader(ctx, dealer, actor, "career move"); err != nil {
		return CareerMove{}, err
	}
	m, err := s.store.Move(ctx, dealer, id)
	if err != nil {
		return CareerMove{}, fmt.Errorf("org: career move %s: %w", id, err)
	}
	ok, err := Sees(ctx, s, dealer, actor, m.Employee)
	if err != nil {
		return CareerMove{}, err
	}
	if !ok {
		return CareerMove{}, fmt.Errorf("org: career move %s: only employee %s, their supervisor and admins see it (R2.2): %w", id, m.Employee, ErrForbidden)
	}
	return m, nil
}

// Moves returns an employee's career history (R5.5), oldest first, to the
// employee, their supervisor ([Sees]) and admins; anyone else gets
// ErrForbidden. An employee with no moves has an empty history.
func (s *Service) Moves(ctx context.Context, dealer DealerID, actor Actor, employee EmployeeID) ([]CareerMove, error) {
	if err := s.rosterReader(ctx, dealer, actor, "career moves"); err != nil {
		return nil, err
	}
	ok, err := Sees(ctx, s, dealer, actor, employee)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("org: career moves of %s: only the employee, their supervisor and admins see them (R2.2): %w", employee, ErrForbidden)
	}
	ms, err := s.store.Moves(ctx, dealer, employee)
	if err != nil {
		return nil, fmt.Errorf("org: career moves of %s: %w", employee, err)
	}
	return ms, nil
}
