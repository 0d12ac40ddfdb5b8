package sqlstore_test

import (
	"testing"

	"github.com/servicelane/servicelane/training"
	"github.com/servicelane/servicelane/training/trainingtest"
)

// TestTrainingConformance runs the training.Store conformance kit on each
// backend. The view reads the shared audit trail itself (TrainingStore has
// Events), so the kit checks the events too.
func TestTrainingConformance(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		trainingtest.TestStore(t, trainingtest.Harness{
			NewStore: func(t *testing.T) training.Store { return b.store(t).Training() },
		})
	})
}
