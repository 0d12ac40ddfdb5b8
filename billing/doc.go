// Package billing computes fees exactly (R3.4): a dealer's price book
// prices the jobs of a work order per payer (customer, warranty, internal,
// service contract, insurance), with labor, parts, cores, sublets, fees,
// discounts and taxes, every rounding explicit and configured, and every
// total the sum of its printed parts. Every line and total explains how it
// was computed.
//
// Money is decimal.Decimal throughout; nothing is ever a float.
//
// # Pricing
//
//	bill, err := billing.Price(book, billing.Order{Jobs: ...})
//
// [Price] is pure: the same book and order always give the same bill. Tax
// is exclusive (added to prices) or inclusive (VAT, part of the price),
// rounded per unit, line, group (payer and rate) or document (payer), by
// half-up, half-even, down, up or a cash increment. Discounts spread over
// lines by largest remainder ([Allocate]) so the parts sum to the
// discount exactly.
package billing
