package servicedesk_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// What the desk accepts at estimate it can settle: a line's text and
// numbers are held at the estimate to the rules billing's Settle holds
// the bill to (docs/CONVENTIONS.md, "The one input policy"), so no order
// is found unsettleable only at the counter.

// settleEstimated takes wo1 of a priced fixture, estimated as w, through
// approval of every proposed job, the work done as estimated, inspection
// and notice, and settles it, the customer paying their part in cash.
func (f *sbFixture) settleEstimated(t testing.TB, w servicedesk.WorkOrder) (servicedesk.WorkOrder, []billing.Document, error) {
	t.Helper()
	ctx, ref := f.ctx, servicedesk.Ref{ID: w.ID}
	var approved []string
	for _, j := range w.Jobs {
		if j.Status == servicedesk.JobProposed {
			approved = append(approved, j.ID)
		}
	}
	steps := []func() error{
		func() error {
			_, err := f.desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: approved, By: "Mr. Kao",
				Method: servicedesk.ApprovalSignature, Evidence: signature("signatures/" + string(w.ID) + ".png")})
			return err
		},
		func() error {
			_, err := f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)})
			return err
		},
		func() error { _, err := f.desk.Start(ctx, dealer, wu, ref); return err },
		func() error {
			for _, j := range approved {
				if _, err := f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j}); err != nil {
					return err
				}
			}
			return nil
		},
		func() error { _, err := f.desk.CompleteRepair(ctx, dealer, wu, ref); return err },
		func() error {
			_, err := f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
			return err
		},
		func() error {
			_, err := f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "work done as approved"})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("%s: step %d before settling: %v", w.ID, i, err)
		}
	}
	p, err := f.desk.PreviewBill(ctx, dealer, chen, ref, servicedesk.BillTerms{})
	if err != nil {
		t.Fatalf("%s: preview: %v", w.ID, err)
	}
	in := servicedesk.SettleInput{Key: "settle-" + string(w.ID), Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"}}
	if cust, ok := p.Bill.Payer(billing.PayCustomer); ok && cust.Total.IsPositive() {
		in.Payments = []billing.Payment{{Method: billing.PayCash, Amount: cust.Total}}
	}
	return f.desk.SettleBill(ctx, dealer, chen, ref, in)
}

// TestEstimate_line_description_is_one_line: a bill line's description is
// one line (invoices print it in an aligned table, and Settle holds the
// bill to that), so the estimate line it is copied from is one line too: a
// line break is refused at the estimate, on the line's description, and
// a one-line description of the longest length taken settles, in any
// script.
func TestEstimate_line_description_is_one_line(t *testing.T) {
	part := func(desc string) servicedesk.LineInput {
		return servicedesk.LineInput{Kind: servicedesk.LinePart, Code: "PAD-F", Description: desc, Quantity: dec("1"), Cost: dec("600")}
	}
	for name, desc := range map[string]string{
		"line_break":     "replace pads\nand rotors",
		"carriage_break": "replace pads\r\nand rotors",
		"tab":            "pads\tfront",
	} {
		t.Run("refused_"+name, func(t *testing.T) {
			f := newPricedFixture(t, "memory")
			_, err := f.estimate(chen, part(desc))
			require.ErrorIs(t, err, servicedesk.ErrInvalid, "an estimate line with a %s is accepted, and its bill could never be settled", name)
			var ve *org.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, org.CodeControl, ve.Fields[0].Code)
			assert.Equal(t, "jobs[0].lines[0].description", ve.Fields[0].Path)
		})
	}
	t.Run("refused_too_long", func(t *testing.T) {
		f := newPricedFixture(t, "memory")
		_, err := f.estimate(chen, part(strings.Repeat("煞", 201)))
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "jobs[0].lines[0].description", ve.Fields[0].Path)
		assert.Equal(t, org.CodeTooLong, ve.Fields[0].Code)
	})
	t.Run("longest_settles", func(t *testing.T) {
		f := newPricedFixture(t, "memory")
		desc := strings.Repeat("煞", 200)
		require.Equal(t, 200, utf8.RuneCountInString(desc))
		w, err := f.estimate(chen, part(desc))
		require.NoError(t, err)
		_, docs, err := f.settleEstimated(t, w)
		require.NoError(t, err)
		require.Len(t, docs, 1)
		assert.Equal(t, desc, docs[0].Bill.Lines[0].Description)
	})
}

// TestEstimate_every_priced_amount_settles: whatever a line's quantity and
// cost (each at most 4 places), every number of the bill line the book
// prices from them (quantity, unit price, amount, cost) has no more places
// than Settle takes: the book prices labor, matrix parts, per-unit fees,
// the percent shop fee and sublets to its own scale, and a sublet's
// vendor charge (quantity x unit cost, up to 8 places) is rounded as the
// book rounds money before it is marked up and billed.
func TestEstimate_every_priced_amount_settles(t *testing.T) {
	for name, l := range map[string]servicedesk.LineInput{
		"labor_4_places":          {Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "pads", Quantity: dec("1.3333")},
		"part_by_matrix_4_places": {Kind: servicedesk.LinePart, Code: "PAD-F", Description: "pads", Quantity: dec("1.3333"), Cost: dec("123.4567")},
		"part_by_list_4_places":   {Kind: servicedesk.LinePart, Code: "PAD-F", Description: "pads", Quantity: dec("2.0001"), UnitPrice: dec("999")},
		"fee_4_places":            {Kind: servicedesk.LineFee, Code: "OIL-DISP", Description: "waste oil", Quantity: dec("4.3333")},
		"sublet_8_places":         {Kind: servicedesk.LineSublet, Code: "GLASS-CO", Description: "windscreen", Quantity: dec("1.3333"), Cost: dec("999.9999")},
		"sublet_rounds_to_0":      {Kind: servicedesk.LineSublet, Code: "GLASS-CO", Description: "windscreen", Quantity: dec("1.0001"), Cost: dec("0.0001")},
	} {
		t.Run(name, func(t *testing.T) {
			f := newPricedFixture(t, "memory")
			w, err := f.estimate(chen, l)
			require.NoError(t, err)
			got, docs, err := f.settleEstimated(t, w)
			require.NoError(t, err, "the desk accepted this estimate; its bill must settle")
			assert.Equal(t, servicedesk.StateSettled, got.State)
			for _, d := range docs {
				for _, bl := range d.Bill.Lines {
					for what, x := range map[string]decimal.Decimal{"quantity": bl.Quantity, "unit price": bl.UnitPrice, "amount": bl.Amount, "cost": bl.Cost} {
						assert.LessOrEqual(t, -x.Exponent(), int32(4), "%s of %s: %s", what, bl.ID, x)
					}
				}
			}
		})
	}
}

// TestEstimate_sublet_charge_rounded_as_the_book_rounds_money: a sublet's
// vendor charge is the quantity times the unit cost rounded as the book
// rounds money (Taipei: whole dollars, half up); the estimate stores it as
// the line's cost, the bill prints it, and the bill's line is what the
// estimate said.
func TestEstimate_sublet_charge_rounded_as_the_book_rounds_money(t *testing.T) {
	f := newPricedFixture(t, "memory")
	w, err := f.estimate(chen, servicedesk.LineInput{Kind: servicedesk.LineSublet, Code: "GLASS-CO", Description: "windscreen",
		Quantity: dec("1.3333"), Cost: dec("999.9999")}) // 1,333.29986667
	require.NoError(t, err)
	l := proposedLines(w)[0]
	assert.Equal(t, "1 x 1333 = 1333, cost 1333", fmt.Sprintf("%s x %s = %s, cost %s", l.Quantity, l.UnitPrice, l.Amount, l.Cost))
	_, docs, err := f.settleEstimated(t, w)
	require.NoError(t, err)
	bl := docs[0].Bill.Lines[0]
	assert.Equal(t, "1 x 1333 = 1333, cost 1333", fmt.Sprintf("%s x %s = %s, cost %s", bl.Quantity, bl.UnitPrice, bl.Amount, bl.Cost))
}

// TestEstimate_line_amount_is_bounded: a line priced above
// servicedesk.MaxLineAmount (here a part of 20-digit cost, marked up,
// times 100,000 units: a bill of 26 digits, which Settle refuses) is
// refused at the estimate, on the line; a line priced at the bound settles.
func TestEstimate_line_amount_is_bounded(t *testing.T) {
	f := newPricedFixture(t, "memory")
	_, err := f.estimate(chen, servicedesk.LineInput{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "pads",
		Quantity: dec("100000"), Cost: dec("99999999999999999999.9999")})
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve, "an estimate whose bill has more than 20 digits is accepted, and can never be settled")
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, "jobs[0].lines[0]", ve.Fields[0].Path)
	assert.Equal(t, org.CodeRange, ve.Fields[0].Code)

	w, err := f.estimate(chen, servicedesk.LineInput{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "pads",
		Quantity: dec("100000"), UnitPrice: servicedesk.MaxLineAmount.Div(dec("100000"))})
	require.NoError(t, err)
	require.True(t, proposedLines(w)[0].Amount.Equal(servicedesk.MaxLineAmount))
	_, _, err = f.settleEstimated(t, w)
	require.NoError(t, err)
}

// TestProperty_every_estimate_the_desk_accepts_settles: random jobs of
// random lines (labor on the book's operations, parts priced by the
// markup matrix or at a list price, per-unit fees, sublets), with
// descriptions in any script, quantities and costs at up to 4 places
// within their bounds (costs up to 20 digits). An estimate the desk
// accepts, approved, done as estimated, inspected and announced, settles;
// the only refusal allowed is a documented blocker the host can clear (an
// overrun the customer must approve: the shop fee is not on the
// estimate), and after the customer approves it the order settles. Never
// an invalid input: the desk took the estimate, so the bill is the desk's.
func TestProperty_every_estimate_the_desk_accepts_settles(t *testing.T) {
	accepted := 0
	rapid.Check(t, func(rt *rapid.T) {
		tb := propTB{TB: t, rt: rt}
		f := newSBFixtureOn(tb, "memory", servicedesk.Options{})
		desk, err := servicedesk.NewService(servicedesk.Config{Store: f.deskStore(), Roster: f.roster.Directory(), Clock: f.clock,
			IDs: org.SequentialIDs("ep"), Billing: f.bills, Pricer: servicedesk.BookPricer{Billing: f.bills}})
		require.NoError(rt, err)
		f.desk = desk
		f.toEstimate(tb, "wo1")
		ref := servicedesk.Ref{ID: "wo1"}
		w, err := f.desk.Estimate(f.ctx, dealer, chen, ref, servicedesk.EstimateInput{Jobs: epJobs(rt)})
		if err != nil {
			// A refusal at the estimate is the policy working, on the
			// caller's fields; only what the desk accepts must settle.
			if _, ok := errors.AsType[*org.ValidationError](err); !ok {
				rt.Fatalf("estimate: %v", err)
			}
			return
		}
		accepted++
		got, _, err := f.settleEstimated(tb, w)
		if te, ok := errors.AsType[*servicedesk.TransitionError](err); ok && len(te.Blockers) == 1 && te.Blockers[0].Rule == "R3.4_overrun_needs_reapproval" {
			p, perr := f.desk.PreviewBill(f.ctx, dealer, chen, ref, servicedesk.BillTerms{})
			require.NoError(rt, perr)
			_, err = f.desk.ApproveOverrun(f.ctx, dealer, chen, ref, servicedesk.OverrunConsent{Total: p.Overrun.Final,
				By: "Mr. Kao", Method: servicedesk.ApprovalSignature, Evidence: signature("signatures/overrun.png")})
			require.NoError(rt, err)
			in := servicedesk.SettleInput{Key: "settle-wo1-again", Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"}}
			if cust, ok := p.Bill.Payer(billing.PayCustomer); ok && cust.Total.IsPositive() {
				in.Payments = []billing.Payment{{Method: billing.PayCash, Amount: cust.Total}}
			}
			got, _, err = f.desk.SettleBill(f.ctx, dealer, chen, ref, in)
		}
		if err != nil {
			rt.Fatalf("the desk accepted the estimate but its bill does not settle: %v", err)
		}
		if got.State != servicedesk.StateSettled {
			rt.Fatalf("settled into %s", got.State)
		}
	})
	// Most drawn estimates are valid: the property is about them.
	t.Logf("%d estimates accepted and settled", accepted)
}

// The codes a line names: the shipped Taipei book's operations (its
// per-unit fee is OIL-DISP); parts and sublet vendors are free codes.
var (
	epOps     = []string{"BRK-01", "OIL-01", "AC-02", "SUS-07", "BRK-04"}
	epParts   = []string{"PAD-F", "OIL-5W30", "ROT-R", "前輪來令片"}
	epVendors = []string{"GLASS-CO", "ALIGN-TW", "塗裝行"}
	// epWords are what descriptions are made of: scripts, emoji and
	// combining marks.
	epWords = []string{"pads", "rotors", "前輪", "來令片", "更換", "Ölwechsel", "ブレーキ", "🚗", "e\u0301", "  ", "-", "x"}
	// epHuge is the largest decimal any input takes: 20 digits, 4 places.
	epHuge = dec("99999999999999999999.9999")
)

// epDec draws a decimal in (0, max] with up to 4 places, often at the
// edges: the smallest step, whole numbers, the maximum; when huge, rarely
// the largest decimal any input takes.
func epDec(rt *rapid.T, max int64, huge bool, label string) decimal.Decimal {
	switch rapid.IntRange(0, 19).Draw(rt, label+" shape") {
	case 0:
		return decimal.New(1, -4)
	case 1:
		return decimal.NewFromInt(max)
	case 2, 3, 4:
		return decimal.NewFromInt(rapid.Int64Range(1, max).Draw(rt, label+" whole"))
	case 10: // rapid draws the ends of a range often: the rare case is inside it
		if huge {
			return epHuge
		}
	}
	places := int32(rapid.IntRange(1, 4).Draw(rt, label+" places"))
	scale := int64(1)
	for range places {
		scale *= 10
	}
	return decimal.New(rapid.Int64Range(1, max*scale).Draw(rt, label+" units"), -places)
}

// epText draws a description: words of any script, now and then text no
// one-line field of 200 characters takes (two lines, 201 characters).
func epText(rt *rapid.T, label string) string {
	var b strings.Builder
	for range rapid.IntRange(1, 12).Draw(rt, label+" words") {
		b.WriteString(rapid.SampledFrom(epWords).Draw(rt, label+" word"))
	}
	s := b.String()
	if strings.TrimSpace(s) == "" {
		s = "x" + s
	}
	// rapid draws the ends of a range often: the odd cases are inside it.
	switch rapid.IntRange(0, 59).Draw(rt, label+" oddity") {
	case 29:
		s += "\n" + s
	case 30:
		s = strings.Repeat("煞", rapid.IntRange(195, 205).Draw(rt, label+" long"))
	}
	return s
}

func epJobs(rt *rapid.T) []servicedesk.JobInput {
	jobs := make([]servicedesk.JobInput, rapid.IntRange(1, 3).Draw(rt, "jobs"))
	for i := range jobs {
		lines := make([]servicedesk.LineInput, rapid.IntRange(1, 4).Draw(rt, "lines"))
		for k := range lines {
			l := servicedesk.LineInput{Description: epText(rt, "description")}
			switch rapid.IntRange(0, 4).Draw(rt, "kind") {
			case 0:
				l.Kind, l.Code, l.Quantity = servicedesk.LineLabor, rapid.SampledFrom(epOps).Draw(rt, "op"), epDec(rt, 100, false, "hours")
			case 1: // by the matrix, from its cost
				l.Kind, l.Code = servicedesk.LinePart, rapid.SampledFrom(epParts).Draw(rt, "part")
				l.Quantity, l.Cost = epDec(rt, 1000, false, "part quantity"), epDec(rt, 1_000_000, true, "part cost")
			case 2: // at its list price, in whole dollars as the book prices
				l.Kind, l.Code = servicedesk.LinePart, rapid.SampledFrom(epParts).Draw(rt, "part")
				l.Quantity, l.UnitPrice = epDec(rt, 1000, false, "part quantity"), epDec(rt, 1_000_000, true, "list price").Floor()
				if l.UnitPrice.IsZero() {
					l.UnitPrice = decimal.NewFromInt(1)
				}
			case 3:
				l.Kind, l.Code, l.Quantity = servicedesk.LineFee, "OIL-DISP", epDec(rt, 1000, false, "litres")
			case 4:
				l.Kind, l.Code = servicedesk.LineSublet, rapid.SampledFrom(epVendors).Draw(rt, "vendor")
				l.Quantity, l.Cost = epDec(rt, 100, false, "sublet quantity"), epDec(rt, 1_000_000, true, "vendor cost")
			}
			lines[k] = l
		}
		jobs[i] = servicedesk.JobInput{Title: fmt.Sprintf("job %d", i+1), Lines: lines}
	}
	return jobs
}
