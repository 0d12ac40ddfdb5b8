package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// bills is a migrated store's billing view, on a database of its own.
func (b backend) bills(t *testing.T) sqlstore.BillingStore {
	t.Helper()
	return b.store(t).Billing()
}

// billCommit writes c for dealer d and fails the test on error.
func billCommit(t *testing.T, s billing.Store, d org.DealerID, c billing.Change) {
	t.Helper()
	require.NoError(t, s.Commit(t.Context(), d, c))
}

func explanation(key string, args ...string) billing.Explanation {
	e := billing.Explanation{Key: key, Args: map[string]string{}}
	for i := 0; i+1 < len(args); i += 2 {
		e.Args[args[i]] = args[i+1]
	}
	return e
}

// fullPayerBill sets every field of a payer's bill, with amounts a
// float64 would round.
func fullPayerBill() billing.PayerBill {
	return billing.PayerBill{
		PayType: billing.PayCustomer,
		Lines: []billing.Line{
			{ID: "j1/labor/BRK-01", Job: "j1", PayType: billing.PayCustomer, Kind: billing.KindLabor, Code: "BRK-01",
				Description: "replace pads", Quantity: dec("1.5"), Unit: "h", UnitPrice: dec("1200.00"), Amount: dec("1800.00"),
				Discount: dec("180.00"), Net: dec("1620.00"), TaxCode: "VAT", TaxRate: dec("0.05"), Tax: dec("77.14"),
				BookHours: dec("1.5"), ClockedHours: dec("1.25"), Explain: explanation("line.labor", "hours", "1.5", "rate", "1200.00")},
			{ID: "j1/part/P-1", Job: "j1", PayType: billing.PayCustomer, Kind: billing.KindPart, Code: "P-1",
				Description: "pad set 來令片", Quantity: dec("1"), UnitPrice: dec("12345678901234567.89"),
				Amount: dec("12345678901234567.89"), Discount: dec("0"), Net: dec("12345678901234567.89"), TaxCode: "VAT",
				TaxRate: dec("0.05"), Tax: dec("587889471487360.38"), Cost: dec("12.50"), Explain: explanation("line.part.matrix", "cost", "12.50")},
		},
		Taxes: []billing.TaxLine{{Code: "VAT", Name: "營業稅 5%", Rate: dec("0.05"), Base: dec("11757789429747207.51"),
			Tax: dec("587889471487437.52"), Explain: explanation("tax.group", "rate", "5%")}},
		Subtotal: dec("12345678901236367.89"), Discount: dec("180.00"), Tax: dec("587889471487437.52"),
		Total: dec("12345678901236187.89"), Explain: explanation("bill.total", "inclusive", "true"),
	}
}

// invoice is a document with every field set.
func invoice(d org.DealerID, id billing.DocumentID, number int64) billing.Document {
	return billing.Document{
		DealerID: d, ID: id, Series: "INV", Number: number, Kind: billing.Invoice, WorkOrder: "wo-1", Settlement: "st-1",
		PayType: billing.PayCustomer, Payer: billing.Party{Name: "林 美玲", TaxID: "12345675", Address: "台北市 1 號"},
		Currency: "TWD", Scale: 2, PriceBookVersion: "2026-11", Inclusive: true, Bill: fullPayerBill(),
		Payments: []billing.Payment{{Method: billing.PayDeposit, Amount: dec("-500.00"), Reference: "dep-7"},
			{Method: billing.PayCard, Amount: dec("12345678901236687.89"), Reference: "auth 42"}},
		Total: dec("12345678901236187.89"), References: "INV-000000", Reason: "every field set",
		Notes:    []billing.Explanation{explanation("note.warranty", "months", "6"), {Key: "note.fee"}},
		IssuedAt: t0, IssuedBy: org.Actor{ID: "adv-1", Role: org.RoleAdvisor}, Version: 1,
	}
}

// creditNoteOf reverses an invoice: every amount negated.
func creditNoteOf(inv billing.Document, id billing.DocumentID, number int64) billing.Document {
	c := inv.Clone()
	c.ID, c.Series, c.Number, c.Kind, c.References, c.Reason = id, "CRN", number, billing.CreditNote, inv.ID, "wrong part"
	c.Bill = billing.Bill{Payers: []billing.PayerBill{c.Bill}}.Negate().Payers[0]
	c.Total = c.Total.Neg()
	c.Payments = []billing.Payment{{Method: billing.PayTransfer, Amount: c.Total}}
	c.IssuedAt = t0.Add(24 * time.Hour)
	return c
}

func receipt(d org.DealerID, id billing.DocumentID, number int64, wo string, issued time.Time) billing.Document {
	return billing.Document{DealerID: d, ID: id, Series: "RCP", Number: number, Kind: billing.Receipt, WorkOrder: wo,
		Settlement: "st-" + wo, PayType: billing.PayCustomer, Currency: "TWD", Total: dec("12.50"),
		Bill: billing.PayerBill{PayType: billing.PayCustomer, Total: dec("12.50")}, IssuedAt: issued, Version: 1}
}

func settlementOf(d org.DealerID, key string, advisor org.EmployeeID, settled time.Time) billing.Settlement {
	return billing.Settlement{DealerID: d, Key: key, WorkOrder: "wo-1", Advisor: advisor,
		Confirmation: billing.Confirmation{By: "Lin", Method: "signature"},
		Payments:     []billing.Payment{{Method: billing.PayCash, Amount: dec("12345678901234567.89")}},
		Due:          dec("12345678901234567.89"), Paid: dec("12345678901234567.89"), Change: dec("0"),
		Documents: []billing.DocumentID{"INV-000001"}, SettledAt: settled,
		SettledBy: org.Actor{ID: advisor, Role: org.RoleAdvisor}, Version: 1}
}

func storedBook(d org.DealerID, version string, active bool) billing.StoredPriceBook {
	return billing.StoredPriceBook{DealerID: d,
		Book: billing.PriceBook{Version: version, Currency: "TWD", Scale: 0, Rounding: billing.HalfUp,
			Labor: billing.LaborPolicy{Rates: []billing.LaborRate{{Rate: dec("1200")}}, Increment: dec("0.1")},
			Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{{From: dec("0"), To: dec("100"), Multiplier: dec("1.6")}}},
			Fees: []billing.FeeRule{{Code: "SHOP", Percent: dec("0.05"), Base: billing.BaseLabor, Max: dec("12345678901234567.89"),
				PayTypes: []billing.PayType{billing.PayCustomer}}},
			Tax: billing.TaxPolicy{Scope: billing.ScopeGroup, Rounding: billing.Rounding{Mode: billing.Cash, Increment: dec("0.05")},
				Rates: []billing.TaxRate{{Code: "VAT", Rate: dec("0.05"), Kinds: []billing.Kind{billing.KindLabor}}}}},
		Active: active, SavedAt: t0, SavedBy: org.Actor{ID: "sup-1", Role: org.RoleSupervisor}, Version: 1}
}

func series(d org.DealerID, name string, next, version int64) billing.Series {
	return billing.Series{DealerID: d, Name: name, Next: next, Version: version}
}

func billEvent(d org.DealerID, id, subject string) org.Event {
	ev := event(d, id)
	ev.Type, ev.Subject = "billing.settled", subject
	return ev
}

func eventIDs(evs []org.Event) []string {
	out := []string{}
	for _, ev := range evs {
		out = append(out, ev.ID)
	}
	return out
}

// TestBillingRoundTrip reads back every field of every billing record:
// a document with a full bill, its credit note's negative amounts, amounts
// above 2^53, instants in UTC at microseconds.
func TestBillingRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, db := b.newStore(t, true)
		bs := s.Billing()
		ctx := t.Context()
		inv := invoice("d1", "INV-000001", 1)
		crn := creditNoteOf(inv, "CRN-000001", 1)
		st := settlementOf("d1", "st-1", "adv-1", t0)
		st.Differences, st.Override, st.Corrected, st.Corrects = 2, &billing.Override{By: "sup-1", Reason: "checked"}, true, "INV-000000"
		bare := settlementOf("d1", "st-2", "adv-1", t0)
		bare.Payments, bare.Documents = nil, nil
		pb := storedBook("d1", "2026-11", true)
		sr := series("d1", "INV", 2, 1)
		billCommit(t, bs, "d1", billing.Change{PriceBooks: []billing.StoredPriceBook{pb},
			Settlements: []billing.Settlement{st, bare}, Documents: []billing.Document{inv, crn},
			Series: []billing.Series{sr}, Events: []org.Event{billEvent("d1", "b1", "settlement/st-1")}})

		gotInv, err := bs.Document(ctx, "d1", "INV-000001")
		require.NoError(t, err)
		requireSame(t, inv, gotInv, "invoice")
		require.True(t, gotInv.Bill.Lines[1].UnitPrice.Equal(dec("12345678901234567.89")), gotInv.Bill.Lines[1].UnitPrice.String())
		require.Equal(t, "1.5", gotInv.Bill.Lines[0].Explain.Args["hours"])
		require.Equal(t, t0, gotInv.IssuedAt)
		gotCrn, err := bs.Document(ctx, "d1", "CRN-000001")
		require.NoError(t, err)
		requireSame(t, crn, gotCrn, "credit note")
		require.True(t, gotCrn.Total.Equal(dec("-12345678901236187.89")), gotCrn.Total.String())
		require.True(t, gotCrn.Bill.Lines[1].Amount.Equal(dec("-12345678901234567.89")), gotCrn.Bill.Lines[1].Amount.String())
		require.True(t, gotCrn.Bill.Taxes[0].Tax.IsNegative())
		require.True(t, gotInv.Payments[0].Amount.Equal(dec("-500")), "a deposit line is negative")

		gotSt, err := bs.Settlement(ctx, "d1", "st-1")
		require.NoError(t, err)
		requireSame(t, st, gotSt, "settlement")
		require.NotNil(t, gotSt.Override)
		gotBare, err := bs.Settlement(ctx, "d1", "st-2")
		require.NoError(t, err)
		requireSame(t, bare, gotBare, "bare settlement")
		require.Nil(t, gotBare.Override)
		gotPB, err := bs.PriceBook(ctx, "d1", "2026-11")
		require.NoError(t, err)
		requireSame(t, pb, gotPB, "price book")
		gotSr, err := bs.Series(ctx, "d1", "INV")
		require.NoError(t, err)
		require.Equal(t, sr, gotSr)
		evs, err := bs.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"b1"}, eventIDs(evs))

		// The document keeps amounts as exact strings, never numbers.
		var doc, issued string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT doc FROM documents WHERE id = 'CRN-000001'`).Scan(&doc))
		require.Contains(t, doc, `"total":"-12345678901236187.89"`)
		if b.dialect == sqlstore.SQLite {
			require.NoError(t, db.QueryRowContext(ctx, `SELECT issued_at FROM documents WHERE id = 'INV-000001'`).Scan(&issued))
			require.Equal(t, "2026-11-25T09:30:15.123456Z", issued)
		}
	})
}

// TestBillingInstantsNormalised: instants written in another zone or with
// nanoseconds come back in UTC at microseconds, in the document and in the
// columns the queries use; the caller's record is left as it was.
func TestBillingInstantsNormalised(t *testing.T) {
	t.Parallel()
	taipei := time.FixedZone("CST", 8*3600)
	local := time.Date(2026, 11, 25, 17, 30, 15, 123456789, taipei)
	want := time.Date(2026, 11, 25, 9, 30, 15, 123456000, time.UTC)
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		doc := invoice("d1", "INV-000001", 1)
		doc.IssuedAt = local
		st := settlementOf("d1", "st-1", "adv-1", local)
		pb := storedBook("d1", "2026-11", false)
		pb.SavedAt = local
		billCommit(t, bs, "d1", billing.Change{Documents: []billing.Document{doc},
			Settlements: []billing.Settlement{st}, PriceBooks: []billing.StoredPriceBook{pb}})
		require.Equal(t, taipei, doc.IssuedAt.Location(), "the caller's record was changed")

		gotDoc, err := bs.Document(ctx, "d1", "INV-000001")
		require.NoError(t, err)
		require.Equal(t, want, gotDoc.IssuedAt)
		gotSt, err := bs.Settlement(ctx, "d1", "st-1")
		require.NoError(t, err)
		require.Equal(t, want, gotSt.SettledAt)
		gotPB, err := bs.PriceBook(ctx, "d1", "2026-11")
		require.NoError(t, err)
		require.Equal(t, want, gotPB.SavedAt)
		docs, err := bs.Documents(ctx, "d1", billing.DocumentQuery{IssuedFrom: want, IssuedBefore: want.Add(time.Microsecond)})
		require.NoError(t, err)
		require.Len(t, docs, 1, "the issued_at column holds the same instant")
		sts, err := bs.Settlements(ctx, "d1", billing.SettlementQuery{SettledFrom: want, SettledBefore: want.Add(time.Microsecond)})
		require.NoError(t, err)
		require.Len(t, sts, 1, "the settled_at column holds the same instant")
	})
}

// TestBillingVersionConflicts: the version rule for every kind of billing
// record; a refused commit writes nothing and takes no Seq.
func TestBillingVersionConflicts(t *testing.T) {
	t.Parallel()
	book := func(v int64, by org.EmployeeID) billing.StoredPriceBook {
		pb := storedBook("d1", "2026-11", false)
		pb.Version, pb.SavedBy.ID = v, by
		return pb
	}
	stl := func(v int64, by string) billing.Settlement {
		st := settlementOf("d1", "st-1", "adv-1", t0)
		st.Version, st.Confirmation.By = v, by
		return st
	}
	doc := func(v int64, payer string) billing.Document {
		d := receipt("d1", "RCP-000001", 1, "wo-1", t0)
		d.Version, d.Payer.Name = v, payer
		return d
	}
	ser := func(v, next int64) billing.Series { return series("d1", "RCP", next, v) }
	ev := []org.Event{billEvent("d1", "x", "settlement/st-1")}
	type change = billing.Change
	cases := []struct {
		name string
		c    change
	}{
		{"duplicate price book create", change{PriceBooks: []billing.StoredPriceBook{book(1, "again")}}},
		{"stale price book", change{PriceBooks: []billing.StoredPriceBook{book(2, "stale")}}},
		{"price book version skipped", change{PriceBooks: []billing.StoredPriceBook{book(5, "skipped")}}},
		{"update of a missing price book", change{PriceBooks: []billing.StoredPriceBook{{DealerID: "d1",
			Book: billing.PriceBook{Version: "2027-01"}, Version: 2}}}},
		{"duplicate settlement create", change{Settlements: []billing.Settlement{stl(1, "again")}}},
		{"stale settlement", change{Settlements: []billing.Settlement{stl(2, "stale")}}},
		{"duplicate document create", change{Documents: []billing.Document{doc(1, "again")}}},
		{"stale document", change{Documents: []billing.Document{doc(2, "stale")}}},
		{"duplicate series create", change{Series: []billing.Series{ser(1, 99)}}},
		{"stale series", change{Series: []billing.Series{ser(2, 99)}}},
		{"update of a missing series", change{Series: []billing.Series{series("d1", "CRN", 5, 2)}}},
		{"good records and a stale series", change{
			PriceBooks:  []billing.StoredPriceBook{storedBook("d1", "2027-01", false)},
			Settlements: []billing.Settlement{settlementOf("d1", "st-9", "adv-1", t0)},
			Documents:   []billing.Document{receipt("d1", "RCP-000004", 4, "wo-9", t0)},
			Series:      []billing.Series{ser(2, 5)},
			Events:      ev,
		}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		for v := int64(1); v <= 3; v++ {
			billCommit(t, bs, "d1", change{PriceBooks: []billing.StoredPriceBook{book(v, org.EmployeeID(fmt.Sprint("v", v)))},
				Settlements: []billing.Settlement{stl(v, fmt.Sprint("v", v))}, Documents: []billing.Document{doc(v, fmt.Sprint("v", v))},
				Series: []billing.Series{ser(v, v+1)}})
		}
		for _, c := range cases {
			err := bs.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrConflict, c.name)
			require.ErrorContains(t, err, "sqlstore: ", c.name)
		}
		pb, err := bs.PriceBook(ctx, "d1", "2026-11")
		require.NoError(t, err)
		require.Equal(t, org.EmployeeID("v3"), pb.SavedBy.ID)
		require.Equal(t, int64(3), pb.Version)
		st, err := bs.Settlement(ctx, "d1", "st-1")
		require.NoError(t, err)
		require.Equal(t, "v3", st.Confirmation.By)
		d, err := bs.Document(ctx, "d1", "RCP-000001")
		require.NoError(t, err)
		require.Equal(t, "v3", d.Payer.Name)
		sr, err := bs.Series(ctx, "d1", "RCP")
		require.NoError(t, err)
		require.Equal(t, series("d1", "RCP", 4, 3), sr)
		_, err = bs.PriceBook(ctx, "d1", "2027-01")
		require.ErrorIs(t, err, org.ErrNotFound, "price book of a failed commit")
		_, err = bs.Settlement(ctx, "d1", "st-9")
		require.ErrorIs(t, err, org.ErrNotFound, "settlement of a failed commit")
		_, err = bs.Document(ctx, "d1", "RCP-000004")
		require.ErrorIs(t, err, org.ErrNotFound, "document of a failed commit")
		_, err = bs.Series(ctx, "d1", "CRN")
		require.ErrorIs(t, err, org.ErrNotFound, "series of a failed commit")

		// A failed commit takes no Seq.
		billCommit(t, bs, "d1", change{Events: ev})
		evs, err := bs.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, int64(1), evs[0].Seq)
	})
}

// TestBillingBadCommitRejected: another dealer's record or event, a
// Version below 1, or an instant the store cannot keep fails with
// ErrInvalid, names the field and the record, and writes nothing.
func TestBillingBadCommitRejected(t *testing.T) {
	t.Parallel()
	good := receipt("d1", "RCP-000001", 1, "wo-1", t0)
	zero := receipt("d1", "RCP-000002", 2, "wo-1", t0)
	zero.Version = 0
	far := settlementOf("d1", "st-far", "adv-1", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	zeroSeries := series("d1", "RCP", 2, 0)
	type change = billing.Change
	cases := []struct {
		name, path, record string
		c                  change
	}{
		{"price book of another dealer", "price_books[0].dealer_id", "price book 2026-11",
			change{Documents: []billing.Document{good}, PriceBooks: []billing.StoredPriceBook{storedBook("d2", "2026-11", true)}}},
		{"settlement of another dealer", "settlements[0].dealer_id", "settlement st-1",
			change{Documents: []billing.Document{good}, Settlements: []billing.Settlement{settlementOf("d2", "st-1", "adv-1", t0)}}},
		{"document of another dealer", "documents[1].dealer_id", "document RCP-000009",
			change{Documents: []billing.Document{good, receipt("d2", "RCP-000009", 9, "wo-1", t0)}}},
		{"series of another dealer", "series[0].dealer_id", "series RCP",
			change{Documents: []billing.Document{good}, Series: []billing.Series{series("d2", "RCP", 2, 1)}}},
		{"event of another dealer", "events[0].dealer_id", "",
			change{Documents: []billing.Document{good}, Events: []org.Event{billEvent("d2", "x", "settlement/st-1")}}},
		{"document version 0", "documents[1].version", "", change{Documents: []billing.Document{good, zero}}},
		{"series version 0", "series[0].version", "", change{Documents: []billing.Document{good}, Series: []billing.Series{zeroSeries}}},
		{"settled past 9999", "settlements[0].settled_at", "",
			change{Documents: []billing.Document{good}, Settlements: []billing.Settlement{far}}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		for _, c := range cases {
			err := bs.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrInvalid, c.name)
			fe, ok := org.FieldErrorOf(err, c.path)
			require.True(t, ok, "%s: %v does not name %s", c.name, err, c.path)
			require.Contains(t, fe.Message, c.record, c.name)
		}
		for _, d := range []org.DealerID{"d1", "d2"} {
			docs, err := bs.Documents(ctx, d, billing.DocumentQuery{})
			require.NoError(t, err)
			require.Empty(t, docs)
			sts, err := bs.Settlements(ctx, d, billing.SettlementQuery{})
			require.NoError(t, err)
			require.Empty(t, sts)
			_, err = bs.ActivePriceBook(ctx, d)
			require.ErrorIs(t, err, org.ErrNotFound)
			_, err = bs.Series(ctx, d, "RCP")
			require.ErrorIs(t, err, org.ErrNotFound)
			evs, err := bs.Events(ctx, d, 0, 10)
			require.NoError(t, err)
			require.Empty(t, evs)
		}
	})
}

// TestBillingTenancy: the same keys under two dealers are two records; no
// call for one dealer reads, lists or changes the other's.
func TestBillingTenancy(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		for _, d := range []org.DealerID{"d1", "d2"} {
			doc := receipt(d, "RCP-000001", 1, "wo-1", t0)
			doc.Payer.Name = "of " + string(d)
			billCommit(t, bs, d, billing.Change{PriceBooks: []billing.StoredPriceBook{storedBook(d, "2026-11", true)},
				Settlements: []billing.Settlement{settlementOf(d, "st-1", "adv-1", t0)}, Documents: []billing.Document{doc},
				Series: []billing.Series{series(d, "RCP", 2, 1)}, Events: []org.Event{billEvent(d, "e-"+string(d), "settlement/st-1")}})
		}
		// d2 moves on: a second document, its series at version 2, a
		// new active price book.
		old := storedBook("d2", "2026-11", false)
		old.Version = 2
		billCommit(t, bs, "d2", billing.Change{Documents: []billing.Document{receipt("d2", "RCP-000002", 2, "wo-2", t0)},
			Series: []billing.Series{series("d2", "RCP", 3, 2)}, PriceBooks: []billing.StoredPriceBook{old, storedBook("d2", "2026-12", true)}})

		doc, err := bs.Document(ctx, "d1", "RCP-000001")
		require.NoError(t, err)
		require.Equal(t, "of d1", doc.Payer.Name)
		docs, err := bs.Documents(ctx, "d1", billing.DocumentQuery{})
		require.NoError(t, err)
		require.Len(t, docs, 1)
		_, err = bs.Document(ctx, "d1", "RCP-000002")
		require.ErrorIs(t, err, org.ErrNotFound)
		sr, err := bs.Series(ctx, "d1", "RCP")
		require.NoError(t, err)
		require.Equal(t, series("d1", "RCP", 2, 1), sr)
		active, err := bs.ActivePriceBook(ctx, "d1")
		require.NoError(t, err)
		require.Equal(t, "2026-11", active.Book.Version)
		require.Equal(t, org.DealerID("d1"), active.DealerID)
		for _, read := range []func() error{
			func() error { _, err := bs.Document(ctx, "d3", "RCP-000001"); return err },
			func() error { _, err := bs.Settlement(ctx, "d3", "st-1"); return err },
			func() error { _, err := bs.PriceBook(ctx, "d3", "2026-11"); return err },
			func() error { _, err := bs.ActivePriceBook(ctx, "d3"); return err },
			func() error { _, err := bs.Series(ctx, "d3", "RCP"); return err },
		} {
			require.ErrorIs(t, read(), org.ErrNotFound)
		}
		evs, err := bs.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"e-d1"}, eventIDs(evs))
	})
}

// TestBillingQueries: Documents and Settlements filter, bound [from,
// before) as instants whatever their zone, order by key in byte order and
// page.
func TestBillingQueries(t *testing.T) {
	t.Parallel()
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }
	taipei := time.FixedZone("CST", 8*3600)
	ids := []billing.DocumentID{"RCP-10", "RCP-2", "INV-1", "crn-1", "RCP-1", "_x"}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		var docs []billing.Document
		var sts []billing.Settlement
		for i, id := range ids {
			wo := "wo-a"
			if i%2 == 1 {
				wo = "wo-b"
			}
			d := receipt("d1", id, int64(i+1), wo, at(i))
			if i%3 == 0 {
				d.Kind = billing.Invoice
			}
			docs = append(docs, d)
			adv := org.EmployeeID("adv-1")
			if i%2 == 0 {
				adv = "adv-2"
			}
			sts = append(sts, settlementOf("d1", "st-"+string(id), adv, at(i)))
		}
		billCommit(t, bs, "d1", billing.Change{Documents: docs, Settlements: sts})
		billCommit(t, bs, "d2", billing.Change{Documents: []billing.Document{receipt("d2", "A", 1, "wo-a", at(2))},
			Settlements: []billing.Settlement{settlementOf("d2", "st-A", "adv-2", at(2))}})

		docIDs := func(q billing.DocumentQuery) []string {
			got, err := bs.Documents(ctx, "d1", q)
			require.NoError(t, err)
			require.NotNil(t, got)
			out := []string{}
			for _, d := range got {
				out = append(out, string(d.ID))
			}
			return out
		}
		stKeys := func(q billing.SettlementQuery) []string {
			got, err := bs.Settlements(ctx, "d1", q)
			require.NoError(t, err)
			require.NotNil(t, got)
			out := []string{}
			for _, st := range got {
				out = append(out, st.Key)
			}
			return out
		}
		require.Equal(t, []string{"INV-1", "RCP-1", "RCP-10", "RCP-2", "_x", "crn-1"}, docIDs(billing.DocumentQuery{}), "byte order")
		require.Equal(t, []string{"INV-1", "RCP-1", "RCP-10"}, docIDs(billing.DocumentQuery{WorkOrder: "wo-a"}))
		require.Equal(t, []string{}, docIDs(billing.DocumentQuery{WorkOrder: "wo"}), "no prefix match")
		require.Equal(t, []string{"RCP-10", "crn-1"}, docIDs(billing.DocumentQuery{Kind: billing.Invoice}))
		require.Equal(t, []string{"RCP-10"}, docIDs(billing.DocumentQuery{Kind: billing.Invoice, WorkOrder: "wo-a"}))
		require.Equal(t, []string{"INV-1", "crn-1"}, docIDs(billing.DocumentQuery{IssuedFrom: at(2).In(taipei), IssuedBefore: at(4).In(taipei)}))
		require.Equal(t, []string{"INV-1", "RCP-1", "_x", "crn-1"}, docIDs(billing.DocumentQuery{IssuedFrom: at(1).Add(time.Nanosecond)}))
		require.Equal(t, []string{"RCP-10", "RCP-2"}, docIDs(billing.DocumentQuery{IssuedBefore: at(2)}))
		require.Equal(t, []string{"RCP-10", "RCP-2"}, docIDs(billing.DocumentQuery{After: "RCP-1", Limit: 2}))
		require.Equal(t, []string{}, docIDs(billing.DocumentQuery{IssuedFrom: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}))

		require.Equal(t, []string{"st-INV-1", "st-RCP-1", "st-RCP-10", "st-RCP-2", "st-_x", "st-crn-1"}, stKeys(billing.SettlementQuery{}))
		require.Equal(t, []string{"st-INV-1", "st-RCP-1", "st-RCP-10"}, stKeys(billing.SettlementQuery{Advisor: "adv-2"}))
		require.Equal(t, []string{"st-INV-1", "st-crn-1"}, stKeys(billing.SettlementQuery{SettledFrom: at(2), SettledBefore: at(4)}))
		require.Equal(t, []string{"st-RCP-2", "st-_x"}, stKeys(billing.SettlementQuery{After: "st-RCP-10", Limit: 2}))
		require.Equal(t, []string{"st-RCP-1"}, stKeys(billing.SettlementQuery{Advisor: "adv-2", SettledFrom: at(4)}))
	})
}

// TestActivePriceBookSwitch: no active book is ErrNotFound; a switch is one
// commit, whatever order its Change lists the two versions in; a commit
// that would leave two active versions is refused as a conflict and writes
// nothing.
func TestActivePriceBookSwitch(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		_, err := bs.ActivePriceBook(ctx, "d1")
		require.ErrorIs(t, err, org.ErrNotFound, "no price book")
		require.ErrorContains(t, err, "sqlstore: ")
		billCommit(t, bs, "d1", billing.Change{PriceBooks: []billing.StoredPriceBook{storedBook("d1", "2026-10", false)}})
		_, err = bs.ActivePriceBook(ctx, "d1")
		require.ErrorIs(t, err, org.ErrNotFound, "no active price book")

		// Activate 2026-10, then switch to 2026-11: the activation is
		// listed first, the store writes the deactivation first.
		on := storedBook("d1", "2026-10", true)
		on.Version = 2
		billCommit(t, bs, "d1", billing.Change{PriceBooks: []billing.StoredPriceBook{on}})
		off := storedBook("d1", "2026-10", false)
		off.Version = 3
		billCommit(t, bs, "d1", billing.Change{PriceBooks: []billing.StoredPriceBook{storedBook("d1", "2026-11", true), off},
			Events: []org.Event{billEvent("d1", "switch", "pricebook/2026-11")}})
		active, err := bs.ActivePriceBook(ctx, "d1")
		require.NoError(t, err)
		require.Equal(t, "2026-11", active.Book.Version)
		old, err := bs.PriceBook(ctx, "d1", "2026-10")
		require.NoError(t, err)
		require.False(t, old.Active)
		require.Equal(t, int64(3), old.Version)

		// A second active version, by insert or by update, is refused.
		again := storedBook("d1", "2026-10", true)
		again.Version = 4
		for name, c := range map[string]billing.Change{
			"a new active version":         {PriceBooks: []billing.StoredPriceBook{storedBook("d1", "2026-12", true)}},
			"reactivating an old version":  {PriceBooks: []billing.StoredPriceBook{again}},
			"two active versions together": {PriceBooks: []billing.StoredPriceBook{storedBook("d1", "2027-01", true), storedBook("d1", "2027-02", true)}},
		} {
			c.Events = []org.Event{billEvent("d1", "refused", "pricebook")}
			err := bs.Commit(ctx, "d1", c)
			require.ErrorIs(t, err, org.ErrConflict, name)
			require.ErrorContains(t, err, "price book", name)
		}
		active, err = bs.ActivePriceBook(ctx, "d1")
		require.NoError(t, err)
		require.Equal(t, "2026-11", active.Book.Version)
		_, err = bs.PriceBook(ctx, "d1", "2026-12")
		require.ErrorIs(t, err, org.ErrNotFound)
		evs, err := bs.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"switch"}, eventIDs(evs))

		// Another dealer has its own active version.
		billCommit(t, bs, "d2", billing.Change{PriceBooks: []billing.StoredPriceBook{storedBook("d2", "2026-12", true)}})
		active, err = bs.ActivePriceBook(ctx, "d2")
		require.NoError(t, err)
		require.Equal(t, "2026-12", active.Book.Version)
	})
}

// TestDocumentNumberUnique: a second document with a number its series
// has issued already is refused as a conflict, even under another ID: the
// second line of defence behind the series' version.
func TestDocumentNumberUnique(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		billCommit(t, bs, "d1", billing.Change{Documents: []billing.Document{receipt("d1", "RCP-000001", 1, "wo-1", t0)}})
		err := bs.Commit(ctx, "d1", billing.Change{Documents: []billing.Document{receipt("d1", "RCP-1-again", 1, "wo-2", t0)},
			Events: []org.Event{billEvent("d1", "x", "document/RCP-1-again")}})
		require.ErrorIs(t, err, org.ErrConflict)
		require.ErrorContains(t, err, "document RCP-1-again")
		_, err = bs.Document(ctx, "d1", "RCP-1-again")
		require.ErrorIs(t, err, org.ErrNotFound)
		// The same number in another series, or of another dealer, is fine.
		other := receipt("d1", "INV-000001", 1, "wo-2", t0)
		other.Series = "INV"
		billCommit(t, bs, "d1", billing.Change{Documents: []billing.Document{other}})
		billCommit(t, bs, "d2", billing.Change{Documents: []billing.Document{receipt("d2", "RCP-000001", 1, "wo-1", t0)}})
		evs, err := bs.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Empty(t, evs)
	})
}

// TestDeskCommitWithBilling: a servicedesk commit carrying billing records
// writes them in its transaction, its own events before billing's; with a
// stale billing series it writes nothing at all; a billing record of
// another dealer is ErrInvalid, named under billing.
func TestDeskCommitWithBilling(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		ds, bs := s.ServiceDesk(), s.Billing()
		commit(t, s, "d1", org.Change{Events: []org.Event{event("d1", "o1")}})

		wo := workOrder("d1", "wo-1", servicedesk.StateReady, "adv-1", t0)
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{wo}})
		settled := wo
		settled.Version, settled.State, settled.Settlement = 2, servicedesk.StateSettled, "st-1"
		inv := invoice("d1", "INV-000001", 1)
		deskCommit(t, ds, "d1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{settled},
			Events:     []org.Event{deskEvent("d1", "s1", "workorder/wo-1"), deskEvent("d1", "s2", "workorder/wo-1")},
			Billing: billing.Change{
				Settlements: []billing.Settlement{settlementOf("d1", "st-1", "adv-1", t0)},
				Documents:   []billing.Document{inv},
				Series:      []billing.Series{series("d1", "INV", 2, 1)},
				Events:      []org.Event{billEvent("d1", "b1", "settlement/st-1")},
			}})
		got, err := ds.WorkOrder(ctx, "d1", "wo-1")
		require.NoError(t, err)
		require.Equal(t, servicedesk.StateSettled, got.State)
		gotInv, err := bs.Document(ctx, "d1", "INV-000001")
		require.NoError(t, err)
		requireSame(t, inv, gotInv, "invoice committed through the servicedesk view")
		_, err = bs.Settlement(ctx, "d1", "st-1")
		require.NoError(t, err)
		sr, err := bs.Series(ctx, "d1", "INV")
		require.NoError(t, err)
		require.Equal(t, series("d1", "INV", 2, 1), sr)
		evs, err := s.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		require.Equal(t, []string{"o1", "s1", "s2", "b1"}, eventIDs(evs), "servicedesk events, then billing's")
		for i, ev := range evs {
			require.Equal(t, int64(i+1), ev.Seq)
		}

		// A stale series: nothing of the commit lands, the rows written
		// before the series in the transaction included.
		delivered := settled
		delivered.Version, delivered.State = 3, servicedesk.StateDelivered
		err = ds.Commit(ctx, "d1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{delivered, workOrder("d1", "wo-2", servicedesk.StateReceived, "adv-1", t0)},
			Events:     []org.Event{deskEvent("d1", "s3", "workorder/wo-1")},
			Billing: billing.Change{
				Settlements: []billing.Settlement{settlementOf("d1", "st-2", "adv-1", t0)},
				Documents:   []billing.Document{invoice("d1", "INV-000002", 2)},
				Series:      []billing.Series{series("d1", "INV", 3, 1)},
				Events:      []org.Event{billEvent("d1", "b2", "settlement/st-2")},
			}})
		require.ErrorIs(t, err, org.ErrConflict)
		require.ErrorContains(t, err, "series INV")
		got, err = ds.WorkOrder(ctx, "d1", "wo-1")
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
		_, err = ds.WorkOrder(ctx, "d1", "wo-2")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = bs.Settlement(ctx, "d1", "st-2")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = bs.Document(ctx, "d1", "INV-000002")
		require.ErrorIs(t, err, org.ErrNotFound)
		sr, err = bs.Series(ctx, "d1", "INV")
		require.NoError(t, err)
		require.Equal(t, int64(1), sr.Version)
		after, err := s.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		require.Equal(t, evs, after)

		// A billing record of another dealer, named under billing.
		err = ds.Commit(ctx, "d1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-3", servicedesk.StateReceived, "adv-1", t0)},
			Billing: billing.Change{Documents: []billing.Document{invoice("d2", "INV-000009", 9)},
				Events: []org.Event{billEvent("d2", "x", "settlement/st-9")}}})
		require.ErrorIs(t, err, org.ErrInvalid)
		fe, ok := org.FieldErrorOf(err, "billing.documents[0].dealer_id")
		require.True(t, ok, "%v", err)
		require.Contains(t, fe.Message, "document INV-000009")
		_, ok = org.FieldErrorOf(err, "billing.events[0].dealer_id")
		require.True(t, ok, "%v", err)
		_, err = ds.WorkOrder(ctx, "d1", "wo-3")
		require.ErrorIs(t, err, org.ErrNotFound)

		// Billing events alone, through the servicedesk view.
		deskCommit(t, ds, "d1", servicedesk.Change{Billing: billing.Change{Events: []org.Event{billEvent("d1", "b3", "settlement/st-1")}}})
		last, err := bs.Events(ctx, "d1", int64(len(evs)), 10)
		require.NoError(t, err)
		require.Equal(t, []string{"b3"}, eventIDs(last))
	})
}

// TestBillingConcurrentIssuers: writers issue invoices from one series,
// half through the billing view and half through the servicedesk view
// with a work order each, retrying on ErrConflict. Every error is a
// conflict (no deadlock, no unique violation leaking out), and the
// numbers run 1..n without a gap.
func TestBillingConcurrentIssuers(t *testing.T) {
	t.Parallel()
	const writers = 12
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		ds, bs := s.ServiceDesk(), s.Billing()
		billCommit(t, bs, "d1", billing.Change{Series: []billing.Series{series("d1", "INV", 1, 1)}})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for {
					sr, err := bs.Series(ctx, "d1", "INV")
					if err != nil {
						t.Errorf("writer %d: %v", w, err)
						return
					}
					doc := receipt("d1", billing.DocumentID(fmt.Sprintf("INV-%06d", sr.Next)), sr.Next, fmt.Sprint("wo-", w), t0)
					doc.Series = "INV"
					next := sr
					next.Next, next.Version = sr.Next+1, sr.Version+1
					bc := billing.Change{Documents: []billing.Document{doc}, Series: []billing.Series{next},
						Events: []org.Event{billEvent("d1", fmt.Sprint("b", w), "settlement/"+doc.WorkOrder)}}
					if w%2 == 0 {
						err = bs.Commit(ctx, "d1", bc)
					} else {
						err = ds.Commit(ctx, "d1", servicedesk.Change{Billing: bc,
							WorkOrders: []servicedesk.WorkOrder{workOrder("d1", servicedesk.WorkOrderID(doc.WorkOrder), servicedesk.StateSettled, "adv-1", t0)}})
					}
					if err == nil {
						return
					}
					if !errors.Is(err, org.ErrConflict) {
						t.Errorf("writer %d: want nil or ErrConflict, got %v", w, err)
						return
					}
				}
			})
		}
		wg.Wait()
		docs, err := bs.Documents(ctx, "d1", billing.DocumentQuery{})
		require.NoError(t, err)
		require.Len(t, docs, writers)
		numbers := []int64{}
		for _, d := range docs {
			numbers = append(numbers, d.Number)
		}
		slices.Sort(numbers)
		for i, n := range numbers {
			require.Equal(t, int64(i+1), n)
		}
		sr, err := bs.Series(ctx, "d1", "INV")
		require.NoError(t, err)
		require.Equal(t, series("d1", "INV", writers+1, writers+1), sr)
		wos, err := ds.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{})
		require.NoError(t, err)
		require.Len(t, wos, writers/2)
		evs, err := bs.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		require.Len(t, evs, writers)
	})
}

// TestBillingReadsAreCopies: a record committed and then changed by the
// caller, or read and then changed, leaves the store as it was.
func TestBillingReadsAreCopies(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		inv := invoice("d1", "INV-000001", 1)
		want := inv.Clone()
		billCommit(t, bs, "d1", billing.Change{Documents: []billing.Document{inv}})
		inv.Bill.Lines[0].Explain.Args["hours"] = "99"
		inv.Notes[0].Key = "changed"
		got, err := bs.Document(ctx, "d1", "INV-000001")
		require.NoError(t, err)
		requireSame(t, want, got, "after the caller changed what it committed")
		got.Bill.Lines[0].Explain.Args["hours"] = "77"
		again, err := bs.Document(ctx, "d1", "INV-000001")
		require.NoError(t, err)
		requireSame(t, want, again, "after the caller changed what it read")
		require.True(t, reflect.DeepEqual(want.Bill.Lines[0].Explain.Args, again.Bill.Lines[0].Explain.Args))
	})
}

// TestBillingContextDone: a done context fails reads and commits, which
// write nothing.
func TestBillingContextDone(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		bs := b.bills(t)
		done, cancel := context.WithCancel(t.Context())
		cancel()
		err := bs.Commit(done, "d1", billing.Change{Documents: []billing.Document{receipt("d1", "RCP-1", 1, "wo-1", t0)}})
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, bs.Commit(done, "d1", billing.Change{}), context.Canceled)
		for _, read := range []func() error{
			func() error { _, err := bs.Document(done, "d1", "RCP-1"); return err },
			func() error { _, err := bs.Documents(done, "d1", billing.DocumentQuery{}); return err },
			func() error { _, err := bs.Settlement(done, "d1", "st-1"); return err },
			func() error { _, err := bs.Settlements(done, "d1", billing.SettlementQuery{}); return err },
			func() error { _, err := bs.PriceBook(done, "d1", "2026-11"); return err },
			func() error { _, err := bs.ActivePriceBook(done, "d1"); return err },
			func() error { _, err := bs.Series(done, "d1", "RCP"); return err },
			func() error { _, err := bs.Events(done, "d1", 0, 10); return err },
		} {
			require.ErrorIs(t, read(), context.Canceled)
		}
		docs, err := bs.Documents(t.Context(), "d1", billing.DocumentQuery{})
		require.NoError(t, err)
		require.Empty(t, docs)
	})
}

// TestBillingMigrationDown: 0003 rolls back to the servicedesk schema,
// which keeps working, and comes back.
func TestBillingMigrationDown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		bs := s.Billing()
		billCommit(t, bs, "d1", billing.Change{Series: []billing.Series{series("d1", "INV", 2, 1)}})
		require.NoError(t, s.MigrateDown(ctx, 2))
		_, err := bs.Series(ctx, "d1", "INV")
		require.Error(t, err)
		require.NotErrorIs(t, err, org.ErrNotFound, "series after rolling 0003 back")
		deskCommit(t, s.ServiceDesk(), "d1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1", servicedesk.StateReceived, "adv-1", t0)}})
		require.NoError(t, s.Migrate(ctx))
		_, err = bs.Series(ctx, "d1", "INV")
		require.ErrorIs(t, err, org.ErrNotFound, "a new, empty series table")
		billCommit(t, bs, "d1", billing.Change{Series: []billing.Series{series("d1", "INV", 2, 1)}})
	})
}

// TestActivePriceBookConcurrentSwitches: writers each save a version of
// their own and make it the active one, deactivating whichever they read
// as active, retrying on ErrConflict. Every error is a conflict (the
// partial unique index's refusal included, never a deadlock), every
// version lands, and exactly one is active at the end.
func TestActivePriceBookConcurrentSwitches(t *testing.T) {
	t.Parallel()
	const writers = 10
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		bs := b.bills(t)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for {
					c := billing.Change{PriceBooks: []billing.StoredPriceBook{storedBook("d1", fmt.Sprintf("v%02d", w), true)}}
					old, err := bs.ActivePriceBook(ctx, "d1")
					switch {
					case err == nil:
						old.Active = false
						old.Version++
						c.PriceBooks = append(c.PriceBooks, old)
					case !errors.Is(err, org.ErrNotFound):
						t.Errorf("writer %d: %v", w, err)
						return
					}
					err = bs.Commit(ctx, "d1", c)
					if err == nil {
						return
					}
					if !errors.Is(err, org.ErrConflict) {
						t.Errorf("writer %d: want nil or ErrConflict, got %v", w, err)
						return
					}
				}
			})
		}
		wg.Wait()
		active := 0
		for w := range writers {
			pb, err := bs.PriceBook(ctx, "d1", fmt.Sprintf("v%02d", w))
			require.NoError(t, err)
			if pb.Active {
				active++
			}
		}
		require.Equal(t, 1, active)
		_, err := bs.ActivePriceBook(ctx, "d1")
		require.NoError(t, err)
	})
}
