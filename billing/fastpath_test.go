package billing

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/internal/exact"
)

// fastDecimal draws a decimal around the edges of the fast paths: small
// and 18- to 20-digit coefficients, either sign, exponents from -22 to 4.
func fastDecimal(t *rapid.T, label string, nonNegative bool) decimal.Decimal {
	var c *big.Int
	switch rapid.IntRange(0, 3).Draw(t, label+"_size") {
	case 0:
		c = big.NewInt(rapid.Int64Range(0, 1000).Draw(t, label+"_small"))
	case 1:
		c = big.NewInt(rapid.Int64Range(0, 1e12).Draw(t, label+"_mid"))
	case 2:
		c = big.NewInt(rapid.Int64Range(0, 1<<62).Draw(t, label+"_int64"))
	default:
		c = new(big.Int).Mul(big.NewInt(rapid.Int64Range(0, 1<<62).Draw(t, label+"_big")), big.NewInt(rapid.Int64Range(1, 1000).Draw(t, label+"_times")))
	}
	if !nonNegative && rapid.Bool().Draw(t, label+"_neg") {
		c.Neg(c)
	}
	return decimal.NewFromBigInt(c, rapid.Int32Range(-22, 4).Draw(t, label+"_exp"))
}

func sameDecimals(t *rapid.T, want, got []decimal.Decimal) {
	if len(want) != len(got) {
		t.Fatalf("%d parts, want %d", len(got), len(want))
	}
	for i := range want {
		if !want[i].Equal(got[i]) || want[i].Exponent() != got[i].Exponent() || want[i].String() != got[i].String() {
			t.Fatalf("part %d: %s (exp %d), want %s (exp %d)", i, got[i], got[i].Exponent(), want[i], want[i].Exponent())
		}
	}
}

// TestPropertyAllocateFastPathIdentical: allocate gives exact.Allocate's
// parts, value and exponent, on money-like and on extreme inputs.
func TestPropertyAllocateFastPathIdentical(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		places := rapid.Int32Range(0, 6).Draw(t, "places")
		var total decimal.Decimal
		if rapid.Bool().Draw(t, "money_total") {
			total = decimal.New(rapid.Int64Range(-1e9, 1e9).Draw(t, "units"), -places)
		} else {
			total = fastDecimal(t, "total", false)
		}
		weights := make([]decimal.Decimal, rapid.IntRange(1, 70).Draw(t, "n"))
		for i := range weights {
			switch rapid.IntRange(0, 4).Draw(t, "weight_kind") {
			case 0:
				weights[i] = decimal.Zero
			case 1, 2:
				weights[i] = decimal.New(rapid.Int64Range(0, 1e8).Draw(t, "money_weight"), -rapid.Int32Range(0, 4).Draw(t, "weight_places"))
			default:
				weights[i] = fastDecimal(t, "weight", true)
			}
		}
		sameDecimals(t, exact.Allocate(total, weights, places), allocate(total, weights, places))
	})
}

// TestPropertyFormatFastPathIdentical: fixed, plain and percent write what
// StringFixed, String and Mul(100).String()+"%" write.
func TestPropertyFormatFastPathIdentical(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := fastDecimal(t, "d", false)
		places := rapid.Int32Range(0, 20).Draw(t, "places")
		if got, want := fixed(d, places), d.StringFixed(places); got != want {
			t.Fatalf("fixed(%s, %d) = %q, want %q", d, places, got, want)
		}
		if got, want := plain(d), d.String(); got != want {
			t.Fatalf("plain(%s) = %q, want %q", d, got, want)
		}
		if got, want := percent(d), d.Mul(decimal.NewFromInt(100)).String()+"%"; got != want {
			t.Fatalf("percent(%s) = %q, want %q", d, got, want)
		}
	})
}
