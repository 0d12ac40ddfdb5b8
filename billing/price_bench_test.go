package billing_test

import (
	"fmt"
	"testing"

	"github.com/servicelane/servicelane/billing"
)

// benchBook is a dealer's book as the benchmark prices with it: two labor
// rates, a three-band matrix, two per-unit fees and a percent fee ("5% of
// labor up to 20.00"), and two exclusive tax rates rounded per group
// (payer and rate), discounts before tax.
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

// Shape of the benchmark's order: benchJobs customer jobs of 2 labor
// lines, 4 parts (2 at a sell price, 2 priced by the matrix) and 1
// per-unit fee each: 49 job lines, and the shop fee makes 50. The first
// job has a 10% discount on its parts; the order has a 25.00 discount.
const (
	benchJobs          = 7
	benchLaborPerJob   = 2
	benchSellPerJob    = 2
	benchMatrixPerJob  = 2
	benchUnitFeePerJob = 1
)

func benchOrder() billing.Order {
	o := billing.Order{WorkOrder: "wo-bench", Discounts: []billing.Discount{{Code: "LOYAL", Amount: d("25.00")}}}
	for j := range benchJobs {
		job := billing.Job{ID: fmt.Sprintf("j%d", j+1), Title: "job", PayType: billing.PayCustomer}
		for k := range benchLaborPerJob {
			job.Labor = append(job.Labor, billing.LaborItem{Op: fmt.Sprintf("OP%02d", 2*j+k)})
		}
		for k := range benchSellPerJob {
			job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("S%d", k), Description: "part", Quantity: d("2"), Cost: d("8.40"), Sell: d("14.95")})
		}
		for k := range benchMatrixPerJob {
			job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("M%d", k), Description: "part", Quantity: d("1"), Cost: d(fmt.Sprintf("%d.37", 10+60*k+j))})
		}
		job.Fees = []billing.FeeItem{{Code: "DISP", Quantity: d("5.5")}}
		o.Jobs = append(o.Jobs, job)
	}
	o.Jobs[0].Discounts = []billing.Discount{{Code: "PARTS10", Percent: d("0.10"), Kinds: []billing.Kind{billing.KindPart}}}
	return o
}

// BenchmarkPrice50Lines prices a 50-line work order: labor, parts at a
// sell price and by the matrix, per-unit fees, a percent fee, a job
// discount and an order discount, two tax rates, exclusive, by group.
// Its peer, the same bill in bare shopspring/decimal arithmetic, is in
// bench/price_test.go (it reported ns per decimal call once; the int64
// paths of issue 16 make most of those calls no longer).
func BenchmarkPrice50Lines(b *testing.B) {
	book, o := benchBook(), benchOrder()
	bill, err := billing.Price(book, o)
	if err != nil {
		b.Fatal(err)
	}
	if n := len(bill.Payers[0].Lines); n != 50 {
		b.Fatalf("%d lines, want 50", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := billing.Price(book, o); err != nil {
			b.Fatal(err)
		}
	}
}
