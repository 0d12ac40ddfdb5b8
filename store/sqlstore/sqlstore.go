package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/servicelane/servicelane/org"
)

// Store implements every storage interface of servicelane on a *sql.DB.
// It is safe for concurrent use.
type Store struct {
	db         *sql.DB
	dialect    Dialect
	migrations []migration
	queries    *queryCache
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
	return &Store{db: db, dialect: d, migrations: ms, queries: &queryCache{}}, nil
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

// q adapts a query written with ? placeholders to the dialect. The
// translation is computed once per query text.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	if v, ok := s.queries.rebound.Load(query); ok {
		return v.(string)
	}
	r := s.dialect.rebind(query)
	if s.queries.n.Add(1) <= maxCachedQueries {
		s.queries.rebound.Store(query, r)
	}
	return r
}

// maxCachedQueries bounds each cache of queryCache. The package's queries
// are a fixed set (the list queries vary only by which filters are set),
// so the bound is never reached in practice; past it, queries are
// translated or prepared per call, as without a cache.
const maxCachedQueries = 4096

// queryCache holds, per Store, what the package computes once per query
// text: its PostgreSQL form and, on SQLite, its prepared statement.
//
// Statements are prepared only on SQLite. database/sql prepares a
// *sql.Stmt again on each pooled connection it first runs on, and keeps it
// there; SQLite otherwise parses and plans every statement text on every
// call. pgx, the PostgreSQL driver, already keeps a cache of prepared
// statements per connection for queries sent with arguments, so preparing
// there too would only add round trips.
type queryCache struct {
	rebound  sync.Map // query text -> its text for the dialect
	n        atomic.Int64
	prepared sync.Map // query text for the dialect -> *sql.Stmt (SQLite)
	nStmts   atomic.Int64
	books    sync.Map // stored document -> *billing.StoredPriceBook decoded from it
	nBooks   atomic.Int64
}

// stmt returns the prepared statement of query (already in the dialect's
// form) on SQLite, or nil when it is not to be prepared: on PostgreSQL, or
// past the cache's bound. A statement that fails to prepare is not
// cached, and its error is returned. It prepares on a connection of the
// pool, so it must not be called inside a transaction (see cached).
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := s.cached(query); st != nil || s.dialect != SQLite || s.queries.nStmts.Load() >= maxCachedQueries {
		return st, nil
	}
	// Prepared with a context that is never cancelled: the statement is
	// shared by later calls, whose contexts differ.
	st, err := s.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	if v, loaded := s.queries.prepared.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return v.(*sql.Stmt), nil
	}
	s.queries.nStmts.Add(1)
	return st, nil
}

// cached returns the prepared statement of query, or nil when it has none
// yet. Unlike stmt it never waits for a connection, so a transaction,
// which holds one (perhaps the pool's only one), can call it.
func (s *Store) cached(query string) *sql.Stmt {
	if v, ok := s.queries.prepared.Load(query); ok {
		return v.(*sql.Stmt)
	}
	return nil
}

// queryRow runs a query written with ? placeholders outside any
// transaction, through its prepared statement where there is one.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	query = s.q(query)
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.QueryRowContext(ctx, args...), nil
	}
	return s.db.QueryRowContext(ctx, query, args...), nil
}

// query runs a query written with ? placeholders outside any transaction,
// through its prepared statement where there is one.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = s.q(query)
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, query, args...)
}

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

// inWriteTx runs fn, whose every statement writes, in a transaction, as
// inTx does, and runs the statements fn sends through the Store's
// prepared statements on SQLite.
//
// On SQLite the transaction is one of database/sql (BEGIN IMMEDIATE with
// the DSN of [SQLiteDSN]; a plain BEGIN with a DSN without _txlock), so
// that the prepared statements, kept per pooled connection, run in it. It
// waits for the write lock as an IMMEDIATE one does whatever the DSN says:
// a deferred transaction whose first statement writes takes the write
// lock at that statement, before it has read anything, and SQLite waits
// the busy timeout for it there, as it does for a statement outside a
// transaction. Only a transaction that has read first cannot wait, which
// is why fn must write first (every Commit path does: it only writes).
func (s *Store) inWriteTx(ctx context.Context, fn func(tx execer) error) error {
	if s.dialect != SQLite {
		return classify(ctx, s.inPostgresTx(ctx, fn))
	}
	p := &preparedTx{s: s}
	err := s.inPostgresTx(ctx, func(tx execer) error {
		p.tx = tx.(*sql.Tx)
		return fn(p)
	})
	// The statements the transaction ran unprepared are prepared for the
	// next ones, now that its connection is back in the pool.
	if ctx.Err() == nil {
		for _, q := range p.unprepared {
			_, _ = s.stmt(ctx, q)
		}
	}
	return classify(ctx, err)
}

// preparedTx is an execer that runs each query through the Store's
// prepared statement of its text, bound to the transaction's connection.
type preparedTx struct {
	s          *Store
	tx         *sql.Tx
	stmts      map[string]*sql.Stmt // the transaction's statements, by query
	unprepared []string             // queries without a prepared statement yet
}

// stmt returns the transaction's statement of query, or nil when the
// Store has not prepared one yet: the query then runs unprepared this
// once, and inWriteTx prepares it after the transaction.
func (p *preparedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := p.stmts[query]; ok {
		return st, nil
	}
	shared := p.s.cached(query)
	if shared == nil {
		if !slices.Contains(p.unprepared, query) {
			p.unprepared = append(p.unprepared, query)
		}
		return nil, nil
	}
	// Tx.StmtContext reuses the statement prepared on the transaction's
	// connection, preparing it there on first use.
	st := p.tx.StmtContext(ctx, shared)
	if p.stmts == nil {
		p.stmts = make(map[string]*sql.Stmt, 4)
	}
	p.stmts[query] = st
	return st, nil
}

func (p *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.tx.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (p *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		// A statement that fails to prepare fails here again, with its error.
		return p.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
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
