package billingtest

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// taipei is the dealers' zone. Query bounds are given in it, as the
// Service gives them (a month starts at local midnight).
var taipei = kit.Taipei

// t0 is a fixed instant with microseconds, written in UTC as the Service
// writes it, so a store that drops either is caught. Every instant the
// kit writes is t0 plus whole microseconds.
var t0 = kit.NewClock(2026, 11, 2).T0

// at is t0 plus some minutes.
func at(minutes int) time.Time { return kit.Clock{T0: t0}.At(minutes) }

// amount parses one of the kit's constant amounts.
func amount(s string) decimal.Decimal { return kit.Amount(s) }

// big is above 2^53, with a trailing zero in its cents' place elsewhere
// (12.50): a float column or a float on the way loses it.
const big = kit.Big

var (
	advisor = org.Actor{ID: "adv-1", Role: org.RoleAdvisor}
	cashier = org.Actor{ID: "sup-1", Role: org.RoleSupervisor}
)

// Versions and series names the fixtures use. A snapshot of the shared
// rules reads each of them (domain.go), since price books and series have
// no list.
var (
	bookVersions = []string{"2026-10", "2026-11", "2026-12", "2027-01"}
	seriesNames  = []string{"INV", "RCP", "CRN", "INV2"}
)

// fullPriceBook sets every field of a price book, in at least one element
// of every slice, so a store that forgets a column is caught.
func fullPriceBook(d org.DealerID, version string, active bool) billing.StoredPriceBook {
	return billing.StoredPriceBook{
		DealerID: d,
		Book: billing.PriceBook{
			Version: version, Currency: "TWD", Scale: 2, Rounding: billing.HalfEven,
			Labor: billing.LaborPolicy{
				Rates: []billing.LaborRate{
					{Rate: amount("1200.00")},
					{PayType: billing.PayWarranty, LaborType: "electrical", Rate: amount(big)},
				},
				Operations: []billing.Operation{
					{Code: "BRK-01", Description: "replace front pads", Hours: amount("1.5")},
					{Code: "DIAG", Description: "diagnose MIL; 診斷", Hours: amount("0.25"), LaborType: "electrical"},
				},
				Increment: amount("0.1"), Minimum: amount("0.5"),
			},
			Parts: billing.PartsPolicy{Matrix: []billing.MarkupBand{
				{From: amount("0"), To: amount("100.00"), Multiplier: amount("1.6")},
				{From: amount("100.00"), Margin: amount("0.3500")},
			}},
			Sublet: billing.SubletPolicy{Markup: amount("0.15")},
			Fees: []billing.FeeRule{
				{Code: "SHOP", Description: "shop supplies", Percent: amount("0.05"), Base: billing.BaseLabor, Min: amount("12.50"), Max: amount("20.00"),
					PayTypes: []billing.PayType{billing.PayCustomer, billing.PayInternal}, Taxable: true},
				{Code: "OIL", Description: "oil disposal", UnitPrice: amount("0.0125"), Unit: "litre"},
			},
			Coupons: []billing.Coupon{{Code: "WELCOME", Percent: amount("0.10")}, {Code: "FIVE", Amount: amount("12.50")}},
			Tax: billing.TaxPolicy{
				Inclusive: true, Scope: billing.ScopeGroup,
				Rounding: billing.Rounding{Mode: billing.Cash, Places: 1, Increment: amount("0.05")},
				Rates: []billing.TaxRate{
					{Code: "VAT", Name: "營業稅 5%", Rate: amount("0.05"), Kinds: []billing.Kind{billing.KindLabor, billing.KindPart}, PayTypes: []billing.PayType{billing.PayCustomer}},
					{Code: "ZERO", Name: "exempt", Rate: amount("0")},
				},
				DiscountBeforeTax: true,
			},
			Overrun:      billing.OverrunPolicy{Amount: amount("500.00"), Percent: amount("0.10")},
			ManualPrices: billing.ManualPricePolicy{Roles: []org.Role{"supervisor", "parts_manager"}},
		},
		Active: active, SavedAt: at(-60), SavedBy: cashier, Version: 1,
	}
}

// priceBook is a small price book: what most checks write.
func priceBook(d org.DealerID, version string, active bool) billing.StoredPriceBook {
	return billing.StoredPriceBook{
		DealerID: d,
		Book: billing.PriceBook{Version: version, Currency: "TWD", Scale: 0, Rounding: billing.HalfUp,
			Labor: billing.LaborPolicy{Rates: []billing.LaborRate{{Rate: amount("1200")}}}},
		Active: active, SavedAt: t0, SavedBy: cashier, Version: 1,
	}
}

func explain(key string, args ...string) billing.Explanation {
	e := billing.Explanation{Key: key}
	if len(args) > 0 {
		e.Args = map[string]string{}
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[args[i]] = args[i+1]
		}
	}
	return e
}

// fullBill is a customer's part of a bill with every field set in at least
// one line and tax line.
func fullBill() billing.PayerBill {
	return billing.PayerBill{
		PayType: billing.PayCustomer,
		Lines: []billing.Line{
			{ID: "j1/labor/BRK-01", Job: "j1", PayType: billing.PayCustomer, Kind: billing.KindLabor, Code: "BRK-01", Description: "replace front pads",
				Quantity: amount("1.5"), Unit: "h", UnitPrice: amount("1200.00"), Amount: amount("1800.00"), Discount: amount("180.00"), Net: amount("1620.00"),
				TaxCode: "VAT", TaxRate: amount("0.05"), Tax: amount("77.14"), LaborType: "diagnostic", BookHours: amount("1.5"), ClockedHours: amount("1.25"),
				Explain: explain("line.labor", "hours", "1.5", "rate", "1200.00")},
			{ID: "j1/part/04465-42180", Job: "j1", PayType: billing.PayCustomer, Kind: billing.KindPart, Code: "04465-42180", Description: "pad set; 來令片",
				Quantity: amount("1"), UnitPrice: amount(big), Amount: amount(big), Discount: amount("0"), Net: amount(big),
				TaxCode: "VAT", TaxRate: amount("0.05"), Tax: amount("587889471487360.38"), Cost: amount("12.50"),
				Explain: explain("line.part.matrix", "cost", "12.50", "band", "0-100", "multiplier", "1.6")},
			{ID: "fee/SHOP", PayType: billing.PayCustomer, Kind: billing.KindFee, Code: "SHOP", Description: "shop supplies",
				Quantity: amount("1"), UnitPrice: amount("12.50"), Amount: amount("12.50"), Discount: amount("0"), Net: amount("12.50"),
				TaxRate: amount("0"), Tax: amount("0"), Explain: explain("line.fee.min")},
		},
		Taxes: []billing.TaxLine{
			{Code: "VAT", Name: "營業稅 5%", Rate: amount("0.05"), Base: amount("11757789429747207.51"), Tax: amount("587889471487360.38"),
				Explain: explain("tax.group", "rate", "5%", "scope", "group")},
		},
		Subtotal: amount("12345678901236380.39"), Discount: amount("180.00"), Tax: amount("587889471487437.52"), Total: amount("12345678901236200.39"),
		Explain: explain("bill.total", "inclusive", "true"),
	}
}

// fullDocument is an invoice with every field set.
func fullDocument(d org.DealerID, id billing.DocumentID, number int64) billing.Document {
	return billing.Document{
		DealerID: d, ID: id, Series: "INV", Number: number, Kind: billing.Invoice, WorkOrder: "wo-1", Settlement: "st-1",
		PayType:  billing.PayCustomer,
		Payer:    billing.Party{Name: "林 美玲 (Lin Mei-ling)", TaxID: "12345675", Address: "台北市信義區 1 號"},
		Currency: "TWD", Scale: 2, PriceBookVersion: "2026-11", Inclusive: true,
		Bill: fullBill(),
		Payments: []billing.Payment{
			{Method: billing.PayDeposit, Amount: amount("-500.00"), Reference: "deposit dep-7"},
			{Method: billing.PayCard, Amount: amount("12345678901235700.39"), Reference: "auth 0042"},
		},
		Total: amount("12345678901236200.39"), References: "INV-000000", Reason: "(none: the kit fills every field)",
		Notes:    []billing.Explanation{explain("note.warranty", "months", "6", "km", "10000"), explain("note.fee.shop")},
		IssuedAt: at(30), IssuedBy: advisor, Version: 1,
	}
}

// numberOf gives every document ID of the kit its own number, as the
// Service never issues one number twice in a series: a store may keep
// (dealer, series, number) unique.
func numberOf(id billing.DocumentID) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64()>>34) + 1
}

// document is an ordinary receipt: what most checks write.
func document(d org.DealerID, id billing.DocumentID) billing.Document {
	return billing.Document{
		DealerID: d, ID: id, Series: "RCP", Number: numberOf(id), Kind: billing.Receipt, WorkOrder: "wo-1", Settlement: "st-1",
		PayType: billing.PayCustomer, Payer: billing.Party{Name: "Customer of " + string(id)}, Currency: "TWD", Scale: 0,
		PriceBookVersion: "2026-11",
		Bill: billing.PayerBill{PayType: billing.PayCustomer,
			Lines: []billing.Line{{ID: "j1/labor/INSP", Job: "j1", PayType: billing.PayCustomer, Kind: billing.KindLabor, Code: "INSP",
				Quantity: amount("0.5"), UnitPrice: amount("25"), Amount: amount("12.50"), Net: amount("12.50"),
				Explain: explain("line.labor", "hours", "0.5")}},
			Subtotal: amount("12.50"), Total: amount("12.50"), Explain: explain("bill.total")},
		Payments: []billing.Payment{{Method: billing.PayCash, Amount: amount("12.50")}},
		Total:    amount("12.50"),
		Notes:    []billing.Explanation{explain("note.warranty", "months", "6")},
		IssuedAt: t0, IssuedBy: advisor, Version: 1,
	}
}

// fullSettlement sets every field of a settlement.
func fullSettlement(d org.DealerID, key string) billing.Settlement {
	return billing.Settlement{
		DealerID: d, Key: key, WorkOrder: "wo-1", Advisor: "adv-1",
		Confirmation: billing.Confirmation{By: "Lin Mei-ling", Method: "signature"},
		Payments: []billing.Payment{
			{Method: billing.PayDeposit, Amount: amount("500.00"), Reference: "dep-7"},
			{Method: billing.PayCash, Amount: amount("12.50")},
			{Method: billing.PayCard, Amount: amount(big), Reference: "auth 0042"},
		},
		Due: amount("12345678901235700.39"), Paid: amount("12345678901235080.39"), Change: amount("0.50"),
		Documents:   []billing.DocumentID{"INV-000001", "INV-000002"},
		Differences: 2,
		Override:    &billing.Override{By: "sup-1", Reason: "parts price confirmed by phone"},
		Corrected:   true,
		Corrects:    "INV-000000",
		SettledAt:   at(45), SettledBy: advisor, Version: 1,
	}
}

// settlement is an ordinary settlement: what most checks write.
func settlement(d org.DealerID, key string) billing.Settlement {
	return billing.Settlement{
		DealerID: d, Key: key, WorkOrder: "wo-1", Advisor: "adv-1",
		Confirmation: billing.Confirmation{By: "Customer of " + key, Method: "in_person"},
		Payments:     []billing.Payment{{Method: billing.PayCash, Amount: amount("12.50")}},
		Due:          amount("12.50"), Paid: amount("12.50"), Change: amount("0"),
		Documents: []billing.DocumentID{billing.DocumentID("RCP-" + key)},
		SettledAt: t0, SettledBy: advisor, Version: 1,
	}
}

func series(d org.DealerID, name string, next int64) billing.Series {
	return billing.Series{DealerID: d, Name: name, Next: next, Version: 1}
}

func event(d org.DealerID, id, subject string) org.Event {
	return org.Event{
		DealerID: d, ID: id, At: t0, Actor: advisor,
		Type: "billing.settled", Subject: subject, Reason: "kit: " + id, Data: json.RawMessage(`{"after":{"total":"12.50"}}`),
	}
}

func events(d org.DealerID, prefix, subject string, n int) []org.Event {
	return kit.Events(d, prefix, subject, n, event)
}

func commit(ctx context.Context, s billing.Store, d org.DealerID, c billing.Change, what string) error {
	return kit.Commit(ctx, s.Commit, d, c, what)
}
