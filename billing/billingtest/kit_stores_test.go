package billingtest_test

// The store kit_test.go bends: over, memstore with some methods replaced.

import (
	"context"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// over is memstore with some methods replaced. Each broken store replaces
// what its flaw needs and delegates the rest, so memstore's soundness
// elsewhere keeps the flaw the only one. Every method passes through the
// Hooks the generic stores of kitcheck bend.
type over struct {
	memstore.BillingStore
	h kitcheck.Hooks[billing.Store, billing.Change]

	priceBook       func(ctx context.Context, d org.DealerID, version string) (billing.StoredPriceBook, error)
	activePriceBook func(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error)
	settlement      func(ctx context.Context, d org.DealerID, key string) (billing.Settlement, error)
	settlements     func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error)
	document        func(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error)
	documents       func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error)
	series          func(ctx context.Context, d org.DealerID, name string) (billing.Series, error)
	events          func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error)
	commit          func(ctx context.Context, d org.DealerID, c billing.Change) error
}

var (
	_ billing.Store           = (*over)(nil)
	_ billingtest.EventReader = (*over)(nil)
)

// bend returns an opener of memstore bent by fn.
func bend(fn func(o *over)) func() billing.Store {
	return func() billing.Store {
		b := memstore.New().Billing()
		o := &over{BillingStore: b, h: kitcheck.Hooks[billing.Store, billing.Change]{Base: b}}
		o.priceBook, o.activePriceBook, o.settlement, o.settlements = b.PriceBook, b.ActivePriceBook, b.Settlement, b.Settlements
		o.document, o.documents, o.series, o.events, o.commit = b.Document, b.Documents, b.Series, b.Events, b.Commit
		fn(o)
		return o
	}
}

// hooked is the opener of the generic stores of kitcheck.
func hooked(fn func(h *kitcheck.Hooks[billing.Store, billing.Change])) func() billing.Store {
	return bend(func(o *over) { fn(&o.h) })
}

func (o *over) PriceBook(ctx context.Context, d org.DealerID, version string) (billing.StoredPriceBook, error) {
	return kitcheck.ByKey(&o.h, version, func(v string) (billing.StoredPriceBook, error) { return o.priceBook(ctx, d, v) })
}

func (o *over) ActivePriceBook(ctx context.Context, d org.DealerID) (billing.StoredPriceBook, error) {
	return kitcheck.Read(o.activePriceBook(ctx, d))(&o.h)
}

func (o *over) Settlement(ctx context.Context, d org.DealerID, key string) (billing.Settlement, error) {
	return kitcheck.ByKey(&o.h, key, func(k string) (billing.Settlement, error) { return o.settlement(ctx, d, k) })
}

func (o *over) Settlements(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
	return kitcheck.List(&o.h, "Settlements", d, func(d org.DealerID) ([]billing.Settlement, error) { return o.settlements(ctx, d, q) })
}

func (o *over) Document(ctx context.Context, d org.DealerID, id billing.DocumentID) (billing.Document, error) {
	return kitcheck.ByKey(&o.h, id, func(id billing.DocumentID) (billing.Document, error) { return o.document(ctx, d, id) })
}

func (o *over) Documents(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
	return kitcheck.List(&o.h, "Documents", d, func(d org.DealerID) ([]billing.Document, error) { return o.documents(ctx, d, q) })
}

func (o *over) Series(ctx context.Context, d org.DealerID, name string) (billing.Series, error) {
	return kitcheck.ByKey(&o.h, name, func(n string) (billing.Series, error) { return o.series(ctx, d, n) })
}

func (o *over) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return o.h.Events(d, after, limit, func(d org.DealerID, after int64, limit int) ([]org.Event, error) {
		return o.events(ctx, d, after, limit)
	})
}

func (o *over) Commit(ctx context.Context, d org.DealerID, c billing.Change) error {
	return kitcheck.Committed(&o.h, ctx, d, c, o.commit)
}

// bendCommit returns an opener of memstore whose Commit writes fn(c).
func bendCommit(fn func(billing.Change) billing.Change) func() billing.Store {
	return bend(func(o *over) {
		o.commit = func(ctx context.Context, d org.DealerID, c billing.Change) error {
			return o.BillingStore.Commit(ctx, d, fn(kitcheck.DeepCopy(c)))
		}
	})
}

func bendDocuments(fn func(q *billing.DocumentQuery)) func() billing.Store {
	return bend(func(o *over) {
		o.documents = func(ctx context.Context, d org.DealerID, q billing.DocumentQuery) ([]billing.Document, error) {
			fn(&q)
			return o.BillingStore.Documents(ctx, d, q)
		}
	})
}

func bendSettlements(fn func(q *billing.SettlementQuery)) func() billing.Store {
	return bend(func(o *over) {
		o.settlements = func(ctx context.Context, d org.DealerID, q billing.SettlementQuery) ([]billing.Settlement, error) {
			fn(&q)
			return o.BillingStore.Settlements(ctx, d, q)
		}
	})
}
