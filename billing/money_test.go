package billing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
)

// TestRoundingModes: every mode on halves and non-halves, and the same
// value negated, which must round to the negated result (a credit note
// mirrors its invoice to the cent).
func TestRoundingModes(t *testing.T) {
	places := func(m billing.RoundingMode, p int32) billing.Rounding { return billing.Rounding{Mode: m, Places: p} }
	cash := func(inc string) billing.Rounding { return billing.Rounding{Mode: billing.Cash, Increment: d(inc)} }
	for _, c := range []struct {
		r        billing.Rounding
		in, want string
	}{
		{places(billing.HalfUp, 2), "2.665", "2.67"},
		{places(billing.HalfUp, 2), "2.675", "2.68"},
		{places(billing.HalfUp, 2), "2.6649", "2.66"},
		{places(billing.HalfUp, 2), "2.6651", "2.67"},
		{places(billing.HalfUp, 2), "2.6", "2.60"},
		{places(billing.HalfUp, 0), "2.5", "3"},
		{places(billing.HalfUp, 0), "366.5", "367"},
		{places(billing.HalfUp, 0), "0.5", "1"},

		{places(billing.HalfEven, 2), "2.665", "2.66"},
		{places(billing.HalfEven, 2), "2.675", "2.68"},
		{places(billing.HalfEven, 2), "2.6651", "2.67"}, // not a tie
		{places(billing.HalfEven, 2), "2.66500", "2.66"},
		{places(billing.HalfEven, 0), "2.5", "2"},
		{places(billing.HalfEven, 0), "3.5", "4"},
		{places(billing.HalfEven, 0), "0.5", "0"},
		{places(billing.HalfEven, 0), "366.5", "366"},
		{places(billing.HalfEven, 0), "367.5", "368"},

		{places(billing.Down, 2), "2.669", "2.66"},
		{places(billing.Down, 2), "2.665", "2.66"},
		{places(billing.Down, 2), "2.66", "2.66"},
		{places(billing.Down, 0), "2.99", "2"},

		{places(billing.Up, 2), "2.661", "2.67"},
		{places(billing.Up, 2), "2.665", "2.67"},
		{places(billing.Up, 2), "2.66", "2.66"},
		{places(billing.Up, 2), "2.6600", "2.66"},
		{places(billing.Up, 0), "2.01", "3"},

		{cash("0.05"), "2.67", "2.65"},
		{cash("0.05"), "2.68", "2.70"},
		{cash("0.05"), "2.675", "2.70"}, // a half increment rounds up
		{cash("0.05"), "2.625", "2.65"},
		{cash("0.05"), "2.65", "2.65"},
		{cash("0.10"), "2.65", "2.70"},
		{cash("0.10"), "2.649", "2.60"},
		{cash("1"), "12.5", "13"},
		{cash("1"), "12.49", "12"},
		{cash("5"), "367", "365"},
		{cash("5"), "367.5", "370"},
		// No increment: half up to Places.
		{billing.Rounding{Mode: billing.Cash, Places: 2}, "2.665", "2.67"},
		// An unknown mode is half up (the price book's validation rejects it).
		{places("", 2), "2.665", "2.67"},
	} {
		got := c.r.Round(d(c.in))
		assert.True(t, got.Equal(d(c.want)), "%s: %s -> %s, want %s", c.r, c.in, got, c.want)
		neg := c.r.Round(d(c.in).Neg())
		assert.True(t, neg.Equal(d(c.want).Neg()), "%s: -%s -> %s, want -%s", c.r, c.in, neg, c.want)
		if c.r.Mode != billing.Cash {
			assert.Equal(t, c.r.Places, -got.Exponent(), "%s: %s -> %s has %d places", c.r, c.in, got, -got.Exponent())
		}
	}
}

func TestRoundingString(t *testing.T) {
	assert.Equal(t, "half_up to 2 places", billing.Rounding{Mode: billing.HalfUp, Places: 2}.String())
	assert.Equal(t, "half_even to 0 places", billing.Rounding{Mode: billing.HalfEven}.String())
	assert.Equal(t, "cash to 0.05", billing.Rounding{Mode: billing.Cash, Increment: d("0.05")}.String())
}

func mtStrings(ds []decimal.Decimal, places int32) []string {
	out := make([]string, len(ds))
	for i, x := range ds {
		out[i] = x.StringFixed(places)
	}
	return out
}

func mtDecimals(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

func TestAllocate(t *testing.T) {
	tiny := mtDecimals("1000000", "0.000000001", "0.000000001", "0.000000001")
	for _, c := range []struct {
		name    string
		total   string
		weights []decimal.Decimal
		places  int32
		want    []string
	}{
		{"not_divisible_ties_to_earlier", "10.00", mtDecimals("1", "1", "1"), 2, []string{"3.34", "3.33", "3.33"}},
		{"largest_remainder_wins", "10.00", mtDecimals("1", "2", "3"), 2, []string{"1.67", "3.33", "5.00"}},
		{"zero_weights_equal_split", "10.00", mtDecimals("0", "0", "0"), 2, []string{"3.34", "3.33", "3.33"}},
		{"one_zero_weight_gets_nothing", "10.00", mtDecimals("0", "1", "1"), 2, []string{"0.00", "5.00", "5.00"}},
		{"negative_total_mirrors", "-10.00", mtDecimals("1", "1", "1"), 2, []string{"-3.34", "-3.33", "-3.33"}},
		{"negative_total_weighted", "-10.00", mtDecimals("1", "2", "3"), 2, []string{"-1.67", "-3.33", "-5.00"}},
		{"one_part_takes_all", "123.45", mtDecimals("7"), 2, []string{"123.45"}},
		{"one_part_zero_weight", "123.45", mtDecimals("0"), 2, []string{"123.45"}},
		{"places_0", "100", mtDecimals("1", "1", "1"), 0, []string{"34", "33", "33"}},
		{"places_0_TWD_tax_by_rate", "367", mtDecimals("349.05", "17.45"), 0, []string{"350", "17"}},
		{"zero_total", "0", mtDecimals("1", "2"), 2, []string{"0.00", "0.00"}},
		{"tiny_weights", "1.00", tiny, 2, []string{"1.00", "0.00", "0.00", "0.00"}},
		{"tiny_weights_units_left", "0.03", mtDecimals("0.001", "0.001", "0.001", "0.001"), 2, []string{"0.01", "0.01", "0.01", "0.00"}},
		{"more_parts_than_units", "0.02", mtDecimals("1", "1", "1", "1", "1"), 2, []string{"0.01", "0.01", "0.00", "0.00", "0.00"}},
		{"places_4", "1", mtDecimals("1", "1", "1"), 4, []string{"0.3334", "0.3333", "0.3333"}},
		{"exact_shares_no_bump", "9.00", mtDecimals("1", "2"), 2, []string{"3.00", "6.00"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := billing.Allocate(d(c.total), c.weights, c.places)
			assert.Equal(t, c.want, mtStrings(got, c.places))
			sum := decimal.Zero
			for _, g := range got {
				sum = sum.Add(g)
			}
			assert.True(t, sum.Equal(d(c.total)), "sum %s, total %s", sum, c.total)
		})
	}
	t.Run("no_parts", func(t *testing.T) {
		assert.Empty(t, billing.Allocate(d("10"), nil, 2))
	})
	t.Run("many_parts", func(t *testing.T) {
		w := make([]decimal.Decimal, 1000)
		for i := range w {
			w[i] = decimal.New(int64(i%7), -3)
		}
		got := billing.Allocate(d("1234.56"), w, 2)
		require.Len(t, got, 1000)
		sum := decimal.Zero
		for _, g := range got {
			sum = sum.Add(g)
			assert.False(t, g.IsNegative())
		}
		assert.True(t, sum.Equal(d("1234.56")), "sum %s", sum)
		for i, g := range got {
			if i%7 == 0 {
				assert.True(t, g.IsZero(), "part %d has weight zero, got %s", i, g)
			}
		}
	})
	t.Run("does_not_change_weights", func(t *testing.T) {
		w := mtDecimals("0", "0")
		billing.Allocate(d("1.00"), w, 2)
		assert.Equal(t, []string{"0", "0"}, mtStrings(w, 0))
	})
}
