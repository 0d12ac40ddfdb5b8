package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Counted is the score that counts for p under counting c (R5.4), over all
// its attempts; false when there is none.
func (p Progress) Counted(c Counting) (decimal.Decimal, bool) {
	all := append(append([]Attempt(nil), p.Earlier...), p.Attempts...)
	if len(all) == 0 {
		return decimal.Zero, false
	}
	switch c {
	case CountFirst:
		return all[0].Score, true
	case CountLast:
		return all[len(all)-1].Score, true
	case CountAverage:
		sum := decimal.Zero
		for _, a := range all {
			sum = sum.Add(a.Score)
		}
		return sum.DivRound(decimal.NewFromInt(int64(len(all))), 2), true
	}
	best := all[0].Score
	for _, a := range all[1:] {
		if a.Score.GreaterThan(best) {
			best = a.Score
		}
	}
	return best, true
}

// EmployeeReport is an employee's training year.
type EmployeeReport struct {
	Employee         org.EmployeeID  `json:"employee"`
	Year             int             `json:"year"`
	Hours            decimal.Decimal `json:"hours"`
	CoursesCompleted int             `json:"courses_completed"`
	Attempts         int             `json:"attempts"`
	// PassRate is passed attempts over attempts, 0 to 1 (zero without
	// attempts).
	PassRate   decimal.Decimal `json:"pass_rate"`
	Retakes    []string        `json:"retakes"`    // courses with a retake due
	Retraining []string        `json:"retraining"` // courses to take again
	Commended  []string        `json:"commended"`
}

// Report is an employee's training year: hours credited, courses
// completed, pass rate, outstanding retakes and retraining. To the
// employee, their supervisor (R2.2) and admins; anyone else is refused with
// ErrForbidden.
func (s *Service) Report(ctx context.Context, dealer org.DealerID, actor org.Actor, employee org.EmployeeID, year int) (EmployeeReport, error) {
	const op = "report"
	r := EmployeeReport{Employee: employee, Year: year, Retakes: []string{}, Retraining: []string{}, Commended: []string{}}
	if err := s.reader(ctx, dealer, actor, op, onRoster...); err != nil {
		return r, err
	}
	if ok, err := org.Sees(ctx, s.roster, dealer, actor, employee); err != nil {
		return r, err
	} else if !ok {
		return r, notTheirs(op, actor, employee)
	}
	ss, err := s.store.Sessions(ctx, dealer, year)
	if err != nil {
		return r, fmt.Errorf("training: report: %w", err)
	}
	for _, x := range ss {
		for _, a := range x.Attendees {
			if a.Employee == employee && a.Status == StatusEnrolled {
				r.Hours = r.Hours.Add(a.Hours)
			}
		}
	}
	ps, err := s.store.Progress(ctx, dealer, year, employee)
	if err != nil {
		return r, fmt.Errorf("training: report: %w", err)
	}
	passed := 0
	for _, p := range ps {
		for _, a := range append(append([]Attempt(nil), p.Earlier...), p.Attempts...) {
			r.Attempts++
			if a.Passed {
				passed++
			}
		}
		switch p.Standing {
		case Passed:
			r.CoursesCompleted++
		case RetakeDue:
			r.Retakes = append(r.Retakes, p.CourseID)
		case RetrainingRequired:
			r.Retraining = append(r.Retraining, p.CourseID)
		}
		if p.Commended {
			r.Commended = append(r.Commended, p.CourseID)
		}
	}
	if r.Attempts > 0 {
		r.PassRate = decimal.NewFromInt(int64(passed)).DivRound(decimal.NewFromInt(int64(r.Attempts)), 4)
	}
	return r, nil
}

// CourseCompletion is how far a course of the plan is done.
type CourseCompletion struct {
	CourseID  string `json:"course_id"`
	Mandatory bool   `json:"mandatory"`
	Targeted  int    `json:"targeted"`
	Completed int    `json:"completed"`
}

// PlanCompletion is how far a year's plan is done for the department.
type PlanCompletion struct {
	Year    int                `json:"year"`
	Courses []CourseCompletion `json:"courses"`
	// Rate is completed over targeted, over all courses, 0 to 1.
	Rate decimal.Decimal `json:"rate"`
}

// Completion reports the plan's completion: per course, the active
// employees it targets and those who passed it. It counts, naming no one:
// everyone on the roster may read it.
func (s *Service) Completion(ctx context.Context, dealer org.DealerID, actor org.Actor, year int) (PlanCompletion, error) {
	out := PlanCompletion{Year: year, Courses: []CourseCompletion{}}
	if err := s.reader(ctx, dealer, actor, "completion", onRoster...); err != nil {
		return out, err
	}
	p, err := s.store.Plan(ctx, dealer, year)
	if err != nil {
		return out, fmt.Errorf("training: completion %d: %w", year, err)
	}
	es, err := s.roster.Employees(ctx, dealer, org.EmployeeQuery{Limit: org.MaxPage})
	if err != nil {
		return out, err
	}
	ps, err := s.store.Progress(ctx, dealer, year, "")
	if err != nil {
		return out, err
	}
	done := map[string]bool{}
	for _, x := range ps {
		if x.Standing == Passed {
			done[x.Key()] = true
		}
	}
	var targeted, completed int
	for _, c := range p.Courses {
		cc := CourseCompletion{CourseID: c.ID, Mandatory: c.Mandatory}
		for _, e := range es {
			if c.Targets(e) {
				cc.Targeted++
				if done[progressKey(year, c.ID, e.ID)] {
					cc.Completed++
				}
			}
		}
		targeted, completed = targeted+cc.Targeted, completed+cc.Completed
		out.Courses = append(out.Courses, cc)
	}
	if targeted > 0 {
		out.Rate = decimal.NewFromInt(int64(completed)).DivRound(decimal.NewFromInt(int64(targeted)), 4)
	}
	return out, nil
}

// MonthResult is one employee's training in a month, as the appraisal
// counts it (R5.4: results count toward performance).
type MonthResult struct {
	Employee org.EmployeeID `json:"employee"`
	// Score is the mean counted score (0 to 100) of the courses assessed
	// in the month, to 2 places; zero with NoScore set when no course
	// counted a score.
	Score   decimal.Decimal `json:"score"`
	NoScore bool            `json:"no_score,omitempty"`
	// Attempts and Passed count the month's attempts; PassRate is
	// Passed / Attempts, 0 to 1, to 4 places.
	Attempts int             `json:"attempts"`
	Passed   int             `json:"passed"`
	PassRate decimal.Decimal `json:"pass_rate"`
}

// ResultSource reads every employee's training results of a month, without
// an actor: the month-end's plumbing (package monthend gives them to the
// appraisal), after it has authorised the actor who runs the month.
type ResultSource struct{ s *Service }

// ResultSource returns the month's training results as the month-end
// reads them.
func (s *Service) ResultSource() ResultSource { return ResultSource{s: s} }

// MonthResults returns the training of month m (in the dealer's time zone)
// of every employee with an assessment in it, ordered by employee; an
// employee without one is not listed: no data, never zero.
func (r ResultSource) MonthResults(ctx context.Context, dealer org.DealerID, m org.Month) ([]MonthResult, error) {
	return r.s.measure(ctx, dealer, m)
}

func (s *Service) measure(ctx context.Context, dealer org.DealerID, m org.Month) ([]MonthResult, error) {
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return nil, err
	}
	loc, err := d.Location()
	if err != nil {
		return nil, err
	}
	// A course counts its attempts as its own year's plan says; a retake
	// in January may finish a course of December's plan.
	counting := map[int]map[string]Counting{}
	for _, year := range []int{m.Year - 1, m.Year} {
		counting[year] = map[string]Counting{}
		p, err := s.store.Plan(ctx, dealer, year)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, c := range p.Courses {
			counting[year][c.ID] = c.Assessment.Counts
		}
	}
	type acc struct {
		scores            []decimal.Decimal
		attempts, passing int
	}
	by := map[org.EmployeeID]*acc{}
	for _, year := range []int{m.Year - 1, m.Year} {
		ps, err := s.store.Progress(ctx, dealer, year, "")
		if err != nil {
			return nil, err
		}
		for _, x := range ps {
			var in []Attempt
			for _, a := range x.Attempts {
				if m.Contains(a.At, loc) {
					in = append(in, a)
				}
			}
			if len(in) == 0 {
				continue
			}
			a := by[x.Employee]
			if a == nil {
				a = &acc{}
				by[x.Employee] = a
			}
			for _, t := range in {
				a.attempts++
				if t.Passed {
					a.passing++
				}
			}
			rule, ok := counting[year][x.CourseID]
			if !ok {
				rule = CountHighest // a course no longer in its plan
			}
			if sc, ok := x.Counted(rule); ok {
				a.scores = append(a.scores, sc)
			}
		}
	}
	out := make([]MonthResult, 0, len(by))
	for e, a := range by {
		r := MonthResult{Employee: e, Attempts: a.attempts, Passed: a.passing, NoScore: len(a.scores) == 0,
			PassRate: decimal.NewFromInt(int64(a.passing)).DivRound(decimal.NewFromInt(int64(a.attempts)), 4)}
		if len(a.scores) > 0 {
			sum := decimal.Zero
			for _, sc := range a.scores {
				sum = sum.Add(sc)
			}
			r.Score = sum.DivRound(decimal.NewFromInt(int64(len(a.scores))), 2)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b MonthResult) int { return strings.Compare(string(a.Employee), string(b.Employee)) })
	return out, nil
}
