package billing

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// checkOrder reports every field of o that the book cannot price.
func checkOrder(book *PriceBook, o Order, ve *org.ValidationError) {
	if len(o.Jobs) == 0 {
		ve.Add("jobs", org.CodeRequired, "an order has at least one job")
	}
	seen := map[string]bool{}
	for i, j := range o.Jobs {
		at := fmt.Sprintf("jobs[%d]", i)
		switch {
		case j.ID == "":
			ve.Add(at+".id", org.CodeRequired, "is required")
		case seen[j.ID]:
			ve.Add(at+".id", org.CodeDuplicate, "job IDs are unique in an order")
		}
		seen[j.ID] = true
		if !j.PayType.valid() {
			ve.Add(at+".pay_type", org.CodeUnknown, fmt.Sprintf("must be one of %v", PayTypes()))
		}
		checkJobLines(book, j, at, ve)
		switch {
		case j.Deductible.IsNegative():
			ve.Add(at+".deductible", org.CodeRange, "must not be negative")
		case j.Deductible.IsPositive() && j.PayType != PayContract && j.PayType != PayInsurance:
			ve.Add(at+".deductible", org.CodeInvalid, "only a contract or insurance job has a deductible")
		}
		for k, d := range j.Discounts {
			checkDiscount(book, fmt.Sprintf("%s.discounts[%d]", at, k), d, ve)
		}
	}
	for k, d := range o.Discounts {
		checkDiscount(book, fmt.Sprintf("discounts[%d]", k), d, ve)
	}
	for k, code := range o.Coupons {
		if !slices.ContainsFunc(book.Coupons, func(c Coupon) bool { return c.Code == code }) {
			ve.Add(fmt.Sprintf("coupons[%d]", k), org.CodeNotFound, "no such coupon in the price book")
		}
	}
}

func checkJobLines(book *PriceBook, j Job, at string, ve *org.ValidationError) {
	if len(j.Labor)+len(j.Parts)+len(j.Sublets)+len(j.Fees) == 0 {
		ve.Add(at, org.CodeRequired, "a job has at least one line")
	}
	for k, l := range j.Labor {
		p := fmt.Sprintf("%s.labor[%d]", at, k)
		op, ok := book.operation(l.Op)
		if !ok {
			ve.Add(p+".op", org.CodeNotFound, "no such operation code in the price book")
		}
		nonNegative(ve, p+".hours", l.Hours)
		nonNegative(ve, p+".clocked", l.Clocked)
		nonNegative(ve, p+".rate", l.Rate)
		if ok && l.Hours.IsZero() && !op.Hours.IsPositive() {
			ve.Add(p+".hours", org.CodeRequired, "the operation has no book hours; give the hours")
		}
		lt := l.LaborType
		if lt == "" {
			lt = op.LaborType
		}
		if _, ok := book.rate(j.PayType, lt); !ok {
			ve.Add(p, org.CodeNotFound, fmt.Sprintf("no labor rate for pay type %s and labor type %q", j.PayType, lt))
		}
	}
	for k, l := range j.Parts {
		p := fmt.Sprintf("%s.parts[%d]", at, k)
		if l.Number == "" {
			ve.Add(p+".number", org.CodeRequired, "is required")
		}
		positive(ve, p+".quantity", l.Quantity)
		for _, f := range []struct {
			name string
			d    decimal.Decimal
		}{{"cost", l.Cost}, {"list", l.List}, {"sell", l.Sell}, {"core", l.Core}} {
			nonNegative(ve, p+"."+f.name, f.d)
		}
		if l.Sell.IsZero() && l.List.IsZero() {
			if _, _, ok := book.sellPrice(l.Cost); !ok || !l.Cost.IsPositive() {
				ve.Add(p+".sell", org.CodeRequired, "no sell or list price, and the markup matrix does not price this cost")
			}
		}
	}
	for k, s := range j.Sublets {
		p := fmt.Sprintf("%s.sublets[%d]", at, k)
		nonNegative(ve, p+".cost", s.Cost)
		if s.Vendor == "" {
			ve.Add(p+".vendor", org.CodeRequired, "is required")
		}
	}
	for k, f := range j.Fees {
		p := fmt.Sprintf("%s.fees[%d]", at, k)
		if rule, ok := book.fee(f.Code); !ok || !rule.PerUnit() {
			ve.Add(p+".code", org.CodeNotFound, "no such per-unit fee in the price book")
		}
		positive(ve, p+".quantity", f.Quantity)
	}
}

func checkDiscount(book *PriceBook, p string, d Discount, ve *org.ValidationError) {
	switch {
	case d.Percent.IsNegative() || d.Amount.IsNegative():
		ve.Add(p, org.CodeRange, "must not be negative")
	case d.Percent.IsPositive() == d.Amount.IsPositive():
		ve.Add(p, org.CodeInvalid, "set exactly one of percent and amount")
	case d.Percent.GreaterThan(one):
		ve.Add(p+".percent", org.CodeRange, "must be at most 1 (100%)")
	case !d.Amount.Equal(d.Amount.Truncate(book.Scale)):
		ve.Add(p+".amount", org.CodeRange, fmt.Sprintf("must have at most %d decimal places, as the currency", book.Scale))
	}
}

func nonNegative(ve *org.ValidationError, path string, d decimal.Decimal) {
	if d.IsNegative() {
		ve.Add(path, org.CodeRange, "must not be negative")
	}
}

func positive(ve *org.ValidationError, path string, d decimal.Decimal) {
	if !d.IsPositive() {
		ve.Add(path, org.CodeRange, "must be above zero")
	}
}
