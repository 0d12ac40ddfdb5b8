package billing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

func explD(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// explSamples gives a sample value for every argument name the catalogue
// uses; a new argument must get one here.
var explSamples = map[string]string{
	"kind": "Invoice", "original": "INV-000001", "date": "2026-11-02", "reason": "price corrected", "method": "Cash",
	"op": "BRK-01", "description": "replace pads", "hours": "1.5", "rate": "5%", "amount": "1800",
	"number": "04465-0K240", "quantity": "2", "unit_price": "1200", "priced_by": "multiplier 1.6",
	"vendor": "Glass Co", "cost": "3000", "markup": "15%", "code": "SHOP", "unit": "L",
	"percent": "5%", "base": "12000", "base_kind": "labor_and_parts", "computed": "90", "max": "50",
	"min": "100", "job": "j1", "title": "front brakes", "payer": "insurance", "text": "Labor",
	"note": "tax 5%", "discount": "100", "name": "VAT", "tax": "86", "rounding": "half_up to 0 places",
	"subtotal": "1800", "total": "1700", "work_order": "WO-1", "version": "2026-11", "currency": "TWD",
	"mode": "half_up", "places": "2", "increment": "0.05", "factor": "1.6", "margin": "35%",
	"expected": "1.5", "actual": "2.0", "pay_type": "warranty",
	"final": "1250", "excess": "250", "allowed": "100",
	"n": "2", "what": "supplement 2", "by": "Kao Ming", "evidence": "0912-000-111, 2026-11-02 10:05 UTC", "approved": "j3", "declined": "j4",
}

var explHasHan = regexp.MustCompile(`\p{Han}`)

// explCompositions are the messages that only join other texts, so
// their Chinese has no Chinese words of its own, only fullwidth marks.
var explCompositions = []string{"line.with_tax", "line.with_discount", "label.tax_rate"}

func explArgs(t *testing.T, m billing.Message) map[string]string {
	t.Helper()
	args := map[string]string{}
	for _, a := range m.Args {
		v, ok := explSamples[a]
		require.True(t, ok, "no sample value for argument %q of %s: add one to explSamples", a, m.Key)
		args[a] = v
	}
	return args
}

// Every message renders in every language, with no placeholder left and
// no "<no value>"; the Chinese is Chinese.
func TestExplainEveryMessageRendersInEveryLanguage(t *testing.T) {
	msgs := billing.Messages()
	require.NotEmpty(t, msgs)
	for _, m := range msgs {
		args := explArgs(t, m)
		for _, lang := range org.Langs() {
			require.NotEmpty(t, m.Text[lang], "%s has no %s template", m.Key, lang)
			got, err := billing.Explanation{Key: m.Key, Args: args}.Render(lang)
			require.NoError(t, err, "%s [%s]", m.Key, lang)
			assert.NotEmpty(t, strings.TrimSpace(got), "%s [%s]", m.Key, lang)
			assert.NotContains(t, got, "{", "%s [%s]: %s", m.Key, lang, got)
			assert.NotContains(t, got, "}", "%s [%s]: %s", m.Key, lang, got)
			assert.NotContains(t, got, "<no value>", "%s [%s]", m.Key, lang)
			if lang == org.TraditionalChinese && !slices.Contains(explCompositions, m.Key) {
				assert.Regexp(t, explHasHan, m.Text[lang], "%s [zh-Hant] is not Chinese: %s", m.Key, m.Text[lang])
				assert.Regexp(t, explHasHan, got, "%s [zh-Hant] is not Chinese: %s", m.Key, got)
			}
		}
		if m.Key == "unit.公升" || m.Key == "tax_name.營業稅" || slices.Contains(explCompositions, m.Key) {
			continue
		}
		en, _ := billing.Explanation{Key: m.Key, Args: args}.Render(org.English)
		assert.NotRegexp(t, explHasHan, en, "%s [en] has Chinese: %s", m.Key, en)
	}
}

// Leaving out any argument a message needs is an error naming it, in
// every language; an unknown key is an error too.
func TestExplainMissingArgumentsAndUnknownKeys(t *testing.T) {
	for _, m := range billing.Messages() {
		for _, drop := range m.Args {
			args := explArgs(t, m)
			delete(args, drop)
			for _, lang := range org.Langs() {
				got, err := billing.Explanation{Key: m.Key, Args: args}.Render(lang)
				require.ErrorIs(t, err, billing.ErrMissingArg, "%s without %s [%s]", m.Key, drop, lang)
				assert.Contains(t, err.Error(), drop)
				assert.Empty(t, got)
			}
		}
	}
	for _, key := range []string{"", "line.nope", "LINE.LABOR", "tax.inclusive"} {
		_, err := billing.Explanation{Key: key}.Render(org.English)
		require.ErrorIs(t, err, billing.ErrUnknownMessage, "key %q", key)
	}
	t.Run("nil_args", func(t *testing.T) {
		_, err := billing.Explanation{Key: "line.labor"}.Render(org.TraditionalChinese)
		require.ErrorIs(t, err, billing.ErrMissingArg)
		s, err := billing.Explanation{Key: "label.total"}.Render(org.TraditionalChinese)
		require.NoError(t, err)
		assert.Equal(t, "合計", s)
	})
	t.Run("extra_args_are_ignored", func(t *testing.T) {
		s, err := billing.Explanation{Key: "label.total", Args: map[string]string{"x": "y"}}.Render(org.English)
		require.NoError(t, err)
		assert.Equal(t, "Total", s)
	})
	t.Run("a_line_that_cannot_render_shows_its_key_and_args", func(t *testing.T) {
		l := billing.Line{Explain: billing.Explanation{Key: "line.nope", Args: map[string]string{"b": "2", "a": "1"}}}
		assert.Equal(t, "line.nope{a=1, b=2}", l.Text(org.English))
		l.Explain.Key = "line.labor"
		assert.Equal(t, "line.labor{a=1, b=2}", l.Text(org.TraditionalChinese))
	})
}

func TestExplainReconciliationMessages(t *testing.T) {
	want := []string{"reconcile.clocked_variance", "reconcile.fee_missing", "reconcile.fee_not_in_book",
		"reconcile.fee_price_differs", "reconcile.fee_tax_differs", "reconcile.hours_differ", "reconcile.missing_from_bill", "reconcile.not_approved", "reconcile.not_performed",
		"reconcile.pay_type_differs", "reconcile.price_differs", "reconcile.quantity_differs", "reconcile.tax_differs",
		"reconcile.unpriced"}
	// Percent fees are order-level and charged per payer: their messages
	// name the payer too.
	perPayer := []string{"reconcile.fee_missing", "reconcile.fee_not_in_book", "reconcile.fee_price_differs", "reconcile.fee_tax_differs"}
	var got []string
	for _, m := range billing.Messages() {
		if strings.HasPrefix(m.Key, "reconcile.") {
			got = append(got, m.Key)
			args := []string{"job", "code", "expected", "actual"}
			if slices.Contains(perPayer, m.Key) {
				args = append(args, "pay_type")
			}
			assert.Equal(t, args, m.Args, m.Key)
		}
	}
	for _, k := range billing.DiffKinds() {
		assert.Contains(t, got, "reconcile."+string(k), "every kind of difference has its message")
	}
	for _, k := range want {
		assert.Contains(t, got, k)
	}
	tests := []struct {
		key, expected, actual, en, zh string
	}{
		{"reconcile.hours_differ", "1.5", "2.0",
			"Job j1: BRK-01 hours differ: 1.5 h on the work order, 2.0 h on the bill",
			"項目 j1：BRK-01 工時不符：工單 1.5 小時，帳單 2.0 小時"},
		{"reconcile.price_differs", "1200", "1250",
			"Job j1: BRK-01 price differs: it should be 1,200, the bill has 1,250",
			"項目 j1：BRK-01 價格不符：應為 1,200，帳單為 1,250"},
		{"reconcile.pay_type_differs", "customer", "customer+warranty",
			"Job j1: BRK-01 payer differs: Customer on the work order, Customer+Warranty on the bill",
			"項目 j1：BRK-01 付款方不符：工單為客戶付費，帳單為客戶付費+保固"},
		{"reconcile.clocked_variance", "1.5", "2.25",
			"Job j1: BRK-01 clocked 2.25 h against 1.5 h billed",
			"項目 j1：BRK-01 實際工時 2.25 小時，計費工時 1.5 小時"},
		{"reconcile.fee_missing", "1575", "0",
			"Fee BRK-01 (Warranty): the price book charges 1,575, but it is not on the bill",
			"規費 BRK-01（保固）：依價目表應收 1,575，但未列入帳單"},
		{"reconcile.fee_not_in_book", "0", "1575",
			"Fee BRK-01 (Warranty) is on the bill at 1,575, but the price book does not charge it",
			"規費 BRK-01（保固）列於帳單，金額 1,575，但依價目表不應收取"},
		{"reconcile.fee_price_differs", "1575", "999",
			"Fee BRK-01 (Warranty) differs: the price book charges 1,575, the bill has 999",
			"規費 BRK-01（保固）金額不符：依價目表應為 1,575，帳單為 999"},
		{"reconcile.unpriced", "", "1250",
			"Job j1: BRK-01 is on the bill at 1,250, but the price book cannot price it",
			"項目 j1：BRK-01 帳單金額 1,250，但價目表無法計價"},
	}
	for _, tt := range tests {
		e := billing.Explanation{Key: tt.key, Args: map[string]string{"job": "j1", "code": "BRK-01", "expected": tt.expected, "actual": tt.actual,
			"pay_type": "warranty"}}
		for lang, want := range map[org.Lang]string{org.English: tt.en, org.TraditionalChinese: tt.zh} {
			got, err := e.Render(lang)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	}
}

// Money arguments get thousands separators, the same in both languages;
// other arguments are shown as given.
func TestExplainThousandsSeparators(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"7", "7"}, {"999", "999"}, {"1000", "1,000"}, {"1200", "1,200"}, {"12000.50", "12,000.50"},
		{"999999.99", "999,999.99"}, {"1234567", "1,234,567"}, {"-1200", "-1,200"}, {"-999", "-999"},
		{"0.05", "0.05"}, {"n/a", "n/a"}, {"", ""}, {"1e3", "1e3"},
	}
	for _, tt := range tests {
		args := map[string]string{"job": "j1", "code": "04465", "expected": tt.in, "actual": "12345"}
		en, err := billing.Explanation{Key: "reconcile.price_differs", Args: args}.Render(org.English)
		require.NoError(t, err)
		assert.Equal(t, "Job j1: 04465 price differs: it should be "+tt.want+", the bill has 12,345", en, tt.in)
		zh, err := billing.Explanation{Key: "reconcile.price_differs", Args: args}.Render(org.TraditionalChinese)
		require.NoError(t, err)
		assert.Equal(t, "項目 j1：04465 價格不符：應為 "+tt.want+"，帳單為 12,345", zh, tt.in)
	}
	// A part number of digits is not an amount: no separators.
	e := billing.Explanation{Key: "line.core", Args: map[string]string{"number": "0446512345", "quantity": "1000", "unit_price": "1500", "amount": "1500000"}}
	got, err := e.Render(org.English)
	require.NoError(t, err)
	assert.Equal(t, "Core charge 0446512345: 1000 x 1,500 = 1,500,000, refunded when the old part is returned", got)
}

// Any Lang but Traditional Chinese renders English.
func TestExplainUnknownLangFallsBackToEnglish(t *testing.T) {
	bill := explPrice(t, explBook(false, billing.ScopeLine), explOrder())
	for _, lang := range []org.Lang{"", "fr", "zh-Hans", "zh", "EN", "zh-hant"} {
		assert.Equal(t, bill.Text(org.English), bill.Text(lang), "lang %q", lang)
		assert.Equal(t, bill.Payers[0].Text(org.English), bill.Payers[0].Text(lang))
		assert.Equal(t, bill.Payers[0].Lines[0].Text(org.English), bill.Payers[0].Lines[0].Text(lang))
		e := bill.Explained(lang)
		assert.Equal(t, org.English, e.Lang)
		for _, m := range billing.Messages() {
			args := explArgs(t, m)
			en, err := billing.Explanation{Key: m.Key, Args: args}.Render(org.English)
			require.NoError(t, err)
			got, err := billing.Explanation{Key: m.Key, Args: args}.Render(lang)
			require.NoError(t, err)
			require.Equal(t, en, got)
		}
	}
	assert.NotEqual(t, bill.Text(org.English), bill.Text(org.TraditionalChinese))
}

func TestExplainNames(t *testing.T) {
	type name interface{ Text(org.Lang) string }
	tests := []struct {
		v      name
		en, zh string
	}{
		{billing.PayCustomer, "Customer", "客戶付費"},
		{billing.PayWarranty, "Warranty", "保固"},
		{billing.PayInternal, "Internal", "內部帳"},
		{billing.PayContract, "Service contract", "服務合約"},
		{billing.PayInsurance, "Insurance", "保險理賠"},
		{billing.PayType("fleet"), "fleet", "fleet"},
		{billing.KindLabor, "Labor", "工資"},
		{billing.KindPart, "Parts", "零件"},
		{billing.KindCore, "Core charge", "舊件押金"},
		{billing.KindSublet, "Sublet", "外包"},
		{billing.KindFee, "Fees", "規費"},
		{billing.KindDeductible, "Deductible", "自負額"},
		{billing.ScopeUnit, "per unit", "逐件"},
		{billing.ScopeLine, "per line", "逐項"},
		{billing.ScopeGroup, "per tax rate", "同稅率合計"},
		{billing.ScopeDocument, "per document", "整張單據"},
		{billing.HalfUp, "half up", "四捨五入"},
		{billing.HalfEven, "half to even", "四捨六入五成雙"},
		{billing.Down, "down", "無條件捨去"},
		{billing.Up, "up", "無條件進位"},
		{billing.Cash, "to the cash increment", "依現金單位四捨五入"},
		{billing.Rounding{Mode: billing.HalfUp, Places: 0}, "half up to whole units", "四捨五入至整數"},
		{billing.Rounding{Mode: billing.HalfEven, Places: 2}, "half to even to 2 decimal places", "四捨六入五成雙至小數第 2 位"},
		{billing.Rounding{Mode: billing.Down, Places: 1}, "down to 1 decimal place", "無條件捨去至小數第 1 位"},
		{billing.Rounding{Mode: billing.Cash, Increment: explD("0.05")}, "half up to the nearest 0.05", "以 0.05 為單位四捨五入"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.en, tt.v.Text(org.English), "%v", tt.v)
		assert.Equal(t, tt.zh, tt.v.Text(org.TraditionalChinese), "%v", tt.v)
	}
	for _, p := range billing.PayTypes() {
		assert.Regexp(t, explHasHan, p.Text(org.TraditionalChinese), p)
	}
}

// explBook prices every kind of line: labor, parts by sell, list,
// multiplier and margin, cores, sublets, per-unit fees, percent fees plain,
// capped and raised to their minimum, deductibles; VAT 5% and a 10% rate
// for sublets; tax inclusive or not, rounded in scope.
func explBook(inclusive bool, scope billing.TaxScope) *billing.PriceBook {
	scale := int32(2)
	currency := "USD"
	if inclusive {
		scale, currency = 0, "TWD"
	}
	return &billing.PriceBook{
		Version: "explain-1", Currency: currency, Scale: scale, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{
			Rates:      []billing.LaborRate{{Rate: explD("1200")}, {PayType: billing.PayWarranty, Rate: explD("900")}},
			Operations: []billing.Operation{{Code: "BRK-01", Description: "replace pads", Hours: explD("1.5")}, {Code: "GLS-01", Description: "windshield", Hours: explD("2")}},
		},
		Parts:  billing.PartsPolicy{Matrix: []billing.MarkupBand{{From: explD("1"), To: explD("100"), Multiplier: explD("1.6")}, {From: explD("100"), Margin: explD("0.35")}}},
		Sublet: billing.SubletPolicy{Markup: explD("0.15")},
		Fees: []billing.FeeRule{
			{Code: "SHOP", Description: "shop supplies", Percent: explD("0.05"), Base: billing.BaseLabor, Max: explD("50"), Taxable: true},
			{Code: "ENV", Description: "environment", Percent: explD("0.01"), Base: billing.BaseParts, Min: explD("100"), Taxable: true},
			{Code: "ADM", Description: "handling", Percent: explD("0.02"), Base: billing.BaseLaborAndParts, PayTypes: []billing.PayType{billing.PayInsurance}},
			{Code: "OIL", Description: "waste oil disposal", UnitPrice: explD("5"), Unit: "L"},
		},
		Coupons: []billing.Coupon{{Code: "WELCOME", Amount: explD("100")}},
		Tax: billing.TaxPolicy{Inclusive: inclusive, Scope: scope, DiscountBeforeTax: true,
			Rounding: billing.Rounding{Mode: billing.HalfUp, Places: scale},
			Rates: []billing.TaxRate{
				{Code: "S10", Name: "Sales tax", Rate: explD("0.10"), Kinds: []billing.Kind{billing.KindSublet}},
				{Code: "VAT", Name: "VAT", Rate: explD("0.05")},
			}},
	}
}

func explOrder() billing.Order {
	return billing.Order{WorkOrder: "WO-7", Coupons: []string{"WELCOME"}, Jobs: []billing.Job{
		{ID: "j1", Title: "front brakes", PayType: billing.PayCustomer,
			Labor: []billing.LaborItem{{Op: "BRK-01"}},
			Parts: []billing.PartItem{
				{Number: "P-LIST", Description: "pads", Quantity: explD("1"), List: explD("2400")},
				{Number: "P-MULT", Description: "clips", Quantity: explD("4"), Cost: explD("25")},
				{Number: "P-MARG", Description: "caliper", Quantity: explD("1"), Cost: explD("1300"), Core: explD("500")},
				{Number: "P-SELL", Description: "fluid", Quantity: explD("1"), Cost: explD("50"), Sell: explD("180")},
			},
			Fees: []billing.FeeItem{{Code: "OIL", Quantity: explD("4")}}},
		{ID: "j2", Title: "recall", PayType: billing.PayWarranty, Labor: []billing.LaborItem{{Op: "BRK-01"}}},
		{ID: "j3", Title: "windshield", PayType: billing.PayInsurance, Deductible: explD("3000"),
			Labor:   []billing.LaborItem{{Op: "GLS-01"}},
			Sublets: []billing.SubletItem{{Vendor: "Glass Co", Description: "calibration", Cost: explD("2000")}}},
	}}
}

func explPrice(t *testing.T, book *billing.PriceBook, o billing.Order) billing.Bill {
	t.Helper()
	b, err := billing.Price(book, o)
	require.NoError(t, err)
	return b
}

// Every Key that Price produces is in the catalogue in both languages and
// renders without error; together the books below produce every one.
func TestExplainEveryKeyPriceProduces(t *testing.T) {
	want := []string{"line.core", "line.deductible", "line.deductible_credit", "line.fee_percent", "line.fee_percent_max",
		"line.fee_percent_min", "line.fee_unit", "line.labor", "line.part", "line.sublet",
		"tax.exclusive.document", "tax.exclusive.group", "tax.exclusive.line", "tax.exclusive.unit",
		"tax.inclusive.document", "tax.inclusive.group", "tax.inclusive.line", "tax.inclusive.unit",
		"total.exclusive", "total.inclusive"}
	seen := map[string]bool{}
	catalogue := map[string]billing.Message{}
	for _, m := range billing.Messages() {
		catalogue[m.Key] = m
	}
	check := func(e billing.Explanation, where string) {
		t.Helper()
		seen[e.Key] = true
		m, ok := catalogue[e.Key]
		require.True(t, ok, "%s: key %q is not in the catalogue", where, e.Key)
		for _, lang := range org.Langs() {
			require.NotEmpty(t, m.Text[lang], "%s: %s has no %s", where, e.Key, lang)
			s, err := e.Render(lang)
			require.NoError(t, err, "%s [%s]", where, lang)
			require.NotContains(t, s, "{")
		}
	}
	for _, inclusive := range []bool{false, true} {
		for _, scope := range []billing.TaxScope{billing.ScopeUnit, billing.ScopeLine, billing.ScopeGroup, billing.ScopeDocument} {
			bill := explPrice(t, explBook(inclusive, scope), explOrder())
			for _, p := range bill.Payers {
				for _, l := range p.Lines {
					check(l.Explain, l.ID)
					require.Contains(t, []string{"5%", "10%", "exempt"}, l.Explain.Args["tax"], l.ID)
					for _, lang := range org.Langs() {
						assert.NotContains(t, l.Text(lang), l.Explain.Key, "line %s rendered raw", l.ID)
					}
				}
				for _, tl := range p.Taxes {
					check(tl.Explain, "tax "+tl.Code)
				}
				check(p.Explain, "total "+string(p.PayType))
			}
			for _, lang := range org.Langs() {
				text := bill.Text(lang)
				assert.NotContains(t, text, "{", "%v %s", inclusive, scope)
				assert.NotRegexp(t, `(line|tax|total)\.[a-z]`, text, "%v %s: a message rendered raw", inclusive, scope)
			}
		}
	}
	assert.Equal(t, want, slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	}))
}

func explLine(t *testing.T, b billing.Bill, id string) (billing.Line, billing.ExplainedLine) {
	t.Helper()
	e := b.Explained(org.English)
	for i, p := range b.Payers {
		for k, l := range p.Lines {
			if l.ID == id {
				return l, e.Payers[i].Lines[k]
			}
		}
	}
	t.Fatalf("no line %s", id)
	return billing.Line{}, billing.ExplainedLine{}
}

// What each kind of line says, in both languages, inside its bill (which
// knows whether prices include tax).
func TestExplainLines(t *testing.T) {
	incl := explPrice(t, explBook(true, billing.ScopeDocument), explOrder())
	excl := explPrice(t, explBook(false, billing.ScopeLine), explOrder())
	tests := []struct {
		bill   billing.Bill
		id     string
		en, zh string
	}{
		{incl, "j1/labor/BRK-01",
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5% included)",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）"},
		{excl, "j1/labor/BRK-01",
			"Labor BRK-01 replace pads: 1.5 h x 1,200.00/h = 1,800.00 (plus tax 5%)",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200.00 = 1,800.00（另加 5% 營業稅）"},
		{incl, "j1/part/P-LIST",
			"Part P-LIST pads: 1 x 2,400 (list price) = 2,400 (tax 5% included)",
			"零件 P-LIST pads：1 × 2,400（定價）= 2,400（含 5% 營業稅）"},
		{incl, "j1/part/P-MULT",
			"Part P-MULT clips: 4 x 40 (cost x 1.6) = 160 (tax 5% included)",
			"零件 P-MULT clips：4 × 40（成本 × 1.6）= 160（含 5% 營業稅）"},
		{incl, "j1/part/P-MARG",
			"Part P-MARG caliper: 1 x 2,000 (priced for a 35% margin) = 2,000 (tax 5% included)",
			"零件 P-MARG caliper：1 × 2,000（以毛利率 35% 定價）= 2,000（含 5% 營業稅）"},
		{incl, "j1/part/P-SELL",
			"Part P-SELL fluid: 1 x 180 (set price) = 180 (tax 5% included)",
			"零件 P-SELL fluid：1 × 180（指定售價）= 180（含 5% 營業稅）"},
		{incl, "j1/core/P-MARG",
			"Core charge P-MARG: 1 x 500 = 500, refunded when the old part is returned (tax 5% included)",
			"舊件押金 P-MARG：1 × 500 = 500，交回舊件後退還（含 5% 營業稅）"},
		{incl, "j1/fee/OIL",
			"Fee OIL waste oil disposal: 4 L x 5/L = 20 (tax exempt)",
			"規費 OIL waste oil disposal：4 公升 × 每公升 5 = 20（免稅）"},
		{incl, "fee/SHOP/customer",
			"Fee SHOP shop supplies: 5% of labor 1,800 = 90, capped at the maximum of 50 (tax 5% included)",
			"規費 SHOP shop supplies：工資 1,800 × 5% = 90，超過上限，以上限 50 計收（含 5% 營業稅）"},
		{incl, "fee/ENV/customer",
			"Fee ENV environment: 1% of parts 4,740 = 47, raised to the minimum of 100 (tax 5% included)",
			"規費 ENV environment：零件 4,740 × 1% = 47，未達下限，以下限 100 計收（含 5% 營業稅）"},
		{incl, "fee/ADM/insurance",
			"Fee ADM handling: 2% of labor and parts 2,400 = 48 (tax exempt)",
			"規費 ADM handling：工資及零件 2,400 × 2% = 48（免稅）"},
		{incl, "j3/sublet/1",
			"Sublet calibration by Glass Co: cost 2,000 + 15% markup = 2,300 (tax 10% included)",
			"外包 calibration（Glass Co）：外包成本 2,000 加成 15% = 2,300（含 10% 營業稅）"},
		{incl, "j3/deductible",
			"Deductible for job j3 windshield (Insurance): 3,000, paid by you (tax exempt)",
			"自負額 j3 windshield（保險理賠）：3,000，由您自行負擔（免稅）"},
		{incl, "j3/deductible-credit",
			"Less the customer's deductible for job j3 windshield: -3,000 (tax exempt)",
			"扣除客戶自負額 j3 windshield：-3,000（免稅）"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			l, _ := explLine(t, tt.bill, tt.id)
			var got [2]string
			for i, lang := range []org.Lang{org.English, org.TraditionalChinese} {
				e := tt.bill.Explained(lang)
				for _, p := range e.Payers {
					for _, el := range p.Lines {
						if el.ID == tt.id {
							got[i] = el.Text
						}
					}
				}
			}
			assert.Equal(t, tt.en, got[0])
			assert.Equal(t, tt.zh, got[1])
			// Alone, a line knows whether its bill's prices include tax.
			if tax := l.Explain.Args["tax"]; tax != "exempt" {
				if tt.bill.Inclusive {
					assert.Contains(t, l.Text(org.English), "(tax "+tax+" included)")
					assert.Contains(t, l.Text(org.TraditionalChinese), "（含 "+tax+" 營業稅）")
				} else {
					assert.Contains(t, l.Text(org.English), "(plus tax "+tax+")")
					assert.Contains(t, l.Text(org.TraditionalChinese), "（另加 "+tax+" 營業稅）")
				}
			}
		})
	}
}

// Line.Text on its own: the tax note follows "tax_included" when the line
// carries it, and the discount follows the line.
func TestExplainLineTextAlone(t *testing.T) {
	labor := func(args map[string]string, discount string) billing.Line {
		a := map[string]string{"op": "BRK-01", "description": "replace pads", "hours": "1.5", "rate": "1200", "amount": "1800", "tax": "5%"}
		for k, v := range args {
			a[k] = v
		}
		l := billing.Line{Kind: billing.KindLabor, Amount: explD("1800"), Explain: billing.Explanation{Key: "line.labor", Args: a}}
		if discount != "" {
			l.Discount = explD(discount)
		}
		l.Net = l.Amount.Sub(l.Discount)
		return l
	}
	tests := []struct {
		name   string
		line   billing.Line
		en, zh string
	}{
		{"rate_only", labor(nil, ""),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5%)",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（營業稅 5%）"},
		{"included", labor(map[string]string{"tax_included": "true"}, ""),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5% included)",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）"},
		{"added", labor(map[string]string{"tax_included": "false"}, ""),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (plus tax 5%)",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（另加 5% 營業稅）"},
		{"exempt", labor(map[string]string{"tax": "exempt"}, ""),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax exempt)",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（免稅）"},
		{"not_taxed_yet", labor(map[string]string{"tax": ""}, ""),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800"},
		{"discount", labor(nil, "180"),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5%); less discount: -180",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（營業稅 5%）；折扣：-180"},
		{"discount_codes", labor(map[string]string{"discount_codes": "WELCOME"}, "1180"),
			"Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5%); less discount WELCOME: -1,180",
			"工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（營業稅 5%）；折扣 WELCOME：-1,180"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.en, tt.line.Text(org.English))
			assert.Equal(t, tt.zh, tt.line.Text(org.TraditionalChinese))
		})
	}
}

func TestExplainTaxesAndTotals(t *testing.T) {
	tests := []struct {
		inclusive bool
		scope     billing.TaxScope
		en, zh    string
	}{
		{false, billing.ScopeUnit, "rounded per unit (half up to 2 decimal places)", "逐件計算（四捨五入至小數第 2 位）"},
		{false, billing.ScopeLine, "rounded per line (half up to 2 decimal places)", "逐項計算（四捨五入至小數第 2 位）"},
		{false, billing.ScopeGroup, "rounded once on the total at this rate", "同稅率合計後計算"},
		{false, billing.ScopeDocument, "rounded once on the whole bill", "整張單據合計後計算"},
		{true, billing.ScopeUnit, "rounded per unit (half up to whole units)", "逐件計算（四捨五入至整數）"},
		{true, billing.ScopeLine, "rounded per line", "逐項計算"},
		{true, billing.ScopeGroup, "rounded once on the total at this rate", "同稅率合計後計算"},
		{true, billing.ScopeDocument, "rounded once on the whole bill (half up to whole units)", "整張單據合計後計算（四捨五入至整數）"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("inclusive=%v/%s", tt.inclusive, tt.scope), func(t *testing.T) {
			bill := explPrice(t, explBook(tt.inclusive, tt.scope), explOrder())
			pb, ok := bill.Payer(billing.PayCustomer)
			require.True(t, ok)
			require.Len(t, pb.Taxes, 1)
			tl := pb.Taxes[0]
			en, err := tl.Explain.Render(org.English)
			require.NoError(t, err)
			zh, err := tl.Explain.Render(org.TraditionalChinese)
			require.NoError(t, err)
			assert.Contains(t, en, tt.en)
			assert.Contains(t, zh, tt.zh)
			total, err := pb.Explain.Render(org.English)
			require.NoError(t, err)
			totalZh, err := pb.Explain.Render(org.TraditionalChinese)
			require.NoError(t, err)
			if tt.inclusive {
				assert.True(t, strings.HasPrefix(en, "VAT 5% included in the prices: "), en)
				assert.True(t, strings.HasPrefix(zh, "5% 營業稅（內含）：未稅金額 "), zh)
				assert.Regexp(t, `^Subtotal [\d,]+ - discount 100 = total [\d,]+, including tax [\d,]+$`, total)
				assert.Regexp(t, `^小計 [\d,]+ - 折扣 100 = 合計 [\d,]+（內含營業稅 [\d,]+）$`, totalZh)
			} else {
				assert.True(t, strings.HasPrefix(en, "VAT 5% on "), en)
				assert.True(t, strings.HasPrefix(zh, "5% 營業稅（外加）：稅基 "), zh)
				assert.Regexp(t, `^Subtotal [\d,]+\.\d\d - discount 100\.00 \+ tax [\d,]+\.\d\d = total [\d,]+\.\d\d$`, total)
				assert.Regexp(t, `^小計 [\d,]+\.\d\d - 折扣 100\.00 \+ 營業稅 [\d,]+\.\d\d = 合計 [\d,]+\.\d\d$`, totalZh)
			}
		})
	}
	t.Run("tax_names", func(t *testing.T) {
		bill := explPrice(t, explBook(false, billing.ScopeLine), explOrder())
		pb, _ := bill.Payer(billing.PayInsurance)
		var names []string
		for _, tl := range pb.Taxes {
			s, err := tl.Explain.Render(org.TraditionalChinese)
			require.NoError(t, err)
			names = append(names, s[:strings.Index(s, "（")])
		}
		assert.Equal(t, []string{"5% 營業稅", "10% 銷售稅"}, names)
	})
}

// explAmountRow matches a row of a printed bill that ends in an amount.
var explAmountRow = regexp.MustCompile(`\S\s{2,}-?[0-9][0-9,]*(\.[0-9]+)?$`)

// explWidth counts columns: Han characters and fullwidth punctuation take
// two.
func explWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF60:
			w += 2
		default:
			w++
		}
	}
	return w
}

func explRequireAligned(t *testing.T, text string) {
	t.Helper()
	end := -1
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		assert.Equal(t, strings.TrimRight(line, " "), line, "trailing space")
		if !explAmountRow.MatchString(line) {
			continue
		}
		rows++
		w := explWidth(line)
		if end < 0 {
			end = w
		}
		require.Equal(t, end, w, "amount not aligned:\n%s\nin\n%s", line, text)
	}
	require.Greater(t, rows, 3)
}

func TestExplainBillText(t *testing.T) {
	for _, inclusive := range []bool{false, true} {
		for _, scope := range []billing.TaxScope{billing.ScopeUnit, billing.ScopeDocument} {
			bill := explPrice(t, explBook(inclusive, scope), explOrder())
			for _, lang := range org.Langs() {
				text := bill.Text(lang)
				explRequireAligned(t, text)
				for _, p := range bill.Payers {
					assert.Contains(t, text, "\n"+p.PayType.Text(lang)+"\n")
					pt := p.Text(lang)
					explRequireAligned(t, pt)
					assert.True(t, strings.HasPrefix(pt, p.PayType.Text(lang)+"\n"), pt)
				}
			}
			en := bill.Text(org.English)
			zh := bill.Text(org.TraditionalChinese)
			assert.True(t, strings.HasPrefix(en, "Work order WO-7\nPrice book explain-1, amounts in "), en)
			assert.True(t, strings.HasPrefix(zh, "工單 WO-7\n價目表 explain-1，金額單位："), zh)
			assert.Contains(t, en, "Total, all payers")
			assert.Contains(t, zh, "總計（各付款方合計）")
			if inclusive {
				assert.Contains(t, en, "Prices include tax.")
				assert.Contains(t, zh, "以上價格均已含稅。")
				assert.Regexp(t, `(?m)^  Tax included +[\d,]+$`, en)
				assert.Regexp(t, `(?m)^  內含營業稅 +[\d,]+$`, zh)
			} else {
				assert.Contains(t, en, "Tax is added to the prices.")
				assert.Contains(t, zh, "以上價格未稅，稅額另計。")
				assert.Regexp(t, `(?m)^  Tax +[\d,]+\.\d\d$`, en)
				assert.Regexp(t, `(?m)^  營業稅 +[\d,]+\.\d\d$`, zh)
				assert.Regexp(t, `(?m)^  Subtotal +[\d,]+\.\d\d$`, en)
				assert.Regexp(t, `(?m)^  Discount +-100\.00$`, en)
				assert.Regexp(t, `(?m)^  折扣 +-100\.00$`, zh)
			}
		}
	}
	t.Run("payer_text_reads_scale_and_inclusive_from_its_explanation", func(t *testing.T) {
		excl := explPrice(t, explBook(false, billing.ScopeLine), explOrder())
		pb, _ := excl.Payer(billing.PayWarranty)
		assert.Equal(t, "Warranty\n"+
			"  Labor BRK-01 replace pads: 1.5 h x 900.00/h = 1,350.00 (plus tax 5%)  1,350.00\n"+
			"  Subtotal                                                              1,350.00\n"+
			"  Tax                                                                      67.50\n"+
			"    VAT 5%                                                                 67.50\n"+
			"      VAT 5% on 1,350.00: 67.50, added to the prices; rounded per line (half up to 2 decimal places)\n"+
			"  Total                                                                 1,417.50\n"+
			"    Subtotal 1,350.00 - discount 0.00 + tax 67.50 = total 1,417.50\n", pb.Text(org.English))
		incl := explPrice(t, explBook(true, billing.ScopeLine), explOrder())
		pb, _ = incl.Payer(billing.PayWarranty)
		assert.Equal(t, "保固\n"+
			"  工資 BRK-01 replace pads：1.5 小時 × 每小時 900 = 1,350（含 5% 營業稅）  1,350\n"+
			"  小計                                                                     1,350\n"+
			"  內含營業稅                                                                  64\n"+
			"    5% 營業稅                                                                 64\n"+
			"      5% 營業稅（內含）：未稅金額 1,286，稅額 64；逐項計算（四捨五入至整數）\n"+
			"  合計                                                                     1,350\n"+
			"    小計 1,350 - 折扣 0 = 合計 1,350（內含營業稅 64）\n", pb.Text(org.TraditionalChinese))
	})
	t.Run("hand_built_payer_bill", func(t *testing.T) {
		pb := billing.PayerBill{PayType: billing.PayInternal, Subtotal: explD("12.50"), Total: explD("12.50"),
			Lines: []billing.Line{{ID: "x", Amount: explD("12.50"), Net: explD("12.50"), Explain: billing.Explanation{Key: "line.mystery"}}}}
		text := pb.Text(org.TraditionalChinese)
		assert.Contains(t, text, "內部帳\n")
		assert.Contains(t, text, "line.mystery{}")
		assert.Contains(t, text, "12.50")
		explRequireAligned(t, text)
	})
	t.Run("lines_without_explanations", func(t *testing.T) {
		pb := billing.PayerBill{PayType: billing.PayCustomer, Subtotal: explD("5"), Total: explD("5"),
			Lines: []billing.Line{{Code: "MISC", Description: "sundries", Amount: explD("5"), Net: explD("5")}}}
		assert.Equal(t, "客戶付費\n  MISC sundries  5\n  小計           5\n  營業稅         0\n  合計           5\n", pb.Text(org.TraditionalChinese))
	})
	t.Run("credit_note_amounts", func(t *testing.T) {
		bill := explPrice(t, explBook(false, billing.ScopeLine), explOrder()).Negate()
		en := bill.Text(org.English)
		explRequireAligned(t, en)
		assert.Regexp(t, `(?m)^  Discount +100\.00$`, en)
		assert.Regexp(t, `(?m)^  Subtotal +-[\d,]+\.\d\d$`, en)
	})
}

func TestExplainExplainedBill(t *testing.T) {
	bill := explPrice(t, explBook(true, billing.ScopeDocument), explOrder())
	e := bill.Explained(org.TraditionalChinese)
	assert.Equal(t, org.TraditionalChinese, e.Lang)
	assert.Equal(t, []string{"工單 WO-7", "價目表 explain-1，金額單位：TWD", "以上價格均已含稅。"}, e.Header)
	require.Len(t, e.Payers, len(bill.Payers))
	assert.Equal(t, bill.Total().StringFixed(0), e.Total.Amount)
	for i, p := range e.Payers {
		src := bill.Payers[i]
		assert.Equal(t, src.PayType, p.PayType)
		assert.Equal(t, src.PayType.Text(org.TraditionalChinese), p.Name)
		require.Len(t, p.Lines, len(src.Lines))
		for k, l := range p.Lines {
			sl := src.Lines[k]
			assert.Equal(t, sl.ID, l.ID)
			assert.Equal(t, sl.Amount.StringFixed(0), l.Amount, "amounts are exact, without separators")
			assert.Equal(t, sl.Net.StringFixed(0), l.Net)
			assert.Equal(t, sl.Kind.Text(org.TraditionalChinese), l.KindName)
			assert.Equal(t, sl.Discount.IsZero(), l.Discount == "")
			assert.Equal(t, l.Discount == "", l.DiscountText == "")
			assert.NotContains(t, l.Text, "折扣", "the discount is DiscountText")
		}
		require.Len(t, p.Taxes, len(src.Taxes))
		ids := []string{}
		for _, a := range p.Totals {
			ids = append(ids, a.ID)
		}
		assert.Equal(t, []string{"subtotal", "discount", "tax", "total"}, ids)
		assert.Equal(t, src.Total.StringFixed(0), p.Totals[3].Amount)
		want, err := src.Explain.Render(org.TraditionalChinese)
		require.NoError(t, err)
		assert.Equal(t, want, p.Totals[3].Text)
		assert.Equal(t, "內含營業稅", p.Totals[2].Label)
	}
	raw, err := json.Marshal(e)
	require.NoError(t, err)
	var back billing.ExplainedBill
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, e, back)
	assert.Contains(t, string(raw), `"lang":"zh-Hant"`)
	assert.Contains(t, string(raw), `"id":"j1/labor/BRK-01"`)
}

// The catalogue is read-only: renders in parallel are safe, and what
// Messages returns is a copy.
func TestExplainConcurrentAndMessagesIsACopy(t *testing.T) {
	bill := explPrice(t, explBook(true, billing.ScopeLine), explOrder())
	want := [2]string{bill.Text(org.English), bill.Text(org.TraditionalChinese)}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			lang := org.Langs()[i%2]
			if got := bill.Text(lang); got != want[i%2] {
				errs <- errors.New("render differs under concurrency")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ms := billing.Messages()
	ms[0].Text[org.English] = "changed"
	ms[0].Args = append(ms[0].Args, "x")
	again := billing.Messages()
	assert.NotEqual(t, "changed", again[0].Text[org.English])
	assert.NotContains(t, again[0].Args, "x")
}
