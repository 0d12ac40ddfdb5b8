package appraisaltest_test

// The stores kit_test.go feeds the kit: over, memstore with some methods
// replaced, and mapped, a small map store with one flaw.

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/appraisal/appraisaltest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one.
type over struct {
	memstore.AppraisalStore

	cycle       func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error)
	inputs      func(ctx context.Context, d org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error)
	appraisals  func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error)
	history     func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error)
	improvement func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error)
	events      func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit      func(ctx context.Context, d org.DealerID, c appraisal.Change) error

	mu      sync.Mutex
	dealers map[org.DealerID]bool // every dealer Commit was called for
}

var (
	_ appraisal.Store           = (*over)(nil)
	_ appraisaltest.EventReader = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() appraisal.Store {
	return func() appraisal.Store {
		o := &over{AppraisalStore: memstore.New().Appraisal(), dealers: map[org.DealerID]bool{}}
		o.fill()
		fn(o)
		return o
	}
}

// fill sets every method to memstore's, so bends can wrap one another.
func (o *over) fill() {
	a := o.AppraisalStore
	o.cycle, o.inputs, o.appraisals, o.history, o.improvement, o.events, o.commit =
		a.Cycle, a.Inputs, a.Appraisals, a.History, a.Improvement, a.Events, a.Commit
}

func (o *over) Cycle(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
	return o.cycle(ctx, d, m)
}

func (o *over) Inputs(ctx context.Context, d org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error) {
	return o.inputs(ctx, d, m, ratee)
}

func (o *over) Appraisals(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
	return o.appraisals(ctx, d, m)
}

func (o *over) History(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
	return o.history(ctx, d, e, upTo)
}

func (o *over) Improvement(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
	return o.improvement(ctx, d, m, e)
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.events(ctx, d, after, limit)
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c appraisal.Change) error {
	o.mu.Lock()
	o.dealers[d] = true
	o.mu.Unlock()
	return o.commit(ctx, d, c)
}

func (o *over) knownDealers() []org.DealerID {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(maps.Keys(o.dealers))
}

// mapErrors passes every method's error through fn.
func (o *over) mapErrors(fn func(error) error) {
	cy, ins, as, hist, im, evs, commit := o.cycle, o.inputs, o.appraisals, o.history, o.improvement, o.events, o.commit
	o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
		x, err := cy(ctx, d, m)
		return x, fn(err)
	}
	o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
		x, err := ins(ctx, d, m, r)
		return x, fn(err)
	}
	o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
		x, err := as(ctx, d, m)
		return x, fn(err)
	}
	o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
		x, err := hist(ctx, d, e, upTo)
		return x, fn(err)
	}
	o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
		x, err := im(ctx, d, m, e)
		return x, fn(err)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		x, err := evs(ctx, d, after, limit)
		return x, fn(err)
	}
	o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error { return fn(commit(ctx, d, c)) }
}

// mapReads walks every record a read returns with visit (see kitcheck.Walk).
func (o *over) mapReads(visit func(reflect.Value) bool) {
	cy, ins, as, hist, im, evs := o.cycle, o.inputs, o.appraisals, o.history, o.improvement, o.events
	o.cycle = func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
		return kitcheck.Walked(cy(ctx, d, m))(visit)
	}
	o.inputs = func(ctx context.Context, d org.DealerID, m org.Month, r org.EmployeeID) ([]appraisal.Input, error) {
		return kitcheck.Walked(ins(ctx, d, m, r))(visit)
	}
	o.appraisals = func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
		return kitcheck.Walked(as(ctx, d, m))(visit)
	}
	o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
		return kitcheck.Walked(hist(ctx, d, e, upTo))(visit)
	}
	o.improvement = func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
		return kitcheck.Walked(im(ctx, d, m, e))(visit)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return kitcheck.Walked(evs(ctx, d, after, limit))(visit)
	}
}

// onValues returns a deep copy of c with every decimal passed through dec
// and every instant through tm (when set), map values aside.
func onValues(c appraisal.Change, dec func(decimal.Decimal) decimal.Decimal, tm func(time.Time) time.Time) appraisal.Change {
	c = cloneChange(c)
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

// cloneChange returns a copy of c sharing no memory with it: the checks
// compare against what they committed, so a bend must not change it.
func cloneChange(c appraisal.Change) appraisal.Change {
	c.Cycles = slices.Clone(c.Cycles)
	for i := range c.Cycles {
		c.Cycles[i] = c.Cycles[i].Clone()
	}
	c.Inputs = slices.Clone(c.Inputs)
	c.Appraisals = slices.Clone(c.Appraisals)
	for i := range c.Appraisals {
		c.Appraisals[i] = c.Appraisals[i].Clone()
	}
	c.Improvements = slices.Clone(c.Improvements)
	for i := range c.Improvements {
		c.Improvements[i] = c.Improvements[i].Clone()
	}
	c.Events = slices.Clone(c.Events)
	for i := range c.Events {
		c.Events[i].Data = slices.Clone(c.Events[i].Data)
	}
	return c
}

func empty(c appraisal.Change) bool {
	return len(c.Cycles)+len(c.Inputs)+len(c.Appraisals)+len(c.Improvements)+len(c.Events) == 0
}

// bendCommit returns an opener of memstore whose Commit writes fn(c).
func bendCommit(fn func(appraisal.Change) appraisal.Change) func() appraisal.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
			return o.AppraisalStore.Commit(ctx, d, fn(c))
		}
	})
}

// everyDealer lists from every dealer, sorted by key.
func everyDealer[T any](o *over, key func(T) string, read func(org.DealerID) ([]T, error)) ([]T, error) {
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

// commitParts commits each part that is not empty on its own, as a store
// running one transaction per part does; like any store, it fails at once
// when ctx is done.
func commitParts(ctx context.Context, s appraisal.Store, d org.DealerID, parts []appraisal.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		if empty(p) {
			continue
		}
		if err := s.Commit(ctx, d, p); err != nil {
			return err
		}
	}
	return nil
}

// flaw is the one rule a mapped store breaks, for the breakages memstore
// cannot be bent into: it checks versions and copies inside one lock.
type flaw int

const (
	noFlaw                     flaw = iota
	lastWriterWins                  // no version rule beyond Version >= 1
	createOverwrites                // Version 1 replaces an existing record
	staleWins                       // Version n > 1 replaces any stored version
	writesThenConflicts             // a refused change is written anyway
	checkThenWrite                  // versions checked, lock dropped, then written
	keyWithoutDealer                // records keyed without their dealer
	appraisalKeyWithoutMonth        // appraisals keyed by employee only
	improvementKeyWithoutMonth      // improvement plans keyed by employee only
)

// mapStore returns an opener of a small map store with flaw f.
func mapStore(f flaw) func() appraisal.Store { return openMapped(f, "", 0) }

// slowMapStore is mapStore answering every read a millisecond after taking
// it, as a store across a network does.
func slowMapStore(f flaw) func() appraisal.Store { return openMapped(f, "", time.Millisecond) }

// mapStoreOnly bends the version rule of one kind only ("cycle", "input",
// "appraisal", "improvement").
func mapStoreOnly(f flaw, kind string) func() appraisal.Store { return openMapped(f, kind, 0) }

func openMapped(f flaw, only string, latency time.Duration) func() appraisal.Store {
	return func() appraisal.Store {
		return &mapped{
			flaw: f, only: only, latency: latency,
			cycles: map[key]appraisal.Cycle{}, inputs: map[key]appraisal.Input{},
			appraisals: map[key]appraisal.Appraisal{}, improvements: map[key]appraisal.Improvement{},
			events: map[org.DealerID][]org.Event{},
		}
	}
}

type key struct {
	dealer org.DealerID
	id     string
}

type mapped struct {
	flaw    flaw
	only    string        // the kind the version flaws bend; "" for all
	latency time.Duration // slept after each read, outside the lock

	mu           sync.Mutex
	cycles       map[key]appraisal.Cycle
	inputs       map[key]appraisal.Input
	appraisals   map[key]appraisal.Appraisal
	improvements map[key]appraisal.Improvement
	events       map[org.DealerID][]org.Event
}

var (
	_ appraisal.Store           = (*mapped)(nil)
	_ appraisaltest.EventReader = (*mapped)(nil)
)

func (s *mapped) k(d org.DealerID, parts ...string) key {
	if s.flaw == keyWithoutDealer {
		d = ""
	}
	return key{d, strings.Join(parts, "/")}
}

func (s *mapped) cycleKey(d org.DealerID, m org.Month) key { return s.k(d, m.String()) }
func (s *mapped) inputKey(d org.DealerID, in appraisal.Input) key {
	return s.k(d, in.Month.String(), in.Key())
}

func (s *mapped) appraisalKey(d org.DealerID, m org.Month, e org.EmployeeID) key {
	if s.flaw == appraisalKeyWithoutMonth {
		return s.k(d, string(e))
	}
	return s.k(d, m.String(), string(e))
}

func (s *mapped) improvementKey(d org.DealerID, m org.Month, e org.EmployeeID) key {
	if s.flaw == improvementKeyWithoutMonth {
		return s.k(d, string(e))
	}
	return s.k(d, m.String(), string(e))
}

// read runs f under the lock, then sleeps the store's latency.
func (s *mapped) read(ctx context.Context, f func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	f()
	s.mu.Unlock()
	time.Sleep(s.latency)
	return nil
}

func notFound(what string) error { return fmt.Errorf("mapstore: %s: %w", what, org.ErrNotFound) }

func (s *mapped) copyCycle(c appraisal.Cycle) appraisal.Cycle                   { return c.Clone() }
func (s *mapped) copyAppraisal(a appraisal.Appraisal) appraisal.Appraisal       { return a.Clone() }
func (s *mapped) copyImprovement(i appraisal.Improvement) appraisal.Improvement { return i.Clone() }

func (s *mapped) Cycle(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
	var c appraisal.Cycle
	var ok bool
	if err := s.read(ctx, func() { c, ok = s.cycles[s.cycleKey(d, m)] }); err != nil {
		return c, err
	}
	if !ok {
		return c, notFound("cycle " + m.String())
	}
	return s.copyCycle(c), nil
}

func (s *mapped) Inputs(ctx context.Context, d org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error) {
	out := []appraisal.Input{}
	err := s.read(ctx, func() {
		for _, in := range s.inputs {
			if in.DealerID == d && in.Month == m && (ratee == "" || in.Ratee == ratee) {
				out = append(out, in)
			}
		}
	})
	slices.SortFunc(out, func(a, b appraisal.Input) int { return cmp.Compare(a.Key(), b.Key()) })
	return out, err
}

func (s *mapped) Appraisals(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
	out := []appraisal.Appraisal{}
	err := s.read(ctx, func() {
		for _, a := range s.appraisals {
			if a.DealerID == d && a.Month == m {
				out = append(out, s.copyAppraisal(a))
			}
		}
	})
	slices.SortFunc(out, func(a, b appraisal.Appraisal) int { return cmp.Compare(a.Computed.Employee, b.Computed.Employee) })
	return out, err
}

func (s *mapped) History(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
	out := []appraisal.Appraisal{}
	err := s.read(ctx, func() {
		for _, a := range s.appraisals {
			if a.DealerID == d && a.Computed.Employee == e && !upTo.Before(a.Month) {
				out = append(out, s.copyAppraisal(a))
			}
		}
	})
	slices.SortFunc(out, func(a, b appraisal.Appraisal) int { return cmp.Compare(a.Month.String(), b.Month.String()) })
	return out, err
}

func (s *mapped) Improvement(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
	var i appraisal.Improvement
	var ok bool
	if err := s.read(ctx, func() { i, ok = s.improvements[s.improvementKey(d, m, e)] }); err != nil {
		return i, err
	}
	if !ok {
		return i, notFound("improvement plan of " + string(e))
	}
	return s.copyImprovement(i), nil
}

func (s *mapped) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
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

func (s *mapped) Commit(ctx context.Context, d org.DealerID, c appraisal.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := otherDealer(d, c); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch err := s.check(d, c); {
	case err != nil && s.flaw == writesThenConflicts:
		s.write(d, c)
		return err
	case err != nil:
		return err
	case s.flaw == checkThenWrite:
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

func otherDealer(d org.DealerID, c appraisal.Change) error {
	var ids []org.DealerID
	for _, x := range c.Cycles {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Inputs {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Appraisals {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Improvements {
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

// check applies the version rule of Commit, as s.flaw bends it. A record
// named twice (its map key twice) is ErrConflict.
func (s *mapped) check(d org.DealerID, c appraisal.Change) error {
	seen := map[string]bool{}
	var errs []error
	one := func(kind string, k key, what string, v int64, stored int64, exists bool) {
		if seen[kind+fmt.Sprint(k)] {
			errs = append(errs, fmt.Errorf("mapstore: %s %s named twice: %w", kind, what, org.ErrConflict))
			return
		}
		errs = append(errs, s.versionErr(kind, what, v, exists, stored))
		seen[kind+fmt.Sprint(k)] = true
	}
	for _, x := range c.Cycles {
		k := s.cycleKey(d, x.Month)
		cur, ok := s.cycles[k]
		one("cycle", k, x.Month.String(), x.Version, cur.Version, ok)
	}
	for _, x := range c.Inputs {
		k := s.inputKey(d, x)
		cur, ok := s.inputs[k]
		one("input", k, x.Key(), x.Version, cur.Version, ok)
	}
	for _, x := range c.Appraisals {
		k := s.appraisalKey(d, x.Month, x.Computed.Employee)
		cur, ok := s.appraisals[k]
		one("appraisal", k, string(x.Computed.Employee), x.Version, cur.Version, ok)
	}
	for _, x := range c.Improvements {
		k := s.improvementKey(d, x.Month, x.Employee)
		cur, ok := s.improvements[k]
		one("improvement", k, string(x.Employee), x.Version, cur.Version, ok)
	}
	for _, err := range errs {
		if err != nil {
			return err // the first, as a store stopping at it would
		}
	}
	return nil
}

func (s *mapped) versionErr(kind, what string, v int64, exists bool, stored int64) error {
	conflict := fmt.Errorf("mapstore: %s %s: version %d over %d (exists %v): %w", kind, what, v, stored, exists, org.ErrConflict)
	f := s.flaw
	if s.only != "" && s.only != kind {
		f = noFlaw
	}
	switch {
	case v < 1:
		return fmt.Errorf("mapstore: %s %s: version %d: %w", kind, what, v, org.ErrInvalid)
	case f == lastWriterWins:
		return nil
	case v == 1 && exists && f != createOverwrites:
		return conflict
	case v > 1 && !exists:
		return conflict
	case v > 1 && exists && stored != v-1 && f != staleWins:
		return conflict
	}
	return nil
}

// write applies c; the caller holds s.mu.
func (s *mapped) write(d org.DealerID, c appraisal.Change) {
	for _, x := range c.Cycles {
		s.cycles[s.cycleKey(d, x.Month)] = x.Clone()
	}
	for _, x := range c.Inputs {
		s.inputs[s.inputKey(d, x)] = x
	}
	for _, x := range c.Appraisals {
		s.appraisals[s.appraisalKey(d, x.Month, x.Computed.Employee)] = x.Clone()
	}
	for _, x := range c.Improvements {
		s.improvements[s.improvementKey(d, x.Month, x.Employee)] = x.Clone()
	}
	last := int64(len(s.events[d]))
	for i, ev := range c.Events {
		ev.Seq = last + int64(i) + 1
		ev.Data = slices.Clone(ev.Data)
		s.events[d] = append(s.events[d], ev)
	}
}
