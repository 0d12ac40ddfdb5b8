package servicedesktest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// differ collects the differences between a record read back and the one
// written, each named by its path ("jobs[0].lines[1].amount"). Amounts
// compare with Equal (12.5 is 12.50), instants with Equal and must be in
// UTC, slices element by element with nil and empty alike.
type differ struct {
	what  string
	diffs []string
}

func (d *differ) add(path, format string, args ...any) {
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

func (d *differ) err() error {
	if len(d.diffs) == 0 {
		return nil
	}
	const most = 8
	list := d.diffs
	more := ""
	if len(list) > most {
		list, more = list[:most], fmt.Sprintf("; and %d more", len(d.diffs)-most)
	}
	return fmt.Errorf("%s reads back different: %s%s", d.what, strings.Join(list, "; "), more)
}

func eq[T comparable](d *differ, path string, got, want T) {
	if got != want {
		d.add(path, "got %#v, want %#v", got, want)
	}
}

func (d *differ) amount(path string, got, want decimal.Decimal) {
	if !got.Equal(want) {
		d.add(path, "got %s, want %s", got, want)
	}
}

func (d *differ) instant(path string, got, want time.Time) {
	if err := sameInstant(got, want); err != nil {
		d.add(path, "%v", err)
	}
}

func sameInstant(got, want time.Time) error {
	switch {
	case want.IsZero() && !got.IsZero():
		return fmt.Errorf("got %s, want the zero time", got.Format(time.RFC3339Nano))
	case want.IsZero():
		return nil
	case !got.Equal(want):
		return fmt.Errorf("got %s, want %s", got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	case got.Location() != time.UTC:
		return fmt.Errorf("got zone %s (%s), want UTC", got.Location(), got.Format(time.RFC3339Nano))
	}
	return nil
}

// each compares two slices element by element; nil and empty are alike.
func each[T any](d *differ, path string, got, want []T, diff func(d *differ, path string, got, want T)) {
	if len(got) != len(want) {
		d.add(path, "got %d elements, want %d", len(got), len(want))
		return
	}
	for i := range want {
		diff(d, fmt.Sprintf("%s[%d]", path, i), got[i], want[i])
	}
}

func strs[T ~string](d *differ, path string, got, want []T) {
	each(d, path, got, want, func(d *differ, path string, g, w T) { eq(d, path, g, w) })
}

func diffWorkOrder(got, want servicedesk.WorkOrder) error {
	d := &differ{what: fmt.Sprintf("work order %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	eq(d, "state", got.State, want.State)
	eq(d, "advisor", got.Advisor, want.Advisor)
	eq(d, "channel", got.Channel, want.Channel)
	eq(d, "customer", got.Customer, want.Customer)
	eq(d, "vehicle", got.Vehicle, want.Vehicle)
	each(d, "concerns", got.Concerns, want.Concerns, func(d *differ, p string, g, w servicedesk.Concern) { eq(d, p, g, w) })
	d.instant("promised_at", got.PromisedAt, want.PromisedAt)
	eq(d, "transport", got.Transport, want.Transport)
	diffCondition(d, "condition", got.Condition, want.Condition)
	each(d, "findings", got.Findings, want.Findings, diffFinding)
	eq(d, "estimate_revision", got.EstimateRevision, want.EstimateRevision)
	each(d, "jobs", got.Jobs, want.Jobs, diffJob)
	each(d, "approvals", got.Approvals, want.Approvals, diffApproval)
	switch {
	case (got.Booking == nil) != (want.Booking == nil):
		d.add("booking", "got %v, want %v", got.Booking, want.Booking)
	case want.Booking != nil:
		diffBooking(d, "booking", *got.Booking, *want.Booking)
	}
	each(d, "past_bookings", got.PastBookings, want.PastBookings, diffBooking)
	each(d, "notes", got.Notes, want.Notes, func(d *differ, p string, g, w servicedesk.Note) {
		eq(d, p+".by", g.By, w.By)
		d.instant(p+".at", g.At, w.At)
		eq(d, p+".text", g.Text, w.Text)
	})
	eq(d, "pause_reason", got.PauseReason, want.PauseReason)
	each(d, "inspections", got.Inspections, want.Inspections, func(d *differ, p string, g, w servicedesk.Inspection) {
		eq(d, p+".by", g.By, w.By)
		d.instant(p+".at", g.At, w.At)
		each(d, p+".items", g.Items, w.Items, func(d *differ, p string, g, w servicedesk.InspectionCheck) { eq(d, p, g, w) })
		eq(d, p+".passed", g.Passed, w.Passed)
	})
	eq(d, "reworks", got.Reworks, want.Reworks)
	eq(d, "explanation", got.Explanation, want.Explanation)
	d.instant("ready_at", got.ReadyAt, want.ReadyAt)
	eq(d, "settlement", got.Settlement, want.Settlement)
	d.amount("settled_total", got.SettledTotal, want.SettledTotal)
	d.amount("approved_overrun", got.ApprovedOverrun, want.ApprovedOverrun)
	d.instant("settled_at", got.SettledAt, want.SettledAt)
	d.instant("delivered_at", got.DeliveredAt, want.DeliveredAt)
	eq(d, "cancel_reason", got.CancelReason, want.CancelReason)
	eq(d, "version", got.Version, want.Version)
	d.instant("opened_at", got.OpenedAt, want.OpenedAt)
	d.instant("updated_at", got.UpdatedAt, want.UpdatedAt)
	return d.err()
}

func diffCondition(d *differ, path string, got, want *servicedesk.ConditionReport) {
	if (got == nil) != (want == nil) {
		d.add(path, "got %v, want %v", got, want)
		return
	}
	if want == nil {
		return
	}
	each(d, path+".items", got.Items, want.Items, func(d *differ, p string, g, w servicedesk.ConditionItem) {
		eq(d, p+".area", g.Area, w.Area)
		eq(d, p+".status", g.Status, w.Status)
		eq(d, p+".note", g.Note, w.Note)
		strs(d, p+".photos", g.Photos, w.Photos)
	})
	eq(d, path+".recorded_by", got.RecordedBy, want.RecordedBy)
	d.instant(path+".recorded_at", got.RecordedAt, want.RecordedAt)
	d.instant(path+".acknowledged_at", got.AcknowledgedAt, want.AcknowledgedAt)
	eq(d, path+".acknowledged_by", got.AcknowledgedBy, want.AcknowledgedBy)
}

func diffFinding(d *differ, p string, g, w servicedesk.Finding) {
	eq(d, p+".concern_id", g.ConcernID, w.ConcernID)
	eq(d, p+".cause", g.Cause, w.Cause)
	eq(d, p+".correction", g.Correction, w.Correction)
	eq(d, p+".advisor", g.Advisor, w.Advisor)
	eq(d, p+".technician", g.Technician, w.Technician)
	d.instant(p+".at", g.At, w.At)
}

func diffJob(d *differ, p string, g, w servicedesk.Job) {
	eq(d, p+".id", g.ID, w.ID)
	eq(d, p+".concern_id", g.ConcernID, w.ConcernID)
	eq(d, p+".title", g.Title, w.Title)
	each(d, p+".lines", g.Lines, w.Lines, func(d *differ, p string, g, w servicedesk.Line) {
		eq(d, p+".kind", g.Kind, w.Kind)
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".description", g.Description, w.Description)
		d.amount(p+".quantity", g.Quantity, w.Quantity)
		d.amount(p+".unit_price", g.UnitPrice, w.UnitPrice)
		d.amount(p+".amount", g.Amount, w.Amount)
	})
	d.amount(p+".hours", g.Hours, w.Hours)
	d.amount(p+".total", g.Total, w.Total)
	eq(d, p+".supplement", g.Supplement, w.Supplement)
	eq(d, p+".status", g.Status, w.Status)
}

func diffApproval(d *differ, p string, g, w servicedesk.Approval) {
	eq(d, p+".supplement", g.Supplement, w.Supplement)
	strs(d, p+".approved", g.Approved, w.Approved)
	strs(d, p+".declined", g.Declined, w.Declined)
	eq(d, p+".approved_by", g.ApprovedBy, w.ApprovedBy)
	eq(d, p+".method", g.Method, w.Method)
	eq(d, p+".evidence", g.Evidence, w.Evidence)
	d.amount(p+".total", g.Total, w.Total)
	d.amount(p+".new_total", g.NewTotal, w.NewTotal)
	eq(d, p+".recorded_by", g.RecordedBy, w.RecordedBy)
	d.instant(p+".at", g.At, w.At)
}

func diffBooking(d *differ, p string, g, w servicedesk.Booking) {
	eq(d, p+".technician", g.Technician, w.Technician)
	d.instant(p+".start", g.Start, w.Start)
	d.instant(p+".end", g.End, w.End)
	eq(d, p+".notes", g.Notes, w.Notes)
	eq(d, p+".outcome", g.Outcome, w.Outcome)
}

func diffCalendarDay(got, want servicedesk.CalendarDay) error {
	d := &differ{what: fmt.Sprintf("calendar day %s/%s/%s", want.DealerID, want.Technician, want.Day)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "technician", got.Technician, want.Technician)
	eq(d, "day", got.Day, want.Day)
	each(d, "slots", got.Slots, want.Slots, func(d *differ, p string, g, w servicedesk.Slot) {
		eq(d, p+".work_order", g.WorkOrder, w.WorkOrder)
		d.instant(p+".start", g.Start, w.Start)
		d.instant(p+".end", g.End, w.End)
	})
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffComplaint(got, want servicedesk.Complaint) error {
	d := &differ{what: fmt.Sprintf("complaint %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	eq(d, "state", got.State, want.State)
	eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	eq(d, "advisor", got.Advisor, want.Advisor)
	eq(d, "customer", got.Customer, want.Customer)
	eq(d, "description", got.Description, want.Description)
	eq(d, "channel", got.Channel, want.Channel)
	eq(d, "opened_by", got.OpenedBy, want.OpenedBy)
	d.instant("opened_at", got.OpenedAt, want.OpenedAt)
	d.instant("due_at", got.DueAt, want.DueAt)
	eq(d, "handler", got.Handler, want.Handler)
	eq(d, "investigation", got.Investigation, want.Investigation)
	eq(d, "resolution", got.Resolution, want.Resolution)
	eq(d, "customer_informed", got.CustomerInformed, want.CustomerInformed)
	d.instant("resolved_at", got.ResolvedAt, want.ResolvedAt)
	d.instant("closed_at", got.ClosedAt, want.ClosedAt)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffSurvey(got, want servicedesk.Survey) error {
	d := &differ{what: fmt.Sprintf("survey %s/%s", want.DealerID, want.WorkOrder)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	eq(d, "advisor", got.Advisor, want.Advisor)
	d.amount("score", got.Score, want.Score)
	d.amount("scale_min", got.ScaleMin, want.ScaleMin)
	d.amount("scale_max", got.ScaleMax, want.ScaleMax)
	eq(d, "comment", got.Comment, want.Comment)
	eq(d, "source", got.Source, want.Source)
	d.instant("answered_at", got.AnsweredAt, want.AnsweredAt)
	eq(d, "recorded_by", got.RecordedBy, want.RecordedBy)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

// diffEvent compares everything but Seq, which the store assigns.
func diffEvent(got, want org.Event) error {
	d := &differ{what: fmt.Sprintf("event %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	d.instant("at", got.At, want.At)
	eq(d, "actor", got.Actor, want.Actor)
	eq(d, "type", got.Type, want.Type)
	eq(d, "subject", got.Subject, want.Subject)
	eq(d, "reason", got.Reason, want.Reason)
	if string(got.Data) != string(want.Data) {
		d.add("data", "got %s, want %s (byte for byte)", got.Data, want.Data)
	}
	return d.err()
}

// diffEvents compares two runs of events, Seq included.
func diffEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %d %s", what, len(got), eventIDs(got), len(want), eventIDs(want))
	}
	var errs []error
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, event %d: %w", what, i, err))
		} else if got[i].Seq != want[i].Seq {
			errs = append(errs, fmt.Errorf("%s, event %d (%s): Seq %d, want %d", what, i, want[i].ID, got[i].Seq, want[i].Seq))
		}
	}
	return errors.Join(errs...)
}

func eventIDs(evs []org.Event) string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = fmt.Sprintf("%s@%d", ev.ID, ev.Seq)
	}
	return "[" + strings.Join(ids, " ") + "]"
}
