package training_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

var (
	lin  = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	host = org.Admin("dms")
	kuo  = org.Actor{ID: "kuo", Role: org.RoleSupervisor} // the workshop's supervisor (R2.2)
	jan5 = time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC)
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

type fixture struct {
	ctx   context.Context
	clock *org.ManualClock
	svc   *training.Service
	store *memstore.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	clock := org.NewManualClock(jan5)
	roster, err := org.NewService(org.Config{Store: st, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
		// R2.2: the workshop's supervisor, who supervises no advisor.
		{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: org.DeptWorkshop},
	} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	svc, err := training.NewService(training.Config{Store: st.Training(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("t")})
	require.NoError(t, err)
	return &fixture{ctx: ctx, clock: clock, svc: svc, store: st}
}

func exam() training.Assessment {
	return training.Assessment{Kind: training.KindExam, PassMark: dec("60"), Excellent: dec("90"), MaxAttempts: 2, RetakeWindowDays: 14, Counts: training.CountHighest}
}

func courses() []training.Course {
	return []training.Course{
		{ID: "diag", Title: "Fault diagnosis", Category: training.CategoryProfessional, Method: training.MethodInternal, Instructor: "Master Lo",
			Month: time.February, Hours: dec("4"), Target: training.Target{AllAdvisors: true}, Mandatory: true, Assessment: exam(),
			Certificate: &training.Certificate{Name: "Diagnosis L1", ValidDays: 365}},
		{ID: "talk", Title: "Reception skills", Category: training.CategoryService, Method: training.MethodOnline,
			Month: time.March, Hours: dec("2"), Target: training.Target{AllAdvisors: true}, SelfEnrol: true,
			Assessment: training.Assessment{Kind: training.KindPractical, PassMark: dec("75"), Excellent: dec("100"), MaxAttempts: 1, RetakeWindowDays: 7, Counts: training.CountLast}},
		{ID: "rules", Title: "Company rules", Category: training.CategoryRules, Method: training.MethodExternal, Provider: "HR Academy",
			Month: time.April, Hours: dec("1.5"), Target: training.Target{Employees: []org.EmployeeID{"chen"}},
			Assessment: training.Assessment{Kind: training.KindCase, PassMark: dec("50"), Excellent: dec("95"), MaxAttempts: 3, RetakeWindowDays: 10, Counts: training.CountAverage}},
	}
}

// approved writes and approves the 2027 plan.
func (f *fixture) approved(t *testing.T) {
	t.Helper()
	_, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()})
	require.NoError(t, err)
	_, err = f.svc.ApprovePlan(f.ctx, "d1", host, 2027)
	require.NoError(t, err)
}

// session schedules a session of course starting at start.
func (f *fixture) session(t *testing.T, id, course string, start time.Time, capacity int) {
	t.Helper()
	in := training.SessionInput{ID: id, Year: 2027, CourseID: course, Start: start, Place: "Room 2", Capacity: capacity}
	if course == "talk" {
		in.Link = "https://learn.example.com/talk"
	}
	_, err := f.svc.ScheduleSession(f.ctx, "d1", lin, in)
	require.NoError(t, err)
}

// attended enrols employees, moves the clock past the session and marks
// them present.
func (f *fixture) attended(t *testing.T, id string, employees ...org.EmployeeID) {
	t.Helper()
	for _, e := range employees {
		_, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: id, Employee: e})
		require.NoError(t, err)
	}
	f.present(t, id, employees...)
}

// present moves the clock past the session and marks employees present.
func (f *fixture) present(t *testing.T, id string, employees ...org.EmployeeID) {
	t.Helper()
	ss, err := f.store.Training().Session(f.ctx, "d1", id)
	require.NoError(t, err)
	f.clock.Set(ss.End().Add(time.Minute))
	for _, e := range employees {
		_, err := f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: id, Employee: e, Attendance: training.Present})
		require.NoError(t, err)
	}
}

func (f *fixture) exam(id string, e org.EmployeeID, score string) (training.Progress, error) {
	return f.svc.Assess(f.ctx, "d1", lin, training.AssessInput{Session: id, Employee: e, Result: training.Result{Score: ptr(dec(score))}})
}

func (f *fixture) eventTypes(t *testing.T) []string {
	t.Helper()
	evs, err := f.store.Events(f.ctx, "d1", 0, 10000)
	require.NoError(t, err)
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}
