package billingtest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// Bounds of the filter checks: the lower one is inclusive, the upper one
// exclusive, and records sit a microsecond either side of each.
var (
	lower = at(60)
	upper = at(120)
	micro = time.Microsecond
)

func checkDocumentsQuery(ctx context.Context, s billing.Store, _ Features) error {
	err := kit.Pages("documents",
		func(docs []billing.Document) error { return s.Commit(ctx, "d1", billing.Change{Documents: docs}) },
		func(id billing.DocumentID) billing.Document { return document("d1", id) }, documentID,
		func(after billing.DocumentID, limit int) ([]billing.Document, error) {
			return s.Documents(ctx, "d1", billing.DocumentQuery{After: after, Limit: limit})
		})
	if err != nil {
		return err
	}
	mk := func(id, wo string, k billing.DocumentKind, issued time.Time) billing.Document {
		d := document("d2", billing.DocumentID(id))
		d.WorkOrder, d.Kind, d.IssuedAt = wo, k, issued
		return d
	}
	c := billing.Change{Documents: []billing.Document{
		mk("f1", "wo-1", billing.Invoice, lower),
		mk("f2", "wo-1", billing.Receipt, lower.Add(-micro)),
		mk("f3", "wo-10", billing.Invoice, upper.Add(-micro)),
		mk("f4", "wo-2", billing.CreditNote, upper),
		mk("f5", "WO-1", billing.Receipt, lower.Add(30*time.Minute)),
	}}
	if err := commit(ctx, s, "d2", c, "seed the filters' documents"); err != nil {
		return err
	}
	type q = billing.DocumentQuery
	cases := []kit.Filter[q]{
		kit.Query("with no filter", q{}, "f1", "f2", "f3", "f4", "f5"),
		kit.Query("of work order wo-1 (not wo-10, not WO-1)", q{WorkOrder: "wo-1"}, "f1", "f2"),
		kit.Query("of kind invoice", q{Kind: billing.Invoice}, "f1", "f3"),
		kit.Query("of kind credit_note", q{Kind: billing.CreditNote}, "f4"),
		kit.Query("receipts of wo-1", q{WorkOrder: "wo-1", Kind: billing.Receipt}, "f2"),
		kit.Query("issued from lower (inclusive)", q{IssuedFrom: lower}, "f1", "f3", "f4", "f5"),
		kit.Query("issued before upper (exclusive)", q{IssuedBefore: upper}, "f1", "f2", "f3", "f5"),
		kit.Query("issued in [lower, upper)", q{IssuedFrom: lower, IssuedBefore: upper}, "f1", "f3", "f5"),
		kit.Query("issued in [lower, upper) given in +08:00", q{IssuedFrom: lower.In(taipei), IssuedBefore: upper.In(taipei)}, "f1", "f3", "f5"),
		kit.Query("invoices of wo-1 issued in [lower, upper)", q{WorkOrder: "wo-1", Kind: billing.Invoice, IssuedFrom: lower, IssuedBefore: upper}, "f1"),
		kit.Query("of work order wo-404", q{WorkOrder: "wo-404"}),
		kit.Query("issued in [lower, upper), after f1, Limit 1", q{IssuedFrom: lower, IssuedBefore: upper, After: "f1", Limit: 1}, "f3"),
	}
	for i := range cases {
		if cases[i].Q.Limit == 0 {
			cases[i].Q.Limit = 100
		}
	}
	return kit.Filters("Documents", cases, documentID, func(q q) ([]billing.Document, error) {
		return s.Documents(ctx, "d2", q)
	})
}

func checkSettlementsQuery(ctx context.Context, s billing.Store, _ Features) error {
	err := kit.Pages("settlements",
		func(sts []billing.Settlement) error { return s.Commit(ctx, "d1", billing.Change{Settlements: sts}) },
		func(key string) billing.Settlement { return settlement("d1", key) }, settlementKey,
		func(after string, limit int) ([]billing.Settlement, error) {
			return s.Settlements(ctx, "d1", billing.SettlementQuery{After: after, Limit: limit})
		})
	if err != nil {
		return err
	}
	mk := func(key string, adv org.EmployeeID, settled time.Time) billing.Settlement {
		st := settlement("d2", key)
		st.Advisor, st.SettledAt = adv, settled
		return st
	}
	c := billing.Change{Settlements: []billing.Settlement{
		mk("s1", "a1", lower),
		mk("s2", "a2", lower.Add(-micro)),
		mk("s3", "a1", upper.Add(-micro)),
		mk("s4", "a2", upper),
		mk("s5", "a10", lower.Add(30*time.Minute)),
	}}
	if err := commit(ctx, s, "d2", c, "seed the filters' settlements"); err != nil {
		return err
	}
	type q = billing.SettlementQuery
	cases := []kit.Filter[q]{
		kit.Query("with no filter", q{}, "s1", "s2", "s3", "s4", "s5"),
		kit.Query("of advisor a1 (not a10)", q{Advisor: "a1"}, "s1", "s3"),
		kit.Query("settled from lower (inclusive)", q{SettledFrom: lower}, "s1", "s3", "s4", "s5"),
		kit.Query("settled before upper (exclusive)", q{SettledBefore: upper}, "s1", "s2", "s3", "s5"),
		kit.Query("settled in [lower, upper)", q{SettledFrom: lower, SettledBefore: upper}, "s1", "s3", "s5"),
		kit.Query("settled in [lower, upper) given in +08:00", q{SettledFrom: lower.In(taipei), SettledBefore: upper.In(taipei)}, "s1", "s3", "s5"),
		kit.Query("of a2, settled in [lower, upper)", q{Advisor: "a2", SettledFrom: lower, SettledBefore: upper}),
		kit.Query("of a1, settled in [lower, upper), after s1, Limit 1", q{Advisor: "a1", SettledFrom: lower, SettledBefore: upper, After: "s1", Limit: 1}, "s3"),
	}
	for i := range cases {
		if cases[i].Q.Limit == 0 {
			cases[i].Q.Limit = 100
		}
	}
	return kit.Filters("Settlements", cases, settlementKey, func(q q) ([]billing.Settlement, error) {
		return s.Settlements(ctx, "d2", q)
	})
}

func checkEmpty(ctx context.Context, s billing.Store, f Features) error {
	for _, d := range []org.DealerID{"never-seen", "d1"} {
		if d == "d1" {
			c := billing.Change{Documents: []billing.Document{document("d1", "RCP-000001")}, Settlements: []billing.Settlement{settlement("d1", "st-1")}}
			if err := commit(ctx, s, "d1", c, "seed"); err != nil {
				return err
			}
		}
		docs, err := s.Documents(ctx, d, billing.DocumentQuery{Kind: billing.CreditNote, Limit: 10})
		if err != nil || len(docs) != 0 {
			return fmt.Errorf("Documents(%s) matching nothing: %d results, err %v; want none, nil", d, len(docs), err)
		}
		sts, err := s.Settlements(ctx, d, billing.SettlementQuery{Advisor: "nobody", Limit: 10})
		if err != nil || len(sts) != 0 {
			return fmt.Errorf("Settlements(%s) matching nothing: %d results, err %v; want none, nil", d, len(sts), err)
		}
		if r := kit.TrailOf(s, f.Events); r != nil {
			evs, err := r.Events(ctx, d, 0, 10)
			if err != nil || len(evs) != 0 {
				return fmt.Errorf("Events(%s) with no events: %d results, err %v; want none, nil", d, len(evs), err)
			}
		}
	}
	return nil
}

// checkLargeDocuments writes 1500 invoices in November (dealer time), a
// few either side and a few receipts, then pages them, all and by the
// month's filter, as a month's report does.
func checkLargeDocuments(ctx context.Context, s billing.Store, _ Features) error {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, taipei)
	end := start.AddDate(0, 1, 0)
	const n, others = 1500, 40
	span := end.Sub(start)
	var month, all []string
	batch := billing.Change{}
	flush := func() error {
		err := commit(ctx, s, "d1", batch, fmt.Sprintf("commit a batch of %d documents", len(batch.Documents)))
		batch = billing.Change{}
		return err
	}
	for i := range n + others {
		id := fmt.Sprintf("INV-%d", i) // not zero-padded: byte order is not numeric order
		doc := document("d1", billing.DocumentID(id))
		doc.Number = int64(i + 1)
		// Invoices of November, then the others: invoices either side of
		// the month and receipts within it.
		in := start.Add(span / n * time.Duration(i%n)).UTC().Truncate(micro)
		switch {
		case i < n:
			doc.Kind, doc.IssuedAt = billing.Invoice, in
			month = append(month, id)
		case i%3 == 0:
			doc.Kind, doc.IssuedAt = billing.Invoice, start.Add(-time.Duration(i)*time.Minute).UTC()
		case i%3 == 1:
			doc.Kind, doc.IssuedAt = billing.Invoice, end.Add(time.Duration(i-n)*time.Minute).UTC()
		default:
			doc.Kind, doc.IssuedAt = billing.Receipt, in
		}
		all = append(all, id)
		batch.Documents = append(batch.Documents, doc)
		if len(batch.Documents) == 100 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch.Documents) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	slices.Sort(month)
	slices.Sort(all)
	for _, c := range []struct {
		what string
		q    billing.DocumentQuery
		want []string
	}{
		{"every document", billing.DocumentQuery{}, all},
		{"November's invoices", billing.DocumentQuery{Kind: billing.Invoice, IssuedFrom: start, IssuedBefore: end}, month},
	} {
		got, err := allDocuments(ctx, s, "d1", c.q)
		if err != nil {
			return err
		}
		if ids := kit.Keys(got, documentID); !slices.Equal(ids, c.want) {
			return fmt.Errorf("paging %s by %d gave %d documents, want %d, each once in byte order; first difference at %d",
				c.what, org.MaxPage, len(ids), len(c.want), kit.FirstDiff(ids, c.want))
		}
	}
	return nil
}
