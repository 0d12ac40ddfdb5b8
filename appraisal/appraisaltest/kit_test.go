package appraisaltest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of appraisal.Store, and exactly the checks named
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
	"cmp"
	"context"
	"errors"
	"fmt"
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
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), listStores(), historyStores(),
		versionStores(), atomicStores(), tenancyStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
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
		{Name: "plainNotFound", Flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			Open: bend(func(o *over) { o.mapErrors(kitcheck.PlainNotFound) }),
			CaughtBy: slices.Concat(twiceChecks, []string{
				"CycleNotFound", "ImprovementNotFound", "CycleVersionRule", "ImprovementVersionRule", "CommitIsAtomic",
				"CommitOtherDealerInvalid", "TenancyIsolation", "ContextDone", "AppraisalVersionRule", "InputVersionRule"})},
		{Name: "missingIsZero", Flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			Open:     bend(func(o *over) { o.mapErrors(kitcheck.NilIfNotFound) }),
			CaughtBy: []string{"CycleNotFound", "ImprovementNotFound", "CycleVersionRule", "ImprovementVersionRule", "TenancyIsolation"}},
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
		{Name: "improvementKeyedByEmployee", Flaw: "keeps one improvement plan per employee, forgetting the month in its key",
			Open:     mapStore(improvementKeyWithoutMonth),
			CaughtBy: []string{"ImprovementNotFound"}},
		{Name: "emptyIsNotFound", Flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			Open: bend(func(o *over) {
				ins, as, hist := o.inputs, o.appraisals, o.history
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return kitcheck.NotFoundIfEmpty(ins(ctx, d, m, r))
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return kitcheck.NotFoundIfEmpty(as(ctx, d, m))
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return kitcheck.NotFoundIfEmpty(hist(ctx, d, e, upTo))
				}
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{
				"EmptyResults", "InputsOrderedByKey", "AppraisalsOrderedByEmployee", "HistoryOldestFirst",
				"AppraisalVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentInputKeyOnce",
				"ContextDone", "CycleVersionRule", "ImprovementVersionRule", "InputVersionRule", "TenancyIsolation"})},
		{Name: "caseFoldKeys", Flaw: "finds employees case-insensitively (a _ci collation)",
			Open: bend(func(o *over) {
				ins, im := o.inputs, o.improvement
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return ins(ctx, d, m, org.EmployeeID(strings.ToLower(string(r))))
				}
				o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					return im(ctx, d, m, org.EmployeeID(strings.ToLower(string(e))))
				}
			}),
			CaughtBy: []string{"ImprovementNotFound", "InputsOrderedByKey"}},
		{Name: "trimsKeys", Flaw: "finds employees with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			Open: bend(func(o *over) {
				im := o.improvement
				o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					return im(ctx, d, m, org.EmployeeID(strings.TrimRight(string(e), " ")))
				}
			}),
			CaughtBy: []string{"ImprovementNotFound"}},
	}
}

func valueStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{Name: "floatMoney", Flaw: "passes decimals through float64 on write",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "InputRoundTrip", "AppraisalRoundTrip", "ReadsAreCopies"}},
		{Name: "moneyFourPlaces", Flaw: "keeps 4 decimals (a NUMERIC(24,4) column), losing a result's shares and means",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(4) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "AppraisalRoundTrip", "ReadsAreCopies"}},
		{Name: "moneyUnsigned", Flaw: "drops the sign of a decimal (an unsigned column)",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			CaughtBy: []string{"AmountsExact", "InputRoundTrip"}},
		{Name: "dropsMicroseconds", Flaw: "keeps instants to the second",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			CaughtBy: []string{
				"CycleRoundTrip", "InputRoundTrip", "AppraisalRoundTrip", "ImprovementRoundTrip", "EventsAppended",
				"AmountsExact", "ConcurrentInputKeyOnce", "CycleVersionRule", "ImprovementVersionRule", "InputVersionRule",
				"InputsOrderedByKey", "ReadsAreCopies", "TenancyIsolation"}},
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
				"CycleRoundTrip", "InputRoundTrip", "AppraisalRoundTrip", "ImprovementRoundTrip", "EventsAppended",
				"AmountsExact", "AppraisalVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid",
				"ConcurrentInputKeyOnce", "ContextDone", "CycleVersionRule", "ImprovementVersionRule", "InputVersionRule",
				"InputsOrderedByKey", "ReadsAreCopies", "TenancyIsolation"})},
		{Name: "nilPointersAsZero", Flaw: "reads a missing calibration or linear bonus as a pointer to a zero one (nullable columns scanned into a struct)",
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
				"CycleRoundTrip", "AppraisalRoundTrip", "AppraisalVersionRule", "AppraisalsOrderedByEmployee",
				"CycleVersionRule", "HistoryOldestFirst", "TenancyIsolation"}},
		{Name: "byGradeMerged", Flaw: "an update adds the new bonus table and deadlines to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					c = cloneChange(c)
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
				c = cloneChange(c)
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
		{Name: "inputsReversed", Flaw: "lists inputs in descending Key order",
			Open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, r)
					slices.Reverse(list)
					return list, err
				}
			}),
			CaughtBy: []string{"InputsOrderedByKey", "InputRoundTrip", "AmountsExact"}},
		{Name: "inputsRateePrefix", Flaw: "selects a ratee's inputs by prefix (key LIKE 'ratee%')",
			Open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, "")
					return slices.DeleteFunc(list, func(in appraisal.Input) bool { return !strings.HasPrefix(string(in.Ratee), string(r)) }), err
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
		{Name: "appraisalsReversed", Flaw: "lists appraisals in descending employee order",
			Open: bend(func(o *over) {
				as := o.appraisals
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					list, err := as(ctx, d, m)
					slices.Reverse(list)
					return list, err
				}
			}),
			CaughtBy: []string{
				"AppraisalsOrderedByEmployee", "AppraisalRoundTrip", "LargeHistory", "AmountsExact"}},
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
		{Name: "truncatesLists", Flaw: "returns at most 100 records from a list (a LIMIT left in the query)",
			Open: bend(func(o *over) {
				ins, as, hist := o.inputs, o.appraisals, o.history
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, r)
					return list[:min(len(list), 100)], err
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					list, err := as(ctx, d, m)
					return list[:min(len(list), 100)], err
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					list, err := hist(ctx, d, e, upTo)
					return list[:min(len(list), 100)], err
				}
			}),
			CaughtBy: []string{"LargeHistory"}},
	}
}

// bendHistory returns an opener of memstore whose History passes what
// memstore's returns, and the arguments, through fn.
func bendHistory(fn func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error)) func() appraisal.Store {
	return bend(func(o *over) {
		o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
			return fn(o, ctx, d, e, upTo)
		}
	})
}

func historyStores() []brokenStore {
	return []brokenStore{
		{Name: "historyNewestFirst", Flaw: "returns History newest first",
			Open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				list, err := o.AppraisalStore.History(ctx, d, e, upTo)
				slices.Reverse(list)
				return list, err
			}),
			CaughtBy: []string{"HistoryOldestFirst", "LargeHistory"}},
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
			Open:     mapStore(appraisalKeyWithoutMonth),
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
	versionChecks := []string{"CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule"}
	concurrent := []string{"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"}
	return []brokenStore{
		{Name: "lastWriterWins", Flaw: "ignores Version: every write of Version >= 1 lands",
			Open: mapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "lastWriterWinsSlow", Flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			Open: slowMapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "createOverwrites", Flaw: "Version 1 replaces an existing record",
			Open: mapStore(createOverwrites), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic", "ConcurrentInputKeyOnce"})},
		{Name: "staleWins", Flaw: "Version n > 1 replaces whatever version is stored",
			Open: mapStore(staleWins), CaughtBy: slices.Concat(versionChecks, []string{"ConcurrentAppraisalUpdates"})},
		{Name: "writesThenConflicts", Flaw: "writes the whole change, then reports the version conflict",
			Open: mapStore(writesThenConflicts), CaughtBy: slices.Concat(twiceChecks, versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "checkThenWrite", Flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			Open: mapStore(checkThenWrite), CaughtBy: concurrent},
		{Name: "inputUpserts", Flaw: "ignores inputs' Version; other kinds keep the rule",
			Open:     mapStoreOnly(lastWriterWins, "input"),
			CaughtBy: []string{"InputVersionRule", "CommitIsAtomic", "ConcurrentInputKeyOnce"}},
		{Name: "appraisalUpserts", Flaw: "ignores appraisals' Version; other kinds keep the rule",
			Open:     mapStoreOnly(lastWriterWins, "appraisal"),
			CaughtBy: []string{"AppraisalVersionRule", "CommitIsAtomic", "ConcurrentAppraisalUpdates"}},
	}
}

// twiceChecks are the checks of a Change naming one record twice, one per
// record kind.
var twiceChecks = []string{"CycleTwiceInAChange", "InputTwiceInAChange", "AppraisalTwiceInAChange", "ImprovementTwiceInAChange"}

func atomicStores() []brokenStore {
	return []brokenStore{
		{Name: "eventsFirst", Flaw: "appends the events (the outbox) before checking the records",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.AppraisalStore, d, []appraisal.Change{{Events: evs}, c})
				}
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{
				"CommitIsAtomic", "CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule",
				"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce", "CommitOtherDealerInvalid"})},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "acceptsOtherDealer", Flaw: "writes each record under the dealer it names, not refusing other dealers'",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					parts := map[org.DealerID]*appraisal.Change{}
					part := func(id org.DealerID) *appraisal.Change {
						if parts[id] == nil {
							parts[id] = &appraisal.Change{}
						}
						return parts[id]
					}
					for _, x := range c.Cycles {
						p := part(x.DealerID)
						p.Cycles = append(p.Cycles, x)
					}
					for _, x := range c.Inputs {
						p := part(x.DealerID)
						p.Inputs = append(p.Inputs, x)
					}
					for _, x := range c.Appraisals {
						p := part(x.DealerID)
						p.Appraisals = append(p.Appraisals, x)
					}
					for _, x := range c.Improvements {
						p := part(x.DealerID)
						p.Improvements = append(p.Improvements, x)
					}
					for _, ev := range c.Events {
						p := part(ev.DealerID)
						p.Events = append(p.Events, ev)
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := o.AppraisalStore.Commit(ctx, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "dealerCheckedOnCyclesOnly", Flaw: "checks DealerID of cycles and events only; other records are filed under the commit's dealer",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					c = cloneChange(c)
					for i := range c.Inputs {
						c.Inputs[i].DealerID = d
					}
					for i := range c.Appraisals {
						c.Appraisals[i].DealerID = d
					}
					for i := range c.Improvements {
						c.Improvements[i].DealerID = d
					}
					return o.AppraisalStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "keysWithoutDealer", Flaw: "keys records without their dealer: two dealers' records of one key collide",
			Open: mapStore(keyWithoutDealer), CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "inputsOfEveryDealer", Flaw: "Inputs ignores the dealer",
			Open: bend(func(o *over) {
				o.inputs = func(ctx context.Context, _ org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return everyDealer(o, func(in appraisal.Input) string { return in.Key() },
						func(d org.DealerID) ([]appraisal.Input, error) { return o.AppraisalStore.Inputs(ctx, d, m, r) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
		{Name: "appraisalsOfEveryDealer", Flaw: "Appraisals ignores the dealer",
			Open: bend(func(o *over) {
				o.appraisals = func(ctx context.Context, _ org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return everyDealer(o, func(a appraisal.Appraisal) string { return string(a.Computed.Employee) },
						func(d org.DealerID) ([]appraisal.Appraisal, error) { return o.AppraisalStore.Appraisals(ctx, d, m) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
		{Name: "historyOfEveryDealer", Flaw: "History ignores the dealer",
			Open: bend(func(o *over) {
				o.history = func(ctx context.Context, _ org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return everyDealer(o, func(a appraisal.Appraisal) string { return a.Month.String() },
						func(d org.DealerID) ([]appraisal.Appraisal, error) { return o.AppraisalStore.History(ctx, d, e, upTo) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "EmptyResults"}},
		{Name: "eventsOfEveryDealer", Flaw: "Events ignores the dealer",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					all, err := everyDealer(o, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.AppraisalStore.Events(ctx, d, after, limit) })
					return all[:min(len(all), limit)], err
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{Name: "dropsEvents", Flaw: "drops the events of a commit that also writes records",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				if len(c.Cycles)+len(c.Inputs)+len(c.Appraisals)+len(c.Improvements) > 0 {
					c.Events = nil
				}
				return c
			}),
			CaughtBy: []string{
				"EventsAppended", "CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule",
				"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce", "CommitOtherDealerInvalid", "ReadsAreCopies",
				"TenancyIsolation"}},
		{Name: "eventsReversed", Flaw: "appends a commit's events in reverse order",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				c.Events = slices.Clone(c.Events)
				slices.Reverse(c.Events)
				return c
			}),
			CaughtBy: []string{"EventsAppended"}},
		{Name: "eventsIgnoreCursor", Flaw: "Events returns the trail from its start, whatever the cursor",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.AppraisalStore.Events(ctx, d, 0, limit)
				}
			}),
			CaughtBy: []string{"EventsAppended"}},
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
	return []brokenStore{
		{Name: "checksContextAfterWriting", Flaw: "Commit writes, then returns ctx.Err()",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					if err := o.AppraisalStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
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
type soundStore = kitcheck.Sound[appraisal.Store]

func soundStores() []soundStore {
	return []soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() appraisal.Store { return memstore.New().Appraisal() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() appraisal.Store { return minimal{memstore.New().Appraisal()} }, Skips: []string{"EventsAppended"}},
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
				ins, as, hist, evs := o.inputs, o.appraisals, o.history, o.events
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return kitcheck.NilIfEmpty(ins(ctx, d, m, r))
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return kitcheck.NilIfEmpty(as(ctx, d, m))
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return kitcheck.NilIfEmpty(hist(ctx, d, e, upTo))
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return kitcheck.NilIfEmpty(evs(ctx, d, after, limit))
				}
			})},
		{Name: "emptyAsNil", How: "reads every empty slice inside a record as nil (JSON columns with omitempty)",
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
					evs, err := o.AppraisalStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{Name: "keepsMicroseconds", How: "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			Open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Microsecond) })
			})},
		{Name: "canonicalDecimals", How: "reads every decimal back in its canonical form (12.50 as 12.5), as a JSON document does",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if d, ok := v.Interface().(decimal.Decimal); ok {
						v.Set(reflect.ValueOf(decimal.RequireFromString(d.String())))
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
	}
}

// kit is appraisaltest's checks as the self-tests run them. A check failing a
// broken store it is not named for is an error (Exact).
var kit = kitcheck.Kit[appraisal.Store]{
	Name:      "appraisaltest.Checks",
	Exact:     true,
	Checks:    checks(),
	Skip:      appraisaltest.ErrSkip,
	SkipLarge: true,
	LeafTypes: []reflect.Type{reflect.TypeFor[org.Month]()},
}

func checks() []kitcheck.Check[appraisal.Store] {
	var cs []kitcheck.Check[appraisal.Store]
	for _, c := range appraisaltest.Checks() {
		run := func(ctx context.Context, s appraisal.Store) error { return c.Run(ctx, s, appraisaltest.Features{}) }
		cs = append(cs, kitcheck.Check[appraisal.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
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
	forgetting := func(forget func(appraisal.Change) appraisal.Change) appraisal.Store {
		return bendCommit(func(c appraisal.Change) appraisal.Change { return forget(cloneChange(c)) })()
	}
	kitcheck.TestForgottenFields(t, kit, forgetting, []kitcheck.Kind[appraisal.Change]{
		kitcheck.KindOf("CycleRoundTrip", func(c *appraisal.Change) []appraisal.Cycle { return c.Cycles }),
		kitcheck.KindOf("InputRoundTrip", func(c *appraisal.Change) []appraisal.Input { return c.Inputs }),
		kitcheck.KindOf("AppraisalRoundTrip", func(c *appraisal.Change) []appraisal.Appraisal { return c.Appraisals }),
		kitcheck.KindOf("ImprovementRoundTrip", func(c *appraisal.Change) []appraisal.Improvement { return c.Improvements }),
		kitcheck.KindOf("EventsAppended", func(c *appraisal.Change) []org.Event { return c.Events }, "Seq"),
	})
}

// TestEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	kit.TestEveryCheckCatches(t, brokenStores())
}

var child = kitcheck.Child{Test: "TestChildTestStore", Env: "APPRAISALTEST_KIT_CHILD"}

// TestTestStoreFailsBrokenStore runs appraisaltest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and missing optional parts skip.
func TestTestStoreFailsBrokenStore(t *testing.T) {
	t.Parallel()
	child.Run(t,
		"--- FAIL: TestChildTestStore/ImprovementNotFound",
		`appraisaltest: ImprovementNotFound: Improvement(d1, 2026-11, "adv-2"): got error <nil>, want one matching `+org.ErrNotFound.Error(),
		"rule broken: "+kit.Rule(t, "ImprovementNotFound"),
		"--- PASS: TestChildTestStore/InputRoundTrip",
		"--- SKIP: TestChildTestStore/LargeHistory",
	)
}

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	child.Only(t)
	open := kitcheck.Named(t, brokenStores(), "missingIsZero").Open
	appraisaltest.TestStore(t, appraisaltest.Harness{
		NewStore: func(*testing.T) appraisal.Store { return minimal{open()} },
		Features: appraisaltest.Features{SkipLarge: true},
	})
}

// minimal hides everything of a store but appraisal.Store.
type minimal struct{ appraisal.Store }
