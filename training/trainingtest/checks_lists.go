package trainingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// listSessions are sessions of the year in an order that is none of the
// orders a store could fall into: not by ID, not by Start written as text
// (RFC 3339 drops trailing zeros, so "15.12Z" < "15.1Z" < "15Z"), not
// case-blind on ties, not in the order written on ties (s-b is written
// before S-c). s-2 belongs to the year but starts in the one
// before; the sessions of other years start in this one.
func listSessions() (thisYear, others []training.Session) {
	s0 := time.Date(year, time.April, 1, 9, 30, 15, 0, time.UTC)
	at := func(id string, t time.Time) training.Session {
		ss := session("d1", id, t)
		ss.Place = "place of " + id
		return ss
	}
	thisYear = []training.Session{
		at("S-c", s0.Add(100*time.Millisecond)),
		at("s-10", s0.Add(2*time.Hour)),
		at("s-a", s0.Add(120*time.Millisecond)),
		at("s-0", s0),
		at("s-b", s0.Add(100*time.Millisecond)),
		at("s-2", time.Date(year-1, time.December, 20, 1, 0, 0, 0, time.UTC)),
		at("s-1", s0.Add(-time.Microsecond)),
	}
	last, next := at("s-9", time.Date(year, time.January, 5, 8, 0, 0, 0, time.UTC)), at("s-8", s0.Add(time.Minute))
	last.Year, next.Year = year-1, year+1
	return thisYear, []training.Session{last, next}
}

func checkSessionsOrdered(ctx context.Context, s training.Store, _ Features) error {
	thisYear, others := listSessions()
	if err := commit(ctx, s, "d1", training.Change{Sessions: slices.Concat(thisYear[3:], others)}, "seed some sessions"); err != nil {
		return err
	}
	if err := commit(ctx, s, "d1", training.Change{Sessions: thisYear[:3]}, "seed the rest"); err != nil {
		return err
	}
	var errs []error
	for _, q := range []struct {
		y    int
		want []training.Session
	}{{year, sortedByStart(thisYear)}, {year - 1, others[:1]}, {year + 1, others[1:]}, {year - 2, nil}} {
		what := fmt.Sprintf("Sessions(d1, %d)", q.y)
		got, err := s.Sessions(ctx, "d1", q.y)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, q.want, sessionID, diffSession))
	}
	return errors.Join(errs...)
}

// listProgress are the year's progress records in an order that is none
// of the orders a store could fall into: not Key order, not the order of
// the (course, employee) columns (the Key "2027/c-1-b/..." sorts before
// "2027/c-1/..."), not case-blind order. The years around have records of
// adv-1 too.
func listProgress() (thisYear, others []training.Progress) {
	pr := func(y int, course string, e org.EmployeeID, standing training.Standing) training.Progress {
		p := progress("d1", course, e)
		p.Year, p.Standing = y, standing
		return p
	}
	thisYear = []training.Progress{
		pr(year, "c-2", "adv-2", training.Passed),
		pr(year, "c-1", "adv-1", training.InProgress),
		pr(year, "c-1-b", "adv-1", training.RetakeDue),
		pr(year, "c-1", "adv-1-b", training.Passed),
		pr(year, "C-2", "adv-1", training.RetrainingRequired),
		pr(year, "c-10", "Adv-2", training.Passed),
		pr(year, "c-1", "adv-10", training.RetakeDue),
		pr(year, "c-1", "Adv-2", training.InProgress),
	}
	others = []training.Progress{pr(year-1, "c-1", "adv-1", training.Passed), pr(year+1, "c-1", "adv-1", training.InProgress)}
	return thisYear, others
}

func checkProgressOrdered(ctx context.Context, s training.Store, _ Features) error {
	thisYear, others := listProgress()
	if err := commit(ctx, s, "d1", training.Change{Progress: slices.Concat(others, thisYear[4:])}, "seed some progress records"); err != nil {
		return err
	}
	if err := commit(ctx, s, "d1", training.Change{Progress: thisYear[:4]}, "seed the rest"); err != nil {
		return err
	}
	of := func(ps []training.Progress, e org.EmployeeID) []training.Progress {
		return sortedByKey(slices.DeleteFunc(slices.Clone(ps), func(p training.Progress) bool { return e != "" && p.Employee != e }))
	}
	var errs []error
	for _, q := range []struct {
		y    int
		e    org.EmployeeID
		want []training.Progress
	}{
		{year, "", of(thisYear, "")},
		{year, "adv-1", of(thisYear, "adv-1")}, // not adv-1-b's, nor adv-10's
		{year, "adv-1-b", of(thisYear, "adv-1-b")},
		{year, "Adv-2", of(thisYear, "Adv-2")}, // not adv-2's
		{year, "adv-", nil},
		{year - 1, "", others[:1]},
		{year - 1, "adv-1", others[:1]},
		{year + 1, "adv-2", nil},
		{year - 2, "", nil},
	} {
		what := fmt.Sprintf("Progress(d1, %d, %q)", q.y, q.e)
		got, err := s.Progress(ctx, "d1", q.y, q.e)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, q.want, progressKey, diffProgress))
	}
	return errors.Join(errs...)
}

func checkCareersOrdered(ctx context.Context, s training.Store, _ Features) error {
	var cs []training.Career
	for _, e := range []org.EmployeeID{"adv-2", "adv-10", "Adv-2", "adv-1", "adv-1-b", "tech-1"} {
		cs = append(cs, career("d1", e))
	}
	if err := commit(ctx, s, "d1", training.Change{Careers: cs[:3]}, "seed three career records"); err != nil {
		return err
	}
	if err := commit(ctx, s, "d1", training.Change{Careers: cs[3:]}, "seed the others"); err != nil {
		return err
	}
	got, err := s.Careers(ctx, "d1")
	if err != nil {
		return fmt.Errorf("Careers(d1): %w", err)
	}
	return kit.DiffList("Careers(d1)", got, sortedByEmployee(cs), careerEmployee, diffCareer)
}

// checkEmpty asks for what is not there, in a new store and beside
// records: each list is empty and not nil (a host marshals it to JSON as
// [], not null), and no error.
func checkEmpty(ctx context.Context, s training.Store, _ Features) error {
	lists := func(when string) error {
		var errs []error
		empty := func(what string, n int, isNil bool, err error) {
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("%s %s: got error %w, want an empty list", what, when, err))
			case n != 0:
				errs = append(errs, fmt.Errorf("%s %s: got %d records, want none", what, when, n))
			case isNil:
				errs = append(errs, fmt.Errorf("%s %s: got a nil slice, want an empty one", what, when))
			}
		}
		ss, err := s.Sessions(ctx, "d1", year-1)
		empty(fmt.Sprintf("Sessions(d1, %d)", year-1), len(ss), ss == nil, err)
		ps, err := s.Progress(ctx, "d1", year-1, "")
		empty(fmt.Sprintf("Progress(d1, %d, everyone)", year-1), len(ps), ps == nil, err)
		ps, err = s.Progress(ctx, "d1", year, "nobody")
		empty(fmt.Sprintf("Progress(d1, %d, nobody)", year), len(ps), ps == nil, err)
		cs, err := s.Careers(ctx, "d9")
		empty("Careers(d9)", len(cs), cs == nil, err)
		ss, err = s.Sessions(ctx, "d9", year)
		empty(fmt.Sprintf("Sessions(d9, %d)", year), len(ss), ss == nil, err)
		ps, err = s.Progress(ctx, "d9", year, "adv-1")
		empty(fmt.Sprintf("Progress(d9, %d, adv-1)", year), len(ps), ps == nil, err)
		return errors.Join(errs...)
	}
	if err := lists("in a new store"); err != nil {
		return err
	}
	cs, err := s.Careers(ctx, "d1")
	switch {
	case err != nil:
		return fmt.Errorf("Careers(d1) in a new store: got error %w, want an empty list", err)
	case len(cs) != 0 || cs == nil:
		return fmt.Errorf("Careers(d1) in a new store: got %d records (nil: %v), want an empty, non-nil list", len(cs), cs == nil)
	}
	c := training.Change{Plans: []training.Plan{plan("d1", year)}, Sessions: []training.Session{session("d1", "s-1", t0)},
		Progress: []training.Progress{progress("d1", "c-1", "adv-1")}, Careers: []training.Career{career("d1", "adv-1")}}
	if err := commit(ctx, s, "d1", c, "seed the year"); err != nil {
		return err
	}
	return lists("beside the year's records")
}
