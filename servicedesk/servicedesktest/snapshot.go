package servicedesktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// snapshot is everything a store holds for one dealer, as far as the kit
// can read it: calendar days have no list, so only the fixtures'
// (technician, day) pairs are read.
type snapshot struct {
	dealer     org.DealerID
	orders     []servicedesk.WorkOrder
	days       []servicedesk.CalendarDay
	complaints []servicedesk.Complaint
	surveys    []servicedesk.Survey
	events     []org.Event
}

func take(ctx context.Context, s servicedesk.Store, d org.DealerID) (snapshot, error) {
	sn := snapshot{dealer: d}
	var err error
	if sn.orders, err = allWorkOrders(ctx, s, d, servicedesk.WorkOrderQuery{}); err != nil {
		return sn, fmt.Errorf("snapshot of %s: %w", d, err)
	}
	for _, tech := range techs {
		for _, day := range days {
			cd, err := s.CalendarDay(ctx, d, tech, day)
			switch {
			case err == nil:
				sn.days = append(sn.days, cd)
			case !errors.Is(err, org.ErrNotFound):
				return sn, fmt.Errorf("snapshot of %s: calendar of %s on %s: %w", d, tech, day, err)
			}
		}
	}
	if sn.complaints, err = allComplaints(ctx, s, d, servicedesk.ComplaintQuery{}); err != nil {
		return sn, fmt.Errorf("snapshot of %s: %w", d, err)
	}
	if sn.surveys, err = allSurveys(ctx, s, d, servicedesk.SurveyQuery{}); err != nil {
		return sn, fmt.Errorf("snapshot of %s: %w", d, err)
	}
	if sn.events, err = kit.AllEvents(ctx, s, d); err != nil {
		return sn, fmt.Errorf("snapshot of %s: %w", d, err)
	}
	return sn, nil
}

// takeBoth snapshots two dealers.
func takeBoth(ctx context.Context, s servicedesk.Store, a, b org.DealerID) ([2]snapshot, error) {
	sa, errA := take(ctx, s, a)
	sb, errB := take(ctx, s, b)
	return [2]snapshot{sa, sb}, errors.Join(errA, errB)
}

// same reports how b differs from a, or nil.
func (a snapshot) same(b snapshot) error {
	var errs []error
	count := func(what string, was, now int) bool {
		if was != now {
			errs = append(errs, fmt.Errorf("dealer %s: %s: were %d, now %d", a.dealer, what, was, now))
			return false
		}
		return true
	}
	if count("work orders", len(a.orders), len(b.orders)) {
		for i := range a.orders {
			errs = append(errs, diffWorkOrder(b.orders[i], a.orders[i]))
		}
	}
	if count("calendar days", len(a.days), len(b.days)) {
		for i := range a.days {
			errs = append(errs, diffCalendarDay(b.days[i], a.days[i]))
		}
	}
	if count("complaints", len(a.complaints), len(b.complaints)) {
		for i := range a.complaints {
			errs = append(errs, diffComplaint(b.complaints[i], a.complaints[i]))
		}
	}
	if count("surveys", len(a.surveys), len(b.surveys)) {
		for i := range a.surveys {
			errs = append(errs, diffSurvey(b.surveys[i], a.surveys[i]))
		}
	}
	errs = append(errs, kit.DiffEvents("dealer "+string(a.dealer)+" events", b.events, a.events))
	return errors.Join(errs...)
}

func allWorkOrders(ctx context.Context, s servicedesk.Store, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	return kit.Page("work orders of "+string(d), org.MaxPage, q.After, func(w servicedesk.WorkOrder) servicedesk.WorkOrderID { return w.ID },
		func(after servicedesk.WorkOrderID, limit int) ([]servicedesk.WorkOrder, error) {
			q.After, q.Limit = after, limit
			return s.WorkOrders(ctx, d, q)
		})
}

func allComplaints(ctx context.Context, s servicedesk.Store, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
	return kit.Page("complaints of "+string(d), org.MaxPage, q.After, func(c servicedesk.Complaint) servicedesk.ComplaintID { return c.ID },
		func(after servicedesk.ComplaintID, limit int) ([]servicedesk.Complaint, error) {
			q.After, q.Limit = after, limit
			return s.Complaints(ctx, d, q)
		})
}

func allSurveys(ctx context.Context, s servicedesk.Store, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
	return kit.Page("surveys of "+string(d), org.MaxPage, q.After, func(sv servicedesk.Survey) servicedesk.WorkOrderID { return sv.WorkOrder },
		func(after servicedesk.WorkOrderID, limit int) ([]servicedesk.Survey, error) {
			q.After, q.Limit = after, limit
			return s.Surveys(ctx, d, q)
		})
}
