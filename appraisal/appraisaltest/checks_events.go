package appraisaltest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

func checkEventsAppended(ctx context.Context, s appraisal.Store, f Features) error {
	r := f.events(s)
	if r == nil {
		return fmt.Errorf("%w: the store is not an EventReader and Features.Events is not set", ErrSkip)
	}
	commits := []appraisal.Change{
		{Cycles: []appraisal.Cycle{cycle("d1", nov)}, Events: events("d1", "c0", "appraisal/2026-11", 1)},
		{Events: events("d1", "c1", "appraisal/2026-11/adv-1", 3)},
		{Inputs: []appraisal.Input{input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")}},
		{Appraisals: []appraisal.Appraisal{appraisalOf("d1", nov, "adv-1", "80")}, Improvements: []appraisal.Improvement{improvement("d1", nov, "adv-1")},
			Events: append(events("d1", "c3", "appraisal/2026-11", 1), events("d1", "c3i", "appraisal/2026-11/adv-1", 1)...)},
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

func checkContextDone(ctx context.Context, s appraisal.Store, f Features) error {
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
		{"Cycle", func() error { _, err := s.Cycle(done, "d1", nov); return err }},
		{"Inputs", func() error { _, err := s.Inputs(done, "d1", nov, ""); return err }},
		{"Inputs of a ratee", func() error { _, err := s.Inputs(done, "d1", nov, "adv-1"); return err }},
		{"Appraisals", func() error { _, err := s.Appraisals(done, "d1", nov); return err }},
		{"History", func() error { _, err := s.History(done, "d1", "adv-1", nov); return err }},
		{"Improvement", func() error { _, err := s.Improvement(done, "d1", nov, "adv-1"); return err }},
		{"Commit", func() error {
			seed := atomicSeed("d1")
			up := seed.Appraisals[0]
			up.Version, up.Rank = 2, 5
			c := appraisal.Change{Cycles: []appraisal.Cycle{cycle("d1", dec)}, Inputs: []appraisal.Input{input("d1", nov, "adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM")},
				Appraisals: []appraisal.Appraisal{up}, Improvements: []appraisal.Improvement{improvement("d1", nov, "adv-2")},
				Events: events("d1", "x", "appraisal/2026-12", 1)}
			return s.Commit(done, "d1", c)
		}},
		{"Commit of nothing", func() error { return s.Commit(done, "d1", appraisal.Change{}) }},
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
