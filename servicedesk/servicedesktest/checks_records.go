package servicedesktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// checkWorkOrderRoundTrip writes a full and a bare order, reads them back
// one by one and in a list, then replaces each with a version that drops
// what the other adds: a store keeping jobs or lines in their own tables
// must delete the old rows.
func checkWorkOrderRoundTrip(ctx context.Context, s servicedesk.Store, _ Features) error {
	full, bare := fullWorkOrder("d1", "wo-1"), bareWorkOrder("d1", "wo-2")
	if err := commit(ctx, s, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{full, bare}}, "commit a full and a bare work order"); err != nil {
		return err
	}
	if err := readWorkOrders(ctx, s, "d1", full, bare); err != nil {
		return err
	}
	shrunk := fullWorkOrder("d1", "wo-1")
	shrunk.Version, shrunk.State, shrunk.UpdatedAt = 2, servicedesk.StateClosed, at(600)
	shrunk.Booking, shrunk.Condition = nil, nil
	shrunk.Jobs = shrunk.Jobs[:1]
	shrunk.Jobs[0].Lines = shrunk.Jobs[0].Lines[1:]
	shrunk.Approvals[0].Declined = nil
	shrunk.Notes = nil
	grown := fullWorkOrder("d1", "wo-2")
	grown.Version = 2
	if err := commit(ctx, s, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{shrunk, grown}}, "update both to version 2"); err != nil {
		return err
	}
	if err := readWorkOrders(ctx, s, "d1", shrunk, grown); err != nil {
		return fmt.Errorf("after replacing the full order by a smaller one and the bare one by a full one: %w", err)
	}
	return nil
}

// readWorkOrders reads want (sorted by ID) with WorkOrder and WorkOrders.
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

func checkWorkOrderNotFound(ctx context.Context, s servicedesk.Store, _ Features) error {
	if err := commit(ctx, s, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1")}}, "seed"); err != nil {
		return err
	}
	// "WO-1" and "wo-1 " are other IDs: a case-insensitive or
	// space-padding collation must not find wo-1.
	for _, id := range []servicedesk.WorkOrderID{"wo-404", "WO-1", "wo-1 "} {
		_, err := s.WorkOrder(ctx, "d1", id)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("WorkOrder(d1, %q)", id)); err != nil {
			return err
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

func checkComplaintRoundTrip(ctx context.Context, s servicedesk.Store, _ Features) error {
	full := complaint("d1", "cp-1")
	bare := servicedesk.Complaint{DealerID: "d1", ID: "cp-2", State: servicedesk.ComplaintOpen, OpenedAt: t0, DueAt: at(60), Version: 1}
	if err := commit(ctx, s, "d1", servicedesk.Change{Complaints: []servicedesk.Complaint{full, bare}}, "commit a full and a bare complaint"); err != nil {
		return err
	}
	if err := readComplaints(ctx, s, full, bare); err != nil {
		return err
	}
	cleared := bare
	cleared.ID = "cp-1"
	cleared.Version = 2
	grown := complaint("d1", "cp-2")
	grown.Version = 2
	if err := commit(ctx, s, "d1", servicedesk.Change{Complaints: []servicedesk.Complaint{cleared, grown}}, "update both to version 2"); err != nil {
		return err
	}
	if err := readComplaints(ctx, s, cleared, grown); err != nil {
		return fmt.Errorf("after clearing the full complaint and filling the bare one: %w", err)
	}
	return nil
}

func readComplaints(ctx context.Context, s servicedesk.Store, want ...servicedesk.Complaint) error {
	for _, w := range want {
		got, err := s.Complaint(ctx, w.DealerID, w.ID)
		if err != nil {
			return fmt.Errorf("read complaint %s: %w", w.ID, err)
		}
		if err := diffComplaint(got, w); err != nil {
			return fmt.Errorf("reading the complaint: %w", err)
		}
	}
	list, err := s.Complaints(ctx, "d1", servicedesk.ComplaintQuery{Limit: 10})
	if err != nil {
		return fmt.Errorf("list complaints: %w", err)
	}
	if len(list) != len(want) {
		return fmt.Errorf("listing complaints gave %d, want %d", len(list), len(want))
	}
	for i := range want {
		if err := diffComplaint(list[i], want[i]); err != nil {
			return fmt.Errorf("listing complaints: %w", err)
		}
	}
	return nil
}

func checkComplaintNotFound(ctx context.Context, s servicedesk.Store, _ Features) error {
	if err := commit(ctx, s, "d1", servicedesk.Change{Complaints: []servicedesk.Complaint{complaint("d1", "cp-1")}}, "seed"); err != nil {
		return err
	}
	for _, id := range []servicedesk.ComplaintID{"cp-404", "CP-1", "cp-1 "} {
		_, err := s.Complaint(ctx, "d1", id)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Complaint(d1, %q)", id)); err != nil {
			return err
		}
	}
	return nil
}

func checkSurveyRoundTrip(ctx context.Context, s servicedesk.Store, _ Features) error {
	full := survey("d1", "wo-1")
	bare := servicedesk.Survey{DealerID: "d1", WorkOrder: "wo-2", AnsweredAt: t0, Version: 1}
	if err := commit(ctx, s, "d1", servicedesk.Change{Surveys: []servicedesk.Survey{full, bare}}, "commit a full and a bare survey"); err != nil {
		return err
	}
	if err := readSurveys(ctx, s, full, bare); err != nil {
		return err
	}
	changed := survey("d1", "wo-1")
	changed.Score, changed.ScaleMin, changed.ScaleMax, changed.Comment, changed.Version = amount("87.5"), amount("0"), amount("100"), "", 2
	if err := commit(ctx, s, "d1", servicedesk.Change{Surveys: []servicedesk.Survey{changed}}, "update a survey to version 2"); err != nil {
		return err
	}
	return readSurveys(ctx, s, changed, bare)
}

func readSurveys(ctx context.Context, s servicedesk.Store, want ...servicedesk.Survey) error {
	for _, w := range want {
		got, err := s.Survey(ctx, w.DealerID, w.WorkOrder)
		if err != nil {
			return fmt.Errorf("read survey of %s: %w", w.WorkOrder, err)
		}
		if err := diffSurvey(got, w); err != nil {
			return fmt.Errorf("reading the survey: %w", err)
		}
	}
	list, err := s.Surveys(ctx, "d1", servicedesk.SurveyQuery{Limit: 10})
	if err != nil {
		return fmt.Errorf("list surveys: %w", err)
	}
	if len(list) != len(want) {
		return fmt.Errorf("listing surveys gave %d, want %d", len(list), len(want))
	}
	for i := range want {
		if err := diffSurvey(list[i], want[i]); err != nil {
			return fmt.Errorf("listing surveys: %w", err)
		}
	}
	return nil
}

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
