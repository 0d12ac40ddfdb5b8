package billing_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/billing"
)

// rcGenBook draws a price book around rcBook: any scale, money rounding,
// hour increment and minimum (also a minimum that is not a whole number of
// increments), tax scope, inclusive or exclusive tax, discounts before or
// after tax. Its shop-supplies fee is any percent of labor, parts or both,
// with or without a minimum and a maximum, for one or more payers, and a
// second percent fee (ENV) is there now and then, so that a percent fee
// raised to its minimum, capped at its maximum, on a zero base or for one
// payer only is drawn often. It has extra codes ("X-...") that rcGenOrder
// never uses, for lines added by a test.
func rcGenBook(t *rapid.T) *billing.PriceBook {
	b := rcBook()
	b.Scale = rapid.SampledFrom([]int32{0, 2}).Draw(t, "scale")
	modes := []billing.RoundingMode{billing.HalfUp, billing.HalfEven, billing.Down, billing.Up}
	b.Rounding = rapid.SampledFrom(modes).Draw(t, "rounding")
	b.Labor.Increment = rcDec(rapid.SampledFrom([]string{"0", "0.1", "0.25"}).Draw(t, "increment"))
	b.Labor.Minimum = rcDec(rapid.SampledFrom([]string{"0", "0.3", "0.5"}).Draw(t, "minimum"))
	b.Labor.Operations = append(b.Labor.Operations, billing.Operation{Code: "X-OP", Description: "extra", Hours: rcDec("0.7")})
	b.Fees = append(b.Fees,
		billing.FeeRule{Code: "TIRE", Description: "tire disposal", UnitPrice: rcDec("2.75"), Unit: "tire", Taxable: true},
		billing.FeeRule{Code: "X-FEE", Description: "extra", UnitPrice: rcDec("1.25"), Unit: "each", Taxable: true})
	shop := &b.Fees[0]
	shop.Percent = rcDec(rapid.SampledFrom([]string{"0.05", "0.03", "0.125"}).Draw(t, "shop percent"))
	shop.Base = rapid.SampledFrom([]billing.FeeBase{billing.BaseLabor, billing.BaseParts, billing.BaseLaborAndParts}).Draw(t, "shop base")
	shop.Min = rcDec(rapid.SampledFrom([]string{"0", "1", "2"}).Draw(t, "shop min"))
	shop.Max = rcDec(rapid.SampledFrom([]string{"0", "3", "30"}).Draw(t, "shop max"))
	shop.PayTypes = rapid.SliceOfNDistinct(rapid.SampledFrom(billing.PayTypes()), 0, 3, rapid.ID).Draw(t, "shop payers")
	if rapid.Bool().Draw(t, "env fee") {
		b.Fees = append(b.Fees, billing.FeeRule{Code: "ENV", Description: "environmental", Percent: rcDec("0.02"), Base: billing.BaseParts,
			Min: rcDec("3"), PayTypes: []billing.PayType{billing.PayWarranty, billing.PayContract}})
	}
	b.Parts.Matrix[0].From = rcDec("1") // a cost below 1 is list priced
	b.Coupons = []billing.Coupon{{Code: "TENOFF", Amount: rcDec("10")}}
	b.Tax = billing.TaxPolicy{
		Inclusive:         rapid.Bool().Draw(t, "inclusive"),
		Scope:             rapid.SampledFrom([]billing.TaxScope{billing.ScopeUnit, billing.ScopeLine, billing.ScopeGroup, billing.ScopeDocument}).Draw(t, "scope"),
		Rounding:          billing.Rounding{Mode: rapid.SampledFrom(modes).Draw(t, "tax rounding"), Places: b.Scale},
		DiscountBeforeTax: rapid.Bool().Draw(t, "discount before tax"),
		Rates: []billing.TaxRate{
			{Code: "ST", Name: "sales tax", Rate: rcDec(rapid.SampledFrom([]string{"0.08", "0.055"}).Draw(t, "parts rate")),
				Kinds: []billing.Kind{billing.KindPart, billing.KindCore, billing.KindFee}, PayTypes: []billing.PayType{billing.PayCustomer, billing.PayInternal}},
			{Code: "LT", Name: "labor tax", Rate: rcDec("0.05"), Kinds: []billing.Kind{billing.KindLabor, billing.KindSublet}},
		},
	}
	return b
}

// rcCores is a part's core charge: always the same for a part number, so a
// part used twice in a job has its core twice.
var rcCores = map[string]string{"PAD-1": "10", "BAT-7": "18"}

// rcGenOrder draws an order of one to four jobs, any payer, with labor
// (book hours or hours of its own), parts (matrix, sell or list priced,
// some with a core, the same number twice now and then), sublets,
// per-unit fees, deductibles and discounts.
func rcGenOrder(t *rapid.T) billing.Order {
	o := billing.Order{WorkOrder: "wo-p"}
	for j := range rapid.IntRange(1, 4).Draw(t, "jobs") {
		job := billing.Job{ID: fmt.Sprintf("j%d", j+1), Title: "job", PayType: rapid.SampledFrom(billing.PayTypes()).Draw(t, "pay type")}
		for range rapid.IntRange(0, 3).Draw(t, "labor") {
			job.Labor = append(job.Labor, billing.LaborItem{
				Op:      rapid.SampledFrom([]string{"ALN-01", "BRK-01", "DIAG", "OIL-01"}).Draw(t, "op"),
				Hours:   rcDec(rapid.SampledFrom([]string{"0", "0.2", "0.45", "1.13", "2"}).Draw(t, "hours")),
				Clocked: rcDec(rapid.SampledFrom([]string{"0", "0.4", "1", "2.35"}).Draw(t, "clocked")),
			})
		}
		for range rapid.IntRange(0, 3).Draw(t, "parts") {
			no := rapid.SampledFrom([]string{"PAD-1", "GSK-9", "FLT-3", "BAT-7"}).Draw(t, "part")
			p := billing.PartItem{Number: no, Description: no, Quantity: decimal.NewFromInt(int64(rapid.IntRange(1, 4).Draw(t, "qty"))),
				Cost: rcDec(rapid.SampledFrom([]string{"3.33", "12.5", "49.99", "50", "120.07"}).Draw(t, "cost"))}
			switch rapid.IntRange(0, 2).Draw(t, "priced by") {
			case 1:
				p.Sell = rcDec("19.95")
			case 2: // below the matrix: the list price
				p.Cost, p.List = rcDec("0.5"), rcDec("24.5")
			}
			if c, ok := rcCores[no]; ok {
				p.Core = rcDec(c)
			}
			job.Parts = append(job.Parts, p)
		}
		for range rapid.IntRange(0, 2).Draw(t, "sublets") {
			job.Sublets = append(job.Sublets, billing.SubletItem{Vendor: rapid.SampledFrom([]string{"GLASSCO", "TOWING"}).Draw(t, "vendor"),
				Description: "sublet", Cost: rcDec(rapid.SampledFrom([]string{"0", "80", "199.99"}).Draw(t, "sublet cost"))})
		}
		for range rapid.IntRange(0, 2).Draw(t, "fees") {
			job.Fees = append(job.Fees, billing.FeeItem{Code: rapid.SampledFrom([]string{"OILDISP", "TIRE"}).Draw(t, "fee"),
				Quantity: decimal.NewFromInt(int64(rapid.IntRange(1, 5).Draw(t, "fee qty")))})
		}
		if len(job.Labor)+len(job.Parts)+len(job.Sublets)+len(job.Fees) == 0 {
			job.Labor = []billing.LaborItem{{Op: "OIL-01"}}
		}
		if (job.PayType == billing.PayContract || job.PayType == billing.PayInsurance) && rapid.Bool().Draw(t, "deductible") {
			job.Deductible = rcDec("50")
		}
		if rapid.Bool().Draw(t, "job discount") {
			job.Discounts = []billing.Discount{{Code: "LOYAL", Percent: rcDec("0.1")}}
		}
		o.Jobs = append(o.Jobs, job)
	}
	if rapid.Bool().Draw(t, "coupon") {
		o.Coupons = []string{"TENOFF"}
	}
	return o
}

// rcDerive is what a technician who did exactly what the bill says would
// submit: a line per bill line of a job, cores and deductibles aside.
func rcDerive(b billing.Bill) []billing.WorkLine {
	var out []billing.WorkLine
	for _, pb := range b.Payers {
		for _, l := range pb.Lines {
			if l.Job == "" || !slices.Contains([]billing.Kind{billing.KindLabor, billing.KindPart, billing.KindSublet, billing.KindFee}, l.Kind) {
				continue
			}
			out = append(out, billing.WorkLine{Job: l.Job, Kind: l.Kind, Code: l.Code, PayType: l.PayType, Quantity: l.Quantity, Clocked: l.ClockedHours})
		}
	}
	return out
}

func rcJobs(o billing.Order) []string {
	var ids []string
	for _, j := range o.Jobs {
		ids = append(ids, j.ID)
	}
	return ids
}

// rcWorld is a priced order and the lines of a technician who did exactly
// what it bills.
type rcWorld struct {
	book  *billing.PriceBook
	order billing.Order
	bill  billing.Bill
	work  []billing.WorkLine
}

func rcGenWorld(t *rapid.T) rcWorld {
	book := rcGenBook(t)
	if err := book.Validate(); err != nil {
		t.Fatalf("the drawn book is not valid: %v", err)
	}
	o := rcGenOrder(t)
	bill, err := billing.Price(book, o)
	if err != nil {
		t.Fatalf("price: %v", err)
	}
	return rcWorld{book: book, order: o, bill: bill, work: rcDerive(bill)}
}

func (w rcWorld) input() billing.ReconcileInput {
	return billing.ReconcileInput{Submitted: slices.Clone(w.work), Bill: w.bill, Book: w.book, Approved: rcJobs(w.order)}
}

func rcMustReconcile(t *rapid.T, in billing.ReconcileInput) billing.Reconciliation {
	r, err := billing.Reconcile(in)
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	return r
}

func TestReconcileProperties(t *testing.T) {
	t.Run("R3.4b_a_bill_reconciles_with_the_work_it_bills", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			r := rcMustReconcile(t, w.input())
			if !r.Clean || len(r.Differences) > 0 {
				t.Fatalf("differences on a bill priced from the work itself: %+v", r.Differences)
			}
		})
	})

	t.Run("R3.4b_a_dropped_percent_fee_is_reported", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			in := w.input()
			type at struct{ p, i int }
			var fees []at
			for p, pb := range in.Bill.Payers {
				for i, l := range pb.Lines {
					if l.Kind == billing.KindFee && l.Job == "" && !l.Amount.IsZero() {
						fees = append(fees, at{p, i})
					}
				}
			}
			if len(fees) == 0 {
				t.Skip("no percent fee charged")
			}
			f := rapid.SampledFrom(fees).Draw(t, "fee")
			l := in.Bill.Payers[f.p].Lines[f.i]
			in.Bill.Payers = slices.Clone(in.Bill.Payers)
			in.Bill.Payers[f.p].Lines = slices.Delete(slices.Clone(in.Bill.Payers[f.p].Lines), f.i, f.i+1)
			r := rcMustReconcile(t, in)
			want := billing.Difference{Kind: billing.DiffFeeMissing, LineKind: billing.KindFee, Code: l.Code, PayType: l.PayType,
				Field: "amount", Expected: l.Amount.StringFixed(in.Bill.Scale), Actual: "0"}
			if !slices.ContainsFunc(r.Differences, func(d billing.Difference) bool {
				d.Explain = billing.Explanation{}
				return fmt.Sprint(d) == fmt.Sprint(want)
			}) {
				t.Fatalf("fee %s dropped, want %+v, got %+v", l.ID, want, r.Differences)
			}
		})
	})

	t.Run("R3.4b_a_percent_fee_the_book_does_not_charge_is_reported", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			in := w.input()
			p := rapid.IntRange(0, len(in.Bill.Payers)-1).Draw(t, "payer")
			pb := in.Bill.Payers[p]
			code := rapid.SampledFrom([]string{"SHOP", "ENV", "OILDISP", "NOPE"}).Draw(t, "code")
			if slices.ContainsFunc(pb.Lines, func(l billing.Line) bool { return l.Job == "" && l.Code == code }) {
				code = "NOPE" // the book charges it here: bill it twice under a code it lacks
			}
			amount := rcDec("4")
			l := billing.Line{ID: "fee/" + code + "/x", PayType: pb.PayType, Kind: billing.KindFee, Code: code,
				Quantity: rcDec("1"), UnitPrice: amount, Amount: amount, Net: amount}
			in.Bill.Payers = slices.Clone(in.Bill.Payers)
			in.Bill.Payers[p].Lines = append(slices.Clone(pb.Lines), l)
			r := rcMustReconcile(t, in)
			if !slices.ContainsFunc(r.Differences, func(d billing.Difference) bool {
				return d.Kind == billing.DiffFeeNotInBook && d.Code == code && d.PayType == pb.PayType && d.Line == l.ID
			}) {
				t.Fatalf("fee %s billed to %s, not reported: %+v", code, pb.PayType, r.Differences)
			}
			if slices.ContainsFunc(r.Differences, func(d billing.Difference) bool { return d.Kind == billing.DiffFeeMissing }) {
				t.Fatalf("an extra fee made one missing: %+v", r.Differences)
			}
		})
	})

	t.Run("R3.4b_symmetric_up_to_kind", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			ji := rapid.IntRange(0, len(w.order.Jobs)-1).Draw(t, "job of the extra line")
			job := w.order.Jobs[ji]
			extra := billing.WorkLine{Job: job.ID, PayType: job.PayType}
			withExtra := w.order
			withExtra.Jobs = slices.Clone(w.order.Jobs)
			j := &withExtra.Jobs[ji]
			book := w.book
			if rapid.Bool().Draw(t, "without a book") {
				book = nil
			}
			switch extra.Kind = rapid.SampledFrom([]billing.Kind{billing.KindLabor, billing.KindPart, billing.KindSublet, billing.KindFee}).Draw(t, "extra kind"); extra.Kind {
			case billing.KindLabor:
				// Without a book, hours are compared as given: give
				// hours that every book bills as they are.
				hours := "1"
				if book != nil {
					hours = rapid.SampledFrom([]string{"0", "0.45", "1.2"}).Draw(t, "extra hours")
				}
				extra.Code, extra.Quantity = "X-OP", rcDec(hours)
				j.Labor = append(slices.Clone(j.Labor), billing.LaborItem{Op: extra.Code, Hours: extra.Quantity})
			case billing.KindPart:
				extra.Code, extra.Quantity = "X-PART", rcDec("3")
				j.Parts = append(slices.Clone(j.Parts), billing.PartItem{Number: extra.Code, Description: "extra", Quantity: extra.Quantity, Cost: rcDec("7.5")})
			case billing.KindSublet:
				extra.Code, extra.Quantity = "X-VENDOR", rcDec("1")
				j.Sublets = append(slices.Clone(j.Sublets), billing.SubletItem{Vendor: extra.Code, Description: "extra", Cost: rcDec("42")})
			case billing.KindFee:
				extra.Code, extra.Quantity = "X-FEE", rcDec("2")
				j.Fees = append(slices.Clone(j.Fees), billing.FeeItem{Code: extra.Code, Quantity: extra.Quantity})
			}
			bigger, err := billing.Price(w.book, withExtra)
			if err != nil {
				t.Fatalf("price: %v", err)
			}
			// The extra line on the technician's side, then on the bill's.
			submittedMore := rcMustReconcile(t, billing.ReconcileInput{Submitted: append(slices.Clone(w.work), extra), Bill: w.bill, Book: book})
			billedMore := rcMustReconcile(t, billing.ReconcileInput{Submitted: slices.Clone(w.work), Bill: bigger, Book: book})
			if len(submittedMore.Differences) != 1 || len(billedMore.Differences) != 1 {
				t.Fatalf("one difference each way, got %+v and %+v", submittedMore.Differences, billedMore.Differences)
			}
			a, b := submittedMore.Differences[0], billedMore.Differences[0]
			if a.Kind != billing.DiffMissingFromBill || b.Kind != billing.DiffNotPerformed {
				t.Fatalf("kinds %s and %s", a.Kind, b.Kind)
			}
			swapped := b
			swapped.Kind, swapped.Expected, swapped.Actual = a.Kind, b.Actual, b.Expected
			swapped.Explain = a.Explain
			if fmt.Sprint(a) != fmt.Sprint(swapped) {
				t.Fatalf("not symmetric:\n%+v\n%+v", a, b)
			}
			if a.Job != extra.Job || a.LineKind != extra.Kind || a.Code != extra.Code || a.PayType != extra.PayType {
				t.Fatalf("wrong key %+v for %+v", a, extra)
			}
		})
	})

	t.Run("R3.4b_a_changed_quantity_is_always_reported", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			in := w.input()
			if len(in.Submitted) == 0 {
				t.Skip("nothing to change")
			}
			i := rapid.IntRange(0, len(in.Submitted)-1).Draw(t, "line")
			wl := in.Submitted[i]
			step := decimal.NewFromInt(1)
			if wl.Kind == billing.KindLabor {
				step = rcDec("0.1")
				if inc := w.book.Labor.Increment; inc.IsPositive() {
					step = inc
				}
			}
			delta := step.Mul(decimal.NewFromInt(int64(rapid.IntRange(1, 5).Draw(t, "steps"))))
			if rapid.Bool().Draw(t, "down") {
				delta = delta.Neg()
			}
			onBill := rapid.Bool().Draw(t, "change the bill")
			old := wl.Quantity
			changed := old.Add(delta)
			if !changed.IsPositive() || changed.LessThan(w.book.Labor.Minimum) {
				changed = old.Sub(delta) // the other way: a quantity stays above zero and the minimum
			}
			if onBill {
				in.Bill = rcWithQuantity(in.Bill, wl, changed)
			} else {
				in.Submitted[i].Quantity = changed
			}
			r := rcMustReconcile(t, in)
			if !slices.ContainsFunc(r.Differences, func(d billing.Difference) bool {
				return d.Job == wl.Job && d.LineKind == wl.Kind && d.Code == wl.Code &&
					(d.Kind == billing.DiffQuantityDiffers || d.Kind == billing.DiffHoursDiffer)
			}) {
				t.Fatalf("%s %s %s changed from %s to %s (on the bill: %v), not reported: %+v", wl.Job, wl.Kind, wl.Code, old, changed, onBill, r.Differences)
			}
		})
	})

	t.Run("R3.4b_clocked_hours_never_make_a_difference", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			in := w.input()
			for i := range in.Submitted {
				in.Submitted[i].Clocked = rcDec(rapid.SampledFrom([]string{"0", "0.1", "3.3", "12"}).Draw(t, "clocked"))
			}
			if r := rcMustReconcile(t, in); !r.Clean {
				t.Fatalf("clocked hours made differences: %+v", r.Differences)
			}
		})
	})

	t.Run("R1.3_order_of_submitted_lines_does_not_matter", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			w := rcGenWorld(t)
			in := w.input()
			for i := range in.Submitted { // some differences to order
				if rapid.Bool().Draw(t, "change") {
					in.Submitted[i].Quantity = in.Submitted[i].Quantity.Add(rcDec("1"))
					in.Submitted[i].PayType = rapid.SampledFrom(billing.PayTypes()).Draw(t, "pay type")
				}
			}
			first := rcMustReconcile(t, in)
			in.Submitted = rapid.Permutation(in.Submitted).Draw(t, "shuffled")
			again := rcMustReconcile(t, in)
			if rcJSON(t, first) != rcJSON(t, again) {
				t.Fatalf("order changed the result:\n%s\n%s", rcJSON(t, first), rcJSON(t, again))
			}
		})
	})
}

// rcWithQuantity is b with the quantity of the first line of wl's key
// changed by changed - wl.Quantity (wl was derived from that line).
func rcWithQuantity(b billing.Bill, wl billing.WorkLine, changed decimal.Decimal) billing.Bill {
	b.Payers = slices.Clone(b.Payers)
	for p := range b.Payers {
		b.Payers[p].Lines = slices.Clone(b.Payers[p].Lines)
		for i, l := range b.Payers[p].Lines {
			if l.Job == wl.Job && l.Kind == wl.Kind && l.Code == wl.Code && l.Quantity.Equal(wl.Quantity) {
				b.Payers[p].Lines[i].Quantity = changed
				return b
			}
		}
	}
	return b
}
