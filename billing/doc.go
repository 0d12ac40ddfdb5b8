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
//
// # Price books
//
// A [PriceBook] is configuration a dealer keeps in YAML or JSON:
// [LoadPriceBookFile] reads it exactly (decimals from their text, never
// through float64) and reports every problem at once with file, line,
// column and field; [PriceBook.Validate] checks a book built in code.
// [Service.SavePriceBook] keeps each version; a bill records the version
// that priced it.
//
// # Explanations
//
// Every line, tax and total carries an [Explanation]; [Bill.Text],
// [PayerBill.Text] and [Bill.Explained] render them in English or
// Traditional Chinese from one catalogue (R3.4c).
//
// # Reconciliation and settlement
//
// [Reconcile] checks the technician's submitted lines against the bill
// (R3.4a, R3.4b) line by line, so differences that cancel out in the
// totals are still reported; clocked-hour variance is reported apart.
// Given the price book that priced the bill, it also checks every line's
// price and tax against the book, and the order-level percent fees (shop
// supplies) the book adds by itself: one the book charges a payer that the
// bill lacks ([DiffFeeMissing]), one on the bill the book does not charge
// ([DiffFeeNotInBook]), one at another amount ([DiffPriceDiffers]). Every
// difference explains itself in English and Traditional Chinese.
// [Service.Settle] refuses a bill with open differences unless a
// supervisor other than the order's advisor overrides with a reason,
// records the customer's confirmation and payments, and issues one invoice
// or receipt per payer with gapless numbers per series, exactly once per
// idempotency key (R3.4d); documents carry the warranty reminder (R3.4e).
// [Service.CreditNote] corrects a document without changing it, and
// [Service.Accuracy] gives each advisor's settlement accuracy (R6.1). The
// servicedesk package settles a work order through [Service.Prepare], so
// the order moves to settled in the same commit that issues its documents.
package billing
