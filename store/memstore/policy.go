package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

var _ policy.Store = PolicyStore{}

// PolicyStore is the policy.Store view of a Store: the same records and
// the same audit trail as its other views.
type PolicyStore struct{ *Store }

// Policy returns the policy.Store view of s.
func (s *Store) Policy() PolicyStore { return PolicyStore{s} }

// policyRecords holds one dealer's policy records.
type policyRecords struct {
	policies    map[int]policy.StoredPolicy
	incidents   map[string]policy.IncidentRecord
	nominations map[string]policy.NominationRecord
	decisions   map[string]policy.Decision
}

func (t *tenant) policyRecordsOf() *policyRecords {
	if t.policy == nil {
		t.policy = &policyRecords{policies: map[int]policy.StoredPolicy{}, incidents: map[string]policy.IncidentRecord{},
			nominations: map[string]policy.NominationRecord{}, decisions: map[string]policy.Decision{}}
	}
	return t.policy
}

func (v PolicyStore) read(ctx context.Context, dealer org.DealerID, f func(r *policyRecords)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	if t := v.tenantLocked(dealer, false); t != nil && t.policy != nil {
		f(t.policy)
	}
	return nil
}

// Policy implements policy.Store.
func (v PolicyStore) Policy(ctx context.Context, dealer org.DealerID, version int) (policy.StoredPolicy, error) {
	var sp policy.StoredPolicy
	var ok bool
	if err := v.read(ctx, dealer, func(r *policyRecords) { sp, ok = r.policies[version] }); err != nil {
		return sp, err
	}
	if !ok {
		return sp, notFound("policy version " + strconv.Itoa(version))
	}
	return sp.Clone(), nil
}

// ActivePolicy implements policy.Store.
func (v PolicyStore) ActivePolicy(ctx context.Context, dealer org.DealerID) (policy.StoredPolicy, error) {
	var sp policy.StoredPolicy
	var ok bool
	if err := v.read(ctx, dealer, func(r *policyRecords) {
		for _, x := range r.policies {
			if x.Active {
				sp, ok = x, true
			}
		}
	}); err != nil {
		return sp, err
	}
	if !ok {
		return sp, notFound("active policy")
	}
	return sp.Clone(), nil
}

// Policies implements policy.Store.
func (v PolicyStore) Policies(ctx context.Context, dealer org.DealerID) ([]policy.StoredPolicy, error) {
	out := []policy.StoredPolicy{}
	err := v.read(ctx, dealer, func(r *policyRecords) {
		for _, x := range r.policies {
			out = append(out, x)
		}
	})
	slices.SortFunc(out, func(a, b policy.StoredPolicy) int { return cmp.Compare(a.Policy.Version, b.Policy.Version) })
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, err
}

// Incident implements policy.Store.
func (v PolicyStore) Incident(ctx context.Context, dealer org.DealerID, id string) (policy.IncidentRecord, error) {
	var r policy.IncidentRecord
	var ok bool
	if err := v.read(ctx, dealer, func(rs *policyRecords) { r, ok = rs.incidents[id] }); err != nil {
		return r, err
	}
	if !ok {
		return r, notFound("incident " + id)
	}
	return r, nil
}

// Incidents implements policy.Store.
func (v PolicyStore) Incidents(ctx context.Context, dealer org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
	out := []policy.IncidentRecord{}
	err := v.read(ctx, dealer, func(r *policyRecords) {
		for _, x := range r.incidents {
			if (from.IsZero() || !x.At.Before(from)) && (before.IsZero() || x.At.Before(before)) {
				out = append(out, x)
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.IncidentRecord) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return out, err
}

// Nominations implements policy.Store.
func (v PolicyStore) Nominations(ctx context.Context, dealer org.DealerID, period policy.Period) ([]policy.NominationRecord, error) {
	out := []policy.NominationRecord{}
	err := v.read(ctx, dealer, func(r *policyRecords) {
		for _, x := range r.nominations {
			if x.Period == period {
				out = append(out, x)
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.NominationRecord) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// Decision implements policy.Store.
func (v PolicyStore) Decision(ctx context.Context, dealer org.DealerID, key string) (policy.Decision, error) {
	var d policy.Decision
	var ok bool
	if err := v.read(ctx, dealer, func(r *policyRecords) { d, ok = r.decisions[key] }); err != nil {
		return d, err
	}
	if !ok {
		return d, notFound("decision " + key)
	}
	return d.Clone(), nil
}

// Decisions implements policy.Store.
func (v PolicyStore) Decisions(ctx context.Context, dealer org.DealerID, period policy.Period, employee org.EmployeeID) ([]policy.Decision, error) {
	out := []policy.Decision{}
	err := v.read(ctx, dealer, func(r *policyRecords) {
		for _, x := range r.decisions {
			if x.Proposal.Period == period && (employee == "" || x.Proposal.Employee == employee) {
				out = append(out, x)
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.Decision) int { return cmp.Compare(a.Key, b.Key) })
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, err
}

// Events is the shared audit trail, as org.Store.Events.
func (v PolicyStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return v.Store.Events(ctx, dealer, after, limit)
}

// Commit implements policy.Store.
func (v PolicyStore) Commit(ctx context.Context, dealer org.DealerID, c policy.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkPolicyTenant(dealer, c); err != nil {
		return err
	}
	if err := errors.Join(
		noRepeats("policy version", keysOf(c.Policies, func(x policy.StoredPolicy) string { return strconv.Itoa(x.Policy.Version) })...),
		noRepeats("incident", keysOf(c.Incidents, func(x policy.IncidentRecord) string { return x.ID })...),
		noRepeats("nomination", keysOf(c.Nominations, func(x policy.NominationRecord) string { return x.ID })...),
		noRepeats("decision", keysOf(c.Decisions, func(x policy.Decision) string { return x.Key })...)); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var r *policyRecords
	if t := v.tenantLocked(dealer, false); t != nil {
		r = t.policy
	}
	if err := checkPolicyVersions(r, c); err != nil {
		return err
	}
	if err := checkOneActive(r, c); err != nil {
		return err
	}
	t := v.tenantLocked(dealer, true)
	r = t.policyRecordsOf()
	for _, x := range c.Policies {
		x = x.Clone()
		x.SavedAt = storedInstant(x.SavedAt)
		r.policies[x.Policy.Version] = x
	}
	for _, x := range c.Incidents {
		x.At, x.RecordedAt = storedInstant(x.At), storedInstant(x.RecordedAt)
		r.incidents[x.ID] = x
	}
	for _, x := range c.Nominations {
		x.At = storedInstant(x.At)
		r.nominations[x.ID] = x
	}
	for _, x := range c.Decisions {
		x = x.Clone()
		x.ProposedAt, x.DecidedAt = storedInstant(x.ProposedAt), storedInstant(x.DecidedAt)
		r.decisions[x.Key] = x
	}
	t.appendEvents(c.Events)
	return nil
}

func checkPolicyTenant(dealer org.DealerID, c policy.Change) error {
	bad := func(what string, got org.DealerID) error {
		return fmt.Errorf("memstore: commit for dealer %s holds %s of dealer %s: %w", dealer, what, got, org.ErrInvalid)
	}
	for _, x := range c.Policies {
		if x.DealerID != dealer {
			return bad("policy version "+strconv.Itoa(x.Policy.Version), x.DealerID)
		}
	}
	for _, x := range c.Incidents {
		if x.DealerID != dealer {
			return bad("incident "+x.ID, x.DealerID)
		}
	}
	for _, x := range c.Nominations {
		if x.DealerID != dealer {
			return bad("nomination "+x.ID, x.DealerID)
		}
	}
	for _, x := range c.Decisions {
		if x.DealerID != dealer {
			return bad("decision "+x.Key, x.DealerID)
		}
	}
	for _, ev := range c.Events {
		if ev.DealerID != dealer {
			return bad("event "+ev.ID, ev.DealerID)
		}
	}
	return nil
}

func checkPolicyVersions(r *policyRecords, c policy.Change) error {
	if r == nil {
		r = &policyRecords{}
	}
	for _, x := range c.Policies {
		cur, ok := r.policies[x.Policy.Version]
		if err := checkVersion("policy version "+strconv.Itoa(x.Policy.Version), x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, x := range c.Incidents {
		cur, ok := r.incidents[x.ID]
		if err := checkVersion("incident "+x.ID, x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, x := range c.Nominations {
		cur, ok := r.nominations[x.ID]
		if err := checkVersion("nomination "+x.ID, x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, x := range c.Decisions {
		cur, ok := r.decisions[x.Key]
		if err := checkVersion("decision "+x.Key, x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	return nil
}

// checkOneActive refuses a change that would leave two active policies, as
// sqlstore's unique index does.
func checkOneActive(r *policyRecords, c policy.Change) error {
	active := map[int]bool{}
	if r != nil {
		for v, x := range r.policies {
			if x.Active {
				active[v] = true
			}
		}
	}
	for _, x := range c.Policies {
		active[x.Policy.Version] = x.Active
	}
	var on []int
	for v, a := range active {
		if a {
			on = append(on, v)
		}
	}
	if len(on) > 1 {
		slices.Sort(on)
		return fmt.Errorf("memstore: a commit would leave policy versions %v active, not one: %w", on, org.ErrConflict)
	}
	return nil
}
