package orgtest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of org.Store, and exactly the checks named beside
// it must fail on it; every store in soundStores keeps the contract, and
// every check must pass on it.
//
// The shared rules (versions, copies, tenancy, the trail...) are proven
// once more by the flaws of internal/kit, which bend memstore through this
// kit's declarations: TestSharedRulesCatchFlaws (domain_test.go). The
// stores here break the rules as real stores do, at the storage level.
//
// The stores themselves are in kit_stores_test.go.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/org/orgtest"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore = kitcheck.Broken[org.Store]

func brokenStores() []brokenStore {
	return slices.Concat(generic(), valueStores(), contextStores(), versionStores(), tenancyStores(),
		listStores(), eventStores(), moveStores())
}

// generic are the broken stores of kitcheck, and the checks of this kit
// that catch each (for a flaw of Commit, the shared checks it fails are
// added: kit.Domain.Bent). Left out: nilPointersAsZero, for no record of
// the roster holds a pointer; decimalsUnsigned, for BonusBase is never
// negative (org.Service refuses one).
func generic() []brokenStore {
	// Through org.Service, ignoresVersions, staleWins, writesThenConflicts
	// and eventsOfRefusedCommits show only when two updates of one employee
	// collide, which the service's read just before committing leaves to
	// timing ("?"); slowLastWriterWins, staleWinsSlow and checkThenWrite are
	// caught through it every run, and the store-level checks catch these.
	return kitcheck.Stores(hooked, orgtest.Domain(orgtest.Features{}).Bent, map[string][]string{
		"plainNotFound": {"DealerNotFound", "EmployeeNotFound", "ServiceBadInputWritesNothing", "ServiceConcurrentUpdates",
			"TenancyIsolation", "UpdateMissingConflicts", "VersionBelowOneInvalid", "EmployeeVersionRule", "MoveVersionRule", "MoveNotFound"},
		"missingIsZero": {"DealerNotFound", "EmployeeNotFound", "UpdateMissingConflicts", "VersionBelowOneInvalid",
			"ServiceBadInputWritesNothing", "ServiceConcurrentUpdates", "TenancyIsolation", "EmployeeVersionRule", "MoveNotFound", "MoveVersionRule"},
		"emptyIsNotFound":           {"EmployeeVersionRule", "EmployeesFilters", "EmptyResults", "EventsAppended", "LargeRoster", "MoveVersionRule", "MovesOfAnEmployee", "ServiceBadInputWritesNothing", "ServiceConcurrentUpdates", "TenancyIsolation"},
		"hidesContextError":         {"ContextDone"},
		"readsInDealerZone":         {"AmountsExact", "CommitIsAtomic", "CommitOtherDealerInvalid", "ContextDone", "CreateExistingConflicts", "DealerRoundTrip", "EmployeeRoundTrip", "EmployeeTwiceInAChange", "EmployeeVersionRule", "EventsAppended", "EventsInOrder", "MoveRoundTrip", "MoveTwiceInAChange", "MoveVersionRule", "ReadsAreCopies", "ServiceBadInputWritesNothing", "StaleVersionConflicts", "TenancyIsolation"},
		"dropsMicroseconds":         {"AmountsExact", "CreateExistingConflicts", "DealerRoundTrip", "EmployeeRoundTrip", "EmployeeVersionRule", "EventsAppended", "EventsInOrder", "MoveRoundTrip", "MoveVersionRule", "ReadsAreCopies", "StaleVersionConflicts", "TenancyIsolation"},
		"floatDecimals":             {"AmountsExact", "EmployeeRoundTrip", "ReadsAreCopies"},
		"decimalsTwoPlaces":         {"AmountsExact"},
		"eventsNewestFirst":         {"EventsInOrder", "ConcurrentEventsUnique", "EmployeeVersionRule", "EventsAppended", "MoveVersionRule"},
		"eventsIgnoreLimit":         {"EventsInOrder", "EventsAppended"},
		"eventsIgnoreCursor":        {"EventsInOrder", "EventsAppended"},
		"eventsOfEveryDealer":       {"TenancyIsolation", "CommitOtherDealerInvalid"},
		"eventsWithRecordsDropped":  {"CommitOtherDealerInvalid", "EmployeeVersionRule", "EventsAppended", "MoveVersionRule", "ReadsAreCopies", "ServiceConcurrentUpdates", "TenancyIsolation"},
		"ignoresVersions":           {"ConcurrentCommitsLoseNothing", "CreateExistingConflicts", "StaleVersionConflicts", "UpdateMissingConflicts", "VersionBelowOneInvalid", "?ServiceConcurrentUpdates"},
		"slowLastWriterWins":        {"ConcurrentCommitsLoseNothing", "CreateExistingConflicts", "ServiceConcurrentUpdates", "StaleVersionConflicts", "UpdateMissingConflicts", "VersionBelowOneInvalid"},
		"createOverwrites":          {"CreateExistingConflicts"},
		"staleWins":                 {"StaleVersionConflicts", "ConcurrentCommitsLoseNothing", "?ServiceConcurrentUpdates"},
		"dealerCheckedOnFirstKind":  {},
		"updatesByKeyOnly":          {},
		"employeesOfEveryDealer":    {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"movesReversed":             {"MoveRoundTrip", "MovesOfAnEmployee"},
		"checksContextAfterWriting": {"ContextDone"},
		"seqFromZero":               {"ConcurrentEventsUnique", "EmployeeVersionRule", "EventsAppended", "EventsInOrder", "MoveVersionRule", "ReadsAreCopies", "TenancyIsolation"},
		"zeroTimeAsEpoch":           {"CreateExistingConflicts", "EmployeeRoundTrip", "EmployeeVersionRule", "MoveRoundTrip", "StaleVersionConflicts", "TenancyIsolation"},
		"truncatesLists":            {"LargeRoster"},
		"updateCreates":             {"UpdateMissingConflicts"},
		"versionZeroAccepted":       {"VersionBelowOneInvalid"},
		"versionZeroConflicts":      {"VersionBelowOneInvalid"},
		"writesThenConflicts":       {"ConcurrentCommitsLoseNothing", "CreateExistingConflicts", "StaleVersionConflicts", "UpdateMissingConflicts", "?ServiceConcurrentUpdates"},
		"checkThenWrite":            {"ConcurrentCommitsLoseNothing", "ServiceConcurrentUpdates"},
		"kindByKind":                {},
		"recordByRecord":            {},
		"eachUnderItsDealer":        {},
		"lastOfTwiceWins":           {},
		"eventsOfRefusedCommits":    {"?ServiceConcurrentUpdates"},
		"caseFoldKeys":              {"DealerNotFound", "EmployeeNotFound", "MoveNotFound"},
		"trimsKeys":                 {"DealerNotFound", "EmployeeNotFound", "MoveNotFound"},
	})
}

func valueStores() []brokenStore {
	return []brokenStore{
		{Name: "dropsSupervisor", Flaw: "does not store SupervisorID (a forgotten column)",
			Open:     bendCommit(func(c org.Change) org.Change { return withEmployees(c, func(e *org.Employee) { e.SupervisorID = "" }) }),
			CaughtBy: []string{"AmountsExact", "EmployeeRoundTrip", "ReadsAreCopies", "ServiceBadInputWritesNothing"}},
		{Name: "dropsSkills", Flaw: "does not store Skills",
			Open:     bendCommit(func(c org.Change) org.Change { return withEmployees(c, func(e *org.Employee) { e.Skills = nil }) }),
			CaughtBy: []string{"AmountsExact", "ConcurrentCommitsLoseNothing", "CreateExistingConflicts", "EmployeeRoundTrip", "EmployeeVersionRule", "ReadsAreCopies", "ServiceConcurrentUpdates", "StaleVersionConflicts", "TenancyIsolation"}},
		{Name: "dropsLeftAt", Flaw: "does not store LeftAt (a column the migration forgot)",
			Open: bendCommit(func(c org.Change) org.Change {
				return withEmployees(c, func(e *org.Employee) { e.LeftAt = time.Time{} })
			}),
			CaughtBy: []string{"AmountsExact", "EmployeeRoundTrip", "ReadsAreCopies"}},
		{Name: "listDropsLeftAt", Flaw: "Employees does not read LeftAt back, though Employee does (a column missing from one query)",
			Open: bend(func(o *over) {
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					list, err := o.Store.Employees(ctx, d, q)
					for i := range list {
						list[i].LeftAt = time.Time{}
					}
					return list, err
				}
			}),
			CaughtBy: []string{"AmountsExact", "EmployeeRoundTrip", "ReadsAreCopies"}},
		{Name: "leftAtIsUpdatedAt", Flaw: "stores UpdatedAt as LeftAt when the employee is inactive (a column derived, not kept)",
			Open: bendCommit(func(c org.Change) org.Change {
				return withEmployees(c, func(e *org.Employee) {
					if !e.Active {
						e.LeftAt = e.UpdatedAt
					}
				})
			}),
			CaughtBy: []string{"AmountsExact", "EmployeeRoundTrip", "ReadsAreCopies"}},
		{Name: "leftAtOnlyOnCreate", Flaw: "writes LeftAt when an employee is created, never when one is updated (an UPDATE that forgot the column)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
					stored := map[org.EmployeeID]time.Time{}
					for _, e := range c.Employees {
						if e.Version > 1 {
							if cur, err := o.Store.Employee(ctx, d, e.ID); err == nil {
								stored[e.ID] = cur.LeftAt
							}
						}
					}
					return o.Store.Commit(ctx, d, withEmployees(c, func(e *org.Employee) {
						if e.Version > 1 {
							e.LeftAt = stored[e.ID]
						}
					}))
				}
			}),
			CaughtBy: []string{"EmployeeRoundTrip"}},
		{Name: "listReturnsStored", Flaw: "Employees returns the stored Skills slices (a cache handing out what it holds)",
			Open: bend(func(o *over) {
				var mu sync.Mutex
				held := map[string][]string{}
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					list, err := o.Store.Employees(ctx, d, q)
					mu.Lock()
					defer mu.Unlock()
					for i, e := range list {
						k := fmt.Sprintf("%s/%s/%d", d, e.ID, e.Version)
						if skills, ok := held[k]; ok {
							list[i].Skills = skills
						} else {
							held[k] = e.Skills
						}
					}
					return list, err
				}
			}),
			CaughtBy: []string{"ReadsAreCopies"}},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{
		{Name: "readsIgnoreContext", Flaw: "Dealer, Employees and Events never check ctx",
			Open: bend(func(o *over) {
				o.dealer = func(ctx context.Context, id org.DealerID) (org.Dealer, error) {
					return o.Store.Dealer(context.WithoutCancel(ctx), id)
				}
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					return o.Store.Employees(context.WithoutCancel(ctx), d, q)
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return o.Store.Events(context.WithoutCancel(ctx), d, after, limit)
				}
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "ignoresContext", Flaw: "never checks ctx",
			Open: bend(func(o *over) {
				o.dealer = func(ctx context.Context, id org.DealerID) (org.Dealer, error) {
					return o.Store.Dealer(context.WithoutCancel(ctx), id)
				}
				o.employee = func(ctx context.Context, d org.DealerID, id org.EmployeeID) (org.Employee, error) {
					return o.Store.Employee(context.WithoutCancel(ctx), d, id)
				}
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					return o.Store.Employees(context.WithoutCancel(ctx), d, q)
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return o.Store.Events(context.WithoutCancel(ctx), d, after, limit)
				}
				o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
					return o.Store.Commit(context.WithoutCancel(ctx), d, c)
				}
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "movesIgnoreContext", Flaw: "Move and Moves never check ctx",
			Open: bend(func(o *over) {
				o.move = func(ctx context.Context, d org.DealerID, id org.MoveID) (org.CareerMove, error) {
					return o.Store.Move(context.WithoutCancel(ctx), d, id)
				}
				o.moves = func(ctx context.Context, d org.DealerID, emp org.EmployeeID) ([]org.CareerMove, error) {
					return o.Store.Moves(context.WithoutCancel(ctx), d, emp)
				}
			}),
			CaughtBy: []string{"ContextDone"}},
	}
}

// versionStores break the version rule of the dealer record, which the
// commit flaws of kit.Domain.Bent leave alone (they bend the kinds), and
// of employees with slow reads.
func versionStores() []brokenStore {
	next := func(stored int64, exists bool) int64 {
		if exists {
			return stored + 1
		}
		return 1
	}
	return []brokenStore{
		{Name: "dealerConflictWrites", Flaw: "writes a dealer record it refuses, then reports the refusal",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
					err := o.Store.Commit(ctx, d, c)
					if err == nil || c.Dealer == nil || ctx.Err() != nil {
						return err
					}
					cur, rerr := o.Store.Dealer(ctx, d)
					v, exists := c.Dealer.Version, rerr == nil
					if v < 1 || v == 1 && exists || v > 1 && (!exists || cur.Version != v-1) {
						dl := *c.Dealer
						dl.Version = next(cur.Version, exists)
						_ = o.Store.Commit(ctx, d, org.Change{Dealer: &dl})
					}
					return err
				}
			}),
			CaughtBy: []string{"StaleVersionConflicts", "UpdateMissingConflicts", "VersionBelowOneInvalid", "CommitIsAtomic"}},
		{Name: "dealerUpdateCreates", Flaw: "lets dealer record Version n > 1 of a missing dealer create it",
			Open:     bendDealer(func(v, _ int64, exists bool) (int64, bool) { return 1, v > 1 && !exists }),
			CaughtBy: []string{"UpdateMissingConflicts"}},
		{Name: "dealerVersionZeroAccepted", Flaw: "writes a dealer record of Version < 1 instead of refusing it with ErrInvalid",
			Open:     bendDealer(func(v, stored int64, exists bool) (int64, bool) { return next(stored, exists), v < 1 }),
			CaughtBy: []string{"VersionBelowOneInvalid"}},
		// The store-level concurrency check holds every writer after its
		// first read until all have read, so all commit over one version: a
		// missing version rule is caught every run. Through org.Service the
		// service reads again just before committing, which narrows the
		// window to chance on a fast store; reads taking 1ms, as across a
		// network, catch it every time (slowLastWriterWins, and this).
		{Name: "staleWinsSlow", Flaw: "lets Version n > 1 replace whatever version is stored, and answers reads after 1ms",
			Open: bend(func(o *over) {
				o.h.Latency = time.Millisecond
				o.h.Commit, _, _ = orgtest.Domain(orgtest.Features{}).Bent("staleWins")
			}),
			CaughtBy: []string{"StaleVersionConflicts", "ConcurrentCommitsLoseNothing", "ServiceConcurrentUpdates", "EmployeeVersionRule", "MoveVersionRule"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "employeeFallsBack", Flaw: "Employee looks the ID up in every dealer when the asked one lacks it",
			Open: bend(func(o *over) {
				o.employee = func(ctx context.Context, d org.DealerID, id org.EmployeeID) (org.Employee, error) {
					return kitcheck.FallBack(o.h.Dealers(), d, func(d org.DealerID) (org.Employee, error) { return o.Store.Employee(ctx, d, id) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
		{Name: "moveFallsBack", Flaw: "Move looks the ID up in every dealer when the asked one lacks it",
			Open: bend(func(o *over) {
				o.move = func(ctx context.Context, d org.DealerID, id org.MoveID) (org.CareerMove, error) {
					return kitcheck.FallBack(o.h.Dealers(), d, func(d org.DealerID) (org.CareerMove, error) { return o.Store.Move(ctx, d, id) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
	}
}

func listStores() []brokenStore {
	return []brokenStore{
		{Name: "ignoresLimit", Flaw: "Employees returns every match, ignoring Limit",
			Open:     bendQuery(func(q *org.EmployeeQuery) { q.Limit = 0 }), // memstore: no limit
			CaughtBy: []string{"EmployeesOrderAndPages"}},
		{Name: "ignoresAfter", Flaw: "Employees starts every page from the first ID, ignoring After",
			Open: bend(func(o *over) {
				var pages atomic.Int64
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					if q.After != "" && pages.Add(1) > 50 {
						return nil, errPagedForever
					}
					q.After = ""
					return o.Store.Employees(ctx, d, q)
				}
			}),
			CaughtBy: []string{"EmployeesOrderAndPages", "LargeRoster"}},
		{Name: "caseFoldOrder", Flaw: "orders and pages IDs case-insensitively (a database collation), not in byte order",
			Open: bend(func(o *over) {
				fold := func(id org.EmployeeID) string { return strings.ToLower(string(id)) }
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					all, err := o.Store.Employees(ctx, d, org.EmployeeQuery{Role: q.Role, Department: q.Department, IncludeInactive: q.IncludeInactive})
					if err != nil {
						return nil, err
					}
					slices.SortStableFunc(all, func(a, b org.Employee) int { return cmp.Compare(fold(a.ID), fold(b.ID)) })
					out := []org.Employee{}
					for _, e := range all {
						if (q.After == "" || fold(e.ID) > fold(q.After)) && len(out) < q.Limit {
							out = append(out, e)
						}
					}
					return out, nil
				}
			}),
			CaughtBy: []string{"EmployeesOrderAndPages"}},
		{Name: "firstThousandOnly", Flaw: "pages within the first 1000 employees only (LIMIT applied before WHERE id > after)",
			Open: bend(func(o *over) {
				o.employees = func(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
					first := q
					first.After, first.Limit = "", org.MaxPage
					all, err := o.Store.Employees(ctx, d, first)
					if err != nil {
						return nil, err
					}
					out := []org.Employee{}
					for _, e := range all {
						if e.ID > q.After && len(out) < q.Limit {
							out = append(out, e)
						}
					}
					return out, nil
				}
			}),
			CaughtBy: []string{"LargeRoster"}},
		{Name: "includesInactive", Flaw: "Employees lists inactive employees without IncludeInactive",
			Open: bendQuery(func(q *org.EmployeeQuery) { q.IncludeInactive = true }), CaughtBy: []string{"EmployeesFilters"}},
		{Name: "hidesInactive", Flaw: "Employees never lists inactive employees, even with IncludeInactive",
			Open: bendQuery(func(q *org.EmployeeQuery) { q.IncludeInactive = false }), CaughtBy: []string{"EmployeeRoundTrip", "EmployeesFilters", "ReadsAreCopies"}},
		{Name: "ignoresRole", Flaw: "Employees ignores the Role filter",
			Open: bendQuery(func(q *org.EmployeeQuery) { q.Role = "" }), CaughtBy: []string{"EmployeesFilters"}},
		{Name: "ignoresDepartment", Flaw: "Employees ignores the Department filter",
			Open: bendQuery(func(q *org.EmployeeQuery) { q.Department = "" }), CaughtBy: []string{"EmployeesFilters"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{Name: "racySeq", Flaw: "reads the last Seq, lets go of its lock, then numbers the events: concurrent commits share a Seq",
			Open: bend(func(o *over) {
				var mu sync.Mutex
				numbered := map[org.DealerID]int64{}        // the last Seq this store numbered
				stored := map[org.DealerID]int64{}          // memstore's last Seq
				shown := map[org.DealerID]map[int64]int64{} // memstore's Seq -> the one this store numbered
				o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
					if len(c.Events) == 0 {
						return o.Store.Commit(ctx, d, c)
					}
					// SELECT max(seq), then INSERT seq+1 outside the transaction.
					mu.Lock()
					last := numbered[d]
					mu.Unlock()
					time.Sleep(time.Millisecond)
					mu.Lock()
					defer mu.Unlock()
					if err := o.Store.Commit(ctx, d, c); err != nil {
						return err
					}
					if shown[d] == nil {
						shown[d] = map[int64]int64{}
					}
					for i := range c.Events {
						stored[d]++
						shown[d][stored[d]] = last + int64(i) + 1
					}
					numbered[d] = max(numbered[d], last+int64(len(c.Events)))
					return nil
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.Store.Events(ctx, d, after, limit)
					mu.Lock()
					defer mu.Unlock()
					for i := range evs {
						if seq, ok := shown[d][evs[i].Seq]; ok {
							evs[i].Seq = seq
						}
					}
					return evs, err
				}
			}),
			CaughtBy: []string{"ConcurrentEventsUnique"}},
	}
}

func moveStores() []brokenStore {
	return []brokenStore{
		{Name: "dropsDecision", Flaw: "does not store a career move's DecidedBy (a forgotten column)",
			Open: bendCommit(func(c org.Change) org.Change {
				return withMoves(c, func(m *org.CareerMove) { m.DecidedBy = org.Actor{} })
			}),
			CaughtBy: []string{"MoveRoundTrip", "MoveVersionRule", "TenancyIsolation", "ReadsAreCopies"}},
		{Name: "movesLastWriterWins", Flaw: "ignores a career move's Version: every write lands as the next version; other kinds keep the rule",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c org.Change) error {
					return o.Store.Commit(ctx, d, withMoves(c, func(m *org.CareerMove) {
						m.Version = 1
						if cur, err := o.Store.Move(ctx, d, m.ID); err == nil {
							m.Version = cur.Version + 1
						}
					}))
				}
			}),
			CaughtBy: []string{"MoveVersionRule", "CommitIsAtomic"}},
		{Name: "movesOfEveryEmployee", Flaw: "Moves ignores the employee",
			Open: bend(func(o *over) {
				o.moves = func(ctx context.Context, d org.DealerID, _ org.EmployeeID) ([]org.CareerMove, error) {
					var all []org.CareerMove
					for _, emp := range []org.EmployeeID{"e1", "e2"} {
						ms, err := o.Store.Moves(ctx, d, emp)
						if err != nil {
							return nil, err
						}
						all = append(all, ms...)
					}
					slices.SortStableFunc(all, func(a, b org.CareerMove) int {
						return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
					})
					return all, nil
				}
			}),
			CaughtBy: []string{"MovesOfAnEmployee"}},
	}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[org.Store]

// soundStores has no memstoreMinimal, as other kits do: the trail is part
// of org.Store, so no store lacks a way to read it.
func soundStores() []soundStore {
	return append([]soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() org.Store { return memstore.New() }},
	}, kitcheck.Sounds(hooked)...)
}

// self is orgtest's self-test. A check failing a broken store it is not
// named for is an error (Exact).
var self = kitcheck.Self[org.Store, org.Change]{
	Kit: kitcheck.Kit[org.Store]{Name: "orgtest.Checks", Exact: true, SkipLarge: true, Looped: errPagedForever,
		Checks: kitcheck.Of(orgtest.Checks(), orgtest.Features{})},
	Broken: brokenStores, Sound: soundStores,
	Forgetting: func(forget func(org.Change) org.Change) org.Store { return bendCommit(forget)() },
	Parts:      orgtest.Domain(orgtest.Features{}).Parts(),
	ChildTest:  "TestChildTestStore", Env: "ORGTEST_KIT_CHILD", ChildStore: "missingIsZero",
	TestStore: func(t *testing.T, open func() org.Store) {
		orgtest.TestStore(t, orgtest.Harness{NewStore: func(*testing.T) org.Store { return open() },
			Features: orgtest.Features{SkipLarge: true}})
	},
	Fails: "DealerNotFound", Message: "orgtest: DealerNotFound: ",
	Passes: "DealerRoundTrip", Skips: []string{"LargeRoster"},
}

// TestKit is the kit's self-test: every check on every broken store (each
// must fail exactly the checks named for it) and sound one (each must
// pass), on a store forgetting each field of each record, and TestStore's
// verdict on a broken store, read from a child process.
func TestKit(t *testing.T) { self.Test(t) }

// TestChildTestStore is run by TestKit only.
func TestChildTestStore(t *testing.T) { self.Child(t) }

// errPagedForever is what ignoresAfter returns once a caller has asked it
// for fifty pages after an ID: the caller would never stop.
var errPagedForever = errors.New("kit_test: 50 pages after an ID, and the store ignores After: the caller would page forever")
