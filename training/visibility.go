package training

import (
	"context"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// reader checks that actor, in one of roles, may read from the dealer: an
// admin, or active on the dealer's roster in the role claimed. A stranger
// and an actor of another dealer are refused with ErrForbidden.
func (s *Service) reader(ctx context.Context, dealer org.DealerID, actor org.Actor, op string, roles ...org.Role) error {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return fmt.Errorf("training: %s: %w", op, err)
	}
	return nil
}

// notTheirs is the refusal of a read about employee that actor may not see.
func notTheirs(op string, actor org.Actor, employee org.EmployeeID) error {
	return fmt.Errorf("training: %s: %s may not see what concerns %s (R2.2): %w", op, actor, employee, ErrForbidden)
}

// Roles that read.
var (
	onRoster    = []org.Role{org.RoleAdvisor, org.RoleSupervisor, org.RoleTechnician, org.RoleAdmin}
	supervisors = []org.Role{org.RoleSupervisor, org.RoleAdmin}
)
