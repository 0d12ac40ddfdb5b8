package bench_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
)

// Goal "billing.Price, 50 lines": the SDK prices the 50-line order of
// billing/price_bench_test.go (its fixture copied here: it is a test file
// of another package) beside the same bill computed in bare
// shopspring/decimal arithmetic: every line's amount, discount, net and
// tax share, the tax lines and the payer's totals, with the same roundings
// and the same largest-remainder allocations, but no explanations, no
// validation and no copies. TestBarePriceAgrees proves the two bills
// agree to the cent. The issue asks for at most 1.5x the bare arithmetic.

// benchBook is billing/price_bench_test.go's book.
func benchBook() *billing.PriceBook {
	b := &billing.PriceBook{
		Version: "bench", Currency: "USD", Scale: 2, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{
			Rates:     []billing.LaborRate{{Rate: d("142.50")}, {LaborType: "diag", Rate: d("165.00")}},
			Increment: d("0.1"), Minimum: d("0.3"),
		},
		Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{
			{From: d("0"), To: d("25"), Multiplier: d("1.8")},
			{From: d("25"), To: d("150"), Multiplier: d("1.45")},
			{From: d("150"), Margin: d("0.28")},
		}},
		Fees: []billing.FeeRule{
			{Code: "DISP", Description: "oil disposal", UnitPrice: d("0.65"), Unit: "l"},
			{Code: "TIRE", Description: "tire disposal", UnitPrice: d("3.50"), Unit: "ea", Taxable: true},
			{Code: "SHOP", Description: "shop supplies", Percent: d("0.05"), Base: billing.BaseLabor, Max: d("20.00"), Taxable: true},
		},
		Tax: billing.TaxPolicy{Scope: billing.ScopeGroup, Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 2}, DiscountBeforeTax: true,
			Rates: []billing.TaxRate{
				{Code: "LAB", Name: "labor tax", Rate: d("0.05"), Kinds: []billing.Kind{billing.KindLabor}},
				{Code: "GEN", Name: "sales tax", Rate: d("0.0825"), Kinds: []billing.Kind{billing.KindPart, billing.KindFee}},
			}},
	}
	for i := range 14 {
		op := billing.Operation{Code: fmt.Sprintf("OP%02d", i), Description: "operation", Hours: d(fmt.Sprintf("%d.%d", 1+i%3, (i*7)%10))}
		if i%4 == 0 {
			op.LaborType = "diag"
		}
		b.Labor.Operations = append(b.Labor.Operations, op)
	}
	return b
}

// benchOrder is billing/price_bench_test.go's order: 7 customer jobs of 2
// labor lines, 4 parts (2 at a sell price, 2 by the matrix) and a per-unit
// fee; the shop fee makes 50 lines. Job 1 has 10% off its parts; the
// order has 25.00 off.
func benchOrder() billing.Order {
	o := billing.Order{WorkOrder: "wo-bench", Discounts: []billing.Discount{{Code: "LOYAL", Amount: d("25.00")}}}
	for j := range 7 {
		job := billing.Job{ID: fmt.Sprintf("j%d", j+1), Title: "job", PayType: billing.PayCustomer}
		for k := range 2 {
			job.Labor = append(job.Labor, billing.LaborItem{Op: fmt.Sprintf("OP%02d", 2*j+k)})
		}
		for k := range 2 {
			job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("S%d", k), Description: "part", Quantity: d("2"), Cost: d("8.40"), Sell: d("14.95")})
		}
		for k := range 2 {
			job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("M%d", k), Description: "part", Quantity: d("1"), Cost: d(fmt.Sprintf("%d.37", 10+60*k+j))})
		}
		job.Fees = []billing.FeeItem{{Code: "DISP", Quantity: d("5.5")}}
		o.Jobs = append(o.Jobs, job)
	}
	o.Jobs[0].Discounts = []billing.Discount{{Code: "PARTS10", Percent: d("0.10"), Kinds: []billing.Kind{billing.KindPart}}}
	return o
}

// The bare bill: numbers only.
type bareLine struct {
	payer                     billing.PayType
	kind                      billing.Kind
	code                      string
	amount, discount, net     decimal.Decimal
	taxCode                   string
	tax                       decimal.Decimal
	taxRate                   decimal.Decimal
	taxable                   bool
	unitPrice, quantity, cost decimal.Decimal
}

type bareTax struct {
	code      string
	base, tax decimal.Decimal
}

type barePayer struct {
	payer                          billing.PayType
	lines                          []bareLine
	taxes                          []bareTax
	subtotal, discount, tax, total decimal.Decimal
}

var (
	bareOne     = decimal.NewFromInt(1)
	payerOrder  = []billing.PayType{billing.PayCustomer, billing.PayWarranty, billing.PayInternal, billing.PayContract, billing.PayInsurance}
	unsupported = func(what string) { panic("bare pricing does not do " + what) }
)

// barePrice prices o with book in bare decimal arithmetic. It does what
// the benchmark's bill needs (labor by increment and minimum, parts at a
// sell price or by the matrix, cores, per-unit and percent fees, percent
// and fixed discounts, exclusive tax rounded per group, half up) and
// panics on anything else, so it cannot silently price differently.
func barePrice(book *billing.PriceBook, o billing.Order) []barePayer {
	if book.Rounding != billing.HalfUp || book.Tax.Rounding.Mode != billing.HalfUp || book.Tax.Inclusive || book.Tax.Scope != billing.ScopeGroup {
		unsupported("this book's rounding or tax mode")
	}
	if len(o.Coupons) > 0 {
		unsupported("coupons")
	}
	scale := book.Scale
	var lines []bareLine
	for _, j := range o.Jobs {
		if len(j.Sublets) > 0 || j.Deductible.IsPositive() {
			unsupported("sublets or deductibles")
		}
		first := len(lines)
		for _, li := range j.Labor {
			var op billing.Operation
			for _, c := range book.Labor.Operations {
				if c.Code == li.Op {
					op = c
					break
				}
			}
			laborType := li.LaborType
			if laborType == "" {
				laborType = op.LaborType
			}
			hours := li.Hours
			if hours.IsZero() {
				hours = op.Hours
			}
			if inc := book.Labor.Increment; inc.IsPositive() {
				hours = hours.Div(inc).Ceil().Mul(inc)
			}
			if hours.LessThan(book.Labor.Minimum) {
				hours = book.Labor.Minimum
			}
			rate := laborRate(book, j.PayType, laborType)
			if li.Rate.IsPositive() {
				rate = li.Rate.Round(scale)
			}
			lines = append(lines, bareLine{payer: j.PayType, kind: billing.KindLabor, code: li.Op, quantity: hours, unitPrice: rate,
				amount: hours.Mul(rate).Round(scale)})
		}
		for _, pi := range j.Parts {
			unit := pi.List
			switch {
			case pi.Sell.IsPositive():
				unit = pi.Sell
			case len(book.Parts.Matrix) > 0 && pi.Cost.IsPositive():
				for _, band := range book.Parts.Matrix {
					if pi.Cost.Cmp(band.From) >= 0 && (band.To.IsZero() || pi.Cost.Cmp(band.To) < 0) {
						if band.Multiplier.IsPositive() {
							unit = pi.Cost.Mul(band.Multiplier)
						} else {
							unit = pi.Cost.DivRound(bareOne.Sub(band.Margin), 10)
						}
						break
					}
				}
			}
			unit = unit.Round(scale)
			lines = append(lines, bareLine{payer: j.PayType, kind: billing.KindPart, code: pi.Number, quantity: pi.Quantity, unitPrice: unit,
				amount: pi.Quantity.Mul(unit).Round(scale), cost: pi.Cost})
			if pi.Core.IsPositive() {
				lines = append(lines, bareLine{payer: j.PayType, kind: billing.KindCore, code: pi.Number, quantity: pi.Quantity, unitPrice: pi.Core,
					amount: pi.Quantity.Mul(pi.Core).Round(scale)})
			}
		}
		for _, fi := range j.Fees {
			rule := feeRule(book, fi.Code)
			lines = append(lines, bareLine{payer: j.PayType, kind: billing.KindFee, code: fi.Code, quantity: fi.Quantity, unitPrice: rule.UnitPrice,
				amount: fi.Quantity.Mul(rule.UnitPrice).Round(scale), taxable: rule.Taxable})
		}
		for i := first; i < len(lines); i++ {
			lines[i].net = lines[i].amount
		}
		for _, dc := range j.Discounts {
			bareDiscount(lines[first:], dc, scale, "")
		}
	}
	n := len(lines)
	for _, f := range book.Fees {
		if f.UnitPrice.IsPositive() || !f.Percent.IsPositive() {
			continue
		}
		payers := f.PayTypes
		if len(payers) == 0 {
			payers = []billing.PayType{billing.PayCustomer}
		}
		for _, pt := range payers {
			base := decimal.Zero
			for _, l := range lines[:n] {
				if l.payer == pt && inFeeBase(f.Base, l.kind) {
					base = base.Add(l.amount)
				}
			}
			if !base.IsPositive() {
				continue
			}
			amount := base.Mul(f.Percent).Round(scale)
			if f.Max.IsPositive() && amount.GreaterThan(f.Max) {
				amount = f.Max
			}
			if amount.LessThan(f.Min) {
				amount = f.Min
			}
			lines = append(lines, bareLine{payer: pt, kind: billing.KindFee, code: f.Code, quantity: bareOne, unitPrice: amount,
				amount: amount, net: amount, taxable: f.Taxable})
		}
	}
	for _, dc := range o.Discounts {
		bareDiscount(lines, dc, scale, billing.PayCustomer)
	}
	var out []barePayer
	for _, pt := range payerOrder {
		pb := barePayer{payer: pt}
		for _, l := range lines {
			if l.payer == pt {
				pb.lines = append(pb.lines, l)
			}
		}
		if len(pb.lines) > 0 {
			bareTaxes(book, &pb)
			out = append(out, pb)
		}
	}
	return out
}

func laborRate(book *billing.PriceBook, pt billing.PayType, laborType string) decimal.Decimal {
	for _, want := range [][2]string{{string(pt), laborType}, {string(pt), ""}, {"", laborType}, {"", ""}} {
		for _, r := range book.Labor.Rates {
			if string(r.PayType) == want[0] && r.LaborType == want[1] {
				return r.Rate
			}
		}
	}
	return decimal.Zero
}

func feeRule(book *billing.PriceBook, code string) billing.FeeRule {
	for _, f := range book.Fees {
		if f.Code == code {
			return f
		}
	}
	return billing.FeeRule{}
}

func inFeeBase(b billing.FeeBase, k billing.Kind) bool {
	switch b {
	case billing.BaseLabor:
		return k == billing.KindLabor
	case billing.BaseParts:
		return k == billing.KindPart
	}
	return k == billing.KindLabor || k == billing.KindPart
}

// bareDiscount takes dc off the eligible lines (of payer, when set): a
// percent of their net, or a fixed amount, allocated by largest
// remainder, never more than their net.
func bareDiscount(lines []bareLine, dc billing.Discount, scale int32, payer billing.PayType) {
	var idx []int
	var weights []decimal.Decimal
	eligible := decimal.Zero
	for i, l := range lines {
		if (payer == "" || l.payer == payer) && (len(dc.Kinds) == 0 || slices.Contains(dc.Kinds, l.kind)) && l.net.IsPositive() {
			idx = append(idx, i)
			weights = append(weights, l.net)
			eligible = eligible.Add(l.net)
		}
	}
	if len(idx) == 0 {
		return
	}
	total := dc.Amount
	if dc.Percent.IsPositive() {
		total = eligible.Mul(dc.Percent).Round(scale)
	}
	if total.GreaterThan(eligible) {
		total = eligible
	}
	parts := bareAllocate(total, weights, scale)
	for k, i := range idx {
		lines[i].discount = lines[i].discount.Add(parts[k])
		lines[i].net = lines[i].amount.Sub(lines[i].discount)
	}
}

// bareTaxes groups the payer's taxable lines by rate, rounds each group's
// exact tax once and spreads it over the group's lines by largest
// remainder; then the totals.
func bareTaxes(book *billing.PriceBook, pb *barePayer) {
	type group struct {
		rate  billing.TaxRate
		lines []int
		exact decimal.Decimal
	}
	var groups []group
	for i := range pb.lines {
		l := &pb.lines[i]
		if l.kind == billing.KindFee && !l.taxable || l.kind == billing.KindDeductible {
			continue
		}
		ri := slices.IndexFunc(book.Tax.Rates, func(r billing.TaxRate) bool {
			return (len(r.Kinds) == 0 || slices.Contains(r.Kinds, l.kind)) && (len(r.PayTypes) == 0 || slices.Contains(r.PayTypes, l.payer))
		})
		if ri < 0 {
			continue
		}
		rate := book.Tax.Rates[ri]
		l.taxCode, l.taxRate = rate.Code, rate.Rate
		gi := slices.IndexFunc(groups, func(g group) bool { return g.rate.Code == rate.Code })
		if gi < 0 {
			groups = append(groups, group{rate: rate})
			gi = len(groups) - 1
		}
		groups[gi].lines = append(groups[gi].lines, i)
	}
	base := func(l bareLine) decimal.Decimal {
		if book.Tax.DiscountBeforeTax {
			return l.net
		}
		return l.amount
	}
	places := book.Tax.Rounding.Places
	for gi := range groups {
		g := &groups[gi]
		weights := make([]decimal.Decimal, len(g.lines))
		for k, i := range g.lines {
			b := base(pb.lines[i])
			g.exact = g.exact.Add(b.Mul(g.rate.Rate))
			weights[k] = b.Abs()
		}
		shares := bareAllocate(g.exact.Round(places), weights, places)
		t := bareTax{code: g.rate.Code}
		for k, i := range g.lines {
			pb.lines[i].tax = shares[k]
			t.tax = t.tax.Add(shares[k])
			t.base = t.base.Add(base(pb.lines[i]))
		}
		pb.taxes = append(pb.taxes, t)
	}
	for _, l := range pb.lines {
		pb.subtotal = pb.subtotal.Add(l.amount)
		pb.discount = pb.discount.Add(l.discount)
	}
	for _, t := range pb.taxes {
		pb.tax = pb.tax.Add(t.tax)
	}
	pb.total = pb.subtotal.Sub(pb.discount).Add(pb.tax)
}

// bareAllocate splits total over weights by largest remainder at places,
// ties to the earlier part: the textbook method, written out.
func bareAllocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	n := len(weights)
	out := make([]decimal.Decimal, n)
	sum := decimal.Zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if sum.IsZero() {
		unsupported("zero weights")
	}
	neg := total.IsNegative()
	abs := total.Abs()
	unit := decimal.New(1, -places)
	divisor := sum.Mul(unit)
	rems := make([]decimal.Decimal, n)
	order := make([]int, n)
	given := decimal.Zero
	for i, w := range weights {
		q, r := abs.Mul(w).QuoRem(divisor, 0)
		out[i] = q.Mul(unit)
		given = given.Add(out[i])
		rems[i] = r
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	left := abs.Sub(given).Div(unit).IntPart()
	for k := int64(0); k < left; k++ {
		i := order[int(k)%n]
		out[i] = out[i].Add(unit)
	}
	if neg {
		for i := range out {
			out[i] = out[i].Neg()
		}
	}
	return out
}

// TestBarePriceAgrees: the bare arithmetic gives the SDK's bill, line by
// line and total by total.
func TestBarePriceAgrees(t *testing.T) {
	book, o := benchBook(), benchOrder()
	bill, err := billing.Price(book, o)
	must(t, err)
	bare := barePrice(book, o)
	if len(bill.Payers) != len(bare) {
		t.Fatalf("%d payers, bare %d", len(bill.Payers), len(bare))
	}
	eq := func(what string, got, want decimal.Decimal) {
		t.Helper()
		if !got.Equal(want) {
			t.Errorf("%s: bare %s, sdk %s", what, got, want)
		}
	}
	for i, pb := range bill.Payers {
		bp := bare[i]
		if bp.payer != pb.PayType || len(bp.lines) != len(pb.Lines) || len(bp.taxes) != len(pb.Taxes) {
			t.Fatalf("payer %s: %d lines, %d taxes; bare %s: %d lines, %d taxes", pb.PayType, len(pb.Lines), len(pb.Taxes), bp.payer, len(bp.lines), len(bp.taxes))
		}
		if len(pb.Lines) != 50 {
			t.Fatalf("%d lines, want 50", len(pb.Lines))
		}
		for k, l := range pb.Lines {
			bl := bp.lines[k]
			if bl.kind != l.Kind || bl.code != l.Code || bl.taxCode != l.TaxCode {
				t.Fatalf("line %s: bare %s %s %s", l.ID, bl.kind, bl.code, bl.taxCode)
			}
			eq(l.ID+" quantity", bl.quantity, l.Quantity)
			eq(l.ID+" unit price", bl.unitPrice, l.UnitPrice)
			eq(l.ID+" amount", bl.amount, l.Amount)
			eq(l.ID+" discount", bl.discount, l.Discount)
			eq(l.ID+" net", bl.net, l.Net)
			eq(l.ID+" tax", bl.tax, l.Tax)
			eq(l.ID+" tax rate", bl.taxRate, l.TaxRate)
		}
		for k, tl := range pb.Taxes {
			if bp.taxes[k].code != tl.Code {
				t.Fatalf("tax %d: bare %s, sdk %s", k, bp.taxes[k].code, tl.Code)
			}
			eq(tl.Code+" base", bp.taxes[k].base, tl.Base)
			eq(tl.Code+" tax", bp.taxes[k].tax, tl.Tax)
		}
		eq("subtotal", bp.subtotal, pb.Subtotal)
		eq("discount", bp.discount, pb.Discount)
		eq("tax", bp.tax, pb.Tax)
		eq("total", bp.total, pb.Total)
		if !pb.Discount.IsPositive() || !pb.Tax.IsPositive() {
			t.Fatalf("the bill has discount %s and tax %s: the comparison needs both", pb.Discount, pb.Tax)
		}
	}
}

func BenchmarkPrice(b *testing.B) {
	book, o := benchBook(), benchOrder()
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := billing.Price(book, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if len(barePrice(book, o)) != 1 {
				b.Fatal("no bill")
			}
		}
	})
}
