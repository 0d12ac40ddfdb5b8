package sqlstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
)

// TestBillingConformance runs the billing.Store conformance kit on each
// backend. The view reads the shared audit trail itself (BillingStore has
// Events), so the kit checks the events too.
func TestBillingConformance(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		billingtest.TestStore(t, billingtest.Harness{
			NewStore: func(t *testing.T) billing.Store { return b.store(t).Billing() },
		})
	})
}
