package appraisal

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// The arithmetic of the scoring fast path: exact fractions of two int64s
// with every product and sum checked for overflow. Any step that would not
// fit reports false, and [Score] scores the employee with big.Rat instead,
// so a result never depends on which path gave it. Rounding to a
// decimal uses 128-bit intermediates and rounds half away from zero, as
// decimal.NewFromBigRat does.

// pow10 holds the powers of ten an int64 holds: 10^0 to 10^18.
var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// fix is d as m×10^e, when an int64 holds its coefficient (or the
// coefficient less its trailing zeros: 100 divided by 2 at 16 places is
// 10^18×10^-16).
func fix(d decimal.Decimal) (m int64, e int32, ok bool) {
	switch n := d.NumDigits(); {
	case n <= 18:
		return d.CoefficientInt64(), d.Exponent(), true
	case n > 40:
		return 0, 0, false
	}
	c, exp := d.Coefficient(), int64(d.Exponent())
	var r big.Int
	for !c.IsInt64() || c.Int64() == math.MinInt64 {
		if c.QuoRem(c, big.NewInt(10), &r); r.Sign() != 0 {
			return 0, 0, false
		}
		exp++
	}
	if exp > math.MaxInt32 {
		return 0, 0, false
	}
	return c.Int64(), int32(exp), true
}

// rescaleTo gives m×10^e as a coefficient of 10^to (to <= e).
func rescaleTo(m int64, e, to int32) (int64, bool) {
	if m == 0 {
		return 0, true
	}
	k := int64(e) - int64(to)
	if k < 0 || k >= int64(len(pow10)) {
		return 0, false
	}
	return mul64(m, pow10[k])
}

func uabs(a int64) uint64 {
	if a < 0 {
		return uint64(-a) // -MinInt64 wraps to itself: 2^63 as a uint64
	}
	return uint64(a)
}

// mul64 is a×b, false on overflow.
func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uabs(a), uabs(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// add64 is a+b, false on overflow.
func add64(a, b int64) (int64, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}

// sub64 is a-b, false on overflow.
func sub64(a, b int64) (int64, bool) {
	c := a - b
	if (b > 0 && c > a) || (b < 0 && c < a) {
		return 0, false
	}
	return c, true
}

// gcd is the greatest common divisor (binary), gcd(0, b) = b.
func gcd(a, b uint64) uint64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	shift := bits.TrailingZeros64(a | b)
	a >>= bits.TrailingZeros64(a)
	for b != 0 {
		b >>= bits.TrailingZeros64(b)
		if a > b {
			a, b = b, a
		}
		b -= a
	}
	return a << shift
}

// frac is the exact fraction n/d in lowest terms, d > 0 and n not
// math.MinInt64: the fast path's big.Rat.
type frac struct{ n, d int64 }

var fracZero = frac{0, 1}

// newFrac is n/d in lowest terms; false when d is 0 or a sign does not fit.
func newFrac(n, d int64) (frac, bool) {
	if d == 0 || n == math.MinInt64 || d == math.MinInt64 {
		return frac{}, false
	}
	if d < 0 {
		n, d = -n, -d
	}
	if g := int64(gcd(uabs(n), uint64(d))); g > 1 {
		n, d = n/g, d/g
	}
	return frac{n, d}, true
}

// fracOf is the decimal d as a fraction.
func fracOf(d decimal.Decimal) (frac, bool) {
	m, e, ok := fix(d)
	switch {
	case !ok:
		return frac{}, false
	case m == 0:
		return fracZero, true
	case e >= 0:
		n, ok := rescaleTo(m, e, 0)
		return frac{n, 1}, ok && n != math.MinInt64
	case int(-e) >= len(pow10):
		return frac{}, false
	}
	return newFrac(m, pow10[-e])
}

// add is a+b.
func (a frac) add(b frac) (frac, bool) {
	g := int64(gcd(uint64(a.d), uint64(b.d)))
	x, ok1 := mul64(a.n, b.d/g)
	y, ok2 := mul64(b.n, a.d/g)
	d, ok3 := mul64(a.d, b.d/g)
	n, ok4 := add64(x, y)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return frac{}, false
	}
	return newFrac(n, d)
}

// mulInt is a×w.
func (a frac) mulInt(w int64) (frac, bool) {
	n, ok := mul64(a.n, w)
	if !ok {
		return frac{}, false
	}
	return newFrac(n, a.d)
}

// divInt is a/w, w not 0.
func (a frac) divInt(w int64) (frac, bool) {
	d, ok := mul64(a.d, w)
	if !ok {
		return frac{}, false
	}
	return newFrac(a.n, d)
}

// round is decimal.NewFromBigRat(a, places): a rounded half away from
// zero to places, with the coefficient and exponent NewFromBigRat gives.
// It never fails: what int64s cannot hold goes through big.Rat.
func (a frac) round(places int32) decimal.Decimal {
	if places >= 0 && int(places) < len(pow10) {
		hi, lo := bits.Mul64(uabs(a.n), uint64(pow10[places]))
		d := uint64(a.d)
		if hi < d {
			q, r := bits.Div64(hi, lo, d)
			if r >= d-r { // 2r >= d: the dropped part is at least a half
				q++
			}
			// A fraction that rounds to 0 without being 0 is left to
			// NewFromBigRat: its 0 has an empty word slice where
			// decimal.New's has a nil one, which reflect.DeepEqual tells
			// apart.
			if q <= math.MaxInt64 && (q > 0 || a.n == 0) {
				v := int64(q)
				if a.n < 0 {
					v = -v
				}
				return decimal.New(v, -places)
			}
		}
	}
	return decimal.NewFromBigRat(new(big.Rat).SetFrac64(a.n, a.d), places)
}

// cmpDec is a.Cmp(b) without the allocation Cmp makes for two exponents.
func cmpDec(a, b decimal.Decimal) int {
	if a.Exponent() != b.Exponent() {
		am, ae, ok1 := fix(a)
		bm, be, ok2 := fix(b)
		if ok1 && ok2 {
			e := min(ae, be)
			x, ok1 := rescaleTo(am, ae, e)
			y, ok2 := rescaleTo(bm, be, e)
			if ok1 && ok2 {
				switch {
				case x < y:
					return -1
				case x > y:
					return 1
				}
				return 0
			}
		}
	}
	return a.Cmp(b)
}
