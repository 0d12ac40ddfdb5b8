package bench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// The test dealership, as servicedesk's own tests have it
// (servicedesk/setup_test.go): copied, since that is a test file of
// another package.
var (
	admin  = org.Admin("bench")
	chen   = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wu     = org.Actor{ID: "wu", Role: org.RoleTechnician}
	dealer = org.DealerID("d1")
	monday = time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC) // 08:30 in Taipei
	taipei = mustLoc("Asia/Taipei")
	nov    = org.Month{Year: 2026, Month: time.November}
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// desk is a servicedesk.Service on memstore with the test dealership.
type desk struct {
	ctx context.Context
	svc *servicedesk.Service
}

func newDesk(tb testing.TB) *desk {
	tb.Helper()
	ctx := context.Background()
	store := memstore.New()
	clock := org.NewManualClock(monday)
	roster, err := org.NewService(org.Config{Store: store, Clock: clock, IDs: org.SequentialIDs("ev")})
	must(tb, err)
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	must(tb, err)
	for _, e := range []org.NewEmployee{
		{ID: "sup", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
		{ID: "tsai", Name: "Tsai", Role: org.RoleTechnician},
	} {
		_, err := roster.AddEmployee(ctx, dealer, admin, e)
		must(tb, err)
	}
	svc, err := servicedesk.NewService(servicedesk.Config{Store: store.ServiceDesk(), Roster: roster.Directory(), Clock: clock,
		IDs: org.SequentialIDs("sd")})
	must(tb, err)
	return &desk{ctx: ctx, svc: svc}
}

// receive opens an order for chen with two concerns.
func (f *desk) receive(tb testing.TB, id servicedesk.WorkOrderID) {
	tb.Helper()
	_, err := f.svc.Receive(f.ctx, dealer, chen, servicedesk.Reception{
		ID: id, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Mr. Kao", Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, VIN: "JTDBR32E720123456", Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"brakes squeal", "oil change due"},
	})
	must(tb, err)
}

// inRepair drives a new order to in_progress, booked for technician wu:
// walk-around, diagnosis, estimate of two jobs, both approved, booked,
// started. It returns the order as the store has it.
func (f *desk) inRepair(tb testing.TB, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	tb.Helper()
	f.receive(tb, id)
	ref := servicedesk.Ref{ID: id}
	_, err := f.svc.RecordCondition(f.ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{
		{Area: "front bumper", Status: servicedesk.ConditionDamaged, Note: "scratch"}, {Area: "interior", Status: servicedesk.ConditionOK}}})
	must(tb, err)
	_, err = f.svc.Acknowledge(f.ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Mr. Kao"})
	must(tb, err)
	_, err = f.svc.Diagnose(f.ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{
		{ConcernID: "c1", Cause: "front pads worn", Correction: "replace front pads"},
		{ConcernID: "c2", Cause: "10,000 km since last change", Correction: "change oil and filter"}}})
	must(tb, err)
	_, err = f.svc.Estimate(f.ctx, dealer, chen, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Front brake pads", Hours: d("1.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "replace pads", Quantity: d("1.5"), UnitPrice: d("1200")},
			{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "front pads", Quantity: d("1"), UnitPrice: d("2450")}}},
		{ConcernID: "c2", Title: "Oil change", Hours: d("0.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: d("0.5"), UnitPrice: d("1200")},
			{Kind: servicedesk.LinePart, Code: "OIL-5W30", Description: "oil 5W-30", Quantity: d("4"), UnitPrice: d("320")}}}}})
	must(tb, err)
	_, err = f.svc.Approve(f.ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j1", "j2"}, By: "Mr. Kao",
		Method: servicedesk.ApprovalSignature, Evidence: servicedesk.ConsentEvidence{Reference: "signatures/" + string(id) + ".png"}})
	must(tb, err)
	start := time.Date(2026, 11, 2, 9, 30, 0, 0, taipei)
	_, err = f.svc.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: start, End: start.Add(time.Hour)})
	must(tb, err)
	w, err := f.svc.Start(f.ctx, dealer, wu, ref)
	must(tb, err)
	if w.State != servicedesk.StateInProgress {
		tb.Fatalf("order %s is %s, want in_progress", id, w.State)
	}
	return w
}

// orderID numbers the orders of a listing.
func orderID(i int) servicedesk.WorkOrderID { return servicedesk.WorkOrderID(fmt.Sprintf("wo%05d", i)) }
