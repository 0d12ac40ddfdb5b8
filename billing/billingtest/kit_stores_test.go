package billingtest_test

// The stores kit_test.go feeds the kit: over, memstore with some methods
// replaced, and mapped, a small map store with one flaw.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one.
type over struct {
	memstore.BillingStore

	priceBook       func(ctx context.Context, d org.DealerID, version string) (billing.StoredPriceBook, error)
	activePriceBook func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error)
	settlement      func(ctx context.Context, d org.DealerID, key string) (billing.Settlement, error)
	settlements     func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error)
	document        func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error)
	documents       func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error)
	series          func(ctx context.Context, d org.DealerID, name string) (billing.Series, error)
	events          func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit          func(ctx context.Context, d org.DealerID, c billing.Change) error

	mu      sync.Mutex
	dealers map[org.DealerID]bool // every dealer Commit was called for
}

var (
	_ billing.Store           = (*over)(nil)
	_ billingtest.EventReader = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() billing.Store {
	return func() billing.Store {
		o := &over{BillingStore: memstore.New().Billing(), dealers: map[org.DealerID]bool{}}
		o.fill()
		fn(o)
		return o
	}
}

// fill sets every method to memstore's, so bends can wrap one another.
func (o *over) fill() {
	b := o.BillingStore
	o.priceBook, o.activePriceBook, o.settlement, o.settlements = b.PriceBook, b.ActivePriceBook, b.Settlement, b.Settlements
	o.document, o.documents, o.series, o.events, o.commit = b.Document, b.Documents, b.Series, b.Events, b.Commit
}

func (o *over) PriceBook(ctx context.Context, d org.DealerID, version string) (billing.StoredPriceBook, error) {
	return o.priceBook(ctx, d, version)
}

func (o *over) ActivePriceBook(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
	return o.activePriceBook(ctx, d)
}

func (o *over) Settlement(ctx context.Context, d org.DealerID, key string) (billing.Settlement, error) {
	return o.settlement(ctx, d, key)
}

func (o *over) Settlements(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
	return o.settlements(ctx, d, q)
}

func (o *over) Document(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
	return o.document(ctx, d, id)
}

func (o *over) Documents(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
	return o.documents(ctx, d, q)
}

func (o *over) Series(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
	return o.series(ctx, d, name)
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.events(ctx, d, after, limit)
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c billing.Change) error {
	o.mu.Lock()
	o.dealers[d] = true
	o.mu.Unlock()
	return o.commit(ctx, d, c)
}

func (o *over) knownDealers() []org.DealerID {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(maps.Keys(o.dealers))
}

// mapErrors passes every method's error through fn.
func (o *over) mapErrors(fn func(error) error) {
	pb, apb, st, sts, doc, docs, sr, evs, commit := o.priceBook, o.activePriceBook, o.settlement, o.settlements, o.document, o.documents, o.series, o.events, o.commit
	o.priceBook = func(ctx context.Context, d org.DealerID, v string) (billing.StoredPriceBook, error) {
		b, err := pb(ctx, d, v)
		return b, fn(err)
	}
	o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
		b, err := apb(ctx, d)
		return b, fn(err)
	}
	o.settlement = func(ctx context.Context, d org.DealerID, key string) (billing.Settlement, error) {
		s, err := st(ctx, d, key)
		return s, fn(err)
	}
	o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
		s, err := sts(ctx, d, q)
		return s, fn(err)
	}
	o.document = func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
		x, err := doc(ctx, d, id)
		return x, fn(err)
	}
	o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
		x, err := docs(ctx, d, q)
		return x, fn(err)
	}
	o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
		x, err := sr(ctx, d, name)
		return x, fn(err)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		x, err := evs(ctx, d, after, limit)
		return x, fn(err)
	}
	o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error { return fn(commit(ctx, d, c)) }
}

// mapReads walks every record a read returns with visit (see kitcheck.Walk).
func (o *over) mapReads(visit func(reflect.Value) bool) {
	pb, apb, st, sts, doc, docs, sr, evs := o.priceBook, o.activePriceBook, o.settlement, o.settlements, o.document, o.documents, o.series, o.events
	o.priceBook = func(ctx context.Context, d org.DealerID, v string) (billing.StoredPriceBook, error) {
		return kitcheck.Walked(pb(ctx, d, v))(visit)
	}
	o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
		return kitcheck.Walked(apb(ctx, d))(visit)
	}
	o.settlement = func(ctx context.Context, d org.DealerID, key string) (billing.Settlement, error) {
		return kitcheck.Walked(st(ctx, d, key))(visit)
	}
	o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
		return kitcheck.Walked(sts(ctx, d, q))(visit)
	}
	o.document = func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
		return kitcheck.Walked(doc(ctx, d, id))(visit)
	}
	o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
		return kitcheck.Walked(docs(ctx, d, q))(visit)
	}
	o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
		return kitcheck.Walked(sr(ctx, d, name))(visit)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return kitcheck.Walked(evs(ctx, d, after, limit))(visit)
	}
}

// onValues returns a deep copy of c with every amount passed through dec
// and every instant through tm (when set).
func onValues(c billing.Change, dec func(decimal.Decimal) decimal.Decimal, tm func(time.Time) time.Time) billing.Change {
	c = cloneChange(c)
	kitcheck.Walk(reflect.ValueOf(&c).Elem(), func(v reflect.Value) bool {
		switch x := v.Interface().(type) {
		case decimal.Decimal:
			if dec != nil {
				v.Set(reflect.ValueOf(dec(x)))
			}
			return true
		case time.Time:
			if tm != nil {
				v.Set(reflect.ValueOf(tm(x)))
			}
			return true
		}
		return false
	})
	return c
}

// cloneChange returns a copy of c sharing no memory with it: the checks
// compare against what they committed, so a bend must not change it.
func cloneChange(c billing.Change) billing.Change {
	c.PriceBooks = slices.Clone(c.PriceBooks)
	for i := range c.PriceBooks {
		c.PriceBooks[i] = c.PriceBooks[i].Clone()
	}
	c.Settlements = slices.Clone(c.Settlements)
	for i := range c.Settlements {
		c.Settlements[i] = c.Settlements[i].Clone()
	}
	c.Documents = slices.Clone(c.Documents)
	for i := range c.Documents {
		c.Documents[i] = c.Documents[i].Clone()
	}
	c.Series = slices.Clone(c.Series)
	c.Events = slices.Clone(c.Events)
	for i := range c.Events {
		c.Events[i].Data = slices.Clone(c.Events[i].Data)
	}
	return c
}

// bendCommit returns an opener of memstore whose Commit writes fn(c).
func bendCommit(fn func(billing.Change) billing.Change) func() billing.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
			return o.BillingStore.Commit(ctx, d, fn(c))
		}
	})
}

func bendDocuments(fn func(q *billing.DocumentQuery)) func() billing.Store {
	return bend(func(o *over) {
		o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
			fn(&q)
			return o.BillingStore.Documents(ctx, d, q)
		}
	})
}

func bendSettlements(fn func(q *billing.SettlementQuery)) func() billing.Store {
	return bend(func(o *over) {
		o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
			fn(&q)
			return o.BillingStore.Settlements(ctx, d, q)
		}
	})
}

// fallBack reads from d and, when d lacks the record, from every dealer.
func fallBack[T any](o *over, d org.DealerID, read func(org.DealerID) (T, error)) (T, error) {
	v, err := read(d)
	if !errors.Is(err, org.ErrNotFound) {
		return v, err
	}
	for _, other := range o.knownDealers() {
		if v, err := read(other); err == nil {
			return v, nil
		}
	}
	return v, err
}

// everyDealer lists from every dealer, in key order, at most limit.
func everyDealer[T any](o *over, limit int, key func(T) string, read func(org.DealerID) ([]T, error)) ([]T, error) {
	all := []T{}
	for _, d := range o.knownDealers() {
		list, err := read(d)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	slices.SortStableFunc(all, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return all[:min(len(all), limit)], nil
}

// commitParts commits each part that holds something, in turn; a done
// context fails it even when every part is empty, as the store it bends
// would.
func commitParts(ctx context.Context, s billing.Store, d org.DealerID, parts []billing.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		if p.Empty() {
			continue
		}
		if err := s.Commit(ctx, d, p); err != nil {
			return err
		}
	}
	return nil
}

// flaw is the one rule a mapped store breaks, for the breakages memstore
// cannot be bent into: it checks versions and copies inside one lock.
type flaw int

const (
	noFlaw              flaw = iota
	lastWriterWins           // no version rule beyond Version >= 1
	createOverwrites         // Version 1 replaces an existing record
	staleWins                // Version n > 1 replaces any stored version
	writesThenConflicts      // a refused change is written anyway
	checkThenWrite           // versions checked, lock dropped, then written
	repeatsAcrossActive      // repeats refused among active and among inactive price books only
)

// mapStore returns an opener of a small map store with flaw f.
func mapStore(f flaw) func() billing.Store { return openMapped(f, "", 0) }

// slowMapStore is mapStore answering every read a millisecond after taking
// it, as a store across a network does.
func slowMapStore(f flaw) func() billing.Store { return openMapped(f, "", time.Millisecond) }

// mapStoreOnly bends the version rule of one kind only ("pricebook",
// "settlement", "document", "series").
func mapStoreOnly(f flaw, kind string) func() billing.Store { return openMapped(f, kind, 0) }

func openMapped(f flaw, only string, latency time.Duration) func() billing.Store {
	return func() billing.Store {
		return &mapped{
			flaw: f, only: only, latency: latency,
			books:       map[key]billing.StoredPriceBook{},
			settlements: map[key]billing.Settlement{},
			documents:   map[key]billing.Document{},
			series:      map[key]billing.Series{},
			events:      map[org.DealerID][]org.Event{},
		}
	}
}

type key struct {
	dealer org.DealerID
	id     string
}

type mapped struct {
	flaw    flaw
	only    string        // the kind the version flaws bend; "" for all
	latency time.Duration // slept after each read, outside the lock

	mu          sync.Mutex
	books       map[key]billing.StoredPriceBook
	settlements map[key]billing.Settlement
	documents   map[key]billing.Document
	series      map[key]billing.Series
	events      map[org.DealerID][]org.Event
}

var (
	_ billing.Store           = (*mapped)(nil)
	_ billingtest.EventReader = (*mapped)(nil)
)

// read runs f under the lock, then sleeps the store's latency.
func (s *mapped) read(ctx context.Context, f func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	f()
	s.mu.Unlock()
	time.Sleep(s.latency)
	return nil
}

func notFound(what string) error { return fmt.Errorf("mapstore: %s: %w", what, org.ErrNotFound) }

// get reads one record of m.
func get[T any](s *mapped, ctx context.Context, m map[key]T, d org.DealerID, id, what string) (T, error) {
	var v T
	var ok bool
	if err := s.read(ctx, func() { v, ok = m[key{d, id}] }); err != nil {
		return v, err
	}
	if !ok {
		return v, notFound(what + " " + id)
	}
	return v, nil
}

func (s *mapped) PriceBook(ctx context.Context, d org.DealerID, version string) (billing.StoredPriceBook, error) {
	b, err := get(s, ctx, s.books, d, version, "price book")
	return b.Clone(), err
}

func (s *mapped) ActivePriceBook(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
	var b billing.StoredPriceBook
	var ok bool
	if err := s.read(ctx, func() {
		for k, sb := range s.books {
			if k.dealer == d && sb.Active {
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

func (s *mapped) Settlement(ctx context.Context, d org.DealerID, k string) (billing.Settlement, error) {
	st, err := get(s, ctx, s.settlements, d, k, "settlement")
	return st.Clone(), err
}

func within(t, from, before time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (before.IsZero() || t.Before(before))
}

func (s *mapped) Settlements(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
	out := []billing.Settlement{}
	err := s.read(ctx, func() {
		for k, st := range s.settlements {
			if k.dealer == d && (q.Advisor == "" || st.Advisor == q.Advisor) && within(st.SettledAt, q.SettledFrom, q.SettledBefore) && st.Key > q.After {
				out = append(out, st.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b billing.Settlement) int { return cmp.Compare(a.Key, b.Key) })
	return out[:min(len(out), q.Limit)], err
}

func (s *mapped) Document(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
	doc, err := get(s, ctx, s.documents, d, string(id), "document")
	return doc.Clone(), err
}

func (s *mapped) Documents(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
	out := []billing.Document{}
	err := s.read(ctx, func() {
		for k, doc := range s.documents {
			if k.dealer == d && (q.WorkOrder == "" || doc.WorkOrder == q.WorkOrder) && (q.Kind == "" || doc.Kind == q.Kind) &&
				within(doc.IssuedAt, q.IssuedFrom, q.IssuedBefore) && doc.ID > q.After {
				out = append(out, doc.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b billing.Document) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), q.Limit)], err
}

func (s *mapped) Series(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
	return get(s, ctx, s.series, d, name, "series")
}

func (s *mapped) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	out := []org.Event{}
	err := s.read(ctx, func() {
		for _, ev := range s.events[d] {
			if ev.Seq > after {
				ev.Data = slices.Clone(ev.Data)
				out = append(out, ev)
			}
		}
	})
	return out[:min(len(out), limit)], err
}

func (s *mapped) Commit(ctx context.Context, d org.DealerID, c billing.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := otherDealer(d, c); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch err := s.check(d, c); {
	case err != nil && s.flaw == writesThenConflicts:
		s.write(d, c)
		return err
	case err != nil:
		return err
	case s.flaw == checkThenWrite:
		// SELECT version, then UPDATE without "AND version = ?", a few
		// round trips apart: long enough for the other writers to check
		// too, however loaded the machine running the kit.
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
	}
	s.write(d, c)
	return nil
}

func otherDealer(d org.DealerID, c billing.Change) error {
	var ids []org.DealerID
	for _, b := range c.PriceBooks {
		ids = append(ids, b.DealerID)
	}
	for _, st := range c.Settlements {
		ids = append(ids, st.DealerID)
	}
	for _, doc := range c.Documents {
		ids = append(ids, doc.DealerID)
	}
	for _, sr := range c.Series {
		ids = append(ids, sr.DealerID)
	}
	for _, ev := range c.Events {
		ids = append(ids, ev.DealerID)
	}
	for _, id := range ids {
		if id != d {
			return fmt.Errorf("mapstore: commit for %s holds a record of %s: %w", d, id, org.ErrInvalid)
		}
	}
	return nil
}

// check applies the version rule of Commit, as s.flaw bends it. A record
// named twice in a group is ErrConflict; one named in two groups (under
// repeatsAcrossActive) is checked against the version the earlier one
// writes.
func (s *mapped) check(d org.DealerID, c billing.Change) error {
	pending := map[string]int64{}
	groups := map[string]string{}
	var errs []error
	// one checks a record of a group: under repeatsAcrossActive, the price
	// books switched on and those switched off are two, checked for
	// repeats apart.
	one := func(kind, group, id string, v int64, stored int64, exists bool) {
		prev, seen := pending[kind+"/"+id]
		switch {
		case seen && groups[kind+"/"+id] != group:
			stored, exists = prev, true
		case seen:
			errs = append(errs, fmt.Errorf("mapstore: %s %s named twice: %w", kind, id, org.ErrConflict))
			return
		}
		errs = append(errs, s.versionErr(kind, id, v, exists, stored))
		pending[kind+"/"+id], groups[kind+"/"+id] = v, group
	}
	for _, b := range c.PriceBooks {
		cur, ok := s.books[key{d, b.Book.Version}]
		group := ""
		if s.flaw == repeatsAcrossActive {
			group = fmt.Sprint("active ", b.Active)
		}
		one("pricebook", group, b.Book.Version, b.Version, cur.Version, ok)
	}
	for _, st := range c.Settlements {
		cur, ok := s.settlements[key{d, st.Key}]
		one("settlement", "", st.Key, st.Version, cur.Version, ok)
	}
	for _, doc := range c.Documents {
		cur, ok := s.documents[key{d, string(doc.ID)}]
		one("document", "", string(doc.ID), doc.Version, cur.Version, ok)
	}
	for _, sr := range c.Series {
		cur, ok := s.series[key{d, sr.Name}]
		one("series", "", sr.Name, sr.Version, cur.Version, ok)
	}
	for _, err := range errs {
		if err != nil {
			return err // the first, as a store stopping at it would
		}
	}
	return nil
}

func (s *mapped) versionErr(kind, what string, v int64, exists bool, stored int64) error {
	conflict := fmt.Errorf("mapstore: %s %s: version %d over %d (exists %v): %w", kind, what, v, stored, exists, org.ErrConflict)
	f := s.flaw
	if s.only != "" && s.only != kind {
		f = noFlaw
	}
	switch {
	case v < 1:
		return fmt.Errorf("mapstore: %s %s: version %d: %w", kind, what, v, org.ErrInvalid)
	case f == lastWriterWins:
		return nil
	case v == 1 && exists && f != createOverwrites:
		return conflict
	case v > 1 && !exists:
		return conflict
	case v > 1 && exists && stored != v-1 && f != staleWins:
		return conflict
	}
	return nil
}

// write applies c; the caller holds s.mu.
func (s *mapped) write(d org.DealerID, c billing.Change) {
	for _, b := range c.PriceBooks {
		s.books[key{d, b.Book.Version}] = b.Clone()
	}
	for _, st := range c.Settlements {
		s.settlements[key{d, st.Key}] = st.Clone()
	}
	for _, doc := range c.Documents {
		s.documents[key{d, string(doc.ID)}] = doc.Clone()
	}
	for _, sr := range c.Series {
		s.series[key{d, sr.Name}] = sr
	}
	last := int64(len(s.events[d]))
	for i, ev := range c.Events {
		ev.Seq = last + int64(i) + 1
		ev.Data = slices.Clone(ev.Data)
		s.events[d] = append(s.events[d], ev)
	}
}
