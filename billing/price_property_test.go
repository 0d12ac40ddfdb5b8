package billing_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/billing"
)

// The property tests price random books and orders and check the
// identities every bill keeps. They honour rapid's flags:
// go test ./billing -run Property -rapid.checks=20000

var (
	// Money is rounded by the first four; tax by any.
	propModes = []billing.RoundingMode{billing.HalfUp, billing.HalfEven, billing.Down, billing.Up, billing.Cash}
	propKinds = []billing.Kind{billing.KindLabor, billing.KindPart, billing.KindCore, billing.KindSublet, billing.KindFee}
	propRates = []string{"0.05", "0.055", "0.0625", "0.0825", "0.10", "0.12", "0.19", "0.20"}
)

// propMoney is a whole number of currency units between lo and hi units
// of the currency (2.50 is 250 units at scale 2).
func propMoney(t *rapid.T, scale int32, lo, hi int64, label string) decimal.Decimal {
	return decimal.New(rapid.Int64Range(lo, hi).Draw(t, label), -scale)
}

// propSubset is a random subset of all, possibly empty, in all's order.
func propSubset[E any](t *rapid.T, all []E, label string) []E {
	var out []E
	for i, e := range all {
		if rapid.Bool().Draw(t, fmt.Sprintf("%s[%d]", label, i)) {
			out = append(out, e)
		}
	}
	return out
}

// propTaxRounding is a tax rounding to the currency's places; Cash rounds
// to an increment of whole currency units.
func propTaxRounding(t *rapid.T, scale int32) billing.Rounding {
	r := billing.Rounding{Mode: rapid.SampledFrom(propModes).Draw(t, "tax_mode"), Places: scale}
	if r.Mode == billing.Cash {
		incs := map[int32][]string{0: {"1", "5", "10"}, 2: {"0.05", "0.10", "1"}}[scale]
		r.Increment = d(rapid.SampledFrom(incs).Draw(t, "cash_increment"))
	}
	return r
}

// propBook is a random valid price book.
func propBook(t *rapid.T) *billing.PriceBook {
	scale := rapid.SampledFrom([]int32{0, 2}).Draw(t, "scale")
	unit := func(label string) decimal.Decimal { return propMoney(t, scale, 0, 3000*propPow(scale), label) }
	b := &billing.PriceBook{
		Version: "prop", Currency: map[int32]string{0: "TWD", 2: "USD"}[scale], Scale: scale,
		Rounding: rapid.SampledFrom(propModes[:4]).Draw(t, "money_mode"),
		Labor: billing.LaborPolicy{
			Rates: []billing.LaborRate{{Rate: unit("rate_default")}, {PayType: billing.PayWarranty, Rate: unit("rate_warranty")},
				{LaborType: "diag", Rate: unit("rate_diag")}, {PayType: billing.PayInternal, LaborType: "diag", Rate: unit("rate_internal_diag")}},
			Operations: []billing.Operation{
				{Code: "A", Hours: decimal.New(rapid.Int64Range(1, 500).Draw(t, "op_a_hours"), -2)},
				{Code: "B", Hours: decimal.New(rapid.Int64Range(1, 50).Draw(t, "op_b_hours"), -1), LaborType: "diag"},
				{Code: "C"},
			},
			Increment: d(rapid.SampledFrom([]string{"0", "0.1", "0.25"}).Draw(t, "increment")),
			Minimum:   d(rapid.SampledFrom([]string{"0", "0.3", "0.5", "1"}).Draw(t, "minimum")),
		},
		Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{
			{From: d("0"), To: d("50"), Multiplier: decimal.New(rapid.Int64Range(100, 300).Draw(t, "multiplier"), -2)},
			{From: d("50"), Margin: decimal.New(rapid.Int64Range(1, 60).Draw(t, "margin"), -2)},
		}},
		Sublet:  billing.SubletPolicy{Markup: decimal.New(rapid.Int64Range(0, 40).Draw(t, "sublet_markup"), -2)},
		Coupons: []billing.Coupon{{Code: "PCT", Percent: decimal.New(rapid.Int64Range(1, 100).Draw(t, "coupon_pct"), -2)}, {Code: "AMT", Amount: propMoney(t, scale, 1, 3000*propPow(scale), "coupon_amount")}},
		Tax: billing.TaxPolicy{
			Inclusive:         rapid.Bool().Draw(t, "inclusive"),
			Scope:             rapid.SampledFrom([]billing.TaxScope{billing.ScopeUnit, billing.ScopeLine, billing.ScopeGroup, billing.ScopeDocument}).Draw(t, "scope"),
			Rounding:          propTaxRounding(t, scale),
			DiscountBeforeTax: rapid.Bool().Draw(t, "discount_before_tax"),
		},
	}
	b.Fees = []billing.FeeRule{
		{Code: "U1", UnitPrice: propMoney(t, scale, 1, 1000*propPow(scale), "u1_price"), Unit: "l", Taxable: rapid.Bool().Draw(t, "u1_taxable")},
		{Code: "U2", UnitPrice: propMoney(t, scale, 1, 1000*propPow(scale), "u2_price"), Unit: "ea", Taxable: rapid.Bool().Draw(t, "u2_taxable")},
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "percent_fees") {
		f := billing.FeeRule{Code: fmt.Sprintf("P%d", i), Percent: decimal.New(rapid.Int64Range(1, 200).Draw(t, "fee_pct"), -3),
			Base:     rapid.SampledFrom([]billing.FeeBase{billing.BaseLabor, billing.BaseParts, billing.BaseLaborAndParts}).Draw(t, "fee_base"),
			PayTypes: propSubset(t, billing.PayTypes(), "fee_pay_types"), Taxable: rapid.Bool().Draw(t, "fee_taxable")}
		if rapid.Bool().Draw(t, "fee_has_min") {
			f.Min = propMoney(t, scale, 0, 10*propPow(scale), "fee_min")
		}
		if rapid.Bool().Draw(t, "fee_has_max") {
			f.Max = f.Min.Add(propMoney(t, scale, 1, 50*propPow(scale), "fee_max_over_min"))
		}
		b.Fees = append(b.Fees, f)
	}
	for i := range rapid.IntRange(1, 3).Draw(t, "tax_rates") {
		b.Tax.Rates = append(b.Tax.Rates, billing.TaxRate{Code: fmt.Sprintf("T%d", i), Name: fmt.Sprintf("tax %d", i),
			Rate: d(rapid.SampledFrom(propRates).Draw(t, "tax_rate")), Kinds: propSubset(t, propKinds, "tax_kinds"),
			PayTypes: propSubset(t, billing.PayTypes(), "tax_pay_types")})
	}
	return b
}

func propPow(scale int32) int64 {
	if scale == 0 {
		return 1
	}
	return 100
}

// propDiscount is a percent or an amount off, on some kinds or on all.
func propDiscount(t *rapid.T, scale int32, label string) billing.Discount {
	dc := billing.Discount{Code: label, Kinds: propSubset(t, []billing.Kind{billing.KindLabor, billing.KindPart, billing.KindSublet, billing.KindFee}, label+"_kinds")}
	if rapid.Bool().Draw(t, label+"_is_percent") {
		dc.Percent = decimal.New(rapid.Int64Range(1, 100).Draw(t, label+"_pct"), -2)
	} else {
		dc.Amount = propMoney(t, scale, 1, 500*propPow(scale), label+"_amount")
	}
	return dc
}

// propOrder is a random valid order for book: 1-5 jobs of random payers.
func propOrder(t *rapid.T, book *billing.PriceBook) billing.Order {
	scale := book.Scale
	o := billing.Order{WorkOrder: "wo"}
	for j := range rapid.IntRange(1, 5).Draw(t, "jobs") {
		job := billing.Job{ID: fmt.Sprintf("j%d", j+1), Title: "job", PayType: rapid.SampledFrom(billing.PayTypes()).Draw(t, "pay_type")}
		for range rapid.IntRange(0, 3).Draw(t, "labor") {
			li := billing.LaborItem{Op: rapid.SampledFrom([]string{"A", "B", "C"}).Draw(t, "op"), LaborType: rapid.SampledFrom([]string{"", "diag", "body"}).Draw(t, "labor_type")}
			if li.Op == "C" || rapid.Bool().Draw(t, "hours_given") {
				li.Hours = decimal.New(rapid.Int64Range(1, 800).Draw(t, "hours"), -2)
			}
			job.Labor = append(job.Labor, li)
		}
		for k := range rapid.IntRange(0, 3).Draw(t, "parts") {
			p := billing.PartItem{Number: fmt.Sprintf("P%d", k), Description: "part", Cost: propMoney(t, scale, 1, 900*propPow(scale), "cost")}
			if rapid.Bool().Draw(t, "fractional_quantity") {
				p.Quantity = decimal.New(rapid.Int64Range(1, 100).Draw(t, "quantity_tenths"), -1)
			} else {
				p.Quantity = decimal.NewFromInt(rapid.Int64Range(1, 6).Draw(t, "quantity"))
			}
			switch rapid.IntRange(0, 2).Draw(t, "priced_by") {
			case 0:
				p.Sell = propMoney(t, scale, 1, 2000*propPow(scale), "sell")
			case 1:
				p.List = propMoney(t, scale, 1, 2000*propPow(scale), "list")
			}
			if rapid.IntRange(0, 4).Draw(t, "has_core") == 0 {
				p.Core = propMoney(t, scale, 1, 100*propPow(scale), "core")
			}
			job.Parts = append(job.Parts, p)
		}
		for range rapid.IntRange(0, 2).Draw(t, "sublets") {
			job.Sublets = append(job.Sublets, billing.SubletItem{Vendor: "V", Description: "sublet", Cost: propMoney(t, scale, 0, 900*propPow(scale), "sublet_cost")})
		}
		for range rapid.IntRange(0, 2).Draw(t, "unit_fees") {
			job.Fees = append(job.Fees, billing.FeeItem{Code: rapid.SampledFrom([]string{"U1", "U2"}).Draw(t, "fee"),
				Quantity: decimal.New(rapid.Int64Range(1, 80).Draw(t, "fee_quantity"), -1)})
		}
		if len(job.Labor)+len(job.Parts)+len(job.Sublets)+len(job.Fees) == 0 {
			job.Parts = []billing.PartItem{{Number: "ONLY", Description: "part", Quantity: d("1"), Sell: propMoney(t, scale, 1, 500*propPow(scale), "only_sell")}}
		}
		if (job.PayType == billing.PayContract || job.PayType == billing.PayInsurance) && rapid.Bool().Draw(t, "has_deductible") {
			job.Deductible = propMoney(t, scale, 1, 500*propPow(scale), "deductible")
		}
		for k := range rapid.IntRange(0, 2).Draw(t, "job_discounts") {
			job.Discounts = append(job.Discounts, propDiscount(t, scale, fmt.Sprintf("JD%d", k)))
		}
		o.Jobs = append(o.Jobs, job)
	}
	for k := range rapid.IntRange(0, 2).Draw(t, "order_discounts") {
		o.Discounts = append(o.Discounts, propDiscount(t, scale, fmt.Sprintf("OD%d", k)))
	}
	o.Coupons = propSubset(t, []string{"PCT", "AMT"}, "coupons")
	return o
}

// propCheckPayer checks the identities of one payer's part of a bill.
// A credit note (credit) has its discounts negated with its amounts.
func propCheckPayer(t *rapid.T, pb billing.PayerBill, inclusive, credit bool) {
	sub, disc, lineTax, taxes := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
	for _, l := range pb.Lines {
		require.Equal(t, pb.PayType, l.PayType, "line %s in the %s bill", l.ID, pb.PayType)
		sub, disc, lineTax = sub.Add(l.Amount), disc.Add(l.Discount), lineTax.Add(l.Tax)
		require.True(t, l.Net.Equal(l.Amount.Sub(l.Discount)), "line %s: net %s != %s - %s", l.ID, l.Net, l.Amount, l.Discount)
		if credit {
			continue
		}
		require.False(t, l.Discount.IsNegative(), "line %s: discount %s", l.ID, l.Discount)
		if l.Amount.IsNegative() {
			require.True(t, l.Discount.IsZero(), "line %s: a credit line is not discounted", l.ID)
		} else {
			require.True(t, l.Discount.LessThanOrEqual(l.Amount), "line %s: discount %s above amount %s", l.ID, l.Discount, l.Amount)
		}
	}
	for _, tl := range pb.Taxes {
		taxes = taxes.Add(tl.Tax)
	}
	require.True(t, sub.Equal(pb.Subtotal), "%s: subtotal %s != sum of line amounts %s", pb.PayType, pb.Subtotal, sub)
	require.True(t, disc.Equal(pb.Discount), "%s: discount %s != sum of line discounts %s", pb.PayType, pb.Discount, disc)
	require.True(t, taxes.Equal(pb.Tax), "%s: tax %s != sum of tax lines %s", pb.PayType, pb.Tax, taxes)
	require.True(t, lineTax.Equal(pb.Tax), "%s: tax %s != sum of line taxes %s", pb.PayType, pb.Tax, lineTax)
	want := pb.Subtotal.Sub(pb.Discount)
	if !inclusive {
		want = want.Add(pb.Tax)
	}
	require.True(t, want.Equal(pb.Total), "%s: total %s, want %s", pb.PayType, pb.Total, want)
}

// propCheckTax recomputes one payer's taxes the long way: which rate each
// line takes (the first that matches its kind and payer; deductibles and
// non-taxable fees none), and the rounded tax per line, per rate or per
// payer, as the scope says, on the net or the amount, as
// DiscountBeforeTax says.
func propCheckTax(t *rapid.T, book *billing.PriceBook, pb billing.PayerBill) {
	exact := func(l billing.Line) decimal.Decimal {
		base := l.Amount
		if book.Tax.DiscountBeforeTax {
			base = l.Net
		}
		if book.Tax.Inclusive {
			return base.Mul(l.TaxRate).DivRound(d("1").Add(l.TaxRate), 20)
		}
		return base.Mul(l.TaxRate)
	}
	r := book.Tax.Rounding
	byRate, all := map[string]decimal.Decimal{}, decimal.Zero
	for _, l := range pb.Lines {
		want := ""
		taxable := l.Kind != billing.KindDeductible
		if l.Kind == billing.KindFee {
			i := slices.IndexFunc(book.Fees, func(f billing.FeeRule) bool { return f.Code == l.Code })
			taxable = i >= 0 && book.Fees[i].Taxable
		}
		if i := slices.IndexFunc(book.Tax.Rates, func(tr billing.TaxRate) bool {
			return (len(tr.Kinds) == 0 || slices.Contains(tr.Kinds, l.Kind)) && (len(tr.PayTypes) == 0 || slices.Contains(tr.PayTypes, l.PayType))
		}); i >= 0 && taxable {
			want = book.Tax.Rates[i].Code
		}
		require.Equal(t, want, l.TaxCode, "line %s (%s, %s)", l.ID, l.Kind, l.PayType)
		if want == "" {
			require.True(t, l.Tax.IsZero(), "exempt line %s taxed %s", l.ID, l.Tax)
			continue
		}
		e := exact(l)
		byRate[l.TaxCode] = byRate[l.TaxCode].Add(e)
		all = all.Add(e)
		if book.Tax.Scope == billing.ScopeLine {
			require.True(t, l.Tax.Equal(r.Round(e)), "line %s: tax %s, want %s of %s", l.ID, l.Tax, r.Round(e), e)
		}
	}
	require.Len(t, pb.Taxes, len(byRate), "one tax line per rate used")
	for _, tl := range pb.Taxes {
		if book.Tax.Scope == billing.ScopeGroup {
			require.True(t, tl.Tax.Equal(r.Round(byRate[tl.Code])), "rate %s: tax %s, want %s of %s", tl.Code, tl.Tax, r.Round(byRate[tl.Code]), byRate[tl.Code])
		}
	}
	if book.Tax.Scope == billing.ScopeDocument {
		require.True(t, pb.Tax.Equal(r.Round(all)), "%s: tax %s, want %s of %s", pb.PayType, pb.Tax, r.Round(all), all)
	}
}

func TestPropertyPriceBillsAddUp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := propBook(t)
		require.NoError(t, book.Validate(), "the generator makes valid books")
		o := propOrder(t, book)
		b, err := billing.Price(book, o)
		require.NoError(t, err, "a valid order prices")
		require.NotEmpty(t, b.Payers)
		var payers []billing.PayType
		for _, pb := range b.Payers {
			require.NotEmpty(t, pb.Lines, "%s has a bill without lines", pb.PayType)
			payers = append(payers, pb.PayType)
			propCheckPayer(t, pb, book.Tax.Inclusive, false)
			propCheckTax(t, book, pb)
		}
		require.True(t, slices.IsSortedFunc(payers, func(a, c billing.PayType) int {
			return slices.Index(billing.PayTypes(), a) - slices.Index(billing.PayTypes(), c)
		}), "payers in PayTypes order: %v", payers)
		require.Equal(t, len(payers), len(slices.Compact(slices.Clone(payers))), "one bill per payer: %v", payers)

		// A credit note cancels the bill, payer by payer and line by line.
		n := b.Negate()
		require.True(t, b.Total().Add(n.Total()).IsZero())
		for i, pb := range n.Payers {
			ob := b.Payers[i]
			propCheckPayer(t, pb, book.Tax.Inclusive, true)
			for _, pair := range [][2]decimal.Decimal{{pb.Subtotal, ob.Subtotal}, {pb.Discount, ob.Discount}, {pb.Tax, ob.Tax}, {pb.Total, ob.Total}} {
				require.True(t, pair[0].Add(pair[1]).IsZero(), "%s: credit %s, bill %s", pb.PayType, pair[0], pair[1])
			}
			for k, l := range pb.Lines {
				ol := ob.Lines[k]
				for _, pair := range [][2]decimal.Decimal{{l.Amount, ol.Amount}, {l.Discount, ol.Discount}, {l.Net, ol.Net}, {l.Tax, ol.Tax}} {
					require.True(t, pair[0].Add(pair[1]).IsZero(), "line %s: credit %s, bill %s", l.ID, pair[0], pair[1])
				}
			}
			for k, tl := range pb.Taxes {
				require.True(t, tl.Tax.Add(ob.Taxes[k].Tax).IsZero() && tl.Base.Add(ob.Taxes[k].Base).IsZero(), "tax line %s", tl.Code)
			}
		}
	})
}

// TestPropertyAmountsAtCurrencyScale: every printed amount is a whole
// number of the currency's units (tax rounds to the currency's places in
// these books). It found per-unit tax of fractional quantities (6.799);
// see TestPriceUnitScopeTaxAtTaxPlaces.
func TestPropertyAmountsAtCurrencyScale(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := propBook(t)
		b, err := billing.Price(book, propOrder(t, book))
		require.NoError(t, err)
		at := func(x decimal.Decimal) bool { return x.Equal(x.Round(book.Scale)) }
		for _, pb := range b.Payers {
			for _, l := range pb.Lines {
				require.True(t, at(l.Amount) && at(l.Discount) && at(l.Tax), "line %s: amount %s discount %s tax %s at scale %d (tax %s, %s)",
					l.ID, l.Amount, l.Discount, l.Tax, book.Scale, book.Tax.Scope, book.Tax.Rounding)
			}
			require.True(t, at(pb.Total), "%s total %s at scale %d", pb.PayType, pb.Total, book.Scale)
		}
	})
}

// TestPropertyInclusiveRoundTrip: with tax in the price, a one-line order
// costs its price, and its tax line's base plus its tax is that price,
// exactly, whatever the scope, rounding and rate.
func TestPropertyInclusiveRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := propBook(t)
		book.Tax.Inclusive = true
		book.Fees = book.Fees[:2] // no percent fee: one line
		book.Tax.Rates = []billing.TaxRate{{Code: "VAT", Name: "VAT", Rate: d(rapid.SampledFrom(propRates).Draw(t, "vat"))}}
		qty := decimal.NewFromInt(rapid.Int64Range(1, 12).Draw(t, "quantity"))
		price := propMoney(t, book.Scale, 1, 100000*propPow(book.Scale), "price")
		b, err := billing.Price(book, partsOrder(billing.PartItem{Number: "P", Description: "p", Quantity: qty, Sell: price}))
		require.NoError(t, err)
		require.Len(t, b.Payers, 1)
		pb := b.Payers[0]
		propCheckPayer(t, pb, true, false)
		require.Len(t, pb.Lines, 1)
		require.Len(t, pb.Taxes, 1)
		amount := pb.Lines[0].Amount
		require.True(t, amount.Equal(billing.Rounding{Mode: book.Rounding, Places: book.Scale}.Round(qty.Mul(price))), "amount %s", amount)
		require.True(t, pb.Total.Equal(amount), "total %s, price %s", pb.Total, amount)
		tl := pb.Taxes[0]
		require.True(t, tl.Base.Add(tl.Tax).Equal(amount), "base %s + tax %s != price %s", tl.Base, tl.Tax, amount)
		require.False(t, tl.Tax.IsNegative(), "tax %s", tl.Tax)
		require.True(t, tl.Tax.LessThanOrEqual(amount), "tax %s of %s", tl.Tax, amount) // rounding up 0.05 TWD gives 1 of 1
	})
}

// TestPropertyOneLineSameTaxInEveryScope: a single line of quantity one
// has one tax whatever the scope: rounding per unit, per line, per group
// or per document is the same rounding of the same amount.
func TestPropertyOneLineSameTaxInEveryScope(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := propBook(t)
		book.Fees = book.Fees[:2]
		book.Tax.Rates = book.Tax.Rates[:1]
		book.Tax.Rates[0].Kinds, book.Tax.Rates[0].PayTypes = nil, nil
		price := propMoney(t, book.Scale, 1, 100000*propPow(book.Scale), "price")
		o := partsOrder(billing.PartItem{Number: "P", Description: "p", Quantity: d("1"), Sell: price})
		var first decimal.Decimal
		for i, scope := range []billing.TaxScope{billing.ScopeLine, billing.ScopeUnit, billing.ScopeGroup, billing.ScopeDocument} {
			book.Tax.Scope = scope
			b, err := billing.Price(book, o)
			require.NoError(t, err)
			tax := b.Payers[0].Tax
			if i == 0 {
				first = tax
				continue
			}
			require.True(t, tax.Equal(first), "scope %s: tax %s, per line %s (%s)", scope, tax, first, book.Tax.Rounding)
		}
	})
}

// TestPropertyAllocate: the parts sum to the total exactly, each has the
// total's sign, and each is less than one unit from its exact share.
func TestPropertyAllocate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		places := rapid.Int32Range(0, 4).Draw(t, "places")
		total := decimal.New(rapid.Int64Range(-1_000_000_000, 1_000_000_000).Draw(t, "total_units"), -places)
		weights := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) decimal.Decimal {
			switch rapid.IntRange(0, 3).Draw(t, "weight_kind") {
			case 0:
				return decimal.Zero
			case 1: // tiny
				return decimal.New(rapid.Int64Range(1, 1000).Draw(t, "tiny"), -12)
			case 2: // huge
				return decimal.New(rapid.Int64Range(1, 1000).Draw(t, "huge"), 9)
			default:
				return decimal.New(rapid.Int64Range(1, 1_000_000).Draw(t, "weight"), -2)
			}
		}), 1, 30).Draw(t, "weights")
		parts := billing.Allocate(total, weights, places)
		require.Len(t, parts, len(weights))
		sum, wsum := decimal.Zero, decimal.Zero
		for _, w := range weights {
			wsum = wsum.Add(w)
		}
		n := decimal.NewFromInt(int64(len(weights)))
		unit := decimal.New(1, -places)
		for i, p := range parts {
			sum = sum.Add(p)
			require.True(t, p.Equal(p.Round(places)), "part %d: %s not at %d places", i, p, places)
			require.False(t, p.Sign()*total.Sign() < 0, "part %d: %s against total %s", i, p, total)
			// |p - total*w/wsum| < unit, multiplied out to stay exact.
			var diff, bound decimal.Decimal
			if wsum.IsZero() {
				diff, bound = p.Mul(n).Sub(total).Abs(), unit.Mul(n)
			} else {
				diff, bound = p.Mul(wsum).Sub(total.Mul(weights[i])).Abs(), unit.Mul(wsum)
			}
			require.True(t, diff.LessThan(bound), "part %d: %s is a unit or more from its share (weight %s of %s, total %s)", i, p, weights[i], wsum, total)
		}
		require.True(t, sum.Equal(total), "parts sum to %s, total %s", sum, total)
	})
}
