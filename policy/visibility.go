package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// reader checks that actor, in one of roles, may read from the dealer: an
// admin, or active on the dealer's roster in the role claimed. A stranger
// and an actor of another dealer are refused with ErrForbidden.
func (s *Service) reader(ctx context.Context, dealer org.DealerID, actor org.Actor, op string, roles ...org.Role) error {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return fmt.Errorf("policy: %s: %w", op, err)
	}
	return nil
}

// sees reports whether actor, already authorised by reader, sees what
// concerns employee: the employee themself (their own only), their
// supervisor in the one supervision scope (R2.2, [org.Service.AuthorizeOver]),
// or an admin. Never a peer, a supervisor of another department, or a
// technician about someone else.
func (s *Service) sees(ctx context.Context, dealer org.DealerID, actor org.Actor, employee org.EmployeeID) (bool, error) {
	if actor.Role == org.RoleAdmin {
		return true, nil
	}
	if actor.ID == employee {
		return true, nil
	}
	if actor.Role != org.RoleSupervisor {
		return false, nil
	}
	_, err := s.roster.AuthorizeOver(ctx, dealer, actor, employee)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// visibleTo keeps the items of xs about an employee actor sees, asking the
// roster once per employee.
func visibleTo[T any](ctx context.Context, s *Service, dealer org.DealerID, actor org.Actor, xs []T, about func(T) org.EmployeeID) ([]T, error) {
	seen := map[org.EmployeeID]bool{}
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		e := about(x)
		ok, known := seen[e]
		if !known {
			var err error
			if ok, err = s.sees(ctx, dealer, actor, e); err != nil {
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

// notTheirs is the refusal of a read about employee that actor may not see.
func notTheirs(op string, actor org.Actor, employee org.EmployeeID) error {
	return fmt.Errorf("policy: %s: %s may not see what concerns %s (R2.2): %w", op, actor, employee, ErrForbidden)
}

// Roles that read.
var (
	onRoster    = []org.Role{org.RoleAdvisor, org.RoleSupervisor, org.RoleTechnician, org.RoleAdmin}
	supervisors = []org.Role{org.RoleSupervisor, org.RoleAdmin}
)
