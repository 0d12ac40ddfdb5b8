package servicedesktest

// Domain is the servicedesk domain as the shared rules see it, for the
// self-tests' broken stores (kit.Domain.Bent).
var Domain = domain
