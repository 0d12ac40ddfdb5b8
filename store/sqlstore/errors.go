package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// This file is the one place where an error of database/sql or of a driver
// becomes an error the Store returns. Every exported method's error
// matches one of org's sentinels, or is the caller's context.Canceled or
// context.DeadlineExceeded; the driver's error stays wrapped inside it, for
// the host's logs, and never decides what a caller sees.

// storeSentinels are the errors a Store returns as they are: they say what
// happened already.
var storeSentinels = []error{
	org.ErrNotFound, org.ErrConflict, org.ErrForbidden, org.ErrInvalid,
	org.ErrInvalidTransition, org.ErrStale, org.ErrUnavailable,
	context.Canceled, context.DeadlineExceeded,
}

// classify returns err matching the sentinel that says what happened,
// with err still reachable by errors.Is, errors.As and in the text:
//
//   - nil, an org sentinel and a context error stay as they are;
//   - sql.ErrNoRows is org.ErrNotFound;
//   - a PostgreSQL unique, foreign key or exclusion violation, a
//     serialization failure or a deadlock, and SQLite's constraint
//     violations but NOT NULL, CHECK and type, are org.ErrConflict: the
//     data changed under the command, which may read again and retry;
//   - a value the database cannot keep (PostgreSQL's data exceptions,
//     class 22: a NUL byte or invalid UTF-8 in a text, a string too long,
//     a number or date out of range; NOT NULL and CHECK violations; a value
//     over a program limit, class 54; SQLite's TOOBIG, MISMATCH, NOT NULL,
//     CHECK and type violations) is org.ErrInvalid;
//   - anything else is org.ErrUnavailable: the database refused the
//     connection, closed it, is closed, is locked or busy past its
//     timeout, is full, failed to read or write its disk. When ctx is done
//     by then, the failure is the caller's cancellation, and is ctx's
//     error instead.
//
// The package imports no driver, so it recognises their errors by the
// methods they have: pgx's *pgconn.PgError has SQLState,
// modernc.org/sqlite's *sqlite.Error has Code, its extended result code.
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	for _, s := range storeSentinels {
		if errors.Is(err, s) {
			return err
		}
	}
	kind := kindOf(err)
	if kind == org.ErrUnavailable {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("%w: %w", cerr, err)
		}
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// kindOf is the sentinel of a driver's or database/sql's error.
func kindOf(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return org.ErrNotFound
	}
	if e, ok := errors.AsType[interface {
		error
		SQLState() string
	}](err); ok {
		return postgresKind(e.SQLState())
	}
	if e, ok := errors.AsType[interface {
		error
		Code() int
	}](err); ok {
		return sqliteKind(e.Code())
	}
	return org.ErrUnavailable
}

// postgresKind is the sentinel of a PostgreSQL SQLSTATE.
func postgresKind(state string) error {
	switch state {
	case "40001", // serialization_failure
		"40P01": // deadlock_detected
		return org.ErrConflict
	case "23502", // not_null_violation
		"23514": // check_violation
		return org.ErrInvalid
	}
	if len(state) != 5 {
		return org.ErrUnavailable
	}
	switch state[:2] {
	case "23": // integrity constraint: unique_violation 23505, foreign_key_violation 23503, ...
		return org.ErrConflict
	case "22", // data exception: 22021 invalid byte sequence, 22P05 untranslatable character, 22001, 22003, 22007, 22008, ...
		"54": // program limit exceeded: an index row over its size limit, ...
		return org.ErrInvalid
	}
	return org.ErrUnavailable
}

// SQLite result codes: the primary code is the extended code's low byte.
const (
	sqliteTooBig         = 18
	sqliteConstraint     = 19
	sqliteMismatch       = 20
	sqliteConstraintChk  = 275  // SQLITE_CONSTRAINT_CHECK
	sqliteConstraintNull = 1299 // SQLITE_CONSTRAINT_NOTNULL
	sqliteConstraintType = 3091 // SQLITE_CONSTRAINT_DATATYPE, of a STRICT table
)

// sqliteKind is the sentinel of a SQLite (extended) result code.
func sqliteKind(code int) error {
	switch code {
	case sqliteConstraintChk, sqliteConstraintNull, sqliteConstraintType:
		return org.ErrInvalid
	}
	switch code & 0xff {
	case sqliteConstraint: // UNIQUE 2067, PRIMARYKEY 1555, FOREIGNKEY 787, ...
		return org.ErrConflict
	case sqliteTooBig, sqliteMismatch:
		return org.ErrInvalid
	}
	// BUSY 5, LOCKED 6, IOERR 10, FULL 13, CANTOPEN 14, READONLY 8, ...
	return org.ErrUnavailable
}
