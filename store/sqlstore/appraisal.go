package sqlstore

import (
	"context"
	"fmt"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

var _ appraisal.Store = AppraisalStore{}

// AppraisalStore is the [appraisal.Store] view of a Store: the same
// database, and the same audit trail as the Store's other views, so events
// committed through any of them are numbered from one per-dealer counter.
// Like [BillingStore] it is a view because appraisal.Store has a Commit of
// its own.
//
// Cycles, inputs, appraisals and improvement plans are stored whole as JSON
// documents (decimals as exact strings at their own precision, instants in
// UTC to the microsecond) beside the columns their reads select on: the
// dealer month as "2026-11", whose text order is month order, an input's
// Key and ratee, an appraisal's or a plan's employee.
type AppraisalStore struct{ *Store }

// Appraisal returns the appraisal.Store view of s.
func (s *Store) Appraisal() AppraisalStore { return AppraisalStore{s} }

// Cycle returns the cycle of dealer's month m, or an error matching
// org.ErrNotFound.
func (a AppraisalStore) Cycle(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Cycle, error) {
	c, err := readDoc[appraisal.Cycle](ctx, a.Store,
		`SELECT doc FROM appraisal_cycles WHERE dealer_id = ? AND month = ?`, dealer, m.String())
	if err != nil {
		return appraisal.Cycle{}, fmt.Errorf("sqlstore: dealer %s: appraisal cycle %s: %w", dealer, m, err)
	}
	return c, nil
}

// Inputs returns the inputs of dealer's month m about ratee, or about
// everyone when ratee is empty, ordered by Key in byte order; never nil.
func (a AppraisalStore) Inputs(ctx context.Context, dealer org.DealerID, m org.Month, ratee org.EmployeeID) ([]appraisal.Input, error) {
	sel := newSelection("appraisal_inputs", dealer)
	sel.cond("month = ?", m.String())
	sel.equal("ratee", string(ratee))
	out, err := readDocs[appraisal.Input](ctx, a.Store, sel, "key", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: appraisal inputs of %s: %w", dealer, m, err)
	}
	return out, nil
}

// Appraisals returns the appraisals of dealer's month m, ordered by
// employee in byte order; never nil.
func (a AppraisalStore) Appraisals(ctx context.Context, dealer org.DealerID, m org.Month) ([]appraisal.Appraisal, error) {
	sel := newSelection("appraisals", dealer)
	sel.cond("month = ?", m.String())
	out, err := readDocs[appraisal.Appraisal](ctx, a.Store, sel, "employee", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: appraisals of %s: %w", dealer, m, err)
	}
	return out, nil
}

// History returns employee's appraisals of every month up to and including
// upTo, oldest first; never nil.
func (a AppraisalStore) History(ctx context.Context, dealer org.DealerID, employee org.EmployeeID, upTo org.Month) ([]appraisal.Appraisal, error) {
	sel := newSelection("appraisals", dealer)
	sel.cond("employee = ?", string(employee)) // an empty employee has no history, not everyone's
	sel.cond("month <= ?", upTo.String())
	out, err := readDocs[appraisal.Appraisal](ctx, a.Store, sel, "month", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: appraisal history of %s to %s: %w", dealer, employee, upTo, err)
	}
	return out, nil
}

// Improvement returns the improvement plan of employee's month m, or an
// error matching org.ErrNotFound.
func (a AppraisalStore) Improvement(ctx context.Context, dealer org.DealerID, m org.Month, employee org.EmployeeID) (appraisal.Improvement, error) {
	i, err := readDoc[appraisal.Improvement](ctx, a.Store,
		`SELECT doc FROM appraisal_improvements WHERE dealer_id = ? AND month = ? AND employee = ?`, dealer, m.String(), employee)
	if err != nil {
		return appraisal.Improvement{}, fmt.Errorf("sqlstore: dealer %s: improvement plan of %s for %s: %w", dealer, employee, m, err)
	}
	return i, nil
}

// Events returns the dealer's audit events with Seq > after, as
// [Store.Events] does: appraisal shares the trail of the other views.
func (a AppraisalStore) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	return a.Store.Events(ctx, dealer, after, limit)
}
