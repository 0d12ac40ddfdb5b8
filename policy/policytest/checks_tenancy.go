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

// stTenant is one dealer's records in storeTenancy: the same keys under
// both dealers, told apart by their content, and records only dB has
// (another period's nomination and decision among them). dA's policy is
// active; dB's active policy is another version.
func stTenant(d org.DealerID, only bool) policy.Change {
	mark := "of " + string(d)
	sp := stStored(d, stSmallPolicy(1), d == "dA")
	sp.SavedBy = org.Actor{ID: org.EmployeeID("saver " + mark), Role: org.RoleSupervisor}
	inc := stIncident(d, "i-1", "adv-1", stT0)
	inc.Note = "note " + mark
	nom := stNomination(d, "n-1", "adv-1", stMonth)
	nom.Reason = "reason " + mark
	dec := stDecision(d, stKey("adv-1", stMonth, ""), "adv-1", stMonth)
	dec.Reason = "reason " + mark
	c := policy.Change{
		Policies: []policy.StoredPolicy{sp}, Incidents: []policy.IncidentRecord{inc}, Nominations: []policy.NominationRecord{nom},
		Decisions: []policy.Decision{dec}, Events: []org.Event{stEvent(d, "ev-"+string(d), "policy/1")},
	}
	if only {
		c.Policies = append(c.Policies, stStored(d, stSmallPolicy(2), true))
		c.Incidents = append(c.Incidents, stIncident(d, "i-2", "adv-2", stAt(30)))
		c.Nominations = append(c.Nominations, stNomination(d, "n-2", "adv-2", stMonth), stNomination(d, "n-3", "adv-1", stPrevMonth))
		c.Decisions = append(c.Decisions, stDecision(d, stKey("adv-2", stMonth, ""), "adv-2", stMonth),
			stDecision(d, stKey("adv-1", stPrevMonth, ""), "adv-1", stPrevMonth))
	}
	return c
}

func storeTenancy(ctx context.Context, s policy.Store, f Features) error {
	a, b := stTenant("dA", false), stTenant("dB", true)
	if err := stCommit(ctx, s, "dA", a, "seed dA"); err != nil {
		return err
	}
	if err := stCommit(ctx, s, "dB", b, "seed dB"); err != nil {
		return err
	}
	if err := stReadsOwnOnly(ctx, s, f, a); err != nil {
		return err
	}
	// dA writes version 2 of every record and takes the mark off its
	// policy; dB's records of the same keys must stay as they were.
	off := stBumped(stPolicies, a.Policies[0])
	off.Active = false
	up := policy.Change{
		Policies: []policy.StoredPolicy{off}, Incidents: []policy.IncidentRecord{stBumped(stIncidents, a.Incidents[0])},
		Nominations: []policy.NominationRecord{stBumped(stNominations, a.Nominations[0])},
		Decisions:   []policy.Decision{stBumped(stDecisions, a.Decisions[0])},
	}
	if err := stCommit(ctx, s, "dA", up, "update dA's records to version 2, its policy inactive"); err != nil {
		return err
	}
	before := stTenant("dB", true)
	after, err := stTake(ctx, s, f, "dB")
	if err != nil {
		return err
	}
	want := stSnapshot{dealer: "dB",
		policies:    before.Policies,
		active:      2,
		incidents:   before.Incidents,
		nominations: []policy.NominationRecord{before.Nominations[2], before.Nominations[0], before.Nominations[1]}, // 2026-10; 2026-11
		decisions:   []policy.Decision{before.Decisions[2], before.Decisions[0], before.Decisions[1]},               // 2026-10; 2026-11
	}
	if err := want.same(after); err != nil {
		return fmt.Errorf("updating dA's records changed dB's records of the same keys: %w", err)
	}
	_, err = s.ActivePolicy(ctx, "dA")
	return kit.ExpectErr(err, org.ErrNotFound, "ActivePolicy(dA) after dA took the mark off its policy, while dB has an active one")
}

// stReadsOwnOnly reads a's records through every method: each must be
// dA's, and dB's own keys must not be found nor listed.
func stReadsOwnOnly(ctx context.Context, s policy.Store, f Features, a policy.Change) error {
	var errs []error
	sp, err := s.Policy(ctx, "dA", 1)
	errs = append(errs, kit.Then(err, func() error { return stDiffStoredPolicy(sp, a.Policies[0]) }))
	act, err := s.ActivePolicy(ctx, "dA")
	errs = append(errs, kit.Then(err, func() error { return stDiffStoredPolicy(act, a.Policies[0]) }))
	ps, err := s.Policies(ctx, "dA")
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Policies(dA)", ps, a.Policies, stPolicyKey, stDiffStoredPolicy) }))
	inc, err := s.Incident(ctx, "dA", "i-1")
	errs = append(errs, kit.Then(err, func() error { return stDiffIncident(inc, a.Incidents[0]) }))
	is, err := s.Incidents(ctx, "dA", time.Time{}, time.Time{})
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Incidents(dA)", is, a.Incidents, stIncidentID, stDiffIncident) }))
	ns, err := s.Nominations(ctx, "dA", stMonth)
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList("Nominations(dA, 2026-11)", ns, a.Nominations, stNominationID, stDiffNomination)
	}))
	dec, err := s.Decision(ctx, "dA", a.Decisions[0].Key)
	errs = append(errs, kit.Then(err, func() error { return stDiffDecision(dec, a.Decisions[0]) }))
	for _, e := range []org.EmployeeID{"", "adv-1"} {
		ds, err := s.Decisions(ctx, "dA", stMonth, e)
		errs = append(errs, kit.Then(err, func() error {
			return kit.DiffList(fmt.Sprintf("Decisions(dA, 2026-11, %q)", e), ds, a.Decisions, stDecisionKey, stDiffDecision)
		}))
	}
	if r := f.events(s); r != nil {
		evs, err := r.Events(ctx, "dA", 0, 100)
		errs = append(errs, kit.Then(err, func() error { return kit.SameEvents("Events(dA)", evs, a.Events) }))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read or listed a record of dB: %w", err)
	}
	_, err = s.Policy(ctx, "dA", 2)
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Policy(dA, 2), a policy of dB"))
	_, err = s.Incident(ctx, "dA", "i-2")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Incident(dA, i-2), an incident of dB"))
	_, err = s.Decision(ctx, "dA", stKey("adv-2", stMonth, ""))
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Decision(dA, adv-2's), a decision of dB"))
	ns, err = s.Nominations(ctx, "dA", stPrevMonth)
	errs = append(errs, kit.Then(err, func() error { return stCountNone("Nominations(dA, 2026-10)", len(ns)) }))
	ds, err := s.Decisions(ctx, "dA", stPrevMonth, "")
	errs = append(errs, kit.Then(err, func() error { return stCountNone("Decisions(dA, 2026-10)", len(ds)) }))
	ds, err = s.Decisions(ctx, "dA", stMonth, "adv-2")
	errs = append(errs, kit.Then(err, func() error { return stCountNone("Decisions(dA, 2026-11, adv-2)", len(ds)) }))
	for _, d := range []org.DealerID{"dC", ""} {
		_, err = s.Policy(ctx, d, 1)
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Policy(%q, 1), a dealer with no records", d)))
		_, err = s.ActivePolicy(ctx, d)
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("ActivePolicy(%q), a dealer with no records", d)))
		_, err = s.Incident(ctx, d, "i-1")
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Incident(%q, i-1), a dealer with no records", d)))
		_, err = s.Decision(ctx, d, a.Decisions[0].Key)
		errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Decision(%q), a dealer with no records", d)))
		ps, err := s.Policies(ctx, d)
		errs = append(errs, kit.Then(err, func() error { return stCountNone(fmt.Sprintf("Policies(%q)", d), len(ps)) }))
		is, err := s.Incidents(ctx, d, time.Time{}, time.Time{})
		errs = append(errs, kit.Then(err, func() error { return stCountNone(fmt.Sprintf("Incidents(%q)", d), len(is)) }))
		ns, err := s.Nominations(ctx, d, stMonth)
		errs = append(errs, kit.Then(err, func() error { return stCountNone(fmt.Sprintf("Nominations(%q, 2026-11)", d), len(ns)) }))
		ds, err := s.Decisions(ctx, d, stMonth, "")
		errs = append(errs, kit.Then(err, func() error { return stCountNone(fmt.Sprintf("Decisions(%q, 2026-11)", d), len(ds)) }))
	}
	return errors.Join(errs...)
}
