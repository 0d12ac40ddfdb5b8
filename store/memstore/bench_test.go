package memstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// BenchmarkMonthPages reads a month of n orders from the store, page by
// page (org.MaxPage), as servicedesk.Service.Month does: the store's share
// of the month listing, which should grow linearly with n.
func BenchmarkMonthPages(b *testing.B) {
	for _, n := range []int{500, 5000, 50000} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			ctx := context.Background()
			desk := memstore.New().ServiceDesk()
			nov := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
			for i := range n {
				w := servicedesk.WorkOrder{DealerID: "d1", ID: servicedesk.WorkOrderID(fmt.Sprintf("wo%06d", (i*7919)%n)), State: servicedesk.StateReceived,
					Advisor: "chen", Concerns: []servicedesk.Concern{{ID: "c1", Text: "brakes squeal"}, {ID: "c2", Text: "oil change due"}},
					Version: 1, OpenedAt: nov.Add(time.Duration(i) * 10 * time.Second)}
				if err := desk.Commit(ctx, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}}); err != nil {
					b.Fatal(err)
				}
			}
			q := servicedesk.WorkOrderQuery{OpenedFrom: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), OpenedBefore: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Limit: org.MaxPage}
			b.ReportAllocs()
			for b.Loop() {
				q.After = ""
				got := 0
				for {
					page, err := desk.WorkOrders(ctx, "d1", q)
					if err != nil {
						b.Fatal(err)
					}
					got += len(page)
					if len(page) < q.Limit {
						break
					}
					q.After = page[len(page)-1].ID
				}
				if got != n {
					b.Fatalf("%d orders", got)
				}
			}
		})
	}
}

// BenchmarkAppendEvents commits one event at a time to a trail that grows
// through the loop: the cost of one more event must not grow with the
// trail.
func BenchmarkAppendEvents(b *testing.B) {
	ctx := context.Background()
	s := memstore.New()
	ev := org.Event{DealerID: "d1", ID: "ev", Type: "workorder.pause", Subject: "workorder/wo-1", Actor: org.Actor{ID: "wu", Role: org.RoleTechnician},
		Data: json.RawMessage(`{"from":"in_progress","to":"paused","input":{"reason":"waiting for parts"}}`)}
	evs := []org.Event{ev}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Commit(ctx, "d1", org.Change{Events: evs}); err != nil {
			b.Fatal(err)
		}
	}
}
