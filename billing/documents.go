package billing

import (
	"context"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// DocumentsOf returns every document issued for one work order (its
// invoices and receipts, and the credit notes that correct them), ordered
// by ID, to those who may read the order's documents as [Service.Document]
// says: the order's advisor, the one who settled it, supervisors and
// admins (R7.2d). An order with no documents has none; it is not an error.
func (s *Service) DocumentsOf(ctx context.Context, dealer org.DealerID, actor org.Actor, workOrder string) ([]Document, error) {
	const op = "documents of order"
	if err := s.reader(ctx, dealer, actor, op, desk...); err != nil {
		return nil, err
	}
	out := []Document{}
	if !org.StorableID(workOrder) || workOrder == "" {
		return out, nil
	}
	q := DocumentQuery{WorkOrder: workOrder, Limit: org.MaxPage}
	for {
		page, err := s.store.Documents(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("billing: %s %s: %w", op, workOrder, err)
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	if seesAllOrders[actor.Role] {
		return out, nil
	}
	seen := map[string]bool{}
	for _, d := range out {
		if d.IssuedBy == actor || seen[d.Settlement] {
			continue
		}
		st, err := s.store.Settlement(ctx, dealer, d.Settlement)
		if err != nil {
			return nil, fmt.Errorf("billing: %s %s: %w", op, workOrder, err)
		}
		if !seesOrder(actor, st.Advisor, st.SettledBy) {
			return nil, notYours(op, actor)
		}
		seen[d.Settlement] = true
	}
	return out, nil
}
