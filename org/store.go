package org

import (
	"context"
	"encoding/json"
	"time"
)

// Event is one entry of a dealer's audit trail: what changed, who did it,
// when and why. Events are immutable once stored, but for one exception:
// the erasure of a customer's personal data ([Redaction]). They double as an outbox:
// a host reads them after a cursor ([Store.Events]) to send notices.
type Event struct {
	// Seq is assigned by the store on commit: strictly increasing within a
	// dealer, in commit order. Use the last Seq read as the next cursor.
	Seq      int64     `json:"seq"`
	DealerID DealerID  `json:"dealer_id"`
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Actor    Actor     `json:"actor"`
	// Type is "<aggregate>.<what happened>", such as "employee.added".
	Type string `json:"type"`
	// Subject is the record the event is about: "employee/e7".
	Subject string `json:"subject"`
	Reason  string `json:"reason,omitempty"`
	// Data is a JSON object with the details: for changes, "before" and
	// "after".
	Data json.RawMessage `json:"data,omitempty"`
}

// Redaction replaces the Data and Reason of one stored event and nothing
// else: the event keeps its Seq, ID, time, actor, type and subject. It is
// how erasing a customer's personal data (R7.2d) reaches the audit trail;
// nothing else writes one. Subject must be the stored event's subject: a
// redaction naming a Seq the dealer does not have, or one whose subject
// differs, makes the commit fail with ErrInvalid, so a wrong cursor never
// rewrites the wrong event.
type Redaction struct {
	Seq     int64           `json:"seq"`
	Subject string          `json:"subject"`
	Reason  string          `json:"reason,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// EmployeeQuery selects employees of one dealer. Results are ordered by ID
// (byte order) so that a page ends where the next begins.
type EmployeeQuery struct {
	Role       Role       `json:"role,omitempty"`       // only this role, when set
	Department Department `json:"department,omitempty"` // only this department, when set
	// IncludeInactive also returns deactivated employees.
	IncludeInactive bool `json:"include_inactive,omitempty"`
	// After returns only IDs greater than After: the last ID of the
	// previous page.
	After EmployeeID `json:"after,omitempty"`
	// Limit is the most employees returned; services always pass 1 to 1000.
	Limit int `json:"limit,omitempty"`
}

// Change is everything one command writes: the store applies all of it, or
// none of it.
type Change struct {
	// Dealer, when set, is written with the version rule below.
	Dealer *Dealer
	// Employees are written with the version rule below.
	Employees []Employee
	// Moves are career moves (R5.5), written with the version rule below.
	Moves []CareerMove
	// Events are appended; the store assigns their Seq.
	Events []Event
}

// Store persists dealers, their rosters and their audit trails. The host
// implements it (store/memstore and store/sqlstore ship with servicelane);
// orgtest.TestStore checks an implementation against this contract.
//
// A Store only persists: every rule lives in [Service]. Every method is
// scoped by dealer, and no call for one dealer reads or changes another's
// records. Implementations must be safe for concurrent use, and return
// ctx.Err() (wrapped or not) when ctx is done before they finish.
type Store interface {
	// Dealer returns the dealer, or ErrNotFound.
	Dealer(ctx context.Context, id DealerID) (Dealer, error)

	// Employee returns one employee of dealer, or ErrNotFound (also when
	// the ID exists only for another dealer). The result shares no memory
	// with the store.
	Employee(ctx context.Context, dealer DealerID, id EmployeeID) (Employee, error)

	// Employees returns the employees of dealer that q selects, ordered by
	// ID, at most q.Limit of them. No match is an empty result, not an error.
	Employees(ctx context.Context, dealer DealerID, q EmployeeQuery) ([]Employee, error)

	// Move returns one career move of dealer, or ErrNotFound (also when
	// the ID exists only for another dealer).
	Move(ctx context.Context, dealer DealerID, id MoveID) (CareerMove, error)

	// Moves returns the career moves of dealer about employee, oldest
	// first: by CreatedAt, then by ID in byte order. None is an empty
	// result, not an error.
	Moves(ctx context.Context, dealer DealerID, employee EmployeeID) ([]CareerMove, error)

	// Events returns the events of dealer with Seq > after, ordered by Seq,
	// at most limit (1 to 1000) of them.
	Events(ctx context.Context, dealer DealerID, after int64, limit int) ([]Event, error)

	// Commit writes c atomically: every record and event, or nothing.
	//
	// Every record's dealer (Dealer.ID, Employee.DealerID,
	// CareerMove.DealerID, Event.DealerID)
	// must equal dealer, or Commit returns an error matching ErrInvalid.
	// Each record carries its new Version: Version 1 creates the record and
	// fails with ErrConflict if it exists; Version n > 1 replaces the stored
	// record only if the stored Version is n-1, and otherwise (stale, or
	// missing) fails with ErrConflict. Amounts are stored exactly: at least
	// 20 digits before the point and 4 after. Instants keep microseconds
	// and read back in UTC. Event Data reads back byte for byte (store it
	// as text, not as a JSON type that reformats it). A Change names each
	// record at most once; one named twice fails with ErrConflict.
	Commit(ctx context.Context, dealer DealerID, c Change) error
}
