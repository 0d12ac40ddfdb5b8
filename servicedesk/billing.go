package servicedesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// Biller is what servicedesk needs from billing to settle a work order:
// *billing.Service has it.
type Biller interface {
	ActivePriceBook(ctx context.Context, dealer org.DealerID) (billing.PriceBook, error)
	Prepare(ctx context.Context, dealer org.DealerID, actor org.Actor, in billing.SettleInput) (billing.Prepared, error)
}

// BookPricer prices estimates with the dealer's active price book, so that
// an estimate and its final bill agree to the cent. Lines map to the book
// as [BillingOrder] maps them.
type BookPricer struct {
	Billing Biller
}

// PriceJobs implements Pricer: each job's total is what its own lines cost
// before tax (with tax when the book's prices include it).
func (p BookPricer) PriceJobs(ctx context.Context, dealer org.Dealer, jobs []Job) ([]Job, error) {
	book, err := p.Billing.ActivePriceBook(ctx, dealer.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Job, len(jobs))
	for i, j := range jobs {
		bill, err := billing.Price(&book, BillingOrder(&WorkOrder{ID: "estimate", Jobs: []Job{j}}, nil, true))
		if err != nil {
			return nil, fmt.Errorf("servicedesk: pricing job %s with price book %s: %w", j.ID, book.Version, err)
		}
		j.Lines = slices.Clone(j.Lines)
		j.Total = decimal.Zero
		for k := range j.Lines {
			j.Lines[k].Amount = decimal.Zero
		}
		// The job's own lines only: fees the book adds to the whole order
		// (shop supplies) are not a job's, and the overrun policy allows
		// for them at settlement.
		for _, pb := range bill.Payers {
			for _, bl := range pb.Lines {
				if bl.Job != j.ID || bl.Kind == billing.KindDeductible {
					continue
				}
				if k := lineIndex(j, bl); k >= 0 {
					j.Lines[k].Amount = j.Lines[k].Amount.Add(bl.Net)
				}
				j.Total = j.Total.Add(bl.Net)
			}
		}
		out[i] = j
	}
	return out, nil
}

func lineIndex(j Job, bl billing.Line) int {
	return slices.IndexFunc(j.Lines, func(l Line) bool { return l.Code == bl.Code && string(l.Kind) == string(bl.Kind) })
}

// BillingOrder turns a work order's jobs into a billing order: approved
// and done jobs only (R3.2c, R3.3b: nothing the customer did not approve is
// billed), unless all is set (estimates price every job). payTypes gives a
// job's payer; a job not in it is customer pay. Labor lines bill their
// quantity as hours on their code as operation; part lines their quantity
// at their unit price; fee lines ask for the book's per-unit fee of their
// code; sublet lines are vendor cost.
func BillingOrder(w *WorkOrder, payTypes map[string]billing.PayType, all bool) billing.Order {
	o := billing.Order{WorkOrder: string(w.ID)}
	for _, j := range w.Jobs {
		if !all && j.Status != JobApproved && j.Status != JobDone {
			continue
		}
		bj := billing.Job{ID: j.ID, Title: j.Title, PayType: billing.PayCustomer}
		if pt, ok := payTypes[j.ID]; ok {
			bj.PayType = pt
		}
		for _, l := range j.Lines {
			switch l.Kind {
			case LineLabor:
				bj.Labor = append(bj.Labor, billing.LaborItem{Op: l.Code, Description: l.Description, Hours: l.Quantity})
			case LinePart:
				bj.Parts = append(bj.Parts, billing.PartItem{Number: l.Code, Description: l.Description, Quantity: l.Quantity, Sell: l.UnitPrice})
			case LineFee:
				bj.Fees = append(bj.Fees, billing.FeeItem{Code: l.Code, Quantity: l.Quantity})
			case LineSublet:
				bj.Sublets = append(bj.Sublets, billing.SubletItem{Vendor: l.Code, Description: l.Description, Cost: l.Quantity.Mul(l.UnitPrice)})
			}
		}
		o.Jobs = append(o.Jobs, bj)
	}
	return o
}

// SettleBill settles a ready order through billing in one atomic step
// (R3.4): the bill is reconciled against the technician's lines, the
// customer's confirmation and payments recorded, one invoice or receipt
// issued per payer with gapless numbers, and the order moves to settled in
// the same commit. A bill above the approved estimate by more than the
// price book's overrun policy is refused until the customer approves the
// excess (the supplement flow): never a silent overrun. Settling again
// with the same key returns the order as the first call left it.
func (s *Service) SettleBill(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in billing.SettleInput) (WorkOrder, []billing.Document, error) {
	if s.biller == nil {
		return WorkOrder{}, nil, fmt.Errorf("servicedesk: settle bill: Config.Billing is not set: %w", ErrInvalid)
	}
	in.WorkOrder = string(ref.ID)
	for attempt := 0; ; attempt++ {
		w, docs, err := s.settleOnce(ctx, dealer, actor, ref, in)
		if !errors.Is(err, ErrConflict) || ref.ExpectedVersion != 0 || attempt >= 50 {
			return w, docs, err
		}
		// A concurrent settlement took the next document number, or settled
		// this key: prepare again.
	}
}

func (s *Service) settleOnce(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in billing.SettleInput) (WorkOrder, []billing.Document, error) {
	before, err := s.store.WorkOrder(ctx, dealer, ref.ID)
	if err != nil {
		return WorkOrder{}, nil, fmt.Errorf("servicedesk: settle bill %s: %w", ref.ID, err)
	}
	in.Advisor = before.Advisor
	if _, terr := check(&before, CmdSettle, actor, s.opts); terr != nil {
		// Settled already with this key: the same documents, not an error.
		if settledOrLater(before.State) {
			if p, err := s.biller.Prepare(ctx, dealer, actor, in); err == nil && p.Existing {
				return before, p.Documents, nil
			}
		}
		return WorkOrder{}, nil, terr
	}
	if len(in.ApprovedJobs) == 0 {
		for _, j := range before.Billable() {
			in.ApprovedJobs = append(in.ApprovedJobs, j.ID)
		}
	}
	p, err := s.biller.Prepare(ctx, dealer, actor, in)
	if err != nil {
		return WorkOrder{}, nil, err
	}
	if p.Existing {
		return before, p.Documents, nil
	}
	book, err := s.biller.ActivePriceBook(ctx, dealer)
	if err != nil {
		return WorkOrder{}, nil, err
	}
	final := decimal.Zero
	for _, pb := range in.Bill.Payers {
		final = final.Add(pb.Subtotal.Sub(pb.Discount))
	}
	over := billing.CheckOverrun(book.Overrun, before.ApprovedTotal(), final)
	w, err := s.run(ctx, dealer, actor, step{cmd: CmdSettle, id: ref.ID, expected: ref.ExpectedVersion,
		input: settledInput{Key: in.Key, Documents: p.Settlement.Documents, Total: in.Bill.Total()},
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, c *Change) error {
			if over.NeedsReapproval {
				// R3.4: the customer approves the excess first.
				return &TransitionError{WorkOrder: w.ID, State: w.State, Command: CmdSettle, Actor: actor, Blockers: []Blocker{{
					Guard: "R3.4_overrun_needs_reapproval", Message: fmt.Sprintf("the bill (%s) exceeds the approved estimate (%s) by %s, more than the %s allowed",
						over.Final, over.Approved, over.Excess, over.Allowed)}}}
			}
			w.Settlement = strings.Join(docIDs(p.Documents), ",")
			w.SettledTotal, w.SettledAt = in.Bill.Total(), now
			c.Billing = p.Change
			return nil
		}})
	if err != nil {
		return WorkOrder{}, nil, err
	}
	return w, p.Documents, nil
}

type settledInput struct {
	Key       string               `json:"key"`
	Documents []billing.DocumentID `json:"documents"`
	Total     decimal.Decimal      `json:"total"`
}

func docIDs(ds []billing.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d.ID)
	}
	return out
}

func settledOrLater(st State) bool {
	return st == StateSettled || st == StateDelivered || st == StateClosed
}

// WorkLines are the technician's submitted lines for a work order (R3.4a):
// the lines of every job marked done, as performed, customer pay unless
// payTypes says otherwise. A host whose technicians report actual
// quantities (hours clocked, parts drawn) adjusts them before settling.
func WorkLines(w *WorkOrder, payTypes map[string]billing.PayType) []billing.WorkLine {
	var out []billing.WorkLine
	for _, j := range w.Jobs {
		if j.Status != JobDone {
			continue
		}
		pt := billing.PayCustomer
		if p, ok := payTypes[j.ID]; ok {
			pt = p
		}
		for _, l := range j.Lines {
			out = append(out, billing.WorkLine{Job: j.ID, Kind: billing.Kind(l.Kind), Code: l.Code, PayType: pt, Quantity: l.Quantity})
		}
	}
	return out
}

// OverrunConsent is the customer's acceptance of a final bill above the
// approved estimate, with the same evidence as any approval.
type OverrunConsent struct {
	// Total is the final amount the customer accepts (before tax when the
	// book's prices exclude it), as SettleBill compares it.
	Total    decimal.Decimal `json:"total"`
	By       string          `json:"by" validate:"notblank,max=200"`
	Method   ApprovalMethod  `json:"method" validate:"oneof=in_person phone sms email signature"`
	Evidence string          `json:"evidence" validate:"max=500"`
}

// ApproveOverrun records that the customer accepts a final bill above the
// approved estimate (R3.4: never a silent overrun). It is the re-approval
// SettleBill asks for: the accepted excess joins the approved total, and
// the approval is kept with its evidence like every other consent.
func (s *Service) ApproveOverrun(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in OverrunConsent) (WorkOrder, error) {
	ve := shape("record overrun approval", in)
	if !in.Total.IsPositive() {
		ve.Add("total", org.CodeRange, "must be above zero")
	}
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	return s.run(ctx, dealer, actor, step{cmd: CmdApproveOverrun, id: ref.ID, expected: ref.ExpectedVersion, input: in,
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, ve *org.ValidationError, _ *Change) error {
			excess := in.Total.Sub(w.ApprovedTotal())
			if !excess.IsPositive() {
				ve.Add("total", org.CodeRange, fmt.Sprintf("the approved total is %s already; nothing to accept", w.ApprovedTotal()))
				return nil
			}
			w.ApprovedOverrun = w.ApprovedOverrun.Add(excess)
			w.Approvals = append(w.Approvals, Approval{Supplement: -1, ApprovedBy: in.By, Method: in.Method, Evidence: in.Evidence,
				Total: excess, NewTotal: w.ApprovedTotal(), RecordedBy: actor.ID, At: now})
			return nil
		}})
}
