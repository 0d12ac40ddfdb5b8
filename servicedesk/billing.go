package servicedesk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// Biller is what servicedesk needs from billing to settle a work order:
// *billing.Service has it.
type Biller interface {
	ActivePriceBook(ctx context.Context, dealer org.DealerID, actor org.Actor) (billing.PriceBook, error)
	Prepare(ctx context.Context, dealer org.DealerID, actor org.Actor, in billing.SettleInput) (billing.Prepared, error)
	Replay(ctx context.Context, dealer org.DealerID, actor org.Actor, key, workOrder string) (billing.Settlement, []billing.Document, error)
}

// BookPricer prices estimates and supplements with the dealer's active
// price book, so that an estimate and its final bill agree to the cent,
// and stores on each line what the book charges and how it found it
// (Line.PricedBy): what is stored is what is billed. Labor is billed at
// the book's rate for the line's hours (rounded up to the book's
// increment, at least its minimum); a part from its cost by the markup
// matrix, else at its unit price as the list price; a fee at the book's
// price; a sublet as one line, the vendor's cost for the whole quantity
// (rounded as the book rounds money) plus the book's markup.
//
// A unit price the caller sends is checked against the book's: one that
// differs is refused with a field error on the line's unit_price. Only a
// labor rate or a part's price may be set by hand, and only when the
// book's ManualPrices names the actor's role and the line's price_reason
// says why; such a line is PricedManual and the bill shows it as a set
// price.
type BookPricer struct {
	Billing Biller
}

// PriceJobs implements Pricer: each job's total is what its own lines cost
// before tax (with tax when the book's prices include it).
func (p BookPricer) PriceJobs(ctx context.Context, dealer org.Dealer, actor org.Actor, jobs []Job) ([]Job, error) {
	book, err := p.Billing.ActivePriceBook(ctx, dealer.ID, actor)
	if err != nil {
		return nil, err
	}
	ve := &org.ValidationError{Op: "servicedesk: price jobs"}
	all := &WorkOrder{Jobs: jobs}
	out := make([]Job, len(jobs))
	for i, j := range jobs {
		for k, l := range j.Lines {
			if l.Kind == LineSublet && !l.Cost.IsPositive() {
				ve.Add(fmt.Sprintf("jobs[%d].lines[%d].cost", i, k), org.CodeRequired, "sublet work is priced from the vendor's cost")
			}
		}
		byBook, err := priceJob(&book, i, j, all, nil)
		if err != nil {
			if mergeProblems(ve, err) {
				continue
			}
			return nil, fmt.Errorf("servicedesk: pricing job %s with price book %s: %w", j.ID, book.Version, err)
		}
		manual := map[int]bool{}
		for k, l := range j.Lines {
			bl := byBook[k]
			if l.UnitPrice.IsZero() || l.UnitPrice.Equal(bl.UnitPrice) {
				continue
			}
			path := fmt.Sprintf("jobs[%d].lines[%d]", i, k)
			told := fmt.Sprintf("the price book %s prices this at %s (%s)", book.Version, bl.UnitPrice, pricedBy(l, bl, false))
			switch {
			case l.Kind != LineLabor && l.Kind != LinePart:
				ve.Add(path+".unit_price", org.CodeInvalid, told+"; fees and sublets are always the book's: leave unit_price empty")
			case len(book.ManualPrices.Roles) == 0:
				ve.Add(path+".unit_price", org.CodeInvalid, told+"; the book lets nobody set a price by hand: leave unit_price empty")
			case !book.ManualPriceAllowed(actor.Role):
				ve.Add(path+".unit_price", org.CodeInvalid, fmt.Sprintf("%s; only %s may set a price by hand", told, joinRoles(book.ManualPrices.Roles)))
			case l.PriceReason == "":
				ve.Add(path+".price_reason", org.CodeRequired, told+"; a price set by hand needs its reason")
			default:
				manual[k] = true
			}
		}
		if len(ve.Fields) > 0 {
			continue
		}
		final := byBook
		if len(manual) > 0 {
			if final, err = priceJob(&book, i, j, all, manual); err != nil {
				if mergeProblems(ve, err) {
					continue
				}
				return nil, fmt.Errorf("servicedesk: pricing job %s with price book %s: %w", j.ID, book.Version, err)
			}
		}
		j.Lines = slices.Clone(j.Lines)
		j.Total = decimal.Zero
		for k := range j.Lines {
			l, bl := &j.Lines[k], final[k]
			l.PricedBy = pricedBy(*l, bl, manual[k])
			if l.PricedBy != PricedManual {
				l.PriceReason = ""
			}
			if l.Kind == LineSublet { // one line: the whole vendor charge, marked up
				l.Cost = bl.Cost
			}
			l.Quantity, l.UnitPrice, l.Amount = bl.Quantity, bl.UnitPrice, bl.Net
			j.Total = j.Total.Add(bl.Net)
		}
		out[i] = j
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// priceJob prices job i of all alone with book, from what its lines say:
// labor hours at the book's rate, parts from their cost (else their unit
// price as list price), fees at the book's price, sublets from their
// vendor cost. The lines in manual bill their unit price as set by hand.
// It returns the billed line of each of the job's lines, by index; a
// problem of the book's speaks of the line's fields (jobs[i].lines[k]).
func priceJob(book *billing.PriceBook, i int, j Job, all *WorkOrder, manual map[int]bool) ([]billing.Line, error) {
	bj := billing.Job{ID: j.ID, Title: j.Title, PayType: billing.PayCustomer}
	m := jobMap{job: i, lines: map[string][]int{}}
	for k, l := range j.Lines {
		switch l.Kind {
		case LineLabor:
			li := billing.LaborItem{Op: l.Code, Description: l.Description, Hours: l.Quantity}
			if manual[k] {
				li.Rate = l.UnitPrice
			}
			m.lines["labor"] = append(m.lines["labor"], k)
			bj.Labor = append(bj.Labor, li)
		case LinePart:
			pi := billing.PartItem{Number: l.Code, Description: l.Description, Quantity: l.Quantity, Cost: l.Cost, List: l.UnitPrice}
			if manual[k] {
				pi.Sell, pi.List = l.UnitPrice, decimal.Zero
			}
			m.lines["parts"] = append(m.lines["parts"], k)
			bj.Parts = append(bj.Parts, pi)
		case LineFee:
			m.lines["fees"] = append(m.lines["fees"], k)
			bj.Fees = append(bj.Fees, billing.FeeItem{Code: l.Code, Quantity: l.Quantity})
		case LineSublet:
			m.lines["sublets"] = append(m.lines["sublets"], k)
			bj.Sublets = append(bj.Sublets, billing.SubletItem{Vendor: l.Code, Description: l.Description, Cost: subletCharge(book, l.Quantity, l.Cost)})
		}
	}
	bill, err := billing.Price(book, billing.Order{WorkOrder: "estimate", Jobs: []billing.Job{bj}})
	if err != nil {
		return nil, orderProblems(err, "servicedesk: price jobs", "jobs", all, []jobMap{m})
	}
	ids := billingLineIDs(j)
	out := make([]billing.Line, len(j.Lines))
	for _, pb := range bill.Payers {
		for _, bl := range pb.Lines {
			if k, ok := ids[bl.ID]; ok && bl.Job == j.ID {
				out[k] = bl
			}
		}
	}
	return out, nil
}

// subletCharge is a sublet's whole vendor charge, quantity x unit cost,
// rounded as book rounds money: the product of two numbers of 4 places
// has up to 8, and a bill keeps money at the book's scale (Settle refuses
// more than 4 places). The estimate, its bill and the printed "cost +
// markup = amount" all use the rounded charge.
func subletCharge(book *billing.PriceBook, qty, cost decimal.Decimal) decimal.Decimal {
	return billing.Rounding{Mode: book.Rounding, Places: book.Scale}.Round(qty.Mul(cost))
}

// billingLineIDs maps the ID billing gives each line of j ([billing.Line]
// ID: "j1/labor/BRK-01", a code twice in one job "#2", sublets by their
// place) to the line's index.
func billingLineIDs(j Job) map[string]int {
	ids := map[string]int{}
	seen := map[string]int{}
	sublets := 0
	for _, kind := range []LineKind{LineLabor, LinePart, LineSublet, LineFee} {
		for k, l := range j.Lines {
			if l.Kind != kind {
				continue
			}
			id := j.ID + "/" + string(kind) + "/" + l.Code
			if kind == LineSublet {
				sublets++
				id = fmt.Sprintf("%s/sublet/%d", j.ID, sublets)
			}
			if seen[id]++; seen[id] > 1 {
				id = fmt.Sprintf("%s#%d", id, seen[id])
			}
			ids[id] = k
		}
	}
	return ids
}

// pricedBy says how billing priced l as bl.
func pricedBy(l Line, bl billing.Line, manual bool) PriceSource {
	switch {
	case manual:
		return PricedManual
	case l.Kind == LineLabor:
		return PricedRate
	case l.Kind == LineFee:
		return PricedFee
	case l.Kind == LineSublet:
		return PricedSublet
	case bl.Explain.Args["priced_by"] == "list":
		return PricedList
	case bl.Explain.Args["priced_by"] == "sell":
		return PricedManual
	}
	return PricedMatrix
}

// mergeProblems moves the field problems of err into ve and reports
// whether err was a *org.ValidationError.
func mergeProblems(ve *org.ValidationError, err error) bool {
	pve, ok := errors.AsType[*org.ValidationError](err)
	if ok {
		ve.Fields = append(ve.Fields, pve.Fields...)
	}
	return ok
}

func joinRoles(roles []org.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// billingOrder turns a work order's jobs into the billing order of its
// settlement: only the jobs the customer consented to and the technician
// finished are on it (R3.2c, R3.3b); a declined, cancelled, never approved
// or unconsented job is not. payTypes gives a job's payer; a job not in it
// is customer pay. Each line bills as the Pricer stored it (Line.PricedBy):
// labor its hours at the book's rate, or at its rate set by hand; a part
// priced by the matrix from its cost (its stored price as the list price
// should the book have no matrix now), a list-priced part at its list
// price, a part priced by hand or entered without a book at its stored
// price; a fee at the book's price; a sublet from its vendor cost (its
// whole charge rounded as book rounds money, see subletCharge). The
// second result maps each billing job's items back to the order's jobs
// and lines, for error paths.
func billingOrder(w *WorkOrder, book *billing.PriceBook, payTypes map[string]billing.PayType) (billing.Order, []jobMap) {
	o := billing.Order{WorkOrder: string(w.ID)}
	var maps []jobMap
	for i, j := range w.Jobs {
		if j.Status != JobDone {
			continue
		}
		bj := billing.Job{ID: j.ID, Title: j.Title, PayType: billing.PayCustomer}
		if pt, ok := payTypes[j.ID]; ok {
			bj.PayType = pt
		}
		m := jobMap{job: i, lines: map[string][]int{}}
		for k, l := range j.Lines {
			switch l.Kind {
			case LineLabor:
				li := billing.LaborItem{Op: l.Code, Description: l.Description, Hours: l.Quantity}
				if l.PricedBy == PricedManual {
					li.Rate = l.UnitPrice
				}
				m.lines["labor"] = append(m.lines["labor"], k)
				bj.Labor = append(bj.Labor, li)
			case LinePart:
				pi := billing.PartItem{Number: l.Code, Description: l.Description, Quantity: l.Quantity, Cost: l.Cost, List: l.UnitPrice}
				if l.PricedBy == PricedManual || l.PricedBy == PricedEntered || l.PricedBy == "" {
					pi.Sell, pi.List = l.UnitPrice, decimal.Zero // the price agreed, not the book's
				}
				m.lines["parts"] = append(m.lines["parts"], k)
				bj.Parts = append(bj.Parts, pi)
			case LineFee:
				m.lines["fees"] = append(m.lines["fees"], k)
				bj.Fees = append(bj.Fees, billing.FeeItem{Code: l.Code, Quantity: l.Quantity})
			case LineSublet:
				cost := subletCharge(book, l.Quantity, l.Cost)
				if !l.Cost.IsPositive() { // priced before sublets had a cost: the unit price was it
					cost = subletCharge(book, l.Quantity, l.UnitPrice)
				}
				m.lines["sublets"] = append(m.lines["sublets"], k)
				bj.Sublets = append(bj.Sublets, billing.SubletItem{Vendor: l.Code, Description: l.Description, Cost: cost})
			}
		}
		o.Jobs = append(o.Jobs, bj)
		maps = append(maps, m)
	}
	return o, maps
}

// jobMap is where a billing job's items came from: the index of the order's
// job, and per item list (labor, parts, fees, sublets) the index of each
// item's line.
type jobMap struct {
	job   int
	lines map[string][]int
}

// billingPath matches the paths billing's price check reports for an
// order's items: jobs[0].labor[1].op.
var billingPath = regexp.MustCompile(`^jobs\[(\d+)\]\.(labor|parts|fees|sublets)\[(\d+)\](\.[a-z_]+)?(.*)$`)

// lineField is the line field that a billing item field was made from.
var lineField = map[string]string{".op": ".code", ".number": ".code", ".code": ".code", ".vendor": ".code",
	".hours": ".quantity", ".quantity": ".quantity", ".sell": ".unit_price", ".cost": ".unit_price", ".description": ".description"}

// orderProblems rewrites the problems billing found in an order built by
// billingOrder so that they speak of the work order's own fields, as the
// caller sent them: jobs[0].labor[1].op becomes jobs[0].lines[3].code,
// with prefix in place of jobs, and a job's pay type becomes
// terms.pay_types.<job>. Problems of the order as a whole (discounts,
// coupons) move under terms.
func orderProblems(err error, op, prefix string, w *WorkOrder, maps []jobMap) error {
	bve, ok := errors.AsType[*org.ValidationError](err)
	if !ok {
		return err
	}
	ve := &org.ValidationError{Op: op}
	for _, f := range bve.Fields {
		f.Path = orderPath(f.Path, prefix, w, maps)
		ve.Fields = append(ve.Fields, f)
	}
	return ve
}

func orderPath(path, prefix string, w *WorkOrder, maps []jobMap) string {
	if m := billingPath.FindStringSubmatch(path); m != nil {
		bj, _ := strconv.Atoi(m[1])
		item, _ := strconv.Atoi(m[3])
		if bj < len(maps) && item < len(maps[bj].lines[m[2]]) {
			field, ok := lineField[m[4]]
			if !ok {
				field = m[4]
			}
			return fmt.Sprintf("%s[%d].lines[%d]%s%s", prefix, maps[bj].job, maps[bj].lines[m[2]][item], field, m[5])
		}
	}
	if rest, ok := strings.CutPrefix(path, "jobs["); ok {
		if i := strings.IndexByte(rest, ']'); i > 0 {
			if bj, err := strconv.Atoi(rest[:i]); err == nil && bj < len(maps) {
				job := w.Jobs[maps[bj].job]
				if rest[i+1:] == ".pay_type" {
					return "terms.pay_types." + job.ID
				}
				return fmt.Sprintf("%s[%d]%s", prefix, maps[bj].job, rest[i+1:])
			}
		}
	}
	if strings.HasPrefix(path, "discounts") || strings.HasPrefix(path, "coupons") {
		return "terms." + path
	}
	return path
}

// BillTerms are what only the host knows about how a bill is split and
// discounted; everything else on a bill comes from the work order and the
// dealer's active price book. The same terms give the same bill in
// [Service.PreviewBill] and [Service.SettleBill].
type BillTerms struct {
	// PayTypes moves a billed job to another payer (warranty, internal,
	// contract, insurance) where the price book prices that payer; a job
	// not named is customer pay. Only jobs on the bill may be named.
	PayTypes map[string]billing.PayType `json:"pay_types,omitempty" validate:"max=50"`
	// Discounts are order-level discounts. Each states its reason in
	// Description, and only a supervisor gives one; a coupon of the price
	// book needs neither.
	Discounts []billing.Discount `json:"discounts,omitempty" validate:"max=10"`
	// Coupons are codes from the price book.
	Coupons []string `json:"coupons,omitempty" validate:"max=10,unique,dive,notblank,max=64"`
}

// SettleInput is what [Service.SettleBill] needs from the host: only what
// the work order cannot know. The jobs, their lines, quantities and prices,
// the technician's lines and the customer's approvals all come from the
// order and the active price book; nothing here can put on the bill a job
// the customer declined or never consented to (R3.2c, R3.3b).
type SettleInput struct {
	// Key makes settling idempotent: settling again with the same key
	// returns the first settlement and its documents, never new ones.
	Key   string    `json:"key" validate:"required,max=100,ident"`
	Terms BillTerms `json:"terms"`
	// Confirmation is the customer's acceptance of the bill (R3.4d).
	Confirmation billing.Confirmation `json:"confirmation"`
	// Kinds says which document each payer gets; the default is an invoice.
	Kinds map[billing.PayType]billing.DocumentKind `json:"kinds,omitempty"`
	// Payers addresses each payer's document; the customer's defaults to
	// the confirmation's name.
	Payers map[billing.PayType]billing.Party `json:"payers,omitempty"`
	// Payments are the customer's tenders, deposits included.
	Payments []billing.Payment `json:"payments" validate:"max=20,dive"`
	// OverrideReason lets a supervisor other than the order's advisor
	// settle a bill whose reconciliation has differences that may be
	// overridden (hours, quantities, prices, fees: see
	// [billing.DiffKind.Overridable]); work without the customer's
	// consent is never overridden.
	OverrideReason string `json:"override_reason" validate:"max=1000"`
}

// BillPreview is the bill a ready order would be settled with, as the
// customer would sign it, and what would stop the settlement now.
type BillPreview struct {
	WorkOrder WorkOrderID `json:"work_order"`
	// Customer is the order's customer, who confirms the bill (R3.4d).
	Customer Customer `json:"customer"`
	// Bill is priced by the active price book from the jobs the customer
	// consented to and the technician finished; each payer's part is its
	// document. Bill.Text renders it in English or Traditional Chinese.
	Bill billing.Bill `json:"bill"`
	// Reconciliation is the bill checked against the technician's lines
	// (R3.4a, R3.4b).
	Reconciliation billing.Reconciliation `json:"reconciliation"`
	// Overrun is the bill against the approved estimate (R3.4).
	Overrun billing.Overrun `json:"overrun"`
	// Blockers are what would refuse [Service.SettleBill] by this actor
	// now, by rule ID: the order's state and the actor's role, an overrun
	// the customer has not accepted (R3.4_overrun_needs_reapproval), and
	// reconciliation differences that need a supervisor's override
	// (R3.4b_differences_need_override). Empty: it would settle, given
	// payments that cover the customer's part.
	Blockers []Blocker `json:"blockers,omitempty"`
}

// billFor is what PreviewBill and SettleBill share: the bill of the
// order's finished, consented jobs priced by the active price book, the
// technician's lines, and the approved jobs.
type billFor struct {
	book      billing.PriceBook
	bill      billing.Bill
	submitted []billing.WorkLine
	approved  []string
	overrun   billing.Overrun
}

// checkTerms checks that every job the terms name is on the bill and that
// every discount states its reason.
func checkTerms(ve *org.ValidationError, w *WorkOrder, t BillTerms) {
	ids := make([]string, 0, len(t.PayTypes))
	for id := range t.PayTypes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if j, ok := w.Job(id); !ok || j.Status != JobDone {
			ve.Add("terms.pay_types."+id, org.CodeNotFound, "no job on the bill has this ID: only finished jobs the customer approved are billed")
		}
	}
	for i, d := range t.Discounts {
		at := fmt.Sprintf("terms.discounts[%d]", i)
		if strings.TrimSpace(d.Description) == "" {
			ve.Add(at+".description", org.CodeRequired, "a discount states its reason")
		} else if !utf8.ValidString(d.Description) || len(d.Description) > 500 {
			ve.Add(at+".description", org.CodeInvalid, "must be valid text of at most 500 bytes")
		}
	}
}

// discountAllowed: a discount off the bill is a supervisor's decision; a
// coupon of the price book is anyone's.
func discountAllowed(op string, w *WorkOrder, actor org.Actor, t BillTerms) error {
	if len(t.Discounts) > 0 && actor.Role != org.RoleSupervisor && actor.Role != org.RoleAdmin {
		return fmt.Errorf("%s %s: only a supervisor gives a discount (a coupon of the price book needs none): %w", op, w.ID, ErrForbidden)
	}
	return nil
}

// billOf prices the order's finished, consented jobs with the active price
// book under terms.
func (s *Service) billOf(ctx context.Context, dealer org.DealerID, actor org.Actor, op string, w *WorkOrder, terms BillTerms) (billFor, error) {
	book, err := s.biller.ActivePriceBook(ctx, dealer, actor)
	if err != nil {
		return billFor{}, fmt.Errorf("%s %s: %w", op, w.ID, err)
	}
	o, maps := billingOrder(w, &book, terms.PayTypes)
	o.Discounts = slices.Clone(terms.Discounts)
	o.Coupons = slices.Clone(terms.Coupons)
	bill, err := billing.Price(&book, o)
	if err != nil {
		return billFor{}, orderProblems(err, op, "jobs", w, maps)
	}
	b := billFor{book: book, bill: bill}
	for _, j := range w.Jobs {
		if j.Status != JobDone {
			continue
		}
		b.approved = append(b.approved, j.ID)
		pt := billing.PayCustomer
		if p, ok := terms.PayTypes[j.ID]; ok {
			pt = p
		}
		b.submitted = append(b.submitted, j.workLines(pt)...)
	}
	final := decimal.Zero
	for _, pb := range bill.Payers {
		final = final.Add(pb.Subtotal.Sub(pb.Discount))
	}
	b.overrun = billing.CheckOverrun(book.Overrun, w.ApprovedTotal(), final)
	return b, nil
}

// workLines are the technician's lines of a finished job (R3.4a): what
// they reported doing when they completed it, else its lines as estimated.
func (j Job) workLines(pt billing.PayType) []billing.WorkLine {
	var out []billing.WorkLine
	if len(j.Performed) > 0 {
		for _, l := range j.Performed {
			out = append(out, billing.WorkLine{Job: j.ID, Kind: billing.Kind(l.Kind), Code: l.Code, PayType: pt,
				Quantity: l.Quantity, Clocked: l.Clocked})
		}
		return out
	}
	for _, l := range j.Lines {
		out = append(out, billing.WorkLine{Job: j.ID, Kind: billing.Kind(l.Kind), Code: l.Code, PayType: pt, Quantity: l.Quantity})
	}
	return out
}

// PreviewBill returns the bill the order would be settled with under
// terms, exactly as [Service.SettleBill] would issue it, with its
// reconciliation, the overrun check and what would block the settlement
// now. It writes nothing. Advisors and supervisors may preview any order
// of the dealer.
func (s *Service) PreviewBill(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, terms BillTerms) (BillPreview, error) {
	const op = "servicedesk: preview bill"
	if s.biller == nil {
		return BillPreview{}, fmt.Errorf("%s: Config.Billing is not set: %w", op, ErrInvalid)
	}
	ve := shape("preview bill", terms)
	if err := ve.Err(); err != nil {
		return BillPreview{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, actor.Role); err != nil {
		return BillPreview{}, err
	}
	w, err := s.store.WorkOrder(ctx, dealer, ref.ID)
	if err != nil {
		return BillPreview{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	if ref.ExpectedVersion != 0 && ref.ExpectedVersion != w.Version {
		return BillPreview{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, ref.ID, ref.ExpectedVersion, w.Version, org.ErrStale)
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor); err != nil {
		return BillPreview{}, err
	}
	checkTerms(ve, &w, terms)
	if err := ve.Err(); err != nil {
		return BillPreview{}, err
	}
	if err := discountAllowed(op, &w, actor, terms); err != nil {
		return BillPreview{}, err
	}
	if !hasFinishedJob(&w) {
		// Nothing to price yet (still in repair, or every job declined):
		// not an error, a preview that says why it cannot be settled.
		return s.previewUnbilled(ctx, dealer, actor, op, &w, terms)
	}
	b, err := s.billOf(ctx, dealer, actor, op, &w, terms)
	if err != nil {
		return BillPreview{}, err
	}
	rec, err := billing.Reconcile(billing.ReconcileInput{Submitted: b.submitted, Bill: b.bill, Book: &b.book, Approved: b.approved})
	if err != nil {
		return BillPreview{}, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	p := BillPreview{WorkOrder: w.ID, Customer: w.Customer, Bill: b.bill, Reconciliation: rec, Overrun: b.overrun}
	if _, terr := check(&w, CmdSettle, actor, s.opts); terr != nil {
		if te, ok := errors.AsType[*TransitionError](terr); ok {
			p.Blockers = append(p.Blockers, te.Blockers...)
		}
	}
	if b.overrun.NeedsReapproval {
		p.Blockers = append(p.Blockers, overrunBlocker(b.overrun))
	}
	if !rec.Clean {
		p.Blockers = append(p.Blockers, Blocker{Rule: "R3.4b_differences_need_override",
			Message: fmt.Sprintf("%d differences with the technician's lines: a supervisor other than the order's advisor overrides them with a reason", len(rec.Differences))})
	}
	return p, nil
}

// previewUnbilled is the preview of an order with no finished job: an
// empty bill in the active book's currency, with zero totals, and the
// blockers of settling it now, the missing work among them. The terms are
// still held to the book: an unknown coupon or a discount it cannot apply
// is an error, as it is for an order with a bill.
func (s *Service) previewUnbilled(ctx context.Context, dealer org.DealerID, actor org.Actor, op string, w *WorkOrder, terms BillTerms) (BillPreview, error) {
	book, err := s.biller.ActivePriceBook(ctx, dealer, actor)
	if err != nil {
		return BillPreview{}, fmt.Errorf("%s %s: %w", op, w.ID, err)
	}
	o := billing.Order{WorkOrder: string(w.ID), Discounts: slices.Clone(terms.Discounts), Coupons: slices.Clone(terms.Coupons)}
	if _, err := billing.Price(&book, o); err != nil {
		// The order has no job to price, which billing refuses; every other
		// problem is the terms'.
		bve, ok := errors.AsType[*org.ValidationError](err)
		if !ok {
			return BillPreview{}, fmt.Errorf("%s %s: %w", op, w.ID, err)
		}
		ve := &org.ValidationError{Op: bve.Op}
		for _, f := range bve.Fields {
			if f.Path != "jobs" {
				ve.Fields = append(ve.Fields, f)
			}
		}
		if ve.Err() != nil {
			return BillPreview{}, orderProblems(ve, op, "jobs", w, nil)
		}
	}
	bill := billing.Bill{WorkOrder: string(w.ID), Currency: book.Currency, Scale: book.Scale, PriceBookVersion: book.Version, Inclusive: book.Tax.Inclusive}
	rec, err := billing.Reconcile(billing.ReconcileInput{Bill: bill, Book: &book})
	if err != nil {
		return BillPreview{}, fmt.Errorf("%s %s: %w", op, w.ID, err)
	}
	p := BillPreview{WorkOrder: w.ID, Customer: w.Customer, Bill: bill, Reconciliation: rec,
		Overrun: billing.CheckOverrun(book.Overrun, w.ApprovedTotal(), decimal.Zero)}
	if te, ok := errors.AsType[*TransitionError](settleRefusal(w, actor, s.opts)); ok {
		p.Blockers = append(p.Blockers, te.Blockers...)
	}
	return p, nil
}

// RuleNothingToBill blocks settling an order none of whose jobs the
// technician has finished (R3.4, R3.4a): only finished jobs the customer
// consented to are billed, and a bill of nothing is no settlement.
const RuleNothingToBill = "R3.4_nothing_finished_to_bill"

// hasFinishedJob reports whether some job of w is done: whether its bill
// has anything on it.
func hasFinishedJob(w *WorkOrder) bool {
	return slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Status == JobDone })
}

// settleRefusal is what refuses settling w by actor now, before pricing:
// the state machine's refusal (the state, the role, the guards) and, when
// no job is finished, [RuleNothingToBill]; nil when nothing does.
func settleRefusal(w *WorkOrder, actor org.Actor, opts Options) error {
	_, err := check(w, CmdSettle, actor, opts)
	if hasFinishedJob(w) {
		return err
	}
	te, ok := errors.AsType[*TransitionError](err)
	if err != nil && !ok {
		return err
	}
	if !ok {
		te = refusal(w, CmdSettle, actor)
	}
	te.Blockers = append(te.Blockers, Blocker{Rule: RuleNothingToBill,
		Message: "no job is finished: the bill holds only the jobs the customer approved and the technician finished"})
	return te
}

func overrunBlocker(o billing.Overrun) Blocker {
	return Blocker{Rule: "R3.4_overrun_needs_reapproval", Message: fmt.Sprintf("the bill (%s) exceeds the approved estimate (%s) by %s, more than the %s allowed",
		o.Final, o.Approved, o.Excess, o.Allowed)}
}

// SettleBill settles a ready order through billing in one atomic step
// (R3.4). The bill is the one [Service.PreviewBill] shows for the same
// terms: the jobs the customer consented to and the technician finished,
// priced by the active price book; it is reconciled against the
// technician's lines (R3.4b), the customer's confirmation and payments are
// recorded, one invoice or receipt is issued per payer with gapless
// numbers, and the order moves to settled in the same commit. A bill above
// the approved estimate by more than the price book's overrun policy is
// refused until the customer approves the excess ([Service.ApproveOverrun]):
// never a silent overrun. Settling again with the same key returns the
// order as the first call left it, with the same documents.
func (s *Service) SettleBill(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in SettleInput) (_ WorkOrder, _ []billing.Document, err error) {
	ctx, ob := s.obs.Begin(ctx, "settle_bill", dealer, actor)
	defer ob.End(&err)
	if s.biller == nil {
		return WorkOrder{}, nil, fmt.Errorf("servicedesk: settle bill: Config.Billing is not set: %w", ErrInvalid)
	}
	if err := shape("settle bill", in).Err(); err != nil {
		return WorkOrder{}, nil, err
	}
	// The actor first: a stranger learns nothing of the order (R7.2d).
	if _, err := s.roster.Authorize(ctx, dealer, actor, actor.Role); err != nil {
		return WorkOrder{}, nil, err
	}
	for attempt := 0; ; attempt++ {
		w, docs, err := s.settleOnce(ctx, dealer, actor, ref, in)
		// ErrStale matches ErrConflict too, but it is final: the order the
		// caller holds changed, and a retry cannot bring it back.
		if !errors.Is(err, ErrConflict) || errors.Is(err, org.ErrStale) || attempt >= 50 {
			return w, docs, err
		}
		// A concurrent settlement took the next document number, or settled
		// this key, or (without ExpectedVersion) the order changed while it
		// was priced: prepare again. With ExpectedVersion the order is read
		// again too, and a version other than the caller's is ErrStale.
		ob.Retry()
	}
}

// settleInput is the billing input of a settlement: every field the order
// knows is the order's, whatever the host sent.
func settleInput(w *WorkOrder, in SettleInput, b billFor) billing.SettleInput {
	return billing.SettleInput{Key: in.Key, WorkOrder: string(w.ID), Advisor: w.Advisor, Bill: b.bill, Submitted: b.submitted,
		ApprovedJobs: b.approved, OverrideReason: in.OverrideReason, Confirmation: in.Confirmation, Kinds: in.Kinds,
		Payers: in.Payers, Payments: in.Payments, Consents: consentNotes(w)}
}

// consentNotes are the order's consents as its documents print them
// (R3.4c, R3.4e): each decision, who took it, how, its evidence and total.
func consentNotes(w *WorkOrder) []billing.ConsentNote {
	out := make([]billing.ConsentNote, 0, len(w.Approvals))
	for _, a := range w.Approvals {
		out = append(out, billing.ConsentNote{Supplement: a.Supplement, Approved: slices.Clone(a.Approved), Declined: slices.Clone(a.Declined),
			By: a.ApprovedBy, Method: string(a.Method), Evidence: a.Evidence.String(), Total: a.Total})
	}
	return out
}

func (s *Service) settleOnce(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in SettleInput) (WorkOrder, []billing.Document, error) {
	const op = "servicedesk: settle bill"
	before, err := s.store.WorkOrder(ctx, dealer, ref.ID)
	if err != nil {
		return WorkOrder{}, nil, fmt.Errorf("%s %s: %w", op, ref.ID, err)
	}
	terr := settleRefusal(&before, actor, s.opts)
	// Settled already with this key: the same documents, not an error,
	// whatever version the caller read before it settled.
	if terr != nil && settledOrLater(before.State) {
		if docs, ok := s.settledWith(ctx, dealer, actor, &before, in.Key); ok {
			return before, docs, nil
		}
	}
	if ref.ExpectedVersion != 0 && ref.ExpectedVersion != before.Version {
		return WorkOrder{}, nil, fmt.Errorf("%s %s: read version %d, now %d: %w", op, ref.ID, ref.ExpectedVersion, before.Version, org.ErrStale)
	}
	if terr != nil {
		return WorkOrder{}, nil, terr
	}
	ve := &org.ValidationError{Op: op}
	checkTerms(ve, &before, in.Terms)
	if err := ve.Err(); err != nil {
		return WorkOrder{}, nil, err
	}
	if err := discountAllowed(op, &before, actor, in.Terms); err != nil {
		return WorkOrder{}, nil, err
	}
	b, err := s.billOf(ctx, dealer, actor, op, &before, in.Terms)
	if err != nil {
		return WorkOrder{}, nil, err
	}
	p, err := s.biller.Prepare(ctx, dealer, actor, settleInput(&before, in, b))
	if err != nil {
		return WorkOrder{}, nil, err
	}
	if p.Existing {
		// Settled with this key since the order was read: the order as
		// that settlement left it.
		if now, err := s.store.WorkOrder(ctx, dealer, ref.ID); err == nil {
			before = now
		}
		return before, p.Documents, nil
	}
	w, err := s.run(ctx, dealer, actor, step{cmd: CmdSettle, id: ref.ID, expected: ref.ExpectedVersion,
		input: settledInput{Key: in.Key, Documents: p.Settlement.Documents, Total: b.bill.Total()},
		apply: func(_ context.Context, w *WorkOrder, _ Transition, now time.Time, _ *org.ValidationError, c *Change) error {
			if w.Version != before.Version {
				if ref.ExpectedVersion != 0 && w.Version != ref.ExpectedVersion {
					// Not the order the caller holds (s.run says so first).
					return fmt.Errorf("%s %s: read version %d, now %d: %w", op, w.ID, ref.ExpectedVersion, w.Version, org.ErrStale)
				}
				// The order changed since it was priced: price it again.
				return fmt.Errorf("%s %s: changed while it was priced: %w", op, w.ID, ErrConflict)
			}
			if b.overrun.NeedsReapproval {
				// R3.4: the customer approves the excess first.
				te := refusal(w, CmdSettle, actor)
				te.Blockers = []Blocker{overrunBlocker(b.overrun)}
				return te
			}
			w.Settlement = strings.Join(docIDs(p.Documents), ",")
			w.SettledTotal, w.SettledAt = b.bill.Total(), now
			c.Billing = p.Change
			return nil
		}})
	if errors.Is(err, org.ErrStale) {
		// Another call with this key (a double submit, a retry after a
		// timeout) settled the order first: its documents, not an error.
		if now, rerr := s.store.WorkOrder(ctx, dealer, ref.ID); rerr == nil && settledOrLater(now.State) {
			if docs, ok := s.settledWith(ctx, dealer, actor, &now, in.Key); ok {
				return now, docs, nil
			}
		}
	}
	if err != nil {
		return WorkOrder{}, nil, err
	}
	return w, p.Documents, nil
}

// settledWith returns the documents of the settlement with key when it is
// this order's: a repeat of a settlement that succeeded, by anyone who may
// settle.
func (s *Service) settledWith(ctx context.Context, dealer org.DealerID, actor org.Actor, w *WorkOrder, key string) ([]billing.Document, bool) {
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor); err != nil {
		return nil, false
	}
	_, docs, err := s.biller.Replay(ctx, dealer, actor, key, string(w.ID))
	if err != nil {
		return nil, false
	}
	return docs, true
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

// OverrunConsent is the customer's acceptance of a final bill above the
// approved estimate, with the same evidence as any approval.
type OverrunConsent struct {
	// Total is the final amount the customer accepts (before tax when the
	// book's prices exclude it), as SettleBill compares it.
	Total  decimal.Decimal `json:"total"`
	By     string          `json:"by" validate:"notblank,max=200"`
	Method ApprovalMethod  `json:"method" validate:"oneof=in_person phone sms email signature"`
	// Evidence must carry the fields the Service's ConsentRules require
	// for Method; TotalTold, when given, is Total: the whole bill the
	// customer accepts, not only the excess.
	Evidence ConsentEvidence `json:"evidence"`
}

// ApproveOverrun records that the customer accepts a final bill above the
// approved estimate (R3.4: never a silent overrun). It is the re-approval
// SettleBill asks for: the accepted excess joins the approved total, and
// the approval is kept with its evidence like every other consent.
func (s *Service) ApproveOverrun(ctx context.Context, dealer org.DealerID, actor org.Actor, ref Ref, in OverrunConsent) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdApproveOverrun), dealer, actor)
	defer ob.End(&err)
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
			ev := s.checkConsent(ve, "", in.Method, in.By, in.Evidence, in.Total, w.OpenedAt, now) // R3.4
			if ve.Err() != nil {
				return nil
			}
			w.ApprovedOverrun = w.ApprovedOverrun.Add(excess)
			w.Approvals = append(w.Approvals, Approval{Supplement: -1, ApprovedBy: in.By, Method: in.Method, Evidence: ev,
				Total: excess, NewTotal: w.ApprovedTotal(), RecordedBy: actor.ID, At: now})
			return nil
		}})
}
