package policytest

// The store kit's fixtures. Every package-level name of the kit starts with
// st or store, so the kit shares its package with the policy-file helpers
// without a clash.

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// stTaipei is the dealers' zone.
var stTaipei = kit.Taipei

// stT0 is a fixed instant with microseconds, written in UTC as the Service
// writes it, so a store that drops either is caught. Every instant the
// round trips write is stT0 plus whole microseconds.
var stT0 = kit.NewClock(2026, 11, 3).T0

// stAt is stT0 plus some minutes.
func stAt(minutes int) time.Time { return kit.Clock{T0: stT0}.At(minutes) }

const stDay = 24 * 60

// stAmount parses one of the kit's constant decimals.
func stAmount(s string) decimal.Decimal { return kit.Amount(s) }

func stAmountPtr(s string) *decimal.Decimal {
	d := stAmount(s)
	return &d
}

// stBig is above 2^53: a float column or a float on the way loses it.
const stBig = kit.Big

// The periods the fixtures use: a month, the year it is in, the months
// around it.
var (
	stMonth     = policy.Period{Year: 2026, Month: time.November}
	stYear      = policy.Period{Year: 2026}
	stPrevMonth = policy.Period{Year: 2026, Month: time.October}
	stNextMonth = policy.Period{Year: 2026, Month: time.December}
	stJanuary   = policy.Period{Year: 2026, Month: time.January}
)

// stEmployees are the IDs the fixtures use, chosen so that byte order and
// case-blind order differ: "Adv-2" < "adv-1" < "adv-1-b" < "adv-10" <
// "adv-2".
var stEmployees = []org.EmployeeID{"Adv-2", "adv-1", "adv-1-b", "adv-10", "adv-2", "sup-1", "tech-1"}

var stSupervisor = org.Actor{ID: "sup-1", Role: org.RoleSupervisor}

// stFullPolicy sets every field of a policy somewhere: a rule of each
// kind of top-level condition, nested all, any and not, every action
// field, a compensation with both kinds of bracket, an award with a
// tie-break, a ladder rule and a ladder. It need not be a valid policy:
// stores keep what they are given.
func stFullPolicy(version int) policy.Policy {
	places := int32(2)
	text := func(s string) policy.Text { return policy.Text{EN: s, ZH: s + "（中）"} }
	rule := func(id string, when policy.Condition) policy.Rule {
		return policy.Rule{ID: id, Cites: []string{"R7.1", "R6.4"}, Title: text("rule " + id), Period: policy.Monthly, When: when,
			Then: []policy.Action{{Kind: policy.Certificate}}}
	}
	fact := policy.Condition{Fact: &policy.Compare{Name: "appraisal.score", Op: policy.Ge, Value: "90.5"}}
	count := policy.Condition{Count: &policy.Count{Incidents: []policy.IncidentKind{policy.Late, policy.Absent}, WithinDays: 30, AtLeast: 3}}
	consecutive := policy.Condition{Consecutive: &policy.Consecutive{Fact: "appraisal.failed", Periods: 2}}
	rank := policy.Condition{Rank: &policy.Rank{Top: 1, MinScore: stAmountPtr("90.25")}}
	amount := policy.Condition{Amount: &policy.Bracket{Incidents: []policy.IncidentKind{policy.Loss, policy.Complaint},
		Above: stAmount("10000.5"), AtMost: stAmountPtr("50000")}}
	rules := []policy.Rule{
		rule("fact", fact), rule("count", count), rule("consecutive", consecutive), rule("rank", rank), rule("amount", amount),
		rule("all", policy.Condition{All: []policy.Condition{fact, {Not: &consecutive}}}),
		rule("any", policy.Condition{Any: []policy.Condition{count, amount}}),
		rule("not", policy.Condition{Not: &policy.Condition{All: []policy.Condition{rank}}}),
	}
	rules[0].Then = []policy.Action{
		{Kind: policy.Bonus, Amount: stAmount("3000.50"), Note: text("bonus")},
		{Kind: policy.CompensationAction, Compensation: &policy.Compensation{Of: []policy.IncidentKind{policy.Loss, policy.Negligence},
			Brackets: []policy.CompensationBracket{
				{Above: stAmount("0"), AtMost: stAmountPtr("10000"), Percent: stAmount("12.5")},
				{Above: stAmount("10000"), Amount: stAmount("999.99")},
			}}},
	}
	rules[3].Award = &policy.Award{Winners: 2, TieBreak: []policy.SortKey{{Fact: "incidents.complaint", Order: policy.Ascending},
		{Fact: "nominations", Order: policy.Descending}}}
	rules[1].Period, rules[1].Then, rules[1].Ladder = policy.Yearly, nil, "attendance"
	return policy.Policy{
		ID: "taipei-east", Version: version, Currency: "TWD", Places: &places, Rules: rules,
		Ladders: []policy.Ladder{{ID: "attendance", Incidents: []policy.IncidentKind{policy.Late, policy.LeftEarly}, WithinDays: 30,
			Steps: [][]policy.Action{{{Kind: policy.Warning}}, {{Kind: policy.Fine, Amount: stAmount("500.5")}, {Kind: policy.Demerit}}}}},
	}
}

// stSmallPolicy is a one-rule policy: what most checks write.
func stSmallPolicy(version int) policy.Policy {
	return policy.Policy{ID: "default", Version: version, Currency: "TWD",
		Rules: []policy.Rule{{ID: "r", Title: policy.Text{EN: "rule", ZH: "規則"}, Period: policy.Monthly,
			When: policy.Condition{Fact: &policy.Compare{Name: "nominations", Op: policy.Ge, Value: "1"}},
			Then: []policy.Action{{Kind: policy.Bonus, Amount: stAmount("5000")}}}}}
}

// stStored wraps p for dealer d.
func stStored(d org.DealerID, p policy.Policy, active bool) policy.StoredPolicy {
	return policy.StoredPolicy{DealerID: d, Policy: p, Active: active, SavedAt: stAt(-60), SavedBy: stSupervisor, Version: 1}
}

// stFullIncident sets every field of an incident.
func stFullIncident(d org.DealerID, id string) policy.IncidentRecord {
	return policy.IncidentRecord{DealerID: d, ID: id, Employee: "adv-1", Kind: policy.Loss, At: stAt(-3 * stDay),
		Amount: stAmount("12500.75"), Note: "scratched a customer's car; 刮傷客戶車輛", RecordedBy: stSupervisor, RecordedAt: stAt(-2 * stDay),
		Version: 1}
}

// stIncident is a small incident: what most checks write.
func stIncident(d org.DealerID, id string, e org.EmployeeID, at time.Time) policy.IncidentRecord {
	return policy.IncidentRecord{DealerID: d, ID: id, Employee: e, Kind: policy.Late, At: at, RecordedBy: org.Admin("clock"),
		RecordedAt: at, Version: 1}
}

// stFullNomination sets every field of a nomination.
func stFullNomination(d org.DealerID, id string) policy.NominationRecord {
	return policy.NominationRecord{DealerID: d, ID: id, Employee: "adv-1", Period: stMonth,
		Reason: "saved a customer's wedding day; 協助客戶", By: "sup-1", At: stAt(5), Version: 1}
}

// stNomination is a small nomination of a period.
func stNomination(d org.DealerID, id string, e org.EmployeeID, p policy.Period) policy.NominationRecord {
	return policy.NominationRecord{DealerID: d, ID: id, Employee: e, Period: p, Reason: "reason " + id, By: "sup-1", At: stT0, Version: 1}
}

// stFullProposal sets every field of a proposal and of its explanation.
func stFullProposal(key string, e org.EmployeeID, p policy.Period) policy.Proposal {
	return policy.Proposal{
		Key: key, PolicyID: "taipei-east", PolicyVersion: 7, RuleID: "attendance", Cites: []string{"R7.2a"},
		Title: policy.Text{EN: "Attendance", ZH: "出勤"}, Employee: e, Period: p, Incident: "late-1103", Offence: 3, Currency: "TWD",
		Actions: []policy.Action{
			{Kind: policy.Fine, Amount: stAmount("500.50"), Note: policy.Text{EN: "deducted", ZH: "扣薪"}},
			{Kind: policy.CompensationAction, Amount: stAmount("1250.0750"), Compensation: &policy.Compensation{
				Of: []policy.IncidentKind{policy.Loss}, Brackets: []policy.CompensationBracket{{Above: stAmount("0"), AtMost: stAmountPtr("100"), Percent: stAmount("10")},
					{Above: stAmount("100"), Amount: stAmount("1250.075")}}}},
			{Kind: policy.Demotion},
		},
		NeedsApproval: true,
		Used: []policy.FactValue{
			{Name: "incidents[late] within 30 days", Value: "3: a1 late 2026-11-03"},
			{Name: "appraisal.score", Missing: true},
		},
		Explanation: policy.Explanation{
			Reasons: []policy.Phrase{{Key: "count", Args: map[string]string{"n": "3", "days": "30", "kind": "late", "dates": "2026-11-03"}}},
			Actions: []policy.Phrase{{Key: "act.amount", Args: map[string]string{"kind": "fine", "currency": "TWD", "amount": "500.50"}},
				{Key: "act"}},
			Rule: "attendance", Cites: []string{"R7.2a"},
		},
	}
}

// stFullDecision sets every field of a decision: a rejected one.
func stFullDecision(d org.DealerID, key string) policy.Decision {
	return policy.Decision{DealerID: d, Key: key, Proposal: stFullProposal(key, "adv-1", stMonth), State: policy.Rejected,
		ProposedAt: stAt(10), DecidedBy: stSupervisor, DecidedAt: stAt(20), Reason: "the clock was wrong; 打卡機故障", Version: 1}
}

// stDecision is a small proposed decision about e in period p: what most
// checks write.
func stDecision(d org.DealerID, key string, e org.EmployeeID, p policy.Period) policy.Decision {
	return policy.Decision{DealerID: d, Key: key, State: policy.Proposed, ProposedAt: stT0, Version: 1,
		Proposal: policy.Proposal{Key: key, PolicyID: "default", PolicyVersion: 1, RuleID: "r", Employee: e, Period: p, Currency: "TWD",
			Actions: []policy.Action{{Kind: policy.Bonus, Amount: stAmount("5000")}},
			Used:    []policy.FactValue{{Name: "nominations", Value: "1"}},
			Explanation: policy.Explanation{Reasons: []policy.Phrase{{Key: "fact", Args: map[string]string{"fact": "nominations"}}},
				Actions: []policy.Phrase{{Key: "act"}}, Rule: "r"}}}
}

// stKey is a decision key as the policy writes them.
func stKey(e org.EmployeeID, p policy.Period, rest string) string {
	return "default/r/" + string(e) + "/" + p.String() + rest
}

func stEvent(d org.DealerID, id, subject string) org.Event {
	return org.Event{
		DealerID: d, ID: id, At: stT0, Actor: stSupervisor,
		Type: "policy.decision_proposed", Subject: subject, Reason: "kit: " + id, Data: json.RawMessage(`{"after":{"amount":"500.50"}}`),
	}
}

func stEvents(d org.DealerID, prefix, subject string, n int) []org.Event {
	return kit.Events(d, prefix, subject, n, stEvent)
}

func stCommit(ctx context.Context, s policy.Store, d org.DealerID, c policy.Change, what string) error {
	return kit.Commit(ctx, s.Commit, d, c, what)
}
