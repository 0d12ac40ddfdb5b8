package policytest_test

// The store kit tests itself, as testing/fstest does in testfs_test.go:
// every store in ksBrokenStores breaks one rule of policy.Store, and
// exactly the checks named beside it must fail on it; every store in
// ksSoundStores keeps the contract, and every check must pass on it (or
// skip, where the store lacks an optional part).
// TestStoreKitCatchesForgottenColumns generates one broken store per field
// of every record, by reflection, so a field added to a record and
// forgotten by the kit's fixtures or diff fails here.
//
// The shared rules (versions, copies, tenancy, the trail...) are proven
// once more by the flaws of internal/kit, which bend memstore through this
// kit's declarations: TestSharedRulesCatchFlaws (domain_test.go), one flaw
// per reference of every record among them. The stores here break the
// rules as real stores do, at the storage level.
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
	var bs []ksBroken
	for _, group := range [][]ksBroken{ksNotFoundStores(), ksValueStores(), ksInstantStores(), ksListStores(),
		ksVersionStores(), ksAtomicStores(), ksTenancyStores(), ksEventStores(), ksContextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

func ksNotFoundStores() []ksBroken {
	return []ksBroken{
		{Name: "plainNotFound", Flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			Open: ksBend(func(o *ksOver) { o.mapErrors(kitcheck.PlainNotFound) }),
			CaughtBy: []string{
				"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "DecisionNotFound", "DecisionVersionRule",
				"IncidentNotFound", "IncidentVersionRule", "PolicyNotFound", "PolicyVersionRule",
				"TenancyIsolation"}},
		{Name: "missingIsZero", Flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			Open: ksBend(func(o *ksOver) { o.mapErrors(kitcheck.NilIfNotFound) }),
			CaughtBy: []string{
				"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "DecisionNotFound", "DecisionVersionRule",
				"IncidentNotFound", "IncidentVersionRule", "PolicyNotFound", "PolicyVersionRule", "TenancyIsolation"}},
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
		{Name: "emptyIsNotFound", Flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			Open: ksBend(func(o *ksOver) {
				ps, is, ns, ds := o.policies, o.incidents, o.nominations, o.decisions
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					return kitcheck.NotFoundIfEmpty(ps(ctx, d))
				}
				o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					return kitcheck.NotFoundIfEmpty(is(ctx, d, from, before))
				}
				o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
					return kitcheck.NotFoundIfEmpty(ns(ctx, d, p))
				}
				o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					return kitcheck.NotFoundIfEmpty(ds(ctx, d, p, e))
				}
			}),
			CaughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ContextDone",
				"DecisionVersionRule", "DecisionsOrderedByKey", "EmptyResults", "IncidentVersionRule",
				"IncidentsWithinBounds", "NominationVersionRule", "NominationsOfPeriod", "OneActivePolicy",
				"PolicyVersionRule", "PolicyTwiceInAChange", "IncidentTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange", "TenancyIsolation"}},
		{Name: "caseFoldKeys", Flaw: "finds incidents and decisions case-insensitively (a _ci collation)",
			Open: ksBend(func(o *ksOver) {
				in, de := o.incident, o.decision
				o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
					return in(ctx, d, strings.ToLower(id))
				}
				o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
					return de(ctx, d, strings.ToLower(key))
				}
			}),
			CaughtBy: []string{"DecisionNotFound", "IncidentNotFound"}},
		{Name: "trimsKeys", Flaw: "finds incidents and decisions with spaces trimmed (a PAD SPACE collation, CHAR columns)",
			Open: ksBend(func(o *ksOver) {
				in, de := o.incident, o.decision
				o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
					return in(ctx, d, strings.TrimSpace(id))
				}
				o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
					return de(ctx, d, strings.TrimSpace(key))
				}
			}),
			CaughtBy: []string{"DecisionNotFound", "IncidentNotFound"}},
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
		{Name: "floatDecimals", Flaw: "passes decimals through float64 on write",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			CaughtBy: []string{"AmountsExact"}},
		{Name: "decimalsTwoPlaces", Flaw: "keeps 2 decimals (a NUMERIC(22,2) column, money's usual scale)",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }, nil)
			}),
			CaughtBy: []string{"AmountsExact", "DecisionRoundTrip", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{Name: "decimalsEighteenDigits", Flaw: "keeps 18 digits before the point (a NUMERIC(22,4) column)",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, func(d decimal.Decimal) decimal.Decimal {
					return d.Mod(decimal.New(1, 18))
				}, nil)
			}),
			CaughtBy: []string{"AmountsExact"}},
		{Name: "nilPointersAsZero", Flaw: "reads a missing pointer (places, min score, at most, award, compensation) as a pointer to a zero value (nullable columns scanned into a struct)",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			CaughtBy: []string{
				"AmountsExact", "DecisionRoundTrip", "InstantsUTCMicroseconds", "PoliciesOrderedByVersion",
				"PolicyRoundTrip", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{Name: "argsDropped", Flaw: "keeps no phrase's arguments (a column forgotten for the map)",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				c = ksClone(c)
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
				c = ksClone(c)
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
					c = ksClone(c)
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
					c = ksClone(c)
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
	taipei := time.FixedZone("CST", 8*3600)
	return []ksBroken{
		{Name: "dropsMicroseconds", Flaw: "keeps instants to the second",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			CaughtBy: []string{
				"AmountsExact", "ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule",
				"DecisionsOrderedByKey", "EventsAppended", "IncidentRoundTrip", "IncidentVersionRule",
				"IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds", "NominationRoundTrip",
				"NominationVersionRule", "NominationsOfPeriod", "PoliciesOrderedByVersion", "PolicyRoundTrip",
				"PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{Name: "readsInDealerZone", Flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			Open: ksBend(func(o *ksOver) { o.mapReads(kitcheck.OnInstants(func(t time.Time) time.Time { return t.In(taipei) })) }),
			CaughtBy: []string{
				"AmountsExact", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ContextDone",
				"DecisionRoundTrip", "DecisionVersionRule", "DecisionsOrderedByKey", "EventsAppended", "IncidentRoundTrip",
				"IncidentVersionRule", "IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds",
				"NominationRoundTrip", "NominationVersionRule", "NominationsOfPeriod", "OneActivePolicy",
				"PoliciesOrderedByVersion", "PolicyRoundTrip", "PolicyVersionRule", "ReadsAreCopies", "PolicyTwiceInAChange", "IncidentTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange",
				"TenancyIsolation"}},
		{Name: "keepsZone", Flaw: "keeps each instant in the zone it was written in (a timestamp column with the offset kept as text)",
			Open: ksMapStore(ksKeepsZone), CaughtBy: []string{"InstantsUTCMicroseconds"}},
		{Name: "keepsNanoseconds", Flaw: "keeps instants to the nanosecond, not the microsecond",
			Open: ksMapStore(ksKeepsNanoseconds), CaughtBy: []string{"InstantsUTCMicroseconds"}},
		{Name: "zeroTimeAsEpoch", Flaw: "reads the zero time back as 1970-01-01 (NULL stored as 0 seconds since the epoch)",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(kitcheck.OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return time.Unix(0, 0).UTC()
					}
					return t
				}))
			}),
			CaughtBy: []string{
				"ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule", "DecisionsOrderedByKey",
				"IncidentRoundTrip", "InstantsUTCMicroseconds", "NominationRoundTrip", "PolicyRoundTrip",
				"TenancyIsolation"}},
	}
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
		{Name: "policiesReversed", Flaw: "lists policies latest first",
			Open: ksBend(func(o *ksOver) {
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					list, err := o.PolicyStore.Policies(ctx, d)
					slices.Reverse(list)
					return list, err
				}
			}),
			CaughtBy: []string{"AmountsExact", "PoliciesOrderedByVersion", "PolicyRoundTrip"}},
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
		{Name: "incidentsReversed", Flaw: "lists incidents latest first",
			Open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				list, err := o.PolicyStore.Incidents(ctx, d, from, before)
				slices.Reverse(list)
				return list, err
			}),
			CaughtBy: []string{
				"AmountsExact", "IncidentRoundTrip", "IncidentsOrderedByTime", "IncidentsWithinBounds",
				"InstantsUTCMicroseconds"}},
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
			CaughtBy: []string{"DecisionsOrderedByKey"}},
		{Name: "decisionsCaseBlind", Flaw: "orders decisions by key case-insensitively (a linguistic collation)",
			Open:     sortedDecisions(func(a, b policy.Decision) int { return cmp.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key)) }),
			CaughtBy: []string{"DecisionsOrderedByKey"}},
		{Name: "decisionsReversed", Flaw: "lists decisions in descending key order",
			Open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
				list, err := o.PolicyStore.Decisions(ctx, d, p, e)
				slices.Reverse(list)
				return list, err
			}),
			CaughtBy: []string{
				"AmountsExact", "DecisionRoundTrip", "DecisionsOrderedByKey", "InstantsUTCMicroseconds"}},
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
		{Name: "truncatesLists", Flaw: "returns at most 100 records from a list (a LIMIT left in the query)",
			Open: ksBend(func(o *ksOver) {
				is, ds := o.incidents, o.decisions
				o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					list, err := is(ctx, d, from, before)
					return list[:min(len(list), 100)], err
				}
				o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					list, err := ds(ctx, d, p, e)
					return list[:min(len(list), 100)], err
				}
			}),
			CaughtBy: []string{"LargePeriod"}},
		{Name: "nilForNone", Flaw: "returns nil slices, not empty ones, for no match",
			Open: ksBend(func(o *ksOver) {
				ps, is, ns, ds := o.policies, o.incidents, o.nominations, o.decisions
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					return kitcheck.NilIfEmpty(ps(ctx, d))
				}
				o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					return kitcheck.NilIfEmpty(is(ctx, d, from, before))
				}
				o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
					return kitcheck.NilIfEmpty(ns(ctx, d, p))
				}
				o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					return kitcheck.NilIfEmpty(ds(ctx, d, p, e))
				}
			}),
			CaughtBy: []string{"EmptyResults"}},
	}
}

func ksVersionStores() []ksBroken {
	return []ksBroken{
		{Name: "lastWriterWins", Flaw: "ignores Version: every write of Version >= 1 lands", Open: ksMapStore(ksLastWriterWins), CaughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{Name: "lastWriterWinsSlow", Flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			Open: ksSlowMapStore(ksLastWriterWins), CaughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{Name: "createOverwrites", Flaw: "Version 1 replaces an existing record", Open: ksMapStore(ksCreateOverwrites), CaughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{Name: "staleWins", Flaw: "Version n > 1 replaces whatever version is stored", Open: ksMapStore(ksStaleWins), CaughtBy: []string{"ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{Name: "writesThenConflicts", Flaw: "writes the whole change, then reports the version conflict", Open: ksMapStore(ksWritesThenConflicts), CaughtBy: []string{"CommitIsAtomic", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "OneActivePolicy", "PolicyVersionRule", "PolicyTwiceInAChange", "IncidentTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange"}},
		{Name: "checkThenWrite", Flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			Open: ksMapStore(ksCheckThenWrite), CaughtBy: []string{"ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"}},
		{Name: "decisionUpserts", Flaw: "ignores decisions' Version (INSERT OR REPLACE); other kinds keep the rule", Open: ksMapStoreOnly(ksLastWriterWins, "decision"), CaughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule"}},
		{Name: "manyActive", Flaw: "lets a dealer have several active policies (no unique index on the mark)", Open: ksMapStore(ksManyActive), CaughtBy: []string{"ConcurrentActivationsKeepOne", "OneActivePolicy"}},
		{Name: "activeCheckedFirst", Flaw: "refuses an activation beside the stored active policy before applying the Change's deactivation (the unique index checked in the order the Change lists them)",
			Open: ksMapStore(ksActiveCheckedFirst), CaughtBy: []string{"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "OneActivePolicy", "PolicyRoundTrip"}},
	}
}

func ksAtomicStores() []ksBroken {
	return []ksBroken{
		{Name: "notAtomic", Flaw: "writes each record as its own commit, so records before a conflict land",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					var parts []policy.Change
					for _, x := range c.Policies {
						parts = append(parts, policy.Change{Policies: []policy.StoredPolicy{x}})
					}
					for _, x := range c.Incidents {
						parts = append(parts, policy.Change{Incidents: []policy.IncidentRecord{x}})
					}
					for _, x := range c.Nominations {
						parts = append(parts, policy.Change{Nominations: []policy.NominationRecord{x}})
					}
					for _, x := range c.Decisions {
						parts = append(parts, policy.Change{Decisions: []policy.Decision{x}})
					}
					parts = append(parts, policy.Change{Events: c.Events})
					return ksCommitParts(ctx, o.PolicyStore, d, parts)
				}
			}),
			CaughtBy: []string{
				"ActivePolicyMoves", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne",
				"OneActivePolicy", "PolicyRoundTrip", "PolicyTwiceInAChange", "IncidentTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange"}},
		{Name: "kindByKind", Flaw: "writes each kind of record in its own transaction (one per table)",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					return ksCommitParts(ctx, o.PolicyStore, d, []policy.Change{
						{Incidents: c.Incidents}, {Policies: c.Policies}, {Nominations: c.Nominations}, {Decisions: c.Decisions}, {Events: c.Events},
					})
				}
			}),
			CaughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid", "OneActivePolicy", "PolicyTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange"}},
		{Name: "eventsFirst", Flaw: "appends the events (the outbox) before checking the records",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					evs := c.Events
					c.Events = nil
					return ksCommitParts(ctx, o.PolicyStore, d, []policy.Change{{Events: evs}, c})
				}
			}),
			CaughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
				"ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule",
				"OneActivePolicy", "PolicyVersionRule", "PolicyTwiceInAChange", "IncidentTwiceInAChange", "NominationTwiceInAChange", "DecisionTwiceInAChange"}},
		{Name: "decisionsLast", Flaw: "writes the other records, then the decisions in a second transaction: a stale decision leaves the rest behind",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					ds := c.Decisions
					c.Decisions = nil
					return ksCommitParts(ctx, o.PolicyStore, d, []policy.Change{c, {Decisions: ds}})
				}
			}),
			CaughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates",
				"DecisionVersionRule", "DecisionTwiceInAChange"}},
	}
}

func ksTenancyStores() []ksBroken {
	return []ksBroken{
		{Name: "acceptsOtherDealer", Flaw: "writes each record under the dealer it names, not refusing other dealers'",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					parts := map[org.DealerID]*policy.Change{}
					part := func(id org.DealerID) *policy.Change {
						if parts[id] == nil {
							parts[id] = &policy.Change{}
						}
						return parts[id]
					}
					for _, x := range c.Policies {
						p := part(x.DealerID)
						p.Policies = append(p.Policies, x)
					}
					for _, x := range c.Incidents {
						p := part(x.DealerID)
						p.Incidents = append(p.Incidents, x)
					}
					for _, x := range c.Nominations {
						p := part(x.DealerID)
						p.Nominations = append(p.Nominations, x)
					}
					for _, x := range c.Decisions {
						p := part(x.DealerID)
						p.Decisions = append(p.Decisions, x)
					}
					for _, ev := range c.Events {
						p := part(ev.DealerID)
						p.Events = append(p.Events, ev)
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := o.PolicyStore.Commit(ctx, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "dealerCheckedOnPoliciesOnly", Flaw: "checks DealerID of policies and events only; other records are filed under the commit's dealer",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					c = ksClone(c)
					for i := range c.Incidents {
						c.Incidents[i].DealerID = d
					}
					for i := range c.Nominations {
						c.Nominations[i].DealerID = d
					}
					for i := range c.Decisions {
						c.Decisions[i].DealerID = d
					}
					return o.PolicyStore.Commit(ctx, d, c)
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid"}},
		{Name: "keysWithoutDealer", Flaw: "keys records without their dealer: two dealers' records of one key collide",
			Open: ksMapStore(ksKeyWithoutDealer), CaughtBy: []string{"CommitOtherDealerInvalid", "OneActivePolicy", "TenancyIsolation"}},
		{Name: "activeFallsBack", Flaw: "ActivePolicy answers another dealer's active policy when the asked one has none",
			Open: ksBend(func(o *ksOver) {
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					return ksFallBack(o, d, func(d org.DealerID) (policy.StoredPolicy, error) { return o.PolicyStore.ActivePolicy(ctx, d) })
				}
			}),
			CaughtBy: []string{"TenancyIsolation"}},
		{Name: "policiesOfEveryDealer", Flaw: "Policies ignores the dealer",
			Open: ksBend(func(o *ksOver) {
				o.policies = func(ctx context.Context, _ org.DealerID) ([]policy.StoredPolicy, error) {
					return ksEveryDealer(o, func(p policy.StoredPolicy) string { return fmt.Sprintf("%09d", p.Policy.Version) },
						func(d org.DealerID) ([]policy.StoredPolicy, error) { return o.PolicyStore.Policies(ctx, d) })
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "incidentsOfEveryDealer", Flaw: "Incidents ignores the dealer",
			Open: ksBend(func(o *ksOver) {
				o.incidents = func(ctx context.Context, _ org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					return ksEveryDealer(o, func(r policy.IncidentRecord) string { return fmt.Sprintf("%020d/%s", r.At.UnixMicro(), r.ID) },
						func(d org.DealerID) ([]policy.IncidentRecord, error) {
							return o.PolicyStore.Incidents(ctx, d, from, before)
						})
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "nominationsOfEveryDealer", Flaw: "Nominations ignores the dealer",
			Open: ksBend(func(o *ksOver) {
				o.nominations = func(ctx context.Context, _ org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
					return ksEveryDealer(o, func(n policy.NominationRecord) string { return n.ID },
						func(d org.DealerID) ([]policy.NominationRecord, error) { return o.PolicyStore.Nominations(ctx, d, p) })
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "decisionsOfEveryDealer", Flaw: "Decisions ignores the dealer",
			Open: ksBend(func(o *ksOver) {
				o.decisions = func(ctx context.Context, _ org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					return ksEveryDealer(o, func(x policy.Decision) string { return x.Key },
						func(d org.DealerID) ([]policy.Decision, error) { return o.PolicyStore.Decisions(ctx, d, p, e) })
				}
			}),
			CaughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{Name: "eventsOfEveryDealer", Flaw: "Events ignores the dealer",
			Open: ksBend(func(o *ksOver) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					all, err := ksEveryDealer(o, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.PolicyStore.Events(ctx, d, after, limit) })
					return all[:min(len(all), limit)], err
				}
			}),
			CaughtBy: []string{"CommitOtherDealerInvalid", "TenancyIsolation"}},
	}
}

func ksEventStores() []ksBroken {
	return []ksBroken{
		{Name: "dropsEvents", Flaw: "drops the events of a commit that also writes records",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				if len(c.Policies)+len(c.Incidents)+len(c.Nominations)+len(c.Decisions) > 0 {
					c.Events = nil
				}
				return c
			}),
			CaughtBy: []string{
				"CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
				"ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule",
				"NominationVersionRule", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{Name: "eventsReversed", Flaw: "appends a commit's events in reverse order",
			Open: ksBendCommit(func(c policy.Change) policy.Change {
				c.Events = slices.Clone(c.Events)
				slices.Reverse(c.Events)
				return c
			}),
			CaughtBy: []string{"EventsAppended"}},
		{Name: "eventsIgnoreCursor", Flaw: "Events returns the trail from its start, whatever the cursor",
			Open: ksBend(func(o *ksOver) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.PolicyStore.Events(ctx, d, 0, limit)
				}
			}),
			CaughtBy: []string{"EventsAppended"}},
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
	return []ksBroken{
		{Name: "checksContextAfterWriting", Flaw: "Commit writes, then returns ctx.Err()",
			Open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					if err := o.PolicyStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			}),
			CaughtBy: []string{"ContextDone"}},
		{Name: "hidesContextError", Flaw: "returns its own error, not one matching ctx.Err(), when ctx is done",
			Open: ksBend(func(o *ksOver) {
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

// ksSound keeps the contract, sometimes in a way memstore does not.
type ksSound = kitcheck.Sound[policy.Store]

func ksSoundStores() []ksSound {
	return []ksSound{
		{Name: "memstore", How: "the shipped in-memory store", Open: func() policy.Store { return memstore.New().Policy() }},
		{Name: "memstoreMinimal", How: "memstore behind the bare interface: no way to read the trail",
			Open: func() policy.Store { return ksMinimal{memstore.New().Policy()} }, Skips: []string{"EventsAppended"}},
		{Name: "mapStore", How: "this file's map store with no flaw, the base of the version and copy breakages", Open: ksMapStore(ksNoFlaw)},
		{Name: "mapStoreSlow", How: "answers reads after 1ms, so concurrent writers conflict and retry", Open: ksSlowMapStore(ksNoFlaw)},
		{Name: "roundsToMicroseconds", How: "rounds instants to the microsecond instead of truncating (PostgreSQL's text input)", Open: ksMapStore(ksRoundsToMicro)},
		{Name: "wrapsErrors", How: "wraps every error in its own message (fmt.Errorf with %w)",
			Open: ksBend(func(o *ksOver) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{Name: "emptyAsNil", How: "reads every empty slice and map inside a record as nil (JSON columns with omitempty)",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(func(v reflect.Value) bool {
					if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{Name: "nilAsEmpty", How: "reads every nil slice inside a record as empty (JSON columns holding [])",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(func(v reflect.Value) bool {
					switch {
					case !v.CanSet() || v.Kind() != reflect.Slice || !v.IsNil():
						return false
					case v.Type() != reflect.TypeFor[[]byte]() && v.Type().Name() == "":
						v.Set(reflect.MakeSlice(v.Type(), 0, 0))
					default:
						return false
					}
					return true
				})
			})},
		{Name: "seqWithGaps", How: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			Open: ksBend(func(o *ksOver) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.PolicyStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{Name: "canonicalDecimals", How: "reads every decimal back in its canonical form (100.0000 as 100), as a JSON document does",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }))
			})},
		{Name: "fixedScaleDecimals", How: "reads every decimal back at a fixed scale of 4 (7.5 as 7.5000), as a NUMERIC(24,4) column does",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(kitcheck.OnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.StringFixed(4)) }))
			})},
		{Name: "utcFromDriver", How: "reads instants as a driver does: UTC, rebuilt from parts",
			Open: ksBend(func(o *ksOver) {
				o.mapReads(kitcheck.OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
				}))
			})},
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
	}
}

// ksKit is policytest's checks as the self-tests run them.
var ksKit = kitcheck.Kit[policy.Store]{
	Name:      "policytest.StoreChecks",
	Checks:    ksChecks(),
	Skip:      policytest.ErrSkip,
	Exact:     true,
	SkipLarge: true,
}

func ksChecks() []kitcheck.Check[policy.Store] {
	var cs []kitcheck.Check[policy.Store]
	for _, c := range policytest.StoreChecks() {
		run := func(ctx context.Context, s policy.Store) error { return c.Run(ctx, s, policytest.Features{}) }
		cs = append(cs, kitcheck.Check[policy.Store]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	return cs
}

func TestStoreKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	ksKit.TestBroken(t, ksBrokenStores())
}

func TestStoreKitPassesSoundStores(t *testing.T) {
	t.Parallel()
	ksKit.TestSound(t, ksSoundStores())
}

// TestStoreKitCatchesForgottenColumns writes, for every field of every record
// (nested ones included), a store that does not keep it: a forgotten
// column. The kind's round trip check must catch each. A field the kit's
// fixture leaves zero, or its diff does not compare, fails here.
func TestStoreKitCatchesForgottenColumns(t *testing.T) {
	t.Parallel()
	forgetting := func(forget func(policy.Change) policy.Change) policy.Store {
		return ksBendCommit(func(c policy.Change) policy.Change { return forget(ksClone(c)) })()
	}
	kitcheck.TestForgottenFields(t, ksKit, forgetting, []kitcheck.Kind[policy.Change]{
		kitcheck.KindOf("PolicyRoundTrip", func(c *policy.Change) []policy.StoredPolicy { return c.Policies }),
		kitcheck.KindOf("IncidentRoundTrip", func(c *policy.Change) []policy.IncidentRecord { return c.Incidents }),
		kitcheck.KindOf("NominationRoundTrip", func(c *policy.Change) []policy.NominationRecord { return c.Nominations }),
		kitcheck.KindOf("DecisionRoundTrip", func(c *policy.Change) []policy.Decision { return c.Decisions }),
		kitcheck.KindOf("EventsAppended", func(c *policy.Change) []org.Event { return c.Events }, "Seq"),
	})
}

// TestStoreKitEveryCheckHasABrokenStore proves that no check passes everything: each
// is the one that must catch at least one broken store.
func TestStoreKitEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	ksKit.TestEveryCheckCatches(t, ksBrokenStores())
}

var ksChild = kitcheck.Child{Test: "TestStoreKitChild", Env: "POLICYTEST_STORE_KIT_CHILD"}

// TestStoreKitFailsBrokenStore runs policytest.TestStore on a broken
// store in a child process (a failing subtest cannot be observed in this
// one) and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and missing optional parts skip.
func TestStoreKitFailsBrokenStore(t *testing.T) {
	t.Parallel()
	ksChild.Run(t,
		"--- FAIL: TestStoreKitChild/IncidentNotFound",
		`policytest: IncidentNotFound: Incident(d1, "late-2"): got error <nil>, want one matching `+org.ErrNotFound.Error(),
		"rule broken: "+ksKit.Rule(t, "IncidentNotFound"),
		"--- PASS: TestStoreKitChild/IncidentRoundTrip",
		"--- SKIP: TestStoreKitChild/LargePeriod",
		"--- SKIP: TestStoreKitChild/EventsAppended",
		"Features.Events is not set",
	)
}

// TestStoreKitChild is run by TestStoreKitFailsBrokenStore only.
func TestStoreKitChild(t *testing.T) {
	ksChild.Only(t)
	open := kitcheck.Named(t, ksBrokenStores(), "missingIsZero").Open
	policytest.TestStore(t, policytest.Harness{
		NewStore: func(*testing.T) policy.Store { return ksMinimal{open()} },
		Features: policytest.Features{SkipLarge: true},
	})
}

// ksMinimal hides everything of a store but policy.Store.
type ksMinimal struct{ policy.Store }
