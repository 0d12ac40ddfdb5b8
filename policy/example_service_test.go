package policy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/store/memstore"
)

// exMust stops the example at an error it does not expect.
func exMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// exActions writes a decision's actions as "fine TWD 500, demerit".
func exActions(d policy.Decision) string {
	var out []string
	for _, a := range d.Proposal.Actions {
		s := string(a.Kind)
		if !a.Amount.IsZero() {
			s += " " + d.Proposal.Currency + " " + a.Amount.String()
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// A dealer's November under the default policy, through the Service on an
// in-memory store. The time clock (the host, as an admin) records Chen's
// three latenesses; supervisor Lin records Wang's quarrel with a customer,
// Wang's second conduct offence within a year after a bad attitude in
// September. At month end Lin evaluates November: each proposal becomes a
// decision, proposed. Lin approves Chen's fine; Wang's demotion is severe,
// so approving it takes a reason; Lin rejects Chen's first warning, with
// one. Evaluating again records nothing new, and the decided decisions
// stay as decided. Nothing is executed: the host acts on what was approved.
func ExampleService() {
	ctx := context.Background()
	store := memstore.New()
	taipei := time.FixedZone("CST", 8*60*60)
	local := func(month time.Month, day, hour int) time.Time {
		return time.Date(2026, month, day, hour, 0, 0, 0, taipei)
	}
	clock := org.NewManualClock(local(time.December, 1, 9)) // month end
	roster := exMust(org.NewService(org.Config{Store: store, Clock: clock, IDs: org.SequentialIDs("r")}))
	setup := org.Admin("setup")
	clock.Set(local(time.January, 6, 9).AddDate(-1, 0, 0)) // the roster dates from January 2025
	exMust(roster.CreateDealer(ctx, setup, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}))
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor},
	} {
		exMust(roster.AddEmployee(ctx, "d1", setup, e))
	}
	clock.Set(local(time.December, 1, 9))
	svc := exMust(policy.NewService(policy.Config{Store: store.Policy(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("p")}))
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	timeClock := org.Admin("timeclock")

	// The default policy (R6.4, R7), saved as the active one.
	exMust(svc.SavePolicy(ctx, "d1", lin, policy.Default("TWD"), true))

	// The month's incidents (R7.2).
	for _, in := range []policy.IncidentInput{
		{ID: "late-1103", Employee: "chen", Kind: policy.Late, At: local(time.November, 3, 9)},
		{ID: "late-1110", Employee: "chen", Kind: policy.Late, At: local(time.November, 10, 9)},
		{ID: "late-1124", Employee: "chen", Kind: policy.Late, At: local(time.November, 24, 9)},
	} {
		exMust(svc.RecordIncident(ctx, "d1", timeClock, in))
	}
	exMust(svc.RecordIncident(ctx, "d1", lin, policy.IncidentInput{ID: "attitude-0915", Employee: "wang",
		Kind: policy.BadAttitude, At: local(time.September, 15, 11), Note: "rude on the phone"}))
	exMust(svc.RecordIncident(ctx, "d1", lin, policy.IncidentInput{ID: "quarrel-1118", Employee: "wang",
		Kind: policy.CustomerQuarrel, At: local(time.November, 18, 16), Note: "argued over an invoice"}))

	// Month end: evaluate November and record its decisions.
	nov := policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})
	res := exMust(svc.Evaluate(ctx, "d1", lin, nov))
	fmt.Printf("policy %s v%d, %s: %d new\n", res.PolicyID, res.PolicyVersion, res.Period, res.New)
	for _, d := range res.Decisions {
		severe := ""
		if d.Proposal.NeedsApproval {
			severe = " (severe)"
		}
		fmt.Printf("%s %s #%d: %s [%s]%s\n", d.Employee(), d.Proposal.RuleID, d.Proposal.Offence, exActions(d), d.State, severe)
		fmt.Println("  " + d.Proposal.Explanation.Text(org.English))
	}

	// The supervisor decides.
	exMust(svc.Approve(ctx, "d1", lin, policy.DecideInput{Key: "default/attendance/chen/2026-11/late-1124"}))
	demotion := "default/conduct/wang/2026-11/quarrel-1118"
	_, err := svc.Approve(ctx, "d1", lin, policy.DecideInput{Key: demotion})
	fmt.Println("approve without a reason:", errors.Is(err, policy.ErrInvalid), err)
	exMust(svc.Approve(ctx, "d1", lin, policy.DecideInput{Key: demotion,
		Reason: "second offence this year; discussed with the service manager"}))
	exMust(svc.Reject(ctx, "d1", lin, policy.DecideInput{Key: "default/attendance/chen/2026-11/late-1103",
		Reason: "the MRT line was down that morning"})) // a rejection always states its reason

	// Evaluating again changes nothing, and records nothing.
	res = exMust(svc.Evaluate(ctx, "d1", lin, nov))
	fmt.Printf("again: %d new, %d updated, %d withdrawn, %d unchanged\n", res.New, res.Updated, res.Withdrawn, res.Unchanged)
	for _, d := range res.Decisions {
		decided := ""
		if d.State != policy.Proposed {
			decided = fmt.Sprintf(" by %s %q", d.DecidedBy.ID, d.Reason)
		}
		fmt.Printf("%s: %s%s\n", d.Key, d.State, decided)
	}
	// Output:
	// policy default v1, 2026-11: 4 new
	// chen attendance #1: warning [proposed]
	//   1st lateness within 30 days (2026-11-03): warning under rule attendance (R7.2a)
	// chen attendance #2: warning [proposed]
	//   2nd lateness within 30 days (2026-11-03, 2026-11-10): warning under rule attendance (R7.2a)
	// chen attendance #3: fine TWD 500 [proposed]
	//   3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance (R7.2a)
	// wang conduct #2: demotion [proposed] (severe)
	//   2nd offence (bad attitude or quarrel with a customer) within 365 days (2026-09-15 bad attitude, 2026-11-18 quarrel with a customer): demotion under rule conduct (R7.2b)
	// approve without a reason: true policy: approve: invalid input: reason: approving a severe action states its reason (R7.2, audited) (required)
	// again: 0 new, 0 updated, 0 withdrawn, 4 unchanged
	// default/attendance/chen/2026-11/late-1103: rejected by lin "the MRT line was down that morning"
	// default/attendance/chen/2026-11/late-1110: proposed
	// default/attendance/chen/2026-11/late-1124: approved by lin ""
	// default/conduct/wang/2026-11/quarrel-1118: approved by lin "second offence this year; discussed with the service manager"
}
