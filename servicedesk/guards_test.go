package servicedesk_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// These tests try to break each rule of RULES.md §3 through the Service,
// as a careless or hurried user would, and check that every refused
// command leaves the store exactly as it was.

// brkState is what a refused command must not change: the order, its
// timeline, and the technicians' calendars of the first week.
type brkState struct {
	order    servicedesk.WorkOrder
	timeline int
	calendar map[string][]servicedesk.Slot
}

func (f *fixture) brkSnap(t testing.TB, id servicedesk.WorkOrderID) brkState {
	t.Helper()
	w, err := f.desk.WorkOrder(f.ctx, dealer, admin, id)
	require.NoError(t, err)
	tl, err := f.desk.Timeline(f.ctx, dealer, admin, id)
	require.NoError(t, err)
	cal := map[string][]servicedesk.Slot{}
	for _, tech := range []org.EmployeeID{"wu", "tsai"} {
		for d := 1; d <= 8; d++ {
			day := at(d, 12, 0).Format(time.DateOnly)
			c, err := f.desk.Calendar(f.ctx, dealer, admin, tech, day)
			require.NoError(t, err)
			if len(c.Slots) > 0 {
				cal[string(tech)+"/"+day] = c.Slots
			}
		}
	}
	return brkState{order: w, timeline: len(tl), calendar: cal}
}

// brkRefused checks that err refuses the command and nothing changed.
func (f *fixture) brkRefused(t testing.TB, id servicedesk.WorkOrderID, before brkState, err error) {
	t.Helper()
	require.Error(t, err, "the command must be refused")
	after := f.brkSnap(t, id)
	assert.Equal(t, before.order, after.order, "a refused command changed the order")
	assert.Equal(t, before.timeline, after.timeline, "a refused command wrote an event")
	assert.Equal(t, before.calendar, after.calendar, "a refused command changed a calendar")
}

// brkBlockers returns the guard names of a TransitionError, sorted.
func brkBlockers(t testing.TB, err error) []string {
	t.Helper()
	var te *servicedesk.TransitionError
	require.ErrorAs(t, err, &te)
	var names []string
	for _, b := range te.Blockers {
		names = append(names, b.Rule)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// brkFields lists a validation error's fields as "path:code".
func brkFields(t testing.TB, err error) []string {
	t.Helper()
	require.ErrorIs(t, err, servicedesk.ErrInvalid)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, fe := range ve.Fields {
		out = append(out, fe.Path+":"+fe.Code)
	}
	return out
}

// brkTo drives a new order of chen's to state to, along the ordinary path:
// both jobs approved, booked for wu on day from 10:00 to 12:00, both jobs
// done, a passed inspection.
func (f *fixture) brkTo(t testing.TB, id servicedesk.WorkOrderID, to servicedesk.State, day int) servicedesk.WorkOrder {
	t.Helper()
	ref := servicedesk.Ref{ID: id}
	ctx := f.ctx
	w := f.receive(t, id)
	var err error
	steps := []struct {
		state servicedesk.State
		do    func() (servicedesk.WorkOrder, error)
	}{
		{servicedesk.StateReceived, func() (servicedesk.WorkOrder, error) {
			return f.desk.RecordCondition(ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
		}},
		{servicedesk.StateInspected, func() (servicedesk.WorkOrder, error) {
			return f.desk.Acknowledge(ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Mr. Kao"})
		}},
		{servicedesk.StateDiagnosed, func() (servicedesk.WorkOrder, error) {
			return f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{
				{ConcernID: "c1", Cause: "pads worn", Correction: "replace pads"}, {ConcernID: "c2", Cause: "due", Correction: "change oil"}}})
		}},
		{servicedesk.StateEstimated, func() (servicedesk.WorkOrder, error) {
			return f.desk.Estimate(ctx, dealer, chen, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{
				{ConcernID: "c1", Title: "Front brake pads", Hours: dec("1.5"), Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "pads", Quantity: dec("1.5"), UnitPrice: dec("1200")}}},
				{ConcernID: "c2", Title: "Oil change", Hours: dec("0.5"), Lines: []servicedesk.LineInput{{Kind: servicedesk.LinePart, Code: "OIL", Description: "oil", Quantity: dec("4"), UnitPrice: dec("320")}}}}})
		}},
		{servicedesk.StateApproved, func() (servicedesk.WorkOrder, error) {
			return f.desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j1", "j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalSignature,
				Evidence: signature("signatures/" + string(id) + ".png")})
		}},
		{servicedesk.StateBooked, func() (servicedesk.WorkOrder, error) {
			return f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(day, 10, 0), End: at(day, 12, 0)})
		}},
		{servicedesk.StateInProgress, func() (servicedesk.WorkOrder, error) { return f.desk.Start(ctx, dealer, wu, ref) }},
		{servicedesk.StateRepaired, func() (servicedesk.WorkOrder, error) {
			for _, j := range []string{"j1", "j2"} {
				if _, err := f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j}); err != nil {
					return servicedesk.WorkOrder{}, err
				}
			}
			return f.desk.CompleteRepair(ctx, dealer, wu, ref)
		}},
		{servicedesk.StatePassed, func() (servicedesk.WorkOrder, error) {
			return f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
		}},
		{servicedesk.StateReady, func() (servicedesk.WorkOrder, error) {
			return f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "pads replaced, oil changed"})
		}},
		{servicedesk.StateSettled, func() (servicedesk.WorkOrder, error) {
			return f.desk.Settle(ctx, dealer, chen, ref, servicedesk.Settlement{Document: "INV-" + string(id), Total: dec("4080")})
		}},
		{servicedesk.StateDelivered, func() (servicedesk.WorkOrder, error) {
			return f.desk.Deliver(ctx, dealer, chen, ref, servicedesk.DeliveryInput{MileageOut: 42003})
		}},
		{servicedesk.StateClosed, func() (servicedesk.WorkOrder, error) { return f.desk.Close(ctx, dealer, chen, ref) }},
	}
	for _, s := range steps {
		if w.State == to {
			return w
		}
		w, err = s.do()
		require.NoError(t, err, "driving %s towards %s", id, to)
		require.Equal(t, s.state, w.State)
	}
	require.Equal(t, to, w.State)
	return w
}

// brkSupplement proposes added work of one job by wu.
func (f *fixture) brkSupplement(t testing.TB, id servicedesk.WorkOrderID, title string) (servicedesk.WorkOrder, error) {
	t.Helper()
	return f.desk.ProposeSupplement(f.ctx, dealer, wu, servicedesk.Ref{ID: id}, servicedesk.SupplementInput{Reason: "found during repair",
		Jobs: []servicedesk.JobInput{{Title: title, Hours: dec("1"), Lines: []servicedesk.LineInput{{Kind: servicedesk.LinePart, Code: "P-" + title, Description: title, Quantity: dec("1"), UnitPrice: dec("1800")}}}}})
}

func TestGuards(t *testing.T) {
	t.Run("R3.2c_no_booking_before_approval", brkNoBookingBeforeApproval)
	t.Run("R3.3b_added_work_needs_consent", brkAddedWorkNeedsConsent)
	t.Run("R3.3b_declined_estimate_job_is_not_worked", brkDeclinedJobNotWorked)
	t.Run("R3.3c_no_pickup_before_passed_inspection", brkNoPickupBeforePassedInspection)
	t.Run("R3.2a_every_concern_diagnosed", brkEveryConcernDiagnosed)
	t.Run("R3.1d_walkaround_before_diagnosis", brkWalkaroundBeforeDiagnosis)
	t.Run("R3.2c_booking_double_booking", brkDoubleBooking)
	t.Run("R3.2c_booking_working_hours", brkWorkingHours)
	t.Run("R3.2c_booking_capacity", brkCapacity)
	t.Run("R3.2c_booking_technician", brkBookingTechnician)
	t.Run("R3.2c_reschedule_and_no_show", brkRescheduleAndNoShow)
	t.Run("express_lane", brkExpressLane)
	t.Run("cancellation", brkCancellation)
	t.Run("R3.2c_started_by_the_booked_technician", brkWrongTechnician)
	t.Run("transition_error_lists_every_blocker", brkEveryBlocker)
	t.Run("actors_on_the_roster", brkActors)
	t.Run("stale_version", brkStaleVersion)
}

// TestPermitted_onlyCommandsThatCanSucceed: a UI enables its buttons from
// Permitted, so Permitted must not offer a command that no input can make
// succeed on this order now.
func TestPermitted_onlyCommandsThatCanSucceed(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.brkTo(t, "wo1", servicedesk.StateInProgress, 2)
	_, err := f.brkSupplement(t, "wo1", "rotors")
	require.NoError(t, err)
	// Added work awaits a decision: a second supplement is always refused.
	_, err = f.brkSupplement(t, "wo1", "wipers")
	require.Error(t, err)
	perm, err := f.desk.Permitted(ctx, dealer, wu, "wo1")
	require.NoError(t, err)
	assert.NotContains(t, perm, servicedesk.CmdProposeSupplement, "R3.3b: one supplement at a time, yet Permitted offers another")

	// Every job done or declined: complete_job can only be refused.
	_, err = f.desk.DecideSupplement(ctx, dealer, chen, ref, servicedesk.Consent{Declined: []string{"j3"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("rotors, 1800", "")})
	require.NoError(t, err)
	for _, j := range []string{"j1", "j2"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j})
		require.NoError(t, err)
	}
	for _, j := range []string{"j1", "j2", "j3"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j})
		require.Error(t, err)
	}
	perm, err = f.desk.Permitted(ctx, dealer, wu, "wo1")
	require.NoError(t, err)
	assert.NotContains(t, perm, servicedesk.CmdCompleteJob, "no approved job is left to complete, yet Permitted offers complete_job")
}

func brkNoBookingBeforeApproval(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	slot := servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)}
	for i, s := range []servicedesk.State{servicedesk.StateReceived, servicedesk.StateInspected, servicedesk.StateDiagnosed, servicedesk.StateEstimated} {
		id := servicedesk.WorkOrderID(fmt.Sprintf("wo%d", i+1))
		f.brkTo(t, id, s, 2)
		for _, actor := range []org.Actor{chen, sup} {
			before := f.brkSnap(t, id)
			_, err := f.desk.Book(f.ctx, dealer, actor, servicedesk.Ref{ID: id}, slot)
			f.brkRefused(t, id, before, err)
			assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition, "book in %s", s)
			assert.Equal(t, []string{"R3.2c_booking_needs_an_approved_job", "state"}, brkBlockers(t, err), "book in %s", s)
		}
	}

	// Every job declined: the order stays estimated and cannot be booked.
	f.brkTo(t, "wo9", servicedesk.StateEstimated, 2)
	w, err := f.desk.Approve(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo9"}, servicedesk.Consent{Declined: []string{"j1", "j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
		Evidence: f.call("pads 1800, oil 1280", "")})
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateEstimated, w.State)
	assert.True(t, w.ApprovedTotal().IsZero())
	before := f.brkSnap(t, "wo9")
	_, err = f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo9"}, slot)
	f.brkRefused(t, "wo9", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	// ... nor approved again: nothing awaits a decision.
	_, err = f.desk.Approve(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo9"}, servicedesk.Consent{Approved: []string{"j1"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
		Evidence: f.call("pads", "1800")})
	f.brkRefused(t, "wo9", before, err)
	assert.Equal(t, []string{"R3.2c_estimate_has_jobs_to_decide"}, brkBlockers(t, err))

	// A partial decision is refused: every job must be decided.
	f.brkTo(t, "wo10", servicedesk.StateEstimated, 2)
	before = f.brkSnap(t, "wo10")
	_, err = f.desk.Approve(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo10"}, servicedesk.Consent{Approved: []string{"j1"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
		Evidence: f.call("pads", "1800")})
	f.brkRefused(t, "wo10", before, err)
	assert.Contains(t, brkFields(t, err), "approved:required")

	cal, err := f.desk.Calendar(f.ctx, dealer, admin, "wu", "2026-11-02")
	require.NoError(t, err)
	assert.Empty(t, cal.Slots, "nothing was booked")
}

func brkAddedWorkNeedsConsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.brkTo(t, "wo1", servicedesk.StateInProgress, 2)
	_, err := f.brkSupplement(t, "wo1", "rotors") // j3, proposed
	require.NoError(t, err)

	// A proposed job cannot be worked.
	before := f.brkSnap(t, "wo1")
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j3"})
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	assert.Equal(t, []string{"R3.3b_work_needs_consent"}, brkBlockers(t, err))

	// The approved jobs can.
	for _, j := range []string{"j1", "j2"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j})
		require.NoError(t, err)
	}
	// The repair cannot be completed while the added work awaits a decision.
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.3b_added_work_decided"}, brkBlockers(t, err))
	// One supplement at a time.
	_, err = f.brkSupplement(t, "wo1", "wipers")
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.3b_added_work_decided"}, brkBlockers(t, err))
	// The technician cannot give the customer's consent.
	_, err = f.desk.DecideSupplement(ctx, dealer, wu, ref, servicedesk.Consent{Approved: []string{"j3"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("rotors", "1800")})
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrForbidden)
	assert.Equal(t, []string{"role"}, brkBlockers(t, err))
	// Every approved job is done: nothing is left to work, done or unknown.
	for _, job := range []string{"j1", "j3", "j99"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: job})
		f.brkRefused(t, "wo1", before, err)
		assert.Equal(t, []string{"R3.3b_an_approved_job_to_work"}, brkBlockers(t, err), job)
	}

	// Declined: still not workable, and the repair can now complete.
	w, err := f.desk.DecideSupplement(ctx, dealer, chen, ref, servicedesk.Consent{Declined: []string{"j3"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("rotors, 1800", "")})
	require.NoError(t, err)
	j3, _ := w.Job("j3")
	require.Equal(t, servicedesk.JobDeclined, j3.Status)
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j3"})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.3b_an_approved_job_to_work"}, brkBlockers(t, err))
	// Nothing left to decide.
	_, err = f.desk.DecideSupplement(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j3"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("rotors", "1800")})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.3b_added_work_to_decide"}, brkBlockers(t, err))

	// A second supplement: the declined j3 cannot be slipped into its
	// approval, and an estimate job cannot be decided again.
	_, err = f.brkSupplement(t, "wo1", "wipers") // j4
	require.NoError(t, err)
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.DecideSupplement(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j4", "j3", "j1"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("wipers", "1800")})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"approved[1]:not_found", "approved[2]:not_found"}, brkFields(t, err))
	w, err = f.desk.DecideSupplement(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j4"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("wipers", "1800")})
	require.NoError(t, err)
	assert.True(t, dec("4880").Equal(w.ApprovedTotal()), "approved total %s", w.ApprovedTotal())
	// Approved added work must be done before the repair completes.
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.3c_approved_jobs_done"}, brkBlockers(t, err))
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j4"})
	require.NoError(t, err)
	w, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	var billable []string
	for _, j := range w.Billable() {
		billable = append(billable, j.ID)
	}
	assert.Equal(t, []string{"j1", "j2", "j4"}, billable, "declined added work is never billed")
}

func brkDeclinedJobNotWorked(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.brkTo(t, "wo1", servicedesk.StateEstimated, 2)
	_, err := f.desk.Approve(ctx, dealer, chen, ref, servicedesk.Consent{Approved: []string{"j1"}, Declined: []string{"j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalInPerson,
		Evidence: signature("signatures/wo1.png")})
	require.NoError(t, err)
	_, err = f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, ref)
	require.NoError(t, err)
	before := f.brkSnap(t, "wo1")
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j2"})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.3b_work_needs_consent"}, brkBlockers(t, err))
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j1"})
	require.NoError(t, err)
	w, err := f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err, "a declined job does not block completion")
	assert.Equal(t, servicedesk.StateRepaired, w.State)
}

func brkNoPickupBeforePassedInspection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	notify := func() error {
		_, err := f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "done"})
		return err
	}
	settle := func() error {
		_, err := f.desk.Settle(ctx, dealer, chen, ref, servicedesk.Settlement{Document: "INV-1", Total: dec("4080")})
		return err
	}
	deliver := func() error {
		_, err := f.desk.Deliver(ctx, dealer, sup, ref, servicedesk.DeliveryInput{MileageOut: 42010})
		return err
	}
	refuseAll := func(when string, cmds ...func() error) {
		t.Helper()
		for i, cmd := range cmds {
			before := f.brkSnap(t, "wo1")
			err := cmd()
			f.brkRefused(t, "wo1", before, err)
			assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition, "%s: command %d", when, i)
		}
	}

	f.brkTo(t, "wo1", servicedesk.StateInProgress, 2)
	refuseAll("in progress", notify, settle, deliver)
	w := f.brkTo(t, "wo2", servicedesk.StateRepaired, 4)
	require.Empty(t, w.Inspections)
	ref = servicedesk.Ref{ID: "wo2"}
	refuseAllOn := func(when string) {
		t.Helper()
		for i, cmd := range []func() error{notify, settle, deliver} {
			before := f.brkSnap(t, "wo2")
			err := cmd()
			f.brkRefused(t, "wo2", before, err)
			assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition, "%s: command %d", when, i)
		}
	}
	refuseAllOn("repaired, never inspected")

	// Only an advisor or supervisor inspects.
	before := f.brkSnap(t, "wo2")
	_, err := f.desk.Inspect(ctx, dealer, wu, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
	f.brkRefused(t, "wo2", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrForbidden)

	// A failed item fails the inspection: back to rework.
	w, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{
		{Item: "road test", Passed: true}, {Item: "brake test", Passed: false, Note: "pedal soft"}}})
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateInProgress, w.State)
	assert.Equal(t, 1, w.Reworks)
	refuseAllOn("after a failed inspection")
	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	refuseAllOn("repaired again, last inspection failed")

	w, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: true}}})
	require.NoError(t, err)
	require.Equal(t, servicedesk.StatePassed, w.State)
	// Passed: settle and deliver still wait for the customer to be told.
	for _, cmd := range []func() error{settle, deliver} {
		before := f.brkSnap(t, "wo2")
		err := cmd()
		f.brkRefused(t, "wo2", before, err)
	}
	require.NoError(t, notify())
	before = f.brkSnap(t, "wo2")
	f.brkRefused(t, "wo2", before, deliver())
	require.NoError(t, settle())
	require.NoError(t, deliver())
	w, err = f.desk.WorkOrder(ctx, dealer, admin, "wo2")
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateDelivered, w.State)
	assert.Len(t, w.Inspections, 2)
}

func brkEveryConcernDiagnosed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.brkTo(t, "wo1", servicedesk.StateInspected, 2)
	finding := func(c string) []servicedesk.FindingInput {
		return []servicedesk.FindingInput{{ConcernID: c, Cause: "worn", Correction: "replace"}}
	}
	// Not without a technician (R3.2a: together).
	before := f.brkSnap(t, "wo1")
	_, err := f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Findings: finding("c1")})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"technician:required"}, brkFields(t, err))
	_, err = f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wang", Findings: finding("c1")})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"technician:invalid"}, brkFields(t, err))
	_, err = f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "ghost", Findings: finding("c1")})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"technician:not_found"}, brkFields(t, err))
	_, err = f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: finding("c9")})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"findings[0].concern_id:not_found"}, brkFields(t, err))

	_, err = f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: finding("c1")})
	require.NoError(t, err)
	est := servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "pads", Lines: []servicedesk.LineInput{
		{Kind: servicedesk.LineLabor, Code: "BRK", Description: "pads", Quantity: dec("1"), UnitPrice: dec("1200")}}}}}
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.Estimate(ctx, dealer, chen, ref, est)
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	assert.Equal(t, []string{"R3.2a_every_concern_diagnosed"}, brkBlockers(t, err))
	assert.Contains(t, err.Error(), "c2")

	// A technician diagnoses the rest on their own ID with the order's advisor.
	w, err := f.desk.Diagnose(ctx, dealer, tsai, ref, servicedesk.DiagnosisInput{Findings: finding("c2")})
	require.NoError(t, err)
	assert.Equal(t, org.EmployeeID("tsai"), w.Findings[1].Technician)
	assert.Equal(t, org.EmployeeID("chen"), w.Findings[1].Advisor)
	w, err = f.desk.Estimate(ctx, dealer, chen, ref, est)
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateEstimated, w.State)
}

func brkWalkaroundBeforeDiagnosis(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.receive(t, "wo1")
	diag := servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "worn", Correction: "replace"}}}
	before := f.brkSnap(t, "wo1")
	_, err := f.desk.Diagnose(ctx, dealer, chen, ref, diag)
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"state"}, brkBlockers(t, err))
	_, err = f.desk.Diagnose(ctx, dealer, wu, ref, servicedesk.DiagnosisInput{Findings: diag.Findings})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"state"}, brkBlockers(t, err))
	_, err = f.desk.Acknowledge(ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Mr. Kao"})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.1d_walkaround_recorded"}, brkBlockers(t, err))
	_, err = f.desk.RecordCondition(ctx, dealer, chen, ref, servicedesk.ConditionInput{})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"items:too_short"}, brkFields(t, err))

	_, err = f.desk.RecordCondition(ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "rear door", Status: servicedesk.ConditionDamaged, Note: "dent"}}})
	require.NoError(t, err)
	// Recorded but not acknowledged: still no diagnosis.
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.Diagnose(ctx, dealer, chen, ref, diag)
	f.brkRefused(t, "wo1", before, err)
	w, err := f.desk.Acknowledge(ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Mr. Kao"})
	require.NoError(t, err)
	assert.Equal(t, "Mr. Kao", w.Condition.AcknowledgedBy)
	// Acknowledged: the report is final.
	before = f.brkSnap(t, "wo1")
	_, err = f.desk.RecordCondition(ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "rear door", Status: servicedesk.ConditionOK}}})
	f.brkRefused(t, "wo1", before, err)
	_, err = f.desk.Diagnose(ctx, dealer, chen, ref, diag)
	require.NoError(t, err)
}

func brkDoubleBooking(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	f.brkTo(t, "wo1", servicedesk.StateBooked, 2) // wu 10:00-12:00
	f.toApproved(t, "wo2")
	ref := servicedesk.Ref{ID: "wo2"}
	for _, slot := range [][2]time.Time{
		{at(2, 11, 0), at(2, 13, 0)}, {at(2, 9, 0), at(2, 10, 30)}, {at(2, 10, 0), at(2, 12, 0)},
		{at(2, 10, 30), at(2, 11, 0)}, {at(2, 9, 0), at(2, 13, 0)},
	} {
		before := f.brkSnap(t, "wo2")
		_, err := f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: slot[0], End: slot[1]})
		f.brkRefused(t, "wo2", before, err)
		assert.Equal(t, []string{"start:" + org.CodeSecondHolder}, brkFields(t, err), "%s-%s", slot[0].Format("15:04"), slot[1].Format("15:04"))
	}
	// Back to back is fine, and so is another technician at the same time.
	_, err := f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 12, 0), End: at(2, 13, 0)})
	require.NoError(t, err)
	f.toApproved(t, "wo3")
	_, err = f.desk.Book(ctx, dealer, chen, servicedesk.Ref{ID: "wo3"}, servicedesk.BookingInput{Technician: "tsai", Start: at(2, 10, 0), End: at(2, 12, 0)})
	require.NoError(t, err)
	cal, err := f.desk.Calendar(ctx, dealer, admin, "wu", "2026-11-02")
	require.NoError(t, err)
	require.Len(t, cal.Slots, 2)
	assert.Equal(t, servicedesk.WorkOrderID("wo1"), cal.Slots[0].WorkOrder)
	assert.Equal(t, servicedesk.WorkOrderID("wo2"), cal.Slots[1].WorkOrder)
}

func brkWorkingHours(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	f.toApproved(t, "wo1")
	ref := servicedesk.Ref{ID: "wo1"}
	for _, c := range []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"before opening", at(2, 8, 0), at(2, 9, 0), "start:out_of_range"},
		{"after closing", at(2, 17, 0), at(2, 18, 0), "start:out_of_range"},
		{"at night", at(2, 20, 0), at(2, 21, 0), "start:out_of_range"},
		{"Sunday", at(1, 10, 0), at(1, 12, 0), "start:out_of_range"},
		{"next Sunday", at(8, 10, 0), at(8, 12, 0), "start:out_of_range"},
		{"across days", at(2, 16, 0), at(3, 9, 0), "end:out_of_range"},
		{"ends before it starts", at(2, 12, 0), at(2, 10, 0), "end:invalid"},
	} {
		before := f.brkSnap(t, "wo1")
		_, err := f.desk.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: c.start, End: c.end})
		f.brkRefused(t, "wo1", before, err)
		fields := brkFields(t, err)
		require.NotEmpty(t, fields, c.name)
		if c.want == "end:invalid" {
			assert.Equal(t, "end", fields[0][:3], c.name)
			continue
		}
		assert.Equal(t, []string{c.want}, fields, c.name)
	}
	// The edges of the day are bookable: Saturday 16:30-17:30.
	w, err := f.desk.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(7, 16, 30), End: at(7, 17, 30)})
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateBooked, w.State)
	f.toApproved(t, "wo2")
	_, err = f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo2"}, servicedesk.BookingInput{Technician: "wu", Start: at(7, 8, 30), End: at(7, 9, 30)})
	require.NoError(t, err)
}

func brkCapacity(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	require.NotNil(t, f.store, "the capacity test runs on the memory store")
	hours := servicedesk.DefaultWorkingHours()
	hours.Capacity = decimal.NewFromInt(3)
	desk, err := servicedesk.NewService(servicedesk.Config{Store: f.store.ServiceDesk(), Roster: f.roster.Directory(), Clock: f.clock,
		IDs: org.SequentialIDs("cap"), Hours: hours})
	require.NoError(t, err)
	f.desk = desk
	f.brkTo(t, "wo1", servicedesk.StateBooked, 2) // wu 10:00-12:00: 2 of 3 hours
	f.toApproved(t, "wo2")
	ref := servicedesk.Ref{ID: "wo2"}
	before := f.brkSnap(t, "wo2")
	_, err = f.desk.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 13, 0), End: at(2, 15, 0)})
	f.brkRefused(t, "wo2", before, err)
	assert.Equal(t, []string{"end:out_of_range"}, brkFields(t, err))
	assert.Contains(t, err.Error(), "1.00 of 3.00 hours left")
	// An hour fits; another day is a new day.
	_, err = f.desk.Book(f.ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 13, 0), End: at(2, 14, 0)})
	require.NoError(t, err)
	f.toApproved(t, "wo3")
	before = f.brkSnap(t, "wo3")
	_, err = f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo3"}, servicedesk.BookingInput{Technician: "wu", Start: at(2, 15, 0), End: at(2, 15, 30)})
	f.brkRefused(t, "wo3", before, err)
	_, err = f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo3"}, servicedesk.BookingInput{Technician: "wu", Start: at(3, 9, 0), End: at(3, 12, 0)})
	require.NoError(t, err)
}

func brkBookingTechnician(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	f.toApproved(t, "wo1")
	ref := servicedesk.Ref{ID: "wo1"}
	slot := func(tech org.EmployeeID) servicedesk.BookingInput {
		return servicedesk.BookingInput{Technician: tech, Start: at(2, 10, 0), End: at(2, 12, 0)}
	}
	before := f.brkSnap(t, "wo1")
	_, err := f.desk.Book(f.ctx, dealer, chen, ref, slot("wang"))
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"technician:invalid"}, brkFields(t, err))
	_, err = f.desk.Book(f.ctx, dealer, chen, ref, slot("ghost"))
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"technician:not_found"}, brkFields(t, err))
	// A technician does not book (the advisor does, R3.2c).
	_, err = f.desk.Book(f.ctx, dealer, wu, ref, slot("wu"))
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrForbidden)
	assert.Equal(t, []string{"role"}, brkBlockers(t, err))
}

func brkRescheduleAndNoShow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	f.brkTo(t, "wo1", servicedesk.StateBooked, 2) // wu 10-12
	f.brkTo(t, "wo2", servicedesk.StateBooked, 3) // wu 10-12 on Tuesday
	ref := servicedesk.Ref{ID: "wo2"}
	// Onto another order's slot: refused, the old booking stays.
	before := f.brkSnap(t, "wo2")
	_, err := f.desk.Reschedule(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 11, 0), End: at(2, 12, 0)})
	f.brkRefused(t, "wo2", before, err)
	assert.Equal(t, []string{"start:" + org.CodeSecondHolder}, brkFields(t, err))
	// Overlapping its own slot is fine: the old one is released.
	w, err := f.desk.Reschedule(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(3, 11, 0), End: at(3, 13, 0)})
	require.NoError(t, err)
	require.Len(t, w.PastBookings, 1)
	assert.Equal(t, servicedesk.OutcomeRescheduled, w.PastBookings[0].Outcome)
	cal, err := f.desk.Calendar(ctx, dealer, admin, "wu", "2026-11-03")
	require.NoError(t, err)
	require.Len(t, cal.Slots, 1)
	assert.True(t, at(3, 11, 0).Equal(cal.Slots[0].Start))
	// A no-show frees the slot and the order goes back to approved.
	w, err = f.desk.NoShow(ctx, dealer, wang, ref, servicedesk.NoShowInput{Reason: "did not come"})
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateApproved, w.State)
	assert.Nil(t, w.Booking)
	assert.Equal(t, servicedesk.OutcomeNoShow, w.PastBookings[1].Outcome)
	cal, err = f.desk.Calendar(ctx, dealer, admin, "wu", "2026-11-03")
	require.NoError(t, err)
	assert.Empty(t, cal.Slots)
	// Not booked: no reschedule, no no-show, no start.
	before = f.brkSnap(t, "wo2")
	for _, err := range []error{
		func() error {
			_, err := f.desk.Reschedule(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(4, 10, 0), End: at(4, 11, 0)})
			return err
		}(),
		func() error { _, err := f.desk.NoShow(ctx, dealer, chen, ref, servicedesk.NoShowInput{}); return err }(),
		func() error { _, err := f.desk.Start(ctx, dealer, wu, ref); return err }(),
	} {
		f.brkRefused(t, "wo2", before, err)
		assert.Contains(t, brkBlockers(t, err), "state")
	}
}

func brkExpressLane(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t.Run("off", func(t *testing.T) {
		f := newFixture(t, servicedesk.Options{})
		f.toApproved(t, "wo1")
		before := f.brkSnap(t, "wo1")
		_, err := f.desk.Start(ctx, dealer, wu, servicedesk.Ref{ID: "wo1"})
		f.brkRefused(t, "wo1", before, err)
		assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
		assert.Equal(t, []string{"R3.2c_started_by_the_booked_technician", "state"}, brkBlockers(t, err))
		perm, err := f.desk.Permitted(ctx, dealer, wu, "wo1")
		require.NoError(t, err)
		assert.NotContains(t, perm, servicedesk.CmdStart)
	})
	t.Run("on", func(t *testing.T) {
		f := newFixture(t, servicedesk.Options{ExpressLane: true})
		f.toApproved(t, "wo1")
		ref := servicedesk.Ref{ID: "wo1"}
		perm, err := f.desk.Permitted(ctx, dealer, tsai, "wo1")
		require.NoError(t, err)
		assert.Contains(t, perm, servicedesk.CmdStart)
		// An advisor still cannot start a repair.
		before := f.brkSnap(t, "wo1")
		_, err = f.desk.Start(ctx, dealer, chen, ref)
		f.brkRefused(t, "wo1", before, err)
		assert.Contains(t, brkBlockers(t, err), "role")
		// Any technician may, without a booking.
		w, err := f.desk.Start(ctx, dealer, tsai, ref)
		require.NoError(t, err)
		assert.Equal(t, servicedesk.StateInProgress, w.State)
		assert.Nil(t, w.Booking)
		// The lane skips the booking, not the inspection.
		for _, j := range []string{"j1", "j2"} {
			_, err = f.desk.CompleteJob(ctx, dealer, tsai, ref, servicedesk.JobRef{Job: j})
			require.NoError(t, err)
		}
		_, err = f.desk.CompleteRepair(ctx, dealer, tsai, ref)
		require.NoError(t, err)
		before = f.brkSnap(t, "wo1")
		_, err = f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "done"})
		f.brkRefused(t, "wo1", before, err)

		// Still nothing without an approved job: every job declined.
		f.brkTo(t, "wo2", servicedesk.StateEstimated, 2)
		_, err = f.desk.Approve(ctx, dealer, chen, servicedesk.Ref{ID: "wo2"}, servicedesk.Consent{Declined: []string{"j1", "j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
			Evidence: f.call("pads 1800, oil 1280", "")})
		require.NoError(t, err)
		before = f.brkSnap(t, "wo2")
		for _, actor := range []org.Actor{tsai, wu, sup} {
			_, err = f.desk.Start(ctx, dealer, actor, servicedesk.Ref{ID: "wo2"})
			f.brkRefused(t, "wo2", before, err)
			assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
			assert.Equal(t, []string{"R3.2c_booking_needs_an_approved_job", "R3.2c_started_by_the_booked_technician", "state"}, brkBlockers(t, err))
		}

		// A booked order keeps its technician, even with the lane on.
		f.brkTo(t, "wo3", servicedesk.StateBooked, 3)
		before = f.brkSnap(t, "wo3")
		_, err = f.desk.Start(ctx, dealer, tsai, servicedesk.Ref{ID: "wo3"})
		f.brkRefused(t, "wo3", before, err)
		assert.Contains(t, brkBlockers(t, err), "R3.2c_started_by_the_booked_technician")
		_, err = f.desk.Start(ctx, dealer, wu, servicedesk.Ref{ID: "wo3"})
		require.NoError(t, err)
	})
}

func brkCancellation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	reason := servicedesk.CancelInput{Reason: "customer changed their mind"}

	// An advisor, before work: a booked slot is freed.
	f.brkTo(t, "wo1", servicedesk.StateBooked, 2)
	before := f.brkSnap(t, "wo1")
	_, err := f.desk.Cancel(ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.CancelInput{})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"reason:required"}, brkFields(t, err))
	_, err = f.desk.Cancel(ctx, dealer, wu, servicedesk.Ref{ID: "wo1"}, reason)
	f.brkRefused(t, "wo1", before, err)
	assert.Contains(t, brkBlockers(t, err), "role")
	w, err := f.desk.Cancel(ctx, dealer, wang, servicedesk.Ref{ID: "wo1"}, reason)
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateCancelled, w.State)
	assert.Nil(t, w.Booking)
	require.Len(t, w.PastBookings, 1)
	assert.Equal(t, servicedesk.OutcomeCancelled, w.PastBookings[0].Outcome)
	cal, err := f.desk.Calendar(ctx, dealer, admin, "wu", "2026-11-02")
	require.NoError(t, err)
	assert.Empty(t, cal.Slots, "the slot is free again")
	// ... and can be taken by another order.
	f.brkTo(t, "wo2", servicedesk.StateBooked, 2)

	// Cancelled is final.
	before = f.brkSnap(t, "wo1")
	for _, actor := range []org.Actor{chen, sup} {
		_, err = f.desk.Cancel(ctx, dealer, actor, servicedesk.Ref{ID: "wo1"}, reason)
		f.brkRefused(t, "wo1", before, err)
		_, err = f.desk.AddNote(ctx, dealer, actor, servicedesk.Ref{ID: "wo1"}, servicedesk.NoteInput{Text: "called back"})
		f.brkRefused(t, "wo1", before, err)
		assert.Equal(t, []string{"state"}, brkBlockers(t, err))
	}

	// Once work started, only a supervisor.
	f.brkTo(t, "wo3", servicedesk.StateInProgress, 3)
	before = f.brkSnap(t, "wo3")
	for _, actor := range []org.Actor{chen, wang, wu} {
		_, err = f.desk.Cancel(ctx, dealer, actor, servicedesk.Ref{ID: "wo3"}, reason)
		f.brkRefused(t, "wo3", before, err)
		assert.Contains(t, brkBlockers(t, err), "role", "cancel by %s", actor)
	}
	w, err = f.desk.Cancel(ctx, dealer, sup, servicedesk.Ref{ID: "wo3"}, reason)
	require.NoError(t, err)
	assert.Equal(t, "customer changed their mind", w.CancelReason)

	// After a passed final inspection nobody cancels.
	f.brkTo(t, "wo4", servicedesk.StatePassed, 4)
	before = f.brkSnap(t, "wo4")
	for _, actor := range []org.Actor{chen, sup} {
		_, err = f.desk.Cancel(ctx, dealer, actor, servicedesk.Ref{ID: "wo4"}, reason)
		f.brkRefused(t, "wo4", before, err)
	}
}

func brkWrongTechnician(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx, ref := f.ctx, servicedesk.Ref{ID: "wo1"}
	f.brkTo(t, "wo1", servicedesk.StateBooked, 2) // for wu
	before := f.brkSnap(t, "wo1")
	_, err := f.desk.Start(ctx, dealer, tsai, ref)
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	assert.NotErrorIs(t, err, servicedesk.ErrForbidden)
	assert.Equal(t, []string{"R3.2c_started_by_the_booked_technician"}, brkBlockers(t, err))
	assert.Contains(t, err.Error(), "booked for technician wu, not tsai")
	perm, err := f.desk.Permitted(ctx, dealer, tsai, "wo1")
	require.NoError(t, err)
	assert.NotContains(t, perm, servicedesk.CmdStart)
	_, err = f.desk.Start(ctx, dealer, chen, ref)
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrForbidden)
	// The supervisor may start it for wu.
	w, err := f.desk.Start(ctx, dealer, sup, ref)
	require.NoError(t, err)
	assert.Equal(t, servicedesk.OutcomeKept, w.Booking.Outcome)
}

func brkEveryBlocker(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	f.receive(t, "wo1")
	before := f.brkSnap(t, "wo1")
	// Wrong role, wrong state and the rule the order breaks: every blocker.
	_, err := f.desk.Book(ctx, dealer, wu, servicedesk.Ref{ID: "wo1"}, servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)})
	f.brkRefused(t, "wo1", before, err)
	var te *servicedesk.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Len(t, te.Blockers, 3)
	assert.Equal(t, []string{"R3.2c_booking_needs_an_approved_job", "role", "state"}, brkBlockers(t, err))
	assert.Equal(t, string(servicedesk.StateReceived), te.State)
	assert.Equal(t, string(servicedesk.CmdBook), te.Command)
	assert.Equal(t, wu, te.Actor)
	assert.Equal(t, "wo1", te.ID)
	assert.Equal(t, "work_order", te.Record)
	assert.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
	assert.NotErrorIs(t, err, servicedesk.ErrForbidden)
	// Wrong role and a failing guard.
	_, err = f.desk.Acknowledge(ctx, dealer, wu, servicedesk.Ref{ID: "wo1"}, servicedesk.Acknowledgement{By: "Mr. Kao"})
	f.brkRefused(t, "wo1", before, err)
	assert.Equal(t, []string{"R3.1d_walkaround_recorded", "role"}, brkBlockers(t, err))

	// Two failing guards and the wrong role.
	f.brkTo(t, "wo2", servicedesk.StateInProgress, 2)
	_, err = f.brkSupplement(t, "wo2", "rotors")
	require.NoError(t, err)
	before = f.brkSnap(t, "wo2")
	_, err = f.desk.CompleteRepair(ctx, dealer, chen, servicedesk.Ref{ID: "wo2"})
	f.brkRefused(t, "wo2", before, err)
	assert.Equal(t, []string{"R3.3b_added_work_decided", "R3.3c_approved_jobs_done", "role"}, brkBlockers(t, err))
	require.ErrorAs(t, err, &te)
	assert.Len(t, te.Blockers, 3)
	for _, b := range te.Blockers {
		assert.Contains(t, err.Error(), b.Message)
	}
}

func brkActors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	ctx := f.ctx
	f.toApproved(t, "wo1")
	_, err := f.roster.DeactivateEmployee(ctx, dealer, admin, org.StatusChange{ID: "wang", Reason: "left"})
	require.NoError(t, err)
	in := servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)}
	before := f.brkSnap(t, "wo1")
	for _, actor := range []org.Actor{
		wang,                                 // inactive
		{ID: "ghost", Role: org.RoleAdvisor}, // not on the roster
		{ID: "wu", Role: org.RoleAdvisor},    // not in the role claimed
		{ID: "", Role: org.RoleAdvisor},
		{ID: "chen", Role: ""},
	} {
		_, err := f.desk.Book(ctx, dealer, actor, servicedesk.Ref{ID: "wo1"}, in)
		f.brkRefused(t, "wo1", before, err)
		assert.ErrorIs(t, err, servicedesk.ErrForbidden, "actor %s", actor)
		var te *servicedesk.TransitionError
		assert.False(t, errors.As(err, &te), "the roster refuses before the table")
		_, err = f.desk.Permitted(ctx, dealer, actor, "wo1")
		assert.ErrorIs(t, err, servicedesk.ErrForbidden, "actor %s", actor)
	}
}

func brkStaleVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, servicedesk.Options{})
	w := f.toApproved(t, "wo1")
	before := f.brkSnap(t, "wo1")
	in := servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0)}
	_, err := f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version - 1}, in)
	f.brkRefused(t, "wo1", before, err)
	assert.ErrorIs(t, err, servicedesk.ErrConflict)
	_, err = f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "nope"}, in)
	assert.ErrorIs(t, err, servicedesk.ErrNotFound)
	w, err = f.desk.Book(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1", ExpectedVersion: w.Version}, in)
	require.NoError(t, err)
	assert.Equal(t, before.order.Version+1, w.Version)
}
