package billing_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// The one input policy (docs/CONVENTIONS.md) holds a price book and an
// order to price as it holds every other input: text valid UTF-8, one
// line, no NUL or control character, at most 8,000 characters; decimals
// at most 20 digits before the point and 4 places after it (issue 15,
// found by fuzzing: internal/fuzzing/known_test.go, findings 1, 2, 2b).

// ipCase changes a valid book and names the one problem it must have.
type ipCase struct {
	name   string
	change func(b *billing.PriceBook)
	path   string
	code   string
}

func ipBookCases() []ipCase {
	long := strings.Repeat("x", 8001)
	return []ipCase{
		// Text.
		{"price_book_version_not_UTF8", func(b *billing.PriceBook) { b.Version = "\xff" }, "version", org.CodeFormat},
		{"price_book_version_with_NUL", func(b *billing.PriceBook) { b.Version = "2026-12\x00" }, "version", org.CodeControl},
		{"price_book_version_on_two_lines", func(b *billing.PriceBook) { b.Version = "2026-12\nv2" }, "version", org.CodeControl},
		{"labor_type_with_DEL", func(b *billing.PriceBook) { b.Labor.Rates[0].LaborType = "diag\x7f" }, "labor.rates[0].labor_type", org.CodeControl},
		{"operation_code_not_UTF8", func(b *billing.PriceBook) { b.Labor.Operations[0].Code = "BRK\xfe" }, "labor.operations[0].code", org.CodeFormat},
		{"operation_description_with_tab", func(b *billing.PriceBook) { b.Labor.Operations[1].Description = "Oil\tfilter" },
			"labor.operations[1].description", org.CodeControl},
		{"operation_description_with_line_separator", func(b *billing.PriceBook) { b.Labor.Operations[1].Description = "Oil\u2028filter" },
			"labor.operations[1].description", org.CodeControl},
		{"fee_description_over_8000_characters", func(b *billing.PriceBook) { b.Fees[0].Description = long }, "fees[0].description", org.CodeTooLong},
		{"fee_unit_with_C1_control", func(b *billing.PriceBook) { b.Fees[1].Unit = "L\u0085" }, "fees[1].unit", org.CodeControl},
		{"coupon_code_with_NUL", func(b *billing.PriceBook) { b.Coupons = []billing.Coupon{{Code: "WELCOME\x00", Percent: vtDec("0.1")}} },
			"coupons[0].code", org.CodeControl},
		{"tax_rate_name_not_UTF8", func(b *billing.PriceBook) { b.Tax.Rates[0].Name = "VAT \xe7\x87" }, "tax.rates[0].name", org.CodeFormat},
		{"manual_price_role_with_NUL", func(b *billing.PriceBook) { b.ManualPrices.Roles = []org.Role{"supervisor\x00"} },
			"manual_prices.roles[0]", org.CodeControl},
		// Decimals: 20 digits before the point, 4 places after it.
		{"labor_rate_1e30", func(b *billing.PriceBook) { b.Labor.Rates[0].Rate = vtDec("1e30") }, "labor.rates[0].rate", org.CodeRange},
		{"labor_rate_21_digits", func(b *billing.PriceBook) { b.Labor.Rates[0].Rate = vtDec("100000000000000000000") },
			"labor.rates[0].rate", org.CodeRange},
		{"labor_rate_20_places", func(b *billing.PriceBook) { b.Labor.Rates[0].Rate = vtDec("1200.00000000000000000001") },
			"labor.rates[0].rate", org.CodePlaces},
		{"labor_rate_5_places", func(b *billing.PriceBook) { b.Labor.Rates[0].Rate = vtDec("1200.00001") }, "labor.rates[0].rate", org.CodePlaces},
		{"operation_hours_5_places", func(b *billing.PriceBook) { b.Labor.Operations[0].Hours = vtDec("1.50001") },
			"labor.operations[0].hours", org.CodePlaces},
		{"labor_increment_5_places", func(b *billing.PriceBook) { b.Labor.Increment = vtDec("0.00001") }, "labor.increment", org.CodePlaces},
		{"matrix_bound_5_places", func(b *billing.PriceBook) { b.Parts.Matrix[0].From = vtDec("0.00001") }, "parts.matrix[0].from", org.CodePlaces},
		{"matrix_multiplier_5_places", func(b *billing.PriceBook) { b.Parts.Matrix[0].Multiplier = vtDec("1.66667") },
			"parts.matrix[0].multiplier", org.CodePlaces},
		{"matrix_margin_5_places", func(b *billing.PriceBook) { b.Parts.Matrix[2].Margin = vtDec("0.33333") }, "parts.matrix[2].margin", org.CodePlaces},
		{"sublet_markup_5_places", func(b *billing.PriceBook) { b.Sublet.Markup = vtDec("0.15001") }, "sublet.markup", org.CodePlaces},
		{"fee_percent_5_places", func(b *billing.PriceBook) { b.Fees[0].Percent = vtDec("0.03001") }, "fees[0].percent", org.CodePlaces},
		{"fee_unit_price_1e30", func(b *billing.PriceBook) { b.Fees[1].UnitPrice = vtDec("1e30") }, "fees[1].unit_price", org.CodeRange},
		{"coupon_amount_5_places", func(b *billing.PriceBook) { b.Coupons = []billing.Coupon{{Code: "TEN", Amount: vtDec("10.00001")}} },
			"coupons[0].amount", org.CodePlaces},
		// A tax rate is copied into every bill line it taxes, and Settle
		// holds a bill to 4 places: 8.875% is not a rate a book can keep.
		{"tax_rate_5_places", func(b *billing.PriceBook) { b.Tax.Rates[0].Rate = vtDec("0.08875") }, "tax.rates[0].rate", org.CodePlaces},
		{"overrun_amount_1e30", func(b *billing.PriceBook) { b.Overrun.Amount = vtDec("1e30") }, "overrun.amount", org.CodeRange},
		{"overrun_percent_5_places", func(b *billing.PriceBook) { b.Overrun.Percent = vtDec("0.10001") }, "overrun.percent", org.CodePlaces},
		// One problem per field: where the book's own rule fails too, the
		// input policy's problem is the one reported.
		{"negative_rate_with_5_places_is_one_problem", func(b *billing.PriceBook) { b.Labor.Rates[0].Rate = vtDec("-1.00001") },
			"labor.rates[0].rate", org.CodePlaces},
		{"duplicate_fee_code_with_NUL_is_one_problem", func(b *billing.PriceBook) { b.Fees[0].Code, b.Fees[1].Code = "X\x00", "X\x00" },
			"fees[1].code", org.CodeControl},
	}
}

// ipBook is the Taipei book, valid.
func ipBook(t *testing.T) *billing.PriceBook {
	t.Helper()
	b := stlBook(t)
	require.NoError(t, b.Validate())
	return b
}

// ipProblems is every problem of err, as "path code"; err must be a
// *org.ValidationError with op, and ErrInvalid.
func ipProblems(t *testing.T, err error, op string) []string {
	t.Helper()
	require.ErrorIs(t, err, org.ErrInvalid)
	return vtFields(t, err, op)
}

func TestPriceBookValidate_inputPolicy(t *testing.T) {
	for _, c := range ipBookCases() {
		t.Run(c.name, func(t *testing.T) {
			b := ipBook(t)
			c.change(b)
			got := ipProblems(t, b.Validate(), "billing: price book")
			want := []string{c.path + " " + c.code}
			if c.name == "duplicate_fee_code_with_NUL_is_one_problem" {
				want = []string{"fees[0].code " + c.code, c.path + " " + c.code}
			}
			assert.ElementsMatch(t, want, got)
		})
	}
}

func TestSavePriceBook_inputPolicy(t *testing.T) {
	env := stlMemEnv(t)
	events := func() int {
		t.Helper()
		evs, err := env.store.(interface {
			Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error)
		}).Events(env.ctx, stlDealer, 0, org.MaxPage)
		require.NoError(t, err)
		return len(evs)
	}
	for _, c := range ipBookCases() {
		t.Run(c.name, func(t *testing.T) {
			b := ipBook(t)
			b.Version = "2026-12"
			c.change(b)
			before := events()
			_, err := env.svc.SavePriceBook(env.ctx, stlDealer, stlSup, b, true)
			assert.Contains(t, ipProblems(t, err, "billing: price book"), c.path+" "+c.code)

			// Nothing stored: no such version, the active book as it was,
			// no event.
			_, err = env.store.PriceBook(env.ctx, stlDealer, b.Version)
			assert.ErrorIs(t, err, org.ErrNotFound)
			active, err := env.store.ActivePriceBook(env.ctx, stlDealer)
			require.NoError(t, err)
			assert.Equal(t, env.book.Version, active.Book.Version)
			assert.Equal(t, int64(1), active.Version)
			assert.Equal(t, before, events(), "a refused price book writes no event")
		})
	}
	t.Run("a_valid_book_of_4_places_is_saved", func(t *testing.T) {
		b := ipBook(t)
		b.Version = "2026-12-four-places"
		b.Labor.Rates[0].Rate = vtDec("1200.1234")
		b.Parts.Matrix[0].Multiplier = vtDec("1.6667")
		b.Tax.Rates[0].Rate = vtDec("0.0825")
		b.Labor.Operations[0].Description = "Front brake pads 前來令片"
		_, err := env.svc.SavePriceBook(env.ctx, stlDealer, stlSup, b, false)
		require.NoError(t, err)
	})
}

// The precedence of the book's own rules over the input policy's at one
// path, where the field's own says more.
func TestPriceBookValidate_inputPolicyPrecedence(t *testing.T) {
	t.Run("blank_version_with_a_tab_stays_required", func(t *testing.T) {
		b := ipBook(t)
		b.Version = " \t"
		assert.Equal(t, []string{"version required"}, ipProblems(t, b.Validate(), "billing: price book"))
	})
	t.Run("long_version_is_too_long_for_its_own_bound", func(t *testing.T) {
		b := ipBook(t)
		b.Version = strings.Repeat("v", 9000)
		err := b.Validate()
		assert.Equal(t, []string{"version too_long"}, ipProblems(t, err, "billing: price book"))
		f, ok := org.FieldErrorOf(err, "version")
		require.True(t, ok)
		assert.Contains(t, f.Message, "billing.MaxPriceBookKeyLength")
	})
	t.Run("items_of_a_list_too_long_are_not_checked", func(t *testing.T) {
		b := ipBook(t)
		b.Coupons = nil
		for range billing.MaxPriceBookEntries + 1 {
			b.Coupons = append(b.Coupons, billing.Coupon{Code: "\x00", Amount: vtDec("1e30")})
		}
		assert.Equal(t, []string{"coupons too_long"}, ipProblems(t, b.Validate(), "billing: price book"))
	})
}

// A price book file is held to the input policy when it loads: the
// problem names the file, the line and the field.
func TestLoadPriceBook_inputPolicy(t *testing.T) {
	data := strings.Replace(ltJSON, `"rate": 90`, `"rate": 90.00001`, 1)
	require.NotEqual(t, ltJSON, data)
	_, err := billing.LoadPriceBook("b.json", []byte(data))
	require.ErrorIs(t, err, org.ErrInvalid)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1, "%v", err)
	assert.Equal(t, "labor.rates[1].rate", ve.Fields[0].Path)
	assert.Equal(t, org.CodePlaces, ve.Fields[0].Code)
	assert.Equal(t, "b.json", ve.Fields[0].File)

	_, err = billing.LoadPriceBook("b.yaml", []byte(strings.Replace(ltBook, "rate: 90", `rate: 90`+"\n      labor_type: \"diag\\u0000\"", 1)))
	require.ErrorIs(t, err, org.ErrInvalid)
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1, "%v", err)
	assert.Equal(t, "labor.rates[1].labor_type", ve.Fields[0].Path)
	assert.Equal(t, org.CodeControl, ve.Fields[0].Code)
}

// Every price book the SDK ships still loads: none needs more than 4
// places or holds a control character.
func TestShippedPriceBooksKeepTheInputPolicy(t *testing.T) {
	for _, path := range []string{
		"testdata/pricebooks/taipei.yaml",
		"testdata/pricebooks/taipei.json",
		"testdata/pricebooks/us.yaml",
		"../examples/internal/demo/pricebook.yaml",
	} {
		t.Run(path, func(t *testing.T) {
			_, err := billing.LoadPriceBookFile(path)
			require.NoError(t, err)
		})
	}
}

// ipOrder is a valid order for the Taipei book: brake pads on one job.
func ipOrder() billing.Order {
	return billing.Order{WorkOrder: "RO-1", Jobs: []billing.Job{{ID: "j1", Title: "Brakes", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "BRK-01", Description: "Front brake pads"}},
		Parts: []billing.PartItem{{Number: "PAD-1", Description: "pads", Quantity: vtDec("1"), Cost: vtDec("800")}},
	}}}
}

// Service.Price holds the order to the input policy as Settle holds its
// input, before it reads anything.
func TestServicePrice_inputPolicy(t *testing.T) {
	env := stlMemEnv(t)
	_, err := env.svc.Price(env.ctx, stlDealer, stlChen, ipOrder())
	require.NoError(t, err, "the order is valid as it is")
	for _, c := range []struct {
		name   string
		change func(o *billing.Order)
		want   []string
	}{
		{"part_quantity_1e30", func(o *billing.Order) { o.Jobs[0].Parts[0].Quantity = vtDec("1e30") }, []string{"jobs[0].parts[0].quantity out_of_range"}},
		{"part_quantity_5_places", func(o *billing.Order) { o.Jobs[0].Parts[0].Quantity = vtDec("1.00001") },
			[]string{"jobs[0].parts[0].quantity too_many_places"}},
		{"part_cost_20_places", func(o *billing.Order) { o.Jobs[0].Parts[0].Cost = vtDec("800.00000000000000000001") },
			[]string{"jobs[0].parts[0].cost too_many_places"}},
		{"labor_hours_1e30", func(o *billing.Order) { o.Jobs[0].Labor[0].Hours = vtDec("1e30") }, []string{"jobs[0].labor[0].hours out_of_range"}},
		{"deductible_5_places", func(o *billing.Order) { o.Jobs[0].Deductible = vtDec("0.00001") }, []string{"jobs[0].deductible too_many_places"}},
		{"discount_percent_5_places", func(o *billing.Order) {
			o.Discounts = []billing.Discount{{Code: "D", Description: "goodwill", Percent: vtDec("0.10001")}}
		}, []string{"discounts[0].percent too_many_places"}},
		{"work_order_not_UTF8", func(o *billing.Order) { o.WorkOrder = "RO-\xff" }, []string{"work_order invalid_format"}},
		{"job_title_with_NUL", func(o *billing.Order) { o.Jobs[0].Title = "Brakes\x00" }, []string{"jobs[0].title control_character"}},
		{"part_description_on_two_lines", func(o *billing.Order) { o.Jobs[0].Parts[0].Description = "pads\nfront" },
			[]string{"jobs[0].parts[0].description control_character"}},
		{"coupon_with_NUL", func(o *billing.Order) { o.Coupons = []string{"WELCOME\x00"} }, []string{"coupons[0] control_character"}},
		{"every_bad_field_at_once", func(o *billing.Order) {
			o.Jobs[0].Title = "\xff"
			o.Jobs[0].Parts[0].Quantity = vtDec("1e30")
		}, []string{"jobs[0].title invalid_format", "jobs[0].parts[0].quantity out_of_range"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := ipOrder()
			c.change(&o)
			bill, err := env.svc.Price(env.ctx, stlDealer, stlChen, o)
			assert.ElementsMatch(t, c.want, ipProblems(t, err, "billing: price"))
			assert.Empty(t, bill.Payers, "no bill")
		})
	}
	t.Run("checked_before_anything_is_read", func(t *testing.T) {
		o := ipOrder()
		o.Jobs[0].Parts[0].Quantity = vtDec("1e30")
		_, err := env.svc.Price(env.ctx, "no-such-dealer", org.Actor{ID: "nobody", Role: org.RoleAdvisor}, o)
		assert.Equal(t, []string{"jobs[0].parts[0].quantity out_of_range"}, ipProblems(t, err, "billing: price"))
	})
}
