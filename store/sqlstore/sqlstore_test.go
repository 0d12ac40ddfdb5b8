package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// postgresEnv names the variable holding a PostgreSQL DSN; each test gets a
// schema of its own in that database.
const postgresEnv = "SERVICELANE_POSTGRES_DSN"

// backend is one database the tests run against.
type backend struct {
	name    string
	dialect sqlstore.Dialect
	open    func(t *testing.T) *sql.DB
}

var (
	sqliteBackend   = backend{name: "SQLite", dialect: sqlstore.SQLite, open: openSQLite}
	postgresBackend = backend{name: "Postgres", dialect: sqlstore.Postgres, open: openPostgres}
	backends        = []backend{sqliteBackend, postgresBackend}
)

// eachBackend runs fn as a parallel subtest per backend; every subtest has
// a database of its own.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// newStore opens a fresh database and returns a Store on it, migrated when
// migrate is set, and the *sql.DB for looking under the hood.
func (b backend) newStore(t *testing.T, migrate bool) (*sqlstore.Store, *sql.DB) {
	t.Helper()
	db := b.open(t)
	s, err := sqlstore.New(db, b.dialect)
	require.NoError(t, err)
	if migrate {
		require.NoError(t, s.Migrate(t.Context()))
	}
	return s, db
}

// store is newStore, migrated, for tests that only use the org.Store API.
func (b backend) store(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, _ := b.newStore(t, true)
	return s
}

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(t.TempDir(), "servicelane.db")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openPostgres creates a schema of the test's own, t_<random>, and returns
// a *sql.DB whose connections all use it; the schema is dropped at cleanup.
func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skip("sqlstore: " + postgresEnv + " not set; PostgreSQL tests skipped")
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	schema := "t_" + randomHex(t)
	_, err = admin.ExecContext(t.Context(), `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		// t.Context is done by now.
		_, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		if err != nil {
			t.Errorf("sqlstore: drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	db, err := sql.Open("pgx", withSearchPath(dsn, schema))
	require.NoError(t, err)
	// Enough for real concurrency, few enough for many parallel tests.
	db.SetMaxOpenConns(8)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// withSearchPath adds a search_path run-time parameter to a URL or
// key=value DSN; pgx sends it when each connection starts.
func withSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// latestVersion counts the dialect's up migrations, so tests keep passing as
// later packages add theirs.
func latestVersion(t *testing.T, d sqlstore.Dialect) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", d.String(), "*.up.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return len(files)
}

// t0 has microseconds, so a store that drops them is caught.
var t0 = time.Date(2026, 11, 25, 9, 30, 15, 123456000, time.UTC)

func dealer(id org.DealerID) org.Dealer {
	return org.Dealer{ID: id, Name: "Dealer " + string(id), TimeZone: "Asia/Taipei", Currency: "TWD",
		Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

func employee(d org.DealerID, id org.EmployeeID) org.Employee {
	return org.Employee{DealerID: d, ID: id, Name: "Name of " + string(id),
		Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor, Email: string(id) + "@example.com",
		Skills: []string{"EV"}, BonusBase: decimal.RequireFromString("12.50"), Active: true,
		Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

func event(d org.DealerID, id string) org.Event {
	return org.Event{DealerID: d, ID: id, At: t0, Actor: org.Actor{ID: "sup-1", Role: org.RoleSupervisor},
		Type: "employee.added", Subject: "employee/" + id, Data: json.RawMessage(`{"after": {"n":1}}`)}
}

// commit writes records for dealer d and fails the test on error.
func commit(t *testing.T, s org.Store, d org.DealerID, c org.Change) {
	t.Helper()
	require.NoError(t, s.Commit(t.Context(), d, c))
}

func TestNew(t *testing.T) {
	t.Parallel()
	_, err := sqlstore.New(nil, sqlstore.SQLite)
	require.ErrorContains(t, err, "sqlstore: ")
	db := openSQLite(t)
	_, err = sqlstore.New(db, sqlstore.Dialect(0))
	require.ErrorContains(t, err, "unknown dialect")
	require.Equal(t, "sqlite", sqlstore.SQLite.String())
	require.Equal(t, "postgres", sqlstore.Postgres.String())
}

// TestSQLiteDSN checks that the DSN's settings reach every connection, and
// that after Migrate every connection, a new one too, writes ahead to the
// log: the file keeps its WAL mode, which the DSN does not set.
func TestSQLiteDSN(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := sqlstore.SQLiteDSN("/tmp/x.db")
	require.True(t, strings.HasPrefix(dsn, "/tmp/x.db?"), dsn)
	require.Contains(t, dsn, "_txlock=immediate")
	require.NotContains(t, dsn, "journal_mode", "a DSN that switches each connection to WAL races on a new file")

	s, db := sqliteBackend.newStore(t, false)
	pragma := func(conn *sql.Conn, name string) string {
		t.Helper()
		var got string
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA "+name).Scan(&got))
		return strings.ToLower(got)
	}
	before, err := db.Conn(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	after, err := db.Conn(ctx) // a second connection: opened after Migrate
	require.NoError(t, err)
	for _, conn := range []*sql.Conn{before, after} {
		require.Equal(t, "10000", pragma(conn, "busy_timeout"))
		require.Equal(t, "1", pragma(conn, "foreign_keys"))
		require.Equal(t, "wal", pragma(conn, "journal_mode"))
		require.NoError(t, conn.Close())
	}
}

func TestEmptyChange(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		require.NoError(t, s.Commit(t.Context(), "d1", org.Change{}))
		done, cancel := context.WithCancel(t.Context())
		cancel()
		require.ErrorIs(t, s.Commit(done, "d1", org.Change{}), context.Canceled)
	})
}
