package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

var (
	_ servicedesk.Store         = DeskStore{}
	_ servicedesk.SubjectEvents = DeskStore{}
)

// DeskStore is the servicedesk.Store view of a Store: the same records and
// the same audit trail as the Store's org.Store methods.
type DeskStore struct{ *Store }

// ServiceDesk returns the servicedesk.Store view of s.
func (s *Store) ServiceDesk() DeskStore { return DeskStore{s} }

// desk holds one dealer's servicedesk records.
type desk struct {
	orders     map[servicedesk.WorkOrderID]servicedesk.WorkOrder
	calendar   map[calKey]servicedesk.CalendarDay
	complaints map[servicedesk.ComplaintID]servicedesk.Complaint
	surveys    map[servicedesk.WorkOrderID]servicedesk.Survey
}

type calKey struct {
	tech org.EmployeeID
	day  string
}

func (t *tenant) deskRecords() *desk {
	if t.desk == nil {
		t.desk = &desk{
			orders:     map[servicedesk.WorkOrderID]servicedesk.WorkOrder{},
			calendar:   map[calKey]servicedesk.CalendarDay{},
			complaints: map[servicedesk.ComplaintID]servicedesk.Complaint{},
			surveys:    map[servicedesk.WorkOrderID]servicedesk.Survey{},
		}
	}
	return t.desk
}

// readDesk runs f on dealer's records under the read lock; f gets nil
// when the dealer has none.
func (s *Store) readDesk(ctx context.Context, dealer org.DealerID, f func(d *desk)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var d *desk
	if t := s.tenantLocked(dealer, false); t != nil {
		d = t.desk
	}
	f(d)
	return nil
}

// WorkOrder implements servicedesk.Store.
func (s *Store) WorkOrder(ctx context.Context, dealer org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
	var w servicedesk.WorkOrder
	var ok bool
	if err := s.readDesk(ctx, dealer, func(d *desk) {
		if d != nil {
			w, ok = d.orders[id]
		}
	}); err != nil {
		return w, err
	}
	if !ok {
		return w, fmt.Errorf("memstore: work order %s: %w", id, org.ErrNotFound)
	}
	return w.Clone(), nil
}

// WorkOrders implements servicedesk.Store.
func (s *Store) WorkOrders(ctx context.Context, dealer org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	out := []servicedesk.WorkOrder{}
	err := s.readDesk(ctx, dealer, func(d *desk) {
		if d == nil {
			return
		}
		for _, w := range d.orders {
			if (q.State == "" || w.State == q.State) && (q.Advisor == "" || w.Advisor == q.Advisor) &&
				(q.OpenedFrom.IsZero() || !w.OpenedAt.Before(q.OpenedFrom)) &&
				(q.OpenedBefore.IsZero() || w.OpenedAt.Before(q.OpenedBefore)) && w.ID > q.After {
				out = append(out, w)
			}
		}
	})
	slices.SortFunc(out, func(a, b servicedesk.WorkOrder) int { return cmp.Compare(a.ID, b.ID) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, err
}

// CalendarDay implements servicedesk.Store.
func (s *Store) CalendarDay(ctx context.Context, dealer org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
	var c servicedesk.CalendarDay
	var ok bool
	if err := s.readDesk(ctx, dealer, func(d *desk) {
		if d != nil {
			c, ok = d.calendar[calKey{tech, day}]
		}
	}); err != nil {
		return c, err
	}
	if !ok {
		return c, fmt.Errorf("memstore: calendar of %s on %s: %w", tech, day, org.ErrNotFound)
	}
	return c.Clone(), nil
}

// Complaint implements servicedesk.Store.
func (s *Store) Complaint(ctx context.Context, dealer org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
	var c servicedesk.Complaint
	var ok bool
	if err := s.readDesk(ctx, dealer, func(d *desk) {
		if d != nil {
			c, ok = d.complaints[id]
		}
	}); err != nil {
		return c, err
	}
	if !ok {
		return c, fmt.Errorf("memstore: complaint %s: %w", id, org.ErrNotFound)
	}
	return c, nil
}

// Complaints implements servicedesk.Store.
func (s *Store) Complaints(ctx context.Context, dealer org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
	out := []servicedesk.Complaint{}
	err := s.readDesk(ctx, dealer, func(d *desk) {
		if d == nil {
			return
		}
		for _, c := range d.complaints {
			if (q.State == "" || c.State == q.State) && (q.Advisor == "" || c.Advisor == q.Advisor) &&
				(q.OpenedFrom.IsZero() || !c.OpenedAt.Before(q.OpenedFrom)) &&
				(q.OpenedBefore.IsZero() || c.OpenedAt.Before(q.OpenedBefore)) && c.ID > q.After {
				out = append(out, c)
			}
		}
	})
	slices.SortFunc(out, func(a, b servicedesk.Complaint) int { return cmp.Compare(a.ID, b.ID) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, err
}

// Survey implements servicedesk.Store.
func (s *Store) Survey(ctx context.Context, dealer org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
	var sv servicedesk.Survey
	var ok bool
	if err := s.readDesk(ctx, dealer, func(d *desk) {
		if d != nil {
			sv, ok = d.surveys[wo]
		}
	}); err != nil {
		return sv, err
	}
	if !ok {
		return sv, fmt.Errorf("memstore: survey of %s: %w", wo, org.ErrNotFound)
	}
	return sv, nil
}

// Surveys implements servicedesk.Store.
func (s *Store) Surveys(ctx context.Context, dealer org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
	out := []servicedesk.Survey{}
	err := s.readDesk(ctx, dealer, func(d *desk) {
		if d == nil {
			return
		}
		for _, sv := range d.surveys {
			if (q.Advisor == "" || sv.Advisor == q.Advisor) &&
				(q.AnsweredFrom.IsZero() || !sv.AnsweredAt.Before(q.AnsweredFrom)) &&
				(q.AnsweredBefore.IsZero() || sv.AnsweredAt.Before(q.AnsweredBefore)) && sv.WorkOrder > q.After {
				out = append(out, sv)
			}
		}
	})
	slices.SortFunc(out, func(a, b servicedesk.Survey) int { return cmp.Compare(a.WorkOrder, b.WorkOrder) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, err
}

// SubjectEvents implements servicedesk.SubjectEvents.
func (s *Store) SubjectEvents(ctx context.Context, dealer org.DealerID, subject string) ([]org.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []org.Event{}
	if t := s.tenantLocked(dealer, false); t != nil {
		for _, e := range t.events {
			if e.Subject == subject {
				e.Data = slices.Clone(e.Data)
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// Commit implements servicedesk.Store.
func (v DeskStore) Commit(ctx context.Context, dealer org.DealerID, c servicedesk.Change) error {
	return v.commitDesk(ctx, dealer, c)
}

func (s *Store) commitDesk(ctx context.Context, dealer org.DealerID, c servicedesk.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkDeskTenant(dealer, c); err != nil {
		return err
	}
	if err := checkLedgerTenant(dealer, c.Billing); err != nil {
		return err
	}
	if err := deskRepeats(c); err != nil {
		return err
	}
	if err := ledgerRepeats(c.Billing); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var d *desk
	cur := s.tenantLocked(dealer, false)
	if cur != nil {
		d = cur.desk
	}
	if err := checkDeskVersions(d, c); err != nil {
		return err
	}
	if err := checkLedgerVersions(cur, c.Billing); err != nil {
		return err
	}
	at, err := redactedEvents(cur, dealer, c.Redactions)
	if err != nil {
		return err
	}
	t := s.tenantLocked(dealer, true)
	for i, r := range c.Redactions {
		t.events[at[i]].Data, t.events[at[i]].Reason = slices.Clone(r.Data), r.Reason
	}
	applyLedger(t, c.Billing)
	d = t.deskRecords()
	for _, w := range c.WorkOrders {
		d.orders[w.ID] = w.Clone()
	}
	for _, cd := range c.Calendar {
		d.calendar[calKey{cd.Technician, cd.Day}] = cd.Clone()
	}
	for _, cp := range c.Complaints {
		d.complaints[cp.ID] = cp
	}
	for _, sv := range c.Surveys {
		d.surveys[sv.WorkOrder] = sv
	}
	t.appendEvents(c.Events)
	t.appendEvents(c.Billing.Events)
	return nil
}

// redactedEvents returns the index in t.events of each redaction's event,
// or ErrInvalid when the dealer has no event with its Seq and subject.
func redactedEvents(t *tenant, dealer org.DealerID, rs []org.Redaction) ([]int, error) {
	at := make([]int, len(rs))
	for i, r := range rs {
		j := -1
		if t != nil {
			j, _ = slices.BinarySearchFunc(t.events, r.Seq, func(e org.Event, seq int64) int { return cmp.Compare(e.Seq, seq) })
			if j >= len(t.events) || t.events[j].Seq != r.Seq || t.events[j].Subject != r.Subject {
				j = -1
			}
		}
		if j < 0 {
			return nil, fmt.Errorf("memstore: commit for dealer %s: redaction of event %d of %q, which the dealer does not have: %w", dealer, r.Seq, r.Subject, org.ErrInvalid)
		}
		at[i] = j
	}
	return at, nil
}

func checkDeskTenant(dealer org.DealerID, c servicedesk.Change) error {
	bad := func(what string, got org.DealerID) error {
		return fmt.Errorf("memstore: commit for dealer %s holds %s of dealer %s: %w", dealer, what, got, org.ErrInvalid)
	}
	for _, w := range c.WorkOrders {
		if w.DealerID != dealer {
			return bad("work order "+string(w.ID), w.DealerID)
		}
	}
	for _, cd := range c.Calendar {
		if cd.DealerID != dealer {
			return bad("calendar day "+cd.Day, cd.DealerID)
		}
	}
	for _, cp := range c.Complaints {
		if cp.DealerID != dealer {
			return bad("complaint "+string(cp.ID), cp.DealerID)
		}
	}
	for _, sv := range c.Surveys {
		if sv.DealerID != dealer {
			return bad("survey of "+string(sv.WorkOrder), sv.DealerID)
		}
	}
	for _, ev := range c.Events {
		if ev.DealerID != dealer {
			return bad("event "+ev.ID, ev.DealerID)
		}
	}
	return nil
}

func checkDeskVersions(d *desk, c servicedesk.Change) error {
	for _, w := range c.WorkOrders {
		cur, ok := lookup(d, func(d *desk) (servicedesk.WorkOrder, bool) { w, ok := d.orders[w.ID]; return w, ok })
		if err := checkVersion("work order "+string(w.ID), w.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, cd := range c.Calendar {
		cur, ok := lookup(d, func(d *desk) (servicedesk.CalendarDay, bool) {
			c, ok := d.calendar[calKey{cd.Technician, cd.Day}]
			return c, ok
		})
		if err := checkVersion("calendar of "+string(cd.Technician)+" on "+cd.Day, cd.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, cp := range c.Complaints {
		cur, ok := lookup(d, func(d *desk) (servicedesk.Complaint, bool) { c, ok := d.complaints[cp.ID]; return c, ok })
		if err := checkVersion("complaint "+string(cp.ID), cp.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, sv := range c.Surveys {
		cur, ok := lookup(d, func(d *desk) (servicedesk.Survey, bool) { s, ok := d.surveys[sv.WorkOrder]; return s, ok })
		if err := checkVersion("survey of "+string(sv.WorkOrder), sv.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	return nil
}

func lookup[T any](d *desk, f func(*desk) (T, bool)) (T, bool) {
	if d == nil {
		var zero T
		return zero, false
	}
	return f(d)
}

func deskRepeats(c servicedesk.Change) error {
	return errors.Join(
		noRepeats("work order", keysOf(c.WorkOrders, func(w servicedesk.WorkOrder) string { return string(w.ID) })...),
		noRepeats("calendar day", keysOf(c.Calendar, func(d servicedesk.CalendarDay) string { return string(d.Technician) + "/" + d.Day })...),
		noRepeats("complaint", keysOf(c.Complaints, func(x servicedesk.Complaint) string { return string(x.ID) })...),
		noRepeats("survey of", keysOf(c.Surveys, func(x servicedesk.Survey) string { return string(x.WorkOrder) })...))
}
