package sqlstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/servicedesk/servicedesktest"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// TestServiceDeskConformance runs the servicedesk.Store conformance kit on
// each backend, with the org.Store view that shares the audit trail and the
// billing.Store view that shares its commits.
func TestServiceDeskConformance(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		servicedesktest.TestStore(t, servicedesktest.Harness{
			NewStore: func(t *testing.T) servicedesk.Store { return b.desk(t) },
			Features: servicedesktest.Features{
				Roster:  func(s servicedesk.Store) org.Store { return s.(sqlstore.DeskStore).Store },
				Billing: func(s servicedesk.Store) billing.Store { return s.(sqlstore.DeskStore).Billing() },
			},
		})
	})
}
