package fuzzing_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// deskDay is 08:30 in Taipei on day of November 2026 (October for
// negative days: -1 is 30 October).
func deskDay(day int) time.Time { return time.Date(2026, 11, day, 0, 30, 0, 0, time.UTC) }

// deskOrders are the servicedesk world's orders: one at every step of the
// lane, each on a day of its own (so their bookings never overlap).
var deskOrders = []struct {
	id   servicedesk.WorkOrderID
	day  int
	step int
}{
	{"RO-1", 9, stepReceived},
	{"RO-2", 7, stepDiagnosed},
	{"RO-3", 6, stepEstimated},
	{"RO-4", 5, stepApproved},
	{"RO-5", 4, stepBooked},
	{"RO-6", 3, stepInProgress},
	{"RO-7", 2, stepInProgress}, // then paused, with a supplement proposed
	{"RO-8", 0, stepRepaired},   // 31 October
	{"RO-9", -1, stepPassed},
	{"RO-10", -2, stepReady},
	{"RO-11", -3, stepDelivered},
	{"RO-12", -4, stepSettled},
	{"RO-13", -5, stepInProgress}, // then j1 done
}

var orderIDs = func() []string {
	var out []string
	for _, o := range deskOrders {
		out = append(out, string(o.id))
	}
	return out
}()

// seedDesk runs the lane for every order of deskOrders, pauses RO-7 with a
// supplement proposed, completes RO-13's job, and opens three complaints about RO-11: cp1 open,
// cp2 investigated, cp3 resolved.
func seedDesk(w *world) {
	savePriceBook(w)
	for _, o := range deskOrders {
		lane(w, o.id, deskDay(o.day), o.step)
		if o.id == "RO-13" {
			do[servicedesk.WorkOrder](w, "complete j1")(w.desk.CompleteJob(w.ctx, "d1", wu, servicedesk.Ref{ID: o.id}, servicedesk.JobRef{Job: "j1"}))
		}
		if o.id == "RO-7" {
			ref := servicedesk.Ref{ID: o.id}
			do[servicedesk.WorkOrder](w, "pause")(w.desk.Pause(w.ctx, "d1", wu, ref, servicedesk.PauseInput{Reason: "waiting for parts"}))
			do[servicedesk.WorkOrder](w, "supplement")(w.desk.ProposeSupplement(w.ctx, "d1", wu, ref, servicedesk.SupplementInput{Reason: "fluid dark",
				Jobs: []servicedesk.JobInput{{Title: "Brake fluid", Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: "BRK-04", Description: "flush", Quantity: dec("1")}}}}}))
		}
	}
	// RO-30: another customer's order, cancelled, whose data may be
	// erased (R7.2d); every other order is Kao's, most of them open.
	do[servicedesk.WorkOrder](w, "receive RO-30")(w.desk.Receive(w.ctx, "d1", chen, servicedesk.Reception{ID: "RO-30", Channel: servicedesk.ChannelPhone,
		Transport: servicedesk.TransportDropOff, Customer: servicedesk.Customer{Name: "Ms. Lin", Phone: "0933-222-111", Email: "lin@example.com"},
		Vehicle: servicedesk.Vehicle{Make: "Honda", Model: "Fit", Plate: "LIN-0001", MileageIn: 1000}, Concerns: []string{"wipers"}}))
	do[servicedesk.WorkOrder](w, "cancel RO-30")(w.desk.Cancel(w.ctx, "d1", chen, servicedesk.Ref{ID: "RO-30"}, servicedesk.CancelInput{Reason: "went elsewhere"}))
	w.clock.Set(deskDay(9).Add(3 * time.Hour))
	cp := do[servicedesk.Complaint]
	for i, id := range []servicedesk.ComplaintID{"cp1", "cp2", "cp3"} {
		cp(w, "open complaint")(w.desk.OpenComplaint(w.ctx, "d1", wang, servicedesk.ComplaintInput{ID: id, WorkOrder: "RO-11",
			Description: "the car came back dirty", Channel: servicedesk.ChannelPhone}))
		ref := servicedesk.ComplaintRef{ID: id}
		if i >= 1 {
			cp(w, "investigate")(w.desk.InvestigateComplaint(w.ctx, "d1", lin, ref, servicedesk.InvestigationInput{Notes: "asked the washer"}))
		}
		if i >= 2 {
			cp(w, "resolve")(w.desk.ResolveComplaint(w.ctx, "d1", lin, ref, servicedesk.ResolutionInput{Resolution: "washed again", CustomerInformed: "phoned Mr. Kao"}))
		}
	}
}

// calendarDays are wu's days a command can touch: the seed's bookings
// (26 October to 4 November) and the days input.time's fixed instants fall
// on within the booking horizon.
var calendarDays = []string{"2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31", "2026-11-02", "2026-11-03",
	"2026-11-04", "2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-15", "2027-02-10"}

// deskRecords are the work orders, complaints, surveys and wu's calendar.
func deskRecords(w *world, dealer org.DealerID, put putFunc) {
	ctx, st := w.ctx, w.st.desk
	wos, err := st.WorkOrders(ctx, dealer, servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	put("work_orders", wos, err)
	cps, err := st.Complaints(ctx, dealer, servicedesk.ComplaintQuery{Limit: org.MaxPage})
	put("complaints", cps, err)
	svs, err := st.Surveys(ctx, dealer, servicedesk.SurveyQuery{Limit: org.MaxPage})
	put("surveys", svs, err)
	for _, day := range calendarDays {
		cd, err := st.CalendarDay(ctx, dealer, "wu", day)
		put("calendar/wu/"+day, cd, err)
	}
}

func (in *input) ref(ids ...string) servicedesk.Ref {
	return servicedesk.Ref{ID: servicedesk.WorkOrderID(in.id(append(ids, append(orderIDs, "RO-99", "RO-1 ")...)...)), ExpectedVersion: in.version()}
}

func (in *input) strs(max int, choices ...string) []string {
	var out []string
	n := in.intn(max + 1)
	if n == max && in.bool() {
		n = 21 // over most lists' bound
	}
	for range n {
		out = append(out, in.str(choices...))
	}
	return out
}

func (in *input) lines() []servicedesk.LineInput {
	n := 1 + in.intn(2)
	if in.byte() == 255 {
		n = []int{0, 101}[in.intn(2)]
	}
	out := make([]servicedesk.LineInput, n)
	for i := range out {
		out[i] = servicedesk.LineInput{Kind: servicedesk.LineKind(in.str("labor", "part", "fee", "sublet", "tyre")),
			Code: in.str("BRK-01", "PAD-1", "OIL-DISP", "OIL-01", "NOPE"), Description: in.str("work"),
			Quantity: in.dec(), UnitPrice: in.decz(), Cost: in.decz(), PriceReason: in.str("", "loyal customer")}
	}
	return out
}

// decz is zero mostly, else dec.
func (in *input) decz() decimal.Decimal {
	if in.byte()%4 != 1 {
		return decimal.Zero
	}
	return in.dec()
}

func (in *input) jobs() []servicedesk.JobInput {
	n := 1 + in.intn(2)
	if in.byte() == 255 {
		n = []int{0, 51}[in.intn(2)]
	}
	out := make([]servicedesk.JobInput, n)
	for i := range out {
		out[i] = servicedesk.JobInput{ID: in.str("", "j1", "j9", "j 1"), ConcernID: in.str("c1", "c2", "", "c9"), Title: in.str("Brakes"),
			Hours: in.decz(), Lines: in.lines()}
	}
	return out
}

func (in *input) consent(now time.Time) servicedesk.Consent {
	c := servicedesk.Consent{Approved: in.strs(2, "j1", "j2", "j3", ""), Declined: in.strs(2, "j2", "j1", "j3")}
	if in.byte() == 0 { // the default approves j1
		c.Approved, c.Declined = []string{"j1"}, []string{"j2"}
	}
	c.By, c.Method = in.str("Kao"), servicedesk.ApprovalMethod(in.str("signature", "phone", "sms", "email", "in_person", "telepathy"))
	c.Evidence = servicedesk.ConsentEvidence{Reference: in.str("signatures/1", ""), Contact: in.str("", "0912-000-111"),
		At: in.timez(now), WorkTold: in.str("", "brake pads"), TotalTold: in.decz()}
	return c
}

// timez is the zero time mostly, else time.
func (in *input) timez(now time.Time) time.Time {
	if in.byte()%4 != 1 {
		return time.Time{}
	}
	return in.time(now)
}

func deskCmd(d org.DealerID, args []any, run func(w *world) error) command {
	return command{dealer: d, args: args, run: run}
}

// wo adapts a servicedesk command's result.
func wo(_ servicedesk.WorkOrder, err error) error { return err }

var deskDecoders = []decoder{
	{"receive", func(in *input, now time.Time) command {
		d, a := in.dealer(), in.actor(chen)
		r := servicedesk.Reception{ID: servicedesk.WorkOrderID(in.str("RO-20", "", "RO-1", "ro-20")), Advisor: org.EmployeeID(in.str("", "chen", "wang", "wu", "li", "ghost")),
			Channel:    servicedesk.Channel(in.str("walk_in", "phone", "online", "fax")),
			Customer:   servicedesk.Customer{Name: in.str("Kao Ming"), Phone: in.str("0912-000-111", "", "+886 912 000 111", "call me"), Email: in.str("", "kao@example.com", "kao@")},
			Vehicle:    servicedesk.Vehicle{Make: in.str("Toyota"), Model: in.str("Corolla"), Year: in.num(2021, 0, 1900, 1899, 2100, 2101), VIN: in.str("", "1HGCM82633A004352", "1HGCM82633A004353", "IIIIIIIIIIIIIIIII", "JT2BF22K1Y0123456"), Plate: in.str("ABC-1234"), MileageIn: int64(in.num(42000, 0, 10_000_000, 10_000_001, -1))},
			Concerns:   in.strs(3, "brakes squeal", "noise"),
			Transport:  servicedesk.Transport(in.str("waiter", "drop_off", "loaner", "taxi")),
			PromisedAt: in.timez(now)}
		if len(r.Concerns) == 0 && in.byte() == 0 {
			r.Concerns = []string{"brakes squeal"}
		}
		return deskCmd(d, []any{a, r}, func(w *world) error { return wo(w.desk.Receive(w.ctx, d, a, r)) })
	}},
	{"record_condition", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1")
		var items []servicedesk.ConditionItem
		for range 1 + in.intn(2) {
			items = append(items, servicedesk.ConditionItem{Area: in.str("body", "interior"), Status: servicedesk.ConditionStatus(in.str("ok", "attention", "damaged", "wrecked")),
				Note: in.str("", "scratch"), Photos: in.strs(1, "photos/1.jpg")})
		}
		ci := servicedesk.ConditionInput{Items: items}
		return deskCmd(d, []any{a, ref, ci}, func(w *world) error { return wo(w.desk.RecordCondition(w.ctx, d, a, ref, ci)) })
	}},
	{"acknowledge", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1")
		ack := servicedesk.Acknowledgement{By: in.str("Kao")}
		return deskCmd(d, []any{a, ref, ack}, func(w *world) error { return wo(w.desk.Acknowledge(w.ctx, d, a, ref, ack)) })
	}},
	{"diagnose", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-2")
		di := servicedesk.DiagnosisInput{Technician: org.EmployeeID(in.str("wu", "", "chen", "ghost"))}
		for range 1 + in.intn(2) {
			di.Findings = append(di.Findings, servicedesk.FindingInput{ConcernID: in.str("c1", "c2", "c3", ""), Cause: in.str("worn"), Correction: in.str("replace")})
		}
		return deskCmd(d, []any{a, ref, di}, func(w *world) error { return wo(w.desk.Diagnose(w.ctx, d, a, ref, di)) })
	}},
	{"estimate", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-3")
		ei := servicedesk.EstimateInput{Jobs: in.jobs()}
		return deskCmd(d, []any{a, ref, ei}, func(w *world) error { return wo(w.desk.Estimate(w.ctx, d, a, ref, ei)) })
	}},
	{"approve", func(in *input, now time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-3")
		c := in.consent(now)
		return deskCmd(d, []any{a, ref, c}, func(w *world) error { return wo(w.desk.Approve(w.ctx, d, a, ref, c)) })
	}},
	{"book", func(in *input, now time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-4")
		b := in.booking(now)
		return deskCmd(d, []any{a, ref, b}, func(w *world) error { return wo(w.desk.Book(w.ctx, d, a, ref, b)) })
	}},
	{"reschedule", func(in *input, now time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-5")
		b := in.booking(now)
		return deskCmd(d, []any{a, ref, b}, func(w *world) error { return wo(w.desk.Reschedule(w.ctx, d, a, ref, b)) })
	}},
	{"no_show", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-5")
		ns := servicedesk.NoShowInput{Reason: in.str("", "did not come")}
		return deskCmd(d, []any{a, ref, ns}, func(w *world) error { return wo(w.desk.NoShow(w.ctx, d, a, ref, ns)) })
	}},
	{"start", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(wu), in.ref("RO-5", "RO-4")
		return deskCmd(d, []any{a, ref}, func(w *world) error { return wo(w.desk.Start(w.ctx, d, a, ref)) })
	}},
	{"add_note", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1")
		n := servicedesk.NoteInput{Text: in.str("pads worn:\n\tfront 2 mm", "ring \a")}
		return deskCmd(d, []any{a, ref, n}, func(w *world) error { return wo(w.desk.AddNote(w.ctx, d, a, ref, n)) })
	}},
	{"pause", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(wu), in.ref("RO-6")
		p := servicedesk.PauseInput{Reason: in.str("waiting for parts")}
		return deskCmd(d, []any{a, ref, p}, func(w *world) error { return wo(w.desk.Pause(w.ctx, d, a, ref, p)) })
	}},
	{"resume", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(wu), in.ref("RO-7")
		return deskCmd(d, []any{a, ref}, func(w *world) error { return wo(w.desk.Resume(w.ctx, d, a, ref)) })
	}},
	{"propose_supplement", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(wu), in.ref("RO-6")
		si := servicedesk.SupplementInput{Reason: in.str("found a leak"), Jobs: in.jobs()}
		return deskCmd(d, []any{a, ref, si}, func(w *world) error { return wo(w.desk.ProposeSupplement(w.ctx, d, a, ref, si)) })
	}},
	{"decide_supplement", func(in *input, now time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-7")
		c := in.consent(now)
		if len(c.Approved) == 1 && c.Approved[0] == "j1" && len(c.Declined) == 1 { // the default: the supplement's job
			c.Approved, c.Declined = []string{"j3"}, nil
		}
		return deskCmd(d, []any{a, ref, c}, func(w *world) error { return wo(w.desk.DecideSupplement(w.ctx, d, a, ref, c)) })
	}},
	{"complete_job", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(wu), in.ref("RO-6")
		jr := servicedesk.JobRef{Job: in.str("j1", "j2", "j3", "")}
		for range in.intn(3) {
			jr.Performed = append(jr.Performed, servicedesk.PerformedLine{Kind: servicedesk.LineKind(in.str("labor", "part", "fee", "sublet", "x")),
				Code: in.str("BRK-01", "PAD-1", "NEW"), Quantity: in.dec(), Clocked: in.decz()})
		}
		return deskCmd(d, []any{a, ref, jr}, func(w *world) error { return wo(w.desk.CompleteJob(w.ctx, d, a, ref, jr)) })
	}},
	{"complete_repair", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(wu), in.ref("RO-13")
		return deskCmd(d, []any{a, ref}, func(w *world) error { return wo(w.desk.CompleteRepair(w.ctx, d, a, ref)) })
	}},
	{"inspect", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-8")
		var ii servicedesk.InspectionInput
		for range 1 + in.intn(2) {
			ii.Items = append(ii.Items, servicedesk.InspectionCheck{Item: in.str("road test"), Passed: in.byte()%4 != 3, Note: in.str("", "ok")})
		}
		return deskCmd(d, []any{a, ref, ii}, func(w *world) error { return wo(w.desk.Inspect(w.ctx, d, a, ref, ii)) })
	}},
	{"notify_ready", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-9")
		r := servicedesk.ReadyInput{Explanation: in.str("Replaced the pads.")}
		return deskCmd(d, []any{a, ref, r}, func(w *world) error { return wo(w.desk.NotifyReady(w.ctx, d, a, ref, r)) })
	}},
	{"deliver", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-12", "RO-11")
		di := servicedesk.DeliveryInput{MileageOut: int64(in.num(42010, 41999, 10_000_000, 10_000_001, -1))}
		return deskCmd(d, []any{a, ref, di}, func(w *world) error { return wo(w.desk.Deliver(w.ctx, d, a, ref, di)) })
	}},
	{"close", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-11")
		return deskCmd(d, []any{a, ref}, func(w *world) error { return wo(w.desk.Close(w.ctx, d, a, ref)) })
	}},
	{"cancel", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1")
		ci := servicedesk.CancelInput{Reason: in.str("customer changed their mind")}
		return deskCmd(d, []any{a, ref, ci}, func(w *world) error { return wo(w.desk.Cancel(w.ctx, d, a, ref, ci)) })
	}},
	{"open_complaint", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(wang)
		ci := servicedesk.ComplaintInput{ID: servicedesk.ComplaintID(in.str("cp9", "", "cp1")), WorkOrder: servicedesk.WorkOrderID(in.str("RO-11", "", "RO-99")),
			Advisor: org.EmployeeID(in.str("", "chen", "wu", "ghost")), Description: in.str("waited an hour"), Channel: servicedesk.Channel(in.str("walk_in", "phone", "online", "fax"))}
		if in.byte()%3 == 1 {
			ci.Customer = &servicedesk.Customer{Name: in.str("Mr. Kao"), Phone: in.str("0912-000-111", ""), Email: in.str("", "kao@example.com", "@")}
		}
		return deskCmd(d, []any{a, ci}, func(w *world) error {
			_, err := w.desk.OpenComplaint(w.ctx, d, a, ci)
			return err
		})
	}},
	{"complaint_step", func(in *input, _ time.Time) command {
		d, a, step := in.dealer(), in.actor(lin), in.intn(3)
		ref := servicedesk.ComplaintRef{ID: servicedesk.ComplaintID(in.id([]string{"cp1", "cp2", "cp3"}[step], "cp1", "cp9")), ExpectedVersion: in.version()}
		ii := servicedesk.InvestigationInput{Notes: in.str("asked around")}
		ri := servicedesk.ResolutionInput{Resolution: in.str("apologised"), CustomerInformed: in.str("phoned")}
		return deskCmd(d, []any{a, step, ref, ii, ri}, func(w *world) error {
			var err error
			switch step {
			case 0:
				_, err = w.desk.InvestigateComplaint(w.ctx, d, a, ref, ii)
			case 1:
				_, err = w.desk.ResolveComplaint(w.ctx, d, a, ref, ri)
			default:
				_, err = w.desk.CloseComplaint(w.ctx, d, a, ref)
			}
			return err
		})
	}},
	{"record_survey", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(wang)
		si := servicedesk.SurveyInput{WorkOrder: servicedesk.WorkOrderID(in.id("RO-11", "RO-10", "RO-99")), Score: in.dec(), Comment: in.str("", "great"), Source: in.str("call", "link", "mail")}
		if in.byte() == 0 && si.Score.Equal(decimal.NewFromInt(1)) {
			si.Score = decimal.NewFromInt(5)
		}
		return deskCmd(d, []any{a, si}, func(w *world) error {
			_, err := w.desk.RecordSurvey(w.ctx, d, a, si)
			return err
		})
	}},
	{"customer_data", func(in *input, _ time.Time) command {
		d, a, erase := in.dealer(), in.actor(admin), in.bool()
		ref := servicedesk.CustomerRef{Request: in.str("dsr-1", "", "dsr\x00"), Phone: in.str("0933-222-111", "", "0912 000 111", "12"),
			Email: in.str("", "LIN@example.com", "kao@example.com", "nobody@example.com"), WorkOrder: servicedesk.WorkOrderID(in.str("", "RO-30", "RO-11", "RO-99"))}
		ei := servicedesk.ErasureInput{Customer: ref, Reason: in.str("customer's request", "")}
		return deskCmd(d, []any{a, erase, ref, ei}, func(w *world) error {
			if erase {
				_, err := w.desk.EraseCustomer(w.ctx, d, a, ei)
				return err
			}
			_, err := w.desk.ExportCustomer(w.ctx, d, a, ref)
			return err
		})
	}},
	{"read", func(in *input, now time.Time) command {
		d, a, which := in.dealer(), in.actor(chen), in.intn(8)
		id := servicedesk.WorkOrderID(in.id(orderIDs...))
		day := in.str("2026-11-10", "2026-02-30", "10/11/2026", "")
		m := in.month(org.Month{Year: 2026, Month: time.November})
		q := servicedesk.WorkOrderQuery{State: servicedesk.State(in.str("", "received", "nonsense")), Advisor: org.EmployeeID(in.str("", "chen")),
			OpenedFrom: in.timez(now), OpenedBefore: in.timez(now), After: servicedesk.WorkOrderID(in.str("", "RO-1")), Limit: in.num(0, 1, 1000)}
		dq := servicedesk.DeferredQuery{VIN: in.str("", "1HGCM82633A004352"), Plate: in.str("ABC-1234", "")}
		return deskCmd(d, []any{a, which, id, day, m, q, dq}, func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.desk.WorkOrder(w.ctx, d, a, id)
			case 1:
				_, err = w.desk.Timeline(w.ctx, d, a, id)
			case 2:
				_, err = w.desk.Calendar(w.ctx, d, a, "wu", day)
			case 3:
				_, err = w.desk.Permitted(w.ctx, d, a, id)
			case 4:
				_, err = w.desk.DeferredWork(w.ctx, d, a, dq)
			case 5:
				_, err = w.desk.WorkOrders(w.ctx, d, a, q)
			case 6:
				_, err = w.desk.Month(w.ctx, d, a, m)
			default:
				_, err = w.desk.Figures(w.ctx, d, a, m)
			}
			return err
		})
	}},
}

// booking is a slot: start one of the times, end an hour later or any
// other time.
func (in *input) booking(now time.Time) servicedesk.BookingInput {
	b := servicedesk.BookingInput{Technician: org.EmployeeID(in.str("wu", "chen", "ghost", "")), Start: in.time(now)}
	switch k := in.byte(); {
	case k < 128:
		b.End = b.Start.Add(time.Hour)
	case k < 160:
		b.End = b.Start.Add(time.Duration(k-127) * 30 * time.Minute)
	default:
		b.End = in.time(now)
	}
	b.Notes = in.str("", "bring the key")
	return b
}

// deskTarget is the servicedesk target's worlds.
func deskTarget(tb testing.TB) *target {
	return newTarget(tb, "servicedesk", laneNow, seedDesk, deskRecords)
}

// FuzzServicedesk fuzzes the work order's lane, complaints and surveys.
func FuzzServicedesk(f *testing.F) {
	ds := deskDecoders
	c := func(name string) byte { return cmdIndex(ds, name) }
	for i := range ds {
		f.Add([]byte{byte(i)})
	}
	chenB := actorByte(chen)
	// The cases.
	f.Add(enc(c("cancel"), 0, chenB, "RO-1", 0, "a\x00b"))                                    // NUL in a cancel reason
	f.Add(enc(c("start"), 0, actorByte(wu), "a\x00b"))                                        // NUL in a work order ID
	f.Add(enc(c("receive"), 0, chenB, "RO-20", 0, 0, "\xff\xfe\xfd"))                         // customer name not UTF-8
	f.Add(enc(c("receive"), 0, chenB, "RO-20", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 11)) // promised in year 1
	f.Add(enc(c("receive"), 0, chenB, "RO-20", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 14)) // promised in 9999
	f.Add(enc(c("receive"), 0, chenB, "RO-20", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, litTime(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))))
	f.Add(enc(c("receive"), 0, chenB, "RO-20", 0, 0, 0, 0, 0, 0, 0, 0, 0, "ABC\n1234"))       // a line break in a plate
	f.Add(enc(c("add_note"), 0, chenB, "RO-1", 0, "ring \a"))                                 // a bell in a note
	f.Add(enc(c("add_note"), 0, chenB, "RO-1", 0, "pads worn:\n\tfront 2 mm\r\n\trear 5 mm")) // free text keeps its breaks
	// estimate: one job, one line: quantity, unit price, hours.
	est := func(qty, price, hours string) []byte {
		return enc(c("estimate"), 0, chenB, "RO-3", 0, 0, 0, "", "c1", "pads", 1, litDec(hours), 0, 0, "labor", "BRK-01", "pads", litDec(qty), 1, litDec(price))
	}
	f.Add(est("1e30", "100", "1"))
	f.Add(est("1e-30", "100", "1"))
	f.Add(est("1.00000000000000000001", "100", "1"))     // 20 places in a quantity
	f.Add(est("1", "1.00000000000000000001", "1"))       // 20 places in a price
	f.Add(est("1", "100", "0.00000000000000000001"))     // 20 places in hours
	f.Add(est("100001", "100", "1"))                     // a quantity above its bound
	f.Add(est("1", "100", "1001"))                       // hours above their bound
	f.Add(est("-1", "-100", "-1"))                       // negatives
	f.Add(enc(c("book"), 0, chenB, "RO-4", 0, "wu", 13)) // booking in 1900
	f.Add(enc(c("book"), 0, chenB, "RO-4", 0, "wu", litTime(time.Date(1900, 1, 1, 2, 0, 0, 0, time.UTC))))
	f.Add(enc(c("book"), 0, chenB, "RO-4", 0, "wu", 15)) // booking in 9999
	f.Add(enc(c("book"), 0, chenB, "RO-4", 0, "wu", 23)) // beyond the horizon
	f.Add(enc(c("book"), 0, chenB, "RO-4", 0, "wu", 1))  // tomorrow at ten
	f.Add(enc(c("read"), 0, chenB, 0, "RO\x001"))        // a read with a NUL
	f.Add(enc(c("read"), 0, actorByte(lin), 2, "RO-1", "2026-11-10\x00"))
	f.Add(enc(c("complaint_step"), 0, actorByte(lin), 0, "\xff"))
	f.Add(enc(c("record_survey"), 0, actorByte(wang), "RO-11", litDec("4.00000000000000000001")))
	f.Add(enc(c("record_survey"), 0, actorByte(wang), "RO-11", litDec("1e30")))
	f.Add(enc(c("record_survey"), 0, actorByte(chen), "RO-11", litDec("5")))                          // chen's own order (R1.3)
	f.Add(enc(c("customer_data"), 0, actorByte(admin), 0, "dsr-1", "0933-222-111"))                   // export Ms. Lin
	f.Add(enc(c("customer_data"), 0, actorByte(admin), 1, "dsr-1", "0933-222-111", "", "", "erased")) // erase her
	f.Add(enc(c("customer_data"), 0, actorByte(admin), 1, "dsr-1", "", "", "RO-11", "erased"))        // Kao: orders still open
	f.Add(enc(c("customer_data"), 0, chenB, 0, "dsr-1", "0933-222-111"))                              // an advisor may not
	tg := deskTarget(f)
	tg.fuzz(f, ds)
}
