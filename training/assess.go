package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// RubricItem is one criterion of a case analysis: points given out of
// the maximum.
type RubricItem struct {
	Points decimal.Decimal `json:"points"`
	Max    decimal.Decimal `json:"max"`
}

// Result is an assessment's raw result; which part is used depends on the
// course's kind: Score for an exam, Checklist for a practical, Rubric for
// a case analysis.
type Result struct {
	Score     *decimal.Decimal `json:"score,omitempty"`
	Checklist []bool           `json:"checklist,omitempty" validate:"max=200"`
	Rubric    []RubricItem     `json:"rubric,omitempty" validate:"max=200"`
}

// score turns r into a score 0 to 100 for kind, adding problems to ve.
func (r Result) score(kind AssessmentKind, ve *org.ValidationError) decimal.Decimal {
	switch kind {
	case KindExam:
		if r.Score == nil {
			ve.Add("result.score", org.CodeRequired, "an exam gives a score")
			return decimal.Zero
		}
		if r.Score.IsNegative() || r.Score.GreaterThan(hundred) {
			ve.Add("result.score", org.CodeRange, "must be 0 to 100")
		}
		// Scores are in hundredths, as a checklist's or a rubric's are, so
		// no rounding of a mean can lift a failed 59.995 to a pass mark.
		if !r.Score.Equal(r.Score.Truncate(2)) {
			ve.Add("result.score", org.CodeFormat, "at most 2 decimal places")
		}
		return *r.Score
	case KindPractical:
		if len(r.Checklist) == 0 {
			ve.Add("result.checklist", org.CodeRequired, "a practical gives its checklist")
			return decimal.Zero
		}
		done := 0
		for _, ok := range r.Checklist {
			if ok {
				done++
			}
		}
		return decimal.NewFromInt(int64(done)).Mul(hundred).DivRound(decimal.NewFromInt(int64(len(r.Checklist))), 2)
	default:
		if len(r.Rubric) == 0 {
			ve.Add("result.rubric", org.CodeRequired, "a case analysis gives its rubric")
			return decimal.Zero
		}
		var pts, max decimal.Decimal
		for i, it := range r.Rubric {
			if !it.Max.IsPositive() || it.Points.IsNegative() || it.Points.GreaterThan(it.Max) {
				ve.Add(fmt.Sprintf("result.rubric[%d]", i), org.CodeRange, "points must be 0 to a positive max")
			}
			pts, max = pts.Add(it.Points), max.Add(it.Max)
		}
		if !max.IsPositive() {
			return decimal.Zero
		}
		return pts.Mul(hundred).DivRound(max, 2)
	}
}

// AssessInput is the assessment of an attendee at the end of a session.
type AssessInput struct {
	Session  string         `json:"session" validate:"required,max=64"`
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
	Result   Result         `json:"result"`
}

// Assess records the assessment that ends a session (R5.4) for a present
// enrolled attendee, once the session is over (the injected clock), and
// applies its consequences: an excellent result is commended; a fail
// schedules a retake (補考) within the course's window, and the last
// failed attempt requires retraining: the employee is enrolled in the
// course's next session, or flagged when there is none. A pass grants the
// course's certificate. Only the employee's supervisor (R2.2).
func (s *Service) Assess(ctx context.Context, dealer org.DealerID, actor org.Actor, in AssessInput) (_ Progress, err error) {
	ctx, ob := s.obs.Begin(ctx, "assess", dealer, actor)
	defer ob.End(&err)
	const op = "assess"
	ve := shape(op, in)
	if err := ve.Err(); err != nil {
		return Progress{}, err
	}
	if _, err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Progress{}, err
	}
	ss, err := s.store.Session(ctx, dealer, in.Session)
	if err != nil {
		return Progress{}, fmt.Errorf("training: assess: session %s: %w", in.Session, err)
	}
	now := org.Now(s.clock)
	if ss.State != SessionScheduled || now.Before(ss.End()) {
		return Progress{}, org.Refuse("training", "session", string(ss.ID), string(ss.State), "assess", actor, "R5.4_assessed_after_the_session",
			fmt.Sprintf("session %s has not taken place yet or is closed", ss.ID))
	}
	c, err := s.course(ctx, dealer, op, ss.Year, ss.CourseID)
	if err != nil {
		return Progress{}, err
	}
	score := in.Result.score(c.Assessment.Kind, ve)
	i := ss.attendee(in.Employee)
	switch {
	case i < 0 || ss.Attendees[i].Status != StatusEnrolled:
		ve.Add("employee", org.CodeNotFound, "is not enrolled in this session: no result (R5.4)")
	case ss.Attendees[i].Attendance != Present:
		ve.Add("employee", org.CodeInvalid, "was not recorded present")
	case ss.Attendees[i].Score != nil:
		ve.Add("employee", org.CodeDuplicate, "has a result in this session already")
	}
	if err := ve.Err(); err != nil {
		return Progress{}, err
	}
	p, err := s.progress(ctx, dealer, ss.Year, c.ID, in.Employee)
	if err != nil {
		return Progress{}, err
	}
	if p.Standing == Passed {
		ve.Add("employee", org.CodeInvalid, "has passed this course already")
		return Progress{}, ve
	}
	if p.Standing == RetrainingRequired { // the retraining starts a new round
		p.Earlier = append(p.Earlier, p.Attempts...)
		p.Attempts, p.RetrainingSession = nil, ""
	}
	ss.Attendees[i].Score = &score
	ss.Version++
	ch := Change{Sessions: []Session{ss}}
	if err := s.attempt(ctx, dealer, actor, c, &p, Attempt{SessionID: ss.ID, Score: score, At: now}, now, &ch); err != nil {
		return Progress{}, err
	}
	if err := s.store.Commit(ctx, dealer, ch); err != nil {
		return Progress{}, fmt.Errorf("training: assess %s: %w", in.Employee, err)
	}
	return p, nil
}

// progress reads an employee's progress in a course, or a new one.
func (s *Service) progress(ctx context.Context, dealer org.DealerID, year int, course string, e org.EmployeeID) (Progress, error) {
	ps, err := s.store.Progress(ctx, dealer, year, e)
	if err != nil {
		return Progress{}, err
	}
	for _, p := range ps {
		if p.CourseID == course {
			return p, nil
		}
	}
	return Progress{DealerID: dealer, Year: year, CourseID: course, Employee: e, Standing: InProgress}, nil
}

// RetakeInput is a retake (補考) of a failed assessment.
type RetakeInput struct {
	Year     int            `json:"year" validate:"min=2000,max=2200"`
	CourseID string         `json:"course_id" validate:"required,max=64"`
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
	Result   Result         `json:"result"`
}

// Retake records a retake while it is due and its window is open (R5.4),
// with the same consequences as [Service.Assess]. A retake after the
// window is refused: [Service.SweepRetakes] counts it as failed. Only the
// employee's supervisor (R2.2).
func (s *Service) Retake(ctx context.Context, dealer org.DealerID, actor org.Actor, in RetakeInput) (_ Progress, err error) {
	ctx, ob := s.obs.Begin(ctx, "retake", dealer, actor)
	defer ob.End(&err)
	const op = "retake"
	ve := shape(op, in)
	if err := ve.Err(); err != nil {
		return Progress{}, err
	}
	if _, err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Progress{}, err
	}
	c, err := s.course(ctx, dealer, op, in.Year, in.CourseID)
	if err != nil {
		return Progress{}, err
	}
	score := in.Result.score(c.Assessment.Kind, ve)
	if err := ve.Err(); err != nil {
		return Progress{}, err
	}
	p, err := s.progress(ctx, dealer, in.Year, c.ID, in.Employee)
	if err != nil {
		return Progress{}, err
	}
	now := org.Now(s.clock)
	if p.Standing != RetakeDue {
		return Progress{}, org.Refuse("training", "progress", string(in.Employee)+"/"+string(c.ID), string(p.Standing), "retake", actor, "R5.4_retake_after_a_fail",
			fmt.Sprintf("%s is %s in %s, no retake due", in.Employee, p.Standing, c.ID))
	}
	if now.After(p.RetakeBy) {
		return Progress{}, org.Refuse("training", "progress", string(in.Employee)+"/"+string(c.ID), string(p.Standing), "retake", actor, "R5.4_retake_within_its_window",
			fmt.Sprintf("the window closed at %s; a missed retake counts as failed", p.RetakeBy.Format(time.RFC3339)))
	}
	var ch Change
	if err := s.attempt(ctx, dealer, actor, c, &p, Attempt{Score: score, At: now}, now, &ch); err != nil {
		return Progress{}, err
	}
	if err := s.store.Commit(ctx, dealer, ch); err != nil {
		return Progress{}, fmt.Errorf("training: retake %s: %w", in.Employee, err)
	}
	return p, nil
}

// SweepRetakes counts every retake of the year whose window has passed as
// a failed attempt (R5.4), with its consequences. Only the service advisor
// department's supervisor or an admin (the host's scheduler) (R2.2). It returns the progress records changed.
func (s *Service) SweepRetakes(ctx context.Context, dealer org.DealerID, actor org.Actor, year int) (_ []Progress, err error) {
	ctx, ob := s.obs.Begin(ctx, "sweep_retakes", dealer, actor)
	defer ob.End(&err)
	if _, err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return nil, err
	}
	ps, err := s.store.Progress(ctx, dealer, year, "")
	if err != nil {
		return nil, err
	}
	now := org.Now(s.clock)
	var ch Change
	var out []Progress
	for _, p := range ps {
		if p.Standing != RetakeDue || !now.After(p.RetakeBy) {
			continue
		}
		c, err := s.course(ctx, dealer, "sweep retakes", year, p.CourseID)
		if err != nil {
			return nil, err
		}
		if err := s.attempt(ctx, dealer, actor, c, &p, Attempt{Missed: true, At: now}, now, &ch); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, nil
	}
	if err := s.store.Commit(ctx, dealer, ch); err != nil {
		return nil, fmt.Errorf("training: sweep retakes %d: %w", year, err)
	}
	return out, nil
}

// attempt adds a to p and its consequences (R5.4) to ch: p itself, the
// next session for a retraining, the certificate, and the events.
func (s *Service) attempt(ctx context.Context, dealer org.DealerID, actor org.Actor, c Course, p *Progress, a Attempt, now time.Time, ch *Change) error {
	cfg := c.Assessment
	a.Passed = !a.Missed && a.Score.GreaterThanOrEqual(cfg.PassMark)
	p.Attempts = append(p.Attempts, a)
	p.Version++
	subject := "progress/" + p.Key()
	data := map[string]any{"course": c.ID, "employee": p.Employee, "attempt": len(p.Attempts), "score": a.Score, "passed": a.Passed, "missed": a.Missed}
	ch.Events = append(ch.Events, s.event(dealer, actor, now, "training.assessed", subject, "", data))
	switch {
	case a.Passed:
		p.Standing, p.RetakeBy = Passed, time.Time{}
		if c.Certificate != nil {
			if err := s.certify(ctx, dealer, actor, c, p, now, ch); err != nil {
				return err
			}
		}
	case len(p.Attempts) < cfg.MaxAttempts:
		p.Standing, p.RetakeBy = RetakeDue, now.AddDate(0, 0, cfg.RetakeWindowDays)
		ch.Events = append(ch.Events, s.event(dealer, actor, now, "training.retake_scheduled", subject, "",
			map[string]any{"course": c.ID, "employee": p.Employee, "by": p.RetakeBy}))
	default:
		p.Standing, p.RetakeBy = RetrainingRequired, time.Time{}
		next, err := s.nextSession(ctx, dealer, p, now, ch)
		if err != nil {
			return err
		}
		if next != nil {
			enrolInto(next, p.Employee, now)
			p.RetrainingSession = next.ID
		}
		ch.Events = append(ch.Events, s.event(dealer, actor, now, "training.retraining_required", subject, "",
			map[string]any{"course": c.ID, "employee": p.Employee, "session": p.RetrainingSession}))
	}
	if !a.Missed && a.Score.GreaterThanOrEqual(cfg.Excellent) && !p.Commended {
		p.Commended, p.CommendedAt = true, now
		ch.Events = append(ch.Events, s.event(dealer, actor, now, "training.commended", subject, "",
			map[string]any{"course": c.ID, "employee": p.Employee, "score": a.Score}))
	}
	ch.Progress = append(ch.Progress, *p)
	return nil
}

// nextSession is the course's first scheduled session that has not
// started and does not hold the employee, or nil. A session it returns is
// in ch.Sessions with its new version, to be changed in place.
func (s *Service) nextSession(ctx context.Context, dealer org.DealerID, p *Progress, now time.Time, ch *Change) (*Session, error) {
	ss, err := s.store.Sessions(ctx, dealer, p.Year)
	if err != nil {
		return nil, err
	}
	for _, x := range ss {
		if k := slices.IndexFunc(ch.Sessions, func(y Session) bool { return y.ID == x.ID }); k >= 0 {
			x = ch.Sessions[k] // changed in this commit already
		}
		if x.CourseID != p.CourseID || x.State != SessionScheduled || !now.Before(x.Start) || x.attendee(p.Employee) >= 0 {
			continue
		}
		k := slices.IndexFunc(ch.Sessions, func(y Session) bool { return y.ID == x.ID })
		if k < 0 {
			x.Version++
			ch.Sessions = append(ch.Sessions, x)
			k = len(ch.Sessions) - 1
		}
		return &ch.Sessions[k], nil
	}
	return nil, nil
}

// certify adds the course's certificate to the employee's career.
func (s *Service) certify(ctx context.Context, dealer org.DealerID, actor org.Actor, c Course, p *Progress, now time.Time, ch *Change) error {
	cr, err := s.store.Career(ctx, dealer, p.Employee)
	if errors.Is(err, ErrNotFound) {
		cr, err = Career{DealerID: dealer, Employee: p.Employee}, nil
	}
	if err != nil {
		return err
	}
	h := HeldCertificate{Name: c.Certificate.Name, Year: p.Year, CourseID: c.ID, IssuedAt: now}
	if c.Certificate.ValidDays > 0 {
		h.Expires = now.AddDate(0, 0, c.Certificate.ValidDays)
	}
	cr.Certificates = append(cr.Certificates, h)
	cr.Version++
	ch.Careers = append(ch.Careers, cr)
	ch.Events = append(ch.Events, s.event(dealer, actor, now, "training.certified", "career/"+string(p.Employee), "", map[string]any{"after": h}))
	return nil
}
