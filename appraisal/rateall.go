package appraisal

import (
	"context"
	"fmt"
	"time"

	"github.com/servicelane/servicelane/org"
)

// MaxRatingsPerCall bounds [RateAllInput.Ratings]: a dealer's month of
// customer ratings (1,000 advisors, a few KPIs each) fits well inside it.
const MaxRatingsPerCall = 10000

// RateAllInput is the input of [Service.RateAll]: ratings of one month,
// entered together.
type RateAllInput struct {
	Month org.Month `json:"month"`
	// Ratings are checked one by one as [Service.Rate] checks its input;
	// each one's Month must be Month or zero.
	Ratings []RateInput `json:"ratings"`
	// KeepExisting leaves a rating whose rater rated that KPI of that
	// employee this month already as it was, and enters the others;
	// without it such a rating refuses the call, as Rate refuses it. A
	// month-end that stopped after entering its ratings runs again with it.
	KeepExisting bool `json:"keep_existing,omitempty"`
}

// RateAll records many ratings of one month in one commit: all of them or,
// when one is refused, none. Every rating is held to what [Service.Rate]
// holds one to (R6.3: the cycle open, the source's deadline, who rates
// whom, the plan's KPIs and scales, once per rater and KPI), and each is
// audited by its own "appraisal.rated" event, as Rate audits it. Field
// errors name the rating: "ratings[3].value". It returns the ratings
// entered, in the order given; with KeepExisting those already entered
// are left out.
func (s *Service) RateAll(ctx context.Context, dealer org.DealerID, actor org.Actor, in RateAllInput) (_ []Input, err error) {
	ctx, ob := s.obs.Begin(ctx, "rate_all", dealer, actor)
	defer ob.End(&err)
	const op = "rate"
	ve := &org.ValidationError{Op: "appraisal: rate all"}
	if !in.Month.Valid() {
		ve.Add("month", org.CodeRange, "must be a calendar month of years 1 to 9999")
	}
	switch n := len(in.Ratings); {
	case n == 0:
		ve.Add("ratings", org.CodeRequired, "at least 1 rating")
	case n > MaxRatingsPerCall:
		ve.Add("ratings", org.CodeRange, fmt.Sprintf("at most %d ratings in one call, not %d", MaxRatingsPerCall, n))
	}
	for i, r := range in.Ratings {
		at := fmt.Sprintf("ratings[%d].", i)
		if r.Month != (org.Month{}) && r.Month != in.Month {
			ve.Add(at+"month", org.CodeRange, fmt.Sprintf("must be %s, the call's month, or empty", in.Month))
		}
		r.Month = in.Month
		for _, f := range shape(op, r).Fields {
			f.Path = at + f.Path
			ve.Fields = append(ve.Fields, f)
		}
		if r.Source == SourceCustomer && r.Customer == "" {
			ve.Add(at+"customer", org.CodeRequired, "a customer rating names its customer or survey")
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	c, err := s.store.Cycle(ctx, dealer, in.Month)
	if err != nil {
		return nil, fmt.Errorf("appraisal: rate all: cycle %s: %w", in.Month, err)
	}
	if c.State != CycleOpen {
		return nil, stateError(op, in.Month, c.State, CycleOpen)
	}
	now := org.Now(s.clock)
	var late []org.Blocker
	for _, src := range []Source{SourceSelf, SourceSupervisor, SourceCustomer, SourcePeer} {
		dl, ok := c.Deadlines[src]
		if !ok || !now.After(dl) {
			continue
		}
		for _, r := range in.Ratings {
			if r.Source == src {
				late = append(late, org.Blocker{Rule: "R6.3_ratings_before_their_deadline",
					Message: fmt.Sprintf("%s ratings for %s closed at %s", src, in.Month, dl.Format(time.RFC3339))})
				break
			}
		}
	}
	if len(late) > 0 {
		return nil, &org.RefusalError{Op: "appraisal", Record: "cycle", ID: in.Month.String(), State: string(c.State), Command: op, Actor: actor, Blockers: late}
	}
	existing, err := s.store.Inputs(ctx, dealer, in.Month, "")
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(existing))
	for _, e := range existing {
		have[e.Key()] = true
	}
	inBatch := make(map[string]int, len(in.Ratings))
	var inputs []Input
	var events []org.Event
	for i, r := range in.Ratings {
		r.Month = in.Month
		rater, err := s.mayRate(ctx, dealer, actor, r)
		if err != nil {
			return nil, fmt.Errorf("ratings[%d]: %w", i, err)
		}
		one := &org.ValidationError{}
		checkRatings(&c.Plan, []Rating{{Rater: rater, Source: r.Source, KPI: r.KPI, Value: r.Value}}, one)
		for _, f := range one.Fields {
			f.Path = fmt.Sprintf("ratings[%d].%s", i, trimRatingPath(f.Path))
			ve.Fields = append(ve.Fields, f)
		}
		input := Input{DealerID: dealer, Month: in.Month, Ratee: r.Ratee, Rater: rater, Source: r.Source, KPI: r.KPI, Value: r.Value, At: now, Version: 1}
		key := input.Key()
		if j, dup := inBatch[key]; dup {
			ve.Add(fmt.Sprintf("ratings[%d].kpi", i), org.CodeDuplicate, fmt.Sprintf("ratings[%d] is the same rater's rating of the same KPI of the same employee", j))
			continue
		}
		inBatch[key] = i
		if have[key] {
			if !in.KeepExisting {
				ve.Add(fmt.Sprintf("ratings[%d].kpi", i), org.CodeDuplicate, "this rater rated this KPI of this employee already this month")
			}
			continue
		}
		inputs = append(inputs, input)
		events = append(events, s.event(dealer, actor, now, "appraisal.rated", in.Month, "/"+string(r.Ratee), "", map[string]any{"source": r.Source, "kpi": r.KPI}))
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return []Input{}, nil // every rating was entered before (KeepExisting)
	}
	if err := s.store.Commit(ctx, dealer, Change{Inputs: inputs, Events: events}); err != nil {
		return nil, fmt.Errorf("appraisal: rate all %s: %w", in.Month, err)
	}
	return inputs, nil
}
