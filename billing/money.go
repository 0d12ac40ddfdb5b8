package billing

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"

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

// allocate is [Allocate] with a fast path: when every number fits in 64
// bits (any price book's amounts do) it splits in integers, with the same
// largest-remainder method, the same ties and the same exponents as
// exact.Allocate, which it falls back to for anything else (a finer total,
// a negative weight, all weights zero, numbers too large).
// TestAllocateFastPathIdentical compares the two on random inputs.
func allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	if slowPaths {
		return exact.Allocate(total, weights, places)
	}
	if out, ok := allocate64(total, weights, places); ok {
		return out
	}
	return exact.Allocate(total, weights, places)
}

// slowPaths turns the fast paths of allocate, fixed, plain and percent
// off, for tests that compare bills priced both ways.
var slowPaths bool

// small is d's coefficient and exponent when the coefficient fits in an
// int64.
func small(d decimal.Decimal) (int64, int32, bool) {
	if d.NumDigits() > 18 {
		return 0, 0, false
	}
	return d.CoefficientInt64(), d.Exponent(), true
}

// pow10u is 10^k for k in [0, 19].
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// scaleUp is c * 10^k when it fits in 63 bits.
func scaleUp(c uint64, k int32) (uint64, bool) {
	if k < 0 || k > 19 {
		return 0, false
	}
	hi, lo := bits.Mul64(c, pow10u[k])
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return lo, true
}

func allocate64(total decimal.Decimal, weights []decimal.Decimal, places int32) ([]decimal.Decimal, bool) {
	n := len(weights)
	if n == 0 || n > 1<<20 {
		return nil, false
	}
	tc, te, ok := small(total)
	if !ok {
		return nil, false
	}
	neg := tc < 0
	if neg {
		tc = -tc
	}
	t, ok := scaleUp(uint64(tc), te+places)
	if !ok {
		return nil, false
	}
	var stack [64]uint64
	var w []uint64
	if n <= len(stack)/2 {
		w = stack[:n]
	} else {
		w = make([]uint64, n)
	}
	e := int32(math.MaxInt32)
	for i, d := range weights {
		c, de, ok := small(d)
		if !ok || c < 0 {
			return nil, false
		}
		w[i] = uint64(c)
		e = min(e, de)
	}
	var sum uint64
	for i, d := range weights {
		var ok bool
		if w[i], ok = scaleUp(w[i], d.Exponent()-e); !ok {
			return nil, false
		}
		if sum += w[i]; sum > math.MaxInt64 {
			return nil, false
		}
	}
	if sum == 0 {
		return nil, false
	}
	q := make([]int64, n)
	var rems []uint64
	if n <= len(stack)/2 {
		rems = stack[n : 2*n]
	} else {
		rems = make([]uint64, n)
	}
	order := make([]int, n)
	var given uint64
	for i := range w {
		// t*w <= t*sum < 2^64*sum, so the quotient fits in 64 bits.
		hi, lo := bits.Mul64(t, w[i])
		qi, ri := bits.Div64(hi, lo, sum)
		q[i], rems[i], order[i] = int64(qi), ri, i
		given += qi
	}
	// The remainders share one divisor and one positive scale, so they
	// compare as exact.Allocate's decimal remainders do.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	left := int64(t - given)
	for k := int64(0); k < left; k++ {
		q[order[int(k%int64(n))]]++
	}
	out := make([]decimal.Decimal, n)
	for i, qi := range q {
		if neg {
			qi = -qi
		}
		out[i] = decimal.New(qi, -places)
	}
	return out, true
}

// fixed is d.StringFixed(places), without big-number formatting when d's
// coefficient fits in 64 bits and d needs no rounding to places.
func fixed(d decimal.Decimal, places int32) string {
	c, e, ok := small(d)
	if slowPaths || !ok || places < 0 || places > 18 || e > 0 || e < -places {
		return d.StringFixed(places)
	}
	neg := c < 0
	if neg {
		c = -c
	}
	v, ok := scaleUp(uint64(c), e+places)
	if !ok {
		return d.StringFixed(places)
	}
	var buf [48]byte
	b := buf[:0]
	if neg {
		b = append(b, '-')
	}
	var digits [20]byte
	s := strconv.AppendUint(digits[:0], v, 10)
	k := int(places)
	switch {
	case k == 0:
		b = append(b, s...)
	case len(s) > k:
		b = append(b, s[:len(s)-k]...)
		b = append(b, '.')
		b = append(b, s[len(s)-k:]...)
	default:
		b = append(b, '0', '.')
		for range k - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
	}
	return string(b)
}

// plainOf is the String of the decimal c x 10^e, as decimal.Decimal.String
// writes it (trailing zeros trimmed, no exponent), when c and the
// package's settings allow a fast path.
func plainOf(c int64, e int32, suffix byte) (string, bool) {
	if slowPaths || !decimal.TrimTrailingZeros || decimal.UseScientificNotation || c == math.MinInt64 {
		return "", false
	}
	neg := c < 0
	if neg {
		c = -c
	}
	u := uint64(c)
	if e > 0 {
		var ok bool
		if u, ok = scaleUp(u, e); !ok {
			return "", false
		}
		e = 0
	}
	if e < -18 {
		return "", false
	}
	var buf [48]byte
	b := buf[:0]
	if neg {
		b = append(b, '-')
	}
	var digits [20]byte
	s := strconv.AppendUint(digits[:0], u, 10)
	k := int(-e)
	var intPart, frac []byte
	zeros := 0
	if len(s) > k {
		intPart, frac = s[:len(s)-k], s[len(s)-k:]
	} else {
		intPart, frac, zeros = []byte{'0'}, s, k-len(s)
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	b = append(b, intPart...)
	if len(frac) > 0 {
		b = append(b, '.')
		for range zeros {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	if suffix != 0 {
		b = append(b, suffix)
	}
	return string(b), true
}
