package monthend_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

var (
	admin = org.Admin("setup")
	lin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang  = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	wu    = org.Actor{ID: "wu", Role: org.RoleTechnician}
	nov   = org.Month{Year: 2026, Month: time.November}
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// stores is one backend's stores.
type stores struct {
	org   org.Store
	desk  servicedesk.Store
	bill  billing.Store
	train training.Store
	apr   appraisal.Store
	pol   policy.Store
}

var backends = []struct {
	name string
	open func(t *testing.T) stores
}{
	{"memory", func(t *testing.T) stores {
		s := memstore.New()
		return stores{s, s.ServiceDesk(), s.Billing(), s.Training(), s.Appraisal(), s.Policy()}
	}},
	{"sqlite", func(t *testing.T) stores {
		s := testdb.SQLite(t)
		return stores{s, s.ServiceDesk(), s.Billing(), s.Training(), s.Appraisal(), s.Policy()}
	}},
	{"postgres", func(t *testing.T) stores {
		s := testdb.Postgres(t)
		return stores{s, s.ServiceDesk(), s.Billing(), s.Training(), s.Appraisal(), s.Policy()}
	}},
}

// world is one dealer's month: chen settles two orders with surveys, wang
// one without, huang none (a new advisor), and former advisor li left
// before the month.
type world struct {
	t      *testing.T
	ctx    context.Context
	clock  *org.ManualClock
	orgs   *org.Service
	desk   *servicedesk.Service
	bills  *billing.Service
	apr    *appraisal.Service
	pol    *policy.Service
	me     *monthend.Service
	dealer org.DealerID
	day    int // the orders so far: each takes a working day of November
}

// withoutPolicy leaves the dealer without an active policy.
type withoutPolicy struct{}

// wire builds every service on st, as a host does; hook observes the
// appraisal's commands (nil: none).
func wire(t *testing.T, st stores, dealer org.DealerID, cfg monthend.Surveys, clock *org.ManualClock, hook org.Hook) *world {
	t.Helper()
	orgs, err := org.NewService(org.Config{Store: st.org, Clock: clock})
	require.NoError(t, err)
	roster := orgs.Directory()
	bills, err := billing.NewService(billing.Config{Store: st.bill, Roster: roster, Clock: clock})
	require.NoError(t, err)
	desk, err := servicedesk.NewService(servicedesk.Config{Store: st.desk, Roster: roster, Clock: clock, Billing: bills, Pricer: servicedesk.BookPricer{Billing: bills}})
	require.NoError(t, err)
	train, err := training.NewService(training.Config{Store: st.train, Roster: roster, Clock: clock})
	require.NoError(t, err)
	apr, err := appraisal.NewService(appraisal.Config{Store: st.apr, Roster: roster, Clock: clock, Hook: hook,
		Measurer: monthend.Measurer(desk.FigureSource(), bills.AccuracySource(), train.ResultSource())})
	require.NoError(t, err)
	pol, err := policy.NewService(policy.Config{Store: st.pol, Roster: roster, Clock: clock,
		Facts: policy.Combine(monthend.AppraisalFacts(st.apr), monthend.TrainingFacts(st.train))})
	require.NoError(t, err)
	me, err := monthend.NewService(monthend.Config{Roster: roster, Desk: desk, Appraisal: apr, Policy: pol, Org: orgs, Surveys: cfg})
	require.NoError(t, err)
	return &world{t: t, ctx: t.Context(), clock: clock, orgs: orgs, desk: desk, bills: bills, apr: apr, pol: pol, me: me, dealer: dealer}
}

func newWorld(t *testing.T, st stores, dealer org.DealerID, cfg monthend.Surveys, opts ...withoutPolicy) *world {
	t.Helper()
	// The roster is from October, when li left.
	w := wire(t, st, dealer, cfg, org.NewManualClock(time.Date(2026, 10, 20, 0, 30, 0, 0, time.UTC)), nil)
	ctx, orgs, bills, apr, pol := w.ctx, w.orgs, w.bills, w.apr, w.pol
	_, err := orgs.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "wang", Name: "Wang Ling 王玲", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "huang", Name: "Huang Jie 黃傑", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "li", Name: "Li Former 李", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu Da-wei 吳大偉", Role: org.RoleTechnician},
	} {
		_, err := orgs.AddEmployee(ctx, dealer, admin, e)
		require.NoError(t, err)
	}
	_, err = orgs.DeactivateEmployee(ctx, dealer, admin, org.StatusChange{ID: "li", Reason: "left in October"})
	require.NoError(t, err)
	w.clock.Set(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	book, err := billing.LoadPriceBookFile("../billing/testdata/pricebooks/taipei.yaml")
	require.NoError(t, err)
	book.Overrun = billing.OverrunPolicy{Percent: dec("1")}
	_, err = bills.SavePriceBook(ctx, dealer, admin, book, true)
	require.NoError(t, err)
	plan := appraisal.DefaultPlan()
	plan.MinPeers = 1
	_, err = apr.OpenCycle(ctx, dealer, lin, appraisal.OpenInput{Month: nov, Plan: plan})
	require.NoError(t, err)
	if len(opts) == 0 {
		_, err = pol.SavePolicy(ctx, dealer, lin, policy.Default("TWD"), true)
		require.NoError(t, err)
	}
	return w
}

// order takes one customer of advisor through the lane to closed, with a
// survey answered by a colleague when score is set, and leaves one more
// order open when open is set.
func (w *world) order(id string, advisor org.Actor, score string) {
	t, ctx, d := w.t, w.ctx, w.dealer
	t.Helper()
	w.clock.Set(time.Date(2026, 11, []int{2, 3, 4, 5, 6, 9, 10, 11}[w.day], 0, 30, 0, 0, time.UTC)) // 08:30 in Taipei
	w.day++
	ref := servicedesk.Ref{ID: servicedesk.WorkOrderID(id)}
	step := func(what string, err error) {
		t.Helper()
		require.NoError(t, err, what)
		w.clock.Advance(10 * time.Minute)
	}
	_, err := w.desk.Receive(ctx, d, advisor, servicedesk.Reception{ID: ref.ID, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao " + id, Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, Plate: "ABC-" + id[len(id)-4:], MileageIn: 42000},
		Concerns: []string{"oil change due"}})
	step("receive", err)
	_, err = w.desk.RecordCondition(ctx, d, advisor, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
	step("condition", err)
	_, err = w.desk.Acknowledge(ctx, d, advisor, ref, servicedesk.Acknowledgement{By: "Kao"})
	step("acknowledge", err)
	_, err = w.desk.Diagnose(ctx, d, advisor, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "due", Correction: "oil"}}})
	step("diagnose", err)
	_, err = w.desk.Estimate(ctx, d, advisor, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "Oil", Hours: dec("0.5"),
		Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: dec("0.5")}}}}})
	step("estimate", err)
	_, err = w.desk.Approve(ctx, d, advisor, ref, servicedesk.Consent{Approved: []string{"j1"}, By: "Kao", Method: servicedesk.ApprovalSignature,
		Evidence: servicedesk.ConsentEvidence{Reference: "signed " + id}})
	step("approve", err)
	now := w.clock.Now()
	_, err = w.desk.Book(ctx, d, advisor, ref, servicedesk.BookingInput{Technician: "wu", Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)})
	step("book", err)
	w.clock.Advance(time.Hour)
	_, err = w.desk.Start(ctx, d, wu, ref)
	step("start", err)
	_, err = w.desk.CompleteJob(ctx, d, wu, ref, servicedesk.JobRef{Job: "j1"})
	step("complete job", err)
	_, err = w.desk.CompleteRepair(ctx, d, wu, ref)
	step("complete repair", err)
	_, err = w.desk.Inspect(ctx, d, advisor, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
	step("inspect", err)
	_, err = w.desk.NotifyReady(ctx, d, advisor, ref, servicedesk.ReadyInput{Explanation: "Changed the oil."})
	step("ready", err)
	p, err := w.desk.PreviewBill(ctx, d, advisor, ref, servicedesk.BillTerms{})
	require.NoError(t, err)
	due, _ := p.Bill.Payer(billing.PayCustomer)
	_, _, err = w.desk.SettleBill(ctx, d, advisor, ref, servicedesk.SettleInput{Key: "settle-" + id,
		Confirmation: billing.Confirmation{By: "Kao", Method: "signature"}, Payments: []billing.Payment{{Method: billing.PayCard, Amount: due.Total}}})
	step("settle", err)
	_, err = w.desk.Deliver(ctx, d, advisor, ref, servicedesk.DeliveryInput{MileageOut: 42002})
	step("deliver", err)
	_, err = w.desk.Close(ctx, d, advisor, ref)
	step("close", err)
	if score != "" {
		caller := wang
		if advisor == wang {
			caller = chen
		}
		_, err = w.desk.RecordSurvey(ctx, d, caller, servicedesk.SurveyInput{WorkOrder: ref.ID, Score: dec(score), Source: servicedesk.SurveyByCall})
		step("survey", err)
	}
}

// month plays the month: chen two orders surveyed 5 and 4, wang one order
// without a survey, an order of wang's left open, peers rating each other.
func (w *world) month() {
	w.order("RO-0001", chen, "5")
	w.order("RO-0002", chen, "4")
	w.order("RO-0003", wang, "")
	_, err := w.desk.Receive(w.ctx, w.dealer, wang, servicedesk.Reception{ID: "RO-0004", Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Open Case", Phone: "0912-000-222"},
		Vehicle:  servicedesk.Vehicle{Make: "Honda", Model: "Fit", Year: 2020, Plate: "XYZ-0004", MileageIn: 1000}, Concerns: []string{"noise"}})
	require.NoError(w.t, err)
	for _, r := range []struct {
		by    org.Actor
		ratee org.EmployeeID
	}{{chen, "wang"}, {wang, "chen"}} {
		_, err := w.apr.Rate(w.ctx, w.dealer, r.by, appraisal.RateInput{Month: nov, Ratee: r.ratee, Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec("4")})
		require.NoError(w.t, err)
	}
	// xu joins on 12 November and leaves on the 16th; zhao joins in
	// December, after the month (the clock goes back for the run).
	w.clock.Set(time.Date(2026, 11, 12, 1, 0, 0, 0, time.UTC))
	_, err = w.orgs.AddEmployee(w.ctx, w.dealer, admin, org.NewEmployee{ID: "xu", Name: "Xu Short 許", Role: org.RoleAdvisor})
	require.NoError(w.t, err)
	w.clock.Set(time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC))
	_, err = w.orgs.DeactivateEmployee(w.ctx, w.dealer, admin, org.StatusChange{ID: "xu", Reason: "left after four days"})
	require.NoError(w.t, err)
	w.clock.Set(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, err = w.orgs.AddEmployee(w.ctx, w.dealer, admin, org.NewEmployee{ID: "zhao", Name: "Zhao New 趙", Role: org.RoleAdvisor})
	require.NoError(w.t, err)
	w.clock.Set(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) // the last day of November, 18:00 in Taipei
}

func row(t *testing.T, r monthend.Report, id org.EmployeeID) monthend.AdvisorRow {
	t.Helper()
	for _, a := range r.Advisors {
		if a.Employee == id {
			return a
		}
	}
	t.Fatalf("no row for %s in %+v", id, r.Advisors)
	return monthend.AdvisorRow{}
}

func codes(ns []monthend.Note) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Code)
	}
	return out
}

// R6.2: the month-end in one call, on every store: surveys become customer
// ratings, every active advisor appears (with zeros and notes when there
// was nothing), the results are final, the policy evaluated from them.
func TestRun_R6_2_the_month_end_in_one_call(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.open(t), "d1", monthend.Surveys{})
			w.month()
			rep, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
			require.NoError(t, err)
			assert.Equal(t, appraisal.CycleFinalized, rep.State)
			assert.Equal(t, monthend.StepEvaluated, rep.Reached)
			require.NotNil(t, rep.Evaluation)
			assert.Equal(t, []string{"chen", "huang", "wang", "xu"}, func() []string {
				var ids []string
				for _, a := range rep.Advisors {
					ids = append(ids, string(a.Employee))
				}
				return ids
			}(), "every advisor on the roster in the month: li left before it, zhao joined after it")
			x := row(t, rep, "xu")
			assert.Equal(t, []monthend.Note{{Code: "joined", Args: map[string]string{"date": "2026-11-12"}}, {Code: "left", Args: map[string]string{"date": "2026-11-16"}}},
				x.Notes[:2], "the month's joiner and leaver, in the dealer's zone")
			require.NotNil(t, x.Appraisal, "a leaver is scored for the month they worked")

			c := row(t, rep, "chen")
			assert.Equal(t, 2, c.Figures.Surveys)
			require.NotNil(t, c.Appraisal)
			var customer *appraisal.SourceResult
			for _, k := range c.Appraisal.Final.KPIs {
				for i, s := range k.Sources {
					if s.Source == appraisal.SourceCustomer && s.Present {
						customer = &k.Sources[i]
					}
				}
			}
			require.NotNil(t, customer, "the surveys became a customer rating")
			// Surveys of 5 and 4 on 1..5 are 100 and 75 points: a mean of
			// 87.5, which is 4.50 on the plan's 1..5 customer scale.
			assert.Equal(t, "4.5", customer.Raw.String())

			h := row(t, rep, "huang")
			assert.Contains(t, codes(h.Notes), "no_orders")
			assert.Contains(t, codes(h.Notes), "few_surveys")
			assert.True(t, h.Figures.NoSurveys)
			assert.Zero(t, h.Figures.CustomersReceived)

			wg := row(t, rep, "wang")
			assert.Contains(t, codes(wg.Notes), "few_surveys")
			assert.Contains(t, codes(rep.Warnings), "orders_open")

			again, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
			require.NoError(t, err)
			for _, s := range again.Steps[:3] {
				assert.True(t, s.Skipped, "%s done before", s.Step)
			}
			assert.Zero(t, again.Evaluation.New+again.Evaluation.Updated+again.Evaluation.Withdrawn, "evaluated again: nothing recorded twice")
		})
	}
}

// A run that stops between steps (the host's process dies) is continued
// by running again, and writes nothing twice: the customer ratings
// entered before the stop are kept, not entered again.
func TestRun_resumes_and_writes_nothing_twice(t *testing.T) {
	w := newWorld(t, backends[0].open(t), "d1", monthend.Surveys{})
	w.month()
	rep, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov, Through: monthend.StepRated})
	require.NoError(t, err)
	assert.Equal(t, appraisal.CycleOpen, rep.State)
	assert.Equal(t, monthend.StepRated, rep.Reached)
	// Dies here; runs again from the start.
	rep, err = w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov, Through: monthend.StepScored})
	require.NoError(t, err)
	assert.Equal(t, appraisal.CycleScored, rep.State)
	assert.Contains(t, codes(rep.Warnings), "calibration_window")
	c := row(t, rep, "chen")
	require.NotNil(t, c.Appraisal)
	for _, k := range c.Appraisal.Final.KPIs {
		for _, s := range k.Sources {
			if s.Source == appraisal.SourceCustomer && s.Present {
				assert.Equal(t, 1, s.Raters, "the customer rating entered once, not once per run")
			}
		}
	}
	// The calibration window: the supervisor calibrates, then finishes.
	_, err = w.apr.Calibrate(w.ctx, "d1", lin, appraisal.CalibrateInput{Month: nov, Employee: "wang", Score: dec("80"), Reason: "covered the front desk alone for a week"})
	require.NoError(t, err)
	rep, err = w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
	require.NoError(t, err)
	assert.Equal(t, appraisal.CycleFinalized, rep.State)
	assert.Equal(t, "80", row(t, rep, "wang").Appraisal.Final.Score.String(), "the calibration is kept")
}

// R2.2: only the service advisor department's supervisor runs the
// month-end; an advisor, an admin, another department's supervisor and a
// stranger are refused, and nothing is written.
func TestRun_R2_2_only_the_department_supervisor(t *testing.T) {
	w := newWorld(t, backends[0].open(t), "d1", monthend.Surveys{})
	_, err := w.orgs.AddEmployee(w.ctx, "d1", admin, org.NewEmployee{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
	require.NoError(t, err)
	for _, a := range []org.Actor{chen, admin, {ID: "kuo", Role: org.RoleSupervisor}, {ID: "ghost", Role: org.RoleSupervisor}} {
		_, err := w.me.Run(w.ctx, "d1", a, monthend.RunInput{Month: nov})
		assert.ErrorIs(t, err, org.ErrForbidden, "%s", a)
	}
	c, err := w.apr.Cycle(w.ctx, "d1", lin, nov)
	require.NoError(t, err)
	assert.Equal(t, appraisal.CycleOpen, c.State)
}

// Steps cannot run out of order: no cycle, no month-end (the refusal
// names R6.2); bad input changes nothing.
func TestRun_refusals(t *testing.T) {
	w := newWorld(t, backends[0].open(t), "d1", monthend.Surveys{})
	_, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov.Next()})
	require.ErrorIs(t, err, org.ErrInvalidTransition)
	p := org.ProblemOf(err, org.English)
	require.NotEmpty(t, p.Blockers)
	assert.Equal(t, "R6.2_cycle_open", p.Blockers[0].Rule)
	_, err = w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov, Through: "later"})
	assert.Equal(t, []string{"through:unknown_value"}, fieldCodes(err))
	_, err = w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: org.Month{Year: 2026, Month: 13}})
	assert.ErrorIs(t, err, org.ErrInvalid)
}

func fieldCodes(err error) []string {
	ve, ok := errors.AsType[*org.ValidationError](err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Path+":"+f.Code)
	}
	return out
}

// The survey mapping: at least Min surveys make a rating, at Places.
func TestRun_survey_mapping(t *testing.T) {
	w := newWorld(t, backends[0].open(t), "d1", monthend.Surveys{Min: 3})
	w.month()
	rep, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
	require.NoError(t, err)
	c := row(t, rep, "chen")
	assert.Contains(t, codes(c.Notes), "few_surveys", "two surveys are fewer than three")
	for _, n := range c.Notes {
		if n.Code == "few_surveys" {
			assert.Equal(t, "2 surveys, fewer than the 3 a customer rating needs: no customer rating", n.Text(org.English))
			assert.Equal(t, "問卷 2 份，少於顧客評分所需的 3 份：無顧客評分", n.Text(org.TraditionalChinese))
		}
	}
	_, err = monthend.NewService(monthend.Config{Surveys: monthend.Surveys{Min: -1, Places: 9}})
	assert.ElementsMatch(t, []string{"roster:required", "desk:required", "appraisal:required", "policy:required", "surveys.min:out_of_range", "surveys.places:out_of_range"}, fieldCodes(err))
}

// The report for people and spreadsheets: aligned text in both languages
// and CSV with one row per advisor.
func TestReport_text_and_csv(t *testing.T) {
	w := newWorld(t, backends[0].open(t), "d1", monthend.Surveys{})
	w.month()
	rep, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
	require.NoError(t, err)
	en := rep.Text(org.English)
	assert.Contains(t, en, "Month-end of 2026-11 for d1")
	assert.Contains(t, en, "Chen Wei 陳偉")
	assert.Contains(t, en, "1 order opened this month is still open")
	zh := rep.Text(org.TraditionalChinese)
	assert.Contains(t, zh, "月結")
	assert.Contains(t, zh, "本月無工單")
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(rep.Advisors))
	assert.Equal(t, "employee", rows[0][2])
	assert.Equal(t, "chen", rows[1][2])
	assert.Equal(t, "2", rows[1][8], "chen's surveys")
	// Aligned by display width: every advisor row's score column starts at
	// the same display column, Chinese names included.
	lines := strings.Split(zh, "\n")
	assert.Greater(t, len(lines), 3)
}

// A dealer group: bounded concurrency, progress after each dealer, one
// dealer's failure reported without stopping the others.
func TestRunGroup_one_failing_dealer(t *testing.T) {
	st := backends[1].open(t)
	var runs []monthend.DealerRun
	var me *monthend.Service
	for i := range 4 {
		d := org.DealerID(fmt.Sprintf("d%d", i+1))
		w := newWorld(t, st, d, monthend.Surveys{})
		if i != 2 {
			w.order("RO-000"+fmt.Sprint(i+1), chen, "5")
		}
		me = w.me
		runs = append(runs, monthend.DealerRun{Dealer: d, Actor: lin})
	}
	runs = append(runs, monthend.DealerRun{Dealer: "nowhere", Actor: lin})
	var progress []monthend.Progress
	g, err := me.RunGroup(t.Context(), runs, monthend.RunInput{Month: nov}, monthend.GroupOptions{Concurrency: 2,
		Progress: func(p monthend.Progress) { progress = append(progress, p) }})
	require.NoError(t, err)
	assert.Len(t, g.Reports, 4)
	require.Len(t, g.Failures, 1)
	assert.Equal(t, org.DealerID("nowhere"), g.Failures[0].Dealer)
	assert.Equal(t, 403, g.Failures[0].Problem.Status)
	assert.Equal(t, 5, g.Summary.Dealers)
	assert.Equal(t, 1, g.Summary.Failed)
	assert.Equal(t, 12, g.Summary.Advisors)
	require.Len(t, progress, 5)
	assert.Equal(t, 5, progress[4].Done)
	assert.Equal(t, 1, progress[4].Failed)

	_, err = me.RunGroup(t.Context(), []monthend.DealerRun{{Dealer: "d1", Actor: lin}, {Dealer: "d1", Actor: lin}}, monthend.RunInput{Month: nov}, monthend.GroupOptions{})
	assert.Equal(t, []string{"runs[1].dealer:duplicate"}, fieldCodes(err))
}

// A dealer without an active policy: the month-end finalises, says nothing
// was evaluated, and evaluates once a policy is saved.
func TestRun_without_a_policy(t *testing.T) {
	w := newWorld(t, backends[0].open(t), "d1", monthend.Surveys{}, withoutPolicy{})
	w.month()
	rep, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
	require.NoError(t, err)
	assert.Equal(t, appraisal.CycleFinalized, rep.State)
	assert.Nil(t, rep.Evaluation)
	assert.Contains(t, codes(rep.Warnings), "no_policy")
	_, err = w.pol.SavePolicy(w.ctx, "d1", lin, policy.Default("TWD"), true)
	require.NoError(t, err)
	rep, err = w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
	require.NoError(t, err)
	require.NotNil(t, rep.Evaluation)
	assert.NotContains(t, codes(rep.Warnings), "no_policy")
}

func TestNote_one_order(t *testing.T) {
	one := monthend.Note{Code: "orders_open", Args: map[string]string{"count": "1"}}
	assert.Equal(t, "1 order opened this month is still open", one.Text(org.English))
	assert.Equal(t, "本月開立的工單中有 1 張尚未結案", one.Text(org.TraditionalChinese))
	two := monthend.Note{Code: "orders_open", Args: map[string]string{"count": "2"}}
	assert.Equal(t, "2 orders opened this month are still open", two.Text(org.English))
}
