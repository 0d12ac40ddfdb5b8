package policytest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// storePolicyRoundTrip writes a full and a bare policy, reads them back
// every way, then replaces each with a version that drops what the other
// adds, and moves the active mark: a store keeping rules or conditions in
// tables of their own must delete the old rows.
func storePolicyRoundTrip(ctx context.Context, s policy.Store, _ Features) error {
	full := stStored("d1", stFullPolicy(7), true)
	bare := policy.StoredPolicy{DealerID: "d1", Policy: policy.Policy{Version: 3}, Version: 1}
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: []policy.StoredPolicy{full, bare}}, "commit a full, active policy and a bare one"); err != nil {
		return err
	}
	if err := stReadPolicies(ctx, s, full, bare); err != nil {
		return err
	}
	shrunk := stStored("d1", stFullPolicy(7), false)
	shrunk.Version, shrunk.SavedBy = 2, org.Actor{}
	shrunk.Policy.Rules, shrunk.Policy.Ladders, shrunk.Policy.Places = shrunk.Policy.Rules[5:6], nil, nil
	grown := stStored("d1", stFullPolicy(3), true)
	grown.Version = 2
	grown.Policy.Rules = append(grown.Policy.Rules, grown.Policy.Rules[0])
	grown.Policy.Rules[len(grown.Policy.Rules)-1].ID = "extra"
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: []policy.StoredPolicy{grown, shrunk}}, "update both to version 2, moving the active mark"); err != nil {
		return err
	}
	if err := stReadPolicies(ctx, s, shrunk, grown); err != nil {
		return fmt.Errorf("after replacing the full policy by a smaller one and the bare one by a full one: %w", err)
	}
	return nil
}

// stReadPolicies reads want, all of d1's policies, by Policy, Policies and
// ActivePolicy.
func stReadPolicies(ctx context.Context, s policy.Store, want ...policy.StoredPolicy) error {
	var active *policy.StoredPolicy
	for i, w := range want {
		got, err := s.Policy(ctx, w.DealerID, w.Policy.Version)
		if err != nil {
			return fmt.Errorf("read policy version %d: %w", w.Policy.Version, err)
		}
		if err := stDiffStoredPolicy(got, w); err != nil {
			return fmt.Errorf("reading it with Policy: %w", err)
		}
		if w.Active {
			active = &want[i]
		}
	}
	list, err := s.Policies(ctx, "d1")
	if err != nil {
		return fmt.Errorf("Policies(d1): %w", err)
	}
	if err := kit.DiffList("Policies(d1)", list, stByVersion(want), stPolicyKey, stDiffStoredPolicy); err != nil {
		return err
	}
	got, err := s.ActivePolicy(ctx, "d1")
	if active == nil {
		return kit.ExpectErr(err, org.ErrNotFound, "ActivePolicy(d1) with no policy active")
	}
	if err != nil {
		return fmt.Errorf("ActivePolicy(d1): %w", err)
	}
	if err := stDiffStoredPolicy(got, *active); err != nil {
		return fmt.Errorf("reading it with ActivePolicy: %w", err)
	}
	return nil
}

func storePolicyNotFound(ctx context.Context, s policy.Store, _ Features) error {
	c := policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(2), false), stStored("d1", stSmallPolicy(4), true)}}
	if err := stCommit(ctx, s, "d1", c, "seed policy versions 2 and 4"); err != nil {
		return err
	}
	for _, v := range []int{3, 1, 5, 0, -2, 24, 40} {
		_, err := s.Policy(ctx, "d1", v)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Policy(d1, %d)", v)); err != nil {
			return err
		}
	}
	return nil
}

// storeActivePolicy moves the mark from version to version, as the
// Service does, each step in one commit.
func storeActivePolicy(ctx context.Context, s policy.Store, _ Features) error {
	_, err := s.ActivePolicy(ctx, "d1")
	if err := kit.ExpectErr(err, org.ErrNotFound, "ActivePolicy in a new store"); err != nil {
		return err
	}
	at := func(v int, version int64, active bool) policy.StoredPolicy {
		sp := stStored("d1", stSmallPolicy(v), active)
		sp.Version = version
		return sp
	}
	steps := []struct {
		what   string
		write  []policy.StoredPolicy
		active int // 0: none
	}{
		{"version 1 saved inactive", []policy.StoredPolicy{at(1, 1, false)}, 0},
		{"version 2 saved active", []policy.StoredPolicy{at(2, 1, true)}, 2},
		{"version 3 saved active, version 2 deactivated (listed after)", []policy.StoredPolicy{at(3, 1, true), at(2, 2, false)}, 3},
		{"version 1 activated again, version 3 deactivated", []policy.StoredPolicy{at(3, 2, false), at(1, 2, true)}, 1},
		{"version 1 deactivated: none active", []policy.StoredPolicy{at(1, 3, false)}, 0},
		{"version 10 saved active", []policy.StoredPolicy{at(10, 1, true)}, 10},
	}
	for _, st := range steps {
		if err := stCommit(ctx, s, "d1", policy.Change{Policies: st.write}, st.what); err != nil {
			return err
		}
		got, err := s.ActivePolicy(ctx, "d1")
		if st.active == 0 {
			if err := kit.ExpectErr(err, org.ErrNotFound, "ActivePolicy after "+st.what+", when none is active"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("ActivePolicy after %s: %w", st.what, err)
		}
		if got.Policy.Version != st.active || !got.Active {
			return fmt.Errorf("ActivePolicy after %s returned version %d (active %v), want version %d", st.what, got.Policy.Version, got.Active, st.active)
		}
	}
	return nil
}

// storeOneActive tries every way of leaving two active policies; each must
// be refused whole.
func storeOneActive(ctx context.Context, s policy.Store, f Features) error {
	seed := policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(1), false), stStored("d1", stSmallPolicy(2), true)},
		Events: []org.Event{stEvent("d1", "seed", "policy/2")}}
	if err := stCommit(ctx, s, "d1", seed, "seed version 1 and the active version 2"); err != nil {
		return err
	}
	again := stStored("d1", stSmallPolicy(1), true)
	again.Version = 2
	evs := []org.Event{stEvent("d1", "refused", "policy/3")}
	for _, c := range []struct {
		what string
		c    policy.Change
	}{
		{"a new active version 3", policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(3), true)}, Events: evs}},
		{"version 1 marked active again", policy.Change{Policies: []policy.StoredPolicy{again}, Events: evs}},
		{"two new active versions together", policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(3), true),
			stStored("d1", stSmallPolicy(4), false), stStored("d1", stSmallPolicy(5), true)}, Incidents: []policy.IncidentRecord{
			stIncident("d1", "i-1", "adv-1", stT0)}, Events: evs}},
	} {
		if err := domain(f).Refused(ctx, s, c.c, org.ErrConflict, "a commit of "+c.what+" beside the active version 2", "d1"); err != nil {
			return err
		}
	}
	off := stStored("d1", stSmallPolicy(2), false)
	off.Version = 2
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(3), true), off}},
		"switch from version 2 to a new version 3, the activation listed first"); err != nil {
		return err
	}
	off3 := stStored("d1", stSmallPolicy(3), false)
	off3.Version = 2
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: []policy.StoredPolicy{off3, again}},
		"switch from version 3 back to version 1"); err != nil {
		return err
	}
	got, err := s.ActivePolicy(ctx, "d1")
	if err != nil {
		return fmt.Errorf("ActivePolicy after the switches: %w", err)
	}
	if got.Policy.Version != 1 {
		return fmt.Errorf("ActivePolicy after switching to 3 and back to 1 returned version %d", got.Policy.Version)
	}
	// Another dealer's active policy is no second one.
	if err := stCommit(ctx, s, "d2", policy.Change{Policies: []policy.StoredPolicy{stStored("d2", stSmallPolicy(1), true)}},
		"d2's first active policy, while d1 has one"); err != nil {
		return err
	}
	return nil
}

// storeNominationRoundTrip writes a full nomination of a month, one of
// the year, and a bare one, then changes them.
func storeNominationRoundTrip(ctx context.Context, s policy.Store, _ Features) error {
	full := stFullNomination("d1", "nom-1")
	yearly := stFullNomination("d1", "nom-y")
	yearly.Period, yearly.Employee = stYear, "adv-2"
	bare := policy.NominationRecord{DealerID: "d1", ID: "bare", Period: stMonth, Version: 1}
	if err := stCommit(ctx, s, "d1", policy.Change{Nominations: []policy.NominationRecord{yearly, bare, full}}, "commit a month's full and bare nominations, and a year's"); err != nil {
		return err
	}
	read := func(want ...policy.NominationRecord) error {
		for _, p := range []policy.Period{stMonth, stYear} {
			var of []policy.NominationRecord
			for _, w := range want {
				if w.Period == p {
					of = append(of, w)
				}
			}
			got, err := s.Nominations(ctx, "d1", p)
			if err != nil {
				return fmt.Errorf("Nominations(d1, %s): %w", p, err)
			}
			if err := kit.DiffList(fmt.Sprintf("Nominations(d1, %s)", p), got, stByID(of), stNominationID, stDiffNomination); err != nil {
				return err
			}
		}
		return nil
	}
	if err := read(full, yearly, bare); err != nil {
		return err
	}
	shrunk := stFullNomination("d1", "nom-1")
	shrunk.Version, shrunk.Reason, shrunk.By = 2, "", ""
	grown := stFullNomination("d1", "bare")
	grown.Version, grown.Employee = 2, "tech-1"
	if err := stCommit(ctx, s, "d1", policy.Change{Nominations: []policy.NominationRecord{grown, shrunk}}, "update two to version 2"); err != nil {
		return err
	}
	if err := read(shrunk, yearly, grown); err != nil {
		return fmt.Errorf("after emptying one and filling the bare one: %w", err)
	}
	return nil
}

// stAmounts are the values every decimal must keep: above 2^53, with
// trailing zeros, at the fourth decimal, at the contract's widest, a
// percent and a score.
var stAmounts = []string{stBig, "12.50", "0", "0.0001", "99999999999999999999.9999", "9007199254740993", "100.0000", "12.5",
	"90.25", "0.3333"}

// stWalkValues calls fn on every field of type T inside *p (a pointer to
// a record), in every element of every slice and behind every pointer: a
// field added later is covered too. Pointees are changed in place.
func stWalkValues[T any](p any, fn func(T) T) {
	typ := reflect.TypeFor[T]()
	var walk func(x reflect.Value)
	walk = func(x reflect.Value) {
		if x.Type() == typ {
			x.Set(reflect.ValueOf(fn(x.Interface().(T))))
			return
		}
		switch x.Kind() {
		case reflect.Struct:
			for i := range x.NumField() {
				if x.Type().Field(i).IsExported() {
					walk(x.Field(i))
				}
			}
		case reflect.Pointer:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Slice:
			for i := range x.Len() {
				walk(x.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(p).Elem())
}

func storeAmountsExact(ctx context.Context, s policy.Store, _ Features) error {
	var c policy.Change
	set := func(v decimal.Decimal) func(decimal.Decimal) decimal.Decimal {
		return func(decimal.Decimal) decimal.Decimal { return v }
	}
	for i, a := range stAmounts {
		v := stAmount(a)
		sp := stStored("d1", stFullPolicy(100+i), false)
		stWalkValues(&sp, set(v))
		inc := stFullIncident("d1", fmt.Sprintf("i-%02d", i))
		inc.At = stAt(i)
		stWalkValues(&inc, set(v))
		dec := stFullDecision("d1", stKey("adv-1", stMonth, fmt.Sprintf("/%02d", i)))
		stWalkValues(&dec, set(v))
		c.Policies, c.Incidents, c.Decisions = append(c.Policies, sp), append(c.Incidents, inc), append(c.Decisions, dec)
	}
	if err := stCommit(ctx, s, "d1", c, "commit a policy, an incident and a decision per amount"); err != nil {
		return err
	}
	var errs []error
	ps, err := s.Policies(ctx, "d1")
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Policies(d1)", ps, c.Policies, stPolicyKey, stDiffStoredPolicy) }))
	is, err := s.Incidents(ctx, "d1", time.Time{}, time.Time{})
	errs = append(errs, kit.Then(err, func() error { return kit.DiffList("Incidents(d1)", is, c.Incidents, stIncidentID, stDiffIncident) }))
	ds, err := s.Decisions(ctx, "d1", stMonth, "adv-1")
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList("Decisions(d1, 2026-11, adv-1)", ds, c.Decisions, stDecisionKey, stDiffDecision)
	}))
	for i, a := range stAmounts {
		r, err := s.Incident(ctx, "d1", c.Incidents[i].ID)
		errs = append(errs, kit.Then(err, func() error { return stDiffIncident(r, c.Incidents[i]) }))
		sp, err := s.Policy(ctx, "d1", c.Policies[i].Policy.Version)
		errs = append(errs, kit.Then(err, func() error { return stDiffStoredPolicy(sp, c.Policies[i]) }))
		d, err := s.Decision(ctx, "d1", c.Decisions[i].Key)
		errs = append(errs, kit.Then(err, func() error { return stDiffDecision(d, c.Decisions[i]) }))
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("decimal %s: %w", a, err)
		}
	}
	return errors.Join(errs...)
}
