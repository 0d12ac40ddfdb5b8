package memstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/org/orgtest"
	"github.com/servicelane/servicelane/store/memstore"
)

func TestOrgStoreConformance(t *testing.T) {
	t.Parallel()
	orgtest.TestStore(t, orgtest.Harness{
		NewStore: func(t *testing.T) org.Store { return memstore.New() },
	})
}
