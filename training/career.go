package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/org"
)

// CareerInput is a supervisor's career advice for an employee (R5.5): a
// note, and the goals when given (they replace the earlier ones).
type CareerInput struct {
	Employee org.EmployeeID `json:"employee" validate:"required,max=64"`
	Note     string         `json:"note" validate:"max=8000"`
	Goals    []Goal         `json:"goals" validate:"max=50,dive"`
}

// Advise records a supervisor's career note and goals for an employee
// (R5.5). Only the employee's supervisor (R2.2), never about themselves.
func (s *Service) Advise(ctx context.Context, dealer org.DealerID, actor org.Actor, in CareerInput) (_ Career, err error) {
	ctx, ob := s.obs.Begin(ctx, "advise", dealer, actor)
	defer ob.End(&err)
	const op = "advise"
	ve := shape(op, in)
	if in.Note == "" && in.Goals == nil {
		ve.Add("note", org.CodeRequired, "give a note or goals")
	}
	if err := ve.Err(); err != nil {
		return Career{}, err
	}
	me, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor)
	if err != nil {
		return Career{}, err
	}
	if me.ID == in.Employee {
		return Career{}, fmt.Errorf("training: advise: a supervisor does not advise themselves: %w", ErrForbidden)
	}
	if _, err := s.over(ctx, dealer, actor, in.Employee, ve, "employee", org.RoleSupervisor); err != nil {
		return Career{}, err
	}
	cr, err := s.store.Career(ctx, dealer, in.Employee)
	if errors.Is(err, ErrNotFound) {
		cr, err = Career{DealerID: dealer, Employee: in.Employee}, nil
	}
	if err != nil {
		return Career{}, err
	}
	before := cr.Clone()
	now := org.Now(s.clock)
	if in.Note != "" {
		cr.Notes = append(cr.Notes, Note{By: me.ID, At: now, Text: in.Note})
	}
	if in.Goals != nil {
		cr.Goals = slices.Clone(in.Goals)
		for i := range cr.Goals {
			if !cr.Goals[i].Due.IsZero() { // stored as every instant is: UTC, to the microsecond
				cr.Goals[i].Due = cr.Goals[i].Due.UTC().Truncate(time.Microsecond)
			}
		}
	}
	cr.Version++
	ev := s.event(dealer, actor, now, "training.advised", "career/"+string(in.Employee), "", map[string]any{"before": before, "after": cr})
	if err := s.store.Commit(ctx, dealer, Change{Careers: []Career{cr}, Events: []org.Event{ev}}); err != nil {
		return Career{}, fmt.Errorf("training: advise %s: %w", in.Employee, err)
	}
	return cr, nil
}

// Expiring is a certificate that expires soon.
type Expiring struct {
	Employee    org.EmployeeID  `json:"employee"`
	Certificate HeldCertificate `json:"certificate"`
}

// ExpiringWithin lists the certificates that expire within the next days
// (R5.5), soonest first; expired ones are not listed. To supervisors, of
// the employees they supervise (R2.2), and admins.
func (s *Service) ExpiringWithin(ctx context.Context, dealer org.DealerID, actor org.Actor, days int) ([]Expiring, error) {
	if err := s.reader(ctx, dealer, actor, "expiring within", supervisors...); err != nil {
		return nil, err
	}
	crs, err := s.store.Careers(ctx, dealer)
	if err != nil {
		return nil, err
	}
	if crs, err = org.VisibleTo(ctx, s.roster, dealer, actor, crs, func(c Career) org.EmployeeID { return c.Employee }); err != nil {
		return nil, err
	}
	now := org.Now(s.clock)
	until := now.AddDate(0, 0, days)
	out := []Expiring{}
	for _, cr := range crs {
		for _, c := range cr.Certificates {
			if !c.Expires.IsZero() && !c.Expires.Before(now) && !c.Expires.After(until) {
				out = append(out, Expiring{Employee: cr.Employee, Certificate: c})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Expiring) int { return a.Certificate.Expires.Compare(b.Certificate.Expires) })
	return out, nil
}
