package servicedesktest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// The pages of every list: kit.Pages.
var (
	checkWorkOrdersPages = pages("work orders",
		func(id string) servicedesk.WorkOrder { return workOrder("d1", servicedesk.WorkOrderID(id)) },
		func(w []servicedesk.WorkOrder) servicedesk.Change { return servicedesk.Change{WorkOrders: w} }, workOrderID,
		func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]servicedesk.WorkOrder, error) {
			return s.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{After: servicedesk.WorkOrderID(after), Limit: limit})
		})
	checkComplaintsPages = pages("complaints",
		func(id string) servicedesk.Complaint { return complaint("d1", servicedesk.ComplaintID(id)) },
		func(cs []servicedesk.Complaint) servicedesk.Change { return servicedesk.Change{Complaints: cs} }, complaintID,
		func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]servicedesk.Complaint, error) {
			return s.Complaints(ctx, "d1", servicedesk.ComplaintQuery{After: servicedesk.ComplaintID(after), Limit: limit})
		})
	checkSurveysPages = pages("surveys",
		func(id string) servicedesk.Survey { return survey("d1", servicedesk.WorkOrderID(id)) },
		func(sv []servicedesk.Survey) servicedesk.Change { return servicedesk.Change{Surveys: sv} }, surveyWO,
		func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]servicedesk.Survey, error) {
			return s.Surveys(ctx, "d1", servicedesk.SurveyQuery{After: servicedesk.WorkOrderID(after), Limit: limit})
		})
)

// pages is the check kit.Pages makes of a list.
func pages[T any, K ~string](what string, mk func(K) T, change func([]T) servicedesk.Change, key func(T) K,
	list func(ctx context.Context, s servicedesk.Store, after K, limit int) ([]T, error)) func(context.Context, servicedesk.Store, Features) error {
	return func(ctx context.Context, s servicedesk.Store, _ Features) error {
		return kit.Pages(what, func(recs []T) error { return s.Commit(ctx, "d1", change(recs)) }, mk, key,
			func(after K, limit int) ([]T, error) { return list(ctx, s, after, limit) })
	}
}

// Bounds of the filter checks: the lower one is inclusive, the upper one
// exclusive, and records sit a microsecond either side of each.
var (
	lower = at(60)
	upper = at(120)
	micro = time.Microsecond
)

func checkWorkOrdersFilters(ctx context.Context, s servicedesk.Store, _ Features) error {
	mk := func(id string, st servicedesk.State, adv org.EmployeeID, opened time.Time) servicedesk.WorkOrder {
		w := workOrder("d1", servicedesk.WorkOrderID(id))
		w.State, w.Advisor, w.OpenedAt = st, adv, opened
		return w
	}
	c := servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{
		mk("w1", servicedesk.StateReceived, "a1", lower),
		mk("w2", servicedesk.StateReceived, "a2", lower.Add(-micro)),
		mk("w3", servicedesk.StateBooked, "a1", upper.Add(-micro)),
		mk("w4", servicedesk.StateBooked, "a2", upper),
		mk("w5", servicedesk.StateDelivered, "a1", lower.Add(30*time.Minute)),
	}}
	if err := commit(ctx, s, "d1", c, "seed"); err != nil {
		return err
	}
	type q = servicedesk.WorkOrderQuery
	cases := []kit.Filter[q]{
		kit.Query("with no filter", q{}, "w1", "w2", "w3", "w4", "w5"),
		kit.Query("in state received", q{State: servicedesk.StateReceived}, "w1", "w2"),
		kit.Query("of advisor a1", q{Advisor: "a1"}, "w1", "w3", "w5"),
		kit.Query("booked, of advisor a2", q{State: servicedesk.StateBooked, Advisor: "a2"}, "w4"),
		kit.Query("opened from lower (inclusive)", q{OpenedFrom: lower}, "w1", "w3", "w4", "w5"),
		kit.Query("opened before upper (exclusive)", q{OpenedBefore: upper}, "w1", "w2", "w3", "w5"),
		kit.Query("opened in [lower, upper)", q{OpenedFrom: lower, OpenedBefore: upper}, "w1", "w3", "w5"),
		kit.Query("opened in [lower, upper) given in +08:00", q{OpenedFrom: lower.In(taipei), OpenedBefore: upper.In(taipei)}, "w1", "w3", "w5"),
		kit.Query("booked, of a1, opened in [lower, upper)", q{State: servicedesk.StateBooked, Advisor: "a1", OpenedFrom: lower, OpenedBefore: upper}, "w3"),
		kit.Query("in state closed", q{State: servicedesk.StateClosed}),
		kit.Query("of a1, opened in [lower, upper), after w1, Limit 1", q{Advisor: "a1", OpenedFrom: lower, OpenedBefore: upper, After: "w1", Limit: 1}, "w3"),
	}
	for i := range cases {
		if cases[i].Q.Limit == 0 {
			cases[i].Q.Limit = 100
		}
	}
	return kit.Filters("WorkOrders", cases, workOrderID, func(q q) ([]servicedesk.WorkOrder, error) {
		return s.WorkOrders(ctx, "d1", q)
	})
}

func checkComplaintsFilters(ctx context.Context, s servicedesk.Store, _ Features) error {
	mk := func(id string, st servicedesk.ComplaintState, adv org.EmployeeID, opened time.Time) servicedesk.Complaint {
		c := complaint("d1", servicedesk.ComplaintID(id))
		c.State, c.Advisor, c.OpenedAt = st, adv, opened
		return c
	}
	c := servicedesk.Change{Complaints: []servicedesk.Complaint{
		mk("c1", servicedesk.ComplaintOpen, "a1", lower),
		mk("c2", servicedesk.ComplaintOpen, "a2", lower.Add(-micro)),
		mk("c3", servicedesk.ComplaintInvestigating, "a1", upper.Add(-micro)),
		mk("c4", servicedesk.ComplaintInvestigating, "a2", upper),
		mk("c5", servicedesk.ComplaintClosed, "", lower.Add(30*time.Minute)), // against the department
	}}
	if err := commit(ctx, s, "d1", c, "seed"); err != nil {
		return err
	}
	type q = servicedesk.ComplaintQuery
	cases := []kit.Filter[q]{
		kit.Query("with no filter", q{}, "c1", "c2", "c3", "c4", "c5"),
		kit.Query("open", q{State: servicedesk.ComplaintOpen}, "c1", "c2"),
		kit.Query("against advisor a1", q{Advisor: "a1"}, "c1", "c3"),
		kit.Query("investigating, against a2", q{State: servicedesk.ComplaintInvestigating, Advisor: "a2"}, "c4"),
		kit.Query("opened from lower (inclusive)", q{OpenedFrom: lower}, "c1", "c3", "c4", "c5"),
		kit.Query("opened before upper (exclusive)", q{OpenedBefore: upper}, "c1", "c2", "c3", "c5"),
		kit.Query("opened in [lower, upper) given in +08:00", q{OpenedFrom: lower.In(taipei), OpenedBefore: upper.In(taipei)}, "c1", "c3", "c5"),
		kit.Query("resolved", q{State: servicedesk.ComplaintResolved}),
		kit.Query("opened in [lower, upper), after c1, Limit 1", q{OpenedFrom: lower, OpenedBefore: upper, After: "c1", Limit: 1}, "c3"),
	}
	for i := range cases {
		if cases[i].Q.Limit == 0 {
			cases[i].Q.Limit = 100
		}
	}
	return kit.Filters("Complaints", cases, complaintID, func(q q) ([]servicedesk.Complaint, error) {
		return s.Complaints(ctx, "d1", q)
	})
}

func checkSurveysFilters(ctx context.Context, s servicedesk.Store, _ Features) error {
	mk := func(wo string, adv org.EmployeeID, answered time.Time) servicedesk.Survey {
		sv := survey("d1", servicedesk.WorkOrderID(wo))
		sv.Advisor, sv.AnsweredAt = adv, answered
		return sv
	}
	c := servicedesk.Change{Surveys: []servicedesk.Survey{
		mk("w1", "a1", lower),
		mk("w2", "a2", lower.Add(-micro)),
		mk("w3", "a1", upper.Add(-micro)),
		mk("w4", "a2", upper),
		mk("w5", "a1", lower.Add(30*time.Minute)),
	}}
	if err := commit(ctx, s, "d1", c, "seed"); err != nil {
		return err
	}
	type q = servicedesk.SurveyQuery
	cases := []kit.Filter[q]{
		kit.Query("with no filter", q{}, "w1", "w2", "w3", "w4", "w5"),
		kit.Query("of advisor a2", q{Advisor: "a2"}, "w2", "w4"),
		kit.Query("answered from lower (inclusive)", q{AnsweredFrom: lower}, "w1", "w3", "w4", "w5"),
		kit.Query("answered before upper (exclusive)", q{AnsweredBefore: upper}, "w1", "w2", "w3", "w5"),
		kit.Query("answered in [lower, upper) given in +08:00", q{AnsweredFrom: lower.In(taipei), AnsweredBefore: upper.In(taipei)}, "w1", "w3", "w5"),
		kit.Query("of a2, answered in [lower, upper)", q{Advisor: "a2", AnsweredFrom: lower, AnsweredBefore: upper}),
		kit.Query("of a1, answered in [lower, upper), after w1, Limit 1", q{Advisor: "a1", AnsweredFrom: lower, AnsweredBefore: upper, After: "w1", Limit: 1}, "w3"),
	}
	for i := range cases {
		if cases[i].Q.Limit == 0 {
			cases[i].Q.Limit = 100
		}
	}
	return kit.Filters("Surveys", cases, surveyWO, func(q q) ([]servicedesk.Survey, error) {
		return s.Surveys(ctx, "d1", q)
	})
}

func checkEmpty(ctx context.Context, s servicedesk.Store, _ Features) error {
	for _, d := range []org.DealerID{"never-seen", "d1"} {
		if d == "d1" {
			if err := commit(ctx, s, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1")}}, "seed"); err != nil {
				return err
			}
		}
		ws, err := s.WorkOrders(ctx, d, servicedesk.WorkOrderQuery{State: servicedesk.StateClosed, Limit: 10})
		if err != nil || len(ws) != 0 {
			return fmt.Errorf("WorkOrders(%s) matching nothing: %d results, err %v; want none, nil", d, len(ws), err)
		}
		cps, err := s.Complaints(ctx, d, servicedesk.ComplaintQuery{Limit: 10})
		if err != nil || len(cps) != 0 {
			return fmt.Errorf("Complaints(%s) with no complaints: %d results, err %v; want none, nil", d, len(cps), err)
		}
		svs, err := s.Surveys(ctx, d, servicedesk.SurveyQuery{Limit: 10})
		if err != nil || len(svs) != 0 {
			return fmt.Errorf("Surveys(%s) with no surveys: %d results, err %v; want none, nil", d, len(svs), err)
		}
		evs, err := s.Events(ctx, d, 0, 10)
		if err != nil || len(evs) != 0 {
			return fmt.Errorf("Events(%s) with no events: %d results, err %v; want none, nil", d, len(evs), err)
		}
		if se, ok := s.(servicedesk.SubjectEvents); ok {
			evs, err := se.SubjectEvents(ctx, d, "workorder/wo-1")
			if err != nil || len(evs) != 0 {
				return fmt.Errorf("SubjectEvents(%s, workorder/wo-1) with no events: %d results, err %v; want none, nil", d, len(evs), err)
			}
		}
	}
	return nil
}

// checkLargeMonth writes 2000 orders in November (dealer time) and a few
// either side, then pages November as the Service's monthly figures do.
func checkLargeMonth(ctx context.Context, s servicedesk.Store, _ Features) error {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, taipei)
	end := start.AddDate(0, 1, 0)
	const n = 2000
	span := end.Sub(start)
	var want []string
	batch := servicedesk.Change{}
	flush := func() error {
		err := commit(ctx, s, "d1", batch, fmt.Sprintf("commit a batch of %d orders", len(batch.WorkOrders)))
		batch = servicedesk.Change{}
		return err
	}
	for i := range n + 40 {
		id := fmt.Sprintf("wo-%d", i) // not zero-padded: byte order is not numeric order
		w := workOrder("d1", servicedesk.WorkOrderID(id))
		switch {
		case i < n:
			w.OpenedAt = start.Add(span / n * time.Duration(i)).UTC().Truncate(micro)
			want = append(want, id)
		case i%2 == 0:
			w.OpenedAt = start.Add(-time.Duration(i) * time.Minute).UTC()
		default:
			w.OpenedAt = end.Add(time.Duration(i-n) * time.Minute).UTC()
		}
		batch.WorkOrders = append(batch.WorkOrders, w)
		if len(batch.WorkOrders) == 100 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch.WorkOrders) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	slices.Sort(want)
	got, err := allWorkOrders(ctx, s, "d1", servicedesk.WorkOrderQuery{OpenedFrom: start, OpenedBefore: end})
	if err != nil {
		return err
	}
	ids := kit.Keys(got, workOrderID)
	if !slices.Equal(ids, want) {
		return fmt.Errorf("paging November by %d gave %d orders, want %d, each once in byte order; first difference at %d", org.MaxPage, len(ids), len(want), kit.FirstDiff(ids, want))
	}
	return nil
}
