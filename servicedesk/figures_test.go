package servicedesk_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

var (
	november = org.Month{Year: 2026, Month: time.November}
	december = org.Month{Year: 2026, Month: time.December}
)

// figView is AdvisorFigures with its decimals as strings, so that tests
// compare values, not decimal internals.
type figView struct {
	Advisor             org.EmployeeID
	Month               string
	Customers, Open     int
	Appointments, Kept  int
	Rate                string
	NoAppointments      bool
	Surveys             int
	Satisfaction        string
	NoSurveys           bool
	Complaints, Reworks int
}

func viewFigures(fs []servicedesk.AdvisorFigures) []figView {
	out := []figView{}
	for _, f := range fs {
		out = append(out, figView{Advisor: f.Advisor, Month: f.Month.String(), Customers: f.CustomersReceived, Open: f.OpenOrders,
			Appointments: f.Appointments, Kept: f.AppointmentsKept, Rate: f.AppointmentSuccessRate.String(),
			NoAppointments: f.NoAppointments, Surveys: f.Surveys, Satisfaction: f.Satisfaction.String(),
			NoSurveys: f.NoSurveys, Complaints: f.Complaints, Reworks: f.Reworks})
	}
	return out
}

func (f *fixture) figures(t testing.TB, m org.Month) []figView {
	t.Helper()
	fs, err := f.desk.Figures(f.ctx, dealer, admin, m)
	require.NoError(t, err)
	return viewFigures(fs)
}

// seed writes records straight to the store: Figures only reads, so its
// arithmetic can be tested on records no sequence of commands would make
// quickly.
func (f *fixture) seed(t testing.TB, orders []servicedesk.WorkOrder, surveys []servicedesk.Survey, complaints []servicedesk.Complaint) {
	t.Helper()
	for i := range orders {
		orders[i].DealerID, orders[i].Version = dealer, 1
		if orders[i].State == "" {
			orders[i].State = servicedesk.StateBooked
		}
	}
	for i := range surveys {
		surveys[i].DealerID, surveys[i].Version = dealer, 1
	}
	for i := range complaints {
		complaints[i].DealerID, complaints[i].Version = dealer, 1
	}
	require.NoError(t, f.store.ServiceDesk().Commit(f.ctx, dealer, servicedesk.Change{WorkOrders: orders, Surveys: surveys, Complaints: complaints}))
}

// booked is a booking on a November day in Taipei with an outcome.
func booked(day int, outcome servicedesk.BookingOutcome) servicedesk.Booking {
	return servicedesk.Booking{Technician: "wu", Start: at(day, 10, 0), End: at(day, 11, 0), Outcome: outcome}
}

// outcomes repeats outcome n times, one booking per November day.
func outcomes(n int, outcome servicedesk.BookingOutcome) []servicedesk.Booking {
	var out []servicedesk.Booking
	for i := range n {
		out = append(out, booked(1+i%30, outcome))
	}
	return out
}

func TestFigures_month(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	// wo1: kept booking, one failed final inspection, delivered, surveyed 4 of 5.
	f.driveToDelivered(t, "wo1", 0, 1)
	_, err := f.desk.RecordSurvey(ctx, dealer, admin, surveyIn("wo1", "4", servicedesk.SurveyByLink))
	require.NoError(t, err)
	// wo2: no show, then booked again (still pending).
	f.toApproved(t, "wo2")
	ref2 := servicedesk.Ref{ID: "wo2"}
	_, err = f.desk.Book(ctx, dealer, chen, ref2, servicedesk.BookingInput{Technician: "tsai", Start: at(3, 9, 0), End: at(3, 11, 0)})
	require.NoError(t, err)
	_, err = f.desk.NoShow(ctx, dealer, chen, ref2, servicedesk.NoShowInput{Reason: "did not come"})
	require.NoError(t, err)
	_, err = f.desk.Book(ctx, dealer, chen, ref2, servicedesk.BookingInput{Technician: "tsai", Start: at(4, 9, 0), End: at(4, 11, 0)})
	require.NoError(t, err)
	// wo3: rescheduled, then cancelled.
	f.toApproved(t, "wo3")
	ref3 := servicedesk.Ref{ID: "wo3"}
	_, err = f.desk.Book(ctx, dealer, chen, ref3, servicedesk.BookingInput{Technician: "tsai", Start: at(3, 11, 0), End: at(3, 13, 0)})
	require.NoError(t, err)
	_, err = f.desk.Reschedule(ctx, dealer, chen, ref3, servicedesk.BookingInput{Technician: "tsai", Start: at(5, 9, 0), End: at(5, 11, 0)})
	require.NoError(t, err)
	_, err = f.desk.Cancel(ctx, dealer, chen, ref3, servicedesk.CancelInput{Reason: "customer sold the car"})
	require.NoError(t, err)
	// wo4: wang receives a customer.
	_, err = f.desk.Receive(ctx, dealer, wang, servicedesk.Reception{ID: "wo4", Channel: servicedesk.ChannelPhone, Transport: servicedesk.TransportDropOff,
		Customer: servicedesk.Customer{Name: "Ms. Lee", Phone: "0912-000-222"}, Vehicle: servicedesk.Vehicle{Make: "Honda", Model: "Fit", MileageIn: 1000},
		Concerns: []string{"noise"}})
	require.NoError(t, err)
	// Complaints: one against chen's order, one against wang, one against the department.
	for _, in := range []servicedesk.ComplaintInput{
		{WorkOrder: "wo1", Description: "late", Channel: servicedesk.ChannelPhone},
		{Advisor: "wang", Customer: kao, Description: "rude", Channel: servicedesk.ChannelWalkIn},
		complaintIn(),
	} {
		_, err = f.desk.OpenComplaint(ctx, dealer, sup, in)
		require.NoError(t, err)
	}

	t.Run("R6.1_figures_per_advisor", func(t *testing.T) {
		assert.Equal(t, []figView{
			{Advisor: "chen", Month: "2026-11", Customers: 3, Open: 2, Appointments: 4, Kept: 1, Rate: "0.25", Surveys: 1, Satisfaction: "75", Complaints: 1, Reworks: 1},
			{Advisor: "wang", Month: "2026-11", Customers: 1, Open: 1, Rate: "0", NoAppointments: true, Satisfaction: "0", NoSurveys: true, Complaints: 1},
		}, f.figures(t, november), "chen: kept, no show, rescheduled, cancelled count; the pending booking does not; wo3 (cancelled) is not open")
	})
	t.Run("R6.2_other_months_quiet", func(t *testing.T) {
		assert.Empty(t, f.figures(t, november.Prev()), "no advisor was on the roster in October")
		assert.Equal(t, []figView{quiet("chen", "2026-12"), quiet("wang", "2026-12")}, f.figures(t, december),
			"R6.1: every active advisor has a row, zeros and no data, in a month without records")
	})
	t.Run("figures_write_nothing", func(t *testing.T) {
		before := f.snapDesk(t)
		f.figures(t, november)
		assert.Equal(t, before, f.snapDesk(t))
	})
}

func TestFigures_taipeiMonthBoundary(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	f.driveToDelivered(t, "wo1", 0, 0)
	// wo5 is repaired in November and fails its final inspection just
	// after midnight on 1 December in Taipei.
	f.toApproved(t, "wo5")
	ref5 := servicedesk.Ref{ID: "wo5"}
	_, err := f.desk.Book(ctx, dealer, chen, ref5, servicedesk.BookingInput{Technician: "wu", Start: at(6, 9, 0), End: at(6, 11, 0)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, ref5)
	require.NoError(t, err)
	for _, j := range []string{"j1", "j2"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref5, servicedesk.JobRef{Job: j})
		require.NoError(t, err)
	}
	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref5)
	require.NoError(t, err)

	f.clock.Set(time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC)) // 23:59 on 30 November in Taipei
	f.receive(t, "woA")
	f.clock.Set(time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)) // 00:30 on 1 December in Taipei
	woB := f.receive(t, "woB")
	require.Equal(t, time.November, woB.OpenedAt.UTC().Month(), "in UTC it is still November")
	_, err = f.desk.OpenComplaint(ctx, dealer, wang, servicedesk.ComplaintInput{WorkOrder: "wo1", Description: "bill unclear", Channel: servicedesk.ChannelPhone})
	require.NoError(t, err)
	_, err = f.desk.RecordSurvey(ctx, dealer, admin, surveyIn("wo1", "5", servicedesk.SurveyByLink))
	require.NoError(t, err)
	_, err = f.desk.Inspect(ctx, dealer, chen, ref5, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: false}}})
	require.NoError(t, err)

	t.Run("R6.2_november_ends_at_midnight_in_Taipei", func(t *testing.T) {
		assert.Equal(t, []figView{
			{Advisor: "chen", Month: "2026-11", Customers: 3, Open: 3, Appointments: 2, Kept: 2, Rate: "1", Satisfaction: "0", NoSurveys: true},
			quiet("wang", "2026-11"),
		}, f.figures(t, november), "wo1, wo5 and woA (23:59 local) are November's; both bookings kept")
	})
	t.Run("R6.2_december_starts_at_midnight_in_Taipei", func(t *testing.T) {
		assert.Equal(t, []figView{
			{Advisor: "chen", Month: "2026-12", Customers: 1, Open: 1, Rate: "0", NoAppointments: true, Surveys: 1, Satisfaction: "100", Complaints: 1, Reworks: 1},
			quiet("wang", "2026-12"),
		}, f.figures(t, december), "woB, the complaint, the survey and the failed inspection at 00:30 local are December's")
	})
}

func TestFigures_rates(t *testing.T) {
	opened := at(2, 9, 0)
	order := func(id servicedesk.WorkOrderID, bookings []servicedesk.Booking) servicedesk.WorkOrder {
		return servicedesk.WorkOrder{ID: id, Advisor: "chen", OpenedAt: opened, PastBookings: bookings, State: servicedesk.StateClosed}
	}
	survey := func(wo servicedesk.WorkOrderID, score, smin, smax string) servicedesk.Survey {
		return servicedesk.Survey{WorkOrder: wo, Advisor: "chen", Score: dec(score), ScaleMin: dec(smin), ScaleMax: dec(smax), Source: "call", AnsweredAt: at(20, 10, 0)}
	}
	tests := []struct {
		name    string
		orders  []servicedesk.WorkOrder
		surveys []servicedesk.Survey
		want    figView
	}{
		{"R6.1_rate_rounds_half_up", []servicedesk.WorkOrder{
			order("wo1", append(outcomes(1, servicedesk.OutcomeKept), outcomes(31, servicedesk.OutcomeNoShow)...))}, nil,
			figView{Customers: 1, Appointments: 32, Kept: 1, Rate: "0.0313", Satisfaction: "0", NoSurveys: true}},
		{"R6.1_rate_two_thirds", []servicedesk.WorkOrder{
			order("wo1", outcomes(2, servicedesk.OutcomeKept)), order("wo2", outcomes(1, servicedesk.OutcomeRescheduled))}, nil,
			figView{Customers: 2, Appointments: 3, Kept: 2, Rate: "0.6667", Satisfaction: "0", NoSurveys: true}},
		{"R6.1_rate_all_kept", []servicedesk.WorkOrder{order("wo1", outcomes(3, servicedesk.OutcomeKept))}, nil,
			figView{Customers: 1, Appointments: 3, Kept: 3, Rate: "1", Satisfaction: "0", NoSurveys: true}},
		{"R6.1_none_kept_is_a_measured_zero", []servicedesk.WorkOrder{
			order("wo1", append(outcomes(1, servicedesk.OutcomeCancelled), outcomes(1, servicedesk.OutcomeNoShow)...))}, nil,
			figView{Customers: 1, Appointments: 2, Rate: "0", Satisfaction: "0", NoSurveys: true}},
		{"R6.1_pending_bookings_are_not_appointments_yet", []servicedesk.WorkOrder{
			{ID: "wo1", Advisor: "chen", OpenedAt: opened, State: servicedesk.StateClosed, Booking: &servicedesk.Booking{Technician: "wu", Start: at(3, 10, 0), End: at(3, 11, 0)}}}, nil,
			figView{Customers: 1, Rate: "0", NoAppointments: true, Satisfaction: "0", NoSurveys: true}},
		{"R6.1_current_booking_kept_counts", []servicedesk.WorkOrder{
			{ID: "wo1", Advisor: "chen", OpenedAt: opened, State: servicedesk.StateClosed, PastBookings: outcomes(1, servicedesk.OutcomeRescheduled), Booking: &servicedesk.Booking{Technician: "wu", Start: at(3, 10, 0), End: at(3, 11, 0), Outcome: servicedesk.OutcomeKept}}}, nil,
			figView{Customers: 1, Appointments: 2, Kept: 1, Rate: "0.5", Satisfaction: "0", NoSurveys: true}},
		{"R6.1_satisfaction_mean_4_places", nil, []servicedesk.Survey{
			survey("wo1", "1", "1", "5"), survey("wo2", "2", "1", "5"), survey("wo3", "2", "1", "5")},
			figView{Rate: "0", NoAppointments: true, Surveys: 3, Satisfaction: "16.6667"}},
		{"R6.1_satisfaction_half_up", nil, []servicedesk.Survey{
			survey("wo1", "0.0001", "0", "100"), survey("wo2", "0", "0", "100")},
			figView{Rate: "0", NoAppointments: true, Surveys: 2, Satisfaction: "0.0001"}},
		{"R6.1_satisfaction_over_the_scale_each_answer_was_given_on", nil, []servicedesk.Survey{
			survey("wo1", "7", "0", "10"), survey("wo2", "5", "1", "5")},
			figView{Rate: "0", NoAppointments: true, Surveys: 2, Satisfaction: "85"}},
		{"R6.1_lowest_score_is_a_measured_zero", nil, []servicedesk.Survey{survey("wo1", "1", "1", "5")},
			figView{Rate: "0", NoAppointments: true, Surveys: 1, Satisfaction: "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.seed(t, tt.orders, tt.surveys, nil)
			tt.want.Advisor, tt.want.Month = "chen", "2026-11"
			assert.Equal(t, []figView{tt.want, quiet("wang", "2026-11")}, f.figures(t, november))
		})
	}
}

func TestFigures_whatCountsWhere(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	october := november.Prev()
	failed := func(day int) servicedesk.Inspection {
		return servicedesk.Inspection{By: "chen", At: at(day, 15, 0), Passed: false}
	}
	f.seed(t, []servicedesk.WorkOrder{
		// Opened in October, booked and failing an inspection in November.
		{ID: "wo1", Advisor: "chen", OpenedAt: time.Date(2026, 10, 20, 10, 0, 0, 0, taipei), Booking: &servicedesk.Booking{
			Technician: "wu", Start: at(3, 10, 0), End: at(3, 12, 0), Outcome: servicedesk.OutcomeKept},
			Inspections: []servicedesk.Inspection{failed(4), {By: "chen", At: at(5, 15, 0), Passed: true}}, Reworks: 1},
		// Opened over a year earlier: outside what Figures reads.
		{ID: "wo2", Advisor: "wang", OpenedAt: time.Date(2025, 10, 15, 10, 0, 0, 0, taipei), PastBookings: outcomes(1, servicedesk.OutcomeNoShow)},
		// An advisor with an October order only does not appear in November.
		{ID: "wo3", Advisor: "old", OpenedAt: time.Date(2026, 10, 5, 10, 0, 0, 0, taipei), PastBookings: []servicedesk.Booking{
			{Technician: "wu", Start: time.Date(2026, 10, 6, 10, 0, 0, 0, taipei), End: time.Date(2026, 10, 6, 11, 0, 0, 0, taipei), Outcome: servicedesk.OutcomeKept}}},
	}, []servicedesk.Survey{
		{WorkOrder: "wo9", Advisor: "wang", Score: dec("5"), ScaleMin: dec("1"), ScaleMax: dec("5"), AnsweredAt: at(9, 10, 0)},
		{WorkOrder: "wo8", Advisor: "wang", Score: dec("1"), ScaleMin: dec("1"), ScaleMax: dec("5"), AnsweredAt: time.Date(2026, 10, 31, 23, 59, 0, 0, taipei)},
	}, []servicedesk.Complaint{
		{ID: "cp1", Advisor: "wang", OpenedAt: at(10, 10, 0)},
		{ID: "cp2", OpenedAt: at(10, 11, 0)}, // the department's: no one's figure
		{ID: "cp3", Advisor: "chen", OpenedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, taipei)},
	})

	t.Run("R6.1_november", func(t *testing.T) {
		assert.Equal(t, []figView{
			{Advisor: "chen", Month: "2026-11", Appointments: 1, Kept: 1, Rate: "1", Satisfaction: "0", NoSurveys: true, Reworks: 1},
			{Advisor: "wang", Month: "2026-11", Rate: "0", NoAppointments: true, Surveys: 1, Satisfaction: "100", Complaints: 1},
		}, f.figures(t, november), "bookings and inspections count in their own month; wo2's is over a year after its opening")
	})
	t.Run("R6.1_october", func(t *testing.T) {
		assert.Equal(t, []figView{
			{Advisor: "chen", Month: "2026-10", Customers: 1, Open: 1, Rate: "0", NoAppointments: true, Satisfaction: "0", NoSurveys: true},
			{Advisor: "old", Month: "2026-10", Customers: 1, Open: 1, Appointments: 1, Kept: 1, Rate: "1", Satisfaction: "0", NoSurveys: true},
			{Advisor: "wang", Month: "2026-10", Rate: "0", NoAppointments: true, Surveys: 1, Satisfaction: "0"},
		}, f.figures(t, october))
	})
}

func TestFigures_invalid(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	for _, m := range []org.Month{{}, {Year: 2026, Month: 13}, {Year: 10000, Month: 1}} {
		_, err := f.desk.Figures(f.ctx, dealer, admin, m)
		assert.Equal(t, []string{"month:out_of_range"}, problems(t, err))
	}
	_, err := f.desk.Figures(f.ctx, "nobody", admin, november)
	require.ErrorIs(t, err, servicedesk.ErrNotFound)
	fs, err := f.desk.Figures(f.ctx, dealer, admin, november)
	require.NoError(t, err)
	require.Len(t, fs, 2, "a month without records lists every active advisor")
	for _, r := range fs {
		assert.Zero(t, r.CustomersReceived)
		assert.True(t, r.NoAppointments && r.NoSurveys, "no data, never a zero rate")
	}
}

// quiet is the row of an advisor with nothing in month m: zeros, and no
// data for the rates (R6.1).
func quiet(advisor, m string) figView {
	return figView{Advisor: org.EmployeeID(advisor), Month: m, Rate: "0", NoAppointments: true, Satisfaction: "0", NoSurveys: true}
}

func TestFigures_appointmentRateProperty(t *testing.T) {
	all := []servicedesk.BookingOutcome{servicedesk.OutcomePending, servicedesk.OutcomeKept, servicedesk.OutcomeNoShow,
		servicedesk.OutcomeRescheduled, servicedesk.OutcomeCancelled}
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(t, servicedesk.Options{})
		start := november.Start(taipei)
		type count struct{ appointments, kept int }
		want := map[org.EmployeeID]*count{}
		var orders []servicedesk.WorkOrder
		for i := range rapid.IntRange(0, 12).Draw(rt, "orders") {
			w := servicedesk.WorkOrder{ID: servicedesk.WorkOrderID(fmt.Sprintf("wo%02d", i)),
				Advisor:  rapid.SampledFrom([]org.EmployeeID{"chen", "wang", "lee"}).Draw(rt, "advisor"),
				OpenedAt: start.Add(time.Duration(rapid.IntRange(-60*24, 29*24).Draw(rt, "opened_hour")) * time.Hour)}
			n := rapid.IntRange(0, 6).Draw(rt, "bookings")
			for j := range n {
				b := servicedesk.Booking{Technician: "wu", Outcome: rapid.SampledFrom(all).Draw(rt, "outcome"),
					Start: start.Add(time.Duration(rapid.IntRange(-3*24, 33*24).Draw(rt, "start_hour")) * time.Hour)}
				b.End = b.Start.Add(time.Hour)
				if j == n-1 && rapid.Bool().Draw(rt, "current") {
					w.Booking = &b
				} else {
					w.PastBookings = append(w.PastBookings, b)
				}
				if b.Outcome != servicedesk.OutcomePending && november.Contains(b.Start, taipei) {
					if want[w.Advisor] == nil {
						want[w.Advisor] = &count{}
					}
					want[w.Advisor].appointments++
					if b.Outcome == servicedesk.OutcomeKept {
						want[w.Advisor].kept++
					}
				}
			}
			orders = append(orders, w)
		}
		f.seed(t, orders, nil, nil)
		fs, err := f.desk.Figures(f.ctx, dealer, admin, november)
		require.NoError(rt, err)
		one := decimal.NewFromInt(1)
		for _, fig := range fs {
			if fig.AppointmentSuccessRate.IsNegative() || fig.AppointmentSuccessRate.Cmp(one) > 0 {
				rt.Fatalf("R6.1: %s's rate %s is outside [0, 1]", fig.Advisor, fig.AppointmentSuccessRate)
			}
			if fig.AppointmentsKept > fig.Appointments {
				rt.Fatalf("R6.1: %s kept %d of %d appointments", fig.Advisor, fig.AppointmentsKept, fig.Appointments)
			}
			if fig.NoAppointments != (fig.Appointments == 0) {
				rt.Fatalf("R6.1: %s NoAppointments=%v with %d appointments", fig.Advisor, fig.NoAppointments, fig.Appointments)
			}
			c := want[fig.Advisor]
			if c == nil {
				c = &count{}
			}
			if fig.Appointments != c.appointments || fig.AppointmentsKept != c.kept {
				rt.Fatalf("R6.1: %s has %d/%d appointments kept, want %d/%d", fig.Advisor, fig.AppointmentsKept, fig.Appointments, c.kept, c.appointments)
			}
			if c.appointments > 0 {
				rate := decimal.NewFromInt(int64(c.kept)).DivRound(decimal.NewFromInt(int64(c.appointments)), 4)
				if !rate.Equal(fig.AppointmentSuccessRate) {
					rt.Fatalf("R6.1: %s's rate is %s, want %s", fig.Advisor, fig.AppointmentSuccessRate, rate)
				}
			}
			delete(want, fig.Advisor)
		}
		if len(want) > 0 {
			rt.Fatalf("advisors with appointments missing from the figures: %v", want)
		}
	})
}
