package servicedesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
)

// DeferredJob is a job the customer declined (R3.2c, R3.3b): work the
// dealer can offer again at the vehicle's next visit.
type DeferredJob struct {
	WorkOrder  WorkOrderID `json:"work_order"`
	Customer   Customer    `json:"customer"`
	Vehicle    Vehicle     `json:"vehicle"`
	Job        Job         `json:"job"`
	DeclinedAt time.Time   `json:"declined_at"`
	DeclinedBy string      `json:"declined_by"`
}

// DeferredQuery names the vehicle: by VIN, by plate, or both (either
// matches). Letters compare without regard to case.
type DeferredQuery struct {
	VIN   string `json:"vin" validate:"required_without=Plate,omitempty,max=17"`
	Plate string `json:"plate" validate:"omitempty,max=20"`
}

// DeferredWork lists the jobs a vehicle's customers declined, oldest first,
// so the advisor can offer them at reception. It reads the dealer's orders
// page by page. Every role reads it; the customer's contact only the
// order's advisor, their supervisor and admins (see [Service.WorkOrder]).
func (s *Service) DeferredWork(ctx context.Context, dealer org.DealerID, actor org.Actor, q DeferredQuery) ([]DeferredJob, error) {
	r, err := s.reader(ctx, dealer, actor, "deferred work", workOrderReaders...)
	if err != nil {
		return nil, err
	}
	if err := shape("deferred work", q).Err(); err != nil {
		return nil, err
	}
	match := func(v Vehicle) bool {
		return (q.VIN != "" && strings.EqualFold(v.VIN, q.VIN)) || (q.Plate != "" && strings.EqualFold(v.Plate, q.Plate))
	}
	var out []DeferredJob
	wq := WorkOrderQuery{Limit: org.MaxPage}
	for {
		page, err := s.store.WorkOrders(ctx, dealer, wq)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: deferred work: %w", err)
		}
		for _, w := range page {
			if match(w.Vehicle) {
				jobs, err := r.deferred(ctx, w.Advisor, declined(w))
				if err != nil {
					return nil, err
				}
				out = append(out, jobs...)
			}
		}
		if len(page) < wq.Limit {
			break
		}
		wq.After = page[len(page)-1].ID
	}
	slices.SortStableFunc(out, func(a, b DeferredJob) int { return a.DeclinedAt.Compare(b.DeclinedAt) })
	return out, nil
}

func declined(w WorkOrder) []DeferredJob {
	var out []DeferredJob
	for _, j := range w.Jobs {
		if j.Status != JobDeclined {
			continue
		}
		d := DeferredJob{WorkOrder: w.ID, Customer: w.Customer, Vehicle: w.Vehicle, Job: j}
		for _, a := range w.Approvals {
			if slices.Contains(a.Declined, j.ID) {
				d.DeclinedAt, d.DeclinedBy = a.At, a.ApprovedBy
			}
		}
		out = append(out, d)
	}
	return out
}
