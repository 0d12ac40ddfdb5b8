package billingtest

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

const scribbled = "scribbled"

func scribbleExplain(e *billing.Explanation) {
	e.Key = scribbled
	for k := range e.Args {
		e.Args[k] = scribbled
	}
	if e.Args != nil {
		e.Args[scribbled] = scribbled
	}
}

// scribbleDocument writes over everything of d that a careless store could
// share with its caller: every slice, nested slice and map.
func scribbleDocument(d *billing.Document) {
	if len(d.Bill.Lines) > 0 {
		l := &d.Bill.Lines[0]
		l.Description, l.Amount = scribbled, decimal.NewFromInt(-1)
		scribbleExplain(&l.Explain)
	}
	if len(d.Bill.Taxes) > 0 {
		d.Bill.Taxes[0].Name = scribbled
		scribbleExplain(&d.Bill.Taxes[0].Explain)
	}
	scribbleExplain(&d.Bill.Explain)
	if len(d.Payments) > 0 {
		d.Payments[0].Reference = scribbled
	}
	if len(d.Notes) > 0 {
		scribbleExplain(&d.Notes[0])
	}
}

func scribbleSettlement(s *billing.Settlement) {
	if len(s.Payments) > 0 {
		s.Payments[0].Reference = scribbled
	}
	if len(s.Documents) > 0 {
		s.Documents[0] = scribbled
	}
	if s.Override != nil {
		s.Override.Reason = scribbled
	}
}

func scribblePriceBook(sb *billing.StoredPriceBook) {
	b := &sb.Book
	if len(b.Labor.Rates) > 0 {
		b.Labor.Rates[0].Rate = decimal.NewFromInt(-1)
	}
	if len(b.Labor.Operations) > 0 {
		b.Labor.Operations[0].Code = scribbled
	}
	if len(b.Parts.Matrix) > 0 {
		b.Parts.Matrix[0].From = decimal.NewFromInt(-1)
	}
	if len(b.Fees) > 0 {
		b.Fees[0].Code = scribbled
		if len(b.Fees[0].PayTypes) > 0 {
			b.Fees[0].PayTypes[0] = scribbled
		}
	}
	if len(b.Coupons) > 0 {
		b.Coupons[0].Code = scribbled
	}
	if len(b.Tax.Rates) > 0 {
		r := &b.Tax.Rates[0]
		r.Name = scribbled
		if len(r.Kinds) > 0 {
			r.Kinds[0] = scribbled
		}
		if len(r.PayTypes) > 0 {
			r.PayTypes[0] = scribbled
		}
	}
}

func checkReadsAreCopies(ctx context.Context, s billing.Store, f Features) error {
	doc, crn := fullDocument("d1", "INV-000001", 1), creditNote(fullDocument("d1", "INV-000001", 1), "CRN-000001", 1)
	st, book := fullSettlement("d1", "st-1"), fullPriceBook("d1", bookVersions[1], true)
	ev := event("d1", "ev-1", "settlement/st-1")
	c := billing.Change{Documents: []billing.Document{doc, crn}, Settlements: []billing.Settlement{st}, PriceBooks: []billing.StoredPriceBook{book}, Events: []org.Event{ev}}
	if err := commit(ctx, s, "d1", c, "commit a document, a credit note, a settlement, a price book and an event"); err != nil {
		return err
	}
	// Scribble on what was committed: the Change's slices and the maps
	// inside them.
	for i := range c.Documents {
		scribbleDocument(&c.Documents[i])
	}
	scribbleSettlement(&c.Settlements[0])
	scribblePriceBook(&c.PriceBooks[0])
	c.Events[0].Data[0] = 'X'
	// want is fresh fixtures: nothing the kit holds is shared with them.
	wantDoc, wantSt, wantBook := fullDocument("d1", "INV-000001", 1), fullSettlement("d1", "st-1"), fullPriceBook("d1", bookVersions[1], true)
	reads := []struct {
		what  string
		check func() error
	}{
		{"Document", func() error {
			got, err := s.Document(ctx, "d1", "INV-000001")
			if err != nil {
				return err
			}
			err = diffDocument(got, wantDoc)
			scribbleDocument(&got)
			return err
		}},
		{"Documents", func() error {
			list, err := s.Documents(ctx, "d1", billing.DocumentQuery{Kind: billing.Invoice, Limit: 10})
			if err != nil {
				return err
			}
			if len(list) != 1 {
				return fmt.Errorf("listed %d invoices, want 1", len(list))
			}
			err = diffDocument(list[0], wantDoc)
			scribbleDocument(&list[0])
			return err
		}},
		{"Settlement", func() error {
			got, err := s.Settlement(ctx, "d1", "st-1")
			if err != nil {
				return err
			}
			err = diffSettlement(got, wantSt)
			scribbleSettlement(&got)
			return err
		}},
		{"Settlements", func() error {
			list, err := s.Settlements(ctx, "d1", billing.SettlementQuery{Limit: 10})
			if err != nil {
				return err
			}
			if len(list) != 1 {
				return fmt.Errorf("listed %d settlements, want 1", len(list))
			}
			err = diffSettlement(list[0], wantSt)
			scribbleSettlement(&list[0])
			return err
		}},
		{"PriceBook", func() error {
			got, err := s.PriceBook(ctx, "d1", bookVersions[1])
			if err != nil {
				return err
			}
			err = diffStoredPriceBook(got, wantBook)
			scribblePriceBook(&got)
			return err
		}},
		{"ActivePriceBook", func() error {
			got, err := s.ActivePriceBook(ctx, "d1")
			if err != nil {
				return err
			}
			err = diffStoredPriceBook(got, wantBook)
			scribblePriceBook(&got)
			return err
		}},
	}
	if r := f.events(s); r != nil {
		reads = append(reads, struct {
			what  string
			check func() error
		}{"Events", func() error {
			evs, err := r.Events(ctx, "d1", 0, 10)
			if err != nil {
				return err
			}
			err = kit.SameEvents("Events", evs, []org.Event{event("d1", "ev-1", "settlement/st-1")})
			for _, ev := range evs {
				if len(ev.Data) > 0 {
					ev.Data[0] = 'Y'
				}
			}
			return err
		}})
	}
	// Each read must see the fixture as written: not the scribbles on
	// what was committed, nor those on what an earlier read returned. Two
	// rounds, so the last read's scribbles are looked for too.
	for round := range 2 {
		for _, r := range reads {
			if err := r.check(); err != nil {
				what := "after the caller changed the committed values"
				if round > 0 {
					what = "after the caller changed the values every read returned"
				}
				return fmt.Errorf("%s %s: %w", r.what, what, err)
			}
		}
	}
	return nil
}
