package trainingtest_test

// The store kit_test.go bends: over, memstore with some methods replaced.

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
	"github.com/servicelane/servicelane/training/trainingtest"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one. Every method passes through the
// Hooks the generic stores of kitcheck bend.
type over struct {
	memstore.TrainingStore
	h kitcheck.Hooks[training.Store, training.Change]

	plan     func(ctx context.Context, d org.DealerID, year int) (training.Plan, error)
	session  func(ctx context.Context, d org.DealerID, id string) (training.Session, error)
	sessions func(ctx context.Context, d org.DealerID, year int) ([]training.Session, error)
	progress func(ctx context.Context, d org.DealerID, year int, e org.EmployeeID) ([]training.Progress, error)
	career   func(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error)
	careers  func(ctx context.Context, d org.DealerID) ([]training.Career, error)
	events   func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit   func(ctx context.Context, d org.DealerID, c training.Change) error
}

var (
	_ training.Store           = (*over)(nil)
	_ trainingtest.EventReader = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() training.Store {
	return func() training.Store {
		m := memstore.New().Training()
		o := &over{TrainingStore: m, h: kitcheck.Hooks[training.Store, training.Change]{Base: m}}
		o.plan, o.session, o.sessions, o.progress = m.Plan, m.Session, m.Sessions, m.Progress
		o.career, o.careers, o.events, o.commit = m.Career, m.Careers, m.Events, m.Commit
		fn(o)
		return o
	}
}

// hooked is the opener of the generic stores of kitcheck.
func hooked(fn func(h *kitcheck.Hooks[training.Store, training.Change])) func() training.Store {
	return bend(func(o *over) { fn(&o.h) })
}

func (o *over) Plan(ctx context.Context, d org.DealerID, year int) (training.Plan, error) {
	return kitcheck.Read(o.plan(ctx, d, year))(&o.h)
}

func (o *over) Session(ctx context.Context, d org.DealerID, id string) (training.Session, error) {
	return kitcheck.ByKey(&o.h, id, func(k string) (training.Session, error) { return o.session(ctx, d, k) })
}

func (o *over) Sessions(ctx context.Context, d org.DealerID, year int) ([]training.Session, error) {
	return kitcheck.List(&o.h, "Sessions", d, func(d org.DealerID) ([]training.Session, error) { return o.sessions(ctx, d, year) })
}

func (o *over) Progress(ctx context.Context, d org.DealerID, year int, e org.EmployeeID) ([]training.Progress, error) {
	return kitcheck.List(&o.h, "Progress", d, func(d org.DealerID) ([]training.Progress, error) { return o.progress(ctx, d, year, e) })
}

func (o *over) Career(ctx context.Context, d org.DealerID, e org.EmployeeID) (training.Career, error) {
	return kitcheck.ByKey(&o.h, e, func(k org.EmployeeID) (training.Career, error) { return o.career(ctx, d, k) })
}

func (o *over) Careers(ctx context.Context, d org.DealerID) ([]training.Career, error) {
	return kitcheck.List(&o.h, "Careers", d, func(d org.DealerID) ([]training.Career, error) { return o.careers(ctx, d) })
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.h.Events(d, after, limit, func(d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return o.events(ctx, d, after, limit)
	})
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c training.Change) error {
	return kitcheck.Committed(&o.h, ctx, d, c, o.commit)
}

// bendCommit returns an opener of memstore whose Commit writes fn(c), c a
// deep copy of the change committed.
func bendCommit(fn func(training.Change) training.Change) func() training.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c training.Change) error {
			return o.TrainingStore.Commit(ctx, d, fn(kitcheck.DeepCopy(c)))
		}
	})
}

// keepsInstants returns an opener of memstore that keeps every instant
// written as keep says, not in UTC to the microsecond: memstore keeps
// the instant, and reads hand back what keep made of the one written.
func keepsInstants(keep func(time.Time) time.Time) func() training.Store {
	return bend(func(o *over) {
		var mu sync.Mutex
		kept := map[int64]time.Time{} // by the instant as memstore keeps it
		stored := func(t time.Time) int64 { return t.UTC().Truncate(time.Microsecond).UnixMicro() }
		o.h.Writes = append(o.h.Writes, func(v reflect.Value) bool {
			t, ok := v.Interface().(time.Time)
			if ok && !t.IsZero() {
				mu.Lock()
				kept[stored(t)] = keep(t)
				mu.Unlock()
			}
			return ok
		})
		o.h.Reads = append(o.h.Reads, kitcheck.OnInstants(func(t time.Time) time.Time {
			mu.Lock()
			defer mu.Unlock()
			if k, ok := kept[stored(t)]; ok && !t.IsZero() {
				return k
			}
			return t
		}))
	})
}
