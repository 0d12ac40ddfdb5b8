package servicedesk_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// slotFor gives order i its own one-hour slot: nine a day per technician,
// Monday to Saturday, from Monday 2 November 2026.
func slotFor(i int) (tech org.EmployeeID, start, end time.Time) {
	tech = "wu"
	if i%2 == 1 {
		tech = "tsai"
	}
	n := i / 2
	day := time.Date(2026, 11, 2, 8, 30, 0, 0, taipei)
	for d := n / 9; d > 0; d-- {
		day = day.AddDate(0, 0, 1)
		if day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
	}
	start = day.Add(time.Duration(n%9) * time.Hour)
	return tech, start, start.Add(time.Hour)
}

// lifecycle drives order i from reception to close: the path of a normal
// visit, one command per step of R3.1 to R3.4.
func lifecycle(tb testing.TB, f *fixture, i int) {
	id := servicedesk.WorkOrderID(fmt.Sprintf("wo%06d", i))
	f.toApproved(tb, id)
	ref := servicedesk.Ref{ID: id}
	tech, start, end := slotFor(i)
	techActor := org.Actor{ID: tech, Role: org.RoleTechnician}
	steps := []func() (servicedesk.WorkOrder, error){
		func() (servicedesk.WorkOrder, error) {
			return f.desk.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: tech, Start: start, End: end})
		},
		func() (servicedesk.WorkOrder, error) { return f.desk.Start(f.ctx, dealer, techActor, ref) },
		func() (servicedesk.WorkOrder, error) {
			return f.desk.CompleteJob(f.ctx, dealer, techActor, ref, servicedesk.JobRef{Job: "j1"})
		},
		func() (servicedesk.WorkOrder, error) {
			return f.desk.CompleteJob(f.ctx, dealer, techActor, ref, servicedesk.JobRef{Job: "j2"})
		},
		func() (servicedesk.WorkOrder, error) { return f.desk.CompleteRepair(f.ctx, dealer, techActor, ref) },
		func() (servicedesk.WorkOrder, error) {
			return f.desk.Inspect(f.ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
		},
		func() (servicedesk.WorkOrder, error) {
			return f.desk.NotifyReady(f.ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "pads and oil done"})
		},
		func() (servicedesk.WorkOrder, error) {
			return f.desk.Settle(f.ctx, dealer, chen, ref, servicedesk.Settlement{Document: "INV-" + string(id), Total: dec("6130")})
		},
		func() (servicedesk.WorkOrder, error) {
			return f.desk.Deliver(f.ctx, dealer, chen, ref, servicedesk.DeliveryInput{MileageOut: 42001})
		},
		func() (servicedesk.WorkOrder, error) { return f.desk.Close(f.ctx, dealer, chen, ref) },
	}
	for k, step := range steps {
		if _, err := step(); err != nil {
			tb.Fatalf("order %s step %d: %v", id, k, err)
		}
	}
}

func sqliteFixture(tb testing.TB) *fixture {
	tb.Helper()
	st := testdb.SQLite(tb)
	return newFixtureOn(tb, st, st.ServiceDesk(), servicedesk.Options{})
}

func benchLifecycle(b *testing.B, f *fixture) {
	b.ReportAllocs()
	i := 0
	start := time.Now()
	for b.Loop() {
		lifecycle(b, f, i)
		i++
	}
	b.ReportMetric(float64(i)/time.Since(start).Seconds(), "orders/s")
}

// BenchmarkLifecycle is one whole order, reception to close (16 commands).
func BenchmarkLifecycle(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchLifecycle(b, newFixture(b, servicedesk.Options{})) })
	b.Run("sqlite", func(b *testing.B) { benchLifecycle(b, sqliteFixture(b)) })
}

// BenchmarkTransition is one command on an order in repair: pause and
// resume in turn, so the order does not grow as the loop runs.
func BenchmarkTransition(b *testing.B) {
	run := func(b *testing.B, f *fixture) {
		lifecycleTo(b, f, "wo-t", 0)
		ref := servicedesk.Ref{ID: "wo-t"}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			var err error
			if i%2 == 0 {
				_, err = f.desk.Pause(f.ctx, dealer, wu, ref, servicedesk.PauseInput{Reason: "waiting for parts"})
			} else {
				_, err = f.desk.Resume(f.ctx, dealer, wu, ref)
			}
			if err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, newFixture(b, servicedesk.Options{})) })
	b.Run("sqlite", func(b *testing.B) { run(b, sqliteFixture(b)) })
}

// lifecycleTo drives order id to in_progress with technician wu.
func lifecycleTo(tb testing.TB, f *fixture, id servicedesk.WorkOrderID, slot int) {
	tb.Helper()
	f.toApproved(tb, id)
	_, start, end := slotFor(slot * 2)
	if _, err := f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: id}, servicedesk.BookingInput{Technician: "wu", Start: start, End: end}); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.desk.Start(f.ctx, dealer, wu, servicedesk.Ref{ID: id}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkMonth lists a month of 500 orders.
func BenchmarkMonth(b *testing.B) {
	run := func(b *testing.B, f *fixture) {
		for i := range 500 {
			f.receive(b, servicedesk.WorkOrderID(fmt.Sprintf("wo%04d", i)))
		}
		m := org.Month{Year: 2026, Month: time.November}
		b.ReportAllocs()
		for b.Loop() {
			ws, err := f.desk.Month(f.ctx, dealer, admin, m)
			if err != nil || len(ws) != 500 {
				b.Fatalf("%d orders, %v", len(ws), err)
			}
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, newFixture(b, servicedesk.Options{})) })
	b.Run("sqlite", func(b *testing.B) { run(b, sqliteFixture(b)) })
}
