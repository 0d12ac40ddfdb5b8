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

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
	"github.com/servicelane/servicelane/store/memstore"
)

// ksBroken is a store that breaks one rule of the contract.
type ksBroken struct {
	name string
	// flaw is the rule it breaks, in the contract's words.
	flaw string
	open func() policy.Store
	// caughtBy are the checks that must fail on it with an error; every
	// other check must pass.
	caughtBy []string
}

func ksBrokenStores() []ksBroken {
	var bs []ksBroken
	for _, group := range [][]ksBroken{ksNotFoundStores(), ksValueStores(), ksInstantStores(), ksListStores(), ksCopyStores(),
		ksVersionStores(), ksAtomicStores(), ksTenancyStores(), ksEventStores(), ksContextStores()} {
		bs = append(bs, group...)
	}
	return bs
}

func ksNotFoundStores() []ksBroken {
	return []ksBroken{
		{name: "plainNotFound", flaw: `returns errors.New("not found") instead of an error matching ErrNotFound`,
			open: ksBend(func(o *ksOver) { o.mapErrors(ksPlainNotFound) }),
			caughtBy: []string{
				"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "DecisionNotFound", "DecisionVersionRule",
				"IncidentNotFound", "IncidentVersionRule", "NominationVersionRule", "PolicyNotFound", "PolicyVersionRule",
				"TenancyIsolation"}},
		{name: "missingIsZero", flaw: "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			open: ksBend(func(o *ksOver) { o.mapErrors(ksNilIfNotFound) }),
			caughtBy: []string{
				"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "DecisionNotFound", "DecisionVersionRule",
				"IncidentNotFound", "IncidentVersionRule", "PolicyNotFound", "PolicyVersionRule", "TenancyIsolation"}},
		{name: "policyNearestEarlier", flaw: "Policy answers the latest version below the one asked for when it has none (policy_version <= ? ORDER BY policy_version DESC LIMIT 1)",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"ConcurrentActivationsKeepOne", "PolicyNotFound", "PolicyVersionRule", "TenancyIsolation"}},
		{name: "activeIsLatest", flaw: "ActivePolicy answers the latest version, active or not",
			open: ksBend(func(o *ksOver) {
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					ps, err := o.PolicyStore.Policies(ctx, d)
					if err != nil || len(ps) == 0 {
						return policy.StoredPolicy{}, cmp.Or(err, fmt.Errorf("no policy: %w", org.ErrNotFound))
					}
					return ps[len(ps)-1], nil
				}
			}),
			caughtBy: []string{
				"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "InstantsUTCMicroseconds", "OneActivePolicy",
				"PolicyRoundTrip", "TenancyIsolation"}},
		{name: "emptyIsNotFound", flaw: "answers a list with no match with ErrNotFound instead of an empty result",
			open: ksBend(func(o *ksOver) {
				ps, is, ns, ds := o.policies, o.incidents, o.nominations, o.decisions
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					return ksNotFoundIfEmpty(ps(ctx, d))
				}
				o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					return ksNotFoundIfEmpty(is(ctx, d, from, before))
				}
				o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
					return ksNotFoundIfEmpty(ns(ctx, d, p))
				}
				o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					return ksNotFoundIfEmpty(ds(ctx, d, p, e))
				}
			}),
			caughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ContextDone",
				"DecisionVersionRule", "DecisionsOrderedByKey", "EmptyResults", "IncidentVersionRule",
				"IncidentsWithinBounds", "NominationVersionRule", "NominationsOfPeriod", "OneActivePolicy",
				"PolicyVersionRule", "RecordTwiceConflicts", "TenancyIsolation"}},
		{name: "caseFoldKeys", flaw: "finds incidents and decisions case-insensitively (a _ci collation)",
			open: ksBend(func(o *ksOver) {
				in, de := o.incident, o.decision
				o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
					return in(ctx, d, strings.ToLower(id))
				}
				o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
					return de(ctx, d, strings.ToLower(key))
				}
			}),
			caughtBy: []string{"DecisionNotFound", "IncidentNotFound"}},
		{name: "trimsKeys", flaw: "finds incidents and decisions with spaces trimmed (a PAD SPACE collation, CHAR columns)",
			open: ksBend(func(o *ksOver) {
				in, de := o.incident, o.decision
				o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
					return in(ctx, d, strings.TrimSpace(id))
				}
				o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
					return de(ctx, d, strings.TrimSpace(key))
				}
			}),
			caughtBy: []string{"DecisionNotFound", "IncidentNotFound"}},
		{name: "decisionByPrefix", flaw: "Decision finds the first decision whose key begins with the one asked for (key LIKE ?||'%')",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"DecisionNotFound"}},
	}
}

func ksValueStores() []ksBroken {
	return []ksBroken{
		{name: "floatDecimals", flaw: "passes decimals through float64 on write",
			open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }, nil)
			}),
			caughtBy: []string{"AmountsExact"}},
		{name: "decimalsTwoPlaces", flaw: "keeps 2 decimals (a NUMERIC(22,2) column, money's usual scale)",
			open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }, nil)
			}),
			caughtBy: []string{"AmountsExact", "DecisionRoundTrip", "InstantsUTCMicroseconds", "ReadsAreCopies"}},
		{name: "decimalsEighteenDigits", flaw: "keeps 18 digits before the point (a NUMERIC(22,4) column)",
			open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, func(d decimal.Decimal) decimal.Decimal {
					return d.Mod(decimal.New(1, 18))
				}, nil)
			}),
			caughtBy: []string{"AmountsExact"}},
		{name: "nilPointersAsZero", flaw: "reads a missing pointer (places, min score, at most, award, compensation) as a pointer to a zero value (nullable columns scanned into a struct)",
			open: ksBend(func(o *ksOver) {
				o.mapReads(func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}),
			caughtBy: []string{
				"AmountsExact", "DecisionRoundTrip", "InstantsUTCMicroseconds", "PoliciesOrderedByVersion",
				"PolicyRoundTrip", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{name: "argsDropped", flaw: "keeps no phrase's arguments (a column forgotten for the map)",
			open: ksBendCommit(func(c policy.Change) policy.Change {
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
			caughtBy: []string{
				"AmountsExact", "ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule",
				"DecisionsOrderedByKey", "InstantsUTCMicroseconds", "ReadsAreCopies", "TenancyIsolation"}},
		{name: "nestedConditionsDropped", flaw: "keeps a rule's condition but not the conditions inside all, any and not (a table of conditions one level deep)",
			open: ksBendCommit(func(c policy.Change) policy.Change {
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
			caughtBy: []string{"AmountsExact", "InstantsUTCMicroseconds", "PolicyRoundTrip", "ReadsAreCopies"}},
		{name: "rulesMerged", flaw: "an update adds the new rules to the stored ones instead of replacing them (child rows never deleted)",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"PolicyRoundTrip"}},
		{name: "usedMerged", flaw: "an update adds the new facts used to the stored ones instead of replacing them",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"DecisionRoundTrip"}},
	}
}

func ksInstantStores() []ksBroken {
	taipei := time.FixedZone("CST", 8*3600)
	return []ksBroken{
		{name: "dropsMicroseconds", flaw: "keeps instants to the second",
			open: ksBendCommit(func(c policy.Change) policy.Change {
				return ksOnValues(c, nil, func(t time.Time) time.Time { return t.Truncate(time.Second) })
			}),
			caughtBy: []string{
				"AmountsExact", "ConcurrentDecisionCreateOnce", "DecisionRoundTrip", "DecisionVersionRule",
				"DecisionsOrderedByKey", "EventsAppended", "IncidentRoundTrip", "IncidentVersionRule",
				"IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds", "NominationRoundTrip",
				"NominationVersionRule", "NominationsOfPeriod", "PoliciesOrderedByVersion", "PolicyRoundTrip",
				"PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{name: "readsInDealerZone", flaw: "returns instants in the dealer's zone (+08:00), not UTC",
			open: ksBend(func(o *ksOver) { o.mapReads(ksOnInstants(func(t time.Time) time.Time { return t.In(taipei) })) }),
			caughtBy: []string{
				"AmountsExact", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ContextDone",
				"DecisionRoundTrip", "DecisionVersionRule", "DecisionsOrderedByKey", "EventsAppended", "IncidentRoundTrip",
				"IncidentVersionRule", "IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds",
				"NominationRoundTrip", "NominationVersionRule", "NominationsOfPeriod", "OneActivePolicy",
				"PoliciesOrderedByVersion", "PolicyRoundTrip", "PolicyVersionRule", "ReadsAreCopies", "RecordTwiceConflicts",
				"TenancyIsolation"}},
		{name: "keepsZone", flaw: "keeps each instant in the zone it was written in (a timestamp column with the offset kept as text)",
			open: ksMapStore(ksKeepsZone), caughtBy: []string{"InstantsUTCMicroseconds"}},
		{name: "keepsNanoseconds", flaw: "keeps instants to the nanosecond, not the microsecond",
			open: ksMapStore(ksKeepsNanoseconds), caughtBy: []string{"InstantsUTCMicroseconds"}},
		{name: "zeroTimeAsEpoch", flaw: "reads the zero time back as 1970-01-01 (NULL stored as 0 seconds since the epoch)",
			open: ksBend(func(o *ksOver) {
				o.mapReads(ksOnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return time.Unix(0, 0).UTC()
					}
					return t
				}))
			}),
			caughtBy: []string{
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
		{name: "policiesAsText", flaw: "orders policies by version written as text (10 before 9)",
			open: ksBend(func(o *ksOver) {
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					list, err := o.PolicyStore.Policies(ctx, d)
					slices.SortStableFunc(list, func(a, b policy.StoredPolicy) int {
						return cmp.Compare(fmt.Sprint(a.Policy.Version), fmt.Sprint(b.Policy.Version))
					})
					return list, err
				}
			}),
			caughtBy: []string{"PoliciesOrderedByVersion"}},
		{name: "policiesReversed", flaw: "lists policies latest first",
			open: ksBend(func(o *ksOver) {
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					list, err := o.PolicyStore.Policies(ctx, d)
					slices.Reverse(list)
					return list, err
				}
			}),
			caughtBy: []string{"AmountsExact", "PoliciesOrderedByVersion", "PolicyRoundTrip", "TenancyIsolation"}},
		{name: "incidentsByID", flaw: "orders incidents by ID, not by time",
			open: sortedIncidents(func(a, b policy.IncidentRecord) int { return cmp.Compare(a.ID, b.ID) }),
			caughtBy: []string{
				"IncidentRoundTrip", "IncidentsOrderedByTime", "IncidentsWithinBounds", "InstantsUTCMicroseconds"}},
		{name: "incidentsByTimeText", flaw: "orders incidents by their time written as RFC 3339 text (trailing zeros dropped)",
			open: sortedIncidents(func(a, b policy.IncidentRecord) int {
				return cmp.Or(cmp.Compare(a.At.Format(time.RFC3339Nano), b.At.Format(time.RFC3339Nano)), cmp.Compare(a.ID, b.ID))
			}),
			caughtBy: []string{"IncidentsOrderedByTime", "IncidentsWithinBounds"}},
		{name: "incidentsTieCaseBlind", flaw: "breaks ties of time by ID case-insensitively (a linguistic collation)",
			open: sortedIncidents(func(a, b policy.IncidentRecord) int {
				return cmp.Or(a.At.Compare(b.At), cmp.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)))
			}),
			caughtBy: []string{"IncidentsOrderedByTime", "IncidentsWithinBounds"}},
		{name: "incidentsTieByInsertion", flaw: "orders incidents by time only, ties in the order they were written (ORDER BY at, rowid)",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"IncidentsOrderedByTime"}},
		{name: "incidentsReversed", flaw: "lists incidents latest first",
			open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				list, err := o.PolicyStore.Incidents(ctx, d, from, before)
				slices.Reverse(list)
				return list, err
			}),
			caughtBy: []string{
				"AmountsExact", "IncidentRoundTrip", "IncidentsOrderedByTime", "IncidentsWithinBounds",
				"InstantsUTCMicroseconds", "TenancyIsolation"}},
		{name: "incidentsBeforeIncluded", flaw: "Incidents includes the incidents at before (at <= ?)",
			open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				if !before.IsZero() {
					before = before.Add(time.Microsecond)
				}
				return o.PolicyStore.Incidents(ctx, d, from, before)
			}),
			caughtBy: []string{"IncidentsWithinBounds"}},
		{name: "incidentsFromExcluded", flaw: "Incidents leaves out the incidents at from (at > ?)",
			open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				if !from.IsZero() {
					from = from.Add(time.Microsecond)
				}
				return o.PolicyStore.Incidents(ctx, d, from, before)
			}),
			caughtBy: []string{"IncidentsWithinBounds"}},
		{name: "incidentsBoundsAsLocalText", flaw: "compares the bounds as text in the zone they were given in (a bound in +08:00 against UTC text)",
			open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
				wall := func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
				}
				return o.PolicyStore.Incidents(ctx, d, wall(from), wall(before))
			}),
			caughtBy: []string{"IncidentsWithinBounds"}},
		{name: "incidentsIgnoreBounds", flaw: "Incidents ignores its bounds",
			open: bendIncidents(func(o *ksOver, ctx context.Context, d org.DealerID, _, _ time.Time) ([]policy.IncidentRecord, error) {
				return o.PolicyStore.Incidents(ctx, d, time.Time{}, time.Time{})
			}),
			caughtBy: []string{"EmptyResults", "IncidentsWithinBounds"}},
		{name: "nominationsOfYearIncludeMonths", flaw: "a year's Nominations includes those of its months (period LIKE '2026%')",
			open: bendNominations(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
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
			caughtBy: []string{"NominationRoundTrip", "NominationsOfPeriod", "TenancyIsolation"}},
		{name: "nominationsByEmployee", flaw: "orders nominations by employee, then ID",
			open: bendNominations(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
				list, err := o.PolicyStore.Nominations(ctx, d, p)
				slices.SortStableFunc(list, func(a, b policy.NominationRecord) int {
					return cmp.Or(cmp.Compare(a.Employee, b.Employee), cmp.Compare(a.ID, b.ID))
				})
				return list, err
			}),
			caughtBy: []string{"NominationRoundTrip", "NominationsOfPeriod"}},
		{name: "nominationsIgnorePeriod", flaw: "Nominations lists every period's nominations",
			open: bendNominations(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
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
			caughtBy: []string{"EmptyResults", "NominationRoundTrip", "NominationsOfPeriod", "TenancyIsolation"}},
		{name: "decisionsByEmployee", flaw: "orders decisions by employee, then key",
			open: sortedDecisions(func(a, b policy.Decision) int {
				return cmp.Or(cmp.Compare(a.Proposal.Employee, b.Proposal.Employee), cmp.Compare(a.Key, b.Key))
			}),
			caughtBy: []string{"DecisionsOrderedByKey"}},
		{name: "decisionsCaseBlind", flaw: "orders decisions by key case-insensitively (a linguistic collation)",
			open:     sortedDecisions(func(a, b policy.Decision) int { return cmp.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key)) }),
			caughtBy: []string{"DecisionsOrderedByKey"}},
		{name: "decisionsReversed", flaw: "lists decisions in descending key order",
			open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
				list, err := o.PolicyStore.Decisions(ctx, d, p, e)
				slices.Reverse(list)
				return list, err
			}),
			caughtBy: []string{
				"AmountsExact", "DecisionRoundTrip", "DecisionsOrderedByKey", "InstantsUTCMicroseconds", "TenancyIsolation"}},
		{name: "decisionsEmployeePrefix", flaw: "selects an employee's decisions by prefix (employee LIKE 'adv-1%')",
			open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
				list, err := o.PolicyStore.Decisions(ctx, d, p, "")
				return slices.DeleteFunc(list, func(x policy.Decision) bool { return !strings.HasPrefix(string(x.Proposal.Employee), string(e)) }), err
			}),
			caughtBy: []string{"DecisionsOrderedByKey"}},
		{name: "decisionsEmployeeIgnored", flaw: "Decisions lists every employee's decisions whoever is named",
			open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, _ org.EmployeeID) ([]policy.Decision, error) {
				return o.PolicyStore.Decisions(ctx, d, p, "")
			}),
			caughtBy: []string{"DecisionsOrderedByKey", "EmptyResults", "TenancyIsolation"}},
		{name: "decisionsOfYearIncludeMonths", flaw: "a year's Decisions includes those of its months (period LIKE '2026%')",
			open: bendDecisions(func(o *ksOver, ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
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
			caughtBy: []string{"DecisionsOrderedByKey", "TenancyIsolation"}},
		{name: "truncatesLists", flaw: "returns at most 100 records from a list (a LIMIT left in the query)",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"LargePeriod"}},
		{name: "nilForNone", flaw: "returns nil slices, not empty ones, for no match",
			open: ksBend(func(o *ksOver) {
				ps, is, ns, ds := o.policies, o.incidents, o.nominations, o.decisions
				o.policies = func(ctx context.Context, d org.DealerID) ([]policy.StoredPolicy, error) {
					return ksNilIfEmpty(ps(ctx, d))
				}
				o.incidents = func(ctx context.Context, d org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					return ksNilIfEmpty(is(ctx, d, from, before))
				}
				o.nominations = func(ctx context.Context, d org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
					return ksNilIfEmpty(ns(ctx, d, p))
				}
				o.decisions = func(ctx context.Context, d org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					return ksNilIfEmpty(ds(ctx, d, p, e))
				}
			}),
			caughtBy: []string{"EmptyResults"}},
	}
}

func ksCopyStores() []ksBroken {
	copies := []string{"ReadsAreCopies"}
	return []ksBroken{
		{name: "keepsCommitted", flaw: "stores the caller's slices, maps and pointers instead of copies", open: ksMapStore(ksKeepsCommitted), caughtBy: copies},
		{name: "policyReturnsStored", flaw: "Policy returns the stored rules", open: ksMapStore(ksPolicyReturnsStored), caughtBy: copies},
		{name: "activeReturnsStored", flaw: "ActivePolicy returns the stored rules", open: ksMapStore(ksActiveReturnsStored), caughtBy: copies},
		{name: "policiesReturnStored", flaw: "Policies returns the stored rules", open: ksMapStore(ksPoliciesReturnStored), caughtBy: copies},
		{name: "shallowPolicies", flaw: "copies a policy's rules but not their conditions, actions and pointers", open: ksMapStore(ksShallowPolicies), caughtBy: copies},
		{name: "decisionReturnsStored", flaw: "Decision returns the stored proposal", open: ksMapStore(ksDecisionReturnsStored), caughtBy: copies},
		{name: "decisionsReturnStored", flaw: "Decisions returns the stored proposals", open: ksMapStore(ksDecisionsReturnStored), caughtBy: copies},
		{name: "argsShared", flaw: "copies a proposal's phrases but not their argument maps", open: ksMapStore(ksArgsShared), caughtBy: copies},
		{name: "eventsReturnStored", flaw: "Events returns the stored Data", open: ksMapStore(ksEventsReturnStored), caughtBy: copies},
	}
}

func ksVersionStores() []ksBroken {
	versionChecks := []string{"PolicyVersionRule", "IncidentVersionRule", "NominationVersionRule", "DecisionVersionRule"}
	return []ksBroken{
		{name: "lastWriterWins", flaw: "ignores Version: every write of Version >= 1 lands", open: ksMapStore(ksLastWriterWins), caughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{name: "lastWriterWinsSlow", flaw: "ignores Version, and answers reads after 1ms, as a store across a network does",
			open: ksSlowMapStore(ksLastWriterWins), caughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{name: "createOverwrites", flaw: "Version 1 replaces an existing record", open: ksMapStore(ksCreateOverwrites), caughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{name: "staleWins", flaw: "Version n > 1 replaces whatever version is stored", open: ksMapStore(ksStaleWins), caughtBy: []string{"ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{name: "updateCreates", flaw: "Version n > 1 of a missing record creates it (an upsert)", open: ksMapStore(ksUpdateCreates), caughtBy: []string{"CommitIsAtomic", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "PolicyVersionRule"}},
		{name: "versionZeroAccepted", flaw: "Version < 1 is written instead of refused with ErrInvalid", open: ksMapStore(ksVersionZeroAccepted), caughtBy: versionChecks},
		{name: "versionZeroConflicts", flaw: "Version < 1 is refused with ErrConflict, not ErrInvalid", open: ksMapStore(ksVersionZeroConflicts), caughtBy: versionChecks},
		{name: "writesThenConflicts", flaw: "writes the whole change, then reports the version conflict", open: ksMapStore(ksWritesThenConflicts), caughtBy: []string{"CommitIsAtomic", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule", "OneActivePolicy", "PolicyVersionRule", "RecordTwiceConflicts"}},
		{name: "checkThenWrite", flaw: "checks versions, lets go of its lock, then writes: concurrent writers of one version both land",
			open: ksMapStore(ksCheckThenWrite), caughtBy: []string{"ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates"}},
		{name: "policyUpserts", flaw: "ignores policies' Version; other kinds keep the rule", open: ksMapStoreOnly(ksLastWriterWins, "policy"), caughtBy: []string{"CommitIsAtomic", "PolicyVersionRule"}},
		{name: "incidentUpserts", flaw: "ignores incidents' Version; other kinds keep the rule", open: ksMapStoreOnly(ksLastWriterWins, "incident"), caughtBy: []string{"CommitIsAtomic", "IncidentVersionRule"}},
		{name: "nominationUpserts", flaw: "ignores nominations' Version; other kinds keep the rule", open: ksMapStoreOnly(ksLastWriterWins, "nomination"), caughtBy: []string{"CommitIsAtomic", "NominationVersionRule"}},
		{name: "decisionUpserts", flaw: "ignores decisions' Version (INSERT OR REPLACE); other kinds keep the rule", open: ksMapStoreOnly(ksLastWriterWins, "decision"), caughtBy: []string{"CommitIsAtomic", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates", "DecisionVersionRule"}},
		{name: "repeatsInOrder", flaw: "applies a record named twice in one change in order, the second over the first",
			open: ksMapStore(ksRepeatsInOrder), caughtBy: []string{"RecordTwiceConflicts"}},
		{name: "repeatsLastWins", flaw: "writes the last of the records named twice in one change (ON CONFLICT DO UPDATE within the transaction)",
			open: ksMapStore(ksRepeatsLastWins), caughtBy: []string{"RecordTwiceConflicts"}},
		{name: "manyActive", flaw: "lets a dealer have several active policies (no unique index on the mark)", open: ksMapStore(ksManyActive), caughtBy: []string{"CommitIsAtomic", "ConcurrentActivationsKeepOne", "OneActivePolicy"}},
		{name: "activeCheckedFirst", flaw: "refuses an activation beside the stored active policy before applying the Change's deactivation (the unique index checked in the order the Change lists them)",
			open: ksMapStore(ksActiveCheckedFirst), caughtBy: []string{"ActivePolicyMoves", "ConcurrentActivationsKeepOne", "OneActivePolicy", "PolicyRoundTrip"}},
	}
}

func ksAtomicStores() []ksBroken {
	return []ksBroken{
		{name: "notAtomic", flaw: "writes each record as its own commit, so records before a conflict land",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{
				"ActivePolicyMoves", "CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne",
				"OneActivePolicy", "PolicyRoundTrip", "RecordTwiceConflicts"}},
		{name: "kindByKind", flaw: "writes each kind of record in its own transaction (one per table)",
			open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					return ksCommitParts(ctx, o.PolicyStore, d, []policy.Change{
						{Incidents: c.Incidents}, {Policies: c.Policies}, {Nominations: c.Nominations}, {Decisions: c.Decisions}, {Events: c.Events},
					})
				}
			}),
			caughtBy: []string{"CommitIsAtomic", "CommitOtherDealerInvalid", "OneActivePolicy", "RecordTwiceConflicts"}},
		{name: "eventsFirst", flaw: "appends the events (the outbox) before checking the records",
			open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					evs := c.Events
					c.Events = nil
					return ksCommitParts(ctx, o.PolicyStore, d, []policy.Change{{Events: evs}, c})
				}
			}),
			caughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
				"ConcurrentDecisionUpdates", "DecisionVersionRule", "IncidentVersionRule", "NominationVersionRule",
				"OneActivePolicy", "PolicyVersionRule", "RecordTwiceConflicts"}},
		{name: "decisionsLast", flaw: "writes the other records, then the decisions in a second transaction: a stale decision leaves the rest behind",
			open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					ds := c.Decisions
					c.Decisions = nil
					return ksCommitParts(ctx, o.PolicyStore, d, []policy.Change{c, {Decisions: ds}})
				}
			}),
			caughtBy: []string{
				"CommitIsAtomic", "CommitOtherDealerInvalid", "ConcurrentDecisionCreateOnce", "ConcurrentDecisionUpdates",
				"DecisionVersionRule", "RecordTwiceConflicts"}},
	}
}

func ksTenancyStores() []ksBroken {
	return []ksBroken{
		{name: "acceptsOtherDealer", flaw: "writes each record under the dealer it names, not refusing other dealers'",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "dealerCheckedOnPoliciesOnly", flaw: "checks DealerID of policies and events only; other records are filed under the commit's dealer",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{"CommitOtherDealerInvalid"}},
		{name: "keysWithoutDealer", flaw: "keys records without their dealer: two dealers' records of one key collide",
			open: ksMapStore(ksKeyWithoutDealer), caughtBy: []string{"CommitOtherDealerInvalid", "OneActivePolicy", "TenancyIsolation"}},
		{name: "policyFallsBack", flaw: "Policy looks the version up in every dealer when the asked one lacks it",
			open: ksBend(func(o *ksOver) {
				o.policy = func(ctx context.Context, d org.DealerID, v int) (policy.StoredPolicy, error) {
					return ksFallBack(o, d, func(d org.DealerID) (policy.StoredPolicy, error) { return o.PolicyStore.Policy(ctx, d, v) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "activeFallsBack", flaw: "ActivePolicy answers another dealer's active policy when the asked one has none",
			open: ksBend(func(o *ksOver) {
				o.active = func(ctx context.Context, d org.DealerID) (policy.StoredPolicy, error) {
					return ksFallBack(o, d, func(d org.DealerID) (policy.StoredPolicy, error) { return o.PolicyStore.ActivePolicy(ctx, d) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "incidentFallsBack", flaw: "Incident looks the ID up in every dealer when the asked one lacks it",
			open: ksBend(func(o *ksOver) {
				o.incident = func(ctx context.Context, d org.DealerID, id string) (policy.IncidentRecord, error) {
					return ksFallBack(o, d, func(d org.DealerID) (policy.IncidentRecord, error) { return o.PolicyStore.Incident(ctx, d, id) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "decisionFallsBack", flaw: "Decision looks the key up in every dealer when the asked one lacks it",
			open: ksBend(func(o *ksOver) {
				o.decision = func(ctx context.Context, d org.DealerID, key string) (policy.Decision, error) {
					return ksFallBack(o, d, func(d org.DealerID) (policy.Decision, error) { return o.PolicyStore.Decision(ctx, d, key) })
				}
			}),
			caughtBy: []string{"TenancyIsolation"}},
		{name: "policiesOfEveryDealer", flaw: "Policies ignores the dealer",
			open: ksBend(func(o *ksOver) {
				o.policies = func(ctx context.Context, _ org.DealerID) ([]policy.StoredPolicy, error) {
					return ksEveryDealer(o, func(p policy.StoredPolicy) string { return fmt.Sprintf("%09d", p.Policy.Version) },
						func(d org.DealerID) ([]policy.StoredPolicy, error) { return o.PolicyStore.Policies(ctx, d) })
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "incidentsOfEveryDealer", flaw: "Incidents ignores the dealer",
			open: ksBend(func(o *ksOver) {
				o.incidents = func(ctx context.Context, _ org.DealerID, from, before time.Time) ([]policy.IncidentRecord, error) {
					return ksEveryDealer(o, func(r policy.IncidentRecord) string { return fmt.Sprintf("%020d/%s", r.At.UnixMicro(), r.ID) },
						func(d org.DealerID) ([]policy.IncidentRecord, error) {
							return o.PolicyStore.Incidents(ctx, d, from, before)
						})
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "nominationsOfEveryDealer", flaw: "Nominations ignores the dealer",
			open: ksBend(func(o *ksOver) {
				o.nominations = func(ctx context.Context, _ org.DealerID, p policy.Period) ([]policy.NominationRecord, error) {
					return ksEveryDealer(o, func(n policy.NominationRecord) string { return n.ID },
						func(d org.DealerID) ([]policy.NominationRecord, error) { return o.PolicyStore.Nominations(ctx, d, p) })
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "decisionsOfEveryDealer", flaw: "Decisions ignores the dealer",
			open: ksBend(func(o *ksOver) {
				o.decisions = func(ctx context.Context, _ org.DealerID, p policy.Period, e org.EmployeeID) ([]policy.Decision, error) {
					return ksEveryDealer(o, func(x policy.Decision) string { return x.Key },
						func(d org.DealerID) ([]policy.Decision, error) { return o.PolicyStore.Decisions(ctx, d, p, e) })
				}
			}),
			caughtBy: []string{"EmptyResults", "TenancyIsolation"}},
		{name: "eventsOfEveryDealer", flaw: "Events ignores the dealer",
			open: ksBend(func(o *ksOver) {
				o.events = func(ctx context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					all, err := ksEveryDealer(o, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return o.PolicyStore.Events(ctx, d, after, limit) })
					return all[:min(len(all), limit)], err
				}
			}),
			caughtBy: []string{"CommitOtherDealerInvalid", "TenancyIsolation"}},
	}
}

func ksEventStores() []ksBroken {
	return []ksBroken{
		{name: "dropsEvents", flaw: "drops the events of a commit that also writes records",
			open: ksBendCommit(func(c policy.Change) policy.Change {
				if len(c.Policies)+len(c.Incidents)+len(c.Nominations)+len(c.Decisions) > 0 {
					c.Events = nil
				}
				return c
			}),
			caughtBy: []string{
				"CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
				"ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule",
				"NominationVersionRule", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
		{name: "eventsReversed", flaw: "appends a commit's events in reverse order",
			open: ksBendCommit(func(c policy.Change) policy.Change {
				c.Events = slices.Clone(c.Events)
				slices.Reverse(c.Events)
				return c
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "eventsIgnoreCursor", flaw: "Events returns the trail from its start, whatever the cursor",
			open: ksBend(func(o *ksOver) {
				o.events = func(ctx context.Context, d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return o.PolicyStore.Events(ctx, d, 0, limit)
				}
			}),
			caughtBy: []string{"EventsAppended"}},
		{name: "separateTrail", flaw: "keeps policy events in a trail of their own, not the dealer's",
			open: ksBend(func(o *ksOver) {
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
			caughtBy: []string{
				"CommitOtherDealerInvalid", "ConcurrentActivationsKeepOne", "ConcurrentDecisionCreateOnce",
				"ConcurrentDecisionUpdates", "DecisionVersionRule", "EventsAppended", "IncidentVersionRule",
				"NominationVersionRule", "PolicyVersionRule", "ReadsAreCopies", "TenancyIsolation"}},
	}
}

func ksContextStores() []ksBroken {
	return []ksBroken{
		{name: "ignoresContext", flaw: "never checks ctx",
			open: ksBend(func(o *ksOver) { o.mapContexts(context.WithoutCancel, true) }), caughtBy: []string{"ContextDone"}},
		{name: "readsIgnoreContext", flaw: "checks ctx in Commit only",
			open: ksBend(func(o *ksOver) { o.mapContexts(context.WithoutCancel, false) }), caughtBy: []string{"ContextDone"}},
		{name: "checksContextAfterWriting", flaw: "Commit writes, then returns ctx.Err()",
			open: ksBend(func(o *ksOver) {
				o.commit = func(ctx context.Context, d org.DealerID, c policy.Change) error {
					if err := o.PolicyStore.Commit(context.WithoutCancel(ctx), d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			}),
			caughtBy: []string{"ContextDone"}},
		{name: "hidesContextError", flaw: "returns its own error, not one matching ctx.Err(), when ctx is done",
			open: ksBend(func(o *ksOver) {
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

// ksSound keeps the contract, sometimes in a way memstore does not.
type ksSound struct {
	name string
	how  string
	open func() policy.Store
	// skips are checks that must report ErrSkip: the store lacks the
	// optional part they are about.
	skips []string
}

func ksSoundStores() []ksSound {
	return []ksSound{
		{name: "memstore", how: "the shipped in-memory store", open: func() policy.Store { return memstore.New().Policy() }},
		{name: "memstoreMinimal", how: "memstore behind the bare interface: no way to read the trail",
			open: func() policy.Store { return ksMinimal{memstore.New().Policy()} }, skips: []string{"EventsAppended"}},
		{name: "mapStore", how: "this file's map store with no flaw, the base of the version and copy breakages", open: ksMapStore(ksNoFlaw)},
		{name: "mapStoreSlow", how: "answers reads after 1ms, so concurrent writers conflict and retry", open: ksSlowMapStore(ksNoFlaw)},
		{name: "roundsToMicroseconds", how: "rounds instants to the microsecond instead of truncating (PostgreSQL's text input)", open: ksMapStore(ksRoundsToMicro)},
		{name: "wrapsErrors", how: "wraps every error in its own message (fmt.Errorf with %w)",
			open: ksBend(func(o *ksOver) {
				o.mapErrors(func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			})},
		{name: "emptyAsNil", how: "reads every empty slice and map inside a record as nil (JSON columns with omitempty)",
			open: ksBend(func(o *ksOver) {
				o.mapReads(func(v reflect.Value) bool {
					if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			})},
		{name: "nilAsEmpty", how: "reads every nil slice inside a record as empty (JSON columns holding [])",
			open: ksBend(func(o *ksOver) {
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
		{name: "seqWithGaps", how: "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			open: ksBend(func(o *ksOver) {
				o.events = func(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := o.PolicyStore.Events(ctx, d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			})},
		{name: "canonicalDecimals", how: "reads every decimal back in its canonical form (100.0000 as 100), as a JSON document does",
			open: ksBend(func(o *ksOver) {
				o.mapReads(ksOnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }))
			})},
		{name: "fixedScaleDecimals", how: "reads every decimal back at a fixed scale of 4 (7.5 as 7.5000), as a NUMERIC(24,4) column does",
			open: ksBend(func(o *ksOver) {
				o.mapReads(ksOnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.StringFixed(4)) }))
			})},
		{name: "utcFromDriver", how: "reads instants as a driver does: UTC, rebuilt from parts",
			open: ksBend(func(o *ksOver) {
				o.mapReads(ksOnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
				}))
			})},
		{name: "activeFromPolicies", how: "answers ActivePolicy by scanning Policies for the mark",
			open: ksBend(func(o *ksOver) {
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
		{name: "incidentFromList", how: "answers Incident by listing every incident",
			open: ksBend(func(o *ksOver) {
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

func TestStoreKitCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	known := ksCheckNames()
	for _, b := range ksBrokenStores() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, name := range b.caughtBy {
				if !known[name] {
					t.Fatalf("%s names check %q, which policytest.StoreChecks does not have", b.name, name)
				}
			}
			var (
				mu     sync.Mutex
				failed []string
			)
			t.Cleanup(func() {
				slices.Sort(failed)
				t.Logf("%s: a store that %s fails %d checks: %s", b.name, b.flaw, len(failed), strings.Join(failed, ", "))
			})
			for _, c := range policytest.StoreChecks() {
				t.Run(c.Name, func(t *testing.T) {
					if c.Large && !slices.Contains(b.caughtBy, c.Name) {
						// Features.SkipLarge, in effect: thousands of
						// records per broken store cost time under -race
						// and prove nothing the store is named for.
						t.Skip("a large check this store is not named for")
					}
					t.Parallel()
					err, panicked := ksRun(t, c, b.open())
					failing := err != nil && !errors.Is(err, policytest.ErrSkip)
					if failing {
						mu.Lock()
						failed = append(failed, c.Name)
						mu.Unlock()
					}
					switch want := slices.Contains(b.caughtBy, c.Name); {
					case panicked:
						t.Errorf("%s panicked on a store that %s, instead of returning an error: %v", c.Name, b.flaw, err)
					case want && !failing:
						t.Errorf("%s passed a store that %s (err %v)", c.Name, b.flaw, err)
					case want:
						t.Logf("caught: %v", err)
					case failing:
						t.Errorf("%s failed a store that %s, which is not named for it: %v", c.Name, b.flaw, err)
					}
				})
			}
		})
	}
}

func TestStoreKitPassesSoundStores(t *testing.T) {
	t.Parallel()
	for _, s := range ksSoundStores() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range policytest.StoreChecks() {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, _ := ksRun(t, c, s.open())
					switch skipped := errors.Is(err, policytest.ErrSkip); {
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

// TestStoreKitCatchesForgottenColumns writes, for every field of every
// record (nested ones included), a store that does not keep it: a
// forgotten column. The kind's round trip check must catch each. A field
// the kit's fixture leaves zero, or its diff does not compare, fails here.
func TestStoreKitCatchesForgottenColumns(t *testing.T) {
	t.Parallel()
	checks := map[string]policytest.StoreCheck{}
	for _, c := range policytest.StoreChecks() {
		checks[c.Name] = c
	}
	kinds := []struct {
		typ   reflect.Type
		check string
		zero  func(c policy.Change, path []string) policy.Change
	}{
		{reflect.TypeFor[policy.StoredPolicy](), "PolicyRoundTrip", func(c policy.Change, path []string) policy.Change {
			for i := range c.Policies {
				ksZeroPath(reflect.ValueOf(&c.Policies[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[policy.IncidentRecord](), "IncidentRoundTrip", func(c policy.Change, path []string) policy.Change {
			for i := range c.Incidents {
				ksZeroPath(reflect.ValueOf(&c.Incidents[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[policy.NominationRecord](), "NominationRoundTrip", func(c policy.Change, path []string) policy.Change {
			for i := range c.Nominations {
				ksZeroPath(reflect.ValueOf(&c.Nominations[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[policy.Decision](), "DecisionRoundTrip", func(c policy.Change, path []string) policy.Change {
			for i := range c.Decisions {
				ksZeroPath(reflect.ValueOf(&c.Decisions[i]).Elem(), path)
			}
			return c
		}},
		{reflect.TypeFor[org.Event](), "EventsAppended", func(c policy.Change, path []string) policy.Change {
			for i := range c.Events {
				ksZeroPath(reflect.ValueOf(&c.Events[i]).Elem(), path)
			}
			return c
		}},
	}
	for _, k := range kinds {
		for _, path := range ksLeaves(k.typ, nil, nil) {
			if k.typ == reflect.TypeFor[org.Event]() && path[0] == "Seq" {
				continue // the store assigns it
			}
			name := k.typ.Name() + "." + strings.Join(path, ".")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := ksBendCommit(func(c policy.Change) policy.Change { return k.zero(ksClone(c), path) })()
				err, panicked := ksRun(t, checks[k.check], s)
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

// TestStoreKitEveryCheckHasABrokenStore proves that no check passes
// everything: each is the one that must catch at least one broken store.
func TestStoreKitEveryCheckHasABrokenStore(t *testing.T) {
	t.Parallel()
	by := map[string][]string{}
	for _, b := range ksBrokenStores() {
		for _, name := range b.caughtBy {
			by[name] = append(by[name], b.name)
		}
	}
	for _, c := range policytest.StoreChecks() {
		if len(by[c.Name]) == 0 {
			t.Errorf("no broken store must fail %s: write one that breaks %q", c.Name, c.Rule)
			continue
		}
		t.Logf("%s catches %s", c.Name, strings.Join(by[c.Name], ", "))
	}
}

// TestStoreKitFailsBrokenStore runs policytest.TestStore on a broken store
// in a child process (a failing subtest cannot be observed in this one)
// and reads its verdict: the check fails naming the rule, sound checks
// pass, SkipLarge and a trail it cannot read skip.
func TestStoreKitFailsBrokenStore(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStoreKitChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), ksChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); !ok || exit.ExitCode() != 1 {
		t.Fatalf("TestStore on a store that hides ErrNotFound: got %v, want the child test to fail\n%s", err, out)
	}
	nf := ksCheck(t, "IncidentNotFound")
	for _, want := range []string{
		"--- FAIL: TestStoreKitChild/IncidentNotFound",
		`policytest: IncidentNotFound: Incident(d1, "late-2"): got error <nil>, want one matching ` + org.ErrNotFound.Error(),
		"rule broken: " + nf.Rule,
		"--- PASS: TestStoreKitChild/IncidentRoundTrip",
		"--- SKIP: TestStoreKitChild/LargePeriod",
		"--- SKIP: TestStoreKitChild/EventsAppended",
		"Features.Events is not set",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

const ksChildEnv = "POLICYTEST_STORE_KIT_CHILD"

// TestStoreKitChild is run by TestStoreKitFailsBrokenStore only.
func TestStoreKitChild(t *testing.T) {
	if os.Getenv(ksChildEnv) != "1" {
		t.Skip("run in a child process by TestStoreKitFailsBrokenStore")
	}
	var open func() policy.Store
	for _, b := range ksBrokenStores() {
		if b.name == "missingIsZero" {
			open = b.open
		}
	}
	policytest.TestStore(t, policytest.Harness{
		NewStore: func(*testing.T) policy.Store { return ksMinimal{open()} },
		Features: policytest.Features{SkipLarge: true},
	})
}

func ksCheckNames() map[string]bool {
	known := map[string]bool{}
	for _, c := range policytest.StoreChecks() {
		known[c.Name] = true
	}
	return known
}

func ksCheck(t *testing.T, name string) policytest.StoreCheck {
	t.Helper()
	for _, c := range policytest.StoreChecks() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("policytest.StoreChecks has no check %q", name)
	return policytest.StoreCheck{}
}

// ksRun runs c on s, turning a panic of the check into an error. The kit
// finds the trail of a store that reads it by itself.
func ksRun(t *testing.T, c policytest.StoreCheck, s policy.Store) (err error, panicked bool) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("panic: %v", r), true
		}
	}()
	return c.Run(ctx, s, policytest.Features{}), false
}

// ksMinimal hides everything of a store but policy.Store.
type ksMinimal struct{ policy.Store }
