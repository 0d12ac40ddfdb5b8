package billing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// A supervisor saves the dealer's price book, an advisor prices an oil
// change and settles it: the customer pays NT$2,000 in cash and gets NT$26
// back, and invoice INV-000001 is issued (R3.4d) with the warranty
// reminder (R3.4e).
func ExampleService_Settle() {
	ctx := context.Background()
	store := memstore.New()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	roster, _ := org.NewService(org.Config{Store: store, Clock: clock, IDs: org.SequentialIDs("ev")})
	host := org.Admin("host")
	_, _ = roster.CreateDealer(ctx, host, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	_, _ = roster.AddEmployee(ctx, "d1", host, org.NewEmployee{ID: "lin", Name: "Lin", Role: org.RoleSupervisor})
	_, _ = roster.AddEmployee(ctx, "d1", host, org.NewEmployee{ID: "chen", Name: "Chen", Role: org.RoleAdvisor})
	bills, _ := billing.NewService(billing.Config{Store: store.Billing(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("bl")})

	// Whole dollars; 5% VAT added to prices.
	dec := decimal.RequireFromString
	book := billing.PriceBook{Version: "2026-11", Currency: "TWD", Scale: 0, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{Rates: []billing.LaborRate{{Rate: dec("1200")}},
			Operations: []billing.Operation{{Code: "OIL-01", Description: "Engine oil and filter, change", Hours: dec("0.5")}}},
		Tax: billing.TaxPolicy{Scope: billing.ScopeDocument, Rounding: billing.Rounding{Mode: billing.HalfUp},
			Rates: []billing.TaxRate{{Code: "VAT", Name: "VAT 5%", Rate: dec("0.05")}}}}
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	if _, err := bills.SavePriceBook(ctx, "d1", lin, &book, true); err != nil {
		fmt.Println(err)
		return
	}

	bill, err := bills.Price(ctx, "d1", lin, billing.Order{WorkOrder: "wo-7", Jobs: []billing.Job{{ID: "j1", Title: "Oil change",
		PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "OIL-01"}},
		Parts: []billing.PartItem{{Number: "OIL-5W30", Description: "oil 5W-30", Quantity: dec("4"), Sell: dec("320")}}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	chen := org.Actor{ID: "chen", Role: org.RoleAdvisor}
	in := billing.SettleInput{
		Key: "settle-wo-7", WorkOrder: "wo-7", Advisor: "chen", Bill: bill,
		// What the technician reported doing (R3.4a): it matches the bill.
		Submitted: []billing.WorkLine{
			{Job: "j1", Kind: billing.KindLabor, Code: "OIL-01", PayType: billing.PayCustomer},
			{Job: "j1", Kind: billing.KindPart, Code: "OIL-5W30", PayType: billing.PayCustomer, Quantity: dec("4")}},
		Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"},
		Payments:     []billing.Payment{{Method: billing.PayCash, Amount: dec("2000")}},
	}
	st, docs, err := bills.Settle(ctx, "d1", chen, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range docs {
		fmt.Printf("%s %s to %s: subtotal %s + tax %s = %s\n", d.ID, d.Kind, d.Payer.Name, d.Bill.Subtotal, d.Bill.Tax, d.Total)
		fmt.Println("  notes:", d.Notes[0].Key)
	}
	fmt.Printf("due %s, paid %s, change %s\n", st.Due, st.Paid, st.Change)

	// The same key again: the same invoice, no new number.
	_, again, _ := bills.Settle(ctx, "d1", chen, in)
	fmt.Println("again:", again[0].ID)
	// Output:
	// INV-000001 invoice to Mr. Kao: subtotal 1880 + tax 94 = 1974
	//   notes: note.warranty
	// due 1974, paid 2000, change 26
	// again: INV-000001
}
