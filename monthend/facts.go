package monthend

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
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/training"
)

// The facts the policy reads of the appraisal and of training (R5.4, R6.4,
// R7). policy knows nothing of those packages: these sources, with
// policy.Combine, are its Config.Facts:
//
//	policy.Config{Facts: policy.Combine(monthend.AppraisalFacts(store.Appraisal()), monthend.TrainingFacts(store.Training()))}

// loc is q's time zone, or UTC.
func loc(q policy.FactQuery) *time.Location {
	if q.Location == nil {
		return time.UTC
	}
	return q.Location
}

// AppraisalReader is what AppraisalFacts reads of the appraisal:
// appraisal.Store has it.
type AppraisalReader interface {
	Cycle(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Cycle, error)
	Appraisals(ctx context.Context, dealer org.DealerID, m org.Month) ([]appraisal.Appraisal, error)
}

// AppraisalFacts is the appraisal's results as facts (R6.4). Only
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
func AppraisalFacts(src AppraisalReader) policy.FactSource {
	return policy.FactFunc(func(ctx context.Context, dealer org.DealerID, q policy.FactQuery) ([]policy.Facts, error) {
		if !q.Period.Valid() {
			return nil, fmt.Errorf("monthend: appraisal facts: period %d-%d: %w", q.Period.Year, q.Period.Month, org.ErrInvalid)
		}
		if q.Period.Kind() == policy.Monthly {
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
	case errors.Is(err, org.ErrNotFound):
		return nil, 0, nil
	case err != nil:
		return nil, 0, fmt.Errorf("monthend: appraisal facts: cycle %s: %w", m, err)
	case c.State != appraisal.CycleFinalized && c.State != appraisal.CyclePublished:
		return nil, 0, nil
	}
	as, err := src.Appraisals(ctx, dealer, m)
	if err != nil {
		return nil, 0, fmt.Errorf("monthend: appraisal facts: %s: %w", m, err)
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

func monthAppraisals(ctx context.Context, src AppraisalReader, dealer org.DealerID, m org.Month) ([]policy.Facts, error) {
	as, ranked, err := finalAppraisals(ctx, src, dealer, m)
	if err != nil {
		return nil, err
	}
	out := make([]policy.Facts, 0, len(as))
	for _, a := range as {
		f := &policy.AppraisalFacts{Score: a.Final.Score, Grade: a.Final.Grade, Passed: a.Final.Pass,
			Excellent: a.Final.Excellent && a.Final.Pass, Rank: a.Rank, Ranked: ranked, ConsecutiveFails: a.ConsecutiveFails}
		fixRun(f)
		out = append(out, policy.Facts{Employee: a.Final.Employee, Appraisal: f})
	}
	return out, nil
}

// fixRun keeps the run of fails consistent with the pass, as Evaluate
// requires: a pass ends every run; a fail is at least a run of one.
func fixRun(f *policy.AppraisalFacts) {
	switch {
	case f.Passed:
		f.ConsecutiveFails = 0
	case f.ConsecutiveFails < 1:
		f.ConsecutiveFails = 1
	}
}

func yearAppraisals(ctx context.Context, src AppraisalReader, dealer org.DealerID, year int) ([]policy.Facts, error) {
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
	out := make([]policy.Facts, 0, len(ranked))
	for _, r := range ranked {
		s := sums[r.Employee]
		f := &policy.AppraisalFacts{Score: r.Score, Grade: s.last.Final.Grade, Passed: s.last.Final.Pass,
			Excellent: s.excellent && s.last.Final.Pass, Rank: r.Rank, Ranked: len(ranked), ConsecutiveFails: s.last.ConsecutiveFails}
		fixRun(f)
		out = append(out, policy.Facts{Employee: r.Employee, Appraisal: f})
	}
	return out, nil
}

// TrainingReader is what TrainingFacts reads of training: training.Store
// has it.
type TrainingReader interface {
	Plan(ctx context.Context, dealer org.DealerID, year int) (training.Plan, error)
	Progress(ctx context.Context, dealer org.DealerID, year int, employee org.EmployeeID) ([]training.Progress, error)
}

// TrainingFacts is training's assessment results as facts (R5.4, R6.4):
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
func TrainingFacts(src TrainingReader) policy.FactSource {
	return policy.FactFunc(func(ctx context.Context, dealer org.DealerID, q policy.FactQuery) ([]policy.Facts, error) {
		if !q.Period.Valid() {
			return nil, fmt.Errorf("monthend: training facts: period %d-%d: %w", q.Period.Year, q.Period.Month, org.ErrInvalid)
		}
		start, end := q.Period.Start(loc(q)), q.Period.End(loc(q))
		byEmployee := map[org.EmployeeID][]policy.TrainingResult{}
		// A course of the year before may be retaken early in this one.
		for year := q.Period.Year - 1; year <= q.Period.Year; year++ {
			plan, err := src.Plan(ctx, dealer, year)
			if err != nil && !errors.Is(err, org.ErrNotFound) {
				return nil, fmt.Errorf("monthend: training facts: plan %d: %w", year, err)
			}
			ps, err := src.Progress(ctx, dealer, year, "")
			if err != nil {
				return nil, fmt.Errorf("monthend: training facts: progress of %d: %w", year, err)
			}
			for _, p := range ps {
				var course *training.Course
				if c, ok := plan.Course(p.CourseID); ok {
					course = &c
				}
				if o, ok := trainingOutcome(p, course, start, end); ok {
					byEmployee[p.Employee] = append(byEmployee[p.Employee], policy.TrainingResult{Course: p.CourseID, Outcome: o})
				}
			}
		}
		out := make([]policy.Facts, 0, len(byEmployee))
		for e, rs := range byEmployee {
			out = append(out, policy.Facts{Employee: e, Training: rs})
		}
		slices.SortFunc(out, func(a, b policy.Facts) int { return cmp.Compare(a.Employee, b.Employee) })
		return out, nil
	})
}

// trainingOutcome is the outcome of p's last attempt in [start, end), if
// any. course is nil when the plan no longer has it: then the earlier
// rounds count as one, and excellence is the commendation.
func trainingOutcome(p training.Progress, course *training.Course, start, end time.Time) (policy.Outcome, bool) {
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
			return policy.Excellent, true
		case x.a.Passed && course == nil && p.Commended && p.CommendedAt.Equal(x.a.At):
			return policy.Excellent, true
		case x.a.Passed:
			return policy.Passed, true
		case x.ended:
			return policy.NeedsRetrain, true
		case x.pos > 1:
			return policy.RetakeFailed, true
		}
		return policy.Failed, true
	}
	return "", false
}
