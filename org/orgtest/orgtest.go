// Package orgtest is the conformance kit for [org.Store]: it proves that a
// host's implementation keeps the contract the org package relies on.
//
// It needs only the standard library. Call [TestStore] from a test in your
// own package:
//
//	func TestMyStore(t *testing.T) {
//		orgtest.TestStore(t, orgtest.Harness{
//			NewStore: func(t *testing.T) org.Store { return mystore.Open(t.TempDir()) },
//		})
//	}
//
// Each rule of the contract is one [Check] and one subtest, named in
// CamelCase, so one can be run alone while debugging:
//
//	go test -run 'TestMyStore/StaleVersionConflicts'
//
// A failure message names the broken rule. [Checks] lists them all; each can
// also be run outside a test with [Check.Run], which is how the kit tests
// itself against deliberately broken stores.
package orgtest

import (
	"context"
	"testing"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// Features tells the kit what a store offers beyond the contract's minimum.
// The zero value is right for most stores.
type Features struct {
	// Writers is how many goroutines the concurrency checks start; zero
	// means 16.
	Writers int
	// SkipLarge skips checks that write more than a thousand records, for
	// stores behind a slow network. Shipped stores never set it.
	SkipLarge bool
}

// Harness opens stores for the kit.
type Harness struct {
	// NewStore returns a new, empty store. Close it with t.Cleanup.
	NewStore func(t *testing.T) org.Store
	Features Features
}

// Check is one rule of the org.Store contract.
type Check struct {
	// Name is the subtest's name.
	Name string
	// Rule is the contract sentence the check proves; it is printed when
	// the check fails.
	Rule string
	// Large marks a check that writes more than a thousand records.
	Large bool
	run   func(ctx context.Context, s org.Store, f Features) error
}

// Run runs the check on s, which must be new and empty, and returns what
// went wrong, or nil.
func (c Check) Run(ctx context.Context, s org.Store, f Features) error {
	f.Writers = kit.Writers(f.Writers)
	return c.run(ctx, s, f)
}

// TestStore runs every check as a subtest, each on a new store.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	var cases []kit.Case[org.Store]
	for _, c := range Checks() {
		run := func(ctx context.Context, s org.Store) error { return c.Run(ctx, s, h.Features) }
		cases = append(cases, kit.Case[org.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	kit.Runner[org.Store]{Kit: "orgtest", NewStore: h.NewStore, SkipLarge: h.Features.SkipLarge}.Test(t, cases)
}

// Checks returns every rule of the contract, in the order TestStore runs
// them: the roster's own, then the rules every record kind keeps, which
// internal/kit writes once for every kit (versions, a record twice in a
// change, copies, the trail).
func Checks() []Check {
	return append([]Check{
		{Name: "DealerRoundTrip", Rule: "a committed dealer reads back with every field as written", run: checkDealerRoundTrip},
		{Name: "DealerNotFound", Rule: "Dealer returns ErrNotFound for an unknown dealer", run: checkDealerNotFound},
		{Name: "EmployeeRoundTrip", Rule: "a committed employee reads back with every field as written, instants in UTC to the microsecond", run: checkEmployeeRoundTrip},
		{Name: "EmployeeNotFound", Rule: "Employee returns ErrNotFound for an unknown employee", run: checkEmployeeNotFound},
		{Name: "AmountsExact", Rule: "amounts keep 20 digits before the point and 4 after exactly (12345678901234567.89, 12.50)", run: checkAmountsExact},
		{Name: "CreateExistingConflicts", Rule: "Version 1 creates, and fails with ErrConflict when the record exists", run: checkCreateExisting},
		{Name: "StaleVersionConflicts", Rule: "Version n replaces only stored version n-1; otherwise ErrConflict and nothing changes", run: checkStaleVersion},
		{Name: "UpdateMissingConflicts", Rule: "Version n > 1 of a record that does not exist fails with ErrConflict", run: checkUpdateMissing},
		{Name: "VersionBelowOneInvalid", Rule: "a record with Version < 1 fails with ErrInvalid", run: checkVersionBelowOne},
		{Name: "EmployeesOrderAndPages", Rule: "Employees returns IDs in byte order, at most Limit, starting after After", run: checkEmployeesPages},
		{Name: "EmployeesFilters", Rule: "Employees filters by role and department and hides inactive employees unless asked", run: checkEmployeesFilters},
		{Name: "EmptyResults", Rule: "no match is an empty result, not an error", run: checkEmpty},
		{Name: "EventsInOrder", Rule: "events get strictly increasing Seq in commit order and read back exactly after a cursor", run: checkEventsInOrder},
		{Name: "ConcurrentCommitsLoseNothing", Rule: "concurrent read-modify-write commits either land or fail with ErrConflict; none is lost", run: checkConcurrentCommits},
		{Name: "ConcurrentEventsUnique", Rule: "concurrent commits never give two events the same Seq", run: checkConcurrentEvents},
		{Name: "ServiceConcurrentUpdates", Rule: "through org.Service, concurrent updates of one employee retried on ErrConflict all land", run: checkServiceConcurrent},
		{Name: "ServiceBadInputWritesNothing", Rule: "a command org.Service rejects names every bad field and leaves the store unchanged", run: checkServiceBadInput},
		{Name: "MoveRoundTrip", Rule: "a committed career move reads back with every field as written, through Move and Moves", run: checkMoveRoundTrip},
		{Name: "MoveNotFound", Rule: "Move returns ErrNotFound for an unknown career move", run: checkMoveNotFound},
		{Name: "MovesOfAnEmployee", Rule: "Moves returns one employee's career moves, oldest first, then by ID in byte order; none is an empty result", run: checkMovesOfAnEmployee},
		{Name: "LargeRoster", Rule: "a roster of 2500 employees pages completely and in order", Large: true, run: checkLargeRoster},
	}, shared()...)
}
