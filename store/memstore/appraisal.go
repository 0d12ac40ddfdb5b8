package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

var _ appraisal.Store = AppraisalStore{}

// AppraisalStore is the appraisal.Store view of a Store: the same records
// and the same audit trail as its other views.
type AppraisalStore struct{ *Store }

// Appraisal returns the appraisal.Store view of s.
func (s *Store) Appraisal() AppraisalStore { return AppraisalStore{s} }

// review holds one dealer's appraisal records.
type review struct {
	cycles       map[org.Month]appraisal.Cycle
	inputs       map[org.Month]map[string]appraisal.Input
	appraisals   map[org.Month]map[org.EmployeeID]appraisal.Appraisal
	improvements map[org.Month]map[org.EmployeeID]appraisal.Improvement
}

func (t *tenant) reviewRecords() *review {
	if t.review == nil {
		t.review = &review{cycles: map[org.Month]appraisal.Cycle{}, inputs: map[org.Month]map[string]appraisal.Input{},
			appraisals:   map[org.Month]map[org.EmployeeID]appraisal.Appraisal{},
			improvements: map[org.Month]map[org.EmployeeID]appraisal.Improvement{}}
	}
	return t.review
}

func (v AppraisalStore) read(ctx context.Context, dealer org.DealerID, f func(r *review)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var r *review
	if t := v.tenantLocked(dealer, false); t != nil {
		r = t.review
	}
	f(r)
	return nil
}

// Cycle implements appraisal.Store.
func (v AppraisalStore) Cycle(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Cycle, error) {
	var c appraisal.Cycle
	var ok bool
	if err := v.read(ctx, dealer, func(r *review) {
		if r != nil {
			c, ok = r.cycles[m]
		}
	}); err != nil {
		return c, err
	}
	if !ok {
		return c, notFound("appraisal cycle " + m.String())
	}
	return c.Clone(), nil
}

// Inputs implements appraisal.Store.
func (v AppraisalStore) Inputs(ctx context.Context, dealer org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error) {
	out := []appraisal.Input{}
	err := v.read(ctx, dealer, func(r *review) {
		if r == nil {
			return
		}
		for _, in := range r.inputs[m] {
			if ratee == "" || in.Ratee == ratee {
				out = append(out, in)
			}
		}
	})
	slices.SortFunc(out, func(a, b appraisal.Input) int { return cmp.Compare(a.Key(), b.Key()) })
	return out, err
}

// Appraisals implements appraisal.Store.
func (v AppraisalStore) Appraisals(ctx context.Context, dealer org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
	out := []appraisal.Appraisal{}
	err := v.read(ctx, dealer, func(r *review) {
		if r == nil {
			return
		}
		for _, a := range r.appraisals[m] {
			out = append(out, a.Clone())
		}
	})
	slices.SortFunc(out, func(a, b appraisal.Appraisal) int { return cmp.Compare(a.Computed.Employee, b.Computed.Employee) })
	return out, err
}

// History implements appraisal.Store.
func (v AppraisalStore) History(ctx context.Context, dealer org.DealerID, employee org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
	out := []appraisal.Appraisal{}
	err := v.read(ctx, dealer, func(r *review) {
		if r == nil {
			return
		}
		for m, byEmp := range r.appraisals {
			if a, ok := byEmp[employee]; ok && !upTo.Before(m) {
				out = append(out, a.Clone())
			}
		}
	})
	slices.SortFunc(out, func(a, b appraisal.Appraisal) int {
		switch {
		case a.Month.Before(b.Month):
			return -1
		case b.Month.Before(a.Month):
			return 1
		}
		return 0
	})
	return out, err
}

// Improvement implements appraisal.Store.
func (v AppraisalStore) Improvement(ctx context.Context, dealer org.DealerID, m org.Month, employee org.EmployeeID) (appraisal.Improvement, error) {
	var i appraisal.Improvement
	var ok bool
	if err := v.read(ctx, dealer, func(r *review) {
		if r != nil {
			i, ok = r.improvements[m][employee]
		}
	}); err != nil {
		return i, err
	}
	if !ok {
		return i, notFound("improvement plan of " + string(employee) + " for " + m.String())
	}
	return i.Clone(), nil
}

// Events is the shared audit trail, as org.Store.Events.
func (v AppraisalStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return v.Store.Events(ctx, dealer, after, limit)
}

// Commit implements appraisal.Store.
func (v AppraisalStore) Commit(ctx context.Context, dealer org.DealerID, c appraisal.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkReviewTenant(dealer, c); err != nil {
		return err
	}
	if err := errors.Join(
		noRepeats("cycle", keysOf(c.Cycles, func(x appraisal.Cycle) string { return x.Month.String() })...),
		noRepeats("input", keysOf(c.Inputs, func(x appraisal.Input) string { return x.Month.String() + "/" + x.Key() })...),
		noRepeats("appraisal", keysOf(c.Appraisals, func(x appraisal.Appraisal) string { return x.Month.String() + "/" + string(x.Computed.Employee) })...),
		noRepeats("improvement plan", keysOf(c.Improvements, func(x appraisal.Improvement) string { return x.Month.String() + "/" + string(x.Employee) })...)); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var r *review
	if t := v.tenantLocked(dealer, false); t != nil {
		r = t.review
	}
	if err := checkReviewVersions(r, c); err != nil {
		return err
	}
	t := v.tenantLocked(dealer, true)
	r = t.reviewRecords()
	for _, cy := range c.Cycles {
		r.cycles[cy.Month] = cy.Clone()
	}
	for _, in := range c.Inputs {
		if r.inputs[in.Month] == nil {
			r.inputs[in.Month] = map[string]appraisal.Input{}
		}
		r.inputs[in.Month][in.Key()] = in
	}
	for _, a := range c.Appraisals {
		if r.appraisals[a.Month] == nil {
			r.appraisals[a.Month] = map[org.EmployeeID]appraisal.Appraisal{}
		}
		r.appraisals[a.Month][a.Computed.Employee] = a.Clone()
	}
	for _, i := range c.Improvements {
		if r.improvements[i.Month] == nil {
			r.improvements[i.Month] = map[org.EmployeeID]appraisal.Improvement{}
		}
		r.improvements[i.Month][i.Employee] = i.Clone()
	}
	t.appendEvents(c.Events)
	return nil
}

func checkReviewTenant(dealer org.DealerID, c appraisal.Change) error {
	bad := func(what string, got org.DealerID) error {
		return fmt.Errorf("memstore: commit for dealer %s holds %s of dealer %s: %w", dealer, what, got, org.ErrInvalid)
	}
	for _, x := range c.Cycles {
		if x.DealerID != dealer {
			return bad("cycle "+x.Month.String(), x.DealerID)
		}
	}
	for _, x := range c.Inputs {
		if x.DealerID != dealer {
			return bad("input "+x.Key(), x.DealerID)
		}
	}
	for _, x := range c.Appraisals {
		if x.DealerID != dealer {
			return bad("appraisal of "+string(x.Computed.Employee), x.DealerID)
		}
	}
	for _, x := range c.Improvements {
		if x.DealerID != dealer {
			return bad("improvement plan of "+string(x.Employee), x.DealerID)
		}
	}
	for _, ev := range c.Events {
		if ev.DealerID != dealer {
			return bad("event "+ev.ID, ev.DealerID)
		}
	}
	return nil
}

func checkReviewVersions(r *review, c appraisal.Change) error {
	look := func(f func(r *review) (int64, bool)) (int64, bool) {
		if r == nil {
			return 0, false
		}
		return f(r)
	}
	for _, x := range c.Cycles {
		cur, ok := look(func(r *review) (int64, bool) { y, ok := r.cycles[x.Month]; return y.Version, ok })
		if err := checkVersion("cycle "+x.Month.String(), x.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	for _, x := range c.Inputs {
		cur, ok := look(func(r *review) (int64, bool) { y, ok := r.inputs[x.Month][x.Key()]; return y.Version, ok })
		if err := checkVersion("input "+x.Key(), x.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	for _, x := range c.Appraisals {
		cur, ok := look(func(r *review) (int64, bool) {
			y, ok := r.appraisals[x.Month][x.Computed.Employee]
			return y.Version, ok
		})
		if err := checkVersion("appraisal of "+string(x.Computed.Employee), x.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	for _, x := range c.Improvements {
		cur, ok := look(func(r *review) (int64, bool) { y, ok := r.improvements[x.Month][x.Employee]; return y.Version, ok })
		if err := checkVersion("improvement plan of "+string(x.Employee), x.Version, ok, func() int64 { return cur }); err != nil {
			return err
		}
	}
	return nil
}
