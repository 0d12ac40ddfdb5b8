package appraisaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// The appraisal domain as the shared store rules see it (internal/kit):
// its four record kinds. The rules every kind keeps (versions, a record
// twice in a change, atomic commits, tenancy, copies, the trail, a done
// context) run from internal/kit on each of them; this package keeps the
// checks only appraisal has.

// domain declares appraisal.Store to the shared rules, its trail read as
// f says.
func domain(f Features) *kit.Domain[appraisal.Store, appraisal.Change] {
	return &kit.Domain[appraisal.Store, appraisal.Change]{
		Kit: "appraisaltest",
		Commit: func(ctx context.Context, s appraisal.Store, d org.DealerID, c appraisal.Change) error {
			return s.Commit(ctx, d, c)
		},
		Events:   func(s appraisal.Store) kit.EventReader { return kit.TrailOf(s, f.Events) },
		EventsIn: func(c *appraisal.Change) *[]org.Event { return &c.Events },
		Event:    func(d org.DealerID, id string) org.Event { return event(d, id, "appraisal/2026-11") },
		Kinds:    []kit.Kind[appraisal.Store, appraisal.Change]{cycles, inputs, appraisals, improvements},
		Skip:     ErrSkip,
	}
}

// shared returns the shared rules as the kit's Checks.
func shared() []Check {
	return kit.Bind(domain, check)
}

type (
	store  = appraisal.Store
	change = appraisal.Change
)

// Record n of a kind (1 to 4) is of November, but for cycles, which are
// keyed by their month alone: cycle n is of cycleMonths[n-1]. A snapshot
// reads every month of months, and the improvement plans of every
// employee of employees, since cycles and plans have no list.

// cycleMonths are the months of cycles 1 to 4, all of months. CycleNotFound
// stores cycles 1 and 2 and reads cycle 4, which lies between them and is
// cycle 1's month of the next year: a store answering the nearest cycle
// before or after, or one of the same month of any year, is caught.
var cycleMonths = []org.Month{month("2025-12"), month("2027-01"), month("2026-10"), dec}

var cycles = kit.Declare(kit.Record[store, change, appraisal.Cycle]{
	Label: "Cycle", Name: "cycle", KeyName: "Month",
	RoundTrip: "a cycle, keyed by its Month, reads back with every field as written: the plan's KPIs, sources, scales, curves with bands, grades, bonus by grade (a map) and linear (a pointer, nil or set), deadlines (a map), reopenings; decimals exact, instants in UTC to the microsecond",
	NotFound:  "Cycle returns ErrNotFound for a month never stored",
	Make:      func(d org.DealerID, n int) appraisal.Cycle { return cycle(d, cycleMonths[n-1]) },
	// The reworks KPI goes first: its source's curve has bands.
	Full: func(d org.DealerID, n int) appraisal.Cycle {
		c := fullCycle(d, cycleMonths[n-1])
		c.Plan.KPIs = fullestFirst(c.Plan.KPIs, 1)
		return c
	},
	Key:     cycleMonth,
	Version: func(c *appraisal.Cycle) *int64 { return &c.Version },
	Edit:    func(c *appraisal.Cycle, s string) { c.Plan.Version = s },
	In:      func(c *change) *[]appraisal.Cycle { return &c.Cycles },
	Get: func(ctx context.Context, s store, d org.DealerID, c appraisal.Cycle) (appraisal.Cycle, error) {
		return s.Cycle(ctx, d, c.Month)
	},
	// Cycles have no list: a snapshot reads the fixtures' months.
	All: func(ctx context.Context, s store, d org.DealerID) ([]appraisal.Cycle, error) {
		var out []appraisal.Cycle
		for _, m := range months {
			c, err := s.Cycle(ctx, d, m)
			switch {
			case err == nil:
				out = append(out, c)
			case !errors.Is(err, org.ErrNotFound):
				return nil, fmt.Errorf("cycle %s: %w", m, err)
			}
		}
		return out, nil
	},
	Diff: diffCycle,
})

var inputs = kit.Declare(kit.Record[store, change, appraisal.Input]{
	Label: "Input", Name: "input", KeyName: "Month, Key",
	Make: func(d org.DealerID, n int) appraisal.Input {
		return input(d, nov, "adv-1", org.EmployeeID(fmt.Sprintf("peer-%d", n)), appraisal.SourcePeer, "TEAM")
	},
	// input sets every field: it is the full record too.
	Key:     inputMonthKey,
	Version: func(in *appraisal.Input) *int64 { return &in.Version },
	Edit:    func(in *appraisal.Input, s string) { in.Value = decimal.NewFromInt(int64(len(s))) },
	In:      func(c *change) *[]appraisal.Input { return &c.Inputs },
	Get:     readInput,
	Reads: []kit.Read[store, appraisal.Input]{
		{Name: "Inputs of the month", Of: func(ctx context.Context, s store, d org.DealerID, in appraisal.Input) ([]appraisal.Input, error) {
			return s.Inputs(ctx, d, in.Month, "")
		}},
		{Name: "Inputs of a ratee", Of: func(ctx context.Context, s store, d org.DealerID, in appraisal.Input) ([]appraisal.Input, error) {
			return s.Inputs(ctx, d, in.Month, in.Ratee)
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]appraisal.Input, error) {
		var out []appraisal.Input
		for _, m := range months {
			ins, err := s.Inputs(ctx, d, m, "")
			if err != nil {
				return nil, fmt.Errorf("inputs of %s: %w", m, err)
			}
			out = append(out, ins...)
		}
		return out, nil
	},
	Diff: diffInput,
})

// readInput finds like's stored version in its ratee's list, or returns an
// error matching org.ErrNotFound.
func readInput(ctx context.Context, s store, d org.DealerID, like appraisal.Input) (appraisal.Input, error) {
	list, err := s.Inputs(ctx, d, like.Month, like.Ratee)
	if err != nil {
		return appraisal.Input{}, err
	}
	if i := slices.IndexFunc(list, func(in appraisal.Input) bool { return in.Key() == like.Key() }); i >= 0 {
		return list[i], nil
	}
	return appraisal.Input{}, fmt.Errorf("input %s of %s is not listed by Inputs: %w", like.Key(), like.Month, org.ErrNotFound)
}

var appraisals = kit.Declare(kit.Record[store, change, appraisal.Appraisal]{
	Label: "Appraisal", Name: "appraisal", KeyName: "Month, Computed.Employee",
	Make: func(d org.DealerID, n int) appraisal.Appraisal { return appraisalOf(d, nov, employees[n], "80") },
	// The teamwork KPI goes first: it has missing sources and metrics.
	Full: func(d org.DealerID, n int) appraisal.Appraisal {
		a := fullAppraisal(d, nov, employees[n])
		a.Computed.KPIs, a.Final.KPIs = fullestFirst(a.Computed.KPIs, 1), fullestFirst(a.Final.KPIs, 1)
		return a
	},
	Key:     monthEmployee,
	Version: func(a *appraisal.Appraisal) *int64 { return &a.Version },
	Edit:    func(a *appraisal.Appraisal, s string) { a.Final.Grade = s },
	In:      func(c *change) *[]appraisal.Appraisal { return &c.Appraisals },
	Get:     readAppraisal,
	Reads: []kit.Read[store, appraisal.Appraisal]{
		{Name: "Appraisals of the month", Of: func(ctx context.Context, s store, d org.DealerID, a appraisal.Appraisal) ([]appraisal.Appraisal, error) {
			return s.Appraisals(ctx, d, a.Month)
		}},
		{Name: "History of the employee", Of: func(ctx context.Context, s store, d org.DealerID, a appraisal.Appraisal) ([]appraisal.Appraisal, error) {
			return s.History(ctx, d, a.Computed.Employee, a.Month)
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]appraisal.Appraisal, error) {
		var out []appraisal.Appraisal
		for _, m := range months {
			as, err := s.Appraisals(ctx, d, m)
			if err != nil {
				return nil, fmt.Errorf("appraisals of %s: %w", m, err)
			}
			out = append(out, as...)
		}
		return out, nil
	},
	Diff: diffAppraisal,
})

// readAppraisal finds like's stored version in its month's list, or
// returns an error matching org.ErrNotFound.
func readAppraisal(ctx context.Context, s store, d org.DealerID, like appraisal.Appraisal) (appraisal.Appraisal, error) {
	list, err := s.Appraisals(ctx, d, like.Month)
	if err != nil {
		return appraisal.Appraisal{}, err
	}
	if i := slices.IndexFunc(list, func(a appraisal.Appraisal) bool { return employeeOf(a) == employeeOf(like) }); i >= 0 {
		return list[i], nil
	}
	return appraisal.Appraisal{}, fmt.Errorf("appraisal of %s for %s is not listed by Appraisals: %w", employeeOf(like), like.Month, org.ErrNotFound)
}

var improvements = kit.Declare(kit.Record[store, change, appraisal.Improvement]{
	Label: "Improvement", Name: "improvement plan", KeyName: "Month, Employee",
	RoundTrip: "an improvement plan, keyed by its Month and Employee, reads back with every field as written: goals and follow-ups, instants in UTC to the microsecond",
	Make:      func(d org.DealerID, n int) appraisal.Improvement { return improvement(d, nov, employees[n]) },
	Full:      func(d org.DealerID, n int) appraisal.Improvement { return fullImprovement(d, nov, employees[n]) },
	Key:       improvementKey,
	Version:   func(i *appraisal.Improvement) *int64 { return &i.Version },
	Edit:      func(i *appraisal.Improvement, s string) { i.Interview = s },
	In:        func(c *change) *[]appraisal.Improvement { return &c.Improvements },
	Get: func(ctx context.Context, s store, d org.DealerID, i appraisal.Improvement) (appraisal.Improvement, error) {
		return s.Improvement(ctx, d, i.Month, i.Employee)
	},
	// Improvement plans have no list: a snapshot reads the fixtures'
	// months and employees.
	All: func(ctx context.Context, s store, d org.DealerID) ([]appraisal.Improvement, error) {
		var out []appraisal.Improvement
		for _, m := range months {
			for _, e := range employees {
				i, err := s.Improvement(ctx, d, m, e)
				switch {
				case err == nil:
					out = append(out, i)
				case !errors.Is(err, org.ErrNotFound):
					return nil, fmt.Errorf("improvement plan of %s for %s: %w", e, m, err)
				}
			}
		}
		return out, nil
	},
	Diff: diffImprovement,
})

// fullestFirst returns xs with its i-th element first. The shared rules
// share, one by one, the references of a full record's first element of
// each slice: the element holding the most goes first.
func fullestFirst[T any](xs []T, i int) []T { return slices.Concat(xs[i:i+1], xs[:i], xs[i+1:]) }

func cycleMonth(c appraisal.Cycle) string     { return c.Month.String() }
func inputMonthKey(in appraisal.Input) string { return in.Month.String() + "/" + in.Key() }
func improvementKey(i appraisal.Improvement) string {
	return i.Month.String() + "/" + string(i.Employee)
}
