package kitcheck

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// CheckTimeout bounds one check's run: a check that waits on a broken
// store for longer has hung.
const CheckTimeout = 2 * time.Minute

// RunCheck runs run with a context that ends with t or after
// CheckTimeout, and turns a panic of run into an error: a panic in a
// check would end TestStore's whole test binary, so the self-tests report
// it instead.
func RunCheck(t testing.TB, run func(ctx context.Context) error) (err error, panicked bool) {
	ctx, cancel := context.WithTimeout(t.Context(), CheckTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	return run(ctx), false
}
