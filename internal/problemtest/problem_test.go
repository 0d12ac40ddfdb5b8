// Package problemtest feeds real refusals of every package, on every store
// servicelane ships, through org.ProblemOf, the one problem mapping.
package problemtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

const dealer org.DealerID = "d1"

var (
	admin = org.Admin("setup")
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wu    = org.Actor{ID: "wu", Role: org.RoleTechnician}
	sup   = org.Actor{ID: "sup", Role: org.RoleSupervisor}
)

type stores struct {
	org   org.Store
	bill  billing.Store
	desk  servicedesk.Store
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
		return stores{s, s.Billing(), s.ServiceDesk(), s.Training(), s.Appraisal(), s.Policy()}
	}},
	{"sqlite", func(t *testing.T) stores {
		s := testdb.SQLite(t)
		return stores{s, s.Billing(), s.ServiceDesk(), s.Training(), s.Appraisal(), s.Policy()}
	}},
	{"postgres", func(t *testing.T) stores {
		s := testdb.Postgres(t)
		return stores{s, s.Billing(), s.ServiceDesk(), s.Training(), s.Appraisal(), s.Policy()}
	}},
}

// brokenDesk is a store whose reads fail as a database driver does, with
// SQL, driver and connection details in the error.
type brokenDesk struct{ servicedesk.Store }

func (brokenDesk) WorkOrder(context.Context, org.DealerID, servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
	return servicedesk.WorkOrder{}, fmt.Errorf("sqlstore: select work_orders: pgx: connect postgres://app:secret@db:5432/dms: ERROR: invalid byte sequence (SQLSTATE 22021)")
}

type problemCase struct {
	name     string
	err      func(t *testing.T, desk *servicedesk.Service) error
	status   int
	code     string
	fields   []string // path:code
	blockers []string // rules, in order
}

func TestProblemOf_real_refusals(t *testing.T) {
	ctx := context.Background()
	reception := servicedesk.Reception{ID: "RO-1", Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao", Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", MileageIn: 42000}, Concerns: []string{"brakes squeal"}}
	cases := []problemCase{
		{name: "validation", status: http.StatusBadRequest, code: org.ProblemInvalid, fields: []string{"customer.name:required"},
			err: func(t *testing.T, desk *servicedesk.Service) error {
				in := reception
				in.ID, in.Customer.Name = "RO-2", ""
				_, err := desk.Receive(ctx, dealer, chen, in)
				return err
			}},
		{name: "duplicate", status: http.StatusConflict, code: org.ProblemAlreadyExists, fields: []string{"id:duplicate"},
			err: func(t *testing.T, desk *servicedesk.Service) error {
				_, err := desk.Receive(ctx, dealer, chen, reception)
				return err
			}},
		{name: "not_found", status: http.StatusNotFound, code: org.ProblemNotFound,
			err: func(t *testing.T, desk *servicedesk.Service) error {
				_, err := desk.WorkOrder(ctx, dealer, chen, "RO-404")
				return err
			}},
		{name: "forbidden_role", status: http.StatusForbidden, code: org.ProblemForbidden, blockers: []string{org.RuleRole},
			err: func(t *testing.T, desk *servicedesk.Service) error {
				_, err := desk.RecordCondition(ctx, dealer, wu, servicedesk.Ref{ID: "RO-1"}, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
				return err
			}},
		{name: "invalid_transition_with_every_blocker", status: http.StatusConflict, code: org.ProblemInvalidTransition,
			blockers: []string{org.RuleState, "R3.2c_booking_needs_an_approved_job"},
			err: func(t *testing.T, desk *servicedesk.Service) error {
				_, err := desk.Book(ctx, dealer, chen, servicedesk.Ref{ID: "RO-1"}, servicedesk.BookingInput{Technician: "wu",
					Start: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 4, 0, 0, 0, time.UTC)})
				return err
			}},
		{name: "stale_version", status: http.StatusPreconditionFailed, code: org.ProblemStale,
			err: func(t *testing.T, desk *servicedesk.Service) error {
				_, err := desk.Cancel(ctx, dealer, chen, servicedesk.Ref{ID: "RO-1", ExpectedVersion: 99}, servicedesk.CancelInput{Reason: "customer left"})
				return err
			}},
		{name: "complaint_state", status: http.StatusConflict, code: org.ProblemInvalidTransition, blockers: []string{org.RuleState},
			err: func(t *testing.T, desk *servicedesk.Service) error {
				c, err := desk.OpenComplaint(ctx, dealer, chen, servicedesk.ComplaintInput{WorkOrder: "RO-1", Description: "waited too long", Channel: servicedesk.ChannelPhone})
				require.NoError(t, err)
				_, err = desk.ResolveComplaint(ctx, dealer, sup, servicedesk.ComplaintRef{ID: c.ID}, servicedesk.ResolutionInput{Resolution: "apologised", CustomerInformed: "phone"})
				return err
			}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.open(t)
			desk := newDesk(t, st.org, st.desk)
			_, err := desk.Receive(ctx, dealer, chen, reception)
			require.NoError(t, err)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					err := c.err(t, desk)
					require.Error(t, err)
					checkProblem(t, err, c)
				})
			}
			roster, err := org.NewService(org.Config{Store: st.org, Clock: org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))})
			require.NoError(t, err)
			t.Run("training_plan_approved_twice", func(t *testing.T) {
				train, err := training.NewService(training.Config{Store: st.train, Roster: roster.Directory(), Clock: org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))})
				require.NoError(t, err)
				pf, err := training.LoadPlanFile("../../training/testdata/plan.yaml")
				require.NoError(t, err)
				_, err = train.SavePlan(ctx, dealer, sup, training.PlanInput{Year: pf.Year, Courses: pf.Courses})
				require.NoError(t, err)
				_, err = train.ApprovePlan(ctx, dealer, sup, pf.Year)
				require.NoError(t, err)
				_, err = train.ApprovePlan(ctx, dealer, sup, pf.Year)
				checkProblem(t, err, problemCase{status: http.StatusConflict, code: org.ProblemInvalidTransition, blockers: []string{org.RuleState}})
			})
			t.Run("appraisal_cycle_opened_twice_and_not_yet_scored", func(t *testing.T) {
				apr, err := appraisal.NewService(appraisal.Config{Store: st.apr, Roster: roster.Directory(), Clock: org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))})
				require.NoError(t, err)
				plan, err := appraisal.LoadPlanFile("../../appraisal/testdata/plans/default.yaml")
				require.NoError(t, err)
				m := org.Month{Year: 2026, Month: time.November}
				_, err = apr.OpenCycle(ctx, dealer, sup, appraisal.OpenInput{Month: m, Plan: *plan})
				require.NoError(t, err)
				_, err = apr.OpenCycle(ctx, dealer, sup, appraisal.OpenInput{Month: m, Plan: *plan})
				checkProblem(t, err, problemCase{status: http.StatusConflict, code: org.ProblemAlreadyExists, fields: []string{"month:duplicate"}})
				_, err = apr.Finalize(ctx, dealer, sup, m)
				checkProblem(t, err, problemCase{status: http.StatusConflict, code: org.ProblemInvalidTransition, blockers: []string{org.RuleState}})
			})
			t.Run("policy_decision_decided_twice_and_about_oneself", func(t *testing.T) {
				clock := org.NewManualClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
				pol, err := policy.NewService(policy.Config{Store: st.pol, Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("p")})
				require.NoError(t, err)
				_, err = pol.SavePolicy(ctx, dealer, sup, policy.Default("TWD"), true)
				require.NoError(t, err)
				nov := policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})
				for i, at := range []string{"2026-11-03T01:10:00Z", "2026-11-05T01:10:00Z"} {
					_, err = pol.RecordIncident(ctx, dealer, sup, policy.IncidentInput{ID: fmt.Sprintf("q%d", i), Employee: "chen", Kind: policy.CustomerQuarrel, At: mustTime(t, at)})
					require.NoError(t, err)
				}
				res, err := pol.Evaluate(ctx, dealer, sup, nov)
				require.NoError(t, err)
				require.NotEmpty(t, res.Decisions, "the policy proposes from the recorded incidents")
				key := res.Decisions[0].Key
				_, err = pol.Approve(ctx, dealer, chen, policy.DecideInput{Key: key, Reason: "mine"})
				checkProblem(t, err, problemCase{status: http.StatusForbidden, code: org.ProblemForbidden})
				_, err = pol.Approve(ctx, dealer, sup, policy.DecideInput{Key: key, Reason: "second quarrel"})
				require.NoError(t, err)
				_, err = pol.Approve(ctx, dealer, sup, policy.DecideInput{Key: key, Reason: "again"})
				checkProblem(t, err, problemCase{status: http.StatusConflict, code: org.ProblemInvalidTransition, blockers: []string{org.RuleState}})
				_, err = pol.Approve(ctx, dealer, sup, policy.DecideInput{Key: key, ExpectedVersion: 1, Reason: "stale"})
				checkProblem(t, err, problemCase{status: http.StatusPreconditionFailed, code: org.ProblemStale})
			})
			t.Run("settlement_with_differences", func(t *testing.T) {
				err := settleWithDifferences(t, st, roster)
				checkProblem(t, err, problemCase{status: http.StatusConflict, code: org.ProblemInvalidTransition,
					blockers: []string{"R3.4b_differences_need_override"}})
			})
			t.Run("store_failure_is_internal", func(t *testing.T) {
				broken := newDesk(t, st.org, brokenDesk{st.desk})
				_, err := broken.WorkOrder(ctx, dealer, chen, "RO-1")
				require.Error(t, err)
				checkProblem(t, err, problemCase{status: http.StatusInternalServerError, code: org.ProblemInternal})
			})
		})
	}
}

// checkProblem checks err's Problem in both languages against c, and that
// nothing of a store, a driver or a connection leaks into it.
func checkProblem(t *testing.T, err error, c problemCase) {
	t.Helper()
	for _, lang := range []org.Lang{org.English, org.TraditionalChinese} {
		p := org.ProblemOf(err, lang)
		assert.Equal(t, c.status, p.Status, "%v", err)
		assert.Equal(t, c.code, p.Code, "%v", err)
		assert.Equal(t, "urn:servicelane:problem:"+c.code, p.Type)
		assert.NotEmpty(t, p.Title)
		var fields []string
		for _, f := range p.Fields {
			fields = append(fields, f.Path+":"+f.Code)
		}
		for _, want := range c.fields {
			assert.Contains(t, fields, want, "%v", err)
		}
		var rules []string
		for _, bl := range p.Blockers {
			rules = append(rules, bl.Rule)
			assert.NotEmpty(t, bl.Message)
		}
		for _, want := range c.blockers {
			assert.Contains(t, rules, want, "%v", err)
		}
		body, jerr := json.Marshal(p)
		require.NoError(t, jerr)
		low := strings.ToLower(string(body))
		for _, leak := range []string{"sql", "pgx", "postgres://", "secret", "select ", "driver"} {
			assert.NotContains(t, low, leak, "the problem shows the caller a store's detail: %s", body)
		}
	}
	assert.True(t, errors.Is(err, err), "the error itself keeps its detail for logs")
}

func newDesk(t *testing.T, os org.Store, ds servicedesk.Store) *servicedesk.Service {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: os, Clock: clock})
	require.NoError(t, err)
	if _, err := roster.Directory().Dealer(ctx, dealer); err != nil {
		_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
		require.NoError(t, err)
		for _, e := range []org.NewEmployee{{ID: "sup", Name: "Lin", Role: org.RoleSupervisor}, {ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
			{ID: "wu", Name: "Wu", Role: org.RoleTechnician}} {
			_, err := roster.AddEmployee(ctx, dealer, admin, e)
			require.NoError(t, err)
		}
	}
	desk, err := servicedesk.NewService(servicedesk.Config{Store: ds, Roster: roster.Directory(), Clock: clock})
	require.NoError(t, err)
	return desk
}

// settleWithDifferences drives RO-9 through the lane with the dealer's
// price book, the technician reporting five litres of oil where four were
// approved, and settles it without an override: the reconciliation
// refuses it (R3.4b).
func settleWithDifferences(t *testing.T, st stores, roster *org.Service) error {
	t.Helper()
	ctx := context.Background()
	d := decimal.RequireFromString
	clock := org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	bills, err := billing.NewService(billing.Config{Store: st.bill, Roster: roster.Directory(), Clock: clock})
	require.NoError(t, err)
	book, err := billing.LoadPriceBookFile("../../billing/testdata/pricebooks/taipei.yaml")
	require.NoError(t, err)
	_, err = bills.SavePriceBook(ctx, dealer, sup, book, true)
	require.NoError(t, err)
	desk, err := servicedesk.NewService(servicedesk.Config{Store: st.desk, Roster: roster.Directory(), Clock: clock, Billing: bills,
		Pricer: servicedesk.BookPricer{Billing: bills}, IDs: org.SequentialIDs("pt")})
	require.NoError(t, err)
	ref := servicedesk.Ref{ID: "RO-9"}
	steps := []func() error{
		func() error {
			_, err := desk.Receive(ctx, dealer, chen, servicedesk.Reception{ID: "RO-9", Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
				Customer: servicedesk.Customer{Name: "Kao", Phone: "0912-000-111"}, Vehicle: servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", MileageIn: 42000},
				Concerns: []string{"oil due"}})
			return err
		},
		func() error {
			_, err := desk.RecordCondition(ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
			return err
		},
		func() error {
			_, err := desk.Acknowledge(ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Kao"})
			return err
		},
		func() error {
			_, err := desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu",
				Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "10,000 km", Correction: "change oil"}}})
			return err
		},
		func() error {
			_, err := desk.Estimate(ctx, dealer, chen, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "Oil change",
				Hours: d("0.5"), Lines: []servicedesk.LineInput{
					{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: d("0.5")},
					{Kind: servicedesk.LinePart, Code: "OIL-5W30", Description: "oil", Quantity: d("4"), UnitPrice: d("320")}}}}})
			return err
		},
		func() error {
			_, err := desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j1"}, By: "Kao", Method: servicedesk.ApprovalSignature,
				Evidence: servicedesk.ConsentEvidence{Reference: "signatures/ro-9.png"}})
			return err
		},
		func() error {
			_, err := desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu",
				Start: time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 3, 4, 0, 0, 0, time.UTC)})
			return err
		},
		func() error { _, err := desk.Start(ctx, dealer, wu, ref); return err },
		func() error {
			_, err := desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j1", Performed: []servicedesk.PerformedLine{
				{Kind: servicedesk.LineLabor, Code: "OIL-01", Quantity: d("0.5")}, {Kind: servicedesk.LinePart, Code: "OIL-5W30", Quantity: d("5")}}})
			return err
		},
		func() error { _, err := desk.CompleteRepair(ctx, dealer, wu, ref); return err },
		func() error {
			_, err := desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "leak check", Passed: true}}})
			return err
		},
		func() error {
			_, err := desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "oil changed"})
			return err
		},
	}
	for i, step := range steps {
		require.NoError(t, step(), "step %d", i+1)
	}
	p, err := desk.PreviewBill(ctx, dealer, chen, ref, servicedesk.BillTerms{})
	require.NoError(t, err)
	cust, _ := p.Bill.Payer(billing.PayCustomer)
	_, _, err = desk.SettleBill(ctx, dealer, chen, ref, servicedesk.SettleInput{Key: "settle-ro-9",
		Confirmation: billing.Confirmation{By: "Kao", Method: "signature"}, Payments: []billing.Payment{{Method: billing.PayCash, Amount: cust.Total}}})
	var re *billing.ReconciliationError
	require.ErrorAs(t, err, &re)
	return err
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return at
}
