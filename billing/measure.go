package billing

import (
	"context"

	"github.com/servicelane/servicelane/org"
)

// AccuracySource reads every advisor's settlement accuracy of a month
// ([Service.Accuracy] without an actor, R6.1): the month-end's plumbing,
// after it has authorised the actor who runs the month.
type AccuracySource struct{ s *Service }

// AccuracySource returns the month's settlement accuracy as the month-end
// reads it.
func (s *Service) AccuracySource() AccuracySource { return AccuracySource{s: s} }

// Accuracy returns every advisor's settlement accuracy of month m; an
// advisor who settled nothing has None set, never 0%.
func (a AccuracySource) Accuracy(ctx context.Context, dealer org.DealerID, m org.Month) ([]AdvisorAccuracy, error) {
	return a.s.accuracy(ctx, dealer, m)
}
