package servicedesk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// newPricedFixture is the settlement fixture on backend with estimates
// priced by the dealer's active price book (taipei.yaml: labor 1,200 an
// hour, parts by a markup matrix on cost, oil disposal 15 a litre, no
// sublet markup). manual, when set, names the roles that book lets price
// by hand.
func newPricedFixture(t *testing.T, backend string, manual ...org.Role) *sbFixture {
	t.Helper()
	f := newSBFixtureOn(t, backend, servicedesk.Options{})
	if len(manual) > 0 {
		book := f.book
		book.Version = "2026-11-manual"
		book.ManualPrices.Roles = manual
		_, err := f.bills.SavePriceBook(f.ctx, dealer, sup, &book, true)
		require.NoError(t, err)
	}
	desk, err := servicedesk.NewService(servicedesk.Config{Store: f.deskStore(), Roster: f.roster.Directory(), Clock: f.clock,
		IDs: org.SequentialIDs("pr"), Billing: f.bills, Pricer: servicedesk.BookPricer{Billing: f.bills}})
	require.NoError(t, err)
	f.desk = desk
	f.toEstimate(t, "wo1")
	return f
}

// estimate gives wo1 a new estimate revision of one job with lines, by actor.
func (f *sbFixture) estimate(actor org.Actor, lines ...servicedesk.LineInput) (servicedesk.WorkOrder, error) {
	return f.desk.Estimate(f.ctx, dealer, actor, servicedesk.Ref{ID: "wo1"}, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Front brakes", Hours: dec("1.5"), Lines: lines}}})
}

// proposedLines are the lines of wo1's jobs awaiting a decision.
func proposedLines(w servicedesk.WorkOrder) []servicedesk.Line {
	var out []servicedesk.Line
	for _, j := range w.Jobs {
		if j.Status == servicedesk.JobProposed {
			out = append(out, j.Lines...)
		}
	}
	return out
}

// TestBookPricer_R3_2b_stored_line_is_what_is_billed: each line the book
// prices is stored with the book's quantity, unit price and amount, and
// how the price was found; a caller's price that is not the book's is
// refused, and a price set by hand needs a role the book names and a
// reason.
func TestBookPricer_R3_2b_stored_line_is_what_is_billed(t *testing.T) {
	labor := func(code, qty, price string) servicedesk.LineInput {
		l := servicedesk.LineInput{Kind: servicedesk.LineLabor, Code: code, Description: "labor", Quantity: dec(qty)}
		if price != "" {
			l.UnitPrice = dec(price)
		}
		return l
	}
	part := func(code, qty, cost, price string) servicedesk.LineInput {
		l := servicedesk.LineInput{Kind: servicedesk.LinePart, Code: code, Description: "part", Quantity: dec(qty)}
		if cost != "" {
			l.Cost = dec(cost)
		}
		if price != "" {
			l.UnitPrice = dec(price)
		}
		return l
	}
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			t.Run("R3.2b_lines_carry_the_books_price_and_its_source", func(t *testing.T) {
				f := newPricedFixture(t, backend)
				w, err := f.estimate(chen,
					labor("BRK-01", "1.5", ""),
					part("PAD-F", "2", "600", ""),
					part("CAB-F", "1", "", "450"),
					servicedesk.LineInput{Kind: servicedesk.LineFee, Code: "OIL-DISP", Description: "disposal", Quantity: dec("4")},
					servicedesk.LineInput{Kind: servicedesk.LineSublet, Code: "GLASS-CO", Description: "windscreen", Quantity: dec("2"), Cost: dec("1000")})
				require.NoError(t, err)
				lines := proposedLines(w)
				require.Len(t, lines, 5)
				type row struct{ qty, unit, cost, amount, by string }
				var got []row
				total := dec("0")
				for _, l := range lines {
					got = append(got, row{l.Quantity.String(), l.UnitPrice.String(), l.Cost.String(), l.Amount.String(), string(l.PricedBy)})
					assert.True(t, l.Quantity.Mul(l.UnitPrice).Round(0).Equal(l.Amount), "%s: %s x %s is not %s", l.Code, l.Quantity, l.UnitPrice, l.Amount)
					total = total.Add(l.Amount)
				}
				assert.Equal(t, []row{
					{"1.5", "1200", "0", "1800", "rate"},
					{"2", "960", "600", "1920", "matrix"}, // 600 x 1.6
					{"1", "450", "0", "450", "list"},
					{"4", "15", "0", "60", "fee"},
					{"1", "2000", "2000", "2000", "sublet"}, // one line: the vendor's whole charge
				}, got)
				j, _ := w.Job(w.Jobs[len(w.Jobs)-1].ID)
				assert.True(t, total.Equal(j.Total), "the job's total %s is the sum of its lines %s", j.Total, total)
			})
			t.Run("R3.2b_a_rate_that_is_not_the_books_refused", func(t *testing.T) {
				f := newPricedFixture(t, backend)
				before := f.snap(t, "wo1")
				_, err := f.estimate(chen, labor("BRK-01", "1", "999"))
				fe, ok := org.FieldErrorOf(err, "jobs[0].lines[0].unit_price")
				require.True(t, ok, "%v", err)
				assert.Equal(t, org.CodeInvalid, fe.Code)
				assert.Contains(t, fe.Message, "1200 (rate)")
				assert.Equal(t, before, f.snap(t, "wo1"), "a refused estimate stores nothing")
			})
			t.Run("R3.2b_a_part_price_above_the_matrix_refused", func(t *testing.T) {
				f := newPricedFixture(t, backend)
				_, err := f.estimate(chen, part("PAD-F", "1", "600", "999"))
				fe, ok := org.FieldErrorOf(err, "jobs[0].lines[0].unit_price")
				require.True(t, ok, "%v", err)
				assert.Contains(t, fe.Message, "960 (matrix)")
			})
			t.Run("R3.2b_a_fee_is_always_the_books", func(t *testing.T) {
				f := newPricedFixture(t, backend, org.RoleSupervisor)
				_, err := f.estimate(sup, servicedesk.LineInput{Kind: servicedesk.LineFee, Code: "OIL-DISP", Description: "disposal", Quantity: dec("4"),
					UnitPrice: dec("1"), PriceReason: "goodwill"})
				fe, ok := org.FieldErrorOf(err, "jobs[0].lines[0].unit_price")
				require.True(t, ok, "%v", err)
				assert.Contains(t, fe.Message, "fees and sublets are always the book's")
			})
			t.Run("R3.2b_manual_price_needs_a_role_the_book_names", func(t *testing.T) {
				f := newPricedFixture(t, backend, org.RoleSupervisor)
				_, err := f.estimate(chen, withReason(part("PAD-F", "1", "600", "999"), "matched a competitor's quote"))
				fe, ok := org.FieldErrorOf(err, "jobs[0].lines[0].unit_price")
				require.True(t, ok, "%v", err)
				assert.Contains(t, fe.Message, "only supervisor may set a price by hand")
			})
			t.Run("R3.2b_manual_price_needs_a_reason", func(t *testing.T) {
				f := newPricedFixture(t, backend, org.RoleSupervisor)
				_, err := f.estimate(sup, labor("BRK-01", "1", "999"))
				fe, ok := org.FieldErrorOf(err, "jobs[0].lines[0].price_reason")
				require.True(t, ok, "%v", err)
				assert.Equal(t, org.CodeRequired, fe.Code)
			})
			t.Run("R3.2b_manual_price_is_stored_and_billed_as_such", func(t *testing.T) {
				f := newPricedFixture(t, backend, org.RoleSupervisor)
				w, err := f.estimate(sup, withReason(labor("BRK-01", "1", "999"), "fleet rate"), withReason(part("PAD-F", "1", "600", "900"), "matched a quote"))
				require.NoError(t, err)
				lines := proposedLines(w)
				require.Len(t, lines, 2)
				for i, want := range []struct{ unit, amount string }{{"999", "999"}, {"900", "900"}} {
					assert.Equal(t, servicedesk.PricedManual, lines[i].PricedBy)
					assert.Equal(t, want.unit, lines[i].UnitPrice.String())
					assert.Equal(t, want.amount, lines[i].Amount.String())
					assert.NotEmpty(t, lines[i].PriceReason)
				}
			})
			t.Run("R3.2b_the_bill_is_the_estimate", func(t *testing.T) {
				f := newPricedFixture(t, backend, org.RoleSupervisor)
				w, err := f.estimate(sup, withReason(labor("BRK-01", "1", "999"), "fleet rate"), part("PAD-F", "2", "600", ""), part("CAB-F", "1", "", "450"),
					servicedesk.LineInput{Kind: servicedesk.LineFee, Code: "OIL-DISP", Description: "disposal", Quantity: dec("4")},
					servicedesk.LineInput{Kind: servicedesk.LineSublet, Code: "GLASS-CO", Description: "windscreen", Quantity: dec("2"), Cost: dec("1000")})
				require.NoError(t, err)
				job := w.Jobs[len(w.Jobs)-1]
				w = f.readyWith(t, "wo1", job.ID)
				p, err := f.desk.PreviewBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.BillTerms{})
				require.NoError(t, err)
				require.Empty(t, p.Blockers, "%+v", p.Reconciliation.Differences)
				cust, ok := p.Bill.Payer(billing.PayCustomer)
				require.True(t, ok)
				type row struct{ code, qty, unit, amount string }
				var billed, stored []row
				for _, l := range cust.Lines {
					if l.Job == job.ID {
						billed = append(billed, row{l.Code, l.Quantity.String(), l.UnitPrice.String(), l.Amount.String()})
					}
				}
				for _, l := range job.Lines {
					stored = append(stored, row{l.Code, l.Quantity.String(), l.UnitPrice.String(), l.Amount.String()})
				}
				assert.ElementsMatch(t, stored, billed, "the bill prices every line as the estimate stored it")
				assert.Contains(t, cust.Lines[0].Text(org.English), "(set rate)")
			})
		})
	}
}

// withReason is l with a price set by hand for reason.
func withReason(l servicedesk.LineInput, reason string) servicedesk.LineInput {
	l.PriceReason = reason
	return l
}

// TestBookPricer_estimate_errors_speak_of_the_callers_fields: a problem the
// price book finds is named by the estimate's own paths and Op, whatever
// line of whatever job it is in.
func TestBookPricer_estimate_errors_speak_of_the_callers_fields(t *testing.T) {
	f := newPricedFixture(t, "memory")
	_, err := f.desk.Estimate(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Front brakes", Hours: dec("1.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "pads", Quantity: dec("1"), Cost: dec("600")},
			{Kind: servicedesk.LineLabor, Code: "BRK-99", Description: "no such operation", Quantity: dec("1")}}},
		{ConcernID: "c2", Title: "Oil", Hours: dec("0.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineFee, Code: "NO-FEE", Description: "no such fee", Quantity: dec("1")},
			{Kind: servicedesk.LineSublet, Code: "GLASS-CO", Description: "no cost", Quantity: dec("1")}}}}})
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, servicedesk.ErrInvalid)
	assert.Equal(t, "servicedesk: estimate", ve.Op)
	var paths []string
	for _, fe := range ve.Fields {
		paths = append(paths, fe.Path+":"+fe.Code)
	}
	assert.ElementsMatch(t, []string{"jobs[0].lines[1].code:not_found", "jobs[1].lines[0].code:not_found", "jobs[1].lines[1].cost:required"}, paths)

}

// readyWith takes id, estimated, to ready for pickup with only job
// approved (the estimate's other jobs declined) and done as estimated.
func (f *sbFixture) readyWith(t *testing.T, id servicedesk.WorkOrderID, job string) servicedesk.WorkOrder {
	t.Helper()
	ctx, ref := f.ctx, servicedesk.Ref{ID: id}
	w, err := f.desk.WorkOrder(ctx, dealer, admin, id)
	require.NoError(t, err)
	var declined []string
	for _, j := range w.Jobs {
		if j.Status == servicedesk.JobProposed && j.ID != job {
			declined = append(declined, j.ID)
		}
	}
	_, err = f.desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{job}, Declined: declined, By: "Mr. Kao",
		Method: servicedesk.ApprovalSignature, Evidence: signature("signatures/" + string(id) + ".png")})
	require.NoError(t, err)
	_, err = f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, ref)
	require.NoError(t, err)
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: job})
	require.NoError(t, err)
	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	_, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: true}}})
	require.NoError(t, err)
	w, err = f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "work done as approved"})
	require.NoError(t, err)
	return w
}
