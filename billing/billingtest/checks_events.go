package billingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

func checkEventsAppended(ctx context.Context, s billing.Store, f Features) error {
	r := f.events(s)
	if r == nil {
		return fmt.Errorf("%w: the store is not an EventReader and Features.Events is not set", ErrSkip)
	}
	commits := []billing.Change{
		{Documents: []billing.Document{document("d1", "RCP-000001")}, Events: events("d1", "c0", "document/RCP-000001", 1)},
		{Events: events("d1", "c1", "settlement/st-1", 3)},
		{Series: []billing.Series{series("d1", "RCP", 2)}},
		{Settlements: []billing.Settlement{settlement("d1", "st-1")}, PriceBooks: []billing.StoredPriceBook{priceBook("d1", bookVersions[1], true)},
			Events: append(events("d1", "c3", "settlement/st-1", 1), events("d1", "c3p", "pricebook/"+bookVersions[1], 1)...)},
	}
	var want []org.Event
	for i, c := range commits {
		if err := commit(ctx, s, "d1", c, fmt.Sprintf("commit %d", i)); err != nil {
			return err
		}
		want = append(want, c.Events...)
	}
	all, err := r.Events(ctx, "d1", 0, 100)
	if err != nil {
		return err
	}
	if err := kit.SameEvents("Events(d1, after 0)", all, want); err != nil {
		return err
	}
	if all[0].Seq <= 0 {
		return fmt.Errorf("first Seq is %d; Seq starts above 0 so that 0 is the cursor before everything", all[0].Seq)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			return fmt.Errorf("event %s has Seq %d after Seq %d: not strictly increasing in commit order", all[i].ID, all[i].Seq, all[i-1].Seq)
		}
	}
	for _, c := range []struct {
		after int64
		limit int
		want  []org.Event
	}{
		{0, 1, all[:1]},
		{all[2].Seq, 2, all[3:5]},
		{all[3].Seq, 10, all[4:]},
		{all[len(all)-1].Seq, 10, nil},
	} {
		got, err := r.Events(ctx, "d1", c.after, c.limit)
		if err != nil {
			return err
		}
		if err := kit.DiffEvents(fmt.Sprintf("Events(d1, after %d, limit %d)", c.after, c.limit), got, c.want); err != nil {
			return err
		}
	}
	return nil
}

func checkContextDone(ctx context.Context, s billing.Store, f Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	before, err := take(ctx, s, f, "d1")
	if err != nil {
		return err
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"PriceBook", func() error { _, err := s.PriceBook(done, "d1", bookVersions[1]); return err }},
		{"ActivePriceBook", func() error { _, err := s.ActivePriceBook(done, "d1"); return err }},
		{"Settlement", func() error { _, err := s.Settlement(done, "d1", "st-1"); return err }},
		{"Settlements", func() error { _, err := s.Settlements(done, "d1", billing.SettlementQuery{Limit: 10}); return err }},
		{"Document", func() error { _, err := s.Document(done, "d1", "RCP-000001"); return err }},
		{"Documents", func() error { _, err := s.Documents(done, "d1", billing.DocumentQuery{Limit: 10}); return err }},
		{"Series", func() error { _, err := s.Series(done, "d1", "RCP"); return err }},
		{"Commit", func() error {
			sr := series("d1", "RCP", 3)
			sr.Version = 2
			c := billing.Change{Documents: []billing.Document{document("d1", "RCP-000002")}, Settlements: []billing.Settlement{settlement("d1", "st-2")},
				Series: []billing.Series{sr}, PriceBooks: []billing.StoredPriceBook{priceBook("d1", bookVersions[2], false)},
				Events: events("d1", "x", "settlement/st-2", 1)}
			return s.Commit(done, "d1", c)
		}},
	}
	var errs []error
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, done.Err()) {
			errs = append(errs, fmt.Errorf("%s with a cancelled context returned %v, want an error matching %v", c.name, err, done.Err()))
		}
	}
	after, err := take(ctx, s, f, "d1")
	if err != nil {
		return err
	}
	if err := before.same(after); err != nil {
		errs = append(errs, fmt.Errorf("a Commit with a cancelled context wrote: %w", err))
	}
	return errors.Join(errs...)
}
