package servicedesktest_test

// The store kit_test.go bends: over, memstore with some methods replaced.

import (
	"context"
	"slices"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one. Every method passes through the
// Hooks the generic stores of kitcheck bend.
type over struct {
	memstore.DeskStore
	h kitcheck.Hooks[servicedesk.Store, servicedesk.Change]

	workOrder     func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error)
	workOrders    func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error)
	calendarDay   func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error)
	complaint     func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error)
	complaints    func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error)
	survey        func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error)
	surveys       func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error)
	events        func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	subjectEvents func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error)
	commit        func(ctx context.Context, d org.DealerID, c servicedesk.Change) error
}

var (
	_ servicedesk.Store         = (*over)(nil)
	_ servicedesk.SubjectEvents = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() servicedesk.Store {
	return func() servicedesk.Store {
		b := memstore.New().ServiceDesk()
		o := &over{DeskStore: b, h: kitcheck.Hooks[servicedesk.Store, servicedesk.Change]{Base: b}}
		o.workOrder, o.workOrders, o.calendarDay = b.WorkOrder, b.WorkOrders, b.CalendarDay
		o.complaint, o.complaints, o.survey, o.surveys = b.Complaint, b.Complaints, b.Survey, b.Surveys
		o.events, o.subjectEvents, o.commit = b.Events, b.SubjectEvents, b.Commit
		fn(o)
		return o
	}
}

// hooked is the opener of the generic stores of kitcheck.
func hooked(fn func(h *kitcheck.Hooks[servicedesk.Store, servicedesk.Change])) func() servicedesk.Store {
	return bend(func(o *over) { fn(&o.h) })
}

// roster and billing are the views featuresOf finds.
func (o *over) roster() org.Store { return o.DeskStore.Store }

func (o *over) billing() billing.Store { return o.DeskStore.Billing() }

func (o *over) WorkOrder(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
	return kitcheck.ByKey(&o.h, id, func(id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) { return o.workOrder(ctx, d, id) })
}

func (o *over) WorkOrders(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
	return kitcheck.List(&o.h, "WorkOrders", d, func(d org.DealerID) ([]servicedesk.WorkOrder, error) { return o.workOrders(ctx, d, q) })
}

// CalendarDay is read by its technician as the key (the day is a date).
func (o *over) CalendarDay(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
	return kitcheck.ByKey(&o.h, tech, func(tech org.EmployeeID) (servicedesk.CalendarDay, error) { return o.calendarDay(ctx, d, tech, day) })
}

func (o *over) Complaint(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
	return kitcheck.ByKey(&o.h, id, func(id servicedesk.ComplaintID) (servicedesk.Complaint, error) { return o.complaint(ctx, d, id) })
}

func (o *over) Complaints(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
	return kitcheck.List(&o.h, "Complaints", d, func(d org.DealerID) ([]servicedesk.Complaint, error) { return o.complaints(ctx, d, q) })
}

func (o *over) Survey(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
	return kitcheck.ByKey(&o.h, wo, func(wo servicedesk.WorkOrderID) (servicedesk.Survey, error) { return o.survey(ctx, d, wo) })
}

func (o *over) Surveys(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
	return kitcheck.List(&o.h, "Surveys", d, func(d org.DealerID) ([]servicedesk.Survey, error) { return o.surveys(ctx, d, q) })
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.h.Events(d, after, limit, func(d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return o.events(ctx, d, after, limit)
	})
}

// SubjectEvents passes through the Hooks as a read, not as the trail: the
// kit's own stores break it (kit_test.go).
func (o *over) SubjectEvents(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
	return kitcheck.List(&o.h, "SubjectEvents", d, func(d org.DealerID) ([]org.Event, error) { return o.subjectEvents(ctx, d, subject) })
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
	return kitcheck.Committed(&o.h, ctx, d, c, o.commit)
}

// bendCommit returns an opener of memstore whose Commit writes fn(c), c a
// copy of the change committed.
func bendCommit(fn func(servicedesk.Change) servicedesk.Change) func() servicedesk.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
			return o.DeskStore.Commit(ctx, d, fn(kitcheck.DeepCopy(c)))
		}
	})
}

func bendWorkOrders(fn func(q *servicedesk.WorkOrderQuery)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
			fn(&q)
			return o.DeskStore.WorkOrders(ctx, d, q)
		}
	})
}

func bendComplaints(fn func(q *servicedesk.ComplaintQuery)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
			fn(&q)
			return o.DeskStore.Complaints(ctx, d, q)
		}
	})
}

func bendSurveys(fn func(q *servicedesk.SurveyQuery)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
			fn(&q)
			return o.DeskStore.Surveys(ctx, d, q)
		}
	})
}

func bendSubject(fn func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
			return fn(o, ctx, d, subject)
		}
	})
}

// mapEvents passes what Events and SubjectEvents read from memstore
// through fn.
func (o *over) mapEvents(fn func(d org.DealerID, evs []org.Event) []org.Event) {
	o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
		evs, err := o.DeskStore.Events(ctx, d, after, limit)
		return fn(d, evs), err
	}
	o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
		evs, err := o.DeskStore.SubjectEvents(ctx, d, subject)
		return fn(d, evs), err
	}
}

// bendCalendarKey files every calendar day under key(tech, day): a store
// whose primary key misses a column.
func bendCalendarKey(key func(org.EmployeeID, string) (org.EmployeeID, string)) func() servicedesk.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
			c = kitcheck.DeepCopy(c)
			for i := range c.Calendar {
				c.Calendar[i].Technician, c.Calendar[i].Day = key(c.Calendar[i].Technician, c.Calendar[i].Day)
			}
			return o.DeskStore.Commit(ctx, d, c)
		}
		o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
			kt, kd := key(tech, day)
			cd, err := o.DeskStore.CalendarDay(ctx, d, kt, kd)
			if err == nil {
				cd.Technician, cd.Day = tech, day
			}
			return cd, err
		}
	})
}

// trail returns every event of dealer d as memstore keeps it.
func (o *over) trail(ctx context.Context, d org.DealerID) ([]org.Event, error) {
	var all []org.Event
	for {
		var after int64
		if len(all) > 0 {
			after = all[len(all)-1].Seq
		}
		page, err := o.DeskStore.Events(ctx, d, after, org.MaxPage)
		if err != nil || len(page) == 0 {
			return all, err
		}
		all = append(all, page...)
	}
}

// filterTrail returns the dealer's events whose subject matches.
func filterTrail(ctx context.Context, o *over, d org.DealerID, match func(string) bool) ([]org.Event, error) {
	evs, err := o.trail(ctx, d)
	return slices.DeleteFunc(evs, func(ev org.Event) bool { return !match(ev.Subject) }), err
}

// likeUnderscore is SQL's LIKE with _ as its only wildcard.
func likeUnderscore(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	if len(p) != len(r) {
		return false
	}
	for i := range p {
		if p[i] != '_' && p[i] != r[i] {
			return false
		}
	}
	return true
}

// mergeBy is old's elements whose key is not in latest, after latest's.
func mergeBy[T any](old, latest []T, key func(T) string) []T {
	out := slices.Clone(latest)
	for _, x := range old {
		if !slices.ContainsFunc(latest, func(y T) bool { return key(y) == key(x) }) {
			out = append(out, x)
		}
	}
	return out
}
