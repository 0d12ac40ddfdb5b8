package billing

import (
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

// taxGroup is the lines of one payer that one tax rate applies to.
type taxGroup struct {
	rate  TaxRate
	lines []int
}

// taxes computes pb's line taxes and tax lines under the book's scope.
// Whatever the scope, the tax lines sum to the line taxes, so every printed
// total is the sum of its printed parts.
func (p pricer) taxes(pb *PayerBill) {
	tp := p.book.Tax
	var groups []*taxGroup
	for i := range pb.Lines {
		l := &pb.Lines[i]
		rate, ok := p.book.taxRate(l.Kind, l.PayType)
		if !ok || !p.taxable(*l) {
			l.Explain.Args["tax"] = "exempt"
			continue
		}
		l.TaxCode, l.TaxRate = rate.Code, rate.Rate
		gi := slices.IndexFunc(groups, func(g *taxGroup) bool { return g.rate.Code == rate.Code })
		if gi < 0 {
			groups = append(groups, &taxGroup{rate: rate})
			gi = len(groups) - 1
		}
		groups[gi].lines = append(groups[gi].lines, i)
	}
	exact := make([]decimal.Decimal, len(groups)) // each group's unrounded tax
	for gi, g := range groups {
		for _, i := range g.lines {
			exact[gi] = exact[gi].Add(p.exactTax(pb.Lines[i], g.rate.Rate))
		}
	}
	switch tp.Scope {
	case ScopeUnit, ScopeLine:
		for _, g := range groups {
			for _, i := range g.lines {
				pb.Lines[i].Tax = p.lineTax(pb.Lines[i], g.rate.Rate)
			}
		}
	case ScopeGroup:
		for gi, g := range groups {
			p.spread(pb, g, tp.Rounding.Round(exact[gi]))
		}
	default: // ScopeDocument: one rounding for the payer, spread over rates
		total := decimal.Zero
		for _, e := range exact {
			total = total.Add(e)
		}
		shares := allocate(tp.Rounding.Round(total), absAll(exact), tp.Rounding.unitPlaces())
		for gi, g := range groups {
			p.spread(pb, g, shares[gi])
		}
	}
	included := strconv.FormatBool(tp.Inclusive)
	if len(groups) > 0 {
		pb.Taxes = make([]TaxLine, 0, len(groups))
	}
	for _, g := range groups {
		t := TaxLine{Code: g.rate.Code, Name: g.rate.Name, Rate: g.rate.Rate}
		rate := percent(g.rate.Rate)
		for _, i := range g.lines {
			l := &pb.Lines[i]
			t.Tax = t.Tax.Add(l.Tax)
			t.Base = t.Base.Add(p.taxBase(*l))
			l.Explain.Args["tax"] = rate
			l.Explain.Args["tax_included"] = included
		}
		if tp.Inclusive {
			t.Base = t.Base.Sub(t.Tax)
		}
		key := "tax.exclusive"
		if tp.Inclusive {
			key = "tax.inclusive"
		}
		t.Explain = Explanation{Key: key + "." + string(tp.Scope), Args: map[string]string{"name": g.rate.Name, "code": g.rate.Code,
			"rate": rate, "base": p.fmt(t.Base), "tax": p.fmt(t.Tax), "rounding": tp.Rounding.String()}}
		pb.Taxes = append(pb.Taxes, t)
	}
}

// taxable: fees say so themselves; a deductible moves money between payers
// and is never taxed again.
func (p pricer) taxable(l Line) bool {
	switch l.Kind {
	case KindDeductible:
		return false
	case KindFee:
		rule, ok := p.book.fee(l.Code)
		return ok && rule.Taxable
	}
	return true
}

// taxBase is what tax is computed on: the discounted amount when discounts
// come before tax, else the full amount. With inclusive prices it is the
// gross, tax included.
func (p pricer) taxBase(l Line) decimal.Decimal {
	if p.book.Tax.DiscountBeforeTax {
		return l.Net
	}
	return l.Amount
}

// exactTax is a line's tax before any rounding.
func (p pricer) exactTax(l Line, rate decimal.Decimal) decimal.Decimal {
	base := p.taxBase(l)
	if p.book.Tax.Inclusive {
		return base.Mul(rate).DivRound(one.Add(rate), 20)
	}
	return base.Mul(rate)
}

// lineTax rounds per line, or per unit times the quantity.
func (p pricer) lineTax(l Line, rate decimal.Decimal) decimal.Decimal {
	r := p.book.Tax.Rounding
	if p.book.Tax.Scope == ScopeUnit && !l.Quantity.IsZero() {
		unit := p.taxBase(l).DivRound(l.Quantity, 20)
		// Round per unit, then again after the quantity: a fractional
		// quantity (1.3 h) must not leave tax below the currency's unit.
		if p.book.Tax.Inclusive {
			return r.Round(r.Round(unit.Mul(rate).DivRound(one.Add(rate), 20)).Mul(l.Quantity))
		}
		return r.Round(r.Round(unit.Mul(rate)).Mul(l.Quantity))
	}
	return r.Round(p.exactTax(l, rate))
}

// spread gives a group's rounded tax to its lines in proportion to their
// bases, by largest remainder, so the line taxes sum to it exactly.
func (p pricer) spread(pb *PayerBill, g *taxGroup, tax decimal.Decimal) {
	weights := make([]decimal.Decimal, len(g.lines))
	for k, i := range g.lines {
		weights[k] = p.taxBase(pb.Lines[i]).Abs()
	}
	shares := allocate(tax, weights, p.book.Tax.Rounding.unitPlaces())
	for k, i := range g.lines {
		pb.Lines[i].Tax = shares[k]
	}
}

func absAll(ds []decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ds))
	for i, d := range ds {
		out[i] = d.Abs()
	}
	return out
}

// coupon finds a coupon; checkOrder has made sure it exists.
func (b *PriceBook) coupon(code string) Coupon {
	for _, c := range b.Coupons {
		if c.Code == code {
			return c
		}
	}
	return Coupon{Code: code}
}
