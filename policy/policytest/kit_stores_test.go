package policytest_test

// The stores kit_test.go feeds the store kit: ksOver, memstore with some
// methods replaced, and ksMapped, a small map store with one flaw. Every
// package-level name here starts with ks: the package's other tests share
// it.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
	"github.com/servicelane/servicelane/store/memstore"
)

// ksOver is memstore with some methods replaced. Each broken store
// replaces what its flaw needs and delegates the rest, so memstore's
// soundness elsewhere keeps the flaw the only one.
type ksOver struct {
	memstore.PolicyStore

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

	mu      sync.Mutex
	dealers map[org.DealerID]bool // every dealer Commit was called for
}

var (
	_ policy.Store           = (*ksOver)(nil)
	_ policytest.EventReader = (*ksOver)(nil)
)

// ksBend returns an opener of memstore bent by fn.
func ksBend(fn func(o *ksOver)) func() policy.Store {
	return func() policy.Store {
		o := &ksOver{PolicyStore: memstore.New().Policy(), dealers: map[org.DealerID]bool{}}
		m := o.PolicyStore
		o.policy, o.active, o.policies, o.incident, o.incidents = m.Policy, m.ActivePolicy, m.Policies, m.Incident, m.Incidents
		o.nominations, o.decision, o.decisions, o.events, o.commit = m.Nominations, m.Decision, m.Decisions, m.Events, m.Commit
		fn(o)
		return o
	}
}

func (o *ksOver) Policy(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
	return o.policy(ctx, d, v)
}

func (o *ksOver) ActivePolicy(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
	return o.active(ctx, d)
}

func (o *ksOver) Policies(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
	return o.policies(ctx, d)
}

func (o *ksOver) Incident(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
	return o.incident(ctx, d, id)
}

func (o *ksOver) Incidents(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
	return o.incidents(ctx, d, from, before)
}

func (o *ksOver) Nominations(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
	return o.nominations(ctx, d, p)
}

func (o *ksOver) Decision(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
	return o.decision(ctx, d, key)
}

func (o *ksOver) Decisions(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
	return o.decisions(ctx, d, p, e)
}

func (o *ksOver) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.events(ctx, d, after, limit)
}

func (o *ksOver) Commit(ctx context.Context, d org.DealerID, c policy.Change) error {
	o.mu.Lock()
	o.dealers[d] = true
	o.mu.Unlock()
	return o.commit(ctx, d, c)
}

func (o *ksOver) knownDealers() []org.DealerID {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(maps.Keys(o.dealers))
}

// mapErrors passes every method's error through fn.
func (o *ksOver) mapErrors(fn func(error) error) {
	po, ac, ps, in, ins, ns, de, ds, evs, commit := o.policy, o.active, o.policies, o.incident, o.incidents, o.nominations, o.decision, o.decisions, o.events, o.commit
	o.policy = func(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
		x, err := po(ctx, d, v)
		return x, fn(err)
	}
	o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
		x, err := ac(ctx, d)
		return x, fn(err)
	}
	o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
		x, err := ps(ctx, d)
		return x, fn(err)
	}
	o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
		x, err := in(ctx, d, id)
		return x, fn(err)
	}
	o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
		x, err := ins(ctx, d, from, before)
		return x, fn(err)
	}
	o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
		x, err := ns(ctx, d, p)
		return x, fn(err)
	}
	o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
		x, err := de(ctx, d, key)
		return x, fn(err)
	}
	o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
		x, err := ds(ctx, d, p, e)
		return x, fn(err)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		x, err := evs(ctx, d, after, limit)
		return x, fn(err)
	}
	o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error { return fn(commit(ctx, d, c)) }
}

// mapReads walks every record a read returns with visit (see kitcheck.Walk).
func (o *ksOver) mapReads(visit func(reflect.Value) bool) {
	po, ac, ps, in, ins, ns, de, ds, evs := o.policy, o.active, o.policies, o.incident, o.incidents, o.nominations, o.decision, o.decisions, o.events
	o.policy = func(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
		return kitcheck.WalkedRecords(po(ctx, d, v))(visit)
	}
	o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
		return kitcheck.WalkedRecords(ac(ctx, d))(visit)
	}
	o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
		return kitcheck.WalkedRecords(ps(ctx, d))(visit)
	}
	o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
		return kitcheck.WalkedRecords(in(ctx, d, id))(visit)
	}
	o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
		return kitcheck.WalkedRecords(ins(ctx, d, from, before))(visit)
	}
	o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
		return kitcheck.WalkedRecords(ns(ctx, d, p))(visit)
	}
	o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
		return kitcheck.WalkedRecords(de(ctx, d, key))(visit)
	}
	o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
		return kitcheck.WalkedRecords(ds(ctx, d, p, e))(visit)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return kitcheck.WalkedRecords(evs(ctx, d, after, limit))(visit)
	}
}

// ksOnValues returns a deep copy of c with every decimal passed through
// dec and every instant through tm (when set).
func ksOnValues(c policy.Change, dec func(decimal.Decimal) decimal.Decimal, tm func(time.Time) time.Time) policy.Change {
	c = ksClone(c)
	kitcheck.Walk(reflect.ValueOf(&c).Elem(), func(v reflect.Value) bool {
		switch x := v.Interface().(type) {
		case decimal.Decimal:
			if dec != nil {
				v.Set(reflect.ValueOf(dec(x)))
			}
			return true
		case time.Time:
			if tm != nil {
				v.Set(reflect.ValueOf(tm(x)))
			}
			return true
		}
		return false
	})
	return c
}

// ksClone returns a copy of c sharing no memory with it: the checks
// compare against what they committed, so a bend must not change it.
func ksClone(c policy.Change) policy.Change {
	c.Policies = slices.Clone(c.Policies)
	for i := range c.Policies {
		c.Policies[i] = c.Policies[i].Clone()
	}
	c.Incidents = slices.Clone(c.Incidents)
	c.Nominations = slices.Clone(c.Nominations)
	c.Decisions = slices.Clone(c.Decisions)
	for i := range c.Decisions {
		c.Decisions[i] = c.Decisions[i].Clone()
	}
	c.Events = slices.Clone(c.Events)
	for i := range c.Events {
		c.Events[i].Data = slices.Clone(c.Events[i].Data)
	}
	return c
}

// ksBendCommit returns an opener of memstore whose Commit writes fn(c).
func ksBendCommit(fn func(policy.Change) policy.Change) func() policy.Store {
	return ksBend(func(o *ksOver) {
		o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
			return o.PolicyStore.Commit(ctx, d, fn(c))
		}
	})
}

// ksFallBack reads from d and, when d lacks the record, from every dealer.
func ksFallBack[T any](o *ksOver, d org.DealerID, read func(org.DealerID) (T, error)) (T, error) {
	v, err := read(d)
	if !errors.Is(err, org.ErrNotFound) {
		return v, err
	}
	for _, other := range o.knownDealers() {
		if v, err := read(other); err == nil {
			return v, nil
		}
	}
	return v, err
}

// ksEveryDealer lists from every dealer, sorted by key.
func ksEveryDealer[T any](o *ksOver, key func(T) string, read func(org.DealerID) ([]T, error)) ([]T, error) {
	all := []T{}
	for _, d := range o.knownDealers() {
		list, err := read(d)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	slices.SortStableFunc(all, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return all, nil
}

// ksCommitParts commits each part that is not empty on its own, as a
// store running one transaction per part does; like any store, it fails
// at once when ctx is done.
func ksCommitParts(ctx context.Context, s policy.Store, d org.DealerID, parts []policy.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		if p.Empty() {
			continue
		}
		if err := s.Commit(ctx, d, p); err != nil {
			return err
		}
	}
	return nil
}

// ksFlaw is the one rule a ksMapped store breaks, for the breakages
// memstore cannot be bent into: it checks versions and copies inside one
// lock, and keeps instants as it is told.
type ksFlaw int

const (
	ksNoFlaw              ksFlaw = iota
	ksLastWriterWins             // no version rule beyond Version >= 1
	ksCreateOverwrites           // Version 1 replaces an existing record
	ksStaleWins                  // Version n > 1 replaces any stored version
	ksWritesThenConflicts        // a refused change is written anyway
	ksCheckThenWrite             // versions checked, lock dropped, then written
	ksManyActive                 // no rule of one active policy
	ksActiveCheckedFirst         // two active checked against the stored marks only, before the Change's deactivations
	ksKeyWithoutDealer           // records keyed without their dealer
	ksKeepsZone                  // instants kept in the zone written, to the microsecond
	ksKeepsNanoseconds           // instants kept in UTC with their nanoseconds
	ksRoundsToMicro              // instants rounded (not truncated) to the microsecond: sound
)

// ksMapStore returns an opener of a small map store with flaw f.
func ksMapStore(f ksFlaw) func() policy.Store { return ksOpenMapped(f, "", 0) }

// ksSlowMapStore is ksMapStore answering every read a millisecond after
// taking it, as a store across a network does.
func ksSlowMapStore(f ksFlaw) func() policy.Store { return ksOpenMapped(f, "", time.Millisecond) }

// ksMapStoreOnly bends the version rule of one kind only ("policy",
// "incident", "nomination", "decision").
func ksMapStoreOnly(f ksFlaw, kind string) func() policy.Store { return ksOpenMapped(f, kind, 0) }

func ksOpenMapped(f ksFlaw, only string, latency time.Duration) func() policy.Store {
	return func() policy.Store {
		return &ksMapped{flaw: f, only: only, latency: latency,
			policies: map[ksKey]policy.StoredPolicy{}, incidents: map[ksKey]policy.IncidentRecord{},
			nominations: map[ksKey]policy.NominationRecord{}, decisions: map[ksKey]policy.Decision{},
			events: map[org.DealerID][]org.Event{}}
	}
}

type ksKey struct {
	dealer org.DealerID
	id     string
}

type ksMapped struct {
	flaw    ksFlaw
	only    string        // the kind the version flaws bend; "" for all
	latency time.Duration // slept after each read, outside the lock

	mu          sync.Mutex
	policies    map[ksKey]policy.StoredPolicy
	incidents   map[ksKey]policy.IncidentRecord
	nominations map[ksKey]policy.NominationRecord
	decisions   map[ksKey]policy.Decision
	events      map[org.DealerID][]org.Event
}

var (
	_ policy.Store           = (*ksMapped)(nil)
	_ policytest.EventReader = (*ksMapped)(nil)
)

func (s *ksMapped) k(d org.DealerID, id string) ksKey {
	if s.flaw == ksKeyWithoutDealer {
		d = ""
	}
	return ksKey{d, id}
}

// read runs f under the lock, then sleeps the store's latency.
func (s *ksMapped) read(ctx context.Context, f func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	f()
	s.mu.Unlock()
	time.Sleep(s.latency)
	return nil
}

func ksNotFound(what string) error { return fmt.Errorf("mapstore: %s: %w", what, org.ErrNotFound) }

func (s *ksMapped) policyKey(v int) string { return strconv.Itoa(v) }

func (s *ksMapped) Policy(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
	var sp policy.StoredPolicy
	var ok bool
	if err := s.read(ctx, func() { sp, ok = s.policies[s.k(d, s.policyKey(v))] }); err != nil {
		return sp, err
	}
	if !ok {
		return sp, ksNotFound("policy " + strconv.Itoa(v))
	}
	return sp.Clone(), nil
}

func (s *ksMapped) ActivePolicy(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
	var sp policy.StoredPolicy
	var ok bool
	err := s.read(ctx, func() {
		for k, x := range s.policies {
			if x.DealerID == d && x.Active && (s.flaw != ksKeyWithoutDealer || k.dealer == "") {
				sp, ok = x.Clone(), true
			}
		}
	})
	if err == nil && !ok {
		err = ksNotFound("active policy")
	}
	return sp, err
}

func (s *ksMapped) Policies(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
	out := []policy.StoredPolicy{}
	err := s.read(ctx, func() {
		for _, x := range s.policies {
			if x.DealerID == d {
				out = append(out, x.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.StoredPolicy) int { return cmp.Compare(a.Policy.Version, b.Policy.Version) })
	return out, err
}

func (s *ksMapped) Incident(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
	var r policy.IncidentRecord
	var ok bool
	if err := s.read(ctx, func() { r, ok = s.incidents[s.k(d, id)] }); err != nil {
		return r, err
	}
	if !ok {
		return r, ksNotFound("incident " + id)
	}
	return r, nil
}

func (s *ksMapped) Incidents(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
	out := []policy.IncidentRecord{}
	err := s.read(ctx, func() {
		for _, x := range s.incidents {
			if x.DealerID == d && (from.IsZero() || !x.At.Before(from)) && (before.IsZero() || x.At.Before(before)) {
				out = append(out, x)
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.IncidentRecord) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return out, err
}

func (s *ksMapped) Nominations(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
	out := []policy.NominationRecord{}
	err := s.read(ctx, func() {
		for _, x := range s.nominations {
			if x.DealerID == d && x.Period == p {
				out = append(out, x)
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.NominationRecord) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

func (s *ksMapped) Decision(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
	var x policy.Decision
	var ok bool
	if err := s.read(ctx, func() { x, ok = s.decisions[s.k(d, key)] }); err != nil {
		return x, err
	}
	if !ok {
		return x, ksNotFound("decision " + key)
	}
	return x.Clone(), nil
}

func (s *ksMapped) Decisions(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
	out := []policy.Decision{}
	err := s.read(ctx, func() {
		for _, x := range s.decisions {
			if x.DealerID == d && x.Proposal.Period == p && (e == "" || x.Proposal.Employee == e) {
				out = append(out, x.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b policy.Decision) int { return cmp.Compare(a.Key, b.Key) })
	return out, err
}

func (s *ksMapped) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	out := []org.Event{}
	err := s.read(ctx, func() {
		for _, ev := range s.events[d] {
			if ev.Seq > after {
				ev.Data = slices.Clone(ev.Data)
				out = append(out, ev)
			}
		}
	})
	return out[:min(len(out), limit)], err
}

func (s *ksMapped) Commit(ctx context.Context, d org.DealerID, c policy.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ksOtherDealer(d, c); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch err := s.check(d, c); {
	case err != nil && s.flaw == ksWritesThenConflicts:
		s.write(d, c)
		return err
	case err != nil:
		return err
	case s.flaw == ksCheckThenWrite:
		// SELECT version, then UPDATE without "AND version = ?", a few
		// round trips apart: long enough for the other writers to check
		// too, however loaded the machine running the kit.
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
	}
	s.write(d, c)
	return nil
}

func ksOtherDealer(d org.DealerID, c policy.Change) error {
	var ids []org.DealerID
	for _, x := range c.Policies {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Incidents {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Nominations {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Decisions {
		ids = append(ids, x.DealerID)
	}
	for _, ev := range c.Events {
		ids = append(ids, ev.DealerID)
	}
	for _, id := range ids {
		if id != d {
			return fmt.Errorf("mapstore: commit for %s holds a record of %s: %w", d, id, org.ErrInvalid)
		}
	}
	return nil
}

// check applies the version rule of Commit and the rule of one active
// policy, as s.flaw bends them. A record named twice is ErrConflict.
func (s *ksMapped) check(d org.DealerID, c policy.Change) error {
	seen := map[string]bool{}
	var errs []error
	one := func(kind, id string, v int64, stored int64, exists bool) {
		if seen[kind+"/"+id] {
			errs = append(errs, fmt.Errorf("mapstore: %s %s named twice: %w", kind, id, org.ErrConflict))
			return
		}
		errs = append(errs, s.versionErr(kind, id, v, exists, stored))
		seen[kind+"/"+id] = true
	}
	for _, x := range c.Policies {
		cur, ok := s.policies[s.k(d, s.policyKey(x.Policy.Version))]
		one("policy", s.policyKey(x.Policy.Version), x.Version, cur.Version, ok)
	}
	for _, x := range c.Incidents {
		cur, ok := s.incidents[s.k(d, x.ID)]
		one("incident", x.ID, x.Version, cur.Version, ok)
	}
	for _, x := range c.Nominations {
		cur, ok := s.nominations[s.k(d, x.ID)]
		one("nomination", x.ID, x.Version, cur.Version, ok)
	}
	for _, x := range c.Decisions {
		cur, ok := s.decisions[s.k(d, x.Key)]
		one("decision", x.Key, x.Version, cur.Version, ok)
	}
	errs = append(errs, s.oneActive(d, c))
	for _, err := range errs {
		if err != nil {
			return err // the first, as a store stopping at it would
		}
	}
	return nil
}

// oneActive refuses a change leaving two active policies, as s.flaw bends
// the rule.
func (s *ksMapped) oneActive(d org.DealerID, c policy.Change) error {
	if s.flaw == ksManyActive {
		return nil
	}
	active := map[int]bool{}
	for _, x := range s.policies {
		if x.DealerID == d && x.Active {
			active[x.Policy.Version] = true
		}
	}
	for _, x := range c.Policies {
		delete(active, x.Policy.Version)
		if x.Active && s.flaw == ksActiveCheckedFirst && len(active) > 0 {
			return fmt.Errorf("mapstore: policy %d made active beside an active one: %w", x.Policy.Version, org.ErrConflict)
		}
		if x.Active {
			active[x.Policy.Version] = true
		}
	}
	if len(active) > 1 {
		return fmt.Errorf("mapstore: %d policies would be active: %w", len(active), org.ErrConflict)
	}
	return nil
}

func (s *ksMapped) versionErr(kind, what string, v int64, exists bool, stored int64) error {
	conflict := fmt.Errorf("mapstore: %s %s: version %d over %d (exists %v): %w", kind, what, v, stored, exists, org.ErrConflict)
	f := s.flaw
	if s.only != "" && s.only != kind {
		f = ksNoFlaw
	}
	switch {
	case v < 1:
		return fmt.Errorf("mapstore: %s %s: version %d: %w", kind, what, v, org.ErrInvalid)
	case f == ksLastWriterWins:
		return nil
	case v == 1 && exists && f != ksCreateOverwrites:
		return conflict
	case v > 1 && !exists:
		return conflict
	case v > 1 && exists && stored != v-1 && f != ksStaleWins:
		return conflict
	}
	return nil
}

// instant is how the store keeps t, as its flaw says.
func (s *ksMapped) instant(t time.Time) time.Time {
	switch {
	case t.IsZero():
		return time.Time{}
	case s.flaw == ksKeepsZone:
		return t.Truncate(time.Microsecond)
	case s.flaw == ksKeepsNanoseconds:
		return t.UTC()
	case s.flaw == ksRoundsToMicro:
		return t.UTC().Round(time.Microsecond)
	}
	return t.UTC().Truncate(time.Microsecond)
}

// ksStored returns what the store keeps of x: a deep copy with its
// instants kept as the flaw says.
func ksStored[T any](s *ksMapped, x T, clone func(T) T) T {
	x = clone(x)
	kitcheck.Walk(reflect.ValueOf(&x).Elem(), kitcheck.OnInstants(s.instant))
	return x
}

func ksSame[T any](x T) T { return x }

// write applies c; the caller holds s.mu.
func (s *ksMapped) write(d org.DealerID, c policy.Change) {
	for _, x := range c.Policies {
		s.policies[s.k(d, s.policyKey(x.Policy.Version))] = ksStored(s, x, policy.StoredPolicy.Clone)
	}
	for _, x := range c.Incidents {
		s.incidents[s.k(d, x.ID)] = ksStored(s, x, ksSame)
	}
	for _, x := range c.Nominations {
		s.nominations[s.k(d, x.ID)] = ksStored(s, x, ksSame)
	}
	for _, x := range c.Decisions {
		s.decisions[s.k(d, x.Key)] = ksStored(s, x, policy.Decision.Clone)
	}
	last := int64(len(s.events[d]))
	for i, ev := range c.Events {
		ev.Seq = last + int64(i) + 1
		ev.Data = slices.Clone(ev.Data)
		s.events[d] = append(s.events[d], ev)
	}
}
