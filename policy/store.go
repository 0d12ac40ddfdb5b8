package policy

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// StoredPolicy is a version of a dealer's policy as the store keeps it. A
// dealer's stored policies are keyed by Policy.Version, one sequence
// whatever their IDs; at most one is Active: the one [Service.Evaluate]
// evaluates. The others stay, so every decision can show the version that
// proposed it.
type StoredPolicy struct {
	DealerID org.DealerID `json:"dealer_id"`
	Policy   Policy       `json:"policy"`
	Active   bool         `json:"active"`
	SavedAt  time.Time    `json:"saved_at"`
	SavedBy  org.Actor    `json:"saved_by"`
	// Version is the record's optimistic version, not the policy's.
	Version int64 `json:"version"`
}

// Clone returns a deep copy of sp.
func (sp StoredPolicy) Clone() StoredPolicy {
	sp.Policy = clonePolicy(sp.Policy)
	return sp
}

// clonePolicy deep-copies p through its JSON form, which keeps every
// field (decimals as exact text) and follows any field added later.
func clonePolicy(p Policy) Policy {
	b, err := json.Marshal(p)
	if err != nil {
		panic("policy: clone policy: " + err.Error()) // a Policy always marshals
	}
	var out Policy
	if err := json.Unmarshal(b, &out); err != nil {
		panic("policy: clone policy: " + err.Error())
	}
	return out
}

// IncidentRecord is an incident recorded about an employee (R7.2): what
// [Service.RecordIncident] keeps, keyed by ID within the dealer.
type IncidentRecord struct {
	DealerID org.DealerID   `json:"dealer_id"`
	ID       string         `json:"id"`
	Employee org.EmployeeID `json:"employee"`
	Kind     IncidentKind   `json:"kind"`
	// At is when it happened; Evaluate counts it in the period and the
	// windows it falls in.
	At time.Time `json:"at"`
	// Amount is the loss or the amount in dispute, in the dealer's
	// currency; zero when there is none.
	Amount     decimal.Decimal `json:"amount"`
	Note       string          `json:"note,omitempty"`
	RecordedBy org.Actor       `json:"recorded_by"`
	RecordedAt time.Time       `json:"recorded_at"`
	Version    int64           `json:"version"`
}

// Incident is the record as the policy reads it.
func (r IncidentRecord) Incident() Incident {
	return Incident{ID: r.ID, Kind: r.Kind, At: r.At, Amount: r.Amount, Note: r.Note}
}

// NominationRecord is a supervisor's nomination of an employee for a
// special contribution in a period (R7.1), keyed by ID within the dealer.
type NominationRecord struct {
	DealerID org.DealerID   `json:"dealer_id"`
	ID       string         `json:"id"`
	Employee org.EmployeeID `json:"employee"`
	// Period is a month or a year: a year's evaluation counts the
	// nominations of the year and of each of its months.
	Period  Period         `json:"period"`
	Reason  string         `json:"reason"`
	By      org.EmployeeID `json:"by"`
	At      time.Time      `json:"at"`
	Version int64          `json:"version"`
}

// Nomination is the record as the policy reads it.
func (r NominationRecord) Nomination() Nomination {
	return Nomination{ID: r.ID, Reason: r.Reason, By: r.By}
}

// DecisionState is where a decision stands.
type DecisionState string

// Decision states. A proposed decision follows the policy: evaluating
// again updates its proposal, or withdraws it when the policy no longer
// proposes it. A supervisor approves or rejects a proposed one; approved
// and rejected are final, and no evaluation changes them. A withdrawn
// decision is proposed again if the policy proposes it again.
const (
	Proposed  DecisionState = "proposed"
	Approved  DecisionState = "approved"
	Rejected  DecisionState = "rejected"
	Withdrawn DecisionState = "withdrawn"
)

// Decision is what became of a proposal: the proposal itself (its policy
// ID and version, rule, actions, the facts it read and its explanation)
// and its state. It is keyed by Key, the proposal's key, so evaluating a
// period again never records it twice.
type Decision struct {
	DealerID org.DealerID `json:"dealer_id"`
	// Key is Proposal.Key.
	Key      string        `json:"key"`
	Proposal Proposal      `json:"proposal"`
	State    DecisionState `json:"state"`
	// ProposedAt is when the current proposal was recorded: first
	// proposed, or updated by a later evaluation.
	ProposedAt time.Time `json:"proposed_at"`
	// DecidedBy, DecidedAt and Reason say who approved, rejected or (by
	// evaluating) withdrew it, when and why; empty while proposed.
	DecidedBy org.Actor `json:"decided_by,omitzero"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
	Version   int64     `json:"version"`
}

// Clone returns a deep copy of d.
func (d Decision) Clone() Decision {
	d.Proposal = cloneProposal(d.Proposal)
	return d
}

// Employee is the employee the decision is about.
func (d Decision) Employee() org.EmployeeID { return d.Proposal.Employee }

// Period is the period the decision is for.
func (d Decision) Period() Period { return d.Proposal.Period }

func cloneProposal(p Proposal) Proposal {
	p.Cites = slices.Clone(p.Cites)
	p.Actions = slices.Clone(p.Actions)
	for i := range p.Actions {
		p.Actions[i] = cloneAction(p.Actions[i])
	}
	p.Used = slices.Clone(p.Used)
	p.Explanation.Reasons = clonePhrases(p.Explanation.Reasons)
	p.Explanation.Actions = clonePhrases(p.Explanation.Actions)
	p.Explanation.Cites = slices.Clone(p.Explanation.Cites)
	return p
}

func cloneAction(a Action) Action {
	if c := a.Compensation; c != nil {
		cc := *c
		cc.Of = slices.Clone(c.Of)
		cc.Brackets = slices.Clone(c.Brackets)
		for i, b := range cc.Brackets {
			if b.AtMost != nil {
				x := *b.AtMost
				cc.Brackets[i].AtMost = &x
			}
		}
		a.Compensation = &cc
	}
	return a
}

func clonePhrases(ps []Phrase) []Phrase {
	ps = slices.Clone(ps)
	for i := range ps {
		if ps[i].Args != nil {
			args := make(map[string]string, len(ps[i].Args))
			for k, v := range ps[i].Args {
				args[k] = v
			}
			ps[i].Args = args
		}
	}
	return ps
}

// Change is everything one policy command writes, atomically.
type Change struct {
	Policies    []StoredPolicy
	Incidents   []IncidentRecord
	Nominations []NominationRecord
	Decisions   []Decision
	Events      []org.Event
}

// Empty reports whether c writes nothing.
func (c Change) Empty() bool {
	return len(c.Policies)+len(c.Incidents)+len(c.Nominations)+len(c.Decisions)+len(c.Events) == 0
}

// Store persists a dealer's policies, incidents, nominations and
// decisions. The host implements it; the rules are in [Service], and the
// kit in policy/policytest proves an implementation (policytest.TestStore).
//
// The version rule, tenancy, copies, amounts, instants and context are as
// in [org.Store]: Version 1 creates (ErrConflict if the record exists),
// Version n replaces only stored n-1 (else ErrConflict); a Version below 1,
// or a record or event of another dealer, makes Commit fail with
// ErrInvalid; a refused Commit writes nothing; a record reads back as
// written except that every instant is in UTC to the microsecond, and
// decimals keep their value exactly (at least 20 digits before the point
// and 4 after); values returned and committed share no memory with the
// store; a call whose context is done fails with its error. A list with no
// match is empty, never nil. A Change naming one record twice is refused
// with ErrConflict, and so is a Change that would leave the dealer with two
// active policies: a switch deactivates the old one in the same Change.
//
// Keys: a stored policy by Policy.Version; an incident, a nomination by ID;
// a decision by Key. IDs and keys compare exactly, in byte order.
type Store interface {
	// Policy returns the stored policy of a version, or ErrNotFound.
	Policy(ctx context.Context, dealer org.DealerID, version int) (StoredPolicy, error)
	// ActivePolicy returns the policy marked Active, or ErrNotFound.
	ActivePolicy(ctx context.Context, dealer org.DealerID) (StoredPolicy, error)
	// Policies returns every stored policy, ordered by Policy.Version.
	Policies(ctx context.Context, dealer org.DealerID) ([]StoredPolicy, error)
	// Incident returns an incident, or ErrNotFound.
	Incident(ctx context.Context, dealer org.DealerID, id string) (IncidentRecord, error)
	// Incidents returns the incidents whose At is in [from, before),
	// ordered by At, then ID; a zero bound is no bound.
	Incidents(ctx context.Context, dealer org.DealerID, from, before time.Time) ([]IncidentRecord, error)
	// Nominations returns the nominations whose Period is period (a year
	// is not its months), ordered by ID.
	Nominations(ctx context.Context, dealer org.DealerID, period Period) ([]NominationRecord, error)
	// Decision returns the decision with a key, or ErrNotFound.
	Decision(ctx context.Context, dealer org.DealerID, key string) (Decision, error)
	// Decisions returns the decisions whose proposal's Period is period,
	// of the proposal's Employee employee (all when empty), ordered by
	// Key.
	Decisions(ctx context.Context, dealer org.DealerID, period Period, employee org.EmployeeID) ([]Decision, error)
	// Commit writes c atomically: every record and event, or nothing.
	Commit(ctx context.Context, dealer org.DealerID, c Change) error
}
