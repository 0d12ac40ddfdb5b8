package memstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/billing/billingtest"
	"github.com/servicelane/servicelane/store/memstore"
)

func TestBillingStoreConformance(t *testing.T) {
	t.Parallel()
	billingtest.TestStore(t, billingtest.Harness{
		NewStore: func(t *testing.T) billing.Store { return memstore.New().Billing() },
		Features: billingtest.Features{
			// The view reads the trail itself; say so anyway, as a host
			// whose billing view lacks Events would.
			Events: func(s billing.Store) billingtest.EventReader { return s.(memstore.BillingStore).Store },
		},
	})
}
