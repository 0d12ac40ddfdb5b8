package servicedesk_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// Mr. Kao's personal data as the fixture records it: what an erasure must
// leave nowhere but in billing's documents.
var kaoTraces = []string{"Mr. Kao", "0912-000-111", "ABC-1234", "kao@example.com", "kept me informed"}

// privacyFixture is a dealer holding two customers. Mr. Kao: wo1 settled
// through billing and delivered (consent by phone, the ready notice sent),
// with a survey comment and a resolved complaint; wo3 in repair. Ms. Lin:
// wo2, received.
func privacyFixture(t *testing.T, backend string) *sbFixture {
	t.Helper()
	f := newSBFixtureOn(t, backend, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.toEstimate(t, "wo1")
	_, err := f.desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j1", "j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
		Evidence: f.call("front pads and oil change", "6130")})
	require.NoError(t, err)
	_, err = f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, ref)
	require.NoError(t, err)
	for _, j := range []string{"j1", "j2"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j})
		require.NoError(t, err)
	}
	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	_, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: true}}})
	require.NoError(t, err)
	w, err := f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "work done as approved"})
	require.NoError(t, err)
	_, _, err = f.desk.SettleBill(ctx, dealer, chen, ref, f.settleInput(t, "settle-wo1", &w, nil))
	require.NoError(t, err)
	_, err = f.desk.Deliver(ctx, dealer, chen, ref, servicedesk.DeliveryInput{MileageOut: 42003})
	require.NoError(t, err)
	sv := surveyIn("wo1", "5", servicedesk.SurveyByCall)
	sv.Comment = "kept me informed"
	_, err = f.desk.RecordSurvey(ctx, dealer, wang, sv)
	require.NoError(t, err)
	f.openComplaint(t, "c1", servicedesk.ComplaintResolved)

	_, err = f.desk.Receive(ctx, dealer, chen, servicedesk.Reception{
		ID: "wo2", Channel: servicedesk.ChannelPhone, Transport: servicedesk.TransportDropOff,
		Customer: servicedesk.Customer{Name: "Ms. Lin", Phone: "0933-222-111", Email: "lin@example.com"},
		Vehicle:  servicedesk.Vehicle{Make: "Honda", Model: "Fit", Plate: "LIN-0001", MileageIn: 1000},
		Concerns: []string{"wipers"},
	})
	require.NoError(t, err)

	f.toApproved(t, "wo3")
	_, err = f.desk.Book(ctx, dealer, chen, servicedesk.Ref{ID: "wo3"}, servicedesk.BookingInput{Technician: "wu", Start: at(3, 10, 0), End: at(3, 12, 0)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, servicedesk.Ref{ID: "wo3"})
	require.NoError(t, err)
	return f
}

// dealerDump is every servicedesk record and event of the dealer, as JSON,
// and the billing events apart (documents are kept as issued).
func (f *sbFixture) dealerDump(t *testing.T) (desk, billingEvents string) {
	t.Helper()
	ws, err := f.desks.WorkOrders(f.ctx, dealer, servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	cs, err := f.desks.Complaints(f.ctx, dealer, servicedesk.ComplaintQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	svs, err := f.desks.Surveys(f.ctx, dealer, servicedesk.SurveyQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	evs, err := f.desks.Events(f.ctx, dealer, 0, org.MaxPage)
	require.NoError(t, err)
	var deskEvs, billEvs []org.Event
	for _, e := range evs {
		if strings.HasPrefix(e.Subject, "workorder/") || strings.HasPrefix(e.Subject, "complaint/") || strings.HasPrefix(e.Subject, "survey/") ||
			strings.HasPrefix(e.Subject, "privacy/") {
			deskEvs = append(deskEvs, e)
		} else {
			billEvs = append(billEvs, e)
		}
	}
	d, err := json.Marshal([]any{ws, cs, svs, deskEvs})
	require.NoError(t, err)
	b, err := json.Marshal(billEvs)
	require.NoError(t, err)
	return string(d), string(b)
}

func TestCustomerData(t *testing.T) {
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			f := privacyFixture(t, backend)
			ctx := f.ctx
			byPhone := servicedesk.CustomerRef{Request: "dsr-1", Phone: "0912 000 111"}

			t.Run("R7.2d_export_holds_everything_about_the_customer", func(t *testing.T) {
				x, err := f.desk.ExportCustomer(ctx, dealer, admin, byPhone)
				require.NoError(t, err)
				assert.Equal(t, []servicedesk.WorkOrderID{"wo1", "wo3"}, orderIDs(x.WorkOrders))
				require.Len(t, x.Complaints, 1)
				assert.Equal(t, servicedesk.ComplaintID("c1"), x.Complaints[0].ID)
				require.Len(t, x.Surveys, 1)
				assert.Equal(t, "kept me informed", x.Surveys[0].Comment)
				require.NotEmpty(t, x.Documents, "the settlement's documents")
				for _, d := range x.Documents {
					assert.Equal(t, "wo1", d.WorkOrder)
				}
				subjects := map[string]bool{}
				for _, e := range x.Events {
					subjects[e.Subject] = true
				}
				assert.Equal(t, map[string]bool{"workorder/wo1": true, "workorder/wo3": true, "complaint/c1": true, "survey/wo1": true}, subjects)
				raw, err := json.Marshal(x)
				require.NoError(t, err)
				assert.NotContains(t, string(raw), "Ms. Lin")
				assert.NotContains(t, string(raw), "0933-222-111")

				// By e-mail-less work order: the same customer.
				y, err := f.desk.ExportCustomer(ctx, dealer, admin, servicedesk.CustomerRef{Request: "dsr-1b", WorkOrder: "wo3"})
				require.NoError(t, err)
				assert.Equal(t, orderIDs(x.WorkOrders), orderIDs(y.WorkOrders))

				// Audited, naming the request and the records, not the customer.
				ev := f.lastEvent(t)
				assert.Equal(t, "customer.exported", ev.Type)
				assert.Equal(t, "privacy/dsr-1b", ev.Subject)
				assert.Equal(t, admin, ev.Actor)
				for _, s := range kaoTraces {
					assert.NotContains(t, string(ev.Data), s)
				}
				assert.Contains(t, string(ev.Data), `"wo3"`)
			})

			t.Run("R7.2d_only_an_admin_exports_or_erases", func(t *testing.T) {
				before := f.snapDesk(t)
				for _, a := range []org.Actor{chen, sup, wu, {ID: "stranger", Role: org.RoleAdmin + "x"}} {
					_, err := f.desk.ExportCustomer(ctx, dealer, a, byPhone)
					assert.ErrorIs(t, err, org.ErrForbidden, a)
					_, err = f.desk.EraseCustomer(ctx, dealer, a, servicedesk.ErasureInput{Customer: byPhone, Reason: "request"})
					assert.ErrorIs(t, err, org.ErrForbidden, a)
				}
				assert.Equal(t, before, f.snapDesk(t))
			})

			t.Run("bad_references_refused_before_any_read", func(t *testing.T) {
				before := f.snapDesk(t)
				for name, ref := range map[string]servicedesk.CustomerRef{
					"nothing_names_the_customer": {Request: "dsr-2"},
					"no_request":                 {Phone: "0912-000-111"},
					"request_not_UTF8":           {Request: "dsr-\xff", Phone: "0912-000-111"},
					"request_with_NUL":           {Request: "dsr\x00", Phone: "0912-000-111"},
					"phone_too_short":            {Request: "dsr-2", Phone: "12-3"},
					"request_too_long":           {Request: strings.Repeat("r", 65), Phone: "0912-000-111"},
				} {
					_, err := f.desk.ExportCustomer(ctx, dealer, admin, ref)
					assert.ErrorIs(t, err, org.ErrInvalid, name)
					_, err = f.desk.EraseCustomer(ctx, dealer, admin, servicedesk.ErasureInput{Customer: ref, Reason: "request"})
					assert.ErrorIs(t, err, org.ErrInvalid, name)
				}
				_, err := f.desk.EraseCustomer(ctx, dealer, admin, servicedesk.ErasureInput{Customer: byPhone, Reason: " "})
				assert.ErrorIs(t, err, org.ErrInvalid, "a blank reason")
				_, err = f.desk.ExportCustomer(ctx, dealer, admin, servicedesk.CustomerRef{Request: "dsr-3", Email: "nobody@example.com"})
				assert.ErrorIs(t, err, org.ErrNotFound, "a customer the dealer does not hold")
				_, err = f.desk.ExportCustomer(ctx, "d2", admin, byPhone)
				assert.Error(t, err, "another dealer holds nothing of d1's")
				assert.Equal(t, before, f.snapDesk(t))
			})

			t.Run("R7.2d_erase_after_orders_end", func(t *testing.T) {
				before := f.snapDesk(t)
				_, err := f.desk.EraseCustomer(ctx, dealer, admin, servicedesk.ErasureInput{Customer: byPhone, Reason: "customer's request"})
				var terr *servicedesk.TransitionError
				require.True(t, errors.As(err, &terr), "%v", err)
				assert.Equal(t, "customer", terr.Record)
				require.Len(t, terr.Blockers, 1)
				assert.Equal(t, "R7.2d_erase_after_orders_end", terr.Blockers[0].Rule)
				assert.Contains(t, terr.Blockers[0].Message, "wo3")
				assert.Equal(t, before, f.snapDesk(t), "a refused erasure changes nothing")
			})

			t.Run("R7.2d_erasure_leaves_no_trace_outside_the_documents", func(t *testing.T) {
				_, err := f.desk.Cancel(ctx, dealer, sup, servicedesk.Ref{ID: "wo3"}, servicedesk.CancelInput{Reason: "customer withdrew"})
				require.NoError(t, err)
				desk, _ := f.dealerDump(t)
				for _, s := range kaoTraces[:4] {
					if s != "kao@example.com" {
						require.Contains(t, desk, s, "the fixture holds %q before the erasure", s)
					}
				}
				docsBefore, err := f.bills.DocumentsOf(ctx, dealer, admin, "wo1")
				require.NoError(t, err)

				e, err := f.desk.EraseCustomer(ctx, dealer, admin, servicedesk.ErasureInput{Customer: byPhone, Reason: "customer's request of 2026-12-01"})
				require.NoError(t, err)
				assert.Equal(t, []servicedesk.WorkOrderID{"wo1", "wo3"}, e.WorkOrders)
				assert.Equal(t, []servicedesk.ComplaintID{"c1"}, e.Complaints)
				assert.Equal(t, []servicedesk.WorkOrderID{"wo1"}, e.Surveys)
				assert.NotEmpty(t, e.Events)
				assert.Len(t, e.Retained, len(docsBefore))

				desk, _ = f.dealerDump(t)
				for _, s := range kaoTraces {
					assert.NotContains(t, desk, s, "after the erasure")
				}
				assert.Contains(t, desk, "Ms. Lin", "another customer's data stays")
				assert.Contains(t, desk, "0933-222-111", "another customer's data stays")

				// What the records say about the work and the money stays.
				w, err := f.desk.WorkOrder(ctx, dealer, admin, "wo1")
				require.NoError(t, err)
				assert.Equal(t, servicedesk.Customer{Name: servicedesk.ErasedName}, w.Customer)
				assert.Equal(t, servicedesk.StateDelivered, w.State)
				assert.Equal(t, "JTDBR32E720123456", w.Vehicle.VIN)
				assert.False(t, w.SettledTotal.IsZero())
				sv, err := f.desk.Survey(ctx, dealer, admin, "wo1")
				require.NoError(t, err)
				assert.Equal(t, "5", sv.Score.String())
				assert.Empty(t, sv.Comment)

				// Billing's documents are kept as issued.
				docsAfter, err := f.bills.DocumentsOf(ctx, dealer, admin, "wo1")
				require.NoError(t, err)
				assert.Equal(t, docsBefore, docsAfter)

				ev := f.lastEvent(t)
				assert.Equal(t, "customer.erased", ev.Type)
				assert.Equal(t, "privacy/dsr-1", ev.Subject)
				assert.Equal(t, "customer's request of 2026-12-01", ev.Reason)

				// Erasing again finds nothing: the customer is gone.
				_, err = f.desk.EraseCustomer(ctx, dealer, admin, servicedesk.ErasureInput{Customer: byPhone, Reason: "again"})
				assert.ErrorIs(t, err, org.ErrNotFound)
			})
		})
	}
}

// TestEvents_carry_no_contact_data: the audit trail holds a customer's
// phone and e-mail only in the ready notice, whose recipient sends it
// (R7.2d, R3.3d).
func TestEvents_carry_no_contact_data(t *testing.T) {
	f := privacyFixture(t, "memory")
	evs, err := f.desks.Events(f.ctx, dealer, 0, org.MaxPage)
	require.NoError(t, err)
	noticed := false
	for _, e := range evs {
		if e.Type == "workorder.notify_ready" {
			noticed = true
			assert.Contains(t, string(e.Data), "0912-000-111", "the notice's recipient needs the number")
			continue
		}
		if !strings.HasPrefix(e.Subject, "workorder/") && !strings.HasPrefix(e.Subject, "complaint/") && !strings.HasPrefix(e.Subject, "survey/") {
			continue // billing's, printed on the documents
		}
		assert.NotContains(t, string(e.Data), "0912-000-111", e.Type)
		assert.NotContains(t, string(e.Data), "0933-222-111", e.Type)
		assert.NotContains(t, string(e.Data), "lin@example.com", e.Type)
	}
	assert.True(t, noticed)
}

func orderIDs(ws []servicedesk.WorkOrder) []servicedesk.WorkOrderID {
	out := make([]servicedesk.WorkOrderID, len(ws))
	for i, w := range ws {
		out[i] = w.ID
	}
	return out
}

var _ servicedesk.OrderDocuments = (*billing.Service)(nil)
