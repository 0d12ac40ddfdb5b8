package kit

import (
	"context"
	"errors"
	"fmt"
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
