package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// Commit writes c in one transaction: every record and event, or nothing,
// c.Billing included, under the rules of [BillingStore.Commit]. Its events
// take Seqs from the counter org's Commit uses, so both append to one
// audit trail; c.Events come before c.Billing.Events.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record or event belongs to another dealer, a record has a Version below
// 1, or an instant lies outside the years 1 to 9999. It returns an error
// matching org.ErrConflict when a Version 1 record exists already, the
// stored Version of a record written with Version n > 1 is not n-1, or a
// billing record would break a unique rule of its table; so does a Change
// naming one record twice.
func (d DeskStore) Commit(ctx context.Context, dealer org.DealerID, c servicedesk.Change) error {
	rows, err := d.deskRows(dealer, c)
	if err != nil {
		return err
	}
	if err := priceBooksTwice(dealer, c.Billing.PriceBooks); err != nil {
		return err
	}
	events := c.Events
	if len(c.Billing.Events) > 0 {
		events = append(slices.Clip(c.Events), c.Billing.Events...)
	}
	return d.commitRedacting(ctx, dealer, rows, events, c.Redactions)
}

// The servicedesk tables, written in rank order before billing's.
var (
	workOrdersTable = &recordTable{0, "work_orders", []string{"id"}, []string{"state", "advisor", "opened_at", "version", "doc"}}
	calendarTable   = &recordTable{1, "calendar_days", []string{"technician", "day"}, []string{"slots", "version"}}
	complaintsTable = &recordTable{2, "complaints", []string{"id"}, []string{"state", "advisor", "opened_at", "version", "doc"}}
	surveysTable    = &recordTable{3, "surveys", []string{"work_order"}, []string{"advisor", "answered_at", "version", "doc"}}
)

// deskRows checks c, its billing part included, before anything is
// written, for what the store must not or cannot write for dealer, and
// returns its records encoded in the order they are written (see
// [sortRows]).
func (d DeskStore) deskRows(dealer org.DealerID, c servicedesk.Change) ([]recordRow, error) {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	rows := make([]recordRow, 0, len(c.WorkOrders)+len(c.Calendar)+len(c.Complaints)+len(c.Surveys))
	for i, w := range c.WorkOrders {
		p := "work_orders[" + strconv.Itoa(i) + "]"
		what := "work order " + string(w.ID)
		checkRecord(ve, p, what, w.DealerID, dealer, w.Version)
		w = w.Clone() // normalised below; the caller's stays as it was
		doc := encodeDoc(ve, p, &w)
		rows = append(rows, recordRow{workOrdersTable, []string{string(w.ID)},
			[]any{string(w.State), string(w.Advisor), d.timeArg(w.OpenedAt), w.Version, doc}, w.Version, what})
	}
	for i, cd := range c.Calendar {
		p := "calendar[" + strconv.Itoa(i) + "]"
		what := "calendar of " + string(cd.Technician) + " on " + cd.Day
		checkRecord(ve, p, what, cd.DealerID, dealer, cd.Version)
		cd = cd.Clone()
		slots := encodeDoc(ve, p+".slots", &cd.Slots)
		rows = append(rows, recordRow{calendarTable, []string{string(cd.Technician), cd.Day},
			[]any{slots, cd.Version}, cd.Version, what})
	}
	for i, cp := range c.Complaints {
		p := "complaints[" + strconv.Itoa(i) + "]"
		what := "complaint " + string(cp.ID)
		checkRecord(ve, p, what, cp.DealerID, dealer, cp.Version)
		doc := encodeDoc(ve, p, &cp)
		rows = append(rows, recordRow{complaintsTable, []string{string(cp.ID)},
			[]any{string(cp.State), string(cp.Advisor), d.timeArg(cp.OpenedAt), cp.Version, doc}, cp.Version, what})
	}
	for i, sv := range c.Surveys {
		p := "surveys[" + strconv.Itoa(i) + "]"
		what := "survey of " + string(sv.WorkOrder)
		checkRecord(ve, p, what, sv.DealerID, dealer, sv.Version)
		doc := encodeDoc(ve, p, &sv)
		rows = append(rows, recordRow{surveysTable, []string{string(sv.WorkOrder)},
			[]any{string(sv.Advisor), d.timeArg(sv.AnsweredAt), sv.Version, doc}, sv.Version, what})
	}
	checkEvents(ve, dealer, c.Events)
	rows = append(rows, d.billingRows(ve, "billing.", dealer, c.Billing)...)
	if err := ve.Err(); err != nil {
		return nil, err
	}
	sortRows(rows)
	return rows, nil
}

// checkRecord records in ve a record of another dealer, naming it, and a
// Version below 1.
func checkRecord(ve *org.ValidationError, path, what string, got, dealer org.DealerID, version int64) {
	if got != dealer {
		ve.Add(path+".dealer_id", org.CodeInvalid,
			fmt.Sprintf("%s is of dealer %q, but the commit is for dealer %q", what, got, dealer))
	}
	checkVersion(ve, path+".version", version)
}
