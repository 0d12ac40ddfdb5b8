package trainingtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of training.Store, and exactly the checks
// named beside it must fail on it; every store in soundStores keeps the
// contract, and every check must pass on it (or skip, where the store lacks
// an optional part). TestKitCatchesForgottenColumns generates one broken
// store per field of every record, by reflection, so a field added to a
// record and forgotten by the kit's diff fails here.
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
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
	"github.com/servicelane/servicelane/training/trainingtest"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore = kitcheck.Broken[training.Store]

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), instantStores(), listStores(),
		versionStores(), atomicStores(), tenancyStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

// snapshots are the checks that read a dealer's whole state before and
// after a refused write: a store that fails to read what is not there
// fails them all.
var snapshots = []string{"PlanVersionRule", "SessionVersionRule", "ProgressVersionRule", "CareerVersionRule",
	"PlanTwiceInAChange", "SessionTwiceInAChange", "ProgressTwiceInAChange", "CareerTwiceInAChange", "CommitIsAtomic", "CommitOtherDealerInvalid", "TenancyIsolation", "ContextDone"}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{Name: "plainNotFound", Flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			Open:     bend(func(o *over) { o.mapErrors(kitcheck.PlainNotFound) }),
			CaughtBy: slices.Concat([]string{"PlanNotFound", "SessionNotFound", "CareerNotFound"}, snapshots)},
		{Name: "missingIsZero", Flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			Open: bend(func(o *over) { o.mapErrors(kitcheck.NilIfNotFound) }),
			CaughtBy: []string{
				"CareerNotFound", "CareerVersionRule", "PlanNotFound", "PlanVersionRule", "SessionNotFound", "SessionVersionRule",
				"TenancyIsolation"},
		},
		{Name: "planNearestEarlier", Flaw: "Plan answers the latest plan before the year asked for when it has none (year <= ? ORDER BY year DESC LIMIT 1)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"PlanNotFound", "PlanVersionRule", "TenancyIsolation"}},
		{Name: "emptyIsNotFound", Flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			Open: bend(func(o *over) {
				ss, ps, cs := o.sessions, o.progress, o.careers
				o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
					return kitcheck.NotFoundIfEmpty(ss(ctx, d, y))
				}
				o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					return kitcheck.NotFoundIfEmpty(ps(ctx, d, y, e))
				}
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					return kitcheck.NotFoundIfEmpty(cs(ctx, d))
				}
			}),
			CaughtBy: []string{
				"CareerVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ContextDone",
				"EmptyResults", "PlanVersionRule", "ProgressOrderedByKey", "ProgressRoundTrip", "ProgressVersionRule",
				"PlanTwiceInAChange", "SessionTwiceInAChange", "ProgressTwiceInAChange", "CareerTwiceInAChange", "SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
		{Name: "caseFoldKeys", Flaw: "finds sessions and career records case-insensitively (a _ci collation)",
			Open: bend(func(o *over) {
				se, cr := o.session, o.career
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					return se(ctx, d, strings.ToLower(id))
				}
				o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
					return cr(ctx, d, org.EmployeeID(strings.ToLower(string(e))))
				}
			}),
			CaughtBy: []string{"SessionNotFound", "CareerNotFound"}},
		{Name: "trimsKeys", Flaw: "finds sessions and career records with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			Open: bend(func(o *over) {
				se, cr := o.session, o.career
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					return se(ctx, d, strings.TrimRight(id, " "))
				}
				o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
					return cr(ctx, d, org.EmployeeID(strings.TrimRight(string(e), " ")))
				}
			}),
			CaughtBy: []string{"SessionNotFound", "CareerNotFound"}},
		{Name: "sessionByPrefix", Flaw: "Session finds the first session whose ID begins with the one asked for (id LIKE ?||'%')",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"SessionNotFound"}},
	}
}

func valueStores() []brokenStore {
	return []brokenStore{
		{Name: "floatDecimals", Flaw: "passes decimals through float64 on write",
			Open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "InstantsUTCMicroseconds", "ProgressRoundTrip", "ReadsAreCopies"}},
		{Name: "decimalsFourPlaces", Flaw: "keeps 4 decimals (a NUMERIC(24,4) column), losing pass marks and scores",
			Open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(4) }, nil)
			}),
			CaughtBy: []string{"PlanRoundTrip", "SessionRoundTrip", "ProgressRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{Name: "decimalsEightPlaces", Flaw: "keeps 8 decimals (a NUMERIC(30,8) column), losing an average of attempts",
			Open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(8) }, nil)
			}),
			CaughtBy: []string{"ProgressRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{Name: "decimalsUnsigned", Flaw: "drops the sign of a decimal (an unsigned column)",
			Open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			CaughtBy: []string{"AmountsExact"}},
		{Name: "nilPointersAsZero", Flaw: "reads a missing score or certificate as a pointer to a zero one (nullable columns scanned into a struct)",
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
				"AmountsExact", "InstantsUTCMicroseconds", "PlanRoundTrip", "PlanVersionRule", "ReadsAreCopies", "SessionRoundTrip",
				"SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
		{Name: "scoresDropped", Flaw: "keeps no attendee's score (a column forgotten for the pointer)",
			Open: bendCommit(func(c training.Change) training.Change {
				c = cloneChange(c)
				for i := range c.Sessions {
					for j := range c.Sessions[i].Attendees {
						c.Sessions[i].Attendees[j].Score = nil
					}
				}
				return c
			}),
			CaughtBy: []string{"SessionRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{Name: "attendeesMerged", Flaw: "an update adds the new attendees to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"SessionRoundTrip"}},
		{Name: "targetEmployeesDropped", Flaw: "keeps a course but not its target's employees (a table forgotten for the slice)",
			Open: bendCommit(func(c training.Change) training.Change {
				c = cloneChange(c)
				for i := range c.Plans {
					for j := range c.Plans[i].Courses {
						c.Plans[i].Courses[j].Target.Employees = nil
					}
				}
				return c
			}),
			CaughtBy: []string{"PlanRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
	}
}

func instantStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{Name: "dropsMicroseconds", Flaw: "keeps instants to the second",
			Open: bendCommit(func(c training.Change) training.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			CaughtBy: []string{
				"AmountsExact", "CareerRoundTrip", "CareerVersionRule", "CareersOrderedByEmployee", "ConcurrentProgressCreateOnce",
				"EventsAppended", "InstantsUTCMicroseconds", "LargeYear", "PlanRoundTrip", "ProgressOrderedByKey",
				"ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies", "SessionRoundTrip", "SessionVersionRule",
				"SessionsOrderedByStart", "TenancyIsolation"},
		},
		{Name: "readsInDealerZone", Flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			Open: bend(func(o *over) { o.mapReads(kitcheck.OnInstants(func(t time.Time) time.Time { return t.In(taipei) })) }),
			CaughtBy: []string{
				"AmountsExact", "CareerRoundTrip", "CareerVersionRule", "CareersOrderedByEmployee", "CommitIsAtomic",
				"CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ContextDone", "EventsAppended",
				"InstantsUTCMicroseconds", "LargeYear", "PlanRoundTrip", "PlanVersionRule", "ProgressOrderedByKey",
				"ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies", "PlanTwiceInAChange", "SessionTwiceInAChange", "ProgressTwiceInAChange", "CareerTwiceInAChange", "SessionRoundTrip",
				"SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		},
		{Name: "keepsZone", Flaw: "keeps each instant in the zone it was written in (a timestamp column with the offset kept as text)",
			Open: mapStore(keepsZone), CaughtBy: []string{"InstantsUTCMicroseconds"}},
		{Name: "keepsNanoseconds", Flaw: "keeps instants to the nanosecond, not the microsecond",
			Open: mapStore(keepsNanoseconds), CaughtBy: []string{"InstantsUTCMicroseconds"}},
		{Name: "zeroTimeAsEpoch", Flaw: "reads the zero time back as 1970-01-01 (NULL stored as 0 seconds since the epoch)",
			Open: bend(func(o *over) {
				o.mapReads(kitcheck.OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return time.Unix(0, 0).UTC()
					}
					return t
				}))
			}),
			CaughtBy: []string{
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
		{Name: "sessionsByID", Flaw: "orders sessions by ID, not by start",
			Open:     bendSessions(sortedSessions(func(a, b training.Session) int { return cmp.Compare(a.ID, b.ID) })),
			CaughtBy: []string{"SessionRoundTrip", "SessionsOrderedByStart", "LargeYear"}},
		{Name: "sessionsByStartText", Flaw: "orders sessions by their start written as RFC 3339 text (trailing zeros dropped)",
			Open: bendSessions(sortedSessions(func(a, b training.Session) int {
				return cmp.Or(cmp.Compare(a.Start.Format(time.RFC3339Nano), b.Start.Format(time.RFC3339Nano)), cmp.Compare(a.ID, b.ID))
			})),
			CaughtBy: []string{"SessionsOrderedByStart"}},
		{Name: "sessionsTieCaseBlind", Flaw: "breaks ties of start by ID case-insensitively (a linguistic collation)",
			Open: bendSessions(sortedSessions(func(a, b training.Session) int {
				return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)))
			})),
			CaughtBy: []string{"SessionsOrderedByStart"}},
		{Name: "sessionsTieByInsertion", Flaw: "orders sessions by start only, ties in the order they were written (ORDER BY start, rowid)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"SessionsOrderedByStart", "LargeYear"}},
		{Name: "sessionsReversed", Flaw: "lists sessions latest first",
			Open: bendSessions(func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
				list, err := o.TrainingStore.Sessions(ctx, d, y)
				slices.Reverse(list)
				return list, err
			}),
			CaughtBy: []string{"InstantsUTCMicroseconds", "LargeYear", "SessionRoundTrip", "SessionsOrderedByStart"}},
		{Name: "sessionsOfStartYear", Flaw: "selects a year's sessions by the year they start in (UTC), not by their Year",
			Open: bendSessions(func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
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
			CaughtBy: []string{"InstantsUTCMicroseconds", "SessionRoundTrip", "SessionsOrderedByStart"}},
		{Name: "sessionsOfEveryYear", Flaw: "Sessions ignores the year",
			Open: bendSessions(func(o *over, ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
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
			CaughtBy: []string{"EmptyResults", "SessionsOrderedByStart"}},
		{Name: "progressByColumns", Flaw: "orders progress by its (year, course, employee) columns, not by Key",
			Open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				list, err := o.TrainingStore.Progress(ctx, d, y, e)
				slices.SortFunc(list, func(a, b training.Progress) int {
					return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.CourseID, b.CourseID), cmp.Compare(a.Employee, b.Employee))
				})
				return list, err
			}),
			CaughtBy: []string{"ProgressRoundTrip", "ProgressOrderedByKey"}},
		{Name: "progressReversed", Flaw: "lists progress in descending Key order",
			Open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				list, err := o.TrainingStore.Progress(ctx, d, y, e)
				slices.Reverse(list)
				return list, err
			}),
			CaughtBy: []string{"AmountsExact", "InstantsUTCMicroseconds", "LargeYear", "ProgressOrderedByKey", "ProgressRoundTrip"}},
		{Name: "progressEmployeePrefix", Flaw: "selects an employee's progress by prefix (employee LIKE 'adv-1%')",
			Open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
				list, err := o.TrainingStore.Progress(ctx, d, y, "")
				return slices.DeleteFunc(list, func(p training.Progress) bool { return !strings.HasPrefix(string(p.Employee), string(e)) }), err
			}),
			CaughtBy: []string{"ProgressOrderedByKey", "LargeYear"}},
		{Name: "progressEmployeeIgnored", Flaw: "Progress lists every employee's records whoever is named",
			Open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, _ org.EmployeeID) ([]training.Progress, error) {
				return o.TrainingStore.Progress(ctx, d, y, "")
			}),
			CaughtBy: []string{"EmptyResults", "LargeYear", "ProgressOrderedByKey", "ProgressRoundTrip"}},
		{Name: "progressOfEveryYear", Flaw: "Progress ignores the year",
			Open: bendProgress(func(o *over, ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
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
			CaughtBy: []string{"ProgressRoundTrip", "ProgressOrderedByKey", "EmptyResults"}},
		{Name: "careersCaseBlind", Flaw: "orders career records by employee case-insensitively (a linguistic collation)",
			Open: bend(func(o *over) {
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					list, err := o.TrainingStore.Careers(ctx, d)
					slices.SortStableFunc(list, func(a, b training.Career) int {
						return cmp.Compare(strings.ToLower(string(a.Employee)), strings.ToLower(string(b.Employee)))
					})
					return list, err
				}
			}),
			CaughtBy: []string{"CareersOrderedByEmployee"}},
		{Name: "careersReversed", Flaw: "lists career records in descending employee order",
			Open: bend(func(o *over) {
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					list, err := o.TrainingStore.Careers(ctx, d)
					slices.Reverse(list)
					return list, err
				}
			}),
			CaughtBy: []string{"CareerRoundTrip", "CareersOrderedByEmployee", "InstantsUTCMicroseconds"}},
		{Name: "truncatesLists", Flaw: "returns at most 100 records from a list (a LIMIT left in the query)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"LargeYear"}},
		{Name: "nilForNone", Flaw: "returns nil slices, not empty ones, for no match",
			Open: bend(func(o *over) {
				ss, ps, cs := o.sessions, o.progress, o.careers
				o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
					return kitcheck.NilIfEmpty(ss(ctx, d, y))
				}
				o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					return kitcheck.NilIfEmpty(ps(ctx, d, y, e))
				}
				o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
					return kitcheck.NilIfEmpty(cs(ctx, d))
				}
			}),
			CaughtBy: []string{"EmptyResults"}},
	}
}

func versionStores() []brokenStore {
	versionChecks := []string{"PlanVersionRule", "SessionVersionRule", "ProgressVersionRule", "CareerVersionRule"}
	concurrent := []string{"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"}
	return []brokenStore{
		{Name: "lastWriterWins", Flaw: "ignores Version: every write of Version >= 1 lands",
			Open: mapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "lastWriterWinsSlow", Flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			Open: slowMapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "createOverwrites", Flaw: "Version 1 replaces an existing record",
			Open: mapStore(createOverwrites), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic", "ConcurrentProgressCreateOnce"})},
		{Name: "staleWins", Flaw: "Version n > 1 replaces whatever version is stored",
			Open: mapStore(staleWins), CaughtBy: slices.Concat(versionChecks, []string{"ConcurrentSessionUpdates"})},
		{Name: "writesThenConflicts", Flaw: "writes the whole change, then reports the version conflict",
			Open: mapStore(writesThenConflicts), CaughtBy: slices.Concat(versionChecks, []string{"PlanTwiceInAChange", "SessionTwiceInAChange", "ProgressTwiceInAChange", "CareerTwiceInAChange", "CommitIsAtomic"}, concurrent)},
		{Name: "checkThenWrite", Flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			Open: mapStore(checkThenWrite), CaughtBy: concurrent},
		{Name: "sessionUpserts", Flaw: "ignores sessions' Version; other kinds keep the rule",
			Open: mapStoreOnly(lastWriterWins, "session"), CaughtBy: []string{"SessionVersionRule", "CommitIsAtomic", "ConcurrentSessionUpdates"}},
		{Name: "progressUpserts", Flaw: "ignores progress records' Version; other kinds keep the rule",
			Open: mapStoreOnly(lastWriterWins, "progress"), CaughtBy: []string{"ProgressVersionRule", "CommitIsAtomic", "ConcurrentProgressCreateOnce"}},
	}
}

func atomicStores() []brokenStore {
	return []brokenStore{
		{Name: "eventsFirst", Flaw: "appends the events (the outbox) before checking the records",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.TrainingStore, d, []training.Change{{Events: evs}, c})
				}
			}),
			CaughtBy: []string{
				"CareerVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce",
				"ConcurrentSessionUpdates", "PlanVersionRule", "ProgressVersionRule", "PlanTwiceInAChange", "SessionTwiceInAChange", "ProgressTwiceInAChange", "CareerTwiceInAChange", "SessionVersionRule"},
		},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "acceptsOtherDealer", Flaw: "writes each record under the dealer it names, not refusing other dealers'",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "dealerCheckedOnPlansOnly", Flaw: "checks DealerID of plans and events only; other records are filed under the commit's dealer",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "keysWithoutDealer", Flaw: "keys records without their dealer: two dealers' records of one key collide",
			Open: mapStore(keyWithoutDealer), CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "sessionsOfEveryDealer", Flaw: "Sessions ignores the dealer",
			Open: bend(func(o *over) {
				o.sessions = func(ctx context.Context, _ org.DealerID, y int) ([]training.Session, error) {
					return everyDealer(o, func(s training.Session) string { return fmt.Sprintf("%020d/%s", s.Start.UnixMicro(), s.ID) },
						func(d org.DealerID) ([]training.Session, error) { return o.TrainingStore.Sessions(ctx, d, y) })
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "progressOfEveryDealer", Flaw: "Progress ignores the dealer",
			Open: bend(func(o *over) {
				o.progress = func(ctx context.Context, _ org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
					return everyDealer(o, training.Progress.Key,
						func(d org.DealerID) ([]training.Progress, error) { return o.TrainingStore.Progress(ctx, d, y, e) })
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "careersOfEveryDealer", Flaw: "Careers ignores the dealer",
			Open: bend(func(o *over) {
				o.careers = func(ctx context.Context, _ org.DealerID) ([]training.Career, error) {
					return everyDealer(o, func(c training.Career) string { return string(c.Employee) },
						func(d org.DealerID) ([]training.Career, error) { return o.TrainingStore.Careers(ctx, d) })
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "eventsOfEveryDealer", Flaw: "Events ignores the dealer",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					all, err := everyDealer(o, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.TrainingStore.Events(ctx, d, after, limit) })
					return all[:min(len(all), limit)], err
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid", "TenancyIsolation"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{Name: "dropsEvents", Flaw: "drops the events of a commit that also writes records",
			Open: bendCommit(func(c training.Change) training.Change {
				if len(c.Plans)+len(c.Sessions)+len(c.Progress)+len(c.Careers) > 0 {
					c.Events = nil
				}
				return c
			}),
			CaughtBy: []string{
				"CareerVersionRule", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates",
				"EventsAppended", "PlanVersionRule", "ProgressVersionRule", "ReadsAreCopies", "SessionVersionRule",
				"TenancyIsolation"},
		},
		{Name: "eventsReversed", Flaw: "appends a commit's events in reverse order",
			Open: bendCommit(func(c training.Change) training.Change {
				c.Events = slices.Clone(c.Events)
				slices.Reverse(c.Events)
				return c
			}),
			CaughtBy: []string{"EventsAppended"}},
		{Name: "eventsIgnoreCursor", Flaw: "Events returns the trail from its start, whatever the cursor",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.TrainingStore.Events(ctx, d, 0, limit)
				}
			}),
			CaughtBy: []string{"EventsAppended"}},
		{Name: "separateTrail", Flaw: "keeps training events in a trail of their own, not the dealer's",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{
				"CareerVersionRule", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates",
				"EventsAppended", "PlanVersionRule", "ProgressVersionRule", "ReadsAreCopies", "SessionVersionRule",
				"TenancyIsolation"},
		},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{
		{Name: "checksContextAfterWriting", Flaw: "Commit writes, then returns ctx.Err()",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					if err := o.TrainingStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
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
type soundStore = kitcheck.Sound[training.Store]

func soundStores() []soundStore {
	return []soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() training.Store { return memstore.New().Training() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() training.Store { return minimal{memstore.New().Training()} }, Skips: []string{"EventsAppended"}},
		{Name: "mapStore", How: "this file's map store with no flaw, the base of the version and copy breakages", Open: mapStore(noFlaw)},
		{Name: "mapStoreSlow", How: "answers reads after 1ms, so concurrent writers conflict and retry", Open: slowMapStore(noFlaw)},
		{Name: "roundsToMicroseconds", How: "rounds instants to the microsecond instead of truncating (PostgreSQL's text input)", Open: mapStore(roundsToMicro)},
		{Name: "wrapsErrors", How: "wraps every error in its own message (fmt.Errorf with %w)",
			Open: bend(func(o *over) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{Name: "emptyAsNil", How: "reads every empty slice inside a record as nil (JSON columns with omitempty)",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Slice && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{Name: "nilAsEmpty", How: "reads every nil slice inside a record as empty (JSON columns holding [])",
			Open: bend(func(o *over) {
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
		{Name: "seqWithGaps", How: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.TrainingStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{Name: "canonicalDecimals", How: "reads every decimal back in its canonical form (100.0000 as 100), as a JSON document does",
			Open: bend(func(o *over) {
				o.mapReads(kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }))
			})},
		{Name: "fixedScaleDecimals", How: "reads every decimal back at a fixed scale of 16 (7.5 as 7.5000000000000000), as a NUMERIC(40,16) column does",
			Open: bend(func(o *over) {
				o.mapReads(kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.StringFixed(16)) }))
			})},
		{Name: "utcFromDriver", How: "reads instants as a driver does: UTC, rebuilt from parts",
			Open: bend(func(o *over) {
				o.mapReads(kitcheck.OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
				}))
			})},
		{Name: "sessionFromYears", How: "answers Session by listing the sessions of the years around now",
			Open: bend(func(o *over) {
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

// kit is trainingtest's checks as the self-tests run them: with no
// Features, since the kit finds the trail of a store that reads it by
// itself.
var kit = kitcheck.Kit[training.Store]{
	Name:      "trainingtest.Checks",
	Checks:    checks(),
	Skip:      trainingtest.ErrSkip,
	Exact:     true,
	SkipLarge: true,
}

func checks() []kitcheck.Check[training.Store] {
	var cs []kitcheck.Check[training.Store]
	for _, c := range trainingtest.Checks() {
		run := func(ctx context.Context, s training.Store) error { return c.Run(ctx, s, trainingtest.Features{}) }
		cs = append(cs, kitcheck.Check[training.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
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
	forgetting := func(forget func(training.Change) training.Change) training.Store {
		return bendCommit(func(c training.Change) training.Change { return forget(cloneChange(c)) })()
	}
	kitcheck.TestForgottenFields(t, kit, forgetting, []kitcheck.Kind[training.Change]{
		kitcheck.KindOf("PlanRoundTrip", func(c *training.Change) []training.Plan { return c.Plans }),
		kitcheck.KindOf("SessionRoundTrip", func(c *training.Change) []training.Session { return c.Sessions }),
		kitcheck.KindOf("ProgressRoundTrip", func(c *training.Change) []training.Progress { return c.Progress }),
		kitcheck.KindOf("CareerRoundTrip", func(c *training.Change) []training.Career { return c.Careers }),
		kitcheck.KindOf("EventsAppended", func(c *training.Change) []org.Event { return c.Events }, "Seq"),
	})
}

// TestEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	kit.TestEveryCheckCatches(t, brokenStores())
}

var child = kitcheck.Child{Test: "TestChildTestStore", Env: "TRAININGTEST_KIT_CHILD"}

// TestTestStoreFailsBrokenStore runs trainingtest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and a trail it cannot read skip.
func TestTestStoreFailsBrokenStore(t *testing.T) {
	t.Parallel()
	child.Run(t,
		"--- FAIL: TestChildTestStore/CareerNotFound",
		`trainingtest: CareerNotFound: Career(d1, "adv-2"): got error <nil>, want one matching `+org.ErrNotFound.Error(),
		"rule broken: "+kit.Rule(t, "CareerNotFound"),
		"--- PASS: TestChildTestStore/SessionRoundTrip",
		"--- SKIP: TestChildTestStore/LargeYear",
		"--- SKIP: TestChildTestStore/EventsAppended",
		"Features.Events is not set",
	)
}

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	child.Only(t)
	open := kitcheck.Named(t, brokenStores(), "missingIsZero").Open
	trainingtest.TestStore(t, trainingtest.Harness{
		NewStore: func(*testing.T) training.Store { return minimal{open()} },
		Features: trainingtest.Features{SkipLarge: true},
	})
}

// minimal hides everything of a store but training.Store.
type minimal struct{ training.Store }
