package servicedesk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// settleRace runs f(i) for i in [0, n) on n goroutines released at once.
func settleRace(n int, f func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}

// weekday is the day of November 2026 (past 30: of December) of the n-th
// Monday to Friday from Monday 2 November, n from 0: a working day to book.
func weekday(n int) int { return 2 + n/5*7 + n%5 }

// settleCall is what one concurrent SettleBill returned.
type settleCall struct {
	order servicedesk.WorkOrder
	docs  []billing.DocumentID
	err   error
}

// checkGapless asserts that the dealer's documents are INV-000001 to
// INV-<n>, each on the order it was returned for, and that each order in
// orders has exactly one settlement.
func (f *sbFixture) checkGapless(t *testing.T, n int, returned map[billing.DocumentID]string) {
	t.Helper()
	stored, err := f.billings.Documents(f.ctx, dealer, billing.DocumentQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	require.Len(t, stored, n, "one invoice per order, none from a lost race")
	for i, d := range stored {
		assert.Equal(t, billing.DocumentID(fmt.Sprintf("INV-%06d", i+1)), d.ID, "numbers 1 to %d, no gap, no duplicate", n)
		assert.Equal(t, returned[d.ID], d.WorkOrder, "%s belongs to the order it was returned for", d.ID)
	}
	sts, err := f.billings.Settlements(f.ctx, dealer, billing.SettlementQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	assert.Len(t, sts, n, "one settlement per order")
}

// TestSettleBill_R3_4d_expected_version_retries_a_taken_number: a host that
// passes ExpectedVersion (the version of the order it showed) is not told
// its order conflicted when only a settlement of another order took the
// next gapless invoice number: SettleBill prepares again, as it does
// without ExpectedVersion.
func TestSettleBill_R3_4d_expected_version_retries_a_taken_number(t *testing.T) {
	t.Run("R3.4d_one_caller_per_order", func(t *testing.T) {
		// Eight ready orders of one dealer settled at once, each by one
		// caller holding the version it read, for several rounds.
		const rounds, orders = 8, 8
		f := newSBFixture(t)
		returned := map[billing.DocumentID]string{}
		for r := range rounds {
			refs := make([]servicedesk.Ref, orders)
			ins := make([]servicedesk.SettleInput, orders)
			for i := range orders {
				id := servicedesk.WorkOrderID(fmt.Sprintf("wo%d-%d", r, i))
				w := f.toReady(t, id, weekday(r*orders+i), []string{"j1", "j2"}, nil)
				refs[i] = servicedesk.Ref{ID: id, ExpectedVersion: w.Version}
				ins[i] = f.settleInput(t, "settle-"+string(id), &w, nil)
			}
			calls := make([]settleCall, orders)
			settleRace(orders, func(i int) {
				by := chen
				if i%2 == 1 {
					by = wang
				}
				w, docs, err := f.desk.SettleBill(f.ctx, dealer, by, refs[i], ins[i])
				calls[i] = settleCall{order: w, docs: sbIDs(docs), err: err}
			})
			for i, c := range calls {
				require.NoError(t, c.err, "round %d, %s", r, refs[i].ID)
				assert.Equal(t, servicedesk.StateSettled, c.order.State)
				assert.Equal(t, refs[i].ExpectedVersion+1, c.order.Version)
				require.Len(t, c.docs, 1)
				returned[c.docs[0]] = string(refs[i].ID)
			}
		}
		f.checkGapless(t, rounds*orders, returned)
	})
	t.Run("R3.4d_double_submit_of_two_orders", func(t *testing.T) {
		// Two ready orders, each posted eight times at once with one key
		// and the version the host read (a double-clicked button, a retry
		// after a timeout): each order settles once, and every caller of
		// an order gets its documents.
		const rounds, callers = 8, 8
		f := newSBFixture(t)
		returned := map[billing.DocumentID]string{}
		for r := range rounds {
			var refs []servicedesk.Ref
			var ins []servicedesk.SettleInput
			for i := range 2 {
				id := servicedesk.WorkOrderID(fmt.Sprintf("wo%d-%d", r, i))
				w := f.toReady(t, id, weekday(r*2+i), []string{"j1", "j2"}, nil)
				refs = append(refs, servicedesk.Ref{ID: id, ExpectedVersion: w.Version})
				ins = append(ins, f.settleInput(t, "settle-"+string(id), &w, nil))
			}
			calls := make([]settleCall, 2*callers)
			settleRace(2*callers, func(i int) {
				w, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, refs[i%2], ins[i%2])
				calls[i] = settleCall{order: w, docs: sbIDs(docs), err: err}
			})
			for o := range 2 {
				var first []billing.DocumentID
				for i := o; i < len(calls); i += 2 {
					c := calls[i]
					require.NoError(t, c.err, "round %d, %s, caller %d", r, refs[o].ID, i)
					assert.Equal(t, servicedesk.StateSettled, c.order.State, "every caller sees the order settled")
					assert.Equal(t, refs[o].ExpectedVersion+1, c.order.Version)
					require.Len(t, c.docs, 1)
					if first == nil {
						first = c.docs
					}
					assert.Equal(t, first, c.docs, "one settlement, the same documents for every caller")
				}
				returned[first[0]] = string(refs[o].ID)
			}
		}
		f.checkGapless(t, rounds*2, returned)
	})
}

// billingCommits is a servicedesk.Store whose Commit, the first time a
// Change carries billing documents, runs before (a settlement of another
// order, a note on the same order) and then delegates, or fails with a
// wrapped ErrConflict without writing when fail is set.
type billingCommits struct {
	servicedesk.Store
	fail   bool
	before func()

	mu    sync.Mutex
	tries int // commits that carried billing documents
}

func (s *billingCommits) Commit(ctx context.Context, dealer org.DealerID, c servicedesk.Change) error {
	if len(c.Billing.Documents) > 0 {
		s.mu.Lock()
		s.tries++
		first := s.tries == 1
		s.mu.Unlock()
		if first && s.fail {
			return fmt.Errorf("test store: the next invoice number was taken: %w", servicedesk.ErrConflict)
		}
		if first && s.before != nil {
			s.before()
		}
	}
	return s.Store.Commit(ctx, dealer, c)
}

func (s *billingCommits) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries
}

// deskOn is a desk on the fixture's roster, billing and clock whose store
// is st.
func (f *sbFixture) deskOn(t *testing.T, st servicedesk.Store) *servicedesk.Service {
	t.Helper()
	desk, err := servicedesk.NewService(servicedesk.Config{Store: st, Roster: f.roster.Directory(), Clock: f.clock,
		IDs: org.SequentialIDs("rt"), Billing: f.bills})
	require.NoError(t, err)
	return desk
}

// TestSettleBill_R3_4d_expected_version_conflict_deterministic: the same
// retry, made to happen every time: the first commit of the settlement
// fails as a taken number does, or another order's settlement really takes
// the number in between. The order itself did not change, so the caller
// holding its version gets the order settled with the next number.
func TestSettleBill_R3_4d_expected_version_conflict_deterministic(t *testing.T) {
	for _, c := range []struct {
		name  string
		fail  bool
		other bool // wo2 is settled between the first prepare and its commit
	}{
		{name: "R3.4d_injected_conflict_retried", fail: true},
		{name: "R3.4d_another_order_took_the_number", other: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newSBFixture(t)
			w1 := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
			w2 := f.toReady(t, "wo2", 3, []string{"j1", "j2"}, nil)
			in1 := f.settleInput(t, "settle-wo1", &w1, nil)
			in2 := f.settleInput(t, "settle-wo2", &w2, nil)
			st := &billingCommits{Store: f.deskStore(), fail: c.fail}
			if c.other {
				st.before = func() {
					_, docs, err := f.desk.SettleBill(f.ctx, dealer, wang, servicedesk.Ref{ID: "wo2", ExpectedVersion: w2.Version}, in2)
					require.NoError(t, err)
					require.Equal(t, []billing.DocumentID{"INV-000001"}, sbIDs(docs))
				}
			}
			desk := f.deskOn(t, st)

			got, docs, err := desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1", ExpectedVersion: w1.Version}, in1)
			require.NoError(t, err, "the order did not change: prepared again, not a conflict")
			assert.Equal(t, 2, st.attempts(), "one retry")
			assert.Equal(t, servicedesk.StateSettled, got.State)
			assert.Equal(t, w1.Version+1, got.Version)
			want := "INV-000001"
			if c.other {
				want = "INV-000002"
			}
			assert.Equal(t, []billing.DocumentID{billing.DocumentID(want)}, sbIDs(docs))
			returned := map[billing.DocumentID]string{billing.DocumentID(want): "wo1"}
			if c.other {
				returned["INV-000001"] = "wo2"
				f.checkGapless(t, 2, returned)
			} else {
				f.checkGapless(t, 1, returned)
			}
		})
	}
}

// TestSettleBill_R3_4d_order_changed_is_stale: when the order itself is no
// longer at the version the caller holds, SettleBill answers ErrStale
// (412: read it again), never a bare conflict, and does not retry it.
func TestSettleBill_R3_4d_order_changed_is_stale(t *testing.T) {
	t.Run("R3.4d_changed_after_the_read", func(t *testing.T) {
		f := newSBFixture(t)
		w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
		in := f.settleInput(t, "settle-wo1", &w, nil)
		_, err := f.desk.AddNote(f.ctx, dealer, wang, servicedesk.Ref{ID: "wo1"}, servicedesk.NoteInput{Text: "customer called"})
		require.NoError(t, err)
		before := f.snap(t, "wo1")
		_, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version}, in)
		require.ErrorIs(t, err, org.ErrStale)
		assert.Empty(t, docs)
		assert.Equal(t, before, f.snap(t, "wo1"), "nothing written")
	})
	t.Run("R3.4d_changed_while_it_was_priced", func(t *testing.T) {
		f := newSBFixture(t)
		w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
		in := f.settleInput(t, "settle-wo1", &w, nil)
		st := &billingCommits{Store: f.deskStore()}
		st.before = func() {
			_, err := f.desk.AddNote(f.ctx, dealer, wang, servicedesk.Ref{ID: "wo1"}, servicedesk.NoteInput{Text: "customer called"})
			require.NoError(t, err)
		}
		desk := f.deskOn(t, st)
		_, docs, err := desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version}, in)
		require.ErrorIs(t, err, org.ErrStale)
		assert.Empty(t, docs)
		assert.Equal(t, 1, st.attempts(), "a stale version is not retried")
		after := f.snap(t, "wo1")
		assert.Empty(t, after.Documents)
		assert.Equal(t, servicedesk.StateReady, after.Order.State)
		assert.Equal(t, w.Version+1, after.Order.Version, "only the note")
	})
	t.Run("R3.4d_settled_by_another_key_is_stale", func(t *testing.T) {
		f := newSBFixture(t)
		w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
		in := f.settleInput(t, "settle-wo1", &w, nil)
		_, _, err := f.desk.SettleBill(f.ctx, dealer, wang, servicedesk.Ref{ID: "wo1"}, in)
		require.NoError(t, err)
		other := in
		other.Key = "settle-wo1-again"
		_, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version}, other)
		require.ErrorIs(t, err, org.ErrStale)
		assert.Empty(t, docs)
	})
	t.Run("R3.4d_same_key_with_the_version_read_replays", func(t *testing.T) {
		// A host retrying a settlement that succeeded (its answer lost)
		// sends the version it read before: the same documents, no error.
		f := newSBFixture(t)
		w := f.toReady(t, "wo1", 2, []string{"j1", "j2"}, nil)
		in := f.settleInput(t, "settle-wo1", &w, nil)
		ref := servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version}
		first, docs, err := f.desk.SettleBill(f.ctx, dealer, chen, ref, in)
		require.NoError(t, err)
		after := f.snap(t, "wo1")
		again, docs2, err := f.desk.SettleBill(f.ctx, dealer, chen, ref, in)
		require.NoError(t, err)
		assert.Equal(t, sbIDs(docs), sbIDs(docs2))
		assert.Equal(t, first.Version, again.Version)
		assert.Equal(t, after, f.snap(t, "wo1"))
	})
}
