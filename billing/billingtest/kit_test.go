package billingtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of billing.Store, and the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKitCatchesForgottenColumns generates one broken store
// per field of every record, by reflection, so a field added to a record
// and forgotten by the kit's diff fails here.
//
// The stores themselves are in kit_stores_test.go.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore struct {
	name string
	// flaw is the rule it breaks, in the contract's words.
	flaw string
	open func() billing.Store
	// caughtBy are the checks that must fail on it with an error.
	caughtBy []string
}

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), copyStores(), versionStores(), atomicStores(),
		tenancyStores(), listStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{name: "plainNotFound", flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			open: bend(func(o *over) { o.mapErrors(plainNotFound) }),
			caughtBy: []string{"PriceBookNotFound", "ActivePriceBook", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound",
				"PriceBookVersionRule", "TenancyIsolation", "ConcurrentSeriesGapless"}},
		{name: "missingIsZero", flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			open: bend(func(o *over) { o.mapErrors(nilIfNotFound) }),
			caughtBy: []string{"PriceBookNotFound", "ActivePriceBook", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound",
				"PriceBookVersionRule", "SettlementVersionRule", "DocumentVersionRule", "SeriesVersionRule", "TenancyIsolation", "ConcurrentSeriesGapless"}},
		{name: "seriesMissingIsFresh", flaw: "Series answers a series never written with Next 1 at version 0",
			open: bend(func(o *over) {
				o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
					sr, err := o.BillingStore.Series(ctx, d, name)
					if errors.Is(err, org.ErrNotFound) {
						return billing.Series{DealerID: d, Name: name, Next: 1}, nil
					}
					return sr, err
				}
			}),
			caughtBy: []string{"SeriesNotFound", "SeriesVersionRule", "TenancyIsolation"}},
		{name: "activeIsLatest", flaw: "ActivePriceBook returns the latest version saved, marked active or not",
			open: bend(func(o *over) {
				o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
					var latest billing.StoredPriceBook
					for _, v := range []string{"2026-10", "2026-11", "2026-12", "2027-01"} {
						if b, err := o.BillingStore.PriceBook(ctx, d, v); err == nil && b.SavedAt.Compare(latest.SavedAt) >= 0 {
							latest = b
						}
					}
					if latest.Version == 0 {
						return o.BillingStore.ActivePriceBook(ctx, d)
					}
					return latest, nil
				}
			}),
			caughtBy: []string{"ActivePriceBook", "TenancyIsolation"}},
		{name: "activeStaysFirst", flaw: "ActivePriceBook keeps answering the first book ever marked active (a cached row never invalidated)",
			open: bend(func(o *over) {
				var mu sync.Mutex
				first := map[org.DealerID]string{}
				o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
					b, err := o.BillingStore.ActivePriceBook(ctx, d)
					mu.Lock()
					defer mu.Unlock()
					if v, ok := first[d]; ok {
						return o.BillingStore.PriceBook(ctx, d, v)
					}
					if err == nil {
						first[d] = b.Book.Version
					}
					return b, err
				}
			}),
			caughtBy: []string{"ActivePriceBook"}},
		{name: "emptyIsNotFound", flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					return notFoundIfEmpty(o.BillingStore.Documents(ctx, d, q))
				}
				o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					return notFoundIfEmpty(o.BillingStore.Settlements(ctx, d, q))
				}
			}),
			caughtBy: []string{"EmptyResults", "DocumentsQuery", "SettlementsQuery"}},
	}
}

func valueStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{name: "floatMoney", flaw: "passes amounts through float64 on write",
			open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "PriceBookRoundTrip", "SettlementRoundTrip", "DocumentRoundTrip"}},
		{name: "moneyTwoPlaces", flaw: "keeps 2 decimals of an amount (a NUMERIC(22,2) column), not 4",
			open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "PriceBookRoundTrip"}},
		{name: "moneyUnsigned", flaw: "drops the sign of an amount (an unsigned column)",
			open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			caughtBy: []string{"AmountsExact", "DocumentRoundTrip"}},
		{name: "dropsMicroseconds", flaw: "keeps instants to the second",
			open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			caughtBy: []string{"PriceBookRoundTrip", "SettlementRoundTrip", "DocumentRoundTrip", "DocumentsQuery", "SettlementsQuery", "EventsAppended"}},
		{name: "readsInDealerZone", flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if t, ok := v.Interface().(time.Time); ok {
						v.Set(reflect.ValueOf(t.In(taipei)))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{"PriceBookRoundTrip", "SettlementRoundTrip", "DocumentRoundTrip", "EventsAppended"}},
		{name: "boundsAsWallClock", flaw: "compares a query bound's wall clock, ignoring its zone (instants kept as local text)",
			open: bend(func(o *over) {
				wall := func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
				}
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					q.IssuedFrom, q.IssuedBefore = wall(q.IssuedFrom), wall(q.IssuedBefore)
					return o.BillingStore.Documents(ctx, d, q)
				}
				o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					q.SettledFrom, q.SettledBefore = wall(q.SettledFrom), wall(q.SettledBefore)
					return o.BillingStore.Settlements(ctx, d, q)
				}
			}),
			caughtBy: []string{"DocumentsQuery", "SettlementsQuery", "LargeDocuments"}},
		{name: "nilOverrideAsZero", flaw: "reads a missing override as a pointer to a zero one (nullable columns scanned into a struct)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{"SettlementRoundTrip"}},
		{name: "argsDropped", flaw: "keeps an explanation's Key but not its Args (a column forgotten for the map)",
			open: bendCommit(func(c billing.Change) billing.Change {
				c = cloneChange(c)
				for i := range c.Documents {
					zeroPath(reflect.ValueOf(&c.Documents[i]).Elem(), []string{"Bill", "Lines", "Explain", "Args"})
				}
				return c
			}),
			caughtBy: []string{"DocumentRoundTrip"}},
		{name: "seriesKeyedByDealer", flaw: "keeps one series per dealer, forgetting the series' Name in its key",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					c = cloneChange(c)
					for i := range c.Series {
						c.Series[i].Name = "any"
					}
					return o.BillingStore.Commit(ctx, d, c)
				}
				o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
					sr, err := o.BillingStore.Series(ctx, d, "any")
					sr.Name = name
					return sr, err
				}
			}),
			caughtBy: []string{"SeriesRoundTrip", "SeriesNotFound", "SeriesVersionRule"}},
		{name: "caseFoldKeys", flaw: "finds keys case-insensitively (a _ci collation)",
			open: bend(func(o *over) {
				o.priceBook = func(ctx context.Context, d org.DealerID, v string) (billing.StoredPriceBook, error) {
					return o.BillingStore.PriceBook(ctx, d, strings.ToLower(v))
				}
				o.settlement = func(ctx context.Context, d org.DealerID, k string) (billing.Settlement, error) {
					return o.BillingStore.Settlement(ctx, d, strings.ToLower(k))
				}
				o.document = func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
					return o.BillingStore.Document(ctx, d, billing.DocumentID(strings.ToUpper(string(id))))
				}
				o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
					return o.BillingStore.Series(ctx, d, strings.ToUpper(name))
				}
			}),
			caughtBy: []string{"PriceBookNotFound", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound"}},
		{name: "trimsKeys", flaw: "finds keys with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			open: bend(func(o *over) {
				o.priceBook = func(ctx context.Context, d org.DealerID, v string) (billing.StoredPriceBook, error) {
					return o.BillingStore.PriceBook(ctx, d, strings.TrimRight(v, " "))
				}
				o.settlement = func(ctx context.Context, d org.DealerID, k string) (billing.Settlement, error) {
					return o.BillingStore.Settlement(ctx, d, strings.TrimRight(k, " "))
				}
				o.document = func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
					return o.BillingStore.Document(ctx, d, billing.DocumentID(strings.TrimRight(string(id), " ")))
				}
				o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
					return o.BillingStore.Series(ctx, d, strings.TrimRight(name, " "))
				}
			}),
			caughtBy: []string{"PriceBookNotFound", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound"}},
		{name: "keepsOldRates", flaw: "an update adds a price book's rates, fees and tax rates to the stored ones instead of replacing them (child rows never deleted)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					c = cloneChange(c)
					for i, b := range c.PriceBooks {
						if old, err := o.BillingStore.PriceBook(ctx, d, b.Book.Version); err == nil && b.Version > 1 {
							p := &c.PriceBooks[i].Book
							p.Labor.Rates = mergeNew(old.Book.Labor.Rates, p.Labor.Rates, func(r billing.LaborRate) string { return string(r.PayType) + "/" + r.LaborType })
							p.Fees = mergeNew(old.Book.Fees, p.Fees, func(f billing.FeeRule) string { return f.Code })
							p.Tax.Rates = mergeNew(old.Book.Tax.Rates, p.Tax.Rates, func(r billing.TaxRate) string { return r.Code })
						}
					}
					return o.BillingStore.Commit(ctx, d, c)
				}
			}),
			caughtBy: []string{"PriceBookRoundTrip"}},
	}
}

// mergeNew is latest's elements, then old's whose key latest lacks.
func mergeNew[T any](old, latest []T, key func(T) string) []T {
	out := slices.Clone(latest)
	for _, x := range old {
		if !slices.ContainsFunc(latest, func(y T) bool { return key(y) == key(x) }) {
			out = append(out, x)
		}
	}
	return out
}

func copyStores() []brokenStore {
	copies := []string{"ReadsAreCopies"}
	return []brokenStore{
		{name: "keepsCommittedSlices", flaw: "stores the caller's slices and maps instead of copies", open: mapStore(keepsCommittedSlices), caughtBy: copies},
		{name: "documentReturnsStored", flaw: "Document returns the stored slices and maps", open: mapStore(documentReturnsStored), caughtBy: copies},
		{name: "documentsReturnStored", flaw: "Documents returns the stored slices and maps", open: mapStore(documentsReturnStored), caughtBy: copies},
		{name: "shallowDocuments", flaw: "copies a document's slices but not the Explain.Args maps inside them", open: mapStore(shallowDocuments), caughtBy: copies},
		{name: "settlementReturnsStored", flaw: "Settlement returns the stored Payments, Documents and Override", open: mapStore(settlementReturnsStored), caughtBy: copies},
		{name: "settlementsReturnStored", flaw: "Settlements returns the stored Payments, Documents and Override", open: mapStore(settlementsReturnStored), caughtBy: copies},
		{name: "priceBookReturnsStored", flaw: "PriceBook returns the stored slices", open: mapStore(priceBookReturnsStored), caughtBy: copies},
		{name: "activePriceBookReturnsStored", flaw: "ActivePriceBook returns the stored slices", open: mapStore(activePriceBookReturnsStored), caughtBy: copies},
		{name: "shallowPriceBooks", flaw: "copies a price book's slices but not a fee's PayTypes", open: mapStore(shallowPriceBooks), caughtBy: copies},
		{name: "eventsReturnStored", flaw: "Events returns the stored Data", open: mapStore(eventsReturnStored), caughtBy: copies},
	}
}

func versionStores() []brokenStore {
	versionChecks := []string{"PriceBookVersionRule", "SettlementVersionRule", "DocumentVersionRule", "SeriesVersionRule"}
	concurrent := []string{"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"}
	return []brokenStore{
		{name: "lastWriterWins", flaw: "ignores Version: every write of Version >= 1 lands",
			open: mapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "lastWriterWinsSlow", flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			open: slowMapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "createOverwrites", flaw: "Version 1 replaces an existing record",
			open: mapStore(createOverwrites), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "staleWins", flaw: "Version n > 1 replaces whatever version is stored",
			open: mapStore(staleWins), caughtBy: slices.Concat(versionChecks, []string{"ConcurrentSeriesGapless"})},
		{name: "updateCreates", flaw: "Version n > 1 of a missing record creates it (an upsert)",
			open: mapStore(updateCreates), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"})},
		{name: "versionZeroAccepted", flaw: "Version < 1 is written instead of refused with ErrInvalid",
			open: mapStore(versionZeroAccepted), caughtBy: versionChecks},
		{name: "versionZeroConflicts", flaw: "Version < 1 is refused with ErrConflict, not ErrInvalid",
			open: mapStore(versionZeroConflicts), caughtBy: versionChecks},
		{name: "writesThenConflicts", flaw: "writes the whole change, then reports the version conflict",
			open: mapStore(writesThenConflicts), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "checkThenWrite", flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			open: mapStore(checkThenWrite), caughtBy: concurrent},
		{name: "seriesUpserts", flaw: "writes series without a version check (INSERT OR REPLACE); other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "series"), caughtBy: []string{"SeriesVersionRule", "CommitIsAtomic", "ConcurrentSeriesGapless"}},
		{name: "settlementUpserts", flaw: "ignores settlements' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "settlement"), caughtBy: []string{"SettlementVersionRule", "CommitIsAtomic", "ConcurrentSettlementKeyOnce"}},
		{name: "documentUpserts", flaw: "ignores documents' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "document"), caughtBy: []string{"DocumentVersionRule", "CommitIsAtomic"}},
		{name: "priceBookUpserts", flaw: "ignores price books' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "pricebook"), caughtBy: []string{"PriceBookVersionRule", "CommitIsAtomic"}},
	}
}

func atomicStores() []brokenStore {
	return []brokenStore{
		{name: "notAtomic", flaw: "writes each record as its own commit, so records before a conflict land",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					var parts []billing.Change
					for _, doc := range c.Documents {
						parts = append(parts, billing.Change{Documents: []billing.Document{doc}})
					}
					for _, b := range c.PriceBooks {
						parts = append(parts, billing.Change{PriceBooks: []billing.StoredPriceBook{b}})
					}
					for _, st := range c.Settlements {
						parts = append(parts, billing.Change{Settlements: []billing.Settlement{st}})
					}
					for _, sr := range c.Series {
						parts = append(parts, billing.Change{Series: []billing.Series{sr}})
					}
					parts = append(parts, billing.Change{Events: c.Events})
					return commitParts(ctx, o.BillingStore, d, parts)
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentSettlementKeyOnce"}},
		{name: "kindByKind", flaw: "writes each kind of record in its own transaction (one per table)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					return commitParts(ctx, o.BillingStore, d, []billing.Change{
						{Documents: c.Documents}, {PriceBooks: c.PriceBooks}, {Settlements: c.Settlements}, {Series: c.Series}, {Events: c.Events},
					})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentSettlementKeyOnce"}},
		{name: "eventsFirst", flaw: "appends the events (the outbox) before checking the records",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.BillingStore, d, []billing.Change{{Events: evs}, c})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "PriceBookVersionRule", "SettlementVersionRule", "DocumentVersionRule", "SeriesVersionRule",
				"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"}},
		{name: "documentsBeforeSeries", flaw: "writes the documents, then the series in a second transaction: a stale series leaves its document behind",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					series := c.Series
					c.Series = nil
					return commitParts(ctx, o.BillingStore, d, []billing.Change{c, {Series: series}})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "ConcurrentSeriesGapless"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{name: "acceptsOtherDealer", flaw: "writes each record under the dealer it names, not refusing other dealers'",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					parts := map[org.DealerID]*billing.Change{}
					part := func(id org.DealerID) *billing.Change {
						if parts[id] == nil {
							parts[id] = &billing.Change{}
						}
						return parts[id]
					}
					for _, b := range c.PriceBooks {
						p := part(b.DealerID)
						p.PriceBooks = append(p.PriceBooks, b)
					}
					for _, st := range c.Settlements {
						p := part(st.DealerID)
						p.Settlements = append(p.Settlements, st)
					}
					for _, doc := range c.Documents {
						p := part(doc.DealerID)
						p.Documents = append(p.Documents, doc)
					}
					for _, sr := range c.Series {
						p := part(sr.DealerID)
						p.Series = append(p.Series, sr)
					}
					for _, ev := range c.Events {
						p := part(ev.DealerID)
						p.Events = append(p.Events, ev)
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := o.BillingStore.Commit(ctx, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "dealerCheckedOnDocumentsOnly", flaw: "checks DealerID of documents and events only; other records are filed under the commit's dealer",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					c = cloneChange(c)
					for i := range c.PriceBooks {
						c.PriceBooks[i].DealerID = d
					}
					for i := range c.Settlements {
						c.Settlements[i].DealerID = d
					}
					for i := range c.Series {
						c.Series[i].DealerID = d
					}
					return o.BillingStore.Commit(ctx, d, c)
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "priceBookFallsBack", flaw: "PriceBook looks the version up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.priceBook = func(ctx context.Context, d org.DealerID, v string) (billing.StoredPriceBook, error) {
					return fallBack(o, d, func(d org.DealerID) (billing.StoredPriceBook, error) { return o.BillingStore.PriceBook(ctx, d, v) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "activePriceBookFallsBack", flaw: "ActivePriceBook takes another dealer's active book when the asked one has none",
			open: bend(func(o *over) {
				o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
					return fallBack(o, d, func(d org.DealerID) (billing.StoredPriceBook, error) { return o.BillingStore.ActivePriceBook(ctx, d) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "settlementFallsBack", flaw: "Settlement looks the key up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.settlement = func(ctx context.Context, d org.DealerID, k string) (billing.Settlement, error) {
					return fallBack(o, d, func(d org.DealerID) (billing.Settlement, error) { return o.BillingStore.Settlement(ctx, d, k) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "documentFallsBack", flaw: "Document looks the ID up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.document = func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
					return fallBack(o, d, func(d org.DealerID) (billing.Document, error) { return o.BillingStore.Document(ctx, d, id) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "seriesFallsBack", flaw: "Series looks the name up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
					return fallBack(o, d, func(d org.DealerID) (billing.Series, error) { return o.BillingStore.Series(ctx, d, name) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "documentsOfEveryDealer", flaw: "Documents ignores the dealer",
			open: bend(func(o *over) {
				o.documents = func(ctx context.Context, _ org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					return everyDealer(o, q.Limit, func(d billing.Document) string { return string(d.ID) },
						func(d org.DealerID) ([]billing.Document, error) { return o.BillingStore.Documents(ctx, d, q) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "settlementsOfEveryDealer", flaw: "Settlements ignores the dealer",
			open: bend(func(o *over) {
				o.settlements = func(ctx context.Context, _ org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					return everyDealer(o, q.Limit, func(s billing.Settlement) string { return s.Key },
						func(d org.DealerID) ([]billing.Settlement, error) { return o.BillingStore.Settlements(ctx, d, q) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "eventsOfEveryDealer", flaw: "Events ignores the dealer",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					return everyDealer(o, limit, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.BillingStore.Events(ctx, d, after, limit) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "updatesByKeyOnly", flaw: "an update also lands on another dealer's record of the same key (WHERE key = ? without dealer_id)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					if err := o.BillingStore.Commit(ctx, d, c); err != nil {
						return err
					}
					for _, other := range o.knownDealers() {
						if other == d {
							continue
						}
						var echo billing.Change
						for _, st := range c.Settlements {
							if cur, err := o.BillingStore.Settlement(ctx, other, st.Key); err == nil && st.Version > 1 && cur.Version == st.Version-1 {
								st = st.Clone()
								st.DealerID = other
								echo.Settlements = append(echo.Settlements, st)
							}
						}
						for _, sr := range c.Series {
							if cur, err := o.BillingStore.Series(ctx, other, sr.Name); err == nil && sr.Version > 1 && cur.Version == sr.Version-1 {
								sr.DealerID = other
								echo.Series = append(echo.Series, sr)
							}
						}
						if err := o.BillingStore.Commit(ctx, other, echo); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
	}
}

func listStores() []brokenStore {
	type dq = billing.DocumentQuery
	type sq = billing.SettlementQuery
	later := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.Add(time.Nanosecond)
	}
	return []brokenStore{
		{name: "documentsIgnoreLimit", flaw: "Documents returns every match, ignoring Limit",
			open: bendDocuments(func(q *dq) { q.Limit = 0 }), caughtBy: []string{"DocumentsQuery"}},
		{name: "documentsIgnoreAfter", flaw: "Documents starts every page from the first ID, ignoring After",
			open: bendDocuments(func(q *dq) { q.After = "" }), caughtBy: []string{"DocumentsQuery", "LargeDocuments"}},
		{name: "documentsAfterInclusive", flaw: "Documents starts a page at After, not after it (id >= ?)",
			open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					if q.After != "" {
						if doc, err := o.BillingStore.Document(ctx, d, q.After); err == nil {
							q.Limit--
							rest, err := o.BillingStore.Documents(ctx, d, q)
							return append([]billing.Document{doc}, rest...), err
						}
					}
					return o.BillingStore.Documents(ctx, d, q)
				}
			}),
			caughtBy: []string{"DocumentsQuery"}},
		{name: "documentsCaseFoldOrder", flaw: "orders and pages document IDs case-insensitively (a database collation), not in byte order",
			open: bend(func(o *over) {
				fold := func(id billing.DocumentID) string { return strings.ToLower(string(id)) }
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					limit, after := q.Limit, q.After
					q.Limit, q.After = 0, ""
					all, err := o.BillingStore.Documents(ctx, d, q)
					slices.SortStableFunc(all, func(a, b billing.Document) int { return strings.Compare(fold(a.ID), fold(b.ID)) })
					out := []billing.Document{}
					for _, doc := range all {
						if (after == "" || fold(doc.ID) > fold(after)) && len(out) < limit {
							out = append(out, doc)
						}
					}
					return out, err
				}
			}),
			caughtBy: []string{"DocumentsQuery"}},
		{name: "firstThousandOnly", flaw: "pages within the first 1000 documents only (LIMIT applied before WHERE id > after)",
			open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					first := q
					first.After, first.Limit = "", org.MaxPage
					all, err := o.BillingStore.Documents(ctx, d, first)
					out := []billing.Document{}
					for _, doc := range all {
						if doc.ID > q.After && len(out) < q.Limit {
							out = append(out, doc)
						}
					}
					return out, err
				}
			}),
			caughtBy: []string{"LargeDocuments"}},
		{name: "documentsIgnoreWorkOrder", flaw: "Documents ignores WorkOrder", open: bendDocuments(func(q *dq) { q.WorkOrder = "" }), caughtBy: []string{"DocumentsQuery"}},
		{name: "documentsWorkOrderPrefix", flaw: "Documents matches WorkOrder by prefix (LIKE 'wo-1%')",
			open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					wo, limit := q.WorkOrder, q.Limit
					q.WorkOrder, q.Limit = "", 0
					all, err := o.BillingStore.Documents(ctx, d, q)
					out := slices.DeleteFunc(all, func(doc billing.Document) bool { return !strings.HasPrefix(doc.WorkOrder, wo) })
					return out[:min(len(out), limit)], err
				}
			}),
			caughtBy: []string{"DocumentsQuery"}},
		{name: "documentsIgnoreKind", flaw: "Documents ignores Kind", open: bendDocuments(func(q *dq) { q.Kind = "" }), caughtBy: []string{"DocumentsQuery", "EmptyResults", "LargeDocuments"}},
		{name: "issuedFromExclusive", flaw: "Documents leaves out one issued at IssuedFrom exactly (issued_at > ?)",
			open: bendDocuments(func(q *dq) { q.IssuedFrom = later(q.IssuedFrom) }), caughtBy: []string{"DocumentsQuery"}},
		{name: "issuedBeforeInclusive", flaw: "Documents includes one issued at IssuedBefore exactly (issued_at <= ?)",
			open: bendDocuments(func(q *dq) { q.IssuedBefore = later(q.IssuedBefore) }), caughtBy: []string{"DocumentsQuery"}},
		{name: "documentsIgnoreBounds", flaw: "Documents ignores IssuedFrom and IssuedBefore",
			open: bendDocuments(func(q *dq) { q.IssuedFrom, q.IssuedBefore = time.Time{}, time.Time{} }), caughtBy: []string{"DocumentsQuery", "LargeDocuments"}},

		{name: "settlementsIgnoreLimit", flaw: "Settlements ignores Limit", open: bendSettlements(func(q *sq) { q.Limit = 0 }), caughtBy: []string{"SettlementsQuery"}},
		{name: "settlementsIgnoreAfter", flaw: "Settlements ignores After", open: bendSettlements(func(q *sq) { q.After = "" }), caughtBy: []string{"SettlementsQuery"}},
		{name: "settlementsIgnoreAdvisor", flaw: "Settlements ignores Advisor", open: bendSettlements(func(q *sq) { q.Advisor = "" }), caughtBy: []string{"SettlementsQuery", "EmptyResults"}},
		{name: "settledFromExclusive", flaw: "Settlements leaves out one settled at SettledFrom exactly",
			open: bendSettlements(func(q *sq) { q.SettledFrom = later(q.SettledFrom) }), caughtBy: []string{"SettlementsQuery"}},
		{name: "settledBeforeInclusive", flaw: "Settlements includes one settled at SettledBefore exactly",
			open: bendSettlements(func(q *sq) { q.SettledBefore = later(q.SettledBefore) }), caughtBy: []string{"SettlementsQuery"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{name: "newestEventsFirst", flaw: "Events returns newest first",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.BillingStore.Events(ctx, d, after, 1<<30)
					slices.Reverse(evs)
					return evs[:min(len(evs), limit)], err
				}
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "eventsIgnoreLimit", flaw: "Events returns every event after the cursor, ignoring limit",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, _ int) ([]org.Event, error) {
					return o.BillingStore.Events(ctx, d, after, 1<<30)
				}
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "eventsIgnoreCursor", flaw: "Events starts from the first event, ignoring after",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.BillingStore.Events(ctx, d, 0, limit)
				}
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "eventsWithRecordsDropped", flaw: "writes a change's events only when it holds no records",
			open: bendCommit(func(c billing.Change) billing.Change {
				if len(c.PriceBooks)+len(c.Settlements)+len(c.Documents)+len(c.Series) > 0 {
					c.Events = nil
				}
				return c
			}),
			caughtBy: []string{"EventsAppended", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"}},
		{name: "separateTrail", flaw: "keeps billing events in a trail of their own, not the dealer's",
			open: bend(func(o *over) {
				side := memstore.New().Billing()
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					evs := c.Events
					c.Events = nil
					if err := o.BillingStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return side.Commit(ctx, d, billing.Change{Events: evs})
				}
			}),
			caughtBy: []string{"EventsAppended", "TenancyIsolation", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"}},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{
		{name: "ignoresContext", flaw: "never checks ctx",
			open:     bend(func(o *over) { o.mapContexts(context.WithoutCancel, true) }),
			caughtBy: []string{"ContextDone"}},
		{name: "readsIgnoreContext", flaw: "checks ctx in Commit only",
			open:     bend(func(o *over) { o.mapContexts(context.WithoutCancel, false) }),
			caughtBy: []string{"ContextDone"}},
		{name: "checksContextAfterWriting", flaw: "Commit writes, then returns ctx.Err()",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					if err := o.BillingStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			}),
			caughtBy: []string{"ContextDone"}},
		{name: "hidesContextError", flaw: "returns its own error, not one matching ctx.Err(), when ctx is done",
			open: bend(func(o *over) {
				unavailable := errors.New("store unavailable")
				o.mapErrors(func(err error) error {
					if errors.Is(err, context.Canceled) {
						return unavailable
					}
					return err
				})
			}),
			caughtBy: []string{"ContextDone"}},
	}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore struct {
	name string
	how  string
	open func() billing.Store
	// skips are checks that must report ErrSkip: the store lacks the
	// optional part they are about.
	skips []string
}

func soundStores() []soundStore {
	return []soundStore{
		{name: "memstore", how: "the shipped in-memory store", open: func() billing.Store { return memstore.New().Billing() }},
		{name: "memstoreMinimal", how: "memstore behind the bare interface: no way to read the trail",
			open: func() billing.Store { return minimal{memstore.New().Billing()} }, skips: []string{"EventsAppended"}},
		{name: "mapStore", how: "this file's map store with no flaw, the base of the version and copy breakages", open: mapStore(noFlaw)},
		{name: "mapStoreSlow", how: "answers reads after 1ms, so concurrent writers conflict and retry", open: slowMapStore(noFlaw)},
		{name: "wrapsErrors", how: "wraps every error in its own message (fmt.Errorf with %w)",
			open: bend(func(o *over) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{name: "nilForNone", how: "returns nil slices, not empty ones, for no match",
			open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					return nilIfEmpty(o.BillingStore.Documents(ctx, d, q))
				}
				o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					return nilIfEmpty(o.BillingStore.Settlements(ctx, d, q))
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return nilIfEmpty(o.BillingStore.Events(ctx, d, after, limit))
				}
			})},
		{name: "emptyAsNil", how: "reads every empty slice and map inside a record as nil (JSON columns with omitempty)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{name: "nilAsEmpty", how: "reads every nil slice and map inside a record as empty (JSON columns holding [] and {})",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					switch {
					case !v.CanSet() || (v.Kind() != reflect.Slice && v.Kind() != reflect.Map) || !v.IsNil():
						return false
					case v.Kind() == reflect.Map:
						v.Set(reflect.MakeMap(v.Type()))
					case v.Type() != reflect.TypeFor[[]byte]() && v.Type().Name() == "":
						v.Set(reflect.MakeSlice(v.Type(), 0, 0))
					default:
						return false
					}
					return true
				})
			})},
		{name: "seqWithGaps", how: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.BillingStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{name: "keepsMicroseconds", how: "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Microsecond) })
			})},
		{name: "fixedScaleMoney", how: "reads every amount back at scale 4 (12.50 as 12.5000), as a TEXT or NUMERIC(24,4) column does",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if d, ok := v.Interface().(decimal.Decimal); ok {
						v.Set(reflect.ValueOf(decimal.RequireFromString(d.StringFixed(4))))
						return true
					}
					return false
				})
			})},
		{name: "utcFromDriver", how: "reads instants as a driver does: UTC, rebuilt from parts",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if t, ok := v.Interface().(time.Time); ok {
						if !t.IsZero() {
							t = time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
						}
						v.Set(reflect.ValueOf(t))
						return true
					}
					return false
				})
			})},
		{name: "activeAmongMany", how: "finds the active price book among many by scanning every version in order",
			open: bend(func(o *over) {
				o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
					for _, v := range []string{"2026-10", "2026-11", "2026-12", "2027-01"} {
						if b, err := o.BillingStore.PriceBook(ctx, d, v); err == nil && b.Active {
							return b, nil
						} else if err != nil && !errors.Is(err, org.ErrNotFound) {
							return b, err
						}
					}
					return o.BillingStore.ActivePriceBook(ctx, d)
				}
			})},
	}
}

func TestKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	known := checkNames()
	for _, b := range brokenStores() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, name := range b.caughtBy {
				if !known[name] {
					t.Fatalf("%s names check %q, which billingtest.Checks does not have", b.name, name)
				}
			}
			var (
				mu     sync.Mutex
				failed []string
			)
			t.Cleanup(func() {
				slices.Sort(failed)
				t.Logf("a store that %s fails %d checks: %s", b.flaw, len(failed), strings.Join(failed, ", "))
			})
			for _, c := range billingtest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					if c.Large && !slices.Contains(b.caughtBy, c.Name) {
						// Features.SkipLarge, in effect: thousands of
						// records per broken store cost a minute under
						// -race and prove nothing the store is named for.
						t.Skip("a large check this store is not named for")
					}
					t.Parallel()
					err, panicked := runCheck(t, c, b.open())
					if err != nil && !errors.Is(err, billingtest.ErrSkip) {
						mu.Lock()
						failed = append(failed, c.Name)
						mu.Unlock()
					}
					switch {
					case panicked:
						t.Errorf("%s panicked on a store that %s, instead of returning an error: %v", c.Name, b.flaw, err)
					case slices.Contains(b.caughtBy, c.Name):
						if err == nil || errors.Is(err, billingtest.ErrSkip) {
							t.Errorf("%s passed a store that %s (err %v)", c.Name, b.flaw, err)
							return
						}
						t.Logf("caught: %v", err)
					case err != nil:
						t.Logf("also failed: %v", err)
					}
				})
			}
		})
	}
}

func TestKitPassesSoundStores(t *testing.T) {
	t.Parallel()
	for _, s := range soundStores() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range billingtest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, _ := runCheck(t, c, s.open())
					switch skipped := errors.Is(err, billingtest.ErrSkip); {
					case slices.Contains(s.skips, c.Name) && !skipped:
						t.Errorf("%s should skip a store that %s; got %v", c.Name, s.how, err)
					case slices.Contains(s.skips, c.Name):
						t.Logf("skipped, as it should: %v", err)
					case err != nil:
						t.Errorf("%s failed a sound store that %s: %v", c.Name, s.how, err)
					}
				})
			}
		})
	}
}

// TestKitCatchesForgottenColumns writes, for every field of every record
// (nested ones included), a store that does not keep it: a forgotten
// column. The kind's round trip check must catch each. A field the kit's
// fixture leaves zero, or its diff does not compare, fails here.
func TestKitCatchesForgottenColumns(t *testing.T) {
	t.Parallel()
	checks := map[string]billingtest.Check{}
	for _, c := range billingtest.Checks() {
		checks[c.Name] = c
	}
	kinds := []struct {
		typ   reflect.Type
		check string
		zero  func(c billing.Change, path []string) billing.Change
	}{
		{reflect.TypeFor[billing.StoredPriceBook](), "PriceBookRoundTrip", func(c billing.Change, path []string) billing.Change {
			for i := range c.PriceBooks {
				zeroPath(reflect.ValueOf(&c.PriceBooks[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[billing.Settlement](), "SettlementRoundTrip", func(c billing.Change, path []string) billing.Change {
			for i := range c.Settlements {
				zeroPath(reflect.ValueOf(&c.Settlements[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[billing.Document](), "DocumentRoundTrip", func(c billing.Change, path []string) billing.Change {
			for i := range c.Documents {
				zeroPath(reflect.ValueOf(&c.Documents[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[billing.Series](), "SeriesRoundTrip", func(c billing.Change, path []string) billing.Change {
			for i := range c.Series {
				zeroPath(reflect.ValueOf(&c.Series[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[org.Event](), "EventsAppended", func(c billing.Change, path []string) billing.Change {
			for i := range c.Events {
				zeroPath(reflect.ValueOf(&c.Events[i]).Elem(), path)
			}
			return c
		}},
	}
	for _, k := range kinds {
		for _, path := range leaves(k.typ, nil) {
			if k.typ == reflect.TypeFor[org.Event]() && path[0] == "Seq" {
				continue // the store assigns it
			}
			name := k.typ.Name() + "." + strings.Join(path, ".")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := bendCommit(func(c billing.Change) billing.Change { return k.zero(cloneChange(c), path) })()
				err, panicked := runCheck(t, checks[k.check], s)
				switch {
				case panicked:
					t.Errorf("%s panicked on a store that forgets %s: %v", k.check, name, err)
				case err == nil:
					t.Errorf("%s passed a store that forgets %s: the fixture leaves it zero, or the diff skips it", k.check, name)
				}
			})
		}
	}
}

// TestEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	by := map[string][]string{}
	for _, b := range brokenStores() {
		for _, name := range b.caughtBy {
			by[name] = append(by[name], b.name)
		}
	}
	for _, c := range billingtest.Checks() {
		if len(by[c.Name]) == 0 {
			t.Errorf("no broken store must fail %s: write one that breaks %q", c.Name, c.Rule)
			continue
		}
		t.Logf("%s catches %s", c.Name, strings.Join(by[c.Name], ", "))
	}
}

// TestTestStoreFailsBrokenStore runs billingtest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and a trail it cannot read skip.
func TestTestStoreFailsBrokenStore(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestChildTestStore$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); !ok || exit.ExitCode() != 1 {
		t.Fatalf("TestStore on a store that hides ErrNotFound: got %v, want the child test to fail\n%s", err, out)
	}
	nf := check(t, "DocumentNotFound")
	for _, want := range []string{
		"--- FAIL: TestChildTestStore/DocumentNotFound",
		`billingtest: DocumentNotFound: Document(d1, "INV-000002"): got error <nil>, want one matching ` + org.ErrNotFound.Error(),
		"rule broken: " + nf.Rule,
		"--- PASS: TestChildTestStore/DocumentRoundTrip",
		"--- SKIP: TestChildTestStore/LargeDocuments",
		"--- SKIP: TestChildTestStore/EventsAppended",
		"Features.Events is not set",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

const childEnv = "BILLINGTEST_KIT_CHILD"

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run in a child process by TestTestStoreFailsBrokenStore")
	}
	var open func() billing.Store
	for _, b := range brokenStores() {
		if b.name == "missingIsZero" {
			open = b.open
		}
	}
	billingtest.TestStore(t, billingtest.Harness{
		NewStore: func(*testing.T) billing.Store { return minimal{open()} },
		Features: billingtest.Features{SkipLarge: true},
	})
}

func checkNames() map[string]bool {
	known := map[string]bool{}
	for _, c := range billingtest.Checks() {
		known[c.Name] = true
	}
	return known
}

func check(t *testing.T, name string) billingtest.Check {
	t.Helper()
	for _, c := range billingtest.Checks() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("billingtest.Checks has no check %q", name)
	return billingtest.Check{}
}

// runCheck runs c on s, turning a panic of the check into an error. The
// kit finds the trail of a store that reads it by itself.
func runCheck(t *testing.T, c billingtest.Check, s billing.Store) (err error, panicked bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	return c.Run(ctx, s, billingtest.Features{}), false
}

// minimal hides everything of a store but billing.Store.
type minimal struct{ billing.Store }
