package policy_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// Every rule of the default policy, each with the cases that fire it and
// those that must not.
func TestEvaluate_default(t *testing.T) {
	year := policy.YearPeriod(2026)
	attendance := func(days ...string) policy.Facts {
		f := policy.Facts{Employee: "chen", Appraisal: appr("75", 2, 3)}
		for i, d := range days {
			f.Incidents = append(f.Incidents, inc("l"+string(rune('1'+i)), policy.Late, d+" 09:10"))
		}
		return f
	}
	loss := func(amount string) policy.Facts {
		return policy.Facts{Employee: "lin", Appraisal: appr("75", 2, 3),
			Incidents: []policy.Incident{inc("x1", policy.Loss, "2026-11-06 10:00", amount)}}
	}
	for _, c := range []struct {
		name   string
		period policy.Period
		facts  []policy.Facts
		want   []string
	}{
		// ---- R7.1 rewards. ----
		{"R7.1_monthly_excellent_advisor_rank_1_with_90", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("90", 1, 5)}, {Employee: "lin", Appraisal: appr("85", 2, 5)}},
			[]string{"chen monthly_excellent_advisor: certificate, bonus 3000", "chen excellent_appraisal: commendation"}},
		{"R7.1_monthly_excellent_advisor_not_below_90", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("89.99", 1, 5)}},
			[]string{}},
		{"R7.1_monthly_excellent_advisor_not_rank_2", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("94", 1, 5)}, {Employee: "lin", Appraisal: appr("93", 2, 5)}},
			[]string{"chen monthly_excellent_advisor: certificate, bonus 3000", "chen excellent_appraisal: commendation",
				"lin excellent_appraisal: commendation"}},
		{"R7.1_monthly_excellent_advisor_one_of_a_tie", nov,
			[]policy.Facts{{Employee: "wang", Appraisal: appr("95", 1, 5)}, {Employee: "chen", Appraisal: appr("95", 1, 5),
				Incidents: []policy.Incident{inc("c1", policy.Complaint, "2026-11-02 10:00")}}},
			[]string{"chen excellent_appraisal: commendation", "chen complaint_warning: warning",
				"wang monthly_excellent_advisor: certificate, bonus 3000", "wang excellent_appraisal: commendation"}},
		{"R7.1_annual_excellent_advisor_for_a_year", year,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("88", 1, 5)}, {Employee: "lin", Appraisal: appr("55", 5, 5),
				Incidents: []policy.Incident{inc("c1", policy.ConfidentialityBreach, "2026-11-02 10:00")}}},
			[]string{"chen annual_excellent_advisor: certificate, bonus 20000, promotion_eligibility"}},
		{"R7.1_annual_excellent_advisor_not_for_a_month", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("88", 1, 5)}},
			[]string{}},
		{"R7.1_special_contribution_nominated", nov,
			[]policy.Facts{{Employee: "chen", Nominations: []policy.Nomination{{ID: "n1", Reason: "saved a fleet account", By: "lin"}}}},
			[]string{"chen special_contribution: bonus 5000, training_opportunity, trip"}},
		{"R7.1_special_contribution_not_without_nomination", nov,
			[]policy.Facts{{Employee: "chen"}},
			[]string{}},

		// ---- R6.4. ----
		{"R6.4_excellent_appraisal_commended", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("91", 2, 5)}},
			[]string{"chen excellent_appraisal: commendation"}},
		{"R6.4_failed_appraisal_interview_and_plan", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("59.99", 5, 5)}},
			[]string{"chen failed_appraisal: interview, improvement_plan"}},
		{"R6.4_passed_appraisal_nothing", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: appr("60", 5, 5)}},
			[]string{}},
		{"R6.4_two_consecutive_fails_terminable", nov,
			[]policy.Facts{{Employee: "chen", Appraisal: &policy.AppraisalFacts{Score: dec("50"), Grade: "fail", ConsecutiveFails: 2}}},
			[]string{"chen failed_appraisal: interview, improvement_plan", "chen two_consecutive_fails!: termination_eligibility"}},
		{"R6.4_no_appraisal_no_appraisal_rule", nov,
			[]policy.Facts{{Employee: "chen"}},
			[]string{}},
		{"R5.4_training_failed_retake", nov,
			[]policy.Facts{{Employee: "chen", Training: []policy.TrainingResult{{Course: "brakes", Outcome: policy.Failed},
				{Course: "tyres", Outcome: policy.Passed}}}},
			[]string{"chen training_failed: retake"}},
		{"R5.4_retake_failed_retraining", nov,
			[]policy.Facts{{Employee: "chen", Training: []policy.TrainingResult{{Course: "brakes", Outcome: policy.RetakeFailed}}},
				{Employee: "lin", Training: []policy.TrainingResult{{Course: "brakes", Outcome: policy.NeedsRetrain}}}},
			[]string{"chen retake_failed: retraining", "lin retake_failed: retraining"}},
		{"R5.4_training_passed_nothing", nov,
			[]policy.Facts{{Employee: "chen", Training: []policy.TrainingResult{{Course: "brakes", Outcome: policy.Excellent}}}},
			[]string{}},

		// ---- R7.2a: the attendance ladder. ----
		{"R7.2a_third_lateness_fined", nov, []policy.Facts{attendance("2026-11-03", "2026-11-10", "2026-11-24")},
			[]string{"chen attendance/l1: warning", "chen attendance/l2: warning", "chen attendance/l3: fine 500"}},
		{"R7.2a_fourth_and_later_fined_more", nov,
			[]policy.Facts{attendance("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06")},
			[]string{"chen attendance/l1: warning", "chen attendance/l2: warning", "chen attendance/l3: fine 500",
				"chen attendance/l4: fine 1000", "chen attendance/l5: fine 1000"}},
		{"R7.2a_window_of_exactly_30_days_counts", nov, []policy.Facts{attendance("2026-10-26", "2026-11-10", "2026-11-24")},
			[]string{"chen attendance/l2: warning", "chen attendance/l3: fine 500"}},
		{"R7.2a_31_days_apart_starts_again", nov, []policy.Facts{attendance("2026-10-25", "2026-11-10", "2026-11-24")},
			[]string{"chen attendance/l2: warning", "chen attendance/l3: warning"}},
		{"R7.2a_incidents_before_the_period_count_but_do_not_trigger", nov,
			[]policy.Facts{attendance("2026-10-20", "2026-10-28", "2026-11-01")},
			[]string{"chen attendance/l3: fine 500"}},
		{"R7.2a_incidents_after_the_period_ignored", nov, []policy.Facts{attendance("2026-12-01", "2026-11-30")},
			[]string{"chen attendance/l2: warning"}},
		{"R7.2a_kinds_counted_together", nov, []policy.Facts{{Employee: "chen", Incidents: []policy.Incident{
			inc("a", policy.Absent, "2026-11-02 09:00"), inc("b", policy.LeftEarly, "2026-11-03 17:00"), inc("c", policy.Late, "2026-11-04 09:05"),
			inc("q", policy.BadAttitude, "2026-11-04 10:00")}}},
			[]string{"chen attendance/a: warning", "chen attendance/b: warning", "chen attendance/c: fine 500", "chen conduct/q: demerit"}},

		// ---- R7.2b: the conduct ladder. ----
		{"R7.2b_conduct_demerit_then_demotion", nov, []policy.Facts{{Employee: "chen", Incidents: []policy.Incident{
			inc("q1", policy.CustomerQuarrel, "2026-03-05 10:00"), inc("q2", policy.ImageHarm, "2026-11-05 10:00")}}},
			[]string{"chen conduct/q2!: demotion"}},
		{"R7.2b_conduct_a_year_apart_starts_again", nov, []policy.Facts{{Employee: "chen", Incidents: []policy.Incident{
			inc("q1", policy.CustomerQuarrel, "2025-11-05 10:00"), inc("q2", policy.BadAttitude, "2026-11-05 10:00")}}},
			[]string{"chen conduct/q2: demerit"}},

		// ---- R7.2c: complaints and losses by bracket. ----
		{"R7.2c_complaint_without_loss_warned", nov, []policy.Facts{{Employee: "lin", Incidents: []policy.Incident{
			inc("c1", policy.Complaint, "2026-11-05 10:00"), inc("c2", policy.Complaint, "2026-11-06 10:00")}}},
			[]string{"lin complaint_warning: warning"}},
		{"R7.2c_complaint_with_loss_compensated_not_warned_twice", nov, []policy.Facts{{Employee: "lin", Incidents: []policy.Incident{
			inc("c1", policy.Complaint, "2026-11-05 10:00", "3000")}}},
			[]string{"lin loss_minor: compensation 300, warning"}},
		{"R7.2c_loss_rounded_half_up", nov, []policy.Facts{loss("5")}, []string{"lin loss_minor: compensation 1, warning"}},
		{"R7.2c_loss_10000_minor", nov, []policy.Facts{loss("10000")}, []string{"lin loss_minor: compensation 1000, warning"}},
		{"R7.2c_loss_10001_moderate", nov, []policy.Facts{loss("10001")}, []string{"lin loss_moderate: compensation 2000, demerit"}},
		{"R7.2c_loss_50000_moderate", nov, []policy.Facts{loss("50000")}, []string{"lin loss_moderate: compensation 10000, demerit"}},
		{"R7.2c_loss_50001_major", nov, []policy.Facts{loss("50001")}, []string{"lin loss_major!: compensation 15000, demotion"}},
		{"R7.2c_loss_200000_major", nov, []policy.Facts{loss("200000")}, []string{"lin loss_major!: compensation 60000, demotion"}},
		{"R7.2c_loss_200001_dismissal", nov, []policy.Facts{loss("200001")}, []string{"lin loss_severe!: compensation 60000, dismissal"}},
		{"R7.2c_losses_of_the_period_add_up", nov, []policy.Facts{{Employee: "lin", Incidents: []policy.Incident{
			inc("x0", policy.Loss, "2026-10-31 10:00", "90000"),
			inc("x1", policy.Loss, "2026-11-05 10:00", "6000"), inc("x2", policy.Negligence, "2026-11-20 10:00", "5000")}}},
			[]string{"lin loss_moderate: compensation 2200, demerit"}},

		// ---- R7.2d. ----
		{"R7.2d_confidentiality_breach_dismissal_and_legal_action", nov, []policy.Facts{{Employee: "chen", Incidents: []policy.Incident{
			inc("s1", policy.ConfidentialityBreach, "2026-11-05 10:00")}}},
			[]string{"chen confidentiality_breach!: dismissal, legal_action"}},
		{"R7.2d_breach_before_the_period_not_again", nov, []policy.Facts{{Employee: "chen", Incidents: []policy.Incident{
			inc("s1", policy.ConfidentialityBreach, "2026-10-31 23:59")}}},
			[]string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, summary(evaluate(t, policy.Default("TWD"), c.period, c.facts...)))
		})
	}
}

// A proposal carries the policy, its version, the rule, the period, the
// facts read and a key that the same inputs always give.
func TestEvaluate_proposal(t *testing.T) {
	p := policy.Default("TWD")
	p.Version = 7
	facts := policy.Facts{Employee: "chen/2", Appraisal: appr("55", 5, 5), Incidents: []policy.Incident{
		inc("late 1", policy.Late, "2026-11-03 09:10")}}
	props := evaluate(t, p, nov, facts)
	require.Equal(t, []string{"chen/2 failed_appraisal: interview, improvement_plan", "chen/2 attendance/late 1: warning"}, summary(props))
	got := props[1]
	assert.Equal(t, "default/attendance/chen%2F2/2026-11/late%201", got.Key)
	assert.Equal(t, "default", got.PolicyID)
	assert.Equal(t, 7, got.PolicyVersion)
	assert.Equal(t, []string{"R7.2a"}, got.Cites)
	assert.Equal(t, "Late, left early or absent", got.Title.EN)
	assert.Equal(t, nov, got.Period)
	assert.Equal(t, 1, got.Offence)
	assert.Equal(t, "TWD", got.Currency)
	assert.Equal(t, []policy.FactValue{{Name: "incidents[late,left_early,absent] within 30 days", Value: "1: late 1 late 2026-11-03"}}, got.Used)
	assert.Equal(t, "default/failed_appraisal/chen%2F2/2026-11", props[0].Key)
	assert.Equal(t, []policy.FactValue{{Name: "appraisal.failed", Value: "true"}}, props[0].Used)

	// A new version of the policy gives the same keys.
	p.Version = 8
	again := evaluate(t, p, nov, facts)
	assert.Equal(t, props[1].Key, again[1].Key)
	assert.Equal(t, 8, again[1].PolicyVersion)
}

// An employee without an appraisal: every test of it is unknown, even
// under a not; rules that do not read it still fire.
func TestEvaluate_noAppraisal(t *testing.T) {
	p := testPolicy(t, `
  - id: not_failed
    title: {en: N, zh: N}
    period: month
    when: {not: {fact: {name: appraisal.failed}}}
    then: [{kind: commendation}]
  - id: any_known
    title: {en: A, zh: A}
    period: month
    when: {any: [{fact: {name: appraisal.failed}}, {fact: {name: nominations, op: ">=", value: 1}}]}
    then: [{kind: commendation}]
  - id: all_unknown
    title: {en: B, zh: B}
    period: month
    when: {all: [{rank: {top: 3}}, {fact: {name: nominations, op: ">=", value: 1}}]}
    then: [{kind: commendation}]
`)
	props := evaluate(t, p, nov,
		policy.Facts{Employee: "chen", Nominations: []policy.Nomination{{ID: "n", Reason: "r"}}},
		policy.Facts{Employee: "lin", Appraisal: appr("70", 3, 3)})
	assert.Equal(t, []string{"chen any_known: commendation", "lin not_failed: commendation"}, summary(props))
	assert.Equal(t, []policy.FactValue{{Name: "appraisal.failed", Missing: true}, {Name: "nominations", Value: "1"}}, props[0].Used)
}

// testPolicy is a policy in TWD with 0 places and the rules given as YAML
// list items.
func testPolicy(t testing.TB, rules string) *policy.Policy {
	t.Helper()
	p, err := policy.Load("test.yaml", []byte("id: test\nversion: 1\ncurrency: TWD\nplaces: 0\nrules:"+rules))
	require.NoError(t, err)
	return p
}

func TestEvaluate_count(t *testing.T) {
	p := testPolicy(t, `
  - id: third_late
    cites: [R7.2a]
    title: {en: T, zh: T}
    period: month
    when: {count: {incidents: [late], within_days: 7, at_least: 3}}
    then: [{kind: fine, amount: 100}]
`)
	for _, c := range []struct {
		name string
		days []string
		want bool
	}{
		{"R7.2a_three_in_7_days", []string{"2026-11-01", "2026-11-04", "2026-11-07"}, true},
		{"R7.2a_three_in_8_days_not", []string{"2026-11-01", "2026-11-04", "2026-11-08"}, false},
		{"R7.2a_window_ends_inside_the_period", []string{"2026-10-28", "2026-10-30", "2026-11-02"}, true},
		{"R7.2a_window_all_before_the_period_not", []string{"2026-10-28", "2026-10-29", "2026-10-30"}, false},
		{"R7.2a_same_day", []string{"2026-11-05", "2026-11-05", "2026-11-05"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := policy.Facts{Employee: "chen"}
			for i, d := range c.days {
				f.Incidents = append(f.Incidents, inc(string(rune('a'+i)), policy.Late, d+" 09:00"))
			}
			assert.Equal(t, c.want, len(evaluate(t, p, nov, f)) == 1)
		})
	}
}

// The period and the days of a window are the dealer's: 00:30 on 1
// November in Taipei is 31 October in UTC.
func TestEvaluate_timeZone(t *testing.T) {
	f := policy.Facts{Employee: "chen", Incidents: []policy.Incident{{ID: "a", Kind: policy.ConfidentialityBreach,
		At: time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC)}}}
	p := policy.Default("TWD")
	props, err := p.Evaluate(policy.Input{Period: nov, Location: taipei, Facts: []policy.Facts{f}})
	require.NoError(t, err)
	assert.Len(t, props, 1)
	props, err = p.Evaluate(policy.Input{Period: nov, Facts: []policy.Facts{f}}) // UTC
	require.NoError(t, err)
	assert.Empty(t, props)
}

func TestEvaluate_compensation(t *testing.T) {
	p := testPolicy(t, `
  - id: comp
    title: {en: C, zh: C}
    period: month
    when: {amount: {incidents: [loss]}}
    then:
      - kind: compensation
        compensation:
          of: [loss]
          brackets:
            - {above: 0, at_most: 1000, amount: 800}
            - {above: 1000, at_most: 5000, amount: 1000}
            - {above: 5000, percent: 12.5}
`)
	for _, c := range []struct{ loss, want string }{
		{"500", "500"},   // the fixed 800 is more than the loss
		{"800", "800"},   // exactly
		{"1000", "800"},  // the bracket's top
		{"1001", "1000"}, // the next bracket
		{"5004", "626"},  // 625.5 half up
		{"5003", "625"},  // 625.375
	} {
		t.Run("R7.2c_loss_"+c.loss, func(t *testing.T) {
			props := evaluate(t, p, nov, policy.Facts{Employee: "lin", Incidents: []policy.Incident{inc("x", policy.Loss, "2026-11-06 10:00", c.loss)}})
			require.Len(t, props, 1)
			assert.Equal(t, c.want, props[0].Actions[0].Amount.String())
			assert.Nil(t, props[0].Actions[0].Compensation, "a proposal's explanation names the bracket")
		})
	}
	// Places left out are 2: a percent of a loss rounds to cents.
	p.Places = nil
	props := evaluate(t, p, nov, policy.Facts{Employee: "lin", Incidents: []policy.Incident{inc("x", policy.Loss, "2026-11-06 10:00", "5000.05")}})
	assert.Equal(t, "625.01", props[0].Actions[0].Amount.String()) // 625.00625
	assert.Equal(t, "compensation TWD 625.01 (12.5% of the loss of TWD 5,000.05)", props[0].Explanation.Actions[0].Text(org.English))
}

// Awards: the winners by the policy's keys, then employee ID; the
// explanation says when a tie was broken, and by what.
func TestEvaluate_award(t *testing.T) {
	p := testPolicy(t, `
  - id: best
    cites: [R7.1]
    title: {en: B, zh: B}
    period: month
    when: {rank: {top: 3}}
    then: [{kind: certificate}]
    award:
      winners: 2
      tie_break:
        - {fact: appraisal.score, order: desc}
        - {fact: incidents.complaint, order: asc}
`)
	tied := func(id org.EmployeeID, score string, complaints int) policy.Facts {
		f := policy.Facts{Employee: id, Appraisal: appr(score, 1, 9)}
		for i := range complaints {
			f.Incidents = append(f.Incidents, inc(string(rune('a'+i)), policy.Complaint, "2026-11-03 10:00"))
		}
		return f
	}
	for _, c := range []struct {
		name  string
		facts []policy.Facts
		want  []string // winners, each with its last reason
	}{
		{"R7.1_chosen_by_the_first_key", []policy.Facts{tied("a", "95", 0), tied("b", "94", 0), tied("c", "93", 0)},
			[]string{"a: chosen over c by appraisal score, highest first", "b: chosen over c by appraisal score, highest first"}},
		{"R7.1_tie_broken_by_the_second_key", []policy.Facts{tied("a", "95", 0), tied("b", "94", 1), tied("c", "94", 0)},
			[]string{"a: chosen over b by appraisal score, highest first",
				"c: tied with b on appraisal score 94, broken by complaint incidents in the period, lowest first"}},
		{"R7.1_tie_broken_by_employee_id", []policy.Facts{tied("d", "94", 0), tied("a", "95", 0), tied("c", "94", 0), tied("b", "94", 0)},
			[]string{"a: chosen over c, d by appraisal score, highest first",
				"b: tied with c, d on appraisal score 94 and complaint incidents in the period 0, broken by employee ID, in order"}},
		{"R7.1_fewer_candidates_than_winners", []policy.Facts{tied("a", "95", 0)},
			[]string{"a: 1st of 1 meeting the condition, 2 awarded"}},
		{"R7.1_nobody_meets_the_condition", []policy.Facts{{Employee: "a"}}, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := []string{}
			for _, pr := range evaluate(t, p, nov, c.facts...) {
				rs := pr.Explanation.Reasons
				got = append(got, string(pr.Employee)+": "+rs[len(rs)-1].Text(org.English))
			}
			assert.Equal(t, c.want, got)
		})
	}
	// Without keys the employee ID alone would choose: the policy must
	// say how it chooses, so it is refused.
	p.Rules[0].Award = &policy.Award{Winners: 1}
	_, err := p.Evaluate(policy.Input{Period: nov, Facts: []policy.Facts{tied("b", "90", 0), tied("a", "80", 0)}})
	_, ok := org.FieldErrorOf(err, "rules[0].award.tie_break")
	assert.True(t, ok, "%v", err)
}

func TestEvaluate_badInput(t *testing.T) {
	p := policy.Default("TWD")
	_, err := p.Evaluate(policy.Input{Period: policy.Period{Year: 2026, Month: 13}, Facts: []policy.Facts{
		{Employee: "chen", Appraisal: &policy.AppraisalFacts{Score: dec("101"), Passed: true, Rank: 4, Ranked: 3, ConsecutiveFails: 1},
			Training: []policy.TrainingResult{{Course: "x", Outcome: "aced"}},
			Incidents: []policy.Incident{{ID: "a", Kind: policy.Late, At: at("2026-11-01 09:00")}, {ID: "a", Kind: "tardy"},
				{ID: "", Kind: policy.Loss, At: at("2026-11-01 09:00"), Amount: dec("-1")}, {ID: "b", Kind: policy.Loss, At: at("2026-11-01 09:00"), Amount: dec("0.5")}}},
		{Employee: "chen"}, {},
	}})
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "policy: evaluate", ve.Op)
	var got []string
	for _, f := range ve.Fields {
		got = append(got, f.Path+" "+f.Code)
	}
	assert.Equal(t, []string{
		"period out_of_range",
		"facts[0].appraisal.score out_of_range",
		"facts[0].appraisal.rank out_of_range",
		"facts[0].appraisal.consecutive_fails invalid",
		"facts[0].training[0].outcome unknown_value",
		"facts[0].incidents[1].id duplicate",
		"facts[0].incidents[1].kind unknown_value",
		"facts[0].incidents[1].at required",
		"facts[0].incidents[2].id required",
		"facts[0].incidents[2].amount out_of_range",
		"facts[0].incidents[3].amount out_of_range",
		"facts[1].employee duplicate",
		"facts[2].employee required",
	}, got)

	// An invalid policy is refused with its own problems.
	p.Currency = ""
	_, err = p.Evaluate(policy.Input{Period: nov})
	_, ok := org.FieldErrorOf(err, "currency")
	assert.True(t, ok, "%v", err)
}

// Output is sorted by employee, then rule order, then offence.
func TestEvaluate_order(t *testing.T) {
	props := evaluate(t, policy.Default("TWD"), nov,
		policy.Facts{Employee: "wang", Incidents: []policy.Incident{inc("b", policy.Late, "2026-11-04 09:00"), inc("a", policy.Late, "2026-11-04 09:00")}},
		policy.Facts{Employee: "chen", Appraisal: appr("50", 3, 3), Nominations: []policy.Nomination{{ID: "n"}}},
	)
	assert.Equal(t, []string{
		"chen special_contribution: bonus 5000, training_opportunity, trip",
		"chen failed_appraisal: interview, improvement_plan",
		"wang attendance/a: warning", // the same instant: by ID
		"wang attendance/b: warning",
	}, summary(props))
}

// A policy is read, never changed, by Evaluate: one policy serves many
// evaluations at once.
func TestEvaluate_concurrent(t *testing.T) {
	p := policy.Default("TWD")
	want := summary(evaluate(t, p, nov, explainMonth()...))
	done := make(chan []string)
	for range 4 {
		go func() {
			props, err := p.Evaluate(policy.Input{Period: nov, Location: taipei, Facts: explainMonth()})
			if err != nil {
				done <- []string{err.Error()}
				return
			}
			done <- summary(props)
		}()
	}
	for range 4 {
		assert.Equal(t, want, <-done)
	}
}
