package policytest_test

// The store kit_test.go bends: ksOver, memstore with some methods
// replaced. Every package-level name here starts with ks: the package's
// other tests share it.

import (
	"context"
	"time"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
	"github.com/servicelane/servicelane/store/memstore"
)

// ksOver is memstore with some methods replaced. Each broken store
// replaces what its flaw needs and delegates the rest, so memstore's
// soundness elsewhere keeps the flaw the only one. Every method passes
// through the Hooks the generic stores of kitcheck bend.
type ksOver struct {
	memstore.PolicyStore
	h kitcheck.Hooks[policy.Store, policy.Change]

	policy      func(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error)
	active      func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error)
	policies    func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error)
	incident    func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error)
	incidents   func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error)
	nominations func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error)
	decision    func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error)
	decisions   func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error)
	events      func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit      func(ctx context.Context, d org.DealerID, c policy.Change) error
}

var (
	_ policy.Store           = (*ksOver)(nil)
	_ policytest.EventReader = (*ksOver)(nil)
)

// ksBend returns an opener of memstore bent by fn.
func ksBend(fn func(o *ksOver)) func() policy.Store {
	return func() policy.Store {
		m := memstore.New().Policy()
		o := &ksOver{PolicyStore: m, h: kitcheck.Hooks[policy.Store, policy.Change]{Base: m}}
		o.policy, o.active, o.policies, o.incident, o.incidents = m.Policy, m.ActivePolicy, m.Policies, m.Incident, m.Incidents
		o.nominations, o.decision, o.decisions, o.events, o.commit = m.Nominations, m.Decision, m.Decisions, m.Events, m.Commit
		fn(o)
		return o
	}
}

// ksHooked is the opener of the generic stores of kitcheck.
func ksHooked(fn func(h *kitcheck.Hooks[policy.Store, policy.Change])) func() policy.Store {
	return ksBend(func(o *ksOver) { fn(&o.h) })
}

func (o *ksOver) Policy(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
	return kitcheck.Read(o.policy(ctx, d, v))(&o.h)
}

func (o *ksOver) ActivePolicy(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
	return kitcheck.Read(o.active(ctx, d))(&o.h)
}

func (o *ksOver) Policies(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
	return kitcheck.List(&o.h, "Policies", d, func(d org.DealerID) ([]policy.StoredPolicy, error) { return o.policies(ctx, d) })
}

func (o *ksOver) Incident(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
	return kitcheck.ByKey(&o.h, id, func(id string) (policy.IncidentRecord, error) { return o.incident(ctx, d, id) })
}

func (o *ksOver) Incidents(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
	return kitcheck.List(&o.h, "Incidents", d, func(d org.DealerID) ([]policy.IncidentRecord, error) { return o.incidents(ctx, d, from, before) })
}

func (o *ksOver) Nominations(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
	return kitcheck.List(&o.h, "Nominations", d, func(d org.DealerID) ([]policy.NominationRecord, error) { return o.nominations(ctx, d, p) })
}

func (o *ksOver) Decision(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
	return kitcheck.ByKey(&o.h, key, func(k string) (policy.Decision, error) { return o.decision(ctx, d, k) })
}

func (o *ksOver) Decisions(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
	return kitcheck.List(&o.h, "Decisions", d, func(d org.DealerID) ([]policy.Decision, error) { return o.decisions(ctx, d, p, e) })
}

func (o *ksOver) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.h.Events(d, after, limit, func(d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return o.events(ctx, d, after, limit)
	})
}

func (o *ksOver) Commit(ctx context.Context, d org.DealerID, c policy.Change) error {
	return kitcheck.Committed(&o.h, ctx, d, c, o.commit)
}

// ksBendCommit returns an opener of memstore whose Commit writes fn(c).
func ksBendCommit(fn func(policy.Change) policy.Change) func() policy.Store {
	return ksBend(func(o *ksOver) {
		o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
			return o.PolicyStore.Commit(ctx, d, fn(kitcheck.DeepCopy(c)))
		}
	})
}
