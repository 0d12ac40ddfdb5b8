package servicedesktest

import (
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/servicedesk"
)

func diffWorkOrder(got, want servicedesk.WorkOrder) error {
	d := kit.NewDiffer("work order %s/%s", want.DealerID, want.ID)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "id", got.ID, want.ID)
	kit.Eq(d, "state", got.State, want.State)
	kit.Eq(d, "advisor", got.Advisor, want.Advisor)
	kit.Eq(d, "channel", got.Channel, want.Channel)
	kit.Eq(d, "customer", got.Customer, want.Customer)
	kit.Eq(d, "vehicle", got.Vehicle, want.Vehicle)
	kit.Each(d, "concerns", got.Concerns, want.Concerns, kit.Eq[servicedesk.Concern])
	d.Instant("promised_at", got.PromisedAt, want.PromisedAt)
	kit.Eq(d, "transport", got.Transport, want.Transport)
	diffCondition(d, "condition", got.Condition, want.Condition)
	kit.Each(d, "findings", got.Findings, want.Findings, diffFinding)
	kit.Eq(d, "estimate_revision", got.EstimateRevision, want.EstimateRevision)
	kit.Each(d, "jobs", got.Jobs, want.Jobs, diffJob)
	kit.Each(d, "approvals", got.Approvals, want.Approvals, diffApproval)
	switch {
	case (got.Booking == nil) != (want.Booking == nil):
		d.Add("booking", "got %v, want %v", got.Booking, want.Booking)
	case want.Booking != nil:
		diffBooking(d, "booking", *got.Booking, *want.Booking)
	}
	kit.Each(d, "past_bookings", got.PastBookings, want.PastBookings, diffBooking)
	kit.Each(d, "notes", got.Notes, want.Notes, func(d *kit.Differ, p string, g, w servicedesk.Note) {
		kit.Eq(d, p+".by", g.By, w.By)
		d.Instant(p+".at", g.At, w.At)
		kit.Eq(d, p+".text", g.Text, w.Text)
	})
	kit.Eq(d, "pause_reason", got.PauseReason, want.PauseReason)
	kit.Each(d, "inspections", got.Inspections, want.Inspections, func(d *kit.Differ, p string, g, w servicedesk.Inspection) {
		kit.Eq(d, p+".by", g.By, w.By)
		d.Instant(p+".at", g.At, w.At)
		kit.Each(d, p+".items", g.Items, w.Items, kit.Eq[servicedesk.InspectionCheck])
		kit.Eq(d, p+".passed", g.Passed, w.Passed)
	})
	kit.Eq(d, "reworks", got.Reworks, want.Reworks)
	kit.Eq(d, "explanation", got.Explanation, want.Explanation)
	d.Instant("ready_at", got.ReadyAt, want.ReadyAt)
	kit.Eq(d, "settlement", got.Settlement, want.Settlement)
	d.Amount("settled_total", got.SettledTotal, want.SettledTotal)
	d.Amount("approved_overrun", got.ApprovedOverrun, want.ApprovedOverrun)
	d.Instant("settled_at", got.SettledAt, want.SettledAt)
	d.Instant("delivered_at", got.DeliveredAt, want.DeliveredAt)
	kit.Eq(d, "cancel_reason", got.CancelReason, want.CancelReason)
	kit.Eq(d, "version", got.Version, want.Version)
	d.Instant("opened_at", got.OpenedAt, want.OpenedAt)
	d.Instant("updated_at", got.UpdatedAt, want.UpdatedAt)
	return d.Err()
}

func diffCondition(d *kit.Differ, path string, got, want *servicedesk.ConditionReport) {
	if (got == nil) != (want == nil) {
		d.Add(path, "got %v, want %v", got, want)
		return
	}
	if want == nil {
		return
	}
	kit.Each(d, path+".items", got.Items, want.Items, func(d *kit.Differ, p string, g, w servicedesk.ConditionItem) {
		kit.Eq(d, p+".area", g.Area, w.Area)
		kit.Eq(d, p+".status", g.Status, w.Status)
		kit.Eq(d, p+".note", g.Note, w.Note)
		kit.List(d, p+".photos", g.Photos, w.Photos)
	})
	kit.Eq(d, path+".recorded_by", got.RecordedBy, want.RecordedBy)
	d.Instant(path+".recorded_at", got.RecordedAt, want.RecordedAt)
	d.Instant(path+".acknowledged_at", got.AcknowledgedAt, want.AcknowledgedAt)
	kit.Eq(d, path+".acknowledged_by", got.AcknowledgedBy, want.AcknowledgedBy)
}

func diffFinding(d *kit.Differ, p string, g, w servicedesk.Finding) {
	kit.Eq(d, p+".concern_id", g.ConcernID, w.ConcernID)
	kit.Eq(d, p+".cause", g.Cause, w.Cause)
	kit.Eq(d, p+".correction", g.Correction, w.Correction)
	kit.Eq(d, p+".advisor", g.Advisor, w.Advisor)
	kit.Eq(d, p+".technician", g.Technician, w.Technician)
	d.Instant(p+".at", g.At, w.At)
}

func diffJob(d *kit.Differ, p string, g, w servicedesk.Job) {
	kit.Eq(d, p+".id", g.ID, w.ID)
	kit.Eq(d, p+".concern_id", g.ConcernID, w.ConcernID)
	kit.Eq(d, p+".title", g.Title, w.Title)
	kit.Each(d, p+".lines", g.Lines, w.Lines, func(d *kit.Differ, p string, g, w servicedesk.Line) {
		kit.Eq(d, p+".kind", g.Kind, w.Kind)
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".description", g.Description, w.Description)
		d.Amount(p+".quantity", g.Quantity, w.Quantity)
		d.Amount(p+".unit_price", g.UnitPrice, w.UnitPrice)
		d.Amount(p+".cost", g.Cost, w.Cost)
		d.Amount(p+".amount", g.Amount, w.Amount)
		kit.Eq(d, p+".priced_by", g.PricedBy, w.PricedBy)
		kit.Eq(d, p+".price_reason", g.PriceReason, w.PriceReason)
	})
	d.Amount(p+".hours", g.Hours, w.Hours)
	d.Amount(p+".total", g.Total, w.Total)
	kit.Eq(d, p+".supplement", g.Supplement, w.Supplement)
	kit.Eq(d, p+".status", g.Status, w.Status)
	kit.Each(d, p+".performed", g.Performed, w.Performed, func(d *kit.Differ, p string, g, w servicedesk.PerformedLine) {
		kit.Eq(d, p+".kind", g.Kind, w.Kind)
		kit.Eq(d, p+".code", g.Code, w.Code)
		d.Amount(p+".quantity", g.Quantity, w.Quantity)
		d.Amount(p+".clocked", g.Clocked, w.Clocked)
	})
}

func diffApproval(d *kit.Differ, p string, g, w servicedesk.Approval) {
	kit.Eq(d, p+".supplement", g.Supplement, w.Supplement)
	kit.List(d, p+".approved", g.Approved, w.Approved)
	kit.List(d, p+".declined", g.Declined, w.Declined)
	kit.Eq(d, p+".approved_by", g.ApprovedBy, w.ApprovedBy)
	kit.Eq(d, p+".method", g.Method, w.Method)
	kit.Eq(d, p+".evidence.reference", g.Evidence.Reference, w.Evidence.Reference)
	kit.Eq(d, p+".evidence.contact", g.Evidence.Contact, w.Evidence.Contact)
	d.Instant(p+".evidence.at", g.Evidence.At, w.Evidence.At)
	kit.Eq(d, p+".evidence.work_told", g.Evidence.WorkTold, w.Evidence.WorkTold)
	d.Amount(p+".evidence.total_told", g.Evidence.TotalTold, w.Evidence.TotalTold)
	d.Amount(p+".total", g.Total, w.Total)
	d.Amount(p+".new_total", g.NewTotal, w.NewTotal)
	kit.Eq(d, p+".recorded_by", g.RecordedBy, w.RecordedBy)
	d.Instant(p+".at", g.At, w.At)
}

func diffBooking(d *kit.Differ, p string, g, w servicedesk.Booking) {
	kit.Eq(d, p+".technician", g.Technician, w.Technician)
	d.Instant(p+".start", g.Start, w.Start)
	d.Instant(p+".end", g.End, w.End)
	kit.Eq(d, p+".notes", g.Notes, w.Notes)
	kit.Eq(d, p+".outcome", g.Outcome, w.Outcome)
}

func diffCalendarDay(got, want servicedesk.CalendarDay) error {
	d := kit.NewDiffer("calendar day %s/%s/%s", want.DealerID, want.Technician, want.Day)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "technician", got.Technician, want.Technician)
	kit.Eq(d, "day", got.Day, want.Day)
	kit.Each(d, "slots", got.Slots, want.Slots, func(d *kit.Differ, p string, g, w servicedesk.Slot) {
		kit.Eq(d, p+".work_order", g.WorkOrder, w.WorkOrder)
		d.Instant(p+".start", g.Start, w.Start)
		d.Instant(p+".end", g.End, w.End)
	})
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffComplaint(got, want servicedesk.Complaint) error {
	d := kit.NewDiffer("complaint %s/%s", want.DealerID, want.ID)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "id", got.ID, want.ID)
	kit.Eq(d, "state", got.State, want.State)
	kit.Eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	kit.Eq(d, "advisor", got.Advisor, want.Advisor)
	kit.Eq(d, "customer", got.Customer, want.Customer)
	kit.Eq(d, "description", got.Description, want.Description)
	kit.Eq(d, "channel", got.Channel, want.Channel)
	kit.Eq(d, "opened_by", got.OpenedBy, want.OpenedBy)
	d.Instant("opened_at", got.OpenedAt, want.OpenedAt)
	d.Instant("due_at", got.DueAt, want.DueAt)
	kit.Eq(d, "handler", got.Handler, want.Handler)
	kit.Eq(d, "investigation", got.Investigation, want.Investigation)
	kit.Eq(d, "resolution", got.Resolution, want.Resolution)
	kit.Eq(d, "customer_informed", got.CustomerInformed, want.CustomerInformed)
	d.Instant("resolved_at", got.ResolvedAt, want.ResolvedAt)
	d.Instant("closed_at", got.ClosedAt, want.ClosedAt)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffSurvey(got, want servicedesk.Survey) error {
	d := kit.NewDiffer("survey %s/%s", want.DealerID, want.WorkOrder)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	kit.Eq(d, "advisor", got.Advisor, want.Advisor)
	d.Amount("score", got.Score, want.Score)
	d.Amount("scale_min", got.ScaleMin, want.ScaleMin)
	d.Amount("scale_max", got.ScaleMax, want.ScaleMax)
	kit.Eq(d, "comment", got.Comment, want.Comment)
	kit.Eq(d, "source", got.Source, want.Source)
	d.Instant("answered_at", got.AnsweredAt, want.AnsweredAt)
	kit.Eq(d, "recorded_by", got.RecordedBy, want.RecordedBy)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}
