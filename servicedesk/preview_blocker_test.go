package servicedesk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// toInRepair drives a new order through the fixture's estimate, both jobs
// approved, a booking of wu on day and the repair started: in progress,
// no job finished yet.
func (f *sbFixture) toInRepair(t testing.TB, id servicedesk.WorkOrderID, day int) servicedesk.WorkOrder {
	t.Helper()
	ref := servicedesk.Ref{ID: id}
	f.toApproved(t, id)
	_, err := f.desk.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(day, 10, 0), End: at(day, 12, 0)})
	require.NoError(t, err)
	w, err := f.desk.Start(f.ctx, dealer, wu, ref)
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateInProgress, w.State)
	return w
}

// nothingToBill is the rule that blocks settling an order with no
// finished job (servicedesk.RuleNothingToBill), as hosts match it.
const nothingToBill = "R3.4_nothing_finished_to_bill"

func blockerRules(bs []servicedesk.Blocker) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.Rule)
	}
	return out
}

// TestPreviewBill_R3_4_nothing_finished_to_bill: an order with no
// finished job has nothing to bill yet. A host UI previews it anyway: the
// preview is an empty bill with zero totals and the blockers of settling
// it now, among them R3.4_nothing_finished_to_bill; it is no error.
// SettleBill of the same order refuses with the same blockers.
func TestPreviewBill_R3_4_nothing_finished_to_bill(t *testing.T) {
	cases := []struct {
		name  string
		order func(t *testing.T, f *sbFixture) servicedesk.WorkOrder
		rules []string
	}{
		{name: "R3.4_nothing_finished_to_bill_in_repair",
			order: func(t *testing.T, f *sbFixture) servicedesk.WorkOrder { return f.toInRepair(t, "wo1", 2) },
			rules: []string{"state", "R3.3c_final_inspection_passed", nothingToBill}},
		{name: "R3.4_nothing_finished_to_bill_estimated",
			order: func(t *testing.T, f *sbFixture) servicedesk.WorkOrder { return f.toEstimate(t, "wo1") },
			rules: []string{"state", "R3.3c_final_inspection_passed", nothingToBill}},
		{name: "R3.4_nothing_finished_to_bill_received",
			order: func(t *testing.T, f *sbFixture) servicedesk.WorkOrder { return f.receive(t, "wo1") },
			rules: []string{"state", "R3.3c_final_inspection_passed", nothingToBill}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newSBFixture(t)
			w := c.order(t, f)
			ref := servicedesk.Ref{ID: w.ID, ExpectedVersion: w.Version}

			p, err := f.desk.PreviewBill(f.ctx, dealer, chen, ref, servicedesk.BillTerms{})
			require.NoError(t, err, "a preview, not an error")
			assert.Equal(t, w.ID, p.WorkOrder)
			assert.Equal(t, w.Customer, p.Customer)
			assert.Equal(t, c.rules, blockerRules(p.Blockers))
			assert.Empty(t, p.Bill.Payers, "nothing on the bill")
			assert.True(t, p.Bill.Total().IsZero())
			assert.Equal(t, string(w.ID), p.Bill.WorkOrder)
			assert.Equal(t, f.book.Currency, p.Bill.Currency)
			assert.Equal(t, f.book.Version, p.Bill.PriceBookVersion)
			assert.True(t, p.Reconciliation.Clean)
			assert.False(t, p.Overrun.NeedsReapproval)
			assert.True(t, p.Overrun.Final.IsZero())
			assert.NotPanics(t, func() { _ = p.Bill.Text(org.English) })

			before := f.snap(t, w.ID)
			in := servicedesk.SettleInput{Key: "settle-" + string(w.ID), Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"}}
			_, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, ref, in)
			require.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
			assert.Equal(t, c.rules, sbBlockers(t, err), "SettleBill refuses with the blockers the preview showed")
			assert.Empty(t, docs)
			assert.Equal(t, before, f.snap(t, w.ID), "nothing written")
		})
	}
}

// TestPreviewBill_R3_4_nothing_finished_still_errors: the preview of an
// order with nothing to bill is no error, but what is wrong with the call
// itself still is: the actor, the order, the version held, the terms.
func TestPreviewBill_R3_4_nothing_finished_still_errors(t *testing.T) {
	f := newSBFixture(t)
	w := f.toInRepair(t, "wo1", 2)
	ref := servicedesk.Ref{ID: "wo1"}
	for _, c := range []struct {
		name  string
		actor org.Actor
		ref   servicedesk.Ref
		terms servicedesk.BillTerms
		is    error
		field string
	}{
		{name: "R7.2d_stranger_forbidden", actor: org.Actor{ID: "nobody", Role: org.RoleAdvisor}, ref: ref, is: servicedesk.ErrForbidden},
		{name: "R3.4_technician_forbidden", actor: wu, ref: ref, is: servicedesk.ErrForbidden},
		{name: "R3.4_unknown_order", actor: chen, ref: servicedesk.Ref{ID: "wo9"}, is: servicedesk.ErrNotFound},
		{name: "R3.4_stale_version", actor: chen, ref: servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version - 1}, is: org.ErrStale},
		{name: "R3.2c_pay_type_of_an_unfinished_job", actor: chen, ref: ref, is: servicedesk.ErrInvalid, field: "terms.pay_types.j1",
			terms: servicedesk.BillTerms{PayTypes: map[string]billing.PayType{"j1": billing.PayWarranty}}},
		{name: "R3.4_unknown_coupon", actor: chen, ref: ref, is: servicedesk.ErrInvalid, field: "terms.coupons[0]",
			terms: servicedesk.BillTerms{Coupons: []string{"NO-SUCH-COUPON"}}},
		{name: "R2.2_advisor_may_not_discount", actor: chen, ref: ref, is: servicedesk.ErrForbidden,
			terms: servicedesk.BillTerms{Discounts: []billing.Discount{{Code: "GOODWILL", Description: "late", Amount: dec("100")}}}},
		{name: "R3.4_discount_without_a_reason", actor: sup, ref: ref, is: servicedesk.ErrInvalid, field: "terms.discounts[0].description",
			terms: servicedesk.BillTerms{Discounts: []billing.Discount{{Code: "GOODWILL", Amount: dec("100")}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := f.desk.PreviewBill(f.ctx, dealer, c.actor, c.ref, c.terms)
			require.ErrorIs(t, err, c.is)
			assert.Empty(t, p.WorkOrder)
			if c.field != "" {
				_, ok := org.FieldErrorOf(err, c.field)
				assert.True(t, ok, "%v names %s", err, c.field)
			}
		})
	}
	t.Run("R3.4_a_coupon_of_the_book_is_no_error", func(t *testing.T) {
		if len(f.book.Coupons) == 0 {
			t.Skip("the fixture's book has no coupon")
		}
		p, err := f.desk.PreviewBill(f.ctx, dealer, chen, ref, servicedesk.BillTerms{Coupons: []string{f.book.Coupons[0].Code}})
		require.NoError(t, err)
		assert.Contains(t, blockerRules(p.Blockers), nothingToBill)
		assert.True(t, p.Bill.Total().IsZero())
	})
}

// TestPreviewBill_R3_4_one_job_finished_in_repair: once a job is
// finished, the preview prices it as before, with the state's blockers
// and without R3.4_nothing_finished_to_bill.
func TestPreviewBill_R3_4_one_job_finished_in_repair(t *testing.T) {
	f := newSBFixture(t)
	f.toInRepair(t, "wo1", 2)
	_, err := f.desk.CompleteJob(f.ctx, dealer, wu, servicedesk.Ref{ID: "wo1"}, servicedesk.JobRef{Job: "j1"})
	require.NoError(t, err)
	p, err := f.desk.PreviewBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.BillTerms{})
	require.NoError(t, err)
	assert.Equal(t, []string{"state", "R3.3c_final_inspection_passed"}, blockerRules(p.Blockers))
	assert.True(t, p.Bill.Total().IsPositive())
	for _, pb := range p.Bill.Payers {
		for _, l := range pb.Lines {
			assert.NotEqual(t, "j2", l.Job, "the unfinished job is not billed")
		}
	}
}
