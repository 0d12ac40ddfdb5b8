package billing

import (
	"fmt"
	"slices"
	"strconv"

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
		at := &elem{list: "jobs", i: i}
		switch {
		case j.ID == "":
			ve.Add(at.field("id"), org.CodeRequired, "is required")
		case seen[j.ID]:
			ve.Add(at.field("id"), org.CodeDuplicate, "job IDs are unique in an order")
		}
		seen[j.ID] = true
		if !j.PayType.valid() {
			ve.Add(at.field("pay_type"), org.CodeUnknown, fmt.Sprintf("must be one of %v", PayTypes()))
		}
		checkJobLines(book, j, at, ve)
		switch {
		case j.Deductible.IsNegative():
			ve.Add(at.field("deductible"), org.CodeRange, "must not be negative")
		case j.Deductible.IsPositive() && j.PayType != PayContract && j.PayType != PayInsurance:
			ve.Add(at.field("deductible"), org.CodeInvalid, "only a contract or insurance job has a deductible")
		}
		for k, d := range j.Discounts {
			checkDiscount(book, &elem{at, "discounts", k}, d, ve)
		}
	}
	for k, d := range o.Discounts {
		checkDiscount(book, &elem{nil, "discounts", k}, d, ve)
	}
	for k, code := range o.Coupons {
		if !slices.ContainsFunc(book.Coupons, func(c Coupon) bool { return c.Code == code }) {
			ve.Add(fmt.Sprintf("coupons[%d]", k), org.CodeNotFound, "no such coupon in the price book")
		}
	}
}

func checkJobLines(book *PriceBook, j Job, at *elem, ve *org.ValidationError) {
	if len(j.Labor)+len(j.Parts)+len(j.Sublets)+len(j.Fees) == 0 {
		ve.Add(at.String(), org.CodeRequired, "a job has at least one line")
	}
	for k, l := range j.Labor {
		p := &elem{at, "labor", k}
		op, ok := book.operation(l.Op)
		if !ok {
			ve.Add(p.field("op"), org.CodeNotFound, "no such operation code in the price book")
		}
		p.nonNegative(ve, "hours", l.Hours)
		p.nonNegative(ve, "clocked", l.Clocked)
		p.nonNegative(ve, "rate", l.Rate)
		if ok && l.Hours.IsZero() && !op.Hours.IsPositive() {
			ve.Add(p.field("hours"), org.CodeRequired, "the operation has no book hours; give the hours")
		}
		lt := l.LaborType
		if lt == "" {
			lt = op.LaborType
		}
		if _, ok := book.rate(j.PayType, lt); !ok {
			ve.Add(p.String(), org.CodeNotFound, fmt.Sprintf("no labor rate for pay type %s and labor type %q", j.PayType, lt))
		}
	}
	for k, l := range j.Parts {
		p := &elem{at, "parts", k}
		if l.Number == "" {
			ve.Add(p.field("number"), org.CodeRequired, "is required")
		}
		p.positive(ve, "quantity", l.Quantity)
		p.nonNegative(ve, "cost", l.Cost)
		p.nonNegative(ve, "list", l.List)
		p.nonNegative(ve, "sell", l.Sell)
		p.nonNegative(ve, "core", l.Core)
		if l.Sell.IsZero() && l.List.IsZero() {
			if _, _, ok := book.sellPrice(l.Cost); !ok || !l.Cost.IsPositive() {
				ve.Add(p.field("sell"), org.CodeRequired, "no sell or list price, and the markup matrix does not price this cost")
			}
		}
	}
	for k, s := range j.Sublets {
		p := &elem{at, "sublets", k}
		p.nonNegative(ve, "cost", s.Cost)
		if s.Vendor == "" {
			ve.Add(p.field("vendor"), org.CodeRequired, "is required")
		}
	}
	for k, f := range j.Fees {
		p := &elem{at, "fees", k}
		if rule, ok := book.fee(f.Code); !ok || !rule.PerUnit() {
			ve.Add(p.field("code"), org.CodeNotFound, "no such per-unit fee in the price book")
		}
		p.positive(ve, "quantity", f.Quantity)
	}
}

func checkDiscount(book *PriceBook, p *elem, d Discount, ve *org.ValidationError) {
	switch {
	case d.Percent.IsNegative() || d.Amount.IsNegative():
		ve.Add(p.String(), org.CodeRange, "must not be negative")
	case d.Percent.IsPositive() == d.Amount.IsPositive():
		ve.Add(p.String(), org.CodeInvalid, "set exactly one of percent and amount")
	case d.Percent.GreaterThan(one):
		ve.Add(p.field("percent"), org.CodeRange, "must be at most 1 (100%)")
	case !d.Amount.Equal(d.Amount.Truncate(book.Scale)):
		ve.Add(p.field("amount"), org.CodeRange, fmt.Sprintf("must have at most %d decimal places, as the currency", book.Scale))
	}
}

// elem is the path of one element of a list of an order, as a problem
// names it ("jobs[2].labor[0]"). It is formatted only when a problem is
// found: pricing checks every field of every line, and formatting each
// line's path up front took a tenth of its time (issue 16).
type elem struct {
	parent *elem // the element the list belongs to; nil for the order
	list   string
	i      int
}

func (e *elem) String() string {
	s := e.list + "[" + strconv.Itoa(e.i) + "]"
	if e.parent != nil {
		s = e.parent.String() + "." + s
	}
	return s
}

// field is the path of the element's field name.
func (e *elem) field(name string) string { return e.String() + "." + name }

func (e *elem) nonNegative(ve *org.ValidationError, name string, d decimal.Decimal) {
	if d.IsNegative() {
		ve.Add(e.field(name), org.CodeRange, "must not be negative")
	}
}

func (e *elem) positive(ve *org.ValidationError, name string, d decimal.Decimal) {
	if !d.IsPositive() {
		ve.Add(e.field(name), org.CodeRange, "must be above zero")
	}
}

func nonNegative(ve *org.ValidationError, path string, d decimal.Decimal) {
	if d.IsNegative() {
		ve.Add(path, org.CodeRange, "must not be negative")
	}
}
