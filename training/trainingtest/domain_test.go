package trainingtest

import (
	"testing"

	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

// TestSharedRulesCatchFlaws: the shared checks pass on memstore and fail
// on each flaw of internal/kit exactly where they should, through this
// kit's declarations (the self-test every kit runs on its domain).
func TestSharedRulesCatchFlaws(t *testing.T) {
	open := func(*testing.T) training.Store { return memstore.New().Training() }
	domain(Features{}).SelfTest(t, open)
}
