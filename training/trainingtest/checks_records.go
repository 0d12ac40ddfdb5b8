package trainingtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// readPlans reads want with Plan (plans have no list).
func readPlans(ctx context.Context, s training.Store, want ...training.Plan) error {
	for _, w := range want {
		got, err := s.Plan(ctx, w.DealerID, w.Year)
		if err != nil {
			return fmt.Errorf("read plan %d: %w", w.Year, err)
		}
		if err := diffPlan(got, w); err != nil {
			return fmt.Errorf("reading it with Plan: %w", err)
		}
	}
	return nil
}

// checkSessionRoundTrip writes a full and a bare session, then swaps what
// they have: attendees shrink and grow, a score goes from set to nil and
// from nil to set, the closing instant from set to zero.
func checkSessionRoundTrip(ctx context.Context, s training.Store, _ Features) error {
	full := fullSession("d1", "s-1")
	bare := training.Session{DealerID: "d1", ID: "s-2", Year: year, Version: 1}
	if err := commit(ctx, s, "d1", training.Change{Sessions: []training.Session{bare, full}}, "commit a full and a bare session"); err != nil {
		return err
	}
	if err := readSessions(ctx, s, full, bare); err != nil {
		return err
	}
	shrunk := fullSession("d1", "s-1")
	shrunk.Version, shrunk.State, shrunk.ClosedAt = 2, training.SessionScheduled, time.Time{}
	shrunk.Attendees = shrunk.Attendees[:2]
	shrunk.Attendees[0].Score = nil
	shrunk.Attendees[1].Score = score("12.50")
	grown := fullSession("d1", "s-2")
	grown.Version, grown.Start = 2, at(-5*day)
	grown.Attendees = append(grown.Attendees, training.Attendee{Employee: "adv-2", Status: training.StatusWaitlisted, Hours: amount("0"), At: at(9)})
	if err := commit(ctx, s, "d1", training.Change{Sessions: []training.Session{shrunk, grown}}, "update both to version 2"); err != nil {
		return err
	}
	if err := readSessions(ctx, s, shrunk, grown); err != nil {
		return fmt.Errorf("after dropping attendees and scores of the full session and filling the bare one: %w", err)
	}
	return nil
}

// readSessions reads want, all of d1's sessions of the year, with Session
// and Sessions.
func readSessions(ctx context.Context, s training.Store, want ...training.Session) error {
	for _, w := range want {
		got, err := s.Session(ctx, w.DealerID, w.ID)
		if err != nil {
			return fmt.Errorf("read session %s: %w", w.ID, err)
		}
		if err := diffSession(got, w); err != nil {
			return fmt.Errorf("reading it with Session: %w", err)
		}
	}
	list, err := s.Sessions(ctx, "d1", year)
	if err != nil {
		return fmt.Errorf("Sessions(d1, %d): %w", year, err)
	}
	return kit.DiffList(fmt.Sprintf("Sessions(d1, %d)", year), list, sortedByStart(want), sessionID, diffSession)
}

// roundTripProgress differ from one another in one part of their Key
// each, so a store keying progress by fewer parts loses one.
func roundTripProgress() []training.Progress {
	a := fullProgress("d1", "c-1", "adv-1")
	b := fullProgress("d1", "c-1", "adv-2") // another employee
	b.Standing, b.Commended, b.CommendedAt = training.Passed, false, time.Time{}
	c := fullProgress("d1", "c-2", "adv-1") // another course
	c.Standing, c.RetrainingSession = training.RetrainingRequired, ""
	d := training.Progress{DealerID: "d1", Year: year, CourseID: "c-1-b", Employee: "adv-1", Version: 1} // bare
	e := fullProgress("d1", "c-1", "adv-1")                                                              // another year
	e.Year, e.Standing = 2026, training.Passed
	return []training.Progress{a, b, c, d, e}
}

func checkProgressRoundTrip(ctx context.Context, s training.Store, _ Features) error {
	ps := roundTripProgress()
	if err := commit(ctx, s, "d1", training.Change{Progress: ps}, "commit five progress records, each differing from another in one part of its Key"); err != nil {
		return err
	}
	if err := readProgress(ctx, s, ps); err != nil {
		return err
	}
	shrunk := ps[0].Clone()
	shrunk.Version, shrunk.Attempts, shrunk.Earlier = 2, shrunk.Attempts[:1], nil
	shrunk.RetakeBy, shrunk.Commended, shrunk.CommendedAt, shrunk.RetrainingSession = time.Time{}, false, time.Time{}, ""
	grown := fullProgress("d1", "c-1-b", "adv-1")
	grown.Version = 2
	grown.Earlier = append(grown.Earlier, training.Attempt{Score: amount("0.5"), At: at(3 * day)})
	ps[0], ps[3] = shrunk, grown
	if err := commit(ctx, s, "d1", training.Change{Progress: []training.Progress{grown, shrunk}}, "update two to version 2"); err != nil {
		return err
	}
	if err := readProgress(ctx, s, ps); err != nil {
		return fmt.Errorf("after emptying one and filling the bare one: %w", err)
	}
	return nil
}

// readProgress reads want, all of d1's, with Progress of each year for
// everyone and for each employee.
func readProgress(ctx context.Context, s training.Store, want []training.Progress) error {
	for _, y := range []int{year, 2026} {
		for _, e := range []org.EmployeeID{"", "adv-1", "adv-2"} {
			of := slices.DeleteFunc(slices.Clone(want), func(p training.Progress) bool {
				return p.Year != y || (e != "" && p.Employee != e)
			})
			what := fmt.Sprintf("Progress(d1, %d, %q)", y, e)
			got, err := s.Progress(ctx, "d1", y, e)
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			if err := kit.DiffList(what, got, sortedByKey(of), progressKey, diffProgress); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkCareerRoundTrip writes a full and a bare career record, then swaps
// what they have.
func checkCareerRoundTrip(ctx context.Context, s training.Store, _ Features) error {
	full := fullCareer("d1", "adv-1")
	bare := training.Career{DealerID: "d1", Employee: "adv-2", Version: 1}
	if err := commit(ctx, s, "d1", training.Change{Careers: []training.Career{bare, full}}, "commit a full and a bare career record"); err != nil {
		return err
	}
	if err := readCareers(ctx, s, full, bare); err != nil {
		return err
	}
	shrunk := fullCareer("d1", "adv-1")
	shrunk.Version, shrunk.Notes, shrunk.Goals, shrunk.Certificates = 2, shrunk.Notes[1:], nil, shrunk.Certificates[1:]
	grown := fullCareer("d1", "adv-2")
	grown.Version = 2
	grown.Certificates = append(grown.Certificates, training.HeldCertificate{Name: "third", Year: 2028, CourseID: "c-2", IssuedAt: at(400 * day), Expires: at(800 * day)})
	if err := commit(ctx, s, "d1", training.Change{Careers: []training.Career{shrunk, grown}}, "update both to version 2"); err != nil {
		return err
	}
	if err := readCareers(ctx, s, shrunk, grown); err != nil {
		return fmt.Errorf("after dropping the full record's goals and filling the bare one: %w", err)
	}
	return nil
}

// readCareers reads want, all of d1's careers, with Career and Careers.
func readCareers(ctx context.Context, s training.Store, want ...training.Career) error {
	for _, w := range want {
		got, err := s.Career(ctx, w.DealerID, w.Employee)
		if err != nil {
			return fmt.Errorf("read career of %s: %w", w.Employee, err)
		}
		if err := diffCareer(got, w); err != nil {
			return fmt.Errorf("reading it with Career: %w", err)
		}
	}
	list, err := s.Careers(ctx, "d1")
	if err != nil {
		return fmt.Errorf("Careers(d1): %w", err)
	}
	return kit.DiffList("Careers(d1)", list, sortedByEmployee(want), careerEmployee, diffCareer)
}

// amounts are the values every decimal must keep: above 2^53, with
// trailing zeros, at the fourth decimal, at the contract's widest, below
// zero, a pass mark at 8 places and an average at 16.
var amounts = []string{big, "12.50", "0", "0.0001", "99999999999999999999.9999", "9007199254740993", "-1234.5678", "-" + big,
	"7.12345678", "100.0000", "0.33333333", "3.6666666666666667"}

// walkValues calls fn on every field of type T inside *p (a pointer to a
// record), in every element of every slice and behind every pointer: a
// field added later is covered too. Pointees are changed in place.
func walkValues[T any](p any, fn func(T) T) {
	typ := reflect.TypeFor[T]()
	var walk func(x reflect.Value)
	walk = func(x reflect.Value) {
		if x.Type() == typ {
			x.Set(reflect.ValueOf(fn(x.Interface().(T))))
			return
		}
		switch x.Kind() {
		case reflect.Struct:
			for i := range x.NumField() {
				if x.Type().Field(i).IsExported() {
					walk(x.Field(i))
				}
			}
		case reflect.Pointer:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Slice:
			for i := range x.Len() {
				walk(x.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(p).Elem())
}

func checkAmountsExact(ctx context.Context, s training.Store, _ Features) error {
	var c training.Change
	set := func(v decimal.Decimal) func(decimal.Decimal) decimal.Decimal {
		return func(decimal.Decimal) decimal.Decimal { return v }
	}
	for i, a := range amounts {
		v := amount(a)
		p := fullPlan("d1", 2030+i)
		walkValues(&p, set(v))
		ss := fullSession("d1", fmt.Sprintf("s-%02d", i))
		walkValues(&ss, set(v))
		pr := fullProgress("d1", fmt.Sprintf("c-%02d", i), "adv-1")
		walkValues(&pr, set(v))
		c.Plans, c.Sessions, c.Progress = append(c.Plans, p), append(c.Sessions, ss), append(c.Progress, pr)
	}
	if err := commit(ctx, s, "d1", c, "commit a plan, a session and a progress record per amount"); err != nil {
		return err
	}
	ps, err := s.Progress(ctx, "d1", year, "adv-1")
	if err != nil {
		return fmt.Errorf("read progress: %w", err)
	}
	if len(ps) != len(amounts) {
		return fmt.Errorf("read %d progress records, want %d", len(ps), len(amounts))
	}
	var errs []error
	for i, a := range amounts {
		p, err := s.Plan(ctx, "d1", c.Plans[i].Year)
		if err != nil {
			return fmt.Errorf("read plan %d: %w", c.Plans[i].Year, err)
		}
		ss, err := s.Session(ctx, "d1", c.Sessions[i].ID)
		if err != nil {
			return fmt.Errorf("read session %s: %w", c.Sessions[i].ID, err)
		}
		// Courses c-00.. sort as written.
		for _, err := range []error{diffPlan(p, c.Plans[i]), diffSession(ss, c.Sessions[i]), diffProgress(ps[i], c.Progress[i])} {
			if err != nil {
				errs = append(errs, fmt.Errorf("decimal %s: %w", a, err))
			}
		}
	}
	return errors.Join(errs...)
}

// subMicro is what checkInstants adds to every instant: below half a
// microsecond, so truncating and rounding to the microsecond agree.
const subMicro = 400 * time.Nanosecond

// elsewhere is t as a caller may write it: in the dealer's zone, with a
// part below the microsecond. The zero time stays the zero time, in the
// dealer's zone.
func elsewhere(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}.In(taipei)
	}
	return t.Add(subMicro).In(taipei)
}

// checkInstants writes full records with every instant in the dealer's
// zone and a few hundred nanoseconds past the microsecond, and bare ones
// whose instants are all zero: each must read back as the fixture, in UTC
// to the microsecond, the zero times zero.
func checkInstants(ctx context.Context, s training.Store, _ Features) error {
	bareCareer := training.Career{DealerID: "d1", Employee: "adv-2", Notes: []training.Note{{By: "sup-1", Text: "undated"}},
		Goals: []training.Goal{{Text: "no date"}}, Certificates: []training.HeldCertificate{{Name: "undated", Year: year, CourseID: "c-1"}}, Version: 1}
	bareSession := training.Session{DealerID: "d1", ID: "s-0", Year: year, Version: 1,
		Attendees: []training.Attendee{{Employee: "adv-2", Status: training.StatusEnrolled, Hours: amount("1")}}}
	bareProgress := training.Progress{DealerID: "d1", Year: year, CourseID: "c-1", Employee: "adv-2", Standing: training.InProgress,
		Attempts: []training.Attempt{{Score: amount("1")}}, Version: 1}
	want := training.Change{
		Plans:    []training.Plan{fullPlan("d1", year), plan("d1", 2028)},
		Sessions: []training.Session{fullSession("d1", "s-1"), bareSession},
		Progress: []training.Progress{fullProgress("d1", "c-1", "adv-1"), bareProgress},
		Careers:  []training.Career{fullCareer("d1", "adv-1"), bareCareer},
	}
	written := training.Change{
		Plans:    []training.Plan{fullPlan("d1", year), plan("d1", 2028)},
		Sessions: []training.Session{fullSession("d1", "s-1"), bareSession.Clone()},
		Progress: []training.Progress{fullProgress("d1", "c-1", "adv-1"), bareProgress.Clone()},
		Careers:  []training.Career{fullCareer("d1", "adv-1"), bareCareer.Clone()},
	}
	walkValues(&written, elsewhere)
	if err := commit(ctx, s, "d1", written, "commit records with instants in +08:00 and 400ns past the microsecond"); err != nil {
		return err
	}
	var errs []error
	for _, p := range want.Plans {
		errs = append(errs, readPlans(ctx, s, p))
	}
	errs = append(errs, readSessions(ctx, s, want.Sessions...), readCareers(ctx, s, want.Careers...))
	ps, err := s.Progress(ctx, "d1", year, "")
	errs = append(errs, kit.Then(err, func() error {
		return kit.DiffList(fmt.Sprintf("Progress(d1, %d, everyone)", year), ps, sortedByKey(want.Progress), progressKey, diffProgress)
	}))
	return errors.Join(errs...)
}
