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

// kind is what the version rule needs of one record kind.
type kind[T any] struct {
	name string
	// make returns record n (1 to 4) of dealer d at version 1.
	make    func(d org.DealerID, n int) T
	key     func(T) string
	version func(*T) *int64
	// edit changes a field, so an overwrite shows.
	edit func(*T, string)
	put  func(*training.Change, T)
	read func(ctx context.Context, s training.Store, d org.DealerID, like T) (T, error)
	diff func(got, want T) error
}

var plans = kind[training.Plan]{
	name:    "plan",
	make:    func(d org.DealerID, n int) training.Plan { return plan(d, years[n-1]) },
	key:     planYear,
	version: func(p *training.Plan) *int64 { return &p.Version },
	edit:    func(p *training.Plan, s string) { p.WrittenBy = org.EmployeeID(s) },
	put:     func(c *training.Change, p training.Plan) { c.Plans = append(c.Plans, p) },
	read: func(ctx context.Context, s training.Store, d org.DealerID, p training.Plan) (training.Plan, error) {
		return s.Plan(ctx, d, p.Year)
	},
	diff: diffPlan,
}

var sessions = kind[training.Session]{
	name:    "session",
	make:    func(d org.DealerID, n int) training.Session { return session(d, fmt.Sprintf("s-%d", n), at(n)) },
	key:     sessionID,
	version: func(s *training.Session) *int64 { return &s.Version },
	edit:    func(s *training.Session, v string) { s.Place = v },
	put:     func(c *training.Change, s training.Session) { c.Sessions = append(c.Sessions, s) },
	read: func(ctx context.Context, s training.Store, d org.DealerID, x training.Session) (training.Session, error) {
		return s.Session(ctx, d, x.ID)
	},
	diff: diffSession,
}

var progresses = kind[training.Progress]{
	name:    "progress record",
	make:    func(d org.DealerID, n int) training.Progress { return progress(d, "c-1", employees[n]) },
	key:     progressKey,
	version: func(p *training.Progress) *int64 { return &p.Version },
	edit:    func(p *training.Progress, s string) { p.RetrainingSession = s },
	put:     func(c *training.Change, p training.Progress) { c.Progress = append(c.Progress, p) },
	read:    readProgressOf,
	diff:    diffProgress,
}

// readProgressOf finds like's stored version in its employee's list, or
// returns an error matching org.ErrNotFound.
func readProgressOf(ctx context.Context, s training.Store, d org.DealerID, like training.Progress) (training.Progress, error) {
	list, err := s.Progress(ctx, d, like.Year, like.Employee)
	if err != nil {
		return training.Progress{}, err
	}
	if i := slices.IndexFunc(list, func(p training.Progress) bool { return p.Key() == like.Key() }); i >= 0 {
		return list[i], nil
	}
	return training.Progress{}, fmt.Errorf("progress %s is not listed by Progress: %w", like.Key(), org.ErrNotFound)
}

var careers = kind[training.Career]{
	name:    "career record",
	make:    func(d org.DealerID, n int) training.Career { return career(d, employees[n]) },
	key:     careerEmployee,
	version: func(c *training.Career) *int64 { return &c.Version },
	edit:    func(c *training.Career, s string) { c.Goals = []training.Goal{{Text: s, Due: at(60)}} },
	put:     func(c *training.Change, x training.Career) { c.Careers = append(c.Careers, x) },
	read: func(ctx context.Context, s training.Store, d org.DealerID, c training.Career) (training.Career, error) {
		return s.Career(ctx, d, c.Employee)
	},
	diff: diffCareer,
}

// refusedWritesNothing commits c, wants an error matching want, and
// compares the dealers' snapshots before and after.
func refusedWritesNothing(ctx context.Context, s training.Store, f Features, c training.Change, want error, what string, dealers ...org.DealerID) error {
	var before []snapshot
	for _, d := range dealers {
		sn, err := take(ctx, s, f, d)
		if err != nil {
			return err
		}
		before = append(before, sn)
	}
	if err := kit.ExpectErr(s.Commit(ctx, dealers[0], c), want, what); err != nil {
		return err
	}
	var errs []error
	for i, d := range dealers {
		after, err := take(ctx, s, f, d)
		if err != nil {
			return err
		}
		errs = append(errs, before[i].same(after))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s was refused but wrote: %w", what, err)
	}
	return nil
}

// checkVersionRule writes one record of k, then tries every write the rule
// refuses: each must fail with its sentinel and change nothing, events
// included.
func checkVersionRule[T any](k kind[T]) func(context.Context, training.Store, Features) error {
	return func(ctx context.Context, s training.Store, f Features) error {
		change := func(rec T, evID string) training.Change {
			var c training.Change
			k.put(&c, rec)
			c.Events = []org.Event{event("d1", evID, "kit/"+k.name)}
			return c
		}
		v1 := k.make("d1", 1)
		if err := commit(ctx, s, "d1", change(v1, "ok-1"), "create "+k.name+" "+k.key(v1)); err != nil {
			return err
		}
		refused := func(rec T, want error, what string) error {
			return refusedWritesNothing(ctx, s, f, change(rec, "refused"), want, fmt.Sprintf("%s %s: %s", k.name, k.key(rec), what), "d1")
		}

		again := k.make("d1", 1)
		k.edit(&again, "impostor")
		if err := refused(again, org.ErrConflict, "writing version 1 of an existing record"); err != nil {
			return err
		}
		v2 := k.make("d1", 1)
		k.edit(&v2, "second")
		*k.version(&v2) = 2
		if err := commit(ctx, s, "d1", change(v2, "ok-2"), "write "+k.name+" version 2 over 1"); err != nil {
			return err
		}
		for _, bad := range []struct {
			version int64
			what    string
		}{{2, "writing version 2 again (a writer that read version 1)"}, {4, "writing version 4 over 2 (a skipped version)"}, {1, "writing version 1 over 2"}} {
			rec := k.make("d1", 1)
			k.edit(&rec, "lost")
			*k.version(&rec) = bad.version
			if err := refused(rec, org.ErrConflict, bad.what); err != nil {
				return err
			}
		}
		got, err := k.read(ctx, s, "d1", v2)
		if err != nil {
			return fmt.Errorf("read %s %s: %w", k.name, k.key(v2), err)
		}
		if err := k.diff(got, v2); err != nil {
			return fmt.Errorf("after the refused writes: %w", err)
		}

		for n := 2; n <= 3; n++ {
			ghost := k.make("d1", n)
			*k.version(&ghost) = 2
			if err := refused(ghost, org.ErrConflict, "writing version 2 of a record never created"); err != nil {
				return err
			}
			_, err := k.read(ctx, s, "d1", ghost)
			if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading %s %s, which a refused commit named", k.name, k.key(ghost))); err != nil {
				return err
			}
		}
		for _, v := range []int64{0, -1} {
			bad := k.make("d1", 4)
			*k.version(&bad) = v
			if err := refused(bad, org.ErrInvalid, fmt.Sprintf("writing version %d", v)); err != nil {
				return err
			}
		}
		zero := k.make("d1", 1)
		*k.version(&zero) = 0
		if err := refused(zero, org.ErrInvalid, "writing version 0 over an existing record"); err != nil {
			return err
		}
		if r := f.events(s); r != nil {
			evs, err := kit.AllEvents(ctx, r, "d1")
			if err != nil {
				return err
			}
			if len(evs) != 2 || evs[0].ID != "ok-1" || evs[1].ID != "ok-2" {
				return fmt.Errorf("the trail holds %s, want the two accepted commits' events ok-1 and ok-2 only", kit.EventIDs(evs))
			}
		}
		return nil
	}
}

// atomicSeed is what checkAtomic, checkTwice and checkCommitOtherDealer
// start from: one record of each kind (two careers), and an event.
func atomicSeed(d org.DealerID) training.Change {
	return training.Change{
		Plans:    []training.Plan{plan(d, year)},
		Sessions: []training.Session{session(d, "s-1", t0)},
		Progress: []training.Progress{progress(d, "c-1", "adv-1")},
		Careers:  []training.Career{career(d, "adv-1"), career(d, "sup-1")},
		Events:   []org.Event{event(d, "seed", "plan/2027")},
	}
}

// bumped returns x at version 2 with one field changed by edit.
func bumped[T any](k kind[T], x T) T {
	x = edited(k, x)
	*k.version(&x) = 2
	return x
}

// edited returns x with one field changed by edit.
func edited[T any](k kind[T], x T) T {
	k.edit(&x, "updated")
	return x
}

// checkTwice commits changes that name one record twice, beside good
// records of the other kinds: a store writing records one by one lands
// both versions of one, a store keeping the last lands the second.
func checkTwice(ctx context.Context, s training.Store, f Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	seed := atomicSeed("d1")
	newPlan, newSession := plan("d1", 2028), session("d1", "s-2", at(5))
	newProgress, newCareer := progress("d1", "c-1", "adv-2"), career("d1", "adv-2")
	evs := func(id string) []org.Event { return []org.Event{event("d1", id, "kit/twice")} }
	type change = training.Change
	cases := []struct {
		name string
		c    change
	}{
		{"a new plan at version 1 twice", change{Plans: []training.Plan{newPlan, edited(plans, newPlan)}, Sessions: []training.Session{newSession}, Events: evs("t1")}},
		{"a new session at versions 1 and 2", change{Sessions: []training.Session{newSession, bumped(sessions, newSession)}, Careers: []training.Career{newCareer}, Events: evs("t2")}},
		{"a stored progress record at versions 2 and 3", change{Progress: func() []training.Progress {
			v2 := bumped(progresses, seed.Progress[0])
			v3 := v2.Clone()
			v3.Version, v3.Standing = 3, training.Passed
			return []training.Progress{v2, v3}
		}(), Plans: []training.Plan{newPlan}, Events: evs("t3")}},
		{"a stored career record at version 2 twice, written apart", change{Careers: []training.Career{
			bumped(careers, seed.Careers[0]), newCareer, bumped(careers, seed.Careers[0])}, Progress: []training.Progress{newProgress}, Events: evs("t4")}},
		{"a new progress record twice, with different content", change{Progress: []training.Progress{newProgress, func() training.Progress {
			p := progress("d1", "c-1", "adv-2")
			p.Standing = training.Passed
			return p
		}()}, Sessions: []training.Session{bumped(sessions, seed.Sessions[0])}, Events: evs("t5")}},
	}
	for _, c := range cases {
		if err := refusedWritesNothing(ctx, s, f, c.c, org.ErrConflict, "commit of "+c.name, "d1"); err != nil {
			return err
		}
	}
	return nil
}

func checkAtomic(ctx context.Context, s training.Store, f Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	// Good writes: a new record of every kind, and version 2 of the
	// seeded ones. Stale writes: version 1 of a seeded record again.
	newPlan, newSession := plan("d1", 2028), session("d1", "s-2", at(5))
	newProgress, newCareer := progress("d1", "c-1", "adv-2"), career("d1", "adv-2")
	seed := atomicSeed("d1")
	upPlan, upSession := bumped(plans, seed.Plans[0]), bumped(sessions, seed.Sessions[0])
	upProgress, upCareer := bumped(progresses, seed.Progress[0]), bumped(careers, seed.Careers[0])
	stalePlan, staleSession, staleProgress, staleCareer := seed.Plans[0], seed.Sessions[0], seed.Progress[0], seed.Careers[1]
	ghostCareer := career("d1", "adv-10")
	ghostCareer.Version = 2
	evs := func(id string) []org.Event { return []org.Event{event("d1", id, "plan/2027")} }
	type change = training.Change
	cases := []struct {
		name string
		c    change
	}{
		{"a new session and a stale plan (a session scheduled while the plan changed)", change{
			Sessions: []training.Session{newSession}, Plans: []training.Plan{stalePlan}, Events: evs("x1")}},
		{"the updated plan and a new progress record, and a stale session", change{
			Plans: []training.Plan{upPlan}, Progress: []training.Progress{newProgress}, Sessions: []training.Session{staleSession}, Events: evs("x2")}},
		{"a stale progress record, then new records of every kind", change{
			Progress: []training.Progress{staleProgress, newProgress}, Plans: []training.Plan{newPlan}, Sessions: []training.Session{newSession},
			Careers: []training.Career{newCareer}, Events: evs("x3")}},
		{"updates of every kind and a stale career record", change{
			Plans: []training.Plan{upPlan}, Sessions: []training.Session{upSession}, Progress: []training.Progress{upProgress},
			Careers: []training.Career{upCareer, staleCareer}, Events: evs("x4")}},
		{"new records of every kind and a career record never created", change{
			Plans: []training.Plan{newPlan}, Sessions: []training.Session{newSession}, Progress: []training.Progress{upProgress},
			Careers: []training.Career{newCareer, ghostCareer}, Events: evs("x5")}},
	}
	for _, c := range cases {
		if err := refusedWritesNothing(ctx, s, f, c.c, org.ErrConflict, "commit of "+c.name, "d1"); err != nil {
			return fmt.Errorf("a refused commit must write no part of itself: %w", err)
		}
	}
	return nil
}

func checkCommitOtherDealer(ctx context.Context, s training.Store, f Features) error {
	for _, d := range []org.DealerID{"dA", "dB"} {
		if err := commit(ctx, s, d, atomicSeed(d), "seed "+string(d)); err != nil {
			return err
		}
	}
	// Each change holds good records of dA, and one record of dB placed
	// last, where a store checking only the first would miss it.
	good := func() training.Change {
		return training.Change{
			Plans:    []training.Plan{plan("dA", 2028)},
			Sessions: []training.Session{session("dA", "s-2", at(5))},
			Progress: []training.Progress{progress("dA", "c-1", "adv-2")},
			Careers:  []training.Career{career("dA", "adv-2")},
			Events:   []org.Event{event("dA", "a-ev", "plan/2028")},
		}
	}
	seedB := atomicSeed("dB")
	cases := []struct {
		name string
		add  func(c *training.Change)
	}{
		{"a plan of dB", func(c *training.Change) { c.Plans = append(c.Plans, plan("dB", 2026)) }},
		{"a session of dB", func(c *training.Change) { c.Sessions = append(c.Sessions, session("dB", "s-3", at(6))) }},
		{"a progress record of dB", func(c *training.Change) { c.Progress = append(c.Progress, progress("dB", "c-1", "adv-10")) }},
		{"a career record of dB", func(c *training.Change) { c.Careers = append(c.Careers, career("dB", "adv-10")) }},
		{"an event of dB", func(c *training.Change) { c.Events = append(c.Events, event("dB", "b-ev", "plan/2027")) }},
		{"an update of dB's session", func(c *training.Change) { c.Sessions = append(c.Sessions, bumped(sessions, seedB.Sessions[0])) }},
		{"an update of dB's progress record", func(c *training.Change) {
			c.Progress = append(c.Progress, bumped(progresses, seedB.Progress[0]))
		}},
		{"an update of dB's career record", func(c *training.Change) { c.Careers = append(c.Careers, bumped(careers, seedB.Careers[0])) }},
	}
	for _, tc := range cases {
		c := good()
		tc.add(&c)
		if err := refusedWritesNothing(ctx, s, f, c, org.ErrInvalid, "commit for dA holding "+tc.name, "dA", "dB"); err != nil {
			return err
		}
	}
	return nil
}
