// Package trainingtest is the conformance kit for [training.Store]: it
// proves that a host's implementation keeps the contract the training
// package relies on, for annual plans, the sessions that run their
// courses, each employee's progress in a course, career records, and the
// audit events committed with them.
//
// It needs only the standard library (and the module's own packages and
// github.com/shopspring/decimal, which the records use). Call [TestStore]
// from a test in your own package:
//
//	func TestTrainingStore(t *testing.T) {
//		trainingtest.TestStore(t, trainingtest.Harness{
//			NewStore: func(t *testing.T) training.Store { return mystore.Open(t.TempDir()).Training() },
//		})
//	}
//
// Each rule of the contract is one [Check] and one subtest, named in
// CamelCase, so one can be run alone while debugging:
//
//	go test -run 'TestTrainingStore/SessionsOrderedByStart'
//
// A failure message names the broken rule. [Checks] lists them all; each can
// also be run outside a test with [Check.Run], which is how the kit tests
// itself against deliberately broken stores.
//
// # Keys
//
// A plan is keyed by its Year; a session by its ID (whatever its year); a
// progress record by [training.Progress.Key] (year, course and employee);
// a career record by its Employee. Keys match exactly: not by prefix, not
// case-blind, not with trailing spaces trimmed. Sessions lists a year's
// sessions (by their Year field, not the year they start in) ordered by
// Start, then by ID; Progress lists in Key order and Careers in employee
// order; IDs and keys compare in byte order, as Go compares strings:
// "S-3" before "s-1", and the Key "2027/c-1-b/..." before "2027/c-1/...".
// A list with no match is empty and not nil, and not an error.
//
// # Decimals
//
// Hours, pass marks and scores carry more places than money does: a pass
// mark of 7.12345678, an average of attempts at 16. A store keeps every
// decimal's value exactly, as a JSON document's strings do; a
// NUMERIC(24,4) column or a float64 on the way loses digits, and
// AmountsExact says which. The value is what counts: 100.0000 may read
// back as 100.
//
// # Instants
//
// Every instant reads back in UTC to the microsecond. The round trips
// write instants as the Service does (UTC, whole microseconds);
// InstantsUTCMicroseconds writes them in the dealer's zone with a
// sub-microsecond part below half a microsecond, so a store that truncates
// and one that rounds (PostgreSQL's text input) both pass, and one that
// keeps the zone or the nanoseconds fails. The zero time reads back as
// the zero time.
//
// # Optional parts
//
// training.Store has no method to read the audit trail: events committed
// with training records land in the trail the dealer's org.Store reads. A
// store whose value also has that method ([EventReader], as memstore's and
// sqlstore's views do), or whose harness says where to read it in
// [Features].Events, has its events checked too: appended in commit order,
// never by a refused commit. Without either, EventsAppended is skipped and
// the other checks look at records only.
package trainingtest

import (
	"errors"
	"testing"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/training"
)

// EventReader reads a dealer's audit trail: org.Store's Events method.
type EventReader = kit.EventReader

// Features tells the kit what a store offers beyond the contract's minimum
// (Writers, SkipLarge, Events); the zero value is right for most stores.
type Features = kit.Features[training.Store]

// Harness opens stores for the kit.
type Harness = kit.Harness[training.Store, Features]

// ErrSkip is what [Check.Run] returns, wrapped with the reason, when the
// store does not offer what the check is about (the audit trail is not
// readable): the check proved nothing. [TestStore] reports it as a skipped
// subtest.
var ErrSkip = errors.New("trainingtest: check does not apply to this store")

// Check is one rule of the training.Store contract.
type Check = kit.Check[training.Store, Features]

// check makes one of the kit's checks.
var check = kit.Checker[training.Store, Features]()

// TestStore runs every check as a subtest, each on a new store.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	kit.Suite[training.Store, Features]{Kit: "trainingtest", Checks: Checks(), Skip: ErrSkip}.Test(t, h, h.Features.SkipLarge)
}

// Checks returns every rule of the contract, in the order TestStore runs
// them: training's own, then the rules every record kind keeps, which
// internal/kit writes once for every kit (versions, a record twice in a
// change, atomic commits, another dealer's records, copies, tenancy, the
// trail, a done context; a plan's round trip and the not-found reads).
func Checks() []Check {
	return append([]Check{
		// Records read back as written.
		check("SessionRoundTrip", "a session, keyed by its ID, reads back with every field as written, by Session and in its year's Sessions: attendees in order, each score a pointer (nil or set); decimals exact, instants in UTC to the microsecond", checkSessionRoundTrip),
		check("ProgressRoundTrip", "a progress record, keyed by its Key (year, course, employee), reads back with every field as written: the attempts of this round and the earlier ones, retake and commendation; decimals exact, instants in UTC to the microsecond", checkProgressRoundTrip),
		check("CareerRoundTrip", "a career record, keyed by its Employee, reads back with every field as written, by Career and in Careers: notes, goals and certificates (one that never expires among them); instants in UTC to the microsecond", checkCareerRoundTrip),
		check("AmountsExact", "every decimal keeps its value exactly: hours, pass marks, excellence marks and scores with 8 or 16 places (7.12345678, 3.6666666666666667), trailing zeros (100.0000), 20 digits before the point, below zero; attendee scores behind their pointers too", checkAmountsExact),
		check("InstantsUTCMicroseconds", "every instant (Start, At, ClosedAt, RetakeBy, CommendedAt, ApprovedAt, IssuedAt, Expires, Due) written in another zone with a part below the microsecond reads back as the same instant in UTC to the microsecond; the zero time reads back as the zero time", checkInstants),

		// Lists.
		check("SessionsOrderedByStart", "Sessions returns the sessions whose Year is the year named, ordered by Start (as instants), then by ID in byte order, and no other year's", checkSessionsOrdered),
		check("ProgressOrderedByKey", "Progress returns the year's progress records ordered by Key in byte order, of the employee named (exactly; all when empty), and no other year's", checkProgressOrdered),
		check("CareersOrderedByEmployee", "Careers returns every career record of the dealer, ordered by employee in byte order", checkCareersOrdered),
		check("EmptyResults", "no match is an empty list, not nil and not an error: Sessions, Progress and Careers in a new store, beside other records and for a dealer with none", checkEmpty),

		// Concurrency and size.
		check("ConcurrentSessionUpdates", "writers updating one session at once (read it, commit their change at the version read plus one, retry on ErrConflict) all land: no update lost, the version counts them", checkConcurrentUpdates),
		check("ConcurrentProgressCreateOnce", "of concurrent commits of progress records with one Key at Version 1, exactly one lands with its event; the others get ErrConflict and write nothing", checkProgressCreateOnce),
		check("LargeYear", "a year of 1,500 progress records and 300 sessions lists completely: progress in Key order, for everyone and for each employee, sessions by start then ID", checkLargeYear).AsLarge(),
	}, shared()...)
}
