package policytest

// The conformance kit for policy.Store: TestStore and the checks it runs.
// The helpers that unit-test policy files live beside it in this package.

import (
	"errors"
	"testing"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/policy"
)

// EventReader reads a dealer's audit trail: org.Store's Events method.
type EventReader = kit.EventReader

// Features tells the store kit what a store offers beyond the contract's
// minimum (Writers, SkipLarge, Events); the zero value is right for most
// stores.
type Features = kit.Features[policy.Store]

// Harness opens stores for [TestStore].
type Harness = kit.Harness[policy.Store, Features]

// ErrSkip is what [StoreCheck.Run] returns, wrapped with the reason, when
// the store does not offer what the check is about (the audit trail is
// not readable): the check proved nothing. [TestStore] reports it as a
// skipped subtest.
var ErrSkip = errors.New("policytest: check does not apply to this store")

// StoreCheck is one rule of the policy.Store contract.
type StoreCheck = kit.Check[policy.Store, Features]

// check makes one of the kit's checks.
var check = kit.Checker[policy.Store, Features]()

// TestStore is the conformance kit for [policy.Store]: it proves that a
// host's implementation keeps the contract the policy package relies on,
// for saved policies (one active per dealer), incidents, nominations,
// decisions, and the audit events committed with them. It needs only the
// standard library (and the module's packages and shopspring/decimal,
// which the records use):
//
//	func TestPolicyStore(t *testing.T) {
//		policytest.TestStore(t, policytest.Harness{
//			NewStore: func(t *testing.T) policy.Store { return mystore.Open(t.TempDir()).Policy() },
//		})
//	}
//
// Each rule is one [StoreCheck] and one subtest, named in CamelCase, so
// one can be run alone while debugging:
//
//	go test -run 'TestPolicyStore/IncidentsOrderedByTime'
//
// A failure names the broken rule. [StoreChecks] lists them all; each can
// also be run outside a test with [StoreCheck.Run], which is how the kit
// tests itself against deliberately broken stores.
//
// Keys: a stored policy by Policy.Version (ordered as a number: 9 before
// 10); an incident and a nomination by ID; a decision by Key. Keys match
// exactly (not by prefix, not case-blind, not trimmed) and order in byte
// order, as Go compares strings. Incidents list by At as instants, then ID;
// a nomination's and a decision's period match exactly (a year is not its
// months, "2026-1" is nothing). A list with no match is empty, not nil.
//
// Every decimal keeps its value exactly (20 digits before the point, the
// places a policy writes, trailing zeros as values: 100.0000 may read back
// as 100), and every instant reads back in UTC to the microsecond; the
// zero time stays zero. Events are checked when the store reads its trail
// (as memstore's and sqlstore's views do) or Features.Events says where:
// appended in commit order, never by a refused commit.
func TestStore(t *testing.T, h Harness) {
	t.Helper()
	kit.Suite[policy.Store, Features]{Kit: "policytest", Checks: StoreChecks(), Skip: ErrSkip}.Test(t, h, h.Features.SkipLarge)
}

// StoreChecks returns every rule of the policy.Store contract, in the order
// TestStore runs them: the policy store's own, then the rules every record
// kind keeps, which internal/kit writes once for every kit (the round trips
// and not-found reads of incidents and decisions, instants in UTC to the
// microsecond, versions, a record twice in a change, atomic commits,
// another dealer's records, copies, tenancy, the trail, a done context).
func StoreChecks() []StoreCheck {
	return append([]StoreCheck{
		// Records read back as written.
		check("PolicyRoundTrip", "a stored policy, keyed by its Policy.Version, reads back with every field as written, by Policy, ActivePolicy and Policies: every rule, condition (nested all, any, not), action, compensation bracket, award and ladder; decimals exact, instants in UTC to the microsecond", storePolicyRoundTrip),
		check("PolicyNotFound", "Policy returns ErrNotFound for a version never stored, also beside the versions around it", storePolicyNotFound),
		check("ActivePolicyMoves", "ActivePolicy returns the version marked Active now, wherever the mark moves, and ErrNotFound when none is", storeActivePolicy),
		check("OneActivePolicy", "a Commit that would leave the dealer two active policies (a new active one, one marked active again, two together) is refused with ErrConflict and writes nothing; a switch that deactivates the old one in the same Change lands, in whichever order the Change lists them", storeOneActive),
		check("NominationRoundTrip", "a nomination, keyed by its ID, reads back with every field as written in its period's Nominations, a month's and a year's", storeNominationRoundTrip),
		check("AmountsExact", "every decimal keeps its value exactly: incident amounts, a policy's amounts, percents, brackets and scores, a proposal's action amounts; above 2^53, trailing zeros (100.0000), 4 places, 20 digits before the point", storeAmountsExact),

		// Lists.
		check("PoliciesOrderedByVersion", "Policies returns every stored policy of the dealer, ordered by Policy.Version as a number (9 before 10)", storePoliciesOrdered),
		check("IncidentsOrderedByTime", "Incidents returns the incidents ordered by At as instants, then by ID in byte order", storeIncidentsOrdered),
		check("IncidentsWithinBounds", "Incidents returns those whose At is in [from, before): from included, before excluded, a zero bound no bound", storeIncidentsBounds),
		check("NominationsOfPeriod", "Nominations returns the nominations whose Period is the one named, exactly (a year is not its months), ordered by ID in byte order", storeNominationsOfPeriod),
		check("DecisionsOrderedByKey", "Decisions returns the decisions whose proposal's Period is the one named, of the employee named (exactly; all when empty), ordered by Key in byte order", storeDecisionsOrdered),
		check("EmptyResults", "no match is an empty list, not nil and not an error: Policies, Incidents, Nominations and Decisions in a new store, beside other records and for a dealer with none", storeEmpty),

		// Concurrency and size.
		check("ConcurrentDecisionUpdates", "writers updating one decision at once (read it, commit their change at the version read plus one, retry on ErrConflict) all land: no update lost, the version counts them", storeConcurrentUpdates),
		check("ConcurrentDecisionCreateOnce", "of concurrent commits of a decision with one Key at Version 1 (two evaluations at once), exactly one lands with its event; the others get ErrConflict and write nothing", storeCreateOnce),
		check("ConcurrentActivationsKeepOne", "writers each saving a new active policy at once (deactivating the one they read active, retrying on ErrConflict) all land, and exactly one policy is active at the end", storeConcurrentActivations),
		check("LargePeriod", "a period of 1,500 decisions and 1,200 incidents lists completely: decisions by Key, for everyone and for each employee; incidents by time then ID, whole and within bounds", storeLargePeriod).AsLarge(),
	}, shared()...)
}
