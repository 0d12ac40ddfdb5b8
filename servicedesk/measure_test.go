package servicedesk_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// TestMeasurer_R6_1: appraisal reads the month's figures; what did not
// happen (no survey) is missing, never zero.
func TestMeasurer_R6_1(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.driveToDelivered(t, "wo1", 0, 1)
	figs, err := f.desk.Measurer().Measure(f.ctx, dealer, org.Month{Year: 2026, Month: time.November})
	require.NoError(t, err)
	chen := figs["chen"]
	require.NotNil(t, chen)
	assert.Equal(t, "1", chen[appraisal.MetricCustomersReceived].Value.String())
	assert.Equal(t, "1", chen[appraisal.MetricReworks].Value.String())
	assert.True(t, chen[appraisal.MetricSatisfaction].None, "no survey: missing, not zero")
	assert.False(t, chen[appraisal.MetricAppointmentSuccess].None)
	assert.Equal(t, "1", chen[appraisal.MetricAppointmentSuccess].Value.String())
}
