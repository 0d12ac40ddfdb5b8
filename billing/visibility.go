package billing

import (
	"context"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// Who sees what of billing (docs/AUTHORIZATION.md, "Reads: who sees what").
// Every read first checks that the actor is an admin or active on the
// dealer's roster in the role claimed (a stranger, an actor of another
// dealer: ErrForbidden), then:
//
//   - price books: everyone on the roster;
//   - documents and settlements, which carry the customer's name and
//     payments (R7.2d): the order's advisor, the one who settled it,
//     supervisors and admins;
//   - settlement accuracy: supervisors and admins, an advisor only their
//     own row.
var (
	everyone      = []org.Role{org.RoleAdvisor, org.RoleSupervisor, org.RoleTechnician, org.RoleAdmin}
	desk          = []org.Role{org.RoleAdvisor, org.RoleSupervisor, org.RoleAdmin}
	seesAllOrders = map[org.Role]bool{org.RoleSupervisor: true, org.RoleAdmin: true}
)

// reader checks that actor, in one of roles, may read from the dealer.
func (s *Service) reader(ctx context.Context, dealer org.DealerID, actor org.Actor, op string, roles ...org.Role) error {
	if _, err := s.roster.Authorize(ctx, dealer, actor, roles...); err != nil {
		return fmt.Errorf("billing: %s: %w", op, err)
	}
	return nil
}

// seesOrder reports whether actor, already authorised, sees the customer's
// data of the order advisor handles that by settled.
func seesOrder(actor org.Actor, advisor org.EmployeeID, by org.Actor) bool {
	if seesAllOrders[actor.Role] {
		return true
	}
	return actor.Role == org.RoleAdvisor && (actor.ID == advisor || by == actor)
}

// seesAccuracy reports whether actor, already authorised, sees advisor's
// settlement accuracy.
func seesAccuracy(actor org.Actor, advisor org.EmployeeID) bool {
	return seesAllOrders[actor.Role] || actor.ID == advisor
}

func notYours(op string, actor org.Actor) error {
	return fmt.Errorf("billing: %s: %s sees only the documents of their own orders (R7.2d): %w", op, actor, ErrForbidden)
}
