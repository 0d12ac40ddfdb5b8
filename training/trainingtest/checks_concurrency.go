package trainingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// checkConcurrentUpdates: f.Writers goroutines each enrol their own
// attendee in one session, the way the Service does: read the session,
// add to it, commit it at the version read plus one with an event, retry
// on ErrConflict. Their first reads all happen before any commit. Every
// writer's attendee must be in the stored session once, its version must
// count the writers, and the trail must hold one event per writer.
func checkConcurrentUpdates(ctx context.Context, s training.Store, f Features) error {
	seed := session("d1", "s-1", t0)
	seed.Attendees, seed.Capacity = nil, 0
	if err := commit(ctx, s, "d1", training.Change{Sessions: []training.Session{seed, session("d1", "s-2", at(60))}},
		"seed sessions s-1 and s-2"); err != nil {
		return err
	}
	together := kit.NewBarrier(f.Writers)
	conflicts, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
		ss, err := s.Session(ctx, "d1", "s-1")
		if attempt == 0 {
			together.Wait(ctx)
		}
		if err != nil {
			return err
		}
		// The writer owns what it read, and changes its own copy: this
		// check is about versions, ReadsAreCopies about sharing.
		ss = ss.Clone()
		w := fmt.Sprintf("w%02d", i)
		ss.Attendees = append(ss.Attendees, training.Attendee{Employee: org.EmployeeID(w), Status: training.StatusEnrolled, Hours: amount("1.5"), At: t0})
		ss.Capacity++
		ss.Version++
		return s.Commit(ctx, "d1", training.Change{Sessions: []training.Session{ss}, Events: events("d1", "enrolled-"+w, "session/s-1", 1)})
	})
	if err != nil {
		return err
	}
	ss, err := s.Session(ctx, "d1", "s-1")
	if err != nil {
		return err
	}
	var got, want []string
	for _, a := range ss.Attendees {
		got = append(got, string(a.Employee))
	}
	for i := range f.Writers {
		want = append(want, fmt.Sprintf("w%02d", i))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("after %d writers (%d conflicts retried) the session holds the attendees %q, want each writer's once %q: an update was lost or landed twice",
			f.Writers, conflicts, got, want)
	}
	if ss.Version != int64(f.Writers+1) || ss.Capacity != f.Writers {
		return fmt.Errorf("after %d writers the session is at version %d with capacity %d, want version %d and capacity %d", f.Writers, ss.Version, ss.Capacity, f.Writers+1, f.Writers)
	}
	if r := kit.TrailOf(s, f.Events); r != nil {
		evs, err := kit.AllEvents(ctx, r, "d1")
		if err != nil {
			return err
		}
		if len(evs) != f.Writers {
			return fmt.Errorf("%d updates landed and left %d events %s: a refused commit wrote its event, or a landed one lost it", f.Writers, len(evs), kit.EventIDs(evs))
		}
	}
	return nil
}

// checkProgressCreateOnce: f.Writers goroutines assess one employee's
// first attempt in one course at once, as a double-submitted form does:
// each lists the employee's progress, finds none for the course, and
// commits the record at Version 1 with an event; their lookups all happen
// before any commit. One lands; the rest conflict and leave nothing
// behind.
func checkProgressCreateOnce(ctx context.Context, s training.Store, f Features) error {
	changes := make([]training.Change, f.Writers)
	for i := range f.Writers {
		p := progress("d1", "c-1", "adv-1")
		p.Attempts[0].Score = amount(fmt.Sprintf("%d.5", i))
		changes[i] = training.Change{Progress: []training.Progress{p}, Events: events("d1", fmt.Sprintf("assessed-w%02d", i), "progress/2027/c-1/adv-1", 1)}
	}
	key := changes[0].Progress[0].Key()
	look := func(int) error {
		list, err := s.Progress(ctx, "d1", year, "adv-1")
		switch {
		case err != nil:
			return fmt.Errorf("listing the employee's progress before assessing: %w", err)
		case slices.ContainsFunc(list, func(p training.Progress) bool { return p.Key() == key }):
			return fmt.Errorf("listing the employee's progress before assessing found %s, before any commit", key)
		}
		return nil
	}
	won, err := kit.RaceToCreate(ctx, f.Writers, "progress "+key, look, func(i int) error { return s.Commit(ctx, "d1", changes[i]) })
	if err != nil {
		return err
	}
	list, err := s.Progress(ctx, "d1", year, "")
	if err != nil {
		return err
	}
	if err := kit.DiffList("the progress records after the race", list, changes[won].Progress, progressKey, diffProgress); err != nil {
		return fmt.Errorf("only the record of the commit that landed may be stored: %w", err)
	}
	return kit.OnlyEvents(ctx, kit.TrailOf(s, f.Events), "d1", changes[won].Events)
}

// checkLargeYear writes 50 courses' progress for 30 employees, a course
// per commit in an order that is not the courses', and 300 sessions
// sharing 100 starts, 50 per commit, and lists them.
func checkLargeYear(ctx context.Context, s training.Store, _ Features) error {
	const nCourses, nEmployees, nSessions = 50, 30, 300
	var ids []org.EmployeeID
	for i := range nEmployees {
		ids = append(ids, org.EmployeeID(fmt.Sprintf("e%d", i))) // "e10" sorts before "e2"
	}
	var all []training.Progress
	for k := range nCourses {
		course := fmt.Sprintf("c%d", k*7%nCourses)
		var c training.Change
		for i, e := range ids {
			p := progress("d1", course, e)
			p.Attempts[0].Score = amount(fmt.Sprintf("%d.%02d", 40+i, k))
			c.Progress = append(c.Progress, p)
		}
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit %d progress records of course %s", nEmployees, course)); err != nil {
			return err
		}
		all = append(all, c.Progress...)
	}
	var sessionsAll []training.Session
	for b := range nSessions / 50 {
		var c training.Change
		for j := range 50 {
			i := b*50 + j
			c.Sessions = append(c.Sessions, session("d1", fmt.Sprintf("s%d", i), at(i*37%100)))
		}
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit sessions %d to %d", b*50, b*50+49)); err != nil {
			return err
		}
		sessionsAll = append(sessionsAll, c.Sessions...)
	}
	var errs []error
	got, err := s.Progress(ctx, "d1", year, "")
	if err != nil {
		return fmt.Errorf("Progress(d1, %d, everyone): %w", year, err)
	}
	errs = append(errs, kit.DiffList(fmt.Sprintf("Progress(d1, %d, everyone)", year), got, sortedByKey(all), progressKey, diffProgress))
	for _, e := range []org.EmployeeID{ids[0], ids[2], ids[10], ids[nEmployees-1]} {
		got, err := s.Progress(ctx, "d1", year, e)
		if err != nil {
			return fmt.Errorf("Progress(d1, %d, %s): %w", year, e, err)
		}
		of := slices.DeleteFunc(slices.Clone(all), func(p training.Progress) bool { return p.Employee != e })
		errs = append(errs, kit.DiffList(fmt.Sprintf("Progress(d1, %d, %s)", year, e), got, sortedByKey(of), progressKey, diffProgress))
	}
	list, err := s.Sessions(ctx, "d1", year)
	if err != nil {
		return fmt.Errorf("Sessions(d1, %d): %w", year, err)
	}
	errs = append(errs, kit.DiffList(fmt.Sprintf("Sessions(d1, %d)", year), list, sortedByStart(sessionsAll), sessionID, diffSession))
	return errors.Join(errs...)
}
