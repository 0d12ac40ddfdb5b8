package billingtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of billing.Store, and exactly the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKit (its ForgottenFields part) generates one broken store
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
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore = kitcheck.Broken[billing.Store]

func brokenStores() []brokenStore {
	return slices.Concat(generic(), notFoundStores(), valueStores(), versionStores(), atomicStores(),
		tenancyStores(), listStores(), eventStores(), contextStores())
}

// generic are the broken stores of kitcheck, and the checks of this kit
// that catch each (for a flaw of Commit, the shared checks it fails are
// added: kit.Domain.Bent).
// zeroTimeAsEpoch is not among them: no billing record leaves an instant
// unset, so no zero time is ever read back.
func generic() []brokenStore {
	return kitcheck.Stores(hooked, billingtest.Domain(billingtest.Features{}).Bent, map[string][]string{
		"plainNotFound": {"ActivePriceBook", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentSeriesGapless",
			"ConcurrentSettlementKeyOnce", "ContextDone", "DocumentNotFound", "DocumentTwiceInAChange", "DocumentVersionRule",
			"PriceBookNotFound", "PriceBookTwiceInAChange", "PriceBookVersionRule", "SeriesNotFound", "SeriesTwiceInAChange",
			"SeriesVersionRule", "SettlementNotFound", "SettlementTwiceInAChange", "SettlementVersionRule", "TenancyIsolation"},
		"missingIsZero": {"ActivePriceBook", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce", "DocumentNotFound",
			"DocumentVersionRule", "PriceBookNotFound", "PriceBookVersionRule", "SeriesNotFound", "SeriesVersionRule",
			"SettlementNotFound", "SettlementVersionRule", "TenancyIsolation"},
		"emptyIsNotFound":   {"DocumentVersionRule", "DocumentsQuery", "EmptyResults", "EventsAppended", "PriceBookVersionRule", "SeriesVersionRule", "SettlementVersionRule", "SettlementsQuery", "TenancyIsolation"},
		"hidesContextError": {"ContextDone"},
		"readsInDealerZone": {"ActivePriceBook", "AmountsExact", "CommitIsAtomic", "CommitOtherDealerInvalid",
			"ConcurrentSettlementKeyOnce", "ContextDone", "DocumentRoundTrip", "DocumentTwiceInAChange", "DocumentVersionRule",
			"EventsAppended", "PriceBookRoundTrip", "PriceBookTwiceInAChange", "PriceBookVersionRule", "ReadsAreCopies",
			"SeriesTwiceInAChange", "SeriesVersionRule", "SettlementRoundTrip", "SettlementTwiceInAChange",
			"SettlementVersionRule", "TenancyIsolation"},
		"nilPointersAsZero": {"ConcurrentSettlementKeyOnce", "SettlementRoundTrip", "SettlementVersionRule", "TenancyIsolation"},
		"dropsMicroseconds": {"ActivePriceBook", "AmountsExact", "ConcurrentSettlementKeyOnce", "DocumentRoundTrip",
			"DocumentVersionRule", "DocumentsQuery", "EventsAppended", "PriceBookRoundTrip", "PriceBookVersionRule",
			"ReadsAreCopies", "SettlementRoundTrip", "SettlementVersionRule", "SettlementsQuery", "TenancyIsolation"},
		"floatDecimals": {"ActivePriceBook", "AmountsExact", "DocumentRoundTrip", "PriceBookRoundTrip", "ReadsAreCopies",
			"SettlementRoundTrip"},
		"decimalsTwoPlaces":   {"ActivePriceBook", "AmountsExact", "PriceBookRoundTrip", "ReadsAreCopies"},
		"decimalsUnsigned":    {"AmountsExact", "DocumentRoundTrip", "ReadsAreCopies"},
		"caseFoldKeys":        {"DocumentNotFound", "PriceBookNotFound", "SeriesNotFound", "SettlementNotFound"},
		"trimsKeys":           {"DocumentNotFound", "PriceBookNotFound", "SeriesNotFound", "SettlementNotFound"},
		"eventsNewestFirst":   {"ConcurrentSeriesGapless", "DocumentVersionRule", "EventsAppended", "PriceBookVersionRule", "SeriesVersionRule", "SettlementVersionRule"},
		"eventsIgnoreLimit":   {"EventsAppended"},
		"eventsIgnoreCursor":  {"EventsAppended"},
		"ignoresVersions":     {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
		"slowLastWriterWins":  {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
		"createOverwrites":    {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
		"staleWins":           {"ConcurrentSeriesGapless"},
		"writesThenConflicts": {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
		"checkThenWrite":      {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
		"kindByKind":          {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
		"recordByRecord":      {"ConcurrentSeriesGapless"},
		"eachUnderItsDealer":  {},
		"eventsOfEveryDealer": {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"eventsWithRecordsDropped": {"CommitOtherDealerInvalid", "ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce", "DocumentVersionRule",
			"EventsAppended", "PriceBookVersionRule", "ReadsAreCopies", "SeriesVersionRule", "SettlementVersionRule", "TenancyIsolation"},
		"dealerCheckedOnFirstKind":  {},
		"updatesByKeyOnly":          {},
		"seriesUpserts":             {"CommitIsAtomic", "ConcurrentSeriesGapless", "SeriesVersionRule"},
		"settlementUpserts":         {"CommitIsAtomic", "ConcurrentSettlementKeyOnce", "SettlementVersionRule"},
		"documentsOfEveryDealer":    {"CommitOtherDealerInvalid", "DocumentsQuery", "TenancyIsolation"},
		"settlementsOfEveryDealer":  {"CommitOtherDealerInvalid", "SettlementsQuery", "TenancyIsolation"},
		"checksContextAfterWriting": {"ContextDone"},
		"seqFromZero":               {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce", "DocumentVersionRule", "EventsAppended", "PriceBookVersionRule", "ReadsAreCopies", "SeriesVersionRule", "SettlementVersionRule", "TenancyIsolation"},
		"truncatesLists":            {"LargeDocuments"},
		"updateCreates":             {},
		"versionZeroAccepted":       {},
		"versionZeroConflicts":      {},
		"lastOfTwiceWins":           {},
		"eventsOfRefusedCommits":    {"ConcurrentSeriesGapless", "ConcurrentSettlementKeyOnce"},
	})
}

func notFoundStores() []brokenStore {
	return []brokenStore{
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
	}
}

func valueStores() []brokenStore {
	return []brokenStore{
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
		{Name: "argsDropped", Flaw: "keeps an explanation's Key but not its Args (a column forgotten for the map)",
			Open: bendCommit(func(c billing.Change) billing.Change {
				c = kitcheck.DeepCopy(c)
				for i := range c.Documents {
					kitcheck.ZeroPath(reflect.ValueOf(&c.Documents[i]).Elem(), []string{"Bill", "Lines", "Explain", "Args"})
				}
				return c
			}),
			CaughtBy: []string{"DocumentRoundTrip", "AmountsExact", "DocumentVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{Name: "seriesKeyedByDealer", Flaw: "keeps one series per dealer, forgetting the series' Name in its key",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					c = kitcheck.DeepCopy(c)
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
		{Name: "keepsOldRates", Flaw: "an update adds a price book's rates, fees and tax rates to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					c = kitcheck.DeepCopy(c)
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
	return []brokenStore{
		{Name: "repeatsAcrossActive", Flaw: "refuses a price book named twice among the books a change switches off and among those it switches on, not across the two (one table written in two steps): version 1 off and version 2 on land",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					on := billing.Change{PriceBooks: slices.DeleteFunc(slices.Clone(c.PriceBooks), func(b billing.StoredPriceBook) bool { return !b.Active })}
					off := slices.DeleteFunc(slices.Clone(c.PriceBooks), func(b billing.StoredPriceBook) bool { return b.Active })
					if !slices.ContainsFunc(off, func(b billing.StoredPriceBook) bool {
						return slices.ContainsFunc(on.PriceBooks, func(a billing.StoredPriceBook) bool { return a.Book.Version == b.Book.Version })
					}) {
						return o.BillingStore.Commit(ctx, d, c) // the two steps show only with a book in both
					}
					c.PriceBooks = off
					return kitcheck.CommitParts(ctx, o.BillingStore.Commit, d, c, on)
				}
			}),
			CaughtBy: []string{"PriceBookTwiceInAChange"}},
	}
}

func atomicStores() []brokenStore {
	return []brokenStore{
		{Name: "documentsBeforeSeries", Flaw: "writes the documents, then the series in a second transaction: a stale series leaves its document behind",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
					series := c.Series
					c.Series = nil
					return kitcheck.CommitParts(ctx, o.BillingStore.Commit, d, c, billing.Change{Series: series})
				}
			}),
			CaughtBy: []string{"CommitIsAtomic", "ConcurrentSeriesGapless", "CommitOtherDealerInvalid", "SeriesVersionRule", "SeriesTwiceInAChange"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "activePriceBookFallsBack", Flaw: "ActivePriceBook takes another dealer's active book when the asked one has none",
			Open: bend(func(o *over) {
				o.activePriceBook = func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
					return kitcheck.FallBack(o.h.Dealers(), d, func(d org.DealerID) (billing.StoredPriceBook, error) { return o.BillingStore.ActivePriceBook(ctx, d) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "ActivePriceBook"}},
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
	return []brokenStore{}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[billing.Store]

func soundStores() []soundStore {
	return append([]soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() billing.Store { return memstore.New().Billing() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() billing.Store { return minimal{memstore.New().Billing()} }, Skips: []string{"EventsAppended"}},
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
	}, kitcheck.Sounds(hooked)...)
}

// self is billingtest's self-test. A check failing a broken store it is
// not named for is an error (Exact).
var self = kitcheck.Self[billing.Store, billing.Change]{
	Kit: kitcheck.Kit[billing.Store]{Name: "billingtest.Checks", Exact: true, Skip: billingtest.ErrSkip, SkipLarge: true,
		Checks: kitcheck.Of(billingtest.Checks(), billingtest.Features{})},
	Broken: brokenStores, Sound: soundStores,
	Forgetting: func(forget func(billing.Change) billing.Change) billing.Store { return bendCommit(forget)() },
	Parts:      billingtest.Domain(billingtest.Features{}).Parts(),
	ChildTest:  "TestChildTestStore", Env: "BILLINGTEST_KIT_CHILD", ChildStore: "missingIsZero",
	TestStore: func(t *testing.T, open func() billing.Store) {
		billingtest.TestStore(t, billingtest.Harness{NewStore: func(*testing.T) billing.Store { return minimal{open()} },
			Features: billingtest.Features{SkipLarge: true}})
	},
	Fails: "DocumentNotFound",
	Message: `billingtest: DocumentNotFound: reading document "RCP-000004" by key, stored "RCP-000001", "RCP-000002", "kit-RCP-000003": ` +
		"got error <nil>, want one matching " + org.ErrNotFound.Error(),
	Passes: "DocumentRoundTrip", Skips: []string{"LargeDocuments"},
}

// TestKit is the kit's self-test: every check on every broken store (each
// must fail exactly the checks named for it) and sound one (each must
// pass), on a store forgetting each field of each record, and TestStore's
// verdict on a broken store, read from a child process.
func TestKit(t *testing.T) { self.Test(t) }

// TestChildTestStore is run by TestKit only.
func TestChildTestStore(t *testing.T) { self.Child(t) }

// minimal hides everything of a store but billing.Store.
type minimal struct{ billing.Store }
