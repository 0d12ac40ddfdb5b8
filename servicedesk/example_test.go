package servicedesk_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// The main path: receive a customer, record the walk-around, diagnose with
// a technician, estimate, and see the rules at work: no booking before the
// customer approves (R3.2c).
func Example() {
	ctx := context.Background()
	store := memstore.New()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	roster, _ := org.NewService(org.Config{Store: store, Clock: clock})
	admin := org.Admin("setup")
	roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "chen", Name: "Chen", Role: org.RoleAdvisor})
	roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "wu", Name: "Wu", Role: org.RoleTechnician})
	desk, _ := servicedesk.NewService(servicedesk.Config{Store: store.ServiceDesk(), Roster: roster.Directory(), Clock: clock})

	chen := org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wo, _ := desk.Receive(ctx, "d1", chen, servicedesk.Reception{
		ID: "RO-1", Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao", Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", MileageIn: 42000},
		Concerns: []string{"brakes squeal"},
	})
	ref := servicedesk.Ref{ID: wo.ID}
	desk.RecordCondition(ctx, "d1", chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
	desk.Acknowledge(ctx, "d1", chen, ref, servicedesk.Acknowledgement{By: "Kao"})
	desk.Diagnose(ctx, "d1", chen, ref, servicedesk.DiagnosisInput{Technician: "wu",
		Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "pads worn", Correction: "replace pads"}}})
	wo, _ = desk.Estimate(ctx, "d1", chen, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{
		ConcernID: "c1", Title: "Front pads", Hours: decimal.RequireFromString("1.5"),
		Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "labour", Quantity: decimal.RequireFromString("1.5"), UnitPrice: decimal.RequireFromString("1200")},
			{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "pads", Quantity: decimal.RequireFromString("1"), UnitPrice: decimal.RequireFromString("2450")},
		},
	}}})
	fmt.Println("state:", wo.State, "job j1 total:", wo.Jobs[0].Total)
	fmt.Println("chen may now:", servicedesk.Permitted(&wo, chen, servicedesk.Options{}))

	// Booking before the customer's approval is refused, with the reason.
	_, err := desk.Book(ctx, "d1", chen, ref, servicedesk.BookingInput{Technician: "wu",
		Start: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 4, 0, 0, 0, time.UTC)})
	var te *servicedesk.TransitionError
	if errors.As(err, &te) {
		fmt.Println("book refused:", te.Blockers[0].Rule, "-", te.Blockers[0].Message)
	}

	wo, _ = desk.Approve(ctx, "d1", chen, ref, servicedesk.Consent{Approved: []string{"j1"}, By: "Kao", Method: servicedesk.ApprovalSignature,
		Evidence: servicedesk.ConsentEvidence{Reference: "signatures/wo1.png"}})
	wo, err = desk.Book(ctx, "d1", chen, ref, servicedesk.BookingInput{Technician: "wu",
		Start: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 4, 0, 0, 0, time.UTC)})
	fmt.Println("after approval:", wo.State, err)
	// Output:
	// state: estimated job j1 total: 4250
	// chen may now: [estimate record_approval add_note cancel]
	// book refused: state - book is allowed only in approved
	// after approval: booked <nil>
}
