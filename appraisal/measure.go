package appraisal

import (
	"context"
	"maps"

	"github.com/servicelane/servicelane/org"
)

// Figures are the measured figures of a dealer month, per employee.
type Figures map[org.EmployeeID]map[Metric]Measure

// Measurer measures a dealer month. The packages that keep the records
// implement it beside their data: servicedesk (customers received,
// appointment success, satisfaction, complaints, reworks), billing
// (settlement accuracy), training (training results). An employee or
// metric a Measurer does not know is simply absent: missing, never zero.
type Measurer interface {
	Measure(ctx context.Context, dealer org.DealerID, m org.Month) (Figures, error)
}

// MeasurerFunc adapts a function to Measurer.
type MeasurerFunc func(ctx context.Context, dealer org.DealerID, m org.Month) (Figures, error)

// Measure calls f.
func (f MeasurerFunc) Measure(ctx context.Context, dealer org.DealerID, m org.Month) (Figures, error) {
	return f(ctx, dealer, m)
}

// Combine measures with every measurer and merges their figures; for a
// metric two measurers both give, the later one wins.
func Combine(ms ...Measurer) Measurer {
	return MeasurerFunc(func(ctx context.Context, dealer org.DealerID, m org.Month) (Figures, error) {
		out := Figures{}
		for _, mr := range ms {
			f, err := mr.Measure(ctx, dealer, m)
			if err != nil {
				return nil, err
			}
			for emp, metrics := range f {
				if out[emp] == nil {
					out[emp] = map[Metric]Measure{}
				}
				maps.Copy(out[emp], metrics)
			}
		}
		return out, nil
	})
}
