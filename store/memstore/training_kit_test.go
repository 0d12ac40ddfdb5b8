package memstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
	"github.com/servicelane/servicelane/training/trainingtest"
)

func TestTrainingStoreConformance(t *testing.T) {
	t.Parallel()
	trainingtest.TestStore(t, trainingtest.Harness{
		NewStore: func(t *testing.T) training.Store { return memstore.New().Training() },
		Features: trainingtest.Features{
			// The view reads the trail itself; say so anyway, as a host
			// whose training view lacks Events would.
			Events: func(s training.Store) trainingtest.EventReader { return s.(memstore.TrainingStore).Store },
		},
	})
}
