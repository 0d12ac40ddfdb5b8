package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

var _ policy.Store = PolicyStore{}

// PolicyStore is the [policy.Store] view of a Store: the same database, and
// the same audit trail as the Store's other views, so events committed
// through any of them are numbered from one per-dealer counter. Like
// [TrainingStore] it is a view because policy.Store has a Commit of its
// own.
//
// Policies, incidents, nominations and decisions are stored whole as JSON
// documents (decimals as exact strings, instants in UTC to the
// microsecond) beside the columns their reads select and order on: a
// policy's version and active mark, an incident's instant, a nomination's
// and a decision's period (as text, "2026-11" or "2026") and employee.
type PolicyStore struct{ *Store }

// Policy returns the policy.Store view of s.
func (s *Store) Policy() PolicyStore { return PolicyStore{s} }

// Policy returns dealer's stored policy of a version, or an error matching
// org.ErrNotFound.
func (v PolicyStore) Policy(ctx context.Context, dealer org.DealerID, version int) (policy.StoredPolicy, error) {
	sp, err := readDoc[policy.StoredPolicy](ctx, v.Store,
		`SELECT doc FROM policies WHERE dealer_id = ? AND policy_version = ?`, dealer, version)
	if err != nil {
		return policy.StoredPolicy{}, fmt.Errorf("sqlstore: dealer %s: policy version %d: %w", dealer, version, err)
	}
	return sp, nil
}

// ActivePolicy returns dealer's policy marked Active, or an error matching
// org.ErrNotFound when none is. A partial unique index keeps it to one.
func (v PolicyStore) ActivePolicy(ctx context.Context, dealer org.DealerID) (policy.StoredPolicy, error) {
	sp, err := readDoc[policy.StoredPolicy](ctx, v.Store,
		`SELECT doc FROM policies WHERE dealer_id = ? AND active`, dealer)
	if err != nil {
		return policy.StoredPolicy{}, fmt.Errorf("sqlstore: dealer %s: active policy: %w", dealer, err)
	}
	return sp, nil
}

// Policies returns every stored policy of dealer, ordered by the policy's
// version (as a number); never nil.
func (v PolicyStore) Policies(ctx context.Context, dealer org.DealerID) ([]policy.StoredPolicy, error) {
	out, err := readDocs[policy.StoredPolicy](ctx, v.Store, newSelection("policies", dealer), "policy_version", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: policies: %w", dealer, err)
	}
	return out, nil
}

// Incident returns an incident, or an error matching org.ErrNotFound.
func (v PolicyStore) Incident(ctx context.Context, dealer org.DealerID, id string) (policy.IncidentRecord, error) {
	r, err := readDoc[policy.IncidentRecord](ctx, v.Store,
		`SELECT doc FROM policy_incidents WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err != nil {
		return policy.IncidentRecord{}, fmt.Errorf("sqlstore: dealer %s: incident %s: %w", dealer, id, err)
	}
	return r, nil
}

// Incidents returns dealer's incidents whose At is in [from, before),
// ordered by At, then ID in byte order; a zero bound is no bound; never
// nil.
func (v PolicyStore) Incidents(ctx context.Context, dealer org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
	sel := newSelection("policy_incidents", dealer)
	sel.within(v.Store, "happened_at", from, before)
	out, err := readDocs[policy.IncidentRecord](ctx, v.Store, sel, "happened_at, id", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: incidents: %w", dealer, err)
	}
	return out, nil
}

// Nominations returns dealer's nominations for period, ordered by ID in
// byte order; never nil.
func (v PolicyStore) Nominations(ctx context.Context, dealer org.DealerID, period policy.Period) ([]policy.NominationRecord, error) {
	sel := newSelection("policy_nominations", dealer)
	sel.cond("period = ?", period.String())
	out, err := readDocs[policy.NominationRecord](ctx, v.Store, sel, "id", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: nominations of %s: %w", dealer, period, err)
	}
	return out, nil
}

// Decision returns the decision with a key, or an error matching
// org.ErrNotFound.
func (v PolicyStore) Decision(ctx context.Context, dealer org.DealerID, key string) (policy.Decision, error) {
	d, err := readDoc[policy.Decision](ctx, v.Store,
		`SELECT doc FROM policy_decisions WHERE dealer_id = ? AND key = ?`, dealer, key)
	if err != nil {
		return policy.Decision{}, fmt.Errorf("sqlstore: dealer %s: decision %s: %w", dealer, key, err)
	}
	return d, nil
}

// Decisions returns dealer's decisions for period about employee (everyone
// when empty), ordered by Key in byte order; never nil.
func (v PolicyStore) Decisions(ctx context.Context, dealer org.DealerID, period policy.Period, employee org.EmployeeID) ([]policy.Decision, error) {
	sel := newSelection("policy_decisions", dealer)
	sel.cond("period = ?", period.String())
	sel.equal("employee", string(employee))
	out, err := readDocs[policy.Decision](ctx, v.Store, sel, "key", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: decisions of %s: %w", dealer, period, err)
	}
	return out, nil
}

// Events returns the dealer's audit events with Seq > after, as
// [Store.Events] does: policy shares the trail of the other views.
func (v PolicyStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return v.Store.Events(ctx, dealer, after, limit)
}
