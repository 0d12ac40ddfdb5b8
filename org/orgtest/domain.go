package orgtest

import (
	"context"
	"fmt"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// The roster as the shared store rules see it (internal/kit): employees
// and career moves as record kinds, and the dealer record, which a dealer
// has one of. Every shared rule runs from internal/kit on them, and the
// not-found checks of both kinds and AmountsExact. The round trips of
// employees and career moves stay the kit's own (checks.go,
// checks_moves.go): they also prove that Employees lists an inactive
// employee and that Moves lists the moves oldest first, which the shared
// round trip, diffing only what a read lists, does not.

// domain declares org.Store to the shared rules. Its trail is its own
// Events.
func domain() *kit.Domain[org.Store, org.Change] {
	return &kit.Domain[org.Store, org.Change]{
		Kit:         "orgtest",
		Commit:      func(ctx context.Context, s org.Store, d org.DealerID, c org.Change) error { return s.Commit(ctx, d, c) },
		Events:      func(s org.Store) kit.EventReader { return s },
		EventsIn:    func(c *org.Change) *[]org.Event { return &c.Events },
		Event:       func(d org.DealerID, id string) org.Event { return event(d, id, "employee.added") },
		Kinds:       []kit.Kind[org.Store, org.Change]{employees, moves},
		Singles:     []kit.SingleKind[org.Store, org.Change]{dealers},
		Amounts:     amounts,
		AmountsRule: "amounts keep 20 digits before the point and 4 after exactly (12345678901234567.89, 12.50)",
	}
}

// shared returns the shared rules as the kit's Checks.
func shared() []Check {
	return kit.Bind(func(Features) *kit.Domain[org.Store, org.Change] { return domain() }, check)
}

var dealers = kit.DeclareSingle(kit.Single[org.Store, org.Change, org.Dealer]{
	Name:    "dealer record",
	Make:    dealer,
	Version: func(d *org.Dealer) *int64 { return &d.Version },
	Edit:    func(d *org.Dealer, s string) { d.Name = s },
	In:      func(c *org.Change) **org.Dealer { return &c.Dealer },
	Get:     func(ctx context.Context, s org.Store, d org.DealerID) (org.Dealer, error) { return s.Dealer(ctx, d) },
	Diff:    diffDealer,
})

// Employee n is an active one (employee); full, it is inactive with
// LeftAt, a supervisor and a bonus base of 20 digits (fullEmployee).
var employees = kit.Declare(kit.Record[org.Store, org.Change, org.Employee]{
	Label: "Employee", Name: "employee", KeyName: "ID",
	NotFound: "Employee returns ErrNotFound for an unknown employee",
	SetKey:   func(e *org.Employee, k string) { e.ID = org.EmployeeID(k) },
	Make:     func(d org.DealerID, n int) org.Employee { return employee(d, org.EmployeeID(fmt.Sprintf("e%d", n))) },
	Full: func(d org.DealerID, n int) org.Employee {
		return fullEmployee(d, org.EmployeeID(fmt.Sprintf("e%d", n)))
	},
	Key:     func(e org.Employee) string { return string(e.ID) },
	Version: func(e *org.Employee) *int64 { return &e.Version },
	Edit:    func(e *org.Employee, s string) { e.Name = s },
	In:      func(c *org.Change) *[]org.Employee { return &c.Employees },
	Get: func(ctx context.Context, s org.Store, d org.DealerID, e org.Employee) (org.Employee, error) {
		return s.Employee(ctx, d, e.ID)
	},
	Reads: []kit.Read[org.Store, org.Employee]{{Name: "Employees",
		Of: func(ctx context.Context, s org.Store, d org.DealerID, _ org.Employee) ([]org.Employee, error) {
			return s.Employees(ctx, d, org.EmployeeQuery{IncludeInactive: true, Limit: org.MaxPage})
		}}},
	All: func(ctx context.Context, s org.Store, d org.DealerID) ([]org.Employee, error) {
		return kit.Page("Employees of "+string(d), org.MaxPage, org.EmployeeID(""), func(e org.Employee) org.EmployeeID { return e.ID },
			func(after org.EmployeeID, limit int) ([]org.Employee, error) {
				return s.Employees(ctx, d, org.EmployeeQuery{IncludeInactive: true, After: after, Limit: limit})
			})
	},
	Diff: diffEmployee,
})

// The shared rules' career moves are all of employee e1.
var moves = kit.Declare(kit.Record[org.Store, org.Change, org.CareerMove]{
	Label: "Move", Name: "career move", KeyName: "ID",
	NotFound: "Move returns ErrNotFound for an unknown career move",
	SetKey:   func(m *org.CareerMove, k string) { m.ID = org.MoveID(k) },
	Make: func(d org.DealerID, n int) org.CareerMove {
		return move(d, org.MoveID(fmt.Sprintf("m%d", n)), "e1", t0.Add(time.Duration(n)*time.Minute))
	},
	Key:     func(m org.CareerMove) string { return string(m.ID) },
	Version: func(m *org.CareerMove) *int64 { return &m.Version },
	Edit:    func(m *org.CareerMove, s string) { m.Reason = s },
	In:      func(c *org.Change) *[]org.CareerMove { return &c.Moves },
	Get: func(ctx context.Context, s org.Store, d org.DealerID, m org.CareerMove) (org.CareerMove, error) {
		return s.Move(ctx, d, m.ID)
	},
	Reads: []kit.Read[org.Store, org.CareerMove]{{Name: "Moves of the employee",
		Of: func(ctx context.Context, s org.Store, d org.DealerID, m org.CareerMove) ([]org.CareerMove, error) {
			return s.Moves(ctx, d, m.Employee)
		}}},
	All: func(ctx context.Context, s org.Store, d org.DealerID) ([]org.CareerMove, error) {
		return s.Moves(ctx, d, "e1")
	},
	Diff: diffMove,
})
