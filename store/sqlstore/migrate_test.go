package sqlstore_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// TestMigrations goes up, up again, all the way down and up again, and
// checks the schema works at the end.
func TestMigrations(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s, _ := b.newStore(t, false)
		latest := latestVersion(t, b.dialect)
		version := func() int {
			t.Helper()
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			return v
		}

		require.Equal(t, 0, version(), "new database")
		require.NoError(t, s.Migrate(ctx))
		require.Equal(t, latest, version(), "after Migrate")
		require.NoError(t, s.Migrate(ctx), "second Migrate")
		require.Equal(t, latest, version(), "after second Migrate")

		require.Error(t, s.MigrateDown(ctx, latest+1), "down to a version above the current one")
		require.Error(t, s.MigrateDown(ctx, -1), "down to a negative version")

		require.NoError(t, s.MigrateDown(ctx, 0))
		require.Equal(t, 0, version(), "after MigrateDown(0)")
		_, err := s.Dealer(ctx, "d1")
		require.Error(t, err, "dealers table after MigrateDown(0)")
		require.NotErrorIs(t, err, org.ErrNotFound, "dealers table after MigrateDown(0)")
		require.NoError(t, s.MigrateDown(ctx, 0), "second MigrateDown(0)")

		require.NoError(t, s.Migrate(ctx))
		require.Equal(t, latest, version(), "after Migrate again")
		d := dealer("d1")
		commit(t, s, "d1", org.Change{Dealer: &d})
		_, err = s.Dealer(ctx, "d1")
		require.NoError(t, err)
	})
}

// TestMigrateConcurrently runs Migrate from several goroutines at once, as
// several processes starting together would.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, _ := b.newStore(t, false)
		errs := make(chan error, 4)
		for range 4 {
			go func() { errs <- s.Migrate(t.Context()) }()
		}
		for range 4 {
			require.NoError(t, <-errs)
		}
		v, err := s.SchemaVersion(t.Context())
		require.NoError(t, err)
		require.Equal(t, latestVersion(t, b.dialect), v)
	})
}

// TestMigrateFromProcesses starts several processes on one new database,
// as a host's processes starting together do, and has them migrate up and
// then all the way down at the same moment: none may fail, and each time
// the schema ends at the version they all asked for. (A process costs a
// fifth of a second under -race, so the test stays small enough to run
// hundreds of times in a row.)
func TestMigrateFromProcesses(t *testing.T) {
	t.Parallel()
	dbs := []struct {
		name    string
		dialect sqlstore.Dialect
		dsn     func(tb testing.TB) string
	}{
		{"SQLite", sqlstore.SQLite, func(tb testing.TB) string {
			return sqlstore.SQLiteDSN(filepath.Join(tb.TempDir(), "servicelane.db"))
		}},
		{"Postgres", sqlstore.Postgres, testdb.PostgresDSN},
	}
	const processes = 3
	for _, d := range dbs {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			driver := map[sqlstore.Dialect]string{sqlstore.SQLite: "sqlite", sqlstore.Postgres: "pgx"}[d.dialect]
			latest := latestVersion(t, d.dialect)
			dsn := d.dsn(t)
			db, err := sql.Open(driver, dsn)
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			s, err := sqlstore.New(db, d.dialect)
			require.NoError(t, err)
			for _, step := range []struct {
				op   string
				want int
			}{{"up", latest}, {"down", 0}} {
				runMigrateProcesses(t, processes, step.op, d.dialect, dsn)
				v, err := s.SchemaVersion(t.Context())
				require.NoError(t, err)
				require.Equal(t, step.want, v, "schema version after %d processes migrated %s", processes, step.op)
			}
		})
	}
}

// runMigrateProcesses starts n child processes (see TestMain), waits until
// each has its connection open, lets them all go at once and fails the test
// if any of them fails.
func runMigrateProcesses(t *testing.T, n int, op string, d sqlstore.Dialect, dsn string) {
	t.Helper()
	type child struct {
		cmd    *exec.Cmd
		ready  io.Reader
		start  io.WriteCloser
		stderr bytes.Buffer
	}
	children := make([]*child, n)
	for i := range children {
		c := &child{cmd: exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")}
		c.cmd.Env = append(os.Environ(), childOpEnv+"="+op, childDialectEnv+"="+d.String(), childDSNEnv+"="+dsn,
			// A -race binary sleeps a second at exit unless told not to.
			"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
		c.cmd.Stderr = &c.stderr
		var err error
		c.ready, err = c.cmd.StdoutPipe()
		require.NoError(t, err)
		c.start, err = c.cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, c.cmd.Start())
		children[i] = c
	}
	for i, c := range children {
		line, err := bufio.NewReader(c.ready).ReadString('\n')
		require.Equal(t, "ready\n", line, "child %d did not get ready: %v; stderr: %s", i, err, &c.stderr)
	}
	for _, c := range children {
		_, err := io.WriteString(c.start, "go\n")
		require.NoError(t, err)
	}
	for i, c := range children {
		require.NoError(t, c.cmd.Wait(), "child %d migrating %s: %s", i, op, &c.stderr)
	}
}

// TestMigrateWaitsForAWriter: while another connection writes to a new
// file, Migrate's switch to WAL cannot take the write lock it needs.
// SQLite refuses that switch at once instead of waiting; Migrate waits, as
// for any other lock, and finishes once the writer commits.
func TestMigrateWaitsForAWriter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "servicelane.db")
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	writer, err := other.Conn(ctx)
	require.NoError(t, err)
	defer writer.Close()
	for _, stmt := range []string{`CREATE TABLE host_notes (note TEXT)`, `BEGIN IMMEDIATE`, `INSERT INTO host_notes VALUES ('hello')`} {
		_, err := writer.ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}

	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Migrate(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("Migrate returned while another connection held the write lock: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	_, err = writer.ExecContext(ctx, `COMMIT`)
	require.NoError(t, err)
	require.NoError(t, <-done, "Migrate after the writer committed")

	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, latestVersion(t, sqlstore.SQLite), v)
	var mode string
	require.NoError(t, db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	require.Equal(t, "wal", mode)
}

// TestMigrateNeedsABusyTimeout: a SQLite connection without a busy timeout
// would fail under concurrent writers instead of waiting; Migrate says so
// and creates nothing.
func TestMigrateNeedsABusyTimeout(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "servicelane.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	err = s.Migrate(ctx)
	require.ErrorContains(t, err, "no busy timeout")
	require.ErrorContains(t, err, "SQLiteDSN")
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	require.Equal(t, 0, v, "nothing migrated")
}

// TestSQLiteTransactionEndsOnFailure: a commit that fails midway rolls its
// transaction back before its connection returns to the pool, so the next
// commit on that one connection begins cleanly and sees nothing of the
// failed one.
func TestSQLiteTransactionEndsOnFailure(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, db := sqliteBackend.newStore(t, true)
	db.SetMaxOpenConns(1)
	d := dealer("d1")
	commit(t, s, "d1", org.Change{Dealer: &d})
	for i := range 3 {
		// e1 is new, the dealer at version 1 is a conflict: nothing is written.
		err := s.Commit(ctx, "d1", org.Change{Dealer: &d, Employees: []org.Employee{employee("d1", "e1")}})
		require.ErrorIs(t, err, org.ErrConflict, "attempt %d", i)
	}
	_, err := s.Employee(ctx, "d1", "e1")
	require.ErrorIs(t, err, org.ErrNotFound, "the failed commits' employee")
	commit(t, s, "d1", org.Change{Employees: []org.Employee{employee("d1", "e2")}})

	done, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.Commit(done, "d1", org.Change{Employees: []org.Employee{employee("d1", "e3")}}), context.Canceled)
	commit(t, s, "d1", org.Change{Employees: []org.Employee{employee("d1", "e4")}})
}
