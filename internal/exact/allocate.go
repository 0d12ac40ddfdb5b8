// Package exact holds decimal arithmetic more than one package needs.
package exact

import (
	"slices"

	"github.com/shopspring/decimal"
)

// Allocate splits total over parts in proportion to weights, to places
// decimal places, so that the parts sum to total exactly, by largest
// remainder: each part gets its share rounded toward zero, and the units
// left over go one each to the largest remainders, ties to the earlier
// part. Weights must not be negative; all zero splits equally. total must
// be a whole number of units of places.
func Allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	n := len(weights)
	out := make([]decimal.Decimal, n)
	if n == 0 {
		return out
	}
	sum := decimal.Zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if sum.IsZero() {
		weights = slices.Repeat([]decimal.Decimal{decimal.NewFromInt(1)}, n)
		sum = decimal.NewFromInt(int64(n))
	}
	neg := total.IsNegative()
	abs := total.Abs()
	unit := decimal.New(1, -places)
	type rem struct {
		i int
		r decimal.Decimal
	}
	rems := make([]rem, n)
	given := decimal.Zero
	divisor := sum.Mul(unit)
	for i, w := range weights {
		// Exact: abs*w = divisor*q + r, q a whole number of units. The
		// remainders share one divisor, so they compare as fractions do.
		q, r := abs.Mul(w).QuoRem(divisor, 0)
		out[i] = q.Mul(unit)
		given = given.Add(out[i])
		rems[i] = rem{i, r}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return b.r.Cmp(a.r) })
	left := abs.Sub(given).Div(unit).IntPart()
	for k := int64(0); k < left; k++ {
		i := rems[int(k)%n].i
		out[i] = out[i].Add(unit)
	}
	if neg {
		for i := range out {
			out[i] = out[i].Neg()
		}
	}
	return out
}
