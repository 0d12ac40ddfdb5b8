package trainingtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/training"
)

func diffCourse(d *kit.Differ, p string, g, w training.Course) {
	kit.Eq(d, p+".id", g.ID, w.ID)
	kit.Eq(d, p+".title", g.Title, w.Title)
	kit.Eq(d, p+".category", g.Category, w.Category)
	kit.Eq(d, p+".method", g.Method, w.Method)
	kit.Eq(d, p+".instructor", g.Instructor, w.Instructor)
	kit.Eq(d, p+".provider", g.Provider, w.Provider)
	kit.Eq(d, p+".month", g.Month, w.Month)
	d.Amount(p+".hours", g.Hours, w.Hours)
	kit.Eq(d, p+".target.all_advisors", g.Target.AllAdvisors, w.Target.AllAdvisors)
	kit.Eq(d, p+".target.role", g.Target.Role, w.Target.Role)
	kit.List(d, p+".target.employees", g.Target.Employees, w.Target.Employees)
	kit.Eq(d, p+".mandatory", g.Mandatory, w.Mandatory)
	kit.Eq(d, p+".self_enrol", g.SelfEnrol, w.SelfEnrol)
	ga, wa := g.Assessment, w.Assessment
	kit.Eq(d, p+".assessment.kind", ga.Kind, wa.Kind)
	d.Amount(p+".assessment.pass_mark", ga.PassMark, wa.PassMark)
	d.Amount(p+".assessment.excellent", ga.Excellent, wa.Excellent)
	kit.Eq(d, p+".assessment.max_attempts", ga.MaxAttempts, wa.MaxAttempts)
	kit.Eq(d, p+".assessment.retake_window_days", ga.RetakeWindowDays, wa.RetakeWindowDays)
	kit.Eq(d, p+".assessment.counts", ga.Counts, wa.Counts)
	switch gc, wc := g.Certificate, w.Certificate; {
	case (gc == nil) != (wc == nil):
		d.Add(p+".certificate", "got %v, want %v", gc, wc)
	case wc != nil:
		kit.Eq(d, p+".certificate", *gc, *wc)
	}
}

func diffPlan(got, want training.Plan) error {
	d := kit.NewDiffer("plan %s/%d", want.DealerID, want.Year)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "year", got.Year, want.Year)
	kit.Eq(d, "state", got.State, want.State)
	kit.Each(d, "courses", got.Courses, want.Courses, diffCourse)
	kit.Eq(d, "written_by", got.WrittenBy, want.WrittenBy)
	kit.Eq(d, "approved_by", got.ApprovedBy, want.ApprovedBy)
	d.Instant("approved_at", got.ApprovedAt, want.ApprovedAt)
	kit.Eq(d, "revision", got.Revision, want.Revision)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffSession(got, want training.Session) error {
	d := kit.NewDiffer("session %s/%s", want.DealerID, want.ID)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "id", got.ID, want.ID)
	kit.Eq(d, "year", got.Year, want.Year)
	kit.Eq(d, "course_id", got.CourseID, want.CourseID)
	d.Instant("start", got.Start, want.Start)
	d.Amount("hours", got.Hours, want.Hours)
	kit.Eq(d, "place", got.Place, want.Place)
	kit.Eq(d, "link", got.Link, want.Link)
	kit.Eq(d, "instructor", got.Instructor, want.Instructor)
	kit.Eq(d, "provider", got.Provider, want.Provider)
	kit.Eq(d, "capacity", got.Capacity, want.Capacity)
	kit.Eq(d, "state", got.State, want.State)
	kit.Each(d, "attendees", got.Attendees, want.Attendees, func(d *kit.Differ, p string, g, w training.Attendee) {
		kit.Eq(d, p+".employee", g.Employee, w.Employee)
		kit.Eq(d, p+".status", g.Status, w.Status)
		kit.Eq(d, p+".attendance", g.Attendance, w.Attendance)
		d.Amount(p+".hours", g.Hours, w.Hours)
		d.AmountPtr(p+".score", g.Score, w.Score)
		kit.Eq(d, p+".exempt", g.Exempt, w.Exempt)
		d.Instant(p+".at", g.At, w.At)
	})
	d.Instant("closed_at", got.ClosedAt, want.ClosedAt)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffAttempt(d *kit.Differ, p string, g, w training.Attempt) {
	kit.Eq(d, p+".session_id", g.SessionID, w.SessionID)
	d.Amount(p+".score", g.Score, w.Score)
	kit.Eq(d, p+".passed", g.Passed, w.Passed)
	kit.Eq(d, p+".missed", g.Missed, w.Missed)
	d.Instant(p+".at", g.At, w.At)
}

func diffProgress(got, want training.Progress) error {
	d := kit.NewDiffer("progress %s/%s", want.DealerID, want.Key())
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "year", got.Year, want.Year)
	kit.Eq(d, "course_id", got.CourseID, want.CourseID)
	kit.Eq(d, "employee", got.Employee, want.Employee)
	kit.Eq(d, "standing", got.Standing, want.Standing)
	kit.Each(d, "attempts", got.Attempts, want.Attempts, diffAttempt)
	kit.Each(d, "earlier", got.Earlier, want.Earlier, diffAttempt)
	d.Instant("retake_by", got.RetakeBy, want.RetakeBy)
	kit.Eq(d, "retraining_session", got.RetrainingSession, want.RetrainingSession)
	kit.Eq(d, "commended", got.Commended, want.Commended)
	d.Instant("commended_at", got.CommendedAt, want.CommendedAt)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffCareer(got, want training.Career) error {
	d := kit.NewDiffer("career %s/%s", want.DealerID, want.Employee)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "employee", got.Employee, want.Employee)
	kit.Each(d, "notes", got.Notes, want.Notes, func(d *kit.Differ, p string, g, w training.Note) {
		kit.Eq(d, p+".by", g.By, w.By)
		d.Instant(p+".at", g.At, w.At)
		kit.Eq(d, p+".text", g.Text, w.Text)
	})
	kit.Each(d, "goals", got.Goals, want.Goals, func(d *kit.Differ, p string, g, w training.Goal) {
		kit.Eq(d, p+".text", g.Text, w.Text)
		d.Instant(p+".due", g.Due, w.Due)
		kit.Eq(d, p+".done", g.Done, w.Done)
	})
	kit.Each(d, "certificates", got.Certificates, want.Certificates, func(d *kit.Differ, p string, g, w training.HeldCertificate) {
		kit.Eq(d, p+".name", g.Name, w.Name)
		kit.Eq(d, p+".year", g.Year, w.Year)
		kit.Eq(d, p+".course_id", g.CourseID, w.CourseID)
		d.Instant(p+".issued_at", g.IssuedAt, w.IssuedAt)
		d.Instant(p+".expires", g.Expires, w.Expires)
	})
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func planYear(p training.Plan) string         { return fmt.Sprint(p.Year) }
func sessionID(s training.Session) string     { return s.ID }
func progressKey(p training.Progress) string  { return p.Key() }
func careerEmployee(c training.Career) string { return string(c.Employee) }
func sortedByKey(ps []training.Progress) []training.Progress {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b training.Progress) int { return strings.Compare(a.Key(), b.Key()) })
	return ps
}

func sortedByEmployee(cs []training.Career) []training.Career {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b training.Career) int { return strings.Compare(string(a.Employee), string(b.Employee)) })
	return cs
}

// sortedByStart orders sessions as Sessions must: by Start as instants,
// then by ID in byte order.
func sortedByStart(ss []training.Session) []training.Session {
	ss = slices.Clone(ss)
	slices.SortFunc(ss, func(a, b training.Session) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ss
}
