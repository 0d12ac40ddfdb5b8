package billing_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

func vtDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// vtBook is a valid book that uses every part of a PriceBook.
func vtBook() *billing.PriceBook {
	return &billing.PriceBook{
		Version: "v1", Currency: "USD", Scale: 2, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{
			Rates: []billing.LaborRate{
				{Rate: vtDec("150")},
				{PayType: billing.PayWarranty, Rate: vtDec("120")},
				{PayType: billing.PayWarranty, LaborType: "diag", Rate: vtDec("100")},
			},
			Operations: []billing.Operation{{Code: "LOF", Hours: vtDec("0.3")}, {Code: "BRK", Hours: vtDec("1.5")}},
			Increment:  vtDec("0.25"), Minimum: vtDec("0.5"),
		},
		Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{
			{From: vtDec("0"), To: vtDec("10"), Multiplier: vtDec("2")},
			{From: vtDec("10"), To: vtDec("100"), Multiplier: vtDec("1.5")},
			{From: vtDec("100"), Margin: vtDec("0.3")},
		}},
		Sublet: billing.SubletPolicy{Markup: vtDec("0.2")},
		Fees: []billing.FeeRule{
			{Code: "SHOP", Percent: vtDec("0.05"), Base: billing.BaseLabor, Min: vtDec("5"), Max: vtDec("20"), PayTypes: []billing.PayType{billing.PayCustomer}},
			{Code: "TIRE", UnitPrice: vtDec("3.50"), Unit: "tire"},
		},
		Coupons: []billing.Coupon{{Code: "TEN", Percent: vtDec("0.1")}, {Code: "FIVE", Amount: vtDec("5")}},
		Tax: billing.TaxPolicy{
			Scope: billing.ScopeLine, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2},
			Rates: []billing.TaxRate{
				{Code: "ST", Rate: vtDec("0.0825"), Kinds: []billing.Kind{billing.KindPart, billing.KindFee}, PayTypes: []billing.PayType{billing.PayCustomer}},
				{Code: "ZERO", Rate: vtDec("0")},
			},
		},
		Overrun: billing.OverrunPolicy{Amount: vtDec("50"), Percent: vtDec("0.1")},
	}
}

// vtFields lists err's fields as "path code", requiring a
// *org.ValidationError of op.
func vtFields(t *testing.T, err error, op string) []string {
	t.Helper()
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, org.ErrInvalid)
	assert.Equal(t, op, ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code
		assert.NotEmpty(t, f.Message, "message of %s", f.Where())
	}
	return out
}

type vtCase struct {
	name   string
	change func(b *billing.PriceBook)
	want   []string // "path code"
}

func vtRun(t *testing.T, cases []vtCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := vtBook()
			c.change(b)
			err := b.Validate()
			if len(c.want) == 0 {
				require.NoError(t, err)
				return
			}
			assert.ElementsMatch(t, c.want, vtFields(t, err, "billing: price book"))
		})
	}
}

func TestValidate_validBook(t *testing.T) {
	require.NoError(t, vtBook().Validate())
	var nilBook *billing.PriceBook
	require.ErrorIs(t, nilBook.Validate(), org.ErrInvalid)
}

func TestValidate_header(t *testing.T) {
	vtRun(t, []vtCase{
		{"version_required", func(b *billing.PriceBook) { b.Version = "" }, []string{"version required"}},
		{"version_blank", func(b *billing.PriceBook) { b.Version = " \t" }, []string{"version required"}},
		{"currency_required", func(b *billing.PriceBook) { b.Currency = "" }, []string{"currency required"}},
		{"currency_lower_case", func(b *billing.PriceBook) { b.Currency = "usd" }, []string{"currency invalid_format"}},
		{"currency_four_letters", func(b *billing.PriceBook) { b.Currency = "USDT" }, []string{"currency invalid_format"}},
		{"currency_digits", func(b *billing.PriceBook) { b.Currency = "840" }, []string{"currency invalid_format"}},
		{"scale_negative", func(b *billing.PriceBook) { b.Scale = -1 }, []string{"scale out_of_range"}},
		{"scale_5", func(b *billing.PriceBook) { b.Scale = 5 }, []string{"scale out_of_range"}},
		{"scale_0_ok", func(b *billing.PriceBook) { b.Scale = 0 }, nil},
		{"scale_4_ok", func(b *billing.PriceBook) { b.Scale = 4 }, nil},
		{"rounding_required", func(b *billing.PriceBook) { b.Rounding = "" }, []string{"rounding required"}},
		{"rounding_unknown", func(b *billing.PriceBook) { b.Rounding = "nearest" }, []string{"rounding unknown_value"}},
		{"rounding_cash_has_no_increment", func(b *billing.PriceBook) { b.Rounding = billing.Cash }, []string{"rounding invalid"}},
		{"rounding_half_even_ok", func(b *billing.PriceBook) { b.Rounding = billing.HalfEven }, nil},
		{"sublet_markup_negative", func(b *billing.PriceBook) { b.Sublet.Markup = vtDec("-0.01") }, []string{"sublet.markup out_of_range"}},
		{"overrun_negative", func(b *billing.PriceBook) {
			b.Overrun = billing.OverrunPolicy{Amount: vtDec("-1"), Percent: vtDec("-0.1")}
		}, []string{"overrun.amount out_of_range", "overrun.percent out_of_range"}},
		{"overrun_none_ok", func(b *billing.PriceBook) { b.Overrun = billing.OverrunPolicy{} }, nil},
	})
}

func TestValidate_labor(t *testing.T) {
	vtRun(t, []vtCase{
		{"rates_required", func(b *billing.PriceBook) { b.Labor.Rates = nil }, []string{"labor.rates required"}},
		{"rate_negative", func(b *billing.PriceBook) { b.Labor.Rates[2].Rate = vtDec("-100") }, []string{"labor.rates[2].rate out_of_range"}},
		{"rate_zero_ok", func(b *billing.PriceBook) { b.Labor.Rates[1].Rate = vtDec("0") }, nil},
		{"pay_type_unknown", func(b *billing.PriceBook) { b.Labor.Rates[1].PayType = "boss" }, []string{"labor.rates[1].pay_type unknown_value"}},
		{"same_pay_and_labor_type_twice", func(b *billing.PriceBook) {
			b.Labor.Rates = append(b.Labor.Rates, billing.LaborRate{PayType: billing.PayWarranty, Rate: vtDec("99")})
		}, []string{"labor.rates[3] duplicate"}},
		{"default_rate_twice", func(b *billing.PriceBook) {
			b.Labor.Rates = append(b.Labor.Rates, billing.LaborRate{Rate: vtDec("99")})
		}, []string{"labor.rates[3] duplicate"}},
		{"same_labor_type_other_payer_ok", func(b *billing.PriceBook) {
			b.Labor.Rates = append(b.Labor.Rates, billing.LaborRate{LaborType: "diag", Rate: vtDec("99")})
		}, nil},
		{"operation_code_required", func(b *billing.PriceBook) { b.Labor.Operations[1].Code = "" }, []string{"labor.operations[1].code required"}},
		{"operation_code_twice", func(b *billing.PriceBook) { b.Labor.Operations[1].Code = "LOF" }, []string{"labor.operations[1].code duplicate"}},
		{"operation_hours_negative", func(b *billing.PriceBook) { b.Labor.Operations[0].Hours = vtDec("-0.1") }, []string{"labor.operations[0].hours out_of_range"}},
		{"operation_hours_zero_ok", func(b *billing.PriceBook) { b.Labor.Operations[0].Hours = vtDec("0") }, nil},
		{"increment_negative", func(b *billing.PriceBook) { b.Labor.Increment = vtDec("-0.1") }, []string{"labor.increment out_of_range"}},
		{"increment_above_1", func(b *billing.PriceBook) { b.Labor.Increment = vtDec("1.01") }, []string{"labor.increment out_of_range"}},
		{"increment_1_ok", func(b *billing.PriceBook) { b.Labor.Increment = vtDec("1") }, nil},
		{"increment_0_ok", func(b *billing.PriceBook) { b.Labor.Increment = vtDec("0") }, nil},
		{"minimum_negative", func(b *billing.PriceBook) { b.Labor.Minimum = vtDec("-0.5") }, []string{"labor.minimum out_of_range"}},
	})
}

func TestValidate_partsMatrix(t *testing.T) {
	band := func(from, to, mul, margin string) billing.MarkupBand {
		return billing.MarkupBand{From: vtDec(from), To: vtDec(to), Multiplier: vtDec(mul), Margin: vtDec(margin)}
	}
	matrix := func(bands ...billing.MarkupBand) func(*billing.PriceBook) {
		return func(b *billing.PriceBook) { b.Parts.Matrix = bands }
	}
	vtRun(t, []vtCase{
		{"from_negative", matrix(band("-1", "10", "2", "0")), []string{"parts.matrix[0].from out_of_range"}},
		{"to_equal_from", matrix(band("10", "10", "2", "0")), []string{"parts.matrix[0].to out_of_range"}},
		{"to_below_from", matrix(band("10", "5", "2", "0")), []string{"parts.matrix[0].to out_of_range"}},
		{"to_negative", matrix(band("0", "-5", "2", "0")), []string{"parts.matrix[0].to out_of_range"}},
		{"multiplier_and_margin", matrix(band("0", "10", "2", "0.3")), []string{"parts.matrix[0] invalid"}},
		{"neither_multiplier_nor_margin", matrix(band("0", "10", "0", "0")), []string{"parts.matrix[0] invalid"}},
		{"multiplier_negative", matrix(band("0", "10", "-2", "0")), []string{"parts.matrix[0].multiplier out_of_range"}},
		{"margin_1_divides_by_zero", matrix(band("0", "10", "0", "1")), []string{"parts.matrix[0].margin out_of_range"}},
		{"margin_negative", matrix(band("0", "10", "0", "-0.2")), []string{"parts.matrix[0].margin out_of_range"}},
		{"margin_0.99_ok", matrix(band("0", "10", "0", "0.99")), nil},
		{"overlap", matrix(band("0", "500", "1.8", "0"), band("400", "2000", "1.6", "0")), []string{"parts.matrix[1] invalid"}},
		{"same_from", matrix(band("0", "500", "1.8", "0"), band("0", "100", "1.6", "0")), []string{"parts.matrix[1] invalid"}},
		{"after_an_unbounded_band", matrix(band("100", "0", "1.5", "0"), band("200", "300", "1.6", "0")), []string{"parts.matrix[1] invalid"}},
		{"two_unbounded_bands", matrix(band("100", "0", "1.5", "0"), band("0", "0", "2", "0")), []string{"parts.matrix[0] invalid"}},
		{"overlap_out_of_order", matrix(band("2000", "0", "0", "0.3"), band("500", "2100", "1.6", "0"), band("0", "500", "1.8", "0")),
			[]string{"parts.matrix[0] invalid"}},
		{"inside_an_earlier_wide_band", matrix(band("0", "1000", "2", "0"), band("100", "200", "1.5", "0"), band("300", "400", "1.5", "0")),
			[]string{"parts.matrix[1] invalid", "parts.matrix[2] invalid"}},
		{"adjacent_out_of_order_ok", matrix(band("2000", "0", "0", "0.3"), band("500", "2000", "1.6", "0"), band("0", "500", "1.8", "0")), nil},
		{"gaps_ok", matrix(band("0", "10", "2", "0"), band("20", "30", "1.5", "0")), nil},
		{"no_matrix_ok", matrix(), nil},
		{"impossible_band_not_also_overlapping", matrix(band("0", "500", "1.8", "0"), band("300", "200", "1.6", "0")),
			[]string{"parts.matrix[1].to out_of_range"}},
	})
}

func TestValidate_fees(t *testing.T) {
	fee := func(i int, change func(f *billing.FeeRule)) func(*billing.PriceBook) {
		return func(b *billing.PriceBook) { change(&b.Fees[i]) }
	}
	vtRun(t, []vtCase{
		{"code_required", fee(1, func(f *billing.FeeRule) { f.Code = "" }), []string{"fees[1].code required"}},
		{"code_twice", fee(1, func(f *billing.FeeRule) { f.Code = "SHOP" }), []string{"fees[1].code duplicate"}},
		{"percent_and_unit_price", fee(0, func(f *billing.FeeRule) { f.UnitPrice = vtDec("1") }), []string{"fees[0] invalid"}},
		{"neither_percent_nor_unit_price", fee(1, func(f *billing.FeeRule) { f.UnitPrice = decimal.Zero }), []string{"fees[1] invalid"}},
		{"percent_above_1", fee(0, func(f *billing.FeeRule) { f.Percent = vtDec("1.5") }), []string{"fees[0].percent out_of_range"}},
		{"percent_negative", fee(0, func(f *billing.FeeRule) { f.Percent = vtDec("-0.05") }), []string{"fees[0].percent out_of_range"}},
		{"percent_1_ok", fee(0, func(f *billing.FeeRule) { f.Percent = vtDec("1") }), nil},
		{"base_required_for_percent", fee(0, func(f *billing.FeeRule) { f.Base = "" }), []string{"fees[0].base required"}},
		{"base_unknown", fee(0, func(f *billing.FeeRule) { f.Base = "everything" }), []string{"fees[0].base unknown_value"}},
		{"base_labor_and_parts_ok", fee(0, func(f *billing.FeeRule) { f.Base = billing.BaseLaborAndParts }), nil},
		{"unit_price_negative", fee(1, func(f *billing.FeeRule) { f.UnitPrice = vtDec("-3.50") }), []string{"fees[1].unit_price out_of_range"}},
		{"unit_required", fee(1, func(f *billing.FeeRule) { f.Unit = "" }), []string{"fees[1].unit required"}},
		{"min_above_max", fee(0, func(f *billing.FeeRule) { f.Min = vtDec("25") }), []string{"fees[0].max out_of_range"}},
		{"min_equal_max_ok", fee(0, func(f *billing.FeeRule) { f.Min = vtDec("20") }), nil},
		{"min_without_max_ok", fee(0, func(f *billing.FeeRule) { f.Min, f.Max = vtDec("25"), decimal.Zero }), nil},
		{"min_negative", fee(0, func(f *billing.FeeRule) { f.Min = vtDec("-1") }), []string{"fees[0].min out_of_range"}},
		{"max_negative", fee(0, func(f *billing.FeeRule) { f.Min, f.Max = decimal.Zero, vtDec("-1") }), []string{"fees[0].max out_of_range"}},
		{"pay_type_unknown", fee(0, func(f *billing.FeeRule) { f.PayTypes = []billing.PayType{billing.PayCustomer, "dealer"} }),
			[]string{"fees[0].pay_types[1] unknown_value"}},
		{"pay_type_twice_would_charge_twice", fee(0, func(f *billing.FeeRule) { f.PayTypes = []billing.PayType{billing.PayCustomer, billing.PayCustomer} }),
			[]string{"fees[0].pay_types[1] duplicate"}},
	})
}

func TestValidate_coupons(t *testing.T) {
	coupon := func(i int, change func(c *billing.Coupon)) func(*billing.PriceBook) {
		return func(b *billing.PriceBook) { change(&b.Coupons[i]) }
	}
	vtRun(t, []vtCase{
		{"code_required", coupon(0, func(c *billing.Coupon) { c.Code = "" }), []string{"coupons[0].code required"}},
		{"code_twice", coupon(1, func(c *billing.Coupon) { c.Code = "TEN" }), []string{"coupons[1].code duplicate"}},
		{"percent_and_amount", coupon(0, func(c *billing.Coupon) { c.Amount = vtDec("5") }), []string{"coupons[0] invalid"}},
		{"neither", coupon(1, func(c *billing.Coupon) { c.Amount = decimal.Zero }), []string{"coupons[1] invalid"}},
		{"percent_above_1", coupon(0, func(c *billing.Coupon) { c.Percent = vtDec("1.1") }), []string{"coupons[0].percent out_of_range"}},
		{"percent_negative", coupon(0, func(c *billing.Coupon) { c.Percent = vtDec("-0.1") }), []string{"coupons[0].percent out_of_range"}},
		{"amount_negative", coupon(1, func(c *billing.Coupon) { c.Amount = vtDec("-5") }), []string{"coupons[1].amount out_of_range"}},
	})
}

func TestValidate_tax(t *testing.T) {
	taxRate := func(i int, change func(r *billing.TaxRate)) func(*billing.PriceBook) {
		return func(b *billing.PriceBook) { change(&b.Tax.Rates[i]) }
	}
	rounding := func(r billing.Rounding) func(*billing.PriceBook) {
		return func(b *billing.PriceBook) { b.Tax.Rounding = r }
	}
	vtRun(t, []vtCase{
		{"scope_required", func(b *billing.PriceBook) { b.Tax.Scope = "" }, []string{"tax.scope required"}},
		{"scope_unknown", func(b *billing.PriceBook) { b.Tax.Scope = "invoice" }, []string{"tax.scope unknown_value"}},
		{"mode_required", rounding(billing.Rounding{Places: 2}), []string{"tax.rounding.mode required"}},
		{"mode_unknown", rounding(billing.Rounding{Mode: "banker", Places: 2}), []string{"tax.rounding.mode unknown_value"}},
		{"places_5", rounding(billing.Rounding{Mode: billing.HalfUp, Places: 5}), []string{"tax.rounding.places out_of_range"}},
		{"places_negative", rounding(billing.Rounding{Mode: billing.HalfUp, Places: -1}), []string{"tax.rounding.places out_of_range"}},
		{"cash_without_increment", rounding(billing.Rounding{Mode: billing.Cash, Places: 2}), []string{"tax.rounding.increment out_of_range"}},
		{"cash_negative_increment", rounding(billing.Rounding{Mode: billing.Cash, Places: 2, Increment: vtDec("-0.05")}),
			[]string{"tax.rounding.increment out_of_range"}},
		{"cash_increment_finer_than_places", rounding(billing.Rounding{Mode: billing.Cash, Places: 1, Increment: vtDec("0.05")}),
			[]string{"tax.rounding.increment invalid"}},
		{"cash_0.05_ok", rounding(billing.Rounding{Mode: billing.Cash, Places: 2, Increment: vtDec("0.05")}), nil},
		{"cash_whole_dollars_ok", rounding(billing.Rounding{Mode: billing.Cash, Places: 0, Increment: vtDec("1.00")}), nil},
		{"rate_code_required", taxRate(1, func(r *billing.TaxRate) { r.Code = "" }), []string{"tax.rates[1].code required"}},
		{"rate_code_twice", taxRate(1, func(r *billing.TaxRate) { r.Code = "ST" }), []string{"tax.rates[1].code duplicate"}},
		{"rate_1", taxRate(0, func(r *billing.TaxRate) { r.Rate = vtDec("1") }), []string{"tax.rates[0].rate out_of_range"}},
		{"rate_negative", taxRate(0, func(r *billing.TaxRate) { r.Rate = vtDec("-0.05") }), []string{"tax.rates[0].rate out_of_range"}},
		{"rate_0.9999_ok", taxRate(0, func(r *billing.TaxRate) { r.Rate = vtDec("0.9999") }), nil},
		{"kind_unknown", taxRate(0, func(r *billing.TaxRate) { r.Kinds = []billing.Kind{billing.KindPart, "parts"} }),
			[]string{"tax.rates[0].kinds[1] unknown_value"}},
		{"kind_twice", taxRate(0, func(r *billing.TaxRate) {
			r.Kinds = []billing.Kind{billing.KindPart, billing.KindFee, billing.KindPart}
		}),
			[]string{"tax.rates[0].kinds[2] duplicate"}},
		{"every_kind_ok", taxRate(0, func(r *billing.TaxRate) {
			r.Kinds = []billing.Kind{billing.KindLabor, billing.KindPart, billing.KindCore, billing.KindSublet, billing.KindFee, billing.KindDeductible}
		}), nil},
		{"pay_type_unknown", taxRate(0, func(r *billing.TaxRate) { r.PayTypes = []billing.PayType{"Customer"} }),
			[]string{"tax.rates[0].pay_types[0] unknown_value"}},
		{"no_rates_ok", func(b *billing.PriceBook) { b.Tax.Rates = nil }, nil},
	})
}

// Every problem of a book comes in one error, in the order of the book.
func TestValidate_everyProblemAtOnce(t *testing.T) {
	b := vtBook()
	b.Version, b.Currency, b.Scale, b.Rounding = "", "NTD$", 9, "round"
	b.Labor.Rates[2].Rate = vtDec("-1")
	b.Labor.Operations[1].Code = "LOF"
	b.Parts.Matrix[1].To = vtDec("200")
	b.Fees[0].Max = vtDec("1")
	b.Coupons[1].Percent = vtDec("0.5")
	b.Tax.Rates[0].Kinds[1] = "tip"
	b.Tax.Rounding.Mode = billing.Cash
	b.Overrun.Percent = vtDec("-1")
	want := []string{
		"version required", "currency invalid_format", "scale out_of_range", "rounding unknown_value",
		"labor.rates[2].rate out_of_range", "labor.operations[1].code duplicate",
		"parts.matrix[2] invalid", "fees[0].max out_of_range", "coupons[1] invalid",
		"tax.rounding.increment out_of_range", "tax.rates[0].kinds[1] unknown_value", "overrun.percent out_of_range",
	}
	assert.Equal(t, want, vtFields(t, b.Validate(), "billing: price book"))
}

// The messages say what is wrong in the dealer's words.
func TestValidate_messages(t *testing.T) {
	b := vtBook()
	b.Parts.Matrix[1].From = vtDec("5")
	b.Labor.Operations[1].Code = "LOF"
	err := b.Validate()
	for path, want := range map[string]string{
		"parts.matrix[1]":             "impossible or overlapping: band [5, 100) overlaps parts.matrix[0] [0, 10)",
		"labor.operations[1].code":    `"LOF" is already the code of labor.operations[0]`,
		"this.path.is.not.in.the.err": "",
	} {
		f, ok := org.FieldErrorOf(err, path)
		if want == "" {
			assert.False(t, ok, path)
			continue
		}
		require.True(t, ok, path)
		assert.Equal(t, want, f.Message, path)
	}
	assert.True(t, errors.Is(err, org.ErrInvalid))
	assert.Contains(t, err.Error(), "billing: price book: invalid input: ")
}

// A book that does not validate is refused by nothing else: Validate is
// the gate, and a valid book prices an order.
func TestValidate_validBookPrices(t *testing.T) {
	b := vtBook()
	bill, err := billing.Price(b, billing.Order{Jobs: []billing.Job{{ID: "j1", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "BRK"}}, Parts: []billing.PartItem{{Number: "P1", Quantity: vtDec("2"), Cost: vtDec("40")}}}}})
	require.NoError(t, err)
	pb, ok := bill.Payer(billing.PayCustomer)
	require.True(t, ok)
	assert.Equal(t, "366.15", pb.Total.StringFixed(2), fmt.Sprint(pb.Lines))
}
