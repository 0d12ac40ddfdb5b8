package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// Commit writes c in one transaction: every record and event, or nothing.
// Its events take Seqs from the counter every view of the Store uses.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record or event belongs to another dealer, a record has a Version below
// 1 or a month that is not a calendar month, or an instant lies outside the
// years 1 to 9999. It returns an error matching org.ErrConflict when a
// Version 1 record exists already, or the stored Version of a record
// written with Version n > 1 is not n-1; so does a Change holding one
// record twice, the second write finding the first.
func (a AppraisalStore) Commit(ctx context.Context, dealer org.DealerID, c appraisal.Change) error {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	rows := a.appraisalRows(ve, dealer, c)
	if err := ve.Err(); err != nil {
		return err
	}
	sortRows(rows)
	return a.commitRows(ctx, dealer, rows, c.Events)
}

// The appraisal tables, written in rank order after billing's. Keys are
// the month's text and the record's own key within it.
var (
	appraisalCyclesTable       = &recordTable{20, "appraisal_cycles", []string{"month"}, []string{"state", "version", "doc"}}
	appraisalInputsTable       = &recordTable{21, "appraisal_inputs", []string{"month", "key"}, []string{"ratee", "version", "doc"}}
	appraisalsTable            = &recordTable{22, "appraisals", []string{"month", "employee"}, []string{"version", "doc"}}
	appraisalImprovementsTable = &recordTable{23, "appraisal_improvements", []string{"month", "employee"}, []string{"version", "doc"}}
)

// appraisalRows checks the records and events of c, recording in ve what
// the store must not or cannot write for dealer, and returns the records
// encoded, not yet sorted.
func (a AppraisalStore) appraisalRows(ve *org.ValidationError, dealer org.DealerID, c appraisal.Change) []recordRow {
	rows := make([]recordRow, 0, len(c.Cycles)+len(c.Inputs)+len(c.Appraisals)+len(c.Improvements))
	for i, cy := range c.Cycles {
		p := "cycles[" + strconv.Itoa(i) + "]"
		what := "appraisal cycle " + cy.Month.String()
		checkRecord(ve, p, what, cy.DealerID, dealer, cy.Version)
		cy = cy.Clone() // normalised below; the caller's stays as it was
		normalizeDeadlines(ve, p+".deadlines", cy.Deadlines)
		doc := encodeMonthDoc(ve, p, cy.Month, &cy)
		rows = append(rows, recordRow{appraisalCyclesTable, []string{cy.Month.String()},
			[]any{string(cy.State), cy.Version, doc}, cy.Version, what})
	}
	for i, in := range c.Inputs {
		p := "inputs[" + strconv.Itoa(i) + "]"
		what := "appraisal input " + in.Key() + " of " + in.Month.String()
		checkRecord(ve, p, what, in.DealerID, dealer, in.Version)
		doc := encodeMonthDoc(ve, p, in.Month, &in)
		rows = append(rows, recordRow{appraisalInputsTable, []string{in.Month.String(), in.Key()},
			[]any{string(in.Ratee), in.Version, doc}, in.Version, what})
	}
	for i, ap := range c.Appraisals {
		p := "appraisals[" + strconv.Itoa(i) + "]"
		employee := string(ap.Computed.Employee)
		what := "appraisal of " + employee + " for " + ap.Month.String()
		checkRecord(ve, p, what, ap.DealerID, dealer, ap.Version)
		ap = ap.Clone()
		doc := encodeMonthDoc(ve, p, ap.Month, &ap)
		rows = append(rows, recordRow{appraisalsTable, []string{ap.Month.String(), employee},
			[]any{ap.Version, doc}, ap.Version, what})
	}
	for i, im := range c.Improvements {
		p := "improvements[" + strconv.Itoa(i) + "]"
		what := "improvement plan of " + string(im.Employee) + " for " + im.Month.String()
		checkRecord(ve, p, what, im.DealerID, dealer, im.Version)
		im = im.Clone()
		doc := encodeMonthDoc(ve, p, im.Month, &im)
		rows = append(rows, recordRow{appraisalImprovementsTable, []string{im.Month.String(), string(im.Employee)},
			[]any{im.Version, doc}, im.Version, what})
	}
	checkEvents(ve, dealer, c.Events)
	return rows
}

// encodeMonthDoc is encodeDoc for a record keyed by month m, which must be
// a calendar month: its key column and its JSON are m's "2026-11".
func encodeMonthDoc[T any](ve *org.ValidationError, path string, m org.Month, rec *T) string {
	if !m.Valid() {
		ve.Add(path+".month", org.CodeRange, "must be a calendar month of the years 1 to 9999")
		return ""
	}
	return encodeDoc(ve, path, rec)
}

// normalizeDeadlines puts a cycle's deadlines, which the caller's clone
// owns, in UTC at microsecond precision, as encodeDoc does for every
// instant outside a map.
func normalizeDeadlines(ve *org.ValidationError, path string, deadlines map[appraisal.Source]time.Time) {
	for src, t := range deadlines {
		if !timeFits(t) {
			ve.Add(path+"."+string(src), org.CodeRange, "must be in the years 1 to 9999 (UTC)")
			continue
		}
		deadlines[src] = t.UTC().Truncate(time.Microsecond)
	}
}
