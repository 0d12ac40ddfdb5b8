package policytest_test

// The store kit tests itself, as testing/fstest does in testfs_test.go:
// every store in ksBrokenStores breaks one rule of policy.Store, and
// exactly the checks named beside it must fail on it; every store in
// ksSoundStores keeps the contract, and every check must pass on it (or
// skip, where the store lacks an optional part).
// TestKit (its ForgottenFields part) generates one broken store per field
// of every record, by reflection, so a field added to a record and
// forgotten by the kit's fixtures or diff fails here.
//
// The shared rules (versions, copies, tenancy, the trail...) are proven
// once more by the flaws of internal/kit, which bend memstore through this
// kit's declarations: TestSharedRulesCatchFlaws (domain_test.go), one flaw
// per reference of every record among them. The stores here break the
// rules as real stores do, at the storage level.
//
// The generic broken and sound stores of kitcheck run here too (ksGeneric,
// ksSoundStores), bent through the Hooks of the store all these bend,
// ksOver, in kit_stores_test.go.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
	"github.com/servicelane/servicelane/store/memstore"
)

// ksBroken is a store that breaks one rule of the contract.
type ksBroken = kitcheck.Broken[policy.Store]

func ksBrokenStores() []ksBroken {
	return slices.Concat(ksGeneric(), ksNotFoundStores(), ksValueStores(), ksInstantStores(), ksListStores(),
		ksVersionStores(), ksAtomicStores(), ksTenancyStores(), ksEventStores(), ksContextStores())
}

// ksGeneric are the broken stores of kitcheck, and the checks of this kit
// that catch each (for a flaw of Commit, the shared checks it fails are
// added: kit.Domain.Bent).
func ksGeneric() []ksBroken {
	return kitcheck.Stores(ksHooked, policytest.Domain(policytest.Features{}).Bent, map[string][]string{
		"plainNotFound": {"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "DecisionNotFound", "DecisionVersionRule",
			"IncidentNotFound", "IncidentVersionRule", "PolicyNotFound", "PolicyVersionRule", "TenancyIsolation"},
		"missingIsZero": {"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "DecisionNotFound", "DecisionVersionRule",
			"IncidentNotFound", "IncidentVersionRule", "PolicyNotFound", "PolicyVersionRule", "TenancyIsolation"},
		"emptyIsNotFound":   {"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ContextDone", "DecisionTwiceInAChange", "DecisionVersionRule", "DecisionsOrderedByKey", "EmptyResults", "EventsAppended", "IncidentTwiceInAChange", "IncidentVersionRule", "IncidentsWithinBounds", "NominationTwiceInAChange", "NominationVersionRule", "NominationsOfPeriod", "OneActivePolicy", "PolicyTwiceInAChange", "PolicyVersionRule", "TenancyIsolation"},
		"hidesContextError": {"ContextDone"},
		"readsInDealerZone": {"AmountsExact", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ContextDone",
			"DecisionRoundTrip", "DecisionVersionRule", "DecisionsOrderedByKey", "EventsAppended", "IncidentRoundTrip",
			"IncidentVersionRule", "IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds",
			"NominationRoundTrip", "NominationVersionRule", "NominationsOfPeriod", "OneActivePolicy",
			"PoliciesOrderedByVersion", "PolicyRoundTrip", "PolicyVersionRule", "ReadsAreCopies", "PolicyTwiceInAChange", "IncidentTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange",
			"TenancyIsolation"},
		"nilPointersAsZero": {"AmountsExact", "DecisionRoundTrip", "InstantsUTCMicroseconds", "PoliciesOrderedByVersion",
			"PolicyRoundTrip", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"},
		"dropsMicroseconds": {"AmountsExact", "ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule",
			"DecisionsOrderedByKey", "EventsAppended", "IncidentRoundTrip", "IncidentVersionRule",
			"IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds", "NominationRoundTrip",
			"NominationVersionRule", "NominationsOfPeriod", "PoliciesOrderedByVersion", "PolicyRoundTrip",
			"PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"},
		// decimalsUnsigned is left out: no check of this kit writes a
		// negative decimal (a policy's amounts are never negative:
		// Policy.Validate refuses them), so none can catch a store dropping
		// the sign.
		"floatDecimals":       {"AmountsExact"},
		"decimalsTwoPlaces":   {"AmountsExact", "DecisionRoundTrip", "InstantsUTCMicroseconds", "ReadsAreCopies"},
		"caseFoldKeys":        {"DecisionNotFound", "IncidentNotFound"},
		"trimsKeys":           {"DecisionNotFound", "IncidentNotFound"},
		"nilForNone":          {"EmptyResults"},
		"eventsNewestFirst":   {"ConcurrentActivationsKeepOne", "ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"},
		"eventsIgnoreLimit":   {"EventsAppended"},
		"eventsIgnoreCursor":  {"EventsAppended"},
		"eventsOfEveryDealer": {"CommitOtherDealerInvalid", "TenancyIsolation"},
		"eventsWithRecordsDropped": {"CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
			"ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule",
			"NominationVersionRule", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"},
		"ignoresVersions":           {"ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"},
		"slowLastWriterWins":        {"ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"},
		"createOverwrites":          {"ConcurrentDecisionCreateOnce"},
		"staleWins":                 {"ConcurrentDecisionUpdates"},
		"dealerCheckedOnFirstKind":  {},
		"updatesByKeyOnly":          {},
		"decisionUpserts":           {"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule"},
		"policiesOfEveryDealer":     {"EmptyResults", "TenancyIsolation"},
		"incidentsOfEveryDealer":    {"EmptyResults", "TenancyIsolation"},
		"nominationsOfEveryDealer":  {"EmptyResults", "TenancyIsolation"},
		"decisionsOfEveryDealer":    {"EmptyResults", "TenancyIsolation"},
		"policiesReversed":          {"AmountsExact", "PoliciesOrderedByVersion", "PolicyRoundTrip"},
		"incidentsReversed":         {"AmountsExact", "IncidentRoundTrip", "IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds"},
		"decisionsReversed":         {"AmountsExact", "DecisionRoundTrip", "DecisionsOrderedByKey", "InstantsUTCMicroseconds"},
		"checksContextAfterWriting": {"ContextDone"},
		"zeroTimeAsEpoch":           {"ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule", "DecisionsOrderedByKey", "IncidentRoundTrip", "IncidentVersionRule", "InstantsUTCMicroseconds", "NominationRoundTrip", "PolicyRoundTrip", "TenancyIsolation"},
		"seqFromZero":               {"ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"},
		"truncatesLists":            {"LargePeriod"},
		"updateCreates":             {},
		"versionZeroAccepted":       {},
		"versionZeroConflicts":      {},
		"writesThenConflicts":       {"ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"},
		"checkThenWrite":            {"ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"},
		"kindByKind":                {"ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"},
		"recordByRecord":            {"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "OneActivePolicy", "PolicyRoundTrip"},
		"eachUnderItsDealer":        {},
		"lastOfTwiceWins":           {},
		"eventsOfRefusedCommits":    {"ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "OneActivePolicy"},
	})
}

func ksNotFoundStores() []ksBroken {
	return []ksBroken{
		{Name: "policyNearestEarlier", Flaw: "Policy answers the latest version below the one asked for when it has none (policy_version <= ? ORDER BY policy_version DESC LIMIT 1)",
			Open: ksBend(func(o *ksOver) {
				o.policy = func(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
					p, err := o.PolicyStore.Policy(ctx, d, v)
					for k := 1; k <= 10 && errors.Is(err, org.ErrNotFound); k++ {
						if earlier, e := o.PolicyStore.Policy(ctx, d, v-k); e == nil {
							return earlier, nil
						}
					}
					return p, err
				}
			}),
			CaughtBy: []string{"ConcurrentActivationsKeepOne", "PolicyNotFound", "PolicyVersionRule", "TenancyIsolation"}},
		{Name: "activeIsLatest", Flaw: "ActivePolicy answers the latest version, active or not",
			Open: ksBend(func(o *ksOver) {
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					ps, err := o.PolicyStore.Policies(ctx, d)
					if err != nil || len(ps) == 0 {
						return policy.StoredPolicy{}, cmp.Or(err, fmt.Errorf("no policy: %w", org.ErrNotFound))
					}
					return ps[len(ps)-1], nil
				}
			}),
			CaughtBy: []string{
				"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "InstantsUTCMicroseconds", "OneActivePolicy",
				"PolicyRoundTrip"}},
		{Name: "decisionByPrefix", Flaw: "Decision finds the first decision whose key begins with the one asked for (key LIKE ?||'%')",
			Open: ksBend(func(o *ksOver) {
				o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
					x, err := o.PolicyStore.Decision(ctx, d, key)
					if !errors.Is(err, org.ErrNotFound) {
						return x, err
					}
					list, _ := o.PolicyStore.Decisions(ctx, d, policy.Period{Year: 2026, Month: time.November}, "")
					for _, y := range list {
						if strings.HasPrefix(y.Key, key) {
							return y, nil
						}
					}
					return x, err
				}
			}),
			CaughtBy: []string{"DecisionNotFound"}},
	}
}

func ksValueStores() []ksBroken {
	return []ksBroken{
		{Name: "decimalsEighteenDigits", Flaw: "keeps 18 digits before the point (a NUMERIC(22,4) column)",
			Open: ksBend(func(o *ksOver) {
				o.h.Writes = append(o.h.Writes, kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return d.Mod(decimal.New(1, 18)) }))
			}),
			CaughtBy: []string{"AmountsExact"}},
		{Name: "argsDropped", Flaw: "keeps no phrase's arguments (a column forgotten for the map)",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				c = kitcheck.DeepCopy(c)
				for i := range c.Decisions {
					for _, ps := range [][]policy.Phrase{c.Decisions[i].Proposal.Explanation.Reasons, c.Decisions[i].Proposal.Explanation.Actions} {
						for j := range ps {
							ps[j].Args = nil
						}
					}
				}
				return c
			}),
			CaughtBy: []string{
				"AmountsExact", "ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule",
				"DecisionsOrderedByKey", "InstantsUTCMicroseconds", "ReadsAreCopies", "TenancyIsolation"}},
		{Name: "nestedConditionsDropped", Flaw: "keeps a rule's condition but not the conditions inside all, any and not (a table of conditions one level deep)",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				c = kitcheck.DeepCopy(c)
				for i := range c.Policies {
					for j := range c.Policies[i].Policy.Rules {
						w := &c.Policies[i].Policy.Rules[j].When
						for k := range w.All {
							w.All[k] = policy.Condition{}
						}
						for k := range w.Any {
							w.Any[k] = policy.Condition{}
						}
						if w.Not != nil {
							w.Not = &policy.Condition{}
						}
					}
				}
				return c
			}),
			CaughtBy: []string{"AmountsExact", "InstantsUTCMicroseconds", "PolicyRoundTrip", "ReadsAreCopies"}},
		{Name: "rulesMerged", Flaw: "an update adds the new rules to the stored ones instead of replacing them (child rows never deleted)",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					c = kitcheck.DeepCopy(c)
					for i, x := range c.Policies {
						old, err := o.PolicyStore.Policy(ctx, d, x.Policy.Version)
						if err != nil || x.Version < 2 {
							continue
						}
						for _, r := range old.Policy.Rules {
							if !slices.ContainsFunc(x.Policy.Rules, func(y policy.Rule) bool { return y.ID == r.ID }) {
								c.Policies[i].Policy.Rules = append(c.Policies[i].Policy.Rules, r)
							}
						}
					}
					return o.PolicyStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"PolicyRoundTrip"}},
		{Name: "usedMerged", Flaw: "an update adds the new facts used to the stored ones instead of replacing them",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					c = kitcheck.DeepCopy(c)
					for i, x := range c.Decisions {
						old, err := o.PolicyStore.Decision(ctx, d, x.Key)
						if err != nil || x.Version < 2 {
							continue
						}
						for _, u := range old.Proposal.Used {
							if !slices.Contains(x.Proposal.Used, u) {
								c.Decisions[i].Proposal.Used = append(c.Decisions[i].Proposal.Used, u)
							}
						}
					}
					return o.PolicyStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"DecisionRoundTrip"}},
	}
}

func ksInstantStores() []ksBroken {
	return []ksBroken{
		{Name: "keepsZone", Flaw: "keeps each instant in the zone it was written in (a timestamp column with the offset kept as text)",
			Open:     ksKeepsInstants(func(written time.Time) time.Time { return written.Truncate(time.Microsecond) }),
			CaughtBy: []string{"InstantsUTCMicroseconds"}},
		{Name: "keepsNanoseconds", Flaw: "keeps instants to the nanosecond, not the microsecond",
			Open:     ksKeepsInstants(func(written time.Time) time.Time { return written.UTC() }),
			CaughtBy: []string{"InstantsUTCMicroseconds"}},
	}
}

// ksKeepsInstants returns an opener of memstore that reads every instant
// back as keep makes it of the instant written (memstore keeps it in UTC
// to the microsecond; the instant written is remembered beside it).
func ksKeepsInstants(keep func(written time.Time) time.Time) func() policy.Store {
	return ksBend(func(o *ksOver) {
		var mu sync.Mutex
		written := map[int64]time.Time{} // by the microsecond memstore keeps
		o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
			c = kitcheck.DeepCopy(c)
			var seen []time.Time
			kitcheck.Walk(reflect.ValueOf(&c).Elem(), kitcheck.OnInstants(func(t time.Time) time.Time {
				seen = append(seen, t)
				return t
			}))
			err := o.PolicyStore.Commit(ctx, d, c)
			if err == nil {
				mu.Lock()
				for _, t := range seen {
					if !t.IsZero() {
						written[t.UnixMicro()] = t
					}
				}
				mu.Unlock()
			}
			return err
		}
		o.h.Reads = append(o.h.Reads, kitcheck.OnInstants(func(t time.Time) time.Time {
			mu.Lock()
			defer mu.Unlock()
			if w, ok := written[t.UnixMicro()]; ok && !t.IsZero() {
				return keep(w)
			}
			return t
		}))
	})
}

func ksListStores() []ksBroken {
	bendIncidents := func(fn func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error)) func() policy.Store {
		return ksBend(func(o *ksOver) {
			o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				return fn(o, ctx, d, from, before)
			}
		})
	}
	sortedIncidents := func(order func(a, b policy.IncidentRecord) int) func() policy.Store {
		return bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
			list, err := o.PolicyStore.Incidents(ctx, d, from, before)
			slices.SortStableFunc(list, order)
			return list, err
		})
	}
	bendDecisions := func(fn func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error)) func() policy.Store {
		return ksBend(func(o *ksOver) {
			o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
				return fn(o, ctx, d, p, e)
			}
		})
	}
	sortedDecisions := func(order func(a, b policy.Decision) int) func() policy.Store {
		return bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
			list, err := o.PolicyStore.Decisions(ctx, d, p, e)
			slices.SortStableFunc(list, order)
			return list, err
		})
	}
	bendNominations := func(fn func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error)) func() policy.Store {
		return ksBend(func(o *ksOver) {
			o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
				return fn(o, ctx, d, p)
			}
		})
	}
	// everyPeriod lists what the periods of the fixtures' years hold.
	everyPeriod := func(year int) []policy.Period {
		ps := []policy.Period{{Year: year}}
		for m := time.January; m <= time.December; m++ {
			ps = append(ps, policy.Period{Year: year, Month: m})
		}
		return ps
	}
	return []ksBroken{
		{Name: "policiesAsText", Flaw: "orders policies by version written as text (10 before 9)",
			Open: ksBend(func(o *ksOver) {
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					list, err := o.PolicyStore.Policies(ctx, d)
					slices.SortStableFunc(list, func(a, b policy.StoredPolicy) int {
						return cmp.Compare(fmt.Sprint(a.Policy.Version), fmt.Sprint(b.Policy.Version))
					})
					return list, err
				}
			}),
			CaughtBy: []string{"PoliciesOrderedByVersion"}},
		{Name: "incidentsByID", Flaw: "orders incidents by ID, not by time",
			Open: sortedIncidents(func(a, b policy.IncidentRecord) int { return cmp.Compare(a.ID, b.ID) }),
			CaughtBy: []string{
				"IncidentRoundTrip", "IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds"}},
		{Name: "incidentsByTimeText", Flaw: "orders incidents by their time written as RFC 3339 text (trailing zeros dropped)",
			Open: sortedIncidents(func(a, b policy.IncidentRecord) int {
				return cmp.Or(cmp.Compare(a.At.Format(time.RFC3339Nano), b.At.Format(time.RFC3339Nano)), cmp.Compare(a.ID, b.ID))
			}),
			CaughtBy: []string{"IncidentsOrderedByTime", "IncidentsWithinBounds"}},
		{Name: "incidentsTieCaseBlind", Flaw: "breaks ties of time by ID case-insensitively (a linguistic collation)",
			Open: sortedIncidents(func(a, b policy.IncidentRecord) int {
				return cmp.Or(a.At.Compare(b.At), cmp.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)))
			}),
			CaughtBy: []string{"IncidentsOrderedByTime", "IncidentsWithinBounds"}},
		{Name: "incidentsTieByInsertion", Flaw: "orders incidents by time only, ties in the order they were written (ORDER BY at, rowid)",
			Open: ksBend(func(o *ksOver) {
				var mu sync.Mutex
				order := map[string]int{}
				commit := o.commit
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					err := commit(ctx, d, c)
					if err == nil {
						mu.Lock()
						for _, x := range c.Incidents {
							if _, ok := order[string(d)+"/"+x.ID]; !ok {
								order[string(d)+"/"+x.ID] = len(order)
							}
						}
						mu.Unlock()
					}
					return err
				}
				o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					list, err := o.PolicyStore.Incidents(ctx, d, from, before)
					mu.Lock()
					defer mu.Unlock()
					slices.SortStableFunc(list, func(a, b policy.IncidentRecord) int {
						return cmp.Or(a.At.Compare(b.At), cmp.Compare(order[string(d)+"/"+a.ID], order[string(d)+"/"+b.ID]))
					})
					return list, err
				}
			}),
			CaughtBy: []string{"IncidentsOrderedByTime"}},
		{Name: "incidentsBeforeIncluded", Flaw: "Incidents includes the incidents at before (at <= ?)",
			Open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				if !before.IsZero() {
					before = before.Add(time.Microsecond)
				}
				return o.PolicyStore.Incidents(ctx, d, from, before)
			}),
			CaughtBy: []string{"IncidentsWithinBounds"}},
		{Name: "incidentsFromExcluded", Flaw: "Incidents leaves out the incidents at from (at > ?)",
			Open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				if !from.IsZero() {
					from = from.Add(time.Microsecond)
				}
				return o.PolicyStore.Incidents(ctx, d, from, before)
			}),
			CaughtBy: []string{"IncidentsWithinBounds"}},
		{Name: "incidentsBoundsAsLocalText", Flaw: "compares the bounds as text in the zone they were given in (a bound in +08:00 against UTC text)",
			Open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				wall := func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
				}
				return o.PolicyStore.Incidents(ctx, d, wall(from), wall(before))
			}),
			CaughtBy: []string{"IncidentsWithinBounds"}},
		{Name: "incidentsIgnoreBounds", Flaw: "Incidents ignores its bounds",
			Open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, _, _ time.Time) ([]policy.IncidentRecord, error) {
				return o.PolicyStore.Incidents(ctx, d, time.Time{}, time.Time{})
			}),
			CaughtBy: []string{"EmptyResults", "IncidentsWithinBounds"}},
		{Name: "nominationsOfYearIncludeMonths", Flaw: "a year's Nominations includes those of its months (period LIKE '2026%')",
			Open: bendNominations(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
				if p.Month != 0 {
					return o.PolicyStore.Nominations(ctx, d, p)
				}
				all := []policy.NominationRecord{}
				for _, q := range everyPeriod(p.Year) {
					list, err := o.PolicyStore.Nominations(ctx, d, q)
					if err != nil {
						return nil, err
					}
					all = append(all, list...)
				}
				slices.SortFunc(all, func(a, b policy.NominationRecord) int { return cmp.Compare(a.ID, b.ID) })
				return all, nil
			}),
			CaughtBy: []string{"NominationRoundTrip", "NominationsOfPeriod"}},
		{Name: "nominationsByEmployee", Flaw: "orders nominations by employee, then ID",
			Open: bendNominations(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
				list, err := o.PolicyStore.Nominations(ctx, d, p)
				slices.SortStableFunc(list, func(a, b policy.NominationRecord) int {
					return cmp.Or(cmp.Compare(a.Employee, b.Employee), cmp.Compare(a.ID, b.ID))
				})
				return list, err
			}),
			CaughtBy: []string{"NominationRoundTrip", "NominationsOfPeriod"}},
		{Name: "nominationsIgnorePeriod", Flaw: "Nominations lists every period's nominations",
			Open: bendNominations(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
				all := []policy.NominationRecord{}
				for _, q := range slices.Concat(everyPeriod(p.Year-1), everyPeriod(p.Year), everyPeriod(p.Year+1)) {
					list, err := o.PolicyStore.Nominations(ctx, d, q)
					if err != nil {
						return nil, err
					}
					all = append(all, list...)
				}
				slices.SortFunc(all, func(a, b policy.NominationRecord) int { return cmp.Compare(a.ID, b.ID) })
				return all, nil
			}),
			CaughtBy: []string{"EmptyResults", "NominationRoundTrip", "NominationsOfPeriod"}},
		{Name: "decisionsByEmployee", Flaw: "orders decisions by employee, then key",
			Open: sortedDecisions(func(a, b policy.Decision) int {
				return cmp.Or(cmp.Compare(a.Proposal.Employee, b.Proposal.Employee), cmp.Compare(a.Key, b.Key))
			}),
			CaughtBy: []string{"DecisionRoundTrip", "DecisionsOrderedByKey", "InstantsUTCMicroseconds"}},
		{Name: "decisionsCaseBlind", Flaw: "orders decisions by key case-insensitively (a linguistic collation)",
			Open:     sortedDecisions(func(a, b policy.Decision) int { return cmp.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key)) }),
			CaughtBy: []string{"DecisionsOrderedByKey"}},
		{Name: "decisionsEmployeePrefix", Flaw: "selects an employee's decisions by prefix (employee LIKE 'adv-1%')",
			Open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
				list, err := o.PolicyStore.Decisions(ctx, d, p, "")
				return slices.DeleteFunc(list, func(x policy.Decision) bool { return !strings.HasPrefix(string(x.Proposal.Employee), string(e)) }), err
			}),
			CaughtBy: []string{"DecisionsOrderedByKey"}},
		{Name: "decisionsEmployeeIgnored", Flaw: "Decisions lists every employee's decisions whoever is named",
			Open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, _ org.EmployeeID) ([]policy.Decision, error) {
				return o.PolicyStore.Decisions(ctx, d, p, "")
			}),
			CaughtBy: []string{"DecisionsOrderedByKey", "EmptyResults"}},
		{Name: "decisionsOfYearIncludeMonths", Flaw: "a year's Decisions includes those of its months (period LIKE '2026%')",
			Open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
				if p.Month != 0 {
					return o.PolicyStore.Decisions(ctx, d, p, e)
				}
				all := []policy.Decision{}
				for _, q := range everyPeriod(p.Year) {
					list, err := o.PolicyStore.Decisions(ctx, d, q, e)
					if err != nil {
						return nil, err
					}
					all = append(all, list...)
				}
				slices.SortFunc(all, func(a, b policy.Decision) int { return cmp.Compare(a.Key, b.Key) })
				return all, nil
			}),
			CaughtBy: []string{"DecisionsOrderedByKey"}},
	}
}

func ksVersionStores() []ksBroken {
	return []ksBroken{
		{Name: "manyActive", Flaw: "lets a dealer have several active policies (no unique index on the mark)",
			Open: ksBend(func(o *ksOver) {
				// memstore keeps every policy inactive; the marks are kept here.
				var mu sync.Mutex
				marks := map[org.DealerID]map[int]bool{}
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					written := kitcheck.DeepCopy(c)
					for i := range written.Policies {
						written.Policies[i].Active = false
					}
					mu.Lock()
					defer mu.Unlock()
					if err := o.PolicyStore.Commit(ctx, d, written); err != nil {
						return err
					}
					if marks[d] == nil {
						marks[d] = map[int]bool{}
					}
					for _, p := range c.Policies {
						marks[d][p.Policy.Version] = p.Active
					}
					return nil
				}
				o.policy = func(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
					mu.Lock()
					defer mu.Unlock()
					p, err := o.PolicyStore.Policy(ctx, d, v)
					p.Active = err == nil && marks[d][v]
					return p, err
				}
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					mu.Lock()
					defer mu.Unlock()
					list, err := o.PolicyStore.Policies(ctx, d)
					for i := range list {
						list[i].Active = marks[d][list[i].Policy.Version]
					}
					return list, err
				}
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					mu.Lock()
					defer mu.Unlock()
					list, err := o.PolicyStore.Policies(ctx, d)
					for _, p := range list { // the first marked, in version order
						if marks[d][p.Policy.Version] {
							p.Active = true
							return p, nil
						}
					}
					if err != nil {
						return policy.StoredPolicy{}, err
					}
					return o.PolicyStore.ActivePolicy(ctx, d) // ErrNotFound
				}
			}),
			CaughtBy: []string{"ConcurrentActivationsKeepOne", "OneActivePolicy"}},
		{Name: "activeCheckedFirst", Flaw: "refuses an activation beside the stored active policy before applying the Change's deactivation (the unique index checked in the order the Change lists them)",
			Open: ksBend(func(o *ksOver) {
				var mu sync.Mutex
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					mu.Lock()
					defer mu.Unlock()
					stored, err := o.PolicyStore.Policies(ctx, d)
					if err != nil {
						return err
					}
					active := map[int]bool{}
					for _, p := range stored {
						if p.Active {
							active[p.Policy.Version] = true
						}
					}
					for _, p := range c.Policies {
						delete(active, p.Policy.Version)
						if p.Active && len(active) > 0 {
							return fmt.Errorf("policy %d made active beside an active one: %w", p.Policy.Version, org.ErrConflict)
						}
						if p.Active {
							active[p.Policy.Version] = true
						}
					}
					return o.PolicyStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "OneActivePolicy", "PolicyRoundTrip"}},
	}
}

func ksAtomicStores() []ksBroken {
	return []ksBroken{
		{Name: "decisionsLast", Flaw: "writes the other records, then the decisions in a second transaction: a stale decision leaves the rest behind",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					ds := c.Decisions
					c.Decisions = nil
					return kitcheck.CommitParts(ctx, o.PolicyStore.Commit, d, c, policy.Change{Decisions: ds})
				}
			}),
			CaughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates",
				"DecisionVersionRule", "DecisionTwiceInAChange"}},
	}
}

func ksTenancyStores() []ksBroken {
	return []ksBroken{
		{Name: "keysWithoutDealer", Flaw: "keys records without their dealer: two dealers' records of one key collide",
			Open: ksKeysWithoutDealer(), CaughtBy: []string{"CommitOtherDealerInvalid", "OneActivePolicy", "TenancyIsolation"}},
		{Name: "activeFallsBack", Flaw: "ActivePolicy answers another dealer's active policy when the asked one has none",
			Open: ksBend(func(o *ksOver) {
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					return kitcheck.FallBack(o.h.Dealers(), d, func(d org.DealerID) (policy.StoredPolicy, error) { return o.PolicyStore.ActivePolicy(ctx, d) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
	}
}

// ksKeysWithoutDealer returns an opener of memstore that files every
// record under one dealer, remembering the dealer that wrote each key
// last: a read by key answers whichever dealer's record holds the key, a
// list lists the dealer's own, and a second dealer's record of a key
// meets the first one's version (and active mark).
func ksKeysWithoutDealer() func() policy.Store {
	const all org.DealerID = "every-dealer"
	return ksBend(func(o *ksOver) {
		var mu sync.Mutex
		owner := map[string]org.DealerID{} // by kind and key
		policyKey := func(v int) string { return "policy/" + strconv.Itoa(v) }
		o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
			if err := ksOtherDealer(d, c); err != nil {
				return err
			}
			c = kitcheck.DeepCopy(c)
			mark := map[string]org.DealerID{}
			for i := range c.Policies {
				c.Policies[i].DealerID, mark[policyKey(c.Policies[i].Policy.Version)] = all, d
			}
			for i := range c.Incidents {
				c.Incidents[i].DealerID, mark["incident/"+c.Incidents[i].ID] = all, d
			}
			for i := range c.Nominations {
				c.Nominations[i].DealerID, mark["nomination/"+c.Nominations[i].ID] = all, d
			}
			for i := range c.Decisions {
				c.Decisions[i].DealerID, mark["decision/"+c.Decisions[i].Key] = all, d
			}
			records := c
			records.Events = nil
			mu.Lock()
			defer mu.Unlock()
			if err := ctx.Err(); err != nil {
				return err
			}
			if !kitcheck.Empty(records) {
				if err := o.PolicyStore.Commit(ctx, all, records); err != nil {
					return err
				}
			}
			maps.Copy(owner, mark)
			if len(c.Events) == 0 {
				return nil
			}
			return o.PolicyStore.Commit(ctx, d, policy.Change{Events: c.Events})
		}
		o.policy = func(ctx context.Context, _ org.DealerID, v int) (policy.StoredPolicy, error) {
			mu.Lock()
			defer mu.Unlock()
			p, err := o.PolicyStore.Policy(ctx, all, v)
			if err == nil {
				p.DealerID = owner[policyKey(v)]
			}
			return p, err
		}
		o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
			mu.Lock()
			defer mu.Unlock()
			p, err := o.PolicyStore.ActivePolicy(ctx, all)
			if err == nil && owner[policyKey(p.Policy.Version)] != d {
				return policy.StoredPolicy{}, fmt.Errorf("no active policy: %w", org.ErrNotFound)
			}
			p.DealerID = d
			return p, err
		}
		o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
			mu.Lock()
			defer mu.Unlock()
			list, err := o.PolicyStore.Policies(ctx, all)
			return ksOwned(list, func(p policy.StoredPolicy) string { return policyKey(p.Policy.Version) }, func(p *policy.StoredPolicy) *org.DealerID { return &p.DealerID }, owner, d), err
		}
		o.incident = func(ctx context.Context, _ org.DealerID, id string) (policy.IncidentRecord, error) {
			mu.Lock()
			defer mu.Unlock()
			r, err := o.PolicyStore.Incident(ctx, all, id)
			if err == nil {
				r.DealerID = owner["incident/"+id]
			}
			return r, err
		}
		o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
			mu.Lock()
			defer mu.Unlock()
			list, err := o.PolicyStore.Incidents(ctx, all, from, before)
			return ksOwned(list, func(r policy.IncidentRecord) string { return "incident/" + r.ID }, func(r *policy.IncidentRecord) *org.DealerID { return &r.DealerID }, owner, d), err
		}
		o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
			mu.Lock()
			defer mu.Unlock()
			list, err := o.PolicyStore.Nominations(ctx, all, p)
			return ksOwned(list, func(n policy.NominationRecord) string { return "nomination/" + n.ID }, func(n *policy.NominationRecord) *org.DealerID { return &n.DealerID }, owner, d), err
		}
		o.decision = func(ctx context.Context, _ org.DealerID, key string) (policy.Decision, error) {
			mu.Lock()
			defer mu.Unlock()
			x, err := o.PolicyStore.Decision(ctx, all, key)
			if err == nil {
				x.DealerID = owner["decision/"+key]
			}
			return x, err
		}
		o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
			mu.Lock()
			defer mu.Unlock()
			list, err := o.PolicyStore.Decisions(ctx, all, p, e)
			return ksOwned(list, func(x policy.Decision) string { return "decision/" + x.Key }, func(x *policy.Decision) *org.DealerID { return &x.DealerID }, owner, d), err
		}
	})
}

// ksOwned returns the records of list whose key owner files under d, as
// d's.
func ksOwned[T any](list []T, key func(T) string, dealer func(*T) *org.DealerID, owner map[string]org.DealerID, d org.DealerID) []T {
	list = slices.DeleteFunc(list, func(x T) bool { return owner[key(x)] != d })
	for i := range list {
		*dealer(&list[i]) = d
	}
	return list
}

// ksOtherDealer refuses, as memstore does, a change holding a record or
// an event of a dealer other than d.
func ksOtherDealer(d org.DealerID, c policy.Change) error {
	ids := []org.DealerID{}
	for _, x := range c.Policies {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Incidents {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Nominations {
		ids = append(ids, x.DealerID)
	}
	for _, x := range c.Decisions {
		ids = append(ids, x.DealerID)
	}
	for _, ev := range c.Events {
		ids = append(ids, ev.DealerID)
	}
	if i := slices.IndexFunc(ids, func(id org.DealerID) bool { return id != d }); i >= 0 {
		return fmt.Errorf("commit for %s holds a record of %s: %w", d, ids[i], org.ErrInvalid)
	}
	return nil
}

func ksEventStores() []ksBroken {
	return []ksBroken{
		{Name: "separateTrail", Flaw: "keeps policy events in a trail of their own, not the dealer's",
			Open: ksBend(func(o *ksOver) {
				side := memstore.New().Policy()
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					evs := c.Events
					c.Events = nil
					if err := o.PolicyStore.Commit(ctx, d, c); err != nil {
						return err
					}
					return side.Commit(ctx, d, policy.Change{Events: evs})
				}
			}),
			CaughtBy: []string{
				"CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
				"ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule",
				"NominationVersionRule", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
	}
}

func ksContextStores() []ksBroken {
	return []ksBroken{}
}

// ksSound keeps the contract, sometimes in a way memstore does not.
type ksSound = kitcheck.Sound[policy.Store]

// ksSoundStores are memstore, the kit's own sound stores and the generic
// ones of kitcheck but nilForNone: a list with no match is empty, not nil,
// in this contract, so it is a broken store here.
func ksSoundStores() []ksSound {
	generic := kitcheck.Sounds(ksHooked, "nilForNone")
	return append([]ksSound{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() policy.Store { return memstore.New().Policy() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() policy.Store { return ksMinimal{memstore.New().Policy()} }, Skips: []string{"EventsAppended"}},
		{Name: "activeFromPolicies", How: "answers ActivePolicy by scanning Policies for the mark",
			Open: ksBend(func(o *ksOver) {
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					ps, err := o.PolicyStore.Policies(ctx, d)
					if err != nil {
						return policy.StoredPolicy{}, err
					}
					for _, p := range ps {
						if p.Active {
							return p, nil
						}
					}
					return policy.StoredPolicy{}, fmt.Errorf("no active policy: %w", org.ErrNotFound)
				}
			})},
		{Name: "incidentFromList", How: "answers Incident by listing every incident",
			Open: ksBend(func(o *ksOver) {
				o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
					list, err := o.PolicyStore.Incidents(ctx, d, time.Time{}, time.Time{})
					if err != nil {
						return policy.IncidentRecord{}, err
					}
					if i := slices.IndexFunc(list, func(r policy.IncidentRecord) bool { return r.ID == id }); i >= 0 {
						return list[i], nil
					}
					return policy.IncidentRecord{}, fmt.Errorf("no incident %q: %w", id, org.ErrNotFound)
				}
			})},
	}, generic...)
}

// ksSelf is the store kit's self-test. A check failing a broken store it
// is not named for is an error (Exact).
var ksSelf = kitcheck.Self[policy.Store, policy.Change]{
	Kit: kitcheck.Kit[policy.Store]{Name: "policytest.StoreChecks", Exact: true, Skip: policytest.ErrSkip, SkipLarge: true,
		Checks: kitcheck.Of(policytest.StoreChecks(), policytest.Features{})},
	Broken: ksBrokenStores, Sound: ksSoundStores,
	Forgetting: func(forget func(policy.Change) policy.Change) policy.Store { return ksBendCommit(forget)() },
	Parts:      policytest.Domain(policytest.Features{}).Parts(),
	ChildTest:  "TestStoreKitChild", Env: "POLICYTEST_STORE_KIT_CHILD", ChildStore: "missingIsZero",
	TestStore: func(t *testing.T, open func() policy.Store) {
		policytest.TestStore(t, policytest.Harness{NewStore: func(*testing.T) policy.Store { return ksMinimal{open()} },
			Features: policytest.Features{SkipLarge: true}})
	},
	Fails:   "IncidentNotFound",
	Message: `policytest: IncidentNotFound: reading incident "i-4" by key, stored "i-1", "i-2", "kit-i-3": got error <nil>, want one matching ` + org.ErrNotFound.Error(),
	Passes:  "IncidentRoundTrip", Skips: []string{"LargePeriod", "EventsAppended"}, Also: []string{"Features.Events is not set"},
}

// TestKit is the store kit's self-test: every check on every broken store
// (each must fail exactly the checks named for it) and sound one (each
// must pass), on a store forgetting each field of each record, and
// TestStore's verdict on a broken store, read from a child process.
func TestKit(t *testing.T) { ksSelf.Test(t) }

// TestStoreKitChild is run by TestKit only.
func TestStoreKitChild(t *testing.T) { ksSelf.Child(t) }

// ksMinimal hides everything of a store but policy.Store.
type ksMinimal struct{ policy.Store }
