package billing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
)

// BenchmarkSettle settles one order per op on SQLite: reconcile, number,
// issue the invoice and record the settlement in one transaction.
func BenchmarkSettle(b *testing.B) {
	st := testdb.SQLite(b)
	ctx := b.Context()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: st, Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	admin := org.Admin("bench")
	if _, err := roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Bench Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		b.Fatal(err)
	}
	if _, err := roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "chen", Name: "Chen", Role: org.RoleAdvisor}); err != nil {
		b.Fatal(err)
	}
	svc, err := billing.NewService(billing.Config{Store: st.Billing(), Roster: roster.Directory(), Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	book, err := billing.LoadPriceBookFile("testdata/pricebooks/taipei.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.SavePriceBook(ctx, "d1", admin, book, true); err != nil {
		b.Fatal(err)
	}
	order := billing.Order{WorkOrder: "wo", Jobs: []billing.Job{{ID: "j1", Title: "brakes", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "BRK-01"}}, Parts: []billing.PartItem{{Number: "PAD-F", Description: "pads", Quantity: d("1"), Sell: d("2450")}}}}}
	bill, err := billing.Price(book, order)
	if err != nil {
		b.Fatal(err)
	}
	cust, _ := bill.Payer(billing.PayCustomer)
	submitted := []billing.WorkLine{{Job: "j1", Kind: billing.KindLabor, Code: "BRK-01", PayType: billing.PayCustomer},
		{Job: "j1", Kind: billing.KindPart, Code: "PAD-F", PayType: billing.PayCustomer, Quantity: d("1")}}
	chen := org.Actor{ID: "chen", Role: org.RoleAdvisor}
	b.ReportAllocs()
	i := 0
	start := time.Now()
	for b.Loop() {
		i++
		_, _, err := svc.Settle(ctx, "d1", chen, billing.SettleInput{Key: fmt.Sprintf("k%d", i), WorkOrder: fmt.Sprintf("wo%d", i),
			Advisor: "chen", Bill: bill, Submitted: submitted, ApprovedJobs: []string{"j1"},
			Confirmation: billing.Confirmation{By: "Kao", Method: "signature"}, Payments: []billing.Payment{{Method: billing.PayCard, Amount: cust.Total}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(i)/time.Since(start).Seconds(), "orders/s")
}
