// Package authz_test runs the authorization matrix of docs/AUTHORIZATION.md:
// every row is a command, every column an actor, every cell an outcome. It
// checks that the table lists every command of every package, and runs the
// cells it can set up on memstore, SQLite and, when SERVICELANE_POSTGRES_DSN
// is set, PostgreSQL (R2.2: one supervision scope).
package authz_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

const tablePath = "../../docs/AUTHORIZATION.md"

// columns are the actors of the table, in its order.
var columns = []string{"employee", "peer", "supervisor", "other supervisor", "technician", "admin"}

// actors are who plays each column on the roster every cell seeds.
var actors = map[string]org.Actor{
	"employee":         {ID: "chen", Role: org.RoleAdvisor},
	"peer":             {ID: "wang", Role: org.RoleAdvisor},
	"supervisor":       {ID: "lin", Role: org.RoleSupervisor},
	"other supervisor": {ID: "kuo", Role: org.RoleSupervisor},
	"technician":       {ID: "wu", Role: org.RoleTechnician},
	"admin":            org.Admin("dms"),
}

// packages are the directories whose commands the table must list.
var packages = []string{"org", "servicedesk", "billing", "appraisal", "training", "policy", "monthend"}

// notCommands take an actor but are checks or queries, not commands.
var notCommands = map[string]bool{
	"org.Authorize": true, "org.Events": true, "org.AuthorizeOver": true, "org.Overseen": true, "org.AuthorizeDepartment": true, "servicedesk.Permitted": true,
	// org's roster reads: the same section; org's reads_test.go runs them.
	"org.Dealer": true, "org.Employee": true, "org.Employees": true, "org.Roster": true, "org.SupervisorOf": true, "org.Reports": true,
	// org's career reads (R5.5): the same section; org's moves_test.go runs them.
	"org.Move": true, "org.Moves": true,
	// servicedesk's reads: docs/AUTHORIZATION.md, "Reads: who sees what"; servicedesk's reads_test.go runs them.
	"servicedesk.WorkOrder": true, "servicedesk.WorkOrders": true, "servicedesk.Month": true, "servicedesk.Timeline": true,
	"servicedesk.Calendar": true, "servicedesk.DeferredWork": true, "servicedesk.Complaint": true, "servicedesk.Complaints": true,
	"servicedesk.OverdueComplaints": true, "servicedesk.Figures": true, "servicedesk.Survey": true, "servicedesk.Surveys": true,
	// billing's, appraisal's, training's and policy's reads: the same section; each package's visibility_test.go runs them.
	"billing.Replay": true, "billing.ActivePriceBook": true, "billing.Price": true, "billing.Document": true, "billing.DocumentsOf": true, "billing.Settlement": true, "billing.Accuracy": true,
	"appraisal.Appraisals": true, "appraisal.Trend": true, "appraisal.Cycle": true,
	"training.ExpiringWithin": true, "training.Report": true, "training.Completion": true, "training.Plan": true,
	"policy.ActivePolicy": true, "policy.Policies": true, "policy.Incidents": true, "policy.Nominations": true, "policy.Decision": true, "policy.Decisions": true,
}

type row struct {
	pkg, command, variant string
	outcomes              map[string]string
}

func (r row) key() string {
	k := r.pkg + "." + r.command
	if r.variant != "" {
		k += " (" + r.variant + ")"
	}
	return k
}

// readTable parses the matrix of docs/AUTHORIZATION.md.
func readTable(t *testing.T) []row {
	t.Helper()
	f, err := os.Open(tablePath)
	require.NoError(t, err)
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	header := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			header = false
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[0] == "package" {
			require.Equal(t, append([]string{"package", "command", "concerns"}, columns...), cells[:3+len(columns)], "the matrix's columns")
			header = true
			continue
		}
		if !header || strings.HasPrefix(cells[0], "---") {
			continue
		}
		require.GreaterOrEqual(t, len(cells), 3+len(columns), "row %q", line)
		r := row{pkg: cells[0], command: cells[1], outcomes: map[string]string{}}
		if i := strings.Index(r.command, " ("); i >= 0 {
			r.command, r.variant = r.command[:i], strings.TrimSuffix(r.command[i+2:], ")")
		}
		for i, c := range columns {
			o := cells[3+i]
			require.Contains(t, []string{"allowed", "forbidden", "n/a"}, o, "%s: %s", r.key(), c)
			r.outcomes[c] = o
		}
		rows = append(rows, r)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, rows)
	return rows
}

// codeCommands lists the methods of each package's *Service that take an
// org.Actor: the commands.
func codeCommands(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pkg := range packages {
		dir := "../../" + pkg
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		fset := token.NewFileSet()
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
			require.NoError(t, err)
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || !fn.Name.IsExported() || !isService(fn.Recv) || !takesActor(fn) {
					continue
				}
				if name := pkg + "." + fn.Name.Name; !notCommands[name] {
					out = append(out, name)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func isService(recv *ast.FieldList) bool {
	star, ok := recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Service"
}

func takesActor(fn *ast.FuncDecl) bool {
	for _, p := range fn.Type.Params.List {
		switch x := p.Type.(type) {
		case *ast.Ident:
			if x.Name == "Actor" {
				return true
			}
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok && id.Name == "org" && x.Sel.Name == "Actor" {
				return true
			}
		}
	}
	return false
}

// TestMatrixListsEveryCommand: the table and the code name the same
// commands.
func TestMatrixListsEveryCommand(t *testing.T) {
	inTable := map[string]bool{}
	for _, r := range readTable(t) {
		inTable[r.pkg+"."+r.command] = true
	}
	inCode := codeCommands(t)
	for _, c := range inCode {
		if !inTable[c] {
			t.Errorf("%s is a command (a method of Service that takes an org.Actor) missing from %s", c, tablePath)
		}
	}
	for c := range inTable {
		if !slices.Contains(inCode, c) {
			t.Errorf("%s in %s is no command in the code", c, tablePath)
		}
	}
}

// stores is one database behind every service of a cell.
type stores struct {
	org       org.Store
	desk      servicedesk.Store
	appraisal appraisal.Store
	training  training.Store
	policy    policy.Store
}

type backend struct {
	name string
	open func(t *testing.T) stores
}

var backends = []backend{
	{"memstore", func(*testing.T) stores {
		s := memstore.New()
		return stores{s, s.ServiceDesk(), s.Appraisal(), s.Training(), s.Policy()}
	}},
	{"sqlite", func(t *testing.T) stores {
		s := testdb.SQLite(t)
		return stores{s, s.ServiceDesk(), s.Appraisal(), s.Training(), s.Policy()}
	}},
	{"postgres", func(t *testing.T) stores {
		s := testdb.Postgres(t)
		return stores{s, s.ServiceDesk(), s.Appraisal(), s.Training(), s.Policy()}
	}},
}

// cell is one dealer, seeded with the roster of the columns, and the
// services on it.
type cell struct {
	t      *testing.T
	ctx    context.Context
	dealer org.DealerID
	clock  *org.ManualClock
	roster *org.Service
	desk   *servicedesk.Service
	appr   *appraisal.Service
	train  *training.Service
	pol    *policy.Service
	month  *monthend.Service
	key    string // a policy decision's key, for Approve and Reject
}

var (
	nov   = org.Month{Year: 2026, Month: time.November}
	start = time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	jan5  = time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC)
	feb10 = time.Date(2027, 2, 10, 1, 0, 0, 0, time.UTC)
	setup = org.Admin("setup")
	lin   = actors["supervisor"]
	wang  = actors["peer"]
)

func newCell(t *testing.T, st stores, dealer org.DealerID) *cell {
	t.Helper()
	ctx := t.Context()
	c := &cell{t: t, ctx: ctx, dealer: dealer, clock: org.NewManualClock(start)}
	var err error
	c.roster, err = org.NewService(org.Config{Store: st.org, Clock: c.clock, IDs: org.SequentialIDs(string(dealer) + "-r"), Departments: []org.Department{"parts"}})
	require.NoError(t, err)
	// The roster in one commit, as CreateDealer and AddEmployee would
	// write it: a cell's setup is most of the matrix's time on SQLite.
	now := org.Now(c.clock).AddDate(-1, 0, 0) // the roster dates from a year before
	d := org.Dealer{ID: dealer, Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD", Version: 1, CreatedAt: now, UpdatedAt: now}
	var es []org.Employee
	for _, e := range []org.Employee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor, Department: org.DeptServiceAdvisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor, BonusBase: decimal.RequireFromString("10000")},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor},
		{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: "parts"},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician, Department: org.DeptWorkshop},
	} {
		e.DealerID, e.Active, e.Version, e.CreatedAt, e.UpdatedAt = dealer, true, 1, now, now
		es = append(es, e)
	}
	require.NoError(t, st.org.Commit(ctx, dealer, org.Change{Dealer: &d, Employees: es}))
	ids := func(p string) org.IDSource { return org.SequentialIDs(string(dealer) + "-" + p) }
	c.desk, err = servicedesk.NewService(servicedesk.Config{Store: st.desk, Roster: c.roster.Directory(), Clock: c.clock, IDs: ids("s")})
	require.NoError(t, err)
	c.appr, err = appraisal.NewService(appraisal.Config{Store: st.appraisal, Roster: c.roster.Directory(), Clock: c.clock, IDs: ids("a")})
	require.NoError(t, err)
	c.train, err = training.NewService(training.Config{Store: st.training, Roster: c.roster.Directory(), Clock: c.clock, IDs: ids("t")})
	require.NoError(t, err)
	c.pol, err = policy.NewService(policy.Config{Store: st.policy, Roster: c.roster.Directory(), Clock: c.clock, IDs: ids("p")})
	require.NoError(t, err)
	c.month, err = monthend.NewService(monthend.Config{Roster: c.roster.Directory(), Desk: c.desk, Appraisal: c.appr, Policy: c.pol, Org: c.roster})
	require.NoError(t, err)
	return c
}

// must runs a setup step, which must succeed.
func (c *cell) must(_ any, err error) {
	c.t.Helper()
	require.NoError(c.t, err)
}

// command sets up a cell's state (as the setup admin or the supervisor)
// and gives the command as actor.
type command struct {
	setup func(c *cell)
	run   func(c *cell, a org.Actor) error
}

func e1[T any](_ T, err error) error { return err }

var complaintIn = servicedesk.ComplaintInput{ID: "cp1", Advisor: "chen", Customer: &servicedesk.Customer{Name: "Mr. Kao", Phone: "0912-000-111"},
	Description: "waited an hour", Channel: servicedesk.ChannelWalkIn}

func (c *cell) complaint(state servicedesk.ComplaintState) {
	ref := servicedesk.ComplaintRef{ID: "cp1"}
	c.must(c.desk.OpenComplaint(c.ctx, c.dealer, wang, complaintIn))
	if state == servicedesk.ComplaintOpen {
		return
	}
	c.must(c.desk.InvestigateComplaint(c.ctx, c.dealer, lin, ref, servicedesk.InvestigationInput{Notes: "x"}))
	if state == servicedesk.ComplaintInvestigating {
		return
	}
	c.must(c.desk.ResolveComplaint(c.ctx, c.dealer, lin, ref, servicedesk.ResolutionInput{Resolution: "x", CustomerInformed: "x"}))
}

// cycle takes November's appraisal to state, chen failing.
func (c *cell) cycle(state appraisal.CycleState) {
	c.must(c.appr.OpenCycle(c.ctx, c.dealer, lin, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()}))
	if state == appraisal.CycleOpen {
		return
	}
	c.must(c.appr.Rate(c.ctx, c.dealer, lin, appraisal.RateInput{Month: nov, Ratee: "chen", Source: appraisal.SourceSupervisor, KPI: "skill", Value: decimal.NewFromInt(1)}))
	c.must(c.appr.ScoreMonth(c.ctx, c.dealer, lin, nov))
	if state == appraisal.CycleScored {
		return
	}
	c.must(c.appr.Finalize(c.ctx, c.dealer, lin, nov))
}

var goals = []appraisal.Goal{{Text: "daily callbacks", Due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}}

func rate(src appraisal.Source, kpi string) command {
	return command{func(c *cell) { c.cycle(appraisal.CycleOpen) }, func(c *cell, a org.Actor) error {
		in := appraisal.RateInput{Month: nov, Ratee: "chen", Source: src, KPI: kpi, Value: decimal.NewFromInt(4)}
		if src == appraisal.SourceCustomer {
			in.Customer = "survey-1"
		}
		return e1(c.appr.Rate(c.ctx, c.dealer, a, in))
	}}
}

func courses() []training.Course {
	return []training.Course{{ID: "diag", Title: "Fault diagnosis", Category: training.CategoryProfessional, Method: training.MethodInternal,
		Instructor: "Master Lo", Month: time.February, Hours: decimal.NewFromInt(4), Target: training.Target{AllAdvisors: true}, SelfEnrol: true,
		Assessment: training.Assessment{Kind: training.KindExam, PassMark: decimal.NewFromInt(60), Excellent: decimal.NewFromInt(90),
			MaxAttempts: 2, RetakeWindowDays: 14, Counts: training.CountHighest}}}
}

// plan takes the 2027 training to step: "approved", "scheduled",
// "enrolled", "present", "failed".
func (c *cell) plan(step string) {
	steps := []string{"approved", "scheduled", "enrolled", "present", "failed"}
	c.clock.Set(jan5)
	c.must(c.train.SavePlan(c.ctx, c.dealer, lin, training.PlanInput{Year: 2027, Courses: courses()}))
	c.must(c.train.ApprovePlan(c.ctx, c.dealer, lin, 2027))
	at := slices.Index(steps, step)
	if at >= 1 {
		c.must(c.train.ScheduleSession(c.ctx, c.dealer, lin, training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: feb10, Place: "Room 2", Capacity: 5}))
	}
	if at >= 2 {
		c.must(c.train.Enrol(c.ctx, c.dealer, lin, training.EnrolInput{Session: "s1", Employee: "chen"}))
	}
	if at >= 3 {
		c.clock.Set(feb10.Add(5 * time.Hour))
		c.must(c.train.RecordAttendance(c.ctx, c.dealer, lin, training.AttendanceInput{Session: "s1", Employee: "chen", Attendance: training.Present}))
	}
	if at >= 4 {
		c.must(c.train.Assess(c.ctx, c.dealer, lin, training.AssessInput{Session: "s1", Employee: "chen", Result: training.Result{Score: ptr(decimal.NewFromInt(30))}}))
	}
}

func ptr[T any](v T) *T { return &v }

func savePolicy(c *cell) {
	p := policy.Default("TWD")
	p.Version = 1
	c.must(c.pol.SavePolicy(c.ctx, c.dealer, setup, p, true))
}

// decision records a quarrel of chen's and evaluates November: one
// proposed decision about chen.
func decision(c *cell) {
	savePolicy(c)
	c.must(c.pol.RecordIncident(c.ctx, c.dealer, lin, policy.IncidentInput{ID: "q1", Employee: "chen", Kind: policy.CustomerQuarrel, At: start.Add(-24 * time.Hour)}))
	res, err := c.pol.Evaluate(c.ctx, c.dealer, lin, policy.MonthPeriod(nov))
	require.NoError(c.t, err)
	require.Len(c.t, res.Decisions, 1)
	c.key = res.Decisions[0].Key
}

// eligible makes chen eligible for promotion by an approved decision: a
// policy whose one rule (a fixture, not a dealer's rule) proposes the
// eligibility for any recorded quarrel.
func eligible(c *cell) {
	p, err := policy.Load("eligible.yaml", []byte(`
id: eligible
version: 1
currency: TWD
places: 0
rules:
  - id: eligible
    cites: [R5.5]
    title: {en: Eligible, zh: 晉升資格}
    period: month
    when:
      count: {incidents: [customer_quarrel], within_days: 30, at_least: 1}
    then:
      - {kind: promotion_eligibility}
`))
	require.NoError(c.t, err)
	c.must(c.pol.SavePolicy(c.ctx, c.dealer, setup, p, true))
	c.must(c.pol.RecordIncident(c.ctx, c.dealer, lin, policy.IncidentInput{ID: "q1", Employee: "chen", Kind: policy.CustomerQuarrel, At: start.Add(-24 * time.Hour)}))
	res, err := c.pol.Evaluate(c.ctx, c.dealer, lin, policy.MonthPeriod(nov))
	require.NoError(c.t, err)
	require.Len(c.t, res.Decisions, 1)
	c.key = res.Decisions[0].Key
	c.must(c.pol.Approve(c.ctx, c.dealer, lin, policy.DecideInput{Key: c.key}))
}

func incident(kind policy.IncidentKind) command {
	return command{nil, func(c *cell, a org.Actor) error {
		return e1(c.pol.RecordIncident(c.ctx, c.dealer, a, policy.IncidentInput{Employee: "chen", Kind: kind, At: start.Add(-time.Hour)}))
	}}
}

// moveIn transfers chen to the parts department (R5.5).
var moveIn = org.MoveInput{ID: "mv1", Employee: "chen", Kind: org.MoveTransfer, To: org.Position{Department: "parts"},
	Reason: "knows the parts catalogue", Source: "policy decision default/promotion_eligibility/chen/2026-11"}

// commands are the rows the matrix runs, by key.
var commands = map[string]command{
	"org.CreateDealer": {nil, func(c *cell, a org.Actor) error {
		return e1(c.roster.CreateDealer(c.ctx, a, org.NewDealer{ID: c.dealer + "x", Name: "Second", TimeZone: "Asia/Taipei", Currency: "TWD"}))
	}},
	"org.ChangeDealer": {nil, func(c *cell, a org.Actor) error {
		return e1(c.roster.ChangeDealer(c.ctx, a, org.DealerChange{ID: c.dealer, Name: ptr("Taipei Motors 2")}))
	}},
	"org.AddEmployee": {nil, func(c *cell, a org.Actor) error {
		return e1(c.roster.AddEmployee(c.ctx, c.dealer, a, org.NewEmployee{ID: "new", Name: "New", Role: org.RoleAdvisor}))
	}},
	"org.ChangeEmployee": {nil, func(c *cell, a org.Actor) error {
		return e1(c.roster.ChangeEmployee(c.ctx, c.dealer, a, org.EmployeeChange{ID: "chen", Name: ptr("Chen Wei")}))
	}},
	"org.DeactivateEmployee": {nil, func(c *cell, a org.Actor) error {
		return e1(c.roster.DeactivateEmployee(c.ctx, c.dealer, a, org.StatusChange{ID: "chen", Reason: "left"}))
	}},
	"org.ReactivateEmployee": {func(c *cell) {
		c.must(c.roster.DeactivateEmployee(c.ctx, c.dealer, setup, org.StatusChange{ID: "chen", Reason: "left"}))
	}, func(c *cell, a org.Actor) error {
		return e1(c.roster.ReactivateEmployee(c.ctx, c.dealer, a, org.StatusChange{ID: "chen", Reason: "back"}))
	}},

	"org.ProposeMove": {nil, func(c *cell, a org.Actor) error {
		return e1(c.roster.ProposeMove(c.ctx, c.dealer, a, moveIn))
	}},
	"org.DecideMove": {func(c *cell) {
		c.must(c.roster.ProposeMove(c.ctx, c.dealer, lin, moveIn))
	}, func(c *cell, a org.Actor) error {
		return e1(c.roster.DecideMove(c.ctx, c.dealer, a, org.MoveRef{ID: "mv1"}, org.MoveDecision{Approve: true, Reason: "agreed by management"}))
	}},

	"servicedesk.OpenComplaint": {nil, func(c *cell, a org.Actor) error {
		return e1(c.desk.OpenComplaint(c.ctx, c.dealer, a, complaintIn))
	}},
	"servicedesk.ExportCustomer": {func(c *cell) { c.complaint(servicedesk.ComplaintOpen) }, func(c *cell, a org.Actor) error {
		return e1(c.desk.ExportCustomer(c.ctx, c.dealer, a, servicedesk.CustomerRef{Request: "dsr-1", Phone: "0912-000-111"}))
	}},
	"servicedesk.EraseCustomer": {func(c *cell) { c.complaint(servicedesk.ComplaintResolved) }, func(c *cell, a org.Actor) error {
		return e1(c.desk.EraseCustomer(c.ctx, c.dealer, a, servicedesk.ErasureInput{Customer: servicedesk.CustomerRef{Request: "dsr-1", Phone: "0912-000-111"}, Reason: "request"}))
	}},
	"servicedesk.InvestigateComplaint": {func(c *cell) { c.complaint(servicedesk.ComplaintOpen) }, func(c *cell, a org.Actor) error {
		return e1(c.desk.InvestigateComplaint(c.ctx, c.dealer, a, servicedesk.ComplaintRef{ID: "cp1"}, servicedesk.InvestigationInput{Notes: "x"}))
	}},
	"servicedesk.ResolveComplaint": {func(c *cell) { c.complaint(servicedesk.ComplaintInvestigating) }, func(c *cell, a org.Actor) error {
		return e1(c.desk.ResolveComplaint(c.ctx, c.dealer, a, servicedesk.ComplaintRef{ID: "cp1"}, servicedesk.ResolutionInput{Resolution: "x", CustomerInformed: "x"}))
	}},
	"servicedesk.CloseComplaint": {func(c *cell) { c.complaint(servicedesk.ComplaintResolved) }, func(c *cell, a org.Actor) error {
		return e1(c.desk.CloseComplaint(c.ctx, c.dealer, a, servicedesk.ComplaintRef{ID: "cp1"}))
	}},

	"appraisal.OpenCycle": {nil, func(c *cell, a org.Actor) error {
		return e1(c.appr.OpenCycle(c.ctx, c.dealer, a, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()}))
	}},
	"appraisal.Rate (self)":       rate(appraisal.SourceSelf, "attitude"),
	"appraisal.Rate (peer)":       rate(appraisal.SourcePeer, "teamwork"),
	"appraisal.Rate (supervisor)": rate(appraisal.SourceSupervisor, "skill"),
	"appraisal.Rate (customer)":   rate(appraisal.SourceCustomer, "satisfaction"),
	"appraisal.ScoreMonth": {func(c *cell) { c.cycle(appraisal.CycleOpen) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.ScoreMonth(c.ctx, c.dealer, a, nov))
	}},
	"monthend.Run": {func(c *cell) { c.cycle(appraisal.CycleOpen) }, func(c *cell, a org.Actor) error {
		return e1(c.month.Run(c.ctx, c.dealer, a, monthend.RunInput{Month: nov, Through: monthend.StepScored}))
	}},
	"monthend.ProposePromotion": {eligible, func(c *cell, a org.Actor) error {
		return e1(c.month.ProposePromotion(c.ctx, c.dealer, a, monthend.PromotionInput{Decision: c.key,
			To: org.Position{Role: org.RoleSupervisor, Department: "parts"}, Reason: "ready to lead"}))
	}},
	"appraisal.RateAll (customer)": {func(c *cell) { c.cycle(appraisal.CycleOpen) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.RateAll(c.ctx, c.dealer, a, appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{
			{Ratee: "chen", Source: appraisal.SourceCustomer, KPI: "satisfaction", Value: decimal.NewFromInt(4), Customer: "surveys:3"}}}))
	}},
	"appraisal.Calibrate": {func(c *cell) { c.cycle(appraisal.CycleScored) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.Calibrate(c.ctx, c.dealer, a, appraisal.CalibrateInput{Month: nov, Employee: "chen", Score: decimal.NewFromInt(85), Reason: "covered for wang"}))
	}},
	"appraisal.Finalize": {func(c *cell) { c.cycle(appraisal.CycleScored) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.Finalize(c.ctx, c.dealer, a, nov))
	}},
	"appraisal.Publish": {func(c *cell) { c.cycle(appraisal.CycleFinalized) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.Publish(c.ctx, c.dealer, a, nov))
	}},
	"appraisal.Reopen": {func(c *cell) { c.cycle(appraisal.CycleFinalized) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.Reopen(c.ctx, c.dealer, a, nov, "a complaint was withdrawn"))
	}},
	"appraisal.RecordImprovement": {func(c *cell) { c.cycle(appraisal.CycleFinalized) }, func(c *cell, a org.Actor) error {
		return e1(c.appr.RecordImprovement(c.ctx, c.dealer, a, appraisal.ImprovementInput{Month: nov, Employee: "chen", Interview: "x", Goals: goals}))
	}},
	"appraisal.FollowUp": {func(c *cell) {
		c.cycle(appraisal.CycleFinalized)
		c.must(c.appr.RecordImprovement(c.ctx, c.dealer, lin, appraisal.ImprovementInput{Month: nov, Employee: "chen", Interview: "x", Goals: goals}))
	}, func(c *cell, a org.Actor) error {
		return e1(c.appr.FollowUp(c.ctx, c.dealer, a, appraisal.FollowUpInput{Month: nov, Employee: "chen", Note: "x", Done: []int{0}}))
	}},

	"training.SavePlan": {nil, func(c *cell, a org.Actor) error {
		return e1(c.train.SavePlan(c.ctx, c.dealer, a, training.PlanInput{Year: 2027, Courses: courses()}))
	}},
	"training.ApprovePlan": {func(c *cell) {
		c.must(c.train.SavePlan(c.ctx, c.dealer, lin, training.PlanInput{Year: 2027, Courses: courses()}))
	}, func(c *cell, a org.Actor) error {
		return e1(c.train.ApprovePlan(c.ctx, c.dealer, a, 2027))
	}},
	"training.ScheduleSession": {func(c *cell) { c.plan("approved") }, func(c *cell, a org.Actor) error {
		return e1(c.train.ScheduleSession(c.ctx, c.dealer, a, training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: feb10, Place: "Room 2", Capacity: 5}))
	}},
	"training.Enrol": {func(c *cell) { c.plan("scheduled") }, func(c *cell, a org.Actor) error {
		return e1(c.train.Enrol(c.ctx, c.dealer, a, training.EnrolInput{Session: "s1", Employee: "chen"}))
	}},
	"training.Withdraw": {func(c *cell) { c.plan("enrolled") }, func(c *cell, a org.Actor) error {
		return e1(c.train.Withdraw(c.ctx, c.dealer, a, training.EnrolInput{Session: "s1", Employee: "chen"}))
	}},
	"training.RecordAttendance": {func(c *cell) {
		c.plan("enrolled")
		c.clock.Set(feb10.Add(5 * time.Hour))
	}, func(c *cell, a org.Actor) error {
		return e1(c.train.RecordAttendance(c.ctx, c.dealer, a, training.AttendanceInput{Session: "s1", Employee: "chen", Attendance: training.Absent, Exempt: "sick"}))
	}},
	"training.Assess": {func(c *cell) { c.plan("present") }, func(c *cell, a org.Actor) error {
		return e1(c.train.Assess(c.ctx, c.dealer, a, training.AssessInput{Session: "s1", Employee: "chen", Result: training.Result{Score: ptr(decimal.NewFromInt(80))}}))
	}},
	"training.Retake": {func(c *cell) { c.plan("failed") }, func(c *cell, a org.Actor) error {
		return e1(c.train.Retake(c.ctx, c.dealer, a, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: "chen", Result: training.Result{Score: ptr(decimal.NewFromInt(80))}}))
	}},
	"training.SweepRetakes": {func(c *cell) { c.plan("approved") }, func(c *cell, a org.Actor) error {
		return e1(c.train.SweepRetakes(c.ctx, c.dealer, a, 2027))
	}},
	"training.CloseSession": {func(c *cell) {
		c.plan("scheduled")
		c.clock.Set(feb10.Add(5 * time.Hour))
	}, func(c *cell, a org.Actor) error {
		return e1(c.train.CloseSession(c.ctx, c.dealer, a, "s1"))
	}},
	"training.Advise": {nil, func(c *cell, a org.Actor) error {
		return e1(c.train.Advise(c.ctx, c.dealer, a, training.CareerInput{Employee: "chen", Note: "lead the desk"}))
	}},

	"policy.SavePolicy": {nil, func(c *cell, a org.Actor) error {
		p := policy.Default("TWD")
		p.Version = 1
		return e1(c.pol.SavePolicy(c.ctx, c.dealer, a, p, true))
	}},
	"policy.ActivatePolicy": {func(c *cell) {
		p := policy.Default("TWD")
		p.Version = 1
		c.must(c.pol.SavePolicy(c.ctx, c.dealer, setup, p, false))
	}, func(c *cell, a org.Actor) error {
		return e1(c.pol.ActivatePolicy(c.ctx, c.dealer, a, 1))
	}},
	"policy.Evaluate": {savePolicy, func(c *cell, a org.Actor) error {
		return e1(c.pol.Evaluate(c.ctx, c.dealer, a, policy.MonthPeriod(nov)))
	}},
	"policy.RecordIncident (conduct)":    incident(policy.CustomerQuarrel),
	"policy.RecordIncident (attendance)": incident(policy.Late),
	"policy.Nominate": {nil, func(c *cell, a org.Actor) error {
		return e1(c.pol.Nominate(c.ctx, c.dealer, a, policy.NominationInput{Employee: "chen", Period: policy.MonthPeriod(nov), Reason: "saved a customer's day"}))
	}},
	"policy.Approve": {decision, func(c *cell, a org.Actor) error {
		return e1(c.pol.Approve(c.ctx, c.dealer, a, policy.DecideInput{Key: c.key, Reason: "agreed"}))
	}},
	"policy.Reject": {decision, func(c *cell, a org.Actor) error {
		return e1(c.pol.Reject(c.ctx, c.dealer, a, policy.DecideInput{Key: c.key, Reason: "the customer withdrew"}))
	}},
}

// tableOnly are the rows the matrix documents but does not run: their
// state (a work order through the lane, a bill) is set up by the
// servicedesk and billing tests, which check their roles against the
// work-order table.
func tableOnly(r row) bool {
	if r.pkg == "billing" {
		return true
	}
	return r.pkg == "servicedesk" && !strings.HasSuffix(r.command, "Complaint") && !strings.HasSuffix(r.command, "Customer")
}

// TestMatrix runs every cell of every row it can set up.
func TestMatrix(t *testing.T) {
	rows := readTable(t)
	var run []row
	for _, r := range rows {
		if tableOnly(r) {
			continue
		}
		_, ok := commands[r.key()]
		require.True(t, ok, "%s: no runner; add one or mark it table only", r.key())
		run = append(run, r)
	}
	for k := range commands {
		require.True(t, slices.ContainsFunc(run, func(r row) bool { return r.key() == k }), "runner %s has no row in the table", k)
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			// Rows run at once, each on a database of its own: a cell waits
			// on its database's disk more than on the CPU, so more rows run
			// than -parallel (the CPUs) would allow. t.Run may be called
			// from several goroutines.
			var wg sync.WaitGroup
			sem := make(chan struct{}, 8)
			defer wg.Wait()
			for _, r := range run {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					t.Run(strings.ReplaceAll(r.key(), " ", "_"), func(t *testing.T) { runRow(t, b, r) })
				}()
			}
		})
	}
}

// runRow runs every cell of r, each on a dealer of its own in one database.
func runRow(t *testing.T, b backend, r row) {
	st := b.open(t)
	cmd := commands[r.key()]
	for i, col := range columns {
		want := r.outcomes[col]
		if want == "n/a" {
			continue
		}
		t.Run(strings.ReplaceAll(col, " ", "_")+"_"+want, func(t *testing.T) {
			c := newCell(t, st, org.DealerID(fmt.Sprintf("d%d", i)))
			if cmd.setup != nil {
				cmd.setup(c)
			}
			err := cmd.run(c, actors[col])
			if want == "allowed" {
				require.NoError(t, err, "%s by %s", r.key(), col)
				return
			}
			require.True(t, errors.Is(err, org.ErrForbidden), "%s by %s: want ErrForbidden, got %v", r.key(), col, err)
		})
	}
}
