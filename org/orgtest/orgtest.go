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
type Harness = kit.Harness[org.Store, Features]

// Check is one rule of the org.Store contract.
type Check = kit.Check[org.Store, Features]

// check makes one of the kit's checks.
var check = kit.Checker[org.Store, Features]()

// TestStore runs every check as a subtest, each on a new store.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	kit.Suite[org.Store, Features]{Kit: "orgtest", Checks: Checks()}.Test(t, h, h.Features.SkipLarge)
}

// Checks returns every rule of the contract, in the order TestStore runs
// them: the roster's own, then the rules every record kind keeps, which
// internal/kit writes once for every kit (not found, amounts, versions, a
// record twice in a change, copies, the trail).
func Checks() []Check {
	return append([]Check{
		check("DealerRoundTrip", "a committed dealer reads back with every field as written", checkDealerRoundTrip),
		check("DealerNotFound", "Dealer returns ErrNotFound for an unknown dealer", checkDealerNotFound),
		check("EmployeeRoundTrip", "a committed employee reads back with every field as written, instants in UTC to the microsecond", checkEmployeeRoundTrip),
		check("CreateExistingConflicts", "Version 1 creates, and fails with ErrConflict when the record exists", checkCreateExisting),
		check("StaleVersionConflicts", "Version n replaces only stored version n-1; otherwise ErrConflict and nothing changes", checkStaleVersion),
		check("UpdateMissingConflicts", "Version n > 1 of a record that does not exist fails with ErrConflict", checkUpdateMissing),
		check("VersionBelowOneInvalid", "a record with Version < 1 fails with ErrInvalid", checkVersionBelowOne),
		check("EmployeesOrderAndPages", "Employees returns IDs in byte order, at most Limit, starting after After", checkEmployeesPages),
		check("EmployeesFilters", "Employees filters by role and department and hides inactive employees unless asked", checkEmployeesFilters),
		check("EmptyResults", "no match is an empty result, not an error", checkEmpty),
		check("EventsInOrder", "events get strictly increasing Seq in commit order and read back exactly after a cursor", checkEventsInOrder),
		check("ConcurrentCommitsLoseNothing", "concurrent read-modify-write commits either land or fail with ErrConflict; none is lost", checkConcurrentCommits),
		check("ConcurrentEventsUnique", "concurrent commits never give two events the same Seq", checkConcurrentEvents),
		check("ServiceConcurrentUpdates", "through org.Service, concurrent updates of one employee retried on ErrConflict all land", checkServiceConcurrent),
		check("ServiceBadInputWritesNothing", "a command org.Service rejects names every bad field and leaves the store unchanged", checkServiceBadInput),
		check("MoveRoundTrip", "a committed career move reads back with every field as written, through Move and Moves", checkMoveRoundTrip),
		check("MovesOfAnEmployee", "Moves returns one employee's career moves, oldest first, then by ID in byte order; none is an empty result", checkMovesOfAnEmployee),
		check("LargeRoster", "a roster of 2500 employees pages completely and in order", checkLargeRoster).AsLarge(),
	}, shared()...)
}
