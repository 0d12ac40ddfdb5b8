// Package observetest tests the observability seam ([org.Hook],
// [org.Observer]) of servicelane's packages: a Hook that records every
// command, a check that a command prints nothing when no Logger is set, and
// a check of a package's source that every command is observed, once, from
// its first line.
package observetest

import (
	"context"
	"slices"
	"sync"

	"github.com/servicelane/servicelane/org"
)

// Reads are the methods of each package's Service that take an org.Actor
// but write nothing: they check or show, and are not observed. Every other
// such method is a command, observed.
var Reads = map[string][]string{
	"org":         {"Authorize", "AuthorizeOver", "Overseen", "AuthorizeDepartment", "Events", "Dealer", "Employee", "Employees", "Roster", "SupervisorOf", "Reports", "Move", "Moves"},
	"servicedesk": {"Permitted", "PreviewBill", "WorkOrder", "WorkOrders", "Month", "Timeline", "Calendar", "Complaint", "Complaints", "OverdueComplaints", "DeferredWork", "Figures", "Survey", "Surveys"},
	"billing":     {"Prepare", "Replay", "ActivePriceBook", "Price", "Document", "DocumentsOf", "Settlement", "Accuracy"},
	"appraisal":   {"Appraisals", "Trend", "Cycle"},
	"training":    {"ExpiringWithin", "Report", "Completion", "Plan"},
	"policy":      {"ActivePolicy", "Policies", "Incidents", "Nominations", "Decision", "Decisions"},
}

// Call is one observed command.
type Call struct {
	Op      org.Operation
	Outcome org.Outcome
	// Ends counts the calls of the end function Start returned: 1 once
	// the command has returned.
	Ends int
}

// Recorder is an org.Hook that records every command, in the order they
// start. It is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	calls []*Call
}

var _ org.Hook = (*Recorder)(nil)

// Start implements org.Hook.
func (r *Recorder) Start(ctx context.Context, op org.Operation) (context.Context, func(org.Outcome)) {
	c := &Call{Op: op}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return ctx, func(o org.Outcome) {
		r.mu.Lock()
		defer r.mu.Unlock()
		c.Outcome = o
		c.Ends++
	}
}

// Calls returns a copy of the commands recorded so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Call, len(r.calls))
	for i, c := range r.calls {
		out[i] = *c
	}
	return out
}

// Last returns the last command recorded, and false when there is none.
func (r *Recorder) Last() (Call, bool) {
	calls := r.Calls()
	if len(calls) == 0 {
		return Call{}, false
	}
	return calls[len(calls)-1], true
}

// Reset forgets every command recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = nil
}

// Commands lists the distinct commands recorded, as "package.command",
// sorted.
func (r *Recorder) Commands() []string {
	var out []string
	for _, c := range r.Calls() {
		out = append(out, c.Op.Package+"."+c.Op.Command)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
