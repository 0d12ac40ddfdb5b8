// Package servicedesktest is the conformance kit for [servicedesk.Store]: it
// proves that a host's implementation keeps the contract the servicedesk
// package relies on, for work orders, technician calendars, complaints,
// surveys and the audit trail they share with the roster.
//
// It needs only the standard library. Call [TestStore] from a test in your
// own package:
//
//	func TestServiceDeskStore(t *testing.T) {
//		servicedesktest.TestStore(t, servicedesktest.Harness{
//			NewStore: func(t *testing.T) servicedesk.Store { return mystore.Open(t.TempDir()).ServiceDesk() },
//		})
//	}
//
// Each rule of the contract is one [Check] and one subtest, named in
// CamelCase, so one can be run alone while debugging:
//
//	go test -run 'TestServiceDeskStore/CalendarDayVersionRule'
//
// A failure message names the broken rule. [Checks] lists them all; each can
// also be run outside a test with [Check.Run], which is how the kit tests
// itself against deliberately broken stores.
//
// # Versions
//
// Every record carries a Version, and Commit keeps one rule for work
// orders (keyed by ID), calendar days (by technician and day), complaints
// (by ID) and surveys (by work order) alike: Version 1 creates the record,
// and is ErrConflict when it exists; Version n > 1 replaces the stored
// Version n-1, and is ErrConflict when the stored one is any other or the
// record is missing; a Version below 1 is ErrInvalid. A Change names each
// record at most once: one naming a record twice, at one version or at
// two, is ErrConflict, since writing the two in turn would land a version
// no reader saw. A refused Commit writes nothing, its events included.
// WorkOrderVersionRule, CalendarDayVersionRule, ComplaintVersionRule and
// SurveyVersionRule check the rule for each kind; WorkOrderTwiceInAChange,
// CalendarDayTwiceInAChange, ComplaintTwiceInAChange and
// SurveyTwiceInAChange check a Change naming one twice. Change.Billing is
// written under billing.Store's rules, which billingtest checks.
//
// # Redactions
//
// Events are immutable but for one writer: erasing a customer's personal
// data (servicedesk.Service.EraseCustomer, R7.2d) rewrites the Data and
// Reason of the events about the customer's records, through
// Change.Redactions. RedactionRewritesOneEvent and
// RedactionOfUnknownEventInvalid check it.
//
// # Optional parts
//
// A store that offers the [servicedesk.SubjectEvents] speed-up has it
// checked too; one that does not sees that check skipped. A store whose
// org.Store view shares its audit trail (every shipped store) says how to
// reach that view in [Features].Roster, and the kit checks that events
// written through either land in one sequence.
//
// The kit never writes a dealer record through servicedesk.Store, which has
// none: a store must accept servicedesk records of a dealer its roster has
// not seen.
package servicedesktest

import (
	"errors"
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
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
	// Roster, when set, returns the org.Store that shares s's audit trail
	// (for memstore, the *memstore.Store behind the view). The check
	// EventsShareRosterTrail is skipped without it.
	Roster func(s servicedesk.Store) org.Store
	// Billing, when set, returns the billing.Store over s's records (for
	// memstore, the Billing view of the *memstore.Store behind s). The
	// check CommitWritesBillingAtomically is skipped without it.
	Billing func(s servicedesk.Store) billing.Store
}

// Harness opens stores for the kit.
type Harness = kit.Harness[servicedesk.Store, Features]

// ErrSkip is what [Check.Run] returns, wrapped with the reason, when the
// store does not offer what the check is about (an optional interface, or
// a [Features] field left unset): the check proved nothing. [TestStore]
// reports it as a skipped subtest.
var ErrSkip = errors.New("servicedesktest: check does not apply to this store")

// Check is one rule of the servicedesk.Store contract.
type Check = kit.Check[servicedesk.Store, Features]

// check makes one of the kit's checks.
var check = kit.Checker[servicedesk.Store, Features]()

// TestStore runs every check as a subtest, each on a new store.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	kit.Suite[servicedesk.Store, Features]{Kit: "servicedesktest", Checks: Checks(), Skip: ErrSkip}.Test(t, h, h.Features.SkipLarge)
}

// Checks returns every rule of the contract, in the order TestStore runs
// them: servicedesk's own, then the rules every record kind keeps, which
// internal/kit writes once for every kit (round trips and unknown keys of
// the kinds that declare them, versions, a record twice in a change,
// atomic commits, another dealer's records, copies, tenancy, the trail, a
// done context).
func Checks() []Check {
	return append([]Check{
		// Records read back as written (of the other kinds, internal/kit's
		// <Label>RoundTrip and <Label>NotFound, among the shared rules).
		check("CalendarDayRoundTrip", "a calendar day, keyed by (technician, day), reads back with every slot as written", checkCalendarDayRoundTrip),
		check("CalendarDayNotFound", "CalendarDay returns ErrNotFound for a (technician, day) never written, even when the technician or the day has others", checkCalendarDayNotFound),
		check("SurveyNotFound", "Survey returns ErrNotFound for a work order with no survey", checkSurveyNotFound),
		check("AmountsExact", "amounts keep 20 digits before the point and 4 after exactly (12345678901234567.89, 12.50) in every amount field", checkAmountsExact),

		// Billing in the same commit.
		check("CommitWritesBillingAtomically", "Commit writes Change.Billing in the same transaction as the servicedesk records, under billing.Store's version rule, its events after Change.Events: all of it lands, or (a stale billing series) none of it, work orders and events included", checkCommitWritesBilling),

		// Lists.
		check("WorkOrdersOrderAndPages", "WorkOrders returns IDs in byte order, at most Limit, starting after After", checkWorkOrdersPages),
		check("WorkOrdersFilters", "WorkOrders filters by State, Advisor and OpenedAt in [OpenedFrom, OpenedBefore), comparing instants whatever their zone", checkWorkOrdersFilters),
		check("ComplaintsOrderAndPages", "Complaints returns IDs in byte order, at most Limit, starting after After", checkComplaintsPages),
		check("ComplaintsFilters", "Complaints filters by State, Advisor and OpenedAt in [OpenedFrom, OpenedBefore)", checkComplaintsFilters),
		check("SurveysOrderAndPages", "Surveys returns work order IDs in byte order, at most Limit, starting after After", checkSurveysPages),
		check("SurveysFilters", "Surveys filters by Advisor and AnsweredAt in [AnsweredFrom, AnsweredBefore)", checkSurveysFilters),
		check("EmptyResults", "no match is an empty result, not an error", checkEmpty),

		// The audit trail.
		check("EventsSharedTrail", "events committed with servicedesk records get strictly increasing Seq in commit order and read back exactly after a cursor", checkEventsTrail),
		check("SubjectEventsInOrder", "SubjectEvents, when offered, returns exactly the subject's events (no prefix match), in Seq order", checkSubjectEvents),
		check("RedactionRewritesOneEvent", "a Change's Redactions replace the Data and Reason of the dealer's event with that Seq and subject, and nothing else: no other field, no other event, no other dealer's event with the same Seq", checkRedactions),
		check("RedactionOfUnknownEventInvalid", "a redaction naming a Seq the dealer does not have, or a subject other than its event's, fails the commit with ErrInvalid and writes nothing", checkRedactionsRefused),
		check("EventsShareRosterTrail", "events committed through org.Store and servicedesk.Store form one sequence per dealer, read the same through either", checkRosterTrail),

		// Concurrency and size.
		check("ConcurrentCommitsLoseNothing", "concurrent read-modify-write commits of one work order either land or fail with ErrConflict; none is lost", checkConcurrentNotes),
		check("ConcurrentBookingsNeverDoubleBook", "of concurrent bookings of overlapping slots on one technician's day, each written with the version read, exactly one lands", checkConcurrentBookings),
		check("ConcurrentEventsUnique", "concurrent commits never give two events the same Seq nor lose one; each commit's events are numbered together, in order", checkConcurrentEvents),
		check("LargeMonth", "a month of 2000 work orders pages completely and in order within its bounds", checkLargeMonth).AsLarge(),
	}, shared()...)
}
