package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
	"github.com/servicelane/servicelane/training"
)

// Issue 15: a Store never returns a driver's error bare. Every error it
// returns matches one of org's sentinels, or is the caller's context
// error, with the driver's error wrapped inside for the logs.

// sentinels are what a Store's error may match.
var sentinels = []error{
	org.ErrNotFound, org.ErrConflict, org.ErrForbidden, org.ErrInvalid, org.ErrInvalidTransition,
	org.ErrStale, org.ErrUnavailable, context.Canceled, context.DeadlineExceeded,
}

// requireSentinel fails unless err matches want, which is one of the
// sentinels.
func requireSentinel(t *testing.T, err error, want error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.ErrorIs(t, err, want, msgAndArgs...)
}

// requireNilOrSentinel fails when err is a driver's error that matches no
// sentinel.
func requireNilOrSentinel(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return
		}
	}
	require.Fail(t, fmt.Sprintf("a raw error, matching no sentinel: %v", err), msgAndArgs...)
}

// domain is one store interface's read and commit, each of one record.
type domain struct {
	name   string
	read   func(ctx context.Context, s *sqlstore.Store) error
	commit func(ctx context.Context, s *sqlstore.Store) error
}

var domains = []domain{
	{"org",
		func(ctx context.Context, s *sqlstore.Store) error { _, err := s.Employee(ctx, "d1", "e1"); return err },
		func(ctx context.Context, s *sqlstore.Store) error {
			return s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{employee("d1", "e1")}, Events: []org.Event{event("d1", "ev-1")}})
		}},
	{"servicedesk",
		func(ctx context.Context, s *sqlstore.Store) error {
			_, err := s.ServiceDesk().WorkOrder(ctx, "d1", "wo-1")
			return err
		},
		func(ctx context.Context, s *sqlstore.Store) error {
			return s.ServiceDesk().Commit(ctx, "d1", servicedesk.Change{
				WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1", servicedesk.StateReceived, "adv-1", t0)}})
		}},
	{"billing",
		func(ctx context.Context, s *sqlstore.Store) error {
			_, err := s.Billing().Series(ctx, "d1", "INV")
			return err
		},
		func(ctx context.Context, s *sqlstore.Store) error {
			return s.Billing().Commit(ctx, "d1", billing.Change{Series: []billing.Series{series("d1", "INV", 2, 1)}})
		}},
	{"appraisal",
		func(ctx context.Context, s *sqlstore.Store) error {
			_, err := s.Appraisal().Cycle(ctx, "d1", apNov)
			return err
		},
		func(ctx context.Context, s *sqlstore.Store) error {
			return s.Appraisal().Commit(ctx, "d1", appraisal.Change{Cycles: []appraisal.Cycle{apCycle("d1", apNov)}})
		}},
	{"training",
		func(ctx context.Context, s *sqlstore.Store) error {
			_, err := s.Training().Career(ctx, "d1", "e1")
			return err
		},
		func(ctx context.Context, s *sqlstore.Store) error {
			return s.Training().Commit(ctx, "d1", training.Change{Careers: []training.Career{{DealerID: "d1", Employee: "e1", Version: 1}}})
		}},
	{"policy",
		func(ctx context.Context, s *sqlstore.Store) error {
			_, err := s.Policy().Incident(ctx, "d1", "i1")
			return err
		},
		func(ctx context.Context, s *sqlstore.Store) error {
			return s.Policy().Commit(ctx, "d1", policy.Change{Incidents: []policy.IncidentRecord{{DealerID: "d1", ID: "i1",
				Employee: "e1", Kind: policy.Late, At: t0, Amount: dec("0"), RecordedBy: org.Actor{ID: "sup-1", Role: org.RoleSupervisor},
				RecordedAt: t0, Version: 1}}})
		}},
}

// views are every view of s whose methods a caller reaches.
func views(s *sqlstore.Store) []any {
	return []any{s, s.ServiceDesk(), s.Billing(), s.Appraisal(), s.Training(), s.Policy()}
}

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
	monthType   = reflect.TypeFor[org.Month]()
)

// eachMethod calls every exported method of every view of s that takes a
// context first and returns an error last, with ctx and sample arguments
// that reach the database (a dealer, a Limit of 10, a month, 1 for a
// number), and hands fn its name and error. It lets no method added later
// slip past the tests below.
func eachMethod(t *testing.T, ctx context.Context, s *sqlstore.Store, fn func(name string, err error)) {
	t.Helper()
	n := 0
	for _, view := range views(s) {
		v := reflect.ValueOf(view)
		for i := range v.NumMethod() {
			m, mt := v.Method(i), v.Type().Method(i)
			ft := m.Type()
			if ft.NumIn() == 0 || ft.In(0) != contextType || ft.NumOut() == 0 || ft.Out(ft.NumOut()-1) != errorType {
				continue
			}
			args := []reflect.Value{reflect.ValueOf(ctx)}
			for j := 1; j < ft.NumIn(); j++ {
				args = append(args, sample(ft.In(j)))
			}
			out := m.Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			fn(fmt.Sprintf("%T.%s", view, mt.Name), err)
			n++
		}
	}
	require.Greater(t, n, 40, "the sweep reached the store's methods")
}

func sample(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	switch {
	case t == monthType:
		v.Set(reflect.ValueOf(apNov))
	case t.Kind() == reflect.String:
		v.SetString("d1")
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		v.SetInt(1)
	case t.Kind() == reflect.Struct:
		if f := v.FieldByName("Limit"); f.IsValid() && f.CanSet() && f.Kind() == reflect.Int {
			f.SetInt(10)
		}
	}
	return v
}

// TestStoreErrors_issue15_closed_db_is_unavailable: a closed *sql.DB
// ("sql: database is closed") fails every read and every commit of every
// store interface with ErrUnavailable, the driver's text kept inside.
func TestStoreErrors_issue15_closed_db_is_unavailable(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, db := b.newStore(t, true)
		require.NoError(t, db.Close())
		ctx := t.Context()
		for _, d := range domains {
			err := d.read(ctx, s)
			requireSentinel(t, err, org.ErrUnavailable, "%s read", d.name)
			require.ErrorContains(t, err, "database is closed", "%s read: the cause stays", d.name)
			err = d.commit(ctx, s)
			requireSentinel(t, err, org.ErrUnavailable, "%s commit", d.name)
			require.ErrorContains(t, err, "database is closed", "%s commit: the cause stays", d.name)
		}
		eachMethod(t, ctx, s, func(name string, err error) {
			if strings.HasSuffix(name, ".Commit") && err == nil {
				return // an empty Change needs no database
			}
			requireSentinel(t, err, org.ErrUnavailable, name)
		})
	})
}

// TestStoreErrors_issue15_unreachable_database_is_unavailable: a database
// that refuses the connection, or a SQLite file that cannot be opened,
// fails with ErrUnavailable from Migrate and from every call.
func TestStoreErrors_issue15_unreachable_database_is_unavailable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, driver, dsn string
		dialect           sqlstore.Dialect
	}{
		{"Postgres_refused", "pgx", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=5", sqlstore.Postgres},
		{"SQLite_cannot_open", "sqlite", sqlstore.SQLiteDSN(filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")), sqlstore.SQLite},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db, err := sql.Open(c.driver, c.dsn)
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			s, err := sqlstore.New(db, c.dialect)
			require.NoError(t, err)
			ctx := t.Context()
			requireSentinel(t, s.Migrate(ctx), org.ErrUnavailable)
			for _, d := range domains {
				requireSentinel(t, d.read(ctx, s), org.ErrUnavailable, "%s read", d.name)
				requireSentinel(t, d.commit(ctx, s), org.ErrUnavailable, "%s commit", d.name)
			}
		})
	}
}

// TestStoreErrors_issue15_cancelled_context: a done context fails every
// call that reaches the database with context.Canceled, not with whatever
// the driver said when it was interrupted.
func TestStoreErrors_issue15_cancelled_context(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		done, cancel := context.WithCancel(t.Context())
		cancel()
		for _, d := range domains {
			requireSentinel(t, d.read(done, s), context.Canceled, "%s read", d.name)
			requireSentinel(t, d.commit(done, s), context.Canceled, "%s commit", d.name)
		}
		eachMethod(t, done, s, func(name string, err error) {
			requireSentinel(t, err, context.Canceled, name)
		})
		// Nothing was written meanwhile.
		for _, d := range domains {
			requireSentinel(t, d.read(t.Context(), s), org.ErrNotFound, d.name)
		}
	})
}

// TestStoreErrors_issue15_killed_connection: PostgreSQL ends the
// connection the Store holds (pg_terminate_backend, as a failover or an
// administrator does). The next call either succeeds, database/sql having
// found the connection dead and opened another, or fails with
// ErrUnavailable; then the Store works again. Only the Store's own backend
// is ended: the tests of other packages share the database.
func TestStoreErrors_issue15_killed_connection(t *testing.T) {
	t.Parallel()
	db := openPostgres(t)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	s, err := sqlstore.New(db, sqlstore.Postgres)
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, s.Migrate(ctx))
	admin, err := sql.Open("pgx", os.Getenv(postgresEnv))
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	kill := func() {
		t.Helper()
		var pid int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid))
		var ok bool
		require.NoError(t, admin.QueryRowContext(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ok))
		require.True(t, ok)
		require.Eventually(t, func() bool {
			var n int
			err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&n)
			return err == nil && n == 0
		}, 10*time.Second, 10*time.Millisecond)
	}
	for _, d := range domains {
		kill()
		err := d.read(ctx, s)
		t.Logf("%s read on a killed connection: %v", d.name, err)
		if err != nil && !errors.Is(err, org.ErrNotFound) {
			requireSentinel(t, err, org.ErrUnavailable, "%s read", d.name)
		}
		kill()
		err = d.commit(ctx, s)
		t.Logf("%s commit on a killed connection: %v", d.name, err)
		if err != nil {
			requireSentinel(t, err, org.ErrUnavailable, "%s commit", d.name)
			require.NoError(t, d.commit(ctx, s), "%s: a retry after ErrUnavailable", d.name)
		}
		require.NoError(t, d.read(ctx, s), "%s: the store works again", d.name)
	}
}

// TestStoreErrors_issue15_nul_and_invalid_utf8_in_text: a NUL byte or
// invalid UTF-8 written straight through a Store's Commit, past the
// services that refuse them.
//
// PostgreSQL refuses both in a TEXT column (SQLSTATE 22021): the commit
// fails with ErrInvalid and writes nothing, the event counter included.
// A record's document is JSON, where encoding/json writes a NUL as \u0000
// and invalid UTF-8 as U+FFFD, so a text that is only inside a document
// (a work order's customer name) is written on both databases; the copied
// columns (an employee's name, an event's reason, a record's ID) are not.
//
// SQLite keeps a TEXT's bytes as given: the same commits succeed there,
// and read back byte for byte.
func TestStoreErrors_issue15_nul_and_invalid_utf8_in_text(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		ctx := t.Context()
		pg := b.dialect == sqlstore.Postgres
		for i, bad := range []string{"a\x00b", "\xff", "ok\xc3"} {
			id := org.EmployeeID(fmt.Sprintf("e%d", i))
			e := employee("d1", id)
			e.Name = bad
			err := s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{e}})
			if pg {
				requireSentinel(t, err, org.ErrInvalid, "employee name %q", bad)
				require.ErrorContains(t, err, "SQLSTATE 22021", "the cause stays")
				_, err = s.Employee(ctx, "d1", id)
				requireSentinel(t, err, org.ErrNotFound, "nothing written")
			} else {
				require.NoError(t, err, "SQLite keeps the bytes")
				got, err := s.Employee(ctx, "d1", id)
				require.NoError(t, err)
				require.Equal(t, bad, got.Name, "byte for byte")
			}

			woID := servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", i))
			w := workOrder("d1", woID, servicedesk.StateCancelled, "adv-1", t0)
			w.Customer.Name = bad
			w.CancelReason = bad
			ev := deskEvent("d1", "ev-"+string(woID), "workorder/"+string(woID))
			ev.Reason = bad // what Cancel records, and what PostgreSQL refused in issue 15
			err = s.ServiceDesk().Commit(ctx, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}, Events: []org.Event{ev}})
			if pg {
				requireSentinel(t, err, org.ErrInvalid, "event reason %q", bad)
				_, err = s.ServiceDesk().WorkOrder(ctx, "d1", woID)
				requireSentinel(t, err, org.ErrNotFound, "nothing written")
				// Without the event, the text is only in the JSON document.
				err = s.ServiceDesk().Commit(ctx, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}})
			}
			require.NoError(t, err)
			got, err := s.ServiceDesk().WorkOrder(ctx, "d1", woID)
			require.NoError(t, err)
			// encoding/json keeps a NUL (as \u0000) and turns invalid UTF-8 into U+FFFD.
			require.Equal(t, strings.ToValidUTF8(bad, "\ufffd"), got.Customer.Name)

			badID := servicedesk.WorkOrderID("wo-" + bad)
			err = s.ServiceDesk().Commit(ctx, "d1", servicedesk.Change{
				WorkOrders: []servicedesk.WorkOrder{workOrder("d1", badID, servicedesk.StateReceived, "adv-1", t0)}})
			if pg {
				requireSentinel(t, err, org.ErrInvalid, "work order ID %q", badID)
			} else {
				require.NoError(t, err)
			}
			_, err = s.ServiceDesk().WorkOrder(ctx, "d1", badID)
			requireNilOrSentinel(t, err)
		}
		evs, err := s.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		if pg {
			require.Empty(t, evs, "no refused commit took a Seq")
		} else {
			require.Len(t, evs, 3)
			require.Equal(t, "a\x00b", evs[0].Reason)
		}
	})
}

// TestStoreErrors_issue15_sqlite_full_disk: a SQLite database that cannot
// grow (here its max_page_count, as a full disk would) fails a commit with
// ErrUnavailable (SQLITE_FULL), writes none of it, and takes commits that
// fit afterwards.
func TestStoreErrors_issue15_sqlite_full_disk(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(t.TempDir(), "full.db")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(1) // the pragma below is the connection's
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, s.Migrate(ctx))
	commit(t, s, "d1", org.Change{Employees: []org.Employee{employee("d1", "e1")}, Events: []org.Event{event("d1", "ev-1")}})
	var pages int
	require.NoError(t, db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages))
	_, err = db.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+8))
	require.NoError(t, err)

	w := workOrder("d1", "wo-big", servicedesk.StateReceived, "adv-1", t0)
	w.Notes = []servicedesk.Note{{By: org.Actor{ID: "adv-1", Role: org.RoleAdvisor}, At: t0, Text: strings.Repeat("x", 1<<20)}}
	err = s.ServiceDesk().Commit(ctx, "d1", servicedesk.Change{
		WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-small", servicedesk.StateReceived, "adv-1", t0), w},
		Events:     []org.Event{deskEvent("d1", "ev-2", "workorder/wo-big")},
	})
	requireSentinel(t, err, org.ErrUnavailable)
	require.ErrorContains(t, err, "full", "the cause stays")

	for _, id := range []servicedesk.WorkOrderID{"wo-small", "wo-big"} {
		_, err = s.ServiceDesk().WorkOrder(ctx, "d1", id)
		requireSentinel(t, err, org.ErrNotFound, "nothing of the commit written: %s", id)
	}
	evs, err := s.Events(ctx, "d1", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 1, "the event counter did not move")

	require.NoError(t, s.ServiceDesk().Commit(ctx, "d1", servicedesk.Change{
		WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-small", servicedesk.StateReceived, "adv-1", t0)},
		Events:     []org.Event{deskEvent("d1", "ev-3", "workorder/wo-small")},
	}), "a commit that fits")
	evs, err = s.Events(ctx, "d1", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	assert.Equal(t, int64(2), evs[1].Seq)
}
