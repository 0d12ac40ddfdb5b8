package trainingtest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// differ collects the differences between a record read back and the one
// written, each named by its path ("attendees[0].score"). Decimals
// compare with Equal (100.0000 is 100), instants with Equal and must be in
// UTC, slices element by element, nil and empty alike; pointers must be
// nil or set as written.
type differ struct {
	what  string
	diffs []string
}

func (d *differ) add(path, format string, args ...any) {
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

func (d *differ) err() error {
	if len(d.diffs) == 0 {
		return nil
	}
	const most = 8
	list := d.diffs
	more := ""
	if len(list) > most {
		list, more = list[:most], fmt.Sprintf("; and %d more", len(d.diffs)-most)
	}
	return fmt.Errorf("%s reads back different: %s%s", d.what, strings.Join(list, "; "), more)
}

func eq[T comparable](d *differ, path string, got, want T) {
	if got != want {
		d.add(path, "got %#v, want %#v", got, want)
	}
}

func (d *differ) amount(path string, got, want decimal.Decimal) {
	if !got.Equal(want) {
		d.add(path, "got %s, want %s", got, want)
	}
}

// amountPtr compares two optional decimals: nil or set alike, then by value.
func (d *differ) amountPtr(path string, got, want *decimal.Decimal) {
	switch {
	case (got == nil) != (want == nil):
		d.add(path, "got %s, want %s", ptrString(got), ptrString(want))
	case want != nil:
		d.amount(path, *got, *want)
	}
}

func ptrString(p *decimal.Decimal) string {
	if p == nil {
		return "nil"
	}
	return p.String()
}

func (d *differ) instant(path string, got, want time.Time) {
	if err := sameInstant(got, want); err != nil {
		d.add(path, "%v", err)
	}
}

func sameInstant(got, want time.Time) error {
	switch {
	case want.IsZero() && !got.IsZero():
		return fmt.Errorf("got %s, want the zero time", got.Format(time.RFC3339Nano))
	case want.IsZero():
		return nil
	case !got.Equal(want):
		return fmt.Errorf("got %s, want %s", got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	case got.Location() != time.UTC:
		return fmt.Errorf("got zone %s (%s), want UTC", got.Location(), got.Format(time.RFC3339Nano))
	}
	return nil
}

// each compares two slices element by element; nil and empty are alike.
func each[T any](d *differ, path string, got, want []T, diff func(d *differ, path string, got, want T)) {
	if len(got) != len(want) {
		d.add(path, "got %d elements, want %d", len(got), len(want))
		return
	}
	for i := range want {
		diff(d, fmt.Sprintf("%s[%d]", path, i), got[i], want[i])
	}
}

// list compares slices of plain values; nil and empty are alike.
func list[T comparable](d *differ, path string, got, want []T) {
	if !slices.Equal(got, want) {
		d.add(path, "got %v, want %v", got, want)
	}
}

func diffCourse(d *differ, p string, g, w training.Course) {
	eq(d, p+".id", g.ID, w.ID)
	eq(d, p+".title", g.Title, w.Title)
	eq(d, p+".category", g.Category, w.Category)
	eq(d, p+".method", g.Method, w.Method)
	eq(d, p+".instructor", g.Instructor, w.Instructor)
	eq(d, p+".provider", g.Provider, w.Provider)
	eq(d, p+".month", g.Month, w.Month)
	d.amount(p+".hours", g.Hours, w.Hours)
	eq(d, p+".target.all_advisors", g.Target.AllAdvisors, w.Target.AllAdvisors)
	eq(d, p+".target.role", g.Target.Role, w.Target.Role)
	list(d, p+".target.employees", g.Target.Employees, w.Target.Employees)
	eq(d, p+".mandatory", g.Mandatory, w.Mandatory)
	eq(d, p+".self_enrol", g.SelfEnrol, w.SelfEnrol)
	ga, wa := g.Assessment, w.Assessment
	eq(d, p+".assessment.kind", ga.Kind, wa.Kind)
	d.amount(p+".assessment.pass_mark", ga.PassMark, wa.PassMark)
	d.amount(p+".assessment.excellent", ga.Excellent, wa.Excellent)
	eq(d, p+".assessment.max_attempts", ga.MaxAttempts, wa.MaxAttempts)
	eq(d, p+".assessment.retake_window_days", ga.RetakeWindowDays, wa.RetakeWindowDays)
	eq(d, p+".assessment.counts", ga.Counts, wa.Counts)
	switch gc, wc := g.Certificate, w.Certificate; {
	case (gc == nil) != (wc == nil):
		d.add(p+".certificate", "got %v, want %v", gc, wc)
	case wc != nil:
		eq(d, p+".certificate", *gc, *wc)
	}
}

func diffPlan(got, want training.Plan) error {
	d := &differ{what: fmt.Sprintf("plan %s/%d", want.DealerID, want.Year)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "year", got.Year, want.Year)
	eq(d, "state", got.State, want.State)
	each(d, "courses", got.Courses, want.Courses, diffCourse)
	eq(d, "written_by", got.WrittenBy, want.WrittenBy)
	eq(d, "approved_by", got.ApprovedBy, want.ApprovedBy)
	d.instant("approved_at", got.ApprovedAt, want.ApprovedAt)
	eq(d, "revision", got.Revision, want.Revision)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffSession(got, want training.Session) error {
	d := &differ{what: fmt.Sprintf("session %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	eq(d, "year", got.Year, want.Year)
	eq(d, "course_id", got.CourseID, want.CourseID)
	d.instant("start", got.Start, want.Start)
	d.amount("hours", got.Hours, want.Hours)
	eq(d, "place", got.Place, want.Place)
	eq(d, "link", got.Link, want.Link)
	eq(d, "instructor", got.Instructor, want.Instructor)
	eq(d, "provider", got.Provider, want.Provider)
	eq(d, "capacity", got.Capacity, want.Capacity)
	eq(d, "state", got.State, want.State)
	each(d, "attendees", got.Attendees, want.Attendees, func(d *differ, p string, g, w training.Attendee) {
		eq(d, p+".employee", g.Employee, w.Employee)
		eq(d, p+".status", g.Status, w.Status)
		eq(d, p+".attendance", g.Attendance, w.Attendance)
		d.amount(p+".hours", g.Hours, w.Hours)
		d.amountPtr(p+".score", g.Score, w.Score)
		eq(d, p+".exempt", g.Exempt, w.Exempt)
		d.instant(p+".at", g.At, w.At)
	})
	d.instant("closed_at", got.ClosedAt, want.ClosedAt)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffAttempt(d *differ, p string, g, w training.Attempt) {
	eq(d, p+".session_id", g.SessionID, w.SessionID)
	d.amount(p+".score", g.Score, w.Score)
	eq(d, p+".passed", g.Passed, w.Passed)
	eq(d, p+".missed", g.Missed, w.Missed)
	d.instant(p+".at", g.At, w.At)
}

func diffProgress(got, want training.Progress) error {
	d := &differ{what: fmt.Sprintf("progress %s/%s", want.DealerID, want.Key())}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "year", got.Year, want.Year)
	eq(d, "course_id", got.CourseID, want.CourseID)
	eq(d, "employee", got.Employee, want.Employee)
	eq(d, "standing", got.Standing, want.Standing)
	each(d, "attempts", got.Attempts, want.Attempts, diffAttempt)
	each(d, "earlier", got.Earlier, want.Earlier, diffAttempt)
	d.instant("retake_by", got.RetakeBy, want.RetakeBy)
	eq(d, "retraining_session", got.RetrainingSession, want.RetrainingSession)
	eq(d, "commended", got.Commended, want.Commended)
	d.instant("commended_at", got.CommendedAt, want.CommendedAt)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffCareer(got, want training.Career) error {
	d := &differ{what: fmt.Sprintf("career %s/%s", want.DealerID, want.Employee)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "employee", got.Employee, want.Employee)
	each(d, "notes", got.Notes, want.Notes, func(d *differ, p string, g, w training.Note) {
		eq(d, p+".by", g.By, w.By)
		d.instant(p+".at", g.At, w.At)
		eq(d, p+".text", g.Text, w.Text)
	})
	each(d, "goals", got.Goals, want.Goals, func(d *differ, p string, g, w training.Goal) {
		eq(d, p+".text", g.Text, w.Text)
		d.instant(p+".due", g.Due, w.Due)
		eq(d, p+".done", g.Done, w.Done)
	})
	each(d, "certificates", got.Certificates, want.Certificates, func(d *differ, p string, g, w training.HeldCertificate) {
		eq(d, p+".name", g.Name, w.Name)
		eq(d, p+".year", g.Year, w.Year)
		eq(d, p+".course_id", g.CourseID, w.CourseID)
		d.instant(p+".issued_at", g.IssuedAt, w.IssuedAt)
		d.instant(p+".expires", g.Expires, w.Expires)
	})
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

// diffEvent compares everything but Seq, which the store assigns.
func diffEvent(got, want org.Event) error {
	d := &differ{what: fmt.Sprintf("event %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	d.instant("at", got.At, want.At)
	eq(d, "actor", got.Actor, want.Actor)
	eq(d, "type", got.Type, want.Type)
	eq(d, "subject", got.Subject, want.Subject)
	eq(d, "reason", got.Reason, want.Reason)
	if string(got.Data) != string(want.Data) {
		d.add("data", "got %s, want %s (byte for byte)", got.Data, want.Data)
	}
	return d.err()
}

// diffEvents compares two runs of events, Seq included.
func diffEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %d %s", what, len(got), eventIDs(got), len(want), eventIDs(want))
	}
	var errs []error
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, event %d: %w", what, i, err))
		} else if got[i].Seq != want[i].Seq {
			errs = append(errs, fmt.Errorf("%s, event %d (%s): Seq %d, want %d", what, i, want[i].ID, got[i].Seq, want[i].Seq))
		}
	}
	return errors.Join(errs...)
}

// sameEvents compares events without their Seq.
func sameEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %s", what, len(got), eventIDs(got), eventIDs(want))
	}
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			return fmt.Errorf("%s, event %d: %w", what, i, err)
		}
	}
	return nil
}

func eventIDs(evs []org.Event) string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = fmt.Sprintf("%s@%d", ev.ID, ev.Seq)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// diffList compares a list read back with the records it must hold, in
// order: first their keys, then each record.
func diffList[T any](what string, got, want []T, key func(T) string, diff func(got, want T) error) error {
	if err := sameKeys(what, got, want, key); err != nil {
		return err
	}
	var errs []error
	for i := range want {
		if err := diff(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, element %d: %w", what, i, err))
		}
	}
	return errors.Join(errs...)
}

func sameKeys[T any](what string, got, want []T, key func(T) string) error {
	g, w := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		g[i] = key(got[i])
	}
	for i := range want {
		w[i] = key(want[i])
	}
	if !slices.Equal(g, w) {
		return fmt.Errorf("%s = %q, want %q", what, g, w)
	}
	return nil
}

func planYear(p training.Plan) string         { return fmt.Sprint(p.Year) }
func sessionID(s training.Session) string     { return s.ID }
func progressKey(p training.Progress) string  { return p.Key() }
func careerEmployee(c training.Career) string { return string(c.Employee) }
func yearSessionID(s training.Session) string { return fmt.Sprintf("%d/%s", s.Year, s.ID) }
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
