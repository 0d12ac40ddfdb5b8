package policytest

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

const stScribbled = "scribbled"

var stMinusOne = decimal.NewFromInt(-1)

// stScribbleCondition writes over a condition and every condition, slice
// and pointer inside it.
func stScribbleCondition(c *policy.Condition) {
	for i := range c.All {
		stScribbleCondition(&c.All[i])
	}
	for i := range c.Any {
		stScribbleCondition(&c.Any[i])
	}
	if c.Not != nil {
		stScribbleCondition(c.Not)
	}
	if c.Fact != nil {
		c.Fact.Name = stScribbled
	}
	if c.Count != nil {
		c.Count.AtLeast = -1
		if len(c.Count.Incidents) > 0 {
			c.Count.Incidents[0] = stScribbled
		}
	}
	if c.Consecutive != nil {
		c.Consecutive.Fact = stScribbled
	}
	if c.Rank != nil && c.Rank.MinScore != nil {
		*c.Rank.MinScore = stMinusOne
	}
	if c.Amount != nil {
		if c.Amount.AtMost != nil {
			*c.Amount.AtMost = stMinusOne
		}
		if len(c.Amount.Incidents) > 0 {
			c.Amount.Incidents[0] = stScribbled
		}
	}
}

func stScribbleAction(a *policy.Action) {
	a.Amount, a.Note.EN = stMinusOne, stScribbled
	if c := a.Compensation; c != nil {
		if len(c.Of) > 0 {
			c.Of[0] = stScribbled
		}
		for i := range c.Brackets {
			c.Brackets[i].Percent = stMinusOne
			if c.Brackets[i].AtMost != nil {
				*c.Brackets[i].AtMost = stMinusOne
			}
		}
	}
}

// stScribblePolicy writes over everything of a stored policy that a
// careless store could share with its caller.
func stScribblePolicy(sp *policy.StoredPolicy) {
	p := &sp.Policy
	if p.Places != nil {
		*p.Places = 99
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		r.ID = stScribbled
		if len(r.Cites) > 0 {
			r.Cites[0] = stScribbled
		}
		stScribbleCondition(&r.When)
		for j := range r.Then {
			stScribbleAction(&r.Then[j])
		}
		if r.Award != nil {
			r.Award.Winners = -1
			for j := range r.Award.TieBreak {
				r.Award.TieBreak[j].Fact = stScribbled
			}
		}
	}
	for i := range p.Ladders {
		l := &p.Ladders[i]
		if len(l.Incidents) > 0 {
			l.Incidents[0] = stScribbled
		}
		for _, step := range l.Steps {
			for j := range step {
				stScribbleAction(&step[j])
			}
		}
	}
}

// stScribbleDecision writes over the proposal's slices, its pointers and
// its phrases' argument maps.
func stScribbleDecision(d *policy.Decision) {
	p := &d.Proposal
	if len(p.Cites) > 0 {
		p.Cites[0] = stScribbled
	}
	for i := range p.Actions {
		stScribbleAction(&p.Actions[i])
	}
	for i := range p.Used {
		p.Used[i].Value = stScribbled
	}
	for _, ps := range [][]policy.Phrase{p.Explanation.Reasons, p.Explanation.Actions} {
		for i := range ps {
			ps[i].Key = stScribbled
			for k := range ps[i].Args {
				ps[i].Args[k] = stScribbled
			}
			if ps[i].Args != nil {
				ps[i].Args["added"] = stScribbled
			}
		}
	}
	if len(p.Explanation.Cites) > 0 {
		p.Explanation.Cites[0] = stScribbled
	}
}

func storeReadsAreCopies(ctx context.Context, s policy.Store, f Features) error {
	c := policy.Change{
		Policies:    []policy.StoredPolicy{stStored("d1", stFullPolicy(1), true)},
		Incidents:   []policy.IncidentRecord{stFullIncident("d1", "loss-1")},
		Nominations: []policy.NominationRecord{stFullNomination("d1", "nom-1")},
		Decisions:   []policy.Decision{stFullDecision("d1", stKey("adv-1", stMonth, ""))},
		Events:      []org.Event{stEvent("d1", "ev-1", "policy/decision/x")},
	}
	if err := stCommit(ctx, s, "d1", c, "commit a policy, an incident, a nomination, a decision and an event"); err != nil {
		return err
	}
	// Scribble on what was committed: the Change's slices and the slices,
	// pointers and maps inside them.
	stScribblePolicy(&c.Policies[0])
	c.Incidents[0].Note = stScribbled
	c.Nominations[0].Reason = stScribbled
	stScribbleDecision(&c.Decisions[0])
	c.Events[0].Data[0] = 'X'
	// want is fresh fixtures: nothing the kit holds is shared with them.
	wantPolicy, wantDecision := stStored("d1", stFullPolicy(1), true), stFullDecision("d1", stKey("adv-1", stMonth, ""))
	type read struct {
		what  string
		check func() error
	}
	reads := []read{
		{"Policy", func() error {
			got, err := s.Policy(ctx, "d1", 1)
			if err != nil {
				return err
			}
			err = stDiffStoredPolicy(got, wantPolicy)
			stScribblePolicy(&got)
			return err
		}},
		{"ActivePolicy", func() error {
			got, err := s.ActivePolicy(ctx, "d1")
			if err != nil {
				return err
			}
			err = stDiffStoredPolicy(got, wantPolicy)
			stScribblePolicy(&got)
			return err
		}},
		{"Policies", func() error {
			list, err := s.Policies(ctx, "d1")
			if err != nil {
				return err
			}
			err = kit.DiffList("Policies", list, []policy.StoredPolicy{wantPolicy}, stPolicyKey, stDiffStoredPolicy)
			for i := range list {
				stScribblePolicy(&list[i])
			}
			return err
		}},
		{"Incident", func() error {
			got, err := s.Incident(ctx, "d1", "loss-1")
			if err != nil {
				return err
			}
			return stDiffIncident(got, stFullIncident("d1", "loss-1"))
		}},
		{"Incidents", func() error {
			list, err := s.Incidents(ctx, "d1", time.Time{}, time.Time{})
			if err != nil {
				return err
			}
			err = kit.DiffList("Incidents", list, []policy.IncidentRecord{stFullIncident("d1", "loss-1")}, stIncidentID, stDiffIncident)
			for i := range list {
				list[i].Note = stScribbled
			}
			return err
		}},
		{"Nominations", func() error {
			list, err := s.Nominations(ctx, "d1", stMonth)
			if err != nil {
				return err
			}
			err = kit.DiffList("Nominations", list, []policy.NominationRecord{stFullNomination("d1", "nom-1")}, stNominationID, stDiffNomination)
			for i := range list {
				list[i].Reason = stScribbled
			}
			return err
		}},
		{"Decision", func() error {
			got, err := s.Decision(ctx, "d1", wantDecision.Key)
			if err != nil {
				return err
			}
			err = stDiffDecision(got, wantDecision)
			stScribbleDecision(&got)
			return err
		}},
		{"Decisions", func() error {
			list, err := s.Decisions(ctx, "d1", stMonth, "")
			if err != nil {
				return err
			}
			err = kit.DiffList("Decisions", list, []policy.Decision{wantDecision}, stDecisionKey, stDiffDecision)
			for i := range list {
				stScribbleDecision(&list[i])
			}
			return err
		}},
		{"Decisions of an employee", func() error {
			list, err := s.Decisions(ctx, "d1", stMonth, "adv-1")
			if err != nil {
				return err
			}
			err = kit.DiffList("Decisions of adv-1", list, []policy.Decision{wantDecision}, stDecisionKey, stDiffDecision)
			for i := range list {
				stScribbleDecision(&list[i])
			}
			return err
		}},
	}
	if r := f.events(s); r != nil {
		reads = append(reads, read{"Events", func() error {
			evs, err := r.Events(ctx, "d1", 0, 10)
			if err != nil {
				return err
			}
			err = kit.SameEvents("Events", evs, []org.Event{stEvent("d1", "ev-1", "policy/decision/x")})
			for _, ev := range evs {
				if len(ev.Data) > 0 {
					ev.Data[0] = 'Y'
				}
			}
			return err
		}})
	}
	// Each read must see the fixture as written: not the scribbles on
	// what was committed, nor those on what an earlier read returned. Two
	// rounds, so the last read's scribbles are looked for too.
	for round := range 2 {
		for _, r := range reads {
			if err := r.check(); err != nil {
				what := "after the caller changed the committed values"
				if round > 0 {
					what = "after the caller changed the values every read returned"
				}
				return fmt.Errorf("%s %s: %w", r.what, what, err)
			}
		}
	}
	return nil
}
