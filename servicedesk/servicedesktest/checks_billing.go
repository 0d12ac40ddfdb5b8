package servicedesktest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// Settling a work order moves it to settled and issues its documents in
// one step (R3.4): servicedesk.Change carries a billing.Change, and the
// store writes both in one transaction. The kit reads the billing records
// back through the billing.Store that Features.Billing returns.

// checkCommitWritesBilling commits a settlement with the work order it
// settles, then one whose invoice series another issuer has moved on
// meanwhile: the first lands whole, the second not at all.
func checkCommitWritesBilling(ctx context.Context, s servicedesk.Store, f Features) error {
	if f.Billing == nil {
		return fmt.Errorf("%w: Features.Billing is not set (it returns the billing.Store over the same records)", ErrSkip)
	}
	b := f.Billing(s)
	if b == nil {
		return errors.New("Features.Billing returned a nil billing.Store")
	}

	// 1. A work order with its settlement, invoice, series and events.
	inv := billingSeries("d1", "INV", 2, 1)
	first := servicedesk.Change{
		WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1")},
		Events:     events("d1", "desk-1", "workorder/wo-1", 2),
		Billing: billing.Change{
			Settlements: []billing.Settlement{billingSettlement("d1", "st-1", "wo-1", "INV-000001")},
			Documents:   []billing.Document{billingDocument("d1", "INV-000001", "INV", 1, "wo-1", "st-1")},
			Series:      []billing.Series{inv},
			Events:      events("d1", "bill-1", "settlement/st-1", 2),
		},
	}
	if err := commit(ctx, s, "d1", first, "commit a work order with its settlement, invoice and series"); err != nil {
		return err
	}
	if err := readWorkOrders(ctx, s, "d1", first.WorkOrders...); err != nil {
		return fmt.Errorf("after a commit with billing records: %w", err)
	}
	if err := readBilling(ctx, b, "d1", first.Billing); err != nil {
		return fmt.Errorf("after a commit with billing records: %w", err)
	}
	trail, err := kit.AllEvents(ctx, s, "d1")
	if err != nil {
		return err
	}
	// The servicedesk events first, then billing's.
	if err := kit.SameEvents("events of the commit", trail, slices.Concat(first.Events, first.Billing.Events)); err != nil {
		return err
	}

	// 2. Another issuer takes invoice number 2 through billing.Store: the
	// series moves to version 2.
	other := billing.Change{
		Documents: []billing.Document{billingDocument("d1", "INV-000002", "INV", 2, "wo-9", "st-9")},
		Series:    []billing.Series{billingSeries("d1", "INV", 3, 2)},
	}
	if err := b.Commit(ctx, "d1", other); err != nil {
		return fmt.Errorf("another issuer takes invoice number 2 through billing.Store: %w", err)
	}

	// 3. A settlement that read the series at version 1 writes it at
	// version 2 too: stale. Everything else in its Change is sound.
	settled := workOrder("d1", "wo-1")
	settled.Version, settled.State, settled.Settlement, settled.SettledTotal, settled.SettledAt =
		2, servicedesk.StateSettled, "st-2", amount("12345678901234567.89"), at(60)
	stale := servicedesk.Change{
		WorkOrders: []servicedesk.WorkOrder{settled, workOrder("d1", "wo-2")},
		Events:     events("d1", "desk-2", "workorder/wo-1", 1),
		Billing: billing.Change{
			Settlements: []billing.Settlement{billingSettlement("d1", "st-2", "wo-1", "RCP-000001")},
			Documents:   []billing.Document{billingDocument("d1", "RCP-000001", "RCP", 1, "wo-1", "st-2")},
			Series:      []billing.Series{billingSeries("d1", "RCP", 2, 1), billingSeries("d1", "INV", 3, 2)},
			Events:      events("d1", "bill-2", "settlement/st-2", 1),
		},
	}
	dm := domain(f)
	before, err := dm.Take(ctx, s, "d1")
	if err != nil {
		return err
	}
	err = s.Commit(ctx, "d1", stale)
	if err := kit.ExpectErr(err, org.ErrConflict, "commit with a stale billing series (INV at version 2, stored version 2)"); err != nil {
		return err
	}
	after, err := dm.Take(ctx, s, "d1")
	if err != nil {
		return err
	}
	if err := before.Same(after); err != nil {
		return fmt.Errorf("a commit refused for its stale billing series wrote servicedesk records or events: %w", err)
	}
	want := first.Billing
	want.Documents = slices.Concat(want.Documents, other.Documents)
	want.Series = other.Series
	if err := readBilling(ctx, b, "d1", want); err != nil {
		return fmt.Errorf("after a commit refused for its stale billing series: %w", err)
	}
	for _, absent := range []struct {
		what string
		read func() error
	}{
		{"settlement st-2", func() error { _, err := b.Settlement(ctx, "d1", "st-2"); return err }},
		{"document RCP-000001", func() error { _, err := b.Document(ctx, "d1", "RCP-000001"); return err }},
		{"series RCP", func() error { _, err := b.Series(ctx, "d1", "RCP"); return err }},
	} {
		if err := kit.ExpectErr(absent.read(), org.ErrNotFound, "the refused commit's "+absent.what); err != nil {
			return err
		}
	}
	return nil
}

func billingSettlement(d org.DealerID, key string, wo servicedesk.WorkOrderID, doc billing.DocumentID) billing.Settlement {
	return billing.Settlement{
		DealerID: d, Key: key, WorkOrder: string(wo), Advisor: "adv-1",
		Confirmation: billing.Confirmation{By: "Customer of " + string(wo), Method: "in_person"},
		Payments:     []billing.Payment{{Method: billing.PayCard, Amount: amount("12345678901234567.89"), Reference: "auth 0042"}},
		Due:          amount("12345678901234567.89"), Paid: amount("12345678901234567.89"), Change: amount("0"),
		Documents: []billing.DocumentID{doc},
		SettledAt: at(60), SettledBy: org.Actor{ID: "adv-1", Role: org.RoleAdvisor}, Version: 1,
	}
}

func billingDocument(d org.DealerID, id billing.DocumentID, series string, number int64, wo servicedesk.WorkOrderID, settlement string) billing.Document {
	return billing.Document{
		DealerID: d, ID: id, Series: series, Number: number, Kind: billing.Invoice, WorkOrder: string(wo), Settlement: settlement,
		PayType: billing.PayCustomer, Payer: billing.Party{Name: "Customer of " + string(wo)}, Currency: "TWD", Scale: 2,
		PriceBookVersion: "2026-11",
		Bill: billing.PayerBill{PayType: billing.PayCustomer,
			Lines: []billing.Line{{ID: "j1/part/P-1", Job: "j1", PayType: billing.PayCustomer, Kind: billing.KindPart, Code: "P-1",
				Quantity: amount("1"), UnitPrice: amount("12345678901234567.89"), Amount: amount("12345678901234567.89"),
				Net: amount("12345678901234567.89")}},
			Subtotal: amount("12345678901234567.89"), Total: amount("12345678901234567.89")},
		Payments: []billing.Payment{{Method: billing.PayCard, Amount: amount("12345678901234567.89")}},
		Total:    amount("12345678901234567.89"),
		IssuedAt: at(60), IssuedBy: org.Actor{ID: "adv-1", Role: org.RoleAdvisor}, Version: 1,
	}
}

func billingSeries(d org.DealerID, name string, next, version int64) billing.Series {
	return billing.Series{DealerID: d, Name: name, Next: next, Version: version}
}

// readBilling reads every settlement, document and series of want back
// through b, and lists the dealer's settlements and documents: exactly
// want's, in key order.
func readBilling(ctx context.Context, b billing.Store, d org.DealerID, want billing.Change) error {
	for _, w := range want.Settlements {
		got, err := b.Settlement(ctx, d, w.Key)
		if err != nil {
			return fmt.Errorf("read settlement %s: %w", w.Key, err)
		}
		if err := diffBillingSettlement(got, w); err != nil {
			return err
		}
	}
	for _, w := range want.Documents {
		got, err := b.Document(ctx, d, w.ID)
		if err != nil {
			return fmt.Errorf("read document %s: %w", w.ID, err)
		}
		if err := diffBillingDocument(got, w); err != nil {
			return err
		}
	}
	for _, w := range want.Series {
		got, err := b.Series(ctx, d, w.Name)
		if err != nil {
			return fmt.Errorf("read series %s: %w", w.Name, err)
		}
		if got != w {
			return fmt.Errorf("series %s/%s reads back as %+v, want %+v", d, w.Name, got, w)
		}
	}
	sts, err := b.Settlements(ctx, d, billing.SettlementQuery{Limit: 100})
	if err != nil {
		return fmt.Errorf("list settlements: %w", err)
	}
	if err := kit.SameKeys("settlements of "+string(d), sts, want.Settlements, func(st billing.Settlement) string { return st.Key }); err != nil {
		return err
	}
	docs, err := b.Documents(ctx, d, billing.DocumentQuery{Limit: 100})
	if err != nil {
		return fmt.Errorf("list documents: %w", err)
	}
	return kit.SameKeys("documents of "+string(d), docs, want.Documents, func(doc billing.Document) string { return string(doc.ID) })
}

// diffBillingSettlement and diffBillingDocument compare the billing
// records a servicedesk commit carries, every field, with kit.Deep: that
// the record landed whole with its commit is what this check is about.
func diffBillingSettlement(got, want billing.Settlement) error {
	return kit.Deep(fmt.Sprintf("settlement %s/%s", want.DealerID, want.Key), got, want)
}

func diffBillingDocument(got, want billing.Document) error {
	return kit.Deep(fmt.Sprintf("document %s/%s", want.DealerID, want.ID), got, want)
}
