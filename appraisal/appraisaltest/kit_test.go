package appraisaltest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of appraisal.Store, and the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKitCatchesForgottenColumns generates one broken store
// per field of every record, by reflection, so a field added to a record
// and forgotten by the kit's diff fails here.
//
// The stores themselves are in kit_stores_test.go.

import (
	"cmp"
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

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/appraisal/appraisaltest"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore struct {
	name string
	// flaw is the rule it breaks, in the contract's words.
	flaw string
	open func() appraisal.Store
	// caughtBy are the checks that must fail on it with an error.
	caughtBy []string
}

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), listStores(), historyStores(), copyStores(),
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
		{name: "plainNotFound", flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			open: bend(func(o *over) { o.mapErrors(plainNotFound) }),
			caughtBy: []string{"CycleNotFound", "ImprovementNotFound", "CycleVersionRule", "ImprovementVersionRule", "CommitIsAtomic",
				"CommitOtherDealerInvalid", "TenancyIsolation", "ContextDone"}},
		{name: "missingIsZero", flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			open:     bend(func(o *over) { o.mapErrors(nilIfNotFound) }),
			caughtBy: []string{"CycleNotFound", "ImprovementNotFound", "CycleVersionRule", "ImprovementVersionRule", "TenancyIsolation"}},
		{name: "cycleNearestEarlier", flaw: "Cycle answers the latest cycle before the month asked for when it has none (month <= ? ORDER BY month DESC LIMIT 1)",
			open: bend(func(o *over) {
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
			caughtBy: []string{"CycleNotFound", "CycleVersionRule"}},
		{name: "improvementKeyedByEmployee", flaw: "keeps one improvement plan per employee, forgetting the month in its key",
			open: mapStore(improvementKeyWithoutMonth), caughtBy: []string{"ImprovementNotFound"}},
		{name: "emptyIsNotFound", flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			open: bend(func(o *over) {
				ins, as, hist := o.inputs, o.appraisals, o.history
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return notFoundIfEmpty(ins(ctx, d, m, r))
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return notFoundIfEmpty(as(ctx, d, m))
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return notFoundIfEmpty(hist(ctx, d, e, upTo))
				}
			}),
			caughtBy: []string{"EmptyResults", "InputsOrderedByKey", "AppraisalsOrderedByEmployee", "HistoryOldestFirst"}},
		{name: "caseFoldKeys", flaw: "finds employees case-insensitively (a _ci collation)",
			open: bend(func(o *over) {
				ins, im := o.inputs, o.improvement
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return ins(ctx, d, m, org.EmployeeID(strings.ToLower(string(r))))
				}
				o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					return im(ctx, d, m, org.EmployeeID(strings.ToLower(string(e))))
				}
			}),
			caughtBy: []string{"ImprovementNotFound", "InputsOrderedByKey"}},
		{name: "trimsKeys", flaw: "finds employees with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			open: bend(func(o *over) {
				im := o.improvement
				o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					return im(ctx, d, m, org.EmployeeID(strings.TrimRight(string(e), " ")))
				}
			}),
			caughtBy: []string{"ImprovementNotFound"}},
	}
}

func valueStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{name: "floatMoney", flaw: "passes decimals through float64 on write",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "InputRoundTrip", "AppraisalRoundTrip"}},
		{name: "moneyFourPlaces", flaw: "keeps 4 decimals (a NUMERIC(24,4) column), losing a result's shares and means",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(4) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "AppraisalRoundTrip"}},
		{name: "moneyUnsigned", flaw: "drops the sign of a decimal (an unsigned column)",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			caughtBy: []string{"AmountsExact", "InputRoundTrip"}},
		{name: "dropsMicroseconds", flaw: "keeps instants to the second",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			caughtBy: []string{"CycleRoundTrip", "InputRoundTrip", "AppraisalRoundTrip", "ImprovementRoundTrip", "EventsAppended"}},
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
			caughtBy: []string{"CycleRoundTrip", "InputRoundTrip", "AppraisalRoundTrip", "ImprovementRoundTrip", "EventsAppended"}},
		{name: "nilPointersAsZero", flaw: "reads a missing calibration or linear bonus as a pointer to a zero one (nullable columns scanned into a struct)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{"CycleRoundTrip", "AppraisalRoundTrip"}},
		{name: "byGradeMerged", flaw: "an update adds the new bonus table and deadlines to the stored ones instead of replacing them (child rows never deleted)",
			open: bend(func(o *over) {
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
			caughtBy: []string{"CycleRoundTrip"}},
		{name: "deadlinesDropped", flaw: "keeps a cycle's plan but not its deadlines (a column forgotten for the map)",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				c = cloneChange(c)
				for i := range c.Cycles {
					c.Cycles[i].Deadlines = nil
				}
				return c
			}),
			caughtBy: []string{"CycleRoundTrip", "ReadsAreCopies"}},
	}
}

func listStores() []brokenStore {
	return []brokenStore{
		{name: "inputsByColumns", flaw: "orders inputs by their (ratee, rater, source, kpi) columns, not by Key",
			open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, r)
					slices.SortFunc(list, func(a, b appraisal.Input) int {
						return cmp.Or(cmp.Compare(a.Ratee, b.Ratee), cmp.Compare(a.Rater, b.Rater), cmp.Compare(a.Source, b.Source), cmp.Compare(a.KPI, b.KPI))
					})
					return list, err
				}
			}),
			caughtBy: []string{"InputsOrderedByKey"}},
		{name: "inputsReversed", flaw: "lists inputs in descending Key order",
			open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, r)
					slices.Reverse(list)
					return list, err
				}
			}),
			caughtBy: []string{"InputsOrderedByKey", "InputRoundTrip"}},
		{name: "inputsRateePrefix", flaw: "selects a ratee's inputs by prefix (key LIKE 'ratee%')",
			open: bend(func(o *over) {
				ins := o.inputs
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					list, err := ins(ctx, d, m, "")
					return slices.DeleteFunc(list, func(in appraisal.Input) bool { return !strings.HasPrefix(string(in.Ratee), string(r)) }), err
				}
			}),
			caughtBy: []string{"InputsOrderedByKey"}},
		{name: "inputsOfEveryMonth", flaw: "Inputs ignores the month",
			open: bend(func(o *over) {
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
			caughtBy: []string{"InputsOrderedByKey"}},
		{name: "appraisalsCaseBlind", flaw: "orders appraisals by employee case-insensitively (a linguistic collation)",
			open: bend(func(o *over) {
				as := o.appraisals
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					list, err := as(ctx, d, m)
					slices.SortStableFunc(list, func(a, b appraisal.Appraisal) int {
						return cmp.Compare(strings.ToLower(string(a.Computed.Employee)), strings.ToLower(string(b.Computed.Employee)))
					})
					return list, err
				}
			}),
			caughtBy: []string{"AppraisalsOrderedByEmployee"}},
		{name: "appraisalsReversed", flaw: "lists appraisals in descending employee order",
			open: bend(func(o *over) {
				as := o.appraisals
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					list, err := as(ctx, d, m)
					slices.Reverse(list)
					return list, err
				}
			}),
			caughtBy: []string{"AppraisalsOrderedByEmployee", "AppraisalRoundTrip", "LargeHistory"}},
		{name: "appraisalsOfEveryMonth", flaw: "Appraisals ignores the month",
			open: bend(func(o *over) {
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
			caughtBy: []string{"AppraisalsOrderedByEmployee"}},
		{name: "truncatesLists", flaw: "returns at most 100 records from a list (a LIMIT left in the query)",
			open: bend(func(o *over) {
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
			caughtBy: []string{"LargeHistory"}},
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
		{name: "historyNewestFirst", flaw: "returns History newest first",
			open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				list, err := o.AppraisalStore.History(ctx, d, e, upTo)
				slices.Reverse(list)
				return list, err
			}),
			caughtBy: []string{"HistoryOldestFirst", "LargeHistory"}},
		{name: "historyByMonthNumber", flaw: "orders History by the month's number, forgetting the year",
			open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				list, err := o.AppraisalStore.History(ctx, d, e, upTo)
				slices.SortStableFunc(list, func(a, b appraisal.Appraisal) int { return cmp.Compare(a.Month.Month, b.Month.Month) })
				return list, err
			}),
			caughtBy: []string{"HistoryOldestFirst"}},
		{name: "historyOfPrefix", flaw: "History selects employees by prefix (employee LIKE 'adv-1%')",
			open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
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
			caughtBy: []string{"HistoryOldestFirst"}},
		{name: "historyBeforeUpTo", flaw: "History stops before the month named (month < ?), not at it",
			open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				return o.AppraisalStore.History(ctx, d, e, upTo.Prev())
			}),
			caughtBy: []string{"HistoryOldestFirst", "AppraisalRoundTrip", "ReadsAreCopies", "LargeHistory"}},
		{name: "historyIgnoresUpTo", flaw: "History returns every month of the employee's",
			open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
				return o.AppraisalStore.History(ctx, d, e, month("9999-12"))
			}),
			caughtBy: []string{"HistoryOldestFirst", "LargeHistory"}},
		{name: "appraisalKeyedByEmployee", flaw: "keeps one appraisal per employee, forgetting the month in its key",
			open: mapStore(appraisalKeyWithoutMonth), caughtBy: []string{"HistoryOldestFirst", "LargeHistory"}},
	}
}

func month(s string) org.Month {
	m, err := org.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func copyStores() []brokenStore {
	copies := []string{"ReadsAreCopies"}
	return []brokenStore{
		{name: "keepsCommittedSlices", flaw: "stores the caller's slices, maps and pointers instead of copies", open: mapStore(keepsCommittedSlices), caughtBy: copies},
		{name: "cycleReturnsStored", flaw: "Cycle returns the stored slices and maps", open: mapStore(cycleReturnsStored), caughtBy: copies},
		{name: "shallowCycles", flaw: "copies a cycle's slices but not its maps (Bonus.ByGrade, Deadlines) nor Bonus.Linear", open: mapStore(shallowCycles), caughtBy: copies},
		{name: "appraisalsReturnStored", flaw: "Appraisals returns the stored slices and Calibration", open: mapStore(appraisalsReturnStored), caughtBy: copies},
		{name: "historyReturnsStored", flaw: "History returns the stored slices and Calibration", open: mapStore(historyReturnsStored), caughtBy: copies},
		{name: "shallowAppraisals", flaw: "copies an appraisal's KPIs but not the sources and missing lists inside them", open: mapStore(shallowAppraisals), caughtBy: copies},
		{name: "calibrationShared", flaw: "copies an appraisal but for its Calibration pointer", open: mapStore(calibrationShared), caughtBy: copies},
		{name: "improvementReturnsStored", flaw: "Improvement returns the stored goals and follow-ups", open: mapStore(improvementReturnsStored), caughtBy: copies},
		{name: "eventsReturnStored", flaw: "Events returns the stored Data", open: mapStore(eventsReturnStored), caughtBy: copies},
	}
}

func versionStores() []brokenStore {
	versionChecks := []string{"CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule"}
	concurrent := []string{"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"}
	return []brokenStore{
		{name: "lastWriterWins", flaw: "ignores Version: every write of Version >= 1 lands",
			open: mapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "lastWriterWinsSlow", flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			open: slowMapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "createOverwrites", flaw: "Version 1 replaces an existing record",
			open: mapStore(createOverwrites), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic", "ConcurrentInputKeyOnce"})},
		{name: "staleWins", flaw: "Version n > 1 replaces whatever version is stored",
			open: mapStore(staleWins), caughtBy: slices.Concat(versionChecks, []string{"ConcurrentAppraisalUpdates"})},
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
		{name: "cycleUpserts", flaw: "writes cycles without a version check (INSERT OR REPLACE); other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "cycle"), caughtBy: []string{"CycleVersionRule", "CommitIsAtomic"}},
		{name: "inputUpserts", flaw: "ignores inputs' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "input"), caughtBy: []string{"InputVersionRule", "CommitIsAtomic", "ConcurrentInputKeyOnce"}},
		{name: "appraisalUpserts", flaw: "ignores appraisals' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "appraisal"), caughtBy: []string{"AppraisalVersionRule", "CommitIsAtomic", "ConcurrentAppraisalUpdates"}},
		{name: "improvementUpserts", flaw: "ignores improvement plans' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "improvement"), caughtBy: []string{"ImprovementVersionRule", "CommitIsAtomic"}},
	}
}

func atomicStores() []brokenStore {
	return []brokenStore{
		{name: "notAtomic", flaw: "writes each record as its own commit, so records before a conflict land",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					var parts []appraisal.Change
					for _, x := range c.Cycles {
						parts = append(parts, appraisal.Change{Cycles: []appraisal.Cycle{x}})
					}
					for _, x := range c.Inputs {
						parts = append(parts, appraisal.Change{Inputs: []appraisal.Input{x}})
					}
					for _, x := range c.Appraisals {
						parts = append(parts, appraisal.Change{Appraisals: []appraisal.Appraisal{x}})
					}
					for _, x := range c.Improvements {
						parts = append(parts, appraisal.Change{Improvements: []appraisal.Improvement{x}})
					}
					parts = append(parts, appraisal.Change{Events: c.Events})
					return commitParts(ctx, o.AppraisalStore, d, parts)
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid"}},
		{name: "kindByKind", flaw: "writes each kind of record in its own transaction (one per table)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					return commitParts(ctx, o.AppraisalStore, d, []appraisal.Change{
						{Inputs: c.Inputs}, {Cycles: c.Cycles}, {Appraisals: c.Appraisals}, {Improvements: c.Improvements}, {Events: c.Events},
					})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid"}},
		{name: "eventsFirst", flaw: "appends the events (the outbox) before checking the records",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.AppraisalStore, d, []appraisal.Change{{Events: evs}, c})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule",
				"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"}},
		{name: "cycleLast", flaw: "writes the other records, then the cycle in a second transaction: a stale cycle leaves a rating behind",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					cycles := c.Cycles
					c.Cycles = nil
					return commitParts(ctx, o.AppraisalStore, d, []appraisal.Change{c, {Cycles: cycles}})
				}
			}),
			caughtBy: []string{"CommitIsAtomic"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{name: "acceptsOtherDealer", flaw: "writes each record under the dealer it names, not refusing other dealers'",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
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
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "dealerCheckedOnCyclesOnly", flaw: "checks DealerID of cycles and events only; other records are filed under the commit's dealer",
			open: bend(func(o *over) {
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
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "keysWithoutDealer", flaw: "keys records without their dealer: two dealers' records of one key collide",
			open: mapStore(keyWithoutDealer), caughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{name: "cycleFallsBack", flaw: "Cycle looks the month up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
					return fallBack(o, d, func(d org.DealerID) (appraisal.Cycle, error) { return o.AppraisalStore.Cycle(ctx, d, m) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "improvementFallsBack", flaw: "Improvement looks the plan up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
					return fallBack(o, d, func(d org.DealerID) (appraisal.Improvement, error) { return o.AppraisalStore.Improvement(ctx, d, m, e) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "inputsOfEveryDealer", flaw: "Inputs ignores the dealer",
			open: bend(func(o *over) {
				o.inputs = func(ctx context.Context, _ org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return everyDealer(o, func(in appraisal.Input) string { return in.Key() },
						func(d org.DealerID) ([]appraisal.Input, error) { return o.AppraisalStore.Inputs(ctx, d, m, r) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "appraisalsOfEveryDealer", flaw: "Appraisals ignores the dealer",
			open: bend(func(o *over) {
				o.appraisals = func(ctx context.Context, _ org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return everyDealer(o, func(a appraisal.Appraisal) string { return string(a.Computed.Employee) },
						func(d org.DealerID) ([]appraisal.Appraisal, error) { return o.AppraisalStore.Appraisals(ctx, d, m) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "historyOfEveryDealer", flaw: "History ignores the dealer",
			open: bend(func(o *over) {
				o.history = func(ctx context.Context, _ org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return everyDealer(o, func(a appraisal.Appraisal) string { return a.Month.String() },
						func(d org.DealerID) ([]appraisal.Appraisal, error) { return o.AppraisalStore.History(ctx, d, e, upTo) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "eventsOfEveryDealer", flaw: "Events ignores the dealer",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					all, err := everyDealer(o, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.AppraisalStore.Events(ctx, d, after, limit) })
					return all[:min(len(all), limit)], err
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{name: "dropsEvents", flaw: "drops the events of a commit that also writes records",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				if len(c.Cycles)+len(c.Inputs)+len(c.Appraisals)+len(c.Improvements) > 0 {
					c.Events = nil
				}
				return c
			}),
			caughtBy: []string{"EventsAppended", "CycleVersionRule", "InputVersionRule", "AppraisalVersionRule", "ImprovementVersionRule",
				"ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"}},
		{name: "eventsReversed", flaw: "appends a commit's events in reverse order",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				c.Events = slices.Clone(c.Events)
				slices.Reverse(c.Events)
				return c
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "eventsIgnoreCursor", flaw: "Events returns the trail from its start, whatever the cursor",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.AppraisalStore.Events(ctx, d, 0, limit)
				}
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "separateTrail", flaw: "keeps appraisal events in a trail of their own, not the dealer's",
			open: bend(func(o *over) {
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
			caughtBy: []string{"EventsAppended", "TenancyIsolation", "ConcurrentAppraisalUpdates", "ConcurrentInputKeyOnce"}},
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
				o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
					if err := o.AppraisalStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
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
	open func() appraisal.Store
	// skips are checks that must report ErrSkip: the store lacks the
	// optional part they are about.
	skips []string
}

func soundStores() []soundStore {
	return []soundStore{
		{name: "memstore", how: "the shipped in-memory store", open: func() appraisal.Store { return memstore.New().Appraisal() }},
		{name: "memstoreMinimal", how: "memstore behind the bare interface: no way to read the trail",
			open: func() appraisal.Store { return minimal{memstore.New().Appraisal()} }, skips: []string{"EventsAppended"}},
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
				ins, as, hist, evs := o.inputs, o.appraisals, o.history, o.events
				o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
					return nilIfEmpty(ins(ctx, d, m, r))
				}
				o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
					return nilIfEmpty(as(ctx, d, m))
				}
				o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
					return nilIfEmpty(hist(ctx, d, e, upTo))
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return nilIfEmpty(evs(ctx, d, after, limit))
				}
			})},
		{name: "emptyAsNil", how: "reads every empty slice inside a record as nil (JSON columns with omitempty)",
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
					evs, err := o.AppraisalStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{name: "keepsMicroseconds", how: "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			open: bendCommit(func(c appraisal.Change) appraisal.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Microsecond) })
			})},
		{name: "canonicalDecimals", how: "reads every decimal back in its canonical form (12.50 as 12.5), as a JSON document does",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if d, ok := v.Interface().(decimal.Decimal); ok {
						v.Set(reflect.ValueOf(decimal.RequireFromString(d.String())))
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
		{name: "historyByScan", how: "answers History by listing each month's appraisals, oldest first",
			open: bendHistory(func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
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

func TestKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	known := checkNames()
	for _, b := range brokenStores() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, name := range b.caughtBy {
				if !known[name] {
					t.Fatalf("%s names check %q, which appraisaltest.Checks does not have", b.name, name)
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
			for _, c := range appraisaltest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					if c.Large && !slices.Contains(b.caughtBy, c.Name) {
						// Features.SkipLarge, in effect: thousands of
						// records per broken store cost time under -race
						// and prove nothing the store is named for.
						t.Skip("a large check this store is not named for")
					}
					t.Parallel()
					err, panicked := runCheck(t, c, b.open())
					if err != nil && !errors.Is(err, appraisaltest.ErrSkip) {
						mu.Lock()
						failed = append(failed, c.Name)
						mu.Unlock()
					}
					switch {
					case panicked:
						t.Errorf("%s panicked on a store that %s, instead of returning an error: %v", c.Name, b.flaw, err)
					case slices.Contains(b.caughtBy, c.Name):
						if err == nil || errors.Is(err, appraisaltest.ErrSkip) {
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
			for _, c := range appraisaltest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, _ := runCheck(t, c, s.open())
					switch skipped := errors.Is(err, appraisaltest.ErrSkip); {
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
	checks := map[string]appraisaltest.Check{}
	for _, c := range appraisaltest.Checks() {
		checks[c.Name] = c
	}
	kinds := []struct {
		typ   reflect.Type
		check string
		zero  func(c appraisal.Change, path []string) appraisal.Change
	}{
		{reflect.TypeFor[appraisal.Cycle](), "CycleRoundTrip", func(c appraisal.Change, path []string) appraisal.Change {
			for i := range c.Cycles {
				zeroPath(reflect.ValueOf(&c.Cycles[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[appraisal.Input](), "InputRoundTrip", func(c appraisal.Change, path []string) appraisal.Change {
			for i := range c.Inputs {
				zeroPath(reflect.ValueOf(&c.Inputs[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[appraisal.Appraisal](), "AppraisalRoundTrip", func(c appraisal.Change, path []string) appraisal.Change {
			for i := range c.Appraisals {
				zeroPath(reflect.ValueOf(&c.Appraisals[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[appraisal.Improvement](), "ImprovementRoundTrip", func(c appraisal.Change, path []string) appraisal.Change {
			for i := range c.Improvements {
				zeroPath(reflect.ValueOf(&c.Improvements[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[org.Event](), "EventsAppended", func(c appraisal.Change, path []string) appraisal.Change {
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
				s := bendCommit(func(c appraisal.Change) appraisal.Change { return k.zero(cloneChange(c), path) })()
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
	for _, c := range appraisaltest.Checks() {
		if len(by[c.Name]) == 0 {
			t.Errorf("no broken store must fail %s: write one that breaks %q", c.Name, c.Rule)
			continue
		}
		t.Logf("%s catches %s", c.Name, strings.Join(by[c.Name], ", "))
	}
}

// TestTestStoreFailsBrokenStore runs appraisaltest.TestStore on a broken
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
	nf := check(t, "ImprovementNotFound")
	for _, want := range []string{
		"--- FAIL: TestChildTestStore/ImprovementNotFound",
		`appraisaltest: ImprovementNotFound: Improvement(d1, 2026-11, "adv-2"): got error <nil>, want one matching ` + org.ErrNotFound.Error(),
		"rule broken: " + nf.Rule,
		"--- PASS: TestChildTestStore/InputRoundTrip",
		"--- SKIP: TestChildTestStore/LargeHistory",
		"--- SKIP: TestChildTestStore/EventsAppended",
		"Features.Events is not set",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

const childEnv = "APPRAISALTEST_KIT_CHILD"

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run in a child process by TestTestStoreFailsBrokenStore")
	}
	var open func() appraisal.Store
	for _, b := range brokenStores() {
		if b.name == "missingIsZero" {
			open = b.open
		}
	}
	appraisaltest.TestStore(t, appraisaltest.Harness{
		NewStore: func(*testing.T) appraisal.Store { return minimal{open()} },
		Features: appraisaltest.Features{SkipLarge: true},
	})
}

func checkNames() map[string]bool {
	known := map[string]bool{}
	for _, c := range appraisaltest.Checks() {
		known[c.Name] = true
	}
	return known
}

func check(t *testing.T, name string) appraisaltest.Check {
	t.Helper()
	for _, c := range appraisaltest.Checks() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("appraisaltest.Checks has no check %q", name)
	return appraisaltest.Check{}
}

// runCheck runs c on s, turning a panic of the check into an error. The
// kit finds the trail of a store that reads it by itself.
func runCheck(t *testing.T, c appraisaltest.Check, s appraisal.Store) (err error, panicked bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	return c.Run(ctx, s, appraisaltest.Features{}), false
}

// minimal hides everything of a store but appraisal.Store.
type minimal struct{ appraisal.Store }
