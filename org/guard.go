package org

import (
	"context"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// guarded is the Service's view of its Store: an ID no record can have
// (not UTF-8, with a NUL or a control character, or over 255 bytes) is not
// found, without asking the store. So a made-up or corrupt dealer,
// employee or move ID gets the same answer from every store, where
// PostgreSQL would refuse the bytes with a driver error and SQLite look
// them up (docs/CONVENTIONS.md, "Text").
type guarded struct{ Store }

// StorableID reports whether id could be the ID of a stored record: valid
// UTF-8, no NUL or other control character, at most 255 bytes. Every
// package's reads answer "not found" for an ID that is not, without asking
// its store, so the answer is the same on every store.
func StorableID(id string) bool {
	if len(id) > 255 || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func notFound(kind, id string) error {
	return fmt.Errorf("org: %s %q: no such ID: %w", kind, id, ErrNotFound)
}

func (g guarded) Dealer(ctx context.Context, id DealerID) (Dealer, error) {
	if !StorableID(string(id)) {
		return Dealer{}, notFound("dealer", string(id))
	}
	return g.Store.Dealer(ctx, id)
}

func (g guarded) Employee(ctx context.Context, dealer DealerID, id EmployeeID) (Employee, error) {
	switch {
	case !StorableID(string(dealer)):
		return Employee{}, notFound("dealer", string(dealer))
	case !StorableID(string(id)):
		return Employee{}, notFound("employee", string(id))
	}
	return g.Store.Employee(ctx, dealer, id)
}

func (g guarded) Employees(ctx context.Context, dealer DealerID, q EmployeeQuery) ([]Employee, error) {
	if !StorableID(string(dealer)) {
		return nil, notFound("dealer", string(dealer))
	}
	return g.Store.Employees(ctx, dealer, q)
}

func (g guarded) Move(ctx context.Context, dealer DealerID, id MoveID) (CareerMove, error) {
	switch {
	case !StorableID(string(dealer)):
		return CareerMove{}, notFound("dealer", string(dealer))
	case !StorableID(string(id)):
		return CareerMove{}, notFound("career move", string(id))
	}
	return g.Store.Move(ctx, dealer, id)
}

func (g guarded) Moves(ctx context.Context, dealer DealerID, employee EmployeeID) ([]CareerMove, error) {
	if !StorableID(string(dealer)) {
		return nil, notFound("dealer", string(dealer))
	}
	if employee != "" && !StorableID(string(employee)) {
		return []CareerMove{}, nil
	}
	return g.Store.Moves(ctx, dealer, employee)
}

func (g guarded) Events(ctx context.Context, dealer DealerID, after int64, limit int) ([]Event, error) {
	if !StorableID(string(dealer)) {
		return nil, notFound("dealer", string(dealer))
	}
	return g.Store.Events(ctx, dealer, after, limit)
}

func (g guarded) Commit(ctx context.Context, dealer DealerID, c Change) error {
	if !StorableID(string(dealer)) {
		return notFound("dealer", string(dealer))
	}
	return g.Store.Commit(ctx, dealer, c)
}
