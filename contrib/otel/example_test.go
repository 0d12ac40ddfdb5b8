package servicelaneotel_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	servicelaneotel "github.com/servicelane/servicelane/contrib/otel"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// One Hook observes every Service it is given. A host passes its own
// tracer provider (with an exporter) or sets the global one; here spans are
// kept in memory to print them.
func ExampleNewHook() {
	ctx := context.Background()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(ctx) }()

	hook, err := servicelaneotel.NewHook(servicelaneotel.WithTracerProvider(tp))
	if err != nil {
		panic(err)
	}
	svc, err := org.NewService(org.Config{Store: memstore.New(), Hook: hook})
	if err != nil {
		panic(err)
	}
	_, _ = svc.CreateDealer(ctx, org.Admin("dms"), org.NewDealer{ID: "taipei-01", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	_, _ = svc.AddEmployee(ctx, "taipei-01", org.Actor{ID: "chen", Role: org.RoleAdvisor}, org.NewEmployee{ID: "wang", Name: "Wang Ling", Role: org.RoleAdvisor})

	for _, s := range spans.Ended() {
		for _, kv := range s.Attributes() {
			if kv.Key == servicelaneotel.KeyResult {
				fmt.Println(s.Name(), kv.Value.AsString(), s.Status().Code)
			}
		}
	}
	// Output:
	// servicelane.org.create_dealer ok Unset
	// servicelane.org.add_employee forbidden Unset
}
