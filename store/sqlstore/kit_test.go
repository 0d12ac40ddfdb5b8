package sqlstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/org/orgtest"
)

// TestConformance runs the org.Store conformance kit on each backend.
func TestConformance(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		orgtest.TestStore(t, orgtest.Harness{
			NewStore: func(t *testing.T) org.Store { return b.store(t) },
		})
	})
}
