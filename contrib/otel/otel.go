// Package servicelaneotel traces and measures every servicelane command with
// OpenTelemetry. It is a module of its own, so that servicelane itself
// depends on no OpenTelemetry package; import it only where a host wants
// traces and metrics:
//
//	hook, err := servicelaneotel.NewHook() // the global tracer and meter providers
//	svc, err := org.NewService(org.Config{Store: store, Hook: hook})
//	desk, err := servicedesk.NewService(servicedesk.Config{..., Hook: hook})
//
// One Hook serves every Service of a process.
//
// # Traces
//
// Each command is a span named "servicelane.<package>.<command>", such as
// "servicelane.servicedesk.record_approval", a child of the span in the
// caller's context; the store's work during the command (an instrumented
// database/sql driver) becomes its children. Its attributes are
// servicelane.package, servicelane.command, servicelane.dealer (the tenant's
// ID), servicelane.actor.role, servicelane.result and, when the command
// retried after a conflict, servicelane.retries.
//
// The actor's ID is an employee's ID: personal data in many jurisdictions,
// and the audit trail records it already. Spans carry only the actor's
// role unless [WithActorIDs] asks for the ID too (servicelane.actor.id).
// Nothing of a command's input, a customer's name, phone or e-mail, is
// ever recorded.
//
// A command refused by the rules (invalid input, forbidden, not found,
// conflict, a transition its state does not allow) is not a fault of the
// system, as an HTTP 4xx is not one of the server: its span keeps status
// Unset, with the refusal in servicelane.result and error.type. A command
// that failed otherwise (a store error, a panic; result "error") has
// status Error, its error recorded as an exception event. A canceled
// command is Unset, with error.type "canceled".
//
// # Metrics
//
//   - servicelane.command.duration (histogram, seconds): every command, by
//     servicelane.package, servicelane.command and servicelane.result;
//   - servicelane.commands (counter): the same commands, counted;
//   - servicelane.command.retries (counter): the retries after a conflict,
//     by servicelane.package and servicelane.command.
//
// Metrics carry no dealer, actor or other unbounded attribute.
package servicelaneotel

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/servicelane/servicelane/org"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/servicelane/servicelane/contrib/otel"

// Attribute keys of spans and metrics.
const (
	KeyPackage   = attribute.Key("servicelane.package")
	KeyCommand   = attribute.Key("servicelane.command")
	KeyDealer    = attribute.Key("servicelane.dealer")
	KeyActorRole = attribute.Key("servicelane.actor.role")
	KeyActorID   = attribute.Key("servicelane.actor.id")
	KeyResult    = attribute.Key("servicelane.result")
	KeyRetries   = attribute.Key("servicelane.retries")
	// KeyErrorType is OpenTelemetry's error.type: the result of a command
	// that did not succeed.
	KeyErrorType = attribute.Key("error.type")
)

// durationBuckets suit commands that take milliseconds to seconds, as
// OpenTelemetry advises for durations in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Option configures NewHook.
type Option func(*config)

type config struct {
	tp       trace.TracerProvider
	mp       metric.MeterProvider
	actorIDs bool
}

// WithTracerProvider traces with tp instead of the global provider.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider measures with mp instead of the global provider.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithActorIDs records the actor's ID on each span (servicelane.actor.id),
// besides their role. See the package documentation before turning it on.
func WithActorIDs() Option { return func(c *config) { c.actorIDs = true } }

// Hook is the org.Hook of OpenTelemetry: give it to every Service's Config.
// It is safe for concurrent use.
type Hook struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	commands metric.Int64Counter
	retries  metric.Int64Counter
	actorIDs bool
}

var _ org.Hook = (*Hook)(nil)

// NewHook builds a Hook on the global tracer and meter providers, unless
// options name others. It fails only when the meter refuses an instrument.
func NewHook(opts ...Option) (*Hook, error) {
	c := config{}
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	meter := c.mp.Meter(ScopeName)
	h := &Hook{tracer: c.tp.Tracer(ScopeName), actorIDs: c.actorIDs}
	var err error
	if h.duration, err = meter.Float64Histogram("servicelane.command.duration", metric.WithUnit("s"),
		metric.WithDescription("How long servicelane commands take, retries included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return nil, err
	}
	if h.commands, err = meter.Int64Counter("servicelane.commands", metric.WithUnit("{command}"),
		metric.WithDescription("The servicelane commands run, by package, command and result.")); err != nil {
		return nil, err
	}
	if h.retries, err = meter.Int64Counter("servicelane.command.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("The times servicelane commands read again and retried after losing a race (a conflict).")); err != nil {
		return nil, err
	}
	return h, nil
}

// Start implements org.Hook: it opens the command's span, and the function
// it returns ends the span and records the metrics.
func (h *Hook) Start(ctx context.Context, op org.Operation) (context.Context, func(org.Outcome)) {
	attrs := []attribute.KeyValue{
		KeyPackage.String(op.Package),
		KeyCommand.String(op.Command),
		KeyDealer.String(string(op.Dealer)),
		KeyActorRole.String(string(op.Actor.Role)),
	}
	if h.actorIDs {
		attrs = append(attrs, KeyActorID.String(string(op.Actor.ID)))
	}
	ctx, span := h.tracer.Start(ctx, "servicelane."+op.Package+"."+op.Command,
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx, func(out org.Outcome) {
		result := string(out.Result)
		span.SetAttributes(KeyResult.String(result))
		if out.Retries > 0 {
			span.SetAttributes(KeyRetries.Int(out.Retries))
		}
		if out.Result != org.ResultOK {
			span.SetAttributes(KeyErrorType.String(result))
		}
		if out.Result == org.ResultError && out.Err != nil {
			span.RecordError(out.Err)
			span.SetStatus(codes.Error, out.Err.Error())
		}
		span.End()

		set := metric.WithAttributeSet(attribute.NewSet(KeyPackage.String(op.Package), KeyCommand.String(op.Command), KeyResult.String(result)))
		h.duration.Record(ctx, out.Duration.Seconds(), set)
		h.commands.Add(ctx, 1, set)
		if out.Retries > 0 {
			h.retries.Add(ctx, int64(out.Retries), metric.WithAttributes(KeyPackage.String(op.Package), KeyCommand.String(op.Command)))
		}
	}
}
