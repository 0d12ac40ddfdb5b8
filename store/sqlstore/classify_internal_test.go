package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// pgError has what pgx's *pgconn.PgError has, to the package: SQLState.
type pgError struct{ state, msg string }

func (e *pgError) Error() string    { return e.msg + " (SQLSTATE " + e.state + ")" }
func (e *pgError) SQLState() string { return e.state }

// sqliteError has what modernc.org/sqlite's *sqlite.Error has: Code, the
// extended result code.
type sqliteError struct {
	code int
	msg  string
}

func (e *sqliteError) Error() string { return fmt.Sprintf("%s (%d)", e.msg, e.code) }
func (e *sqliteError) Code() int     { return e.code }

// TestClassify_issue15_every_driver_error_is_a_sentinel: the mapping of
// classify, one driver error of each kind, each wrapped as the Store's
// helpers wrap them; the driver's error stays reachable.
func TestClassify_issue15_every_driver_error_is_a_sentinel(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, c := range []struct {
		err  error
		want error
	}{
		{&pgError{"22021", `invalid byte sequence for encoding "UTF8": 0x00`}, org.ErrInvalid},
		{&pgError{"22P05", `unsupported Unicode escape sequence`}, org.ErrInvalid},
		{&pgError{"22001", `value too long for type character varying(3)`}, org.ErrInvalid},
		{&pgError{"22003", `numeric field overflow`}, org.ErrInvalid},
		{&pgError{"22007", `invalid datetime format`}, org.ErrInvalid},
		{&pgError{"22008", `date/time field value out of range`}, org.ErrInvalid},
		{&pgError{"23502", `null value violates not-null constraint`}, org.ErrInvalid},
		{&pgError{"23514", `violates check constraint`}, org.ErrInvalid},
		{&pgError{"54000", `index row size 9000 exceeds btree version 4 maximum 2704`}, org.ErrInvalid},
		{&pgError{"23505", `duplicate key value violates unique constraint`}, org.ErrConflict},
		{&pgError{"23503", `violates foreign key constraint`}, org.ErrConflict},
		{&pgError{"40001", `could not serialize access`}, org.ErrConflict},
		{&pgError{"40P01", `deadlock detected`}, org.ErrConflict},
		{&pgError{"08006", `connection failure`}, org.ErrUnavailable},
		{&pgError{"57P01", `terminating connection due to administrator command`}, org.ErrUnavailable},
		{&pgError{"53100", `could not extend file: No space left on device`}, org.ErrUnavailable},
		{&pgError{"42P01", `relation "work_orders" does not exist`}, org.ErrUnavailable},
		{&pgError{"XX", `odd`}, org.ErrUnavailable},
		{&sqliteError{2067, "UNIQUE constraint failed: series.dealer_id"}, org.ErrConflict},
		{&sqliteError{1555, "UNIQUE constraint failed: work_orders.id"}, org.ErrConflict},
		{&sqliteError{787, "FOREIGN KEY constraint failed"}, org.ErrConflict},
		{&sqliteError{19, "constraint failed"}, org.ErrConflict},
		{&sqliteError{1299, "NOT NULL constraint failed"}, org.ErrInvalid},
		{&sqliteError{275, "CHECK constraint failed"}, org.ErrInvalid},
		{&sqliteError{3091, "cannot store TEXT value in INTEGER column"}, org.ErrInvalid},
		{&sqliteError{18, "string or blob too big"}, org.ErrInvalid},
		{&sqliteError{5, "database is locked"}, org.ErrUnavailable},
		{&sqliteError{517, "database is locked (SQLITE_BUSY_SNAPSHOT)"}, org.ErrUnavailable},
		{&sqliteError{6, "database table is locked"}, org.ErrUnavailable},
		{&sqliteError{13, "database or disk is full"}, org.ErrUnavailable},
		{&sqliteError{10, "disk I/O error"}, org.ErrUnavailable},
		{&sqliteError{3850, "disk I/O error (SQLITE_IOERR_AUTH)"}, org.ErrUnavailable},
		{errors.New("sql: database is closed"), org.ErrUnavailable},
		{sql.ErrConnDone, org.ErrUnavailable},
		{sql.ErrTxDone, org.ErrUnavailable},
		{driver.ErrBadConn, org.ErrUnavailable},
		{errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), org.ErrUnavailable},
		{fs.ErrPermission, org.ErrUnavailable},
		{sql.ErrNoRows, org.ErrNotFound},
	} {
		t.Run(c.err.Error(), func(t *testing.T) {
			t.Parallel()
			wrapped := fmt.Errorf("work order wo-1 version 2: %w", c.err)
			got := classify(ctx, wrapped)
			require.ErrorIs(t, got, c.want)
			for _, other := range []error{org.ErrNotFound, org.ErrConflict, org.ErrInvalid, org.ErrUnavailable} {
				if other != c.want {
					assert.NotErrorIs(t, got, other)
				}
			}
			assert.ErrorIs(t, got, c.err, "the driver's error stays for the logs")
			assert.Contains(t, got.Error(), c.err.Error())
			assert.Same(t, got, classify(ctx, got), "classified once, kept after")
		})
	}
}

// TestClassify_issue15_sentinels_and_context_errors_stay: what says what
// happened already is returned as it is; a failure while ctx is done is
// the caller's cancellation, but a driver's answer about the data is not.
func TestClassify_issue15_sentinels_and_context_errors_stay(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	require.NoError(t, classify(ctx, nil))
	for _, err := range []error{
		org.ErrNotFound, org.ErrConflict, org.ErrForbidden, org.ErrInvalid, org.ErrInvalidTransition,
		org.ErrStale, org.ErrUnavailable, context.Canceled, context.DeadlineExceeded,
		fmt.Errorf("employee e1 version 1: %w", org.ErrConflict),
		fmt.Errorf("%w: %w", org.ErrConflict, &pgError{"23505", "duplicate key"}),
		&org.ValidationError{Op: "sqlstore: commit", Fields: []org.FieldError{{Path: "id", Code: org.CodeRequired}}},
	} {
		assert.True(t, err == classify(ctx, err), "%v is returned as it is", err)
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	interrupted := &sqliteError{9, "interrupted"}
	got := classify(done, interrupted)
	require.ErrorIs(t, got, context.Canceled)
	require.NotErrorIs(t, got, org.ErrUnavailable)
	require.ErrorIs(t, got, interrupted)
	got = classify(done, sql.ErrTxDone)
	require.ErrorIs(t, got, context.Canceled)
	require.ErrorIs(t, classify(done, &pgError{"22021", "invalid byte sequence"}), org.ErrInvalid)
}
