package training_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

var feb10 = time.Date(2027, 2, 10, 1, 0, 0, 0, time.UTC)

func TestScheduleSession(t *testing.T) {
	t.Run("R5.1_sessions_run_an_approved_plan", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()})
		require.NoError(t, err)
		_, err = f.svc.ScheduleSession(f.ctx, "d1", lin, training.SessionInput{Year: 2027, CourseID: "diag", Start: feb10, Place: "Room 2", Capacity: 5})
		require.ErrorIs(t, err, training.ErrInvalidTransition)
	})
	f := newFixture(t)
	f.approved(t)
	cases := []struct {
		name string
		in   training.SessionInput
		want error
		path string
	}{
		{"unknown_course", training.SessionInput{Year: 2027, CourseID: "nope", Start: feb10, Place: "R", Capacity: 5}, training.ErrInvalid, "course_id"},
		{"R5.3_online_gives_its_link", training.SessionInput{Year: 2027, CourseID: "talk", Start: feb10, Place: "R", Capacity: 5}, training.ErrInvalid, "link"},
		{"a_place_or_link", training.SessionInput{Year: 2027, CourseID: "diag", Start: feb10, Capacity: 5}, training.ErrInvalid, "place"},
		{"a_capacity", training.SessionInput{Year: 2027, CourseID: "diag", Start: feb10, Place: "R"}, training.ErrInvalid, "capacity"},
		{"hours_bounded_so_the_end_cannot_overflow", training.SessionInput{Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5, Hours: dec("3000000")}, training.ErrInvalid, "hours"},
		{"hours_not_negative", training.SessionInput{Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5, Hours: dec("-1")}, training.ErrInvalid, "hours"},
		{"ok", training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5}, nil, ""},
		{"duplicate_id", training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5}, training.ErrInvalid, "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ss, err := f.svc.ScheduleSession(f.ctx, "d1", lin, c.in)
			if c.want == nil {
				require.NoError(t, err)
				assert.Equal(t, "Master Lo", ss.Instructor, "R5.3: the course's instructor by default")
				assert.True(t, ss.Hours.Equal(dec("4")))
				return
			}
			require.ErrorIs(t, err, c.want)
			_, ok := org.FieldErrorOf(err, c.path)
			assert.True(t, ok, "%v", err)
		})
	}
	t.Run("an_advisor_schedules_nothing", func(t *testing.T) {
		_, err := f.svc.ScheduleSession(f.ctx, "d1", chen, training.SessionInput{Year: 2027, CourseID: "diag", Start: feb10, Place: "R", Capacity: 5})
		require.ErrorIs(t, err, training.ErrForbidden)
	})
}

func statuses(ss training.Session) map[org.EmployeeID]training.Status {
	out := map[org.EmployeeID]training.Status{}
	for _, a := range ss.Attendees {
		out[a.Employee] = a.Status
	}
	return out
}

func TestEnrolment(t *testing.T) {
	f := newFixture(t)
	f.approved(t)
	f.session(t, "s1", "diag", feb10, 1)
	f.session(t, "s2", "talk", feb10, 5)
	steps := []struct {
		name   string
		actor  org.Actor
		withdr bool
		in     training.EnrolInput
		want   error
		status map[org.EmployeeID]training.Status
	}{
		{"the_supervisor_enrols", lin, false, training.EnrolInput{Session: "s1", Employee: "chen"}, nil,
			map[org.EmployeeID]training.Status{"chen": training.StatusEnrolled}},
		{"full_goes_to_the_waitlist", lin, false, training.EnrolInput{Session: "s1", Employee: "wang"}, nil,
			map[org.EmployeeID]training.Status{"chen": training.StatusEnrolled, "wang": training.StatusWaitlisted}},
		{"twice_refused", lin, false, training.EnrolInput{Session: "s1", Employee: "wang"}, training.ErrInvalid, nil},
		{"no_self_enrolment_when_the_course_allows_none", org.Actor{ID: "huang", Role: org.RoleAdvisor}, false, training.EnrolInput{Session: "s1", Employee: "huang"}, training.ErrForbidden, nil},
		{"nobody_enrols_someone_else", chen, false, training.EnrolInput{Session: "s2", Employee: "wang"}, training.ErrForbidden, nil},
		{"self_enrolment_when_the_course_allows", chen, false, training.EnrolInput{Session: "s2", Employee: "chen"}, nil,
			map[org.EmployeeID]training.Status{"chen": training.StatusEnrolled}},
		{"self_enrolment_only_for_the_target", org.Actor{ID: "wu", Role: org.RoleTechnician}, false, training.EnrolInput{Session: "s2", Employee: "wu"}, training.ErrForbidden, nil},
		{"an_unknown_employee", lin, false, training.EnrolInput{Session: "s1", Employee: "ghost"}, training.ErrInvalid, nil},
		{"withdrawing_promotes_the_waitlist", chen, true, training.EnrolInput{Session: "s1", Employee: "chen"}, nil,
			map[org.EmployeeID]training.Status{"chen": training.StatusWithdrawn, "wang": training.StatusEnrolled}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			call := f.svc.Enrol
			if s.withdr {
				call = f.svc.Withdraw
			}
			before, _ := f.store.Training().Session(f.ctx, "d1", s.in.Session)
			ss, err := call(f.ctx, "d1", s.actor, s.in)
			if s.want != nil {
				require.ErrorIs(t, err, s.want)
				after, _ := f.store.Training().Session(f.ctx, "d1", s.in.Session)
				assert.Equal(t, before.Version, after.Version, "a refused command writes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, s.status, statuses(ss))
		})
	}
	t.Run("no_enrolment_after_the_start", func(t *testing.T) {
		f.clock.Set(feb10)
		_, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: "s1", Employee: "huang"})
		require.ErrorIs(t, err, training.ErrInvalidTransition)
	})
	t.Run("attendance_credits_hours_to_the_present", func(t *testing.T) {
		_, err := f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: "s2", Employee: "chen", Attendance: training.Absent})
		require.NoError(t, err)
		ss, err := f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: "s1", Employee: "wang", Attendance: training.Present})
		require.NoError(t, err)
		assert.True(t, ss.Attendees[1].Hours.Equal(dec("4")))
		_, err = f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: "s1", Employee: "chen", Attendance: training.Present})
		require.ErrorIs(t, err, training.ErrInvalid, "a withdrawn employee has no attendance")
		r, err := f.svc.Report(f.ctx, "d1", host, "chen", 2027)
		require.NoError(t, err)
		assert.True(t, r.Hours.IsZero())
	})
}
