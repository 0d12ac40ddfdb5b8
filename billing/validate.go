package billing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/internal/config"
	"github.com/servicelane/servicelane/internal/validate"
	"github.com/servicelane/servicelane/org"
)

// maxPlaces is the most decimal places of money and of tax rounding.
const maxPlaces = 4

// Validate reports every problem of the book at once: nil, or a
// *org.ValidationError (Op "billing: price book") that names each bad field
// by its JSON path ("labor.rates[2].rate", "tax.rates[0].kinds[1]",
// "fees[3].max") with a code of org (CodeRequired, CodeFormat, CodeUnknown,
// CodeRange, CodeInvalid, CodeDuplicate, CodeTooLong, CodeControl,
// CodePlaces). [Price] assumes a valid book; [LoadPriceBook] validates on
// load.
//
// Lists and keys are bounded: at most MaxPriceBookOperations labor
// operations and MaxPriceBookEntries of each other list (a list beyond
// its bound is one problem, code CodeTooLong, and its items are not
// checked), and a version and codes of at most MaxPriceBookKeyLength
// characters.
//
// Every text and every number of the book is also held to the one input
// policy (docs/CONVENTIONS.md, "The one input policy"), as every input of
// a service is: each text (the version, codes, descriptions, tax names,
// labor types, roles) valid UTF-8 (CodeFormat), one line with no NUL or
// other control character (CodeControl), at most 8,000 characters
// (CodeTooLong); each decimal (rates, hours, costs, multipliers, margins,
// percents, tax rates, amounts) at most 20 digits before the point
// (CodeRange) and 4 places after it, trailing zeros aside (CodePlaces).
// Four places bound every decimal of the book, fractions included: a tax
// rate is copied into every bill line it taxes, and a bill is held to
// four places when it is settled. Where a field breaks the input policy
// and a rule of the book's own, the input policy's problem is the one
// reported (one problem per field), but a blank version stays
// CodeRequired and a version or code over MaxPriceBookKeyLength stays
// CodeTooLong for that bound.
//
// Money is checked in plain Go with decimal comparisons: validator tags
// panic on decimal.Decimal.
func (b *PriceBook) Validate() error {
	ve := &org.ValidationError{Op: "billing: price book"}
	if b == nil {
		ve.Add("", org.CodeRequired, "no price book")
		return ve
	}
	b.checkHeader(ve)
	b.Labor.check(ve)
	b.Parts.check(ve)
	nonNegative(ve, "sublet.markup", b.Sublet.Markup)
	checkFees(b.Fees, ve)
	checkCoupons(b.Coupons, ve)
	b.Tax.check(ve)
	nonNegative(ve, "overrun.amount", b.Overrun.Amount)
	nonNegative(ve, "overrun.percent", b.Overrun.Percent)
	b.ManualPrices.check(ve)
	addInputPolicy(ve, v.Struct(b, ""))
	return ve.Err()
}

// check: the roles that may price by hand, each once.
func (m ManualPricePolicy) check(ve *org.ValidationError) {
	if tooMany(ve, "manual_prices.roles", len(m.Roles)) {
		return
	}
	for i, r := range m.Roles {
		p := fmt.Sprintf("manual_prices.roles[%d]", i)
		switch {
		case strings.TrimSpace(string(r)) == "":
			ve.Add(p, org.CodeRequired, "is required")
		case slices.Contains(m.Roles[:i], r):
			ve.Add(p, org.CodeDuplicate, "listed twice")
		}
	}
}

// addInputPolicy adds to ve the problems the one input policy found
// (validate.Validator.Struct: the text, decimals and instants of a value,
// however deep), one problem per field, as validate.Merge says.
func addInputPolicy(ve *org.ValidationError, problems []validate.Problem) {
	if len(problems) == 0 {
		return
	}
	own := make([]validate.Problem, len(ve.Fields))
	for i, f := range ve.Fields {
		own[i] = validate.Problem(f)
	}
	ve.Fields = ve.Fields[:0]
	for _, p := range validate.Merge(own, problems) {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
}

// checkHeader: the version a bill records, the currency and how money is
// rounded.
func (b *PriceBook) checkHeader(ve *org.ValidationError) {
	if strings.TrimSpace(b.Version) == "" {
		ve.Add("version", org.CodeRequired, "is required: every bill records the version that priced it")
	} else {
		config.TooLong(ve, "version", b.Version, MaxPriceBookKeyLength, "billing.MaxPriceBookKeyLength")
	}
	switch {
	case b.Currency == "":
		ve.Add("currency", org.CodeRequired, "is required")
	case !isCurrencyCode(b.Currency):
		ve.Add("currency", org.CodeFormat, "must be an ISO 4217 code: three upper-case letters such as USD or TWD")
	}
	if b.Scale < 0 || b.Scale > maxPlaces {
		ve.Add("scale", org.CodeRange, fmt.Sprintf("must be between 0 and %d decimal places", maxPlaces))
	}
	switch {
	case b.Rounding == "":
		ve.Add("rounding", org.CodeRequired, "is required")
	case !validMode(b.Rounding):
		ve.Add("rounding", org.CodeUnknown, "must be one of half_up, half_even, down, up")
	case b.Rounding == Cash:
		// Money rounding is a mode and the scale, with no increment to
		// round to; cash rounding belongs to tax.rounding.
		ve.Add("rounding", org.CodeInvalid, "cash rounding needs an increment, which money rounding has not; use half_up, half_even, down or up")
	}
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range len(s) {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// check: rates, operations and the billing unit of hours.
func (l LaborPolicy) check(ve *org.ValidationError) {
	if len(l.Rates) == 0 {
		ve.Add("labor.rates", org.CodeRequired, "at least one labor rate is required")
	}
	seen := map[[2]string]int{}
	rates := l.Rates
	if tooMany(ve, "labor.rates", len(rates)) {
		rates = nil
	}
	for i, r := range rates {
		at := fmt.Sprintf("labor.rates[%d]", i)
		if r.PayType != "" && !r.PayType.valid() {
			ve.Add(at+".pay_type", org.CodeUnknown, payTypesMessage)
		}
		nonNegative(ve, at+".rate", r.Rate)
		key := [2]string{string(r.PayType), r.LaborType}
		if first, dup := seen[key]; dup {
			ve.Add(at, org.CodeDuplicate, fmt.Sprintf("same pay_type and labor_type as labor.rates[%d]", first))
		} else {
			seen[key] = i
		}
	}
	codes := map[string]int{}
	ops := l.Operations
	if config.TooMany(ve, "labor.operations", len(ops), MaxPriceBookOperations, "billing.MaxPriceBookOperations") {
		ops = nil
	}
	for i, op := range ops {
		at := fmt.Sprintf("labor.operations[%d]", i)
		checkCode(ve, at+".code", op.Code, "labor.operations", codes, i)
		nonNegative(ve, at+".hours", op.Hours)
	}
	if l.Increment.IsNegative() || l.Increment.GreaterThan(one) {
		ve.Add("labor.increment", org.CodeRange, "must be between 0 and 1 hour (0: no rounding of hours)")
	}
	nonNegative(ve, "labor.minimum", l.Minimum)
}

// check: each band prices a cost range by exactly one of a multiplier and
// a margin, and no cost falls in two bands.
func (p PartsPolicy) check(ve *org.ValidationError) {
	if tooMany(ve, "parts.matrix", len(p.Matrix)) {
		return
	}
	var sane []int // bands with a possible range, for the overlap check
	for i, b := range p.Matrix {
		at := fmt.Sprintf("parts.matrix[%d]", i)
		ok := true
		if b.From.IsNegative() {
			ve.Add(at+".from", org.CodeRange, "must not be negative")
			ok = false
		}
		if !b.To.IsZero() && b.To.Cmp(b.From) <= 0 {
			ve.Add(at+".to", org.CodeRange, fmt.Sprintf("must be above from (%s), or left out for no upper bound", b.From))
			ok = false
		}
		switch hasMul, hasMargin := !b.Multiplier.IsZero(), !b.Margin.IsZero(); {
		case hasMul == hasMargin:
			ve.Add(at, org.CodeInvalid, "set exactly one of multiplier and margin")
		case hasMul && !b.Multiplier.IsPositive():
			ve.Add(at+".multiplier", org.CodeRange, "must be above zero")
		case hasMargin && (!b.Margin.IsPositive() || b.Margin.Cmp(one) >= 0):
			// A margin of 1 would divide by zero: cost / (1 - margin).
			ve.Add(at+".margin", org.CodeRange, "must be above 0 and below 1 (0.30 = 30%)")
		}
		if ok {
			sane = append(sane, i)
		}
	}
	checkOverlaps(p.Matrix, sane, ve)
}

// checkOverlaps sorts the bands by from and reports each band that starts
// before the furthest end so far: the first match would always win, so the
// band is impossible or overlapping.
func checkOverlaps(bands []MarkupBand, idx []int, ve *org.ValidationError) {
	slices.SortStableFunc(idx, func(a, b int) int { return bands[a].From.Cmp(bands[b].From) })
	reach := -1 // the band reaching furthest so far
	for _, i := range idx {
		b := bands[i]
		if reach >= 0 {
			r := bands[reach]
			if r.To.IsZero() || r.To.GreaterThan(b.From) {
				ve.Add(fmt.Sprintf("parts.matrix[%d]", i), org.CodeInvalid, fmt.Sprintf(
					"impossible or overlapping: band %s overlaps parts.matrix[%d] %s", bandRange(b), reach, bandRange(r)))
			}
		}
		if reach < 0 || !bands[reach].To.IsZero() && (b.To.IsZero() || b.To.GreaterThan(bands[reach].To)) {
			reach = i
		}
	}
}

func bandRange(b MarkupBand) string {
	if b.To.IsZero() {
		return fmt.Sprintf("[%s, no limit)", b.From)
	}
	return fmt.Sprintf("[%s, %s)", b.From, b.To)
}

// checkFees: a fee is exactly one of a percent of a base and a price per
// unit.
func checkFees(fees []FeeRule, ve *org.ValidationError) {
	if tooMany(ve, "fees", len(fees)) {
		return
	}
	codes := map[string]int{}
	for i, f := range fees {
		at := fmt.Sprintf("fees[%d]", i)
		checkCode(ve, at+".code", f.Code, "fees", codes, i)
		switch hasPct, hasUnit := !f.Percent.IsZero(), !f.UnitPrice.IsZero(); {
		case hasPct == hasUnit:
			ve.Add(at, org.CodeInvalid, "set exactly one of percent and unit_price")
		case hasPct:
			if !f.Percent.IsPositive() || f.Percent.GreaterThan(one) {
				ve.Add(at+".percent", org.CodeRange, "must be above 0 and at most 1 (0.05 = 5%)")
			}
			if f.Base == "" {
				ve.Add(at+".base", org.CodeRequired, "a percent fee needs a base: labor, parts or labor_and_parts")
			}
		case !f.UnitPrice.IsPositive():
			ve.Add(at+".unit_price", org.CodeRange, "must be above zero")
		case f.Unit == "":
			ve.Add(at+".unit", org.CodeRequired, "a per-unit fee names its unit (litre, tire)")
		}
		if f.Base != "" && !f.Base.valid() {
			ve.Add(at+".base", org.CodeUnknown, "must be one of labor, parts, labor_and_parts")
		}
		nonNegative(ve, at+".min", f.Min)
		nonNegative(ve, at+".max", f.Max)
		if f.Max.IsPositive() && f.Min.GreaterThan(f.Max) {
			ve.Add(at+".max", org.CodeRange, fmt.Sprintf("must be at least min (%s), or left out for no cap", f.Min))
		}
		// A pay type listed twice would charge the fee twice.
		checkValues(ve, at+".pay_types", f.PayTypes, PayType.valid, payTypesMessage)
	}
}

// checkCoupons: a coupon is exactly one of a percent and an amount off.
func checkCoupons(coupons []Coupon, ve *org.ValidationError) {
	if tooMany(ve, "coupons", len(coupons)) {
		return
	}
	codes := map[string]int{}
	for i, c := range coupons {
		at := fmt.Sprintf("coupons[%d]", i)
		checkCode(ve, at+".code", c.Code, "coupons", codes, i)
		switch hasPct, hasAmount := !c.Percent.IsZero(), !c.Amount.IsZero(); {
		case hasPct == hasAmount:
			ve.Add(at, org.CodeInvalid, "set exactly one of percent and amount")
		case hasPct && (!c.Percent.IsPositive() || c.Percent.GreaterThan(one)):
			ve.Add(at+".percent", org.CodeRange, "must be above 0 and at most 1 (0.10 = 10%)")
		case hasAmount && !c.Amount.IsPositive():
			ve.Add(at+".amount", org.CodeRange, "must be above zero")
		}
	}
}

// check: the scope, the rounding and the rates.
func (t TaxPolicy) check(ve *org.ValidationError) {
	switch {
	case t.Scope == "":
		ve.Add("tax.scope", org.CodeRequired, "is required: unit, line, group or document")
	case !t.Scope.valid():
		ve.Add("tax.scope", org.CodeUnknown, "must be one of unit, line, group, document")
	}
	checkTaxRounding(t.Rounding, ve)
	rates := t.Rates
	if tooMany(ve, "tax.rates", len(rates)) {
		rates = nil
	}
	codes := map[string]int{}
	for i, r := range rates {
		at := fmt.Sprintf("tax.rates[%d]", i)
		// Tax lines are grouped by code: two rates with one code would
		// be added up as one.
		checkCode(ve, at+".code", r.Code, "tax.rates", codes, i)
		if r.Rate.IsNegative() || r.Rate.Cmp(one) >= 0 {
			ve.Add(at+".rate", org.CodeRange, "must be at least 0 and below 1 (0.05 = 5%)")
		}
		checkValues(ve, at+".kinds", r.Kinds, Kind.valid, "must be one of labor, part, core, sublet, fee, deductible")
		checkValues(ve, at+".pay_types", r.PayTypes, PayType.valid, payTypesMessage)
	}
}

func checkTaxRounding(r Rounding, ve *org.ValidationError) {
	switch {
	case r.Mode == "":
		ve.Add("tax.rounding.mode", org.CodeRequired, "is required")
	case !validMode(r.Mode):
		ve.Add("tax.rounding.mode", org.CodeUnknown, "must be one of half_up, half_even, down, up, cash")
	}
	if r.Places < 0 || r.Places > maxPlaces {
		ve.Add("tax.rounding.places", org.CodeRange, fmt.Sprintf("must be between 0 and %d", maxPlaces))
		return
	}
	if r.Mode != Cash {
		return
	}
	if !r.Increment.IsPositive() {
		ve.Add("tax.rounding.increment", org.CodeRange, "cash rounding needs an increment above zero (0.05, 1)")
		return
	}
	// Rounded tax is spread over lines in units of Places: an increment
	// finer than that would leave a remainder that no line gets.
	if !r.Increment.Truncate(r.Places).Equal(r.Increment) {
		ve.Add("tax.rounding.increment", org.CodeInvalid, fmt.Sprintf("has more decimal places than tax.rounding.places (%d)", r.Places))
	}
}

const payTypesMessage = "must be one of customer, warranty, internal, contract, insurance"

func (k Kind) valid() bool {
	return slices.Contains([]Kind{KindLabor, KindPart, KindCore, KindSublet, KindFee, KindDeductible}, k)
}

// checkCode reports a missing code, or one that an earlier entry of list
// has; codes maps each code to its first index.
func checkCode(ve *org.ValidationError, path, code, list string, codes map[string]int, i int) {
	if code == "" {
		ve.Add(path, org.CodeRequired, "is required")
		return
	}
	if config.TooLong(ve, path, code, MaxPriceBookKeyLength, "billing.MaxPriceBookKeyLength") {
		return
	}
	if first, dup := codes[code]; dup {
		ve.Add(path, org.CodeDuplicate, fmt.Sprintf("%q is already the code of %s[%d]", code, list, first))
		return
	}
	codes[code] = i
}

// checkValues reports each value of a list that is unknown or listed
// twice.
func checkValues[T comparable](ve *org.ValidationError, path string, vs []T, valid func(T) bool, unknown string) {
	seen := make(map[T]bool, len(vs))
	for i, v := range vs {
		at := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !valid(v):
			ve.Add(at, org.CodeUnknown, unknown)
		case seen[v]:
			ve.Add(at, org.CodeDuplicate, "is listed twice")
		}
		seen[v] = true
	}
}

// tooMany reports a list of the book other than its operations beyond
// MaxPriceBookEntries.
func tooMany(ve *org.ValidationError, path string, n int) bool {
	return config.TooMany(ve, path, n, MaxPriceBookEntries, "billing.MaxPriceBookEntries")
}
