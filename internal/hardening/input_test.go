// Package hardening_test tries the services as an attacker and a careless
// host would (issue 15), on every store the module ships: bad input gets a
// clear error, changes nothing, and behaves the same on memory, SQLite and
// PostgreSQL.
package hardening_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// stores is what the services need, from one backend.
type stores struct {
	org  org.Store
	desk servicedesk.Store
	bill billing.Store
	pol  policy.Store
}

var backends = []struct {
	name string
	open func(t *testing.T) stores
}{
	{"memory", func(t *testing.T) stores {
		s := memstore.New()
		return stores{s, s.ServiceDesk(), s.Billing(), s.Policy()}
	}},
	{"sqlite", func(t *testing.T) stores { return fromSQL(testdb.SQLite(t)) }},
	{"postgres", func(t *testing.T) stores { return fromSQL(testdb.Postgres(t)) }},
}

func fromSQL(s *sqlstore.Store) stores { return stores{s, s.ServiceDesk(), s.Billing(), s.Policy()} }

var (
	admin = org.Admin("dms")
	lin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wu    = org.Actor{ID: "wu", Role: org.RoleTechnician}
)

type world struct {
	ctx  context.Context
	st   stores
	orgs *org.Service
	desk *servicedesk.Service
	pol  *policy.Service
}

func newWorld(t *testing.T, st stores) *world {
	t.Helper()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	orgs, err := org.NewService(org.Config{Store: st.org, Clock: clock})
	require.NoError(t, err)
	bills, err := billing.NewService(billing.Config{Store: st.bill, Roster: orgs.Directory(), Clock: clock})
	require.NoError(t, err)
	desk, err := servicedesk.NewService(servicedesk.Config{Store: st.desk, Roster: orgs.Directory(), Clock: clock, Billing: bills})
	require.NoError(t, err)
	pol, err := policy.NewService(policy.Config{Store: st.pol, Roster: orgs.Directory(), Clock: clock})
	require.NoError(t, err)
	w := &world{ctx: t.Context(), st: st, orgs: orgs, desk: desk, pol: pol}
	_, err = orgs.CreateDealer(w.ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
	} {
		_, err := orgs.AddEmployee(w.ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	_, err = desk.Receive(w.ctx, "d1", chen, reception("RO-1"))
	require.NoError(t, err)
	return w
}

func reception(id servicedesk.WorkOrderID) servicedesk.Reception {
	return servicedesk.Reception{ID: id, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao Ming", Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"brakes squeal"}}
}

// records counts what a refused command must leave alone: the audit trail
// and the work orders.
func (w *world) records(t *testing.T) (events, orders int) {
	t.Helper()
	evs, err := w.st.org.Events(w.ctx, "d1", 0, org.MaxPage)
	require.NoError(t, err)
	wos, err := w.st.desk.WorkOrders(w.ctx, "d1", servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	return len(evs), len(wos)
}

// Findings 1 and 2 of issue 15: NUL bytes and invalid UTF-8 in IDs and
// text gave raw driver errors on PostgreSQL and were stored (invalid UTF-8
// rewritten to U+FFFD) on SQLite. Now every store gives the same typed
// error, from the services, and nothing is written.
func TestIssue15_finding1_2_text_the_same_on_every_store(t *testing.T) {
	cases := []inputCase{
		{"cancel_reason_with_NUL", org.ErrInvalid, "reason", func(w *world) error {
			_, err := w.desk.Cancel(w.ctx, "d1", chen, servicedesk.Ref{ID: "RO-1"}, servicedesk.CancelInput{Reason: "a\x00b"})
			return err
		}},
		{"work_order_ID_with_NUL", org.ErrInvalid, "id", func(w *world) error {
			_, err := w.desk.Start(w.ctx, "d1", wu, servicedesk.Ref{ID: "a\x00b"})
			return err
		}},
		{"dealer_ID_not_UTF8", org.ErrNotFound, "", func(w *world) error {
			_, err := w.orgs.AddEmployee(w.ctx, "\xff", admin, org.NewEmployee{Name: "X", Role: org.RoleAdvisor})
			return err
		}},
		{"dealer_ID_with_NUL_on_a_read", org.ErrForbidden, "", func(w *world) error {
			_, err := w.desk.WorkOrder(w.ctx, "d\x001", chen, "RO-1")
			return err
		}},
		{"work_order_read_with_NUL", org.ErrNotFound, "", func(w *world) error {
			_, err := w.desk.WorkOrder(w.ctx, "d1", chen, "RO\x001")
			return err
		}},
		{"complaint_read_not_UTF8", org.ErrNotFound, "", func(w *world) error {
			_, err := w.desk.Complaint(w.ctx, "d1", lin, "\xff")
			return err
		}},
		{"decision_key_not_UTF8", org.ErrInvalid, "key", func(w *world) error {
			_, err := w.pol.Approve(w.ctx, "d1", lin, policy.DecideInput{Key: "\xff"})
			return err
		}},
		{"customer_name_not_UTF8", org.ErrInvalid, "customer.name", func(w *world) error {
			in := reception("RO-2")
			in.Customer.Name = "\xff\xfe\xfd"
			_, err := w.desk.Receive(w.ctx, "d1", chen, in)
			return err
		}},
		{"employee_name_with_NUL", org.ErrInvalid, "name", func(w *world) error {
			_, err := w.orgs.AddEmployee(w.ctx, "d1", admin, org.NewEmployee{Name: "Wang\x00Ling", Role: org.RoleAdvisor})
			return err
		}},
		{"plate_with_a_line_break", org.ErrInvalid, "vehicle.plate", func(w *world) error {
			in := reception("RO-2")
			in.Vehicle.Plate = "ABC\n1234"
			_, err := w.desk.Receive(w.ctx, "d1", chen, in)
			return err
		}},
		{"note_with_a_bell", org.ErrInvalid, "text", func(w *world) error {
			_, err := w.desk.AddNote(w.ctx, "d1", chen, servicedesk.Ref{ID: "RO-1"}, servicedesk.NoteInput{Text: "ring \a"})
			return err
		}},
		{"concern_with_NUL_in_a_list", org.ErrInvalid, "concerns[1]", func(w *world) error {
			in := reception("RO-2")
			in.Concerns = []string{"noise", "\x00"}
			_, err := w.desk.Receive(w.ctx, "d1", chen, in)
			return err
		}},
		{"incident_note_with_escape", org.ErrInvalid, "note", func(w *world) error {
			_, err := w.pol.RecordIncident(w.ctx, "d1", lin, policy.IncidentInput{Employee: "chen", Kind: policy.Late,
				At: time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC), Note: "\x1b[31mred"})
			return err
		}},
	}
	run(t, cases)
}

type inputCase = struct {
	name  string
	want  error
	field string
	do    func(w *world) error
}

// run tries every case on every store: the error each case wants, the
// field named, nothing written.
func run(t *testing.T, cases []inputCase) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.open(t))
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					events, orders := w.records(t)
					err := c.do(w)
					require.Error(t, err)
					assert.ErrorIs(t, err, c.want)
					if c.field != "" {
						fe, ok := org.FieldErrorOf(err, c.field)
						if assert.True(t, ok, "%s named: %v", c.field, err) {
							assert.Contains(t, []string{org.CodeFormat, org.CodeControl, org.CodeRange, org.CodePlaces, org.CodeTooLong}, fe.Code)
						}
					}
					var ve *org.ValidationError
					if errors.As(err, &ve) {
						assert.NotContains(t, err.Error(), "SQLSTATE", "no driver text")
					}
					e, o := w.records(t)
					assert.Equal(t, []int{events, orders}, []int{e, o}, "nothing written")
				})
			}
			if t.Name() != "TestIssue15_finding1_2_text_the_same_on_every_store/"+b.name {
				return
			}
			// Free text keeps its line breaks and tabs.
			_, err := w.desk.AddNote(w.ctx, "d1", chen, servicedesk.Ref{ID: "RO-1"}, servicedesk.NoteInput{Text: "pads worn:\n\tfront 2 mm\r\n\trear 5 mm"})
			require.NoError(t, err)
			wo, err := w.desk.WorkOrder(w.ctx, "d1", chen, "RO-1")
			require.NoError(t, err)
			require.NotEmpty(t, wo.Notes)
			assert.Equal(t, "pads worn:\n\tfront 2 mm\r\n\trear 5 mm", wo.Notes[len(wo.Notes)-1].Text)
		})
	}
}

func estimate(qty, price, hours string) servicedesk.EstimateInput {
	return servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "pads", Hours: decimal.RequireFromString(hours),
		Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: "BRK", Description: "pads",
			Quantity: decimal.RequireFromString(qty), UnitPrice: decimal.RequireFromString(price)}}}}}
}

// Findings 3 to 5 of issue 15: numbers without range or precision, times
// without bounds, text without size. Each is refused before the store, the
// same on every store, and nothing is written.
func TestIssue15_finding3_5_bounds(t *testing.T) {
	est := func(in servicedesk.EstimateInput) func(w *world) error {
		return func(w *world) error {
			_, err := w.desk.Estimate(w.ctx, "d1", chen, servicedesk.Ref{ID: "RO-1"}, in)
			return err
		}
	}
	run(t, []inputCase{
		{"finding3_quantity_1e30", org.ErrInvalid, "jobs[0].lines[0].quantity", est(estimate("1e30", "100", "1"))},
		{"finding3_quantity_1e-30", org.ErrInvalid, "jobs[0].lines[0].quantity", est(estimate("1e-30", "100", "1"))},
		{"finding3_price_20_places", org.ErrInvalid, "jobs[0].lines[0].unit_price", est(estimate("1", "1.00000000000000000001", "1"))},
		{"finding3_hours_20_places", org.ErrInvalid, "jobs[0].hours", est(estimate("1", "100", "0.00000000000000000001"))},
		{"finding3_quantity_above_its_bound", org.ErrInvalid, "jobs[0].lines[0].quantity", est(estimate("100001", "100", "1"))},
		{"finding3_hours_above_their_bound", org.ErrInvalid, "jobs[0].hours", est(estimate("1", "100", "1001"))},
		{"finding4_promised_in_year_1", org.ErrInvalid, "promised_at", func(w *world) error {
			in := reception("RO-2")
			in.PromisedAt = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
			_, err := w.desk.Receive(w.ctx, "d1", chen, in)
			return err
		}},
		{"finding4_promised_in_9999", org.ErrInvalid, "promised_at", func(w *world) error {
			in := reception("RO-2")
			in.PromisedAt = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			_, err := w.desk.Receive(w.ctx, "d1", chen, in)
			return err
		}},
		{"finding4_incident_in_year_1", org.ErrInvalid, "at", func(w *world) error {
			_, err := w.pol.RecordIncident(w.ctx, "d1", lin, policy.IncidentInput{Employee: "chen", Kind: policy.Late, At: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)})
			return err
		}},
		{"finding4_incident_before_the_employee_joined", org.ErrInvalid, "at", func(w *world) error {
			_, err := w.pol.RecordIncident(w.ctx, "d1", lin, policy.IncidentInput{Employee: "chen", Kind: policy.Late, At: time.Date(2026, 10, 30, 1, 0, 0, 0, time.UTC)})
			return err
		}},
		{"finding4_period_of_year_9999", org.ErrInvalid, "period", func(w *world) error {
			_, err := w.pol.Nominate(w.ctx, "d1", lin, policy.NominationInput{Employee: "chen", Period: policy.Period{Year: 9999, Month: time.January}, Reason: "x"})
			return err
		}},
		{"finding5_100KB_payment_reference", org.ErrInvalid, "payments[0].reference", func(w *world) error {
			_, _, err := w.desk.SettleBill(w.ctx, "d1", chen, servicedesk.Ref{ID: "RO-1"}, servicedesk.SettleInput{Key: "k1",
				Confirmation: billing.Confirmation{By: "Kao", Method: "signature"},
				Payments:     []billing.Payment{{Method: billing.PayCard, Amount: decimal.NewFromInt(100), Reference: strings.Repeat("r", 100_000)}}})
			return err
		}},
		{"finding5_100KB_text_without_its_own_max", org.ErrInvalid, "", func(w *world) error {
			in := reception("RO-2")
			in.Customer.Name = strings.Repeat("名", 100_000)
			_, err := w.desk.Receive(w.ctx, "d1", chen, in)
			return err
		}},
	})
}
