package policytest

// The conformance kit for policy.Store: TestStore and the checks it runs.
// The helpers that unit-test policy files live beside it in this package.

import (
	"context"
	"errors"
	"testing"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// EventReader reads a dealer's audit trail: org.Store's Events method.
type EventReader interface {
	// Events returns the dealer's events with Seq > after, ordered by
	// Seq, at most limit.
	Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error)
}

// Features tells the store kit what a store offers beyond the contract's
// minimum. The zero value is right for most stores.
type Features struct {
	// Writers is how many goroutines the concurrency checks start; zero
	// means 16.
	Writers int
	// SkipLarge skips checks that write more than a thousand records, for
	// stores behind a slow network. Shipped stores never set it.
	SkipLarge bool
	// Events, when set, returns where the events committed through s are
	// read (for memstore, the *memstore.Store behind the view). When it is
	// nil the kit uses s itself if it is an [EventReader], and skips the
	// event checks otherwise.
	Events func(s policy.Store) EventReader
}

// events returns where s's events are read, or nil.
func (f Features) events(s policy.Store) EventReader {
	if f.Events != nil {
		return f.Events(s)
	}
	if r, ok := s.(EventReader); ok {
		return r
	}
	return nil
}

// Harness opens stores for [TestStore].
type Harness struct {
	// NewStore returns a new, empty store. Close it with t.Cleanup.
	NewStore func(t *testing.T) policy.Store
	Features Features
}

// ErrSkip is what [StoreCheck.Run] returns, wrapped with the reason, when
// the store does not offer what the check is about (the audit trail is
// not readable): the check proved nothing. [TestStore] reports it as a
// skipped subtest.
var ErrSkip = errors.New("policytest: check does not apply to this store")

// StoreCheck is one rule of the policy.Store contract.
type StoreCheck struct {
	// Name is the subtest's name.
	Name string
	// Rule is the contract sentence the check proves; it is printed when
	// the check fails.
	Rule string
	// Large marks a check that writes more than a thousand records.
	Large bool
	run   func(ctx context.Context, s policy.Store, f Features) error
}

// Run runs the check on s, which must be new and empty, and returns what
// went wrong, an error matching [ErrSkip], or nil.
func (c StoreCheck) Run(ctx context.Context, s policy.Store, f Features) error {
	f.Writers = kit.Writers(f.Writers)
	return c.run(ctx, s, f)
}

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
	var cases []kit.Case[policy.Store]
	for _, c := range StoreChecks() {
		run := func(ctx context.Context, s policy.Store) error { return c.Run(ctx, s, h.Features) }
		cases = append(cases, kit.Case[policy.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	kit.Runner[policy.Store]{Kit: "policytest", NewStore: h.NewStore, SkipLarge: h.Features.SkipLarge, Skip: ErrSkip}.Test(t, cases)
}

// StoreChecks returns every rule of the policy.Store contract, in the order
// TestStore runs them: the policy store's own, then the rules every record
// kind keeps, which internal/kit writes once for every kit (versions, a
// record twice in a change, atomic commits, another dealer's records,
// copies, tenancy, the trail, a done context).
func StoreChecks() []StoreCheck {
	return append([]StoreCheck{
		// Records read back as written.
		{Name: "PolicyRoundTrip", Rule: "a stored policy, keyed by its Policy.Version, reads back with every field as written, by Policy, ActivePolicy and Policies: every rule, condition (nested all, any, not), action, compensation bracket, award and ladder; decimals exact, instants in UTC to the microsecond", run: storePolicyRoundTrip},
		{Name: "PolicyNotFound", Rule: "Policy returns ErrNotFound for a version never stored, also beside the versions around it", run: storePolicyNotFound},
		{Name: "ActivePolicyMoves", Rule: "ActivePolicy returns the version marked Active now, wherever the mark moves, and ErrNotFound when none is", run: storeActivePolicy},
		{Name: "OneActivePolicy", Rule: "a Commit that would leave the dealer two active policies (a new active one, one marked active again, two together) is refused with ErrConflict and writes nothing; a switch that deactivates the old one in the same Change lands, in whichever order the Change lists them", run: storeOneActive},
		{Name: "IncidentRoundTrip", Rule: "an incident, keyed by its ID, reads back with every field as written, by Incident and in Incidents; amount exact, instants in UTC to the microsecond", run: storeIncidentRoundTrip},
		{Name: "IncidentNotFound", Rule: "Incident returns ErrNotFound for an ID never stored: not found by prefix, case-blind or with trailing spaces trimmed", run: storeIncidentNotFound},
		{Name: "NominationRoundTrip", Rule: "a nomination, keyed by its ID, reads back with every field as written in its period's Nominations, a month's and a year's", run: storeNominationRoundTrip},
		{Name: "DecisionRoundTrip", Rule: "a decision, keyed by its Key, reads back with every field as written, by Decision and in Decisions: its whole proposal (actions and amounts, facts used, the explanation's phrases and their arguments), its state, who decided and why; decimals exact, instants in UTC to the microsecond", run: storeDecisionRoundTrip},
		{Name: "DecisionNotFound", Rule: "Decision returns ErrNotFound for a key never stored: not found by prefix, case-blind or with trailing spaces trimmed", run: storeDecisionNotFound},
		{Name: "AmountsExact", Rule: "every decimal keeps its value exactly: incident amounts, a policy's amounts, percents, brackets and scores, a proposal's action amounts; above 2^53, trailing zeros (100.0000), 4 places, 20 digits before the point", run: storeAmountsExact},
		{Name: "InstantsUTCMicroseconds", Rule: "every instant (SavedAt, At, RecordedAt, ProposedAt, DecidedAt) written in another zone with a part below the microsecond reads back as the same instant in UTC to the microsecond; the zero time reads back as the zero time", run: storeInstants},

		// Lists.
		{Name: "PoliciesOrderedByVersion", Rule: "Policies returns every stored policy of the dealer, ordered by Policy.Version as a number (9 before 10)", run: storePoliciesOrdered},
		{Name: "IncidentsOrderedByTime", Rule: "Incidents returns the incidents ordered by At as instants, then by ID in byte order", run: storeIncidentsOrdered},
		{Name: "IncidentsWithinBounds", Rule: "Incidents returns those whose At is in [from, before): from included, before excluded, a zero bound no bound", run: storeIncidentsBounds},
		{Name: "NominationsOfPeriod", Rule: "Nominations returns the nominations whose Period is the one named, exactly (a year is not its months), ordered by ID in byte order", run: storeNominationsOfPeriod},
		{Name: "DecisionsOrderedByKey", Rule: "Decisions returns the decisions whose proposal's Period is the one named, of the employee named (exactly; all when empty), ordered by Key in byte order", run: storeDecisionsOrdered},
		{Name: "EmptyResults", Rule: "no match is an empty list, not nil and not an error: Policies, Incidents, Nominations and Decisions in a new store, beside other records and for a dealer with none", run: storeEmpty},

		// Concurrency and size.
		{Name: "ConcurrentDecisionUpdates", Rule: "writers updating one decision at once (read it, commit their change at the version read plus one, retry on ErrConflict) all land: no update lost, the version counts them", run: storeConcurrentUpdates},
		{Name: "ConcurrentDecisionCreateOnce", Rule: "of concurrent commits of a decision with one Key at Version 1 (two evaluations at once), exactly one lands with its event; the others get ErrConflict and write nothing", run: storeCreateOnce},
		{Name: "ConcurrentActivationsKeepOne", Rule: "writers each saving a new active policy at once (deactivating the one they read active, retrying on ErrConflict) all land, and exactly one policy is active at the end", run: storeConcurrentActivations},
		{Name: "LargePeriod", Rule: "a period of 1,500 decisions and 1,200 incidents lists completely: decisions by Key, for everyone and for each employee; incidents by time then ID, whole and within bounds", Large: true, run: storeLargePeriod},
	}, shared()...)
}
