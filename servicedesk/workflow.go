package servicedesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Ref names the order a command is for, with the version the caller read
// (zero: do not check).
type Ref struct {
	ID              WorkOrderID `json:"id" validate:"required,max=64"`
	ExpectedVersion int64       `json:"expected_version" validate:"gte=0"`
}

// ConditionInput is the walk-around report (R3.1d).
type ConditionInput struct {
	Items []ConditionItem `json:"items" validate:"min=1,max=100,dive"`
}

// RecordCondition records the walk-around inspection of the vehicle's
// exterior and interior (R3.1d). It may be recorded again until the
// customer acknowledges it.
func (s *Service) RecordCondition(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in ConditionInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdRecordCondition), dealer, actor)
	defer ob.End(&err)
	if err := shape("record condition", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdRecordCondition, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, _ *Change) error {
			w.Condition = &ConditionReport{Items: slices.Clone(in.Items), RecordedBy: actor.ID, RecordedAt: now}
			return nil
		}})
}

// Acknowledgement is the customer's acknowledgement of the walk-around.
type Acknowledgement struct {
	// By is the customer (or representative) who saw the report.
	By string `json:"by" validate:"notblank,max=200"`
}

// Acknowledge records that the customer was shown the walk-around report
// and agreed with it (R3.1d).
func (s *Service) Acknowledge(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in Acknowledgement) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdAcknowledge), dealer, actor)
	defer ob.End(&err)
	if err := shape("acknowledge condition", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdAcknowledge, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, _ *Change) error {
			w.Condition.AcknowledgedAt, w.Condition.AcknowledgedBy = now, in.By
			return nil
		}})
}

// FindingInput is the diagnosis of one concern.
type FindingInput struct {
	ConcernID  string `json:"concern_id" validate:"required,max=20"`
	Cause      string `json:"cause" validate:"notblank,max=2000"`
	Correction string `json:"correction" validate:"notblank,max=2000"`
}

// DiagnosisInput is the joint diagnosis of advisor and technician (R3.2a).
type DiagnosisInput struct {
	// Technician diagnosed with the advisor; required when an advisor
	// records it. When a technician records it, the order's advisor is the
	// other party.
	Technician org.EmployeeID `json:"technician" validate:"omitempty,max=64"`
	Findings   []FindingInput `json:"findings" validate:"min=1,max=20,dive"`
}

// Diagnose records findings made by the advisor and a technician together
// (R3.2a): per concern, the cause and the proposed correction. A later
// finding for the same concern replaces the earlier one.
func (s *Service) Diagnose(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in DiagnosisInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdDiagnose), dealer, actor)
	defer ob.End(&err)
	ve := shape("diagnose", in)
	tech := in.Technician
	if actor.Role == org.RoleTechnician {
		tech = actor.ID
	} else if tech == "" {
		ve.Add("technician", org.CodeRequired, "the diagnosis is made with a technician (R3.2a)")
	}
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdDiagnose, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, now time.Time, ve *org.ValidationError, _ *Change) error {
			if err := s.employeeIn(ctx, dealer, tech, org.RoleTechnician, "technician", ve); err != nil {
				return err
			}
			for i, f := range in.Findings {
				if !slices.ContainsFunc(w.Concerns, func(c Concern) bool { return c.ID == f.ConcernID }) {
					ve.Add(fmt.Sprintf("findings[%d].concern_id", i), org.CodeNotFound, "no such concern on this order")
					continue
				}
				w.Findings = slices.DeleteFunc(w.Findings, func(x Finding) bool { return x.ConcernID == f.ConcernID })
				w.Findings = append(w.Findings, Finding{ConcernID: f.ConcernID, Cause: f.Cause, Correction: f.Correction,
					Advisor: w.Advisor, Technician: tech, At: now})
			}
			return nil
		}})
}

// LineInput is one line of a job as the advisor writes it. Which prices
// it needs depends on the Service's Pricer. With [LinePricer] the line
// costs Quantity x UnitPrice. With [BookPricer] the price book prices it:
// labor at the book's rate for Quantity hours, a part from its Cost by the
// markup matrix (else at UnitPrice as its list price), a fee at the book's
// price, a sublet from its vendor Cost plus the book's markup. There a
// UnitPrice is optional; one that differs from the book's price is refused,
// unless it is a labor rate or a part price, the book's ManualPrices lets
// the actor's role set prices by hand, and PriceReason says why.
type LineInput struct {
	Kind LineKind `json:"kind" validate:"oneof=labor part fee sublet"`
	Code string   `json:"code" validate:"notblank,max=64"`
	// Description is one line of at most 200 characters: it becomes the
	// bill line's, which an invoice prints in its table and billing's
	// Settle holds to one line (docs/CONVENTIONS.md, "The one input
	// policy").
	Description string          `json:"description" validate:"notblank,max=200"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	// Cost is the dealer's unit cost of a part or of sublet work.
	Cost decimal.Decimal `json:"cost"`
	// PriceReason is why UnitPrice is set by hand.
	PriceReason string `json:"price_reason" validate:"max=500"`
}

// JobInput is one job of an estimate or a supplement.
type JobInput struct {
	// ID, when empty, is made: j1, j2, ... in order.
	ID        string          `json:"id" validate:"omitempty,max=20,ident"`
	ConcernID string          `json:"concern_id" validate:"omitempty,max=20"`
	Title     string          `json:"title" validate:"notblank,max=200"`
	Hours     decimal.Decimal `json:"hours"`
	Lines     []LineInput     `json:"lines" validate:"min=1,max=100,dive"`
}

// EstimateInput is an estimate revision (R3.2b).
type EstimateInput struct {
	Jobs []JobInput `json:"jobs" validate:"min=1,max=50,dive"`
}

// Estimate gives the customer an estimate: jobs with their lines, priced by
// the Pricer, and estimated hours (R3.2b). Giving it again makes a new
// revision that replaces the jobs awaiting a decision; history stays in the
// audit trail.
func (s *Service) Estimate(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in EstimateInput) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdEstimate), dealer, actor)
	defer ob.End(&err)
	ve := shape("estimate", in)
	checkJobAmounts(ve, "jobs", in.Jobs)
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdEstimate, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(ctx context.Context, w *WorkOrder, _ Transition, _ time.Time, ve *org.ValidationError, _ *Change) error {
			w.Jobs = slices.DeleteFunc(w.Jobs, func(j Job) bool { return j.Supplement == 0 && j.Status == JobProposed })
			jobs, err := s.newJobs(ctx, dealer, actor, w, in.Jobs, 0, "jobs", ve)
			if err != nil || len(ve.Fields) > 0 {
				return err
			}
			w.Jobs = append(w.Jobs, jobs...)
			w.EstimateRevision++
			return nil
		}})
}

// newJobs validates job inputs against the order and prices them.
func (s *Service) newJobs(ctx context.Context, dealer org.DealerID, actor org.Actor, w *WorkOrder, in []JobInput, supplement int, path string, ve *org.ValidationError) ([]Job, error) {
	var jobs []Job
	n := len(w.Jobs)
	for i, ji := range in {
		id := ji.ID
		if id == "" {
			n++
			id = fmt.Sprintf("j%d", n)
			for _, taken := w.Job(id); taken; _, taken = w.Job(id) {
				n++
				id = fmt.Sprintf("j%d", n)
			}
		}
		if _, dup := w.Job(id); dup || slices.ContainsFunc(jobs, func(j Job) bool { return j.ID == id }) {
			ve.Add(fmt.Sprintf("%s[%d].id", path, i), org.CodeDuplicate, "a job with this ID exists on the order")
		}
		if ji.ConcernID != "" && !slices.ContainsFunc(w.Concerns, func(c Concern) bool { return c.ID == ji.ConcernID }) {
			ve.Add(fmt.Sprintf("%s[%d].concern_id", path, i), org.CodeNotFound, "no such concern on this order")
		}
		j := Job{ID: id, ConcernID: ji.ConcernID, Title: ji.Title, Hours: jobHours(ji), Supplement: supplement, Status: JobProposed}
		for _, li := range ji.Lines {
			j.Lines = append(j.Lines, Line{Kind: li.Kind, Code: li.Code, Description: li.Description, Quantity: li.Quantity, UnitPrice: li.UnitPrice,
				Cost: li.Cost, PriceReason: strings.TrimSpace(li.PriceReason)})
		}
		jobs = append(jobs, j)
	}
	if len(ve.Fields) > 0 {
		return nil, nil
	}
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return nil, err
	}
	priced, err := s.pricer.PriceJobs(ctx, d, actor, jobs)
	if pve, ok := errors.AsType[*org.ValidationError](err); ok {
		// The Pricer speaks of the jobs it was given, which are the
		// input's, in order: its problems are the command's (Op and all).
		for _, f := range pve.Fields {
			if rest, ok := strings.CutPrefix(f.Path, "jobs"); ok {
				f.Path = path + rest
			}
			ve.Fields = append(ve.Fields, f)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("servicedesk: pricing jobs: %w", err)
	}
	for i, j := range priced {
		for k, l := range j.Lines {
			if l.Amount.Abs().GreaterThan(MaxLineAmount) || l.UnitPrice.Abs().GreaterThan(MaxLineAmount) {
				ve.Add(fmt.Sprintf("%s[%d].lines[%d]", path, i, k), org.CodeRange,
					fmt.Sprintf("is priced at %s x %s = %s: a line's unit price and amount are at most %s", l.Quantity, l.UnitPrice, l.Amount, MaxLineAmount))
			}
		}
	}
	if len(ve.Fields) > 0 {
		return nil, nil
	}
	return priced, nil
}

// Bounds of a job's numbers beyond every input's (docs/CONVENTIONS.md,
// "Input bounds"): no job takes more hours, no line more units, and no
// line is priced above MaxLineAmount a unit or in all. The last keeps
// every sum a bill makes of its lines (totals, tax, payments) within the
// 20 digits before the point that billing's Settle holds a bill to: a
// unit cost of 20 digits, marked up, times 100,000 units would be an
// estimate the desk accepts and billing can never settle.
var (
	MaxJobHours     = decimal.NewFromInt(1000)
	MaxLineQuantity = decimal.NewFromInt(100000)
	MaxLineAmount   = decimal.New(1, 12)
)

// jobHours is a job's estimated hours: as given, or, when not given, the
// hours of its labor lines (a job with labor never estimates 0 hours).
func jobHours(j JobInput) decimal.Decimal {
	if !j.Hours.IsZero() {
		return j.Hours
	}
	h := decimal.Zero
	for _, l := range j.Lines {
		if l.Kind == LineLabor {
			h = h.Add(l.Quantity)
		}
	}
	return h
}

// checkJobAmounts checks what tags cannot say about decimals.
func checkJobAmounts(ve *org.ValidationError, path string, jobs []JobInput) {
	for i, j := range jobs {
		hp := fmt.Sprintf("%s[%d].hours", path, i)
		switch {
		case ve.Has(hp):
		case j.Hours.IsNegative():
			ve.Add(hp, org.CodeRange, "must not be negative")
		case j.Hours.GreaterThan(MaxJobHours):
			ve.Add(hp, org.CodeRange, "must be at most "+MaxJobHours.String())
		}
		for k, l := range j.Lines {
			p := fmt.Sprintf("%s[%d].lines[%d]", path, i, k)
			switch {
			case ve.Has(p + ".quantity"):
			case !l.Quantity.IsPositive():
				ve.Add(p+".quantity", org.CodeRange, "must be above zero")
			case l.Quantity.GreaterThan(MaxLineQuantity):
				ve.Add(p+".quantity", org.CodeRange, "must be at most "+MaxLineQuantity.String())
			}
			if l.UnitPrice.IsNegative() {
				ve.Add(p+".unit_price", org.CodeRange, "must not be negative; discounts belong to billing")
			}
			if l.Cost.IsNegative() {
				ve.Add(p+".cost", org.CodeRange, "must not be negative")
			}
		}
	}
}

// Consent is the customer's decision on every job awaiting one (R3.2c,
// R3.3b), with the evidence of how it was given.
type Consent struct {
	Approved []string `json:"approved" validate:"max=50,unique,dive,required"`
	Declined []string `json:"declined" validate:"max=50,unique,dive,required"`
	// By is the customer (or representative) who decided.
	By     string         `json:"by" validate:"notblank,max=200"`
	Method ApprovalMethod `json:"method" validate:"oneof=in_person phone sms email signature"`
	// Evidence must carry the fields the Service's ConsentRules require
	// for Method; by phone, TotalTold is the total of the jobs approved.
	Evidence ConsentEvidence `json:"evidence"`
}

// Approve records the customer's decision on the estimate, job by job
// (R3.2c). Every job awaiting a decision must be approved or declined.
// Declined jobs stay on the order as deferred work. With at least one job
// approved the order can be booked; with none it stays estimated. The
// consent must carry the evidence its method needs ([ConsentRules]); a
// consent without it is refused, naming each missing field, and nothing
// is stored.
func (s *Service) Approve(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in Consent) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdApprove), dealer, actor)
	defer ob.End(&err)
	if err := shape("record approval", in).Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdApprove, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, ve *org.ValidationError, _ *Change) error {
			s.decide(w, 0, in, actor, now, ve)
			if slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Status == JobApproved }) {
				w.State = StateApproved
			} else {
				w.State = StateEstimated
			}
			return nil
		}})
}

// decide applies a consent to the proposed jobs of one supplement and
// checks its evidence against the total it approves.
func (s *Service) decide(w *WorkOrder, supplement int, in Consent, actor org.Actor, now time.Time, ve *org.ValidationError) {
	pending := map[string]bool{}
	for _, j := range w.Jobs {
		if j.Supplement == supplement && j.Status == JobProposed {
			pending[j.ID] = true
		}
	}
	total := decimal.Zero
	mark := func(path string, ids []string, status JobStatus) {
		for i, id := range ids {
			j, ok := w.Job(id)
			switch {
			case !ok || j.Supplement != supplement:
				ve.Add(fmt.Sprintf("%s[%d]", path, i), org.CodeNotFound, "no such job awaiting this decision")
			case !pending[id]:
				ve.Add(fmt.Sprintf("%s[%d]", path, i), org.CodeDuplicate, "this job is already decided, or named twice")
			default:
				j.Status = status
				delete(pending, id)
				if status == JobApproved {
					total = total.Add(j.Total)
				}
			}
		}
	}
	mark("approved", in.Approved, JobApproved)
	mark("declined", in.Declined, JobDeclined)
	if len(pending) > 0 {
		var ids []string
		for id := range pending {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		ve.Add("approved", org.CodeRequired, "every job must be approved or declined; undecided: "+strings.Join(ids, ", "))
	}
	ev := s.checkConsent(ve, "", in.Method, in.By, in.Evidence, total, w.OpenedAt, now) // R3.2c, R3.3b
	w.Approvals = append(w.Approvals, Approval{Supplement: supplement, Approved: slices.Clone(in.Approved), Declined: slices.Clone(in.Declined),
		ApprovedBy: in.By, Method: in.Method, Evidence: ev, Total: total, NewTotal: w.ApprovedTotal(), RecordedBy: actor.ID, At: now})
}
