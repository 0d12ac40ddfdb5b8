package training_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

func TestAssess_R5_4(t *testing.T) {
	f := newFixture(t)
	f.approved(t)
	f.session(t, "s1", "diag", feb10, 10)
	for _, e := range []org.EmployeeID{"chen", "wang", "huang"} {
		_, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: "s1", Employee: e})
		require.NoError(t, err)
	}
	t.Run("R5.4_no_assessment_before_the_session_took_place", func(t *testing.T) {
		f.clock.Set(feb10.Add(time.Hour))
		_, err := f.exam("s1", "chen", "80")
		require.ErrorIs(t, err, training.ErrInvalidTransition)
	})
	f.present(t, "s1", "chen", "wang", "huang")
	cases := []struct {
		name     string
		employee org.EmployeeID
		score    string
		want     error
		standing training.Standing
	}{
		{"R5.4_no_result_for_someone_not_on_the_roster", "ghost", "80", training.ErrInvalid, ""},
		{"R2.2_no_result_for_someone_outside_the_supervisor's_scope", "wu", "80", training.ErrForbidden, ""},
		{"R5.4_score_out_of_range", "chen", "101", training.ErrInvalid, ""},
		{"R5.4_score_in_hundredths_no_rounding_to_a_pass", "wang", "59.995", training.ErrInvalid, ""},
		{"R5.4_excellent_result_is_commended", "chen", "95", nil, training.Passed},
		{"R5.4_one_result_per_session", "chen", "95", training.ErrInvalid, ""},
		{"R5.4_fail_schedules_a_retake", "wang", "40", nil, training.RetakeDue},
		{"R5.4_pass_mark_passes", "huang", "60", nil, training.Passed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := f.exam("s1", c.employee, c.score)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.standing, p.Standing)
		})
	}
	ps, err := f.store.Training().Progress(f.ctx, "d1", 2027, "")
	require.NoError(t, err)
	require.Len(t, ps, 3)
	assert.True(t, ps[0].Commended, "chen")
	assert.False(t, ps[1].Commended, "huang")
	assert.Equal(t, f.clock.Now().UTC().Truncate(time.Microsecond).AddDate(0, 0, 14), ps[2].RetakeBy, "R5.4: retake window")
	assert.Contains(t, f.eventTypes(t), "training.commended")
	assert.Contains(t, f.eventTypes(t), "training.retake_scheduled")

	t.Run("R5.5_a_pass_grants_the_certificate", func(t *testing.T) {
		cr, err := f.store.Training().Career(f.ctx, "d1", "chen")
		require.NoError(t, err)
		require.Len(t, cr.Certificates, 1)
		assert.Equal(t, "Diagnosis L1", cr.Certificates[0].Name)
		assert.Equal(t, cr.Certificates[0].IssuedAt.AddDate(0, 0, 365), cr.Certificates[0].Expires)
	})
	t.Run("R5.4_retake_passes", func(t *testing.T) {
		f.clock.Advance(24 * time.Hour)
		p, err := f.svc.Retake(f.ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: ptr(dec("70"))}})
		require.NoError(t, err)
		assert.Equal(t, training.Passed, p.Standing)
		sc, _ := p.Counted(training.CountHighest)
		assert.True(t, sc.Equal(dec("70")))
	})
	t.Run("R5.4_no_retake_unless_due", func(t *testing.T) {
		_, err := f.svc.Retake(f.ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: ptr(dec("70"))}})
		require.ErrorIs(t, err, training.ErrInvalidTransition)
	})
	t.Run("R5.4_close_once_every_attendee_has_a_result", func(t *testing.T) {
		_, err := f.svc.CloseSession(f.ctx, "d1", lin, "s1")
		require.NoError(t, err)
	})
}

func TestClose_R5_4_needs_a_result_or_exemption(t *testing.T) {
	f := newFixture(t)
	f.approved(t)
	f.session(t, "s1", "diag", feb10, 10)
	f.attended(t, "s1", "chen", "wang")
	_, err := f.exam("s1", "chen", "80")
	require.NoError(t, err)
	_, err = f.svc.CloseSession(f.ctx, "d1", lin, "s1")
	require.ErrorIs(t, err, training.ErrInvalid)
	_, ok := org.FieldErrorOf(err, "attendees[1].score")
	require.True(t, ok, "%v", err)
	_, err = f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: "s1", Employee: "wang", Attendance: training.Excused, Exempt: "sick leave, certificate on file"})
	require.NoError(t, err)
	ss, err := f.svc.CloseSession(f.ctx, "d1", lin, "s1")
	require.NoError(t, err)
	assert.Equal(t, training.SessionClosed, ss.State)
	_, err = f.exam("s1", "wang", "80")
	require.ErrorIs(t, err, training.ErrInvalidTransition, "a closed session takes no result")
}

func TestRetraining_R5_4(t *testing.T) {
	cases := []struct {
		name        string
		nextSession bool
		missed      bool
	}{
		{"R5.4_last_failed_attempt_enrols_in_the_next_session", true, false},
		{"R5.4_last_failed_attempt_flagged_without_a_session", false, false},
		{"R5.4_missed_retake_counts_as_a_fail", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.approved(t)
			f.session(t, "s1", "diag", feb10, 10)
			if c.nextSession {
				f.session(t, "s2", "diag", feb10.AddDate(0, 2, 0), 10)
			}
			f.attended(t, "s1", "wang")
			p, err := f.exam("s1", "wang", "30")
			require.NoError(t, err)
			require.Equal(t, training.RetakeDue, p.Standing)
			if c.missed {
				f.clock.Advance(15 * 24 * time.Hour)
				_, err := f.svc.Retake(f.ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: ptr(dec("90"))}})
				require.ErrorIs(t, err, training.ErrInvalidTransition, "the window has passed")
				ps, err := f.svc.SweepRetakes(f.ctx, "d1", host, 2027)
				require.NoError(t, err)
				require.Len(t, ps, 1)
				p = ps[0]
				assert.True(t, p.Attempts[1].Missed)
			} else {
				p, err = f.svc.Retake(f.ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: ptr(dec("50"))}})
				require.NoError(t, err)
			}
			assert.Equal(t, training.RetrainingRequired, p.Standing)
			r, err := f.svc.Report(f.ctx, "d1", host, "wang", 2027)
			require.NoError(t, err)
			assert.Equal(t, []string{"diag"}, r.Retraining)
			assert.True(t, r.PassRate.IsZero())
			if !c.nextSession {
				assert.Empty(t, p.RetrainingSession, "flagged")
				return
			}
			assert.Equal(t, "s2", p.RetrainingSession)
			s2, err := f.store.Training().Session(f.ctx, "d1", "s2")
			require.NoError(t, err)
			assert.Equal(t, training.StatusEnrolled, statuses(s2)["wang"])
			// The retraining session starts a new round of attempts.
			f.clock.Set(s2.End().Add(time.Minute))
			_, err = f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: "s2", Employee: "wang", Attendance: training.Present})
			require.NoError(t, err)
			p, err = f.exam("s2", "wang", "65")
			require.NoError(t, err)
			assert.Equal(t, training.Passed, p.Standing)
			assert.Len(t, p.Earlier, 2)
		})
	}
}

func TestScoring_R5_4_kinds(t *testing.T) {
	f := newFixture(t)
	f.approved(t)
	f.session(t, "p1", "talk", feb10, 10)
	f.session(t, "c1", "rules", feb10, 10)
	_, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: "c1", Employee: "chen"})
	require.NoError(t, err)
	for _, e := range []org.EmployeeID{"chen", "wang"} {
		_, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: "p1", Employee: e})
		require.NoError(t, err)
	}
	f.present(t, "c1", "chen")
	f.present(t, "p1", "chen", "wang")
	cases := []struct {
		name     string
		in       training.AssessInput
		want     string
		standing training.Standing
	}{
		{"R5.4_practical_checklist_scores_the_share_done", training.AssessInput{Session: "p1", Employee: "chen", Result: training.Result{Checklist: []bool{true, true, true, false}}}, "75", training.Passed},
		{"R5.4_practical_one_attempt_then_retraining", training.AssessInput{Session: "p1", Employee: "wang", Result: training.Result{Checklist: []bool{true, false}}}, "50", training.RetrainingRequired},
		{"R5.4_case_analysis_rubric_scores_points_over_max", training.AssessInput{Session: "c1", Employee: "chen", Result: training.Result{Rubric: []training.RubricItem{{Points: dec("3"), Max: dec("5")}, {Points: dec("4"), Max: dec("5")}}}}, "70", training.Passed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := f.svc.Assess(f.ctx, "d1", lin, c.in)
			require.NoError(t, err)
			assert.True(t, p.Attempts[0].Score.Equal(dec(c.want)), "%s", p.Attempts[0].Score)
			assert.Equal(t, c.standing, p.Standing)
		})
	}
	t.Run("R5.4_the_kind_needs_its_result", func(t *testing.T) {
		_, err := f.svc.Assess(f.ctx, "d1", lin, training.AssessInput{Session: "p1", Employee: "chen", Result: training.Result{Score: ptr(dec("80"))}})
		_, ok := org.FieldErrorOf(err, "result.checklist")
		assert.True(t, ok, "%v", err)
	})
}

func TestCounted_R5_4(t *testing.T) {
	p := training.Progress{Attempts: []training.Attempt{{Score: dec("40")}, {Score: dec("80")}, {Score: dec("60")}}}
	for _, c := range []struct {
		counting training.Counting
		want     string
	}{{training.CountHighest, "80"}, {training.CountLast, "60"}, {training.CountFirst, "40"}, {training.CountAverage, "60"}} {
		t.Run("R5.4_counts_"+string(c.counting), func(t *testing.T) {
			got, ok := p.Counted(c.counting)
			require.True(t, ok)
			assert.True(t, got.Equal(dec(c.want)), "%s", got)
		})
	}
}

// TestSupervisionScope_R2_2: the plan, its sessions and the sweep belong
// to the service advisor department's supervisor (or an admin where the
// command allows one); results, attendance, exemptions, enrolments and
// career advice about an employee to that employee's supervisor. A
// supervisor of another department does none of it (R2.2).
func TestSupervisionScope_R2_2(t *testing.T) {
	f := newFixture(t)
	steps := []struct {
		name string
		run  func() error
		want error
	}{
		{"R2.2_other_department_supervisor_cannot_write_the_plan", func() error {
			_, err := f.svc.SavePlan(f.ctx, "d1", kuo, training.PlanInput{Year: 2027, Courses: courses()})
			return err
		}, training.ErrForbidden},
		{"R2.2_department_supervisor_writes_the_plan", func() error {
			_, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()})
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_approve_the_plan", func() error {
			_, err := f.svc.ApprovePlan(f.ctx, "d1", kuo, 2027)
			return err
		}, training.ErrForbidden},
		{"R2.2_department_supervisor_approves_the_plan", func() error {
			_, err := f.svc.ApprovePlan(f.ctx, "d1", lin, 2027)
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_schedule_a_session", func() error {
			_, err := f.svc.ScheduleSession(f.ctx, "d1", kuo, training.SessionInput{ID: "s9", Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5})
			return err
		}, training.ErrForbidden},
		{"R2.2_department_supervisor_schedules_a_session", func() error {
			_, err := f.svc.ScheduleSession(f.ctx, "d1", lin, training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5})
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_enrol_an_advisor", func() error {
			_, err := f.svc.Enrol(f.ctx, "d1", kuo, training.EnrolInput{Session: "s1", Employee: "chen"})
			return err
		}, training.ErrForbidden},
		{"R2.2_supervisor_enrols_their_advisors", func() error {
			for _, e := range []org.EmployeeID{"chen", "wang", "huang"} {
				if _, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: "s1", Employee: e}); err != nil {
					return err
				}
			}
			return nil
		}, nil},
		{"R2.2_other_department_supervisor_cannot_withdraw_an_advisor", func() error {
			_, err := f.svc.Withdraw(f.ctx, "d1", kuo, training.EnrolInput{Session: "s1", Employee: "huang"})
			return err
		}, training.ErrForbidden},
		{"R2.2_supervisor_withdraws_their_advisor", func() error {
			_, err := f.svc.Withdraw(f.ctx, "d1", lin, training.EnrolInput{Session: "s1", Employee: "huang"})
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_record_attendance_or_exempt", func() error {
			f.clock.Set(feb10.Add(5 * time.Hour))
			_, err := f.svc.RecordAttendance(f.ctx, "d1", kuo, training.AttendanceInput{Session: "s1", Employee: "chen", Attendance: training.Present, Exempt: "sick"})
			return err
		}, training.ErrForbidden},
		{"R2.2_supervisor_records_attendance", func() error {
			for _, e := range []org.EmployeeID{"chen", "wang"} {
				if _, err := f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: "s1", Employee: e, Attendance: training.Present}); err != nil {
					return err
				}
			}
			return nil
		}, nil},
		{"R2.2_other_department_supervisor_cannot_assess", func() error {
			_, err := f.svc.Assess(f.ctx, "d1", kuo, training.AssessInput{Session: "s1", Employee: "chen", Result: training.Result{Score: ptr(dec("99"))}})
			return err
		}, training.ErrForbidden},
		{"R2.2_supervisor_assesses_their_advisors", func() error {
			if _, err := f.exam("s1", "chen", "80"); err != nil {
				return err
			}
			_, err := f.exam("s1", "wang", "30")
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_record_a_retake", func() error {
			_, err := f.svc.Retake(f.ctx, "d1", kuo, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: ptr(dec("99"))}})
			return err
		}, training.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_sweep_retakes", func() error {
			_, err := f.svc.SweepRetakes(f.ctx, "d1", kuo, 2027)
			return err
		}, training.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_close_the_session", func() error {
			_, err := f.svc.CloseSession(f.ctx, "d1", kuo, "s1")
			return err
		}, training.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_advise_an_advisor", func() error {
			_, err := f.svc.Advise(f.ctx, "d1", kuo, training.CareerInput{Employee: "chen", Note: "go into parts"})
			return err
		}, training.ErrForbidden},
		{"R2.2_supervisor_advises_their_advisor", func() error {
			_, err := f.svc.Advise(f.ctx, "d1", lin, training.CareerInput{Employee: "chen", Note: "lead the desk"})
			return err
		}, nil},
		{"R2.2_service_supervisor_does_not_advise_a_workshop_technician", func() error {
			_, err := f.svc.Advise(f.ctx, "d1", lin, training.CareerInput{Employee: "wu", Note: "x"})
			return err
		}, training.ErrForbidden},
		{"R2.2_workshop_supervisor_advises_their_technician", func() error {
			_, err := f.svc.Advise(f.ctx, "d1", kuo, training.CareerInput{Employee: "wu", Note: "EV course"})
			return err
		}, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := len(f.eventTypes(t))
			err := st.run()
			if st.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, st.want)
			assert.Contains(t, err.Error(), "R2.2")
			assert.Len(t, f.eventTypes(t), before, "a refused command writes nothing")
		})
	}
}
