package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/servicelane/servicelane/internal/validate"
	"github.com/servicelane/servicelane/org"
)

// The errors of every servicelane package; see package org.
var (
	ErrNotFound          = org.ErrNotFound
	ErrConflict          = org.ErrConflict
	ErrForbidden         = org.ErrForbidden
	ErrInvalid           = org.ErrInvalid
	ErrInvalidTransition = org.ErrInvalidTransition
)

// Roster is what training needs from the roster: *org.Service has it.
type Roster interface {
	Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error)
	Employee(ctx context.Context, dealer org.DealerID, id org.EmployeeID) (org.Employee, error)
	Employees(ctx context.Context, dealer org.DealerID, q org.EmployeeQuery) ([]org.Employee, error)
	Authorize(ctx context.Context, dealer org.DealerID, actor org.Actor, roles ...org.Role) (org.Employee, error)
	// AuthorizeOver and AuthorizeDepartment are the one supervision scope
	// (R2.2): see [org.Service.AuthorizeOver].
	AuthorizeOver(ctx context.Context, dealer org.DealerID, actor org.Actor, subject org.EmployeeID) (org.Employee, error)
	AuthorizeDepartment(ctx context.Context, dealer org.DealerID, actor org.Actor, dept org.Department) (org.Employee, error)
}

// Config configures a Service. Store and Roster are required.
type Config struct {
	Store  Store
	Roster Roster
	Clock  org.Clock
	IDs    org.IDSource
	// Logger, when set, receives one record per command ([org.Observer]
	// says which, at what level); nil logs nothing.
	Logger *slog.Logger
	// Hook, when set, observes every command: a tracer, metrics (package
	// github.com/servicelane/servicelane/contrib/otel); nil observes
	// nothing.
	Hook org.Hook
}

// Service runs training (R5): plans, sessions, assessments and their
// consequences, careers. Safe for concurrent use.
type Service struct {
	store  Store
	roster Roster
	clock  org.Clock
	ids    org.IDSource
	obs    *org.Observer
}

var v = validate.New()

// NewService checks cfg and builds a Service.
func NewService(cfg Config) (*Service, error) {
	ve := &org.ValidationError{Op: "training: new service"}
	if cfg.Store == nil {
		ve.Add("store", org.CodeRequired, "is required")
	}
	if cfg.Roster == nil {
		ve.Add("roster", org.CodeRequired, "is required")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	s := &Service{store: cfg.Store, roster: cfg.Roster, clock: cfg.Clock, ids: cfg.IDs, obs: org.NewObserver("training", cfg.Hook, cfg.Logger)}
	if s.clock == nil {
		s.clock = org.SystemClock()
	}
	if s.ids == nil {
		s.ids = org.RandomIDs()
	}
	return s, nil
}

// inDepartment checks that actor, in one of roles, acts for the service
// advisor department whose training it is (R2.2, R5.1): its supervisor or
// an admin, never a supervisor of another department.
func (s *Service) inDepartment(ctx context.Context, dealer org.DealerID, actor org.Actor, roles ...org.Role) (org.Employee, error) {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return org.Employee{}, err
	}
	return s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor)
}

// over checks that actor, in one of roles, is within the supervision scope
// of employee (R2.2): their supervisor in the roster, or an admin. An
// employee not on the roster is a problem of the input's field path.
func (s *Service) over(ctx context.Context, dealer org.DealerID, actor org.Actor, employee org.EmployeeID, ve *org.ValidationError, path string, roles ...org.Role) (org.Employee, error) {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return org.Employee{}, err
	}
	me, err := s.roster.AuthorizeOver(ctx, dealer, actor, employee)
	if errors.Is(err, ErrNotFound) {
		ve.Add(path, org.CodeNotFound, "no employee with this ID on the roster")
		return org.Employee{}, ve
	}
	return me, err
}

func shape(op string, in any) *org.ValidationError {
	ve := &org.ValidationError{Op: "training: " + op}
	for _, p := range v.Struct(in, "") {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
	return ve
}

func (s *Service) event(dealer org.DealerID, actor org.Actor, now time.Time, typ, subject, reason string, data any) org.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("training: marshal event data: %v", err)) // our own types always marshal
	}
	return org.Event{DealerID: dealer, ID: s.ids.NewID(), At: now, Actor: actor, Type: typ,
		Subject: "training/" + subject, Reason: reason, Data: raw}
}

// PlanInput writes a year's plan: all its courses.
type PlanInput struct {
	Year    int      `json:"year" validate:"min=2000,max=2200"`
	Courses []Course `json:"courses" validate:"min=1,max=200,dive"`
	// Reason is required to change an approved plan; it is audited.
	Reason string `json:"reason" validate:"max=2000"`
	// ExpectedVersion, when set, is the version the caller edited.
	ExpectedVersion int64 `json:"expected_version" validate:"min=0"`
}

// SavePlan writes the annual plan of a year (R5.1): the supervisor's
// courses with content (R5.2), method (R5.3), month, hours, target and
// assessment. Only the service advisor department's supervisor (R2.2). A
// change to an approved plan needs a
// reason and is audited with the plan before and after; the plan stays
// approved.
func (s *Service) SavePlan(ctx context.Context, dealer org.DealerID, actor org.Actor, in PlanInput) (_ Plan, err error) {
	ctx, ob := s.obs.Begin(ctx, "save_plan", dealer, actor)
	defer ob.End(&err)
	const op = "save plan"
	ve := shape(op, in)
	checkCourses(in.Courses, ve)
	if err := ve.Err(); err != nil {
		return Plan{}, err
	}
	me, err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor)
	if err != nil {
		return Plan{}, err
	}
	old, err := s.store.Plan(ctx, dealer, in.Year)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Plan{}, err
	}
	if in.ExpectedVersion != 0 && in.ExpectedVersion != old.Version {
		return Plan{}, fmt.Errorf("training: save plan %d: edited version %d, stored %d: %w", in.Year, in.ExpectedVersion, old.Version, org.ErrStale)
	}
	if exists && old.State == PlanApproved && in.Reason == "" {
		ve.Add("reason", org.CodeRequired, "a change to an approved plan states its reason (audited)")
		return Plan{}, ve
	}
	now := org.Now(s.clock)
	p := Plan{DealerID: dealer, Year: in.Year, State: PlanDraft, WrittenBy: me.ID, Revision: 1, Version: 1}
	for _, c := range in.Courses {
		p.Courses = append(p.Courses, c.Clone())
	}
	typ, data := "training.plan_written", map[string]any{"after": p}
	if exists {
		p.State, p.ApprovedBy, p.ApprovedAt = old.State, old.ApprovedBy, old.ApprovedAt
		p.Revision, p.Version = old.Revision+1, old.Version+1
		typ, data = "training.plan_changed", map[string]any{"before": old, "after": p}
	}
	ev := s.event(dealer, actor, now, typ, fmt.Sprintf("plan/%d", in.Year), in.Reason, data)
	if err := s.store.Commit(ctx, dealer, Change{Plans: []Plan{p}, Events: []org.Event{ev}}); err != nil {
		return Plan{}, fmt.Errorf("training: save plan %d: %w", in.Year, err)
	}
	return p, nil
}

// ApprovePlan approves a draft plan. The service advisor department's
// supervisor or an admin (the dealer's management through the host): the
// plan is department-wide (R2.2, R5.1).
func (s *Service) ApprovePlan(ctx context.Context, dealer org.DealerID, actor org.Actor, year int) (_ Plan, err error) {
	ctx, ob := s.obs.Begin(ctx, "approve_plan", dealer, actor)
	defer ob.End(&err)
	if _, err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return Plan{}, err
	}
	p, err := s.store.Plan(ctx, dealer, year)
	if err != nil {
		return Plan{}, fmt.Errorf("training: approve plan %d: %w", year, err)
	}
	if p.State != PlanDraft {
		return Plan{}, org.Refuse("training", "plan", fmt.Sprint(year), string(p.State), "approve_plan", actor, org.RuleState,
			fmt.Sprintf("the plan of %d is %s; only a draft is approved", year, p.State))
	}
	now := org.Now(s.clock)
	p.State, p.ApprovedBy, p.ApprovedAt = PlanApproved, actor, now
	p.Version++
	ev := s.event(dealer, actor, now, "training.plan_approved", fmt.Sprintf("plan/%d", year), "", map[string]any{"revision": p.Revision})
	if err := s.store.Commit(ctx, dealer, Change{Plans: []Plan{p}, Events: []org.Event{ev}}); err != nil {
		return Plan{}, fmt.Errorf("training: approve plan %d: %w", year, err)
	}
	return p, nil
}

// Plan returns a year's plan. Everyone on the roster may read it.
func (s *Service) Plan(ctx context.Context, dealer org.DealerID, actor org.Actor, year int) (Plan, error) {
	if err := s.reader(ctx, dealer, actor, "plan", onRoster...); err != nil {
		return Plan{}, err
	}
	return s.store.Plan(ctx, dealer, year)
}
