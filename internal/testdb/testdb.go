// Package testdb opens migrated sqlstore databases for the module's own
// tests and benchmarks: SQLite in a temp dir, and PostgreSQL in a schema of
// the test's own when SERVICELANE_POSTGRES_DSN is set. It imports the
// database drivers, so only tests may import it; library packages never do.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"

	"github.com/servicelane/servicelane/store/sqlstore"
)

// PostgresEnv names the variable that holds the PostgreSQL connection
// string; CI always sets it.
const PostgresEnv = "SERVICELANE_POSTGRES_DSN"

// SQLite returns a migrated store on a new SQLite file.
func SQLite(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(tb.TempDir(), "servicelane.db")))
	if err != nil {
		tb.Fatalf("testdb: open SQLite: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return migrate(tb, db, sqlstore.SQLite)
}

// Postgres returns a migrated store in a new schema, dropped at cleanup. It
// skips the test when PostgresEnv is not set.
func Postgres(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	db, err := sql.Open("pgx", PostgresDSN(tb))
	if err != nil {
		tb.Fatalf("testdb: open PostgreSQL: %v", err)
	}
	db.SetMaxOpenConns(8)
	tb.Cleanup(func() { _ = db.Close() })
	return migrate(tb, db, sqlstore.Postgres)
}

// PostgresDSN returns the URL of a new, empty schema (its search_path),
// dropped at cleanup, for a test that opens the database itself. It skips
// the test when PostgresEnv is not set.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		tb.Skip("testdb: " + PostgresEnv + " not set; PostgreSQL tests skipped")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("testdb: open PostgreSQL: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("testdb: create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("testdb: drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("testdb: %s must be a postgres:// URL: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrate(tb testing.TB, db *sql.DB, d sqlstore.Dialect) *sqlstore.Store {
	tb.Helper()
	st, err := sqlstore.New(db, d)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		tb.Fatalf("testdb: migrate: %v", err)
	}
	return st
}
