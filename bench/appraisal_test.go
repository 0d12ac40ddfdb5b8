package bench_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// Goal "appraisal month, 5,000 advisors": score a month as
// appraisal/score_bench_test.go's BenchmarkScoreMonth does (its plan and
// month copied here: it is a test file of another package): 6 KPIs, self,
// supervisor, customer and 5 peer ratings, 8 measured figures each, one
// appraisal.Score per advisor. No peer: the issue asks for at most
// 100 ms and 50 MB for the month, exact as today.

const appraisalAdvisors = 5000

// appraisalPlan is DefaultPlan with a sixth KPI, development.
func appraisalPlan() appraisal.Plan {
	p := appraisal.DefaultPlan()
	p.Version = "bench"
	five := appraisal.Scale{Min: decimal.NewFromInt(1), Max: decimal.NewFromInt(5)}
	for i, w := range []int64{25, 20, 15, 15, 15} {
		p.KPIs[i].Weight = decimal.NewFromInt(w)
	}
	p.KPIs = append(p.KPIs, appraisal.KPI{Code: "development", Name: "Development", Weight: decimal.NewFromInt(10), Sources: []appraisal.SourceWeight{
		{Source: appraisal.SourceSelf, Weight: decimal.NewFromInt(30), Scale: five},
		{Source: appraisal.SourceSupervisor, Weight: decimal.NewFromInt(30), Scale: five},
		{Source: appraisal.SourceMeasured, Weight: decimal.NewFromInt(40), Metric: appraisal.MetricTrainingPassRate,
			Curve: appraisal.Curve{Floor: decimal.RequireFromString("0.5"), Target: decimal.NewFromInt(1)}},
	}})
	return p
}

// appraisalMonth is a month of n advisors: every rating source of every
// KPI rated (5 peers where peers rate, 2 customers), every figure measured.
func appraisalMonth(p *appraisal.Plan, n int) []appraisal.Inputs {
	ins := make([]appraisal.Inputs, n)
	for a := range n {
		emp := org.EmployeeID(fmt.Sprintf("adv%04d", a))
		in := appraisal.Inputs{Employee: emp, BonusBase: decimal.NewFromInt(int64(20000 + a%7*1000)),
			Measured: map[appraisal.Metric]appraisal.Measure{
				appraisal.MetricSatisfaction:       {Value: decimal.NewFromInt(int64(60 + a%40))},
				appraisal.MetricComplaints:         {Value: decimal.NewFromInt(int64(a % 4))},
				appraisal.MetricCustomersReceived:  {Value: decimal.NewFromInt(int64(20 + a%70))},
				appraisal.MetricAppointmentSuccess: {Value: decimal.New(int64(55+a%45), -2)},
				appraisal.MetricSettlementAccuracy: {Value: decimal.New(int64(80+a%21), -2)},
				appraisal.MetricTrainingScore:      {Value: decimal.NewFromInt(int64(55 + a%45))},
				appraisal.MetricTrainingPassRate:   {Value: decimal.New(int64(40+a%61), -2)},
				appraisal.MetricReworks:            {Value: decimal.NewFromInt(int64(a % 3))},
			}}
		v := func(i int) decimal.Decimal { return decimal.NewFromInt(int64(1 + (a+i)%5)) }
		for _, k := range p.KPIs {
			for j, sw := range k.Sources {
				raters := []org.EmployeeID{"sup"}
				switch sw.Source {
				case appraisal.SourceMeasured:
					continue
				case appraisal.SourceSelf:
					raters = []org.EmployeeID{emp}
				case appraisal.SourceCustomer:
					raters = []org.EmployeeID{"cust-a", "cust-b"}
				case appraisal.SourcePeer:
					raters = nil
					for q := range 5 {
						raters = append(raters, org.EmployeeID(fmt.Sprintf("adv%04d", (a+q+1)%n)))
					}
				}
				for r, rater := range raters {
					in.Ratings = append(in.Ratings, appraisal.Rating{Rater: rater, Source: sw.Source, KPI: k.Code, Value: v(j + r)})
				}
			}
		}
		ins[a] = in
	}
	return ins
}

// TestAppraisalMonthScores: the month is valid input, and its scores
// differ from advisor to advisor.
func TestAppraisalMonthScores(t *testing.T) {
	p := appraisalPlan()
	month := appraisalMonth(&p, 40)
	scores := map[string]bool{}
	for i := range month {
		r, err := appraisal.Score(&p, month[i])
		must(t, err)
		scores[r.Score.String()] = true
	}
	if len(scores) < 5 {
		t.Fatalf("40 advisors score only %d different scores", len(scores))
	}
}

func BenchmarkAppraisalMonth(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		p := appraisalPlan()
		month := appraisalMonth(&p, appraisalAdvisors)
		b.ReportAllocs()
		for b.Loop() {
			for i := range month {
				if _, err := appraisal.Score(&p, month[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*appraisalAdvisors)/b.Elapsed().Seconds(), "advisors/s")
	})
}
