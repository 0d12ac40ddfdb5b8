package billing_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// ptBook is a US dealer's book: rates by pay type and labor type (listed
// default first, so that a first-match lookup would get them wrong), a
// three-band matrix, a 15% sublet markup, a per-unit disposal fee, two
// coupons, no percent fee and no tax rate (cases add their own).
func ptBook() *billing.PriceBook {
	return &billing.PriceBook{
		Version: "2026-11", Currency: "USD", Scale: 2, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{
			Rates: []billing.LaborRate{
				{Rate: d("100.00")},
				{LaborType: "diag", Rate: d("120.00")},
				{PayType: billing.PayWarranty, Rate: d("80.00")},
				{PayType: billing.PayWarranty, LaborType: "diag", Rate: d("90.00")},
			},
			Operations: []billing.Operation{
				{Code: "BRK", Description: "brake pads", Hours: d("1.5")},
				{Code: "DIAG", Description: "diagnosis", Hours: d("1"), LaborType: "diag"},
				{Code: "ODD", Description: "odd book time", Hours: d("1.21")},
				{Code: "CLOCK", Description: "by the clock"},
			},
		},
		Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{
			{From: d("0"), To: d("50"), Multiplier: d("1.6")},
			{From: d("50"), To: d("100"), Multiplier: d("1.4")},
			{From: d("100"), To: d("1000"), Margin: d("0.30")},
		}},
		Sublet: billing.SubletPolicy{Markup: d("0.15")},
		Fees: []billing.FeeRule{
			{Code: "DISP", Description: "oil disposal", UnitPrice: d("0.75"), Unit: "l"},
			{Code: "TIRE", Description: "tire disposal", UnitPrice: d("3.50"), Unit: "ea", Taxable: true},
		},
		Coupons: []billing.Coupon{{Code: "SPRING10", Percent: d("0.10")}, {Code: "FIVE", Amount: d("5.00")}},
		Tax:     billing.TaxPolicy{Scope: billing.ScopeLine, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2}},
	}
}

// shopFee is "5% of labor up to 20.00".
func shopFee() billing.FeeRule {
	return billing.FeeRule{Code: "SHOP", Description: "shop supplies", Percent: d("0.05"), Base: billing.BaseLabor, Max: d("20.00"), Taxable: true}
}

func ptRate(code, r string, kinds []billing.Kind, pays ...billing.PayType) billing.TaxRate {
	return billing.TaxRate{Code: code, Name: code, Rate: d(r), Kinds: kinds, PayTypes: pays}
}

// ptPrice checks that book is valid, prices o, and checks that every payer's totals are the sums of
// their printed parts.
func ptPrice(t *testing.T, book *billing.PriceBook, o billing.Order) billing.Bill {
	t.Helper()
	require.NoError(t, book.Validate(), "Price takes a valid book")
	b, err := billing.Price(book, o)
	require.NoError(t, err)
	for _, pb := range b.Payers {
		requireSums(t, pb, book.Tax.Inclusive)
	}
	return b
}

func ptOrder(jobs ...billing.Job) billing.Order {
	return billing.Order{WorkOrder: "wo1", Jobs: jobs}
}

func ptPayer(t *testing.T, b billing.Bill, p billing.PayType) billing.PayerBill {
	t.Helper()
	pb, ok := b.Payer(p)
	require.True(t, ok, "no %s payer in %v", p, ptIDs(b))
	return pb
}

func ptLine(t *testing.T, pb billing.PayerBill, id string) billing.Line {
	t.Helper()
	for _, l := range pb.Lines {
		if l.ID == id {
			return l
		}
	}
	require.FailNow(t, "no line "+id, "lines: %v", ptLineIDs(pb))
	return billing.Line{}
}

func ptLineIDs(pb billing.PayerBill) []string {
	var ids []string
	for _, l := range pb.Lines {
		ids = append(ids, l.ID)
	}
	return ids
}

func ptIDs(b billing.Bill) map[billing.PayType][]string {
	out := map[billing.PayType][]string{}
	for _, pb := range b.Payers {
		out[pb.PayType] = ptLineIDs(pb)
	}
	return out
}

// ptEq asserts a decimal equals a decimal string, whatever the trailing zeros.
func ptEq(t *testing.T, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	assert.True(t, got.Equal(d(want)), "got %s, want %s %v", got, want, msgAndArgs)
}

func TestPriceLabor(t *testing.T) {
	for _, c := range []struct {
		name   string
		book   func(*billing.PriceBook)
		pay    billing.PayType
		item   billing.LaborItem
		hours  string
		rate   string
		amount string
	}{
		{"book_hours", nil, billing.PayCustomer, billing.LaborItem{Op: "BRK"}, "1.5", "100", "150.00"},
		{"given_hours_over_book_hours", nil, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("2")}, "2", "100", "200.00"},
		{"given_hours_below_book_hours", nil, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("0.7")}, "0.7", "100", "70.00"},
		{"hours_without_book_hours", nil, billing.PayCustomer, billing.LaborItem{Op: "CLOCK", Hours: d("0.35")}, "0.35", "100", "35.00"},
		{"tenths_round_up", ptTenths, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("1.21")}, "1.3", "100", "130.00"},
		{"tenths_a_hair_over_rounds_up", ptTenths, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("1.201")}, "1.3", "100", "130.00"},
		{"tenths_exact_stays", ptTenths, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("1.2")}, "1.2", "100", "120.00"},
		{"tenths_book_hours_round_up", ptTenths, billing.PayCustomer, billing.LaborItem{Op: "ODD"}, "1.3", "100", "130.00"},
		{"quarters_round_up", ptQuarters, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("1.01")}, "1.25", "100", "125.00"},
		{"quarters_exact_stays", ptQuarters, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("1.25")}, "1.25", "100", "125.00"},
		{"quarters_just_over", ptQuarters, billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("1.26")}, "1.5", "100", "150.00"},
		{"quarters_book_hours", ptQuarters, billing.PayCustomer, billing.LaborItem{Op: "ODD"}, "1.25", "100", "125.00"},
		{"minimum_raises", ptMinimum("0.5"), billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("0.3")}, "0.5", "100", "50.00"},
		{"minimum_exactly", ptMinimum("0.5"), billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("0.5")}, "0.5", "100", "50.00"},
		{"above_minimum_kept", ptMinimum("0.5"), billing.PayCustomer, billing.LaborItem{Op: "BRK", Hours: d("0.8")}, "0.8", "100", "80.00"},
		{"minimum_after_increment", func(b *billing.PriceBook) { ptQuarters(b); ptMinimum("1")(b) }, billing.PayCustomer,
			billing.LaborItem{Op: "BRK", Hours: d("0.41")}, "1", "100", "100.00"},
		{"amount_rounded_to_scale", func(b *billing.PriceBook) { b.Labor.Rates = []billing.LaborRate{{Rate: d("95.555")}} }, billing.PayCustomer,
			billing.LaborItem{Op: "BRK"}, "1.5", "95.555", "143.33"},
		{"amount_rounded_half_even", func(b *billing.PriceBook) {
			b.Rounding = billing.HalfEven
			b.Labor.Rates = []billing.LaborRate{{Rate: d("95.55")}}
		}, billing.PayCustomer, billing.LaborItem{Op: "BRK"}, "1.5", "95.55", "143.32"},

		// Rate lookup: pay type + labor type > pay type > labor type > default.
		{"rate_default", nil, billing.PayCustomer, billing.LaborItem{Op: "BRK"}, "1.5", "100", "150.00"},
		{"rate_labor_type_of_operation", nil, billing.PayCustomer, billing.LaborItem{Op: "DIAG"}, "1", "120", "120.00"},
		{"rate_labor_type_of_item", nil, billing.PayInternal, billing.LaborItem{Op: "BRK", LaborType: "diag"}, "1.5", "120", "180.00"},
		{"rate_item_labor_type_over_operation", nil, billing.PayCustomer, billing.LaborItem{Op: "DIAG", LaborType: "body"}, "1", "100", "100.00"},
		{"rate_pay_type", nil, billing.PayWarranty, billing.LaborItem{Op: "BRK"}, "1.5", "80", "120.00"},
		{"rate_pay_type_over_labor_type", func(b *billing.PriceBook) {
			b.Labor.Rates = b.Labor.Rates[:3] // no warranty+diag rate
		}, billing.PayWarranty, billing.LaborItem{Op: "DIAG"}, "1", "80", "80.00"},
		{"rate_pay_type_and_labor_type", nil, billing.PayWarranty, billing.LaborItem{Op: "DIAG"}, "1", "90", "90.00"},
		{"rate_unknown_labor_type_falls_to_pay_type", nil, billing.PayWarranty, billing.LaborItem{Op: "BRK", LaborType: "body"}, "1.5", "80", "120.00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := ptBook()
			if c.book != nil {
				c.book(book)
			}
			c.item.Clocked = d("1.1")
			b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", Title: "brakes", PayType: c.pay, Labor: []billing.LaborItem{c.item}}))
			pb := ptPayer(t, b, c.pay)
			require.Len(t, pb.Lines, 1)
			l := pb.Lines[0]
			assert.Equal(t, "j1/labor/"+c.item.Op, l.ID)
			assert.Equal(t, billing.KindLabor, l.Kind)
			assert.Equal(t, "j1", l.Job)
			assert.Equal(t, c.pay, l.PayType)
			assert.Equal(t, "h", l.Unit)
			ptEq(t, c.hours, l.Quantity, "hours")
			ptEq(t, c.rate, l.UnitPrice, "rate")
			assert.Equal(t, c.amount, l.Amount.StringFixed(2))
			assert.True(t, l.Amount.Equal(d(c.amount)) && l.Amount.Exponent() == -2, "amount %s", l.Amount)
			ptEq(t, "1.1", l.ClockedHours, "clocked")
			op := map[string]string{"BRK": "1.5", "DIAG": "1", "ODD": "1.21", "CLOCK": "0"}[c.item.Op]
			ptEq(t, op, l.BookHours, "book hours")
			assert.Equal(t, "line.labor", l.Explain.Key)
			assert.Equal(t, c.amount, l.Explain.Args["amount"])
		})
	}
	t.Run("missing_rate_is_a_validation_error", func(t *testing.T) {
		book := ptBook()
		book.Labor.Rates = []billing.LaborRate{{PayType: billing.PayWarranty, Rate: d("80")}}
		_, err := billing.Price(book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "DIAG"}}}))
		fe, ok := org.FieldErrorOf(err, "jobs[0].labor[0]")
		require.True(t, ok, "%v", err)
		assert.Equal(t, org.CodeNotFound, fe.Code)
	})
}

// TestPriceLaborSetRate: a rate set by hand replaces the book's, is
// rounded like every amount and says so on the bill.
func TestPriceLaborSetRate(t *testing.T) {
	b := ptPrice(t, ptBook(), ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "BRK", Rate: d("88.888")}}}))
	l := ptLine(t, ptPayer(t, b, billing.PayCustomer), "j1/labor/BRK")
	ptEq(t, "88.89", l.UnitPrice, "rate")
	ptEq(t, "133.34", l.Amount, "1.5 h x 88.89")
	assert.Equal(t, "line.labor_set", l.Explain.Key)
	assert.Equal(t, "Labor BRK brake pads: 1.5 h x 88.89/h (set rate) = 133.34 (tax exempt)", l.Text(org.English))
	assert.Contains(t, l.Text(org.TraditionalChinese), "指定工資率")

	_, err := billing.Price(ptBook(), ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "BRK", Rate: d("-1")}}}))
	fe, ok := org.FieldErrorOf(err, "jobs[0].labor[0].rate")
	require.True(t, ok, "%v", err)
	assert.Equal(t, org.CodeRange, fe.Code)
}

// TestManualPricePolicy: nobody may price by hand unless the book names
// the role; roles are named once.
func TestManualPricePolicy(t *testing.T) {
	book := ptBook()
	assert.False(t, book.ManualPriceAllowed(org.RoleSupervisor), "the zero policy lets nobody")
	book.ManualPrices.Roles = []org.Role{org.RoleSupervisor}
	assert.True(t, book.ManualPriceAllowed(org.RoleSupervisor))
	assert.False(t, book.ManualPriceAllowed(org.RoleAdvisor))
	assert.False(t, book.ManualPriceAllowed(""))
	book.ManualPrices.Roles = []org.Role{org.RoleSupervisor, " ", org.RoleSupervisor}
	err := book.Validate()
	for path, code := range map[string]string{"manual_prices.roles[1]": org.CodeRequired, "manual_prices.roles[2]": org.CodeDuplicate} {
		fe, ok := org.FieldErrorOf(err, path)
		require.True(t, ok, "%s: %v", path, err)
		assert.Equal(t, code, fe.Code, path)
	}
}

func ptTenths(b *billing.PriceBook)   { b.Labor.Increment = d("0.1") }
func ptQuarters(b *billing.PriceBook) { b.Labor.Increment = d("0.25") }
func ptMinimum(h string) func(*billing.PriceBook) {
	return func(b *billing.PriceBook) { b.Labor.Minimum = d(h) }
}

func TestPriceParts(t *testing.T) {
	for _, c := range []struct {
		name     string
		book     func(*billing.PriceBook)
		item     billing.PartItem
		unit     string
		amount   string
		pricedBy string
	}{
		{"sell_over_matrix_and_list", nil, billing.PartItem{Quantity: d("2"), Cost: d("5"), List: d("9"), Sell: d("12.345")}, "12.35", "24.70", "sell"},
		{"multiplier_band", nil, billing.PartItem{Quantity: d("1"), Cost: d("10")}, "16.00", "16.00", "multiplier 1.6"},
		{"multiplier_over_list", nil, billing.PartItem{Quantity: d("1"), Cost: d("10"), List: d("99")}, "16.00", "16.00", "multiplier 1.6"},
		// A zero cost is an unknown cost, never a free part: the list price applies.
		{"zero_cost_is_not_priced_by_the_matrix", nil, billing.PartItem{Quantity: d("1"), Cost: d("0"), List: d("5")}, "5.00", "5.00", "list"},
		{"band_from_is_inclusive_smallest_cost", nil, billing.PartItem{Quantity: d("1"), Cost: d("0.01")}, "0.02", "0.02", "multiplier 1.6"},
		{"band_to_is_exclusive_below", nil, billing.PartItem{Quantity: d("1"), Cost: d("49.99")}, "79.98", "79.98", "multiplier 1.6"},
		{"band_from_is_inclusive", nil, billing.PartItem{Quantity: d("1"), Cost: d("50")}, "70.00", "70.00", "multiplier 1.4"},
		{"band_to_is_exclusive", nil, billing.PartItem{Quantity: d("1"), Cost: d("100")}, "142.86", "142.86", "margin 30%"},
		{"margin_700_at_30pct", nil, billing.PartItem{Quantity: d("1"), Cost: d("700")}, "1000.00", "1000.00", "margin 30%"},
		{"margin_times_quantity", nil, billing.PartItem{Quantity: d("3"), Cost: d("700")}, "1000.00", "3000.00", "margin 30%"},
		{"margin_35pct_non_terminating", func(b *billing.PriceBook) {
			b.Parts.Matrix = []billing.MarkupBand{{From: d("0"), Margin: d("0.35")}}
		}, billing.PartItem{Quantity: d("1"), Cost: d("10")}, "15.38", "15.38", "margin 35%"},
		{"open_last_band", func(b *billing.PriceBook) {
			b.Parts.Matrix = []billing.MarkupBand{{From: d("0"), Multiplier: d("1.25")}}
		}, billing.PartItem{Quantity: d("1"), Cost: d("100000")}, "125000.00", "125000.00", "multiplier 1.25"},
		{"beyond_matrix_list", nil, billing.PartItem{Quantity: d("1"), Cost: d("1000"), List: d("1500")}, "1500.00", "1500.00", "list"},
		{"no_matrix_list", func(b *billing.PriceBook) { b.Parts.Matrix = nil }, billing.PartItem{Quantity: d("1"), Cost: d("10"), List: d("19.99")}, "19.99", "19.99", "list"},
		{"list_rounded", func(b *billing.PriceBook) { b.Parts.Matrix = nil }, billing.PartItem{Quantity: d("1"), List: d("19.995")}, "20.00", "20.00", "list"},
		{"fractional_quantity_amount_rounded", nil, billing.PartItem{Quantity: d("4.5"), Sell: d("3.33")}, "3.33", "14.99", "sell"},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := ptBook()
			if c.book != nil {
				c.book(book)
			}
			c.item.Number, c.item.Description = "P1", "part one"
			b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer, Parts: []billing.PartItem{c.item}}))
			pb := ptPayer(t, b, billing.PayCustomer)
			require.Len(t, pb.Lines, 1)
			l := pb.Lines[0]
			assert.Equal(t, "j1/part/P1", l.ID)
			assert.Equal(t, billing.KindPart, l.Kind)
			assert.Equal(t, c.unit, l.UnitPrice.StringFixed(2))
			assert.Equal(t, -2, int(l.UnitPrice.Exponent()), "unit price at the currency scale")
			assert.Equal(t, c.amount, l.Amount.StringFixed(2))
			ptEq(t, c.amount, l.Amount)
			ptEq(t, c.item.Cost.String(), l.Cost)
			assert.Equal(t, c.pricedBy, l.Explain.Args["priced_by"])
		})
	}
	t.Run("core_on_its_own_line", func(t *testing.T) {
		book := ptBook()
		book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil)}
		b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer, Parts: []billing.PartItem{
			{Number: "ALT", Description: "alternator", Quantity: d("2"), Sell: d("150.00"), Core: d("25")},
		}}))
		pb := ptPayer(t, b, billing.PayCustomer)
		assert.Equal(t, []string{"j1/part/ALT", "j1/core/ALT"}, ptLineIDs(pb))
		core := ptLine(t, pb, "j1/core/ALT")
		assert.Equal(t, billing.KindCore, core.Kind)
		ptEq(t, "2", core.Quantity)
		ptEq(t, "25", core.UnitPrice)
		ptEq(t, "50.00", core.Amount)
		ptEq(t, "5.00", core.Tax, "a core charge is taxed like the part")
		ptEq(t, "300.00", ptLine(t, pb, "j1/part/ALT").Amount, "the core is not in the part's price")
		ptEq(t, "385.00", pb.Total)
	})
}

func TestPriceSubletsAndUnitFees(t *testing.T) {
	book := ptBook()
	b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer,
		Sublets: []billing.SubletItem{{Vendor: "GLASS", Description: "windshield", Cost: d("200")}, {Vendor: "ALIGN", Description: "alignment", Cost: d("33.33")}},
		Fees:    []billing.FeeItem{{Code: "DISP", Quantity: d("4")}, {Code: "TIRE", Quantity: d("4")}},
	}, billing.Job{ID: "j2", PayType: billing.PayCustomer, Fees: []billing.FeeItem{{Code: "DISP", Quantity: d("4.5")}}}))
	pb := ptPayer(t, b, billing.PayCustomer)
	assert.Equal(t, []string{"j1/sublet/1", "j1/sublet/2", "j1/fee/DISP", "j1/fee/TIRE", "j2/fee/DISP"}, ptLineIDs(pb))
	for id, want := range map[string]string{"j1/sublet/1": "230.00", "j1/sublet/2": "38.33", "j1/fee/DISP": "3.00", "j1/fee/TIRE": "14.00", "j2/fee/DISP": "3.38"} {
		l := ptLine(t, pb, id)
		assert.Equal(t, want, l.Amount.StringFixed(2), id)
		ptEq(t, want, l.Amount, id)
	}
	s := ptLine(t, pb, "j1/sublet/2")
	assert.Equal(t, billing.KindSublet, s.Kind)
	assert.Equal(t, "ALIGN", s.Code)
	ptEq(t, "33.33", s.Cost)
	ptEq(t, "1", s.Quantity)
	assert.Equal(t, "15%", s.Explain.Args["markup"])
	f := ptLine(t, pb, "j1/fee/DISP")
	assert.Equal(t, billing.KindFee, f.Kind)
	assert.Equal(t, "l", f.Unit)
	ptEq(t, "0.75", f.UnitPrice)
	assert.Equal(t, "line.fee_unit", f.Explain.Key)
}

func TestPricePercentFees(t *testing.T) {
	labor := func(id string, pay billing.PayType, hours string) billing.Job {
		return billing.Job{ID: id, PayType: pay, Labor: []billing.LaborItem{{Op: "CLOCK", Hours: d(hours)}}}
	}
	withParts := func(j billing.Job, sell string) billing.Job {
		j.Parts = append(j.Parts, billing.PartItem{Number: "P", Description: "p", Quantity: d("1"), Sell: d(sell)})
		return j
	}
	withSublet := func(j billing.Job) billing.Job {
		j.Sublets = append(j.Sublets, billing.SubletItem{Vendor: "V", Description: "v", Cost: d("100")})
		return j
	}
	for _, c := range []struct {
		name string
		fee  func(*billing.FeeRule)
		jobs []billing.Job
		want map[string]string // line ID -> amount; every fee line of the bill
		key  string            // explanation of the customer's fee line
	}{
		{"5pct_of_labor", nil, []billing.Job{labor("j1", billing.PayCustomer, "1")}, map[string]string{"fee/SHOP/customer": "5.00"}, "line.fee_percent"},
		{"5pct_of_labor_capped_at_20", nil, []billing.Job{labor("j1", billing.PayCustomer, "5")}, map[string]string{"fee/SHOP/customer": "20.00"}, "line.fee_percent_max"},
		{"exactly_at_the_cap", nil, []billing.Job{labor("j1", billing.PayCustomer, "4")}, map[string]string{"fee/SHOP/customer": "20.00"}, "line.fee_percent"},
		{"raised_to_min", func(f *billing.FeeRule) { f.Min = d("3.00") }, []billing.Job{labor("j1", billing.PayCustomer, "0.4")},
			map[string]string{"fee/SHOP/customer": "3.00"}, "line.fee_percent_min"},
		{"percent_rounded", nil, []billing.Job{labor("j1", billing.PayCustomer, "0.33")}, map[string]string{"fee/SHOP/customer": "1.65"}, "line.fee_percent"},
		{"percent_rounded_half", nil, []billing.Job{labor("j1", billing.PayCustomer, "0.333")}, map[string]string{"fee/SHOP/customer": "1.67"}, "line.fee_percent"},
		{"labor_base_ignores_parts_and_sublets", nil, []billing.Job{withSublet(withParts(labor("j1", billing.PayCustomer, "1"), "300"))},
			map[string]string{"fee/SHOP/customer": "5.00"}, "line.fee_percent"},
		{"parts_base", func(f *billing.FeeRule) { f.Base, f.Percent = billing.BaseParts, d("0.10") },
			[]billing.Job{withSublet(withParts(labor("j1", billing.PayCustomer, "1"), "50"))}, map[string]string{"fee/SHOP/customer": "5.00"}, "line.fee_percent"},
		{"labor_and_parts_base", func(f *billing.FeeRule) {
			f.Base, f.Percent, f.Max = billing.BaseLaborAndParts, d("0.10"), decimal.Zero
		},
			[]billing.Job{withSublet(withParts(labor("j1", billing.PayCustomer, "1"), "50"))}, map[string]string{"fee/SHOP/customer": "15.00"}, "line.fee_percent"},
		{"summed_over_jobs_once_per_payer", nil, []billing.Job{labor("j1", billing.PayCustomer, "1"), labor("j2", billing.PayCustomer, "1.2")},
			map[string]string{"fee/SHOP/customer": "11.00"}, "line.fee_percent"},
		{"customer_only_by_default", nil, []billing.Job{labor("j1", billing.PayCustomer, "1"), labor("j2", billing.PayWarranty, "1"), labor("j3", billing.PayInternal, "1")},
			map[string]string{"fee/SHOP/customer": "5.00"}, "line.fee_percent"},
		{"pay_types_listed", func(f *billing.FeeRule) { f.PayTypes = []billing.PayType{billing.PayCustomer, billing.PayWarranty} },
			[]billing.Job{labor("j1", billing.PayCustomer, "1"), labor("j2", billing.PayWarranty, "1"), labor("j3", billing.PayInternal, "1")},
			map[string]string{"fee/SHOP/customer": "5.00", "fee/SHOP/warranty": "4.00"}, "line.fee_percent"},
		{"no_fee_without_base_even_with_min", func(f *billing.FeeRule) { f.Min = d("3.00") }, []billing.Job{withParts(billing.Job{ID: "j1", PayType: billing.PayCustomer}, "10")},
			map[string]string{}, ""},
		{"no_fee_for_a_payer_without_base", func(f *billing.FeeRule) { f.PayTypes = []billing.PayType{billing.PayWarranty} }, []billing.Job{labor("j1", billing.PayCustomer, "1")},
			map[string]string{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := ptBook()
			fee := shopFee()
			if c.fee != nil {
				c.fee(&fee)
			}
			book.Fees = append(book.Fees, fee)
			book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil)}
			b := ptPrice(t, book, ptOrder(c.jobs...))
			got := map[string]string{}
			for _, pb := range b.Payers {
				for _, l := range pb.Lines {
					if l.Job == "" && l.Kind == billing.KindFee {
						got[l.ID] = l.Amount.StringFixed(2)
						assert.Equal(t, "SHOP", l.Code)
						assert.Equal(t, pb.PayType, l.PayType)
						ptEq(t, l.Amount.Mul(d("0.10")).Round(2).String(), l.Tax, "a taxable fee is taxed")
					}
				}
			}
			assert.Equal(t, c.want, got)
			if c.key != "" {
				l := ptLine(t, ptPayer(t, b, billing.PayCustomer), "fee/SHOP/customer")
				assert.Equal(t, c.key, l.Explain.Key)
				assert.Equal(t, ptPercent(fee), l.Explain.Args["percent"])
			}
		})
	}
	t.Run("not_taxable_fee_is_exempt", func(t *testing.T) {
		book := ptBook()
		fee := shopFee()
		fee.Taxable = false
		book.Fees = append(book.Fees, fee)
		book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil)}
		b := ptPrice(t, book, ptOrder(labor("j1", billing.PayCustomer, "1")))
		l := ptLine(t, ptPayer(t, b, billing.PayCustomer), "fee/SHOP/customer")
		assert.True(t, l.Tax.IsZero())
		assert.Empty(t, l.TaxCode)
		assert.Equal(t, "exempt", l.Explain.Args["tax"])
	})
}

func ptPercent(f billing.FeeRule) string { return f.Percent.Mul(d("100")).String() + "%" }

func TestPriceDeductibles(t *testing.T) {
	for _, pay := range []billing.PayType{billing.PayInsurance, billing.PayContract} {
		t.Run(string(pay), func(t *testing.T) {
			book := ptBook()
			book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil)}
			b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", Title: "hail damage", PayType: pay, Deductible: d("50"),
				Labor: []billing.LaborItem{{Op: "BRK"}}}))
			require.Len(t, b.Payers, 2)
			assert.Equal(t, billing.PayCustomer, b.Payers[0].PayType)
			cust := ptPayer(t, b, billing.PayCustomer)
			require.Len(t, cust.Lines, 1)
			dl := cust.Lines[0]
			assert.Equal(t, "j1/deductible", dl.ID)
			assert.Equal(t, billing.KindDeductible, dl.Kind)
			ptEq(t, "50.00", dl.Amount)
			assert.True(t, dl.Tax.IsZero(), "a deductible is not taxed")
			assert.Empty(t, dl.TaxCode)
			assert.Empty(t, cust.Taxes)
			ptEq(t, "50.00", cust.Total)

			payer := ptPayer(t, b, pay)
			credit := ptLine(t, payer, "j1/deductible-credit")
			ptEq(t, "-50.00", credit.Amount)
			assert.True(t, credit.Tax.IsZero(), "the credit is not taxed")
			ptEq(t, "150.00", ptLine(t, payer, "j1/labor/BRK").Amount)
			ptEq(t, "100.00", payer.Subtotal)
			ptEq(t, "15.00", payer.Tax, "tax on the whole job, the deductible moves money only")
			ptEq(t, "115.00", payer.Total)
			// Together the payers pay the job and its tax.
			ptEq(t, "165.00", b.Total())
		})
	}
	t.Run("order_discount_skips_the_deductible", func(t *testing.T) {
		o := ptOrder(billing.Job{ID: "j1", PayType: billing.PayInsurance, Deductible: d("50"), Labor: []billing.LaborItem{{Op: "BRK"}}})
		o.Discounts = []billing.Discount{{Code: "GOODWILL", Percent: d("0.10")}}
		b := ptPrice(t, ptBook(), o)
		ptEq(t, "50.00", ptPayer(t, b, billing.PayCustomer).Total)
		ptEq(t, "0", ptPayer(t, b, billing.PayInsurance).Discount)
	})
}

func TestPriceDiscounts(t *testing.T) {
	partJob := func(id string, pay billing.PayType, sells ...string) billing.Job {
		j := billing.Job{ID: id, PayType: pay}
		for i, s := range sells {
			no := string(rune('A' + i))
			j.Parts = append(j.Parts, billing.PartItem{Number: no, Description: no, Quantity: d("1"), Sell: d(s)})
		}
		return j
	}
	withLabor := func(j billing.Job) billing.Job {
		j.Labor = append(j.Labor, billing.LaborItem{Op: "BRK"})
		return j
	}
	withJobDiscount := func(j billing.Job, ds ...billing.Discount) billing.Job {
		j.Discounts = ds
		return j
	}
	pct := func(p string, kinds ...billing.Kind) billing.Discount {
		return billing.Discount{Code: "D" + p, Percent: d(p), Kinds: kinds}
	}
	amt := func(a string, kinds ...billing.Kind) billing.Discount {
		return billing.Discount{Code: "D" + a, Amount: d(a), Kinds: kinds}
	}
	for _, c := range []struct {
		name      string
		rounding  billing.RoundingMode
		jobs      []billing.Job
		discounts []billing.Discount
		coupons   []string
		want      map[string]string // line ID -> discount, every line
	}{
		{"job_discount_only_on_its_job", "", []billing.Job{withJobDiscount(partJob("j1", billing.PayCustomer, "100"), pct("0.10")), partJob("j2", billing.PayCustomer, "100")}, nil, nil,
			map[string]string{"j1/part/A": "10.00", "j2/part/A": "0.00"}},
		{"job_discount_on_a_warranty_job", "", []billing.Job{withJobDiscount(partJob("j1", billing.PayWarranty, "100", "50"), amt("15"))}, nil, nil,
			map[string]string{"j1/part/A": "10.00", "j1/part/B": "5.00"}},
		{"order_discount_only_on_customer_lines", "", []billing.Job{partJob("j1", billing.PayCustomer, "100"), partJob("j2", billing.PayWarranty, "100"), partJob("j3", billing.PayInternal, "100")},
			[]billing.Discount{pct("0.10")}, nil, map[string]string{"j1/part/A": "10.00", "j2/part/A": "0.00", "j3/part/A": "0.00"}},
		{"order_amount_only_on_customer_lines", "", []billing.Job{partJob("j1", billing.PayCustomer, "30"), partJob("j2", billing.PayWarranty, "100")},
			[]billing.Discount{amt("10")}, nil, map[string]string{"j1/part/A": "10.00", "j2/part/A": "0.00"}},
		{"percent_rounded_half_up", "", []billing.Job{partJob("j1", billing.PayCustomer, "12.25")}, []billing.Discount{pct("0.10")}, nil,
			map[string]string{"j1/part/A": "1.23"}},
		{"percent_rounded_half_even", billing.HalfEven, []billing.Job{partJob("j1", billing.PayCustomer, "12.25")}, []billing.Discount{pct("0.10")}, nil,
			map[string]string{"j1/part/A": "1.22"}},
		{"percent_of_the_eligible_total_then_spread", "", []billing.Job{partJob("j1", billing.PayCustomer, "11.11", "11.11", "11.11")}, []billing.Discount{pct("0.10")}, nil,
			map[string]string{"j1/part/A": "1.11", "j1/part/B": "1.11", "j1/part/C": "1.11"}},
		{"amount_capped_at_eligible", "", []billing.Job{partJob("j1", billing.PayCustomer, "30", "20")}, []billing.Discount{amt("1000")}, nil,
			map[string]string{"j1/part/A": "30.00", "j1/part/B": "20.00"}},
		{"job_amount_capped_at_its_job", "", []billing.Job{withJobDiscount(partJob("j1", billing.PayCustomer, "30"), amt("1000")), partJob("j2", billing.PayCustomer, "20")}, nil, nil,
			map[string]string{"j1/part/A": "30.00", "j2/part/A": "0.00"}},
		{"full_percent", "", []billing.Job{partJob("j1", billing.PayCustomer, "30", "20")}, []billing.Discount{pct("1")}, nil,
			map[string]string{"j1/part/A": "30.00", "j1/part/B": "20.00"}},
		{"kinds_filter", "", []billing.Job{withLabor(partJob("j1", billing.PayCustomer, "100"))}, []billing.Discount{pct("0.10", billing.KindLabor)}, nil,
			map[string]string{"j1/labor/BRK": "15.00", "j1/part/A": "0.00"}},
		{"kinds_filter_on_a_job", "", []billing.Job{withJobDiscount(withLabor(partJob("j1", billing.PayCustomer, "100")), amt("7", billing.KindPart))}, nil, nil,
			map[string]string{"j1/labor/BRK": "0.00", "j1/part/A": "7.00"}},
		{"kinds_filter_nothing_eligible", "", []billing.Job{partJob("j1", billing.PayCustomer, "100")}, []billing.Discount{amt("7", billing.KindSublet)}, nil,
			map[string]string{"j1/part/A": "0.00"}},
		{"amount_spread_by_largest_remainder", "", []billing.Job{partJob("j1", billing.PayCustomer, "10", "20", "30")}, []billing.Discount{amt("10")}, nil,
			map[string]string{"j1/part/A": "1.67", "j1/part/B": "3.33", "j1/part/C": "5.00"}},
		{"job_then_order_on_the_net", "", []billing.Job{withJobDiscount(partJob("j1", billing.PayCustomer, "100"), pct("0.10")), partJob("j2", billing.PayCustomer, "100")},
			[]billing.Discount{amt("9")}, nil, map[string]string{"j1/part/A": "14.26", "j2/part/A": "4.74"}},
		{"stacked_order_discounts", "", []billing.Job{partJob("j1", billing.PayCustomer, "100")}, []billing.Discount{pct("0.10"), pct("0.10")}, nil,
			map[string]string{"j1/part/A": "19.00"}},
		{"coupon_percent", "", []billing.Job{partJob("j1", billing.PayCustomer, "80"), partJob("j2", billing.PayWarranty, "80")}, nil, []string{"SPRING10"},
			map[string]string{"j1/part/A": "8.00", "j2/part/A": "0.00"}},
		{"coupon_amount_after_order_discount", "", []billing.Job{partJob("j1", billing.PayCustomer, "80")}, []billing.Discount{pct("0.10")}, []string{"FIVE"},
			map[string]string{"j1/part/A": "13.00"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := ptBook()
			if c.rounding != "" {
				book.Rounding = c.rounding
			}
			o := ptOrder(c.jobs...)
			o.Discounts, o.Coupons = c.discounts, c.coupons
			b := ptPrice(t, book, o)
			got := map[string]string{}
			for _, pb := range b.Payers {
				for _, l := range pb.Lines {
					got[l.ID] = l.Discount.StringFixed(2)
					assert.False(t, l.Discount.IsNegative(), l.ID)
					assert.True(t, l.Discount.LessThanOrEqual(l.Amount), "%s: discount %s above amount %s", l.ID, l.Discount, l.Amount)
				}
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestPriceDiscountBeforeTax(t *testing.T) {
	for _, c := range []struct {
		name              string
		inclusive, before bool
		sell              string
		tax, base, total  string
	}{
		{"exclusive_tax_on_net", false, true, "100.00", "9.00", "90.00", "99.00"},
		{"exclusive_tax_on_amount", false, false, "100.00", "10.00", "100.00", "100.00"},
		{"inclusive_tax_in_net", true, true, "110.00", "9.00", "90.00", "99.00"},
		{"inclusive_tax_in_amount", true, false, "110.00", "10.00", "100.00", "99.00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := ptBook()
			book.Tax.Inclusive, book.Tax.DiscountBeforeTax = c.inclusive, c.before
			book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil)}
			o := ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer, Parts: []billing.PartItem{part("P", "1", c.sell)}})
			o.Discounts = []billing.Discount{{Code: "OFF", Percent: d("0.10")}}
			pb := ptPayer(t, ptPrice(t, book, o), billing.PayCustomer)
			assert.Equal(t, c.tax, pb.Tax.StringFixed(2))
			require.Len(t, pb.Taxes, 1)
			assert.Equal(t, c.base, pb.Taxes[0].Base.StringFixed(2))
			assert.Equal(t, c.total, pb.Total.StringFixed(2))
		})
	}
}

func TestPriceMixedPayTypes(t *testing.T) {
	book := ptBook()
	book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil)}
	job := func(id string, pay billing.PayType) billing.Job {
		return billing.Job{ID: id, PayType: pay, Parts: []billing.PartItem{part("P", "1", "10")}, Labor: []billing.LaborItem{{Op: "BRK"}}}
	}
	// Jobs out of document order, a payer twice.
	b := ptPrice(t, book, ptOrder(job("ins", billing.PayInsurance), job("int", billing.PayInternal), job("c1", billing.PayCustomer),
		job("con", billing.PayContract), job("war", billing.PayWarranty), job("c2", billing.PayCustomer)))
	var order []billing.PayType
	for _, pb := range b.Payers {
		order = append(order, pb.PayType)
		for _, l := range pb.Lines {
			assert.Equal(t, pb.PayType, l.PayType, l.ID)
		}
		require.Len(t, pb.Taxes, 1)
	}
	assert.Equal(t, billing.PayTypes(), order)
	assert.Equal(t, []string{"c1/labor/BRK", "c1/part/P", "c2/labor/BRK", "c2/part/P"}, ptLineIDs(ptPayer(t, b, billing.PayCustomer)))
	assert.Equal(t, []string{"war/labor/BRK", "war/part/P"}, ptLineIDs(ptPayer(t, b, billing.PayWarranty)))
	ptEq(t, "130.00", ptPayer(t, b, billing.PayWarranty).Subtotal, "warranty labor at 80/h")
	ptEq(t, "352.00", ptPayer(t, b, billing.PayCustomer).Total)
	assert.Equal(t, "wo1", b.WorkOrder)
	assert.Equal(t, "2026-11", b.PriceBookVersion)
	assert.Equal(t, "USD", b.Currency)
	assert.Equal(t, int32(2), b.Scale)
}

func TestPriceTaxRates(t *testing.T) {
	order := ptOrder(
		billing.Job{ID: "c", PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "BRK"}}, Parts: []billing.PartItem{part("P", "1", "100")},
			Fees: []billing.FeeItem{{Code: "DISP", Quantity: d("4")}, {Code: "TIRE", Quantity: d("2")}}},
		billing.Job{ID: "w", PayType: billing.PayWarranty, Labor: []billing.LaborItem{{Op: "BRK"}}, Parts: []billing.PartItem{part("P", "1", "100")}},
	)
	t.Run("warranty_exempt_by_pay_types", func(t *testing.T) {
		book := ptBook()
		book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", nil, billing.PayCustomer, billing.PayInternal)}
		b := ptPrice(t, book, order)
		w := ptPayer(t, b, billing.PayWarranty)
		assert.Empty(t, w.Taxes)
		assert.True(t, w.Tax.IsZero())
		for _, l := range w.Lines {
			assert.Equal(t, "exempt", l.Explain.Args["tax"], l.ID)
			assert.Empty(t, l.TaxCode)
		}
		c := ptPayer(t, b, billing.PayCustomer)
		ptEq(t, "25.70", c.Tax, "labor, part and the taxable tire fee, not the disposal fee")
		ptEq(t, "0", ptLine(t, c, "c/fee/DISP").Tax)
		ptEq(t, "0.70", ptLine(t, c, "c/fee/TIRE").Tax)
	})
	t.Run("labor_exempt_by_kinds", func(t *testing.T) {
		book := ptBook()
		book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.10", []billing.Kind{billing.KindPart, billing.KindCore, billing.KindSublet})}
		b := ptPrice(t, book, order)
		for _, pb := range b.Payers {
			labor := ptLine(t, pb, pb.Lines[0].Job+"/labor/BRK")
			assert.True(t, labor.Tax.IsZero())
			assert.Empty(t, labor.TaxCode)
			ptEq(t, "10.00", pb.Tax, "only the part")
		}
	})
	t.Run("first_matching_rate_wins", func(t *testing.T) {
		book := ptBook()
		book.Tax.Rates = []billing.TaxRate{ptRate("PARTS", "0.10", []billing.Kind{billing.KindPart}), ptRate("ALL", "0.05", nil)}
		c := ptPayer(t, ptPrice(t, book, order), billing.PayCustomer)
		require.Len(t, c.Taxes, 2)
		assert.Equal(t, "ALL", c.Taxes[0].Code, "tax lines in order of first use")
		assert.Equal(t, "PARTS", c.Taxes[1].Code)
		ptEq(t, "157.00", c.Taxes[0].Base)
		ptEq(t, "7.85", c.Taxes[0].Tax)
		ptEq(t, "100.00", c.Taxes[1].Base)
		ptEq(t, "10.00", c.Taxes[1].Tax)
		assert.Equal(t, "PARTS", ptLine(t, c, "c/part/P").TaxCode)
		ptEq(t, "0.1", ptLine(t, c, "c/part/P").TaxRate)
	})
	t.Run("cash_rounding", func(t *testing.T) {
		for _, scope := range []billing.TaxScope{billing.ScopeLine, billing.ScopeUnit, billing.ScopeGroup, billing.ScopeDocument} {
			book := ptBook()
			book.Tax.Scope = scope
			book.Tax.Rounding = billing.Rounding{Mode: billing.Cash, Places: 2, Increment: d("0.05")}
			book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.05", nil)}
			for sell, want := range map[string]string{"27.30": "1.35", "27.50": "1.40", "27.00": "1.35", "26.90": "1.35", "26.40": "1.30"} {
				pb := ptPayer(t, ptPrice(t, book, partsOrder(part("P", "1", sell))), billing.PayCustomer)
				assert.Equal(t, want, pb.Tax.StringFixed(2), "scope %s, 5%% of %s", scope, sell)
			}
		}
	})
	t.Run("every_mode_on_a_half_cent", func(t *testing.T) {
		// 5% of 2.50 x 1 line = 0.125; of a 2.70 line 0.135.
		for _, c := range []struct {
			mode      billing.RoundingMode
			low, high string
		}{
			{billing.HalfUp, "0.13", "0.14"}, {billing.HalfEven, "0.12", "0.14"}, {billing.Down, "0.12", "0.13"}, {billing.Up, "0.13", "0.14"},
		} {
			book := ptBook()
			book.Tax.Rounding = billing.Rounding{Mode: c.mode, Places: 2}
			book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.05", nil)}
			pb := ptPayer(t, ptPrice(t, book, partsOrder(part("L", "1", "2.50"), part("H", "1", "2.70"))), billing.PayCustomer)
			assert.Equal(t, c.low, ptLine(t, pb, "j1/part/L").Tax.StringFixed(2), "mode %s", c.mode)
			assert.Equal(t, c.high, ptLine(t, pb, "j1/part/H").Tax.StringFixed(2), "mode %s", c.mode)
		}
	})
}

// TestPriceValidation: one order breaking every rule of checkOrder gets
// every broken field back at once, in order, each with its code.
func TestPriceValidation(t *testing.T) {
	book := ptBook()
	book.Labor.Rates = []billing.LaborRate{{PayType: billing.PayCustomer, Rate: d("100")}}
	book.Labor.Operations = append(book.Labor.Operations, billing.Operation{Code: "ZERO", Hours: d("0")})
	book.Parts.Matrix = []billing.MarkupBand{{From: d("10"), Multiplier: d("2")}}
	book.Fees = append(book.Fees, shopFee())
	o := billing.Order{
		Jobs: []billing.Job{
			{ID: "", PayType: "bogus", Deductible: d("-1"),
				Labor: []billing.LaborItem{{Op: "NOPE", Hours: d("-1"), Clocked: d("-1")}, {Op: "ZERO"}},
				Parts: []billing.PartItem{
					{Quantity: d("0"), Cost: d("-1"), List: d("-1"), Sell: d("-1"), Core: d("-1")},
					{Number: "CHEAP", Quantity: d("1"), Cost: d("5")},
					{Number: "OK", Quantity: d("1"), Cost: d("5"), List: d("9")},
				},
				Sublets:   []billing.SubletItem{{Cost: d("-1")}},
				Fees:      []billing.FeeItem{{Code: "NOPE"}, {Code: "SHOP", Quantity: d("1")}, {Code: "DISP", Quantity: d("-1")}},
				Discounts: []billing.Discount{{Code: "NONE"}},
			},
			{ID: "j1", PayType: billing.PayCustomer, Deductible: d("50"), Discounts: []billing.Discount{{Code: "BIG", Percent: d("1.5")}}},
			{ID: "j1", PayType: billing.PayWarranty, Labor: []billing.LaborItem{{Op: "BRK"}}, Deductible: d("10")},
			{ID: "j3", PayType: billing.PayContract, Deductible: d("10"), Parts: []billing.PartItem{part("P", "1", "10")}},
		},
		Discounts: []billing.Discount{
			{Code: "NEG", Amount: d("-5"), Percent: d("0.1")},
			{Code: "BOTH", Amount: d("5"), Percent: d("0.1")},
			{Code: "OK", Amount: d("5")},
			{Code: "ALL", Percent: d("1")},
		},
		Coupons: []string{"SPRING10", "NOPE"},
	}
	type fe struct{ path, code string }
	want := []fe{
		{"jobs[0].id", org.CodeRequired},
		{"jobs[0].pay_type", org.CodeUnknown},
		{"jobs[0].labor[0].op", org.CodeNotFound},
		{"jobs[0].labor[0].hours", org.CodeRange},
		{"jobs[0].labor[0].clocked", org.CodeRange},
		{"jobs[0].labor[0]", org.CodeNotFound}, // no rate for pay type bogus
		{"jobs[0].labor[1].hours", org.CodeRequired},
		{"jobs[0].labor[1]", org.CodeNotFound},
		{"jobs[0].parts[0].number", org.CodeRequired},
		{"jobs[0].parts[0].quantity", org.CodeRange},
		{"jobs[0].parts[0].cost", org.CodeRange},
		{"jobs[0].parts[0].list", org.CodeRange},
		{"jobs[0].parts[0].sell", org.CodeRange},
		{"jobs[0].parts[0].core", org.CodeRange},
		{"jobs[0].parts[1].sell", org.CodeRequired},
		{"jobs[0].sublets[0].cost", org.CodeRange},
		{"jobs[0].sublets[0].vendor", org.CodeRequired},
		{"jobs[0].fees[0].code", org.CodeNotFound},
		{"jobs[0].fees[0].quantity", org.CodeRange},
		{"jobs[0].fees[1].code", org.CodeNotFound}, // a percent fee is not asked for
		{"jobs[0].fees[2].quantity", org.CodeRange},
		{"jobs[0].deductible", org.CodeRange},
		{"jobs[0].discounts[0]", org.CodeInvalid},
		{"jobs[1]", org.CodeRequired},
		{"jobs[1].deductible", org.CodeInvalid},
		{"jobs[1].discounts[0].percent", org.CodeRange},
		{"jobs[2].id", org.CodeDuplicate},
		{"jobs[2].labor[0]", org.CodeNotFound}, // no warranty rate
		{"jobs[2].deductible", org.CodeInvalid},
		{"discounts[0]", org.CodeRange},
		{"discounts[1]", org.CodeInvalid},
		{"coupons[1]", org.CodeNotFound},
	}
	b, err := billing.Price(book, o)
	require.Error(t, err)
	assert.Empty(t, b.Payers)
	assert.True(t, errors.Is(err, org.ErrInvalid))
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "billing: price", ve.Op)
	var got []fe
	for _, f := range ve.Fields {
		got = append(got, fe{f.Path, f.Code})
		assert.NotEmpty(t, f.Message, f.Path)
	}
	assert.Equal(t, want, got)

	t.Run("no_jobs", func(t *testing.T) {
		_, err := billing.Price(ptBook(), billing.Order{})
		f, ok := org.FieldErrorOf(err, "jobs")
		require.True(t, ok, "%v", err)
		assert.Equal(t, org.CodeRequired, f.Code)
	})
	t.Run("valid_order_passes", func(t *testing.T) {
		ptPrice(t, ptBook(), ptOrder(billing.Job{ID: "j1", PayType: billing.PayContract, Deductible: d("10"), Parts: []billing.PartItem{part("P", "1", "10")}}))
	})
}

// TestPricePure: the same book and order give the same bill, the inputs
// are not changed, and concurrent pricing with one book is safe (R1.3).
func TestPricePure(t *testing.T) {
	book := ptBook()
	book.Fees = append(book.Fees, shopFee())
	book.Tax.Scope = billing.ScopeGroup
	book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.0825", nil)}
	o := ptOrder(
		billing.Job{ID: "j1", PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "BRK"}}, Parts: []billing.PartItem{part("P", "3", "3.33")},
			Discounts: []billing.Discount{{Code: "J", Amount: d("1.00")}}},
		billing.Job{ID: "j2", PayType: billing.PayInsurance, Deductible: d("100"), Labor: []billing.LaborItem{{Op: "DIAG"}}},
	)
	o.Discounts = []billing.Discount{{Code: "O", Percent: d("0.05")}}
	o.Coupons = []string{"FIVE"}
	first := ptPrice(t, book, o)
	assert.Len(t, o.Discounts, 1, "coupons are not appended to the order's discounts")
	var wg sync.WaitGroup
	bills := make([]billing.Bill, 8)
	for i := range bills {
		wg.Go(func() {
			b, err := billing.Price(book, o)
			assert.NoError(t, err)
			bills[i] = b
		})
	}
	wg.Wait()
	for _, b := range bills {
		assert.Equal(t, first, b)
	}
}

// TestPriceCreditNote: a bill's credit note cancels it line by line.
func TestPriceCreditNote(t *testing.T) {
	book := ptBook()
	book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.055", nil)}
	b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayInsurance, Deductible: d("25"),
		Labor: []billing.LaborItem{{Op: "ODD"}}, Parts: []billing.PartItem{part("P", "10", "3.60")}}))
	n := b.Negate()
	ptEq(t, "0", b.Total().Add(n.Total()))
	for i, pb := range n.Payers {
		requireSums(t, pb, false)
		ptEq(t, "0", pb.Total.Add(b.Payers[i].Total))
		for k, l := range pb.Lines {
			ptEq(t, "0", l.Amount.Add(b.Payers[i].Lines[k].Amount), l.ID)
			ptEq(t, "0", l.Tax.Add(b.Payers[i].Lines[k].Tax), l.ID)
		}
	}
	ptEq(t, "36.00", ptLine(t, b.Payers[1], "j1/part/P").Amount, "the original is unchanged")
}

// The tests below each pin a rule that pricing was found to break when
// they were written: sub-cent tax per unit, a fixed discount cut toward
// zero, two lines with one ID, a payer owing a negative total.

// TestPriceUnitScopeTaxAtTaxPlaces: per-unit tax times a fractional
// quantity (1.3 hours, 4.5 litres) must still be a tax amount at the tax
// rounding's places, never 6.799.
func TestPriceUnitScopeTaxAtTaxPlaces(t *testing.T) {
	book := ptBook()
	book.Labor.Rates = []billing.LaborRate{{Rate: d("95.00")}}
	book.Tax.Scope = billing.ScopeUnit
	book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.055", nil)}
	b := ptPrice(t, book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "CLOCK", Hours: d("1.3")}},
		Parts: []billing.PartItem{part("OIL", "4.5", "3.33")}}))
	pb := ptPayer(t, b, billing.PayCustomer)
	for _, l := range pb.Lines {
		assert.True(t, l.Tax.Equal(l.Tax.Round(2)), "%s: tax %s has more than 2 places", l.ID, l.Tax)
	}
	assert.True(t, pb.Total.Equal(pb.Total.Round(2)), "total %s has more than 2 places", pb.Total)
}

// TestPriceCashTaxSameInEveryScope: one line of quantity 1 has one tax,
// whatever the scope: the cash-rounded 1.35 is kept when a group or the
// document spreads it over lines. A Rounding with an Increment and no
// Places (as Rounding's doc allows: "or for Cash an increment") would be
// spread in whole units and lose 0.35; the book's validation refuses it,
// or else pricing must keep the 1.35.
func TestPriceCashTaxSameInEveryScope(t *testing.T) {
	for _, r := range []billing.Rounding{
		{Mode: billing.Cash, Places: 2, Increment: d("0.05")},
		{Mode: billing.Cash, Increment: d("0.05")},
	} {
		for _, scope := range []billing.TaxScope{billing.ScopeLine, billing.ScopeUnit, billing.ScopeGroup, billing.ScopeDocument} {
			book := ptBook()
			book.Tax.Scope = scope
			book.Tax.Rounding = r
			book.Tax.Rates = []billing.TaxRate{ptRate("ST", "0.05", nil)}
			if err := book.Validate(); err != nil {
				f, ok := org.FieldErrorOf(err, "tax.rounding.increment")
				assert.True(t, ok && r.Places == 0, "%s: %v", r, err)
				assert.Equal(t, org.CodeInvalid, f.Code)
				continue
			}
			pb := ptPayer(t, ptPrice(t, book, partsOrder(part("P", "1", "27.30"))), billing.PayCustomer)
			assert.Equal(t, "1.35", pb.Tax.StringFixed(2), "%s, scope %s: 5%% of 27.30 = 1.365, to 0.05", r, scope)
			assert.Equal(t, "28.65", pb.Total.StringFixed(2), "%s, scope %s", r, scope)
		}
	}
}

// TestPriceFixedDiscountNotTruncated: a fixed discount finer than the
// currency's scale is either refused or rounded by the book's rounding;
// never silently cut toward zero.
func TestPriceFixedDiscountNotTruncated(t *testing.T) {
	for _, c := range []struct {
		name           string
		scale          int32
		sell, discount string
		want           string
	}{
		{"USD", 2, "30.00", "10.005", "10.01"},
		{"TWD", 0, "300", "100.5", "101"},
	} {
		t.Run(c.name, func(t *testing.T) {
			book := ptBook()
			book.Scale = c.scale
			o := partsOrder(part("P", "1", c.sell))
			o.Discounts = []billing.Discount{{Code: "GOODWILL", Amount: d(c.discount)}}
			b, err := billing.Price(book, o)
			if err != nil {
				var ve *org.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.True(t, ve.Has("discounts[0].amount") || ve.Has("discounts[0]"), "%v", err)
				return
			}
			pb := ptPayer(t, b, billing.PayCustomer)
			requireSums(t, pb, false)
			ptEq(t, c.want, pb.Discount, "discount of "+c.discount)
		})
	}
}

// TestPriceLineIDsUnique: the bill is reconciled with the technician's
// lines line by line (R3.4b), so a line ID names one line. The same
// operation twice in a job (or the same part number) is either refused or
// gets two IDs.
func TestPriceLineIDsUnique(t *testing.T) {
	o := ptOrder(billing.Job{ID: "j1", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "BRK"}, {Op: "BRK", Hours: d("0.5")}},
		Parts: []billing.PartItem{part("F", "1", "5"), part("F", "1", "6")},
		Fees:  []billing.FeeItem{{Code: "DISP", Quantity: d("4")}, {Code: "DISP", Quantity: d("1")}}})
	b, err := billing.Price(ptBook(), o)
	if err != nil {
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("jobs[0].labor[1].op") && ve.Has("jobs[0].parts[1].number") && ve.Has("jobs[0].fees[1].code"), "%v", err)
		return
	}
	seen := map[string]bool{}
	for _, pb := range b.Payers {
		requireSums(t, pb, false)
		for _, l := range pb.Lines {
			assert.False(t, seen[l.ID], "line ID %s twice in %v", l.ID, ptIDs(b))
			seen[l.ID] = true
		}
	}
}

// TestPriceDeductibleAboveTheJob: a 500.00 deductible on a 150.00
// insurance job must not bill the insurer -350.00: either it is refused,
// or the customer's share is capped at the job and no payer owes a
// negative total.
func TestPriceDeductibleAboveTheJob(t *testing.T) {
	book := ptBook()
	b, err := billing.Price(book, ptOrder(billing.Job{ID: "j1", PayType: billing.PayInsurance, Deductible: d("500"), Labor: []billing.LaborItem{{Op: "BRK"}}}))
	if err != nil {
		f, ok := org.FieldErrorOf(err, "jobs[0].deductible")
		assert.True(t, ok, "%v", err)
		assert.Equal(t, org.CodeRange, f.Code)
		return
	}
	for _, pb := range b.Payers {
		requireSums(t, pb, false)
		assert.False(t, pb.Total.IsNegative(), "%s owes %s", pb.PayType, pb.Total)
	}
	ptEq(t, "150.00", b.Total(), "the payers together pay the job")
}
