package sqlstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

// TestPolicyConformance runs the policy.Store conformance kit on each
// backend. The view reads the shared audit trail itself (PolicyStore has
// Events), so the kit checks the events too.
func TestPolicyConformance(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		policytest.TestStore(t, policytest.Harness{
			NewStore: func(t *testing.T) policy.Store { return b.store(t).Policy() },
		})
	})
}
