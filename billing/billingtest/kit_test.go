package billingtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of billing.Store, and exactly the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKitCatchesForgottenColumns generates one broken store
// per field of every record, by reflection, so a field added to a record
// and forgotten by the kit's diff fails here.
//
// The shared rules (versions, copies, tenancy, the trail...) are proven
// once more by the flaws of internal/kit, which bend memstore through this
// kit's declarations: TestSharedRulesCatchFlaws (domain_test.go), one flaw
// per reference of every record among them. The stores here break the
// rules as real stores do, at the storage level.
//
// The stores themselves are in kit_stores_test.go.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore = kitcheck.Broken[billing.Store]

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), versionStores(), atomicStores(),
		tenancyStores(), listStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{Name: "plainNotFound", Flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			Open: bend(func(o *over) { o.mapErrors(kitcheck.PlainNotFound) }),
			CaughtBy: slices.Concat(twiceChecks, []string{
				"PriceBookNotFound", "ActivePriceBook", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound",
				"PriceBookVersionRule", "TenancyIsolation", "ConcurrentSeriesGapless", "CommitIsAtomic",
				"CommitOtherDealerInvalid", "ConcurrentSettlementKeyOnce", "ContextDone", "DocumentVersionRule",
				"SeriesVersionRule", "SettlementVersionRule"})},
		{Name: "missingIsZero", Flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			Open: bend(func(o *over) { o.mapErrors(kitcheck.NilIfNotFound) }),
			CaughtBy: []string{
				"PriceBookNotFound", "ActivePriceBook", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound",
				"PriceBookVersionRule", "SettlementVersionRule", "DocumentVersionRule", "SeriesVersionRule",
				"TenancyIsolation", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"}},
		{Name: "seriesMissingIsFresh", Flaw: "Series answers a series never written with Next 1 at version 0",
			Open: bend(func(o *over) {
				o.series = func(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
					sr, err := o.BillingStore.Series(ctx, d, name)
					if errors.Is(err, org.ErrNotFound) {
						return billing.Series{DealerID: d, Name: name, Next: 1}, nil
					}
					return sr, err
				}
			}),
			CaughtBy: []string{"SeriesNotFound", "SeriesVersionRule", "TenancyIsolation"}},
		{Name: "activeIsLatest", Flaw: "ActivePriceBook returns the latest version saved, marked active or not",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"ActivePriceBook"}},
		{Name: "activeStaysFirst", Flaw: "ActivePriceBook keeps answering the first book ever marked active (a cached row never invalidated)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"ActivePriceBook"}},
		{Name: "emptyIsNotFound", Flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			Open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					return kitcheck.NotFoundIfEmpty(o.BillingStore.Documents(ctx, d, q))
				}
				o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					return kitcheck.NotFoundIfEmpty(o.BillingStore.Settlements(ctx, d, q))
				}
			}),
			CaughtBy: []string{
				"EmptyResults", "DocumentsQuery", "SettlementsQuery", "DocumentVersionRule", "PriceBookVersionRule",
				"SeriesVersionRule", "SettlementVersionRule", "TenancyIsolation"}},
	}
}

func valueStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{Name: "floatMoney", Flaw: "passes amounts through float64 on write",
			Open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			CaughtBy: []string{
				"AmountsExact", "PriceBookRoundTrip", "SettlementRoundTrip", "DocumentRoundTrip", "ActivePriceBook",
				"ReadsAreCopies"}},
		{Name: "moneyTwoPlaces", Flaw: "keeps 2 decimals of an amount (a NUMERIC(22,2) column), not 4",
			Open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "PriceBookRoundTrip", "ActivePriceBook", "ReadsAreCopies"}},
		{Name: "moneyUnsigned", Flaw: "drops the sign of an amount (an unsigned column)",
			Open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			CaughtBy: []string{"AmountsExact", "DocumentRoundTrip", "ReadsAreCopies"}},
		{Name: "dropsMicroseconds", Flaw: "keeps instants to the second",
			Open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			CaughtBy: []string{
				"PriceBookRoundTrip", "SettlementRoundTrip", "DocumentRoundTrip", "DocumentsQuery", "SettlementsQuery",
				"EventsAppended", "ActivePriceBook", "AmountsExact", "ConcurrentSettlementKeyOnce", "DocumentVersionRule",
				"PriceBookVersionRule", "ReadsAreCopies", "SettlementVersionRule", "TenancyIsolation"}},
		{Name: "readsInDealerZone", Flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if t, ok := v.Interface().(time.Time); ok {
						v.Set(reflect.ValueOf(t.In(taipei)))
						return true
					}
					return false
				})
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{
				"PriceBookRoundTrip", "SettlementRoundTrip", "DocumentRoundTrip", "EventsAppended", "ActivePriceBook",
				"AmountsExact", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentSettlementKeyOnce", "ContextDone",
				"DocumentVersionRule", "PriceBookVersionRule", "ReadsAreCopies", "SeriesVersionRule",
				"SettlementVersionRule", "TenancyIsolation"})},
		{Name: "boundsAsWallClock", Flaw: "compares a query bound's wall clock, ignoring its zone (instants kept as local text)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"DocumentsQuery", "SettlementsQuery", "LargeDocuments"}},
		{Name: "nilOverrideAsZero", Flaw: "reads a missing override as a pointer to a zero one (nullable columns scanned into a struct)",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			CaughtBy: []string{
				"SettlementRoundTrip", "ConcurrentSettlementKeyOnce", "SettlementVersionRule", "TenancyIsolation"}},
		{Name: "argsDropped", Flaw: "keeps an explanation's Key but not its Args (a column forgotten for the map)",
			Open: bendCommit(func(c billing.Change) billing.Change {
				c = cloneChange(c)
				for i := range c.Documents {
					kitcheck.ZeroPath(reflect.ValueOf(&c.Documents[i]).Elem(), []string{"Bill", "Lines", "Explain", "Args"})
				}
				return c
			}),
			CaughtBy: []string{"DocumentRoundTrip", "AmountsExact", "DocumentVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{Name: "seriesKeyedByDealer", Flaw: "keeps one series per dealer, forgetting the series' Name in its key",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"SeriesRoundTrip", "SeriesNotFound", "SeriesVersionRule", "TenancyIsolation", "EventsAppended"}},
		{Name: "caseFoldKeys", Flaw: "finds keys case-insensitively (a _ci collation)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"PriceBookNotFound", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound"}},
		{Name: "trimsKeys", Flaw: "finds keys with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"PriceBookNotFound", "SettlementNotFound", "DocumentNotFound", "SeriesNotFound"}},
		{Name: "keepsOldRates", Flaw: "an update adds a price book's rates, fees and tax rates to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"PriceBookRoundTrip"}},
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

func versionStores() []brokenStore {
	versionChecks := []string{"PriceBookVersionRule", "SettlementVersionRule", "DocumentVersionRule", "SeriesVersionRule"}
	concurrent := []string{"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"}
	return []brokenStore{
		{Name: "lastWriterWins", Flaw: "ignores Version: every write of Version >= 1 lands",
			Open: mapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "lastWriterWinsSlow", Flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			Open: slowMapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "createOverwrites", Flaw: "Version 1 replaces an existing record",
			Open: mapStore(createOverwrites), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "staleWins", Flaw: "Version n > 1 replaces whatever version is stored",
			Open: mapStore(staleWins), CaughtBy: slices.Concat(versionChecks, []string{"ConcurrentSeriesGapless"})},
		{Name: "writesThenConflicts", Flaw: "writes the whole change, then reports the version conflict",
			Open: mapStore(writesThenConflicts), CaughtBy: slices.Concat(twiceChecks, versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "checkThenWrite", Flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			Open: mapStore(checkThenWrite), CaughtBy: concurrent},
		{Name: "seriesUpserts", Flaw: "writes series without a version check (INSERT OR REPLACE); other kinds keep the rule",
			Open:     mapStoreOnly(lastWriterWins, "series"),
			CaughtBy: []string{"SeriesVersionRule", "CommitIsAtomic", "ConcurrentSeriesGapless"}},
		{Name: "settlementUpserts", Flaw: "ignores settlements' Version; other kinds keep the rule",
			Open:     mapStoreOnly(lastWriterWins, "settlement"),
			CaughtBy: []string{"SettlementVersionRule", "CommitIsAtomic", "ConcurrentSettlementKeyOnce"}},
		{Name: "repeatsAcrossActive", Flaw: "refuses a price book named twice among the books a change switches off and among those it switches on, not across the two (one table written in two steps): version 1 off and version 2 on land",
			Open: mapStore(repeatsAcrossActive), CaughtBy: []string{"PriceBookTwiceInAChange"}},
	}
}

// twiceChecks are the checks of a Change naming one record twice, one per
// record kind.
var twiceChecks = []string{"PriceBookTwiceInAChange", "SettlementTwiceInAChange", "DocumentTwiceInAChange", "SeriesTwiceInAChange"}

func atomicStores() []brokenStore {
	return []brokenStore{
		{Name: "notAtomic", Flaw: "writes each record as its own commit, so records before a conflict land",
			Open: bend(func(o *over) {
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
			CaughtBy: slices.Concat(twiceChecks, []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentSettlementKeyOnce", "ConcurrentSeriesGapless"})},
		{Name: "kindByKind", Flaw: "writes each kind of record in its own transaction (one per table)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					return commitParts(ctx, o.BillingStore, d, []billing.Change{
						{Documents: c.Documents}, {PriceBooks: c.PriceBooks}, {Settlements: c.Settlements}, {Series: c.Series}, {Events: c.Events},
					})
				}
			}),
			CaughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentSettlementKeyOnce", "ConcurrentSeriesGapless",
				"PriceBookTwiceInAChange", "SettlementTwiceInAChange", "SeriesTwiceInAChange"}},
		{Name: "eventsFirst", Flaw: "appends the events (the outbox) before checking the records",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.BillingStore, d, []billing.Change{{Events: evs}, c})
				}
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{
				"CommitIsAtomic", "PriceBookVersionRule", "SettlementVersionRule", "DocumentVersionRule",
				"SeriesVersionRule", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce", "CommitOtherDealerInvalid"})},
		{Name: "documentsBeforeSeries", Flaw: "writes the documents, then the series in a second transaction: a stale series leaves its document behind",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					series := c.Series
					c.Series = nil
					return commitParts(ctx, o.BillingStore, d, []billing.Change{c, {Series: series}})
				}
			}),
			CaughtBy: []string{"CommitIsAtomic", "ConcurrentSeriesGapless", "CommitOtherDealerInvalid", "SeriesVersionRule", "SeriesTwiceInAChange"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "acceptsOtherDealer", Flaw: "writes each record under the dealer it names, not refusing other dealers'",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					if err := ctx.Err(); err != nil {
						return err
					}
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
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "dealerCheckedOnDocumentsOnly", Flaw: "checks DealerID of documents and events only; other records are filed under the commit's dealer",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "activePriceBookFallsBack", Flaw: "ActivePriceBook takes another dealer's active book when the asked one has none",
			Open: bend(func(o *over) {
				o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
					return fallBack(o, d, func(d org.DealerID) (billing.StoredPriceBook, error) { return o.BillingStore.ActivePriceBook(ctx, d) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "ActivePriceBook"}},
		{Name: "documentsOfEveryDealer", Flaw: "Documents ignores the dealer",
			Open: bend(func(o *over) {
				o.documents = func(ctx context.Context, _ org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					return everyDealer(o, q.Limit, func(d billing.Document) string { return string(d.ID) },
						func(d org.DealerID) ([]billing.Document, error) { return o.BillingStore.Documents(ctx, d, q) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid", "DocumentsQuery"}},
		{Name: "settlementsOfEveryDealer", Flaw: "Settlements ignores the dealer",
			Open: bend(func(o *over) {
				o.settlements = func(ctx context.Context, _ org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					return everyDealer(o, q.Limit, func(s billing.Settlement) string { return s.Key },
						func(d org.DealerID) ([]billing.Settlement, error) { return o.BillingStore.Settlements(ctx, d, q) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid", "SettlementsQuery"}},
		{Name: "eventsOfEveryDealer", Flaw: "Events ignores the dealer",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					return everyDealer(o, limit, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.BillingStore.Events(ctx, d, after, limit) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "updatesByKeyOnly", Flaw: "an update also lands on another dealer's record of the same key (WHERE key = ? without dealer_id)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"TenancyIsolation"}},
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
		{Name: "documentsIgnoreLimit", Flaw: "Documents returns every match, ignoring Limit",
			Open: bendDocuments(func(q *dq) { q.Limit = 0 }), CaughtBy: []string{"DocumentsQuery"}},
		{Name: "documentsIgnoreAfter", Flaw: "Documents starts every page from the first ID, ignoring After",
			Open: bendDocuments(func(q *dq) { q.After = "" }), CaughtBy: []string{"DocumentsQuery", "LargeDocuments"}},
		{Name: "documentsAfterInclusive", Flaw: "Documents starts a page at After, not after it (id >= ?)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"DocumentsQuery"}},
		{Name: "documentsCaseFoldOrder", Flaw: "orders and pages document IDs case-insensitively (a database collation), not in byte order",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"DocumentsQuery"}},
		{Name: "firstThousandOnly", Flaw: "pages within the first 1000 documents only (LIMIT applied before WHERE id > after)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"LargeDocuments"}},
		{Name: "documentsIgnoreWorkOrder", Flaw: "Documents ignores WorkOrder",
			Open:     bendDocuments(func(q *dq) { q.WorkOrder = "" }),
			CaughtBy: []string{"DocumentsQuery"}},
		{Name: "documentsWorkOrderPrefix", Flaw: "Documents matches WorkOrder by prefix (LIKE 'wo-1%')",
			Open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					wo, limit := q.WorkOrder, q.Limit
					q.WorkOrder, q.Limit = "", 0
					all, err := o.BillingStore.Documents(ctx, d, q)
					out := slices.DeleteFunc(all, func(doc billing.Document) bool { return !strings.HasPrefix(doc.WorkOrder, wo) })
					return out[:min(len(out), limit)], err
				}
			}),
			CaughtBy: []string{"DocumentsQuery"}},
		{Name: "documentsIgnoreKind", Flaw: "Documents ignores Kind",
			Open:     bendDocuments(func(q *dq) { q.Kind = "" }),
			CaughtBy: []string{"DocumentsQuery", "EmptyResults", "LargeDocuments"}},
		{Name: "issuedFromExclusive", Flaw: "Documents leaves out one issued at IssuedFrom exactly (issued_at > ?)",
			Open: bendDocuments(func(q *dq) { q.IssuedFrom = later(q.IssuedFrom) }), CaughtBy: []string{"DocumentsQuery"}},
		{Name: "issuedBeforeInclusive", Flaw: "Documents includes one issued at IssuedBefore exactly (issued_at <= ?)",
			Open: bendDocuments(func(q *dq) { q.IssuedBefore = later(q.IssuedBefore) }), CaughtBy: []string{"DocumentsQuery"}},
		{Name: "documentsIgnoreBounds", Flaw: "Documents ignores IssuedFrom and IssuedBefore",
			Open:     bendDocuments(func(q *dq) { q.IssuedFrom, q.IssuedBefore = time.Time{}, time.Time{} }),
			CaughtBy: []string{"DocumentsQuery", "LargeDocuments"}},

		{Name: "settlementsIgnoreLimit", Flaw: "Settlements ignores Limit",
			Open:     bendSettlements(func(q *sq) { q.Limit = 0 }),
			CaughtBy: []string{"SettlementsQuery"}},
		{Name: "settlementsIgnoreAfter", Flaw: "Settlements ignores After",
			Open:     bendSettlements(func(q *sq) { q.After = "" }),
			CaughtBy: []string{"SettlementsQuery"}},
		{Name: "settlementsIgnoreAdvisor", Flaw: "Settlements ignores Advisor",
			Open:     bendSettlements(func(q *sq) { q.Advisor = "" }),
			CaughtBy: []string{"SettlementsQuery", "EmptyResults"}},
		{Name: "settledFromExclusive", Flaw: "Settlements leaves out one settled at SettledFrom exactly",
			Open: bendSettlements(func(q *sq) { q.SettledFrom = later(q.SettledFrom) }), CaughtBy: []string{"SettlementsQuery"}},
		{Name: "settledBeforeInclusive", Flaw: "Settlements includes one settled at SettledBefore exactly",
			Open:     bendSettlements(func(q *sq) { q.SettledBefore = later(q.SettledBefore) }),
			CaughtBy: []string{"SettlementsQuery"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{Name: "newestEventsFirst", Flaw: "Events returns newest first",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.BillingStore.Events(ctx, d, after, 1<<30)
					slices.Reverse(evs)
					return evs[:min(len(evs), limit)], err
				}
			}),
			CaughtBy: []string{
				"EventsAppended", "ConcurrentSeriesGapless", "DocumentVersionRule", "PriceBookVersionRule",
				"SeriesVersionRule", "SettlementVersionRule"}},
		{Name: "eventsIgnoreLimit", Flaw: "Events returns every event after the cursor, ignoring limit",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, _ int) ([]org.Event, error) {
					return o.BillingStore.Events(ctx, d, after, 1<<30)
				}
			}),
			CaughtBy: []string{"EventsAppended"}},
		{Name: "eventsIgnoreCursor", Flaw: "Events starts from the first event, ignoring after",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.BillingStore.Events(ctx, d, 0, limit)
				}
			}),
			CaughtBy: []string{"EventsAppended"}},
		{Name: "eventsWithRecordsDropped", Flaw: "writes a change's events only when it holds no records",
			Open: bendCommit(func(c billing.Change) billing.Change {
				if len(c.PriceBooks)+len(c.Settlements)+len(c.Documents)+len(c.Series) > 0 {
					c.Events = nil
				}
				return c
			}),
			CaughtBy: []string{
				"EventsAppended", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce", "CommitOtherDealerInvalid",
				"DocumentVersionRule", "PriceBookVersionRule", "ReadsAreCopies", "SeriesVersionRule",
				"SettlementVersionRule", "TenancyIsolation"}},
		{Name: "separateTrail", Flaw: "keeps billing events in a trail of their own, not the dealer's",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{
				"EventsAppended", "TenancyIsolation", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce",
				"CommitOtherDealerInvalid", "DocumentVersionRule", "PriceBookVersionRule", "ReadsAreCopies",
				"SeriesVersionRule", "SettlementVersionRule"}},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{
		{Name: "checksContextAfterWriting", Flaw: "Commit writes, then returns ctx.Err()",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					if err := o.BillingStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "hidesContextError", Flaw: "returns its own error, not one matching ctx.Err(), when ctx is done",
			Open: bend(func(o *over) {
				unavailable := errors.New("store unavailable")
				o.mapErrors(func(err error) error {
					if errors.Is(err, context.Canceled) {
						return unavailable
					}
					return err
				})
			}),
			CaughtBy: []string{"ContextDone"}},
	}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[billing.Store]

func soundStores() []soundStore {
	return []soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() billing.Store { return memstore.New().Billing() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() billing.Store { return minimal{memstore.New().Billing()} }, Skips: []string{"EventsAppended"}},
		{Name: "mapStore", How: "this file's map store with no flaw, the base of the version breakages", Open: mapStore(noFlaw)},
		{Name: "mapStoreSlow", How: "answers reads after 1ms, so concurrent writers conflict and retry", Open: slowMapStore(noFlaw)},
		{Name: "wrapsErrors", How: "wraps every error in its own message (fmt.Errorf with %w)",
			Open: bend(func(o *over) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{Name: "nilForNone", How: "returns nil slices, not empty ones, for no match",
			Open: bend(func(o *over) {
				o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
					return kitcheck.NilIfEmpty(o.BillingStore.Documents(ctx, d, q))
				}
				o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
					return kitcheck.NilIfEmpty(o.BillingStore.Settlements(ctx, d, q))
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return kitcheck.NilIfEmpty(o.BillingStore.Events(ctx, d, after, limit))
				}
			})},
		{Name: "emptyAsNil", How: "reads every empty slice and map inside a record as nil (JSON columns with omitempty)",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{Name: "nilAsEmpty", How: "reads every nil slice and map inside a record as empty (JSON columns holding [] and {})",
			Open: bend(func(o *over) {
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
		{Name: "seqWithGaps", How: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.BillingStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{Name: "keepsMicroseconds", How: "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			Open: bendCommit(func(c billing.Change) billing.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Microsecond) })
			})},
		{Name: "fixedScaleMoney", How: "reads every amount back at scale 4 (12.50 as 12.5000), as a TEXT or NUMERIC(24,4) column does",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if d, ok := v.Interface().(decimal.Decimal); ok {
						v.Set(reflect.ValueOf(decimal.RequireFromString(d.StringFixed(4))))
						return true
					}
					return false
				})
			})},
		{Name: "utcFromDriver", How: "reads instants as a driver does: UTC, rebuilt from parts",
			Open: bend(func(o *over) {
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
		{Name: "activeAmongMany", How: "finds the active price book among many by scanning every version in order",
			Open: bend(func(o *over) {
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

// kit is billingtest's checks as the self-tests run them. A check failing a
// broken store it is not named for is an error (Exact).
var kit = kitcheck.Kit[billing.Store]{
	Name:      "billingtest.Checks",
	Exact:     true,
	Checks:    checks(),
	Skip:      billingtest.ErrSkip,
	SkipLarge: true,
}

func checks() []kitcheck.Check[billing.Store] {
	var cs []kitcheck.Check[billing.Store]
	for _, c := range billingtest.Checks() {
		run := func(ctx context.Context, s billing.Store) error { return c.Run(ctx, s, billingtest.Features{}) }
		cs = append(cs, kitcheck.Check[billing.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	return cs
}

func TestKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	kit.TestBroken(t, brokenStores())
}

func TestKitPassesSoundStores(t *testing.T) {
	t.Parallel()
	kit.TestSound(t, soundStores())
}

// TestKitCatchesForgottenColumns writes, for every field of every record
// (nested ones included), a store that does not keep it: a forgotten
// column. The kind's round trip check must catch each. A field the kit's
// fixture leaves zero, or its diff does not compare, fails here.
func TestKitCatchesForgottenColumns(t *testing.T) {
	t.Parallel()
	forgetting := func(forget func(billing.Change) billing.Change) billing.Store {
		return bendCommit(func(c billing.Change) billing.Change { return forget(cloneChange(c)) })()
	}
	kitcheck.TestForgottenFields(t, kit, forgetting, []kitcheck.Kind[billing.Change]{
		kitcheck.KindOf("PriceBookRoundTrip", func(c *billing.Change) []billing.StoredPriceBook { return c.PriceBooks }),
		kitcheck.KindOf("SettlementRoundTrip", func(c *billing.Change) []billing.Settlement { return c.Settlements }),
		kitcheck.KindOf("DocumentRoundTrip", func(c *billing.Change) []billing.Document { return c.Documents }),
		kitcheck.KindOf("SeriesRoundTrip", func(c *billing.Change) []billing.Series { return c.Series }),
		kitcheck.KindOf("EventsAppended", func(c *billing.Change) []org.Event { return c.Events }, "Seq"),
	})
}

// TestEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	kit.TestEveryCheckCatches(t, brokenStores())
}

var child = kitcheck.Child{Test: "TestChildTestStore", Env: "BILLINGTEST_KIT_CHILD"}

// TestTestStoreFailsBrokenStore runs billingtest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and missing optional parts skip.
func TestTestStoreFailsBrokenStore(t *testing.T) {
	t.Parallel()
	child.Run(t,
		"--- FAIL: TestChildTestStore/DocumentNotFound",
		`billingtest: DocumentNotFound: Document(d1, "INV-000002"): got error <nil>, want one matching `+org.ErrNotFound.Error(),
		"rule broken: "+kit.Rule(t, "DocumentNotFound"),
		"--- PASS: TestChildTestStore/DocumentRoundTrip",
		"--- SKIP: TestChildTestStore/LargeDocuments",
	)
}

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	child.Only(t)
	open := kitcheck.Named(t, brokenStores(), "missingIsZero").Open
	billingtest.TestStore(t, billingtest.Harness{
		NewStore: func(*testing.T) billing.Store { return minimal{open()} },
		Features: billingtest.Features{SkipLarge: true},
	})
}

// minimal hides everything of a store but billing.Store.
type minimal struct{ billing.Store }
