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

// pageKeys are in no order, and byte order is not the order a person or a
// collation would pick: upper case before "_" before lower case, "INV-10"
// before "INV-9".
var pageKeys = []string{"INV-9", "a", "B", "INV-10", "_x", "A", "Z", "INV-1", "b", "INV-2"}

// checkPages writes one record per pageKeys, then pages through them by 3
// and reads one page of 1 after a key: each once, in byte order, no page
// longer than its Limit.
func checkPages[T any, K ~string](ctx context.Context, s billing.Store, what string, write func(key K) T, put func(*billing.Change, T), key func(T) K,
	list func(after K, limit int) ([]T, error)) error {
	var c billing.Change
	for _, k := range pageKeys {
		put(&c, write(K(k)))
	}
	if err := commit(ctx, s, "d1", c, "seed "+what); err != nil {
		return err
	}
	want := slices.Sorted(slices.Values(pageKeys))
	got, err := kit.Page(what+" by 3", 3, "", key, list)
	if err != nil {
		return err
	}
	if keys := kit.Keys(got, key); !slices.Equal(keys, want) {
		return fmt.Errorf("paging %s by 3 gave %q, want %q (byte order, each once)", what, keys, want)
	}
	one, err := list("INV-10", 1)
	if err != nil {
		return err
	}
	if len(one) != 1 || key(one[0]) != "INV-2" {
		return fmt.Errorf("%s after INV-10, Limit 1: got %q, want INV-2 only", what, kit.Keys(one, key))
	}
	none, err := list("b", 5)
	if err != nil {
		return err
	}
	if len(none) != 0 {
		return fmt.Errorf("%s after the last key b: got %q, want none", what, kit.Keys(none, key))
	}
	return nil
}

// Bounds of the filter checks: the lower one is inclusive, the upper one
// exclusive, and records sit a microsecond either side of each.
var (
	lower = at(60)
	upper = at(120)
	micro = time.Microsecond
)

// filterCase is one query and the keys it must return, in order.
type filterCase[Q any] struct {
	name string
	q    Q
	want []string
}

func runFilters[T, Q any, K ~string](ctx context.Context, what string, cases []filterCase[Q], key func(T) K,
	list func(ctx context.Context, q Q) ([]T, error)) error {
	for _, c := range cases {
		got, err := list(ctx, c.q)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, c.name, err)
		}
		if keys := kit.Keys(got, key); !slices.Equal(keys, c.want) {
			return fmt.Errorf("%s %s = %q, want %q", what, c.name, keys, c.want)
		}
	}
	return nil
}

func checkDocumentsQuery(ctx context.Context, s billing.Store, _ Features) error {
	err := checkPages(ctx, s, "documents",
		func(id billing.DocumentID) billing.Document { return document("d1", id) },
		func(c *billing.Change, d billing.Document) { c.Documents = append(c.Documents, d) }, documentID,
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
	cases := []filterCase[q]{
		{"with no filter", q{}, []string{"f1", "f2", "f3", "f4", "f5"}},
		{"of work order wo-1 (not wo-10, not WO-1)", q{WorkOrder: "wo-1"}, []string{"f1", "f2"}},
		{"of kind invoice", q{Kind: billing.Invoice}, []string{"f1", "f3"}},
		{"of kind credit_note", q{Kind: billing.CreditNote}, []string{"f4"}},
		{"receipts of wo-1", q{WorkOrder: "wo-1", Kind: billing.Receipt}, []string{"f2"}},
		{"issued from lower (inclusive)", q{IssuedFrom: lower}, []string{"f1", "f3", "f4", "f5"}},
		{"issued before upper (exclusive)", q{IssuedBefore: upper}, []string{"f1", "f2", "f3", "f5"}},
		{"issued in [lower, upper)", q{IssuedFrom: lower, IssuedBefore: upper}, []string{"f1", "f3", "f5"}},
		{"issued in [lower, upper) given in +08:00", q{IssuedFrom: lower.In(taipei), IssuedBefore: upper.In(taipei)}, []string{"f1", "f3", "f5"}},
		{"invoices of wo-1 issued in [lower, upper)", q{WorkOrder: "wo-1", Kind: billing.Invoice, IssuedFrom: lower, IssuedBefore: upper}, []string{"f1"}},
		{"of work order wo-404", q{WorkOrder: "wo-404"}, nil},
		{"issued in [lower, upper), after f1, Limit 1", q{IssuedFrom: lower, IssuedBefore: upper, After: "f1", Limit: 1}, []string{"f3"}},
	}
	for i := range cases {
		if cases[i].q.Limit == 0 {
			cases[i].q.Limit = 100
		}
	}
	return runFilters(ctx, "Documents", cases, documentID, func(ctx context.Context, q q) ([]billing.Document, error) {
		return s.Documents(ctx, "d2", q)
	})
}

func checkSettlementsQuery(ctx context.Context, s billing.Store, _ Features) error {
	err := checkPages(ctx, s, "settlements",
		func(key string) billing.Settlement { return settlement("d1", key) },
		func(c *billing.Change, st billing.Settlement) { c.Settlements = append(c.Settlements, st) }, settlementKey,
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
	cases := []filterCase[q]{
		{"with no filter", q{}, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"of advisor a1 (not a10)", q{Advisor: "a1"}, []string{"s1", "s3"}},
		{"settled from lower (inclusive)", q{SettledFrom: lower}, []string{"s1", "s3", "s4", "s5"}},
		{"settled before upper (exclusive)", q{SettledBefore: upper}, []string{"s1", "s2", "s3", "s5"}},
		{"settled in [lower, upper)", q{SettledFrom: lower, SettledBefore: upper}, []string{"s1", "s3", "s5"}},
		{"settled in [lower, upper) given in +08:00", q{SettledFrom: lower.In(taipei), SettledBefore: upper.In(taipei)}, []string{"s1", "s3", "s5"}},
		{"of a2, settled in [lower, upper)", q{Advisor: "a2", SettledFrom: lower, SettledBefore: upper}, nil},
		{"of a1, settled in [lower, upper), after s1, Limit 1", q{Advisor: "a1", SettledFrom: lower, SettledBefore: upper, After: "s1", Limit: 1}, []string{"s3"}},
	}
	for i := range cases {
		if cases[i].q.Limit == 0 {
			cases[i].q.Limit = 100
		}
	}
	return runFilters(ctx, "Settlements", cases, settlementKey, func(ctx context.Context, q q) ([]billing.Settlement, error) {
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
