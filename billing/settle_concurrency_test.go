package billing_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
)

// stlConcurrent is how many settlements race: the issue asks for "a
// gapless-number test with 16 concurrent settlements on each store".
const stlConcurrent = 16

// stlStores opens the dealership on every store: memory, SQLite, and
// PostgreSQL when testdb.PostgresEnv is set (skipped otherwise). Each SQL
// store has its roster on the same database.
func stlStores() []struct {
	name string
	open func(t *testing.T) *stlEnv
} {
	return []struct {
		name string
		open func(t *testing.T) *stlEnv
	}{
		{"memstore", func(t *testing.T) *stlEnv { return stlMemEnv(t) }},
		{"sqlite", func(t *testing.T) *stlEnv { st := testdb.SQLite(t); return stlNewEnv(t, st, st.Billing()) }},
		{"postgres", func(t *testing.T) *stlEnv { st := testdb.Postgres(t); return stlNewEnv(t, st, st.Billing()) }},
	}
}

// stlRace runs f(i) for i in [0, n) on n goroutines released at once, and
// returns their errors by i.
func stlRace(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// TestSettle_R3_4d_gapless_numbers_under_concurrency: 16 settlements of 16
// orders at once take the invoice numbers 1 to 16, each exactly once.
func TestSettle_R3_4d_gapless_numbers_under_concurrency(t *testing.T) {
	for _, s := range stlStores() {
		t.Run(s.name, func(t *testing.T) {
			env := s.open(t)
			inputs := make([]billing.SettleInput, stlConcurrent)
			for i := range inputs {
				wo := fmt.Sprintf("wo%02d", i+1)
				inputs[i] = env.stlInput(t, "st-"+wo, wo, false)
			}
			got := make([][]billing.Document, stlConcurrent)
			errs := stlRace(stlConcurrent, func(i int) error {
				actor := stlChen
				if i%2 == 1 {
					actor = stlWang
				}
				_, docs, err := env.svc.Settle(env.ctx, stlDealer, actor, inputs[i])
				got[i] = docs
				return err
			})
			for i, err := range errs {
				require.NoError(t, err, "settlement %d", i)
			}

			var numbers []int64
			returned := map[billing.DocumentID]string{}
			for i, docs := range got {
				require.Len(t, docs, 1, "settlement %d", i)
				d := docs[0]
				assert.Equal(t, fmt.Sprintf("INV-%06d", d.Number), string(d.ID), "the ID is the series and the number")
				assert.Equal(t, inputs[i].WorkOrder, d.WorkOrder)
				returned[d.ID] = d.WorkOrder
				numbers = append(numbers, d.Number)
			}
			slices.Sort(numbers)
			want := make([]int64, stlConcurrent)
			for i := range want {
				want[i] = int64(i + 1)
			}
			assert.Equal(t, want, numbers, "numbers 1 to 16, no gap, no duplicate")

			// The store agrees with what the callers were told.
			stored, err := env.store.Documents(env.ctx, stlDealer, billing.DocumentQuery{Limit: org.MaxPage})
			require.NoError(t, err)
			require.Len(t, stored, stlConcurrent)
			for i, d := range stored {
				assert.Equal(t, billing.DocumentID(fmt.Sprintf("INV-%06d", i+1)), d.ID)
				assert.Equal(t, int64(i+1), d.Number)
				assert.Equal(t, returned[d.ID], d.WorkOrder, "%s belongs to the order it was returned for", d.ID)
			}
			sr, err := env.store.Series(env.ctx, stlDealer, "INV")
			require.NoError(t, err)
			assert.Equal(t, int64(stlConcurrent+1), sr.Next)
			sts, err := env.store.Settlements(env.ctx, stlDealer, billing.SettlementQuery{Limit: org.MaxPage})
			require.NoError(t, err)
			assert.Len(t, sts, stlConcurrent)
			evs := env.events(t)
			assert.Len(t, stlEventsOf(evs, "settlement.settled"), stlConcurrent, "one event per settlement, none from a lost race")
			assert.Len(t, stlEventsOf(evs, "document.issued"), stlConcurrent)
		})
	}
}

// TestSettle_R3_4d_same_key_concurrently: 16 calls with one key settle
// once; every caller gets the same documents.
func TestSettle_R3_4d_same_key_concurrently(t *testing.T) {
	for _, s := range stlStores() {
		t.Run(s.name, func(t *testing.T) {
			env := s.open(t)
			in := env.stlInput(t, "st-wo1", "wo1", true) // two payers: two invoices
			sts := make([]billing.Settlement, stlConcurrent)
			got := make([][]billing.DocumentID, stlConcurrent)
			errs := stlRace(stlConcurrent, func(i int) error {
				st, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
				sts[i], got[i] = st, stlDocIDs(docs)
				return err
			})
			for i, err := range errs {
				require.NoError(t, err, "call %d", i)
			}
			want := []billing.DocumentID{"INV-000001", "INV-000002"}
			for i := range got {
				assert.Equal(t, want, got[i], "call %d", i)
				assert.Equal(t, want, sts[i].Documents, "call %d", i)
				assert.Equal(t, sts[0].SettledAt, sts[i].SettledAt, "call %d returns the one settlement", i)
			}

			stored, err := env.store.Settlements(env.ctx, stlDealer, billing.SettlementQuery{Limit: org.MaxPage})
			require.NoError(t, err)
			require.Len(t, stored, 1, "exactly one settlement")
			assert.Equal(t, want, stored[0].Documents)
			docs, err := env.store.Documents(env.ctx, stlDealer, billing.DocumentQuery{Limit: org.MaxPage})
			require.NoError(t, err)
			assert.Equal(t, want, stlDocIDs(docs), "one set of documents")
			sr, err := env.store.Series(env.ctx, stlDealer, "INV")
			require.NoError(t, err)
			assert.Equal(t, int64(3), sr.Next, "no number used up by the losers")
			evs := env.events(t)
			assert.Len(t, stlEventsOf(evs, "settlement.settled"), 1)
			assert.Len(t, stlEventsOf(evs, "document.issued"), 2)
		})
	}
}
