package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// lane is one day of the service lane: the desk, the clock the example
// moves by hand, and the dealer.
type lane struct {
	ctx    context.Context
	desk   *servicedesk.Service
	bills  *billing.Service
	book   *billing.PriceBook
	clock  *org.ManualClock
	dealer org.DealerID
	loc    *time.Location
	out    io.Writer
	err    error
	// settled keeps each order's documents for the report.
	settled map[servicedesk.WorkOrderID][]billing.Document
	// performed is what a technician reports doing on a job, when it is
	// not the job as estimated (R3.4a).
	performed map[servicedesk.WorkOrderID]map[string][]servicedesk.PerformedLine
}

var (
	lin  = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	wu   = org.Actor{ID: "wu", Role: org.RoleTechnician}
	tsai = org.Actor{ID: "tsai", Role: org.RoleTechnician}
)

// do runs one command at the lane's clock plus minutes, unless an earlier
// command failed: the day reads as a script, and the first error stops it.
func (l *lane) do(minutes int, what string, f func() error) {
	if l.err != nil {
		return
	}
	l.clock.Advance(time.Duration(minutes) * time.Minute)
	if err := f(); err != nil {
		l.err = fmt.Errorf("%s: %w", what, err)
	}
}

// local is a wall-clock time on the day in the dealer's zone.
func (l *lane) local(hour, minute int) time.Time {
	now := l.clock.Now().In(l.loc)
	return time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, l.loc)
}

func amount(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func line(kind servicedesk.LineKind, code, desc, qty, price string) servicedesk.LineInput {
	return servicedesk.LineInput{Kind: kind, Code: code, Description: desc, Quantity: amount(qty), UnitPrice: amount(price)}
}

// runDay plays a Monday at the service lane: three customers, added work
// declined, a failed final inspection, a complaint, two surveys.
func runDay(l *lane, out io.Writer) error {
	kao := l.order("RO-1001", chen, "wu", servicedesk.Reception{
		Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao Ming 高明", Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla Altis", Year: 2021, VIN: "JTDBR32E720123456", Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"brakes squeal when stopping", "oil change due"},
	}, []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Front brake pads", Hours: amount("1.5"), Lines: []servicedesk.LineInput{
			line(servicedesk.LineLabor, "BRK-01", "replace front pads", "1.5", "1200"), line(servicedesk.LinePart, "PAD-F", "front brake pads", "1", "2450")}},
		{ConcernID: "c2", Title: "Oil and filter", Hours: amount("0.5"), Lines: []servicedesk.LineInput{
			line(servicedesk.LineLabor, "OIL-01", "oil change", "0.5", "1200"), line(servicedesk.LinePart, "OIL-5W30", "oil 5W-30, litres", "4", "320"),
			line(servicedesk.LineFee, "DISP-OIL", "waste oil disposal, litres", "4", "15")}},
	}, []string{"j1", "j2"}, nil, 9, 30, 2)
	lee := l.order("RO-1002", wang, "tsai", servicedesk.Reception{
		Channel: servicedesk.ChannelPhone, Transport: servicedesk.TransportDropOff,
		Customer: servicedesk.Customer{Name: "Lee Hui-chen 李慧珍", Phone: "0933-222-444", Email: "lee@example.com"},
		Vehicle:  servicedesk.Vehicle{Make: "Volkswagen", Model: "Golf", Year: 2019, VIN: "WVWZZZ1KZ9W123456", Plate: "BCD-5678", MileageIn: 61250},
		Concerns: []string{"clunk from the front over bumps"},
	}, []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Front stabiliser links", Hours: amount("1"), Lines: []servicedesk.LineInput{
			line(servicedesk.LineLabor, "SUS-07", "replace stabiliser links", "1", "1200"), line(servicedesk.LinePart, "STAB-L", "stabiliser link", "2", "980")}},
	}, []string{"j1"}, nil, 10, 0, 2)
	huang := l.order("RO-1003", chen, "wu", servicedesk.Reception{
		Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Huang Wei 黃偉", Phone: "0955-333-666"},
		Vehicle:  servicedesk.Vehicle{Make: "Honda", Model: "CR-V", Year: 2020, Plate: "CDE-9012", MileageIn: 38800},
		Concerns: []string{"air conditioning blows warm"},
	}, []servicedesk.JobInput{
		{ConcernID: "c1", Title: "A/C recharge", Hours: amount("1"), Lines: []servicedesk.LineInput{
			line(servicedesk.LineLabor, "AC-02", "evacuate and recharge", "1", "1200"), line(servicedesk.LinePart, "R1234YF", "refrigerant, kg", "0.45", "1200")}},
		{ConcernID: "c1", Title: "Cabin filter", Hours: amount("0.2"), Lines: []servicedesk.LineInput{
			line(servicedesk.LinePart, "CAB-F", "cabin filter", "1", "650")}},
	}, []string{"j1"}, []string{"j2"}, 13, 30, 1)

	// RO-1001: rear rotors found scored during the brake job; the customer
	// declines the added work by phone (R3.3b), the rest goes on.
	l.repair(kao, wu, func() {
		l.do(20, "propose rotors", func() error {
			_, err := l.desk.ProposeSupplement(l.ctx, l.dealer, wu, ref(kao), servicedesk.SupplementInput{Reason: "rear rotors scored below minimum thickness",
				Jobs: []servicedesk.JobInput{{Title: "Rear rotors", Hours: amount("1"), Lines: []servicedesk.LineInput{
					line(servicedesk.LineLabor, "BRK-04", "replace rear rotors", "1", "1200"), line(servicedesk.LinePart, "ROT-R", "rear rotor", "2", "1800")}}}})
			return err
		})
		l.do(10, "rotors declined", func() error {
			_, err := l.desk.DecideSupplement(l.ctx, l.dealer, chen, ref(kao), servicedesk.Consent{Declined: []string{"j3"}, By: "Kao Ming", Method: servicedesk.ApprovalPhone,
				Evidence: servicedesk.ConsentEvidence{Contact: "0912-000-111", At: l.clock.Now().Add(-2 * time.Minute), WorkTold: "rear rotors, 4,800 before tax"}})
			return err
		})
	}, "j1", "j2")
	l.inspect(kao, chen, true, "Replaced the front pads and changed the oil; the rear rotors are worn and were declined, we will check them next visit.")
	l.handOver(kao, chen, 42004, billing.PayCard)

	// RO-1002: the technician's sheet disagrees with the approved job in
	// two places (R3.4a): more hours than estimated, and bolts from stock
	// the estimate leaves out. Reconciliation finds both at settlement.
	l.performed = map[servicedesk.WorkOrderID]map[string][]servicedesk.PerformedLine{lee: {"j1": {
		{Kind: servicedesk.LineLabor, Code: "SUS-07", Quantity: amount("1.5"), Clocked: amount("1.6")},
		{Kind: servicedesk.LinePart, Code: "STAB-L", Quantity: amount("2")},
		{Kind: servicedesk.LinePart, Code: "BOLT-M10", Quantity: amount("2")}}}}
	// The first final inspection fails (R3.3c): back to rework.
	l.repair(lee, tsai, nil, "j1")
	l.inspect(lee, wang, false, "")
	l.repair(lee, tsai, nil)
	l.inspect(lee, wang, true, "Replaced both front stabiliser links; the clunk is gone on the road test.")
	l.handOver(lee, wang, 61262, billing.PayTransfer)

	// RO-1003: the customer waited too long at pickup and complains; only
	// the supervisor handles it (R2.2), until resolved and told (R4.4).
	l.repair(huang, wu, nil, "j1")
	l.inspect(huang, chen, true, "Recharged the A/C; the cabin filter is due and was deferred.")
	l.handOver(huang, chen, 38805, billing.PayCash)
	var complaint servicedesk.Complaint
	l.do(15, "open complaint", func() (err error) {
		complaint, err = l.desk.OpenComplaint(l.ctx, l.dealer, chen, servicedesk.ComplaintInput{ID: "CP-0001", WorkOrder: huang,
			Description: "Waited 40 minutes at pickup although the car was ready.", Channel: servicedesk.ChannelWalkIn})
		return err
	})
	l.do(30, "investigate", func() (err error) {
		complaint, err = l.desk.InvestigateComplaint(l.ctx, l.dealer, lin, servicedesk.ComplaintRef{ID: "CP-0001"},
			servicedesk.InvestigationInput{Notes: "The ready notice went out on time, but the car was parked in the back lot."})
		return err
	})
	l.do(60, "resolve", func() (err error) {
		complaint, err = l.desk.ResolveComplaint(l.ctx, l.dealer, lin, servicedesk.ComplaintRef{ID: "CP-0001"},
			servicedesk.ResolutionInput{Resolution: "Apologised; free cabin filter at the next visit; ready cars now wait in the front bay.",
				CustomerInformed: "Lin phoned Mr. Huang at 17:20; he accepted."})
		return err
	})

	// Follow-up calls, by a colleague, never the order's own advisor (R1.3).
	for _, sv := range []struct {
		wo    servicedesk.WorkOrderID
		by    org.Actor
		score string
	}{{kao, wang, "5"}, {lee, chen, "4"}} {
		l.do(5, "survey "+string(sv.wo), func() error {
			_, err := l.desk.RecordSurvey(l.ctx, l.dealer, sv.by, servicedesk.SurveyInput{WorkOrder: sv.wo, Score: amount(sv.score), Source: servicedesk.SurveyByCall})
			return err
		})
	}
	if l.err != nil {
		return l.err
	}
	return l.report(out, []servicedesk.WorkOrderID{kao, lee, huang}, complaint)
}

func ref(id servicedesk.WorkOrderID) servicedesk.Ref { return servicedesk.Ref{ID: id} }

// order takes a customer from reception to a booking: walk-around,
// diagnosis with the technician, estimate, the customer's decision job by
// job (R3.1-R3.2).
func (l *lane) order(id servicedesk.WorkOrderID, advisor org.Actor, tech org.EmployeeID, in servicedesk.Reception,
	jobs []servicedesk.JobInput, approve, decline []string, hour, minute, hours int) servicedesk.WorkOrderID {
	in.ID = id
	l.do(5, "receive "+string(id), func() error { _, err := l.desk.Receive(l.ctx, l.dealer, advisor, in); return err })
	l.do(5, "walk-around", func() error {
		_, err := l.desk.RecordCondition(l.ctx, l.dealer, advisor, ref(id), servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{
			{Area: "body", Status: servicedesk.ConditionAttention, Note: "stone chips on the bonnet"},
			{Area: "interior", Status: servicedesk.ConditionOK}, {Area: "wheels", Status: servicedesk.ConditionOK}}})
		return err
	})
	l.do(2, "acknowledge", func() error {
		_, err := l.desk.Acknowledge(l.ctx, l.dealer, advisor, ref(id), servicedesk.Acknowledgement{By: in.Customer.Name})
		return err
	})
	l.do(15, "diagnose", func() error {
		var fs []servicedesk.FindingInput
		for i := range in.Concerns {
			fs = append(fs, servicedesk.FindingInput{ConcernID: fmt.Sprintf("c%d", i+1), Cause: "confirmed on inspection", Correction: jobs[min(i, len(jobs)-1)].Title})
		}
		_, err := l.desk.Diagnose(l.ctx, l.dealer, advisor, ref(id), servicedesk.DiagnosisInput{Technician: tech, Findings: fs})
		return err
	})
	l.do(10, "estimate", func() error {
		_, err := l.desk.Estimate(l.ctx, l.dealer, advisor, ref(id), servicedesk.EstimateInput{Jobs: jobs})
		return err
	})
	l.do(5, "approval", func() error {
		_, err := l.desk.Approve(l.ctx, l.dealer, advisor, ref(id), servicedesk.Consent{Approved: approve, Declined: decline,
			By: in.Customer.Name, Method: servicedesk.ApprovalSignature, Evidence: servicedesk.ConsentEvidence{Reference: "signed estimate " + string(id)}})
		return err
	})
	l.do(2, "book", func() error {
		start := l.local(hour, minute)
		_, err := l.desk.Book(l.ctx, l.dealer, advisor, ref(id), servicedesk.BookingInput{Technician: tech, Start: start,
			End: start.Add(time.Duration(hours) * time.Hour), Notes: "please leave the wheel lock key in the car"})
		return err
	})
	return id
}

// repair starts (unless already in progress), runs extra, completes the
// jobs and the repair (R3.3a).
func (l *lane) repair(id servicedesk.WorkOrderID, tech org.Actor, extra func(), jobs ...string) {
	l.do(20, "start", func() error {
		if w, err := l.desk.WorkOrder(l.ctx, l.dealer, tech, id); err != nil || w.State == servicedesk.StateInProgress {
			return err
		}
		_, err := l.desk.Start(l.ctx, l.dealer, tech, ref(id))
		return err
	})
	if extra != nil {
		extra()
	}
	for _, j := range jobs {
		l.do(40, "complete "+j, func() error {
			_, err := l.desk.CompleteJob(l.ctx, l.dealer, tech, ref(id), servicedesk.JobRef{Job: j, Performed: l.performed[id][j]})
			return err
		})
	}
	l.do(5, "complete repair", func() error { _, err := l.desk.CompleteRepair(l.ctx, l.dealer, tech, ref(id)); return err })
}

// inspect runs the final inspection (R3.3c) and, when it passes, tells the
// customer the car is ready with what was done (R3.3d).
func (l *lane) inspect(id servicedesk.WorkOrderID, advisor org.Actor, pass bool, explanation string) {
	l.do(10, "final inspection", func() error {
		_, err := l.desk.Inspect(l.ctx, l.dealer, advisor, ref(id), servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{
			{Item: "road test", Passed: pass, Note: map[bool]string{true: "quiet", false: "clunk still heard over bumps"}[pass]},
			{Item: "torque check", Passed: true}}})
		return err
	})
	if pass {
		l.do(5, "notify ready", func() error {
			_, err := l.desk.NotifyReady(l.ctx, l.dealer, advisor, ref(id), servicedesk.ReadyInput{Explanation: explanation})
			return err
		})
	}
}

// handOver settles through billing (R3.4) in two calls: the preview shows
// the bill the SDK builds from the order's consented, finished jobs and the
// active price book, with its reconciliation against the technician's
// lines; the settlement confirms and pays it, one invoice per payer issued
// as the order moves to settled. When the technician's lines differ, the
// supervisor, not the order's advisor, settles with a reason (R3.4b). Then
// the car is delivered and the order closed.
func (l *lane) handOver(id servicedesk.WorkOrderID, advisor org.Actor, mileage int64, method billing.PaymentMethod) {
	l.do(30, "settle", func() error {
		p, err := l.desk.PreviewBill(l.ctx, l.dealer, advisor, ref(id), servicedesk.BillTerms{})
		if err != nil {
			return err
		}
		due, _ := p.Bill.Payer(billing.PayCustomer)
		tendered := due.Total
		if method == billing.PayCash { // the customer hands over whole thousands
			tendered = due.Total.Div(amount("1000")).Ceil().Mul(amount("1000"))
		}
		in := servicedesk.SettleInput{Key: "settle-" + string(id),
			Confirmation: billing.Confirmation{By: p.Customer.Name, Method: "signature"},
			Payments:     []billing.Payment{{Method: method, Amount: tendered}}}
		settler := advisor
		if !p.Reconciliation.Clean {
			l.reconciliation(id, p.Reconciliation)
			settler = lin
			in.OverrideReason = "timesheet includes road-test time; bolts came from shop stock at no charge"
		}
		_, docs, err := l.desk.SettleBill(l.ctx, l.dealer, settler, ref(id), in)
		l.settled[id] = docs
		return err
	})
	l.do(5, "deliver", func() error {
		_, err := l.desk.Deliver(l.ctx, l.dealer, advisor, ref(id), servicedesk.DeliveryInput{MileageOut: mileage})
		return err
	})
	l.do(1, "close", func() error { _, err := l.desk.Close(l.ctx, l.dealer, advisor, ref(id)); return err })
}

// reconciliation prints what R3.4b found, in both languages.
func (l *lane) reconciliation(id servicedesk.WorkOrderID, rec billing.Reconciliation) {
	fmt.Fprintf(l.out, "\nReconciliation of %s found %d differences (R3.4b); the supervisor overrides:\n", id, len(rec.Differences))
	for _, d := range rec.Differences {
		for _, lang := range org.Langs() {
			text, err := d.Explain.Render(lang)
			if err != nil {
				text = string(d.Kind)
			}
			fmt.Fprintf(l.out, "  %s\n", text)
		}
	}
}

// report prints each order's timeline, the complaint and the month's
// figures.
func (l *lane) report(out io.Writer, orders []servicedesk.WorkOrderID, c servicedesk.Complaint) error {
	for _, id := range orders {
		w, err := l.desk.WorkOrder(l.ctx, l.dealer, lin, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%s  %s, %s %s  advisor %s  approved %s TWD  reworks %d  state %s\n",
			w.ID, w.Customer.Name, w.Vehicle.Make, w.Vehicle.Model, w.Advisor, w.ApprovedTotal().StringFixed(0), w.Reworks, w.State)
		for _, d := range l.settled[id] {
			fmt.Fprintf(l.out, "  %s %s for %s: %s %s\n", d.Kind, d.ID, d.Payer.Name, d.Total.StringFixed(d.Scale), d.Currency)
		}
		tl, err := l.desk.Timeline(l.ctx, l.dealer, lin, id)
		if err != nil {
			return err
		}
		steps := textwidth.Table{Columns: []textwidth.Column{{Gap: 2}, {Width: 18, Gap: 2}, {Width: 27, Gap: 2}, {Gap: 2}}}
		for _, e := range tl {
			var d struct{ From, To servicedesk.State }
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return err
			}
			move := string(d.To)
			if d.From != d.To {
				move = fmt.Sprintf("%s -> %s", orNew(d.From), d.To)
			}
			steps.Row(e.At.In(l.loc).Format("15:04"), e.Actor.String(), strings.TrimPrefix(e.Type, "workorder."), move)
		}
		if _, err := steps.WriteTo(out); err != nil {
			return err
		}
	}
	age := c.Age(l.clock.Now()).Round(time.Minute)
	for _, id := range orders {
		docs := l.settled[id]
		if len(docs) == 0 {
			continue
		}
		bill := billing.Bill{WorkOrder: string(id), Currency: docs[0].Currency, Scale: docs[0].Scale,
			PriceBookVersion: docs[0].PriceBookVersion, Inclusive: docs[0].Inclusive}
		for _, d := range docs {
			bill.Payers = append(bill.Payers, d.Bill)
		}
		for _, lang := range org.Langs() {
			fmt.Fprintf(out, "\n%s", bill.Text(lang))
		}
	}
	fmt.Fprintf(out, "\nComplaint %s against %s (%s): %s by %s after %dh%02dm\n  %s\n  told: %s\n",
		c.ID, c.WorkOrder, c.Advisor, c.State, c.Handler, int(age.Hours()), int(age.Minutes())%60, c.Resolution, c.CustomerInformed)
	figs, err := l.desk.Figures(l.ctx, l.dealer, lin, org.MonthOf(l.clock.Now(), l.loc))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nFigures for %s (R6.1)\n", org.MonthOf(l.clock.Now(), l.loc))
	number := func(width int) textwidth.Column {
		return textwidth.Column{Align: textwidth.Right, Width: width, Gap: 1}
	}
	tab := textwidth.Table{Columns: []textwidth.Column{{Width: 7}, number(9), number(12), number(9), number(13), number(10), number(7), number(9)}}
	tab.Row("ADVISOR", "CUSTOMERS", "APPOINTMENTS", "KEPT", "SATISFACTION", "COMPLAINTS", "REWORKS", "ACCURATE")
	acc, err := l.bills.Accuracy(l.ctx, l.dealer, lin, org.MonthOf(l.clock.Now(), l.loc))
	if err != nil {
		return err
	}
	for _, f := range figs {
		settled := "-"
		for _, a := range acc {
			if a.Advisor == f.Advisor && !a.None {
				settled = a.Rate.Mul(amount("100")).StringFixed(0) + "%"
			}
		}
		tab.Row(string(f.Advisor), strconv.Itoa(f.CustomersReceived), strconv.Itoa(f.Appointments),
			f.AppointmentSuccessRate.Mul(amount("100")).StringFixed(0)+"%", f.Satisfaction.StringFixed(1),
			strconv.Itoa(f.Complaints), strconv.Itoa(f.Reworks), settled)
	}
	_, err = tab.WriteTo(out)
	return err
}

func orNew(s servicedesk.State) string {
	if s == servicedesk.StateNone {
		return "(new)"
	}
	return string(s)
}
