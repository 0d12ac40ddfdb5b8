package servicedesk_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

func TestDeskObservesEveryCommand(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	var rec observetest.Recorder
	var logs bytes.Buffer
	desk, err := servicedesk.NewService(servicedesk.Config{Store: f.store.ServiceDesk(), Roster: f.roster.Directory(), Clock: f.clock,
		Hook: &rec, Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	f.desk = desk

	f.receive(t, "RO-1")
	_, err = desk.Receive(f.ctx, dealer, wu, servicedesk.Reception{ID: "RO-2", Channel: servicedesk.ChannelWalkIn,
		Customer: servicedesk.Customer{Name: "Ms. Lee", Phone: "0933-222-444"}})
	require.ErrorIs(t, err, servicedesk.ErrForbidden, "a technician does not receive customers")
	_, err = desk.Start(f.ctx, dealer, wu, servicedesk.Ref{ID: "RO-1"})
	require.ErrorIs(t, err, servicedesk.ErrInvalidTransition, "not booked yet")
	_, err = desk.AddNote(f.ctx, dealer, chen, servicedesk.Ref{ID: "RO-1", ExpectedVersion: 99}, servicedesk.NoteInput{Text: "called the customer"})
	require.ErrorIs(t, err, servicedesk.ErrConflict)
	_, err = desk.AddNote(f.ctx, dealer, chen, servicedesk.Ref{ID: "RO-404"}, servicedesk.NoteInput{Text: "called the customer"})
	require.ErrorIs(t, err, servicedesk.ErrNotFound)

	calls := rec.Calls()
	require.Len(t, calls, 5)
	for i, w := range []struct {
		cmd    servicedesk.Command
		actor  org.Actor
		result org.Result
	}{
		{servicedesk.CmdReceive, chen, org.ResultOK},
		{servicedesk.CmdReceive, wu, org.ResultForbidden},
		{servicedesk.CmdStart, wu, org.ResultInvalidTransition},
		{servicedesk.CmdNote, chen, org.ResultConflict},
		{servicedesk.CmdNote, chen, org.ResultNotFound},
	} {
		c := calls[i]
		assert.Equal(t, org.Operation{Package: "servicedesk", Command: string(w.cmd), Dealer: dealer, Actor: w.actor}, c.Op, "call %d", i)
		assert.Equal(t, w.result, c.Outcome.Result, "call %d", i)
		assert.Equal(t, 1, c.Ends, "call %d", i)
		assert.Zero(t, c.Outcome.Retries, "call %d", i)
	}
	assert.Equal(t, 5, strings.Count(logs.String(), "\n"), "one record per command")
	for _, secret := range []string{"Mr. Kao", "0912-000-111", "Ms. Lee", "0933-222-444", "JTDBR32E720123456", "ABC-1234", "brakes squeal", "called the customer"} {
		assert.NotContains(t, logs.String(), secret, "no customer data or input is logged")
	}
}

func TestDeskWithoutHookOrLoggerPrintsNothing(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	observetest.Quiet(t, func() {
		f.receive(t, "RO-1")
		_, err := f.desk.Start(f.ctx, dealer, wu, servicedesk.Ref{ID: "RO-1"})
		assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	})
}

func TestEveryDeskCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "servicedesk", ".")
}
