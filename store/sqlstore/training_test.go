package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/store/sqlstore"
	"github.com/servicelane/servicelane/training"
)

var _ training.Store = sqlstore.TrainingStore{}

// trainingYear runs a training year through the Service on s (org.Store)
// and ts: a plan, a session of three advisors with an excellent result, a
// fail passed at its retake and a fail missed at its retake, a career note,
// and returns everything the store then holds.
func trainingYear(t *testing.T, s org.Store, ts training.Store) ([]training.Session, []training.Progress, []training.Career, training.Plan) {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: s, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor},
	} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	svc, err := training.NewService(training.Config{Store: ts, Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("t")})
	require.NoError(t, err)
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	d := decimal.RequireFromString
	_, err = svc.SavePlan(ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: []training.Course{{
		ID: "diag", Title: "Fault diagnosis", Category: training.CategoryProfessional, Method: training.MethodInternal,
		Instructor: "Master Lo", Month: time.February, Hours: d("3.75"), Target: training.Target{AllAdvisors: true}, Mandatory: true,
		Assessment:  training.Assessment{Kind: training.KindExam, PassMark: d("60.5"), Excellent: d("90"), MaxAttempts: 2, RetakeWindowDays: 14, Counts: training.CountHighest},
		Certificate: &training.Certificate{Name: "Diagnosis L1", ValidDays: 365},
	}}})
	require.NoError(t, err)
	_, err = svc.ApprovePlan(ctx, "d1", org.Admin("dms"), 2027)
	require.NoError(t, err)
	start := time.Date(2027, 2, 3, 1, 0, 0, 0, time.UTC) // 09:00 in Taipei
	_, err = svc.ScheduleSession(ctx, "d1", lin, training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: start, Place: "Room 2", Capacity: 3})
	require.NoError(t, err)
	for _, e := range []org.EmployeeID{"chen", "wang", "huang"} {
		_, err = svc.Enrol(ctx, "d1", lin, training.EnrolInput{Session: "s1", Employee: e})
		require.NoError(t, err)
	}
	clock.Set(start.Add(4 * time.Hour))
	for _, e := range []org.EmployeeID{"chen", "wang", "huang"} {
		_, err = svc.RecordAttendance(ctx, "d1", lin, training.AttendanceInput{Session: "s1", Employee: e, Attendance: training.Present})
		require.NoError(t, err)
	}
	score := func(s string) training.Result { x := d(s); return training.Result{Score: &x} }
	for e, s := range map[org.EmployeeID]string{"chen": "95.25", "wang": "41", "huang": "52"} {
		_, err = svc.Assess(ctx, "d1", lin, training.AssessInput{Session: "s1", Employee: e, Result: score(s)})
		require.NoError(t, err)
	}
	_, err = svc.CloseSession(ctx, "d1", lin, "s1")
	require.NoError(t, err)
	clock.Advance(48 * time.Hour)
	_, err = svc.Retake(ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: score("77.25")})
	require.NoError(t, err)
	clock.Advance(30 * 24 * time.Hour)
	swept, err := svc.SweepRetakes(ctx, "d1", lin, 2027)
	require.NoError(t, err)
	require.Len(t, swept, 1, "huang missed the retake")
	_, err = svc.Advise(ctx, "d1", lin, training.CareerInput{Employee: "chen", Note: "Ready for the L2 course.",
		Goals: []training.Goal{{Text: "Diagnosis L2", Due: time.Date(2027, 9, 30, 0, 0, 0, 0, time.UTC)}}})
	require.NoError(t, err)

	sessions, err := ts.Sessions(ctx, "d1", 2027)
	require.NoError(t, err)
	progress, err := ts.Progress(ctx, "d1", 2027, "")
	require.NoError(t, err)
	careers, err := ts.Careers(ctx, "d1")
	require.NoError(t, err)
	plan, err := ts.Plan(ctx, "d1", 2027)
	require.NoError(t, err)
	return sessions, progress, careers, plan
}

// TestTrainingServiceSameOnEveryStore: a training year through the Service
// leaves the same records in SQLite and PostgreSQL as in memory, decimals
// and instants included.
func TestTrainingServiceSameOnEveryStore(t *testing.T) {
	t.Parallel()
	mem := memstore.New()
	wantS, wantP, wantC, wantPlan := trainingYear(t, mem, mem.Training())
	require.Len(t, wantP, 3)
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		gotS, gotP, gotC, gotPlan := trainingYear(t, s, s.Training())
		requireSame(t, wantS, gotS, "sessions")
		requireSame(t, wantP, gotP, "progress")
		requireSame(t, wantC, gotC, "careers")
		requireSame(t, wantPlan, gotPlan, "plan")
		mine, err := s.Training().Progress(t.Context(), "d1", 2027, "wang")
		require.NoError(t, err)
		require.Len(t, mine, 1)
		require.Equal(t, training.Passed, mine[0].Standing)
	})
}

// TestTrainingMigrationDown: 0005 rolls back to the appraisal schema, which
// keeps working, and comes back empty.
func TestTrainingMigrationDown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		ts := s.Training()
		plan := training.Plan{DealerID: "d1", Year: 2027, State: training.PlanDraft, WrittenBy: "lin", Revision: 1, Version: 1}
		require.NoError(t, ts.Commit(ctx, "d1", training.Change{Plans: []training.Plan{plan}, Events: []org.Event{event("d1", "t1")}}))
		require.NoError(t, s.MigrateDown(ctx, 4))
		_, err := ts.Plan(ctx, "d1", 2027)
		require.Error(t, err)
		require.NotErrorIs(t, err, org.ErrNotFound, "plan after rolling 0005 back")
		billCommit(t, s.Billing(), "d1", billing.Change{Series: []billing.Series{series("d1", "INV", 2, 1)}})
		evs, err := s.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"t1"}, eventIDs(evs), "the shared trail outlives the training tables")

		require.NoError(t, s.Migrate(ctx))
		_, err = ts.Plan(ctx, "d1", 2027)
		require.ErrorIs(t, err, org.ErrNotFound, "a new, empty plans table")
		require.NoError(t, ts.Commit(ctx, "d1", training.Change{Plans: []training.Plan{plan}, Events: []org.Event{event("d1", "t2")}}))
		evs, err = ts.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"t1", "t2"}, eventIDs(evs))
	})
}
