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
	// orders holds each work order as committed, never changed in place (a
	// commit stores a new copy), so a reader may copy it after the lock.
	orders map[servicedesk.WorkOrderID]*servicedesk.WorkOrder
	// byID is orders sorted by ID: a page of WorkOrders is a binary search
	// and a walk from its cursor, not a sort of every order.
	byID       []*servicedesk.WorkOrder
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
			orders:     map[servicedesk.WorkOrderID]*servicedesk.WorkOrder{},
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
	var w *servicedesk.WorkOrder
	if err := s.readDesk(ctx, dealer, func(d *desk) {
		if d != nil {
			w = d.orders[id]
		}
	}); err != nil {
		return servicedesk.WorkOrder{}, err
	}
	if w == nil {
		return servicedesk.WorkOrder{}, fmt.Errorf("memstore: work order %s: %w", id, org.ErrNotFound)
	}
	return cloneOrder(*w), nil
}

// WorkOrders implements servicedesk.Store.
func (s *Store) WorkOrders(ctx context.Context, dealer org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	var page []*servicedesk.WorkOrder
	err := s.readDesk(ctx, dealer, func(d *desk) {
		if d == nil {
			return
		}
		from, _ := slices.BinarySearchFunc(d.byID, q.After, func(w *servicedesk.WorkOrder, id servicedesk.WorkOrderID) int { return cmp.Compare(w.ID, id) })
		if q.Limit > 0 {
			page = make([]*servicedesk.WorkOrder, 0, min(q.Limit, len(d.byID)-from))
		}
		for _, w := range d.byID[from:] {
			if q.Limit > 0 && len(page) == q.Limit {
				break
			}
			if (q.State == "" || w.State == q.State) && (q.Advisor == "" || w.Advisor == q.Advisor) &&
				(q.OpenedFrom.IsZero() || !w.OpenedAt.Before(q.OpenedFrom)) &&
				(q.OpenedBefore.IsZero() || w.OpenedAt.Before(q.OpenedBefore)) && w.ID > q.After {
				page = append(page, w)
			}
		}
	})
	out := make([]servicedesk.WorkOrder, len(page))
	for i, w := range page {
		out[i] = cloneOrder(*w)
	}
	return out, err
}

// putOrder stores a copy of w, in orders and in its place in byID.
func (d *desk) putOrder(w servicedesk.WorkOrder) {
	p := storedCopy(w)
	i, found := slices.BinarySearchFunc(d.byID, w.ID, func(x *servicedesk.WorkOrder, id servicedesk.WorkOrderID) int { return cmp.Compare(x.ID, id) })
	if found {
		d.byID[i] = p
	} else {
		d.byID = slices.Insert(d.byID, i, p)
	}
	d.orders[w.ID] = p
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
	if t := s.tenantLocked(dealer, false); t != nil {
		return t.events.subject(subject), nil
	}
	return []org.Event{}, nil
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
		e := t.events.at(at[i])
		e.Data, e.Reason = slices.Clone(r.Data), r.Reason
	}
	applyLedger(t, c.Billing)
	d = t.deskRecords()
	for _, w := range c.WorkOrders {
		d.putOrder(w)
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

// redactedEvents returns the position in t.events of each redaction's event,
// or ErrInvalid when the dealer has no event with its Seq and subject.
func redactedEvents(t *tenant, dealer org.DealerID, rs []org.Redaction) ([]int, error) {
	at := make([]int, len(rs))
	for i, r := range rs {
		j := -1
		if t != nil {
			if j = t.events.bySeq(r.Seq); j >= 0 && t.events.at(j).Subject != r.Subject {
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
		var cur *servicedesk.WorkOrder
		if d != nil {
			cur = d.orders[w.ID]
		}
		if versionOK(w.Version, cur != nil, func() int64 { return cur.Version }) {
			continue
		}
		if err := checkVersion("work order "+string(w.ID), w.Version, cur != nil, func() int64 { return cur.Version }); err != nil {
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
	if len(c.WorkOrders) < 2 && len(c.Calendar) < 2 && len(c.Complaints) < 2 && len(c.Surveys) < 2 {
		return nil // one record of each kind at most: nothing is named twice
	}
	return errors.Join(
		noRepeats("work order", keysOf(c.WorkOrders, func(w servicedesk.WorkOrder) string { return string(w.ID) })...),
		noRepeats("calendar day", keysOf(c.Calendar, func(d servicedesk.CalendarDay) string { return string(d.Technician) + "/" + d.Day })...),
		noRepeats("complaint", keysOf(c.Complaints, func(x servicedesk.Complaint) string { return string(x.ID) })...),
		noRepeats("survey of", keysOf(c.Surveys, func(x servicedesk.Survey) string { return string(x.WorkOrder) })...))
}
