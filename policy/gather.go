package policy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/org"
)

// FactQuery names the period whose facts a FactSource gathers.
type FactQuery struct {
	Period Period `json:"period,omitempty"`
	// Location is the dealer's time zone, in which the period's instants
	// are counted; nil means UTC.
	Location *time.Location `json:"location,omitempty"`
}

// FactSource gathers facts about a dealer's employees for a period from
// another package: the results of the appraisal and of training (package
// monthend has both: monthend.AppraisalFacts, monthend.TrainingFacts), or
// several at once ([Combine]). It returns
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
