package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

var (
	_ servicedesk.Store         = DeskStore{}
	_ servicedesk.SubjectEvents = DeskStore{}
)

// DeskStore is the [servicedesk.Store] view of a Store: the same database,
// and the same audit trail as the Store's org.Store methods, so events
// committed through either are numbered from one per-dealer counter. It is
// a view rather than more methods on Store because both interfaces have a
// Commit, with different Change types.
//
// A DeskStore also offers [servicedesk.SubjectEvents], served by an index.
type DeskStore struct{ *Store }

// ServiceDesk returns the servicedesk.Store view of s.
func (s *Store) ServiceDesk() DeskStore { return DeskStore{s} }

// WorkOrder returns one work order of dealer, or an error matching
// org.ErrNotFound.
func (d DeskStore) WorkOrder(ctx context.Context, dealer org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
	w, err := readDoc[servicedesk.WorkOrder](ctx, d.Store,
		`SELECT doc FROM work_orders WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err != nil {
		return servicedesk.WorkOrder{}, fmt.Errorf("sqlstore: dealer %s: work order %s: %w", dealer, id, err)
	}
	return w, nil
}

// WorkOrders returns the work orders of dealer that q selects, ordered by
// ID in byte order: at most q.Limit of them, or all when q.Limit is 0 or
// less (the Service always sets one).
func (d DeskStore) WorkOrders(ctx context.Context, dealer org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	sel := newSelection("work_orders", dealer)
	sel.greater("id", string(q.After))
	sel.equal("state", string(q.State))
	sel.equal("advisor", string(q.Advisor))
	sel.within(d.Store, "opened_at", q.OpenedFrom, q.OpenedBefore)
	out, err := readDocs[servicedesk.WorkOrder](ctx, d.Store, sel, "id", q.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: work orders: %w", dealer, err)
	}
	return out, nil
}

// CalendarDay returns a technician's day, or an error matching
// org.ErrNotFound when nothing was ever booked on it.
func (d DeskStore) CalendarDay(ctx context.Context, dealer org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
	cd := servicedesk.CalendarDay{DealerID: dealer, Technician: tech, Day: day}
	var slots string
	row, err := d.queryRow(ctx, `SELECT slots, version FROM calendar_days
		WHERE dealer_id = ? AND technician = ? AND day = ?`, dealer, tech, day)
	if err == nil {
		err = row.Scan(&slots, &cd.Version)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = org.ErrNotFound
	}
	if err == nil {
		err = decodeDoc(slots, &cd.Slots)
	}
	if err != nil {
		return servicedesk.CalendarDay{}, fmt.Errorf("sqlstore: dealer %s: calendar of %s on %s: %w", dealer, tech, day, classify(ctx, err))
	}
	return cd, nil
}

// Complaint returns one complaint of dealer, or an error matching
// org.ErrNotFound.
func (d DeskStore) Complaint(ctx context.Context, dealer org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
	c, err := readDoc[servicedesk.Complaint](ctx, d.Store,
		`SELECT doc FROM complaints WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err != nil {
		return servicedesk.Complaint{}, fmt.Errorf("sqlstore: dealer %s: complaint %s: %w", dealer, id, err)
	}
	return c, nil
}

// Complaints returns the complaints of dealer that q selects, ordered by ID
// in byte order: at most q.Limit, or all when q.Limit is 0 or less.
func (d DeskStore) Complaints(ctx context.Context, dealer org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
	sel := newSelection("complaints", dealer)
	sel.greater("id", string(q.After))
	sel.equal("state", string(q.State))
	sel.equal("advisor", string(q.Advisor))
	sel.within(d.Store, "opened_at", q.OpenedFrom, q.OpenedBefore)
	out, err := readDocs[servicedesk.Complaint](ctx, d.Store, sel, "id", q.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: complaints: %w", dealer, err)
	}
	return out, nil
}

// Survey returns the survey answer of a work order, or an error matching
// org.ErrNotFound.
func (d DeskStore) Survey(ctx context.Context, dealer org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
	sv, err := readDoc[servicedesk.Survey](ctx, d.Store,
		`SELECT doc FROM surveys WHERE dealer_id = ? AND work_order = ?`, dealer, wo)
	if err != nil {
		return servicedesk.Survey{}, fmt.Errorf("sqlstore: dealer %s: survey of %s: %w", dealer, wo, err)
	}
	return sv, nil
}

// Surveys returns the answers of dealer that q selects, ordered by work
// order ID in byte order: at most q.Limit, or all when q.Limit is 0 or
// less.
func (d DeskStore) Surveys(ctx context.Context, dealer org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
	sel := newSelection("surveys", dealer)
	sel.greater("work_order", string(q.After))
	sel.equal("advisor", string(q.Advisor))
	sel.within(d.Store, "answered_at", q.AnsweredFrom, q.AnsweredBefore)
	out, err := readDocs[servicedesk.Survey](ctx, d.Store, sel, "work_order", q.Limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: surveys: %w", dealer, err)
	}
	return out, nil
}

// SubjectEvents returns every event of dealer about subject
// ("workorder/wo-7", matched exactly), in Seq order.
func (d DeskStore) SubjectEvents(ctx context.Context, dealer org.DealerID, subject string) ([]org.Event, error) {
	out, err := d.readEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE dealer_id = ? AND subject = ? ORDER BY seq`, dealer, subject)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: events of %s: %w", dealer, subject, err)
	}
	return out, nil
}

// Events, promoted from Store, reads the audit trail org.Store and
// servicedesk.Store share.

// readDoc reads the one document query selects, or org.ErrNotFound. Its
// error is classified (see [classify]).
func readDoc[T any](ctx context.Context, s *Store, query string, args ...any) (T, error) {
	var rec T
	var doc string
	row, err := s.queryRow(ctx, query, args...)
	if err == nil {
		err = row.Scan(&doc)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return rec, org.ErrNotFound
	}
	if err == nil {
		err = decodeDoc(doc, &rec)
	}
	return rec, classify(ctx, err)
}

// readDocs reads the documents sel selects in orderBy order, at most limit
// when it is positive, never nil. Its error is classified (see [classify]).
func readDocs[T any](ctx context.Context, s *Store, sel *selection, orderBy string, limit int) ([]T, error) {
	out, err := readDocsOf[T](ctx, s, sel, orderBy, limit)
	return out, classify(ctx, err)
}

func readDocsOf[T any](ctx context.Context, s *Store, sel *selection, orderBy string, limit int) ([]T, error) {
	out := []T{}
	if sel.none {
		return out, ctx.Err()
	}
	query, args := sel.query(orderBy, limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var rec T
		if err := decodeDoc(doc, &rec); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// selection builds the WHERE clause of a list query, adding a condition
// only for each filter that is set, so the database can use the
// (dealer_id, key) index for the common unfiltered page.
type selection struct {
	table string
	where strings.Builder
	args  []any
	none  bool // a bound no stored record can meet
	// ranged is set when a time range is selected: its index is not in
	// key order, so the query sorts (see query).
	ranged bool
}

func newSelection(table string, dealer org.DealerID) *selection {
	sel := &selection{table: table, args: []any{dealer}}
	sel.where.WriteString("dealer_id = ?")
	return sel
}

func (sel *selection) cond(c string, arg any) {
	sel.where.WriteString(" AND ")
	sel.where.WriteString(c)
	sel.args = append(sel.args, arg)
}

// equal selects col = v, when v is set.
func (sel *selection) equal(col, v string) {
	if v != "" {
		sel.cond(col+" = ?", v)
	}
}

// greater selects col > v, when v is set: the page cursor.
func (sel *selection) greater(col, v string) {
	if v != "" {
		sel.cond(col+" > ?", v)
	}
}

// within selects col in [from, before); a zero bound is no bound. Stored
// instants are whole microseconds in the years 1 to 9999, so a bound is
// rounded up to a whole microsecond, which selects exactly the same
// records, and one outside those years is either no bound or matches
// nothing. That keeps every bound inside what the SQLite text layout can
// compare.
func (sel *selection) within(s *Store, col string, from, before time.Time) {
	first, last := time.Time{}, time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	if !from.IsZero() {
		switch f := ceilMicro(from); {
		case f.After(last):
			sel.none = true
		case f.After(first):
			sel.cond(col+" >= ?", s.timeArg(f))
			sel.ranged = true
		}
	}
	if !before.IsZero() {
		switch b := ceilMicro(before); {
		case !b.After(first):
			sel.none = true
		case !b.After(last):
			sel.cond(col+" < ?", s.timeArg(b))
			sel.ranged = true
		}
	}
}

// ceilMicro is t in UTC rounded up to a whole microsecond.
func ceilMicro(t time.Time) time.Time {
	t = t.UTC()
	if r := t.Truncate(time.Microsecond); r.Before(t) {
		return r.Add(time.Microsecond)
	}
	return t
}

// query is the SELECT of the documents sel selects, ordered by orderBy.
//
// A time range is read through its (dealer_id, instant, key) index, which
// is not in key order. Sorting the selected rows would make SQLite copy
// every whole document into its sorter (spilling to a temporary file for
// a month of work orders); so when orderBy is the table's key within the
// dealer, the page's keys are selected and sorted first, from the index
// alone, and the documents read by key in that order:
//
//	SELECT doc FROM t WHERE dealer_id = ? AND key IN (SELECT key FROM t WHERE ... ORDER BY key LIMIT ?) ORDER BY key
//
// SQLite walks the sorted IN list through the primary key, so the outer
// ORDER BY costs nothing; PostgreSQL plans it as a join. Same rows, same
// order: the store contract does not change.
func (sel *selection) query(orderBy string, limit int) (string, []any) {
	where, args := sel.where.String(), sel.args
	if limit > 0 {
		args = append(args, limit)
	}
	page := ` ORDER BY ` + orderBy
	if limit > 0 {
		page += ` LIMIT ?`
	}
	if !sel.ranged || strings.Contains(orderBy, ",") {
		return `SELECT doc FROM ` + sel.table + ` WHERE ` + where + page, args
	}
	return `SELECT doc FROM ` + sel.table + ` WHERE dealer_id = ? AND ` + orderBy + ` IN (SELECT ` + orderBy + ` FROM ` + sel.table +
		` WHERE ` + where + page + `) ORDER BY ` + orderBy, append([]any{args[0]}, args...)
}
