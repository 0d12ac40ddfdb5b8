package training_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

func TestTrainingObservesEveryCommand(t *testing.T) {
	f := newFixture(t)
	roster, err := org.NewService(org.Config{Store: f.store, Clock: f.clock})
	require.NoError(t, err)
	var rec observetest.Recorder
	var logs bytes.Buffer
	f.svc, err = training.NewService(training.Config{Store: f.store.Training(), Roster: roster.Directory(), Clock: f.clock, IDs: org.SequentialIDs("ob"),
		Hook: &rec, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)

	f.approved(t)
	_, err = f.svc.SavePlan(f.ctx, "d1", chen, training.PlanInput{Year: 2028, Courses: courses()})
	require.ErrorIs(t, err, training.ErrForbidden, "an advisor writes no plan")
	_, err = f.svc.Advise(f.ctx, "d1", lin, training.CareerInput{Employee: "chen", Note: "private: wants to move to sales"})
	require.NoError(t, err)
	_, err = f.svc.Advise(f.ctx, "d1", lin, training.CareerInput{Employee: "chen"})
	require.ErrorIs(t, err, training.ErrInvalid, "a note or goals")

	calls := rec.Calls()
	require.Len(t, calls, 5)
	for i, w := range []struct {
		cmd    string
		actor  org.Actor
		result org.Result
	}{
		{"save_plan", lin, org.ResultOK},
		{"approve_plan", host, org.ResultOK},
		{"save_plan", chen, org.ResultForbidden},
		{"advise", lin, org.ResultOK},
		{"advise", lin, org.ResultInvalid},
	} {
		c := calls[i]
		assert.Equal(t, org.Operation{Package: "training", Command: w.cmd, Dealer: "d1", Actor: w.actor}, c.Op, "call %d", i)
		assert.Equal(t, w.result, c.Outcome.Result, "call %d", i)
		assert.Equal(t, 1, c.Ends, "call %d", i)
	}
	assert.Equal(t, 5, strings.Count(logs.String(), "\n"), "one record per command")
	assert.NotContains(t, logs.String(), "wants to move to sales", "no input payload is logged")
}

func TestTrainingWithoutHookOrLoggerPrintsNothing(t *testing.T) {
	f := newFixture(t)
	observetest.Quiet(t, func() {
		f.approved(t)
		_, err := f.svc.SavePlan(f.ctx, "d1", chen, training.PlanInput{Year: 2028, Courses: courses()})
		assert.ErrorIs(t, err, training.ErrForbidden)
	})
}

func TestEveryTrainingCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "training", ".")
}
