package billing

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// WorkLine is one line of the work order and fee details the technician
// submits (R3.4a): what was done on a job, for which payer.
type WorkLine struct {
	Job  string `json:"job"`
	Kind Kind   `json:"kind"` // labor, part, sublet or fee
	// Code is the operation code (labor), part number (part), per-unit fee
	// code (fee) or vendor (sublet): what the bill line carries as its Code.
	Code    string  `json:"code"`
	PayType PayType `json:"pay_type"`
	// Quantity is hours for labor (zero: the operation's book hours), units
	// for parts and fees, one for a sublet (zero counts as one).
	Quantity decimal.Decimal `json:"quantity"`
	// Clocked is the technician's actual time on a labor line. It never
	// makes a difference; it is reported apart, as [HoursVariance].
	Clocked decimal.Decimal `json:"clocked,omitzero"`
	// LaborType names the labor rate when it is not the operation's own.
	LaborType string `json:"labor_type,omitempty"`
}

// ReconcileInput is what the advisor checks against each other (R3.4b).
type ReconcileInput struct {
	Submitted []WorkLine `json:"submitted"`
	Bill      Bill       `json:"bill"`
	// Book, when set, is the price book that priced the bill (its Version
	// must be the bill's PriceBookVersion). With it, labor hours are billed
	// as the book bills them (book hours for zero, rounded up to the
	// increment, at least the minimum), and every bill line's price and tax
	// is checked against the book, and so are the order-level percent fees
	// (shop supplies): one the book charges a payer but the bill lacks,
	// and one on the bill the book does not charge.
	Book *PriceBook `json:"-"`
	// Approved lists the jobs the customer approved (R3.2c, R3.3b). Empty:
	// approval is not checked.
	Approved []string `json:"approved,omitempty"`
}

// DiffKind is what kind of difference reconciliation found.
type DiffKind string

// Kinds of difference, in the order a reconciliation lists them for a line.
// The fee kinds are found only with a price book, on order-level percent
// fees (shop supplies), which the book adds by itself and the technician
// never submits: they are the book's side of missing from the bill and not
// performed.
const (
	DiffMissingFromBill DiffKind = "missing_from_bill" // submitted, not on the bill
	DiffNotPerformed    DiffKind = "not_performed"     // on the bill, not submitted
	DiffFeeMissing      DiffKind = "fee_missing"       // a percent fee the book charges, not on the bill
	DiffFeeNotInBook    DiffKind = "fee_not_in_book"   // a percent fee on the bill the book does not charge
	DiffQuantityDiffers DiffKind = "quantity_differs"  // parts, fees, sublets, cores
	DiffHoursDiffer     DiffKind = "hours_differ"      // labor
	DiffPayTypeDiffers  DiffKind = "pay_type_differs"
	DiffPriceDiffers    DiffKind = "price_differs" // not what the price book gives
	DiffTaxDiffers      DiffKind = "tax_differs"   // not what the price book gives
	DiffNotApproved     DiffKind = "not_approved"  // billed for a job the customer did not approve
)

// Overridable reports whether a supervisor's override may settle a bill
// with a difference of this kind (R3.4b): hours, quantities, pay types,
// prices, taxes and fees are the advisor's checking, which a supervisor
// may settle with a reason. Work the customer did not approve is not
// (R3.2c, R3.3b): no one may bill it without the customer's consent, so
// [DiffNotApproved] is never overridable.
func (k DiffKind) Overridable() bool { return k != DiffNotApproved }

// DiffKinds lists the kinds of difference in listing order.
func DiffKinds() []DiffKind {
	return []DiffKind{DiffMissingFromBill, DiffNotPerformed, DiffFeeMissing, DiffFeeNotInBook, DiffQuantityDiffers,
		DiffHoursDiffer, DiffPayTypeDiffers, DiffPriceDiffers, DiffTaxDiffers, DiffNotApproved}
}

// Difference is one thing the technician's lines and the bill disagree on,
// or one bill line the price book disagrees with. Lines match on Job,
// LineKind and Code; a core charge matches the part it belongs to.
type Difference struct {
	Kind     DiffKind `json:"kind"`
	Job      string   `json:"job,omitempty"` // empty for order-level percent fees
	LineKind Kind     `json:"line_kind"`
	Code     string   `json:"code"`
	PayType  PayType  `json:"pay_type,omitempty"`
	// Line is the bill line's ID, for price and tax differences and a
	// percent fee the book does not charge (a missing fee has none).
	Line string `json:"line,omitempty"`
	// Field is what differs: quantity, hours, pay_type, unit_price, amount
	// (also of a missing fee or one the book does not charge), tax_code,
	// tax_rate, tax or job (not approved).
	Field string `json:"field"`
	// Expected is what the technician submitted (or the customer
	// approved) or the book gives; Actual is what the bill says. A side
	// without the line has "0" (missing from the bill, not performed, not
	// approved, a fee missing or not in the book); an empty Expected is a
	// price the book does not have, or no tax code (exempt). Quantities
	// are plain decimals, money is at the bill's scale, pay types are
	// joined by "+".
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	// Explain's key is "reconcile." + Kind, with the arguments job, code,
	// expected, actual, line_kind, pay_type, line and field; except
	// "reconcile.unpriced" for a line the book cannot price, and
	// "reconcile.fee_price_differs" and "reconcile.fee_tax_differs" for
	// an order-level fee, which has no job. The fee kinds'
	// messages show pay_type too: a percent fee is charged per payer.
	Explain Explanation `json:"explain"`
}

// HoursVariance is the billed hours of a job's operation against the
// technician's clocked hours: the technician's efficiency, not a billing
// error. Its Explain is "reconcile.clocked_variance" with job, code,
// expected (billed), actual (clocked), book, variance and efficiency
// (empty when unclocked).
type HoursVariance struct {
	Job     string          `json:"job"`
	Code    string          `json:"code"`
	PayType PayType         `json:"pay_type,omitempty"` // empty when more than one
	Book    decimal.Decimal `json:"book"`               // the book hours of the billed lines
	Billed  decimal.Decimal `json:"billed"`
	Clocked decimal.Decimal `json:"clocked"`
	// Variance is Billed - Clocked: positive when the technician beat the
	// billed time.
	Variance decimal.Decimal `json:"variance"`
	// Efficiency is Billed / Clocked, 4 places half-up (1.25 = 125%).
	Efficiency decimal.Decimal `json:"efficiency"`
	// Unclocked: no clocked time, so Efficiency has no value (it is not 0).
	Unclocked bool        `json:"unclocked"`
	Explain   Explanation `json:"explain"`
}

// SummedKey is a job, kind and code found on more than one line of either
// side: the sides were compared by their summed quantities.
type SummedKey struct {
	Job            string `json:"job"`
	LineKind       Kind   `json:"line_kind"`
	Code           string `json:"code"`
	SubmittedLines int    `json:"submitted_lines"`
	BilledLines    int    `json:"billed_lines"`
}

// Reconciliation is the result of [Reconcile]. Clean is true when there is
// no Difference; ClockedVariance and Summed are information and never make
// it unclean.
type Reconciliation struct {
	Differences     []Difference    `json:"differences"`
	ClockedVariance []HoursVariance `json:"clocked_variance"`
	Summed          []SummedKey     `json:"summed"`
	Clean           bool            `json:"clean"`
}

// Of returns the differences of kind k.
func (r Reconciliation) Of(k DiffKind) []Difference {
	var out []Difference
	for _, d := range r.Differences {
		if d.Kind == k {
			out = append(out, d)
		}
	}
	return out
}

// Reconcile checks the technician's submitted lines and the bill against
// each other so that the fees are exactly right (R3.4b). Lines match on
// job, kind and code; every key is compared by itself, so differences that
// cancel out in the totals (an hour too many on one operation, an hour too
// few on another) are each reported. Lines the book adds by itself
// (order-level percent fees, deductibles) are not matched, but with a book
// their prices and taxes are checked; a core charge must match its part's
// submitted quantity.
//
// With a book, every bill line is also checked against it: the unit price
// (labor rate, matrix price of a part, sublet markup, per-unit fee), the
// amount (quantity x unit price, rounded), and the tax code, rate and
// amount, all computed from the book's own prices so that one wrong line
// does not make its neighbours look wrong. Order-level percent fees are
// checked as [Price] charges them: once per payer the fee applies to whose
// base (labor, parts or both, at the book's prices) is above zero, a
// percent of it within the fee's minimum and maximum. A fee the book
// charges that the bill lacks is [DiffFeeMissing]; a fee on the bill that
// the book does not charge that payer (no such percent fee, a payer it
// does not apply to, a zero base, the same fee twice) is
// [DiffFeeNotInBook], and its price and tax are not checked further; one
// at another amount is [DiffPriceDiffers]. A fee of zero (a tiny base with
// no minimum) charges nothing, so it is never missing nor extra.
//
// It is pure and never writes its input: the same input always gives the
// same result, in the same order (R1.3): by job, line kind, code, kind of
// difference, pay type. Bad submitted lines, or a book that is not the one
// that priced the bill, give a *org.ValidationError.
func Reconcile(in ReconcileInput) (Reconciliation, error) {
	ve := &org.ValidationError{Op: "billing: reconcile"}
	rcCheckInput(in, ve)
	if err := ve.Err(); err != nil {
		return Reconciliation{}, err
	}
	billed := 0
	for _, pb := range in.Bill.Payers {
		billed += len(pb.Lines)
	}
	r := reconciler{in: in, bill: make(map[rcKey]*rcGroup, billed), sub: make(map[rcKey]*rcGroup, len(in.Submitted)),
		groups: make([]rcGroup, 0, billed+len(in.Submitted)),
		out:    Reconciliation{Differences: []Difference{}}} // JSON: [], not null
	if in.Book != nil {
		r.p = pricer{book: in.Book, money: in.Book.money()}
	}
	r.groupBill()
	r.groupSubmitted()
	keys := r.keys()
	for _, k := range keys {
		r.match(k)
	}
	r.approval(keys)
	if in.Book != nil {
		for _, pb := range in.Bill.Payers {
			r.checkBook(pb)
		}
	}
	slices.SortFunc(r.out.Differences, rcCompareDiffs)
	r.out.ClockedVariance = r.variances(keys)
	r.out.Summed = r.summed(keys)
	r.out.Clean = len(r.out.Differences) == 0
	return r.out, nil
}

// rcCheckInput reports every submitted line that cannot be matched.
func rcCheckInput(in ReconcileInput, ve *org.ValidationError) {
	for i, w := range in.Submitted {
		at := func(field string) string { return "submitted[" + strconv.Itoa(i) + "]." + field }
		if w.Job == "" {
			ve.Add(at("job"), org.CodeRequired, "is required")
		}
		switch w.Kind {
		case KindLabor, KindPart, KindSublet, KindFee:
		default:
			ve.Add(at("kind"), org.CodeUnknown, "a technician submits labor, part, sublet or fee lines")
		}
		if w.Code == "" {
			ve.Add(at("code"), org.CodeRequired, "is required")
		}
		if !w.PayType.valid() {
			ve.Add(at("pay_type"), org.CodeUnknown, fmt.Sprintf("must be one of %v", PayTypes()))
		}
		switch {
		case (w.Kind == KindPart || w.Kind == KindFee) && !w.Quantity.IsPositive():
			ve.Add(at("quantity"), org.CodeRange, "must be above zero")
		case w.Quantity.IsNegative():
			ve.Add(at("quantity"), org.CodeRange, "must not be negative")
		}
		if w.Clocked.IsNegative() {
			ve.Add(at("clocked"), org.CodeRange, "must not be negative")
		}
	}
	if b := in.Book; b != nil && in.Bill.PriceBookVersion != "" && b.Version != in.Bill.PriceBookVersion {
		ve.Add("book.version", org.CodeInvalid, fmt.Sprintf("the bill was priced by price book %q, not %q", in.Bill.PriceBookVersion, b.Version))
	}
}

// rcKey is what lines match on.
type rcKey struct {
	job  string
	kind Kind
	code string
}

// rcGroup is the lines of one side with one key.
type rcGroup struct {
	lines     int
	total     rcPay    // every pay type's (pt unset)
	pays      []rcPay  // by pay type, in document order
	first     [1]rcPay // backs pays for the usual one pay type
	clocked   decimal.Decimal
	book      decimal.Decimal // billed labor: the book hours of every line
	opHours   decimal.Decimal // billed labor: the operation's book hours
	laborType string          // submitted labor: the labor type named
}

// rcPay is a group's quantity for one pay type. For submitted labor, qty
// is the hours as the book bills them and raw the hours as submitted.
type rcPay struct {
	pt       PayType
	qty, raw decimal.Decimal
}

// agrees reports whether billed quantity q is what was submitted: the
// hours as the book bills them, or as the technician gave them (a book
// whose minimum is not a whole number of increments bills 0.3 h as 0.5 h
// when rounding again what it already rounded).
func (p rcPay) agrees(q decimal.Decimal) bool { return p.qty.Equal(q) || p.raw.Equal(q) }

func (g *rcGroup) add(pt PayType, qty, raw decimal.Decimal) {
	g.lines++
	g.total.qty, g.total.raw = rcSum(g.total.qty, qty), rcSum(g.total.raw, raw)
	if g.pays == nil {
		g.first[0] = rcPay{pt: pt, qty: qty, raw: raw}
		g.pays = g.first[:1:1]
		return
	}
	i, found := slices.BinarySearchFunc(g.pays, pt, func(p rcPay, t PayType) int { return cmp.Compare(rcPayRank(p.pt), rcPayRank(t)) })
	if found && g.pays[i].pt == pt {
		g.pays[i].qty, g.pays[i].raw = rcSum(g.pays[i].qty, qty), rcSum(g.pays[i].raw, raw)
		return
	}
	g.pays = slices.Insert(g.pays, i, rcPay{pt: pt, qty: qty, raw: raw})
}

// rcSum is a + b, without allocating when either is zero (most keys have
// one line, and most lines no clocked or book hours).
func rcSum(a, b decimal.Decimal) decimal.Decimal {
	switch {
	case b.IsZero():
		return a
	case a.IsZero():
		return b
	}
	return a.Add(b)
}

// payTypes writes the group's pay types: "customer+warranty".
func (g *rcGroup) payTypes() string {
	s := make([]string, len(g.pays))
	for i, p := range g.pays {
		s[i] = string(p.pt)
	}
	return strings.Join(s, "+")
}

func (g *rcGroup) samePayTypes(o *rcGroup) bool {
	return slices.EqualFunc(g.pays, o.pays, func(a, b rcPay) bool { return a.pt == b.pt })
}

type reconciler struct {
	in        ReconcileInput
	p         pricer // zero without a book
	bill, sub map[rcKey]*rcGroup
	groups    []rcGroup // backs the groups of both maps: one allocation
	out       Reconciliation
}

// group is m's group for k, new when m has none.
func (r *reconciler) group(m map[rcKey]*rcGroup, k rcKey) *rcGroup {
	if g := m[k]; g != nil {
		return g
	}
	r.groups = append(r.groups, rcGroup{})
	g := &r.groups[len(r.groups)-1]
	m[k] = g
	return g
}

// rcMatched reports whether a bill line is matched to submitted lines: the
// lines of a job, except deductibles, which follow from the job's payer.
func rcMatched(l Line) bool {
	return l.Job != "" && l.Kind != KindDeductible
}

func (r *reconciler) groupBill() {
	for _, pb := range r.in.Bill.Payers {
		for _, l := range pb.Lines {
			if !rcMatched(l) {
				continue
			}
			g := r.group(r.bill, rcKey{l.Job, l.Kind, l.Code})
			g.add(l.PayType, l.Quantity, l.Quantity)
			g.clocked = rcSum(g.clocked, l.ClockedHours)
			g.book = rcSum(g.book, l.BookHours)
			if g.lines == 1 {
				g.opHours = l.BookHours
			}
		}
	}
}

func (r *reconciler) groupSubmitted() {
	for _, w := range r.in.Submitted {
		k := rcKey{w.Job, w.Kind, w.Code}
		g := r.group(r.sub, k)
		billed, raw := r.submittedQuantity(w, k)
		g.add(w.PayType, billed, raw)
		g.clocked = rcSum(g.clocked, w.Clocked)
		if g.laborType == "" {
			g.laborType = w.LaborType
		}
	}
}

// submittedQuantity is the quantity the bill should carry for w, and the
// quantity as submitted. For labor, zero hours are the operation's book
// hours (from the book, or without one from the bill), and the bill should
// carry the hours as the book bills them, as [Price] does: rounded up to
// the increment, at least the minimum.
func (r *reconciler) submittedQuantity(w WorkLine, k rcKey) (billed, raw decimal.Decimal) {
	if w.Kind == KindSublet && w.Quantity.IsZero() {
		return one, one
	}
	if w.Kind != KindLabor {
		return w.Quantity, w.Quantity
	}
	hours := w.Quantity
	book := r.in.Book
	if book == nil {
		if g := r.bill[k]; hours.IsZero() && g != nil {
			hours = g.opHours
		}
		return hours, hours
	}
	if op, ok := book.operation(w.Code); ok && hours.IsZero() {
		hours = op.Hours
	}
	billed = hours
	if inc := book.Labor.Increment; inc.IsPositive() {
		billed = billed.Div(inc).Ceil().Mul(inc)
	}
	if billed.LessThan(book.Labor.Minimum) {
		billed = book.Labor.Minimum
	}
	return billed, hours
}

// keys lists every key of either side, sorted.
func (r *reconciler) keys() []rcKey {
	keys := make([]rcKey, 0, len(r.bill)+len(r.sub))
	for k := range r.bill {
		keys = append(keys, k)
	}
	for k := range r.sub {
		if _, ok := r.bill[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b rcKey) int {
		return cmp.Or(strings.Compare(a.job, b.job), rcCompareKinds(a.kind, b.kind), strings.Compare(a.code, b.code))
	})
	return keys
}

// match compares one key's submitted and billed lines.
func (r *reconciler) match(k rcKey) {
	b, s := r.bill[k], r.sub[k]
	if k.kind == KindCore {
		// A core charge follows its part: billed only for a part the
		// technician used, for as many units.
		s = r.sub[rcKey{k.job, KindPart, k.code}]
	}
	switch {
	case b == nil:
		for _, p := range s.pays {
			r.add(DiffMissingFromBill, k, p.pt, "", rcQuantityField(k.kind), r.qty(p.qty), "0")
		}
	case s == nil:
		for _, p := range b.pays {
			r.add(DiffNotPerformed, k, p.pt, "", rcQuantityField(k.kind), "0", r.qty(p.qty))
		}
	case !s.samePayTypes(b):
		pt := PayType("")
		if len(b.pays) == 1 {
			pt = b.pays[0].pt
		}
		r.add(DiffPayTypeDiffers, k, pt, "", "pay_type", s.payTypes(), b.payTypes())
		if !s.total.agrees(b.total.qty) {
			r.add(rcQuantityKind(k.kind), k, pt, "", rcQuantityField(k.kind), r.qty(s.total.qty), r.qty(b.total.qty))
		}
	default:
		for i, p := range s.pays {
			if q := b.pays[i].qty; !p.agrees(q) {
				r.add(rcQuantityKind(k.kind), k, p.pt, "", rcQuantityField(k.kind), r.qty(p.qty), r.qty(q))
			}
		}
	}
}

// approval reports every billed line of a job the customer did not
// approve (R3.2c, R3.3b).
func (r *reconciler) approval(keys []rcKey) {
	if len(r.in.Approved) == 0 {
		return
	}
	for _, k := range keys {
		b := r.bill[k]
		if b == nil || slices.Contains(r.in.Approved, k.job) {
			continue
		}
		for _, p := range b.pays {
			r.add(DiffNotApproved, k, p.pt, "", "job", "0", r.qty(p.qty))
		}
	}
}

// variances are the billed against the clocked hours of every labor key.
// Clocked hours are the technician's, or the bill's when the technician
// submitted none for the key.
func (r *reconciler) variances(keys []rcKey) []HoursVariance {
	out := []HoursVariance{}
	for _, k := range keys {
		if k.kind != KindLabor {
			continue
		}
		v := HoursVariance{Job: k.job, Code: k.code}
		b, s := r.bill[k], r.sub[k]
		if b != nil {
			v.Book, v.Billed, v.Clocked = b.book, b.total.qty, b.clocked
		}
		if s != nil {
			v.Clocked = s.clocked
		}
		if g := cmp.Or(b, s); len(g.pays) == 1 {
			v.PayType = g.pays[0].pt
		}
		v.Variance = v.Billed.Sub(v.Clocked)
		efficiency := ""
		if v.Clocked.IsPositive() {
			v.Efficiency = v.Billed.DivRound(v.Clocked, 4)
			efficiency = v.Efficiency.StringFixed(4)
		} else {
			v.Unclocked = true
		}
		v.Explain = Explanation{Key: "reconcile.clocked_variance", Args: map[string]string{"job": k.job, "code": k.code,
			"expected": plain(v.Billed), "actual": plain(v.Clocked), "book": plain(v.Book), "variance": plain(v.Variance),
			"efficiency": efficiency}}
		out = append(out, v)
	}
	return out
}

// summed lists the keys found on more than one line of a side.
func (r *reconciler) summed(keys []rcKey) []SummedKey {
	out := []SummedKey{}
	for _, k := range keys {
		s := SummedKey{Job: k.job, LineKind: k.kind, Code: k.code}
		if g := r.sub[k]; g != nil {
			s.SubmittedLines = g.lines
		}
		if g := r.bill[k]; g != nil {
			s.BilledLines = g.lines
		}
		if s.SubmittedLines > 1 || s.BilledLines > 1 {
			out = append(out, s)
		}
	}
	return out
}

// add records a difference with its explanation: the message key is
// "reconcile.<kind>".
func (r *reconciler) add(kind DiffKind, k rcKey, pt PayType, line, field, expected, actual string) {
	key := "reconcile." + string(kind)
	switch {
	case kind == DiffPriceDiffers && expected == "":
		key = "reconcile.unpriced" // no price to say it should be
	case (kind == DiffPriceDiffers || kind == DiffTaxDiffers) && k.job == "":
		key = "reconcile.fee_" + string(kind) // an order-level fee has no job
	}
	r.out.Differences = append(r.out.Differences, Difference{Kind: kind, Job: k.job, LineKind: k.kind, Code: k.code,
		PayType: pt, Line: line, Field: field, Expected: expected, Actual: actual,
		Explain: Explanation{Key: key, Args: map[string]string{"job": k.job, "code": k.code,
			"line_kind": string(k.kind), "pay_type": string(pt), "line": line, "field": field, "expected": expected, "actual": actual}}})
}

// qty writes a quantity or hours.
func (r *reconciler) qty(d decimal.Decimal) string { return plain(d) }

// money writes an amount at the bill's scale, or with every place it has
// when it has more (a rate of 0.125 per litre).
func (r *reconciler) money(d decimal.Decimal) string {
	if scale := r.in.Bill.Scale; d.Equal(d.Round(scale)) {
		return d.StringFixed(scale)
	}
	return d.String()
}

func rcQuantityKind(k Kind) DiffKind {
	if k == KindLabor {
		return DiffHoursDiffer
	}
	return DiffQuantityDiffers
}

func rcQuantityField(k Kind) string {
	if k == KindLabor {
		return "hours"
	}
	return "quantity"
}

// rcRank is v's place in order; unknown values go last.
func rcRank[T comparable](order []T, v T) int {
	if i := slices.Index(order, v); i >= 0 {
		return i
	}
	return len(order)
}

func rcCompareKinds(a, b Kind) int {
	kinds := []Kind{KindLabor, KindPart, KindCore, KindSublet, KindFee, KindDeductible}
	return cmp.Or(cmp.Compare(rcRank(kinds, a), rcRank(kinds, b)), strings.Compare(string(a), string(b)))
}

func rcPayRank(p PayType) int { return rcRank(PayTypes(), p) }

// rcCompareDiffs orders differences by job, line kind, code, kind of
// difference, pay type, line, field and values: a total order, so the
// result never depends on map iteration (R1.3).
func rcCompareDiffs(a, b Difference) int {
	if c := cmp.Or(strings.Compare(a.Job, b.Job), rcCompareKinds(a.LineKind, b.LineKind), strings.Compare(a.Code, b.Code)); c != 0 {
		return c
	}
	kinds := DiffKinds()
	return cmp.Or(cmp.Compare(rcRank(kinds, a.Kind), rcRank(kinds, b.Kind)), strings.Compare(string(a.Kind), string(b.Kind)),
		cmp.Compare(rcPayRank(a.PayType), rcPayRank(b.PayType)), strings.Compare(string(a.PayType), string(b.PayType)),
		strings.Compare(a.Line, b.Line), strings.Compare(a.Field, b.Field),
		strings.Compare(a.Expected, b.Expected), strings.Compare(a.Actual, b.Actual))
}

// checkBook checks every line of pb against the price book. It prints the
// lines as the book would, given the bill's quantities and discounts (unit
// prices and amounts, then percent fees and taxes by the code that priced
// the bill), and reports each line that differs: one price difference
// (unit price, else amount) and one tax difference (code, rate, else
// amount). Percent fees and taxes are computed on the book's amounts, so
// one wrong line does not make its neighbours look wrong. A percent fee the
// book does not charge is reported once, as such; a percent fee the book
// charges pb's payer is reported when the bill lacks it.
func (r *reconciler) checkBook(pb PayerBill) {
	want, unpriced := r.bookLines(pb)
	for i, l := range pb.Lines {
		w, k := want[i], rcKey{l.Job, l.Kind, l.Code}
		if rcPercentFee(l) && unpriced[i] {
			r.feeNotInBook(l)
			continue
		}
		switch {
		case unpriced[i]:
			r.add(DiffPriceDiffers, k, l.PayType, l.ID, "unit_price", "", r.money(l.UnitPrice))
		case !rcPercentFee(l) && !l.UnitPrice.Equal(w.UnitPrice):
			r.add(DiffPriceDiffers, k, l.PayType, l.ID, "unit_price", r.money(w.UnitPrice), r.money(l.UnitPrice))
		case !l.Amount.Equal(w.Amount):
			r.add(DiffPriceDiffers, k, l.PayType, l.ID, "amount", r.money(w.Amount), r.money(l.Amount))
		}
		switch {
		case l.TaxCode != w.TaxCode:
			r.add(DiffTaxDiffers, k, l.PayType, l.ID, "tax_code", w.TaxCode, l.TaxCode)
		case !l.TaxRate.Equal(w.TaxRate):
			r.add(DiffTaxDiffers, k, l.PayType, l.ID, "tax_rate", plain(w.TaxRate), plain(l.TaxRate))
		case !l.Tax.Equal(w.Tax):
			r.add(DiffTaxDiffers, k, l.PayType, l.ID, "tax", r.money(w.Tax), r.money(l.Tax))
		}
	}
	r.feesMissing(pb, want)
}

// feeNotInBook reports percent fee l, which the book does not charge its
// payer (R3.4b), unless it charges nothing either.
func (r *reconciler) feeNotInBook(l Line) {
	if l.Amount.IsZero() && l.Tax.IsZero() {
		return
	}
	r.add(DiffFeeNotInBook, rcKey{l.Job, l.Kind, l.Code}, l.PayType, l.ID, "amount", "0", r.money(l.Amount))
}

// feesMissing reports every percent fee the book charges pb's payer, on
// the book's amounts want, that pb does not carry (R3.4b).
func (r *reconciler) feesMissing(pb PayerBill, want []Line) {
	for _, f := range r.in.Book.Fees {
		if f.PerUnit() || !f.Percent.IsPositive() ||
			slices.ContainsFunc(pb.Lines, func(l Line) bool { return rcPercentFee(l) && l.Code == f.Code }) {
			continue
		}
		if amount, charged := r.percentFeeAmount(want, f.Code, pb.PayType); charged && !amount.IsZero() {
			r.add(DiffFeeMissing, rcKey{"", KindFee, f.Code}, pb.PayType, "", "amount", r.money(amount), "0")
		}
	}
}

// rcPercentFee reports whether l is an order-level percent fee (shop
// supplies), which the book adds by itself.
func rcPercentFee(l Line) bool { return l.Kind == KindFee && l.Job == "" }

// bookLines are pb's lines as the book prints them; unpriced marks the
// lines the book has no price for (they keep the bill's): for a percent
// fee, one the book does not charge the payer, or charges once already.
func (r *reconciler) bookLines(pb PayerBill) (want []Line, unpriced []bool) {
	want = slices.Clone(pb.Lines)
	unpriced = make([]bool, len(want))
	// The pricer writes each line's explanation; the copies share one
	// scratch map so that the caller's maps are never written.
	scratch := map[string]string{}
	for i := range want {
		w := &want[i]
		if !rcPercentFee(*w) && w.Kind != KindDeductible {
			unit, ok, checked := r.unitPrice(*w, rcKey{w.Job, w.Kind, w.Code})
			switch {
			case checked && ok:
				w.UnitPrice = unit
			case checked:
				unpriced[i] = true
			}
			w.Amount = r.p.money.Round(w.Quantity.Mul(w.UnitPrice))
		}
		w.TaxCode, w.TaxRate, w.Tax = "", decimal.Zero, decimal.Zero
		w.Explain.Args = scratch
	}
	for i := range want {
		w := &want[i]
		if !rcPercentFee(*w) {
			continue
		}
		amount, charged := r.percentFeeAmount(want, w.Code, w.PayType)
		if !charged || slices.ContainsFunc(pb.Lines[:i], func(o Line) bool { return rcPercentFee(o) && o.Code == w.Code }) {
			// Kept at the bill's amount, so that its neighbours' taxes
			// are computed on the lines as billed.
			unpriced[i] = true
			continue
		}
		w.UnitPrice, w.Amount = amount, amount
	}
	for i := range want {
		want[i].Net = want[i].Amount.Sub(want[i].Discount)
	}
	r.p.taxes(&PayerBill{PayType: pb.PayType, Lines: want})
	return want, unpriced
}

// unitPrice is the unit price the book gives a line; ok is false when the
// book has none, checked is false when the price is not the book's to
// give (a part's own sell or list price, a labor rate set by hand, a core
// charge).
func (r *reconciler) unitPrice(l Line, k rcKey) (want decimal.Decimal, ok, checked bool) {
	book := r.in.Book
	switch l.Kind {
	case KindLabor:
		if l.Explain.Key == "line.labor_set" {
			return decimal.Zero, false, false // a rate set by hand, as a part's own sell price
		}
		// The technician's labor type, else the one that priced the line
		// (the job's, from the approved estimate), else the operation's.
		laborType := l.LaborType
		if g := r.sub[k]; g != nil && g.laborType != "" {
			laborType = g.laborType
		}
		if laborType == "" {
			op, _ := book.operation(l.Code)
			laborType = op.LaborType
		}
		want, ok = book.rate(l.PayType, laborType)
		return want, ok, true
	case KindPart:
		// Only a matrix price is the book's; Price says how it priced.
		how := l.Explain.Args["priced_by"]
		if !strings.HasPrefix(how, "multiplier ") && !strings.HasPrefix(how, "margin ") {
			return decimal.Zero, false, false
		}
		price, _, ok := book.sellPrice(l.Cost)
		return r.p.money.Round(price), ok, true
	case KindSublet:
		return r.p.money.Round(l.Cost.Mul(one.Add(book.Sublet.Markup))), true, true
	case KindFee:
		rule, ok := book.fee(l.Code)
		return rule.UnitPrice, ok && rule.PerUnit(), true
	}
	return decimal.Zero, false, false
}

// percentFeeAmount is what the book charges payer pt for percent fee code:
// a percent of the payer's labor or parts in lines, within its minimum and
// maximum, as [Price] does. charged is false when the book does not charge
// it: no such percent fee, a payer it does not apply to, or a base of zero.
func (r *reconciler) percentFeeAmount(lines []Line, code string, pt PayType) (amount decimal.Decimal, charged bool) {
	rule, ok := r.in.Book.fee(code)
	if !ok || rule.PerUnit() || !rule.Percent.IsPositive() {
		return decimal.Zero, false
	}
	payers := rule.PayTypes
	if len(payers) == 0 {
		payers = []PayType{PayCustomer}
	}
	base := decimal.Zero
	for _, l := range lines {
		if l.PayType == pt && inBase(rule.Base, l.Kind) {
			base = base.Add(l.Amount)
		}
	}
	if !slices.Contains(payers, pt) || !base.IsPositive() {
		return decimal.Zero, false
	}
	amount = r.p.money.Round(base.Mul(rule.Percent))
	if rule.Max.IsPositive() && amount.GreaterThan(rule.Max) {
		amount = rule.Max
	}
	if amount.LessThan(rule.Min) {
		amount = rule.Min
	}
	return amount, true
}

// SettlementAccuracy is the settlement accuracy rate (R6.1): of the bills
// settled, the share that no correction (a credit note, a re-issue) had to
// fix afterwards, 4 places half-up (0.9750 = 97.5%). With nothing settled
// there is no rate: none is true, so that no settlement is never read as
// 0% (nor as 100%). Counts below zero, or more corrected than settled, are
// a *org.ValidationError.
func SettlementAccuracy(settled, corrected int) (rate decimal.Decimal, none bool, err error) {
	ve := &org.ValidationError{Op: "billing: settlement accuracy"}
	if settled < 0 {
		ve.Add("settled", org.CodeRange, "must not be negative")
	}
	switch {
	case corrected < 0:
		ve.Add("corrected", org.CodeRange, "must not be negative")
	case corrected > settled:
		ve.Add("corrected", org.CodeRange, "must not be more than settled")
	}
	if err := ve.Err(); err != nil {
		return decimal.Zero, false, err
	}
	if settled == 0 {
		return decimal.Zero, true, nil
	}
	return decimal.NewFromInt(int64(settled-corrected)).DivRound(decimal.NewFromInt(int64(settled)), 4), false, nil
}
