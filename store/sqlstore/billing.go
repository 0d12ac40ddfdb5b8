package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

var _ billing.Store = BillingStore{}

// BillingStore is the [billing.Store] view of a Store: the same database,
// and the same audit trail as the Store's other views, so events committed
// through any of them are numbered from one per-dealer counter. Like
// [DeskStore] it is a view because billing.Store has a Commit of its own.
//
// Price books, settlements and documents are stored whole as JSON
// documents (amounts as exact decimal strings, instants in UTC to the
// microsecond) beside the columns their reads filter on; a series is two
// numbers.
type BillingStore struct{ *Store }

// Billing returns the billing.Store view of s.
func (s *Store) Billing() BillingStore { return BillingStore{s} }

// PriceBook returns one stored version of dealer's price book, keyed by
// its Book.Version, or an error matching org.ErrNotFound.
func (b BillingStore) PriceBook(ctx context.Context, dealer org.DealerID, version string) (billing.StoredPriceBook, error) {
	pb, err := b.readPriceBook(ctx, `SELECT doc FROM price_books WHERE dealer_id = ? AND book_version = ?`, dealer, version)
	if err != nil {
		return billing.StoredPriceBook{}, fmt.Errorf("sqlstore: dealer %s: price book %s: %w", dealer, version, err)
	}
	return pb, nil
}

// ActivePriceBook returns the version of dealer's price book marked
// Active, or an error matching org.ErrNotFound when none is. A partial
// unique index keeps it to one.
func (b BillingStore) ActivePriceBook(ctx context.Context, dealer org.DealerID) (billing.StoredPriceBook, error) {
	pb, err := b.readPriceBook(ctx, `SELECT doc FROM price_books WHERE dealer_id = ? AND active`, dealer)
	if err != nil {
		return billing.StoredPriceBook{}, fmt.Errorf("sqlstore: dealer %s: active price book: %w", dealer, err)
	}
	return pb, nil
}

// readPriceBook reads the price book a query selects (its document), or
// returns an error matching org.ErrNotFound; classified (see [classify]).
//
// A price book is read at every settlement and every pricing, and its
// document is the largest one most commands decode. The Store keeps the
// last few it decoded beside their stored documents: a document the
// database returns byte for byte as one kept is not decoded again, and
// the caller gets a copy of the kept book (StoredPriceBook.Clone). The
// document is read every time, so what is returned is what is stored.
func (b BillingStore) readPriceBook(ctx context.Context, query string, args ...any) (billing.StoredPriceBook, error) {
	var doc string
	row, err := b.queryRow(ctx, query, args...)
	if err == nil {
		err = row.Scan(&doc)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return billing.StoredPriceBook{}, org.ErrNotFound
	}
	if err != nil {
		return billing.StoredPriceBook{}, classify(ctx, err)
	}
	if v, ok := b.queries.books.Load(doc); ok {
		return v.(*billing.StoredPriceBook).Clone(), nil
	}
	var pb billing.StoredPriceBook
	if err := decodeDoc(doc, &pb); err != nil {
		return billing.StoredPriceBook{}, classify(ctx, err)
	}
	if b.queries.nBooks.Add(1) > maxCachedBooks {
		// Forget them all rather than track which is oldest: books
		// change seldom, and the next reads keep what is in use again.
		b.queries.books.Clear()
		b.queries.nBooks.Store(1)
	}
	kept := pb.Clone()
	b.queries.books.Store(doc, &kept)
	return pb, nil
}

// maxCachedBooks bounds the price books a Store keeps decoded.
const maxCachedBooks = 64

// Settlement returns the settlement of dealer with an idempotency key, or
// an error matching org.ErrNotFound.
func (b BillingStore) Settlement(ctx context.Context, dealer org.DealerID, key string) (billing.Settlement, error) {
	st, err := readDoc[billing.Settlement](ctx, b.Store,
		`SELECT doc FROM settlements WHERE dealer_id = ? AND key = ?`, dealer, key)
	if err != nil {
		return billing.Settlement{}, fmt.Errorf("sqlstore: dealer %s: settlement %s: %w", dealer, key, err)
	}
	return st, nil
}

// Settlements returns the settlements of dealer that q selects, ordered by
// Key in byte order: at most q.Limit, or all when q.Limit is 0 or less.
func (b BillingStore) Settlements(ctx context.Context, dealer org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
	sel := newSelection("settlements", dealer)
	sel.greater("key", q.After)
	sel.equal("advisor", string(q.Advisor))
	sel.within(b.Store, "settled_at", q.SettledFrom, q.SettledBefore)
	out, err := readDocs[billing.Settlement](ctx, b.Store, sel, "key", q.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: settlements: %w", dealer, err)
	}
	return out, nil
}

// Document returns one issued document of dealer, or an error matching
// org.ErrNotFound.
func (b BillingStore) Document(ctx context.Context, dealer org.DealerID, id billing.DocumentID) (billing.Document, error) {
	doc, err := readDoc[billing.Document](ctx, b.Store,
		`SELECT doc FROM documents WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err != nil {
		return billing.Document{}, fmt.Errorf("sqlstore: dealer %s: document %s: %w", dealer, id, err)
	}
	return doc, nil
}

// Documents returns the documents of dealer that q selects, ordered by ID
// in byte order: at most q.Limit, or all when q.Limit is 0 or less.
func (b BillingStore) Documents(ctx context.Context, dealer org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
	sel := newSelection("documents", dealer)
	sel.greater("id", string(q.After))
	sel.equal("work_order", q.WorkOrder)
	sel.equal("kind", string(q.Kind))
	sel.within(b.Store, "issued_at", q.IssuedFrom, q.IssuedBefore)
	out, err := readDocs[billing.Document](ctx, b.Store, sel, "id", q.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: documents: %w", dealer, err)
	}
	return out, nil
}

// Series returns a numbering series of dealer, or an error matching
// org.ErrNotFound before its first commit.
func (b BillingStore) Series(ctx context.Context, dealer org.DealerID, name string) (billing.Series, error) {
	sr := billing.Series{DealerID: dealer, Name: name}
	row, err := b.queryRow(ctx, `SELECT next, version FROM series WHERE dealer_id = ? AND name = ?`, dealer, name)
	if err == nil {
		err = row.Scan(&sr.Next, &sr.Version)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = org.ErrNotFound
	}
	if err != nil {
		return billing.Series{}, fmt.Errorf("sqlstore: dealer %s: series %s: %w", dealer, name, classify(ctx, err))
	}
	return sr, nil
}

// Events returns the dealer's audit events with Seq > after, as
// [Store.Events] does: billing shares the trail of org and servicedesk.
func (b BillingStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return b.Store.Events(ctx, dealer, after, limit)
}
