package org

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"
)

// Who reads the roster (docs/AUTHORIZATION.md, "Reads: who sees what"):
//
//   - an admin (the host system), or an employee active on the dealer's
//     roster in the role they claim, in any role the service accepts (the
//     built-in ones and a dealer's own, [Config].Roles): colleagues need
//     each other's names, roles, departments and skills to hand work over.
//     Anyone else (a stranger, an actor of another dealer, an employee in a
//     role they do not hold) gets ErrForbidden before anything is read.
//   - an employee's contact data (Email, Phone) and pay (BonusBase) are
//     seen only by those [Sees] allows: the employee, their supervisor in
//     the one supervision scope (R2.2) and admins (R7.2d). Anyone else gets
//     the record with those fields blank ([Employee.Redacted]), as
//     servicedesk does with a customer's contact data.

// rosterReader authorises actor to read dealer's roster.
func (s *Service) rosterReader(ctx context.Context, dealer DealerID, actor Actor, op string) error {
	if _, err := s.Authorize(ctx, dealer, actor, append(s.Roles(), RoleAdmin)...); err != nil {
		return fmt.Errorf("org: %s: %w", op, err)
	}
	return nil
}

// Redacted returns a copy of e without what only those who [Sees] the
// employee may read: contact data and pay (R7.2d).
func (e Employee) Redacted() Employee {
	e = e.Clone()
	e.Email, e.Phone, e.BonusBase = "", "", decimal.Decimal{}
	return e
}

// shown returns es as actor may see them.
func (s *Service) shown(ctx context.Context, dealer DealerID, actor Actor, es []Employee) ([]Employee, error) {
	seen := map[EmployeeID]bool{}
	for i, e := range es {
		ok, known := seen[e.ID]
		if !known {
			var err error
			if ok, err = Sees(ctx, s, dealer, actor, e.ID); err != nil {
				return nil, err
			}
			seen[e.ID] = ok
		}
		if !ok {
			es[i] = e.Redacted()
		}
	}
	return es, nil
}

// Dealer returns the dealer, to an admin or anyone active on its roster;
// anyone else is ErrForbidden.
func (s *Service) Dealer(ctx context.Context, dealer DealerID, actor Actor) (Dealer, error) {
	if err := s.rosterReader(ctx, dealer, actor, "dealer"); err != nil {
		return Dealer{}, err
	}
	return s.Directory().Dealer(ctx, dealer)
}

// Employee returns one employee of dealer as actor may see them, or
// ErrNotFound.
func (s *Service) Employee(ctx context.Context, dealer DealerID, actor Actor, id EmployeeID) (Employee, error) {
	return s.one(ctx, dealer, actor, "employee", func() (Employee, error) { return s.Directory().Employee(ctx, dealer, id) })
}

// SupervisorOf returns who employee id reports to ([Directory.SupervisorOf]),
// as actor may see them.
func (s *Service) SupervisorOf(ctx context.Context, dealer DealerID, actor Actor, id EmployeeID) (Employee, error) {
	return s.one(ctx, dealer, actor, "supervisor of", func() (Employee, error) { return s.Directory().SupervisorOf(ctx, dealer, id) })
}

func (s *Service) one(ctx context.Context, dealer DealerID, actor Actor, op string, get func() (Employee, error)) (Employee, error) {
	if err := s.rosterReader(ctx, dealer, actor, op); err != nil {
		return Employee{}, err
	}
	e, err := get()
	if err != nil {
		return Employee{}, err
	}
	es, err := s.shown(ctx, dealer, actor, []Employee{e})
	if err != nil {
		return Employee{}, err
	}
	return es[0], nil
}

// Employees returns one page of dealer's employees as actor may see them
// (paging as [Directory.Employees]).
func (s *Service) Employees(ctx context.Context, dealer DealerID, actor Actor, q EmployeeQuery) ([]Employee, error) {
	return s.many(ctx, dealer, actor, "list employees", func() ([]Employee, error) { return s.Directory().Employees(ctx, dealer, q) })
}

// Roster returns every employee of dealer, active and not, ordered by ID,
// as actor may see them.
func (s *Service) Roster(ctx context.Context, dealer DealerID, actor Actor) ([]Employee, error) {
	return s.many(ctx, dealer, actor, "roster", func() ([]Employee, error) { return s.Directory().Roster(ctx, dealer) })
}

// Reports returns the active employees who report to supervisor, ordered
// by ID, as actor may see them.
func (s *Service) Reports(ctx context.Context, dealer DealerID, actor Actor, supervisor EmployeeID) ([]Employee, error) {
	return s.many(ctx, dealer, actor, "reports", func() ([]Employee, error) { return s.Directory().Reports(ctx, dealer, supervisor) })
}

func (s *Service) many(ctx context.Context, dealer DealerID, actor Actor, op string, list func() ([]Employee, error)) ([]Employee, error) {
	if err := s.rosterReader(ctx, dealer, actor, op); err != nil {
		return nil, err
	}
	es, err := list()
	if err != nil {
		return nil, err
	}
	return s.shown(ctx, dealer, actor, es)
}
