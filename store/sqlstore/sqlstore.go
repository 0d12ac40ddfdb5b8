package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

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
//   - _txlock=immediate: every transaction takes the write lock when it
//     begins, so concurrent Commits wait for each other (up to the busy
//     timeout) instead of failing with SQLITE_BUSY when a read lock cannot
//     be upgraded;
//   - busy_timeout(10000): wait up to 10 s for that lock;
//   - journal_mode(WAL): readers do not block the writer, nor it them;
//   - foreign_keys(1): enforce the foreign keys later migrations declare.
//
// path is a plain file name and must not contain '?'.
func SQLiteDSN(path string) string {
	return path + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)"
}

// q adapts a query written with ? placeholders to the dialect.
func (s *Store) q(query string) string { return s.dialect.rebind(query) }

// inTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
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
