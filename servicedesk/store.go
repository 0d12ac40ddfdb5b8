package servicedesk

import (
	"context"
	"slices"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// Slot is one booked stretch of a technician's day.
type Slot struct {
	WorkOrder WorkOrderID `json:"work_order"`
	Start     time.Time   `json:"start"`
	End       time.Time   `json:"end"`
}

// CalendarDay is one technician's bookings on one local day of the dealer.
// Every booking writes it with its version, so two bookings racing for the
// same technician's day cannot both land: the calendar never double-books.
type CalendarDay struct {
	DealerID   org.DealerID   `json:"dealer_id"`
	Technician org.EmployeeID `json:"technician"`
	// Day is the dealer-local date, "2026-11-02".
	Day     string `json:"day"`
	Slots   []Slot `json:"slots"`
	Version int64  `json:"version"`
}

// Clone returns a copy of c sharing no memory with it.
func (c CalendarDay) Clone() CalendarDay {
	c.Slots = slices.Clone(c.Slots)
	return c
}

// WorkOrderQuery selects work orders of one dealer, ordered by ID.
type WorkOrderQuery struct {
	State   State          `json:"state,omitempty"`   // only this state, when set
	Advisor org.EmployeeID `json:"advisor,omitempty"` // only this advisor's, when set
	// OpenedFrom and OpenedBefore bound OpenedAt: [from, before). Zero
	// means unbounded.
	OpenedFrom   time.Time   `json:"opened_from,omitzero"`
	OpenedBefore time.Time   `json:"opened_before,omitzero"`
	After        WorkOrderID `json:"after,omitempty"`
	Limit        int         `json:"limit,omitempty"`
}

// Change is everything one servicedesk command writes, atomically.
type Change struct {
	WorkOrders []WorkOrder
	Calendar   []CalendarDay
	Complaints []Complaint
	Surveys    []Survey
	Events     []org.Event
	// Redactions rewrite stored events of the dealer (see [org.Redaction]):
	// only [Service.EraseCustomer] sets it. A Store applies each in the
	// same transaction, or fails the commit with ErrInvalid when the
	// dealer has no event with that Seq and subject.
	Redactions []org.Redaction
	// Billing is written in the same commit: settling a work order issues
	// its documents and moves it to settled in one step (R3.4). A Store
	// writes it under the rules of billing.Store.Commit.
	Billing billing.Change
}

// Store persists work orders, technician calendars, complaints and surveys.
// The host implements it; servicedesktest.TestStore checks it. It only
// persists: every rule is in [Service]. The version rule, tenancy, copies,
// amounts, instants and context are as in [org.Store]: Version 1 creates
// (ErrConflict if it exists), Version n replaces stored n-1 (else
// ErrConflict); a record of another dealer makes Commit fail with ErrInvalid.
type Store interface {
	// WorkOrder returns one work order, or ErrNotFound.
	WorkOrder(ctx context.Context, dealer org.DealerID, id WorkOrderID) (WorkOrder, error)
	// WorkOrders returns the orders q selects, ordered by ID, at most q.Limit.
	WorkOrders(ctx context.Context, dealer org.DealerID, q WorkOrderQuery) ([]WorkOrder, error)
	// CalendarDay returns a technician's day, or ErrNotFound when nothing
	// was ever booked on it.
	CalendarDay(ctx context.Context, dealer org.DealerID, tech org.EmployeeID, day string) (CalendarDay, error)
	// Complaint returns one complaint, or ErrNotFound.
	Complaint(ctx context.Context, dealer org.DealerID, id ComplaintID) (Complaint, error)
	// Complaints returns the complaints q selects, ordered by ID.
	Complaints(ctx context.Context, dealer org.DealerID, q ComplaintQuery) ([]Complaint, error)
	// Survey returns the survey answer of a work order, or ErrNotFound.
	Survey(ctx context.Context, dealer org.DealerID, wo WorkOrderID) (Survey, error)
	// Surveys returns the answers q selects, ordered by work order ID.
	Surveys(ctx context.Context, dealer org.DealerID, q SurveyQuery) ([]Survey, error)
	// Events returns the dealer's audit events after a cursor, as
	// [org.Store.Events] does: servicedesk and org share one audit trail.
	Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error)
	// Commit writes c atomically: every record and event, or nothing.
	Commit(ctx context.Context, dealer org.DealerID, c Change) error
}

// SubjectEvents is an optional speed-up a Store may offer: the events of
// one subject ("workorder/wo-7") in Seq order. Without it, the Service
// scans the dealer's events.
type SubjectEvents interface {
	SubjectEvents(ctx context.Context, dealer org.DealerID, subject string) ([]org.Event, error)
}
