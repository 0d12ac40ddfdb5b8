package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// SettleInput is everything a settlement needs (R3.4): the bill, the
// technician's submitted lines to reconcile it against (R3.4b), the
// customer's confirmation (R3.4d), the documents wanted and the payments.
type SettleInput struct {
	// Key makes settling idempotent: settling again with the same key
	// returns the first settlement and its documents, never new ones.
	Key       string         `json:"key" validate:"required,max=100,ident"`
	WorkOrder string         `json:"work_order" validate:"required,max=64"`
	Advisor   org.EmployeeID `json:"advisor" validate:"required,max=64"`
	Bill      Bill           `json:"bill"`
	// Submitted is what the technician reported doing (R3.4a).
	Submitted []WorkLine `json:"submitted"`
	// ApprovedJobs are the jobs the customer approved; a billed job not
	// among them is a difference.
	ApprovedJobs []string `json:"approved_jobs"`
	// OverrideReason lets a supervisor settle a bill whose reconciliation
	// has open differences; the supervisor may not be the order's advisor.
	OverrideReason string       `json:"override_reason" validate:"max=1000"`
	Confirmation   Confirmation `json:"confirmation"`
	// Kinds says which document each payer gets; the default is an invoice.
	Kinds map[PayType]DocumentKind `json:"kinds"`
	// Payers addresses each payer's document; the customer's defaults to
	// the confirmation's name.
	Payers map[PayType]Party `json:"payers"`
	// Payments are the customer's tenders, deposits included.
	Payments []Payment `json:"payments" validate:"max=20,dive"`
	// Consents are the customer's decisions on the work, oldest first:
	// every document prints them (R3.4c, R3.4e).
	Consents []ConsentNote `json:"consents,omitempty" validate:"max=100,dive"`
}

// ConsentNote is one decision of the customer's as a document prints it
// (R3.4c, R3.4e; 16 CCR 3353): what it decided, who decided, how, on what
// evidence and for how much.
type ConsentNote struct {
	// Supplement is 0 for the estimate, n for the n-th supplement and -1
	// for a bill above the estimate that the customer accepted.
	Supplement int      `json:"supplement" validate:"min=-1"`
	Approved   []string `json:"approved" validate:"max=50,dive,max=20"`
	Declined   []string `json:"declined" validate:"max=50,dive,max=20"`
	By         string   `json:"by" validate:"max=200"`
	// Method is how the customer consented: in_person, phone, sms, email,
	// signature.
	Method string `json:"method" validate:"max=20"`
	// Evidence is what the consent rests on, as printed: a signature or
	// message reference, the number called and when.
	Evidence string          `json:"evidence" validate:"max=1000"`
	Total    decimal.Decimal `json:"total"`
}

// note is the consent as a document's printed note.
func (c ConsentNote) note() Explanation {
	what := "estimate"
	switch {
	case c.Supplement > 0:
		what = fmt.Sprintf("supplement %d", c.Supplement)
	case c.Supplement < 0:
		what = "overrun"
	}
	return Explanation{Key: "note.consent", Args: map[string]string{"what": what, "by": c.By, "method": c.Method,
		"evidence": c.Evidence, "approved": strings.Join(c.Approved, ", "), "declined": strings.Join(c.Declined, ", "),
		"total": c.Total.String()}}
}

// Prepared is a settlement ready to commit: what Settle writes. The
// servicedesk package commits its Change together with the work order.
type Prepared struct {
	Settlement Settlement
	Documents  []Document
	Change     Change
	// Reconciliation is the bill checked against the technician's lines
	// (R3.4b); it is empty for an existing settlement.
	Reconciliation Reconciliation
	// Existing is set when the key was settled already: Change is empty
	// and the records are the first settlement's.
	Existing bool
}

// Prepare checks a settlement and builds its records without writing
// anything: the reconciliation must be clean or overridden by a supervisor,
// the customer's payments must cover what they owe, and every payer gets
// its document with the next numbers of its series.
func (s *Service) Prepare(ctx context.Context, dealer org.DealerID, actor org.Actor, in SettleInput) (Prepared, error) {
	const op = "billing: settle"
	ve := &org.ValidationError{Op: op}
	for _, p := range v.Struct(in, "") {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
	// Everything the input alone can show is checked first, so the caller
	// learns every bad field at once (docs/CONVENTIONS.md).
	if len(in.Bill.Payers) == 0 {
		ve.Add("bill.payers", org.CodeRequired, "the bill has no payer")
	}
	checkBillSums(in.Bill, ve)
	due := decimal.Zero
	if cust, ok := in.Bill.Payer(PayCustomer); ok {
		due = cust.Total
	}
	paid, change := s.checkPayments(in, due, ve)
	s.checkKinds(in, ve)
	if err := ve.Err(); err != nil {
		return Prepared{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor); err != nil {
		return Prepared{}, err
	}
	if st, err := s.store.Settlement(ctx, dealer, in.Key); err == nil {
		if st.WorkOrder != in.WorkOrder || st.Corrects != "" {
			// A key names one settlement: reusing it for another order is
			// a mistake, not a repeat.
			ve.Add("key", org.CodeDuplicate, fmt.Sprintf("this key settled work order %s already", st.WorkOrder))
			return Prepared{}, ve
		}
		return s.existing(ctx, dealer, st)
	} else if !errors.Is(err, ErrNotFound) {
		return Prepared{}, fmt.Errorf("%s %s: %w", op, in.Key, err)
	}
	book, err := s.bookOf(ctx, dealer, in.Bill)
	if err != nil {
		return Prepared{}, err
	}
	if in.Bill.Currency != book.Currency || in.Bill.Scale != book.Scale || in.Bill.Inclusive != book.Tax.Inclusive {
		ve.Add("bill", org.CodeInvalid, fmt.Sprintf("the bill's currency, scale or tax mode is not price book %s's (%s, %d places, inclusive %v)",
			book.Version, book.Currency, book.Scale, book.Tax.Inclusive))
		return Prepared{}, ve
	}
	rec, err := Reconcile(ReconcileInput{Submitted: in.Submitted, Bill: in.Bill, Book: &book, Approved: in.ApprovedJobs})
	if err != nil {
		return Prepared{}, err
	}
	var override *Override
	if !rec.Clean {
		override, err = s.override(ctx, dealer, actor, in, rec)
		if err != nil {
			return Prepared{}, err
		}
	}
	now := org.Now(s.clock)
	st := Settlement{DealerID: dealer, Key: in.Key, WorkOrder: in.WorkOrder, Advisor: in.Advisor, Confirmation: in.Confirmation,
		Payments: slices.Clone(in.Payments), Due: due, Paid: paid, Change: change, Differences: len(rec.Differences), Override: override,
		SettledAt: now, SettledBy: actor, Version: 1}
	p := Prepared{Reconciliation: rec}
	numbers := newNumbering(s, ctx, dealer)
	for _, pb := range in.Bill.Payers {
		kind := in.Kinds[pb.PayType]
		if kind == "" {
			kind = Invoice
		}
		id, series, n, err := numbers.next(kind)
		if err != nil {
			return Prepared{}, err
		}
		doc := Document{DealerID: dealer, ID: id, Series: series, Number: n, Kind: kind, WorkOrder: in.WorkOrder, Settlement: in.Key,
			PayType: pb.PayType, Payer: s.party(in, pb.PayType), Currency: in.Bill.Currency, Scale: in.Bill.Scale,
			PriceBookVersion: in.Bill.PriceBookVersion, Inclusive: in.Bill.Inclusive, Bill: pb.clone(), Total: pb.Total,
			Notes: notes(pb, in.Consents), IssuedAt: now, IssuedBy: actor, Version: 1}
		if pb.PayType == PayCustomer {
			doc.Payments = slices.Clone(in.Payments)
		}
		st.Documents = append(st.Documents, id)
		p.Documents = append(p.Documents, doc)
		p.Change.Events = append(p.Change.Events, s.event(dealer, actor, now, "document.issued", "document/"+string(id), "",
			map[string]any{"kind": kind, "pay_type": pb.PayType, "total": pb.Total, "work_order": in.WorkOrder}))
	}
	p.Settlement = st
	p.Change.Settlements = []Settlement{st}
	p.Change.Documents = p.Documents
	p.Change.Series = numbers.records()
	p.Change.Events = append([]org.Event{s.event(dealer, actor, now, "settlement.settled", "settlement/"+in.Key, in.OverrideReason,
		map[string]any{"work_order": in.WorkOrder, "documents": st.Documents, "due": due, "paid": paid, "change": change,
			"differences": len(rec.Differences)})}, p.Change.Events...)
	return p, nil
}

// Settle prepares and commits a settlement. When a concurrent settlement
// took the next document number first, it prepares again with the next
// free number, so numbers stay gapless; when the key was settled already
// (also by a concurrent call), it returns that settlement.
func (s *Service) Settle(ctx context.Context, dealer org.DealerID, actor org.Actor, in SettleInput) (_ Settlement, _ []Document, err error) {
	ctx, ob := s.obs.Begin(ctx, "settle", dealer, actor)
	defer ob.End(&err)
	for attempt := 0; ; attempt++ {
		p, err := s.Prepare(ctx, dealer, actor, in)
		if err != nil {
			return Settlement{}, nil, err
		}
		if p.Existing {
			return p.Settlement, p.Documents, nil
		}
		err = s.store.Commit(ctx, dealer, p.Change)
		if err == nil {
			return p.Settlement, p.Documents, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= s.retries {
			return Settlement{}, nil, fmt.Errorf("billing: settle %s: %w", in.Key, err)
		}
		ob.Retry()
	}
}

// existing returns a settled key's records.
func (s *Service) existing(ctx context.Context, dealer org.DealerID, st Settlement) (Prepared, error) {
	p := Prepared{Settlement: st, Existing: true}
	for _, id := range st.Documents {
		d, err := s.store.Document(ctx, dealer, id)
		if err != nil {
			return Prepared{}, fmt.Errorf("billing: settlement %s: document %s: %w", st.Key, id, err)
		}
		p.Documents = append(p.Documents, d)
	}
	return p, nil
}

// bookOf loads the price book version that priced the bill.
func (s *Service) bookOf(ctx context.Context, dealer org.DealerID, b Bill) (PriceBook, error) {
	sp, err := s.store.PriceBook(ctx, dealer, b.PriceBookVersion)
	if errors.Is(err, ErrNotFound) {
		return PriceBook{}, &org.ValidationError{Op: "billing: settle", Fields: []org.FieldError{{Path: "bill.price_book_version",
			Code: org.CodeNotFound, Message: "no saved price book of this version"}}}
	}
	if err != nil {
		return PriceBook{}, fmt.Errorf("billing: settle: %w", err)
	}
	return sp.Book, nil
}

// override: open differences (R3.4b) block settlement unless a supervisor,
// who is not the order's advisor, overrides with a reason.
//
// Work the customer did not consent to (R3.2c, R3.3b) is never overridden,
// by anyone: a bill with a difference whose kind is not
// [DiffKind.Overridable] is refused with or without a reason. The way to
// bill that work is the customer's recorded consent.
func (s *Service) override(ctx context.Context, dealer org.DealerID, actor org.Actor, in SettleInput, rec Reconciliation) (*Override, error) {
	n := len(rec.Differences)
	unconsented := 0
	for _, d := range rec.Differences {
		if !d.Kind.Overridable() {
			unconsented++
		}
	}
	if in.OverrideReason == "" || unconsented > 0 {
		return nil, &ReconciliationError{WorkOrder: in.WorkOrder, Differences: n, Unconsented: unconsented, Reconciliation: rec}
	}
	if actor.Role != org.RoleSupervisor || actor.ID == in.Advisor {
		return nil, fmt.Errorf("billing: settle %s: only a supervisor other than the order's advisor overrides %d open differences (R3.4b): %w",
			in.WorkOrder, n, ErrForbidden)
	}
	return &Override{By: actor.ID, Reason: in.OverrideReason}, nil
}

// checkBillSums: every printed total is the sum of its printed parts. A bill
// from Price always is; a bill edited on its way here may not be, and an
// invoice must never print a total its lines do not add up to.
func checkBillSums(b Bill, ve *org.ValidationError) {
	for i, p := range b.Payers {
		sub, disc, lineTax, taxes := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
		for _, l := range p.Lines {
			sub, disc, lineTax = sub.Add(l.Amount), disc.Add(l.Discount), lineTax.Add(l.Tax)
		}
		for _, t := range p.Taxes {
			taxes = taxes.Add(t.Tax)
		}
		total := p.Subtotal.Sub(p.Discount)
		if !b.Inclusive {
			total = total.Add(p.Tax)
		}
		at := fmt.Sprintf("bill.payers[%d]", i)
		switch {
		case !sub.Equal(p.Subtotal):
			ve.Add(at+".subtotal", org.CodeInvalid, fmt.Sprintf("is %s; its lines sum to %s", p.Subtotal, sub))
		case !disc.Equal(p.Discount):
			ve.Add(at+".discount", org.CodeInvalid, fmt.Sprintf("is %s; its lines' discounts sum to %s", p.Discount, disc))
		case !taxes.Equal(p.Tax) || !lineTax.Equal(p.Tax):
			ve.Add(at+".tax", org.CodeInvalid, fmt.Sprintf("is %s; its tax lines sum to %s and its lines' taxes to %s", p.Tax, taxes, lineTax))
		case !total.Equal(p.Total):
			ve.Add(at+".total", org.CodeInvalid, fmt.Sprintf("is %s; its subtotal, discount and tax give %s", p.Total, total))
		}
	}
}

// ReconciliationError says that a bill does not match what the technician
// submitted (R3.4b) and nobody overrode it. It matches ErrInvalidTransition:
// settle again after correcting the bill, or with a supervisor's override.
type ReconciliationError struct {
	WorkOrder   string `json:"work_order"`
	Differences int    `json:"differences"`
	// Unconsented counts the differences no override clears: work the
	// customer did not consent to (R3.2c, R3.3b).
	Unconsented int `json:"unconsented"`
	// Reconciliation lists every difference, to show the advisor.
	Reconciliation Reconciliation `json:"reconciliation"`
}

// Problem implements org.Problemer: an invalid transition (409) with one
// blocker per difference, by rule: R3.3b_work_needs_consent for work the
// customer did not consent to, which no override clears, and
// R3.4b_differences_need_override for the rest, each explained in lang.
func (e *ReconciliationError) Problem(lang org.Lang) org.Problem {
	p := org.NewProblem(org.ProblemInvalidTransition, lang, fmt.Sprintf("the bill of work order %s has %d differences with the technician's lines", e.WorkOrder, e.Differences))
	for _, d := range e.Reconciliation.Differences {
		rule := "R3.4b_differences_need_override"
		if !d.Kind.Overridable() {
			rule = "R3.3b_work_needs_consent"
		}
		msg, err := d.Explain.Render(lang)
		if err != nil {
			msg = fmt.Sprintf("%s %s %s: %s", d.Job, d.LineKind, d.Code, d.Kind)
		}
		p.Blockers = append(p.Blockers, org.Blocker{Rule: rule, Message: msg})
	}
	return p
}

func (e *ReconciliationError) Error() string {
	if e.Unconsented > 0 {
		return fmt.Sprintf("billing: settle %s: the bill has %d differences with the technician's lines, %d of them work the customer did not consent to (R3.3b), which no override bills; remove it, or record the customer's consent",
			e.WorkOrder, e.Differences, e.Unconsented)
	}
	return fmt.Sprintf("billing: settle %s: the bill has %d open differences with the technician's lines (R3.4b); correct it or have a supervisor override",
		e.WorkOrder, e.Differences)
}

// Is matches ErrInvalidTransition.
func (e *ReconciliationError) Is(target error) bool { return target == ErrInvalidTransition }

// checkPayments: the customer's tenders cover what they owe; change comes
// back only from cash.
func (s *Service) checkPayments(in SettleInput, due decimal.Decimal, ve *org.ValidationError) (paid, change decimal.Decimal) {
	cash := decimal.Zero
	for i, p := range in.Payments {
		at := fmt.Sprintf("payments[%d]", i)
		if !slices.Contains([]PaymentMethod{PayCash, PayCard, PayTransfer, PayOther, PayDeposit}, p.Method) {
			ve.Add(at+".method", org.CodeUnknown, "must be cash, card, transfer, other or deposit")
		}
		if !p.Amount.IsPositive() {
			ve.Add(at+".amount", org.CodeRange, "must be above zero")
		}
		paid = paid.Add(p.Amount)
		if p.Method == PayCash {
			cash = cash.Add(p.Amount)
		}
	}
	switch {
	case paid.LessThan(due):
		ve.Add("payments", org.CodeRange, fmt.Sprintf("pay %s of %s due", paid, due))
	case paid.Sub(due).GreaterThan(cash):
		ve.Add("payments", org.CodeRange, fmt.Sprintf("overpaid by %s, more than the cash tendered (%s): change comes back only from cash", paid.Sub(due), cash))
	default:
		change = paid.Sub(due)
	}
	return paid, change
}

func (s *Service) checkKinds(in SettleInput, ve *org.ValidationError) {
	for pt, k := range in.Kinds {
		if k != Invoice && k != Receipt {
			ve.Add("kinds."+string(pt), org.CodeUnknown, "a settlement issues an invoice or a receipt")
		}
		if _, ok := in.Bill.Payer(pt); !ok {
			ve.Add("kinds."+string(pt), org.CodeNotFound, "the bill has no such payer")
		}
	}
}

func (s *Service) party(in SettleInput, pt PayType) Party {
	if p, ok := in.Payers[pt]; ok {
		return p
	}
	if pt == PayCustomer {
		return Party{Name: in.Confirmation.By}
	}
	return Party{Name: string(pt)}
}

// notes are what every document prints: the warranty reminder (R3.4e) and
// a disclosure of each fee.
func notes(pb PayerBill, consents []ConsentNote) []Explanation {
	out := []Explanation{{Key: "note.warranty"}}
	for _, c := range consents {
		out = append(out, c.note())
	}
	for _, l := range pb.Lines {
		if l.Kind == KindFee {
			out = append(out, Explanation{Key: "note.fee_disclosure", Args: map[string]string{"code": l.Code, "description": l.Description}})
		}
	}
	return out
}

// numbering hands out the next numbers of each series within one commit.
type numbering struct {
	s      *Service
	ctx    context.Context
	dealer org.DealerID
	series map[string]*Series
	order  []string
}

func newNumbering(s *Service, ctx context.Context, dealer org.DealerID) *numbering {
	return &numbering{s: s, ctx: ctx, dealer: dealer, series: map[string]*Series{}}
}

func (n *numbering) next(kind DocumentKind) (DocumentID, string, int64, error) {
	name := n.s.series[kind]
	sr, ok := n.series[name]
	if !ok {
		cur, err := n.s.store.Series(n.ctx, n.dealer, name)
		switch {
		case errors.Is(err, ErrNotFound):
			cur = Series{DealerID: n.dealer, Name: name, Next: 1}
		case err != nil:
			return "", "", 0, fmt.Errorf("billing: series %s: %w", name, err)
		}
		cur.Version++ // the commit writes the series: a concurrent issuer conflicts
		sr = &cur
		n.series[name] = sr
		n.order = append(n.order, name)
	}
	num := sr.Next
	sr.Next++
	return DocumentID(fmt.Sprintf("%s-%0*d", name, n.s.digits, num)), name, num, nil
}

func (n *numbering) records() []Series {
	out := make([]Series, 0, len(n.order))
	for _, name := range n.order {
		out = append(out, *n.series[name])
	}
	return out
}

// CreditInput is a credit note for an issued document.
type CreditInput struct {
	Key      string     `json:"key" validate:"required,max=100,ident"`
	Document DocumentID `json:"document" validate:"required,max=64"`
	Reason   string     `json:"reason" validate:"notblank,max=1000"`
}

// CreditNote issues a credit note that reverses a document in full, with a
// reason; the original stays as issued, and its settlement counts as
// corrected (R6.1 settlement accuracy). Only a supervisor may. Like Settle
// it is idempotent by key.
func (s *Service) CreditNote(ctx context.Context, dealer org.DealerID, actor org.Actor, in CreditInput) (_ Document, err error) {
	ctx, ob := s.obs.Begin(ctx, "credit_note", dealer, actor)
	defer ob.End(&err)
	const op = "billing: credit note"
	ve := &org.ValidationError{Op: op}
	for _, p := range v.Struct(in, "") {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
	if err := ve.Err(); err != nil {
		return Document{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleSupervisor); err != nil {
		return Document{}, err
	}
	for attempt := 0; ; attempt++ {
		doc, c, err := s.prepareCredit(ctx, dealer, actor, in)
		if err != nil || c.Empty() {
			return doc, err
		}
		err = s.store.Commit(ctx, dealer, c)
		if err == nil {
			return doc, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= s.retries {
			return Document{}, fmt.Errorf("%s %s: %w", op, in.Key, err)
		}
		ob.Retry()
	}
}

func (s *Service) prepareCredit(ctx context.Context, dealer org.DealerID, actor org.Actor, in CreditInput) (Document, Change, error) {
	if st, err := s.store.Settlement(ctx, dealer, in.Key); err == nil {
		if st.Corrects != in.Document {
			return Document{}, Change{}, &org.ValidationError{Op: "billing: credit note", Fields: []org.FieldError{{Path: "key",
				Code: org.CodeDuplicate, Message: "this key was used for another settlement or credit note"}}}
		}
		p, err := s.existing(ctx, dealer, st)
		if err != nil || len(p.Documents) == 0 {
			return Document{}, Change{}, err
		}
		return p.Documents[0], Change{}, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Document{}, Change{}, err
	}
	orig, err := s.store.Document(ctx, dealer, in.Document)
	if errors.Is(err, ErrNotFound) {
		return Document{}, Change{}, &org.ValidationError{Op: "billing: credit note", Fields: []org.FieldError{{Path: "document", Code: org.CodeNotFound, Message: "no such document"}}}
	}
	if err != nil {
		return Document{}, Change{}, err
	}
	if orig.Kind == CreditNote {
		return Document{}, Change{}, org.Refuse("billing", "document", string(orig.ID), string(orig.Kind), "credit_note", actor, "R3.4d_documents_corrected_once",
			fmt.Sprintf("%s is a credit note itself", orig.ID))
	}
	credits, err := s.store.Documents(ctx, dealer, DocumentQuery{WorkOrder: orig.WorkOrder, Kind: CreditNote, Limit: org.MaxPage})
	if err != nil {
		return Document{}, Change{}, err
	}
	for _, c := range credits {
		if c.References == orig.ID {
			// A document is reversed once; the original settlement's
			// version makes two concurrent credits conflict, so the retry
			// lands here.
			return Document{}, Change{}, org.Refuse("billing", "document", string(orig.ID), "reversed", "credit_note", actor, "R3.4d_documents_corrected_once",
				fmt.Sprintf("%s is reversed already by %s", orig.ID, c.ID))
		}
	}
	settled, err := s.store.Settlement(ctx, dealer, orig.Settlement)
	if err != nil {
		return Document{}, Change{}, fmt.Errorf("billing: credit note: settlement of %s: %w", orig.ID, err)
	}
	now := org.Now(s.clock)
	numbers := newNumbering(s, ctx, dealer)
	id, series, n, err := numbers.next(CreditNote)
	if err != nil {
		return Document{}, Change{}, err
	}
	neg := Bill{Payers: []PayerBill{orig.Bill}}.Negate().Payers[0]
	doc := Document{DealerID: dealer, ID: id, Series: series, Number: n, Kind: CreditNote, WorkOrder: orig.WorkOrder, Settlement: in.Key,
		PayType: orig.PayType, Payer: orig.Payer, Currency: orig.Currency, Scale: orig.Scale, PriceBookVersion: orig.PriceBookVersion,
		Inclusive: orig.Inclusive, Bill: neg, Total: neg.Total, References: orig.ID, Reason: in.Reason,
		Notes: []Explanation{{Key: "note.credit", Args: map[string]string{"original": string(orig.ID)}}}, IssuedAt: now, IssuedBy: actor, Version: 1}
	credit := Settlement{DealerID: dealer, Key: in.Key, WorkOrder: orig.WorkOrder, Advisor: settled.Advisor, Due: neg.Total,
		Documents: []DocumentID{id}, SettledAt: now, SettledBy: actor, Version: 1, Corrects: orig.ID}
	settled.Corrected = true
	settled.Version++
	c := Change{Settlements: []Settlement{credit, settled}, Documents: []Document{doc}, Series: numbers.records(),
		Events: []org.Event{s.event(dealer, actor, now, "document.credited", "document/"+string(orig.ID), in.Reason,
			map[string]any{"credit_note": id, "total": neg.Total})}}
	return doc, c, nil
}

// AdvisorAccuracy is an advisor's settlement accuracy in a month (R6.1):
// bills settled with no correction / bills settled.
type AdvisorAccuracy struct {
	Advisor  org.EmployeeID  `json:"advisor"`
	Month    org.Month       `json:"month"`
	Settled  int             `json:"settled"`
	Accurate int             `json:"accurate"`
	Rate     decimal.Decimal `json:"rate"`
	// None is set when nothing was settled: the rate is then no data, not 0%.
	None bool `json:"none"`
}

// Accuracy computes each advisor's settlement accuracy for a dealer month.
// A settlement is accurate when it needed no override of differences and
// no credit note corrected it since. Supervisors and admins see every
// advisor's row, an advisor only their own.
func (s *Service) Accuracy(ctx context.Context, dealer org.DealerID, actor org.Actor, m org.Month) ([]AdvisorAccuracy, error) {
	if err := s.reader(ctx, dealer, actor, "accuracy", desk...); err != nil {
		return nil, err
	}
	all, err := s.accuracy(ctx, dealer, m)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if seesAccuracy(actor, a.Advisor) {
			out = append(out, a)
		}
	}
	return out, nil
}

// accuracy is every advisor's settlement accuracy, for the month-end's
// Measurer.
func (s *Service) accuracy(ctx context.Context, dealer org.DealerID, m org.Month) ([]AdvisorAccuracy, error) {
	d, err := s.roster.Dealer(ctx, dealer)
	if err != nil {
		return nil, fmt.Errorf("billing: accuracy: %w", err)
	}
	loc, err := d.Location()
	if err != nil {
		return nil, err
	}
	by := map[org.EmployeeID]*AdvisorAccuracy{}
	q := SettlementQuery{SettledFrom: m.Start(loc), SettledBefore: m.End(loc), Limit: org.MaxPage}
	for {
		page, err := s.store.Settlements(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("billing: accuracy: %w", err)
		}
		for _, st := range page {
			if st.Corrects != "" {
				continue // a credit note's own record is not a settlement of a bill
			}
			a := by[st.Advisor]
			if a == nil {
				a = &AdvisorAccuracy{Advisor: st.Advisor, Month: m}
				by[st.Advisor] = a
			}
			a.Settled++
			if !st.Corrected && st.Override == nil {
				a.Accurate++
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].Key
	}
	out := make([]AdvisorAccuracy, 0, len(by))
	for _, a := range by {
		a.Rate, a.None, _ = SettlementAccuracy(a.Settled, a.Settled-a.Accurate) // counts are never out of range here
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b AdvisorAccuracy) int {
		if a.Advisor < b.Advisor {
			return -1
		}
		if a.Advisor > b.Advisor {
			return 1
		}
		return 0
	})
	return out, nil
}
