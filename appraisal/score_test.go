package appraisal_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// A month worked out by hand (R6.1, R6.3): the golden case of the default
// plan.
func TestScore_golden_default_plan(t *testing.T) {
	plan := appraisal.DefaultPlan()
	in := appraisal.Inputs{Employee: "chen", BonusBase: dec("10000"),
		Measured: map[appraisal.Metric]appraisal.Measure{
			appraisal.MetricSatisfaction:       {Value: dec("88")},   // (88-60)/35 = 80 points
			appraisal.MetricComplaints:         {Value: dec("1")},    // (1-3)/(0-3) = 66.67 points
			appraisal.MetricCustomersReceived:  {Value: dec("65")},   // (65-20)/60 = 75
			appraisal.MetricAppointmentSuccess: {Value: dec("0.9")},  // 0.3/0.35 = 85.71
			appraisal.MetricSettlementAccuracy: {Value: dec("0.95")}, // 0.15/0.2 = 75
			appraisal.MetricTrainingScore:      {None: true},         // no course this month: dropped
			appraisal.MetricReworks:            {Value: dec("0")},    // 100
		},
		Ratings: []appraisal.Rating{
			{Rater: "kao", Source: appraisal.SourceCustomer, KPI: "satisfaction", Value: dec("5")}, // 100
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "teamwork", Value: dec("4")},   // 75
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "skill", Value: dec("4")},      // 75
			{Rater: "lin", Source: appraisal.SourceSupervisor, KPI: "attitude", Value: dec("5")},   // 100
			{Rater: "chen", Source: appraisal.SourceSelf, KPI: "attitude", Value: dec("5")},        // 100
			{Rater: "wang", Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec("4")},
			{Rater: "huang", Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec("5")},
			{Rater: "lee", Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec("3")},  // mean 4 = 75
			{Rater: "wang", Source: appraisal.SourcePeer, KPI: "attitude", Value: dec("5")}, // one peer: too few, dropped
		}}
	res, err := appraisal.Score(&plan, in)
	require.NoError(t, err)
	// satisfaction = (60*80 + 20*100 + 20*66.666...)/100 = 81.333...
	// business     = (40*75 + 30*85.714285... + 30*75)/100 = 78.2142857...
	// teamwork     = (60*75 + 40*75)/100 = 75
	// skill        = (50*75 + 20*100)/70 = 82.142857... (training dropped)
	// attitude     = (20*100 + 50*100)/70 = 100 (peers too few, dropped)
	// total        = (2440 + 1955.357142.. + 1125 + 1232.142857.. + 1500)/100 = 82.525 -> 82.53 (half up)
	want := map[string]string{"satisfaction": "81.33", "business": "78.21", "teamwork": "75", "skill": "82.14", "attitude": "100"}
	for _, k := range res.KPIs {
		assert.Equal(t, want[k.Code], k.Score.String(), "KPI %s", k.Code)
	}
	assert.Equal(t, "82.53", res.Score.String())
	assert.Equal(t, "good", res.Grade)
	assert.True(t, res.Pass)
	assert.Equal(t, "10000", res.Bonus.String())
	att := res.KPIs[4]
	assert.Equal(t, []appraisal.Source{appraisal.SourcePeer}, att.Missing)
	assert.Empty(t, att.MissingMetrics)
	assert.True(t, att.Sources[2].TooFew, "R6.3: fewer than 3 peers do not count")
	skill := res.KPIs[3]
	assert.Equal(t, []appraisal.Metric{appraisal.MetricTrainingScore}, skill.MissingMetrics, "a measured source is named by its metric")
}
