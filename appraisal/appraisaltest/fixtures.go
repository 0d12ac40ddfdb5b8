package appraisaltest

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// t0 is a fixed instant with microseconds, written in UTC as the Service
// writes it, so a store that drops either is caught. Every instant the
// kit writes is t0 plus whole microseconds.
var t0 = kit.NewClock(2026, 12, 1).T0

// at is t0 plus some minutes.
func at(minutes int) time.Time { return kit.Clock{T0: t0}.At(minutes) }

// amount parses one of the kit's constant decimals.
func amount(s string) decimal.Decimal { return kit.Amount(s) }

// big is above 2^53, with a trailing zero in its cents' place elsewhere
// (12.50): a float column or a float on the way loses it.
const big = kit.Big

// month parses one of the kit's months.
func month(s string) org.Month {
	m, err := org.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// The months the fixtures use: nov is the month most checks write. A
// snapshot reads each of them, since cycles have no list.
var (
	nov    = month("2026-11")
	dec    = month("2026-12")
	months = []org.Month{month("2025-12"), month("2026-01"), month("2026-02"), month("2026-10"), nov, dec, month("2027-01")}
)

// employees are the IDs the fixtures use, chosen so that byte order, the
// order of their (ratee, rater, ...) columns and case-blind order all
// differ: "Adv-2" < "adv-1" < "adv-1-b" < "adv-10" < "adv-2", while the Key
// "adv-1-b/..." sorts before "adv-1/...". A snapshot reads the improvement
// plans of each of them, since plans have no list.
var employees = []org.EmployeeID{"Adv-2", "adv-1", "adv-1-b", "adv-10", "adv-2", "sup-1", "tech-1"}

var supervisor = org.Actor{ID: "sup-1", Role: org.RoleSupervisor}

// fullPlan sets every field of a plan, in at least one element of every
// slice, so a store that forgets a column is caught. It is not a plan the
// Service would accept (it has both bonus tables): a store keeps what it
// is given.
func fullPlan() appraisal.Plan {
	scale := func(lo, hi string) appraisal.Scale { return appraisal.Scale{Min: amount(lo), Max: amount(hi)} }
	return appraisal.Plan{
		Version: "2026.11-kit",
		KPIs: []appraisal.KPI{
			{Code: "CSI", Name: "customer satisfaction; 顧客滿意", Weight: amount("40"), Sources: []appraisal.SourceWeight{
				{Source: appraisal.SourceCustomer, Weight: amount("2.5"), Scale: scale("1", "5")},
				{Source: appraisal.SourceMeasured, Weight: amount("1.5"), Metric: appraisal.MetricSatisfaction,
					Curve: appraisal.Curve{Floor: amount("60"), Target: amount("95.5")}},
			}},
			{Code: "RWK", Name: "reworks", Weight: amount("35.0000"), Sources: []appraisal.SourceWeight{
				{Source: appraisal.SourceMeasured, Weight: amount("1"), Metric: appraisal.MetricReworks,
					Curve: appraisal.Curve{Floor: amount("5"), Target: amount("0"), Bands: []appraisal.Band{
						{From: amount("0"), Points: amount("100")}, {From: amount("2"), Points: amount("12.50")}, {From: amount("5"), Points: amount("0")}}}},
			}},
			{Code: "TEAM", Name: "teamwork", Weight: amount("25"), Sources: []appraisal.SourceWeight{
				{Source: appraisal.SourcePeer, Weight: amount("0.0001"), Scale: scale("0", "10")},
				{Source: appraisal.SourceSelf, Weight: amount("1"), Scale: scale("1", "5")},
				{Source: appraisal.SourceSupervisor, Weight: amount("3"), Scale: scale("0", "100")},
			}},
		},
		Missing: appraisal.Incomplete, MinPeers: 4, TrimPeers: true, Places: 3,
		Grades: []appraisal.Grade{
			{Code: "A", Name: "excellent; 優", Min: amount("90"), Pass: true, Excellent: true},
			{Code: "B", Name: "good", Min: amount("70.5"), Pass: true},
			{Code: "C", Name: "failing", Min: amount("0")},
		},
		Bonus: appraisal.Bonus{
			ByGrade: map[string]decimal.Decimal{"A": amount("1.5"), "B": amount("0.75"), "C": amount("0")},
			Linear: &appraisal.LinearBonus{From: appraisal.BonusPoint{Score: amount("60"), Share: amount("0.1")},
				To: appraisal.BonusPoint{Score: amount("100"), Share: amount("1.25")}},
			Cap: amount("1.2"), Places: 2,
		},
	}
}

// fullCycle sets every field of a cycle.
func fullCycle(d org.DealerID, m org.Month) appraisal.Cycle {
	return appraisal.Cycle{
		DealerID: d, Month: m, State: appraisal.CyclePublished, Plan: fullPlan(),
		Deadlines: map[appraisal.Source]time.Time{
			appraisal.SourceSelf: at(60), appraisal.SourceSupervisor: at(24 * 60), appraisal.SourcePeer: at(48*60 + 1),
		},
		OpenedAt: at(-30 * 24 * 60), OpenedBy: supervisor,
		ScoredAt: at(3 * 24 * 60), FinalizedAt: at(4 * 24 * 60), PublishedAt: at(5 * 24 * 60),
		Reopenings: []appraisal.Reopening{
			{By: "sup-1", Reason: "a late customer rating; 遲到的評分", At: at(4*24*60 + 30)},
			{By: "mgr-1", Reason: "calibration appealed", At: at(4*24*60 + 90)},
		},
		Version: 1,
	}
}

// cycle is a small open cycle: what most checks write.
func cycle(d org.DealerID, m org.Month) appraisal.Cycle {
	return appraisal.Cycle{
		DealerID: d, Month: m, State: appraisal.CycleOpen,
		Plan: appraisal.Plan{Version: "small", KPIs: []appraisal.KPI{{Code: "CSI", Weight: amount("100"),
			Sources: []appraisal.SourceWeight{{Source: appraisal.SourceCustomer, Weight: amount("1"), Scale: appraisal.Scale{Min: amount("1"), Max: amount("5")}}}}},
			Grades: []appraisal.Grade{{Code: "P", Min: amount("60"), Pass: true}, {Code: "F", Min: amount("0")}},
			Bonus:  appraisal.Bonus{ByGrade: map[string]decimal.Decimal{"P": amount("1")}, Places: 2}},
		OpenedAt: t0, OpenedBy: supervisor, Version: 1,
	}
}

// input is one rating: every field is set.
func input(d org.DealerID, m org.Month, ratee, rater org.EmployeeID, src appraisal.Source, kpi string) appraisal.Input {
	return appraisal.Input{DealerID: d, Month: m, Ratee: ratee, Rater: rater, Source: src, KPI: kpi, Value: amount("4.5"), At: at(7), Version: 1}
}

// fullResult sets every field of a result and of its KPIs and sources, in
// at least one element, with decimals at the places the Service writes
// them: scores at the plan's, shares at 8, a mean of ratings at 16.
func fullResult(e org.EmployeeID, score, grade string) appraisal.Result {
	return appraisal.Result{
		Employee: e, PlanVersion: "2026.11-kit", Score: amount(score), Grade: grade, Pass: true, Excellent: true,
		BonusShare: amount("0.65625"), Bonus: amount(big), Incomplete: true,
		KPIs: []appraisal.KPIResult{
			{Code: "CSI", Name: "customer satisfaction; 顧客滿意", Weight: amount("40"), Share: amount("0.61538462"), Score: amount("87.125"),
				Sources: []appraisal.SourceResult{
					{Source: appraisal.SourceCustomer, Weight: amount("2.5"), Share: amount("0.62500000"), Present: true,
						Raw: amount("3.6666666666666667"), Points: amount("66.6666666666666675"), Raters: 3},
					{Source: appraisal.SourceMeasured, Metric: appraisal.MetricSatisfaction, Weight: amount("1.5"), Share: amount("0.375"), Present: true,
						Raw: amount("92.4"), Points: amount("91.26760563380282")},
				}},
			{Code: "TEAM", Name: "teamwork", Weight: amount("25"), Share: amount("0"), Score: amount("0"), Incomplete: true,
				Missing:        []appraisal.Source{appraisal.SourceSelf, appraisal.SourceSupervisor, appraisal.SourceMeasured},
				MissingMetrics: []appraisal.Metric{appraisal.MetricReworks},
				Sources: []appraisal.SourceResult{
					{Source: appraisal.SourcePeer, Weight: amount("0.0001"), Raw: amount("7.5"), Points: amount("75"), Raters: 5, Trimmed: 2, TooFew: true},
					{Source: appraisal.SourceSelf, Weight: amount("1")},
					{Source: appraisal.SourceSupervisor, Weight: amount("3")},
				}},
		},
	}
}

// fullAppraisal sets every field of an appraisal: a computed result, a
// calibration and the final result it gives.
func fullAppraisal(d org.DealerID, m org.Month, e org.EmployeeID) appraisal.Appraisal {
	final := fullResult(e, "91.000", "A")
	final.BonusShare, final.Bonus = amount("1.2"), amount("12.50")
	return appraisal.Appraisal{
		DealerID: d, Month: m,
		Computed:         fullResult(e, "87.125", "B"),
		Calibration:      &appraisal.Calibration{Score: amount("91.000"), By: "sup-1", Reason: "covered two bays in December; 代班", At: at(4 * 24 * 60)},
		Final:            final,
		Rank:             3,
		ConsecutiveFails: 2,
		Version:          1,
	}
}

// appraisalOf is a small appraisal: what most checks write. Its result
// has one KPI, so a list of them shows its content.
func appraisalOf(d org.DealerID, m org.Month, e org.EmployeeID, score string) appraisal.Appraisal {
	res := appraisal.Result{Employee: e, PlanVersion: "small", Score: amount(score), Grade: "P", Pass: true,
		BonusShare: amount("1"), Bonus: amount("12.50"),
		KPIs: []appraisal.KPIResult{{Code: "CSI", Weight: amount("100"), Share: amount("1"), Score: amount(score),
			Sources: []appraisal.SourceResult{{Source: appraisal.SourceCustomer, Weight: amount("1"), Share: amount("1"), Present: true,
				Raw: amount("4.5"), Points: amount(score), Raters: 1}}}}}
	return appraisal.Appraisal{DealerID: d, Month: m, Computed: res, Final: res, Rank: 1, Version: 1}
}

// fullImprovement sets every field of an improvement plan.
func fullImprovement(d org.DealerID, m org.Month, e org.EmployeeID) appraisal.Improvement {
	return appraisal.Improvement{
		DealerID: d, Month: m, Employee: e,
		Interview: "causes analysed with the employee: two reworks on EVs; 電動車重工",
		Goals: []appraisal.Goal{
			{Text: "complete the EV course", Due: at(30 * 24 * 60), Done: true},
			{Text: "no rework in January", Due: at(60 * 24 * 60)},
		},
		FollowUps: []appraisal.FollowUp{
			{By: "sup-1", At: at(14 * 24 * 60), Note: "course booked"},
			{By: "mgr-1", At: at(28*24*60 + 1), Note: "course passed"},
		},
		By: "sup-1", At: at(5 * 24 * 60), Version: 1,
	}
}

// improvement is a small improvement plan: what most checks write.
func improvement(d org.DealerID, m org.Month, e org.EmployeeID) appraisal.Improvement {
	return appraisal.Improvement{DealerID: d, Month: m, Employee: e, Interview: "interview of " + string(e),
		Goals: []appraisal.Goal{{Text: "goal", Due: at(60)}}, By: "sup-1", At: t0, Version: 1}
}

func event(d org.DealerID, id, subject string) org.Event {
	return org.Event{
		DealerID: d, ID: id, At: t0, Actor: supervisor,
		Type: "appraisal.scored", Subject: subject, Reason: "kit: " + id, Data: json.RawMessage(`{"after":{"score":"87.125"}}`),
	}
}

func events(d org.DealerID, prefix, subject string, n int) []org.Event {
	return kit.Events(d, prefix, subject, n, event)
}

func commit(ctx context.Context, s appraisal.Store, d org.DealerID, c appraisal.Change, what string) error {
	return kit.Commit(ctx, s.Commit, d, c, what)
}
