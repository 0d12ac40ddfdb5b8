package monthend

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/training"
)

// The month's measured figures, as the domains keep them. servicedesk,
// billing and training know nothing of the appraisal: this package turns
// their figures into its measures (R6.1, R5.4).
type (
	// DeskFigures is servicedesk.Service.FigureSource.
	DeskFigures interface {
		Figures(ctx context.Context, dealer org.DealerID, m org.Month) ([]servicedesk.AdvisorFigures, error)
	}
	// SettlementAccuracy is billing.Service.AccuracySource.
	SettlementAccuracy interface {
		Accuracy(ctx context.Context, dealer org.DealerID, m org.Month) ([]billing.AdvisorAccuracy, error)
	}
	// TrainingResults is training.Service.ResultSource.
	TrainingResults interface {
		MonthResults(ctx context.Context, dealer org.DealerID, m org.Month) ([]training.MonthResult, error)
	}
)

// Measurer is the appraisal's measured figures from the domains' records,
// for appraisal.Config.Measurer:
//
//	appraisal.Config{Measurer: monthend.Measurer(desk.FigureSource(), bills.AccuracySource(), train.ResultSource())}
//
// What did not happen is missing, never zero: a month without appointments
// or surveys, an advisor who settled nothing, an employee without an
// assessment give no figure for it. Any source may be nil (a dealer
// without that package): its metrics are then missing for everyone.
func Measurer(desk DeskFigures, accuracy SettlementAccuracy, results TrainingResults) appraisal.Measurer {
	return appraisal.MeasurerFunc(func(ctx context.Context, dealer org.DealerID, m org.Month) (appraisal.Figures, error) {
		out := appraisal.Figures{}
		put := func(e org.EmployeeID, metric appraisal.Metric, ms appraisal.Measure) {
			if out[e] == nil {
				out[e] = map[appraisal.Metric]appraisal.Measure{}
			}
			out[e][metric] = ms
		}
		if desk != nil {
			figs, ok := memoized(ctx, desk, dealer, m)
			if !ok {
				var err error
				if figs, err = desk.Figures(ctx, dealer, m); err != nil {
					return nil, err
				}
			}
			for _, f := range figs {
				put(f.Advisor, appraisal.MetricCustomersReceived, appraisal.Measure{Value: decimal.NewFromInt(int64(f.CustomersReceived))})
				put(f.Advisor, appraisal.MetricAppointmentSuccess, appraisal.Measure{Value: f.AppointmentSuccessRate, None: f.NoAppointments})
				put(f.Advisor, appraisal.MetricSatisfaction, appraisal.Measure{Value: f.Satisfaction, None: f.NoSurveys})
				put(f.Advisor, appraisal.MetricComplaints, appraisal.Measure{Value: decimal.NewFromInt(int64(f.Complaints))})
				put(f.Advisor, appraisal.MetricReworks, appraisal.Measure{Value: decimal.NewFromInt(int64(f.Reworks))})
			}
		}
		if accuracy != nil {
			acc, err := accuracy.Accuracy(ctx, dealer, m)
			if err != nil {
				return nil, err
			}
			for _, a := range acc {
				put(a.Advisor, appraisal.MetricSettlementAccuracy, appraisal.Measure{Value: a.Rate, None: a.None})
			}
		}
		if results != nil {
			rs, err := results.MonthResults(ctx, dealer, m)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				put(r.Employee, appraisal.MetricTrainingScore, appraisal.Measure{Value: r.Score, None: r.NoScore})
				put(r.Employee, appraisal.MetricTrainingPassRate, appraisal.Measure{Value: r.PassRate})
			}
		}
		return out, nil
	})
}

// deskMemo is the desk's figures a run of the month-end read at its start,
// carried in its context to the Measurer the appraisal calls when the run
// scores: the month's orders are read and decoded once per run, and the
// report shows the very figures that were scored. Only this package puts
// one in a context, and only figures it read from src itself.
type deskMemo struct {
	src    servicedesk.FigureSource
	dealer org.DealerID
	month  org.Month
	figs   []servicedesk.AdvisorFigures
}

type memoKey struct{}

func withMemo(ctx context.Context, m *deskMemo) context.Context {
	return context.WithValue(ctx, memoKey{}, m)
}

// memoized returns the run's figures of dealer's month m when ctx carries
// them and they were read from desk.
func memoized(ctx context.Context, desk DeskFigures, dealer org.DealerID, m org.Month) ([]servicedesk.AdvisorFigures, bool) {
	mm, ok := ctx.Value(memoKey{}).(*deskMemo)
	if !ok || mm.dealer != dealer || mm.month != m {
		return nil, false
	}
	if src, ok := desk.(servicedesk.FigureSource); !ok || src != mm.src {
		return nil, false
	}
	return mm.figs, true
}
