package billingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// snapshot is everything a store holds for one dealer, as far as the kit
// can read it: price books and series have no list, so only the fixtures'
// versions and names are read; events only when the trail is readable.
type snapshot struct {
	dealer      org.DealerID
	books       []billing.StoredPriceBook
	active      string // the active book's version; "" when none
	settlements []billing.Settlement
	documents   []billing.Document
	series      []billing.Series
	events      []org.Event
	withEvents  bool
}

func take(ctx context.Context, s billing.Store, f Features, d org.DealerID) (snapshot, error) {
	sn := snapshot{dealer: d}
	fail := func(err error) (snapshot, error) { return sn, fmt.Errorf("snapshot of %s: %w", d, err) }
	for _, v := range bookVersions {
		b, err := s.PriceBook(ctx, d, v)
		switch {
		case err == nil:
			sn.books = append(sn.books, b)
		case !errors.Is(err, org.ErrNotFound):
			return fail(fmt.Errorf("price book %s: %w", v, err))
		}
	}
	switch b, err := s.ActivePriceBook(ctx, d); {
	case err == nil:
		sn.active = b.Book.Version
	case !errors.Is(err, org.ErrNotFound):
		return fail(fmt.Errorf("active price book: %w", err))
	}
	var err error
	if sn.settlements, err = allSettlements(ctx, s, d, billing.SettlementQuery{}); err != nil {
		return fail(err)
	}
	if sn.documents, err = allDocuments(ctx, s, d, billing.DocumentQuery{}); err != nil {
		return fail(err)
	}
	for _, name := range seriesNames {
		sr, err := s.Series(ctx, d, name)
		switch {
		case err == nil:
			sn.series = append(sn.series, sr)
		case !errors.Is(err, org.ErrNotFound):
			return fail(fmt.Errorf("series %s: %w", name, err))
		}
	}
	if r := f.events(s); r != nil {
		sn.withEvents = true
		if sn.events, err = kit.AllEvents(ctx, r, d); err != nil {
			return fail(err)
		}
	}
	return sn, nil
}

// takeBoth snapshots two dealers.
func takeBoth(ctx context.Context, s billing.Store, f Features, a, b org.DealerID) ([2]snapshot, error) {
	sa, errA := take(ctx, s, f, a)
	sb, errB := take(ctx, s, f, b)
	return [2]snapshot{sa, sb}, errors.Join(errA, errB)
}

// same reports how b differs from a, or nil.
func (a snapshot) same(b snapshot) error {
	var errs []error
	count := func(what string, was, now int) bool {
		if was != now {
			errs = append(errs, fmt.Errorf("dealer %s: %s: were %d, now %d", a.dealer, what, was, now))
			return false
		}
		return true
	}
	if count("price books", len(a.books), len(b.books)) {
		for i := range a.books {
			errs = append(errs, diffStoredPriceBook(b.books[i], a.books[i]))
		}
	}
	if a.active != b.active {
		errs = append(errs, fmt.Errorf("dealer %s: the active price book was %q, now %q", a.dealer, a.active, b.active))
	}
	if count("settlements", len(a.settlements), len(b.settlements)) {
		for i := range a.settlements {
			errs = append(errs, diffSettlement(b.settlements[i], a.settlements[i]))
		}
	}
	if count("documents", len(a.documents), len(b.documents)) {
		for i := range a.documents {
			errs = append(errs, diffDocument(b.documents[i], a.documents[i]))
		}
	}
	if count("series", len(a.series), len(b.series)) {
		for i := range a.series {
			errs = append(errs, diffSeries(b.series[i], a.series[i]))
		}
	}
	if a.withEvents && b.withEvents {
		errs = append(errs, kit.DiffEvents("dealer "+string(a.dealer)+" events", b.events, a.events))
	}
	return errors.Join(errs...)
}

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
