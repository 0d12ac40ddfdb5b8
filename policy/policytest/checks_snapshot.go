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

// stPeriods are the periods a snapshot lists nominations and decisions of:
// every period the fixtures use.
var stPeriods = []policy.Period{stJanuary, stPrevMonth, stMonth, stNextMonth, stYear}

// stSnapshot is everything a store holds for one dealer, as far as the kit
// can read it: every policy and the active one, every incident, the
// nominations and decisions of the fixtures' periods, and the events when
// the trail is readable.
type stSnapshot struct {
	dealer      org.DealerID
	policies    []policy.StoredPolicy
	active      int // the active policy's version; 0: none
	incidents   []policy.IncidentRecord
	nominations []policy.NominationRecord // period by period
	decisions   []policy.Decision         // period by period
	events      []org.Event
	withEvents  bool
}

func stTake(ctx context.Context, s policy.Store, f Features, d org.DealerID) (stSnapshot, error) {
	sn := stSnapshot{dealer: d}
	fail := func(err error) (stSnapshot, error) { return sn, fmt.Errorf("snapshot of %s: %w", d, err) }
	var err error
	if sn.policies, err = s.Policies(ctx, d); err != nil {
		return fail(fmt.Errorf("policies: %w", err))
	}
	switch act, err := s.ActivePolicy(ctx, d); {
	case err == nil:
		sn.active = act.Policy.Version
	case !errors.Is(err, org.ErrNotFound):
		return fail(fmt.Errorf("active policy: %w", err))
	}
	if sn.incidents, err = s.Incidents(ctx, d, time.Time{}, time.Time{}); err != nil {
		return fail(fmt.Errorf("incidents: %w", err))
	}
	for _, p := range stPeriods {
		ns, err := s.Nominations(ctx, d, p)
		if err != nil {
			return fail(fmt.Errorf("nominations of %s: %w", p, err))
		}
		sn.nominations = append(sn.nominations, ns...)
		ds, err := s.Decisions(ctx, d, p, "")
		if err != nil {
			return fail(fmt.Errorf("decisions of %s: %w", p, err))
		}
		sn.decisions = append(sn.decisions, ds...)
	}
	if r := f.events(s); r != nil {
		sn.withEvents = true
		if sn.events, err = kit.AllEvents(ctx, r, d); err != nil {
			return fail(err)
		}
	}
	return sn, nil
}

// same reports how b differs from a, or nil.
func (a stSnapshot) same(b stSnapshot) error {
	p := "dealer " + string(a.dealer) + ": "
	errs := []error{
		kit.DiffList(p+"policies", b.policies, a.policies, stPolicyKey, stDiffStoredPolicy),
		kit.DiffList(p+"incidents", b.incidents, a.incidents, stIncidentID, stDiffIncident),
		kit.DiffList(p+"nominations", b.nominations, a.nominations, stNominationID, stDiffNomination),
		kit.DiffList(p+"decisions", b.decisions, a.decisions, stDecisionKey, stDiffDecision),
	}
	if a.active != b.active {
		errs = append(errs, fmt.Errorf("%sthe active policy is version %d, was %d (0: none)", p, b.active, a.active))
	}
	if a.withEvents && b.withEvents {
		errs = append(errs, kit.DiffEvents(p+"events", b.events, a.events))
	}
	return errors.Join(errs...)
}

// stRefusedWritesNothing commits c, wants an error matching want, and
// compares the dealers' snapshots before and after.
func stRefusedWritesNothing(ctx context.Context, s policy.Store, f Features, c policy.Change, want error, what string, dealers ...org.DealerID) error {
	var before []stSnapshot
	for _, d := range dealers {
		sn, err := stTake(ctx, s, f, d)
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
		after, err := stTake(ctx, s, f, d)
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
