package servicedesktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// kind is what the version rule needs of one record kind.
type kind[T any] struct {
	name string
	// make returns record n of dealer d at version 1. Records 1 and 2
	// share the calendar day's technician, records 1 and 3 its day: a
	// store that keys a day by one of the two is caught.
	make    func(d org.DealerID, n int) T
	key     func(T) string
	version func(*T) *int64
	// edit changes a field, so an overwrite shows.
	edit func(*T, string)
	put  func(*servicedesk.Change, T)
	read func(ctx context.Context, s servicedesk.Store, d org.DealerID, like T) (T, error)
	diff func(got, want T) error
}

var workOrders = kind[servicedesk.WorkOrder]{
	name: "work order",
	make: func(d org.DealerID, n int) servicedesk.WorkOrder {
		return workOrder(d, servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)))
	},
	key:     func(w servicedesk.WorkOrder) string { return string(w.ID) },
	version: func(w *servicedesk.WorkOrder) *int64 { return &w.Version },
	edit:    func(w *servicedesk.WorkOrder, s string) { w.Customer.Name = s },
	put:     func(c *servicedesk.Change, w servicedesk.WorkOrder) { c.WorkOrders = append(c.WorkOrders, w) },
	read: func(ctx context.Context, s servicedesk.Store, d org.DealerID, w servicedesk.WorkOrder) (servicedesk.WorkOrder, error) {
		return s.WorkOrder(ctx, d, w.ID)
	},
	diff: diffWorkOrder,
}

var calendarDays = kind[servicedesk.CalendarDay]{
	name: "calendar day",
	make: func(d org.DealerID, n int) servicedesk.CalendarDay {
		keys := [...]struct {
			tech org.EmployeeID
			day  string
		}{{techs[0], days[0]}, {techs[0], days[1]}, {techs[1], days[0]}, {techs[1], days[1]}}
		k := keys[(n-1)%len(keys)]
		return calendarDay(d, k.tech, k.day, slot(servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)), n*60, n*60+30))
	},
	key:     func(c servicedesk.CalendarDay) string { return string(c.Technician) + " on " + c.Day },
	version: func(c *servicedesk.CalendarDay) *int64 { return &c.Version },
	edit: func(c *servicedesk.CalendarDay, s string) {
		c.Slots = append(c.Slots, servicedesk.Slot{WorkOrder: servicedesk.WorkOrderID(s), Start: at(900), End: at(960)})
	},
	put: func(c *servicedesk.Change, cd servicedesk.CalendarDay) { c.Calendar = append(c.Calendar, cd) },
	read: func(ctx context.Context, s servicedesk.Store, d org.DealerID, cd servicedesk.CalendarDay) (servicedesk.CalendarDay, error) {
		return s.CalendarDay(ctx, d, cd.Technician, cd.Day)
	},
	diff: diffCalendarDay,
}

var complaints = kind[servicedesk.Complaint]{
	name: "complaint",
	make: func(d org.DealerID, n int) servicedesk.Complaint {
		return complaint(d, servicedesk.ComplaintID(fmt.Sprintf("cp-%d", n)))
	},
	key:     func(c servicedesk.Complaint) string { return string(c.ID) },
	version: func(c *servicedesk.Complaint) *int64 { return &c.Version },
	edit:    func(c *servicedesk.Complaint, s string) { c.Description = s },
	put:     func(c *servicedesk.Change, cp servicedesk.Complaint) { c.Complaints = append(c.Complaints, cp) },
	read: func(ctx context.Context, s servicedesk.Store, d org.DealerID, cp servicedesk.Complaint) (servicedesk.Complaint, error) {
		return s.Complaint(ctx, d, cp.ID)
	},
	diff: diffComplaint,
}

var surveys = kind[servicedesk.Survey]{
	name: "survey",
	make: func(d org.DealerID, n int) servicedesk.Survey {
		return survey(d, servicedesk.WorkOrderID(fmt.Sprintf("wo-%d", n)))
	},
	key:     func(sv servicedesk.Survey) string { return "of " + string(sv.WorkOrder) },
	version: func(sv *servicedesk.Survey) *int64 { return &sv.Version },
	edit:    func(sv *servicedesk.Survey, s string) { sv.Comment = s },
	put:     func(c *servicedesk.Change, sv servicedesk.Survey) { c.Surveys = append(c.Surveys, sv) },
	read: func(ctx context.Context, s servicedesk.Store, d org.DealerID, sv servicedesk.Survey) (servicedesk.Survey, error) {
		return s.Survey(ctx, d, sv.WorkOrder)
	},
	diff: diffSurvey,
}

// checkVersionRule walks one record kind through the version rule: every
// refused write carries an event, and neither the record nor the trail may
// change.
func checkVersionRule[T any](k kind[T]) func(context.Context, servicedesk.Store, Features) error {
	return func(ctx context.Context, s servicedesk.Store, _ Features) error {
		change := func(rec T, evID string) servicedesk.Change {
			var c servicedesk.Change
			k.put(&c, rec)
			c.Events = []org.Event{event("d1", evID, "kit/"+k.name)}
			return c
		}
		v1 := k.make("d1", 1)
		if err := commit(ctx, s, "d1", change(v1, "ok-1"), "create "+k.name+" "+k.key(v1)); err != nil {
			return err
		}
		refused := func(rec T, want error, what string) error {
			before, err := take(ctx, s, "d1")
			if err != nil {
				return err
			}
			err = s.Commit(ctx, "d1", change(rec, "refused"))
			if err := kit.ExpectErr(err, want, fmt.Sprintf("%s %s: %s", k.name, k.key(rec), what)); err != nil {
				return err
			}
			after, err := take(ctx, s, "d1")
			if err != nil {
				return err
			}
			if err := before.same(after); err != nil {
				return fmt.Errorf("%s %s: %s was refused but wrote: %w", k.name, k.key(rec), what, err)
			}
			return nil
		}

		again := k.make("d1", 1)
		k.edit(&again, "impostor")
		if err := refused(again, org.ErrConflict, "writing version 1 of an existing record"); err != nil {
			return err
		}
		v2 := k.make("d1", 1)
		k.edit(&v2, "second")
		*k.version(&v2) = 2
		if err := commit(ctx, s, "d1", change(v2, "ok-2"), "write "+k.name+" version 2 over 1"); err != nil {
			return err
		}
		for _, bad := range []struct {
			version int64
			what    string
		}{{2, "writing version 2 again (a writer that read version 1)"}, {4, "writing version 4 over 2 (a skipped version)"}, {1, "writing version 1 over 2"}} {
			rec := k.make("d1", 1)
			k.edit(&rec, "lost")
			*k.version(&rec) = bad.version
			if err := refused(rec, org.ErrConflict, bad.what); err != nil {
				return err
			}
		}
		got, err := k.read(ctx, s, "d1", v2)
		if err != nil {
			return fmt.Errorf("read %s %s: %w", k.name, k.key(v2), err)
		}
		if err := k.diff(got, v2); err != nil {
			return fmt.Errorf("after the refused writes: %w", err)
		}

		for n := 2; n <= 3; n++ {
			ghost := k.make("d1", n)
			*k.version(&ghost) = 2
			if err := refused(ghost, org.ErrConflict, "writing version 2 of a record never created"); err != nil {
				return err
			}
			_, err := k.read(ctx, s, "d1", ghost)
			if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading %s %s, which a refused commit named", k.name, k.key(ghost))); err != nil {
				return err
			}
		}
		for _, v := range []int64{0, -1} {
			bad := k.make("d1", 4)
			*k.version(&bad) = v
			if err := refused(bad, org.ErrInvalid, fmt.Sprintf("writing version %d", v)); err != nil {
				return err
			}
		}
		zero := k.make("d1", 1)
		*k.version(&zero) = 0
		if err := refused(zero, org.ErrInvalid, "writing version 0 over an existing record"); err != nil {
			return err
		}
		evs, err := kit.AllEvents(ctx, s, "d1")
		if err != nil {
			return err
		}
		if len(evs) != 2 || evs[0].ID != "ok-1" || evs[1].ID != "ok-2" {
			return fmt.Errorf("the trail holds %s, want the two accepted commits' events ok-1 and ok-2 only", kit.EventIDs(evs))
		}
		return nil
	}
}

// atomicSeed is what checkAtomic and checkCommitOtherDealer start from: one
// record of each kind, and an event.
func atomicSeed(d org.DealerID) servicedesk.Change {
	return servicedesk.Change{
		WorkOrders: []servicedesk.WorkOrder{workOrder(d, "wo-1")},
		Calendar:   []servicedesk.CalendarDay{calendarDay(d, "t1", days[0], slot("wo-1", 0, 60))},
		Complaints: []servicedesk.Complaint{complaint(d, "cp-1")},
		Surveys:    []servicedesk.Survey{survey(d, "wo-1")},
		Events:     []org.Event{event(d, "seed", "workorder/wo-1")},
	}
}

func checkAtomic(ctx context.Context, s servicedesk.Store, _ Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	// Good writes: a new record of every kind, and version 2 of the
	// seeded ones. Stale writes: version 1 of a seeded record again.
	newWO, newDay, newCp, newSv := workOrder("d1", "wo-2"), calendarDay("d1", "t2", days[1], slot("wo-2", 0, 30)), complaint("d1", "cp-2"), survey("d1", "wo-2")
	upWO := workOrder("d1", "wo-1")
	upWO.Version, upWO.State = 2, servicedesk.StateInspected
	staleWO, staleDay, staleCp, staleSv := workOrder("d1", "wo-1"), calendarDay("d1", "t1", days[0]), complaint("d1", "cp-1"), survey("d1", "wo-1")
	evs := func(id string) []org.Event { return []org.Event{event("d1", id, "workorder/wo-2")} }
	cases := []struct {
		name string
		c    servicedesk.Change
	}{
		{"a new work order and a stale calendar day", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{newWO}, Calendar: []servicedesk.CalendarDay{staleDay}, Events: evs("x1")}},
		{"an updated work order, a new day, complaint and survey, and a stale survey", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{upWO}, Calendar: []servicedesk.CalendarDay{newDay}, Complaints: []servicedesk.Complaint{newCp},
			Surveys: []servicedesk.Survey{newSv, staleSv}, Events: evs("x2")}},
		{"a stale work order, then a new one, with a new day, complaint and survey", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{staleWO, newWO}, Calendar: []servicedesk.CalendarDay{newDay}, Complaints: []servicedesk.Complaint{newCp},
			Surveys: []servicedesk.Survey{newSv}, Events: evs("x3")}},
		{"a new work order and day, and a stale complaint", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{newWO}, Calendar: []servicedesk.CalendarDay{newDay}, Complaints: []servicedesk.Complaint{newCp, staleCp}, Events: evs("x4")}},
		{"a new day after a stale one", servicedesk.Change{Calendar: []servicedesk.CalendarDay{staleDay, newDay}, Events: evs("x5")}},
	}
	for _, c := range cases {
		before, err := take(ctx, s, "d1")
		if err != nil {
			return err
		}
		if err := kit.ExpectErr(s.Commit(ctx, "d1", c.c), org.ErrConflict, "commit of "+c.name); err != nil {
			return err
		}
		after, err := take(ctx, s, "d1")
		if err != nil {
			return err
		}
		if err := before.same(after); err != nil {
			return fmt.Errorf("a refused commit of %s wrote part of itself: %w", c.name, err)
		}
	}
	return nil
}

func checkCommitOtherDealer(ctx context.Context, s servicedesk.Store, _ Features) error {
	for _, d := range []org.DealerID{"dA", "dB"} {
		if err := commit(ctx, s, d, atomicSeed(d), "seed "+string(d)); err != nil {
			return err
		}
	}
	// Each change holds good records of dA, and one record of dB placed
	// last, where a store checking only the first would miss it.
	good := func() servicedesk.Change {
		return servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder("dA", "wo-2")},
			Calendar:   []servicedesk.CalendarDay{calendarDay("dA", "t2", days[1])},
			Complaints: []servicedesk.Complaint{complaint("dA", "cp-2")},
			Surveys:    []servicedesk.Survey{survey("dA", "wo-2")},
			Events:     []org.Event{event("dA", "a-ev", "workorder/wo-2")},
		}
	}
	cases := []struct {
		name string
		add  func(c *servicedesk.Change)
	}{
		{"a work order of dB", func(c *servicedesk.Change) { c.WorkOrders = append(c.WorkOrders, workOrder("dB", "wo-9")) }},
		{"a calendar day of dB", func(c *servicedesk.Change) { c.Calendar = append(c.Calendar, calendarDay("dB", "t1", days[1])) }},
		{"a complaint of dB", func(c *servicedesk.Change) { c.Complaints = append(c.Complaints, complaint("dB", "cp-9")) }},
		{"a survey of dB", func(c *servicedesk.Change) { c.Surveys = append(c.Surveys, survey("dB", "wo-9")) }},
		{"an event of dB", func(c *servicedesk.Change) { c.Events = append(c.Events, event("dB", "b-ev", "workorder/wo-9")) }},
		{"an update of dB's work order", func(c *servicedesk.Change) {
			w := workOrder("dB", "wo-1")
			w.Version = 2
			c.WorkOrders = append(c.WorkOrders, w)
		}},
	}
	for _, tc := range cases {
		before, err := takeBoth(ctx, s, "dA", "dB")
		if err != nil {
			return err
		}
		c := good()
		tc.add(&c)
		if err := kit.ExpectErr(s.Commit(ctx, "dA", c), org.ErrInvalid, "commit for dA holding "+tc.name); err != nil {
			return err
		}
		after, err := takeBoth(ctx, s, "dA", "dB")
		if err != nil {
			return err
		}
		if err := errors.Join(before[0].same(after[0]), before[1].same(after[1])); err != nil {
			return fmt.Errorf("a refused commit holding %s wrote something: %w", tc.name, err)
		}
	}
	return nil
}

// twiceRule is the Rule of a kit's twice check for what, a record kind.
func twiceRule(what string) string {
	return "a Change naming one " + what + " twice (version 1 twice, versions 1 and 2 of a new one, versions 2 and 3 or version 2 twice of a stored one) is refused with ErrConflict and writes nothing: no record of it, no event"
}

// checkTwice commits Changes that name one record of k twice, another
// record of k between the two and an event beside them: a store writing
// records one by one lands both versions of the record, a store keeping the
// last of each key lands the second. Each must be refused with ErrConflict
// and change nothing, events included.
func checkTwice[T any](k kind[T]) func(context.Context, servicedesk.Store, Features) error {
	return func(ctx context.Context, s servicedesk.Store, _ Features) error {
		// rec returns record n at version v, with edit applied unless empty.
		rec := func(n int, v int64, edit string) T {
			x := k.make("d1", n)
			if edit != "" {
				k.edit(&x, edit)
			}
			*k.version(&x) = v
			return x
		}
		stored := rec(1, 1, "")
		var seed servicedesk.Change
		k.put(&seed, stored)
		seed.Events = []org.Event{event("d1", "seed", "kit/"+k.name)}
		if err := commit(ctx, s, "d1", seed, "create "+k.name+" "+k.key(stored)); err != nil {
			return err
		}
		cases := []struct {
			what string
			recs []T
		}{
			{"version 1 of a new " + k.name + " twice", []T{rec(2, 1, ""), rec(3, 1, ""), rec(2, 1, "second")}},
			{"versions 1 and 2 of a new " + k.name, []T{rec(2, 1, ""), rec(3, 1, ""), rec(2, 2, "second")}},
			{"versions 2 and 3 of a stored " + k.name, []T{rec(1, 2, "second"), rec(3, 1, ""), rec(1, 3, "third")}},
			{"version 2 of a stored " + k.name + " twice", []T{rec(1, 2, "second"), rec(3, 1, ""), rec(1, 2, "other")}},
		}
		for i, c := range cases {
			var ch servicedesk.Change
			for _, r := range c.recs {
				k.put(&ch, r)
			}
			ch.Events = []org.Event{event("d1", fmt.Sprintf("twice-%d", i+1), "kit/"+k.name)}
			what := fmt.Sprintf("a servicedesk Change naming %s %s twice (%s)", k.name, k.key(c.recs[0]), c.what)
			before, err := take(ctx, s, "d1")
			if err != nil {
				return err
			}
			if err := kit.ExpectErr(s.Commit(ctx, "d1", ch), org.ErrConflict, what); err != nil {
				return err
			}
			after, err := take(ctx, s, "d1")
			if err != nil {
				return err
			}
			if err := before.same(after); err != nil {
				return fmt.Errorf("%s was refused but wrote: %w", what, err)
			}
		}
		return nil
	}
}
