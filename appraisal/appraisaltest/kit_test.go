package appraisaltest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of appraisal.Store, and exactly the checks named
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
	"cmp"
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/appraisal/appraisaltest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore = kitcheck.Broken[appraisal.Store]

func brokenStores() []brokenStore {
	return slices.Concat(generic(), notFoundStores(), valueStores(), listStores(), historyStores(),
		versionStores(), tenancyStores(), eventStores(), contextStores())
}

// generic are the broken stores of kitcheck, and the checks of this kit
// that catch each (for a flaw of Commit, the shared checks it fails are
// added: kit.Domain.Bent).
func generic() []brokenStore {
	return kitcheck.Stores(hooked, appraisaltest.Domain(appraisaltest.Features{}).Bent, map[string][]string{
		"plainNotFound": {"CycleTwiceInAChange", "InputTwiceInAChange", "AppraisalTwiceInAChange", "ImprovementTwiceInAChange",
			"CycleNotFound", "ImprovementNotFound", "CycleVersionRule", "ImprovementVersionRule", "CommitIsAtomic",
			"CommitOtherDealerInvalid", "TenancyIsolation", "ContextDone", "AppraisalVersionRule", "InputVersionRule"},
		"missingIsZero":     {"CycleNotFound", "ImprovementNotFound", "CycleVersionRule", "ImprovementVersionRule", "TenancyIsolation"},
		"emptyIsNotFound":   {"AppraisalTwiceInAChange", "AppraisalVersionRule", "AppraisalsOrderedByEmployee", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentInputKeyOnce", "ContextDone", "CycleTwiceInAChange", "CycleVersionRule", "EmptyResults", "EventsAppended", "HistoryOldestFirst", "ImprovementTwiceInAChange", "ImprovementVersionRule", "InputTwiceInAChange", "InputVersionRule", "InputsOrderedByKey", "TenancyIsolation"},
		"hidesContextError": {"ContextDone"},
		"readsInDealerZone": {"CycleTwiceInAChange", "InputTwiceInAChange", "AppraisalTwiceInAChange", "ImprovementTwiceInAChange",
			"CycleRoundTrip", "InputRoundTrip", "AppraisalRoundTrip", "ImprovementRoundTrip", "EventsAppended",
			"AmountsExact", "AppraisalVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid",
			"ConcurrentInputKeyOnce", "ContextDone", "CycleVersionRule", "ImprovementVersionRule", "InputVersionRule",
			"InputsOrderedByKey", "ReadsAreCopies", "TenancyIsolation"},
		"nilPointersAsZero": {"CycleRoundTrip", "AppraisalRoundTrip", "AppraisalVersionRule", "AppraisalsOrderedByEmployee",
			"CycleVersionRule", "HistoryOldestFirst", "TenancyIsolation"},
		"dropsMicroseconds": {"CycleRoundTrip", "InputRoundTrip", "AppraisalRoundTrip", "ImprovementRoundTrip", "EventsAppended",
			"AmountsExact", "ConcurrentInputKeyOnce", "CycleVersionRule", "ImprovementVersionRule", "InputVersionRule",
			"InputsOrderedByKey", "ReadsAreCopies", "TenancyIsolation"},
		"floatDecimals":             {"AmountsExact", "InputRoundTrip", "AppraisalRoundTrip", "ReadsAreCopies"},
		"decimalsTwoPlaces":         {"AmountsExact", "AppraisalRoundTrip", "CycleRoundTrip", "HistoryOldestFirst", "InputRoundTrip", "ReadsAreCopies"},
		"decimalsUnsigned":          {"AmountsExact", "InputRoundTrip"},
		"caseFoldKeys":              {"ImprovementNotFound"},
		"trimsKeys":                 {"ImprovementNotFound"},
		"eventsNewestFirst":         {"AppraisalVersionRule", "ConcurrentAppraisalUpdates", "CycleVersionRule", "EventsAppended", "ImprovementVersionRule", "InputVersionRule"},
		"eventsIgnoreLimit":         {"EventsAppended"},
		"eventsIgnoreCursor":        {"EventsAppended"},
		"eventsOfEveryDealer":       {"TenancyIsolation", "CommitOtherDealerInvalid"},
		"eventsWithRecordsDropped":  {"EventsAppended", "CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule", "ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce", "CommitOtherDealerInvalid", "ReadsAreCopies", "TenancyIsolation"},
		"ignoresVersions":           {"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"},
		"slowLastWriterWins":        {"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"},
		"createOverwrites":          {"ConcurrentInputKeyOnce"},
		"staleWins":                 {"ConcurrentAppraisalUpdates"},
		"writesThenConflicts":       {"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"},
		"checkThenWrite":            {"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"},
		"kindByKind":                {"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"},
		"recordByRecord":            {},
		"eachUnderItsDealer":        {},
		"dealerCheckedOnFirstKind":  {},
		"updatesByKeyOnly":          {},
		"inputUpserts":              {"CommitIsAtomic", "ConcurrentInputKeyOnce", "InputVersionRule"},
		"appraisalUpserts":          {"AppraisalVersionRule", "CommitIsAtomic", "ConcurrentAppraisalUpdates"},
		"inputsOfEveryDealer":       {"TenancyIsolation"},
		"appraisalsOfEveryDealer":   {"TenancyIsolation"},
		"historyOfEveryDealer":      {"EmptyResults", "TenancyIsolation"},
		"inputsReversed":            {"AmountsExact", "InputRoundTrip", "InputsOrderedByKey"},
		"appraisalsReversed":        {"AmountsExact", "AppraisalRoundTrip", "AppraisalsOrderedByEmployee", "LargeHistory"},
		"historyReversed":           {"HistoryOldestFirst", "LargeHistory"},
		"checksContextAfterWriting": {"ContextDone"},
		"zeroTimeAsEpoch":           {"CycleRoundTrip", "CycleVersionRule", "TenancyIsolation"},
		"seqFromZero":               {"AppraisalVersionRule", "ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce", "CycleVersionRule", "EventsAppended", "ImprovementVersionRule", "InputVersionRule", "ReadsAreCopies", "TenancyIsolation"},
		"truncatesLists":            {"LargeHistory"},
		"updateCreates":             {},
		"versionZeroAccepted":       {},
		"versionZeroConflicts":      {},
		"lastOfTwiceWins":           {},
		"eventsOfRefusedCommits":    {"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"},
	})
}

// span is every month from two years before m to two years after.
func span(m org.Month) []org.Month {
	var out []org.Month
	for k := -24; k <= 24; k++ {
		out = append(out, m.Add(k))
	}
	return out
}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{Name: "cycleNearestEarlier", Flaw: "Cycle answers the latest cycle before the month asked for when it has none (month <= ? ORDER BY month DESC LIMIT 1)",
			Open: bend(func(o *over) {
				o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
					c, err := o.AppraisalStore.Cycle(ctx, d, m)
					for k := 1; k <= 24 && errors.Is(err, org.ErrNotFound); k++ {
						if earlier, e := o.AppraisalStore.Cycle(ctx, d, m.Add(-k)); e == nil {
							return earlier, nil
						}
					}
					return c, err
				}
			}),
			CaughtBy: []string{"CycleNotFound", "CycleVersionRule", "TenancyIsolation"}},
		{Name: "cycleNearestLater", Flaw: "Cycle answers the first cycle after the month asked for when it has none (month >= ? ORDER BY month LIMIT 1)",
			Open: bend(func(o *over) {
				o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
					c, err := o.AppraisalStore.Cycle(ctx, d, m)
					for k := 1; k <= 24 && errors.Is(err, org.ErrNotFound); k++ {
						if later, e := o.AppraisalStore.Cycle(ctx, d, m.Add(k)); e == nil {
							return later, nil
						}
					}
					return c, err
				}
			}),
			CaughtBy: []string{"CycleNotFound"}},
		{Name: "cycleOfAnyYear", Flaw: "Cycle finds a cycle by the month's number, forgetting the year, when the month asked for has none",
			Open: bend(func(o *over) {
				o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
					c, err := o.AppraisalStore.Cycle(ctx, d, m)
					for k := -2; k <= 2 && errors.Is(err, org.ErrNotFound); k++ {
						if other, e := o.AppraisalStore.Cycle(ctx, d, m.Add(12*k)); e == nil {
							return other, nil
						}
					}
					return c, err
				}
			}),
			CaughtBy: []string{"CycleNotFound"}},
		{Name: "improvementKeyedByEmployee", Flaw: "keeps one improvement plan per employee, forgetting the month in its key",
			Open: bend(func(o *over) {
				var ml monthless
				commit := o.commit
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					return ml.commit(ctx, d, c, commit, func(c *appraisal.Change) []monthOf {
						var out []monthOf
						for i := range c.Improvements {
							out = append(out, monthOf{c.Improvements[i].Employee, &c.Improvements[i].Month})
						}
						return out
					})
				}
				o.improvement = func(ctx context.Context, d org.DealerID, _ org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					ml.mu.Lock()
					defer ml.mu.Unlock()
					im, err := o.AppraisalStore.Improvement(ctx, d, anyMonth, e)
					if err == nil {
						im.Month = ml.months[d][e]
					}
					return im, err
				}
			}),
			CaughtBy: []string{"ImprovementNotFound"}},
	}
}

func valueStores() []brokenStore {
	return []brokenStore{
		{Name: "moneyFourPlaces", Flaw: "keeps 4 decimals (a NUMERIC(24,4) column), losing a result's shares and means",
			Open: bend(func(o *over) {
				o.h.Writes = append(o.h.Writes, kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return d.Round(4) }))
			}),
			CaughtBy: []string{"AmountsExact", "AppraisalRoundTrip", "ReadsAreCopies"}},
		{Name: "byGradeMerged", Flaw: "an update adds the new bonus table and deadlines to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					c = kitcheck.DeepCopy(c)
					for i, cy := range c.Cycles {
						old, err := o.AppraisalStore.Cycle(ctx, d, cy.Month)
						if err != nil || cy.Version < 2 {
							continue
						}
						merged := map[string]decimal.Decimal{}
						maps.Copy(merged, old.Plan.Bonus.ByGrade)
						maps.Copy(merged, cy.Plan.Bonus.ByGrade)
						c.Cycles[i].Plan.Bonus.ByGrade = merged
						deadlines := map[appraisal.Source]time.Time{}
						maps.Copy(deadlines, old.Deadlines)
						maps.Copy(deadlines, cy.Deadlines)
						c.Cycles[i].Deadlines = deadlines
					}
					return o.AppraisalStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"CycleRoundTrip"}},
		{Name: "deadlinesDropped", Flaw: "keeps a cycle's plan but not its deadlines (a column forgotten for the map)",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				for i := range c.Cycles {
					c.Cycles[i].Deadlines = nil
				}
				return c
			}),
			CaughtBy: []string{"CycleRoundTrip", "ReadsAreCopies", "AmountsExact"}},
	}
}

func listStores() []brokenStore {
	return []brokenStore{
		{Name: "inputsByColumns", Flaw: "orders inputs by their (ratee, rater, source, kpi) columns, not by Key",
			Open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, r)
					slices.SortFunc(list, func(a, b appraisal.Input) int {
						return cmp.Or(cmp.Compare(a.Ratee, b.Ratee), cmp.Compare(a.Rater, b.Rater), cmp.Compare(a.Source, b.Source), cmp.Compare(a.KPI, b.KPI))
					})
					return list, err
				}
			}),
			CaughtBy: []string{"InputsOrderedByKey"}},
		{Name: "inputsRateePrefix", Flaw: "selects a ratee's inputs by prefix (key LIKE 'ratee%')",
			Open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, "")
					return slices.DeleteFunc(list, func(in appraisal.Input) bool { return !strings.HasPrefix(string(in.Ratee), string(r)) }), err
				}
			}),
			CaughtBy: []string{"InputsOrderedByKey"}},
		{Name: "inputsRateeCaseFold", Flaw: "selects a ratee's inputs case-insensitively (a _ci collation on the ratee column)",
			Open: bend(func(o *over) {
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return o.AppraisalStore.Inputs(ctx, d, m, org.EmployeeID(strings.ToLower(string(r))))
				}
			}),
			CaughtBy: []string{"InputsOrderedByKey"}},
		{Name: "inputsOfEveryMonth", Flaw: "Inputs ignores the month",
			Open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					all := []appraisal.Input{}
					for _, other := range span(m) {
						list, err := ins(ctx, d, other, r)
						if err != nil {
							return nil, err
						}
						all = append(all, list...)
					}
					slices.SortStableFunc(all, func(a, b appraisal.Input) int { return cmp.Compare(a.Key(), b.Key()) })
					return all, nil
				}
			}),
			CaughtBy: []string{"InputsOrderedByKey", "EmptyResults"}},
		{Name: "appraisalsCaseBlind", Flaw: "orders appraisals by employee case-insensitively (a linguistic collation)",
			Open: bend(func(o *over) {
				as := o.appraisals
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					list, err := as(ctx, d, m)
					slices.SortStableFunc(list, func(a, b appraisal.Appraisal) int {
						return cmp.Compare(strings.ToLower(string(a.Computed.Employee)), strings.ToLower(string(b.Computed.Employee)))
					})
					return list, err
				}
			}),
			CaughtBy: []string{"AppraisalsOrderedByEmployee"}},
		{Name: "appraisalsOfEveryMonth", Flaw: "Appraisals ignores the month",
			Open: bend(func(o *over) {
				as := o.appraisals
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					all := []appraisal.Appraisal{}
					for _, other := range span(m) {
						list, err := as(ctx, d, other)
						if err != nil {
							return nil, err
						}
						all = append(all, list...)
					}
					slices.SortStableFunc(all, func(a, b appraisal.Appraisal) int { return cmp.Compare(a.Computed.Employee, b.Computed.Employee) })
					return all, nil
				}
			}),
			CaughtBy: []string{"AppraisalsOrderedByEmployee", "EmptyResults"}},
	}
}

func historyStores() []brokenStore {
	return []brokenStore{
		{Name: "historyByMonthNumber", Flaw: "orders History by the month's number, forgetting the year",
			Open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				list, err := o.AppraisalStore.History(ctx, d, e, upTo)
				slices.SortStableFunc(list, func(a, b appraisal.Appraisal) int { return cmp.Compare(a.Month.Month, b.Month.Month) })
				return list, err
			}),
			CaughtBy: []string{"HistoryOldestFirst"}},
		{Name: "historyOfPrefix", Flaw: "History selects employees by prefix (employee LIKE 'adv-1%')",
			Open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				all := []appraisal.Appraisal{}
				for k := -36; k <= 0; k++ {
					list, err := o.AppraisalStore.Appraisals(ctx, d, upTo.Add(k))
					if err != nil {
						return nil, err
					}
					for _, a := range list {
						if strings.HasPrefix(string(a.Computed.Employee), string(e)) {
							all = append(all, a)
						}
					}
				}
				return all, nil
			}),
			CaughtBy: []string{"HistoryOldestFirst"}},
		{Name: "historyBeforeUpTo", Flaw: "History stops before the month named (month < ?), not at it",
			Open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				return o.AppraisalStore.History(ctx, d, e, upTo.Prev())
			}),
			CaughtBy: []string{"HistoryOldestFirst", "AppraisalRoundTrip", "ReadsAreCopies", "LargeHistory", "TenancyIsolation"}},
		{Name: "historyIgnoresUpTo", Flaw: "History returns every month of the employee's",
			Open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				return o.AppraisalStore.History(ctx, d, e, month("9999-12"))
			}),
			CaughtBy: []string{"HistoryOldestFirst", "LargeHistory", "EmptyResults"}},
		{Name: "appraisalKeyedByEmployee", Flaw: "keeps one appraisal per employee, forgetting the month in its key",
			Open: bend(func(o *over) {
				var ml monthless
				commit := o.commit
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					return ml.commit(ctx, d, c, commit, func(c *appraisal.Change) []monthOf {
						var out []monthOf
						for i := range c.Appraisals {
							out = append(out, monthOf{c.Appraisals[i].Computed.Employee, &c.Appraisals[i].Month})
						}
						return out
					})
				}
				// The one appraisal of each employee, with the month it
				// was last written for, of those that match.
				read := func(ctx context.Context, d org.DealerID, match func(appraisal.Appraisal) bool) ([]appraisal.Appraisal, error) {
					ml.mu.Lock()
					defer ml.mu.Unlock()
					list, err := o.AppraisalStore.Appraisals(ctx, d, anyMonth)
					for i := range list {
						list[i].Month = ml.months[d][list[i].Computed.Employee]
					}
					return slices.DeleteFunc(list, func(a appraisal.Appraisal) bool { return !match(a) }), err
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return read(ctx, d, func(a appraisal.Appraisal) bool { return a.Month == m })
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return read(ctx, d, func(a appraisal.Appraisal) bool { return a.Computed.Employee == e && !upTo.Before(a.Month) })
				}
			}),
			CaughtBy: []string{"HistoryOldestFirst", "LargeHistory", "AppraisalsOrderedByEmployee"}},
	}
}

func month(s string) org.Month {
	m, err := org.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func versionStores() []brokenStore {
	return []brokenStore{}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "keysWithoutDealer", Flaw: "keeps records without their dealer (no dealer column): two dealers' records of one key are one, and either reads it",
			Open: bend(func(o *over) {
				// Every record is filed under shared, the trail under
				// its dealer's.
				const shared org.DealerID = "shared"
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					var ids []org.DealerID
					for _, x := range c.Cycles {
						ids = append(ids, x.DealerID)
					}
					for _, x := range c.Inputs {
						ids = append(ids, x.DealerID)
					}
					for _, x := range c.Appraisals {
						ids = append(ids, x.DealerID)
					}
					for _, x := range c.Improvements {
						ids = append(ids, x.DealerID)
					}
					if slices.ContainsFunc(ids, func(id org.DealerID) bool { return id != d }) {
						return o.AppraisalStore.Commit(ctx, d, c) // refused: the dealer column is checked
					}
					records := kitcheck.DeepCopy(c)
					records.Events = nil
					for i := range records.Cycles {
						records.Cycles[i].DealerID = shared
					}
					for i := range records.Inputs {
						records.Inputs[i].DealerID = shared
					}
					for i := range records.Appraisals {
						records.Appraisals[i].DealerID = shared
					}
					for i := range records.Improvements {
						records.Improvements[i].DealerID = shared
					}
					if err := kitcheck.CommitParts(ctx, o.AppraisalStore.Commit, shared, records); err != nil {
						return err
					}
					return kitcheck.CommitParts(ctx, o.AppraisalStore.Commit, d, appraisal.Change{Events: c.Events})
				}
				o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
					x, err := o.AppraisalStore.Cycle(ctx, shared, m)
					if err == nil {
						x.DealerID = d
					}
					return x, err
				}
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := o.AppraisalStore.Inputs(ctx, shared, m, r)
					for i := range list {
						list[i].DealerID = d
					}
					return list, err
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					list, err := o.AppraisalStore.Appraisals(ctx, shared, m)
					for i := range list {
						list[i].DealerID = d
					}
					return list, err
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					list, err := o.AppraisalStore.History(ctx, shared, e, upTo)
					for i := range list {
						list[i].DealerID = d
					}
					return list, err
				}
				o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					x, err := o.AppraisalStore.Improvement(ctx, shared, m, e)
					if err == nil {
						x.DealerID = d
					}
					return x, err
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid", "EmptyResults"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{Name: "separateTrail", Flaw: "keeps appraisal events in a trail of their own, not the dealer's",
			Open: bend(func(o *over) {
				side := memstore.New().Appraisal()
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					evs := c.Events
					c.Events = nil
					if err := o.AppraisalStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return side.Commit(ctx, d, appraisal.Change{Events: evs})
				}
			}),
			CaughtBy: []string{
				"EventsAppended", "TenancyIsolation", "ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce",
				"AppraisalVersionRule", "CommitOtherDealerInvalid", "CycleVersionRule", "ImprovementVersionRule",
				"InputVersionRule", "ReadsAreCopies"}},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[appraisal.Store]

func soundStores() []soundStore {
	return append([]soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() appraisal.Store { return memstore.New().Appraisal() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() appraisal.Store { return minimal{memstore.New().Appraisal()} }, Skips: []string{"EventsAppended"}},
		{Name: "historyByScan", How: "answers History by listing each month's appraisals, oldest first",
			Open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				all := []appraisal.Appraisal{}
				// Every month from 2020 to upTo, or to 2040 for a
				// later upTo: the kit writes none outside.
				for m := month("2020-01"); !upTo.Before(m) && m.Before(month("2041-01")); m = m.Next() {
					list, err := o.AppraisalStore.Appraisals(ctx, d, m)
					if err != nil {
						return nil, err
					}
					for _, a := range list {
						if a.Computed.Employee == e {
							all = append(all, a)
						}
					}
				}
				return all, nil
			})},
	}, kitcheck.Sounds(hooked)...)
}

// self is appraisaltest's self-test. A check failing a broken store it is
// not named for is an error (Exact).
var self = kitcheck.Self[appraisal.Store, appraisal.Change]{
	Kit: kitcheck.Kit[appraisal.Store]{Name: "appraisaltest.Checks", Exact: true, Skip: appraisaltest.ErrSkip, SkipLarge: true,
		Checks: kitcheck.Of(appraisaltest.Checks(), appraisaltest.Features{}), LeafTypes: []reflect.Type{reflect.TypeFor[org.Month]()}},
	Broken: brokenStores, Sound: soundStores,
	Forgetting: func(forget func(appraisal.Change) appraisal.Change) appraisal.Store { return bendCommit(forget)() },
	Parts:      appraisaltest.Domain(appraisaltest.Features{}).Parts(),
	ChildTest:  "TestChildTestStore", Env: "APPRAISALTEST_KIT_CHILD", ChildStore: "missingIsZero",
	TestStore: func(t *testing.T, open func() appraisal.Store) {
		appraisaltest.TestStore(t, appraisaltest.Harness{NewStore: func(*testing.T) appraisal.Store { return minimal{open()} },
			Features: appraisaltest.Features{SkipLarge: true}})
	},
	Fails:   "ImprovementNotFound",
	Message: `appraisaltest: ImprovementNotFound: Improvement(d1, 2026-11, "adv-2"): got error <nil>, want one matching ` + org.ErrNotFound.Error(),
	Passes:  "InputRoundTrip", Skips: []string{"LargeHistory"},
}

// TestKit is the kit's self-test: every check on every broken store (each
// must fail exactly the checks named for it) and sound one (each must
// pass), on a store forgetting each field of each record, and TestStore's
// verdict on a broken store, read from a child process.
func TestKit(t *testing.T) { self.Test(t) }

// TestChildTestStore is run by TestKit only.
func TestChildTestStore(t *testing.T) { self.Child(t) }

// minimal hides everything of a store but appraisal.Store.
type minimal struct{ appraisal.Store }
