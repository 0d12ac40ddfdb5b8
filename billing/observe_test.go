package billing_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
)

// losesRaces is a store whose next conflicts commits fail with
// ErrConflict, as when a concurrent settlement took the next number.
type losesRaces struct {
	billing.Store
	conflicts atomic.Int32
}

func (s *losesRaces) Commit(ctx context.Context, dealer org.DealerID, c billing.Change) error {
	if s.conflicts.Add(-1) >= 0 {
		return billing.ErrConflict
	}
	return s.Store.Commit(ctx, dealer, c)
}

func TestBillingObservesEveryCommand(t *testing.T) {
	env := stlMemEnv(t)
	var rec observetest.Recorder
	var logs bytes.Buffer
	store := &losesRaces{Store: env.store}
	svc, err := billing.NewService(billing.Config{Store: store, Roster: env.roster.Directory(), Clock: env.clock, IDs: org.SequentialIDs("ob"),
		Hook: &rec, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)

	// Two settlements lose a race for the next number first: Settle
	// prepares again, and says so.
	store.conflicts.Store(2)
	in := env.stlInput(t, "settle-1", "RO-1", false)
	_, _, err = svc.Settle(env.ctx, stlDealer, stlChen, in)
	require.NoError(t, err)
	_, err = svc.SavePriceBook(env.ctx, stlDealer, stlChen, env.book, false)
	require.ErrorIs(t, err, billing.ErrForbidden, "an advisor keeps no price book")
	_, err = svc.CreditNote(env.ctx, stlDealer, stlSup, billing.CreditInput{Key: "credit-1"})
	require.ErrorIs(t, err, billing.ErrInvalid)
	// Prepare writes nothing: it is not observed.
	_, err = svc.Prepare(env.ctx, stlDealer, stlChen, env.stlInput(t, "settle-2", "RO-2", false))
	require.NoError(t, err)

	calls := rec.Calls()
	require.Len(t, calls, 3)
	for i, w := range []struct {
		cmd     string
		actor   org.Actor
		result  org.Result
		retries int
	}{
		{"settle", stlChen, org.ResultOK, 2},
		{"save_price_book", stlChen, org.ResultForbidden, 0},
		{"credit_note", stlSup, org.ResultInvalid, 0},
	} {
		c := calls[i]
		assert.Equal(t, org.Operation{Package: "billing", Command: w.cmd, Dealer: stlDealer, Actor: w.actor}, c.Op, "call %d", i)
		assert.Equal(t, w.result, c.Outcome.Result, "call %d", i)
		assert.Equal(t, w.retries, c.Outcome.Retries, "call %d", i)
		assert.Equal(t, 1, c.Ends, "call %d", i)
	}
	assert.Contains(t, logs.String(), `"retries":2`)
	assert.Equal(t, 3, strings.Count(logs.String(), "\n"), "one record per command")
	for _, secret := range []string{"Mr. Kao", "auth-1"} {
		assert.NotContains(t, logs.String(), secret, "no input payload is logged")
	}
}

func TestBillingWithoutHookOrLoggerPrintsNothing(t *testing.T) {
	env := stlMemEnv(t)
	observetest.Quiet(t, func() {
		_, _, err := env.svc.Settle(env.ctx, stlDealer, stlChen, env.stlInput(t, "settle-1", "RO-1", false))
		assert.NoError(t, err)
		_, err = env.svc.SavePriceBook(env.ctx, stlDealer, stlChen, env.book, false)
		assert.ErrorIs(t, err, billing.ErrForbidden)
	})
}

func TestEveryBillingCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "billing", ".")
}
