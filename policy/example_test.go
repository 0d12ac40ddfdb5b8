package policy_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// The shipped policy: R6.4 and R7 as written, each rule with the rules of
// RULES.md it cites and what it proposes ("!" marks a severe action, which
// needs a supervisor's approval).
func ExampleDefault() {
	p := policy.Default("TWD")
	if err := p.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	actions := func(as []policy.Action) string {
		var out []string
		for _, a := range as {
			s := string(a.Kind)
			if !a.Amount.IsZero() {
				s += " " + a.Amount.String()
			}
			if a.Kind.Severe() {
				s += "!"
			}
			out = append(out, s)
		}
		return strings.Join(out, " + ")
	}
	fmt.Printf("%s v%d, %s\n", p.ID, p.Version, p.Currency)
	for _, r := range p.Rules {
		then := actions(r.Then)
		for _, l := range p.Ladders {
			if l.ID == r.Ladder {
				var steps []string
				for _, s := range l.Steps {
					steps = append(steps, actions(s))
				}
				then = fmt.Sprintf("within %d days: %s", l.WithinDays, strings.Join(steps, " / "))
			}
		}
		fmt.Printf("%-9s %-26s %-5s %s\n", strings.Join(r.Cites, ","), r.ID, r.Period, then)
	}
	// Output:
	// default v1, TWD
	// R7.1      monthly_excellent_advisor  month certificate + bonus 3000
	// R7.1      annual_excellent_advisor   year  certificate + bonus 20000 + promotion_eligibility
	// R7.1      special_contribution       month bonus 5000 + training_opportunity + trip
	// R6.4      excellent_appraisal        month commendation
	// R6.4      failed_appraisal           month interview + improvement_plan
	// R6.4      two_consecutive_fails      month termination_eligibility!
	// R6.4,R5.4 training_failed            month retake
	// R6.4,R5.4 retake_failed              month retraining
	// R7.2a     attendance                 month within 30 days: warning / warning / fine 500 / fine 1000
	// R7.2b     conduct                    month within 365 days: demerit / demotion!
	// R7.2c     complaint_warning          month warning
	// R7.2c     loss_minor                 month compensation + warning
	// R7.2c     loss_moderate              month compensation + demerit
	// R7.2c     loss_major                 month compensation + demotion!
	// R7.2c     loss_severe                month compensation + dismissal!
	// R7.2d     confidentiality_breach     month dismissal! + legal_action!
}

// A dealer's November under the default policy: Chen's third lateness in
// 30 days is fined, Lin's loss is compensated by its bracket, and Lin's
// second failed appraisal in a row makes the contract terminable, which a
// supervisor must approve. Each proposal says why, in both languages.
func ExamplePolicy_Evaluate() {
	taipei := time.FixedZone("Asia/Taipei", 8*60*60)
	at := func(day int, hour int) time.Time { return time.Date(2026, time.November, day, hour, 0, 0, 0, taipei) }
	facts := []policy.Facts{
		{Employee: "lin",
			Appraisal: &policy.AppraisalFacts{Score: decimal.RequireFromString("54"), Grade: "fail", Rank: 8, Ranked: 8, ConsecutiveFails: 2},
			Incidents: []policy.Incident{{ID: "inc-31", Kind: policy.Loss, At: at(20, 15), Amount: decimal.RequireFromString("12500"),
				Note: "scratched a customer's car"}}},
		{Employee: "chen",
			Appraisal: &policy.AppraisalFacts{Score: decimal.RequireFromString("84"), Grade: "good", Passed: true, Rank: 3, Ranked: 8},
			Incidents: []policy.Incident{
				{ID: "inc-24", Kind: policy.Late, At: at(24, 9)},
				{ID: "inc-03", Kind: policy.Late, At: at(3, 9)},
				{ID: "inc-10", Kind: policy.Late, At: at(10, 9)},
			}},
	}
	props, err := policy.Default("TWD").Evaluate(policy.Input{
		Period:   policy.MonthPeriod(org.Month{Year: 2026, Month: time.November}),
		Location: taipei,
		Facts:    facts,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range props {
		fmt.Printf("%s (approval needed: %t)\n", p.Key, p.NeedsApproval)
		fmt.Println("  " + p.Explanation.Text(org.English))
		fmt.Println("  " + p.Explanation.Text(org.TraditionalChinese))
	}
	// Output:
	// default/attendance/chen/2026-11/inc-03 (approval needed: false)
	//   1st lateness within 30 days (2026-11-03): warning under rule attendance (R7.2a)
	//   30 天內第 1 次遲到（2026-11-03）：警告（規則 attendance，R7.2a）
	// default/attendance/chen/2026-11/inc-10 (approval needed: false)
	//   2nd lateness within 30 days (2026-11-03, 2026-11-10): warning under rule attendance (R7.2a)
	//   30 天內第 2 次遲到（2026-11-03、2026-11-10）：警告（規則 attendance，R7.2a）
	// default/attendance/chen/2026-11/inc-24 (approval needed: false)
	//   3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance (R7.2a)
	//   30 天內第 3 次遲到（2026-11-03、2026-11-10、2026-11-24）：罰款 TWD 500（規則 attendance，R7.2a）
	// default/failed_appraisal/lin/2026-11 (approval needed: false)
	//   failed the appraisal: performance interview, improvement plan under rule failed_appraisal (R6.4)
	//   考核不合格：績效面談、制定改進計劃（規則 failed_appraisal，R6.4）
	// default/two_consecutive_fails/lin/2026-11 (approval needed: true)
	//   failed the appraisal 2 months in a row: the contract may be ended under rule two_consecutive_fails (R6.4)
	//   連續 2 個月考核不合格：公司得解除勞動合同（規則 two_consecutive_fails，R6.4）
	// default/loss_moderate/lin/2026-11 (approval needed: false)
	//   complaint, loss or negligence of TWD 12,500 in the period (above 10,000, at most 50,000): compensation TWD 2,500 (20% of the loss of TWD 12,500), demerit under rule loss_moderate (R7.2c)
	//   本期客戶投訴、經濟損失或工作失職共 TWD 12,500（超過 10,000，不超過 50,000）：賠償 TWD 2,500（損失 TWD 12,500 的 20%）、記過（規則 loss_moderate，R7.2c）
}
