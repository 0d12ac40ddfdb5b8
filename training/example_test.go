package training_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

// must stops an example at an error it does not expect.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// exampleService is a dealer with a service supervisor (lin) and three
// advisors on an in-memory store, and a training Service on it whose clock
// moves only when told to.
func exampleService(ctx context.Context) (*training.Service, *org.ManualClock) {
	store := memstore.New()
	clock := org.NewManualClock(time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC))
	roster := must(org.NewService(org.Config{Store: store, Clock: clock, IDs: org.SequentialIDs("r")}))
	setup := org.Admin("setup")
	must(roster.CreateDealer(ctx, setup, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}))
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor},
	} {
		must(roster.AddEmployee(ctx, "d1", setup, e))
	}
	svc := must(training.NewService(training.Config{Store: store.Training(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("t")}))
	return svc, clock
}

// A year of training (R5): the supervisor writes the annual plan and the
// management approves it (R5.1); a session of a course is scheduled and
// three advisors attend; the exam that ends it (R5.4) commends one, passes
// one and fails one, who passes the retake (補考) within its window. Then
// the employee's report, the certificates soon to expire (R5.5) and the
// plan's completion.
func Example() {
	ctx := context.Background()
	svc, clock := exampleService(ctx)
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	d := decimal.RequireFromString

	must(svc.SavePlan(ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: []training.Course{{
		ID: "diag", Title: "Fault diagnosis", Category: training.CategoryProfessional, Method: training.MethodInternal,
		Instructor: "Master Lo", Month: time.February, Hours: d("4"), Target: training.Target{AllAdvisors: true}, Mandatory: true,
		Assessment: training.Assessment{Kind: training.KindExam, PassMark: d("60"), Excellent: d("90"),
			MaxAttempts: 2, RetakeWindowDays: 14, Counts: training.CountHighest},
		Certificate: &training.Certificate{Name: "Diagnosis L1", ValidDays: 365},
	}}}))
	plan := must(svc.ApprovePlan(ctx, "d1", org.Admin("management"), 2027))
	fmt.Printf("plan %d: %s by %s, revision %d\n", plan.Year, plan.State, plan.ApprovedBy, plan.Revision)

	ss := must(svc.ScheduleSession(ctx, "d1", lin, training.SessionInput{ID: "diag-feb", Year: 2027, CourseID: "diag",
		Start: time.Date(2027, 2, 10, 1, 0, 0, 0, time.UTC), Place: "Workshop bay 3", Capacity: 10}))
	fmt.Printf("session %s: %s hours with %s, ends %s\n", ss.ID, ss.Hours, ss.Instructor, ss.End().Format(time.RFC3339))
	advisors := []org.EmployeeID{"chen", "wang", "huang"}
	for _, e := range advisors {
		must(svc.Enrol(ctx, "d1", lin, training.EnrolInput{Session: ss.ID, Employee: e}))
	}

	// The session is over: attendance, then the exam that ends it.
	clock.Set(ss.End().Add(time.Minute))
	for _, e := range advisors {
		must(svc.RecordAttendance(ctx, "d1", lin, training.AttendanceInput{Session: ss.ID, Employee: e, Attendance: training.Present}))
	}
	for i, score := range []string{"95", "45", "72"} {
		s := d(score)
		p := must(svc.Assess(ctx, "d1", lin, training.AssessInput{Session: ss.ID, Employee: advisors[i], Result: training.Result{Score: &s}}))
		fmt.Printf("%s scored %s: %s", p.Employee, score, p.Standing)
		if p.Commended {
			fmt.Print(", commended")
		}
		if p.Standing == training.RetakeDue {
			fmt.Printf(", retake by %s", p.RetakeBy.Format(time.DateOnly))
		}
		fmt.Println()
	}
	must(svc.CloseSession(ctx, "d1", lin, ss.ID))

	// Three days later Wang retakes the exam, within the window.
	clock.Advance(3 * 24 * time.Hour)
	retake := d("68")
	p := must(svc.Retake(ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "wang", Result: training.Result{Score: &retake}}))
	counted, _ := p.Counted(training.CountHighest)
	fmt.Printf("wang retook it with 68: %s after %d attempts, counted %s\n", p.Standing, len(p.Attempts), counted)

	r := must(svc.Report(ctx, "d1", org.Admin("dms"), "wang", 2027))
	fmt.Printf("wang's year: %s hours, %d course completed, %d attempts, pass rate %s\n", r.Hours, r.CoursesCompleted, r.Attempts, r.PassRate)
	for _, x := range must(svc.ExpiringWithin(ctx, "d1", org.Admin("dms"), 366)) {
		fmt.Printf("%s holds %s until %s\n", x.Employee, x.Certificate.Name, x.Certificate.Expires.Format(time.DateOnly))
	}
	c := must(svc.Completion(ctx, "d1", org.Admin("dms"), 2027))
	for _, cc := range c.Courses {
		fmt.Printf("%s (mandatory %t): %d of %d passed\n", cc.CourseID, cc.Mandatory, cc.Completed, cc.Targeted)
	}
	fmt.Println("plan completion:", c.Rate)
	// Output:
	// plan 2027: approved by admin:management, revision 1
	// session diag-feb: 4 hours with Master Lo, ends 2027-02-10T05:00:00Z
	// chen scored 95: passed, commended
	// wang scored 45: retake_due, retake by 2027-02-24
	// huang scored 72: passed
	// wang retook it with 68: passed after 2 attempts, counted 68
	// wang's year: 4 hours, 1 course completed, 2 attempts, pass rate 0.5
	// chen holds Diagnosis L1 until 2028-02-10
	// huang holds Diagnosis L1 until 2028-02-10
	// wang holds Diagnosis L1 until 2028-02-13
	// diag (mandatory true): 3 of 3 passed
	// plan completion: 1
}

// A plan file with mistakes: LoadPlan reads it all and names every
// problem at once, each with the file, line, column and field, a code a
// program can switch on, and a message for the person who wrote it.
func ExampleLoadPlan() {
	file := `year: 2027
courses:
  - id: diag
    title: Fault diagnosis
    category: professional_knowledge
    method: external
    month: 2
    hours: four
    target: {all_advisors: true}
    assessment: {kind: exam, pass_mark: 60, excellent: 50, max_attempts: 2, retake_window_days: 14, counts: best}
    certficate: {name: Diagnosis L1}
`
	_, err := training.LoadPlan("plans/2027.yaml", []byte(file))
	if ve, ok := errors.AsType[*org.ValidationError](err); ok {
		fmt.Println(ve.Op)
		for _, f := range ve.Fields {
			fmt.Printf("%s [%s] %s\n", f.Where(), f.Code, f.Message)
		}
	}
	// Output:
	// training: load plan
	// plans/2027.yaml:3:5: courses[0].provider [required] an external course names its provider (R5.3)
	// plans/2027.yaml:8:12: courses[0].hours [invalid_format] must be a decimal number such as 1.5, not "four"
	// plans/2027.yaml:10:45: courses[0].assessment.excellent [out_of_range] must be from the pass mark to 100
	// plans/2027.yaml:10:101: courses[0].assessment.counts [unknown_value] must be one of: highest last first average
	// plans/2027.yaml:11:5: courses[0].certficate [unknown_value] unknown field; the fields here are id, title, category, method, instructor, provider, month, hours, target, mandatory, self_enrol, assessment, certificate
}

// The annual plan kept as a file: loaded, checked, and saved as the
// year's plan with Input (R5.1).
func ExampleLoadPlanFile() {
	ctx := context.Background()
	svc, _ := exampleService(ctx)
	file, err := training.LoadPlanFile("testdata/plan.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	plan := must(svc.SavePlan(ctx, "d1", org.Actor{ID: "lin", Role: org.RoleSupervisor}, file.Input("")))
	fmt.Printf("plan %d: %s, %d courses\n", plan.Year, plan.State, len(plan.Courses))
	for _, c := range plan.Courses {
		a := c.Assessment
		fmt.Printf("%-19s %-22s %-8s %-9s %5s h  %-13s pass %s excellent %s\n",
			c.ID, c.Category, c.Method, c.Month.String()[:3], c.Hours.StringFixed(1), a.Kind, a.PassMark, a.Excellent)
	}
	// Output:
	// plan 2027: draft, 6 courses
	// hv-safety           professional_knowledge internal Feb         6.0 h  exam          pass 70 excellent 90
	// fault-diagnosis     professional_knowledge external Apr        12.5 h  practical     pass 75 excellent 95
	// reception           service_skills         internal Mar         3.0 h  case_analysis pass 60 excellent 85
	// unhappy-customer    service_skills         online   May         1.5 h  case_analysis pass 65 excellent 90
	// company-rules       company_rules          online   Jan         2.0 h  exam          pass 80 excellent 100
	// warranty-settlement company_rules          external Sep         4.0 h  exam          pass 60.5 excellent 92.5
}
