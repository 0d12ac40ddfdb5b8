package servicedesk_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// BenchmarkAllows is one decision: a command's table row and guards, on
// an order in hand (the peers' Can). no_guard: a technician pauses the
// repair; guards: the booked technician starts it (two guards);
// refused_guard: completing the repair while a job is open (its guard's
// message would be built with strings.Join); refused_role: an advisor
// completing it.
func BenchmarkAllows(b *testing.B) {
	at := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	w := servicedesk.WorkOrder{DealerID: dealer, ID: "wo1", State: servicedesk.StateInProgress, Advisor: "chen",
		Concerns: []servicedesk.Concern{{ID: "c1"}, {ID: "c2"}},
		Findings: []servicedesk.Finding{{ConcernID: "c1"}, {ConcernID: "c2"}},
		Jobs:     []servicedesk.Job{{ID: "j1", Status: servicedesk.JobDone}, {ID: "j2", Status: servicedesk.JobApproved}},
		Booking:  &servicedesk.Booking{Technician: "wu", Start: at, End: at.Add(time.Hour)}}
	booked := w
	booked.State = servicedesk.StateBooked
	for _, c := range []struct {
		name string
		w    *servicedesk.WorkOrder
		cmd  servicedesk.Command
		by   org.Actor
		want bool
	}{
		{"no_guard", &w, servicedesk.CmdPause, wu, true},
		{"guards", &booked, servicedesk.CmdStart, wu, true},
		{"refused_guard", &w, servicedesk.CmdCompleteRepair, wu, false},
		{"refused_role", &w, servicedesk.CmdCompleteRepair, chen, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			if servicedesk.Allows(c.w, c.cmd, c.by, servicedesk.Options{}) != c.want {
				b.Fatalf("Allows(%s by %s) != %v", c.cmd, c.by, c.want)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if servicedesk.Allows(c.w, c.cmd, c.by, servicedesk.Options{}) {
					n++
				}
			}
			sink = n
		})
	}
}

var sink int

// BenchmarkPermitted lists the commands a technician may give on an order
// in repair (a UI's buttons): the package function on an order in hand,
// and the Service method, which also authorises the actor and reads the
// order.
func BenchmarkPermitted(b *testing.B) {
	f := newFixture(b, servicedesk.Options{})
	lifecycleTo(b, f, "wo-p", 0)
	w, err := f.desk.WorkOrder(f.ctx, dealer, admin, "wo-p")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("func", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if cs := servicedesk.Permitted(&w, wu, servicedesk.Options{}); len(cs) == 0 {
				b.Fatal("nothing permitted")
			}
		}
	})
	b.Run("service", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if cs, err := f.desk.Permitted(f.ctx, dealer, wu, "wo-p"); err != nil || len(cs) == 0 {
				b.Fatal(cs, err)
			}
		}
	})
}

// BenchmarkMonthGrowth lists a month of 500 and of 5,000 orders on memory:
// the second should cost about ten times the first.
func BenchmarkMonthGrowth(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			f := newFixture(b, servicedesk.Options{})
			for i := range n {
				f.receive(b, servicedesk.WorkOrderID(fmt.Sprintf("wo%05d", i)))
			}
			m := org.Month{Year: 2026, Month: time.November}
			b.ReportAllocs()
			for b.Loop() {
				ws, err := f.desk.Month(f.ctx, dealer, admin, m)
				if err != nil || len(ws) != n {
					b.Fatalf("%d orders, %v", len(ws), err)
				}
			}
		})
	}
}
