package billingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// checkSeriesGapless: f.Writers goroutines each issue one invoice the way
// the Service does: read the series (none yet: Next is 1), commit the
// document numbered Next with the series at Next+1 and the version read
// plus one, retry on ErrConflict. It runs two rounds: in the first the
// writers' first reads all see no series, so their first commits race to
// create it; in the second they all see the series the first left, so
// they race to update it. A document's ID does not derive from its number
// here, so only the series' version keeps two writers from one number.
func checkSeriesGapless(ctx context.Context, s billing.Store, f Features) error {
	for round, what := range []string{"from a series never written", "from a series in use"} {
		together := kit.NewBarrier(f.Writers)
		conflicts, err := kit.Hammer(ctx, f.Writers, func(i, attempt int) error {
			sr, err := s.Series(ctx, "d1", "INV")
			switch {
			case errors.Is(err, org.ErrNotFound):
				sr = billing.Series{DealerID: "d1", Name: "INV", Next: 1}
			case err != nil:
				return err
			}
			if attempt == 0 {
				together.Wait(ctx)
			}
			w := fmt.Sprintf("r%dw%02d", round, i)
			doc := document("d1", billing.DocumentID("INV-"+w))
			doc.Series, doc.Kind, doc.Number = "INV", billing.Invoice, sr.Next
			sr.Next++
			sr.Version++
			return s.Commit(ctx, "d1", billing.Change{Documents: []billing.Document{doc}, Series: []billing.Series{sr},
				Events: events("d1", "issued-"+w, "document/"+string(doc.ID), 1)})
		})
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := gapless(ctx, s, f, (round+1)*f.Writers); err != nil {
			return fmt.Errorf("%s, %d writers (%d conflicts retried): %w", what, f.Writers, conflicts, err)
		}
	}
	return nil
}

// gapless checks that the invoices are numbered 1..n, the series is at
// n+1 after n updates, and the trail holds one event per invoice.
func gapless(ctx context.Context, s billing.Store, f Features, n int) error {
	docs, err := allDocuments(ctx, s, "d1", billing.DocumentQuery{Kind: billing.Invoice})
	if err != nil {
		return err
	}
	var numbers []int64
	for _, d := range docs {
		numbers = append(numbers, d.Number)
	}
	slices.Sort(numbers)
	want := make([]int64, n)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if !slices.Equal(numbers, want) {
		return fmt.Errorf("issued numbers %v, want 1..%d each once: a gap or a duplicate", numbers, n)
	}
	sr, err := s.Series(ctx, "d1", "INV")
	if err != nil {
		return err
	}
	if err := diffSeries(sr, billing.Series{DealerID: "d1", Name: "INV", Next: int64(n + 1), Version: int64(n)}); err != nil {
		return fmt.Errorf("after %d documents: %w", n, err)
	}
	if r := kit.TrailOf(s, f.Events); r != nil {
		evs, err := kit.AllEvents(ctx, r, "d1")
		if err != nil {
			return err
		}
		if len(evs) != n {
			return fmt.Errorf("%d documents issued left %d events %s: a refused commit wrote its event, or a landed one lost it", n, len(evs), kit.EventIDs(evs))
		}
	}
	return nil
}

// checkSettlementKeyOnce: f.Writers goroutines settle one work order with
// one idempotency key at once, each with its own receipt and event, as a
// double-clicked "settle" button does: each looks the key up, finds none,
// and commits the settlement at Version 1; their lookups all happen before
// any commit. One lands; the rest conflict and leave nothing behind.
func checkSettlementKeyOnce(ctx context.Context, s billing.Store, f Features) error {
	changes := make([]billing.Change, f.Writers)
	for i := range f.Writers {
		w := fmt.Sprintf("w%02d", i)
		doc := document("d1", billing.DocumentID("RCP-"+w))
		st := settlement("d1", "st-1")
		st.Advisor, st.Documents = org.EmployeeID("adv-"+w), []billing.DocumentID{doc.ID}
		changes[i] = billing.Change{Settlements: []billing.Settlement{st}, Documents: []billing.Document{doc},
			Events: events("d1", "settled-"+w, "settlement/st-1", 1)}
	}
	// Settling looks the key up first: settling again returns the
	// settlement already made. Every writer finds none.
	look := func(int) error {
		_, err := s.Settlement(ctx, "d1", "st-1")
		if !errors.Is(err, org.ErrNotFound) {
			return fmt.Errorf("looking up the key before settling: got %v, want an error matching %v", err, org.ErrNotFound)
		}
		return nil
	}
	won, err := kit.RaceToCreate(ctx, f.Writers, "settlement st-1", look, func(i int) error { return s.Commit(ctx, "d1", changes[i]) })
	if err != nil {
		return err
	}
	st, err := s.Settlement(ctx, "d1", "st-1")
	if err != nil {
		return err
	}
	if err := diffSettlement(st, changes[won].Settlements[0]); err != nil {
		return fmt.Errorf("the settlement is not the one commit that landed: %w", err)
	}
	docs, err := allDocuments(ctx, s, "d1", billing.DocumentQuery{})
	if err != nil {
		return err
	}
	if ids := kit.Keys(docs, documentID); !slices.Equal(ids, []string{string(changes[won].Documents[0].ID)}) {
		return fmt.Errorf("documents %q are stored, want only %s of the commit that landed: a refused commit wrote its document", ids, changes[won].Documents[0].ID)
	}
	return kit.OnlyEvents(ctx, kit.TrailOf(s, f.Events), "d1", changes[won].Events)
}
