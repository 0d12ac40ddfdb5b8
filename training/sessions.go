package training

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// course loads a year's plan and one of its courses; the plan must be
// approved for sessions to run.
func (s *Service) course(ctx context.Context, dealer org.DealerID, op string, year int, id string) (Course, error) {
	p, err := s.store.Plan(ctx, dealer, year)
	if err != nil {
		return Course{}, fmt.Errorf("training: %s: plan %d: %w", op, year, err)
	}
	if p.State != PlanApproved {
		return Course{}, org.Refuse("training", "plan", fmt.Sprint(year), string(p.State), op, org.Actor{}, "R5.1_plan_approved_first",
			fmt.Sprintf("the plan of %d is not approved", year))
	}
	c, ok := p.Course(id)
	if !ok {
		ve := &org.ValidationError{Op: "training: " + op}
		ve.Add("course_id", org.CodeNotFound, "no such course in the year's plan")
		return Course{}, ve
	}
	return c, nil
}

// SessionInput schedules a run of a course.
type SessionInput struct {
	ID         string          `json:"id" validate:"omitempty,ident,max=64"`
	Year       int             `json:"year" validate:"min=2000,max=2200"`
	CourseID   string          `json:"course_id" validate:"required,max=64"`
	Start      time.Time       `json:"start" validate:"required"`
	Hours      decimal.Decimal `json:"hours"` // zero: the course's hours
	Place      string          `json:"place" validate:"max=200"`
	Link       string          `json:"link" validate:"omitempty,url,max=500"`
	Instructor string          `json:"instructor" validate:"max=200"` // empty: the course's
	Provider   string          `json:"provider" validate:"max=200"`   // empty: the course's
	Capacity   int             `json:"capacity" validate:"min=1,max=1000"`
}

// ScheduleSession schedules a session of a course of the approved plan,
// with date, place or link, instructor or provider (R5.3) and capacity.
// Only the service advisor department's supervisor (R2.2).
func (s *Service) ScheduleSession(ctx context.Context, dealer org.DealerID, actor org.Actor, in SessionInput) (_ Session, err error) {
	ctx, ob := s.obs.Begin(ctx, "schedule_session", dealer, actor)
	defer ob.End(&err)
	const op = "schedule session"
	ve := shape(op, in)
	if in.Hours.IsNegative() || in.Hours.GreaterThan(maxHours) {
		ve.Add("hours", org.CodeRange, "must be 0 (the course's hours) to 1000")
	}
	if err := ve.Err(); err != nil {
		return Session{}, err
	}
	if _, err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return Session{}, err
	}
	c, err := s.course(ctx, dealer, op, in.Year, in.CourseID)
	if err != nil {
		return Session{}, err
	}
	ss := Session{DealerID: dealer, ID: in.ID, Year: in.Year, CourseID: in.CourseID, Start: in.Start.UTC().Truncate(time.Microsecond),
		Hours: in.Hours, Place: in.Place, Link: in.Link, Instructor: in.Instructor, Provider: in.Provider,
		Capacity: in.Capacity, State: SessionScheduled, Attendees: []Attendee{}, Version: 1}
	if ss.Hours.IsZero() {
		ss.Hours = c.Hours
	}
	if ss.Instructor == "" {
		ss.Instructor = c.Instructor
	}
	if ss.Provider == "" {
		ss.Provider = c.Provider
	}
	switch {
	case c.Method == MethodOnline && ss.Link == "":
		ve.Add("link", org.CodeRequired, "an online session gives its link (R5.3)")
	case c.Method != MethodOnline && ss.Place == "" && ss.Link == "":
		ve.Add("place", org.CodeRequired, "a session gives its place or link")
	}
	if ss.ID == "" {
		ss.ID = s.ids.NewID()
	} else if _, err := s.store.Session(ctx, dealer, ss.ID); err == nil {
		ve.Add("id", org.CodeDuplicate, "a session has this ID already")
	} else if !errors.Is(err, ErrNotFound) {
		return Session{}, err
	}
	if err := ve.Err(); err != nil {
		return Session{}, err
	}
	now := org.Now(s.clock)
	ev := s.event(dealer, actor, now, "training.session_scheduled", "session/"+ss.ID, "", map[string]any{"after": ss})
	if err := s.store.Commit(ctx, dealer, Change{Sessions: []Session{ss}, Events: []org.Event{ev}}); err != nil {
		return Session{}, fmt.Errorf("training: schedule session: %w", err)
	}
	return ss, nil
}

// EnrolInput names a session and an employee.
type EnrolInput struct {
	Session  string         `json:"session" validate:"required,max=64"`
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
}

// Enrol enrols an employee in a session before it starts: a supervisor
// enrols themselves or any active employee they supervise (R2.2); an
// employee enrols themselves when the course
// allows self-enrolment and is for them. A full session puts the employee
// on its waitlist.
func (s *Service) Enrol(ctx context.Context, dealer org.DealerID, actor org.Actor, in EnrolInput) (_ Session, err error) {
	ctx, ob := s.obs.Begin(ctx, "enrol", dealer, actor)
	defer ob.End(&err)
	const op = "enrol"
	ve := shape(op, in)
	if err := ve.Err(); err != nil {
		return Session{}, err
	}
	me, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician)
	if err != nil {
		return Session{}, err
	}
	ss, err := s.store.Session(ctx, dealer, in.Session)
	if err != nil {
		return Session{}, fmt.Errorf("training: enrol: session %s: %w", in.Session, err)
	}
	c, err := s.course(ctx, dealer, op, ss.Year, ss.CourseID)
	if err != nil {
		return Session{}, err
	}
	e, err := s.roster.Employee(ctx, dealer, in.Employee)
	if err != nil || !e.Active {
		ve.Add("employee", org.CodeNotFound, "no active employee with this ID")
		return Session{}, ve
	}
	if me.Role != org.RoleSupervisor {
		switch {
		case me.ID != e.ID:
			return Session{}, fmt.Errorf("training: enrol: %s may enrol only themselves: %w", actor, ErrForbidden)
		case !c.SelfEnrol || !c.Targets(e):
			return Session{}, fmt.Errorf("training: enrol: course %s allows no self-enrolment of %s: %w", c.ID, actor, ErrForbidden)
		}
	} else if me.ID != e.ID { // a supervisor may enrol themselves
		if _, err := s.roster.AuthorizeOver(ctx, dealer, actor, e.ID); err != nil {
			return Session{}, fmt.Errorf("training: enrol: %w", err) // R2.2
		}
	}
	now := org.Now(s.clock)
	if ss.State != SessionScheduled || !now.Before(ss.Start) {
		return Session{}, org.Refuse("training", "session", string(ss.ID), string(ss.State), "enrol", actor, org.RuleState,
			fmt.Sprintf("session %s has started or closed", ss.ID))
	}
	if ss.attendee(e.ID) >= 0 {
		ve.Add("employee", org.CodeDuplicate, "is in this session already")
		return Session{}, ve
	}
	st := enrolInto(&ss, e.ID, now)
	ss.Version++
	ev := s.event(dealer, actor, now, "training.enrolled", "session/"+ss.ID, "", map[string]any{"employee": e.ID, "status": st})
	if err := s.store.Commit(ctx, dealer, Change{Sessions: []Session{ss}, Events: []org.Event{ev}}); err != nil {
		return Session{}, fmt.Errorf("training: enrol %s: %w", e.ID, err)
	}
	return ss, nil
}

// enrolInto adds e to ss, on the waitlist when it is full.
func enrolInto(ss *Session, e org.EmployeeID, now time.Time) Status {
	st := StatusEnrolled
	if ss.count(StatusEnrolled) >= ss.Capacity {
		st = StatusWaitlisted
	}
	ss.Attendees = append(ss.Attendees, Attendee{Employee: e, Status: st, At: now})
	return st
}

// Withdraw takes an employee out of a session before it starts: the
// employee's supervisor (R2.2) or the employee. The first of the waitlist
// takes a freed place.
func (s *Service) Withdraw(ctx context.Context, dealer org.DealerID, actor org.Actor, in EnrolInput) (_ Session, err error) {
	ctx, ob := s.obs.Begin(ctx, "withdraw", dealer, actor)
	defer ob.End(&err)
	ve := shape("withdraw", in)
	if err := ve.Err(); err != nil {
		return Session{}, err
	}
	me, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician)
	if err != nil {
		return Session{}, err
	}
	switch {
	case me.Role != org.RoleSupervisor && me.ID != in.Employee:
		return Session{}, fmt.Errorf("training: withdraw: %s may withdraw only themselves: %w", actor, ErrForbidden)
	case me.Role == org.RoleSupervisor && me.ID != in.Employee:
		if _, err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
			return Session{}, err
		}
	}
	ss, err := s.store.Session(ctx, dealer, in.Session)
	if err != nil {
		return Session{}, fmt.Errorf("training: withdraw: session %s: %w", in.Session, err)
	}
	now := org.Now(s.clock)
	if ss.State != SessionScheduled || !now.Before(ss.Start) {
		return Session{}, org.Refuse("training", "session", string(ss.ID), string(ss.State), "withdraw", actor, org.RuleState,
			fmt.Sprintf("session %s has started or closed", ss.ID))
	}
	i := ss.attendee(in.Employee)
	if i < 0 {
		ve.Add("employee", org.CodeNotFound, "is not in this session")
		return Session{}, ve
	}
	freed := ss.Attendees[i].Status == StatusEnrolled
	ss.Attendees[i].Status, ss.Attendees[i].At = StatusWithdrawn, now
	var promoted org.EmployeeID
	if freed {
		for k := range ss.Attendees {
			if ss.Attendees[k].Status == StatusWaitlisted {
				ss.Attendees[k].Status, ss.Attendees[k].At = StatusEnrolled, now
				promoted = ss.Attendees[k].Employee
				break
			}
		}
	}
	ss.Version++
	ev := s.event(dealer, actor, now, "training.withdrawn", "session/"+ss.ID, "", map[string]any{"employee": in.Employee, "promoted": promoted})
	if err := s.store.Commit(ctx, dealer, Change{Sessions: []Session{ss}, Events: []org.Event{ev}}); err != nil {
		return Session{}, fmt.Errorf("training: withdraw %s: %w", in.Employee, err)
	}
	return ss, nil
}

// AttendanceInput records whether an enrolled employee came.
type AttendanceInput struct {
	Session    string         `json:"session" validate:"required,max=64"`
	Employee   org.EmployeeID `json:"employee" validate:"required,max=64"`
	Attendance Attendance     `json:"attendance" validate:"oneof=present absent excused"`
	// Exempt, with a reason, releases the attendee from the assessment.
	Exempt string `json:"exempt" validate:"max=2000"`
}

// RecordAttendance records an enrolled employee's attendance once the
// session has started, crediting its hours to a present one, and an
// exemption from the assessment when given. Only the employee's supervisor
// (R2.2).
func (s *Service) RecordAttendance(ctx context.Context, dealer org.DealerID, actor org.Actor, in AttendanceInput) (_ Session, err error) {
	ctx, ob := s.obs.Begin(ctx, "record_attendance", dealer, actor)
	defer ob.End(&err)
	const op = "record attendance"
	ve := shape(op, in)
	if err := ve.Err(); err != nil {
		return Session{}, err
	}
	if _, err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Session{}, err
	}
	ss, err := s.store.Session(ctx, dealer, in.Session)
	if err != nil {
		return Session{}, fmt.Errorf("training: %s: session %s: %w", op, in.Session, err)
	}
	now := org.Now(s.clock)
	if ss.State != SessionScheduled || now.Before(ss.Start) {
		return Session{}, org.Refuse("training", "session", string(ss.ID), string(ss.State), op, actor, org.RuleState,
			fmt.Sprintf("session %s has not started or is closed", ss.ID))
	}
	i := ss.attendee(in.Employee)
	if i < 0 || ss.Attendees[i].Status != StatusEnrolled {
		ve.Add("employee", org.CodeNotFound, "is not enrolled in this session")
		return Session{}, ve
	}
	a := &ss.Attendees[i]
	a.Attendance, a.Hours, a.At = in.Attendance, decimal.Zero, now
	if in.Attendance == Present {
		a.Hours = ss.Hours
	}
	if in.Exempt != "" {
		a.Exempt = in.Exempt
	}
	ss.Version++
	ev := s.event(dealer, actor, now, "training.attendance_recorded", "session/"+ss.ID, in.Exempt,
		map[string]any{"employee": in.Employee, "attendance": in.Attendance, "hours": a.Hours})
	if err := s.store.Commit(ctx, dealer, Change{Sessions: []Session{ss}, Events: []org.Event{ev}}); err != nil {
		return Session{}, fmt.Errorf("training: %s %s: %w", op, in.Employee, err)
	}
	return ss, nil
}

// CloseSession closes a session once every enrolled attendee has a
// result or an exemption (R5.4: every training ends with an assessment).
// Only the service advisor department's supervisor (R2.2).
func (s *Service) CloseSession(ctx context.Context, dealer org.DealerID, actor org.Actor, id string) (_ Session, err error) {
	ctx, ob := s.obs.Begin(ctx, "close_session", dealer, actor)
	defer ob.End(&err)
	if _, err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return Session{}, err
	}
	ss, err := s.store.Session(ctx, dealer, id)
	if err != nil {
		return Session{}, fmt.Errorf("training: close session %s: %w", id, err)
	}
	now := org.Now(s.clock)
	if ss.State != SessionScheduled || now.Before(ss.End()) {
		return Session{}, org.Refuse("training", "session", string(ss.ID), string(ss.State), "close_session", actor, org.RuleState,
			fmt.Sprintf("session %s is %s or not over", id, ss.State))
	}
	ve := &org.ValidationError{Op: "training: close session"}
	for i, a := range ss.Attendees {
		if a.Status == StatusEnrolled && a.Score == nil && a.Exempt == "" {
			ve.Add(fmt.Sprintf("attendees[%d].score", i), org.CodeRequired, "no result and no exemption for "+string(a.Employee)+" (R5.4)")
		}
	}
	if err := ve.Err(); err != nil {
		return Session{}, err
	}
	ss.State, ss.ClosedAt = SessionClosed, now
	ss.Version++
	ev := s.event(dealer, actor, now, "training.session_closed", "session/"+ss.ID, "", map[string]any{"state": ss.State})
	if err := s.store.Commit(ctx, dealer, Change{Sessions: []Session{ss}, Events: []org.Event{ev}}); err != nil {
		return Session{}, fmt.Errorf("training: close session %s: %w", id, err)
	}
	return ss, nil
}
