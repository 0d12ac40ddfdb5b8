package trainingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// The training domain as the shared store rules see it (internal/kit):
// its four record kinds. The rules every kind keeps (versions, a record
// twice in a change, atomic commits, tenancy, copies, the trail, a done
// context) run from internal/kit on each of them, and so do the plan's
// round trip and the not-found reads of plans, sessions and career
// records, which those kinds declare; this package keeps the checks only
// training has. The round trips of sessions, progress and career records,
// AmountsExact and InstantsUTCMicroseconds stay the kit's own
// (checks_records.go): each reads back whole lists (a year's sessions,
// every key part of progress, Careers) and so proves their filter and
// order too, which the shared ones, diffing the records they wrote, do
// not.

// domain declares training.Store to the shared rules, its trail read as
// f says.
func domain(f Features) *kit.Domain[training.Store, training.Change] {
	return &kit.Domain[training.Store, training.Change]{
		Kit: "trainingtest",
		Commit: func(ctx context.Context, s training.Store, d org.DealerID, c training.Change) error {
			return s.Commit(ctx, d, c)
		},
		Events:   func(s training.Store) kit.EventReader { return kit.TrailOf(s, f.Events) },
		EventsIn: func(c *training.Change) *[]org.Event { return &c.Events },
		Event:    func(d org.DealerID, id string) org.Event { return event(d, id, "plan/2027") },
		Kinds:    []kit.Kind[training.Store, training.Change]{plans, sessions, progresses, careers},
		Skip:     ErrSkip,
	}
}

// shared returns the shared rules as the kit's Checks.
func shared() []Check {
	return kit.Bind(domain, check)
}

type (
	store  = training.Store
	change = training.Change
)

// nth returns the n-th of the fixtures' keys (years for plans,
// employees for progress and careers), round the list.
func nth[T any](xs []T, n int) T { return xs[n%len(xs)] }

var plans = kit.Declare(kit.Record[store, change, training.Plan]{
	Label: "Plan", Name: "plan", KeyName: "Year",
	Make:    func(d org.DealerID, n int) training.Plan { return plan(d, nth(years, n-1)) },
	Full:    func(d org.DealerID, n int) training.Plan { return fullPlan(d, nth(years, n-1)) },
	Key:     planYear,
	Version: func(p *training.Plan) *int64 { return &p.Version },
	Edit:    func(p *training.Plan, s string) { p.WrittenBy = org.EmployeeID(s) },
	In:      func(c *change) *[]training.Plan { return &c.Plans },
	Get: func(ctx context.Context, s store, d org.DealerID, p training.Plan) (training.Plan, error) {
		return s.Plan(ctx, d, p.Year)
	},
	// Plans have no list: a snapshot reads the fixtures' years.
	All: func(ctx context.Context, s store, d org.DealerID) ([]training.Plan, error) {
		var out []training.Plan
		for _, y := range years {
			p, err := s.Plan(ctx, d, y)
			switch {
			case err == nil:
				out = append(out, p)
			case !errors.Is(err, org.ErrNotFound):
				return nil, fmt.Errorf("plan %d: %w", y, err)
			}
		}
		return out, nil
	},
	Diff:      diffPlan,
	RoundTrip: "a plan, keyed by its Year, reads back with every field as written: its courses with their targets (Employees, a slice), assessments and certificates (a pointer, nil or set), the approver; decimals exact, instants in UTC to the microsecond",
	NotFound:  "Plan returns ErrNotFound for a year never stored, also beside the plans of the years around it",
})

var sessions = kit.Declare(kit.Record[store, change, training.Session]{
	Label: "Session", Name: "session", KeyName: "ID",
	Make:    func(d org.DealerID, n int) training.Session { return session(d, fmt.Sprintf("s-%d", n), at(n)) },
	Full:    func(d org.DealerID, n int) training.Session { return fullSession(d, fmt.Sprintf("s-%d", n)) },
	Key:     sessionID,
	Version: func(s *training.Session) *int64 { return &s.Version },
	Edit:    func(s *training.Session, v string) { s.Place = v },
	In:      func(c *change) *[]training.Session { return &c.Sessions },
	Get: func(ctx context.Context, s store, d org.DealerID, x training.Session) (training.Session, error) {
		return s.Session(ctx, d, x.ID)
	},
	Reads: []kit.Read[store, training.Session]{{Name: "Sessions of the year",
		Of: func(ctx context.Context, s store, d org.DealerID, x training.Session) ([]training.Session, error) {
			return s.Sessions(ctx, d, x.Year)
		}}},
	All: func(ctx context.Context, s store, d org.DealerID) ([]training.Session, error) {
		var out []training.Session
		for _, y := range years {
			ss, err := s.Sessions(ctx, d, y)
			if err != nil {
				return nil, fmt.Errorf("sessions of %d: %w", y, err)
			}
			out = append(out, ss...)
		}
		return out, nil
	},
	Diff:     diffSession,
	NotFound: "Session returns ErrNotFound for an ID never stored: not found by prefix, case-blind or with trailing spaces trimmed",
	SetKey:   func(s *training.Session, k string) { s.ID = k },
})

var progresses = kit.Declare(kit.Record[store, change, training.Progress]{
	Label: "Progress", Name: "progress record", KeyName: "Key",
	Make:    func(d org.DealerID, n int) training.Progress { return progress(d, "c-1", nth(employees, n)) },
	Full:    func(d org.DealerID, n int) training.Progress { return fullProgress(d, "c-1", nth(employees, n)) },
	Key:     progressKey,
	Version: func(p *training.Progress) *int64 { return &p.Version },
	Edit:    func(p *training.Progress, s string) { p.RetrainingSession = s },
	In:      func(c *change) *[]training.Progress { return &c.Progress },
	Get:     readProgressOf,
	Reads: []kit.Read[store, training.Progress]{
		{Name: "Progress of the year", Of: func(ctx context.Context, s store, d org.DealerID, p training.Progress) ([]training.Progress, error) {
			return s.Progress(ctx, d, p.Year, "")
		}},
		{Name: "Progress of an employee", Of: func(ctx context.Context, s store, d org.DealerID, p training.Progress) ([]training.Progress, error) {
			return s.Progress(ctx, d, p.Year, p.Employee)
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]training.Progress, error) {
		var out []training.Progress
		for _, y := range years {
			ps, err := s.Progress(ctx, d, y, "")
			if err != nil {
				return nil, fmt.Errorf("progress of %d: %w", y, err)
			}
			out = append(out, ps...)
		}
		return out, nil
	},
	Diff: diffProgress,
})

// readProgressOf finds like's stored version in its employee's list, or
// returns an error matching org.ErrNotFound.
func readProgressOf(ctx context.Context, s store, d org.DealerID, like training.Progress) (training.Progress, error) {
	list, err := s.Progress(ctx, d, like.Year, like.Employee)
	if err != nil {
		return training.Progress{}, err
	}
	if i := slices.IndexFunc(list, func(p training.Progress) bool { return p.Key() == like.Key() }); i >= 0 {
		return list[i], nil
	}
	return training.Progress{}, fmt.Errorf("progress %s is not listed by Progress: %w", like.Key(), org.ErrNotFound)
}

var careers = kit.Declare(kit.Record[store, change, training.Career]{
	Label: "Career", Name: "career record", KeyName: "Employee",
	Make:    func(d org.DealerID, n int) training.Career { return career(d, nth(employees, n)) },
	Full:    func(d org.DealerID, n int) training.Career { return fullCareer(d, nth(employees, n)) },
	Key:     careerEmployee,
	Version: func(c *training.Career) *int64 { return &c.Version },
	Edit:    func(c *training.Career, s string) { c.Goals = []training.Goal{{Text: s, Due: at(60)}} },
	In:      func(c *change) *[]training.Career { return &c.Careers },
	Get: func(ctx context.Context, s store, d org.DealerID, c training.Career) (training.Career, error) {
		return s.Career(ctx, d, c.Employee)
	},
	Reads: []kit.Read[store, training.Career]{{Name: "Careers",
		Of: func(ctx context.Context, s store, d org.DealerID, _ training.Career) ([]training.Career, error) {
			return s.Careers(ctx, d)
		}}},
	All: func(ctx context.Context, s store, d org.DealerID) ([]training.Career, error) {
		return s.Careers(ctx, d)
	},
	Diff:     diffCareer,
	NotFound: "Career returns ErrNotFound for an employee never stored: not found by prefix, case-blind or with trailing spaces trimmed",
	SetKey:   func(c *training.Career, k string) { c.Employee = org.EmployeeID(k) },
})
