package monthend_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/training"
)

type deskFigs []servicedesk.AdvisorFigures

func (f deskFigs) Figures(context.Context, org.DealerID, org.Month) ([]servicedesk.AdvisorFigures, error) {
	return f, nil
}

type accuracy []billing.AdvisorAccuracy

func (a accuracy) Accuracy(context.Context, org.DealerID, org.Month) ([]billing.AdvisorAccuracy, error) {
	return a, nil
}

type results []training.MonthResult

func (r results) MonthResults(context.Context, org.DealerID, org.Month) ([]training.MonthResult, error) {
	return r, nil
}

// R6.1, R5.4: the domains' figures become the appraisal's measures; what
// did not happen is missing, never zero.
func TestMeasurer_R6_1_missing_is_not_zero(t *testing.T) {
	m := monthend.Measurer(
		deskFigs{{Advisor: "chen", CustomersReceived: 3, AppointmentSuccessRate: dec("0.5"), Satisfaction: dec("0"), NoSurveys: true, Reworks: 1}},
		accuracy{{Advisor: "chen", Rate: dec("1")}, {Advisor: "wang", None: true}},
		results{{Employee: "chen", Score: dec("95"), PassRate: dec("1"), Attempts: 1, Passed: 1}, {Employee: "wang", NoScore: true, PassRate: dec("0"), Attempts: 1}})
	figs, err := m.Measure(t.Context(), "d1", nov)
	require.NoError(t, err)
	chen := figs["chen"]
	assert.Equal(t, "3", chen[appraisal.MetricCustomersReceived].Value.String())
	assert.True(t, chen[appraisal.MetricSatisfaction].None, "no survey: missing")
	assert.False(t, chen[appraisal.MetricAppointmentSuccess].None)
	assert.Equal(t, "1", chen[appraisal.MetricSettlementAccuracy].Value.String())
	assert.Equal(t, "95", chen[appraisal.MetricTrainingScore].Value.String())
	assert.True(t, figs["wang"][appraisal.MetricSettlementAccuracy].None)
	assert.True(t, figs["wang"][appraisal.MetricTrainingScore].None)

	none, err := monthend.Measurer(nil, nil, nil).Measure(t.Context(), "d1", nov)
	require.NoError(t, err)
	assert.Empty(t, none, "a dealer without those packages: every metric missing")
}
