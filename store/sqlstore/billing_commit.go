package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// Commit writes c in one transaction: every record and event, or nothing.
// Its events take Seqs from the counter every view of the Store uses.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record or event belongs to another dealer, a record has a Version below
// 1, or an instant lies outside the years 1 to 9999. It returns an error
// matching org.ErrConflict when a Version 1 record exists already, the
// stored Version of a record written with Version n > 1 is not n-1, or a
// record would break a unique rule of its table: a second active price
// book of the dealer, or a second document with one number of a series;
// so does a Change naming one record twice. To switch price books,
// deactivate the old one in the same Change: the store writes
// deactivations first.
func (b BillingStore) Commit(ctx context.Context, dealer org.DealerID, c billing.Change) error {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	rows := b.billingRows(ve, "", dealer, c)
	if err := ve.Err(); err != nil {
		return err
	}
	if err := priceBooksTwice(dealer, c.PriceBooks); err != nil {
		return err
	}
	sortRows(rows)
	return b.commitRows(ctx, dealer, rows, c.Events)
}

// The billing tables, written in rank order after servicedesk's. Price
// books go in twice: the versions a commit deactivates are written before
// those it activates, so that the partial unique index on active never
// sees two active versions of a dealer in the middle of a switch. The
// series, which every issue of a document updates, comes last: its row
// lock is the one writers queue on, and is held the shortest.
var (
	priceBooksOffTable = &recordTable{10, "price_books", []string{"book_version"}, []string{"active", "saved_at", "version", "doc"}}
	priceBooksOnTable  = &recordTable{11, "price_books", []string{"book_version"}, []string{"active", "saved_at", "version", "doc"}}
	settlementsTable   = &recordTable{12, "settlements", []string{"key"}, []string{"advisor", "settled_at", "version", "doc"}}
	documentsTable     = &recordTable{13, "documents", []string{"id"}, []string{"work_order", "kind", "issued_at", "series", "number", "version", "doc"}}
	seriesTable        = &recordTable{14, "series", []string{"name"}, []string{"next", "version"}}
)

// priceBooksTwice refuses, with ErrConflict, a Change naming one price book
// twice. commitRows finds any other record named twice next to itself once
// the rows are sorted, but a book switched on is written after every book
// switched off: its twin switched off may be rows away, and version 1 off
// with version 2 on would both land, the second over the first.
func priceBooksTwice(dealer org.DealerID, books []billing.StoredPriceBook) error {
	seen := make(map[string]bool, len(books))
	for _, pb := range books {
		if seen[pb.Book.Version] {
			return fmt.Errorf("sqlstore: commit for dealer %s: price book %s is in the change twice: %w", dealer, pb.Book.Version, org.ErrConflict)
		}
		seen[pb.Book.Version] = true
	}
	return nil
}

// billingRows checks the records and events of c, found at prefix in the
// commit's Change ("" or "billing."), recording in ve what the store must
// not or cannot write for dealer, and returns the records encoded, not yet
// sorted. Both BillingStore.Commit and DeskStore.Commit write them.
func (s *Store) billingRows(ve *org.ValidationError, prefix string, dealer org.DealerID, c billing.Change) []recordRow {
	rows := make([]recordRow, 0, len(c.PriceBooks)+len(c.Settlements)+len(c.Documents)+len(c.Series))
	for i, pb := range c.PriceBooks {
		p := prefix + "price_books[" + strconv.Itoa(i) + "]"
		what := "price book " + pb.Book.Version
		checkRecord(ve, p, what, pb.DealerID, dealer, pb.Version)
		pb = pb.Clone() // normalised below; the caller's stays as it was
		doc := encodeDoc(ve, p, &pb)
		table := priceBooksOffTable
		if pb.Active {
			table = priceBooksOnTable
		}
		rows = append(rows, recordRow{table, []string{pb.Book.Version},
			[]any{pb.Active, s.timeArg(pb.SavedAt), pb.Version, doc}, pb.Version, what})
	}
	for i, st := range c.Settlements {
		p := prefix + "settlements[" + strconv.Itoa(i) + "]"
		what := "settlement " + st.Key
		checkRecord(ve, p, what, st.DealerID, dealer, st.Version)
		st = st.Clone()
		doc := encodeDoc(ve, p, &st)
		rows = append(rows, recordRow{settlementsTable, []string{st.Key},
			[]any{string(st.Advisor), s.timeArg(st.SettledAt), st.Version, doc}, st.Version, what})
	}
	for i, d := range c.Documents {
		p := prefix + "documents[" + strconv.Itoa(i) + "]"
		what := "document " + string(d.ID)
		checkRecord(ve, p, what, d.DealerID, dealer, d.Version)
		d = d.Clone()
		doc := encodeDoc(ve, p, &d)
		rows = append(rows, recordRow{documentsTable, []string{string(d.ID)},
			[]any{d.WorkOrder, string(d.Kind), s.timeArg(d.IssuedAt), d.Series, d.Number, d.Version, doc}, d.Version, what})
	}
	for i, sr := range c.Series {
		p := prefix + "series[" + strconv.Itoa(i) + "]"
		what := "series " + sr.Name
		checkRecord(ve, p, what, sr.DealerID, dealer, sr.Version)
		rows = append(rows, recordRow{seriesTable, []string{sr.Name}, []any{sr.Next, sr.Version}, sr.Version, what})
	}
	checkEventsAt(ve, prefix+"events", dealer, c.Events)
	return rows
}
