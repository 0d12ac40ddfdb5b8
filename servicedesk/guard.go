package servicedesk

import (
	"context"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// guarded is the Service's view of its Store: a record ID no record can
// have ([org.StorableID]: not UTF-8, a NUL or control character, too long)
// is not found, without asking the store, so every store answers the same
// (docs/CONVENTIONS.md, "Text").
type guarded struct{ Store }

func (g guarded) WorkOrder(ctx context.Context, dealer org.DealerID, id WorkOrderID) (WorkOrder, error) {
	if !org.StorableID(string(id)) {
		return WorkOrder{}, fmt.Errorf("servicedesk: work order %q: no such ID: %w", id, ErrNotFound)
	}
	return g.Store.WorkOrder(ctx, dealer, id)
}

func (g guarded) Complaint(ctx context.Context, dealer org.DealerID, id ComplaintID) (Complaint, error) {
	if !org.StorableID(string(id)) {
		return Complaint{}, fmt.Errorf("servicedesk: complaint %q: no such ID: %w", id, ErrNotFound)
	}
	return g.Store.Complaint(ctx, dealer, id)
}

func (g guarded) Survey(ctx context.Context, dealer org.DealerID, wo WorkOrderID) (Survey, error) {
	if !org.StorableID(string(wo)) {
		return Survey{}, fmt.Errorf("servicedesk: survey of %q: no such ID: %w", wo, ErrNotFound)
	}
	return g.Store.Survey(ctx, dealer, wo)
}
