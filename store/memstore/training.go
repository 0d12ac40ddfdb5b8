package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

var _ training.Store = TrainingStore{}

// TrainingStore is the training.Store view of a Store: the same records
// and the same audit trail as its other views.
type TrainingStore struct{ *Store }

// Training returns the training.Store view of s.
func (s *Store) Training() TrainingStore { return TrainingStore{s} }

// trainingRecords holds one dealer's training records.
type trainingRecords struct {
	plans    map[int]training.Plan
	sessions map[string]training.Session
	progress map[string]training.Progress
	careers  map[org.EmployeeID]training.Career
}

func (t *tenant) trainingRecordsOf() *trainingRecords {
	if t.training == nil {
		t.training = &trainingRecords{plans: map[int]training.Plan{}, sessions: map[string]training.Session{},
			progress: map[string]training.Progress{}, careers: map[org.EmployeeID]training.Career{}}
	}
	return t.training
}

func (v TrainingStore) read(ctx context.Context, dealer org.DealerID, f func(r *trainingRecords)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	if t := v.tenantLocked(dealer, false); t != nil && t.training != nil {
		f(t.training)
	}
	return nil
}

// Plan implements training.Store.
func (v TrainingStore) Plan(ctx context.Context, dealer org.DealerID, year int) (training.Plan, error) {
	var p training.Plan
	var ok bool
	if err := v.read(ctx, dealer, func(r *trainingRecords) { p, ok = r.plans[year] }); err != nil {
		return p, err
	}
	if !ok {
		return p, notFound("training plan " + strconv.Itoa(year))
	}
	return p.Clone(), nil
}

// Session implements training.Store.
func (v TrainingStore) Session(ctx context.Context, dealer org.DealerID, id string) (training.Session, error) {
	var s training.Session
	var ok bool
	if err := v.read(ctx, dealer, func(r *trainingRecords) { s, ok = r.sessions[id] }); err != nil {
		return s, err
	}
	if !ok {
		return s, notFound("training session " + id)
	}
	return s.Clone(), nil
}

// Sessions implements training.Store.
func (v TrainingStore) Sessions(ctx context.Context, dealer org.DealerID, year int) ([]training.Session, error) {
	out := []training.Session{}
	err := v.read(ctx, dealer, func(r *trainingRecords) {
		for _, s := range r.sessions {
			if s.Year == year {
				out = append(out, s.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b training.Session) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, err
}

// Progress implements training.Store.
func (v TrainingStore) Progress(ctx context.Context, dealer org.DealerID, year int, employee org.EmployeeID) ([]training.Progress, error) {
	out := []training.Progress{}
	err := v.read(ctx, dealer, func(r *trainingRecords) {
		for _, p := range r.progress {
			if p.Year == year && (employee == "" || p.Employee == employee) {
				out = append(out, p.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b training.Progress) int { return cmp.Compare(a.Key(), b.Key()) })
	return out, err
}

// Career implements training.Store.
func (v TrainingStore) Career(ctx context.Context, dealer org.DealerID, employee org.EmployeeID) (training.Career, error) {
	var c training.Career
	var ok bool
	if err := v.read(ctx, dealer, func(r *trainingRecords) { c, ok = r.careers[employee] }); err != nil {
		return c, err
	}
	if !ok {
		return c, notFound("career of " + string(employee))
	}
	return c.Clone(), nil
}

// Careers implements training.Store.
func (v TrainingStore) Careers(ctx context.Context, dealer org.DealerID) ([]training.Career, error) {
	out := []training.Career{}
	err := v.read(ctx, dealer, func(r *trainingRecords) {
		for _, c := range r.careers {
			out = append(out, c.Clone())
		}
	})
	slices.SortFunc(out, func(a, b training.Career) int { return cmp.Compare(a.Employee, b.Employee) })
	return out, err
}

// Events is the shared audit trail, as org.Store.Events.
func (v TrainingStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return v.Store.Events(ctx, dealer, after, limit)
}

// Commit implements training.Store.
func (v TrainingStore) Commit(ctx context.Context, dealer org.DealerID, c training.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkTrainingTenant(dealer, c); err != nil {
		return err
	}
	if err := errors.Join(
		noRepeats("training plan", keysOf(c.Plans, func(x training.Plan) string { return strconv.Itoa(x.Year) })...),
		noRepeats("training session", keysOf(c.Sessions, func(x training.Session) string { return x.ID })...),
		noRepeats("training progress", keysOf(c.Progress, training.Progress.Key)...),
		noRepeats("career", keysOf(c.Careers, func(x training.Career) string { return string(x.Employee) })...)); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var r *trainingRecords
	if t := v.tenantLocked(dealer, false); t != nil {
		r = t.training
	}
	if err := checkTrainingVersions(r, c); err != nil {
		return err
	}
	t := v.tenantLocked(dealer, true)
	r = t.trainingRecordsOf()
	for _, x := range c.Plans {
		r.plans[x.Year] = storedPlan(x)
	}
	for _, x := range c.Sessions {
		r.sessions[x.ID] = storedSession(x)
	}
	for _, x := range c.Progress {
		r.progress[x.Key()] = storedProgress(x)
	}
	for _, x := range c.Careers {
		r.careers[x.Employee] = storedCareer(x)
	}
	t.appendEvents(c.Events)
	return nil
}

func checkTrainingTenant(dealer org.DealerID, c training.Change) error {
	bad := func(what string, got org.DealerID) error {
		return fmt.Errorf("memstore: commit for dealer %s holds %s of dealer %s: %w", dealer, what, got, org.ErrInvalid)
	}
	for _, x := range c.Plans {
		if x.DealerID != dealer {
			return bad("training plan "+strconv.Itoa(x.Year), x.DealerID)
		}
	}
	for _, x := range c.Sessions {
		if x.DealerID != dealer {
			return bad("training session "+x.ID, x.DealerID)
		}
	}
	for _, x := range c.Progress {
		if x.DealerID != dealer {
			return bad("training progress "+x.Key(), x.DealerID)
		}
	}
	for _, x := range c.Careers {
		if x.DealerID != dealer {
			return bad("career of "+string(x.Employee), x.DealerID)
		}
	}
	for _, ev := range c.Events {
		if ev.DealerID != dealer {
			return bad("event "+ev.ID, ev.DealerID)
		}
	}
	return nil
}

func checkTrainingVersions(r *trainingRecords, c training.Change) error {
	if r == nil {
		r = &trainingRecords{}
	}
	for _, x := range c.Plans {
		cur, ok := r.plans[x.Year]
		if err := checkVersion("training plan "+strconv.Itoa(x.Year), x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, x := range c.Sessions {
		cur, ok := r.sessions[x.ID]
		if err := checkVersion("training session "+x.ID, x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, x := range c.Progress {
		cur, ok := r.progress[x.Key()]
		if err := checkVersion("training progress "+x.Key(), x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	for _, x := range c.Careers {
		cur, ok := r.careers[x.Employee]
		if err := checkVersion("career of "+string(x.Employee), x.Version, ok, func() int64 { return cur.Version }); err != nil {
			return err
		}
	}
	return nil
}

// storedInstant is t as org.Store keeps an instant: in UTC, to the
// microsecond (what PostgreSQL keeps); the zero time stays zero.
func storedInstant(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// storedPlan, storedSession, storedProgress and storedCareer return the
// copy of a record the store keeps: nothing shared with the caller, every
// instant as storedInstant keeps it.
func storedPlan(p training.Plan) training.Plan {
	p = p.Clone()
	p.ApprovedAt = storedInstant(p.ApprovedAt)
	return p
}

func storedSession(s training.Session) training.Session {
	s = s.Clone()
	s.Start, s.ClosedAt = storedInstant(s.Start), storedInstant(s.ClosedAt)
	for i := range s.Attendees {
		s.Attendees[i].At = storedInstant(s.Attendees[i].At)
	}
	return s
}

func storedProgress(p training.Progress) training.Progress {
	p = p.Clone()
	for _, as := range [][]training.Attempt{p.Attempts, p.Earlier} {
		for i := range as {
			as[i].At = storedInstant(as[i].At)
		}
	}
	p.RetakeBy, p.CommendedAt = storedInstant(p.RetakeBy), storedInstant(p.CommendedAt)
	return p
}

func storedCareer(c training.Career) training.Career {
	c = c.Clone()
	for i := range c.Notes {
		c.Notes[i].At = storedInstant(c.Notes[i].At)
	}
	for i := range c.Goals {
		c.Goals[i].Due = storedInstant(c.Goals[i].Due)
	}
	for i := range c.Certificates {
		c.Certificates[i].IssuedAt = storedInstant(c.Certificates[i].IssuedAt)
		c.Certificates[i].Expires = storedInstant(c.Certificates[i].Expires)
	}
	return c
}
