package servicedesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// BookingInput books (or moves) the repair: a technician and a slot
// (R3.2c), with pre-repair notes for the customer.
type BookingInput struct {
	Technician org.EmployeeID `json:"technician" validate:"required,max=64"`
	Start      time.Time      `json:"start" validate:"required"`
	End        time.Time      `json:"end" validate:"required,gtfield=Start"`
	Notes      string         `json:"notes" validate:"max=2000"`
}

// Book books the repair on a technician's calendar (R3.2c): only once the
// customer has approved a job, within working hours, on one local day,
// without overlapping the technician's other bookings or exceeding their
// daily capacity.
func (s *Service) Book(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in BookingInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdBook), dealer, actor)
	defer ob.End(&err)
	if err := shape("book", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdBook, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, ve *org.ValidationError, c *Change) error {
			return s.reserve(ctx, dealer, w, in, ve, c)
		}})
}

// Reschedule moves the booking to another slot or technician; the old
// booking's outcome is "rescheduled" (R6.1 counts it).
func (s *Service) Reschedule(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in BookingInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdReschedule), dealer, actor)
	defer ob.End(&err)
	if err := shape("reschedule", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdReschedule, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, ve *org.ValidationError, c *Change) error {
			old := *w.Booking
			if err := s.release(ctx, dealer, w, c); err != nil {
				return err
			}
			old.Outcome = OutcomeRescheduled
			w.PastBookings = append(w.PastBookings, old)
			w.Booking = nil
			return s.reserve(ctx, dealer, w, in, ve, c)
		}})
}

// NoShowInput records that the customer did not bring the car.
type NoShowInput struct {
	Reason string `json:"reason" validate:"max=500"`
}

// NoShow records that the customer missed the booking: the slot is freed,
// the outcome counts against the appointment success rate (R6.1), and the
// order can be booked again.
func (s *Service) NoShow(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in NoShowInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdNoShow), dealer, actor)
	defer ob.End(&err)
	if err := shape("record no show", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdNoShow, id: ref.ID, expected: ref.ExpectedVersion, input: in, reason: in.Reason,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, _ *org.ValidationError, c *Change) error {
			return s.endBooking(ctx, dealer, w, OutcomeNoShow, c)
		}})
}

// endBooking frees the booked slot and files the booking with its outcome.
func (s *Service) endBooking(ctx context.Context, dealer org.DealerID, w *WorkOrder, outcome BookingOutcome, c *Change) error {
	if w.Booking == nil {
		return nil
	}
	if err := s.release(ctx, dealer, w, c); err != nil {
		return err
	}
	b := *w.Booking
	b.Outcome = outcome
	w.PastBookings = append(w.PastBookings, b)
	w.Booking = nil
	return nil
}

// reserve checks the slot and adds it to the technician's calendar day.
// DefaultBookingHorizon is how far ahead a booking may start when
// Config.BookingHorizon is zero.
const DefaultBookingHorizon = 365 * 24 * time.Hour

func (s *Service) reserve(ctx context.Context, dealer org.DealerID, w *WorkOrder, in BookingInput, ve *org.ValidationError, c *Change) error {
	if err := s.employeeIn(ctx, dealer, in.Technician, org.RoleTechnician, "technician", ve); err != nil {
		return err
	}
	loc, err := s.location(ctx, dealer)
	if err != nil {
		return err
	}
	start, end := in.Start.UTC().Truncate(time.Microsecond), in.End.UTC().Truncate(time.Microsecond)
	day := start.In(loc).Format(time.DateOnly)
	opened := w.OpenedAt.In(loc)
	switch {
	case start.Before(time.Date(opened.Year(), opened.Month(), opened.Day(), 0, 0, 0, 0, loc)):
		ve.Add("start", org.CodeRange, fmt.Sprintf("must not be before the day the order was opened (%s)", opened.Format(time.DateOnly)))
	case start.After(org.Now(s.clock).Add(s.horizon)):
		ve.Add("start", org.CodeRange, fmt.Sprintf("must be within %d days from now (the booking horizon)", int(s.horizon/(24*time.Hour))))
	}
	if len(ve.Fields) > 0 {
		return nil
	}
	s.checkHours(ve, start.In(loc), end.In(loc))
	if len(ve.Fields) > 0 {
		return nil
	}
	cal, err := s.calendar(ctx, dealer, in.Technician, day, c)
	if err != nil {
		return err
	}
	booked := decimal.Zero
	for _, sl := range cal.Slots {
		if sl.WorkOrder == w.ID {
			continue
		}
		if start.Before(sl.End) && sl.Start.Before(end) {
			ve.Add("start", org.CodeSecondHolder, fmt.Sprintf("technician %s is booked %s-%s for work order %s", in.Technician,
				sl.Start.In(loc).Format("15:04"), sl.End.In(loc).Format("15:04"), sl.WorkOrder))
		}
		booked = booked.Add(hours(sl.End.Sub(sl.Start)))
	}
	if booked.Add(hours(end.Sub(start))).Cmp(s.hours.Capacity) > 0 {
		ve.Add("end", org.CodeRange, fmt.Sprintf("technician %s has %s of %s hours left on %s", in.Technician,
			s.hours.Capacity.Sub(booked).StringFixed(2), s.hours.Capacity.StringFixed(2), day))
	}
	if len(ve.Fields) > 0 {
		return nil
	}
	cal.Slots = append(cal.Slots, Slot{WorkOrder: w.ID, Start: start, End: end})
	slices.SortFunc(cal.Slots, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	putCalendar(c, cal)
	w.Booking = &Booking{Technician: in.Technician, Start: start, End: end, Notes: in.Notes}
	return nil
}

func hours(d time.Duration) decimal.Decimal {
	return decimal.NewFromInt(int64(d / time.Minute)).Div(decimal.NewFromInt(60))
}

// checkHours: a slot lies within one working day's hours.
func (s *Service) checkHours(ve *org.ValidationError, start, end time.Time) {
	if !slices.Contains(s.hours.Days, start.Weekday()) {
		ve.Add("start", org.CodeRange, fmt.Sprintf("%s is not a working day", start.Weekday()))
		return
	}
	if start.Format(time.DateOnly) != end.Add(-time.Nanosecond).Format(time.DateOnly) {
		ve.Add("end", org.CodeRange, "a booking ends on the day it starts")
		return
	}
	minutes := func(t time.Time) int { return t.Hour()*60 + t.Minute() }
	if minutes(start) < s.hours.Open || minutes(end.Add(-time.Nanosecond)) >= s.hours.Close {
		ve.Add("start", org.CodeRange, fmt.Sprintf("bookings lie within working hours %02d:%02d-%02d:%02d",
			s.hours.Open/60, s.hours.Open%60, s.hours.Close/60, s.hours.Close%60))
	}
}

// release removes the order's slot from its technician's day.
func (s *Service) release(ctx context.Context, dealer org.DealerID, w *WorkOrder, c *Change) error {
	b := w.Booking
	loc, err := s.location(ctx, dealer)
	if err != nil {
		return err
	}
	cal, err := s.calendar(ctx, dealer, b.Technician, b.Start.In(loc).Format(time.DateOnly), c)
	if err != nil {
		return err
	}
	cal.Slots = slices.DeleteFunc(cal.Slots, func(sl Slot) bool { return sl.WorkOrder == w.ID })
	putCalendar(c, cal)
	return nil
}

// calendar returns the day as this change will leave it: already changed
// in c, or read from the store with its next version.
func (s *Service) calendar(ctx context.Context, dealer org.DealerID, tech org.EmployeeID, day string, c *Change) (CalendarDay, error) {
	for _, cd := range c.Calendar {
		if cd.Technician == tech && cd.Day == day {
			return cd.Clone(), nil
		}
	}
	cal, err := s.store.CalendarDay(ctx, dealer, tech, day)
	switch {
	case errors.Is(err, ErrNotFound):
		return CalendarDay{DealerID: dealer, Technician: tech, Day: day, Version: 1}, nil
	case err != nil:
		return CalendarDay{}, fmt.Errorf("servicedesk: calendar of %s on %s: %w", tech, day, err)
	}
	cal.Version++ // every booking writes the day: racing bookings conflict
	return cal, nil
}

func putCalendar(c *Change, cal CalendarDay) {
	for i, cd := range c.Calendar {
		if cd.Technician == cal.Technician && cd.Day == cal.Day {
			c.Calendar[i] = cal
			return
		}
	}
	c.Calendar = append(c.Calendar, cal)
}

// Calendar returns a technician's bookings on a dealer-local day
// ("2026-11-02"); a day never booked is empty. Everyone on the roster
// reads it: it holds work-order IDs and times, no customer data.
func (s *Service) Calendar(ctx context.Context, dealer org.DealerID, actor org.Actor, tech org.EmployeeID, day string) (CalendarDay, error) {
	if _, err := s.reader(ctx, dealer, actor, "calendar", workOrderReaders...); err != nil {
		return CalendarDay{}, err
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return CalendarDay{}, &org.ValidationError{Op: "servicedesk: calendar", Fields: []org.FieldError{{Path: "day", Code: org.CodeFormat, Message: "must be a date like 2026-11-02"}}}
	}
	cal, err := s.store.CalendarDay(ctx, dealer, tech, day)
	if errors.Is(err, ErrNotFound) {
		return CalendarDay{DealerID: dealer, Technician: tech, Day: day}, nil
	}
	return cal, err
}
