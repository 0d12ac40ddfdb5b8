package billing_test

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// bookWith is a minimal price book: parts sold at their sell price, one tax
// rate for parts (and labor), the given tax policy.
func bookWith(scale int32, tax billing.TaxPolicy) *billing.PriceBook {
	return &billing.PriceBook{
		Version: "test", Currency: "USD", Scale: scale, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{Rates: []billing.LaborRate{{Rate: d("100")}}, Operations: []billing.Operation{{Code: "OP", Hours: d("1")}}},
		Tax:   tax,
	}
}

func partsOrder(parts ...billing.PartItem) billing.Order {
	return billing.Order{WorkOrder: "wo1", Jobs: []billing.Job{{ID: "j1", Title: "parts", PayType: billing.PayCustomer, Parts: parts}}}
}

func part(no, qty, sell string) billing.PartItem {
	return billing.PartItem{Number: no, Description: no, Quantity: d(qty), Sell: d(sell)}
}

func rate(code, r string, kinds ...billing.Kind) billing.TaxRate {
	return billing.TaxRate{Code: code, Name: code, Rate: d(r), Kinds: kinds}
}

func customer(t *testing.T, b billing.Bill) billing.PayerBill {
	t.Helper()
	pb, ok := b.Payer(billing.PayCustomer)
	require.True(t, ok)
	return pb
}

// requireSums checks the identity every bill keeps: totals are the sum of
// their printed parts.
func requireSums(t *testing.T, pb billing.PayerBill, inclusive bool) {
	t.Helper()
	sub, disc, lineTax, taxes := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
	for _, l := range pb.Lines {
		sub, disc, lineTax = sub.Add(l.Amount), disc.Add(l.Discount), lineTax.Add(l.Tax)
		require.True(t, l.Net.Equal(l.Amount.Sub(l.Discount)), "line %s net", l.ID)
	}
	for _, tl := range pb.Taxes {
		taxes = taxes.Add(tl.Tax)
	}
	require.True(t, sub.Equal(pb.Subtotal), "subtotal %s != sum of lines %s", pb.Subtotal, sub)
	require.True(t, disc.Equal(pb.Discount), "discount")
	require.True(t, taxes.Equal(pb.Tax) && lineTax.Equal(pb.Tax), "tax %s, tax lines %s, line taxes %s", pb.Tax, taxes, lineTax)
	want := pb.Subtotal.Sub(pb.Discount)
	if !inclusive {
		want = want.Add(pb.Tax)
	}
	require.True(t, want.Equal(pb.Total), "total %s, want %s", pb.Total, want)
}

func TestTraps(t *testing.T) {
	t.Run("3.60x10_at_5.5pct_per_line_vs_per_unit", func(t *testing.T) {
		o := partsOrder(part("P", "10", "3.60"))
		for scope, want := range map[billing.TaxScope]string{billing.ScopeLine: "1.98", billing.ScopeUnit: "2.00"} {
			b, err := billing.Price(bookWith(2, billing.TaxPolicy{Scope: scope, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2},
				Rates: []billing.TaxRate{rate("ST", "0.055")}}), o)
			require.NoError(t, err)
			pb := customer(t, b)
			assert.Equal(t, want, pb.Tax.StringFixed(2), "scope %s", scope)
			requireSums(t, pb, false)
		}
	})
	t.Run("0.13at10pct_plus_0.16at20pct_round_then_sum_vs_sum_then_round", func(t *testing.T) {
		o := billing.Order{Jobs: []billing.Job{{ID: "j1", PayType: billing.PayCustomer,
			Parts: []billing.PartItem{part("A", "1", "0.13")}, Sublets: []billing.SubletItem{{Vendor: "V", Description: "v", Cost: d("0.16")}}}}}
		rates := []billing.TaxRate{rate("T10", "0.10", billing.KindPart), rate("T20", "0.20", billing.KindSublet)}
		for _, c := range []struct {
			scope billing.TaxScope
			mode  billing.RoundingMode
			want  string
		}{{billing.ScopeLine, billing.HalfUp, "0.04"}, {billing.ScopeDocument, billing.HalfUp, "0.05"}, {billing.ScopeDocument, billing.HalfEven, "0.04"}} {
			b, err := billing.Price(bookWith(2, billing.TaxPolicy{Scope: c.scope, Rounding: billing.Rounding{Mode: c.mode, Places: 2}, Rates: rates}), o)
			require.NoError(t, err)
			pb := customer(t, b)
			assert.Equal(t, c.want, pb.Tax.StringFixed(2), "scope %s mode %s", c.scope, c.mode)
			requireSums(t, pb, false)
		}
	})
	t.Run("52.50_incl_12pct_totals_52.50", func(t *testing.T) {
		b, err := billing.Price(bookWith(2, billing.TaxPolicy{Inclusive: true, Scope: billing.ScopeLine, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2},
			Rates: []billing.TaxRate{rate("VAT", "0.12")}}), partsOrder(part("P", "1", "52.50")))
		require.NoError(t, err)
		pb := customer(t, b)
		assert.Equal(t, "52.50", pb.Total.StringFixed(2))
		assert.Equal(t, "5.63", pb.Tax.StringFixed(2))
		assert.Equal(t, "46.87", pb.Taxes[0].Base.StringFixed(2))
		requireSums(t, pb, true)
	})
	t.Run("4000_incl_19pct_round_trips", func(t *testing.T) {
		b, err := billing.Price(bookWith(2, billing.TaxPolicy{Inclusive: true, Scope: billing.ScopeDocument, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2},
			Rates: []billing.TaxRate{rate("VAT", "0.19")}}), partsOrder(part("P", "1", "4000")))
		require.NoError(t, err)
		pb := customer(t, b)
		assert.Equal(t, "4000.00", pb.Total.StringFixed(2))
		assert.Equal(t, "4000.00", pb.Taxes[0].Base.Add(pb.Tax).StringFixed(2))
		assert.Equal(t, "638.66", pb.Tax.StringFixed(2))
	})
	t.Run("TWD_7330_at_5pct_half_up_vs_half_even", func(t *testing.T) {
		for mode, want := range map[billing.RoundingMode]string{billing.HalfUp: "367", billing.HalfEven: "366"} {
			b, err := billing.Price(bookWith(0, billing.TaxPolicy{Scope: billing.ScopeDocument, Rounding: billing.Rounding{Mode: mode, Places: 0},
				Rates: []billing.TaxRate{rate("VAT", "0.05")}}), partsOrder(part("P", "1", "7330")))
			require.NoError(t, err)
			pb := customer(t, b)
			assert.Equal(t, want, pb.Tax.String(), "mode %s", mode)
			requireSums(t, pb, false)
		}
	})
	t.Run("10.00_discount_over_three_10.00_lines", func(t *testing.T) {
		o := partsOrder(part("A", "1", "10.00"), part("B", "1", "10.00"), part("C", "1", "10.00"))
		o.Discounts = []billing.Discount{{Code: "GOODWILL", Amount: d("10.00")}}
		b, err := billing.Price(bookWith(2, billing.TaxPolicy{Scope: billing.ScopeLine, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2}}), o)
		require.NoError(t, err)
		pb := customer(t, b)
		var got []string
		for _, l := range pb.Lines {
			got = append(got, l.Discount.StringFixed(2))
		}
		assert.Equal(t, []string{"3.34", "3.33", "3.33"}, got)
		assert.Equal(t, "20.00", pb.Total.StringFixed(2))
		requireSums(t, pb, false)
	})
	t.Run("credit_note_-2.665_mirrors_2.665", func(t *testing.T) {
		for _, mode := range []billing.RoundingMode{billing.HalfUp, billing.HalfEven, billing.Down, billing.Up} {
			r := billing.Rounding{Mode: mode, Places: 2}
			assert.True(t, r.Round(d("-2.665")).Equal(r.Round(d("2.665")).Neg()), "mode %s", mode)
		}
	})
}

// Percent fees (shop supplies) are added by the price book itself, so
// reconciliation checks them against the book (R3.4b): the edges where the
// fee is not simply a percent of a base.
func TestTrapsPercentFeeReconciliation(t *testing.T) {
	// feeBook charges SUP, 3% of labor, at least 5.00 and at most 20.00,
	// to the payers listed (none: the customer).
	feeBook := func(scale int32, payers ...billing.PayType) *billing.PriceBook {
		b := bookWith(scale, billing.TaxPolicy{Scope: billing.ScopeLine, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: scale}})
		b.Fees = []billing.FeeRule{{Code: "SUP", Description: "shop supplies", Percent: d("0.03"), Base: billing.BaseLabor,
			Min: d("5"), Max: d("20"), PayTypes: payers}}
		return b
	}
	labor := func(id string, pt billing.PayType, hours string) billing.Job {
		return billing.Job{ID: id, Title: id, PayType: pt, Labor: []billing.LaborItem{{Op: "OP", Hours: d(hours)}}}
	}
	// reconcile prices o, lets edit change the bill, and reconciles it
	// against what the technician did: exactly what o bills.
	reconcile := func(t *testing.T, book *billing.PriceBook, o billing.Order, edit func(b *billing.Bill)) billing.Reconciliation {
		t.Helper()
		bill, err := billing.Price(book, o)
		require.NoError(t, err)
		var work []billing.WorkLine
		for _, pb := range bill.Payers {
			for _, l := range pb.Lines {
				if l.Job != "" {
					work = append(work, billing.WorkLine{Job: l.Job, Kind: l.Kind, Code: l.Code, PayType: l.PayType, Quantity: l.Quantity})
				}
			}
		}
		if edit != nil {
			edit(&bill)
		}
		r, err := billing.Reconcile(billing.ReconcileInput{Submitted: work, Bill: bill, Book: book})
		require.NoError(t, err)
		return r
	}
	type diff struct {
		kind             billing.DiffKind
		pay              billing.PayType
		expected, actual string
	}
	diffs := func(r billing.Reconciliation) []diff {
		out := []diff{}
		for _, x := range r.Differences {
			out = append(out, diff{x.Kind, x.PayType, x.Expected, x.Actual})
		}
		return out
	}
	fee := func(b *billing.Bill, pt billing.PayType) *billing.Line {
		for p := range b.Payers {
			for i, l := range b.Payers[p].Lines {
				if l.Kind == billing.KindFee && l.Job == "" && l.PayType == pt {
					return &b.Payers[p].Lines[i]
				}
			}
		}
		t.Fatalf("no fee for %s", pt)
		return nil
	}
	drop := func(pt billing.PayType) func(b *billing.Bill) {
		return func(b *billing.Bill) {
			for p := range b.Payers {
				b.Payers[p].Lines = slices.DeleteFunc(b.Payers[p].Lines, func(l billing.Line) bool {
					return l.Kind == billing.KindFee && l.Job == "" && l.PayType == pt
				})
			}
		}
	}
	put := func(pt billing.PayType, amount string) func(b *billing.Bill) {
		return func(b *billing.Bill) {
			for p := range b.Payers {
				if b.Payers[p].PayType == pt {
					b.Payers[p].Lines = append(b.Payers[p].Lines, billing.Line{ID: "fee/SUP/" + string(pt), PayType: pt, Kind: billing.KindFee,
						Code: "SUP", Quantity: d("1"), UnitPrice: d(amount), Amount: d(amount), Net: d(amount)})
				}
			}
		}
	}
	one := func(jobs ...billing.Job) billing.Order { return billing.Order{WorkOrder: "wo1", Jobs: jobs} }

	t.Run("R3.4b_fee_raised_to_its_minimum_missing_from_the_bill", func(t *testing.T) {
		o := one(labor("j1", billing.PayCustomer, "0.5")) // 3% of 50.00 = 1.50, raised to 5.00
		assert.Empty(t, reconcile(t, feeBook(2), o, nil).Differences)
		assert.Equal(t, []diff{{billing.DiffFeeMissing, billing.PayCustomer, "5.00", "0"}},
			diffs(reconcile(t, feeBook(2), o, drop(billing.PayCustomer))))
		// Billed at the percent without its minimum: a price difference.
		assert.Equal(t, []diff{{billing.DiffPriceDiffers, billing.PayCustomer, "5.00", "1.50"}},
			diffs(reconcile(t, feeBook(2), o, func(b *billing.Bill) {
				l := fee(b, billing.PayCustomer)
				l.UnitPrice, l.Amount, l.Net = d("1.50"), d("1.50"), d("1.50")
			})))
	})
	t.Run("R3.4b_fee_above_its_maximum_is_capped", func(t *testing.T) {
		o := one(labor("j1", billing.PayCustomer, "10")) // 3% of 1000.00 = 30.00, capped at 20.00
		assert.Equal(t, []diff{{billing.DiffPriceDiffers, billing.PayCustomer, "20.00", "30.00"}},
			diffs(reconcile(t, feeBook(2), o, func(b *billing.Bill) {
				l := fee(b, billing.PayCustomer)
				l.UnitPrice, l.Amount, l.Net = d("30.00"), d("30.00"), d("30.00")
			})))
	})
	t.Run("R3.4b_fee_on_a_zero_labor_base_is_not_charged", func(t *testing.T) {
		// Parts only: no labor, so no shop supplies, not even the minimum.
		o := partsOrder(part("P", "1", "80"))
		assert.Empty(t, reconcile(t, feeBook(2), o, nil).Differences)
		assert.Equal(t, []diff{{billing.DiffFeeNotInBook, billing.PayCustomer, "0", "5.00"}},
			diffs(reconcile(t, feeBook(2), o, put(billing.PayCustomer, "5.00"))))
	})
	t.Run("R3.4b_fee_for_one_payer_only", func(t *testing.T) {
		o := one(labor("j1", billing.PayCustomer, "1"), labor("j2", billing.PayWarranty, "2"))
		book := feeBook(2, billing.PayWarranty) // 3% of 200.00 = 6.00, warranty only
		assert.Empty(t, reconcile(t, book, o, nil).Differences)
		assert.Equal(t, []diff{{billing.DiffFeeNotInBook, billing.PayCustomer, "0", "5.00"}},
			diffs(reconcile(t, book, o, put(billing.PayCustomer, "5.00"))))
		assert.Equal(t, []diff{{billing.DiffFeeMissing, billing.PayWarranty, "6.00", "0"}},
			diffs(reconcile(t, book, o, drop(billing.PayWarranty))))
	})
	t.Run("R3.4b_fee_that_rounds_to_nothing_is_never_missing", func(t *testing.T) {
		// TWD: 3% of 10 is 0.3, which rounds to 0; Price prints a fee of
		// 0, and a bill without it charges the same.
		book := feeBook(0)
		book.Fees[0].Min, book.Fees[0].Max = decimal.Zero, decimal.Zero
		o := one(labor("j1", billing.PayCustomer, "0.1"))
		assert.Empty(t, reconcile(t, book, o, nil).Differences)
		assert.Empty(t, reconcile(t, book, o, drop(billing.PayCustomer)).Differences)
	})
}
