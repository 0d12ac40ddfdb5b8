package kit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/servicelane/servicelane/org"
)

// Hammer runs write(i, attempt) in n goroutines at once, each retrying on
// ErrConflict until it lands, and returns how many conflicts were retried.
func Hammer(ctx context.Context, n int, write func(i, attempt int) error) (int, error) {
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		conflicts int
		errs      []error
		start     = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			for attempt := 0; ; attempt++ {
				err := write(i, attempt)
				if err == nil {
					return
				}
				if !errors.Is(err, org.ErrConflict) || attempt > 100*n || ctx.Err() != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("writer %d, attempt %d: %w", i, attempt, err))
					mu.Unlock()
					return
				}
				mu.Lock()
				conflicts++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 3 {
		errs = append(errs[:3], fmt.Errorf("and %d writers more", len(errs)-3))
	}
	return conflicts, errors.Join(errs...)
}

// Barrier holds writers that have read until all n have, so that their
// first commits all carry the version they read together: a store that
// lets two writers of one version land is caught every time, not only
// when the scheduler happens to interleave them.
type Barrier struct {
	mu   sync.Mutex
	left int
	all  chan struct{}
}

// NewBarrier returns a barrier for n writers.
func NewBarrier(n int) *Barrier { return &Barrier{left: n, all: make(chan struct{})} }

// Wait blocks until every writer has called it, or a second has passed: a
// writer that failed before reaching it must not hold up the rest.
func (b *Barrier) Wait(ctx context.Context) {
	b.mu.Lock()
	if b.left--; b.left == 0 {
		close(b.all)
	}
	b.mu.Unlock()
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-b.all:
	case <-t.C:
	case <-ctx.Done():
	}
}

// RaceToCreate runs n writers at once, as a double-submitted form does:
// each looks first (look(i) must find nothing: a lookup error or a
// record found is the writer's error), then, once all have looked,
// commits (commit(i)). Exactly one commit must land; the others must get
// ErrConflict. It returns the writer that landed.
func RaceToCreate(ctx context.Context, n int, what string, look, commit func(i int) error) (int, error) {
	type result struct {
		i   int
		err error
	}
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		results  = make(chan result, n)
		together = NewBarrier(n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			err := look(i)
			together.Wait(ctx)
			if err == nil {
				err = commit(i)
			}
			results <- result{i, err}
		})
	}
	close(start)
	wg.Wait()
	close(results)
	var landed []int
	var errs []error
	for r := range results {
		switch {
		case r.err == nil:
			landed = append(landed, r.i)
		case !errors.Is(r.err, org.ErrConflict):
			errs = append(errs, fmt.Errorf("writer %d: got %v, want nil or an error matching %v", r.i, r.err, org.ErrConflict))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return -1, err
	}
	if len(landed) != 1 {
		slices.Sort(landed)
		return -1, fmt.Errorf("%d of %d commits of %s at Version 1 landed (writers %v), want exactly 1", len(landed), n, what, landed)
	}
	return landed[0], nil
}

// OnlyEvents checks that dealer d's trail, when r reads one, holds
// exactly want: what the commits that landed wrote, and nothing of those
// refused.
func OnlyEvents(ctx context.Context, r EventReader, d org.DealerID, want []org.Event) error {
	if r == nil {
		return nil
	}
	evs, err := AllEvents(ctx, r, d)
	if err != nil {
		return err
	}
	if err := SameEvents("the trail", evs, want); err != nil {
		return fmt.Errorf("only the landed commits' events may be in the trail: %w", err)
	}
	return nil
}
