package billing

import (
	"context"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// Measurer gives appraisal each advisor's settlement accuracy (R6.1); an
// advisor who settled nothing gets no figure, never 0%.
func (s *Service) Measurer() appraisal.Measurer {
	return appraisal.MeasurerFunc(func(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Figures, error) {
		acc, err := s.accuracy(ctx, dealer, m)
		if err != nil {
			return nil, err
		}
		out := appraisal.Figures{}
		for _, a := range acc {
			out[a.Advisor] = map[appraisal.Metric]appraisal.Measure{appraisal.MetricSettlementAccuracy: {Value: a.Rate, None: a.None}}
		}
		return out, nil
	})
}
