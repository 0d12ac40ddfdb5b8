package policytest

import (
	"github.com/shopspring/decimal"

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
