package memstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/servicedesk/servicedesktest"
	"github.com/servicelane/servicelane/store/memstore"
)

func TestServiceDeskStoreConformance(t *testing.T) {
	t.Parallel()
	servicedesktest.TestStore(t, servicedesktest.Harness{
		NewStore: func(t *testing.T) servicedesk.Store { return memstore.New().ServiceDesk() },
		Features: servicedesktest.Features{
			Roster:  func(s servicedesk.Store) org.Store { return s.(memstore.DeskStore).Store },
			Billing: func(s servicedesk.Store) billing.Store { return s.(memstore.DeskStore).Billing() },
		},
	})
}
