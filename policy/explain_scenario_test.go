package policy_test

import (
	"github.com/servicelane/servicelane/policy"
)

// explainMonth is a November in which every monthly rule of the default
// policy fires for someone.
func explainMonth() []policy.Facts {
	return []policy.Facts{
		{Employee: "chen", Appraisal: appr("95", 1, 6), Incidents: []policy.Incident{
			inc("l1", policy.Late, "2026-11-03 09:10"), inc("l2", policy.Late, "2026-11-10 09:05"),
			inc("l3", policy.Late, "2026-11-24 09:20")}},
		{Employee: "huang", Appraisal: appr("95", 1, 6), Incidents: []policy.Incident{
			inc("a1", policy.Absent, "2026-10-30 09:00"), inc("e1", policy.LeftEarly, "2026-11-02 16:00")}},
		{Employee: "lin", Appraisal: &policy.AppraisalFacts{Score: dec("52.5"), Grade: "fail", Rank: 6, Ranked: 6, ConsecutiveFails: 2},
			Training: []policy.TrainingResult{{Course: "Brake systems", Outcome: policy.Failed}, {Course: "EV safety", Outcome: policy.RetakeFailed}},
			Incidents: []policy.Incident{
				inc("q1", policy.CustomerQuarrel, "2026-04-12 14:00"), inc("q2", policy.ImageHarm, "2026-11-18 11:00"),
				inc("x1", policy.Loss, "2026-11-20 15:00", "30000")}},
		{Employee: "wang", Appraisal: appr("88", 3, 6),
			Nominations: []policy.Nomination{{ID: "n1", Reason: "Kept a fleet customer after a recall", By: "kao"}},
			Incidents: []policy.Incident{
				inc("c1", policy.Complaint, "2026-11-07 10:00"), inc("s1", policy.ConfidentialityBreach, "2026-11-21 18:00")}},
	}
}
