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

// kind is what the version rule needs of one record kind.
type kind[T any] struct {
	name string
	// make returns record n (1 to 4) of dealer d at version 1.
	make    func(d org.DealerID, n int) T
	key     func(T) string
	version func(*T) *int64
	// edit changes a field, so an overwrite shows.
	edit func(*T, string)
	put  func(*appraisal.Change, T)
	read func(ctx context.Context, s appraisal.Store, d org.DealerID, like T) (T, error)
	diff func(got, want T) error
}

var cycles = kind[appraisal.Cycle]{
	name:    "cycle",
	make:    func(d org.DealerID, n int) appraisal.Cycle { return cycle(d, months[n]) },
	key:     func(c appraisal.Cycle) string { return c.Month.String() },
	version: func(c *appraisal.Cycle) *int64 { return &c.Version },
	edit:    func(c *appraisal.Cycle, s string) { c.Plan.Version = s },
	put:     func(ch *appraisal.Change, c appraisal.Cycle) { ch.Cycles = append(ch.Cycles, c) },
	read: func(ctx context.Context, s appraisal.Store, d org.DealerID, c appraisal.Cycle) (appraisal.Cycle, error) {
		return s.Cycle(ctx, d, c.Month)
	},
	diff: diffCycle,
}

var inputs = kind[appraisal.Input]{
	name: "input",
	make: func(d org.DealerID, n int) appraisal.Input {
		return input(d, nov, "adv-1", org.EmployeeID(fmt.Sprintf("peer-%d", n)), appraisal.SourcePeer, "TEAM")
	},
	key:     inputKey,
	version: func(in *appraisal.Input) *int64 { return &in.Version },
	edit:    func(in *appraisal.Input, s string) { in.Value = decimal.NewFromInt(int64(len(s))) },
	put:     func(ch *appraisal.Change, in appraisal.Input) { ch.Inputs = append(ch.Inputs, in) },
	read:    readInput,
	diff:    diffInput,
}

// readInput finds like's stored version in its ratee's list, or returns an
// error matching org.ErrNotFound.
func readInput(ctx context.Context, s appraisal.Store, d org.DealerID, like appraisal.Input) (appraisal.Input, error) {
	list, err := s.Inputs(ctx, d, like.Month, like.Ratee)
	if err != nil {
		return appraisal.Input{}, err
	}
	if i := slices.IndexFunc(list, func(in appraisal.Input) bool { return in.Key() == like.Key() }); i >= 0 {
		return list[i], nil
	}
	return appraisal.Input{}, fmt.Errorf("input %s of %s is not listed by Inputs: %w", like.Key(), like.Month, org.ErrNotFound)
}

var appraisals = kind[appraisal.Appraisal]{
	name:    "appraisal",
	make:    func(d org.DealerID, n int) appraisal.Appraisal { return appraisalOf(d, nov, employees[n], "80") },
	key:     employeeOf,
	version: func(a *appraisal.Appraisal) *int64 { return &a.Version },
	edit:    func(a *appraisal.Appraisal, s string) { a.Final.Grade = s },
	put:     func(ch *appraisal.Change, a appraisal.Appraisal) { ch.Appraisals = append(ch.Appraisals, a) },
	read:    readAppraisal,
	diff:    diffAppraisal,
}

// readAppraisal finds like's stored version in its month's list, or
// returns an error matching org.ErrNotFound.
func readAppraisal(ctx context.Context, s appraisal.Store, d org.DealerID, like appraisal.Appraisal) (appraisal.Appraisal, error) {
	list, err := s.Appraisals(ctx, d, like.Month)
	if err != nil {
		return appraisal.Appraisal{}, err
	}
	if i := slices.IndexFunc(list, func(a appraisal.Appraisal) bool { return employeeOf(a) == employeeOf(like) }); i >= 0 {
		return list[i], nil
	}
	return appraisal.Appraisal{}, fmt.Errorf("appraisal of %s for %s is not listed by Appraisals: %w", employeeOf(like), like.Month, org.ErrNotFound)
}

var improvements = kind[appraisal.Improvement]{
	name:    "improvement plan",
	make:    func(d org.DealerID, n int) appraisal.Improvement { return improvement(d, nov, employees[n]) },
	key:     func(i appraisal.Improvement) string { return string(i.Employee) },
	version: func(i *appraisal.Improvement) *int64 { return &i.Version },
	edit:    func(i *appraisal.Improvement, s string) { i.Interview = s },
	put:     func(ch *appraisal.Change, i appraisal.Improvement) { ch.Improvements = append(ch.Improvements, i) },
	read: func(ctx context.Context, s appraisal.Store, d org.DealerID, i appraisal.Improvement) (appraisal.Improvement, error) {
		return s.Improvement(ctx, d, i.Month, i.Employee)
	},
	diff: diffImprovement,
}

// checkVersionRule writes one record of k, then tries every write the rule
// refuses: each must fail with its sentinel and change nothing, events
// included.
func checkVersionRule[T any](k kind[T]) func(context.Context, appraisal.Store, Features) error {
	return func(ctx context.Context, s appraisal.Store, f Features) error {
		change := func(rec T, evID string) appraisal.Change {
			var c appraisal.Change
			k.put(&c, rec)
			c.Events = []org.Event{event("d1", evID, "kit/"+k.name)}
			return c
		}
		v1 := k.make("d1", 1)
		if err := commit(ctx, s, "d1", change(v1, "ok-1"), "create "+k.name+" "+k.key(v1)); err != nil {
			return err
		}
		refused := func(rec T, want error, what string) error {
			before, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			err = s.Commit(ctx, "d1", change(rec, "refused"))
			if err := kit.ExpectErr(err, want, fmt.Sprintf("%s %s: %s", k.name, k.key(rec), what)); err != nil {
				return err
			}
			after, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			if err := before.same(after); err != nil {
				return fmt.Errorf("%s %s: %s was refused but wrote: %w", k.name, k.key(rec), what, err)
			}
			return nil
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

// atomicSeed is what checkAtomic and checkCommitOtherDealer start from:
// one record of each kind, and an event.
func atomicSeed(d org.DealerID) appraisal.Change {
	return appraisal.Change{
		Cycles:       []appraisal.Cycle{cycle(d, nov)},
		Inputs:       []appraisal.Input{input(d, nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")},
		Appraisals:   []appraisal.Appraisal{appraisalOf(d, nov, "adv-1", "80")},
		Improvements: []appraisal.Improvement{improvement(d, nov, "adv-1")},
		Events:       []org.Event{event(d, "seed", "appraisal/2026-11")},
	}
}

func checkAtomic(ctx context.Context, s appraisal.Store, f Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	// Good writes: a new record of every kind, and version 2 of the
	// seeded ones. Stale writes: version 1 of a seeded record again.
	newCy, newIn := cycle("d1", dec), input("d1", nov, "adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM")
	newAp, newIm := appraisalOf("d1", nov, "adv-2", "70"), improvement("d1", nov, "adv-2")
	seed := atomicSeed("d1")
	upCy, upIn, upAp, upIm := seed.Cycles[0], seed.Inputs[0], seed.Appraisals[0], seed.Improvements[0]
	upCy.Version, upCy.State = 2, appraisal.CycleScored
	upIn.Version, upIn.Value = 2, amount("1")
	upAp.Version, upAp.Rank = 2, 7
	upIm.Version, upIm.Interview = 2, "updated"
	staleCy, staleIn, staleAp, staleIm := seed.Cycles[0], seed.Inputs[0], seed.Appraisals[0], seed.Improvements[0]
	ghostIm := improvement("d1", dec, "adv-1")
	ghostIm.Version = 2
	evs := func(id string) []org.Event { return []org.Event{event("d1", id, "appraisal/2026-11")} }
	type change = appraisal.Change
	cases := []struct {
		name string
		c    change
	}{
		{"a new input and a stale cycle (a rating racing the scoring)", change{Inputs: []appraisal.Input{newIn}, Cycles: []appraisal.Cycle{staleCy}, Events: evs("x1")}},
		{"the scored cycle with new and updated appraisals, and a stale appraisal", change{
			Cycles: []appraisal.Cycle{upCy}, Appraisals: []appraisal.Appraisal{newAp, staleAp}, Events: evs("x2")}},
		{"a stale input, then new records of every kind", change{
			Inputs: []appraisal.Input{staleIn, newIn}, Cycles: []appraisal.Cycle{newCy}, Appraisals: []appraisal.Appraisal{newAp},
			Improvements: []appraisal.Improvement{newIm}, Events: evs("x3")}},
		{"updates of every kind and a stale improvement plan", change{
			Cycles: []appraisal.Cycle{upCy}, Inputs: []appraisal.Input{upIn}, Appraisals: []appraisal.Appraisal{upAp},
			Improvements: []appraisal.Improvement{upIm, staleIm}, Events: evs("x4")}},
		{"new records of every kind and an improvement plan never created", change{
			Cycles: []appraisal.Cycle{newCy}, Inputs: []appraisal.Input{newIn}, Appraisals: []appraisal.Appraisal{upAp},
			Improvements: []appraisal.Improvement{newIm, ghostIm}, Events: evs("x5")}},
	}
	for _, c := range cases {
		before, err := take(ctx, s, f, "d1")
		if err != nil {
			return err
		}
		if err := kit.ExpectErr(s.Commit(ctx, "d1", c.c), org.ErrConflict, "commit of "+c.name); err != nil {
			return err
		}
		after, err := take(ctx, s, f, "d1")
		if err != nil {
			return err
		}
		if err := before.same(after); err != nil {
			return fmt.Errorf("a refused commit of %s wrote part of itself: %w", c.name, err)
		}
	}
	return nil
}

func checkCommitOtherDealer(ctx context.Context, s appraisal.Store, f Features) error {
	for _, d := range []org.DealerID{"dA", "dB"} {
		if err := commit(ctx, s, d, atomicSeed(d), "seed "+string(d)); err != nil {
			return err
		}
	}
	// Each change holds good records of dA, and one record of dB placed
	// last, where a store checking only the first would miss it.
	good := func() appraisal.Change {
		return appraisal.Change{
			Cycles:       []appraisal.Cycle{cycle("dA", dec)},
			Inputs:       []appraisal.Input{input("dA", nov, "adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM")},
			Appraisals:   []appraisal.Appraisal{appraisalOf("dA", nov, "adv-2", "70")},
			Improvements: []appraisal.Improvement{improvement("dA", nov, "adv-2")},
			Events:       []org.Event{event("dA", "a-ev", "appraisal/2026-12")},
		}
	}
	seedB := atomicSeed("dB")
	cases := []struct {
		name string
		add  func(c *appraisal.Change)
	}{
		{"a cycle of dB", func(c *appraisal.Change) { c.Cycles = append(c.Cycles, cycle("dB", month("2027-01"))) }},
		{"an input of dB", func(c *appraisal.Change) {
			c.Inputs = append(c.Inputs, input("dB", nov, "adv-10", "sup-1", appraisal.SourceSupervisor, "TEAM"))
		}},
		{"an appraisal of dB", func(c *appraisal.Change) { c.Appraisals = append(c.Appraisals, appraisalOf("dB", nov, "adv-10", "60")) }},
		{"an improvement plan of dB", func(c *appraisal.Change) {
			c.Improvements = append(c.Improvements, improvement("dB", nov, "adv-10"))
		}},
		{"an event of dB", func(c *appraisal.Change) { c.Events = append(c.Events, event("dB", "b-ev", "appraisal/2026-11")) }},
		{"an update of dB's cycle", func(c *appraisal.Change) {
			cy := seedB.Cycles[0]
			cy.Version, cy.State = 2, appraisal.CycleScored
			c.Cycles = append(c.Cycles, cy)
		}},
		{"an update of dB's appraisal", func(c *appraisal.Change) {
			a := seedB.Appraisals[0]
			a.Version, a.Rank = 2, 9
			c.Appraisals = append(c.Appraisals, a)
		}},
	}
	for _, tc := range cases {
		before, err := takeBoth(ctx, s, f, "dA", "dB")
		if err != nil {
			return err
		}
		c := good()
		tc.add(&c)
		if err := kit.ExpectErr(s.Commit(ctx, "dA", c), org.ErrInvalid, "commit for dA holding "+tc.name); err != nil {
			return err
		}
		after, err := takeBoth(ctx, s, f, "dA", "dB")
		if err != nil {
			return err
		}
		if err := errors.Join(before[0].same(after[0]), before[1].same(after[1])); err != nil {
			return fmt.Errorf("a refused commit holding %s wrote something: %w", tc.name, err)
		}
	}
	return nil
}

// twiceRule is the Rule of a kit's twice check for what, a record kind.
func twiceRule(what string) string {
	return "a Change naming one " + what + " twice (version 1 twice, versions 1 and 2 of a new one, versions 2 and 3 or version 2 twice of a stored one) is refused with ErrConflict and writes nothing: no record of it, no event"
}

// checkTwice commits Changes that name one record of k twice, another
// record of k between the two and an event beside them: a store writing
// records one by one lands both versions of the record, a store keeping the
// last of each key lands the second. Each must be refused with ErrConflict
// and change nothing, events included.
func checkTwice[T any](k kind[T]) func(context.Context, appraisal.Store, Features) error {
	return func(ctx context.Context, s appraisal.Store, f Features) error {
		// rec returns record n at version v, with edit applied unless empty.
		rec := func(n int, v int64, edit string) T {
			x := k.make("d1", n)
			if edit != "" {
				k.edit(&x, edit)
			}
			*k.version(&x) = v
			return x
		}
		stored := rec(1, 1, "")
		var seed appraisal.Change
		k.put(&seed, stored)
		seed.Events = []org.Event{event("d1", "seed", "kit/"+k.name)}
		if err := commit(ctx, s, "d1", seed, "create "+k.name+" "+k.key(stored)); err != nil {
			return err
		}
		cases := []struct {
			what string
			recs []T
		}{
			{"version 1 of a new " + k.name + " twice", []T{rec(2, 1, ""), rec(3, 1, ""), rec(2, 1, "second")}},
			{"versions 1 and 2 of a new " + k.name, []T{rec(2, 1, ""), rec(3, 1, ""), rec(2, 2, "second")}},
			{"versions 2 and 3 of a stored " + k.name, []T{rec(1, 2, "second"), rec(3, 1, ""), rec(1, 3, "third")}},
			{"version 2 of a stored " + k.name + " twice", []T{rec(1, 2, "second"), rec(3, 1, ""), rec(1, 2, "other")}},
		}
		for i, c := range cases {
			var ch appraisal.Change
			for _, r := range c.recs {
				k.put(&ch, r)
			}
			ch.Events = []org.Event{event("d1", fmt.Sprintf("twice-%d", i+1), "kit/"+k.name)}
			what := fmt.Sprintf("an appraisal Change naming %s %s twice (%s)", k.name, k.key(c.recs[0]), c.what)
			before, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			if err := kit.ExpectErr(s.Commit(ctx, "d1", ch), org.ErrConflict, what); err != nil {
				return err
			}
			after, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			if err := before.same(after); err != nil {
				return fmt.Errorf("%s was refused but wrote: %w", what, err)
			}
		}
		return nil
	}
}
