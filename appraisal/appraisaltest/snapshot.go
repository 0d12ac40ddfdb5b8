package appraisaltest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// snapshot is everything a store holds for one dealer, as far as the kit
// can read it: cycles and improvement plans have no list, so only the
// fixtures' months and employees are read; events only when the trail is
// readable.
type snapshot struct {
	dealer       org.DealerID
	cycles       []appraisal.Cycle
	inputs       []appraisal.Input     // every month's, month by month
	appraisals   []appraisal.Appraisal // every month's, month by month
	improvements []appraisal.Improvement
	events       []org.Event
	withEvents   bool
}

func take(ctx context.Context, s appraisal.Store, f Features, d org.DealerID) (snapshot, error) {
	sn := snapshot{dealer: d}
	fail := func(err error) (snapshot, error) { return sn, fmt.Errorf("snapshot of %s: %w", d, err) }
	for _, m := range months {
		c, err := s.Cycle(ctx, d, m)
		switch {
		case err == nil:
			sn.cycles = append(sn.cycles, c)
		case !errors.Is(err, org.ErrNotFound):
			return fail(fmt.Errorf("cycle %s: %w", m, err))
		}
		ins, err := s.Inputs(ctx, d, m, "")
		if err != nil {
			return fail(fmt.Errorf("inputs of %s: %w", m, err))
		}
		sn.inputs = append(sn.inputs, ins...)
		as, err := s.Appraisals(ctx, d, m)
		if err != nil {
			return fail(fmt.Errorf("appraisals of %s: %w", m, err))
		}
		sn.appraisals = append(sn.appraisals, as...)
		for _, e := range employees {
			i, err := s.Improvement(ctx, d, m, e)
			switch {
			case err == nil:
				sn.improvements = append(sn.improvements, i)
			case !errors.Is(err, org.ErrNotFound):
				return fail(fmt.Errorf("improvement plan of %s for %s: %w", e, m, err))
			}
		}
	}
	if r := f.events(s); r != nil {
		sn.withEvents = true
		var err error
		if sn.events, err = kit.AllEvents(ctx, r, d); err != nil {
			return fail(err)
		}
	}
	return sn, nil
}

// takeBoth snapshots two dealers.
func takeBoth(ctx context.Context, s appraisal.Store, f Features, a, b org.DealerID) ([2]snapshot, error) {
	sa, errA := take(ctx, s, f, a)
	sb, errB := take(ctx, s, f, b)
	return [2]snapshot{sa, sb}, errors.Join(errA, errB)
}

func cycleMonth(c appraisal.Cycle) string { return c.Month.String() }
func improvementKey(i appraisal.Improvement) string {
	return i.Month.String() + "/" + string(i.Employee)
}
func inputMonthKey(in appraisal.Input) string { return in.Month.String() + "/" + in.Key() }

// same reports how b differs from a, or nil.
func (a snapshot) same(b snapshot) error {
	p := "dealer " + string(a.dealer) + ": "
	errs := []error{
		kit.DiffList(p+"cycles", b.cycles, a.cycles, cycleMonth, diffCycle),
		kit.DiffList(p+"inputs", b.inputs, a.inputs, inputMonthKey, diffInput),
		kit.DiffList(p+"appraisals", b.appraisals, a.appraisals, monthEmployee, diffAppraisal),
		kit.DiffList(p+"improvement plans", b.improvements, a.improvements, improvementKey, diffImprovement),
	}
	if a.withEvents && b.withEvents {
		errs = append(errs, kit.DiffEvents(p+"events", b.events, a.events))
	}
	return errors.Join(errs...)
}
