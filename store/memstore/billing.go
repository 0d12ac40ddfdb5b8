package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

var _ billing.Store = BillingStore{}

// BillingStore is the billing.Store view of a Store: the same records and
// the same audit trail as its other views.
type BillingStore struct{ *Store }

// Billing returns the billing.Store view of s.
func (s *Store) Billing() BillingStore { return BillingStore{s} }

// ledger holds one dealer's billing records.
type ledger struct {
	books       map[string]billing.StoredPriceBook
	settlements map[string]billing.Settlement
	documents   map[billing.DocumentID]billing.Document
	series      map[string]billing.Series
}

func (t *tenant) ledgerRecords() *ledger {
	if t.ledger == nil {
		t.ledger = &ledger{
			books:       map[string]billing.StoredPriceBook{},
			settlements: map[string]billing.Settlement{},
			documents:   map[billing.DocumentID]billing.Document{},
			series:      map[string]billing.Series{},
		}
	}
	return t.ledger
}

func (v BillingStore) read(ctx context.Context, dealer org.DealerID, f func(l *ledger)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var l *ledger
	if t := v.tenantLocked(dealer, false); t != nil {
		l = t.ledger
	}
	f(l)
	return nil
}

func notFound(what string) error { return fmt.Errorf("memstore: %s: %w", what, org.ErrNotFound) }

// PriceBook implements billing.Store.
func (v BillingStore) PriceBook(ctx context.Context, dealer org.DealerID, version string) (billing.StoredPriceBook, error) {
	var b billing.StoredPriceBook
	var ok bool
	if err := v.read(ctx, dealer, func(l *ledger) {
		if l != nil {
			b, ok = l.books[version]
		}
	}); err != nil {
		return b, err
	}
	if !ok {
		return b, notFound("price book " + version)
	}
	return b.Clone(), nil
}

// ActivePriceBook implements billing.Store.
func (v BillingStore) ActivePriceBook(ctx context.Context, dealer org.DealerID) (billing.StoredPriceBook, error) {
	var b billing.StoredPriceBook
	var ok bool
	if err := v.read(ctx, dealer, func(l *ledger) {
		if l == nil {
			return
		}
		for _, sb := range l.books {
			if sb.Active {
				b, ok = sb, true
			}
		}
	}); err != nil {
		return b, err
	}
	if !ok {
		return b, notFound("active price book")
	}
	return b.Clone(), nil
}

// Settlement implements billing.Store.
func (v BillingStore) Settlement(ctx context.Context, dealer org.DealerID, key string) (billing.Settlement, error) {
	var st billing.Settlement
	var ok bool
	if err := v.read(ctx, dealer, func(l *ledger) {
		if l != nil {
			st, ok = l.settlements[key]
		}
	}); err != nil {
		return st, err
	}
	if !ok {
		return st, notFound("settlement " + key)
	}
	return st.Clone(), nil
}

// Settlements implements billing.Store.
func (v BillingStore) Settlements(ctx context.Context, dealer org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
	out := []billing.Settlement{}
	err := v.read(ctx, dealer, func(l *ledger) {
		if l == nil {
			return
		}
		for _, st := range l.settlements {
			if (q.Advisor == "" || st.Advisor == q.Advisor) && (q.SettledFrom.IsZero() || !st.SettledAt.Before(q.SettledFrom)) &&
				(q.SettledBefore.IsZero() || st.SettledAt.Before(q.SettledBefore)) && st.Key > q.After {
				out = append(out, st.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b billing.Settlement) int { return cmp.Compare(a.Key, b.Key) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, err
}

// Document implements billing.Store.
func (v BillingStore) Document(ctx context.Context, dealer org.DealerID, id billing.DocumentID) (billing.Document, error) {
	var d billing.Document
	var ok bool
	if err := v.read(ctx, dealer, func(l *ledger) {
		if l != nil {
			d, ok = l.documents[id]
		}
	}); err != nil {
		return d, err
	}
	if !ok {
		return d, notFound("document " + string(id))
	}
	return d.Clone(), nil
}

// Documents implements billing.Store.
func (v BillingStore) Documents(ctx context.Context, dealer org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
	out := []billing.Document{}
	err := v.read(ctx, dealer, func(l *ledger) {
		if l == nil {
			return
		}
		for _, d := range l.documents {
			if (q.WorkOrder == "" || d.WorkOrder == q.WorkOrder) && (q.Kind == "" || d.Kind == q.Kind) &&
				(q.IssuedFrom.IsZero() || !d.IssuedAt.Before(q.IssuedFrom)) &&
				(q.IssuedBefore.IsZero() || d.IssuedAt.Before(q.IssuedBefore)) && d.ID > q.After {
				out = append(out, d)
			}
		}
	})
	slices.SortFunc(out, func(a, b billing.Document) int { return cmp.Compare(a.ID, b.ID) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, err
}

// Series implements billing.Store.
func (v BillingStore) Series(ctx context.Context, dealer org.DealerID, name string) (billing.Series, error) {
	var sr billing.Series
	var ok bool
	if err := v.read(ctx, dealer, func(l *ledger) {
		if l != nil {
			sr, ok = l.series[name]
		}
	}); err != nil {
		return sr, err
	}
	if !ok {
		return sr, notFound("series " + name)
	}
	return sr, nil
}

// Events is the shared audit trail, as org.Store.Events.
func (v BillingStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return v.Store.Events(ctx, dealer, after, limit)
}

// Commit implements billing.Store.
func (v BillingStore) Commit(ctx context.Context, dealer org.DealerID, c billing.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkLedgerTenant(dealer, c); err != nil {
		return err
	}
	if err := ledgerRepeats(c); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	t := v.tenantLocked(dealer, false)
	if err := checkLedgerVersions(t, c); err != nil {
		return err
	}
	t = v.tenantLocked(dealer, true)
	applyLedger(t, c)
	t.appendEvents(c.Events)
	return nil
}

func checkLedgerTenant(dealer org.DealerID, c billing.Change) error {
	bad := func(what string, got org.DealerID) error {
		return fmt.Errorf("memstore: commit for dealer %s holds %s of dealer %s: %w", dealer, what, got, org.ErrInvalid)
	}
	for _, b := range c.PriceBooks {
		if b.DealerID != dealer {
			return bad("price book "+b.Book.Version, b.DealerID)
		}
	}
	for _, st := range c.Settlements {
		if st.DealerID != dealer {
			return bad("settlement "+st.Key, st.DealerID)
		}
	}
	for _, d := range c.Documents {
		if d.DealerID != dealer {
			return bad("document "+string(d.ID), d.DealerID)
		}
	}
	for _, sr := range c.Series {
		if sr.DealerID != dealer {
			return bad("series "+sr.Name, sr.DealerID)
		}
	}
	for _, ev := range c.Events {
		if ev.DealerID != dealer {
			return bad("event "+ev.ID, ev.DealerID)
		}
	}
	return nil
}

// checkLedgerVersions applies the version rule to every record of c; t
// may be nil (a dealer with no records yet).
func checkLedgerVersions(t *tenant, c billing.Change) error {
	var l *ledger
	if t != nil {
		l = t.ledger
	}
	look := func(f func(l *ledger) (int64, bool)) (int64, bool) {
		if l == nil {
			return 0, false
		}
		return f(l)
	}
	for _, b := range c.PriceBooks {
		cur, ok := look(func(l *ledger) (int64, bool) { x, ok := l.books[b.Book.Version]; return x.Version, ok })
		if err := checkVersion("price book "+b.Book.Version, b.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	for _, st := range c.Settlements {
		cur, ok := look(func(l *ledger) (int64, bool) { x, ok := l.settlements[st.Key]; return x.Version, ok })
		if err := checkVersion("settlement "+st.Key, st.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	for _, d := range c.Documents {
		cur, ok := look(func(l *ledger) (int64, bool) { x, ok := l.documents[d.ID]; return x.Version, ok })
		if err := checkVersion("document "+string(d.ID), d.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	for _, sr := range c.Series {
		cur, ok := look(func(l *ledger) (int64, bool) { x, ok := l.series[sr.Name]; return x.Version, ok })
		if err := checkVersion("series "+sr.Name, sr.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	return nil
}

func applyLedger(t *tenant, c billing.Change) {
	l := t.ledgerRecords()
	for _, b := range c.PriceBooks {
		l.books[b.Book.Version] = b.Clone()
	}
	for _, st := range c.Settlements {
		l.settlements[st.Key] = st.Clone()
	}
	for _, d := range c.Documents {
		l.documents[d.ID] = d.Clone()
	}
	for _, sr := range c.Series {
		l.series[sr.Name] = sr
	}
}

func ledgerRepeats(c billing.Change) error {
	return errors.Join(
		noRepeats("price book", keysOf(c.PriceBooks, func(b billing.StoredPriceBook) string { return b.Book.Version })...),
		noRepeats("settlement", keysOf(c.Settlements, func(x billing.Settlement) string { return x.Key })...),
		noRepeats("document", keysOf(c.Documents, func(x billing.Document) string { return string(x.ID) })...),
		noRepeats("series", keysOf(c.Series, func(x billing.Series) string { return x.Name })...))
}
