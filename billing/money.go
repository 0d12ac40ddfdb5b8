package billing

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/exact"
)

// RoundingMode is how an amount is cut to its places. Every mode is
// symmetric: a negative amount rounds to the negative of its absolute
// value's rounding, so a credit note mirrors its invoice to the cent.
type RoundingMode string

// Rounding modes.
const (
	HalfUp   RoundingMode = "half_up"   // 2.665 -> 2.67, -2.665 -> -2.67
	HalfEven RoundingMode = "half_even" // banker's: 2.665 -> 2.66, 2.675 -> 2.68
	Down     RoundingMode = "down"      // toward zero: 2.669 -> 2.66
	Up       RoundingMode = "up"        // away from zero: 2.661 -> 2.67
	Cash     RoundingMode = "cash"      // half up to a cash increment: 2.67 by 0.05 -> 2.65
)

// Rounding is one explicit rounding: a mode and a number of places, or for
// Cash an increment (0.05, 0.10, 1).
type Rounding struct {
	Mode      RoundingMode    `json:"mode" yaml:"mode"`
	Places    int32           `json:"places" yaml:"places"`
	Increment decimal.Decimal `json:"increment,omitzero" yaml:"increment,omitempty"`
}

// Round applies r to d.
func (r Rounding) Round(d decimal.Decimal) decimal.Decimal {
	switch r.Mode {
	case HalfEven:
		return d.RoundBank(r.Places)
	case Down:
		return d.Truncate(r.Places)
	case Up:
		return d.RoundUp(r.Places)
	case Cash:
		if !r.Increment.IsPositive() {
			return d.Round(r.Places)
		}
		return d.Div(r.Increment).Round(0).Mul(r.Increment)
	default: // HalfUp: shopspring rounds half away from zero, symmetric.
		return d.Round(r.Places)
	}
}

// unitPlaces is the places of the smallest amount r produces: Places, or
// for Cash the places of its increment (0.05: 2).
func (r Rounding) unitPlaces() int32 {
	if r.Mode == Cash && r.Increment.IsPositive() {
		return max(0, -r.Increment.Exponent())
	}
	return r.Places
}

// String writes "half_up to 2 places" or "cash to 0.05".
func (r Rounding) String() string {
	if r.Mode == Cash {
		return fmt.Sprintf("cash to %s", r.Increment)
	}
	return fmt.Sprintf("%s to %d places", r.Mode, r.Places)
}

func validMode(m RoundingMode) bool {
	return slices.Contains([]RoundingMode{HalfUp, HalfEven, Down, Up, Cash}, m)
}

// Allocate splits total over parts in proportion to weights, rounded to
// places, so that the parts sum to total exactly. It uses the largest
// remainder method: every part gets its proportional share rounded toward
// zero, and the units left over go one each to the parts with the largest
// remainders, ties to the earlier part. Weights must not be negative; with
// all weights zero the split is equal. total must be a whole number of
// units of places (what a rounding to places gives): a finer total loses
// its fraction.
func Allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	return exact.Allocate(total, weights, places)
}
