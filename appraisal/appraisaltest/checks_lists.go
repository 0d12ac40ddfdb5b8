package appraisaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// listInputs are November's inputs in an order that is none of the orders
// a store could fall into: not Key order, not the order of the (ratee,
// rater, source, kpi) columns (the Key "adv-1-b/..." sorts before
// "adv-1/..."), not case-blind order. December has an input of adv-1 too.
func listInputs() (novInputs []appraisal.Input, decInputs []appraisal.Input) {
	in := func(m org.Month, ratee, rater org.EmployeeID, src appraisal.Source, kpi, value string) appraisal.Input {
		x := input("d1", m, ratee, rater, src, kpi)
		x.Value = amount(value)
		return x
	}
	novInputs = []appraisal.Input{
		in(nov, "adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM", "1"),
		in(nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM", "2"),
		in(nov, "adv-1-b", "sup-1", appraisal.SourceSupervisor, "TEAM", "3"),
		in(nov, "Adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM", "4"),
		in(nov, "adv-10", "adv-1", appraisal.SourcePeer, "TEAM", "5"),
		in(nov, "adv-1", "adv-2", appraisal.SourcePeer, "TEAM", "6"),
		in(nov, "adv-1", "adv-10", appraisal.SourcePeer, "TEAM", "7"),
		in(nov, "adv-1", "adv-1", appraisal.SourceSelf, "TEAM", "8"),
		in(nov, "adv-1", "adv-1", appraisal.SourceSelf, "CSI", "9"),
		in(nov, "adv-1", "Adv-2", appraisal.SourcePeer, "TEAM", "10"),
	}
	decInputs = []appraisal.Input{in(dec, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM", "11")}
	return novInputs, decInputs
}

func checkInputsOrdered(ctx context.Context, s appraisal.Store, _ Features) error {
	novInputs, decInputs := listInputs()
	if err := commit(ctx, s, "d1", appraisal.Change{Inputs: slices.Concat(decInputs, novInputs)}, "seed inputs of 2026-11 and 2026-12"); err != nil {
		return err
	}
	of := func(ins []appraisal.Input, ratee org.EmployeeID) []appraisal.Input {
		if ratee == "" {
			return sortedByKey(ins)
		}
		return sortedByKey(slices.DeleteFunc(slices.Clone(ins), func(in appraisal.Input) bool { return in.Ratee != ratee }))
	}
	var errs []error
	for _, q := range []struct {
		m     org.Month
		ratee org.EmployeeID
		want  []appraisal.Input
	}{
		{nov, "", of(novInputs, "")},
		{nov, "adv-1", of(novInputs, "adv-1")}, // not adv-1-b's, nor adv-10's
		{nov, "adv-1-b", of(novInputs, "adv-1-b")},
		{nov, "Adv-2", of(novInputs, "Adv-2")}, // not adv-2's
		{nov, "adv-", nil},
		{dec, "", decInputs},
		{dec, "adv-1", decInputs},
		{dec, "adv-2", nil},
		{month("2026-10"), "", nil},
	} {
		what := fmt.Sprintf("Inputs(d1, %s, %q)", q.m, q.ratee)
		got, err := s.Inputs(ctx, "d1", q.m, q.ratee)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, q.want, inputKey, diffInput))
	}
	return errors.Join(errs...)
}

func sortedByEmployee(as []appraisal.Appraisal) []appraisal.Appraisal {
	as = slices.Clone(as)
	slices.SortFunc(as, func(a, b appraisal.Appraisal) int { return strings.Compare(employeeOf(a), employeeOf(b)) })
	return as
}

func checkAppraisalsOrdered(ctx context.Context, s appraisal.Store, _ Features) error {
	var novAs, decAs []appraisal.Appraisal
	for i, e := range []org.EmployeeID{"adv-2", "adv-10", "Adv-2", "adv-1", "adv-1-b", "tech-1"} {
		novAs = append(novAs, appraisalOf("d1", nov, e, fmt.Sprintf("%d.5", 60+i)))
	}
	for i, e := range []org.EmployeeID{"tech-1", "adv-1"} {
		decAs = append(decAs, appraisalOf("d1", dec, e, fmt.Sprintf("%d.25", 70+i)))
	}
	if err := commit(ctx, s, "d1", appraisal.Change{Appraisals: novAs[:3]}, "seed three appraisals of 2026-11"); err != nil {
		return err
	}
	if err := commit(ctx, s, "d1", appraisal.Change{Appraisals: slices.Concat(decAs, novAs[3:])}, "seed the others of 2026-11 and two of 2026-12"); err != nil {
		return err
	}
	var errs []error
	for _, q := range []struct {
		m    org.Month
		want []appraisal.Appraisal
	}{{nov, sortedByEmployee(novAs)}, {dec, sortedByEmployee(decAs)}, {month("2026-10"), nil}, {month("2025-11"), nil}} {
		what := fmt.Sprintf("Appraisals(d1, %s)", q.m)
		got, err := s.Appraisals(ctx, "d1", q.m)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, q.want, employeeOf, diffAppraisal))
	}
	return errors.Join(errs...)
}

// checkHistory writes adv-1's months out of order, across three years,
// beside months of employees whose IDs begin like adv-1's, and reads its
// history up to several months.
func checkHistory(ctx context.Context, s appraisal.Store, _ Features) error {
	mine := map[org.Month]appraisal.Appraisal{}
	var c1, c2 appraisal.Change
	for i, m := range []string{"2026-11", "2025-12", "2027-01", "2026-02", "2026-01", "2026-10", "2026-12"} {
		a := appraisalOf("d1", month(m), "adv-1", fmt.Sprintf("%d.125", 50+i))
		a.ConsecutiveFails = i
		mine[a.Month] = a
		if i%2 == 0 {
			c1.Appraisals = append(c1.Appraisals, a)
		} else {
			c2.Appraisals = append(c2.Appraisals, a)
		}
	}
	others := []appraisal.Appraisal{
		appraisalOf("d1", month("2026-11"), "adv-10", "99"),
		appraisalOf("d1", month("2026-01"), "adv-10", "98"),
		appraisalOf("d1", month("2026-02"), "adv-1-b", "97"),
		appraisalOf("d1", month("2025-11"), "Adv-1", "96"),
		appraisalOf("d1", month("2026-11"), "adv-2", "95"),
	}
	c1.Appraisals = append(c1.Appraisals, others[:2]...)
	c2.Appraisals = append(others[2:], c2.Appraisals...)
	if err := commit(ctx, s, "d1", c1, "seed some of adv-1's months and others'"); err != nil {
		return err
	}
	if err := commit(ctx, s, "d1", c2, "seed the rest"); err != nil {
		return err
	}
	upTo := func(e org.EmployeeID, last string, all []appraisal.Appraisal) []appraisal.Appraisal {
		var out []appraisal.Appraisal
		for _, a := range all {
			if a.Computed.Employee == e && !month(last).Before(a.Month) {
				out = append(out, a)
			}
		}
		slices.SortFunc(out, func(a, b appraisal.Appraisal) int { return strings.Compare(a.Month.String(), b.Month.String()) })
		return out
	}
	all := slices.Clone(others)
	for _, a := range mine {
		all = append(all, a)
	}
	var errs []error
	for _, q := range []struct {
		e    org.EmployeeID
		upTo string
	}{
		{"adv-1", "2026-12"}, // up to and including December, not 2027-01
		{"adv-1", "2026-11"},
		{"adv-1", "2026-09"}, // a month with no appraisal
		{"adv-1", "2026-01"}, // across the turn of the year
		{"adv-1", "2025-11"}, // before the first
		{"adv-1", "2099-01"},
		{"adv-10", "2026-12"},
		{"Adv-1", "2026-12"},
		{"adv-", "2026-12"},
		{"tech-1", "2026-12"},
	} {
		what := fmt.Sprintf("History(d1, %q, %s)", q.e, q.upTo)
		got, err := s.History(ctx, "d1", q.e, month(q.upTo))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, upTo(q.e, q.upTo, all), monthEmployee, diffAppraisal))
	}
	return errors.Join(errs...)
}

// checkEmpty asks for what is not there, in a new store and beside
// records: each list is empty, and no error.
func checkEmpty(ctx context.Context, s appraisal.Store, _ Features) error {
	lists := func(when string) error {
		var errs []error
		empty := func(what string, n int, err error) {
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("%s %s: got error %w, want an empty list", what, when, err))
			case n != 0:
				errs = append(errs, fmt.Errorf("%s %s: got %d records, want none", what, when, n))
			}
		}
		ins, err := s.Inputs(ctx, "d1", dec, "")
		empty("Inputs(d1, 2026-12, everyone)", len(ins), err)
		ins, err = s.Inputs(ctx, "d1", nov, "nobody")
		empty("Inputs(d1, 2026-11, nobody)", len(ins), err)
		as, err := s.Appraisals(ctx, "d1", dec)
		empty("Appraisals(d1, 2026-12)", len(as), err)
		as, err = s.History(ctx, "d1", "nobody", dec)
		empty("History(d1, nobody, 2026-12)", len(as), err)
		as, err = s.History(ctx, "d1", "adv-1", month("2026-10"))
		empty("History(d1, adv-1, 2026-10)", len(as), err)
		as, err = s.History(ctx, "d9", "adv-1", dec)
		empty("History(d9, adv-1, 2026-12)", len(as), err)
		return errors.Join(errs...)
	}
	if err := lists("in a new store"); err != nil {
		return err
	}
	c := appraisal.Change{Cycles: []appraisal.Cycle{cycle("d1", nov)},
		Inputs:     []appraisal.Input{input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")},
		Appraisals: []appraisal.Appraisal{appraisalOf("d1", nov, "adv-1", "80")}}
	if err := commit(ctx, s, "d1", c, "seed November"); err != nil {
		return err
	}
	return lists("beside November's records")
}
