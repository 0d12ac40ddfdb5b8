package orgtest_test

// The store kit_test.go bends: over, memstore with some methods replaced.

import (
	"context"
	"slices"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one. Every method passes through the
// Hooks the generic stores of kitcheck bend.
type over struct {
	*memstore.Store
	h kitcheck.Hooks[org.Store, org.Change]

	dealer    func(ctx context.Context, id org.DealerID) (org.Dealer, error)
	employee  func(ctx context.Context, d org.DealerID, id org.EmployeeID) (org.Employee, error)
	employees func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error)
	move      func(ctx context.Context, d org.DealerID, id org.MoveID) (org.CareerMove, error)
	moves     func(ctx context.Context, d org.DealerID, emp org.EmployeeID) ([]org.CareerMove, error)
	events    func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit    func(ctx context.Context, d org.DealerID, c org.Change) error
}

var _ org.Store = (*over)(nil)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() org.Store {
	return func() org.Store {
		s := memstore.New()
		o := &over{Store: s, h: kitcheck.Hooks[org.Store, org.Change]{Base: s}}
		o.dealer, o.employee, o.employees, o.move, o.moves = s.Dealer, s.Employee, s.Employees, s.Move, s.Moves
		o.events, o.commit = s.Events, s.Commit
		fn(o)
		return o
	}
}

// hooked is the opener of the generic stores of kitcheck.
func hooked(fn func(h *kitcheck.Hooks[org.Store, org.Change])) func() org.Store {
	return bend(func(o *over) { fn(&o.h) })
}

func (o *over) Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error) {
	return kitcheck.ByKey(&o.h, id, func(id org.DealerID) (org.Dealer, error) { return o.dealer(ctx, id) })
}

func (o *over) Employee(ctx context.Context, d org.DealerID, id org.EmployeeID) (org.Employee, error) {
	return kitcheck.ByKey(&o.h, id, func(id org.EmployeeID) (org.Employee, error) { return o.employee(ctx, d, id) })
}

func (o *over) Employees(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
	return kitcheck.List(&o.h, "Employees", d, func(d org.DealerID) ([]org.Employee, error) { return o.employees(ctx, d, q) })
}

func (o *over) Move(ctx context.Context, d org.DealerID, id org.MoveID) (org.CareerMove, error) {
	return kitcheck.ByKey(&o.h, id, func(id org.MoveID) (org.CareerMove, error) { return o.move(ctx, d, id) })
}

func (o *over) Moves(ctx context.Context, d org.DealerID, emp org.EmployeeID) ([]org.CareerMove, error) {
	return kitcheck.List(&o.h, "Moves", d, func(d org.DealerID) ([]org.CareerMove, error) { return o.moves(ctx, d, emp) })
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.h.Events(d, after, limit, func(d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return o.events(ctx, d, after, limit)
	})
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c org.Change) error {
	return kitcheck.Committed(&o.h, ctx, d, c, o.commit)
}

// bendCommit returns an opener of memstore whose Commit writes fn(c), c a
// copy of the caller's change.
func bendCommit(fn func(org.Change) org.Change) func() org.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
			return o.Store.Commit(ctx, d, fn(kitcheck.DeepCopy(c)))
		}
	})
}

// bendQuery bends the EmployeeQuery Employees is given.
func bendQuery(fn func(q *org.EmployeeQuery)) func() org.Store {
	return bend(func(o *over) {
		o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
			fn(&q)
			return o.Store.Employees(ctx, d, q)
		}
	})
}

// bendDealer returns an opener of memstore whose Commit writes the dealer
// record at the version rule says (it answers the version to write, and
// whether to write it so): the dealer record's version flaws, the other
// kinds keeping the rule.
func bendDealer(rule func(v, stored int64, exists bool) (int64, bool)) func() org.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
			if c.Dealer != nil {
				cur, err := o.Store.Dealer(ctx, c.Dealer.ID)
				if v, ok := rule(c.Dealer.Version, cur.Version, err == nil); ok {
					dl := *c.Dealer
					dl.Version = v
					c.Dealer = &dl
				}
			}
			return o.Store.Commit(ctx, d, c)
		}
	})
}

// withEmployees returns a copy of c with fn applied to each employee; c and
// its records are untouched, since the checks compare against them.
func withEmployees(c org.Change, fn func(*org.Employee)) org.Change {
	c.Employees = slices.Clone(c.Employees)
	for i := range c.Employees {
		fn(&c.Employees[i])
	}
	return c
}

// withMoves returns a copy of c with fn applied to each career move.
func withMoves(c org.Change, fn func(*org.CareerMove)) org.Change {
	c.Moves = slices.Clone(c.Moves)
	for i := range c.Moves {
		fn(&c.Moves[i])
	}
	return c
}
