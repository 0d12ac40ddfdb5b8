package servicedesktest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// checkConcurrentNotes: f.Writers goroutines each add a note to one work
// order by read, modify, commit with the version read and an event,
// retrying on ErrConflict; their first reads all see version 1. A store that lets two writers of one version
// land loses a note; one that keeps a refused commit's event shows it.
func checkConcurrentNotes(ctx context.Context, s servicedesk.Store, f Features) error {
	if err := commit(ctx, s, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1")}}, "seed"); err != nil {
		return err
	}
	together := kit.NewBarrier(f.Writers)
	conflicts, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
		w, err := s.WorkOrder(ctx, "d1", "wo-1")
		if err != nil {
			return err
		}
		if attempt == 0 {
			together.Wait(ctx)
		}
		text := fmt.Sprintf("w%02d", i)
		// Clip: never write into an array the store might have shared.
		w.Notes = append(slices.Clip(w.Notes), servicedesk.Note{By: org.Actor{ID: "t1", Role: org.RoleTechnician}, At: at(i), Text: text})
		w.Version++
		return s.Commit(ctx, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}, Events: events("d1", text, "workorder/wo-1", 1)})
	})
	if err != nil {
		return err
	}
	got, err := s.WorkOrder(ctx, "d1", "wo-1")
	if err != nil {
		return err
	}
	var texts, missing []string
	for _, n := range got.Notes {
		texts = append(texts, n.Text)
	}
	for i := range f.Writers {
		if w := fmt.Sprintf("w%02d", i); !slices.Contains(texts, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 || len(texts) != f.Writers {
		return fmt.Errorf("after %d writers (%d conflicts retried): notes %q; lost updates of %q", f.Writers, conflicts, texts, missing)
	}
	if got.Version != int64(1+f.Writers) {
		return fmt.Errorf("after %d landed updates the version is %d, want %d", f.Writers, got.Version, 1+f.Writers)
	}
	// Each note landed with its writer's event, in the order they landed.
	var want []org.Event
	for _, text := range texts {
		want = append(want, events("d1", text, "workorder/wo-1", 1)...)
	}
	return kit.OnlyEvents(ctx, s, "d1", want)
}

func overlaps(a, b servicedesk.Slot) bool { return a.Start.Before(b.End) && b.Start.Before(a.End) }

// checkConcurrentBookings: f.Writers goroutines each book an hour on one
// technician's day, all hours overlapping, the way the Service books: read
// the day, give up if the hour is taken, else add it and commit with the
// version read; their first reads all see the same day. Exactly one may
// land, first on a day never booked (racing creations: each finds no day
// and creates it at Version 1), then on a day with a booking (racing
// updates).
func checkConcurrentBookings(ctx context.Context, s servicedesk.Store, f Features) error {
	// Racing creations of a day never booked: each writer finds no day
	// and creates it at Version 1.
	const never = "a day never booked"
	mine := func(i int) servicedesk.Slot { return slot(servicedesk.WorkOrderID(fmt.Sprintf("wo-%02d", i)), i, 60+i) }
	look := func(int) error {
		_, err := s.CalendarDay(ctx, "d1", "t1", days[0])
		if !errors.Is(err, org.ErrNotFound) {
			return fmt.Errorf("reading the day before booking it: got %v, want an error matching %v", err, org.ErrNotFound)
		}
		return nil
	}
	won, err := kit.RaceToCreate(ctx, f.Writers, "the calendar day of t1 on "+days[0], look, func(i int) error {
		return s.Commit(ctx, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{calendarDay("d1", "t1", days[0], mine(i))}})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", never, err)
	}
	got, err := s.CalendarDay(ctx, "d1", "t1", days[0])
	if err != nil {
		return fmt.Errorf("%s: %w", never, err)
	}
	if err := diffCalendarDay(got, calendarDay("d1", "t1", days[0], mine(won))); err != nil {
		return fmt.Errorf("%s: the day does not hold the one booking that landed: %w", never, err)
	}

	// Racing updates of a day with an earlier booking, each writer
	// retrying on ErrConflict: exactly one hour is booked beside it.
	const booked = "a day with an earlier booking"
	early := calendarDay("d1", "t2", days[0], slot("wo-early", -180, -120))
	if err := commit(ctx, s, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{early}}, "seed"); err != nil {
		return err
	}
	var (
		mu      sync.Mutex
		winners []servicedesk.Slot
	)
	together := kit.NewBarrier(f.Writers)
	conflicts, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
		mine := mine(i)
		cd, err := s.CalendarDay(ctx, "d1", "t2", days[0])
		if attempt == 0 {
			together.Wait(ctx)
		}
		switch {
		case errors.Is(err, org.ErrNotFound):
			cd = calendarDay("d1", "t2", days[0])
		case err != nil:
			return err
		default:
			cd.Version++
		}
		for _, sl := range cd.Slots {
			if overlaps(sl, mine) {
				return nil // taken: this writer lost fairly
			}
		}
		cd.Slots = slices.Concat(cd.Slots, []servicedesk.Slot{mine})
		if err := s.Commit(ctx, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{cd}}); err != nil {
			return err
		}
		mu.Lock()
		winners = append(winners, mine)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", booked, err)
	}
	if len(winners) != 1 {
		var wos []servicedesk.WorkOrderID
		for _, w := range winners {
			wos = append(wos, w.WorkOrder)
		}
		return fmt.Errorf("%s: %d of %d writers booked overlapping hours (%d conflicts retried), want exactly 1: %v", booked, len(winners), f.Writers, conflicts, wos)
	}
	got, err = s.CalendarDay(ctx, "d1", "t2", days[0])
	if err != nil {
		return fmt.Errorf("%s: %w", booked, err)
	}
	want := calendarDay("d1", "t2", days[0], slices.Concat(early.Slots, winners)...)
	want.Version = 2
	if err := diffCalendarDay(got, want); err != nil {
		return fmt.Errorf("%s: the day does not hold the one booking that landed: %w", booked, err)
	}
	return nil
}

func checkConcurrentEvents(ctx context.Context, s servicedesk.Store, f Features) error {
	_, err := kit.Hammer(ctx, f.Writers, func(i, _ int) error {
		id := servicedesk.ComplaintID(fmt.Sprintf("cp-%02d", i))
		return s.Commit(ctx, "d1", servicedesk.Change{Complaints: []servicedesk.Complaint{complaint("d1", id)}, Events: events("d1", string(id), "complaint/"+string(id), 2)})
	})
	if err != nil {
		return err
	}
	evs, err := kit.AllEvents(ctx, s, "d1") // fails on a repeated Seq
	if err != nil {
		return err
	}
	if len(evs) != 2*f.Writers {
		return fmt.Errorf("%d concurrent commits of two events each left %d events", f.Writers, len(evs))
	}
	// A commit's events are numbered together, in order.
	for i := 0; i+1 < len(evs); i += 2 {
		if evs[i].Subject != evs[i+1].Subject || evs[i].ID > evs[i+1].ID {
			return fmt.Errorf("events %s and %s of one commit are not adjacent and in order: %s", evs[i].ID, evs[i+1].ID, kit.EventIDs(evs))
		}
	}
	return nil
}
