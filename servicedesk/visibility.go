package servicedesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/org"
)

// Who may read what: the one place every read of [Service] asks
// (docs/AUTHORIZATION.md, "Reads: who sees what").
//
//   - Every read first checks the actor against the roster
//     ([Roster.Authorize]): an admin, or an employee active on the dealer's
//     roster in the role claimed, and a role the read allows. Anyone else
//     (a stranger, an actor of another dealer, a role without need) gets
//     ErrForbidden before anything is loaded, so a refused actor cannot
//     tell an order that exists from one that does not.
//   - Customer contact data (phone, e-mail, and the number or address of a
//     consent's evidence; never the name) is seen only by the order's
//     advisor, the advisor's supervisor ([Roster.AuthorizeOver]) and
//     admins (R7.2d). Anyone else gets the record with those fields blank,
//     and timeline events whose Data is only the state change.
//   - Complaints and surveys concern an employee (R2.2): the employee
//     concerned, their supervisor and admins see them; a complaint naming
//     no one is seen by the service advisor department's supervisor and
//     admins.
//   - Figures are appraisal input (R6): a supervisor sees the rows of the
//     employees in their supervision scope, an admin every row, an advisor
//     their own row.

var (
	// workOrderReaders may read work orders, timelines, month lists,
	// deferred work and calendars, and ask what they are permitted.
	workOrderReaders = []org.Role{org.RoleAdvisor, org.RoleSupervisor, org.RoleTechnician, org.RoleAdmin}
	// employeeRecordReaders may read complaints, surveys and figures,
	// each filtered to what concerns them.
	employeeRecordReaders = []org.Role{org.RoleAdvisor, org.RoleSupervisor, org.RoleAdmin}
)

// reader is an actor authorised to read, with the answers of the
// supervision scope it has asked already.
type reader struct {
	s      *Service
	dealer org.DealerID
	actor  org.Actor
	over   map[org.EmployeeID]bool
}

// reader checks actor against the roster for a read that roles may give.
func (s *Service) reader(ctx context.Context, dealer org.DealerID, actor org.Actor, op string, roles ...org.Role) (*reader, error) {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return nil, fmt.Errorf("servicedesk: %s: %w", op, err)
	}
	return &reader{s: s, dealer: dealer, actor: actor, over: map[org.EmployeeID]bool{}}, nil
}

func (r *reader) admin() bool { return r.actor.Role == org.RoleAdmin }

// mayRead reports whether the actor sees a record concerning employee e:
// as [org.Sees] says (e themself, their supervisor, an admin), asked once
// per employee; for e empty (a complaint naming no one, the department as a
// whole), the service advisor department's supervisor or an admin. Only a
// refusal or an unknown employee answers false; any other failure is
// returned.
func (r *reader) mayRead(ctx context.Context, e org.EmployeeID) (bool, error) {
	if ok, seen := r.over[e]; seen {
		return ok, nil
	}
	var (
		ok  bool
		err error
	)
	if e != "" {
		ok, err = org.Sees(ctx, r.s.roster, r.dealer, r.actor, e)
	} else {
		ok = r.admin()
		if !ok && r.actor.Role == org.RoleSupervisor {
			_, err = r.s.roster.AuthorizeDepartment(ctx, r.dealer, r.actor, org.DeptServiceAdvisor)
			ok = err == nil
			if errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
				err = nil
			}
		}
	}
	if err != nil {
		return false, err
	}
	r.over[e] = ok
	return ok, nil
}

// seesContact reports whether the actor sees the contact data of a
// customer served by advisor (R7.2d): the advisor, their supervisor, an
// admin.
func (r *reader) seesContact(ctx context.Context, advisor org.EmployeeID) (bool, error) {
	return r.mayRead(ctx, advisor)
}

// workOrder returns w as the actor may see it.
func (r *reader) workOrder(ctx context.Context, w WorkOrder) (WorkOrder, error) {
	ok, err := r.seesContact(ctx, w.Advisor)
	if err != nil || ok {
		return w, err
	}
	return w.redacted(), nil
}

// workOrders returns ws as the actor may see them.
func (r *reader) workOrders(ctx context.Context, ws []WorkOrder) ([]WorkOrder, error) {
	for i := range ws {
		w, err := r.workOrder(ctx, ws[i])
		if err != nil {
			return nil, err
		}
		ws[i] = w
	}
	return ws, nil
}

// complaints keeps the complaints the actor may read, as they may see
// them.
func (r *reader) complaints(ctx context.Context, cs []Complaint) ([]Complaint, error) {
	out := cs[:0]
	for _, c := range cs {
		ok, err := r.mayRead(ctx, c.Advisor)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if c, err = r.complaint(ctx, c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// complaint returns c, which the actor may read, as they may see it.
func (r *reader) complaint(ctx context.Context, c Complaint) (Complaint, error) {
	ok, err := r.seesContact(ctx, c.Advisor)
	if err != nil || ok {
		return c, err
	}
	c.Customer = c.Customer.Redacted()
	return c, nil
}

// surveys keeps the answers the actor may read.
func (r *reader) surveys(ctx context.Context, svs []Survey) ([]Survey, error) {
	out := svs[:0]
	for _, sv := range svs {
		ok, err := r.mayRead(ctx, sv.Advisor)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, sv)
		}
	}
	return out, nil
}

// figures keeps the rows the actor may read: an advisor's own, those of
// the employees a supervisor supervises, every row for an admin.
func (r *reader) figures(ctx context.Context, fs []AdvisorFigures) ([]AdvisorFigures, error) {
	out := fs[:0]
	for _, f := range fs {
		ok, err := r.mayRead(ctx, f.Advisor)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// timeline returns the events of the order of advisor as the actor may see
// them: for an actor who may not see the customer's contact, each event's
// Data is cut to the state change ({"from","to"}), since the input of
// reception, consent and the ready notice carries the customer's contact.
func (r *reader) timeline(ctx context.Context, advisor org.EmployeeID, evs []org.Event) ([]org.Event, error) {
	ok, err := r.seesContact(ctx, advisor)
	if err != nil || ok {
		return evs, err
	}
	out := make([]org.Event, len(evs))
	for i, e := range evs {
		e.Data = stateChangeOnly(e.Data)
		out[i] = e
	}
	return out, nil
}

// stateChangeOnly keeps the from and to of a work-order event's data, and
// nothing else; data that is no state change is dropped.
func stateChangeOnly(data json.RawMessage) json.RawMessage {
	var t struct {
		From State `json:"from"`
		To   State `json:"to"`
	}
	if json.Unmarshal(data, &t) != nil || (t.From == "" && t.To == "") {
		return nil
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return nil
	}
	return raw
}

// Redacted returns c without its contact data (phone and e-mail), which
// only the order's advisor, their supervisor and admins see (R7.2d); the
// name stays.
func (c Customer) Redacted() Customer {
	return Customer{Name: c.Name}
}

// redacted returns a copy of w without the customer's contact data: the
// customer's phone and e-mail, and the number or address of each
// consent's evidence.
func (w WorkOrder) redacted() WorkOrder {
	w.Customer = w.Customer.Redacted()
	w.Approvals = slices.Clone(w.Approvals)
	for i := range w.Approvals {
		w.Approvals[i].Evidence.Contact = ""
	}
	return w
}

// deferred returns the jobs as the actor may see them.
func (r *reader) deferred(ctx context.Context, advisor org.EmployeeID, jobs []DeferredJob) ([]DeferredJob, error) {
	ok, err := r.seesContact(ctx, advisor)
	if err != nil || ok {
		return jobs, err
	}
	for i := range jobs {
		jobs[i].Customer = jobs[i].Customer.Redacted()
	}
	return jobs, nil
}
