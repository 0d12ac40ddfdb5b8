package servicedesktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// tenant is one dealer's records in checkTenancy: the same IDs under both
// dealers, told apart by their content, and records only dB has.
func tenant(d org.DealerID, only bool) servicedesk.Change {
	mark := "of " + string(d)
	w := workOrder(d, "wo-1")
	w.Customer.Name, w.Advisor = "customer "+mark, org.EmployeeID("adv-"+d)
	cd := calendarDay(d, "t1", days[0], slot(servicedesk.WorkOrderID("wo-"+d), 0, 60))
	cp := complaint(d, "cp-1")
	cp.Description, cp.Advisor = "complaint "+mark, w.Advisor
	sv := survey(d, "wo-1")
	sv.Comment, sv.Advisor = "survey "+mark, w.Advisor
	c := servicedesk.Change{
		WorkOrders: []servicedesk.WorkOrder{w}, Calendar: []servicedesk.CalendarDay{cd},
		Complaints: []servicedesk.Complaint{cp}, Surveys: []servicedesk.Survey{sv},
		Events: []org.Event{event(d, "ev-"+string(d), "workorder/wo-1")},
	}
	if only {
		c.WorkOrders = append(c.WorkOrders, workOrder(d, "wo-only-b"))
		c.Calendar = append(c.Calendar, calendarDay(d, "t1", days[1], slot("wo-only-b", 1440, 1500)))
		c.Complaints = append(c.Complaints, complaint(d, "cp-only-b"))
		c.Surveys = append(c.Surveys, survey(d, "wo-only-b"))
	}
	return c
}

func checkTenancy(ctx context.Context, s servicedesk.Store, _ Features) error {
	a, b := tenant("dA", false), tenant("dB", true)
	if err := commit(ctx, s, "dA", a, "seed dA"); err != nil {
		return err
	}
	if err := commit(ctx, s, "dB", b, "seed dB"); err != nil {
		return err
	}
	if err := readsOwnOnly(ctx, s, a); err != nil {
		return err
	}
	if err := listsOwnOnly(ctx, s, a); err != nil {
		return err
	}
	// dA writes version 2 of every record; dB's records of the same IDs
	// must stay as they were.
	up := servicedesk.Change{WorkOrders: a.WorkOrders[:1], Calendar: a.Calendar[:1], Complaints: a.Complaints[:1], Surveys: a.Surveys[:1]}
	up.WorkOrders[0].Version, up.WorkOrders[0].Customer.Name = 2, "changed by dA"
	up.Calendar[0] = up.Calendar[0].Clone()
	up.Calendar[0].Version, up.Calendar[0].Slots = 2, nil
	up.Complaints[0].Version, up.Complaints[0].Description = 2, "changed by dA"
	up.Surveys[0].Version, up.Surveys[0].Comment = 2, "changed by dA"
	if err := commit(ctx, s, "dA", up, "update dA's records to version 2"); err != nil {
		return err
	}
	before := tenant("dB", true)
	after, err := take(ctx, s, "dB")
	if err != nil {
		return err
	}
	want := snapshot{dealer: "dB", orders: before.WorkOrders, days: before.Calendar, complaints: before.Complaints, surveys: before.Surveys}
	after.events = nil // compared by listsOwnOnly; Seq is the store's
	if err := want.same(after); err != nil {
		return fmt.Errorf("updating dA's records changed dB's records of the same IDs: %w", err)
	}
	return nil
}

// readsOwnOnly reads a's records through every single-record method:
// each must be dA's, and dB's own IDs must not be found.
func readsOwnOnly(ctx context.Context, s servicedesk.Store, a servicedesk.Change) error {
	var errs []error
	w, err := s.WorkOrder(ctx, "dA", "wo-1")
	errs = append(errs, kit.Then(err, func() error { return diffWorkOrder(w, a.WorkOrders[0]) }))
	cd, err := s.CalendarDay(ctx, "dA", "t1", days[0])
	errs = append(errs, kit.Then(err, func() error { return diffCalendarDay(cd, a.Calendar[0]) }))
	cp, err := s.Complaint(ctx, "dA", "cp-1")
	errs = append(errs, kit.Then(err, func() error { return diffComplaint(cp, a.Complaints[0]) }))
	sv, err := s.Survey(ctx, "dA", "wo-1")
	errs = append(errs, kit.Then(err, func() error { return diffSurvey(sv, a.Surveys[0]) }))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read a record of dB of the same ID: %w", err)
	}
	_, err = s.WorkOrder(ctx, "dA", "wo-only-b")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "WorkOrder(dA, wo-only-b), a work order of dB"))
	_, err = s.CalendarDay(ctx, "dA", "t1", days[1])
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "CalendarDay(dA, t1, "+days[1]+"), a day of dB"))
	_, err = s.Complaint(ctx, "dA", "cp-only-b")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Complaint(dA, cp-only-b), a complaint of dB"))
	_, err = s.Survey(ctx, "dA", "wo-only-b")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Survey(dA, wo-only-b), a survey of dB"))
	return errors.Join(errs...)
}

// listsOwnOnly lists dA's records through every list method, filters
// matching dB's records too.
func listsOwnOnly(ctx context.Context, s servicedesk.Store, a servicedesk.Change) error {
	var errs []error
	ws, err := s.WorkOrders(ctx, "dA", servicedesk.WorkOrderQuery{State: servicedesk.StateReceived, Limit: 100})
	errs = append(errs, kit.Then(err, func() error { return kit.SameKeys("WorkOrders(dA)", ws, a.WorkOrders, workOrderID) }))
	cps, err := s.Complaints(ctx, "dA", servicedesk.ComplaintQuery{Limit: 100})
	errs = append(errs, kit.Then(err, func() error { return kit.SameKeys("Complaints(dA)", cps, a.Complaints, complaintID) }))
	svs, err := s.Surveys(ctx, "dA", servicedesk.SurveyQuery{Limit: 100})
	errs = append(errs, kit.Then(err, func() error { return kit.SameKeys("Surveys(dA)", svs, a.Surveys, surveyWO) }))
	for _, w := range ws {
		errs = append(errs, diffWorkOrder(w, a.WorkOrders[0]))
	}
	for _, cp := range cps {
		errs = append(errs, diffComplaint(cp, a.Complaints[0]))
	}
	for _, sv := range svs {
		errs = append(errs, diffSurvey(sv, a.Surveys[0]))
	}
	evs, err := s.Events(ctx, "dA", 0, 100)
	errs = append(errs, kit.Then(err, func() error { return kit.SameEvents("Events(dA)", evs, a.Events) }))
	if se, ok := s.(servicedesk.SubjectEvents); ok {
		evs, err := se.SubjectEvents(ctx, "dA", "workorder/wo-1")
		errs = append(errs, kit.Then(err, func() error { return kit.SameEvents("SubjectEvents(dA, workorder/wo-1)", evs, a.Events) }))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("a list for dA holds dB's records: %w", err)
	}
	return nil
}

func workOrderID(w servicedesk.WorkOrder) string { return string(w.ID) }
func complaintID(c servicedesk.Complaint) string { return string(c.ID) }
func surveyWO(s servicedesk.Survey) string       { return string(s.WorkOrder) }
