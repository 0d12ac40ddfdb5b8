package appraisaltest_test

// The store kit_test.go bends: over, memstore with some methods replaced.

import (
	"context"
	"sync"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/appraisal/appraisaltest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one. Every method passes through the
// Hooks the generic stores of kitcheck bend.
type over struct {
	memstore.AppraisalStore
	h kitcheck.Hooks[appraisal.Store, appraisal.Change]

	cycle       func(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error)
	inputs      func(ctx context.Context, d org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error)
	appraisals  func(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error)
	history     func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error)
	improvement func(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error)
	events      func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit      func(ctx context.Context, d org.DealerID, c appraisal.Change) error
}

var (
	_ appraisal.Store           = (*over)(nil)
	_ appraisaltest.EventReader = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() appraisal.Store {
	return func() appraisal.Store {
		a := memstore.New().Appraisal()
		o := &over{AppraisalStore: a, h: kitcheck.Hooks[appraisal.Store, appraisal.Change]{Base: a}}
		o.cycle, o.inputs, o.appraisals, o.history = a.Cycle, a.Inputs, a.Appraisals, a.History
		o.improvement, o.events, o.commit = a.Improvement, a.Events, a.Commit
		fn(o)
		return o
	}
}

// hooked is the opener of the generic stores of kitcheck.
func hooked(fn func(h *kitcheck.Hooks[appraisal.Store, appraisal.Change])) func() appraisal.Store {
	return bend(func(o *over) { fn(&o.h) })
}

func (o *over) Cycle(ctx context.Context, d org.DealerID, m org.Month) (appraisal.Cycle, error) {
	return kitcheck.Read(o.cycle(ctx, d, m))(&o.h)
}

func (o *over) Inputs(ctx context.Context, d org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error) {
	return kitcheck.List(&o.h, "Inputs", d, func(d org.DealerID) ([]appraisal.Input, error) { return o.inputs(ctx, d, m, ratee) })
}

func (o *over) Appraisals(ctx context.Context, d org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
	return kitcheck.List(&o.h, "Appraisals", d, func(d org.DealerID) ([]appraisal.Appraisal, error) { return o.appraisals(ctx, d, m) })
}

func (o *over) History(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
	return kitcheck.List(&o.h, "History", d, func(d org.DealerID) ([]appraisal.Appraisal, error) { return o.history(ctx, d, e, upTo) })
}

func (o *over) Improvement(ctx context.Context, d org.DealerID, m org.Month, e org.EmployeeID) (appraisal.Improvement, error) {
	return kitcheck.ByKey(&o.h, e, func(e org.EmployeeID) (appraisal.Improvement, error) { return o.improvement(ctx, d, m, e) })
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.h.Events(d, after, limit, func(d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return o.events(ctx, d, after, limit)
	})
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c appraisal.Change) error {
	return kitcheck.Committed(&o.h, ctx, d, c, o.commit)
}

// bendCommit returns an opener of memstore whose Commit writes fn(c).
func bendCommit(fn func(appraisal.Change) appraisal.Change) func() appraisal.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c appraisal.Change) error {
			return o.AppraisalStore.Commit(ctx, d, fn(kitcheck.DeepCopy(c)))
		}
	})
}

// bendHistory returns an opener of memstore whose History passes what
// memstore's returns, and the arguments, through fn.
func bendHistory(fn func(o *over, ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error)) func() appraisal.Store {
	return bend(func(o *over) {
		o.history = func(ctx context.Context, d org.DealerID, e org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
			return fn(o, ctx, d, e, upTo)
		}
	})
}

// monthless is a store keying an employee's records without their month:
// memstore holds each employee's one record under anyMonth, and months the
// month last written for it. A read holds mu from memstore's answer to
// months', so they agree.
type monthless struct {
	mu     sync.Mutex
	months map[org.DealerID]map[org.EmployeeID]org.Month
}

// anyMonth is the month a monthless store files every record under.
var anyMonth = org.Month{Year: 2000, Month: 1}

// monthOf is the month of one record of an employee's in a change.
type monthOf struct {
	e org.EmployeeID
	m *org.Month
}

// commit writes a copy of c through commit, the records months names filed
// under anyMonth, and remembers the months written.
func (ml *monthless) commit(ctx context.Context, d org.DealerID, c appraisal.Change,
	commit func(context.Context, org.DealerID, appraisal.Change) error, months func(*appraisal.Change) []monthOf) error {
	ml.mu.Lock()
	defer ml.mu.Unlock()
	c = kitcheck.DeepCopy(c)
	written := map[org.EmployeeID]org.Month{}
	for _, x := range months(&c) {
		written[x.e] = *x.m
		*x.m = anyMonth
	}
	if err := commit(ctx, d, c); err != nil {
		return err
	}
	if ml.months == nil {
		ml.months = map[org.DealerID]map[org.EmployeeID]org.Month{}
	}
	if ml.months[d] == nil {
		ml.months[d] = map[org.EmployeeID]org.Month{}
	}
	for e, m := range written {
		ml.months[d][e] = m
	}
	return nil
}
