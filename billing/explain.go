package billing

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
)

// Explaining a bill (R3.4c): every line, tax and total says what it is
// made of and how it was charged, in English or Traditional Chinese, from
// the one message catalogue of billing (see [Messages]).
//
// Every method here takes an org.Lang. org.TraditionalChinese renders
// Traditional Chinese; org.English, and any other Lang, renders English:
// an unknown language never fails, it falls back to English.
//
// Descriptions, titles, codes and vendor names come from the price book
// and the order as they were written, in whatever language that was; units
// ("L", "h") and tax names ("VAT") that the catalogue knows are translated.

// Render renders e in lang (any Lang but org.TraditionalChinese renders
// English), strictly: it fails with [ErrUnknownMessage] when the catalogue
// lacks e.Key and with [ErrMissingArg] when e lacks an argument the
// message needs; arguments the message does not use are ignored.
func (e Explanation) Render(lang org.Lang) (string, error) {
	return msgRender(e.Key, lang, e.Args)
}

// Text renders e in lang, as every Text of servicelane does: it never
// fails; an explanation it cannot render shows its key and arguments as
// they are ("line.labor{amount=1800, op=BRK-01}"), so nothing is silently
// lost. An explanation without a key is no text. [Explanation.Render] is
// the strict form.
func (e Explanation) Text(lang org.Lang) string {
	if e.Key == "" {
		return ""
	}
	s, err := e.Render(lang)
	if err != nil {
		return e.raw()
	}
	return s
}

func (e Explanation) raw() string {
	var b strings.Builder
	b.WriteString(e.Key)
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(e.Args)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", k, e.Args[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Text names p in lang: "Customer", "客戶付費". An unknown pay type is
// written as it is.
func (p PayType) Text(lang org.Lang) string { return msgTerm("pay."+string(p), lang, nil, string(p)) }

// Text names k in lang: "Labor", "工資".
func (k Kind) Text(lang org.Lang) string { return msgTerm("kind."+string(k), lang, nil, string(k)) }

// Text names s in lang: "per line", "逐項".
func (s TaxScope) Text(lang org.Lang) string {
	return msgTerm("scope."+string(s), lang, nil, string(s))
}

// Text names m in lang: "half up", "四捨五入".
func (m RoundingMode) Text(lang org.Lang) string {
	return msgTerm("rounding_mode."+string(m), lang, nil, string(m))
}

// Text says r in lang: "half up to 2 decimal places", "四捨五入至整數",
// "以 0.05 為單位四捨五入".
func (r Rounding) Text(lang org.Lang) string { return msgRounding(r.String(), lang) }

// Text says what l is and how it was computed, with how it is taxed and
// its discount: "Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax
// 5% included)", "工資 BRK-01 更換來令片：1.5 小時 × 每小時 1,200 = 1,800
// （含 5% 營業稅）".
//
// A Line alone does not know whether its bill's prices include tax: the
// tax note says "included" or "plus" when the line's Args carry
// "tax_included" ("true" or "false"), else just the rate ("tax 5%");
// [Bill.Text] and [Bill.Explained] always know. A line whose explanation
// cannot be rendered shows its key and arguments as they are.
func (l Line) Text(lang org.Lang) string {
	r := explainer{lang: msgLang(lang), inclusive: -1}
	text := r.line(l)
	if d := r.discount(l); d != "" {
		text = msgTerm("line.with_discount", r.lang, map[string]string{"text": text, "discount": d}, text+"; "+d)
	}
	return text
}

// Text renders b as a plain-text bill in lang: the payer's name, a row per
// line with its explanation and amount, its discount, the subtotal, the
// discount, the tax with each rate and its explanation, and the total, with
// the amounts aligned (Chinese characters count two columns).
//
// A PayerBill does not record its currency scale nor whether prices include
// tax; Text reads both from b.Explain, as Price sets it. [Bill.Text] has
// them from the Bill.
func (b PayerBill) Text(lang org.Lang) string {
	r := explainer{lang: msgLang(lang), scale: payerScale(b), inclusive: -1}
	switch b.Explain.Key {
	case "total.inclusive":
		r.inclusive = 1
	case "total.exclusive":
		r.inclusive = 0
	}
	var t table
	t.payer(r.payer(b))
	return t.String()
}

// Text renders the whole bill as plain text in lang: the work order and
// price book, whether prices include tax, then each payer as
// [PayerBill.Text] does, and, with more than one payer, the total of all.
func (b Bill) Text(lang org.Lang) string {
	e := b.Explained(lang)
	var t table
	for _, h := range e.Header {
		t.add(0, h, "")
	}
	for _, p := range e.Payers {
		t.add(0, "", "")
		t.payer(p)
	}
	if len(e.Payers) > 1 {
		t.add(0, "", "")
		t.add(0, e.Total.Label, groupThousands(e.Total.Amount))
	}
	return t.String()
}

// ExplainedBill is a bill rendered in one language as plain data, for a
// host to serialise to JSON for a screen. Amounts are exact fixed-scale
// decimal strings ("1800", "18.00"), without separators; texts are ready
// to show.
type ExplainedBill struct {
	Lang             org.Lang `json:"lang"`
	WorkOrder        string   `json:"work_order,omitempty"`
	Currency         string   `json:"currency"`
	PriceBookVersion string   `json:"price_book_version"`
	Inclusive        bool     `json:"inclusive"`
	// Header is the bill's heading, line by line: the work order, the
	// price book and currency, whether prices include tax.
	Header []string         `json:"header"`
	Payers []ExplainedPayer `json:"payers"`
	// Total is what every payer together owes.
	Total ExplainedAmount `json:"total"`
}

// ExplainedPayer is what one payer owes, explained.
type ExplainedPayer struct {
	PayType PayType `json:"pay_type"`
	// Name is the payer's heading: "Customer", "保固".
	Name  string          `json:"name"`
	Lines []ExplainedLine `json:"lines"`
	// Taxes has a row per tax rate: ID is the tax code, Label its name and
	// rate, Amount the tax, Text how it was computed.
	Taxes []ExplainedAmount `json:"taxes"`
	// Totals are, in order, "subtotal", "discount", "tax" and "total";
	// the total's Text says how it adds up.
	Totals []ExplainedAmount `json:"totals"`
}

// ExplainedLine is one bill line, explained.
type ExplainedLine struct {
	ID  string `json:"id"`
	Job string `json:"job,omitempty"`
	// Kind and its name in the language: "labor", "工資".
	Kind     Kind   `json:"kind"`
	KindName string `json:"kind_name"`
	// Text says what the line is and how it was computed, with how it is
	// taxed; it is [Line.Text] without the discount, which is
	// DiscountText.
	Text   string `json:"text"`
	Amount string `json:"amount"`
	// Discount is the discount taken off the line, as a positive amount,
	// when there is one.
	Discount     string `json:"discount,omitempty"`
	DiscountText string `json:"discount_text,omitempty"`
	Net          string `json:"net"`
	Tax          string `json:"tax"`
}

// ExplainedAmount is a labelled amount with, where it has one, the text
// that explains it.
type ExplainedAmount struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Amount string `json:"amount"`
	Text   string `json:"text,omitempty"`
}

// Explained renders b in lang as plain data (see [ExplainedBill]).
func (b Bill) Explained(lang org.Lang) ExplainedBill {
	r := explainer{lang: msgLang(lang), scale: b.Scale, inclusive: 0}
	if b.Inclusive {
		r.inclusive = 1
	}
	e := ExplainedBill{Lang: r.lang, WorkOrder: b.WorkOrder, Currency: b.Currency, PriceBookVersion: b.PriceBookVersion,
		Inclusive: b.Inclusive, Payers: []ExplainedPayer{}}
	if b.WorkOrder != "" {
		e.Header = append(e.Header, msgTerm("bill.work_order", r.lang, map[string]string{"work_order": b.WorkOrder}, b.WorkOrder))
	}
	prices := "bill.prices_exclusive"
	if b.Inclusive {
		prices = "bill.prices_inclusive"
	}
	e.Header = append(e.Header,
		msgTerm("bill.price_book", r.lang, map[string]string{"version": b.PriceBookVersion, "currency": b.Currency}, b.PriceBookVersion),
		msgTerm(prices, r.lang, nil, ""))
	for _, p := range b.Payers {
		e.Payers = append(e.Payers, r.payer(p))
	}
	e.Total = ExplainedAmount{ID: "total", Label: msgTerm("label.total_all_payers", r.lang, nil, "Total"), Amount: r.money(b.Total())}
	return e
}

// explainer renders in one language, knowing the scale of amounts and
// whether prices include tax (inclusive: 1 yes, 0 no, -1 unknown).
type explainer struct {
	lang      org.Lang
	scale     int32
	inclusive int
}

func (r explainer) money(d decimal.Decimal) string { return d.StringFixed(r.scale) }

// line is the text of a line with its tax note, without its discount.
func (r explainer) line(l Line) string {
	text := l.Explain.Text(r.lang)
	if text == "" {
		text = strings.TrimSpace(l.Code + " " + l.Description)
	}
	tax, ok := l.Explain.Args["tax"]
	if !ok || tax == "" {
		return text
	}
	inclusive := r.inclusive
	if inclusive < 0 {
		switch l.Explain.Args["tax_included"] {
		case "true":
			inclusive = 1
		case "false":
			inclusive = 0
		}
	}
	var key string
	switch {
	case tax == "exempt":
		key = "line.tax_exempt"
	case inclusive == 1:
		key = "line.tax_included"
	case inclusive == 0:
		key = "line.tax_added"
	default:
		key = "line.tax_rate"
	}
	note := msgTerm(key, r.lang, map[string]string{"rate": tax}, tax)
	return msgTerm("line.with_tax", r.lang, map[string]string{"text": text, "note": note}, text+" ("+note+")")
}

// discount is the text of a line's discount, or "" when it has none. The
// codes come from the line's "discount_codes" argument when Price records
// them.
func (r explainer) discount(l Line) string {
	if l.Discount.IsZero() {
		return ""
	}
	amount := r.money(l.Discount)
	if codes := l.Explain.Args["discount_codes"]; codes != "" {
		return msgTerm("discount.line", r.lang, map[string]string{"code": codes, "amount": amount}, amount)
	}
	return msgTerm("discount.line_total", r.lang, map[string]string{"amount": amount}, amount)
}

func (r explainer) label(key string) string { return msgTerm(key, r.lang, nil, key) }

func (r explainer) payer(b PayerBill) ExplainedPayer {
	p := ExplainedPayer{PayType: b.PayType, Name: b.PayType.Text(r.lang), Lines: []ExplainedLine{}, Taxes: []ExplainedAmount{}}
	for _, l := range b.Lines {
		el := ExplainedLine{ID: l.ID, Job: l.Job, Kind: l.Kind, KindName: l.Kind.Text(r.lang), Text: r.line(l),
			Amount: r.money(l.Amount), Net: r.money(l.Net), Tax: r.money(l.Tax)}
		if !l.Discount.IsZero() {
			el.Discount, el.DiscountText = r.money(l.Discount), r.discount(l)
		}
		p.Lines = append(p.Lines, el)
	}
	for _, t := range b.Taxes {
		label := msgTerm("label.tax_rate", r.lang, map[string]string{"name": t.Name, "rate": t.Rate.Shift(2).String() + "%"}, t.Name)
		p.Taxes = append(p.Taxes, ExplainedAmount{ID: t.Code, Label: label, Amount: r.money(t.Tax), Text: t.Explain.Text(r.lang)})
	}
	taxLabel := "label.tax"
	if r.inclusive == 1 {
		taxLabel = "label.tax_included"
	}
	p.Totals = []ExplainedAmount{
		{ID: "subtotal", Label: r.label("label.subtotal"), Amount: r.money(b.Subtotal)},
		{ID: "discount", Label: r.label("label.discount"), Amount: r.money(b.Discount)},
		{ID: "tax", Label: r.label(taxLabel), Amount: r.money(b.Tax)},
		{ID: "total", Label: r.label("label.total"), Amount: r.money(b.Total), Text: b.Explain.Text(r.lang)},
	}
	return p
}

// payerScale is the scale of a PayerBill's amounts: the places of the
// total as Price wrote it into the explanation, else the most places any
// amount has.
func payerScale(b PayerBill) int32 {
	if t, ok := b.Explain.Args["total"]; ok {
		if _, frac, ok := strings.Cut(t, "."); ok {
			return int32(len(frac))
		}
		if msgNumber.MatchString(t) {
			return 0
		}
	}
	scale := int32(0)
	for _, d := range []decimal.Decimal{b.Subtotal, b.Discount, b.Tax, b.Total} {
		scale = max(scale, -d.Exponent())
	}
	return scale
}

// table lays out rows of text and an amount: the amounts right-aligned in
// one column after the widest text that has an amount, by display width
// (Chinese characters and fullwidth punctuation take two columns).
type table struct {
	rows []tableRow
	// minText and minAmount are the least widths of the two columns, so
	// that a document puts its amounts at one column in every language.
	minText, minAmount int
}

type tableRow struct {
	indent int
	text   string
	amount string
}

func (t *table) add(indent int, text, amount string) {
	t.rows = append(t.rows, tableRow{indent, text, amount})
}

// payer adds a payer: its name, its lines and discounts, its totals and
// taxes, and how the total adds up.
func (t *table) payer(p ExplainedPayer) {
	t.add(0, p.Name, "")
	for _, l := range p.Lines {
		t.add(1, l.Text, groupThousands(l.Amount))
		if l.Discount != "" {
			t.add(2, l.DiscountText, groupThousands(negated(l.Discount)))
		}
	}
	var total ExplainedAmount
	for _, a := range p.Totals {
		switch a.ID {
		case "subtotal":
			t.add(1, a.Label, groupThousands(a.Amount))
		case "discount":
			if strings.Trim(a.Amount, "-0.") != "" {
				t.add(1, a.Label, groupThousands(negated(a.Amount)))
			}
		case "tax":
			t.add(1, a.Label, groupThousands(a.Amount))
			for _, tx := range p.Taxes {
				t.add(2, tx.Label, groupThousands(tx.Amount))
				t.add(3, tx.Text, "")
			}
		case "total":
			total = a
		}
	}
	t.add(1, total.Label, groupThousands(total.Amount))
	if total.Text != "" {
		t.add(2, total.Text, "")
	}
}

// negated writes a decimal string with its sign flipped: "180" -> "-180".
func negated(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return rest
	}
	return "-" + s
}

const tableIndent = "  "

// String writes the rows, amounts aligned; a row without an amount is
// written as it is.
func (t *table) String() string {
	tab := textwidth.Table{Columns: []textwidth.Column{
		{Width: t.minText},
		{Align: textwidth.Right, Width: t.minAmount, Gap: 2},
	}}
	for _, r := range t.rows {
		text := strings.Repeat(tableIndent, r.indent) + r.text
		if r.amount == "" {
			tab.Row(text) // a heading or a note: it does not widen the text column
			continue
		}
		tab.Row(text, r.amount)
	}
	return tab.String()
}

// widths are the widths String gives the text and the amount columns.
func (t *table) widths() (text, amount int) {
	text, amount = t.minText, t.minAmount
	for _, r := range t.rows {
		if r.amount != "" {
			text = max(text, textwidth.Width(strings.Repeat(tableIndent, r.indent)+r.text))
			amount = max(amount, textwidth.Width(r.amount))
		}
	}
	return text, amount
}
