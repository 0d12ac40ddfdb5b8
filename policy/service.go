package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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

// Roster is what the policy service needs from the roster: *org.Service
// has it.
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
	// Facts supplies the appraisal and training facts of a period (see
	// monthend.AppraisalFacts, monthend.TrainingFacts, [Combine]); nil: none, and rules
	// on them never fire. Incidents and nominations come from the Store.
	Facts FactSource
	// Logger, when set, receives one record per command ([org.Observer]
	// says which, at what level); nil logs nothing.
	Logger *slog.Logger
	// Hook, when set, observes every command: a tracer, metrics (package
	// github.com/servicelane/servicelane/contrib/otel); nil observes
	// nothing.
	Hook org.Hook
}

// Service keeps a dealer's policies, records incidents and nominations,
// evaluates the active policy for a period into decisions, and lets a
// supervisor approve or reject them (R6.4, R7). Nothing is executed:
// a decision is a record of what was proposed and decided. Safe for
// concurrent use.
type Service struct {
	store  Store
	roster Roster
	clock  org.Clock
	ids    org.IDSource
	facts  FactSource
	obs    *org.Observer
}

// inputRules checks the shape of the Service's inputs.
var inputRules = validate.New()

// NewService checks cfg and builds a Service.
func NewService(cfg Config) (*Service, error) {
	ve := &org.ValidationError{Op: "policy: new service"}
	if cfg.Store == nil {
		ve.Add("store", org.CodeRequired, "is required")
	}
	if cfg.Roster == nil {
		ve.Add("roster", org.CodeRequired, "is required")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	s := &Service{store: cfg.Store, roster: cfg.Roster, clock: cfg.Clock, ids: cfg.IDs, facts: cfg.Facts,
		obs: org.NewObserver("policy", cfg.Hook, cfg.Logger)}
	if s.clock == nil {
		s.clock = org.SystemClock()
	}
	if s.ids == nil {
		s.ids = org.RandomIDs()
	}
	return s, nil
}

func shape(op string, in any) *org.ValidationError {
	ve := &org.ValidationError{Op: "policy: " + op}
	for _, p := range inputRules.Struct(in, "") {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
	return ve
}

func (s *Service) event(dealer org.DealerID, actor org.Actor, now time.Time, typ, subject, reason string, data any) org.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("policy: marshal event data: %v", err)) // our own types always marshal
	}
	return org.Event{DealerID: dealer, ID: s.ids.NewID(), At: now, Actor: actor, Type: typ,
		Subject: "policy/" + subject, Reason: reason, Data: raw}
}

// maxIncidentPlaces is the places an incident's amount may have when the
// dealer has no active policy to say: the store keeps 4.
const maxIncidentPlaces = 4

// maxAmount bounds amounts to 20 digits before the point, as every store
// keeps them.
var maxAmount = decimal.New(1, 20)

// SavePolicy stores a version of the dealer's policy after validating it,
// and makes it the active one when activate is set. Only the service
// advisor department's supervisor or an admin (the dealer's management
// through the host), never a supervisor of another department (R2.2). Its
// currency must
// be the dealer's, and its version above every version saved before: a
// saved version never changes, so every decision can show the policy that
// proposed it; save a new version instead. Audited.
func (s *Service) SavePolicy(ctx context.Context, dealer org.DealerID, actor org.Actor, p *Policy, activate bool) (_ StoredPolicy, err error) {
	ctx, ob := s.obs.Begin(ctx, "save_policy", dealer, actor)
	defer ob.End(&err)
	const op = "policy: save policy"
	if err := p.Validate(); err != nil {
		return StoredPolicy{}, err
	}
	if _, err := s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor); err != nil {
		return StoredPolicy{}, err
	}
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return StoredPolicy{}, fmt.Errorf("%s: %w", op, err)
	}
	ve := &org.ValidationError{Op: op}
	if p.Currency != d.Currency {
		ve.Add("currency", org.CodeInvalid, fmt.Sprintf("is %s, but the dealer's currency is %s: amounts are in the dealer's currency", p.Currency, d.Currency))
	}
	saved, err := s.store.Policies(ctx, dealer)
	if err != nil {
		return StoredPolicy{}, fmt.Errorf("%s: %w", op, err)
	}
	var active *StoredPolicy
	latest := 0
	for i, sp := range saved {
		if sp.Policy.Version == p.Version {
			ve.Add("version", org.CodeDuplicate, fmt.Sprintf("version %d is saved already (%s); a saved version never changes: save a new version", p.Version, sp.Policy.ID))
		}
		latest = max(latest, sp.Policy.Version)
		if sp.Active {
			active = &saved[i]
		}
	}
	if latest > p.Version {
		ve.Add("version", org.CodeRange, fmt.Sprintf("must be above %d, the latest version saved: versions only increase", latest))
	}
	if err := ve.Err(); err != nil {
		return StoredPolicy{}, err
	}
	now := org.Now(s.clock)
	sp := StoredPolicy{DealerID: dealer, Policy: clonePolicy(*p), Active: activate, SavedAt: now, SavedBy: actor, Version: 1}
	c := Change{Policies: []StoredPolicy{sp}}
	data := map[string]any{"id": p.ID, "version": p.Version, "active": activate}
	if activate && active != nil {
		old := *active
		old.Active = false
		old.Version++
		c.Policies = append(c.Policies, old)
		data["replaces"] = old.Policy.Version
	}
	c.Events = []org.Event{s.event(dealer, actor, now, "policy.saved", fmt.Sprintf("policy/%d", p.Version), "", data)}
	if err := s.store.Commit(ctx, dealer, c); err != nil {
		return StoredPolicy{}, fmt.Errorf("%s %d: %w", op, p.Version, err)
	}
	return sp.Clone(), nil
}

// ActivatePolicy makes a saved version the active one, as to go back to an
// earlier version. Only the service advisor department's supervisor or an
// admin (R2.2). Activating the active
// version writes nothing. Audited.
func (s *Service) ActivatePolicy(ctx context.Context, dealer org.DealerID, actor org.Actor, version int) (_ StoredPolicy, err error) {
	ctx, ob := s.obs.Begin(ctx, "activate_policy", dealer, actor)
	defer ob.End(&err)
	const op = "policy: activate policy"
	if _, err := s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor); err != nil {
		return StoredPolicy{}, err
	}
	sp, err := s.store.Policy(ctx, dealer, version)
	if err != nil {
		return StoredPolicy{}, fmt.Errorf("%s %d: %w", op, version, err)
	}
	if sp.Active {
		return sp, nil
	}
	c := Change{}
	data := map[string]any{"id": sp.Policy.ID, "version": version}
	old, err := s.store.ActivePolicy(ctx, dealer)
	switch {
	case err == nil:
		old.Active = false
		old.Version++
		c.Policies = append(c.Policies, old)
		data["replaces"] = old.Policy.Version
	case !errors.Is(err, ErrNotFound):
		return StoredPolicy{}, fmt.Errorf("%s %d: %w", op, version, err)
	}
	now := org.Now(s.clock)
	sp.Active = true
	sp.Version++
	c.Policies = append(c.Policies, sp)
	c.Events = []org.Event{s.event(dealer, actor, now, "policy.activated", fmt.Sprintf("policy/%d", version), "", data)}
	if err := s.store.Commit(ctx, dealer, c); err != nil {
		return StoredPolicy{}, fmt.Errorf("%s %d: %w", op, version, err)
	}
	return sp, nil
}

// ActivePolicy returns the dealer's active policy, or an error matching
// ErrNotFound. Everyone on the roster may read it.
func (s *Service) ActivePolicy(ctx context.Context, dealer org.DealerID, actor org.Actor) (StoredPolicy, error) {
	if err := s.reader(ctx, dealer, actor, "active policy", onRoster...); err != nil {
		return StoredPolicy{}, err
	}
	sp, err := s.store.ActivePolicy(ctx, dealer)
	if err != nil {
		return StoredPolicy{}, fmt.Errorf("policy: active policy of %s: %w", dealer, err)
	}
	return sp, nil
}

// Policies returns every saved version of the dealer's policy, oldest
// first. Everyone on the roster may read them.
func (s *Service) Policies(ctx context.Context, dealer org.DealerID, actor org.Actor) ([]StoredPolicy, error) {
	if err := s.reader(ctx, dealer, actor, "policies", onRoster...); err != nil {
		return nil, err
	}
	return s.store.Policies(ctx, dealer)
}

// IncidentInput records an incident about an employee (R7.2).
type IncidentInput struct {
	// ID identifies the incident within the dealer; empty: a new ID. A
	// ladder's proposal is keyed by it.
	ID       string         `json:"id" validate:"omitempty,ident,max=64"`
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
	Kind     IncidentKind   `json:"kind" validate:"required"`
	// At is when it happened, not later than now.
	At time.Time `json:"at" validate:"required"`
	// Amount is the loss or the amount in dispute, in the dealer's
	// currency, with at most the active policy's places (4 without one);
	// zero when there is none.
	Amount decimal.Decimal `json:"amount"`
	Note   string          `json:"note" validate:"max=2000"`
}

// attendance reports whether k is an attendance incident (R7.2a), which
// the host's time clock records as an admin.
func (k IncidentKind) attendance() bool { return k == Late || k == LeftEarly || k == Absent }

// RecordIncident records an incident about an employee on the roster
// (R7.2). The employee's supervisor ([org.Service.AuthorizeOver], R2.2)
// records any kind; an admin (the host's time clock) only attendance: late,
// left early, absent. No supervisor records an incident about themselves
// (R1.3), nor about an employee of another department (R2.2). Audited.
func (s *Service) RecordIncident(ctx context.Context, dealer org.DealerID, actor org.Actor, in IncidentInput) (_ IncidentRecord, err error) {
	ctx, ob := s.obs.Begin(ctx, "record_incident", dealer, actor)
	defer ob.End(&err)
	const op = "record incident"
	ve := shape(op, in)
	if in.Kind != "" && !in.Kind.Valid() {
		ve.Add("kind", org.CodeUnknown, "must be one of "+kindList())
	}
	if err := ve.Err(); err != nil {
		return IncidentRecord{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return IncidentRecord{}, err
	}
	switch {
	case actor.Role == org.RoleAdmin && !in.Kind.attendance():
		return IncidentRecord{}, fmt.Errorf("policy: %s: an admin records attendance only (late, left early, absent), not %s: %w", op, in.Kind, ErrForbidden)
	case actor.Role != org.RoleAdmin && actor.ID == in.Employee:
		return IncidentRecord{}, fmt.Errorf("policy: %s: %s records no incident about themselves (R1.3): %w", op, actor, ErrForbidden)
	}
	if _, err := s.roster.AuthorizeOver(ctx, dealer, actor, in.Employee); errors.Is(err, ErrNotFound) {
		ve.Add("employee", org.CodeNotFound, "no such employee")
	} else if err != nil {
		return IncidentRecord{}, fmt.Errorf("policy: %s: %w", op, err) // R2.2
	}
	places := int32(maxIncidentPlaces)
	sp, err := s.store.ActivePolicy(ctx, dealer)
	switch {
	case err == nil:
		places = sp.Policy.places()
	case !errors.Is(err, ErrNotFound):
		return IncidentRecord{}, err
	}
	switch {
	case ve.Has("amount"): // out of every input's bounds already
	case in.Amount.IsNegative():
		ve.Add("amount", org.CodeRange, "must not be negative")
	case in.Amount.Abs().Cmp(maxAmount) >= 0:
		ve.Add("amount", org.CodeRange, "must have at most 20 digits before the point")
	case !in.Amount.Equal(in.Amount.Truncate(places)):
		ve.Add("amount", org.CodeRange, fmt.Sprintf("must have at most %d decimal places (the active policy's)", places))
	}
	now := org.Now(s.clock)
	at := in.At.UTC().Truncate(time.Microsecond)
	switch {
	case ve.Has("at"):
	case at.After(now):
		ve.Add("at", org.CodeRange, "must not be in the future")
	case !ve.Has("employee"):
		// Not before the employee joined the roster (issue 15).
		if e, err := s.roster.Employee(ctx, dealer, in.Employee); err == nil && at.Before(e.CreatedAt) {
			ve.Add("at", org.CodeRange, fmt.Sprintf("must not be before the employee joined (%s)", e.CreatedAt.Format(time.RFC3339)))
		}
	}
	id := in.ID
	if id == "" {
		id = s.ids.NewID()
	} else if _, err := s.store.Incident(ctx, dealer, id); err == nil {
		ve.Add("id", org.CodeDuplicate, "an incident has this ID already")
	} else if !errors.Is(err, ErrNotFound) {
		return IncidentRecord{}, err
	}
	if err := ve.Err(); err != nil {
		return IncidentRecord{}, err
	}
	r := IncidentRecord{DealerID: dealer, ID: id, Employee: in.Employee, Kind: in.Kind, At: at, Amount: in.Amount,
		Note: in.Note, RecordedBy: actor, RecordedAt: now, Version: 1}
	ev := s.event(dealer, actor, now, "policy.incident_recorded", "incident/"+id, in.Note, map[string]any{"after": r})
	if err := s.store.Commit(ctx, dealer, Change{Incidents: []IncidentRecord{r}, Events: []org.Event{ev}}); err != nil {
		return IncidentRecord{}, fmt.Errorf("policy: %s %s: %w", op, id, err)
	}
	return r, nil
}

// Incidents returns the dealer's incidents that happened in [from,
// before), in the order they happened; a zero bound is no bound. Only
// those actor may see: an employee their own, a supervisor those of the
// employees they supervise (R2.2), an admin all.
func (s *Service) Incidents(ctx context.Context, dealer org.DealerID, actor org.Actor, from, before time.Time) ([]IncidentRecord, error) {
	if err := s.reader(ctx, dealer, actor, "incidents", onRoster...); err != nil {
		return nil, err
	}
	rs, err := s.store.Incidents(ctx, dealer, from, before)
	if err != nil {
		return nil, err
	}
	return org.VisibleTo(ctx, s.roster, dealer, actor, rs, func(r IncidentRecord) org.EmployeeID { return r.Employee })
}

// NominationInput nominates an employee for a special contribution
// (R7.1).
type NominationInput struct {
	// ID identifies the nomination within the dealer; empty: a new ID.
	ID       string         `json:"id" validate:"omitempty,ident,max=64"`
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
	// Period is the month or the year of the contribution.
	Period Period `json:"period"`
	Reason string `json:"reason" validate:"notblank,max=2000"`
}

// Nominate records a supervisor's nomination of an active employee for a
// special contribution in a period (R7.1), with the reason. Any
// supervisor, of any department (R8.1: a workshop's supervisor may
// recognise an advisor's help): a nomination is testimony, not a decision;
// the award it leads to is decided within the supervision scope
// ([Service.Approve], R2.2). Never themselves (R1.3); once per supervisor,
// employee and period. Audited.
func (s *Service) Nominate(ctx context.Context, dealer org.DealerID, actor org.Actor, in NominationInput) (_ NominationRecord, err error) {
	ctx, ob := s.obs.Begin(ctx, "nominate", dealer, actor)
	defer ob.End(&err)
	const op = "nominate"
	ve := shape(op, in)
	if !in.Period.Valid() {
		ve.Add("period", org.CodeRange, "must be a month or a year")
	}
	if err := ve.Err(); err != nil {
		return NominationRecord{}, err
	}
	me, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor)
	if err != nil {
		return NominationRecord{}, err
	}
	if me.ID == in.Employee {
		return NominationRecord{}, fmt.Errorf("policy: %s: %s does not nominate themselves (R1.3): %w", op, actor, ErrForbidden)
	}
	if e, err := s.roster.Employee(ctx, dealer, in.Employee); errors.Is(err, ErrNotFound) || (err == nil && !e.Active) {
		ve.Add("employee", org.CodeNotFound, "no active employee with this ID")
	} else if err != nil {
		return NominationRecord{}, err
	}
	others, err := s.store.Nominations(ctx, dealer, in.Period)
	if err != nil {
		return NominationRecord{}, err
	}
	for _, o := range others {
		switch {
		case o.Employee == in.Employee && o.By == me.ID:
			ve.Add("employee", org.CodeDuplicate, fmt.Sprintf("is nominated by %s for %s already (%s)", me.ID, in.Period, o.ID))
		case in.ID != "" && o.ID == in.ID:
			ve.Add("id", org.CodeDuplicate, "a nomination has this ID already")
		}
	}
	if err := ve.Err(); err != nil {
		return NominationRecord{}, err
	}
	now := org.Now(s.clock)
	n := NominationRecord{DealerID: dealer, ID: in.ID, Employee: in.Employee, Period: in.Period, Reason: in.Reason,
		By: me.ID, At: now, Version: 1}
	if n.ID == "" {
		n.ID = s.ids.NewID()
	}
	ev := s.event(dealer, actor, now, "policy.nominated", "nomination/"+n.ID, in.Reason, map[string]any{"after": n})
	if err := s.store.Commit(ctx, dealer, Change{Nominations: []NominationRecord{n}, Events: []org.Event{ev}}); err != nil {
		return NominationRecord{}, fmt.Errorf("policy: %s %s: %w", op, in.Employee, err)
	}
	return n, nil
}

// Nominations returns the nominations of a period, ordered by ID: to
// supervisors (who nominate, R7.1) and admins.
func (s *Service) Nominations(ctx context.Context, dealer org.DealerID, actor org.Actor, period Period) ([]NominationRecord, error) {
	if err := s.reader(ctx, dealer, actor, "nominations", supervisors...); err != nil {
		return nil, err
	}
	return s.store.Nominations(ctx, dealer, period)
}

// Decision returns the decision with a key: to the employee it is about,
// their supervisor (R2.2) and admins; anyone else is refused with
// ErrForbidden.
func (s *Service) Decision(ctx context.Context, dealer org.DealerID, actor org.Actor, key string) (Decision, error) {
	const op = "decision"
	if err := s.reader(ctx, dealer, actor, op, onRoster...); err != nil {
		return Decision{}, err
	}
	d, err := s.store.Decision(ctx, dealer, key)
	if err != nil {
		return Decision{}, fmt.Errorf("policy: decision %s: %w", key, err)
	}
	ok, err := org.Sees(ctx, s.roster, dealer, actor, d.Employee())
	if err != nil {
		return Decision{}, err
	}
	if !ok {
		return Decision{}, notTheirs(op, actor, d.Employee())
	}
	return d, nil
}

// Decisions returns the decisions of a period about employee (everyone
// when empty), ordered by Key, as far as actor may see them: an employee
// their own, a supervisor those about the employees they supervise (R2.2),
// an admin all. Asking for an employee actor may not see is refused with
// ErrForbidden.
func (s *Service) Decisions(ctx context.Context, dealer org.DealerID, actor org.Actor, period Period, employee org.EmployeeID) ([]Decision, error) {
	const op = "decisions"
	if !period.Valid() {
		return nil, &org.ValidationError{Op: "policy: decisions", Fields: []org.FieldError{{Path: "period", Code: org.CodeRange,
			Message: "must be a month or a year"}}}
	}
	if err := s.reader(ctx, dealer, actor, op, onRoster...); err != nil {
		return nil, err
	}
	if employee != "" {
		ok, err := org.Sees(ctx, s.roster, dealer, actor, employee)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notTheirs(op, actor, employee)
		}
	}
	ds, err := s.store.Decisions(ctx, dealer, period, employee)
	if err != nil {
		return nil, err
	}
	return org.VisibleTo(ctx, s.roster, dealer, actor, ds, Decision.Employee)
}
