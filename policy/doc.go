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
// winners by the policy's tie-break keys and then the employee ID, and
// the winner's explanation says when a tie was broken, and by what.
//
// # The default policy
//
// [Default] is R6.4 and R7 as written; its source is the embedded
// default.yaml ([DefaultFile]), loaded through [Load] like any other.
package policy
