package servicedesk

import (
	"context"

	"github.com/servicelane/servicelane/org"
)

// FigureSource reads every advisor's figures of a month ([Service.Figures]
// without an actor, R6.1): the month-end's plumbing (package monthend
// turns them into the appraisal's measures), after it has authorised the
// actor who runs the month. Hand it to the SDK, never to a person.
type FigureSource struct{ s *Service }

// FigureSource returns the month's figures as the month-end reads them.
func (s *Service) FigureSource() FigureSource { return FigureSource{s: s} }

// Figures returns the figures of month m of every advisor its records
// name, ordered by advisor: an advisor with no record has no row, so the
// appraisal reads "no data", never zeros. A rate with nothing to count is
// zero with its No... flag set.
func (f FigureSource) Figures(ctx context.Context, dealer org.DealerID, m org.Month) ([]AdvisorFigures, error) {
	return f.s.figures(ctx, dealer, m, false)
}
