package billing

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Text renders the document as printed for its payer, in lang: the kind
// and number, the date and payer, the work order, what a credit note
// corrects and why, the bill with every line explained, the payments (a
// deposit as a negative line), the change or the balance due, and the
// notes: the warranty reminder (R3.4e) and the fee disclosures. loc is the
// dealer's time zone for the date; nil means UTC.
//
// The amounts are right-aligned by display width (Chinese characters and
// fullwidth punctuation take two columns), at the same column in every
// language: the text column is as wide as the widest text with an amount
// in any of [org.Langs], so the English and the Chinese copies of a
// document line up with each other.
func (d Document) Text(lang org.Lang, loc *time.Location) string {
	lang = msgLang(lang)
	t := d.table(lang, loc)
	for _, other := range org.Langs() {
		if other != lang {
			text, amount := d.table(other, loc).widths()
			t.minText, t.minAmount = max(t.minText, text), max(t.minAmount, amount)
		}
	}
	return t.String()
}

// table is the document in lang as rows of text and amounts.
func (d Document) table(lang org.Lang, loc *time.Location) *table {
	if loc == nil {
		loc = time.UTC
	}
	kind := msgTerm("document."+string(d.Kind), lang, nil, string(d.Kind))
	var t table
	t.add(0, msgTerm("doc.heading", lang, map[string]string{"kind": kind, "number": string(d.ID)}, string(d.ID)), "")
	t.add(0, msgTerm("doc.issued", lang, map[string]string{"date": d.IssuedAt.In(loc).Format(time.DateOnly), "payer": d.Payer.Name}, d.Payer.Name), "")
	if d.WorkOrder != "" {
		t.add(0, msgTerm("doc.work_order", lang, map[string]string{"work_order": d.WorkOrder}, d.WorkOrder), "")
	}
	if d.References != "" {
		t.add(0, msgTerm("doc.references", lang, map[string]string{"original": string(d.References)}, string(d.References)), "")
		t.add(0, msgTerm("doc.reason", lang, map[string]string{"reason": d.Reason}, d.Reason), "")
	}
	r := explainer{lang: lang, scale: d.Scale, inclusive: 0}
	if d.Inclusive {
		r.inclusive = 1
	}
	t.add(0, "", "")
	t.payer(r.payer(d.Bill))
	paid := decimal.Zero
	for _, p := range d.Payments {
		method := msgTerm("payment."+string(p.Method), lang, nil, string(p.Method))
		amount := p.Amount
		if p.Method == PayDeposit {
			amount = amount.Neg() // a deposit shows as a negative line
		}
		label := method // "Deposit applied" says it all
		if p.Method != PayDeposit {
			label = msgTerm("doc.payment", lang, map[string]string{"method": method}, method)
		}
		t.add(1, label, groupThousands(amount.StringFixed(d.Scale)))
		paid = paid.Add(p.Amount)
	}
	if len(d.Payments) > 0 {
		switch rest := d.Total.Sub(paid); {
		case rest.IsNegative():
			t.add(1, msgTerm("doc.change", lang, nil, "Change"), groupThousands(rest.Neg().StringFixed(d.Scale)))
		case rest.IsPositive():
			t.add(1, msgTerm("doc.balance", lang, nil, "Balance due"), groupThousands(rest.StringFixed(d.Scale)))
		}
	}
	t.add(0, "", "")
	for _, n := range d.Notes {
		text, err := n.Render(lang)
		if err != nil {
			text = n.Key
		}
		t.add(0, text, "")
	}
	return &t
}
