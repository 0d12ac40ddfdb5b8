package billingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// tenant is one dealer's records in checkTenancy: the same keys under both
// dealers, told apart by their content, and records only dB has.
func tenant(d org.DealerID, only bool) billing.Change {
	mark := "of " + string(d)
	b := priceBook(d, bookVersions[1], true)
	b.Book.Currency, b.SavedBy.ID = "C"+string(d), org.EmployeeID("sup-"+d)
	st := settlement(d, "st-1")
	st.Confirmation.By, st.Advisor = "customer "+mark, org.EmployeeID("adv-"+d)
	doc := document(d, "RCP-000001")
	doc.Payer.Name, doc.WorkOrder = "payer "+mark, "wo-1"
	sr := series(d, "RCP", 2)
	if d == "dB" {
		sr.Next = 900
	}
	c := billing.Change{
		PriceBooks: []billing.StoredPriceBook{b}, Settlements: []billing.Settlement{st},
		Documents: []billing.Document{doc}, Series: []billing.Series{sr},
		Events: []org.Event{event(d, "ev-"+string(d), "settlement/st-1")},
	}
	if only {
		c.PriceBooks = append(c.PriceBooks, priceBook(d, bookVersions[2], false))
		c.Settlements = append(c.Settlements, settlement(d, "st-only-b"))
		c.Documents = append(c.Documents, document(d, "RCP-only-b"))
		c.Series = append(c.Series, series(d, "INV", 5))
	}
	return c
}

func checkTenancy(ctx context.Context, s billing.Store, f Features) error {
	a, b := tenant("dA", false), tenant("dB", true)
	if err := commit(ctx, s, "dA", a, "seed dA"); err != nil {
		return err
	}
	if err := commit(ctx, s, "dB", b, "seed dB"); err != nil {
		return err
	}
	// dC has a book, not an active one: its ActivePriceBook must not be
	// another dealer's.
	if err := commit(ctx, s, "dC", billing.Change{PriceBooks: []billing.StoredPriceBook{priceBook("dC", bookVersions[0], false)}}, "seed dC"); err != nil {
		return err
	}
	if err := readsOwnOnly(ctx, s, a); err != nil {
		return err
	}
	if err := listsOwnOnly(ctx, s, f, a); err != nil {
		return err
	}
	// dA writes version 2 of every record; dB's records of the same keys
	// must stay as they were.
	up := billing.Change{PriceBooks: a.PriceBooks[:1], Settlements: a.Settlements[:1], Documents: a.Documents[:1], Series: a.Series[:1]}
	up.PriceBooks[0].Version, up.PriceBooks[0].Active = 2, false
	up.Settlements[0].Version, up.Settlements[0].Confirmation.By = 2, "changed by dA"
	up.Documents[0] = up.Documents[0].Clone()
	up.Documents[0].Version, up.Documents[0].Payer.Name = 2, "changed by dA"
	up.Series[0].Version, up.Series[0].Next = 2, 3
	if err := commit(ctx, s, "dA", up, "update dA's records to version 2"); err != nil {
		return err
	}
	before := tenant("dB", true)
	after, err := take(ctx, s, f, "dB")
	if err != nil {
		return err
	}
	want := snapshot{dealer: "dB", books: before.PriceBooks, active: bookVersions[1], settlements: before.Settlements,
		documents: before.Documents, series: []billing.Series{before.Series[1], before.Series[0]}}
	if err := want.same(after); err != nil {
		return fmt.Errorf("updating dA's records changed dB's records of the same keys: %w", err)
	}
	_, err = s.ActivePriceBook(ctx, "dA")
	if err := kit.ExpectErr(err, org.ErrNotFound, "ActivePriceBook(dA) after dA took the mark off its book, while dB's book of the same version keeps it"); err != nil {
		return err
	}
	return nil
}

// readsOwnOnly reads a's records through every single-record method: each
// must be dA's, and dB's own keys must not be found.
func readsOwnOnly(ctx context.Context, s billing.Store, a billing.Change) error {
	var errs []error
	b, err := s.PriceBook(ctx, "dA", bookVersions[1])
	errs = append(errs, kit.Then(err, func() error { return diffStoredPriceBook(b, a.PriceBooks[0]) }))
	act, err := s.ActivePriceBook(ctx, "dA")
	errs = append(errs, kit.Then(err, func() error { return diffStoredPriceBook(act, a.PriceBooks[0]) }))
	st, err := s.Settlement(ctx, "dA", "st-1")
	errs = append(errs, kit.Then(err, func() error { return diffSettlement(st, a.Settlements[0]) }))
	doc, err := s.Document(ctx, "dA", "RCP-000001")
	errs = append(errs, kit.Then(err, func() error { return diffDocument(doc, a.Documents[0]) }))
	sr, err := s.Series(ctx, "dA", "RCP")
	errs = append(errs, kit.Then(err, func() error { return diffSeries(sr, a.Series[0]) }))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read a record of dB of the same key: %w", err)
	}
	_, err = s.PriceBook(ctx, "dA", bookVersions[2])
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "PriceBook(dA, "+bookVersions[2]+"), a price book of dB"))
	_, err = s.Settlement(ctx, "dA", "st-only-b")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Settlement(dA, st-only-b), a settlement of dB"))
	_, err = s.Document(ctx, "dA", "RCP-only-b")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Document(dA, RCP-only-b), a document of dB"))
	_, err = s.Series(ctx, "dA", "INV")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "Series(dA, INV), a series of dB"))
	_, err = s.ActivePriceBook(ctx, "dC")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "ActivePriceBook(dC), a dealer with no active book while dA and dB have one"))
	return errors.Join(errs...)
}

// listsOwnOnly lists dA's records through every list method, with filters
// matching dB's records too.
func listsOwnOnly(ctx context.Context, s billing.Store, f Features, a billing.Change) error {
	var errs []error
	docs, err := s.Documents(ctx, "dA", billing.DocumentQuery{WorkOrder: "wo-1", Kind: billing.Receipt, Limit: 100})
	errs = append(errs, kit.Then(err, func() error { return kit.SameKeys("Documents(dA)", docs, a.Documents, documentID) }))
	sts, err := s.Settlements(ctx, "dA", billing.SettlementQuery{Limit: 100})
	errs = append(errs, kit.Then(err, func() error { return kit.SameKeys("Settlements(dA)", sts, a.Settlements, settlementKey) }))
	for _, doc := range docs {
		errs = append(errs, diffDocument(doc, a.Documents[0]))
	}
	for _, st := range sts {
		errs = append(errs, diffSettlement(st, a.Settlements[0]))
	}
	if r := f.events(s); r != nil {
		evs, err := r.Events(ctx, "dA", 0, 100)
		errs = append(errs, kit.Then(err, func() error { return kit.SameEvents("Events(dA)", evs, a.Events) }))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("a list for dA holds dB's records: %w", err)
	}
	return nil
}
