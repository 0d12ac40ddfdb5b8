package billing

import (
	"github.com/shopspring/decimal"
)

// Overrun is a final bill compared with the estimate the customer approved.
// A final bill above the estimate by more than the price book allows is
// added cost the customer has not agreed to: it goes back to the customer
// for re-approval (the servicedesk supplement flow) before settlement,
// never a silent overrun (R3.3b, R3.4c).
type Overrun struct {
	Approved decimal.Decimal `json:"approved"`
	Final    decimal.Decimal `json:"final"`
	// Excess is how far Final is above Approved; zero when it is not.
	Excess decimal.Decimal `json:"excess"`
	// Allowed is how far Final may be above Approved without
	// re-approval: the smaller of the policy's limits that are set, zero
	// when none is. It is exact (10% of 123.45 is 12.345), so a bill is
	// never let through by a rounding of its limit.
	Allowed         decimal.Decimal `json:"allowed"`
	NeedsReapproval bool            `json:"needs_reapproval"`
	// Explain is "overrun.within" or "overrun.exceeds", with the
	// arguments approved, final, excess and allowed.
	Explain Explanation `json:"explain"`
}

// CheckOverrun compares a final bill's total with the approved estimate's
// under policy. The final bill needs the customer's re-approval when its
// excess over the estimate is above a limit that is set: the Amount, or
// the Percent of the estimate. Exactly at a limit is allowed. With neither
// limit set any excess needs re-approval; a final bill at or below the
// estimate never does. A negative limit allows nothing, so a bad policy
// errs toward asking the customer.
func CheckOverrun(policy OverrunPolicy, approved, final decimal.Decimal) Overrun {
	o := Overrun{Approved: approved, Final: final, Excess: decimal.Zero, Allowed: overrunAllowed(policy, approved)}
	if final.GreaterThan(approved) {
		o.Excess = final.Sub(approved)
	}
	o.NeedsReapproval = o.Excess.GreaterThan(o.Allowed)
	key := "overrun.within"
	if o.NeedsReapproval {
		key = "overrun.exceeds"
	}
	// Written at the places the amounts came with ("1000.00"); the limit,
	// a percent of them, with as many more as it needs to be exact.
	places := max(0, -approved.Exponent(), -final.Exponent())
	o.Explain = Explanation{Key: key, Args: map[string]string{
		"approved": approved.StringFixed(places), "final": final.StringFixed(places),
		"excess": o.Excess.StringFixed(places), "allowed": o.Allowed.StringFixed(max(places, overrunPlaces(o.Allowed))),
	}}
	return o
}

// overrunAllowed is the smallest limit that is set, never below zero.
func overrunAllowed(p OverrunPolicy, approved decimal.Decimal) decimal.Decimal {
	var limits []decimal.Decimal
	if !p.Amount.IsZero() {
		limits = append(limits, decimal.Max(p.Amount, decimal.Zero))
	}
	if !p.Percent.IsZero() {
		limits = append(limits, decimal.Max(approved.Mul(p.Percent), decimal.Zero))
	}
	if len(limits) == 0 {
		return decimal.Zero // R3.3b: without a limit, any added cost is asked for
	}
	return decimal.Min(limits[0], limits[1:]...)
}

// overrunPlaces is the fewest decimal places that write d exactly (12.345
// needs 3, 100.000 needs 0).
func overrunPlaces(d decimal.Decimal) int32 {
	p := max(0, -d.Exponent())
	for p > 0 && d.Truncate(p-1).Equal(d) {
		p--
	}
	return p
}
