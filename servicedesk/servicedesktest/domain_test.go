package servicedesktest

import (
	"testing"

	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// TestSharedRulesCatchFlaws: the shared checks pass on memstore and fail
// on each flaw of internal/kit exactly where they should, through this
// kit's declarations (the self-test every kit runs on its domain).
func TestSharedRulesCatchFlaws(t *testing.T) {
	open := func(*testing.T) servicedesk.Store { return memstore.New().ServiceDesk() }
	domain(Features{}).SelfTest(t, open)
}
