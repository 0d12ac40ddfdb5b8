package appraisaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// checkConcurrentUpdates: f.Writers goroutines each add their own KPI to
// the final result of one appraisal, the way the Service calibrates: read
// the month's appraisals, change the one, commit it at the version read
// plus one with an event, retry on ErrConflict. Their first reads all
// happen before any commit. Every writer's KPI must be in the stored
// appraisal once, its version must count the writers, and the trail must
// hold one event per writer.
func checkConcurrentUpdates(ctx context.Context, s appraisal.Store, f Features) error {
	seed := appraisalOf("d1", nov, "adv-1", "80")
	seed.Final.KPIs = nil
	if err := commit(ctx, s, "d1", appraisal.Change{Appraisals: []appraisal.Appraisal{seed, appraisalOf("d1", nov, "adv-2", "70")}},
		"seed the appraisals of adv-1 and adv-2"); err != nil {
		return err
	}
	together := kit.NewBarrier(f.Writers)
	conflicts, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
		a, err := readAppraisal(ctx, s, "d1", seed)
		if attempt == 0 {
			together.Wait(ctx)
		}
		if err != nil {
			return err
		}
		// The writer owns what it read, and changes its own copy: this
		// check is about versions, ReadsAreCopies about sharing.
		a = a.Clone()
		w := fmt.Sprintf("w%02d", i)
		a.Final.KPIs = append(a.Final.KPIs, appraisal.KPIResult{Code: w, Weight: amount("1"), Score: amount("12.50")})
		a.Rank++
		a.Version++
		return s.Commit(ctx, "d1", appraisal.Change{Appraisals: []appraisal.Appraisal{a}, Events: events("d1", "calibrated-"+w, "appraisal/2026-11/adv-1", 1)})
	})
	if err != nil {
		return err
	}
	a, err := readAppraisal(ctx, s, "d1", seed)
	if err != nil {
		return err
	}
	var codes, want []string
	for _, k := range a.Final.KPIs {
		codes = append(codes, k.Code)
	}
	for i := range f.Writers {
		want = append(want, fmt.Sprintf("w%02d", i))
	}
	slices.Sort(codes)
	if !slices.Equal(codes, want) {
		return fmt.Errorf("after %d writers (%d conflicts retried) the appraisal holds the KPIs %q, want each writer's once %q: an update was lost or landed twice",
			f.Writers, conflicts, codes, want)
	}
	if a.Version != int64(f.Writers+1) || a.Rank != 1+f.Writers {
		return fmt.Errorf("after %d writers the appraisal is at version %d with rank %d, want version %d and rank %d", f.Writers, a.Version, a.Rank, f.Writers+1, f.Writers+1)
	}
	if r := kit.TrailOf(s, f.Events); r != nil {
		evs, err := kit.AllEvents(ctx, r, "d1")
		if err != nil {
			return err
		}
		if len(evs) != f.Writers {
			return fmt.Errorf("%d updates landed and left %d events %s: a refused commit wrote its event, or a landed one lost it", f.Writers, len(evs), kit.EventIDs(evs))
		}
	}
	return nil
}

// checkInputKeyOnce: f.Writers goroutines rate one KPI of one employee as
// one rater at once, as a double-submitted form does: each lists the
// ratee's inputs, finds none with its Key, and commits the input at
// Version 1 with an event; their lookups all happen before any commit. One
// lands; the rest conflict and leave nothing behind.
func checkInputKeyOnce(ctx context.Context, s appraisal.Store, f Features) error {
	changes := make([]appraisal.Change, f.Writers)
	for i := range f.Writers {
		in := input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")
		in.Value = amount(fmt.Sprintf("%d.5", i))
		changes[i] = appraisal.Change{Inputs: []appraisal.Input{in}, Events: events("d1", fmt.Sprintf("rated-w%02d", i), "appraisal/2026-11/adv-1", 1)}
	}
	key := changes[0].Inputs[0].Key()
	look := func(int) error {
		list, err := s.Inputs(ctx, "d1", nov, "adv-1")
		switch {
		case err != nil:
			return fmt.Errorf("listing the ratee's inputs before rating: %w", err)
		case slices.ContainsFunc(list, func(in appraisal.Input) bool { return in.Key() == key }):
			return fmt.Errorf("listing the ratee's inputs before rating found %s, before any commit", key)
		}
		return nil
	}
	won, err := kit.RaceToCreate(ctx, f.Writers, "input "+key, look, func(i int) error { return s.Commit(ctx, "d1", changes[i]) })
	if err != nil {
		return err
	}
	list, err := s.Inputs(ctx, "d1", nov, "")
	if err != nil {
		return err
	}
	if err := kit.DiffList("the inputs after the race", list, changes[won].Inputs, inputKey, diffInput); err != nil {
		return fmt.Errorf("only the input of the commit that landed may be stored: %w", err)
	}
	return kit.OnlyEvents(ctx, kit.TrailOf(s, f.Events), "d1", changes[won].Events)
}

// checkLargeHistory writes 12 months of 200 employees, a month per commit
// in an order that is not the months', and reads every month and some
// employees' histories.
func checkLargeHistory(ctx context.Context, s appraisal.Store, _ Features) error {
	const nMonths, nEmployees = 12, 200
	first := month("2026-01")
	var ids []org.EmployeeID
	for i := range nEmployees {
		ids = append(ids, org.EmployeeID(fmt.Sprintf("e%d", i))) // "e10" sorts before "e2"
	}
	byMonth := map[org.Month][]appraisal.Appraisal{}
	for _, k := range []int{5, 0, 11, 3, 8, 1, 10, 6, 2, 9, 4, 7} {
		m := first.Add(k)
		var c appraisal.Change
		for i, e := range ids {
			a := appraisalOf("d1", m, e, fmt.Sprintf("%d.%02d", 40+i%60, k))
			a.Rank, a.ConsecutiveFails = i+1, k
			c.Appraisals = append(c.Appraisals, a)
		}
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit %d appraisals of %s", nEmployees, m)); err != nil {
			return err
		}
		byMonth[m] = c.Appraisals
	}
	var errs []error
	for k := range nMonths {
		m := first.Add(k)
		got, err := s.Appraisals(ctx, "d1", m)
		if err != nil {
			return fmt.Errorf("Appraisals(d1, %s): %w", m, err)
		}
		errs = append(errs, kit.DiffList(fmt.Sprintf("Appraisals(d1, %s)", m), got, sortedByEmployee(byMonth[m]), employeeOf, diffAppraisal))
	}
	for _, e := range []org.EmployeeID{ids[0], ids[2], ids[10], ids[nEmployees/2], ids[nEmployees-1]} {
		for _, upTo := range []int{0, 7, nMonths - 1, nMonths + 5} {
			last := first.Add(upTo)
			var want []appraisal.Appraisal
			for k := 0; k <= min(upTo, nMonths-1); k++ {
				i := slices.Index(ids, e)
				want = append(want, byMonth[first.Add(k)][i])
			}
			got, err := s.History(ctx, "d1", e, last)
			if err != nil {
				return fmt.Errorf("History(d1, %s, %s): %w", e, last, err)
			}
			errs = append(errs, kit.DiffList(fmt.Sprintf("History(d1, %s, %s)", e, last), got, want, monthEmployee, diffAppraisal))
		}
	}
	return errors.Join(errs...)
}
