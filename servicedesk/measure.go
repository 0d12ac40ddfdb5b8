package servicedesk

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// Measurer gives appraisal the figures of [Service.Figures] (R6.1): a month
// without appointments or surveys gives no figure for them, never zero.
// It reads every advisor's row: appraisal authorises the actor who scores
// the month (R2.2 department-wide) before it measures.
func (s *Service) Measurer() appraisal.Measurer {
	return appraisal.MeasurerFunc(func(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Figures, error) {
		figs, err := s.figures(ctx, dealer, m)
		if err != nil {
			return nil, err
		}
		out := appraisal.Figures{}
		for _, f := range figs {
			out[f.Advisor] = map[appraisal.Metric]appraisal.Measure{
				appraisal.MetricCustomersReceived:  {Value: decimal.NewFromInt(int64(f.CustomersReceived))},
				appraisal.MetricAppointmentSuccess: {Value: f.AppointmentSuccessRate, None: f.NoAppointments},
				appraisal.MetricSatisfaction:       {Value: f.Satisfaction, None: f.NoSurveys},
				appraisal.MetricComplaints:         {Value: decimal.NewFromInt(int64(f.Complaints))},
				appraisal.MetricReworks:            {Value: decimal.NewFromInt(int64(f.Reworks))},
			}
		}
		return out, nil
	})
}
