package billing_test

import (
	"fmt"
	"testing"

	"github.com/servicelane/servicelane/billing"
)

// rcBenchInput is two 50-line lists: ten jobs of two labor lines, two
// parts and a fee, priced by rcBook, and the technician's 50 lines; with
// differences, every fifth submitted line has one more unit or hour.
func rcBenchInput(b *testing.B, differences bool) billing.ReconcileInput {
	o := billing.Order{WorkOrder: "wo-bench"}
	for j := range 10 {
		pay := billing.PayCustomer
		if j%3 == 1 {
			pay = billing.PayWarranty
		}
		o.Jobs = append(o.Jobs, billing.Job{ID: fmt.Sprintf("j%02d", j), Title: "job", PayType: pay,
			Labor: []billing.LaborItem{{Op: "BRK-01", Clocked: rcDec("1.1")}, {Op: "ALN-01", Hours: rcDec("0.9"), Clocked: rcDec("0.7")}},
			Parts: []billing.PartItem{{Number: fmt.Sprintf("P%02d-A", j), Description: "part", Quantity: rcDec("2"), Cost: rcDec("12.5")},
				{Number: fmt.Sprintf("P%02d-B", j), Description: "part", Quantity: rcDec("1"), Cost: rcDec("80"), Sell: rcDec("129.00")}},
			Fees: []billing.FeeItem{{Code: "OILDISP", Quantity: rcDec("4")}}})
	}
	book := rcBook()
	bill, err := billing.Price(book, o)
	if err != nil {
		b.Fatal(err)
	}
	work := rcDerive(bill)
	if len(work) != 50 {
		b.Fatalf("%d submitted lines, want 50", len(work))
	}
	if differences {
		for i := 0; i < len(work); i += 5 {
			work[i].Quantity = work[i].Quantity.Add(rcDec("1"))
		}
	}
	return billing.ReconcileInput{Submitted: work, Bill: bill, Book: book, Approved: rcJobs(o)}
}

func BenchmarkReconcile(b *testing.B) {
	for _, c := range []struct {
		name        string
		book, diffs bool
	}{
		{"lines_only", false, false},
		{"with_book", true, false},
		{"with_book_and_differences", true, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			in := rcBenchInput(b, c.diffs)
			if !c.book {
				in.Book = nil
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := billing.Reconcile(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
