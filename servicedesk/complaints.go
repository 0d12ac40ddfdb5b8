package servicedesk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/org"
)

// ComplaintInput is the input of [Service.OpenComplaint]: what the customer
// complains about, in their words (R2.2).
type ComplaintInput struct {
	// ID, when empty, is made by the service's IDSource.
	ID ComplaintID `json:"id" validate:"omitempty,max=64,ident"`
	// WorkOrder, when set, is the order complained about; it must exist.
	WorkOrder WorkOrderID `json:"work_order" validate:"omitempty,max=64"`
	// Advisor, when set, is the advisor complained about; it must be an
	// active advisor. Empty with a WorkOrder means the order's advisor;
	// empty without one means the department as a whole.
	Advisor org.EmployeeID `json:"advisor" validate:"omitempty,max=64,ident"`
	// Customer is who complains; nil means the work order's customer, so it
	// is required without a WorkOrder.
	Customer    *Customer `json:"customer" validate:"required_without=WorkOrder"`
	Description string    `json:"description" validate:"notblank,max=4000"`
	Channel     Channel   `json:"channel" validate:"oneof=walk_in phone online"`
}

// ComplaintRef names the complaint a command is for, with the version the
// caller read (zero: do not check).
type ComplaintRef struct {
	ID              ComplaintID `json:"id" validate:"required,max=64"`
	ExpectedVersion int64       `json:"expected_version" validate:"gte=0"`
}

// InvestigationInput is what the supervisor found out.
type InvestigationInput struct {
	Notes string `json:"notes" validate:"notblank,max=4000"`
}

// ResolutionInput is how the complaint was resolved and how the customer
// was told (R4.4: followed until resolved and the result told).
type ResolutionInput struct {
	Resolution string `json:"resolution" validate:"notblank,max=4000"`
	// CustomerInformed says how, when and by whom the customer was told:
	// "phone call 5 Nov, spoke to Mr. Kao".
	CustomerInformed string `json:"customer_informed" validate:"notblank,max=500"`
}

// ComplaintTransitionError says that a complaint is not in the state a
// command needs: the one refusal type, [org.RefusalError], with Record
// "complaint" and a "state" blocker naming the state the command needs.
// It matches ErrInvalidTransition.
type ComplaintTransitionError = org.RefusalError

// complaintStep is one move of a complaint: the table of R2.2 and R4.4 is
// open → investigating → resolved → closed, one supervisor command each.
type complaintStep struct {
	cmd   string
	from  ComplaintState
	to    ComplaintState
	event string
}

var (
	stepInvestigate = complaintStep{"investigate", ComplaintOpen, ComplaintInvestigating, "complaint.investigation_started"}
	stepResolve     = complaintStep{"resolve", ComplaintInvestigating, ComplaintResolved, "complaint.resolved"}
	stepClose       = complaintStep{"close", ComplaintResolved, ComplaintClosed, "complaint.closed"}
)

// recordChange is the Data of complaint and survey events; Before is nil
// when the record is created.
type recordChange[T any] struct {
	Before *T `json:"before,omitempty"`
	After  T  `json:"after"`
}

// OpenComplaint records a customer's complaint against a work order, an
// advisor, or the department (R2.2). Anyone at the service desk, advisor
// or supervisor, may record it; only the supervisor of the advisor
// complained about (of the service advisor department when it names none)
// handles it. It is due
// Config.ComplaintDue after it is opened (R4.4).
func (s *Service) OpenComplaint(ctx context.Context, dealer org.DealerID, actor org.Actor, in ComplaintInput) (_ Complaint, err error) {
	ctx, ob := s.obs.Begin(ctx, "open_complaint", dealer, actor)
	defer ob.End(&err)
	ve := shape("open complaint", in)
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor); err != nil {
		return Complaint{}, err
	}
	c := Complaint{DealerID: dealer, ID: in.ID, State: ComplaintOpen, WorkOrder: in.WorkOrder, Advisor: in.Advisor,
		Description: in.Description, Channel: in.Channel, OpenedBy: actor}
	if in.Customer != nil {
		c.Customer = *in.Customer
	}
	if in.WorkOrder != "" && !ve.Has("work_order") {
		w, err := s.store.WorkOrder(ctx, dealer, in.WorkOrder)
		switch {
		case errors.Is(err, ErrNotFound):
			ve.Add("work_order", org.CodeNotFound, "no work order with this ID")
		case err != nil:
			return Complaint{}, fmt.Errorf("servicedesk: open complaint: %w", err)
		default:
			if c.Advisor == "" {
				c.Advisor = w.Advisor
			}
			if in.Customer == nil {
				c.Customer = w.Customer
			}
		}
	}
	if in.Advisor != "" && !ve.Has("advisor") {
		if err := s.employeeIn(ctx, dealer, in.Advisor, org.RoleAdvisor, "advisor", ve); err != nil {
			return Complaint{}, err
		}
	}
	if in.ID != "" && !ve.Has("id") {
		_, err := s.store.Complaint(ctx, dealer, in.ID)
		switch {
		case err == nil:
			ve.Add("id", org.CodeDuplicate, "a complaint with this ID exists")
		case !errors.Is(err, ErrNotFound):
			return Complaint{}, fmt.Errorf("servicedesk: open complaint: %w", err)
		}
	}
	if err := ve.Err(); err != nil {
		return Complaint{}, err
	}
	if c.ID == "" {
		c.ID = ComplaintID(s.ids.NewID())
	}
	now := org.Now(s.clock)
	c.OpenedAt, c.DueAt, c.Version = now, now.Add(s.due), 1 // R4.4: followed until resolved, within the due time
	ev := newEvent(s.ids, dealer, actor, now, "complaint.opened", "complaint/"+string(c.ID), "", recordChange[Complaint]{After: c})
	if err := s.store.Commit(ctx, dealer, Change{Complaints: []Complaint{c}, Events: []org.Event{ev}}); err != nil {
		return Complaint{}, fmt.Errorf("servicedesk: open complaint %s: %w", c.ID, err)
	}
	return c, nil
}

// InvestigateComplaint starts the supervisor's investigation of an open
// complaint and records what was found (R2.2). The supervisor becomes its
// handler.
func (s *Service) InvestigateComplaint(ctx context.Context, dealer org.DealerID, actor org.Actor, ref ComplaintRef, in InvestigationInput) (_ Complaint, err error) {
	ctx, ob := s.obs.Begin(ctx, "investigate_complaint", dealer, actor)
	defer ob.End(&err)
	return s.handleComplaint(ctx, dealer, actor, ref, stepInvestigate, in, func(c *Complaint, _ time.Time) {
		c.Handler, c.Investigation = actor.ID, in.Notes
	})
}

// ResolveComplaint records the resolution of a complaint under
// investigation and how the customer was told (R4.4): both are required.
func (s *Service) ResolveComplaint(ctx context.Context, dealer org.DealerID, actor org.Actor, ref ComplaintRef, in ResolutionInput) (_ Complaint, err error) {
	ctx, ob := s.obs.Begin(ctx, "resolve_complaint", dealer, actor)
	defer ob.End(&err)
	return s.handleComplaint(ctx, dealer, actor, ref, stepResolve, in, func(c *Complaint, now time.Time) {
		c.Handler, c.Resolution, c.CustomerInformed, c.ResolvedAt = actor.ID, in.Resolution, in.CustomerInformed, now
	})
}

// CloseComplaint closes a resolved complaint.
func (s *Service) CloseComplaint(ctx context.Context, dealer org.DealerID, actor org.Actor, ref ComplaintRef) (_ Complaint, err error) {
	ctx, ob := s.obs.Begin(ctx, "close_complaint", dealer, actor)
	defer ob.End(&err)
	return s.handleComplaint(ctx, dealer, actor, ref, stepClose, struct{}{}, func(c *Complaint, now time.Time) {
		c.ClosedAt = now
	})
}

// handleComplaint is the frame of every supervisor command on a complaint:
// shape, load, version, role, no self-judgement, supervision scope (R2.2),
// state, one commit.
func (s *Service) handleComplaint(ctx context.Context, dealer org.DealerID, actor org.Actor, ref ComplaintRef, st complaintStep,
	in any, apply func(c *Complaint, now time.Time)) (Complaint, error) {
	op := st.cmd + " complaint"
	ve := shape(op, ref)
	addProblems(ve, v.Struct(in, ""))
	if err := ve.Err(); err != nil {
		return Complaint{}, err
	}
	op = "servicedesk: " + op
	before, err := s.store.Complaint(ctx, dealer, ref.ID)
	if err != nil {
		return Complaint{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	if ref.ExpectedVersion != 0 && ref.ExpectedVersion != before.Version {
		return Complaint{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, ref.ID, ref.ExpectedVersion, before.Version, org.ErrStale)
	}
	// R2.2: only a supervisor handles complaints, never the host.
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return Complaint{}, err
	}
	// R1.3: no one judges a complaint against themselves.
	if before.Advisor != "" && before.Advisor == actor.ID {
		return Complaint{}, fmt.Errorf("%s %s: the complaint is against %s, who may not handle it (R1.3): %w", op, ref.ID, actor.ID, ErrForbidden)
	}
	if err := s.mayHandle(ctx, dealer, actor, before); err != nil {
		return Complaint{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	if before.State != st.from {
		te := &ComplaintTransitionError{Op: "servicedesk", Record: "complaint", ID: string(before.ID), State: string(before.State), Command: st.cmd, Actor: actor}
		te.Add(org.RuleState, fmt.Sprintf("%s is allowed only in %s", st.cmd, st.from))
		return Complaint{}, te
	}
	c := before
	now := org.Now(s.clock)
	apply(&c, now)
	c.State = st.to
	c.Version++
	ev := newEvent(s.ids, dealer, actor, now, st.event, "complaint/"+string(c.ID), "", recordChange[Complaint]{Before: &before, After: c})
	if err := s.store.Commit(ctx, dealer, Change{Complaints: []Complaint{c}, Events: []org.Event{ev}}); err != nil {
		return Complaint{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	return c, nil
}

// mayHandle is the supervision scope of a complaint (R2.2): the supervisor
// of the employee complained about, even after they left; for a complaint
// that names no employee, the supervisor of the service advisor
// department, whose service it is about.
func (s *Service) mayHandle(ctx context.Context, dealer org.DealerID, actor org.Actor, c Complaint) error {
	if c.Advisor == "" {
		_, err := s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor)
		return err
	}
	_, err := s.roster.AuthorizeOver(ctx, dealer, actor, c.Advisor)
	return err
}

// Complaint returns one complaint (R2.2): to the employee it concerns, their
// supervisor and admins (for a complaint naming no one, the service advisor
// department's supervisor and admins); anyone else gets ErrForbidden. See
// docs/AUTHORIZATION.md, "Reads: who sees what".
func (s *Service) Complaint(ctx context.Context, dealer org.DealerID, actor org.Actor, id ComplaintID) (Complaint, error) {
	op := "complaint " + string(id)
	r, err := s.reader(ctx, dealer, actor, op, employeeRecordReaders...)
	if err != nil {
		return Complaint{}, err
	}
	c, err := s.store.Complaint(ctx, dealer, id)
	if err != nil {
		return Complaint{}, fmt.Errorf("servicedesk: %s: %w", op, err)
	}
	ok, err := r.mayRead(ctx, c.Advisor)
	if err != nil {
		return Complaint{}, fmt.Errorf("servicedesk: %s: %w", op, err)
	}
	if !ok {
		return Complaint{}, fmt.Errorf("servicedesk: %s: only the employee it concerns, their supervisor or an admin may read it (R2.2): %w", op, ErrForbidden)
	}
	return r.complaint(ctx, c)
}

// Complaints returns one page of complaints, ordered by ID, keeping those
// actor may read (see [Service.Complaint]): a page may therefore hold fewer
// than Limit while more follow; page on with After set to the last ID the
// store returned, which is the last of the page when it is full. A zero
// Limit means org.DefaultPage, and more than org.MaxPage is cut.
func (s *Service) Complaints(ctx context.Context, dealer org.DealerID, actor org.Actor, q ComplaintQuery) ([]Complaint, error) {
	r, err := s.reader(ctx, dealer, actor, "list complaints", employeeRecordReaders...)
	if err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		return nil, &org.ValidationError{Op: "servicedesk: list complaints", Fields: []org.FieldError{{Path: "limit", Code: org.CodeRange, Message: "must not be negative"}}}
	}
	if q.Limit == 0 {
		q.Limit = org.DefaultPage
	}
	q.Limit = min(q.Limit, org.MaxPage)
	cs, err := s.store.Complaints(ctx, dealer, q)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: list complaints: %w", err)
	}
	return r.complaints(ctx, cs)
}

// OverdueComplaints returns every complaint still open or under
// investigation past its due time (R4.4) that actor may read (see
// [Service.Complaint]), the most overdue first.
func (s *Service) OverdueComplaints(ctx context.Context, dealer org.DealerID, actor org.Actor) ([]Complaint, error) {
	r, err := s.reader(ctx, dealer, actor, "overdue complaints", employeeRecordReaders...)
	if err != nil {
		return nil, err
	}
	now := org.Now(s.clock)
	out := []Complaint{}
	for _, state := range []ComplaintState{ComplaintOpen, ComplaintInvestigating} {
		all, err := s.allComplaints(ctx, dealer, ComplaintQuery{State: state})
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if c.Overdue(now) {
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(a, b Complaint) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	return r.complaints(ctx, out)
}

// allComplaints pages through every complaint q selects.
func (s *Service) allComplaints(ctx context.Context, dealer org.DealerID, q ComplaintQuery) ([]Complaint, error) {
	q.Limit = org.MaxPage
	var all []Complaint
	for {
		page, err := s.store.Complaints(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: list complaints: %w", err)
		}
		all = append(all, page...)
		if len(page) < q.Limit {
			return all, nil
		}
		q.After = page[len(page)-1].ID
	}
}
