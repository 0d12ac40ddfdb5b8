package sqlstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/appraisal/appraisaltest"
)

// TestAppraisalConformance runs the appraisal.Store conformance kit on each
// backend. The view reads the shared audit trail itself (AppraisalStore
// has Events), so the kit checks the events too.
func TestAppraisalConformance(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		appraisaltest.TestStore(t, appraisaltest.Harness{
			NewStore: func(t *testing.T) appraisal.Store { return b.store(t).Appraisal() },
		})
	})
}
