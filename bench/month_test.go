package bench_test

import (
	"testing"

	"github.com/servicelane/servicelane/servicedesk"
)

// Goal "memstore month listing, 500 -> 5,000 orders": Service.Month on
// memstore for a dealer month of 500 orders and of 5,000. The pair is the
// SDK against itself: the ratio 5000/500 is the growth, and linear is
// 10x. The issue measured 52x.

func monthOf(tb testing.TB, n int) *desk {
	tb.Helper()
	f := newDesk(tb)
	for i := range n {
		f.receive(tb, orderID(i))
	}
	return f
}

// TestMonthListsEveryOrder: the listing has every order once, in ID
// order, as the benchmark checks only the count.
func TestMonthListsEveryOrder(t *testing.T) {
	f := monthOf(t, 1500) // more than one page of org.MaxPage
	ws, err := f.svc.Month(f.ctx, dealer, admin, nov)
	must(t, err)
	if len(ws) != 1500 {
		t.Fatalf("%d orders, want 1500", len(ws))
	}
	for i, w := range ws {
		if w.ID != orderID(i) || w.State != servicedesk.StateReceived {
			t.Fatalf("order %d is %s in %s", i, w.ID, w.State)
		}
	}
}

func BenchmarkMonthListing(b *testing.B) {
	for _, n := range []int{500, 5000} {
		name := "500"
		if n == 5000 {
			name = "5000"
		}
		b.Run(name, func(b *testing.B) {
			f := monthOf(b, n)
			b.ReportAllocs()
			for b.Loop() {
				ws, err := f.svc.Month(f.ctx, dealer, admin, nov)
				if err != nil || len(ws) != n {
					b.Fatalf("%d orders, %v", len(ws), err)
				}
			}
		})
	}
}
