package servicedesktest

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// scribble writes over everything of w that a careless store could share
// with its caller: every slice, nested slice and pointer.
func scribble(w *servicedesk.WorkOrder) {
	const x = "scribbled"
	if len(w.Concerns) > 0 {
		w.Concerns[0].Text = x
	}
	if c := w.Condition; c != nil {
		c.RecordedBy = x
		if len(c.Items) > 0 {
			c.Items[0].Note = x
			if len(c.Items[0].Photos) > 0 {
				c.Items[0].Photos[0] = x
			}
		}
	}
	if len(w.Findings) > 0 {
		w.Findings[0].Cause = x
	}
	if len(w.Jobs) > 0 {
		w.Jobs[0].Title = x
		if len(w.Jobs[0].Lines) > 0 {
			w.Jobs[0].Lines[0].Code = x
			w.Jobs[0].Lines[0].Amount = decimal.NewFromInt(-1)
		}
	}
	if len(w.Approvals) > 0 {
		if len(w.Approvals[0].Approved) > 0 {
			w.Approvals[0].Approved[0] = x
		}
		if len(w.Approvals[0].Declined) > 0 {
			w.Approvals[0].Declined[0] = x
		}
	}
	if w.Booking != nil {
		w.Booking.Notes = x
	}
	if len(w.PastBookings) > 0 {
		w.PastBookings[0].Notes = x
	}
	if len(w.Notes) > 0 {
		w.Notes[0].Text = x
	}
	if len(w.Inspections) > 0 && len(w.Inspections[0].Items) > 0 {
		w.Inspections[0].Items[0].Note = x
	}
}

func checkReadsAreCopies(ctx context.Context, s servicedesk.Store, _ Features) error {
	if err := workOrderCopies(ctx, s); err != nil {
		return err
	}
	if err := calendarCopies(ctx, s); err != nil {
		return err
	}
	return eventCopies(ctx, s)
}

func workOrderCopies(ctx context.Context, s servicedesk.Store) error {
	w := fullWorkOrder("d1", "wo-1")
	if err := commit(ctx, s, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}}, "seed"); err != nil {
		return err
	}
	unchanged := func(how string) error {
		got, err := s.WorkOrder(ctx, "d1", "wo-1")
		if err != nil {
			return fmt.Errorf("read back after %s: %w", how, err)
		}
		if err := diffWorkOrder(got, fullWorkOrder("d1", "wo-1")); err != nil {
			return fmt.Errorf("%s changed the store: %w", how, err)
		}
		return nil
	}
	scribble(&w)
	if err := unchanged("changing the committed work order's slices and pointers"); err != nil {
		return err
	}
	got, err := s.WorkOrder(ctx, "d1", "wo-1")
	if err != nil {
		return err
	}
	scribble(&got)
	if err := unchanged("changing the slices and pointers of a work order read with WorkOrder"); err != nil {
		return err
	}
	list, err := s.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{Limit: 10})
	if err != nil {
		return err
	}
	for i := range list {
		scribble(&list[i])
	}
	if err := unchanged("changing the slices and pointers of work orders read with WorkOrders"); err != nil {
		return err
	}
	again, err := s.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{Limit: 10})
	if err != nil {
		return err
	}
	if len(again) != 1 {
		return fmt.Errorf("WorkOrders listed %d orders, want 1", len(again))
	}
	if err := diffWorkOrder(again[0], fullWorkOrder("d1", "wo-1")); err != nil {
		return fmt.Errorf("changing work orders read with WorkOrders changed what WorkOrders lists: %w", err)
	}
	return nil
}

func calendarCopies(ctx context.Context, s servicedesk.Store) error {
	fresh := func() servicedesk.CalendarDay {
		return calendarDay("d1", "t1", days[0], slot("wo-1", 0, 60), slot("wo-2", 90, 120))
	}
	cd := fresh()
	if err := commit(ctx, s, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{cd}}, "seed calendar"); err != nil {
		return err
	}
	unchanged := func(how string) error {
		got, err := s.CalendarDay(ctx, "d1", "t1", days[0])
		if err != nil {
			return fmt.Errorf("read back after %s: %w", how, err)
		}
		if err := diffCalendarDay(got, fresh()); err != nil {
			return fmt.Errorf("%s changed the store: %w", how, err)
		}
		return nil
	}
	cd.Slots[0].WorkOrder = "scribbled"
	if err := unchanged("changing the committed day's Slots"); err != nil {
		return err
	}
	got, err := s.CalendarDay(ctx, "d1", "t1", days[0])
	if err != nil {
		return err
	}
	if len(got.Slots) > 0 {
		got.Slots[0].WorkOrder = "scribbled"
	}
	return unchanged("changing the Slots of a day read with CalendarDay")
}

func eventCopies(ctx context.Context, s servicedesk.Store) error {
	subject := "workorder/wo-1"
	evs := []org.Event{event("d1", "ev1", subject)}
	if err := commit(ctx, s, "d1", servicedesk.Change{Events: evs}, "commit an event"); err != nil {
		return err
	}
	want := event("d1", "ev1", subject)
	unchanged := func(how string) error {
		got, err := s.Events(ctx, "d1", 0, 10)
		if err != nil {
			return fmt.Errorf("read events after %s: %w", how, err)
		}
		if len(got) != 1 {
			return fmt.Errorf("after %s: %d events, want 1", how, len(got))
		}
		if err := kit.DiffEvent(got[0], want); err != nil {
			return fmt.Errorf("%s changed the store: %w", how, err)
		}
		return nil
	}
	scribbleData := func(evs []org.Event) {
		for i := range evs {
			if len(evs[i].Data) > 2 {
				evs[i].Data[2] = 'X'
			}
		}
	}
	scribbleData(evs)
	if err := unchanged("changing the committed event's Data"); err != nil {
		return err
	}
	read, err := s.Events(ctx, "d1", 0, 10)
	if err != nil {
		return err
	}
	scribbleData(read)
	if err := unchanged("changing the Data of events read with Events"); err != nil {
		return err
	}
	se, ok := s.(servicedesk.SubjectEvents)
	if !ok {
		return nil
	}
	read, err = se.SubjectEvents(ctx, "d1", subject)
	if err != nil {
		return err
	}
	scribbleData(read)
	if err := unchanged("changing the Data of events read with SubjectEvents"); err != nil {
		return err
	}
	read, err = se.SubjectEvents(ctx, "d1", subject)
	if err != nil {
		return err
	}
	if len(read) != 1 {
		return fmt.Errorf("SubjectEvents(%s) gave %d events, want 1", subject, len(read))
	}
	if err := kit.DiffEvent(read[0], want); err != nil {
		return fmt.Errorf("changing events read with SubjectEvents changed what it returns: %w", err)
	}
	return nil
}
