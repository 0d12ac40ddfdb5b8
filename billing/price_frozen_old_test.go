package billing

// A frozen copy of Price as it was before the fast paths of issue 16
// (billing/price.go and billing/tax.go at commit 7054844), identifiers
// renamed with "old", kept to compare every bill with: see
// TestPropertyPriceSameAsFrozenOld.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

var (
	oldOne     = decimal.NewFromInt(1)
	oldHundred = decimal.NewFromInt(100)
)

// oldPrice prices an order with a price book: every line, fee, discount and
// tax, per payer, each with its explanation. It is pure: the same book and
// order always give the same bill (R1.3). Bad input gives a
// *org.ValidationError naming every bad field; the book must be valid
// (see [PriceBook.Validate]).
func oldPrice(book *PriceBook, o Order) (Bill, error) {
	ve := &org.ValidationError{Op: "billing: price"}
	checkOrder(book, o, ve)
	if err := ve.Err(); err != nil {
		return Bill{}, err
	}
	p := oldPricer{book: book, money: book.money()}
	var lines []Line
	for _, j := range o.Jobs {
		jl := p.jobLines(j)
		p.discountLines(jl, j.Discounts)
		lines = append(lines, jl...)
	}
	lines = append(lines, p.percentFees(lines)...)
	lines = append(lines, p.deductibles(o.Jobs, lines)...)
	p.orderDiscounts(lines, o)
	bill := Bill{WorkOrder: o.WorkOrder, Currency: book.Currency, Scale: book.Scale, PriceBookVersion: book.Version, Inclusive: book.Tax.Inclusive}
	for _, pt := range PayTypes() {
		var pl []Line
		for _, l := range lines {
			if l.PayType == pt {
				pl = append(pl, l)
			}
		}
		if len(pl) > 0 {
			bill.Payers = append(bill.Payers, p.payer(pt, pl))
		}
	}
	return bill, nil
}

type oldPricer struct {
	book  *PriceBook
	money Rounding
}

func (p oldPricer) fmt(d decimal.Decimal) string { return d.StringFixed(p.book.Scale) }

func oldPlain(d decimal.Decimal) string { return d.String() }

func oldPercent(d decimal.Decimal) string { return d.Mul(oldHundred).String() + "%" }

// jobLines prices a job's labor, parts, cores, sublets and per-unit fees.
func (p oldPricer) jobLines(j Job) []Line {
	var out []Line
	seen := map[string]int{}
	add := func(l Line) {
		l.Job, l.PayType = j.ID, j.PayType
		l.Net = l.Amount
		// A code twice in one job keeps both lines apart: "j1/labor/BRK#2".
		if seen[l.ID]++; seen[l.ID] > 1 {
			l.ID = fmt.Sprintf("%s#%d", l.ID, seen[l.ID])
		}
		out = append(out, l)
	}
	for _, li := range j.Labor {
		add(p.laborLine(j, li))
	}
	for _, pi := range j.Parts {
		unit, how := p.partPrice(pi)
		add(Line{ID: j.ID + "/part/" + pi.Number, Kind: KindPart, Code: pi.Number, Description: pi.Description,
			Quantity: pi.Quantity, UnitPrice: unit, Amount: p.money.Round(pi.Quantity.Mul(unit)), Cost: pi.Cost,
			Explain: Explanation{Key: "line.part", Args: map[string]string{"number": pi.Number, "description": pi.Description,
				"quantity": oldPlain(pi.Quantity), "unit_price": p.fmt(unit), "amount": p.fmt(p.money.Round(pi.Quantity.Mul(unit))), "priced_by": how}}})
		if pi.Core.IsPositive() {
			amount := p.money.Round(pi.Quantity.Mul(pi.Core))
			add(Line{ID: j.ID + "/core/" + pi.Number, Kind: KindCore, Code: pi.Number, Description: pi.Description,
				Quantity: pi.Quantity, UnitPrice: pi.Core, Amount: amount,
				Explain: Explanation{Key: "line.core", Args: map[string]string{"number": pi.Number, "quantity": oldPlain(pi.Quantity),
					"unit_price": p.fmt(pi.Core), "amount": p.fmt(amount)}}})
		}
	}
	for i, si := range j.Sublets {
		amount := p.money.Round(si.Cost.Mul(oldOne.Add(p.book.Sublet.Markup)))
		add(Line{ID: fmt.Sprintf("%s/sublet/%d", j.ID, i+1), Kind: KindSublet, Code: si.Vendor, Description: si.Description,
			Quantity: oldOne, UnitPrice: amount, Amount: amount, Cost: si.Cost,
			Explain: Explanation{Key: "line.sublet", Args: map[string]string{"vendor": si.Vendor, "description": si.Description,
				"cost": p.fmt(si.Cost), "markup": oldPercent(p.book.Sublet.Markup), "amount": p.fmt(amount)}}})
	}
	for _, fi := range j.Fees {
		rule, _ := p.book.fee(fi.Code)
		amount := p.money.Round(fi.Quantity.Mul(rule.UnitPrice))
		add(Line{ID: j.ID + "/fee/" + fi.Code, Kind: KindFee, Code: fi.Code, Description: rule.Description,
			Quantity: fi.Quantity, Unit: rule.Unit, UnitPrice: rule.UnitPrice, Amount: amount,
			Explain: Explanation{Key: "line.fee_unit", Args: map[string]string{"code": fi.Code, "description": rule.Description,
				"quantity": oldPlain(fi.Quantity), "unit": rule.Unit, "unit_price": p.fmt(rule.UnitPrice), "amount": p.fmt(amount)}}})
	}
	return out
}

// laborLine prices hours x rate: the billed hours are the line's own or
// the book hours, rounded up to the increment, at least the minimum.
func (p oldPricer) laborLine(j Job, li LaborItem) Line {
	op, _ := p.book.operation(li.Op)
	laborType := li.LaborType
	if laborType == "" {
		laborType = op.LaborType
	}
	hours := li.Hours
	if hours.IsZero() {
		hours = op.Hours
	}
	billed := hours
	if inc := p.book.Labor.Increment; inc.IsPositive() {
		billed = billed.Div(inc).Ceil().Mul(inc)
	}
	if billed.LessThan(p.book.Labor.Minimum) {
		billed = p.book.Labor.Minimum
	}
	rate, _ := p.book.rate(j.PayType, laborType)
	key := "line.labor"
	if li.Rate.IsPositive() {
		rate, key = p.money.Round(li.Rate), "line.labor_set"
	}
	amount := p.money.Round(billed.Mul(rate))
	desc := li.Description
	if desc == "" {
		desc = op.Description
	}
	return Line{ID: j.ID + "/labor/" + li.Op, Kind: KindLabor, Code: li.Op, Description: desc, Quantity: billed, Unit: "h",
		UnitPrice: rate, Amount: amount, LaborType: laborType, BookHours: op.Hours, ClockedHours: li.Clocked,
		Explain: Explanation{Key: key, Args: map[string]string{"op": li.Op, "description": desc, "hours": oldPlain(billed),
			"book_hours": oldPlain(op.Hours), "rate": p.fmt(rate), "amount": p.fmt(amount)}}}
}

// partPrice is the unit price of a part and how it was set.
func (p oldPricer) partPrice(pi PartItem) (decimal.Decimal, string) {
	switch {
	case pi.Sell.IsPositive():
		return p.money.Round(pi.Sell), "sell"
	case len(p.book.Parts.Matrix) > 0 && pi.Cost.IsPositive():
		if price, band, ok := p.book.sellPrice(pi.Cost); ok {
			if band.Multiplier.IsPositive() {
				return p.money.Round(price), "multiplier " + oldPlain(band.Multiplier)
			}
			return p.money.Round(price), "margin " + oldPercent(band.Margin)
		}
	}
	return p.money.Round(pi.List), "list"
}

// percentFees adds each percent fee once per payer it applies to.
func (p oldPricer) percentFees(lines []Line) []Line {
	var out []Line
	for _, f := range p.book.Fees {
		if f.PerUnit() || !f.Percent.IsPositive() {
			continue
		}
		payers := f.PayTypes
		if len(payers) == 0 {
			payers = []PayType{PayCustomer}
		}
		for _, pt := range payers {
			base := decimal.Zero
			for _, l := range lines {
				if l.PayType == pt && oldInBase(f.Base, l.Kind) {
					base = base.Add(l.Amount)
				}
			}
			if !base.IsPositive() {
				continue
			}
			raw := p.money.Round(base.Mul(f.Percent))
			amount, limit := raw, ""
			if f.Max.IsPositive() && amount.GreaterThan(f.Max) {
				amount, limit = f.Max, "max"
			}
			if amount.LessThan(f.Min) {
				amount, limit = f.Min, "min"
			}
			out = append(out, Line{ID: "fee/" + f.Code + "/" + string(pt), PayType: pt, Kind: KindFee, Code: f.Code, Description: f.Description,
				Quantity: oldOne, UnitPrice: amount, Amount: amount, Net: amount,
				Explain: Explanation{Key: "line.fee_percent" + oldSuffix(limit), Args: map[string]string{"code": f.Code, "description": f.Description,
					"percent": oldPercent(f.Percent), "base": p.fmt(base), "base_kind": string(f.Base), "computed": p.fmt(raw),
					"min": p.fmt(f.Min), "max": p.fmt(f.Max), "amount": p.fmt(amount)}}})
		}
	}
	return out
}

func oldSuffix(s string) string {
	if s == "" {
		return ""
	}
	return "_" + s
}

func oldInBase(b FeeBase, k Kind) bool {
	switch b {
	case BaseLabor:
		return k == KindLabor
	case BaseParts:
		return k == KindPart
	default:
		return k == KindLabor || k == KindPart
	}
}

// deductibles move the customer's share of a contract or insurance job to
// the customer: a line for the customer, and its credit for the payer.
func (p oldPricer) deductibles(jobs []Job, lines []Line) []Line {
	var out []Line
	for _, j := range jobs {
		if !j.Deductible.IsPositive() {
			continue
		}
		// The customer's share is never more than the job costs: the
		// payer's part of a job is never negative.
		jobNet := decimal.Zero
		for _, l := range lines {
			if l.Job == j.ID {
				jobNet = jobNet.Add(l.Net)
			}
		}
		d := decimal.Min(p.money.Round(j.Deductible), jobNet)
		args := map[string]string{"job": j.ID, "title": j.Title, "payer": string(j.PayType), "amount": p.fmt(d)}
		out = append(out,
			Line{ID: j.ID + "/deductible", Job: j.ID, PayType: PayCustomer, Kind: KindDeductible, Code: "DEDUCTIBLE", Description: j.Title,
				Quantity: oldOne, UnitPrice: d, Amount: d, Net: d, Explain: Explanation{Key: "line.deductible", Args: args}},
			Line{ID: j.ID + "/deductible-credit", Job: j.ID, PayType: j.PayType, Kind: KindDeductible, Code: "DEDUCTIBLE", Description: j.Title,
				Quantity: oldOne, UnitPrice: d.Neg(), Amount: d.Neg(), Net: d.Neg(), Explain: Explanation{Key: "line.deductible_credit", Args: maps.Clone(args)}})
	}
	return out
}

// discountLines applies a job's own discounts to its lines.
func (p oldPricer) discountLines(lines []Line, ds []Discount) {
	for _, d := range ds {
		p.applyDiscount(lines, d, func(Line) bool { return true })
	}
}

// orderDiscounts applies order discounts and coupons to the customer's
// lines.
func (p oldPricer) orderDiscounts(lines []Line, o Order) {
	ds := slices.Clone(o.Discounts)
	for _, code := range o.Coupons {
		c := p.book.oldCoupon(code)
		ds = append(ds, Discount{Code: c.Code, Description: "coupon " + c.Code, Percent: c.Percent, Amount: c.Amount})
	}
	for _, d := range ds {
		p.applyDiscount(lines, d, func(l Line) bool { return l.PayType == PayCustomer })
	}
}

// applyDiscount takes d off the eligible lines: a percent of each line's
// amount, or a fixed amount allocated over the lines by largest remainder
// (so the parts sum to the discount exactly), never more than the lines'
// net.
func (p oldPricer) applyDiscount(lines []Line, d Discount, payer func(Line) bool) {
	var idx []int
	var weights []decimal.Decimal
	eligible := decimal.Zero
	for i, l := range lines {
		if payer(l) && l.Kind != KindDeductible && (len(d.Kinds) == 0 || slices.Contains(d.Kinds, l.Kind)) && l.Net.IsPositive() {
			idx = append(idx, i)
			weights = append(weights, l.Net)
			eligible = eligible.Add(l.Net)
		}
	}
	if len(idx) == 0 {
		return
	}
	total := d.Amount
	if d.Percent.IsPositive() {
		total = p.money.Round(eligible.Mul(d.Percent))
	}
	if total.GreaterThan(eligible) {
		total = eligible
	}
	parts := Allocate(total, weights, p.book.Scale)
	for k, i := range idx {
		l := &lines[i]
		l.Discount = l.Discount.Add(parts[k])
		l.Net = l.Amount.Sub(l.Discount)
		if parts[k].IsZero() {
			continue
		}
		if c := l.Explain.Args["discount_codes"]; c != "" {
			l.Explain.Args["discount_codes"] = c + ", " + d.Code
		} else {
			l.Explain.Args["discount_codes"] = d.Code
		}
	}
}

// payer totals one payer's lines and computes its taxes.
func (p oldPricer) payer(pt PayType, lines []Line) PayerBill {
	pb := PayerBill{PayType: pt, Lines: lines}
	p.taxes(&pb)
	for _, l := range pb.Lines {
		pb.Subtotal = pb.Subtotal.Add(l.Amount)
		pb.Discount = pb.Discount.Add(l.Discount)
	}
	for _, t := range pb.Taxes {
		pb.Tax = pb.Tax.Add(t.Tax)
	}
	pb.Total = pb.Subtotal.Sub(pb.Discount)
	key := "total.inclusive"
	if !p.book.Tax.Inclusive {
		pb.Total = pb.Total.Add(pb.Tax)
		key = "total.exclusive"
	}
	pb.Explain = Explanation{Key: key, Args: map[string]string{"payer": string(pt), "subtotal": p.fmt(pb.Subtotal),
		"discount": p.fmt(pb.Discount), "tax": p.fmt(pb.Tax), "total": p.fmt(pb.Total)}}
	return pb
}

// oldTaxGroup is the lines of one payer that one tax rate applies to.
type oldTaxGroup struct {
	rate  TaxRate
	lines []int
}

// taxes computes pb's line taxes and tax lines under the book's scope.
// Whatever the scope, the tax lines sum to the line taxes, so every printed
// total is the sum of its printed parts.
func (p oldPricer) taxes(pb *PayerBill) {
	tp := p.book.Tax
	var groups []*oldTaxGroup
	for i := range pb.Lines {
		l := &pb.Lines[i]
		rate, ok := p.book.taxRate(l.Kind, l.PayType)
		if !ok || !p.taxable(*l) {
			l.Explain.Args["tax"] = "exempt"
			continue
		}
		l.TaxCode, l.TaxRate = rate.Code, rate.Rate
		gi := slices.IndexFunc(groups, func(g *oldTaxGroup) bool { return g.rate.Code == rate.Code })
		if gi < 0 {
			groups = append(groups, &oldTaxGroup{rate: rate})
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
		shares := Allocate(tp.Rounding.Round(total), oldAbsAll(exact), tp.Rounding.unitPlaces())
		for gi, g := range groups {
			p.spread(pb, g, shares[gi])
		}
	}
	for _, g := range groups {
		t := TaxLine{Code: g.rate.Code, Name: g.rate.Name, Rate: g.rate.Rate}
		for _, i := range g.lines {
			l := pb.Lines[i]
			t.Tax = t.Tax.Add(l.Tax)
			t.Base = t.Base.Add(p.taxBase(l))
			l.Explain.Args["tax"] = oldPercent(g.rate.Rate)
			l.Explain.Args["tax_included"] = strconv.FormatBool(tp.Inclusive)
		}
		if tp.Inclusive {
			t.Base = t.Base.Sub(t.Tax)
		}
		key := "tax.exclusive"
		if tp.Inclusive {
			key = "tax.inclusive"
		}
		t.Explain = Explanation{Key: key + "." + string(tp.Scope), Args: map[string]string{"name": g.rate.Name, "code": g.rate.Code,
			"rate": oldPercent(g.rate.Rate), "base": p.fmt(t.Base), "tax": p.fmt(t.Tax), "rounding": tp.Rounding.String()}}
		pb.Taxes = append(pb.Taxes, t)
	}
}

// taxable: fees say so themselves; a deductible moves money between payers
// and is never taxed again.
func (p oldPricer) taxable(l Line) bool {
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
func (p oldPricer) taxBase(l Line) decimal.Decimal {
	if p.book.Tax.DiscountBeforeTax {
		return l.Net
	}
	return l.Amount
}

// exactTax is a line's tax before any rounding.
func (p oldPricer) exactTax(l Line, rate decimal.Decimal) decimal.Decimal {
	base := p.taxBase(l)
	if p.book.Tax.Inclusive {
		return base.Mul(rate).DivRound(oldOne.Add(rate), 20)
	}
	return base.Mul(rate)
}

// lineTax rounds per line, or per unit times the quantity.
func (p oldPricer) lineTax(l Line, rate decimal.Decimal) decimal.Decimal {
	r := p.book.Tax.Rounding
	if p.book.Tax.Scope == ScopeUnit && !l.Quantity.IsZero() {
		unit := p.taxBase(l).DivRound(l.Quantity, 20)
		// Round per unit, then again after the quantity: a fractional
		// quantity (1.3 h) must not leave tax below the currency's unit.
		if p.book.Tax.Inclusive {
			return r.Round(r.Round(unit.Mul(rate).DivRound(oldOne.Add(rate), 20)).Mul(l.Quantity))
		}
		return r.Round(r.Round(unit.Mul(rate)).Mul(l.Quantity))
	}
	return r.Round(p.exactTax(l, rate))
}

// spread gives a group's rounded tax to its lines in proportion to their
// bases, by largest remainder, so the line taxes sum to it exactly.
func (p oldPricer) spread(pb *PayerBill, g *oldTaxGroup, tax decimal.Decimal) {
	weights := make([]decimal.Decimal, len(g.lines))
	for k, i := range g.lines {
		weights[k] = p.taxBase(pb.Lines[i]).Abs()
	}
	shares := Allocate(tax, weights, p.book.Tax.Rounding.unitPlaces())
	for k, i := range g.lines {
		pb.Lines[i].Tax = shares[k]
	}
}

func oldAbsAll(ds []decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ds))
	for i, d := range ds {
		out[i] = d.Abs()
	}
	return out
}

// oldCoupon finds a coupon; checkOrder has made sure it exists.
func (b *PriceBook) oldCoupon(code string) Coupon {
	for _, c := range b.Coupons {
		if c.Code == code {
			return c
		}
	}
	return Coupon{Code: code}
}

// OldPriceForTest is the frozen Price, for the tests of package billing_test.
var OldPriceForTest = oldPrice
