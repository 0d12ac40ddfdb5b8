package appraisal

import "github.com/shopspring/decimal"

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// DefaultPlan is the shipped plan: the five KPI areas of R6.1 with weights
// summing to 100, customer satisfaction weighing most ("one of the most
// important"), ratings on 1 to 5, grades excellent (90), good (80), pass
// (60) and fail, and a bonus by grade, capped at 120% of the base. Copy it
// and change the numbers: they are configuration, not constants.
func DefaultPlan() Plan {
	five := Scale{Min: d("1"), Max: d("5")}
	return Plan{
		Version: "default-2026", Missing: Renormalize, MinPeers: 3, TrimPeers: false, Places: 2,
		KPIs: []KPI{
			{Code: "satisfaction", Name: "Customer satisfaction", Weight: d("30"), Sources: []SourceWeight{
				{Source: SourceMeasured, Weight: d("60"), Metric: MetricSatisfaction, Curve: Curve{Floor: d("60"), Target: d("95")}},
				{Source: SourceCustomer, Weight: d("20"), Scale: five},
				{Source: SourceMeasured, Weight: d("20"), Metric: MetricComplaints, Curve: Curve{Floor: d("3"), Target: d("0")}},
			}},
			{Code: "business", Name: "Business completion", Weight: d("25"), Sources: []SourceWeight{
				{Source: SourceMeasured, Weight: d("40"), Metric: MetricCustomersReceived, Curve: Curve{Floor: d("20"), Target: d("80")}},
				{Source: SourceMeasured, Weight: d("30"), Metric: MetricAppointmentSuccess, Curve: Curve{Floor: d("0.6"), Target: d("0.95")}},
				{Source: SourceMeasured, Weight: d("30"), Metric: MetricSettlementAccuracy, Curve: Curve{Floor: d("0.8"), Target: d("1")}},
			}},
			{Code: "teamwork", Name: "Teamwork", Weight: d("15"), Sources: []SourceWeight{
				{Source: SourcePeer, Weight: d("60"), Scale: five},
				{Source: SourceSupervisor, Weight: d("40"), Scale: five},
			}},
			{Code: "skill", Name: "Professional skill", Weight: d("15"), Sources: []SourceWeight{
				{Source: SourceSupervisor, Weight: d("50"), Scale: five},
				{Source: SourceMeasured, Weight: d("30"), Metric: MetricTrainingScore, Curve: Curve{Floor: d("60"), Target: d("95")}},
				{Source: SourceMeasured, Weight: d("20"), Metric: MetricReworks, Curve: Curve{Floor: d("3"), Target: d("0")}},
			}},
			{Code: "attitude", Name: "Attitude", Weight: d("15"), Sources: []SourceWeight{
				{Source: SourceSelf, Weight: d("20"), Scale: five},
				{Source: SourceSupervisor, Weight: d("50"), Scale: five},
				{Source: SourcePeer, Weight: d("30"), Scale: five},
			}},
		},
		Grades: []Grade{
			{Code: "excellent", Name: "Excellent", Min: d("90"), Pass: true, Excellent: true},
			{Code: "good", Name: "Good", Min: d("80"), Pass: true},
			{Code: "pass", Name: "Pass", Min: d("60"), Pass: true},
			{Code: "fail", Name: "Fail", Min: d("0"), Pass: false},
		},
		Bonus: Bonus{ByGrade: map[string]decimal.Decimal{"excellent": d("1.2"), "good": d("1"), "pass": d("0.6"), "fail": d("0")},
			Cap: d("1.2"), Places: 0},
	}
}
