package billing_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

func rcDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// rcBook is a small price book: a default, a warranty and a diagnostic
// labor rate, hours in tenths with a 0.3 h minimum, a parts matrix, a
// sublet markup, a shop-supplies percent fee and a per-litre disposal fee,
// and sales tax on the customer's parts and fees.
func rcBook() *billing.PriceBook {
	return &billing.PriceBook{
		Version: "2026-01", Currency: "USD", Scale: 2, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{
			Rates: []billing.LaborRate{{Rate: rcDec("120")}, {PayType: billing.PayWarranty, Rate: rcDec("95")}, {LaborType: "diag", Rate: rcDec("150")}},
			Operations: []billing.Operation{
				{Code: "ALN-01", Description: "wheel alignment", Hours: rcDec("0.8")},
				{Code: "BRK-01", Description: "front brake pads", Hours: rcDec("1.2")},
				{Code: "DIAG", Description: "diagnosis", Hours: rcDec("1"), LaborType: "diag"},
				{Code: "OIL-01", Description: "oil leak", Hours: rcDec("0.5")},
			},
			Increment: rcDec("0.1"), Minimum: rcDec("0.3"),
		},
		Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{
			{From: rcDec("0"), To: rcDec("50"), Multiplier: rcDec("1.6")},
			{From: rcDec("50"), Margin: rcDec("0.35")},
		}},
		Sublet: billing.SubletPolicy{Markup: rcDec("0.15")},
		Fees: []billing.FeeRule{
			{Code: "SHOP", Description: "shop supplies", Percent: rcDec("0.05"), Base: billing.BaseLabor, Max: rcDec("20"), Taxable: true},
			{Code: "OILDISP", Description: "oil disposal", UnitPrice: rcDec("0.50"), Unit: "L"},
		},
		Tax: billing.TaxPolicy{Scope: billing.ScopeLine, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2},
			Rates: []billing.TaxRate{{Code: "ST", Name: "sales tax", Rate: rcDec("0.08"),
				Kinds: []billing.Kind{billing.KindPart, billing.KindFee}, PayTypes: []billing.PayType{billing.PayCustomer}}}},
	}
}

// rcOrder is a brake job the customer pays and an oil leak under warranty.
func rcOrder() billing.Order {
	return billing.Order{WorkOrder: "wo-1", Jobs: []billing.Job{
		{ID: "j1", Title: "brakes", PayType: billing.PayCustomer,
			Labor: []billing.LaborItem{{Op: "BRK-01", Clocked: rcDec("1.0")}, {Op: "ALN-01", Clocked: rcDec("0.8")}, {Op: "DIAG", Hours: rcDec("0.5"), Clocked: rcDec("0.6")}},
			Parts: []billing.PartItem{{Number: "PAD-1", Description: "pads", Quantity: rcDec("1"), Cost: rcDec("40"), Core: rcDec("10")}},
			Fees:  []billing.FeeItem{{Code: "OILDISP", Quantity: rcDec("4")}}},
		{ID: "j2", Title: "oil leak", PayType: billing.PayWarranty,
			Labor:   []billing.LaborItem{{Op: "OIL-01", Hours: rcDec("0.8"), Clocked: rcDec("1.1")}},
			Parts:   []billing.PartItem{{Number: "GSK-9", Description: "gasket", Quantity: rcDec("2"), Cost: rcDec("5"), Sell: rcDec("9.90")}},
			Sublets: []billing.SubletItem{{Vendor: "GLASSCO", Description: "windshield", Cost: rcDec("200")}}},
	}}
}

// rcWork is what the technician submitted for rcOrder (R3.4a).
func rcWork() []billing.WorkLine {
	return []billing.WorkLine{
		{Job: "j1", Kind: billing.KindLabor, Code: "BRK-01", PayType: billing.PayCustomer, Quantity: rcDec("1.2"), Clocked: rcDec("1.0")},
		{Job: "j1", Kind: billing.KindLabor, Code: "ALN-01", PayType: billing.PayCustomer, Quantity: rcDec("0.8"), Clocked: rcDec("0.8")},
		{Job: "j1", Kind: billing.KindLabor, Code: "DIAG", PayType: billing.PayCustomer, Quantity: rcDec("0.5"), Clocked: rcDec("0.6")},
		{Job: "j1", Kind: billing.KindPart, Code: "PAD-1", PayType: billing.PayCustomer, Quantity: rcDec("1")},
		{Job: "j1", Kind: billing.KindFee, Code: "OILDISP", PayType: billing.PayCustomer, Quantity: rcDec("4")},
		{Job: "j2", Kind: billing.KindLabor, Code: "OIL-01", PayType: billing.PayWarranty, Quantity: rcDec("0.8"), Clocked: rcDec("1.1")},
		{Job: "j2", Kind: billing.KindPart, Code: "GSK-9", PayType: billing.PayWarranty, Quantity: rcDec("2")},
		{Job: "j2", Kind: billing.KindSublet, Code: "GLASSCO", PayType: billing.PayWarranty, Quantity: rcDec("1")},
	}
}

// rcInput is a fresh input: rcWork against rcOrder priced by rcBook, both
// jobs approved.
func rcInput(t testing.TB) billing.ReconcileInput {
	t.Helper()
	book := rcBook()
	bill, err := billing.Price(book, rcOrder())
	require.NoError(t, err)
	return billing.ReconcileInput{Submitted: rcWork(), Bill: bill, Book: book, Approved: []string{"j1", "j2"}}
}

// rcLine is the bill line with id.
func rcLine(t *testing.T, in *billing.ReconcileInput, id string) *billing.Line {
	t.Helper()
	for p := range in.Bill.Payers {
		for i := range in.Bill.Payers[p].Lines {
			if l := &in.Bill.Payers[p].Lines[i]; l.ID == id {
				return l
			}
		}
	}
	t.Fatalf("no bill line %s", id)
	return nil
}

// rcTakeLine removes the bill line with id and returns it.
func rcTakeLine(t testing.TB, in *billing.ReconcileInput, id string) billing.Line {
	t.Helper()
	for p := range in.Bill.Payers {
		lines := in.Bill.Payers[p].Lines
		if i := slices.IndexFunc(lines, func(l billing.Line) bool { return l.ID == id }); i >= 0 {
			l := lines[i]
			in.Bill.Payers[p].Lines = slices.Delete(slices.Clone(lines), i, i+1)
			return l
		}
	}
	t.Fatalf("no bill line %s", id)
	return billing.Line{}
}

// rcPutLine adds l to the part of the bill its payer pays.
func rcPutLine(t testing.TB, in *billing.ReconcileInput, l billing.Line) {
	t.Helper()
	for p := range in.Bill.Payers {
		if in.Bill.Payers[p].PayType == l.PayType {
			in.Bill.Payers[p].Lines = append(slices.Clone(in.Bill.Payers[p].Lines), l)
			return
		}
	}
	t.Fatalf("no %s part on the bill", l.PayType)
}

// rcWorkLine is the submitted line of job and code.
func rcWorkLine(t *testing.T, in *billing.ReconcileInput, job, code string) *billing.WorkLine {
	t.Helper()
	i := slices.IndexFunc(in.Submitted, func(w billing.WorkLine) bool { return w.Job == job && w.Code == code })
	require.GreaterOrEqual(t, i, 0, "no submitted line %s %s", job, code)
	return &in.Submitted[i]
}

// rcDiff is a Difference without its line ID and explanation.
type rcDiff struct {
	Kind     billing.DiffKind
	Job      string
	LineKind billing.Kind
	Code     string
	PayType  billing.PayType
	Field    string
	Expected string
	Actual   string
}

func rcDiffs(r billing.Reconciliation) []rcDiff {
	out := []rcDiff{}
	for _, d := range r.Differences {
		out = append(out, rcDiff{d.Kind, d.Job, d.LineKind, d.Code, d.PayType, d.Field, d.Expected, d.Actual})
	}
	return out
}

const (
	rcCustomer = billing.PayCustomer
	rcWarranty = billing.PayWarranty
	rcLabor    = billing.KindLabor
	rcPart     = billing.KindPart
	rcCore     = billing.KindCore
	rcSublet   = billing.KindSublet
	rcFee      = billing.KindFee
)

func TestReconcile(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(t *testing.T, in *billing.ReconcileInput)
		want []rcDiff
	}{
		{name: "R3.4b_clean_match"},
		{name: "R3.4b_missing_from_bill", edit: func(_ *testing.T, in *billing.ReconcileInput) {
			in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j1", Kind: rcPart, Code: "WIPER-2", PayType: rcCustomer, Quantity: rcDec("2")})
		}, want: []rcDiff{{billing.DiffMissingFromBill, "j1", rcPart, "WIPER-2", rcCustomer, "quantity", "2", "0"}}},
		{name: "R3.4b_not_performed", edit: func(_ *testing.T, in *billing.ReconcileInput) {
			in.Submitted = slices.DeleteFunc(in.Submitted, func(w billing.WorkLine) bool { return w.Code == "GLASSCO" })
		}, want: []rcDiff{{billing.DiffNotPerformed, "j2", rcSublet, "GLASSCO", rcWarranty, "quantity", "0", "1"}}},
		{name: "R3.4b_hours_differ", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "BRK-01").Quantity = rcDec("1.5")
		}, want: []rcDiff{{billing.DiffHoursDiffer, "j1", rcLabor, "BRK-01", rcCustomer, "hours", "1.5", "1.2"}}},
		{name: "R3.4b_hours_billed_as_the_book_bills_them", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "BRK-01").Quantity = rcDec("1.13") // tenths, rounded up
			rcWorkLine(t, in, "j1", "DIAG").Quantity = rcDec("0.45")
		}},
		{name: "R3.4b_below_the_minimum_bills_the_minimum", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "DIAG").Quantity = rcDec("0.2")
		}, want: []rcDiff{{billing.DiffHoursDiffer, "j1", rcLabor, "DIAG", rcCustomer, "hours", "0.3", "0.5"}}},
		{name: "R3.4a_a_sublet_without_a_quantity_is_one", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j2", "GLASSCO").Quantity = decimal.Zero
		}},
		{name: "R3.4b_zero_hours_are_the_book_hours", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "BRK-01").Quantity = decimal.Zero
		}},
		{name: "R3.4b_zero_hours_without_a_book_are_the_bills_book_hours", edit: func(t *testing.T, in *billing.ReconcileInput) {
			in.Book = nil
			rcWorkLine(t, in, "j1", "ALN-01").Quantity = decimal.Zero
		}},
		{name: "R3.4b_quantity_differs", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j2", "GSK-9").Quantity = rcDec("3")
		}, want: []rcDiff{{billing.DiffQuantityDiffers, "j2", rcPart, "GSK-9", rcWarranty, "quantity", "3", "2"}}},
		{name: "R3.4b_quantity_differs_on_a_fee", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "OILDISP").Quantity = rcDec("4.5")
		}, want: []rcDiff{{billing.DiffQuantityDiffers, "j1", rcFee, "OILDISP", rcCustomer, "quantity", "4.5", "4"}}},
		{name: "R3.4b_core_follows_its_part", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "PAD-1").Quantity = rcDec("2")
		}, want: []rcDiff{
			{billing.DiffQuantityDiffers, "j1", rcPart, "PAD-1", rcCustomer, "quantity", "2", "1"},
			{billing.DiffQuantityDiffers, "j1", rcCore, "PAD-1", rcCustomer, "quantity", "2", "1"},
		}},
		{name: "R3.4b_core_billed_without_its_part", edit: func(_ *testing.T, in *billing.ReconcileInput) {
			in.Submitted = slices.DeleteFunc(in.Submitted, func(w billing.WorkLine) bool { return w.Code == "PAD-1" })
		}, want: []rcDiff{
			{billing.DiffNotPerformed, "j1", rcPart, "PAD-1", rcCustomer, "quantity", "0", "1"},
			{billing.DiffNotPerformed, "j1", rcCore, "PAD-1", rcCustomer, "quantity", "0", "1"},
		}},
		{name: "R3.4b_pay_type_differs", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j2", "GSK-9").PayType = rcCustomer
		}, want: []rcDiff{{billing.DiffPayTypeDiffers, "j2", rcPart, "GSK-9", rcWarranty, "pay_type", "customer", "warranty"}}},
		{name: "R3.4b_pay_type_and_quantity_differ", edit: func(t *testing.T, in *billing.ReconcileInput) {
			w := rcWorkLine(t, in, "j2", "GSK-9")
			w.PayType, w.Quantity = rcCustomer, rcDec("3")
		}, want: []rcDiff{
			{billing.DiffQuantityDiffers, "j2", rcPart, "GSK-9", rcWarranty, "quantity", "3", "2"},
			{billing.DiffPayTypeDiffers, "j2", rcPart, "GSK-9", rcWarranty, "pay_type", "customer", "warranty"},
		}},
		{name: "R3.4b_pay_type_mix_in_one_key", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j2", "GSK-9").Quantity = rcDec("1")
			in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j2", Kind: rcPart, Code: "GSK-9", PayType: rcCustomer, Quantity: rcDec("1")})
		}, want: []rcDiff{{billing.DiffPayTypeDiffers, "j2", rcPart, "GSK-9", rcWarranty, "pay_type", "customer+warranty", "warranty"}}},
		{name: "R3.4b_duplicate_keys_compared_as_sums", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j2", "GSK-9").Quantity = rcDec("1")
			in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j2", Kind: rcPart, Code: "GSK-9", PayType: rcWarranty, Quantity: rcDec("1.5")})
		}, want: []rcDiff{{billing.DiffQuantityDiffers, "j2", rcPart, "GSK-9", rcWarranty, "quantity", "2.5", "2"}}},
		{name: "R3.4b_price_differs_labor_rate", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "j1/labor/BRK-01").UnitPrice = rcDec("130")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j1", rcLabor, "BRK-01", rcCustomer, "unit_price", "120.00", "130.00"}}},
		{name: "R3.4b_price_differs_warranty_billed_at_customer_rate", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "j2/labor/OIL-01")
			l.UnitPrice, l.Amount, l.Net = rcDec("120"), rcDec("96.00"), rcDec("96.00")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j2", rcLabor, "OIL-01", rcWarranty, "unit_price", "95.00", "120.00"}}},
		{name: "R3.4b_price_differs_labor_type_named_by_the_technician", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcWorkLine(t, in, "j1", "ALN-01").LaborType = "diag"
		}, want: []rcDiff{
			// At the diagnostic rate the labor is 24.00 more, so shop
			// supplies (5% of labor) and their tax should be more too.
			{billing.DiffPriceDiffers, "", rcFee, "SHOP", rcCustomer, "amount", "16.95", "15.75"},
			{billing.DiffTaxDiffers, "", rcFee, "SHOP", rcCustomer, "tax", "1.36", "1.26"},
			{billing.DiffPriceDiffers, "j1", rcLabor, "ALN-01", rcCustomer, "unit_price", "150.00", "120.00"},
		}},
		{name: "R3.4b_price_differs_part_matrix", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "j1/part/PAD-1").UnitPrice = rcDec("70")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j1", rcPart, "PAD-1", rcCustomer, "unit_price", "64.00", "70.00"}}},
		{name: "R3.4b_part_with_its_own_sell_price_is_not_the_books", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "j2/part/GSK-9")
			l.UnitPrice, l.Amount, l.Net = rcDec("10.90"), rcDec("21.80"), rcDec("21.80")
		}},
		{name: "R3.4b_price_differs_fee_unit_price", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "j1/fee/OILDISP").UnitPrice = rcDec("0.60")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j1", rcFee, "OILDISP", rcCustomer, "unit_price", "0.50", "0.60"}}},
		{name: "R3.4b_price_differs_sublet_markup", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "j2/sublet/1")
			l.UnitPrice, l.Amount, l.Net = rcDec("240"), rcDec("240"), rcDec("240")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j2", rcSublet, "GLASSCO", rcWarranty, "unit_price", "230.00", "240.00"}}},
		{name: "R3.4b_price_differs_amount", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "j2/part/GSK-9").Amount = rcDec("20.80")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j2", rcPart, "GSK-9", rcWarranty, "amount", "19.80", "20.80"}}},
		{name: "R3.4b_price_differs_percent_fee", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "fee/SHOP/customer") // 5% of 144 + 96 + 75 labor = 15.75
			l.UnitPrice, l.Amount, l.Net = rcDec("9.99"), rcDec("9.99"), rcDec("9.99")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "", rcFee, "SHOP", rcCustomer, "amount", "15.75", "9.99"}}},
		{name: "R3.4b_book_fee_missing_from_bill", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcTakeLine(t, in, "fee/SHOP/customer") // 5% of 315.00 labor
		}, want: []rcDiff{{billing.DiffFeeMissing, "", rcFee, "SHOP", rcCustomer, "amount", "15.75", "0"}}},
		{name: "R3.4b_book_fee_not_charged_to_that_payer", edit: func(t *testing.T, in *billing.ReconcileInput) {
			// Shop supplies apply to the customer only (no pay types
			// listed), though the warranty job has labor too.
			l := *rcLine(t, in, "fee/SHOP/customer")
			l.ID, l.PayType, l.TaxCode, l.TaxRate, l.Tax = "fee/SHOP/warranty", rcWarranty, "", decimal.Zero, decimal.Zero
			rcPutLine(t, in, l)
		}, want: []rcDiff{{billing.DiffFeeNotInBook, "", rcFee, "SHOP", rcWarranty, "amount", "0", "15.75"}}},
		{name: "R3.4b_book_fee_billed_to_the_wrong_payer", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcTakeLine(t, in, "fee/SHOP/customer")
			l.PayType = rcWarranty
			rcPutLine(t, in, l)
		}, want: []rcDiff{
			{billing.DiffFeeMissing, "", rcFee, "SHOP", rcCustomer, "amount", "15.75", "0"},
			{billing.DiffFeeNotInBook, "", rcFee, "SHOP", rcWarranty, "amount", "0", "15.75"},
		}},
		{name: "R3.4b_book_fee_the_book_does_not_have", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "fee/SHOP/customer").Code = "SUPPLIES"
		}, want: []rcDiff{
			{billing.DiffFeeMissing, "", rcFee, "SHOP", rcCustomer, "amount", "15.75", "0"},
			{billing.DiffFeeNotInBook, "", rcFee, "SUPPLIES", rcCustomer, "amount", "0", "15.75"},
		}},
		{name: "R3.4b_book_fee_charged_twice", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := *rcLine(t, in, "fee/SHOP/customer")
			l.ID += "#2"
			rcPutLine(t, in, l)
		}, want: []rcDiff{{billing.DiffFeeNotInBook, "", rcFee, "SHOP", rcCustomer, "amount", "0", "15.75"}}},
		{name: "R3.4b_book_per_unit_fee_is_not_an_order_fee", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcPutLine(t, in, billing.Line{ID: "fee/OILDISP/customer", PayType: rcCustomer, Kind: rcFee, Code: "OILDISP",
				Quantity: rcDec("1"), UnitPrice: rcDec("2"), Amount: rcDec("2"), Net: rcDec("2")})
		}, want: []rcDiff{{billing.DiffFeeNotInBook, "", rcFee, "OILDISP", rcCustomer, "amount", "0", "2.00"}}},
		{name: "R3.4b_book_fee_of_zero_charges_nothing", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcPutLine(t, in, billing.Line{ID: "fee/SHOP/warranty", PayType: rcWarranty, Kind: rcFee, Code: "SHOP", Quantity: rcDec("1")})
		}},
		{name: "R3.4b_book_fee_amount_differs_is_a_price_difference", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "fee/SHOP/customer") // 5% of 315.00, not of 300.00
			l.UnitPrice, l.Amount, l.Net = rcDec("15.00"), rcDec("15.00"), rcDec("15.00")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "", rcFee, "SHOP", rcCustomer, "amount", "15.75", "15.00"}}},
		{name: "R3.4b_without_a_book_fees_are_not_checked", edit: func(t *testing.T, in *billing.ReconcileInput) {
			in.Book = nil
			rcTakeLine(t, in, "fee/SHOP/customer")
		}},
		{name: "R3.4b_wrong_labor_amount_does_not_blame_the_percent_fee", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "j1/labor/BRK-01")
			l.Amount, l.Net = rcDec("150.00"), rcDec("150.00")
		}, want: []rcDiff{{billing.DiffPriceDiffers, "j1", rcLabor, "BRK-01", rcCustomer, "amount", "144.00", "150.00"}}},
		{name: "R3.4b_tax_differs_rate", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "j1/part/PAD-1").TaxRate = rcDec("0.05")
		}, want: []rcDiff{{billing.DiffTaxDiffers, "j1", rcPart, "PAD-1", rcCustomer, "tax_rate", "0.08", "0.05"}}},
		{name: "R3.4b_tax_differs_code", edit: func(t *testing.T, in *billing.ReconcileInput) {
			l := rcLine(t, in, "j2/part/GSK-9") // warranty parts are not taxed
			l.TaxCode, l.TaxRate, l.Tax = "ST", rcDec("0.08"), rcDec("1.58")
		}, want: []rcDiff{{billing.DiffTaxDiffers, "j2", rcPart, "GSK-9", rcWarranty, "tax_code", "", "ST"}}},
		{name: "R3.4b_tax_differs_amount", edit: func(t *testing.T, in *billing.ReconcileInput) {
			rcLine(t, in, "j1/part/PAD-1").Tax = rcDec("5.50")
		}, want: []rcDiff{{billing.DiffTaxDiffers, "j1", rcPart, "PAD-1", rcCustomer, "tax", "5.12", "5.50"}}},
		{name: "R3.4b_without_a_book_only_the_lines_are_compared", edit: func(t *testing.T, in *billing.ReconcileInput) {
			in.Book = nil
			rcLine(t, in, "j1/labor/BRK-01").UnitPrice = rcDec("130")
			rcLine(t, in, "j1/part/PAD-1").Tax = rcDec("5.50")
		}},
		{name: "R3.3b_not_approved", edit: func(_ *testing.T, in *billing.ReconcileInput) {
			in.Approved = []string{"j1"}
		}, want: []rcDiff{
			{billing.DiffNotApproved, "j2", rcLabor, "OIL-01", rcWarranty, "job", "0", "0.8"},
			{billing.DiffNotApproved, "j2", rcPart, "GSK-9", rcWarranty, "job", "0", "2"},
			{billing.DiffNotApproved, "j2", rcSublet, "GLASSCO", rcWarranty, "job", "0", "1"},
		}},
		{name: "R3.3b_approval_not_checked_without_a_list", edit: func(_ *testing.T, in *billing.ReconcileInput) {
			in.Approved = nil
		}},
		{name: "R3.4b_differences_that_cancel_in_totals", edit: func(t *testing.T, in *billing.ReconcileInput) {
			// 0.2 h too many on the brakes, 0.2 h too few on the
			// alignment: same rate, same hours, same total.
			rcWorkLine(t, in, "j1", "BRK-01").Quantity = rcDec("1.0")
			rcWorkLine(t, in, "j1", "ALN-01").Quantity = rcDec("1.0")
		}, want: []rcDiff{
			{billing.DiffHoursDiffer, "j1", rcLabor, "ALN-01", rcCustomer, "hours", "1", "0.8"},
			{billing.DiffHoursDiffer, "j1", rcLabor, "BRK-01", rcCustomer, "hours", "1", "1.2"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := rcInput(t)
			if c.edit != nil {
				c.edit(t, &in)
			}
			r, err := billing.Reconcile(in)
			require.NoError(t, err)
			want := c.want
			if want == nil {
				want = []rcDiff{}
			}
			assert.Equal(t, want, rcDiffs(r))
			assert.Equal(t, len(c.want) == 0, r.Clean)
		})
	}
}

func TestReconcileHoursAsWorkedOrAsBilled(t *testing.T) {
	// Quarters with a 0.3 h minimum: 0.1 h worked bills 0.3 h, and 0.3 h
	// billed would bill 0.5 h if rounded again. Either is what was done.
	book := rcBook()
	book.Labor.Increment = rcDec("0.25")
	o := rcOrder()
	o.Jobs[0].Labor[2].Hours = rcDec("0.1")
	bill, err := billing.Price(book, o)
	require.NoError(t, err)
	for _, c := range []struct {
		name, hours string
		want        []rcDiff
	}{
		{"R3.4b_hours_as_worked", "0.1", nil},
		{"R3.4b_hours_as_billed", "0.3", nil},
		{"R3.4b_hours_neither", "0.6", []rcDiff{{billing.DiffHoursDiffer, "j1", rcLabor, "DIAG", rcCustomer, "hours", "0.75", "0.3"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			work := rcWork()
			for i := range work {
				work[i].Quantity = rcLineOf(t, bill, work[i].Job, work[i].Kind, work[i].Code).Quantity
			}
			work[2].Quantity = rcDec(c.hours)
			r, err := billing.Reconcile(billing.ReconcileInput{Submitted: work, Bill: bill, Book: book})
			require.NoError(t, err)
			want := c.want
			if want == nil {
				want = []rcDiff{}
			}
			assert.Equal(t, want, rcDiffs(r))
		})
	}
}

// TestReconcileSetRate: a labor rate set by hand (LaborItem.Rate, which
// the bill shows as a set rate) is what was agreed, not a price that
// differs from the book; a bill line whose rate was changed after pricing
// still is.
func TestReconcileSetRate(t *testing.T) {
	book := rcBook()
	o := rcOrder()
	o.Jobs[0].Labor[0].Rate = rcDec("77")
	bill, err := billing.Price(book, o)
	require.NoError(t, err)
	work := rcWork()
	for i := range work {
		work[i].Quantity = rcLineOf(t, bill, work[i].Job, work[i].Kind, work[i].Code).Quantity
	}
	r, err := billing.Reconcile(billing.ReconcileInput{Submitted: work, Bill: bill, Book: book})
	require.NoError(t, err)
	assert.Equal(t, []rcDiff{}, rcDiffs(r), "R3.4b_set_rate_is_agreed")

	l := rcLineOf(t, bill, o.Jobs[0].ID, rcLabor, o.Jobs[0].Labor[0].Op)
	require.Equal(t, "line.labor_set", l.Explain.Key)
	for pi := range bill.Payers {
		for li := range bill.Payers[pi].Lines {
			if bill.Payers[pi].Lines[li].ID == l.ID {
				bill.Payers[pi].Lines[li].Explain.Key = "line.labor" // passed off as the book's
			}
		}
	}
	r, err = billing.Reconcile(billing.ReconcileInput{Submitted: work, Bill: bill, Book: book})
	require.NoError(t, err)
	assert.Contains(t, rcDiffKinds(r), billing.DiffPriceDiffers, "R3.4b_a_rate_passed_off_as_the_books_differs")
}

func rcDiffKinds(r billing.Reconciliation) []billing.DiffKind {
	var out []billing.DiffKind
	for _, d := range r.Differences {
		out = append(out, d.Kind)
	}
	return out
}

func rcLineOf(t *testing.T, b billing.Bill, job string, kind billing.Kind, code string) billing.Line {
	t.Helper()
	for _, pb := range b.Payers {
		for _, l := range pb.Lines {
			if l.Job == job && l.Kind == kind && l.Code == code {
				return l
			}
		}
	}
	t.Fatalf("no bill line %s %s %s", job, kind, code)
	return billing.Line{}
}

// The cancel-out case again, from the totals' side: the bill's labor total
// is what the technician's hours come to, yet both lines are wrong.
func TestReconcileCancelOutTotalsAgree(t *testing.T) {
	t.Run("R3.4b_differences_that_cancel_in_totals", func(t *testing.T) {
		in := rcInput(t)
		rcWorkLine(t, &in, "j1", "BRK-01").Quantity = rcDec("1.0")
		rcWorkLine(t, &in, "j1", "ALN-01").Quantity = rcDec("1.0")
		submitted, billed := decimal.Zero, decimal.Zero
		for _, w := range in.Submitted {
			if w.Job == "j1" && (w.Code == "BRK-01" || w.Code == "ALN-01") {
				submitted = submitted.Add(w.Quantity.Mul(rcDec("120")))
			}
		}
		for _, id := range []string{"j1/labor/BRK-01", "j1/labor/ALN-01"} {
			billed = billed.Add(rcLine(t, &in, id).Amount)
		}
		require.True(t, submitted.Equal(billed), "totals %s and %s should agree", submitted, billed)
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.False(t, r.Clean)
		assert.Len(t, r.Of(billing.DiffHoursDiffer), 2)
	})
}

func TestReconcileSummed(t *testing.T) {
	t.Run("R3.4b_duplicate_keys_reported_apart", func(t *testing.T) {
		in := rcInput(t)
		rcWorkLine(t, &in, "j2", "GSK-9").Quantity = rcDec("1")
		in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j2", Kind: rcPart, Code: "GSK-9", PayType: rcWarranty, Quantity: rcDec("1")})
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.True(t, r.Clean, "%+v", r.Differences)
		assert.Equal(t, []billing.SummedKey{{Job: "j2", LineKind: rcPart, Code: "GSK-9", SubmittedLines: 2, BilledLines: 1}}, r.Summed)
	})
	t.Run("R3.4b_duplicate_bill_lines_summed", func(t *testing.T) {
		book := rcBook()
		o := rcOrder()
		o.Jobs[1].Parts = append(o.Jobs[1].Parts, o.Jobs[1].Parts[0]) // the gasket twice: 2 + 2
		bill, err := billing.Price(book, o)
		require.NoError(t, err)
		r, err := billing.Reconcile(billing.ReconcileInput{Submitted: rcWork(), Bill: bill, Book: book})
		require.NoError(t, err)
		assert.Equal(t, []rcDiff{{billing.DiffQuantityDiffers, "j2", rcPart, "GSK-9", rcWarranty, "quantity", "2", "4"}}, rcDiffs(r))
		assert.Equal(t, []billing.SummedKey{{Job: "j2", LineKind: rcPart, Code: "GSK-9", SubmittedLines: 1, BilledLines: 2}}, r.Summed)
	})
}

func TestReconcileClockedVariance(t *testing.T) {
	type row struct{ job, code, book, billed, clocked, variance, efficiency string }
	rows := func(r billing.Reconciliation) []row {
		var out []row
		for _, v := range r.ClockedVariance {
			eff := "none"
			if !v.Unclocked {
				eff = v.Efficiency.StringFixed(4)
			}
			out = append(out, row{v.Job, v.Code, v.Book.String(), v.Billed.String(), v.Clocked.String(), v.Variance.String(), eff})
		}
		return out
	}
	t.Run("R3.4b_clocked_variance_per_labor_line", func(t *testing.T) {
		r, err := billing.Reconcile(rcInput(t))
		require.NoError(t, err)
		assert.True(t, r.Clean)
		assert.Equal(t, []row{
			{"j1", "ALN-01", "0.8", "0.8", "0.8", "0", "1.0000"},
			{"j1", "BRK-01", "1.2", "1.2", "1", "0.2", "1.2000"},
			{"j1", "DIAG", "1", "0.5", "0.6", "-0.1", "0.8333"},
			{"j2", "OIL-01", "0.5", "0.8", "1.1", "-0.3", "0.7273"},
		}, rows(r))
		v := r.ClockedVariance[3]
		assert.Equal(t, rcWarranty, v.PayType)
		assert.Equal(t, "reconcile.clocked_variance", v.Explain.Key)
		assert.Equal(t, map[string]string{"job": "j2", "code": "OIL-01", "expected": "0.8", "actual": "1.1", "book": "0.5",
			"variance": "-0.3", "efficiency": "0.7273"}, v.Explain.Args)
	})
	t.Run("R3.4b_clocked_hours_never_make_a_difference", func(t *testing.T) {
		in := rcInput(t)
		rcWorkLine(t, &in, "j1", "BRK-01").Clocked = rcDec("7.5")
		rcWorkLine(t, &in, "j1", "ALN-01").Clocked = decimal.Zero
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.True(t, r.Clean)
		got := rows(r)
		assert.Equal(t, row{"j1", "ALN-01", "0.8", "0.8", "0", "0.8", "none"}, got[0], "no clocked time: no efficiency, not 0%")
		assert.True(t, r.ClockedVariance[0].Unclocked)
		assert.Equal(t, row{"j1", "BRK-01", "1.2", "1.2", "7.5", "-6.3", "0.1600"}, got[1])
	})
	t.Run("R3.4b_clocked_time_on_unbilled_labor", func(t *testing.T) {
		in := rcInput(t)
		in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j2", Kind: rcLabor, Code: "ALN-01", PayType: rcWarranty, Quantity: rcDec("0.8"), Clocked: rcDec("0.9")})
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.Equal(t, []rcDiff{{billing.DiffMissingFromBill, "j2", rcLabor, "ALN-01", rcWarranty, "hours", "0.8", "0"}}, rcDiffs(r))
		assert.Contains(t, rows(r), row{"j2", "ALN-01", "0", "0", "0.9", "-0.9", "0.0000"})
	})
}

// rcMessy is an input with a difference of every kind.
func rcMessy(t testing.TB) billing.ReconcileInput {
	in := rcInput(t)
	in.Approved = []string{"j1"}
	in.Submitted[0].Quantity = rcDec("1.5")          // BRK-01 hours
	in.Submitted[6].PayType = rcCustomer             // GSK-9 payer
	in.Submitted = slices.Delete(in.Submitted, 7, 8) // GLASSCO not submitted
	in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j1", Kind: rcPart, Code: "WIPER-2", PayType: rcCustomer, Quantity: rcDec("2")})
	in.Submitted = append(in.Submitted, billing.WorkLine{Job: "j0", Kind: rcFee, Code: "OILDISP", PayType: rcCustomer, Quantity: rcDec("1")})
	for p := range in.Bill.Payers {
		for i := range in.Bill.Payers[p].Lines {
			l := &in.Bill.Payers[p].Lines[i]
			switch l.ID {
			case "j1/part/PAD-1":
				l.UnitPrice, l.Tax = rcDec("70"), rcDec("5.50")
			case "j1/fee/OILDISP":
				l.Quantity = rcDec("5")
			}
		}
	}
	shop := rcTakeLine(t, &in, "fee/SHOP/customer") // billed to the wrong payer
	shop.PayType = rcWarranty
	rcPutLine(t, &in, shop)
	return in
}

func TestReconcileDeterministic(t *testing.T) {
	t.Run("R1.3_same_input_same_result_in_the_same_order", func(t *testing.T) {
		in := rcMessy(t)
		first, err := billing.Reconcile(in)
		require.NoError(t, err)
		for _, k := range billing.DiffKinds() {
			assert.NotEmpty(t, first.Of(k), "the messy input has a difference of kind %s", k)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 50 {
			shuffled := in
			shuffled.Submitted = slices.Clone(in.Submitted)
			rng.Shuffle(len(shuffled.Submitted), func(i, j int) {
				shuffled.Submitted[i], shuffled.Submitted[j] = shuffled.Submitted[j], shuffled.Submitted[i]
			})
			shuffled.Bill.Payers = slices.Clone(in.Bill.Payers)
			rng.Shuffle(len(shuffled.Bill.Payers), func(i, j int) {
				shuffled.Bill.Payers[i], shuffled.Bill.Payers[j] = shuffled.Bill.Payers[j], shuffled.Bill.Payers[i]
			})
			again, err := billing.Reconcile(shuffled)
			require.NoError(t, err)
			require.Equal(t, rcJSON(t, first), rcJSON(t, again))
		}
	})
	t.Run("R1.3_order_is_job_line_kind_code_difference_kind", func(t *testing.T) {
		r, err := billing.Reconcile(rcMessy(t))
		require.NoError(t, err)
		assert.Equal(t, []rcDiff{
			{billing.DiffFeeMissing, "", rcFee, "SHOP", rcCustomer, "amount", "15.75", "0"},
			{billing.DiffFeeNotInBook, "", rcFee, "SHOP", rcWarranty, "amount", "0", "15.75"},
			{billing.DiffMissingFromBill, "j0", rcFee, "OILDISP", rcCustomer, "quantity", "1", "0"},
			{billing.DiffHoursDiffer, "j1", rcLabor, "BRK-01", rcCustomer, "hours", "1.5", "1.2"},
			{billing.DiffPriceDiffers, "j1", rcPart, "PAD-1", rcCustomer, "unit_price", "64.00", "70.00"},
			{billing.DiffTaxDiffers, "j1", rcPart, "PAD-1", rcCustomer, "tax", "5.12", "5.50"},
			{billing.DiffMissingFromBill, "j1", rcPart, "WIPER-2", rcCustomer, "quantity", "2", "0"},
			{billing.DiffQuantityDiffers, "j1", rcFee, "OILDISP", rcCustomer, "quantity", "4", "5"},
			{billing.DiffPriceDiffers, "j1", rcFee, "OILDISP", rcCustomer, "amount", "2.50", "2.00"},
			{billing.DiffNotApproved, "j2", rcLabor, "OIL-01", rcWarranty, "job", "0", "0.8"},
			{billing.DiffPayTypeDiffers, "j2", rcPart, "GSK-9", rcWarranty, "pay_type", "customer", "warranty"},
			{billing.DiffNotApproved, "j2", rcPart, "GSK-9", rcWarranty, "job", "0", "2"},
			{billing.DiffNotPerformed, "j2", rcSublet, "GLASSCO", rcWarranty, "quantity", "0", "1"},
			{billing.DiffNotApproved, "j2", rcSublet, "GLASSCO", rcWarranty, "job", "0", "1"},
		}, rcDiffs(r))
	})
}

func rcJSON(t interface{ Fatalf(string, ...any) }, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	return string(b)
}

func TestReconcileExplains(t *testing.T) {
	t.Run("R3.4c_every_difference_explained_in_both_languages", func(t *testing.T) {
		r, err := billing.Reconcile(rcMessy(t))
		require.NoError(t, err)
		for _, d := range r.Differences {
			assert.Equal(t, "reconcile."+string(d.Kind), d.Explain.Key)
			for _, arg := range []string{"job", "code", "expected", "actual", "line_kind", "pay_type", "field", "line"} {
				assert.Contains(t, d.Explain.Args, arg, "%s lacks %s", d.Explain.Key, arg)
			}
			assert.Equal(t, d.Expected, d.Explain.Args["expected"])
			assert.Equal(t, d.Actual, d.Explain.Args["actual"])
			for _, lang := range []org.Lang{org.English, org.TraditionalChinese} {
				text, err := d.Explain.Render(lang)
				require.NoError(t, err, "%s in %s", d.Explain.Key, lang)
				assert.NotEmpty(t, text)
			}
		}
		for _, v := range r.ClockedVariance {
			for _, lang := range []org.Lang{org.English, org.TraditionalChinese} {
				_, err := v.Explain.Render(lang)
				require.NoError(t, err, "%s in %s", v.Explain.Key, lang)
			}
		}
	})
	t.Run("R3.4b_price_and_tax_differences_name_the_bill_line", func(t *testing.T) {
		r, err := billing.Reconcile(rcMessy(t))
		require.NoError(t, err)
		for _, d := range slices.Concat(r.Of(billing.DiffPriceDiffers), r.Of(billing.DiffTaxDiffers), r.Of(billing.DiffFeeNotInBook)) {
			assert.NotEmpty(t, d.Line, "%+v", d)
		}
		for _, d := range r.Of(billing.DiffFeeMissing) {
			assert.Empty(t, d.Line, "a missing fee has no bill line: %+v", d)
		}
	})
}

func TestReconcileNeverWritesItsInput(t *testing.T) {
	t.Run("R1.3_input_unchanged_and_safe_to_share", func(t *testing.T) {
		in := rcMessy(t)
		before := rcJSON(t, in)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := billing.Reconcile(in)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		assert.Equal(t, before, rcJSON(t, in))
	})
}

func TestReconcileRejects(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(in *billing.ReconcileInput)
		paths []string
	}{
		{"R3.4a_submitted_line_needs_job_kind_code_and_payer", func(in *billing.ReconcileInput) {
			in.Submitted = append(in.Submitted, billing.WorkLine{Quantity: rcDec("1")})
		}, []string{"submitted[8].job", "submitted[8].kind", "submitted[8].code", "submitted[8].pay_type"}},
		{"R3.4a_technician_does_not_submit_cores_or_deductibles", func(in *billing.ReconcileInput) {
			in.Submitted = append(in.Submitted,
				billing.WorkLine{Job: "j1", Kind: rcCore, Code: "PAD-1", PayType: rcCustomer, Quantity: rcDec("1")},
				billing.WorkLine{Job: "j1", Kind: billing.KindDeductible, Code: "DEDUCTIBLE", PayType: rcCustomer, Quantity: rcDec("1")})
		}, []string{"submitted[8].kind", "submitted[9].kind"}},
		{"R3.4a_quantities_in_range", func(in *billing.ReconcileInput) {
			in.Submitted[0].Quantity = rcDec("-1")
			in.Submitted[0].Clocked = rcDec("-0.5")
			in.Submitted[3].Quantity = decimal.Zero
		}, []string{"submitted[0].quantity", "submitted[0].clocked", "submitted[3].quantity"}},
		{"R3.4b_book_must_be_the_one_that_priced_the_bill", func(in *billing.ReconcileInput) {
			in.Book = rcBook()
			in.Book.Version = "2026-02"
		}, []string{"book.version"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := rcInput(t)
			c.edit(&in)
			_, err := billing.Reconcile(in)
			require.ErrorIs(t, err, org.ErrInvalid)
			var ve *org.ValidationError
			require.True(t, errors.As(err, &ve))
			var paths []string
			for _, f := range ve.Fields {
				paths = append(paths, f.Path)
			}
			assert.Equal(t, c.paths, paths)
		})
	}
}

func TestSettlementAccuracy(t *testing.T) {
	for _, c := range []struct {
		name               string
		settled, corrected int
		want               string // "none" or the rate at 4 places
	}{
		{"R6.1_nothing_settled_is_no_rate_not_zero", 0, 0, "none"},
		{"R6.1_all_accurate", 7, 0, "1.0000"},
		{"R6.1_one_corrected_of_forty", 40, 1, "0.9750"},
		{"R6.1_two_thirds", 3, 1, "0.6667"},
		{"R6.1_one_third", 3, 2, "0.3333"},
		{"R6.1_half_up_not_half_even", 32, 31, "0.0313"},
		{"R6.1_all_corrected", 5, 5, "0.0000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rate, none, err := billing.SettlementAccuracy(c.settled, c.corrected)
			require.NoError(t, err)
			got := rate.StringFixed(4)
			if none {
				got = "none"
			}
			assert.Equal(t, c.want, got)
		})
	}
	for _, c := range []struct {
		name               string
		settled, corrected int
		path               string
	}{
		{"R6.1_more_corrected_than_settled", 2, 3, "corrected"},
		{"R6.1_negative_settled", -1, 0, "settled"},
		{"R6.1_negative_corrected", 1, -1, "corrected"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := billing.SettlementAccuracy(c.settled, c.corrected)
			require.ErrorIs(t, err, org.ErrInvalid)
			_, ok := org.FieldErrorOf(err, c.path)
			assert.True(t, ok, "%v names %s", err, c.path)
		})
	}
}

// TestReconcile_laborTypeOfTheJob: a labor type set on the job (priced
// into the estimate the customer approved) is kept on the bill line, so
// the technician need not repeat it: the line is checked at its own
// type's rate; one the technician names still wins (R3.4b).
func TestReconcile_laborTypeOfTheJob(t *testing.T) {
	book := rcBook()
	order := rcOrder()
	order.Jobs[0].Labor[1].LaborType = "diag" // ALN-01 at the diagnostic rate
	bill, err := billing.Price(book, order)
	require.NoError(t, err)
	in := billing.ReconcileInput{Submitted: rcWork(), Bill: bill, Book: book, Approved: []string{"j1", "j2"}}
	line := rcLine(t, &in, "j1/labor/ALN-01")
	require.Equal(t, "diag", line.LaborType, "the bill line says which labor type priced it")
	require.True(t, line.UnitPrice.Equal(rcDec("150")))

	t.Run("R3.4b_job_labor_type_not_repeated_by_the_technician", func(t *testing.T) {
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.Empty(t, rcDiffs(r), "the job's labor type is not a price difference")
	})
	t.Run("R3.4b_labor_type_named_by_the_technician_wins", func(t *testing.T) {
		in := in
		in.Submitted = rcWork()
		rcWorkLine(t, &in, "j1", "ALN-01").LaborType = "std"
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.Contains(t, rcDiffs(r), rcDiff{billing.DiffPriceDiffers, "j1", rcLabor, "ALN-01", rcCustomer, "unit_price", "120.00", "150.00"})
	})
	t.Run("R3.4b_line_claiming_a_labor_type_checked_at_its_rate", func(t *testing.T) {
		in := in
		in.Bill = bill
		in.Bill.Payers = slices.Clone(bill.Payers)
		in.Bill.Payers[0].Lines = slices.Clone(bill.Payers[0].Lines)
		l := rcLine(t, &in, "j1/labor/ALN-01")
		l.UnitPrice = rcDec("160") // not the diagnostic rate either
		r, err := billing.Reconcile(in)
		require.NoError(t, err)
		assert.Contains(t, rcDiffs(r), rcDiff{billing.DiffPriceDiffers, "j1", rcLabor, "ALN-01", rcCustomer, "unit_price", "150.00", "160.00"})
	})
}

// TestReconcile_orderFeeAndUnpricedWording: an order-level fee has no job,
// and a line the book cannot price has no price it should be: their
// explanations say so rather than "Job : SHOP" or "it should be ,".
func TestReconcile_orderFeeAndUnpricedWording(t *testing.T) {
	in := rcInput(t)
	l := rcLine(t, &in, "fee/SHOP/customer")
	l.UnitPrice, l.Amount, l.Net = rcDec("9.99"), rcDec("9.99"), rcDec("9.99")
	r, err := billing.Reconcile(in)
	require.NoError(t, err)
	var texts []string
	for _, d := range r.Differences {
		en, err := d.Explain.Render(org.English)
		require.NoError(t, err)
		texts = append(texts, en)
	}
	assert.Contains(t, texts, "Fee SHOP (Customer) differs: the price book charges 15.75, the bill has 9.99")

	in = rcInput(t)
	book := *in.Book
	book.Fees = slices.DeleteFunc(slices.Clone(book.Fees), func(f billing.FeeRule) bool { return f.Code == "OILDISP" })
	in.Book = &book
	r, err = billing.Reconcile(in)
	require.NoError(t, err)
	found := false
	for _, d := range r.Differences {
		if d.Code == "OILDISP" && d.Kind == billing.DiffPriceDiffers {
			en, err := d.Explain.Render(org.English)
			require.NoError(t, err)
			assert.Equal(t, "Job j1: OILDISP is on the bill at 0.50, but the price book cannot price it", en)
			found = true
		}
	}
	assert.True(t, found, "%+v", r.Differences)
}
