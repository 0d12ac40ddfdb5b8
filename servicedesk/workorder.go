package servicedesk

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// WorkOrderID names a work order (repair order) within a dealer.
type WorkOrderID string

// Channel is how the customer reached the department (R2.3).
type Channel string

// The channels of R2.3.
const (
	ChannelWalkIn Channel = "walk_in"
	ChannelPhone  Channel = "phone"
	ChannelOnline Channel = "online"
)

// Transport is how the customer gets on while the car is in.
type Transport string

// Transport choices.
const (
	TransportWaiter  Transport = "waiter"
	TransportDropOff Transport = "drop_off"
	TransportLoaner  Transport = "loaner"
)

// Customer is who brought the car (R3.1c).
type Customer struct {
	Name  string `json:"name" validate:"notblank,max=200"`
	Phone string `json:"phone" validate:"required_without=Email,omitempty,phone"`
	Email string `json:"email" validate:"omitempty,max=254,email"`
}

// Vehicle is the car (R3.1c).
type Vehicle struct {
	Make  string `json:"make" validate:"notblank,max=60"`
	Model string `json:"model" validate:"notblank,max=60"`
	Year  int    `json:"year" validate:"omitempty,gte=1900,lte=2100"`
	// VIN is checked for form (17 characters, no I, O or Q) and, for
	// North American VINs, its check digit.
	VIN       string `json:"vin" validate:"omitempty,len=17"`
	Plate     string `json:"plate" validate:"omitempty,max=20"`
	MileageIn int64  `json:"mileage_in" validate:"gte=0,lte=10000000"`
	// MileageOut is recorded at delivery.
	MileageOut int64 `json:"mileage_out,omitempty"`
}

// Concern is one problem in the customer's own words (R3.1c).
type Concern struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// ConditionStatus grades one item of the walk-around (R3.1d).
type ConditionStatus string

// Condition statuses.
const (
	ConditionOK        ConditionStatus = "ok"
	ConditionAttention ConditionStatus = "attention"
	ConditionDamaged   ConditionStatus = "damaged"
)

// ConditionItem is one exterior or interior item of the walk-around.
type ConditionItem struct {
	Area   string          `json:"area" validate:"notblank,max=100"`
	Status ConditionStatus `json:"status" validate:"oneof=ok attention damaged"`
	Note   string          `json:"note,omitempty" validate:"max=500"`
	// Photos are references to pictures the host stores.
	Photos []string `json:"photos,omitempty" validate:"max=20,dive,notblank,max=500"`
}

// ConditionReport is the walk-around inspection at reception (R3.1d).
type ConditionReport struct {
	Items      []ConditionItem `json:"items"`
	RecordedBy org.EmployeeID  `json:"recorded_by"`
	RecordedAt time.Time       `json:"recorded_at"`
	// AcknowledgedAt is when the customer was shown the report and agreed.
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
	AcknowledgedBy string    `json:"acknowledged_by,omitempty"`
}

// Finding is the joint diagnosis of one concern (R3.2a).
type Finding struct {
	ConcernID  string         `json:"concern_id"`
	Cause      string         `json:"cause"`
	Correction string         `json:"correction"`
	Advisor    org.EmployeeID `json:"advisor"`
	Technician org.EmployeeID `json:"technician"`
	At         time.Time      `json:"at"`
}

// LineKind is what a job line charges for.
type LineKind string

// Line kinds.
const (
	LineLabor  LineKind = "labor"
	LinePart   LineKind = "part"
	LineFee    LineKind = "fee"
	LineSublet LineKind = "sublet"
)

// Line is one priced line of a job, as the Pricer priced it: what is
// stored is what is billed. Quantity x UnitPrice, rounded, is Amount.
type Line struct {
	Kind LineKind `json:"kind"`
	// Code is the operation code, part number, fee code or sublet vendor.
	Code        string `json:"code"`
	Description string `json:"description"`
	// Quantity is what is billed: for labor, the hours after the book's
	// increment and minimum.
	Quantity decimal.Decimal `json:"quantity"`
	// UnitPrice is the price of one unit as the Pricer found it: the
	// book's rate, the markup matrix's or list price, the fee's price, the
	// sublet's marked-up cost, or a price set by hand.
	UnitPrice decimal.Decimal `json:"unit_price"`
	// Cost is the dealer's unit cost of a part (which the markup matrix
	// prices) or of sublet work; zero when not known.
	Cost decimal.Decimal `json:"cost,omitzero"`
	// Amount is set by the Pricer.
	Amount decimal.Decimal `json:"amount"`
	// PricedBy says how UnitPrice was found.
	PricedBy PriceSource `json:"priced_by,omitempty"`
	// PriceReason is why a price was set by hand (PricedBy PricedManual).
	PriceReason string `json:"price_reason,omitempty"`
}

// PriceSource is how a line's unit price was found.
type PriceSource string

// Price sources.
const (
	PricedEntered PriceSource = "entered" // LinePricer: the price the advisor entered
	PricedRate    PriceSource = "rate"    // the book's labor rate
	PricedMatrix  PriceSource = "matrix"  // the book's parts markup matrix, from the cost
	PricedList    PriceSource = "list"    // the part's list price
	PricedFee     PriceSource = "fee"     // the book's fee
	PricedSublet  PriceSource = "sublet"  // vendor cost plus the book's sublet markup
	PricedManual  PriceSource = "manual"  // set by hand, with a reason, where the book allows it
)

// JobStatus is where a job stands with the customer and the workshop.
type JobStatus string

// Job statuses. Only an approved job can be booked, worked or billed
// (R3.2c, R3.3b).
const (
	JobProposed JobStatus = "proposed"
	JobApproved JobStatus = "approved"
	JobDeclined JobStatus = "declined" // kept as deferred work to offer later
	JobDone     JobStatus = "done"
)

// Job is one piece of work the customer approves or declines on its own.
type Job struct {
	ID        string `json:"id"`
	ConcernID string `json:"concern_id,omitempty"`
	Title     string `json:"title"`
	Lines     []Line `json:"lines"`
	// Hours is the estimated time.
	Hours decimal.Decimal `json:"hours"`
	Total decimal.Decimal `json:"total"`
	// Supplement is 0 for the original estimate and n for the n-th added
	// work found during repair (R3.3b).
	Supplement int       `json:"supplement"`
	Status     JobStatus `json:"status"`
	// Performed is what the technician reported doing when they finished
	// the job (R3.4a); empty: the lines as estimated. Settlement reconciles
	// the bill against it (R3.4b).
	Performed []PerformedLine `json:"performed,omitempty"`
}

// PerformedLine is one line of what a technician did on a job: the
// estimate line it matches by kind and code, or one they add (a part drawn
// from stock, an operation not estimated).
type PerformedLine struct {
	Kind LineKind `json:"kind" validate:"oneof=labor part fee sublet"`
	Code string   `json:"code" validate:"notblank,max=64"`
	// Quantity is hours for labor, units for parts and fees, one for a
	// sublet.
	Quantity decimal.Decimal `json:"quantity"`
	// Clocked is the technician's actual time on a labor line, for
	// efficiency; it never changes the bill.
	Clocked decimal.Decimal `json:"clocked,omitzero"`
}

// ApprovalMethod is how the customer gave consent.
type ApprovalMethod string

// Approval methods.
const (
	ApprovalInPerson  ApprovalMethod = "in_person"
	ApprovalPhone     ApprovalMethod = "phone"
	ApprovalSMS       ApprovalMethod = "sms"
	ApprovalEmail     ApprovalMethod = "email"
	ApprovalSignature ApprovalMethod = "signature"
)

// Approval is the customer's decision on jobs: the evidence of consent
// (R3.2c, R3.3b).
type Approval struct {
	// Supplement is 0 for the estimate, n for the n-th supplement, -1 for
	// an overrun accepted at settlement ([Service.ApproveOverrun]).
	Supplement int      `json:"supplement"`
	Approved   []string `json:"approved"`
	Declined   []string `json:"declined"`
	// ApprovedBy is the customer (or their representative) who decided.
	ApprovedBy string         `json:"approved_by"`
	Method     ApprovalMethod `json:"method"`
	// Evidence is the record of the consent that 16 CCR 3353 asks for:
	// a signature or message reference, the number or address, when, the
	// work and total as told ([ConsentRules] says which, per method).
	Evidence ConsentEvidence `json:"evidence,omitzero"`
	// Total is the amount approved in this decision; NewTotal the order's
	// approved total after it.
	Total      decimal.Decimal `json:"total"`
	NewTotal   decimal.Decimal `json:"new_total"`
	RecordedBy org.EmployeeID  `json:"recorded_by"`
	At         time.Time       `json:"at"`
}

// Booking is the repair's slot on a technician's calendar (R3.2c).
type Booking struct {
	Technician org.EmployeeID `json:"technician"`
	Start      time.Time      `json:"start"`
	End        time.Time      `json:"end"`
	Notes      string         `json:"notes,omitempty"`
	Outcome    BookingOutcome `json:"outcome,omitempty"`
}

// BookingOutcome is what became of a booking; it feeds the advisor's
// appointment success rate (R6.1).
type BookingOutcome string

// Booking outcomes.
const (
	OutcomePending     BookingOutcome = ""
	OutcomeKept        BookingOutcome = "kept"
	OutcomeNoShow      BookingOutcome = "no_show"
	OutcomeRescheduled BookingOutcome = "rescheduled"
	OutcomeCancelled   BookingOutcome = "cancelled"
)

// Note is a progress note from a technician or advisor (R3.3a).
type Note struct {
	By   org.Actor `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Inspection is one final inspection (R3.3c).
type Inspection struct {
	By     org.EmployeeID    `json:"by"`
	At     time.Time         `json:"at"`
	Items  []InspectionCheck `json:"items"`
	Passed bool              `json:"passed"`
}

// InspectionCheck is one line of the final inspection checklist.
type InspectionCheck struct {
	Item   string `json:"item" validate:"notblank,max=100"`
	Passed bool   `json:"passed"`
	Note   string `json:"note,omitempty" validate:"max=500"`
}

// WorkOrder is one visit of one vehicle, from reception to delivery.
type WorkOrder struct {
	DealerID org.DealerID   `json:"dealer_id"`
	ID       WorkOrderID    `json:"id"`
	State    State          `json:"state"`
	Advisor  org.EmployeeID `json:"advisor"`
	Channel  Channel        `json:"channel"`
	Customer Customer       `json:"customer"`
	Vehicle  Vehicle        `json:"vehicle"`
	Concerns []Concern      `json:"concerns"`
	// PromisedAt is when the customer was told the car would be ready.
	PromisedAt time.Time        `json:"promised_at,omitzero"`
	Transport  Transport        `json:"transport"`
	Condition  *ConditionReport `json:"condition,omitempty"`
	Findings   []Finding        `json:"findings,omitempty"`
	// EstimateRevision counts estimates given; history is in the events.
	EstimateRevision int        `json:"estimate_revision"`
	Jobs             []Job      `json:"jobs,omitempty"`
	Approvals        []Approval `json:"approvals,omitempty"`
	Booking          *Booking   `json:"booking,omitempty"`
	// PastBookings are earlier bookings with their outcomes (R6.1).
	PastBookings []Booking    `json:"past_bookings,omitempty"`
	Notes        []Note       `json:"notes,omitempty"`
	PauseReason  string       `json:"pause_reason,omitempty"`
	Inspections  []Inspection `json:"inspections,omitempty"`
	// Reworks counts failed final inspections (R3.3c).
	Reworks     int       `json:"reworks"`
	Explanation string    `json:"explanation,omitempty"`
	ReadyAt     time.Time `json:"ready_at,omitzero"`
	// ApprovedOverrun is what the customer accepted above the approved jobs
	// when the final bill came out higher (R3.4; [Service.ApproveOverrun]).
	ApprovedOverrun decimal.Decimal `json:"approved_overrun"`
	// Settlement is the billing document that settled the order (R3.4).
	Settlement   string          `json:"settlement,omitempty"`
	SettledTotal decimal.Decimal `json:"settled_total"`
	SettledAt    time.Time       `json:"settled_at,omitzero"`
	DeliveredAt  time.Time       `json:"delivered_at,omitzero"`
	CancelReason string          `json:"cancel_reason,omitempty"`
	Version      int64           `json:"version"`
	OpenedAt     time.Time       `json:"opened_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// Clone returns a deep copy of w.
func (w WorkOrder) Clone() WorkOrder {
	w.Concerns = slices.Clone(w.Concerns)
	if w.Condition != nil {
		c := *w.Condition
		c.Items = slices.Clone(c.Items)
		for i := range c.Items {
			c.Items[i].Photos = slices.Clone(c.Items[i].Photos)
		}
		w.Condition = &c
	}
	w.Findings = slices.Clone(w.Findings)
	w.Jobs = slices.Clone(w.Jobs)
	for i := range w.Jobs {
		w.Jobs[i].Lines = slices.Clone(w.Jobs[i].Lines)
		w.Jobs[i].Performed = slices.Clone(w.Jobs[i].Performed)
	}
	w.Approvals = slices.Clone(w.Approvals)
	for i := range w.Approvals {
		w.Approvals[i].Approved = slices.Clone(w.Approvals[i].Approved)
		w.Approvals[i].Declined = slices.Clone(w.Approvals[i].Declined)
	}
	if w.Booking != nil {
		b := *w.Booking
		w.Booking = &b
	}
	w.PastBookings = slices.Clone(w.PastBookings)
	w.Notes = slices.Clone(w.Notes)
	w.Inspections = slices.Clone(w.Inspections)
	for i := range w.Inspections {
		w.Inspections[i].Items = slices.Clone(w.Inspections[i].Items)
	}
	return w
}

// Job returns the job with id.
func (w *WorkOrder) Job(id string) (*Job, bool) {
	for i := range w.Jobs {
		if w.Jobs[i].ID == id {
			return &w.Jobs[i], true
		}
	}
	return nil, false
}

// Consents returns every decision the customer took on the order, oldest
// first: the estimate's approval, each supplement's decision and each
// overrun accepted, with who decided, how, the evidence and the totals.
// 16 CCR 3353 and R3.4c, R3.4e want each of them on the printed work order
// and on the invoice: a host's renderer lists them from here. The result is
// a copy.
func (w *WorkOrder) Consents() []Approval {
	out := slices.Clone(w.Approvals)
	for i := range out {
		out[i].Approved = slices.Clone(out[i].Approved)
		out[i].Declined = slices.Clone(out[i].Declined)
	}
	return out
}

// ApprovedTotal is the sum of the approved and done jobs, plus any excess
// the customer accepted at settlement: what the customer agreed to pay.
func (w *WorkOrder) ApprovedTotal() decimal.Decimal {
	sum := w.ApprovedOverrun
	for _, j := range w.Jobs {
		if j.Status == JobApproved || j.Status == JobDone {
			sum = sum.Add(j.Total)
		}
	}
	return sum
}

// Billable returns the jobs that may be billed: approved by the customer
// (R3.2c, R3.3b).
func (w *WorkOrder) Billable() []Job {
	var out []Job
	for _, j := range w.Jobs {
		if j.Status == JobApproved || j.Status == JobDone {
			out = append(out, j)
		}
	}
	return out
}

// PendingSupplement reports whether added work awaits the customer's
// decision.
func (w *WorkOrder) PendingSupplement() bool {
	for _, j := range w.Jobs {
		if j.Supplement > 0 && j.Status == JobProposed {
			return true
		}
	}
	return false
}

// LastInspection returns the latest final inspection.
func (w *WorkOrder) LastInspection() (Inspection, bool) {
	if len(w.Inspections) == 0 {
		return Inspection{}, false
	}
	return w.Inspections[len(w.Inspections)-1], true
}
