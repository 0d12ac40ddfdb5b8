package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/servicelane/servicelane/org"
)

// This file writes the records that servicedesk.Store, billing.Store,
// appraisal.Store, training.Store and policy.Store commit: each is one row
// keyed by (dealer_id, key...) and carrying its version, written under the
// version rule, in one order for every commit. Each view declares its
// tables with ranks of their own (servicedesk 0-3, billing 10-14,
// appraisal 20-23, training 30-33, policy 40-44).

// recordTable is where one kind of record goes.
type recordTable struct {
	rank    int // tables are written in rank order
	name    string
	key     []string // the primary key after dealer_id
	columns []string // the rest, in the order recordRow.values has them
}

// tableSQL caches each table's insert and update texts, built once.
var tableSQL sync.Map // *recordTable -> [2]string{insert, update}

func (t *recordTable) statements() [2]string {
	if v, ok := tableSQL.Load(t); ok {
		return v.([2]string)
	}
	v := [2]string{t.buildInsert(), t.buildUpdate()}
	tableSQL.Store(t, v)
	return v
}

// insert creates a row, or nothing when its key exists.
func (t *recordTable) insert() string { return t.statements()[0] }

// update replaces a row at a given version, or nothing.
func (t *recordTable) update() string { return t.statements()[1] }

func (t *recordTable) buildInsert() string {
	cols := append(append([]string{"dealer_id"}, t.key...), t.columns...)
	marks := strings.Repeat("?, ", len(cols)-1) + "?"
	return `INSERT INTO ` + t.name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + marks +
		`) ON CONFLICT (dealer_id, ` + strings.Join(t.key, ", ") + `) DO NOTHING`
}

func (t *recordTable) buildUpdate() string {
	return `UPDATE ` + t.name + ` SET ` + strings.Join(t.columns, " = ?, ") + ` = ?` +
		` WHERE dealer_id = ? AND ` + strings.Join(t.key, " = ? AND ") + ` = ? AND version = ?`
}

// recordRow is one record ready to write.
type recordRow struct {
	table   *recordTable
	key     []string
	values  []any
	version int64
	what    string // "work order wo-7", for errors
}

// sortRows puts rows in the order they are written: by table rank, then
// by key. One order for every commit keeps two PostgreSQL transactions
// from locking the same rows in opposite orders and deadlocking; the event
// counter comes after all of them.
func sortRows(rows []recordRow) {
	slices.SortStableFunc(rows, func(a, b recordRow) int {
		return cmp.Or(cmp.Compare(a.table.rank, b.table.rank), slices.Compare(a.key, b.key))
	})
}

// commitRows writes rows, which must be sorted, and then appends events,
// in one transaction; a Change naming one record twice is ErrConflict. A
// commit with nothing to write still fails on a done context, as every
// call does.
func (s *Store) commitRows(ctx context.Context, dealer org.DealerID, rows []recordRow, events []org.Event) error {
	return s.commitRedacting(ctx, dealer, rows, events, nil)
}

// commitRedacting is commitRows that also applies redactions to stored
// events (servicedesk.Change.Redactions), in the same transaction.
func (s *Store) commitRedacting(ctx context.Context, dealer org.DealerID, rows []recordRow, events []org.Event, redactions []org.Redaction) error {
	// One record twice would write its second version over its first in
	// the same transaction: refuse it as memstore does, before writing.
	for i := 1; i < len(rows); i++ {
		if rows[i].table.name == rows[i-1].table.name && slices.Equal(rows[i].key, rows[i-1].key) {
			return fmt.Errorf("sqlstore: commit for dealer %s: %s is in the change twice: %w", dealer, rows[i].what, org.ErrConflict)
		}
	}
	if len(rows) == 0 && len(events) == 0 && len(redactions) == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sqlstore: commit for dealer %s: %w", dealer, err)
		}
		return nil
	}
	err := s.inWriteTx(ctx, func(tx execer) error {
		for _, r := range rows {
			if err := s.writeRow(ctx, tx, dealer, r); err != nil {
				return err
			}
		}
		if err := s.redactEvents(ctx, tx, dealer, redactions); err != nil {
			return err
		}
		return s.appendEvents(ctx, tx, dealer, events)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: commit for dealer %s: %w", dealer, err)
	}
	return nil
}

// writeRow applies the version rule: Version 1 inserts, Version n updates
// the row at n-1; no row written is ErrConflict. So is a row that another
// unique index refuses (two documents with one number of a series, two
// active price books): the writer raced another and must read again.
func (s *Store) writeRow(ctx context.Context, tx execer, dealer org.DealerID, r recordRow) error {
	key := make([]any, 0, 1+len(r.key))
	key = append(key, dealer)
	for _, k := range r.key {
		key = append(key, k)
	}
	var res sql.Result
	var err error
	if r.version == 1 {
		res, err = tx.ExecContext(ctx, s.q(r.table.insert()), append(key, r.values...)...)
	} else {
		args := append(append(slices.Clip(r.values), key...), r.version-1)
		res, err = tx.ExecContext(ctx, s.q(r.table.update()), args...)
	}
	if uniqueViolation(err) {
		err = fmt.Errorf("%w: %w", org.ErrConflict, err)
	}
	return oneRow(res, err, r.what, r.version)
}

// uniqueViolation reports whether err is a driver's unique-constraint
// error. The package imports no driver, so it looks for the methods the
// two tested drivers' errors have: pgx's SQLState, modernc.org/sqlite's
// result Code.
func uniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if e, ok := errors.AsType[interface {
		error
		SQLState() string
	}](err); ok {
		return e.SQLState() == "23505" // unique_violation
	}
	if e, ok := errors.AsType[interface {
		error
		Code() int
	}](err); ok {
		// SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
		return e.Code() == 2067 || e.Code() == 1555
	}
	return false
}
