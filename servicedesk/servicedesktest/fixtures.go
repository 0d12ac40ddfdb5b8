package servicedesktest

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// taipei is the dealers' zone. Query bounds are given in it, as the
// Service gives them (a month starts at local midnight).
var taipei = kit.Taipei

// t0 is a fixed instant with microseconds, written in UTC as the Service
// writes it, so a store that drops either is caught. Every instant the
// kit writes is t0 plus whole microseconds: a store keeping microseconds,
// as PostgreSQL does, keeps them all.
var t0 = kit.NewClock(2026, 11, 2).T0

// at is t0 plus some minutes.
func at(minutes int) time.Time { return kit.Clock{T0: t0}.At(minutes) }

// Days and technicians of the calendar fixtures. A snapshot reads every
// (technician, day) pair of them (calendarDays.All), since CalendarDay
// has no list.
var (
	days  = []string{"2026-11-02", "2026-11-03"}
	techs = []org.EmployeeID{"t1", "t2"}
)

// amount parses one of the kit's constant amounts.
func amount(s string) decimal.Decimal { return kit.Amount(s) }

// workOrder is an ordinary order just received: the shape most checks
// write, with slices to share and a job with lines.
func workOrder(d org.DealerID, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	return servicedesk.WorkOrder{
		DealerID: d, ID: id, State: servicedesk.StateReceived, Advisor: "adv-1", Channel: servicedesk.ChannelWalkIn,
		Customer:  servicedesk.Customer{Name: "Customer of " + string(id), Phone: "+886 912-345-678"},
		Vehicle:   servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2020, MileageIn: 30500},
		Concerns:  []servicedesk.Concern{{ID: "c1", Text: "noise from the front left"}},
		Transport: servicedesk.TransportWaiter,
		Jobs: []servicedesk.Job{{ID: "j1", ConcernID: "c1", Title: "Inspect", Status: servicedesk.JobProposed,
			Hours: amount("0.5"), Total: amount("12.50"),
			Lines: []servicedesk.Line{{Kind: servicedesk.LineLabor, Code: "INSP", Description: "inspection", Quantity: amount("0.5"), UnitPrice: amount("25"), Amount: amount("12.50")}},
		}},
		Version: 1, OpenedAt: t0, UpdatedAt: t0,
	}
}

// fullWorkOrder sets every field, in every element of every slice at least
// once, so a store that forgets a column is caught.
func fullWorkOrder(d org.DealerID, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	return servicedesk.WorkOrder{
		DealerID: d, ID: id, State: servicedesk.StateDelivered, Advisor: "adv-1", Channel: servicedesk.ChannelPhone,
		Customer: servicedesk.Customer{Name: "林 美玲 (Lin Mei-ling)", Phone: "+886 912-345-678", Email: "lin@example.com"},
		Vehicle: servicedesk.Vehicle{Make: "Toyota", Model: "RAV4 Hybrid", Year: 2021, VIN: "JTMRWRFV5MD123456",
			Plate: "ABC-1234", MileageIn: 48211, MileageOut: 48230},
		Concerns: []servicedesk.Concern{
			{ID: "c1", Text: "brakes squeal when cold"},
			{ID: "c2", Text: `check-engine light "on" since Monday; 引擎燈亮`},
		},
		PromisedAt: at(480),
		Transport:  servicedesk.TransportLoaner,
		Condition: &servicedesk.ConditionReport{
			Items: []servicedesk.ConditionItem{
				{Area: "front bumper", Status: servicedesk.ConditionDamaged, Note: "scratch, 5 cm", Photos: []string{"photos/1.jpg", "photos/2.jpg"}},
				{Area: "interior", Status: servicedesk.ConditionOK, Note: "clean", Photos: []string{"photos/3.jpg"}},
			},
			RecordedBy: "adv-1", RecordedAt: at(5), AcknowledgedAt: at(7), AcknowledgedBy: "Lin Mei-ling",
		},
		Findings: []servicedesk.Finding{
			{ConcernID: "c1", Cause: "pads worn to 2 mm", Correction: "replace front pads", Advisor: "adv-1", Technician: "t1", At: at(40)},
			{ConcernID: "c2", Cause: "loose fuel cap", Correction: "tighten, clear code", Advisor: "adv-1", Technician: "t2", At: at(41)},
		},
		EstimateRevision: 2,
		Jobs: []servicedesk.Job{
			{ID: "j1", ConcernID: "c1", Title: "Front brake pads", Hours: amount("1.5"), Total: amount("12345678901236367.89"), Status: servicedesk.JobDone,
				Lines: []servicedesk.Line{
					{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "replace front pads", Quantity: amount("1.5"), UnitPrice: amount("1200.00"), Amount: amount("1800.00")},
					{Kind: servicedesk.LinePart, Code: "04465-42180", Description: "pad set", Quantity: amount("1"), UnitPrice: amount("12345678901234567.89"), Cost: amount("9876543210987654.32"),
						Amount: amount("12345678901234567.89"), PricedBy: servicedesk.PricedManual, PriceReason: "price matched for a returning customer; 老客戶"},
				},
				Performed: []servicedesk.PerformedLine{
					{Kind: servicedesk.LineLabor, Code: "BRK-01", Quantity: amount("1.75"), Clocked: amount("2.0833")},
					{Kind: servicedesk.LinePart, Code: "04465-42180", Quantity: amount("1")},
				}},
			{ID: "j2", ConcernID: "c2", Title: "Diagnose MIL", Hours: amount("0.2500"), Total: amount("12.50"), Supplement: 1, Status: servicedesk.JobDeclined,
				Lines: []servicedesk.Line{
					{Kind: servicedesk.LineFee, Code: "DIAG", Description: "diagnosis fee", Quantity: amount("0.0001"), UnitPrice: amount("125000"), Amount: amount("12.50")},
				}},
		},
		Approvals: []servicedesk.Approval{
			{Approved: []string{"j1"}, Declined: []string{"j2"}, ApprovedBy: "Lin Mei-ling", Method: servicedesk.ApprovalSignature,
				Evidence: servicedesk.ConsentEvidence{Reference: "signatures/wo-1-0.png", Contact: "+886 912-345-678", At: at(59),
					WorkTold: "front pads, 1.5 h; 引擎燈 diagnosis", TotalTold: amount("12345678901236367.890")},
				Total: amount("12345678901236367.89"), NewTotal: amount("12345678901236367.89"), RecordedBy: "adv-1", At: at(60)},
			{Supplement: 1, Approved: []string{}, Declined: []string{"j2"}, ApprovedBy: "Lin", Method: servicedesk.ApprovalPhone,
				Total: amount("0"), NewTotal: amount("12345678901236367.89"), RecordedBy: "adv-2", At: at(90)},
		},
		Booking: &servicedesk.Booking{Technician: "t1", Start: at(120), End: at(210), Notes: "bay 3", Outcome: servicedesk.OutcomeKept},
		PastBookings: []servicedesk.Booking{
			{Technician: "t2", Start: at(-1440), End: at(-1380), Notes: "first try", Outcome: servicedesk.OutcomeNoShow},
		},
		Notes: []servicedesk.Note{
			{By: org.Actor{ID: "t1", Role: org.RoleTechnician}, At: at(130), Text: "pads ordered"},
			{By: org.Actor{ID: "adv-1", Role: org.RoleAdvisor}, At: at(131), Text: "customer told: 2 h"},
		},
		PauseReason: "waiting for parts",
		Inspections: []servicedesk.Inspection{
			{By: "sup-1", At: at(300), Passed: false, Items: []servicedesk.InspectionCheck{{Item: "brakes", Passed: false, Note: "still squeals"}}},
			{By: "sup-1", At: at(360), Passed: true, Items: []servicedesk.InspectionCheck{{Item: "brakes", Passed: true, Note: "quiet"}, {Item: "lights", Passed: true}}},
		},
		Reworks:         1,
		Explanation:     "replaced the front pads; the light was a loose cap",
		ReadyAt:         at(400),
		Settlement:      "INV-2026-000123",
		SettledTotal:    amount("12345678901236367.89"),
		ApprovedOverrun: amount("1234.50"),
		SettledAt:       at(470),
		DeliveredAt:     at(475),
		CancelReason:    "(none: the kit fills every field)",
		Version:         1,
		OpenedAt:        t0,
		UpdatedAt:       at(475),
	}
}

func slot(wo servicedesk.WorkOrderID, fromMinute, toMinute int) servicedesk.Slot {
	return servicedesk.Slot{WorkOrder: wo, Start: at(fromMinute), End: at(toMinute)}
}

func calendarDay(d org.DealerID, tech org.EmployeeID, day string, slots ...servicedesk.Slot) servicedesk.CalendarDay {
	return servicedesk.CalendarDay{DealerID: d, Technician: tech, Day: day, Slots: slots, Version: 1}
}

// complaint sets every field of a complaint.
func complaint(d org.DealerID, id servicedesk.ComplaintID) servicedesk.Complaint {
	return servicedesk.Complaint{
		DealerID: d, ID: id, State: servicedesk.ComplaintResolved, WorkOrder: "wo-1", Advisor: "adv-1",
		Customer:    servicedesk.Customer{Name: "Chen of " + string(id), Phone: "+886 2 2345 6789", Email: "chen@example.com"},
		Description: "waited 3 hours past the promised time; 等了三小時",
		Channel:     servicedesk.ChannelOnline,
		OpenedBy:    org.Actor{ID: "sup-1", Role: org.RoleSupervisor},
		OpenedAt:    t0, DueAt: at(3 * 24 * 60),
		Handler: "sup-1", Investigation: "parts arrived late", Resolution: "free inspection next visit",
		CustomerInformed: "phone call, 2026-11-03", ResolvedAt: at(1500), ClosedAt: at(1600), Version: 1,
	}
}

// survey sets every field of a survey answer.
func survey(d org.DealerID, wo servicedesk.WorkOrderID) servicedesk.Survey {
	return servicedesk.Survey{
		DealerID: d, WorkOrder: wo, Advisor: "adv-1",
		Score: amount("4.5"), ScaleMin: amount("1"), ScaleMax: amount("5"), Comment: "friendly, a bit slow",
		Source: "call", AnsweredAt: at(2000), RecordedBy: org.Actor{ID: "adv-2", Role: org.RoleAdvisor}, Version: 1,
	}
}

func event(d org.DealerID, id, subject string) org.Event {
	return org.Event{
		DealerID: d, ID: id, At: t0, Actor: org.Actor{ID: "adv-1", Role: org.RoleAdvisor},
		Type: "workorder.changed", Subject: subject, Reason: "kit: " + id, Data: json.RawMessage(`{"after":{"n":1}}`),
	}
}

func commit(ctx context.Context, s servicedesk.Store, d org.DealerID, c servicedesk.Change, what string) error {
	return kit.Commit(ctx, s.Commit, d, c, what)
}
