package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// policyMonth ends the month with the dealer's policy (R6.4, R7): the
// month's incidents and a nomination are recorded, the policy is
// evaluated on them and on the appraisal and training results, and the
// supervisor decides each proposal; nothing is executed by the SDK.
// policyInputs saves the dealer's policy and records the month's incidents
// and nominations (R7), which the month-end evaluates.
func policyInputs(ctx context.Context, svc *policy.Service, dealer org.DealerID, nov org.Month, loc *time.Location) (policy.StoredPolicy, error) {
	var err error
	step := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	// The shipped default policy (R6.4 and R7 as written), in TWD.
	var stored policy.StoredPolicy
	step(func() (err error) {
		stored, err = svc.SavePolicy(ctx, dealer, org.Admin("dms-setup"), policy.Default("TWD"), true)
		return err
	})
	day := func(d, hour, minute int) time.Time { return time.Date(nov.Year, nov.Month, d, hour, minute, 0, 0, loc) }
	// The host's time clock reports lateness; the supervisor records the
	// rest (R7.2) and nominates (R7.1).
	timeClock := org.Admin("time-clock")
	for _, in := range []policy.IncidentInput{
		{ID: "late-1103", Employee: "wang", Kind: policy.Late, At: day(3, 8, 47), Note: "arrived 08:47"},
		{ID: "late-1106", Employee: "wang", Kind: policy.Late, At: day(6, 8, 52), Note: "arrived 08:52"},
		{ID: "late-1110", Employee: "wang", Kind: policy.Late, At: day(10, 9, 5), Note: "arrived 09:05"},
	} {
		step(func() error { _, err := svc.RecordIncident(ctx, dealer, timeClock, in); return err })
	}
	step(func() error {
		_, err := svc.RecordIncident(ctx, dealer, lin, policy.IncidentInput{ID: "quarrel-1105", Employee: "huang",
			Kind: policy.CustomerQuarrel, At: day(5, 15, 20), Note: "raised his voice at a customer over a waiting time"})
		return err
	})
	step(func() error {
		_, err := svc.Nominate(ctx, dealer, lin, policy.NominationInput{ID: "nom-chen-11", Employee: "chen",
			Period: policy.MonthPeriod(nov), Reason: "kept a fleet customer of 40 cars"})
		return err
	})
	return stored, err
}

// policyDecisions prints what the month-end's evaluation proposed, runs
// the month-end again to show it records nothing twice, and has the
// supervisor decide.
func policyDecisions(ctx context.Context, svc *policy.Service, me *monthend.Service, clock *org.ManualClock, dealer org.DealerID, nov org.Month,
	stored policy.StoredPolicy, res policy.EvaluationResult, out io.Writer) error {
	fmt.Fprintf(out, "\nPolicy decisions for %s (R6.4, R7): policy %s version %d, %d proposals\n",
		nov, stored.Policy.ID, stored.Policy.Version, res.New)
	for _, d := range res.Decisions {
		p := d.Proposal
		fmt.Fprintf(out, "  %s\n    %s\n    %s\n", decisionLine(p), p.Explanation.Text(org.English), p.Explanation.Text(org.TraditionalChinese))
	}
	// The month-end again changes nothing: each step is done, each
	// proposal recorded once.
	again, err := me.Run(ctx, dealer, lin, monthend.RunInput{Month: nov})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Evaluated again: %d new, %d unchanged\n", again.Evaluation.New, again.Evaluation.Unchanged)

	// The supervisor decides. Routine actions are approved as they stand;
	// a severe one needs her reason (R7.2), and nobody decides about
	// themselves (R1.3).
	clock.Advance(time.Hour)
	approved := 0
	for _, d := range res.Decisions {
		if d.Proposal.NeedsApproval {
			continue
		}
		if _, err := svc.Approve(ctx, dealer, lin, policy.DecideInput{Key: d.Key, ExpectedVersion: d.Version}); err != nil {
			return err
		}
		approved++
	}
	fmt.Fprintf(out, "lin approved %d routine decisions\n", approved)
	for _, d := range res.Decisions {
		if !d.Proposal.NeedsApproval {
			continue
		}
		_, err := svc.Approve(ctx, dealer, lin, policy.DecideInput{Key: d.Key})
		var ve *org.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("a severe action was approved without a reason: %v", err)
		}
		fmt.Fprintf(out, "Approving %s without a reason is refused: %s\n", decisionLine(d.Proposal), ve.Fields[0].Message)
		reason := "Second failed appraisal in a row despite October's improvement plan; HR reviews the contract with Huang."
		got, err := svc.Approve(ctx, dealer, lin, policy.DecideInput{Key: d.Key, Reason: reason, ExpectedVersion: d.Version})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "lin approved it: %q\n  the SDK executes nothing: the host acts on approved decisions, all audited\n", got.Reason)
	}
	return nil
}

// decisionLine is a proposal in one line: "wang attendance #3: fine TWD 500".
func decisionLine(p policy.Proposal) string {
	var b strings.Builder
	b.WriteString(string(p.Employee) + " " + p.RuleID)
	if p.Offence > 0 {
		fmt.Fprintf(&b, " #%d", p.Offence)
	}
	b.WriteString(":")
	for i, a := range p.Actions {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" " + strings.ReplaceAll(string(a.Kind), "_", " "))
		if !a.Amount.IsZero() {
			b.WriteString(" " + p.Currency + " " + a.Amount.String())
		}
	}
	if p.NeedsApproval {
		b.WriteString(" [needs approval]")
	}
	return b.String()
}
