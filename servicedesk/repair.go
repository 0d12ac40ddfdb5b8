package servicedesk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Start starts the repair (R3.3a): the booked technician (or, in the
// express lane, any technician) begins work on the approved jobs. The
// booking's outcome is "kept".
func (s *Service) Start(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdStart), dealer, actor)
	defer ob.End(&err)
	return s.run(ctx, dealer, actor, step{cmd: CmdStart, id: ref.ID, expected: ref.ExpectedVersion,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, _ *org.ValidationError, c *Change) error {
			if w.Booking != nil {
				w.Booking.Outcome = OutcomeKept
			}
			return nil
		}})
}

// NoteInput is a progress note.
type NoteInput struct {
	Text string `json:"text" validate:"notblank,max=4000"`
}

// AddNote records progress (R3.3a): what the technician found or did, what
// the advisor told the customer.
func (s *Service) AddNote(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in NoteInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdNote), dealer, actor)
	defer ob.End(&err)
	if err := shape("add note", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdNote, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, _ *Change) error {
			w.Notes = append(w.Notes, Note{By: actor, At: now, Text: in.Text})
			return nil
		}})
}

// PauseInput says why work stops.
type PauseInput struct {
	Reason string `json:"reason" validate:"notblank,max=500"`
}

// Pause stops work, for parts or for a decision, with a reason.
func (s *Service) Pause(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in PauseInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdPause), dealer, actor)
	defer ob.End(&err)
	if err := shape("pause", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdPause, id: ref.ID, expected: ref.ExpectedVersion, input: in, reason: in.Reason,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, _ time.Time, _ *org.ValidationError, _ *Change) error {
			w.PauseReason = in.Reason
			return nil
		}})
}

// Resume continues paused work.
func (s *Service) Resume(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdResume), dealer, actor)
	defer ob.End(&err)
	return s.run(ctx, dealer, actor, step{cmd: CmdResume, id: ref.ID, expected: ref.ExpectedVersion,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, _ time.Time, _ *org.ValidationError, _ *Change) error {
			w.PauseReason = ""
			return nil
		}})
}

// SupplementInput is added work found during the repair (R3.3b).
type SupplementInput struct {
	Reason string     `json:"reason" validate:"notblank,max=2000"`
	Jobs   []JobInput `json:"jobs" validate:"min=1,max=20,dive"`
}

// ProposeSupplement opens added work found during the repair (R3.3b). Its
// jobs cannot be worked or billed until the customer approves them with
// [Service.DecideSupplement]; one supplement awaits a decision at a time.
func (s *Service) ProposeSupplement(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in SupplementInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdProposeSupplement), dealer, actor)
	defer ob.End(&err)
	ve := shape("propose supplement", in)
	checkJobAmounts(ve, "jobs", in.Jobs)
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdProposeSupplement, id: ref.ID, expected: ref.ExpectedVersion, input: in, reason: in.Reason,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, ve *org.ValidationError, _ *Change) error {
			n := 0 // the table's R3.3b_added_work_decided guard: none pending

			for _, j := range w.Jobs {
				n = max(n, j.Supplement)
			}
			jobs, err := s.newJobs(ctx, dealer, actor, w, in.Jobs, n+1, "jobs", ve)
			w.Jobs = append(w.Jobs, jobs...)
			return err
		}})
}

// DecideSupplement records the customer's decision on the added work
// (R3.3b), with the same evidence as the estimate's approval (by phone:
// the number called, when, the work and the total of the added work as
// told) and the order's new approved total. A decision without the
// evidence its method needs is refused and nothing is stored. Declined
// jobs do not block completion.
func (s *Service) DecideSupplement(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in Consent) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdDecideSupplement), dealer, actor)
	defer ob.End(&err)
	if err := shape("record supplement decision", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdDecideSupplement, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, ve *org.ValidationError, _ *Change) error {
			n := 0
			for _, j := range w.Jobs {
				if j.Status == JobProposed {
					n = max(n, j.Supplement)
				}
			}
			s.decide(w, n, in, actor, now, ve)
			return nil
		}})
}

// JobRef names one job.
type JobRef struct {
	Job string `json:"job" validate:"required,max=20"`
	// Performed, for CompleteJob, is what the technician did (R3.4a):
	// actual hours and parts drawn, and lines they add. Empty: the job's
	// lines as estimated. It never changes what is billed: settlement
	// bills the consented lines and reconciles them against it (R3.4b).
	Performed []PerformedLine `json:"performed,omitempty" validate:"max=100,dive"`
}

// maxPerformed bounds a performed quantity to what every store keeps.
var maxPerformed = decimal.New(1, 6)

// CompleteJob marks one job done, with what the technician reports doing.
// Only a job the customer approved can be worked (R3.3b): a proposed or
// declined job is refused.
func (s *Service) CompleteJob(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in JobRef) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdCompleteJob), dealer, actor)
	defer ob.End(&err)
	ve := shape("complete job", in)
	for i, l := range in.Performed {
		at := fmt.Sprintf("performed[%d]", i)
		if l.Quantity.IsNegative() || l.Quantity.GreaterThanOrEqual(maxPerformed) || l.Quantity.Exponent() < -4 {
			ve.Add(at+".quantity", org.CodeRange, "must be from 0 to 999,999 with at most 4 decimals (0: the operation's book hours)")
		}
		if l.Clocked.IsNegative() || l.Clocked.GreaterThanOrEqual(maxPerformed) || l.Clocked.Exponent() < -4 {
			ve.Add(at+".clocked", org.CodeRange, "must be from 0 to 999,999 with at most 4 decimals")
		}
		if l.Kind != LineLabor && l.Quantity.IsZero() {
			ve.Add(at+".quantity", org.CodeRange, "must be above zero for a part, fee or sublet")
		}
	}
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdCompleteJob, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, _ time.Time, ve *org.ValidationError, _ *Change) error {
			j, ok := w.Job(in.Job)
			switch {
			case !ok:
				ve.Add("job", org.CodeNotFound, "no such job on this order")
			case j.Status == JobDone:
				te := refusal(w, CmdCompleteJob, actor)
				te.Add("R3.3a_job_done_once", "job "+j.ID+" is already done")
				return te
			case j.Status != JobApproved:
				// R3.3b: work only with the customer's consent.
				te := refusal(w, CmdCompleteJob, actor)
				te.Add("R3.3b_work_needs_consent", fmt.Sprintf("job %s is %s, not approved by the customer", j.ID, j.Status))
				return te
			default:
				j.Status = JobDone
				j.Performed = slices.Clone(in.Performed)
			}
			return nil
		}})
}

// CompleteRepair ends the work: every approved job is done and no added
// work awaits a decision. The order then needs its final inspection.
func (s *Service) CompleteRepair(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdCompleteRepair), dealer, actor)
	defer ob.End(&err)
	return s.run(ctx, dealer, actor, step{cmd: CmdCompleteRepair, id: ref.ID, expected: ref.ExpectedVersion,
		apply: func(context.Context, *WorkOrder, Transition, time.Time, *org.ValidationError, *Change) error {
			return nil
		}})
}

// InspectionInput is the final inspection checklist (R3.3c).
type InspectionInput struct {
	Items []InspectionCheck `json:"items" validate:"min=1,max=100,dive"`
}

// Inspect records the advisor's final inspection (R3.3c). It passes only if
// every item passes; a fail sends the order back to rework and counts it.
func (s *Service) Inspect(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in InspectionInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdInspect), dealer, actor)
	defer ob.End(&err)
	if err := shape("final inspection", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdInspect, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, _ *Change) error {
			passed := true
			for _, it := range in.Items {
				passed = passed && it.Passed
			}
			w.Inspections = append(w.Inspections, Inspection{By: actor.ID, At: now, Items: append([]InspectionCheck(nil), in.Items...), Passed: passed})
			if passed {
				w.State = StatePassed
			} else {
				w.State = StateInProgress
				w.Reworks++
			}
			return nil
		}})
}

// ReadyInput is what the advisor tells the customer at pickup (R3.3d).
type ReadyInput struct {
	Explanation string `json:"explanation" validate:"notblank,max=4000"`
}

// NotifyReady tells the customer the car is ready and records the
// explanation of the work (R3.3d). Its event, "workorder.notify_ready",
// carries the customer's contact: the host delivers it by SMS or e-mail.
func (s *Service) NotifyReady(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in ReadyInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdNotifyReady), dealer, actor)
	defer ob.End(&err)
	if err := shape("notify ready", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdNotifyReady, id: ref.ID, expected: ref.ExpectedVersion,
		input: readyNotice{Explanation: in.Explanation},
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, _ *Change) error {
			w.Explanation, w.ReadyAt = in.Explanation, now
			return nil
		}})
}

// readyNotice is the data of "workorder.notify_ready": everything a host
// needs to send the pickup notice (R3.3d) without reading the order.
type readyNotice struct {
	Explanation string         `json:"explanation"`
	Customer    Customer       `json:"customer"`
	Plate       string         `json:"plate,omitempty"`
	Vehicle     string         `json:"vehicle"`
	Advisor     org.EmployeeID `json:"advisor"`
}

// fill completes the notice from the order as it is written.
func (n readyNotice) fill(w *WorkOrder) any {
	n.Customer, n.Plate, n.Advisor = w.Customer, w.Vehicle.Plate, w.Advisor
	n.Vehicle = w.Vehicle.Make + " " + w.Vehicle.Model
	return n
}

// Settlement is the billing document that settled the order (R3.4d).
type Settlement struct {
	// Document is the invoice or receipt number billing issued.
	Document string          `json:"document" validate:"notblank,max=64"`
	Total    decimal.Decimal `json:"total"`
}

// Settle records that the fees were settled and the invoice or receipt
// issued (R3.4) by a host that bills elsewhere. When the Service has
// Config.Billing it is refused: settlement then goes through
// [Service.SettleBill], so reconciliation (R3.4b) and the overrun check
// cannot be skipped.
func (s *Service) Settle(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in Settlement) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdSettle), dealer, actor)
	defer ob.End(&err)
	if s.biller != nil {
		return WorkOrder{}, fmt.Errorf("servicedesk: settle %s: this desk settles through billing; use SettleBill (R3.4b): %w", ref.ID, ErrForbidden)
	}
	ve := shape("settle", in)
	if in.Total.IsNegative() {
		ve.Add("total", org.CodeRange, "must not be negative")
	}
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdSettle, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, _ *Change) error {
			w.Settlement, w.SettledTotal, w.SettledAt = in.Document, in.Total, now
			return nil
		}})
}

// DeliveryInput is the handover of the car.
type DeliveryInput struct {
	MileageOut int64 `json:"mileage_out" validate:"gte=0,lte=10000000"`
}

// Deliver hands the car back (R3.4e), recording the mileage out.
func (s *Service) Deliver(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in DeliveryInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdDeliver), dealer, actor)
	defer ob.End(&err)
	if err := shape("deliver", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdDeliver, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, ve *org.ValidationError, _ *Change) error {
			if in.MileageOut < w.Vehicle.MileageIn {
				ve.Add("mileage_out", org.CodeRange, fmt.Sprintf("must be at least the mileage in (%d)", w.Vehicle.MileageIn))
			}
			w.Vehicle.MileageOut, w.DeliveredAt = in.MileageOut, now
			return nil
		}})
}

// Close closes a delivered order.
func (s *Service) Close(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdClose), dealer, actor)
	defer ob.End(&err)
	return s.run(ctx, dealer, actor, step{cmd: CmdClose, id: ref.ID, expected: ref.ExpectedVersion,
		apply: func(context.Context, *WorkOrder, Transition, time.Time, *org.ValidationError, *Change) error {
			return nil
		}})
}

// CancelInput says why an order is cancelled.
type CancelInput struct {
	Reason string `json:"reason" validate:"notblank,max=2000"`
}

// Cancel cancels an order with a reason: an advisor before work starts, a
// supervisor once it has. A booked slot is freed.
func (s *Service) Cancel(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in CancelInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdCancel), dealer, actor)
	defer ob.End(&err)
	if err := shape("cancel", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdCancel, id: ref.ID, expected: ref.ExpectedVersion, input: in, reason: in.Reason,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, _ *org.ValidationError, c *Change) error {
			w.CancelReason = in.Reason
			switch {
			case w.Booking == nil:
				return nil
			case w.Booking.Outcome == OutcomePending:
				return s.endBooking(ctx, dealer, w, OutcomeCancelled, c)
			default: // started: the booking was kept; its slot is free again
				return s.endBooking(ctx, dealer, w, w.Booking.Outcome, c)
			}
		}})
}
