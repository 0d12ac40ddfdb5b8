// Package appraisaltest is the conformance kit for [appraisal.Store]: it
// proves that a host's implementation keeps the contract the appraisal
// package relies on, for monthly cycles, the inputs (ratings) collected for
// them, each employee's scored month, improvement plans, and the audit
// events committed with them.
//
// It needs only the standard library (and the module's own packages and
// github.com/shopspring/decimal, which the records use). Call [TestStore]
// from a test in your own package:
//
//	func TestAppraisalStore(t *testing.T) {
//		appraisaltest.TestStore(t, appraisaltest.Harness{
//			NewStore: func(t *testing.T) appraisal.Store { return mystore.Open(t.TempDir()).Appraisal() },
//		})
//	}
//
// Each rule of the contract is one [Check] and one subtest, named in
// CamelCase, so one can be run alone while debugging:
//
//	go test -run 'TestAppraisalStore/HistoryOldestFirst'
//
// A failure message names the broken rule. [Checks] lists them all; each can
// also be run outside a test with [Check.Run], which is how the kit tests
// itself against deliberately broken stores.
//
// # Keys
//
// A cycle is keyed by its dealer month; an input by its month and
// [appraisal.Input.Key] (ratee, rater, source and KPI); an appraisal by its
// month and its Computed result's Employee; an improvement plan by its
// month and Employee. Inputs lists in Key order and Appraisals in employee
// order, both in byte order, as Go compares strings: "Adv-2" before
// "adv-1", "adv-1-b/..." before "adv-1/...".
//
// # Decimals
//
// A result keeps decimals at more places than money does: shares at 8,
// the mean of several ratings at 16. A store keeps every decimal exactly as
// written, as a JSON document's strings do; a NUMERIC(24,4) column or a
// float64 on the way loses digits, and AmountsExact says which.
//
// # Versions
//
// Every record carries a Version, and Commit keeps one rule for cycles,
// inputs, appraisals and improvement plans alike, each under its key:
// Version 1 creates the record, and is ErrConflict when it exists; Version
// n > 1 replaces the stored Version n-1, and is ErrConflict when the stored
// one is any other or the record is missing; a Version below 1 is
// ErrInvalid. A Change names each record at most once: one naming a record
// twice, at one version or at two, is ErrConflict, since writing the two in
// turn would land a version no reader saw. A refused Commit writes
// nothing, its events included. CycleVersionRule, InputVersionRule,
// AppraisalVersionRule and ImprovementVersionRule check the rule for each
// kind; CycleTwiceInAChange, InputTwiceInAChange, AppraisalTwiceInAChange
// and ImprovementTwiceInAChange check a Change naming one twice.
//
// # Optional parts
//
// appraisal.Store has no method to read the audit trail: events committed
// with appraisal records land in the trail the dealer's org.Store reads. A
// store whose value also has that method ([EventReader], as memstore's and
// sqlstore's views do), or whose harness says where to read it in
// [Features].Events, has its events checked too: appended in commit order,
// never by a refused commit. Without either, EventsAppended is skipped and
// the other checks look at records only.
package appraisaltest

import (
	"errors"
	"testing"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
)

// EventReader reads a dealer's audit trail: org.Store's Events method.
type EventReader = kit.EventReader

// Features tells the kit what a store offers beyond the contract's minimum
// (Writers, SkipLarge, Events); the zero value is right for most stores.
type Features = kit.Features[appraisal.Store]

// Harness opens stores for the kit.
type Harness = kit.Harness[appraisal.Store, Features]

// ErrSkip is what [Check.Run] returns, wrapped with the reason, when the
// store does not offer what the check is about (the audit trail is not
// readable): the check proved nothing. [TestStore] reports it as a skipped
// subtest.
var ErrSkip = errors.New("appraisaltest: check does not apply to this store")

// Check is one rule of the appraisal.Store contract.
type Check = kit.Check[appraisal.Store, Features]

// check makes one of the kit's checks.
var check = kit.Checker[appraisal.Store, Features]()

// TestStore runs every check as a subtest, each on a new store.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	kit.Suite[appraisal.Store, Features]{Kit: "appraisaltest", Checks: Checks(), Skip: ErrSkip}.Test(t, h, h.Features.SkipLarge)
}

// Checks returns every rule of the contract, in the order TestStore runs
// them: appraisal's own, then the rules every record kind keeps, which
// internal/kit writes once for every kit (versions, a record twice in a
// change, atomic commits, another dealer's records, copies, tenancy, the
// trail, a done context).
func Checks() []Check {
	return append([]Check{
		// Records read back as written.
		check("InputRoundTrip", "an input, keyed by its Month and Key (ratee, rater, source, KPI), reads back with every field as written, the value exact, the instant in UTC to the microsecond", checkInputRoundTrip),
		check("AppraisalRoundTrip", "an appraisal, keyed by its Month and Computed.Employee, reads back with every field as written: both results with their KPIs, sources and missing lists, the calibration nil or set, rank and run of fails; decimals exact, instants in UTC to the microsecond", checkAppraisalRoundTrip),
		check("ImprovementNotFound", "Improvement returns ErrNotFound for a month and employee never stored, also when the employee has a plan of another month or the month one of another employee", checkImprovementNotFound),
		check("AmountsExact", "every decimal keeps its digits exactly: amounts 20 before the point and 4 after (12345678901234567.89, 12.50, -1234.5678), a result's 8-place shares and 16-place means, in every decimal field, map values included", checkAmountsExact),

		// Lists.
		check("InputsOrderedByKey", "Inputs returns the month's inputs ordered by Key in byte order, about the ratee named (exactly; all when empty), and no other month's", checkInputsOrdered),
		check("AppraisalsOrderedByEmployee", "Appraisals returns the month's appraisals ordered by employee in byte order, and no other month's", checkAppraisalsOrdered),
		check("HistoryOldestFirst", "History returns one employee's appraisals (exactly that employee's) of every month up to and including the month named, oldest first, across years", checkHistory),
		check("EmptyResults", "no match is an empty result, not an error: Inputs, Appraisals and History of a month or employee with nothing stored", checkEmpty),

		// Concurrency and size.
		check("ConcurrentAppraisalUpdates", "writers updating one appraisal at once (read it, commit their change at the version read plus one, retry on ErrConflict) all land: no update lost, the version counts them", checkConcurrentUpdates),
		check("ConcurrentInputKeyOnce", "of concurrent commits of inputs with one Key at Version 1, exactly one lands with its event; the others get ErrConflict and write nothing", checkInputKeyOnce),
		check("LargeHistory", "12 months of 200 employees' appraisals list completely: every month in employee order, every employee's history oldest first", checkLargeHistory).AsLarge(),
	}, shared()...)
}
