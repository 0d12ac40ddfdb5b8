// Package policy turns what the other packages know about an employee's
// month or year (appraisal results, training results, recorded incidents,
// nominations) into proposed rewards and penalties, each with the rule
// that fired, the facts it read and a reason in English and Traditional
// Chinese: rules R6.4 and R7 as configuration that a dealer's team reads,
// changes and unit-tests.
//
// Nothing is executed: every [Proposal] is a proposal that a supervisor
// approves or rejects; those with a severe action (demotion, termination
// eligibility, dismissal, legal action; see [ActionKind.Severe]) are
// marked NeedsApproval. Money is decimal.Decimal throughout, never a
// float.
//
// # Policy files
//
// A [Policy] is a versioned file in YAML or JSON. [LoadFile] reads it
// strictly and reports every problem at once, each with its file, line,
// column and field, as in
//
//	policies/taipei.yaml:14:30: rules[0].when.fact.value: appraisal.score is a decimal fact: the value must be a decimal number ... (wrong_type)
//
// never panicking; [Policy.Validate] checks a policy built in code. A
// policy names its currency and the places its amounts are written with,
// and has rules and ladders:
//
//	id: taipei-east
//	version: 3
//	currency: TWD
//	places: 0                       # amounts in whole dollars; left out: 2
//	ladders:
//	  - id: attendance              # progressive discipline (R7.2a)
//	    incidents: [late, left_early, absent]
//	    within_days: 30
//	    steps:                      # the 1st, 2nd, 3rd and every later offence
//	      - [{kind: warning}]
//	      - [{kind: fine, amount: 300}]
//	      - [{kind: fine, amount: 600}, {kind: demerit}]
//	rules:
//	  - id: monthly_excellent_advisor
//	    cites: [R7.1]
//	    title: {en: Monthly excellent advisor, zh: 月度優秀服務顧問}
//	    period: month               # or year
//	    when:
//	      rank: {top: 1, min_score: 90}
//	    then:
//	      - {kind: certificate}
//	      - {kind: bonus, amount: 3000}
//	    award:                      # one winner among those meeting the condition
//	      winners: 1
//	      tie_break: [{fact: incidents.complaint, order: asc}]
//	  - id: attendance
//	    cites: [R7.2a]
//	    title: {en: Attendance, zh: 出勤}
//	    period: month
//	    ladder: attendance
//	  - id: two_consecutive_fails
//	    cites: [R6.4]
//	    title: {en: Two failed appraisals in a row, zh: 連續兩次考核不合格}
//	    period: month
//	    when:
//	      all:
//	        - consecutive: {fact: appraisal.failed, periods: 2}
//	        - not: {fact: {name: appraisal.grade, op: "==", value: exempt}}
//	    then: [{kind: termination_eligibility}]
//
// # Conditions
//
// A [Condition] is data, not an expression language: it is type-checked
// when the policy loads, every part of it can be explained in both
// languages, and evaluating it is fast. It sets exactly one of:
//
//	all, any: [conditions]  not: condition
//	fact:        {name: appraisal.score, op: ">=", value: 90}   (op: == != < <= > >=, quoted in YAML)
//	count:       {incidents: [late], within_days: 30, at_least: 3}   the 3rd lateness in 30 days
//	consecutive: {fact: appraisal.failed, periods: 2}              2 failing periods in a row
//	rank:        {top: 1, min_score: 90}                           rank 1 with a score of at least 90
//	amount:      {incidents: [loss], above: 10000, at_most: 50000} a total in (10,000, 50,000]
//
// The facts ([KnownFacts]) are typed: appraisal.score (decimal),
// appraisal.grade (text), appraisal.rank, appraisal.ranked,
// appraisal.consecutive_fails (integers), appraisal.passed,
// appraisal.failed, appraisal.excellent (yes/no), training.<outcome>,
// incidents.<kind> and nominations (counts), incidents.<kind>.amount
// (decimal). A name that is not a fact is "unknown_value" at its path, a
// value of the wrong type "wrong_type". An employee without an appraisal
// has unknown appraisal facts, and a rule never fires on what it does not
// know (see [Condition]).
//
// Windows are counted in calendar days in the dealer's time zone: within
// 30 days is the day of the offence and the 29 days before it. Incidents
// before the period count in a window; only one inside it can end one.
//
// # Actions and money
//
// An [Action] has a kind ([ActionKinds]): rewards, penalties and the
// development steps after a fail. Bonus and fine need an amount.
// Compensation is computed by the bracket the loss falls in, a percent of
// the loss or a fixed amount never above the loss: the brackets start at 0
// and follow each other without gap or overlap, and the last is open. A
// percent is rounded half up to the policy's places (2 when not written),
// the only rounding there is.
//
// The bonus that follows the appraisal score (R6.4) is not a policy rule:
// the appraisal's plan computes it, so that it is never paid twice; a
// policy's bonuses are the extra rewards of R7.1.
//
// # Evaluating
//
//	props, err := policy.Default("TWD").Evaluate(policy.Input{
//		Period:   policy.MonthPeriod(org.Month{Year: 2026, Month: time.November}),
//		Location: taipei,
//		Facts:    facts, // one policy.Facts per employee
//	})
//
// [Policy.Evaluate] is pure and deterministic: the same inputs give the
// same proposals, in the same order (employee, rule, offence), with the
// same keys, whatever the order of the employees and of their incidents.
// A key names the policy, rule, employee, period and, for a ladder, the
// incident, but not the policy's version, so evaluating a period again
// after a change never duplicates a recorded decision, while every
// proposal records the version that made it. An award goes to the first
// winners by the policy's tie-break keys (at least one: the policy states
// how it chooses) and then the employee ID, and the winner's explanation
// says how it was chosen: by which key, over whom.
//
// # The default policy
//
// [Default] is R6.4 and R7 as written; its source is the embedded
// default.yaml ([DefaultFile]), loaded through [Load] like any other.
//
// # Decisions: the Service
//
// [Policy.Evaluate] only proposes. A [Service] keeps a dealer's policies,
// the incidents and nominations its rules read, and the [Decision] that
// each proposal becomes, on a host's [Store] (store/memstore and
// store/sqlstore have one: their Policy view). Every command names an
// org.Actor, checked against the roster, and writes what it changes in one
// Commit, with its audit events (policy.saved, policy.incident_recorded,
// policy.decision_proposed, policy.decision_approved, ...):
//
//	svc, err := policy.NewService(policy.Config{Store: store.Policy(), Roster: roster.Directory(),
//		Facts: policy.Combine(monthend.AppraisalFacts(store.Appraisal()), monthend.TrainingFacts(store.Training()))})
//	_, err = svc.SavePolicy(ctx, "d1", lin, policy.Default("TWD"), true)      // saved and active
//	_, err = svc.RecordIncident(ctx, "d1", timeClock, policy.IncidentInput{Employee: "chen", Kind: policy.Late, At: at})
//	res, err := svc.Evaluate(ctx, "d1", lin, policy.MonthPeriod(nov))        // month end
//	_, err = svc.Approve(ctx, "d1", lin, policy.DecideInput{Key: res.Decisions[0].Key})
//
// The commands, and the rules they keep:
//
//   - [Service.SavePolicy] stores a version after [Policy.Validate], in the
//     dealer's currency, with a version above every one saved before (a
//     saved version never changes, so every decision can show the policy
//     that proposed it), and makes it the active one when asked;
//     [Service.ActivatePolicy] makes an earlier version active again. Only
//     a supervisor or an admin. A dealer has at most one active policy,
//     and the Store enforces it.
//   - [Service.RecordIncident] records a late, an absence, a quarrel, a
//     loss with its amount, ... (R7.2): a supervisor any kind, an admin
//     (the host's time clock) attendance only, and no supervisor about
//     themselves. [Service.Nominate] records a supervisor's nomination for
//     a special contribution, with its reason (R7.1): never of themselves,
//     once per supervisor, employee and period.
//   - [Service.Evaluate] (a supervisor, or an admin: the host at month
//     end) evaluates the active policy (ErrNotFound when there is none)
//     for a month or a year on the facts it gathers (see below), and
//     records its proposals idempotently, by their keys: a new proposal
//     becomes a proposed decision; a proposed decision whose proposal
//     changed (the facts, or the policy's version) is updated; a proposed
//     decision the policy no longer proposes is withdrawn, and proposed
//     again if the policy proposes it again; an approved or rejected
//     decision is never touched. Evaluating the same inputs again writes
//     nothing. The [EvaluationResult] counts what changed and lists the
//     period's decisions.
//   - [Service.Approve] and [Service.Reject] decide a proposed decision.
//     Only the supervisor of the employee concerned or an admin
//     ([org.Service.AuthorizeOver], R2.2), and no one about themselves
//     (R1.3): a decision about a supervisor needs the supervisor they
//     report to in the roster, or an admin; a supervisor of another
//     department decides nothing.
//     A rejection states its reason, and so does the approval of a
//     decision that needs approval (a severe action, R7.2); every reason
//     is audited. With ExpectedVersion, a decision that an evaluation
//     changed after the supervisor read it is ErrConflict. A decision
//     that is not proposed is ErrInvalidTransition.
//
// Nothing is executed by this package: an approved decision is a record.
// The host pays the bonus, deducts the fine or starts the demotion, and
// reads the audit trail to know when.
//
// # Where the facts come from
//
// [Service.Evaluate] gathers the facts of a period itself: the incidents
// its Store keeps (those of the period, and those before it as far as the
// policy's longest window), the nominations of the period (of a year: of
// the year and of its months), every active advisor of the roster, so that
// an award is given among them all, and what the Config's [FactSource]
// adds. A FactSource answers a [FactQuery] (the period and the dealer's
// time zone) with Facts per employee: monthend.AppraisalFacts reads the
// appraisal's finalised months (R6.4), monthend.TrainingFacts the training
// assessments of the period (R5.4), [Combine] merges several sources, and
// [FactFunc] makes one of a function. Without a FactSource no one has an
// appraisal (its facts are unknown) and the training counts are 0.
//
// # Testing a policy
//
// A policy file has a test file beside it: cases of facts and the
// decisions the policy must, or must not, propose. Package
// policy/policytest runs it inside go test (policytest.Test) with the
// rule coverage of the cases, and the command line runs it for a team
// that does not write Go:
//
//	go run ./cmd/servicelane policy check policy.yaml
//	go run ./cmd/servicelane policy test -min-coverage 100 policy.yaml policy.tests.yaml
//
// The default policy ships with such a file, default.tests.yaml, which
// exercises every rule. docs/POLICY.md is the guide for a dealer's team.
package policy
