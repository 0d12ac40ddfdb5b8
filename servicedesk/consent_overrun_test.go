package servicedesk_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/servicedesk"
)

// TestConsent_overrun: accepting a bill above the estimate is a consent
// like any other (R3.4, 16 CCR 3353): by phone it needs the number, the
// time, the work and the total as told, and that total is the total the
// customer accepts, not only the excess.
func TestConsent_overrun(t *testing.T) {
	open := func(t *testing.T) (*fixture, string) {
		f := newFixture(t, servicedesk.Options{})
		w := f.brkTo(t, "wo1", servicedesk.StateReady, 2) // approved 3080
		f.clock.Advance(time.Hour)
		return f, w.ApprovedTotal().Add(dec("3600")).String()
	}
	give := func(f *fixture, total string, ev servicedesk.ConsentEvidence) (servicedesk.WorkOrder, error) {
		return f.desk.ApproveOverrun(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.OverrunConsent{Total: dec(total), By: "Mr. Kao",
			Method: servicedesk.ApprovalPhone, Evidence: ev})
	}
	t.Run("R3.4_phone_overrun_without_evidence_refused", func(t *testing.T) {
		f, total := open(t)
		before := f.brkSnap(t, "wo1")
		_, err := give(f, total, servicedesk.ConsentEvidence{})
		f.brkRefused(t, "wo1", before, err)
		assert.Equal(t, []string{"evidence.contact:required", "evidence.at:required", "evidence.work_told:required", "evidence.total_told:required"},
			brkFields(t, err))
	})
	t.Run("R3.4_phone_overrun_told_only_the_excess_refused", func(t *testing.T) {
		f, total := open(t)
		before := f.brkSnap(t, "wo1")
		_, err := give(f, total, fullEvidence(f, servicedesk.ApprovalPhone, "3600"))
		f.brkRefused(t, "wo1", before, err)
		assert.Equal(t, []string{"evidence.total_told:invalid"}, brkFields(t, err))
	})
	t.Run("R3.4_phone_overrun_with_evidence_accepted", func(t *testing.T) {
		f, total := open(t)
		w, err := give(f, total, fullEvidence(f, servicedesk.ApprovalPhone, total))
		require.NoError(t, err)
		last := w.Consents()[len(w.Consents())-1]
		assert.Equal(t, -1, last.Supplement)
		assert.Equal(t, "0912-000-111", last.Evidence.Contact)
		assert.True(t, dec(total).Equal(last.Evidence.TotalTold))
	})
}
