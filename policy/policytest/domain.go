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

// The policy store as the shared store rules see it (internal/kit): its
// four record kinds. The rules every kind keeps (versions, a record twice
// in a change, atomic commits, tenancy, copies, the trail, a done
// context) run from internal/kit on each of them, and so do the round
// trips and not-found reads of incidents and decisions, which those kinds
// declare, and InstantsUTCMicroseconds; this package keeps the checks only
// the policy store has (the one active policy among them). The round trips
// of policies and nominations, PolicyNotFound and AmountsExact stay the
// kit's own (checks_records.go): the policy round trip moves the active
// mark and reads back a policy with nothing set, the nomination one reads
// a month's and a year's list whole (their filter and order), the versions
// PolicyNotFound reads lie below, between and beside those stored, and
// AmountsExact lists many records of each kind (their order), which the
// shared ones do not. The reads of incidents and decisions prove their
// order, and ActivePolicy read for the active policy must answer it.

// domain declares policy.Store to the shared rules, its trail read as f
// says.
func domain(f Features) *kit.Domain[policy.Store, policy.Change] {
	return &kit.Domain[policy.Store, policy.Change]{
		Kit: "policytest",
		Commit: func(ctx context.Context, s policy.Store, d org.DealerID, c policy.Change) error {
			return s.Commit(ctx, d, c)
		},
		Events:       func(s policy.Store) kit.EventReader { return kit.TrailOf(s, f.Events) },
		EventsIn:     func(c *policy.Change) *[]org.Event { return &c.Events },
		Event:        func(d org.DealerID, id string) org.Event { return stEvent(d, id, "policy/decision/x") },
		Kinds:        []kit.Kind[policy.Store, policy.Change]{stPolicies, stIncidents, stNominations, stDecisions},
		InstantsRule: "every instant (SavedAt, At, RecordedAt, ProposedAt, DecidedAt) written in another zone with a part below the microsecond reads back as the same instant in UTC to the microsecond; the zero time reads back as the zero time",
		Skip:         ErrSkip,
	}
}

// shared returns the shared rules as the kit's StoreChecks.
func shared() []StoreCheck {
	return kit.Bind(domain, check)
}

type (
	stStore  = policy.Store
	stChange = policy.Change
)

// stPeriods are the periods All lists nominations and decisions of: every
// period the fixtures use.
var stPeriods = []policy.Period{stJanuary, stPrevMonth, stMonth, stNextMonth, stYear}

// stNth returns the n-th employee of the fixtures, round the list.
func stNth(n int) org.EmployeeID { return stEmployees[n%len(stEmployees)] }

// Policy 1 of every dealer is its active one, so that ActivePolicy reads
// a record of the kind too; the others are inactive, and no change of the
// shared rules makes a second one active.
var stPolicies = kit.Declare(kit.Record[stStore, stChange, policy.StoredPolicy]{
	Label: "Policy", Name: "stored policy", KeyName: "Policy.Version",
	Make:    func(d org.DealerID, n int) policy.StoredPolicy { return stStored(d, stSmallPolicy(n), n == 1) },
	Full:    func(d org.DealerID, n int) policy.StoredPolicy { return stStored(d, stFullPolicy(n), n == 1) },
	Key:     stPolicyKey,
	Version: func(p *policy.StoredPolicy) *int64 { return &p.Version },
	Edit: func(p *policy.StoredPolicy, s string) {
		p.SavedBy = org.Actor{ID: org.EmployeeID(s), Role: org.RoleAdmin}
	},
	In: func(c *stChange) *[]policy.StoredPolicy { return &c.Policies },
	Get: func(ctx context.Context, s stStore, d org.DealerID, p policy.StoredPolicy) (policy.StoredPolicy, error) {
		return s.Policy(ctx, d, p.Policy.Version)
	},
	Reads: []kit.Read[stStore, policy.StoredPolicy]{
		{Name: "Policies", Of: func(ctx context.Context, s stStore, d org.DealerID, _ policy.StoredPolicy) ([]policy.StoredPolicy, error) {
			return s.Policies(ctx, d)
		}},
		{Name: "ActivePolicy", Of: func(ctx context.Context, s stStore, d org.DealerID, like policy.StoredPolicy) ([]policy.StoredPolicy, error) {
			p, err := s.ActivePolicy(ctx, d)
			switch {
			case errors.Is(err, org.ErrNotFound):
				return []policy.StoredPolicy{}, nil
			case err != nil:
				return nil, err
			case p.Policy.Version != like.Policy.Version && like.Active:
				// like is active: the rule committed it so, and ActivePolicy
				// must answer it.
				return nil, fmt.Errorf("ActivePolicy answers version %d, while version %d is the active one", p.Policy.Version, like.Policy.Version)
			case p.Policy.Version != like.Policy.Version:
				return []policy.StoredPolicy{}, nil // another policy is active: none holds like
			}
			return []policy.StoredPolicy{p}, nil
		}},
	},
	All: func(ctx context.Context, s stStore, d org.DealerID) ([]policy.StoredPolicy, error) {
		return s.Policies(ctx, d)
	},
	Diff: stDiffStoredPolicy,
})

var stIncidents = kit.Declare(kit.Record[stStore, stChange, policy.IncidentRecord]{
	Label: "Incident", Name: "incident", KeyName: "ID",
	RoundTrip: "an incident, keyed by its ID, reads back with every field as written, by Incident and in Incidents; amount exact, instants in UTC to the microsecond",
	NotFound:  "Incident returns ErrNotFound for an ID never stored: not found by prefix, case-blind or with trailing spaces trimmed",
	SetKey:    func(r *policy.IncidentRecord, id string) { r.ID = id },
	Make: func(d org.DealerID, n int) policy.IncidentRecord {
		r := stIncident(d, fmt.Sprintf("i-%d", n), "adv-1", stAt(n))
		r.RecordedAt = time.Time{} // recorded at no known time: the zero time stays zero
		return r
	},
	// A full incident happened a day after the bare ones: Incidents lists
	// a full record 1 after a bare record 2, in time, not ID, order.
	Full: func(d org.DealerID, n int) policy.IncidentRecord {
		r := stFullIncident(d, fmt.Sprintf("i-%d", n))
		r.At = stAt(stDay + n)
		return r
	},
	Key:     stIncidentID,
	Version: func(r *policy.IncidentRecord) *int64 { return &r.Version },
	Edit:    func(r *policy.IncidentRecord, s string) { r.Note = s },
	In:      func(c *stChange) *[]policy.IncidentRecord { return &c.Incidents },
	Get: func(ctx context.Context, s stStore, d org.DealerID, r policy.IncidentRecord) (policy.IncidentRecord, error) {
		return s.Incident(ctx, d, r.ID)
	},
	Reads: []kit.Read[stStore, policy.IncidentRecord]{{Name: "Incidents",
		Of: func(ctx context.Context, s stStore, d org.DealerID, _ policy.IncidentRecord) ([]policy.IncidentRecord, error) {
			list, err := s.Incidents(ctx, d, time.Time{}, time.Time{})
			return stInOrder("Incidents", list, err, stByTime, stIncidentID)
		}}},
	All: func(ctx context.Context, s stStore, d org.DealerID) ([]policy.IncidentRecord, error) {
		return s.Incidents(ctx, d, time.Time{}, time.Time{})
	},
	Diff: stDiffIncident,
})

var stNominations = kit.Declare(kit.Record[stStore, stChange, policy.NominationRecord]{
	Label: "Nomination", Name: "nomination", KeyName: "ID",
	Make: func(d org.DealerID, n int) policy.NominationRecord {
		return stNomination(d, fmt.Sprintf("n-%d", n), "adv-1", stMonth)
	},
	Full: func(d org.DealerID, n int) policy.NominationRecord {
		return stFullNomination(d, fmt.Sprintf("n-%d", n))
	},
	Key:     stNominationID,
	Version: func(r *policy.NominationRecord) *int64 { return &r.Version },
	Edit:    func(r *policy.NominationRecord, s string) { r.Reason = s },
	In:      func(c *stChange) *[]policy.NominationRecord { return &c.Nominations },
	Get:     stReadNomination,
	Reads: []kit.Read[stStore, policy.NominationRecord]{{Name: "Nominations of the period",
		Of: func(ctx context.Context, s stStore, d org.DealerID, like policy.NominationRecord) ([]policy.NominationRecord, error) {
			return s.Nominations(ctx, d, like.Period)
		}}},
	All: func(ctx context.Context, s stStore, d org.DealerID) ([]policy.NominationRecord, error) {
		var out []policy.NominationRecord
		for _, p := range stPeriods {
			ns, err := s.Nominations(ctx, d, p)
			if err != nil {
				return nil, fmt.Errorf("nominations of %s: %w", p, err)
			}
			out = append(out, ns...)
		}
		return out, nil
	},
	Diff: stDiffNomination,
})

// stReadNomination finds like's stored version in its period's list, or
// returns an error matching org.ErrNotFound.
func stReadNomination(ctx context.Context, s stStore, d org.DealerID, like policy.NominationRecord) (policy.NominationRecord, error) {
	list, err := s.Nominations(ctx, d, like.Period)
	if err != nil {
		return policy.NominationRecord{}, err
	}
	if i := slices.IndexFunc(list, func(n policy.NominationRecord) bool { return n.ID == like.ID }); i >= 0 {
		return list[i], nil
	}
	return policy.NominationRecord{}, fmt.Errorf("nomination %s is not listed by Nominations(%s): %w", like.ID, like.Period, org.ErrNotFound)
}

var stDecisions = kit.Declare(kit.Record[stStore, stChange, policy.Decision]{
	Label: "Decision", Name: "decision", KeyName: "Key",
	RoundTrip: "a decision, keyed by its Key, reads back with every field as written, by Decision and in Decisions: its whole proposal (actions and amounts, facts used, the explanation's phrases and their arguments), its state, who decided and why; decimals exact, instants in UTC to the microsecond",
	NotFound:  "Decision returns ErrNotFound for a key never stored: not found by prefix, case-blind or with trailing spaces trimmed",
	SetKey:    func(x *policy.Decision, key string) { x.Key, x.Proposal.Key = key, key },
	Make: func(d org.DealerID, n int) policy.Decision {
		return stDecision(d, stKey(stNth(n), stMonth, ""), stNth(n), stMonth)
	},
	Full:    func(d org.DealerID, n int) policy.Decision { return stFullDecision(d, stKey(stNth(n), stMonth, "")) },
	Key:     stDecisionKey,
	Version: func(x *policy.Decision) *int64 { return &x.Version },
	Edit:    func(x *policy.Decision, s string) { x.Reason = s },
	In:      func(c *stChange) *[]policy.Decision { return &c.Decisions },
	Get: func(ctx context.Context, s stStore, d org.DealerID, x policy.Decision) (policy.Decision, error) {
		return s.Decision(ctx, d, x.Key)
	},
	Reads: []kit.Read[stStore, policy.Decision]{
		{Name: "Decisions of the period", Of: func(ctx context.Context, s stStore, d org.DealerID, x policy.Decision) ([]policy.Decision, error) {
			list, err := s.Decisions(ctx, d, x.Proposal.Period, "")
			return stInOrder("Decisions of the period", list, err, stByKey, stDecisionKey)
		}},
		{Name: "Decisions of an employee", Of: func(ctx context.Context, s stStore, d org.DealerID, x policy.Decision) ([]policy.Decision, error) {
			list, err := s.Decisions(ctx, d, x.Proposal.Period, x.Proposal.Employee)
			return stInOrder("Decisions of an employee", list, err, stByKey, stDecisionKey)
		}},
	},
	All: func(ctx context.Context, s stStore, d org.DealerID) ([]policy.Decision, error) {
		var out []policy.Decision
		for _, p := range stPeriods {
			ds, err := s.Decisions(ctx, d, p, "")
			if err != nil {
				return nil, fmt.Errorf("decisions of %s: %w", p, err)
			}
			out = append(out, ds...)
		}
		return out, nil
	},
	Diff: stDiffDecision,
})

// stInOrder returns list, or an error when it is not in the order the
// contract lists it (sorted as order sorts): a read through a list proves
// its order too, which the round trips of incidents and decisions and
// InstantsUTCMicroseconds rely on.
func stInOrder[T any](what string, list []T, err error, order func([]T) []T, key func(T) string) ([]T, error) {
	if err != nil {
		return nil, err
	}
	got, want := make([]string, len(list)), make([]string, len(list))
	for i, x := range list {
		got[i] = key(x)
	}
	for i, x := range order(list) {
		want[i] = key(x)
	}
	if !slices.Equal(got, want) {
		return nil, fmt.Errorf("%s lists %q, out of order: want %q", what, got, want)
	}
	return list, nil
}
