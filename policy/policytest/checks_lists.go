package policytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

func storePoliciesOrdered(ctx context.Context, s policy.Store, _ Features) error {
	var all []policy.StoredPolicy
	for _, v := range []int{10, 2, 9, 100, 1, 21} {
		all = append(all, stStored("d1", stSmallPolicy(v), v == 21))
	}
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: all[:3]}, "seed versions 10, 2 and 9"); err != nil {
		return err
	}
	if err := stCommit(ctx, s, "d1", policy.Change{Policies: all[3:]}, "seed versions 100, 1 and 21"); err != nil {
		return err
	}
	got, err := s.Policies(ctx, "d1")
	if err != nil {
		return fmt.Errorf("Policies(d1): %w", err)
	}
	return kit.DiffList("Policies(d1)", got, stByVersion(all), stPolicyKey, stDiffStoredPolicy)
}

// stListIncidents are incidents in an order that is none of the orders a
// store could fall into: not by ID, not by At written as text (RFC 3339
// drops trailing zeros, so "15.12Z" < "15.1Z" < "15Z"), not by At in the
// zone written, not case-blind on ties, not in the order written on ties.
func stListIncidents() []policy.IncidentRecord {
	t := time.Date(2026, time.November, 12, 9, 30, 15, 0, time.UTC)
	at := func(id string, e org.EmployeeID, when time.Time) policy.IncidentRecord {
		r := stIncident("d1", id, e, when)
		r.Note = "note of " + id
		return r
	}
	return []policy.IncidentRecord{
		at("S-c", "adv-1", t.Add(100*time.Millisecond)),
		at("s-10", "adv-2", t.Add(2*time.Hour)),
		at("s-a", "adv-1", t.Add(120*time.Millisecond)),
		at("s-0", "Adv-2", t),
		at("s-b", "adv-1", t.Add(100*time.Millisecond)),
		at("s-2", "adv-10", t.Add(-40*24*time.Hour)),
		at("s-1", "adv-1", t.Add(-time.Microsecond)),
		at("s-9", "adv-2", t.Add(30*24*time.Hour)),
	}
}

func storeIncidentsOrdered(ctx context.Context, s policy.Store, _ Features) error {
	all := stListIncidents()
	if err := stCommit(ctx, s, "d1", policy.Change{Incidents: all[3:]}, "seed some incidents"); err != nil {
		return err
	}
	if err := stCommit(ctx, s, "d1", policy.Change{Incidents: all[:3]}, "seed the rest"); err != nil {
		return err
	}
	got, err := s.Incidents(ctx, "d1", time.Time{}, time.Time{})
	if err != nil {
		return fmt.Errorf("Incidents(d1, unbounded): %w", err)
	}
	return kit.DiffList("Incidents(d1, unbounded)", got, stByTime(all), stIncidentID, stDiffIncident)
}

func storeIncidentsBounds(ctx context.Context, s policy.Store, _ Features) error {
	all := stListIncidents()
	if err := stCommit(ctx, s, "d1", policy.Change{Incidents: all}, "seed incidents"); err != nil {
		return err
	}
	t := time.Date(2026, time.November, 12, 9, 30, 15, 0, time.UTC)
	within := func(from, before time.Time) []policy.IncidentRecord {
		return stByTime(slices.DeleteFunc(slices.Clone(all), func(r policy.IncidentRecord) bool {
			return (!from.IsZero() && r.At.Before(from)) || (!before.IsZero() && !r.At.Before(before))
		}))
	}
	var errs []error
	for _, q := range []struct {
		what         string
		from, before time.Time
	}{
		{"from an incident's instant, included", t, time.Time{}},
		{"before an incident's instant, excluded", time.Time{}, t},
		{"[t, t+100ms): ties at the end excluded", t, t.Add(100 * time.Millisecond)},
		{"(t-1µs, t+100ms]", t.Add(-time.Microsecond), t.Add(100*time.Millisecond + time.Microsecond)},
		{"a month, in the dealer's zone", stMonth.Start(stTaipei), stMonth.End(stTaipei)},
		{"the bounds in another zone", t.In(stTaipei), t.Add(2 * time.Hour).In(stTaipei)},
		{"empty: from after before", t.Add(time.Hour), t},
		{"nothing in range", t.Add(100 * 24 * time.Hour), time.Time{}},
	} {
		what := fmt.Sprintf("Incidents(d1, %s)", q.what)
		got, err := s.Incidents(ctx, "d1", q.from, q.before)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, within(q.from, q.before), stIncidentID, stDiffIncident))
	}
	return errors.Join(errs...)
}

func storeNominationsOfPeriod(ctx context.Context, s policy.Store, _ Features) error {
	var all []policy.NominationRecord
	for i, p := range []policy.Period{stMonth, stYear, stMonth, stPrevMonth, stJanuary, stMonth, stNextMonth, stYear} {
		all = append(all, stNomination("d1", []string{"n-2", "y-1", "N-3", "o-1", "j-1", "n-10", "d-1", "Y-0"}[i], stEmployees[i%len(stEmployees)], p))
	}
	if err := stCommit(ctx, s, "d1", policy.Change{Nominations: all[4:]}, "seed some nominations"); err != nil {
		return err
	}
	if err := stCommit(ctx, s, "d1", policy.Change{Nominations: all[:4]}, "seed the rest"); err != nil {
		return err
	}
	var errs []error
	for _, p := range []policy.Period{stMonth, stYear, stPrevMonth, stJanuary, stNextMonth, {Year: 2025, Month: time.November}, {Year: 2027}} {
		of := stByID(slices.DeleteFunc(slices.Clone(all), func(n policy.NominationRecord) bool { return n.Period != p }))
		what := fmt.Sprintf("Nominations(d1, %s)", p)
		got, err := s.Nominations(ctx, "d1", p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, of, stNominationID, stDiffNomination))
	}
	return errors.Join(errs...)
}

// stListDecisions are decisions of a month, in an order that is none of
// the orders a store could fall into: not by key, not by (employee, key),
// not case-blind. Decisions of the year and of the months around have
// keys of the same employees.
func stListDecisions() (month, others []policy.Decision) {
	dec := func(e org.EmployeeID, p policy.Period, rest string) policy.Decision {
		return stDecision("d1", stKey(e, p, rest), e, p)
	}
	month = []policy.Decision{
		dec("adv-2", stMonth, ""),
		dec("adv-1", stMonth, "/late-2"),
		dec("adv-1-b", stMonth, ""),
		dec("adv-1", stMonth, ""),
		dec("Adv-2", stMonth, "/late-1"),
		dec("adv-10", stMonth, ""),
		dec("adv-1", stMonth, "/late-10"),
		dec("tech-1", stMonth, "/Late-3"),
	}
	month[7].Key, month[7].Proposal.Key = "annual/"+month[7].Key, "annual/"+month[7].Key
	others = []policy.Decision{dec("adv-1", stYear, ""), dec("adv-1", stPrevMonth, ""), dec("adv-1", stNextMonth, "/late-1"), dec("adv-2", stJanuary, "")}
	return month, others
}

func storeDecisionsOrdered(ctx context.Context, s policy.Store, _ Features) error {
	month, others := stListDecisions()
	if err := stCommit(ctx, s, "d1", policy.Change{Decisions: slices.Concat(others, month[4:])}, "seed some decisions"); err != nil {
		return err
	}
	if err := stCommit(ctx, s, "d1", policy.Change{Decisions: month[:4]}, "seed the rest"); err != nil {
		return err
	}
	all := slices.Concat(month, others)
	of := func(p policy.Period, e org.EmployeeID) []policy.Decision {
		return stByKey(slices.DeleteFunc(slices.Clone(all), func(d policy.Decision) bool {
			return d.Proposal.Period != p || (e != "" && d.Proposal.Employee != e)
		}))
	}
	var errs []error
	for _, q := range []struct {
		p policy.Period
		e org.EmployeeID
	}{
		{stMonth, ""}, {stMonth, "adv-1"}, {stMonth, "adv-1-b"}, {stMonth, "Adv-2"}, {stMonth, "adv-"}, {stMonth, "ADV-1"},
		{stYear, ""}, {stYear, "adv-1"}, {stPrevMonth, ""}, {stNextMonth, "adv-1"}, {stJanuary, ""}, {stJanuary, "adv-1"},
		{policy.Period{Year: 2027}, ""},
	} {
		what := fmt.Sprintf("Decisions(d1, %s, %q)", q.p, q.e)
		got, err := s.Decisions(ctx, "d1", q.p, q.e)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			continue
		}
		errs = append(errs, kit.DiffList(what, got, of(q.p, q.e), stDecisionKey, stDiffDecision))
	}
	return errors.Join(errs...)
}

// storeEmpty asks for what is not there, in a new store and beside
// records: each list is empty and not nil (a host marshals it to JSON as
// [], not null), and no error.
func storeEmpty(ctx context.Context, s policy.Store, _ Features) error {
	lists := func(when string) error {
		var errs []error
		empty := func(what string, n int, isNil bool, err error) {
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("%s %s: got error %w, want an empty list", what, when, err))
			case n != 0:
				errs = append(errs, fmt.Errorf("%s %s: got %d records, want none", what, when, n))
			case isNil:
				errs = append(errs, fmt.Errorf("%s %s: got a nil slice, want an empty one", what, when))
			}
		}
		ps, err := s.Policies(ctx, "d9")
		empty("Policies(d9)", len(ps), ps == nil, err)
		is, err := s.Incidents(ctx, "d1", stAt(stDay), time.Time{})
		empty("Incidents(d1, a day later)", len(is), is == nil, err)
		is, err = s.Incidents(ctx, "d9", time.Time{}, time.Time{})
		empty("Incidents(d9)", len(is), is == nil, err)
		ns, err := s.Nominations(ctx, "d1", stPrevMonth)
		empty("Nominations(d1, 2026-10)", len(ns), ns == nil, err)
		ns, err = s.Nominations(ctx, "d9", stMonth)
		empty("Nominations(d9, 2026-11)", len(ns), ns == nil, err)
		ds, err := s.Decisions(ctx, "d1", stPrevMonth, "")
		empty("Decisions(d1, 2026-10)", len(ds), ds == nil, err)
		ds, err = s.Decisions(ctx, "d1", stMonth, "nobody")
		empty("Decisions(d1, 2026-11, nobody)", len(ds), ds == nil, err)
		ds, err = s.Decisions(ctx, "d9", stMonth, "")
		empty("Decisions(d9, 2026-11)", len(ds), ds == nil, err)
		return errors.Join(errs...)
	}
	if err := lists("in a new store"); err != nil {
		return err
	}
	ps, err := s.Policies(ctx, "d1")
	if err != nil || len(ps) != 0 || ps == nil {
		return fmt.Errorf("Policies(d1) in a new store: got %d records (nil: %v), error %v; want an empty, non-nil list", len(ps), ps == nil, err)
	}
	is, err := s.Incidents(ctx, "d1", time.Time{}, time.Time{})
	if err != nil || len(is) != 0 || is == nil {
		return fmt.Errorf("Incidents(d1) in a new store: got %d records (nil: %v), error %v; want an empty, non-nil list", len(is), is == nil, err)
	}
	c := policy.Change{Policies: []policy.StoredPolicy{stStored("d1", stSmallPolicy(1), true)},
		Incidents:   []policy.IncidentRecord{stIncident("d1", "i-1", "adv-1", stT0)},
		Nominations: []policy.NominationRecord{stNomination("d1", "n-1", "adv-1", stMonth)},
		Decisions:   []policy.Decision{stDecision("d1", stKey("adv-1", stMonth, ""), "adv-1", stMonth)}}
	if err := stCommit(ctx, s, "d1", c, "seed the month"); err != nil {
		return err
	}
	return lists("beside the month's records")
}
