package appraisal_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
)

// Chen's month with the shipped plan: the score, its grade and bonus, and
// how every KPI and source made it (R6.4, R1.3). No training course this
// month, and only one peer rated attitude: both are left out and their
// weight shared, never counted as zero.
func ExampleScore() {
	d := decimal.RequireFromString
	plan := appraisal.DefaultPlan()
	in := appraisal.Inputs{Employee: "chen", BonusBase: d("10000"),
		Measured: map[appraisal.Metric]appraisal.Measure{
			appraisal.MetricSatisfaction:       {Value: d("88")},
			appraisal.MetricComplaints:         {Value: d("1")},
			appraisal.MetricCustomersReceived:  {Value: d("65")},
			appraisal.MetricAppointmentSuccess: {Value: d("0.9")},
			appraisal.MetricSettlementAccuracy: {Value: d("0.95")},
			appraisal.MetricTrainingScore:      {None: true},
			appraisal.MetricReworks:            {Value: d("0")},
		},
		Ratings: []appraisal.Rating{
			{Rater: "kao", Source: appraisal.SourceCustomer, KPI: "satisfaction", Value: d("5")},
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "teamwork", Value: d("4")},
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "skill", Value: d("4")},
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "attitude", Value: d("5")},
			{Rater: "chen", Source: appraisal.SourceSelf, KPI: "attitude", Value: d("5")},
			{Rater: "wang", Source: appraisal.SourcePeer, KPI: "teamwork", Value: d("4")},
			{Rater: "huang", Source: appraisal.SourcePeer, KPI: "teamwork", Value: d("5")},
			{Rater: "lee", Source: appraisal.SourcePeer, KPI: "teamwork", Value: d("3")},
			{Rater: "wang", Source: appraisal.SourcePeer, KPI: "attitude", Value: d("5")},
		}}
	res, err := appraisal.Score(&plan, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: score %s, grade %s (pass %t), bonus %s x %s = %s\n",
		res.Employee, res.Score, res.Grade, res.Pass, res.BonusShare, in.BonusBase, res.Bonus)
	for _, k := range res.KPIs {
		fmt.Printf("%-12s weight %s share %s score %s\n", k.Code, k.Weight, k.Share.StringFixed(4), k.Score)
		for _, s := range k.Sources {
			name := string(s.Source)
			if s.Metric != "" {
				name += " " + string(s.Metric)
			}
			if !s.Present {
				note := "missing"
				if s.TooFew {
					note = "too few peers"
				}
				fmt.Printf("  %-36s %s, share %s\n", name, note, s.Share.StringFixed(4))
				continue
			}
			fmt.Printf("  %-36s raw %s points %s share %s\n", name, s.Raw.Round(4), s.Points.StringFixed(2), s.Share.StringFixed(4))
		}
	}
	// Output:
	// chen: score 82.53, grade good (pass true), bonus 1 x 10000 = 10000
	// satisfaction weight 30 share 0.3000 score 81.33
	//   measured satisfaction                raw 88 points 80.00 share 0.6000
	//   customer                             raw 5 points 100.00 share 0.2000
	//   measured complaints                  raw 1 points 66.67 share 0.2000
	// business     weight 25 share 0.2500 score 78.21
	//   measured customers_received          raw 65 points 75.00 share 0.4000
	//   measured appointment_success_rate    raw 0.9 points 85.71 share 0.3000
	//   measured settlement_accuracy         raw 0.95 points 75.00 share 0.3000
	// teamwork     weight 15 share 0.1500 score 75
	//   peer                                 raw 4 points 75.00 share 0.6000
	//   supervisor                           raw 4 points 75.00 share 0.4000
	// skill        weight 15 share 0.1500 score 82.14
	//   supervisor                           raw 4 points 75.00 share 0.7143
	//   measured training_score              missing, share 0.0000
	//   measured reworks                     raw 0 points 100.00 share 0.2857
	// attitude     weight 15 share 0.1500 score 100
	//   self                                 raw 5 points 100.00 share 0.2857
	//   supervisor                           raw 5 points 100.00 share 0.7143
	//   peer                                 too few peers, share 0.0000
}

// A plan may leave out a KPI that misses a source instead (Incomplete):
// the others share its weight and the result says so.
func ExampleScore_incomplete() {
	d := decimal.RequireFromString
	plan := appraisal.DefaultPlan()
	plan.Missing = appraisal.Incomplete
	in := appraisal.Inputs{Employee: "chen", BonusBase: d("10000"),
		Ratings: []appraisal.Rating{
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "teamwork", Value: d("4")},
			{Rater: "wang", Source: appraisal.SourcePeer, KPI: "teamwork", Value: d("4")},
			{Rater: "huang", Source: appraisal.SourcePeer, KPI: "teamwork", Value: d("5")},
			{Rater: "lee", Source: appraisal.SourcePeer, KPI: "teamwork", Value: d("5")},
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "attitude", Value: d("5")},
			{Rater: "chen", Source: appraisal.SourceSelf, KPI: "attitude", Value: d("4")},
		}}
	res, err := appraisal.Score(&plan, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("score %s, grade %s, incomplete %t\n", res.Score, res.Grade, res.Incomplete)
	for _, k := range res.KPIs {
		if k.Incomplete {
			fmt.Printf("%-12s left out, missing %v\n", k.Code, k.Missing)
			continue
		}
		fmt.Printf("%-12s score %s, share %s\n", k.Code, k.Score, k.Share)
	}
	// teamwork: peers 4, 5, 5, mean 14/3: 91.67 points; supervisor 4: 75
	// (60 x 91.666.. + 40 x 75)/100 = 85, the only KPI counted
	// Output:
	// score 85, grade good, incomplete true
	// satisfaction left out, missing [measured customer measured]
	// business     left out, missing [measured measured measured]
	// teamwork     score 85, share 1
	// skill        left out, missing [supervisor measured measured]
	// attitude     left out, missing [peer]
}
