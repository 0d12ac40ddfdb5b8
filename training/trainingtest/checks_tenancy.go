package trainingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// tenant is one dealer's records in checkTenancy: the same keys under both
// dealers, told apart by their content, and records only dB has (another
// year's plan, session and progress among them).
func tenant(d org.DealerID, only bool) training.Change {
	mark := "of " + string(d)
	p := plan(d, year)
	p.WrittenBy = org.EmployeeID("writer " + mark)
	ss := session(d, "s-1", t0)
	ss.Place = "place " + mark
	pr := progress(d, "c-1", "adv-1")
	pr.RetrainingSession = "session " + mark
	cr := career(d, "adv-1")
	cr.Notes[0].Text = "note " + mark
	if d == "dB" {
		ss.Capacity, pr.Standing = 20, training.Passed
	}
	c := training.Change{
		Plans: []training.Plan{p}, Sessions: []training.Session{ss}, Progress: []training.Progress{pr},
		Careers: []training.Career{cr}, Events: []org.Event{event(d, "ev-"+string(d), "plan/2027")},
	}
	if only {
		other := session(d, "s-2", at(60))
		other.Year = 2026
		c.Plans = append(c.Plans, plan(d, 2026))
		c.Sessions = append(c.Sessions, session(d, "s-3", at(30)), other)
		older := progress(d, "c-1", "adv-1")
		older.Year = 2026
		c.Progress = append(c.Progress, progress(d, "c-1", "adv-2"), progress(d, "c-2", "adv-1"), older)
		c.Careers = append(c.Careers, career(d, "adv-2"))
	}
	return c
}

func checkTenancy(ctx context.Context, s training.Store, f Features) error {
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
	up := training.Change{
		Plans: []training.Plan{bumped(plans, a.Plans[0].Clone())}, Sessions: []training.Session{bumped(sessions, a.Sessions[0].Clone())},
		Progress: []training.Progress{bumped(progresses, a.Progress[0].Clone())}, Careers: []training.Career{bumped(careers, a.Careers[0].Clone())},
	}
	if err := commit(ctx, s, "dA", up, "update dA's records to version 2"); err != nil {
		return err
	}
	before := tenant("dB", true)
	after, err := take(ctx, s, f, "dB")
	if err != nil {
		return err
	}
	want := snapshot{dealer: "dB",
		plans:    []training.Plan{before.Plans[1], before.Plans[0]},                                    // 2026, 2027
		sessions: []training.Session{before.Sessions[2], before.Sessions[0], before.Sessions[1]},       // 2026; 2027 by start
		progress: append([]training.Progress{before.Progress[3]}, sortedByKey(before.Progress[:3])...), // 2026; 2027 by key
		careers:  before.Careers,
	}
	if err := want.same(after); err != nil {
		return fmt.Errorf("updating dA's records changed dB's records of the same keys: %w", err)
	}
	return nil
}

// readsOwnOnly reads a's records through every method: each must be dA's,
// and dB's own keys must not be found nor listed.
func readsOwnOnly(ctx context.Context, s training.Store, f Features, a training.Change) error {
	var errs []error
	p, err := s.Plan(ctx, "dA", year)
	errs = append(errs, kit.Then(err, func() error { return diffPlan(p, a.Plans[0]) }))
	ss, err := s.Session(ctx, "dA", "s-1")
	errs = append(errs, kit.Then(err, func() error { return diffSession(ss, a.Sessions[0]) }))
	list, err := s.Sessions(ctx, "dA", year)
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Sessions(dA, 2027)", list, a.Sessions, sessionID, diffSession) }))
	ps, err := s.Progress(ctx, "dA", year, "")
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList("Progress(dA, 2027, everyone)", ps, a.Progress, progressKey, diffProgress)
	}))
	ps, err = s.Progress(ctx, "dA", year, "adv-1")
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList("Progress(dA, 2027, adv-1)", ps, a.Progress, progressKey, diffProgress)
	}))
	cr, err := s.Career(ctx, "dA", "adv-1")
	errs = append(errs, kit.Then(err, func() error { return diffCareer(cr, a.Careers[0]) }))
	cs, err := s.Careers(ctx, "dA")
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Careers(dA)", cs, a.Careers, careerEmployee, diffCareer) }))
	if r := f.events(s); r != nil {
		evs, err := r.Events(ctx, "dA", 0, 100)
		errs = append(errs, kit.Then(err, func() error { return kit.SameEvents("Events(dA)", evs, a.Events) }))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read or listed a record of dB: %w", err)
	}
	_, err = s.Plan(ctx, "dA", 2026)
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Plan(dA, 2026), a plan of dB"))
	_, err = s.Session(ctx, "dA", "s-3")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Session(dA, s-3), a session of dB"))
	_, err = s.Career(ctx, "dA", "adv-2")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Career(dA, adv-2), a career record of dB"))
	list, err = s.Sessions(ctx, "dA", 2026)
	errs = append(errs, kit.Then(err, func() error { return countNone("Sessions(dA, 2026)", len(list)) }))
	ps, err = s.Progress(ctx, "dA", 2026, "")
	errs = append(errs, kit.Then(err, func() error { return countNone("Progress(dA, 2026)", len(ps)) }))
	ps, err = s.Progress(ctx, "dA", year, "adv-2")
	errs = append(errs, kit.Then(err, func() error { return countNone("Progress(dA, 2027, adv-2)", len(ps)) }))
	for _, d := range []org.DealerID{"dC", ""} {
		_, err = s.Plan(ctx, d, year)
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Plan(%q, 2027), a dealer with no records", d)))
		_, err = s.Session(ctx, d, "s-1")
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Session(%q, s-1), a dealer with no records", d)))
		_, err = s.Career(ctx, d, "adv-1")
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Career(%q, adv-1), a dealer with no records", d)))
		list, err := s.Sessions(ctx, d, year)
		errs = append(errs, kit.Then(err, func() error { return countNone(fmt.Sprintf("Sessions(%q, 2027)", d), len(list)) }))
		ps, err := s.Progress(ctx, d, year, "")
		errs = append(errs, kit.Then(err, func() error { return countNone(fmt.Sprintf("Progress(%q, 2027)", d), len(ps)) }))
		cs, err := s.Careers(ctx, d)
		errs = append(errs, kit.Then(err, func() error { return countNone(fmt.Sprintf("Careers(%q)", d), len(cs)) }))
	}
	return errors.Join(errs...)
}

func countNone(what string, n int) error {
	if n != 0 {
		return fmt.Errorf("%s: %d records, want none: another dealer's", what, n)
	}
	return nil
}
