package servicedesk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// AdvisorFigures are one advisor's measured figures for one month in the
// dealer's time zone (R6.1, R6.2): what the appraisal package scores as
// business completion and customer satisfaction. Rates and means are exact
// to 4 decimal places, rounded half up. A rate with nothing to count is
// zero with its No... flag set, so an appraisal never reads "no data" as 0%.
type AdvisorFigures struct {
	Advisor org.EmployeeID `json:"advisor"`
	Month   org.Month      `json:"month"`
	// CustomersReceived counts the work orders the advisor opened in the
	// month.
	CustomersReceived int `json:"customers_received"`
	// OpenOrders counts those of them still neither closed nor cancelled
	// when the figures were read: work the month left open.
	OpenOrders int `json:"open_orders"`
	// Appointments counts the advisor's bookings that start in the month and
	// have a final outcome: kept, no show, rescheduled or cancelled. A
	// booking still pending does not count yet.
	Appointments     int `json:"appointments"`
	AppointmentsKept int `json:"appointments_kept"`
	// AppointmentSuccessRate is AppointmentsKept / Appointments, 0 to 1.
	AppointmentSuccessRate decimal.Decimal `json:"appointment_success_rate"`
	NoAppointments         bool            `json:"no_appointments"`
	// Surveys counts the answers given in the month for the advisor's
	// orders; Satisfaction is the mean of their Survey.Normalized, 0 to 100.
	Surveys      int             `json:"surveys"`
	Satisfaction decimal.Decimal `json:"satisfaction"`
	NoSurveys    bool            `json:"no_surveys"`
	// Complaints counts the complaints opened in the month against the
	// advisor, directly or through one of their orders (the complaint's
	// Advisor). Complaints against the department count for no one.
	Complaints int `json:"complaints"`
	// Reworks counts the failed final inspections (R3.3c) of the advisor's
	// orders that took place in the month, whenever the order was opened.
	Reworks int `json:"reworks"`
}

// figuresLookback is how many months before the month counted Figures reads
// orders for bookings and inspections that fall in the month: a booking or
// an inspection of an order opened over a year earlier is not counted.
const figuresLookback = 12

// ratePlaces is the decimal places of rates and means.
const ratePlaces = 4

// Figures returns the figures of every advisor on the roster at some time
// in the month ([org.Employee.InMonth]: its joiners and leavers included)
// and of every advisor who appears in its records
// (orders opened, bookings ended, surveys, complaints, failed inspections),
// ordered by advisor ID: an advisor with nothing has a row of zeros with
// NoAppointments and NoSurveys set, so a dashboard shows a quiet month
// rather than no advisor. The month is counted in the dealer's
// time zone, [Start, End).
//
// Figures are appraisal input (R6): an admin sees every row, a supervisor
// the rows of the employees they supervise ([org.Service.AuthorizeOver]),
// an advisor their own row; a technician or anyone not on the roster gets
// ErrForbidden.
func (s *Service) Figures(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) ([]AdvisorFigures, error) {
	r, err := s.reader(ctx, dealer, actor, "figures", employeeRecordReaders...)
	if err != nil {
		return nil, err
	}
	fs, err := s.figures(ctx, dealer, m, true)
	if err != nil {
		return nil, err
	}
	return r.figures(ctx, fs)
}

// figures counts every advisor's figures, for [Service.Figures] and the
// month-end's [Service.FigureSource].
// With everyone, every active advisor has a row; without, only those the
// month's records name (the appraisal's input: no record, no figure).
func (s *Service) figures(ctx context.Context, dealer org.DealerID, m org.Month, everyone bool) ([]AdvisorFigures, error) {
	if !m.Valid() {
		return nil, &org.ValidationError{Op: "servicedesk: figures", Fields: []org.FieldError{{Path: "month", Code: org.CodeRange, Message: "must be a calendar month of years 1 to 9999"}}}
	}
	loc, err := s.location(ctx, dealer)
	if err != nil {
		return nil, err
	}
	from, before := m.Start(loc), m.End(loc)
	orders, err := s.ordersOpened(ctx, dealer, m.Add(-figuresLookback).Start(loc), before)
	if err != nil {
		return nil, err
	}
	surveys, err := s.allSurveys(ctx, dealer, SurveyQuery{AnsweredFrom: from, AnsweredBefore: before})
	if err != nil {
		return nil, err
	}
	complaints, err := s.allComplaints(ctx, dealer, ComplaintQuery{OpenedFrom: from, OpenedBefore: before})
	if err != nil {
		return nil, err
	}
	t := tally{month: m, from: from, before: before, rows: map[org.EmployeeID]*figuresRow{}}
	for _, w := range orders {
		t.order(w)
	}
	for _, sv := range surveys {
		r := t.row(sv.Advisor)
		r.Surveys++
		r.sum = r.sum.Add(sv.Normalized())
	}
	for _, c := range complaints {
		if c.Advisor != "" {
			t.row(c.Advisor).Complaints++
		}
	}
	// Every advisor active in the month has a row, with zeros and its
	// rates flagged "no data" when they had nothing (R6.1): a dashboard
	// shows a quiet month, never a missing advisor.
	q := org.EmployeeQuery{Role: org.RoleAdvisor, IncludeInactive: true, Limit: org.MaxPage}
	for everyone {
		es, err := s.roster.Employees(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: figures: advisors: %w", err)
		}
		for _, e := range es {
			if e.InMonth(from, before) { // the month's joiners and leavers too
				t.row(e.ID)
			}
		}
		if len(es) < q.Limit {
			break
		}
		q.After = es[len(es)-1].ID
	}
	return t.figures(), nil
}

// ordersOpened pages through the orders opened in [from, before).
func (s *Service) ordersOpened(ctx context.Context, dealer org.DealerID, from, before time.Time) ([]WorkOrder, error) {
	q := WorkOrderQuery{OpenedFrom: from, OpenedBefore: before, Limit: org.MaxPage}
	var all []WorkOrder
	for {
		page, err := s.store.WorkOrders(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: work orders opened %s to %s: %w", from.Format(time.DateOnly), before.Format(time.DateOnly), err)
		}
		all = append(all, page...)
		if len(page) < q.Limit {
			return all, nil
		}
		q.After = page[len(page)-1].ID
	}
}

// tally adds up one month's figures per advisor.
type tally struct {
	month        org.Month
	from, before time.Time
	rows         map[org.EmployeeID]*figuresRow
}

type figuresRow struct {
	AdvisorFigures
	sum decimal.Decimal // of the surveys' normalized scores
}

func (t *tally) in(at time.Time) bool { return !at.Before(t.from) && at.Before(t.before) }

func (t *tally) row(advisor org.EmployeeID) *figuresRow {
	r, ok := t.rows[advisor]
	if !ok {
		r = &figuresRow{AdvisorFigures: AdvisorFigures{Advisor: advisor, Month: t.month}}
		t.rows[advisor] = r
	}
	return r
}

// order counts what of w falls in the month: its opening, its ended
// bookings (R6.1 appointment success) and its failed final inspections.
func (t *tally) order(w WorkOrder) {
	if t.in(w.OpenedAt) {
		r := t.row(w.Advisor)
		r.CustomersReceived++
		if w.State != StateClosed && w.State != StateCancelled {
			r.OpenOrders++
		}
	}
	bookings := w.PastBookings
	if w.Booking != nil {
		bookings = append(slices.Clip(bookings), *w.Booking)
	}
	for _, b := range bookings {
		switch b.Outcome {
		case OutcomeKept, OutcomeNoShow, OutcomeRescheduled, OutcomeCancelled:
		default:
			continue // pending: its outcome is not known yet
		}
		if !t.in(b.Start) {
			continue
		}
		r := t.row(w.Advisor)
		r.Appointments++
		if b.Outcome == OutcomeKept {
			r.AppointmentsKept++
		}
	}
	for _, i := range w.Inspections {
		if !i.Passed && t.in(i.At) {
			t.row(w.Advisor).Reworks++
		}
	}
}

func (t *tally) figures() []AdvisorFigures {
	out := make([]AdvisorFigures, 0, len(t.rows))
	for _, r := range t.rows {
		f := r.AdvisorFigures
		f.AppointmentSuccessRate, f.NoAppointments = decimal.Zero, f.Appointments == 0
		if !f.NoAppointments {
			f.AppointmentSuccessRate = decimal.NewFromInt(int64(f.AppointmentsKept)).DivRound(decimal.NewFromInt(int64(f.Appointments)), ratePlaces)
		}
		f.Satisfaction, f.NoSurveys = decimal.Zero, f.Surveys == 0
		if !f.NoSurveys {
			f.Satisfaction = r.sum.DivRound(decimal.NewFromInt(int64(f.Surveys)), ratePlaces)
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b AdvisorFigures) int { return cmp.Compare(a.Advisor, b.Advisor) })
	return out
}
