package org

import (
	"context"
	"errors"
)

// Scope is what answers the one supervision scope: *Service, and every
// package's Roster interface, have it.
type Scope interface {
	AuthorizeOver(ctx context.Context, dealer DealerID, actor Actor, subject EmployeeID) (Employee, error)
}

// Sees reports whether actor, already authorised to read, sees what
// concerns employee (an appraisal result, a training report, a decision or
// an incident about them): the employee themself, their supervisor in the
// one supervision scope (R2.2, [Service.AuthorizeOver]), or an admin; never
// a peer, a supervisor of another department, or a technician about
// someone else. It is the one rule every package's reads apply
// (docs/AUTHORIZATION.md, "Reads: who sees what").
func Sees(ctx context.Context, scope Scope, dealer DealerID, actor Actor, employee EmployeeID) (bool, error) {
	switch {
	case actor.Role == RoleAdmin, actor.ID == employee:
		return true, nil
	case actor.Role != RoleSupervisor:
		return false, nil
	}
	_, err := scope.AuthorizeOver(ctx, dealer, actor, employee)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// Overseer is a Scope that answers [Sees] for a whole list at once: the
// employees a supervisor oversees, from one read of the roster. *Service
// and *Directory have it; [VisibleTo] uses it when the scope has it, and
// asks AuthorizeOver once per employee otherwise. Its answer must be what
// Sees answers employee by employee.
type Overseer interface {
	// Overseen returns the employees actor, an active supervisor, oversees
	// in the one supervision scope (R2.2), themself left out.
	Overseen(ctx context.Context, dealer DealerID, actor Actor) (map[EmployeeID]bool, error)
}

// VisibleTo keeps the items of xs about an employee actor [Sees], asking
// scope once per employee, or once in all when it is an [Overseer].
func VisibleTo[T any](ctx context.Context, scope Scope, dealer DealerID, actor Actor, xs []T, about func(T) EmployeeID) ([]T, error) {
	seen := map[EmployeeID]bool{}
	if o, ok := scope.(Overseer); ok && actor.Role == RoleSupervisor && len(xs) > 1 {
		over, err := o.Overseen(ctx, dealer, actor)
		switch {
		case errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound):
			over = nil // not an active supervisor: sees only what is about themself
		case err != nil:
			return nil, err
		}
		for e := range over {
			seen[e] = true
		}
		for _, x := range xs {
			if e := about(x); !seen[e] {
				seen[e] = e == actor.ID
			}
		}
	}
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		e := about(x)
		ok, known := seen[e]
		if !known {
			var err error
			if ok, err = Sees(ctx, scope, dealer, actor, e); err != nil {
				return nil, err
			}
			seen[e] = ok
		}
		if ok {
			out = append(out, x)
		}
	}
	return out, nil
}
