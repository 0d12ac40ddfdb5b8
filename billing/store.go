package billing

import (
	"context"
	"time"

	"github.com/servicelane/servicelane/org"
)

// DocumentQuery selects documents of one dealer, ordered by ID.
type DocumentQuery struct {
	WorkOrder    string       `json:"work_order,omitempty"` // only this work order's, when set
	Kind         DocumentKind `json:"kind,omitempty"`       // only this kind, when set
	IssuedFrom   time.Time    `json:"issued_from,omitzero"` // [from, before); zero: unbounded
	IssuedBefore time.Time    `json:"issued_before,omitzero"`
	After        DocumentID   `json:"after,omitempty"`
	Limit        int          `json:"limit,omitempty"`
}

// SettlementQuery selects settlements of one dealer, ordered by Key.
type SettlementQuery struct {
	Advisor       org.EmployeeID `json:"advisor,omitempty"`
	SettledFrom   time.Time      `json:"settled_from,omitzero"`
	SettledBefore time.Time      `json:"settled_before,omitzero"`
	After         string         `json:"after,omitempty"`
	Limit         int            `json:"limit,omitempty"`
}

// Change is everything one billing command writes, atomically. The
// servicedesk package embeds it in its own Change, so that a work order
// moves to settled in the same commit that issues its documents.
type Change struct {
	PriceBooks  []StoredPriceBook
	Settlements []Settlement
	Documents   []Document
	Series      []Series
	Events      []org.Event
}

// Empty reports whether c writes nothing.
func (c Change) Empty() bool {
	return len(c.PriceBooks)+len(c.Settlements)+len(c.Documents)+len(c.Series)+len(c.Events) == 0
}

// Store persists price books, settlements, documents and numbering series.
// The host implements it; billingtest.TestStore checks it. It only
// persists: every rule is in [Service]. The version rule, tenancy, copies,
// amounts, instants and context are as in [org.Store]: Version 1 creates
// (ErrConflict if it exists), Version n replaces stored n-1 (else
// ErrConflict); a record of another dealer makes Commit fail with
// ErrInvalid. Keys: a price book by its Book.Version, a settlement by Key,
// a document by ID, a series by Name.
type Store interface {
	// PriceBook returns one stored version, or ErrNotFound.
	PriceBook(ctx context.Context, dealer org.DealerID, version string) (StoredPriceBook, error)
	// ActivePriceBook returns the version marked Active, or ErrNotFound.
	ActivePriceBook(ctx context.Context, dealer org.DealerID) (StoredPriceBook, error)
	// Settlement returns the settlement with an idempotency key, or
	// ErrNotFound.
	Settlement(ctx context.Context, dealer org.DealerID, key string) (Settlement, error)
	// Settlements returns the settlements q selects, ordered by Key.
	Settlements(ctx context.Context, dealer org.DealerID, q SettlementQuery) ([]Settlement, error)
	// Document returns one document, or ErrNotFound.
	Document(ctx context.Context, dealer org.DealerID, id DocumentID) (Document, error)
	// Documents returns the documents q selects, ordered by ID.
	Documents(ctx context.Context, dealer org.DealerID, q DocumentQuery) ([]Document, error)
	// Series returns a numbering series, or ErrNotFound before its first
	// document.
	Series(ctx context.Context, dealer org.DealerID, name string) (Series, error)
	// Commit writes c atomically: every record and event, or nothing.
	Commit(ctx context.Context, dealer org.DealerID, c Change) error
}
