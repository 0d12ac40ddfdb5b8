package appraisal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

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

// Roster is what appraisal needs from the roster: *org.Service has it.
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

// Config configures a Service. Store and Roster are required; Measurer
// gives the measured figures (nil: none, so measured sources are missing).
type Config struct {
	Store    Store
	Roster   Roster
	Measurer Measurer
	Clock    org.Clock
	IDs      org.IDSource
	// Logger, when set, receives one record per command ([org.Observer]
	// says which, at what level); nil logs nothing.
	Logger *slog.Logger
	// Hook, when set, observes every command: a tracer, metrics (package
	// github.com/servicelane/servicelane/contrib/otel); nil observes
	// nothing.
	Hook org.Hook
}

// Service runs the monthly appraisal cycle (R6.2): opening with a plan,
// collecting ratings from the people the rules allow (R6.3), scoring,
// calibration, finalising, publishing, and improvement plans after a fail
// (R6.4). Safe for concurrent use.
type Service struct {
	store    Store
	roster   Roster
	measurer Measurer
	clock    org.Clock
	ids      org.IDSource
	obs      *org.Observer
}

var v = validate.New()

// NewService checks cfg and builds a Service.
func NewService(cfg Config) (*Service, error) {
	ve := &org.ValidationError{Op: "appraisal: new service"}
	if cfg.Store == nil {
		ve.Add("store", org.CodeRequired, "is required")
	}
	if cfg.Roster == nil {
		ve.Add("roster", org.CodeRequired, "is required")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	s := &Service{store: cfg.Store, roster: cfg.Roster, measurer: cfg.Measurer, clock: cfg.Clock, ids: cfg.IDs,
		obs: org.NewObserver("appraisal", cfg.Hook, cfg.Logger)}
	if s.clock == nil {
		s.clock = org.SystemClock()
	}
	if s.ids == nil {
		s.ids = org.RandomIDs()
	}
	return s, nil
}

// inDepartment checks that actor, in one of roles, acts for the service
// advisor department whose advisors are appraised: its supervisor or an
// admin (R2.2), never a supervisor of another department.
func (s *Service) inDepartment(ctx context.Context, dealer org.DealerID, actor org.Actor, roles ...org.Role) error {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return err
	}
	_, err := s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor)
	return err
}

// over checks that actor, in one of roles, is within the supervision scope
// of employee (R2.2): their supervisor in the roster, or an admin. An
// employee not on the roster is a problem of the input's field path.
func (s *Service) over(ctx context.Context, dealer org.DealerID, actor org.Actor, employee org.EmployeeID, ve *org.ValidationError, path string, roles ...org.Role) error {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return err
	}
	_, err := s.roster.AuthorizeOver(ctx, dealer, actor, employee)
	if errors.Is(err, ErrNotFound) {
		ve.Add(path, org.CodeNotFound, "no employee with this ID on the roster")
		return ve
	}
	return err
}

func shape(op string, in any) *org.ValidationError {
	ve := &org.ValidationError{Op: "appraisal: " + op}
	for _, p := range v.Struct(in, "") {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
	return ve
}

func (s *Service) event(dealer org.DealerID, actor org.Actor, now time.Time, typ string, m org.Month, subject, reason string, data any) org.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("appraisal: marshal event data: %v", err)) // our own types always marshal
	}
	return org.Event{DealerID: dealer, ID: s.ids.NewID(), At: now, Actor: actor, Type: typ,
		Subject: "appraisal/" + m.String() + subject, Reason: reason, Data: raw}
}

// stateError is a command refused in the cycle's state.
func stateError(op string, m org.Month, st CycleState, want ...CycleState) error {
	states := make([]string, len(want))
	for i, w := range want {
		states[i] = string(w)
	}
	return org.Refuse("appraisal", "cycle", m.String(), string(st), op, org.Actor{}, org.RuleState,
		fmt.Sprintf("the cycle of %s is %s; %s is allowed only when it is %s", m, st, op, strings.Join(states, " or ")))
}

// OpenInput opens a month's cycle.
type OpenInput struct {
	Month     org.Month            `json:"month"`
	Plan      Plan                 `json:"plan"`
	Deadlines map[Source]time.Time `json:"deadlines"`
}

// OpenCycle opens a dealer month's appraisal with a plan (R6.2). Only a
// supervisor of the service advisor department or an admin may (R2.2); one
// cycle per month.
func (s *Service) OpenCycle(ctx context.Context, dealer org.DealerID, actor org.Actor, in OpenInput) (_ Cycle, err error) {
	ctx, ob := s.obs.Begin(ctx, "open_cycle", dealer, actor)
	defer ob.End(&err)
	ve := shape("open cycle", in) // the one input policy: text, decimals, deadlines
	if !in.Month.Valid() {
		ve.Add("month", org.CodeInvalid, "must be a calendar month")
	}
	for src := range in.Deadlines {
		if !slices.Contains(Sources(), src) {
			ve.Add("deadlines."+string(src), org.CodeUnknown, "no such source")
		}
	}
	if err := ve.Err(); err != nil {
		return Cycle{}, err
	}
	if err := in.Plan.Validate(); err != nil {
		return Cycle{}, err
	}
	if err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return Cycle{}, err
	}
	if c, err := s.store.Cycle(ctx, dealer, in.Month); err == nil {
		ve.Add("month", org.CodeDuplicate, fmt.Sprintf("the cycle of %s exists already (%s)", in.Month, c.State))
		return Cycle{}, ve
	} else if !errors.Is(err, ErrNotFound) {
		return Cycle{}, err
	}
	now := org.Now(s.clock)
	c := Cycle{DealerID: dealer, Month: in.Month, State: CycleOpen, Plan: in.Plan.Clone(), OpenedAt: now, OpenedBy: actor, Version: 1}
	if len(in.Deadlines) > 0 {
		c.Deadlines = map[Source]time.Time{}
		for k, t := range in.Deadlines {
			c.Deadlines[k] = t.UTC().Truncate(time.Microsecond)
		}
	}
	ev := s.event(dealer, actor, now, "appraisal.opened", in.Month, "", "", map[string]any{"plan": in.Plan.Version})
	if err := s.store.Commit(ctx, dealer, Change{Cycles: []Cycle{c}, Events: []org.Event{ev}}); err != nil {
		return Cycle{}, fmt.Errorf("appraisal: open cycle %s: %w", in.Month, err)
	}
	return c, nil
}

// RateInput is one rating (R6.3).
type RateInput struct {
	Month  org.Month       `json:"month"`
	Ratee  org.EmployeeID  `json:"ratee" validate:"required,max=64"`
	Source Source          `json:"source" validate:"oneof=self supervisor customer peer"`
	KPI    string          `json:"kpi" validate:"required,max=64"`
	Value  decimal.Decimal `json:"value"`
	// Customer names the customer (or the survey) for a customer rating,
	// which the host enters; other sources are rated by the actor.
	Customer string `json:"customer" validate:"max=100"`
}

// Rate records a rating while the cycle is open and its source's deadline
// has not passed. Who may rate whom (R6.3): self only by the employee;
// supervisor only by the employee's supervisor in the roster
// ([org.Service.AuthorizeOver], R2.2), never an admin; peers only
// by other active advisors of the same department, never oneself; customer
// ratings only by the host (an admin), from surveys. Each rater rates a KPI
// of a ratee once per cycle.
func (s *Service) Rate(ctx context.Context, dealer org.DealerID, actor org.Actor, in RateInput) (_ Input, err error) {
	ctx, ob := s.obs.Begin(ctx, "rate", dealer, actor)
	defer ob.End(&err)
	const op = "rate"
	ve := shape(op, in)
	if in.Source == SourceCustomer && in.Customer == "" {
		ve.Add("customer", org.CodeRequired, "a customer rating names its customer or survey")
	}
	if err := ve.Err(); err != nil {
		return Input{}, err
	}
	c, err := s.store.Cycle(ctx, dealer, in.Month)
	if err != nil {
		return Input{}, fmt.Errorf("appraisal: rate: cycle %s: %w", in.Month, err)
	}
	if c.State != CycleOpen {
		return Input{}, stateError(op, in.Month, c.State, CycleOpen)
	}
	now := org.Now(s.clock)
	if dl, ok := c.Deadlines[in.Source]; ok && now.After(dl) {
		return Input{}, org.Refuse("appraisal", "cycle", in.Month.String(), string(c.State), op, actor, "R6.3_ratings_before_their_deadline",
			fmt.Sprintf("%s ratings for %s closed at %s", in.Source, in.Month, dl.Format(time.RFC3339)))
	}
	rater, err := s.mayRate(ctx, dealer, actor, in)
	if err != nil {
		return Input{}, err
	}
	checkRatings(&c.Plan, []Rating{{Rater: rater, Source: in.Source, KPI: in.KPI, Value: in.Value}}, ve)
	for i := range ve.Fields { // paths of the single rating, not of a list
		ve.Fields[i].Path = trimRatingPath(ve.Fields[i].Path)
	}
	input := Input{DealerID: dealer, Month: in.Month, Ratee: in.Ratee, Rater: rater, Source: in.Source, KPI: in.KPI, Value: in.Value, At: now, Version: 1}
	existing, err := s.store.Inputs(ctx, dealer, in.Month, in.Ratee)
	if err != nil {
		return Input{}, err
	}
	if slices.ContainsFunc(existing, func(e Input) bool { return e.Key() == input.Key() }) {
		ve.Add("kpi", org.CodeDuplicate, "this rater rated this KPI of this employee already this month")
	}
	if err := ve.Err(); err != nil {
		return Input{}, err
	}
	// The event names the ratee and the source, never the peer who rated.
	ev := s.event(dealer, actor, now, "appraisal.rated", in.Month, "/"+string(in.Ratee), "", map[string]any{"source": in.Source, "kpi": in.KPI})
	if err := s.store.Commit(ctx, dealer, Change{Inputs: []Input{input}, Events: []org.Event{ev}}); err != nil {
		return Input{}, fmt.Errorf("appraisal: rate %s: %w", in.Ratee, err)
	}
	return input, nil
}

func trimRatingPath(p string) string {
	const prefix = "ratings[0]."
	if len(p) > len(prefix) && p[:len(prefix)] == prefix {
		return p[len(prefix):]
	}
	return p
}

// mayRate checks R6.3's who-rates-whom and returns the rater's ID.
func (s *Service) mayRate(ctx context.Context, dealer org.DealerID, actor org.Actor, in RateInput) (org.EmployeeID, error) {
	forbid := func(why string) error {
		return fmt.Errorf("appraisal: rate: %s may not give a %s rating of %s: %s (R6.3): %w", actor, in.Source, in.Ratee, why, ErrForbidden)
	}
	if in.Source == SourceCustomer {
		if actor.Role != org.RoleAdmin {
			return "", forbid("customer ratings come from the host's surveys")
		}
		// The ratee is on the roster, as for every other source.
		if _, err := s.roster.Employee(ctx, dealer, in.Ratee); err != nil {
			return "", fmt.Errorf("appraisal: rate: ratee %s: %w", in.Ratee, err)
		}
		return org.EmployeeID("customer:" + in.Customer), nil
	}
	me, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor, org.RoleTechnician)
	if err != nil {
		return "", err
	}
	ratee, err := s.roster.Employee(ctx, dealer, in.Ratee)
	if err != nil {
		return "", fmt.Errorf("appraisal: rate: ratee %s: %w", in.Ratee, err)
	}
	switch in.Source {
	case SourceSelf:
		if me.ID != ratee.ID {
			return "", forbid("a self assessment is the employee's own")
		}
	case SourceSupervisor:
		// R2.2: the one supervision scope; a supervisor of another
		// department is refused.
		if _, err := s.roster.AuthorizeOver(ctx, dealer, actor, ratee.ID); err != nil {
			return "", fmt.Errorf("appraisal: rate: only the employee's supervisor in the roster gives the supervisor's rating (R6.3): %w", err)
		}
	case SourcePeer:
		switch {
		case me.ID == ratee.ID:
			return "", forbid("nobody rates themselves as a peer")
		case me.Role != org.RoleAdvisor || me.Department != ratee.Department || !ratee.Active:
			return "", forbid("peers are the other advisors of the same department")
		}
	}
	return me.ID, nil
}
