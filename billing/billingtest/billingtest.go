// Package billingtest is the conformance kit for [billing.Store]: it proves
// that a host's implementation keeps the contract the billing package
// relies on, for price books, settlements, issued documents, numbering
// series and the audit events committed with them.
//
// It needs only the standard library (and the module's own packages). Call
// [TestStore] from a test in your own package:
//
//	func TestBillingStore(t *testing.T) {
//		billingtest.TestStore(t, billingtest.Harness{
//			NewStore: func(t *testing.T) billing.Store { return mystore.Open(t.TempDir()).Billing() },
//		})
//	}
//
// Each rule of the contract is one [Check] and one subtest, named in
// CamelCase, so one can be run alone while debugging:
//
//	go test -run 'TestBillingStore/ConcurrentSeriesGapless'
//
// A failure message names the broken rule. [Checks] lists them all; each can
// also be run outside a test with [Check.Run], which is how the kit tests
// itself against deliberately broken stores.
//
// # Versions
//
// Every record carries a Version, and Commit keeps one rule for price
// books (keyed by Book.Version), settlements (by Key), documents (by ID)
// and series (by Name) alike: Version 1 creates the record, and is
// ErrConflict when it exists; Version n > 1 replaces the stored Version
// n-1, and is ErrConflict when the stored one is any other or the record
// is missing; a Version below 1 is ErrInvalid. A Change names each record
// at most once: one naming a record twice, at one version or at two, is
// ErrConflict, since writing the two in turn would land a version no
// reader saw; so is a price book named once switched off and once
// switched on, which a store may write in two steps. A refused Commit
// writes nothing, its events included. PriceBookVersionRule,
// SettlementVersionRule, DocumentVersionRule and SeriesVersionRule check
// the rule for each kind; PriceBookTwiceInAChange,
// SettlementTwiceInAChange, DocumentTwiceInAChange and
// SeriesTwiceInAChange check a Change naming one twice.
//
// # Numbers without gaps
//
// An invoice number is used only by a committed document (R3.4d), so
// numbers of a series have no gaps and no duplicates. The store makes that
// possible with nothing but the version rule: a writer reads the series,
// commits the document with the series' Next number together with the
// series at Next+1 and the version read plus one, and retries on
// ErrConflict. ConcurrentSeriesGapless runs [Features].Writers such writers
// at once, twice (racing to create the series, then to advance it), and
// counts the numbers.
//
// Every document the kit writes has its own number in its series, as the
// Service's documents do, so a store may keep (dealer, series, number)
// unique as a safety net; the kit never relies on it.
//
// # Optional parts
//
// billing.Store has no method to read the audit trail: events committed
// with billing records land in the trail the dealer's org.Store reads. A
// store whose value also has that method ([EventReader], as memstore's view
// does), or whose harness says where to read it in [Features].Events, has
// its events checked too: appended in commit order, never by a refused
// commit. Without either, EventsAppended is skipped and the other checks
// look at records only.
package billingtest

import (
	"errors"
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
)

// EventReader reads a dealer's audit trail: org.Store's Events method.
type EventReader = kit.EventReader

// Features tells the kit what a store offers beyond the contract's minimum
// (Writers, SkipLarge, Events); the zero value is right for most stores.
type Features = kit.Features[billing.Store]

// Harness opens stores for the kit.
type Harness = kit.Harness[billing.Store, Features]

// ErrSkip is what [Check.Run] returns, wrapped with the reason, when the
// store does not offer what the check is about (the audit trail is not
// readable): the check proved nothing. [TestStore] reports it as a skipped
// subtest.
var ErrSkip = errors.New("billingtest: check does not apply to this store")

// Check is one rule of the billing.Store contract.
type Check = kit.Check[billing.Store, Features]

// check makes one of the kit's checks.
var check = kit.Checker[billing.Store, Features]()

// TestStore runs every check as a subtest, each on a new store.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	kit.Suite[billing.Store, Features]{Kit: "billingtest", Checks: Checks(), Skip: ErrSkip}.Test(t, h, h.Features.SkipLarge)
}

// Checks returns every rule of the contract, in the order TestStore runs
// them: billing's own, then the rules every record kind keeps, which
// internal/kit writes once for every kit (versions, a record twice in a
// change, atomic commits, another dealer's records, copies, tenancy, the
// trail, a done context).
func Checks() []Check {
	return append([]Check{
		// Records read back as written.
		check("ActivePriceBook", "ActivePriceBook returns the version marked Active now, and ErrNotFound when none is; the mark is the dealer's own, whatever another dealer marks", checkActivePriceBook),

		// Lists.
		check("DocumentsQuery", "Documents returns IDs in byte order, at most Limit, after After, filtered by WorkOrder and Kind (exact match) and IssuedAt in [IssuedFrom, IssuedBefore)", checkDocumentsQuery),
		check("SettlementsQuery", "Settlements returns Keys in byte order, at most Limit, after After, filtered by Advisor and SettledAt in [SettledFrom, SettledBefore)", checkSettlementsQuery),
		check("EmptyResults", "no match is an empty result, not an error", checkEmpty),

		// Concurrency and size.
		check("ConcurrentSeriesGapless", "writers issuing documents at once (read the series, commit the document numbered Next with the series at Next+1 and the version read plus one, retry on ErrConflict) number them 1..n: no gap, no duplicate", checkSeriesGapless),
		check("ConcurrentSettlementKeyOnce", "of concurrent commits of settlements with one Key at Version 1, exactly one lands with its documents and events; the others get ErrConflict and write nothing", checkSettlementKeyOnce),
		check("LargeDocuments", "1500 documents page completely and in byte order", checkLargeDocuments).AsLarge(),
	}, shared()...)
}
