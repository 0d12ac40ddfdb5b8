package policy_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// obLosesRaces is a store whose next conflicts commits fail with
// ErrConflict, as when an approval lands during an evaluation.
type obLosesRaces struct {
	policy.Store
	conflicts atomic.Int32
}

func (s *obLosesRaces) Commit(ctx context.Context, dealer org.DealerID, c policy.Change) error {
	if s.conflicts.Add(-1) >= 0 {
		return policy.ErrConflict
	}
	return s.Store.Commit(ctx, dealer, c)
}

func TestPolicyObservesEveryCommand(t *testing.T) {
	w := svNew(t, nil)
	var rec observetest.Recorder
	var logs bytes.Buffer
	store := &obLosesRaces{Store: w.store.Policy()}
	var err error
	w.svc, err = policy.NewService(policy.Config{Store: store, Roster: w.roster.Directory(), Clock: w.clock, IDs: org.SequentialIDs("ob"),
		Hook: &rec, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)

	w.save(svDefault(1))
	for i, at := range []string{"2026-11-03 09:10", "2026-11-06 09:20", "2026-11-10 09:05"} {
		w.late("late-"+string(rune('1'+i)), "wang", at)
	}
	_, err = w.svc.RecordIncident(t.Context(), "d1", svChen, policy.IncidentInput{ID: "x", Employee: "wang", Kind: policy.Late, At: svAt("2026-11-11 09:00")})
	require.ErrorIs(t, err, policy.ErrForbidden, "an advisor records no incident")
	// The first commit of the evaluation loses a race: it reads again.
	store.conflicts.Store(1)
	res := w.evaluate(svNov)
	require.NotEmpty(t, res.Decisions)

	calls := rec.Calls()
	require.Len(t, calls, 6)
	for i, want := range []struct {
		cmd     string
		actor   org.Actor
		result  org.Result
		retries int
	}{
		{"save_policy", svLin, org.ResultOK, 0},
		{"record_incident", svClock, org.ResultOK, 0},
		{"record_incident", svClock, org.ResultOK, 0},
		{"record_incident", svClock, org.ResultOK, 0},
		{"record_incident", svChen, org.ResultForbidden, 0},
		{"evaluate", svLin, org.ResultOK, 1},
	} {
		c := calls[i]
		assert.Equal(t, org.Operation{Package: "policy", Command: want.cmd, Dealer: "d1", Actor: want.actor}, c.Op, "call %d", i)
		assert.Equal(t, want.result, c.Outcome.Result, "call %d", i)
		assert.Equal(t, want.retries, c.Outcome.Retries, "call %d", i)
		assert.Equal(t, 1, c.Ends, "call %d", i)
	}
	assert.Equal(t, 6, strings.Count(logs.String(), "\n"), "one record per command")
}

func TestPolicyWithoutHookOrLoggerPrintsNothing(t *testing.T) {
	w := svNew(t, nil)
	observetest.Quiet(t, func() {
		w.save(svDefault(1))
		w.late("late-1", "wang", "2026-11-03 09:10")
		w.evaluate(svNov)
		_, err := w.svc.RecordIncident(t.Context(), "d1", svChen, policy.IncidentInput{ID: "x", Employee: "wang", Kind: policy.Late, At: svAt("2026-11-11 09:00")})
		assert.ErrorIs(t, err, policy.ErrForbidden)
	})
}

func TestEveryPolicyCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "policy", ".")
}
