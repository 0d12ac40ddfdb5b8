// Package sqlstore implements servicelane's storage interfaces on
// [database/sql], for SQLite and PostgreSQL: a [*Store] is an [org.Store],
// and its views are the other domains' stores, all on the same database
// and the same audit trail: [Store.ServiceDesk] is a [servicedesk.Store],
// [Store.Billing] a [billing.Store], [Store.Appraisal] an
// [appraisal.Store], [Store.Training] a [training.Store] and
// [Store.Policy] a [policy.Store].
//
// # Bring your own *sql.DB
//
// [New] takes a *sql.DB that the host opened and keeps owning. The package
// imports no database driver: the host picks one, and its binary links only
// that one. Two drivers are tested:
//
//   - SQLite with modernc.org/sqlite (pure Go, no cgo), driver name
//     "sqlite". Open it with the DSN [SQLiteDSN] builds: it sets a busy
//     timeout, so concurrent commits queue instead of failing with
//     SQLITE_BUSY. Every Store transaction on SQLite takes the write lock
//     before it reads anything, whatever the DSN says (a migration's is
//     BEGIN IMMEDIATE; a commit's is BEGIN IMMEDIATE with that DSN, and
//     writes at its first statement in any case), and [Store.Migrate] puts
//     the file in WAL mode. The Store prepares each statement it runs on
//     SQLite once per pooled connection, so SQLite does not parse it again.
//   - PostgreSQL with github.com/jackc/pgx/v5/stdlib, driver name "pgx".
//     Tables go in the connection's current schema (the first one on its
//     search_path).
//
// Opening SQLite:
//
//	import _ "modernc.org/sqlite"
//
//	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN("servicelane.db"))
//	...
//	store, err := sqlstore.New(db, sqlstore.SQLite)
//	...
//	err = store.Migrate(ctx)
//
// Opening PostgreSQL:
//
//	import _ "github.com/jackc/pgx/v5/stdlib"
//
//	db, err := sql.Open("pgx", "postgres://user@localhost:5432/servicelane?sslmode=disable")
//	...
//	store, err := sqlstore.New(db, sqlstore.Postgres)
//
// # Migrations
//
// The schema comes in numbered migrations embedded in the package, one set
// per dialect. Nothing migrates behind the host's back: call
// [Store.Migrate] at start-up (it is idempotent, records each version in
// the schema_migrations table, and may run from several processes at
// once: they wait for each other, and each returns with the schema at the
// latest version), [Store.SchemaVersion] to see where a database stands,
// and [Store.MigrateDown] to roll back.
//
// # How values are stored
//
// Money ([decimal.Decimal]) is stored exactly, never as float64. On SQLite
// it is TEXT at a fixed scale of 4 decimals, because SQLite's NUMERIC and
// REAL columns hold a float64 and silently round 12345678901234567.89 to
// 12345678901234568. On PostgreSQL it is NUMERIC(24,4), read back as text.
// Amounts with more than 4 decimals or 20 digits before the point are
// refused with [org.ErrInvalid] rather than rounded.
//
// Instants are stored in UTC at microsecond precision, what PostgreSQL's
// TIMESTAMPTZ keeps; finer digits are truncated, as [org.Now] does. On
// SQLite they are TEXT in the fixed-width layout
// 2006-01-02T15:04:05.000000Z, so text order is time order. They come back
// in UTC.
//
// IDs sort in byte order on both databases (PostgreSQL columns are
// COLLATE "C"), so pages of [org.EmployeeQuery] are the same everywhere.
// Event data is TEXT, not JSONB, so it comes back byte for byte.
//
// # Servicedesk records
//
// Work orders, complaints and surveys are stored whole, each as a JSON
// document in a TEXT column (amounts as exact decimal strings, instants in
// UTC), beside copies of the fields their queries filter on: state,
// advisor, and the opened or answered time, indexed. A technician's
// calendar day keeps its slots as JSON. Instants anywhere in a record are
// stored in UTC at microsecond precision, as above, so the document and
// its columns agree. Records are written in one order (by table, then by
// key) whatever the order of the Change, so two PostgreSQL commits never
// deadlock on them.
//
// # Billing records
//
// Price book versions, settlements and issued documents are JSON documents
// too, beside the columns their reads use; a numbering series is two
// numbers. Two unique indexes back the billing rules: at most one active
// price book per dealer (a partial index; a switch writes the old
// version's deactivation before the new one's activation), and one
// document per number of a series, behind the series' version. A commit
// that would break either fails with [org.ErrConflict]. A servicedesk
// Change carries a billing Change: [DeskStore.Commit] writes both in one
// transaction, the billing tables after the servicedesk ones.
//
// # Policy records
//
// Saved policies, incidents, nominations and decisions are JSON documents
// too (migration 0006), beside the columns their reads select and order
// on: a policy's version and active mark, an incident's instant, a
// nomination's and a decision's period ("2026-11" or "2026") and employee.
// A partial unique index keeps at most one active policy per dealer: a
// switch writes the old version's deactivation before the new one's
// activation, and a commit that would leave two active fails with
// [org.ErrConflict]. A decision is keyed by its proposal's key, so an
// evaluation that meets a decision recorded by another fails with
// [org.ErrConflict] rather than recording it twice.
//
// # Career moves
//
// org.Store's career moves (R5.5) are JSON documents too (migration 0007,
// table career_moves), beside the employee, state and creation instant
// their reads select and order on. [Store.Commit] writes them after the
// dealer and its employees, in the same transaction, so an approved move
// and the roster change it makes land together or not at all.
//
// # Events
//
// [Store.Commit] numbers a dealer's events from a per-dealer counter row
// updated in the same transaction, so Seqs have no gaps or duplicates and
// follow commit order: a reader that polls [Store.Events] after its last
// Seq never skips an event committed later. Every view's Commit
// ([DeskStore.Commit], [BillingStore.Commit], [PolicyStore.Commit], ...)
// takes its Seqs from the same counter, so a dealer has one audit trail
// (a servicedesk Change's own events come before its billing events), and
// [DeskStore.SubjectEvents] reads one subject's events through an index.
//
// # Errors
//
// No method returns a driver's error bare. Each error matches one of org's
// sentinels, or is the context's error when the call's context is done: no
// row is [org.ErrNotFound]; a unique violation, a serialization failure or
// a deadlock is [org.ErrConflict]; a value the database cannot keep (on
// PostgreSQL, a NUL byte or invalid UTF-8 in a text, SQLSTATE 22021) is
// [org.ErrInvalid], having written nothing; anything else (a connection
// refused or broken, a closed *sql.DB, a locked or full database, a disk
// error) is [org.ErrUnavailable]. The driver's error stays wrapped, for
// errors.As and the host's logs.
package sqlstore
