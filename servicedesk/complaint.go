package servicedesk

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// ComplaintID names a complaint within a dealer.
type ComplaintID string

// ComplaintState is where a complaint stands (R2.2, R4.4: followed until
// resolved).
type ComplaintState string

// Complaint states.
const (
	ComplaintOpen          ComplaintState = "open"
	ComplaintInvestigating ComplaintState = "investigating"
	ComplaintResolved      ComplaintState = "resolved" // resolution decided and told to the customer
	ComplaintClosed        ComplaintState = "closed"
)

// Complaint is a customer's complaint against a work order, an advisor or
// the department. Only a supervisor handles it (R2.2): the supervisor of
// the advisor complained about ([org.Service.AuthorizeOver]), or for a
// complaint against the department as a whole, the service advisor
// department's supervisor; never the advisor themselves (R1.3), never a
// supervisor of another department.
type Complaint struct {
	DealerID org.DealerID   `json:"dealer_id"`
	ID       ComplaintID    `json:"id"`
	State    ComplaintState `json:"state"`
	// WorkOrder and Advisor say what the complaint is against; both empty
	// means the department as a whole.
	WorkOrder   WorkOrderID    `json:"work_order,omitempty"`
	Advisor     org.EmployeeID `json:"advisor,omitempty"`
	Customer    Customer       `json:"customer"`
	Description string         `json:"description"`
	Channel     Channel        `json:"channel"`
	OpenedBy    org.Actor      `json:"opened_by"`
	OpenedAt    time.Time      `json:"opened_at"`
	// DueAt is when the complaint must be resolved; past it, it is overdue.
	DueAt time.Time `json:"due_at"`
	// Handler is the supervisor handling it.
	Handler       org.EmployeeID `json:"handler,omitempty"`
	Investigation string         `json:"investigation,omitempty"`
	Resolution    string         `json:"resolution,omitempty"`
	// CustomerInformed records how the resolution was told to the customer.
	CustomerInformed string    `json:"customer_informed,omitempty"`
	ResolvedAt       time.Time `json:"resolved_at,omitzero"`
	ClosedAt         time.Time `json:"closed_at,omitzero"`
	Version          int64     `json:"version"`
}

// Overdue reports whether c is unresolved past its due time at now.
func (c Complaint) Overdue(now time.Time) bool {
	return (c.State == ComplaintOpen || c.State == ComplaintInvestigating) && now.After(c.DueAt)
}

// Age is how long c has been (or was) open at now.
func (c Complaint) Age(now time.Time) time.Duration {
	end := now
	if !c.ResolvedAt.IsZero() {
		end = c.ResolvedAt
	}
	return end.Sub(c.OpenedAt)
}

// ComplaintQuery selects complaints, ordered by ID.
type ComplaintQuery struct {
	State        ComplaintState `json:"state,omitempty"`
	Advisor      org.EmployeeID `json:"advisor,omitempty"`
	OpenedFrom   time.Time      `json:"opened_from,omitzero"`
	OpenedBefore time.Time      `json:"opened_before,omitzero"`
	After        ComplaintID    `json:"after,omitempty"`
	Limit        int            `json:"limit,omitempty"`
}

// Survey is a customer's satisfaction answer for one work order (R2.3,
// R6.1): at most one per order.
type Survey struct {
	DealerID  org.DealerID   `json:"dealer_id"`
	WorkOrder WorkOrderID    `json:"work_order"`
	Advisor   org.EmployeeID `json:"advisor"`
	// Score is on the scale [ScaleMin, ScaleMax] configured when answered.
	Score    decimal.Decimal `json:"score"`
	ScaleMin decimal.Decimal `json:"scale_min"`
	ScaleMax decimal.Decimal `json:"scale_max"`
	Comment  string          `json:"comment,omitempty"`
	// Source is how the answer came: "call" (a follow-up call), "link".
	Source     string    `json:"source"`
	AnsweredAt time.Time `json:"answered_at"`
	RecordedBy org.Actor `json:"recorded_by"`
	Version    int64     `json:"version"`
}

// Normalized is the score on 0 to 100: (score-min)/(max-min)*100, exact
// to 4 decimal places, half up.
func (s Survey) Normalized() decimal.Decimal {
	span := s.ScaleMax.Sub(s.ScaleMin)
	if !span.IsPositive() {
		return decimal.Zero
	}
	return s.Score.Sub(s.ScaleMin).Mul(decimal.NewFromInt(100)).DivRound(span, 4)
}

// SurveyQuery selects survey answers, ordered by work order ID.
type SurveyQuery struct {
	Advisor        org.EmployeeID `json:"advisor,omitempty"`
	AnsweredFrom   time.Time      `json:"answered_from,omitzero"`
	AnsweredBefore time.Time      `json:"answered_before,omitzero"`
	After          WorkOrderID    `json:"after,omitempty"`
	Limit          int            `json:"limit,omitempty"`
}
