package training_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

// The training benchmarks the other domains have (issue 17): a dealer of
// 50 advisors and a plan of 20 courses, on memstore. Each course is for
// every advisor, has an exam, and ran once, in its month; every advisor
// sat it (one in five failed, one in ten excelled).

const (
	benchAdvisors = 50
	benchCourses  = 20
)

type benchDealer struct {
	ctx   context.Context
	clock *org.ManualClock
	svc   *training.Service
	store *memstore.Store
}

func benchAdvisor(i int) org.EmployeeID { return org.EmployeeID(fmt.Sprintf("adv%02d", i)) }

// newBenchDealer is the dealer with its roster and its 2027 plan approved.
func newBenchDealer(tb testing.TB) *benchDealer {
	tb.Helper()
	ctx := context.Background()
	st := memstore.New()
	clock := org.NewManualClock(jan5)
	roster, err := org.NewService(org.Config{Store: st, Clock: clock, IDs: org.SequentialIDs("r")})
	noErr(tb, err)
	admin := org.Admin("setup")
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	noErr(tb, err)
	_, err = roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "lin", Name: "Lin", Role: org.RoleSupervisor})
	noErr(tb, err)
	for i := range benchAdvisors {
		_, err := roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: benchAdvisor(i), Name: fmt.Sprintf("Advisor %d", i), Role: org.RoleAdvisor})
		noErr(tb, err)
	}
	svc, err := training.NewService(training.Config{Store: st.Training(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("t")})
	noErr(tb, err)
	f := &benchDealer{ctx: ctx, clock: clock, svc: svc, store: st}
	_, err = svc.SavePlan(ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: benchPlanCourses()})
	noErr(tb, err)
	_, err = svc.ApprovePlan(ctx, "d1", host, 2027)
	noErr(tb, err)
	return f
}

func noErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// benchStart is when course k's session starts: every 17 days from
// January 10th, in the course's month.
func benchStart(k int) time.Time { return time.Date(2027, time.January, 10+17*k, 1, 0, 0, 0, time.UTC) }

// benchPlanCourses are the plan's 20 courses, in the months of their
// sessions, January to November.
func benchPlanCourses() []training.Course {
	cs := make([]training.Course, benchCourses)
	for i := range cs {
		cs[i] = training.Course{ID: fmt.Sprintf("c%02d", i), Title: fmt.Sprintf("Course %d", i), Category: training.CategoryProfessional,
			Method: training.MethodInternal, Instructor: "Master Lo", Month: benchStart(i).Month(), Hours: dec("3"),
			Target: training.Target{AllAdvisors: true}, Mandatory: true, Assessment: exam()}
	}
	return cs
}

// sitting schedules course's session at start, enrols every advisor, moves
// the clock past it and marks them present: what closing it needs but the
// results.
func (f *benchDealer) sitting(tb testing.TB, id, course string, start time.Time) {
	tb.Helper()
	_, err := f.svc.ScheduleSession(f.ctx, "d1", lin, training.SessionInput{ID: id, Year: 2027, CourseID: course, Start: start,
		Place: "Room 2", Capacity: benchAdvisors})
	noErr(tb, err)
	for i := range benchAdvisors {
		_, err := f.svc.Enrol(f.ctx, "d1", lin, training.EnrolInput{Session: id, Employee: benchAdvisor(i)})
		noErr(tb, err)
	}
	ss, err := f.store.Training().Session(f.ctx, "d1", id)
	noErr(tb, err)
	f.clock.Set(ss.End().Add(time.Minute))
	for i := range benchAdvisors {
		_, err := f.svc.RecordAttendance(f.ctx, "d1", lin, training.AttendanceInput{Session: id, Employee: benchAdvisor(i), Attendance: training.Present})
		noErr(tb, err)
	}
}

// score is advisor i's score in course k: one in five fails, one in ten
// is excellent.
func benchScore(i, k int) string {
	switch (i + k) % 10 {
	case 0, 5:
		return "45"
	case 3:
		return "95"
	}
	return fmt.Sprint(60 + (i*7+k)%30)
}

// closed assesses every advisor of session id in course k and closes it.
func (f *benchDealer) closed(tb testing.TB, id string, k int) {
	tb.Helper()
	for i := range benchAdvisors {
		_, err := f.svc.Assess(f.ctx, "d1", lin, training.AssessInput{Session: id, Employee: benchAdvisor(i),
			Result: training.Result{Score: ptr(dec(benchScore(i, k)))}})
		noErr(tb, err)
	}
	_, err := f.svc.CloseSession(f.ctx, "d1", lin, id)
	noErr(tb, err)
}

// year is the dealer with every course's session sat, assessed and
// closed.
func benchYear(tb testing.TB) *benchDealer {
	tb.Helper()
	f := newBenchDealer(tb)
	for k := range benchCourses {
		id := fmt.Sprintf("s%02d", k)
		f.sitting(tb, id, fmt.Sprintf("c%02d", k), benchStart(k))
		f.closed(tb, id, k)
	}
	return f
}

// BenchmarkSavePlan validates and saves a draft plan of 20 courses (a new
// version of the draft each time).
func BenchmarkSavePlan(b *testing.B) {
	f := newBenchDealer(b)
	in := training.PlanInput{Year: 2028, Courses: benchPlanCourses()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.svc.SavePlan(f.ctx, "d1", lin, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCloseSession assesses the 50 advisors present at a session (a
// pass, a fail with its retake, an excellent result with its commendation)
// and closes it: one op is the 51 commands. The session is set up, out of
// the timer, on a new dealer each time.
func BenchmarkCloseSession(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		f := newBenchDealer(b)
		f.sitting(b, "s1", "c01", benchStart(1))
		b.StartTimer()
		f.closed(b, "s1", 1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(benchAdvisors+1), "ns/command")
}

// BenchmarkCompletion reports the year's completion: 20 courses, 50
// advisors, 1,000 progress records.
func BenchmarkCompletion(b *testing.B) {
	f := benchYear(b)
	b.ReportAllocs()
	for b.Loop() {
		c, err := f.svc.Completion(f.ctx, "d1", lin, 2027)
		if err != nil || len(c.Courses) != benchCourses {
			b.Fatalf("%d courses, %v", len(c.Courses), err)
		}
	}
}

// BenchmarkReport reports one advisor's year: 20 courses, their attempts,
// retakes and commendations.
func BenchmarkReport(b *testing.B) {
	f := benchYear(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.svc.Report(f.ctx, "d1", lin, benchAdvisor(7), 2027); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchYear: the benchmarks' year is what they say: every course
// completed by the advisors who passed it, retakes due for those who
// failed.
func TestBenchYear(t *testing.T) {
	f := benchYear(t)
	c, err := f.svc.Completion(f.ctx, "d1", lin, 2027)
	noErr(t, err)
	if len(c.Courses) != benchCourses {
		t.Fatalf("%d courses, want %d", len(c.Courses), benchCourses)
	}
	for _, cc := range c.Courses {
		if cc.Targeted != benchAdvisors || cc.Completed != benchAdvisors*8/10 {
			t.Fatalf("course %s: %d targeted, %d completed; want %d and %d", cc.CourseID, cc.Targeted, cc.Completed, benchAdvisors, benchAdvisors*8/10)
		}
	}
	r, err := f.svc.Report(f.ctx, "d1", lin, benchAdvisor(7), 2027)
	noErr(t, err)
	if len(r.Retakes) == 0 || len(r.Commended) == 0 {
		t.Fatalf("advisor 7: retakes %v, commended %v; want some of each", r.Retakes, r.Commended)
	}
}
