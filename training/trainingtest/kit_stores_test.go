package trainingtest_test

// The stores kit_test.go feeds the kit: over, memstore with some methods
// replaced, and mapped, a small map store with one flaw.

import (
	"cmp"
	"context"
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
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
	"github.com/servicelane/servicelane/training/trainingtest"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one.
type over struct {
	memstore.TrainingStore

	plan     func(ctx context.Context, d org.DealerID, year int) (training.Plan, error)
	session  func(ctx context.Context, d org.DealerID, id string) (training.Session, error)
	sessions func(ctx context.Context, d org.DealerID, year int) ([]training.Session, error)
	progress func(ctx context.Context, d org.DealerID, year int, e org.EmployeeID) ([]training.Progress, error)
	career   func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error)
	careers  func(ctx context.Context, d org.DealerID) ([]training.Career, error)
	events   func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit   func(ctx context.Context, d org.DealerID, c training.Change) error

	mu      sync.Mutex
	dealers map[org.DealerID]bool // every dealer Commit was called for
}

var (
	_ training.Store           = (*over)(nil)
	_ trainingtest.EventReader = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() training.Store {
	return func() training.Store {
		o := &over{TrainingStore: memstore.New().Training(), dealers: map[org.DealerID]bool{}}
		o.fill()
		fn(o)
		return o
	}
}

// fill sets every method to memstore's, so bends can wrap one another.
func (o *over) fill() {
	m := o.TrainingStore
	o.plan, o.session, o.sessions, o.progress, o.career, o.careers, o.events, o.commit =
		m.Plan, m.Session, m.Sessions, m.Progress, m.Career, m.Careers, m.Events, m.Commit
}

func (o *over) Plan(ctx context.Context, d org.DealerID, year int) (training.Plan, error) {
	return o.plan(ctx, d, year)
}

func (o *over) Session(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
	return o.session(ctx, d, id)
}

func (o *over) Sessions(ctx context.Context, d org.DealerID, year int) ([]training.Session, error) {
	return o.sessions(ctx, d, year)
}

func (o *over) Progress(ctx context.Context, d org.DealerID, year int, e org.EmployeeID) ([]training.Progress, error) {
	return o.progress(ctx, d, year, e)
}

func (o *over) Career(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
	return o.career(ctx, d, e)
}

func (o *over) Careers(ctx context.Context, d org.DealerID) ([]training.Career, error) {
	return o.careers(ctx, d)
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.events(ctx, d, after, limit)
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c training.Change) error {
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
	pl, se, ss, pr, cr, crs, evs, commit := o.plan, o.session, o.sessions, o.progress, o.career, o.careers, o.events, o.commit
	o.plan = func(ctx context.Context, d org.DealerID, y int) (training.Plan, error) {
		x, err := pl(ctx, d, y)
		return x, fn(err)
	}
	o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
		x, err := se(ctx, d, id)
		return x, fn(err)
	}
	o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
		x, err := ss(ctx, d, y)
		return x, fn(err)
	}
	o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
		x, err := pr(ctx, d, y, e)
		return x, fn(err)
	}
	o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
		x, err := cr(ctx, d, e)
		return x, fn(err)
	}
	o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
		x, err := crs(ctx, d)
		return x, fn(err)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		x, err := evs(ctx, d, after, limit)
		return x, fn(err)
	}
	o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error { return fn(commit(ctx, d, c)) }
}

// mapReads walks every record a read returns with visit (see kitcheck.Walk).
func (o *over) mapReads(visit func(reflect.Value) bool) {
	pl, se, ss, pr, cr, crs, evs := o.plan, o.session, o.sessions, o.progress, o.career, o.careers, o.events
	o.plan = func(ctx context.Context, d org.DealerID, y int) (training.Plan, error) {
		return kitcheck.WalkedRecords(pl(ctx, d, y))(visit)
	}
	o.session = func(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
		return kitcheck.WalkedRecords(se(ctx, d, id))(visit)
	}
	o.sessions = func(ctx context.Context, d org.DealerID, y int) ([]training.Session, error) {
		return kitcheck.WalkedRecords(ss(ctx, d, y))(visit)
	}
	o.progress = func(ctx context.Context, d org.DealerID, y int, e org.EmployeeID) ([]training.Progress, error) {
		return kitcheck.WalkedRecords(pr(ctx, d, y, e))(visit)
	}
	o.career = func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
		return kitcheck.WalkedRecords(cr(ctx, d, e))(visit)
	}
	o.careers = func(ctx context.Context, d org.DealerID) ([]training.Career, error) {
		return kitcheck.WalkedRecords(crs(ctx, d))(visit)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return kitcheck.WalkedRecords(evs(ctx, d, after, limit))(visit)
	}
}

// onValues returns a deep copy of c with every decimal passed through dec
// and every instant through tm (when set).
func onValues(c training.Change, dec func(decimal.Decimal) decimal.Decimal, tm func(time.Time) time.Time) training.Change {
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
func cloneChange(c training.Change) training.Change {
	c.Plans = slices.Clone(c.Plans)
	for i := range c.Plans {
		c.Plans[i] = c.Plans[i].Clone()
	}
	c.Sessions = slices.Clone(c.Sessions)
	for i := range c.Sessions {
		c.Sessions[i] = c.Sessions[i].Clone()
	}
	c.Progress = slices.Clone(c.Progress)
	for i := range c.Progress {
		c.Progress[i] = c.Progress[i].Clone()
	}
	c.Careers = slices.Clone(c.Careers)
	for i := range c.Careers {
		c.Careers[i] = c.Careers[i].Clone()
	}
	c.Events = slices.Clone(c.Events)
	for i := range c.Events {
		c.Events[i].Data = slices.Clone(c.Events[i].Data)
	}
	return c
}

func empty(c training.Change) bool {
	return len(c.Plans)+len(c.Sessions)+len(c.Progress)+len(c.Careers)+len(c.Events) == 0
}

// bendCommit returns an opener of memstore whose Commit writes fn(c).
func bendCommit(fn func(training.Change) training.Change) func() training.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
			return o.TrainingStore.Commit(ctx, d, fn(c))
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
func commitParts(ctx context.Context, s training.Store, d org.DealerID, parts []training.Change) error {
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
// cannot be bent into: it checks versions and copies inside one lock, and
// keeps instants as it is told.
type flaw int

const (
	noFlaw              flaw = iota
	lastWriterWins           // no version rule beyond Version >= 1
	createOverwrites         // Version 1 replaces an existing record
	staleWins                // Version n > 1 replaces any stored version
	writesThenConflicts      // a refused change is written anyway
	checkThenWrite           // versions checked, lock dropped, then written
	keyWithoutDealer         // records keyed without their dealer
	keepsZone                // instants kept in the zone written, to the microsecond
	keepsNanoseconds         // instants kept in UTC with their nanoseconds
	roundsToMicro            // instants rounded (not truncated) to the microsecond: sound
)

// mapStore returns an opener of a small map store with flaw f.
func mapStore(f flaw) func() training.Store { return openMapped(f, "", 0) }

// slowMapStore is mapStore answering every read a millisecond after taking
// it, as a store across a network does.
func slowMapStore(f flaw) func() training.Store { return openMapped(f, "", time.Millisecond) }

// mapStoreOnly bends the version rule of one kind only ("plan",
// "session", "progress", "career").
func mapStoreOnly(f flaw, kind string) func() training.Store { return openMapped(f, kind, 0) }

func openMapped(f flaw, only string, latency time.Duration) func() training.Store {
	return func() training.Store {
		return &mapped{
			flaw: f, only: only, latency: latency,
			plans: map[key]training.Plan{}, sessions: map[key]training.Session{},
			progress: map[key]training.Progress{}, careers: map[key]training.Career{},
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

	mu       sync.Mutex
	plans    map[key]training.Plan
	sessions map[key]training.Session
	progress map[key]training.Progress
	careers  map[key]training.Career
	events   map[org.DealerID][]org.Event
}

var (
	_ training.Store           = (*mapped)(nil)
	_ trainingtest.EventReader = (*mapped)(nil)
)

func (s *mapped) k(d org.DealerID, id string) key {
	if s.flaw == keyWithoutDealer {
		d = ""
	}
	return key{d, id}
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

func (s *mapped) copyPlan(p training.Plan) training.Plan             { return p.Clone() }
func (s *mapped) copySession(x training.Session) training.Session    { return x.Clone() }
func (s *mapped) copyProgress(p training.Progress) training.Progress { return p.Clone() }
func (s *mapped) copyCareer(c training.Career) training.Career       { return c.Clone() }

func (s *mapped) Plan(ctx context.Context, d org.DealerID, year int) (training.Plan, error) {
	var p training.Plan
	var ok bool
	if err := s.read(ctx, func() { p, ok = s.plans[s.k(d, strconv.Itoa(year))] }); err != nil {
		return p, err
	}
	if !ok {
		return p, notFound("plan " + strconv.Itoa(year))
	}
	return s.copyPlan(p), nil
}

func (s *mapped) Session(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
	var x training.Session
	var ok bool
	if err := s.read(ctx, func() { x, ok = s.sessions[s.k(d, id)] }); err != nil {
		return x, err
	}
	if !ok {
		return x, notFound("session " + id)
	}
	return s.copySession(x), nil
}

func (s *mapped) Sessions(ctx context.Context, d org.DealerID, year int) ([]training.Session, error) {
	out := []training.Session{}
	err := s.read(ctx, func() {
		for _, x := range s.sessions {
			if x.DealerID == d && x.Year == year {
				out = append(out, s.copySession(x))
			}
		}
	})
	slices.SortFunc(out, func(a, b training.Session) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
	return out, err
}

func (s *mapped) Progress(ctx context.Context, d org.DealerID, year int, e org.EmployeeID) ([]training.Progress, error) {
	out := []training.Progress{}
	err := s.read(ctx, func() {
		for _, p := range s.progress {
			if p.DealerID == d && p.Year == year && (e == "" || p.Employee == e) {
				out = append(out, s.copyProgress(p))
			}
		}
	})
	slices.SortFunc(out, func(a, b training.Progress) int { return cmp.Compare(a.Key(), b.Key()) })
	return out, err
}

func (s *mapped) Career(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
	var c training.Career
	var ok bool
	if err := s.read(ctx, func() { c, ok = s.careers[s.k(d, string(e))] }); err != nil {
		return c, err
	}
	if !ok {
		return c, notFound("career of " + string(e))
	}
	return s.copyCareer(c), nil
}

func (s *mapped) Careers(ctx context.Context, d org.DealerID) ([]training.Career, error) {
	out := []training.Career{}
	err := s.read(ctx, func() {
		for _, c := range s.careers {
			if c.DealerID == d {
				out = append(out, s.copyCareer(c))
			}
		}
	})
	slices.SortFunc(out, func(a, b training.Career) int { return cmp.Compare(a.Employee, b.Employee) })
	return out, err
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

func (s *mapped) Commit(ctx context.Context, d org.DealerID, c training.Change) error {
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

func otherDealer(d org.DealerID, c training.Change) error {
	var ids []org.DealerID
	for _, x := range c.Plans {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Sessions {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Progress {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Careers {
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
// named twice is ErrConflict.
func (s *mapped) check(d org.DealerID, c training.Change) error {
	seen := map[string]bool{}
	var errs []error
	one := func(kind, id string, v int64, stored int64, ok bool) {
		var err error
		if seen[kind+"/"+id] {
			err = fmt.Errorf("mapstore: %s %s named twice: %w", kind, id, org.ErrConflict)
		} else {
			err = s.versionErr(kind, id, v, ok, stored)
		}
		errs = append(errs, err)
		seen[kind+"/"+id] = true
	}
	for _, x := range c.Plans {
		cur, ok := s.plans[s.k(d, strconv.Itoa(x.Year))]
		one("plan", strconv.Itoa(x.Year), x.Version, cur.Version, ok)
	}
	for _, x := range c.Sessions {
		cur, ok := s.sessions[s.k(d, x.ID)]
		one("session", x.ID, x.Version, cur.Version, ok)
	}
	for _, x := range c.Progress {
		cur, ok := s.progress[s.k(d, x.Key())]
		one("progress", x.Key(), x.Version, cur.Version, ok)
	}
	for _, x := range c.Careers {
		cur, ok := s.careers[s.k(d, string(x.Employee))]
		one("career", string(x.Employee), x.Version, cur.Version, ok)
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

// instant is how the store keeps t, as its flaw says.
func (s *mapped) instant(t time.Time) time.Time {
	switch {
	case t.IsZero():
		return time.Time{}
	case s.flaw == keepsZone:
		return t.Truncate(time.Microsecond)
	case s.flaw == keepsNanoseconds:
		return t.UTC()
	case s.flaw == roundsToMicro:
		return t.UTC().Round(time.Microsecond)
	}
	return t.UTC().Truncate(time.Microsecond)
}

// stored returns what the store keeps of x: a deep copy with its instants
// kept as the flaw says.
func stored[T any](s *mapped, x T, clone func(T) T) T {
	x = clone(x)
	kitcheck.Walk(reflect.ValueOf(&x).Elem(), kitcheck.OnInstants(s.instant))
	return x
}

// write applies c; the caller holds s.mu.
func (s *mapped) write(d org.DealerID, c training.Change) {
	for _, x := range c.Plans {
		s.plans[s.k(d, strconv.Itoa(x.Year))] = stored(s, x, training.Plan.Clone)
	}
	for _, x := range c.Sessions {
		s.sessions[s.k(d, x.ID)] = stored(s, x, training.Session.Clone)
	}
	for _, x := range c.Progress {
		s.progress[s.k(d, x.Key())] = stored(s, x, training.Progress.Clone)
	}
	for _, x := range c.Careers {
		s.careers[s.k(d, string(x.Employee))] = stored(s, x, training.Career.Clone)
	}
	last := int64(len(s.events[d]))
	for i, ev := range c.Events {
		ev.Seq = last + int64(i) + 1
		ev.Data = slices.Clone(ev.Data)
		s.events[d] = append(s.events[d], ev)
	}
}
