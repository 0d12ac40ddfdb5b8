package trainingtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of training.Store, and exactly the checks
// named beside it must fail on it; every store in soundStores keeps the
// contract, and every check must pass on it (or skip, where the store lacks
// an optional part). TestKit (its ForgottenFields part) generates one broken
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
	"reflect"
	"slices"
	"strconv"
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
	return slices.Concat(generic(), notFoundStores(), valueStores(), instantStores(), listStores(),
		versionStores(), tenancyStores(), eventStores(), contextStores())
}

// generic are the broken stores of kitcheck, and the checks of this kit
// that catch each (for a flaw of Commit, the shared checks it fails are
// added: kit.Domain.Bent).
func generic() []brokenStore {
	return kitcheck.Stores(hooked, trainingtest.Domain(trainingtest.Features{}).Bent, map[string][]string{
		"plainNotFound": {"CareerNotFound", "CareerTwiceInAChange", "CareerVersionRule", "CommitIsAtomic",
			"CommitOtherDealerInvalid", "ContextDone", "PlanNotFound", "PlanTwiceInAChange", "PlanVersionRule",
			"ProgressTwiceInAChange", "ProgressVersionRule", "SessionNotFound", "SessionTwiceInAChange",
			"SessionVersionRule", "TenancyIsolation"},
		"missingIsZero": {"CareerNotFound", "CareerVersionRule", "PlanNotFound", "PlanVersionRule",
			"SessionNotFound", "SessionVersionRule", "TenancyIsolation"},
		"emptyIsNotFound": {"CareerTwiceInAChange", "CareerVersionRule", "CommitIsAtomic",
			"CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce", "ContextDone", "EmptyResults", "EventsAppended",
			"PlanTwiceInAChange", "PlanVersionRule", "ProgressOrderedByKey", "ProgressRoundTrip",
			"ProgressTwiceInAChange", "ProgressVersionRule", "SessionTwiceInAChange", "SessionVersionRule",
			"SessionsOrderedByStart", "TenancyIsolation"},
		"hidesContextError": {"ContextDone"},
		"readsInDealerZone": {"AmountsExact", "CareerRoundTrip", "CareerTwiceInAChange", "CareerVersionRule",
			"CareersOrderedByEmployee", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentProgressCreateOnce",
			"ContextDone", "EventsAppended", "InstantsUTCMicroseconds", "PlanRoundTrip", "PlanTwiceInAChange",
			"PlanVersionRule", "ProgressOrderedByKey", "ProgressRoundTrip", "ProgressTwiceInAChange",
			"ProgressVersionRule", "ReadsAreCopies", "SessionRoundTrip", "SessionTwiceInAChange", "SessionVersionRule",
			"SessionsOrderedByStart", "TenancyIsolation"},
		"nilPointersAsZero": {"AmountsExact", "InstantsUTCMicroseconds", "PlanRoundTrip", "PlanVersionRule",
			"ReadsAreCopies", "SessionRoundTrip", "SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		"dropsMicroseconds": {"AmountsExact", "CareerRoundTrip", "CareerVersionRule",
			"CareersOrderedByEmployee", "ConcurrentProgressCreateOnce", "EventsAppended", "InstantsUTCMicroseconds",
			"PlanRoundTrip", "ProgressOrderedByKey", "ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies",
			"SessionRoundTrip", "SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		"floatDecimals": {"AmountsExact", "InstantsUTCMicroseconds", "ProgressRoundTrip", "ReadsAreCopies"},
		"decimalsTwoPlaces": {"AmountsExact", "InstantsUTCMicroseconds", "PlanRoundTrip", "ProgressRoundTrip",
			"ReadsAreCopies", "SessionRoundTrip"},
		"decimalsUnsigned": {"AmountsExact"},
		"caseFoldKeys":     {"SessionNotFound", "CareerNotFound"},
		"trimsKeys":        {"SessionNotFound", "CareerNotFound"},
		"eventsNewestFirst": {"CareerVersionRule", "ConcurrentSessionUpdates", "EventsAppended",
			"PlanVersionRule", "ProgressVersionRule", "SessionVersionRule"},
		"eventsIgnoreLimit":   {"EventsAppended"},
		"eventsIgnoreCursor":  {"EventsAppended"},
		"eventsOfEveryDealer": {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"eventsWithRecordsDropped": {"CareerVersionRule", "CommitOtherDealerInvalid",
			"ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates", "EventsAppended", "PlanVersionRule",
			"ProgressVersionRule", "ReadsAreCopies", "SessionVersionRule", "TenancyIsolation"},
		"ignoresVersions":           {"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"},
		"slowLastWriterWins":        {"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"},
		"createOverwrites":          {"ConcurrentProgressCreateOnce"},
		"staleWins":                 {"ConcurrentSessionUpdates"},
		"dealerCheckedOnFirstKind":  {},
		"updatesByKeyOnly":          {},
		"sessionUpserts":            {"CommitIsAtomic", "ConcurrentSessionUpdates", "SessionVersionRule"},
		"progressUpserts":           {"CommitIsAtomic", "ConcurrentProgressCreateOnce", "ProgressVersionRule"},
		"sessionsOfEveryDealer":     {"EmptyResults", "TenancyIsolation"},
		"progressOfEveryDealer":     {"EmptyResults", "TenancyIsolation"},
		"careersOfEveryDealer":      {"EmptyResults", "TenancyIsolation"},
		"sessionsReversed":          {"InstantsUTCMicroseconds", "LargeYear", "SessionRoundTrip", "SessionsOrderedByStart"},
		"progressReversed":          {"AmountsExact", "InstantsUTCMicroseconds", "LargeYear", "ProgressOrderedByKey", "ProgressRoundTrip"},
		"careersReversed":           {"CareerRoundTrip", "CareersOrderedByEmployee", "InstantsUTCMicroseconds"},
		"checksContextAfterWriting": {"ContextDone"},
		"zeroTimeAsEpoch":           {"CareerRoundTrip", "ConcurrentProgressCreateOnce", "InstantsUTCMicroseconds", "PlanRoundTrip", "PlanVersionRule", "ProgressOrderedByKey", "ProgressRoundTrip", "ProgressVersionRule", "ReadsAreCopies", "SessionRoundTrip", "SessionVersionRule", "SessionsOrderedByStart", "TenancyIsolation"},
		"seqFromZero":               {"CareerVersionRule", "ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates", "EventsAppended", "PlanVersionRule", "ProgressVersionRule", "ReadsAreCopies", "SessionVersionRule", "TenancyIsolation"},
		"truncatesLists":            {"LargeYear"},
		"updateCreates":             {},
		"versionZeroAccepted":       {},
		"versionZeroConflicts":      {},
		"writesThenConflicts":       {"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"},
		"kindByKind":                {"ConcurrentProgressCreateOnce", "ConcurrentSessionUpdates"},
		"recordByRecord":            {},
		"eachUnderItsDealer":        {},
		"lastOfTwiceWins":           {},
		"eventsOfRefusedCommits":    {"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"},
		"checkThenWrite":            {"ConcurrentSessionUpdates", "ConcurrentProgressCreateOnce"},
	})
}

func notFoundStores() []brokenStore {
	return []brokenStore{
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
		{Name: "decimalsFourPlaces", Flaw: "keeps 4 decimals (a NUMERIC(24,4) column), losing pass marks and scores",
			Open: bendCommit(func(c training.Change) training.Change {
				kitcheck.Walk(reflect.ValueOf(&c).Elem(), kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return d.Round(4) }))
				return c
			}),
			CaughtBy: []string{"PlanRoundTrip", "SessionRoundTrip", "ProgressRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{Name: "decimalsEightPlaces", Flaw: "keeps 8 decimals (a NUMERIC(30,8) column), losing an average of attempts",
			Open: bendCommit(func(c training.Change) training.Change {
				kitcheck.Walk(reflect.ValueOf(&c).Elem(), kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return d.Round(8) }))
				return c
			}),
			CaughtBy: []string{"ProgressRoundTrip", "AmountsExact", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{Name: "scoresDropped", Flaw: "keeps no attendee's score (a column forgotten for the pointer)",
			Open: bendCommit(func(c training.Change) training.Change {
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
					c = kitcheck.DeepCopy(c)
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
	return []brokenStore{
		{Name: "keepsZone", Flaw: "keeps each instant in the zone it was written in (a timestamp column with the offset kept as text)",
			Open: keepsInstants(func(t time.Time) time.Time { return t.Truncate(time.Microsecond) }), CaughtBy: []string{"InstantsUTCMicroseconds"}},
		{Name: "keepsNanoseconds", Flaw: "keeps instants to the nanosecond, not the microsecond",
			Open: keepsInstants(time.Time.UTC), CaughtBy: []string{"InstantsUTCMicroseconds"}},
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
	return []brokenStore{}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "keysWithoutDealer", Flaw: "finds a plan, session or career record by its key alone: two dealers' records of one key collide, the last written answering",
			Open: bend(func(o *over) {
				var mu sync.Mutex
				last := map[string]org.DealerID{} // the dealer that last wrote a kind's key
				owner := func(d org.DealerID, key string) org.DealerID {
					mu.Lock()
					defer mu.Unlock()
					if w, ok := last[key]; ok {
						return w
					}
					return d
				}
				o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
					if err := o.TrainingStore.Commit(ctx, d, c); err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					for _, x := range c.Plans {
						last["plan/"+strconv.Itoa(x.Year)] = d
					}
					for _, x := range c.Sessions {
						last["session/"+x.ID] = d
					}
					for _, x := range c.Careers {
						last["career/"+string(x.Employee)] = d
					}
					return nil
				}
				o.plan = func(ctx context.Context, d org.DealerID, y int) (training.Plan, error) {
					return o.TrainingStore.Plan(ctx, owner(d, "plan/"+strconv.Itoa(y)), y)
				}
				o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
					return o.TrainingStore.Session(ctx, owner(d, "session/"+id), id)
				}
				o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
					return o.TrainingStore.Career(ctx, owner(d, "career/"+string(e)), e)
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
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
	return []brokenStore{}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[training.Store]

// Two generic sound stores are left out: training's contract asks for an
// empty list, never nil, for no match (training.Store), so nilForNone is a
// broken store here (listStores), and emptyAsNil, which reads the empty
// list itself as nil too, is replaced by emptyInRecordsAsNil.
func soundStores() []soundStore {
	generic := slices.DeleteFunc(kitcheck.Sounds(hooked), func(s soundStore) bool {
		return s.Name == "nilForNone" || s.Name == "emptyAsNil"
	})
	return append([]soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() training.Store { return memstore.New().Training() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() training.Store { return minimal{memstore.New().Training()} }, Skips: []string{"EventsAppended"}},
		{Name: "emptyInRecordsAsNil", How: "reads every empty slice and map inside a record as nil (JSON columns with omitempty), a list of none staying empty",
			Open: bend(func(o *over) {
				lists := []reflect.Type{reflect.TypeFor[[]training.Session](), reflect.TypeFor[[]training.Progress](),
					reflect.TypeFor[[]training.Career](), reflect.TypeFor[[]org.Event]()}
				o.h.Reads = append(o.h.Reads, func(v reflect.Value) bool {
					if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 && !v.IsNil() && v.CanSet() &&
						!slices.Contains(lists, v.Type()) {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
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
	}, generic...)
}

// self is trainingtest's self-test. The checks run with zero Features,
// since the kit finds the trail of a store that reads it by itself. A
// check failing a broken store it is not named for is an error (Exact).
var self = kitcheck.Self[training.Store, training.Change]{
	Kit: kitcheck.Kit[training.Store]{Name: "trainingtest.Checks", Exact: true, Skip: trainingtest.ErrSkip, SkipLarge: true,
		Checks: kitcheck.Of(trainingtest.Checks(), trainingtest.Features{})},
	Broken: brokenStores, Sound: soundStores,
	Forgetting: func(forget func(training.Change) training.Change) training.Store { return bendCommit(forget)() },
	Parts:      trainingtest.Domain(trainingtest.Features{}).Parts(),
	ChildTest:  "TestChildTestStore", Env: "TRAININGTEST_KIT_CHILD", ChildStore: "missingIsZero",
	TestStore: func(t *testing.T, open func() training.Store) {
		trainingtest.TestStore(t, trainingtest.Harness{NewStore: func(*testing.T) training.Store { return minimal{open()} },
			Features: trainingtest.Features{SkipLarge: true}})
	},
	Fails: "CareerNotFound",
	Message: `trainingtest: CareerNotFound: reading career record "adv-2" by key, stored "adv-1", "adv-1-b", "kit-adv-10": ` +
		"got error <nil>, want one matching " + org.ErrNotFound.Error(),
	Passes: "SessionRoundTrip", Skips: []string{"LargeYear", "EventsAppended"}, Also: []string{"Features.Events is not set"},
}

// TestKit is the kit's self-test: every check on every broken store (each
// must fail exactly the checks named for it) and sound one (each must
// pass), on a store forgetting each field of each record, and TestStore's
// verdict on a broken store, read from a child process.
func TestKit(t *testing.T) { self.Test(t) }

// TestChildTestStore is run by TestKit only.
func TestChildTestStore(t *testing.T) { self.Child(t) }

// minimal hides everything of a store but training.Store.
type minimal struct{ training.Store }
