package servicedesktest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of servicedesk.Store, and the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKitCatchesForgottenColumns generates one broken store
// per field of every record, by reflection, so a field added to a record
// and forgotten by the kit's diff fails here.
//
// The stores themselves are in kit_stores_test.go.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/servicedesk/servicedesktest"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore struct {
	name string
	// flaw is the rule it breaks, in the contract's words.
	flaw string
	open func() servicedesk.Store
	// caughtBy are the checks that must fail on it with an error.
	caughtBy []string
}

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), copyStores(), versionStores(), atomicStores(),
		tenancyStores(), listStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{name: "plainNotFound", flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			open: bend(func(o *over) { o.mapErrors(plainNotFound) }),
			caughtBy: []string{"WorkOrderNotFound", "CalendarDayNotFound", "ComplaintNotFound", "SurveyNotFound",
				"WorkOrderVersionRule", "TenancyIsolation", "ConcurrentBookingsNeverDoubleBook"}},
		{name: "missingIsZero", flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			open: bend(func(o *over) { o.mapErrors(nilIfNotFound) }),
			caughtBy: []string{"WorkOrderNotFound", "CalendarDayNotFound", "ComplaintNotFound", "SurveyNotFound",
				"WorkOrderVersionRule", "CalendarDayVersionRule", "ComplaintVersionRule", "SurveyVersionRule", "TenancyIsolation"}},
		{name: "calendarMissingIsEmpty", flaw: "CalendarDay answers a day never booked with an empty day of version 0",
			open: bend(func(o *over) {
				o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
					cd, err := o.DeskStore.CalendarDay(ctx, d, tech, day)
					if errors.Is(err, org.ErrNotFound) {
						return servicedesk.CalendarDay{DealerID: d, Technician: tech, Day: day}, nil
					}
					return cd, err
				}
			}),
			caughtBy: []string{"CalendarDayNotFound", "CalendarDayVersionRule", "TenancyIsolation"}},
		{name: "emptyIsNotFound", flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return notFoundIfEmpty(o.DeskStore.WorkOrders(ctx, d, q))
				}
				o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return notFoundIfEmpty(o.DeskStore.Complaints(ctx, d, q))
				}
				o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
					return notFoundIfEmpty(o.DeskStore.Surveys(ctx, d, q))
				}
			}),
			caughtBy: []string{"EmptyResults", "WorkOrdersFilters", "ComplaintsFilters", "SurveysFilters"}},
	}
}

func valueStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{name: "floatMoney", flaw: "passes amounts through float64 on write",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "WorkOrderRoundTrip"}},
		{name: "moneyTwoPlaces", flaw: "keeps 2 decimals of an amount (a NUMERIC(22,2) column), not 4",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "WorkOrderRoundTrip"}},
		{name: "moneyUnsigned", flaw: "drops the sign of an amount (an unsigned column)",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			caughtBy: []string{"AmountsExact"}},
		{name: "dropsMicroseconds", flaw: "keeps instants to the second",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			caughtBy: []string{"WorkOrderRoundTrip", "CalendarDayRoundTrip", "ComplaintRoundTrip", "SurveyRoundTrip", "WorkOrdersFilters", "ComplaintsFilters", "SurveysFilters"}},
		{name: "readsInDealerZone", flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if t, ok := v.Interface().(time.Time); ok {
						v.Set(reflect.ValueOf(t.In(taipei)))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{"WorkOrderRoundTrip", "CalendarDayRoundTrip", "ComplaintRoundTrip", "SurveyRoundTrip", "EventsSharedTrail"}},
		{name: "boundsAsWallClock", flaw: "compares a query bound's wall clock, ignoring its zone (instants kept as local text)",
			open: bend(func(o *over) {
				wall := func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
				}
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					q.OpenedFrom, q.OpenedBefore = wall(q.OpenedFrom), wall(q.OpenedBefore)
					return o.DeskStore.WorkOrders(ctx, d, q)
				}
				o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					q.OpenedFrom, q.OpenedBefore = wall(q.OpenedFrom), wall(q.OpenedBefore)
					return o.DeskStore.Complaints(ctx, d, q)
				}
				o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
					q.AnsweredFrom, q.AnsweredBefore = wall(q.AnsweredFrom), wall(q.AnsweredBefore)
					return o.DeskStore.Surveys(ctx, d, q)
				}
			}),
			caughtBy: []string{"WorkOrdersFilters", "ComplaintsFilters", "SurveysFilters", "LargeMonth"}},
		{name: "nilPointerAsZero", flaw: "reads a missing condition report or booking as a pointer to a zero one (nullable columns scanned into a struct)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{"WorkOrderRoundTrip"}},
		{name: "calendarKeyedByTechnician", flaw: "keys a calendar day by technician only, forgetting the day",
			open:     bendCalendarKey(func(tech org.EmployeeID, day string) (org.EmployeeID, string) { return tech, "any" }),
			caughtBy: []string{"CalendarDayRoundTrip", "CalendarDayNotFound", "CalendarDayVersionRule", "TenancyIsolation"}},
		{name: "calendarKeyedByDay", flaw: "keys a calendar day by day only, forgetting the technician",
			open:     bendCalendarKey(func(tech org.EmployeeID, day string) (org.EmployeeID, string) { return "any", day }),
			caughtBy: []string{"CalendarDayRoundTrip", "CalendarDayNotFound", "CalendarDayVersionRule"}},
		{name: "caseFoldKeys", flaw: "finds IDs case-insensitively (a _ci collation)",
			open: bend(func(o *over) {
				o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
					return o.DeskStore.WorkOrder(ctx, d, servicedesk.WorkOrderID(strings.ToLower(string(id))))
				}
				o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
					return o.DeskStore.Complaint(ctx, d, servicedesk.ComplaintID(strings.ToLower(string(id))))
				}
				o.survey = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.Survey, error) {
					return o.DeskStore.Survey(ctx, d, servicedesk.WorkOrderID(strings.ToLower(string(id))))
				}
				o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
					return o.DeskStore.CalendarDay(ctx, d, org.EmployeeID(strings.ToLower(string(tech))), day)
				}
			}),
			caughtBy: []string{"WorkOrderNotFound", "ComplaintNotFound", "SurveyNotFound", "CalendarDayNotFound"}},
		{name: "trimsKeys", flaw: "finds IDs with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			open: bend(func(o *over) {
				o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
					return o.DeskStore.WorkOrder(ctx, d, servicedesk.WorkOrderID(strings.TrimRight(string(id), " ")))
				}
				o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
					return o.DeskStore.Complaint(ctx, d, servicedesk.ComplaintID(strings.TrimRight(string(id), " ")))
				}
				o.survey = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.Survey, error) {
					return o.DeskStore.Survey(ctx, d, servicedesk.WorkOrderID(strings.TrimRight(string(id), " ")))
				}
			}),
			caughtBy: []string{"WorkOrderNotFound", "ComplaintNotFound", "SurveyNotFound"}},
		{name: "keepsOldJobs", flaw: "an update adds jobs, lines and notes to the stored ones instead of replacing them (child rows never deleted)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					c = cloneChange(c)
					for i, w := range c.WorkOrders {
						if old, err := o.DeskStore.WorkOrder(ctx, d, w.ID); err == nil && w.Version > 1 {
							c.WorkOrders[i].Jobs = mergeBy(old.Jobs, w.Jobs, func(j servicedesk.Job) string { return j.ID })
							c.WorkOrders[i].Notes = mergeBy(old.Notes, w.Notes, func(n servicedesk.Note) string { return n.Text })
						}
					}
					return o.DeskStore.Commit(ctx, d, c)
				}
			}),
			caughtBy: []string{"WorkOrderRoundTrip"}},
	}
}

func copyStores() []brokenStore {
	return []brokenStore{
		{name: "keepsCommittedSlices", flaw: "stores the caller's slices instead of copies", open: mapStore(keepsCommittedSlices), caughtBy: []string{"ReadsAreCopies"}},
		{name: "workOrderReturnsStored", flaw: "WorkOrder returns the stored slices", open: mapStore(workOrderReturnsStored), caughtBy: []string{"ReadsAreCopies"}},
		{name: "listReturnsStored", flaw: "WorkOrders returns the stored slices", open: mapStore(listReturnsStored), caughtBy: []string{"ReadsAreCopies"}},
		{name: "shallowCopies", flaw: "copies a work order's slices but not the slices and pointers inside them", open: mapStore(shallowCopies), caughtBy: []string{"ReadsAreCopies"}},
		{name: "calendarReturnsStored", flaw: "CalendarDay returns the stored Slots", open: mapStore(calendarReturnsStored), caughtBy: []string{"ReadsAreCopies"}},
		{name: "eventsReturnStored", flaw: "Events returns the stored Data", open: mapStore(eventsReturnStored), caughtBy: []string{"ReadsAreCopies"}},
		{name: "subjectEventsReturnStored", flaw: "SubjectEvents returns the stored Data", open: mapStore(subjectEventsReturnStored), caughtBy: []string{"ReadsAreCopies"}},
	}
}

func versionStores() []brokenStore {
	versionChecks := []string{"WorkOrderVersionRule", "CalendarDayVersionRule", "ComplaintVersionRule", "SurveyVersionRule"}
	concurrent := []string{"ConcurrentCommitsLoseNothing", "ConcurrentBookingsNeverDoubleBook"}
	return []brokenStore{
		{name: "lastWriterWins", flaw: "ignores Version: every write of Version >= 1 lands",
			open: mapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "lastWriterWinsSlow", flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			open: slowMapStore(lastWriterWins), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "createOverwrites", flaw: "Version 1 replaces an existing record",
			open: mapStore(createOverwrites), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic", "ConcurrentBookingsNeverDoubleBook"})},
		{name: "staleWins", flaw: "Version n > 1 replaces whatever version is stored",
			open: mapStore(staleWins), caughtBy: slices.Concat(versionChecks, concurrent)},
		{name: "updateCreates", flaw: "Version n > 1 of a missing record creates it (an upsert)",
			open: mapStore(updateCreates), caughtBy: versionChecks},
		{name: "versionZeroAccepted", flaw: "Version < 1 is written instead of refused with ErrInvalid",
			open: mapStore(versionZeroAccepted), caughtBy: versionChecks},
		{name: "versionZeroConflicts", flaw: "Version < 1 is refused with ErrConflict, not ErrInvalid",
			open: mapStore(versionZeroConflicts), caughtBy: versionChecks},
		{name: "writesThenConflicts", flaw: "writes the whole change, then reports the version conflict",
			open: mapStore(writesThenConflicts), caughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{name: "checkThenWrite", flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			open: mapStore(checkThenWrite), caughtBy: concurrent},
		{name: "calendarUpserts", flaw: "writes calendar days with INSERT OR REPLACE, ignoring their Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "calendar"), caughtBy: []string{"CalendarDayVersionRule", "CommitIsAtomic", "ConcurrentBookingsNeverDoubleBook"}},
		{name: "workOrderUpserts", flaw: "ignores work orders' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "workorder"), caughtBy: []string{"WorkOrderVersionRule", "CommitIsAtomic", "ConcurrentCommitsLoseNothing"}},
		{name: "complaintUpserts", flaw: "ignores complaints' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "complaint"), caughtBy: []string{"ComplaintVersionRule", "CommitIsAtomic"}},
		{name: "surveyUpserts", flaw: "ignores surveys' Version; other kinds keep the rule",
			open: mapStoreOnly(lastWriterWins, "survey"), caughtBy: []string{"SurveyVersionRule", "CommitIsAtomic"}},
	}
}

func atomicStores() []brokenStore {
	return []brokenStore{
		{name: "notAtomic", flaw: "writes each record as its own commit, so records before a conflict land",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					var parts []servicedesk.Change
					for _, w := range c.WorkOrders {
						parts = append(parts, servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}})
					}
					for _, cd := range c.Calendar {
						parts = append(parts, servicedesk.Change{Calendar: []servicedesk.CalendarDay{cd}})
					}
					for _, cp := range c.Complaints {
						parts = append(parts, servicedesk.Change{Complaints: []servicedesk.Complaint{cp}})
					}
					for _, sv := range c.Surveys {
						parts = append(parts, servicedesk.Change{Surveys: []servicedesk.Survey{sv}})
					}
					if len(c.Events) > 0 {
						parts = append(parts, servicedesk.Change{Events: c.Events})
					}
					return commitParts(ctx, o.DeskStore, d, parts)
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid"}},
		{name: "kindByKind", flaw: "writes each kind of record in its own transaction (one per table)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					return commitParts(ctx, o.DeskStore, d, []servicedesk.Change{
						{WorkOrders: c.WorkOrders}, {Calendar: c.Calendar}, {Complaints: c.Complaints}, {Surveys: c.Surveys}, {Events: c.Events},
					})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid"}},
		{name: "eventsFirst", flaw: "appends the events (the outbox) before checking the records",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.DeskStore, d, []servicedesk.Change{{Events: evs}, c})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "WorkOrderVersionRule", "CalendarDayVersionRule", "ComplaintVersionRule", "SurveyVersionRule", "ConcurrentCommitsLoseNothing"}},
		{name: "billingDropped", flaw: "writes the servicedesk records and events of a change and drops its Billing",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				c.Billing = billing.Change{}
				return c
			}),
			caughtBy: []string{"CommitWritesBillingAtomically"}},
		{name: "billingApart", flaw: "writes a change's Billing in a transaction of its own, after the servicedesk part",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					bc := c.Billing
					c.Billing = billing.Change{}
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return o.DeskStore.Billing().Commit(ctx, d, bc)
				}
			}),
			caughtBy: []string{"CommitWritesBillingAtomically"}},
		{name: "billingEventsFirst", flaw: "appends a change's billing events before its servicedesk events",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				c.Events, c.Billing.Events = slices.Concat(c.Billing.Events, c.Events), nil
				return c
			}),
			caughtBy: []string{"CommitWritesBillingAtomically"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{name: "acceptsOtherDealer", flaw: "writes each record under the dealer it names, not refusing other dealers'",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					parts := map[org.DealerID]*servicedesk.Change{}
					part := func(id org.DealerID) *servicedesk.Change {
						if parts[id] == nil {
							parts[id] = &servicedesk.Change{}
						}
						return parts[id]
					}
					for _, w := range c.WorkOrders {
						p := part(w.DealerID)
						p.WorkOrders = append(p.WorkOrders, w)
					}
					for _, cd := range c.Calendar {
						p := part(cd.DealerID)
						p.Calendar = append(p.Calendar, cd)
					}
					for _, cp := range c.Complaints {
						p := part(cp.DealerID)
						p.Complaints = append(p.Complaints, cp)
					}
					for _, sv := range c.Surveys {
						p := part(sv.DealerID)
						p.Surveys = append(p.Surveys, sv)
					}
					for _, ev := range c.Events {
						p := part(ev.DealerID)
						p.Events = append(p.Events, ev)
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := o.DeskStore.Commit(ctx, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "dealerCheckedOnWorkOrdersOnly", flaw: "checks DealerID of work orders and events only; other records are filed under the commit's dealer",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					c = cloneChange(c)
					for i := range c.Calendar {
						c.Calendar[i].DealerID = d
					}
					for i := range c.Complaints {
						c.Complaints[i].DealerID = d
					}
					for i := range c.Surveys {
						c.Surveys[i].DealerID = d
					}
					return o.DeskStore.Commit(ctx, d, c)
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "workOrderFallsBack", flaw: "WorkOrder looks the ID up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
					return fallBack(o, d, func(d org.DealerID) (servicedesk.WorkOrder, error) { return o.DeskStore.WorkOrder(ctx, d, id) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "calendarFallsBack", flaw: "CalendarDay looks the day up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
					return fallBack(o, d, func(d org.DealerID) (servicedesk.CalendarDay, error) {
						return o.DeskStore.CalendarDay(ctx, d, tech, day)
					})
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "complaintFallsBack", flaw: "Complaint looks the ID up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
					return fallBack(o, d, func(d org.DealerID) (servicedesk.Complaint, error) { return o.DeskStore.Complaint(ctx, d, id) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "surveyFallsBack", flaw: "Survey looks the work order up in every dealer when the asked one lacks it",
			open: bend(func(o *over) {
				o.survey = func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
					return fallBack(o, d, func(d org.DealerID) (servicedesk.Survey, error) { return o.DeskStore.Survey(ctx, d, wo) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "workOrdersOfEveryDealer", flaw: "WorkOrders ignores the dealer",
			open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, _ org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return everyDealer(o, q.Limit, func(w servicedesk.WorkOrder) string { return string(w.ID) },
						func(d org.DealerID) ([]servicedesk.WorkOrder, error) { return o.DeskStore.WorkOrders(ctx, d, q) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "complaintsOfEveryDealer", flaw: "Complaints ignores the dealer",
			open: bend(func(o *over) {
				o.complaints = func(ctx context.Context, _ org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return everyDealer(o, q.Limit, func(c servicedesk.Complaint) string { return string(c.ID) },
						func(d org.DealerID) ([]servicedesk.Complaint, error) { return o.DeskStore.Complaints(ctx, d, q) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "surveysOfEveryDealer", flaw: "Surveys ignores the dealer",
			open: bend(func(o *over) {
				o.surveys = func(ctx context.Context, _ org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
					return everyDealer(o, q.Limit, func(sv servicedesk.Survey) string { return string(sv.WorkOrder) },
						func(d org.DealerID) ([]servicedesk.Survey, error) { return o.DeskStore.Surveys(ctx, d, q) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "eventsOfEveryDealer", flaw: "Events ignores the dealer",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					return everyDealer(o, limit, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.DeskStore.Events(ctx, d, after, limit) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "subjectEventsOfEveryDealer", flaw: "SubjectEvents ignores the dealer",
			open: bend(func(o *over) {
				o.subjectEvents = func(ctx context.Context, _ org.DealerID, subject string) ([]org.Event, error) {
					return everyDealer(o, 1<<30, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.DeskStore.SubjectEvents(ctx, d, subject) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "updatesByIDOnly", flaw: "an update also lands on another dealer's record of the same ID (WHERE id = ? without dealer_id)",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					for _, other := range o.knownDealers() {
						if other == d {
							continue
						}
						var echo servicedesk.Change
						for _, w := range c.WorkOrders {
							if cur, err := o.DeskStore.WorkOrder(ctx, other, w.ID); err == nil && w.Version > 1 && cur.Version == w.Version-1 {
								w = w.Clone()
								w.DealerID = other
								echo.WorkOrders = append(echo.WorkOrders, w)
							}
						}
						for _, cp := range c.Complaints {
							if cur, err := o.DeskStore.Complaint(ctx, other, cp.ID); err == nil && cp.Version > 1 && cur.Version == cp.Version-1 {
								cp.DealerID = other
								echo.Complaints = append(echo.Complaints, cp)
							}
						}
						if err := o.DeskStore.Commit(ctx, other, echo); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
	}
}

func listStores() []brokenStore {
	type wq = servicedesk.WorkOrderQuery
	type cq = servicedesk.ComplaintQuery
	type sq = servicedesk.SurveyQuery
	later := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.Add(time.Nanosecond)
	}
	return []brokenStore{
		{name: "workOrdersIgnoreLimit", flaw: "WorkOrders returns every match, ignoring Limit",
			open: bendWorkOrders(func(q *wq) { q.Limit = 0 }), caughtBy: []string{"WorkOrdersOrderAndPages", "WorkOrdersFilters"}},
		{name: "workOrdersIgnoreAfter", flaw: "WorkOrders starts every page from the first ID, ignoring After",
			open: bendWorkOrders(func(q *wq) { q.After = "" }), caughtBy: []string{"WorkOrdersOrderAndPages", "WorkOrdersFilters", "LargeMonth"}},
		{name: "workOrdersAfterInclusive", flaw: "WorkOrders starts a page at After, not after it (id >= ?)",
			open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					if q.After != "" {
						if w, err := o.DeskStore.WorkOrder(ctx, d, q.After); err == nil {
							q.Limit--
							rest, err := o.DeskStore.WorkOrders(ctx, d, q)
							return append([]servicedesk.WorkOrder{w}, rest...), err
						}
					}
					return o.DeskStore.WorkOrders(ctx, d, q)
				}
			}),
			caughtBy: []string{"WorkOrdersOrderAndPages"}},
		{name: "caseFoldOrder", flaw: "orders and pages work order IDs case-insensitively (a database collation), not in byte order",
			open: bend(func(o *over) {
				fold := func(id servicedesk.WorkOrderID) string { return strings.ToLower(string(id)) }
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					limit, after := q.Limit, q.After
					q.Limit, q.After = 0, ""
					all, err := o.DeskStore.WorkOrders(ctx, d, q)
					slices.SortStableFunc(all, func(a, b servicedesk.WorkOrder) int { return cmp.Compare(fold(a.ID), fold(b.ID)) })
					out := []servicedesk.WorkOrder{}
					for _, w := range all {
						if (after == "" || fold(w.ID) > fold(after)) && len(out) < limit {
							out = append(out, w)
						}
					}
					return out, err
				}
			}),
			caughtBy: []string{"WorkOrdersOrderAndPages"}},
		{name: "firstThousandOnly", flaw: "pages within the first 1000 work orders only (LIMIT applied before WHERE id > after)",
			open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					first := q
					first.After, first.Limit = "", org.MaxPage
					all, err := o.DeskStore.WorkOrders(ctx, d, first)
					out := []servicedesk.WorkOrder{}
					for _, w := range all {
						if w.ID > q.After && len(out) < q.Limit {
							out = append(out, w)
						}
					}
					return out, err
				}
			}),
			caughtBy: []string{"LargeMonth"}},
		{name: "workOrdersIgnoreState", flaw: "WorkOrders ignores State", open: bendWorkOrders(func(q *wq) { q.State = "" }), caughtBy: []string{"WorkOrdersFilters", "EmptyResults"}},
		{name: "workOrdersIgnoreAdvisor", flaw: "WorkOrders ignores Advisor", open: bendWorkOrders(func(q *wq) { q.Advisor = "" }), caughtBy: []string{"WorkOrdersFilters"}},
		{name: "openedFromExclusive", flaw: "WorkOrders leaves out an order opened at OpenedFrom exactly (opened_at > ?)",
			open: bendWorkOrders(func(q *wq) { q.OpenedFrom = later(q.OpenedFrom) }), caughtBy: []string{"WorkOrdersFilters"}},
		{name: "openedBeforeInclusive", flaw: "WorkOrders includes an order opened at OpenedBefore exactly (opened_at <= ?)",
			open: bendWorkOrders(func(q *wq) { q.OpenedBefore = later(q.OpenedBefore) }), caughtBy: []string{"WorkOrdersFilters"}},
		{name: "workOrdersIgnoreBounds", flaw: "WorkOrders ignores OpenedFrom and OpenedBefore",
			open: bendWorkOrders(func(q *wq) { q.OpenedFrom, q.OpenedBefore = time.Time{}, time.Time{} }), caughtBy: []string{"WorkOrdersFilters", "LargeMonth"}},

		{name: "complaintsIgnoreLimit", flaw: "Complaints ignores Limit", open: bendComplaints(func(q *cq) { q.Limit = 0 }), caughtBy: []string{"ComplaintsOrderAndPages", "ComplaintsFilters"}},
		{name: "complaintsIgnoreAfter", flaw: "Complaints ignores After", open: bendComplaints(func(q *cq) { q.After = "" }), caughtBy: []string{"ComplaintsOrderAndPages", "ComplaintsFilters"}},
		{name: "complaintsIgnoreState", flaw: "Complaints ignores State", open: bendComplaints(func(q *cq) { q.State = "" }), caughtBy: []string{"ComplaintsFilters"}},
		{name: "complaintsIgnoreAdvisor", flaw: "Complaints ignores Advisor", open: bendComplaints(func(q *cq) { q.Advisor = "" }), caughtBy: []string{"ComplaintsFilters"}},
		{name: "complaintsOpenedFromExclusive", flaw: "Complaints leaves out one opened at OpenedFrom exactly",
			open: bendComplaints(func(q *cq) { q.OpenedFrom = later(q.OpenedFrom) }), caughtBy: []string{"ComplaintsFilters"}},
		{name: "complaintsOpenedBeforeInclusive", flaw: "Complaints includes one opened at OpenedBefore exactly",
			open: bendComplaints(func(q *cq) { q.OpenedBefore = later(q.OpenedBefore) }), caughtBy: []string{"ComplaintsFilters"}},

		{name: "surveysIgnoreLimit", flaw: "Surveys ignores Limit", open: bendSurveys(func(q *sq) { q.Limit = 0 }), caughtBy: []string{"SurveysOrderAndPages", "SurveysFilters"}},
		{name: "surveysIgnoreAfter", flaw: "Surveys ignores After", open: bendSurveys(func(q *sq) { q.After = "" }), caughtBy: []string{"SurveysOrderAndPages", "SurveysFilters"}},
		{name: "surveysIgnoreAdvisor", flaw: "Surveys ignores Advisor", open: bendSurveys(func(q *sq) { q.Advisor = "" }), caughtBy: []string{"SurveysFilters"}},
		{name: "answeredFromExclusive", flaw: "Surveys leaves out one answered at AnsweredFrom exactly",
			open: bendSurveys(func(q *sq) { q.AnsweredFrom = later(q.AnsweredFrom) }), caughtBy: []string{"SurveysFilters"}},
		{name: "answeredBeforeInclusive", flaw: "Surveys includes one answered at AnsweredBefore exactly",
			open: bendSurveys(func(q *sq) { q.AnsweredBefore = later(q.AnsweredBefore) }), caughtBy: []string{"SurveysFilters"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		{name: "newestEventsFirst", flaw: "Events returns newest first",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.DeskStore.Events(ctx, d, after, 1<<30)
					slices.Reverse(evs)
					return evs[:min(len(evs), limit)], err
				}
			}),
			caughtBy: []string{"EventsSharedTrail"}},
		{name: "eventsIgnoreLimit", flaw: "Events returns every event after the cursor, ignoring limit",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, _ int) ([]org.Event, error) {
					return o.DeskStore.Events(ctx, d, after, 1<<30)
				}
			}),
			caughtBy: []string{"EventsSharedTrail"}},
		{name: "eventsIgnoreCursor", flaw: "Events starts from the first event, ignoring after",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.DeskStore.Events(ctx, d, 0, limit)
				}
			}),
			caughtBy: []string{"EventsSharedTrail"}},
		{name: "seqFromZero", flaw: "numbers events from 0, so cursor 0 skips the first",
			open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.DeskStore.Events(ctx, d, after+1, limit)
					for i := range evs {
						evs[i].Seq--
					}
					return evs, err
				}
			}),
			caughtBy: []string{"EventsSharedTrail"}},
		{name: "eventsWithRecordsDropped", flaw: "writes a change's events only when it holds no records",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				if len(c.WorkOrders)+len(c.Calendar)+len(c.Complaints)+len(c.Surveys) > 0 {
					c.Events = nil
				}
				return c
			}),
			caughtBy: []string{"EventsSharedTrail", "ConcurrentCommitsLoseNothing", "ConcurrentEventsUnique", "EventsShareRosterTrail"}},
		{name: "racySeq", flaw: "reads the last Seq, lets go of its lock, then numbers the events: concurrent commits share a Seq",
			open: mapStore(racySeq), caughtBy: []string{"ConcurrentEventsUnique"}},
		{name: "interleavedSeq", flaw: "numbers each event of a commit in its own step, so concurrent commits' events interleave",
			open: mapStore(interleavedSeq), caughtBy: []string{"ConcurrentEventsUnique"}},
		{name: "subjectPrefix", flaw: "SubjectEvents matches subjects by prefix (LIKE 'workorder/wo-1%')",
			open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return filterTrail(ctx, o, d, func(s string) bool { return strings.HasPrefix(s, subject) })
			}),
			caughtBy: []string{"SubjectEventsInOrder"}},
		{name: "subjectLike", flaw: "SubjectEvents passes the subject as a LIKE pattern, so _ matches any character",
			open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return filterTrail(ctx, o, d, func(s string) bool { return likeUnderscore(subject, s) })
			}),
			caughtBy: []string{"SubjectEventsInOrder"}},
		{name: "subjectCaseFold", flaw: "SubjectEvents matches subjects case-insensitively",
			open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return filterTrail(ctx, o, d, func(s string) bool { return strings.EqualFold(s, subject) })
			}),
			caughtBy: []string{"SubjectEventsInOrder"}},
		{name: "subjectNewestFirst", flaw: "SubjectEvents returns newest first",
			open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				evs, err := o.DeskStore.SubjectEvents(ctx, d, subject)
				slices.Reverse(evs)
				return evs, err
			}),
			caughtBy: []string{"SubjectEventsInOrder"}},
		{name: "subjectFirstPageOnly", flaw: "SubjectEvents looks only at the dealer's first 3 events",
			open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				evs, err := o.DeskStore.Events(ctx, d, 0, 3)
				return slices.DeleteFunc(evs, func(ev org.Event) bool { return ev.Subject != subject }), err
			}),
			caughtBy: []string{"SubjectEventsInOrder"}},
		{name: "separateTrails", flaw: "keeps servicedesk events in a trail of their own, numbered apart from the roster's",
			open: bend(func(o *over) {
				side := memstore.New().ServiceDesk()
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					evs := c.Events
					c.Events = nil
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return side.Commit(ctx, d, servicedesk.Change{Events: evs})
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return side.Events(ctx, d, after, limit)
				}
				o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
					return side.SubjectEvents(ctx, d, subject)
				}
			}),
			caughtBy: []string{"EventsShareRosterTrail"}},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{
		{name: "ignoresContext", flaw: "never checks ctx",
			open:     bend(func(o *over) { o.mapContexts(context.WithoutCancel, true) }),
			caughtBy: []string{"ContextDone"}},
		{name: "readsIgnoreContext", flaw: "checks ctx in Commit only",
			open:     bend(func(o *over) { o.mapContexts(context.WithoutCancel, false) }),
			caughtBy: []string{"ContextDone"}},
		{name: "checksContextAfterWriting", flaw: "Commit writes, then returns ctx.Err()",
			open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if err := o.DeskStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			}),
			caughtBy: []string{"ContextDone"}},
		{name: "hidesContextError", flaw: "returns its own error, not one matching ctx.Err(), when ctx is done",
			open: bend(func(o *over) {
				unavailable := errors.New("store unavailable")
				o.mapErrors(func(err error) error {
					if errors.Is(err, context.Canceled) {
						return unavailable
					}
					return err
				})
			}),
			caughtBy: []string{"ContextDone"}},
	}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore struct {
	name string
	how  string
	open func() servicedesk.Store
	// skips are checks that must report ErrSkip: the store lacks the
	// optional part they are about.
	skips []string
}

func soundStores() []soundStore {
	return []soundStore{
		{name: "memstore", how: "the shipped in-memory store", open: func() servicedesk.Store { return memstore.New().ServiceDesk() }},
		{name: "memstoreMinimal", how: "memstore behind the bare interface: no SubjectEvents, no roster view",
			open:  func() servicedesk.Store { return minimal{memstore.New().ServiceDesk()} },
			skips: []string{"SubjectEventsInOrder", "EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{name: "mapStore", how: "this file's map store with no flaw, the base of the version and copy breakages",
			open: mapStore(noFlaw), skips: []string{"EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{name: "mapStoreSlow", how: "answers reads after 1ms, so concurrent writers conflict and retry",
			open: slowMapStore(noFlaw), skips: []string{"EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{name: "wrapsErrors", how: "wraps every error in its own message (fmt.Errorf with %w)",
			open: bend(func(o *over) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{name: "nilForNone", how: "returns nil slices, not empty ones, for no match",
			open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return nilIfEmpty(o.DeskStore.WorkOrders(ctx, d, q))
				}
				o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return nilIfEmpty(o.DeskStore.Complaints(ctx, d, q))
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return nilIfEmpty(o.DeskStore.Events(ctx, d, after, limit))
				}
			})},
		{name: "emptySlicesAsNil", how: "reads every empty slice inside a record as nil (JSON columns with omitempty)",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Slice && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{name: "nilSlicesAsEmpty", how: "reads every nil slice inside a record as empty (JSON columns holding [])",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Slice && v.IsNil() && v.CanSet() && v.Type() != reflect.TypeFor[[]byte]() && v.Type().Name() == "" {
						v.Set(reflect.MakeSlice(v.Type(), 0, 0))
						return true
					}
					return false
				})
			})},
		{name: "seqWithGaps", how: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			open: withoutRoster(bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.DeskStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
				o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
					evs, err := o.DeskStore.SubjectEvents(ctx, d, subject)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})),
			// Its roster view would number the same events 1, 2, 3; its
			// billing view is hidden with it.
			skips: []string{"EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{name: "keepsMicroseconds", how: "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Microsecond) })
			})},
		{name: "fixedScaleMoney", how: "reads every amount back at scale 4 (12.50 as 12.5000), as a TEXT or NUMERIC(24,4) column does",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if d, ok := v.Interface().(decimal.Decimal); ok {
						v.Set(reflect.ValueOf(decimal.RequireFromString(d.StringFixed(4))))
						return true
					}
					return false
				})
			})},
		{name: "utcFromDriver", how: "reads instants as a driver does: UTC, rebuilt from parts",
			open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if t, ok := v.Interface().(time.Time); ok {
						if !t.IsZero() {
							t = time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
						}
						v.Set(reflect.ValueOf(t))
						return true
					}
					return false
				})
			})},
	}
}

func TestKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	known := checkNames()
	for _, b := range brokenStores() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, name := range b.caughtBy {
				if !known[name] {
					t.Fatalf("%s names check %q, which servicedesktest.Checks does not have", b.name, name)
				}
			}
			var (
				mu     sync.Mutex
				failed []string
			)
			t.Cleanup(func() {
				slices.Sort(failed)
				t.Logf("a store that %s fails %d checks: %s", b.flaw, len(failed), strings.Join(failed, ", "))
			})
			for _, c := range servicedesktest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, panicked := runCheck(t, c, b.open())
					if err != nil && !errors.Is(err, servicedesktest.ErrSkip) {
						mu.Lock()
						failed = append(failed, c.Name)
						mu.Unlock()
					}
					switch {
					case panicked:
						t.Errorf("%s panicked on a store that %s, instead of returning an error: %v", c.Name, b.flaw, err)
					case slices.Contains(b.caughtBy, c.Name):
						if err == nil || errors.Is(err, servicedesktest.ErrSkip) {
							t.Errorf("%s passed a store that %s (err %v)", c.Name, b.flaw, err)
							return
						}
						t.Logf("caught: %v", err)
					case err != nil:
						t.Logf("also failed: %v", err)
					}
				})
			}
		})
	}
}

func TestKitPassesSoundStores(t *testing.T) {
	t.Parallel()
	for _, s := range soundStores() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range servicedesktest.Checks() {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, _ := runCheck(t, c, s.open())
					switch skipped := errors.Is(err, servicedesktest.ErrSkip); {
					case slices.Contains(s.skips, c.Name) && !skipped:
						t.Errorf("%s should skip a store that %s; got %v", c.Name, s.how, err)
					case slices.Contains(s.skips, c.Name):
						t.Logf("skipped, as it should: %v", err)
					case err != nil:
						t.Errorf("%s failed a sound store that %s: %v", c.Name, s.how, err)
					}
				})
			}
		})
	}
}

// TestKitCatchesForgottenColumns writes, for every field of every record
// (nested ones included), a store that does not keep it: a forgotten
// column. The kind's round trip check must catch each. A field the kit's
// fixture leaves zero, or its diff does not compare, fails here.
func TestKitCatchesForgottenColumns(t *testing.T) {
	t.Parallel()
	checks := map[string]servicedesktest.Check{}
	for _, c := range servicedesktest.Checks() {
		checks[c.Name] = c
	}
	kinds := []struct {
		typ   reflect.Type
		check string
		zero  func(c servicedesk.Change, path []string) servicedesk.Change
	}{
		{reflect.TypeFor[servicedesk.WorkOrder](), "WorkOrderRoundTrip", func(c servicedesk.Change, path []string) servicedesk.Change {
			for i := range c.WorkOrders {
				zeroPath(reflect.ValueOf(&c.WorkOrders[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[servicedesk.CalendarDay](), "CalendarDayRoundTrip", func(c servicedesk.Change, path []string) servicedesk.Change {
			for i := range c.Calendar {
				zeroPath(reflect.ValueOf(&c.Calendar[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[servicedesk.Complaint](), "ComplaintRoundTrip", func(c servicedesk.Change, path []string) servicedesk.Change {
			for i := range c.Complaints {
				zeroPath(reflect.ValueOf(&c.Complaints[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[servicedesk.Survey](), "SurveyRoundTrip", func(c servicedesk.Change, path []string) servicedesk.Change {
			for i := range c.Surveys {
				zeroPath(reflect.ValueOf(&c.Surveys[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[org.Event](), "EventsSharedTrail", func(c servicedesk.Change, path []string) servicedesk.Change {
			for i := range c.Events {
				zeroPath(reflect.ValueOf(&c.Events[i]).Elem(), path)
			}
			return c
		}},
	}
	for _, k := range kinds {
		for _, path := range leaves(k.typ, nil) {
			if k.typ == reflect.TypeFor[org.Event]() && path[0] == "Seq" {
				continue // the store assigns it
			}
			name := k.typ.Name() + "." + strings.Join(path, ".")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := bendCommit(func(c servicedesk.Change) servicedesk.Change { return k.zero(cloneChange(c), path) })()
				err, panicked := runCheck(t, checks[k.check], s)
				switch {
				case panicked:
					t.Errorf("%s panicked on a store that forgets %s: %v", k.check, name, err)
				case err == nil:
					t.Errorf("%s passed a store that forgets %s: the fixture leaves it zero, or the diff skips it", k.check, name)
				}
			})
		}
	}
}

// TestEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	by := map[string][]string{}
	for _, b := range brokenStores() {
		for _, name := range b.caughtBy {
			by[name] = append(by[name], b.name)
		}
	}
	for _, c := range servicedesktest.Checks() {
		if len(by[c.Name]) == 0 {
			t.Errorf("no broken store must fail %s: write one that breaks %q", c.Name, c.Rule)
			continue
		}
		t.Logf("%s catches %s", c.Name, strings.Join(by[c.Name], ", "))
	}
}

// TestTestStoreFailsBrokenStore runs servicedesktest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and missing optional parts skip.
func TestTestStoreFailsBrokenStore(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestChildTestStore$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); !ok || exit.ExitCode() != 1 {
		t.Fatalf("TestStore on a store that hides ErrNotFound: got %v, want the child test to fail\n%s", err, out)
	}
	nf := check(t, "WorkOrderNotFound")
	for _, want := range []string{
		"--- FAIL: TestChildTestStore/WorkOrderNotFound",
		`servicedesktest: WorkOrderNotFound: WorkOrder(d1, "wo-404"): got error <nil>, want one matching ` + org.ErrNotFound.Error(),
		"rule broken: " + nf.Rule,
		"--- PASS: TestChildTestStore/WorkOrderRoundTrip",
		"--- SKIP: TestChildTestStore/LargeMonth",
		"--- SKIP: TestChildTestStore/EventsShareRosterTrail",
		"Features.Roster is not set",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

const childEnv = "SERVICEDESKTEST_KIT_CHILD"

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run in a child process by TestTestStoreFailsBrokenStore")
	}
	var open func() servicedesk.Store
	for _, b := range brokenStores() {
		if b.name == "missingIsZero" {
			open = b.open
		}
	}
	servicedesktest.TestStore(t, servicedesktest.Harness{
		NewStore: func(*testing.T) servicedesk.Store { return open() },
		Features: servicedesktest.Features{SkipLarge: true},
	})
}

func checkNames() map[string]bool {
	known := map[string]bool{}
	for _, c := range servicedesktest.Checks() {
		known[c.Name] = true
	}
	return known
}

func check(t *testing.T, name string) servicedesktest.Check {
	t.Helper()
	for _, c := range servicedesktest.Checks() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("servicedesktest.Checks has no check %q", name)
	return servicedesktest.Check{}
}

// runCheck runs c on s, turning a panic of the check into an error. A store
// with a roster view gets Features.Roster, one with a billing view
// Features.Billing.
func runCheck(t *testing.T, c servicedesktest.Check, s servicedesk.Store) (err error, panicked bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	var f servicedesktest.Features
	switch s.(type) {
	case memstore.DeskStore, interface{ roster() org.Store }:
		f.Roster = rosterOf
	}
	switch s.(type) {
	case memstore.DeskStore, interface{ billing() billing.Store }:
		f.Billing = billingOf
	}
	return c.Run(ctx, s, f), false
}

func rosterOf(s servicedesk.Store) org.Store {
	switch s := s.(type) {
	case memstore.DeskStore:
		return s.Store
	case interface{ roster() org.Store }:
		return s.roster()
	}
	return nil
}

func billingOf(s servicedesk.Store) billing.Store {
	switch s := s.(type) {
	case memstore.DeskStore:
		return s.Billing()
	case interface{ billing() billing.Store }:
		return s.billing()
	}
	return nil
}

// minimal hides everything of a store but servicedesk.Store.
type minimal struct{ servicedesk.Store }

// withoutRoster hides the roster view of a store, keeping SubjectEvents.
func withoutRoster(open func() servicedesk.Store) func() servicedesk.Store {
	return func() servicedesk.Store {
		s := open()
		return noRoster{s.(storeWithSubjects)}
	}
}

type storeWithSubjects interface {
	servicedesk.Store
	servicedesk.SubjectEvents
}

type noRoster struct{ storeWithSubjects }
