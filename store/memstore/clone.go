package memstore

import (
	"slices"

	"github.com/servicelane/servicelane/servicedesk"
)

// cloneOrder is a deep copy of w, as w.Clone is, in fewer allocations: the
// lists nested in the order's lists (the lines of every job, the photos and
// the approved and declined jobs as strings, ...) share one array per
// element type, each list capped at its length so that appending to one
// never writes over the next; the condition report and the booking share
// one allocation. A nil list stays nil and an empty one empty.
// TestCloneOrder holds it to w.Clone on every field, by reflection.
func cloneOrder(w servicedesk.WorkOrder) servicedesk.WorkOrder {
	var parts *orderParts
	if w.Condition != nil || w.Booking != nil {
		parts = new(orderParts)
	}
	return cloneWith(w, parts)
}

// storedCopy is cloneOrder's copy of w, for the store to keep: the order, its
// condition report and its booking in one allocation.
func storedCopy(w servicedesk.WorkOrder) *servicedesk.WorkOrder {
	s := new(struct {
		w     servicedesk.WorkOrder
		parts orderParts
	})
	s.w = cloneWith(w, &s.parts)
	return &s.w
}

// orderParts holds the copies of an order's condition report and booking.
type orderParts struct {
	condition servicedesk.ConditionReport
	booking   servicedesk.Booking
}

// cloneWith is cloneOrder, keeping the condition report and the booking in
// parts (not nil when w has either).
func cloneWith(w servicedesk.WorkOrder, parts *orderParts) servicedesk.WorkOrder {
	var nStrings, nLines, nPerformed, nChecks int
	if w.Condition != nil {
		for i := range w.Condition.Items {
			nStrings += len(w.Condition.Items[i].Photos)
		}
	}
	for i := range w.Jobs {
		nLines += len(w.Jobs[i].Lines)
		nPerformed += len(w.Jobs[i].Performed)
	}
	for i := range w.Approvals {
		nStrings += len(w.Approvals[i].Approved) + len(w.Approvals[i].Declined)
	}
	for i := range w.Inspections {
		nChecks += len(w.Inspections[i].Items)
	}
	strs := make([]string, 0, nStrings)
	lines := make([]servicedesk.Line, 0, nLines)
	performed := make([]servicedesk.PerformedLine, 0, nPerformed)
	checks := make([]servicedesk.InspectionCheck, 0, nChecks)

	w.Concerns = slices.Clone(w.Concerns)
	if w.Condition != nil {
		c := &parts.condition
		*c = *w.Condition
		c.Items = slices.Clone(c.Items)
		for i := range c.Items {
			c.Items[i].Photos = take(&strs, c.Items[i].Photos)
		}
		w.Condition = c
	}
	if w.Booking != nil {
		parts.booking = *w.Booking
		w.Booking = &parts.booking
	}
	w.Findings = slices.Clone(w.Findings)
	w.Jobs = slices.Clone(w.Jobs)
	for i := range w.Jobs {
		w.Jobs[i].Lines = take(&lines, w.Jobs[i].Lines)
		w.Jobs[i].Performed = take(&performed, w.Jobs[i].Performed)
	}
	w.Approvals = slices.Clone(w.Approvals)
	for i := range w.Approvals {
		w.Approvals[i].Approved = take(&strs, w.Approvals[i].Approved)
		w.Approvals[i].Declined = take(&strs, w.Approvals[i].Declined)
	}
	w.PastBookings = slices.Clone(w.PastBookings)
	w.Notes = slices.Clone(w.Notes)
	w.Inspections = slices.Clone(w.Inspections)
	for i := range w.Inspections {
		w.Inspections[i].Items = take(&checks, w.Inspections[i].Items)
	}
	return w
}

// take copies src to the end of *buf, which has room for it, and returns
// the copy, capped at its length: nil for nil, empty for empty, as
// slices.Clone.
func take[T any](buf *[]T, src []T) []T {
	if src == nil {
		return nil
	}
	if len(src) == 0 {
		return make([]T, 0) // no allocation: every empty slice points at one zero-size block
	}
	from := len(*buf)
	*buf = append(*buf, src...)
	return (*buf)[from:len(*buf):len(*buf)]
}
