package orgtest

import (
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// Domain is the roster as the shared rules see it, for the self-tests'
// broken stores (kit.Domain.Bent). It takes the Features as every kit's
// does; the roster's domain needs none.
func Domain(Features) *kit.Domain[org.Store, org.Change] { return domain() }
