// Package fuzzing_test fuzzes every service at its boundary (issue 15):
// one fuzz target per service builds a command from the fuzz bytes and runs
// it on two identical worlds, one on memstore and one on SQLite. Whatever
// the bytes, the command succeeds or fails with a typed error (a sentinel
// of org, a *org.ValidationError or a *org.RefusalError), never panics,
// writes nothing when it fails (the dealers' audit trails and the records
// the service keeps read the same before and after), and has the same
// outcome on both stores: success on both, or the same sentinels, the same
// bad fields and the same blockers. When it succeeds on both, both stores
// hold the same records afterwards.
//
// Every iteration gets a fresh pair of worlds, so iterations do not depend
// on each other's order. Each target seeds its world once per process
// through the services on a migrated SQLite file, logging the commits, and
// keeps the file as a template; every iteration copies the template and
// replays the commits on a new memstore, which takes milliseconds where
// seeding takes most of a second. The two seeded worlds are compared in
// full before fuzzing.
//
// "Nothing written" compares the records a target's service keeps and the
// audit events after the seed's last one, before and after the command, on
// memstore. On SQLite it first asks whether the write-ahead log is still
// empty (the template's was checkpointed and truncated, and every commit
// appends to it, so an empty log means nothing in any table was written;
// it costs one stat where reading the records back costs milliseconds),
// and compares the records when it is not.
//
// TestFoundByFuzzing keeps the SDK bugs the targets found, now fixed, as
// regression cases (see known_test.go).
package fuzzing_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/store/sqlstore"
	"github.com/servicelane/servicelane/training"
)

// stores is one backend's stores.
type stores struct {
	org   org.Store
	desk  servicedesk.Store
	bill  billing.Store
	train training.Store
	apr   appraisal.Store
	pol   policy.Store
}

func memStores() stores {
	s := memstore.New()
	return stores{s, s.ServiceDesk(), s.Billing(), s.Training(), s.Appraisal(), s.Policy()}
}

func sqlStores(s *sqlstore.Store) stores {
	return stores{s, s.ServiceDesk(), s.Billing(), s.Training(), s.Appraisal(), s.Policy()}
}

// world is every service on one backend, as monthend's tests wire them.
type world struct {
	tb    testing.TB
	name  string
	wal   string // SQLite's write-ahead log, which every commit appends to; "" on memstore
	ctx   context.Context
	clock *org.ManualClock
	st    stores
	orgs  *org.Service
	bills *billing.Service
	desk  *servicedesk.Service
	train *training.Service
	apr   *appraisal.Service
	pol   *policy.Service
}

// wire builds the services on st with clock, each with its own
// sequential IDs under prefix.
func wire(tb testing.TB, name string, st stores, clock *org.ManualClock, prefix string) *world {
	tb.Helper()
	ids := func(p string) org.IDSource { return org.SequentialIDs(prefix + p) }
	w := &world{tb: tb, name: name, ctx: context.Background(), clock: clock, st: st}
	var err error
	w.orgs, err = org.NewService(org.Config{Store: st.org, Clock: clock, IDs: ids("o"), Departments: []org.Department{"parts"}})
	must(tb, err)
	roster := w.orgs.Directory()
	w.bills, err = billing.NewService(billing.Config{Store: st.bill, Roster: roster, Clock: clock, IDs: ids("b")})
	must(tb, err)
	w.desk, err = servicedesk.NewService(servicedesk.Config{Store: st.desk, Roster: roster, Clock: clock, IDs: ids("s"),
		Billing: w.bills, Pricer: servicedesk.BookPricer{Billing: w.bills}})
	must(tb, err)
	w.train, err = training.NewService(training.Config{Store: st.train, Roster: roster, Clock: clock, IDs: ids("t")})
	must(tb, err)
	w.apr, err = appraisal.NewService(appraisal.Config{Store: st.apr, Roster: roster, Clock: clock, IDs: ids("a"),
		Measurer: monthend.Measurer(w.desk.FigureSource(), w.bills.AccuracySource(), w.train.ResultSource())})
	must(tb, err)
	w.pol, err = policy.NewService(policy.Config{Store: st.pol, Roster: roster, Clock: clock, IDs: ids("p"),
		Facts: policy.Combine(monthend.AppraisalFacts(st.apr), monthend.TrainingFacts(st.train))})
	must(tb, err)
	return w
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("setup: %v", err)
	}
}

// do runs a setup step of a seed, which must succeed.
func do[T any](w *world, what string) func(T, error) {
	return func(_ T, err error) {
		w.tb.Helper()
		if err != nil {
			w.tb.Fatalf("seed on %s: %s: %v", w.name, what, err)
		}
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// seedStart is when every seed begins: the roster is from October.
var seedStart = time.Date(2026, 10, 20, 0, 30, 0, 0, time.UTC)

// seedRoster is the roster every world starts from: dealer d1 in Taipei
// with a supervisor, three advisors, a technician, the parts supervisor
// and an advisor who left in October; dealer d2 next door, where chen is
// a supervisor, so that an actor of one dealer is someone else at the
// other.
func seedRoster(w *world) {
	ctx, o := w.ctx, w.orgs
	for _, d := range []org.NewDealer{
		{ID: "d1", Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD"},
		{ID: "d2", Name: "Keelung Motors", TimeZone: "Asia/Taipei", Currency: "TWD"},
	} {
		do[org.Dealer](w, "create dealer")(o.CreateDealer(ctx, admin, d))
	}
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor, Email: "lin@example.com"},
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor, BonusBase: dec("10000"), Skills: []string{"EV"}},
		{ID: "wang", Name: "Wang Ling 王玲", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "huang", Name: "Huang Jie 黃傑", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "li", Name: "Li Former 李", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu Da-wei 吳大偉", Role: org.RoleTechnician},
		{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: "parts"},
	} {
		do[org.Employee](w, "add employee")(o.AddEmployee(ctx, "d1", admin, e))
	}
	do[org.Employee](w, "deactivate li")(o.DeactivateEmployee(ctx, "d1", admin, org.StatusChange{ID: "li", Reason: "left in October"}))
	do[org.Employee](w, "add d2's chen")(o.AddEmployee(ctx, "d2", admin, org.NewEmployee{ID: "chen", Name: "Chen Other", Role: org.RoleSupervisor}))
	do[org.Employee](w, "add d2's wu")(o.AddEmployee(ctx, "d2", admin, org.NewEmployee{ID: "wu", Name: "Wu Other", Role: org.RoleTechnician}))
}

// recorder logs every commit a seed makes, to replay them on a new
// memstore: a world in a fraction of the time the services take to seed
// it. (Wrapping hides servicedesk's optional SubjectEvents from the seed;
// the services fall back to scanning the trail.)
type recorder struct{ log []func(st stores) error }

type (
	recOrg struct {
		org.Store
		r *recorder
	}
	recDesk struct {
		servicedesk.Store
		r *recorder
	}
	recBill struct {
		billing.Store
		r *recorder
	}
	recTrain struct {
		training.Store
		r *recorder
	}
	recApr struct {
		appraisal.Store
		r *recorder
	}
	recPol struct {
		policy.Store
		r *recorder
	}
)

// logged adds a commit to the log when it succeeded.
func logged(r *recorder, err error, replay func(st stores) error) error {
	if err == nil {
		r.log = append(r.log, replay)
	}
	return err
}

func (s recOrg) Commit(ctx context.Context, d org.DealerID, c org.Change) error {
	return logged(s.r, s.Store.Commit(ctx, d, c), func(st stores) error { return st.org.Commit(ctx, d, c) })
}

func (s recDesk) Commit(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
	return logged(s.r, s.Store.Commit(ctx, d, c), func(st stores) error { return st.desk.Commit(ctx, d, c) })
}

func (s recBill) Commit(ctx context.Context, d org.DealerID, c billing.Change) error {
	return logged(s.r, s.Store.Commit(ctx, d, c), func(st stores) error { return st.bill.Commit(ctx, d, c) })
}

func (s recTrain) Commit(ctx context.Context, d org.DealerID, c training.Change) error {
	return logged(s.r, s.Store.Commit(ctx, d, c), func(st stores) error { return st.train.Commit(ctx, d, c) })
}

func (s recApr) Commit(ctx context.Context, d org.DealerID, c appraisal.Change) error {
	return logged(s.r, s.Store.Commit(ctx, d, c), func(st stores) error { return st.apr.Commit(ctx, d, c) })
}

func (s recPol) Commit(ctx context.Context, d org.DealerID, c policy.Change) error {
	return logged(s.r, s.Store.Commit(ctx, d, c), func(st stores) error { return st.pol.Commit(ctx, d, c) })
}

// recording wraps st's stores in r.
func recording(st stores, r *recorder) stores {
	return stores{recOrg{st.org, r}, recDesk{st.desk, r}, recBill{st.bill, r}, recTrain{st.train, r}, recApr{st.apr, r}, recPol{st.pol, r}}
}

// target is one fuzz target's worlds: how to seed them, when they stand
// at the start of every iteration, what their records are, and a SQLite
// database seeded once to copy.
type target struct {
	name    string
	now     time.Time
	seed    func(w *world)
	records func(w *world, dealer org.DealerID, put putFunc)
	// template is the seeded SQLite file; seeded the seed's commits, to
	// replay on memstore.
	template []byte
	seeded   []func(st stores) error
	// before are the records of d1 and d2 as seeded, on memstore and on
	// SQLite; seq the last event of each as seeded: snapshots read the
	// events after it (the seed's are compared once, in newTarget).
	before [2]records
	seq    map[org.DealerID]int64
	// dir holds this process's world.db, replaced every iteration; db is
	// the last one opened.
	dir string
	db  *sql.DB
}

type putFunc func(key string, v any, err error)

// newTarget seeds the SQLite template through the services, logging its
// commits, and checks that a memstore they are replayed on holds the same
// world.
func newTarget(tb testing.TB, name string, now time.Time, seed func(w *world), records func(w *world, dealer org.DealerID, put putFunc)) *target {
	tb.Helper()
	tg := &target{name: name, now: now, seed: seed, records: records, dir: tb.TempDir()}
	path := filepath.Join(tb.TempDir(), "template.db")
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	must(tb, err)
	s, err := sqlstore.New(db, sqlstore.SQLite)
	must(tb, err)
	must(tb, s.Migrate(context.Background()))
	// Seeded by the services, its commits logged to replay on memstore.
	r := &recorder{}
	tg.seedWorld(tb, "sqlite", recording(sqlStores(s), r))
	tg.seeded = r.log
	_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	must(tb, err)
	must(tb, db.Close())
	tg.template, err = os.ReadFile(path)
	must(tb, err)

	ws := tg.worlds(tb)
	onMem, onSQL := tg.snapshot(ws[0]), tg.snapshot(ws[1])
	if n := walSize(tb, ws[1].wal); n != 0 {
		tb.Fatalf("a fresh world's write-ahead log holds %d bytes: reads wrote", n)
	}
	if a, b := onMem.String(), onSQL.String(); a != b {
		tb.Fatalf("the seeded worlds differ between memstore and SQLite:\n%s", diff(a, b))
	}
	tg.seq = map[org.DealerID]int64{}
	for _, d := range []org.DealerID{"d1", "d2"} {
		if evs, _ := onSQL[string(d)+"/events"].([]org.Event); len(evs) > 0 {
			tg.seq[d] = evs[len(evs)-1].Seq
		}
	}
	for i, w := range ws {
		tg.before[i] = tg.snapshot(w)
	}
	return tg
}

// seedWorld seeds st from seedStart, with IDs of its own.
func (tg *target) seedWorld(tb testing.TB, name string, st stores) {
	tb.Helper()
	w := wire(tb, name, st, org.NewManualClock(seedStart), "seed-")
	seedRoster(w)
	if tg.seed != nil {
		tg.seed(w)
	}
}

// worlds gives a fresh pair of identical worlds at tg.now: memstore with
// the seed's commits replayed, SQLite a copy of the template. Their
// services make IDs under a prefix the seed did not use.
func (tg *target) worlds(tb testing.TB) [2]*world {
	tb.Helper()
	mem := memStores()
	for _, commit := range tg.seeded {
		must(tb, commit(mem))
	}

	// One file per process, replaced every iteration (a process runs its
	// iterations one at a time).
	if tg.db != nil {
		_ = tg.db.Close()
	}
	path := filepath.Join(tg.dir, "world.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			tb.Fatalf("remove the last world: %v", err)
		}
	}
	must(tb, os.WriteFile(path, tg.template, 0o600))
	// The DSN a host uses, without waiting for the disk on every commit:
	// the world is thrown away after one command. The template is
	// migrated already, so Migrate is not called again.
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path)+"&_pragma=synchronous(OFF)")
	must(tb, err)
	tg.db = db
	tb.Cleanup(func() { _ = db.Close() })
	s, err := sqlstore.New(db, sqlstore.SQLite)
	must(tb, err)
	sw := wire(tb, "sqlite", sqlStores(s), org.NewManualClock(tg.now), "f-")
	sw.wal = path + "-wal"
	return [2]*world{wire(tb, "memstore", mem, org.NewManualClock(tg.now), "f-"), sw}
}

// records are what a snapshot read, by dealer and key: values, compared
// with reflect.DeepEqual on one store, and as JSON between stores (where
// the same amount may have another exponent).
type records map[string]any

// String is the records as JSON, one per line, keys sorted.
func (r records) String() string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		j, err := json.Marshal(r[k])
		if err != nil {
			j = []byte(err.Error())
		}
		fmt.Fprintf(&b, "%s %s\n", k, j)
	}
	return b.String()
}

// snapshot reads what a command may write: the records of d1 and d2, and
// their audit trails.
func (tg *target) snapshot(w *world) records {
	m := records{}
	for _, d := range []org.DealerID{"d1", "d2"} {
		tg.dealerRecords(w, d, m)
	}
	return m
}

// dealerRecords reads dealer's records into m.
func (tg *target) dealerRecords(w *world, dealer org.DealerID, m records) {
	put := func(key string, v any, err error) {
		switch {
		case errors.Is(err, org.ErrNotFound):
			v = "not found"
		case err != nil:
			w.tb.Fatalf("%s: reading %s/%s: %v", w.name, dealer, key, err)
		}
		m[string(dealer)+"/"+key] = v
	}
	ctx := w.ctx
	evs, err := allEvents(ctx, w.st.org, dealer, tg.seq[dealer])
	put("events", evs, err)
	d, err := w.st.org.Dealer(ctx, dealer)
	put("dealer", d, err)
	es, err := w.st.org.Employees(ctx, dealer, org.EmployeeQuery{IncludeInactive: true, Limit: org.MaxPage})
	put("employees", es, err)
	if tg.records != nil {
		tg.records(w, dealer, put)
	}
}

// other reports whether dealer is a dealer a command could have written
// besides d1 and d2 (a CreateDealer's): one with an ID a record can have.
func other(dealer org.DealerID) bool {
	return dealer != "d1" && dealer != "d2" && org.StorableID(string(dealer))
}

// walSize is the size of SQLite's write-ahead log: 0 while nothing was
// committed since the template was copied (the template's log was
// checkpointed into it and truncated).
func walSize(tb testing.TB, path string) int64 {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	must(tb, err)
	return fi.Size()
}

// allEvents reads dealer's events after the one numbered after.
func allEvents(ctx context.Context, st org.Store, dealer org.DealerID, after int64) ([]org.Event, error) {
	var out []org.Event
	for {
		evs, err := st.Events(ctx, dealer, after, org.MaxPage)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
		if len(evs) < org.MaxPage {
			return out, nil
		}
		after = evs[len(evs)-1].Seq
	}
}

// diff shows the lines of a that b has not and the other way round.
func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for _, l := range al {
		if !slices.Contains(bl, l) {
			fmt.Fprintf(&out, "- %.2000s\n", l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			fmt.Fprintf(&out, "+ %.2000s\n", l)
		}
	}
	return out.String()
}

// sentinels are the errors every outcome is told by.
var sentinels = []struct {
	name string
	err  error
}{
	{"not_found", org.ErrNotFound},
	{"conflict", org.ErrConflict},
	{"stale", org.ErrStale},
	{"forbidden", org.ErrForbidden},
	{"invalid", org.ErrInvalid},
	{"invalid_transition", org.ErrInvalidTransition},
	{"unavailable", org.ErrUnavailable},
}

// outcome describes err as the comparison between stores sees it:
// success, or the sentinels it matches, with a validation error's fields
// and a refusal's blockers. typed is false for an error that matches no
// sentinel and is neither a *org.ValidationError nor a *org.RefusalError.
func outcome(err error) (desc string, typed bool) {
	if err == nil {
		return "ok", true
	}
	var parts []string
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			parts = append(parts, s.name)
		}
	}
	typed = len(parts) > 0
	var ve *org.ValidationError
	if errors.As(err, &ve) {
		typed = true
		var fs []string
		for _, f := range ve.Fields {
			fs = append(fs, f.Path+":"+f.Code)
		}
		sort.Strings(fs)
		parts = append(parts, "fields="+strings.Join(fs, ","))
	}
	var re *org.RefusalError
	if errors.As(err, &re) {
		typed = true
		var bs []string
		for _, b := range re.Blockers {
			bs = append(bs, b.Rule)
		}
		sort.Strings(bs)
		parts = append(parts, "blockers="+strings.Join(bs, ","))
	}
	return strings.Join(parts, " "), typed
}

// command is one decoded command: its name, the dealer it is for, and how
// to run it on a world. Decoding reads every field first, so both worlds
// run the very same command.
type command struct {
	name   string
	dealer org.DealerID
	args   []any
	run    func(w *world) error
}

// decoder reads one command's fields from the input.
type decoder struct {
	name   string
	decode func(in *input, now time.Time) command
}

// call runs c on w, turning a panic into a failure with its stack.
func call(t *testing.T, w *world, c command) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s on %s panicked: %v\ncommand: %s\n%s", c.name, w.name, p, describe(c), debug.Stack())
		}
	}()
	return c.run(w)
}

// describe prints a command's fields for a failure's message, each cut
// short.
func describe(c command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s dealer=%q", c.name, c.dealer)
	for _, a := range c.args {
		s := fmt.Sprintf("%+v", a)
		if len(s) > 600 {
			s = s[:600] + fmt.Sprintf("...(%d bytes)", len(s))
		}
		fmt.Fprintf(&b, "\n  %q", s)
	}
	return b.String()
}

// fuzz runs the target: the command the bytes decode to, on both worlds.
func (tg *target) fuzz(f *testing.F, decoders []decoder) {
	f.Fuzz(func(t *testing.T, data []byte) { tg.run(t, decoders, data) })
}

// run decodes data into a command, runs it on a fresh pair of worlds and
// checks it: a typed error or success, no panic, nothing written on error,
// the same outcome on both stores and, on success, the same records. It
// returns each world's error.
func (tg *target) run(t *testing.T, decoders []decoder, data []byte) (errs [2]error) {
	t.Helper()
	in := &input{b: data}
	dc := decoders[in.intn(len(decoders))]
	c := dc.decode(in, tg.now)
	c.name = dc.name
	ws := tg.worlds(t)
	var outs [2]string
	for i, w := range ws {
		err := call(t, w, c)
		errs[i] = err
		out, typed := outcome(err)
		outs[i] = out
		if !typed {
			t.Fatalf("%s on %s: untyped error %T: %v\ncommand: %s", c.name, w.name, err, err, describe(c))
		}
		if err == nil {
			continue
		}
		// Nothing written: on SQLite an empty log says so for every
		// table at once; the records are compared when it is not empty,
		// and always on memstore.
		if w.wal != "" && walSize(t, w.wal) == 0 {
			continue
		}
		if after := tg.snapshot(w); !reflect.DeepEqual(after, tg.before[i]) {
			t.Fatalf("%s on %s failed (%v) but wrote:\n%s\ncommand: %s", c.name, w.name, err, diff(tg.before[i].String(), after.String()), describe(c))
		}
		if other(c.dealer) {
			m := records{}
			tg.dealerRecords(w, c.dealer, m)
			if evs, _ := m[string(c.dealer)+"/events"].([]org.Event); len(evs) > 0 || m[string(c.dealer)+"/dealer"] != "not found" {
				t.Fatalf("%s on %s failed (%v) but wrote dealer %q:\n%s\ncommand: %s", c.name, w.name, err, c.dealer, m, describe(c))
			}
		}
	}
	t.Logf("%s: %s", c.name, outs[0])
	if outs[0] != outs[1] {
		t.Fatalf("%s: memstore and SQLite disagree:\nmemstore: %s\nsqlite:   %s\ncommand: %s", c.name, outs[0], outs[1], describe(c))
	}
	if outs[0] != "ok" {
		return
	}
	ra, rb := tg.snapshot(ws[0]), tg.snapshot(ws[1])
	if other(c.dealer) {
		tg.dealerRecords(ws[0], c.dealer, ra)
		tg.dealerRecords(ws[1], c.dealer, rb)
	}
	if a, b := ra.String(), rb.String(); a != b {
		t.Fatalf("%s succeeded, but memstore and SQLite hold different records:\n%s\ncommand: %s", c.name, diff(a, b), describe(c))
	}
	return errs
}

// Seed encoding: the bytes that make input pick what a seed wants.

// enc joins the parts of a seed.
func enc(parts ...any) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		switch p := p.(type) {
		case byte:
			b.WriteByte(p)
		case int:
			b.WriteByte(byte(p))
		case []byte:
			b.Write(p)
		case string:
			b.Write(lit(p))
		default:
			panic(fmt.Sprintf("enc: %T", p))
		}
	}
	return b.Bytes()
}

// lit is a literal string for input.str.
func lit(s string) []byte {
	n := len(s)
	return append([]byte{255, byte(n >> 16), byte(n >> 8), byte(n)}, s...)
}

// litDec is a literal decimal for input.dec.
func litDec(s string) []byte { return append([]byte{255, byte(len(s))}, s...) }

// litTime is a literal instant for input.time.
func litTime(t time.Time) []byte {
	s, ns := t.Unix(), t.Nanosecond()
	b := []byte{255}
	for i := 7; i >= 0; i-- {
		b = append(b, byte(s>>(8*i)))
	}
	for i := 3; i >= 0; i-- {
		b = append(b, byte(ns>>(8*i)))
	}
	return b
}

// cmdIndex is the byte that picks the decoder named name.
func cmdIndex(ds []decoder, name string) byte {
	for i, d := range ds {
		if d.name == name {
			return byte(i)
		}
	}
	panic("no decoder " + name)
}

// actorByte is the byte that makes input.actor pick a.
func actorByte(a org.Actor) byte {
	i := slices.Index(actors, a)
	if i < 0 {
		panic(fmt.Sprintf("no actor %v", a))
	}
	return byte(i + len(actors)) // not 0, which picks the command's default
}
