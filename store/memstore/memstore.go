// Package memstore keeps every servicelane storage interface in memory. It
// is safe for concurrent use and passes every conformance kit; use it in
// tests, examples and simulations. Nothing survives the process.
//
// A *Store is an org.Store; its views serve the other domain packages'
// interfaces ([Store.ServiceDesk]) on the same records and the same audit
// trail, so a use case that spans them sees one consistent state.
package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/servicelane/servicelane/org"
)

// Store is the in-memory store. The zero value is not usable; call New.
type Store struct {
	mu      sync.RWMutex
	dealers map[org.DealerID]*tenant
}

// tenant holds one dealer's records; nothing is shared across tenants.
type tenant struct {
	dealer    *org.Dealer
	employees map[org.EmployeeID]org.Employee
	moves     map[org.MoveID]org.CareerMove
	events    eventLog
	seq       int64
	desk      *desk
	ledger    *ledger
	review    *review
	training  *trainingRecords
	policy    *policyRecords
}

var _ org.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{dealers: map[org.DealerID]*tenant{}}
}

// tenantLocked returns dealer's records, creating them when create is set.
// The caller holds s.mu (for writing, when create is set).
func (s *Store) tenantLocked(dealer org.DealerID, create bool) *tenant {
	t := s.dealers[dealer]
	if t == nil && create {
		t = &tenant{employees: map[org.EmployeeID]org.Employee{}, moves: map[org.MoveID]org.CareerMove{}}
		s.dealers[dealer] = t
	}
	return t
}

// Dealer implements org.Store.
func (s *Store) Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error) {
	if err := ctx.Err(); err != nil {
		return org.Dealer{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenantLocked(id, false)
	if t == nil || t.dealer == nil {
		return org.Dealer{}, fmt.Errorf("memstore: dealer %s: %w", id, org.ErrNotFound)
	}
	return *t.dealer, nil
}

// Employee implements org.Store.
func (s *Store) Employee(ctx context.Context, dealer org.DealerID, id org.EmployeeID) (org.Employee, error) {
	if err := ctx.Err(); err != nil {
		return org.Employee{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t := s.tenantLocked(dealer, false); t != nil {
		if e, ok := t.employees[id]; ok {
			return e.Clone(), nil
		}
	}
	return org.Employee{}, fmt.Errorf("memstore: employee %s: %w", id, org.ErrNotFound)
}

// Employees implements org.Store.
func (s *Store) Employees(ctx context.Context, dealer org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenantLocked(dealer, false)
	if t == nil {
		return []org.Employee{}, nil
	}
	out := []org.Employee{}
	for _, e := range t.employees {
		if matches(e, q) {
			out = append(out, e.Clone())
		}
	}
	slices.SortFunc(out, func(a, b org.Employee) int { return compare(a.ID, b.ID) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func compare(a, b org.EmployeeID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func matches(e org.Employee, q org.EmployeeQuery) bool {
	return (q.Role == "" || e.Role == q.Role) &&
		(q.Department == "" || e.Department == q.Department) &&
		(q.IncludeInactive || e.Active) &&
		e.ID > q.After
}

// Move implements org.Store.
func (s *Store) Move(ctx context.Context, dealer org.DealerID, id org.MoveID) (org.CareerMove, error) {
	if err := ctx.Err(); err != nil {
		return org.CareerMove{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t := s.tenantLocked(dealer, false); t != nil {
		if m, ok := t.moves[id]; ok {
			return m.Clone(), nil
		}
	}
	return org.CareerMove{}, fmt.Errorf("memstore: career move %s: %w", id, org.ErrNotFound)
}

// Moves implements org.Store.
func (s *Store) Moves(ctx context.Context, dealer org.DealerID, employee org.EmployeeID) ([]org.CareerMove, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []org.CareerMove{}
	t := s.tenantLocked(dealer, false)
	if t == nil {
		return out, nil
	}
	for _, m := range t.moves {
		if m.Employee == employee {
			out = append(out, m.Clone())
		}
	}
	slices.SortFunc(out, func(a, b org.CareerMove) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out, nil
}

// Events implements org.Store.
func (s *Store) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tenantLocked(dealer, false)
	if t == nil {
		return []org.Event{}, nil
	}
	return t.events.after(after, limit), nil
}

// Commit implements org.Store.
func (s *Store) Commit(ctx context.Context, dealer org.DealerID, c org.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkTenant(dealer, c); err != nil {
		return err
	}
	if err := noRepeats("employee", keysOf(c.Employees, func(e org.Employee) string { return string(e.ID) })...); err != nil {
		return err
	}
	if err := noRepeats("career move", keysOf(c.Moves, func(m org.CareerMove) string { return string(m.ID) })...); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenantLocked(dealer, false)
	// Check every precondition before writing anything: all or nothing.
	if c.Dealer != nil {
		var cur *org.Dealer
		if t != nil {
			cur = t.dealer
		}
		if err := checkVersion("dealer "+string(dealer), c.Dealer.Version, cur != nil, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, e := range c.Employees {
		var cur org.Employee
		var ok bool
		if t != nil {
			cur, ok = t.employees[e.ID]
		}
		if err := checkVersion("employee "+string(e.ID), e.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, m := range c.Moves {
		var cur org.CareerMove
		var ok bool
		if t != nil {
			cur, ok = t.moves[m.ID]
		}
		if err := checkVersion("career move "+string(m.ID), m.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	t = s.tenantLocked(dealer, true)
	if c.Dealer != nil {
		d := *c.Dealer
		t.dealer = &d
	}
	for _, e := range c.Employees {
		t.employees[e.ID] = e.Clone()
	}
	for _, m := range c.Moves {
		t.moves[m.ID] = m.Clone()
	}
	t.appendEvents(c.Events)
	return nil
}

func checkTenant(dealer org.DealerID, c org.Change) error {
	bad := func(what string, got org.DealerID) error {
		return fmt.Errorf("memstore: commit for dealer %s holds %s of dealer %s: %w", dealer, what, got, org.ErrInvalid)
	}
	if c.Dealer != nil && c.Dealer.ID != dealer {
		return bad("the dealer record", c.Dealer.ID)
	}
	for _, e := range c.Employees {
		if e.DealerID != dealer {
			return bad("employee "+string(e.ID), e.DealerID)
		}
	}
	for _, m := range c.Moves {
		if m.DealerID != dealer {
			return bad("career move "+string(m.ID), m.DealerID)
		}
	}
	for _, ev := range c.Events {
		if ev.DealerID != dealer {
			return bad("event "+ev.ID, ev.DealerID)
		}
	}
	return nil
}

// versionOK reports whether writing version passes checkVersion, without
// building the message of its error.
func versionOK(version int64, exists bool, current func() int64) bool {
	if version == 1 {
		return !exists
	}
	return version > 1 && exists && current() == version-1
}

// checkVersion applies the rule of org.Store.Commit: version 1 creates,
// version n replaces n-1.
func checkVersion(what string, version int64, exists bool, current func() int64) error {
	switch {
	case version < 1:
		return fmt.Errorf("memstore: %s: version %d: %w", what, version, org.ErrInvalid)
	case version == 1 && exists:
		return fmt.Errorf("memstore: %s exists: %w", what, org.ErrConflict)
	case version > 1 && !exists:
		return fmt.Errorf("memstore: %s: no version %d to replace: %w", what, version-1, org.ErrConflict)
	case version > 1 && current() != version-1:
		return fmt.Errorf("memstore: %s: stored version %d, writing %d: %w", what, current(), version, org.ErrConflict)
	}
	return nil
}
