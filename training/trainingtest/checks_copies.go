package trainingtest

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

const scribbled = "scribbled"

var minusOne = decimal.NewFromInt(-1)

// scribblePlan writes over everything of p that a careless store could
// share with its caller: the courses, their target employees and what
// their certificate pointers point at.
func scribblePlan(p *training.Plan) {
	for i := range p.Courses {
		c := &p.Courses[i]
		c.Title, c.Hours = scribbled, minusOne
		if len(c.Target.Employees) > 0 {
			c.Target.Employees[0] = scribbled
		}
		if c.Certificate != nil {
			c.Certificate.Name = scribbled
		}
	}
}

// scribbleSession writes over the attendees and through their score
// pointers.
func scribbleSession(s *training.Session) {
	for i := range s.Attendees {
		a := &s.Attendees[i]
		a.Employee, a.Hours = scribbled, minusOne
		if a.Score != nil {
			*a.Score = minusOne
		}
	}
}

func scribbleProgress(p *training.Progress) {
	for i := range p.Attempts {
		p.Attempts[i].Score = minusOne
	}
	for i := range p.Earlier {
		p.Earlier[i].SessionID = scribbled
	}
}

func scribbleCareer(c *training.Career) {
	if len(c.Notes) > 0 {
		c.Notes[0].Text = scribbled
	}
	if len(c.Goals) > 0 {
		c.Goals[0].Text = scribbled
	}
	if len(c.Certificates) > 0 {
		c.Certificates[0].Name = scribbled
	}
}

func checkReadsAreCopies(ctx context.Context, s training.Store, f Features) error {
	c := training.Change{
		Plans:    []training.Plan{fullPlan("d1", year)},
		Sessions: []training.Session{fullSession("d1", "s-1")},
		Progress: []training.Progress{fullProgress("d1", "c-1", "adv-1")},
		Careers:  []training.Career{fullCareer("d1", "adv-1")},
		Events:   []org.Event{event("d1", "ev-1", "session/s-1")},
	}
	if err := commit(ctx, s, "d1", c, "commit a plan, a session, a progress record, a career record and an event"); err != nil {
		return err
	}
	// Scribble on what was committed: the Change's slices and the
	// slices and pointers inside them.
	scribblePlan(&c.Plans[0])
	scribbleSession(&c.Sessions[0])
	scribbleProgress(&c.Progress[0])
	scribbleCareer(&c.Careers[0])
	c.Events[0].Data[0] = 'X'
	// want is fresh fixtures: nothing the kit holds is shared with them.
	wantPlan, wantSession := fullPlan("d1", year), fullSession("d1", "s-1")
	wantProgress, wantCareer := fullProgress("d1", "c-1", "adv-1"), fullCareer("d1", "adv-1")
	type read struct {
		what  string
		check func() error
	}
	reads := []read{
		{"Plan", func() error {
			got, err := s.Plan(ctx, "d1", year)
			if err != nil {
				return err
			}
			err = diffPlan(got, wantPlan)
			scribblePlan(&got)
			return err
		}},
		{"Session", func() error {
			got, err := s.Session(ctx, "d1", "s-1")
			if err != nil {
				return err
			}
			err = diffSession(got, wantSession)
			scribbleSession(&got)
			return err
		}},
		{"Sessions", func() error {
			list, err := s.Sessions(ctx, "d1", year)
			if err != nil {
				return err
			}
			err = kit.DiffList("Sessions", list, []training.Session{wantSession}, sessionID, diffSession)
			for i := range list {
				scribbleSession(&list[i])
			}
			return err
		}},
		{"Progress", func() error {
			list, err := s.Progress(ctx, "d1", year, "")
			if err != nil {
				return err
			}
			err = kit.DiffList("Progress", list, []training.Progress{wantProgress}, progressKey, diffProgress)
			for i := range list {
				scribbleProgress(&list[i])
			}
			return err
		}},
		{"Progress of an employee", func() error {
			list, err := s.Progress(ctx, "d1", year, "adv-1")
			if err != nil {
				return err
			}
			err = kit.DiffList("Progress of adv-1", list, []training.Progress{wantProgress}, progressKey, diffProgress)
			for i := range list {
				scribbleProgress(&list[i])
			}
			return err
		}},
		{"Career", func() error {
			got, err := s.Career(ctx, "d1", "adv-1")
			if err != nil {
				return err
			}
			err = diffCareer(got, wantCareer)
			scribbleCareer(&got)
			return err
		}},
		{"Careers", func() error {
			list, err := s.Careers(ctx, "d1")
			if err != nil {
				return err
			}
			err = kit.DiffList("Careers", list, []training.Career{wantCareer}, careerEmployee, diffCareer)
			for i := range list {
				scribbleCareer(&list[i])
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
			err = kit.SameEvents("Events", evs, []org.Event{event("d1", "ev-1", "session/s-1")})
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
