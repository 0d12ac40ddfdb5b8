package servicelaneotel_test

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	servicelaneotel "github.com/servicelane/servicelane/contrib/otel"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

var (
	admin = org.Admin("dms")
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
)

// env is a hook on an in-memory span recorder and a manual metric reader.
type env struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	hook   *servicelaneotel.Hook
}

func newEnv(t *testing.T, opts ...servicelaneotel.Option) *env {
	t.Helper()
	e := &env{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	e.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(e.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(e.reader))
	t.Cleanup(func() {
		_ = e.tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	var err error
	e.hook, err = servicelaneotel.NewHook(append([]servicelaneotel.Option{servicelaneotel.WithTracerProvider(e.tp),
		servicelaneotel.WithMeterProvider(mp)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	out := map[attribute.Key]attribute.Value{}
	for _, kv := range kvs {
		out[kv.Key] = kv.Value
	}
	return out
}

func TestHookTracesEveryCommand(t *testing.T) {
	e := newEnv(t)
	svc, err := org.NewService(org.Config{Store: memstore.New(), Hook: e.hook})
	if err != nil {
		t.Fatal(err)
	}
	ctx, root := e.tp.Tracer("test").Start(t.Context(), "request")
	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddEmployee(ctx, "d1", chen, org.NewEmployee{ID: "wang", Name: "Wang Ling", Role: org.RoleAdvisor, Phone: "0923-456-789"}); !errors.Is(err, org.ErrForbidden) {
		t.Fatalf("an advisor adding an employee: %v, want ErrForbidden", err)
	}
	root.End()

	spans := e.spans.Ended()
	if len(spans) != 3 {
		t.Fatalf("%d spans, want the two commands' and the request's", len(spans))
	}
	for i, want := range []struct {
		name   string
		actor  org.Actor
		result string
	}{
		{"servicelane.org.create_dealer", admin, "ok"},
		{"servicelane.org.add_employee", chen, "forbidden"},
	} {
		s := spans[i]
		if s.Name() != want.name {
			t.Errorf("span %d is %q, want %q", i, s.Name(), want.name)
		}
		if s.Parent().SpanID() != root.SpanContext().SpanID() || s.SpanContext().TraceID() != root.SpanContext().TraceID() {
			t.Errorf("span %s is not a child of the caller's span", s.Name())
		}
		if s.SpanKind() != trace.SpanKindInternal {
			t.Errorf("span %s is %v, want internal", s.Name(), s.SpanKind())
		}
		a := attrs(s.Attributes())
		for k, v := range map[attribute.Key]string{servicelaneotel.KeyPackage: "org", servicelaneotel.KeyCommand: want.name[len("servicelane.org."):],
			servicelaneotel.KeyDealer: "d1", servicelaneotel.KeyActorRole: string(want.actor.Role), servicelaneotel.KeyResult: want.result} {
			if a[k].AsString() != v {
				t.Errorf("span %s: %s is %q, want %q", s.Name(), k, a[k].AsString(), v)
			}
		}
		if _, ok := a[servicelaneotel.KeyActorID]; ok {
			t.Errorf("span %s records the actor's ID without WithActorIDs", s.Name())
		}
		// A refusal is the caller's error, not the system's (as an HTTP 4xx).
		if s.Status().Code != codes.Unset {
			t.Errorf("span %s has status %v, want unset", s.Name(), s.Status())
		}
		for _, kv := range s.Attributes() {
			if kv.Value.AsString() == "0923-456-789" || kv.Value.AsString() == "Wang Ling" {
				t.Errorf("span %s records input: %v", s.Name(), kv)
			}
		}
	}
	if a := attrs(spans[1].Attributes()); a[servicelaneotel.KeyErrorType].AsString() != "forbidden" {
		t.Errorf("a refused command's error.type is %q, want forbidden", a[servicelaneotel.KeyErrorType].AsString())
	}
	if _, ok := attrs(spans[0].Attributes())[servicelaneotel.KeyErrorType]; ok {
		t.Error("a command that succeeded has an error.type")
	}
}

// command runs a command of package billing through obs, as every Service
// does: it retries retries times, then returns err.
func command(ctx context.Context, obs *org.Observer, retries int, err error) (_ context.Context, rerr error) {
	ctx, ob := obs.Begin(ctx, "settle", "d1", chen)
	defer ob.End(&rerr)
	for range retries {
		ob.Retry()
	}
	return ctx, err
}

func TestHookMarksFailuresAndCountsRetries(t *testing.T) {
	e := newEnv(t, servicelaneotel.WithActorIDs())
	obs := org.NewObserver("billing", e.hook, nil)
	inner, _ := command(t.Context(), obs, 2, nil)
	if !trace.SpanFromContext(inner).SpanContext().IsValid() {
		t.Error("the command does not run in its span's context")
	}
	_, _ = command(t.Context(), obs, 0, errors.New("database is locked"))

	spans := e.spans.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	ok, failed := attrs(spans[0].Attributes()), attrs(spans[1].Attributes())
	if ok[servicelaneotel.KeyRetries].AsInt64() != 2 {
		t.Errorf("retries %v, want 2", ok[servicelaneotel.KeyRetries])
	}
	if ok[servicelaneotel.KeyActorID].AsString() != "chen" {
		t.Errorf("WithActorIDs: actor ID %q, want chen", ok[servicelaneotel.KeyActorID].AsString())
	}
	if st := spans[1].Status(); st.Code != codes.Error || st.Description != "database is locked" {
		t.Errorf("a failed command's status is %v, want an error", st)
	}
	if failed[servicelaneotel.KeyResult].AsString() != "error" || failed[servicelaneotel.KeyErrorType].AsString() != "error" {
		t.Errorf("a failed command: %v", failed)
	}
	if evs := spans[1].Events(); len(evs) != 1 || evs[0].Name != "exception" {
		t.Errorf("a failed command records its error as an exception: %v", evs)
	}

	var rm metricdata.ResourceMetrics
	if err := e.reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != servicelaneotel.ScopeName {
			t.Errorf("scope %q, want %q", sm.Scope.Name, servicelaneotel.ScopeName)
		}
		for _, m := range sm.Metrics {
			got[m.Name] = m.Data
		}
	}
	byResult := func(result string) attribute.Set {
		return attribute.NewSet(servicelaneotel.KeyPackage.String("billing"), servicelaneotel.KeyCommand.String("settle"), servicelaneotel.KeyResult.String(result))
	}

	hist, ok2 := got["servicelane.command.duration"].(metricdata.Histogram[float64])
	if !ok2 || len(hist.DataPoints) != 2 {
		t.Fatalf("servicelane.command.duration: %#v", got["servicelane.command.duration"])
	}
	for _, dp := range hist.DataPoints {
		if dp.Count != 1 || (!dp.Attributes.Equals(ptr(byResult("ok"))) && !dp.Attributes.Equals(ptr(byResult("error")))) {
			t.Errorf("duration point %v: count %d", dp.Attributes.ToSlice(), dp.Count)
		}
	}
	sum, ok2 := got["servicelane.commands"].(metricdata.Sum[int64])
	if !ok2 || len(sum.DataPoints) != 2 || !sum.IsMonotonic {
		t.Fatalf("servicelane.commands: %#v", got["servicelane.commands"])
	}
	for _, dp := range sum.DataPoints {
		if dp.Value != 1 {
			t.Errorf("commands %v: %d, want 1", dp.Attributes.ToSlice(), dp.Value)
		}
		if _, ok := dp.Attributes.Value(servicelaneotel.KeyDealer); ok {
			t.Error("a metric carries the dealer")
		}
	}
	retries, ok2 := got["servicelane.command.retries"].(metricdata.Sum[int64])
	if !ok2 || len(retries.DataPoints) != 1 || retries.DataPoints[0].Value != 2 {
		t.Fatalf("servicelane.command.retries: %#v", got["servicelane.command.retries"])
	}
	want := attribute.NewSet(servicelaneotel.KeyPackage.String("billing"), servicelaneotel.KeyCommand.String("settle"))
	if !retries.DataPoints[0].Attributes.Equals(&want) {
		t.Errorf("retries by %v, want package and command", retries.DataPoints[0].Attributes.ToSlice())
	}
}

func ptr[T any](v T) *T { return &v }

func TestNewHookOnTheGlobalProviders(t *testing.T) {
	h, err := servicelaneotel.NewHook()
	if err != nil {
		t.Fatal(err)
	}
	// The global providers are no-ops until the host sets them.
	ctx, end := h.Start(t.Context(), org.Operation{Package: "org", Command: "create_dealer", Dealer: "d1", Actor: admin})
	end(org.Outcome{Result: org.ResultOK})
	if ctx == nil {
		t.Fatal("no context")
	}
}

// BenchmarkHook is a command observed by the OpenTelemetry SDK: a sampled
// span, kept by no exporter, and the three metrics.
func BenchmarkHook(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	hook, err := servicelaneotel.NewHook(servicelaneotel.WithTracerProvider(tp), servicelaneotel.WithMeterProvider(mp))
	if err != nil {
		b.Fatal(err)
	}
	obs := org.NewObserver("billing", hook, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = command(ctx, obs, 0, nil)
	}
}
