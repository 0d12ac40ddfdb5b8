package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/servicelane/servicelane/org"
)

// Store implements every storage interface of servicelane on a *sql.DB.
// It is safe for concurrent use.
type Store struct {
	db         *sql.DB
	dialect    Dialect
	migrations []migration
}

var _ org.Store = (*Store)(nil)

//go:embed migrations
var migrationFiles embed.FS

// New returns a Store on db, which the host opened with a driver for d and
// keeps owning (Store never closes it). Call [Store.Migrate] before first
// use.
func New(db *sql.DB, d Dialect) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: new: db is nil")
	}
	if !d.valid() {
		return nil, fmt.Errorf("sqlstore: new: unknown dialect %v", d)
	}
	dir, err := fs.Sub(migrationFiles, "migrations/"+d.String())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: new: %w", err)
	}
	ms, err := loadMigrations(dir)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, dialect: d, migrations: ms}, nil
}

// Dialect returns the dialect the Store was built with.
func (s *Store) Dialect() Dialect { return s.dialect }

// SQLiteDSN returns the data source name that opens the SQLite database file
// at path with modernc.org/sqlite (driver name "sqlite") the way Store needs
// it:
//
//   - busy_timeout(10000): a connection that finds the database locked
//     waits up to 10 s for it instead of failing with SQLITE_BUSY;
//     [Store.Migrate] refuses a connection without a busy timeout;
//   - foreign_keys(1): enforce the foreign keys later migrations declare;
//   - _txlock=immediate: a transaction the host begins on the same *sql.DB
//     takes the write lock when it begins, as the Store's own always do.
//
// It does not set the journal mode: [Store.Migrate] puts the file in WAL
// mode once, and the file keeps it for every connection after. A DSN that
// switched every new connection to WAL would make connections opened at
// the same moment on a new file (several processes starting together)
// fail with SQLITE_BUSY, because SQLite does not wait for that switch.
//
// path is a plain file name and must not contain '?'.
func SQLiteDSN(path string) string {
	return path + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)"
}

// q adapts a query written with ? placeholders to the dialect.
func (s *Store) q(query string) string { return s.dialect.rebind(query) }

// execer is what a transaction runs statements on: a *sql.Tx on
// PostgreSQL, the *sql.Conn of an IMMEDIATE transaction on SQLite.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. Its error is classified (see [classify]): whatever the
// driver says, it matches a sentinel or is ctx's error.
func (s *Store) inTx(ctx context.Context, fn func(tx execer) error) error {
	if s.dialect == SQLite {
		return classify(ctx, s.inImmediateTx(ctx, fn))
	}
	return classify(ctx, s.inPostgresTx(ctx, fn))
}

// inPostgresTx runs fn in a transaction of database/sql.
func (s *Store) inPostgresTx(ctx context.Context, fn func(tx execer) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error from fn is the one worth reporting
		return err
	}
	return tx.Commit()
}

// inImmediateTx runs fn in a BEGIN IMMEDIATE transaction on a connection of
// its own. A deferred SQLite transaction that reads before it writes must
// upgrade its read lock, and SQLite refuses that at once with SQLITE_BUSY
// when another connection writes, without waiting the busy timeout. An
// IMMEDIATE one takes the write lock as it begins and waits for it there,
// so concurrent writers queue whatever the DSN's _txlock says and whatever
// fn runs first.
func (s *Store) inImmediateTx(ctx context.Context, fn func(tx execer) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return err
	}
	err = fn(conn)
	if err == nil {
		// A done context fails the COMMIT before it runs, as
		// [sql.Tx.Commit] does, and the transaction is rolled back.
		if _, err = conn.ExecContext(ctx, `COMMIT`); err == nil {
			return nil
		}
	}
	// The rollback runs even when ctx is done: the connection goes back to
	// the pool, and must not go back inside a transaction.
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`); rerr != nil && !noTransaction(rerr) {
		// The connection's state is unknown: have the pool drop it.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

// noTransaction reports whether err is SQLite's answer to a ROLLBACK with
// no transaction open, which it gives when a failed COMMIT or statement
// already rolled the transaction back.
func noTransaction(err error) bool {
	return strings.Contains(err.Error(), "no transaction is active")
}
