package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// trainingPlanYAML is the supervisor's plan for the year (R5.1).
//
//go:embed trainingplan.yaml
var trainingPlanYAML []byte

// trainingMonth runs November's training (R5): the plan, one session of
// the EV course with an excellent result, a fail passed at its retake and a
// fail at the last attempt that sends the advisor to retraining; then the
// plan's progress and each advisor's record.
func trainingMonth(ctx context.Context, svc *training.Service, clock *org.ManualClock, dealer org.DealerID, loc *time.Location, out io.Writer) error {
	file, err := training.LoadPlan("trainingplan.yaml", trainingPlanYAML)
	if err != nil {
		return err
	}
	step := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	year := file.Year
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(year, month, day, hour, 0, 0, 0, loc)
	}
	advisors := []org.EmployeeID{"chen", "wang", "huang"}
	var plan training.Plan
	step(func() (err error) { _, err = svc.SavePlan(ctx, dealer, lin, file.Input("")); return err })
	// The dealer's management approves the plan through the host.
	step(func() (err error) {
		plan, err = svc.ApprovePlan(ctx, dealer, org.Admin("dms-management"), year)
		return err
	})
	step(func() error {
		for _, s := range []training.SessionInput{
			{ID: "EV-1", Year: year, CourseID: "ev-diag", Start: at(time.November, 4, 14), Place: "Workshop bay 3", Capacity: 3},
			{ID: "EV-2", Year: year, CourseID: "ev-diag", Start: at(time.December, 2, 14), Place: "Workshop bay 3", Capacity: 3},
		} {
			if _, err := svc.ScheduleSession(ctx, dealer, lin, s); err != nil {
				return err
			}
		}
		for _, e := range advisors {
			if _, err := svc.Enrol(ctx, dealer, lin, training.EnrolInput{Session: "EV-1", Employee: e}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nTraining in %s (R5): plan %d revision %d, %d courses, approved by %s\n",
		at(time.November, 1, 0).Format("January 2006"), plan.Year, plan.Revision, len(plan.Courses), plan.ApprovedBy)

	// The session runs on the afternoon of the 4th; the assessment ends it.
	clock.Set(at(time.November, 4, 18))
	scores := map[org.EmployeeID]string{"chen": "96", "wang": "55", "huang": "48"}
	results := map[org.EmployeeID]training.Progress{}
	for _, e := range advisors {
		step(func() error {
			_, err := svc.RecordAttendance(ctx, dealer, lin, training.AttendanceInput{Session: "EV-1", Employee: e, Attendance: training.Present})
			return err
		})
		step(func() (err error) {
			results[e], err = svc.Assess(ctx, dealer, lin, training.AssessInput{Session: "EV-1", Employee: e,
				Result: training.Result{Score: new(amount(scores[e]))}})
			return err
		})
	}
	step(func() error { _, err := svc.CloseSession(ctx, dealer, lin, "EV-1"); return err })
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Session EV-1, EV high-voltage diagnosis, %s, exam: pass mark 60, excellent from 90, 2 attempts\n",
		at(time.November, 4, 14).Format("Mon 2 Jan 15:04"))
	// Every table by display width, so a Chinese name or course keeps its column.
	scoreColumns := []textwidth.Column{{Width: 6, Gap: 2}, {Align: textwidth.Right, Width: 5, Gap: 1}, {Gap: 2}}
	exam := textwidth.Table{Columns: scoreColumns}
	for _, e := range advisors {
		exam.Row(string(e), scores[e], standing(results[e], loc))
	}
	if _, err := exam.WriteTo(out); err != nil {
		return err
	}

	// A week later both retakes (補考) are sat: the last attempt either way.
	clock.Set(at(time.November, 11, 10))
	retakes := map[org.EmployeeID]string{"wang": "78", "huang": "52"}
	for _, e := range []org.EmployeeID{"wang", "huang"} {
		step(func() (err error) {
			results[e], err = svc.Retake(ctx, dealer, lin, training.RetakeInput{Year: year, CourseID: "ev-diag", Employee: e,
				Result: training.Result{Score: new(amount(retakes[e]))}})
			return err
		})
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Retakes on %s (R5.4 補考):\n", clock.Now().In(loc).Format("Mon 2 Jan"))
	retake := textwidth.Table{Columns: scoreColumns}
	for _, e := range []org.EmployeeID{"wang", "huang"} {
		p := results[e]
		counted, _ := p.Counted(training.CountHighest)
		retake.Row(string(e), retakes[e], fmt.Sprintf("%s (the highest attempt counts: %s)", standing(p, loc), counted))
	}
	if _, err := retake.WriteTo(out); err != nil {
		return err
	}

	c, err := svc.Completion(ctx, dealer, lin, year)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Plan %d progress: %s%% of targeted places completed\n", year, c.Rate.Shift(2).StringFixed(0))
	courses := textwidth.Table{Columns: []textwidth.Column{{Width: 10, Gap: 2}, {Width: 9, Gap: 1},
		{Align: textwidth.Right, Width: 8, Gap: 1}, {Align: textwidth.Right, Width: 9, Gap: 1}}}
	courses.Row("COURSE", "MANDATORY", "TARGETED", "COMPLETED")
	for _, cc := range c.Courses {
		courses.Row(cc.CourseID, yesNo(cc.Mandatory), strconv.Itoa(cc.Targeted), strconv.Itoa(cc.Completed))
	}
	if _, err := courses.WriteTo(out); err != nil {
		return err
	}
	people := textwidth.Table{Columns: []textwidth.Column{{Width: 7, Gap: 2}, {Align: textwidth.Right, Width: 5, Gap: 1},
		{Align: textwidth.Right, Width: 9, Gap: 1}, {Align: textwidth.Right, Width: 9, Gap: 1}, {Gap: 2}}}
	people.Row("ADVISOR", "HOURS", "COMPLETED", "PASS RATE", "OUTSTANDING")
	for _, e := range advisors {
		r, err := svc.Report(ctx, dealer, lin, e, year)
		if err != nil {
			return err
		}
		var todo []string
		for _, id := range r.Retakes {
			todo = append(todo, "retake "+id)
		}
		for _, id := range r.Retraining {
			todo = append(todo, "retraining "+id)
		}
		if len(todo) == 0 {
			todo = []string{"-"}
		}
		people.Row(string(e), r.Hours.StringFixed(1), strconv.Itoa(r.CoursesCompleted),
			r.PassRate.Shift(2).StringFixed(0)+"%", strings.Join(todo, ", "))
	}
	_, err = people.WriteTo(out)
	return err
}

// standing says where an advisor stands in a course after an attempt.
func standing(p training.Progress, loc *time.Location) string {
	switch p.Standing {
	case training.Passed:
		if p.Commended {
			return "passed, excellent: commended (R5.4), certificate issued"
		}
		return "passed"
	case training.RetakeDue:
		return "failed: retake due by " + p.RetakeBy.In(loc).Format("2 Jan")
	case training.RetrainingRequired:
		if p.RetrainingSession != "" {
			return "failed the last attempt: retraining, enrolled in session " + p.RetrainingSession
		}
		return "failed the last attempt: retraining required"
	}
	return string(p.Standing)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
