package org

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Operation is one command as a [Hook] and a Logger see it: which package
// ran which command, for which dealer, given by whom. It holds nothing of
// the command's input, so no customer's name, phone or e-mail reaches a log
// or a trace through it.
type Operation struct {
	// Package is the servicelane package that runs the command: "org",
	// "servicedesk", "billing", "appraisal", "training" or "policy".
	Package string `json:"package"`
	// Command is the command's stable name: for a work order the
	// servicedesk Command it fires ("record_approval"), else the method's
	// name in snake case ("approve_plan", "open_complaint").
	Command string   `json:"command"`
	Dealer  DealerID `json:"dealer"`
	Actor   Actor    `json:"actor"`
}

// Result classifies how a command ended, for logs and metrics: a small,
// fixed set of values, whatever the error's text.
type Result string

// The results of a command, from its error ([ResultOf]).
const (
	ResultOK                Result = "ok"
	ResultInvalid           Result = "invalid"            // ErrInvalid: bad input, a *ValidationError
	ResultForbidden         Result = "forbidden"          // ErrForbidden
	ResultNotFound          Result = "not_found"          // ErrNotFound
	ResultConflict          Result = "conflict"           // ErrConflict, after any retries
	ResultInvalidTransition Result = "invalid_transition" // ErrInvalidTransition
	ResultCanceled          Result = "canceled"           // the caller's context was canceled or timed out
	ResultError             Result = "error"              // anything else: a store failure, a bug
)

// ResultOf classifies err with errors.Is on the sentinels of every package:
// nil is ResultOK, an error matching none of them is ResultError.
func ResultOf(err error) Result {
	switch {
	case err == nil:
		return ResultOK
	case errors.Is(err, ErrConflict):
		return ResultConflict
	case errors.Is(err, ErrForbidden):
		return ResultForbidden
	case errors.Is(err, ErrNotFound):
		return ResultNotFound
	case errors.Is(err, ErrInvalidTransition):
		return ResultInvalidTransition
	case errors.Is(err, ErrInvalid):
		return ResultInvalid
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ResultCanceled
	}
	return ResultError
}

// Outcome is how one command ended.
type Outcome struct {
	// Duration is the command's wall time, its retries included.
	Duration time.Duration `json:"duration"`
	// Err is the error the command returned; nil when it succeeded.
	Err error `json:"-"`
	// Result classifies Err ([ResultOf]).
	Result Result `json:"result"`
	// Retries counts how often the command read again and retried after
	// losing a race to a concurrent write (ErrConflict). It is zero for the
	// commands that never retry by themselves.
	Retries int `json:"retries"`
}

// Hook observes every command of a Service: a tracer opens a span in Start
// and ends it in the function Start returns; a metrics adapter records the
// Outcome. Start is called as the command begins, and the command runs with
// the context it returns, so a span is the parent of whatever the store
// does; the function it returns (nil when the hook needs no end) is called
// once, as the command returns. Start is called by concurrent commands at
// once, and must not call the Service back. Package
// github.com/servicelane/servicelane/contrib/otel, a module of its own, is
// the OpenTelemetry Hook.
type Hook interface {
	Start(ctx context.Context, op Operation) (context.Context, func(Outcome))
}

// Observer calls a Service's Hook and Logger around each of its commands.
// Every servicelane Service holds one, built from its Config's Hook and
// Logger; a package built on servicelane may use one for its own commands,
// so they show in the same logs, traces and metrics. A nil *Observer, which
// NewObserver returns when there is neither a hook nor a logger, observes
// nothing and allocates nothing.
//
// With a Logger, each command writes one record, "servicelane command",
// with the attributes package, command, dealer, actor, duration, result and
// retries: at Debug when it succeeds; at Info when it is refused (invalid,
// not found, conflict, invalid transition, canceled) and at Warn when the
// actor was forbidden, with the error; at Error when it failed otherwise.
// The error of a *ValidationError is written as its fields' paths and
// codes, never their messages; no input payload is ever logged.
type Observer struct {
	pkg  string
	hook Hook
	log  *slog.Logger
}

// NewObserver returns the Observer of package pkg's commands, or nil when
// hook and logger are both nil.
func NewObserver(pkg string, hook Hook, logger *slog.Logger) *Observer {
	if hook == nil && logger == nil {
		return nil
	}
	return &Observer{pkg: pkg, hook: hook, log: logger}
}

// Begin starts observing one command. Call it first thing, run the command
// with the context it returns, and defer End directly with a pointer to the
// command's error result:
//
//	func (s *Service) ApprovePlan(ctx context.Context, dealer org.DealerID, actor org.Actor, year int) (_ Plan, err error) {
//		ctx, ob := s.obs.Begin(ctx, "approve_plan", dealer, actor)
//		defer ob.End(&err)
//		...
func (o *Observer) Begin(ctx context.Context, command string, dealer DealerID, actor Actor) (context.Context, Observation) {
	if o == nil {
		return ctx, Observation{}
	}
	c := &call{o: o, op: Operation{Package: o.pkg, Command: command, Dealer: dealer, Actor: actor}, start: time.Now()}
	if o.hook != nil {
		ctx, c.end = o.hook.Start(ctx, c.op)
	}
	c.ctx = ctx
	return ctx, Observation{c}
}

// Observation is one command being observed, from [Observer.Begin] to
// [Observation.End]. Its zero value observes nothing.
type Observation struct{ c *call }

type call struct {
	o       *Observer
	op      Operation
	ctx     context.Context
	start   time.Time
	end     func(Outcome)
	retries int
}

// Retry counts one retry of the command after it lost a race
// (ErrConflict), for [Outcome.Retries].
func (ob Observation) Retry() {
	if ob.c != nil {
		ob.c.retries++
	}
}

// End reports the command's outcome from *err to the hook and the logger.
// Defer it directly (defer ob.End(&err)): a command that panics is then
// reported as an error, and the panic goes on.
func (ob Observation) End(err *error) {
	c := ob.c
	if c == nil {
		return
	}
	out := Outcome{Duration: time.Since(c.start), Retries: c.retries}
	r := recover()
	switch {
	case r != nil:
		out.Err = fmt.Errorf("%s: %s: panic: %v", c.op.Package, c.op.Command, r)
	case err != nil:
		out.Err = *err
	}
	out.Result = ResultOf(out.Err)
	if c.end != nil {
		c.end(out)
	}
	if c.o.log != nil {
		c.logRecord(out)
	}
	if r != nil {
		panic(r)
	}
}

// logRecord writes the command's one record; see Observer.
func (c *call) logRecord(out Outcome) {
	level := slog.LevelDebug
	switch out.Result {
	case ResultOK:
	case ResultForbidden:
		level = slog.LevelWarn
	case ResultError:
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	if !c.o.log.Enabled(c.ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("package", c.op.Package),
		slog.String("command", c.op.Command),
		slog.String("dealer", string(c.op.Dealer)),
		slog.String("actor", c.op.Actor.String()),
		slog.Duration("duration", out.Duration),
		slog.String("result", string(out.Result)),
		slog.Int("retries", out.Retries),
	}
	if out.Err != nil {
		attrs = append(attrs, slog.String("error", errorText(out.Err)))
	}
	c.o.log.LogAttrs(c.ctx, level, "servicelane command", attrs...)
}

// errorText is err's text for a log, except that a *ValidationError is
// written as its fields' paths and codes: a field's message may one day
// quote what was typed, and the log must not carry a customer's data.
func errorText(err error) string {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(ve.Op)
	b.WriteString(": invalid input")
	for i, f := range ve.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Path)
		b.WriteString(" (")
		b.WriteString(f.Code)
		b.WriteString(")")
	}
	return b.String()
}
