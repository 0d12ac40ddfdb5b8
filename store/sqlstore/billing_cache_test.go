package sqlstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// TestPriceBookReadsAreCopies: the Store keeps decoded price books, but a
// caller that changes a book it read changes nothing the next read
// returns, and a book written again is read as written.
func TestPriceBookReadsAreCopies(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, _ := b.newStore(t, true)
		bs := s.Billing()
		ctx := t.Context()
		pb := storedBook("d1", "2026-11", true)
		billCommit(t, bs, "d1", billing.Change{PriceBooks: []billing.StoredPriceBook{pb}})
		for range 2 {
			got, err := bs.PriceBook(ctx, "d1", "2026-11")
			require.NoError(t, err)
			requireSame(t, pb, got, "price book")
			active, err := bs.ActivePriceBook(ctx, "d1")
			require.NoError(t, err)
			requireSame(t, pb, active, "active price book")
			got.Book.Labor.Rates[0].Rate = dec("1")
			got.Book.Currency = "USD"
			active.Book.Labor.Rates = nil
		}
		pb2 := pb.Clone()
		pb2.Version, pb2.Active = 2, false
		billCommit(t, bs, "d1", billing.Change{PriceBooks: []billing.StoredPriceBook{pb2}})
		got, err := bs.PriceBook(ctx, "d1", "2026-11")
		require.NoError(t, err)
		requireSame(t, pb2, got, "price book version 2")
		_, err = bs.ActivePriceBook(ctx, "d1")
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}
