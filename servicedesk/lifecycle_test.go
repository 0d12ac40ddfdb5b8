package servicedesk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/servicedesk"
)

func TestLifecycle_receptionToDelivery(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	w := f.toApproved(t, "wo1")
	require.Equal(t, servicedesk.StateApproved, w.State)
	assert.True(t, dec("6130").Equal(w.ApprovedTotal()), "approved total %s", w.ApprovedTotal())
	ref := servicedesk.Ref{ID: "wo1"}
	ctx := f.ctx

	w, err := f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: at(2, 10, 0), End: at(2, 12, 0), Notes: "bring wheel lock key"})
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateBooked, w.State)

	w, err = f.desk.Start(ctx, dealer, wu, ref)
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateInProgress, w.State)

	_, err = f.desk.ProposeSupplement(ctx, dealer, wu, ref, servicedesk.SupplementInput{Reason: "rear rotors scored", Jobs: []servicedesk.JobInput{
		{Title: "Rear rotors", Hours: dec("1"), Lines: []servicedesk.LineInput{{Kind: servicedesk.LinePart, Code: "ROT-R", Description: "rear rotors", Quantity: dec("2"), UnitPrice: dec("1800")}}}}})
	require.NoError(t, err)

	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j3"})
	require.ErrorIs(t, err, servicedesk.ErrInvalidTransition, "R3.3b: unapproved added work cannot be worked")
	var te *servicedesk.TransitionError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "R3.3b_work_needs_consent", te.Blockers[0].Rule)
	_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: "j99"})
	require.ErrorIs(t, err, servicedesk.ErrInvalid, "an unknown job is bad input")

	_, err = f.desk.DecideSupplement(ctx, dealer, chen, ref, servicedesk.Consent{Declined: []string{"j3"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("rotors", "")})
	require.NoError(t, err)
	for _, j := range []string{"j1", "j2"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j})
		require.NoError(t, err)
	}
	w, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateRepaired, w.State)

	w, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: false, Note: "pedal soft"}}})
	require.NoError(t, err)
	require.Equal(t, servicedesk.StateInProgress, w.State)
	require.Equal(t, 1, w.Reworks)
	_, err = f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "x"})
	require.ErrorIs(t, err, servicedesk.ErrInvalidTransition, "R3.3c: no pickup before a passed inspection")

	_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
	require.NoError(t, err)
	_, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "brake test", Passed: true}}})
	require.NoError(t, err)
	_, err = f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "Replaced front pads, changed oil; rear rotors declined."})
	require.NoError(t, err)
	_, err = f.desk.Settle(ctx, dealer, chen, ref, servicedesk.Settlement{Document: "INV-0001", Total: dec("6856.50")})
	require.NoError(t, err)
	_, err = f.desk.Deliver(ctx, dealer, chen, ref, servicedesk.DeliveryInput{MileageOut: 42003})
	require.NoError(t, err)
	w, err = f.desk.Close(ctx, dealer, chen, ref)
	require.NoError(t, err)
	assert.Equal(t, servicedesk.StateClosed, w.State)

	tl, err := f.desk.Timeline(ctx, dealer, admin, "wo1")
	require.NoError(t, err)
	var types []string
	for _, e := range tl {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"workorder.receive", "workorder.record_condition", "workorder.acknowledge_condition", "workorder.diagnose",
		"workorder.estimate", "workorder.record_approval", "workorder.book", "workorder.start_repair", "workorder.propose_supplement",
		"workorder.record_supplement_decision", "workorder.complete_job", "workorder.complete_job", "workorder.complete_repair",
		"workorder.final_inspection", "workorder.complete_repair", "workorder.final_inspection", "workorder.notify_ready",
		"workorder.settle", "workorder.deliver", "workorder.close"}, types)
}

func TestDeferredWork_R3_2c_declined_jobs_offered_later(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.receive(t, "wo1") // another visit of the same car, nothing declined
	// wo2 gets to an estimate; the customer declines the oil change.
	w := f.toEstimate(t, "wo2")
	require.Equal(t, servicedesk.StateEstimated, w.State)
	_, err := f.desk.Approve(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo2"}, servicedesk.Consent{Approved: []string{"j1"}, Declined: []string{"j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalPhone,
		Evidence: f.call("front brake pads 4250; oil change 1880, declined", "4250")})
	require.NoError(t, err)

	got, err := f.desk.DeferredWork(f.ctx, dealer, admin, servicedesk.DeferredQuery{Plate: "abc-1234"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, servicedesk.WorkOrderID("wo2"), got[0].WorkOrder)
	assert.Equal(t, "Oil change", got[0].Job.Title)
	assert.Equal(t, "Mr. Kao", got[0].DeclinedBy)
	assert.False(t, got[0].DeclinedAt.IsZero())

	got, err = f.desk.DeferredWork(f.ctx, dealer, admin, servicedesk.DeferredQuery{VIN: "XXXXXXXXXXXXXXXXX"})
	require.NoError(t, err)
	assert.Empty(t, got)

	_, err = f.desk.DeferredWork(f.ctx, dealer, admin, servicedesk.DeferredQuery{})
	require.ErrorIs(t, err, servicedesk.ErrInvalid, "a vehicle must be named")
}
