package org

import (
	"context"
	"fmt"
)

// Directory is the roster as the SDK's own services look it up: every
// package's Roster interface (servicedesk, billing, appraisal, training,
// policy) is satisfied by it, so a host wires
//
//	desk, err := servicedesk.NewService(servicedesk.Config{Roster: orgs.Directory(), ...})
//
// Its lookups check no actor: the service that calls them has authorised
// its own actor first, and needs the whole record (a technician's skills,
// an advisor's bonus base) to apply a rule. It is plumbing, not an API to
// serve to people: a host answering a user reads the roster through
// [Service.Employee], [Service.Employees], [Service.Dealer],
// [Service.SupervisorOf] and [Service.Reports], which take the actor and
// show each record as docs/AUTHORIZATION.md says.
type Directory struct{ s *Service }

// Directory returns the roster lookups the SDK's services call.
func (s *Service) Directory() *Directory { return &Directory{s: s} }

// Authorize is [Service.Authorize].
func (d *Directory) Authorize(ctx context.Context, dealer DealerID, actor Actor, roles ...Role) (Employee, error) {
	return d.s.Authorize(ctx, dealer, actor, roles...)
}

// AuthorizeOver is [Service.AuthorizeOver], the one supervision scope.
func (d *Directory) AuthorizeOver(ctx context.Context, dealer DealerID, actor Actor, subject EmployeeID) (Employee, error) {
	return d.s.AuthorizeOver(ctx, dealer, actor, subject)
}

// Overseen is [Service.Overseen]: [VisibleTo] asks it once per list.
func (d *Directory) Overseen(ctx context.Context, dealer DealerID, actor Actor) (map[EmployeeID]bool, error) {
	return d.s.Overseen(ctx, dealer, actor)
}

// AuthorizeDepartment is [Service.AuthorizeDepartment].
func (d *Directory) AuthorizeDepartment(ctx context.Context, dealer DealerID, actor Actor, dept Department) (Employee, error) {
	return d.s.AuthorizeDepartment(ctx, dealer, actor, dept)
}

// Dealer returns one dealer, or ErrNotFound.
func (d *Directory) Dealer(ctx context.Context, id DealerID) (Dealer, error) {
	dl, err := d.s.store.Dealer(ctx, id)
	if err != nil {
		return Dealer{}, fmt.Errorf("org: dealer %s: %w", id, err)
	}
	return dl, nil
}

// Employee returns one employee of dealer, or ErrNotFound.
func (d *Directory) Employee(ctx context.Context, dealer DealerID, id EmployeeID) (Employee, error) {
	e, err := d.s.store.Employee(ctx, dealer, id)
	if err != nil {
		return Employee{}, fmt.Errorf("org: employee %s of dealer %s: %w", id, dealer, err)
	}
	return e, nil
}

// Employees returns one page of a dealer's employees, ordered by ID. A zero
// Limit means DefaultPage; more than MaxPage is cut to MaxPage. Pass the last
// ID returned as the next query's After.
func (d *Directory) Employees(ctx context.Context, dealer DealerID, q EmployeeQuery) ([]Employee, error) {
	if q.Limit < 0 {
		return nil, &ValidationError{Op: "org: list employees", Fields: []FieldError{{Path: "limit", Code: CodeRange, Message: "must not be negative"}}}
	}
	if q.Limit == 0 {
		q.Limit = DefaultPage
	}
	q.Limit = min(q.Limit, MaxPage)
	es, err := d.s.store.Employees(ctx, dealer, q)
	if err != nil {
		return nil, fmt.Errorf("org: list employees of dealer %s: %w", dealer, err)
	}
	return es, nil
}

// Roster returns every employee of dealer, active and not, ordered by ID.
func (d *Directory) Roster(ctx context.Context, dealer DealerID) ([]Employee, error) {
	var all []Employee
	q := EmployeeQuery{IncludeInactive: true, Limit: MaxPage}
	for {
		page, err := d.s.store.Employees(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("org: roster of dealer %s: %w", dealer, err)
		}
		all = append(all, page...)
		if len(page) < q.Limit {
			return all, nil
		}
		q.After = page[len(page)-1].ID
	}
}

// SupervisorOf returns who employee id reports to: their SupervisorID when
// set, else the active supervisor of their department. A supervisor reports
// to no one unless their SupervisorID names someone. It returns ErrNotFound
// when there is none.
func (d *Directory) SupervisorOf(ctx context.Context, dealer DealerID, id EmployeeID) (Employee, error) {
	roster, err := d.Roster(ctx, dealer)
	if err != nil {
		return Employee{}, err
	}
	r := newRosterIndex(roster)
	e, ok := r.byID[id]
	if !ok {
		return Employee{}, fmt.Errorf("org: employee %s of dealer %s: %w", id, dealer, ErrNotFound)
	}
	if sup, ok := r.supervisorOf(e); ok {
		return sup, nil
	}
	return Employee{}, fmt.Errorf("org: supervisor of employee %s: %w", id, ErrNotFound)
}

// Reports returns the active employees who report to supervisor, ordered by ID.
func (d *Directory) Reports(ctx context.Context, dealer DealerID, supervisor EmployeeID) ([]Employee, error) {
	roster, err := d.Roster(ctx, dealer)
	if err != nil {
		return nil, err
	}
	r := newRosterIndex(roster)
	var out []Employee
	for _, e := range roster {
		if !e.Active || e.ID == supervisor {
			continue
		}
		if sup, ok := r.supervisorOf(e); ok && sup.ID == supervisor {
			out = append(out, e)
		}
	}
	return out, nil
}
