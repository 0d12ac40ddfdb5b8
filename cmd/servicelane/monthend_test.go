package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
)

var (
	meNov   = org.Month{Year: 2026, Month: time.November}
	meAdmin = org.Admin("cli-test")
	meLin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	taipei  = time.FixedZone("CST", 8*3600)
)

// laneDB is a migrated database the command is run on, and the services
// that seed it, on a clock in November 2026.
type laneDB struct {
	t     *testing.T
	flag  string // "-db" or "-dsn"
	where string // the file or the DSN
	store *sqlstore.Store
	orgs  *org.Service
	apr   *appraisal.Service
	pol   *policy.Service
}

// sqliteLane migrates a new SQLite file with the command itself.
func sqliteLane(t *testing.T) *laneDB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lane.db")
	code, _, stderr := cli(t, "migrate", "-db", path)
	require.Equal(t, exitOK, code, stderr)
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return newLaneDB(t, db, sqlstore.SQLite, "-db", path)
}

// postgresLane migrates a new PostgreSQL schema with the command itself;
// it skips the test when SERVICELANE_POSTGRES_DSN is not set.
func postgresLane(t *testing.T) *laneDB {
	t.Helper()
	dsn := testdb.PostgresDSN(t)
	code, _, stderr := cli(t, "migrate", "-dsn", dsn)
	require.Equal(t, exitOK, code, stderr)
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return newLaneDB(t, db, sqlstore.Postgres, "-dsn", dsn)
}

func newLaneDB(t *testing.T, db *sql.DB, d sqlstore.Dialect, flag, where string) *laneDB {
	t.Helper()
	st, err := sqlstore.New(db, d)
	require.NoError(t, err)
	svc, err := wire.New(st, wire.Options{Clock: org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))})
	require.NoError(t, err)
	return &laneDB{t: t, flag: flag, where: where, store: st, orgs: svc.Org, apr: svc.Appraisal, pol: svc.Policy}
}

// dealer seeds a dealer's month: the roster (supervisor lin; advisors
// chen, wang and huang; technician wu), the policy, and, when cycle is
// set, November's appraisal cycle. Chen closes two orders surveyed 5 and
// 4, wang one surveyed 3 and leaves one open, huang has none. The roster,
// cycle and policy go through the services; the orders and surveys are
// written through servicedesk.Store.Commit, as the lane leaves them.
func (l *laneDB) dealer(id org.DealerID, cycle bool) {
	t, ctx := l.t, l.t.Context()
	t.Helper()
	_, err := l.orgs.CreateDealer(ctx, meAdmin, org.NewDealer{ID: id, Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor, BonusBase: decimal.NewFromInt(10000)},
		{ID: "wang", Name: "Wang Ling 王玲", Role: org.RoleAdvisor, BonusBase: decimal.NewFromInt(10000)},
		{ID: "huang", Name: "Huang Jie 黃傑", Role: org.RoleAdvisor, BonusBase: decimal.NewFromInt(10000)},
		{ID: "wu", Name: "Wu Da-wei 吳大偉", Role: org.RoleTechnician},
	} {
		_, err := l.orgs.AddEmployee(ctx, id, meAdmin, e)
		require.NoError(t, err)
	}
	if cycle {
		_, err = l.apr.OpenCycle(ctx, id, meLin, appraisal.OpenInput{Month: meNov, Plan: appraisal.DefaultPlan()})
		require.NoError(t, err)
	}
	_, err = l.pol.SavePolicy(ctx, id, meLin, policy.Default("TWD"), true)
	require.NoError(t, err)
	var c servicedesk.Change
	for i, o := range []struct {
		advisor org.EmployeeID
		score   string
	}{{"chen", "5"}, {"chen", "4"}, {"wang", "3"}} {
		w, sv, st := closedOrder(id, servicedesk.WorkOrderID(fmt.Sprintf("RO-%04d", i+1)), o.advisor, i, o.score)
		c.WorkOrders, c.Surveys = append(c.WorkOrders, w), append(c.Surveys, sv)
		c.Billing.Settlements = append(c.Billing.Settlements, st)
	}
	open := time.Date(2026, 11, 20, 9, 0, 0, 0, taipei).UTC()
	c.WorkOrders = append(c.WorkOrders, servicedesk.WorkOrder{DealerID: id, ID: "RO-0004", State: servicedesk.StateReceived, Advisor: "wang",
		Channel: servicedesk.ChannelWalkIn, Customer: servicedesk.Customer{Name: "Open Case", Phone: "0912-000-222"},
		Vehicle:  servicedesk.Vehicle{Make: "Honda", Model: "Fit", Year: 2020, Plate: "XYZ-0004", MileageIn: 1000},
		Concerns: []servicedesk.Concern{{ID: "c1", Text: "noise"}}, Transport: servicedesk.TransportWaiter,
		Version: 1, OpenedAt: open, UpdatedAt: open})
	require.NoError(t, l.store.ServiceDesk().Commit(ctx, id, c))
}

// closedOrder is order id of advisor as the lane leaves it closed on the
// day-th working day of November: booked and kept, inspected, settled,
// delivered, its survey answered with score on 1 to 5 the next day.
func closedOrder(dealer org.DealerID, id servicedesk.WorkOrderID, advisor org.EmployeeID, day int, score string) (servicedesk.WorkOrder, servicedesk.Survey, billing.Settlement) {
	opened := time.Date(2026, 11, 2+day, 8, 30, 0, 0, taipei).UTC()
	at := func(m int) time.Time { return opened.Add(time.Duration(m) * time.Minute) }
	total := decimal.RequireFromString("600")
	w := servicedesk.WorkOrder{DealerID: dealer, ID: id, State: servicedesk.StateClosed, Advisor: advisor, Channel: servicedesk.ChannelWalkIn,
		Customer:  servicedesk.Customer{Name: "Kao " + string(id), Phone: "0912-000-111"},
		Vehicle:   servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, Plate: "ABC-" + string(id[3:]), MileageIn: 42000, MileageOut: 42002},
		Concerns:  []servicedesk.Concern{{ID: "c1", Text: "oil change due"}},
		Transport: servicedesk.TransportWaiter,
		Findings:  []servicedesk.Finding{{ConcernID: "c1", Cause: "due", Correction: "oil", Advisor: advisor, Technician: "wu", At: at(20)}},
		Jobs: []servicedesk.Job{{ID: "j1", ConcernID: "c1", Title: "Oil", Hours: decimal.RequireFromString("0.5"), Total: total, Status: servicedesk.JobDone,
			Lines: []servicedesk.Line{{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: decimal.RequireFromString("0.5"),
				UnitPrice: decimal.RequireFromString("1200"), Amount: total}}}},
		Approvals: []servicedesk.Approval{{Approved: []string{"j1"}, ApprovedBy: "Kao", Method: servicedesk.ApprovalSignature,
			Evidence: servicedesk.ConsentEvidence{Reference: "signed " + string(id)}, Total: total, NewTotal: total, RecordedBy: advisor, At: at(40)}},
		Booking:      &servicedesk.Booking{Technician: "wu", Start: at(60), End: at(120), Outcome: servicedesk.OutcomeKept},
		Inspections:  []servicedesk.Inspection{{By: advisor, At: at(130), Passed: true, Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}}},
		Explanation:  "Changed the oil.",
		ReadyAt:      at(140),
		Settlement:   "settle-" + string(id),
		SettledTotal: total,
		SettledAt:    at(150),
		DeliveredAt:  at(160),
		Version:      1, OpenedAt: opened, UpdatedAt: at(170),
	}
	sv := servicedesk.Survey{DealerID: dealer, WorkOrder: id, Advisor: advisor, Score: decimal.RequireFromString(score),
		ScaleMin: decimal.NewFromInt(1), ScaleMax: decimal.NewFromInt(5), Source: servicedesk.SurveyByCall, AnsweredAt: at(24 * 60),
		RecordedBy: meLin, Version: 1}
	st := billing.Settlement{DealerID: dealer, Key: "settle-" + string(id), WorkOrder: string(id), Advisor: advisor,
		Confirmation: billing.Confirmation{By: "Kao", Method: "signature"}, Payments: []billing.Payment{{Method: billing.PayCard, Amount: total}},
		Due: total, Paid: total, SettledAt: at(150), SettledBy: org.Actor{ID: advisor, Role: org.RoleAdvisor}, Version: 1}
	return w, sv, st
}

// monthend runs the command on l for November as lin.
func (l *laneDB) monthend(args ...string) (int, string, string) {
	l.t.Helper()
	return cli(l.t, append([]string{"monthend", l.flag, l.where, "-month", "2026-11", "-actor", "supervisor:lin"}, args...)...)
}

func advisorIDs(r monthend.Report) []string {
	var ids []string
	for _, a := range r.Advisors {
		ids = append(ids, string(a.Employee))
	}
	return ids
}

// One dealer: the month-end through every step, each format, and a second
// run that finds every step done.
func TestMonthend_one_dealer(t *testing.T) {
	t.Parallel()
	for _, b := range []struct {
		name string
		open func(*testing.T) *laneDB
	}{{"sqlite", sqliteLane}, {"postgres", postgresLane}} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			l := b.open(t)
			l.dealer("d1", true)

			code, stdout, stderr := l.monthend("-dealer", "d1", "-format", "json")
			require.Equal(t, exitOK, code, stderr)
			assert.Empty(t, stderr, "one dealer: no progress lines")
			var rep monthend.Report
			require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
			assert.Equal(t, org.DealerID("d1"), rep.Dealer)
			assert.Equal(t, appraisal.CycleFinalized, rep.State)
			assert.Equal(t, monthend.StepEvaluated, rep.Reached)
			require.NotNil(t, rep.Evaluation)
			assert.Equal(t, []string{"chen", "huang", "wang"}, advisorIDs(rep))
			require.NotNil(t, rep.Advisors[0].Appraisal, "chen is scored")
			assert.Equal(t, 2, rep.Advisors[0].Figures.Surveys)
			assert.Equal(t, "87.5", rep.Advisors[0].Figures.Satisfaction.String(), "surveys of 5 and 4 on 1..5")
			assert.Contains(t, codesOf(rep.Warnings), "orders_open")

			// Run again: every step is found done; the text report in both languages.
			code, stdout, stderr = l.monthend("-dealer", "d1")
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stdout, "Month-end of 2026-11 for d1 (plan default-2026): final")
			assert.Contains(t, stdout, "Chen Wei 陳偉")
			assert.Contains(t, stdout, "1 order opened this month is still open")
			code, stdout, _ = l.monthend("-dealer", "d1", "-lang", "zh-Hant")
			require.Equal(t, exitOK, code)
			assert.Contains(t, stdout, "d1 2026-11 月結（考核方案 default-2026）：已定案")
			assert.Contains(t, stdout, "本月無工單", "huang had no orders")

			code, stdout, _ = l.monthend("-dealer", "d1", "-format", "csv")
			require.Equal(t, exitOK, code)
			rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 4, "the header and three advisors")
			assert.Equal(t, []string{"dealer", "month", "employee", "name"}, rows[0][:4])
			assert.Equal(t, []string{"d1", "2026-11", "chen", "Chen Wei 陳偉"}, rows[1][:4])
			assert.Equal(t, "2", rows[1][8], "chen's surveys")
		})
	}
}

// -through scored leaves the calibration window; the next run finalises.
func TestMonthend_through_scored_then_finish(t *testing.T) {
	t.Parallel()
	l := sqliteLane(t)
	l.dealer("d1", true)
	code, stdout, stderr := l.monthend("-dealer", "d1", "-through", "scored", "-format", "json")
	require.Equal(t, exitOK, code, stderr)
	var rep monthend.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, appraisal.CycleScored, rep.State)
	assert.Nil(t, rep.Evaluation)
	assert.Contains(t, codesOf(rep.Warnings), "calibration_window")

	code, stdout, stderr = l.monthend("-dealer", "d1", "-format", "json")
	require.Equal(t, exitOK, code, stderr)
	rep = monthend.Report{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, appraisal.CycleFinalized, rep.State)
	require.Len(t, rep.Steps, 4)
	assert.True(t, rep.Steps[0].Skipped && rep.Steps[1].Skipped, "rated and scored before")
	assert.False(t, rep.Steps[2].Skipped)
}

// One dealer that cannot run: exit 1 and the problem on stderr (and as
// JSON on stdout with -format json).
func TestMonthend_one_dealer_fails(t *testing.T) {
	t.Parallel()
	l := sqliteLane(t)
	l.dealer("d1", false) // no appraisal cycle
	code, stdout, stderr := l.monthend("-dealer", "d1")
	assert.Equal(t, exitProblem, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "servicelane: monthend: dealer d1: Not allowed now (409 invalid_transition)")
	assert.Contains(t, stderr, "    R6.2_cycle_open: the appraisal cycle of 2026-11 is not open: open it with its plan first\n")

	code, stdout, stderr = l.monthend("-dealer", "d1", "-format", "json", "-lang", "zh-Hant")
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, stderr, "目前狀態不允許此操作")
	var fail struct {
		Dealer  string      `json:"dealer"`
		Problem org.Problem `json:"problem"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &fail))
	assert.Equal(t, "d1", fail.Dealer)
	assert.Equal(t, org.ProblemInvalidTransition, fail.Problem.Code)
	assert.Equal(t, "目前狀態不允許此操作", fail.Problem.Title)

	code, _, stderr = cli(t, "monthend", "-db", l.where, "-month", "2026-11", "-dealer", "d1", "-actor", "supervisor:ghost")
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, stderr, "dealer d1: Not allowed for this actor (403 forbidden)")
	assert.Contains(t, stderr, "    error: monthend: run:", "the operator is told why")
}

// A dealer group: progress per dealer on stderr, the reports of those that
// ran, each failure's problem, exit 1.
func TestMonthend_group_with_failing_dealers(t *testing.T) {
	t.Parallel()
	for _, b := range []struct {
		name string
		open func(*testing.T) *laneDB
	}{{"sqlite", sqliteLane}, {"postgres", postgresLane}} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			l := b.open(t)
			l.dealer("d1", true)
			l.dealer("d2", true)
			l.dealer("d3", false) // no cycle
			code, stdout, stderr := l.monthend("-dealer", "d1,d2", "-dealer", "d3", "-dealer", "nowhere", "-concurrency", "2", "-format", "json")
			require.Equal(t, exitProblem, code, stderr)
			var g monthend.GroupReport
			require.NoError(t, json.Unmarshal([]byte(stdout), &g), stdout)
			require.Len(t, g.Reports, 2)
			assert.Equal(t, org.DealerID("d1"), g.Reports[0].Dealer, "reports in the order named")
			assert.Equal(t, org.DealerID("d2"), g.Reports[1].Dealer)
			require.Len(t, g.Failures, 2)
			assert.Equal(t, org.DealerID("d3"), g.Failures[0].Dealer)
			assert.Equal(t, org.ProblemInvalidTransition, g.Failures[0].Problem.Code)
			assert.Equal(t, org.DealerID("nowhere"), g.Failures[1].Dealer)
			assert.Equal(t, 403, g.Failures[1].Problem.Status)
			assert.Equal(t, monthend.GroupSummary{Dealers: 4, Failed: 2, Advisors: 6, Scored: 6, Failing: g.Summary.Failing,
				Decisions: g.Summary.Decisions, Warnings: 2}, g.Summary)

			progress := regexp.MustCompile(`(?m)^\d/4 dealers( \(\d failed\))?, \d+ advisors, [0-9.]+m?s$`).FindAllString(stderr, -1)
			assert.Len(t, progress, 4, "a progress line per dealer: %s", stderr)
			assert.Contains(t, stderr, "4/4 dealers (2 failed), 6 advisors, ")
			assert.Contains(t, stderr, "servicelane: monthend: dealer d3: Not allowed now (409 invalid_transition)")
			assert.Contains(t, stderr, "servicelane: monthend: dealer nowhere: Not allowed for this actor (403 forbidden)")
			assert.Regexp(t, `monthend 2026-11: 4 dealers, 2 failed, 6 advisors, 6 scored, \d+ failing, \d+ decisions, 2 warnings, `, stderr)

			// Text and CSV of the same group (every step now found done).
			code, stdout, _ = l.monthend("-dealer", "d1,d2,d3")
			assert.Equal(t, exitProblem, code)
			assert.Equal(t, 2, strings.Count(stdout, "Month-end of 2026-11 for "), stdout)
			assert.Contains(t, stdout, "Month-end of 2026-11 for d2")
			code, stdout, _ = l.monthend("-dealer", "d1,d2", "-format", "csv")
			require.Equal(t, exitOK, code)
			rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 1+6, "one header for the group")
			assert.Equal(t, "dealer", rows[0][0])
			assert.Equal(t, []string{"d1", "d1", "d1", "d2", "d2", "d2"}, []string{rows[1][0], rows[2][0], rows[3][0], rows[4][0], rows[5][0], rows[6][0]})
		})
	}
}

// Usage errors exit 2 before touching a database.
func TestMonthend_usage(t *testing.T) {
	t.Parallel()
	l := sqliteLane(t)
	empty := filepath.Join(t.TempDir(), "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	missing := filepath.Join(t.TempDir(), "missing.db")
	ok := []string{"-db", l.where, "-month", "2026-11", "-dealer", "d1", "-actor", "supervisor:lin"}
	with := func(extra ...string) []string { return append(append([]string{}, ok...), extra...) }
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no database", []string{"-month", "2026-11", "-dealer", "d1", "-actor", "supervisor:lin"}, "exactly one of -db FILE or -dsn URL"},
		{"two databases", with("-dsn", "postgres://x"), "exactly one of -db FILE or -dsn URL"},
		{"no dealer", []string{"-db", l.where, "-month", "2026-11", "-actor", "supervisor:lin"}, "name the dealer with -dealer ID"},
		{"-all", with("-all"), "-all is not available: org.Store cannot list a database's dealers"},
		{"empty dealer", with("-dealer", "d2,"), "empty dealer ID"},
		{"dealer twice", with("-dealer", "d1"), "dealer d1 is named twice"},
		{"no month", []string{"-db", l.where, "-dealer", "d1", "-actor", "supervisor:lin"}, "-month YYYY-MM is required"},
		{"bad month", with("-month", "2026-13"), `-month is YYYY-MM, not "2026-13"`},
		{"no actor", []string{"-db", l.where, "-month", "2026-11", "-dealer", "d1"}, "-actor supervisor:ID is required"},
		{"advisor actor", with("-actor", "advisor:chen"), `-actor is "supervisor:ID", not "advisor:chen"`},
		{"bad actor", with("-actor", "lin"), `-actor is "supervisor:ID", not "lin"`},
		{"bad step", with("-through", "later"), `-through is rated, scored, finalized or evaluated, not "later"`},
		{"bad format", with("-format", "xml"), `-format is text, csv or json, not "xml"`},
		{"bad lang", with("-lang", "fr"), `-lang is en or zh-Hant, not "fr"`},
		{"bad concurrency", with("-concurrency", "0"), "-concurrency is at least 1, not 0"},
		{"bad flag", with("-nope"), "flag provided but not defined: -nope"},
		{"arguments", with("extra"), `unexpected arguments ["extra"]`},
		{"missing file", []string{"-db", missing, "-month", "2026-11", "-dealer", "d1", "-actor", "supervisor:lin"}, "no such file or directory (create it with servicelane migrate -db"},
		{"empty database", []string{"-db", empty, "-month", "2026-11", "-dealer", "d1", "-actor", "supervisor:lin"}, "has no servicelane schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, append([]string{"monthend"}, tt.args...)...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
	_, err := os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a missing file is not created")
	v, err := versionOf(t, empty)
	require.NoError(t, err)
	assert.Zero(t, v, "an empty database is left empty")

	code, stdout, _ := cli(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "  monthend [-db FILE | -dsn URL] -month YYYY-MM -dealer ID")
}

func versionOf(t *testing.T, path string) (int, error) {
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	require.NoError(t, err)
	defer db.Close()
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	return s.SchemaVersion(context.Background())
}

func codesOf(ns []monthend.Note) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Code)
	}
	return out
}
