package training_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

func TestReports_R5_4_results_count(t *testing.T) {
	f := newFixture(t)
	f.approved(t)
	f.session(t, "s1", "diag", feb10, 10)
	f.attended(t, "s1", "chen", "wang")
	_, err := f.exam("s1", "chen", "95")
	require.NoError(t, err)
	_, err = f.exam("s1", "wang", "40")
	require.NoError(t, err)

	t.Run("R5.4_employee_year", func(t *testing.T) {
		r, err := f.svc.Report(f.ctx, "d1", host, "wang", 2027)
		require.NoError(t, err)
		assert.True(t, r.Hours.Equal(dec("4")))
		assert.Equal(t, 0, r.CoursesCompleted)
		assert.Equal(t, []string{"diag"}, r.Retakes)
		c, err := f.svc.Report(f.ctx, "d1", host, "chen", 2027)
		require.NoError(t, err)
		assert.Equal(t, 1, c.CoursesCompleted)
		assert.True(t, c.PassRate.Equal(dec("1")))
		assert.Equal(t, []string{"diag"}, c.Commended)
	})
	t.Run("R5.1_plan_completion", func(t *testing.T) {
		pc, err := f.svc.Completion(f.ctx, "d1", host, 2027)
		require.NoError(t, err)
		require.Len(t, pc.Courses, 3)
		assert.Equal(t, training.CourseCompletion{CourseID: "diag", Mandatory: true, Targeted: 3, Completed: 1}, pc.Courses[0])
		assert.Equal(t, 1, pc.Courses[2].Targeted, "named employees")
		assert.True(t, pc.Rate.Equal(dec("0.1429")), "%s", pc.Rate) // 1 of 3+3+1
	})
	t.Run("R5.4_measurer_feeds_the_appraisal", func(t *testing.T) {
		_, err := f.svc.Retake(f.ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: ptr(dec("70"))}})
		require.NoError(t, err)
		rs, err := f.svc.ResultSource().MonthResults(f.ctx, "d1", org.Month{Year: 2027, Month: time.February})
		require.NoError(t, err)
		require.Len(t, rs, 2, "no assessment (huang): not listed, never zero")
		assert.Equal(t, org.EmployeeID("chen"), rs[0].Employee)
		assert.True(t, rs[0].Score.Equal(dec("95")))
		assert.Equal(t, org.EmployeeID("wang"), rs[1].Employee)
		assert.True(t, rs[1].Score.Equal(dec("70")), "highest counts")
		assert.True(t, rs[1].PassRate.Equal(dec("0.5")))
		assert.Equal(t, 2, rs[1].Attempts)
		none, err := f.svc.ResultSource().MonthResults(f.ctx, "d1", org.Month{Year: 2027, Month: time.March})
		require.NoError(t, err)
		assert.Empty(t, none)
	})
}

func TestCareer_R5_5(t *testing.T) {
	f := newFixture(t)
	f.approved(t)
	t.Run("R5.5_the_supervisor_advises", func(t *testing.T) {
		cr, err := f.svc.Advise(f.ctx, "d1", lin, training.CareerInput{Employee: "chen", Note: "ready for senior advisor next year",
			Goals: []training.Goal{{Text: "Diagnosis L1", Due: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}}})
		require.NoError(t, err)
		assert.Len(t, cr.Notes, 1)
		assert.Len(t, cr.Goals, 1)
	})
	t.Run("R5.5_an_advisor_gives_no_advice", func(t *testing.T) {
		_, err := f.svc.Advise(f.ctx, "d1", wang, training.CareerInput{Employee: "chen", Note: "x"})
		require.ErrorIs(t, err, training.ErrForbidden)
	})
	t.Run("R5.5_empty_advice_refused", func(t *testing.T) {
		_, err := f.svc.Advise(f.ctx, "d1", lin, training.CareerInput{Employee: "chen"})
		require.ErrorIs(t, err, training.ErrInvalid)
	})
	t.Run("R5.5_certificates_expiring_within_n_days", func(t *testing.T) {
		f.session(t, "s1", "diag", feb10, 10)
		f.attended(t, "s1", "chen")
		_, err := f.exam("s1", "chen", "80")
		require.NoError(t, err)
		cr, err := f.store.Training().Career(f.ctx, "d1", "chen")
		require.NoError(t, err)
		assert.Len(t, cr.Notes, 1, "the certificate keeps the notes")
		soon, err := f.svc.ExpiringWithin(f.ctx, "d1", host, 30)
		require.NoError(t, err)
		assert.Empty(t, soon)
		f.clock.Advance(340 * 24 * time.Hour)
		soon, err = f.svc.ExpiringWithin(f.ctx, "d1", host, 30)
		require.NoError(t, err)
		require.Len(t, soon, 1)
		assert.Equal(t, org.EmployeeID("chen"), soon[0].Employee)
		f.clock.Advance(30 * 24 * time.Hour)
		soon, err = f.svc.ExpiringWithin(f.ctx, "d1", host, 30)
		require.NoError(t, err)
		assert.Empty(t, soon, "expired ones are not listed")
	})
}
