package billing_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// The people of the settlement tests' dealership. sup is the department's
// supervisor; chen and wang are advisors; wu is a technician.
var (
	stlDealer = org.DealerID("d1")
	stlAdmin  = org.Admin("host")
	stlSup    = org.Actor{ID: "sup", Role: org.RoleSupervisor}
	stlChen   = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	stlWang   = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	stlWu     = org.Actor{ID: "wu", Role: org.RoleTechnician}
	// stlMonday is 08:30 on Monday 2 November 2026 in Taipei.
	stlMonday = time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC)
	stlNov    = org.Month{Year: 2026, Month: time.November}
)

func stlDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// stlEnv is a dealership with a roster and a billing service on one store.
type stlEnv struct {
	ctx    context.Context
	org    org.Store
	store  billing.Store
	roster *org.Service
	svc    *billing.Service
	clock  *org.ManualClock
	book   *billing.PriceBook // saved and active
}

// stlMemEnv is an stlEnv on memstore.
func stlMemEnv(t testing.TB) *stlEnv {
	t.Helper()
	ms := memstore.New()
	return stlNewEnv(t, ms, ms.Billing())
}

// stlNewEnv seeds the dealership on a roster store and a billing store that
// share one database, and saves the Taipei price book as the active one.
func stlNewEnv(t testing.TB, os org.Store, bs billing.Store) *stlEnv {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(stlMonday)
	roster, err := org.NewService(org.Config{Store: os, Clock: clock, IDs: org.SequentialIDs("ev")})
	require.NoError(t, err)
	_, err = roster.CreateDealer(ctx, stlAdmin, org.NewDealer{ID: stlDealer, Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "sup", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
	} {
		_, err := roster.AddEmployee(ctx, stlDealer, stlAdmin, e)
		require.NoError(t, err)
	}
	svc, err := billing.NewService(billing.Config{Store: bs, Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("bl")})
	require.NoError(t, err)
	env := &stlEnv{ctx: ctx, org: os, store: bs, roster: roster, svc: svc, clock: clock, book: stlBook(t)}
	_, err = svc.SavePriceBook(ctx, stlDealer, stlSup, env.book, true)
	require.NoError(t, err)
	return env
}

// stlBook is the Taipei dealer's price book: whole dollars, 5% VAT included
// in prices, shop supplies at 3% of labor (50 to 300), oil disposal at 15 a
// litre.
func stlBook(t testing.TB) *billing.PriceBook {
	t.Helper()
	book, err := billing.LoadPriceBookFile("testdata/pricebooks/taipei.yaml")
	require.NoError(t, err)
	return book
}

// stlOrder is a brake job (j1) and an oil change (j2) the customer pays,
// and with warranty an A/C recharge (j3) the maker pays.
func stlOrder(wo string, warranty bool) billing.Order {
	o := billing.Order{WorkOrder: wo, Jobs: []billing.Job{
		{ID: "j1", Title: "Front brake pads", PayType: billing.PayCustomer,
			Labor: []billing.LaborItem{{Op: "BRK-01"}},
			Parts: []billing.PartItem{{Number: "PAD-F", Description: "front pads", Quantity: stlDec("1"), Sell: stlDec("2450")}}},
		{ID: "j2", Title: "Oil change", PayType: billing.PayCustomer,
			Labor: []billing.LaborItem{{Op: "OIL-01"}},
			Parts: []billing.PartItem{{Number: "OIL-5W30", Description: "oil 5W-30", Quantity: stlDec("4"), Sell: stlDec("320")}},
			Fees:  []billing.FeeItem{{Code: "OIL-DISP", Quantity: stlDec("4")}}},
	}}
	if warranty {
		o.Jobs = append(o.Jobs, billing.Job{ID: "j3", Title: "A/C recharge", PayType: billing.PayWarranty,
			Labor: []billing.LaborItem{{Op: "AC-02"}}})
	}
	return o
}

// stlSubmitted is what the technician reports for a bill: every job line
// as billed (R3.4a), so that the bill reconciles.
func stlSubmitted(b billing.Bill) []billing.WorkLine {
	var out []billing.WorkLine
	for _, pb := range b.Payers {
		for _, l := range pb.Lines {
			if l.Job == "" || l.Kind == billing.KindCore || l.Kind == billing.KindDeductible {
				continue
			}
			out = append(out, billing.WorkLine{Job: l.Job, Kind: l.Kind, Code: l.Code, PayType: l.PayType, Quantity: l.Quantity})
		}
	}
	return out
}

// stlInput settles wo with key: a clean bill, the customer's signature,
// and the customer's total paid by card.
func (e *stlEnv) stlInput(t testing.TB, key, wo string, warranty bool) billing.SettleInput {
	t.Helper()
	bill, err := billing.Price(e.book, stlOrder(wo, warranty))
	require.NoError(t, err)
	cust, ok := bill.Payer(billing.PayCustomer)
	require.True(t, ok)
	return billing.SettleInput{Key: key, WorkOrder: wo, Advisor: "chen", Bill: bill, Submitted: stlSubmitted(bill),
		Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"},
		Payments:     []billing.Payment{{Method: billing.PayCard, Amount: cust.Total, Reference: "auth-1"}}}
}

func stlCustomerTotal(t testing.TB, in billing.SettleInput) decimal.Decimal {
	t.Helper()
	cust, ok := in.Bill.Payer(billing.PayCustomer)
	require.True(t, ok)
	return cust.Total
}

// stlSnap is what the store holds: compared before and after a refused
// command, it shows that nothing was written.
type stlSnap struct {
	Documents   []billing.DocumentID
	Settlements []string
	Series      map[string]int64
	Events      int
	Active      string
}

func (e *stlEnv) snap(t testing.TB) stlSnap {
	t.Helper()
	s := stlSnap{Series: map[string]int64{}}
	docs, err := e.store.Documents(e.ctx, stlDealer, billing.DocumentQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	for _, d := range docs {
		s.Documents = append(s.Documents, d.ID)
	}
	sts, err := e.store.Settlements(e.ctx, stlDealer, billing.SettlementQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	for _, st := range sts {
		s.Settlements = append(s.Settlements, st.Key+"@"+st.SettledAt.String())
	}
	for _, name := range []string{"INV", "RCP", "CRN"} {
		sr, err := e.store.Series(e.ctx, stlDealer, name)
		if errors.Is(err, org.ErrNotFound) {
			continue
		}
		require.NoError(t, err)
		s.Series[name] = sr.Next
	}
	s.Events = len(e.events(t))
	if sp, err := e.store.ActivePriceBook(e.ctx, stlDealer); err == nil {
		s.Active = sp.Book.Version
	}
	return s
}

// events is the dealer's whole audit trail.
func (e *stlEnv) events(t testing.TB) []org.Event {
	t.Helper()
	var out []org.Event
	var after int64
	for {
		page, err := e.org.Events(e.ctx, stlDealer, after, org.MaxPage)
		require.NoError(t, err)
		out = append(out, page...)
		if len(page) < org.MaxPage {
			return out
		}
		after = page[len(page)-1].Seq
	}
}

func stlEventsOf(evs []org.Event, typ string) []org.Event {
	var out []org.Event
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// stlPaths lists the paths of a *org.ValidationError, failing when err is
// not one.
func stlPaths(t testing.TB, err error) []string {
	t.Helper()
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, org.ErrInvalid)
	out := make([]string, 0, len(ve.Fields))
	for _, f := range ve.Fields {
		out = append(out, f.Path)
	}
	return out
}

func stlDocIDs(docs []billing.Document) []billing.DocumentID {
	out := make([]billing.DocumentID, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func TestSavePriceBook(t *testing.T) {
	cases := []struct {
		name  string
		actor org.Actor
		edit  func(b *billing.PriceBook)
		is    error
		path  string // the ValidationError's field, when is is ErrInvalid
		code  string
	}{
		{name: "R3.4_invalid_book_refused", actor: stlSup, edit: func(b *billing.PriceBook) { b.Version = "2026-12"; b.Scale = 9 },
			is: billing.ErrInvalid, path: "scale", code: org.CodeRange},
		{name: "R3.4_book_without_version_refused", actor: stlSup, edit: func(b *billing.PriceBook) { b.Version = " " },
			is: billing.ErrInvalid, path: "version", code: org.CodeRequired},
		{name: "R3.4_currency_must_be_the_dealers", actor: stlSup, edit: func(b *billing.PriceBook) { b.Version = "2026-12"; b.Currency = "USD" },
			is: billing.ErrInvalid, path: "currency", code: org.CodeInvalid},
		{name: "R3.4_saved_version_never_changes", actor: stlSup, edit: func(b *billing.PriceBook) { b.Labor.Rates[0].Rate = stlDec("1300") },
			is: billing.ErrInvalid, path: "version", code: org.CodeDuplicate},
		{name: "R2.2_advisor_may_not_save", actor: stlChen, edit: func(b *billing.PriceBook) { b.Version = "2026-12" }, is: billing.ErrForbidden},
		{name: "R2.2_technician_may_not_save", actor: stlWu, edit: func(b *billing.PriceBook) { b.Version = "2026-12" }, is: billing.ErrForbidden},
		{name: "R2.2_supervisor_off_the_roster_may_not_save", actor: org.Actor{ID: "ghost", Role: org.RoleSupervisor},
			edit: func(b *billing.PriceBook) { b.Version = "2026-12" }, is: billing.ErrForbidden},
		{name: "R2.2_supervisor_saves", actor: stlSup, edit: func(b *billing.PriceBook) { b.Version = "2026-12" }},
		{name: "R2.2_admin_saves", actor: stlAdmin, edit: func(b *billing.PriceBook) { b.Version = "2026-12" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := stlMemEnv(t) // 2026-11 is saved and active
			book := env.book.Clone()
			c.edit(&book)
			before := env.snap(t)
			got, err := env.svc.SavePriceBook(env.ctx, stlDealer, c.actor, &book, true)
			if c.is != nil {
				require.ErrorIs(t, err, c.is)
				if c.path != "" {
					fe, ok := org.FieldErrorOf(err, c.path)
					require.True(t, ok, "%v names %s", err, c.path)
					assert.Equal(t, c.code, fe.Code)
				}
				assert.Equal(t, before, env.snap(t), "a refused save writes nothing")
				active, err := env.svc.ActivePriceBook(env.ctx, stlDealer, stlSup)
				require.NoError(t, err)
				assert.Equal(t, "2026-11", active.Version)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "2026-12", got.Book.Version)
			assert.True(t, got.Active)
			assert.Equal(t, c.actor, got.SavedBy)
			assert.Equal(t, int64(1), got.Version)
			evs := stlEventsOf(env.events(t), "pricebook.saved")
			require.Len(t, evs, 2)
			assert.Equal(t, "pricebook/2026-12", evs[1].Subject)
			assert.Equal(t, c.actor, evs[1].Actor)
		})
	}
}

func TestSavePriceBook_R3_4_activation_switches_the_active_version(t *testing.T) {
	env := stlMemEnv(t)
	ctx := env.ctx

	// A version saved without activation waits; the old one still prices.
	v2 := env.book.Clone()
	v2.Version = "2026-12"
	v2.Labor.Rates[0].Rate = stlDec("1300")
	saved, err := env.svc.SavePriceBook(ctx, stlDealer, stlSup, &v2, false)
	require.NoError(t, err)
	assert.False(t, saved.Active)
	active, err := env.svc.ActivePriceBook(ctx, stlDealer, stlSup)
	require.NoError(t, err)
	assert.Equal(t, "2026-11", active.Version)

	// Activating a new version deactivates the old one in the same commit.
	v3 := env.book.Clone()
	v3.Version = "2027-01"
	v3.Labor.Rates[0].Rate = stlDec("1400")
	_, err = env.svc.SavePriceBook(ctx, stlDealer, stlAdmin, &v3, true)
	require.NoError(t, err)
	active, err = env.svc.ActivePriceBook(ctx, stlDealer, stlSup)
	require.NoError(t, err)
	assert.Equal(t, "2027-01", active.Version)
	assert.True(t, stlDec("1400").Equal(active.Labor.Rates[0].Rate))

	old, err := env.store.PriceBook(ctx, stlDealer, "2026-11")
	require.NoError(t, err)
	assert.False(t, old.Active, "the old version is inactive")
	assert.Equal(t, int64(2), old.Version, "deactivating writes the old version's record")
	waiting, err := env.store.PriceBook(ctx, stlDealer, "2026-12")
	require.NoError(t, err)
	assert.False(t, waiting.Active)

	// Price uses the active version, and the bill records it.
	bill, err := env.svc.Price(ctx, stlDealer, stlSup, stlOrder("wo1", false))
	require.NoError(t, err)
	assert.Equal(t, "2027-01", bill.PriceBookVersion)
	line := bill.Payers[0].Lines[0]
	assert.Equal(t, billing.KindLabor, line.Kind)
	assert.True(t, stlDec("1400").Equal(line.UnitPrice), "labor at the new rate, got %s", line.UnitPrice)

	// The first save of a dealer with no active book activates without a
	// previous one to switch off.
	fresh := memstore.New()
	env2 := &stlEnv{ctx: ctx, org: fresh, store: fresh.Billing()}
	roster, err := org.NewService(org.Config{Store: fresh})
	require.NoError(t, err)
	_, err = roster.CreateDealer(ctx, stlAdmin, org.NewDealer{ID: stlDealer, Name: "New Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	svc, err := billing.NewService(billing.Config{Store: fresh.Billing(), Roster: roster.Directory()})
	require.NoError(t, err)
	_, err = svc.ActivePriceBook(ctx, stlDealer, stlAdmin)
	require.ErrorIs(t, err, billing.ErrNotFound)
	_, err = svc.SavePriceBook(ctx, stlDealer, stlAdmin, env.book, true)
	require.NoError(t, err)
	assert.Equal(t, "2026-11", env2.snap(t).Active)
}

// TestSettle_R3_4b_reconciliation: a bill that does not match the
// technician's lines is refused with every difference listed, unless a
// supervisor who is not the order's advisor overrides it with a reason.
func TestSettle_R3_4b_reconciliation(t *testing.T) {
	withSubmitted := func(f func(ws []billing.WorkLine) []billing.WorkLine) func(in *billing.SettleInput) {
		return func(in *billing.SettleInput) { in.Submitted = f(slices.Clone(in.Submitted)) }
	}
	fiveLitres := withSubmitted(func(ws []billing.WorkLine) []billing.WorkLine {
		for i := range ws {
			if ws[i].Code == "OIL-5W30" {
				ws[i].Quantity = stlDec("5")
			}
		}
		return ws
	})
	// noShop is the bill priced without the shop supplies the book charges
	// (3% of labor): it adds up, so only reconciliation catches it.
	noShop := func(in *billing.SettleInput) {
		book, err := billing.LoadPriceBookFile("testdata/pricebooks/taipei.yaml")
		if err != nil {
			panic(err)
		}
		book.Fees = slices.DeleteFunc(book.Fees, func(f billing.FeeRule) bool { return f.Code == "SHOP" })
		bill, err := billing.Price(book, stlOrder(in.WorkOrder, false))
		if err != nil {
			panic(err)
		}
		cust, _ := bill.Payer(billing.PayCustomer)
		in.Bill, in.Submitted, in.Payments[0].Amount = bill, stlSubmitted(bill), cust.Total
	}
	type diff struct {
		Kind billing.DiffKind
		Job  string
		Code string
	}
	cases := []struct {
		name   string
		actor  org.Actor
		edit   func(in *billing.SettleInput)
		reason string
		diffs  []diff // the ReconciliationError's, when refused so
		is     error  // else the error, when refused
	}{
		{name: "R3.4b_quantity_differs_refused", actor: stlChen, edit: fiveLitres,
			diffs: []diff{{billing.DiffQuantityDiffers, "j2", "OIL-5W30"}}},
		{name: "R3.4b_billed_but_not_performed_refused", actor: stlChen,
			edit: withSubmitted(func(ws []billing.WorkLine) []billing.WorkLine {
				return slices.DeleteFunc(ws, func(w billing.WorkLine) bool { return w.Code == "PAD-F" })
			}),
			diffs: []diff{{billing.DiffNotPerformed, "j1", "PAD-F"}}},
		{name: "R3.4b_performed_but_not_billed_refused", actor: stlChen,
			edit: withSubmitted(func(ws []billing.WorkLine) []billing.WorkLine {
				return append(ws, billing.WorkLine{Job: "j1", Kind: billing.KindPart, Code: "ROT-F", PayType: billing.PayCustomer, Quantity: stlDec("2")})
			}),
			diffs: []diff{{billing.DiffMissingFromBill, "j1", "ROT-F"}}},
		{name: "R3.4b_job_not_approved_refused", actor: stlChen, edit: func(in *billing.SettleInput) { in.ApprovedJobs = []string{"j1"} },
			diffs: []diff{{billing.DiffNotApproved, "j2", "OIL-01"}, {billing.DiffNotApproved, "j2", "OIL-5W30"}, {billing.DiffNotApproved, "j2", "OIL-DISP"}}},
		{name: "R3.4b_book_fee_missing_from_bill_refused", actor: stlChen, edit: noShop,
			diffs: []diff{{billing.DiffFeeMissing, "", "SHOP"}}},
		{name: "R3.4b_supervisor_override_settles", actor: stlSup, edit: fiveLitres, reason: "customer's own oil topped up; agreed at the desk"},
		{name: "R3.4b_supervisor_override_settles_a_missing_fee", actor: stlSup, edit: noShop, reason: "shop supplies waived for a returning customer"},
		{name: "R3.4b_override_by_the_orders_own_advisor_forbidden", actor: stlSup, reason: "mine",
			edit: func(in *billing.SettleInput) { fiveLitres(in); in.Advisor = "sup" }, is: billing.ErrForbidden},
		{name: "R3.4b_override_by_the_advisor_forbidden", actor: stlChen, edit: fiveLitres, reason: "looks fine", is: billing.ErrForbidden},
		{name: "R3.4b_override_by_another_advisor_forbidden", actor: stlWang, edit: fiveLitres, reason: "looks fine", is: billing.ErrForbidden},
		{name: "R3.4b_supervisor_without_reason_refused", actor: stlSup, edit: fiveLitres,
			diffs: []diff{{billing.DiffQuantityDiffers, "j2", "OIL-5W30"}}},
		// Work the customer did not approve is never billed on an override,
		// however senior the supervisor and good the reason.
		{name: "R3.3b_supervisor_override_never_bills_unapproved_work", actor: stlSup, reason: "the customer will surely agree",
			edit:  func(in *billing.SettleInput) { in.ApprovedJobs = []string{"j1"} },
			diffs: []diff{{billing.DiffNotApproved, "j2", "OIL-01"}, {billing.DiffNotApproved, "j2", "OIL-5W30"}, {billing.DiffNotApproved, "j2", "OIL-DISP"}}},
		{name: "R3.3b_override_of_mixed_differences_refused_whole", actor: stlSup, reason: "oil topped up",
			edit:  func(in *billing.SettleInput) { fiveLitres(in); in.ApprovedJobs = []string{"j1"} },
			diffs: []diff{{billing.DiffNotApproved, "j2", "OIL-01"}, {billing.DiffQuantityDiffers, "j2", "OIL-5W30"}, {billing.DiffNotApproved, "j2", "OIL-5W30"}, {billing.DiffNotApproved, "j2", "OIL-DISP"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := stlMemEnv(t)
			in := env.stlInput(t, "st-wo1", "wo1", false)
			c.edit(&in)
			in.OverrideReason = c.reason
			before := env.snap(t)
			st, docs, err := env.svc.Settle(env.ctx, stlDealer, c.actor, in)
			switch {
			case c.diffs != nil:
				require.ErrorIs(t, err, billing.ErrInvalidTransition)
				var re *billing.ReconciliationError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "wo1", re.WorkOrder)
				assert.Equal(t, len(c.diffs), re.Differences)
				assert.False(t, re.Reconciliation.Clean)
				var got []diff
				for _, d := range re.Reconciliation.Differences {
					got = append(got, diff{d.Kind, d.Job, d.Code})
				}
				assert.Equal(t, c.diffs, got, "every difference is listed for the advisor")
				unconsented := 0
				for _, d := range c.diffs {
					if d.Kind == billing.DiffNotApproved {
						unconsented++
					}
				}
				assert.Equal(t, unconsented, re.Unconsented, "the differences no override clears")
				assert.Empty(t, docs)
				assert.Equal(t, before, env.snap(t), "a refused settlement writes nothing")
			case c.is != nil:
				require.ErrorIs(t, err, c.is)
				assert.Empty(t, docs)
				assert.Equal(t, before, env.snap(t), "a refused settlement writes nothing")
			default:
				require.NoError(t, err)
				require.NotNil(t, st.Override, "the override is recorded")
				assert.Equal(t, billing.Override{By: "sup", Reason: c.reason}, *st.Override)
				assert.Equal(t, 1, st.Differences)
				assert.Equal(t, c.actor, st.SettledBy)
				assert.Equal(t, org.EmployeeID("chen"), st.Advisor, "the order's advisor stays its advisor")
				require.Len(t, docs, 1)
				stored, err := env.svc.Settlement(env.ctx, stlDealer, stlSup, "st-wo1")
				require.NoError(t, err)
				require.NotNil(t, stored.Override)
				assert.Equal(t, c.reason, stored.Override.Reason)
				evs := stlEventsOf(env.events(t), "settlement.settled")
				require.Len(t, evs, 1)
				assert.Equal(t, c.reason, evs[0].Reason, "the audit trail carries the override's reason")
				assert.Equal(t, stlSup, evs[0].Actor)
			}
		})
	}
}

// TestSettle_R3_4b_bill_adds_up: fees must be exactly right (R3.4b): a
// bill whose header or totals are not what its price book and its own
// lines give is refused, whatever the lines say. A document prints every
// total as the sum of its printed parts.
func TestSettle_R3_4b_bill_adds_up(t *testing.T) {
	cases := []struct {
		name string
		edit func(b *billing.Bill)
	}{
		{name: "R3.4b_total_not_the_sum_of_the_lines", edit: func(b *billing.Bill) {
			b.Payers[0].Total = b.Payers[0].Total.Sub(stlDec("1000"))
		}},
		{name: "R3.4b_subtotal_and_total_not_the_sum_of_the_lines", edit: func(b *billing.Bill) {
			b.Payers[0].Subtotal = b.Payers[0].Subtotal.Sub(stlDec("1000"))
			b.Payers[0].Total = b.Payers[0].Total.Sub(stlDec("1000"))
		}},
		{name: "R3.4b_tax_not_the_sum_of_the_tax_lines", edit: func(b *billing.Bill) {
			b.Payers[0].Tax = b.Payers[0].Tax.Add(stlDec("50"))
		}},
		{name: "R3.4b_currency_not_the_books", edit: func(b *billing.Bill) { b.Currency = "USD" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := stlMemEnv(t)
			in := env.stlInput(t, "st-wo1", "wo1", false)
			c.edit(&in.Bill)
			in.Payments[0].Amount = stlCustomerTotal(t, in)
			before := env.snap(t)
			st, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
			require.Error(t, err, "settled %s due %s with documents %v", st.Key, st.Due, stlDocIDs(docs))
			assert.Equal(t, before, env.snap(t), "a refused settlement writes nothing")
		})
	}
}

// TestSettle_R3_4d_payments: the customer's tenders cover what they owe;
// change comes back only from cash; deposits count.
func TestSettle_R3_4d_payments(t *testing.T) {
	pay := func(method billing.PaymentMethod, amount decimal.Decimal) billing.Payment {
		return billing.Payment{Method: method, Amount: amount}
	}
	c100 := stlDec("100")
	cases := []struct {
		name     string
		payments func(due decimal.Decimal) []billing.Payment
		refused  string // the field path, when refused
		change   string
	}{
		{name: "R3.4d_exact_card_payment", payments: func(due decimal.Decimal) []billing.Payment { return []billing.Payment{pay(billing.PayCard, due)} },
			change: "0"},
		{name: "R3.4d_short_payment_refused", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayCash, due.Sub(stlDec("1")))}
		}, refused: "payments"},
		{name: "R3.4d_nothing_paid_refused", payments: func(decimal.Decimal) []billing.Payment { return nil }, refused: "payments"},
		{name: "R3.4d_split_tender_card_and_cash", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayCard, stlDec("4000")), pay(billing.PayCash, due.Sub(stlDec("4000")))}
		}, change: "0"},
		{name: "R3.4d_cash_overpayment_gives_change", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayCash, stlDec("7000"))}
		}, change: "738"}, // due is 6262
		{name: "R3.4d_split_tender_change_from_the_cash_part", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayCard, due.Sub(c100)), pay(billing.PayCash, stlDec("500"))}
		}, change: "400"},
		{name: "R3.4d_card_overpayment_refused", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayCard, due.Add(c100))}
		}, refused: "payments"},
		{name: "R3.4d_overpayment_beyond_the_cash_refused", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayTransfer, due), pay(billing.PayCash, c100), pay(billing.PayCard, c100)}
		}, refused: "payments"},
		{name: "R3.4d_deposit_counted", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayDeposit, stlDec("1000")), pay(billing.PayCard, due.Sub(stlDec("1000")))}
		}, change: "0"},
		{name: "R3.4d_deposit_and_cash_with_change", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayDeposit, stlDec("1000")), pay(billing.PayCash, stlDec("6000"))}
		}, change: "738"},
		{name: "R3.4d_deposit_above_the_bill_refused", payments: func(due decimal.Decimal) []billing.Payment {
			return []billing.Payment{pay(billing.PayDeposit, due.Add(c100))}
		}, refused: "payments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := stlMemEnv(t)
			in := env.stlInput(t, "st-wo1", "wo1", false)
			due := stlCustomerTotal(t, in)
			require.Equal(t, "6262", due.String(), "the customer owes 2400 labor + 3730 parts + 60 disposal + 72 shop supplies")
			in.Payments = c.payments(due)
			before := env.snap(t)
			st, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
			if c.refused != "" {
				assert.Contains(t, stlPaths(t, err), c.refused)
				fe, _ := org.FieldErrorOf(err, c.refused)
				assert.Equal(t, org.CodeRange, fe.Code)
				assert.Equal(t, before, env.snap(t), "a refused settlement writes nothing")
				return
			}
			require.NoError(t, err)
			paid := decimal.Zero
			for _, p := range in.Payments {
				paid = paid.Add(p.Amount)
			}
			assert.True(t, due.Equal(st.Due), "due %s", st.Due)
			assert.True(t, paid.Equal(st.Paid), "paid %s, want %s", st.Paid, paid)
			assert.True(t, stlDec(c.change).Equal(st.Change), "change %s, want %s", st.Change, c.change)
			assert.Equal(t, in.Payments, st.Payments)
			require.Len(t, docs, 1)
			assert.Equal(t, in.Payments, docs[0].Payments, "the customer's document shows every tender, deposits included")
		})
	}
}

// TestSettle_R3_4d_documents: one document per payer, numbered per series,
// each with the warranty reminder and a disclosure of every fee (R3.4e).
func TestSettle_R3_4d_documents(t *testing.T) {
	t.Run("R3.4d_one_invoice_per_payer", func(t *testing.T) {
		env := stlMemEnv(t)
		in := env.stlInput(t, "st-wo1", "wo1", true)
		in.Payers = map[billing.PayType]billing.Party{billing.PayWarranty: {Name: "Toyota Taiwan", TaxID: "12345678"}}
		st, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
		require.NoError(t, err)
		require.Len(t, docs, 2)
		assert.Equal(t, []billing.DocumentID{"INV-000001", "INV-000002"}, st.Documents)
		assert.Equal(t, st.Documents, stlDocIDs(docs))

		cust, warr := docs[0], docs[1]
		assert.Equal(t, billing.PayCustomer, cust.PayType)
		assert.Equal(t, billing.PayWarranty, warr.PayType)
		for i, d := range docs {
			assert.Equal(t, billing.Invoice, d.Kind)
			assert.Equal(t, "INV", d.Series)
			assert.Equal(t, int64(i+1), d.Number)
			assert.Equal(t, "wo1", d.WorkOrder)
			assert.Equal(t, "st-wo1", d.Settlement)
			assert.Equal(t, "TWD", d.Currency)
			assert.Equal(t, "2026-11", d.PriceBookVersion)
			assert.True(t, d.Inclusive)
			assert.Equal(t, in.Bill.Payers[i].Lines, d.Bill.Lines, "the document prints the payer's bill")
			assert.True(t, in.Bill.Payers[i].Total.Equal(d.Total))
			assert.Equal(t, stlChen, d.IssuedBy)
			assert.True(t, stlMonday.Equal(d.IssuedAt), "issued at %s", d.IssuedAt)
			stored, err := env.svc.Document(env.ctx, stlDealer, stlSup, d.ID)
			require.NoError(t, err)
			assert.Equal(t, d.ID, stored.ID)
			assert.True(t, d.Total.Equal(stored.Total))
		}
		assert.Equal(t, billing.Party{Name: "Mr. Kao"}, cust.Payer, "the customer's document is addressed to who confirmed")
		assert.Equal(t, billing.Party{Name: "Toyota Taiwan", TaxID: "12345678"}, warr.Payer)
		assert.Equal(t, "6262", cust.Total.String())
		assert.Equal(t, "1000", warr.Total.String(), "one hour of A/C at the warranty rate")
		assert.Equal(t, in.Payments, cust.Payments)
		assert.Empty(t, warr.Payments, "the maker's invoice carries no customer tender")
		assert.True(t, cust.Total.Equal(st.Due), "the customer owes their own part only")

		evs := env.events(t)
		settled := stlEventsOf(evs, "settlement.settled")
		require.Len(t, settled, 1)
		assert.Equal(t, "settlement/st-wo1", settled[0].Subject)
		issued := stlEventsOf(evs, "document.issued")
		require.Len(t, issued, 2)
		assert.Equal(t, "document/INV-000001", issued[0].Subject)
		assert.Equal(t, "document/INV-000002", issued[1].Subject)
		assert.Equal(t, settled[0].Seq+1, issued[0].Seq, "one commit, one run of the audit trail")
	})

	t.Run("R3.4d_receipt_when_kinds_says_so", func(t *testing.T) {
		env := stlMemEnv(t)
		in := env.stlInput(t, "st-wo1", "wo1", true)
		in.Kinds = map[billing.PayType]billing.DocumentKind{billing.PayCustomer: billing.Receipt}
		st, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
		require.NoError(t, err)
		assert.Equal(t, []billing.DocumentID{"RCP-000001", "INV-000001"}, st.Documents)
		require.Len(t, docs, 2)
		assert.Equal(t, billing.Receipt, docs[0].Kind)
		assert.Equal(t, "RCP", docs[0].Series)
		assert.Equal(t, billing.Invoice, docs[1].Kind)
	})

	t.Run("R3.4e_warranty_reminder_and_fee_disclosures", func(t *testing.T) {
		env := stlMemEnv(t)
		in := env.stlInput(t, "st-wo1", "wo1", true)
		_, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
		require.NoError(t, err)
		require.Len(t, docs, 2)
		for _, d := range docs {
			require.NotEmpty(t, d.Notes)
			assert.Equal(t, "note.warranty", d.Notes[0].Key, "%s: the warranty reminder comes first (R3.4e)", d.ID)
			var want, got []string
			for _, l := range d.Bill.Lines {
				if l.Kind == billing.KindFee {
					want = append(want, l.Code)
				}
			}
			for _, n := range d.Notes[1:] {
				assert.Equal(t, "note.fee_disclosure", n.Key)
				got = append(got, n.Args["code"])
				assert.NotEmpty(t, n.Args["description"])
			}
			assert.Equal(t, want, got, "%s: one disclosure per fee (R3.4c)", d.ID)
		}
		var custFees []string
		for _, n := range docs[0].Notes[1:] {
			custFees = append(custFees, n.Args["code"])
		}
		assert.ElementsMatch(t, []string{"OIL-DISP", "SHOP"}, custFees)
		assert.Len(t, docs[1].Notes, 1, "the warranty job has no fee")
	})

	t.Run("R3.4d_numbers_count_per_series", func(t *testing.T) {
		env := stlMemEnv(t)
		var got []billing.DocumentID
		for i, kind := range []billing.DocumentKind{billing.Invoice, billing.Receipt, billing.Receipt, billing.Invoice, "", billing.Receipt} {
			wo := "wo" + string(rune('1'+i))
			in := env.stlInput(t, "st-"+wo, wo, false)
			if kind != "" {
				in.Kinds = map[billing.PayType]billing.DocumentKind{billing.PayCustomer: kind}
			}
			_, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
			require.NoError(t, err)
			got = append(got, stlDocIDs(docs)...)
		}
		assert.Equal(t, []billing.DocumentID{"INV-000001", "RCP-000001", "RCP-000002", "INV-000002", "INV-000003", "RCP-000003"}, got)
		assert.Equal(t, map[string]int64{"INV": 4, "RCP": 4}, env.snap(t).Series)
		invoices, err := env.store.Documents(env.ctx, stlDealer, billing.DocumentQuery{Kind: billing.Invoice})
		require.NoError(t, err)
		assert.Len(t, invoices, 3)
	})

	t.Run("R3.4d_series_names_and_digits_configurable", func(t *testing.T) {
		env := stlMemEnv(t)
		svc, err := billing.NewService(billing.Config{Store: env.store, Roster: env.roster.Directory(), Clock: env.clock,
			Series: map[billing.DocumentKind]string{billing.Invoice: "AB"}, Digits: 8})
		require.NoError(t, err)
		_, docs, err := svc.Settle(env.ctx, stlDealer, stlChen, env.stlInput(t, "st-wo1", "wo1", false))
		require.NoError(t, err)
		assert.Equal(t, []billing.DocumentID{"AB-00000001"}, stlDocIDs(docs))
	})
}

// TestSettle_R3_4d_idempotent: the same key again returns the first
// settlement and its documents; no number is used up.
func TestSettle_R3_4d_idempotent(t *testing.T) {
	env := stlMemEnv(t)
	in := env.stlInput(t, "st-wo1", "wo1", true)
	first, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
	require.NoError(t, err)
	after := env.snap(t)

	t.Run("R3.4d_same_key_same_settlement", func(t *testing.T) {
		again, docs2, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
		require.NoError(t, err)
		assert.Equal(t, first, again)
		assert.Equal(t, stlDocIDs(docs), stlDocIDs(docs2))
		assert.Equal(t, docs, docs2)
		assert.Equal(t, after, env.snap(t), "a repeated key writes nothing and uses no number")
	})
	t.Run("R3.4d_same_key_other_actor_and_payments", func(t *testing.T) {
		// A retry from another till with the tenders typed differently
		// still returns what the first call issued.
		retry := in
		retry.Payments = []billing.Payment{{Method: billing.PayCash, Amount: stlDec("9999")}}
		again, docs2, err := env.svc.Settle(env.ctx, stlDealer, stlSup, retry)
		require.NoError(t, err)
		assert.Equal(t, first, again)
		assert.Equal(t, stlDocIDs(docs), stlDocIDs(docs2))
		assert.Equal(t, after, env.snap(t))
	})
	t.Run("R3.4d_same_key_other_work_order_refused", func(t *testing.T) {
		// A key reused for another order by mistake must not hand back the
		// first order's documents as if this one were settled.
		other := env.stlInput(t, "st-wo1", "wo9", false)
		again, docs2, err := env.svc.Settle(env.ctx, stlDealer, stlChen, other)
		for _, d := range docs2 {
			assert.Equal(t, "wo9", d.WorkOrder, "%s returned for wo9 is %s's", d.ID, d.WorkOrder)
		}
		require.Error(t, err, "wo9 got settlement %s of %s", again.Key, again.WorkOrder)
		fe, ok := org.FieldErrorOf(err, "key")
		require.True(t, ok, "%v names the key", err)
		assert.Equal(t, org.CodeDuplicate, fe.Code)
		assert.Equal(t, after, env.snap(t))
	})
	t.Run("R3.4d_prepare_reports_existing", func(t *testing.T) {
		p, err := env.svc.Prepare(env.ctx, stlDealer, stlChen, in)
		require.NoError(t, err)
		assert.True(t, p.Existing)
		assert.True(t, p.Change.Empty())
		assert.Equal(t, first, p.Settlement)
	})
	t.Run("R3.4d_next_key_takes_the_next_number", func(t *testing.T) {
		_, docs3, err := env.svc.Settle(env.ctx, stlDealer, stlChen, env.stlInput(t, "st-wo2", "wo2", false))
		require.NoError(t, err)
		assert.Equal(t, []billing.DocumentID{"INV-000003"}, stlDocIDs(docs3), "no gap after the repeated key")
	})
}

// TestSettle_bad_input: every bad field is named, and nothing is written.
func TestSettle_bad_input(t *testing.T) {
	type field struct{ path, code string }
	cases := []struct {
		name   string
		actor  org.Actor
		edit   func(in *billing.SettleInput)
		fields []field // all of them must be named
		is     error   // instead of a ValidationError
	}{
		{name: "R3.4_empty_key", edit: func(in *billing.SettleInput) { in.Key = "" },
			fields: []field{{"key", org.CodeRequired}}},
		{name: "R3.4_key_not_an_identifier", edit: func(in *billing.SettleInput) { in.Key = "st wo1" },
			fields: []field{{"key", org.CodeFormat}}},
		{name: "R3.4_work_order_and_advisor_required", edit: func(in *billing.SettleInput) { in.WorkOrder, in.Advisor = "", "" },
			fields: []field{{"work_order", org.CodeRequired}, {"advisor", org.CodeRequired}}},
		{name: "R3.4d_confirmation_required", edit: func(in *billing.SettleInput) { in.Confirmation = billing.Confirmation{By: " ", Method: "telepathy"} },
			fields: []field{{"confirmation.by", org.CodeRequired}, {"confirmation.method", org.CodeUnknown}}},
		{name: "R3.4d_bad_payment_method", edit: func(in *billing.SettleInput) { in.Payments[0].Method = "bitcoin" },
			fields: []field{{"payments[0].method", org.CodeUnknown}}},
		{name: "R3.4d_payment_amounts_above_zero", edit: func(in *billing.SettleInput) {
			in.Payments = append(in.Payments, billing.Payment{Method: billing.PayCash, Amount: decimal.Zero},
				billing.Payment{Method: billing.PayCash, Amount: stlDec("-5")})
		}, fields: []field{{"payments[1].amount", org.CodeRange}, {"payments[2].amount", org.CodeRange}}},
		{name: "R3.4d_kind_must_be_invoice_or_receipt", edit: func(in *billing.SettleInput) {
			in.Kinds = map[billing.PayType]billing.DocumentKind{billing.PayCustomer: billing.CreditNote}
		}, fields: []field{{"kinds.customer", org.CodeUnknown}}},
		{name: "R3.4d_kind_for_a_payer_not_on_the_bill", edit: func(in *billing.SettleInput) {
			in.Kinds = map[billing.PayType]billing.DocumentKind{billing.PayInsurance: billing.Invoice}
		}, fields: []field{{"kinds.insurance", org.CodeNotFound}}},
		{name: "R3.4_bill_without_payers", edit: func(in *billing.SettleInput) {
			in.Bill.Payers, in.Submitted, in.Payments = nil, nil, nil
		}, fields: []field{{"bill.payers", org.CodeRequired}}},
		{name: "R3.4_bill_of_an_unknown_price_book", edit: func(in *billing.SettleInput) { in.Bill.PriceBookVersion = "1999-01" },
			fields: []field{{"bill.price_book_version", org.CodeNotFound}}},
		{name: "R3.4a_bad_submitted_line", edit: func(in *billing.SettleInput) { in.Submitted[0].Kind = "magic" },
			fields: []field{{"submitted[0].kind", org.CodeUnknown}}},
		{name: "R3.4_every_field_with_a_good_key", edit: func(in *billing.SettleInput) {
			in.WorkOrder = ""
			in.Confirmation.By = ""
			in.Payments[0].Method = "bitcoin"
			in.Kinds = map[billing.PayType]billing.DocumentKind{billing.PayCustomer: "voucher"}
		}, fields: []field{{"work_order", org.CodeRequired}, {"confirmation.by", org.CodeRequired},
			{"payments[0].method", org.CodeUnknown}, {"kinds.customer", org.CodeUnknown}}},
		{name: "R3.4_every_field_with_an_empty_key", edit: func(in *billing.SettleInput) {
			in.Key = ""
			in.WorkOrder = ""
			in.Confirmation.By = ""
			in.Payments[0].Method = "bitcoin"
		}, fields: []field{{"key", org.CodeRequired}, {"work_order", org.CodeRequired}, {"confirmation.by", org.CodeRequired},
			{"payments[0].method", org.CodeUnknown}}},
		// The input's shape is checked before anything is loaded
		// (docs/CONVENTIONS.md): a blank confirmation is named even when the
		// bill also has open differences.
		{name: "R3.4_shape_named_before_reconciliation", edit: func(in *billing.SettleInput) {
			in.Confirmation.By = ""
			in.Payments[0].Method = "bitcoin"
			in.Submitted[3].Quantity = stlDec("5")
		}, fields: []field{{"confirmation.by", org.CodeRequired}, {"payments[0].method", org.CodeUnknown}}},
		{name: "R2.3_technician_may_not_settle", actor: stlWu, edit: func(*billing.SettleInput) {}, is: billing.ErrForbidden},
		{name: "R2.3_admin_may_not_settle", actor: stlAdmin, edit: func(*billing.SettleInput) {}, is: billing.ErrForbidden},
		{name: "R2.3_advisor_off_the_roster_may_not_settle", actor: org.Actor{ID: "ghost", Role: org.RoleAdvisor},
			edit: func(*billing.SettleInput) {}, is: billing.ErrForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := stlMemEnv(t)
			in := env.stlInput(t, "st-wo1", "wo1", false)
			c.edit(&in)
			actor := c.actor
			if actor == (org.Actor{}) {
				actor = stlChen
			}
			before := env.snap(t)
			_, docs, err := env.svc.Settle(env.ctx, stlDealer, actor, in)
			require.Error(t, err)
			assert.Empty(t, docs)
			assert.Equal(t, before, env.snap(t), "bad input writes nothing: no document, settlement, number or event")
			if c.is != nil {
				require.ErrorIs(t, err, c.is)
				return
			}
			paths := stlPaths(t, err)
			for _, f := range c.fields {
				fe, ok := org.FieldErrorOf(err, f.path)
				if assert.True(t, ok, "%s is not named; the error names %v", f.path, paths) {
					assert.Equal(t, f.code, fe.Code, f.path)
				}
			}
			_, err = env.svc.Prepare(env.ctx, stlDealer, actor, in)
			require.ErrorIs(t, err, billing.ErrInvalid, "Prepare refuses what Settle refuses")
		})
	}
}

// TestCreditNote: a supervisor reverses an issued document in full; the
// original stays, its settlement counts as corrected (R6.1).
func TestCreditNote(t *testing.T) {
	setup := func(t *testing.T) (*stlEnv, []billing.Document) {
		env := stlMemEnv(t)
		in := env.stlInput(t, "st-wo1", "wo1", true)
		in.Bill = stlWithDiscount(t, env.book, "wo1")
		in.Submitted = stlSubmitted(in.Bill)
		in.Payments = []billing.Payment{{Method: billing.PayCard, Amount: stlCustomerTotal(t, in)}}
		_, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
		require.NoError(t, err)
		require.Len(t, docs, 2)
		env.clock.Advance(24 * time.Hour)
		return env, docs
	}
	credit := billing.CreditInput{Key: "crn-wo1", Document: "INV-000001", Reason: "pads were under the maker's recall"}

	t.Run("R3.4_reverses_the_document_in_full", func(t *testing.T) {
		env, docs := setup(t)
		orig := docs[0]
		require.True(t, orig.Bill.Discount.IsPositive(), "the original has a discount to reverse too")
		cn, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, credit)
		require.NoError(t, err)

		assert.Equal(t, billing.DocumentID("CRN-000001"), cn.ID)
		assert.Equal(t, "CRN", cn.Series)
		assert.Equal(t, int64(1), cn.Number)
		assert.Equal(t, billing.CreditNote, cn.Kind)
		assert.Equal(t, orig.ID, cn.References)
		assert.Equal(t, credit.Reason, cn.Reason)
		assert.Equal(t, orig.WorkOrder, cn.WorkOrder)
		assert.Equal(t, orig.PayType, cn.PayType)
		assert.Equal(t, orig.Payer, cn.Payer)
		assert.Equal(t, orig.PriceBookVersion, cn.PriceBookVersion)
		assert.Equal(t, stlSup, cn.IssuedBy)
		require.NotEmpty(t, cn.Notes)
		assert.Equal(t, "note.credit", cn.Notes[0].Key)
		assert.Equal(t, string(orig.ID), cn.Notes[0].Args["original"])

		zero := func(a, b decimal.Decimal, what string) {
			t.Helper()
			assert.True(t, a.Add(b).IsZero(), "%s: %s + %s is not zero", what, a, b)
		}
		zero(orig.Total, cn.Total, "total")
		zero(orig.Bill.Total, cn.Bill.Total, "bill total")
		zero(orig.Bill.Subtotal, cn.Bill.Subtotal, "subtotal")
		zero(orig.Bill.Discount, cn.Bill.Discount, "discount")
		zero(orig.Bill.Tax, cn.Bill.Tax, "tax")
		assert.True(t, cn.Total.IsNegative())
		require.Len(t, cn.Bill.Lines, len(orig.Bill.Lines))
		for i, l := range orig.Bill.Lines {
			c := cn.Bill.Lines[i]
			assert.Equal(t, l.ID, c.ID)
			assert.Equal(t, l.Code, c.Code)
			zero(l.Quantity, c.Quantity, l.ID+" quantity")
			zero(l.Amount, c.Amount, l.ID+" amount")
			zero(l.Discount, c.Discount, l.ID+" discount")
			zero(l.Net, c.Net, l.ID+" net")
			zero(l.Tax, c.Tax, l.ID+" tax")
			assert.True(t, l.UnitPrice.Equal(c.UnitPrice), "%s: the unit price stays, the quantity turns", l.ID)
		}
		require.Len(t, cn.Bill.Taxes, len(orig.Bill.Taxes))
		for i, tx := range orig.Bill.Taxes {
			zero(tx.Base, cn.Bill.Taxes[i].Base, tx.Code+" base")
			zero(tx.Tax, cn.Bill.Taxes[i].Tax, tx.Code+" tax")
		}

		// The original is unchanged; its settlement is corrected.
		stored, err := env.svc.Document(env.ctx, stlDealer, stlSup, orig.ID)
		require.NoError(t, err)
		assert.Equal(t, orig.Version, stored.Version)
		assert.True(t, orig.Total.Equal(stored.Total))
		st, err := env.svc.Settlement(env.ctx, stlDealer, stlSup, "st-wo1")
		require.NoError(t, err)
		assert.True(t, st.Corrected, "the original settlement becomes corrected")
		assert.Equal(t, int64(2), st.Version)
		rec, err := env.svc.Settlement(env.ctx, stlDealer, stlSup, credit.Key)
		require.NoError(t, err)
		assert.Equal(t, orig.ID, rec.Corrects)
		assert.Equal(t, []billing.DocumentID{cn.ID}, rec.Documents)
		assert.Equal(t, org.EmployeeID("chen"), rec.Advisor)

		evs := stlEventsOf(env.events(t), "document.credited")
		require.Len(t, evs, 1)
		assert.Equal(t, "document/"+string(orig.ID), evs[0].Subject)
		assert.Equal(t, credit.Reason, evs[0].Reason)
		assert.Equal(t, stlSup, evs[0].Actor)
	})

	t.Run("R3.4_other_payers_document_credited_apart", func(t *testing.T) {
		env, docs := setup(t)
		_, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, credit)
		require.NoError(t, err)
		cn, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, billing.CreditInput{Key: "crn-wo1-w", Document: docs[1].ID, Reason: "claim rejected"})
		require.NoError(t, err)
		assert.Equal(t, billing.DocumentID("CRN-000002"), cn.ID)
		assert.Equal(t, billing.PayWarranty, cn.PayType)
		assert.Equal(t, map[string]int64{"INV": 3, "CRN": 3}, env.snap(t).Series, "credit notes number in their own series")
	})

	t.Run("R3.4_idempotent_by_key", func(t *testing.T) {
		env, _ := setup(t)
		first, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, credit)
		require.NoError(t, err)
		before := env.snap(t)
		again, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, credit)
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID)
		assert.True(t, first.Total.Equal(again.Total))
		assert.Equal(t, before, env.snap(t), "the same key issues nothing new")
	})

	t.Run("R3.4d_key_of_a_credit_note_does_not_settle", func(t *testing.T) {
		env, _ := setup(t)
		_, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, credit)
		require.NoError(t, err)
		before := env.snap(t)
		in := env.stlInput(t, credit.Key, "wo1", true)
		_, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
		require.Error(t, err, "settling with a credit note's key returned %v", stlDocIDs(docs))
		fe, ok := org.FieldErrorOf(err, "key")
		require.True(t, ok, "%v names the key", err)
		assert.Equal(t, org.CodeDuplicate, fe.Code)
		assert.Equal(t, before, env.snap(t))
	})

	refusals := []struct {
		name   string
		actor  org.Actor
		in     func(docs []billing.Document) billing.CreditInput
		is     error
		fields []string
		first  bool // credit INV-000001 with credit's key first
	}{
		{name: "R2.2_advisor_may_not_credit", actor: stlChen, in: func([]billing.Document) billing.CreditInput { return credit }, is: billing.ErrForbidden},
		{name: "R2.2_technician_may_not_credit", actor: stlWu, in: func([]billing.Document) billing.CreditInput { return credit }, is: billing.ErrForbidden},
		{name: "R2.2_only_a_supervisor_credits_not_the_host", actor: stlAdmin, in: func([]billing.Document) billing.CreditInput { return credit }, is: billing.ErrForbidden},
		{name: "R3.4_credit_of_a_credit_note_refused", actor: stlSup, first: true,
			in: func([]billing.Document) billing.CreditInput {
				return billing.CreditInput{Key: "crn-crn", Document: "CRN-000001", Reason: "undo"}
			}, is: billing.ErrInvalidTransition},
		{name: "R3.4_unknown_document", actor: stlSup, in: func([]billing.Document) billing.CreditInput {
			return billing.CreditInput{Key: "crn-x", Document: "INV-000099", Reason: "typo"}
		}, is: billing.ErrInvalid, fields: []string{"document"}},
		{name: "R3.4_bad_input_names_every_field", actor: stlSup, in: func([]billing.Document) billing.CreditInput {
			return billing.CreditInput{Key: "", Document: "", Reason: "  "}
		}, is: billing.ErrInvalid, fields: []string{"key", "document", "reason"}},
		// A document is reversed in full once: a second credit note of it,
		// under another key, would reverse it twice.
		{name: "R3.4_second_credit_of_one_document_refused", actor: stlSup, first: true,
			in: func([]billing.Document) billing.CreditInput {
				return billing.CreditInput{Key: "crn-wo1-again", Document: "INV-000001", Reason: "credited twice by mistake"}
			}},
		// A key that settled a bill is not a credit note: CreditNote must
		// not hand back the invoice as if it had credited something.
		{name: "R3.4_key_of_a_settlement_is_not_a_credit_note", actor: stlSup,
			in: func([]billing.Document) billing.CreditInput {
				return billing.CreditInput{Key: "st-wo1", Document: "INV-000001", Reason: "reused key"}
			}},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			env, docs := setup(t)
			if c.first {
				_, err := env.svc.CreditNote(env.ctx, stlDealer, stlSup, credit)
				require.NoError(t, err)
			}
			before := env.snap(t)
			doc, err := env.svc.CreditNote(env.ctx, stlDealer, c.actor, c.in(docs))
			require.Error(t, err, "refused, yet returned %s (%s)", doc.ID, doc.Kind)
			if c.is != nil {
				require.ErrorIs(t, err, c.is)
			}
			for _, p := range c.fields {
				assert.Contains(t, stlPaths(t, err), p)
			}
			assert.Equal(t, before, env.snap(t), "a refused credit note writes nothing")
			st, err := env.svc.Settlement(env.ctx, stlDealer, stlSup, "st-wo1")
			require.NoError(t, err)
			assert.Equal(t, c.first, st.Corrected)
		})
	}
}

// stlWithDiscount prices wo with the WELCOME coupon: 10% off the customer's
// lines, so that a credit note has discounts to reverse.
func stlWithDiscount(t testing.TB, book *billing.PriceBook, wo string) billing.Bill {
	t.Helper()
	o := stlOrder(wo, true)
	o.Coupons = []string{"WELCOME"}
	bill, err := billing.Price(book, o)
	require.NoError(t, err)
	return bill
}

// TestAccuracy_R6_1: settlement accuracy per advisor per month: settled
// with no override and never credited, over all settled.
func TestAccuracy_R6_1(t *testing.T) {
	env := stlMemEnv(t)
	ctx := env.ctx
	settle := func(actor org.Actor, advisor, wo, reason string, fix func(in *billing.SettleInput)) {
		t.Helper()
		in := env.stlInput(t, "st-"+wo, wo, false)
		in.Advisor = org.EmployeeID(advisor)
		in.OverrideReason = reason
		if fix != nil {
			fix(&in)
		}
		_, _, err := env.svc.Settle(ctx, stlDealer, actor, in)
		require.NoError(t, err)
		env.clock.Advance(time.Hour)
	}
	fiveLitres := func(in *billing.SettleInput) {
		for i := range in.Submitted {
			if in.Submitted[i].Code == "OIL-5W30" {
				in.Submitted[i].Quantity = stlDec("5")
			}
		}
	}
	settle(stlChen, "chen", "wo1", "", nil)                             // accurate
	settle(stlSup, "chen", "wo2", "the customer's own oil", fiveLitres) // overridden
	settle(stlChen, "chen", "wo3", "", nil)                             // credited later
	settle(stlWang, "wang", "wo4", "", nil)                             // accurate
	env.clock.Set(time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC))         // December in Taipei
	st3, err := env.svc.Settlement(ctx, stlDealer, stlSup, "st-wo3")
	require.NoError(t, err)
	_, err = env.svc.CreditNote(ctx, stlDealer, stlSup, billing.CreditInput{Key: "crn-wo3", Document: st3.Documents[0], Reason: "wrong pads billed"})
	require.NoError(t, err)

	t.Run("R6.1_one_of_three_accurate", func(t *testing.T) {
		got, err := env.svc.Accuracy(ctx, stlDealer, stlSup, stlNov)
		require.NoError(t, err)
		require.Len(t, got, 2)
		chen, wang := got[0], got[1]
		assert.Equal(t, org.EmployeeID("chen"), chen.Advisor)
		assert.Equal(t, stlNov, chen.Month)
		assert.Equal(t, 3, chen.Settled, "the credit note's own record is not a settlement")
		assert.Equal(t, 1, chen.Accurate)
		assert.Equal(t, "0.3333", chen.Rate.StringFixed(4))
		assert.False(t, chen.None)
		assert.Equal(t, org.EmployeeID("wang"), wang.Advisor)
		assert.Equal(t, 1, wang.Settled)
		assert.Equal(t, "1.0000", wang.Rate.StringFixed(4))
	})
	t.Run("R6.1_credit_note_records_not_counted", func(t *testing.T) {
		// December holds only the credit note's record: no settlement.
		got, err := env.svc.Accuracy(ctx, stlDealer, stlSup, stlNov.Next())
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("R6.1_month_with_none_is_no_data", func(t *testing.T) {
		got, err := env.svc.Accuracy(ctx, stlDealer, stlSup, stlNov.Prev())
		require.NoError(t, err)
		for _, a := range got {
			assert.True(t, a.None, "%s: a month with no settlement has no rate, not 0%%", a.Advisor)
			assert.Zero(t, a.Settled)
		}
		rate, none, err := billing.SettlementAccuracy(0, 0)
		require.NoError(t, err)
		assert.True(t, none)
		assert.True(t, rate.IsZero())
	})
	t.Run("R6.1_month_in_the_dealers_zone", func(t *testing.T) {
		// 23:30 on 30 November in Taipei is still November, though it is
		// 15:30 UTC; 00:30 on 1 December in Taipei is 30 November in UTC
		// and counts in December.
		env := stlMemEnv(t)
		env.clock.Set(time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC))
		_, _, err := env.svc.Settle(env.ctx, stlDealer, stlChen, env.stlInput(t, "st-a", "wo-a", false))
		require.NoError(t, err)
		env.clock.Set(time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC))
		_, _, err = env.svc.Settle(env.ctx, stlDealer, stlChen, env.stlInput(t, "st-b", "wo-b", false))
		require.NoError(t, err)
		nov, err := env.svc.Accuracy(env.ctx, stlDealer, stlSup, stlNov)
		require.NoError(t, err)
		require.Len(t, nov, 1)
		assert.Equal(t, 1, nov[0].Settled)
		dec, err := env.svc.Accuracy(env.ctx, stlDealer, stlSup, stlNov.Next())
		require.NoError(t, err)
		require.Len(t, dec, 1)
		assert.Equal(t, 1, dec[0].Settled)
	})
}
