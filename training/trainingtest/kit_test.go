package trainingtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of training.Store, and exactly the checks
// named beside it must fail on it; every store in soundStores keeps the
// contract, and every check must pass on it (or skip, where the store lacks
// an optional part). TestKitCatchesForgottenColumns generates one broken
// store per field of every record, by reflection, so a field added to a
// record and forgotten by the kit's diff fails here.
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

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
	"github.com/servicelane/servicelane/training/trainingtest"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore struct {
	name string
	// flaw is the rule it breaks, in the contract's words.
	flaw string
	open func() training.Store
	// caughtBy are the checks that must fail on it with an error; every
	// other check must pass.
	caughtBy []string
}

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), instantStores(), listStores(), copyStores(),
		versionStores(), atomicStores(), tenancyStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

// snapshots are the checks that read a dealer's whole state before and
// after a refused write: a store that fails to read what is not there
// fails them all.
var snapshots = []string{"PlanVersionRule", "SessionVersionRule", "ProgressVersionRule", "CareerVersionRule",
	"RecordTwiceConflicts", "CommitIsAtomic", "CommitOtherDealerInvalid", "TenancyIsolation", "ContextDone"}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{name: "plainNotFound", flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			open:     bend(func(o *over) { o.mapErrors(plainNotFound) }),
			caughtBy: slices.Concat([]string{"PlanNotFound", "SessionNotFound", "CareerNotFound"}, snapshots)},
		{name: "missingIsZero", flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			open: bend(func(o *over) { o.mapErrors(nilIfNotFound) }),
			caughtBy: []string{
				"CareerNotFound", "CareerVersionRule", "PlanNotFound", "PlanVersionRule", "SessionNotFound", "SessionVersionRule",
				"TenancyIsolation"},
		},
		{name: "planNearestEarlier", flaw: "Plan answers the latest plan before the year asked for when it has none (year <= ? ORDER BY year DESC LIMIT 1)",
			open: bend(func(o *over) {
				o.plan = func(ctx context.Context, d org.DealerID, y int) (training.Plan, error) {
					p, err := o.TrainingStore.Plan(ctx, d, y)
					for k := 1; k <= 10 && errors.Is(err, org.ErrNotFound); k++ {
						if earlier, e := o.TrainingStore.Plan(ctx, d, y-k); e == nil {
							return earlier, nil
						}
					}
					return p, err
				}
			}),
			caughtBy: []string{"PlanNotFound", "PlanVersionRule", "TenancyIsolation"}},
		{name: "emptyIsNotFound", flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			open: bend(func(o *over) {
				ss, ps, cs := o.sessions, o.progress, o.careers
				o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
					return notFoundIfEmpty(ss(ctx, d, y))
				}
				o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					return notFoundIfEmpty(ps(ctx, d, y, e))
				}
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					return notFoundIfEmpty(cs(ctx, d))
				}
			}),
			caughtBy: []string{
				"CareerVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ContextDone",
				"EmptyResults", "PlanVersionRule", "ProgressOrderedByKey", "ProgressRoundTrip", "ProgressVersionRule",
				"RecordTwiceConflicts", "SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
		{name: "caseFoldKeys", flaw: "finds sessions and career records case-insensitively (a _ci collation)",
			open: bend(func(o *over) {
				se, cr := o.session, o.career
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					return se(ctx, d, strings.ToLower(id))
				}
				o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
					return cr(ctx, d, org.EmployeeID(strings.ToLower(string(e))))
				}
			}),
			caughtBy: []string{"SessionNotFound", "CareerNotFound"}},
		{name: "trimsKeys", flaw: "finds sessions and career records with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			open: bend(func(o *over) {
				se, cr := o.session, o.career
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					return se(ctx, d, strings.TrimRight(id, " "))
				}
				o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
					return cr(ctx, d, org.EmployeeID(strings.TrimRight(string(e), " ")))
				}
			}),
			caughtBy: []string{"SessionNotFound", "CareerNotFound"}},
		{name: "sessionByPrefix", flaw: "Session finds the first session whose ID begins with the one asked for (id LIKE ?||'%')",
			open: bend(func(o *over) {
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					x, err := o.TrainingStore.Session(ctx, d, id)
					if !errors.Is(err, org.ErrNotFound) {
						return x, err
					}
					for _, y := range []int{2025, 2026, 2027, 2028} {
						list, _ := o.TrainingStore.Sessions(ctx, d, y)
						for _, s := range list {
							if strings.HasPrefix(s.ID, id) {
								return s, nil
							}
						}
					}
					return x, err
				}
			}),
			caughtBy: []string{"SessionNotFound"}},
	}
}

func valueStores() []brokenStore {
	return []brokenStore{
		{name: "floatDecimals", flaw: "passes decimals through float64 on write",
			open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "InstantsUTCMicroseconds", "ProgressRoundTrip", "ReadsAreCopies"}},
		{name: "decimalsFourPlaces", flaw: "keeps 4 decimals (a NUMERIC(24,4) column), losing pass marks and scores",
			open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(4) }, nil)
			}),
			caughtBy: []string{"PlanRoundTrip", "SessionRoundTrip", "ProgressRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{name: "decimalsEightPlaces", flaw: "keeps 8 decimals (a NUMERIC(30,8) column), losing an average of attempts",
			open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(8) }, nil)
			}),
			caughtBy: []string{"ProgressRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{name: "decimalsUnsigned", flaw: "drops the sign of a decimal (an unsigned column)",
			open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			caughtBy: []string{"AmountsExact"}},
		{name: "nilPointersAsZero", flaw: "reads a missing score or certificate as a pointer to a zero one (nullable columns scanned into a struct)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{
				"AmountsExact", "InstantsUTCMicroseconds", "PlanRoundTrip", "PlanVersionRule", "ReadsAreCopies", "SessionRoundTrip",
				"SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
		{name: "scoresDropped", flaw: "keeps no attendee's score (a column forgotten for the pointer)",
			open: bendCommit(func(c training.Change) training.Change {
				c = cloneChange(c)
				for i := range c.Sessions {
					for j := range c.Sessions[i].Attendees {
						c.Sessions[i].Attendees[j].Score = nil
					}
				}
				return c
			}),
			caughtBy: []string{"SessionRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{name: "attendeesMerged", flaw: "an update adds the new attendees to the stored ones instead of replacing them (child rows never deleted)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					c = cloneChange(c)
					for i, x := range c.Sessions {
						old, err := o.TrainingStore.Session(ctx, d, x.ID)
						if err != nil || x.Version < 2 {
							continue
						}
						for _, a := range old.Attendees {
							if !slices.ContainsFunc(x.Attendees, func(b training.Attendee) bool { return b.Employee == a.Employee }) {
								c.Sessions[i].Attendees = append(c.Sessions[i].Attendees, a)
							}
						}
					}
					return o.TrainingStore.Commit(ctx, d, c)
				}
			}),
			caughtBy: []string{"SessionRoundTrip"}},
		{name: "targetEmployeesDropped", flaw: "keeps a course but not its target's employees (a table forgotten for the slice)",
			open: bendCommit(func(c training.Change) training.Change {
				c = cloneChange(c)
				for i := range c.Plans {
					for j := range c.Plans[i].Courses {
						c.Plans[i].Courses[j].Target.Employees = nil
					}
				}
				return c
			}),
			caughtBy: []string{"PlanRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
	}
}

func instantStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{name: "dropsMicroseconds", flaw: "keeps instants to the second",
			open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			caughtBy: []string{
				"AmountsExact", "CareerRoundTrip", "CareerVersionRule", "CareersOrderedByEmployee", "ConcurrentProgressCreateOnce",
				"EventsAppended", "InstantsUTCMicroseconds", "LargeYear", "PlanRoundTrip", "ProgressOrderedByKey",
				"ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies", "SessionRoundTrip", "SessionVersionRule",
				"SessionsOrderedByStart", "TenancyIsolation"},
		},
		{name: "readsInDealerZone", flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			open: bend(func(o *over) { o.mapReads(onInstants(func(t time.Time) time.Time { return t.In(taipei) })) }),
			caughtBy: []string{
				"AmountsExact", "CareerRoundTrip", "CareerVersionRule", "CareersOrderedByEmployee", "CommitIsAtomic",
				"CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ContextDone", "EventsAppended",
				"InstantsUTCMicroseconds", "LargeYear", "PlanRoundTrip", "PlanVersionRule", "ProgressOrderedByKey",
				"ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies", "RecordTwiceConflicts", "SessionRoundTrip",
				"SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
		{name: "keepsZone", flaw: "keeps each instant in the zone it was written in (a timestamp column with the offset kept as text)",
			open: mapStore(keepsZone), caughtBy: []string{"InstantsUTCMicroseconds"}},
		{name: "keepsNanoseconds", flaw: "keeps instants to the nanosecond, not the microsecond",
			open: mapStore(keepsNanoseconds), caughtBy: []string{"InstantsUTCMicroseconds"}},
		{name: "zeroTimeAsEpoch", flaw: "reads the zero time back as 1970-01-01 (NULL stored as 0 seconds since the epoch)",
			open: bend(func(o *over) {
				o.mapReads(onInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return time.Unix(0, 0).UTC()
					}
					return t
				}))
			}),
			caughtBy: []string{
				"CareerRoundTrip", "ConcurrentProgressCreateOnce", "InstantsUTCMicroseconds", "PlanRoundTrip", "PlanVersionRule",
				"ProgressOrderedByKey", "ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies", "SessionRoundTrip",
				"SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
	}
}

func listStores() []brokenStore {
	bendSessions := func(fn func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error)) func() training.Store {
		return bend(func(o *over) {
			o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) { return fn(o, ctx, d, y) }
		})
	}
	bendProgress := func(fn func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error)) func() training.Store {
		return bend(func(o *over) {
			o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				return fn(o, ctx, d, y, e)
			}
		})
	}
	sortedSessions := func(cmp func(a, b training.Session) int) func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
		return func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
			list, err := o.TrainingStore.Sessions(ctx, d, y)
			slices.SortStableFunc(list, cmp)
			return list, err
		}
	}
	return []brokenStore{
		{name: "sessionsByID", flaw: "orders sessions by ID, not by start",
			open:     bendSessions(sortedSessions(func(a, b training.Session) int { return cmp.Compare(a.ID, b.ID) })),
			caughtBy: []string{"SessionRoundTrip", "SessionsOrderedByStart", "LargeYear"}},
		{name: "sessionsByStartText", flaw: "orders sessions by their start written as RFC 3339 text (trailing zeros dropped)",
			open: bendSessions(sortedSessions(func(a, b training.Session) int {
				return cmp.Or(cmp.Compare(a.Start.Format(time.RFC3339Nano), b.Start.Format(time.RFC3339Nano)), cmp.Compare(a.ID, b.ID))
			})),
			caughtBy: []string{"SessionsOrderedByStart"}},
		{name: "sessionsTieCaseBlind", flaw: "breaks ties of start by ID case-insensitively (a linguistic collation)",
			open: bendSessions(sortedSessions(func(a, b training.Session) int {
				return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)))
			})),
			caughtBy: []string{"SessionsOrderedByStart"}},
		{name: "sessionsTieByInsertion", flaw: "orders sessions by start only, ties in the order they were written (ORDER BY start, rowid)",
			open: bend(func(o *over) {
				var mu sync.Mutex
				order := map[string]int{}
				commit := o.commit
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					err := commit(ctx, d, c)
					if err == nil {
						mu.Lock()
						for _, x := range c.Sessions {
							if _, ok := order[string(d)+"/"+x.ID]; !ok {
								order[string(d)+"/"+x.ID] = len(order)
							}
						}
						mu.Unlock()
					}
					return err
				}
				o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
					list, err := o.TrainingStore.Sessions(ctx, d, y)
					mu.Lock()
					defer mu.Unlock()
					slices.SortStableFunc(list, func(a, b training.Session) int {
						return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(order[string(d)+"/"+a.ID], order[string(d)+"/"+b.ID]))
					})
					return list, err
				}
			}),
			caughtBy: []string{"SessionsOrderedByStart", "LargeYear"}},
		{name: "sessionsReversed", flaw: "lists sessions latest first",
			open: bendSessions(func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
				list, err := o.TrainingStore.Sessions(ctx, d, y)
				slices.Reverse(list)
				return list, err
			}),
			caughtBy: []string{"InstantsUTCMicroseconds", "LargeYear", "SessionRoundTrip", "SessionsOrderedByStart", "TenancyIsolation"}},
		{name: "sessionsOfStartYear", flaw: "selects a year's sessions by the year they start in (UTC), not by their Year",
			open: bendSessions(func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
				all := []training.Session{}
				for _, other := range []int{y - 1, y, y + 1} {
					list, err := o.TrainingStore.Sessions(ctx, d, other)
					if err != nil {
						return nil, err
					}
					all = append(all, slices.DeleteFunc(list, func(s training.Session) bool { return s.Start.Year() != y })...)
				}
				slices.SortStableFunc(all, func(a, b training.Session) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
				return all, nil
			}),
			caughtBy: []string{"InstantsUTCMicroseconds", "SessionRoundTrip", "SessionsOrderedByStart", "TenancyIsolation"}},
		{name: "sessionsOfEveryYear", flaw: "Sessions ignores the year",
			open: bendSessions(func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
				all := []training.Session{}
				for other := y - 5; other <= y+5; other++ {
					list, err := o.TrainingStore.Sessions(ctx, d, other)
					if err != nil {
						return nil, err
					}
					all = append(all, list...)
				}
				slices.SortStableFunc(all, func(a, b training.Session) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
				return all, nil
			}),
			caughtBy: []string{"EmptyResults", "SessionsOrderedByStart", "TenancyIsolation"}},
		{name: "progressByColumns", flaw: "orders progress by its (year, course, employee) columns, not by Key",
			open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				list, err := o.TrainingStore.Progress(ctx, d, y, e)
				slices.SortFunc(list, func(a, b training.Progress) int {
					return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.CourseID, b.CourseID), cmp.Compare(a.Employee, b.Employee))
				})
				return list, err
			}),
			caughtBy: []string{"ProgressRoundTrip", "ProgressOrderedByKey"}},
		{name: "progressReversed", flaw: "lists progress in descending Key order",
			open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				list, err := o.TrainingStore.Progress(ctx, d, y, e)
				slices.Reverse(list)
				return list, err
			}),
			caughtBy: []string{"AmountsExact", "InstantsUTCMicroseconds", "LargeYear", "ProgressOrderedByKey", "ProgressRoundTrip", "TenancyIsolation"}},
		{name: "progressEmployeePrefix", flaw: "selects an employee's progress by prefix (employee LIKE 'adv-1%')",
			open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				list, err := o.TrainingStore.Progress(ctx, d, y, "")
				return slices.DeleteFunc(list, func(p training.Progress) bool { return !strings.HasPrefix(string(p.Employee), string(e)) }), err
			}),
			caughtBy: []string{"ProgressOrderedByKey", "LargeYear"}},
		{name: "progressEmployeeIgnored", flaw: "Progress lists every employee's records whoever is named",
			open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, _ org.EmployeeID) ([]training.Progress, error) {
				return o.TrainingStore.Progress(ctx, d, y, "")
			}),
			caughtBy: []string{"EmptyResults", "LargeYear", "ProgressOrderedByKey", "ProgressRoundTrip", "TenancyIsolation"}},
		{name: "progressOfEveryYear", flaw: "Progress ignores the year",
			open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				all := []training.Progress{}
				for other := y - 5; other <= y+5; other++ {
					list, err := o.TrainingStore.Progress(ctx, d, other, e)
					if err != nil {
						return nil, err
					}
					all = append(all, list...)
				}
				slices.SortStableFunc(all, func(a, b training.Progress) int { return cmp.Compare(a.Key(), b.Key()) })
				return all, nil
			}),
			caughtBy: []string{"ProgressRoundTrip", "ProgressOrderedByKey", "EmptyResults", "TenancyIsolation"}},
		{name: "careersCaseBlind", flaw: "orders career records by employee case-insensitively (a linguistic collation)",
			open: bend(func(o *over) {
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					list, err := o.TrainingStore.Careers(ctx, d)
					slices.SortStableFunc(list, func(a, b training.Career) int {
						return cmp.Compare(strings.ToLower(string(a.Employee)), strings.ToLower(string(b.Employee)))
					})
					return list, err
				}
			}),
			caughtBy: []string{"CareersOrderedByEmployee"}},
		{name: "careersReversed", flaw: "lists career records in descending employee order",
			open: bend(func(o *over) {
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					list, err := o.TrainingStore.Careers(ctx, d)
					slices.Reverse(list)
					return list, err
				}
			}),
			caughtBy: []string{"CareerRoundTrip", "CareersOrderedByEmployee", "InstantsUTCMicroseconds", "TenancyIsolation"}},
		{name: "truncatesLists", flaw: "returns at most 100 records from a list (a LIMIT left in the query)",
			open: bend(func(o *over) {
				ss, ps, cs := o.sessions, o.progress, o.careers
				o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
					list, err := ss(ctx, d, y)
					return list[:min(len(list), 100)], err
				}
				o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					list, err := ps(ctx, d, y, e)
					return list[:min(len(list), 100)], err
				}
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					list, err := cs(ctx, d)
					return list[:min(len(list), 100)], err
				}
			}),
			caughtBy: []string{"LargeYear"}},
		{name: "nilForNone", flaw: "returns nil slices, not empty ones, for no match",
			open: bend(func(o *over) {
				ss, ps, cs := o.sessions, o.progress, o.careers
				o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
					return nilIfEmpty(ss(ctx, d, y))
				}
				o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					return nilIfEmpty(ps(ctx, d, y, e))
				}
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) { return nilIfEmpty(cs(ctx, d)) }
			}),
			caughtBy: []string{"EmptyResults"}},
	}
}

func copyStores() []brokenStore {
	copies := []string{"ReadsAreCopies"}
	return []brokenStore{
		{name: "keepsCommittedSlices", flaw: "stores the caller's slices and pointers instead of copies", open: mapStore(keepsCommittedSlices), caughtBy: copies},
		{name: "planReturnsStored", flaw: "Plan returns the stored courses", open: mapStore(planReturnsStored), caughtBy: copies},
		{name: "shallowPlans", flaw: "copies a plan's courses but not their target employees nor certificates", open: mapStore(shallowPlans), caughtBy: copies},
		{name: "sessionReturnsStored", flaw: "Session returns the stored attendees", open: mapStore(sessionReturnsStored), caughtBy: copies},
		{name: "sessionsReturnStored", flaw: "Sessions returns the stored attendees", open: mapStore(sessionsReturnStored), caughtBy: copies},
		{name: "scoreShared", flaw: "copies a session's attendees but not what their Score pointers point at", open: mapStore(scoreShared), caughtBy: copies},
		{name: "progressReturnsStored", flaw: "Progress returns the stored attempts", open: mapStore(progressReturnsStored), caughtBy: copies},
		{name: "earlierShared", flaw: "copies a progress record's attempts but not the earlier rounds'", open: mapStore(earlierShared), caughtBy: copies},
		{name: "careerReturnsStored", flaw: "Career returns the stored notes, goals and certificates", open: mapStore(careerReturnsStored), caughtBy: copies},
		{name: "careersReturnStored", flaw: "Careers returns the stored notes, goals and certificates", open: mapStore(careersReturnStored), caughtBy: copies},
		{name: "eventsReturnStored", flaw: "Events returns the stored Data", open: mapStore(eventsReturnStored), caughtBy: copies},
	}
}

func versionStores() []brokenStore {
	versionChecks := []string{"PlanVersionRule", "SessionVersionRule", "ProgressVersionRule", "CareerVersionRule"}
	concurrent := []string{"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"}
	return []brokenStore{
		{name: "lastWriterWins", flaw: "ignores Version: every write of Version >= 1 lands",
			open: mapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "lastWriterWinsSlow", flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			open: slowMapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "createOverwrites", flaw: "Version 1 replaces an existing record",
			open: mapStore(createOverwrites), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic", "ConcurrentProgressCreateOnce"})},
		{name: "staleWins", flaw: "Version n > 1 replaces whatever version is stored",
			open: mapStore(staleWins), caughtBy: slices.Concat(versionChecks, []string{"ConcurrentSessionUpdates"})},
		{name: "updateCreates", flaw: "Version n > 1 of a missing record creates it (an upsert)",
			open: mapStore(updateCreates), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"})},
		{name: "versionZeroAccepted", flaw: "Version < 1 is written instead of refused with ErrInvalid",
			open: mapStore(versionZeroAccepted), caughtBy: versionChecks},
		{name: "versionZeroConflicts", flaw: "Version < 1 is refused with ErrConflict, not ErrInvalid",
			open: mapStore(versionZeroConflicts), caughtBy: versionChecks},
		{name: "writesThenConflicts", flaw: "writes the whole change, then reports the version conflict",
			open: mapStore(writesThenConflicts), caughtBy: slices.Concat(versionChecks, []string{"RecordTwiceConflicts", "CommitIsAtomic"}, concurrent)},
		{name: "checkThenWrite", flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			open: mapStore(checkThenWrite), caughtBy: concurrent},
		{name: "planUpserts", flaw: "writes plans without a version check (INSERT OR REPLACE); other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "plan"), caughtBy: []string{"PlanVersionRule", "CommitIsAtomic"}},
		{name: "sessionUpserts", flaw: "ignores sessions' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "session"), caughtBy: []string{"SessionVersionRule", "CommitIsAtomic", "ConcurrentSessionUpdates"}},
		{name: "progressUpserts", flaw: "ignores progress records' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "progress"), caughtBy: []string{"ProgressVersionRule", "CommitIsAtomic", "ConcurrentProgressCreateOnce"}},
		{name: "careerUpserts", flaw: "ignores career records' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "career"), caughtBy: []string{"CareerVersionRule", "CommitIsAtomic"}},
		{name: "repeatsInOrder", flaw: "applies a record named twice in one change in order, the second over the first",
			open: mapStore(repeatsInOrder), caughtBy: []string{"RecordTwiceConflicts"}},
		{name: "repeatsLastWins", flaw: "writes the last of the records named twice in one change (ON CONFLICT DO UPDATE within the transaction)",
			open: mapStore(repeatsLastWins), caughtBy: []string{"RecordTwiceConflicts"}},
	}
}

func atomicStores() []brokenStore {
	return []brokenStore{
		{name: "notAtomic", flaw: "writes each record as its own commit, so records before a conflict land",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					var parts []training.Change
					for _, x := range c.Plans {
						parts = append(parts, training.Change{Plans: []training.Plan{x}})
					}
					for _, x := range c.Sessions {
						parts = append(parts, training.Change{Sessions: []training.Session{x}})
					}
					for _, x := range c.Progress {
						parts = append(parts, training.Change{Progress: []training.Progress{x}})
					}
					for _, x := range c.Careers {
						parts = append(parts, training.Change{Careers: []training.Career{x}})
					}
					parts = append(parts, training.Change{Events: c.Events})
					return commitParts(ctx, o.TrainingStore, d, parts)
				}
			}),
			caughtBy: []string{"RecordTwiceConflicts", "CommitIsAtomic", "CommitOtherDealerInvalid"}},
		{name: "kindByKind", flaw: "writes each kind of record in its own transaction (one per table)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					return commitParts(ctx, o.TrainingStore, d, []training.Change{
						{Sessions: c.Sessions}, {Plans: c.Plans}, {Progress: c.Progress}, {Careers: c.Careers}, {Events: c.Events},
					})
				}
			}),
			caughtBy: []string{"RecordTwiceConflicts", "CommitIsAtomic", "CommitOtherDealerInvalid"}},
		{name: "eventsFirst", flaw: "appends the events (the outbox) before checking the records",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.TrainingStore, d, []training.Change{{Events: evs}, c})
				}
			}),
			caughtBy: []string{
				"CareerVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce",
				"ConcurrentSessionUpdates", "PlanVersionRule", "ProgressVersionRule", "RecordTwiceConflicts", "SessionVersionRule"},
		},
		{name: "careersLast", flaw: "writes the other records, then the career records in a second transaction: a stale career leaves the rest behind",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					careers := c.Careers
					c.Careers = nil
					return commitParts(ctx, o.TrainingStore, d, []training.Change{c, {Careers: careers}})
				}
			}),
			caughtBy: []string{"CareerVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid", "RecordTwiceConflicts"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{name: "acceptsOtherDealer", flaw: "writes each record under the dealer it names, not refusing other dealers'",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					parts := map[org.DealerID]*training.Change{}
					part := func(id org.DealerID) *training.Change {
						if parts[id] == nil {
							parts[id] = &training.Change{}
						}
						return parts[id]
					}
					for _, x := range c.Plans {
						p := part(x.DealerID)
						p.Plans = append(p.Plans, x)
					}
					for _, x := range c.Sessions {
						p := part(x.DealerID)
						p.Sessions = append(p.Sessions, x)
					}
					for _, x := range c.Progress {
						p := part(x.DealerID)
						p.Progress = append(p.Progress, x)
					}
					for _, x := range c.Careers {
						p := part(x.DealerID)
						p.Careers = append(p.Careers, x)
					}
					for _, ev := range c.Events {
						p := part(ev.DealerID)
						p.Events = append(p.Events, ev)
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := o.TrainingStore.Commit(ctx, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "dealerCheckedOnPlansOnly", flaw: "checks DealerID of plans and events only; other records are filed under the commit's dealer",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					c = cloneChange(c)
					for i := range c.Sessions {
						c.Sessions[i].DealerID = d
					}
					for i := range c.Progress {
						c.Progress[i].DealerID = d
					}
					for i := range c.Careers {
						c.Careers[i].DealerID = d
					}
					return o.TrainingStore.Commit(ctx, d, c)
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "keysWithoutDealer", flaw: "keys records without their dealer: two dealers' records of one key collide",
			open: mapStore(keyWithoutDealer), caughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{name: "planFallsBack", flaw: "Plan looks the year up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.plan = func(ctx context.Context, d org.DealerID, y int) (training.Plan, error) {
					return fallBack(o, d, func(d org.DealerID) (training.Plan, error) { return o.TrainingStore.Plan(ctx, d, y) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "sessionFallsBack", flaw: "Session looks the ID up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					return fallBack(o, d, func(d org.DealerID) (training.Session, error) { return o.TrainingStore.Session(ctx, d, id) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "careerFallsBack", flaw: "Career looks the employee up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
					return fallBack(o, d, func(d org.DealerID) (training.Career, error) { return o.TrainingStore.Career(ctx, d, e) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "sessionsOfEveryDealer", flaw: "Sessions ignores the dealer",
			open: bend(func(o *over) {
				o.sessions = func(ctx context.Context, _ org.DealerID, y int) ([]training.Session, error) {
					return everyDealer(o, func(s training.Session) string { return fmt.Sprintf("%020d/%s", s.Start.UnixMicro(), s.ID) },
						func(d org.DealerID) ([]training.Session, error) { return o.TrainingStore.Sessions(ctx, d, y) })
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "progressOfEveryDealer", flaw: "Progress ignores the dealer",
			open: bend(func(o *over) {
				o.progress = func(ctx context.Context, _ org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					return everyDealer(o, training.Progress.Key,
						func(d org.DealerID) ([]training.Progress, error) { return o.TrainingStore.Progress(ctx, d, y, e) })
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "careersOfEveryDealer", flaw: "Careers ignores the dealer",
			open: bend(func(o *over) {
				o.careers = func(ctx context.Context, _ org.DealerID) ([]training.Career, error) {
					return everyDealer(o, func(c training.Career) string { return string(c.Employee) },
						func(d org.DealerID) ([]training.Career, error) { return o.TrainingStore.Careers(ctx, d) })
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "eventsOfEveryDealer", flaw: "Events ignores the dealer",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					all, err := everyDealer(o, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.TrainingStore.Events(ctx, d, after, limit) })
					return all[:min(len(all), limit)], err
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid", "TenancyIsolation"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{name: "dropsEvents", flaw: "drops the events of a commit that also writes records",
			open: bendCommit(func(c training.Change) training.Change {
				if len(c.Plans)+len(c.Sessions)+len(c.Progress)+len(c.Careers) > 0 {
					c.Events = nil
				}
				return c
			}),
			caughtBy: []string{
				"CareerVersionRule", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates",
				"EventsAppended", "PlanVersionRule", "ProgressVersionRule", "ReadsAreCopies", "SessionVersionRule",
				"TenancyIsolation"},
		},
		{name: "eventsReversed", flaw: "appends a commit's events in reverse order",
			open: bendCommit(func(c training.Change) training.Change {
				c.Events = slices.Clone(c.Events)
				slices.Reverse(c.Events)
				return c
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "eventsIgnoreCursor", flaw: "Events returns the trail from its start, whatever the cursor",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.TrainingStore.Events(ctx, d, 0, limit)
				}
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "separateTrail", flaw: "keeps training events in a trail of their own, not the dealer's",
			open: bend(func(o *over) {
				side := memstore.New().Training()
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					evs := c.Events
					c.Events = nil
					if err := o.TrainingStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return side.Commit(ctx, d, training.Change{Events: evs})
				}
			}),
			caughtBy: []string{
				"CareerVersionRule", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates",
				"EventsAppended", "PlanVersionRule", "ProgressVersionRule", "ReadsAreCopies", "SessionVersionRule",
				"TenancyIsolation"},
		},
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
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					if err := o.TrainingStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
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
	open func() training.Store
	// skips are checks that must report ErrSkip: the store lacks the
	// optional part they are about.
	skips []string
}

func soundStores() []soundStore {
	return []soundStore{
		{name: "memstore", how: "the shipped in-memory store", open: func() training.Store { return memstore.New().Training() }},
		{name: "memstoreMinimal", how: "memstore behind the bare interface: no way to read the trail",
			open: func() training.Store { return minimal{memstore.New().Training()} }, skips: []string{"EventsAppended"}},
		{name: "mapStore", how: "this file's map store with no flaw, the base of the version and copy breakages", open: mapStore(noFlaw)},
		{name: "mapStoreSlow", how: "answers reads after 1ms, so concurrent writers conflict and retry", open: slowMapStore(noFlaw)},
		{name: "roundsToMicroseconds", how: "rounds instants to the microsecond instead of truncating (PostgreSQL's text input)", open: mapStore(roundsToMicro)},
		{name: "wrapsErrors", how: "wraps every error in its own message (fmt.Errorf with %w)",
			open: bend(func(o *over) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{name: "emptyAsNil", how: "reads every empty slice inside a record as nil (JSON columns with omitempty)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Slice && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{name: "nilAsEmpty", how: "reads every nil slice inside a record as empty (JSON columns holding [])",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					switch {
					case !v.CanSet() || v.Kind() != reflect.Slice || !v.IsNil():
						return false
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
					evs, err := o.TrainingStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{name: "canonicalDecimals", how: "reads every decimal back in its canonical form (100.0000 as 100), as a JSON document does",
			open: bend(func(o *over) {
				o.mapReads(onDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }))
			})},
		{name: "fixedScaleDecimals", how: "reads every decimal back at a fixed scale of 16 (7.5 as 7.5000000000000000), as a NUMERIC(40,16) column does",
			open: bend(func(o *over) {
				o.mapReads(onDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.StringFixed(16)) }))
			})},
		{name: "utcFromDriver", how: "reads instants as a driver does: UTC, rebuilt from parts",
			open: bend(func(o *over) {
				o.mapReads(onInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
				}))
			})},
		{name: "sessionFromYears", how: "answers Session by listing the sessions of the years around now",
			open: bend(func(o *over) {
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					for y := 2000; y <= 2100; y++ {
						list, err := o.TrainingStore.Sessions(ctx, d, y)
						if err != nil {
							return training.Session{}, err
						}
						if i := slices.IndexFunc(list, func(s training.Session) bool { return s.ID == id }); i >= 0 {
							return list[i], nil
						}
					}
					return training.Session{}, fmt.Errorf("no session %q: %w", id, org.ErrNotFound)
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
					t.Fatalf("%s names check %q, which trainingtest.Checks does not have", b.name, name)
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
			for _, c := range trainingtest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					if c.Large && !slices.Contains(b.caughtBy, c.Name) {
						// Features.SkipLarge, in effect: thousands of
						// records per broken store cost time under -race
						// and prove nothing the store is named for.
						t.Skip("a large check this store is not named for")
					}
					t.Parallel()
					err, panicked := runCheck(t, c, b.open())
					failing := err != nil && !errors.Is(err, trainingtest.ErrSkip)
					if failing {
						mu.Lock()
						failed = append(failed, c.Name)
						mu.Unlock()
					}
					switch want := slices.Contains(b.caughtBy, c.Name); {
					case panicked:
						t.Errorf("%s panicked on a store that %s, instead of returning an error: %v", c.Name, b.flaw, err)
					case want && !failing:
						t.Errorf("%s passed a store that %s (err %v)", c.Name, b.flaw, err)
					case want:
						t.Logf("caught: %v", err)
					case failing:
						t.Errorf("%s failed a store that %s, which is not named for it: %v", c.Name, b.flaw, err)
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
			for _, c := range trainingtest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, _ := runCheck(t, c, s.open())
					switch skipped := errors.Is(err, trainingtest.ErrSkip); {
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
	checks := map[string]trainingtest.Check{}
	for _, c := range trainingtest.Checks() {
		checks[c.Name] = c
	}
	kinds := []struct {
		typ   reflect.Type
		check string
		zero  func(c training.Change, path []string) training.Change
	}{
		{reflect.TypeFor[training.Plan](), "PlanRoundTrip", func(c training.Change, path []string) training.Change {
			for i := range c.Plans {
				zeroPath(reflect.ValueOf(&c.Plans[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[training.Session](), "SessionRoundTrip", func(c training.Change, path []string) training.Change {
			for i := range c.Sessions {
				zeroPath(reflect.ValueOf(&c.Sessions[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[training.Progress](), "ProgressRoundTrip", func(c training.Change, path []string) training.Change {
			for i := range c.Progress {
				zeroPath(reflect.ValueOf(&c.Progress[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[training.Career](), "CareerRoundTrip", func(c training.Change, path []string) training.Change {
			for i := range c.Careers {
				zeroPath(reflect.ValueOf(&c.Careers[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[org.Event](), "EventsAppended", func(c training.Change, path []string) training.Change {
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
				s := bendCommit(func(c training.Change) training.Change { return k.zero(cloneChange(c), path) })()
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
	for _, c := range trainingtest.Checks() {
		if len(by[c.Name]) == 0 {
			t.Errorf("no broken store must fail %s: write one that breaks %q", c.Name, c.Rule)
			continue
		}
		t.Logf("%s catches %s", c.Name, strings.Join(by[c.Name], ", "))
	}
}

// TestTestStoreFailsBrokenStore runs trainingtest.TestStore on a broken
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
	nf := check(t, "CareerNotFound")
	for _, want := range []string{
		"--- FAIL: TestChildTestStore/CareerNotFound",
		`trainingtest: CareerNotFound: Career(d1, "adv-2"): got error <nil>, want one matching ` + org.ErrNotFound.Error(),
		"rule broken: " + nf.Rule,
		"--- PASS: TestChildTestStore/SessionRoundTrip",
		"--- SKIP: TestChildTestStore/LargeYear",
		"--- SKIP: TestChildTestStore/EventsAppended",
		"Features.Events is not set",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

const childEnv = "TRAININGTEST_KIT_CHILD"

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run in a child process by TestTestStoreFailsBrokenStore")
	}
	var open func() training.Store
	for _, b := range brokenStores() {
		if b.name == "missingIsZero" {
			open = b.open
		}
	}
	trainingtest.TestStore(t, trainingtest.Harness{
		NewStore: func(*testing.T) training.Store { return minimal{open()} },
		Features: trainingtest.Features{SkipLarge: true},
	})
}

func checkNames() map[string]bool {
	known := map[string]bool{}
	for _, c := range trainingtest.Checks() {
		known[c.Name] = true
	}
	return known
}

func check(t *testing.T, name string) trainingtest.Check {
	t.Helper()
	for _, c := range trainingtest.Checks() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("trainingtest.Checks has no check %q", name)
	return trainingtest.Check{}
}

// runCheck runs c on s, turning a panic of the check into an error. The
// kit finds the trail of a store that reads it by itself.
func runCheck(t *testing.T, c trainingtest.Check, s training.Store) (err error, panicked bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	return c.Run(ctx, s, trainingtest.Features{}), false
}

// minimal hides everything of a store but training.Store.
type minimal struct{ training.Store }
