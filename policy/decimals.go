package policy

import (
	"math/big"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
)

// scaled is a decimal a month of others is compared with (a rank's
// min_score, an amount's bounds): Cmp rescales the one of the larger
// exponent, an allocation each time, so scaled keeps d rescaled to the
// exponent of the last decimal compared, which is the exponent of nearly
// every one (issue 16). Not safe for concurrent use: one evaluation's.
type scaled struct {
	d   decimal.Decimal
	at  decimal.Decimal // d at exponent exp, when ok
	exp int32
	ok  bool
}

// cmp is x.Cmp(s.d).
func (s *scaled) cmp(x decimal.Decimal) int {
	if e := x.Exponent(); !s.ok || s.exp != e {
		if e > s.d.Exponent() || s.d.Exponent()-e > 18 {
			return x.Cmp(s.d) // d would lose digits, or grow: as ever
		}
		s.at, s.exp, s.ok = rescaleDown(s.d, e), e, true
	}
	return x.Cmp(s.at)
}

// hundreds are 100 at the exponents 0 to -8: a score is compared with
// the one of its exponent (checkAppraisal).
var hundreds = func() (out [9]decimal.Decimal) {
	for i := range out {
		out[i] = rescaleDown(hundred, -int32(i))
	}
	return out
}()

// cmpHundred is x.Cmp(hundred).
func cmpHundred(x decimal.Decimal) int {
	if e := -x.Exponent(); e >= 0 && int(e) < len(hundreds) {
		return x.Cmp(hundreds[e])
	}
	return x.Cmp(hundred)
}

// rescaleDown is d at exponent exp, at most d's: the same value, its
// coefficient with zeros added.
func rescaleDown(d decimal.Decimal, exp int32) decimal.Decimal {
	c := d.Coefficient()
	c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Exponent()-exp)), nil))
	return decimal.NewFromBigInt(c, exp)
}

// The fast paths below give exactly what shopspring's methods give, for
// the decimals of a month (coefficients of at most 18 digits, at the
// policy's places), without the big.Int arithmetic and its allocations;
// any other decimal takes the method itself. Money stays decimal: the
// coefficients are integers and every step is exact.

// fixedText is d.StringFixed(places).
func fixedText(d decimal.Decimal, places int32) string {
	if d.Exponent() != -places || places < 0 || places > 18 || d.NumDigits() > 18 {
		return d.StringFixed(places)
	}
	// Round(places) is d itself; string(false, false) writes its
	// coefficient with the point places digits from the right.
	c := d.CoefficientInt64()
	if places == 0 {
		return strconv.FormatInt(c, 10)
	}
	var buf [24]byte
	b := buf[:0]
	if c < 0 {
		b, c = append(b, '-'), -c
	}
	var digits [20]byte
	str := strconv.AppendInt(digits[:0], c, 10)
	if n := len(str) - int(places); n > 0 {
		b = append(append(append(b, str[:n]...), '.'), str[n:]...)
	} else {
		b = append(b, "0."...)
		for range -n {
			b = append(b, '0')
		}
		b = append(b, str...)
	}
	return string(b)
}

// plainText is d.String() for a decimal of exponent 0, which every
// option of shopspring writes as its coefficient.
func plainText(d decimal.Decimal) string {
	if d.Exponent() != 0 || d.NumDigits() > 18 {
		return d.String()
	}
	return strconv.FormatInt(d.CoefficientInt64(), 10)
}

// percentOf is loss.Mul(percent).Shift(-2).Round(places), a
// compensation's amount, for a loss and percent not negative.
func percentOf(loss, percent decimal.Decimal, places int32) decimal.Decimal {
	slow := func() decimal.Decimal { return loss.Mul(percent).Shift(-2).Round(places) }
	if loss.NumDigits() > 18 || percent.NumDigits() > 18 || loss.Sign() <= 0 || percent.Sign() <= 0 || places < 0 || places > 18 {
		return slow()
	}
	hi, v := bits.Mul64(uint64(loss.CoefficientInt64()), uint64(percent.CoefficientInt64()))
	if hi != 0 || v >= 1<<63 {
		return slow()
	}
	exp := int64(loss.Exponent()) + int64(percent.Exponent()) - 2
	switch k := -int64(places) - exp; {
	case k == 0: // Round gives the product itself
	case k > 0 && k <= 19:
		// Round half away from zero: truncated to places+1 digits, plus
		// 5, truncated to places.
		v /= pow10u[k-1]
		v = (v + 5) / 10
	case k < 0 && k >= -18:
		// Places beyond the product's: zeros added.
		h, l := bits.Mul64(v, pow10u[-k])
		if h != 0 || l >= 1<<63 {
			return slow()
		}
		v = l
	default:
		return slow()
	}
	if v == 0 {
		return slow() // a zero's words, as Round leaves them
	}
	return decimal.New(int64(v), -places)
}

// pow10u are the powers of 10 that fit a uint64.
var pow10u = func() (out [20]uint64) {
	out[0] = 1
	for i := 1; i < len(out); i++ {
		out[i] = out[i-1] * 10
	}
	return out
}()
