package sqlstore_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"github.com/servicelane/servicelane/store/sqlstore"
)

// The environment of a child process of TestMigrateFromProcesses.
const (
	childOpEnv      = "SERVICELANE_SQLSTORE_CHILD_OP" // "up" or "down"
	childDialectEnv = "SERVICELANE_SQLSTORE_CHILD_DIALECT"
	childDSNEnv     = "SERVICELANE_SQLSTORE_CHILD_DSN"
)

// TestMain runs the package's tests, or, in a child process that
// TestMigrateFromProcesses started, one migration.
func TestMain(m *testing.M) {
	if op := os.Getenv(childOpEnv); op != "" {
		if err := migrateChild(op, os.Getenv(childDialectEnv), os.Getenv(childDSNEnv)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// migrateChild opens the database as a host's process starting up would,
// says "ready" on stdout once its connection is open, waits for a line on
// stdin, so that every child starts the migration at the same moment, and
// then migrates up to the latest version or down to 0.
func migrateChild(op, dialect, dsn string) error {
	ctx := context.Background()
	d, driver := sqlstore.SQLite, "sqlite"
	if dialect == sqlstore.Postgres.String() {
		d, driver = sqlstore.Postgres, "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := sqlstore.New(db, d)
	if err != nil {
		return err
	}
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return fmt.Errorf("wait for the start: %w", err)
	}
	switch op {
	case "up":
		return s.Migrate(ctx)
	case "down":
		return s.MigrateDown(ctx, 0)
	}
	return fmt.Errorf("unknown operation %q", op)
}
