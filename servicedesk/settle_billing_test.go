package servicedesk_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// sbFixture is the test dealership with billing: the Taipei price book
// (its operations BRK-01 and OIL-01 are the fixture's labor; PAD-F and
// OIL-5W30 are priced at the estimate's unit prices) saved and active, and
// a desk that settles through billing.
type sbFixture struct {
	*fixture
	bills *billing.Service
	book  billing.PriceBook
	// performed is what the technician reports on completing a job; a job
	// not in it is done as estimated.
	performed map[string][]servicedesk.PerformedLine
	// The stores under the fixture, on whichever backend it runs.
	orgs     org.Store
	billings billing.Store
	desks    servicedesk.Store
}

func (f *sbFixture) deskStore() servicedesk.Store { return f.desks }

func newSBFixture(t testing.TB) *sbFixture {
	t.Helper()
	return newSBFixtureOn(t, "memory", servicedesk.Options{})
}

// sbBackends are the stores servicelane ships; PostgreSQL's tests skip
// when SERVICELANE_POSTGRES_DSN is not set.
var sbBackends = []string{"memory", "sqlite", "postgres"}

// newSBFixtureOn is newSBFixture on backend ("memory", "sqlite" or
// "postgres"), with the desk's opts.
func newSBFixtureOn(t testing.TB, backend string, opts servicedesk.Options) *sbFixture {
	t.Helper()
	var (
		f  *fixture
		os org.Store
		bs billing.Store
		ds servicedesk.Store
	)
	switch backend {
	case "memory":
		st := memstore.New()
		os, bs, ds = st, st.Billing(), st.ServiceDesk()
		f = newFixtureOn(t, os, ds, opts)
		f.store = st
	case "sqlite", "postgres":
		st := testdb.SQLite(t)
		if backend == "postgres" {
			st = testdb.Postgres(t)
		}
		os, bs, ds = st, st.Billing(), st.ServiceDesk()
		f = newFixtureOn(t, os, ds, opts)
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	bills, err := billing.NewService(billing.Config{Store: bs, Roster: f.roster.Directory(), Clock: f.clock, IDs: org.SequentialIDs("bl")})
	require.NoError(t, err)
	book, err := billing.LoadPriceBookFile("../billing/testdata/pricebooks/taipei.yaml")
	require.NoError(t, err)
	_, err = bills.SavePriceBook(f.ctx, dealer, sup, book, true)
	require.NoError(t, err)
	desk, err := servicedesk.NewService(servicedesk.Config{Store: ds, Roster: f.roster.Directory(), Clock: f.clock,
		IDs: org.SequentialIDs("sb"), Billing: bills, Options: opts})
	require.NoError(t, err)
	f.desk = desk
	return &sbFixture{fixture: f, bills: bills, book: *book, orgs: os, billings: bs, desks: ds}
}

// toRepaired drives a new order through the fixture's estimate (j1 brakes,
// j2 oil), the customer's decision, a booking of wu on day, and the
// approved jobs done.
func (f *sbFixture) toRepaired(t testing.TB, id servicedesk.WorkOrderID, day int, approved, declined []string) servicedesk.WorkOrder {
	t.Helper()
	ctx, ref := f.ctx, servicedesk.Ref{ID: id}
	f.toEstimate(t, id)
	_, err := f.desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: approved, Declined: declined, By: "Mr. Kao", Method: servicedesk.ApprovalSignature,
		Evidence: signature("signatures/" + string(id) + ".png")})
	require.NoError(t, err)
	_, err = f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(day, 10, 0), End: at(day, 12, 0)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, ref)
	require.NoError(t, err)
	for _, j := range approved {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j, Performed: f.performed[j]})
		require.NoError(t, err)
	}
	w, err := f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateRepaired, w.State)
	return w
}

// toReady drives a new order on to ready_for_pickup: a passed final
// inspection and the customer told (R3.3c, R3.3d).
func (f *sbFixture) toReady(t testing.TB, id servicedesk.WorkOrderID, day int, approved, declined []string) servicedesk.WorkOrder {
	t.Helper()
	ctx, ref := f.ctx, servicedesk.Ref{ID: id}
	f.toRepaired(t, id, day, approved, declined)
	_, err := f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: true}}})
	require.NoError(t, err)
	w, err := f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "work done as approved"})
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateReady, w.State)
	return w
}

// settleInput settles a ready order under terms of payTypes, the customer
// paying their part of the bill PreviewBill shows in cash.
func (f *sbFixture) settleInput(t testing.TB, key string, w *servicedesk.WorkOrder, payTypes map[string]billing.PayType) servicedesk.SettleInput {
	t.Helper()
	terms := servicedesk.BillTerms{PayTypes: payTypes}
	p, err := f.desk.PreviewBill(f.ctx, dealer, chen, servicedesk.Ref{ID: w.ID}, terms)
	require.NoError(t, err)
	in := servicedesk.SettleInput{Key: key, Terms: terms, Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"}}
	if cust, ok := p.Bill.Payer(billing.PayCustomer); ok {
		in.Payments = []billing.Payment{{Method: billing.PayCash, Amount: cust.Total}}
	}
	return in
}

// raisePrices activates a new version of the book whose customer labor
// rate is 4,800 instead of 1,200: a bill priced now is far above the
// estimate priced with the old one.
func (f *sbFixture) raisePrices(t testing.TB) {
	t.Helper()
	book, err := billing.LoadPriceBookFile("../billing/testdata/pricebooks/taipei.yaml")
	require.NoError(t, err)
	book.Version = "2026-12"
	for i := range book.Labor.Rates {
		if book.Labor.Rates[i].PayType == billing.PayCustomer {
			book.Labor.Rates[i].Rate = dec("4800")
		}
	}
	_, err = f.bills.SavePriceBook(f.ctx, dealer, sup, book, true)
	require.NoError(t, err)
}

// sbState is what a refused SettleBill must leave as it was.
type sbState struct {
	Order     servicedesk.WorkOrder
	Documents []billing.DocumentID
	Events    int
}

func (f *sbFixture) snap(t testing.TB, id servicedesk.WorkOrderID) sbState {
	t.Helper()
	w, err := f.desk.WorkOrder(f.ctx, dealer, admin, id)
	require.NoError(t, err)
	docs, err := f.billings.Documents(f.ctx, dealer, billing.DocumentQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	evs, err := f.orgs.Events(f.ctx, dealer, 0, org.MaxPage)
	require.NoError(t, err)
	s := sbState{Order: w, Events: len(evs)}
	for _, d := range docs {
		s.Documents = append(s.Documents, d.ID)
	}
	return s
}

func sbIDs(docs []billing.Document) []billing.DocumentID {
	out := make([]billing.DocumentID, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func sbBlockers(t testing.TB, err error) []string {
	t.Helper()
	var te *servicedesk.TransitionError
	require.ErrorAs(t, err, &te)
	out := make([]string, 0, len(te.Blockers))
	for _, b := range te.Blockers {
		out = append(out, b.Rule)
	}
	return out
}

// TestSettleBill_R3_4d_one_commit: the order moves to settled and its
// documents are issued in one commit, with one audit trail.
func TestSettleBill_R3_4d_one_commit(t *testing.T) {
	f := newSBFixture(t)
	ctx := f.ctx
	w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
	assert.True(t, dec("6130").Equal(w.ApprovedTotal()))
	warranty := map[string]billing.PayType{"j2": billing.PayWarranty}
	in := f.settleInput(t, "settle-wo1", &w, warranty)
	in.Payments = []billing.Payment{{Method: billing.PayCash, Amount: dec("4500")}}
	preview, err := f.desk.PreviewBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in.Terms)
	require.NoError(t, err)
	assert.Empty(t, preview.Blockers, "the preview sees nothing to stop the settlement")
	before := f.snap(t, "wo1")

	got, docs, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
	require.NoError(t, err)

	assert.Equal(t, servicedesk.StateSettled, got.State)
	assert.Equal(t, "INV-000001,INV-000002", got.Settlement, "the order lists its documents")
	assert.True(t, preview.Bill.Total().Equal(got.SettledTotal), "previewed %s, settled %s", preview.Bill.Total(), got.SettledTotal)
	assert.Equal(t, "6084", got.SettledTotal.String(), "customer 1800+2450+54 shop supplies, warranty 500+1280")
	assert.True(t, f.clock.Now().Equal(got.SettledAt))
	require.Len(t, docs, 2)
	assert.Equal(t, []billing.DocumentID{"INV-000001", "INV-000002"}, sbIDs(docs))
	assert.Equal(t, billing.PayCustomer, docs[0].PayType)
	assert.Equal(t, "4304", docs[0].Total.String())
	assert.Equal(t, billing.PayWarranty, docs[1].PayType)
	assert.Equal(t, "1780", docs[1].Total.String())
	for _, d := range docs {
		assert.Equal(t, "wo1", d.WorkOrder, "the order's ID, filled in by SettleBill")
		assert.Equal(t, "note.warranty", d.Notes[0].Key, "R3.4e")
		stored, err := f.bills.Document(ctx, dealer, admin, d.ID)
		require.NoError(t, err, "the billing store has %s", d.ID)
		assert.True(t, d.Total.Equal(stored.Total))
	}
	st, err := f.bills.Settlement(ctx, dealer, admin, "settle-wo1")
	require.NoError(t, err)
	assert.Equal(t, org.EmployeeID("chen"), st.Advisor, "the order's advisor, filled in by SettleBill")
	assert.Equal(t, "wo1", st.WorkOrder)
	assert.Equal(t, "196", st.Change.String())

	stored, err := f.desk.WorkOrder(ctx, dealer, admin, "wo1")
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateSettled, stored.State)
	assert.Equal(t, got.Settlement, stored.Settlement)
	assert.Equal(t, before.Order.Version+1, stored.Version)

	// The order's timeline ends with the settle event; the billing events
	// follow it in the same commit, in the dealer's one audit trail.
	tl, err := f.desk.Timeline(ctx, dealer, admin, "wo1")
	require.NoError(t, err)
	settle := tl[len(tl)-1]
	assert.Equal(t, "workorder.settle", settle.Type)
	var data struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Input struct {
			Key       string   `json:"key"`
			Documents []string `json:"documents"`
		} `json:"input"`
	}
	require.NoError(t, json.Unmarshal(settle.Data, &data))
	assert.Equal(t, "ready_for_pickup", data.From)
	assert.Equal(t, "settled", data.To)
	assert.Equal(t, "settle-wo1", data.Input.Key)
	assert.Equal(t, []string{"INV-000001", "INV-000002"}, data.Input.Documents)

	evs, err := f.orgs.Events(ctx, dealer, settle.Seq-1, org.MaxPage)
	require.NoError(t, err)
	var trail []string
	for i, ev := range evs {
		assert.Equal(t, settle.Seq+int64(i), ev.Seq)
		assert.Equal(t, chen, ev.Actor)
		trail = append(trail, ev.Type+" "+ev.Subject)
	}
	assert.Equal(t, []string{"workorder.settle workorder/wo1", "settlement.settled settlement/settle-wo1",
		"document.issued document/INV-000001", "document.issued document/INV-000002"}, trail)
	assert.Equal(t, before.Events+4, f.snap(t, "wo1").Events, "one commit wrote these four events and no other")
}

// TestSettleBill_refusals: a refused settlement leaves the order as it
// was and issues nothing.
func TestSettleBill_refusals(t *testing.T) {
	cases := []struct {
		name      string
		state     servicedesk.State // repaired, in_progress (failed inspection) or ready
		by        org.Actor
		performed map[string][]servicedesk.PerformedLine
		before    func(t testing.TB, f *sbFixture) // after the order reached its state
		input     func(in *servicedesk.SettleInput)
		blockers  []string // a TransitionError's guards
		is        error
	}{
		{name: "R3.3c_no_settlement_before_the_final_inspection", state: servicedesk.StateRepaired, by: chen,
			blockers: []string{"state", "R3.3c_final_inspection_passed"}, is: servicedesk.ErrInvalidTransition},
		{name: "R3.3c_no_settlement_after_a_failed_inspection", state: servicedesk.StateInProgress, by: chen,
			blockers: []string{"state", "R3.3c_final_inspection_passed"}, is: servicedesk.ErrInvalidTransition},
		// The book's customer labor rate went from 1,200 to 4,800 after the
		// estimate: the bill is far beyond the book's 10% / NT$2,000.
		{name: "R3.4_overrun_needs_reapproval", state: servicedesk.StateReady, by: chen,
			before:   func(t testing.TB, f *sbFixture) { f.raisePrices(t) },
			blockers: []string{"R3.4_overrun_needs_reapproval"}, is: servicedesk.ErrInvalidTransition},
		{name: "R2.3_technician_may_not_settle", state: servicedesk.StateReady, by: wu,
			blockers: []string{"role"}, is: servicedesk.ErrForbidden},
		{name: "R3.4b_bill_not_matching_the_technicians_lines", state: servicedesk.StateReady, by: chen,
			performed: map[string][]servicedesk.PerformedLine{"j2": {
				{Kind: servicedesk.LineLabor, Code: "OIL-01", Quantity: dec("0.5")},
				{Kind: servicedesk.LinePart, Code: "OIL-5W30", Quantity: dec("5")}}}, // five litres reported, four approved
			is: servicedesk.ErrInvalidTransition},
		{name: "R3.4b_the_advisor_may_not_override", state: servicedesk.StateReady, by: chen,
			performed: map[string][]servicedesk.PerformedLine{"j2": {
				{Kind: servicedesk.LineLabor, Code: "OIL-01", Quantity: dec("0.5")},
				{Kind: servicedesk.LinePart, Code: "OIL-5W30", Quantity: dec("5")}}},
			input: func(in *servicedesk.SettleInput) { in.OverrideReason = "I say so" },
			is:    servicedesk.ErrForbidden},
		{name: "R3.4d_short_payment", state: servicedesk.StateReady, by: chen,
			input: func(in *servicedesk.SettleInput) { in.Payments[0].Amount = dec("100") },
			is:    servicedesk.ErrInvalid},
		{name: "R3.2c_declined_job_in_the_terms_refused", state: servicedesk.StateReady, by: chen,
			input: func(in *servicedesk.SettleInput) {
				in.Terms.PayTypes = map[string]billing.PayType{"j9": billing.PayWarranty}
			}, is: servicedesk.ErrInvalid},
		{name: "R2.2_advisor_may_not_discount", state: servicedesk.StateReady, by: chen,
			input: func(in *servicedesk.SettleInput) {
				in.Terms.Discounts = []billing.Discount{{Code: "GOODWILL", Description: "late delivery", Amount: dec("100")}}
			}, is: servicedesk.ErrForbidden},
		{name: "R3.4_discount_without_a_reason", state: servicedesk.StateReady, by: sup,
			input: func(in *servicedesk.SettleInput) {
				in.Terms.Discounts = []billing.Discount{{Code: "GOODWILL", Amount: dec("100")}}
			}, is: servicedesk.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newSBFixture(t)
			f.performed = c.performed
			var w servicedesk.WorkOrder
			switch c.state {
			case servicedesk.StateRepaired:
				w = f.toRepaired(t, "wo1", 2, []string{"j1", "j2"}, nil)
			case servicedesk.StateInProgress:
				f.toRepaired(t, "wo1", 2, []string{"j1", "j2"}, nil)
				var err error
				w, err = f.desk.Inspect(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: false, Note: "pedal soft"}}})
				require.NoError(t, err)
				require.Equal(t, servicedesk.StateInProgress, w.State)
			default:
				w = f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
			}
			for _, j := range w.Jobs {
				require.Equal(t, servicedesk.JobDone, j.Status, "both jobs are done in every state these cases reach")
			}
			if c.before != nil {
				c.before(t, f)
			}
			in := f.settleInput(t, "settle-wo1", &w, nil)
			if c.input != nil {
				c.input(&in)
			}
			before := f.snap(t, "wo1")

			got, docs, err := f.desk.SettleBill(f.ctx, dealer, c.by, servicedesk.Ref{ID: "wo1"}, in)
			require.Error(t, err)
			require.ErrorIs(t, err, c.is)
			if c.blockers != nil {
				assert.Equal(t, c.blockers, sbBlockers(t, err))
			}
			assert.Empty(t, docs)
			assert.Empty(t, got.ID)
			assert.Equal(t, before, f.snap(t, "wo1"), "no document, no event, the order unchanged")
			_, err = f.bills.Settlement(f.ctx, dealer, admin, in.Key)
			require.ErrorIs(t, err, billing.ErrNotFound)
		})
	}
}

// TestSettleBill_R3_4_within_the_overrun_policy: the book's shop supplies
// (3% of labor) take the bill NT$72 above the estimate, within the
// policy: the order settles without asking the customer again.
func TestSettleBill_R3_4_within_the_overrun_policy(t *testing.T) {
	f := newSBFixture(t)
	w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
	in := f.settleInput(t, "settle-wo1", &w, nil)
	p, err := f.desk.PreviewBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in.Terms)
	require.NoError(t, err)
	assert.Equal(t, "6202", p.Bill.Total().String())
	assert.Equal(t, "72", p.Overrun.Excess.String())
	assert.False(t, p.Overrun.NeedsReapproval)
	got, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateSettled, got.State)
	assert.Equal(t, []billing.DocumentID{"INV-000001"}, sbIDs(docs))
}

// TestSettleBill_R3_4d_idempotent: the same key again returns the same
// documents, though the order is settled by then.
func TestSettleBill_R3_4d_idempotent(t *testing.T) {
	f := newSBFixture(t)
	ctx := f.ctx
	w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
	in := f.settleInput(t, "settle-wo1", &w, nil)
	first, docs, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
	require.NoError(t, err)
	after := f.snap(t, "wo1")

	t.Run("R3.4d_same_key_same_documents", func(t *testing.T) {
		again, docs2, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
		require.NoError(t, err, "the order is settled already, yet the retry is no error")
		assert.Equal(t, sbIDs(docs), sbIDs(docs2))
		assert.Equal(t, first.Version, again.Version)
		assert.Equal(t, servicedesk.StateSettled, again.State)
		assert.Equal(t, after, f.snap(t, "wo1"), "nothing new is written")
	})
	t.Run("R3.4d_same_key_by_another_advisor", func(t *testing.T) {
		_, docs2, err := f.desk.SettleBill(ctx, dealer, wang, servicedesk.Ref{ID: "wo1"}, in)
		require.NoError(t, err)
		assert.Equal(t, sbIDs(docs), sbIDs(docs2))
		assert.Equal(t, after, f.snap(t, "wo1"))
	})
	t.Run("R3.4d_other_key_on_a_settled_order_refused", func(t *testing.T) {
		other := in
		other.Key = "settle-wo1-again"
		_, docs2, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, other)
		require.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
		assert.Equal(t, []string{"state"}, sbBlockers(t, err))
		assert.Empty(t, docs2)
		assert.Equal(t, after, f.snap(t, "wo1"), "an order is settled once")
	})
	t.Run("R3.4d_key_of_another_order_refused", func(t *testing.T) {
		// wo2 is ready; its advisor reuses wo1's key by mistake. SettleBill
		// must not report wo2 settled with wo1's invoice.
		w2 := f.toReady(t, "wo2", 3, []string{"j1", "j2"}, nil)
		in2 := f.settleInput(t, "settle-wo1", &w2, nil)
		before := f.snap(t, "wo2")
		got, docs2, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo2"}, in2)
		for _, d := range docs2 {
			assert.Equal(t, "wo2", d.WorkOrder, "%s returned for wo2 is %s's", d.ID, d.WorkOrder)
		}
		require.Error(t, err, "wo2 returned as %s with documents %v of another order", got.State, sbIDs(docs2))
		fe, ok := org.FieldErrorOf(err, "key")
		require.True(t, ok, "%v names the key", err)
		assert.Equal(t, org.CodeDuplicate, fe.Code)
		assert.Equal(t, before, f.snap(t, "wo2"))
	})
}

// TestSettleBill_R3_2c_declined_jobs_never_billed: a job the customer
// declined is on no bill, whatever the host sends: the bill comes from
// the order, and the terms cannot name a job that is not on it.
func TestSettleBill_R3_2c_declined_jobs_never_billed(t *testing.T) {
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			f := newSBFixtureOn(t, backend, servicedesk.Options{})
			ctx := f.ctx
			w := f.toReady(t, "wo1", 2, []string{"j1"}, []string{"j2"})
			j2, ok := w.Job("j2")
			require.True(t, ok)
			require.Equal(t, servicedesk.JobDeclined, j2.Status)

			t.Run("R3.2c_declined_job_not_on_the_preview", func(t *testing.T) {
				p, err := f.desk.PreviewBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.BillTerms{})
				require.NoError(t, err)
				for _, pb := range p.Bill.Payers {
					for _, l := range pb.Lines {
						assert.NotEqual(t, "j2", l.Job)
					}
				}
				assert.True(t, p.Reconciliation.Clean)
			})
			t.Run("R3.2c_terms_naming_a_declined_job_refused", func(t *testing.T) {
				before := f.snap(t, "wo1")
				in := f.settleInput(t, "settle-wo1-j2", &w, nil)
				in.Terms.PayTypes = map[string]billing.PayType{"j2": billing.PayWarranty}
				_, _, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
				fe, ok := org.FieldErrorOf(err, "terms.pay_types.j2")
				require.True(t, ok, "%v names the declined job's pay type", err)
				assert.Equal(t, org.CodeNotFound, fe.Code)
				_, err = f.desk.PreviewBill(ctx, dealer, sup, servicedesk.Ref{ID: "wo1"}, in.Terms)
				require.ErrorIs(t, err, servicedesk.ErrInvalid, "the preview refuses the same terms")
				assert.Equal(t, before, f.snap(t, "wo1"))
			})
			t.Run("R3.2c_documents_carry_only_approved_work", func(t *testing.T) {
				in := f.settleInput(t, "settle-wo1", &w, nil)
				got, docs, err := f.desk.SettleBill(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
				require.NoError(t, err)
				assert.Equal(t, servicedesk.StateSettled, got.State)
				require.Len(t, docs, 1)
				var codes []string
				for _, l := range docs[0].Bill.Lines {
					assert.NotEqual(t, "j2", l.Job)
					codes = append(codes, l.Code)
				}
				assert.Equal(t, []string{"BRK-01", "PAD-F", "SHOP"}, codes)
				assert.Equal(t, "4304", docs[0].Total.String())
				assert.False(t, strings.Contains(got.Settlement, ","), "one payer, one document")
				// R3.4c, R3.4e: the invoice prints every consent.
				var consents []string
				for _, n := range docs[0].Notes {
					if n.Key == "note.consent" {
						en, err := n.Render(org.English)
						require.NoError(t, err)
						zh, err := n.Render(org.TraditionalChinese)
						require.NoError(t, err)
						consents = append(consents, en, zh)
					}
				}
				approved := w.Approvals[0].Total.String()
				assert.Equal(t, []string{
					"Customer consent, estimate: Mr. Kao, signed (signatures/wo1.png); approved j1; declined j2; total " + groupThousands(approved) + ".",
					"客戶同意，估價：Mr. Kao，簽名（signatures/wo1.png）；同意 j1；婉拒 j2；金額 " + groupThousands(approved) + "。",
				}, consents)
			})
		})
	}
}

// TestSettleBill_R3_4b_override: differences with the technician's lines
// (five litres reported, four approved) are the advisor's to check; a
// supervisor other than the order's advisor settles them with a reason.
// The bill stays what the customer approved: the override never adds the
// fifth litre.
func TestSettleBill_R3_4b_override(t *testing.T) {
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			f := newSBFixtureOn(t, backend, servicedesk.Options{})
			f.performed = map[string][]servicedesk.PerformedLine{"j2": {
				{Kind: servicedesk.LineLabor, Code: "OIL-01", Quantity: dec("0.5"), Clocked: dec("0.8")},
				{Kind: servicedesk.LinePart, Code: "OIL-5W30", Quantity: dec("5")}}}
			w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
			in := f.settleInput(t, "settle-wo1", &w, nil)
			p, err := f.desk.PreviewBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in.Terms)
			require.NoError(t, err)
			assert.Equal(t, []servicedesk.Blocker{{Rule: "R3.4b_differences_need_override",
				Message: "1 differences with the technician's lines: a supervisor other than the order's advisor overrides them with a reason"}}, p.Blockers)
			require.Len(t, p.Reconciliation.Differences, 1)
			assert.Equal(t, billing.DiffQuantityDiffers, p.Reconciliation.Differences[0].Kind)
			require.Len(t, p.Reconciliation.ClockedVariance, 2, "the clocked hours are reported, apart")

			_, _, err = f.desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, in)
			var re *billing.ReconciliationError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 0, re.Unconsented)

			in.OverrideReason = "the fifth litre came from an opened bottle"
			got, docs, err := f.desk.SettleBill(f.ctx, dealer, sup, servicedesk.Ref{ID: "wo1"}, in)
			require.NoError(t, err)
			assert.Equal(t, servicedesk.StateSettled, got.State)
			require.Len(t, docs, 1)
			assert.True(t, p.Bill.Total().Equal(docs[0].Total), "the previewed bill, not the technician's: %s", docs[0].Total)
			st, err := f.bills.Settlement(f.ctx, dealer, admin, "settle-wo1")
			require.NoError(t, err)
			require.NotNil(t, st.Override)
			assert.Equal(t, org.EmployeeID("sup"), st.Override.By)
		})
	}
}

// TestSettleBill_needs_billing: a desk without Config.Billing cannot
// settle or preview through billing.
func TestSettleBill_needs_billing(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	_, _, err := f.desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.SettleInput{Key: "k"})
	require.ErrorIs(t, err, servicedesk.ErrInvalid)
	_, err = f.desk.PreviewBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.BillTerms{})
	require.ErrorIs(t, err, servicedesk.ErrInvalid)
}

// TestSettleBill_R3_4_overrun_reapproved: a bill beyond the overrun policy
// (the price book's labor rate rose after the estimate) is refused; once
// the customer accepts the new total (with evidence), the same bill
// settles. Never a silent overrun.
func TestSettleBill_R3_4_overrun_reapproved(t *testing.T) {
	f := newSBFixture(t)
	w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
	f.raisePrices(t)
	in := f.settleInput(t, "settle-wo1", &w, nil)
	ref := servicedesk.Ref{ID: "wo1"}

	p, err := f.desk.PreviewBill(f.ctx, dealer, chen, ref, in.Terms)
	require.NoError(t, err)
	assert.True(t, p.Overrun.NeedsReapproval)
	assert.Equal(t, []string{"R3.4_overrun_needs_reapproval"}, []string{p.Blockers[0].Rule})
	_, _, err = f.desk.SettleBill(f.ctx, dealer, chen, ref, in)
	require.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	assert.Equal(t, []string{"R3.4_overrun_needs_reapproval"}, sbBlockers(t, err))

	// Accepting less than is approved already is no consent at all.
	_, err = f.desk.ApproveOverrun(f.ctx, dealer, chen, ref, servicedesk.OverrunConsent{Total: dec("100"), By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
		Evidence: f.call("rear rotors", "100")})
	require.ErrorIs(t, err, servicedesk.ErrInvalid)

	final := p.Overrun.Final
	got, err := f.desk.ApproveOverrun(f.ctx, dealer, chen, ref, servicedesk.OverrunConsent{Total: final, By: "Mr. Kao",
		Method: servicedesk.ApprovalPhone, Evidence: f.call("rear rotors added to the brake job", final.String())})
	require.NoError(t, err)
	assert.True(t, got.ApprovedTotal().Equal(final), "approved %s, final %s", got.ApprovedTotal(), final)
	last := got.Approvals[len(got.Approvals)-1]
	assert.Equal(t, "Mr. Kao", last.ApprovedBy)
	assert.True(t, last.NewTotal.Equal(final))

	settled, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, ref, in)
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateSettled, settled.State)
	assert.Len(t, docs, 1)
}

// TestSettle_R3_4b_no_bypass: with billing configured, the plain Settle
// seam is refused, so no settlement skips reconciliation or the overrun
// check; nothing is written.
func TestSettle_R3_4b_no_bypass(t *testing.T) {
	f := newSBFixture(t)
	f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
	before := f.snap(t, "wo1")
	_, err := f.desk.Settle(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.Settlement{Document: "INV-X", Total: dec("1")})
	require.ErrorIs(t, err, servicedesk.ErrForbidden)
	assert.Equal(t, before, f.snap(t, "wo1"))
}

// groupThousands writes a whole amount as documents print it: 4250 -> 4,250.
func groupThousands(v string) string {
	for i := len(v) - 3; i > 0; i -= 3 {
		v = v[:i] + "," + v[i:]
	}
	return v
}
