package appraisal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// ScoreMonth scores the month (R6.2): every advisor on the dealer's roster
// at some time in the month ([org.Employee.InMonth]: the month's joiners,
// and its leavers scored after they left), from
// the cycle's inputs and the Measurer's figures, with ranks in the
// department and the run of failing months each result ends (R6.4). Only
// the service advisor department's supervisor may (R2.2). It may be run again while the cycle is scored (late
// corrections); calibrations are kept.
func (s *Service) ScoreMonth(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) (_ []Appraisal, err error) {
	ctx, ob := s.obs.Begin(ctx, "score_month", dealer, actor)
	defer ob.End(&err)
	const op = "score"
	if err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return nil, err
	}
	c, err := s.store.Cycle(ctx, dealer, m)
	if err != nil {
		return nil, fmt.Errorf("appraisal: score: cycle %s: %w", m, err)
	}
	if c.State != CycleOpen && c.State != CycleScored {
		return nil, stateError(op, m, c.State, CycleOpen, CycleScored)
	}
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return nil, err
	}
	loc, err := d.Location()
	if err != nil {
		return nil, err
	}
	all, err := s.roster.Employees(ctx, dealer, org.EmployeeQuery{Role: org.RoleAdvisor, IncludeInactive: true, Limit: org.MaxPage})
	if err != nil {
		return nil, err
	}
	advisors := all[:0:0]
	for _, e := range all {
		if e.InMonth(m.Start(loc), m.End(loc)) {
			advisors = append(advisors, e)
		}
	}
	figures := Figures{}
	if s.measurer != nil {
		if figures, err = s.measurer.Measure(ctx, dealer, m); err != nil {
			return nil, fmt.Errorf("appraisal: score %s: measure: %w", m, err)
		}
	}
	inputs, err := s.store.Inputs(ctx, dealer, m, "")
	if err != nil {
		return nil, err
	}
	old, err := s.store.Appraisals(ctx, dealer, m)
	if err != nil {
		return nil, err
	}
	var out []Appraisal
	for _, e := range advisors {
		in := Inputs{Employee: e.ID, Measured: figures[e.ID], BonusBase: e.BonusBase}
		for _, i := range inputs {
			if i.Ratee == e.ID {
				in.Ratings = append(in.Ratings, Rating{Rater: i.Rater, Source: i.Source, KPI: i.KPI, Value: i.Value})
			}
		}
		res, err := Score(&c.Plan, in)
		if err != nil {
			return nil, err
		}
		a := Appraisal{DealerID: dealer, Month: m, Computed: res, Final: res, Version: 1}
		if i := slices.IndexFunc(old, func(o Appraisal) bool { return o.Computed.Employee == e.ID }); i >= 0 {
			a.Version = old[i].Version + 1
			if old[i].Calibration != nil {
				a.Calibration = old[i].Calibration
				a.Final = calibrated(&c.Plan, res, *old[i].Calibration, e.BonusBase)
			}
		}
		out = append(out, a)
	}
	if err := s.rankAndHistory(ctx, dealer, m, out); err != nil {
		return nil, err
	}
	now := org.Now(s.clock)
	c.State, c.ScoredAt = CycleScored, now
	c.Version++
	ev := s.event(dealer, actor, now, "appraisal.scored", m, "", "", map[string]any{"advisors": len(out), "plan": c.Plan.Version})
	if err := s.store.Commit(ctx, dealer, Change{Cycles: []Cycle{c}, Appraisals: out, Events: []org.Event{ev}}); err != nil {
		return nil, fmt.Errorf("appraisal: score %s: %w", m, err)
	}
	return out, nil
}

// rankAndHistory sets each appraisal's rank on the final scores and its
// run of consecutive failing months.
func (s *Service) rankAndHistory(ctx context.Context, dealer org.DealerID, m org.Month, as []Appraisal) error {
	finals := make([]Result, len(as))
	for i, a := range as {
		finals[i] = a.Final
	}
	rank := map[org.EmployeeID]int{}
	for _, r := range Rank(finals) {
		rank[r.Employee] = r.Rank
	}
	for i := range as {
		as[i].Rank = rank[as[i].Final.Employee]
		hist, err := s.store.History(ctx, dealer, as[i].Final.Employee, m.Prev())
		if err != nil {
			return err
		}
		var months []MonthResult
		// A month with nothing to score has no grade: it is no fail.
		for _, h := range hist {
			months = append(months, MonthResult{Month: h.Month, Pass: h.Final.Pass || h.Final.Grade == ""})
		}
		months = append(months, MonthResult{Month: m, Pass: as[i].Final.Pass || as[i].Final.Grade == ""})
		as[i].ConsecutiveFails = ConsecutiveFails(months)
	}
	return nil
}

// calibrated is the final result when a supervisor set the score: the
// grade and bonus follow the calibrated score; the breakdown stays the
// computed one.
func calibrated(plan *Plan, computed Result, c Calibration, base decimal.Decimal) Result {
	r := computed.clone()
	r.Score = c.Score.Round(plan.places())
	r.Grade, r.Pass, r.Excellent = "", false, false
	if g, ok := plan.grade(r.Score); ok {
		r.Grade, r.Pass, r.Excellent = g.Code, g.Pass, g.Excellent
	}
	r.BonusShare = plan.Bonus.share(r.Score, r.Grade)
	r.Bonus = base.Mul(r.BonusShare).Round(plan.Bonus.Places)
	return r
}

// CalibrateInput sets an employee's final score, with the mandatory reason.
type CalibrateInput struct {
	Month    org.Month       `json:"month"`
	Employee org.EmployeeID  `json:"employee" validate:"required,max=64"`
	Score    decimal.Decimal `json:"score"`
	Reason   string          `json:"reason" validate:"notblank,max=2000"`
}

// Calibrate sets an employee's final score in place of the computed one,
// with a reason (R6.3: the supervisor's assessment and score). The computed
// score is kept and both are shown; ranks follow the final scores. Only the
// employee's supervisor (R2.2), never of their own appraisal (R1.3), while
// the month is scored.
func (s *Service) Calibrate(ctx context.Context, dealer org.DealerID, actor org.Actor, in CalibrateInput) (_ Appraisal, err error) {
	ctx, ob := s.obs.Begin(ctx, "calibrate", dealer, actor)
	defer ob.End(&err)
	const op = "calibrate"
	ve := shape(op, in)
	if in.Score.IsNegative() || in.Score.GreaterThan(hundred) {
		ve.Add("score", org.CodeRange, "must be 0 to 100")
	}
	if err := ve.Err(); err != nil {
		return Appraisal{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return Appraisal{}, err
	}
	if actor.ID == in.Employee {
		return Appraisal{}, fmt.Errorf("appraisal: calibrate: nobody calibrates their own appraisal (R1.3): %w", ErrForbidden)
	}
	if err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Appraisal{}, err
	}
	c, err := s.store.Cycle(ctx, dealer, in.Month)
	if err != nil {
		return Appraisal{}, fmt.Errorf("appraisal: calibrate: cycle %s: %w", in.Month, err)
	}
	if c.State != CycleScored {
		return Appraisal{}, stateError(op, in.Month, c.State, CycleScored)
	}
	all, err := s.store.Appraisals(ctx, dealer, in.Month)
	if err != nil {
		return Appraisal{}, err
	}
	i := slices.IndexFunc(all, func(a Appraisal) bool { return a.Computed.Employee == in.Employee })
	if i < 0 {
		ve.Add("employee", org.CodeNotFound, "no appraisal of this employee this month")
		return Appraisal{}, ve
	}
	e, err := s.roster.Employee(ctx, dealer, in.Employee)
	if err != nil {
		return Appraisal{}, err
	}
	now := org.Now(s.clock)
	cal := Calibration{Score: in.Score, By: actor.ID, Reason: in.Reason, At: now}
	before := make([]Appraisal, len(all))
	for k := range all {
		before[k] = all[k].Clone()
	}
	all[i].Calibration = &cal
	all[i].Final = calibrated(&c.Plan, all[i].Computed, cal, e.BonusBase)
	if err := s.rankAndHistory(ctx, dealer, in.Month, all); err != nil {
		return Appraisal{}, err
	}
	var changed []Appraisal
	for k := range all {
		if k == i || all[k].Rank != before[k].Rank {
			all[k].Version++
			changed = append(changed, all[k])
		}
	}
	ev := s.event(dealer, actor, now, "appraisal.calibrated", in.Month, "/"+string(in.Employee), in.Reason,
		map[string]any{"computed": all[i].Computed.Score, "final": all[i].Final.Score})
	if err := s.store.Commit(ctx, dealer, Change{Appraisals: changed, Events: []org.Event{ev}}); err != nil {
		return Appraisal{}, fmt.Errorf("appraisal: calibrate %s: %w", in.Employee, err)
	}
	return all[i], nil
}

// Finalize makes the month's results immutable. Only the service advisor
// department's supervisor (R2.2).
func (s *Service) Finalize(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) (_ Cycle, err error) {
	ctx, ob := s.obs.Begin(ctx, "finalize", dealer, actor)
	defer ob.End(&err)
	return s.move(ctx, dealer, actor, m, "finalize", CycleScored, CycleFinalized, "", func(c *Cycle, now time.Time) { c.FinalizedAt = now })
}

// Publish shows the finalised results to the employees. Only the service
// advisor department's supervisor (R2.2).
func (s *Service) Publish(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) (_ Cycle, err error) {
	ctx, ob := s.obs.Begin(ctx, "publish", dealer, actor)
	defer ob.End(&err)
	return s.move(ctx, dealer, actor, m, "publish", CycleFinalized, CyclePublished, "", func(c *Cycle, now time.Time) { c.PublishedAt = now })
}

// Reopen takes finalised (or published) results back to scored, so they
// can be corrected: only the service advisor department's supervisor
// (R2.2), with a reason, audited.
func (s *Service) Reopen(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month, reason string) (_ Cycle, err error) {
	ctx, ob := s.obs.Begin(ctx, "reopen", dealer, actor)
	defer ob.End(&err)
	if reason == "" {
		return Cycle{}, &org.ValidationError{Op: "appraisal: reopen", Fields: []org.FieldError{{Path: "reason", Code: org.CodeRequired, Message: "is required"}}}
	}
	return s.move(ctx, dealer, actor, m, "reopen", "", CycleScored, reason, func(c *Cycle, now time.Time) {
		c.Reopenings = append(c.Reopenings, Reopening{By: actor.ID, Reason: reason, At: now})
		c.FinalizedAt, c.PublishedAt = time.Time{}, time.Time{}
	})
}

// move changes a cycle's state; from "" means finalized or published.
func (s *Service) move(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month, op string, from, to CycleState, reason string, f func(*Cycle, time.Time)) (Cycle, error) {
	if err := s.inDepartment(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return Cycle{}, err
	}
	c, err := s.store.Cycle(ctx, dealer, m)
	if err != nil {
		return Cycle{}, fmt.Errorf("appraisal: %s: cycle %s: %w", op, m, err)
	}
	ok := c.State == from || (from == "" && (c.State == CycleFinalized || c.State == CyclePublished))
	if !ok {
		want := []CycleState{from}
		if from == "" {
			want = []CycleState{CycleFinalized, CyclePublished}
		}
		return Cycle{}, stateError(op, m, c.State, want...)
	}
	now := org.Now(s.clock)
	c.State = to
	f(&c, now)
	c.Version++
	ev := s.event(dealer, actor, now, "appraisal."+op, m, "", reason, map[string]any{"state": to})
	if err := s.store.Commit(ctx, dealer, Change{Cycles: []Cycle{c}, Events: []org.Event{ev}}); err != nil {
		return Cycle{}, fmt.Errorf("appraisal: %s %s: %w", op, m, err)
	}
	return c, nil
}

// Cycle returns the month's cycle: where it stands, its plan and
// deadlines. Everyone the results concern reads it (advisors, supervisors,
// admins); ErrNotFound when the month has no cycle.
func (s *Service) Cycle(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) (Cycle, error) {
	if err := s.reader(ctx, dealer, actor, "cycle", appraised...); err != nil {
		return Cycle{}, err
	}
	c, err := s.store.Cycle(ctx, dealer, m)
	if err != nil {
		return Cycle{}, fmt.Errorf("appraisal: cycle %s: %w", m, err)
	}
	return c, nil
}

// Appraisals returns the month's results, ranked, as far as actor may see
// them (R2.2): an advisor their own, a supervisor those of the employees
// they supervise, an admin all. No result names a peer who rated (R6.3).
func (s *Service) Appraisals(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) ([]Appraisal, error) {
	if err := s.reader(ctx, dealer, actor, "results", appraised...); err != nil {
		return nil, err
	}
	as, err := s.store.Appraisals(ctx, dealer, m)
	if err != nil {
		return nil, fmt.Errorf("appraisal: results of %s: %w", m, err)
	}
	slices.SortStableFunc(as, func(a, b Appraisal) int { return a.Rank - b.Rank })
	return org.VisibleTo(ctx, s.roster, dealer, actor, as, func(a Appraisal) org.EmployeeID { return a.Final.Employee })
}

// ImprovementInput is the performance interview and improvement plan after
// a failing month (R6.4).
type ImprovementInput struct {
	Month     org.Month      `json:"month"`
	Employee  org.EmployeeID `json:"employee" validate:"required,max=64"`
	Interview string         `json:"interview" validate:"notblank,max=8000"`
	Goals     []Goal         `json:"goals" validate:"min=1,max=20,dive"`
}

// RecordImprovement records the performance interview of a failing month
// and the improvement plan agreed (R6.4). Only the employee's supervisor
// (R2.2), for a final result that failed, once the month is finalised.
func (s *Service) RecordImprovement(ctx context.Context, dealer org.DealerID, actor org.Actor, in ImprovementInput) (_ Improvement, err error) {
	ctx, ob := s.obs.Begin(ctx, "record_improvement", dealer, actor)
	defer ob.End(&err)
	const op = "record improvement"
	ve := shape(op, in)
	for i, g := range in.Goals {
		if g.Text == "" {
			ve.Add(fmt.Sprintf("goals[%d].text", i), org.CodeRequired, "is required")
		}
		if g.Due.IsZero() {
			ve.Add(fmt.Sprintf("goals[%d].due", i), org.CodeRequired, "is required")
		}
	}
	if err := ve.Err(); err != nil {
		return Improvement{}, err
	}
	if err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Improvement{}, err
	}
	c, err := s.store.Cycle(ctx, dealer, in.Month)
	if err != nil {
		return Improvement{}, fmt.Errorf("appraisal: %s: cycle %s: %w", op, in.Month, err)
	}
	if c.State != CycleFinalized && c.State != CyclePublished {
		return Improvement{}, stateError(op, in.Month, c.State, CycleFinalized, CyclePublished)
	}
	as, err := s.store.Appraisals(ctx, dealer, in.Month)
	if err != nil {
		return Improvement{}, err
	}
	i := slices.IndexFunc(as, func(a Appraisal) bool { return a.Final.Employee == in.Employee })
	switch {
	case i < 0:
		ve.Add("employee", org.CodeNotFound, "no appraisal of this employee this month")
	case as[i].Final.Pass:
		ve.Add("employee", org.CodeInvalid, "the month passed; an improvement plan follows a fail (R6.4)")
	}
	if _, err := s.store.Improvement(ctx, dealer, in.Month, in.Employee); err == nil {
		ve.Add("employee", org.CodeDuplicate, "this month's improvement plan is recorded already")
	} else if !errors.Is(err, ErrNotFound) {
		return Improvement{}, err
	}
	if err := ve.Err(); err != nil {
		return Improvement{}, err
	}
	now := org.Now(s.clock)
	imp := Improvement{DealerID: dealer, Month: in.Month, Employee: in.Employee, Interview: in.Interview, By: actor.ID, At: now, Version: 1}
	for _, g := range in.Goals {
		imp.Goals = append(imp.Goals, Goal{Text: g.Text, Due: g.Due.UTC().Truncate(time.Microsecond)})
	}
	ev := s.event(dealer, actor, now, "appraisal.improvement_recorded", in.Month, "/"+string(in.Employee), "", map[string]any{"goals": len(imp.Goals)})
	if err := s.store.Commit(ctx, dealer, Change{Improvements: []Improvement{imp}, Events: []org.Event{ev}}); err != nil {
		return Improvement{}, fmt.Errorf("appraisal: %s %s: %w", op, in.Employee, err)
	}
	return imp, nil
}

// TrendPoint is one month of an employee's year.
type TrendPoint struct {
	Month org.Month       `json:"month"`
	Score decimal.Decimal `json:"score"`
	Grade string          `json:"grade"`
	Rank  int             `json:"rank"`
}

// Trend returns an employee's final scores month by month over a calendar
// year, oldest first; months without an appraisal are absent. To the
// employee, their supervisor (R2.2) and admins; anyone else is refused with
// ErrForbidden.
func (s *Service) Trend(ctx context.Context, dealer org.DealerID, actor org.Actor, employee org.EmployeeID, year int) ([]TrendPoint, error) {
	const op = "trend"
	if err := s.reader(ctx, dealer, actor, op, appraised...); err != nil {
		return nil, err
	}
	if ok, err := org.Sees(ctx, s.roster, dealer, actor, employee); err != nil {
		return nil, err
	} else if !ok {
		return nil, notTheirs(op, actor, employee)
	}
	hist, err := s.store.History(ctx, dealer, employee, org.Month{Year: year, Month: time.December})
	if err != nil {
		return nil, fmt.Errorf("appraisal: trend of %s: %w", employee, err)
	}
	var out []TrendPoint
	for _, a := range hist {
		if a.Month.Year == year {
			out = append(out, TrendPoint{Month: a.Month, Score: a.Final.Score, Grade: a.Final.Grade, Rank: a.Rank})
		}
	}
	return out, nil
}

// FollowUpInput notes how an improvement plan goes, and which goals are
// met (by index).
type FollowUpInput struct {
	Month    org.Month      `json:"month"`
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
	Note     string         `json:"note" validate:"notblank,max=4000"`
	Done     []int          `json:"done" validate:"max=20"`
}

// FollowUp records a follow-up of an improvement plan (R6.4): a note, and
// goals marked met. Only the employee's supervisor (R2.2).
func (s *Service) FollowUp(ctx context.Context, dealer org.DealerID, actor org.Actor, in FollowUpInput) (_ Improvement, err error) {
	ctx, ob := s.obs.Begin(ctx, "follow_up", dealer, actor)
	defer ob.End(&err)
	ve := shape("follow up", in)
	if err := ve.Err(); err != nil {
		return Improvement{}, err
	}
	if err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Improvement{}, err
	}
	imp, err := s.store.Improvement(ctx, dealer, in.Month, in.Employee)
	if err != nil {
		return Improvement{}, fmt.Errorf("appraisal: follow up %s: %w", in.Employee, err)
	}
	for k, i := range in.Done {
		if i < 0 || i >= len(imp.Goals) {
			ve.Add(fmt.Sprintf("done[%d]", k), org.CodeRange, fmt.Sprintf("the plan has goals 0 to %d", len(imp.Goals)-1))
			continue
		}
		imp.Goals[i].Done = true
	}
	if err := ve.Err(); err != nil {
		return Improvement{}, err
	}
	now := org.Now(s.clock)
	imp.FollowUps = append(imp.FollowUps, FollowUp{By: actor.ID, At: now, Note: in.Note})
	imp.Version++
	ev := s.event(dealer, actor, now, "appraisal.followed_up", in.Month, "/"+string(in.Employee), "", map[string]any{"done": in.Done})
	if err := s.store.Commit(ctx, dealer, Change{Improvements: []Improvement{imp}, Events: []org.Event{ev}}); err != nil {
		return Improvement{}, fmt.Errorf("appraisal: follow up %s: %w", in.Employee, err)
	}
	return imp, nil
}
