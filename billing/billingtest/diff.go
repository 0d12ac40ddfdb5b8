package billingtest

import (
	"maps"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
)

// args compares explanation arguments; nil and empty are alike.
func args(d *kit.Differ, path string, got, want map[string]string) {
	if !maps.Equal(got, want) {
		d.Add(path, "got %v, want %v", got, want)
	}
}

func diffExplain(d *kit.Differ, p string, g, w billing.Explanation) {
	kit.Eq(d, p+".key", g.Key, w.Key)
	args(d, p+".args", g.Args, w.Args)
}

func diffPayment(d *kit.Differ, p string, g, w billing.Payment) {
	kit.Eq(d, p+".method", g.Method, w.Method)
	d.Amount(p+".amount", g.Amount, w.Amount)
	kit.Eq(d, p+".reference", g.Reference, w.Reference)
}

func diffStoredPriceBook(got, want billing.StoredPriceBook) error {
	d := kit.NewDiffer("price book %s/%s", want.DealerID, want.Book.Version)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	diffPriceBook(d, "book", got.Book, want.Book)
	kit.Eq(d, "active", got.Active, want.Active)
	d.Instant("saved_at", got.SavedAt, want.SavedAt)
	kit.Eq(d, "saved_by", got.SavedBy, want.SavedBy)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffPriceBook(d *kit.Differ, p string, g, w billing.PriceBook) {
	kit.Eq(d, p+".version", g.Version, w.Version)
	kit.Eq(d, p+".currency", g.Currency, w.Currency)
	kit.Eq(d, p+".scale", g.Scale, w.Scale)
	kit.Eq(d, p+".rounding", g.Rounding, w.Rounding)
	kit.Each(d, p+".labor.rates", g.Labor.Rates, w.Labor.Rates, func(d *kit.Differ, p string, g, w billing.LaborRate) {
		kit.Eq(d, p+".pay_type", g.PayType, w.PayType)
		kit.Eq(d, p+".labor_type", g.LaborType, w.LaborType)
		d.Amount(p+".rate", g.Rate, w.Rate)
	})
	kit.Each(d, p+".labor.operations", g.Labor.Operations, w.Labor.Operations, func(d *kit.Differ, p string, g, w billing.Operation) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".description", g.Description, w.Description)
		d.Amount(p+".hours", g.Hours, w.Hours)
		kit.Eq(d, p+".labor_type", g.LaborType, w.LaborType)
	})
	d.Amount(p+".labor.increment", g.Labor.Increment, w.Labor.Increment)
	d.Amount(p+".labor.minimum", g.Labor.Minimum, w.Labor.Minimum)
	kit.Each(d, p+".parts.matrix", g.Parts.Matrix, w.Parts.Matrix, func(d *kit.Differ, p string, g, w billing.MarkupBand) {
		d.Amount(p+".from", g.From, w.From)
		d.Amount(p+".to", g.To, w.To)
		d.Amount(p+".multiplier", g.Multiplier, w.Multiplier)
		d.Amount(p+".margin", g.Margin, w.Margin)
	})
	d.Amount(p+".sublet.markup", g.Sublet.Markup, w.Sublet.Markup)
	kit.Each(d, p+".fees", g.Fees, w.Fees, func(d *kit.Differ, p string, g, w billing.FeeRule) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".description", g.Description, w.Description)
		d.Amount(p+".percent", g.Percent, w.Percent)
		kit.Eq(d, p+".base", g.Base, w.Base)
		d.Amount(p+".min", g.Min, w.Min)
		d.Amount(p+".max", g.Max, w.Max)
		d.Amount(p+".unit_price", g.UnitPrice, w.UnitPrice)
		kit.Eq(d, p+".unit", g.Unit, w.Unit)
		kit.List(d, p+".pay_types", g.PayTypes, w.PayTypes)
		kit.Eq(d, p+".taxable", g.Taxable, w.Taxable)
	})
	kit.Each(d, p+".coupons", g.Coupons, w.Coupons, func(d *kit.Differ, p string, g, w billing.Coupon) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		d.Amount(p+".percent", g.Percent, w.Percent)
		d.Amount(p+".amount", g.Amount, w.Amount)
	})
	kit.Eq(d, p+".tax.inclusive", g.Tax.Inclusive, w.Tax.Inclusive)
	kit.Eq(d, p+".tax.scope", g.Tax.Scope, w.Tax.Scope)
	kit.Eq(d, p+".tax.rounding.mode", g.Tax.Rounding.Mode, w.Tax.Rounding.Mode)
	kit.Eq(d, p+".tax.rounding.places", g.Tax.Rounding.Places, w.Tax.Rounding.Places)
	d.Amount(p+".tax.rounding.increment", g.Tax.Rounding.Increment, w.Tax.Rounding.Increment)
	kit.Each(d, p+".tax.rates", g.Tax.Rates, w.Tax.Rates, func(d *kit.Differ, p string, g, w billing.TaxRate) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".name", g.Name, w.Name)
		d.Amount(p+".rate", g.Rate, w.Rate)
		kit.List(d, p+".kinds", g.Kinds, w.Kinds)
		kit.List(d, p+".pay_types", g.PayTypes, w.PayTypes)
	})
	kit.Eq(d, p+".tax.discount_before_tax", g.Tax.DiscountBeforeTax, w.Tax.DiscountBeforeTax)
	d.Amount(p+".overrun.amount", g.Overrun.Amount, w.Overrun.Amount)
	d.Amount(p+".overrun.percent", g.Overrun.Percent, w.Overrun.Percent)
	kit.List(d, p+".manual_prices.roles", g.ManualPrices.Roles, w.ManualPrices.Roles)
}

func diffSettlement(got, want billing.Settlement) error {
	d := kit.NewDiffer("settlement %s/%s", want.DealerID, want.Key)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "key", got.Key, want.Key)
	kit.Eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	kit.Eq(d, "advisor", got.Advisor, want.Advisor)
	kit.Eq(d, "confirmation", got.Confirmation, want.Confirmation)
	kit.Each(d, "payments", got.Payments, want.Payments, diffPayment)
	d.Amount("due", got.Due, want.Due)
	d.Amount("paid", got.Paid, want.Paid)
	d.Amount("change", got.Change, want.Change)
	kit.List(d, "documents", got.Documents, want.Documents)
	kit.Eq(d, "differences", got.Differences, want.Differences)
	switch {
	case (got.Override == nil) != (want.Override == nil):
		d.Add("override", "got %v, want %v", got.Override, want.Override)
	case want.Override != nil:
		kit.Eq(d, "override", *got.Override, *want.Override)
	}
	kit.Eq(d, "corrected", got.Corrected, want.Corrected)
	kit.Eq(d, "corrects", got.Corrects, want.Corrects)
	d.Instant("settled_at", got.SettledAt, want.SettledAt)
	kit.Eq(d, "settled_by", got.SettledBy, want.SettledBy)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffDocument(got, want billing.Document) error {
	d := kit.NewDiffer("document %s/%s", want.DealerID, want.ID)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "id", got.ID, want.ID)
	kit.Eq(d, "series", got.Series, want.Series)
	kit.Eq(d, "number", got.Number, want.Number)
	kit.Eq(d, "kind", got.Kind, want.Kind)
	kit.Eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	kit.Eq(d, "settlement", got.Settlement, want.Settlement)
	kit.Eq(d, "pay_type", got.PayType, want.PayType)
	kit.Eq(d, "payer", got.Payer, want.Payer)
	kit.Eq(d, "currency", got.Currency, want.Currency)
	kit.Eq(d, "scale", got.Scale, want.Scale)
	kit.Eq(d, "price_book_version", got.PriceBookVersion, want.PriceBookVersion)
	kit.Eq(d, "inclusive", got.Inclusive, want.Inclusive)
	diffBill(d, "bill", got.Bill, want.Bill)
	kit.Each(d, "payments", got.Payments, want.Payments, diffPayment)
	d.Amount("total", got.Total, want.Total)
	kit.Eq(d, "references", got.References, want.References)
	kit.Eq(d, "reason", got.Reason, want.Reason)
	kit.Each(d, "notes", got.Notes, want.Notes, diffExplain)
	d.Instant("issued_at", got.IssuedAt, want.IssuedAt)
	kit.Eq(d, "issued_by", got.IssuedBy, want.IssuedBy)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffBill(d *kit.Differ, p string, g, w billing.PayerBill) {
	kit.Eq(d, p+".pay_type", g.PayType, w.PayType)
	kit.Each(d, p+".lines", g.Lines, w.Lines, func(d *kit.Differ, p string, g, w billing.Line) {
		kit.Eq(d, p+".id", g.ID, w.ID)
		kit.Eq(d, p+".job", g.Job, w.Job)
		kit.Eq(d, p+".pay_type", g.PayType, w.PayType)
		kit.Eq(d, p+".kind", g.Kind, w.Kind)
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".description", g.Description, w.Description)
		d.Amount(p+".quantity", g.Quantity, w.Quantity)
		kit.Eq(d, p+".unit", g.Unit, w.Unit)
		d.Amount(p+".unit_price", g.UnitPrice, w.UnitPrice)
		d.Amount(p+".amount", g.Amount, w.Amount)
		d.Amount(p+".discount", g.Discount, w.Discount)
		d.Amount(p+".net", g.Net, w.Net)
		kit.Eq(d, p+".tax_code", g.TaxCode, w.TaxCode)
		d.Amount(p+".tax_rate", g.TaxRate, w.TaxRate)
		d.Amount(p+".tax", g.Tax, w.Tax)
		kit.Eq(d, p+".labor_type", g.LaborType, w.LaborType)
		d.Amount(p+".book_hours", g.BookHours, w.BookHours)
		d.Amount(p+".clocked_hours", g.ClockedHours, w.ClockedHours)
		d.Amount(p+".cost", g.Cost, w.Cost)
		diffExplain(d, p+".explain", g.Explain, w.Explain)
	})
	kit.Each(d, p+".taxes", g.Taxes, w.Taxes, func(d *kit.Differ, p string, g, w billing.TaxLine) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".name", g.Name, w.Name)
		d.Amount(p+".rate", g.Rate, w.Rate)
		d.Amount(p+".base", g.Base, w.Base)
		d.Amount(p+".tax", g.Tax, w.Tax)
		diffExplain(d, p+".explain", g.Explain, w.Explain)
	})
	d.Amount(p+".subtotal", g.Subtotal, w.Subtotal)
	d.Amount(p+".discount", g.Discount, w.Discount)
	d.Amount(p+".tax", g.Tax, w.Tax)
	d.Amount(p+".total", g.Total, w.Total)
	diffExplain(d, p+".explain", g.Explain, w.Explain)
}

func diffSeries(got, want billing.Series) error {
	d := kit.NewDiffer("series %s/%s", want.DealerID, want.Name)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "name", got.Name, want.Name)
	kit.Eq(d, "next", got.Next, want.Next)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}
