package trainingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// snapshot is everything a store holds for one dealer, as far as the kit
// can read it: plans have no list, so only the fixtures' years are read,
// and sessions and progress records are listed year by year; events only
// when the trail is readable.
type snapshot struct {
	dealer     org.DealerID
	plans      []training.Plan
	sessions   []training.Session  // every year's, year by year
	progress   []training.Progress // every year's, year by year
	careers    []training.Career
	events     []org.Event
	withEvents bool
}

func take(ctx context.Context, s training.Store, f Features, d org.DealerID) (snapshot, error) {
	sn := snapshot{dealer: d}
	fail := func(err error) (snapshot, error) { return sn, fmt.Errorf("snapshot of %s: %w", d, err) }
	for _, y := range years {
		p, err := s.Plan(ctx, d, y)
		switch {
		case err == nil:
			sn.plans = append(sn.plans, p)
		case !errors.Is(err, org.ErrNotFound):
			return fail(fmt.Errorf("plan %d: %w", y, err))
		}
		ss, err := s.Sessions(ctx, d, y)
		if err != nil {
			return fail(fmt.Errorf("sessions of %d: %w", y, err))
		}
		sn.sessions = append(sn.sessions, ss...)
		ps, err := s.Progress(ctx, d, y, "")
		if err != nil {
			return fail(fmt.Errorf("progress of %d: %w", y, err))
		}
		sn.progress = append(sn.progress, ps...)
	}
	var err error
	if sn.careers, err = s.Careers(ctx, d); err != nil {
		return fail(fmt.Errorf("careers: %w", err))
	}
	if r := f.events(s); r != nil {
		sn.withEvents = true
		if sn.events, err = kit.AllEvents(ctx, r, d); err != nil {
			return fail(err)
		}
	}
	return sn, nil
}

// same reports how b differs from a, or nil.
func (a snapshot) same(b snapshot) error {
	p := "dealer " + string(a.dealer) + ": "
	errs := []error{
		kit.DiffList(p+"plans", b.plans, a.plans, planYear, diffPlan),
		kit.DiffList(p+"sessions", b.sessions, a.sessions, yearSessionID, diffSession),
		kit.DiffList(p+"progress", b.progress, a.progress, progressKey, diffProgress),
		kit.DiffList(p+"careers", b.careers, a.careers, careerEmployee, diffCareer),
	}
	if a.withEvents && b.withEvents {
		errs = append(errs, kit.DiffEvents(p+"events", b.events, a.events))
	}
	return errors.Join(errs...)
}
