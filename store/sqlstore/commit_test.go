package sqlstore_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// TestVersionConflicts: a create of an existing record, and a write whose
// version does not follow the stored one, fail with ErrConflict and change
// nothing.
func TestVersionConflicts(t *testing.T) {
	t.Parallel()
	bump := func(e org.Employee, v int64, name string) org.Employee {
		e.Version, e.Name = v, name
		return e
	}
	e1 := employee("d1", "e1")
	cases := []struct {
		name string
		c    org.Change
	}{
		{"duplicate employee create", org.Change{Employees: []org.Employee{bump(e1, 1, "again")}}},
		{"stale employee update", org.Change{Employees: []org.Employee{bump(e1, 2, "stale")}}},
		{"employee version skipped", org.Change{Employees: []org.Employee{bump(e1, 5, "skipped")}}},
		{"update of missing employee", org.Change{Employees: []org.Employee{bump(employee("d1", "e9"), 2, "ghost")}}},
		{"duplicate dealer create", org.Change{Dealer: &org.Dealer{ID: "d1", Name: "again", Version: 1}}},
		{"stale dealer update", org.Change{Dealer: &org.Dealer{ID: "d1", Name: "stale", Version: 2}}},
		{"good and stale together", org.Change{
			Employees: []org.Employee{employee("d1", "e8"), bump(e1, 2, "stale")},
			Events:    []org.Event{event("d1", "x")},
		}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		d := dealer("d1")
		d2 := d
		d2.Version = 2
		commit(t, s, "d1", org.Change{Dealer: &d, Employees: []org.Employee{e1}})
		commit(t, s, "d1", org.Change{Dealer: &d2, Employees: []org.Employee{bump(e1, 2, "v2")}})
		commit(t, s, "d1", org.Change{Employees: []org.Employee{bump(e1, 3, "v3")}})

		for _, c := range cases {
			err := s.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrConflict, c.name)
			require.ErrorContains(t, err, "sqlstore: ", c.name)
		}
		got, err := s.Employee(ctx, "d1", "e1")
		require.NoError(t, err)
		require.Equal(t, int64(3), got.Version)
		require.Equal(t, "v3", got.Name)
		gotD, err := s.Dealer(ctx, "d1")
		require.NoError(t, err)
		require.Equal(t, d2, gotD)
		_, err = s.Employee(ctx, "d1", "e8")
		require.ErrorIs(t, err, org.ErrNotFound, "employee of a failed commit")
		evs, err := s.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Empty(t, evs, "events of a failed commit")

		// A failed commit takes no Seq.
		commit(t, s, "d1", org.Change{Events: []org.Event{event("d1", "y")}})
		evs, err = s.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, int64(1), evs[0].Seq)
	})
}

// TestBadCommitRejected: a record of another dealer, or with Version < 1,
// fails with ErrInvalid, names the field, and writes nothing.
func TestBadCommitRejected(t *testing.T) {
	t.Parallel()
	other, ownDealer := dealer("d2"), dealer("d1")
	zero := employee("d1", "e0")
	zero.Version = 0
	cases := []struct {
		name, path string
		c          org.Change
	}{
		{"dealer of another dealer", "dealer.id", org.Change{Dealer: &other, Employees: []org.Employee{employee("d1", "e1")}}},
		{"employee of another dealer", "employees[1].dealer_id", org.Change{Dealer: &ownDealer,
			Employees: []org.Employee{employee("d1", "e1"), employee("d2", "e2")}}},
		{"event of another dealer", "events[0].dealer_id", org.Change{Employees: []org.Employee{employee("d1", "e1")},
			Events: []org.Event{event("d2", "x")}}},
		{"version 0", "employees[0].version", org.Change{Employees: []org.Employee{zero}}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		for _, c := range cases {
			err := s.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrInvalid, c.name)
			_, ok := org.FieldErrorOf(err, c.path)
			require.True(t, ok, "%s: %v does not name %s", c.name, err, c.path)
		}
		for _, d := range []org.DealerID{"d1", "d2"} {
			_, err := s.Dealer(ctx, d)
			require.ErrorIs(t, err, org.ErrNotFound)
			list, err := s.Employees(ctx, d, org.EmployeeQuery{IncludeInactive: true, Limit: 10})
			require.NoError(t, err)
			require.Empty(t, list)
			evs, err := s.Events(ctx, d, 0, 10)
			require.NoError(t, err)
			require.Empty(t, evs)
		}
	})
}

// TestEventSeqConcurrent: writers commit one event at a time while a reader
// polls after its cursor. Seqs end up 1..N, each writer's in the order it
// committed them, and the reader never sees a gap that a later commit
// fills, which would make an outbox skip an event.
func TestEventSeqConcurrent(t *testing.T) {
	t.Parallel()
	const writers, perWriter = 16, 8
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		done := make(chan struct{})
		var polled []org.Event
		var reader sync.WaitGroup
		reader.Go(func() { polled = pollEvents(t, s, done) })

		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range perWriter {
					ev := event("d1", fmt.Sprintf("w%02d-%d", w, i))
					if err := s.Commit(ctx, "d1", org.Change{Events: []org.Event{ev}}); err != nil {
						t.Errorf("writer %d commit %d: %v", w, i, err)
						return
					}
				}
			})
		}
		wg.Wait()
		close(done)
		reader.Wait()

		all, err := s.Events(ctx, "d1", 0, 1000)
		require.NoError(t, err)
		require.Len(t, all, writers*perWriter)
		require.Equal(t, all, polled, "what the poller saw")
		last := map[string]string{} // writer -> its last event ID
		for i, ev := range all {
			require.Equal(t, int64(i+1), ev.Seq)
			w := ev.ID[:3]
			require.Less(t, last[w], ev.ID, "writer %s's events out of commit order", w)
			last[w] = ev.ID
		}
	})
}

// pollEvents reads d1's events after its cursor until done is closed, and
// fails the test if a page does not continue exactly where the last ended.
func pollEvents(t *testing.T, s org.Store, done <-chan struct{}) []org.Event {
	var seen []org.Event
	for finished := false; ; {
		select {
		case <-done:
			finished = true // one more read picks up the last commits
		default:
		}
		page, err := s.Events(t.Context(), "d1", int64(len(seen)), 7)
		if err != nil {
			t.Errorf("poll: %v", err)
			return seen
		}
		for _, ev := range page {
			if ev.Seq != int64(len(seen))+1 {
				t.Errorf("poll after %d: got seq %d: an event was skipped", len(seen), ev.Seq)
				return seen
			}
			seen = append(seen, ev)
		}
		if finished && len(page) == 0 {
			return seen
		}
	}
}

// TestConcurrentUpdatesOneWinner: of many writers updating the same
// version, exactly one lands; the others get ErrConflict.
func TestConcurrentUpdatesOneWinner(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		commit(t, s, "d1", org.Change{Employees: []org.Employee{employee("d1", "e1")}})
		errs := make(chan error, 16)
		for w := range 16 {
			go func() {
				e := employee("d1", "e1")
				e.Version, e.Name = 2, fmt.Sprint("writer ", w)
				errs <- s.Commit(t.Context(), "d1", org.Change{Employees: []org.Employee{e},
					Events: []org.Event{event("d1", e.Name)}})
			}()
		}
		won := 0
		for range 16 {
			err := <-errs
			if err == nil {
				won++
				continue
			}
			require.True(t, errors.Is(err, org.ErrConflict), "want ErrConflict, got %v", err)
		}
		require.Equal(t, 1, won)
		evs, err := s.Events(t.Context(), "d1", 0, 100)
		require.NoError(t, err)
		require.Len(t, evs, 1, "events of the losers")
	})
}
