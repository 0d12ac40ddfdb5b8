package billing

import (
	"github.com/shopspring/decimal"
)

// Order is what is to be priced: the jobs of a work order as performed,
// each with its payer, and the order's discounts. The servicedesk package
// builds it from a work order's approved jobs; a host can build it from
// anything.
type Order struct {
	WorkOrder string     `json:"work_order"`
	Jobs      []Job      `json:"jobs"`
	Discounts []Discount `json:"discounts,omitempty"`
	// Coupons are codes from the price book, applied as order discounts.
	Coupons []string `json:"coupons,omitempty"`
}

// Job is one job with its payer.
type Job struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	PayType PayType `json:"pay_type"`
	// Deductible is the customer's share of a contract or insurance job.
	Deductible decimal.Decimal `json:"deductible,omitzero"`
	Labor      []LaborItem     `json:"labor,omitempty"`
	Parts      []PartItem      `json:"parts,omitempty"`
	Sublets    []SubletItem    `json:"sublets,omitempty"`
	Fees       []FeeItem       `json:"fees,omitempty"`
	// Discounts apply to this job's lines only.
	Discounts []Discount `json:"discounts,omitempty"`
}

// LaborItem is labor on an operation code.
type LaborItem struct {
	Op          string `json:"op"`
	Description string `json:"description,omitempty"`
	// Hours billed; zero means the operation's book hours.
	Hours decimal.Decimal `json:"hours,omitzero"`
	// Clocked is the technician's actual time, kept for efficiency.
	Clocked   decimal.Decimal `json:"clocked,omitzero"`
	LaborType string          `json:"labor_type,omitempty"`
	// Rate, when set, is an hourly rate set by hand in place of the book's
	// (a manual price the book's ManualPrices allows); the line says so.
	Rate decimal.Decimal `json:"rate,omitzero"`
}

// PartItem is a part used.
type PartItem struct {
	Number      string          `json:"number"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	Cost        decimal.Decimal `json:"cost"`
	List        decimal.Decimal `json:"list,omitzero"`
	// Sell, when set, is the unit price set by hand; otherwise the matrix
	// prices a positive cost, or else the list price applies.
	Sell decimal.Decimal `json:"sell,omitzero"`
	// Core is the core charge per unit, billed on its own line.
	Core decimal.Decimal `json:"core,omitzero"`
}

// SubletItem is work bought from a vendor.
type SubletItem struct {
	Vendor      string          `json:"vendor"`
	Description string          `json:"description"`
	Cost        decimal.Decimal `json:"cost"`
}

// FeeItem asks for a per-unit fee of the price book: 4 litres of oil
// disposal.
type FeeItem struct {
	Code     string          `json:"code"`
	Quantity decimal.Decimal `json:"quantity"`
}

// Discount is a percent or a fixed amount off, on the lines of Kinds
// (empty: every kind). Exactly one of Percent and Amount is set.
type Discount struct {
	Code        string          `json:"code"`
	Description string          `json:"description,omitempty"`
	Percent     decimal.Decimal `json:"percent,omitzero"` // 0.10 = 10%
	Amount      decimal.Decimal `json:"amount,omitzero"`
	Kinds       []Kind          `json:"kinds,omitempty"`
}

// Bill is a priced order: one part per payer. Every total is the sum of
// printed parts: Subtotal is the sum of line amounts, Discount of line
// discounts, Tax of the tax lines (and of the line taxes); Total is
// Subtotal - Discount + Tax when prices exclude tax, Subtotal - Discount
// when they include it.
type Bill struct {
	WorkOrder        string      `json:"work_order"`
	Currency         string      `json:"currency"`
	Scale            int32       `json:"scale"`
	PriceBookVersion string      `json:"price_book_version"`
	Inclusive        bool        `json:"inclusive"`
	Payers           []PayerBill `json:"payers"`
}

// PayerBill is what one payer owes: its own lines and totals, and its own
// document.
type PayerBill struct {
	PayType  PayType         `json:"pay_type"`
	Lines    []Line          `json:"lines"`
	Taxes    []TaxLine       `json:"taxes"`
	Subtotal decimal.Decimal `json:"subtotal"`
	Discount decimal.Decimal `json:"discount"`
	Tax      decimal.Decimal `json:"tax"`
	Total    decimal.Decimal `json:"total"`
	Explain  Explanation     `json:"explain"`
}

// Line is one printed line.
type Line struct {
	// ID is stable: "j1/labor/BRK-01", "fee/SHOP".
	ID          string          `json:"id"`
	Job         string          `json:"job,omitempty"`
	PayType     PayType         `json:"pay_type"`
	Kind        Kind            `json:"kind"`
	Code        string          `json:"code"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit,omitempty"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	// Amount is the line before discount (tax included when prices are).
	Amount decimal.Decimal `json:"amount"`
	// Discount is the discount allocated to the line, as a positive amount
	// taken off.
	Discount decimal.Decimal `json:"discount"`
	// Net is Amount - Discount.
	Net     decimal.Decimal `json:"net"`
	TaxCode string          `json:"tax_code,omitempty"`
	TaxRate decimal.Decimal `json:"tax_rate"`
	// Tax is the line's tax (its share, when tax is rounded per group or
	// document).
	Tax decimal.Decimal `json:"tax"`
	// LaborType is the labor type whose rate priced a labor line: the
	// job's own, else the operation's. Reconciliation checks the rate
	// against it when the technician names none.
	LaborType string `json:"labor_type,omitempty"`
	// Labor lines: the operation's book hours and the clocked hours.
	BookHours    decimal.Decimal `json:"book_hours,omitzero"`
	ClockedHours decimal.Decimal `json:"clocked_hours,omitzero"`
	// Cost is what the dealer paid, for parts and sublets.
	Cost    decimal.Decimal `json:"cost,omitzero"`
	Explain Explanation     `json:"explain"`
}

// TaxLine is one tax rate's total for a payer.
type TaxLine struct {
	Code string          `json:"code"`
	Name string          `json:"name"`
	Rate decimal.Decimal `json:"rate"`
	// Base is the taxed amount, net of tax.
	Base    decimal.Decimal `json:"base"`
	Tax     decimal.Decimal `json:"tax"`
	Explain Explanation     `json:"explain"`
}

// Payer returns the part of b that p pays.
func (b Bill) Payer(p PayType) (PayerBill, bool) {
	for _, pb := range b.Payers {
		if pb.PayType == p {
			return pb, true
		}
	}
	return PayerBill{}, false
}

// Total is what every payer together owes.
func (b Bill) Total() decimal.Decimal {
	t := decimal.Zero
	for _, p := range b.Payers {
		t = t.Add(p.Total)
	}
	return t
}

// Negate returns b as a credit note: every amount with its sign flipped.
// Rounding is symmetric, so the credit note and the original net to zero.
func (b Bill) Negate() Bill {
	out := b
	out.Payers = make([]PayerBill, len(b.Payers))
	for i, p := range b.Payers {
		np := p
		np.Subtotal, np.Discount, np.Tax, np.Total = p.Subtotal.Neg(), p.Discount.Neg(), p.Tax.Neg(), p.Total.Neg()
		np.Lines = make([]Line, len(p.Lines))
		for k, l := range p.Lines {
			l.Quantity, l.Amount, l.Discount, l.Net, l.Tax = l.Quantity.Neg(), l.Amount.Neg(), l.Discount.Neg(), l.Net.Neg(), l.Tax.Neg()
			l.Explain = l.Explain.clone()
			if l.Explain.Args != nil {
				l.Explain.Args["credit"] = "true"
			}
			np.Lines[k] = l
		}
		np.Explain = p.Explain.clone()
		np.Taxes = make([]TaxLine, len(p.Taxes))
		for k, t := range p.Taxes {
			t.Base, t.Tax = t.Base.Neg(), t.Tax.Neg()
			t.Explain = t.Explain.clone()
			np.Taxes[k] = t
		}
		out.Payers[i] = np
	}
	return out
}

// Explanation says how an amount was computed: a message Key of the
// catalogue and its arguments, rendered in English or Traditional Chinese
// by [Explanation.Text].
type Explanation struct {
	Key  string            `json:"key"`
	Args map[string]string `json:"args,omitempty"`
}
