package servicedesk_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// R7.2d: an actor not on the roster learns nothing of an order from a
// command: not whether it exists, not its version. Before, a stranger got
// ErrNotFound for a missing order and ErrStale for an existing one.
func TestCommands_R7_2d_stranger_learns_nothing(t *testing.T) {
	f := newSBFixture(t)
	w := f.receive(t, "RO-1")
	ghost := org.Actor{ID: "ghost", Role: org.RoleAdvisor}
	for _, ref := range []servicedesk.Ref{{ID: "RO-404"}, {ID: w.ID, ExpectedVersion: w.Version + 5}, {ID: w.ID}} {
		_, err := f.desk.RecordCondition(f.ctx, dealer, ghost, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
		assert.ErrorIs(t, err, org.ErrForbidden, "%+v", ref)
		assert.NotErrorIs(t, err, org.ErrNotFound)
		assert.NotErrorIs(t, err, org.ErrStale)
		_, err = f.desk.PreviewBill(f.ctx, dealer, ghost, ref, servicedesk.BillTerms{})
		assert.ErrorIs(t, err, org.ErrForbidden, "preview %+v", ref)
		_, _, err = f.desk.SettleBill(f.ctx, dealer, ghost, ref, servicedesk.SettleInput{Key: "k1", Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"}, Payments: []billing.Payment{{Method: billing.PayCash, Amount: dec("100")}}})
		assert.ErrorIs(t, err, org.ErrForbidden, "settle %+v", ref)
	}
}

// Two writers holding the same version: one wins; the other is told its
// version is stale (ErrStale, 412), not to retry a conflict (409).
func TestCommands_concurrent_writers_with_a_version_are_stale(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	w := f.receive(t, "RO-1")
	const writers = 8
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = f.desk.AddNote(f.ctx, dealer, chen, servicedesk.Ref{ID: w.ID, ExpectedVersion: w.Version}, servicedesk.NoteInput{Text: "note"})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, org.ErrStale)
	}
	assert.Equal(t, 1, won)
}
