package bench_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// Goal "SQLite settle, WAL and synchronous=NORMAL on both sides": the
// SDK's billing.Service.Settle through sqlstore (reconcile, number,
// issue the invoice, record the settlement, audit: one transaction, as
// billing/settle_bench_test.go's BenchmarkSettle) beside raw
// modernc.org/sqlite writing the same rows: the settlement, the document,
// the series, the event counter and the two audit events, with statements
// prepared once, in one BEGIN IMMEDIATE transaction. Both databases are
// created by sqlstore's migrations (WAL) and opened with sqlstore's DSN
// plus synchronous=NORMAL. The raw side encodes the same records as JSON
// per transaction, from the records the SDK's Prepare built once at
// setup; it reads nothing, checks nothing and reconciles nothing.
// TestRawSettleAgrees proves sqlstore reads the raw rows back as the
// SDK's. The issue asks for at least 0.8x raw's transactions per second
// (ours/peer time at most 1.25).

// settleDSN is the DSN of both sides.
func settleDSN(path string) string {
	return sqlstore.SQLiteDSN(path) + "&_pragma=synchronous(NORMAL)"
}

// settleEnv is a migrated SQLite database with the dealer, advisor chen
// and an active price book, set up through the services.
type settleEnv struct {
	ctx   context.Context
	db    *sql.DB
	store *sqlstore.Store
	svc   *billing.Service
	bill  billing.Bill
}

var settleSetupAt = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

func newSettleEnv(tb testing.TB) *settleEnv {
	tb.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", settleDSN(filepath.Join(tb.TempDir(), "bench.db")))
	must(tb, err)
	tb.Cleanup(func() { _ = db.Close() })
	st, err := sqlstore.New(db, sqlstore.SQLite)
	must(tb, err)
	must(tb, st.Migrate(ctx))
	clock := org.NewManualClock(settleSetupAt)
	roster, err := org.NewService(org.Config{Store: st, Clock: clock, IDs: org.SequentialIDs("org")})
	must(tb, err)
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Bench Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	must(tb, err)
	_, err = roster.AddEmployee(ctx, dealer, admin, org.NewEmployee{ID: "chen", Name: "Chen", Role: org.RoleAdvisor})
	must(tb, err)
	svc, err := billing.NewService(billing.Config{Store: st.Billing(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("bill")})
	must(tb, err)
	// The book of billing's own BenchmarkSettle.
	book, err := billing.LoadPriceBookFile("../billing/testdata/pricebooks/taipei.yaml")
	must(tb, err)
	_, err = svc.SavePriceBook(ctx, dealer, admin, book, true)
	must(tb, err)
	order := billing.Order{WorkOrder: "wo", Jobs: []billing.Job{{ID: "j1", Title: "brakes", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "BRK-01"}}, Parts: []billing.PartItem{{Number: "PAD-F", Description: "pads", Quantity: d("1"), Sell: d("2450")}}}}}
	bill, err := billing.Price(book, order)
	must(tb, err)
	return &settleEnv{ctx: ctx, db: db, store: st, svc: svc, bill: bill}
}

// input is the settlement of order i, key k<i>.
func (e *settleEnv) input(i int) billing.SettleInput {
	cust, _ := e.bill.Payer(billing.PayCustomer)
	return billing.SettleInput{Key: fmt.Sprintf("k%d", i), WorkOrder: fmt.Sprintf("wo%d", i), Advisor: "chen", Bill: e.bill,
		Submitted: []billing.WorkLine{{Job: "j1", Kind: billing.KindLabor, Code: "BRK-01", PayType: billing.PayCustomer},
			{Job: "j1", Kind: billing.KindPart, Code: "PAD-F", PayType: billing.PayCustomer, Quantity: d("1")}},
		ApprovedJobs: []string{"j1"}, Confirmation: billing.Confirmation{By: "Kao", Method: "signature"},
		Payments: []billing.Payment{{Method: billing.PayCard, Amount: cust.Total}}}
}

// rawSettler writes settlements with raw modernc.org/sqlite: one
// connection, every statement prepared once.
type rawSettler struct {
	ctx                                              context.Context
	conn                                             *sql.Conn
	begin, commit, rollback                          *sql.Stmt
	insSettlement, insDocument, insSeries, updSeries *sql.Stmt
	bumpSeq, insEvent                                *sql.Stmt
	tmpl                                             billing.Prepared
	digits                                           int
	series                                           billing.Series // as stored; Version 0: not yet
	events                                           int
}

const rawTimeLayout = "2006-01-02T15:04:05.000000Z" // sqlstore's for SQLite

// newRawSettler prepares the statements on a connection of e's database,
// and takes as template the records the SDK's Prepare builds for the
// first settlement (Prepare reads, it writes nothing).
func newRawSettler(tb testing.TB, e *settleEnv) *rawSettler {
	tb.Helper()
	p, err := e.svc.Prepare(e.ctx, dealer, chen, e.input(0))
	must(tb, err)
	if len(p.Documents) != 1 || len(p.Change.Series) != 1 || len(p.Change.Events) != 2 || p.Change.Series[0].Version != 1 {
		tb.Fatalf("the template settlement has %d documents, %d series, %d events", len(p.Documents), len(p.Change.Series), len(p.Change.Events))
	}
	conn, err := e.db.Conn(e.ctx)
	must(tb, err)
	tb.Cleanup(func() { _ = conn.Close() })
	r := &rawSettler{ctx: e.ctx, conn: conn, tmpl: p, digits: len(p.Documents[0].ID) - len(p.Documents[0].Series) - 1,
		series: billing.Series{DealerID: dealer, Name: p.Documents[0].Series, Next: p.Documents[0].Number}}
	prep := func(q string) *sql.Stmt {
		s, err := conn.PrepareContext(e.ctx, q)
		must(tb, err)
		tb.Cleanup(func() { _ = s.Close() })
		return s
	}
	r.begin, r.commit, r.rollback = prep(`BEGIN IMMEDIATE`), prep(`COMMIT`), prep(`ROLLBACK`)
	r.insSettlement = prep(`INSERT INTO settlements (dealer_id, key, advisor, settled_at, version, doc) VALUES (?, ?, ?, ?, ?, ?)`)
	r.insDocument = prep(`INSERT INTO documents (dealer_id, id, work_order, kind, issued_at, series, number, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	r.insSeries = prep(`INSERT INTO series (dealer_id, name, next, version) VALUES (?, ?, ?, ?)`)
	r.updSeries = prep(`UPDATE series SET next = ?, version = ? WHERE dealer_id = ? AND name = ? AND version = ?`)
	r.bumpSeq = prep(`INSERT INTO event_seq (dealer_id, last_seq) VALUES (?, ?)
		ON CONFLICT (dealer_id) DO UPDATE SET last_seq = event_seq.last_seq + excluded.last_seq RETURNING last_seq`)
	r.insEvent = prep(`INSERT INTO events (dealer_id, seq, id, occurred_at, actor_id, actor_role, type, subject, reason, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	return r
}

// settle writes the settlement of key for work order wo: the template's
// records with this key, order and the next number.
func (r *rawSettler) settle(key, wo string) (err error) {
	st, doc := r.tmpl.Settlement, r.tmpl.Documents[0]
	num := r.series.Next
	id := billing.DocumentID(fmt.Sprintf("%s-%0*d", r.series.Name, r.digits, num))
	st.Key, st.WorkOrder, st.Documents = key, wo, []billing.DocumentID{id}
	doc.ID, doc.Number, doc.WorkOrder, doc.Settlement = id, num, wo, key
	stDoc, err := json.Marshal(&st)
	if err != nil {
		return err
	}
	docDoc, err := json.Marshal(&doc)
	if err != nil {
		return err
	}
	settled, err := json.Marshal(map[string]any{"work_order": wo, "documents": st.Documents, "due": st.Due, "paid": st.Paid,
		"change": st.Change, "differences": st.Differences})
	if err != nil {
		return err
	}
	issued, err := json.Marshal(map[string]any{"kind": doc.Kind, "pay_type": doc.PayType, "total": doc.Total, "work_order": wo})
	if err != nil {
		return err
	}
	at := st.SettledAt.UTC().Truncate(time.Microsecond).Format(rawTimeLayout)
	issuedAt := doc.IssuedAt.UTC().Truncate(time.Microsecond).Format(rawTimeLayout)
	ctx := r.ctx
	if _, err := r.begin.ExecContext(ctx); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = r.rollback.ExecContext(ctx)
		}
	}()
	if _, err := r.insSettlement.ExecContext(ctx, dealer, key, string(st.Advisor), at, st.Version, string(stDoc)); err != nil {
		return err
	}
	if _, err := r.insDocument.ExecContext(ctx, dealer, string(id), wo, string(doc.Kind), issuedAt, doc.Series, num, doc.Version, string(docDoc)); err != nil {
		return err
	}
	next := billing.Series{DealerID: dealer, Name: r.series.Name, Next: num + 1, Version: r.series.Version + 1}
	if next.Version == 1 {
		_, err = r.insSeries.ExecContext(ctx, dealer, next.Name, next.Next, next.Version)
	} else {
		var res sql.Result
		res, err = r.updSeries.ExecContext(ctx, next.Next, next.Version, dealer, next.Name, r.series.Version)
		if err == nil {
			if n, _ := res.RowsAffected(); n != 1 {
				err = fmt.Errorf("series %s: version conflict", next.Name)
			}
		}
	}
	if err != nil {
		return err
	}
	var last int64
	if err := r.bumpSeq.QueryRowContext(ctx, dealer, 2).Scan(&last); err != nil {
		return err
	}
	for k, ev := range r.tmpl.Change.Events {
		data, subject := settled, "settlement/"+key
		if k == 1 {
			data, subject = issued, "document/"+string(id)
		}
		r.events++
		if _, err := r.insEvent.ExecContext(ctx, dealer, last-1+int64(k), fmt.Sprintf("raw%d", r.events),
			ev.At.UTC().Truncate(time.Microsecond).Format(rawTimeLayout), ev.Actor.ID, ev.Actor.Role, ev.Type, subject, ev.Reason, string(data)); err != nil {
			return err
		}
	}
	if _, err := r.commit.ExecContext(ctx); err != nil {
		return err
	}
	r.series = next
	return nil
}

// TestRawSettleAgrees: three settlements by the SDK on one database and
// by the raw writer on another, set up alike: sqlstore reads back the same
// settlements, documents, series and events (Seq included; the event IDs
// are each side's own). Both databases are in WAL mode with
// synchronous=NORMAL.
func TestRawSettleAgrees(t *testing.T) {
	sdk, raw := newSettleEnv(t), newSettleEnv(t)
	r := newRawSettler(t, raw)
	for _, e := range []*settleEnv{sdk, raw} {
		var mode string
		var sync int
		must(t, e.db.QueryRowContext(e.ctx, `PRAGMA journal_mode`).Scan(&mode))
		must(t, e.db.QueryRowContext(e.ctx, `PRAGMA synchronous`).Scan(&sync))
		if mode != "wal" || sync != 1 {
			t.Fatalf("journal_mode %s, synchronous %d: want wal and 1 (NORMAL)", mode, sync)
		}
	}
	lastSetup, err := sdk.store.Events(sdk.ctx, dealer, 0, 1000)
	must(t, err)
	after := lastSetup[len(lastSetup)-1].Seq
	for i := range 3 {
		_, _, err := sdk.svc.Settle(sdk.ctx, dealer, chen, sdk.input(i))
		must(t, err)
		in := raw.input(i)
		must(t, r.settle(in.Key, in.WorkOrder))
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		must(t, err)
		return string(b)
	}
	same := func(what string, a, b any) {
		t.Helper()
		if ja, jb := js(a), js(b); ja != jb {
			t.Errorf("%s:\nsdk %s\nraw %s", what, ja, jb)
		}
	}
	bs, br := sdk.store.Billing(), raw.store.Billing()
	for i := range 3 {
		key := fmt.Sprintf("k%d", i)
		ss, err := bs.Settlement(sdk.ctx, dealer, key)
		must(t, err)
		rs, err := br.Settlement(raw.ctx, dealer, key)
		must(t, err)
		same("settlement "+key, ss, rs)
		if len(ss.Documents) != 1 {
			t.Fatalf("settlement %s has %d documents", key, len(ss.Documents))
		}
		sd, err := bs.Document(sdk.ctx, dealer, ss.Documents[0])
		must(t, err)
		rd, err := br.Document(raw.ctx, dealer, ss.Documents[0])
		must(t, err)
		same("document "+string(sd.ID), sd, rd)
	}
	ss, err := bs.Series(sdk.ctx, dealer, "INV")
	must(t, err)
	rs, err := br.Series(raw.ctx, dealer, "INV")
	must(t, err)
	same("series", ss, rs)
	if ss.Next != 4 || ss.Version != 3 {
		t.Fatalf("series %+v after three settlements", ss)
	}
	se, err := bs.Events(sdk.ctx, dealer, after, 1000)
	must(t, err)
	re, err := br.Events(raw.ctx, dealer, after, 1000)
	must(t, err)
	if len(se) != 6 || len(re) != 6 {
		t.Fatalf("%d events by the SDK, %d raw: want 6", len(se), len(re))
	}
	for k := range se {
		if !strings.HasPrefix(re[k].ID, "raw") {
			t.Fatalf("raw event %d has ID %s", k, re[k].ID)
		}
		se[k].ID, re[k].ID = "", ""
		same(fmt.Sprintf("event %d", se[k].Seq), se[k], re[k])
	}
	count := func(e *settleEnv, table string) (n int) {
		must(t, e.db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n))
		return n
	}
	for _, table := range []string{"settlements", "documents", "series", "events", "event_seq"} {
		if a, b := count(sdk, table), count(raw, table); a != b {
			t.Errorf("%s: %d rows by the SDK, %d raw", table, a, b)
		}
	}
}

func BenchmarkSettleSQLite(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		e := newSettleEnv(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, _, err := e.svc.Settle(e.ctx, dealer, chen, e.input(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "tx/s")
	})
	b.Run("raw", func(b *testing.B) {
		e := newSettleEnv(b)
		r := newRawSettler(b, e)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := r.settle(fmt.Sprintf("k%d", i), fmt.Sprintf("wo%d", i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "tx/s")
	})
}
