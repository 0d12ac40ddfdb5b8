package appraisaltest

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

const scribbled = "scribbled"

var minusOne = decimal.NewFromInt(-1)

// scribbleCycle writes over everything of c that a careless store could
// share with its caller: every slice, nested slice, map and pointer.
func scribbleCycle(c *appraisal.Cycle) {
	scribblePlan(&c.Plan)
	for k := range c.Deadlines {
		c.Deadlines[k] = time.Time{}
	}
	if c.Deadlines != nil {
		c.Deadlines[scribbled] = t0
	}
	if len(c.Reopenings) > 0 {
		c.Reopenings[0].Reason = scribbled
	}
}

func scribblePlan(p *appraisal.Plan) {
	for i := range p.KPIs {
		k := &p.KPIs[i]
		k.Name = scribbled
		for j := range k.Sources {
			k.Sources[j].Weight = minusOne
			if len(k.Sources[j].Curve.Bands) > 0 {
				k.Sources[j].Curve.Bands[0].Points = minusOne
			}
		}
	}
	if len(p.Grades) > 0 {
		p.Grades[0].Code = scribbled
	}
	for k := range p.Bonus.ByGrade {
		p.Bonus.ByGrade[k] = minusOne
	}
	if p.Bonus.ByGrade != nil {
		p.Bonus.ByGrade[scribbled] = minusOne
	}
	if p.Bonus.Linear != nil {
		p.Bonus.Linear.To.Share = minusOne
	}
}

func scribbleResult(r *appraisal.Result) {
	for i := range r.KPIs {
		k := &r.KPIs[i]
		k.Name = scribbled
		if len(k.MissingMetrics) > 0 {
			k.MissingMetrics[0] = "scribbled"
		}
		if len(k.Missing) > 0 {
			k.Missing[0] = scribbled
		}
		if len(k.Sources) > 0 {
			k.Sources[0].Raw = minusOne
		}
	}
}

func scribbleAppraisal(a *appraisal.Appraisal) {
	scribbleResult(&a.Computed)
	scribbleResult(&a.Final)
	if a.Calibration != nil {
		a.Calibration.Reason = scribbled
	}
}

func scribbleImprovement(i *appraisal.Improvement) {
	if len(i.Goals) > 0 {
		i.Goals[0].Text = scribbled
	}
	if len(i.FollowUps) > 0 {
		i.FollowUps[0].Note = scribbled
	}
}

func checkReadsAreCopies(ctx context.Context, s appraisal.Store, f Features) error {
	c := appraisal.Change{
		Cycles:       []appraisal.Cycle{fullCycle("d1", nov)},
		Inputs:       []appraisal.Input{input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")},
		Appraisals:   []appraisal.Appraisal{fullAppraisal("d1", nov, "adv-1")},
		Improvements: []appraisal.Improvement{fullImprovement("d1", nov, "adv-1")},
		Events:       []org.Event{event("d1", "ev-1", "appraisal/2026-11")},
	}
	if err := commit(ctx, s, "d1", c, "commit a cycle, an input, an appraisal, an improvement plan and an event"); err != nil {
		return err
	}
	// Scribble on what was committed: the Change's slices and the maps
	// and pointers inside them.
	scribbleCycle(&c.Cycles[0])
	c.Inputs[0].Value = minusOne
	scribbleAppraisal(&c.Appraisals[0])
	scribbleImprovement(&c.Improvements[0])
	c.Events[0].Data[0] = 'X'
	// want is fresh fixtures: nothing the kit holds is shared with them.
	wantCycle, wantInput := fullCycle("d1", nov), input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")
	wantAppraisal, wantImprovement := fullAppraisal("d1", nov, "adv-1"), fullImprovement("d1", nov, "adv-1")
	type read struct {
		what  string
		check func() error
	}
	reads := []read{
		{"Cycle", func() error {
			got, err := s.Cycle(ctx, "d1", nov)
			if err != nil {
				return err
			}
			err = diffCycle(got, wantCycle)
			scribbleCycle(&got)
			return err
		}},
		{"Inputs", func() error {
			list, err := s.Inputs(ctx, "d1", nov, "")
			if err != nil {
				return err
			}
			err = kit.DiffList("Inputs", list, []appraisal.Input{wantInput}, inputKey, diffInput)
			for i := range list {
				list[i].Value = minusOne
			}
			return err
		}},
		{"Appraisals", func() error {
			list, err := s.Appraisals(ctx, "d1", nov)
			if err != nil {
				return err
			}
			err = kit.DiffList("Appraisals", list, []appraisal.Appraisal{wantAppraisal}, employeeOf, diffAppraisal)
			for i := range list {
				scribbleAppraisal(&list[i])
			}
			return err
		}},
		{"History", func() error {
			list, err := s.History(ctx, "d1", "adv-1", nov)
			if err != nil {
				return err
			}
			err = kit.DiffList("History", list, []appraisal.Appraisal{wantAppraisal}, monthOf, diffAppraisal)
			for i := range list {
				scribbleAppraisal(&list[i])
			}
			return err
		}},
		{"Improvement", func() error {
			got, err := s.Improvement(ctx, "d1", nov, "adv-1")
			if err != nil {
				return err
			}
			err = diffImprovement(got, wantImprovement)
			scribbleImprovement(&got)
			return err
		}},
	}
	if r := f.events(s); r != nil {
		reads = append(reads, read{"Events", func() error {
			evs, err := r.Events(ctx, "d1", 0, 10)
			if err != nil {
				return err
			}
			err = kit.SameEvents("Events", evs, []org.Event{event("d1", "ev-1", "appraisal/2026-11")})
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
