package training

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// SessionState is where a session stands.
type SessionState string

// Session states: a scheduled session takes enrolments, attendance and
// results; a closed one is final.
const (
	SessionScheduled SessionState = "scheduled"
	SessionClosed    SessionState = "closed"
)

// Status is an attendee's place in a session.
type Status string

// Attendee statuses.
const (
	StatusEnrolled   Status = "enrolled"
	StatusWaitlisted Status = "waitlisted"
	StatusWithdrawn  Status = "withdrawn"
)

// Attendance is whether an enrolled employee came.
type Attendance string

// Attendances.
const (
	Present Attendance = "present"
	Absent  Attendance = "absent"
	Excused Attendance = "excused"
)

// Attendee is one employee of a session.
type Attendee struct {
	Employee   org.EmployeeID `json:"employee"`
	Status     Status         `json:"status"`
	Attendance Attendance     `json:"attendance,omitempty"`
	// Hours are credited to a present attendee.
	Hours decimal.Decimal `json:"hours"`
	// Score is the session's assessment result, when there is one.
	Score *decimal.Decimal `json:"score,omitempty"`
	// Exempt is the reason the attendee needs no result.
	Exempt string    `json:"exempt,omitempty"`
	At     time.Time `json:"at"`
}

// Session is a scheduled run of a course of the year's plan.
type Session struct {
	DealerID   org.DealerID    `json:"dealer_id"`
	ID         string          `json:"id"`
	Year       int             `json:"year"`
	CourseID   string          `json:"course_id"`
	Start      time.Time       `json:"start"`
	Hours      decimal.Decimal `json:"hours"`
	Place      string          `json:"place,omitempty"`
	Link       string          `json:"link,omitempty"`
	Instructor string          `json:"instructor,omitempty"`
	Provider   string          `json:"provider,omitempty"`
	Capacity   int             `json:"capacity"`
	State      SessionState    `json:"state"`
	// Attendees in enrolment order; the waitlist is the waitlisted ones
	// in that order.
	Attendees []Attendee `json:"attendees"`
	ClosedAt  time.Time  `json:"closed_at,omitzero"`
	Version   int64      `json:"version"`
}

// End is when the session is over: its start plus its hours.
func (s Session) End() time.Time {
	return s.Start.Add(time.Duration(s.Hours.Mul(decimal.NewFromInt(int64(time.Hour))).IntPart()))
}

// Clone returns a deep copy of s.
func (s Session) Clone() Session {
	s.Attendees = slices.Clone(s.Attendees)
	for i := range s.Attendees {
		if sc := s.Attendees[i].Score; sc != nil {
			x := *sc
			s.Attendees[i].Score = &x
		}
	}
	return s
}

func (s *Session) attendee(e org.EmployeeID) int {
	return slices.IndexFunc(s.Attendees, func(a Attendee) bool { return a.Employee == e && a.Status != StatusWithdrawn })
}

func (s *Session) count(st Status) int {
	n := 0
	for _, a := range s.Attendees {
		if a.Status == st {
			n++
		}
	}
	return n
}

// Standing is where an employee stands with a course.
type Standing string

// Standings (R5.4).
const (
	InProgress         Standing = "in_progress"
	Passed             Standing = "passed"
	RetakeDue          Standing = "retake_due"          // failed; a retake (補考) is due by RetakeBy
	RetrainingRequired Standing = "retraining_required" // failed the last attempt: takes the course again
)

// Attempt is one assessment of an employee in a course.
type Attempt struct {
	SessionID string          `json:"session_id,omitempty"`
	Score     decimal.Decimal `json:"score"`
	Passed    bool            `json:"passed"`
	// Missed is a retake not taken within its window: a fail (R5.4).
	Missed bool      `json:"missed,omitempty"`
	At     time.Time `json:"at"`
}

// Progress is an employee's record in one course of one year: attempts,
// standing, retake and retraining, commendation.
type Progress struct {
	DealerID org.DealerID   `json:"dealer_id"`
	Year     int            `json:"year"`
	CourseID string         `json:"course_id"`
	Employee org.EmployeeID `json:"employee"`
	Standing Standing       `json:"standing"`
	// Attempts of the current round; a retraining starts a new round.
	Attempts []Attempt `json:"attempts"`
	// Earlier holds the attempts of earlier rounds.
	Earlier  []Attempt `json:"earlier,omitempty"`
	RetakeBy time.Time `json:"retake_by,omitzero"`
	// RetrainingSession is the session the employee was enrolled in again;
	// empty with RetrainingRequired means flagged: no session yet.
	RetrainingSession string    `json:"retraining_session,omitempty"`
	Commended         bool      `json:"commended"`
	CommendedAt       time.Time `json:"commended_at,omitzero"`
	Version           int64     `json:"version"`
}

// Clone returns a deep copy of p.
func (p Progress) Clone() Progress {
	p.Attempts = slices.Clone(p.Attempts)
	p.Earlier = slices.Clone(p.Earlier)
	return p
}

// Key is the progress' identity within its dealer.
func (p Progress) Key() string {
	return progressKey(p.Year, p.CourseID, p.Employee)
}

func progressKey(year int, course string, e org.EmployeeID) string {
	return fmt.Sprintf("%04d/%s/%s", year, course, e)
}

// Note is a supervisor's career advice (R5.5).
type Note struct {
	By   org.EmployeeID `json:"by"`
	At   time.Time      `json:"at"`
	Text string         `json:"text"`
}

// Goal is a career goal (R5.5).
type Goal struct {
	Text string    `json:"text" validate:"notblank,max=2000"`
	Due  time.Time `json:"due"`
	Done bool      `json:"done"`
}

// HeldCertificate is a certificate an employee earned by passing a course.
type HeldCertificate struct {
	Name     string    `json:"name"`
	Year     int       `json:"year"`
	CourseID string    `json:"course_id"`
	IssuedAt time.Time `json:"issued_at"`
	// Expires is zero when the certificate does not expire.
	Expires time.Time `json:"expires,omitzero"`
}

// Career is an employee's career development record (R5.5).
type Career struct {
	DealerID     org.DealerID      `json:"dealer_id"`
	Employee     org.EmployeeID    `json:"employee"`
	Notes        []Note            `json:"notes,omitempty"`
	Goals        []Goal            `json:"goals,omitempty"`
	Certificates []HeldCertificate `json:"certificates,omitempty"`
	Version      int64             `json:"version"`
}

// Clone returns a deep copy of c.
func (c Career) Clone() Career {
	c.Notes = slices.Clone(c.Notes)
	c.Goals = slices.Clone(c.Goals)
	c.Certificates = slices.Clone(c.Certificates)
	return c
}
