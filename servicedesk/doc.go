// Package servicedesk runs the service advisor's day: the work order
// (repair order) from reception to delivery, the technicians' booking
// calendar, customer complaints and satisfaction surveys, and the monthly
// figures each advisor is appraised on.
//
// It implements rules R2.2, R2.3, R3.1 to R3.3 and R4.4 of the dealership's
// rules (docs/RULES.md) as a state machine no caller can push past a rule:
//
//   - R3.1c, R3.1d: an order starts with the customer, the vehicle and the
//     concerns in the customer's words; the walk-around is recorded and
//     acknowledged before diagnosis.
//   - R3.2a: every concern is diagnosed with a technician before an estimate.
//   - R3.2c: only jobs the customer approved, job by job and with evidence
//     of consent, can be booked, worked or billed; declined jobs stay as
//     deferred work. The evidence each method of consent needs (a
//     signature reference; by phone the number, time, work and total as
//     told) is [ConsentRules], by default what 16 CCR 3353 asks.
//   - R3.3b: added work found during the repair is a supplement the
//     customer must approve before its jobs are worked.
//   - R3.3c: pickup, settlement and delivery need a passed final
//     inspection; a failed one sends the order back to rework and counts.
//   - R2.2, R4.4: complaints are handled by a supervisor until resolved
//     and told to the customer.
//
// # The machine
//
// [Transitions] is the table of every permitted move: command, from-states,
// to-states, roles, named guards. It is data: review it, diff it, draw it
// (docs/WORKFLOW.md). A command that is not allowed returns a
// [*TransitionError] naming the state, the command and every blocking
// reason; it matches [ErrInvalidTransition], or [ErrForbidden] when only the
// role is wrong. [Permitted] (and [Service.Permitted]) lists what an actor
// may do now, so a UI can enable its buttons. Dealer options ([Options])
// can add an express lane; no option removes a consent guard, the final
// inspection or the audit trail.
//
// # Getting started
//
//	store := memstore.New()
//	roster, _ := org.NewService(org.Config{Store: store})
//	desk, _ := servicedesk.NewService(servicedesk.Config{Store: store.ServiceDesk(), Roster: roster.Directory()})
//	wo, err := desk.Receive(ctx, dealer, advisor, servicedesk.Reception{...})
//	wo, err = desk.RecordCondition(ctx, dealer, advisor, servicedesk.Ref{ID: wo.ID}, ...)
//
// Every command writes the order with the version it read, together with
// its audit event, in one [Store.Commit]; concurrent writers get
// [ErrConflict] and retry. [Service.Timeline] replays an order's events.
//
// # Around the work order
//
//   - Bookings ([Service.Book], [Service.Reschedule], [Service.NoShow]) go on
//     a technician's [CalendarDay]: working days and hours, no overlap, a
//     daily capacity. Outcomes (kept, no-show, rescheduled, cancelled) feed
//     the appointment success rate.
//   - Complaints ([Service.OpenComplaint], then InvestigateComplaint,
//     ResolveComplaint, CloseComplaint by a supervisor who is not the one
//     complained about; R2.2, R4.4, R1.3), with due dates and
//     [Service.OverdueComplaints].
//   - Surveys ([Service.RecordSurvey]): one per delivered order, on a
//     configured scale, never recorded by the order's own advisor (R1.3).
//   - [Service.Figures]: per advisor and dealer month, the measured inputs
//     of the appraisal (R6.1): customers received, appointment success
//     rate, satisfaction, complaints, reworks.
//
// # Reads
//
// Every read takes the actor right after the dealer, like a command:
// Noun(ctx, dealer, actor, id) and Nouns(ctx, dealer, actor, q), as in
// [Service.WorkOrder], [Service.WorkOrders], [Service.Month],
// [Service.Timeline], [Service.Calendar], [Service.DeferredWork],
// [Service.Complaint], [Service.Complaints], [Service.OverdueComplaints],
// [Service.Figures], [Service.Survey], [Service.Surveys] and
// [Service.Permitted]. The actor must be an admin or active on the dealer's
// roster in the role claimed, else [ErrForbidden]. What each actor then sees
// is decided in one place (docs/AUTHORIZATION.md, "Reads: who sees what"):
//
//   - R7.2d: the customer's phone, e-mail and the contact of a consent's
//     evidence only to the order's advisor, their supervisor and admins;
//     others get them blank ([Customer.Redacted]), and timeline events
//     whose data is only the state change, {"from","to"}.
//   - R2.2: a complaint or a survey only to the advisor it concerns, their
//     supervisor and admins; lists are filtered to what the actor may read.
//   - R6: figures to admins, to a supervisor for the employees they
//     supervise, to an advisor their own row.
package servicedesk
