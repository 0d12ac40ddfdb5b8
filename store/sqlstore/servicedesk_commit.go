package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// Commit writes c in one transaction: every record and event, or nothing.
// Its events take Seqs from the counter org's Commit uses, so both append
// to one audit trail.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record or event belongs to another dealer, a record has a Version below
// 1, or an instant lies outside the years 1 to 9999. It returns an error
// matching org.ErrConflict when a Version 1 record exists already, or the
// stored Version of a record written with Version n > 1 is not n-1.
func (d DeskStore) Commit(ctx context.Context, dealer org.DealerID, c servicedesk.Change) error {
	rows, err := d.deskRows(dealer, c)
	if err != nil {
		return err
	}
	if len(rows) == 0 && len(c.Events) == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sqlstore: commit for dealer %s: %w", dealer, err)
		}
		return nil
	}
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			if err := d.writeDeskRow(ctx, tx, dealer, r); err != nil {
				return err
			}
		}
		return d.appendEvents(ctx, tx, dealer, c.Events)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: commit for dealer %s: %w", dealer, err)
	}
	return nil
}

// deskTable is where one kind of servicedesk record goes.
type deskTable struct {
	rank    int // tables are written in rank order
	name    string
	key     []string // the primary key after dealer_id
	columns []string // the rest, in the order deskRow.values has them
}

var (
	workOrdersTable = &deskTable{0, "work_orders", []string{"id"}, []string{"state", "advisor", "opened_at", "version", "doc"}}
	calendarTable   = &deskTable{1, "calendar_days", []string{"technician", "day"}, []string{"slots", "version"}}
	complaintsTable = &deskTable{2, "complaints", []string{"id"}, []string{"state", "advisor", "opened_at", "version", "doc"}}
	surveysTable    = &deskTable{3, "surveys", []string{"work_order"}, []string{"advisor", "answered_at", "version", "doc"}}
)

// insert creates a row, or nothing when its key exists.
func (t *deskTable) insert() string {
	cols := append(append([]string{"dealer_id"}, t.key...), t.columns...)
	marks := strings.Repeat("?, ", len(cols)-1) + "?"
	return `INSERT INTO ` + t.name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + marks +
		`) ON CONFLICT (dealer_id, ` + strings.Join(t.key, ", ") + `) DO NOTHING`
}

// update replaces a row at a given version, or nothing.
func (t *deskTable) update() string {
	return `UPDATE ` + t.name + ` SET ` + strings.Join(t.columns, " = ?, ") + ` = ?` +
		` WHERE dealer_id = ? AND ` + strings.Join(t.key, " = ? AND ") + ` = ? AND version = ?`
}

// deskRow is one record ready to write.
type deskRow struct {
	table   *deskTable
	key     []string
	values  []any
	version int64
	what    string // "work order wo-7", for errors
}

// writeDeskRow applies the version rule: Version 1 inserts, Version n
// updates the row at n-1; no row written is ErrConflict.
func (d DeskStore) writeDeskRow(ctx context.Context, tx *sql.Tx, dealer org.DealerID, r deskRow) error {
	key := make([]any, 0, 1+len(r.key))
	key = append(key, dealer)
	for _, k := range r.key {
		key = append(key, k)
	}
	if r.version == 1 {
		res, err := tx.ExecContext(ctx, d.q(r.table.insert()), append(key, r.values...)...)
		return oneRow(res, err, r.what, r.version)
	}
	args := append(append(slices.Clip(r.values), key...), r.version-1)
	res, err := tx.ExecContext(ctx, d.q(r.table.update()), args...)
	return oneRow(res, err, r.what, r.version)
}

// deskRows checks c, before anything is written, for what the store must
// not or cannot write for dealer, and returns its records encoded in the
// order they are written: by table, then by key. One order for every
// commit keeps two PostgreSQL transactions from locking the same rows in
// opposite orders and deadlocking; the event counter comes after all of
// them.
func (d DeskStore) deskRows(dealer org.DealerID, c servicedesk.Change) ([]deskRow, error) {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	rows := make([]deskRow, 0, len(c.WorkOrders)+len(c.Calendar)+len(c.Complaints)+len(c.Surveys))
	for i, w := range c.WorkOrders {
		p := "work_orders[" + strconv.Itoa(i) + "]"
		what := "work order " + string(w.ID)
		checkRecord(ve, p, what, w.DealerID, dealer, w.Version)
		w = w.Clone() // normalised below; the caller's stays as it was
		doc := encodeDoc(ve, p, &w)
		rows = append(rows, deskRow{workOrdersTable, []string{string(w.ID)},
			[]any{string(w.State), string(w.Advisor), d.timeArg(w.OpenedAt), w.Version, doc}, w.Version, what})
	}
	for i, cd := range c.Calendar {
		p := "calendar[" + strconv.Itoa(i) + "]"
		what := "calendar of " + string(cd.Technician) + " on " + cd.Day
		checkRecord(ve, p, what, cd.DealerID, dealer, cd.Version)
		cd = cd.Clone()
		slots := encodeDoc(ve, p+".slots", &cd.Slots)
		rows = append(rows, deskRow{calendarTable, []string{string(cd.Technician), cd.Day},
			[]any{slots, cd.Version}, cd.Version, what})
	}
	for i, cp := range c.Complaints {
		p := "complaints[" + strconv.Itoa(i) + "]"
		what := "complaint " + string(cp.ID)
		checkRecord(ve, p, what, cp.DealerID, dealer, cp.Version)
		doc := encodeDoc(ve, p, &cp)
		rows = append(rows, deskRow{complaintsTable, []string{string(cp.ID)},
			[]any{string(cp.State), string(cp.Advisor), d.timeArg(cp.OpenedAt), cp.Version, doc}, cp.Version, what})
	}
	for i, sv := range c.Surveys {
		p := "surveys[" + strconv.Itoa(i) + "]"
		what := "survey of " + string(sv.WorkOrder)
		checkRecord(ve, p, what, sv.DealerID, dealer, sv.Version)
		doc := encodeDoc(ve, p, &sv)
		rows = append(rows, deskRow{surveysTable, []string{string(sv.WorkOrder)},
			[]any{string(sv.Advisor), d.timeArg(sv.AnsweredAt), sv.Version, doc}, sv.Version, what})
	}
	checkEvents(ve, dealer, c.Events)
	if err := ve.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b deskRow) int {
		return cmp.Or(cmp.Compare(a.table.rank, b.table.rank), slices.Compare(a.key, b.key))
	})
	return rows, nil
}

// checkRecord records in ve a record of another dealer, naming it, and a
// Version below 1.
func checkRecord(ve *org.ValidationError, path, what string, got, dealer org.DealerID, version int64) {
	if got != dealer {
		ve.Add(path+".dealer_id", org.CodeInvalid,
			fmt.Sprintf("%s is of dealer %q, but the commit is for dealer %q", what, got, dealer))
	}
	checkVersion(ve, path+".version", version)
}
