package training

import (
	"context"

	"github.com/servicelane/servicelane/org"
)

// Change is everything one training command writes, atomically.
type Change struct {
	Plans    []Plan
	Sessions []Session
	Progress []Progress
	Careers  []Career
	Events   []org.Event
}

// Store persists training plans, sessions, progress and careers. The host
// implements it; the rules are in [Service]. The version rule, tenancy,
// copies, amounts, instants and context are as in [org.Store]: a record
// reads back as written except that every instant is in UTC to the
// microsecond, decimals keep their value exactly (scores carry up to 16
// places), a list with no match is empty, never nil, and a Change naming
// one record twice is refused with ErrConflict. Keys: a plan by year; a
// session by ID; a progress by Key() (year, course, employee); a career by
// employee. The kit training/trainingtest proves an implementation.
type Store interface {
	// Plan returns the plan of a year, or ErrNotFound.
	Plan(ctx context.Context, dealer org.DealerID, year int) (Plan, error)
	// Session returns a session, or ErrNotFound.
	Session(ctx context.Context, dealer org.DealerID, id string) (Session, error)
	// Sessions returns a year's sessions, ordered by start, then ID.
	Sessions(ctx context.Context, dealer org.DealerID, year int) ([]Session, error)
	// Progress returns a year's progress records of employee (all when
	// empty), ordered by Key.
	Progress(ctx context.Context, dealer org.DealerID, year int, employee org.EmployeeID) ([]Progress, error)
	// Career returns an employee's career record, or ErrNotFound.
	Career(ctx context.Context, dealer org.DealerID, employee org.EmployeeID) (Career, error)
	// Careers returns every career record, ordered by employee.
	Careers(ctx context.Context, dealer org.DealerID) ([]Career, error)
	// Commit writes c atomically: every record and event, or nothing.
	Commit(ctx context.Context, dealer org.DealerID, c Change) error
}
