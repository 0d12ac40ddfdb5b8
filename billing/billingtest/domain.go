package billingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// The billing domain as the shared store rules see it (internal/kit): its
// four record kinds. The rules every kind keeps (versions, a record twice
// in a change, atomic commits, tenancy, copies, the trail, a done context)
// run from internal/kit on each of them; this package keeps the checks
// only billing has (the active price book, the lists' filters, numbers
// without gaps).

// domain declares billing.Store to the shared rules, its trail read as f
// says.
func domain(f Features) *kit.Domain[billing.Store, billing.Change] {
	return &kit.Domain[billing.Store, billing.Change]{
		Kit: "billingtest",
		Commit: func(ctx context.Context, s billing.Store, d org.DealerID, c billing.Change) error {
			return s.Commit(ctx, d, c)
		},
		Events:      func(s billing.Store) kit.EventReader { return kit.TrailOf(s, f.Events) },
		EventsIn:    func(c *billing.Change) *[]org.Event { return &c.Events },
		Event:       func(d org.DealerID, id string) org.Event { return event(d, id, "settlement/st-1") },
		Kinds:       []kit.Kind[billing.Store, billing.Change]{priceBooks, settlements, documents, seriesKind},
		Amounts:     amounts,
		AmountsRule: "amounts keep 20 digits before the point and 4 after exactly (12345678901234567.89, 12.50, -1234.5678) in every amount field",
		Skip:        ErrSkip,
	}
}

// shared returns the shared rules as the kit's Checks.
func shared() []Check {
	return kit.Bind(domain, check)
}

type (
	store  = billing.Store
	change = billing.Change
)

// Price books: record n is the fixtures' n-th version, saved inactive;
// an edit also switches it active. So the shared checks name a book once
// switched off and once switched on (a store may write the two apart, the
// books it switches off before those it switches on). No shared check
// edits two books of one dealer, so none holds two active books, which a
// store may refuse as a second active book of the dealer.
var priceBooks = kit.Declare(kit.Record[store, change, billing.StoredPriceBook]{
	Label: "PriceBook", Name: "price book", KeyName: "Book.Version",
	RoundTrip: "a stored price book, keyed by its Book.Version, reads back with every field, slice and amount as written (12345678901234567.89 and 12.50 exactly), instants in UTC to the microsecond",
	NotFound:  "PriceBook returns ErrNotFound for a version never stored",
	SetKey:    func(b *billing.StoredPriceBook, k string) { b.Book.Version = k },
	Make:      func(d org.DealerID, n int) billing.StoredPriceBook { return priceBook(d, bookVersions[n-1], false) },
	// Only record 1 is ever full: it is the active one.
	Full:    fullBookOf,
	Key:     func(b billing.StoredPriceBook) string { return b.Book.Version },
	Version: func(b *billing.StoredPriceBook) *int64 { return &b.Version },
	Edit:    func(b *billing.StoredPriceBook, s string) { b.SavedBy.ID, b.Active = org.EmployeeID(s), true },
	In:      func(c *change) *[]billing.StoredPriceBook { return &c.PriceBooks },
	Get: func(ctx context.Context, s store, d org.DealerID, b billing.StoredPriceBook) (billing.StoredPriceBook, error) {
		return s.PriceBook(ctx, d, b.Book.Version)
	},
	Reads: []kit.Read[store, billing.StoredPriceBook]{{Name: "ActivePriceBook",
		// The active book is the one that would hold like, when like is
		// active: every book the shared checks read this way is.
		Of: func(ctx context.Context, s store, d org.DealerID, _ billing.StoredPriceBook) ([]billing.StoredPriceBook, error) {
			b, err := s.ActivePriceBook(ctx, d)
			switch {
			case errors.Is(err, org.ErrNotFound):
				return []billing.StoredPriceBook{}, nil
			case err != nil:
				return nil, err
			}
			return []billing.StoredPriceBook{b}, nil
		}}},
	// Price books have no list: a snapshot reads the fixtures' versions,
	// then the active book again, so a refused commit that moved the mark
	// shows.
	All: func(ctx context.Context, s store, d org.DealerID) ([]billing.StoredPriceBook, error) {
		var out []billing.StoredPriceBook
		for _, v := range bookVersions {
			b, err := s.PriceBook(ctx, d, v)
			switch {
			case err == nil:
				out = append(out, b)
			case !errors.Is(err, org.ErrNotFound):
				return nil, fmt.Errorf("price book %s: %w", v, err)
			}
		}
		switch b, err := s.ActivePriceBook(ctx, d); {
		case err == nil:
			out = append(out, b)
		case !errors.Is(err, org.ErrNotFound):
			return nil, fmt.Errorf("active price book: %w", err)
		}
		return out, nil
	},
	Diff: diffStoredPriceBook,
})

// fullBookOf is record n with every field set.
func fullBookOf(d org.DealerID, n int) billing.StoredPriceBook {
	return fullPriceBook(d, bookVersions[n-1], n == 1)
}

// Settlements: every settlement the kit writes has its own Key; none is
// unique in anything else.
var settlements = kit.Declare(kit.Record[store, change, billing.Settlement]{
	Label: "Settlement", Name: "settlement", KeyName: "Key",
	RoundTrip: "a settlement, keyed by Key, reads back with every field as written: payments, documents, Override nil or set, amounts exact, instants in UTC to the microsecond",
	NotFound:  "Settlement returns ErrNotFound for a key never committed",
	SetKey:    func(st *billing.Settlement, k string) { st.Key = k },
	Make:      func(d org.DealerID, n int) billing.Settlement { return settlement(d, fmt.Sprintf("st-%d", n)) },
	Full:      func(d org.DealerID, n int) billing.Settlement { return fullSettlement(d, fmt.Sprintf("st-%d", n)) },
	Key:       settlementKey,
	Version:   func(st *billing.Settlement) *int64 { return &st.Version },
	Edit:      func(st *billing.Settlement, s string) { st.Confirmation.By = s },
	In:        func(c *change) *[]billing.Settlement { return &c.Settlements },
	Get: func(ctx context.Context, s store, d org.DealerID, st billing.Settlement) (billing.Settlement, error) {
		return s.Settlement(ctx, d, st.Key)
	},
	Reads: []kit.Read[store, billing.Settlement]{
		{Name: "Settlements", Of: func(ctx context.Context, s store, d org.DealerID, _ billing.Settlement) ([]billing.Settlement, error) {
			return s.Settlements(ctx, d, billing.SettlementQuery{Limit: org.MaxPage})
		}},
		{Name: "Settlements of the advisor", Of: func(ctx context.Context, s store, d org.DealerID, st billing.Settlement) ([]billing.Settlement, error) {
			return s.Settlements(ctx, d, billing.SettlementQuery{Advisor: st.Advisor, Limit: org.MaxPage})
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]billing.Settlement, error) {
		return allSettlements(ctx, s, d, billing.SettlementQuery{})
	},
	Diff: diffSettlement,
})

// Documents: record n is receipt RCP-00000n, numbered by numberOf, so
// records 1 to 4 of a dealer hold four numbers of the series RCP (the
// store may keep a series' numbers unique); the full one is invoice
// INV-00000n, number n of INV.
var documents = kit.Declare(kit.Record[store, change, billing.Document]{
	Label: "Document", Name: "document", KeyName: "ID",
	RoundTrip: "a document reads back with every field as written: its bill's lines, taxes and explanations with their Args, notes and payments; amounts exact, negative ones of a credit note too",
	NotFound:  "Document returns ErrNotFound for an ID never committed",
	SetKey:    func(doc *billing.Document, k string) { doc.ID = billing.DocumentID(k) },
	Make: func(d org.DealerID, n int) billing.Document {
		return document(d, billing.DocumentID(fmt.Sprintf("RCP-%06d", n)))
	},
	Full: func(d org.DealerID, n int) billing.Document {
		return fullDocument(d, billing.DocumentID(fmt.Sprintf("INV-%06d", n)), int64(n))
	},
	Key:     func(doc billing.Document) string { return string(doc.ID) },
	Version: func(doc *billing.Document) *int64 { return &doc.Version },
	Edit:    func(doc *billing.Document, s string) { doc.Payer.Name = s },
	In:      func(c *change) *[]billing.Document { return &c.Documents },
	Get: func(ctx context.Context, s store, d org.DealerID, doc billing.Document) (billing.Document, error) {
		return s.Document(ctx, d, doc.ID)
	},
	Reads: []kit.Read[store, billing.Document]{
		{Name: "Documents", Of: func(ctx context.Context, s store, d org.DealerID, _ billing.Document) ([]billing.Document, error) {
			return s.Documents(ctx, d, billing.DocumentQuery{Limit: org.MaxPage})
		}},
		{Name: "Documents of the work order and kind", Of: func(ctx context.Context, s store, d org.DealerID, doc billing.Document) ([]billing.Document, error) {
			return s.Documents(ctx, d, billing.DocumentQuery{WorkOrder: doc.WorkOrder, Kind: doc.Kind, Limit: org.MaxPage})
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]billing.Document, error) {
		return allDocuments(ctx, s, d, billing.DocumentQuery{})
	},
	Diff: diffDocument,
})

// Series have no list and no reference to share.
var seriesKind = kit.Declare(kit.Record[store, change, billing.Series]{
	Label: "Series", Name: "series", KeyName: "Name",
	RoundTrip: "a numbering series, keyed by Name, reads back as written",
	NotFound:  "Series returns ErrNotFound before the series' first commit",
	SetKey:    func(sr *billing.Series, k string) { sr.Name = k },
	Make:      func(d org.DealerID, n int) billing.Series { return series(d, seriesNames[n-1], int64(10*n)) },
	Key:       func(sr billing.Series) string { return sr.Name },
	Version:   func(sr *billing.Series) *int64 { return &sr.Version },
	Edit:      func(sr *billing.Series, s string) { sr.Next = int64(1000 + len(s)) },
	In:        func(c *change) *[]billing.Series { return &c.Series },
	Get: func(ctx context.Context, s store, d org.DealerID, sr billing.Series) (billing.Series, error) {
		return s.Series(ctx, d, sr.Name)
	},
	// A snapshot reads the fixtures' names.
	All: func(ctx context.Context, s store, d org.DealerID) ([]billing.Series, error) {
		var out []billing.Series
		for _, name := range seriesNames {
			sr, err := s.Series(ctx, d, name)
			switch {
			case err == nil:
				out = append(out, sr)
			case !errors.Is(err, org.ErrNotFound):
				return nil, fmt.Errorf("series %s: %w", name, err)
			}
		}
		return out, nil
	},
	Diff: diffSeries,
})

func documentID(d billing.Document) billing.DocumentID { return d.ID }
func settlementKey(s billing.Settlement) string        { return s.Key }

func allDocuments(ctx context.Context, s billing.Store, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
	return kit.Page("documents of "+string(d), org.MaxPage, q.After, documentID,
		func(after billing.DocumentID, limit int) ([]billing.Document, error) {
			q.After, q.Limit = after, limit
			return s.Documents(ctx, d, q)
		})
}

func allSettlements(ctx context.Context, s billing.Store, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
	return kit.Page("settlements of "+string(d), org.MaxPage, q.After, settlementKey,
		func(after string, limit int) ([]billing.Settlement, error) {
			q.After, q.Limit = after, limit
			return s.Settlements(ctx, d, q)
		})
}
