// Package policytest lets a dealer's team unit-test a policy file (rules
// R6.4 and R7 as configuration, see package [policy]) the way OPA's
// opa test and cel-go's policy tests do: a test file beside the policy
// gives facts and the decisions the policy must propose, and the cases
// run inside go test ([Test]) or from the command line (servicelane
// policy test POLICY TESTS...), each failing case with a readable diff,
// with the rule coverage of the cases.
//
// # Getting started
//
//	func TestPolicy(t *testing.T) {
//		r := policytest.Test(t, "policy.yaml", "policy.tests.yaml")
//		policytest.AssertCoverage(t, r.Coverage, 100)
//	}
//
// [Run] is the same without a testing.T: it returns a [Report] of every
// case, with its failures and diff, and the [Coverage].
//
// # The test file
//
// YAML or JSON (.json), read as strictly as a policy: unknown fields,
// wrong types, a case without a name or with one another case has, facts
// that [policy.Policy.Evaluate] refuses, are all reported at once, each
// with its file, line, column and field ([Load]).
//
//	policy: ../default.yaml             # optional, relative to this file;
//	                                    # the command and Test may name the policy instead
//	cases:
//	  - name: third lateness in 30 days is fined   # unique; go test -run and the command's -run pick cases by it
//	    period: 2026-11                 # a month, or a year: "2026" (runs the yearly rules)
//	    zone: Asia/Taipei               # the dealer's IANA zone; left out: UTC
//	    facts:                          # one entry per employee (policy.Facts)
//	      - employee: chen
//	        appraisal: {score: 91.5, grade: excellent, passed: true, excellent: true,
//	                    rank: 2, ranked: 3, consecutive_fails: 0}
//	        training: [{course: brakes, outcome: failed}]
//	        incidents:                  # at: RFC 3339, or a local time or date in zone
//	          - {id: l1, kind: late, at: "2026-11-03T09:10:00+08:00"}
//	          - {id: l2, kind: late, at: "2026-11-10 09:05"}
//	          - {id: l3, kind: late, at: 2026-11-24}
//	          - {id: x1, kind: loss, at: 2026-11-20, amount: 12500, note: scratched a car}
//	        nominations: [{id: n1, reason: saved a key customer, by: wang}]
//	    expect:
//	      includes:                     # at least these proposals
//	        - {employee: chen, rule: attendance, offence: 3, actions: [{kind: fine, amount: 500}]}
//	      excludes:                     # no proposal like these
//	        - {employee: chen, rule: monthly_excellent_advisor}
//
// An appraisal that failed says passed: false and consecutive_fails: 1 or
// more (the run of failing periods ending with this one), as Evaluate
// requires. An employee written without an appraisal was not appraised.
//
// # Expectations
//
// expect has either decisions, or includes and excludes (one or both):
//
//   - decisions: exactly these proposals and no others, in any order; []
//     expects no proposal at all;
//   - includes: at least these proposals, each matched by a proposal of
//     its own;
//   - excludes: no proposal matches any of these.
//
// An expectation ([Expected]) matches a proposal when every field it gives
// is equal: employee and rule (both required in decisions and includes;
// in excludes at least one: {rule: loss_severe} excludes that rule for
// everyone, {employee: chen} every proposal about chen);
// offence and incident (a ladder's offence number and incident id);
// actions, every action of the proposal in any order, none missing and
// none more, each {kind, amount} with the amount compared as a number and
// any amount when left out; needs_approval; reason and reason_zh, text
// the proposal's explanation contains in English and in Traditional
// Chinese. Decisions and includes are paired with proposals so that as
// many as can be match. Every rule an expectation names must be a rule of
// the policy, or its case fails.
//
// # Results and coverage
//
// A failing case's [CaseResult] has its [Failure] list and a diff, one
// line per proposal as [ProposalLine] writes it (with a ladder's
// incident): "-" for an expectation no proposal matched, "+" for a
// proposal not expected or excluded, followed by its reason in English,
// and " " for the others:
//
//	-want +got:
//	  chen excellent_appraisal: commendation
//	  chen attendance #1 (incident l1): warning
//	  chen attendance #2 (incident l2): warning
//	- chen attendance #3: fine TWD 1000  (expect.decisions[2])
//	+ chen attendance #3 (incident l3): fine TWD 500
//	      3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance (R7.2a)
//
// A rule is covered when it proposed in a case, or a case expects it in
// decisions or includes; [Coverage] lists the rules none exercised and
// the exact share, and [AssertCoverage] fails a test below a threshold.
//
// # The store kit
//
// The package also holds the conformance kit of [policy.Store], for a host
// that stores policies, incidents, nominations and decisions in its own
// database. [TestStore] runs it inside go test; [Harness] says how to open
// a new, empty store for each check, and its [Features] what the store
// offers beyond the contract's minimum (how many writers the concurrency
// checks start, whether to skip the checks that write thousands of
// records, where the audit events are read):
//
//	func TestPolicyStore(t *testing.T) {
//		policytest.TestStore(t, policytest.Harness{
//			NewStore: func(t *testing.T) policy.Store { return mystore.Open(t.TempDir()).Policy() },
//		})
//	}
//
// Each rule of the contract is one [StoreCheck] and one subtest, named in
// CamelCase (PolicyRoundTrip, OneActivePolicy, IncidentsOrderedByTime,
// DecisionVersionRule, CommitIsAtomic, TenancyIsolation,
// ConcurrentDecisionCreateOnce, ...), and a failure names the rule it
// broke. Among them: a stored policy keyed by its Policy.Version, at most
// one active per dealer (a Commit that would leave two is ErrConflict), a
// decision keyed by its proposal's Key, amounts exact and instants in UTC
// to the microsecond. [StoreChecks] lists them all, and [StoreCheck.Run]
// runs one outside go test, returning an error matching [ErrSkip] when it
// does not apply (the store's audit trail cannot be read). The kit uses no
// test framework, so a host's tests pull in none. store/memstore and
// store/sqlstore (on SQLite, and on PostgreSQL when
// SERVICELANE_POSTGRES_DSN is set) run it, and the kit is itself tested
// against deliberately broken stores, each of which it must catch.
package policytest
