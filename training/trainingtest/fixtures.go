package trainingtest

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// taipei is the dealers' zone.
var taipei = kit.Taipei

// t0 is a fixed instant with microseconds, written in UTC as the Service
// writes it, so a store that drops either is caught. Every instant the
// round trips write is t0 plus whole microseconds.
var t0 = kit.NewClock(2027, 3, 1).T0

// at is t0 plus some minutes.
func at(minutes int) time.Time { return kit.Clock{T0: t0}.At(minutes) }

const day = 24 * 60

// amount parses one of the kit's constant decimals.
func amount(s string) decimal.Decimal { return kit.Amount(s) }

// score is a pointer to a new decimal, for Attendee.Score.
func score(s string) *decimal.Decimal {
	d := amount(s)
	return &d
}

// big is above 2^53: a float column or a float on the way loses it.
const big = kit.Big

// year is the year most checks write; years are every year a snapshot
// reads, since plans have no list and Sessions and Progress list one year.
const year = 2027

var years = []int{2025, 2026, year, 2028}

// employees are the IDs the fixtures use, chosen so that byte order,
// case-blind order and the order of a key's columns all differ: "Adv-2" <
// "adv-1" < "adv-1-b" < "adv-10" < "adv-2". A snapshot needs no list of
// them: Careers lists every career record.
var employees = []org.EmployeeID{"Adv-2", "adv-1", "adv-1-b", "adv-10", "adv-2", "sup-1", "tech-1"}

var supervisor = org.Actor{ID: "sup-1", Role: org.RoleSupervisor}

// fullCourse sets every field of a course, its target, assessment and
// certificate included. Decimals carry more places than money.
func fullCourse(id string) training.Course {
	return training.Course{
		ID: id, Title: "EV high-voltage safety; 電動車高壓安全", Category: training.CategoryProfessional, Method: training.MethodExternal,
		Instructor: "Lin Mei-hua", Provider: "Taipei EV Academy", Month: time.April, Hours: amount("7.5"),
		Target:    training.Target{AllAdvisors: true, Role: org.RoleTechnician, Employees: []org.EmployeeID{"adv-1", "Adv-2", "tech-1"}},
		Mandatory: true, SelfEnrol: true,
		Assessment: training.Assessment{Kind: training.KindPractical, PassMark: amount("7.12345678"), Excellent: amount("100.0000"),
			MaxAttempts: 3, RetakeWindowDays: 14, Counts: training.CountAverage},
		Certificate: &training.Certificate{Name: "EV level 1; 電動車一級", ValidDays: 730},
	}
}

// fullPlan sets every field of a plan: one course of every shape, a
// certificate nil and set, a target with and without employees.
func fullPlan(d org.DealerID, y int) training.Plan {
	bare := training.Course{ID: "c-2", Title: "reception", Category: training.CategoryService, Method: training.MethodOnline,
		Month: time.January, Hours: amount("1.25"), Target: training.Target{Role: org.RoleAdvisor},
		Assessment: training.Assessment{Kind: training.KindExam, PassMark: amount("60"), Excellent: amount("90.5"), MaxAttempts: 1,
			RetakeWindowDays: 1, Counts: training.CountHighest}}
	rules := fullCourse("c-1-b")
	rules.Category, rules.Method, rules.Hours = training.CategoryRules, training.MethodInternal, amount("0.0001")
	rules.Target.Employees = []org.EmployeeID{"adv-10"}
	rules.Certificate = &training.Certificate{Name: "house rules", ValidDays: 0}
	return training.Plan{
		DealerID: d, Year: y, State: training.PlanApproved,
		Courses:   []training.Course{fullCourse("c-1"), bare, rules},
		WrittenBy: "sup-1", ApprovedBy: org.Actor{ID: "mgr-1", Role: org.RoleSupervisor}, ApprovedAt: at(-30 * day),
		Revision: 4, Version: 1,
	}
}

// plan is a small draft plan: what most checks write.
func plan(d org.DealerID, y int) training.Plan {
	return training.Plan{DealerID: d, Year: y, State: training.PlanDraft, WrittenBy: "sup-1", Revision: 1, Version: 1,
		Courses: []training.Course{{ID: "c-1", Title: "course", Category: training.CategoryService, Method: training.MethodOnline,
			Month: time.March, Hours: amount("2"), Target: training.Target{AllAdvisors: true},
			Assessment: training.Assessment{Kind: training.KindExam, PassMark: amount("60"), Excellent: amount("90"), MaxAttempts: 2,
				RetakeWindowDays: 7, Counts: training.CountHighest}}}}
}

// fullSession sets every field of a session and of its attendees: a
// score set and nil, every status and attendance.
func fullSession(d org.DealerID, id string) training.Session {
	return training.Session{
		DealerID: d, ID: id, Year: year, CourseID: "c-1", Start: at(2 * day), Hours: amount("7.12345678"),
		Place: "bay 3; 三號工位", Link: "https://meet.example/ev-1", Instructor: "Lin Mei-hua", Provider: "Taipei EV Academy",
		Capacity: 12, State: training.SessionClosed,
		Attendees: []training.Attendee{
			{Employee: "adv-1", Status: training.StatusEnrolled, Attendance: training.Present, Hours: amount("7.12345678"),
				Score: score("87.125"), At: at(-day)},
			{Employee: "Adv-2", Status: training.StatusEnrolled, Attendance: training.Excused, Hours: amount("0"),
				Exempt: "on leave; 請假", At: at(-day + 1)},
			{Employee: "adv-10", Status: training.StatusWaitlisted, Hours: amount("0"), At: at(-day + 2)},
			{Employee: "tech-1", Status: training.StatusWithdrawn, Attendance: training.Absent, Hours: amount("0"),
				Score: score("0"), At: at(-day + 3)},
		},
		ClosedAt: at(3 * day), Version: 1,
	}
}

// session is a small scheduled session of the year: what most checks
// write. Its one attendee shows its content in a list.
func session(d org.DealerID, id string, start time.Time) training.Session {
	return training.Session{DealerID: d, ID: id, Year: year, CourseID: "c-1", Start: start, Hours: amount("2"), Capacity: 10,
		State: training.SessionScheduled, Version: 1,
		Attendees: []training.Attendee{{Employee: "adv-1", Status: training.StatusEnrolled, Hours: amount("2"), At: t0}}}
}

// fullProgress sets every field of a progress record: attempts of this
// round and of an earlier one, a retake date, a commendation.
func fullProgress(d org.DealerID, course string, e org.EmployeeID) training.Progress {
	return training.Progress{
		DealerID: d, Year: year, CourseID: course, Employee: e, Standing: training.RetakeDue,
		Attempts: []training.Attempt{
			{SessionID: "s-2", Score: amount("59.99999999"), At: at(10 * day)},
			{Score: amount("3.6666666666666667"), Passed: true, Missed: true, At: at(24 * day)},
		},
		Earlier: []training.Attempt{
			{SessionID: "s-1", Score: amount("100.0000"), Passed: true, At: at(day)},
			{Score: amount("0.5"), Missed: true, At: at(2*day + 1)},
		},
		RetakeBy: at(38 * day), RetrainingSession: "s-9", Commended: true, CommendedAt: at(2 * day), Version: 1,
	}
}

// progress is a small progress record of the year: what most checks
// write.
func progress(d org.DealerID, course string, e org.EmployeeID) training.Progress {
	return training.Progress{DealerID: d, Year: year, CourseID: course, Employee: e, Standing: training.InProgress,
		Attempts: []training.Attempt{{SessionID: "s-1", Score: amount("55.5"), At: at(day)}}, Version: 1}
}

// fullCareer sets every field of a career record: notes, goals and
// certificates, one of them never expiring.
func fullCareer(d org.DealerID, e org.EmployeeID) training.Career {
	return training.Career{
		DealerID: d, Employee: e,
		Notes: []training.Note{
			{By: "sup-1", At: at(5 * day), Text: "ready for EV work; 可以接電動車"},
			{By: "mgr-1", At: at(6*day + 1), Text: "second note"},
		},
		Goals: []training.Goal{
			{Text: "EV level 2", Due: at(180 * day), Done: true},
			{Text: "lead a session", Due: at(365 * day)},
		},
		Certificates: []training.HeldCertificate{
			{Name: "EV level 1; 電動車一級", Year: year, CourseID: "c-1", IssuedAt: at(3 * day), Expires: at(733 * day)},
			{Name: "house rules", Year: 2026, CourseID: "c-1-b", IssuedAt: at(-300 * day)},
		},
		Version: 1,
	}
}

// career is a small career record: what most checks write.
func career(d org.DealerID, e org.EmployeeID) training.Career {
	return training.Career{DealerID: d, Employee: e, Notes: []training.Note{{By: "sup-1", At: t0, Text: "note on " + string(e)}}, Version: 1}
}

func event(d org.DealerID, id, subject string) org.Event {
	return org.Event{
		DealerID: d, ID: id, At: t0, Actor: supervisor,
		Type: "training.assessed", Subject: subject, Reason: "kit: " + id, Data: json.RawMessage(`{"after":{"score":"87.125"}}`),
	}
}

func events(d org.DealerID, prefix, subject string, n int) []org.Event {
	return kit.Events(d, prefix, subject, n, event)
}

func commit(ctx context.Context, s training.Store, d org.DealerID, c training.Change, what string) error {
	return kit.Commit(ctx, s.Commit, d, c, what)
}
