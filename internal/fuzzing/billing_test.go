package fuzzing_test

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// taipei is the Taipei price book, loaded afresh for every use (a command
// may change its copy).
var taipeiYAML = sync.OnceValues(func() ([]byte, error) { return os.ReadFile("../../billing/testdata/pricebooks/taipei.yaml") })

func taipei() *billing.PriceBook {
	data, err := taipeiYAML()
	if err != nil {
		panic(err)
	}
	book, err := billing.LoadPriceBook("taipei.yaml", data)
	if err != nil {
		panic(err)
	}
	return book
}

// seedBilling runs three orders of chen's: RO-1 ready for pickup, RO-2
// and RO-3 settled (RO-3 delivered too), so that there are documents to
// credit: INV-000001 (RO-2's) and INV-000002 (RO-3's).
func seedBilling(w *world) {
	savePriceBook(w)
	lane(w, "RO-2", deskDay(5), stepSettled)
	lane(w, "RO-3", deskDay(6), stepDelivered)
	lane(w, "RO-1", deskDay(9), stepReady)
}

var documentIDs = []string{"INV-000001", "INV-000002", "INV-000003", "RCP-000001", "CRN-000001"}

// billingRecords are the price books, settlements, documents, series and
// the work orders (SettleBill settles an order).
func billingRecords(w *world, dealer org.DealerID, put putFunc) {
	ctx, st := w.ctx, w.st.bill
	ab, err := st.ActivePriceBook(ctx, dealer)
	put("price_book/active", ab, err)
	for _, v := range []string{"2026-11", "2026-12"} {
		b, err := st.PriceBook(ctx, dealer, v)
		put("price_book/"+v, b, err)
	}
	sts, err := st.Settlements(ctx, dealer, billing.SettlementQuery{Limit: org.MaxPage})
	put("settlements", sts, err)
	docs, err := st.Documents(ctx, dealer, billing.DocumentQuery{Limit: org.MaxPage})
	put("documents", docs, err)
	for _, s := range []string{"INV", "RCP", "CRN"} {
		se, err := st.Series(ctx, dealer, s)
		put("series/"+s, se, err)
	}
	wos, err := w.st.desk.WorkOrders(ctx, dealer, servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	put("work_orders", wos, err)
}

func (in *input) payType() billing.PayType {
	return billing.PayType(in.str("customer", "warranty", "internal", "contract", "insurance", "mystery"))
}

func (in *input) discounts(max int) []billing.Discount {
	var out []billing.Discount
	for range in.intn(max + 1) {
		d := billing.Discount{Code: in.str("LOYAL", "WELCOME", ""), Description: in.str("", "loyal customer")}
		if in.bool() {
			d.Percent = in.dec()
		} else {
			d.Amount = in.dec()
		}
		if in.bool() {
			d.Kinds = []billing.Kind{billing.Kind(in.str("labor", "part", "fee", "core"))}
		}
		out = append(out, d)
	}
	return out
}

// order is an order to price: jobs of labor, parts, sublets and fees.
func (in *input) order() billing.Order {
	o := billing.Order{WorkOrder: in.str("RO-1", "RO-9", "")}
	for range 1 + in.intn(2) {
		j := billing.Job{ID: in.str("j1", "j2", ""), Title: in.str("Brakes"), PayType: in.payType(), Deductible: in.decz()}
		for range in.intn(3) {
			switch in.intn(4) {
			case 0:
				j.Labor = append(j.Labor, billing.LaborItem{Op: in.str("BRK-01", "OIL-01", "NOPE"), Hours: in.decz(), Clocked: in.decz(),
					LaborType: in.str("", "diag"), Rate: in.decz()})
			case 1:
				j.Parts = append(j.Parts, billing.PartItem{Number: in.str("PAD-1"), Description: in.str("pads"), Quantity: in.dec(), Cost: in.dec(),
					List: in.decz(), Sell: in.decz(), Core: in.decz()})
			case 2:
				j.Sublets = append(j.Sublets, billing.SubletItem{Vendor: in.str("Glass Co"), Description: in.str("windscreen"), Cost: in.dec()})
			default:
				j.Fees = append(j.Fees, billing.FeeItem{Code: in.str("OIL-DISP", "SHOP", "NOPE"), Quantity: in.dec()})
			}
		}
		if in.byte() == 0 && len(j.Labor)+len(j.Parts)+len(j.Sublets)+len(j.Fees) == 0 {
			j.Labor = []billing.LaborItem{{Op: "BRK-01"}}
		}
		j.Discounts = in.discounts(1)
		o.Jobs = append(o.Jobs, j)
	}
	o.Discounts = in.discounts(1)
	o.Coupons = in.strs(1, "WELCOME", "NOPE")
	return o
}

func (in *input) payments() []billing.Payment {
	n := 1 + in.intn(2)
	if in.byte() == 255 {
		n = []int{0, 21}[in.intn(2)]
	}
	out := make([]billing.Payment, n)
	for i := range out {
		out[i] = billing.Payment{Method: billing.PaymentMethod(in.str("card", "cash", "transfer", "other", "deposit", "iou")), Amount: in.dec(),
			Reference: in.str("", "auth 123456")}
	}
	return out
}

func (in *input) confirmation() billing.Confirmation {
	return billing.Confirmation{By: in.str("Kao"), Method: in.str("signature", "in_person", "phone", "sms", "email", "smoke")}
}

func (in *input) kindsAndPayers() (map[billing.PayType]billing.DocumentKind, map[billing.PayType]billing.Party) {
	var kinds map[billing.PayType]billing.DocumentKind
	var payers map[billing.PayType]billing.Party
	if in.byte()%4 == 1 {
		kinds = map[billing.PayType]billing.DocumentKind{in.payType(): billing.DocumentKind(in.str("receipt", "invoice", "credit_note", "voucher"))}
	}
	if in.byte()%4 == 1 {
		payers = map[billing.PayType]billing.Party{in.payType(): {Name: in.str("Kao Ming"), TaxID: in.str("", "12345678"), Address: in.str("", "Taipei")}}
	}
	return kinds, payers
}

// due is the customer's total of RO-1's bill as the seed prices it: the
// pads' labor and part, with the shop fee, tax included.
var due = sync.OnceValue(func() decimal.Decimal {
	book := taipei()
	bill, err := billing.Price(book, billing.Order{WorkOrder: "RO-1", Jobs: []billing.Job{{ID: "j1", Title: "Brake pads", PayType: billing.PayCustomer,
		Labor: []billing.LaborItem{{Op: "BRK-01", Hours: dec("1.5")}},
		Parts: []billing.PartItem{{Number: "PAD-1", Description: "pads", Quantity: dec("1"), Cost: dec("800")}}}}})
	if err != nil {
		panic(err)
	}
	p, _ := bill.Payer(billing.PayCustomer)
	return p.Total
})

var billingDecoders = []decoder{
	{"save_price_book", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		book := taipei()
		book.Version = in.str("2026-12", "2026-11", "", "2026/12")
		// Each field as the book has it, unless the next byte says 1.
		set := func(f func()) {
			if in.byte()%3 == 1 {
				f()
			}
		}
		set(func() { book.Currency = in.str("TWD", "USD", "XXX", "twd") })
		set(func() { book.Scale = int32(in.num(0, 2, 4, 5, -1)) })
		set(func() { book.Labor.Rates[0].Rate = in.dec() })
		set(func() { book.Tax.Rates[0].Rate = in.dec() })
		set(func() { book.Fees[0].Percent = in.dec() })
		set(func() { book.Parts.Matrix[0].Multiplier = in.dec() })
		set(func() { book.Overrun.Amount = in.dec() })
		if in.bool() {
			book.Coupons = append(book.Coupons, billing.Coupon{Code: in.str("SPRING", "WELCOME"), Amount: in.dec()})
		}
		if in.bool() {
			book.ManualPrices.Roles = []org.Role{org.Role(in.str("advisor", "supervisor", "admin", "ghost"))}
		}
		activate := in.byte()%2 == 0
		return command{dealer: d, args: []any{a, book, activate}, run: func(w *world) error {
			_, err := w.bills.SavePriceBook(w.ctx, d, a, book, activate)
			return err
		}}
	}},
	{"price", func(in *input, _ time.Time) command {
		d, a, o := in.dealer(), in.actor(chen), in.order()
		return command{dealer: d, args: []any{a, o}, run: func(w *world) error {
			_, err := w.bills.Price(w.ctx, d, a, o)
			return err
		}}
	}},
	{"settle", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(chen)
		o := in.order()
		bill, err := billing.Price(taipei(), o)
		if err != nil {
			bill = billing.Bill{WorkOrder: o.WorkOrder}
		}
		if len(bill.Payers) > 0 && in.byte()%4 == 1 {
			bill.Payers[0].Total = in.dec()
		}
		si := billing.SettleInput{Key: in.str("k1", "settle-RO-2", ""), WorkOrder: o.WorkOrder, Advisor: org.EmployeeID(in.str("chen", "wang", "ghost")),
			Bill: bill, OverrideReason: in.str("", "agreed with the customer"), Confirmation: in.confirmation(), Payments: in.payments()}
		if in.byte() == 0 { // the default pays what the customer owes
			if p, ok := bill.Payer(billing.PayCustomer); ok && len(si.Payments) > 0 {
				si.Payments = []billing.Payment{{Method: billing.PayCard, Amount: p.Total}}
			}
		}
		for _, j := range o.Jobs {
			if in.byte()%3 != 2 {
				si.ApprovedJobs = append(si.ApprovedJobs, j.ID)
				for _, l := range j.Labor {
					si.Submitted = append(si.Submitted, billing.WorkLine{Job: j.ID, Kind: billing.KindLabor, Code: l.Op, PayType: j.PayType, Quantity: l.Hours})
				}
				for _, p := range j.Parts {
					si.Submitted = append(si.Submitted, billing.WorkLine{Job: j.ID, Kind: billing.KindPart, Code: p.Number, PayType: j.PayType, Quantity: p.Quantity})
				}
			}
		}
		si.Kinds, si.Payers = in.kindsAndPayers()
		return command{dealer: d, args: []any{a, si}, run: func(w *world) error {
			_, _, err := w.bills.Settle(w.ctx, d, a, si)
			return err
		}}
	}},
	{"credit_note", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ci := billing.CreditInput{Key: in.str("credit-1", "settle-RO-2", ""), Document: billing.DocumentID(in.id(documentIDs...)), Reason: in.str("wrong part billed")}
		return command{dealer: d, args: []any{a, ci}, run: func(w *world) error {
			_, err := w.bills.CreditNote(w.ctx, d, a, ci)
			return err
		}}
	}},
	{"preview_bill", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1", "RO-2")
		terms := in.terms()
		return command{dealer: d, args: []any{a, ref, terms}, run: func(w *world) error {
			_, err := w.desk.PreviewBill(w.ctx, d, a, ref, terms)
			return err
		}}
	}},
	{"settle_bill", func(in *input, _ time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1", "RO-2")
		si := servicedesk.SettleInput{Key: in.str("settle-RO-1", "settle-RO-2", ""), Terms: in.terms(), Confirmation: in.confirmation(),
			Payments: in.payments(), OverrideReason: in.str("", "agreed")}
		if in.byte() == 0 && len(si.Payments) == 1 && si.Payments[0].Amount.Equal(decimal.NewFromInt(1)) { // the default pays the bill
			si.Payments[0].Amount = due()
		}
		si.Kinds, si.Payers = in.kindsAndPayers()
		return command{dealer: d, args: []any{a, ref, si}, run: func(w *world) error {
			_, _, err := w.desk.SettleBill(w.ctx, d, a, ref, si)
			return err
		}}
	}},
	{"approve_overrun", func(in *input, now time.Time) command {
		d, a, ref := in.dealer(), in.actor(chen), in.ref("RO-1")
		oc := servicedesk.OverrunConsent{Total: in.dec(), By: in.str("Kao"), Method: servicedesk.ApprovalMethod(in.str("signature", "phone", "sms", "email", "in_person", "fax")),
			Evidence: servicedesk.ConsentEvidence{Reference: in.str("signatures/2", ""), Contact: in.str("", "0912-000-111"), At: in.timez(now),
				WorkTold: in.str("", "pads"), TotalTold: in.decz()}}
		return command{dealer: d, args: []any{a, ref, oc}, run: func(w *world) error {
			_, err := w.desk.ApproveOverrun(w.ctx, d, a, ref, oc)
			return err
		}}
	}},
	{"read", func(in *input, _ time.Time) command {
		d, a, which := in.dealer(), in.actor(chen), in.intn(5)
		doc, key, wo := billing.DocumentID(in.id(documentIDs...)), in.str("settle-RO-2", "settle-RO-1", ""), in.str("RO-2", "RO-1")
		m := in.month(org.Month{Year: 2026, Month: time.November})
		return command{dealer: d, args: []any{a, which, doc, key, wo, m}, run: func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.bills.Document(w.ctx, d, a, doc)
			case 1:
				_, err = w.bills.Settlement(w.ctx, d, a, key)
			case 2:
				_, _, err = w.bills.Replay(w.ctx, d, a, key, wo)
			case 3:
				_, err = w.bills.Accuracy(w.ctx, d, a, m)
			default:
				_, err = w.bills.ActivePriceBook(w.ctx, d, a)
			}
			return err
		}}
	}},
}

func (in *input) terms() servicedesk.BillTerms {
	var t servicedesk.BillTerms
	if in.byte()%4 == 1 {
		t.PayTypes = map[string]billing.PayType{in.str("j1", "j2", "j9"): in.payType()}
	}
	t.Discounts = in.discounts(1)
	t.Coupons = in.strs(1, "WELCOME", "NOPE", "")
	return t
}

// billingTarget is the billing target's worlds.
func billingTarget(tb testing.TB) *target {
	return newTarget(tb, "billing", laneNow, seedBilling, billingRecords)
}

// FuzzBilling fuzzes price books, pricing, settling (billing's own and
// servicedesk's SettleBill), credit notes and overrun approvals.
func FuzzBilling(f *testing.F) {
	ds := billingDecoders
	c := func(name string) byte { return cmdIndex(ds, name) }
	for i := range ds {
		f.Add([]byte{byte(i)})
	}
	chenB := actorByte(chen)
	// settle_bill RO-1: key, no terms (3 bytes), confirmation, one card
	// payment of amount and reference.
	settleBill := func(amount, reference []byte) []byte {
		return enc(c("settle_bill"), 0, chenB, "RO-1", 0, "settle-RO-1", 0, 0, 0, "Kao", 0, 0, 0, "card", amount, reference)
	}
	f.Add(settleBill(litDec(due().String()), lit(strings.Repeat("r", 100_000)))) // a 100 KB payment reference (finding 5)
	f.Add(settleBill(litDec(due().String()), lit("auth\x00123")))
	f.Add(settleBill(litDec("1e30"), lit("")))
	f.Add(settleBill(litDec("1e-30"), lit("")))
	f.Add(settleBill(litDec(due().String()+".00000000000000000001"), lit(""))) // 20 places in a payment
	f.Add(settleBill(litDec("-"+due().String()), lit("")))
	f.Add(enc(c("settle_bill"), 0, chenB, "RO-1", 0, "settle-\xff"))
	f.Add(enc(c("credit_note"), 0, actorByte(lin), "credit-1", "INV-000001\x00"))
	f.Add(enc(c("credit_note"), 0, actorByte(lin), "credit-1", "INV-000001", "\xff\xfe\xfd"))
	f.Add(enc(c("credit_note"), 0, actorByte(lin), "credit-1", "CRN-000001"))
	f.Add(enc(c("approve_overrun"), 0, chenB, "RO-1", 0, litDec("1e30")))
	f.Add(enc(c("approve_overrun"), 0, chenB, "RO-1", 0, litDec("2500.00000000000000000001")))
	f.Add(enc(c("save_price_book"), 0, actorByte(admin), "2026-12", 0, 0, 1, litDec("1e30")))
	f.Add(enc(c("save_price_book"), 0, actorByte(admin), "2026-12", 0, 0, 1, litDec("1200.00000000000000000001")))
	f.Add(enc(c("save_price_book"), 0, actorByte(admin), "2026-12", 0, 0, 0, 1, litDec("1e-30")))
	f.Add(enc(c("save_price_book"), 0, actorByte(admin), "2026-12", 0, 0, 0, 0, 0, 1, litDec("-1")))
	f.Add(enc(c("save_price_book"), 0, actorByte(admin), "2026-12\x00"))
	f.Add(enc(c("price"), 0, chenB, "RO-1", 0, "j1", "Brakes", 0, 0, 1, 1, "PAD-1", "pads", litDec("1e30"), litDec("800")))
	f.Add(enc(c("price"), 0, chenB, "RO-1", 0, "j1", "Brakes", 0, 0, 1, 1, "PAD-1", "pads", litDec("1e-30"), litDec("800")))
	f.Add(enc(c("price"), 0, chenB, "RO-1", 0, "j1", "Brakes", 0, 0, 1, 1, "PAD-1", "pads", litDec("0.00000000000000000001"), litDec("800.00000000000000000001")))
	f.Add(enc(c("read"), 0, chenB, 0, "INV-000001\x00"))
	f.Add(enc(c("read"), 0, chenB, 1, 0, "\xff"))
	tg := billingTarget(f)
	tg.fuzz(f, ds)
}
