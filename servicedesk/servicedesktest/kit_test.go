package servicedesktest_test

// The kit tests itself, as testing/fstest does in testfs_test.go: every store
// in brokenStores breaks one rule of servicedesk.Store, and exactly the checks named
// beside it must fail on it; every store in soundStores keeps the contract,
// and every check must pass on it (or skip, where the store lacks an
// optional part). TestKit (its ForgottenFields part) generates one broken store
// per field of every record, by reflection, so a field added to a record
// and forgotten by the kit's diff fails here.
//
// The shared rules (versions, copies, tenancy, the trail...) are proven
// once more by the flaws of internal/kit, which bend memstore through this
// kit's declarations: TestSharedRulesCatchFlaws (domain_test.go), one flaw
// per reference of every record among them. The stores here break the
// rules as real stores do, at the storage level; those breaking
// SubjectEvents, Redactions and Billing stay, since internal/kit's flaws
// read the trail through Events only and write neither.
//
// The stores themselves are in kit_stores_test.go.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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
	return slices.Concat(generic(), notFoundStores(), valueStores(), versionStores(), atomicStores(),
		tenancyStores(), listStores(), eventStores(), contextStores())
}

// generic are the broken stores of kitcheck, and the checks of this kit
// that catch each (for a flaw of Commit, the shared checks it fails are
// added: kit.Domain.Bent).
// recordByRecord writes a change's events after its records, so two notes
// writers landing one after the other may number their events the other
// way round: ConcurrentCommitsLoseNothing sees that when they interleave
// ("?").
func generic() []brokenStore {
	return kitcheck.Stores(hooked, servicedesktest.Domain(servicedesktest.Features{}).Bent, map[string][]string{
		"plainNotFound": {"WorkOrderTwiceInAChange", "CalendarDayTwiceInAChange", "ComplaintTwiceInAChange", "SurveyTwiceInAChange",
			"RedactionOfUnknownEventInvalid", "WorkOrderNotFound", "CalendarDayNotFound", "ComplaintNotFound", "SurveyNotFound",
			"WorkOrderVersionRule", "TenancyIsolation", "ConcurrentBookingsNeverDoubleBook", "CalendarDayVersionRule", "CommitIsAtomic",
			"CommitOtherDealerInvalid", "CommitWritesBillingAtomically", "ComplaintVersionRule", "ContextDone", "SurveyVersionRule"},
		"missingIsZero": {"RedactionOfUnknownEventInvalid", "WorkOrderNotFound", "CalendarDayNotFound", "ComplaintNotFound", "SurveyNotFound",
			"WorkOrderVersionRule", "CalendarDayVersionRule", "ComplaintVersionRule", "SurveyVersionRule", "TenancyIsolation",
			"ConcurrentBookingsNeverDoubleBook"},
		"emptyIsNotFound": {"CalendarDayVersionRule", "CommitWritesBillingAtomically", "ComplaintVersionRule", "ComplaintsFilters",
			"ComplaintsOrderAndPages", "EmptyResults", "EventsAppended", "EventsSharedTrail", "LargeMonth", "SubjectEventsInOrder",
			"SurveyVersionRule", "SurveysFilters", "SurveysOrderAndPages", "TenancyIsolation", "WorkOrderVersionRule", "WorkOrdersFilters",
			"WorkOrdersOrderAndPages"},
		"hidesContextError": {"ContextDone"},
		"readsInDealerZone": {"WorkOrderTwiceInAChange", "CalendarDayTwiceInAChange", "ComplaintTwiceInAChange", "SurveyTwiceInAChange",
			"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent", "WorkOrderRoundTrip", "CalendarDayRoundTrip", "ComplaintRoundTrip",
			"SurveyRoundTrip", "EventsSharedTrail", "AmountsExact", "CalendarDayVersionRule", "CommitIsAtomic", "CommitOtherDealerInvalid",
			"CommitWritesBillingAtomically", "ComplaintVersionRule", "ConcurrentBookingsNeverDoubleBook", "ConcurrentCommitsLoseNothing", "ContextDone",
			"EventsAppended", "EventsShareRosterTrail", "ReadsAreCopies", "SubjectEventsInOrder", "SurveyVersionRule", "TenancyIsolation",
			"WorkOrderVersionRule"},
		"nilPointersAsZero": {"WorkOrderRoundTrip", "AmountsExact", "CommitWritesBillingAtomically", "TenancyIsolation", "WorkOrderVersionRule"},
		"dropsMicroseconds": {"RedactionRewritesOneEvent", "WorkOrderRoundTrip", "CalendarDayRoundTrip", "ComplaintRoundTrip", "SurveyRoundTrip",
			"WorkOrdersFilters", "ComplaintsFilters", "SurveysFilters", "AmountsExact", "CalendarDayVersionRule",
			"CommitWritesBillingAtomically", "ComplaintVersionRule", "ConcurrentBookingsNeverDoubleBook", "ConcurrentCommitsLoseNothing", "EventsAppended",
			"EventsShareRosterTrail", "EventsSharedTrail", "ReadsAreCopies", "SurveyVersionRule", "TenancyIsolation",
			"WorkOrderVersionRule"},
		"floatDecimals":     {"AmountsExact", "CommitWritesBillingAtomically", "ReadsAreCopies", "WorkOrderRoundTrip"},
		"decimalsTwoPlaces": {"AmountsExact", "WorkOrderRoundTrip", "ReadsAreCopies"},
		"decimalsUnsigned":  {"AmountsExact"},
		"caseFoldKeys":      {"WorkOrderNotFound", "ComplaintNotFound", "SurveyNotFound", "CalendarDayNotFound"},
		"trimsKeys":         {"WorkOrderNotFound", "ComplaintNotFound", "SurveyNotFound"},
		"eventsNewestFirst": {"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent",
			"EventsSharedTrail", "CalendarDayVersionRule", "CommitWritesBillingAtomically", "ComplaintVersionRule",
			"ConcurrentCommitsLoseNothing", "ConcurrentEventsUnique", "EventsAppended", "EventsShareRosterTrail", "SubjectEventsInOrder",
			"SurveyVersionRule", "WorkOrderVersionRule"},
		"eventsIgnoreLimit":   {"RedactionRewritesOneEvent", "EventsAppended", "EventsSharedTrail"},
		"eventsIgnoreCursor":  {"EventsAppended", "EventsSharedTrail"},
		"eventsOfEveryDealer": {"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent", "TenancyIsolation", "CommitOtherDealerInvalid"},
		"eventsWithRecordsDropped": {"RedactionOfUnknownEventInvalid", "RedactionRewritesOneEvent",
			"EventsSharedTrail", "ConcurrentCommitsLoseNothing", "ConcurrentEventsUnique", "EventsAppended", "EventsShareRosterTrail",
			"CalendarDayVersionRule", "CommitOtherDealerInvalid", "CommitWritesBillingAtomically",
			"ComplaintVersionRule", "ReadsAreCopies", "SurveyVersionRule", "TenancyIsolation", "WorkOrderVersionRule"},
		"ignoresVersions":            {"ConcurrentCommitsLoseNothing", "ConcurrentBookingsNeverDoubleBook"},
		"slowLastWriterWins":         {"ConcurrentCommitsLoseNothing", "ConcurrentBookingsNeverDoubleBook"},
		"createOverwrites":           {"ConcurrentBookingsNeverDoubleBook"},
		"staleWins":                  {"ConcurrentCommitsLoseNothing", "ConcurrentBookingsNeverDoubleBook"},
		"writesThenConflicts":        {"ConcurrentBookingsNeverDoubleBook", "ConcurrentCommitsLoseNothing"},
		"checkThenWrite":             {"ConcurrentCommitsLoseNothing", "ConcurrentBookingsNeverDoubleBook"},
		"kindByKind":                 {},
		"recordByRecord":             {"CommitWritesBillingAtomically", "RedactionOfUnknownEventInvalid", "?ConcurrentCommitsLoseNothing"},
		"eachUnderItsDealer":         {},
		"eventsOfRefusedCommits":     {"RedactionOfUnknownEventInvalid", "ConcurrentCommitsLoseNothing", "CommitWritesBillingAtomically"},
		"dealerCheckedOnFirstKind":   {},
		"updatesByKeyOnly":           {},
		"calendarDayUpserts":         {"CalendarDayVersionRule", "CommitIsAtomic", "ConcurrentBookingsNeverDoubleBook"},
		"workOrderUpserts":           {"CommitIsAtomic", "ConcurrentCommitsLoseNothing", "WorkOrderVersionRule"},
		"workOrdersOfEveryDealer":    {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"complaintsOfEveryDealer":    {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"surveysOfEveryDealer":       {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"subjectEventsOfEveryDealer": {"RedactionRewritesOneEvent", "TenancyIsolation"},
		"subjectEventsReversed":      {"RedactionRewritesOneEvent", "SubjectEventsInOrder"},
		"checksContextAfterWriting":  {"ContextDone"},
		"zeroTimeAsEpoch":            {"AmountsExact", "CommitWritesBillingAtomically", "ComplaintRoundTrip", "ComplaintVersionRule", "ReadsAreCopies", "TenancyIsolation", "WorkOrderRoundTrip", "WorkOrderVersionRule"},
		"truncatesLists":             {"LargeMonth"},
		"updateCreates":              {},
		"versionZeroAccepted":        {},
		"versionZeroConflicts":       {},
		"lastOfTwiceWins":            {},
	})
}

func notFoundStores() []brokenStore {
	return []brokenStore{
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
			CaughtBy: []string{"CalendarDayNotFound", "CalendarDayVersionRule", "ConcurrentBookingsNeverDoubleBook", "TenancyIsolation"}},
		{Name: "surveyOfWorkOrderIsEmpty", Flaw: "Survey answers a stored work order with no survey with an empty survey (surveys LEFT JOINed to work orders)",
			Open: bend(func(o *over) {
				o.survey = func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
					sv, err := o.DeskStore.Survey(ctx, d, wo)
					if errors.Is(err, org.ErrNotFound) {
						if _, werr := o.DeskStore.WorkOrder(ctx, d, wo); werr == nil {
							return servicedesk.Survey{DealerID: d, WorkOrder: wo}, nil
						}
					}
					return sv, err
				}
			}),
			CaughtBy: []string{"SurveyNotFound"}},
	}
}

func valueStores() []brokenStore {
	return []brokenStore{
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
		{Name: "calendarKeyedByTechnician", Flaw: "keys a calendar day by technician only, forgetting the day",
			Open:     bendCalendarKey(func(tech org.EmployeeID, day string) (org.EmployeeID, string) { return tech, "any" }),
			CaughtBy: []string{"CalendarDayRoundTrip", "CalendarDayNotFound", "CalendarDayVersionRule", "EventsAppended", "TenancyIsolation"}},
		{Name: "calendarKeyedByDay", Flaw: "keys a calendar day by day only, forgetting the technician",
			Open: bendCalendarKey(func(tech org.EmployeeID, day string) (org.EmployeeID, string) { return "any", day }),
			CaughtBy: []string{
				"CalendarDayRoundTrip", "CalendarDayNotFound", "CalendarDayVersionRule", "CommitIsAtomic",
				"ConcurrentBookingsNeverDoubleBook"}},
		{Name: "keepsOldJobs", Flaw: "an update adds jobs, lines and notes to the stored ones instead of replacing them (child rows never deleted)",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					c = kitcheck.DeepCopy(c)
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
	return []brokenStore{}
}

func atomicStores() []brokenStore {
	return []brokenStore{
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
					return kitcheck.CommitParts(ctx, o.DeskStore.Commit, d, c, servicedesk.Change{Billing: bc})
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
	return []brokenStore{}
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

// event is one event of a dealer, by its Seq.
type event struct {
	d   org.DealerID
	seq int64
}

func eventStores() []brokenStore {
	return []brokenStore{
		// The SubjectEvents part of ReadsAreCopies is servicedesk's own:
		// internal/kit's flaws do not reach it.
		{Name: "subjectEventsReturnStored", Flaw: "SubjectEvents returns the stored Data",
			Open: bend(func(o *over) {
				type stored struct {
					event
					data string // as memstore holds it, so a redaction stores anew
				}
				var mu sync.Mutex
				data := map[stored]json.RawMessage{}
				o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
					evs, err := o.DeskStore.SubjectEvents(ctx, d, subject)
					mu.Lock()
					defer mu.Unlock()
					for i, ev := range evs {
						k := stored{event{d, ev.Seq}, string(ev.Data)}
						if held, ok := data[k]; ok {
							evs[i].Data = held
						} else {
							data[k] = ev.Data
						}
					}
					return evs, err
				}
			}),
			CaughtBy: []string{"ReadsAreCopies"}},
		{Name: "redactionsApart", Flaw: "applies a change's Redactions in a transaction of their own, after the rest of it",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					rs := c.Redactions
					c.Redactions = nil
					return kitcheck.CommitParts(ctx, o.DeskStore.Commit, d, c, servicedesk.Change{Redactions: rs})
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid"}},
		{Name: "redactionsIgnored", Flaw: "accepts Change.Redactions and drops them",
			Open: bendCommit(func(c servicedesk.Change) servicedesk.Change {
				c.Redactions = nil
				return c
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent", "RedactionOfUnknownEventInvalid"}},
		{Name: "redactionBySeqOnly", Flaw: "redacts the event with the Seq whatever its subject",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					c = kitcheck.DeepCopy(c)
					trail, err := o.trail(ctx, d)
					if err != nil {
						return err
					}
					for i, r := range c.Redactions {
						if j := slices.IndexFunc(trail, func(ev org.Event) bool { return ev.Seq == r.Seq }); j >= 0 {
							c.Redactions[i].Subject = trail[j].Subject
						}
					}
					return o.DeskStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid"}},
		{Name: "redactionAnyDealer", Flaw: "redacts every dealer's event with the Seq",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if err := o.DeskStore.Commit(ctx, d, c); err != nil || len(c.Redactions) == 0 {
						return err
					}
					for _, other := range o.h.Dealers() {
						trail, err := o.trail(ctx, other)
						if err != nil {
							return err
						}
						var echo servicedesk.Change
						for _, r := range c.Redactions {
							if other != d && slices.ContainsFunc(trail, func(ev org.Event) bool { return ev.Seq == r.Seq && ev.Subject == r.Subject }) {
								echo.Redactions = append(echo.Redactions, r)
							}
						}
						if err := o.DeskStore.Commit(ctx, other, echo); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent"}},
		{Name: "redactionUnchecked", Flaw: "skips a redaction of a missing event instead of refusing the commit",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					trail, err := o.trail(ctx, d)
					if err != nil {
						return err
					}
					c.Redactions = slices.DeleteFunc(slices.Clone(c.Redactions), func(r org.Redaction) bool {
						return !slices.ContainsFunc(trail, func(ev org.Event) bool { return ev.Seq == r.Seq && ev.Subject == r.Subject })
					})
					return o.DeskStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"RedactionOfUnknownEventInvalid"}},
		{Name: "redactionWholeEvent", Flaw: "a redaction replaces the whole event, blanking its type and actor",
			Open: bend(func(o *over) {
				var mu sync.Mutex
				whole := map[event]bool{}
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					for _, r := range c.Redactions {
						whole[event{d, r.Seq}] = true
					}
					return nil
				}
				o.mapEvents(func(d org.DealerID, evs []org.Event) []org.Event {
					mu.Lock()
					defer mu.Unlock()
					for i, ev := range evs {
						if whole[event{d, ev.Seq}] {
							evs[i].Type, evs[i].Actor = "", org.Actor{}
						}
					}
					return evs
				})
			}),
			CaughtBy: []string{"RedactionRewritesOneEvent"}},
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
		{Name: "racySeq", Flaw: "reads the last Seq, lets go of its lock, then numbers the events: concurrent commits share a Seq",
			Open: bend(func(o *over) {
				var mu sync.Mutex
				given := map[event]int64{} // the Seq it gave each event memstore numbered
				seqOf := func(d org.DealerID, evs []org.Event) []org.Event {
					for i, ev := range evs {
						if s, ok := given[event{d, ev.Seq}]; ok {
							evs[i].Seq = s
						}
					}
					return evs
				}
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					n := len(c.Events) + len(c.Billing.Events)
					if n == 0 {
						return o.DeskStore.Commit(ctx, d, c)
					}
					// SELECT max(seq), then INSERT seq+1 outside the
					// transaction.
					trail, err := o.trail(ctx, d)
					if err != nil {
						return err
					}
					var last int64
					mu.Lock()
					if len(trail) > 0 {
						last = seqOf(d, trail[len(trail)-1:])[0].Seq
					}
					mu.Unlock()
					time.Sleep(time.Millisecond)
					mu.Lock()
					defer mu.Unlock()
					if err := o.DeskStore.Commit(ctx, d, c); err != nil {
						return err
					}
					if trail, err = o.trail(ctx, d); err != nil {
						return err
					}
					for i, ev := range trail[len(trail)-n:] {
						given[event{d, ev.Seq}] = last + int64(i) + 1
					}
					return nil
				}
				o.mapEvents(func(d org.DealerID, evs []org.Event) []org.Event {
					mu.Lock()
					defer mu.Unlock()
					return seqOf(d, evs)
				})
			}),
			CaughtBy: []string{"ConcurrentEventsUnique"}},
		{Name: "interleavedSeq", Flaw: "numbers each event of a commit in its own step, so concurrent commits' events interleave",
			Open: bend(func(o *over) {
				o.commit = func(ctx context.Context, d org.DealerID, c servicedesk.Change) error {
					if len(c.Events) < 2 || !c.Billing.Empty() || slices.ContainsFunc(c.Events, func(ev org.Event) bool { return ev.DealerID != d }) {
						return o.DeskStore.Commit(ctx, d, c)
					}
					// Each INSERT takes the next value of a shared
					// sequence in its own statement, outside one
					// transaction; the records go with the first.
					parts := []servicedesk.Change{c}
					parts[0].Events = c.Events[:1]
					for _, ev := range c.Events[1:] {
						parts = append(parts, servicedesk.Change{Events: []org.Event{ev}})
					}
					for i, p := range parts {
						if i > 0 {
							time.Sleep(time.Millisecond)
						}
						if err := o.DeskStore.Commit(ctx, d, p); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			CaughtBy: []string{"ConcurrentEventsUnique"}},
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
			Open: bend(func(o *over) {
				b, bg := o.DeskStore, context.WithoutCancel
				o.workOrder = func(ctx context.Context, d org.DealerID, id servicedesk.WorkOrderID) (servicedesk.WorkOrder, error) {
					return b.WorkOrder(bg(ctx), d, id)
				}
				o.workOrders = func(ctx context.Context, d org.DealerID, q servicedesk.WorkOrderQuery) ([]servicedesk.WorkOrder, error) {
					return b.WorkOrders(bg(ctx), d, q)
				}
				o.calendarDay = func(ctx context.Context, d org.DealerID, tech org.EmployeeID, day string) (servicedesk.CalendarDay, error) {
					return b.CalendarDay(bg(ctx), d, tech, day)
				}
				o.complaint = func(ctx context.Context, d org.DealerID, id servicedesk.ComplaintID) (servicedesk.Complaint, error) {
					return b.Complaint(bg(ctx), d, id)
				}
				o.complaints = func(ctx context.Context, d org.DealerID, q servicedesk.ComplaintQuery) ([]servicedesk.Complaint, error) {
					return b.Complaints(bg(ctx), d, q)
				}
				o.survey = func(ctx context.Context, d org.DealerID, wo servicedesk.WorkOrderID) (servicedesk.Survey, error) {
					return b.Survey(bg(ctx), d, wo)
				}
				o.surveys = func(ctx context.Context, d org.DealerID, q servicedesk.SurveyQuery) ([]servicedesk.Survey, error) {
					return b.Surveys(bg(ctx), d, q)
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					return b.Events(bg(ctx), d, after, limit)
				}
				o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
					return b.SubjectEvents(bg(ctx), d, subject)
				}
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "subjectEventsIgnoreContext", Flaw: "SubjectEvents never checks ctx (the shared rules' flaws read the trail through Events only)",
			Open: bendSubject(func(o *over, ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
				return o.DeskStore.SubjectEvents(context.WithoutCancel(ctx), d, subject)
			}),
			CaughtBy: []string{"ContextDone"}},
	}
}

// soundStore keeps the contract, sometimes in a way memstore does not.
type soundStore = kitcheck.Sound[servicedesk.Store]

func soundStores() []soundStore {
	// kitcheck's seqWithGaps renumbers Events only: its SubjectEvents, its
	// roster view and the Seq its redactions name would number the same
	// events 1, 2, 3. This kit's own numbers all four 10, 20, 30.
	generic := slices.DeleteFunc(kitcheck.Sounds(hooked), func(s soundStore) bool { return s.Name == "seqWithGaps" })
	return append([]soundStore{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() servicedesk.Store { return memstore.New().ServiceDesk() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no SubjectEvents, no roster view",
			Open:  func() servicedesk.Store { return minimal{memstore.New().ServiceDesk()} },
			Skips: []string{"SubjectEventsInOrder", "EventsShareRosterTrail", "CommitWritesBillingAtomically"}},
		{Name: "seqWithGaps", How: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			Open: withoutRoster(bend(func(o *over) {
				o.subjectEvents = func(ctx context.Context, d org.DealerID, subject string) ([]org.Event, error) {
					evs, err := o.DeskStore.SubjectEvents(ctx, d, subject)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.DeskStore.Events(ctx, d, after/10, limit)
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
	}, generic...)
}

// self is servicedesktest's self-test. Each check runs with the Features
// of the store it is given (featuresOf): a store here has a roster and
// billing view or not. A check failing a broken store it is not named for
// is an error (Exact).
var self = kitcheck.Self[servicedesk.Store, servicedesk.Change]{
	Kit: kitcheck.Kit[servicedesk.Store]{Name: "servicedesktest.Checks", Exact: true, Skip: servicedesktest.ErrSkip, SkipLarge: true,
		Checks: kitcheck.OfEach(servicedesktest.Checks(), featuresOf)},
	Broken: brokenStores, Sound: soundStores,
	Forgetting: func(forget func(servicedesk.Change) servicedesk.Change) servicedesk.Store {
		return bendCommit(forget)()
	},
	Parts:     servicedesktest.Domain(servicedesktest.Features{}).Parts(),
	ChildTest: "TestChildTestStore", Env: "SERVICEDESKTEST_KIT_CHILD", ChildStore: "missingIsZero",
	TestStore: func(t *testing.T, open func() servicedesk.Store) {
		servicedesktest.TestStore(t, servicedesktest.Harness{NewStore: func(*testing.T) servicedesk.Store { return open() },
			Features: servicedesktest.Features{SkipLarge: true}})
	},
	Fails: "WorkOrderNotFound",
	Message: `servicedesktest: WorkOrderNotFound: reading work order "wo-4" by key, stored "wo-1", "wo-2", "kit-wo-3": ` +
		"got error <nil>, want one matching " + org.ErrNotFound.Error(),
	Passes: "WorkOrderRoundTrip", Skips: []string{"LargeMonth", "EventsShareRosterTrail"}, Also: []string{"Features.Roster is not set"},
}

// TestKit is the kit's self-test: every check on every broken store (each
// must fail exactly the checks named for it) and sound one (each must
// pass), on a store forgetting each field of each record, and TestStore's
// verdict on a broken store, read from a child process.
func TestKit(t *testing.T) { self.Test(t) }

// TestChildTestStore is run by TestKit only.
func TestChildTestStore(t *testing.T) { self.Child(t) }

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
