package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

// Names of this file start with ga: the package's other tests share it.

// The stores are the readers the adapters take.
var (
	_ monthend.AppraisalReader = appraisal.Store(nil)
	_ monthend.AppraisalReader = memstore.AppraisalStore{}
	_ monthend.TrainingReader  = training.Store(nil)
	_ monthend.TrainingReader  = memstore.TrainingStore{}
)

// gaMonth writes a month's appraisal cycle in state st with the results:
// employee, final score, grade, pass, excellent, rank, run of fails.
func gaMonth(t *testing.T, s appraisal.Store, m org.Month, st appraisal.CycleState, rows ...gaRow) {
	t.Helper()
	c := appraisal.Change{Cycles: []appraisal.Cycle{{DealerID: "d1", Month: m, State: st, Version: 1}}}
	for _, r := range rows {
		res := appraisal.Result{Employee: r.e, Score: svDec(r.score), Grade: r.grade, Pass: r.pass, Excellent: r.excellent}
		c.Appraisals = append(c.Appraisals, appraisal.Appraisal{DealerID: "d1", Month: m, Computed: res, Final: res, Rank: r.rank,
			ConsecutiveFails: r.fails, Version: 1})
	}
	require.NoError(t, s.Commit(t.Context(), "d1", c))
}

type gaRow struct {
	e               org.EmployeeID
	score, grade    string
	pass, excellent bool
	rank, fails     int
}

// gaSameAppraisal compares appraisal facts, the score by value.
func gaSameAppraisal(t *testing.T, want, got *policy.AppraisalFacts, msg ...any) {
	t.Helper()
	require.NotNil(t, got, msg...)
	assert.True(t, want.Score.Equal(got.Score), "score %s, want %s", got.Score, want.Score)
	w, g := *want, *got
	w.Score, g.Score = decimal.Zero, decimal.Zero
	assert.Equal(t, w, g, msg...)
}

func gaFacts(t *testing.T, src policy.FactSource, p policy.Period) map[org.EmployeeID]policy.Facts {
	t.Helper()
	fs, err := src.Facts(t.Context(), "d1", policy.FactQuery{Period: p, Location: svTaipei})
	require.NoError(t, err)
	out := map[org.EmployeeID]policy.Facts{}
	for _, f := range fs {
		_, dup := out[f.Employee]
		require.False(t, dup, "one Facts per employee")
		out[f.Employee] = f
	}
	return out
}

func TestGather_AppraisalMonth(t *testing.T) {
	t.Parallel()
	s := memstore.New().Appraisal()
	nov, oct := org.Month{Year: 2026, Month: time.November}, org.Month{Year: 2026, Month: time.October}
	gaMonth(t, s, nov, appraisal.CycleFinalized,
		gaRow{"chen", "92.5", "A", true, true, 1, 0},
		gaRow{"huang", "70", "C", true, false, 2, 0},
		gaRow{"wang", "55", "F", false, false, 3, 2},
		gaRow{"ghost", "0", "", false, false, 4, 0}) // nothing scored: no grade
	gaMonth(t, s, oct, appraisal.CycleScored, gaRow{"chen", "99", "A", true, true, 1, 0})

	got := gaFacts(t, monthend.AppraisalFacts(s), svNov)
	require.Len(t, got, 3, "the month without a grade is no appraisal")
	gaSameAppraisal(t, &policy.AppraisalFacts{Score: svDec("92.5"), Grade: "A", Passed: true, Excellent: true, Rank: 1, Ranked: 4},
		got["chen"].Appraisal)
	gaSameAppraisal(t, &policy.AppraisalFacts{Score: svDec("55"), Grade: "F", Rank: 3, Ranked: 4, ConsecutiveFails: 2}, got["wang"].Appraisal)

	t.Run("R6.2_only_final_results_count", func(t *testing.T) {
		assert.Empty(t, gaFacts(t, monthend.AppraisalFacts(s), policy.MonthPeriod(oct)), "a scored month may still be calibrated")
		assert.Empty(t, gaFacts(t, monthend.AppraisalFacts(s), policy.MonthPeriod(org.Month{Year: 2026, Month: time.May})), "no cycle")
	})
	t.Run("bad_period", func(t *testing.T) {
		_, err := monthend.AppraisalFacts(s).Facts(t.Context(), "d1", policy.FactQuery{Period: policy.Period{Month: 3}})
		require.ErrorIs(t, err, policy.ErrInvalid)
	})
}

// TestGather_AppraisalYear: a year's score is the mean of the final
// monthly scores, ranked; pass and the run of fails are the last month's.
func TestGather_AppraisalYear(t *testing.T) {
	t.Parallel()
	s := memstore.New().Appraisal()
	m := func(month time.Month) org.Month { return org.Month{Year: 2026, Month: month} }
	gaMonth(t, s, m(time.March), appraisal.CycleFinalized,
		gaRow{"chen", "90", "A", true, true, 2, 0}, gaRow{"wang", "60", "C", true, false, 3, 0}, gaRow{"huang", "95", "A", true, true, 1, 0})
	gaMonth(t, s, m(time.June), appraisal.CyclePublished,
		gaRow{"chen", "80", "B", true, false, 2, 0}, gaRow{"wang", "100", "A", true, true, 1, 0})
	gaMonth(t, s, m(time.November), appraisal.CycleFinalized,
		gaRow{"wang", "49.99", "F", false, false, 1, 1})
	gaMonth(t, s, m(time.December), appraisal.CycleOpen, gaRow{"chen", "0", "F", false, false, 1, 1})

	got := gaFacts(t, monthend.AppraisalFacts(s), policy.YearPeriod(2026))
	require.Len(t, got, 3)
	// huang 95; chen (90+80)/2 = 85; wang (60+100+49.99)/3 = 69.996... = 70.00
	gaSameAppraisal(t, &policy.AppraisalFacts{Score: svDec("95"), Grade: "A", Passed: true, Excellent: true, Rank: 1, Ranked: 3}, got["huang"].Appraisal)
	gaSameAppraisal(t, &policy.AppraisalFacts{Score: svDec("85"), Grade: "B", Passed: true, Rank: 2, Ranked: 3}, got["chen"].Appraisal,
		"excellent only when every month was")
	w := got["wang"].Appraisal
	assert.True(t, w.Score.Equal(svDec("70")), w.Score.String())
	assert.Equal(t, 3, w.Rank)
	assert.False(t, w.Passed, "the year ends with a failing month")
	assert.Equal(t, 1, w.ConsecutiveFails)
	assert.Empty(t, gaFacts(t, monthend.AppraisalFacts(s), policy.YearPeriod(2025)))
}

// gaTraining writes plans and progress records.
func gaTraining(t *testing.T, s training.Store, plans []training.Plan, ps ...training.Progress) {
	t.Helper()
	for i := range plans {
		plans[i].DealerID, plans[i].Version = "d1", 1
	}
	for i := range ps {
		ps[i].DealerID, ps[i].Version = "d1", 1
	}
	require.NoError(t, s.Commit(t.Context(), "d1", training.Change{Plans: plans, Progress: ps}))
}

func gaCourse(id string, maxAttempts int, excellent string) training.Course {
	return training.Course{ID: id, Assessment: training.Assessment{Kind: training.KindExam, PassMark: svDec("60"),
		Excellent: svDec(excellent), MaxAttempts: maxAttempts, RetakeWindowDays: 14, Counts: training.CountHighest}}
}

func gaAttempt(score string, passed bool, when string) training.Attempt {
	return training.Attempt{Score: svDec(score), Passed: passed, At: svAt(when).UTC()}
}

func TestGather_Training(t *testing.T) {
	t.Parallel()
	s := memstore.New().Training()
	gaTraining(t, s, []training.Plan{
		{Year: 2025, Courses: []training.Course{gaCourse("old", 2, "90")}},
		{Year: 2026, Courses: []training.Course{gaCourse("diag", 2, "90"), gaCourse("ev", 3, "95")}},
	},
		// excellent: passed at or above the mark.
		training.Progress{Year: 2026, CourseID: "diag", Employee: "chen", Standing: training.Passed,
			Attempts: []training.Attempt{gaAttempt("95", true, "2026-11-05 10:00")}},
		// a fail passed at its retake in the same month: passed.
		training.Progress{Year: 2026, CourseID: "diag", Employee: "wang", Standing: training.Passed,
			Attempts: []training.Attempt{gaAttempt("40", false, "2026-11-03 10:00"), gaAttempt("75", true, "2026-11-15 10:00")}},
		// a first fail: a retake is due.
		training.Progress{Year: 2026, CourseID: "diag", Employee: "huang", Standing: training.RetakeDue,
			Attempts: []training.Attempt{gaAttempt("40", false, "2026-11-03 10:00")}},
		// a failed retake with another due (three attempts).
		training.Progress{Year: 2026, CourseID: "ev", Employee: "huang", Standing: training.RetakeDue,
			Attempts: []training.Attempt{gaAttempt("30", false, "2026-10-01 10:00"), gaAttempt("35", false, "2026-11-10 10:00")}},
		// the round's last attempt failed: retraining.
		training.Progress{Year: 2026, CourseID: "ev", Employee: "wang", Standing: training.RetrainingRequired,
			Attempts: []training.Attempt{gaAttempt("50", false, "2026-10-02 10:00"), gaAttempt("50", false, "2026-10-16 10:00"),
				gaAttempt("50", false, "2026-11-02 10:00")}},
		// a retrained employee's new round: its first fail is a fail; the
		// earlier round ended in July.
		training.Progress{Year: 2026, CourseID: "ev", Employee: "chen", Standing: training.RetakeDue,
			Earlier: []training.Attempt{gaAttempt("10", false, "2026-07-01 10:00"), gaAttempt("20", false, "2026-07-10 10:00"),
				gaAttempt("30", false, "2026-07-20 10:00")},
			Attempts: []training.Attempt{gaAttempt("40", false, "2026-11-04 10:00")}},
		// last year's course retaken, and failed, in January.
		training.Progress{Year: 2025, CourseID: "old", Employee: "huang", Standing: training.RetrainingRequired,
			Attempts: []training.Attempt{gaAttempt("40", false, "2025-12-20 10:00"), gaAttempt("45", false, "2026-01-05 10:00")}},
		// an attempt at 00:30 on 1 December in Taipei is December's, though
		// it is still 30 November in UTC.
		training.Progress{Year: 2026, CourseID: "diag", Employee: "lin", Standing: training.Passed,
			Attempts: []training.Attempt{gaAttempt("70", true, "2026-12-01 00:30")}},
	)
	src := monthend.TrainingFacts(s)
	outcomes := func(p policy.Period) map[org.EmployeeID][]policy.TrainingResult {
		out := map[org.EmployeeID][]policy.TrainingResult{}
		for e, f := range gaFacts(t, src, p) {
			out[e] = f.Training
		}
		return out
	}
	tr := func(course string, o policy.Outcome) policy.TrainingResult {
		return policy.TrainingResult{Course: course, Outcome: o}
	}
	assert.Equal(t, map[org.EmployeeID][]policy.TrainingResult{
		"chen":  {tr("diag", policy.Excellent), tr("ev", policy.Failed)},
		"huang": {tr("diag", policy.Failed), tr("ev", policy.RetakeFailed)},
		"wang":  {tr("diag", policy.Passed), tr("ev", policy.NeedsRetrain)},
	}, outcomes(svNov))
	assert.Equal(t, map[org.EmployeeID][]policy.TrainingResult{"chen": {tr("ev", policy.NeedsRetrain)}},
		outcomes(policy.MonthPeriod(org.Month{Year: 2026, Month: time.July})), "an earlier round's last fail")
	assert.Equal(t, map[org.EmployeeID][]policy.TrainingResult{"huang": {tr("old", policy.NeedsRetrain)}},
		outcomes(policy.MonthPeriod(org.Month{Year: 2026, Month: time.January})), "last year's course retaken")
	assert.Equal(t, map[org.EmployeeID][]policy.TrainingResult{"lin": {tr("diag", policy.Passed)}},
		outcomes(policy.MonthPeriod(org.Month{Year: 2026, Month: time.December})), "months in the dealer's zone")
	year := outcomes(policy.YearPeriod(2026))
	assert.Equal(t, []policy.TrainingResult{tr("diag", policy.Excellent), tr("ev", policy.Failed)}, year["chen"], "a year: each course's last attempt")
	assert.Equal(t, []policy.TrainingResult{tr("old", policy.NeedsRetrain), tr("diag", policy.Failed), tr("ev", policy.RetakeFailed)}, year["huang"])
}

func TestGather_Combine(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	src := func(fs ...policy.Facts) policy.FactSource {
		return policy.FactFunc(func(context.Context, org.DealerID, policy.FactQuery) ([]policy.Facts, error) { return fs, nil })
	}
	a := &policy.AppraisalFacts{Score: svDec("80"), Grade: "B", Passed: true}
	combined := policy.Combine(
		src(policy.Facts{Employee: "wang", Appraisal: a}, policy.Facts{Employee: "chen", Training: []policy.TrainingResult{{Course: "c", Outcome: policy.Passed}}}),
		nil,
		src(policy.Facts{Employee: "chen", Appraisal: a, Incidents: []policy.Incident{{ID: "i", Kind: policy.Late, At: svAt("2026-11-02 09:00")}}}),
	)
	fs, err := combined.Facts(ctx, "d1", policy.FactQuery{Period: svNov})
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, org.EmployeeID("chen"), fs[0].Employee, "ordered by employee")
	assert.Equal(t, a, fs[0].Appraisal)
	assert.Len(t, fs[0].Training, 1)
	assert.Len(t, fs[0].Incidents, 1)

	_, err = policy.Combine(src(policy.Facts{Employee: "chen", Appraisal: a}), src(policy.Facts{Employee: "chen", Appraisal: a})).
		Facts(ctx, "d1", policy.FactQuery{Period: svNov})
	require.ErrorIs(t, err, policy.ErrInvalid, "two appraisals of one employee")
	_, err = policy.Combine(src(policy.Facts{})).Facts(ctx, "d1", policy.FactQuery{Period: svNov})
	require.ErrorIs(t, err, policy.ErrInvalid, "facts of no one")
	broken := errors.New("appraisal down")
	_, err = policy.Combine(policy.FactFunc(func(context.Context, org.DealerID, policy.FactQuery) ([]policy.Facts, error) {
		return nil, broken
	})).Facts(ctx, "d1", policy.FactQuery{Period: svNov})
	require.ErrorIs(t, err, broken)
}

// TestService_EvaluateWithFacts evaluates a month with the appraisal's and
// training's results, through the stores a host keeps them in.
func TestService_EvaluateWithFacts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	mem := memstore.New()
	w := svNew(t, policy.Combine(monthend.AppraisalFacts(mem.Appraisal()), monthend.TrainingFacts(mem.Training())))
	gaMonth(t, mem.Appraisal(), org.Month{Year: 2026, Month: time.November}, appraisal.CycleFinalized,
		gaRow{"chen", "95", "A", true, true, 1, 0},
		gaRow{"huang", "70", "C", true, false, 2, 0},
		gaRow{"wang", "50", "F", false, false, 3, 2})
	gaTraining(t, mem.Training(), []training.Plan{{Year: 2026, Courses: []training.Course{gaCourse("diag", 2, "90")}}},
		training.Progress{Year: 2026, CourseID: "diag", Employee: "huang", Standing: training.RetakeDue,
			Attempts: []training.Attempt{gaAttempt("40", false, "2026-11-03 10:00")}})
	w.save(svDefault(1))
	res := w.evaluate(svNov)
	assert.Equal(t, []string{
		"default/excellent_appraisal/chen/2026-11 proposed v1 commendation",
		"default/failed_appraisal/wang/2026-11 proposed v1 interview improvement_plan",
		"default/monthly_excellent_advisor/chen/2026-11 proposed v1 certificate bonus:3000",
		"default/training_failed/huang/2026-11 proposed v1 retake",
		"default/two_consecutive_fails/wang/2026-11 proposed v1 termination_eligibility",
	}, svSummary(res.Decisions))

	t.Run("R6.4_termination_needs_a_reason", func(t *testing.T) {
		key := "default/two_consecutive_fails/wang/2026-11"
		_, err := w.svc.Approve(ctx, "d1", svLin, policy.DecideInput{Key: key})
		require.ErrorIs(t, err, policy.ErrInvalid)
		d, err := w.svc.Approve(ctx, "d1", svLin, policy.DecideInput{Key: key, Reason: "second failing month; HR informed"})
		require.NoError(t, err)
		assert.True(t, d.Proposal.NeedsApproval)
	})
	t.Run("facts_used_recorded", func(t *testing.T) {
		d, err := w.svc.Decision(ctx, "d1", svAdmin, "default/monthly_excellent_advisor/chen/2026-11")
		require.NoError(t, err)
		assert.Contains(t, d.Proposal.Used, policy.FactValue{Name: "appraisal.score", Value: "95"})
		assert.NotEmpty(t, d.Proposal.Explanation.Text(org.TraditionalChinese))
	})
}
