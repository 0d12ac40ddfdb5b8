package servicedesktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

func readWorkOrders(ctx context.Context, s servicedesk.Store, d org.DealerID, want ...servicedesk.WorkOrder) error {
	for _, w := range want {
		got, err := s.WorkOrder(ctx, d, w.ID)
		if err != nil {
			return fmt.Errorf("read work order %s: %w", w.ID, err)
		}
		if err := diffWorkOrder(got, w); err != nil {
			return fmt.Errorf("WorkOrder: %w", err)
		}
	}
	list, err := s.WorkOrders(ctx, d, servicedesk.WorkOrderQuery{Limit: 10})
	if err != nil {
		return fmt.Errorf("list work orders: %w", err)
	}
	if len(list) != len(want) {
		return fmt.Errorf("WorkOrders listed %d orders, want %d", len(list), len(want))
	}
	for i := range want {
		if err := diffWorkOrder(list[i], want[i]); err != nil {
			return fmt.Errorf("WorkOrders: %w", err)
		}
	}
	return nil
}

func checkCalendarDayRoundTrip(ctx context.Context, s servicedesk.Store, _ Features) error {
	want := []servicedesk.CalendarDay{
		calendarDay("d1", "t1", days[0], slot("wo-1", 0, 60), slot("wo-2", 90, 150)),
		calendarDay("d1", "t1", days[1], slot("wo-3", 1440, 1500)),
		calendarDay("d1", "t2", days[0], slot("wo-4", 30, 45)),
		calendarDay("d1", "t2", days[1]), // every booking released
	}
	if err := commit(ctx, s, "d1", servicedesk.Change{Calendar: want}, "commit four calendar days"); err != nil {
		return err
	}
	if err := readDays(ctx, s, want); err != nil {
		return err
	}
	released := want[0].Clone()
	released.Slots, released.Version = released.Slots[1:], 2
	booked := want[3].Clone()
	booked.Slots, booked.Version = []servicedesk.Slot{slot("wo-5", 1500, 1560)}, 2
	if err := commit(ctx, s, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{released, booked}}, "release one slot and book another"); err != nil {
		return err
	}
	want[0], want[3] = released, booked
	if err := readDays(ctx, s, want); err != nil {
		return fmt.Errorf("after releasing a slot of (t1, %s) and booking (t2, %s): %w", days[0], days[1], err)
	}
	return nil
}

func readDays(ctx context.Context, s servicedesk.Store, want []servicedesk.CalendarDay) error {
	for _, w := range want {
		got, err := s.CalendarDay(ctx, w.DealerID, w.Technician, w.Day)
		if err != nil {
			return fmt.Errorf("read calendar of %s on %s: %w", w.Technician, w.Day, err)
		}
		if err := diffCalendarDay(got, w); err != nil {
			return err
		}
	}
	return nil
}

func checkCalendarDayNotFound(ctx context.Context, s servicedesk.Store, _ Features) error {
	seeded := []servicedesk.CalendarDay{
		calendarDay("d1", "t1", days[0], slot("wo-1", 0, 60)),
		calendarDay("d1", "t2", days[1], slot("wo-2", 1440, 1500)),
	}
	if err := commit(ctx, s, "d1", servicedesk.Change{Calendar: seeded}, "seed"); err != nil {
		return err
	}
	for _, k := range []struct {
		tech org.EmployeeID
		day  string
	}{{"t1", days[1]}, {"t2", days[0]}, {"t3", days[0]}, {"T1", days[0]}, {"t1", "2026-11-04"}} {
		_, err := s.CalendarDay(ctx, "d1", k.tech, k.day)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("CalendarDay(d1, %s, %s), a day never booked", k.tech, k.day)); err != nil {
			return err
		}
	}
	return nil
}

// checkSurveyNotFound reads surveys of work orders never surveyed, one of
// them a stored work order: a store that joins surveys to work orders
// must not answer with an empty survey. internal/kit's SurveyNotFound
// stores surveys only, so this one stays the kit's own.
func checkSurveyNotFound(ctx context.Context, s servicedesk.Store, _ Features) error {
	c := servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1"), workOrder("d1", "wo-2")}, Surveys: []servicedesk.Survey{survey("d1", "wo-1")}}
	if err := commit(ctx, s, "d1", c, "seed"); err != nil {
		return err
	}
	for _, wo := range []servicedesk.WorkOrderID{"wo-2", "wo-404", "WO-1", "wo-1 "} {
		_, err := s.Survey(ctx, "d1", wo)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Survey(d1, %q)", wo)); err != nil {
			return err
		}
	}
	return nil
}

// amounts are the values every amount column must keep exactly: above
// 2^53, with trailing zeros, at the fourth decimal, at the contract's
// widest, and below zero (a discount).
var amounts = []string{"12345678901234567.89", "12.50", "0", "0.0001", "99999999999999999999.9999", "9007199254740993", "-1234.5678"}

func checkAmountsExact(ctx context.Context, s servicedesk.Store, _ Features) error {
	var c servicedesk.Change
	for i, a := range amounts {
		v := amount(a)
		w := workOrder("d1", servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", i)))
		j := &w.Jobs[0]
		j.Hours, j.Total = v, v
		j.Lines[0].Quantity, j.Lines[0].UnitPrice, j.Lines[0].Amount = v, v, v
		w.Approvals = []servicedesk.Approval{{Approved: []string{"j1"}, Total: v, NewTotal: v, At: t0}}
		w.SettledTotal = v
		sv := survey("d1", w.ID)
		sv.Score, sv.ScaleMin, sv.ScaleMax = v, v, v
		c.WorkOrders = append(c.WorkOrders, w)
		c.Surveys = append(c.Surveys, sv)
	}
	if err := commit(ctx, s, "d1", c, "commit an order and a survey per amount"); err != nil {
		return err
	}
	var errs []error
	for i, w := range c.WorkOrders {
		got, err := s.WorkOrder(ctx, "d1", w.ID)
		if err != nil {
			return fmt.Errorf("read %s: %w", w.ID, err)
		}
		if err := diffWorkOrder(got, w); err != nil {
			errs = append(errs, fmt.Errorf("amount %s: %w", amounts[i], err))
		}
		sv, err := s.Survey(ctx, "d1", w.ID)
		if err != nil {
			return fmt.Errorf("read survey of %s: %w", w.ID, err)
		}
		if err := diffSurvey(sv, c.Surveys[i]); err != nil {
			errs = append(errs, fmt.Errorf("amount %s: %w", amounts[i], err))
		}
	}
	return errors.Join(errs...)
}
