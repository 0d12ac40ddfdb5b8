package servicedesk_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// TestFigureSource_R6_1: the month-end reads every advisor's figures
// without an actor; what did not happen (no survey) is flagged, never a
// zero that means something.
func TestFigureSource_R6_1(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.driveToDelivered(t, "wo1", 0, 1)
	figs, err := f.desk.FigureSource().Figures(f.ctx, dealer, org.Month{Year: 2026, Month: time.November})
	require.NoError(t, err)
	require.Len(t, figs, 1)
	chen := figs[0]
	assert.Equal(t, org.EmployeeID("chen"), chen.Advisor)
	assert.Equal(t, 1, chen.CustomersReceived)
	assert.Equal(t, 1, chen.Reworks)
	assert.True(t, chen.NoSurveys, "no survey: flagged, not zero")
	assert.False(t, chen.NoAppointments)
	assert.Equal(t, "1", chen.AppointmentSuccessRate.String())
}
