package servicedesktest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// The servicedesk domain as the shared store rules see it (internal/kit):
// its four record kinds. The rules every kind keeps (versions, a record
// twice in a change, atomic commits, tenancy, copies, the trail, a done
// context) run from internal/kit on each of them; this package keeps the
// checks only servicedesk has, and the part of three shared rules that
// concerns SubjectEvents, an optional read internal/kit cannot declare
// (see also).

// domain declares servicedesk.Store to the shared rules. A Change also
// carries Redactions and Billing: the shared rules leave them empty, and
// the kit's own checks write them.
func domain(Features) *kit.Domain[servicedesk.Store, servicedesk.Change] {
	return &kit.Domain[servicedesk.Store, servicedesk.Change]{
		Kit: "servicedesktest",
		Commit: func(ctx context.Context, s servicedesk.Store, d org.DealerID, c servicedesk.Change) error {
			return s.Commit(ctx, d, c)
		},
		// servicedesk.Store reads its trail itself.
		Events:   func(s servicedesk.Store) kit.EventReader { return s },
		EventsIn: func(c *servicedesk.Change) *[]org.Event { return &c.Events },
		Event:    func(d org.DealerID, id string) org.Event { return event(d, id, subject) },
		Kinds:    []kit.Kind[servicedesk.Store, servicedesk.Change]{workOrders, calendarDays, complaints, surveys},
		Skip:     ErrSkip,
	}
}

// subject is the subject of the shared rules' events.
const subject = "workorder/wo-1"

// shared returns the shared rules as the kit's Checks, each followed by
// its part in also, if any.
func shared() []Check {
	var cs []Check
	for i, c := range domain(Features{}).Checks() {
		more := also[c.Name]
		rule := c.Rule
		if more != nil {
			rule += "; SubjectEvents too, when the store offers it"
		}
		cs = append(cs, check(c.Name, rule, func(ctx context.Context, s servicedesk.Store, f Features) error {
			if err := domain(f).Checks()[i].Run(ctx, s); err != nil || more == nil {
				return err
			}
			return more(ctx, s)
		}))
	}
	return cs
}

type (
	store  = servicedesk.Store
	change = servicedesk.Change
)

// Calendar days are keyed by technician and day: records 1 and 2 share
// the technician, records 1 and 3 the day, so a store that keys a day by
// one of the two is caught.
var dayKeys = [...]struct {
	tech org.EmployeeID
	day  string
}{{techs[0], days[0]}, {techs[0], days[1]}, {techs[1], days[0]}, {techs[1], days[1]}}

var workOrders = kit.Declare(kit.Record[store, change, servicedesk.WorkOrder]{
	Label: "WorkOrder", Name: "work order",
	Make: func(d org.DealerID, n int) servicedesk.WorkOrder {
		return workOrder(d, servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)))
	},
	Full: func(d org.DealerID, n int) servicedesk.WorkOrder {
		return fullWorkOrder(d, servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)))
	},
	Key:     workOrderID,
	Version: func(w *servicedesk.WorkOrder) *int64 { return &w.Version },
	Edit:    func(w *servicedesk.WorkOrder, s string) { w.Customer.Name = s },
	In:      func(c *change) *[]servicedesk.WorkOrder { return &c.WorkOrders },
	Get: func(ctx context.Context, s store, d org.DealerID, w servicedesk.WorkOrder) (servicedesk.WorkOrder, error) {
		return s.WorkOrder(ctx, d, w.ID)
	},
	// Each list, unfiltered and filtered (the bounds an hour either side:
	// where they cut is WorkOrdersFilters' to check).
	Reads: []kit.Read[store, servicedesk.WorkOrder]{
		{Name: "WorkOrders", Of: func(ctx context.Context, s store, d org.DealerID, _ servicedesk.WorkOrder) ([]servicedesk.WorkOrder, error) {
			return s.WorkOrders(ctx, d, servicedesk.WorkOrderQuery{Limit: org.MaxPage})
		}},
		{Name: "WorkOrders of its state and advisor, opened within the hour", Of: func(ctx context.Context, s store, d org.DealerID, w servicedesk.WorkOrder) ([]servicedesk.WorkOrder, error) {
			return s.WorkOrders(ctx, d, servicedesk.WorkOrderQuery{State: w.State, Advisor: w.Advisor,
				OpenedFrom: w.OpenedAt.Add(-time.Hour), OpenedBefore: w.OpenedAt.Add(time.Hour), Limit: org.MaxPage})
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]servicedesk.WorkOrder, error) {
		return allWorkOrders(ctx, s, d, servicedesk.WorkOrderQuery{})
	},
	Diff:      diffWorkOrder,
	RoundTrip: "a committed work order reads back with every field as written: amounts exact, instants in UTC to the microsecond, nil pointers nil",
	NotFound:  "WorkOrder returns ErrNotFound for an unknown work order",
	SetKey:    func(w *servicedesk.WorkOrder, k string) { w.ID = servicedesk.WorkOrderID(k) },
})

var calendarDays = kit.Declare(kit.Record[store, change, servicedesk.CalendarDay]{
	Label: "CalendarDay", Name: "calendar day", KeyName: "technician, day",
	Make: func(d org.DealerID, n int) servicedesk.CalendarDay {
		k := dayKeys[(n-1)%len(dayKeys)]
		return calendarDay(d, k.tech, k.day, slot(servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)), n*60, n*60+30))
	},
	Full: func(d org.DealerID, n int) servicedesk.CalendarDay {
		k := dayKeys[(n-1)%len(dayKeys)]
		return calendarDay(d, k.tech, k.day, slot(servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)), 0, 60), slot("wo-other", 90, 120))
	},
	Key:     func(c servicedesk.CalendarDay) string { return string(c.Technician) + " on " + c.Day },
	Version: func(c *servicedesk.CalendarDay) *int64 { return &c.Version },
	Edit: func(c *servicedesk.CalendarDay, s string) {
		c.Slots = append(c.Slots, servicedesk.Slot{WorkOrder: servicedesk.WorkOrderID(s), Start: at(900), End: at(960)})
	},
	In: func(c *change) *[]servicedesk.CalendarDay { return &c.Calendar },
	Get: func(ctx context.Context, s store, d org.DealerID, cd servicedesk.CalendarDay) (servicedesk.CalendarDay, error) {
		return s.CalendarDay(ctx, d, cd.Technician, cd.Day)
	},
	// Calendar days have no list: a snapshot reads the fixtures' pairs.
	All: func(ctx context.Context, s store, d org.DealerID) ([]servicedesk.CalendarDay, error) {
		var out []servicedesk.CalendarDay
		for _, tech := range techs {
			for _, day := range days {
				cd, err := s.CalendarDay(ctx, d, tech, day)
				switch {
				case err == nil:
					out = append(out, cd)
				case !errors.Is(err, org.ErrNotFound):
					return nil, fmt.Errorf("calendar of %s on %s: %w", tech, day, err)
				}
			}
		}
		return out, nil
	},
	Diff: diffCalendarDay,
})

var complaints = kit.Declare(kit.Record[store, change, servicedesk.Complaint]{
	Label: "Complaint", Name: "complaint",
	// Record n bare (no advisor, customer, handler, resolution...), full
	// with every field set: the round trip fills one and clears the other.
	Make: func(d org.DealerID, n int) servicedesk.Complaint {
		return servicedesk.Complaint{DealerID: d, ID: servicedesk.ComplaintID(fmt.Sprintf("cp-%d", n)), State: servicedesk.ComplaintOpen, OpenedAt: t0, DueAt: at(60), Version: 1}
	},
	Full: func(d org.DealerID, n int) servicedesk.Complaint {
		return complaint(d, servicedesk.ComplaintID(fmt.Sprintf("cp-%d", n)))
	},
	Key:     complaintID,
	Version: func(c *servicedesk.Complaint) *int64 { return &c.Version },
	Edit:    func(c *servicedesk.Complaint, s string) { c.Description = s },
	In:      func(c *change) *[]servicedesk.Complaint { return &c.Complaints },
	Get: func(ctx context.Context, s store, d org.DealerID, cp servicedesk.Complaint) (servicedesk.Complaint, error) {
		return s.Complaint(ctx, d, cp.ID)
	},
	Reads: []kit.Read[store, servicedesk.Complaint]{
		{Name: "Complaints", Of: func(ctx context.Context, s store, d org.DealerID, _ servicedesk.Complaint) ([]servicedesk.Complaint, error) {
			return s.Complaints(ctx, d, servicedesk.ComplaintQuery{Limit: org.MaxPage})
		}},
		{Name: "Complaints of its state and advisor, opened within the hour", Of: func(ctx context.Context, s store, d org.DealerID, cp servicedesk.Complaint) ([]servicedesk.Complaint, error) {
			return s.Complaints(ctx, d, servicedesk.ComplaintQuery{State: cp.State, Advisor: cp.Advisor,
				OpenedFrom: cp.OpenedAt.Add(-time.Hour), OpenedBefore: cp.OpenedAt.Add(time.Hour), Limit: org.MaxPage})
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]servicedesk.Complaint, error) {
		return allComplaints(ctx, s, d, servicedesk.ComplaintQuery{})
	},
	Diff:      diffComplaint,
	RoundTrip: "a committed complaint reads back with every field as written",
	NotFound:  "Complaint returns ErrNotFound for an unknown complaint",
	SetKey:    func(c *servicedesk.Complaint, k string) { c.ID = servicedesk.ComplaintID(k) },
})

var surveys = kit.Declare(kit.Record[store, change, servicedesk.Survey]{
	Label: "Survey", Name: "survey", KeyName: "work order",
	// Record n bare (no advisor, score nor comment), full with every
	// field set: the round trip fills one and clears the other.
	Make: func(d org.DealerID, n int) servicedesk.Survey {
		return servicedesk.Survey{DealerID: d, WorkOrder: servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)), AnsweredAt: t0, Version: 1}
	},
	Full: func(d org.DealerID, n int) servicedesk.Survey {
		return survey(d, servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)))
	},
	Key:     func(sv servicedesk.Survey) string { return "of " + string(sv.WorkOrder) },
	Version: func(sv *servicedesk.Survey) *int64 { return &sv.Version },
	// Edit writes Source, so the round trip's update of the full survey
	// by a bare one clears its Comment.
	Edit: func(sv *servicedesk.Survey, s string) { sv.Source = s },
	In:   func(c *change) *[]servicedesk.Survey { return &c.Surveys },
	Get: func(ctx context.Context, s store, d org.DealerID, sv servicedesk.Survey) (servicedesk.Survey, error) {
		return s.Survey(ctx, d, sv.WorkOrder)
	},
	Reads: []kit.Read[store, servicedesk.Survey]{
		{Name: "Surveys", Of: func(ctx context.Context, s store, d org.DealerID, _ servicedesk.Survey) ([]servicedesk.Survey, error) {
			return s.Surveys(ctx, d, servicedesk.SurveyQuery{Limit: org.MaxPage})
		}},
		{Name: "Surveys of its advisor, answered within the hour", Of: func(ctx context.Context, s store, d org.DealerID, sv servicedesk.Survey) ([]servicedesk.Survey, error) {
			return s.Surveys(ctx, d, servicedesk.SurveyQuery{Advisor: sv.Advisor,
				AnsweredFrom: sv.AnsweredAt.Add(-time.Hour), AnsweredBefore: sv.AnsweredAt.Add(time.Hour), Limit: org.MaxPage})
		}},
	},
	All: func(ctx context.Context, s store, d org.DealerID) ([]servicedesk.Survey, error) {
		return allSurveys(ctx, s, d, servicedesk.SurveyQuery{})
	},
	Diff:      diffSurvey,
	RoundTrip: "a survey, keyed by its work order, reads back with every field as written",
})

func workOrderID(w servicedesk.WorkOrder) string { return string(w.ID) }
func complaintID(c servicedesk.Complaint) string { return string(c.ID) }
func surveyWO(s servicedesk.Survey) string       { return string(s.WorkOrder) }

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

// also are the parts of shared rules that concern SubjectEvents, each run
// after the shared check of its name on the same store: internal/kit reads
// the trail through Events only, and has no way to declare another read
// of it. They write events of a subject or dealers of their own, which
// the shared checks never write.
var also = map[string]func(ctx context.Context, s servicedesk.Store) error{
	"ReadsAreCopies":   subjectEventsAreCopies,
	"TenancyIsolation": subjectEventsOwnOnly,
	"ContextDone":      subjectEventsContextDone,
}

// subjectEventsAreCopies commits an event of a subject of its own,
// scribbles on its Data, then reads it through SubjectEvents twice,
// scribbling on what each read returned.
func subjectEventsAreCopies(ctx context.Context, s servicedesk.Store) error {
	se, ok := s.(servicedesk.SubjectEvents)
	if !ok {
		return nil
	}
	const subj = "complaint/cp-copies"
	ev := event("d1", "ev-copies", subj)
	if err := commit(ctx, s, "d1", servicedesk.Change{Events: []org.Event{ev}}, "commit an event of "+subj); err != nil {
		return err
	}
	ev.Data[2] = 'X'
	for round := range 2 {
		got, err := se.SubjectEvents(ctx, "d1", subj)
		if err != nil {
			return err
		}
		err = kit.SameEvents("SubjectEvents(d1, "+subj+")", got, []org.Event{event("d1", "ev-copies", subj)})
		for _, ev := range got {
			if len(ev.Data) > 2 {
				ev.Data[2] = 'Y'
			}
		}
		if err != nil {
			what := "after the caller changed the committed event's Data"
			if round > 0 {
				what = "after the caller changed the Data SubjectEvents returned"
			}
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// subjectEventsOwnOnly writes events of one subject under dS and dT, and
// more under dT: SubjectEvents gives each dealer its own, and a dealer
// with none no event.
func subjectEventsOwnOnly(ctx context.Context, s servicedesk.Store) error {
	se, ok := s.(servicedesk.SubjectEvents)
	if !ok {
		return nil
	}
	mine := []org.Event{event("dS", "ev-dS", subject)}
	if err := commit(ctx, s, "dS", servicedesk.Change{Events: mine}, "commit an event of dS"); err != nil {
		return err
	}
	if err := commit(ctx, s, "dT", servicedesk.Change{Events: events("dT", "ev-dT", subject, 2)}, "commit events of dT"); err != nil {
		return err
	}
	got, err := se.SubjectEvents(ctx, "dS", subject)
	errs := []error{kit.Then(err, func() error { return kit.SameEvents("SubjectEvents(dS, "+subject+")", got, mine) })}
	none, err := se.SubjectEvents(ctx, "dU", subject)
	errs = append(errs, kit.Then(err, func() error {
		return kit.SameEvents("SubjectEvents(dU, "+subject+"), for a dealer with no events", none, nil)
	}))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("SubjectEvents of a dealer holds another's events: %w", err)
	}
	return nil
}

// subjectEventsContextDone calls SubjectEvents with a done context.
func subjectEventsContextDone(ctx context.Context, s servicedesk.Store) error {
	se, ok := s.(servicedesk.SubjectEvents)
	if !ok {
		return nil
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := se.SubjectEvents(done, "dS", subject); !errors.Is(err, done.Err()) {
		return fmt.Errorf("SubjectEvents with a cancelled context returned %v, want an error matching %v", err, done.Err())
	}
	return nil
}
