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

// pageIDs are in no order, and byte order is not the order a person or a
// collation would pick: upper case before "_" before lower case, "wo-10"
// before "wo-9".
var pageIDs = []string{"wo-9", "a", "B", "wo-10", "_x", "A", "Z", "wo-1", "b", "wo-2"}

// checkPages writes one record per pageIDs, then pages through them by 3
// and reads one page of 1 after an ID: each once, in byte order, no page
// longer than its Limit.
func checkPages[T any](what string, write func(id string) T, put func(*servicedesk.Change, T), key func(T) string,
	list func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]T, error)) func(context.Context, servicedesk.Store, Features) error {
	return func(ctx context.Context, s servicedesk.Store, _ Features) error {
		var c servicedesk.Change
		for _, id := range pageIDs {
			put(&c, write(id))
		}
		if err := commit(ctx, s, "d1", c, "seed"); err != nil {
			return err
		}
		want := slices.Sorted(slices.Values(pageIDs))
		read := func(after string, limit int) ([]T, error) { return list(ctx, s, after, limit) }
		got, err := kit.Page(what+" by 3", 3, "", func(x T) string { return key(x) }, read)
		if err != nil {
			return err
		}
		ids := make([]string, len(got))
		for i, x := range got {
			ids[i] = key(x)
		}
		if !slices.Equal(ids, want) {
			return fmt.Errorf("paging %s by 3 gave %q, want %q (byte order, each once)", what, ids, want)
		}
		one, err := read("wo-10", 1)
		if err != nil {
			return err
		}
		if len(one) != 1 || key(one[0]) != "wo-2" {
			return fmt.Errorf("%s after wo-10, Limit 1: got %d results %v, want wo-2 only", what, len(one), kit.Keys(one, key))
		}
		none, err := read("wo-9", 5)
		if err != nil {
			return err
		}
		if len(none) != 0 {
			return fmt.Errorf("%s after the last ID wo-9: got %v, want none", what, kit.Keys(none, key))
		}
		return nil
	}
}

var (
	checkWorkOrdersPages = checkPages("work orders",
		func(id string) servicedesk.WorkOrder { return workOrder("d1", servicedesk.WorkOrderID(id)) },
		func(c *servicedesk.Change, w servicedesk.WorkOrder) { c.WorkOrders = append(c.WorkOrders, w) }, workOrderID,
		func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]servicedesk.WorkOrder, error) {
			return s.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{After: servicedesk.WorkOrderID(after), Limit: limit})
		})
	checkComplaintsPages = checkPages("complaints",
		func(id string) servicedesk.Complaint { return complaint("d1", servicedesk.ComplaintID(id)) },
		func(c *servicedesk.Change, cp servicedesk.Complaint) { c.Complaints = append(c.Complaints, cp) }, complaintID,
		func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]servicedesk.Complaint, error) {
			return s.Complaints(ctx, "d1", servicedesk.ComplaintQuery{After: servicedesk.ComplaintID(after), Limit: limit})
		})
	checkSurveysPages = checkPages("surveys",
		func(id string) servicedesk.Survey { return survey("d1", servicedesk.WorkOrderID(id)) },
		func(c *servicedesk.Change, sv servicedesk.Survey) { c.Surveys = append(c.Surveys, sv) }, surveyWO,
		func(ctx context.Context, s servicedesk.Store, after string, limit int) ([]servicedesk.Survey, error) {
			return s.Surveys(ctx, "d1", servicedesk.SurveyQuery{After: servicedesk.WorkOrderID(after), Limit: limit})
		})
)

// Bounds of the filter checks: the lower one is inclusive, the upper one
// exclusive, and records sit a microsecond either side of each.
var (
	lower = at(60)
	upper = at(120)
	micro = time.Microsecond
)

// filterCase is one query and the IDs it must return, in order.
type filterCase[Q any] struct {
	name string
	q    Q
	want []string
}

func runFilters[T, Q any](ctx context.Context, what string, cases []filterCase[Q], key func(T) string,
	list func(ctx context.Context, q Q) ([]T, error)) error {
	for _, c := range cases {
		got, err := list(ctx, c.q)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, c.name, err)
		}
		if ids := kit.Keys(got, key); !slices.Equal(ids, c.want) {
			return fmt.Errorf("%s %s = %q, want %q", what, c.name, ids, c.want)
		}
	}
	return nil
}

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
	cases := []filterCase[q]{
		{"with no filter", q{}, []string{"w1", "w2", "w3", "w4", "w5"}},
		{"in state received", q{State: servicedesk.StateReceived}, []string{"w1", "w2"}},
		{"of advisor a1", q{Advisor: "a1"}, []string{"w1", "w3", "w5"}},
		{"booked, of advisor a2", q{State: servicedesk.StateBooked, Advisor: "a2"}, []string{"w4"}},
		{"opened from lower (inclusive)", q{OpenedFrom: lower}, []string{"w1", "w3", "w4", "w5"}},
		{"opened before upper (exclusive)", q{OpenedBefore: upper}, []string{"w1", "w2", "w3", "w5"}},
		{"opened in [lower, upper)", q{OpenedFrom: lower, OpenedBefore: upper}, []string{"w1", "w3", "w5"}},
		{"opened in [lower, upper) given in +08:00", q{OpenedFrom: lower.In(taipei), OpenedBefore: upper.In(taipei)}, []string{"w1", "w3", "w5"}},
		{"booked, of a1, opened in [lower, upper)", q{State: servicedesk.StateBooked, Advisor: "a1", OpenedFrom: lower, OpenedBefore: upper}, []string{"w3"}},
		{"in state closed", q{State: servicedesk.StateClosed}, nil},
		{"of a1, opened in [lower, upper), after w1, Limit 1", q{Advisor: "a1", OpenedFrom: lower, OpenedBefore: upper, After: "w1", Limit: 1}, []string{"w3"}},
	}
	for i := range cases {
		if cases[i].q.Limit == 0 {
			cases[i].q.Limit = 100
		}
	}
	return runFilters(ctx, "WorkOrders", cases, workOrderID, func(ctx context.Context, q q) ([]servicedesk.WorkOrder, error) {
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
	cases := []filterCase[q]{
		{"with no filter", q{}, []string{"c1", "c2", "c3", "c4", "c5"}},
		{"open", q{State: servicedesk.ComplaintOpen}, []string{"c1", "c2"}},
		{"against advisor a1", q{Advisor: "a1"}, []string{"c1", "c3"}},
		{"investigating, against a2", q{State: servicedesk.ComplaintInvestigating, Advisor: "a2"}, []string{"c4"}},
		{"opened from lower (inclusive)", q{OpenedFrom: lower}, []string{"c1", "c3", "c4", "c5"}},
		{"opened before upper (exclusive)", q{OpenedBefore: upper}, []string{"c1", "c2", "c3", "c5"}},
		{"opened in [lower, upper) given in +08:00", q{OpenedFrom: lower.In(taipei), OpenedBefore: upper.In(taipei)}, []string{"c1", "c3", "c5"}},
		{"resolved", q{State: servicedesk.ComplaintResolved}, nil},
		{"opened in [lower, upper), after c1, Limit 1", q{OpenedFrom: lower, OpenedBefore: upper, After: "c1", Limit: 1}, []string{"c3"}},
	}
	for i := range cases {
		if cases[i].q.Limit == 0 {
			cases[i].q.Limit = 100
		}
	}
	return runFilters(ctx, "Complaints", cases, complaintID, func(ctx context.Context, q q) ([]servicedesk.Complaint, error) {
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
	cases := []filterCase[q]{
		{"with no filter", q{}, []string{"w1", "w2", "w3", "w4", "w5"}},
		{"of advisor a2", q{Advisor: "a2"}, []string{"w2", "w4"}},
		{"answered from lower (inclusive)", q{AnsweredFrom: lower}, []string{"w1", "w3", "w4", "w5"}},
		{"answered before upper (exclusive)", q{AnsweredBefore: upper}, []string{"w1", "w2", "w3", "w5"}},
		{"answered in [lower, upper) given in +08:00", q{AnsweredFrom: lower.In(taipei), AnsweredBefore: upper.In(taipei)}, []string{"w1", "w3", "w5"}},
		{"of a2, answered in [lower, upper)", q{Advisor: "a2", AnsweredFrom: lower, AnsweredBefore: upper}, nil},
		{"of a1, answered in [lower, upper), after w1, Limit 1", q{Advisor: "a1", AnsweredFrom: lower, AnsweredBefore: upper, After: "w1", Limit: 1}, []string{"w3"}},
	}
	for i := range cases {
		if cases[i].q.Limit == 0 {
			cases[i].q.Limit = 100
		}
	}
	return runFilters(ctx, "Surveys", cases, surveyWO, func(ctx context.Context, q q) ([]servicedesk.Survey, error) {
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
