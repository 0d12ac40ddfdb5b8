package policytest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

func storeEventsAppended(ctx context.Context, s policy.Store, f Features) error {
	r := f.events(s)
	if r == nil {
		return fmt.Errorf("%w: the store is not an EventReader and Features.Events is not set", ErrSkip)
	}
	commits := []policy.Change{
		{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(1), true)}, Events: stEvents("d1", "c0", "policy/policy/1", 1)},
		{Events: stEvents("d1", "c1", "policy/incident/i-1", 3)},
		{Incidents: []policy.IncidentRecord{stIncident("d1", "i-1", "adv-1", stT0)}},
		{Nominations: []policy.NominationRecord{stNomination("d1", "n-1", "adv-1", stMonth)},
			Decisions: []policy.Decision{stDecision("d1", stKey("adv-1", stMonth, ""), "adv-1", stMonth)},
			Events:    append(stEvents("d1", "c3", "policy/nomination/n-1", 1), stEvents("d1", "c3d", "policy/decision/x", 1)...)},
	}
	var want []org.Event
	for i, c := range commits {
		if err := stCommit(ctx, s, "d1", c, fmt.Sprintf("commit %d", i)); err != nil {
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

func storeContextDone(ctx context.Context, s policy.Store, f Features) error {
	if err := stCommit(ctx, s, "d1", stSeed("d1"), "seed"); err != nil {
		return err
	}
	before, err := stTake(ctx, s, f, "d1")
	if err != nil {
		return err
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	seed := stSeed("d1")
	calls := []struct {
		name string
		call func() error
	}{
		{"Policy", func() error { _, err := s.Policy(done, "d1", 1); return err }},
		{"ActivePolicy", func() error { _, err := s.ActivePolicy(done, "d1"); return err }},
		{"Policies", func() error { _, err := s.Policies(done, "d1"); return err }},
		{"Incident", func() error { _, err := s.Incident(done, "d1", "i-1"); return err }},
		{"Incidents", func() error { _, err := s.Incidents(done, "d1", time.Time{}, time.Time{}); return err }},
		{"Incidents within bounds", func() error { _, err := s.Incidents(done, "d1", stAt(-60), stAt(60)); return err }},
		{"Nominations", func() error { _, err := s.Nominations(done, "d1", stMonth); return err }},
		{"Decision", func() error { _, err := s.Decision(done, "d1", seed.Decisions[0].Key); return err }},
		{"Decisions", func() error { _, err := s.Decisions(done, "d1", stMonth, ""); return err }},
		{"Decisions of an employee", func() error { _, err := s.Decisions(done, "d1", stMonth, "adv-1"); return err }},
		{"Commit", func() error {
			c := policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(2), false)},
				Incidents:   []policy.IncidentRecord{stIncident("d1", "i-2", "adv-2", stAt(5))},
				Nominations: []policy.NominationRecord{stNomination("d1", "n-2", "adv-2", stMonth)},
				Decisions:   []policy.Decision{stBumped(stDecisions, seed.Decisions[0])},
				Events:      stEvents("d1", "x", "policy/policy/2", 1)}
			return s.Commit(done, "d1", c)
		}},
		{"Commit of nothing", func() error { return s.Commit(done, "d1", policy.Change{}) }},
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
	after, err := stTake(ctx, s, f, "d1")
	if err != nil {
		return err
	}
	if err := before.same(after); err != nil {
		errs = append(errs, fmt.Errorf("a Commit with a cancelled context wrote: %w", err))
	}
	return errors.Join(errs...)
}
