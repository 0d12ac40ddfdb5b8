package servicedesktest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

func events(d org.DealerID, prefix, subject string, n int) []org.Event {
	var evs []org.Event
	for i := range n {
		evs = append(evs, event(d, fmt.Sprintf("%s-%d", prefix, i), subject))
	}
	return evs
}

func checkEventsTrail(ctx context.Context, s servicedesk.Store, _ Features) error {
	commits := []servicedesk.Change{
		{WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1")}, Events: events("d1", "c0", "workorder/wo-1", 1)},
		{Events: events("d1", "c1", "workorder/wo-1", 3)},
		{Calendar: []servicedesk.CalendarDay{calendarDay("d1", "t1", days[0], slot("wo-1", 0, 60))}},
		{Complaints: []servicedesk.Complaint{complaint("d1", "cp-1")}, Surveys: []servicedesk.Survey{survey("d1", "wo-1")},
			Events: append(events("d1", "c3", "complaint/cp-1", 1), events("d1", "c3s", "survey/wo-1", 1)...)},
	}
	var want []org.Event
	for i, c := range commits {
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit %d", i)); err != nil {
			return err
		}
		want = append(want, c.Events...)
	}
	all, err := s.Events(ctx, "d1", 0, 100)
	if err != nil {
		return err
	}
	if err := kit.SameEvents("Events(d1, after 0)", all, want); err != nil {
		return err
	}
	if all[0].Seq <= 0 {
		return fmt.Errorf("first Seq is %d; Seq starts above 0 so that 0 is the cursor before everything", all[0].Seq)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			return fmt.Errorf("event %s has Seq %d after Seq %d: not strictly increasing in commit order", all[i].ID, all[i].Seq, all[i-1].Seq)
		}
	}
	for _, c := range []struct {
		after int64
		limit int
		want  []org.Event
	}{
		{0, 1, all[:1]},
		{all[2].Seq, 2, all[3:5]},
		{all[3].Seq, 10, all[4:]},
		{all[len(all)-1].Seq, 10, nil},
	} {
		got, err := s.Events(ctx, "d1", c.after, c.limit)
		if err != nil {
			return err
		}
		if err := kit.DiffEvents(fmt.Sprintf("Events(d1, after %d, limit %d)", c.after, c.limit), got, c.want); err != nil {
			return err
		}
	}
	return nil
}

func checkSubjectEvents(ctx context.Context, s servicedesk.Store, _ Features) error {
	se, ok := s.(servicedesk.SubjectEvents)
	if !ok {
		return fmt.Errorf("%w: the store does not implement servicedesk.SubjectEvents (the Service scans Events instead)", ErrSkip)
	}
	// "workorder/wo-10" starts with "workorder/wo-1"; "workorder/wo_1"
	// matches it as a LIKE pattern; "workorder/WO-1" under a
	// case-insensitive collation.
	subjects := []string{"workorder/wo-1", "workorder/wo-10", "workorder/WO-1", "workorder/wo_1", "complaint/cp-1"}
	for round := range 3 {
		var c servicedesk.Change
		for i, subj := range subjects[round%2:] {
			c.Events = append(c.Events, event("d1", fmt.Sprintf("r%d-%d", round, i), subj))
		}
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit %d", round)); err != nil {
			return err
		}
	}
	all, err := kit.AllEvents(ctx, s, "d1")
	if err != nil {
		return err
	}
	for _, subj := range append(subjects, "workorder/wo-404") {
		var want []org.Event
		for _, ev := range all {
			if ev.Subject == subj {
				want = append(want, ev)
			}
		}
		got, err := se.SubjectEvents(ctx, "d1", subj)
		if err != nil {
			return fmt.Errorf("SubjectEvents(d1, %s): %w", subj, err)
		}
		if err := kit.DiffEvents(fmt.Sprintf("SubjectEvents(d1, %s)", subj), got, want); err != nil {
			return err
		}
	}
	return nil
}

func checkRosterTrail(ctx context.Context, s servicedesk.Store, f Features) error {
	if f.Roster == nil {
		return fmt.Errorf("%w: Features.Roster is not set", ErrSkip)
	}
	r := f.Roster(s)
	dl := org.Dealer{ID: "d1", Name: "Kit Motors", TimeZone: "Asia/Taipei", Currency: "TWD", Version: 1, CreatedAt: t0, UpdatedAt: t0}
	want := []org.Event{event("d1", "org-1", "dealer/d1"), event("d1", "desk-1", "workorder/wo-1"),
		event("d1", "org-2", "employee/e1"), event("d1", "org-3", "employee/e2"), event("d1", "desk-2", "complaint/cp-1")}
	steps := []struct {
		what string
		run  func() error
	}{
		{"create the dealer through org.Store", func() error {
			return r.Commit(ctx, "d1", org.Change{Dealer: &dl, Events: want[0:1]})
		}},
		{"commit a work order through servicedesk.Store", func() error {
			return s.Commit(ctx, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1")}, Events: want[1:2]})
		}},
		{"commit two events through org.Store", func() error { return r.Commit(ctx, "d1", org.Change{Events: want[2:4]}) }},
		{"commit a complaint through servicedesk.Store", func() error {
			return s.Commit(ctx, "d1", servicedesk.Change{Complaints: []servicedesk.Complaint{complaint("d1", "cp-1")}, Events: want[4:5]})
		}},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	fromDesk, errD := s.Events(ctx, "d1", 0, 100)
	fromOrg, errO := r.Events(ctx, "d1", 0, 100)
	if err := errors.Join(errD, errO); err != nil {
		return err
	}
	if err := kit.SameEvents("servicedesk.Store.Events", fromDesk, want); err != nil {
		return fmt.Errorf("the trails are not shared: %w", err)
	}
	if err := kit.DiffEvents("org.Store.Events against servicedesk.Store.Events", fromOrg, fromDesk); err != nil {
		return fmt.Errorf("the trails are not shared: %w", err)
	}
	for i := 1; i < len(fromDesk); i++ {
		if fromDesk[i].Seq <= fromDesk[i-1].Seq {
			return fmt.Errorf("event %s has Seq %d after Seq %d: one sequence must number both stores' events in commit order", fromDesk[i].ID, fromDesk[i].Seq, fromDesk[i-1].Seq)
		}
	}
	return nil
}
