package billingtest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// differ collects the differences between a record read back and the one
// written, each named by its path ("bill.lines[0].explain.args"). Amounts
// compare with Equal (12.5 is 12.50), instants with Equal and must be in
// UTC, slices element by element and maps key by key, nil and empty alike.
type differ struct {
	what  string
	diffs []string
}

func (d *differ) add(path, format string, args ...any) {
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

func (d *differ) err() error {
	if len(d.diffs) == 0 {
		return nil
	}
	const most = 8
	list := d.diffs
	more := ""
	if len(list) > most {
		list, more = list[:most], fmt.Sprintf("; and %d more", len(d.diffs)-most)
	}
	return fmt.Errorf("%s reads back different: %s%s", d.what, strings.Join(list, "; "), more)
}

func eq[T comparable](d *differ, path string, got, want T) {
	if got != want {
		d.add(path, "got %#v, want %#v", got, want)
	}
}

func (d *differ) amount(path string, got, want decimal.Decimal) {
	if !got.Equal(want) {
		d.add(path, "got %s, want %s", got, want)
	}
}

func (d *differ) instant(path string, got, want time.Time) {
	if err := sameInstant(got, want); err != nil {
		d.add(path, "%v", err)
	}
}

func sameInstant(got, want time.Time) error {
	switch {
	case want.IsZero() && !got.IsZero():
		return fmt.Errorf("got %s, want the zero time", got.Format(time.RFC3339Nano))
	case want.IsZero():
		return nil
	case !got.Equal(want):
		return fmt.Errorf("got %s, want %s", got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	case got.Location() != time.UTC:
		return fmt.Errorf("got zone %s (%s), want UTC", got.Location(), got.Format(time.RFC3339Nano))
	}
	return nil
}

// each compares two slices element by element; nil and empty are alike.
func each[T any](d *differ, path string, got, want []T, diff func(d *differ, path string, got, want T)) {
	if len(got) != len(want) {
		d.add(path, "got %d elements, want %d", len(got), len(want))
		return
	}
	for i := range want {
		diff(d, fmt.Sprintf("%s[%d]", path, i), got[i], want[i])
	}
}

// list compares slices of plain values; nil and empty are alike.
func list[T comparable](d *differ, path string, got, want []T) {
	if !slices.Equal(got, want) {
		d.add(path, "got %v, want %v", got, want)
	}
}

// args compares explanation arguments; nil and empty are alike.
func args(d *differ, path string, got, want map[string]string) {
	if !maps.Equal(got, want) {
		d.add(path, "got %v, want %v", got, want)
	}
}

func diffExplain(d *differ, p string, g, w billing.Explanation) {
	eq(d, p+".key", g.Key, w.Key)
	args(d, p+".args", g.Args, w.Args)
}

func diffPayment(d *differ, p string, g, w billing.Payment) {
	eq(d, p+".method", g.Method, w.Method)
	d.amount(p+".amount", g.Amount, w.Amount)
	eq(d, p+".reference", g.Reference, w.Reference)
}

func diffStoredPriceBook(got, want billing.StoredPriceBook) error {
	d := &differ{what: fmt.Sprintf("price book %s/%s", want.DealerID, want.Book.Version)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	diffPriceBook(d, "book", got.Book, want.Book)
	eq(d, "active", got.Active, want.Active)
	d.instant("saved_at", got.SavedAt, want.SavedAt)
	eq(d, "saved_by", got.SavedBy, want.SavedBy)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffPriceBook(d *differ, p string, g, w billing.PriceBook) {
	eq(d, p+".version", g.Version, w.Version)
	eq(d, p+".currency", g.Currency, w.Currency)
	eq(d, p+".scale", g.Scale, w.Scale)
	eq(d, p+".rounding", g.Rounding, w.Rounding)
	each(d, p+".labor.rates", g.Labor.Rates, w.Labor.Rates, func(d *differ, p string, g, w billing.LaborRate) {
		eq(d, p+".pay_type", g.PayType, w.PayType)
		eq(d, p+".labor_type", g.LaborType, w.LaborType)
		d.amount(p+".rate", g.Rate, w.Rate)
	})
	each(d, p+".labor.operations", g.Labor.Operations, w.Labor.Operations, func(d *differ, p string, g, w billing.Operation) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".description", g.Description, w.Description)
		d.amount(p+".hours", g.Hours, w.Hours)
		eq(d, p+".labor_type", g.LaborType, w.LaborType)
	})
	d.amount(p+".labor.increment", g.Labor.Increment, w.Labor.Increment)
	d.amount(p+".labor.minimum", g.Labor.Minimum, w.Labor.Minimum)
	each(d, p+".parts.matrix", g.Parts.Matrix, w.Parts.Matrix, func(d *differ, p string, g, w billing.MarkupBand) {
		d.amount(p+".from", g.From, w.From)
		d.amount(p+".to", g.To, w.To)
		d.amount(p+".multiplier", g.Multiplier, w.Multiplier)
		d.amount(p+".margin", g.Margin, w.Margin)
	})
	d.amount(p+".sublet.markup", g.Sublet.Markup, w.Sublet.Markup)
	each(d, p+".fees", g.Fees, w.Fees, func(d *differ, p string, g, w billing.FeeRule) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".description", g.Description, w.Description)
		d.amount(p+".percent", g.Percent, w.Percent)
		eq(d, p+".base", g.Base, w.Base)
		d.amount(p+".min", g.Min, w.Min)
		d.amount(p+".max", g.Max, w.Max)
		d.amount(p+".unit_price", g.UnitPrice, w.UnitPrice)
		eq(d, p+".unit", g.Unit, w.Unit)
		list(d, p+".pay_types", g.PayTypes, w.PayTypes)
		eq(d, p+".taxable", g.Taxable, w.Taxable)
	})
	each(d, p+".coupons", g.Coupons, w.Coupons, func(d *differ, p string, g, w billing.Coupon) {
		eq(d, p+".code", g.Code, w.Code)
		d.amount(p+".percent", g.Percent, w.Percent)
		d.amount(p+".amount", g.Amount, w.Amount)
	})
	eq(d, p+".tax.inclusive", g.Tax.Inclusive, w.Tax.Inclusive)
	eq(d, p+".tax.scope", g.Tax.Scope, w.Tax.Scope)
	eq(d, p+".tax.rounding.mode", g.Tax.Rounding.Mode, w.Tax.Rounding.Mode)
	eq(d, p+".tax.rounding.places", g.Tax.Rounding.Places, w.Tax.Rounding.Places)
	d.amount(p+".tax.rounding.increment", g.Tax.Rounding.Increment, w.Tax.Rounding.Increment)
	each(d, p+".tax.rates", g.Tax.Rates, w.Tax.Rates, func(d *differ, p string, g, w billing.TaxRate) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".name", g.Name, w.Name)
		d.amount(p+".rate", g.Rate, w.Rate)
		list(d, p+".kinds", g.Kinds, w.Kinds)
		list(d, p+".pay_types", g.PayTypes, w.PayTypes)
	})
	eq(d, p+".tax.discount_before_tax", g.Tax.DiscountBeforeTax, w.Tax.DiscountBeforeTax)
	d.amount(p+".overrun.amount", g.Overrun.Amount, w.Overrun.Amount)
	d.amount(p+".overrun.percent", g.Overrun.Percent, w.Overrun.Percent)
}

func diffSettlement(got, want billing.Settlement) error {
	d := &differ{what: fmt.Sprintf("settlement %s/%s", want.DealerID, want.Key)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "key", got.Key, want.Key)
	eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	eq(d, "advisor", got.Advisor, want.Advisor)
	eq(d, "confirmation", got.Confirmation, want.Confirmation)
	each(d, "payments", got.Payments, want.Payments, diffPayment)
	d.amount("due", got.Due, want.Due)
	d.amount("paid", got.Paid, want.Paid)
	d.amount("change", got.Change, want.Change)
	list(d, "documents", got.Documents, want.Documents)
	eq(d, "differences", got.Differences, want.Differences)
	switch {
	case (got.Override == nil) != (want.Override == nil):
		d.add("override", "got %v, want %v", got.Override, want.Override)
	case want.Override != nil:
		eq(d, "override", *got.Override, *want.Override)
	}
	eq(d, "corrected", got.Corrected, want.Corrected)
	eq(d, "corrects", got.Corrects, want.Corrects)
	d.instant("settled_at", got.SettledAt, want.SettledAt)
	eq(d, "settled_by", got.SettledBy, want.SettledBy)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffDocument(got, want billing.Document) error {
	d := &differ{what: fmt.Sprintf("document %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	eq(d, "series", got.Series, want.Series)
	eq(d, "number", got.Number, want.Number)
	eq(d, "kind", got.Kind, want.Kind)
	eq(d, "work_order", got.WorkOrder, want.WorkOrder)
	eq(d, "settlement", got.Settlement, want.Settlement)
	eq(d, "pay_type", got.PayType, want.PayType)
	eq(d, "payer", got.Payer, want.Payer)
	eq(d, "currency", got.Currency, want.Currency)
	eq(d, "scale", got.Scale, want.Scale)
	eq(d, "price_book_version", got.PriceBookVersion, want.PriceBookVersion)
	eq(d, "inclusive", got.Inclusive, want.Inclusive)
	diffBill(d, "bill", got.Bill, want.Bill)
	each(d, "payments", got.Payments, want.Payments, diffPayment)
	d.amount("total", got.Total, want.Total)
	eq(d, "references", got.References, want.References)
	eq(d, "reason", got.Reason, want.Reason)
	each(d, "notes", got.Notes, want.Notes, diffExplain)
	d.instant("issued_at", got.IssuedAt, want.IssuedAt)
	eq(d, "issued_by", got.IssuedBy, want.IssuedBy)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffBill(d *differ, p string, g, w billing.PayerBill) {
	eq(d, p+".pay_type", g.PayType, w.PayType)
	each(d, p+".lines", g.Lines, w.Lines, func(d *differ, p string, g, w billing.Line) {
		eq(d, p+".id", g.ID, w.ID)
		eq(d, p+".job", g.Job, w.Job)
		eq(d, p+".pay_type", g.PayType, w.PayType)
		eq(d, p+".kind", g.Kind, w.Kind)
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".description", g.Description, w.Description)
		d.amount(p+".quantity", g.Quantity, w.Quantity)
		eq(d, p+".unit", g.Unit, w.Unit)
		d.amount(p+".unit_price", g.UnitPrice, w.UnitPrice)
		d.amount(p+".amount", g.Amount, w.Amount)
		d.amount(p+".discount", g.Discount, w.Discount)
		d.amount(p+".net", g.Net, w.Net)
		eq(d, p+".tax_code", g.TaxCode, w.TaxCode)
		d.amount(p+".tax_rate", g.TaxRate, w.TaxRate)
		d.amount(p+".tax", g.Tax, w.Tax)
		d.amount(p+".book_hours", g.BookHours, w.BookHours)
		d.amount(p+".clocked_hours", g.ClockedHours, w.ClockedHours)
		d.amount(p+".cost", g.Cost, w.Cost)
		diffExplain(d, p+".explain", g.Explain, w.Explain)
	})
	each(d, p+".taxes", g.Taxes, w.Taxes, func(d *differ, p string, g, w billing.TaxLine) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".name", g.Name, w.Name)
		d.amount(p+".rate", g.Rate, w.Rate)
		d.amount(p+".base", g.Base, w.Base)
		d.amount(p+".tax", g.Tax, w.Tax)
		diffExplain(d, p+".explain", g.Explain, w.Explain)
	})
	d.amount(p+".subtotal", g.Subtotal, w.Subtotal)
	d.amount(p+".discount", g.Discount, w.Discount)
	d.amount(p+".tax", g.Tax, w.Tax)
	d.amount(p+".total", g.Total, w.Total)
	diffExplain(d, p+".explain", g.Explain, w.Explain)
}

func diffSeries(got, want billing.Series) error {
	d := &differ{what: fmt.Sprintf("series %s/%s", want.DealerID, want.Name)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "name", got.Name, want.Name)
	eq(d, "next", got.Next, want.Next)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

// diffEvent compares everything but Seq, which the store assigns.
func diffEvent(got, want org.Event) error {
	d := &differ{what: fmt.Sprintf("event %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	d.instant("at", got.At, want.At)
	eq(d, "actor", got.Actor, want.Actor)
	eq(d, "type", got.Type, want.Type)
	eq(d, "subject", got.Subject, want.Subject)
	eq(d, "reason", got.Reason, want.Reason)
	if string(got.Data) != string(want.Data) {
		d.add("data", "got %s, want %s (byte for byte)", got.Data, want.Data)
	}
	return d.err()
}

// diffEvents compares two runs of events, Seq included.
func diffEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %d %s", what, len(got), eventIDs(got), len(want), eventIDs(want))
	}
	var errs []error
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, event %d: %w", what, i, err))
		} else if got[i].Seq != want[i].Seq {
			errs = append(errs, fmt.Errorf("%s, event %d (%s): Seq %d, want %d", what, i, want[i].ID, got[i].Seq, want[i].Seq))
		}
	}
	return errors.Join(errs...)
}

// sameEvents compares events without their Seq.
func sameEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %s", what, len(got), eventIDs(got), eventIDs(want))
	}
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			return fmt.Errorf("%s, event %d: %w", what, i, err)
		}
	}
	return nil
}

func eventIDs(evs []org.Event) string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = fmt.Sprintf("%s@%d", ev.ID, ev.Seq)
	}
	return "[" + strings.Join(ids, " ") + "]"
}
