package appraisaltest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// tenant is one dealer's records in checkTenancy: the same keys under both
// dealers, told apart by their content, and records only dB has (another
// month of adv-1's history among them).
func tenant(d org.DealerID, only bool) appraisal.Change {
	mark := "of " + string(d)
	cy := cycle(d, nov)
	cy.Plan.Version = "plan " + mark
	in := input(d, nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")
	in.Value = amount("1")
	ap := appraisalOf(d, nov, "adv-1", "80")
	ap.Final.Grade = "grade " + mark
	im := improvement(d, nov, "adv-1")
	im.Interview = "interview " + mark
	if d == "dB" {
		in.Value, ap.Rank = amount("2"), 2
	}
	c := appraisal.Change{
		Cycles: []appraisal.Cycle{cy}, Inputs: []appraisal.Input{in}, Appraisals: []appraisal.Appraisal{ap},
		Improvements: []appraisal.Improvement{im}, Events: []org.Event{event(d, "ev-"+string(d), "appraisal/2026-11")},
	}
	if only {
		c.Cycles = append(c.Cycles, cycle(d, month("2026-10")))
		c.Inputs = append(c.Inputs, input(d, nov, "adv-1", "adv-2", appraisal.SourcePeer, "TEAM"), input(d, nov, "adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM"))
		c.Appraisals = append(c.Appraisals, appraisalOf(d, month("2026-10"), "adv-1", "40"), appraisalOf(d, nov, "adv-2", "90"))
		c.Improvements = append(c.Improvements, improvement(d, month("2026-10"), "adv-1"))
	}
	return c
}

func checkTenancy(ctx context.Context, s appraisal.Store, f Features) error {
	a, b := tenant("dA", false), tenant("dB", true)
	if err := commit(ctx, s, "dA", a, "seed dA"); err != nil {
		return err
	}
	if err := commit(ctx, s, "dB", b, "seed dB"); err != nil {
		return err
	}
	if err := readsOwnOnly(ctx, s, f, a); err != nil {
		return err
	}
	// dA writes version 2 of every record; dB's records of the same keys
	// must stay as they were.
	up := appraisal.Change{Cycles: a.Cycles[:1], Inputs: a.Inputs[:1], Appraisals: a.Appraisals[:1], Improvements: a.Improvements[:1]}
	up.Cycles[0] = up.Cycles[0].Clone()
	up.Cycles[0].Version, up.Cycles[0].State = 2, appraisal.CycleScored
	up.Inputs[0].Version, up.Inputs[0].Value = 2, amount("3")
	up.Appraisals[0] = up.Appraisals[0].Clone()
	up.Appraisals[0].Version, up.Appraisals[0].Final.Grade = 2, "changed by dA"
	up.Improvements[0] = up.Improvements[0].Clone()
	up.Improvements[0].Version, up.Improvements[0].Interview = 2, "changed by dA"
	if err := commit(ctx, s, "dA", up, "update dA's records to version 2"); err != nil {
		return err
	}
	before := tenant("dB", true)
	after, err := take(ctx, s, f, "dB")
	if err != nil {
		return err
	}
	want := snapshot{dealer: "dB",
		cycles:       []appraisal.Cycle{before.Cycles[1], before.Cycles[0]},                                   // months 2026-10, 2026-11
		inputs:       sortedByKey(before.Inputs),                                                              // all November's
		appraisals:   []appraisal.Appraisal{before.Appraisals[1], before.Appraisals[0], before.Appraisals[2]}, // 2026-10; 2026-11 by employee
		improvements: []appraisal.Improvement{before.Improvements[1], before.Improvements[0]},
	}
	if err := want.same(after); err != nil {
		return fmt.Errorf("updating dA's records changed dB's records of the same keys: %w", err)
	}
	return nil
}

// readsOwnOnly reads a's records through every method: each must be dA's,
// and dB's own keys must not be found nor listed.
func readsOwnOnly(ctx context.Context, s appraisal.Store, f Features, a appraisal.Change) error {
	var errs []error
	cy, err := s.Cycle(ctx, "dA", nov)
	errs = append(errs, kit.Then(err, func() error { return diffCycle(cy, a.Cycles[0]) }))
	ins, err := s.Inputs(ctx, "dA", nov, "")
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Inputs(dA, 2026-11, everyone)", ins, a.Inputs, inputKey, diffInput) }))
	ins, err = s.Inputs(ctx, "dA", nov, "adv-1")
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Inputs(dA, 2026-11, adv-1)", ins, a.Inputs, inputKey, diffInput) }))
	as, err := s.Appraisals(ctx, "dA", nov)
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList("Appraisals(dA, 2026-11)", as, a.Appraisals, employeeOf, diffAppraisal)
	}))
	as, err = s.History(ctx, "dA", "adv-1", dec)
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList("History(dA, adv-1, 2026-12)", as, a.Appraisals, monthOf, diffAppraisal)
	}))
	im, err := s.Improvement(ctx, "dA", nov, "adv-1")
	errs = append(errs, kit.Then(err, func() error { return diffImprovement(im, a.Improvements[0]) }))
	if r := f.events(s); r != nil {
		evs, err := r.Events(ctx, "dA", 0, 100)
		errs = append(errs, kit.Then(err, func() error { return kit.SameEvents("Events(dA)", evs, a.Events) }))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read or listed a record of dB: %w", err)
	}
	_, err = s.Cycle(ctx, "dA", month("2026-10"))
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Cycle(dA, 2026-10), a cycle of dB"))
	_, err = s.Improvement(ctx, "dA", month("2026-10"), "adv-1")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Improvement(dA, 2026-10, adv-1), a plan of dB"))
	for _, d := range []org.DealerID{"dC", ""} {
		_, err = s.Cycle(ctx, d, nov)
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Cycle(%q, 2026-11), a dealer with no records", d)))
		_, err = s.Improvement(ctx, d, nov, "adv-1")
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Improvement(%q, 2026-11, adv-1), a dealer with no records", d)))
		ins, err := s.Inputs(ctx, d, nov, "")
		errs = append(errs, kit.Then(err, func() error { return countNone(fmt.Sprintf("Inputs(%q, 2026-11)", d), len(ins)) }))
		as, err := s.Appraisals(ctx, d, nov)
		errs = append(errs, kit.Then(err, func() error { return countNone(fmt.Sprintf("Appraisals(%q, 2026-11)", d), len(as)) }))
		as, err = s.History(ctx, d, "adv-1", dec)
		errs = append(errs, kit.Then(err, func() error { return countNone(fmt.Sprintf("History(%q, adv-1, 2026-12)", d), len(as)) }))
	}
	return errors.Join(errs...)
}

func countNone(what string, n int) error {
	if n != 0 {
		return fmt.Errorf("%s: %d records, want none: another dealer's", what, n)
	}
	return nil
}
