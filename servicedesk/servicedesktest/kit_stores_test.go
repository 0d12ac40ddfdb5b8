package servicedesktest_test

// The stores kit_test.go feeds the kit: over, memstore with some methods
// replaced, and mapped, a small map store with one flaw.

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one.
type over struct {
	memstore.DeskStore

	workOrder     func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error)
	workOrders    func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error)
	calendarDay   func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error)
	complaint     func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error)
	complaints    func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error)
	survey        func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error)
	surveys       func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error)
	events        func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	subjectEvents func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error)
	commit        func(ctx context.Context, d org.DealerID, c servicedesk.Change) error

	mu      sync.Mutex
	dealers map[org.DealerID]bool // every dealer Commit was called for
}

var (
	_ servicedesk.Store         = (*over)(nil)
	_ servicedesk.SubjectEvents = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() servicedesk.Store {
	return func() servicedesk.Store {
		o := &over{DeskStore: memstore.New().ServiceDesk(), dealers: map[org.DealerID]bool{}}
		o.fill()
		fn(o)
		return o
	}
}

// fill sets every method to memstore's, so bends can wrap one another.
func (o *over) fill() {
	b := o.DeskStore
	o.workOrder, o.workOrders, o.calendarDay = b.WorkOrder, b.WorkOrders, b.CalendarDay
	o.complaint, o.complaints, o.survey, o.surveys = b.Complaint, b.Complaints, b.Survey, b.Surveys
	o.events, o.subjectEvents, o.commit = b.Events, b.SubjectEvents, b.Commit
}

func (o *over) roster() org.Store { return o.DeskStore.Store }

func (o *over) billing() billing.Store { return o.DeskStore.Billing() }

func (o *over) WorkOrder(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
	return o.workOrder(ctx, d, id)
}

func (o *over) WorkOrders(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	return o.workOrders(ctx, d, q)
}

func (o *over) CalendarDay(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
	return o.calendarDay(ctx, d, tech, day)
}

func (o *over) Complaint(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
	return o.complaint(ctx, d, id)
}

func (o *over) Complaints(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
	return o.complaints(ctx, d, q)
}

func (o *over) Survey(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
	return o.survey(ctx, d, wo)
}

func (o *over) Surveys(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
	return o.surveys(ctx, d, q)
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.events(ctx, d, after, limit)
}

func (o *over) SubjectEvents(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
	return o.subjectEvents(ctx, d, subject)
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
	o.mu.Lock()
	o.dealers[d] = true
	o.mu.Unlock()
	return o.commit(ctx, d, c)
}

func (o *over) knownDealers() []org.DealerID {
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := make([]org.DealerID, 0, len(o.dealers))
	for id := range o.dealers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// mapErrors passes every method's error through fn.
func (o *over) mapErrors(fn func(error) error) {
	wo, wos, cd, cp, cps, sv, svs, evs, sevs, commit := o.workOrder, o.workOrders, o.calendarDay, o.complaint, o.complaints, o.survey, o.surveys, o.events, o.subjectEvents, o.commit
	o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
		w, err := wo(ctx, d, id)
		return w, fn(err)
	}
	o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
		ws, err := wos(ctx, d, q)
		return ws, fn(err)
	}
	o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
		c, err := cd(ctx, d, tech, day)
		return c, fn(err)
	}
	o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
		c, err := cp(ctx, d, id)
		return c, fn(err)
	}
	o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
		c, err := cps(ctx, d, q)
		return c, fn(err)
	}
	o.survey = func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
		s, err := sv(ctx, d, wo)
		return s, fn(err)
	}
	o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
		s, err := svs(ctx, d, q)
		return s, fn(err)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		e, err := evs(ctx, d, after, limit)
		return e, fn(err)
	}
	o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
		e, err := sevs(ctx, d, subject)
		return e, fn(err)
	}
	o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error { return fn(commit(ctx, d, c)) }
}

// mapContexts passes the reads' contexts through fn.
func (o *over) mapContexts(fn func(context.Context) context.Context) {
	wo, wos, cd, cp, cps, sv, svs, evs, sevs := o.workOrder, o.workOrders, o.calendarDay, o.complaint, o.complaints, o.survey, o.surveys, o.events, o.subjectEvents
	o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
		return wo(fn(ctx), d, id)
	}
	o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
		return wos(fn(ctx), d, q)
	}
	o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
		return cd(fn(ctx), d, tech, day)
	}
	o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
		return cp(fn(ctx), d, id)
	}
	o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
		return cps(fn(ctx), d, q)
	}
	o.survey = func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
		return sv(fn(ctx), d, wo)
	}
	o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
		return svs(fn(ctx), d, q)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return evs(fn(ctx), d, after, limit)
	}
	o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
		return sevs(fn(ctx), d, subject)
	}
}

// mapReads walks every record a read returns with visit (see kitcheck.Walk).
func (o *over) mapReads(visit func(reflect.Value) bool) {
	wo, wos, cd, cp, cps, sv, svs, evs, sevs := o.workOrder, o.workOrders, o.calendarDay, o.complaint, o.complaints, o.survey, o.surveys, o.events, o.subjectEvents
	o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
		return kitcheck.Walked(wo(ctx, d, id))(visit)
	}
	o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
		return kitcheck.Walked(wos(ctx, d, q))(visit)
	}
	o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
		return kitcheck.Walked(cd(ctx, d, tech, day))(visit)
	}
	o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
		return kitcheck.Walked(cp(ctx, d, id))(visit)
	}
	o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
		return kitcheck.Walked(cps(ctx, d, q))(visit)
	}
	o.survey = func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
		return kitcheck.Walked(sv(ctx, d, wo))(visit)
	}
	o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
		return kitcheck.Walked(svs(ctx, d, q))(visit)
	}
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return kitcheck.Walked(evs(ctx, d, after, limit))(visit)
	}
	o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
		return kitcheck.Walked(sevs(ctx, d, subject))(visit)
	}
}

// onValues returns a deep copy of c with every amount passed through dec
// and every instant through tm (when set).
func onValues(c servicedesk.Change, dec func(decimal.Decimal) decimal.Decimal, tm func(time.Time) time.Time) servicedesk.Change {
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
func cloneChange(c servicedesk.Change) servicedesk.Change {
	c.WorkOrders = slices.Clone(c.WorkOrders)
	for i := range c.WorkOrders {
		c.WorkOrders[i] = c.WorkOrders[i].Clone()
	}
	c.Calendar = slices.Clone(c.Calendar)
	for i := range c.Calendar {
		c.Calendar[i] = c.Calendar[i].Clone()
	}
	c.Complaints = slices.Clone(c.Complaints)
	c.Surveys = slices.Clone(c.Surveys)
	c.Events = slices.Clone(c.Events)
	for i := range c.Events {
		c.Events[i].Data = slices.Clone(c.Events[i].Data)
	}
	return c
}

// bendCommit returns an opener of memstore whose Commit writes fn(c).
func bendCommit(fn func(servicedesk.Change) servicedesk.Change) func() servicedesk.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
			return o.DeskStore.Commit(ctx, d, fn(c))
		}
	})
}

func bendWorkOrders(fn func(q *servicedesk.WorkOrderQuery)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
			fn(&q)
			return o.DeskStore.WorkOrders(ctx, d, q)
		}
	})
}

func bendComplaints(fn func(q *servicedesk.ComplaintQuery)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
			fn(&q)
			return o.DeskStore.Complaints(ctx, d, q)
		}
	})
}

func bendSurveys(fn func(q *servicedesk.SurveyQuery)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
			fn(&q)
			return o.DeskStore.Surveys(ctx, d, q)
		}
	})
}

func bendSubject(fn func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
			return fn(o, ctx, d, subject)
		}
	})
}

// bendCalendarKey files every calendar day under key(tech, day): a store
// whose primary key misses a column.
func bendCalendarKey(key func(org.EmployeeID, string) (org.EmployeeID, string)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
			c = cloneChange(c)
			for i := range c.Calendar {
				c.Calendar[i].Technician, c.Calendar[i].Day = key(c.Calendar[i].Technician, c.Calendar[i].Day)
			}
			return o.DeskStore.Commit(ctx, d, c)
		}
		o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
			kt, kd := key(tech, day)
			cd, err := o.DeskStore.CalendarDay(ctx, d, kt, kd)
			if err == nil {
				cd.Technician, cd.Day = tech, day
			}
			return cd, err
		}
	})
}

// filterTrail returns the dealer's events whose subject matches.
func filterTrail(ctx context.Context, o *over, d org.DealerID, match func(string) bool) ([]org.Event, error) {
	evs, err := o.DeskStore.Events(ctx, d, 0, org.MaxPage)
	return slices.DeleteFunc(evs, func(ev org.Event) bool { return !match(ev.Subject) }), err
}

// likeUnderscore is SQL's LIKE with _ as its only wildcard.
func likeUnderscore(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	if len(p) != len(r) {
		return false
	}
	for i := range p {
		if p[i] != '_' && p[i] != r[i] {
			return false
		}
	}
	return true
}

// everyDealer lists from every dealer, in key order, at most limit.
func everyDealer[T any](o *over, limit int, key func(T) string, read func(org.DealerID) ([]T, error)) ([]T, error) {
	all := []T{}
	for _, d := range o.knownDealers() {
		list, err := read(d)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	slices.SortStableFunc(all, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return all[:min(len(all), limit)], nil
}

func commitParts(ctx context.Context, s servicedesk.Store, d org.DealerID, parts []servicedesk.Change) error {
	if err := ctx.Err(); err != nil {
		return err // as a store starting its transaction does, even for no part
	}
	for _, p := range parts {
		if err := s.Commit(ctx, d, p); err != nil {
			return err
		}
	}
	return nil
}

// mergeBy is old's elements whose key is not in latest, after latest's.
func mergeBy[T any](old, latest []T, key func(T) string) []T {
	out := slices.Clone(latest)
	for _, x := range old {
		if !slices.ContainsFunc(latest, func(y T) bool { return key(y) == key(x) }) {
			out = append(out, x)
		}
	}
	return out
}

// flaw is the one rule a mapped store breaks, for the breakages memstore
// cannot be bent into: it checks versions and copies inside one lock.
type flaw int

const (
	noFlaw                    flaw = iota
	lastWriterWins                 // no version rule beyond Version >= 1
	createOverwrites               // Version 1 replaces an existing record
	staleWins                      // Version n > 1 replaces any stored version
	writesThenConflicts            // a refused change is written anyway
	checkThenWrite                 // versions checked, lock dropped, then written
	racySeq                        // last Seq read, lock dropped, then events numbered
	interleavedSeq                 // the lock is dropped between a commit's events
	subjectEventsReturnStored      // SubjectEvents returns the stored Data
	redactionsIgnored              // Change.Redactions are accepted and dropped
	redactionBySeqOnly             // a redaction's subject is not compared
	redactionAnyDealer             // a redaction rewrites every dealer's event with its Seq
	redactionUnchecked             // a redaction of a missing event is skipped, not refused
	redactionWholeEvent            // a redaction replaces the event, its type and actor blanked
)

// mapStore returns an opener of a small map store with flaw f.
func mapStore(f flaw) func() servicedesk.Store { return openMapped(f, "", 0) }

// slowMapStore is mapStore answering every read a millisecond after taking
// it, as a store across a network does.
func slowMapStore(f flaw) func() servicedesk.Store { return openMapped(f, "", time.Millisecond) }

// mapStoreOnly bends the version rule of one kind only ("workorder",
// "calendar", "complaint", "survey").
func mapStoreOnly(f flaw, kind string) func() servicedesk.Store { return openMapped(f, kind, 0) }

func openMapped(f flaw, only string, latency time.Duration) func() servicedesk.Store {
	return func() servicedesk.Store {
		return &mapped{
			flaw: f, only: only, latency: latency,
			orders:     map[key]servicedesk.WorkOrder{},
			days:       map[dayKey]servicedesk.CalendarDay{},
			complaints: map[key]servicedesk.Complaint{},
			surveys:    map[key]servicedesk.Survey{},
			events:     map[org.DealerID][]org.Event{},
			seq:        map[org.DealerID]int64{},
		}
	}
}

type key struct {
	dealer org.DealerID
	id     string
}

type dayKey struct {
	dealer org.DealerID
	tech   org.EmployeeID
	day    string
}

type mapped struct {
	flaw    flaw
	only    string        // the kind the version flaws bend; "" for all
	latency time.Duration // slept after each read, outside the lock

	mu         sync.Mutex
	orders     map[key]servicedesk.WorkOrder
	days       map[dayKey]servicedesk.CalendarDay
	complaints map[key]servicedesk.Complaint
	surveys    map[key]servicedesk.Survey
	events     map[org.DealerID][]org.Event
	seq        map[org.DealerID]int64
}

var (
	_ servicedesk.Store         = (*mapped)(nil)
	_ servicedesk.SubjectEvents = (*mapped)(nil)
)

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

func (s *mapped) WorkOrder(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
	var w servicedesk.WorkOrder
	var ok bool
	if err := s.read(ctx, func() { w, ok = s.orders[key{d, string(id)}] }); err != nil {
		return w, err
	}
	if !ok {
		return w, notFound("work order " + string(id))
	}
	return w.Clone(), nil
}

func (s *mapped) WorkOrders(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	out := []servicedesk.WorkOrder{}
	err := s.read(ctx, func() {
		for k, w := range s.orders {
			if k.dealer == d && (q.State == "" || w.State == q.State) && (q.Advisor == "" || w.Advisor == q.Advisor) &&
				within(w.OpenedAt, q.OpenedFrom, q.OpenedBefore) && w.ID > q.After {
				out = append(out, w.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b servicedesk.WorkOrder) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), q.Limit)], err
}

func within(t, from, before time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (before.IsZero() || t.Before(before))
}

func (s *mapped) CalendarDay(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
	var cd servicedesk.CalendarDay
	var ok bool
	if err := s.read(ctx, func() { cd, ok = s.days[dayKey{d, tech, day}] }); err != nil {
		return cd, err
	}
	if !ok {
		return cd, notFound("calendar of " + string(tech) + " on " + day)
	}
	return cd.Clone(), nil
}

func (s *mapped) Complaint(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
	var c servicedesk.Complaint
	var ok bool
	if err := s.read(ctx, func() { c, ok = s.complaints[key{d, string(id)}] }); err != nil {
		return c, err
	}
	if !ok {
		return c, notFound("complaint " + string(id))
	}
	return c, nil
}

func (s *mapped) Complaints(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
	out := []servicedesk.Complaint{}
	err := s.read(ctx, func() {
		for k, c := range s.complaints {
			if k.dealer == d && (q.State == "" || c.State == q.State) && (q.Advisor == "" || c.Advisor == q.Advisor) &&
				within(c.OpenedAt, q.OpenedFrom, q.OpenedBefore) && c.ID > q.After {
				out = append(out, c)
			}
		}
	})
	slices.SortFunc(out, func(a, b servicedesk.Complaint) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), q.Limit)], err
}

func (s *mapped) Survey(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
	var sv servicedesk.Survey
	var ok bool
	if err := s.read(ctx, func() { sv, ok = s.surveys[key{d, string(wo)}] }); err != nil {
		return sv, err
	}
	if !ok {
		return sv, notFound("survey of " + string(wo))
	}
	return sv, nil
}

func (s *mapped) Surveys(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
	out := []servicedesk.Survey{}
	err := s.read(ctx, func() {
		for k, sv := range s.surveys {
			if k.dealer == d && (q.Advisor == "" || sv.Advisor == q.Advisor) &&
				within(sv.AnsweredAt, q.AnsweredFrom, q.AnsweredBefore) && sv.WorkOrder > q.After {
				out = append(out, sv)
			}
		}
	})
	slices.SortFunc(out, func(a, b servicedesk.Survey) int { return cmp.Compare(a.WorkOrder, b.WorkOrder) })
	return out[:min(len(out), q.Limit)], err
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
	slices.SortStableFunc(out, func(a, b org.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	return out[:min(len(out), limit)], err
}

func (s *mapped) SubjectEvents(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
	out := []org.Event{}
	err := s.read(ctx, func() {
		for _, ev := range s.events[d] {
			if ev.Subject == subject {
				if s.flaw != subjectEventsReturnStored {
					ev.Data = slices.Clone(ev.Data)
				}
				out = append(out, ev)
			}
		}
	})
	slices.SortStableFunc(out, func(a, b org.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

func (s *mapped) Commit(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
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
		// SELECT version, then UPDATE without "AND version = ?".
		s.mu.Unlock()
		time.Sleep(time.Millisecond)
		s.mu.Lock()
	}
	s.write(d, c)
	return nil
}

func otherDealer(d org.DealerID, c servicedesk.Change) error {
	var ids []org.DealerID
	for _, w := range c.WorkOrders {
		ids = append(ids, w.DealerID)
	}
	for _, cd := range c.Calendar {
		ids = append(ids, cd.DealerID)
	}
	for _, cp := range c.Complaints {
		ids = append(ids, cp.DealerID)
	}
	for _, sv := range c.Surveys {
		ids = append(ids, sv.DealerID)
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
func (s *mapped) check(d org.DealerID, c servicedesk.Change) error {
	pending := map[string]bool{}
	var errs []error
	one := func(kind, id string, v int64, stored int64, exists bool) {
		if pending[kind+"/"+id] {
			errs = append(errs, fmt.Errorf("mapstore: %s %s named twice: %w", kind, id, org.ErrConflict))
			return
		}
		errs = append(errs, s.versionErr(kind, id, v, exists, stored))
		pending[kind+"/"+id] = true
	}
	for _, w := range c.WorkOrders {
		cur, ok := s.orders[key{d, string(w.ID)}]
		one("workorder", string(w.ID), w.Version, cur.Version, ok)
	}
	for _, cd := range c.Calendar {
		cur, ok := s.days[dayKey{d, cd.Technician, cd.Day}]
		one("calendar", string(cd.Technician)+" on "+cd.Day, cd.Version, cur.Version, ok)
	}
	for _, cp := range c.Complaints {
		cur, ok := s.complaints[key{d, string(cp.ID)}]
		one("complaint", string(cp.ID), cp.Version, cur.Version, ok)
	}
	for _, sv := range c.Surveys {
		cur, ok := s.surveys[key{d, string(sv.WorkOrder)}]
		one("survey", string(sv.WorkOrder), sv.Version, cur.Version, ok)
	}
	for _, r := range c.Redactions {
		if s.flaw == redactionsIgnored || s.flaw == redactionUnchecked {
			continue
		}
		if s.redacted(d, r) == nil {
			errs = append(errs, fmt.Errorf("mapstore: redaction of event %d of %q: no such event: %w", r.Seq, r.Subject, org.ErrInvalid))
		}
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

// redacted returns the event of dealer d that r names, as s.flaw finds
// it, or nil.
func (s *mapped) redacted(d org.DealerID, r org.Redaction) *org.Event {
	evs := s.events[d]
	for i := range evs {
		if evs[i].Seq == r.Seq && (evs[i].Subject == r.Subject || s.flaw == redactionBySeqOnly) {
			return &evs[i]
		}
	}
	return nil
}

// write applies c; the caller holds s.mu, which racySeq and interleavedSeq
// let go of.
func (s *mapped) write(d org.DealerID, c servicedesk.Change) {
	for _, w := range c.WorkOrders {
		s.orders[key{d, string(w.ID)}] = w.Clone()
	}
	for _, cd := range c.Calendar {
		s.days[dayKey{d, cd.Technician, cd.Day}] = cd.Clone()
	}
	for _, cp := range c.Complaints {
		s.complaints[key{d, string(cp.ID)}] = cp
	}
	for _, sv := range c.Surveys {
		s.surveys[key{d, string(sv.WorkOrder)}] = sv
	}
	for _, r := range c.Redactions {
		if s.flaw == redactionsIgnored {
			break
		}
		dealers := []org.DealerID{d}
		if s.flaw == redactionAnyDealer {
			dealers = slices.Collect(maps.Keys(s.events))
		}
		for _, dd := range dealers {
			if e := s.redacted(dd, r); e != nil {
				e.Data, e.Reason = slices.Clone(r.Data), r.Reason
				if s.flaw == redactionWholeEvent {
					e.Type, e.Actor = "", org.Actor{}
				}
			}
		}
	}
	last := s.seq[d]
	if s.flaw == racySeq && len(c.Events) > 0 {
		// SELECT max(seq), then INSERT seq+1 outside the transaction.
		s.mu.Unlock()
		time.Sleep(time.Millisecond)
		s.mu.Lock()
	}
	for i, ev := range c.Events {
		if s.flaw == interleavedSeq && i > 0 {
			// Each INSERT takes the next value of a shared sequence in
			// its own statement, outside one transaction.
			s.mu.Unlock()
			time.Sleep(time.Millisecond)
			s.mu.Lock()
			last = s.seq[d] - int64(i)
		}
		ev.Seq = last + int64(i) + 1
		ev.Data = slices.Clone(ev.Data)
		s.events[d] = append(s.events[d], ev)
		s.seq[d] = max(s.seq[d], ev.Seq)
	}
}
