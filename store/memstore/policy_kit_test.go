package memstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
	"github.com/servicelane/servicelane/store/memstore"
)

func TestPolicyStoreConformance(t *testing.T) {
	t.Parallel()
	policytest.TestStore(t, policytest.Harness{
		NewStore: func(t *testing.T) policy.Store { return memstore.New().Policy() },
		Features: policytest.Features{
			// The view reads the trail itself; say so anyway, as a host
			// whose policy view lacks Events would.
			Events: func(s policy.Store) policytest.EventReader { return s.(memstore.PolicyStore).Store },
		},
	})
}
