package policytest

import (
	"context"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// stKind is what the version rule needs of one record kind.
type stKind[T any] struct {
	name string
	// make returns record n (1 to 4) of dealer d at version 1.
	make    func(d org.DealerID, n int) T
	key     func(T) string
	version func(*T) *int64
	// edit changes a field, so an overwrite shows.
	edit func(*T, string)
	put  func(*policy.Change, T)
	read func(ctx context.Context, s policy.Store, d org.DealerID, like T) (T, error)
	diff func(got, want T) error
	// clone copies a record so that edits of the copy leave it alone.
	clone func(T) T
}

var stPolicies = stKind[policy.StoredPolicy]{
	name:    "policy",
	make:    func(d org.DealerID, n int) policy.StoredPolicy { return stStored(d, stSmallPolicy(n), false) },
	key:     stPolicyKey,
	version: func(p *policy.StoredPolicy) *int64 { return &p.Version },
	edit: func(p *policy.StoredPolicy, s string) {
		p.SavedBy = org.Actor{ID: org.EmployeeID(s), Role: org.RoleAdmin}
	},
	put: func(c *policy.Change, p policy.StoredPolicy) { c.Policies = append(c.Policies, p) },
	read: func(ctx context.Context, s policy.Store, d org.DealerID, p policy.StoredPolicy) (policy.StoredPolicy, error) {
		return s.Policy(ctx, d, p.Policy.Version)
	},
	diff:  stDiffStoredPolicy,
	clone: policy.StoredPolicy.Clone,
}

var stIncidents = stKind[policy.IncidentRecord]{
	name: "incident",
	make: func(d org.DealerID, n int) policy.IncidentRecord {
		return stIncident(d, fmt.Sprintf("i-%d", n), "adv-1", stAt(n))
	},
	key:     stIncidentID,
	version: func(r *policy.IncidentRecord) *int64 { return &r.Version },
	edit:    func(r *policy.IncidentRecord, s string) { r.Note = s },
	put:     func(c *policy.Change, r policy.IncidentRecord) { c.Incidents = append(c.Incidents, r) },
	read: func(ctx context.Context, s policy.Store, d org.DealerID, r policy.IncidentRecord) (policy.IncidentRecord, error) {
		return s.Incident(ctx, d, r.ID)
	},
	diff:  stDiffIncident,
	clone: func(r policy.IncidentRecord) policy.IncidentRecord { return r },
}

var stNominations = stKind[policy.NominationRecord]{
	name: "nomination",
	make: func(d org.DealerID, n int) policy.NominationRecord {
		return stNomination(d, fmt.Sprintf("n-%d", n), "adv-1", stMonth)
	},
	key:     stNominationID,
	version: func(r *policy.NominationRecord) *int64 { return &r.Version },
	edit:    func(r *policy.NominationRecord, s string) { r.Reason = s },
	put:     func(c *policy.Change, r policy.NominationRecord) { c.Nominations = append(c.Nominations, r) },
	read:    stReadNomination,
	diff:    stDiffNomination,
	clone:   func(r policy.NominationRecord) policy.NominationRecord { return r },
}

// stReadNomination finds like's stored version in its period's list, or
// returns an error matching org.ErrNotFound.
func stReadNomination(ctx context.Context, s policy.Store, d org.DealerID, like policy.NominationRecord) (policy.NominationRecord, error) {
	list, err := s.Nominations(ctx, d, like.Period)
	if err != nil {
		return policy.NominationRecord{}, err
	}
	if i := slices.IndexFunc(list, func(n policy.NominationRecord) bool { return n.ID == like.ID }); i >= 0 {
		return list[i], nil
	}
	return policy.NominationRecord{}, fmt.Errorf("nomination %s is not listed by Nominations(%s): %w", like.ID, like.Period, org.ErrNotFound)
}

var stDecisions = stKind[policy.Decision]{
	name: "decision",
	make: func(d org.DealerID, n int) policy.Decision {
		return stDecision(d, stKey(stEmployees[n], stMonth, ""), stEmployees[n], stMonth)
	},
	key:     stDecisionKey,
	version: func(x *policy.Decision) *int64 { return &x.Version },
	edit:    func(x *policy.Decision, s string) { x.Reason = s },
	put:     func(c *policy.Change, x policy.Decision) { c.Decisions = append(c.Decisions, x) },
	read: func(ctx context.Context, s policy.Store, d org.DealerID, x policy.Decision) (policy.Decision, error) {
		return s.Decision(ctx, d, x.Key)
	},
	diff:  stDiffDecision,
	clone: policy.Decision.Clone,
}

// storeVersionRule writes one record of k, then tries every write the rule
// refuses: each must fail with its sentinel and change nothing, events
// included.
func storeVersionRule[T any](k stKind[T]) func(context.Context, policy.Store, Features) error {
	return func(ctx context.Context, s policy.Store, f Features) error {
		change := func(rec T, evID string) policy.Change {
			var c policy.Change
			k.put(&c, rec)
			c.Events = []org.Event{stEvent("d1", evID, "kit/"+k.name)}
			return c
		}
		v1 := k.make("d1", 1)
		if err := stCommit(ctx, s, "d1", change(v1, "ok-1"), "create "+k.name+" "+k.key(v1)); err != nil {
			return err
		}
		refused := func(rec T, want error, what string) error {
			return stRefusedWritesNothing(ctx, s, f, change(rec, "refused"), want, fmt.Sprintf("%s %s: %s", k.name, k.key(rec), what), "d1")
		}
		again := k.make("d1", 1)
		k.edit(&again, "impostor")
		if err := refused(again, org.ErrConflict, "writing version 1 of an existing record"); err != nil {
			return err
		}
		v2 := k.make("d1", 1)
		k.edit(&v2, "second")
		*k.version(&v2) = 2
		if err := stCommit(ctx, s, "d1", change(v2, "ok-2"), "write "+k.name+" version 2 over 1"); err != nil {
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

// stSeed is what storeAtomic, storeTwice and storeOtherDealer start from:
// one record of each kind (two decisions, the policy active), and an
// event.
func stSeed(d org.DealerID) policy.Change {
	return policy.Change{
		Policies:    []policy.StoredPolicy{stStored(d, stSmallPolicy(1), true)},
		Incidents:   []policy.IncidentRecord{stIncident(d, "i-1", "adv-1", stT0)},
		Nominations: []policy.NominationRecord{stNomination(d, "n-1", "adv-1", stMonth)},
		Decisions: []policy.Decision{stDecision(d, stKey("adv-1", stMonth, ""), "adv-1", stMonth),
			stDecision(d, stKey("adv-2", stMonth, ""), "adv-2", stMonth)},
		Events: []org.Event{stEvent(d, "seed", "policy/1")},
	}
}

// stBumped returns x at version 2 with one field changed by edit.
func stBumped[T any](k stKind[T], x T) T {
	x = stEdited(k, x)
	*k.version(&x) = 2
	return x
}

// stEdited returns a copy of x with one field changed by edit.
func stEdited[T any](k stKind[T], x T) T {
	x = k.clone(x)
	k.edit(&x, "updated")
	return x
}

// storeTwice commits changes that name one record twice, beside good
// records of the other kinds: a store writing records one by one lands
// both versions of one, a store keeping the last lands the second.
func storeTwice(ctx context.Context, s policy.Store, f Features) error {
	if err := stCommit(ctx, s, "d1", stSeed("d1"), "seed"); err != nil {
		return err
	}
	seed := stSeed("d1")
	newPolicy, newIncident := stStored("d1", stSmallPolicy(2), false), stIncident("d1", "i-2", "adv-2", stAt(5))
	newNomination, newDecision := stNomination("d1", "n-2", "adv-2", stMonth), stDecision("d1", stKey("adv-10", stMonth, ""), "adv-10", stMonth)
	evs := func(id string) []org.Event { return []org.Event{stEvent("d1", id, "kit/twice")} }
	type change = policy.Change
	cases := []struct {
		name string
		c    change
	}{
		{"a new policy at version 1 twice", change{Policies: []policy.StoredPolicy{newPolicy, stEdited(stPolicies, newPolicy)},
			Incidents: []policy.IncidentRecord{newIncident}, Events: evs("t1")}},
		{"a new incident at versions 1 and 2", change{Incidents: []policy.IncidentRecord{newIncident, stBumped(stIncidents, newIncident)},
			Decisions: []policy.Decision{newDecision}, Events: evs("t2")}},
		{"a stored decision at versions 2 and 3", change{Decisions: func() []policy.Decision {
			v2 := stBumped(stDecisions, seed.Decisions[0])
			v3 := v2.Clone()
			v3.Version, v3.State = 3, policy.Approved
			return []policy.Decision{v2, v3}
		}(), Policies: []policy.StoredPolicy{newPolicy}, Events: evs("t3")}},
		{"a stored nomination at version 2 twice, written apart", change{Nominations: []policy.NominationRecord{
			stBumped(stNominations, seed.Nominations[0]), newNomination, stBumped(stNominations, seed.Nominations[0])},
			Incidents: []policy.IncidentRecord{newIncident}, Events: evs("t4")}},
		{"a new decision twice, with different content", change{Decisions: []policy.Decision{newDecision, func() policy.Decision {
			d := stDecision("d1", stKey("adv-10", stMonth, ""), "adv-10", stMonth)
			d.State = policy.Withdrawn
			return d
		}()}, Incidents: []policy.IncidentRecord{stBumped(stIncidents, seed.Incidents[0])}, Events: evs("t5")}},
		{"a new policy twice, once inactive and once active (written in separate passes by a SQL store)", change{Policies: []policy.StoredPolicy{
			newPolicy, func() policy.StoredPolicy {
				p := stEdited(stPolicies, newPolicy)
				p.Active = true
				return p
			}()}, Incidents: []policy.IncidentRecord{newIncident}, Events: evs("t7")}},
		{"a new policy at versions 1 and 2, the second active (written in separate passes by a SQL store)", change{Policies: []policy.StoredPolicy{
			newPolicy, func() policy.StoredPolicy {
				p := stBumped(stPolicies, newPolicy)
				p.Active = true
				return p
			}()}, Incidents: []policy.IncidentRecord{newIncident}, Events: evs("t8")}},
		{"the active policy deactivated twice", change{Policies: []policy.StoredPolicy{
			stBumped(stPolicies, seed.Policies[0]), func() policy.StoredPolicy {
				p := stBumped(stPolicies, seed.Policies[0])
				p.Active = false
				return p
			}()}, Events: evs("t6")}},
	}
	for _, c := range cases {
		if err := stRefusedWritesNothing(ctx, s, f, c.c, org.ErrConflict, "commit of "+c.name, "d1"); err != nil {
			return err
		}
	}
	return nil
}

func storeAtomic(ctx context.Context, s policy.Store, f Features) error {
	if err := stCommit(ctx, s, "d1", stSeed("d1"), "seed"); err != nil {
		return err
	}
	// Good writes: a new record of every kind, and version 2 of the
	// seeded ones. Stale writes: version 1 of a seeded record again.
	seed := stSeed("d1")
	newPolicy, newIncident := stStored("d1", stSmallPolicy(2), false), stIncident("d1", "i-2", "adv-2", stAt(5))
	newNomination, newDecision := stNomination("d1", "n-2", "adv-2", stMonth), stDecision("d1", stKey("adv-10", stMonth, ""), "adv-10", stMonth)
	upPolicy, upIncident := stBumped(stPolicies, seed.Policies[0]), stBumped(stIncidents, seed.Incidents[0])
	upNomination, upDecision := stBumped(stNominations, seed.Nominations[0]), stBumped(stDecisions, seed.Decisions[0])
	ghost := stDecision("d1", stKey("adv-1-b", stMonth, ""), "adv-1-b", stMonth)
	ghost.Version = 2
	evs := func(id string) []org.Event { return []org.Event{stEvent("d1", id, "policy/1")} }
	type change = policy.Change
	cases := []struct {
		name string
		c    change
	}{
		{"a new incident and a stale policy", change{
			Incidents: []policy.IncidentRecord{newIncident}, Policies: []policy.StoredPolicy{seed.Policies[0]}, Events: evs("x1")}},
		{"the updated policy and a new nomination, and a stale incident", change{
			Policies: []policy.StoredPolicy{upPolicy}, Nominations: []policy.NominationRecord{newNomination},
			Incidents: []policy.IncidentRecord{seed.Incidents[0]}, Events: evs("x2")}},
		{"a stale nomination, then new records of every kind", change{
			Nominations: []policy.NominationRecord{seed.Nominations[0], newNomination}, Policies: []policy.StoredPolicy{newPolicy},
			Incidents: []policy.IncidentRecord{newIncident}, Decisions: []policy.Decision{newDecision}, Events: evs("x3")}},
		{"updates of every kind and a stale decision (an evaluation racing an approval)", change{
			Policies: []policy.StoredPolicy{upPolicy}, Incidents: []policy.IncidentRecord{upIncident},
			Nominations: []policy.NominationRecord{upNomination}, Decisions: []policy.Decision{upDecision, seed.Decisions[1]}, Events: evs("x4")}},
		{"new records of every kind and a decision never created", change{
			Policies: []policy.StoredPolicy{newPolicy}, Incidents: []policy.IncidentRecord{newIncident},
			Nominations: []policy.NominationRecord{newNomination}, Decisions: []policy.Decision{newDecision, ghost}, Events: evs("x5")}},
		{"new records of every kind and a second active policy", change{
			Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(3), true)}, Incidents: []policy.IncidentRecord{newIncident},
			Nominations: []policy.NominationRecord{newNomination}, Decisions: []policy.Decision{newDecision}, Events: evs("x6")}},
	}
	for _, c := range cases {
		if err := stRefusedWritesNothing(ctx, s, f, c.c, org.ErrConflict, "commit of "+c.name, "d1"); err != nil {
			return fmt.Errorf("a refused commit must write no part of itself: %w", err)
		}
	}
	return nil
}

func storeOtherDealer(ctx context.Context, s policy.Store, f Features) error {
	for _, d := range []org.DealerID{"dA", "dB"} {
		if err := stCommit(ctx, s, d, stSeed(d), "seed "+string(d)); err != nil {
			return err
		}
	}
	// Each change holds good records of dA, and one record of dB placed
	// last, where a store checking only the first would miss it.
	good := func() policy.Change {
		return policy.Change{
			Policies:    []policy.StoredPolicy{stStored("dA", stSmallPolicy(2), false)},
			Incidents:   []policy.IncidentRecord{stIncident("dA", "i-2", "adv-2", stAt(5))},
			Nominations: []policy.NominationRecord{stNomination("dA", "n-2", "adv-2", stMonth)},
			Decisions:   []policy.Decision{stDecision("dA", stKey("adv-10", stMonth, ""), "adv-10", stMonth)},
			Events:      []org.Event{stEvent("dA", "a-ev", "policy/2")},
		}
	}
	seedB := stSeed("dB")
	cases := []struct {
		name string
		add  func(c *policy.Change)
	}{
		{"a policy of dB", func(c *policy.Change) { c.Policies = append(c.Policies, stStored("dB", stSmallPolicy(3), false)) }},
		{"an incident of dB", func(c *policy.Change) { c.Incidents = append(c.Incidents, stIncident("dB", "i-3", "adv-1", stAt(6))) }},
		{"a nomination of dB", func(c *policy.Change) {
			c.Nominations = append(c.Nominations, stNomination("dB", "n-3", "adv-1", stMonth))
		}},
		{"a decision of dB", func(c *policy.Change) {
			c.Decisions = append(c.Decisions, stDecision("dB", stKey("tech-1", stMonth, ""), "tech-1", stMonth))
		}},
		{"an event of dB", func(c *policy.Change) { c.Events = append(c.Events, stEvent("dB", "b-ev", "policy/1")) }},
		{"an update of dB's policy", func(c *policy.Change) { c.Policies = append(c.Policies, stBumped(stPolicies, seedB.Policies[0])) }},
		{"an update of dB's incident", func(c *policy.Change) {
			c.Incidents = append(c.Incidents, stBumped(stIncidents, seedB.Incidents[0]))
		}},
		{"an update of dB's decision", func(c *policy.Change) {
			c.Decisions = append(c.Decisions, stBumped(stDecisions, seedB.Decisions[0]))
		}},
	}
	for _, tc := range cases {
		c := good()
		tc.add(&c)
		if err := stRefusedWritesNothing(ctx, s, f, c, org.ErrInvalid, "commit for dA holding "+tc.name, "dA", "dB"); err != nil {
			return err
		}
	}
	return nil
}
