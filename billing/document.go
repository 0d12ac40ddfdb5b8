package billing

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// DocumentID names an issued document: its series and number,
// "INV-000042".
type DocumentID string

// DocumentKind is what a document is.
type DocumentKind string

// Document kinds (R3.4d): an invoice or a receipt per payer per
// settlement, and credit notes that correct them.
const (
	Invoice    DocumentKind = "invoice"
	Receipt    DocumentKind = "receipt"
	CreditNote DocumentKind = "credit_note"
)

// Party is who a document is addressed to.
type Party struct {
	Name    string `json:"name" validate:"max=200"`
	TaxID   string `json:"tax_id,omitempty" validate:"max=40"`
	Address string `json:"address,omitempty" validate:"max=500"`
}

// PaymentMethod is how money was paid.
type PaymentMethod string

// Payment methods.
const (
	PayCash     PaymentMethod = "cash"
	PayCard     PaymentMethod = "card"
	PayTransfer PaymentMethod = "transfer"
	PayOther    PaymentMethod = "other"
	// PayDeposit applies a deposit taken earlier: it shows on the
	// customer's document as a negative line.
	PayDeposit PaymentMethod = "deposit"
)

// Payment is one tender of a split payment.
type Payment struct {
	Method    PaymentMethod   `json:"method"`
	Amount    decimal.Decimal `json:"amount"`
	Reference string          `json:"reference,omitempty" validate:"max=200"`
}

// Document is an issued invoice, receipt or credit note. It is immutable:
// a correction is a credit note that references it.
type Document struct {
	DealerID org.DealerID `json:"dealer_id"`
	ID       DocumentID   `json:"id"`
	Series   string       `json:"series"`
	// Number is gapless within the dealer's series.
	Number    int64        `json:"number"`
	Kind      DocumentKind `json:"kind"`
	WorkOrder string       `json:"work_order"`
	// Settlement is the idempotency key of the settlement that issued it.
	Settlement       string          `json:"settlement"`
	PayType          PayType         `json:"pay_type"`
	Payer            Party           `json:"payer"`
	Currency         string          `json:"currency"`
	Scale            int32           `json:"scale"`
	PriceBookVersion string          `json:"price_book_version"`
	Inclusive        bool            `json:"inclusive"`
	Bill             PayerBill       `json:"bill"`
	Payments         []Payment       `json:"payments,omitempty"`
	Total            decimal.Decimal `json:"total"`
	// References is the document a credit note corrects.
	References DocumentID `json:"references,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	// Notes are the printed disclosures: the warranty reminder (R3.4e) and
	// the itemised fee disclosures.
	Notes    []Explanation `json:"notes"`
	IssuedAt time.Time     `json:"issued_at"`
	IssuedBy org.Actor     `json:"issued_by"`
	Version  int64         `json:"version"`
}

// Clone returns a deep copy of d.
func (d Document) Clone() Document {
	d.Bill = d.Bill.clone()
	d.Payments = slices.Clone(d.Payments)
	d.Notes = cloneExplanations(d.Notes)
	return d
}

func (p PayerBill) clone() PayerBill {
	p.Lines = slices.Clone(p.Lines)
	for i := range p.Lines {
		p.Lines[i].Explain = p.Lines[i].Explain.clone()
	}
	p.Taxes = slices.Clone(p.Taxes)
	for i := range p.Taxes {
		p.Taxes[i].Explain = p.Taxes[i].Explain.clone()
	}
	p.Explain = p.Explain.clone()
	return p
}

func (e Explanation) clone() Explanation {
	if e.Args != nil {
		args := make(map[string]string, len(e.Args))
		for k, v := range e.Args {
			args[k] = v
		}
		e.Args = args
	}
	return e
}

func cloneExplanations(es []Explanation) []Explanation {
	out := slices.Clone(es)
	for i := range out {
		out[i] = out[i].clone()
	}
	return out
}

// Series is a numbering series of a dealer: "INV", "RCP", "CRN". Next is
// the number the next document gets; a number is used only by a committed
// document, so numbers have no gaps.
type Series struct {
	DealerID org.DealerID `json:"dealer_id"`
	Name     string       `json:"name"`
	Next     int64        `json:"next"`
	Version  int64        `json:"version"`
}

// Confirmation is the customer's agreement to the bill (R3.4d).
type Confirmation struct {
	By     string `json:"by" validate:"notblank,max=200"`
	Method string `json:"method" validate:"oneof=in_person phone sms email signature"`
}

// Override is a supervisor's decision to settle a bill whose
// reconciliation has open differences (R3.4b), with the reason.
type Override struct {
	By     org.EmployeeID `json:"by"`
	Reason string         `json:"reason"`
}

// Settlement is one settlement of a work order: the customer's
// confirmation, the payments and the documents issued. Its Key makes
// settling idempotent: settling again with the same key returns it.
type Settlement struct {
	DealerID     org.DealerID   `json:"dealer_id"`
	Key          string         `json:"key"`
	WorkOrder    string         `json:"work_order"`
	Advisor      org.EmployeeID `json:"advisor"`
	Confirmation Confirmation   `json:"confirmation"`
	Payments     []Payment      `json:"payments"`
	// Due is what the customer owes; Paid what the tenders sum to (deposits
	// included); Change is cash handed back.
	Due       decimal.Decimal `json:"due"`
	Paid      decimal.Decimal `json:"paid"`
	Change    decimal.Decimal `json:"change"`
	Documents []DocumentID    `json:"documents"`
	// Differences counts the reconciliation's open differences at
	// settlement; with any, Override says who allowed it and why.
	Differences int       `json:"differences"`
	Override    *Override `json:"override,omitempty"`
	// Corrected is set when a credit note later corrects one of its
	// documents: the settlement was not accurate (R6.1).
	Corrected bool `json:"corrected"`
	// Corrects is set on the record of a credit note's issue: the document
	// it reverses. Such a record is not a settlement of a bill.
	Corrects  DocumentID `json:"corrects,omitempty"`
	SettledAt time.Time  `json:"settled_at"`
	SettledBy org.Actor  `json:"settled_by"`
	Version   int64      `json:"version"`
}

// Clone returns a deep copy of s.
func (s Settlement) Clone() Settlement {
	s.Payments = slices.Clone(s.Payments)
	s.Documents = slices.Clone(s.Documents)
	if s.Override != nil {
		o := *s.Override
		s.Override = &o
	}
	return s
}

// StoredPriceBook is a price book version kept for a dealer. Exactly one is
// active: it prices new bills; the others stay so that every bill can show
// which version priced it.
type StoredPriceBook struct {
	DealerID org.DealerID `json:"dealer_id"`
	Book     PriceBook    `json:"book"`
	Active   bool         `json:"active"`
	SavedAt  time.Time    `json:"saved_at"`
	SavedBy  org.Actor    `json:"saved_by"`
	Version  int64        `json:"version"`
}

// Clone returns a deep copy of b.
func (b PriceBook) Clone() PriceBook {
	b.Labor.Rates = slices.Clone(b.Labor.Rates)
	b.Labor.Operations = slices.Clone(b.Labor.Operations)
	b.Parts.Matrix = slices.Clone(b.Parts.Matrix)
	b.Fees = slices.Clone(b.Fees)
	for i := range b.Fees {
		b.Fees[i].PayTypes = slices.Clone(b.Fees[i].PayTypes)
	}
	b.Coupons = slices.Clone(b.Coupons)
	b.Tax.Rates = slices.Clone(b.Tax.Rates)
	for i := range b.Tax.Rates {
		b.Tax.Rates[i].Kinds = slices.Clone(b.Tax.Rates[i].Kinds)
		b.Tax.Rates[i].PayTypes = slices.Clone(b.Tax.Rates[i].PayTypes)
	}
	b.ManualPrices.Roles = slices.Clone(b.ManualPrices.Roles)
	return b
}

// Clone returns a deep copy of s.
func (s StoredPriceBook) Clone() StoredPriceBook {
	s.Book = s.Book.Clone()
	return s
}
