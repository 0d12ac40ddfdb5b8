package billing_test

import (
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
