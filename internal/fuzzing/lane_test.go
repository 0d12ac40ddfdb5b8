package fuzzing_test

import (
	"fmt"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/servicedesk"
)

// laneNow is when the servicedesk and billing targets' commands run:
// Tuesday 10 November 2026, 09:00 in Taipei.
var laneNow = time.Date(2026, 11, 10, 1, 0, 0, 0, time.UTC)

// The steps of the lane, in order: lane takes an order up to one of them.
const (
	stepReceived = iota // received, the walk-around recorded, not acknowledged
	stepInspected
	stepDiagnosed
	stepEstimated
	stepApproved
	stepBooked
	stepInProgress
	stepRepaired
	stepPassed
	stepReady
	stepSettled
	stepDelivered
	stepClosed
)

// savePriceBook activates the Taipei price book, which BookPricer prices
// every estimate with.
func savePriceBook(w *world) {
	book, err := billing.LoadPriceBookFile("../../billing/testdata/pricebooks/taipei.yaml")
	must(w.tb, err)
	do[billing.StoredPriceBook](w, "save price book")(w.bills.SavePriceBook(w.ctx, "d1", admin, book, true))
}

// lane takes order id of chen's through the lane up to step, on day at
// 08:30 in Taipei, each step ten minutes after the last: two concerns,
// brake pads (j1, approved) and an oil change (j2, declined).
func lane(w *world, id servicedesk.WorkOrderID, day time.Time, upTo int) {
	ctx, desk := w.ctx, w.desk
	const d = "d1"
	ref := servicedesk.Ref{ID: id}
	w.clock.Set(day)
	steps := []struct {
		step int
		what string
		run  func() (servicedesk.WorkOrder, error)
	}{
		{stepReceived, "receive", func() (servicedesk.WorkOrder, error) {
			return desk.Receive(ctx, d, chen, servicedesk.Reception{ID: id, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
				Customer: servicedesk.Customer{Name: "Kao " + string(id), Phone: "0912-000-111", Email: "kao@example.com"},
				Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, Plate: "ABC-1234", MileageIn: 42000},
				Concerns: []string{"brakes squeal", "oil change due"}})
		}},
		{stepReceived, "record condition", func() (servicedesk.WorkOrder, error) {
			return desk.RecordCondition(ctx, d, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
		}},
		{stepInspected, "acknowledge", func() (servicedesk.WorkOrder, error) {
			return desk.Acknowledge(ctx, d, chen, ref, servicedesk.Acknowledgement{By: "Kao"})
		}},
		{stepDiagnosed, "diagnose", func() (servicedesk.WorkOrder, error) {
			return desk.Diagnose(ctx, d, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{
				{ConcernID: "c1", Cause: "pads worn", Correction: "replace pads"}, {ConcernID: "c2", Cause: "due", Correction: "change oil"}}})
		}},
		{stepEstimated, "estimate", func() (servicedesk.WorkOrder, error) { return desk.Estimate(ctx, d, chen, ref, estimate()) }},
		{stepApproved, "approve", func() (servicedesk.WorkOrder, error) {
			return desk.Approve(ctx, d, chen, ref, servicedesk.Consent{Approved: []string{"j1"}, Declined: []string{"j2"}, By: "Kao",
				Method: servicedesk.ApprovalSignature, Evidence: servicedesk.ConsentEvidence{Reference: "signatures/" + string(id)}})
		}},
		{stepBooked, "book", func() (servicedesk.WorkOrder, error) {
			now := w.clock.Now()
			return desk.Book(ctx, d, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)})
		}},
		{stepInProgress, "start", func() (servicedesk.WorkOrder, error) {
			w.clock.Advance(time.Hour)
			return desk.Start(ctx, d, wu, ref)
		}},
		{stepRepaired, "complete job", func() (servicedesk.WorkOrder, error) {
			return desk.CompleteJob(ctx, d, wu, ref, servicedesk.JobRef{Job: "j1"})
		}},
		{stepRepaired, "complete repair", func() (servicedesk.WorkOrder, error) { return desk.CompleteRepair(ctx, d, wu, ref) }},
		{stepPassed, "inspect", func() (servicedesk.WorkOrder, error) {
			return desk.Inspect(ctx, d, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
		}},
		{stepReady, "notify ready", func() (servicedesk.WorkOrder, error) {
			return desk.NotifyReady(ctx, d, chen, ref, servicedesk.ReadyInput{Explanation: "Replaced the pads."})
		}},
		{stepSettled, "settle", func() (servicedesk.WorkOrder, error) {
			p, err := desk.PreviewBill(ctx, d, chen, ref, servicedesk.BillTerms{})
			if err != nil {
				return servicedesk.WorkOrder{}, err
			}
			due, _ := p.Bill.Payer(billing.PayCustomer)
			o, _, err := desk.SettleBill(ctx, d, chen, ref, servicedesk.SettleInput{Key: "settle-" + string(id),
				Confirmation: billing.Confirmation{By: "Kao", Method: "signature"}, Payments: []billing.Payment{{Method: billing.PayCard, Amount: due.Total}}})
			return o, err
		}},
		{stepDelivered, "deliver", func() (servicedesk.WorkOrder, error) {
			return desk.Deliver(ctx, d, chen, ref, servicedesk.DeliveryInput{MileageOut: 42002})
		}},
		{stepClosed, "close", func() (servicedesk.WorkOrder, error) { return desk.Close(ctx, d, chen, ref) }},
	}
	for _, s := range steps {
		if s.step > upTo {
			return
		}
		do[servicedesk.WorkOrder](w, fmt.Sprintf("%s %s", id, s.what))(s.run())
		w.clock.Advance(10 * time.Minute)
	}
}

// estimate is the lane's estimate: j1 brake pads (labor and a part), j2
// an oil change (labor and a fee).
func estimate() servicedesk.EstimateInput {
	return servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Brake pads", Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "replace pads", Quantity: dec("1.5")},
			{Kind: servicedesk.LinePart, Code: "PAD-1", Description: "pads", Quantity: dec("1"), Cost: dec("800")}}},
		{ConcernID: "c2", Title: "Oil change", Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: dec("0.5")},
			{Kind: servicedesk.LineFee, Code: "OIL-DISP", Description: "waste oil", Quantity: dec("4")}}}}}
}
