package appraisal_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
)

func TestAppraisalObservesEveryCommand(t *testing.T) {
	f := newCycleFixture(t)
	roster, err := org.NewService(org.Config{Store: f.store, Clock: f.clock})
	require.NoError(t, err)
	var rec observetest.Recorder
	var logs bytes.Buffer
	f.svc, err = appraisal.NewService(appraisal.Config{Store: f.store.Appraisal(), Roster: roster.Directory(), Clock: f.clock, IDs: org.SequentialIDs("ob"),
		Hook: &rec, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)

	f.open(t, nov, nil)
	require.ErrorIs(t, f.rate(chen, nov, "chen", appraisal.SourcePeer, "teamwork", "80"), appraisal.ErrForbidden, "nobody rates themselves as a peer")
	_, err = f.svc.Publish(f.ctx, "d1", lin, nov)
	require.ErrorIs(t, err, appraisal.ErrInvalidTransition, "an open cycle is not published")

	calls := rec.Calls()
	require.Len(t, calls, 3)
	for i, w := range []struct {
		cmd    string
		actor  org.Actor
		result org.Result
	}{
		{"open_cycle", lin, org.ResultOK},
		{"rate", chen, org.ResultForbidden},
		{"publish", lin, org.ResultInvalidTransition},
	} {
		c := calls[i]
		assert.Equal(t, org.Operation{Package: "appraisal", Command: w.cmd, Dealer: "d1", Actor: w.actor}, c.Op, "call %d", i)
		assert.Equal(t, w.result, c.Outcome.Result, "call %d", i)
		assert.Equal(t, 1, c.Ends, "call %d", i)
	}
	assert.Equal(t, 3, strings.Count(logs.String(), "\n"), "one record per command")
}

func TestAppraisalWithoutHookOrLoggerPrintsNothing(t *testing.T) {
	f := newCycleFixture(t)
	observetest.Quiet(t, func() {
		_, err := f.svc.OpenCycle(f.ctx, "d1", lin, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()})
		assert.NoError(t, err)
		_, err = f.svc.Publish(f.ctx, "d1", lin, nov)
		assert.ErrorIs(t, err, appraisal.ErrInvalidTransition)
	})
}

func TestEveryAppraisalCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "appraisal", ".")
}
