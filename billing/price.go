package billing

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

var (
	one     = decimal.NewFromInt(1)
	hundred = decimal.NewFromInt(100)
)

// Price prices an order with a price book: every line, fee, discount and
// tax, per payer, each with its explanation. It is pure: the same book and
// order always give the same bill (R1.3). Bad input gives a
// *org.ValidationError naming every bad field; the book must be valid
// (see [PriceBook.Validate]).
func Price(book *PriceBook, o Order) (Bill, error) {
	ve := &org.ValidationError{Op: "billing: price"}
	checkOrder(book, o, ve)
	if err := ve.Err(); err != nil {
		return Bill{}, err
	}
	p := pricer{book: book, money: book.money()}
	n := len(p.book.Fees)
	for _, j := range o.Jobs {
		n += len(j.Labor) + 2*len(j.Parts) + len(j.Sublets) + len(j.Fees) + 2
	}
	lines := make([]Line, 0, n)
	for _, j := range o.Jobs {
		first := len(lines)
		lines = p.jobLines(lines, j)
		p.discountLines(lines[first:], j.Discounts)
	}
	lines = append(lines, p.percentFees(lines)...)
	lines = append(lines, p.deductibles(o.Jobs, lines)...)
	p.orderDiscounts(lines, o)
	bill := Bill{WorkOrder: o.WorkOrder, Currency: book.Currency, Scale: book.Scale, PriceBookVersion: book.Version, Inclusive: book.Tax.Inclusive}
	for _, pt := range PayTypes() {
		k := 0
		for i := range lines {
			if lines[i].PayType == pt {
				k++
			}
		}
		if k == 0 {
			continue
		}
		pl := lines // one payer's lines are all of them: no copy
		if k < len(lines) {
			pl = make([]Line, 0, k)
			for i := range lines {
				if lines[i].PayType == pt {
					pl = append(pl, lines[i])
				}
			}
		}
		bill.Payers = append(bill.Payers, p.payer(pt, pl))
	}
	return bill, nil
}

type pricer struct {
	book  *PriceBook
	money Rounding
}

func (p pricer) fmt(d decimal.Decimal) string { return fixed(d, p.book.Scale) }

// plain is d.String().
func plain(d decimal.Decimal) string {
	if c, e, ok := small(d); ok {
		if s, ok := plainOf(c, e, 0); ok {
			return s
		}
	}
	return d.String()
}

// percent is d.Mul(hundred).String() + "%".
func percent(d decimal.Decimal) string {
	if c, e, ok := small(d); ok && c > -math.MaxInt64/100 && c < math.MaxInt64/100 {
		if s, ok := plainOf(c*100, e, '%'); ok {
			return s
		}
	}
	return d.Mul(hundred).String() + "%"
}

// jobLines appends a job's labor, parts, cores, sublets and per-unit fees
// to out.
func (p pricer) jobLines(out []Line, j Job) []Line {
	// A code twice in one job keeps both lines apart: "j1/labor/BRK#2".
	// The IDs before any "#2" are counted in a slice, or in a map once a
	// job has more than a few lines.
	const fewLines = 16
	var idBuf [fewLines + 1]string
	ids := idBuf[:0]
	var seen map[string]int
	add := func(l Line) {
		l.Job, l.PayType = j.ID, j.PayType
		l.Net = l.Amount
		n := 1
		if seen != nil {
			seen[l.ID]++
			n = seen[l.ID]
		} else {
			for _, id := range ids {
				if id == l.ID {
					n++
				}
			}
			ids = append(ids, l.ID)
			if len(ids) > fewLines {
				seen = make(map[string]int, 2*len(ids))
				for _, id := range ids {
					seen[id]++
				}
			}
		}
		if n > 1 {
			l.ID = fmt.Sprintf("%s#%d", l.ID, n)
		}
		out = append(out, l)
	}
	for _, li := range j.Labor {
		add(p.laborLine(j, li))
	}
	for _, pi := range j.Parts {
		unit, how := p.partPrice(pi)
		amount := p.money.Round(pi.Quantity.Mul(unit))
		add(Line{ID: j.ID + "/part/" + pi.Number, Kind: KindPart, Code: pi.Number, Description: pi.Description,
			Quantity: pi.Quantity, UnitPrice: unit, Amount: amount, Cost: pi.Cost,
			Explain: Explanation{Key: "line.part", Args: lineArgs("number", pi.Number, "description", pi.Description,
				"quantity", plain(pi.Quantity), "unit_price", p.fmt(unit), "amount", p.fmt(amount), "priced_by", how)}})
		if pi.Core.IsPositive() {
			amount := p.money.Round(pi.Quantity.Mul(pi.Core))
			add(Line{ID: j.ID + "/core/" + pi.Number, Kind: KindCore, Code: pi.Number, Description: pi.Description,
				Quantity: pi.Quantity, UnitPrice: pi.Core, Amount: amount,
				Explain: Explanation{Key: "line.core", Args: lineArgs("number", pi.Number, "quantity", plain(pi.Quantity),
					"unit_price", p.fmt(pi.Core), "amount", p.fmt(amount))}})
		}
	}
	for i, si := range j.Sublets {
		amount := p.money.Round(si.Cost.Mul(one.Add(p.book.Sublet.Markup)))
		add(Line{ID: fmt.Sprintf("%s/sublet/%d", j.ID, i+1), Kind: KindSublet, Code: si.Vendor, Description: si.Description,
			Quantity: one, UnitPrice: amount, Amount: amount, Cost: si.Cost,
			Explain: Explanation{Key: "line.sublet", Args: lineArgs("vendor", si.Vendor, "description", si.Description,
				"cost", p.fmt(si.Cost), "markup", percent(p.book.Sublet.Markup), "amount", p.fmt(amount))}})
	}
	for _, fi := range j.Fees {
		rule, _ := p.book.fee(fi.Code)
		amount := p.money.Round(fi.Quantity.Mul(rule.UnitPrice))
		add(Line{ID: j.ID + "/fee/" + fi.Code, Kind: KindFee, Code: fi.Code, Description: rule.Description,
			Quantity: fi.Quantity, Unit: rule.Unit, UnitPrice: rule.UnitPrice, Amount: amount,
			Explain: Explanation{Key: "line.fee_unit", Args: lineArgs("code", fi.Code, "description", rule.Description,
				"quantity", plain(fi.Quantity), "unit", rule.Unit, "unit_price", p.fmt(rule.UnitPrice), "amount", p.fmt(amount))}})
	}
	return out
}

// laborLine prices hours x rate: the billed hours are the line's own or
// the book hours, rounded up to the increment, at least the minimum.
func (p pricer) laborLine(j Job, li LaborItem) Line {
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
		Explain: Explanation{Key: key, Args: lineArgs("op", li.Op, "description", desc, "hours", plain(billed),
			"book_hours", plain(op.Hours), "rate", p.fmt(rate), "amount", p.fmt(amount))}}
}

// partPrice is the unit price of a part and how it was set.
func (p pricer) partPrice(pi PartItem) (decimal.Decimal, string) {
	switch {
	case pi.Sell.IsPositive():
		return p.money.Round(pi.Sell), "sell"
	case len(p.book.Parts.Matrix) > 0 && pi.Cost.IsPositive():
		if price, band, ok := p.book.sellPrice(pi.Cost); ok {
			if band.Multiplier.IsPositive() {
				return p.money.Round(price), "multiplier " + plain(band.Multiplier)
			}
			return p.money.Round(price), "margin " + percent(band.Margin)
		}
	}
	return p.money.Round(pi.List), "list"
}

// percentFees adds each percent fee once per payer it applies to.
func (p pricer) percentFees(lines []Line) []Line {
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
				if l.PayType == pt && inBase(f.Base, l.Kind) {
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
				Quantity: one, UnitPrice: amount, Amount: amount, Net: amount,
				Explain: Explanation{Key: "line.fee_percent" + suffix(limit), Args: lineArgs("code", f.Code, "description", f.Description,
					"percent", percent(f.Percent), "base", p.fmt(base), "base_kind", string(f.Base), "computed", p.fmt(raw),
					"min", p.fmt(f.Min), "max", p.fmt(f.Max), "amount", p.fmt(amount))}})
		}
	}
	return out
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return "_" + s
}

func inBase(b FeeBase, k Kind) bool {
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
func (p pricer) deductibles(jobs []Job, lines []Line) []Line {
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
				Quantity: one, UnitPrice: d, Amount: d, Net: d, Explain: Explanation{Key: "line.deductible", Args: args}},
			Line{ID: j.ID + "/deductible-credit", Job: j.ID, PayType: j.PayType, Kind: KindDeductible, Code: "DEDUCTIBLE", Description: j.Title,
				Quantity: one, UnitPrice: d.Neg(), Amount: d.Neg(), Net: d.Neg(), Explain: Explanation{Key: "line.deductible_credit", Args: maps.Clone(args)}})
	}
	return out
}

// discountLines applies a job's own discounts to its lines.
func (p pricer) discountLines(lines []Line, ds []Discount) {
	for _, d := range ds {
		p.applyDiscount(lines, d, func(Line) bool { return true })
	}
}

// orderDiscounts applies order discounts and coupons to the customer's
// lines.
func (p pricer) orderDiscounts(lines []Line, o Order) {
	ds := slices.Clone(o.Discounts)
	for _, code := range o.Coupons {
		c := p.book.coupon(code)
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
func (p pricer) applyDiscount(lines []Line, d Discount, payer func(Line) bool) {
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
	parts := allocate(total, weights, p.book.Scale)
	for k, i := range idx {
		l := &lines[i]
		// 0 + part is the part itself, its exponent too when the zero's
		// is no smaller: no new decimal.
		if l.Discount.IsZero() && l.Discount.Exponent() >= parts[k].Exponent() {
			l.Discount = parts[k]
		} else {
			l.Discount = l.Discount.Add(parts[k])
		}
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
func (p pricer) payer(pt PayType, lines []Line) PayerBill {
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
	pb.Explain = Explanation{Key: key, Args: lineArgs("payer", string(pt), "subtotal", p.fmt(pb.Subtotal),
		"discount", p.fmt(pb.Discount), "tax", p.fmt(pb.Tax), "total", p.fmt(pb.Total))}
	return pb
}

// lineArgs is an explanation's arguments from key, value pairs, with room
// for the three that taxes and discounts add later ("tax", "tax_included",
// "discount_codes"), so the map is not grown again.
func lineArgs(kv ...string) map[string]string {
	m := make(map[string]string, len(kv)/2+3)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}
