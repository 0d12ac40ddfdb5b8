package billing

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// PayType is who pays a job. One work order may mix them; each payer gets
// its own totals and its own document (a warranty claim is not the
// customer's invoice).
type PayType string

// Pay types.
const (
	PayCustomer  PayType = "customer"
	PayWarranty  PayType = "warranty"
	PayInternal  PayType = "internal"
	PayContract  PayType = "contract"  // a service contract
	PayInsurance PayType = "insurance" // an insurer
)

// PayTypes lists the pay types in document order.
func PayTypes() []PayType {
	return []PayType{PayCustomer, PayWarranty, PayInternal, PayContract, PayInsurance}
}

// Kind is what a bill line charges for.
type Kind string

// Line kinds.
const (
	KindLabor      Kind = "labor"
	KindPart       Kind = "part"
	KindCore       Kind = "core" // a core charge, refunded when the old part comes back
	KindSublet     Kind = "sublet"
	KindFee        Kind = "fee"
	KindDeductible Kind = "deductible" // the customer's share of a contract or insurance job
)

// PriceBook is a dealer's prices and rules: labor rates, operations, the
// parts markup matrix, fees, discounts, taxes and rounding. It is versioned
// configuration; every bill records the version that priced it.
type PriceBook struct {
	Version  string `json:"version" yaml:"version"`
	Currency string `json:"currency" yaml:"currency"`
	// Scale is the currency's decimal places on documents: 2 for USD, 0
	// for TWD.
	Scale int32 `json:"scale" yaml:"scale"`
	// Rounding rounds money amounts (unit prices, line amounts, fees) to
	// Scale; its Places is ignored.
	Rounding RoundingMode  `json:"rounding" yaml:"rounding"`
	Labor    LaborPolicy   `json:"labor" yaml:"labor"`
	Parts    PartsPolicy   `json:"parts" yaml:"parts"`
	Sublet   SubletPolicy  `json:"sublet" yaml:"sublet"`
	Fees     []FeeRule     `json:"fees" yaml:"fees"`
	Coupons  []Coupon      `json:"coupons" yaml:"coupons"`
	Tax      TaxPolicy     `json:"tax" yaml:"tax"`
	Overrun  OverrunPolicy `json:"overrun" yaml:"overrun"`
	// ManualPrices says who may price a line by hand instead of by the
	// book. The zero value lets nobody: every price comes from the book.
	ManualPrices ManualPricePolicy `json:"manual_prices,omitzero" yaml:"manual_prices,omitempty"`
}

// ManualPricePolicy allows prices set by hand: an hourly rate for a labor
// line or a unit price for a part, in place of what the book would charge.
// A manual price always carries its reason and is shown as a set price on
// the bill; fees and sublets are always the book's.
type ManualPricePolicy struct {
	// Roles are the roles that may set a price by hand ("supervisor").
	// Empty: nobody may.
	Roles []org.Role `json:"roles,omitempty" yaml:"roles,omitempty"`
}

// ManualPriceAllowed reports whether an employee in role may set a price by
// hand under this book.
func (b *PriceBook) ManualPriceAllowed(role org.Role) bool {
	return role != "" && slices.Contains(b.ManualPrices.Roles, role)
}

// LaborPolicy prices labor: hours x rate.
type LaborPolicy struct {
	Rates      []LaborRate `json:"rates" yaml:"rates"`
	Operations []Operation `json:"operations" yaml:"operations"`
	// Increment is the billing unit of hours: 0.1 (tenths) or 0.25
	// (quarters). Hours are rounded up to it. Zero: no rounding.
	Increment decimal.Decimal `json:"increment" yaml:"increment"`
	// Minimum is the least billed time of a labor line.
	Minimum decimal.Decimal `json:"minimum" yaml:"minimum"`
}

// LaborRate is the hourly rate for a pay type and labor type; an empty
// field matches any. The most specific match wins.
type LaborRate struct {
	PayType   PayType         `json:"pay_type,omitempty" yaml:"pay_type,omitempty"`
	LaborType string          `json:"labor_type,omitempty" yaml:"labor_type,omitempty"`
	Rate      decimal.Decimal `json:"rate" yaml:"rate"`
}

// Operation is an operation code with its flat-rate (book) hours.
type Operation struct {
	Code        string          `json:"code" yaml:"code"`
	Description string          `json:"description" yaml:"description"`
	Hours       decimal.Decimal `json:"hours" yaml:"hours"`
	LaborType   string          `json:"labor_type,omitempty" yaml:"labor_type,omitempty"`
}

// PartsPolicy prices parts from cost by a markup matrix.
type PartsPolicy struct {
	// Matrix bands by unit cost: the band whose [From, To) holds the cost
	// applies. A part with a sell price of its own keeps it.
	Matrix []MarkupBand `json:"matrix" yaml:"matrix"`
}

// MarkupBand prices a cost range by a Multiplier (cost x 1.6) or a target
// gross Margin (cost / (1 - 0.35)); exactly one is set.
type MarkupBand struct {
	From       decimal.Decimal `json:"from" yaml:"from"`
	To         decimal.Decimal `json:"to,omitzero" yaml:"to,omitempty"` // zero: no upper bound
	Multiplier decimal.Decimal `json:"multiplier,omitzero" yaml:"multiplier,omitempty"`
	Margin     decimal.Decimal `json:"margin,omitzero" yaml:"margin,omitempty"`
}

// SubletPolicy prices sublet work: vendor cost plus Markup (0.15 = 15%).
type SubletPolicy struct {
	Markup decimal.Decimal `json:"markup" yaml:"markup"`
}

// FeeBase is what a percent fee is a percent of.
type FeeBase string

// Fee bases.
const (
	BaseLabor         FeeBase = "labor"
	BaseParts         FeeBase = "parts"
	BaseLaborAndParts FeeBase = "labor_and_parts"
)

// FeeRule is a fee: a Percent of a Base with a Min and Max (shop supplies:
// 5% of labor, at most 20.00), or a UnitPrice per Unit (disposal per litre
// of oil, per tire). Percent fees apply by themselves to the pay types
// listed; per-unit fees apply where a job asks for them.
type FeeRule struct {
	Code        string          `json:"code" yaml:"code"`
	Description string          `json:"description" yaml:"description"`
	Percent     decimal.Decimal `json:"percent,omitzero" yaml:"percent,omitempty"` // 0.05 = 5%
	Base        FeeBase         `json:"base,omitempty" yaml:"base,omitempty"`
	Min         decimal.Decimal `json:"min,omitzero" yaml:"min,omitempty"`
	Max         decimal.Decimal `json:"max,omitzero" yaml:"max,omitempty"` // zero: no cap
	UnitPrice   decimal.Decimal `json:"unit_price,omitzero" yaml:"unit_price,omitempty"`
	Unit        string          `json:"unit,omitempty" yaml:"unit,omitempty"`
	// PayTypes that a percent fee applies to; empty means customer only.
	PayTypes []PayType `json:"pay_types,omitempty" yaml:"pay_types,omitempty"`
	Taxable  bool      `json:"taxable" yaml:"taxable"`
}

// PerUnit reports whether f is charged per unit.
func (f FeeRule) PerUnit() bool { return f.UnitPrice.IsPositive() }

// Coupon is a discount a customer brings by code.
type Coupon struct {
	Code    string          `json:"code" yaml:"code"`
	Percent decimal.Decimal `json:"percent,omitzero" yaml:"percent,omitempty"`
	Amount  decimal.Decimal `json:"amount,omitzero" yaml:"amount,omitempty"`
}

// TaxScope is where tax is rounded.
type TaxScope string

// Tax scopes.
const (
	ScopeUnit     TaxScope = "unit"     // per unit, then times the quantity
	ScopeLine     TaxScope = "line"     // per line
	ScopeGroup    TaxScope = "group"    // per payer and tax rate, over the sum of its lines
	ScopeDocument TaxScope = "document" // per payer, once over all its rates
)

// TaxPolicy says how tax is computed.
type TaxPolicy struct {
	// Inclusive: prices include tax (VAT); tax is the part of the price
	// above its net. Exclusive: tax is added to the prices (US sales tax).
	Inclusive bool     `json:"inclusive" yaml:"inclusive"`
	Scope     TaxScope `json:"scope" yaml:"scope"`
	// Rounding rounds tax amounts; Places is usually the currency scale
	// (Taiwan's VAT is whole dollars: 0).
	Rounding Rounding  `json:"rounding" yaml:"rounding"`
	Rates    []TaxRate `json:"rates" yaml:"rates"`
	// DiscountBeforeTax: discounts lower the taxed amount. When false a
	// discount comes off after tax (tax is on the undiscounted price).
	DiscountBeforeTax bool `json:"discount_before_tax" yaml:"discount_before_tax"`
}

// TaxRate applies Rate to lines of the Kinds and PayTypes listed (empty:
// all). A line takes the first rate that matches; none means exempt.
type TaxRate struct {
	Code     string          `json:"code" yaml:"code"`
	Name     string          `json:"name" yaml:"name"`
	Rate     decimal.Decimal `json:"rate" yaml:"rate"` // 0.05 = 5%
	Kinds    []Kind          `json:"kinds,omitempty" yaml:"kinds,omitempty"`
	PayTypes []PayType       `json:"pay_types,omitempty" yaml:"pay_types,omitempty"`
}

func (r TaxRate) matches(k Kind, p PayType) bool {
	return (len(r.Kinds) == 0 || slices.Contains(r.Kinds, k)) && (len(r.PayTypes) == 0 || slices.Contains(r.PayTypes, p))
}

// OverrunPolicy bounds how far a final bill may exceed the approved
// estimate without the customer's re-approval. Exceeding either limit that
// is set needs re-approval; with neither set, any excess does.
type OverrunPolicy struct {
	Amount  decimal.Decimal `json:"amount,omitzero" yaml:"amount,omitempty"`
	Percent decimal.Decimal `json:"percent,omitzero" yaml:"percent,omitempty"` // 0.10 = 10%
}

// money is the rounding of money amounts.
func (b *PriceBook) money() Rounding { return Rounding{Mode: b.Rounding, Places: b.Scale} }

// operation finds an operation code.
func (b *PriceBook) operation(code string) (Operation, bool) {
	i := slices.IndexFunc(b.Labor.Operations, func(o Operation) bool { return o.Code == code })
	if i < 0 {
		return Operation{}, false
	}
	return b.Labor.Operations[i], true
}

// rate finds the labor rate: an exact match on pay type and labor type,
// then pay type alone, then labor type alone, then the default.
func (b *PriceBook) rate(p PayType, laborType string) (decimal.Decimal, bool) {
	for _, want := range [][2]string{{string(p), laborType}, {string(p), ""}, {"", laborType}, {"", ""}} {
		for _, r := range b.Labor.Rates {
			if string(r.PayType) == want[0] && r.LaborType == want[1] {
				return r.Rate, true
			}
		}
	}
	return decimal.Zero, false
}

// fee finds a fee rule.
func (b *PriceBook) fee(code string) (FeeRule, bool) {
	i := slices.IndexFunc(b.Fees, func(f FeeRule) bool { return f.Code == code })
	if i < 0 {
		return FeeRule{}, false
	}
	return b.Fees[i], true
}

// taxRate finds the rate for a line; ok is false when it is exempt.
func (b *PriceBook) taxRate(k Kind, p PayType) (TaxRate, bool) {
	for _, r := range b.Tax.Rates {
		if r.matches(k, p) {
			return r, true
		}
	}
	return TaxRate{}, false
}

// sellPrice prices a part from its cost by the matrix.
func (b *PriceBook) sellPrice(cost decimal.Decimal) (decimal.Decimal, MarkupBand, bool) {
	for _, band := range b.Parts.Matrix {
		if cost.Cmp(band.From) >= 0 && (band.To.IsZero() || cost.Cmp(band.To) < 0) {
			switch {
			case band.Multiplier.IsPositive():
				return cost.Mul(band.Multiplier), band, true
			case band.Margin.IsPositive():
				return cost.DivRound(decimal.NewFromInt(1).Sub(band.Margin), 10), band, true
			}
		}
	}
	return decimal.Zero, MarkupBand{}, false
}

func (s TaxScope) valid() bool {
	return slices.Contains([]TaxScope{ScopeUnit, ScopeLine, ScopeGroup, ScopeDocument}, s)
}

func (p PayType) valid() bool { return slices.Contains(PayTypes(), p) }

func (f FeeBase) valid() bool {
	return slices.Contains([]FeeBase{BaseLabor, BaseParts, BaseLaborAndParts}, f)
}

// String writes "TWD price book 2026-11".
func (b *PriceBook) String() string { return fmt.Sprintf("%s price book %s", b.Currency, b.Version) }
