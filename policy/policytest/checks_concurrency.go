package policytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// storeConcurrentUpdates: f.Writers goroutines each add their own fact to
// one decision, the way the Service updates one: read it, change it,
// commit it at the version read plus one with an event, retry on
// ErrConflict. Their first reads all happen before any commit. Every
// writer's fact must be in the stored decision once, its version must
// count the writers, and the trail must hold one event per writer.
func storeConcurrentUpdates(ctx context.Context, s policy.Store, f Features) error {
	seed := stDecision("d1", stKey("adv-1", stMonth, ""), "adv-1", stMonth)
	seed.Proposal.Used = nil
	other := stDecision("d1", stKey("adv-2", stMonth, ""), "adv-2", stMonth)
	if err := stCommit(ctx, s, "d1", policy.Change{Decisions: []policy.Decision{seed, other}}, "seed two decisions"); err != nil {
		return err
	}
	together := kit.NewBarrier(f.Writers)
	conflicts, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
		d, err := s.Decision(ctx, "d1", seed.Key)
		if attempt == 0 {
			together.Wait(ctx)
		}
		if err != nil {
			return err
		}
		// The writer owns what it read, and changes its own copy: this
		// check is about versions, ReadsAreCopies about sharing.
		d = d.Clone()
		w := fmt.Sprintf("w%02d", i)
		d.Proposal.Used = append(d.Proposal.Used, policy.FactValue{Name: w, Value: "1"})
		d.Version++
		return s.Commit(ctx, "d1", policy.Change{Decisions: []policy.Decision{d}, Events: stEvents("d1", "reproposed-"+w, "policy/decision/"+d.Key, 1)})
	})
	if err != nil {
		return err
	}
	d, err := s.Decision(ctx, "d1", seed.Key)
	if err != nil {
		return err
	}
	var got, want []string
	for _, u := range d.Proposal.Used {
		got = append(got, u.Name)
	}
	for i := range f.Writers {
		want = append(want, fmt.Sprintf("w%02d", i))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("after %d writers (%d conflicts retried) the decision holds the facts %q, want each writer's once %q: an update was lost or landed twice",
			f.Writers, conflicts, got, want)
	}
	if d.Version != int64(f.Writers+1) {
		return fmt.Errorf("after %d writers the decision is at version %d, want %d", f.Writers, d.Version, f.Writers+1)
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

// storeCreateOnce: f.Writers goroutines record one proposal at once, as
// two evaluations of one month do: each finds no decision with the key,
// and commits it at Version 1 with an event; their lookups all happen
// before any commit. One lands; the rest conflict and leave nothing.
func storeCreateOnce(ctx context.Context, s policy.Store, f Features) error {
	key := stKey("adv-1", stMonth, "/late-1")
	changes := make([]policy.Change, f.Writers)
	for i := range f.Writers {
		d := stDecision("d1", key, "adv-1", stMonth)
		d.Reason = fmt.Sprintf("evaluation %d", i)
		changes[i] = policy.Change{Decisions: []policy.Decision{d}, Events: stEvents("d1", fmt.Sprintf("proposed-w%02d", i), "policy/decision/"+key, 1)}
	}
	won, err := kit.RaceToCreate(ctx, f.Writers, "decision "+key, func(int) error {
		list, err := s.Decisions(ctx, "d1", stMonth, "adv-1")
		switch {
		case err != nil:
			return fmt.Errorf("listing the month's decisions before proposing: %w", err)
		case slices.ContainsFunc(list, func(d policy.Decision) bool { return d.Key == key }):
			return fmt.Errorf("listing the month's decisions before proposing found %s, before any commit", key)
		}
		return nil
	}, func(i int) error { return s.Commit(ctx, "d1", changes[i]) })
	if err != nil {
		return err
	}
	list, err := s.Decisions(ctx, "d1", stMonth, "")
	if err != nil {
		return err
	}
	if err := kit.DiffList("the decisions after the race", list, changes[won].Decisions, stDecisionKey, stDiffDecision); err != nil {
		return fmt.Errorf("only the decision of the commit that landed may be stored: %w", err)
	}
	return kit.OnlyEvents(ctx, kit.TrailOf(s, f.Events), "d1", changes[won].Events)
}

// storeConcurrentActivations: f.Writers goroutines each save a new policy
// version as the active one at once, as the Service does: read the active
// policy, commit the new version active and the old one (if any)
// inactive, retry on ErrConflict. No policy is active when they start, so
// their first commits all insert an active version and no deactivation:
// only the rule of one active policy keeps them apart.
func storeConcurrentActivations(ctx context.Context, s policy.Store, f Features) error {
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(1), false)}},
		"seed an inactive version 1"); err != nil {
		return err
	}
	together := kit.NewBarrier(f.Writers)
	_, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
		old, err := s.ActivePolicy(ctx, "d1")
		if attempt == 0 {
			together.Wait(ctx)
		}
		// Each round lands one writer at least, so no writer waits for
		// much more than a round per writer; and a commit refused with
		// ErrConflict wrote nothing.
		if attempt > 0 {
			if _, err := s.Policy(ctx, "d1", 10+i); err == nil {
				return fmt.Errorf("writer %d's version %d is stored, though its commit was refused", i, 10+i)
			}
		}
		if attempt > 8*f.Writers {
			return fmt.Errorf("writer %d still conflicts after %d attempts: the store refuses a switch it must take", i, attempt)
		}
		c := policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(10+i), true)},
			Events: stEvents("d1", fmt.Sprintf("saved-w%02d", i), "policy/policy", 1)}
		switch {
		case err == nil:
			old.Active = false
			old.Version++
			c.Policies = append(c.Policies, old)
		case !errors.Is(err, org.ErrNotFound):
			return err
		}
		return s.Commit(ctx, "d1", c)
	})
	if err != nil {
		return err
	}
	ps, err := s.Policies(ctx, "d1")
	if err != nil {
		return err
	}
	var active []int
	for _, p := range ps {
		if p.Active {
			active = append(active, p.Policy.Version)
		}
	}
	if len(ps) != f.Writers+1 || len(active) != 1 {
		return fmt.Errorf("after %d writers each saved a new active version, the store holds %d versions with %v active, want %d with one active",
			f.Writers, len(ps), active, f.Writers+1)
	}
	got, err := s.ActivePolicy(ctx, "d1")
	if err != nil {
		return fmt.Errorf("ActivePolicy after the race: %w", err)
	}
	if got.Policy.Version != active[0] {
		return fmt.Errorf("ActivePolicy returned version %d, but Policies marks version %d active", got.Policy.Version, active[0])
	}
	if r := kit.TrailOf(s, f.Events); r != nil {
		evs, err := kit.AllEvents(ctx, r, "d1")
		if err != nil {
			return err
		}
		if len(evs) != f.Writers {
			return fmt.Errorf("%d saves landed and left %d events %s", f.Writers, len(evs), kit.EventIDs(evs))
		}
	}
	return nil
}

// storeLargePeriod writes a month of 30 employees' decisions, a rule per
// commit in an order that is not the rules', and 1,200 incidents sharing
// 150 instants, 200 per commit, and lists them.
func storeLargePeriod(ctx context.Context, s policy.Store, _ Features) error {
	const nRules, nEmployees, nIncidents = 50, 30, 1200
	var ids []org.EmployeeID
	for i := range nEmployees {
		ids = append(ids, org.EmployeeID(fmt.Sprintf("e%d", i))) // "e10" sorts before "e2"
	}
	var all []policy.Decision
	for k := range nRules {
		rule := fmt.Sprintf("/r%d", k*7%nRules)
		var c policy.Change
		for _, e := range ids {
			c.Decisions = append(c.Decisions, stDecision("d1", stKey(e, stMonth, rule), e, stMonth))
		}
		if err := stCommit(ctx, s, "d1", c, fmt.Sprintf("commit %d decisions of rule %s", nEmployees, rule)); err != nil {
			return err
		}
		all = append(all, c.Decisions...)
	}
	var incidents []policy.IncidentRecord
	for b := range nIncidents / 200 {
		var c policy.Change
		for j := range 200 {
			i := b*200 + j
			c.Incidents = append(c.Incidents, stIncident("d1", fmt.Sprintf("i%d", i), ids[i%nEmployees], stAt(i*37%150)))
		}
		if err := stCommit(ctx, s, "d1", c, fmt.Sprintf("commit incidents %d to %d", b*200, b*200+199)); err != nil {
			return err
		}
		incidents = append(incidents, c.Incidents...)
	}
	var errs []error
	got, err := s.Decisions(ctx, "d1", stMonth, "")
	if err != nil {
		return fmt.Errorf("Decisions(d1, %s, everyone): %w", stMonth, err)
	}
	errs = append(errs, kit.DiffList(fmt.Sprintf("Decisions(d1, %s, everyone)", stMonth), got, stByKey(all), stDecisionKey, stDiffDecision))
	for _, e := range []org.EmployeeID{ids[0], ids[2], ids[10], ids[nEmployees-1]} {
		got, err := s.Decisions(ctx, "d1", stMonth, e)
		if err != nil {
			return fmt.Errorf("Decisions(d1, %s, %s): %w", stMonth, e, err)
		}
		of := slices.DeleteFunc(slices.Clone(all), func(d policy.Decision) bool { return d.Proposal.Employee != e })
		errs = append(errs, kit.DiffList(fmt.Sprintf("Decisions(d1, %s, %s)", stMonth, e), got, stByKey(of), stDecisionKey, stDiffDecision))
	}
	list, err := s.Incidents(ctx, "d1", time.Time{}, time.Time{})
	if err != nil {
		return fmt.Errorf("Incidents(d1): %w", err)
	}
	errs = append(errs, kit.DiffList("Incidents(d1)", list, stByTime(incidents), stIncidentID, stDiffIncident))
	from, before := stAt(40), stAt(100)
	list, err = s.Incidents(ctx, "d1", from, before)
	if err != nil {
		return fmt.Errorf("Incidents(d1, 40 to 100 minutes): %w", err)
	}
	within := slices.DeleteFunc(slices.Clone(incidents), func(r policy.IncidentRecord) bool { return r.At.Before(from) || !r.At.Before(before) })
	errs = append(errs, kit.DiffList("Incidents(d1, 40 to 100 minutes)", list, stByTime(within), stIncidentID, stDiffIncident))
	return errors.Join(errs...)
}
