package appraisal

import (
	"math"
	"math/big"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/internal/exact"
)

// The pieces of the fixed-point path against what they stand for: big.Rat
// arithmetic, decimal.NewFromBigRat, exact.Allocate and Decimal.Cmp, on
// random figures up to the edges of int64.

// fxInt64 is an int64 of any size, edges of int64 likelier.
func fxInt64(t *rapid.T, label string) int64 {
	switch rapid.IntRange(0, 3).Draw(t, label+"_size") {
	case 0:
		return rapid.SampledFrom([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1,
			1e18, -1e18, math.MaxInt64 / 2, math.MaxInt64/2 + 1}).Draw(t, label)
	case 1:
		return rapid.Int64Range(-1000, 1000).Draw(t, label)
	case 2:
		return rapid.Int64Range(-1e12, 1e12).Draw(t, label)
	}
	return rapid.Int64().Draw(t, label)
}

func fxFrac(t *rapid.T, label string) (frac, *big.Rat) {
	for {
		n, d := fxInt64(t, label+"_n"), fxInt64(t, label+"_d")
		if f, ok := newFrac(n, d); ok {
			return f, big.NewRat(n, d)
		}
	}
}

func fxRatOf(f frac) *big.Rat { return big.NewRat(f.n, f.d) }

func TestFrac_arithmetic_is_big_rat_or_reports_overflow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, ar := fxFrac(t, "a")
		b, br := fxFrac(t, "b")
		require.Equal(t, ar.String(), fxRatOf(a).String(), "lowest terms")
		require.Equal(t, fxRatOf(a).Denom().Sign(), 1)
		if s, ok := a.add(b); ok {
			require.Equal(t, new(big.Rat).Add(ar, br).String(), fxRatOf(s).String())
		}
		w := fxInt64(t, "w")
		if m, ok := a.mulInt(w); ok {
			require.Equal(t, new(big.Rat).Mul(ar, big.NewRat(w, 1)).String(), fxRatOf(m).String())
		}
		if w != 0 {
			if q, ok := a.divInt(w); ok {
				require.Equal(t, new(big.Rat).Quo(ar, big.NewRat(w, 1)).String(), fxRatOf(q).String())
			}
		}
	})
}

func TestFrac_round_is_NewFromBigRat(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, ar := fxFrac(t, "a")
		places := rapid.Int32Range(-3, 20).Draw(t, "places")
		got, want := a.round(places), decimal.NewFromBigRat(ar, places)
		require.Equal(t, want.String(), got.String())
		require.Equal(t, want.Exponent(), got.Exponent())
		require.True(t, reflect.DeepEqual(want, got), "%#v is not %#v", got, want)
	})
	for _, c := range []struct{ n, d int64 }{{1, 2}, {-1, 2}, {5, 1000}, {-5, 1000}, {49999, 1000000}, {1, 3}, {0, 1}, {1, math.MaxInt64}} {
		for places := range int32(19) {
			got, want := frac{c.n, c.d}.round(places), decimal.NewFromBigRat(big.NewRat(c.n, c.d), places)
			require.True(t, reflect.DeepEqual(want, got), "%d/%d at %d: %#v is not %#v", c.n, c.d, places, got, want)
		}
	}
}

func fxDecimal(t *rapid.T, label string) decimal.Decimal {
	if rapid.IntRange(0, 9).Draw(t, label+"_big") == 0 { // beyond int64
		v, _ := new(big.Int).SetString(rapid.SampledFrom([]string{"9223372036854775807", "9223372036854775808",
			"-9223372036854775808", "100000000000000000000", "123456789012345678901234567890"}).Draw(t, label+"_digits"), 10)
		return decimal.NewFromBigInt(v, rapid.Int32Range(-30, 5).Draw(t, label+"_exp"))
	}
	return decimal.New(fxInt64(t, label), rapid.Int32Range(-22, 4).Draw(t, label+"_exp"))
}

func TestFix_and_cmpDec_keep_the_value(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := fxDecimal(t, "a"), fxDecimal(t, "b")
		if m, e, ok := fix(a); ok {
			require.True(t, decimal.New(m, e).Equal(a), "%s is not %d×10^%d", a, m, e)
		}
		if f, ok := fracOf(a); ok {
			require.Equal(t, a.Rat().String(), fxRatOf(f).String())
		}
		require.Equal(t, a.Cmp(b), cmpDec(a, b), "%s against %s", a, b)
		require.Equal(t, a.Cmp(a), cmpDec(a, a))
	})
}

func TestShare_is_exact_Allocate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		st := new(scratch)
		for range n {
			var w decimal.Decimal
			switch rapid.IntRange(0, 2).Draw(t, "kind") {
			case 0: // alike weights: ties
				w = decimal.NewFromInt(rapid.Int64Range(1, 3).Draw(t, "w"))
			case 1:
				w = decimal.New(rapid.Int64Range(1, 1_000_000).Draw(t, "w"), -rapid.Int32Range(0, 4).Draw(t, "places"))
			default:
				w = decimal.New(rapid.Int64Range(1, math.MaxInt64/16).Draw(t, "w"), -rapid.Int32Range(0, 8).Draw(t, "places"))
			}
			st.wdec = append(st.wdec, w)
		}
		want := exact.Allocate(decimal.NewFromInt(1), st.wdec, sharePlaces)
		sum, ok := st.share()
		if !ok {
			return // a weight sum beyond int64: Score takes the big.Rat path
		}
		total := decimal.Zero
		for i := range st.wdec {
			got := decimal.New(st.qs[i], -sharePlaces)
			require.True(t, reflect.DeepEqual(want[i], got), "share %d: %s, want %s", i, got, want[i])
			total = total.Add(decimal.New(st.ws[i], 0))
		}
		require.True(t, total.Equal(decimal.NewFromInt(sum)))
	})
}
