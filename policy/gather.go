package policy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// FactQuery names the period whose facts a FactSource gathers.
type FactQuery struct {
	Period Period `json:"period,omitempty"`
	// Location is the dealer's time zone, in which the period's instants
	// are counted; nil means UTC.
	Location *time.Location `json:"location,omitempty"`
}

// loc is q.Location, or UTC.
func (q FactQuery) loc() *time.Location {
	if q.Location == nil {
		return time.UTC
	}
	return q.Location
}

// FactSource gathers facts about a dealer's employees for a period from
// another package: the results of the appraisal ([AppraisalSource]) and of
// training ([TrainingSource]), or several at once ([Combine]). It returns
// at most one Facts per employee, in any order. [Service.Evaluate] adds the
// incidents and nominations it keeps itself.
type FactSource interface {
	Facts(ctx context.Context, dealer org.DealerID, q FactQuery) ([]Facts, error)
}

// FactFunc is a FactSource written as a function.
type FactFunc func(ctx context.Context, dealer org.DealerID, q FactQuery) ([]Facts, error)

// Facts calls f.
func (f FactFunc) Facts(ctx context.Context, dealer org.DealerID, q FactQuery) ([]Facts, error) {
	return f(ctx, dealer, q)
}

// AppraisalReader is what AppraisalSource reads of the appraisal:
// appraisal.Store has it.
type AppraisalReader interface {
	Cycle(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Cycle, error)
	Appraisals(ctx context.Context, dealer org.DealerID, m org.Month) ([]appraisal.Appraisal, error)
}

// AppraisalSource is the appraisal's results as facts (R6.4). Only
// finalised (or published) months count: a month still open, scored or
// reopened gives no appraisal facts, so a rule never fires on a score a
// supervisor may still calibrate; evaluate again once it is final.
// Appraisals with nothing scored (no grade) are no facts either.
//
// For a month: the final score, grade, pass and excellence, the rank among
// the month's appraisals (equal scores share it), how many were ranked,
// and the run of consecutive failing months.
//
// For a year there is no annual appraisal, so the year's finalised months
// are summed up: the score is the mean of the employee's final monthly
// scores, rounded half up to 2 places; the rank orders those means (equal
// means share a rank, as appraisal.Rank does) among everyone appraised in
// the year; pass, grade and consecutive fails are those of the employee's
// last finalised month of the year, so two failing months at the year's
// end still show; excellent means every finalised month was.
func AppraisalSource(src AppraisalReader) FactSource {
	return FactFunc(func(ctx context.Context, dealer org.DealerID, q FactQuery) ([]Facts, error) {
		if !q.Period.Valid() {
			return nil, fmt.Errorf("policy: appraisal facts: period %d-%d: %w", q.Period.Year, q.Period.Month, ErrInvalid)
		}
		if q.Period.Kind() == Monthly {
			return monthAppraisals(ctx, src, dealer, org.Month{Year: q.Period.Year, Month: q.Period.Month})
		}
		return yearAppraisals(ctx, src, dealer, q.Period.Year)
	})
}

// finalAppraisals returns the graded appraisals of a finalised month, and
// how many the month ranked; none for a month not finalised.
func finalAppraisals(ctx context.Context, src AppraisalReader, dealer org.DealerID, m org.Month) ([]appraisal.Appraisal, int, error) {
	c, err := src.Cycle(ctx, dealer, m)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, 0, nil
	case err != nil:
		return nil, 0, fmt.Errorf("policy: appraisal facts: cycle %s: %w", m, err)
	case c.State != appraisal.CycleFinalized && c.State != appraisal.CyclePublished:
		return nil, 0, nil
	}
	as, err := src.Appraisals(ctx, dealer, m)
	if err != nil {
		return nil, 0, fmt.Errorf("policy: appraisal facts: %s: %w", m, err)
	}
	ranked := 0
	out := as[:0:0]
	for _, a := range as {
		if a.Rank > 0 {
			ranked++
		}
		if a.Final.Grade != "" {
			out = append(out, a)
		}
	}
	return out, ranked, nil
}

func monthAppraisals(ctx context.Context, src AppraisalReader, dealer org.DealerID, m org.Month) ([]Facts, error) {
	as, ranked, err := finalAppraisals(ctx, src, dealer, m)
	if err != nil {
		return nil, err
	}
	out := make([]Facts, 0, len(as))
	for _, a := range as {
		f := &AppraisalFacts{Score: a.Final.Score, Grade: a.Final.Grade, Passed: a.Final.Pass,
			Excellent: a.Final.Excellent && a.Final.Pass, Rank: a.Rank, Ranked: ranked, ConsecutiveFails: a.ConsecutiveFails}
		fixRun(f)
		out = append(out, Facts{Employee: a.Final.Employee, Appraisal: f})
	}
	return out, nil
}

// fixRun keeps the run of fails consistent with the pass, as Evaluate
// requires: a pass ends every run; a fail is at least a run of one.
func fixRun(f *AppraisalFacts) {
	switch {
	case f.Passed:
		f.ConsecutiveFails = 0
	case f.ConsecutiveFails < 1:
		f.ConsecutiveFails = 1
	}
}

func yearAppraisals(ctx context.Context, src AppraisalReader, dealer org.DealerID, year int) ([]Facts, error) {
	type sum struct {
		total     decimal.Decimal
		n         int64
		last      appraisal.Appraisal
		excellent bool
	}
	sums := map[org.EmployeeID]*sum{}
	for month := time.January; month <= time.December; month++ {
		as, _, err := finalAppraisals(ctx, src, dealer, org.Month{Year: year, Month: month})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			e := a.Final.Employee
			if sums[e] == nil {
				sums[e] = &sum{excellent: true}
			}
			s := sums[e]
			s.total, s.n, s.last = s.total.Add(a.Final.Score), s.n+1, a
			s.excellent = s.excellent && a.Final.Excellent && a.Final.Pass
		}
	}
	results := make([]appraisal.Result, 0, len(sums))
	for e, s := range sums {
		results = append(results, appraisal.Result{Employee: e, Score: s.total.DivRound(decimal.NewFromInt(s.n), 2)})
	}
	ranked := appraisal.Rank(results)
	out := make([]Facts, 0, len(ranked))
	for _, r := range ranked {
		s := sums[r.Employee]
		f := &AppraisalFacts{Score: r.Score, Grade: s.last.Final.Grade, Passed: s.last.Final.Pass,
			Excellent: s.excellent && s.last.Final.Pass, Rank: r.Rank, Ranked: len(ranked), ConsecutiveFails: s.last.ConsecutiveFails}
		fixRun(f)
		out = append(out, Facts{Employee: r.Employee, Appraisal: f})
	}
	return out, nil
}

// TrainingReader is what TrainingSource reads of training: training.Store
// has it.
type TrainingReader interface {
	Plan(ctx context.Context, dealer org.DealerID, year int) (training.Plan, error)
	Progress(ctx context.Context, dealer org.DealerID, year int, employee org.EmployeeID) ([]training.Progress, error)
}

// TrainingSource is training's assessment results as facts (R5.4, R6.4):
// for each course an employee was assessed in during the period (by the
// instant of the attempt, in the dealer's zone; retakes of the year
// before's courses included), the outcome of the last attempt in the
// period:
//
//   - excellent: passed at or above the course's excellent mark;
//   - passed: passed below it;
//   - failed: failed the first attempt of a round, with a retake due;
//   - retake_failed: failed a retake (or missed it) with another retake
//     still due;
//   - retraining: failed the round's last attempt: the course is taken
//     again (R5.4).
//
// A round is the course's max attempts (from the year's plan); a
// retraining starts a new one. Only the last attempt of a course counts,
// so a fail passed at its retake in the same month is a pass, and proposes
// no retake.
func TrainingSource(src TrainingReader) FactSource {
	return FactFunc(func(ctx context.Context, dealer org.DealerID, q FactQuery) ([]Facts, error) {
		if !q.Period.Valid() {
			return nil, fmt.Errorf("policy: training facts: period %d-%d: %w", q.Period.Year, q.Period.Month, ErrInvalid)
		}
		start, end := q.Period.Start(q.loc()), q.Period.End(q.loc())
		byEmployee := map[org.EmployeeID][]TrainingResult{}
		// A course of the year before may be retaken early in this one.
		for year := q.Period.Year - 1; year <= q.Period.Year; year++ {
			plan, err := src.Plan(ctx, dealer, year)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("policy: training facts: plan %d: %w", year, err)
			}
			ps, err := src.Progress(ctx, dealer, year, "")
			if err != nil {
				return nil, fmt.Errorf("policy: training facts: progress of %d: %w", year, err)
			}
			for _, p := range ps {
				var course *training.Course
				if c, ok := plan.Course(p.CourseID); ok {
					course = &c
				}
				if o, ok := trainingOutcome(p, course, start, end); ok {
					byEmployee[p.Employee] = append(byEmployee[p.Employee], TrainingResult{Course: p.CourseID, Outcome: o})
				}
			}
		}
		out := make([]Facts, 0, len(byEmployee))
		for e, rs := range byEmployee {
			out = append(out, Facts{Employee: e, Training: rs})
		}
		slices.SortFunc(out, func(a, b Facts) int { return cmp.Compare(a.Employee, b.Employee) })
		return out, nil
	})
}

// trainingOutcome is the outcome of p's last attempt in [start, end), if
// any. course is nil when the plan no longer has it: then the earlier
// rounds count as one, and excellence is the commendation.
func trainingOutcome(p training.Progress, course *training.Course, start, end time.Time) (Outcome, bool) {
	type attempt struct {
		a     training.Attempt
		pos   int  // 1 for a round's first attempt
		ended bool // the round's last: retraining follows a fail
	}
	maxAttempts := 0
	if course != nil {
		maxAttempts = course.Assessment.MaxAttempts
	}
	var all []attempt
	for i, a := range p.Earlier {
		x := attempt{a: a, pos: i + 1, ended: i == len(p.Earlier)-1}
		if maxAttempts > 0 {
			x.pos, x.ended = i%maxAttempts+1, i%maxAttempts+1 == maxAttempts
		}
		all = append(all, x)
	}
	for i, a := range p.Attempts {
		all = append(all, attempt{a: a, pos: i + 1, ended: i == len(p.Attempts)-1 && p.Standing == training.RetrainingRequired})
	}
	for i := len(all) - 1; i >= 0; i-- {
		x := all[i]
		if x.a.At.Before(start) || !x.a.At.Before(end) {
			continue
		}
		switch {
		case x.a.Passed && course != nil && !x.a.Missed && x.a.Score.GreaterThanOrEqual(course.Assessment.Excellent):
			return Excellent, true
		case x.a.Passed && course == nil && p.Commended && p.CommendedAt.Equal(x.a.At):
			return Excellent, true
		case x.a.Passed:
			return Passed, true
		case x.ended:
			return NeedsRetrain, true
		case x.pos > 1:
			return RetakeFailed, true
		}
		return Failed, true
	}
	return "", false
}

// Combine gathers the facts of every source and merges them by employee:
// training results, incidents and nominations are put together; an
// employee given an appraisal by two sources is an error. Nil sources are
// skipped. The facts come out ordered by employee.
func Combine(sources ...FactSource) FactSource {
	return FactFunc(func(ctx context.Context, dealer org.DealerID, q FactQuery) ([]Facts, error) {
		m := factMap{}
		for i, src := range sources {
			if src == nil {
				continue
			}
			fs, err := src.Facts(ctx, dealer, q)
			if err != nil {
				return nil, err
			}
			if err := m.add(fs); err != nil {
				return nil, fmt.Errorf("policy: combine facts: source %d: %w", i, err)
			}
		}
		return m.list(), nil
	})
}

// factMap merges facts by employee.
type factMap map[org.EmployeeID]*Facts

func (m factMap) get(e org.EmployeeID) *Facts {
	f := m[e]
	if f == nil {
		f = &Facts{Employee: e}
		m[e] = f
	}
	return f
}

func (m factMap) add(fs []Facts) error {
	for _, f := range fs {
		if f.Employee == "" {
			return fmt.Errorf("facts without an employee: %w", ErrInvalid)
		}
		g := m.get(f.Employee)
		if f.Appraisal != nil {
			if g.Appraisal != nil {
				return fmt.Errorf("two appraisals of %s: %w", f.Employee, ErrInvalid)
			}
			a := *f.Appraisal
			g.Appraisal = &a
		}
		g.Training = append(g.Training, f.Training...)
		g.Incidents = append(g.Incidents, f.Incidents...)
		g.Nominations = append(g.Nominations, f.Nominations...)
	}
	return nil
}

func (m factMap) list() []Facts {
	out := make([]Facts, 0, len(m))
	for _, f := range m {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Facts) int { return cmp.Compare(a.Employee, b.Employee) })
	return out
}

// lookback is the longest window, in days, of p's ladders and counts: how
// far before a period an incident may still count in it.
func lookback(p *Policy) int {
	days := 0
	for _, l := range p.Ladders {
		days = max(days, l.WithinDays)
	}
	var walk func(c *Condition)
	walk = func(c *Condition) {
		if c.Count != nil {
			days = max(days, c.Count.WithinDays)
		}
		for i := range c.All {
			walk(&c.All[i])
		}
		for i := range c.Any {
			walk(&c.Any[i])
		}
		if c.Not != nil {
			walk(c.Not)
		}
	}
	for i := range p.Rules {
		walk(&p.Rules[i].When)
	}
	return days
}

// gather builds the facts Evaluate reads for a period: the incidents of
// the period and of the lookback before it, the nominations, what the
// FactSource knows, and an empty Facts for every active advisor, so that
// everyone is evaluated together (an award is given among them).
func (s *Service) gather(ctx context.Context, dealer org.DealerID, p *Policy, period Period, loc *time.Location) ([]Facts, error) {
	m := factMap{}
	start, end := period.Start(loc), period.End(loc)
	y, mo, d := start.In(loc).Date()
	from := time.Date(y, mo, d-lookback(p), 0, 0, 0, 0, loc)
	incs, err := s.store.Incidents(ctx, dealer, from, end)
	if err != nil {
		return nil, fmt.Errorf("incidents: %w", err)
	}
	for _, r := range incs {
		f := m.get(r.Employee)
		f.Incidents = append(f.Incidents, r.Incident())
	}
	periods := []Period{period}
	if period.Kind() == Yearly {
		for month := time.January; month <= time.December; month++ {
			periods = append(periods, Period{Year: period.Year, Month: month})
		}
	}
	for _, pp := range periods {
		ns, err := s.store.Nominations(ctx, dealer, pp)
		if err != nil {
			return nil, fmt.Errorf("nominations of %s: %w", pp, err)
		}
		for _, n := range ns {
			f := m.get(n.Employee)
			f.Nominations = append(f.Nominations, n.Nomination())
		}
	}
	if s.facts != nil {
		fs, err := s.facts.Facts(ctx, dealer, FactQuery{Period: period, Location: loc})
		if err != nil {
			return nil, err
		}
		if err := m.add(fs); err != nil {
			return nil, fmt.Errorf("facts: %w", err)
		}
	}
	q := org.EmployeeQuery{Role: org.RoleAdvisor, Limit: org.MaxPage}
	for {
		page, err := s.roster.Employees(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("advisors: %w", err)
		}
		for _, e := range page {
			m.get(e.ID)
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	return m.list(), nil
}
