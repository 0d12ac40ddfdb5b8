package billing

import (
	"errors"
	"regexp"
	"strings"

	"github.com/servicelane/servicelane/internal/catalog"
	"github.com/servicelane/servicelane/org"
)

// The message catalogue of billing: every text a customer or an employee
// reads, in English and Traditional Chinese (Taiwan usage), keyed by the
// Key of an [Explanation].
//
// A template is plain text with {name} placeholders. Each message declares
// the arguments it needs; rendering fails with [ErrMissingArg] when one is
// absent, and with [ErrUnknownMessage] for a key the catalogue lacks, so a
// message is never printed with a hole in it. Templates are compiled once,
// when the package loads; a template that uses an undeclared argument or
// has an unbalanced brace stops the program at start-up (and so fails every
// test), never at a customer's counter.
//
// An argument is declared as name or name:kind. The kind says how its value
// is shown:
//
//	(none)    as given
//	money     a fixed-scale amount, with thousands separators: 1200 -> 1,200
//	pay       a PayType, by its name in the language: customer -> 客戶付費;
//	          several joined by "+" each by its name
//	kind      a Kind, by its name
//	base      a FeeBase, by its name (empty: labor and parts)
//	unit      a unit of measure, translated when the catalogue knows it: L -> 公升
//	taxname   a tax's name, translated when the catalogue knows it: VAT -> 營業稅
//	rmode     a RoundingMode, by its name
//	rounding  a Rounding as Rounding.String writes it: "half_up to 0 places"
//	pricedby  how a part was priced, as Price writes it: "multiplier 1.6"
//
// Values the catalogue does not know (an unlisted unit, a tax name, a value
// that is not a number for money) are shown as given.

// Errors of rendering a message. Match them with errors.Is.
var (
	// ErrUnknownMessage: the catalogue has no message with the key.
	ErrUnknownMessage = errors.New("billing: unknown message key")
	// ErrMissingArg: the explanation lacks an argument its message needs.
	ErrMissingArg = errors.New("billing: message argument missing")
)

// msgDef is a message as written: its arguments and its templates.
type msgDef struct {
	args string // space separated: "op description hours rate:money"
	en   string
	zh   string
}

// msgDefs is the catalogue as written. It is read once, to build msgCatalogue.
var msgDefs = map[string]msgDef{
	// ---- Bill lines, as Price explains them (R3.4c). ----
	"line.labor": {"op description hours rate:money amount:money",
		"Labor {op} {description}: {hours} h x {rate}/h = {amount}",
		"工資 {op} {description}：{hours} 小時 × 每小時 {rate} = {amount}"},
	"line.labor_set": {"op description hours rate:money amount:money",
		"Labor {op} {description}: {hours} h x {rate}/h (set rate) = {amount}",
		"工資 {op} {description}：{hours} 小時 × 每小時 {rate}（指定工資率）= {amount}"},
	"line.part": {"number description quantity unit_price:money amount:money priced_by:pricedby",
		"Part {number} {description}: {quantity} x {unit_price} ({priced_by}) = {amount}",
		"零件 {number} {description}：{quantity} × {unit_price}（{priced_by}）= {amount}"},
	"line.core": {"number quantity unit_price:money amount:money",
		"Core charge {number}: {quantity} x {unit_price} = {amount}, refunded when the old part is returned",
		"舊件押金 {number}：{quantity} × {unit_price} = {amount}，交回舊件後退還"},
	"line.sublet": {"vendor description cost:money markup amount:money",
		"Sublet {description} by {vendor}: cost {cost} + {markup} markup = {amount}",
		"外包 {description}（{vendor}）：外包成本 {cost} 加成 {markup} = {amount}"},
	"line.fee_unit": {"code description quantity unit:unit unit_price:money amount:money",
		"Fee {code} {description}: {quantity} {unit} x {unit_price}/{unit} = {amount}",
		"規費 {code} {description}：{quantity} {unit} × 每{unit} {unit_price} = {amount}"},
	"line.fee_percent": {"code description percent base:money base_kind:base amount:money",
		"Fee {code} {description}: {percent} of {base_kind} {base} = {amount}",
		"規費 {code} {description}：{base_kind} {base} × {percent} = {amount}"},
	"line.fee_percent_max": {"code description percent base:money base_kind:base computed:money max:money",
		"Fee {code} {description}: {percent} of {base_kind} {base} = {computed}, capped at the maximum of {max}",
		"規費 {code} {description}：{base_kind} {base} × {percent} = {computed}，超過上限，以上限 {max} 計收"},
	"line.fee_percent_min": {"code description percent base:money base_kind:base computed:money min:money",
		"Fee {code} {description}: {percent} of {base_kind} {base} = {computed}, raised to the minimum of {min}",
		"規費 {code} {description}：{base_kind} {base} × {percent} = {computed}，未達下限，以下限 {min} 計收"},
	"line.deductible": {"job title payer:pay amount:money",
		"Deductible for job {job} {title} ({payer}): {amount}, paid by you",
		"自負額 {job} {title}（{payer}）：{amount}，由您自行負擔"},
	"line.deductible_credit": {"job title amount:money",
		"Less the customer's deductible for job {job} {title}: -{amount}",
		"扣除客戶自負額 {job} {title}：-{amount}"},

	// How a line is taxed (from the line's "tax" argument) and how the
	// parts of a line's text are joined.
	"line.tax_included":  {"rate", "tax {rate} included", "含 {rate} 營業稅"},
	"line.tax_added":     {"rate", "plus tax {rate}", "另加 {rate} 營業稅"},
	"line.tax_rate":      {"rate", "tax {rate}", "營業稅 {rate}"},
	"line.tax_exempt":    {"", "tax exempt", "免稅"},
	"line.with_tax":      {"text note", "{text} ({note})", "{text}（{note}）"},
	"line.with_discount": {"text discount", "{text}; {discount}", "{text}；{discount}"},

	// A line's discount: with the discount codes when the line records
	// them (argument "discount_codes"), else the amount alone.
	"discount.line":       {"code amount:money", "less discount {code}: -{amount}", "折扣 {code}：-{amount}"},
	"discount.line_total": {"amount:money", "less discount: -{amount}", "折扣：-{amount}"},

	// ---- Taxes: one message per inclusive/exclusive and scope. ----
	"tax.exclusive.unit": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} on {base}: {tax}, added to the prices; rounded per unit ({rounding})",
		"{rate} {name}（外加）：稅基 {base}，稅額 {tax}；逐件計算（{rounding}）"},
	"tax.exclusive.line": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} on {base}: {tax}, added to the prices; rounded per line ({rounding})",
		"{rate} {name}（外加）：稅基 {base}，稅額 {tax}；逐項計算（{rounding}）"},
	"tax.exclusive.group": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} on {base}: {tax}, added to the prices; rounded once on the total at this rate ({rounding})",
		"{rate} {name}（外加）：稅基 {base}，稅額 {tax}；同稅率合計後計算（{rounding}）"},
	"tax.exclusive.document": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} on {base}: {tax}, added to the prices; rounded once on the whole bill ({rounding})",
		"{rate} {name}（外加）：稅基 {base}，稅額 {tax}；整張單據合計後計算（{rounding}）"},
	"tax.inclusive.unit": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} included in the prices: {tax} on a net of {base}; rounded per unit ({rounding})",
		"{rate} {name}（內含）：未稅金額 {base}，稅額 {tax}；逐件計算（{rounding}）"},
	"tax.inclusive.line": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} included in the prices: {tax} on a net of {base}; rounded per line ({rounding})",
		"{rate} {name}（內含）：未稅金額 {base}，稅額 {tax}；逐項計算（{rounding}）"},
	"tax.inclusive.group": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} included in the prices: {tax} on a net of {base}; rounded once on the total at this rate ({rounding})",
		"{rate} {name}（內含）：未稅金額 {base}，稅額 {tax}；同稅率合計後計算（{rounding}）"},
	"tax.inclusive.document": {"name:taxname rate base:money tax:money rounding:rounding",
		"{name} {rate} included in the prices: {tax} on a net of {base}; rounded once on the whole bill ({rounding})",
		"{rate} {name}（內含）：未稅金額 {base}，稅額 {tax}；整張單據合計後計算（{rounding}）"},

	// ---- Totals of a payer. ----
	"total.exclusive": {"subtotal:money discount:money tax:money total:money",
		"Subtotal {subtotal} - discount {discount} + tax {tax} = total {total}",
		"小計 {subtotal} - 折扣 {discount} + 營業稅 {tax} = 合計 {total}"},
	"total.inclusive": {"subtotal:money discount:money tax:money total:money",
		"Subtotal {subtotal} - discount {discount} = total {total}, including tax {tax}",
		"小計 {subtotal} - 折扣 {discount} = 合計 {total}（內含營業稅 {tax}）"},

	// ---- The printed bill: headings and labels. ----
	"bill.work_order":        {"work_order", "Work order {work_order}", "工單 {work_order}"},
	"bill.price_book":        {"version currency", "Price book {version}, amounts in {currency}", "價目表 {version}，金額單位：{currency}"},
	"bill.prices_inclusive":  {"", "Prices include tax.", "以上價格均已含稅。"},
	"bill.prices_exclusive":  {"", "Tax is added to the prices.", "以上價格未稅，稅額另計。"},
	"label.subtotal":         {"", "Subtotal", "小計"},
	"label.discount":         {"", "Discount", "折扣"},
	"label.tax":              {"", "Tax", "營業稅"},
	"label.tax_included":     {"", "Tax included", "內含營業稅"},
	"label.tax_rate":         {"name:taxname rate", "{name} {rate}", "{rate} {name}"},
	"label.total":            {"", "Total", "合計"},
	"label.total_all_payers": {"", "Total, all payers", "總計（各付款方合計）"},

	// ---- Names: pay types, kinds, fee bases, tax scopes, rounding. ----
	"pay.customer":               {"", "Customer", "客戶付費"},
	"pay.warranty":               {"", "Warranty", "保固"},
	"pay.internal":               {"", "Internal", "內部帳"},
	"pay.contract":               {"", "Service contract", "服務合約"},
	"pay.insurance":              {"", "Insurance", "保險理賠"},
	"kind.labor":                 {"", "Labor", "工資"},
	"kind.part":                  {"", "Parts", "零件"},
	"kind.core":                  {"", "Core charge", "舊件押金"},
	"kind.sublet":                {"", "Sublet", "外包"},
	"kind.fee":                   {"", "Fees", "規費"},
	"kind.deductible":            {"", "Deductible", "自負額"},
	"fee_base.labor":             {"", "labor", "工資"},
	"fee_base.parts":             {"", "parts", "零件"},
	"fee_base.labor_and_parts":   {"", "labor and parts", "工資及零件"},
	"scope.unit":                 {"", "per unit", "逐件"},
	"scope.line":                 {"", "per line", "逐項"},
	"scope.group":                {"", "per tax rate", "同稅率合計"},
	"scope.document":             {"", "per document", "整張單據"},
	"rounding_mode.half_up":      {"", "half up", "四捨五入"},
	"rounding_mode.half_even":    {"", "half to even", "四捨六入五成雙"},
	"rounding_mode.down":         {"", "down", "無條件捨去"},
	"rounding_mode.up":           {"", "up", "無條件進位"},
	"rounding_mode.cash":         {"", "to the cash increment", "依現金單位四捨五入"},
	"rounding.places":            {"mode:rmode places", "{mode} to {places} decimal places", "{mode}至小數第 {places} 位"},
	"rounding.one_place":         {"mode:rmode", "{mode} to 1 decimal place", "{mode}至小數第 1 位"},
	"rounding.whole":             {"mode:rmode", "{mode} to whole units", "{mode}至整數"},
	"rounding.cash":              {"increment", "half up to the nearest {increment}", "以 {increment} 為單位四捨五入"},
	"priced_by.sell":             {"", "set price", "指定售價"},
	"priced_by.list":             {"", "list price", "定價"},
	"priced_by.multiplier":       {"factor", "cost x {factor}", "成本 × {factor}"},
	"priced_by.margin":           {"margin", "priced for a {margin} margin", "以毛利率 {margin} 定價"},
	"unit.h":                     {"", "h", "小時"},
	"unit.l":                     {"", "L", "公升"},
	"unit.litre":                 {"", "litre", "公升"},
	"unit.liter":                 {"", "liter", "公升"},
	"unit.公升":                    {"", "L", "公升"},
	"unit.kg":                    {"", "kg", "公斤"},
	"unit.tire":                  {"", "tire", "條"},
	"unit.tyre":                  {"", "tyre", "條"},
	"unit.each":                  {"", "each", "個"},
	"unit.pc":                    {"", "pc", "個"},
	"unit.set":                   {"", "set", "組"},
	"tax_name.vat":               {"", "VAT", "營業稅"},
	"tax_name.營業稅":               {"", "VAT", "營業稅"},
	"tax_name.business_tax":      {"", "Business tax", "營業稅"},
	"tax_name.sales_tax":         {"", "Sales tax", "銷售稅"},
	"tax_name.gst":               {"", "GST", "商品及服務稅"},
	"document.invoice":           {"", "Invoice", "發票"},
	"document.receipt":           {"", "Receipt", "收據"},
	"document.credit_note":       {"", "Credit note", "折讓單"},
	"document.keep_for_warranty": {"", "Please keep this document: you will need it for enquiries and for warranty claims.", "請妥善保存本憑證，以便日後查詢及申請保固。"},
	"payment.cash":               {"", "Cash", "現金"},
	"payment.card":               {"", "Card", "信用卡"},
	"payment.transfer":           {"", "Bank transfer", "銀行轉帳"},
	"payment.other":              {"", "Other", "其他"},
	"payment.deposit":            {"", "Deposit applied", "訂金抵扣"},
	// Printed on documents (R3.4d, R3.4e).
	"note.warranty":       {"", "Please keep this document: you will need it for enquiries and for warranty claims.", "請妥善保存本憑證，以便日後查詢及申請保固。"},
	"note.fee_disclosure": {"code description", "Fee {code} ({description}) is charged as the price book sets it; ask your advisor how it is computed.", "規費 {code}（{description}）依價目表收取；計算方式請洽您的服務顧問。"},
	"note.consent": {"what:consent by method:method evidence approved:jobs declined:jobs total:money",
		"Customer consent, {what}: {by}, {method} ({evidence}); approved {approved}; declined {declined}; total {total}.",
		"客戶同意，{what}：{by}，{method}（{evidence}）；同意 {approved}；婉拒 {declined}；金額 {total}。"},
	"consent.estimate":   {"", "estimate", "估價"},
	"consent.supplement": {"n", "supplement {n}", "追加項目 {n}"},
	"consent.overrun":    {"", "bill above the estimate", "超出估價之帳單"},
	"method.in_person":   {"", "in person", "親自"},
	"method.phone":       {"", "by phone", "電話"},
	"method.sms":         {"", "by SMS", "簡訊"},
	"method.email":       {"", "by e-mail", "電子郵件"},
	"method.signature":   {"", "signed", "簽名"},
	"jobs.none":          {"", "none", "無"},
	"note.credit":        {"original", "This credit note reverses document {original} in full.", "本折讓單全額沖銷憑證 {original}。"},
	"doc.heading":        {"kind number", "{kind} {number}", "{kind}第 {number} 號"},
	"doc.issued":         {"date payer", "Issued {date} to {payer}", "開立日期 {date}，買受人：{payer}"},
	"doc.work_order":     {"work_order", "Work order {work_order}", "工單 {work_order}"},
	"doc.references":     {"original", "Corrects {original}", "沖銷 {original}"},
	"doc.reason":         {"reason", "Reason: {reason}", "原因：{reason}"},
	"doc.payment":        {"method", "Paid by {method}", "付款方式：{method}"},
	"doc.change":         {"", "Change", "找零"},
	"doc.balance":        {"", "Balance due", "尚欠金額"},

	// ---- Overrun (R3.4): the final bill against the approved estimate.
	// Used by CheckOverrun; amounts come written at their places.
	"overrun.within": {"approved final excess allowed",
		"The bill of {final} is within what the approved estimate of {approved} allows (up to {allowed} above it)",
		"帳單金額 {final} 在核准估價 {approved} 的容許範圍內（最多可超出 {allowed}）"},
	"overrun.exceeds": {"approved final excess allowed",
		"The bill of {final} is {excess} above the approved estimate of {approved}, more than the {allowed} allowed: the customer must approve the excess first",
		"帳單金額 {final} 比核准估價 {approved} 高出 {excess}，超過容許的 {allowed}：須先經客戶同意超出的部分"},

	// ---- Reconciliation (R3.4b): the technician's lines against the bill.
	// Used by the reconciliation of billing. Arguments for every kind: job,
	// code (operation, part number, fee code), expected (the work order as
	// performed: the technician's lines), actual (the bill). An argument a
	// kind does not show is still required, so every finding carries both
	// sides. The fee kinds are about order-level percent fees, which have
	// no job and are charged per payer: they also need pay_type.
	"reconcile.missing_from_bill": {"job code expected actual",
		"Job {job}: {code} was done ({expected}) but is not on the bill",
		"項目 {job}：{code} 已施工（{expected}），但未列入帳單"},
	"reconcile.not_performed": {"job code expected actual",
		"Job {job}: {code} is on the bill ({actual}) but was not done",
		"項目 {job}：{code} 列於帳單（{actual}），但工單上沒有施工紀錄"},
	"reconcile.fee_missing": {"job code expected:money actual:money pay_type:pay",
		"Fee {code} ({pay_type}): the price book charges {expected}, but it is not on the bill",
		"規費 {code}（{pay_type}）：依價目表應收 {expected}，但未列入帳單"},
	"reconcile.fee_not_in_book": {"job code expected:money actual:money pay_type:pay",
		"Fee {code} ({pay_type}) is on the bill at {actual}, but the price book does not charge it",
		"規費 {code}（{pay_type}）列於帳單，金額 {actual}，但依價目表不應收取"},
	"reconcile.quantity_differs": {"job code expected actual",
		"Job {job}: {code} quantity differs: {expected} on the work order, {actual} on the bill",
		"項目 {job}：{code} 數量不符：工單 {expected}，帳單 {actual}"},
	"reconcile.hours_differ": {"job code expected actual",
		"Job {job}: {code} hours differ: {expected} h on the work order, {actual} h on the bill",
		"項目 {job}：{code} 工時不符：工單 {expected} 小時，帳單 {actual} 小時"},
	"reconcile.price_differs": {"job code expected:money actual:money",
		"Job {job}: {code} price differs: it should be {expected}, the bill has {actual}",
		"項目 {job}：{code} 價格不符：應為 {expected}，帳單為 {actual}"},
	"reconcile.pay_type_differs": {"job code expected:pay actual:pay",
		"Job {job}: {code} payer differs: {expected} on the work order, {actual} on the bill",
		"項目 {job}：{code} 付款方不符：工單為{expected}，帳單為{actual}"},
	"reconcile.tax_differs": {"job code expected:money actual:money",
		"Job {job}: {code} tax differs: it should be {expected}, the bill has {actual}",
		"項目 {job}：{code} 稅額不符：應為 {expected}，帳單為 {actual}"},
	"reconcile.not_approved": {"job code expected actual",
		"Job {job}: {code} is on the bill ({actual}) but the customer did not approve it (approved: {expected})",
		"項目 {job}：{code} 列於帳單（{actual}），但客戶未同意此項目（已同意：{expected}）"},
	"reconcile.fee_price_differs": {"job code expected:money actual:money pay_type:pay",
		"Fee {code} ({pay_type}) differs: the price book charges {expected}, the bill has {actual}",
		"規費 {code}（{pay_type}）金額不符：依價目表應為 {expected}，帳單為 {actual}"},
	"reconcile.fee_tax_differs": {"job code expected:money actual:money pay_type:pay",
		"Fee {code} ({pay_type}) tax differs: it should be {expected}, the bill has {actual}",
		"規費 {code}（{pay_type}）稅額不符：應為 {expected}，帳單為 {actual}"},
	"reconcile.clocked_variance": {"job code expected actual",
		"Job {job}: {code} clocked {actual} h against {expected} h billed",
		"項目 {job}：{code} 實際工時 {actual} 小時，計費工時 {expected} 小時"},
	// A bill line the price book cannot price, so there is no expected
	// price to compare with (expected is then empty).
	"reconcile.unpriced": {"job code expected actual:money",
		"Job {job}: {code} is on the bill at {actual}, but the price book cannot price it",
		"項目 {job}：{code} 帳單金額 {actual}，但價目表無法計價"},
	// ---- End of reconciliation. ----
}

// msgArgKinds are the kinds an argument may have.
var msgArgKinds = []string{"", "money", "pay", "kind", "base", "unit", "taxname", "rmode", "rounding", "pricedby", "consent", "method", "jobs"}

// msgCatalogue is the compiled catalogue. It is built once, at load, and
// never changed.
var msgCatalogue = catalog.MustCompile(catalog.Config{
	Name:              "billing",
	Kinds:             msgArgKinds,
	ErrUnknownMessage: ErrUnknownMessage,
	ErrMissingArg:     ErrMissingArg,
}, msgCatalogueDefs(msgDefs))

// msgCatalogueDefs gives the catalogue as written to the catalog engine.
func msgCatalogueDefs(defs map[string]msgDef) map[string]catalog.Def {
	out := make(map[string]catalog.Def, len(defs))
	for key, d := range defs {
		out[key] = catalog.Def{Args: d.args, Text: map[org.Lang]string{org.English: d.en, org.TraditionalChinese: d.zh}}
	}
	return out
}

// msgLang is the language a message renders in: Traditional Chinese when
// asked for, English for English and for every other Lang.
func msgLang(lang org.Lang) org.Lang { return catalog.Lang(lang) }

// msgRender renders the message key in lang with args.
func msgRender(key string, lang org.Lang, args map[string]string) (string, error) {
	return msgCatalogue.Render(key, lang, args, msgValue)
}

// msgTerm renders the message key, or gives fallback when it cannot.
func msgTerm(key string, lang org.Lang, args map[string]string, fallback string) string {
	return msgCatalogue.Term(key, lang, args, msgValue, fallback)
}

// msgValue shows an argument's value by its kind.
func msgValue(kind, v string, lang org.Lang) string {
	switch kind {
	case "money":
		return groupThousands(v)
	case "pay": // one pay type, or several joined by "+"
		parts := strings.Split(v, "+")
		for i, p := range parts {
			parts[i] = msgTerm("pay."+p, lang, nil, p)
		}
		return strings.Join(parts, "+")
	case "kind":
		return msgTerm("kind."+v, lang, nil, v)
	case "base":
		if v == "" {
			v = string(BaseLaborAndParts)
		}
		return msgTerm("fee_base."+v, lang, nil, v)
	case "unit":
		return msgTerm("unit."+msgNorm(v), lang, nil, v)
	case "taxname":
		return msgTerm("tax_name."+msgNorm(v), lang, nil, v)
	case "rmode":
		return msgTerm("rounding_mode."+v, lang, nil, v)
	case "rounding":
		return msgRounding(v, lang)
	case "pricedby":
		return msgPricedBy(v, lang)
	case "consent": // "estimate", "supplement 2", "overrun"
		if n, ok := strings.CutPrefix(v, "supplement "); ok {
			return msgTerm("consent.supplement", lang, map[string]string{"n": n}, v)
		}
		return msgTerm("consent."+v, lang, nil, v)
	case "method":
		return msgTerm("method."+v, lang, nil, v)
	case "jobs":
		if v == "" {
			return msgTerm("jobs.none", lang, nil, v)
		}
	}
	return v
}

func msgNorm(v string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(v)), " ", "_")
}

// msgRounding reads a Rounding as its String method writes it ("half_up to
// 2 places", "cash to 0.05") and says it in lang.
func msgRounding(v string, lang org.Lang) string {
	if inc, ok := strings.CutPrefix(v, "cash to "); ok {
		return msgTerm("rounding.cash", lang, map[string]string{"increment": inc}, v)
	}
	mode, rest, ok := strings.Cut(v, " to ")
	places, ok2 := strings.CutSuffix(rest, " places")
	if !ok || !ok2 {
		return v
	}
	switch places {
	case "0":
		return msgTerm("rounding.whole", lang, map[string]string{"mode": mode}, v)
	case "1":
		return msgTerm("rounding.one_place", lang, map[string]string{"mode": mode}, v)
	}
	return msgTerm("rounding.places", lang, map[string]string{"mode": mode, "places": places}, v)
}

// msgPricedBy reads how Price says a part was priced ("sell", "list",
// "multiplier 1.6", "margin 35%") and says it in lang.
func msgPricedBy(v string, lang org.Lang) string {
	if f, ok := strings.CutPrefix(v, "multiplier "); ok {
		return msgTerm("priced_by.multiplier", lang, map[string]string{"factor": f}, v)
	}
	if m, ok := strings.CutPrefix(v, "margin "); ok {
		return msgTerm("priced_by.margin", lang, map[string]string{"margin": m}, v)
	}
	return msgTerm("priced_by."+v, lang, nil, v)
}

// msgNumber matches a plain decimal number, as money arguments are written.
var msgNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// groupThousands writes a plain decimal number with thousands separators:
// 1234567.50 -> 1,234,567.50. Anything else is returned as given.
func groupThousands(v string) string { return catalog.GroupThousands(v) }

// Message is one message of the catalogue: its key, the arguments it
// needs, and its template in every language of [org.Langs].
type Message struct {
	Key  string              `json:"key"`
	Args []string            `json:"args,omitempty"`
	Text map[org.Lang]string `json:"text"`
}

// Messages lists the catalogue, sorted by key: for translators to review,
// for a host to check its own keys, for tests to render every message.
func Messages() []Message {
	ms := msgCatalogue.Messages()
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, Message(m))
	}
	return out
}
