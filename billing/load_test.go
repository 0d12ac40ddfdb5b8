package billing_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

const ltDir = "testdata/pricebooks"

// ltLoad loads a shipped book and requires it valid.
func ltLoad(t *testing.T, file string) *billing.PriceBook {
	t.Helper()
	b, err := billing.LoadPriceBookFile(filepath.Join(ltDir, file))
	require.NoError(t, err)
	require.NoError(t, b.Validate())
	return b
}

func ltStrings(ds ...decimal.Decimal) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

func TestLoadPriceBook_taipei(t *testing.T) {
	b := ltLoad(t, "taipei.yaml")
	assert.Equal(t, "2026-11", b.Version)
	assert.Equal(t, "TWD", b.Currency)
	assert.EqualValues(t, 0, b.Scale)
	assert.Equal(t, billing.HalfUp, b.Rounding)
	var rates []string
	for _, r := range b.Labor.Rates {
		rates = append(rates, string(r.PayType)+" "+r.Rate.String())
	}
	assert.Equal(t, []string{"customer 1200", "warranty 1000", "internal 800"}, rates)
	var ops []string
	for _, o := range b.Labor.Operations {
		ops = append(ops, o.Code+" "+o.Hours.String())
	}
	assert.Equal(t, []string{"BRK-01 1.5", "OIL-01 0.5", "AC-02 1", "SUS-07 1", "BRK-04 1"}, ops)
	m := b.Parts.Matrix
	require.Len(t, m, 3)
	assert.Equal(t, []string{"0", "500", "1.8", "500", "2000", "1.6", "2000", "0", "0.3"},
		ltStrings(m[0].From, m[0].To, m[0].Multiplier, m[1].From, m[1].To, m[1].Multiplier, m[2].From, m[2].To, m[2].Margin))
	require.Len(t, b.Fees, 2)
	shop, disposal := b.Fees[0], b.Fees[1]
	assert.Equal(t, []string{"0.03", "50", "300"}, ltStrings(shop.Percent, shop.Min, shop.Max))
	assert.Equal(t, billing.BaseLabor, shop.Base)
	assert.Equal(t, []billing.PayType{billing.PayCustomer}, shop.PayTypes)
	assert.True(t, disposal.PerUnit())
	assert.Equal(t, "15 litre", disposal.UnitPrice.String()+" "+disposal.Unit)
	assert.Equal(t, "WELCOME 0.1", b.Coupons[0].Code+" "+b.Coupons[0].Percent.String())
	assert.True(t, b.Tax.Inclusive)
	assert.Equal(t, billing.ScopeDocument, b.Tax.Scope)
	assert.Equal(t, billing.Rounding{Mode: billing.HalfUp, Places: 0}, b.Tax.Rounding)
	require.Len(t, b.Tax.Rates, 1)
	assert.Equal(t, "VAT 5% (營業稅) 0.05", b.Tax.Rates[0].Name+" "+b.Tax.Rates[0].Rate.String())
	assert.Equal(t, []string{"2000", "0.1"}, ltStrings(b.Overrun.Amount, b.Overrun.Percent))

	// An oil change with 4 litres of disposal and a part costing 300:
	// labor 0.5h x 1200 = 600, disposal 60, part 300 x 1.8 = 540, shop
	// supplies 3% of 600 = 18, raised to the 50 minimum; 1250 with VAT
	// 1250 x 5/105 = 59.52, rounded once for the document to 60.
	bill, err := billing.Price(b, billing.Order{Jobs: []billing.Job{{ID: "j1", Title: "oil", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "OIL-01"}},
		Parts: []billing.PartItem{{Number: "OF-1", Quantity: vtDec("1"), Cost: vtDec("300")}},
		Fees:  []billing.FeeItem{{Code: "OIL-DISP", Quantity: vtDec("4")}}}}})
	require.NoError(t, err)
	pb, ok := bill.Payer(billing.PayCustomer)
	require.True(t, ok)
	assert.Equal(t, []string{"1250", "60"}, ltStrings(pb.Total, pb.Tax))
}

func TestLoadPriceBook_us(t *testing.T) {
	b := ltLoad(t, "us.yaml")
	assert.Equal(t, "USD", b.Currency)
	assert.EqualValues(t, 2, b.Scale)
	assert.Equal(t, []string{"0.25", "0.5"}, ltStrings(b.Labor.Increment, b.Labor.Minimum))
	assert.False(t, b.Tax.Inclusive)
	assert.Equal(t, billing.ScopeLine, b.Tax.Scope)
	require.Len(t, b.Tax.Rates, 1)
	st := b.Tax.Rates[0]
	assert.Equal(t, "0.0825", st.Rate.String())
	assert.Equal(t, []billing.Kind{billing.KindPart, billing.KindFee}, st.Kinds)
	assert.NotContains(t, st.PayTypes, billing.PayWarranty)
	assert.Equal(t, []string{"0.05", "20"}, ltStrings(b.Fees[0].Percent, b.Fees[0].Max))
	assert.Equal(t, "3.5 tire", b.Fees[1].UnitPrice.String()+" "+b.Fees[1].Unit)

	// LOF: 0.3h rounds up to the quarter, 0.5h, also the minimum: 82.50.
	// Five filters at cost 8.00 x 2.0: 80.00. Shop supplies 5% of 82.50:
	// 4.13. Sales tax on the part 6.60 and on the fee 0.34, labor exempt.
	// A warranty job's parts are exempt.
	job := func(id string, p billing.PayType) billing.Job {
		return billing.Job{ID: id, Title: "lof", PayType: p, Labor: []billing.LaborItem{{Op: "LOF"}},
			Parts: []billing.PartItem{{Number: "F", Quantity: vtDec("5"), Cost: vtDec("8.00")}}}
	}
	bill, err := billing.Price(b, billing.Order{Jobs: []billing.Job{job("j1", billing.PayCustomer), job("j2", billing.PayWarranty)}})
	require.NoError(t, err)
	c, ok := bill.Payer(billing.PayCustomer)
	require.True(t, ok)
	assert.Equal(t, []string{"173.57", "6.94"}, []string{c.Total.StringFixed(2), c.Tax.StringFixed(2)})
	w, ok := bill.Payer(billing.PayWarranty)
	require.True(t, ok)
	assert.Equal(t, []string{"144.25", "0.00"}, []string{w.Total.StringFixed(2), w.Tax.StringFixed(2)})
}

// The JSON copy is the same book as the YAML, and every book written back
// as JSON loads as itself.
func TestLoadPriceBook_jsonCopyAndRoundTrip(t *testing.T) {
	yamlBook, jsonBook := ltLoad(t, "taipei.yaml"), ltLoad(t, "taipei.json")
	want, err := json.Marshal(yamlBook)
	require.NoError(t, err)
	got, err := json.Marshal(jsonBook)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))

	for _, file := range []string{"taipei.yaml", "us.yaml", "taipei.json"} {
		data, err := json.Marshal(ltLoad(t, file))
		require.NoError(t, err)
		again, err := billing.LoadPriceBook("again.json", data)
		require.NoError(t, err, file)
		data2, err := json.Marshal(again)
		require.NoError(t, err)
		assert.JSONEq(t, string(data), string(data2), file)
	}
}

// ltBook is a valid YAML book; cases edit it line by line.
const ltBook = `version: "1"
currency: USD
scale: 2
rounding: half_up
labor:
  rates:
    - pay_type: customer
      rate: 100
    - rate: 90
tax:
  scope: line
  rounding: {mode: half_up, places: 2}
`

// ltJSON is the same book as JSON.
const ltJSON = `{
  "version": "1",
  "currency": "USD",
  "scale": 2,
  "rounding": "half_up",
  "labor": {
    "rates": [
      {"pay_type": "customer", "rate": 100},
      {"rate": 90}
    ]
  },
  "tax": {"scope": "line", "rounding": {"mode": "half_up", "places": 2}}
}
`

func TestLoadPriceBook_problems(t *testing.T) {
	for _, c := range []struct {
		name string
		file string
		data string
		want []string // "path code", in this order
	}{
		{"yaml_validate_problem_at_its_line", "pb/b.yaml", strings.Replace(ltBook, "rate: 100", "rate: -100", 1),
			[]string{"pb/b.yaml:8:7: labor.rates[0].rate out_of_range"}},
		{"yaml_unknown_field_at_line_and_column", "b.yaml", strings.Replace(ltBook, "rate: 90", "rate: 90\n      labour_type: diag", 1),
			[]string{"b.yaml:10:7: labor.rates[1].labour_type unknown_value"}},
		{"yaml_unknown_top_field", "b.yml", ltBook + "taxes: {}\n",
			[]string{"b.yml:13:1: taxes unknown_value"}},
		{"yaml_wrong_type_scalar", "b.yaml", strings.Replace(ltBook, "scale: 2", "scale: two", 1),
			[]string{"b.yaml:3:8: scale invalid_format"}},
		{"yaml_wrong_type_float_for_int", "b.yaml", strings.Replace(ltBook, "scale: 2", "scale: 2.5", 1),
			[]string{"b.yaml:3:8: scale invalid_format"}},
		{"yaml_int_out_of_range", "b.yaml", strings.Replace(ltBook, "scale: 2", "scale: 99999999999", 1),
			[]string{"b.yaml:3:8: scale out_of_range"}},
		{"yaml_wrong_type_list_for_mapping_hides_what_follows", "b.yaml", strings.Replace(ltBook, "tax:\n  scope: line\n  rounding: {mode: half_up, places: 2}", "tax: [line]", 1),
			[]string{"b.yaml:10:6: tax invalid_format"}},
		{"yaml_wrong_type_mapping_for_text", "b.yaml", strings.Replace(ltBook, "currency: USD", "currency: {code: USD}", 1),
			[]string{"b.yaml:2:11: currency invalid_format"}},
		{"yaml_bool_for_text", "b.yaml", strings.Replace(ltBook, "currency: USD", "currency: true", 1),
			[]string{"b.yaml:2:11: currency invalid_format"}},
		{"yaml_yes_is_not_a_bool", "b.yaml", ltBook[:len(ltBook)-1] + "\n  inclusive: yes\n",
			[]string{"b.yaml:13:14: tax.inclusive invalid_format"}},
		{"yaml_text_for_decimal", "b.yaml", strings.Replace(ltBook, "rate: 90", "rate: 90 USD", 1),
			[]string{"b.yaml:9:13: labor.rates[1].rate invalid_format"}},
		{"yaml_hex_is_not_a_decimal", "b.yaml", strings.Replace(ltBook, "rate: 90", "rate: 0x5A", 1),
			[]string{"b.yaml:9:13: labor.rates[1].rate invalid_format"}},
		{"yaml_infinity_is_not_a_decimal", "b.yaml", strings.Replace(ltBook, "rate: 90", "rate: .inf", 1),
			[]string{"b.yaml:9:13: labor.rates[1].rate invalid_format"}},
		{"yaml_decimal_too_fine", "b.yaml", strings.Replace(ltBook, "rate: 90", "rate: 1e-40", 1),
			[]string{"b.yaml:9:13: labor.rates[1].rate out_of_range"}},
		{"yaml_duplicate_key", "b.yaml", ltBook + "currency: TWD\n",
			[]string{"b.yaml:13:1: currency duplicate"}},
		{"yaml_syntax_error_with_line", "b.yaml", strings.Replace(ltBook, "  scope: line", "  scope: [line", 1),
			[]string{"b.yaml:11 invalid_format"}},
		{"yaml_parser_error_line_as_an_editor_counts", "b.yaml", ltBook + "- c\n",
			[]string{"b.yaml:13 invalid_format"}},
		{"yaml_scanner_error_line", "b.yaml", strings.Replace(ltBook, "currency: USD", "currency: @USD", 1),
			[]string{"b.yaml:2 invalid_format"}},
		{"yaml_tab_indent", "b.yaml", "version: 1\n\tcurrency: USD\n",
			[]string{"b.yaml:2 invalid_format"}},
		{"yaml_unknown_anchor", "b.yaml", ltBook + "overrun: *nothing\n",
			[]string{"b.yaml:13:10 invalid_format"}},
		{"yaml_empty", "b.yaml", "", []string{"b.yaml required"}},
		{"yaml_only_comments", "b.yaml", "# nothing yet\n", []string{"b.yaml required"}},
		{"yaml_document_marker_only", "b.yaml", "---\n", []string{"b.yaml:2:1 required"}},
		{"yaml_null_document", "b.yaml", "~\n", []string{"b.yaml:1:1 required"}},
		{"json_null", "b.json", "null", []string{"b.json:1:1 required"}},
		{"yaml_root_is_a_list", "b.yaml", "- version: 1\n", []string{"b.yaml:1:1 invalid_format"}},
		{"yaml_root_is_text", "b.yaml", "hello\n", []string{"b.yaml:1:1 invalid_format"}},
		{"yaml_second_document", "b.yaml", ltBook + "---\nversion: 2\n", []string{"b.yaml:13:1 invalid"}},
		{"yaml_merge_of_text", "b.yaml", ltBook + "overrun:\n  <<: 5\n", []string{"b.yaml:14:7: overrun invalid_format"}},
		{"yaml_complex_key", "b.yaml", ltBook + "? [a, b]\n: c\n", []string{"b.yaml:13:3 invalid_format"}},
		{"yaml_merge_of_itself", "b.yaml", ltBook + "overrun: &o\n  <<: *o\n", []string{"b.yaml:13:10: overrun invalid"}},
		{"yaml_missing_fields_at_the_document", "b.yaml", "version: 1\n",
			[]string{"b.yaml:1:1: currency required", "b.yaml:1:1: rounding required", "b.yaml:1:1: labor.rates required",
				"b.yaml:1:1: tax.scope required", "b.yaml:1:1: tax.rounding.mode required"}},
		{"yaml_missing_field_at_its_parent", "b.yaml", strings.Replace(ltBook, "  scope: line\n", "", 1),
			[]string{"b.yaml:10:1: tax.scope required"}},
		{"yaml_every_problem_at_once_in_file_order", "pricebooks/taipei.yaml", `version: "1"
currency: usd
scale: 2
rounding: half_up
colour: red
labor:
  rates:
    - pay_type: customer
      rate: 1200
    - pay_type: warranty
      rate: 1000
    - pay_type: intern
      rate: -800
  minimum: [0.5]
parts:
  matrix:
    - {from: 0, to: 500, multiplier: 1.8}
    - {from: 400, margin: 0.3}
tax:
  scope: line
  rounding: {mode: cash, places: 0}
  rates:
    - {code: VAT, rate: "0.05", kinds: [labor, parts]}
`, []string{
			"pricebooks/taipei.yaml:2:1: currency invalid_format",
			"pricebooks/taipei.yaml:5:1: colour unknown_value",
			"pricebooks/taipei.yaml:12:7: labor.rates[2].pay_type unknown_value",
			"pricebooks/taipei.yaml:13:7: labor.rates[2].rate out_of_range",
			"pricebooks/taipei.yaml:14:12: labor.minimum invalid_format",
			"pricebooks/taipei.yaml:18:7: parts.matrix[1] invalid",
			"pricebooks/taipei.yaml:21:3: tax.rounding.increment out_of_range",
			"pricebooks/taipei.yaml:23:48: tax.rates[0].kinds[1] unknown_value",
		}},

		{"json_validate_problem_at_its_line", "b.json", strings.Replace(ltJSON, `"rate": 90`, `"rate": -90`, 1),
			[]string{"b.json:9:8: labor.rates[1].rate out_of_range"}},
		{"json_unknown_field_at_line_and_column", "b.json", strings.Replace(ltJSON, `{"rate": 90}`, `{"rate": 90, "labour": "x"}`, 1),
			[]string{"b.json:9:20: labor.rates[1].labour unknown_value"}},
		{"json_syntax_error_at_line_and_column", "b.json", strings.Replace(ltJSON, `"currency": "USD"`, `"currency" "USD"`, 1),
			[]string{"b.json:3:14 invalid_format"}},
		{"json_trailing_comma", "b.json", strings.Replace(ltJSON, `{"rate": 90}`, `{"rate": 90},`, 1),
			[]string{"b.json:10:5 invalid_format"}},
		{"json_number_for_text", "b.json", strings.Replace(ltJSON, `"version": "1"`, `"version": 1`, 1),
			[]string{"b.json:2:14: version invalid_format"}},
		{"json_string_for_bool", "b.json", strings.Replace(ltJSON, `"scope": "line"`, `"scope": "line", "inclusive": "true"`, 1),
			[]string{"b.json:12:41: tax.inclusive invalid_format"}},
		{"json_string_for_int", "b.json", strings.Replace(ltJSON, `"scale": 2`, `"scale": "2"`, 1),
			[]string{"b.json:4:12: scale invalid_format"}},
		{"json_keys_are_case_sensitive", "b.json", strings.Replace(ltJSON, `"scale"`, `"Scale"`, 1),
			[]string{"b.json:4:3: Scale unknown_value"}},
		{"json_duplicate_key", "b.json", strings.Replace(ltJSON, `"scale": 2,`, `"scale": 2, "scale": 3,`, 1),
			[]string{"b.json:4:15: scale duplicate"}},
		{"json_no_merge_keys", "b.json", strings.Replace(ltJSON, `"scale": 2,`, `"scale": 2, "<<": {},`, 1),
			[]string{"b.json:4:15: << unknown_value"}},
		{"json_two_values", "b.json", ltJSON + "{}", []string{"b.json:14:1 invalid_format"}},
		{"json_cut_short", "b.json", ltJSON[:40], []string{"b.json:3:21 invalid_format"}},
		{"json_empty", "b.json", "  \n", []string{"b.json required"}},
		{"json_yaml_is_not_json", "b.JSON", ltBook, []string{"b.JSON:1:1 invalid_format"}},
		{"json_root_is_a_list", "b.json", "[]", []string{"b.json:1:1 invalid_format"}},
		{"json_every_problem_at_once", "b.json", `{
  "version": "",
  "currency": "USD",
  "scale": 2,
  "rounding": "half_up",
  "labor": {"rates": [{"rate": "1O0"}, {"rate": 90, "pay_type": "boss"}]},
  "tax": {"scope": "line", "rounding": {"mode": "half_up", "places": 2}, "vat": true}
}`, []string{
			"b.json:2:3: version required",
			"b.json:6:32: labor.rates[0].rate invalid_format",
			"b.json:6:53: labor.rates[1].pay_type unknown_value",
			"b.json:7:74: tax.vat unknown_value",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := billing.LoadPriceBook(c.file, []byte(c.data))
			assert.Nil(t, b)
			got := vtFields(t, err, "billing: load price book")
			assert.Equal(t, c.want, got)
			for _, p := range got {
				assert.True(t, strings.HasPrefix(p, c.file+":") || strings.HasPrefix(p, c.file+" "), "%s does not name the file", p)
			}
		})
	}
}

// A problem's message says what is wrong and, where it helps, what is right.
func TestLoadPriceBook_messages(t *testing.T) {
	_, err := billing.LoadPriceBook("b.yaml", []byte(strings.Replace(ltBook, "rate: 90", "rat: 90", 1)))
	f, ok := org.FieldErrorOf(err, "b.yaml:9:7: labor.rates[1].rat")
	require.True(t, ok, err)
	assert.Equal(t, "unknown field; the fields here are pay_type, labor_type, rate", f.Message)

	_, err = billing.LoadPriceBook("b.yaml", []byte(strings.Replace(ltBook, "  scope: line", "  scope: [line", 1)))
	f, ok = org.FieldErrorOf(err, "b.yaml:11")
	require.True(t, ok, err)
	assert.True(t, strings.HasPrefix(f.Message, "yaml: "), f.Message)
	assert.Contains(t, err.Error(), "billing: load price book: invalid input: b.yaml:11: yaml: ")

	_, err = billing.LoadPriceBook("b.yaml", []byte(strings.Replace(ltBook, "rate: 90", "rate: [90]", 1)))
	f, ok = org.FieldErrorOf(err, "b.yaml:9:13: labor.rates[1].rate")
	require.True(t, ok, err)
	assert.Equal(t, "must be a decimal number, not a list", f.Message)
}

// Decimals are read from their text, as numbers or strings, never through
// a float: 12345678901234567.89 keeps its digits and 12.50 its places.
func TestLoadPriceBook_decimalsExact(t *testing.T) {
	for _, c := range []struct{ name, file, text, want string }{
		{"yaml_number_above_2^53", "b.yaml", "12345678901234567.89", "12345678901234567.89"},
		{"yaml_string_above_2^53", "b.yaml", `"12345678901234567.89"`, "12345678901234567.89"},
		{"yaml_single_quoted", "b.yaml", `'12345678901234567.89'`, "12345678901234567.89"},
		{"yaml_trailing_zero_number", "b.yaml", "12.50", "12.50"},
		{"yaml_trailing_zero_string", "b.yaml", `"12.50"`, "12.50"},
		{"yaml_exponent", "b.yaml", "1.25e3", "1250"},
		{"yaml_0.1", "b.yaml", "0.1", "0.1"},
		{"json_number_above_2^53", "b.json", "12345678901234567.89", "12345678901234567.89"},
		{"json_string_above_2^53", "b.json", `"12345678901234567.89"`, "12345678901234567.89"},
		{"json_trailing_zero_number", "b.json", "12.50", "12.50"},
		{"json_trailing_zero_string", "b.json", `"12.50"`, "12.50"},
		{"json_exponent", "b.json", "1.25E+3", "1250"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := strings.Replace(ltBook, "rate: 90", "rate: "+c.text, 1)
			if c.file == "b.json" {
				data = strings.Replace(ltJSON, `"rate": 90`, `"rate": `+c.text, 1)
			}
			b, err := billing.LoadPriceBook(c.file, []byte(data))
			require.NoError(t, err)
			got := b.Labor.Rates[1].Rate
			want := vtDec(c.want)
			assert.True(t, got.Equal(want), "got %s, want %s", got, want)
			places := max(-want.Exponent(), 0)
			assert.Equal(t, c.want, got.StringFixed(places), "digits and places as written")
		})
	}
}

// YAML anchors, aliases and merge keys work: fields written beside a
// merge key win over the merged ones, and the earlier merge wins.
func TestLoadPriceBook_yamlMergeKeys(t *testing.T) {
	data := ltBook + `fees:
  - &shop
    code: SHOP
    description: Shop supplies
    percent: 0.05
    base: labor
    max: 20
    taxable: true
  - <<: *shop
    code: SHOP-W
    pay_types: [warranty]
  - <<: [{code: X, unit: tire, unit_price: 2}, *shop]
    percent: 0
`
	b, err := billing.LoadPriceBook("b.yaml", []byte(data))
	require.NoError(t, err)
	require.Len(t, b.Fees, 3)
	w := b.Fees[1]
	assert.Equal(t, []string{"SHOP-W", "Shop supplies", "labor"}, []string{w.Code, w.Description, string(w.Base)})
	assert.Equal(t, []string{"0.05", "20"}, ltStrings(w.Percent, w.Max))
	assert.True(t, w.Taxable)
	assert.Equal(t, []billing.PayType{billing.PayWarranty}, w.PayTypes)
	x := b.Fees[2]
	assert.Equal(t, []string{"X", "tire", "2", "0"}, []string{x.Code, x.Unit, x.UnitPrice.String(), x.Percent.String()})

	// A problem in a merged field is reported where the field is written.
	bad := strings.Replace(data, "max: 20", "max: -20", 1)
	_, err = billing.LoadPriceBook("b.yaml", []byte(bad))
	assert.Equal(t, []string{"b.yaml:19:5: fees[0].max out_of_range", "b.yaml:19:5: fees[1].max out_of_range", "b.yaml:19:5: fees[2].max out_of_range"},
		vtFields(t, err, "billing: load price book"))
}

// A small document whose aliases expand to far more than its size stops
// with one problem instead of growing without end.
func TestLoadPriceBook_aliasBomb(t *testing.T) {
	data := strings.Replace(ltBook, "  rounding: {mode: half_up, places: 2}\n",
		"  rounding: {mode: half_up, places: 2}\n  rates: [&r {code: VAT, rate: 0.05, kinds: ["+strings.Repeat("labor, ", 300)+"]}, "+
			strings.Repeat("*r, ", 300)+"]\n", 1)
	_, err := billing.LoadPriceBook("bomb.yaml", []byte(data))
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1, err)
	assert.True(t, strings.HasPrefix(ve.Fields[0].Where(), "bomb.yaml:13:"), ve.Fields[0].Where())
	assert.Equal(t, org.CodeInvalid, ve.Fields[0].Code)
	assert.Contains(t, ve.Fields[0].Message, "too much aliasing")
}

// A file with hundreds of problems lists the first 200 and counts the rest:
// here 250 negative rates, 249 of them a second default rate.
func TestLoadPriceBook_manyProblems(t *testing.T) {
	data := strings.Replace(ltBook, "    - rate: 90\n", strings.Repeat("    - rate: -90\n", 250), 1)
	_, err := billing.LoadPriceBook("many.yaml", []byte(data))
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 201)
	assert.Equal(t, "many.yaml:9:7: labor.rates[1].rate", ve.Fields[0].Where())
	assert.Equal(t, org.FieldError{File: "many.yaml", Code: org.CodeInvalid, Message: "299 more problems not listed"}, ve.Fields[200])
}

func TestLoadPriceBook_formatByExtension(t *testing.T) {
	// Unknown extensions read YAML, which reads JSON too.
	for _, name := range []string{"book.txt", "book", "book.YML", "book.yaml"} {
		_, err := billing.LoadPriceBook(name, []byte(ltJSON))
		assert.NoError(t, err, name)
		_, err = billing.LoadPriceBook(name, []byte(ltBook))
		assert.NoError(t, err, name)
	}
	_, err := billing.LoadPriceBook("book.Json", []byte(ltJSON))
	assert.NoError(t, err)
}

func TestLoadPriceBookFile(t *testing.T) {
	_, err := billing.LoadPriceBookFile(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.NotErrorIs(t, err, org.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), "billing: load price book: "), err.Error())

	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(ltBook, "rate: 90", "rate: -90", 1)), 0o600))
	_, err = billing.LoadPriceBookFile(path)
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, []string{path + ":9:7: labor.rates[1].rate"}, []string{ve.Fields[0].Where()})
}
