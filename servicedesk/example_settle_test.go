package servicedesk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// exampleBook is a small price book: labor at 1,200 an hour, parts by a
// markup on cost, prices with 5% VAT included, whole dollars.
const exampleBook = `
version: "2026-11"
currency: TWD
scale: 0
rounding: half_up
labor:
  rates: [{rate: 1200}]
  operations: [{code: BRK-01, description: Front brake pads, hours: 1.5}]
parts:
  matrix: [{from: 0, multiplier: 1.6}]
tax:
  inclusive: true
  scope: document
  rounding: {mode: half_up, places: 0}
  rates: [{code: VAT, name: VAT 5%, rate: 0.05}]
overrun: {amount: 2000, percent: 0.10}
`

// Settling a work order is two calls: PreviewBill shows the bill the
// customer will sign, derived from the order (the jobs the customer
// approved and the technician finished, priced as the estimate stored
// them), and SettleBill issues it. The host adds only what the order
// cannot know: the idempotency key, the customer's confirmation and the
// payments.
func ExampleService_SettleBill() {
	ctx := context.Background()
	store := memstore.New()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	roster, _ := org.NewService(org.Config{Store: store, Clock: clock})
	admin := org.Admin("setup")
	roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "chen", Name: "Chen", Role: org.RoleAdvisor})
	roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "wu", Name: "Wu", Role: org.RoleTechnician})
	bills, _ := billing.NewService(billing.Config{Store: store.Billing(), Roster: roster.Directory(), Clock: clock})
	book, err := billing.LoadPriceBook("book.yaml", []byte(exampleBook))
	if err != nil {
		fmt.Println(err)
		return
	}
	bills.SavePriceBook(ctx, "d1", admin, book, true)
	desk, _ := servicedesk.NewService(servicedesk.Config{Store: store.ServiceDesk(), Roster: roster.Directory(), Clock: clock,
		Billing: bills, Pricer: servicedesk.BookPricer{Billing: bills}})

	chen, wu := org.Actor{ID: "chen", Role: org.RoleAdvisor}, org.Actor{ID: "wu", Role: org.RoleTechnician}
	wo, _ := desk.Receive(ctx, "d1", chen, servicedesk.Reception{ID: "RO-1", Channel: servicedesk.ChannelWalkIn,
		Transport: servicedesk.TransportWaiter, Customer: servicedesk.Customer{Name: "Kao", Phone: "0912-000-111"},
		Vehicle: servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", MileageIn: 42000}, Concerns: []string{"brakes squeal"}})
	ref := servicedesk.Ref{ID: wo.ID}
	desk.RecordCondition(ctx, "d1", chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
	desk.Acknowledge(ctx, "d1", chen, ref, servicedesk.Acknowledgement{By: "Kao"})
	desk.Diagnose(ctx, "d1", chen, ref, servicedesk.DiagnosisInput{Technician: "wu",
		Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "pads worn", Correction: "replace pads"}}})
	// The book prices the lines: labor at its rate, the pads from their cost.
	desk.Estimate(ctx, "d1", chen, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "Front pads",
		Hours: decimal.RequireFromString("1.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "replace pads", Quantity: decimal.RequireFromString("1.5")},
			{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "front pads", Quantity: decimal.RequireFromString("1"), Cost: decimal.RequireFromString("1500")},
		}}}})
	desk.Approve(ctx, "d1", chen, ref, servicedesk.Consent{Approved: []string{"j1"}, By: "Kao", Method: servicedesk.ApprovalSignature,
		Evidence: servicedesk.ConsentEvidence{Reference: "signatures/ro-1.png"}})
	desk.Book(ctx, "d1", chen, ref, servicedesk.BookingInput{Technician: "wu",
		Start: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 4, 0, 0, 0, time.UTC)})
	desk.Start(ctx, "d1", wu, ref)
	desk.CompleteJob(ctx, "d1", wu, ref, servicedesk.JobRef{Job: "j1"})
	desk.CompleteRepair(ctx, "d1", wu, ref)
	desk.Inspect(ctx, "d1", chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: true}}})
	desk.NotifyReady(ctx, "d1", chen, ref, servicedesk.ReadyInput{Explanation: "pads replaced as approved"})

	// 1. Preview: writes nothing.
	preview, err := desk.PreviewBill(ctx, "d1", chen, ref, servicedesk.BillTerms{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cust, _ := preview.Bill.Payer(billing.PayCustomer)
	for _, l := range cust.Lines {
		fmt.Println(l.Text(org.English))
	}
	fmt.Println("total:", cust.Total, "blockers:", len(preview.Blockers))

	// 2. Settle: the same bill, with what only the host knows.
	wo, docs, err := desk.SettleBill(ctx, "d1", chen, ref, servicedesk.SettleInput{Key: "settle-ro-1",
		Confirmation: billing.Confirmation{By: "Kao", Method: "signature"},
		Payments:     []billing.Payment{{Method: billing.PayCard, Amount: cust.Total}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(wo.State, docs[0].ID, docs[0].Total)
	// Output:
	// Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5% included)
	// Part PAD-F front pads: 1 x 2,400 (cost x 1.6) = 2,400 (tax 5% included)
	// total: 4200 blockers: 0
	// settled INV-000001 4200
}
