package servicedesk

import (
	"cmp"
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

// Roster is what servicedesk needs from the roster: *org.Service has it.
type Roster interface {
	Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error)
	Employee(ctx context.Context, dealer org.DealerID, id org.EmployeeID) (org.Employee, error)
	// Employees lists the advisors every month's figures show, with
	// zeros when they had nothing (R6.1).
	Employees(ctx context.Context, dealer org.DealerID, q org.EmployeeQuery) ([]org.Employee, error)
	Authorize(ctx context.Context, dealer org.DealerID, actor org.Actor, roles ...org.Role) (org.Employee, error)
	// AuthorizeOver and AuthorizeDepartment are the one supervision scope
	// (R2.2): see [org.Service.AuthorizeOver].
	AuthorizeOver(ctx context.Context, dealer org.DealerID, actor org.Actor, subject org.EmployeeID) (org.Employee, error)
	AuthorizeDepartment(ctx context.Context, dealer org.DealerID, actor org.Actor, dept org.Department) (org.Employee, error)
}

// Pricer prices the lines of jobs: it sets every Line.Amount and Job.Total.
// The billing package implements it with price books and rounding rules;
// [LinePricer] is the plain default.
type Pricer interface {
	// PriceJobs prices jobs for actor, who writes the estimate or the
	// supplement. A *org.ValidationError it returns names the problem by
	// the jobs' paths, "jobs[0].lines[1].unit_price", and becomes the
	// command's.
	PriceJobs(ctx context.Context, dealer org.Dealer, actor org.Actor, jobs []Job) ([]Job, error)
}

// LinePricer prices a line as quantity x unit price, rounded half up to
// Places decimal places; a job's total is the sum of its rounded lines, so
// totals always equal the sum of their parts.
type LinePricer struct {
	Places int32
}

// PriceJobs implements Pricer.
func (p LinePricer) PriceJobs(_ context.Context, _ org.Dealer, _ org.Actor, jobs []Job) ([]Job, error) {
	out := make([]Job, len(jobs))
	for i, j := range jobs {
		j.Lines = append([]Line(nil), j.Lines...)
		j.Total = decimal.Zero
		for k := range j.Lines {
			j.Lines[k].PricedBy = PricedEntered
			j.Lines[k].Amount = j.Lines[k].Quantity.Mul(j.Lines[k].UnitPrice).Round(p.Places)
			j.Total = j.Total.Add(j.Lines[k].Amount)
		}
		out[i] = j
	}
	return out, nil
}

// WorkingHours are when technicians can be booked, in the dealer's time
// zone.
type WorkingHours struct {
	// Open and Close are minutes after local midnight: 510 is 08:30.
	Open  int `json:"open" validate:"gte=0,lt=1440"`
	Close int `json:"close" validate:"gt=0,lte=1440,gtfield=Open"`
	// Days are the working weekdays.
	Days []time.Weekday `json:"days" validate:"min=1,max=7,unique,dive,gte=0,lte=6"`
	// Capacity is the most hours one technician can be booked per day; zero
	// means Close - Open.
	Capacity decimal.Decimal `json:"capacity"`
}

// DefaultWorkingHours: Monday to Saturday, 08:30 to 17:30.
func DefaultWorkingHours() WorkingHours {
	return WorkingHours{Open: 8*60 + 30, Close: 17*60 + 30, Days: []time.Weekday{1, 2, 3, 4, 5, 6}}
}

// Config configures a Service. Store and Roster are required.
type Config struct {
	Store  Store
	Roster Roster
	Pricer Pricer // nil: LinePricer{Places: 2}
	// Billing settles work orders through the billing package
	// ([Service.SettleBill]); nil leaves only the plain Settle seam.
	Billing Biller
	Clock   org.Clock
	IDs     org.IDSource
	Options Options
	// Hours bounds bookings; zero value: DefaultWorkingHours.
	Hours WorkingHours
	// BookingHorizon is how far ahead of now a booking may start; zero
	// means DefaultBookingHorizon (a booking also never starts before the
	// local day its order was opened).
	BookingHorizon time.Duration
	// ComplaintDue is how long a complaint may stay unresolved before it is
	// overdue; zero means 72 hours.
	ComplaintDue time.Duration
	// SurveyScale is the satisfaction scale; zero means 1 to 5.
	SurveyMin, SurveyMax decimal.Decimal
	// ConsentEvidence is the evidence each approval method needs (R3.2c,
	// R3.3b); nil means DefaultConsentRules, as 16 CCR 3353 asks.
	ConsentEvidence ConsentRules
	// Logger, when set, receives one record per command ([org.Observer]
	// says which, at what level); nil logs nothing.
	Logger *slog.Logger
	// Hook, when set, observes every command: a tracer, metrics (package
	// github.com/servicelane/servicelane/contrib/otel); nil observes
	// nothing.
	Hook org.Hook
}

// Service runs work orders, bookings, complaints and surveys, and enforces
// every rule of R2.3, R3.1-R3.3 and R4.4. Safe for concurrent use.
type Service struct {
	store   Store
	roster  Roster
	pricer  Pricer
	biller  Biller
	clock   org.Clock
	ids     org.IDSource
	opts    Options
	hours   WorkingHours
	horizon time.Duration
	due     time.Duration
	smin    decimal.Decimal
	smax    decimal.Decimal
	consent ConsentRules
	obs     *org.Observer
}

var v = validate.New()

// NewService checks cfg and builds a Service.
func NewService(cfg Config) (*Service, error) {
	ve := &org.ValidationError{Op: "servicedesk: new service"}
	if cfg.Store == nil {
		ve.Add("store", org.CodeRequired, "is required")
	}
	if cfg.Roster == nil {
		ve.Add("roster", org.CodeRequired, "is required")
	}
	if cfg.Hours.Close == 0 && len(cfg.Hours.Days) == 0 {
		cfg.Hours = DefaultWorkingHours()
	}
	addProblems(ve, v.Struct(cfg.Hours, "hours"))
	if cfg.BookingHorizon < 0 {
		ve.Add("booking_horizon", org.CodeRange, "must not be negative")
	}
	if cfg.Hours.Capacity.IsNegative() {
		ve.Add("hours.capacity", org.CodeRange, "must not be negative")
	}
	if cfg.SurveyMin.IsZero() && cfg.SurveyMax.IsZero() {
		cfg.SurveyMin, cfg.SurveyMax = decimal.NewFromInt(1), decimal.NewFromInt(5)
	}
	if cfg.SurveyMax.Cmp(cfg.SurveyMin) <= 0 {
		ve.Add("survey_max", org.CodeRange, "must be above survey_min")
	}
	if cfg.ComplaintDue < 0 {
		ve.Add("complaint_due", org.CodeRange, "must not be negative")
	}
	if cfg.ConsentEvidence == nil {
		cfg.ConsentEvidence = DefaultConsentRules()
	}
	cfg.ConsentEvidence.validate(ve, "consent_evidence")
	if err := ve.Err(); err != nil {
		return nil, err
	}
	s := &Service{store: guarded{cfg.Store}, roster: cfg.Roster, pricer: cfg.Pricer, biller: cfg.Billing, clock: cfg.Clock, ids: cfg.IDs,
		opts: cfg.Options, hours: cfg.Hours, horizon: cmp.Or(cfg.BookingHorizon, DefaultBookingHorizon), due: cfg.ComplaintDue, smin: cfg.SurveyMin, smax: cfg.SurveyMax,
		consent: cfg.ConsentEvidence.clone(), obs: org.NewObserver("servicedesk", cfg.Hook, cfg.Logger)}
	if s.pricer == nil {
		s.pricer = LinePricer{Places: 2}
	}
	if s.clock == nil {
		s.clock = org.SystemClock()
	}
	if s.ids == nil {
		s.ids = org.RandomIDs()
	}
	if s.due == 0 {
		s.due = 72 * time.Hour
	}
	if s.hours.Capacity.IsZero() {
		s.hours.Capacity = decimal.NewFromInt(int64(s.hours.Close - s.hours.Open)).Div(decimal.NewFromInt(60))
	}
	return s, nil
}

func addProblems(ve *org.ValidationError, ps []validate.Problem) {
	for _, p := range ps {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
}

// WorkOrder returns one work order, as actor may see it: every role reads
// work orders, but the customer's contact data only the order's advisor,
// their supervisor and admins (R7.2d); see docs/AUTHORIZATION.md.
func (s *Service) WorkOrder(ctx context.Context, dealer org.DealerID, actor org.Actor, id WorkOrderID) (WorkOrder, error) {
	r, err := s.reader(ctx, dealer, actor, "work order "+string(id), workOrderReaders...)
	if err != nil {
		return WorkOrder{}, err
	}
	w, err := s.store.WorkOrder(ctx, dealer, id)
	if err != nil {
		return WorkOrder{}, fmt.Errorf("servicedesk: work order %s: %w", id, err)
	}
	return r.workOrder(ctx, w)
}

// WorkOrders returns one page of work orders, as actor may see them (see
// [Service.WorkOrder]); a zero Limit means org.DefaultPage, and more than
// org.MaxPage is cut.
func (s *Service) WorkOrders(ctx context.Context, dealer org.DealerID, actor org.Actor, q WorkOrderQuery) ([]WorkOrder, error) {
	r, err := s.reader(ctx, dealer, actor, "list work orders", workOrderReaders...)
	if err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		return nil, &org.ValidationError{Op: "servicedesk: list work orders", Fields: []org.FieldError{{Path: "limit", Code: org.CodeRange, Message: "must not be negative"}}}
	}
	if q.Limit == 0 {
		q.Limit = org.DefaultPage
	}
	q.Limit = min(q.Limit, org.MaxPage)
	ws, err := s.store.WorkOrders(ctx, dealer, q)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: list work orders: %w", err)
	}
	return r.workOrders(ctx, ws)
}

// Month returns every work order opened in month m in the dealer's time
// zone, as actor may see them (see [Service.WorkOrder]).
func (s *Service) Month(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) ([]WorkOrder, error) {
	r, err := s.reader(ctx, dealer, actor, "work orders of "+m.String(), workOrderReaders...)
	if err != nil {
		return nil, err
	}
	loc, err := s.location(ctx, dealer)
	if err != nil {
		return nil, err
	}
	q := WorkOrderQuery{OpenedFrom: m.Start(loc), OpenedBefore: m.End(loc), Limit: org.MaxPage}
	// The pages are kept as the store returned them and joined once at the
	// end: appending each to one growing slice copied every order read so
	// far per page, which made a month of 5,000 orders 15x the time of
	// one of 500 (issue 16).
	var pages [][]WorkOrder
	n := 0
	for {
		page, err := s.store.WorkOrders(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: work orders of %s: %w", m, err)
		}
		pages = append(pages, page)
		n += len(page)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	all := pages[0]
	if len(pages) > 1 {
		all = make([]WorkOrder, 0, n)
		for i, page := range pages {
			all = append(all, page...)
			pages[i] = nil // the page's orders may be collected as soon as copied
		}
	}
	return r.workOrders(ctx, all)
}

// Permitted lists the commands actor may give on the order now. The actor
// must be an admin or active on the dealer's roster in the role claimed,
// else ErrForbidden.
func (s *Service) Permitted(ctx context.Context, dealer org.DealerID, actor org.Actor, id WorkOrderID) ([]Command, error) {
	// As s.reader, without the reader: Permitted shows nothing of the order.
	if _, err := s.roster.Authorize(ctx, dealer, actor, workOrderReaders...); err != nil {
		return nil, fmt.Errorf("servicedesk: permitted on %s: %w", id, err)
	}
	w, err := s.store.WorkOrder(ctx, dealer, id)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: work order %s: %w", id, err)
	}
	return Permitted(&w, actor, s.opts), nil
}

// Timeline returns the audit events of one work order, oldest first, as
// actor may see them: to an actor who may not see the customer's contact
// (see [Service.WorkOrder]) each event's Data is only the state change,
// {"from","to"}, without the command's input.
func (s *Service) Timeline(ctx context.Context, dealer org.DealerID, actor org.Actor, id WorkOrderID) ([]org.Event, error) {
	r, err := s.reader(ctx, dealer, actor, "timeline of "+string(id), workOrderReaders...)
	if err != nil {
		return nil, err
	}
	w, err := s.store.WorkOrder(ctx, dealer, id)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: timeline of %s: %w", id, err)
	}
	evs, err := s.timeline(ctx, dealer, id)
	if err != nil {
		return nil, err
	}
	return r.timeline(ctx, w.Advisor, evs)
}

func (s *Service) timeline(ctx context.Context, dealer org.DealerID, id WorkOrderID) ([]org.Event, error) {
	subject := "workorder/" + string(id)
	if se, ok := s.store.(guarded).Store.(SubjectEvents); ok {
		return se.SubjectEvents(ctx, dealer, subject)
	}
	var out []org.Event
	var after int64
	for {
		page, err := s.store.Events(ctx, dealer, after, org.MaxPage)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: timeline of %s: %w", id, err)
		}
		for _, e := range page {
			if e.Subject == subject {
				out = append(out, e)
			}
		}
		if len(page) < org.MaxPage {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}

func (s *Service) location(ctx context.Context, dealer org.DealerID) (*time.Location, error) {
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: dealer %s: %w", dealer, err)
	}
	return d.Location()
}

// step is one command on one work order: the shared frame of every command.
type step struct {
	cmd      Command
	id       WorkOrderID
	expected int64
	input    any
	reason   string
	// apply changes w (a copy) and may add records to c. It reports bad
	// input in ve; it must not write.
	apply func(ctx context.Context, w *WorkOrder, t Transition, now time.Time, ve *org.ValidationError, c *Change) error
}

// transitionData is the Data of every work-order event: enough to replay
// the order's states from its audit trail.
type transitionData struct {
	From  State `json:"from"`
	To    State `json:"to"`
	Input any   `json:"input,omitempty"`
}

// runFrame is what one command builds, in one allocation: the order it
// changes (read from the store, so its own copy, and committed from there),
// the problems apply finds, and the Change, with room for the event.
type runFrame struct {
	order [1]WorkOrder
	ve    org.ValidationError
	c     Change
	event [1]org.Event
}

func (s *Service) run(ctx context.Context, dealer org.DealerID, actor org.Actor, st step) (WorkOrder, error) {
	names := commandNames(st.cmd)
	op := names.op
	// The actor first: someone not on the roster learns nothing of the
	// order, not even whether it exists or its version (R7.2d).
	if _, err := s.roster.Authorize(ctx, dealer, actor, actor.Role); err != nil {
		return WorkOrder{}, err
	}
	// The reference is input too: held to the one text policy before the
	// store sees it (issue 15: a NUL in an ID was a driver error). A plain
	// reference passes it without the validator's reflection.
	if !plainRef(st.id, st.expected) {
		if err := shape(string(st.cmd), Ref{ID: st.id, ExpectedVersion: st.expected}).Err(); err != nil {
			return WorkOrder{}, err
		}
	}
	f := &runFrame{}
	var err error
	// The order read is this command's own copy (the store never shares
	// memory with its callers): the new version is built on it.
	w := &f.order[0]
	if *w, err = s.store.WorkOrder(ctx, dealer, st.id); err != nil {
		return WorkOrder{}, fmt.Errorf("%s %s: %w", op, st.id, err)
	}
	if st.expected != 0 && st.expected != w.Version {
		return WorkOrder{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, st.id, st.expected, w.Version, org.ErrStale)
	}
	t, err := check(w, st.cmd, actor, s.opts)
	if err != nil {
		return WorkOrder{}, err
	}
	from := w.State
	now := org.Now(s.clock)
	f.ve.Op = op
	c := &f.c
	if err := st.apply(ctx, w, t, now, &f.ve, c); err != nil {
		return WorkOrder{}, err
	}
	if err := f.ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	if len(t.To) == 1 {
		w.State = t.To[0]
	}
	w.Version++
	w.UpdatedAt = now
	if c.WorkOrders == nil {
		c.WorkOrders = f.order[:]
	} else {
		c.WorkOrders = append(c.WorkOrders, *w)
	}
	input := st.input
	if oa, ok := input.(interface{ fill(*WorkOrder) any }); ok {
		input = oa.fill(w) // event data that needs the order, such as a notice's contact
	}
	ev := newEvent(s.ids, dealer, actor, now, names.event, "workorder/"+string(w.ID), st.reason, transitionData{From: from, To: w.State, Input: input})
	if c.Events == nil {
		f.event[0] = ev
		c.Events = f.event[:]
	} else {
		c.Events = append(c.Events, ev)
	}
	if err := s.store.Commit(ctx, dealer, *c); err != nil {
		if st.expected != 0 && errors.Is(err, ErrConflict) {
			// The caller's version matched when read, but another writer
			// committed first. When that writer replaced the order, the
			// version the caller holds is stale (412); when it changed
			// only something else of the commit (a calendar day), a retry
			// may succeed (409).
			if now, rerr := s.store.WorkOrder(ctx, dealer, st.id); rerr == nil && now.Version != st.expected {
				return WorkOrder{}, fmt.Errorf("%s %s: version %d was replaced by %d while this command ran: %w", op, st.id, st.expected, now.Version, org.ErrStale)
			}
		}
		return WorkOrder{}, fmt.Errorf("%s %s: %w", op, st.id, err)
	}
	return *w, nil
}

// plainRef reports whether a work order's reference certainly passes
// shape: an ID of 1 to 64 printable ASCII characters (no control character,
// valid UTF-8, one line, within Ref's max) and a version not below zero.
// Anything else goes through the validator, which says what is wrong.
func plainRef(id WorkOrderID, expected int64) bool {
	if len(id) == 0 || len(id) > 64 || expected < 0 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

func (s *Service) event(dealer org.DealerID, actor org.Actor, now time.Time, cmd Command, id WorkOrderID, reason string, data any) org.Event {
	return newEvent(s.ids, dealer, actor, now, "workorder."+string(cmd), "workorder/"+string(id), reason, data)
}

func newEvent(ids org.IDSource, dealer org.DealerID, actor org.Actor, now time.Time, typ, subject, reason string, data any) org.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("servicedesk: marshal event data: %v", err)) // our own types always marshal
	}
	if typ != "workorder."+string(CmdNotifyReady) && hasContact(raw) {
		// Contact data only where the recipient needs it: the pickup
		// notice's (R7.2d). The record holds it for everyone else.
		raw = scrub(raw, false)
	}
	return org.Event{DealerID: dealer, ID: ids.NewID(), At: now, Actor: actor, Type: typ, Subject: subject, Reason: reason, Data: raw}
}

// shape validates an input's tags into a new ValidationError.
func shape(op string, in any) *org.ValidationError {
	ve := &org.ValidationError{Op: "servicedesk: " + op}
	addProblems(ve, v.Struct(in, ""))
	return ve
}

// employeeIn checks that id is an active employee of dealer in role.
func (s *Service) employeeIn(ctx context.Context, dealer org.DealerID, id org.EmployeeID, role org.Role, path string, ve *org.ValidationError) error {
	e, err := s.roster.Employee(ctx, dealer, id)
	switch {
	case errors.Is(err, ErrNotFound):
		ve.Add(path, org.CodeNotFound, "no employee with this ID on the roster")
	case err != nil:
		return err
	case !e.Active:
		ve.Add(path, org.CodeInactive, "the employee is not active")
	case e.Role != role:
		ve.Add(path, org.CodeInvalid, fmt.Sprintf("must be a %s, is a %s", role, e.Role))
	}
	return nil
}
