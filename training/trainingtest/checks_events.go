package trainingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

func checkEventsAppended(ctx context.Context, s training.Store, f Features) error {
	r := f.events(s)
	if r == nil {
		return fmt.Errorf("%w: the store is not an EventReader and Features.Events is not set", ErrSkip)
	}
	commits := []training.Change{
		{Plans: []training.Plan{plan("d1", year)}, Events: events("d1", "c0", "plan/2027", 1)},
		{Events: events("d1", "c1", "session/s-1", 3)},
		{Sessions: []training.Session{session("d1", "s-1", t0)}},
		{Progress: []training.Progress{progress("d1", "c-1", "adv-1")}, Careers: []training.Career{career("d1", "adv-1")},
			Events: append(events("d1", "c3", "progress/2027/c-1/adv-1", 1), events("d1", "c3c", "career/adv-1", 1)...)},
	}
	var want []org.Event
	for i, c := range commits {
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit %d", i)); err != nil {
			return err
		}
		want = append(want, c.Events...)
	}
	all, err := r.Events(ctx, "d1", 0, 100)
	if err != nil {
		return err
	}
	if err := kit.SameEvents("Events(d1, after 0)", all, want); err != nil {
		return err
	}
	if all[0].Seq <= 0 {
		return fmt.Errorf("first Seq is %d; Seq starts above 0 so that 0 is the cursor before everything", all[0].Seq)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			return fmt.Errorf("event %s has Seq %d after Seq %d: not strictly increasing in commit order", all[i].ID, all[i].Seq, all[i-1].Seq)
		}
	}
	for _, c := range []struct {
		after int64
		limit int
		want  []org.Event
	}{
		{0, 1, all[:1]},
		{all[2].Seq, 2, all[3:5]},
		{all[3].Seq, 10, all[4:]},
		{all[len(all)-1].Seq, 10, nil},
	} {
		got, err := r.Events(ctx, "d1", c.after, c.limit)
		if err != nil {
			return err
		}
		if err := kit.DiffEvents(fmt.Sprintf("Events(d1, after %d, limit %d)", c.after, c.limit), got, c.want); err != nil {
			return err
		}
	}
	return nil
}

func checkContextDone(ctx context.Context, s training.Store, f Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	before, err := take(ctx, s, f, "d1")
	if err != nil {
		return err
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Plan", func() error { _, err := s.Plan(done, "d1", year); return err }},
		{"Session", func() error { _, err := s.Session(done, "d1", "s-1"); return err }},
		{"Sessions", func() error { _, err := s.Sessions(done, "d1", year); return err }},
		{"Progress", func() error { _, err := s.Progress(done, "d1", year, ""); return err }},
		{"Progress of an employee", func() error { _, err := s.Progress(done, "d1", year, "adv-1"); return err }},
		{"Career", func() error { _, err := s.Career(done, "d1", "adv-1"); return err }},
		{"Careers", func() error { _, err := s.Careers(done, "d1"); return err }},
		{"Commit", func() error {
			seed := atomicSeed("d1")
			c := training.Change{Plans: []training.Plan{plan("d1", 2028)}, Sessions: []training.Session{bumped(sessions, seed.Sessions[0])},
				Progress: []training.Progress{progress("d1", "c-1", "adv-2")}, Careers: []training.Career{career("d1", "adv-2")},
				Events: events("d1", "x", "plan/2028", 1)}
			return s.Commit(done, "d1", c)
		}},
		{"Commit of nothing", func() error { return s.Commit(done, "d1", training.Change{}) }},
	}
	if r := f.events(s); r != nil {
		calls = append(calls, struct {
			name string
			call func() error
		}{"Events", func() error { _, err := r.Events(done, "d1", 0, 10); return err }})
	}
	var errs []error
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, done.Err()) {
			errs = append(errs, fmt.Errorf("%s with a cancelled context returned %v, want an error matching %v", c.name, err, done.Err()))
		}
	}
	after, err := take(ctx, s, f, "d1")
	if err != nil {
		return err
	}
	if err := before.same(after); err != nil {
		errs = append(errs, fmt.Errorf("a Commit with a cancelled context wrote: %w", err))
	}
	return errors.Join(errs...)
}
