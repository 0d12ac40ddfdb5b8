package org_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
)

func TestResultOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want org.Result
	}{
		{nil, org.ResultOK},
		{&org.ValidationError{Op: "org: x", Fields: []org.FieldError{{Path: "name", Code: org.CodeRequired}}}, org.ResultInvalid},
		{fmt.Errorf("org: x: %w", org.ErrForbidden), org.ResultForbidden},
		{fmt.Errorf("org: x: %w", org.ErrNotFound), org.ResultNotFound},
		{fmt.Errorf("org: x: %w", org.ErrConflict), org.ResultConflict},
		{org.ErrStale, org.ResultConflict},
		{fmt.Errorf("org: x: %w", org.ErrInvalidTransition), org.ResultInvalidTransition},
		{fmt.Errorf("org: x: %w", context.Canceled), org.ResultCanceled},
		{context.DeadlineExceeded, org.ResultCanceled},
		{errors.New("disk full"), org.ResultError},
	} {
		assert.Equal(t, c.want, org.ResultOf(c.err), "%v", c.err)
	}
}

// logRecords decodes the JSON records a logger wrote.
func logRecords(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		out = append(out, rec)
	}
	return out
}

func TestServiceObservesEveryCommand(t *testing.T) {
	var rec observetest.Recorder
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newService(t, org.Config{Hook: &rec, Logger: logger})
	ctx := t.Context()

	_, err := f.svc.CreateDealer(ctx, admin, org.NewDealer{ID: d1, Name: "East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	_, err = f.svc.AddEmployee(ctx, d1, admin, org.NewEmployee{ID: "chen", Name: "Chen Wei", Role: org.RoleAdvisor,
		Email: "chen.private@example.com", Phone: "0912-345-678"})
	require.NoError(t, err)
	// Refused: an advisor may not change the roster (R2.2).
	chen := org.Actor{ID: "chen", Role: org.RoleAdvisor}
	_, err = f.svc.AddEmployee(ctx, d1, chen, org.NewEmployee{ID: "wang", Name: "Wang Ling", Role: org.RoleAdvisor})
	require.ErrorIs(t, err, org.ErrForbidden)
	// Refused: bad input, every field named.
	_, err = f.svc.AddEmployee(ctx, d1, admin, org.NewEmployee{ID: "x", Role: org.RoleAdvisor, Email: "not an e-mail 0912-999-999"})
	require.ErrorIs(t, err, org.ErrInvalid)

	calls := rec.Calls()
	require.Len(t, calls, 4, "one observation per command, none for the checks inside them")
	want := []struct {
		cmd    string
		actor  org.Actor
		result org.Result
	}{
		{"create_dealer", admin, org.ResultOK},
		{"add_employee", admin, org.ResultOK},
		{"add_employee", chen, org.ResultForbidden},
		{"add_employee", admin, org.ResultInvalid},
	}
	for i, w := range want {
		c := calls[i]
		assert.Equal(t, org.Operation{Package: "org", Command: w.cmd, Dealer: d1, Actor: w.actor}, c.Op, "call %d", i)
		assert.Equal(t, w.result, c.Outcome.Result, "call %d", i)
		assert.Equal(t, 1, c.Ends, "call %d ends once", i)
		assert.Positive(t, c.Outcome.Duration, "call %d", i)
		assert.Zero(t, c.Outcome.Retries, "call %d", i)
		assert.Equal(t, w.result == org.ResultOK, c.Outcome.Err == nil, "call %d", i)
	}
	assert.ErrorIs(t, calls[2].Outcome.Err, org.ErrForbidden)

	recs := logRecords(t, &logs)
	require.Len(t, recs, 4, "one record per command")
	for i, lvl := range []string{"DEBUG", "DEBUG", "WARN", "INFO"} {
		r := recs[i]
		assert.Equal(t, lvl, r["level"], "record %d", i)
		assert.Equal(t, "servicelane command", r["msg"])
		assert.Equal(t, "org", r["package"])
		assert.Equal(t, want[i].cmd, r["command"])
		assert.Equal(t, "d1", r["dealer"])
		assert.Equal(t, want[i].actor.String(), r["actor"])
		assert.Equal(t, string(want[i].result), r["result"])
		assert.Contains(t, r, "duration")
		assert.EqualValues(t, 0, r["retries"])
	}
	assert.NotContains(t, recs[0], "error")
	assert.Contains(t, recs[2]["error"], "forbidden")
	assert.Equal(t, "org: add employee: invalid input: name (required); email (invalid_format)", recs[3]["error"],
		"a validation error is logged as paths and codes")
	for _, secret := range []string{"chen.private@example.com", "0912-345-678", "0912-999-999", "Chen Wei", "East Motors"} {
		assert.NotContains(t, logs.String(), secret, "no input payload is logged")
	}
}

func TestServiceWithoutHookOrLoggerPrintsNothing(t *testing.T) {
	f := newService(t, org.Config{})
	observetest.Quiet(t, func() {
		_, err := f.svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: d1, Name: "East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
		assert.NoError(t, err)
		_, err = f.svc.AddEmployee(t.Context(), d1, org.Actor{ID: "nobody", Role: org.RoleAdvisor}, org.NewEmployee{ID: "x", Name: "X", Role: org.RoleAdvisor})
		assert.ErrorIs(t, err, org.ErrForbidden)
	})
}

func TestEveryOrgCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "org", ".")
}

type ctxKey struct{}

// tracer is a Hook that puts a span in the context, as a tracer does.
type tracer struct{}

func (tr *tracer) Start(ctx context.Context, op org.Operation) (context.Context, func(org.Outcome)) {
	return context.WithValue(ctx, ctxKey{}, op.Command), nil
}

func TestObserver(t *testing.T) {
	t.Run("nil without hook and logger", func(t *testing.T) {
		obs := org.NewObserver("org", nil, nil)
		assert.Nil(t, obs)
		ctx := t.Context()
		got, ob := obs.Begin(ctx, "x", d1, admin)
		assert.Equal(t, ctx, got)
		ob.Retry()
		ob.End(nil)
	})
	t.Run("the command runs with the hook's context; a nil end is allowed", func(t *testing.T) {
		obs := org.NewObserver("org", &tracer{}, nil)
		ctx, ob := obs.Begin(t.Context(), "create_dealer", d1, admin)
		assert.Equal(t, "create_dealer", ctx.Value(ctxKey{}))
		var err error
		ob.End(&err)
	})
	t.Run("retries are counted", func(t *testing.T) {
		var rec observetest.Recorder
		obs := org.NewObserver("billing", &rec, nil)
		err := func() (err error) {
			_, ob := obs.Begin(t.Context(), "settle", d1, admin)
			defer ob.End(&err)
			ob.Retry()
			ob.Retry()
			return nil
		}()
		require.NoError(t, err)
		c, _ := rec.Last()
		assert.Equal(t, 2, c.Outcome.Retries)
		assert.Equal(t, org.ResultOK, c.Outcome.Result)
	})
	t.Run("a panic is reported as an error and goes on", func(t *testing.T) {
		var rec observetest.Recorder
		var logs bytes.Buffer
		obs := org.NewObserver("org", &rec, slog.New(slog.NewJSONHandler(&logs, nil)))
		assert.PanicsWithValue(t, "boom", func() {
			_ = func() (err error) {
				_, ob := obs.Begin(t.Context(), "create_dealer", d1, admin)
				defer ob.End(&err)
				panic("boom")
			}()
		})
		c, _ := rec.Last()
		assert.Equal(t, org.ResultError, c.Outcome.Result)
		assert.EqualError(t, c.Outcome.Err, "org: create_dealer: panic: boom")
		assert.Contains(t, logs.String(), `"level":"ERROR"`)
	})
	t.Run("a logger above debug writes only what went wrong", func(t *testing.T) {
		var logs bytes.Buffer
		obs := org.NewObserver("org", nil, slog.New(slog.NewJSONHandler(&logs, nil)))
		for _, e := range []error{nil, org.ErrNotFound, errors.New("disk full")} {
			func() {
				_, ob := obs.Begin(t.Context(), "change_dealer", d1, admin)
				defer ob.End(&e)
			}()
		}
		recs := logRecords(t, &logs)
		require.Len(t, recs, 2)
		assert.Equal(t, "INFO", recs[0]["level"])
		assert.Equal(t, "not_found", recs[0]["result"])
		assert.Equal(t, "ERROR", recs[1]["level"])
		assert.Equal(t, "disk full", recs[1]["error"])
	})
}

// observedCommand is the frame of every observed command, for the benchmarks.
//
//go:noinline
func observedCommand(ctx context.Context, obs *org.Observer) (err error) {
	_, ob := obs.Begin(ctx, "create_dealer", d1, admin)
	defer ob.End(&err)
	return nil
}

// BenchmarkObserveDisabled is the cost a command pays with no Hook and no
// Logger: none, and no allocation.
func BenchmarkObserveDisabled(b *testing.B) {
	obs := org.NewObserver("org", nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = observedCommand(ctx, obs)
	}
}

type nopHook struct{}

func (nopHook) Start(ctx context.Context, _ org.Operation) (context.Context, func(org.Outcome)) {
	return ctx, func(org.Outcome) {}
}

// BenchmarkObserveHook is the seam's own cost with a Hook that does
// nothing.
func BenchmarkObserveHook(b *testing.B) {
	obs := org.NewObserver("org", nopHook{}, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = observedCommand(ctx, obs)
	}
}

// BenchmarkObserveLoggerInfo is a production logger at Info: a command
// that succeeds writes nothing.
func BenchmarkObserveLoggerInfo(b *testing.B) {
	obs := org.NewObserver("org", nil, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = observedCommand(ctx, obs)
	}
}

// BenchmarkObserveLoggerDebug writes one JSON record per command.
func BenchmarkObserveLoggerDebug(b *testing.B) {
	obs := org.NewObserver("org", nil, slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = observedCommand(ctx, obs)
	}
}
