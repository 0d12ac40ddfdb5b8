package memstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/appraisal/appraisaltest"
	"github.com/servicelane/servicelane/store/memstore"
)

func TestAppraisalStoreConformance(t *testing.T) {
	t.Parallel()
	appraisaltest.TestStore(t, appraisaltest.Harness{
		NewStore: func(t *testing.T) appraisal.Store { return memstore.New().Appraisal() },
		Features: appraisaltest.Features{
			// The view reads the trail itself; say so anyway, as a host
			// whose appraisal view lacks Events would.
			Events: func(s appraisal.Store) appraisaltest.EventReader { return s.(memstore.AppraisalStore).Store },
		},
	})
}
