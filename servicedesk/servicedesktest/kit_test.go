package servicedesktest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of servicedesk.Store, and exactly the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKitCatchesForgottenColumns generates one broken store
// per field of every record, by reflection, so a field added to a record
// and forgotten by the kit's diff fails here.
//
// The shared rules (versions, copies, tenancy, the trail...) are proven
// once more by the flaws of internal/kit, which bend memstore through this
// kit's declarations: TestSharedRulesCatchFlaws (domain_test.go), one flaw
// per reference of every record among them. The stores here break the
// rules as real stores do, at the storage level; those breaking
// SubjectEvents stay, since internal/kit's flaws read the trail through
// Events only.
//
// The stores themselves are in kit_stores_test.go.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/servicedesk/servicedesktest"
	"github.com/servicelane/servicelane/store/memstore"
)

// brokenStore is a store that breaks one rule of the contract.
type brokenStore = kitcheck.Broken[servicedesk.Store]

func brokenStores() []brokenStore {
	var bs []brokenStore
	for _, group := range [][]brokenStore{notFoundStores(), valueStores(), versionStores(), atomicStores(),
		tenancyStores(), listStores(), eventStores(), contextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

func notFoundStores() []brokenStore {
	return []brokenStore{
		{Name: "plainNotFound", Flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			Open: bend(func(o *over) { o.mapErrors(kitcheck.PlainNotFound) }),
			CaughtBy: slices.Concat(twiceChecks, []string{"RedactionOfUnknownEventInvalid",
				"WorkOrderNotFound", "CalendarDayNotFound", "ComplaintNotFound", "SurveyNotFound", "WorkOrderVersionRule",
				"TenancyIsolation", "ConcurrentBookingsNeverDoubleBook", "CalendarDayVersionRule", "CommitIsAtomic",
				"CommitOtherDealerInvalid", "CommitWritesBillingAtomically", "ComplaintVersionRule", "ContextDone",
				"SurveyVersionRule"})},
		{Name: "missingIsZero", Flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			Open: bend(func(o *over) { o.mapErrors(kitcheck.NilIfNotFound) }),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid",
				"WorkOrderNotFound", "CalendarDayNotFound", "ComplaintNotFound", "SurveyNotFound", "WorkOrderVersionRule",
				"CalendarDayVersionRule", "ComplaintVersionRule", "SurveyVersionRule", "TenancyIsolation",
				"ConcurrentBookingsNeverDoubleBook"}},
		{Name: "calendarMissingIsEmpty", Flaw: "CalendarDay answers a day never booked with an empty day of version 0",
			Open: bend(func(o *over) {
				o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
					cd, err := o.DeskStore.CalendarDay(ctx, d, tech, day)
					if errors.Is(err, org.ErrNotFound) {
						return servicedesk.CalendarDay{DealerID: d, Technician: tech, Day: day}, nil
					}
					return cd, err
				}
			}),
			CaughtBy: []string{"CalendarDayNotFound", "CalendarDayVersionRule", "TenancyIsolation"}},
		{Name: "emptyIsNotFound", Flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			Open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return kitcheck.NotFoundIfEmpty(o.DeskStore.WorkOrders(ctx, d, q))
				}
				o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return kitcheck.NotFoundIfEmpty(o.DeskStore.Complaints(ctx, d, q))
				}
				o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
					return kitcheck.NotFoundIfEmpty(o.DeskStore.Surveys(ctx, d, q))
				}
			}),
			CaughtBy: []string{
				"EmptyResults", "WorkOrdersFilters", "ComplaintsFilters", "SurveysFilters", "CalendarDayVersionRule",
				"CommitWritesBillingAtomically", "ComplaintVersionRule", "ComplaintsOrderAndPages", "LargeMonth",
				"SurveyVersionRule", "SurveysOrderAndPages", "TenancyIsolation", "WorkOrderVersionRule", "WorkOrdersOrderAndPages"}},
	}
}

func valueStores() []brokenStore {
	taipei := time.FixedZone("CST", 8*3600)
	return []brokenStore{
		{Name: "floatMoney", Flaw: "passes amounts through float64 on write",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "WorkOrderRoundTrip", "ReadsAreCopies"}},
		{Name: "moneyTwoPlaces", Flaw: "keeps 2 decimals of an amount (a NUMERIC(22,2) column), not 4",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "WorkOrderRoundTrip", "ReadsAreCopies"}},
		{Name: "moneyUnsigned", Flaw: "drops the sign of an amount (an unsigned column)",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, decimal.Decimal.Abs, nil)
			}),
			CaughtBy: []string{"AmountsExact"}},
		{Name: "dropsMicroseconds", Flaw: "keeps instants to the second",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent",
				"WorkOrderRoundTrip", "CalendarDayRoundTrip", "ComplaintRoundTrip", "SurveyRoundTrip", "WorkOrdersFilters",
				"ComplaintsFilters", "SurveysFilters", "AmountsExact", "CalendarDayVersionRule",
				"CommitWritesBillingAtomically", "ComplaintVersionRule", "ConcurrentBookingsNeverDoubleBook", "EventsAppended",
				"EventsShareRosterTrail", "EventsSharedTrail", "ReadsAreCopies", "SurveyVersionRule", "TenancyIsolation",
				"WorkOrderVersionRule"}},
		{Name: "readsInDealerZone", Flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if t, ok := v.Interface().(time.Time); ok {
						v.Set(reflect.ValueOf(t.In(taipei)))
						return true
					}
					return false
				})
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent",
				"WorkOrderRoundTrip", "CalendarDayRoundTrip", "ComplaintRoundTrip", "SurveyRoundTrip", "EventsSharedTrail",
				"AmountsExact", "CalendarDayVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid",
				"CommitWritesBillingAtomically", "ComplaintVersionRule", "ConcurrentBookingsNeverDoubleBook", "ContextDone",
				"EventsAppended", "EventsShareRosterTrail", "ReadsAreCopies", "SubjectEventsInOrder", "SurveyVersionRule", "TenancyIsolation",
				"WorkOrderVersionRule"})},
		{Name: "boundsAsWallClock", Flaw: "compares a query bound's wall clock, ignoring its zone (instants kept as local text)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"WorkOrdersFilters", "ComplaintsFilters", "SurveysFilters", "LargeMonth"}},
		{Name: "nilPointerAsZero", Flaw: "reads a missing condition report or booking as a pointer to a zero one (nullable columns scanned into a struct)",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			CaughtBy: []string{
				"WorkOrderRoundTrip", "AmountsExact", "CommitWritesBillingAtomically", "TenancyIsolation",
				"WorkOrderVersionRule"}},
		{Name: "calendarKeyedByTechnician", Flaw: "keys a calendar day by technician only, forgetting the day",
			Open:     bendCalendarKey(func(tech org.EmployeeID, day string) (org.EmployeeID, string) { return tech, "any" }),
			CaughtBy: []string{"CalendarDayRoundTrip", "CalendarDayNotFound", "CalendarDayVersionRule", "EventsAppended", "TenancyIsolation"}},
		{Name: "calendarKeyedByDay", Flaw: "keys a calendar day by day only, forgetting the technician",
			Open: bendCalendarKey(func(tech org.EmployeeID, day string) (org.EmployeeID, string) { return "any", day }),
			CaughtBy: []string{
				"CalendarDayRoundTrip", "CalendarDayNotFound", "CalendarDayVersionRule", "CommitIsAtomic",
				"ConcurrentBookingsNeverDoubleBook"}},
		{Name: "caseFoldKeys", Flaw: "finds IDs case-insensitively (a _ci collation)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"WorkOrderNotFound", "ComplaintNotFound", "SurveyNotFound", "CalendarDayNotFound"}},
		{Name: "trimsKeys", Flaw: "finds IDs with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"WorkOrderNotFound", "ComplaintNotFound", "SurveyNotFound"}},
		{Name: "keepsOldJobs", Flaw: "an update adds jobs, lines and notes to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"WorkOrderRoundTrip"}},
	}
}

func versionStores() []brokenStore {
	versionChecks := []string{"WorkOrderVersionRule", "CalendarDayVersionRule", "ComplaintVersionRule", "SurveyVersionRule"}
	concurrent := []string{"ConcurrentCommitsLoseNothing", "ConcurrentBookingsNeverDoubleBook"}
	return []brokenStore{
		{Name: "lastWriterWins", Flaw: "ignores Version: every write of Version >= 1 lands",
			Open: mapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "lastWriterWinsSlow", Flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			Open: slowMapStore(lastWriterWins), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic"}, concurrent)},
		{Name: "createOverwrites", Flaw: "Version 1 replaces an existing record",
			Open: mapStore(createOverwrites), CaughtBy: slices.Concat(versionChecks, []string{"CommitIsAtomic", "ConcurrentBookingsNeverDoubleBook"})},
		{Name: "staleWins", Flaw: "Version n > 1 replaces whatever version is stored",
			Open: mapStore(staleWins), CaughtBy: slices.Concat(versionChecks, concurrent)},
		{Name: "writesThenConflicts", Flaw: "writes the whole change, then reports the version conflict",
			Open: mapStore(writesThenConflicts), CaughtBy: slices.Concat(twiceChecks, versionChecks, []string{"RedactionOfUnknownEventInvalid", "CommitIsAtomic"}, concurrent)},
		{Name: "checkThenWrite", Flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			Open: mapStore(checkThenWrite), CaughtBy: concurrent},
		{Name: "calendarUpserts", Flaw: "writes calendar days with INSERT OR REPLACE, ignoring their Version; other kinds keep the rule",
			Open:     mapStoreOnly(lastWriterWins, "calendar"),
			CaughtBy: []string{"CalendarDayVersionRule", "CommitIsAtomic", "ConcurrentBookingsNeverDoubleBook"}},
		{Name: "workOrderUpserts", Flaw: "ignores work orders' Version; other kinds keep the rule",
			Open:     mapStoreOnly(lastWriterWins, "workorder"),
			CaughtBy: []string{"WorkOrderVersionRule", "CommitIsAtomic", "ConcurrentCommitsLoseNothing"}},
	}
}

// twiceChecks are the checks of a Change naming one record twice, one per
// record kind.
var twiceChecks = []string{"WorkOrderTwiceInAChange", "CalendarDayTwiceInAChange", "ComplaintTwiceInAChange", "SurveyTwiceInAChange"}

func atomicStores() []brokenStore {
	return []brokenStore{
		{Name: "notAtomic", Flaw: "writes each record as its own commit, so records before a conflict land",
			Open: bend(func(o *over) {
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
					if len(c.Redactions) > 0 {
						parts = append(parts, servicedesk.Change{Redactions: c.Redactions})
					}
					if !c.Billing.Empty() {
						parts = append(parts, servicedesk.Change{Billing: c.Billing})
					}
					return commitParts(ctx, o.DeskStore, d, parts)
				}
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{"CommitIsAtomic", "CommitOtherDealerInvalid", "CommitWritesBillingAtomically", "RedactionOfUnknownEventInvalid"})},
		{Name: "kindByKind", Flaw: "writes each kind of record in its own transaction (one per table)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					return commitParts(ctx, o.DeskStore, d, []servicedesk.Change{
						{WorkOrders: c.WorkOrders}, {Calendar: c.Calendar}, {Complaints: c.Complaints}, {Surveys: c.Surveys}, {Events: c.Events},
						{Redactions: c.Redactions}, {Billing: c.Billing},
					})
				}
			}),
			CaughtBy: []string{"CalendarDayTwiceInAChange", "ComplaintTwiceInAChange", "SurveyTwiceInAChange",
				"CommitIsAtomic", "CommitOtherDealerInvalid", "CommitWritesBillingAtomically", "RedactionOfUnknownEventInvalid"}},
		{Name: "eventsFirst", Flaw: "appends the events (the outbox) before checking the records",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					evs := c.Events
					c.Events = nil
					return commitParts(ctx, o.DeskStore, d, []servicedesk.Change{{Events: evs}, c})
				}
			}),
			CaughtBy: slices.Concat(twiceChecks, []string{"RedactionOfUnknownEventInvalid",
				"CommitIsAtomic", "WorkOrderVersionRule", "CalendarDayVersionRule", "ComplaintVersionRule",
				"SurveyVersionRule", "ConcurrentCommitsLoseNothing", "CommitOtherDealerInvalid",
				"CommitWritesBillingAtomically"})},
		{Name: "billingDropped", Flaw: "writes the servicedesk records and events of a change and drops its Billing",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				c.Billing = billing.Change{}
				return c
			}),
			CaughtBy: []string{"CommitWritesBillingAtomically"}},
		{Name: "billingApart", Flaw: "writes a change's Billing in a transaction of its own, after the servicedesk part",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					bc := c.Billing
					c.Billing = billing.Change{}
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return o.DeskStore.Billing().Commit(ctx, d, bc)
				}
			}),
			CaughtBy: []string{"CommitWritesBillingAtomically"}},
		{Name: "billingEventsFirst", Flaw: "appends a change's billing events before its servicedesk events",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				c.Events, c.Billing.Events = slices.Concat(c.Billing.Events, c.Events), nil
				return c
			}),
			CaughtBy: []string{"CommitWritesBillingAtomically"}},
	}
}

func tenancyStores() []brokenStore {
	return []brokenStore{
		{Name: "acceptsOtherDealer", Flaw: "writes each record under the dealer it names, not refusing other dealers'",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if err := ctx.Err(); err != nil {
						return err
					}
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
					if !c.Billing.Empty() {
						part(d).Billing = c.Billing
					}
					if len(c.Redactions) > 0 {
						part(d).Redactions = c.Redactions
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := o.DeskStore.Commit(ctx, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "dealerCheckedOnWorkOrdersOnly", Flaw: "checks DealerID of work orders and events only; other records are filed under the commit's dealer",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "workOrdersOfEveryDealer", Flaw: "WorkOrders ignores the dealer",
			Open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, _ org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return everyDealer(o, q.Limit, func(w servicedesk.WorkOrder) string { return string(w.ID) },
						func(d org.DealerID) ([]servicedesk.WorkOrder, error) { return o.DeskStore.WorkOrders(ctx, d, q) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "complaintsOfEveryDealer", Flaw: "Complaints ignores the dealer",
			Open: bend(func(o *over) {
				o.complaints = func(ctx context.Context, _ org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return everyDealer(o, q.Limit, func(c servicedesk.Complaint) string { return string(c.ID) },
						func(d org.DealerID) ([]servicedesk.Complaint, error) { return o.DeskStore.Complaints(ctx, d, q) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "surveysOfEveryDealer", Flaw: "Surveys ignores the dealer",
			Open: bend(func(o *over) {
				o.surveys = func(ctx context.Context, _ org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
					return everyDealer(o, q.Limit, func(sv servicedesk.Survey) string { return string(sv.WorkOrder) },
						func(d org.DealerID) ([]servicedesk.Survey, error) { return o.DeskStore.Surveys(ctx, d, q) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "eventsOfEveryDealer", Flaw: "Events ignores the dealer",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					return everyDealer(o, limit, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.DeskStore.Events(ctx, d, after, limit) })
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent", "TenancyIsolation", "CommitOtherDealerInvalid"}},
		{Name: "subjectEventsOfEveryDealer", Flaw: "SubjectEvents ignores the dealer",
			Open: bend(func(o *over) {
				o.subjectEvents = func(ctx context.Context, _ org.DealerID, subject string) ([]org.Event, error) {
					return everyDealer(o, 1<<30, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.DeskStore.SubjectEvents(ctx, d, subject) })
				}
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent", "TenancyIsolation"}},
		{Name: "updatesByIDOnly", Flaw: "an update also lands on another dealer's record of the same ID (WHERE id = ? without dealer_id)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"TenancyIsolation"}},
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
		{Name: "workOrdersIgnoreLimit", Flaw: "WorkOrders returns every match, ignoring Limit",
			Open:     bendWorkOrders(func(q *wq) { q.Limit = 0 }),
			CaughtBy: []string{"WorkOrdersOrderAndPages", "WorkOrdersFilters", "LargeMonth"}},
		{Name: "workOrdersIgnoreAfter", Flaw: "WorkOrders starts every page from the first ID, ignoring After",
			Open:     bendWorkOrders(func(q *wq) { q.After = "" }),
			CaughtBy: []string{"WorkOrdersOrderAndPages", "WorkOrdersFilters", "LargeMonth"}},
		{Name: "workOrdersAfterInclusive", Flaw: "WorkOrders starts a page at After, not after it (id >= ?)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"WorkOrdersOrderAndPages", "LargeMonth", "WorkOrdersFilters"}},
		{Name: "caseFoldOrder", Flaw: "orders and pages work order IDs case-insensitively (a database collation), not in byte order",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"WorkOrdersOrderAndPages"}},
		{Name: "firstThousandOnly", Flaw: "pages within the first 1000 work orders only (LIMIT applied before WHERE id > after)",
			Open: bend(func(o *over) {
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
			CaughtBy: []string{"LargeMonth"}},
		{Name: "workOrdersIgnoreState", Flaw: "WorkOrders ignores State",
			Open:     bendWorkOrders(func(q *wq) { q.State = "" }),
			CaughtBy: []string{"WorkOrdersFilters", "EmptyResults"}},
		{Name: "workOrdersIgnoreAdvisor", Flaw: "WorkOrders ignores Advisor",
			Open:     bendWorkOrders(func(q *wq) { q.Advisor = "" }),
			CaughtBy: []string{"WorkOrdersFilters"}},
		{Name: "openedFromExclusive", Flaw: "WorkOrders leaves out an order opened at OpenedFrom exactly (opened_at > ?)",
			Open:     bendWorkOrders(func(q *wq) { q.OpenedFrom = later(q.OpenedFrom) }),
			CaughtBy: []string{"WorkOrdersFilters", "LargeMonth"}},
		{Name: "openedBeforeInclusive", Flaw: "WorkOrders includes an order opened at OpenedBefore exactly (opened_at <= ?)",
			Open: bendWorkOrders(func(q *wq) { q.OpenedBefore = later(q.OpenedBefore) }), CaughtBy: []string{"WorkOrdersFilters"}},
		{Name: "workOrdersIgnoreBounds", Flaw: "WorkOrders ignores OpenedFrom and OpenedBefore",
			Open:     bendWorkOrders(func(q *wq) { q.OpenedFrom, q.OpenedBefore = time.Time{}, time.Time{} }),
			CaughtBy: []string{"WorkOrdersFilters", "LargeMonth"}},

		{Name: "complaintsIgnoreLimit", Flaw: "Complaints ignores Limit",
			Open:     bendComplaints(func(q *cq) { q.Limit = 0 }),
			CaughtBy: []string{"ComplaintsOrderAndPages", "ComplaintsFilters"}},
		{Name: "complaintsIgnoreAfter", Flaw: "Complaints ignores After",
			Open:     bendComplaints(func(q *cq) { q.After = "" }),
			CaughtBy: []string{"ComplaintsOrderAndPages", "ComplaintsFilters"}},
		{Name: "complaintsIgnoreState", Flaw: "Complaints ignores State",
			Open:     bendComplaints(func(q *cq) { q.State = "" }),
			CaughtBy: []string{"ComplaintsFilters"}},
		{Name: "complaintsIgnoreAdvisor", Flaw: "Complaints ignores Advisor",
			Open:     bendComplaints(func(q *cq) { q.Advisor = "" }),
			CaughtBy: []string{"ComplaintsFilters"}},
		{Name: "complaintsOpenedFromExclusive", Flaw: "Complaints leaves out one opened at OpenedFrom exactly",
			Open: bendComplaints(func(q *cq) { q.OpenedFrom = later(q.OpenedFrom) }), CaughtBy: []string{"ComplaintsFilters"}},
		{Name: "complaintsOpenedBeforeInclusive", Flaw: "Complaints includes one opened at OpenedBefore exactly",
			Open: bendComplaints(func(q *cq) { q.OpenedBefore = later(q.OpenedBefore) }), CaughtBy: []string{"ComplaintsFilters"}},

		{Name: "surveysIgnoreLimit", Flaw: "Surveys ignores Limit",
			Open:     bendSurveys(func(q *sq) { q.Limit = 0 }),
			CaughtBy: []string{"SurveysOrderAndPages", "SurveysFilters"}},
		{Name: "surveysIgnoreAfter", Flaw: "Surveys ignores After",
			Open:     bendSurveys(func(q *sq) { q.After = "" }),
			CaughtBy: []string{"SurveysOrderAndPages", "SurveysFilters"}},
		{Name: "surveysIgnoreAdvisor", Flaw: "Surveys ignores Advisor",
			Open:     bendSurveys(func(q *sq) { q.Advisor = "" }),
			CaughtBy: []string{"SurveysFilters"}},
		{Name: "answeredFromExclusive", Flaw: "Surveys leaves out one answered at AnsweredFrom exactly",
			Open: bendSurveys(func(q *sq) { q.AnsweredFrom = later(q.AnsweredFrom) }), CaughtBy: []string{"SurveysFilters"}},
		{Name: "answeredBeforeInclusive", Flaw: "Surveys includes one answered at AnsweredBefore exactly",
			Open: bendSurveys(func(q *sq) { q.AnsweredBefore = later(q.AnsweredBefore) }), CaughtBy: []string{"SurveysFilters"}},
	}
}

func eventStores() []brokenStore {
	return []brokenStore{
		// The SubjectEvents part of ReadsAreCopies is servicedesk's own:
		// internal/kit's flaws do not reach it.
		{Name: "subjectEventsReturnStored", Flaw: "SubjectEvents returns the stored Data",
			Open:     mapStore(subjectEventsReturnStored),
			CaughtBy: []string{"ReadsAreCopies"}},
		{Name: "redactionsIgnored", Flaw: "accepts Change.Redactions and drops them", Open: mapStore(redactionsIgnored),
			CaughtBy: []string{"RedactionRewritesOneEvent", "RedactionOfUnknownEventInvalid"}},
		{Name: "redactionBySeqOnly", Flaw: "redacts the event with the Seq whatever its subject", Open: mapStore(redactionBySeqOnly),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid"}},
		{Name: "redactionAnyDealer", Flaw: "redacts every dealer's event with the Seq", Open: mapStore(redactionAnyDealer),
			CaughtBy: []string{"RedactionRewritesOneEvent"}},
		{Name: "redactionUnchecked", Flaw: "skips a redaction of a missing event instead of refusing the commit", Open: mapStore(redactionUnchecked),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid"}},
		{Name: "redactionWholeEvent", Flaw: "a redaction replaces the whole event, blanking its type and actor", Open: mapStore(redactionWholeEvent),
			CaughtBy: []string{"RedactionRewritesOneEvent"}},
		{Name: "newestEventsFirst", Flaw: "Events returns newest first",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.DeskStore.Events(ctx, d, after, 1<<30)
					slices.Reverse(evs)
					return evs[:min(len(evs), limit)], err
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent",
				"EventsSharedTrail", "CalendarDayVersionRule", "CommitWritesBillingAtomically", "ComplaintVersionRule",
				"ConcurrentCommitsLoseNothing", "ConcurrentEventsUnique", "EventsAppended", "EventsShareRosterTrail", "SubjectEventsInOrder",
				"SurveyVersionRule", "WorkOrderVersionRule"}},
		{Name: "eventsIgnoreLimit", Flaw: "Events returns every event after the cursor, ignoring limit",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, _ int) ([]org.Event, error) {
					return o.DeskStore.Events(ctx, d, after, 1<<30)
				}
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent", "EventsAppended", "EventsSharedTrail"}},
		{Name: "eventsIgnoreCursor", Flaw: "Events starts from the first event, ignoring after",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.DeskStore.Events(ctx, d, 0, limit)
				}
			}),
			CaughtBy: []string{"EventsAppended", "EventsSharedTrail"}},
		{Name: "seqFromZero", Flaw: "numbers events from 0, so cursor 0 skips the first",
			Open: bend(func(o *over) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.DeskStore.Events(ctx, d, after+1, limit)
					for i := range evs {
						evs[i].Seq--
					}
					return evs, err
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent",
				"EventsSharedTrail", "CalendarDayVersionRule", "CommitWritesBillingAtomically", "ComplaintVersionRule",
				"ConcurrentCommitsLoseNothing", "ConcurrentEventsUnique", "EventsAppended", "EventsShareRosterTrail", "ReadsAreCopies",
				"SubjectEventsInOrder", "SurveyVersionRule", "TenancyIsolation", "WorkOrderVersionRule"}},
		{Name: "eventsWithRecordsDropped", Flaw: "writes a change's events only when it holds no records",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				if len(c.WorkOrders)+len(c.Calendar)+len(c.Complaints)+len(c.Surveys) > 0 {
					c.Events = nil
				}
				return c
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent",
				"EventsSharedTrail", "ConcurrentCommitsLoseNothing", "ConcurrentEventsUnique", "EventsAppended", "EventsShareRosterTrail",
				"CalendarDayVersionRule", "CommitOtherDealerInvalid", "CommitWritesBillingAtomically",
				"ComplaintVersionRule", "ReadsAreCopies", "SurveyVersionRule", "TenancyIsolation", "WorkOrderVersionRule"}},
		{Name: "racySeq", Flaw: "reads the last Seq, lets go of its lock, then numbers the events: concurrent commits share a Seq",
			Open: mapStore(racySeq), CaughtBy: []string{"ConcurrentEventsUnique", "ConcurrentCommitsLoseNothing"}},
		{Name: "interleavedSeq", Flaw: "numbers each event of a commit in its own step, so concurrent commits' events interleave",
			Open: mapStore(interleavedSeq), CaughtBy: []string{"ConcurrentEventsUnique"}},
		{Name: "subjectPrefix", Flaw: "SubjectEvents matches subjects by prefix (LIKE 'workorder/wo-1%')",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return filterTrail(ctx, o, d, func(s string) bool { return strings.HasPrefix(s, subject) })
			}),
			CaughtBy: []string{"SubjectEventsInOrder"}},
		{Name: "subjectLike", Flaw: "SubjectEvents passes the subject as a LIKE pattern, so _ matches any character",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return filterTrail(ctx, o, d, func(s string) bool { return likeUnderscore(subject, s) })
			}),
			CaughtBy: []string{"SubjectEventsInOrder"}},
		{Name: "subjectCaseFold", Flaw: "SubjectEvents matches subjects case-insensitively",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return filterTrail(ctx, o, d, func(s string) bool { return strings.EqualFold(s, subject) })
			}),
			CaughtBy: []string{"SubjectEventsInOrder"}},
		{Name: "subjectNewestFirst", Flaw: "SubjectEvents returns newest first",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				evs, err := o.DeskStore.SubjectEvents(ctx, d, subject)
				slices.Reverse(evs)
				return evs, err
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent", "SubjectEventsInOrder"}},
		{Name: "subjectFirstPageOnly", Flaw: "SubjectEvents looks only at the dealer's first 3 events",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				evs, err := o.DeskStore.Events(ctx, d, 0, 3)
				return slices.DeleteFunc(evs, func(ev org.Event) bool { return ev.Subject != subject }), err
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent", "SubjectEventsInOrder"}},
		{Name: "separateTrails", Flaw: "keeps servicedesk events in a trail of their own, numbered apart from the roster's",
			Open: bend(func(o *over) {
				side := memstore.New().ServiceDesk()
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					evs, rs := c.Events, c.Redactions
					c.Events, c.Redactions = nil, nil
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return side.Commit(ctx, d, servicedesk.Change{Events: evs, Redactions: rs})
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return side.Events(ctx, d, after, limit)
				}
				o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
					return side.SubjectEvents(ctx, d, subject)
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid", "EventsShareRosterTrail", "CommitOtherDealerInvalid", "CommitWritesBillingAtomically"}},
	}
}

func contextStores() []brokenStore {
	return []brokenStore{
		{Name: "readsIgnoreContext", Flaw: "checks ctx in Commit only",
			Open:     bend(func(o *over) { o.mapContexts(context.WithoutCancel) }),
			CaughtBy: []string{"ContextDone"}},
		{Name: "subjectEventsIgnoreContext", Flaw: "SubjectEvents never checks ctx (the shared rules' flaws read the trail through Events only)",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return o.DeskStore.SubjectEvents(context.WithoutCancel(ctx), d, subject)
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "checksContextAfterWriting", Flaw: "Commit writes, then returns ctx.Err()",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if err := o.DeskStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "hidesContextError", Flaw: "returns its own error, not one matching ctx.Err(), when ctx is done",
			Open: bend(func(o *over) {
				unavailable := errors.New("store unavailable")
				o.mapErrors(func(err error) error {
					if errors.Is(err, context.Canceled) {
						return unavailable
					}
					return err
				})
			}),
			CaughtBy: []string{"ContextDone"}},
	}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[servicedesk.Store]

func soundStores() []soundStore {
	return []soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() servicedesk.Store { return memstore.New().ServiceDesk() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no SubjectEvents, no roster view",
			Open:  func() servicedesk.Store { return minimal{memstore.New().ServiceDesk()} },
			Skips: []string{"SubjectEventsInOrder", "EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{Name: "mapStore", How: "this file's map store with no flaw, the base of the version and trail breakages",
			Open: mapStore(noFlaw), Skips: []string{"EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{Name: "mapStoreSlow", How: "answers reads after 1ms, so concurrent writers conflict and retry",
			Open: slowMapStore(noFlaw), Skips: []string{"EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{Name: "wrapsErrors", How: "wraps every error in its own message (fmt.Errorf with %w)",
			Open: bend(func(o *over) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{Name: "nilForNone", How: "returns nil slices, not empty ones, for no match",
			Open: bend(func(o *over) {
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return kitcheck.NilIfEmpty(o.DeskStore.WorkOrders(ctx, d, q))
				}
				o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return kitcheck.NilIfEmpty(o.DeskStore.Complaints(ctx, d, q))
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return kitcheck.NilIfEmpty(o.DeskStore.Events(ctx, d, after, limit))
				}
			})},
		{Name: "emptySlicesAsNil", How: "reads every empty slice inside a record as nil (JSON columns with omitempty)",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Slice && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{Name: "nilSlicesAsEmpty", How: "reads every nil slice inside a record as empty (JSON columns holding [])",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Slice && v.IsNil() && v.CanSet() && v.Type() != reflect.TypeFor[[]byte]() && v.Type().Name() == "" {
						v.Set(reflect.MakeSlice(v.Type(), 0, 0))
						return true
					}
					return false
				})
			})},
		{Name: "seqWithGaps", How: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			Open: withoutRoster(bend(func(o *over) {
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
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					c.Redactions = slices.Clone(c.Redactions)
					for i := range c.Redactions {
						if c.Redactions[i].Seq%10 != 0 {
							return fmt.Errorf("seqWithGaps: no event %d: %w", c.Redactions[i].Seq, org.ErrInvalid)
						}
						c.Redactions[i].Seq /= 10
					}
					return o.DeskStore.Commit(ctx, d, c)
				}
			})),
			// Its roster view would number the same events 1, 2, 3; its
			// billing view is hidden with it.
			Skips: []string{"EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{Name: "keepsMicroseconds", How: "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				return onValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Microsecond) })
			})},
		{Name: "fixedScaleMoney", How: "reads every amount back at scale 4 (12.50 as 12.5000), as a TEXT or NUMERIC(24,4) column does",
			Open: bend(func(o *over) {
				o.mapReads(func(v reflect.Value) bool {
					if d, ok := v.Interface().(decimal.Decimal); ok {
						v.Set(reflect.ValueOf(decimal.RequireFromString(d.StringFixed(4))))
						return true
					}
					return false
				})
			})},
		{Name: "utcFromDriver", How: "reads instants as a driver does: UTC, rebuilt from parts",
			Open: bend(func(o *over) {
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

// kit is servicedesktest's checks as the self-tests run them. A check failing a
// broken store it is not named for is an error (Exact).
var kit = kitcheck.Kit[servicedesk.Store]{
	Name:   "servicedesktest.Checks",
	Exact:  true,
	Checks: checks(),
	Skip:   servicedesktest.ErrSkip,
}

func checks() []kitcheck.Check[servicedesk.Store] {
	var cs []kitcheck.Check[servicedesk.Store]
	for _, c := range servicedesktest.Checks() {
		run := func(ctx context.Context, s servicedesk.Store) error { return c.Run(ctx, s, featuresOf(s)) }
		cs = append(cs, kitcheck.Check[servicedesk.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	return cs
}

func TestKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	kit.TestBroken(t, brokenStores())
}

func TestKitPassesSoundStores(t *testing.T) {
	t.Parallel()
	kit.TestSound(t, soundStores())
}

// TestKitCatchesForgottenColumns writes, for every field of every record
// (nested ones included), a store that does not keep it: a forgotten
// column. The kind's round trip check must catch each. A field the kit's
// fixture leaves zero, or its diff does not compare, fails here.
func TestKitCatchesForgottenColumns(t *testing.T) {
	t.Parallel()
	forgetting := func(forget func(servicedesk.Change) servicedesk.Change) servicedesk.Store {
		return bendCommit(func(c servicedesk.Change) servicedesk.Change { return forget(cloneChange(c)) })()
	}
	kitcheck.TestForgottenFields(t, kit, forgetting, []kitcheck.Kind[servicedesk.Change]{
		kitcheck.KindOf("WorkOrderRoundTrip", func(c *servicedesk.Change) []servicedesk.WorkOrder { return c.WorkOrders }),
		kitcheck.KindOf("CalendarDayRoundTrip", func(c *servicedesk.Change) []servicedesk.CalendarDay { return c.Calendar }),
		kitcheck.KindOf("ComplaintRoundTrip", func(c *servicedesk.Change) []servicedesk.Complaint { return c.Complaints }),
		kitcheck.KindOf("SurveyRoundTrip", func(c *servicedesk.Change) []servicedesk.Survey { return c.Surveys }),
		kitcheck.KindOf("EventsSharedTrail", func(c *servicedesk.Change) []org.Event { return c.Events }, "Seq"),
	})
}

// TestEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	kit.TestEveryCheckCatches(t, brokenStores())
}

var child = kitcheck.Child{Test: "TestChildTestStore", Env: "SERVICEDESKTEST_KIT_CHILD"}

// TestTestStoreFailsBrokenStore runs servicedesktest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and missing optional parts skip.
func TestTestStoreFailsBrokenStore(t *testing.T) {
	t.Parallel()
	child.Run(t,
		"--- FAIL: TestChildTestStore/WorkOrderNotFound",
		`servicedesktest: WorkOrderNotFound: WorkOrder(d1, "wo-404"): got error <nil>, want one matching `+org.ErrNotFound.Error(),
		"rule broken: "+kit.Rule(t, "WorkOrderNotFound"),
		"--- PASS: TestChildTestStore/WorkOrderRoundTrip",
		"--- SKIP: TestChildTestStore/LargeMonth",
		"--- SKIP: TestChildTestStore/EventsShareRosterTrail",
		"Features.Roster is not set",
	)
}

// TestChildTestStore is run by TestTestStoreFailsBrokenStore only.
func TestChildTestStore(t *testing.T) {
	child.Only(t)
	open := kitcheck.Named(t, brokenStores(), "missingIsZero").Open
	servicedesktest.TestStore(t, servicedesktest.Harness{
		NewStore: func(*testing.T) servicedesk.Store { return open() },
		Features: servicedesktest.Features{SkipLarge: true},
	})
}

// featuresOf gives a store with a roster view Features.Roster, one with a
// billing view Features.Billing.
func featuresOf(s servicedesk.Store) servicedesktest.Features {
	var f servicedesktest.Features
	switch s.(type) {
	case memstore.DeskStore, interface{ roster() org.Store }:
		f.Roster = rosterOf
	}
	switch s.(type) {
	case memstore.DeskStore, interface{ billing() billing.Store }:
		f.Billing = billingOf
	}
	return f
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
