package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
)

// migration is one numbered schema step with its way back.
type migration struct {
	version  int
	name     string // "0001_org"
	up, down string
}

// migrationName is NNNN_what.up.sql or NNNN_what.down.sql.
var migrationName = regexp.MustCompile(`^([0-9]+)_([a-z0-9_]+)\.(up|down)\.sql$`)

// loadMigrations reads every migration in fsys and checks that they are
// numbered 1, 2, 3... without gaps or duplicates, each with an up and a down
// file, so that a misnamed file fails at New and not halfway through a
// deployment.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		if err := addMigrationFile(fsys, e.Name(), byVersion); err != nil {
			return nil, err
		}
	}
	ms := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		ms = append(ms, *m)
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migrations: version %d missing before %s", i+1, m.name)
		}
		if m.up == "" || m.down == "" {
			return nil, fmt.Errorf("sqlstore: migrations: %s needs both an up and a down file, neither empty", m.name)
		}
	}
	return ms, nil
}

func addMigrationFile(fsys fs.FS, file string, byVersion map[int]*migration) error {
	parts := migrationName.FindStringSubmatch(file)
	if parts == nil {
		return fmt.Errorf("sqlstore: migrations: %q is not named like 0001_name.up.sql or 0001_name.down.sql", file)
	}
	version, err := strconv.Atoi(parts[1])
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %q: %w", file, err)
	}
	body, err := fs.ReadFile(fsys, file)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	name := parts[1] + "_" + parts[2]
	m := byVersion[version]
	if m == nil {
		m = &migration{version: version, name: name}
		byVersion[version] = m
	}
	dst := &m.up
	if parts[3] == "down" {
		dst = &m.down
	}
	if m.name != name || *dst != "" {
		return fmt.Errorf("sqlstore: migrations: %q: version %d is used twice (also %s)", file, version, m.name)
	}
	*dst = strings.TrimSpace(string(body))
	return nil
}

// Migrate applies every migration the database lacks, in order, each in its
// own transaction, and records it in schema_migrations. It does nothing when
// the schema is current, so hosts may call it on every start. Running it
// from several connections or processes at once is safe: they wait for each
// other, each version is applied once, and every caller returns with the
// schema at the latest version.
//
// On SQLite it first checks that the connection has a busy timeout (see
// [SQLiteDSN]) and puts the database file in WAL mode, which the file keeps.
//
// Its error is classified as every Store error is: a database that fails,
// cannot be reached, or holds a schema this build cannot use, matches
// org.ErrUnavailable.
func (s *Store) Migrate(ctx context.Context) error {
	return classify(ctx, s.migrate(ctx))
}

func (s *Store) migrate(ctx context.Context) error {
	if s.dialect == SQLite {
		if err := s.prepareSQLite(ctx); err != nil {
			return err
		}
	}
	current, err := s.appliedVersion(ctx, true)
	if err != nil {
		return err
	}
	for _, m := range s.migrations[current:] {
		if err := s.inTx(ctx, func(tx execer) error { return s.up(ctx, tx, m) }); err != nil {
			return fmt.Errorf("sqlstore: migrate up %s: %w", m.name, err)
		}
	}
	return nil
}

// up claims m's row first: if another process applied m meanwhile, the
// claim inserts nothing and m is not run twice.
func (s *Store) up(ctx context.Context, tx execer, m migration) error {
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at)
		VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING`),
		m.version, m.name, s.timeArg(time.Now()))
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return err // n == 0: another process applied m meanwhile
	}
	_, err = tx.ExecContext(ctx, m.up)
	return err
}

// MigrateDown rolls migrations back, newest first, each in its own
// transaction, until the schema is at version target; 0 removes everything
// the migrations created. target above the current version is an error
// matching org.ErrInvalid.
func (s *Store) MigrateDown(ctx context.Context, target int) error {
	return classify(ctx, s.migrateDown(ctx, target))
}

func (s *Store) migrateDown(ctx context.Context, target int) error {
	current, err := s.appliedVersion(ctx, true)
	if err != nil {
		return err
	}
	if target < 0 || target > current {
		return fmt.Errorf("sqlstore: migrate down: target %d is not between 0 and the current version %d: %w", target, current, org.ErrInvalid)
	}
	for v := current; v > target; v-- {
		m := s.migrations[v-1]
		if err := s.inTx(ctx, func(tx execer) error { return s.down(ctx, tx, m) }); err != nil {
			return fmt.Errorf("sqlstore: migrate down %s: %w", m.name, err)
		}
	}
	return nil
}

func (s *Store) down(ctx context.Context, tx execer, m migration) error {
	res, err := tx.ExecContext(ctx, s.q(`DELETE FROM schema_migrations WHERE version = ?`), m.version)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return err // n == 0: another process rolled m back meanwhile
	}
	_, err = tx.ExecContext(ctx, m.down)
	return err
}

// SchemaVersion returns the number of the last migration applied: 0 for a
// database Migrate never ran on.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	v, err := s.appliedVersion(ctx, false)
	return v, classify(ctx, err)
}

// appliedVersion reads schema_migrations, creating it when create is set,
// and checks that the versions applied are 1..n of those this build knows.
func (s *Store) appliedVersion(ctx context.Context, create bool) (int, error) {
	if create {
		if err := s.createMigrationsTable(ctx); err != nil {
			return 0, fmt.Errorf("sqlstore: create schema_migrations: %w", err)
		}
	} else if ok, err := s.hasMigrationsTable(ctx); err != nil || !ok {
		return 0, err
	}
	var n, high int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&n, &high)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: read schema_migrations: %w", err)
	}
	if n != high {
		return 0, fmt.Errorf("sqlstore: schema_migrations lists %d versions up to %d: some are missing", n, high)
	}
	if high > len(s.migrations) {
		return 0, fmt.Errorf("sqlstore: the database schema is at version %d, newer than this build knows (%d)", high, len(s.migrations))
	}
	return high, nil
}

func (s *Store) createMigrationsTable(ctx context.Context) error {
	if s.dialect == SQLite {
		_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER NOT NULL PRIMARY KEY,
			name       TEXT    NOT NULL,
			applied_at TEXT    NOT NULL
		) STRICT`)
		return err
	}
	// Two concurrent CREATE TABLE IF NOT EXISTS can both find no table on
	// PostgreSQL, and one then fails; the lock makes the second wait.
	return s.inTx(ctx, func(tx execer) error {
		_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('servicelane.schema_migrations'))`)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER     NOT NULL PRIMARY KEY,
			name       TEXT        NOT NULL,
			applied_at TIMESTAMPTZ NOT NULL
		)`)
		return err
	})
}

// hasMigrationsTable looks in the schema the connection uses (PostgreSQL's
// search_path), so that a read never creates anything.
func (s *Store) hasMigrationsTable(ctx context.Context) (bool, error) {
	query := `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`
	if s.dialect == Postgres {
		query = `SELECT COUNT(*) FROM (SELECT to_regclass('schema_migrations') AS t) AS r WHERE t IS NOT NULL`
	}
	var n int
	if err := s.db.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlstore: look for schema_migrations: %w", err)
	}
	return n > 0, nil
}

// prepareSQLite refuses a connection that would not wait for a lock, and
// switches the file to WAL, where readers do not block the writer nor it
// them.
//
// The switch is the one write that cannot wait in SQLite's busy handler:
// it reads the file header and then upgrades to a write lock, and SQLite
// refuses that upgrade at once with SQLITE_BUSY while another connection
// writes (another process switching the same new file, say). So this waits
// itself, as the busy handler would: it tries again until the connection's
// busy timeout has passed or ctx is done. A file already in WAL needs no
// write, so every caller after the first returns at once.
func (s *Store) prepareSQLite(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	var timeout int64
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		return fmt.Errorf("sqlstore: migrate: read busy_timeout: %w", err)
	}
	if timeout <= 0 {
		return errors.New("sqlstore: migrate: the SQLite connection has no busy timeout, so concurrent " +
			"writers would fail with SQLITE_BUSY instead of waiting: open it with sqlstore.SQLiteDSN, " +
			"or add _pragma=busy_timeout(10000) to the DSN")
	}
	deadline := time.Now().Add(time.Duration(timeout) * time.Millisecond)
	pause := time.Millisecond
	for {
		var mode string
		err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		if err == nil {
			return nil
		}
		if !sqliteBusy(err) || !time.Now().Before(deadline) {
			return fmt.Errorf("sqlstore: migrate: switch to WAL: %w", err)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("sqlstore: migrate: switch to WAL: %w", ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// sqliteBusy reports whether err is modernc.org/sqlite's SQLITE_BUSY or one
// of its extended codes. The package imports no driver, so it looks for
// the method the driver's errors have.
func sqliteBusy(err error) bool {
	e, ok := errors.AsType[interface {
		error
		Code() int
	}](err)
	return ok && e.Code()&0xff == 5 // SQLITE_BUSY
}
