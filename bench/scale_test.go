package bench_test

import (
	"fmt"
	"testing"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/policy"
)

// The growth of each cost (issue 16: "the growth of each cost ... each
// linear"). Each benchmark here is the SDK against itself at two sizes,
// the large side first, so that ratios.sh prints large/small as the ratio
// and the goal is the size ratio: 10 -> 1,000 lines of a bill (100x),
// 500 -> 50,000 advisors of an appraisal month (100x), 1,000 -> 10,000
// employees of a policy month (10x). The month listing, 500 -> 5,000
// orders, is BenchmarkMonthListing (month_test.go).

// scaleOrder is an order of n lines priced by benchBook: jobs of benchOrder's
// kind (2 labor lines, 2 parts at a sell price, 2 by the matrix, a per-unit
// fee: 7 lines), the last one cut short, and the percent shop fee the book
// adds as the order's last line; n is at least 2.
func scaleOrder(n int) billing.Order {
	o := billing.Order{WorkOrder: "wo-scale", Discounts: []billing.Discount{{Code: "LOYAL", Amount: d("25.00")}}}
	left := n - 1 // the shop fee is a line of its own
	for j := 0; left > 0; j++ {
		job := billing.Job{ID: fmt.Sprintf("j%d", j+1), Title: "job", PayType: billing.PayCustomer}
		for k := range 2 {
			if left > 0 {
				job.Labor = append(job.Labor, billing.LaborItem{Op: fmt.Sprintf("OP%02d", (2*j+k)%14)})
				left--
			}
		}
		for k := range 2 {
			if left > 0 {
				job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("S%d", k), Description: "part", Quantity: d("2"), Cost: d("8.40"), Sell: d("14.95")})
				left--
			}
		}
		for k := range 2 {
			if left > 0 {
				job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("M%d", k), Description: "part", Quantity: d("1"), Cost: d(fmt.Sprintf("%d.37", 10+60*k+j%7))})
				left--
			}
		}
		if left > 0 {
			job.Fees = []billing.FeeItem{{Code: "DISP", Quantity: d("5.5")}}
			left--
		}
		o.Jobs = append(o.Jobs, job)
	}
	return o
}

// TestScaleOrderLines: the orders of BenchmarkScalePrice price to the
// number of lines their side names, and scaleOrder(50) is benchOrder's
// size.
func TestScaleOrderLines(t *testing.T) {
	book := benchBook()
	for _, n := range []int{10, 50, 1000} {
		bill, err := billing.Price(book, scaleOrder(n))
		must(t, err)
		if got := len(bill.Payers[0].Lines); got != n {
			t.Fatalf("scaleOrder(%d) prices to %d lines", n, got)
		}
	}
}

func BenchmarkScalePrice(b *testing.B) {
	book := benchBook()
	for _, n := range []int{1000, 10} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			o := scaleOrder(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := billing.Price(book, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkScaleAppraisal(b *testing.B) {
	p := appraisalPlan()
	for _, n := range []int{50000, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			month := appraisalMonth(&p, n)
			b.ReportAllocs()
			for b.Loop() {
				for i := range month {
					if _, err := appraisal.Score(&p, month[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

func BenchmarkScalePolicy(b *testing.B) {
	p := policy.Default("TWD")
	for _, n := range []int{10000, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			in := evalInput(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Evaluate(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
